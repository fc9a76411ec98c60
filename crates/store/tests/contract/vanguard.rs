//! 先锋指数: records entered by the branch with their evidence, and a member's year counted
//! from them, the meetings and the ledger, every point a linked fact.

use super::*;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
use liangxin_domain::vanguard::{FactRef, Item, RecordKind, Span};
use liangxin_store::vanguard::NewMemberRecord;

fn record(member: Key, kind: RecordKind, on: NaiveDate, title: &str) -> NewMemberRecord {
    NewMemberRecord {
        member,
        kind,
        on,
        until: None,
        title: title.into(),
        evidence: "支部委员会会议记录".into(),
    }
}

pub(super) fn a_members_index_counts_only_recorded_facts_each_linked_to_its_record(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let other = scope_of(&mut store, c.kecheng);
    let members: Vec<Key> = (0..3)
        .map(|i| {
            let m = member(
                c.joint,
                &format!("党员{i}"),
                400 + i,
                MemberStatus::Full,
                None,
            );
            store.insert_member("t", &county, d(2026, 1, 5), m).unwrap()
        })
        .collect();
    let me = members[0];
    let own = Scope {
        member: Some(me),
        ..scope_of(&mut store, c.joint)
    };

    // Bad input names its field and writes nothing.
    let mut future = record(me, RecordKind::Volunteer, d(2026, 11, 28), "社区服务");
    assert!(
        store
            .record_member_fact("t", &county, TODAY, future.clone())
            .unwrap_err()
            .to_string()
            .contains("日期")
    );
    future.on = d(2026, 5, 1);
    future.until = Some(d(2026, 6, 1));
    assert!(
        store
            .record_member_fact("t", &county, TODAY, future)
            .unwrap_err()
            .to_string()
            .contains("截止日期")
    );
    let mut no_evidence = record(me, RecordKind::Reward, d(2026, 7, 1), "优秀共产党员");
    no_evidence.evidence = " ".into();
    assert!(
        store
            .record_member_fact("t", &county, TODAY, no_evidence)
            .unwrap_err()
            .to_string()
            .contains("佐证")
    );
    assert!(
        store
            .record_member_fact(
                "t",
                &other,
                TODAY,
                record(me, RecordKind::Reward, d(2026, 7, 1), "表彰")
            )
            .is_err(),
        "another county cannot"
    );
    assert!(
        store
            .record_member_fact(
                "me",
                &own,
                TODAY,
                record(me, RecordKind::Reward, d(2026, 7, 1), "表彰")
            )
            .is_err(),
        "a member does not enter their own"
    );
    assert!(store.member_records(&county, me).unwrap().is_empty());

    // A meeting attended, a duty held, commitments, a reward, a punishment.
    let meeting = store
        .record_meeting(
            "t",
            &county,
            TODAY,
            MeetingRecord {
                party_org: c.joint,
                kind: MeetingKind::ThemeDay,
                held_on: d(2026, 3, 10),
                place: "会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "学习党章".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance: members
                    .iter()
                    .map(|k| AttendanceRecord {
                        member: *k,
                        attendance: if *k == me {
                            Attendance::Present
                        } else {
                            Attendance::Absent
                        },
                        reason: None,
                    })
                    .collect(),
            },
        )
        .unwrap();
    let mut post = record(
        me,
        RecordKind::VanguardPost,
        d(2025, 6, 1),
        "质检岗党员先锋岗",
    );
    post.until = Some(d(2026, 2, 1));
    store.record_member_fact("t", &county, TODAY, post).unwrap();
    for title in ["带徒两名", "完成技改", "节能降耗"] {
        store
            .record_member_fact(
                "t",
                &county,
                TODAY,
                record(me, RecordKind::CommitmentKept, d(2026, 10, 1), title),
            )
            .unwrap();
    }
    store
        .record_member_fact(
            "t",
            &county,
            TODAY,
            record(me, RecordKind::CommitmentKept, d(2026, 10, 2), "第四项"),
        )
        .unwrap();
    store
        .record_member_fact(
            "t",
            &county,
            TODAY,
            record(me, RecordKind::CommitmentBroken, d(2026, 10, 3), "未完成"),
        )
        .unwrap();
    let reward = store
        .record_member_fact(
            "t",
            &county,
            TODAY,
            record(me, RecordKind::Reward, d(2026, 7, 1), "优秀共产党员"),
        )
        .unwrap();
    // Last year's reward is not this year's.
    store
        .record_member_fact(
            "t",
            &county,
            TODAY,
            record(me, RecordKind::Reward, d(2025, 7, 1), "往年表彰"),
        )
        .unwrap();

    let e = store
        .vanguard_index(&own, me, Span::Year(2026), TODAY)
        .unwrap();
    let of = |i: Item| e.items.iter().find(|(x, _)| *x == i).unwrap().1;
    assert_eq!(of(Item::Attendance), 2, "one meeting attended");
    assert_eq!(
        of(Item::Duties),
        5,
        "a post held into this year counts once"
    );
    assert_eq!(of(Item::Commitments), 12, "four kept, capped at 12");
    assert_eq!(of(Item::CommitmentBroken), -4);
    assert_eq!(of(Item::Rewards), 4, "this year's reward only");
    assert_eq!(
        of(Item::Dues),
        0,
        "no dues standard: nothing owed, nothing counted"
    );
    assert_eq!(e.total, 2 + 5 + 12 - 4 + 4);
    assert_eq!(e.lines.iter().map(|l| l.points).sum::<i64>(), e.total);
    assert!(e.lines.iter().any(|l| l.fact.link
        == FactRef::Meeting {
            county: meeting.county,
            id: meeting.id
        }));
    assert!(e.lines.iter().any(|l| l.fact.link
        == FactRef::Record {
            county: reward.county,
            id: reward.id
        }));
    assert!(
        e.lines.iter().any(|l| l.over_cap),
        "the fourth commitment is listed, over the cap"
    );
    // A quarter counts its own facts against a quarter of each cap: the first quarter has
    // the meeting (2) and the post held into it (5, capped at 3); the third, the reward (4,
    // capped at 2); the fourth, four commitments kept (capped at 3) less one broken (4).
    let quarter = |store: &mut Store, q| {
        store
            .vanguard_index(&own, me, Span::Quarter(2026, q), TODAY)
            .unwrap()
            .total
    };
    assert_eq!(quarter(&mut store, 1), 2 + 3);
    assert_eq!(quarter(&mut store, 2), 0);
    assert_eq!(quarter(&mut store, 3), 2);
    assert_eq!(quarter(&mut store, 4), 0, "3 − 4, floored at zero");
    assert!(
        store
            .vanguard_index(&own, me, Span::Quarter(2027, 1), TODAY)
            .is_err(),
        "not yet begun"
    );
    // An absent member's index has no meeting in it.
    let absent = store
        .vanguard_index(&county, members[1], Span::Year(2026), TODAY)
        .unwrap();
    assert_eq!(absent.total, 0);
    // Another member's, or another county's view: refused.
    assert!(
        store
            .vanguard_index(&own, members[1], Span::Year(2026), TODAY)
            .is_err()
    );
    assert!(
        store
            .vanguard_index(&other, me, Span::Year(2026), TODAY)
            .is_err()
    );
    assert_eq!(store.member_records(&own, me).unwrap().len(), 8);
    assert_eq!(
        store
            .audit_entries("member_record", reward.county, reward.id)
            .unwrap()
            .len(),
        1
    );

    // A record entered in error is withdrawn with its reason, by the branch or above only,
    // once; it stays listed and no longer counts, for the member and for the distribution.
    assert!(
        store
            .withdraw_member_record("me", &own, TODAY, reward, "录错")
            .is_err()
    );
    assert!(
        store
            .withdraw_member_record("t", &other, TODAY, reward, "录错")
            .is_err()
    );
    assert!(
        store
            .withdraw_member_record("t", &county, TODAY, reward, " ")
            .unwrap_err()
            .to_string()
            .contains("撤销理由")
    );
    store
        .withdraw_member_record("t", &county, TODAY, reward, "表彰文件未下发，录入有误")
        .unwrap();
    assert!(
        store
            .withdraw_member_record("t", &county, TODAY, reward, "再撤")
            .is_err()
    );
    let after = store
        .vanguard_index(&own, me, Span::Year(2026), TODAY)
        .unwrap();
    assert_eq!(after.total, e.total - 4);
    let listed = store.member_records(&own, me).unwrap();
    let w = listed.iter().find(|r| r.key == reward).unwrap();
    assert_eq!(w.withdrawn.as_ref().unwrap().1, "表彰文件未下发，录入有误");
    let bulk = store
        .vanguard_totals(&county, d(2026, 1, 1), TODAY)
        .unwrap()
        .into_iter()
        .find(|s| s.member == me)
        .unwrap();
    assert_eq!(bulk.total, after.total);
    assert_eq!(
        store
            .audit_entries("member_record", reward.county, reward.id)
            .unwrap()
            .len(),
        2
    );
}

