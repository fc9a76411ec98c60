//! Signing in and out, passwords, sessions and tokens.

use super::*;

#[test]
fn a_county_secretary_signs_in_reads_the_dashboard_and_signs_out() {
    let mut c = app().client();
    // Not signed in: sent to the sign-in page, which remembers where we were going.
    let r = c.get("/organizations?page=2");
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/login?next=/organizations%3Fpage%3D2")
    );

    let r = c.sign_in("longyou", PASSWORD);
    assert_eq!(r.status, 303);
    let cookie = r
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("lx_session="))
        .unwrap()
        .1
        .clone();
    for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(cookie.contains(attr), "{attr} in {cookie}");
    }

    let home = c.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("两新组织覆盖驾驶舱"));
    assert!(home.body.contains("<svg"), "charts drawn on the server");
    assert!(
        home.body.contains("中共龙游县两新组织工作委员会"),
        "the scope in the breadcrumb"
    );
    assert!(home.body.contains("组织覆盖率"));
    assert!(home.body.contains("覆盖率走势"), "the trend is drawn");
    assert!(!home.body.contains("<script"), "no script needed");

    // Signing out needs the page's CSRF token.
    let r = c.post_form("/logout", &[("_csrf", "forged")]);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("CSRF"));
    let r = c.post_form("/logout", &[("_csrf", &home.csrf())]);
    assert_eq!(r.status, 303);
    assert!(!c.has_cookie("lx_session"));
    assert_eq!(c.get("/").status, 303, "signed out");
}

#[test]
fn the_old_cookie_is_dead_after_sign_out() {
    let mut c = app().signed_in("hongmu");
    let stolen = c.cookie("lx_session").unwrap();
    let csrf = c.get("/").csrf();
    assert_eq!(c.post_form("/logout", &[("_csrf", &csrf)]).status, 303);
    // Someone replaying the cookie after sign-out gets the sign-in page.
    let mut replay = app().client();
    replay.set_cookie("lx_session", &stolen);
    assert_eq!(replay.get("/gaps").status, 303);
    assert_eq!(replay.get("/api/v1/coverage").status, 401);
}

