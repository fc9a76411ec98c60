//! 软弱涣散: branches found by the rules over their records, a case opened and accepted by
//! the level above only, with the branch's notes between.

use super::*;
use chrono::Datelike;
use liangxin_domain::kinds::Post;
use liangxin_domain::weak::WeakCriterion;
use liangxin_store::weak::{Basis, OpenCase};

fn case(party_org: Key, basis: Basis, deadline: NaiveDate) -> OpenCase {
    OpenCase {
        party_org,
        basis,
        nominated: String::new(),
        causes: "书记调离后长期无人主持工作".into(),
        measures: "选优配强书记；按季度召开支部党员大会".into(),
        leader: "县两新工委 副书记 李某".into(),
        instructor: None,
        deadline,
    }
}

pub(super) fn a_weak_branch_is_found_by_the_rules_rectified_and_accepted_by_the_level_above(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let own = scope_of(&mut store, c.joint);
    let other = scope_of(&mut store, c.kecheng);
    let members: Vec<Key> = (0..3)
        .map(|i| {
            let m = member(
                c.joint,
                &format!("党员{i}"),
                200 + i,
                MemberStatus::Full,
                None,
            );
            store.insert_member("t", &county, TODAY, m).unwrap()
        })
        .collect();
    // Whether a branch is found depends on its records: the day after its records start
    // it owes nothing yet and its 书记 has been missing one day.
    let start = store
        .party_org(&county, c.joint)
        .unwrap()
        .unwrap()
        .records_start;
    assert!(
        store
            .weak_candidates(&county, start.succ_opt().unwrap())
            .unwrap()
            .iter()
            .all(|w| w.party_org != c.joint)
    );
    // Most of a year on, with no 书记 and no meeting held, the rules point to it, each
    // reason by its rule; a branch of another county is never in the list.
    let later = d(2027, 9, 30);
    assert!(later > start + chrono::Days::new(90));
    let found = store.weak_candidates(&county, later).unwrap();
    let joint = found.iter().find(|w| w.party_org == c.joint).unwrap();
    let criteria: Vec<WeakCriterion> = joint.reasons.iter().map(|r| r.criterion).collect();
    assert!(
        criteria.contains(&WeakCriterion::SecretaryVacant),
        "{criteria:?}"
    );
    assert!(
        criteria.contains(&WeakCriterion::NoAssembly),
        "{criteria:?}"
    );
    // Its term (2024-03-01, three years) ran out too: that reason names the term's rule.
    assert!(
        criteria.contains(&WeakCriterion::TermExpired),
        "{criteria:?}"
    );
    assert!(
        joint
            .reasons
            .iter()
            .all(|r| { r.rule.key.starts_with("weak.") || r.rule.key == keys::BRANCH_TERM_YEARS })
    );
    assert!(found.iter().all(|w| w.party_org != c.tech_branch));
    assert!(
        store
            .weak_candidates(&other, later)
            .unwrap()
            .iter()
            .all(|w| w.party_org != c.joint)
    );
    // A 书记 in post takes that reason away.
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Secretary,
            members[0],
            TODAY,
            TODAY,
        )
        .unwrap();
    let found = store.weak_candidates(&county, TODAY).unwrap();
    assert!(
        found
            .iter()
            .filter(|w| w.party_org == c.joint)
            .flat_map(|w| &w.reasons)
            .all(|r| r.criterion != WeakCriterion::SecretaryVacant)
    );

    // Only the level above opens a case; a nomination needs its reasons.
    let deadline = TODAY + chrono::Days::new(180);
    let refused = store
        .open_rectification(
            "sec",
            &own,
            TODAY,
            case(c.joint, Basis::Nomination, deadline),
        )
        .unwrap_err();
    assert!(refused.to_string().contains("上级党组织"), "{refused}");
    let refused = store
        .open_rectification(
            "t",
            &county,
            TODAY,
            case(c.joint, Basis::Nomination, deadline),
        )
        .unwrap_err();
    assert!(refused.to_string().contains("提名理由"), "{refused}");
    let refused = store
        .open_rectification("t", &county, TODAY, case(c.joint, Basis::Nomination, TODAY))
        .unwrap_err();
    assert!(
        refused.to_string().contains("整改期限") || refused.to_string().contains("提名理由"),
        "{refused}"
    );
    assert!(
        store
            .open_rectification(
                "t",
                &other,
                TODAY,
                case(c.joint, Basis::Nomination, deadline)
            )
            .is_err(),
        "another county cannot"
    );
    let nominated = OpenCase {
        nominated: "班子不团结，群众意见大\n\n服务差".into(),
        ..case(c.joint, Basis::Nomination, deadline)
    };
    let key = store
        .open_rectification("county", &county, TODAY, nominated.clone())
        .unwrap();
    assert!(
        store
            .open_rectification("county", &county, TODAY, nominated)
            .is_err(),
        "one case a year"
    );
    let view = store.rectification_case(&own, key).unwrap().unwrap();
    assert_eq!(view.reasons, ["班子不团结，群众意见大", "服务差"]);
    assert!(!view.above, "the branch sees its case, and is not above it");
    assert!(store.rectification_case(&other, key).unwrap().is_none());
    // 待办: due in 180 days, then within the month before it, then past it.
    let todo = |store: &mut Store, day: NaiveDate| {
        let t = store.evaluation_todo(&county, day).unwrap();
        (t.rectifications_due_soon, t.rectifications_overdue)
    };
    assert_eq!(todo(&mut store, TODAY), (0, 0));
    assert_eq!(todo(&mut store, deadline - chrono::Days::new(10)), (1, 0));
    assert_eq!(todo(&mut store, deadline + chrono::Days::new(1)), (0, 1));
    assert_eq!(
        store
            .evaluation_todo(&other, deadline + chrono::Days::new(1))
            .unwrap()
            .rectifications_overdue,
        0,
        "never sideways"
    );

    // The branch notes its progress; only the level above accepts, and not before a note.
    let refused = store
        .accept_rectification("county", &county, TODAY, key, "已整改到位")
        .unwrap_err();
    assert!(refused.to_string().contains("整改进展"), "{refused}");
    store
        .note_rectification("sec", &own, TODAY, key, "已选举新书记，召开支部党员大会")
        .unwrap();
    let refused = store
        .accept_rectification("sec", &own, TODAY, key, "已整改到位")
        .unwrap_err();
    assert!(refused.to_string().contains("上级党组织"), "{refused}");
    assert!(
        store
            .accept_rectification("t", &other, TODAY, key, "已整改到位")
            .is_err()
    );
    store
        .accept_rectification(
            "county",
            &county,
            TODAY,
            key,
            "班子配齐，制度落实，同意销号",
        )
        .unwrap();
    let view = store.rectification_case(&county, key).unwrap().unwrap();
    assert_eq!(view.summary.closed_on, Some(TODAY));
    assert_eq!(
        todo(&mut store, deadline + chrono::Days::new(1)),
        (0, 0),
        "accepted"
    );
    assert_eq!(view.notes.len(), 1);
    assert!(
        store
            .note_rectification("sec", &own, TODAY, key, "再记一条")
            .is_err(),
        "closed"
    );
    let listed = store.rectification_cases(&county, TODAY.year()).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        store
            .audit_entries("rectification_case", key.county, key.id)
            .unwrap()
            .len(),
        3
    );
}
