//! 出资人: staff register the investors of the units their scope sees; a party organization
//! records the events that reached them; every scope counts each investor's contacts of the
//! year, whoever held them, and lists the events its own organizations held.

use super::*;
use liangxin_domain::investor::InvestorRules;
use liangxin_domain::kinds::{InvestorEventKind, InvestorRole, PoliticalStatus};
use liangxin_store::investors::{NewInvestor, NewInvestorEvent};

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

fn investor(unit: Key, name: &str, birth_year: i32) -> NewInvestor {
    NewInvestor {
        unit,
        name: name.into(),
        birth_year,
        role: InvestorRole::LegalRepresentative,
        political_status: PoliticalStatus::Masses,
    }
}

fn event(on: NaiveDate, investors: Vec<Key>) -> NewInvestorEvent {
    NewInvestorEvent {
        kind: InvestorEventKind::Visit,
        held_on: on,
        title: "走访新生代出资人".into(),
        content: "谈企业发展和党建工作".into(),
        investors,
    }
}

pub(super) fn investors_are_registered_by_scope_and_their_contacts_counted_from_the_events(
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
    let other = Scope {
        region: Some(KCQ),
        ..scope_of(&mut store, c.kecheng)
    };
    let branch = scope_of(&mut store, c.joint);

    // The branch registers the investors of the units it covers, and of no other.
    let young = store
        .register_investor("t", &branch, TODAY, &investor(c.orgs[0], "郑一鸣", 1985))
        .unwrap();
    let elder = store
        .register_investor(
            "t",
            &county,
            TODAY,
            &NewInvestor {
                role: InvestorRole::Controller,
                political_status: PoliticalStatus::PartyMember,
                ..investor(c.orgs[1], "钱大有", 1962)
            },
        )
        .unwrap();
    assert_eq!(
        field(
            store
                .register_investor("t", &branch, TODAY, &investor(c.orgs[2], "孙某", 1990))
                .unwrap_err()
        ),
        "单位",
        "a unit the branch does not cover"
    );
    assert_eq!(
        field(
            store
                .register_investor("t", &other, TODAY, &investor(c.orgs[0], "李某", 1990))
                .unwrap_err()
        ),
        "单位",
        "another county's unit"
    );
    assert_eq!(
        field(
            store
                .register_investor("t", &county, TODAY, &investor(c.orgs[0], " 郑一鸣 ", 1985))
                .unwrap_err()
        ),
        "姓名",
        "the same person twice"
    );
    assert_eq!(
        field(
            store
                .register_investor("t", &county, TODAY, &investor(c.orgs[0], "小郑", 2015))
                .unwrap_err()
        ),
        "出生年份"
    );
    assert_eq!(
        field(
            store
                .register_investor("t", &county, TODAY, &investor(c.orgs[0], "", 1980))
                .unwrap_err()
        ),
        "姓名"
    );

    // Several at once are all or none: one bad, none written.
    assert_eq!(
        field(
            store
                .register_investors(
                    "t",
                    &county,
                    TODAY,
                    &[
                        investor(c.orgs[2], "周某", 1980),
                        investor(c.orgs[3], "吴某", 1980)
                    ]
                )
                .unwrap_err()
        ),
        "单位",
        "the second is another county's"
    );

    // Each scope lists the investors of its units.
    let names = |store: &mut Store, s: &Scope| -> Vec<String> {
        store
            .investors(s, TODAY, 2026)
            .unwrap()
            .into_iter()
            .map(|i| i.name)
            .collect()
    };
    assert_eq!(names(&mut store, &city).len(), 2);
    // By unit name as the database orders text (乙 before 甲), then by name.
    assert_eq!(
        names(&mut store, &county),
        ["钱大有", "郑一鸣"].map(String::from)
    );
    assert_eq!(names(&mut store, &branch).len(), 2);
    assert!(names(&mut store, &other).is_empty());
    let listed = store.investors(&county, TODAY, 2026).unwrap();
    assert_eq!(listed[1].unit, c.orgs[0]);
    assert_eq!(listed[1].unit_name, "龙游甲红木家具有限公司");
    assert_eq!(listed[0].political_status, PoliticalStatus::PartyMember);
    assert_eq!(listed[0].role, InvestorRole::Controller);

    // 新生代 by the rule of the year.
    let rules = InvestorRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    assert!(rules.new_generation(listed[1].birth_year, 2026));
    assert!(!rules.new_generation(listed[0].birth_year, 2026));

    // The branch visits the young investor; the county holds a course for both.
    let visit = store
        .record_investor_event(
            "t",
            &branch,
            TODAY,
            &event(d(2026, 3, 5), vec![young, young]),
        )
        .unwrap();
    assert_eq!(visit.county, c.joint.county);
    store
        .record_investor_event(
            "t",
            &county,
            TODAY,
            &NewInvestorEvent {
                kind: InvestorEventKind::Training,
                title: "新生代出资人培训班".into(),
                ..event(d(2026, 6, 18), vec![young, elder])
            },
        )
        .unwrap();
    // Last year's visit counts in its own year only.
    store
        .record_investor_event("t", &branch, TODAY, &event(d(2025, 12, 30), vec![elder]))
        .unwrap();
    let listed = store.investors(&county, TODAY, 2026).unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|i| (i.contacts, i.last_contact))
            .collect::<Vec<_>>(),
        [(1, Some(d(2026, 6, 18))), (2, Some(d(2026, 6, 18)))]
    );
    let last_year = store.investors(&county, TODAY, 2025).unwrap();
    assert_eq!(last_year[0].contacts, 1);
    assert_eq!(last_year[1].contacts, 0);
    // The branch sees the contacts the county held with its units' investors.
    assert_eq!(
        store.investors(&branch, TODAY, 2026).unwrap()[1].contacts,
        2
    );

    // The events each scope's own organizations held.
    let held = store.investor_events(&county, TODAY, 2026).unwrap();
    assert_eq!(held.len(), 2);
    assert_eq!(held[0].title, "新生代出资人培训班");
    assert_eq!(held[1].organizer, "龙游红木小镇联合党支部");
    assert_eq!(
        held[1].investors.len(),
        1,
        "one investor named twice is one"
    );
    assert_eq!(
        store.investor_events(&branch, TODAY, 2026).unwrap().len(),
        1
    );
    assert!(
        store
            .investor_events(&other, TODAY, 2026)
            .unwrap()
            .is_empty()
    );

    // Refused events leave nothing.
    let refused = [
        event(d(2026, 11, 28), vec![young]),
        event(d(2024, 12, 31), vec![young]),
        event(d(2026, 5, 1), vec![]),
        NewInvestorEvent {
            title: " ".into(),
            ..event(d(2026, 5, 1), vec![young])
        },
    ];
    for (e, want) in refused.iter().zip(["日期", "日期", "出资人", "主题"]) {
        assert_eq!(
            field(
                store
                    .record_investor_event("t", &county, TODAY, e)
                    .unwrap_err()
            ),
            want
        );
    }
    assert_eq!(
        field(
            store
                .record_investor_event("t", &other, TODAY, &event(d(2026, 5, 1), vec![young]))
                .unwrap_err()
        ),
        "出资人",
        "another county's investor"
    );
    assert_eq!(store.investor_events(&city, TODAY, 2026).unwrap().len(), 2);

    // An investor who leaves is gone from the list, and from no earlier event.
    assert_eq!(
        field(
            store
                .end_investor("t", &other, TODAY, elder, d(2026, 11, 1))
                .unwrap_err()
        ),
        "出资人"
    );
    assert_eq!(
        field(
            store
                .end_investor("t", &county, TODAY, elder, d(2026, 11, 28))
                .unwrap_err()
        ),
        "退出日期"
    );
    assert_eq!(
        field(
            store
                .end_investor("t", &county, TODAY, elder, d(2026, 11, 26))
                .unwrap_err()
        ),
        "退出日期",
        "before they were registered"
    );
    assert_eq!(
        field(
            store
                .end_investor("t", &county, TODAY, young, d(2026, 6, 17))
                .unwrap_err()
        ),
        "退出日期",
        "before an event that reached them"
    );
    store
        .end_investor("t", &county, TODAY, elder, TODAY)
        .unwrap();
    assert_eq!(
        field(
            store
                .register_investor(
                    "t",
                    &county,
                    TODAY,
                    &NewInvestor {
                        role: InvestorRole::Controller,
                        political_status: PoliticalStatus::PartyMember,
                        ..investor(c.orgs[1], "钱大有", 1962)
                    }
                )
                .unwrap_err()
        ),
        "姓名",
        "still an investor on their last day"
    );
    assert_eq!(
        store.investors(&county, TODAY, 2026).unwrap().len(),
        2,
        "their last day"
    );
    let tomorrow = d(2026, 11, 28);
    assert_eq!(names(&mut store, &county).len(), 2);
    assert_eq!(
        store
            .investors(&county, tomorrow, 2026)
            .unwrap()
            .into_iter()
            .map(|i| i.name)
            .collect::<Vec<_>>(),
        ["郑一鸣"]
    );
    assert_eq!(
        field(
            store
                .end_investor("t", &county, TODAY, elder, TODAY)
                .unwrap_err()
        ),
        "出资人",
        "already left"
    );
    assert_eq!(
        field(
            store
                .record_investor_event("t", &county, tomorrow, &event(tomorrow, vec![elder]))
                .unwrap_err()
        ),
        "出资人",
        "an event after they left"
    );
    assert_eq!(
        store.investor_events(&county, TODAY, 2026).unwrap()[0]
            .investors
            .len(),
        2
    );

    // Every change is in the audit log.
    let entries = store
        .audit_entries("unit_investor", elder.county, elder.id)
        .unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| e.action.as_str())
            .collect::<Vec<_>>(),
        ["create", "end"]
    );
    assert_eq!(
        store
            .audit_entries("investor_event", visit.county, visit.id)
            .unwrap()
            .len(),
        1
    );
}
