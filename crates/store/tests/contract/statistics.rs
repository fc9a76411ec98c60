//! The member record's 民族、学历、职业, and the 党内统计 tables computed from the records.

use super::*;
use liangxin_domain::ethnicity::Ethnicity;
use liangxin_domain::kinds::{Education, Occupation};
use liangxin_domain::registry::Background;
use liangxin_store::registry::MemberChange;

pub(super) fn a_members_background_is_imported_corrected_and_audited(db: &TestDb) {
    use liangxin_domain::import::Severity;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1990, 3, 8), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "党员类别",
        "入党日期",
        "转正日期",
        "民族",
        "文化程度",
        "职业",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row = |n: usize, cells: [&str; 9]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let good = row(
        2,
        [
            "背景甲",
            &id(201),
            &joint,
            "正式党员",
            "2015-07-01",
            "2016-07-01",
            "畲",
            "大学本科",
            "企事业单位和社会组织管理人员",
        ],
    );
    let blank = row(
        3,
        [
            "背景乙",
            &id(202),
            &joint,
            "正式党员",
            "2015-07-01",
            "2016-07-01",
            "",
            "",
            "",
        ],
    );
    let bad = row(
        4,
        [
            "背景丙",
            &id(203),
            &joint,
            "正式党员",
            "2015-07-01",
            "2016-07-01",
            "火星族",
            "博士后",
            "自由职业",
        ],
    );
    let rows = vec![good.clone(), blank.clone(), bad];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(errors, vec![(4, "民族"), (4, "学历"), (4, "职业")]);
    assert!(plan.problems[0].reason.contains("火星族"));

    let sheet = vec![good, blank];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&sheet), &|_| {})
        .unwrap();
    store
        .commit_member_import(
            &source(&longyou, "党员.csv", "bg01"),
            &plan,
            &mut rows_of(&sheet),
        )
        .unwrap();
    let find = |store: &mut Store, seq: u16| {
        let key = store
            .find_member_by_resident_id(&longyou, &ResidentId::parse(&id(seq)).unwrap().value)
            .unwrap()
            .unwrap();
        store.member(&longyou, key).unwrap().unwrap()
    };
    let she = Ethnicity::parse("畲族").unwrap();
    let m = find(&mut store, 201);
    assert_eq!(
        m.background,
        Background {
            ethnicity: Some(she),
            education: Some(Education::Bachelor),
            occupation: Some(Occupation::Manager),
        }
    );
    assert_eq!(find(&mut store, 202).background, Background::default());

    // A correction sets them, audited with before and after.
    let change = MemberChange {
        name: m.name.clone(),
        status: m.status,
        joined_on: m.joined_on,
        confirmed_on: m.confirmed_on,
        workplace: m.workplace.as_ref().map(|w| w.0),
        phone: m.phone.clone(),
        background: Background {
            education: Some(Education::Graduate),
            ..m.background
        },
    };
    let seen = member_version(&mut store, m.key);
    store
        .update_member("t", &longyou, TODAY, m.key, change, seen)
        .unwrap();
    assert_eq!(
        find(&mut store, 201).background.education,
        Some(Education::Graduate)
    );
    let entries = store
        .audit_entries("member", m.key.county, m.key.id)
        .unwrap();
    let last = entries.last().unwrap();
    let json = |s: &Option<String>| -> serde_json::Value {
        serde_json::from_str(s.as_deref().unwrap()).unwrap()
    };
    assert_eq!(json(&last.before)["education"], "bachelor");
    assert_eq!(json(&last.after)["education"], "graduate");
    assert_eq!(json(&last.after)["ethnicity"], "22");
}

