//! 责任清单 on pages: a county gives a branch a task (a bad one refused with its field
//! named), the branch records its progress and its completion with evidence.

use super::*;

#[test]
fn a_county_gives_a_branch_a_task_and_the_branch_completes_it() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let code = format!("{}-{}", branch.key.county, branch.key.id);
    let mut county = app.signed_in("longyou");
    let page = county.get("/tasks");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("下达任务"), "a committee gives tasks");
    let csrf = page.csrf();
    let soon = (liangxin_web::today() + chrono::Days::new(20)).to_string();
    let give = |c: &mut common::Client, owner_org: &str, owner_unit: &str, deadline: &str| {
        c.post_form(
            "/tasks",
            &[
                ("_csrf", &csrf),
                ("title", "年底前完成支部换届"),
                ("detail", "按程序选举产生新一届支委会"),
                ("owner_org", owner_org),
                ("owner_unit", owner_unit),
                ("deadline", deadline),
            ],
        )
    };
    for (org, unit, deadline, field) in [
        ("", "", soon.as_str(), "责任单位"),
        (code.as_str(), "某局", soon.as_str(), "责任单位"),
        ("12", "", soon.as_str(), "责任单位"),
        (code.as_str(), "", "2020-01-01", "完成时限"),
        (code.as_str(), "", "明天", "完成时限"),
    ] {
        let r = give(&mut county, org, unit, deadline);
        assert_eq!(r.status, 422, "{org} {unit} {deadline}");
        assert!(
            r.body.contains(field),
            "{org} {unit} {deadline}: {}",
            r.body
        );
    }
    let r = give(&mut county, &code, "", &soon);
    assert_eq!(r.status, 303, "{}", r.body);

    let mut sec = app.signed_in("secretary");
    let mine = sec.get("/tasks");
    assert!(mine.body.contains("年底前完成支部换届"), "{}", mine.body);
    assert!(!mine.body.contains("下达任务（"), "a branch gives none");
    let task = mine
        .body
        .split("name=\"task\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let csrf = mine.csrf();
    let r = sec.post_form(
        "/tasks/record",
        &[
            ("_csrf", &csrf),
            ("task", &task),
            ("text", "已召开支委会研究换届"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = sec.post_form(
        "/tasks/record",
        &[
            ("_csrf", &csrf),
            ("task", &task),
            ("text", " "),
            ("done", "1"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("完成情况和佐证"), "{}", r.body);
    let r = sec.post_form(
        "/tasks/record",
        &[
            ("_csrf", &csrf),
            ("task", &task),
            ("text", "选举产生新一届支委会，会议记录已入台账"),
            ("done", "1"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let seen = county.get("/tasks");
    assert!(
        seen.body.contains("会议记录已入台账"),
        "the county sees it done"
    );
}
