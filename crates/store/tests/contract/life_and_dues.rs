//! Organizational life, dues, archives and the audit of them.

use super::*;

pub(super) fn meetings_are_recorded_whole_with_every_expected_member(db: &TestDb) {
    use liangxin_domain::kinds::{Attendance, MeetingKind};
    use liangxin_domain::life::{self, AttendanceRecord, LifeRules, MeetingRecord, PeriodState};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut members = Vec::new();
    for (i, status) in [
        MemberStatus::Full,
        MemberStatus::Full,
        MemberStatus::Full,
        MemberStatus::Probationary,
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = member(
            c.joint,
            &format!("支部党员{i}"),
            90 + i as u16,
            status,
            None,
        );
        if status == MemberStatus::Probationary {
            m.joined_on = d(2026, 3, 1);
        }
        members.push(store.insert_member("longyou", &longyou, TODAY, m).unwrap());
    }
    // On 2026-02-10 the probationary member had not yet joined: three are expected.
    let on = d(2026, 2, 10);
    let expected = store
        .expected_attendees(&longyou, c.joint, MeetingKind::BranchAssembly, on)
        .unwrap();
    assert_eq!(expected.len(), 3);
    assert!(expected.iter().all(|e| e.voter));
    let record = |attendance: Vec<(Key, Attendance, Option<&str>)>, held_on| MeetingRecord {
        party_org: c.joint,
        kind: MeetingKind::BranchAssembly,
        held_on,
        place: "红木小镇党群服务中心".into(),
        host: "支部书记".into(),
        recorder: "组织委员".into(),
        topic: "学习党章".into(),
        agenda: "一、学习；二、讨论".into(),
        minutes: "略".into(),
        decisions: "无".into(),
        attendance: attendance
            .into_iter()
            .map(|(member, attendance, reason)| AttendanceRecord {
                member,
                attendance,
                reason: reason.map(Into::into),
            })
            .collect(),
    };
    let all_present = |keys: &[Key]| {
        keys.iter()
            .map(|k| (*k, Attendance::Present, None))
            .collect::<Vec<_>>()
    };
    let refuse = |store: &mut Store, scope: &Scope, r: MeetingRecord, message: &str| {
        let before = store
            .meetings_of(&all(), c.joint, d(2000, 1, 1), TODAY)
            .unwrap()
            .len();
        let err = store
            .record_meeting("t", scope, TODAY, r)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
        let after = store
            .meetings_of(&all(), c.joint, d(2000, 1, 1), TODAY)
            .unwrap()
            .len();
        assert_eq!(before, after, "nothing written");
    };
    // Kecheng cannot record for Longyou's branch; a future date, a member not yet joined,
    // a member left out and 请假 without a reason are refused.
    refuse(
        &mut store,
        &kecheng,
        record(all_present(&members[..3]), on),
        "不在您的管理范围内",
    );
    refuse(
        &mut store,
        &longyou,
        record(all_present(&members[..3]), d(2026, 11, 28)),
        "不能晚于今天",
    );
    refuse(
        &mut store,
        &longyou,
        record(all_present(&members), on),
        "不是该党组织会议当天的党员",
    );
    refuse(
        &mut store,
        &longyou,
        record(all_present(&members[..2]), on),
        "应登记出席情况",
    );
    let mut excused = all_present(&members[..3]);
    excused[2].1 = Attendance::Excused;
    refuse(
        &mut store,
        &longyou,
        record(excused.clone(), on),
        "应填写请假原因",
    );
    // Two of three present, one excused with a reason: quorate, entered late (补录).
    excused[2].2 = Some("出差");
    let key = store
        .record_meeting("secretary", &longyou, TODAY, record(excused, on))
        .unwrap();
    let view = store.meeting(&longyou, key).unwrap().unwrap();
    assert_eq!(view.summary.quorate, Some(true));
    assert!(view.summary.late, "entered more than 30 days after");
    assert_eq!(view.summary.counts, (2, 1, 0));
    assert_eq!(view.attendance.len(), 3);
    assert_eq!(
        view.attendance
            .iter()
            .find(|a| a.reason.is_some())
            .unwrap()
            .reason
            .as_deref(),
        Some("出差")
    );
    assert!(
        store.meeting(&kecheng, key).unwrap().is_none(),
        "Kecheng does not see it"
    );
    // In November all four are expected; one voter of three present: no quorum.
    let nov = d(2026, 11, 20);
    let mut few = all_present(&members);
    few[0].1 = Attendance::Absent;
    few[1].1 = Attendance::Absent;
    let key2 = store
        .record_meeting("secretary", &longyou, TODAY, record(few, nov))
        .unwrap();
    let view = store.meeting(&longyou, key2).unwrap().unwrap();
    assert_eq!(view.summary.quorate, Some(false));
    assert!(!view.summary.late);

    // Compliance from the records: Q1 met, Q4 open (the inquorate November meeting does not
    // count), Q2 and Q3 missed, each finding naming its rule.
    let rules = LifeRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let facts = store.life_facts(&longyou, d(2026, 1, 1), TODAY).unwrap();
    let joint = facts.iter().find(|f| f.key == c.joint).unwrap();
    let comp = life::assess(joint, &rules, d(2026, 1, 1), TODAY);
    let states: Vec<PeriodState> = comp.kinds[&MeetingKind::BranchAssembly]
        .iter()
        .map(|p| p.state)
        .collect();
    assert_eq!(
        states,
        vec![
            PeriodState::Met,
            PeriodState::Missed,
            PeriodState::Missed,
            PeriodState::Open
        ]
    );
    assert!(comp.findings.iter().all(|f| !f.rule.source.is_empty()));
    assert!(
        store
            .life_facts(&kecheng, d(2026, 1, 1), TODAY)
            .unwrap()
            .iter()
            .all(|f| f.key != c.joint)
    );
    let audited = store.audit_entries("meeting", key.county, key.id).unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn dues_are_marked_once_a_month_and_corrected_by_new_lines(db: &TestDb) {
    use liangxin_domain::dues::MonthState;
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let full = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "党费甲", 101, MemberStatus::Full, None),
        )
        .unwrap();
    let mut p = member(c.joint, "党费乙", 102, MemberStatus::Probationary, None);
    p.joined_on = d(2026, 9, 15);
    let probationary = store.insert_member("t", &longyou, TODAY, p).unwrap();
    let salaried = |base: i64| DuesInput {
        category: DuesCategory::Salaried,
        base: Some(Fen::new(base * 100)),
        farmer_amount: None,
        reduction: None,
    };
    // 1.5% of 8,000 yuan; the other is a student at the fixed 0.2 yuan.
    assert_eq!(
        store
            .set_dues_standard("t", &longyou, TODAY, full, 2026, salaried(8000))
            .unwrap(),
        Fen::new(12000)
    );
    let student = DuesInput {
        category: DuesCategory::Student,
        base: None,
        farmer_amount: None,
        reduction: None,
    };
    store
        .set_dues_standard("t", &longyou, TODAY, probationary, 2026, student)
        .unwrap();
    let err = store
        .set_dues_standard("t", &kecheng, TODAY, full, 2026, salaried(8000))
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    // A reduction needs its approval written down.
    let mut reduced = salaried(8000);
    reduced.reduction = Some((Fen::new(5000), " ".into()));
    let err = store
        .set_dues_standard("t", &longyou, TODAY, full, 2026, reduced)
        .unwrap_err()
        .to_string();
    assert!(err.contains("减免"), "{err}");

    // The October sheet: both members (the probationary one admitted in September).
    let oct = Period::month(2026, 10).unwrap();
    let sheet = store.dues_sheet(&longyou, c.joint, oct).unwrap();
    assert_eq!(sheet.len(), 2);
    assert_eq!(
        sheet.iter().find(|r| r.member == full).unwrap().due,
        Some(Fen::new(12000))
    );
    // August: the probationary member had not joined.
    assert_eq!(
        store
            .dues_sheet(&longyou, c.joint, Period::month(2026, 8).unwrap())
            .unwrap()
            .len(),
        1
    );
    let refuse = |store: &mut Store, month: Period, payments: &[(Key, Fen)], message: &str| {
        let err = store
            .mark_dues("t", &longyou, TODAY, c.joint, month, payments)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
    };
    refuse(
        &mut store,
        Period::month(2026, 12).unwrap(),
        &[(full, Fen::new(12000))],
        "不能晚于本月",
    );
    refuse(&mut store, oct, &[(full, Fen::new(-5))], "应大于0");
    refuse(&mut store, oct, &[(full, Fen::new(1_000_000_000))], "过大");
    refuse(
        &mut store,
        Period::month(2026, 8).unwrap(),
        &[(probationary, Fen::new(20))],
        "不是该党组织当月的党员",
    );
    assert_eq!(
        store
            .dues_sheet(&longyou, c.joint, oct)
            .unwrap()
            .iter()
            .map(|r| r.paid)
            .sum::<Fen>(),
        Fen::ZERO,
        "nothing written"
    );
    assert_eq!(
        store
            .mark_dues(
                "t",
                &longyou,
                TODAY,
                c.joint,
                oct,
                &[(full, Fen::new(12000)), (probationary, Fen::new(20))]
            )
            .unwrap(),
        2
    );
    // Marking the month twice is refused; a correction is a new line with its reason.
    refuse(&mut store, oct, &[(full, Fen::new(12000))], "已登记");
    let err = store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::dues::DuesCorrection {
                member: full,
                month: oct,
                amount: Fen::new(-2000),
                note: " ".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("更正说明"), "{err}");
    store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::dues::DuesCorrection {
                member: full,
                month: oct,
                amount: Fen::new(-2000),
                note: "多收退回".into(),
            },
        )
        .unwrap();
    let err = store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::dues::DuesCorrection {
                member: full,
                month: oct,
                amount: Fen::new(-20000),
                note: "错误".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("不能为负"), "{err}");
    // The standard is fixed for the year once paid.
    let err = store
        .set_dues_standard("t", &longyou, TODAY, full, 2026, salaried(9000))
        .unwrap_err()
        .to_string();
    assert!(err.contains("不能再改"), "{err}");
    // The member's months: October short after the correction; 交至 none (January unpaid).
    let (months, through) = store
        .member_dues(&longyou, full, d(2026, 9, 1), d(2026, 11, 27))
        .unwrap();
    let states: Vec<MonthState> = months.iter().map(|m| m.state).collect();
    assert_eq!(
        states,
        vec![MonthState::Unpaid, MonthState::Short, MonthState::Unpaid]
    );
    assert_eq!(months[1].paid, Fen::new(10000));
    assert_eq!(through, None);
    let (months, through) = store
        .member_dues(&longyou, probationary, d(2026, 1, 1), d(2026, 10, 31))
        .unwrap();
    assert_eq!(months.len(), 2, "from admission in September");
    assert_eq!(through, None, "September unpaid");
    // The ledger cannot be changed in place.
    let conn = store.conn();
    let changed = diesel::sql_query("UPDATE dues_payments SET amount_fen = 1").execute(conn);
    assert!(changed.is_err(), "append-only");
    assert!(
        store
            .member_dues(&kecheng, full, d(2026, 1, 1), TODAY)
            .is_err()
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn the_audit_finds_the_six_month_rule_and_keeps_findings_to_closure(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::{Attendance, DuesCategory, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let a = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "排查甲", 111, MemberStatus::Full, None),
        )
        .unwrap();
    let b = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "排查乙", 112, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .record_meeting(
            "t",
            &longyou,
            TODAY,
            MeetingRecord {
                party_org: c.joint,
                kind: MeetingKind::ThemeDay,
                held_on: d(2026, 11, 1),
                place: "会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "主题党日".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance: vec![
                    AttendanceRecord {
                        member: a,
                        attendance: Attendance::Present,
                        reason: None,
                    },
                    AttendanceRecord {
                        member: b,
                        attendance: Attendance::Absent,
                        reason: None,
                    },
                ],
            },
        )
        .unwrap();
    // 排查丙 was marked paid through October, but August to October were taken back.
    let e = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "排查丙", 113, MemberStatus::Full, None),
        )
        .unwrap();
    for m in [a, b, e] {
        let input = DuesInput {
            category: DuesCategory::Student,
            base: None,
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("t", &longyou, TODAY, m, 2026, input)
            .unwrap();
    }
    let pay = |store: &mut Store, months: std::ops::RangeInclusive<u32>, who: &[Key]| {
        for month in months {
            let payments: Vec<(Key, Fen)> = who.iter().map(|k| (*k, Fen::new(20))).collect();
            store
                .mark_dues(
                    "t",
                    &longyou,
                    TODAY,
                    c.joint,
                    Period::month(2026, month).unwrap(),
                    &payments,
                )
                .unwrap();
        }
    };
    pay(&mut store, 1..=4, &[a, b]);
    pay(&mut store, 5..=10, &[a]);
    pay(&mut store, 1..=10, &[e]);
    for month in 8..=10 {
        store
            .correct_dues(
                "t",
                &longyou,
                TODAY,
                &liangxin_store::dues::DuesCorrection {
                    member: e,
                    month: Period::month(2026, month).unwrap(),
                    amount: Fen::new(-20),
                    note: "误记，实未交纳".into(),
                },
            )
            .unwrap();
    }

    let first = store.run_audit("longyou", &longyou, TODAY).unwrap();
    assert!(first.found > 0 && first.opened == first.found, "{first:?}");
    let (_, findings) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    let of = |who: Key, kind: AuditKind| {
        findings
            .iter()
            .find(|f| f.subject == AuditSubject::Member { key: who } && f.kind == kind)
            .cloned()
    };
    let dues_b = of(b, AuditKind::DuesUnpaid).expect("six months unpaid");
    assert_eq!(dues_b.severity, "flag");
    assert!(dues_b.detail.contains("连续6个月"), "{}", dues_b.detail);
    assert!(dues_b.rule.contains("第九条"), "{}", dues_b.rule);
    assert_eq!(dues_b.responsible, c.joint);
    assert!(
        of(b, AuditKind::NoOrganizationalLife).is_some(),
        "never attended"
    );
    assert!(of(a, AuditKind::DuesUnpaid).is_none());
    let taken_back = of(e, AuditKind::DuesUnpaid).expect("corrected months are unpaid");
    assert_eq!(taken_back.severity, "warning");
    assert!(
        taken_back.detail.contains("自2026年8月起连续3个月"),
        "{}",
        taken_back.detail
    );
    assert!(
        of(a, AuditKind::NoOrganizationalLife).is_none(),
        "attended this month"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.kind == AuditKind::LifeMissed && f.responsible == c.joint)
    );
    // Kecheng sees none of them and cannot close them.
    assert_eq!(
        store
            .audit_findings(&kecheng, &FindingFilter::open(), 0, 500)
            .unwrap()
            .0,
        0
    );
    assert!(
        store
            .close_finding("kecheng", &kecheng, TODAY, dues_b.key, "越权")
            .is_err()
    );

    // A re-run does not add what is already open.
    let again = store.run_audit("longyou", &longyou, TODAY).unwrap();
    assert_eq!(
        (again.found, again.opened, again.resolved),
        (first.found, 0, 0)
    );
    // Closed by hand with a note; paid back; the next run finds nothing more for B's dues.
    assert!(
        store
            .close_finding("longyou", &longyou, TODAY, dues_b.key, " ")
            .is_err()
    );
    store
        .close_finding("longyou", &longyou, TODAY, dues_b.key, "已谈话提醒")
        .unwrap();
    assert!(
        store
            .close_finding("longyou", &longyou, TODAY, dues_b.key, "再次")
            .is_err()
    );
    pay(&mut store, 5..=10, &[b]);
    let third = store.run_audit("longyou", &longyou, TODAY).unwrap();
    assert_eq!(third.opened, 0, "{third:?}");
    assert_eq!(third.found, first.found - 1);
    let (_, all) = store
        .audit_findings(&longyou, &FindingFilter::all(), 0, 500)
        .unwrap();
    let closed = all.iter().find(|f| f.key == dues_b.key).unwrap();
    assert_eq!(
        closed.closed.as_ref().map(|c| c.1.as_str()),
        Some("已谈话提醒")
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn archives_are_checked_against_the_checklist(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::ArchiveItem;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "档案甲", 121, MemberStatus::Full, None),
        )
        .unwrap();
    let (_, empty) = store.member_archive(&longyou, TODAY, m).unwrap();
    // 入党时间 and 转正时间 recorded, none of the five items: 2 of 7.
    assert_eq!(empty.percent, 28);
    assert_eq!(empty.missing.len(), 5);
    for item in [
        ArchiveItem::Application,
        ArchiveItem::Volunteer,
        ArchiveItem::PoliticalReview,
        ArchiveItem::Training,
    ] {
        store
            .record_archive_item("t", &longyou, TODAY, m, item, d(2010, 6, 1))
            .unwrap();
    }
    let err = store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Confirmation,
            d(2027, 1, 1),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("不能晚于今天"), "{err}");
    assert!(
        store
            .record_archive_item(
                "t",
                &kecheng,
                TODAY,
                m,
                ArchiveItem::Confirmation,
                d(2011, 6, 1)
            )
            .is_err()
    );
    let (items, c1) = store.member_archive(&longyou, TODAY, m).unwrap();
    assert_eq!(c1.missing, vec!["转正申请书"]);
    assert_eq!(items.iter().filter(|(_, on)| on.is_some()).count(), 4);
    // The audit names what is missing; completed, the next run closes it.
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    let f = open
        .iter()
        .find(|f| {
            f.subject == AuditSubject::Member { key: m } && f.kind == AuditKind::ArchiveIncomplete
        })
        .unwrap();
    assert!(f.detail.contains("转正申请书"), "{}", f.detail);
    store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Confirmation,
            d(2011, 6, 1),
        )
        .unwrap();
    let run = store.run_audit("t", &longyou, TODAY).unwrap();
    assert!(run.resolved >= 1);
    assert_eq!(
        store.party_org_archive(&longyou, TODAY, c.joint).unwrap(),
        (1, 1, 100)
    );
}

