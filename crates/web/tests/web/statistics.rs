//! 党内统计 on pages: a county's tables computed from the records, each nonzero cell naming
//! the records it counts, the workbook of the paper forms, and bad input named.

use super::*;

#[test]
fn the_statistical_tables_are_computed_and_each_cell_names_its_records() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let root = store.scope_root(&scope).unwrap().unwrap().key;
    let base = format!("/party-orgs/{}/{}/statistics", root.county, root.id);
    let today = liangxin_web::today();
    let mut c = app.signed_in("longyou");
    let page = c.get(&base);
    assert_eq!(page.status, 200, "{}", page.body);
    for title in [
        "党员数量变化情况",
        "党员基本情况",
        "基层党组织数量和换届情况",
    ] {
        assert!(page.body.contains(title), "{title}");
    }
    // The register's total, as the member list counts it, is the whole's 党员总数 and the
    // records behind that cell.
    let on_register = c.get("/api/v1/members").json()["total"].as_i64().unwrap();
    assert!(on_register > 0);
    let total = format!("{base}/cell?table=member-basics&#38;column=total&#38;as_of={today}");
    assert!(
        page.body
            .contains(&format!("<a href=\"{total}\">{on_register}</a>")),
        "{total}"
    );
    let cell = c.get(&total.replace("&#38;", "&"));
    assert_eq!(cell.status, 200, "{}", cell.body);
    assert!(
        cell.body.contains(&format!("共 {on_register} 名党员")),
        "{}",
        cell.body
    );
    assert!(cell.body.contains("/members/"));
    // The API says the same.
    let api = c
        .get(&format!(
            "/api/v1/party-orgs/{}/{}/statistics?table=member-basics",
            root.county, root.id
        ))
        .json();
    assert_eq!(api["tables"][0]["table"], "member-basics");
    assert_eq!(api["tables"][0]["columns"][0]["code"], "total");
    assert_eq!(api["tables"][0]["rows"][0]["name"], "合计");
    assert_eq!(api["tables"][0]["rows"][0]["counts"][0], on_register);
    let all = c
        .get(&format!(
            "/api/v1/party-orgs/{}/{}/statistics",
            root.county, root.id
        ))
        .json();
    assert_eq!(all["tables"].as_array().unwrap().len(), 5);
    let bad = c.get(&format!(
        "/api/v1/party-orgs/{}/{}/statistics?table=bogus",
        root.county, root.id
    ));
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("统计表"), "{}", bad.body);
    // The organizations' cell lists party organizations.
    let orgs = c.get(&format!(
        "{base}/cell?table=party-orgs&column=total&as_of={today}"
    ));
    assert_eq!(orgs.status, 200);
    assert!(orgs.body.contains("个党组织"));

    let (status, kind, bytes) = c.get_bytes(&format!("{base}.xlsx?as_of={today}"));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    assert!(bytes.len() > 1000);

    for (path, field) in [
        (
            format!("{base}/cell?table=member-basics&column=bogus"),
            "统计项",
        ),
        (format!("{base}/cell?table=bogus&column=total"), "统计表"),
        (format!("{base}?as_of=2026-13-01"), "统计截止日期"),
        (format!("{base}?as_of=2999-01-01"), "统计截止日期"),
        // Before any term rule was in force: the asker's mistake, not a server error.
        (format!("{base}?as_of=2017-12-31"), "统计截止日期"),
    ] {
        let r = c.get(&path);
        assert!((400..500).contains(&r.status), "{path}: {}", r.status);
        assert!(r.body.contains(field), "{path}: {}", r.body);
    }
    // A branch secretary cannot read the county's tables.
    let mut sec = app.signed_in("secretary");
    let r = sec.get(&base);
    assert!((400..500).contains(&r.status), "{}", r.status);
}
