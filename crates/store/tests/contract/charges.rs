//! 划片包干: a committee assigns its cadres to organizations below it; an assignment is
//! seen by the committee and above, ended once, never before it began.

use super::*;
use liangxin_store::charges::NewCharge;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn a_committee_assigns_cadres_to_organizations_below_it_and_ends_it(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let city = scope_of(&mut store, c.city);
    let county = scope_of(&mut store, c.longyou);
    let other = scope_of(&mut store, c.kecheng);
    let branch = scope_of(&mut store, c.joint);
    let charge = |cadre: &str, party_org, since| NewCharge {
        cadre: cadre.into(),
        post: "县两新工委委员".into(),
        party_org,
        since,
    };
    let bad = |store: &mut Store, scope: &Scope, x: NewCharge| {
        field(store.assign_charge("t", scope, TODAY, &x).unwrap_err())
    };
    assert_eq!(
        bad(&mut store, &county, charge(" ", c.joint, TODAY)),
        "包干干部"
    );
    assert_eq!(
        bad(&mut store, &county, charge("王五", c.tech_branch, TODAY)),
        "包干党组织",
        "not below the committee"
    );
    assert_eq!(
        bad(&mut store, &county, charge("王五", c.longyou, TODAY)),
        "包干党组织",
        "not the committee itself"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            charge("王五", c.joint, TODAY + chrono::Days::new(1))
        ),
        "包干起始日期"
    );
    assert_eq!(
        bad(&mut store, &branch, charge("王五", c.joint, TODAY)),
        "包干",
        "a branch assigns nobody"
    );
    let since = TODAY - chrono::Days::new(60);
    let key = store
        .assign_charge("t", &county, TODAY, &charge("王五", c.joint, since))
        .unwrap();
    assert_eq!(
        bad(&mut store, &county, charge("王五", c.joint, TODAY)),
        "包干干部",
        "assigned once while it lasts"
    );
    let seen = store.charges(&city).unwrap();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].party_org, c.joint);
    assert_eq!(seen[0].committee, c.longyou);
    assert!(seen[0].current(TODAY));
    assert!(store.charges(&other).unwrap().is_empty(), "not sideways");
    assert!(store.charges(&branch).unwrap().is_empty(), "not downward");
    assert_eq!(
        field(
            store
                .end_charge("t", &county, TODAY, key, since - chrono::Days::new(1))
                .unwrap_err()
        ),
        "结束日期"
    );
    assert_eq!(
        field(
            store
                .end_charge("t", &other, TODAY, key, TODAY)
                .unwrap_err()
        ),
        "包干"
    );
    store.end_charge("t", &county, TODAY, key, TODAY).unwrap();
    assert_eq!(
        field(
            store
                .end_charge("t", &county, TODAY, key, TODAY)
                .unwrap_err()
        ),
        "包干",
        "ended once"
    );
    let ended = store.charges(&county).unwrap();
    assert_eq!(ended[0].until, Some(TODAY));
    assert!(!ended[0].current(TODAY + chrono::Days::new(1)));
    // Ended, the cadre may be assigned again.
    store
        .assign_charge("t", &county, TODAY, &charge("王五", c.joint, TODAY))
        .unwrap();
    assert!(
        store.charges(&county).unwrap()[0].until.is_none(),
        "current first"
    );
}
