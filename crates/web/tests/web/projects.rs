//! 项目领办清单 on pages: a branch secretary takes on a project with its 节点 (bad input
//! refused with its field named), completes a 节点 with its evidence, notes progress and
//! closes it; the county reads it in the API; the lists open with their totals and the
//! exports hold the same rows.

use super::*;

fn actions(body: &str) -> Vec<String> {
    body.split("action=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_secretary_takes_on_a_project_and_follows_it_to_its_result() {
    let app = app();
    let mut sec = app.signed_in("secretary");
    let page = sec.get("/projects");
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.csrf();
    let own = page
        .body
        .split("name=\"party_org\" required maxlength=\"30\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the branch's own code filled in")
        .to_owned();
    let take_on = |c: &mut common::Client, due: &str, milestones: &str| {
        c.post_form(
            "/projects",
            &[
                ("_csrf", &csrf),
                ("party_org", &own),
                ("title", "书记领办：车间党员先锋岗"),
                ("goal", "每个车间设党员先锋岗，年内解决生产难题5项"),
                ("due_on", due),
                ("milestones", milestones),
            ],
        )
    };
    for (due, milestones, field) in [
        ("2020-01-01", "2027-01-31 设岗", "完成时限"),
        ("2027-06-30", "下个月 设岗", "节点"),
        ("2027-06-30", "", "节点"),
        ("2027-06-30", "2027-07-31 设岗", "节点"),
    ] {
        let r = take_on(&mut sec, due, milestones);
        assert_eq!(r.status, 422, "{due} {milestones}");
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = take_on(
        &mut sec,
        "2027-06-30",
        "2027-01-31 各车间设党员先锋岗\n2027-05-31 解决生产难题5项",
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let href = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let project = sec.get(&href);
    assert_eq!(project.status, 200);
    assert!(project.body.contains("data-total=\"2\""), "two 节点");
    let done = actions(&project.body)
        .into_iter()
        .find(|a| a.ends_with("/done"))
        .expect("a 节点 to complete");
    let r = sec.post_form(&done, &[("_csrf", &csrf), ("evidence", " ")]);
    assert_eq!(r.status, 422);
    assert!(r.body.contains("完成情况和佐证"), "{}", r.body);
    let r = sec.post_form(
        &done,
        &[("_csrf", &csrf), ("evidence", "3个车间设岗，名单附后")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = sec.post_form(
        &format!("{href}/notes"),
        &[("_csrf", &csrf), ("note", "先锋岗解决了2项难题")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = sec.post_form(
        &format!("{href}/close"),
        &[
            ("_csrf", &csrf),
            ("outcome", "done"),
            ("result", "解决难题5项"),
        ],
    );
    assert_eq!(r.status, 422, "an unknown outcome");
    assert!(r.body.contains("结项情况"), "{}", r.body);
    let r = sec.post_form(
        &format!("{href}/close"),
        &[
            ("_csrf", &csrf),
            ("outcome", "achieved"),
            ("result", "解决难题5项"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = sec.post_form(
        &format!("{href}/notes"),
        &[("_csrf", &csrf), ("note", "结项后")],
    );
    assert_eq!(r.status, 422, "closed");

    // The county reads it, closed, with its 节点.
    let mut county = app.signed_in("longyou");
    let api = county.get("/api/v1/projects").json();
    let p = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "书记领办：车间党员先锋岗")
        .expect("the branch's project")
        .clone();
    assert_eq!(p["state"], "closed");
    assert_eq!(p["outcome"], "achieved");
    assert_eq!(p["milestones"][0]["evidence"], "3个车间设岗，名单附后");
    assert_eq!(county.get(&href).status, 200);

    // Each list opens with its total, and its export holds as many rows.
    for show in ["", "late"] {
        let page = county.get(&format!("/projects?show={show}"));
        assert_eq!(page.status, 200);
        let total = stated_total(&page.body);
        let csv = county.get(&format!("/projects.csv?show={show}"));
        assert_eq!(csv.status, 200);
        let rows = csv.body.lines().count() as u64 - 1;
        assert_eq!(rows, total, "{show}: the export holds the rows listed");
    }
    assert_eq!(county.get("/projects?show=everyone").status, 422);
    assert_eq!(county.get("/api/v1/projects?show=everyone").status, 422);
    for garbage in ["year=abc", "year=1900", "page=0"] {
        assert_eq!(
            county.get(&format!("/projects?{garbage}")).status,
            422,
            "{garbage}"
        );
    }
    assert_eq!(county.get("/api/v1/projects?year=abc").status, 422);
}