pub(super) fn dues_roll_up_by_party_organization_and_scope(db: &TestDb) {
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::kinds::LeaveReason;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::{DuesCorrection, DuesInput, MonthList};
    use liangxin_store::transfer::Leaving;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut ms = Vec::new();
    for (i, name) in ["汇总甲", "汇总乙", "汇总丙", "汇总丁"].iter().enumerate() {
        ms.push(
            store
                .insert_member(
                    "t",
                    &longyou,
                    TODAY,
                    member(c.joint, name, 161 + i as u16, MemberStatus::Full, None),
                )
                .unwrap(),
        );
    }
    // Three have this year's standard (a student's 0.20 yuan); the fourth has none yet.
    for m in &ms[..3] {
        let input = DuesInput {
            category: DuesCategory::Student,
            base: None,
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("t", &longyou, TODAY, *m, 2026, input)
            .unwrap();
    }
    let october = Period::month(2026, 10).unwrap();
    store
        .mark_dues(
            "t",
            &longyou,
            TODAY,
            c.joint,
            october,
            &[(ms[0], Fen::new(20)), (ms[1], Fen::new(30))],
        )
        .unwrap();
    // 乙's line was wrong: 20 taken back, so 10 of 20 paid.
    store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &DuesCorrection {
                member: ms[1],
                month: october,
                amount: Fen::new(-20),
                note: "多记".into(),
            },
        )
        .unwrap();
    let month = store.dues_month(&longyou, october).unwrap();
    let (total, rows) = (&month.total, &month.rollup);
    let joint = rows.iter().find(|r| r.key == c.joint).unwrap();
    let t = &joint.totals;
    assert_eq!(
        (
            t.members,
            t.without_standard,
            t.paid_members,
            t.short_members,
            t.unpaid_members
        ),
        (4, 1, 1, 1, 1)
    );
    assert_eq!((t.due, t.paid), (Fen::new(60), Fen::new(30)));
    assert_eq!(t.paid_percent(), Some(33), "1 of the 3 with a standard");
    assert_eq!(
        total.members, 4,
        "the scope's total is its organizations' sum"
    );
    assert_eq!(rows[0].key, c.joint, "most unpaid first");
    // Every figure's list holds exactly the figure, for the scope and for one organization.
    let figures = [
        (MonthList::All, total.members, t.members),
        (
            MonthList::In(liangxin_domain::dues::MonthState::Paid),
            total.paid_members,
            t.paid_members,
        ),
        (
            MonthList::In(liangxin_domain::dues::MonthState::Short),
            total.short_members,
            t.short_members,
        ),
        (
            MonthList::In(liangxin_domain::dues::MonthState::Unpaid),
            total.unpaid_members,
            t.unpaid_members,
        ),
        (
            MonthList::WithoutStandard,
            total.without_standard,
            t.without_standard,
        ),
    ];
    for (list, in_scope, in_joint) in figures {
        assert_eq!(month.list(None, list).len(), in_scope as usize, "{list:?}");
        let own = month.list(Some(c.joint), list);
        assert_eq!(own.len(), in_joint as usize, "{list:?}");
        assert!(
            month
                .rows_at(&own)
                .all(|r| r.party_org == c.joint && list.holds(r))
        );
    }
    let other = store.dues_month(&kecheng, october).unwrap();
    assert!(other.rollup.iter().all(|r| r.key != c.joint));
    assert_eq!(other.total.members, 0);
    // One who dies during November stays in November's roll-up (unpaid), but is no longer
    // 未登记 there, nor in the 待办: nothing more is owed to this branch.
    let november = Period::month(2026, 11).unwrap();
    let unmarked = |store: &mut Store| {
        let month = store.dues_month(&longyou, november).unwrap();
        let listed: Vec<Key> = month
            .rows_at(&month.list(Some(c.joint), MonthList::Unmarked))
            .map(|r| r.member)
            .collect();
        let todo = store
            .todo(&longyou, TODAY)
            .unwrap()
            .iter()
            .find(|t| t.key == c.joint)
            .map_or(0, |t| t.dues_unmarked);
        assert_eq!(listed.len(), todo as usize, "the 待办 counts its list");
        listed
    };
    let before = unmarked(&mut store);
    assert!(before.contains(&ms[2]));
    let members_before = store.dues_month(&longyou, november).unwrap().total.members;
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: ms[2],
                reason: LeaveReason::Died,
                on: d(2026, 11, 20),
                note: "家属告知，支部核实".into(),
            },
        )
        .unwrap();
    let after = unmarked(&mut store);
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&ms[2]));
    let total = store.dues_month(&longyou, november).unwrap().total;
    assert_eq!(total.members, members_before, "still of November's members");
}

