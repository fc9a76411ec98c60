//! Coverage and reports: the engine's facts, the raw-SQL baseline, rules as data, a day in the past.

use super::*;

pub(super) fn coverage_facts_feed_the_engine(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    // 甲 has 3 full members in a joint branch → should set up its own branch.
    for (i, name) in ["甲一", "甲二", "甲三"].iter().enumerate() {
        store
            .insert_member(
                "t",
                &all(),
                TODAY,
                member(
                    c.joint,
                    name,
                    100 + i as u16,
                    MemberStatus::Full,
                    Some(c.orgs[0]),
                ),
            )
            .unwrap();
    }
    store
        .insert_member(
            "t",
            &all(),
            TODAY,
            member(
                c.tech_branch,
                "李四",
                110,
                MemberStatus::Full,
                Some(c.orgs[3]),
            ),
        )
        .unwrap();
    let today = d(2026, 11, 27);
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), today).unwrap();
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let facts = store.coverage_facts(&city, today).unwrap();
    assert_eq!(facts.organizations.len(), 4);
    // Members count up the tree: the city committee holds all four.
    let city_po = facts.party_orgs.iter().find(|p| p.key == c.city).unwrap();
    assert_eq!(city_po.members, 4);
    let joint = facts.party_orgs.iter().find(|p| p.key == c.joint).unwrap();
    assert_eq!((joint.members, joint.units_covered), (3, 2));
    assert_eq!(facts.party_orgs.len(), 5);
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    // 乙 sits in the joint branch without members: work coverage, like 丙 with its instructor.
    assert_eq!(report.total.organization_covered, 2);
    assert_eq!(report.total.work_covered, 2);
    assert_eq!(report.total.gap, 0);
    let lyx = report.groups[&GroupKey::County(LYX)];
    assert_eq!(
        (lyx.total, lyx.organization_covered, lyx.work_covered),
        (3, 1, 2)
    );
    let own: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.action == coverage::Action::SetUpOwnBranch)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(own, vec!["龙游甲红木家具有限公司"]);

    // A county scope sees only its county's organizations.
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let facts = store.coverage_facts(&county, today).unwrap();
    assert_eq!(facts.organizations.len(), 3);
    assert!(facts.organizations.iter().all(|o| o.key.county == LYX));
    // A branch scope without a region sees the organizations it covers.
    let branch = scope_of(&mut store, c.tech_branch);
    let facts = store.coverage_facts(&branch, today).unwrap();
    assert_eq!(
        facts
            .organizations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        vec!["衢州某科技有限公司"]
    );
    let states: Vec<_> = facts
        .organizations
        .iter()
        .map(|o| coverage::assess_organization(o, &rules).state)
        .collect();
    assert_eq!(states, vec![CoverageState::Organization]);
}

pub(super) fn raw_sql_baseline_agrees_with_the_engine(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let today = d(2026, 11, 27);
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), today).unwrap();
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let facts = store.coverage_facts(&city, today).unwrap();
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    let raw = store
        .coverage_by_county_raw_sql(today, 3, (0, 999_999))
        .unwrap();
    assert_eq!(raw.len(), report.groups.len());
    for row in raw {
        let t = report.groups[&GroupKey::County(row.county)];
        assert_eq!(
            (
                row.total,
                row.org_covered,
                row.work_covered,
                row.gap,
                row.needing_action
            ),
            (
                t.total as i64,
                t.organization_covered as i64,
                t.work_covered as i64,
                t.gap as i64,
                t.needing_action as i64
            )
        );
    }
}

pub(super) fn rule_versions_are_data(db: &TestDb) {
    let mut store = db.open();
    let before = store.rule_set().unwrap();
    assert_eq!(
        before
            .in_force(keys::OWN_BRANCH_MIN_FULL_MEMBERS, d(2026, 1, 1))
            .unwrap()
            .value,
        3
    );
    store
        .add_rule_version(
            "test",
            &RuleParam {
                key: keys::OWN_BRANCH_MIN_FULL_MEMBERS.into(),
                version: 2,
                value: 4,
                effective_from: d(2027, 1, 1),
                title: "试点".into(),
                source: "某县试点文件".into(),
            },
        )
        .unwrap();
    drop(store);
    // Reopening re-seeds nothing and keeps the new version.
    let mut store = db.open();
    let set = store.rule_set().unwrap();
    assert_eq!(set.params().len(), before.params().len() + 1);
    assert_eq!(
        set.in_force(keys::OWN_BRANCH_MIN_FULL_MEMBERS, d(2026, 12, 31))
            .unwrap()
            .value,
        3
    );
    let v2 = set
        .in_force(keys::OWN_BRANCH_MIN_FULL_MEMBERS, d(2027, 1, 1))
        .unwrap();
    assert_eq!(
        (v2.value, v2.version, v2.source.as_str()),
        (4, 2, "某县试点文件")
    );
}

