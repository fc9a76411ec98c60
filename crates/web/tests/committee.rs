//! A branch's committee on its page: the 书记 (or the vacancy) shown, only full members
//! offered and accepted, a refusal on the page with its reason, a new 书记 taking over from
//! the last, whose secretary account is disabled, and a 书记's departure recorded with its
//! day leaving the post vacant.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestApp;
use liangxin_domain::kinds::Post;

#[test]
fn a_county_records_a_new_secretary_and_the_last_ones_account_is_handed_over() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap().key;
    let today = liangxin_web::today();
    let held = store.posts_of(&scope, branch).unwrap();
    let before = held
        .iter()
        .find(|h| h.post == Post::Secretary && h.current(today))
        .cloned();
    let candidates = store.post_candidates(&scope, branch).unwrap();
    let free = candidates
        .iter()
        .find(|c| c.2 && !held.iter().any(|h| h.member == c.0 && h.until.is_none()))
        .expect("a full member without a post");
    let (county, id) = (branch.county, branch.id);
    let page_path = format!("/party-orgs/{county}/{id}");
    let committee = format!("{page_path}/committee");

    let mut c = app.signed_in("longyou");
    let page = c.get(&page_path);
    match &before {
        Some(h) => assert!(page.body.contains(&format!("{}（{}起）", h.name, h.since))),
        None => assert!(page.body.contains("空缺")),
    }
    let form = c.get(&committee);
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&free.1), "full members are offered");
    let csrf = form.csrf();
    let value = format!("{}-{}", free.0.county, free.0.id);
    // A probationary member, forged into the form, is refused with the reason on the page.
    if let Some(p) = candidates.iter().find(|c| !c.2) {
        let forged = format!("{}-{}", p.0.county, p.0.id);
        assert!(!form.body.contains(&format!("value=\"{forged}\"")));
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
    // The new 书记 from today, typed as people write dates.
    let typed = today.format("%Y年%-m月%-d日").to_string();
    let r = c.post_form(
        &committee,
        &[
            ("_csrf", &csrf),
            ("post", "secretary"),
            ("member", &value),
            ("since", &typed),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let after = c.get(&page_path);
    assert!(
        after.body.contains(&format!("{}（{today}起）", free.1)),
        "{}",
        after.body
    );
    if let Some(h) = &before {
        let ended = store
            .posts_of(&scope, branch)
            .unwrap()
            .into_iter()
            .find(|x| x.id == h.id)
            .unwrap();
        assert_eq!(
            ended.until,
            today.pred_opt(),
            "the last 书记 left the day before"
        );
        assert!(
            store
                .user_by_username("secretary")
                .unwrap()
                .unwrap()
                .disabled_at
                .is_some(),
            "the secretary account served the last 书记"
        );
    }

    // The term ends on the day typed; the post is vacant and the term is history.
    let new = store
        .posts_of(&scope, branch)
        .unwrap()
        .into_iter()
        .find(|h| h.member == free.0 && h.until.is_none())
        .unwrap();
    let r = c.post_form(
        &format!("{committee}/end"),
        &[
            ("_csrf", &csrf),
            ("post_id", &new.id.to_string()),
            ("until", &today.to_string()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(&committee);
    assert!(
        page.body.contains("书记空缺"),
        "{} {}",
        page.status,
        page.body
    );
    assert!(page.body.contains("历任"));
    assert!(
        store
            .user_by_username("secretary")
            .unwrap()
            .unwrap()
            .disabled_at
            .is_some()
    );
    // A member's account does not reach it.
    let mut member = app.signed_in("member");
    assert_eq!(member.get(&committee).status, 403);
}

/// 台账起始月 on a branch's page: the county moves it (any month spelling), the branch's
/// own secretary sees it without the form and is refused if it posts anyway.
#[test]
fn the_level_above_moves_a_branchs_records_start() {
    let app = TestApp::start(300);
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let (county, id) = (branch.key.county, branch.key.id);
    let page_path = format!("/party-orgs/{county}/{id}");
    let action = format!("{page_path}/records-start");

    let mut own = app.signed_in("secretary");
    let page = own.get(&page_path);
    assert!(page.body.contains("台账起始月"), "{}", page.body);
    assert!(
        !page.body.contains(&action),
        "no form at the branch's own level"
    );
    let r = own.post_form(
        &action,
        &[("_csrf", &page.csrf()), ("records_start", "2025-01")],
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert!(r.body.contains("本级不能修改"), "{}", r.body);

    let mut c = app.signed_in("longyou");
    let page = c.get(&page_path);
    assert!(page.body.contains(&action));
    let csrf = page.csrf();
    let r = c.post_form(&action, &[("_csrf", &csrf), ("records_start", "去年春天")]);
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert!(r.body.contains("台账起始月"), "{}", r.body);
    let r = c.post_form(&action, &[("_csrf", &csrf), ("records_start", "2099年1月")]);
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert!(r.body.contains("不能晚于本月"), "{}", r.body);
    let r = c.post_form(&action, &[("_csrf", &csrf), ("records_start", "2025年3月")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(&page_path);
    assert!(page.body.contains("2025年3月（"), "{}", page.body);
    let after = store.party_org(&scope, branch.key).unwrap().unwrap();
    assert_eq!(after.records_start.to_string(), "2025-03-01");
}
