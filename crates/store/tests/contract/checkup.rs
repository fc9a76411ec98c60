//! 党性体检: a member writes their self-examination against the checklist in force, with a
//! rectification for every problem found; the branch reviews it once; it is reference for
//! the 民主评议 and in the audit log.

use super::*;
use liangxin_domain::checkup::{Area, AreaEntry, CheckupState};

fn entries(problem_in: Option<Area>) -> Vec<AreaEntry> {
    Area::ALL
        .iter()
        .map(|a| AreaEntry {
            area: *a,
            finding: format!("{}方面总体较好", a.label()),
            problem: (Some(*a) == problem_in).then(|| "学习不够经常".to_owned()),
            rectification: (Some(*a) == problem_in).then(|| "每月读一本理论书".to_owned()),
            due: (Some(*a) == problem_in).then(|| d(2027, 3, 31)),
        })
        .collect()
}

fn review(text: &str, notes: &[(Area, &str)]) -> liangxin_store::checkup::CheckupReview {
    liangxin_store::checkup::CheckupReview {
        text: text.into(),
        notes: notes.iter().map(|(a, n)| (*a, (*n).to_owned())).collect(),
    }
}

pub(super) fn a_member_examines_themselves_and_the_branch_reviews_it_once(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let other = scope_of(&mut store, c.kecheng);
    let me = store
        .insert_member(
            "t",
            &county,
            d(2026, 1, 5),
            member(c.joint, "体检党员", 600, MemberStatus::Full, None),
        )
        .unwrap();
    let own = Scope {
        member: Some(me),
        ..scope_of(&mut store, c.joint)
    };

    // Bad input names its field and writes nothing.
    let mut missing = entries(None);
    missing.retain(|e| e.area != Area::Conduct);
    let err = store
        .submit_checkup("me", &own, TODAY, me, 2026, &missing)
        .unwrap_err()
        .to_string();
    assert!(err.contains("道德品行"), "{err}");
    let mut bare = entries(None);
    bare[0].problem = Some("理论学习不深".into());
    let err = store
        .submit_checkup("me", &own, TODAY, me, 2026, &bare)
        .unwrap_err()
        .to_string();
    assert!(err.contains("整改措施"), "{err}");
    let err = store
        .submit_checkup("me", &own, TODAY, me, 2024, &entries(None))
        .unwrap_err()
        .to_string();
    assert!(err.contains("年度"), "{err}");
    assert!(
        store
            .submit_checkup("t", &other, TODAY, me, 2026, &entries(None))
            .is_err(),
        "another county cannot"
    );
    assert_eq!(store.checkup(&own, me, 2026).unwrap(), None);

    // The member writes it, then rewrites it before the review.
    let key = store
        .submit_checkup("me", &own, TODAY, me, 2026, &entries(None))
        .unwrap();
    let again = store
        .submit_checkup("me", &own, TODAY, me, 2026, &entries(Some(Area::Ideals)))
        .unwrap();
    assert_eq!(key, again, "one checkup a year");
    let c1 = store.checkup(&county, me, 2026).unwrap().unwrap();
    assert_eq!(c1.state, CheckupState::Submitted);
    assert_eq!(c1.areas.len(), Area::ALL.len());
    let ideals = &c1.areas[0];
    assert_eq!(ideals.entry.area, Area::Ideals);
    assert_eq!(
        ideals.entry.rectification.as_deref(),
        Some("每月读一本理论书")
    );
    assert_eq!(ideals.rule.0, "checkup.area.ideals");
    assert_eq!(
        store.checkup_standings(&county, &[me], 2026).unwrap(),
        vec![(
            me,
            liangxin_store::checkup::CheckupStanding {
                state: CheckupState::Submitted,
                problems: 1
            }
        )]
    );
    assert!(
        store.checkup_standings(&own, &[me], 2026).is_err(),
        "the branch's list is the branch's"
    );
    assert!(
        store
            .checkup_standings(&other, &[me], 2026)
            .unwrap()
            .is_empty()
    );

    // The branch reviews it, once; the member cannot, and nothing changes after.
    assert!(
        store
            .review_checkup("me", &own, TODAY, me, 2026, &review("自评", &[]))
            .is_err()
    );
    // The branch's roll and its 待办 show it written and waiting for review.
    let branch = scope_of(&mut store, c.joint);
    let standing = |store: &mut Store| {
        let roll = store.checkup_roll(&branch, c.joint, 2026, 0, 100).unwrap();
        let line = roll.lines.iter().find(|l| l.member == me).cloned().unwrap();
        (roll.written, roll.reviewed, line.standing.map(|s| s.state))
    };
    assert_eq!(standing(&mut store), (1, 0, Some(CheckupState::Submitted)));
    let roll = store.checkup_roll(&branch, c.joint, 2026, 0, 100).unwrap();
    assert_eq!(
        roll.members as usize,
        roll.lines.len(),
        "one page holds the branch"
    );
    assert!(
        roll.lines
            .iter()
            .filter(|l| l.member != me)
            .all(|l| l.standing.is_none()),
        "the others have not written one"
    );
    assert_eq!(
        store
            .evaluation_todo(&branch, TODAY)
            .unwrap()
            .checkups_to_review,
        1
    );
    assert_eq!(
        store
            .evaluation_todo(&other, TODAY)
            .unwrap()
            .checkups_to_review,
        0
    );
    assert!(
        store.checkup_roll(&other, c.joint, 2026, 0, 100).is_err(),
        "never sideways"
    );
    assert!(
        store.checkup_roll(&own, c.joint, 2026, 0, 100).is_err(),
        "not the member's"
    );
    let err = store
        .review_checkup("t", &county, TODAY, me, 2026, &review(" ", &[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("评议意见"), "{err}");
    store
        .review_checkup(
            "t",
            &county,
            TODAY,
            me,
            2026,
            &review(
                "查摆问题实在，整改措施可行",
                &[(Area::Ideals, "请支部跟踪读书计划")],
            ),
        )
        .unwrap();
    let c2 = store.checkup(&own, me, 2026).unwrap().unwrap();
    assert_eq!(c2.state, CheckupState::Reviewed);
    assert_eq!(standing(&mut store), (1, 1, Some(CheckupState::Reviewed)));
    assert_eq!(
        store
            .evaluation_todo(&branch, TODAY)
            .unwrap()
            .checkups_to_review,
        0
    );
    assert_eq!(c2.review.as_deref(), Some("查摆问题实在，整改措施可行"));
    assert_eq!(
        c2.areas[0].review_note.as_deref(),
        Some("请支部跟踪读书计划")
    );
    assert!(
        store
            .review_checkup("t", &county, TODAY, me, 2026, &review("再评", &[]))
            .is_err()
    );
    assert!(
        store
            .submit_checkup("me", &own, TODAY, me, 2026, &entries(None))
            .is_err()
    );
    assert_eq!(
        store
            .audit_entries("checkup", key.county, key.id)
            .unwrap()
            .len(),
        3,
        "written, rewritten, reviewed"
    );
}