/// A county that goes live imports a branch and a member admitted in 2010: the platform
/// holds no record of the years before, so nothing is claimed of them until the months
/// since the records start add up; the level above may move the start, audited.
pub(super) fn an_imported_branch_is_counted_from_its_records_start_not_from_admission(db: &TestDb) {
    use liangxin_domain::audit::{AuditFinding, AuditKind, Severity};
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let strings = |cells: &[&str]| cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let name = "中共龙游某新材料公司支部委员会";
    let plan = store
        .plan_party_org_import(
            &county,
            TODAY,
            &strings(&["党组织名称", "上级党组织", "组织类别"]),
            vec![(2, strings(&[name, "中共龙游县两新工委", "党支部"]))],
            &|_| {},
        )
        .unwrap();
    store
        .commit_party_org_import(&source(&county, "党组织.csv", "a"), &plan)
        .unwrap();
    let (branch, _, _) = party_org_facts(&mut store, name)[0].clone();
    let member = store
        .insert_member(
            "test",
            &county,
            TODAY,
            member(branch, "李四", 31, MemberStatus::Full, None),
        )
        .unwrap();
    for year in [2026, 2027] {
        let input = DuesInput {
            category: DuesCategory::Salaried,
            base: Some(Fen::new(600_000)),
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("t", &county, TODAY, member, year, input)
            .unwrap();
    }
    let of_branch = |store: &mut Store, day: NaiveDate| -> Vec<AuditFinding> {
        store
            .compute_audit(&county, day)
            .unwrap()
            .into_iter()
            // What the archive lacks is what it lacks, from the first day: not a run; and
            // the branch's 书记 is the workforce contract's.
            .filter(|f| {
                f.responsible == branch
                    && f.kind != AuditKind::ArchiveIncomplete
                    && f.kind != AuditKind::SecretaryVacant
            })
            .collect()
    };
    // The day it goes live, and two months on: sixteen years of membership and eleven
    // months of this year's dues are not the platform's to claim.
    assert_eq!(of_branch(&mut store, TODAY), Vec::new());
    let found = of_branch(&mut store, d(2027, 1, 29));
    assert!(
        found.iter().all(|f| f.kind == AuditKind::LifeMissed),
        "{found:?}"
    );
    // Counted from November 2026, the runs reach six months in May 2027.
    let found = of_branch(&mut store, d(2027, 6, 15));
    let life = found
        .iter()
        .find(|f| f.kind == AuditKind::NoOrganizationalLife)
        .unwrap();
    assert_eq!(life.severity, Severity::Flag);
    assert!(
        life.detail.starts_with("台账自2026年11月起"),
        "{}",
        life.detail
    );
    let dues = found
        .iter()
        .find(|f| f.kind == AuditKind::DuesUnpaid)
        .unwrap();
    assert_eq!(dues.detail, "自2026年11月起连续7个月未交纳党费");

    // The branch's own secretary cannot move its start; the county can, not into a month
    // to come; the move is in the audit log and the runs follow it.
    let own = scope_of(&mut store, branch);
    let err = store
        .set_records_start("sec", &own, branch, d(2026, 1, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("本级不能修改"), "{err}");
    let err = store
        .set_records_start("county", &county, branch, d(2026, 12, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("台账起始月") && err.contains("不能晚于本月"),
        "{err}"
    );
    let kecheng = scope_of(&mut store, c.kecheng);
    let err = store
        .set_records_start("kc", &kecheng, branch, d(2026, 1, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    store
        .set_records_start("county", &county, branch, d(2026, 1, 20), TODAY)
        .unwrap();
    let found = of_branch(&mut store, TODAY);
    let dues = found
        .iter()
        .find(|f| f.kind == AuditKind::DuesUnpaid)
        .unwrap();
    assert_eq!(dues.detail, "自2026年1月起连续10个月未交纳党费");
    assert!(
        found
            .iter()
            .any(|f| f.kind == AuditKind::NoOrganizationalLife && f.severity == Severity::Flag)
    );
    let logged: i64 = {
        use liangxin_store::schema::audit_log as al;
        al::table
            .filter(al::action.eq("set_records_start"))
            .filter(al::entity_id.eq(branch.id))
            .count()
            .get_result(store.conn())
            .unwrap()
    };
    assert_eq!(logged, 1);
}

/// 党章 第九条 says "without good reason": a member excused for illness at every meeting
/// since spring is 长期请假 for the branch to follow up, not 自行脱党; one whose reason is
/// of no accepted kind, or who stayed away, is flagged as before.
pub(super) fn a_member_on_recorded_leave_is_followed_up_not_flagged(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, Severity};
    use liangxin_domain::kinds::{Attendance, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let ill = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "病假甲", 41, MemberStatus::Full, None),
        )
        .unwrap();
    let idle = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "有事乙", 42, MemberStatus::Full, None),
        )
        .unwrap();
    let away = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "缺席丙", 43, MemberStatus::Full, None),
        )
        .unwrap();
    let came = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "出席丁", 44, MemberStatus::Full, None),
        )
        .unwrap();
    // Present in January, then a theme day each month with the same marks.
    for month in 1..=11 {
        let held_on = d(2026, month, 3);
        let mark = |m: Key, a: Attendance, r: Option<&str>| AttendanceRecord {
            member: m,
            attendance: if month == 1 { Attendance::Present } else { a },
            reason: if month == 1 { None } else { r.map(Into::into) },
        };
        let mut attendance = vec![
            mark(ill, Attendance::Excused, Some("病假（住院治疗）")),
            mark(idle, Attendance::Excused, Some("有事")),
            mark(away, Attendance::Absent, None),
            mark(came, Attendance::Present, None),
        ];
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
    }
    let found = store.compute_audit(&county, TODAY).unwrap();
    let of = |m: Key| {
        found
            .iter()
            .filter(|f| f.subject == liangxin_domain::audit::AuditSubject::Member { key: m })
            .filter(|f| {
                matches!(
                    f.kind,
                    AuditKind::NoOrganizationalLife | AuditKind::LongLeave
                )
            })
            .map(|f| (f.kind, f.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(of(ill), vec![(AuditKind::LongLeave, Severity::Warning)]);
    let leave = found
        .iter()
        .find(|f| f.kind == AuditKind::LongLeave)
        .unwrap();
    assert!(
        leave.detail.contains("病假（住院治疗）"),
        "{}",
        leave.detail
    );
    assert_eq!(leave.rule.key, keys::AUDIT_LONG_LEAVE_MONTHS);
    assert_eq!(
        of(idle),
        vec![(AuditKind::NoOrganizationalLife, Severity::Flag)]
    );
    assert_eq!(
        of(away),
        vec![(AuditKind::NoOrganizationalLife, Severity::Flag)]
    );
    assert_eq!(of(came), Vec::new());
    // The hand-written baseline agrees: two members without organizational life.
    let rules =
        liangxin_domain::audit::AuditRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let raw = store.audit_raw_sql(&county, TODAY, &rules).unwrap();
    let in_city = found
        .iter()
        .filter(|f| f.kind == AuditKind::NoOrganizationalLife)
        .count();
    assert_eq!(raw.no_life as usize, in_city);
}

/// A 支委会 expects the committee in post that day, with its quorum over them; a 支部党员
/// 大会 the whole branch, its 党小组 included; a 党小组会 the group.
pub(super) fn a_committee_meeting_expects_the_committee_and_an_assembly_the_whole_branch(
    db: &TestDb,
) {
    use liangxin_domain::kinds::{Attendance, MeetingKind, Post};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let group = store
        .insert_party_org(
            "t",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(c.joint),
                name: "第一党小组".into(),
                org_type: PartyOrgType::Group,
                formation_mode: None,
                zone: None,
                has_committee: false,
                term_started: None,
            },
            &[],
            d(2024, 1, 1),
        )
        .unwrap();
    let mut in_branch = Vec::new();
    for (i, name) in ["书记甲", "委员乙", "党员丙", "党员丁"].iter().enumerate() {
        let m = member(c.joint, name, 51 + i as u16, MemberStatus::Full, None);
        in_branch.push(store.insert_member("t", &county, TODAY, m).unwrap());
    }
    // The branch does not set its own 党小组's records start (its members are the branch's).
    let own = scope_of(&mut store, c.joint);
    let err = store
        .set_records_start("sec", &own, group, d(2026, 11, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("本级不能修改"), "{err}");
    let grouped = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(group, "组员戊", 60, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Secretary,
            in_branch[0],
            d(2026, 1, 1),
            TODAY,
        )
        .unwrap();
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Organization,
            in_branch[1],
            d(2026, 9, 1),
            TODAY,
        )
        .unwrap();
    let names = |store: &mut Store, org, kind, on| {
        let mut v: Vec<String> = store
            .expected_attendees(&county, org, kind, on)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&mut store, c.joint, MeetingKind::Committee, TODAY),
        vec!["书记甲", "委员乙"]
    );
    // In August the 组织委员 was not yet in post.
    assert_eq!(
        names(&mut store, c.joint, MeetingKind::Committee, d(2026, 8, 20)),
        vec!["书记甲"]
    );
    assert_eq!(
        names(&mut store, c.joint, MeetingKind::BranchAssembly, TODAY),
        vec!["书记甲", "党员丁", "党员丙", "委员乙", "组员戊"]
    );
    assert_eq!(
        names(&mut store, group, MeetingKind::GroupMeeting, TODAY),
        vec!["组员戊"]
    );
    let record = |kind, attendance: Vec<(Key, Attendance)>| {
        let mut attendance: Vec<AttendanceRecord> = attendance
            .into_iter()
            .map(|(member, attendance)| AttendanceRecord {
                member,
                attendance,
                reason: (attendance == Attendance::Excused).then(|| "出差".into()),
            })
            .collect();
        attendance.sort_by_key(|a| a.member);
        MeetingRecord {
            party_org: c.joint,
            kind,
            held_on: d(2026, 11, 20),
            place: "会议室".into(),
            host: "书记甲".into(),
            recorder: "委员乙".into(),
            topic: "研究本月工作".into(),
            agenda: String::new(),
            minutes: String::new(),
            decisions: String::new(),
            attendance,
        }
    };
    // The whole branch marked for a 支委会 is refused; the committee is the list.
    let everyone: Vec<(Key, Attendance)> = in_branch
        .iter()
        .chain([&grouped])
        .map(|m| (*m, Attendance::Present))
        .collect();
    let err = store
        .record_meeting(
            "t",
            &county,
            TODAY,
            record(MeetingKind::Committee, everyone.clone()),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("出席情况") || err.contains("不是"), "{err}");
    // One of two present is not more than half of the committee.
    let half = vec![
        (in_branch[0], Attendance::Present),
        (in_branch[1], Attendance::Excused),
    ];
    let key = store
        .record_meeting("t", &county, TODAY, record(MeetingKind::Committee, half))
        .unwrap();
    let view = store.meeting(&county, key).unwrap().unwrap();
    assert_eq!(view.summary.quorate, Some(false));
    assert_eq!(view.attendance.len(), 2);
    // The assembly: the group's member is marked with the branch.
    let key = store
        .record_meeting(
            "t",
            &county,
            TODAY,
            record(MeetingKind::BranchAssembly, everyone),
        )
        .unwrap();
    let view = store.meeting(&county, key).unwrap().unwrap();
    assert_eq!(
        (view.summary.quorate, view.attendance.len()),
        (Some(true), 5)
    );
}

