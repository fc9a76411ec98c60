//! Personal data: what a masked identity number leaves open, and the audited reveal.

use super::*;

#[test]
fn a_masked_id_with_all_that_is_shown_beside_it_leaves_at_least_100000_numbers() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let today = chrono::Utc::now().date_naive();
    // The member admitted longest ago on the API's first page: the 18-year rule bounds
    // their birth date the most.
    let api = c.get("/api/v1/members").json();
    let member = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .min_by_key(|m| m["joined_on"].as_str().unwrap().to_owned())
        .unwrap()
        .clone();
    let (county, id) = (
        member["county"].as_i64().unwrap(),
        member["id"].as_i64().unwrap(),
    );
    let href = format!("/members/{county}/{id}");
    let mut shown = Shown::new();
    for (field, value) in member.as_object().unwrap() {
        let value = match value {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => continue,
            other => other.to_string(),
        };
        shown.learn(field, &value);
    }
    // The member's page.
    let page = c.get(&href);
    assert_eq!(page.status, 200);
    let facts = page.body.split("<dl class=\"facts\">").nth(1).unwrap();
    let facts = facts.split("</dl>").next().unwrap();
    for pair in facts.split("<dt>").skip(1) {
        let (field, rest) = pair.split_once("</dt><dd>").unwrap();
        let value = rest.split("</dd>").next().unwrap();
        shown.learn(field, &text_of(value));
    }
    // The branch's list, and its export.
    let party_org = format!("{county}-{}", member["party_org_id"]);
    let list = c.get(&format!("/members?party_org={party_org}"));
    let row = list
        .body
        .split("<tr>")
        .find(|r| r.contains(&format!("href=\"{href}\"")))
        .unwrap();
    for cell in row.split("<td data-label=\"").skip(1) {
        let (field, rest) = cell.split_once("\">").unwrap();
        shown.learn(field, &text_of(rest.split("</td>").next().unwrap()));
    }
    let csv = c.get(&format!("/members.csv?party_org={party_org}"));
    let mut lines = csv.body.trim_start_matches('\u{feff}').split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let name = member["name"].as_str().unwrap();
    let joined = member["joined_on"].as_str().unwrap();
    let line = lines
        .find(|l| l.starts_with(&format!("{name},")) && l.contains(joined))
        .unwrap();
    for (field, value) in header.iter().zip(line.split(',')) {
        shown.learn(field, value);
    }
    let count = shown.candidates(today);
    eprintln!("{count} resident IDs agree with what is shown of member {href}");
    assert!(
        count >= 100_000,
        "{count} resident IDs agree with what is shown of member {href}"
    );
    // The count itself bites: the old masked form (region and the last four) beside the
    // birth year left a few dozen, the true number among them.
    let old = liangxin_domain::resident_id::ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1950, 5, 6).unwrap(),
        123,
    )
    .unwrap();
    let mut then = Shown::new();
    then.learn(
        "公民身份号码",
        &format!("{}********{}", &old.expose()[..6], &old.expose()[14..]),
    );
    then.learn("性别", "男");
    then.learn("出生年份", "1950");
    then.learn("入党时间", "1975-07-01");
    let few = then.candidates(today);
    assert!((1..100).contains(&few), "{few}");
}

#[test]
fn the_full_id_is_shown_on_request_to_the_members_own_staff_and_logged() {
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let key = store
        .members_page(&scope, &MemberFilter::default(), 0, 1)
        .unwrap()[0]
        .key;
    let expected = store
        .reveal_resident_id("test", &scope, key)
        .unwrap()
        .expose()
        .to_owned();
    let href = format!("/members/{}/{}", key.county, key.id);
    let mut c = app.signed_in("secretary");
    let page = c.get(&href);
    assert!(!page.body.contains(&expected));
    let action = format!("{href}/resident-id");
    assert!(page.body.contains(&format!("action=\"{action}\"")));
    let csrf = page.csrf();
    let left = store
        .confirmations_left(&format!("user:{}", secretary.id))
        .unwrap();
    let shown = c.post_form(&action, &[("_csrf", &csrf)]);
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains(&expected));
    assert!(shown.body.contains("已记入审计日志"));
    assert!(
        shown
            .body
            .contains(&format!("今日还可查看或核实 {} 个", left - 1))
    );
    let entries = store.audit_entries("member", key.county, key.id).unwrap();
    assert!(
        entries.iter().any(
            |e| e.action == "reveal_resident_id" && e.actor == format!("user:{}", secretary.id)
        ),
        "{entries:?}"
    );
    // Without the form's token, nothing is shown; a county that does not hold the member
    // finds no such member.
    assert_eq!(c.post_form(&action, &[("_csrf", "x")]).status, 403);
    let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
    let elsewhere = store.scope_of_user(&hongmu).unwrap();
    assert!(store.member(&elsewhere, key).unwrap().is_none());
    let mut other = app.signed_in("hongmu");
    let csrf = other.get("/account/password").csrf();
    let refused = other.post_form(&action, &[("_csrf", &csrf)]);
    assert_eq!(refused.status, 404);
    assert!(!refused.body.contains(&expected));
}