/// The three computed tables on a small city: a member developed, one who died, one moved
/// between the two counties (a transfer out of one and into the other, but neither for the
/// city), the register by its background, the organizations by type; every cell's records
/// are the ones it counts, and a table of another's subtree is refused.
pub(super) fn the_statistical_tables_count_the_records_and_name_them(db: &TestDb) {
    use liangxin_domain::kinds::{LeaveReason, LetterKind};
    use liangxin_domain::statistics::Table;
    use liangxin_store::statistics::StatTable;
    use liangxin_store::transfer::{Destination, Leaving, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let (city, longyou, kecheng) = (
        scope_of(&mut store, c.city),
        scope_of(&mut store, c.longyou),
        scope_of(&mut store, c.kecheng),
    );
    let add = |store: &mut Store, m: Member| store.insert_member("t", &all(), TODAY, m).unwrap();
    let a = add(
        &mut store,
        Member {
            background: Background {
                ethnicity: Ethnicity::parse("畲族").ok(),
                education: Some(Education::Bachelor),
                occupation: Some(Occupation::Manager),
            },
            ..member(c.joint, "统计甲", 301, MemberStatus::Full, None)
        },
    );
    let b = add(
        &mut store,
        Member {
            joined_on: d(2026, 3, 1),
            confirmed_on: None,
            ..member(c.joint, "统计乙", 302, MemberStatus::Probationary, None)
        },
    );
    let died = add(
        &mut store,
        member(c.joint, "统计丙", 303, MemberStatus::Full, None),
    );
    let _d = add(
        &mut store,
        member(c.tech_branch, "统计丁", 304, MemberStatus::Full, None),
    );
    let moved = add(
        &mut store,
        member(c.joint, "统计戊", 305, MemberStatus::Full, None),
    );
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: died,
                reason: LeaveReason::Died,
                on: d(2026, 6, 1),
                note: "病故".into(),
            },
        )
        .unwrap();
    let letter = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: moved,
                letter_kind: LetterKind::Introduction,
                to: Destination::PartyOrg(c.tech_branch),
                reason: "工作调动".into(),
                issued_on: d(2026, 11, 1),
                valid_days: None,
            },
        )
        .unwrap();
    let arrived = store
        .receive_transfer("t", &kecheng, TODAY, letter, d(2026, 11, 5))
        .unwrap()
        .unwrap();

    let row = |t: &StatTable, key: Option<Key>| -> Vec<(&'static str, i64)> {
        let r = t
            .rows
            .iter()
            .find(|r| match key {
                None => r.party_org.is_none(),
                Some(k) => r.party_org.as_ref().is_some_and(|p| p.0 == k) && !r.own,
            })
            .unwrap();
        t.table
            .columns()
            .iter()
            .zip(&r.counts)
            .filter(|(_, n)| **n != 0)
            .map(|(c, n)| (c.code, *n))
            .collect()
    };
    let change = store
        .statistics_table(&city, c.city, Table::MemberChange, TODAY)
        .unwrap();
    assert_eq!(change.rows.len(), 4, "合计, 本级, two counties");
    // The move is inside the city: neither in nor out.
    assert_eq!(
        row(&change, None),
        [
            ("start", 4),
            ("added", 1),
            ("developed", 1),
            ("left", 1),
            ("died", 1),
            ("end", 4)
        ]
    );
    assert_eq!(
        row(&change, Some(c.longyou)),
        [
            ("start", 3),
            ("added", 1),
            ("developed", 1),
            ("left", 2),
            ("transferred_out", 1),
            ("died", 1),
            ("end", 2)
        ]
    );
    assert_eq!(
        row(&change, Some(c.kecheng)),
        [
            ("start", 1),
            ("added", 1),
            ("transferred_in", 1),
            ("end", 2)
        ]
    );
    // Before the move and the death, on 31 May: as the register stood then.
    let may = store
        .statistics_table(&longyou, c.longyou, Table::MemberChange, d(2026, 5, 31))
        .unwrap();
    assert_eq!(
        row(&may, None),
        [("start", 3), ("added", 1), ("developed", 1), ("end", 4)]
    );
    // A cell's records are those it counts.
    let cell = |store: &mut Store, scope: &Scope, key: Key, t: Table, code: &str, own: bool| {
        store
            .statistics_cell(scope, key, (t, t.column(code).unwrap(), own), TODAY)
            .unwrap()
            .into_iter()
            .map(|c| c.key)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        cell(
            &mut store,
            &kecheng,
            c.kecheng,
            Table::MemberChange,
            "transferred_in",
            false
        ),
        [arrived]
    );
    assert!(
        cell(
            &mut store,
            &city,
            c.city,
            Table::MemberChange,
            "transferred_in",
            false
        )
        .is_empty()
    );
    assert_eq!(
        cell(
            &mut store,
            &city,
            c.city,
            Table::MemberChange,
            "developed",
            false
        ),
        [b]
    );
    assert!(cell(&mut store, &city, c.city, Table::MemberChange, "end", true).is_empty());

    let basics = store
        .statistics_table(&city, c.city, Table::MemberBasics, TODAY)
        .unwrap();
    let whole = row(&basics, None);
    let get = |code: &str| whole.iter().find(|x| x.0 == code).map_or(0, |x| x.1);
    assert_eq!(get("total"), 4);
    assert_eq!(get("probationary"), 1);
    assert_eq!(get("minority"), 1);
    assert_eq!(get("ethnicity_unknown"), 3);
    assert_eq!(get("bachelor") + get("education_unknown"), 4);
    assert_eq!(
        cell(
            &mut store,
            &city,
            c.city,
            Table::MemberBasics,
            "manager",
            false
        ),
        [a]
    );
    let females = cell(
        &mut store,
        &city,
        c.city,
        Table::MemberBasics,
        "female",
        false,
    );
    assert_eq!(get("female") as usize, females.len());

    let probation = store
        .statistics_table(&city, c.city, Table::Probation, TODAY)
        .unwrap();
    assert_eq!(row(&probation, None), [("admitted", 1), ("end", 1)]);
    let periods = store
        .statistics_table(&city, c.city, Table::JoinedPeriods, TODAY)
        .unwrap();
    assert_eq!(
        row(&periods, None),
        [("total", 4), ("to_2012", 3), ("since_2012", 1)]
    );

    let orgs = store
        .statistics_table(&city, c.city, Table::PartyOrgs, TODAY)
        .unwrap();
    let whole = row(&orgs, None);
    let get = |code: &str| whole.iter().find(|x| x.0 == code).map_or(0, |x| x.1);
    assert_eq!(get("total"), 5);
    assert_eq!(get("working_committee"), 3);
    assert_eq!((get("joint_branch"), get("branch")), (1, 1));
    assert_eq!((get("regional_joint"), get("formation_unknown")), (1, 1));
    assert_eq!(
        cell(
            &mut store,
            &city,
            c.city,
            Table::PartyOrgs,
            "regional_joint",
            false
        ),
        [c.joint]
    );
    // Terms began in 2024: none elected this year, none past its term.
    assert_eq!(
        row(&orgs, Some(c.kecheng)),
        [
            ("total", 2),
            ("working_committee", 1),
            ("branch", 1),
            ("formation_unknown", 1)
        ]
    );

    // Never another's subtree, never a member's.
    assert!(
        store
            .statistics_table(&longyou, c.kecheng, Table::MemberChange, TODAY)
            .is_err()
    );
    assert!(
        store
            .statistics_cell(&longyou, c.city, (Table::MemberBasics, 0, false), TODAY)
            .is_err()
    );
    assert!(
        store
            .statistics_cell(&city, c.city, (Table::PartyOrgs, 99, false), TODAY)
            .is_err()
    );
}
