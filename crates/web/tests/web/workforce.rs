//! 党务工作者队伍 on pages: a county registers a worker (bad input refused with its field
//! named), records a course and puts its secretaries and workers on it from the course's
//! page, takes one off; the hours count for each; the lists open with their totals and the
//! exports hold the same rows; a branch sees neither the county's course nor its workers.

use super::*;

fn between<'a>(body: &'a str, start: &str) -> Vec<&'a str> {
    body.split(start)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect()
}

#[test]
fn a_county_registers_its_workers_records_a_course_and_the_hours_count() {
    let app = app();
    let mut county = app.signed_in("longyou");
    let page = county.get("/workforce");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("workforce.secretary_training_hours"),
        "the rule named"
    );
    let csrf = page.csrf();
    let place = between(&page.body, "name=\"party_org\" required><option value=\"")[0].to_owned();
    let register = |c: &mut common::Client, name: &str, since: &str| {
        c.post_form(
            "/workforce/workers",
            &[
                ("_csrf", &csrf),
                ("party_org", &place),
                ("name", name),
                ("member", ""),
                ("duty", "full_time"),
                ("source", "recruited"),
                ("qualification", "大学本科"),
                ("since", since),
            ],
        )
    };
    for (name, since, field) in [
        ("孙专职", "2999-01-01", "任职日期"),
        (" ", "2026-01-05", "姓名"),
    ] {
        let r = register(&mut county, name, since);
        assert_eq!(r.status, 422, "{name} {since}");
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = register(&mut county, "孙专职", "2026-01-05");
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(county.get("/workforce").body.contains("孙专职"));

    // A course, recorded after it ended, then its attendees from its page.
    let r = county.post_form(
        "/workforce/courses",
        &[
            ("_csrf", &csrf),
            ("title", "全县书记专题培训"),
            ("kind", "thematic"),
            ("starts_on", "2026-06-01"),
            ("ends_on", "2026-06-02"),
            ("hours", "十六"),
            ("place", "县委党校"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("学时"), "{}", r.body);
    let r = county.post_form(
        "/workforce/courses",
        &[
            ("_csrf", &csrf),
            ("title", "全县书记专题培训"),
            ("kind", "thematic"),
            ("starts_on", "2026-06-01"),
            ("ends_on", "2026-06-02"),
            ("hours", "16"),
            ("place", "县委党校"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let href = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let course = county.get(&href);
    assert_eq!(course.status, 200);
    let offered = between(&course.body, "name=\"person\" value=\"");
    assert!(offered.len() >= 2, "secretaries and the worker offered");
    assert!(
        offered.iter().any(|p| p.starts_with("w-")),
        "the worker offered"
    );
    let chosen: Vec<&str> = offered.iter().copied().take(2).collect();
    let mut form = vec![("_csrf", csrf.as_str()), ("hours", "")];
    form.extend(chosen.iter().map(|p| ("person", *p)));
    let bad = county.post_form(
        &format!("{href}/attendees"),
        &[("_csrf", &csrf), ("person", "m-1-1")],
    );
    assert_eq!(bad.status, 404, "someone outside the scope is not found");
    let r = county.post_form(&format!("{href}/attendees"), &form);
    assert_eq!(r.status, 303, "{}", r.body);
    let course = county.get(&href);
    assert!(course.body.contains("data-total=\"2\""), "{}", course.body);
    let again = county.post_form(&format!("{href}/attendees"), &form);
    assert_eq!(again.status, 422, "on it already");

    // The worker's 16 学时 count for them, in the list and the API.
    let api = county.get("/api/v1/workforce").json();
    assert_eq!(api["hours_rule"], "workforce.secretary_training_hours@1");
    let sun = api["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "孙专职")
        .expect("the worker listed");
    let worker_on = chosen.iter().any(|p| p.starts_with("w-"));
    assert_eq!(sun["hours_this_year"], if worker_on { 16 } else { 0 });

    // One taken off.
    let remove = between(&course.body, "action=\"/workforce/courses/")
        .into_iter()
        .find(|a| a.ends_with("/remove"))
        .map(|a| format!("/workforce/courses/{a}"))
        .unwrap();
    let r = county.post_form(&remove, &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(county.get(&href).body.contains("data-total=\"1\""));

    // A branch of the county sees its own page, not the county's course.
    let mut sec = app.signed_in("secretary");
    assert_eq!(sec.get("/workforce").status, 200);
    assert_eq!(sec.get(&href).status, 404);
    assert!(!sec.get("/workforce").body.contains("孙专职"));

    // Each list opens with its total, and its export holds as many rows.
    for show in ["vacant", "short"] {
        let page = county.get(&format!("/workforce?show={show}"));
        assert_eq!(page.status, 200);
        let total = stated_total(&page.body);
        let csv = county.get(&format!("/workforce.csv?show={show}"));
        assert_eq!(csv.status, 200);
        let rows = csv.body.lines().count() as u64 - 1;
        assert_eq!(rows, total, "{show}: the export holds the rows listed");
    }
    assert_eq!(county.get("/workforce?show=everyone").status, 422);
}
