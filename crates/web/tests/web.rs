//! The web platform over real HTTP: signing in and out, the abuse limits, every page and
//! API endpoint, bad input, and the OpenAPI document against its snapshot.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::OnceLock;

use common::{PASSWORD, TestApp};
use liangxin_domain::kinds::Role;
use liangxin_store::accounts::{Anchor, NewUser};
use liangxin_store::people::MemberFilter;

fn app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| TestApp::start(1500))
}

/// A page that is not there, or not for this account, answers in the house's words with
/// what one can do; the API answers in JSON.
#[test]
fn missing_and_forbidden_pages_say_so_in_chinese_with_what_to_do() {
    let mut c = app().signed_in("longyou");
    let r = c.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("没有找到") && r.body.contains("返回首页"),
        "{}",
        r.body
    );
    assert!(r.body.contains("管理范围"));
    let r = c.get("/api/v1/no-such-list");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("没有找到"));
    let mut member = app().signed_in("member");
    let r = member.get("/dues");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("没有这项权限"), "{}", r.body);
}

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

/// A city-level account of its own for a test that locks or changes it; its id.
fn city_account(app: &TestApp, username: &str, password: &str) -> i64 {
    let mut store = app.store();
    let hash = liangxin_web::auth::hash_password(password).unwrap();
    let city = store.root_party_orgs().unwrap()[0].0;
    store
        .create_user(
            &NewUser {
                username,
                display_name: username,
                password_hash: &hash,
                role: Role::City,
                anchor: Anchor::Committee {
                    party_org: city,
                    region: city.county,
                },
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap()
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
fn pages_list_and_detail_with_filters_and_clear_errors() {
    let mut c = app().signed_in("city");
    let list = c.get("/organizations?kind=enterprise&sort=-employees");
    assert_eq!(list.status, 200);
    assert!(list.body.contains("共 "));
    assert!(list.body.contains("非公有制企业"));
    let href = list
        .body
        .split("<td data-label=\"单位名称\"><a href=\"/organizations/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let detail = c.get(&format!("/organizations/{href}"));
    assert_eq!(detail.status, 200);
    assert!(detail.body.contains("覆盖的党组织"));
    assert!(detail.body.contains("规则要求的行动"));

    for (path, field) in [
        ("/organizations?page=abc", "页码"),
        ("/organizations?county=12", "县(市、区)"),
        ("/organizations?kind=factory", "组织类别"),
        ("/organizations?sort=salary", "排序"),
        ("/gaps?action=nothing", "应采取行动"),
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 422, "{path}");
        assert!(r.body.contains(field), "{path}: {}", r.body);
    }
    assert_eq!(c.get("/organizations/330825/999999999").status, 404);
    assert_eq!(c.get("/organizations/abc/1").status, 400);

    let gaps = c.get("/gaps?action=assign_instructor");
    assert_eq!(gaps.status, 200);
    assert!(gaps.body.contains("选派党建指导员"));
    let xlsx = c.get("/gaps.xlsx?action=assign_instructor");
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let csv = c.get("/gaps.csv?action=assign_instructor");
    assert_eq!(csv.status, 200);
    // The same columns as the workbook, through the shared export.
    assert!(
        csv.body.starts_with(
            "\u{feff}县(市、区),对象,名称,应采取行动,原因,规则,规则编号,版本,依据\r\n"
        ),
        "{}",
        csv.body
    );
    assert!(csv.body.lines().count() > 1);
}

#[test]
fn oversized_and_malformed_bodies_get_4xx_never_5xx() {
    let mut c = app().client();
    let big = vec![b'a'; 200 * 1024];
    // 413, or the connection closed on us mid-body after the server read the length: never
    // accepted, never a 5xx, and the server carries on.
    match c.try_post_raw("/login", "application/x-www-form-urlencoded", big) {
        Ok(r) => assert_eq!(r.status, 413),
        Err(e) => assert!(matches!(e, ureq::Error::Io(_)), "{e}"),
    }
    assert_eq!(c.get("/healthz").status, 200);
    let r = c.post_raw("/login", "application/json", b"{not json".to_vec());
    assert!((400..500).contains(&r.status), "{}", r.status);
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        b"%%%=%zz&&=".to_vec(),
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
}

#[test]
fn the_api_takes_personal_tokens_and_checks_its_parameters() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let token = liangxin_web::auth::random_token().unwrap();
    store
        .create_api_token(&liangxin_store::accounts::NewToken {
            actor: "test",
            hash: &liangxin_web::auth::token_hash(&token),
            user_id: user.id,
            name: "测试",
            now: chrono::Utc::now().naive_utc(),
            expires_at: None,
            read_only: false,
        })
        .unwrap();

    let mut anon = app.client();
    let r = anon.get("/api/v1/coverage");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "请先登录");

    let mut c = app.client();
    c.bearer = Some(token);
    let r = c.get("/api/v1/coverage?by=county");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["by"], "county");
    assert_eq!(
        v["groups"].as_array().unwrap().len(),
        1,
        "a county sees itself only"
    );
    assert_eq!(v["groups"][0]["name"], "龙游县");
    let total = v["total"].clone();
    let r = c.get("/api/v1/coverage?by=street");
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["field"], "by");

    // The trend's last point is today's coverage; twelve month-ends, oldest first. (Other
    // stories change the shared city meanwhile: compare a trend read between two equal
    // coverage reads.)
    let fields = ["total", "organization_covered", "work_covered", "gap"];
    let mut total = total;
    let mut checked = false;
    for _ in 0..10 {
        let r = c.get("/api/v1/coverage/trend");
        assert_eq!(r.status, 200);
        let points = r.json()["points"].as_array().unwrap().clone();
        assert_eq!(points.len(), 12);
        assert!(points[0]["on"].as_str().unwrap() < points[11]["on"].as_str().unwrap());
        let after = c.get("/api/v1/coverage?by=county").json()["total"].clone();
        if fields.iter().all(|f| after[f] == total[f]) {
            for f in fields {
                assert_eq!(points[11][f], total[f], "{f}");
            }
            checked = true;
            break;
        }
        total = after;
    }
    assert!(checked, "the city kept changing");
    let r = c.get("/api/v1/zones");
    assert_eq!(r.status, 200);
    let zones = r.json()["zones"].as_array().unwrap().clone();
    assert!(
        zones.iter().any(|z| z["name"] == "龙游红木小镇"),
        "{zones:?}"
    );
    assert!(zones.iter().all(|z| z["county"] == 330825));

    let r = c.get("/api/v1/organizations?page=1&sort=name");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert!(v["total"].as_i64().unwrap() > 0);
    for item in v["items"].as_array().unwrap() {
        assert_eq!(item["county"], 330825);
    }
    let first = &v["items"][0];
    let r = c.get(&format!(
        "/api/v1/organizations/{}/{}",
        first["county"], first["id"]
    ));
    assert_eq!(r.status, 200);
    assert!(r.json()["findings"].is_array());
    let r = c.get("/api/v1/gaps?page=1");
    assert_eq!(r.status, 200);
    assert!(
        r.json()["items"][0]["rule_source"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );

    // Malformed paths and queries are JSON errors too.
    let r = c.get("/api/v1/organizations/abc/1");
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("路径"));
    let r = c.get("/api/v1/party-orgs/330825/x");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "路径");
    let mut bad = app.client();
    bad.bearer = Some("not-a-token".into());
    assert_eq!(bad.get("/api/v1/coverage").status, 401);
}

#[test]
fn operations_endpoints_answer() {
    let mut c = app().client();
    let r = c.get("/healthz");
    assert_eq!(r.status, 200);
    let _ = c.get("/login");
    let r = c.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("liangxin_http_requests_total{route=\"/login\",status=\"200\"}")
    );
    assert!(
        r.body
            .contains("liangxin_http_request_duration_seconds_bucket")
    );
    assert!(
        r.body
            .contains("liangxin_db_pool_connections{state=\"in_use\"}")
    );
    assert!(r.header("x-request-id").is_some_and(|id| id.len() == 16));
    let css = c.get("/static/app.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@media print"));
}

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let mut c = app().client();
    let r = c.get("/api/v1/openapi.json");
    assert_eq!(r.status, 200);
    insta::assert_json_snapshot!("openapi", r.json());
}

