//! A branch's committee on its page: the 书记 vacancy shown until one is appointed, only
//! full members offered and accepted, a refusal on the page with its reason, and a 书记's
//! departure recorded with its day, which disables the secretary account that served them.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;

#[test]
fn a_secretary_records_the_branch_committee_and_the_vacancy_closes() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap().key;
    let candidates = store.post_candidates(&scope, branch).unwrap();
    let full = candidates.iter().find(|c| c.2).expect("a full member");
    let (county, id) = (branch.county, branch.id);
    let page_path = format!("/party-orgs/{county}/{id}");
    let committee = format!("{page_path}/committee");

    let mut c = app.signed_in("secretary");
    let before = c.get(&page_path);
    assert!(before.body.contains("空缺"), "no 书记 recorded yet");
    let form = c.get(&committee);
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&full.1), "full members are offered");
    let csrf = form.csrf();
    let value = format!("{}-{}", full.0.county, full.0.id);
    // A probationary member, forged into the form, is refused with the reason on the page.
    if let Some(p) = candidates.iter().find(|c| !c.2) {
        assert!(
            !form
                .body
                .contains(&format!("value=\"{}-{}\"", p.0.county, p.0.id))
        );
        let forged = format!("{}-{}", p.0.county, p.0.id);
        let r = c.post_form(
            &committee,
            &[
                ("_csrf", &csrf),
                ("post", "secretary"),
                ("member", &forged),
                ("since", "2026-01-05"),
            ],
        );
        assert_eq!(r.status, 422);
        assert!(r.body.contains("预备党员"), "{}", r.body);
    }
    let r = c.post_form(
        &committee,
        &[
            ("_csrf", &csrf),
            ("post", "secretary"),
            ("member", &value),
            ("since", "2099-01-05"),
        ],
    );
    assert_eq!(r.status, 422, "a day in the future");
    assert!(r.body.contains("任职日期"), "{}", r.body);
    let r = c.post_form(
        &committee,
        &[
            ("_csrf", &csrf),
            ("post", "secretary"),
            ("member", &value),
            ("since", "2024年3月1日"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let after = c.get(&page_path);
    assert!(
        after.body.contains(&format!("{}（2024-03-01起）", full.1)),
        "{}",
        after.body
    );
    assert!(!after.body.contains("空缺"));

    // The term ends on the day typed; the post is vacant again and the term is history.
    let held = store.posts_of(&scope, branch).unwrap();
    let r = c.post_form(
        &format!("{committee}/end"),
        &[
            ("_csrf", &csrf),
            ("post_id", &held[0].id.to_string()),
            ("until", "2026-11-30"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The secretary account served the 书记 who left: disabled, its session ended.
    let gone = c.get(&committee);
    assert_eq!(gone.status, 303);
    assert!(
        store
            .user_by_username("secretary")
            .unwrap()
            .unwrap()
            .disabled_at
            .is_some()
    );
    let mut county = app.signed_in("longyou");
    let page = county.get(&committee);
    assert!(
        page.body.contains("书记空缺"),
        "{} {}",
        page.status,
        page.body
    );
    assert!(page.body.contains("历任") && page.body.contains("2026-11-30"));
    // A member's account does not reach it.
    let mut member = app.signed_in("member");
    assert_eq!(member.get(&committee).status, 403);
}
