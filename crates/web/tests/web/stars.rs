//! 双强六好评星 on pages: a branch assesses itself, its town scores it, the county reviews
//! and the city confirms; the record-filled indicators are never a form field.

use super::*;
use liangxin_domain::stars::{Indicator, Source};

fn assessed() -> impl Iterator<Item = Indicator> {
    Indicator::ALL
        .into_iter()
        .filter(|i| i.source() == Source::Assessed)
}

#[test]
fn a_town_scores_a_branchs_stars_the_county_reviews_and_the_city_confirms() {
    let app = app();
    let mut store = app.store();
    // A branch in 红木小镇, whose 党工委 scores it, with a secretary account of its own.
    let town_user = store.user_by_username("hongmu").unwrap().unwrap();
    let town_scope = store.scope_of_user(&town_user).unwrap();
    let (branch, _, branch_name, _) = store
        .party_orgs_in_scope(&town_scope)
        .unwrap()
        .into_iter()
        .find(|(_, _, _, t)| t.is_branch())
        .unwrap();
    let hash = liangxin_web::auth::hash_password(PASSWORD).unwrap();
    store
        .create_user(
            &NewUser {
                username: "hm_secretary",
                display_name: "红木小镇某支部书记",
                password_hash: &hash,
                role: Role::Secretary,
                anchor: Anchor::PartyOrg(branch),
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    let (county, id) = (branch.county, branch.id);
    let history = format!("/party-orgs/{county}/{id}/stars");
    let mut sec = app.signed_in("hm_secretary");
    assert!(
        sec.get(&format!("/party-orgs/{county}/{id}"))
            .body
            .contains("双强六好评星")
    );
    let form = sec.get(&history);
    assert_eq!(form.status, 200);
    assert!(
        !form.body.contains("name=\"p_meetings\""),
        "no field for a record-filled indicator"
    );
    let csrf = form.csrf();
    let year = chrono::Datelike::year(&liangxin_web::today()).to_string();
    let mut fields: Vec<(String, String)> =
        vec![("_csrf".into(), csrf.clone()), ("year".into(), year)];
    for i in assessed() {
        fields.push((format!("p_{}", i.code()), "5".into()));
        fields.push((format!("e_{}", i.code()), format!("{}的材料", i.label())));
    }
    let post = |c: &mut common::Client, path: &str, f: &[(String, String)]| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        c.post_form(path, &pairs)
    };
    let mut bad = fields.clone();
    bad.retain(|(k, _)| k != "p_culture");
    let refused = post(&mut sec, &history, &bad);
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("企业（组织）文化好"),
        "{}",
        refused.body
    );
    let saved = post(&mut sec, &history, &fields);
    assert_eq!(saved.status, 303, "{}", saved.body);
    let assessment = saved
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    // The branch cannot score itself; its town can.
    let mut scores: Vec<(String, String)> = vec![("_csrf".into(), csrf.clone())];
    for i in assessed() {
        scores.push((format!("p_{}", i.code()), "6".into()));
        scores.push((format!("n_{}", i.code()), "现场查看".into()));
    }
    let own = post(&mut sec, &format!("{assessment}/score"), &scores);
    assert_eq!(own.status, 422);
    assert!(own.body.contains("本级不能为自己评分"), "{}", own.body);
    // Where a town's 党工委 stands above the branch, the town scores, not the county.
    let mut county_c = app.signed_in("longyou");
    let c_csrf = county_c.get(&assessment).csrf();
    let mut county_scores = scores.clone();
    county_scores[0].1 = c_csrf.clone();
    let by_county = post(
        &mut county_c,
        &format!("{assessment}/score"),
        &county_scores,
    );
    assert_eq!(by_county.status, 422, "{}", by_county.body);
    let mut town = app.signed_in("hongmu");
    // The town finds it among what waits for it; the county does not, yet.
    let year = chrono::Datelike::year(&liangxin_web::today());
    let waiting = town.get(&format!("/stars?year={year}&step=yours"));
    assert_eq!(waiting.status, 200);
    assert!(waiting.body.contains(&branch_name), "{}", waiting.body);
    assert!(waiting.body.contains(&assessment), "links the assessment");
    let home = town.get("/").body;
    assert!(
        home.contains("双强六好评星待本级办理") && home.contains("/stars?step=yours"),
        "the town's 待办 has it"
    );
    let api = town.get(&format!("/api/v1/stars?year={year}&step=yours"));
    assert_eq!(api.status, 200, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let listed = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("{}", api.body));
    assert_eq!(listed["step"], "self");
    assert_eq!(listed["yours"], true);
    let county_waiting = county_c.get(&format!("/stars?year={year}&step=yours"));
    assert!(
        !county_waiting.body.contains(&branch_name),
        "the town's to score"
    );
    assert_eq!(
        county_c.get("/stars?step=later").status,
        422,
        "an unknown step is named"
    );
    let page = town.get(&assessment);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("name=\"p_production\""),
        "the town scores"
    );
    assert!(page.body.contains("从记录计算"));
    let town_csrf = page.csrf();
    scores[0].1 = town_csrf;
    let scored = post(&mut town, &format!("{assessment}/score"), &scores);
    assert_eq!(scored.status, 303, "{}", scored.body);

    // The county reviews, adjusting one indicator with its reason.
    let page = county_c.get(&assessment);
    assert!(page.body.contains("name=\"r_production\""), "{}", page.body);
    let no_reason = county_c.post_form(
        &format!("{assessment}/review"),
        &[("_csrf", &c_csrf), ("r_production", "3")],
    );
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("写明理由"), "{}", no_reason.body);
    let reviewed = county_c.post_form(
        &format!("{assessment}/review"),
        &[
            ("_csrf", &c_csrf),
            ("r_production", "3"),
            ("note", "营收下滑"),
        ],
    );
    assert_eq!(reviewed.status, 303, "{}", reviewed.body);

    // The city confirms; the history shows the rating and that it is the first.
    let mut city = app.signed_in("city");
    let page = city.get(&assessment);
    assert!(page.body.contains("确认星级"), "{}", page.body);
    let confirmed = city.post_form(&format!("{assessment}/confirm"), &[("_csrf", &page.csrf())]);
    assert_eq!(confirmed.status, 303, "{}", confirmed.body);
    let done = sec.get(&history);
    assert!(done.body.contains("首次评星"), "{}", done.body);
    assert!(done.body.contains("星）") || done.body.contains("不评星"));
    let view = sec.get(&assessment);
    assert!(view.body.contains("营收下滑"));
    assert!(view.body.contains("办理经过"));

    // The city's list counts it by its stars, and the file has it.
    let api = city.get(&format!("/api/v1/stars?year={year}&step=confirmed"));
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let rated = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"].as_i64() == Some(id))
        .unwrap_or_else(|| panic!("{}", api.body));
    assert_eq!(rated["change"], "first");
    let stars = rated["stars"].as_u64().unwrap();
    assert!(v["confirmed_by_stars"][stars as usize].as_u64().unwrap() >= 1);
    let by_stars = city.get(&format!("/stars?year={year}&stars={stars}"));
    assert!(by_stars.body.contains(&branch_name), "{}", by_stars.body);
    let file = city.get(&format!("/stars.xlsx?year={year}&stars={stars}"));
    assert_eq!(file.status, 200);
    assert!(
        file.header("content-type")
            .is_some_and(|t| t.contains("spreadsheetml")),
        "{:?}",
        file.header("content-type")
    );
}
