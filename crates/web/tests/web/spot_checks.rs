//! 随机抽查 on pages: a county publishes a round (bad input refused with its field named),
//! draws it, finds the register of the day still redraws it, inspects what was drawn,
//! demands a rectification and accepts it; the sample exports and the API gives the same.

use super::*;

fn form_value(body: &str, name: &str) -> String {
    body.split(&format!("name=\"{name}\" value=\""))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_else(|| panic!("no {name} in the page"))
        .to_owned()
}

#[test]
fn a_county_publishes_draws_inspects_and_closes_a_spot_check() {
    let app = app();
    let mut county = app.signed_in("longyou");
    let page = county.get("/spot-checks");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("公布新一轮抽查"),
        "a committee publishes"
    );
    let csrf = page.csrf();
    let today = liangxin_web::today().to_string();
    let publish = |c: &mut common::Client, size: &str, seed: &str, as_of: &str| {
        c.post_form(
            "/spot-checks",
            &[
                ("_csrf", &csrf),
                ("title", "龙游县两新党组织季度随机抽查"),
                ("of", "party_orgs"),
                ("by", "kind"),
                ("size", size),
                ("seed", seed),
                ("as_of", as_of),
            ],
        )
    };
    for (size, seed, as_of, field) in [
        ("0", "42", "", "抽取数量"),
        ("x", "42", "", "抽取数量"),
        ("5", "-1", "", "随机种子"),
        ("5", "1234567890123456789", "", "随机种子"),
        ("5", "42", "2999-01-01", "名录日期"),
    ] {
        let r = publish(&mut county, size, seed, as_of);
        assert_eq!(r.status, 422, "{size} {seed} {as_of}");
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = publish(&mut county, "5", "20261205", &today);
    assert_eq!(r.status, 303, "{}", r.body);
    let round = r
        .header("location")
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let shown = county.get(&round);
    assert_eq!(shown.status, 200);
    assert!(shown.body.contains("20261205"), "the seed is published");
    assert!(shown.body.contains("尚未抽取"));
    assert!(
        shown
            .body
            .contains("liangxin spot-check --seed 20261205 --size 5 --of party-orgs --by kind"),
        "the command that redraws it"
    );

    let r = county.post_form(&format!("{round}/draw"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let drawn = county.get(&round);
    assert!(drawn.body.contains("复核一致"), "{}", drawn.body);
    let again = county.post_form(&format!("{round}/draw"), &[("_csrf", &csrf)]);
    assert_eq!(again.status, 422, "drawn once");
    assert!(again.body.contains("不能重抽"));

    // The API gives the same sample; the command line would redraw it from the seed.
    let (c, i) = {
        let mut parts = round.trim_start_matches("/spot-checks/").split('/');
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        )
    };
    let api = county.get(&format!("/api/v1/spot-checks/{c}/{i}"));
    assert_eq!(api.status, 200, "{}", api.body);
    let v = api.json();
    let sample = v["sample"].as_array().unwrap();
    assert_eq!(sample.len(), 5);
    for item in sample {
        assert!(drawn.body.contains(item["name"].as_str().unwrap()));
        assert_eq!(item["rank"].as_str().unwrap().len(), 64);
    }
    assert_eq!(v["round"]["state"], "检查中");

    // Inspect the first with a problem: the note is required; then the rest pass.
    let inspect = |c: &mut common::Client, seq: i64, result: &str, note: &str| {
        c.post_form(
            &format!("{round}/inspect"),
            &[
                ("_csrf", &csrf),
                ("seq", &seq.to_string()),
                ("on", &today),
                ("inspectors", "县委组织部 张三"),
                ("result", result),
                ("note", note),
            ],
        )
    };
    let r = inspect(&mut county, 1, "issues", "");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("检查情况"), "{}", r.body);
    assert_eq!(
        inspect(&mut county, 1, "issues", "组织生活记录缺两个月").status,
        303
    );
    for seq in 2..=5 {
        assert_eq!(inspect(&mut county, seq, "passed", "").status, 303);
    }
    let later = (liangxin_web::today() + chrono::Days::new(30)).to_string();
    let r = county.post_form(
        &format!("{round}/findings"),
        &[
            ("_csrf", &csrf),
            ("seq", "1"),
            ("problem", "支委会记录缺失"),
            ("demand", "一个月内补齐并按月召开"),
            ("deadline", "明天"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("整改时限"), "{}", r.body);
    let r = county.post_form(
        &format!("{round}/findings"),
        &[
            ("_csrf", &csrf),
            ("seq", "1"),
            ("problem", "支委会记录缺失"),
            ("demand", "一个月内补齐并按月召开"),
            ("deadline", &later),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = county.get(&round);
    assert!(page.body.contains("整改中"));
    let list = county.get("/spot-checks");
    assert!(
        list.body.contains("对本范围党组织提出的整改要求")
            && list.body.contains("一个月内补齐并按月召开"),
        "the drawn organization's county sees what it must do"
    );
    let finding = form_value(&page.body, "finding");
    let r = county.post_form(
        &format!("{round}/close"),
        &[
            ("_csrf", &csrf),
            ("finding", &finding),
            ("note", "已补齐，现场核实"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let done = county.get(&round);
    assert!(done.body.contains("已完成"), "{}", done.body);
    assert!(done.body.contains("已补齐，现场核实"));

    let csv = county.get(&format!("{round}/sample.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.body.contains("支委会记录缺失"));
    assert_eq!(
        csv.body.lines().count(),
        1 + 5,
        "the header, one line an item"
    );
    let xlsx = county.get(&format!("{round}/sample.xlsx"));
    assert_eq!(xlsx.status, 200);

    // The city sees the county's round; a branch runs none and sees none.
    let mut city = app.signed_in("city");
    assert!(
        city.get("/spot-checks")
            .body
            .contains("龙游县两新党组织季度随机抽查")
    );
    assert_eq!(city.get(&round).status, 200);
    let mut sec = app.signed_in("secretary");
    let list = sec.get("/spot-checks");
    assert!(!list.body.contains("公布新一轮抽查"));
    assert!(!list.body.contains("龙游县两新党组织季度随机抽查"));
    assert_eq!(sec.get(&round).status, 404);
}
