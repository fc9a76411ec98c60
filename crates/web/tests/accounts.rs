//! 账号管理 over real HTTP: a county's 系统管理员 opens an account for a branch secretary,
//! the secretary changes the one-time password before anything else opens, the
//! administrator disables and resets it; the administrator sees no member data and no
//! account above its committee.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;

/// The one-time password on the page that answered an action.
fn shown_password(body: &str) -> String {
    let at = body
        .find("<code class=\"secret\">")
        .expect("a password shown")
        + 21;
    body[at..].split('<').next().unwrap().to_owned()
}

#[test]
fn a_county_administrator_opens_disables_and_resets_a_secretary_account() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let branch = format!(
        "{}-{}",
        secretary.party_org_county.unwrap(),
        secretary.party_org_id.unwrap()
    );
    let city = store.user_by_username("city").unwrap().unwrap();

    let mut admin = app.signed_in("admin");
    // Its home is its work; member data is not its role's.
    let home = admin.get("/");
    assert_eq!(home.header("location"), Some("/accounts"));
    for path in [
        "/organizations",
        "/members",
        "/party-orgs",
        "/api/v1/members",
    ] {
        assert_eq!(admin.get(path).status, 403, "{path}");
    }
    let list = admin.get("/accounts");
    assert_eq!(list.status, 200);
    assert!(list.body.contains("longyou") && list.body.contains("secretary"));
    assert!(
        !list.body.contains(">city<"),
        "the city's account is above it"
    );
    assert_eq!(admin.get(&format!("/accounts/{}", city.id)).status, 404);

    // A node above the administrator, a role that does not fit, a weak name: said in the form.
    let csrf = admin.get("/accounts/new").csrf();
    let r = admin.post_form(
        "/accounts/new",
        &[
            ("_csrf", &csrf),
            ("username", "quzhou.x"),
            ("display_name", "市里"),
            ("role", "city"),
            (
                "node",
                &format!(
                    "{}-{}",
                    city.party_org_county.unwrap(),
                    city.party_org_id.unwrap()
                ),
            ),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("所属组织"), "{}", r.body);
    assert!(r.body.contains("quzhou.x"), "values are kept");
    let r = admin.post_form(
        "/accounts/new",
        &[
            ("_csrf", &csrf),
            ("username", "branch.one"),
            ("display_name", "支部书记甲"),
            ("role", "county"),
            ("node", &branch),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("须设在县(市、区)两新工委"), "{}", r.body);
    let r = admin.post_form(
        "/accounts/new",
        &[
            ("_csrf", &csrf),
            ("username", "张三"),
            ("display_name", "支部书记甲"),
            ("role", "secretary"),
            ("node", &branch),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("用户名"), "{}", r.body);

    let r = admin.post_form(
        "/accounts/new",
        &[
            ("_csrf", &csrf),
            ("username", "branch.one"),
            ("display_name", "支部书记甲"),
            ("role", "secretary"),
            ("node", &branch),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let first = shown_password(&r.body);
    let made = store.user_by_username("branch.one").unwrap().unwrap();
    assert!(made.must_change_password);
    assert!(!made.password_hash.contains(&first), "stored hashed");
    let log = store.audit_entries("account", 0, made.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "account_create");
    assert!(
        !log[0].after.as_deref().unwrap().contains("argon2"),
        "no hash in the log"
    );

    // The holder: nothing but the password page until the password is their own.
    let mut holder = app.client();
    assert_eq!(holder.sign_in("branch.one", &first).status, 303);
    let r = holder.get("/party-orgs");
    assert_eq!(r.header("location"), Some("/account/password"));
    assert_eq!(holder.get("/api/v1/members").status, 403);
    let page = holder.get("/account/password");
    assert!(page.body.contains("初始密码"));
    let csrf = page.csrf();
    let r = holder.post_form(
        "/account/password",
        &[
            ("_csrf", &csrf),
            ("current", &first),
            ("new", "Branch.One-2026"),
        ],
    );
    assert_eq!(r.status, 422, "a password with the login name in it");
    assert!(r.body.contains("不能包含用户名"), "{}", r.body);
    let r = holder.post_form(
        "/account/password",
        &[
            ("_csrf", &csrf),
            ("current", &first),
            ("new", "红木小镇支部-2026"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mut holder = app.client();
    assert_eq!(
        holder.sign_in("branch.one", "红木小镇支部-2026").status,
        303
    );
    assert_eq!(holder.get("/party-orgs").status, 200, "its own branch now");
    let listed = admin.get("/accounts?q=branch.one");
    assert!(listed.body.contains("正常"), "{}", listed.body);
    assert!(!listed.body.contains("从未登录"), "its sign-in is shown");

    // Disabled: the open session ends, sign-in is refused and says why.
    let page = admin.get(&format!("/accounts/{}", made.id));
    let csrf = page.csrf();
    let r = admin.post_form(
        &format!("/accounts/{}/disable", made.id),
        &[("_csrf", &csrf)],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("已停用"));
    assert_eq!(holder.get("/party-orgs").status, 303, "its session ended");
    let r = app.client().sign_in("branch.one", "红木小镇支部-2026");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("已停用"), "{}", r.body);
    // Not itself.
    let me = store.user_by_username("admin").unwrap().unwrap();
    let r = admin.post_form(&format!("/accounts/{}/disable", me.id), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 422);
    // Re-enabled and reset: a new one-time password, changed at the next sign-in.
    let r = admin.post_form(
        &format!("/accounts/{}/enable", made.id),
        &[("_csrf", &csrf)],
    );
    assert_eq!(r.status, 200);
    let r = admin.post_form(&format!("/accounts/{}/reset", made.id), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 200);
    let second = shown_password(&r.body);
    assert_ne!(first, second);
    assert_eq!(
        app.client()
            .sign_in("branch.one", "红木小镇支部-2026")
            .status,
        401
    );
    let mut holder = app.client();
    assert_eq!(holder.sign_in("branch.one", &second).status, 303);
    assert_eq!(
        holder.get("/").header("location"),
        Some("/account/password")
    );
    let actions: Vec<String> = store
        .audit_entries("account", 0, made.id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "account_create",
            "account_disable",
            "account_enable",
            "account_reset_password"
        ]
    );
    // Foreign accounts are as missing ones, for every action.
    let r = admin.post_form(&format!("/accounts/{}/reset", city.id), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 404);
    assert!(store.verify_audit_chain().unwrap().is_none());
}