#[test]
fn wrong_passwords_lock_the_account_and_say_so_in_chinese() {
    let app = app();
    city_account(app, "locktest", "另一个密码-2026");
    let mut c = app.client();
    let unknown = c.sign_in("nobody-at-all", "wrong");
    assert_eq!(unknown.status, 401);
    for i in 1..=5 {
        let r = c.sign_in("locktest", "wrong");
        assert_eq!(r.status, 401, "attempt {i}");
        assert!(
            r.body
                .contains("用户名或密码错误（连续输错5次的账户将锁定15分钟）")
        );
    }
    // Now even the right password is refused until the lock ends, and the answer is the
    // one a wrong password or an unknown name gets: it tells nobody the account exists.
    let r = c.sign_in("locktest", "另一个密码-2026");
    assert_eq!(r.status, 401);
    assert!(!c.has_cookie("lx_session"));
    let said = |body: &str| {
        body.split("role=\"alert\">")
            .nth(1)
            .and_then(|t| t.split("</p>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        said(&r.body),
        said(&unknown.body),
        "a locked account reads like an unknown one"
    );
    assert_eq!(
        r.body.replace("locktest", "X").replace(&r.csrf(), "T"),
        unknown
            .body
            .replace("nobody-at-all", "X")
            .replace(&unknown.csrf(), "T"),
        "the whole page, but for the name typed"
    );
    assert!(!r.body.contains("锁定，请于"), "{}", r.body);
}

#[test]
fn changing_a_password_is_throttled_like_sign_in_and_ends_every_token() {
    let app = app();
    let user = city_account(app, "pwchange", "旧密码-2026-abc");
    let mut store = app.store();
    let token = liangxin_web::auth::random_token().unwrap();
    store
        .create_api_token(&liangxin_store::accounts::NewToken {
            actor: "test",
            hash: &liangxin_web::auth::token_hash(&token),
            user_id: user,
            name: "脚本",
            now: chrono::Utc::now().naive_utc(),
            expires_at: None,
            read_only: false,
        })
        .unwrap();
    let mut api = app.client();
    api.bearer = Some(token.clone());
    assert_eq!(api.get("/api/v1/coverage").status, 200);

    let mut c = app.client();
    assert_eq!(c.sign_in("pwchange", "旧密码-2026-abc").status, 303);
    let page = c.get("/account/password");
    let csrf = page.csrf();
    let r = c.post_form(
        "/account/password",
        &[
            ("_csrf", &csrf),
            ("current", "猜的"),
            ("new", "新密码-2026-xyz"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("当前密码不正确（连续输错5次账户将锁定15分钟）"),
        "{}",
        r.body
    );
    let r = c.post_form(
        "/account/password",
        &[
            ("_csrf", &csrf),
            ("current", "旧密码-2026-abc"),
            ("new", "新密码-2026-xyz"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // The token made with the old password is dead with it.
    assert_eq!(api.get("/api/v1/coverage").status, 401);

    // Guessing the current password through an open session locks the account as
    // guessing at sign-in does.
    let mut c = app.client();
    assert_eq!(c.sign_in("pwchange", "新密码-2026-xyz").status, 303);
    let csrf = c.get("/account/password").csrf();
    for _ in 0..5 {
        let r = c.post_form(
            "/account/password",
            &[
                ("_csrf", &csrf),
                ("current", "猜的"),
                ("new", "另一个-2026-xyz"),
            ],
        );
        assert_eq!(r.status, 422);
    }
    let r = c.post_form(
        "/account/password",
        &[
            ("_csrf", &csrf),
            ("current", "新密码-2026-xyz"),
            ("new", "另一个-2026-xyz"),
        ],
    );
    assert_eq!(r.status, 422, "locked: even the right password is refused");
    assert_eq!(
        app.client().sign_in("pwchange", "新密码-2026-xyz").status,
        401
    );
}

#[test]
fn sign_in_without_the_form_token_is_refused() {
    let mut c = app().client();
    let r = c.post_form(
        "/login",
        &[("username", "city"), ("password", PASSWORD), ("_csrf", "x")],
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("登录表单已过期"));
    assert!(!c.has_cookie("lx_session"));
    // An unknown user gets the same message as a wrong password.
    let r = c.sign_in("nobody", PASSWORD);
    assert_eq!(r.status, 401);
    assert!(r.body.contains("用户名或密码错误"));
}

#[test]
fn an_expired_session_sends_you_back_to_sign_in() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let token = liangxin_web::auth::random_token().unwrap();
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::hours(9);
    store
        .create_session(
            &liangxin_web::auth::token_hash(&token),
            user.id,
            "csrf",
            past,
            past + chrono::Duration::hours(8),
            false,
        )
        .unwrap();
    let mut c = app.client();
    c.set_cookie("lx_session", &token);
    let r = c.get("/");
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/login"));
    // And it is gone from the database.
    assert!(
        store
            .session(
                &liangxin_web::auth::token_hash(&token),
                chrono::Utc::now().naive_utc()
            )
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_bearer_token_reads_the_api_but_cannot_use_the_forms() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("city").unwrap().unwrap();
    let token = liangxin_web::auth::random_token().unwrap();
    store
        .create_api_token(&liangxin_store::accounts::NewToken {
            actor: "test",
            hash: &liangxin_web::auth::token_hash(&token),
            user_id: user.id,
            name: "t",
            now: chrono::Utc::now().naive_utc(),
            expires_at: None,
            read_only: false,
        })
        .unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let r = agent
        .post(format!("{}/organizations/new", app.base))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("name=%E4%BC%AA%E9%80%A0&county=330825&kind=enterprise")
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        303,
        "pages know sessions only: sent to sign in"
    );
    let r = agent
        .get(format!("{}/api/v1/coverage", app.base))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
}

#[test]
fn sign_in_over_plain_http_on_another_host_says_what_is_wrong() {
    // The test server marks cookies Secure, as a real one does; a browser reaching it as
    // http://10.0.0.5 drops them.
    let mut c = app().client();
    let r = c.get_with("/login", &[("Host", "10.0.0.5:8080")]);
    assert!(r.body.contains("未加密的 HTTP"), "{}", r.body);
    assert!(r.body.contains("--tls-cert"), "{}", r.body);
    // Without the form's cookie the refusal says the same, not "expired".
    let mut fresh = app().client();
    fresh
        .post_headers
        .push(("Host".to_owned(), "10.0.0.5:8080".to_owned()));
    let r = fresh.post_form(
        "/login",
        &[
            ("_csrf", "x"),
            ("username", "longyou"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(r.status, 403);
    assert!(r.body.contains("未加密的 HTTP"), "{}", r.body);
    assert!(!r.body.contains("已过期"), "{}", r.body);
    // On this machine's own address the page is as always.
    let r = app().client().get("/login");
    assert!(!r.body.contains("未加密的 HTTP"));
}