#[test]
fn registering_an_organization_checks_every_field_and_the_scope() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let form = c.get("/organizations/new");
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let post = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post_form("/organizations/new", &all)
    };
    for (fields, message) in [
        (
            vec![("name", ""), ("county", "330825"), ("kind", "enterprise")],
            "必填",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330802"),
                ("kind", "enterprise"),
            ],
            "不在您的管理范围内",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330825"),
                ("kind", "factory"),
            ],
            "不是有效的组织类别",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330825"),
                ("kind", "enterprise"),
                ("credit_code", "91330825MA2AAAAA"),
            ],
            "统一社会信用代码",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330825"),
                ("kind", "enterprise"),
                ("employees", "-3"),
            ],
            "应为0到1000000之间的整数",
        ),
    ] {
        let r = post(&mut c, &fields);
        assert_eq!(r.status, 422, "{fields:?}");
        assert!(r.body.contains(message), "{fields:?}: {message}");
        assert!(r.body.contains("请改正标红的项目"));
    }
    // (Other stories register units in the shared city meanwhile: count by name, not in all.)
    let named = |name: &str| {
        let filter = liangxin_store::organizations::OrgFilter {
            q: Some(name.to_owned()),
            ..Default::default()
        };
        app.store()
            .organizations_count(
                &liangxin_store::Scope::everything(),
                liangxin_web::today(),
                &filter,
            )
            .unwrap()
    };
    let before = named("龙游县某新材料有限公司");
    // A credit code whose check character fails is kept, with a warning on the unit's page.
    let code = liangxin_domain::credit_code::CreditCode::from_parts("91330825MA2BBBBB1").unwrap();
    let wrong = format!(
        "{}{}",
        &code.as_str()[..17],
        if code.as_str().ends_with('0') {
            '1'
        } else {
            '0'
        }
    );
    let r = post(
        &mut c,
        &[
            ("name", "龙游县某新材料有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("credit_code", &wrong),
            ("sector", "manufacturing"),
            ("employees", "40"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = c.get(r.header("location").unwrap());
    assert!(detail.body.contains("校验位不符"));
    assert!(detail.body.contains("制造业"));
    assert_eq!(named("龙游县某新材料有限公司"), before + 1);
    // The same code again is refused, and nothing is written.
    let r = post(
        &mut c,
        &[
            ("name", "另一家"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("credit_code", &wrong),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已被其他组织使用"));
    assert_eq!(named("另一家"), 0, "nothing is written");
    // A forged form changes nothing.
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", "x"),
            ("name", "伪造"),
            ("county", "330825"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 403);

    // A secretary reads but does not register.
    let mut s = app.signed_in("secretary");
    assert_eq!(s.get("/organizations/new").status, 403);
}

#[test]
fn changing_an_organization_keeps_its_county_checks_every_field_and_is_audited() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let form = c.get("/organizations/new");
    let csrf = form.csrf();
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", csrf.as_str()),
            ("name", "龙游县待改名科技有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("employees", "12"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail_path = r.header("location").unwrap().to_owned();
    let edit_path = format!("{detail_path}/edit");
    let detail = c.get(&detail_path);
    assert!(
        detail.body.contains(&edit_path),
        "the detail links to the form"
    );

    // The form comes filled with what is recorded.
    let form = c.get(&edit_path);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("龙游县待改名科技有限公司"));
    assert!(form.body.contains(r#"value="12""#));
    let post = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post_form(&edit_path, &all)
    };
    let r = post(
        &mut c,
        &[("name", "龙"), ("county", "330825"), ("kind", "enterprise")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("至少2个字"));
    let r = post(
        &mut c,
        &[
            ("name", "龙游县已改名科技有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("employees", "一百"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("应为0到1000000之间的整数"));
    assert!(
        c.get(&detail_path)
            .body
            .contains("龙游县待改名科技有限公司")
    );

    // A county sent with the form does not move the unit: the county stays.
    let versions = app.store().registry_version().unwrap();
    let r = post(
        &mut c,
        &[
            ("name", "龙游县已改名科技有限公司"),
            ("county", "330802"),
            ("kind", "social_group"),
            ("employees", "15"),
            ("sector", "internet"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some(detail_path.as_str()));
    let detail = c.get(&detail_path);
    assert!(detail.body.contains("龙游县已改名科技有限公司"));
    assert!(detail.body.contains("15人"));
    assert!(detail.body.contains("龙游县"));
    assert!(app.store().registry_version().unwrap() > versions);
    let ids: Vec<i64> = detail_path
        .rsplit('/')
        .take(2)
        .map(|p| p.parse().unwrap())
        .collect();
    let audited = app
        .store()
        .audit_entries("organization", i32::try_from(ids[1]).unwrap(), ids[0])
        .unwrap();
    assert!(
        audited.iter().any(|e| e.action == "update"
            && e.before.as_deref().is_some_and(|b| b.contains("待改名"))
            && e.after.as_deref().is_some_and(|a| a.contains("已改名"))),
        "{audited:?}"
    );

    // The city (above the county) may change it; a secretary reads but does not edit units.
    let mut k = app.signed_in("city");
    assert_eq!(k.get(&edit_path).status, 200, "the city sees every county");
    let mut s = app.signed_in("secretary");
    assert_eq!(s.get(&edit_path).status, 403);
}

#[test]
fn setting_up_a_party_organization_checks_its_parent_units_and_dates() {
    let app = app();
    let mut store = app.store();
    let longyou = store.user_by_username("longyou").unwrap().unwrap();
    let scope = store.scope_of_user(&longyou).unwrap();
    let root = store.scope_root(&scope).unwrap().unwrap();
    // A unit of 龙游 with a credit code, currently in no party organization of its own.
    let page = liangxin_store::organizations::OrgPage {
        limit: 500,
        ..Default::default()
    };
    let unit = store
        .organizations_page(&scope, liangxin_web::today(), &page)
        .unwrap()
        .into_iter()
        .find(|o| o.credit_code.is_some() && !o.credit_code_check_failed)
        .unwrap();
    let code = unit.credit_code.clone().unwrap();

    let mut c = app.signed_in("longyou");
    let path = format!("/party-orgs/{}/{}/new", root.key.county, root.key.id);
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let tomorrow = (liangxin_web::today() + chrono::Duration::days(1)).to_string();
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("name", "测试联合党支部"),
            ("org_type", "joint_branch"),
            ("formation_mode", "regional_joint"),
            ("term_started", &tomorrow),
            ("covers", "91330825XXXXXXXXXX\n"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能晚于今天"));
    assert!(
        r.body.contains("91330825XXXXXXXXXX"),
        "the unknown code is named"
    );
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("name", "测试联合党支部"),
            ("org_type", "joint_branch"),
            ("formation_mode", "regional_joint"),
            ("term_started", "2026-01-05"),
            ("has_committee", "1"),
            ("covers", &format!(" {code} \n")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let node = c.get(r.header("location").unwrap());
    assert!(node.body.contains("测试联合党支部"));
    assert!(node.body.contains(&unit.name), "covers the unit");
    let detail = c.get(&format!(
        "/organizations/{}/{}",
        unit.key.county, unit.key.id
    ));
    assert!(detail.body.contains("测试联合党支部（联合党支部）"));

    // A town committee cannot set up under the county's node: outside its subtree.
    let mut z = app.signed_in("hongmu");
    assert_eq!(z.get(&path).status, 404);

    // Changing it: the unit is let go (unticked), the name and term change.
    let node_path = r.header("location").unwrap().to_owned();
    let edit = format!("{node_path}/edit");
    assert!(node.body.contains(&edit));
    let form = c.get(&edit);
    assert_eq!(form.status, 200);
    assert!(
        form.body.contains(&unit.name),
        "the covered unit is listed to keep"
    );
    assert!(form.body.contains("2026-01-05"));
    let r = c.post_form(
        &edit,
        &[
            ("_csrf", &csrf),
            ("name", "测"),
            ("org_type", "joint_branch"),
            ("keep", &format!("{}/{}", unit.key.county, unit.key.id)),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("至少2个字"));
    // A unit it does not cover cannot be slipped in as "kept".
    let r = c.post_form(
        &edit,
        &[
            ("_csrf", &csrf),
            ("name", "测试联合党支部"),
            ("org_type", "joint_branch"),
            ("keep", "330825/1"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("覆盖单位"));
    let r = c.post_form(
        &edit,
        &[
            ("_csrf", &csrf),
            ("name", "测试第二联合党支部"),
            ("org_type", "joint_branch"),
            ("formation_mode", "regional_joint"),
            ("term_started", "2026-02-01"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let node = c.get(&node_path);
    assert!(node.body.contains("测试第二联合党支部"));
    assert!(!node.body.contains(&unit.name), "no longer covers the unit");
    let detail = c.get(&format!(
        "/organizations/{}/{}",
        unit.key.county, unit.key.id
    ));
    assert!(!detail.body.contains("测试第二联合党支部"));
    // The town committee cannot reach the form either.
    assert_eq!(z.get(&edit).status, 404);
}

#[test]
fn registering_a_member_checks_identity_dates_and_scope_and_masks_the_id() {
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let path = format!(
        "/party-orgs/{}/{}/members/new",
        branch.key.county, branch.key.id
    );
    let mut c = app.signed_in("secretary");
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let id = liangxin_domain::resident_id::ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1990, 3, 8).unwrap(),
        123,
    )
    .unwrap();
    let full = id.expose().to_owned();
    let mut wrong_check = full.clone();
    wrong_check.replace_range(17..18, if full.ends_with('0') { "1" } else { "0" });
    let post = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post_form(&path, &all)
    };
    for (fields, message) in [
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", wrong_check.as_str()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2016-07-01"),
            ],
            "校验码错误",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "full"),
                ("joined_on", "2005-07-01"),
                ("confirmed_on", "2006-07-01"),
            ],
            "入党时应年满18岁",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
            ],
            "正式党员应填写转正时间",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2014-07-01"),
            ],
            "不能早于入党时间",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "probationary"),
                ("joined_on", "2099-07-01"),
            ],
            "不能晚于今天",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "probationary"),
                ("joined_on", "2026-07-01"),
                ("phone", "12345"),
            ],
            "应为11位手机号码",
        ),
    ] {
        let r = post(&mut c, &fields);
        assert_eq!(r.status, 422, "{fields:?}");
        assert!(r.body.contains(message), "{message}");
    }
    let r = post(
        &mut c,
        &[
            ("name", "钱多多"),
            ("resident_id", &full),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-07-01"),
            ("phone", "13800000000"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").unwrap().to_owned();
    let member_path = location.trim_end_matches("?saved=member").to_owned();
    assert_ne!(member_path, location, "saved, and the page says so");
    let page = c.get(&location);
    assert!(page.body.contains("已保存：党员信息"));
    assert!(page.body.contains("钱多多"));
    assert!(page.body.contains(&id.masked()));
    assert!(!page.body.contains(&full), "the full number is never shown");
    // The same person again: refused with the field named.
    let r = post(
        &mut c,
        &[
            ("name", "钱多多"),
            ("resident_id", &full),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-07-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已在本辖区登记为党员"), "{}", r.body);
    // Another county's committee cannot reach this branch's form.
    let mut other = app.signed_in("hongmu");
    assert_eq!(other.get(&path).status, 404);

    // Correcting the record: the form comes filled, the ID is shown masked and not asked,
    // the constitution's date rules hold (the store knows the birth date from the ID).
    let edit = format!("{member_path}/edit");
    assert!(page.body.contains(&edit));
    let form = c.get(&edit);
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&id.masked()));
    assert!(form.body.contains("13800000000"));
    assert!(!form.body.contains(r#"name="resident_id""#));
    let change = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post_form(&edit, &all)
    };
    let r = change(
        &mut c,
        &[
            ("name", "钱多多"),
            ("status", "full"),
            ("joined_on", "2006-07-01"),
            ("confirmed_on", "2007-07-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("入党时应年满18岁"), "{}", r.body);
    let r = change(
        &mut c,
        &[
            ("name", "钱多多"),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-07-01"),
            ("workplace", "91330825XXXXXXXXX0"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("该代码的单位不存在或不在您的管理范围内"));
    let r = change(
        &mut c,
        &[
            ("name", "钱多多"),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-08-01"),
            ("phone", "13900000000"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(&member_path);
    assert!(page.body.contains("2016-08-01"));
    let (county, mid) = {
        let mut it = member_path.rsplit('/');
        let mid: i64 = it.next().unwrap().parse().unwrap();
        let county: i32 = it.next().unwrap().parse().unwrap();
        (county, mid)
    };
    let audited = app.store().audit_entries("member", county, mid).unwrap();
    let update = audited.iter().find(|e| e.action == "update").unwrap();
    assert!(update.after.as_deref().unwrap().contains("139****0000"));
    assert!(!update.after.as_deref().unwrap().contains(&full));
    // Another county's committee cannot reach the member; an instructor may not edit.
    assert_eq!(other.get(&edit).status, 404);
    let mut ins = app.signed_in("instructor");
    assert_eq!(ins.get(&edit).status, 403);
}

#[test]
fn assigning_an_instructor_turns_a_gap_into_work_coverage() {
    let app = app();
    let mut c = app.signed_in("longyou");
    // A unit of the county that is 空白 and has no member, found through the API.
    let mut api = app.client();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
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
    api.bearer = Some(token);
    let v = api.get("/api/v1/gaps?action=assign_instructor").json();
    let item = &v["items"][0];
    let (county, id) = (
        item["county"].as_i64().unwrap(),
        item["id"].as_i64().unwrap(),
    );
    let path = format!("/organizations/{county}/{id}/instructor");
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let instructor = form
        .body
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("instructor", &instructor),
            ("since", "2099-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能晚于今天"));
    let today = liangxin_web::today().to_string();
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("instructor", &instructor),
            ("since", &today),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = api
        .get(&format!("/api/v1/organizations/{county}/{id}"))
        .json();
    assert_eq!(detail["coverage_state"], "工作覆盖");
    assert_eq!(detail["instructors"].as_array().unwrap().len(), 1);
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("instructor", &instructor),
            ("since", &today),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已选派到该单位"));
}

#[test]
fn the_zones_page_shows_the_named_places_with_their_class() {
    let mut c = app().signed_in("longyou");
    let r = c.get("/zones");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("龙游红木小镇"));
    assert!(r.body.contains("传统产业提升类"));
    assert!(!r.body.contains("衢州海创园"), "柯城's park is not 龙游's");
    let mut city = app().signed_in("city");
    let r = city.get("/zones");
    for place in [
        "衢州海创园",
        "浙江中关村科技产业园",
        "上海张江（衢州）孵化基地",
        "花园258",
        "莲花生态农业循环小镇",
        "龙游红木小镇",
        "开化根缘小镇",
    ] {
        assert!(r.body.contains(place), "{place}");
    }
}

#[test]
fn a_zone_committee_registers_in_its_zone_and_county_only() {
    let app = app();
    let mut c = app.signed_in("hongmu");
    let form = c.get("/organizations/new");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("龙游县"), "the zone's county is offered");
    let csrf = form.csrf();
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", &csrf),
            ("name", "红木小镇某工艺厂"),
            ("county", "330825"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = c.get(r.header("location").unwrap());
    assert!(
        detail.body.contains("龙游红木小镇"),
        "placed in the committee's zone"
    );
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", &csrf),
            ("name", "别处某公司"),
            ("county", "330802"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不在您的管理范围内"));
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
fn a_secretary_records_a_theme_day_with_the_whole_branch_and_sees_the_month_met() {
    // Its own city: the story compares the branch's roll before and after, and another
    // story registers a member in this branch of the shared one.
    let app = TestApp::start(600);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let today = liangxin_web::today();
    let expected = store
        .expected_attendees(
            &scope,
            branch.key,
            liangxin_domain::kinds::MeetingKind::ThemeDay,
            today,
        )
        .unwrap();
    assert!(!expected.is_empty(), "the demo branch has members");
    let base = format!("/party-orgs/{}/{}", branch.key.county, branch.key.id);
    let mut c = app.signed_in("secretary");
    let node = c.get(&base);
    assert!(node.body.contains(&format!("{base}/life")));
    let form = c.get(&format!("{base}/meetings/new"));
    assert_eq!(form.status, 200);
    for e in &expected {
        assert!(form.body.contains(&e.name), "{} is expected", e.name);
    }
    let csrf = form.csrf();
    let day = today.to_string();
    let field =
        |e: &liangxin_store::life::ExpectedAttendee| format!("{}_{}", e.member.county, e.member.id);
    let marks: Vec<(String, String)> = expected
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            let mark = if i == 0 { "excused" } else { "present" };
            vec![(format!("a_{}", field(e)), mark.to_owned())]
        })
        .collect();
    let post = |c: &mut common::Client, extra: &[(&str, &str)], marks: &[(String, String)]| {
        let mut all: Vec<(&str, &str)> = vec![
            ("_csrf", csrf.as_str()),
            ("kind", "theme_day"),
            ("place", "党群服务中心"),
            ("host", "支部书记"),
            ("recorder", "组织委员"),
            ("topic", "主题党日：重温入党誓词"),
        ];
        all.extend_from_slice(extra);
        all.extend(marks.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        c.post_form(&format!("{base}/meetings/new"), &all)
    };
    let before = store
        .meetings_of(&scope, branch.key, today, today)
        .unwrap()
        .len();
    // 请假 without a reason, a future date, a missing topic: refused, nothing written.
    let r = post(&mut c, &[("held_on", &day)], &marks);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("应填写请假原因"), "{}", r.body);
    let tomorrow = (today + chrono::Duration::days(1)).to_string();
    let reason = format!("r_{}", field(&expected[0]));
    let r = post(&mut c, &[("held_on", &tomorrow), (&reason, "出差")], &marks);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能晚于今天"));
    let r = post(
        &mut c,
        &[("held_on", &day), (&reason, "出差"), ("topic", "")],
        &marks,
    );
    assert_eq!(r.status, 422);
    assert_eq!(
        store
            .meetings_of(&scope, branch.key, today, today)
            .unwrap()
            .len(),
        before
    );
    // Someone from outside the branch cannot be marked.
    let mut forged = marks.clone();
    forged.push(("a_330825_999999999".into(), "present".into()));
    let r = post(&mut c, &[("held_on", &day), (&reason, "出差")], &forged);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("改变了应到名单"), "{}", r.body);
    // The list follows the kind: these marks are the whole branch's, not the committee's.
    let r = post(
        &mut c,
        &[("held_on", &day), (&reason, "出差"), ("kind", "committee")],
        &marks,
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("改变了应到名单"), "{}", r.body);
    // 更新应到名单 redraws without saving.
    let r = post(
        &mut c,
        &[("held_on", &day), ("kind", "committee"), ("refresh", "1")],
        &marks,
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("支委会"));

    // The day typed, in the way people write it, is the day stored.
    let earlier = today - chrono::Duration::days(4);
    let on_earlier: Vec<(String, String)> = store
        .expected_attendees(
            &scope,
            branch.key,
            liangxin_domain::kinds::MeetingKind::ThemeDay,
            earlier,
        )
        .unwrap()
        .iter()
        .map(|e| (format!("a_{}", field(e)), "present".to_owned()))
        .collect();
    let typed = earlier.format("%Y年%-m月%-d日").to_string();
    let r = post(&mut c, &[("held_on", &typed)], &on_earlier);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        store
            .meetings_of(&scope, branch.key, earlier, earlier)
            .unwrap()
            .iter()
            .filter(|m| m.topic == "主题党日：重温入党誓词")
            .count(),
        1
    );
    let r = post(&mut c, &[("held_on", &day), (&reason, "出差")], &marks);
    assert_eq!(r.status, 303, "{}", r.body);
    let saved_at = r.header("location").unwrap().to_owned();
    let meeting_path = saved_at.split('?').next().unwrap().to_owned();
    let page = c.get(&saved_at);
    assert!(page.body.contains("重温入党誓词"));
    // Saved, and the month's dues sheet offered as the next step.
    assert!(page.body.contains("已保存：会议记录"), "{}", page.body);
    let month = &day[..7];
    assert!(
        page.body
            .contains(&format!(r#"href="{base}/dues?month={month}""#)),
        "{}",
        page.body
    );
    assert!(!c.get(&meeting_path).body.contains("已保存"));
    assert!(page.body.contains("出差"));
    assert!(
        page.body
            .contains(&format!("出席{}人，请假1人，缺席0人", expected.len() - 1))
    );
    // The month's 主题党日 is met on the calendar; the meeting is listed.
    let life = c.get(&format!("{base}/life"));
    assert_eq!(life.status, 200);
    assert!(life.body.contains("主题党日"));
    assert!(life.body.contains(&meeting_path));
    assert!(life.body.contains(r#"class="cell met""#), "{}", life.body);
    let r = c.get(&format!("{base}/life?year=1999"));
    assert_eq!(r.status, 422);
    // The county's roll-up lists the branch with its meetings; so does the API.
    let mut county = app.signed_in("longyou");
    let overview = county.get("/life");
    assert_eq!(overview.status, 200);
    assert!(overview.body.contains("期满未完成的期次"));
    let api = county.get("/api/v1/life?page=1").json();
    let item = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == branch.key.id)
        .cloned()
        .unwrap_or_else(|| panic!("the branch is in its county's roll-up: {api}"));
    assert!(item["meetings"].as_u64().unwrap() >= 1);
    assert_eq!(county.get("/api/v1/life?year=abc").status, 422);
    // The town committee above sees the meeting; another county's committee does not.
    let mut city = app.signed_in("city");
    assert_eq!(city.get(&meeting_path).status, 200);
    let mut other = app.signed_in("hongmu");
    let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
    let inside_hongmu = store
        .scope_of_user(&hongmu)
        .unwrap()
        .contains_path(&branch.path);
    if !inside_hongmu {
        assert_eq!(other.get(&meeting_path).status, 404);
    }
}

#[test]
fn a_secretary_marks_the_months_dues_for_the_whole_branch_in_one_screen() {
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_domain::registry::Key;
    use liangxin_store::dues::DuesInput;
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let root = store.scope_root(&scope).unwrap().unwrap();
    let today = liangxin_web::today();
    let month = Period::containing_month(today).prev();
    // A new party group of three under the secretary's branch, so the month starts unmarked.
    let group = store
        .insert_party_org(
            "test",
            &scope,
            liangxin_domain::registry::PartyOrg {
                key: Key {
                    county: root.key.county,
                    id: 0,
                },
                parent: Some(root.key),
                name: "党费测试党小组".into(),
                org_type: liangxin_domain::kinds::PartyOrgType::Group,
                formation_mode: None,
                zone: None,
                has_committee: false,
                term_started: None,
            },
            &[],
            today,
        )
        .unwrap();
    for i in 0..3u16 {
        let born = chrono::NaiveDate::from_ymd_opt(1966, 6, 1 + u32::from(i)).unwrap();
        store
            .insert_member(
                "test",
                &scope,
                today,
                liangxin_domain::registry::Member {
                    key: Key {
                        county: group.county,
                        id: 0,
                    },
                    party_org_id: group.id,
                    name: format!("党费测试{i}"),
                    resident_id: liangxin_domain::resident_id::ResidentId::from_parts(
                        "330825",
                        born,
                        990 + i,
                    )
                    .unwrap(),
                    status: liangxin_domain::kinds::MemberStatus::Full,
                    joined_on: chrono::NaiveDate::from_ymd_opt(2000, 7, 1).unwrap(),
                    confirmed_on: chrono::NaiveDate::from_ymd_opt(2001, 7, 1),
                    workplace: None,
                    flow: liangxin_domain::kinds::FlowStatus::Settled,
                    flow_destination: None,
                    phone: None,
                },
            )
            .unwrap();
    }
    let branch = store.party_org(&scope, group).unwrap().unwrap();
    let sheet = store.dues_sheet(&scope, branch.key, month).unwrap();
    assert_eq!(sheet.len(), 3);
    // The year's standards (salaried, 6,000 yuan: 1.5% = ¥90.00), as the branch fixes them.
    for r in &sheet {
        let input = DuesInput {
            category: DuesCategory::Salaried,
            base: Some(Fen::new(600_000)),
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("test", &scope, today, r.member, month.year_number(), input)
            .unwrap();
    }
    let base = format!(
        "/party-orgs/{}/{}/dues?month={month}",
        branch.key.county, branch.key.id
    );
    let mut c = app.signed_in("secretary");
    let page = c.get(&base);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("¥90.00"), "the standard is shown");
    assert!(
        page.body.contains(r#"value="90.00""#),
        "and offered as the amount"
    );
    let csrf = page.csrf();
    let unmarked: Vec<_> = sheet.iter().filter(|r| !r.marked).collect();
    let field = |k: Key| format!("{}_{}", k.county, k.id);
    // Nothing ticked, and a mistyped amount: refused, with the field named.
    let r = c.post_form(&base, &[("_csrf", &csrf)]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请勾选"));
    let f0 = field(unmarked[0].member);
    let r = c.post_form(
        &base,
        &[
            ("_csrf", &csrf),
            ("pay", &f0),
            (&format!("amt_{f0}"), "九十"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("金额"), "{}", r.body);
    // Everyone ticked with the standard, the first paying a little less.
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), csrf.clone())];
    for (i, r) in unmarked.iter().enumerate() {
        let f = field(r.member);
        form.push(("pay".into(), f.clone()));
        form.push((
            format!("amt_{f}"),
            if i == 0 { "80".into() } else { "90.00".into() },
        ));
    }
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = c.post_form(&base, &pairs);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(&base);
    assert!(page.body.contains("少交"));
    assert!(page.body.contains("已交"));
    assert!(
        !page.body.contains(r#"name="pay""#),
        "every member is marked"
    );
    // Marking again is refused; the member's page shows the month and offers a correction.
    let r = c.post_form(&base, &pairs);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已登记"));
    let member_page = c.get(&format!(
        "/members/{}/{}/dues",
        unmarked[0].member.county, unmarked[0].member.id
    ));
    assert_eq!(member_page.status, 200);
    assert!(member_page.body.contains(&month.label_zh()));
    assert!(member_page.body.contains("登记更正"));
    // Another county's committee cannot see the sheet.
    let mut other = app.signed_in("hongmu");
    let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
    if !store
        .scope_of_user(&hongmu)
        .unwrap()
        .contains_path(&branch.path)
    {
        assert_eq!(other.get(&base).status, 404);
    }
}

#[test]
fn a_county_runs_the_audit_sees_its_findings_and_closes_one_with_a_note() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let page = run_audit(&mut c);
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    assert!(page.body.contains("排查完成"), "{}", page.body);
    assert!(
        page.body.contains("第九条"),
        "the rule and its source are named"
    );
    // (That a re-run adds no duplicate is the store contract's to show: other stories
    // change the shared city between two runs here.)
    // Close the first open finding: a note is required.
    let action = page
        .body
        .split("action=\"/audit/findings/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/audit/findings/{s}"))
        .expect("an open finding with its close form");
    let r = c.post_form(&action, &[("_csrf", &csrf), ("note", "  ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("处理情况"));
    let r = c.post_form(&action, &[("_csrf", &csrf), ("note", "已约谈并补交")]);
    assert_eq!(r.status, 303);
    let all = c.get("/audit?all=1");
    assert!(all.body.contains("销号：已约谈并补交"));
    let r = c.post_form(&action, &[("_csrf", &csrf), ("note", "再销一次")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已经销号"));
    let x = c.get("/audit.xlsx");
    assert_eq!(x.status, 200);
    assert_eq!(
        x.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    // As the page filters it: the closed finding only with ?all=1, with its note.
    let open = c.get("/audit.csv");
    assert!(open.body.starts_with("\u{feff}责任党组织,对象,问题类别"));
    assert!(
        !open.body.contains("已约谈并补交"),
        "closed: not an open one"
    );
    let (_, _, bytes) = c.get_bytes("/audit.xlsx?all=1");
    let every = liangxin_docs::sheet::read(&bytes).unwrap();
    assert!(
        every
            .rows
            .iter()
            .any(|(_, r)| r[7].contains("已约谈并补交")),
        "the closed finding with its note"
    );
    // The town committee below the county: outside its zone the finding does not exist for
    // it; inside, it is already closed. An instructor cannot open the page.
    let mut store = app.store();
    let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
    let hongmu_scope = store.scope_of_user(&hongmu).unwrap();
    let key: Vec<&str> = action
        .trim_start_matches("/audit/findings/")
        .split('/')
        .collect();
    let key = liangxin_domain::registry::Key {
        county: key[0].parse().unwrap(),
        id: key[1].parse().unwrap(),
    };
    let mut inside = false;
    let mut offset = 0;
    loop {
        let (total, page) = store
            .audit_findings(
                &hongmu_scope,
                &liangxin_store::audit_run::FindingFilter::all(),
                offset,
                500,
            )
            .unwrap();
        inside |= page.iter().any(|f| f.key == key);
        offset += page.len() as i64;
        if page.is_empty() || offset >= total {
            break;
        }
    }
    let mut other = app.signed_in("hongmu");
    let other_csrf = other.get("/audit").csrf();
    let r = other.post_form(&action, &[("_csrf", &other_csrf), ("note", "越权")]);
    assert_eq!(r.status, if inside { 422 } else { 404 }, "inside: {inside}");
    let mut ins = app.signed_in("instructor");
    assert_eq!(ins.get("/audit").status, 403);
}

#[test]
fn home_pages_show_what_to_do_next_and_a_member_their_own_records() {
    let app = app();
    // A secretary's home is the branch's work: each meeting owed opens the form with its
    // kind chosen; no charts of a one-unit coverage.
    let mut s = app.signed_in("secretary");
    let home = s.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("本期要做的事"), "{}", home.body);
    assert!(
        !home.body.contains("<svg"),
        "no coverage charts for a branch"
    );
    let owed: Vec<&str> = home
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|h| h.split('"').next())
        .filter(|h| h.contains("/meetings/new?kind="))
        .collect();
    for href in &owed {
        let form = s.get(&href.replace("&amp;", "&"));
        assert_eq!(form.status, 200, "{href}");
        let kind = href.rsplit('=').next().unwrap();
        assert!(
            form.body
                .contains(&format!(r#"<option value="{kind}" selected>"#)),
            "{href} opens the form with its kind chosen"
        );
    }
    // A committee's home is its coverage first, then the 待办 summed by the organizations
    // below it: a few lines, not one per branch.
    let mut county = app.signed_in("longyou");
    let home = county.get("/");
    let (h1, todo) = (
        home.body.find("<h1>").unwrap(),
        home.body.find("id=\"todo-h\"").unwrap(),
    );
    assert!(h1 < todo, "the dashboard comes first");
    assert!(home.body.contains("按下级组织汇总"), "{}", home.body);
    let lines = home.body.matches("data-label=\"下级组织\"").count();
    assert!(lines >= 1);
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let root = store.scope_root(&scope).unwrap().unwrap();
    let (children, _) = store.party_org_children(root.key, None, 0, 1).unwrap();
    assert!(
        lines as i64 <= children + 1,
        "{lines} lines for {children} children"
    );
    // The ones with most to do, the rest summed on a line that lists them all.
    let all = county.get("/?todo=all");
    let every = all.body.matches("data-label=\"下级组织\"").count();
    if home.body.contains("/?todo=all") {
        assert_eq!(lines, 21, "20 lines and the rest");
        assert!(every > lines);
        assert!(!all.body.contains("/?todo=all"));
    } else {
        assert_eq!(every, lines);
    }
    // An instructor's home is the units assigned.
    let mut ins = app.signed_in("instructor");
    let home = ins.get("/");
    assert!(home.body.contains("我联系的两新组织"), "{}", home.body);
    assert!(home.body.contains("/organizations/"));
    let mut m = app.signed_in("member");
    let home = m.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("党费交至"), "{}", home.body);
    assert!(home.body.contains("组织生活（近12个月"));
    assert!(
        !home.body.contains("待办"),
        "a member has no branch to-do list"
    );
    // The member's months come from the demo ledger: twelve rows of dues at most.
    assert!(home.body.matches("data-label=\"月份\"").count() <= 12);
}

#[test]
fn a_members_archive_shows_its_completeness_and_takes_a_received_item() {
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let m = store
        .members_page(&scope, &MemberFilter::default(), 0, 1)
        .unwrap()
        .remove(0);
    let path = format!("/members/{}/{}", m.key.county, m.key.id);
    let mut c = app.signed_in("secretary");
    let page = c.get(&path);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("信息完整度"));
    // The demo year holds this member's meetings: the page gives their 出勤率.
    assert!(page.body.contains("出勤率"), "attendance rate shown");
    let csrf = page.csrf();
    let action = format!("{path}/archive");
    // The branch's figure is kept per change of the records: read it before the item.
    let root = store.scope_root(&scope).unwrap().unwrap();
    let branch = format!("/party-orgs/{}/{}", root.key.county, root.key.id);
    let figure = |store: &mut liangxin_store::Store| {
        let (n, complete, mean) = store
            .party_org_archive(&scope, liangxin_web::today(), root.key)
            .unwrap();
        format!("平均{mean}%，{n}名党员中{complete}名档案齐全")
    };
    let before = figure(&mut store);
    assert!(c.get(&branch).body.contains(&before));
    let r = c.post_form(
        &action,
        &[
            ("_csrf", &csrf),
            ("item", "volunteer"),
            ("received_on", "2099-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("收到日期"));
    let r = c.post_form(
        &action,
        &[
            ("_csrf", &csrf),
            ("item", "旧材料"),
            ("received_on", "2020-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("档案材料"));
    let r = c.post_form(
        &action,
        &[
            ("_csrf", &csrf),
            ("item", "volunteer"),
            ("received_on", "2020-01-01"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(c.get(&path).body.contains("2020年01月01日"));
    // The branch shows its members' completeness as it is after the item, not as kept.
    let node = c.get(&branch);
    assert!(node.body.contains("档案信息完整度"));
    let after = figure(&mut store);
    assert!(node.body.contains(&after), "{after} (before: {before})");
}

#[test]
fn a_county_issues_a_transfer_letter_the_receiver_confirms_and_the_member_moves() {
    let app = app();
    let mut store = app.store();
    let scope_of = |store: &mut liangxin_store::Store, name: &str| {
        let u = store.user_by_username(name).unwrap().unwrap();
        store.scope_of_user(&u).unwrap()
    };
    let longyou = scope_of(&mut store, "longyou");
    let secretary = scope_of(&mut store, "secretary");
    let hongmu = scope_of(&mut store, "hongmu");
    let member_self = scope_of(&mut store, "member").member;
    // Members no other story works on: outside the secretary's and the zone's trees.
    let mut mine = store
        .members_page(&longyou, &MemberFilter::default(), 0, 400)
        .unwrap()
        .into_iter()
        .filter(|m| {
            Some(m.key) != member_self
                && store.member(&secretary, m.key).unwrap().is_none()
                && store.member(&hongmu, m.key).unwrap().is_none()
        });
    let (m, m2) = (mine.next().unwrap(), mine.next().unwrap());
    // A branch of another county receives.
    let receiver = store
        .party_orgs_in_scope(&liangxin_store::Scope::everything())
        .unwrap()
        .into_iter()
        .find(|(k, _, _, t)| {
            k.county != m.key.county && *t == liangxin_domain::kinds::PartyOrgType::Branch
        })
        .unwrap();
    let path = format!("/members/{}/{}", m.key.county, m.key.id);
    let mut c = app.signed_in("longyou");
    let page = c.get(&path);
    assert!(
        page.body.contains("开具介绍信"),
        "offered on the member's page"
    );
    let sex = m.sex.label();
    assert!(
        page.body.contains(&format!("<dd>{sex}</dd>")),
        "性别 in words"
    );
    // 当前位置: from the county's root down to the member's branch, then the member.
    let trail = page
        .body
        .split("aria-label=\"当前位置\"")
        .nth(1)
        .and_then(|t| t.split("</nav>").next())
        .expect("the member's page says where it stands");
    let root = store.scope_root(&longyou).unwrap().unwrap();
    let first = format!(
        "<li><a href=\"/party-orgs/{}/{}\">",
        root.key.county, root.key.id
    );
    assert!(trail.starts_with(&format!("><ol>{first}")), "{trail}");
    let branch = format!(
        "href=\"/party-orgs/{}/{}\"",
        m.party_org.county, m.party_org.id
    );
    assert!(trail.contains(&branch), "{trail}");
    assert!(trail.ends_with(&format!(
        "<span aria-current=\"page\">{}</span></li></ol>",
        m.name
    )));
    let city_scope = scope_of(&mut store, "city");
    let city_root = store.scope_root(&city_scope).unwrap().unwrap();
    assert!(
        !trail.contains(&city_root.name),
        "above the scope: the top bar's"
    );
    let form = c.get(&format!("{path}/transfer"));
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let code = format!("{}-{}", receiver.0.county, receiver.0.id);
    let send = |c: &mut common::Client, to: &str, days: &str| {
        c.post_form(
            &format!("{path}/transfer"),
            &[
                ("_csrf", &csrf),
                ("letter_kind", "introduction"),
                ("destination", "system"),
                ("to", to),
                ("reason", "工作调动"),
                ("issued_on", &liangxin_web::today().to_string()),
                ("valid_days", days),
            ],
        )
    };
    let r = send(&mut c, &code, "十天");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("有效期"), "{}", r.body);
    let r = send(&mut c, "没有这个党支部", "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("找不到"));
    let r = send(&mut c, &code, "120");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能超过3个月"));
    assert!(
        store
            .transfers(&longyou, None)
            .unwrap()
            .iter()
            .all(|t| t.member != m.key),
        "nothing written"
    );
    // Found by part of its name: 查找 lists it with its 组织编号 and the one above, to pick.
    let part: String = receiver.2.chars().skip(2).collect();
    let found = c.post_form(
        &format!("{path}/transfer"),
        &[
            ("_csrf", &csrf),
            ("find", "1"),
            ("to", &part),
            ("reason", ""),
        ],
    );
    assert_eq!(found.status, 200, "{}", found.body);
    assert!(
        found
            .body
            .contains(&format!("name=\"pick\" value=\"{code}\""))
    );
    let r = c.post_form(
        &format!("{path}/transfer"),
        &[("_csrf", &csrf), ("find", "1"), ("to", "没有这个党支部")],
    );
    assert!(r.status == 200 && r.body.contains("没有名称含“没有这个党支部”的党组织"));
    let r = send(&mut c, &code, "");
    assert_eq!(r.status, 303);
    let saved = r.header("location").unwrap().to_owned();
    let letter = saved.trim_end_matches("?saved=transfer_issued").to_owned();
    assert_ne!(saved, letter, "the letter says it is saved");
    let sent = c.get(&saved);
    assert!(sent.body.contains("已保存：介绍信已开具"));
    assert!(
        sent.body
            .contains(&format!("href=\"{letter}/letter\">打印组织关系介绍信</a>"))
    );
    assert!(sent.body.contains("待接收"));
    // The letter prints in its three parts, the resident ID masked unless revealed.
    let print = c.get(&format!("{letter}/letter"));
    assert_eq!(print.status, 200);
    for part in [
        "（存根）",
        "请接转",
        "介绍信回执",
        &m.resident_id_masked,
        "工作调动",
    ] {
        assert!(print.body.contains(part), "{part}: {}", print.body);
    }
    let full = c.post_form(&format!("{letter}/letter"), &[("_csrf", &print.csrf())]);
    assert_eq!(full.status, 200);
    assert!(full.body.contains("已记入审计日志"));
    assert!(
        !full.body.contains(&m.resident_id_masked),
        "printed in full"
    );
    // Nobody outside the sending side opens the letter or reveals through it.
    let mut zone = app.signed_in("hongmu");
    let zone_csrf = zone.get("/transfers").csrf();
    assert_eq!(zone.get(&format!("{letter}/letter")).status, 404);
    let r = zone.post_form(&format!("{letter}/letter"), &[("_csrf", &zone_csrf)]);
    assert_eq!(r.status, 404);
    assert!(!r.body.contains(&m.name));
    assert!(sent.body.contains(&receiver.2));
    assert!(
        !sent.body.contains("确认接收"),
        "the sender does not receive"
    );
    assert!(c.get("/transfers").body.contains(&m.name));
    let named = c.get(&format!(
        "/transfers?name={}",
        liangxin_web::auth::urlencode(&m.name)
    ));
    assert!(named.body.contains(&m.name) && stated_total(&named.body) >= 1);
    assert_eq!(stated_total(&c.get("/transfers?name=无此人").body), 0);
    // The city holds the receiving branch: it is on its to-do list, and it confirms.
    let mut city = app.signed_in("city");
    let home = city.get("/");
    assert!(home.body.contains("待我方接收"), "to-do on the home page");
    let detail = city.get(&letter);
    assert!(detail.body.contains("确认接收"));
    let r = city.post_form(
        &format!("{letter}/receive"),
        &[("_csrf", &detail.csrf()), ("on", "2099-01-01")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("接收日期"));
    // Receiving cannot be undone: the first answer states what it will do, writing nothing.
    let today = liangxin_web::today().to_string();
    let r = city.post_form(
        &format!("{letter}/receive"),
        &[("_csrf", &detail.csrf()), ("on", &today)],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("请确认") && r.body.contains("记入本党组织的党员名册"));
    assert!(
        city.get(&letter).body.contains("待接收"),
        "nothing written yet"
    );
    let r = city.post_form(
        &format!("{letter}/receive"),
        &[("_csrf", &detail.csrf()), ("on", &today), ("confirm", "1")],
    );
    assert_eq!(r.status, 303);
    let back = r.header("location").unwrap().to_owned();
    assert!(back.ends_with("?saved=transfer_received"), "{back}");
    let received = city.get(&back);
    assert!(received.body.contains("已保存：转接已办结"));
    assert!(received.body.contains("已接收"));
    // Who acted, by the account's name, not its number.
    let city_user = store.user_by_username("city").unwrap().unwrap();
    assert!(
        received.body.contains(&city_user.display_name) && !received.body.contains("user:"),
        "{}",
        received.body
    );
    // The sender's record stays, marked 转出; the county no longer lists the member.
    let old = c.get(&path);
    assert!(old.body.contains("已减少：转出"), "the record is kept");
    assert_eq!(
        c.get(&format!("{path}/transfer")).status,
        422,
        "no letter for a record that left"
    );
    let api = c.get("/api/v1/transfers?state=received");
    assert!(
        api.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["member_name"] == m.name.as_str())
    );
    assert_eq!(c.get("/api/v1/transfers?state=寄出").status, 422);

    // A member leaves by another reason through its own form; 转出 is not one of them.
    let leave = format!("/members/{}/{}/leave", m2.key.county, m2.key.id);
    let form = c.get(&leave);
    assert_eq!(form.status, 200);
    let r = c.post_form(
        &leave,
        &[
            ("_csrf", &form.csrf()),
            ("reason", "transferred_out"),
            ("on", &liangxin_web::today().to_string()),
            ("note", "误选"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("组织关系转接"));
    // Nothing is chosen for the user: the form starts without a reason, and none is refused.
    assert!(form.body.contains(r#"<option value="">请选择</option>"#));
    assert!(
        !form.body.contains("selected"),
        "no reason chosen in advance"
    );
    let today = liangxin_web::today().to_string();
    let fields = |reason: &'static str, confirm: &'static str| {
        vec![
            ("_csrf", form.csrf()),
            ("reason", reason.to_owned()),
            ("on", today.clone()),
            ("note", "家属告知，支部核实".to_owned()),
            ("confirm", confirm.to_owned()),
        ]
    };
    let post = |c: &mut common::Client, f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_form(&leave, &pairs)
    };
    let r = post(&mut c, fields("", ""));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("减少原因") && r.body.contains("请选择"));
    // A checked form states the consequence and writes nothing until it is confirmed.
    let r = post(&mut c, fields("died", ""));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("请确认") && r.body.contains("不再计入党员人数"));
    assert!(r.body.contains(r#"name="confirm" value="1""#));
    let member_page = format!("/members/{}/{}", m2.key.county, m2.key.id);
    assert!(
        !c.get(&member_page).body.contains("已减少"),
        "nothing written yet"
    );
    let r = post(&mut c, fields("died", "1"));
    assert_eq!(r.status, 303);
    let saved = c.get(r.header("location").unwrap());
    assert!(saved.body.contains("已减少：死亡"));
    assert!(
        saved.body.contains("已保存：党员减少已登记"),
        "a success message"
    );
}

#[test]
fn a_member_away_is_seen_by_home_and_host_and_expected_at_the_hosts_meetings() {
    let app = app();
    let mut store = app.store();
    let scope_of = |store: &mut liangxin_store::Store, name: &str| {
        let u = store.user_by_username(name).unwrap().unwrap();
        store.scope_of_user(&u).unwrap()
    };
    let longyou = scope_of(&mut store, "longyou");
    let secretary = scope_of(&mut store, "secretary");
    let hongmu = scope_of(&mut store, "hongmu");
    let member_self = scope_of(&mut store, "member").member;
    let everything = liangxin_store::Scope::everything();
    // A member of another county, away to a Longyou branch no other story records at.
    let m = store
        .members_page(&everything, &MemberFilter::default(), 0, 500)
        .unwrap()
        .into_iter()
        .find(|m| {
            m.key.county != 330825
                && Some(m.key) != member_self
                && m.flow == liangxin_domain::kinds::FlowStatus::Settled
        })
        .unwrap();
    let taken: std::collections::HashSet<_> = store
        .party_orgs_in_scope(&secretary)
        .unwrap()
        .into_iter()
        .chain(store.party_orgs_in_scope(&hongmu).unwrap())
        .map(|p| p.0)
        .collect();
    let host = store
        .party_orgs_in_scope(&longyou)
        .unwrap()
        .into_iter()
        .find(|(k, _, _, t)| {
            !taken.contains(k) && *t == liangxin_domain::kinds::PartyOrgType::Branch
        })
        .unwrap();
    let mut city = app.signed_in("city");
    let path = format!("/members/{}/{}/outflow", m.key.county, m.key.id);
    let form = city.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let today = liangxin_web::today().to_string();
    let code = format!("{}-{}", host.0.county, host.0.id);
    let post = |c: &mut common::Client, until: &str| {
        c.post_form(
            &path,
            &[
                ("_csrf", &csrf),
                ("destination", "龙游县某木业公司"),
                ("host", &code),
                ("certificate_no", "QZLD-2026-001"),
                ("certificate_valid_until", until),
                ("out_on", &today),
                ("note", "外出务工"),
            ],
        )
    };
    let r = post(&mut city, "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("活动证有效期"), "{}", r.body);
    let r = post(&mut city, "2027-12-31");
    assert_eq!(r.status, 303);
    assert!(city.get("/floating").body.contains(&m.name));
    // The host county sees the member it hosts, and its branch's meeting form expects them.
    let mut county = app.signed_in("longyou");
    let list = county.get("/floating?side=in");
    assert!(
        list.body.contains(&m.name),
        "the host sees the member (五双联动)"
    );
    assert!(list.body.contains(&m.resident_id_masked));
    let meeting = county.get(&format!(
        "/party-orgs/{}/{}/meetings/new",
        host.0.county, host.0.id
    ));
    assert!(meeting.body.contains(&m.name));
    assert!(meeting.body.contains("流入党员"));
    let api = county.get("/api/v1/floating");
    let item = api.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["member_name"] == m.name.as_str())
        .cloned()
        .unwrap();
    assert_eq!(item["host_side"], true);
    assert_eq!(item["home_side"], false);
    assert_eq!(item["certificate_valid"], true);
    // The home side records the return; the host may not.
    let id = item["id"].as_i64().unwrap();
    let r = county.post_form(
        &format!("/floating/{id}/end"),
        &[("_csrf", &list.csrf()), ("back_on", &today)],
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("只有党员所在的党组织可以登记返回"),
        "{}",
        r.body
    );
    // The home side's button first states the consequence; only its confirmation writes.
    let home = city.get("/floating");
    let r = city.post_form(
        &format!("/floating/{id}/end"),
        &[("_csrf", &home.csrf()), ("back_on", &today)],
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("请确认") && r.body.contains(&m.name),
        "{}",
        r.body
    );
    assert!(
        county.get("/floating?side=in").body.contains(&m.name),
        "nothing written yet"
    );
    let r = city.post_form(
        &format!("/floating/{id}/end"),
        &[
            ("_csrf", &home.csrf()),
            ("back_on", &today),
            ("confirm", "1"),
        ],
    );
    assert_eq!(r.status, 303);
    let back = city.get(r.header("location").unwrap());
    assert!(back.body.contains("已保存：返回已登记"));
    assert!(!county.get("/floating?side=in").body.contains(&m.name));
}

#[test]
fn a_county_reads_the_months_dues_for_its_subtree() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let page = c.get("/dues");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("党费汇总"));
    assert!(page.body.contains("合计"));
    let bad = c.get("/dues?month=2099-01");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("月份"));
    let api = c.get("/api/v1/dues?month=2026-10");
    assert_eq!(api.status, 200);
    let v = api.json();
    assert_eq!(v["month"], "2026-10");
    let items = v["items"].as_array().unwrap();
    assert!(!items.is_empty(), "the demo year has dues");
    let members: u64 = items
        .iter()
        .map(|i| i["totals"]["members"].as_u64().unwrap())
        .sum();
    assert_eq!(members, v["total"]["members"].as_u64().unwrap());
    assert_eq!(c.get("/api/v1/dues?month=十月").status, 422);
    assert_eq!(v["organizations"].as_u64(), Some(items.len() as u64));
    // Exported as the page shows it: the total first, then a line a party organization.
    let csv = c.get("/dues.csv?month=2026-10");
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), items.len() + 2, "header, total, one line each");
    assert!(lines[1].starts_with("合计,"));
    // Counts and money are numbers (yuan with two decimals), not words: a sheet sums them.
    let total: Vec<&str> = lines[1].split(',').collect();
    assert!(total[1].parse::<u64>().is_ok(), "{total:?}");
    assert!(
        total[2].parse::<f64>().is_ok() && total[2].contains('.'),
        "{total:?}"
    );
    // Searched by name, the page and the file keep only those organizations.
    let first = items[0]["name"].as_str().unwrap();
    let found = c.get(&format!(
        "/dues?month=2026-10&name={}",
        liangxin_web::auth::urlencode(first)
    ));
    assert_eq!(found.status, 200);
    assert!(found.body.contains(first));
    let csv = c.get(&format!(
        "/dues.csv?month=2026-10&name={}",
        liangxin_web::auth::urlencode(first)
    ));
    assert!(
        csv.body.lines().skip(2).all(|l| l.contains(first)),
        "{}",
        csv.body
    );
    assert_eq!(
        c.get(&format!("/dues?name={}", "字".repeat(51))).status,
        422
    );
    assert_eq!(c.get("/dues.xlsx?month=2099-01").status, 422);
    // A member has no roll-up to read.
    assert_eq!(app.signed_in("member").get("/dues").status, 403);
}

#[test]
fn a_county_imports_its_organization_list_by_credit_code_and_undoes_it() {
    use diesel::prelude::*;
    use liangxin_domain::credit_code::CreditCode;
    use liangxin_store::schema::{organizations as o, regions as r};
    let app = app();
    let mut store = app.store();
    let town: String = r::table
        .filter(r::parent_code.eq(330825))
        .filter(r::code.ge(100_000_000))
        .order(r::code)
        .select(r::name)
        .first(store.conn())
        .unwrap();
    let (one, two) = (
        CreditCode::from_parts("91330825MA7WEB001").unwrap(),
        CreditCode::from_parts("91330825MA7WEB002").unwrap(),
    );
    let csv = |rows: &[[&str; 6]]| {
        let mut text =
            "单位名称,统一社会信用代码,单位类型,所在乡镇(街道),行业领域,从业人员数\r\n".to_owned();
        for row in rows {
            text.push_str(&row.join(","));
            text.push_str("\r\n");
        }
        text.into_bytes()
    };
    let good = [
        [
            "龙游网页测试甲有限公司",
            one.as_str(),
            "",
            town.as_str(),
            "制造业",
            "80",
        ],
        [
            "龙游网页测试乙有限公司",
            two.as_str(),
            "非公有制企业",
            "",
            "",
            "",
        ],
    ];
    let mut bad = good.to_vec();
    bad.push(["龙游网页测试丙有限公司", one.as_str(), "", "", "", ""]);

    let mut c = app.signed_in("longyou");
    let page = c.get("/imports");
    assert!(page.body.contains("/imports/templates/organizations.xlsx"));
    let template = c.get("/imports/templates/organizations.xlsx");
    assert_eq!(template.status, 200);
    assert!(
        template
            .header("content-disposition")
            .unwrap()
            .contains("organizations-template.xlsx")
    );
    let csrf = page.csrf();
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "organizations")],
        ("file", "两新组织.csv", &csv(&bad)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let first = r.header("location").unwrap().to_owned();
    let page = c.settled(&first);
    assert!(
        page.body.contains("将新增 <strong>2</strong> 个两新组织"),
        "{}",
        page.body
    );
    assert!(page.body.contains("错误 <strong>1</strong> 个"));
    assert!(page.body.contains("与第2行重复"), "{}", page.body);
    assert!(!page.body.contains("确认导入"), "errors block the commit");

    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "organizations")],
        ("file", "两新组织（改）.csv", &csv(&good)),
    );
    let second = r.header("location").unwrap().to_owned();
    let page = c.settled(&second);
    assert!(
        page.body.contains("确认导入：新增 2 个，更新 0 个"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("<td data-label=\"所在乡镇(街道)\">{town}</td>"))
    );
    let r = c.post_form(&format!("{second}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.settled(&second);
    assert!(page.body.contains("已导入（导入编号"), "{}", page.body);
    let made = |store: &mut liangxin_store::Store| -> Vec<(i32, Option<i32>)> {
        o::table
            .filter(o::credit_code.eq_any([one.as_str(), two.as_str()]))
            .order(o::credit_code)
            .select((o::county_code, o::employees))
            .load(store.conn())
            .unwrap()
    };
    assert_eq!(made(&mut store), vec![(330825, Some(80)), (330825, None)]);
    let listed = c.get("/organizations?q=龙游网页测试甲");
    assert!(
        listed.body.contains("龙游网页测试甲有限公司"),
        "{}",
        listed.body
    );

    let v = c
        .get(&format!(
            "/api/v1/imports/uploads/{}",
            second.rsplit('/').next().unwrap()
        ))
        .json();
    assert_eq!(v["kind"], "organizations");
    let import_id = v["import_id"].as_i64().unwrap();
    let confirm = c.get(&format!("/imports/{import_id}/undo"));
    assert!(
        confirm.body.contains("移除 2 个两新组织"),
        "{}",
        confirm.body
    );
    let r = c.post_form(&format!("/imports/{import_id}/undo"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(made(&mut store).is_empty(), "gone with the undo");

    // A branch secretary registers no organizations: the file is refused, and said why.
    let mut s = app.signed_in("secretary");
    let page = s.get("/imports");
    let r = s.post_multipart(
        "/imports",
        &[("_csrf", &page.csrf()), ("kind", "organizations")],
        ("file", "两新组织.csv", &csv(&good)),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("不能导入两新组织"), "{}", r.body);
    assert!(
        !page.body.contains("<option value=\"organizations\""),
        "the form offers only what the role may import"
    );
}

/// Uploads a sheet of `kind` on the import page, waits for its preview, commits it and
/// waits for the commit; returns the preview's page and the committed page.
fn import_whole(
    c: &mut common::Client,
    csrf: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> (common::Resp, common::Resp) {
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", csrf), ("kind", kind)],
        ("file", name, bytes),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.header("location").unwrap().to_owned();
    let preview = c.settled(&at);
    let r = c.post_form(&format!("{at}/commit"), &[("_csrf", csrf)]);
    assert_eq!(r.status, 303, "{}", preview.body);
    let done = c.settled(&at);
    assert!(done.body.contains("已导入（导入编号"), "{}", done.body);
    (preview, done)
}

#[test]
fn a_county_brings_its_units_then_its_party_organizations_then_its_members() {
    use liangxin_domain::credit_code::CreditCode;
    use liangxin_domain::resident_id::ResidentId;
    let app = app();
    let mut store = app.store();
    let (top, _, _) = store.county_top_party_org(330825).unwrap().unwrap();
    let unit = CreditCode::from_parts("91330825MA7FD0001").unwrap();
    let person = ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1992, 4, 5).unwrap(),
        611,
    )
    .unwrap();
    let csv = |lines: &[String]| format!("{}\r\n", lines.join("\r\n")).into_bytes();

    let mut c = app.signed_in("longyou");
    let csrf = c.get("/imports").csrf();
    let template = c.get("/imports/templates/party-orgs.xlsx");
    assert_eq!(template.status, 200);
    // The unit, then the branch that covers it, then its member working there.
    import_whole(
        &mut c,
        &csrf,
        "organizations",
        "单位.csv",
        &csv(&[
            "单位名称,统一社会信用代码,从业人员数".into(),
            format!("龙游首日测试有限公司,{},20", unit.as_str()),
        ]),
    );
    let (preview, _) = import_whole(
        &mut c,
        &csrf,
        "party_orgs",
        "党组织.csv",
        &csv(&[
            "党组织名称,上级党组织,组织类别,组建方式,覆盖单位信用代码".into(),
            format!(
                "中共龙游首日测试有限公司支部委员会,{}-{},党支部,单独组建,{}",
                top.county,
                top.id,
                unit.as_str()
            ),
        ]),
    );
    assert!(
        preview.body.contains("将新增 <strong>1</strong> 个党组织"),
        "{}",
        preview.body
    );
    import_whole(
        &mut c,
        &csrf,
        "members",
        "党员.csv",
        &csv(&[
            "姓名,身份证号,所在党支部,党员类别,入党日期,转正日期,工作单位统一社会信用代码".into(),
            format!(
                "首日党员,{},中共龙游首日测试有限公司支部委员会,正式党员,2015-07-01,2016-07-01,{}",
                person.expose(),
                unit.as_str()
            ),
        ]),
    );
    // And an instructor sent to the unit (工作覆盖), registered as the sheet names him.
    let (preview, _) = import_whole(
        &mut c,
        &csrf,
        "assignments",
        "选派.csv",
        &csv(&[
            "单位统一社会信用代码,单位名称,党建指导员,指导员手机号码".into(),
            format!(
                "{},龙游首日测试有限公司,首日指导员,13912345678",
                unit.as_str()
            ),
        ]),
    );
    assert!(
        preview.body.contains("将新增 <strong>1</strong> 次选派"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("首日指导员（新登记）"),
        "{}",
        preview.body
    );
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let member = store
        .find_member_by_resident_id(&longyou, &person)
        .unwrap()
        .expect("imported");
    let m = store.member(&longyou, member).unwrap().unwrap();
    let branch = store
        .party_orgs_in_scope(&longyou)
        .unwrap()
        .into_iter()
        .find(|(_, _, name, _)| name == "中共龙游首日测试有限公司支部委员会")
        .unwrap()
        .0;
    assert_eq!(m.party_org, branch);
    assert!(m.workplace.is_some(), "the unit found by its code");
    // The unit is covered by the branch: its page says by whom.
    let list = c.get("/organizations?q=龙游首日测试");
    let href = list
        .body
        .split("href=\"")
        .map(|h| h.split('"').next().unwrap_or_default())
        .find(|h| h.starts_with("/organizations/330825/"))
        .expect("listed")
        .to_owned();
    let page = c.get(&href);
    assert!(
        page.body.contains("中共龙游首日测试有限公司支部委员会"),
        "{}",
        page.body
    );
    assert!(page.body.contains("首日指导员"), "{}", page.body);
}

#[test]
fn a_county_uploads_its_member_sheet_sees_every_problem_commits_and_undoes() {
    use liangxin_domain::resident_id::ResidentId;
    let app = app();
    let mut store = app.store();
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let hongmu_user = store.user_by_username("hongmu").unwrap().unwrap();
    let hongmu_path = store.scope_of_user(&hongmu_user).unwrap().party_path;
    // A branch of the county away from the branches other stories write to.
    let (branch, _, branch_name, _) = store
        .party_orgs_in_scope(&longyou)
        .unwrap()
        .into_iter()
        .rev()
        .find(|(_, path, name, _)| !path.starts_with(&hongmu_path) && name.ends_with("支部"))
        .unwrap();
    let code = format!("{}-{}", branch.county, branch.id);
    let id = |seq: u16| {
        ResidentId::from_parts(
            "330899",
            chrono::NaiveDate::from_ymd_opt(1991, 2, 3).unwrap(),
            seq,
        )
        .unwrap()
        .expose()
        .to_owned()
    };
    let (a, b, cc) = (id(501), id(502), id(503));
    let typo = format!("{}X", &id(504)[..17]);
    let typo = if ResidentId::parse(&typo).is_ok() {
        format!("{}0", &id(504)[..17])
    } else {
        typo
    };
    let header = [
        "姓名",
        "身份证号",
        "所在党支部",
        "党员类别",
        "入党日期",
        "转正日期",
    ];
    let row = |name: &str, rid: &str| -> Vec<String> {
        [
            name,
            rid,
            code.as_str(),
            "正式党员",
            "2012/7/1",
            "2013年7月1日",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    // The template's example row stays in: it is skipped, and said so.
    let mut rows = vec![
        row("示例：张红梅", "330825198506010075"),
        row("导入一", &a),
        row("导入二", &b),
        row("导入三", &cc),
    ];
    rows.push(row("导入错", &typo));
    let sheet = |rows: &[Vec<String>]| {
        liangxin_docs::xlsx::table("党员", "龙游县党员名册", &header, rows, &[]).unwrap()
    };

    let mut c = app.signed_in("longyou");
    let page = c.get("/imports");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("上传并校验"));
    // The template offers the columns the importer reads; filled in, it imports.
    let template = c.get("/imports/templates/members.xlsx");
    assert_eq!(template.status, 200);
    assert!(
        template
            .header("content-type")
            .unwrap()
            .contains("spreadsheetml")
    );
    let csrf = page.csrf();
    // No file chosen: said, nothing kept.
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "空.xlsx", b""),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请选择要上传的文件"), "{}", r.body);
    // A forged form writes nothing.
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", "forged")],
        ("file", "a.csv", b"a,b\n1,2\n"),
    );
    assert_eq!(r.status, 403);

    // The file with a mistyped ID: every problem shown, the commit withheld.
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "龙游县党员名册.xlsx", &sheet(&rows)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let first = r.header("location").unwrap().to_owned();
    let page = c.settled(&first);
    assert!(
        page.body.contains("将新增 <strong>3</strong> 名党员"),
        "{}",
        page.body
    );
    assert!(page.body.contains("错误 <strong>1</strong> 个"));
    assert!(page.body.contains("Excel 工作簿（.xlsx）"));
    assert!(page.body.contains("第1行「龙游县党员名册」看作标题"));
    assert!(page.body.contains("跳过 1 行") && page.body.contains("第3行：模板的示例行，跳过"));
    assert!(
        page.body.contains("<td data-label=\"行号\">7</td>"),
        "the bad row by its Excel row"
    );
    assert!(!page.body.contains(&typo), "the mistyped ID is masked");
    assert!(!page.body.contains("确认导入"), "errors block the commit");
    let csv = c.get(&format!("{first}/problems.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}') && csv.body.contains("公民身份号码"));
    let id_first: i64 = first.rsplit('/').next().unwrap().parse().unwrap();
    let r = c.post_form(&format!("{first}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 422, "a file with errors is not committed");

    // Fixed: committed whole, once.
    rows.pop();
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "龙游县党员名册（改）.xlsx", &sheet(&rows)),
    );
    let second = r.header("location").unwrap().to_owned();
    let page = c.settled(&second);
    assert!(
        page.body.contains("确认导入：新增 3 名，更新 0 名"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&branch_name));
    let r = c.post_form(&format!("{second}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.settled(&second);
    assert!(page.body.contains("已导入（导入编号"), "{}", page.body);
    let list = c.get("/imports");
    let by = format!(
        "<td data-label=\"导入人\">{}</td>",
        longyou_user.display_name
    );
    assert!(list.body.contains(&by), "{}", list.body);
    let found = |store: &mut liangxin_store::Store, rid: &str| {
        store
            .find_member_by_resident_id(&longyou, &ResidentId::parse(rid).unwrap().value)
            .unwrap()
    };
    let m = found(&mut store, &a).expect("imported");
    assert_eq!(
        store.member(&longyou, m).unwrap().unwrap().party_org,
        branch
    );
    let api = c.get(&format!(
        "/api/v1/imports/uploads/{}",
        second.rsplit('/').next().unwrap()
    ));
    let v = api.json();
    assert_eq!(v["state"], "committed");
    let import_id = v["import_id"].as_i64().unwrap();
    assert_eq!(v["preview"]["create"], 3);
    // The API writes only with the session's token in a header.
    let r = c.post_raw(
        &format!("/api/v1/imports/{import_id}/undo"),
        "application/json",
        vec![],
    );
    assert_eq!(r.status, 403);

    // The same sheet with a correction: previewed as an update, before and after.
    let mut corrected = rows.clone();
    corrected[1][0] = "导入一更正".to_owned();
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "更正.xlsx", &sheet(&corrected)),
    );
    let third = r.header("location").unwrap().to_owned();
    let page = c.settled(&third);
    assert!(
        page.body.contains("更新 <strong>1</strong> 名"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("姓名：导入一 → 导入一更正"),
        "{}",
        page.body
    );
    // Someone changes that member after the preview: the commit still updates one member,
    // but not from what the preview showed; it is refused, and what changed is not shown
    // (it would be learnt unrationed and unlogged): the file is to be previewed again.
    let view = store.member(&longyou, m).unwrap().unwrap();
    store
        .update_member(
            "test",
            &longyou,
            liangxin_web::today(),
            m,
            liangxin_store::registry::MemberChange {
                name: "导入一另改".into(),
                status: view.status,
                joined_on: view.joined_on,
                confirmed_on: view.confirmed_on,
                workplace: None,
                phone: None,
            },
        )
        .unwrap();
    let r = c.post_form(&format!("{third}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.settled(&third);
    assert!(
        page.body.contains("预览之后登记情况有变化"),
        "{}",
        page.body
    );
    assert!(page.body.contains("请重新上传文件预览"), "{}", page.body);
    assert!(!page.body.contains("导入一另改"), "{}", page.body);
    let r = c.post_form(&format!("{third}/discard"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);

    // Undone as a whole, after being told what it removes.
    let confirm = c.get(&format!("/imports/{import_id}/undo"));
    assert!(confirm.body.contains("移除 3 名党员"), "{}", confirm.body);
    let r = c.post_form(&format!("/imports/{import_id}/undo"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(found(&mut store, &a).is_none(), "gone with the undo");
    let list = c.get("/imports");
    assert!(list.body.contains("撤销"));

    // The API: a CSV in GBK as the body, checked, committed, undone.
    c.post_headers = vec![("X-CSRF-Token".into(), csrf.clone())];
    let text = format!(
        "姓名,身份证号,所在党支部,党员类别,入党日期,转正日期\r\n接口甲,{a},{code},正式党员,2012-07-01,2013-07-01\r\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = c.post_raw(
        "/api/v1/imports?file_name=gbk.csv",
        "text/csv",
        gbk.into_owned(),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let href = r.json()["href"].as_str().unwrap().to_owned();
    let mut v = serde_json::Value::Null;
    for _ in 0..600 {
        v = c.get(&href).json();
        if v["state"] != "checking" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(v["state"], "checked", "{v}");
    assert_eq!(v["preview"]["format"], "CSV（GBK/GB18030）");
    assert_eq!(v["can_commit"], true);
    let commit = format!("{href}/commit");
    let r = c.post_raw(&commit, "application/json", vec![]);
    assert_eq!(r.status, 202, "{}", r.body);
    let again = c.post_raw(&commit, "application/json", vec![]);
    assert_eq!(again.status, 409, "one commit: {}", again.body);
    for _ in 0..600 {
        v = c.get(&href).json();
        if v["state"] != "committing" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(v["state"], "committed", "{v}");
    let r = c.post_raw(
        &format!("/api/v1/imports/{}/undo", v["import_id"]),
        "application/json",
        vec![],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["removed"], 1);
    assert!(found(&mut store, &a).is_none());
    // A branch below the county does not see the county's uploads.
    let other = app
        .signed_in("secretary")
        .get(&format!("/imports/uploads/{id_first}"));
    assert_eq!(other.status, 404);
}

#[test]
fn a_member_list_exports_to_csv_and_excel_with_its_filter_and_masked_ids() {
    let app = app();
    let mut store = app.store();
    let mut c = app.signed_in("longyou");
    let csv = c.get("/members.csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.body.starts_with("\u{feff}姓名,性别,公民身份号码"),
        "Excel reads the BOM as UTF-8"
    );
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines.len() > 200,
        "the whole county, not a page of 50: {}",
        lines.len()
    );
    for line in &lines[1..] {
        let id = line.split(',').nth(2).unwrap();
        assert!(id.contains("***********"), "masked: {line}");
    }
    // A branch of another county, through the city's account: the filter is kept.
    let city_user = store.user_by_username("city").unwrap().unwrap();
    let city = store.scope_of_user(&city_user).unwrap();
    let (branch, _, name, _) = store
        .party_orgs_in_scope(&city)
        .unwrap()
        .into_iter()
        .find(|(k, _, n, _)| k.county == 330802 && n.ends_with("支部"))
        .unwrap();
    let members = store
        .members_count(&city, &MemberFilter::in_party_org(branch))
        .unwrap();
    // The whole city, past the largest page a list reads at once.
    let everyone = app.signed_in("city").get("/members.csv");
    let rows = everyone
        .body
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .count()
        - 1;
    let registered = store
        .members_count(&city, &MemberFilter::default())
        .unwrap() as usize;
    assert!(
        registered > 2 * liangxin_store::MAX_PAGE as usize,
        "{registered}"
    );
    // Other stories add and remove a few members meanwhile.
    assert!(
        rows.abs_diff(registered) < 50,
        "{rows} rows of {registered}"
    );
    let mut city_client = app.signed_in("city");
    let (status, kind, bytes) = city_client.get_bytes(&format!(
        "/members.xlsx?party_org={}-{}",
        branch.county, branch.id
    ));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header[0], "姓名");
    assert_eq!(sheet.rows.len() as i64, members);
    assert!(sheet.rows.iter().all(|(_, r)| r[6] == name));
    // Outside the scope: not found, nothing written.
    let r = c.get(&format!(
        "/members.csv?party_org={}-{}",
        branch.county, branch.id
    ));
    assert_eq!(r.status, 404);
    assert_eq!(c.get("/members.xlsx?party_org=abc").status, 422);
}

#[test]
fn organization_transfer_and_floating_lists_export_as_their_pages_filter_them() {
    let app = app();
    let mut c = app.signed_in("city");
    let page = c.get("/organizations?county=330825&kind=enterprise");
    assert_eq!(page.status, 200);
    let tools = page.body.find("导出 Excel").unwrap();
    assert!(
        page.body[..tools].contains("/organizations.xlsx?county=330825&"),
        "{}",
        &page.body[tools.saturating_sub(300)..tools]
    );
    let total = usize::try_from(stated_total(&page.body)).unwrap();
    let csv = c.get("/organizations.csv?county=330825&kind=enterprise");
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len() - 1,
        total,
        "every row of the filter, not one page"
    );
    assert!(
        lines[1..].iter().all(|l| l.contains(",龙游县,")),
        "{}",
        lines[1]
    );
    let (status, _, bytes) = c.get_bytes("/organizations.xlsx?county=330825&kind=enterprise");
    assert_eq!(status, 200);
    assert_eq!(
        liangxin_docs::sheet::read(&bytes).unwrap().rows.len(),
        total
    );
    assert_eq!(c.get("/organizations.csv?sort=bogus").status, 422);
    let (_, _, bytes) = c.get_bytes("/organizations.xlsx");
    let all = liangxin_docs::sheet::read(&bytes).unwrap().rows.len();
    assert!(
        all >= 1_500,
        "every organization of the city, not a page: {all}"
    );

    for list in ["/transfers", "/floating"] {
        let csv = c.get(&format!("{list}.csv?all=1"));
        assert_eq!(csv.status, 200, "{list}");
        assert!(csv.body.starts_with('\u{feff}'), "{list}");
        let (status, kind, bytes) = c.get_bytes(&format!("{list}.xlsx"));
        assert_eq!(status, 200, "{list}");
        assert!(kind.contains("spreadsheetml"));
        let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
        assert!(sheet.header.len() >= 8, "{list}: {:?}", sheet.header);
    }
    // A page of one side and its file hold the same members; a name keeps only its own.
    let (list, member_column) = ("/floating?side=out&all=1", 1);
    let page = c.get(list);
    assert_eq!(page.status, 200, "{list}");
    let total = usize::try_from(stated_total(&page.body)).unwrap();
    let (path, query) = list.split_once('?').unwrap();
    let csv = c.get(&format!("{path}.csv?{query}"));
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len() - 1,
        total,
        "{list}: every row of the page's filter"
    );
    assert!(total > 0, "{list}: the demo city has some");
    let name = lines[1].split(',').nth(member_column).unwrap();
    let q = format!("{query}&name={}", liangxin_web::auth::urlencode(name));
    let found = c.get(&format!("{path}?{q}"));
    let n = stated_total(&found.body);
    assert!(n >= 1 && n as usize <= total, "{list}: {n} named {name}");
    let csv = c.get(&format!("{path}.csv?{q}"));
    assert!(
        csv.body.lines().skip(1).all(|l| l.contains(name)),
        "{list}: {}",
        csv.body
    );
    assert_eq!(c.get("/floating?side=sideways").status, 422);
}

#[test]
fn zones_and_organizational_life_export_as_their_pages_show_them() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let page = c.get("/zones");
    assert!(
        page.body.contains("/zones.xlsx"),
        "the page links its export"
    );
    let csv = c.get("/zones.csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .starts_with("\u{feff}名称,类型,一镇一策分类,级别,县(市、区),党工委,组织数"),
        "{}",
        &csv.body[..80.min(csv.body.len())]
    );
    assert!(csv.body.contains("龙游红木小镇,"), "{}", csv.body);
    // Counts and rates as numbers, not "81个".
    let hongmu: Vec<&str> = csv
        .body
        .split("\r\n")
        .find(|l| l.starts_with("龙游红木小镇,"))
        .unwrap()
        .split(',')
        .collect();
    assert!(hongmu[6].parse::<u64>().unwrap() > 0, "{hongmu:?}");
    assert!(
        hongmu[7].trim_end_matches('%').parse::<f64>().is_ok(),
        "{hongmu:?}"
    );
    assert!(hongmu[9].parse::<u64>().is_ok(), "{hongmu:?}");
    assert!(
        !csv.body.contains("衢州海创园"),
        "柯城's park is not 龙游's"
    );
    let lines = csv.body.split("\r\n").filter(|l| !l.is_empty()).count();
    let (status, kind, bytes) = c.get_bytes("/zones.xlsx");
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header[2], "一镇一策分类");
    assert_eq!(sheet.rows.len(), lines - 1, "the same rows in both forms");

    // Every party organization the page counts, not its first page of 50.
    let mut c = app.signed_in("city");
    let page = c.get("/life?year=2026");
    assert!(page.body.contains("/life.xlsx?year=2026"));
    // The first figure: the party organizations that owe meetings.
    let owed = linked_figures(&page.body)[0].1 as usize;
    assert!(owed > 50, "more than a page: {owed}");
    let csv = c.get("/life.csv?year=2026");
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].ends_with("党组织,会议记录,已到期期次,已完成期次,完成率,未完成期次,缺项,本期待开")
    );
    // Other stories add party organizations meanwhile.
    assert!(
        (lines.len() - 1).abs_diff(owed) < 10,
        "{} of {owed}",
        lines.len() - 1
    );
    let (status, _, bytes) = c.get_bytes("/life.xlsx?year=2026");
    assert_eq!(status, 200);
    let rows = liangxin_docs::sheet::read(&bytes).unwrap().rows.len();
    assert!(rows.abs_diff(owed) < 10, "{rows} of {owed}");
    assert_eq!(c.get("/life.csv?year=abc").status, 422);
}

#[test]
fn api_lists_export_every_row_of_their_filter_with_format() {
    let app = app();
    let mut c = app.signed_in("city");
    let json = c
        .get("/api/v1/organizations?county=330825&kind=enterprise")
        .json();
    let total = json["total"].as_u64().unwrap() as usize;
    assert!(total > 100, "more than a page of the API: {total}");
    let csv = c.get("/api/v1/organizations?county=330825&kind=enterprise&format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    // Other stories register enterprises in 龙游 meanwhile.
    assert!(
        (lines.len() - 1).abs_diff(total) < 10,
        "every row of the filter, not a page: {} of {total}",
        lines.len() - 1
    );
    assert!(
        lines[1..].iter().all(|l| l.contains(",龙游县,")),
        "{}",
        lines[1]
    );
    let (status, kind, bytes) = c.get_bytes("/api/v1/zones?format=xlsx");
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let zones = c.get("/api/v1/zones").json();
    assert_eq!(
        liangxin_docs::sheet::read(&bytes).unwrap().rows.len(),
        zones["zones"].as_array().unwrap().len()
    );
    let members = c.get("/api/v1/members?format=csv");
    assert_eq!(members.status, 200);
    let first = members.body.split("\r\n").nth(1).unwrap();
    assert!(
        first.split(',').nth(2).unwrap().contains("***********"),
        "masked: {first}"
    );
    let floating = c.get("/api/v1/floating?all=1&format=csv");
    assert!(
        floating.body.starts_with("\u{feff}方向,党员"),
        "{}",
        floating.body
    );
    let life = c.get("/api/v1/life?year=2026&format=csv");
    assert!(life.body.contains("党组织,会议记录"), "{}", life.body);
    let transfers = c.get("/api/v1/transfers?state=issued&format=csv");
    assert_eq!(transfers.status, 200);
    assert!(
        transfers
            .body
            .starts_with("\u{feff}党员,转出党组织,接收党组织"),
        "{}",
        transfers.body
    );
    // The register of party organizations in the import's columns, the scope's top first.
    let register = c.get("/party-orgs.csv");
    assert!(
        register
            .body
            .starts_with("\u{feff}组织编号,党组织名称,上级党组织,组织类别"),
        "{}",
        register.body
    );
    let top = register.body.lines().nth(1).unwrap_or_default();
    assert!(top.contains("两新"), "{top}");
    let gaps = c.get("/api/v1/gaps?action=assign_instructor&format=csv");
    let all = c.get("/api/v1/gaps?action=assign_instructor").json();
    // Other stories assign instructors meanwhile.
    let rows = gaps.body.split("\r\n").filter(|l| !l.is_empty()).count() - 1;
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(
        rows > 100 && rows.abs_diff(total) < 10,
        "{rows} rows of {total}"
    );
    let bad = c.get("/api/v1/members?format=pdf");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("导出格式"), "{}", bad.body);
    // Files are for staff, as the pages' exports are: an instructor and a member read JSON.
    for role in ["instructor", "member"] {
        let mut other = app.signed_in(role);
        assert_eq!(other.get("/api/v1/floating").status, 200, "{role}");
        let refused = other.get("/api/v1/floating?format=csv");
        assert_eq!(refused.status, 403, "{role}");
        assert!(refused.body.contains("仅供"), "{}", refused.body);
    }
}

#[test]
fn every_answer_carries_the_security_headers_and_no_page_needs_inline_style() {
    let mut c = app().signed_in("longyou");
    for path in [
        "/",
        "/members",
        "/members.csv",
        "/organizations.xlsx",
        "/api/v1/coverage",
        "/login",
        "/no-such-page",
    ] {
        let r = c.get(path);
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        assert!(
            r.header("strict-transport-security").is_none(),
            "no TLS here"
        );
        assert!(!r.body.contains(" style=\""), "{path} has inline style");
    }
    // The stylesheet holds no personal data: it may be kept.
    let css = c.get("/static/app.css");
    assert_ne!(css.header("cache-control"), Some("no-store"));
    assert!(
        css.body.contains(".w36"),
        "the widths the forms once wrote inline"
    );
}

#[test]
fn errors_the_framework_answers_are_in_chinese_too() {
    let mut c = app().signed_in("longyou");
    // No route: a page for pages, JSON for the API.
    let r = c.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("没有找到"), "{}", r.body);
    let r = c.get("/api/v1/no-such-thing");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("没有找到"));
    // A method the path does not take.
    let r = c.get("/logout");
    assert_eq!(r.status, 405);
    assert!(r.body.contains("不接受这种请求方式"), "{}", r.body);
    assert!(r.header("allow").is_some());
    // A form sent as JSON.
    let r = c.post_raw("/login", "application/json", b"{}".to_vec());
    assert_eq!(r.status, 415);
    assert!(
        r.body.contains("application/x-www-form-urlencoded"),
        "{}",
        r.body
    );
    // Malformed: 4xx with a Chinese page, never empty or English.
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        b"username=%E5%BC%A0&username=x&next=1&next=2".to_vec(),
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert!(
        r.body.contains("<h1>") || r.body.contains("登录"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Failed to deserialize"), "{}", r.body);
}

#[test]
fn text_that_is_not_utf8_is_refused_naming_its_field_and_never_stored() {
    let mut c = app().client();
    let page = c.get("/login");
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        format!("_csrf={}&username=%D5%C5%C8%FD&password=x", page.csrf()).into_bytes(),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("username：含有无法识别的字符"),
        "{}",
        r.body
    );
    let mut c = app().signed_in("longyou");
    let r = c.get("/members?name=%D5%C5");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("name：含有无法识别的字符"), "{}", r.body);
    let r = c.get("/api/v1/members?name=%FF");
    assert_eq!(r.status, 422);
    assert!(r.json()["error"].as_str().unwrap().contains("name"));
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

#[test]
fn a_hostile_workbook_is_refused_and_the_server_carries_on() {
    let hostile = include_bytes!("../../docs/tests/fixtures/hostile-a1-xfd1048576.xlsx");
    let mut c = app().signed_in("secretary");
    let page = c.get("/imports");
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &page.csrf()), ("kind", "members")],
        ("file", "党员名册.xlsx", hostile),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.settled(r.header("location").unwrap());
    assert!(page.body.contains("超过上限 200列"), "{}", page.body);
    assert_eq!(c.get("/healthz").status, 200);
}

#[test]
fn a_foreign_floating_record_reads_as_a_missing_one() {
    let app = app();
    let mut store = app.store();
    // Neither its home nor its host is in Longyou: the county cannot see it.
    let theirs = store
        .floating(&liangxin_store::Scope::everything(), false)
        .unwrap()
        .into_iter()
        .find(|f| f.member.county != 330825 && f.host.is_none_or(|h| h.county != 330825))
        .expect("a floating member outside Longyou in the demo city");
    let mut c = app.signed_in("longyou");
    let csrf = c.get("/floating").csrf();
    let end = |c: &mut common::Client, id: i64| {
        c.post_form(
            &format!("/floating/{id}/end"),
            &[("_csrf", &csrf), ("back_on", "2026-11-30")],
        )
    };
    let foreign = end(&mut c, theirs.id);
    let missing = end(&mut c, 9_999_999_999);
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(foreign.body, missing.body);
}

/// What the pages, the API and the exports show of one member, as far as it bears on the
/// member's resident ID: the characters the masked forms keep, the sex, and the dates that
/// bound the birth date.
struct Shown {
    known: [Option<char>; 18],
    male: Option<bool>,
    /// Born on or before (a member is at least 18 when admitted: 党章 第一条).
    born_by: Option<chrono::NaiveDate>,
    birth_year: Option<i32>,
}

impl Shown {
    fn new() -> Shown {
        Shown {
            known: [None; 18],
            male: None,
            born_by: None,
            birth_year: None,
        }
    }

    /// Takes in one field as shown. A field this count does not know fails the test: a new
    /// field beside a masked ID must be weighed here before it is shown.
    fn learn(&mut self, field: &str, value: &str) {
        let value = value.trim();
        match field {
            "身份证号" | "公民身份号码" | "resident_id" => {
                // The member's page has a button to reveal the number beside it.
                let value = value.split_whitespace().next().unwrap();
                let chars: Vec<char> = value.chars().collect();
                assert_eq!(chars.len(), 18, "{field}: {value}");
                for (i, c) in chars.into_iter().enumerate() {
                    if c != '*' {
                        assert!(self.known[i].is_none_or(|k| k == c), "{value}");
                        self.known[i] = Some(c);
                    }
                }
            }
            "性别" | "sex" => self.male = Some(matches!(value, "男" | "male")),
            "入党时间" | "joined_on" => {
                let joined = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").unwrap();
                let by = joined - chrono::Months::new(18 * 12);
                self.born_by = Some(self.born_by.map_or(by, |b| b.min(by)));
            }
            "出生年份" | "birth_year" => self.birth_year = Some(value.parse().unwrap()),
            // Shown, and no bound on the birth date or the number: a probationary member is
            // confirmed a year after admission whatever their age; where they are and what
            // they are called says nothing of when they were born.
            "姓名"
            | "name"
            | "党员类别"
            | "status"
            | "转正时间"
            | "confirmed_on"
            | "所在党组织"
            | "party_org_name"
            | "party_org_id"
            | "工作单位"
            | "workplace_name"
            | "流动情况"
            | "flow"
            | "flow_destination"
            | "在册情况"
            | "近12个月组织生活"
            | "county"
            | "id" => {}
            other => panic!("a field beside the masked ID the count does not weigh: {other}"),
        }
    }

    /// How many valid resident IDs agree with everything shown, for a member alive on
    /// `today` (born at most 120 years before it).
    fn candidates(&self, today: chrono::NaiveDate) -> u64 {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
        let digit = |c: char| c.to_digit(10).unwrap();
        // How many sequences (顺序码) give each remainder of their weighted sum.
        let mut by_remainder = [0u64; 11];
        for seq in 0..1000u32 {
            let digits = [seq / 100, seq / 10 % 10, seq % 10];
            let fits = (0..3).all(|i| self.known[14 + i].is_none_or(|k| digit(k) == digits[i]))
                && self.male.is_none_or(|m| (digits[2] % 2 == 1) == m);
            if fits {
                let sum: u32 = (0..3).map(|i| digits[i] * WEIGHTS[14 + i]).sum();
                by_remainder[(sum % 11) as usize] += 1;
            }
        }
        let region: u32 = (0..6)
            .map(|i| digit(self.known[i].expect("the region is shown")) * WEIGHTS[i])
            .sum();
        let mut day = today - chrono::Months::new(120 * 12);
        let last = [Some(today - chrono::Months::new(18 * 12)), self.born_by]
            .into_iter()
            .flatten()
            .min()
            .unwrap();
        let mut count = 0;
        while day <= last {
            let birth = day.format("%Y%m%d").to_string();
            let fits = self
                .birth_year
                .is_none_or(|y| chrono::Datelike::year(&day) == y)
                && birth
                    .chars()
                    .enumerate()
                    .all(|(i, c)| self.known[6 + i].is_none_or(|k| k == c));
            if fits {
                let sum: u32 = region
                    + birth
                        .chars()
                        .enumerate()
                        .map(|(i, c)| digit(c) * WEIGHTS[6 + i])
                        .sum::<u32>();
                count += (0..11)
                    .filter(|r| self.known[17].is_none_or(|k| CHECK[(sum as usize + r) % 11] == k))
                    .map(|r| by_remainder[r])
                    .sum::<u64>();
            }
            day = day.succ_opt().unwrap();
        }
        count
    }
}

/// The text of an HTML fragment without its tags.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn a_masked_id_with_all_that_is_shown_beside_it_leaves_at_least_100000_numbers() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let today = chrono::Utc::now().date_naive();
    // The member admitted longest ago on the API's first page: the 18-year rule bounds
    // their birth date the most.
    let api = c.get("/api/v1/members").json();
    let member = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|m| m["joined_on"].as_str().unwrap().to_owned())
        .unwrap()
        .clone();
    let (county, id) = (
        member["county"].as_i64().unwrap(),
        member["id"].as_i64().unwrap(),
    );
    let href = format!("/members/{county}/{id}");
    let mut shown = Shown::new();
    for (field, value) in member.as_object().unwrap() {
        let value = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        shown.learn(field, &value);
    }
    // The member's page.
    let page = c.get(&href);
    assert_eq!(page.status, 200);
    let facts = page.body.split("<dl class=\"facts\">").nth(1).unwrap();
    let facts = facts.split("</dl>").next().unwrap();
    for pair in facts.split("<dt>").skip(1) {
        let (field, rest) = pair.split_once("</dt><dd>").unwrap();
        let value = rest.split("</dd>").next().unwrap();
        shown.learn(field, &text_of(value));
    }
    // The branch's list, and its export.
    let party_org = format!("{county}-{}", member["party_org_id"]);
    let list = c.get(&format!("/members?party_org={party_org}"));
    let row = list
        .body
        .split("<tr>")
        .find(|r| r.contains(&format!("href=\"{href}\"")))
        .unwrap();
    for cell in row.split("<td data-label=\"").skip(1) {
        let (field, rest) = cell.split_once("\">").unwrap();
        shown.learn(field, &text_of(rest.split("</td>").next().unwrap()));
    }
    let csv = c.get(&format!("/members.csv?party_org={party_org}"));
    let mut lines = csv.body.trim_start_matches('\u{feff}').split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let name = member["name"].as_str().unwrap();
    let joined = member["joined_on"].as_str().unwrap();
    let line = lines
        .find(|l| l.starts_with(&format!("{name},")) && l.contains(joined))
        .unwrap();
    for (field, value) in header.iter().zip(line.split(',')) {
        shown.learn(field, value);
    }
    let count = shown.candidates(today);
    eprintln!("{count} resident IDs agree with what is shown of member {href}");
    assert!(
        count >= 100_000,
        "{count} resident IDs agree with what is shown of member {href}"
    );
    // The count itself bites: the old masked form (region and the last four) beside the
    // birth year left a few dozen, the true number among them.
    let old = liangxin_domain::resident_id::ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1950, 5, 6).unwrap(),
        123,
    )
    .unwrap();
    let mut then = Shown::new();
    then.learn(
        "公民身份号码",
        &format!("{}********{}", &old.expose()[..6], &old.expose()[14..]),
    );
    then.learn("性别", "男");
    then.learn("出生年份", "1950");
    then.learn("入党时间", "1975-07-01");
    let few = then.candidates(today);
    assert!((1..100).contains(&few), "{few}");
}

#[test]
fn the_full_id_is_shown_on_request_to_the_members_own_staff_and_logged() {
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let key = store
        .members_page(&scope, &MemberFilter::default(), 0, 1)
        .unwrap()[0]
        .key;
    let expected = store
        .reveal_resident_id("test", &scope, key)
        .unwrap()
        .expose()
        .to_owned();
    let href = format!("/members/{}/{}", key.county, key.id);
    let mut c = app.signed_in("secretary");
    let page = c.get(&href);
    assert!(!page.body.contains(&expected));
    let action = format!("{href}/resident-id");
    assert!(page.body.contains(&format!("action=\"{action}\"")));
    let csrf = page.csrf();
    let left = store
        .confirmations_left(&format!("user:{}", secretary.id))
        .unwrap();
    let shown = c.post_form(&action, &[("_csrf", &csrf)]);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains(&expected));
    assert!(shown.body.contains("已记入审计日志"));
    assert!(
        shown
            .body
            .contains(&format!("今日还可查看或核实 {} 个", left - 1))
    );
    let entries = store.audit_entries("member", key.county, key.id).unwrap();
    assert!(
        entries.iter().any(
            |e| e.action == "reveal_resident_id" && e.actor == format!("user:{}", secretary.id)
        ),
        "{entries:?}"
    );
    // Without the form's token, nothing is shown; a county that does not hold the member
    // finds no such member.
    assert_eq!(c.post_form(&action, &[("_csrf", "x")]).status, 403);
    let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
    let elsewhere = store.scope_of_user(&hongmu).unwrap();
    assert!(store.member(&elsewhere, key).unwrap().is_none());
    let mut other = app.signed_in("hongmu");
    let csrf = other.get("/account/password").csrf();
    let refused = other.post_form(&action, &[("_csrf", &csrf)]);
    assert_eq!(refused.status, 404);
    assert!(!refused.body.contains(&expected));
}

/// Every `href … data-count="N"` figure of a page: (link, N), the link unescaped.
fn linked_figures(html: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("data-count=\"") {
        let n: u64 = html[i + 12..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number in data-count");
        let tag = &html[html[..i].rfind('<').unwrap()..i];
        let href = tag
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .expect("a figure with data-count links somewhere");
        out.push((href.replace("&amp;", "&").replace("&#38;", "&"), n));
    }
    out
}

/// Opens every linked figure of a page (see [`linked_figures`]) and holds the list it
/// opens, and that list's CSV, to the figure; returns the figures walked.
fn figures_open_their_lists(c: &mut common::Client, role: &str, page: &str) -> Vec<(String, u64)> {
    let figures = linked_figures(page);
    for (href, n) in &figures {
        let list = c.get(href);
        assert_eq!(list.status, 200, "{role} {href}: {}", list.body);
        assert_eq!(
            stated_total(&list.body),
            *n,
            "{role}: {href} states another count"
        );
        let file = match href.split_once('?') {
            Some((path, q)) => format!("{path}.csv?{q}"),
            None => format!("{href}.csv"),
        };
        let csv = c.get(&file);
        assert_eq!(csv.status, 200, "{role} {file}");
        let rows = csv.body.lines().count() as u64 - 1;
        assert_eq!(
            rows, *n,
            "{role}: {file} has {rows} rows for the figure {n}"
        );
    }
    figures
}

/// Every zone's count of units and of 空白 opens the list of exactly those units, for each
/// role that sees zones.
#[test]
fn every_figure_on_the_zones_page_opens_a_list_of_its_length() {
    let app = TestApp::start(400);
    let mut nonzero_gaps = 0;
    for role in ["city", "longyou", "hongmu"] {
        let mut c = app.signed_in(role);
        let page = c.get("/zones");
        assert_eq!(page.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &page.body);
        assert!(!figures.is_empty(), "{role}: no zone's figures link");
        nonzero_gaps += figures
            .iter()
            .filter(|(href, n)| href.contains("state=gap") && *n > 0)
            .count();
    }
    assert!(nonzero_gaps > 0, "no zone with a 空白 unit was walked");
}

/// The organizational-life page's figures (organizations owing meetings, those without and
/// with a missed period) each open the list of exactly those organizations, for each role
/// that has the page; a filter it does not know is refused, naming the field.
#[test]
fn every_figure_on_the_life_page_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let mut incomplete_walked = 0;
    for role in ["city", "longyou", "hongmu"] {
        let mut c = app.signed_in(role);
        let page = c.get("/life");
        assert_eq!(page.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &page.body);
        assert_eq!(figures.len(), 3, "{role}: {figures:?}");
        let n = |f: &str| figures.iter().find(|(h, _)| h.ends_with(f)).map(|x| x.1);
        assert_eq!(
            n("missed=none").unwrap() + n("missed=some").unwrap(),
            figures[0].1,
            "{role}: with and without a missed period make up the whole"
        );
        incomplete_walked += usize::from(n("missed=some").unwrap() > 0);
    }
    assert!(
        incomplete_walked > 0,
        "no organization with a missed period was walked"
    );
    let mut city = app.signed_in("city");
    let r = city.get("/life?missed=all");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("缺项"), "{}", r.body);
}

/// Every count of members on the dues roll-up (each party organization's and the total)
/// and on a branch's sheet opens the list of exactly those members, for every role with
/// a roll-up; the states make up the whole.
#[test]
fn every_count_on_the_dues_pages_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let last_month = chrono::Datelike::with_day(&liangxin_web::today(), 1)
        .unwrap()
        .pred_opt()
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let mut nonzero = std::collections::BTreeSet::new();
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let mut c = app.signed_in(role);
        for month in [last_month.as_str(), ""] {
            let page = c.get(&format!("/dues?month={month}"));
            assert_eq!(page.status, 200, "{role}");
            let figures = figures_open_their_lists(&mut c, role, &page.body);
            assert!(figures.len() >= 10, "{role}: {figures:?}");
            // The total row's, first: members, paid, short, unpaid, without a standard.
            let total = &figures[..5];
            assert!(!total[0].0.contains("org="), "{role}: {total:?}");
            assert_eq!(
                total[1].1 + total[2].1 + total[3].1 + total[4].1,
                total[0].1,
                "{role}: the states make up the members"
            );
            for (href, n) in &figures {
                if *n > 0 {
                    nonzero.insert(href.split("state=").nth(1).unwrap_or("").to_owned());
                }
            }
        }
    }
    for state in ["", "paid", "unpaid"] {
        assert!(
            nonzero.iter().any(|s| s.starts_with(state)),
            "no nonzero {state:?} list walked: {nonzero:?}"
        );
    }
    // A branch's sheet: those not yet entered, those without a standard.
    let branch = {
        let mut store = app.store();
        let user = store.user_by_username("secretary").unwrap().unwrap();
        let secretary = store.scope_of_user(&user).unwrap();
        store.scope_root(&secretary).unwrap().unwrap()
    };
    let mut c = app.signed_in("secretary");
    let sheet = c.get(&format!(
        "/party-orgs/{}/{}/dues",
        branch.key.county, branch.key.id
    ));
    assert_eq!(sheet.status, 200);
    let figures = figures_open_their_lists(&mut c, "secretary", &sheet.body);
    assert_eq!(figures.len(), 2, "{figures:?}");
    // The secretary's 待办 says how many are not yet entered and opens this sheet.
    let unmarked = figures
        .iter()
        .find(|(h, _)| h.contains("state=unmarked"))
        .map(|(_, n)| *n)
        .unwrap();
    let home = c.get("/");
    if unmarked > 0 {
        assert!(
            home.body.contains(&format!("（{unmarked}人未登记）")),
            "{}",
            home.body
        );
        assert!(home.body.contains(&format!(
            "/party-orgs/{}/{}/dues?month=",
            branch.key.county, branch.key.id
        )));
    }
    let r = c.get("/dues/members?state=owed");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("交纳状态"), "{}", r.body);
    assert_eq!(c.get("/dues/members?org=330825").status, 422);
}

/// Every count of the dues API (the scope's and each party organization's) names the list
/// of exactly those members.
#[test]
fn every_count_of_the_dues_api_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let counts = [
        "members",
        "paid_members",
        "short_members",
        "unpaid_members",
        "without_standard",
    ];
    let mut walked = 0;
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let mut c = app.signed_in(role);
        let r = c.get("/api/v1/dues");
        assert_eq!(r.status, 200, "{role}: {}", r.body);
        let v = r.json();
        let mut tallies = vec![(v["total"].clone(), v["lists"].clone())];
        for item in v["items"].as_array().unwrap().iter().take(5) {
            tallies.push((item["totals"].clone(), item["lists"].clone()));
        }
        walked += api_lists_hold_their_counts(&mut c, role, tallies, &counts).1;
    }
    assert!(walked > 20, "{walked}");
    let mut c = app.signed_in("longyou");
    assert_eq!(c.get("/api/v1/dues/members?state=owed").status, 422);
    // Another county's party organization is not the caller's to list.
    assert_eq!(c.get("/api/v1/dues/members?org=330802-1").status, 404);
}

/// A party organization's page counts its own members and each child's; each count opens
/// the members list of exactly those, for the city's, a county's and a branch's page.
#[test]
fn every_member_count_on_a_party_organization_page_opens_its_members() {
    let app = TestApp::start(300);
    let mut walked = 0;
    for role in ["city", "longyou", "secretary"] {
        let root = {
            let mut store = app.store();
            let user = store.user_by_username(role).unwrap().unwrap();
            let scope = store.scope_of_user(&user).unwrap();
            store.scope_root(&scope).unwrap().unwrap()
        };
        let mut c = app.signed_in(role);
        let page = c.get(&format!("/party-orgs/{}/{}", root.key.county, root.key.id));
        assert_eq!(page.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &page.body);
        assert!(!figures.is_empty(), "{role}");
        walked += figures.iter().filter(|(_, n)| *n > 0).count();
    }
    assert!(walked > 3, "{walked}");
}

/// A county's page lists its children 50 at a time, and finds one by a part of its name or
/// by its 组织编号; nothing outside the page's children.
#[test]
fn a_party_organizations_children_are_paged_and_found_by_name_or_code() {
    let app = app();
    let (root, children, below, elsewhere) = {
        let mut store = app.store();
        let user = store.user_by_username("longyou").unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap();
        let children = store
            .party_org_children(root.key, None, 0, i64::MAX)
            .unwrap();
        let below: Vec<_> = store
            .party_org_register(&scope, 0, i64::MAX)
            .unwrap()
            .into_iter()
            .filter(|p| p.key != root.key)
            .collect();
        // A branch of another county: outside 龙游县's subtree.
        let everything = store
            .party_org_register(&liangxin_store::Scope::everything(), 0, i64::MAX)
            .unwrap();
        let elsewhere = everything
            .into_iter()
            .find(|p| p.key.county != root.key.county && p.org_type.is_branch())
            .unwrap();
        (root, children, below, elsewhere)
    };
    assert_eq!(children.0, children.1.len() as i64);
    assert!(children.0 > 20, "enough children to page: {}", children.0);
    let mut c = app.signed_in("longyou");
    let path = format!("/party-orgs/{}/{}", root.key.county, root.key.id);
    let page = c.get(&path);
    assert_eq!(stated_total(&page.body), children.0 as u64);
    let shown = |html: &str| html.matches("data-label=\"类型\"").count();
    assert_eq!(shown(&page.body), (children.0 as usize).min(50));
    let last = (children.0 as usize).div_ceil(20);
    let first = c.get(&format!("{path}?size=20"));
    assert_eq!(shown(&first.body), 20);
    let tail = c.get(&format!("{path}?size=20&page={last}"));
    assert_eq!(shown(&tail.body), children.0 as usize - (last - 1) * 20);
    assert!(
        tail.body.contains(&children.1.last().unwrap().name),
        "by name, the last last"
    );
    let child = &children.1[children.1.len() / 2];
    let code = format!("{}-{}", child.key.county, child.key.id);
    let by_code = c.get(&format!("{path}?name={code}"));
    assert_eq!(stated_total(&by_code.body), 1);
    assert!(by_code.body.contains(&child.name));
    // A search reaches every level below, saying what each found one stands under.
    let deep = below
        .iter()
        .find(|p| p.parent != Some(root.key))
        .expect("an organization below a child");
    let deep_code = format!("{}-{}", deep.key.county, deep.key.id);
    let found = c.get(&format!("{path}?name={deep_code}"));
    assert_eq!(stated_total(&found.body), 1);
    assert!(found.body.contains(&deep.name));
    let above = below.iter().find(|p| Some(p.key) == deep.parent).unwrap();
    assert!(
        found.body.contains(&format!(
            "<td data-label=\"上级党组织\">{}</td>",
            above.name
        )),
        "the organization above a found one"
    );
    let part: String = child
        .name
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let by_name = c.get(&format!(
        "{path}?name={}",
        liangxin_web::auth::urlencode(&part)
    ));
    assert!(by_name.body.contains(&child.name));
    assert_eq!(
        stated_total(&by_name.body) as usize,
        below.iter().filter(|p| p.name.contains(&part)).count()
    );
    // Nothing outside the subtree, by code or by its full name.
    let outside = format!("{}-{}", elsewhere.key.county, elsewhere.key.id);
    assert_eq!(
        stated_total(&c.get(&format!("{path}?name={outside}")).body),
        0
    );
    let by_full_name = c.get(&format!(
        "{path}?name={}",
        liangxin_web::auth::urlencode(&elsewhere.name)
    ));
    assert!(!by_full_name.body.contains(&format!(
        "/party-orgs/{}/{}\"",
        elsewhere.key.county, elsewhere.key.id
    )));
    assert_eq!(
        stated_total(&c.get(&format!("{path}?name=无此组织")).body),
        0
    );
    assert_eq!(
        c.get(&format!("{path}?name={}", "名".repeat(51))).status,
        422
    );
    // The tree beside the list: from the county down, open at the page's organization.
    let deep_page = c.get(&format!("/party-orgs/{}/{}", deep.key.county, deep.key.id));
    let tree = deep_page
        .body
        .split("<nav class=\"tree no-print\" aria-label=\"组织树\">")
        .nth(1)
        .and_then(|t| t.split("</nav>").next())
        .expect("the tree beside the list");
    assert!(
        tree.contains(&format!(
            "<li class=\"depth-0\"><a href=\"{path}\">{}</a></li>",
            root.name
        )),
        "the user's own level at the top: {tree}"
    );
    assert_eq!(tree.matches("depth-0").count(), 1);
    assert!(tree.contains(&format!(
        "<a href=\"/party-orgs/{}/{}\" aria-current=\"page\">{}</a>",
        deep.key.county, deep.key.id, deep.name
    )));
    assert!(tree.contains(&above.name));
}

/// The organizational-life API's figures each name the list of exactly those
/// organizations, and its filters refuse what they do not know.
#[test]
fn every_figure_of_the_life_api_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let mut walked = 0;
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let mut c = app.signed_in(role);
        let r = c.get("/api/v1/life");
        assert_eq!(r.status, 200, "{role}: {}", r.body);
        let v = r.json();
        assert_eq!(v["total"], v["organizations"], "{role}: unfiltered");
        assert_eq!(
            v["complete"].as_u64().unwrap() + v["incomplete"].as_u64().unwrap(),
            v["organizations"].as_u64().unwrap()
        );
        for f in ["organizations", "complete", "incomplete", "open_now"] {
            let href = v["lists"][f].as_str().unwrap();
            let list = c.get(href);
            assert_eq!(list.status, 200, "{role} {href}: {}", list.body);
            let l = list.json();
            assert_eq!(
                l["total"], v[f],
                "{role}: {href} lists another count than {f}"
            );
            if f == "open_now" {
                for item in l["items"].as_array().unwrap() {
                    assert!(!item["open_now"].as_array().unwrap().is_empty(), "{item}");
                }
            }
            walked += usize::from(v[f].as_u64().unwrap() > 0);
        }
    }
    assert!(walked >= 8, "{walked}");
    let mut c = app.signed_in("city");
    assert_eq!(c.get("/api/v1/life?due=later").status, 422);
    assert_eq!(c.get("/api/v1/life?missed=all").status, 422);
}

/// Presses 立即排查 and waits on the findings page (as its refresh does) until the run in
/// the background ends; returns that page.
fn run_audit(c: &mut common::Client) -> common::Resp {
    let page = c.get("/audit");
    let r = c.post_form("/audit/run", &[("_csrf", &page.csrf())]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/audit"));
    // A bound on the wait, so a run that never ends fails the test instead of hanging it.
    for _ in 0..1200 {
        let page = c.get("/audit");
        if !page.body.contains("data-running") {
            return page;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the audit run did not end");
}

/// Opens the list each API figure names (`lists[field]` beside `tally[field]`) and holds its
/// `total` to the figure; returns the lists walked and, of those, the nonzero ones.
fn api_lists_hold_their_counts(
    c: &mut common::Client,
    role: &str,
    tallies: Vec<(serde_json::Value, serde_json::Value)>,
    fields: &[&str],
) -> (usize, usize) {
    let (mut walked, mut nonzero) = (0, 0);
    for (tally, lists) in tallies {
        for f in fields {
            let href = lists[f].as_str().unwrap();
            let list = c.get(href);
            assert_eq!(list.status, 200, "{role} {href}: {}", list.body);
            assert_eq!(
                list.json()["total"],
                tally[f],
                "{role}: {href} lists another count than {f}"
            );
            walked += 1;
            nonzero += usize::from(tally[f].as_u64().unwrap() > 0);
        }
    }
    (walked, nonzero)
}

/// The `data-total` a list page states.
fn stated_total(html: &str) -> u64 {
    let i = html
        .find("data-total=\"")
        .expect("the list states its total");
    html[i + 12..]
        .split('"')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Issue: "25,187个 空白单位" opened a list of 23,037, "需要行动的单位" a list of findings.
/// Every linked figure of the dashboard, for every role that has one, opens a list that
/// states the same number and whose file has that many rows.
#[test]
fn every_figure_on_the_dashboard_opens_a_list_of_its_length() {
    // Its own city: the counts must not move under it while it walks them.
    let app = TestApp::start(400);
    let mut city = app.signed_in("city");
    run_audit(&mut city);
    let (mut filtered_and_nonzero, mut own_findings) = (0, 0);
    for role in ["city", "longyou", "hongmu", "secretary", "instructor"] {
        let mut c = app.signed_in(role);
        let home = c.get("/");
        assert_eq!(home.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &home.body);
        // A committee's coverage figures and 待办; a secretary's branch, an instructor's units.
        let least = match role {
            "secretary" => 2,
            "instructor" => 3,
            _ => 5,
        };
        assert!(figures.len() >= least, "{role}: {figures:?}");
        for (href, n) in figures {
            if n > 0 && (href.contains("state=") || href.contains("action=")) {
                filtered_and_nonzero += 1;
            }
            // A branch's 待办 line counts the findings it answers for itself.
            if n > 0 && href.contains("own=1") {
                own_findings += 1;
            }
        }
    }
    assert!(filtered_and_nonzero >= 10, "{filtered_and_nonzero}");
    assert!(own_findings > 0, "no 待办 line of findings was walked");
    let r = city.get("/audit?own=1");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("仅本组织"), "{}", r.body);
    for (bad, field) in [
        ("/organizations?state=covered", "覆盖状态"),
        ("/organizations?action=build", "应采取行动"),
        ("/organizations?zone=-3", "园区小镇"),
        ("/organizations?zone=nowhere", "园区小镇"),
        ("/organizations?sector=steel", "行业"),
    ] {
        let r = city.get(bad);
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.body.contains(field), "{bad}: {}", r.body);
    }
}

/// The findings page says 尚未排查 until the scope was audited, then filters by state, kind,
/// severity and organization, each filter's count equal to its file's rows.
#[test]
fn the_findings_page_filters_and_says_when_nothing_was_audited() {
    let app = TestApp::start(300);
    let mut county = app.signed_in("longyou");
    let before = county.get("/audit");
    assert_eq!(before.status, 200);
    assert!(before.body.contains("尚未排查"), "{}", before.body);
    assert!(!before.body.contains("没有问题"));
    let after = run_audit(&mut county);
    assert!(!after.body.contains("尚未排查"));
    assert!(after.body.contains("最近一次排查"));
    let open = stated_total(&after.body);
    assert!(open > 0);
    let rows_of = |c: &mut common::Client, q: &str| -> u64 {
        let page = c.get(&format!("/audit?{q}"));
        assert_eq!(page.status, 200, "{q}: {}", page.body);
        let n = stated_total(&page.body);
        let csv = c.get(&format!("/audit.csv?{q}"));
        assert_eq!(csv.body.lines().count() as u64 - 1, n, "{q}");
        n
    };
    let by_kind: u64 = liangxin_domain::audit::AuditKind::ALL
        .iter()
        .map(|k| rows_of(&mut county, &format!("kind={}", k.code())))
        .sum();
    assert_eq!(by_kind, open, "the kinds partition the open findings");
    let flags = rows_of(&mut county, "severity=flag");
    let warnings = rows_of(&mut county, "severity=warning");
    assert_eq!(flags + warnings, open);
    assert_eq!(rows_of(&mut county, "state=closed"), 0);
    assert_eq!(rows_of(&mut county, "state=all"), open);
    // One branch's subtree: its own findings, fewer than the county's.
    let branch = app
        .store()
        .demo_anchors(330825, "龙游红木小镇")
        .unwrap()
        .unwrap();
    let (key, _) = branch.branch.unwrap();
    let mine = rows_of(&mut county, &format!("org={}-{}", key.county, key.id));
    assert!(mine < open, "{mine} of {open}");
    // The branch's secretary sees the same findings as the county filtered to the branch.
    let mut secretary = app.signed_in("secretary");
    assert_eq!(rows_of(&mut secretary, ""), mine);
    // The county's run counted the whole county: the branch is told the day, not that count.
    let own = secretary.get("/audit");
    assert!(own.body.contains("上级统一排查"), "{}", own.body);
    assert!(!own.body.contains(&format!("发现{open}项")));
    for (bad, field) in [
        ("/audit?kind=late", "问题类别"),
        ("/audit?severity=high", "程度"),
        ("/audit?state=done", "销号状态"),
        ("/audit?org=abc", "党组织"),
    ] {
        let r = county.get(bad);
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.body.contains(field), "{bad}: {}", r.body);
    }
    // A party organization outside the scope is refused, not listed.
    let (other, _, _) = app.store().county_top_party_org(330802).unwrap().unwrap();
    let r = county.get(&format!("/audit?org={}-{}", other.county, other.id));
    assert_eq!(r.status, 404, "as for any object out of the scope");
    assert!(r.body.contains("不在您的管理范围内"), "{}", r.body);
}

/// Every figure of `/api/v1/coverage`, for the scope and each group, names the list of its
/// rows, and that list's `total` is the figure, for every role that reads coverage.
#[test]
fn every_figure_of_the_coverage_api_opens_a_list_of_its_length() {
    let app = TestApp::start(400);
    let fields = [
        "total",
        "organization_covered",
        "work_covered",
        "gap",
        "needing_action",
    ];
    let mut walked = 0;
    for role in ["city", "longyou", "hongmu", "secretary", "instructor"] {
        let mut c = app.signed_in(role);
        for by in ["", "?by=county", "?by=zone", "?by=kind", "?by=sector"] {
            let r = c.get(&format!("/api/v1/coverage{by}"));
            assert_eq!(r.status, 200, "{role} {by}: {}", r.body);
            let v = r.json();
            let mut tallies = vec![(v["total"].clone(), v["lists"].clone())];
            for g in v["groups"].as_array().unwrap() {
                tallies.push((g.clone(), g["lists"].clone()));
            }
            walked += api_lists_hold_their_counts(&mut c, role, tallies, &fields).0;
        }
    }
    assert!(walked > 100, "{walked}");
}

#[test]
fn the_member_search_finds_by_name_and_by_resident_id_within_the_scope_only() {
    let app = app();
    let mut store = app.store();
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let city_user = store.user_by_username("city").unwrap().unwrap();
    let city = store.scope_of_user(&city_user).unwrap();
    let own = store
        .members_page(&longyou, &MemberFilter::default(), 7, 1)
        .unwrap()
        .remove(0);
    let outside = store
        .party_orgs_in_scope(&city)
        .unwrap()
        .into_iter()
        .filter(|(k, ..)| k.county != 330825)
        .find_map(|(k, ..)| {
            store
                .members_page(&city, &MemberFilter::in_party_org(k), 0, 1)
                .unwrap()
                .pop()
        })
        .expect("a member of another county");
    let href =
        |m: &liangxin_store::people::MemberView| format!("/members/{}/{}", m.key.county, m.key.id);
    let mut c = app.signed_in("longyou");

    // By name: the county's member is found, the other county's is not, whatever its name.
    let found = c.get(&format!(
        "/members?name={}",
        liangxin_web::auth::urlencode(&own.name)
    ));
    assert_eq!(found.status, 200);
    assert!(found.body.contains(&href(&own)), "{}", found.body);
    let elsewhere = c.get(&format!(
        "/members?name={}",
        liangxin_web::auth::urlencode(&outside.name)
    ));
    assert_eq!(elsewhere.status, 200);
    assert!(!elsewhere.body.contains(&href(&outside)));
    // Every row a search lists holds the name asked for, and the API agrees with the page.
    let surname: String = own.name.chars().take(1).collect();
    let api = c.get(&format!(
        "/api/v1/members?name={}&size=200",
        liangxin_web::auth::urlencode(&surname)
    ));
    assert_eq!(api.status, 200, "{}", api.body);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|m| m["name"].as_str().unwrap().contains(&surname))
    );
    assert!(items.iter().all(|m| m["county"] == 330825));
    let page = c.get(&format!(
        "/members?name={}",
        liangxin_web::auth::urlencode(&surname)
    ));
    assert!(
        page.body
            .contains(&format!("data-total=\"{}\"", json["total"])),
        "{}",
        json["total"]
    );

    // By resident ID, through a POST: the full number is in no address and not on the page.
    let own_id = store.reveal_resident_id("test", &longyou, own.key).unwrap();
    let outside_id = store
        .reveal_resident_id("test", &city, outside.key)
        .unwrap();
    let csrf = c.get("/members").csrf();
    let left = store
        .confirmations_left(&format!("user:{}", longyou_user.id))
        .unwrap();
    let hit = c.post_form(
        "/members/find",
        &[("_csrf", &csrf), ("resident_id", own_id.expose())],
    );
    assert_eq!(hit.status, 200, "{}", hit.body);
    assert!(hit.body.contains(&href(&own)));
    assert!(!hit.body.contains(own_id.expose()));
    assert!(hit.body.contains(&own_id.masked()));
    assert_eq!(
        store
            .confirmations_left(&format!("user:{}", longyou_user.id))
            .unwrap(),
        left - 1,
        "a hit is a confirmation: logged and rationed"
    );
    let miss = c.post_form(
        "/members/find",
        &[("_csrf", &csrf), ("resident_id", outside_id.expose())],
    );
    assert_eq!(miss.status, 200);
    assert!(!miss.body.contains(&href(&outside)));
    assert!(miss.body.contains("没有符合条件的党员"));
    let bad = c.post_form(
        "/members/find",
        &[("_csrf", &csrf), ("resident_id", "12345")],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("身份证号"), "{}", bad.body);
    assert_eq!(
        c.post_form(
            "/members/find",
            &[("_csrf", "x"), ("resident_id", own_id.expose())]
        )
        .status,
        403
    );

    // Page size and the checks of each field.
    let twenty = c.get("/members?size=20");
    assert_eq!(twenty.body.matches("data-label=\"姓名\"").count(), 20);
    let wrong = c.get("/members?size=7");
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("每页条数"));
    assert_eq!(c.get("/members?status=honorary").status, 422);
}
