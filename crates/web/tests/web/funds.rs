//! 党建经费 on pages: a branch keeps its ledger (a line, a bad one refused with its field
//! named, a reversal, the budget), its county sees it in the roll-up, and the API and the
//! workbook say the same.

use super::*;

#[test]
fn a_branch_keeps_its_party_building_ledger_and_the_county_sees_it_summed() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&user).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let ledger = format!("/party-orgs/{}/{}/funds", branch.key.county, branch.key.id);
    let mut sec = app.signed_in("secretary");
    let page = sec.get(&ledger);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("本年尚无账目"), "a fresh ledger");
    let csrf = page.csrf();
    let today = liangxin_web::today().to_string();
    let line = |amount: &str, kind: &str, note: &str| {
        vec![
            ("_csrf", csrf.clone()),
            ("on", today.clone()),
            ("kind", kind.to_owned()),
            ("amount", amount.to_owned()),
            ("note", note.to_owned()),
            ("evidence", "记字第8号".to_owned()),
        ]
    };
    let post = |c: &mut common::Client, path: &str, f: Vec<(&str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.post_form(path, &pairs)
    };
    for (amount, kind, field) in [
        ("12.345", "receipt:finance", "金额"),
        ("abc", "receipt:finance", "金额"),
        ("0", "receipt:finance", "金额"),
        ("100", "receipt:bogus", "收支类别"),
        ("100", "", "收支类别"),
    ] {
        let r = post(&mut sec, &ledger, line(amount, kind, "县委组织部拨付"));
        assert_eq!(r.status, 422, "{amount} {kind}");
        assert!(r.body.contains(field), "{amount} {kind}: {}", r.body);
    }
    let r = post(
        &mut sec,
        &ledger,
        line("5,000.00", "receipt:finance", "县委组织部拨付"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let r = post(
        &mut sec,
        &ledger,
        line("1200.5", "spending:activities", "主题党日"),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = sec.get(r.header("location").unwrap());
    assert!(shown.body.contains("已记入党建经费账"), "{}", shown.body);
    assert!(
        shown.body.contains("¥3,799.50"),
        "the balance: {}",
        shown.body
    );

    // Reversing the spending: both lines stay, the balance comes back.
    // The reversal form offers each line by its number: the spending's is 组织活动.
    let spent_id: i64 = shown
        .body
        .split("<option value=\"")
        .filter_map(|o| o.split_once("\">"))
        .find(|(_, text)| {
            text.starts_with('第')
                && text
                    .split("</option>")
                    .next()
                    .is_some_and(|t| t.contains("组织活动"))
        })
        .and_then(|(v, _)| v.parse().ok())
        .unwrap_or_else(|| panic!("{}", shown.body));
    let r = post(
        &mut sec,
        &format!("{ledger}/reverse"),
        vec![
            ("_csrf", csrf.clone()),
            ("line", spent_id.to_string()),
            ("reason", " ".to_owned()),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("冲销原因"), "{}", r.body);
    let r = post(
        &mut sec,
        &format!("{ledger}/reverse"),
        vec![
            ("_csrf", csrf.clone()),
            ("line", spent_id.to_string()),
            ("reason", "活动取消".to_owned()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let shown = sec.get(&ledger);
    assert!(shown.body.contains(&format!("冲销第{spent_id}号")));
    assert!(shown.body.contains("¥5,000.00"));

    // The budget.
    let year = chrono::Datelike::year(&liangxin_web::today()).to_string();
    let r = post(
        &mut sec,
        &format!("{ledger}/budget"),
        vec![
            ("_csrf", csrf.clone()),
            ("year", year.clone()),
            ("budget", "-1".to_owned()),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("预算"), "{}", r.body);
    let r = post(
        &mut sec,
        &format!("{ledger}/budget"),
        vec![
            ("_csrf", csrf.clone()),
            ("year", year.clone()),
            ("budget", "8000".to_owned()),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // The county: the roll-up holds the branch's money, the API and the file too.
    let mut county = app.signed_in("longyou");
    let county_user = store.user_by_username("longyou").unwrap().unwrap();
    let county_scope = store.scope_of_user(&county_user).unwrap();
    let root = store.scope_root(&county_scope).unwrap().unwrap().key;
    let up = county.get(&format!("/party-orgs/{}/{}/funds", root.county, root.id));
    assert_eq!(up.status, 200);
    assert!(up.body.contains("合计（含下级）"));
    let api = county.get(&format!(
        "/api/v1/party-orgs/{}/{}/funds",
        root.county, root.id
    ));
    assert_eq!(api.status, 200, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert!(v["all"]["received_fen"].as_i64().unwrap() >= 500_000, "{v}");
    assert!(v["all"]["budget_fen"].as_i64().unwrap() >= 800_000, "{v}");
    let own = sec.get(&format!(
        "/api/v1/party-orgs/{}/{}/funds",
        branch.key.county, branch.key.id
    ));
    let v: serde_json::Value = serde_json::from_str(&own.body).unwrap();
    assert_eq!(v["balance_fen"], 500_000, "{v}");
    assert_eq!(v["own"]["spent_fen"], 0);
    assert_eq!(v["lines"], 3);
    assert_eq!(
        sec.get(&format!(
            "/api/v1/party-orgs/{}/{}/funds?year=1900",
            branch.key.county, branch.key.id
        ))
        .status,
        422
    );
    let (status, kind, bytes) = county.get_bytes(&format!(
        "/party-orgs/{}/{}/funds.xlsx",
        root.county, root.id
    ));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header[0], "党组织");
}
