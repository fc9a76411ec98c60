//! A town's profile: its class's focus and checklist, the 五个一 the records answer (its
//! 党工委, its ledger's money this year) and those entered with evidence.

use super::*;
use liangxin_domain::kinds::{FundSource, ZoneClass, ZoneKind};
use liangxin_domain::money::Fen;
use liangxin_domain::town::ItemState;
use liangxin_store::funds::{FundKind, NewFundLine};
use liangxin_store::zones::ZoneInput;

pub(super) fn a_towns_five_tasks_come_from_the_records_and_from_what_its_committee_enters(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let other = Scope {
        region: Some(KCQ),
        ..scope_of(&mut store, c.kecheng)
    };
    let mut input = ZoneInput {
        name: "龙游红木小镇".into(),
        kind: ZoneKind::Town,
        class: Some(ZoneClass::TraditionalIndustry),
        level: None,
        county: LYX,
        leader: None,
    };
    let zone = store.save_zone("t", &county, None, &input).unwrap();
    let state = |store: &mut Store, code: &str| {
        let p = store.zone_profile(&county, zone, TODAY).unwrap().unwrap();
        p.five
            .iter()
            .chain(&p.sync)
            .chain(&p.class_items)
            .find(|i| i.code == code)
            .map(|i| (i.state, i.by_records, i.evidence.clone()))
            .unwrap()
    };
    let p = store.zone_profile(&county, zone, TODAY).unwrap().unwrap();
    assert_eq!(p.focus, Some("园区党建提升"));
    assert_eq!((p.five.len(), p.sync.len(), p.class_items.len()), (5, 5, 3));
    assert_eq!(p.five_done(), (0, 5));
    assert!(
        p.five.iter().all(|i| i.rule.is_some()),
        "each names its rule"
    );
    assert_eq!(state(&mut store, "five.committee").0, ItemState::Missing);
    assert!(
        store.zone_profile(&other, zone, TODAY).unwrap().is_none(),
        "never sideways"
    );

    // A 党工委 leads it, and its ledger receives money: both answered by the records.
    let committee = store
        .insert_party_org(
            "t",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(c.longyou),
                name: "中共龙游红木小镇委员会".into(),
                org_type: PartyOrgType::WorkingCommittee,
                formation_mode: None,
                zone: None,
                has_committee: true,
                term_started: Some(d(2025, 1, 1)),
            },
            &[],
            d(2025, 1, 1),
        )
        .unwrap();
    input.leader = Some(committee);
    store.save_zone("t", &county, Some(zone), &input).unwrap();
    let (s, by_records, evidence) = state(&mut store, "five.committee");
    assert_eq!((s, by_records), (ItemState::Done, true));
    assert!(evidence.contains("红木小镇委员会"), "{evidence}");
    assert_eq!(state(&mut store, "five.funding").0, ItemState::Missing);
    store
        .record_fund_line(
            "t",
            &county,
            TODAY,
            &NewFundLine {
                party_org: committee,
                booked_on: d(2026, 3, 10),
                kind: FundKind::Receipt(FundSource::Finance),
                amount: Fen::new(10_000_000),
                note: "县财政专项".into(),
                evidence: "记字第1号".into(),
            },
        )
        .unwrap();
    let (s, _, evidence) = state(&mut store, "five.funding");
    assert_eq!(s, ItemState::Done);
    assert!(evidence.contains("财政专项"), "{evidence}");

    // The rest are entered, with evidence once begun; the records' items are not (the
    // 党务工作者队伍 among them: see the workforce contract).
    let set = |store: &mut Store, scope: &Scope, code: &str, s: ItemState, e: &str| {
        store.set_zone_item("t", scope, TODAY, zone, (code, s, e))
    };
    let field = |r: Result<(), StoreError>| match r.unwrap_err() {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        field(set(
            &mut store,
            &county,
            "five.committee",
            ItemState::Done,
            "有"
        )),
        "项目"
    );
    assert_eq!(
        field(set(&mut store, &county, "bogus", ItemState::Done, "有")),
        "项目"
    );
    assert_eq!(
        field(set(
            &mut store,
            &county,
            "class.eco_villages",
            ItemState::Done,
            "有"
        )),
        "项目",
        "another class's item"
    );
    assert_eq!(
        field(set(&mut store, &county, "five.brand", ItemState::Done, " ")),
        "佐证"
    );
    assert_eq!(
        field(set(&mut store, &other, "five.brand", ItemState::Done, "有")),
        "小镇园区"
    );
    set(
        &mut store,
        &county,
        "five.brand",
        ItemState::Underway,
        "品牌方案起草中",
    )
    .unwrap();
    set(
        &mut store,
        &county,
        "five.brand",
        ItemState::Done,
        "“红木匠心”党建品牌，县委组织部命名",
    )
    .unwrap();
    set(
        &mut store,
        &county,
        "class.park_alliance",
        ItemState::Done,
        "成立园区党建联盟",
    )
    .unwrap();
    let (s, by_records, evidence) = state(&mut store, "five.brand");
    assert_eq!((s, by_records), (ItemState::Done, false));
    assert!(evidence.contains("红木匠心"));
    assert_eq!(state(&mut store, "class.park_alliance").0, ItemState::Done);
    let p = store.zone_profile(&county, zone, TODAY).unwrap().unwrap();
    assert_eq!(p.five_done(), (3, 5));
    assert_eq!(
        store.audit_entries("zone_item", LYX, zone).unwrap().len(),
        3
    );
}
