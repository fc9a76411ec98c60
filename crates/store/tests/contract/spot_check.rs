//! 随机抽查: a committee publishes a round, draws it from its register on the round's day,
//! inspects what was drawn, demands rectification and accepts it. The sample is what anyone
//! computes from the seed and the register with SHA-256 and a sort.

use super::*;
use liangxin_domain::kinds::{InspectionResult, SpotCheckOf, SpotCheckStrata};
use liangxin_domain::spot_check::Seed;
use liangxin_store::spot_check::{Inspection, NewRound};
use sha2::{Digest, Sha256};

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

/// The published method, written out again from the rules: the first `n` codes of a
/// stratum by SHA-256 of "seed:code" in hexadecimal.
fn smallest_ranks(seed: u64, codes: &[String], n: usize) -> Vec<String> {
    let mut ranked: Vec<(String, String)> = codes
        .iter()
        .map(|c| {
            let h = Sha256::digest(format!("{seed}:{c}").as_bytes());
            let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
            (hex, c.clone())
        })
        .collect();
    ranked.sort();
    ranked.into_iter().take(n).map(|(_, c)| c).collect()
}

pub(super) fn a_round_is_published_drawn_as_anyone_redraws_it_inspected_and_closed(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let branch = |store: &mut Store, parent: Key, name: String, t| {
        store
            .insert_party_org(
                "test",
                &all(),
                PartyOrg {
                    key: Key {
                        county: parent.county,
                        id: 0,
                    },
                    parent: Some(parent),
                    name,
                    org_type: t,
                    formation_mode: None,
                    zone: None,
                    has_committee: false,
                    term_started: Some(d(2024, 3, 1)),
                },
                &[],
                d(2024, 1, 1),
            )
            .unwrap()
    };
    for i in 0..10 {
        branch(
            &mut store,
            c.longyou,
            format!("龙游第{i}支部"),
            PartyOrgType::Branch,
        );
    }
    for i in 0..5 {
        branch(
            &mut store,
            c.kecheng,
            format!("柯城第{i}支部"),
            PartyOrgType::Branch,
        );
    }
    // A 党小组 is not inspected on its own.
    branch(
        &mut store,
        c.tech_branch,
        "第一党小组".into(),
        PartyOrgType::Group,
    );
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let longyou = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let joint = scope_of(&mut store, c.joint);

    // The frame: every party organization below the city but the 党小组, by county.
    let frame = store
        .spot_check_frame(
            &city,
            SpotCheckOf::PartyOrgs,
            SpotCheckStrata::County,
            TODAY,
        )
        .unwrap();
    let codes_of = |county: i32| -> Vec<String> {
        frame
            .iter()
            .filter(|i| i.stratum == county.to_string())
            .map(|i| i.code.clone())
            .collect()
    };
    let (ly, kc) = (codes_of(LYX), codes_of(KCQ));
    assert_eq!((ly.len(), kc.len(), frame.len()), (12, 7, 19), "{frame:?}");
    assert!(frame.iter().all(|i| i.name != "第一党小组"));
    assert!(
        frame
            .iter()
            .all(|i| i.code != format!("330800-{}", c.city.id))
    );
    assert!(
        frame
            .iter()
            .any(|i| i.stratum == LYX.to_string() && i.stratum_label == "龙游县")
    );

    // Bad input names its field and writes nothing.
    let round = |title: &str, size, as_of| NewRound {
        title: title.into(),
        of: SpotCheckOf::PartyOrgs,
        by: SpotCheckStrata::County,
        size,
        seed: Seed::parse("20261127").unwrap(),
        as_of,
    };
    let publish = |store: &mut Store, scope: &Scope, r: NewRound| {
        store.publish_spot_check("t", scope, TODAY, &r)
    };
    let bad = [
        (&city, round(" ", 6, TODAY), "抽查名称"),
        (&city, round("抽查", 0, TODAY), "抽取数量"),
        (&city, round("抽查", 501, TODAY), "抽取数量"),
        (
            &city,
            round("抽查", 6, TODAY + chrono::Days::new(1)),
            "名录日期",
        ),
        (&joint, round("抽查", 6, TODAY), "抽查"),
    ];
    for (scope, r, expected) in bad {
        assert_eq!(field(publish(&mut store, scope, r).unwrap_err()), expected);
    }
    assert!(store.spot_checks(&city, TODAY).unwrap().is_empty());

    let key = publish(&mut store, &city, round("2026年第四季度随机抽查", 6, TODAY)).unwrap();
    let listed = store.spot_checks(&city, TODAY).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state(), "已公布待抽取");
    assert_eq!(listed[0].seed.get(), 20261127);
    // The county does not see the city's round, nor can it draw it.
    assert!(store.spot_checks(&longyou, TODAY).unwrap().is_empty());
    assert!(store.spot_check(&longyou, key, TODAY).unwrap().is_none());
    assert_eq!(
        field(
            store
                .draw_spot_check("t", &longyou, TODAY, key)
                .unwrap_err()
        ),
        "抽查"
    );

    // The draw: 6 of 19 over 12 and 7 is 3.79 and 2.21, so 4 and 2; within each county
    // the smallest hashes; the strata in code order (柯城 330802 before 龙游 330825).
    let drawn = store.draw_spot_check("t", &city, TODAY, key).unwrap();
    let mut expected = smallest_ranks(20261127, &kc, 2);
    expected.extend(smallest_ranks(20261127, &ly, 4));
    let got: Vec<String> = drawn.sample.iter().map(|d| d.code.clone()).collect();
    assert_eq!(got, expected);
    assert_eq!(drawn.frame_size, 19);
    assert_eq!(
        field(store.draw_spot_check("t", &city, TODAY, key).unwrap_err()),
        "抽查",
        "drawn once"
    );
    let view = store.spot_check(&city, key, TODAY).unwrap().unwrap();
    assert_eq!(
        view.items
            .iter()
            .map(|i| i.code.clone())
            .collect::<Vec<_>>(),
        expected,
        "kept as drawn"
    );
    assert_eq!(view.summary.state(), "检查中");
    let (again, same) = store.redraw_spot_check(&city, key).unwrap().unwrap();
    assert!(same, "the register of the day redraws the kept sample");
    assert_eq!(again.strata.len(), 2);
    assert_eq!((again.strata[1].size, again.strata[1].drawn), (12, 4));

    // Inspections, once each, on or after the draw.
    let inspection = |result, note: &str| Inspection {
        on: TODAY,
        inspectors: "张三、李四".into(),
        result,
        note: note.into(),
    };
    let inspect = |store: &mut Store, seq, i: Inspection| {
        store.inspect_spot_check_item("t", &city, TODAY, (key, seq), &i)
    };
    assert_eq!(
        field(inspect(&mut store, 2, inspection(InspectionResult::Issues, "")).unwrap_err()),
        "检查情况"
    );
    assert_eq!(
        field(inspect(&mut store, 99, inspection(InspectionResult::Passed, "")).unwrap_err()),
        "抽查对象"
    );
    inspect(&mut store, 1, inspection(InspectionResult::Passed, "")).unwrap();
    inspect(
        &mut store,
        2,
        inspection(InspectionResult::Issues, "三会一课记录不全"),
    )
    .unwrap();
    assert_eq!(
        field(inspect(&mut store, 1, inspection(InspectionResult::Passed, "")).unwrap_err()),
        "抽查对象",
        "inspected once"
    );
    // Rectification follows a problem found, by a deadline, and is accepted once.
    let later = TODAY + chrono::Days::new(30);
    let raise = |store: &mut Store, seq, deadline| {
        store.raise_spot_check_finding(
            "t",
            &city,
            TODAY,
            (key, seq),
            "支委会记录缺失",
            "补齐记录并按月召开",
            deadline,
        )
    };
    assert_eq!(field(raise(&mut store, 1, later).unwrap_err()), "抽查对象");
    assert_eq!(
        field(raise(&mut store, 2, TODAY - chrono::Days::new(1)).unwrap_err()),
        "整改时限"
    );
    let finding = raise(&mut store, 2, later).unwrap();
    for seq in 3..=6 {
        inspect(&mut store, seq, inspection(InspectionResult::Passed, "")).unwrap();
    }
    let view = store.spot_check(&city, key, TODAY).unwrap().unwrap();
    assert_eq!(view.summary.state(), "整改中");
    assert_eq!(view.summary.findings_open, 1);
    let after = store
        .spot_check(&city, key, later + chrono::Days::new(1))
        .unwrap()
        .unwrap();
    assert_eq!(after.summary.findings_overdue, 1, "open past its deadline");
    assert!(after.findings[0].overdue(later + chrono::Days::new(1)));
    let late = later + chrono::Days::new(1);
    assert_eq!(
        store
            .evaluation_todo(&city, late)
            .unwrap()
            .spot_checks_overdue,
        1,
        "in the committee's 待办"
    );
    assert_eq!(
        store
            .evaluation_todo(&longyou, late)
            .unwrap()
            .spot_checks_overdue,
        0,
        "not in a county's: the city demanded it"
    );
    // Demanded of the drawn organization: its county (and it) see what to do.
    let item2 = Key::parse_code(&view.items[1].code).unwrap();
    let kecheng = scope_of(&mut store, c.kecheng);
    let (theirs, others) = if item2.county == KCQ {
        (kecheng, longyou.clone())
    } else {
        (longyou.clone(), kecheng)
    };
    let demands = store.spot_check_demands(&theirs).unwrap();
    assert_eq!(demands.len(), 1);
    assert_eq!(demands[0].party_org, item2);
    assert_eq!(demands[0].demand, "补齐记录并按月召开");
    assert!(store.spot_check_demands(&others).unwrap().is_empty());
    assert_eq!(
        store
            .evaluation_todo(&theirs, TODAY)
            .unwrap()
            .spot_checks_to_rectify,
        1
    );
    let close = |store: &mut Store, note: &str| {
        store.close_spot_check_finding("t", &city, TODAY, (key, finding), note)
    };
    assert_eq!(field(close(&mut store, " ").unwrap_err()), "验收意见");
    close(&mut store, "已补齐，现场查看属实").unwrap();
    assert_eq!(field(close(&mut store, "再次").unwrap_err()), "整改事项");
    let view = store.spot_check(&city, key, TODAY).unwrap().unwrap();
    assert_eq!(view.summary.state(), "已完成");
    assert!(
        store.spot_check_demands(&city).unwrap().is_empty(),
        "accepted"
    );
    assert_eq!(
        view.findings[0].closed.as_ref().unwrap().2,
        "已补齐，现场查看属实"
    );

    // Units: the city's and a county's two-new organizations, by kind.
    let units = store
        .spot_check_frame(&city, SpotCheckOf::Units, SpotCheckStrata::Kind, TODAY)
        .unwrap();
    assert_eq!(units.len(), 4);
    assert!(units.iter().all(|u| u.stratum == "enterprise"));
    let ly_units = store
        .spot_check_frame(&longyou, SpotCheckOf::Units, SpotCheckStrata::Zone, TODAY)
        .unwrap();
    assert_eq!(ly_units.len(), 3);
    assert!(ly_units.iter().all(|u| u.stratum_label == "未划入园区小镇"));
    // A member's scope draws nothing.
    let member_scope = Scope {
        member: Some(Key { county: LYX, id: 1 }),
        ..longyou.clone()
    };
    assert!(
        store
            .spot_check_frame(
                &member_scope,
                SpotCheckOf::Units,
                SpotCheckStrata::Kind,
                TODAY
            )
            .unwrap()
            .is_empty()
    );
}