/// The scope's distribution counts every member as their own page does: a city of members
/// with meetings attended or not, months paid in full, short or not at all, duties held
/// across the year's start, commitments, service and the audit's six-month findings; the
/// bulk count per member equals the one-by-one index, for a scope with a region and for a
/// subtree read through its members, and the bands add up per organization below.
pub(super) fn a_scopes_band_counts_equal_each_members_own_index(db: &TestDb) {
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_domain::vanguard::{Band, BandCounts};
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let longyou = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let longyou_subtree = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut members = Vec::new();
    for (i, (branch, scope)) in [(c.joint, &longyou), (c.tech_branch, &kecheng)]
        .into_iter()
        .cycle()
        .take(10)
        .enumerate()
    {
        let seq = 500 + u16::try_from(i).unwrap();
        let m = store
            .insert_member(
                "t",
                scope,
                d(2026, 1, 5),
                member(branch, &format!("党员{i}"), seq, MemberStatus::Full, None),
            )
            .unwrap();
        let input = DuesInput {
            category: DuesCategory::Salaried,
            base: Some(Fen::new(500_000)),
            farmer_amount: None,
            reduction: None,
        };
        let due = store
            .set_dues_standard("t", scope, d(2026, 1, 5), m, 2026, input)
            .unwrap();
        members.push((m, branch, scope.clone(), due));
    }
    // Months 1..=i paid in full by member i, and the month after paid short.
    for month in 1..=10u32 {
        for branch in [c.joint, c.tech_branch] {
            let payments: Vec<(Key, Fen)> = members
                .iter()
                .enumerate()
                .filter(|(_, (_, b, ..))| *b == branch)
                .filter_map(|(i, (m, _, _, due))| {
                    let i = u32::try_from(i).unwrap();
                    if month <= i {
                        Some((*m, *due))
                    } else if month == i + 1 {
                        Some((*m, Fen::new(due.fen() / 2)))
                    } else {
                        None
                    }
                })
                .collect();
            let scope = if branch == c.joint {
                &longyou
            } else {
                &kecheng
            };
            if !payments.is_empty() {
                store
                    .mark_dues(
                        "t",
                        scope,
                        TODAY,
                        branch,
                        Period::month(2026, month).unwrap(),
                        &payments,
                    )
                    .unwrap();
            }
        }
    }
    // Three meetings per branch; member i attends the ones below i mod 4.
    for (n, held_on) in [d(2026, 2, 10), d(2026, 5, 12), d(2026, 9, 8)]
        .into_iter()
        .enumerate()
    {
        for branch in [c.joint, c.tech_branch] {
            let scope = if branch == c.joint {
                &longyou
            } else {
                &kecheng
            };
            let attendance = members
                .iter()
                .enumerate()
                .filter(|(_, (_, b, ..))| *b == branch)
                .map(|(i, (m, ..))| AttendanceRecord {
                    member: *m,
                    attendance: if n < i % 4 {
                        Attendance::Present
                    } else {
                        Attendance::Absent
                    },
                    reason: None,
                })
                .collect();
            store
                .record_meeting(
                    "t",
                    scope,
                    TODAY,
                    MeetingRecord {
                        party_org: branch,
                        kind: MeetingKind::ThemeDay,
                        held_on,
                        place: "会议室".into(),
                        host: "书记".into(),
                        recorder: "委员".into(),
                        topic: format!("主题党日{n}"),
                        agenda: String::new(),
                        minutes: String::new(),
                        decisions: String::new(),
                        attendance,
                    },
                )
                .unwrap();
        }
    }
    // Records of every kind, some outside the year.
    for (i, (m, _, scope, _)) in members.iter().enumerate() {
        let kinds = RecordKind::ALL;
        for k in 0..(i % 5) {
            let kind = kinds[(i + k) % kinds.len()];
            let mut r = record(*m, kind, d(2026, 1 + u32::try_from(k).unwrap(), 15), "事项");
            if kind.is_duty() {
                r.on = d(2025, 3, 1);
                r.until = (k % 2 == 1).then(|| d(2025, 12, 31));
            }
            if i == 7 && k == 0 {
                r.on = d(2025, 6, 1);
                r.until = None;
            }
            store.record_member_fact("t", scope, TODAY, r).unwrap();
        }
    }
    // The six-month rule finds the members who attended nothing.
    store.run_audit("t", &city, TODAY).unwrap();

    let year = (d(2026, 1, 1), TODAY);
    let one_by_one = |store: &mut Store, scope: &Scope| -> Vec<(Key, i64, Band)> {
        let mut v: Vec<(Key, i64, Band)> = Vec::new();
        for (m, b, ..) in &members {
            if scope.contains_path(&scope_of(store, *b).party_path) {
                let e = store
                    .vanguard_index(scope, *m, Span::Year(2026), year.1)
                    .unwrap();
                v.push((*m, e.total, e.band));
            }
        }
        v.sort();
        v
    };
    let bulk = |store: &mut Store, scope: &Scope| -> Vec<(Key, i64, Band)> {
        let mut v: Vec<(Key, i64, Band)> = store
            .vanguard_totals(scope, year.0, year.1)
            .unwrap()
            .into_iter()
            .map(|s| (s.member, s.total, s.band))
            .collect();
        v.sort();
        v
    };
    for scope in [&city, &longyou, &longyou_subtree, &kecheng] {
        let expected = one_by_one(&mut store, scope);
        assert!(!expected.is_empty());
        assert_eq!(bulk(&mut store, scope), expected, "{scope:?}");
    }
    let totals = one_by_one(&mut store, &city);
    let flagged = members
        .iter()
        .filter(|(m, ..)| {
            let e = store
                .vanguard_index(&city, *m, Span::Year(2026), year.1)
                .unwrap();
            e.items.contains(&(Item::SixMonth, -10)) || e.items.contains(&(Item::SixMonth, -20))
        })
        .count();
    assert!(flagged > 0, "the six-month findings count");
    assert!(
        totals
            .iter()
            .map(|t| t.1)
            .collect::<std::collections::HashSet<_>>()
            .len()
            > 3,
        "the members differ: {totals:?}"
    );

    // The benchmark's lower bound counts the same facts.
    let mut by_item = [0i64; Item::ALL.len()];
    for s in store.vanguard_totals(&city, year.0, year.1).unwrap() {
        for (a, b) in by_item.iter_mut().zip(s.counts) {
            *a += b;
        }
    }
    let mut raw = [0i64; Item::ALL.len()];
    for (what, n) in store.vanguard_raw_sql(&city, year.0, year.1).unwrap() {
        let item = match what.as_str() {
            "attended" => Item::Attendance,
            "dues" => Item::Dues,
            "six_month" => Item::SixMonth,
            k => RecordKind::parse(k).unwrap().item(),
        };
        raw[Item::ALL.iter().position(|i| *i == item).unwrap()] += n;
    }
    assert_eq!(raw, by_item);
    assert!(
        by_item.iter().all(|n| *n > 0),
        "every item has facts: {by_item:?}"
    );

    let dist = store
        .vanguard_distribution(&city, c.city, year.0, year.1)
        .unwrap();
    let mut expected = BandCounts::default();
    for (_, _, b) in &totals {
        expected.add(*b);
    }
    assert_eq!(dist.all, expected);
    assert_eq!(dist.all.members(), 10);
    assert_eq!(dist.children.len(), 2, "龙游 and 柯城");
    let mut summed = dist.own;
    for (_, _, c) in &dist.children {
        summed.merge(c);
    }
    assert_eq!(summed, dist.all);
    // A county's view of its own committee; never the other county's.
    let own = store
        .vanguard_distribution(&longyou, c.longyou, year.0, year.1)
        .unwrap();
    assert_eq!(own.all.members(), 5);
    assert!(
        store
            .vanguard_distribution(&longyou, c.kecheng, year.0, year.1)
            .is_err()
    );
    // A member's scope sees their own index only.
    let me = Scope {
        member: Some(members[0].0),
        ..longyou_subtree.clone()
    };
    assert!(store.vanguard_totals(&me, year.0, year.1).is_err());
}
