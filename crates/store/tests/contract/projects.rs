//! 项目领办清单: a branch's 书记 takes on a project with its 节点; the 节点 are done with
//! their evidence, progress is noted, and the project closes with its result. A project is
//! late by a 节点 or its own day past; scopes see their subtree's projects only.

use super::*;
use liangxin_domain::kinds::{Post, ProjectOutcome};
use liangxin_domain::project::ProjectState;
use liangxin_store::projects::NewProject;

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

fn project(org: Key, due: NaiveDate, milestones: &[(&str, NaiveDate)]) -> NewProject {
    NewProject {
        party_org: org,
        title: "红木产业链党建联盟".into(),
        goal: "联合上下游12家企业组建党建联盟，年内开展联建活动6次".into(),
        due_on: due,
        milestones: milestones.iter().map(|(t, d)| ((*t).into(), *d)).collect(),
    }
}

pub(super) fn a_secretary_takes_on_a_project_and_its_milestones_and_result_are_kept(db: &TestDb) {
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
    let plan = project(
        c.joint,
        d(2027, 6, 30),
        &[
            ("组建联盟", d(2026, 12, 31)),
            ("开展联建活动", d(2027, 5, 31)),
        ],
    );

    // No 书记 yet: nobody to lead it.
    assert_eq!(
        field(
            store
                .take_on_project("t", &branch, TODAY, &plan)
                .unwrap_err()
        ),
        "党组织"
    );
    let wang = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "王书记", 501, MemberStatus::Full, None),
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

    // Refused plans leave nothing.
    let refused = [
        (
            project(c.joint, d(2026, 11, 26), &[("组建联盟", TODAY)]),
            "完成时限",
        ),
        (
            project(c.joint, d(2030, 1, 1), &[("组建联盟", d(2027, 1, 1))]),
            "完成时限",
        ),
        (project(c.joint, d(2027, 6, 30), &[]), "节点"),
        (
            project(c.joint, d(2027, 6, 30), &[("组建联盟", d(2027, 7, 1))]),
            "节点",
        ),
        (
            project(c.joint, d(2027, 6, 30), &[("组建联盟", d(2026, 11, 26))]),
            "节点",
        ),
        (
            project(c.joint, d(2027, 6, 30), &[(" ", d(2027, 1, 1))]),
            "节点",
        ),
        (
            NewProject {
                title: "".into(),
                ..plan.clone()
            },
            "项目名称",
        ),
    ];
    for (p, want) in refused {
        assert_eq!(
            field(store.take_on_project("t", &branch, TODAY, &p).unwrap_err()),
            want
        );
    }
    assert_eq!(
        field(
            store
                .take_on_project("t", &other, TODAY, &plan)
                .unwrap_err()
        ),
        "党组织",
        "another county's branch"
    );
    assert_eq!(
        field(
            store
                .take_on_project(
                    "t",
                    &county,
                    TODAY,
                    &NewProject {
                        party_org: c.longyou,
                        ..plan.clone()
                    }
                )
                .unwrap_err()
        ),
        "党组织",
        "a 两新工委 does not take one on"
    );
    assert!(store.led_projects(&county, 2026).unwrap().is_empty());

    let key = store.take_on_project("t", &branch, TODAY, &plan).unwrap();
    let listed = store.led_projects(&county, 2026).unwrap();
    assert_eq!(listed.len(), 1);
    let p = &listed[0];
    assert_eq!((p.leader, p.leader_name.as_str()), (wang, "王书记"));
    assert_eq!(p.party_org_name, "龙游红木小镇联合党支部");
    assert_eq!(p.milestones.len(), 2);
    assert_eq!(p.state(TODAY), ProjectState::Open);
    assert_eq!(store.led_projects(&city, 2026).unwrap().len(), 1);
    assert_eq!(store.led_projects(&branch, 2026).unwrap().len(), 1);
    assert!(store.led_projects(&other, 2026).unwrap().is_empty());
    assert!(store.led_project(&other, key).unwrap().is_none());
    // Open, it is 2027's project too; not 2025's.
    assert_eq!(store.led_projects(&county, 2027).unwrap().len(), 1);
    assert!(store.led_projects(&county, 2025).unwrap().is_empty());

    // The first 节点 past its day: late, the scope's 待办 and its committee's.
    let after = d(2027, 1, 1);
    let late = store.late_projects(&county, after).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(
        late[0].state(after),
        ProjectState::Late {
            project: false,
            milestones: 1
        }
    );
    assert_eq!(
        store.evaluation_todo(&county, after).unwrap().projects_late,
        1
    );
    assert_eq!(
        store.evaluation_todo(&branch, after).unwrap().projects_late,
        1
    );
    assert_eq!(
        store.evaluation_todo(&other, after).unwrap().projects_late,
        0
    );
    assert_eq!(
        store.evaluation_todo(&county, TODAY).unwrap().projects_late,
        0
    );
    let first = p.milestones[0].id;
    assert_eq!(
        field(
            store
                .complete_milestone("t", &other, TODAY, key, first, "联盟章程")
                .unwrap_err()
        ),
        "领办项目"
    );
    assert_eq!(
        field(
            store
                .complete_milestone("t", &branch, TODAY, key, first, " ")
                .unwrap_err()
        ),
        "完成情况和佐证"
    );
    store
        .complete_milestone("t", &branch, TODAY, key, first, "联盟章程和12家企业签约书")
        .unwrap();
    assert_eq!(
        field(
            store
                .complete_milestone("t", &branch, TODAY, key, first, "再次")
                .unwrap_err()
        ),
        "节点",
        "done once"
    );
    assert_eq!(
        field(
            store
                .complete_milestone("t", &branch, TODAY, key, first + 99, "无")
                .unwrap_err()
        ),
        "节点"
    );
    assert!(store.late_projects(&county, after).unwrap().is_empty());

    store
        .note_project(
            "t",
            &county,
            TODAY,
            key,
            "县两新工委到联盟调研，提出扩大到物流企业",
        )
        .unwrap();
    let full = store.led_project(&branch, key).unwrap().unwrap();
    assert_eq!(full.notes.len(), 1);
    assert_eq!(full.last_note, Some(TODAY));
    assert_eq!(full.milestones[0].done_on, Some(TODAY));
    assert_eq!(
        full.milestones[0].evidence.as_deref(),
        Some("联盟章程和12家企业签约书")
    );

    // Closed with its result: nothing more is written to it.
    store
        .close_project(
            "t",
            &branch,
            TODAY,
            key,
            ProjectOutcome::Partly,
            "联盟组建，联建活动开展4次",
        )
        .unwrap();
    let closed = store.led_project(&county, key).unwrap().unwrap();
    assert_eq!(
        closed.state(TODAY),
        ProjectState::Closed(ProjectOutcome::Partly)
    );
    assert_eq!(closed.closed_on, Some(TODAY));
    assert_eq!(
        field(
            store
                .note_project("t", &branch, TODAY, key, "又一条")
                .unwrap_err()
        ),
        "领办项目"
    );
    assert!(
        store
            .late_projects(&county, d(2027, 7, 1))
            .unwrap()
            .is_empty()
    );

    let actions: Vec<String> = store
        .audit_entries("led_project", key.county, key.id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["create", "milestone_done", "note", "close"]);
}
