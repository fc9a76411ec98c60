//! A town's profile on pages: its 党工委 answered by the records, the 五个一 it enters with
//! evidence, a bad entry refused with its field named.

use super::*;

#[test]
fn a_county_fills_in_a_towns_five_tasks_and_the_records_fill_the_committee() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("hongmu").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let zone = scope.zone.expect("红木小镇's account leads a zone");
    let page = format!("/zones/{zone}");
    let mut county = app.signed_in("longyou");
    assert!(
        county
            .get("/zones")
            .body
            .contains(&format!("href=\"{page}\"")),
        "the list links the profile"
    );
    let shown = county.get(&page);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("一个党工委"));
    assert!(
        shown.body.contains("平台从记录计算"),
        "the committee from the records"
    );
    let csrf = shown.csrf();
    let post = |c: &mut common::Client, csrf: &str, state: &str, evidence: &str| {
        c.post_form(
            &format!("{page}/items"),
            &[
                ("_csrf", csrf),
                ("item", "five.brand"),
                ("state", state),
                ("evidence", evidence),
            ],
        )
    };
    let r = post(&mut county, &csrf, "finished", "有");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("状态"), "{}", r.body);
    let r = post(&mut county, &csrf, "done", " ");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("佐证"), "{}", r.body);
    let r = county.post_form(
        &format!("{page}/items"),
        &[
            ("_csrf", &csrf),
            ("item", "five.committee"),
            ("state", "done"),
            ("evidence", "自报"),
        ],
    );
    assert_eq!(r.status, 422, "the records' item is not entered");
    let r = post(
        &mut county,
        &csrf,
        "done",
        "“红木匠心”党建品牌，2026年市级示范",
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let done = county.get(r.header("location").unwrap());
    assert!(done.body.contains("红木匠心"), "{}", done.body);
    assert!(done.body.contains("清单项目已更新"));
    let api = county.get(&format!("/api/v1/zones/{zone}/profile"));
    assert_eq!(api.status, 200, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let five = v["five"].as_array().unwrap();
    let of = |code: &str| five.iter().find(|i| i["code"] == code).unwrap().clone();
    assert_eq!(of("five.brand")["state"], "done");
    assert_eq!(of("five.committee")["by_records"], true);
    assert!(
        of("five.center")["rule"]["key"]
            .as_str()
            .unwrap()
            .starts_with("town.five.")
    );
    // The town's own committee sees it and may enter its items too.
    let mut town = app.signed_in("hongmu");
    let own = town.get(&page);
    assert_eq!(own.status, 200);
    assert!(own.body.contains("红木匠心"));
}
