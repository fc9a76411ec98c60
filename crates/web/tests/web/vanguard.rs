//! 先锋指数 on pages: the branch enters a record with its evidence, and the member sees
//! their index with every point explained; no one else's.

use super::*;

#[test]
fn a_member_sees_their_vanguard_index_with_every_point_explained() {
    let app = app();
    let mut store = app.store();
    let me = store.user_by_username("member").unwrap().unwrap();
    let key = format!("{}/{}", me.member_county.unwrap(), me.member_id.unwrap());
    let page = format!("/members/{key}/vanguard");
    // The member's branch, or above, enters the record.
    let mut county = app.signed_in("longyou");
    let form = county.get(&page);
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.csrf();
    let missing = county.post_form(
        &page,
        &[
            ("_csrf", &csrf),
            ("kind", "volunteer"),
            ("on", "2026-06-01"),
            ("title", "社区义诊"),
        ],
    );
    assert_eq!(missing.status, 422);
    assert!(missing.body.contains("佐证"), "{}", missing.body);
    let day = (liangxin_web::today() - chrono::Days::new(3)).to_string();
    let saved = county.post_form(
        &page,
        &[
            ("_csrf", &csrf),
            ("kind", "volunteer"),
            ("on", &day),
            ("title", "社区义诊志愿服务"),
            ("evidence", "社区党委出具的证明"),
        ],
    );
    assert_eq!(saved.status, 303, "{}", saved.body);

    // The member reads it: the band, the total, and the fact that earned the points.
    let mut member = app.signed_in("member");
    assert!(
        member.get("/").body.contains(&page),
        "the home links the index"
    );
    let mine = member.get(&page);
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains("每一分的来历"));
    assert!(mine.body.contains("社区义诊志愿服务"));
    assert!(
        mine.body.contains("+2"),
        "a volunteer service is 2 points by the rules"
    );
    assert!(mine.body.contains("档次"));
    let year = chrono::Datelike::year(&liangxin_web::today());
    let q1 = member.get(&format!("{page}?year={year}&quarter=1"));
    assert_eq!(q1.status, 200);
    assert!(
        q1.body.contains(&format!("{year}年第1季度")),
        "a quarter of the year"
    );
    assert!(q1.body.contains("四分之一"));
    let bad = member.get(&format!("{page}?quarter=9"));
    assert!(
        bad.body.contains(&format!("{year}年度")),
        "a quarter out of range shows the year"
    );
    assert!(
        !mine.body.contains("登记记录"),
        "a member does not enter records"
    );
    // The branch withdraws it as entered in error: it stays listed and counts no more.
    let record: String = county
        .get(&page)
        .body
        .split("name=\"record\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let before = county.get(&page);
    assert!(before.body.contains(&format!("href=\"#record-{record}\"")));
    let csrf = before.csrf();
    let r = county.post_form(
        &format!("{page}/withdraw"),
        &[("_csrf", &csrf), ("record", &record), ("reason", " ")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("撤销理由"));
    let r = county.post_form(
        &format!("{page}/withdraw"),
        &[
            ("_csrf", &csrf),
            ("record", &record),
            ("reason", "活动未举办，录入有误"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = member.get(&page);
    assert!(mine.body.contains("撤销：活动未举办，录入有误"));
    assert!(
        !mine.body.contains(&format!("href=\"#record-{record}\"")),
        "no point links to it any more"
    );
    // Not another's, and no entering.
    let longyou = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou).unwrap();
    let other = store
        .members_page(&longyou, &MemberFilter::default(), 0, 5)
        .unwrap()
        .into_iter()
        .find(|m| Some(m.key.id) != me.member_id)
        .unwrap();
    let r = member.get(&format!(
        "/members/{}/{}/vanguard",
        other.key.county, other.key.id
    ));
    assert_eq!(r.status, 404);
    let csrf_m = mine.csrf();
    let r = member.post_form(&page, &[("_csrf", &csrf_m), ("kind", "reward")]);
    assert_eq!(r.status, 403);
    let mut instructor = app.signed_in("instructor");
    assert_eq!(instructor.get(&page).status, 403);
}

#[test]
fn a_county_sees_its_members_by_band_with_no_name_and_opens_a_town_below() {
    let app = app();
    let mut store = app.store();
    let longyou = store.user_by_username("longyou").unwrap().unwrap();
    let root = format!(
        "/party-orgs/{}/{}/vanguard",
        longyou.party_org_county.unwrap(),
        longyou.party_org_id.unwrap()
    );
    let scope = store.scope_of_user(&longyou).unwrap();
    let named = store
        .members_page(&scope, &MemberFilter::default(), 0, 5)
        .unwrap();
    let mut county = app.signed_in("longyou");
    let page = county.get(&root);
    assert_eq!(page.status, 200, "{}", page.body);
    for h in [
        "合计",
        "优秀",
        "良好",
        "一般",
        "较差",
        "vanguard.band.excellent",
    ] {
        assert!(page.body.contains(h), "{h}");
    }
    for m in &named {
        assert!(
            !page.body.contains(&m.name),
            "no member is named: {}",
            m.name
        );
    }
    // A county has hundreds of organizations below: a page shows fifty of them.
    let below_rows = page.body.matches("/vanguard?year=").count();
    assert!((1..=50).contains(&below_rows), "{below_rows}");
    if page.body.contains("下一页") {
        let next = county.get(&format!("{root}?page=2"));
        assert_eq!(next.status, 200);
        assert!(next.body.contains("第 2 /"));
    }
    // A row below links to that organization's own distribution, which opens.
    let below = page
        .body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .find(|h| h.contains("/vanguard?year=") && !h.starts_with(&root))
        .expect("a link below")
        .replace("&amp;", "&");
    assert_eq!(county.get(&below).status, 200);
    // The organization's page links here; a member and an instructor are refused.
    let org = root.trim_end_matches("/vanguard");
    assert!(county.get(org).body.contains(&root));
    assert_eq!(app.signed_in("member").get(&root).status, 403);
    assert_eq!(app.signed_in("instructor").get(&root).status, 403);
}
