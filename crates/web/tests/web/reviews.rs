//! 书记抓党建述职评议考核 on pages: the secretary files the report with its attachment (a
//! file that is not a document refused, with the field named); the committee above records
//! its meeting, grades the report and lists a rectification; the secretary marks it done.

use super::*;

#[test]
fn a_secretary_reports_the_committee_above_grades_it_and_the_branch_rectifies() {
    let app = app();
    let mut store = app.store();
    let today = liangxin_web::today();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let year = liangxin_domain::review::ReviewRules::owed_year(today);
    // The reviewer is the nearest committee above: the account whose root it is.
    let line = store
        .review_roster(&scope, year)
        .unwrap()
        .into_iter()
        .find(|l| l.party_org == branch.key)
        .expect("the branch owes a report");
    let reviewer = ["hongmu", "longyou", "city"]
        .into_iter()
        .find(|role| {
            let u = store.user_by_username(role).unwrap().unwrap();
            let s = store.scope_of_user(&u).unwrap();
            store.scope_root(&s).unwrap().map(|r| r.key) == Some(line.reviewer)
        })
        .expect("a demo account reviews the secretary's branch");
    let mut sec = app.signed_in("secretary");
    let page = sec.get(&format!("/reviews?year={year}"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("本组织述职"), "{}", page.body);
    let csrf = page.csrf();
    let y = year.to_string();
    let fields = |body: &'static str| {
        vec![
            ("_csrf", csrf.clone()),
            ("year", y.clone()),
            ("body", body.to_owned()),
        ]
    };
    let file = |c: &mut common::Client, body: &'static str, name: &str, bytes: &[u8]| {
        let f = fields(body);
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_multipart("/reviews/report", &f, ("file", name, bytes))
    };
    let r = file(
        &mut sec,
        "抓党建工作情况",
        "报告.pdf",
        b"MZ\x90\x00not a document",
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("附件"), "{}", r.body);
    let r = file(&mut sec, " ", "报告.pdf", b"%PDF-1.4 report");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("述职报告"), "{}", r.body);
    let r = file(
        &mut sec,
        "一、抓党建工作情况\n二、存在问题",
        "述职报告.pdf",
        b"%PDF-1.4 report",
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = sec.get(&format!("/reviews?year={year}"));
    let href = page
        .body
        .split("href=\"/reviews/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/reviews/{s}"))
        .expect("a link to the report");
    let report = sec.get(&href);
    assert_eq!(report.status, 200);
    assert!(report.body.contains("二、存在问题"));
    assert!(report.body.contains("待评议"));
    let (status, kind, bytes) = sec.get_bytes(&format!("{href}/file"));
    assert_eq!(status, 200);
    assert_eq!(kind, "application/pdf");
    assert_eq!(bytes, b"%PDF-1.4 report");

    // The committee above: its meeting, the grade, a rectification.
    let mut rev = app.signed_in(reviewer);
    let page = rev.get(&format!("/reviews?year={year}"));
    assert!(page.body.contains("记录述职评议会"), "{}", page.body);
    assert!(page.body.contains(&branch.name));
    let csrf = page.csrf();
    let r = rev.post_form(
        "/reviews/meetings",
        &[
            ("_csrf", &csrf),
            ("year", &y),
            ("held_on", "2999-01-01"),
            ("place", "党群服务中心"),
            ("attendance", "委员、各支部书记"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("召开日期"), "{}", r.body);
    let r = rev.post_form(
        "/reviews/meetings",
        &[
            ("_csrf", &csrf),
            ("year", &y),
            ("held_on", &today.to_string()),
            ("place", "党群服务中心"),
            ("attendance", "委员、各支部书记"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let report = rev.get(&href);
    let meeting = report
        .body
        .split("<option value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the meeting offered")
        .to_owned();
    let version = report
        .body
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the version read")
        .to_owned();
    let r = rev.post_form(
        &format!("{href}/grade"),
        &[
            ("_csrf", &csrf),
            ("version", &version),
            ("meeting", &meeting),
            ("grade", ""),
            ("comments", "意见"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("评议等次"), "{}", r.body);
    let r = rev.post_form(
        &format!("{href}/grade"),
        &[
            ("_csrf", &csrf),
            ("version", &version),
            ("meeting", &meeting),
            ("grade", "fairly_good"),
            ("comments", "抓党建责任落实较好"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let deadline = (today + chrono::Days::new(60)).to_string();
    let r = rev.post_form(
        &format!("{href}/rectifications"),
        &[
            ("_csrf", &csrf),
            ("problem", "党员教育管理不够经常"),
            ("measure", "每月开展主题党日"),
            ("deadline", &deadline),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The secretary cannot grade; it marks the rectification done.
    let report = sec.get(&href);
    assert!(report.body.contains("较好"));
    assert!(
        !report.body.contains("/grade\""),
        "only the reviewer grades"
    );
    let id = report
        .body
        .split("name=\"rectification\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let csrf = report.csrf();
    let r = sec.post_form(
        &format!("{href}/rectifications/done"),
        &[("_csrf", &csrf), ("rectification", &id), ("note", "")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("整改情况"), "{}", r.body);
    let r = sec.post_form(
        &format!("{href}/rectifications/done"),
        &[
            ("_csrf", &csrf),
            ("rectification", &id),
            ("note", "已每月开展"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(sec.get(&href).body.contains("完成：已每月开展"));
    let api = rev.get(&format!("/api/v1/reviews?year={year}")).json();
    let item = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["id"].as_i64() == Some(branch.key.id)
                && i["county"].as_i64() == Some(i64::from(branch.key.county))
        })
        .unwrap()
        .clone();
    assert_eq!(item["grade"], "fairly_good");
    assert_eq!(item["has_file"], true);
    let (status, kind, _) = rev.get_bytes(&format!("/reviews.xlsx?year={year}"));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheet"), "{kind}");
}
