//! 软弱涣散 on pages: the county finds branches by the rules, opens a case, and accepts
//! it after the branch's notes; the branch cannot accept its own.

use super::*;

/// A deadline half a year on.
fn soon() -> String {
    (liangxin_web::today() + chrono::Days::new(180)).to_string()
}

fn href_after<'a>(body: &'a str, marker: &str) -> &'a str {
    let at = body
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {body}"));
    let before = &body[..at];
    let start = before.rfind("href=\"").unwrap() + 6;
    body[start..].split('"').next().unwrap()
}

#[test]
fn a_county_opens_a_case_on_what_the_rules_found_and_accepts_it_after_the_branchs_notes() {
    let app = app();
    let mut county = app.signed_in("longyou");
    let list = county.get("/weak");
    assert_eq!(list.status, 200);
    assert!(list.body.contains("依据："), "each reason names its rule");
    // By criterion, a page at a time; a page past the end shows the last.
    let by = county.get("/weak?criterion=secretary_vacant&page=999");
    assert_eq!(by.status, 200);
    assert!(by.body.contains("<strong>书记长期缺职"), "{}", by.body);
    let rows = by.body.matches("<td data-label=\"情形（依据）\">").count();
    assert!(rows > 0, "the demo county has branches without a 书记");
    assert_eq!(
        by.body.matches("<li><strong>书记长期缺职</strong>").count(),
        rows,
        "every row shown has the criterion chosen"
    );
    let open = href_after(&list.body, ">立案整顿<").replace("&amp;", "&");
    let form = county.get(&open);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("规则排查发现的情形"), "{}", form.body);
    let csrf = form.csrf();
    let code = open.split("party_org=").nth(1).unwrap().to_owned();
    let fields = |deadline: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("party_org", code.clone()),
            ("basis", "rules".to_owned()),
            ("causes", "书记调离，无人主持".to_owned()),
            ("measures", "配齐书记；按季度召开支部党员大会".to_owned()),
            ("leader", "县两新工委副书记".to_owned()),
            ("deadline", deadline.to_owned()),
        ]
    };
    let post = |c: &mut common::Client, f: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_form("/weak/new", &pairs)
    };
    let bad = post(&mut county, fields("明年"));
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("整改期限"), "{}", bad.body);
    let past = post(&mut county, fields("2020-01-01"));
    assert_eq!(past.status, 422);
    assert!(past.body.contains("应晚于今天"), "{}", past.body);
    let opened = post(&mut county, fields(&soon()));
    assert_eq!(opened.status, 303, "{}", opened.body);
    let case = opened
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = county.get(&case);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("依据："),
        "the case keeps the rules' reasons"
    );
    assert!(page.body.contains("验收销号"));
    // The API lists it open, under its organization.
    let case_id: i64 = case.rsplit('/').next().unwrap().parse().unwrap();
    let find = |county: &mut common::Client| {
        let r = county.get("/api/v1/rectifications");
        assert_eq!(r.status, 200, "{}", r.body);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["case_id"].as_i64() == Some(case_id))
            .cloned()
            .unwrap_or_else(|| panic!("{}", r.body))
    };
    let listed = find(&mut county);
    assert_eq!(listed["closed_on"], serde_json::Value::Null);
    assert_eq!(listed["overdue"], false);
    assert_eq!(listed["basis"], "rules");
    // Not before a note; then accepted.
    let early = county.post_form(
        &format!("{case}/accept"),
        &[("_csrf", &csrf), ("text", "同意销号")],
    );
    assert_eq!(early.status, 422);
    assert!(early.body.contains("整改进展"), "{}", early.body);
    let noted = county.post_form(
        &format!("{case}/notes"),
        &[("_csrf", &csrf), ("text", "已选举新书记")],
    );
    assert_eq!(noted.status, 303);
    let accepted = county.post_form(
        &format!("{case}/accept"),
        &[("_csrf", &csrf), ("text", "班子配齐，同意销号")],
    );
    assert_eq!(accepted.status, 303);
    assert!(find(&mut county)["closed_on"].is_string(), "closed by 验收");
    // Both files: every candidate's reasons, and the year's cases with this one accepted.
    let (status, kind, bytes) = county.get_bytes("/weak/cases.xlsx");
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert!(
        sheet
            .rows
            .iter()
            .any(|(_, r)| r.iter().any(|c| c == "已验收销号")),
        "{:?}",
        sheet.rows
    );
    let (status, _, bytes) = county.get_bytes("/weak.xlsx");
    assert_eq!(status, 200);
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header[..2], ["党组织".to_owned(), "情形".to_owned()]);
    assert_eq!(county.get("/weak/cases.xlsx?year=1900").status, 422);
    let done = county.get(accepted.header("location").unwrap());
    assert!(done.body.contains("已验收销号"), "{}", done.body);
    assert!(
        !done.body.contains("action=\"/rectifications"),
        "closed: no more forms"
    );
}

#[test]
fn a_branch_records_its_progress_but_cannot_accept_its_own_case() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let code = format!(
        "{}-{}",
        user.party_org_county.unwrap(),
        user.party_org_id.unwrap()
    );
    let deadline = soon();
    let mut sec = app.signed_in("secretary");
    // The branch cannot open a case on itself.
    let form = sec.get("/weak/new?basis=nomination");
    let csrf = form.csrf();
    let own = sec.post_form(
        "/weak/new",
        &[
            ("_csrf", &csrf),
            ("party_org", &code),
            ("basis", "nomination"),
            ("nominated", "自评"),
            ("causes", "原因"),
            ("measures", "措施"),
            ("leader", "书记"),
            ("deadline", &deadline),
        ],
    );
    assert_eq!(own.status, 422);
    assert!(own.body.contains("上级党组织"), "{}", own.body);
    // The county nominates it.
    let mut county = app.signed_in("longyou");
    let csrf_c = county.get("/weak/new").csrf();
    let opened = county.post_form(
        "/weak/new",
        &[
            ("_csrf", &csrf_c),
            ("party_org", &code),
            ("basis", "nomination"),
            ("nominated", "班子不团结\n群众意见大"),
            ("causes", "原因"),
            ("measures", "措施"),
            ("leader", "县两新工委委员"),
            ("deadline", &deadline),
        ],
    );
    assert_eq!(opened.status, 303, "{}", opened.body);
    let case = opened
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let page = sec.get(&case);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("班子不团结"));
    assert!(
        !page.body.contains("验收意见（上级党组织）"),
        "no acceptance form for the branch"
    );
    let noted = sec.post_form(
        &format!("{case}/notes"),
        &[("_csrf", &csrf), ("text", "召开专题组织生活会")],
    );
    assert_eq!(noted.status, 303);
    let refused = sec.post_form(
        &format!("{case}/accept"),
        &[("_csrf", &csrf), ("text", "自己销号")],
    );
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("上级党组织"), "{}", refused.body);
}
