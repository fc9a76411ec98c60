//! 先进典型: staff record an exemplar of their own organization or member with its deeds and
//! evidence; a committee publishes it or withdraws it; published ones show on the town's page.

use super::*;
use liangxin_domain::kinds::ExemplarKind;
use liangxin_store::exemplars::NewExemplar;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn an_exemplar_is_recorded_with_evidence_published_by_a_committee_and_seen_upward(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let branch = scope_of(&mut store, c.joint);
    let other = scope_of(&mut store, c.kecheng);
    let city = scope_of(&mut store, c.city);
    let m = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "典型甲", 211, MemberStatus::Full, None),
        )
        .unwrap();
    let e = |kind, party_org, member: Option<Key>, title: &str| NewExemplar {
        kind,
        party_org,
        member,
        title: title.into(),
        summary: "带头创办红木行业党建联盟，结对帮扶12家小微企业".into(),
        evidence: "龙游县委组织部表彰文件（龙组〔2026〕15号）".into(),
        recognized_by: "中共龙游县委组织部".into(),
        year: 2026,
    };
    // Bad input names its field and writes nothing.
    let bad = |store: &mut Store, scope: &Scope, x: NewExemplar| {
        field(store.record_exemplar("t", scope, TODAY, &x).unwrap_err())
    };
    assert_eq!(
        bad(
            &mut store,
            &branch,
            e(ExemplarKind::Organization, Some(c.joint), None, " ")
        ),
        "名称"
    );
    assert_eq!(
        bad(
            &mut store,
            &branch,
            e(ExemplarKind::Member, None, None, "优秀党员")
        ),
        "党员"
    );
    assert_eq!(
        bad(
            &mut store,
            &other,
            e(ExemplarKind::Member, None, Some(m), "优秀党员")
        ),
        "党员",
        "another county's member"
    );
    assert_eq!(
        bad(
            &mut store,
            &branch,
            e(
                ExemplarKind::Organization,
                Some(c.tech_branch),
                None,
                "越界"
            )
        ),
        "党组织"
    );
    let mut old = e(ExemplarKind::Practice, Some(c.joint), None, "做法");
    old.year = 2001;
    assert_eq!(bad(&mut store, &branch, old), "年度");
    assert!(store.exemplars(&county).unwrap().is_empty());

    // A branch records its own; the member's organization is read from the record.
    let org = store
        .record_exemplar(
            "t",
            &branch,
            TODAY,
            &e(
                ExemplarKind::Organization,
                Some(c.joint),
                None,
                "红木小镇联合党支部",
            ),
        )
        .unwrap();
    let person = store
        .record_exemplar(
            "t",
            &branch,
            TODAY,
            &e(ExemplarKind::Member, None, Some(m), "典型甲同志"),
        )
        .unwrap();
    let seen = store.exemplar(&county, person).unwrap().unwrap();
    assert_eq!(seen.party_org, c.joint);
    assert_eq!(
        seen.member.as_ref().map(|(_, n)| n.as_str()),
        Some("典型甲")
    );
    assert!(seen.published_on.is_none());
    // Seen upward, never sideways.
    assert_eq!(store.exemplars(&city).unwrap().len(), 2);
    assert!(store.exemplars(&other).unwrap().is_empty());
    assert!(store.exemplar(&other, org).unwrap().is_none());

    // Only a committee publishes, once; it may withdraw.
    assert_eq!(
        field(
            store
                .publish_exemplar("t", &branch, TODAY, org, true)
                .unwrap_err()
        ),
        "先进典型"
    );
    assert_eq!(
        field(
            store
                .publish_exemplar("t", &other, TODAY, org, true)
                .unwrap_err()
        ),
        "先进典型"
    );
    store
        .publish_exemplar("t", &county, TODAY, org, true)
        .unwrap();
    assert_eq!(
        field(
            store
                .publish_exemplar("t", &county, TODAY, org, true)
                .unwrap_err()
        ),
        "先进典型",
        "published once"
    );
    assert_eq!(
        store.exemplar(&city, org).unwrap().unwrap().published_on,
        Some(TODAY)
    );
    store
        .publish_exemplar("t", &city, TODAY, person, true)
        .unwrap();
    store
        .publish_exemplar("t", &city, TODAY, person, false)
        .unwrap();
    assert!(
        store
            .exemplar(&city, person)
            .unwrap()
            .unwrap()
            .published_on
            .is_none()
    );
}
