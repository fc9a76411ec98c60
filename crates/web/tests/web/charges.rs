//! 划片包干 on pages: a county assigns a cadre to a branch (bad input refused with its field
//! named); the page shows the branch's open items as its own 待办 counts them; the
//! assignment ends.

use super::*;

#[test]
fn a_county_assigns_a_cadre_who_sees_the_branchs_open_items_then_ends_it() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let code = format!("{}-{}", branch.key.county, branch.key.id);
    let mut county = app.signed_in("longyou");
    let page = county.get("/charges");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("安排包干"), "a committee assigns");
    let csrf = page.csrf();
    let assign = |c: &mut common::Client, cadre: &str, org: &str, since: &str| {
        c.post_form(
            "/charges",
            &[
                ("_csrf", &csrf),
                ("cadre", cadre),
                ("post", "县两新工委委员"),
                ("party_org", org),
                ("since", since),
            ],
        )
    };
    for (cadre, org, since, field) in [
        (" ", code.as_str(), "", "包干干部"),
        ("赵六", "", "", "包干党组织"),
        ("赵六", "12", "", "包干党组织"),
        ("赵六", code.as_str(), "2999-01-01", "包干起始日期"),
    ] {
        let r = assign(&mut county, cadre, org, since);
        assert_eq!(r.status, 422, "{cadre} {org} {since}");
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = assign(&mut county, "赵六", &code, "");
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = county.get("/charges");
    assert!(shown.body.contains("赵六（县两新工委委员）"));
    assert!(shown.body.contains(&branch.name));
    // The open items are the branch's own 待办: findings open as the store counts them.
    let todo = store.todo(&scope, liangxin_web::today()).unwrap();
    let findings: u32 = todo.iter().map(|b| b.findings_open).sum();
    assert!(
        shown
            .body
            .contains(&format!("data-label=\"排查问题\">{findings}</td>")),
        "{findings} findings: {}",
        shown.body
    );
    // The branch itself assigns nobody and sees nothing of it.
    let mut sec = app.signed_in("secretary");
    let own = sec.get("/charges");
    assert!(!own.body.contains("安排包干（"));
    assert!(!own.body.contains("赵六"));
    // Ended.
    let action = shown
        .body
        .split("action=\"/charges/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = county.post_form(
        &format!("/charges/{action}"),
        &[("_csrf", &csrf), ("until", "2000-01-01")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("结束日期"), "{}", r.body);
    let r = county.post_form(
        &format!("/charges/{action}"),
        &[("_csrf", &csrf), ("until", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(county.get("/charges").body.contains("已结束的包干"));
}