/// The engine's run of unpaid months stops at a month with nothing due: across New Year the
/// baseline needs each year's standard, and a standard reduced to nothing is nothing due.
pub(super) fn the_unpaid_baseline_follows_the_run_across_new_year(db: &TestDb) {
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let city = scope_of(&mut store, c.city);
    let mut admit = |name: &str, seq: u16| {
        store
            .insert_member(
                "t",
                &longyou,
                TODAY,
                member(c.joint, name, seq, MemberStatus::Full, None),
            )
            .unwrap()
    };
    let (both, only_new, reduced) = (
        admit("两年", 131),
        admit("只有新年", 132),
        admit("减免", 133),
    );
    let salaried = |reduction: Option<(Fen, String)>| DuesInput {
        category: DuesCategory::Salaried,
        base: Some(Fen::new(800_000)),
        farmer_amount: None,
        reduction,
    };
    let mut standard = |m: Key, year: i32, input: DuesInput| {
        store
            .set_dues_standard("t", &longyou, TODAY, m, year, input)
            .unwrap();
    };
    standard(both, 2026, salaried(None));
    standard(both, 2027, salaried(None));
    standard(only_new, 2027, salaried(None));
    standard(
        reduced,
        2026,
        salaried(Some((Fen::ZERO, "支部决定、县委组织部批准".into()))),
    );
    standard(reduced, 2027, salaried(None));
    // Nothing paid: the window is 2026-11 to 2027-01.
    let day = d(2027, 2, 15);
    let found = store.compute_audit(&city, day).unwrap();
    let unpaid: std::collections::BTreeSet<Key> = found
        .iter()
        .filter(|f| f.kind == liangxin_domain::audit::AuditKind::DuesUnpaid)
        .filter_map(|f| match f.subject {
            liangxin_domain::audit::AuditSubject::Member { key } => Some(key),
            _ => None,
        })
        .collect();
    assert!(unpaid.contains(&both), "{unpaid:?}");
    assert!(!unpaid.contains(&only_new), "2026 had nothing due");
    assert!(!unpaid.contains(&reduced), "2026 was reduced to nothing");
    let rules =
        liangxin_domain::audit::AuditRules::resolve(&store.rule_set().unwrap(), day).unwrap();
    let raw = store.audit_raw_sql(&city, day, &rules).unwrap();
    assert_eq!(raw.unpaid as usize, unpaid.len());
    // The county's baseline reads member by member, and agrees as well.
    let in_county = store
        .compute_audit(&longyou, day)
        .unwrap()
        .iter()
        .filter(|f| f.kind == liangxin_domain::audit::AuditKind::DuesUnpaid)
        .count();
    let raw = store.audit_raw_sql(&longyou, day, &rules).unwrap();
    assert_eq!(raw.unpaid as usize, in_county);
}

