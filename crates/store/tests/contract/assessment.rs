//! 考核清单: the city defines the year's entered criteria (every version kept), assessors
//! score their groups with evidence (the city its counties, a county its towns), the computed
//! score adds the records' 成效评估 points to the entered ones over what could be reached,
//! and the final score is decided apart from it, explained where it differs or changes.

use super::*;
use liangxin_domain::assessment::{Assessee, Tenths};
use liangxin_domain::effectiveness::Criterion;
use liangxin_domain::kinds::{ZoneClass, ZoneKind};
use liangxin_domain::period::Period;
use liangxin_store::assessment::NewCriterion;
use liangxin_store::zones::ZoneInput;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

fn criterion(code: &str, label: &str, points: &str) -> NewCriterion {
    NewCriterion {
        year: 2026,
        code: code.into(),
        label: label.into(),
        points: points.into(),
        guide: "有市级以上品牌的得满分，县级品牌得一半".into(),
        source: "衢组通〔2026〕5号".into(),
    }
}

pub(super) fn a_year_is_assessed_from_the_records_and_the_scores_entered_and_decided_apart(
    db: &TestDb,
) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let branch = scope_of(&mut store, c.joint);
    let ly = Assessee::County(LYX);

    // The criteria are the city's; a bad one names its field.
    let brand = criterion("brand", "党建品牌", "10");
    assert_eq!(
        field(
            store
                .adopt_assessment_criterion("t", &county, TODAY, &brand)
                .unwrap_err()
        ),
        "考核指标"
    );
    for (bad, at) in [
        (criterion("Brand", "党建品牌", "10"), "指标代码"),
        (criterion("brand", "党建品牌", "101"), "分值"),
        (criterion("brand", "党建品牌", "8.5"), "分值"),
        (criterion("brand", "", "10"), "指标名称"),
        (criterion("brand", "党建品牌", "0"), "分值"),
        (
            NewCriterion {
                year: 2024,
                ..brand.clone()
            },
            "考核年度",
        ),
    ] {
        assert_eq!(
            field(
                store
                    .adopt_assessment_criterion("t", &city, TODAY, &bad)
                    .unwrap_err()
            ),
            at
        );
    }
    let v1 = store
        .adopt_assessment_criterion("t", &city, TODAY, &brand)
        .unwrap();
    assert_eq!((v1.version, v1.points), (1, 10));
    assert_eq!(
        field(
            store
                .adopt_assessment_criterion("t", &city, TODAY, &brand)
                .unwrap_err()
        ),
        "考核指标",
        "the same again is no new version"
    );
    store
        .adopt_assessment_criterion(
            "t",
            &city,
            TODAY,
            &criterion("satisfaction", "群众满意度", "5"),
        )
        .unwrap();
    assert_eq!(
        field(
            store
                .adopt_assessment_criterion(
                    "t",
                    &city,
                    TODAY,
                    &criterion("extra", "创新举措", "86")
                )
                .unwrap_err()
        ),
        "分值",
        "entered criteria weigh 100 at most together"
    );

    // The city's sheets are its counties', the records' part equal to the 成效评估's.
    let sheets = store.assessment_sheets(&city, 2026, TODAY).unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.contains(&"龙游县") && names.contains(&"柯城区"));
    let nov = store
        .bulletin_facts(&city, Period::month(2026, 11).unwrap(), TODAY)
        .unwrap();
    for s in &sheets {
        let e = nov.effectiveness.iter().find(|e| e.name == s.name).unwrap();
        let coverage = |cs: &[liangxin_domain::effectiveness::Component]| {
            cs.iter()
                .find(|x| x.criterion == Criterion::WorkCoverage)
                .unwrap()
                .count
        };
        // Coverage is counted at the end of both (today); the rest over the year.
        assert_eq!(
            coverage(&s.computed.components),
            coverage(&e.now.components)
        );
        assert_eq!(s.entered.len(), 2);
        assert_eq!(s.missing(), 2);
        assert_eq!(s.score(), None);
    }
    assert!(
        store
            .assessment_sheets(&branch, 2026, TODAY)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        field(store.assessment_sheets(&city, 2027, TODAY).unwrap_err()),
        "考核年度"
    );

    // Scores: the assessor's only, within the criterion's points, with evidence.
    assert_eq!(
        field(
            store
                .enter_assessment_score("t", &county, TODAY, 2026, ly, "brand", "8", "材料")
                .unwrap_err()
        ),
        "考核对象",
        "a county does not score itself"
    );
    for (code, points, evidence, at) in [
        ("brand", "10.5", "材料", "得分"),
        ("brand", "八", "材料", "得分"),
        ("brand", "8", " ", "评分依据"),
        ("nothing", "1", "材料", "考核指标"),
    ] {
        assert_eq!(
            field(
                store
                    .enter_assessment_score("t", &city, TODAY, 2026, ly, code, points, evidence)
                    .unwrap_err()
            ),
            at
        );
    }
    store
        .enter_assessment_score("t", &city, TODAY, 2026, ly, "brand", "7", "县级品牌两个")
        .unwrap();
    store
        .enter_assessment_score(
            "t",
            &city,
            TODAY,
            2026,
            ly,
            "brand",
            "8.5",
            "另有市级品牌一个",
        )
        .unwrap();
    let sheet = |store: &mut Store| {
        store
            .assessment_sheet(&city, 2026, TODAY, ly)
            .unwrap()
            .unwrap()
    };
    let s = sheet(&mut store);
    let b = s
        .entered
        .iter()
        .find(|l| l.criterion.code == "brand")
        .unwrap();
    assert_eq!(b.counted(), Some(Tenths(85)), "the latest counts");
    assert_eq!(b.score.as_ref().unwrap().earlier, 1);
    assert_eq!(
        field(
            store
                .decide_assessment("t", &city, TODAY, 2026, ly, "80", "")
                .unwrap_err()
        ),
        "最终得分",
        "not before every entered criterion is scored"
    );
    store
        .enter_assessment_score(
            "t",
            &city,
            TODAY,
            2026,
            ly,
            "satisfaction",
            "4",
            "测评满意率92%",
        )
        .unwrap();

    // The computed score: the records' points and the entered over what could be reached.
    let s = sheet(&mut store);
    let reachable = s.computed.weights_counted + 15;
    assert_eq!(s.reachable(), reachable);
    let expected = Tenths::of((s.computed.points + 8.5 + 4.0) / f64::from(reachable) * 100.0);
    let computed = s.score().unwrap();
    assert_eq!(computed, expected);

    // The final: the computed one without a word, another with its reason, a change too.
    let other = Tenths(if computed.0 >= 50 {
        computed.0 - 50
    } else {
        computed.0 + 50
    });
    assert_eq!(
        field(
            store
                .decide_assessment("t", &city, TODAY, 2026, ly, &other.to_string(), "")
                .unwrap_err()
        ),
        "最终得分"
    );
    store
        .decide_assessment("t", &city, TODAY, 2026, ly, &computed.to_string(), "")
        .unwrap();
    assert_eq!(
        field(
            store
                .decide_assessment("t", &city, TODAY, 2026, ly, &other.to_string(), " ")
                .unwrap_err()
        ),
        "最终得分",
        "a change says why"
    );
    store
        .decide_assessment(
            "t",
            &city,
            TODAY,
            2026,
            ly,
            &other.to_string(),
            "信访核查扣5分",
        )
        .unwrap();
    let f = sheet(&mut store).last_final.unwrap();
    assert_eq!((f.score, f.computed, f.earlier), (other, computed, 1));
    assert_eq!(f.reason, "信访核查扣5分");
    let (scores, finals) = store.assessment_history(&city, 2026, ly).unwrap();
    assert_eq!((scores.len(), finals.len()), (3, 2));
    assert_eq!(finals[0].score, other, "newest first");

    // A criterion revised: the score under the old version no longer counts; the final
    // stays as decided, with the computed score of its day.
    store
        .adopt_assessment_criterion("t", &city, TODAY, &criterion("brand", "党建品牌", "12"))
        .unwrap();
    let s = sheet(&mut store);
    let b = s
        .entered
        .iter()
        .find(|l| l.criterion.code == "brand")
        .unwrap();
    assert!(b.stale());
    assert_eq!((b.criterion.version, s.missing(), s.score()), (2, 1, None));
    assert_eq!(s.last_final.as_ref().unwrap().score, other);
    // Withdrawn: out of the sheet from that version on, its versions kept.
    store
        .adopt_assessment_criterion("t", &city, TODAY, &criterion("satisfaction", "", "0"))
        .unwrap();
    assert_eq!(store.assessment_criteria(2026).unwrap().len(), 1);
    assert_eq!(store.assessment_criterion_versions(2026).unwrap().len(), 4);

    // A county assesses its towns; the city does not score them.
    let zone = store
        .save_zone(
            "t",
            &county,
            None,
            &ZoneInput {
                name: "龙游红木小镇".into(),
                kind: ZoneKind::Town,
                class: Some(ZoneClass::TraditionalIndustry),
                level: None,
                county: LYX,
                leader: None,
            },
        )
        .unwrap();
    store
        .update_organization(
            "t",
            &county,
            TODAY,
            Organization {
                key: c.orgs[0],
                name: "龙游甲红木家具有限公司".into(),
                credit_code: None,
                credit_code_check_failed: false,
                kind: OrgKind::Enterprise,
                sectors: SectorSet::EMPTY.with(SectorTag::Manufacturing),
                town: None,
                zone: Some(zone),
                employees: Some(30),
                registered_on: None,
            },
            0,
        )
        .unwrap();
    let town = Assessee::Zone(zone);
    let towns = store.assessment_sheets(&county, 2026, TODAY).unwrap();
    assert_eq!(
        towns.iter().map(|s| s.assessee).collect::<Vec<_>>(),
        [town],
        "not the organizations outside every town"
    );
    assert_eq!(
        field(
            store
                .enter_assessment_score("t", &city, TODAY, 2026, town, "brand", "6", "材料")
                .unwrap_err()
        ),
        "考核对象"
    );
    store
        .enter_assessment_score(
            "t",
            &county,
            TODAY,
            2026,
            town,
            "brand",
            "12",
            "红木小镇品牌",
        )
        .unwrap();
    let t = store
        .assessment_sheet(&county, 2026, TODAY, town)
        .unwrap()
        .unwrap();
    assert_eq!(t.missing(), 0);
    assert!(t.score().is_some());
    let other_county = Scope {
        region: Some(KCQ),
        ..scope_of(&mut store, c.kecheng)
    };
    assert!(
        store
            .assessment_sheet(&other_county, 2026, TODAY, town)
            .unwrap()
            .is_none()
    );
    assert_eq!(
        field(
            store
                .enter_assessment_score("t", &other_county, TODAY, 2026, town, "brand", "1", "x")
                .unwrap_err()
        ),
        "考核对象",
        "nor a neighbour"
    );

    // The rows are the assessor's: a county's auditors read nothing of the city's
    // assessment of it, and a town moved to another county is no longer the first's.
    let log = |store: &mut Store, counties: (i32, i32)| {
        store
            .audit_log_page(&liangxin_store::audit::LogQuery {
                counties: Some(counties),
                with_countyless: false,
                actor: None,
                action: None,
                entity: Some("assessment_final".into()),
                from: None,
                until: None,
                offset: 0,
                limit: 100,
            })
            .unwrap()
            .0
    };
    assert_eq!(log(&mut store, (LYX, LYX)), 0, "not in 龙游县's own log");
    assert_eq!(log(&mut store, (330800, 330899)), 2, "in the city's");
    store
        .save_zone(
            "t",
            &city,
            Some(zone),
            &ZoneInput {
                name: "龙游红木小镇".into(),
                kind: ZoneKind::Town,
                class: Some(ZoneClass::TraditionalIndustry),
                level: None,
                county: KCQ,
                leader: None,
            },
        )
        .unwrap();
    assert!(
        store
            .assessment_sheets(&county, 2026, TODAY)
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        field(
            store
                .enter_assessment_score("t", &county, TODAY, 2026, town, "brand", "1", "x")
                .unwrap_err()
        ),
        "考核对象"
    );
}
