//! 党务工作者队伍: secretaries from their posts, workers registered by their committees,
//! courses recorded by their organizers with who attended; a vacancy and a secretary short
//! of last year's 学时 are findings naming their rules, and the town's team is answered by
//! the records.

use super::*;
use liangxin_domain::audit::{AuditKind, Severity};
use liangxin_domain::kinds::{
    Post, TrainingKind, TrainingLevel, WorkerDuty, WorkerSource, ZoneKind,
};
use liangxin_domain::town::ItemState;
use liangxin_domain::workforce::keys;
use liangxin_store::workforce::{NewCourse, NewWorker, Person};
use liangxin_store::zones::ZoneInput;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

fn course(title: &str, kind: TrainingKind, on: NaiveDate, hours: i32) -> NewCourse {
    NewCourse {
        title: title.into(),
        kind,
        starts_on: on,
        ends_on: on,
        hours,
        place: "县委党校".into(),
    }
}

pub(super) fn secretaries_train_by_the_courses_recorded_and_the_audit_names_who_falls_short(
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

    // No 书记 recorded: the branch is a vacancy since its records begin, long enough to flag.
    let lines = store.secretary_lines(&county, TODAY).unwrap();
    assert_eq!(
        lines.len(),
        1,
        "the county 两新工委 is led from outside the register"
    );
    let v = lines[0].vacancy.clone().unwrap();
    assert_eq!(
        (v.party_org, v.since, v.last_held),
        (c.joint, d(2024, 1, 1), false)
    );
    let found = store.compute_audit(&county, TODAY).unwrap();
    let vacant: Vec<_> = found
        .iter()
        .filter(|f| f.kind == AuditKind::SecretaryVacant)
        .collect();
    assert_eq!(vacant.len(), 1);
    assert_eq!(vacant[0].severity, Severity::Flag);
    assert_eq!(vacant[0].rule.key, keys::VACANCY_FLAG_DAYS);
    assert!(
        store
            .compute_audit(&other, TODAY)
            .unwrap()
            .iter()
            .all(|f| f.subject_name != "龙游红木小镇联合党支部"),
        "another county's vacancy is not 柯城区's"
    );

    let wang = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "王书记", 401, MemberStatus::Full, None),
        )
        .unwrap();
    let li = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "李组织委员", 402, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Secretary,
            wang,
            d(2025, 3, 1),
            TODAY,
        )
        .unwrap();
    let line = store.secretary_lines(&county, TODAY).unwrap().remove(0);
    assert_eq!(line.holder.as_ref().map(|h| h.0), Some(wang));
    let year = line.last_year.clone().unwrap();
    // 2025-03-01 … 12-31: 306 days, 56 × 306 / 365 = 46.9 → 47.
    assert_eq!((year.year, year.days_in_post, year.hours), (2025, 306, 0));
    assert_eq!(line.owed_last_year, 47);
    assert!(line.short_last_year());

    // Workers: one not on the register at the county committee, one a member of the branch.
    let worker = store
        .register_worker(
            "t",
            &county,
            TODAY,
            &NewWorker {
                party_org: c.longyou,
                name: "赵专职".into(),
                member: None,
                duty: WorkerDuty::FullTime,
                source: WorkerSource::Recruited,
                qualification: "大学本科".into(),
                since: d(2025, 6, 1),
            },
        )
        .unwrap();
    let member_worker = NewWorker {
        party_org: c.joint,
        name: String::new(),
        member: Some(li),
        duty: WorkerDuty::PartTime,
        source: WorkerSource::Internal,
        qualification: String::new(),
        since: d(2025, 1, 1),
    };
    store
        .register_worker("t", &county, TODAY, &member_worker)
        .unwrap();
    let bad = |store: &mut Store, scope: &Scope, w: NewWorker| {
        field(store.register_worker("t", scope, TODAY, &w).unwrap_err())
    };
    assert_eq!(
        bad(&mut store, &county, member_worker.clone()),
        "党员",
        "registered twice"
    );
    assert_eq!(bad(&mut store, &other, member_worker.clone()), "党组织");
    assert_eq!(
        bad(
            &mut store,
            &county,
            NewWorker {
                member: None,
                name: " ".into(),
                ..member_worker.clone()
            }
        ),
        "姓名"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            NewWorker {
                since: d(2026, 12, 1),
                ..member_worker.clone()
            }
        ),
        "任职日期"
    );
    let workers = store.party_workers(&county, TODAY, false).unwrap();
    assert_eq!(workers.len(), 2);
    assert_eq!(
        workers.iter().find(|w| w.member == Some(li)).unwrap().name,
        "李组织委员",
        "a member's name is the register's"
    );
    assert!(
        store
            .party_workers(&other, TODAY, false)
            .unwrap()
            .is_empty()
    );
    assert_eq!(store.party_workers(&branch, TODAY, false).unwrap().len(), 1);

    // The city's 轮训 with the county's secretary and worker; 柯城区 cannot enrol them.
    let everyone = store.trainees(&city, TODAY, None).unwrap();
    let people: Vec<Person> = everyone.iter().map(|t| t.0).collect();
    assert_eq!(
        people.len(),
        3,
        "王 as 书记, 李 and 赵 as workers, each once: {everyone:?}"
    );
    assert!(people.contains(&Person::Member(li)));
    assert!(people.contains(&Person::Worker(worker)));
    assert_eq!(
        field(
            store
                .record_course(
                    "t",
                    &other,
                    TODAY,
                    &course("轮训", TrainingKind::Rotation, d(2025, 5, 10), 40),
                    &[Person::Member(wang)],
                )
                .unwrap_err()
        ),
        "参训人员"
    );
    let rotation = store
        .record_course(
            "t",
            &city,
            TODAY,
            &course(
                "全市两新党组织书记轮训",
                TrainingKind::Rotation,
                d(2025, 5, 10),
                40,
            ),
            &[
                Person::Member(wang),
                Person::Worker(worker),
                Person::Member(wang),
            ],
        )
        .unwrap();
    let induction = store
        .record_course(
            "t",
            &county,
            TODAY,
            &course(
                "新任书记任职培训",
                TrainingKind::Induction,
                d(2025, 9, 2),
                6,
            ),
            &[Person::Member(wang)],
        )
        .unwrap();
    for (c, f) in [
        (
            course(" ", TrainingKind::Thematic, d(2025, 9, 2), 6),
            "培训名称",
        ),
        (
            course("专题", TrainingKind::Thematic, d(2025, 9, 2), 0),
            "学时",
        ),
        (
            course("专题", TrainingKind::Thematic, d(2026, 12, 2), 6),
            "开始日期",
        ),
        (
            NewCourse {
                ends_on: d(2025, 9, 1),
                ..course("专题", TrainingKind::Thematic, d(2025, 9, 2), 6)
            },
            "结束日期",
        ),
    ] {
        assert_eq!(
            field(
                store
                    .record_course("t", &county, TODAY, &c, &[])
                    .unwrap_err()
            ),
            f
        );
    }
    assert_eq!(
        field(
            store
                .add_trainees("t", &county, induction, &[Person::Member(wang)], 6)
                .unwrap_err()
        ),
        "参训人员",
        "on it already"
    );
    assert_eq!(
        field(
            store
                .add_trainees("t", &city, induction, &[Person::Member(li)], 6)
                .unwrap_err()
        ),
        "培训",
        "the organizer keeps its list"
    );
    assert_eq!(
        field(
            store
                .add_trainees("t", &county, induction, &[Person::Member(li)], 7)
                .unwrap_err()
        ),
        "学时"
    );

    // Levels follow the organizer; each scope sees the courses organized within it.
    let city_courses = store.training_courses(&city, 2025).unwrap();
    assert_eq!(city_courses.len(), 2);
    let of = |key| city_courses.iter().find(|c| c.key == key).unwrap();
    assert_eq!(
        (of(rotation).level, of(rotation).attendees),
        (TrainingLevel::City, 2)
    );
    assert_eq!(of(induction).level, TrainingLevel::County);
    let county_courses = store.training_courses(&county, 2025).unwrap();
    assert_eq!(
        county_courses.len(),
        1,
        "the city's course is not the county's to list"
    );
    assert!(store.training_course(&county, rotation).unwrap().is_none());
    assert!(store.training_course(&other, induction).unwrap().is_none());
    let (_, attendees) = store.training_course(&city, rotation).unwrap().unwrap();
    assert_eq!(attendees.len(), 2);

    // 40 + 6 = 46 学时 of 47 owed: flagged, naming the rule and what was owed.
    let line = store.secretary_lines(&county, TODAY).unwrap().remove(0);
    assert_eq!(line.last_year.as_ref().unwrap().hours, 46);
    let summary = store.run_audit("t", &county, TODAY).unwrap();
    assert!(summary.opened >= 1);
    let short: Vec<_> = store
        .compute_audit(&county, TODAY)
        .unwrap()
        .into_iter()
        .filter(|f| f.kind == AuditKind::SecretaryUntrained)
        .collect();
    assert_eq!(short.len(), 1);
    assert_eq!(short[0].rule.key, keys::SECRETARY_TRAINING_HOURS);
    assert_eq!(
        short[0].detail,
        "2025年任龙游红木小镇联合党支部书记306天，集中培训46学时，应不少于47学时"
    );
    assert!(
        store
            .compute_audit(&county, TODAY)
            .unwrap()
            .iter()
            .all(|f| f.kind != AuditKind::SecretaryVacant),
        "the branch has its 书记 now"
    );

    // A further course brings them to the hours: the next run closes the finding.
    let extra = store
        .record_course(
            "t",
            &county,
            TODAY,
            &course("专题党课", TrainingKind::Thematic, d(2025, 11, 20), 4),
            &[Person::Member(wang), Person::Member(li)],
        )
        .unwrap();
    let rerun = store.run_audit("t", &county, TODAY).unwrap();
    assert_eq!(rerun.resolved, 1, "{rerun:?}");
    // Taken off by mistake, and put back for two of the four hours.
    let (_, on) = store.training_course(&county, extra).unwrap().unwrap();
    let wang_row = on
        .iter()
        .find(|a| a.person == Person::Member(wang))
        .unwrap()
        .id;
    store.remove_trainee("t", &county, extra, wang_row).unwrap();
    assert_eq!(
        field(
            store
                .remove_trainee("t", &county, extra, wang_row)
                .unwrap_err()
        ),
        "参训人员"
    );
    store
        .add_trainees("t", &county, extra, &[Person::Member(wang)], 2)
        .unwrap();
    let line = store.secretary_lines(&county, TODAY).unwrap().remove(0);
    assert_eq!(line.last_year.as_ref().unwrap().hours, 48);
    assert!(!line.short_last_year());
    assert_eq!(
        store
            .audit_entries("training_course", LYX, extra.id)
            .unwrap()
            .len(),
        3,
        "recorded, one taken off, one added"
    );

    // A worker leaves: gone from the list in post, kept with the ended.
    store
        .end_worker("t", &county, TODAY, worker, d(2026, 10, 31))
        .unwrap();
    assert_eq!(
        field(
            store
                .end_worker("t", &county, TODAY, worker, d(2026, 10, 31))
                .unwrap_err()
        ),
        "党务工作者"
    );
    assert_eq!(store.party_workers(&county, TODAY, false).unwrap().len(), 1);
    assert_eq!(store.party_workers(&county, TODAY, true).unwrap().len(), 2);
}

