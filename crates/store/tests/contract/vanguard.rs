//! 先锋指数: records entered by the branch with their evidence, and a member's year counted
//! from them, the meetings and the ledger, every point a linked fact.

use super::*;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
use liangxin_domain::vanguard::{FactRef, Item, RecordKind};
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
        .vanguard_index(&own, me, d(2026, 1, 1), TODAY)
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
    // An absent member's index has no meeting in it.
    let absent = store
        .vanguard_index(&county, members[1], d(2026, 1, 1), TODAY)
        .unwrap();
    assert_eq!(absent.total, 0);
    // Another member's, or another county's view: refused.
    assert!(
        store
            .vanguard_index(&own, members[1], d(2026, 1, 1), TODAY)
            .is_err()
    );
    assert!(
        store
            .vanguard_index(&other, me, d(2026, 1, 1), TODAY)
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
}
