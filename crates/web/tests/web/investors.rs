//! 出资人 on pages: a branch secretary registers an investor of a unit the branch covers
//! (bad input refused with its field named), ticks them in the list to record a visit, and
//! the contact counts for them in the list, the API and the county's page; the lists open
//! with their totals and the exports hold the same rows.

use super::*;

#[test]
fn a_branch_registers_an_investor_records_a_visit_and_the_county_sees_it_counted() {
    let app = app();
    let mut sec = app.signed_in("secretary");
    let page = sec.get("/investors");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("investors.new_generation_max_age"),
        "the rule named"
    );
    let csrf = page.csrf();
    let units = sec.get("/api/v1/organizations?page=1&sort=name").json();
    let unit = &units["items"][0];
    let unit = format!("{}-{}", unit["county"], unit["id"]);
    let register = |c: &mut common::Client, unit: &str, name: &str, born: &str| {
        c.post_form(
            "/investors",
            &[
                ("_csrf", &csrf),
                ("unit", unit),
                ("name", name),
                ("birth_year", born),
                ("role", "legal_representative"),
                ("political_status", "masses"),
            ],
        )
    };
    // A unit outside the scope is not found (404), as everywhere.
    for (u, name, born, field, status) in [
        (unit.as_str(), "冯新锐", "一九九〇", "出生年份", 422),
        (unit.as_str(), "冯新锐", "2020", "出生年份", 422),
        ("abc", "冯新锐", "1990", "单位", 422),
        ("330802-999999999", "冯新锐", "1990", "单位", 404),
        (unit.as_str(), " ", "1990", "姓名", 422),
    ] {
        let r = register(&mut sec, u, name, born);
        assert_eq!(r.status, status, "{u} {name} {born}");
        assert!(
            status == 404 || r.body.contains(field),
            "{field}: {}",
            r.body
        );
    }
    let r = register(&mut sec, &unit, "冯新锐", "1990");
    assert_eq!(r.status, 303, "{}", r.body);
    let again = register(&mut sec, &unit, "冯新锐", "1990");
    assert_eq!(again.status, 422, "the same investor twice");

    let api = sec.get("/api/v1/investors?show=due").json();
    assert_eq!(api["age_rule"], "investors.new_generation_max_age@1");
    let feng = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "冯新锐")
        .expect("a 新生代 investor not yet reached is due")
        .clone();
    assert_eq!(
        (feng["new_generation"].clone(), feng["contacts"].clone()),
        (true.into(), 0.into())
    );
    let code = format!("{}-{}", feng["county"], feng["id"]);
    let due = sec.get("/investors?show=due");
    assert!(
        due.body.contains(&format!(
            "name=\"investor\" value=\"{code}\" form=\"contact\""
        )),
        "the investor can be ticked"
    );

    // The unit's page leads to its investors, the list of that unit alone.
    let (uc, ui) = unit.split_once('-').unwrap();
    let org_page = sec.get(&format!("/organizations/{uc}/{ui}"));
    assert!(
        org_page.body.contains(&format!("/investors?unit={unit}")),
        "the unit's page links its investors"
    );
    let of_unit = sec.get(&format!("/investors?unit={unit}"));
    assert_eq!(of_unit.status, 200);
    assert!(of_unit.body.contains("冯新锐"));
    let csv = sec.get(&format!("/investors.csv?unit={unit}"));
    assert_eq!(
        csv.body.lines().count() as u64 - 1,
        stated_total(&of_unit.body),
        "the unit's export holds its rows"
    );
    assert_eq!(sec.get("/investors?unit=abc").status, 422);

    // A visit, with the investor ticked.
    let visit = |c: &mut common::Client, on: &str, investors: &[&str]| {
        let mut form = vec![
            ("_csrf", csrf.as_str()),
            ("kind", "visit"),
            ("held_on", on),
            ("title", "走访新生代出资人"),
            ("content", "谈党建工作和企业发展"),
        ];
        form.extend(investors.iter().map(|i| ("investor", *i)));
        c.post_form("/investors/events", &form)
    };
    for (on, investors, field, status) in [
        ("2999-01-01", vec![code.as_str()], "日期", 422),
        ("2026-03-01", vec![], "出资人", 422),
        ("2026-03-01", vec!["330825-x"], "出资人", 422),
        ("2026-03-01", vec!["330802-999999999"], "出资人", 404),
    ] {
        let r = visit(&mut sec, on, &investors);
        assert_eq!(r.status, status, "{on} {investors:?}");
        assert!(
            status == 404 || r.body.contains(field),
            "{field}: {}",
            r.body
        );
    }
    let r = visit(&mut sec, "2026-03-01", &[&code]);
    assert_eq!(r.status, 303, "{}", r.body);
    let api = sec.get("/api/v1/investors?year=2026").json();
    let feng = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "冯新锐")
        .unwrap()
        .clone();
    assert_eq!(
        (feng["contacts"].clone(), feng["due"].clone()),
        (1.into(), false.into())
    );
    assert!(
        api["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["investors"][0] == code.as_str()),
        "the branch's event listed"
    );

    // The county sees the investor reached, and the event its branch held.
    let mut county = app.signed_in("longyou");
    let api = county.get("/api/v1/investors?year=2026").json();
    assert!(
        api["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "冯新锐" && i["contacts"] == 1)
    );
    assert!(county.get("/investors").body.contains("走访新生代出资人"));

    // Each list opens with its total, and its export holds as many rows.
    for show in ["", "new", "due"] {
        let page = county.get(&format!("/investors?show={show}"));
        assert_eq!(page.status, 200);
        let total = stated_total(&page.body);
        let csv = county.get(&format!("/investors.csv?show={show}"));
        assert_eq!(csv.status, 200);
        let rows = csv.body.lines().count() as u64 - 1;
        assert_eq!(rows, total, "{show}: the export holds the rows listed");
    }
    assert_eq!(county.get("/investors?show=everyone").status, 422);
    assert_eq!(county.get("/api/v1/investors?show=everyone").status, 422);
    for garbage in ["year=abc", "year=1900", "page=0", "unit=330825"] {
        assert_eq!(
            county.get(&format!("/investors?{garbage}")).status,
            422,
            "{garbage}"
        );
    }
    assert_eq!(county.get("/api/v1/investors?year=abc").status, 422);

    // The investor leaves, by the form on their row (ending before the visit is refused);
    // ending them twice is refused.
    let page = sec.get("/investors");
    let end = page
        .body
        .split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|a| *a == format!("/investors/{}/{}/end", feng["county"], feng["id"]))
        .expect("the row's form to end the investor")
        .to_owned();
    let r = sec.post_form(&end, &[("_csrf", &csrf), ("on", "2026-02-01")]);
    assert_eq!(r.status, 422, "before the visit");
    assert!(r.body.contains("退出日期"), "{}", r.body);
    let r = sec.post_form(&end, &[("_csrf", &csrf), ("on", "")]);
    assert_eq!(r.status, 303, "{}", r.body);
    let r = sec.post_form(&end, &[("_csrf", &csrf), ("on", "")]);
    assert_eq!(r.status, 422, "{}", r.body);
}