pub(super) fn a_towns_team_is_answered_by_its_registered_workers(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let committee = store
        .insert_party_org(
            "t",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(c.longyou),
                name: "中共龙游红木小镇工作委员会".into(),
                org_type: PartyOrgType::WorkingCommittee,
                formation_mode: None,
                zone: None,
                has_committee: true,
                term_started: Some(d(2025, 1, 1)),
            },
            &[],
            d(2025, 1, 1),
        )
        .unwrap();
    let zone = store
        .save_zone(
            "t",
            &county,
            None,
            &ZoneInput {
                name: "龙游红木小镇".into(),
                kind: ZoneKind::Town,
                class: None,
                level: None,
                county: LYX,
                leader: Some(committee),
            },
        )
        .unwrap();
    let team = |store: &mut Store| {
        let p = store.zone_profile(&county, zone, TODAY).unwrap().unwrap();
        let i = p.five.into_iter().find(|i| i.code == "five.team").unwrap();
        (i.state, i.by_records, i.evidence)
    };
    let (state, by_records, evidence) = team(&mut store);
    assert_eq!((state, by_records), (ItemState::Missing, true));
    assert!(evidence.contains("专职0人、兼职0人"), "{evidence}");
    let worker = |duty| NewWorker {
        party_org: committee,
        name: "钱党务".into(),
        member: None,
        duty,
        source: WorkerSource::Seconded,
        qualification: String::new(),
        since: d(2026, 1, 1),
    };
    store
        .register_worker("t", &county, TODAY, &worker(WorkerDuty::PartTime))
        .unwrap();
    assert_eq!(team(&mut store).0, ItemState::Underway);
    store
        .register_worker("t", &county, TODAY, &worker(WorkerDuty::FullTime))
        .unwrap();
    let (state, _, evidence) = team(&mut store);
    assert_eq!(state, ItemState::Done);
    assert!(evidence.contains("专职1人、兼职1人"), "{evidence}");
    assert_eq!(
        field(
            store
                .set_zone_item(
                    "t",
                    &county,
                    TODAY,
                    zone,
                    ("five.team", ItemState::Done, "有")
                )
                .unwrap_err()
        ),
        "项目",
        "the records answer it"
    );
}