pub(super) fn coverage_over_time_follows_the_dated_records(db: &TestDb) {
    use liangxin_domain::history;
    use liangxin_store::registry::PartyOrgChange;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let yesterday = TODAY.pred_opt().unwrap();
    let days = [d(2022, 12, 31), yesterday, TODAY];
    let trend = |store: &mut Store| {
        let records = store.coverage_records(&all(), TODAY, days[0]).unwrap();
        history::trend(&records, &days)
    };
    let counts = |p: &history::TrendPoint| (p.total, p.organization_covered, p.work_covered, p.gap);
    // Today's point is what the engine reports for today.
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let facts = store.coverage_facts(&all(), TODAY).unwrap();
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    let before = trend(&mut store);
    let t = report.total;
    assert_eq!(
        counts(&before[2]),
        (t.total, t.organization_covered, t.work_covered, t.gap)
    );
    // Before the joint branch's links (2023) its units were not reached.
    assert!(
        before[0].organization_covered + before[0].work_covered
            < t.organization_covered + t.work_covered
    );

    // Kecheng cannot change Longyou's joint branch; nothing is written.
    let kecheng = scope_of(&mut store, c.kecheng);
    let change = PartyOrgChange {
        name: "红木小镇联合党支部".into(),
        org_type: PartyOrgType::JointBranch,
        formation_mode: Some(FormationMode::RegionalJoint),
        has_committee: false,
        term_started: Some(d(2024, 1, 1)),
        covers: vec![c.orgs[0]],
    };
    let v = store.registry_version().unwrap();
    let seen = po_version(&mut store, c.joint);
    let err = store
        .update_party_org("kecheng", &kecheng, TODAY, c.joint, change.clone(), seen)
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    assert_eq!(store.registry_version().unwrap(), v);

    // Longyou lets the second unit go: it was reached yesterday, it is not today.
    let longyou = scope_of(&mut store, c.longyou);
    let seen = po_version(&mut store, c.joint);
    store
        .update_party_org("longyou", &longyou, TODAY, c.joint, change.clone(), seen)
        .unwrap();
    let units = store.covered_units(&all(), TODAY, c.joint).unwrap();
    assert_eq!(
        units.iter().map(|u| u.0).collect::<Vec<_>>(),
        vec![c.orgs[0]]
    );
    let after = trend(&mut store);
    assert_eq!(
        counts(&after[0]),
        counts(&before[0]),
        "the past is as it was"
    );
    assert_eq!(counts(&after[1]), counts(&before[1]), "yesterday too");
    assert_eq!(
        after[2].gap,
        before[2].gap + 1,
        "{:?} {:?}",
        after[2],
        before[2]
    );
    // Saving the same again writes nothing; a unit outside the county is refused.
    let v = store.registry_version().unwrap();
    let seen = po_version(&mut store, c.joint);
    store
        .update_party_org("longyou", &longyou, TODAY, c.joint, change.clone(), seen)
        .unwrap();
    assert_eq!(store.registry_version().unwrap(), v);
    let seen = po_version(&mut store, c.joint);
    let err = store
        .update_party_org(
            "longyou",
            &longyou,
            TODAY,
            c.joint,
            PartyOrgChange {
                covers: vec![c.orgs[0], c.orgs[3]],
                ..change
            },
            seen,
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("覆盖单位"), "{err}");
    let entries = store
        .audit_entries("party_org", c.joint.county, c.joint.id)
        .unwrap();
    let update = entries.iter().find(|e| e.action == "update").unwrap();
    assert!(
        update.after.as_deref().unwrap().contains(&format!(
            r#""covers_removed":[{{"county":{},"id":{}}}]"#,
            c.orgs[1].county, c.orgs[1].id
        )),
        "{:?}",
        update.after
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn a_committees_todo_sums_each_organization_below_it_as_its_own_scope_would(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    // Members in two branches: their meetings are owed and their month's dues not entered.
    for (i, branch) in [c.joint, c.joint, c.tech_branch].into_iter().enumerate() {
        let scope = scope_of(&mut store, branch);
        store
            .insert_member(
                "t",
                &scope,
                TODAY,
                member(branch, "待办甲", 171 + i as u16, MemberStatus::Full, None),
            )
            .unwrap();
    }
    for root in [c.city, c.longyou] {
        let scope = scope_of(&mut store, root);
        let list = store.todo(&scope, TODAY).unwrap();
        assert!(!list.is_empty(), "the small city owes meetings");
        let summary = store.todo_by_subordinate(&scope, &list).unwrap();
        assert_eq!(
            summary
                .iter()
                .map(|s| s.organizations as usize)
                .sum::<usize>(),
            list.len(),
            "every organization with an item is counted once"
        );
        for s in &summary {
            let below = scope_of(&mut store, s.key);
            let own = store.todo(&below, TODAY).unwrap();
            // The root's own row holds only its own items; a subordinate's, its subtree's.
            let part: Vec<_> = if s.own {
                own.iter().filter(|t| t.key == root).collect()
            } else {
                own.iter().collect()
            };
            assert_eq!(s.own, s.key == root);
            assert_eq!(s.organizations as usize, part.len(), "{}", s.name);
            assert_eq!(
                s.meetings as usize,
                part.iter().map(|t| t.meetings_due.len()).sum::<usize>()
            );
            assert_eq!(
                s.meeting_orgs as usize,
                part.iter().filter(|t| !t.meetings_due.is_empty()).count()
            );
            assert_eq!(
                s.dues_unmarked,
                part.iter().map(|t| t.dues_unmarked).sum::<u32>()
            );
            assert_eq!(
                s.findings_open,
                part.iter().map(|t| t.findings_open).sum::<u32>()
            );
        }
    }
    let city = scope_of(&mut store, c.city);
    let list = store.todo(&city, TODAY).unwrap();
    let summary = store.todo_by_subordinate(&city, &list).unwrap();
    assert!(
        summary
            .iter()
            .any(|s| s.key == c.longyou && s.name == "中共龙游县两新工委"),
        "the county under the city is a line of the city's 待办: {summary:?}"
    );
    assert!(
        summary.iter().all(|s| s.key != c.joint),
        "not the branches themselves"
    );
}

/// As of a day: the audit of day D uses only what is dated on or before D. Attendance at a
/// meeting held after it, dues paid after it and a member admitted after it change
/// nothing in D's report, and do change today's.
pub(super) fn a_report_for_a_day_is_unchanged_by_what_is_dated_after_it(db: &TestDb) {
    use liangxin_domain::audit::{AuditFinding, AuditKind, AuditSubject};
    use liangxin_domain::kinds::{Attendance, DuesCategory, LetterKind, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    use liangxin_store::transfer::{Destination, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let quiet = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "沉寂甲", 71, MemberStatus::Full, None),
        )
        .unwrap();
    let input = DuesInput {
        category: DuesCategory::Salaried,
        base: Some(Fen::new(600_000)),
        farmer_amount: None,
        reduction: None,
    };
    store
        .set_dues_standard("t", &county, TODAY, quiet, 2026, input)
        .unwrap();
    // A letter out of the city issued in August, overdue on D, its 回执 recorded after D.
    let leaving = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "转出丙", 73, MemberStatus::Full, None),
        )
        .unwrap();
    let letter = store
        .issue_transfer(
            "t",
            &county,
            TODAY,
            &TransferRequest {
                member: leaving,
                letter_kind: LetterKind::Introduction,
                to: Destination::Outside("杭州市某公司党支部".into()),
                reason: "工作调动".into(),
                issued_on: d(2026, 8, 20),
                valid_days: None,
            },
        )
        .unwrap();
    // Away since August without a 活动证, back after D.
    let away = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "流动丁", 74, MemberStatus::Full, None),
        )
        .unwrap();
    let outflow = store
        .register_outflow(
            "t",
            &county,
            TODAY,
            &liangxin_store::floating::Outflow {
                member: away,
                host: None,
                destination: "杭州市".into(),
                certificate_no: None,
                certificate_valid_until: None,
                out_on: d(2026, 8, 1),
                note: "外出务工".into(),
            },
        )
        .unwrap();
    let day = d(2026, 9, 30);
    let report = |store: &mut Store, on| -> Vec<(String, String, String)> {
        let mut v: Vec<(String, String, String)> = store
            .compute_audit(&county, on)
            .unwrap()
            .iter()
            .map(|f: &AuditFinding| {
                (
                    f.dedupe_key.clone(),
                    f.severity.code().to_owned(),
                    f.detail.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = report(&mut store, day);
    // Coverage on D, as the engine judges it from the records of that day.
    let region = Scope {
        region: Some(LYX),
        ..county.clone()
    };
    let coverage_in = |store: &mut Store, scope: &Scope, on: NaiveDate| {
        let rules = CoverageRules::resolve(&store.rule_set().unwrap(), on).unwrap();
        let facts = store.coverage_facts_on(scope, TODAY, on).unwrap();
        let r = coverage::report(
            &facts.organizations,
            &facts.party_orgs,
            &rules,
            GroupBy::County,
        );
        (r.total, r.units, r.findings)
    };
    let coverage_on = |store: &mut Store, on: NaiveDate| coverage_in(store, &county, on);
    let coverage_before = coverage_on(&mut store, day);
    let county_before = coverage_in(&mut store, &region, day);
    assert!(
        before
            .iter()
            .any(|f| f.0.ends_with(":no_organizational_life"))
    );
    assert!(before.iter().any(|f| f.0.ends_with(":dues_unpaid")));
    let overdue = format!("transfer:{letter}:transfer_overdue");
    assert!(before.iter().any(|f| f.0 == overdue), "{before:?}");
    assert!(
        before.iter().any(|f| f.0.ends_with(":certificate_invalid")),
        "{before:?}"
    );

    // After D: the member attends in October, pays May to September today, and a new
    // member is admitted in October.
    let held_on = d(2026, 10, 15);
    let mut attendance: Vec<AttendanceRecord> = store
        .expected_attendees(&county, c.joint, MeetingKind::ThemeDay, held_on)
        .unwrap()
        .into_iter()
        .map(|e| AttendanceRecord {
            member: e.member,
            attendance: Attendance::Present,
            reason: None,
        })
        .collect();
    attendance.sort_by_key(|a| a.member);
    store
        .record_meeting(
            "t",
            &county,
            TODAY,
            MeetingRecord {
                party_org: c.joint,
                kind: MeetingKind::ThemeDay,
                held_on,
                place: "会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "主题党日".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance,
            },
        )
        .unwrap();
    for month in 5..=9 {
        store
            .mark_dues(
                "t",
                &county,
                TODAY,
                c.joint,
                Period::month(2026, month).unwrap(),
                &[(quiet, Fen::new(9000))],
            )
            .unwrap();
    }
    store
        .receive_transfer("t", &county, TODAY, letter, d(2026, 10, 8))
        .unwrap();
    // The member's 入党申请书 reaches the archive after D.
    store
        .record_archive_item(
            "t",
            &county,
            TODAY,
            quiet,
            liangxin_domain::kinds::ArchiveItem::Application,
            d(2026, 10, 12),
        )
        .unwrap();
    store
        .end_outflow("t", &county, TODAY, outflow, d(2026, 10, 9))
        .unwrap();
    // The instructed unit gets the joint branch and a member working there; a unit founded
    // after D joins the joint branch.
    let mut late = member(
        c.joint,
        "新党员乙",
        72,
        MemberStatus::Probationary,
        Some(c.orgs[2]),
    );
    late.joined_on = d(2026, 10, 20);
    store.insert_member("t", &county, TODAY, late).unwrap();
    store
        .add_coverage(CoverageLink {
            organization: c.orgs[2],
            party_org: c.joint,
            since: d(2026, 10, 10),
        })
        .unwrap();
    let founded = store
        .insert_organization(
            "t",
            &all(),
            Organization {
                key: Key { county: LYX, id: 0 },
                name: "龙游丁新材料有限公司".into(),
                credit_code: None,
                credit_code_check_failed: false,
                kind: OrgKind::Enterprise,
                sectors: SectorSet::EMPTY,
                town: None,
                zone: None,
                employees: Some(12),
                registered_on: Some(d(2026, 10, 5)),
            },
        )
        .unwrap();
    store
        .add_coverage(CoverageLink {
            organization: founded,
            party_org: c.joint,
            since: d(2026, 10, 6),
        })
        .unwrap();
    // Today the joint branch lets the second unit go: on D it still covered it.
    let joint = store.party_org(&county, c.joint).unwrap().unwrap();
    let seen = po_version(&mut store, c.joint);
    store
        .update_party_org(
            "t",
            &county,
            TODAY,
            c.joint,
            liangxin_store::registry::PartyOrgChange {
                name: joint.name.clone(),
                org_type: joint.org_type,
                formation_mode: joint.formation_mode,
                has_committee: joint.has_committee,
                term_started: joint.term_started,
                covers: vec![c.orgs[0], c.orgs[2], founded],
            },
            seen,
        )
        .unwrap();

    assert_eq!(report(&mut store, day), before, "D's report is D's");
    assert_eq!(
        coverage_on(&mut store, day),
        coverage_before,
        "D's coverage is D's"
    );
    let coverage_now = coverage_on(&mut store, TODAY);
    assert!(coverage_now.1.contains_key(&founded));
    assert!(!coverage_before.1.contains_key(&founded));
    // The committee's scope on D holds only the units its subtree covered then, the one let
    // go since included.
    assert!(!coverage_before.1.contains_key(&c.orgs[2]));
    assert!(coverage_before.1.contains_key(&c.orgs[1]));
    assert!(!coverage_now.1.contains_key(&c.orgs[1]));
    // The county's region on D: the instructed unit was work-covered, the new one unknown.
    let county_after = coverage_in(&mut store, &region, day);
    assert_eq!(county_after, county_before);
    assert_eq!(county_after.1[&c.orgs[2]].state, CoverageState::Work);
    assert!(!county_after.1.contains_key(&founded));
    assert_eq!(
        coverage_now.1[&c.orgs[2]].state,
        CoverageState::Organization
    );
    let now = store.compute_audit(&county, TODAY).unwrap();
    let of_quiet = |k| {
        now.iter()
            .any(|f| f.kind == k && f.subject == AuditSubject::Member { key: quiet })
    };
    assert!(!of_quiet(AuditKind::NoOrganizationalLife));
    assert!(!of_quiet(AuditKind::DuesUnpaid));
    assert!(
        !now.iter()
            .any(|f| f.subject == AuditSubject::Transfer { id: letter })
    );
}

/// A report for day D, the audit's and the coverage's, for a branch's scope and a county's,
/// is unchanged by any sequence of records dated after D: generated meetings with mixed
/// attendance and reasons, dues paid for months up to D, members admitted at units, coverage
/// links, instructors and units founded. Several seeds, each its own sequence.
pub(super) fn a_day_is_unchanged_by_generated_later_records(db: &TestDb) {
    use liangxin_domain::kinds::{Attendance, DuesCategory, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    /// xorshift64*: a reproducible sequence from a seed, no dependency.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n
        }
    }
    let day = d(2026, 9, 30);
    // One city; each seed adds its own members and history up to D, then its own sequence.
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let branch = scope_of(&mut store, c.longyou);
    let county = Scope {
        region: Some(LYX),
        ..branch.clone()
    };
    let mut paid: std::collections::HashSet<(Key, u32)> = Default::default();
    let mut linked: std::collections::HashSet<Key> = Default::default();
    for (round, seed) in [7_u64, 2017, 80_808].into_iter().enumerate() {
        let mut rng = Rng(seed);
        let round = u16::try_from(round).unwrap();
        let mut members = Vec::new();
        for seq in (0..5u16).map(|i| i + 10 * round) {
            let m = store
                .insert_member(
                    "t",
                    &branch,
                    TODAY,
                    member(
                        c.joint,
                        &format!("党员{seq}"),
                        140 + seq,
                        MemberStatus::Full,
                        None,
                    ),
                )
                .unwrap();
            let input = DuesInput {
                category: DuesCategory::Salaried,
                base: Some(Fen::new(600_000)),
                farmer_amount: None,
                reduction: None,
            };
            store
                .set_dues_standard("t", &branch, TODAY, m, 2026, input)
                .unwrap();
            members.push(m);
        }
        let reasons = ["因病住院", "出差", "家里有事", "不想来"];
        let meeting = |store: &mut Store, rng: &mut Rng, held_on: NaiveDate| {
            let mut attendance: Vec<AttendanceRecord> = store
                .expected_attendees(&branch, c.joint, MeetingKind::ThemeDay, held_on)
                .unwrap()
                .into_iter()
                .map(|e| {
                    let (attendance, reason) = match rng.below(3) {
                        0 => (Attendance::Present, None),
                        1 => (Attendance::Absent, None),
                        _ => (
                            Attendance::Excused,
                            Some(reasons[rng.below(4) as usize].to_owned()),
                        ),
                    };
                    AttendanceRecord {
                        member: e.member,
                        attendance,
                        reason,
                    }
                })
                .collect();
            attendance.sort_by_key(|a| a.member);
            store
                .record_meeting(
                    "t",
                    &branch,
                    TODAY,
                    MeetingRecord {
                        party_org: c.joint,
                        kind: MeetingKind::ThemeDay,
                        held_on,
                        place: "会议室".into(),
                        host: "书记".into(),
                        recorder: "委员".into(),
                        topic: "主题党日".into(),
                        agenda: String::new(),
                        minutes: String::new(),
                        decisions: String::new(),
                        attendance,
                    },
                )
                .unwrap();
        };
        // Some history up to D.
        for month in [3, 6, 9] {
            let on = d(2026, month, 10 + rng.below(15) as u32);
            meeting(&mut store, &mut rng, on);
        }
        let audit_on = |store: &mut Store, scope: &Scope| {
            let mut v: Vec<(String, String, String)> = store
                .compute_audit(scope, day)
                .unwrap()
                .into_iter()
                .map(|f| (f.dedupe_key, f.severity.code().to_owned(), f.detail))
                .collect();
            v.sort();
            v
        };
        let coverage_on = |store: &mut Store, scope: &Scope| {
            let rules = CoverageRules::resolve(&store.rule_set().unwrap(), day).unwrap();
            let facts = store.coverage_facts_on(scope, TODAY, day).unwrap();
            let r = coverage::report(
                &facts.organizations,
                &facts.party_orgs,
                &rules,
                GroupBy::County,
            );
            (r.total, r.units, r.findings)
        };
        let before = (
            audit_on(&mut store, &branch),
            audit_on(&mut store, &county),
            coverage_on(&mut store, &branch),
            coverage_on(&mut store, &county),
        );
        let later = |rng: &mut Rng| day + chrono::Days::new(1 + rng.below(57));
        for step in (0..12u16).map(|i| i + 20 * round) {
            let what = rng.below(6);
            match what {
                0 => {
                    let on = later(&mut rng);
                    meeting(&mut store, &mut rng, on);
                }
                1 => {
                    // Dues for a month up to D, paid today.
                    let m = members[rng.below(5) as usize];
                    let month = 1 + rng.below(9) as u32;
                    if paid.insert((m, month)) {
                        store
                            .mark_dues(
                                "t",
                                &branch,
                                TODAY,
                                c.joint,
                                Period::month(2026, month).unwrap(),
                                &[(m, Fen::new(9000))],
                            )
                            .unwrap();
                    }
                }
                2 => {
                    let mut m = member(
                        c.joint,
                        &format!("新党员{step}"),
                        200 + step,
                        MemberStatus::Probationary,
                        Some(c.orgs[rng.below(3) as usize]),
                    );
                    m.joined_on = later(&mut rng);
                    store.insert_member("t", &branch, TODAY, m).unwrap();
                }
                3 => {
                    let unit = c.orgs[2];
                    if linked.insert(unit) {
                        store
                            .add_coverage(CoverageLink {
                                organization: unit,
                                party_org: c.joint,
                                since: later(&mut rng),
                            })
                            .unwrap();
                    }
                }
                4 => {
                    let ins = store
                        .insert_instructor(Instructor {
                            key: Key { county: LYX, id: 0 },
                            name: format!("指导员{step}"),
                            phone: None,
                        })
                        .unwrap();
                    store
                        .assign_instructor(
                            "t",
                            &all(),
                            InstructorAssignment {
                                organization: c.orgs[rng.below(2) as usize],
                                instructor: ins,
                                since: later(&mut rng),
                                until: None,
                            },
                        )
                        .unwrap();
                }
                _ => {
                    let founded = store
                        .insert_organization(
                            "t",
                            &all(),
                            Organization {
                                key: Key { county: LYX, id: 0 },
                                name: format!("龙游新办{step}有限公司"),
                                credit_code: None,
                                credit_code_check_failed: false,
                                kind: OrgKind::Enterprise,
                                sectors: SectorSet::EMPTY,
                                town: None,
                                zone: None,
                                employees: Some(9),
                                registered_on: Some(later(&mut rng)),
                            },
                        )
                        .unwrap();
                    store
                        .add_coverage(CoverageLink {
                            organization: founded,
                            party_org: c.joint,
                            since: later(&mut rng).max(d(2026, 11, 27)),
                        })
                        .unwrap();
                }
            }
            let now = (
                audit_on(&mut store, &branch),
                audit_on(&mut store, &county),
                coverage_on(&mut store, &branch),
                coverage_on(&mut store, &county),
            );
            assert_eq!(
                now, before,
                "seed {seed}, step {step} ({what}) changed day D"
            );
        }
    }
}
