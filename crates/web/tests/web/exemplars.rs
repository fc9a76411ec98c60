//! 先进典型 on pages: a branch records its own (bad input refused with its field named),
//! the county publishes it, and it shows on its town's page; the API gives the same.

use super::*;

#[test]
fn a_branch_records_an_exemplar_the_county_publishes_it_and_its_town_shows_it() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let code = format!("{}-{}", branch.key.county, branch.key.id);
    let year = chrono::Datelike::year(&liangxin_web::today()).to_string();
    let mut sec = app.signed_in("secretary");
    let page = sec.get("/exemplars");
    assert_eq!(page.status, 200, "{}", page.body);
    let csrf = page.csrf();
    let record = |c: &mut common::Client, kind: &str, org: &str, title: &str, year: &str| {
        c.post_form(
            "/exemplars",
            &[
                ("_csrf", &csrf),
                ("kind", kind),
                ("party_org", org),
                ("member", ""),
                ("title", title),
                ("summary", "组建行业党建联盟，带动12家企业建立党组织"),
                ("evidence", "县委组织部通报（2026年第3期）"),
                ("recognized_by", "中共龙游县委组织部"),
                ("year", year),
            ],
        )
    };
    for (kind, org, title, y, field) in [
        ("organization", code.as_str(), " ", year.as_str(), "名称"),
        ("organization", "12", "红木匠心", year.as_str(), "党组织"),
        ("member", "", "红木匠心", year.as_str(), "党员"),
        ("organization", code.as_str(), "红木匠心", "今年", "年度"),
        (
            "nobody",
            code.as_str(),
            "红木匠心",
            year.as_str(),
            "典型类别",
        ),
    ] {
        let r = record(&mut sec, kind, org, title, y);
        assert_eq!(r.status, 422, "{kind} {org} {title} {y}");
        assert!(r.body.contains(field), "{field}: {}", r.body);
    }
    let r = record(&mut sec, "organization", &code, "“红木匠心”党建品牌", &year);
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = sec.get("/exemplars");
    assert!(mine.body.contains("“红木匠心”党建品牌"));
    assert!(
        !mine.body.contains("action=\"/exemplars/"),
        "a branch does not publish"
    );

    // The county publishes it; the town of the branch shows it.
    let mut county = app.signed_in("longyou");
    let list = county.get("/exemplars");
    let action = list
        .body
        .split("action=\"/exemplars/")
        .find(|s| s.contains("/publish\""))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = county.post_form(&format!("/exemplars/{action}"), &[("_csrf", &list.csrf())]);
    assert_eq!(r.status, 303, "{}", r.body);
    let api = county.get("/api/v1/exemplars");
    let item = api.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "“红木匠心”党建品牌")
        .cloned()
        .unwrap();
    assert!(item["published_on"].is_string());
    // A zone's 党工委 records and publishes one of its joint branches: its page shows it.
    let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
    let zone_scope = store.scope_of_user(&hongmu).unwrap();
    let zone = zone_scope.zone.expect("hongmu leads a zone");
    let joint = store
        .party_orgs_in_scope(&zone_scope)
        .unwrap()
        .into_iter()
        .find(|(_, _, _, t)| *t == liangxin_domain::kinds::PartyOrgType::JointBranch)
        .map(|(k, ..)| format!("{}-{}", k.county, k.id))
        .expect("the zone has a joint branch");
    let mut town_committee = app.signed_in("hongmu");
    let csrf = town_committee.get("/exemplars").csrf();
    let r = town_committee.post_form(
        "/exemplars",
        &[
            ("_csrf", &csrf),
            ("kind", "practice"),
            ("party_org", &joint),
            ("member", ""),
            ("title", "红木小镇“匠心联盟”做法"),
            ("summary", "联合党支部牵头，红木企业党员结对带徒"),
            ("evidence", "市委组织部《衢州组织工作》刊发"),
            ("recognized_by", ""),
            ("year", &year),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let list = town_committee.get("/exemplars");
    let action = list
        .body
        .split("action=\"/exemplars/")
        .find(|s| s.contains("/publish\""))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let r = town_committee.post_form(&format!("/exemplars/{action}"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    let town = town_committee.get(&format!("/zones/{zone}"));
    assert_eq!(town.status, 200);
    assert!(
        town.body.contains("红木小镇“匠心联盟”做法"),
        "shown on its town's page"
    );
    assert!(
        !town.body.contains("“红木匠心”党建品牌"),
        "not another zone's"
    );
    let csv = county.get("/exemplars.csv");
    assert!(csv.body.contains("“红木匠心”党建品牌"));
    let mut city = app.signed_in("city");
    assert!(
        city.get("/exemplars").body.contains("“红木匠心”党建品牌"),
        "seen upward"
    );
}
