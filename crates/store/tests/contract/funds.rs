//! 党建经费: a ledger kept by the organization or above, lines never changed but reversed
//! once by a new line, a budget beside them, and the subtree summed by the organizations
//! below.

use super::*;
use liangxin_domain::kinds::{FundSource, FundUse};
use liangxin_domain::money::Fen;
use liangxin_store::funds::{FundKind, NewFundLine};

fn line(party_org: Key, on: NaiveDate, kind: FundKind, yuan: i64) -> NewFundLine {
    NewFundLine {
        party_org,
        booked_on: on,
        kind,
        amount: Fen::new(yuan * 100),
        note: "摘要".into(),
        evidence: "记字第1号".into(),
    }
}

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn a_ledger_keeps_receipts_and_spending_reverses_errors_and_sums_the_subtree(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let own = scope_of(&mut store, c.joint);
    let other = scope_of(&mut store, c.kecheng);
    let finance = FundKind::Receipt(FundSource::Finance);
    let activities = FundKind::Spending(FundUse::Activities);

    // Bad input names its field and writes nothing.
    let bad = |store: &mut Store, scope: &Scope, l: NewFundLine| {
        field(store.record_fund_line("t", scope, TODAY, &l).unwrap_err())
    };
    assert_eq!(
        bad(&mut store, &own, line(c.joint, TODAY, finance, 0)),
        "金额"
    );
    assert_eq!(
        bad(&mut store, &own, line(c.joint, TODAY, finance, -5)),
        "金额"
    );
    let tomorrow = TODAY + chrono::Days::new(1);
    assert_eq!(
        bad(&mut store, &own, line(c.joint, tomorrow, finance, 5)),
        "日期"
    );
    let mut no_note = line(c.joint, TODAY, finance, 5);
    no_note.note = " ".into();
    assert_eq!(bad(&mut store, &own, no_note), "摘要");
    assert_eq!(
        bad(&mut store, &other, line(c.joint, TODAY, finance, 5)),
        "党组织"
    );
    let member = Scope {
        member: Some(Key { county: LYX, id: 1 }),
        ..own.clone()
    };
    assert_eq!(
        bad(&mut store, &member, line(c.joint, TODAY, finance, 5)),
        "党组织"
    );
    assert!(
        store
            .fund_ledger(&own, c.joint, 2026)
            .unwrap()
            .lines
            .is_empty()
    );

    // Last year's money carries over; this year's lines sum by source and use.
    store
        .record_fund_line(
            "t",
            &county,
            TODAY,
            &line(c.joint, d(2025, 6, 1), finance, 200),
        )
        .unwrap();
    store
        .record_fund_line(
            "sec",
            &own,
            TODAY,
            &line(c.joint, d(2026, 3, 1), finance, 1000),
        )
        .unwrap();
    let dues = FundKind::Receipt(FundSource::Dues);
    store
        .record_fund_line("sec", &own, TODAY, &line(c.joint, d(2026, 4, 1), dues, 150))
        .unwrap();
    let spent = store
        .record_fund_line(
            "sec",
            &own,
            TODAY,
            &line(c.joint, d(2026, 5, 1), activities, 300),
        )
        .unwrap();
    let ledger = store.fund_ledger(&own, c.joint, 2026).unwrap();
    assert_eq!(ledger.carried, Fen::new(20_000));
    assert_eq!(ledger.totals.received(), Fen::new(115_000));
    assert_eq!(ledger.totals.receipts[0], Fen::new(100_000), "财政专项");
    assert_eq!(
        ledger.totals.receipts[1],
        Fen::new(15_000),
        "党费返还或下拨"
    );
    assert_eq!(ledger.totals.spent(), Fen::new(30_000));
    assert_eq!(ledger.balance(), Fen::new(105_000));
    assert_eq!(ledger.lines.len(), 3);

    // An error is reversed by a new line, once; a reversal is not reversed.
    assert_eq!(
        field(
            store
                .reverse_fund_line("sec", &own, TODAY, c.joint, spent, " ")
                .unwrap_err()
        ),
        "冲销原因"
    );
    let reversal = store
        .reverse_fund_line("sec", &own, TODAY, c.joint, spent, "金额记错")
        .unwrap();
    assert!(
        store
            .reverse_fund_line("sec", &own, TODAY, c.joint, spent, "再冲")
            .is_err(),
        "once"
    );
    assert!(
        store
            .reverse_fund_line("sec", &own, TODAY, c.joint, reversal, "冲冲销")
            .is_err(),
        "a reversal stands"
    );
    assert!(
        store
            .reverse_fund_line("t", &other, TODAY, c.joint, spent, "越权")
            .is_err(),
        "never sideways"
    );
    let ledger = store.fund_ledger(&own, c.joint, 2026).unwrap();
    assert_eq!(ledger.totals.spent(), Fen::ZERO);
    assert_eq!(ledger.lines.len(), 4, "both lines stay");
    let original = ledger.lines.iter().find(|l| l.key == spent).unwrap();
    assert_eq!(original.reversed_by, Some(reversal.id));
    let back = ledger.lines.iter().find(|l| l.key == reversal).unwrap();
    assert_eq!(
        (back.amount, back.reverses),
        (Fen::new(-30_000), Some(spent.id))
    );

    // The budget: set, reset, audited; bounded years; not negative.
    store
        .set_fund_budget("t", &county, TODAY, c.joint, 2026, Fen::new(200_000))
        .unwrap();
    store
        .set_fund_budget("t", &county, TODAY, c.joint, 2026, Fen::new(250_000))
        .unwrap();
    assert_eq!(
        field(
            store
                .set_fund_budget("t", &county, TODAY, c.joint, 2020, Fen::new(1))
                .unwrap_err()
        ),
        "年度"
    );
    assert_eq!(
        field(
            store
                .set_fund_budget("t", &county, TODAY, c.joint, 2026, Fen::new(-1))
                .unwrap_err()
        ),
        "预算"
    );
    let ledger = store.fund_ledger(&own, c.joint, 2026).unwrap();
    assert_eq!(ledger.totals.budget, Some(Fen::new(250_000)));
    assert_eq!(
        store
            .audit_entries("fund_budget", c.joint.county, c.joint.id)
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .audit_entries("fund_line", spent.county, spent.id)
            .unwrap()
            .len(),
        2,
        "entered, reversed"
    );

    // The county's roll-up: the row holding the branch carries its sums; the whole too.
    let root = store.scope_root(&county).unwrap().unwrap().key;
    let up = store.fund_rollup(&county, root, 2026).unwrap();
    assert_eq!(up.all.received(), Fen::new(115_000));
    assert_eq!(up.all.budget, Some(Fen::new(250_000)));
    assert_eq!(up.rows.len(), 1, "only the part with money: {up:?}");
    assert_eq!(up.rows[0].totals.received(), Fen::new(115_000));
    let own_up = store.fund_rollup(&own, c.joint, 2026).unwrap();
    assert!(own_up.rows[0].own);
    assert!(
        store.fund_rollup(&other, root, 2026).is_err(),
        "never sideways"
    );
    assert_eq!(
        store
            .fund_rollup(&county, root, 2025)
            .unwrap()
            .all
            .received(),
        Fen::new(20_000)
    );
}
