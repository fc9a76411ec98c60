//! 责任清单: a committee gives tasks to an organization below or a named unit; the owner
//! notes progress and marks it done with evidence; overdue tasks are in both 待办.

use super::*;
use liangxin_store::duty::{NewTask, TaskOwner};

fn field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid { field, .. } => field,
        other => panic!("{other:?}"),
    }
}

pub(super) fn a_committee_gives_tasks_and_overdue_ones_reach_both_todo_lists(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let own = scope_of(&mut store, c.joint);
    let other = scope_of(&mut store, c.kecheng);
    let task = |owner: TaskOwner, title: &str, deadline| NewTask {
        assigner: c.longyou,
        owner,
        title: title.into(),
        detail: "按季度报送进展".into(),
        deadline,
    };
    let soon = TODAY + chrono::Days::new(30);
    // Bad input names its field and writes nothing.
    let bad = |store: &mut Store, scope: &Scope, t: NewTask| {
        field(store.assign_task("t", scope, TODAY, &t).unwrap_err())
    };
    assert_eq!(
        bad(
            &mut store,
            &county,
            task(TaskOwner::PartyOrg(c.joint), " ", soon)
        ),
        "任务"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            task(
                TaskOwner::PartyOrg(c.joint),
                "建强班子",
                TODAY - chrono::Days::new(1)
            )
        ),
        "完成时限"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            task(TaskOwner::PartyOrg(c.kecheng), "越级", soon)
        ),
        "责任单位",
        "not below the committee"
    );
    assert_eq!(
        bad(
            &mut store,
            &county,
            task(TaskOwner::Unit(" ".into()), "会商", soon)
        ),
        "责任单位"
    );
    assert_eq!(
        bad(
            &mut store,
            &other,
            task(TaskOwner::PartyOrg(c.joint), "越权", soon)
        ),
        "下达单位"
    );
    let mut from_branch = task(TaskOwner::Unit("某局".into()), "支部下达", soon);
    from_branch.assigner = c.joint;
    assert_eq!(
        bad(&mut store, &own, from_branch),
        "下达单位",
        "a committee gives tasks"
    );
    assert!(store.duty_tasks(&county).unwrap().is_empty());

    let to_branch = store
        .assign_task(
            "t",
            &county,
            d(2026, 10, 1),
            &task(TaskOwner::PartyOrg(c.joint), "完成支部换届", d(2026, 11, 1)),
        )
        .unwrap();
    let to_unit = store
        .assign_task(
            "t",
            &county,
            TODAY,
            &task(
                TaskOwner::Unit("县市场监管局".into()),
                "个体工商户党员排查",
                soon,
            ),
        )
        .unwrap();
    // The branch sees the task given to it, not the one given to the unit; 柯城 neither.
    let mine: Vec<Key> = store
        .duty_tasks(&own)
        .unwrap()
        .iter()
        .map(|t| t.key)
        .collect();
    assert_eq!(mine, [to_branch]);
    assert!(
        store.duty_tasks(&other).unwrap().is_empty(),
        "never sideways"
    );
    let listed = store.duty_tasks(&county).unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].key, to_branch, "open first, by deadline");
    assert_eq!(listed[0].assigner_name, "中共龙游县两新工委");

    // Overdue: the branch's to do, the county's to follow (the unit's too).
    let todo = |store: &mut Store, scope: &Scope, day| {
        let t = store.evaluation_todo(scope, day).unwrap();
        (t.tasks_overdue_owned, t.tasks_overdue_given)
    };
    assert_eq!(todo(&mut store, &own, TODAY), (1, 0));
    assert_eq!(
        todo(&mut store, &county, TODAY),
        (1, 0),
        "the branch's is below the county"
    );
    assert_eq!(
        todo(&mut store, &county, soon + chrono::Days::new(1)),
        (1, 1)
    );
    assert_eq!(todo(&mut store, &other, TODAY), (0, 0));

    // The owner notes progress, then marks it done with evidence; once.
    assert_eq!(
        field(
            store
                .record_task("sec", &own, TODAY, to_branch, " ", true)
                .unwrap_err()
        ),
        "完成情况和佐证"
    );
    assert_eq!(
        field(
            store
                .record_task("sec", &own, TODAY, to_unit, "看不到", false)
                .unwrap_err()
        ),
        "任务"
    );
    store
        .record_task("sec", &own, TODAY, to_branch, "已报街道党工委", false)
        .unwrap();
    store
        .record_task(
            "sec",
            &own,
            TODAY,
            to_branch,
            "11月20日选举产生新一届支委会",
            true,
        )
        .unwrap();
    assert!(
        store
            .record_task("sec", &own, TODAY, to_branch, "再记", false)
            .is_err(),
        "done"
    );
    let done = store
        .duty_tasks(&county)
        .unwrap()
        .into_iter()
        .find(|t| t.key == to_branch)
        .unwrap();
    assert!(done.done.is_some() && !done.overdue(TODAY));
    assert_eq!(todo(&mut store, &own, TODAY), (0, 0));
    assert_eq!(
        store
            .audit_entries("duty_task", to_branch.county, to_branch.id)
            .unwrap()
            .len(),
        3
    );
}
