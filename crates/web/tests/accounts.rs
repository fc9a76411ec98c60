//! 账号管理 over real HTTP: a county's 系统管理员 opens an account for a branch secretary,
//! the secretary changes the one-time password before anything else opens, the
//! administrator disables and resets it; the administrator sees no member data and no
//! account above its committee.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;
use liangxin_store::people::MemberFilter;

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
    let log = store
        .audit_entries("account", secretary.party_org_county.unwrap(), made.id)
        .unwrap();
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
        .audit_entries("account", secretary.party_org_county.unwrap(), made.id)
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

#[test]
fn a_county_auditor_reads_its_countys_log_and_verifies_it_but_sees_no_member_data() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let branch = format!(
        "{}-{}",
        secretary.party_org_county.unwrap(),
        secretary.party_org_id.unwrap()
    );
    // An account opened in 龙游县 by its administrator, and one in 柯城区 from the console.
    let mut admin = app.signed_in("admin");
    let csrf = admin.get("/accounts/new").csrf();
    let r = admin.post_form(
        "/accounts/new",
        &[
            ("_csrf", &csrf),
            ("username", "branch.two"),
            ("display_name", "支部书记乙"),
            ("role", "secretary"),
            ("node", &branch),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let kecheng = store.county_top_party_org(330802).unwrap().unwrap().0;
    let operator = liangxin_store::Scope {
        region: Some(330800),
        ..liangxin_store::Scope::everything()
    };
    store
        .create_account(
            "cli",
            &operator,
            &liangxin_store::administration::AccountRequest {
                username: "kecheng.staff",
                display_name: "柯城区两新工委",
                password_hash: "x",
                role: liangxin_domain::kinds::Role::County,
                node: liangxin_store::administration::Node::PartyOrg(kecheng),
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    let kecheng_account = store.user_by_username("kecheng.staff").unwrap().unwrap();

    let mut auditor = app.signed_in("auditor");
    assert_eq!(auditor.get("/").header("location"), Some("/audit-log"));
    for path in ["/members", "/organizations", "/accounts", "/api/v1/members"] {
        assert_eq!(auditor.get(path).status, 403, "{path}");
    }
    let log = auditor.get("/audit-log?action=account_create");
    assert_eq!(log.status, 200);
    assert!(log.body.contains("新建账号"));
    assert!(
        log.body.contains("branch.two"),
        "an account's before and after are shown"
    );
    assert!(
        !log.body
            .contains(&format!("account 330802-{}", kecheng_account.id)),
        "not 柯城区's"
    );
    assert!(!log.body.contains("kecheng.staff"));
    let by_admin = auditor.get("/audit-log?actor=admin");
    assert!(by_admin.body.contains("branch.two"));
    let by_nobody = auditor.get("/audit-log?actor=nobody-here");
    assert!(by_nobody.body.contains("共 0 条"), "{}", by_nobody.body);
    assert_eq!(auditor.get("/audit-log?from=2026-13-01").status, 422);
    assert_eq!(auditor.get("/audit-log?action=drop_table").status, 422);

    let csrf = log.csrf();
    let r = auditor.post_form("/audit-log/verify", &[("_csrf", &csrf)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("刚才校验：完整"), "{}", r.body);
    // A member record's change is listed by its fields, not its values.
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou_scope = store.scope_of_user(&longyou_user).unwrap();
    let member = store
        .members_page(&longyou_scope, &MemberFilter::default(), 0, 1)
        .unwrap()
        .remove(0);
    let mut longyou = app.signed_in("longyou");
    let edit = longyou.get(&format!(
        "/members/{}/{}/edit",
        member.key.county, member.key.id
    ));
    assert_eq!(edit.status, 200);
    let phone = "13900001111";
    let mut fields: Vec<(String, String)> = vec![("_csrf".into(), edit.csrf())];
    for name in [
        "name",
        "sex",
        "status",
        "joined_on",
        "confirmed_on",
        "workplace",
        "version",
    ] {
        if let Some(v) = input_value(&edit.body, name) {
            fields.push((name.into(), v));
        }
    }
    fields.push(("phone".into(), phone.into()));
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let saved = longyou.post_form(
        &format!("/members/{}/{}/edit", member.key.county, member.key.id),
        &pairs,
    );
    assert!(saved.status == 303 || saved.status == 200, "{}", saved.body);
    let log = auditor.get("/audit-log?action=update");
    assert!(
        log.body
            .contains(&format!("member 330825-{}", member.key.id)),
        "{}",
        log.body
    );
    assert!(
        !log.body.contains(phone),
        "the auditor reads which fields, not their values"
    );
    assert!(!log.body.contains(&member.name), "nor the member's name");
}

/// The value of an input or the selected option of a select named `name`.
fn input_value(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let tag_end = at + page[at..].find('>')?;
    let tag_start = page[..at].rfind('<')?;
    let tag = &page[tag_start..tag_end];
    if tag.starts_with("<select") {
        let rest = &page[tag_end..];
        let close = rest.find("</select>")?;
        let opt = rest[..close].find(" selected")?;
        let open = rest[..opt].rfind("value=\"")? + 7;
        return Some(rest[open..].split('"').next()?.to_owned());
    }
    let v = tag.find("value=\"")? + 7;
    Some(tag[v..].split('"').next()?.to_owned())
}

#[test]
fn personal_tokens_are_made_once_read_or_write_as_chosen_and_end_when_revoked() {
    let app = TestApp::start(300);
    let mut longyou = app.signed_in("longyou");
    let page = longyou.get("/account/tokens");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("还没有令牌"));
    let csrf = page.csrf();
    for (days, access, why) in [("7", "read", "有效期"), ("30", "all", "权限")] {
        let r = longyou.post_form(
            "/account/tokens",
            &[
                ("_csrf", &csrf),
                ("name", "脚本"),
                ("days", days),
                ("access", access),
            ],
        );
        assert_eq!(r.status, 422, "{days} {access}");
        assert!(r.body.contains(why), "{}", r.body);
    }
    let made = |c: &mut common::Client, name: &str, access: &str| {
        let r = c.post_form(
            "/account/tokens",
            &[
                ("_csrf", &csrf),
                ("name", name),
                ("days", "30"),
                ("access", access),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        shown_password(&r.body)
    };
    let reader = made(&mut longyou, "统计脚本", "read");
    let writer = made(&mut longyou, "导入脚本", "write");
    let listed = longyou.get("/account/tokens");
    assert!(listed.body.contains("统计脚本") && listed.body.contains("只读"));
    assert!(!listed.body.contains(&reader), "shown once, never listed");

    let sheet = "姓名,身份证号\r\n".as_bytes().to_vec();
    let mut api = app.client();
    api.bearer = Some(reader.clone());
    assert_eq!(api.get("/api/v1/coverage").status, 200);
    let r = api.post_raw(
        "/api/v1/imports?kind=members&file_name=a.csv",
        "text/csv",
        sheet.clone(),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.json()["error"].as_str().unwrap().contains("只读"));
    api.bearer = Some(writer.clone());
    let r = api.post_raw(
        "/api/v1/imports?kind=members&file_name=a.csv",
        "text/csv",
        sheet,
    );
    assert_eq!(r.status, 202, "{}", r.body);

    // Another account cannot revoke it; its holder can, and it ends at once.
    let id = liangxin_web::auth::token_hash(&reader);
    let mut other = app.signed_in("hongmu");
    let other_csrf = other.get("/account/tokens").csrf();
    let r = other.post_form(
        "/account/tokens/revoke",
        &[("_csrf", &other_csrf), ("token", &id)],
    );
    assert_eq!(r.status, 404);
    api.bearer = Some(reader.clone());
    assert_eq!(api.get("/api/v1/coverage").status, 200);
    let r = longyou.post_form(
        "/account/tokens/revoke",
        &[("_csrf", &csrf), ("token", &id)],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("已撤销"));
    assert_eq!(api.get("/api/v1/coverage").status, 401);
    // Disabling the account ends the other.
    let mut store = app.store();
    let me = store.user_by_username("longyou").unwrap().unwrap();
    let mut admin = app.signed_in("admin");
    let csrf = admin.get(&format!("/accounts/{}", me.id)).csrf();
    let r = admin.post_form(&format!("/accounts/{}/disable", me.id), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 200);
    api.bearer = Some(writer);
    assert_eq!(api.get("/api/v1/coverage").status, 401);
}

#[test]
fn every_branch_of_a_zone_gets_its_secretary_account_in_one_step_as_a_sheet_to_hand_out() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let zone = store.user_by_username("hongmu").unwrap().unwrap();
    let under = format!(
        "{}-{}",
        zone.party_org_county.unwrap(),
        zone.party_org_id.unwrap()
    );
    let zone_scope = store.scope_of_user(&zone).unwrap();
    let wanted = store
        .party_orgs_without_secretary(&zone_scope, None)
        .unwrap();
    assert!(
        !wanted.is_empty(),
        "the zone has branches without an account"
    );

    let mut admin = app.signed_in("admin");
    let csrf = admin.get("/accounts").csrf();
    let (status, kind, bytes) = admin.post_form_bytes(
        "/accounts/secretaries",
        &[("_csrf", &csrf), ("under", &under)],
    );
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(
        sheet.header,
        ["组织编号", "党组织名称", "用户名", "一次性密码"]
    );
    assert_eq!(sheet.rows.len(), wanted.len());
    for (o, (_, row)) in wanted.iter().zip(&sheet.rows) {
        assert_eq!(row[0], format!("{}-{}", o.key.county, o.key.id));
        assert_eq!(row[1], o.name);
        assert_eq!(row[2], o.username);
    }
    // The first holder signs in with the sheet's password and must change it.
    let (_, first) = &sheet.rows[0];
    let mut holder = app.client();
    assert_eq!(holder.sign_in(&first[2], &first[3]).status, 303);
    assert_eq!(
        holder.get("/").header("location"),
        Some("/account/password")
    );
    let made = store.user_by_username(&first[2]).unwrap().unwrap();
    assert_eq!(
        made.role().unwrap(),
        liangxin_domain::kinds::Role::Secretary
    );
    assert_eq!(
        store
            .audit_entries("account", made.party_org_county.unwrap(), made.id)
            .unwrap()[0]
            .action,
        "account_create"
    );
    // Done once: the second time there is nobody left, said in Chinese.
    let r = admin.post_form(
        "/accounts/secretaries",
        &[("_csrf", &csrf), ("under", &under)],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("都已有书记账号"), "{}", r.body);
    // Not above the administrator's committee.
    let r = admin.post_form(
        "/accounts/secretaries",
        &[("_csrf", &csrf), ("under", "330800-1")],
    );
    assert!(r.status == 404 || r.status == 422, "{}", r.status);
}

/// The code a phone would show now for `secret`, `ahead` steps on.
fn code_now(secret: &[u8], ahead: i64) -> String {
    let now = chrono::Utc::now().timestamp();
    liangxin_web::totp::code(secret, liangxin_web::totp::step_at(now) + ahead)
}

#[test]
fn two_factor_sign_in_is_set_up_by_its_holder_and_asked_at_every_sign_in() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let me = store.user_by_username("secretary").unwrap().unwrap();
    let mut c = app.signed_in("secretary");
    let page = c.get("/account/2fa");
    assert!(page.body.contains("未启用"));
    let csrf = page.csrf();
    let started = c.post_form("/account/2fa/start", &[("_csrf", &csrf)]);
    assert!(started.body.contains("完成设置"));
    let secret = store.totp(me.id).unwrap().unwrap().secret;
    assert!(started.body.contains(&liangxin_web::totp::base32(&secret)));
    let r = c.post_form(
        "/account/2fa/confirm",
        &[("_csrf", &csrf), ("code", "000000x")],
    );
    assert_eq!(r.status, 422);
    let r = c.post_form(
        "/account/2fa/confirm",
        &[("_csrf", &csrf), ("code", &code_now(&secret, 0))],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let recovery: Vec<String> = r
        .body
        .split("<code class=\"secret\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);

    // The next sign-in is half done until the code: nothing opens, the API says 401.
    let mut next = app.client();
    let r = next.sign_in("secretary", common::PASSWORD);
    assert_eq!(r.header("location"), Some("/login/2fa?next=/"));
    assert_eq!(
        next.get("/party-orgs").header("location"),
        Some("/login/2fa")
    );
    assert_eq!(next.get("/api/v1/coverage").status, 401);
    let csrf = next.get("/login/2fa").csrf();
    let r = next.post_form(
        "/login/2fa",
        &[("_csrf", &csrf), ("code", "123456"), ("next", "/")],
    );
    assert_eq!(r.status, 401);
    assert!(r.body.contains("验证码不正确"));
    // The confirmation took the current step: the next one is what the phone shows soon.
    let code = code_now(&secret, 1);
    let half = next.cookie("lx_session").unwrap();
    let r = next.post_form(
        "/login/2fa",
        &[("_csrf", &csrf), ("code", &code), ("next", "/")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(next.get("/party-orgs").status, 200);
    // A new session token: the half-done session's cookie opens nothing.
    assert_ne!(next.cookie("lx_session").unwrap(), half);
    let mut stale = app.client();
    stale.set_cookie("lx_session", &half);
    assert_eq!(stale.get("/party-orgs").status, 303);
    // The same code does not open a second sign-in; a recovery code does, once.
    let mut third = app.client();
    third.sign_in("secretary", common::PASSWORD);
    let csrf = third.get("/login/2fa").csrf();
    let r = third.post_form(
        "/login/2fa",
        &[("_csrf", &csrf), ("code", &code), ("next", "/")],
    );
    assert_eq!(r.status, 401, "a code is good once");
    let r = third.post_form(
        "/login/2fa",
        &[
            ("_csrf", &csrf),
            ("code", &recovery[0].to_uppercase()),
            ("next", "/"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let mut fourth = app.client();
    fourth.sign_in("secretary", common::PASSWORD);
    let csrf = fourth.get("/login/2fa").csrf();
    let r = fourth.post_form(
        "/login/2fa",
        &[("_csrf", &csrf), ("code", &recovery[0]), ("next", "/")],
    );
    assert_eq!(r.status, 401, "a recovery code is good once");
    assert_eq!(store.recovery_codes_left(me.id).unwrap(), 9);
    let log: Vec<String> = store
        .audit_entries("account", me.party_org_county.unwrap(), me.id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(log, ["totp_enable"]);

    // Wrong codes add up across sign-ins with the right password: the account locks.
    let mut locked = false;
    for _ in 0..5 {
        let mut guess = app.client();
        if guess.sign_in("secretary", common::PASSWORD).status != 303 {
            locked = true;
            break;
        }
        let csrf = guess.get("/login/2fa").csrf();
        guess.post_form(
            "/login/2fa",
            &[("_csrf", &csrf), ("code", "000000"), ("next", "/")],
        );
    }
    assert!(
        locked,
        "a known password does not buy endless guesses at the code"
    );

    // The administrative roles cannot go without it.
    let mut admin = app.signed_in("admin");
    let csrf = admin.get("/account/2fa").csrf();
    let r = admin.post_form(
        "/account/2fa/disable",
        &[("_csrf", &csrf), ("code", "000000")],
    );
    assert_eq!(r.status, 403);
    // A reset by the administrator ends it with the password (the phone may be lost too).
    let page = admin.get(&format!("/accounts/{}", me.id));
    let r = admin.post_form(
        &format!("/accounts/{}/reset", me.id),
        &[("_csrf", &page.csrf())],
    );
    assert_eq!(r.status, 200);
    assert!(!store.totp_confirmed(me.id).unwrap());
}

#[test]
fn a_new_administrator_sets_up_its_second_factor_before_anything_else() {
    let app = TestApp::start(300);
    let mut admin = app.signed_in("admin");
    let csrf = admin.get("/accounts/new").csrf();
    let mut store = app.store();
    let county = store.user_by_username("longyou").unwrap().unwrap();
    let node = format!(
        "{}-{}",
        county.party_org_county.unwrap(),
        county.party_org_id.unwrap()
    );
    // 三员分立: not by its peer at the same committee; the level above (here the console).
    let r = admin.post_form(
        "/accounts/new",
        &[
            ("_csrf", &csrf),
            ("username", "auditor.two"),
            ("display_name", "龙游县安全审计员乙"),
            ("role", "auditor"),
            ("node", &node),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("由上一级管理"), "{}", r.body);
    let auditor = store.user_by_username("auditor").unwrap().unwrap();
    let page = admin.get(&format!("/accounts/{}", auditor.id));
    let r = admin.post_form(
        &format!("/accounts/{}/reset", auditor.id),
        &[("_csrf", &page.csrf())],
    );
    assert_eq!(r.status, 422, "nor its peer's password reset");
    let first = "初始-审计-2026-ab";
    let operator = liangxin_store::Scope {
        region: Some(330800),
        ..liangxin_store::Scope::everything()
    };
    store
        .create_account(
            "cli",
            &operator,
            &liangxin_store::administration::AccountRequest {
                username: "auditor.two",
                display_name: "龙游县安全审计员乙",
                password_hash: &liangxin_web::auth::hash_password(first).unwrap(),
                role: liangxin_domain::kinds::Role::SecurityAuditor,
                node: liangxin_store::administration::Node::PartyOrg(
                    liangxin_domain::registry::Key {
                        county: county.party_org_county.unwrap(),
                        id: county.party_org_id.unwrap(),
                    },
                ),
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    let mut c = app.client();
    c.sign_in("auditor.two", first);
    let csrf = c.get("/account/password").csrf();
    let r = c.post_form(
        "/account/password",
        &[
            ("_csrf", &csrf),
            ("current", first),
            ("new", "审计-龙游-2026-乙"),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let mut c = app.client();
    assert_eq!(c.sign_in("auditor.two", "审计-龙游-2026-乙").status, 303);
    assert_eq!(c.get("/audit-log").header("location"), Some("/account/2fa"));
    let page = c.get("/account/2fa");
    assert!(page.body.contains("必须使用两步验证"));
    let csrf = page.csrf();
    c.post_form("/account/2fa/start", &[("_csrf", &csrf)]);
    let id = store.user_by_username("auditor.two").unwrap().unwrap().id;
    let secret = store.totp(id).unwrap().unwrap().secret;
    let r = c.post_form(
        "/account/2fa/confirm",
        &[("_csrf", &csrf), ("code", &code_now(&secret, 0))],
    );
    assert_eq!(r.status, 200);
    assert_eq!(c.get("/audit-log").status, 200, "open once it is set up");
}

#[test]
fn the_security_administrator_adds_a_rule_version_from_a_day_and_the_engines_follow() {
    use liangxin_domain::rules::{CoverageRules, keys};
    let app = TestApp::start(300);
    let mut secadmin = app.signed_in("secadmin");
    assert_eq!(secadmin.get("/").header("location"), Some("/rules"));
    for path in ["/members", "/organizations", "/accounts", "/audit-log"] {
        assert_eq!(secadmin.get(path).status, 403, "{path}");
    }
    let page = secadmin.get("/rules");
    assert!(page.body.contains(keys::JOINT_BRANCH_MAX_UNITS));
    assert!(page.body.contains("现行"));
    // The 安全管理员 reads which algorithms keep the personal data and the audit chain.
    assert!(page.body.contains("AES-256-GCM 加密，HMAC-SHA-256 摘要"));
    let csrf = page.csrf();
    let today = liangxin_web::today();
    let add = |c: &mut common::Client, key: &str, value: &str, from: &str, source: &str| {
        c.post_form(
            "/rules/versions",
            &[
                ("_csrf", &csrf),
                ("key", key),
                ("value", value),
                ("effective_from", from),
                ("source", source),
            ],
        )
    };
    let k = keys::JOINT_BRANCH_MAX_UNITS;
    for (key, value, from, source, why) in [
        (k, "6", "2020-01-01", "某文件", "不能早于今天"),
        (k, "0", &today.to_string()[..], "某文件", "必须为正数"),
        (k, "六", &today.to_string()[..], "某文件", "应为整数"),
        (k, "6", &today.to_string()[..], "", "请写明依据"),
        (
            "coverage.nothing",
            "6",
            &today.to_string()[..],
            "某文件",
            "没有参数",
        ),
    ] {
        let r = add(&mut secadmin, key, value, from, source);
        assert_eq!(r.status, 422, "{key} {value} {from}");
        assert!(r.body.contains(why), "{why}: {}", r.body);
        assert!(
            r.body.contains(&format!("value=\"{value}\"")),
            "values are kept"
        );
    }
    let r = add(
        &mut secadmin,
        k,
        "6",
        &today.to_string(),
        "衢州市两新工委〔2026〕12号",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("第2版"), "{}", r.body);
    // A later day too: the version waits for it.
    let later = today + chrono::Days::new(400);
    let r = add(
        &mut secadmin,
        k,
        "7",
        &later.to_string(),
        "衢州市两新工委〔2026〕13号",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("第3版"), "{}", r.body);
    let mut store = app.store();
    let set = store.rule_set().unwrap();
    let rules = CoverageRules::resolve(&set, today).unwrap();
    assert_eq!(rules.joint_branch_max_units.value, 6);
    assert_eq!(rules.joint_branch_max_units.rule.version, 2);
    let before = CoverageRules::resolve(&set, today.pred_opt().unwrap()).unwrap();
    assert_eq!(
        before.joint_branch_max_units.value, 5,
        "the past stays as it was"
    );
    assert_eq!(
        CoverageRules::resolve(&set, later)
            .unwrap()
            .joint_branch_max_units
            .value,
        7
    );
    let log = store.audit_entries("rule_parameter", 0, 2).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "rule_version");

    // A sign-in limit that would lock everyone out, or never, is refused.
    let r = add(
        &mut secadmin,
        keys::SECURITY_ADDRESS_WINDOW_MINUTES,
        "1000000000000",
        &today.to_string(),
        "某文件",
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能超过1440分钟"), "{}", r.body);

    // The city's committee keeps them too, but not the security settings; a county's
    // account reads none of this page.
    let mut city = app.signed_in("city");
    let page = city.get("/rules");
    assert_eq!(page.status, 200);
    let r = city.post_form(
        "/rules/versions",
        &[
            ("_csrf", &page.csrf()),
            ("key", keys::SECURITY_LOCK_AFTER_FAILURES),
            ("value", "1000"),
            ("effective_from", &today.to_string()),
            ("source", "某文件"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("只能由安全管理员"), "{}", r.body);
    let mut county = app.signed_in("longyou");
    assert_eq!(county.get("/rules").status, 403);
}

#[test]
fn a_county_registers_a_town_with_its_class_and_leading_committee_and_the_zone_changes_itself() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let county = store.user_by_username("longyou").unwrap().unwrap();
    let committee = format!(
        "{}-{}",
        county.party_org_county.unwrap(),
        county.party_org_id.unwrap()
    );
    let mut longyou = app.signed_in("longyou");
    let page = longyou.get("/zones/new");
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let post = |c: &mut common::Client, path: &str, name: &str, kind: &str, leader: &str| {
        c.post_form(
            path,
            &[
                ("_csrf", &csrf),
                ("name", name),
                ("kind", kind),
                ("class", "eco_tourism"),
                ("level", "county"),
                ("leader", leader),
            ],
        )
    };
    let r = post(&mut longyou, "/zones/new", "", "town", "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("名称"), "{}", r.body);
    let r = post(&mut longyou, "/zones/new", "龙游石窟小镇", "", "");
    assert!(r.body.contains("类型：请选择"), "{}", r.body);
    // A leader must be a 党工委: the county's 两新工委 is one, a branch is not.
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let branch = format!(
        "{}-{}",
        secretary.party_org_county.unwrap(),
        secretary.party_org_id.unwrap()
    );
    let r = post(&mut longyou, "/zones/new", "龙游石窟小镇", "town", &branch);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("须为党工委"), "{}", r.body);
    let r = post(&mut longyou, "/zones/new", "龙游石窟小镇", "town", "");
    assert_eq!(r.status, 303, "{}", r.body);
    let listed = longyou.get("/zones");
    assert!(listed.body.contains("龙游石窟小镇"));
    assert!(listed.body.contains("生态休闲旅游类"));
    let scope = store.scope_of_user(&county).unwrap();
    let zone = store
        .zones_of(&scope)
        .unwrap()
        .into_iter()
        .find(|z| z.name == "龙游石窟小镇")
        .unwrap();
    assert_eq!(zone.county, 330825);
    let r = post(&mut longyou, "/zones/new", "龙游石窟小镇", "town", "");
    assert!(r.body.contains("已有同名"), "{}", r.body);
    let _ = committee;
    let log = store.audit_entries("zone", 330825, zone.id).unwrap();
    assert_eq!(log[0].action, "create");

    // The zone's own committee changes its zone, not another, and registers none.
    let mut hongmu = app.signed_in("hongmu");
    let own = store
        .user_by_username("hongmu")
        .unwrap()
        .unwrap()
        .zone_id
        .unwrap();
    let hongmu_po = {
        let u = store.user_by_username("hongmu").unwrap().unwrap();
        liangxin_domain::registry::Key {
            county: u.party_org_county.unwrap(),
            id: u.party_org_id.unwrap(),
        }
    };
    assert_eq!(hongmu.get("/zones/new").status, 403);
    let page = hongmu.get(&format!("/zones/{own}/edit"));
    assert_eq!(page.status, 200);
    assert_eq!(hongmu.get(&format!("/zones/{}/edit", zone.id)).status, 404);
    let r = hongmu.post_form(
        &format!("/zones/{own}/edit"),
        &[
            ("_csrf", &page.csrf()),
            ("name", "龙游红木小镇"),
            ("kind", "town"),
            ("class", "traditional_industry"),
            ("level", "provincial"),
            ("leader", &format!("{}-{}", hongmu_po.county, hongmu_po.id)),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The county lets the zone go without its 党工委: the 党工委's accounts keep their
    // subtree, not the zone.
    let hongmu_user = store.user_by_username("hongmu").unwrap().unwrap();
    assert_eq!(store.scope_of_user(&hongmu_user).unwrap().zone, Some(own));
    let page = longyou.get(&format!("/zones/{own}/edit"));
    let r = longyou.post_form(
        &format!("/zones/{own}/edit"),
        &[
            ("_csrf", &page.csrf()),
            ("name", "龙游红木小镇"),
            ("kind", "town"),
            ("class", "traditional_industry"),
            ("level", "provincial"),
            ("leader", ""),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(store.scope_of_user(&hongmu_user).unwrap().zone, None);
}