/// A branch's members include its 党小组's: a branch whose members all sit in a group owes
/// its meetings and is judged on them.
pub(super) fn a_branch_whose_members_are_all_in_its_groups_still_owes_its_meetings(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let from = d(2026, 1, 1);
    let assessed = |store: &mut Store| -> Vec<Key> {
        store
            .life_facts(&county, from, TODAY)
            .unwrap()
            .into_iter()
            .map(|f| f.key)
            .collect()
    };
    assert!(!assessed(&mut store).contains(&c.joint), "no member yet");
    let group = store
        .insert_party_org(
            "t",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(c.joint),
                name: "第一党小组".into(),
                org_type: PartyOrgType::Group,
                formation_mode: None,
                zone: None,
                has_committee: false,
                term_started: None,
            },
            &[],
            d(2024, 1, 1),
        )
        .unwrap();
    store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(group, "组员甲", 81, MemberStatus::Full, None),
        )
        .unwrap();
    let now = assessed(&mut store);
    assert!(now.contains(&c.joint), "{now:?}");
    assert!(now.contains(&group));
    let findings = store.compute_audit(&county, TODAY).unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f.responsible == c.joint
                && f.kind == liangxin_domain::audit::AuditKind::LifeMissed),
        "the branch's missed meetings are found"
    );
}

