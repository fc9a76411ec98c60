//! 定期通报: a month's bulletin says the figures the records give for its scope at the
//! month's end, beside the previous month's, and names its issue by the records' start.

use super::*;
use liangxin_domain::effectiveness::{Count, Criterion, EffectivenessRules, composite};
use liangxin_domain::kinds::{ExemplarKind, ZoneClass, ZoneKind};
use liangxin_domain::period::Period;
use liangxin_store::exemplars::NewExemplar;
use liangxin_store::zones::ZoneInput;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn a_bulletin_says_the_records_figures_for_its_period_and_scope(db: &TestDb) {
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
    let nov = Period::month(2026, 11).unwrap();
    let oct = Period::month(2026, 10).unwrap();

    // The audit raises findings on the 27th; one is closed the same day.
    store.run_audit("t", &city, TODAY).unwrap();
    let (raised, list) = store
        .audit_findings(&city, &FindingFilter::open(), 0, 1000)
        .unwrap();
    assert!(raised >= 2, "the small city has findings to report");
    store
        .close_finding("t", &city, TODAY, list[0].key, "已整改")
        .unwrap();

    let f = store.bulletin_facts(&city, nov, TODAY).unwrap();
    // 第11期; 总第35期 from January 2024, the month the records start.
    assert_eq!((f.number, f.total_number), (11, 35));
    assert_eq!(
        f.as_of,
        d(2026, 11, 27),
        "a running month is reported as of today"
    );
    assert_eq!(f.group_label, "县（市、区）");

    // Coverage is the engine's, at the period's end, by county.
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let facts = store.coverage_facts(&city, TODAY).unwrap();
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    assert_eq!(f.coverage_total.now, report.total);
    let names: Vec<&str> = f.coverage.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["柯城区", "龙游县"]);
    for line in &f.coverage {
        let key = if line.name == "柯城区" { KCQ } else { LYX };
        assert_eq!(line.now, report.groups[&GroupKey::County(key)]);
    }

    // Findings: every one raised in November, the closed one closed in it, the rest open.
    let opened: u32 = f.findings.iter().map(|l| l.opened).sum();
    let closed: u32 = f.findings.iter().map(|l| l.closed).sum();
    let open: u32 = f.findings.iter().map(|l| l.open).sum();
    assert_eq!(
        (opened, closed, open),
        (raised as u32, 1, raised as u32 - 1)
    );
    // October knew none of them.
    let before = store.bulletin_facts(&city, oct, TODAY).unwrap();
    assert!(before.findings.is_empty(), "{:?}", before.findings);
    assert_eq!((before.number, before.total_number), (10, 34));
    assert_eq!(before.as_of, d(2026, 10, 31));
    assert_eq!(f.coverage_total.before, before.coverage_total.now);

    // Dues are the month's sheet.
    let month = store.dues_month(&city, nov).unwrap();
    assert_eq!(f.dues_total.members, month.total.members);
    assert_eq!(f.dues_total.paid_members, month.total.paid_members);
    assert_eq!(
        f.dues.iter().map(|l| l.members).sum::<u32>(),
        month.total.members
    );
    assert_eq!(
        f.life_total.branches as usize,
        store
            .life_facts(&city, nov.first_day(), TODAY)
            .unwrap()
            .len()
    );

    // 成效评估 of each county: the domain's composite of what the records count, its
    // coverage the engine's, its findings the ones raised and closed above.
    assert_eq!(f.effectiveness.len(), f.coverage.len());
    let rules_e = EffectivenessRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let mut closed_seen = 0;
    for (e, line) in f.effectiveness.iter().zip(&f.coverage) {
        assert_eq!(e.name, line.name);
        let part = |c: Criterion| {
            e.now
                .components
                .iter()
                .find(|x| x.criterion == c)
                .unwrap()
                .count
        };
        let cov = part(Criterion::WorkCoverage);
        assert_eq!(
            (cov.part, cov.whole),
            (
                line.now.organization_covered + line.now.work_covered,
                line.now.total
            )
        );
        let life = f.life.iter().find(|l| l.name == e.name);
        assert_eq!(
            part(Criterion::Life).whole,
            life.map_or(0, |l| u64::from(l.due)),
            "{}",
            e.name
        );
        closed_seen += part(Criterion::FindingsClosed).part;
        let counts: Vec<(Criterion, Count)> = e
            .now
            .components
            .iter()
            .map(|c| (c.criterion, c.count))
            .collect();
        assert_eq!(e.now, composite(&counts, &rules_e));
        assert_eq!(e.before.is_some(), before.coverage_total.now.total > 0);
    }
    assert_eq!(closed_seen, 1, "the one closed finding is its county's");

    // An exemplar published in November is named in November's bulletin only.
    let e = store
        .record_exemplar(
            "t",
            &county,
            TODAY,
            &NewExemplar {
                kind: ExemplarKind::Organization,
                party_org: Some(c.joint),
                member: None,
                title: "红木小镇联合党支部".into(),
                summary: "带头创办红木行业党建联盟".into(),
                evidence: "龙组〔2026〕15号".into(),
                recognized_by: "中共龙游县委组织部".into(),
                year: 2026,
            },
        )
        .unwrap();
    store
        .publish_exemplar("t", &county, TODAY, e, true)
        .unwrap();
    let f = store.bulletin_facts(&city, nov, TODAY).unwrap();
    assert_eq!(f.exemplars.len(), 1);
    assert_eq!(f.exemplars[0].title, "红木小镇联合党支部");
    assert!(
        store
            .bulletin_facts(&city, oct, TODAY)
            .unwrap()
            .exemplars
            .is_empty()
    );

    // A county's bulletin: its own figures, 送 the city's committee, compared by town.
    let g = store.bulletin_facts(&county, nov, TODAY).unwrap();
    assert_eq!(g.office, "中共龙游县两新工委");
    assert_eq!(g.sent_to, ["中共衢州市两新工委"]);
    assert_eq!(g.group_label, "园区小镇");
    let facts = store.coverage_facts(&county, TODAY).unwrap();
    let county_report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::Zone,
    );
    assert_eq!(g.coverage_total.now, county_report.total);
    assert!(f.issued_to.contains(&"中共龙游县两新工委".to_string()));
    assert!(g.findings.iter().map(|l| l.open).sum::<u32>() <= open);

    // A county compares its towns: the joint branch has no zone of its own, so it stands
    // in the zone of the units it covers, where their coverage is counted too.
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
    for (i, name) in [
        (0, "龙游甲红木家具有限公司"),
        (1, "龙游乙红木工艺品有限公司"),
    ] {
        store
            .update_organization(
                "t",
                &county,
                TODAY,
                Organization {
                    key: c.orgs[i],
                    name: name.into(),
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
    }
    let g = store.bulletin_facts(&county, nov, TODAY).unwrap();
    let town = g
        .effectiveness
        .iter()
        .find(|e| e.name == "龙游红木小镇")
        .expect("the town is compared");
    assert!(town.ranked);
    let count = |e: &liangxin_domain::bulletin::EffectLine, c: Criterion| {
        e.now
            .components
            .iter()
            .find(|x| x.criterion == c)
            .unwrap()
            .count
    };
    assert_eq!(count(town, Criterion::WorkCoverage).whole, 2);
    let joints = store
        .audit_findings(
            &county,
            &FindingFilter {
                under: Some(c.joint),
                own: true,
                ..FindingFilter::all()
            },
            0,
            1000,
        )
        .unwrap()
        .0;
    assert_eq!(count(town, Criterion::FindingsClosed).whole, joints as u64);
    let outside = g.effectiveness.iter().find(|e| !e.ranked).unwrap();
    assert_eq!(outside.name, "不在园区小镇");
    assert_eq!(
        g.effectiveness
            .iter()
            .map(|e| count(e, Criterion::FindingsClosed).whole)
            .sum::<u64>(),
        g.findings
            .iter()
            .map(|l| u64::from(l.closed + l.open))
            .sum::<u64>(),
        "every finding of the county in one group"
    );

    // Periods a bulletin cannot be of.
    let refuse =
        |store: &mut Store, p: Period| field(store.bulletin_facts(&city, p, TODAY).unwrap_err());
    assert_eq!(refuse(&mut store, Period::year(2026).unwrap()), "期次");
    assert_eq!(refuse(&mut store, Period::month(2026, 12).unwrap()), "期次");
    assert_eq!(refuse(&mut store, Period::month(2023, 12).unwrap()), "期次");
    assert_eq!(
        store
            .bulletin_facts(&city, Period::quarter(2026, 4).unwrap(), TODAY)
            .unwrap()
            .total_number,
        12
    );
}
