//! 考核清单 on pages: the city defines an entered criterion (a county may not; bad input
//! names its field), scores a county with evidence and decides its final score apart from
//! the computed one; a county assesses its own towns and not its neighbours; the API and
//! the files say the same.

use super::*;

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> Option<&'a str> {
    body.split(start).nth(1).and_then(|s| s.split(end).next())
}

#[test]
fn the_city_scores_a_county_and_decides_its_final_apart_from_the_computed_score() {
    let app = app();
    let year = chrono::Datelike::year(&liangxin_web::today()).to_string();
    let mut county = app.signed_in("longyou");
    let page = county.get("/assessment");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("各园区小镇"),
        "a county assesses its towns"
    );
    let csrf = page.csrf();
    let criterion = |csrf: &str, points: &str| {
        vec![
            ("_csrf".to_owned(), csrf.to_owned()),
            ("year".to_owned(), year.clone()),
            ("code".to_owned(), "brand_web".to_owned()),
            ("label".to_owned(), "一镇一品党建品牌".to_owned()),
            ("points".to_owned(), points.to_owned()),
            ("guide".to_owned(), "市级品牌满分，县级品牌一半".to_owned()),
            ("source".to_owned(), "两新组织党建工作考核办法".to_owned()),
        ]
    };
    let r = county.post_form("/assessment/criteria", &pairs(&criterion(&csrf, "10")));
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("role=\"alert\">考核指标：考核清单由市级"),
        "{}",
        r.body
    );

    let mut city = app.signed_in("city");
    let page = city.get("/assessment");
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let r = city.post_form("/assessment/criteria", &pairs(&criterion(&csrf, "十")));
    assert_eq!(r.status, 422);
    assert!(r.body.contains("role=\"alert\">分值："), "{}", r.body);
    let r = city.post_form("/assessment/criteria", &pairs(&criterion(&csrf, "10")));
    assert_eq!(r.status, 303, "{}", r.body);
    let page = city.get(r.header("location").unwrap());
    assert_eq!(page.status, 200);
    assert!(page.body.contains("一镇一品党建品牌"));
    assert!(page.body.contains("考核指标已制定"));
    let counties: usize = between(&page.body, "data-total=\"", "\"")
        .unwrap()
        .parse()
        .unwrap();
    assert!(counties > 0);
    let href = between(&page.body, "<a href=\"/assessment/county/", "\"")
        .map(|s| format!("/assessment/county/{}", s.replace("&amp;", "&")))
        .expect("a county's sheet");

    // Scored with evidence, within the criterion's points.
    let sheet = city.get(&href);
    assert_eq!(sheet.status, 200, "{}", sheet.body);
    let action = between(&sheet.body, "action=\"/assessment/county/", "/scores\"")
        .map(|s| format!("/assessment/county/{s}"))
        .unwrap();
    let score = |c: &mut common::Client, points: &str, evidence: &str| {
        c.post_form(
            &format!("{action}/scores"),
            &[
                ("_csrf", &csrf),
                ("year", &year),
                ("criterion", "brand_web"),
                ("points", points),
                ("evidence", evidence),
            ],
        )
    };
    for (points, evidence, says) in [("11", "材料", "不能超过10分"), ("8", "", "评分依据")]
    {
        let r = score(&mut city, points, evidence);
        assert_eq!(r.status, 422, "{points}");
        assert!(r.body.contains(says), "{says}: {}", r.body);
    }
    let r = score(&mut city, "8.5", "创建市级品牌“红木匠心”");
    assert_eq!(r.status, 303, "{}", r.body);
    let sheet = city.get(r.header("location").unwrap());
    assert!(sheet.body.contains("创建市级品牌“红木匠心”"));
    let computed = between(
        &sheet.body,
        "name=\"score\" inputmode=\"decimal\" required maxlength=\"5\" value=\"",
        "\"",
    )
    .expect("the computed score proposed")
    .to_owned();
    assert!(!computed.is_empty(), "every entered criterion is scored");

    // The final: another score wants its reason.
    let decide = |c: &mut common::Client, score: &str, reason: &str| {
        c.post_form(
            &format!("{action}/final"),
            &[
                ("_csrf", &csrf),
                ("year", &year),
                ("score", score),
                ("reason", reason),
            ],
        )
    };
    let r = decide(&mut city, "99.9", "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("应说明理由"), "{}", r.body);
    let r = decide(&mut city, &computed, "");
    assert_eq!(r.status, 303, "{}", r.body);
    let api = city.get("/api/v1/assessment").json();
    let id: i64 = action.rsplit('/').next().unwrap().parse().unwrap();
    let s = api["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap();
    assert_eq!(s["final_score"]["score"], computed.as_str());
    assert_eq!(s["rank"], 1, "the only one decided is first");
    assert_eq!(api["sheets"][0]["id"], id, "listed first");
    assert!(
        api["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["final_score"].is_null())
            .all(|s| s["rank"].is_null()),
        "no place until decided"
    );
    assert_eq!(s["score"], computed.as_str());
    let brand = s["entered"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "brand_web")
        .unwrap();
    assert_eq!(brand["score"], "8.5");
    let csv = city.get("/assessment.csv");
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.lines().count() - 1, counties);
    assert!(csv.body.contains(&computed));
    assert_eq!(city.get("/api/v1/assessment?year=abc").status, 422);

    // Next year's criteria are set before it begins, and shown with nothing assessed.
    let next = (chrono::Datelike::year(&liangxin_web::today()) + 1).to_string();
    let mut ahead = criterion(&csrf, "8");
    ahead[1].1 = next.clone();
    let r = city.post_form("/assessment/criteria", &pairs(&ahead));
    assert_eq!(r.status, 303, "{}", r.body);
    let page = city.get(r.header("location").unwrap());
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("尚未开始"));
    assert!(page.body.contains("data-total=\"0\""));
    assert_eq!(city.get("/assessment/town/1").status, 404);

    // Not a county's to read, nor a secretary's.
    assert_eq!(county.get(&href).status, 404);
    let county_csrf = county.get("/assessment").csrf();
    let r = county.post_form(
        &format!("{action}/scores"),
        &[
            ("_csrf", &county_csrf),
            ("year", &year),
            ("criterion", "brand_web"),
            ("points", "1"),
            ("evidence", "x"),
        ],
    );
    assert_eq!(r.status, 404);
    assert_eq!(app.signed_in("secretary").get("/assessment").status, 403);
}