/// The audit reads each member's kept latest records (last month paid for and the one
/// before it); a member who paid this month is judged by the months up to last month, and
/// a day before the payments is judged without them.
pub(super) fn a_member_who_paid_this_month_still_owes_the_months_before(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditRules, AuditSubject};
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let city = scope_of(&mut store, c.city);
    let mut admit = |name: &str, seq: u16| {
        store
            .insert_member(
                "t",
                &longyou,
                TODAY,
                member(c.joint, name, seq, MemberStatus::Full, None),
            )
            .unwrap()
    };
    let (paid_up, skipped, only_now) = (
        admit("按月", 141),
        admit("跳交", 142),
        admit("只交本月", 143),
    );
    for m in [paid_up, skipped, only_now] {
        store
            .set_dues_standard(
                "t",
                &longyou,
                TODAY,
                m,
                2026,
                DuesInput {
                    category: DuesCategory::Salaried,
                    base: Some(Fen::new(800_000)),
                    farmer_amount: None,
                    reduction: None,
                },
            )
            .unwrap();
    }
    // January to October for one, January to April for another; this month (November)
    // for all three.
    for month in 1..=11 {
        let payers: Vec<(Key, Fen)> = [
            (paid_up, month <= 10),
            (skipped, month <= 4),
            (only_now, false),
        ]
        .into_iter()
        .filter(|&(_, paid)| paid || month == 11)
        .map(|(m, _)| (m, Fen::new(4_000)))
        .collect();
        store
            .mark_dues(
                "t",
                &longyou,
                TODAY,
                c.joint,
                Period::month(2026, month).unwrap(),
                &payers,
            )
            .unwrap();
    }
    let unpaid_on = |store: &mut Store, day: NaiveDate| {
        let found = store.compute_audit(&city, day).unwrap();
        let unpaid: std::collections::BTreeSet<Key> = found
            .iter()
            .filter(|f| f.kind == AuditKind::DuesUnpaid)
            .filter_map(|f| match f.subject {
                AuditSubject::Member { key } => Some(key),
                _ => None,
            })
            .filter(|k| [paid_up, skipped, only_now].contains(k))
            .collect();
        let rules = AuditRules::resolve(&store.rule_set().unwrap(), day).unwrap();
        let all_unpaid = found
            .iter()
            .filter(|f| f.kind == AuditKind::DuesUnpaid)
            .count();
        let raw = store.audit_raw_sql(&city, day, &rules).unwrap();
        assert_eq!(raw.unpaid as usize, all_unpaid, "engine and SQL on {day}");
        // A county's baseline reads member by member: the same count for its subtree.
        let in_county = store
            .compute_audit(&longyou, day)
            .unwrap()
            .iter()
            .filter(|f| f.kind == AuditKind::DuesUnpaid)
            .count();
        let raw = store.audit_raw_sql(&longyou, day, &rules).unwrap();
        assert_eq!(
            raw.unpaid as usize, in_county,
            "county engine and SQL on {day}"
        );
        unpaid
    };
    // Today: May to October unpaid for one, January to October for another.
    assert_eq!(
        unpaid_on(&mut store, TODAY),
        [skipped, only_now].into_iter().collect()
    );
    // The day before every payment was entered: nothing paid yet, for any of them.
    assert_eq!(
        unpaid_on(&mut store, TODAY.pred_opt().unwrap()),
        [paid_up, skipped, only_now].into_iter().collect()
    );
}
