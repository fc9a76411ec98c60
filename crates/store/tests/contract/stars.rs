//! 双强六好 评星晋级: four steps in order, each by its level; the record-filled indicators
//! computed, never typed; 晋级 and 降级 against the last confirmed rating.

use super::*;
use liangxin_domain::stars::{Change, Indicator, Source, Veto};
use liangxin_store::stars::Step;

fn assessed(points: i64) -> Vec<(Indicator, i64, String)> {
    Indicator::ALL
        .into_iter()
        .filter(|i| i.source() == Source::Assessed)
        .map(|i| (i, points.min(6), format!("{}的依据材料", i.label())))
        .collect()
}

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub(super) fn stars_are_assessed_scored_reviewed_and_confirmed_each_by_its_level(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county_tree = scope_of(&mut store, c.longyou);
    // The scopes the roles have: a county's and the city's carry their region.
    let county = Scope {
        region: Some(LYX),
        ..county_tree.clone()
    };
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let own = scope_of(&mut store, c.joint);
    for i in 0..3 {
        let m = member(
            c.joint,
            &format!("党员{i}"),
            300 + i,
            MemberStatus::Full,
            None,
        );
        store.insert_member("t", &county, TODAY, m).unwrap();
    }

    // Self-assessment: every assessed indicator, within its points, with evidence; the
    // record-filled ones are not the organization's to score.
    let mut short = assessed(5);
    short.pop();
    assert_eq!(
        field(
            store
                .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &short)
                .unwrap_err()
        ),
        "自评"
    );
    let mut over = assessed(5);
    over[0].1 = 99;
    assert_eq!(
        field(
            store
                .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &over)
                .unwrap_err()
        ),
        "自评"
    );
    let mut typed_records = assessed(5);
    typed_records.push((Indicator::Meetings, 15, "都开了".into()));
    assert_eq!(
        field(
            store
                .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &typed_records)
                .unwrap_err()
        ),
        "自评"
    );
    let mut no_evidence = assessed(5);
    no_evidence[1].2 = " ".into();
    assert_eq!(
        field(
            store
                .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &no_evidence)
                .unwrap_err()
        ),
        "自评依据"
    );
    let key = store
        .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &assessed(4))
        .unwrap();
    // Again before scoring: it replaces the last.
    let again = store
        .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &assessed(5))
        .unwrap();
    assert_eq!(again, key);
    // The year's list: the county scores it (no town above it), the branch itself does not.
    let yours = |store: &mut Store, scope: &Scope| {
        let list = store.star_list(scope, Some(2026), 2025).unwrap();
        assert_eq!(list.lines.len(), 1, "{list:?}");
        assert_eq!(list.lines[0].summary.key, key);
        list.lines[0].yours
    };
    assert!(yours(&mut store, &county));
    assert!(!yours(&mut store, &own));
    assert_eq!(
        store.evaluation_todo(&county, TODAY).unwrap().stars_waiting,
        1
    );
    assert_eq!(store.evaluation_todo(&own, TODAY).unwrap().stars_waiting, 0);
    assert_eq!(
        store.evaluation_todo(&city, TODAY).unwrap().stars_waiting,
        0
    );
    assert!(!yours(&mut store, &city));
    assert!(
        store
            .star_list(&county, Some(2025), 2025)
            .unwrap()
            .lines
            .is_empty()
    );
    let listed = store.star_list(&county, None, 2025).unwrap();
    assert!(
        listed.eligible >= 1,
        "the joint branch is rated: {listed:?}"
    );
    assert_eq!(
        (listed.year, listed.years.clone()),
        (2026, vec![2026]),
        "the latest year with ratings"
    );
    let kecheng = scope_of(&mut store, c.kecheng);
    assert_eq!(
        store.star_list(&kecheng, None, 2025).unwrap().year,
        2025,
        "none: the default"
    );
    assert_eq!(listed.confirmed_by_stars(), [0; 6], "none confirmed yet");
    assert!(
        store
            .star_list(&kecheng, Some(2026), 2025)
            .unwrap()
            .lines
            .is_empty(),
        "never sideways"
    );

    // Scoring: not by the organization itself, not before, not by the city.
    let scores: Vec<(Indicator, i64, String)> = assessed(6)
        .into_iter()
        .map(|(i, p, _)| (i, p, "现场查看".to_owned()))
        .collect();
    assert_eq!(
        field(
            store
                .score_stars("sec", &own, TODAY, key, &scores, &[])
                .unwrap_err()
        ),
        "评分"
    );
    assert_eq!(
        field(
            store
                .score_stars("city", &city, TODAY, key, &scores, &[])
                .unwrap_err()
        ),
        "评分"
    );
    assert_eq!(
        field(
            store
                .review_stars("county", &county, TODAY, key, &[], "")
                .unwrap_err()
        ),
        "审核"
    );
    store
        .score_stars("county", &county, TODAY, key, &scores, &[])
        .unwrap();
    assert!(yours(&mut store, &county), "scored: the county's to review");
    assert_eq!(
        field(
            store
                .self_assess_stars("sec", &own, TODAY, c.joint, 2026, &assessed(5))
                .unwrap_err()
        ),
        "自评"
    );
    let view = store.star_assessment(&county, TODAY, key).unwrap().unwrap();
    assert_eq!(view.summary.step, Step::Scored);
    let records: Vec<_> = view
        .lines
        .iter()
        .filter(|l| l.indicator.source() == Source::Records)
        .collect();
    assert_eq!(records.len(), 6, "every record-filled indicator, computed");
    assert!(
        records
            .iter()
            .all(|l| l.rule.key.starts_with("stars.points."))
    );
    assert!(
        records
            .iter()
            .all(|l| l.points.is_some() && !l.note.is_empty())
    );
    let total: i64 = view.lines.iter().filter_map(|l| l.counted()).sum();
    assert_eq!(view.summary.total, Some(total));
    assert!(view.rights.review && !view.rights.confirm);

    // Review: the county may adjust an assessed indicator with its reason, never a
    // record-filled one; a zone's or town's scope (no region) cannot review.
    assert_eq!(
        field(
            store
                .review_stars("town", &county_tree, TODAY, key, &[], "")
                .unwrap_err()
        ),
        "审核"
    );
    assert_eq!(
        field(
            store
                .review_stars(
                    "county",
                    &county,
                    TODAY,
                    key,
                    &[(Indicator::Meetings, 15)],
                    "补录"
                )
                .unwrap_err()
        ),
        "审核"
    );
    assert_eq!(
        field(
            store
                .review_stars(
                    "county",
                    &county,
                    TODAY,
                    key,
                    &[(Indicator::Production, 2)],
                    ""
                )
                .unwrap_err()
        ),
        "审核意见"
    );
    store
        .review_stars(
            "county",
            &county,
            TODAY,
            key,
            &[(Indicator::Production, 2)],
            "营收下滑，生产经营一项调整为2分",
        )
        .unwrap();
    let view = store.star_assessment(&county, TODAY, key).unwrap().unwrap();
    assert_eq!(view.summary.total, Some(total - 4));
    let production = view
        .lines
        .iter()
        .find(|l| l.indicator == Indicator::Production)
        .unwrap();
    assert_eq!(
        (production.points, production.reviewed_points),
        (Some(6), Some(2))
    );

    // Confirmation: the city only; a 示范点 only at five stars.
    assert_eq!(
        field(
            store
                .confirm_stars("county", &county, TODAY, key, false)
                .unwrap_err()
        ),
        "确认"
    );
    assert_eq!(
        field(
            store
                .confirm_stars("city", &city, TODAY, key, true)
                .unwrap_err()
        ),
        "示范点"
    );
    assert!(yours(&mut store, &city), "reviewed: the city's to confirm");
    assert!(!yours(&mut store, &county));
    store
        .confirm_stars("city", &city, TODAY, key, false)
        .unwrap();
    assert!(!yours(&mut store, &city));
    let (history, _) = store.star_history(&own, c.joint).unwrap();
    let mut by_stars = [0; 6];
    by_stars[usize::from(history[0].stars.unwrap())] = 1;
    assert_eq!(
        store
            .star_list(&city, Some(2026), 2025)
            .unwrap()
            .confirmed_by_stars(),
        by_stars
    );
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].change(), Some(Change::First));
    let stars_2026 = history[0].stars.unwrap();
    assert!((1..=5).contains(&stars_2026));

    // A vetoed year is unrated; the next year's rating is 晋级 against it.
    let y2025 = store
        .self_assess_stars("sec", &own, TODAY, c.joint, 2025, &assessed(5))
        .unwrap();
    store
        .score_stars(
            "county",
            &county,
            TODAY,
            y2025,
            &scores,
            &[Veto::SafetyAccident],
        )
        .unwrap();
    store
        .review_stars("county", &county, TODAY, y2025, &[], "")
        .unwrap();
    store
        .confirm_stars("city", &city, TODAY, y2025, false)
        .unwrap();
    let view = store.star_assessment(&own, TODAY, y2025).unwrap().unwrap();
    assert_eq!(view.summary.stars, Some(0), "一票否决: not rated");
    assert_eq!(view.vetoes, [Veto::SafetyAccident]);
    assert_eq!(view.steps.len(), 4, "each step recorded");
    // 2026 was confirmed before 2025 existed: its change stays as confirmed then.
    let (history, _) = store.star_history(&own, c.joint).unwrap();
    assert_eq!(
        history.iter().map(|h| h.year).collect::<Vec<_>>(),
        [2026, 2025]
    );
    // 软弱涣散 reads the latest confirmed rating (2026's), not the vetoed 2025 one.
    let low = |store: &mut Store| {
        store
            .weak_candidates(&county, TODAY)
            .unwrap()
            .into_iter()
            .filter(|w| w.party_org == c.joint)
            .flat_map(|w| w.reasons)
            .find(|r| r.criterion == liangxin_domain::weak::WeakCriterion::LowStars)
    };
    match low(&mut store) {
        Some(r) => {
            assert!(stars_2026 <= 1, "{r:?}");
            assert!(r.reason.contains("2026年度"), "{r:?}");
        }
        None => assert!(stars_2026 > 1),
    }
    let other = scope_of(&mut store, c.kecheng);
    assert!(store.star_assessment(&other, TODAY, key).unwrap().is_none());
    assert_eq!(
        store
            .audit_entries("star_assessment", key.county, key.id)
            .unwrap()
            .len(),
        5
    );
}
