//! 党性体检 on pages: the member writes their self-examination against the checklist, the
//! branch reviews it, and the 民主评议 round shows it as reference.

use super::*;

fn refs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, x)| (k.as_str(), x.as_str())).collect()
}

#[test]
fn a_member_writes_their_checkup_and_the_branch_reviews_it() {
    let app = app();
    let mut store = app.store();
    let me = store.user_by_username("member").unwrap().unwrap();
    let page = format!(
        "/members/{}/{}/checkup",
        me.member_county.unwrap(),
        me.member_id.unwrap()
    );
    let year = chrono::Datelike::year(&liangxin_web::today()).to_string();
    let mut member = app.signed_in("member");
    assert!(member.get("/").body.contains(&page), "the home links it");
    let form = member.get(&page);
    assert_eq!(form.status, 200, "{}", form.body);
    for area in [
        "理想信念",
        "党规党纪",
        "宗旨意识",
        "组织观念",
        "担当作为",
        "道德品行",
    ] {
        assert!(form.body.contains(area), "{area}");
    }
    assert!(
        form.body.contains("checkup.area.ideals"),
        "each area names its rule"
    );
    let csrf = form.csrf();
    let areas = [
        "ideals",
        "discipline",
        "purpose",
        "organization",
        "responsibility",
        "conduct",
    ];
    let mut fields: Vec<(String, String)> = vec![
        ("_csrf".into(), csrf.clone()),
        ("year".into(), year.clone()),
    ];
    for a in areas {
        fields.push((format!("f_{a}"), format!("{a} 自查情况良好")));
        fields.push((format!("p_{a}"), String::new()));
        fields.push((format!("r_{a}"), String::new()));
        fields.push((format!("d_{a}"), String::new()));
    }
    // A problem without its rectification: the field named, nothing written.
    let mut bad = fields.clone();
    bad.retain(|(k, _)| k != "p_ideals");
    bad.push(("p_ideals".into(), "理论学习不够系统".into()));
    let r = member.post_form(&page, &refs(&bad));
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("整改措施"), "{}", r.body);
    assert!(
        r.body.contains("理论学习不够系统"),
        "what was typed is kept"
    );
    assert!(member.get(&page).body.contains("尚未自查"));
    // With the rectification it is written.
    let mut good = bad.clone();
    good.retain(|(k, _)| k != "r_ideals" && k != "d_ideals");
    good.push(("r_ideals".into(), "每月精读一篇重要文章".into()));
    good.push((
        "d_ideals".into(),
        format!("{}-12-31", year.parse::<i32>().unwrap() + 1),
    ));
    let r = member.post_form(&page, &refs(&good));
    assert_eq!(r.status, 303, "{}", r.body);
    let mine = member.get(&page);
    assert!(mine.body.contains("已自查，待支部评议"));
    assert!(mine.body.contains("每月精读一篇重要文章"));
    assert!(!mine.body.contains("提交评议"), "a member does not review");
    let r = member.post_form(
        &format!("{page}/review"),
        &[("_csrf", &csrf), ("year", &year), ("review", "好")],
    );
    assert_eq!(r.status, 403);

    // The county (the branch's level or above) finds it waiting, and reviews it once.
    let mut county = app.signed_in("longyou");
    let key = liangxin_domain::registry::Key {
        county: me.member_county.unwrap(),
        id: me.member_id.unwrap(),
    };
    let view = store
        .member(&liangxin_store::Scope::everything(), key)
        .unwrap()
        .unwrap();
    let roll = format!(
        "/party-orgs/{}/{}/checkups",
        view.party_org.county, view.party_org.id
    );
    let listed = county.get(&roll);
    assert_eq!(listed.status, 200, "{}", listed.body);
    let line = listed
        .body
        .split("<tr>")
        .find(|l| l.contains(&view.name))
        .unwrap_or_else(|| panic!("{}", listed.body));
    assert!(line.contains("待评议"), "{line}");
    assert!(
        county.get("/").body.contains("党性体检待支部评议"),
        "the county's 待办 counts it"
    );
    assert_eq!(county.get(&format!("{roll}?year=1900")).status, 422);
    let seen = county.get(&page);
    assert!(seen.body.contains("提交评议"), "{}", seen.body);
    let csrf = seen.csrf();
    let r = county.post_form(
        &format!("{page}/review"),
        &[("_csrf", &csrf), ("year", &year), ("review", " ")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("评议意见"));
    let r = county.post_form(
        &format!("{page}/review"),
        &[
            ("_csrf", &csrf),
            ("year", &year),
            ("review", "查摆问题实在，措施具体"),
            ("n_ideals", "支部每季度了解进度"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let done = member.get(&page);
    assert!(done.body.contains("支部已评议"));
    assert!(done.body.contains("查摆问题实在，措施具体"));
    assert!(done.body.contains("支部每季度了解进度"));
    assert!(
        !done.body.contains("提交自查"),
        "nothing changes after the review"
    );
    let r = member.post_form(&page, &refs(&good));
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(app.signed_in("instructor").get(&page).status, 403);
    let line = county.get(&roll).body;
    let line = line.split("<tr>").find(|l| l.contains(&view.name)).unwrap();
    assert!(line.contains("已评议"), "{line}");
}
