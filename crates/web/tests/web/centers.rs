//! 党群服务中心 on pages: a town's committee registers its center (bad input refused with
//! its field named); the secretary of a branch of the county books it and cancels; the
//! center's state is what its records say (运行不足 with no activity); the committee closes it.

use super::*;

#[test]
fn a_town_registers_its_center_a_branch_books_it_and_the_records_judge_it() {
    let app = app();
    let mut town = app.signed_in("hongmu");
    let page = town.get("/centers");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("登记中心"), "{}", page.body);
    let zone = page
        .body
        .split("name=\"zone\" required><option value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("its zone offered")
        .to_owned();
    let csrf = page.csrf();
    let today = liangxin_web::today().to_string();
    let register = |c: &mut common::Client, area: &str, days: &str| {
        c.post_form(
            "/centers",
            &[
                ("_csrf", &csrf),
                ("zone", &zone),
                ("name", "红木小镇党群服务中心"),
                ("address", "红木小镇综合楼二层"),
                ("area_m2", area),
                ("opening_hours", "周一至周六 8:30—17:30"),
                ("open_days_per_week", days),
                ("staff_full_time", "2"),
                ("staff_part_time", "3"),
                ("opened_on", &today),
            ],
        )
    };
    for (area, days, field) in [("大", "6", "面积"), ("800", "9", "每周开放天数")] {
        let r = register(&mut town, area, days);
        assert_eq!(r.status, 422, "{area} {days}");
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = register(&mut town, "800", "6");
    assert_eq!(r.status, 303, "{}", r.body);
    let page = town.get("/centers");
    assert!(page.body.contains("红木小镇党群服务中心"));
    assert!(
        page.body.contains("运行不足"),
        "no activity yet: {}",
        page.body
    );
    let api = town.get("/api/v1/centers").json();
    let item = &api["items"][0];
    assert_eq!(item["running"], false);
    assert_eq!(item["activities"], 0);
    assert_eq!(item["rule"], "center.min_activities_per_month@1");

    // The secretary of a branch of the county books it, then cancels.
    let mut sec = app.signed_in("secretary");
    let page = sec.get("/centers");
    let center = page
        .body
        .split("name=\"center\" required><option value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("the center offered for booking")
        .to_owned();
    let csrf = page.csrf();
    let r = sec.post_form(
        "/centers/bookings",
        &[
            ("_csrf", &csrf),
            ("center", &center),
            ("booked_for", "2020-01-01"),
            ("purpose", "主题党日"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("预约日期"), "{}", r.body);
    let day = (liangxin_web::today() + chrono::Days::new(7)).to_string();
    let r = sec.post_form(
        "/centers/bookings",
        &[
            ("_csrf", &csrf),
            ("center", &center),
            ("booked_for", &day),
            ("purpose", "主题党日"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = sec.get("/centers");
    assert!(page.body.contains("待开展"), "{}", page.body);
    let cancel = page
        .body
        .split("action=\"/centers/bookings/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    // The town's committee does not see the branch's booking (not its organization).
    assert!(!town.get("/centers").body.contains("待开展"));
    let r = sec.post_form(&format!("/centers/bookings/{cancel}"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(sec.get("/centers").body.contains("取消"));

    // The committee closes it.
    let href = town
        .get("/centers")
        .body
        .split("href=\"/centers/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/centers/{s}"))
        .unwrap();
    let one = town.get(&href);
    assert_eq!(one.status, 200);
    assert!(one.body.contains("800平方米"));
    let r = town.post_form(
        &format!("{href}/close"),
        &[("_csrf", &csrf_of(&one.body)), ("closed_on", "2999-01-01")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("停用日期"), "{}", r.body);
    let r = town.post_form(
        &format!("{href}/close"),
        &[("_csrf", &csrf_of(&one.body)), ("closed_on", "")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(town.get(&href).body.contains("停用"));
}

fn csrf_of(body: &str) -> String {
    body.split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned()
}
