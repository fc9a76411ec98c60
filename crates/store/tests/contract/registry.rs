//! The register through the scope: migrations, writes, versions, searches and exports.

use super::*;

pub(super) fn migrates_once_and_reopens(db: &TestDb) {
    let first = db.open();
    assert!(!first.applied_migrations.is_empty());
    drop(first);
    let mut again = db.open();
    assert!(
        again.applied_migrations.is_empty(),
        "nothing pending the second time"
    );
    assert!(again.is_empty().unwrap());
    // The key is bound to the database: another key is refused, not silently used.
    drop(again);
    let other = "ff".repeat(32);
    let err = Store::open(&db.target, &KeySource::Hex(other)).unwrap_err();
    assert!(matches!(err, StoreError::Key(_)), "{err}");
}

pub(super) fn subtree_scope_sees_descendants_never_siblings(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let names = |store: &mut Store, key| -> Vec<String> {
        let scope = scope_of(store, key);
        store
            .party_orgs_in_scope(&scope)
            .unwrap()
            .into_iter()
            .map(|(_, _, n, _)| n)
            .collect()
    };
    assert_eq!(names(&mut store, c.city).len(), 5);
    assert_eq!(
        names(&mut store, c.longyou),
        vec!["中共龙游县两新工委", "龙游红木小镇联合党支部"]
    );
    assert_eq!(
        names(&mut store, c.kecheng),
        vec!["中共柯城区两新工委", "衢州某科技公司党支部"]
    );
    assert_eq!(names(&mut store, c.joint), vec!["龙游红木小镇联合党支部"]);

    store
        .insert_member(
            "test",
            &all(),
            TODAY,
            member(c.joint, "张三", 11, MemberStatus::Full, Some(c.orgs[0])),
        )
        .unwrap();
    store
        .insert_member(
            "test",
            &all(),
            TODAY,
            member(
                c.tech_branch,
                "李四",
                12,
                MemberStatus::Full,
                Some(c.orgs[3]),
            ),
        )
        .unwrap();
    let scope = scope_of(&mut store, c.longyou);
    let seen: Vec<String> = store
        .members_in_scope(&scope)
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(
        seen,
        vec!["张三"],
        "the sibling county's member is not visible"
    );
    let scope = scope_of(&mut store, c.city);
    assert_eq!(
        store.members_in_scope(&scope).unwrap().len(),
        2,
        "the ancestor sees both"
    );
}

pub(super) fn a_failed_write_leaves_nothing_behind(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    // A member of a party organization that does not exist: refused, nothing written.
    let mut m = member(c.joint, "孙七", 41, MemberStatus::Full, None);
    m.party_org_id = 9999;
    let err = store
        .insert_member("a", &all(), TODAY, m)
        .unwrap_err()
        .to_string();
    assert!(err.contains("所在党组织"), "{err}");
    // A bulk load with a broken row in the middle: all of it or nothing.
    let good = member(c.joint, "周八", 42, MemberStatus::Full, None);
    let mut broken = member(c.joint, "吴九", 43, MemberStatus::Full, None);
    broken.party_org_id = 9999;
    let members = [
        Member {
            key: Key {
                county: LYX,
                id: 500,
            },
            ..good
        },
        Member {
            key: Key {
                county: LYX,
                id: 501,
            },
            ..broken
        },
    ];
    let bulk = Bulk {
        regions: &[],
        zones: &[],
        organizations: &[],
        party_orgs: &[],
        coverage: &[],
        instructors: &[],
        assignments: &[],
        members: &members,
        meetings: &[],
        dues_standards: &[],
        dues_payments: &[],
        records_start: d(2024, 1, 1),
        archive_items: &[],
        floating: &[],
    };
    assert!(
        store
            .bulk_load("a", LoadMode::Append, bulk, &mut |_, _, _| {})
            .is_err()
    );
    let scope = scope_of(&mut store, c.city);
    assert!(store.members_in_scope(&scope).unwrap().is_empty());
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn member_writes_and_reads_stay_inside_the_scope(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    // Longyou cannot register a member into Kecheng's branch.
    let err = store
        .insert_member(
            "longyou",
            &longyou,
            TODAY,
            member(c.tech_branch, "越界", 61, MemberStatus::Full, None),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    let m = member(c.joint, "钱十", 62, MemberStatus::Probationary, None);
    let id = m.resident_id.clone();
    let key = store.insert_member("longyou", &longyou, TODAY, m).unwrap();
    // Kecheng neither finds, changes nor reveals Longyou's member; it is simply not there.
    assert_eq!(
        store.find_member_by_resident_id(&kecheng, &id).unwrap(),
        None
    );
    assert_eq!(
        store.find_member_by_resident_id(&longyou, &id).unwrap(),
        Some(key)
    );
    let err = store
        .set_member_status(
            "kecheng",
            &kecheng,
            key,
            MemberStatus::Full,
            Some(d(2026, 1, 1)),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("党员：不存在"), "{err}");
    assert!(store.reveal_resident_id("kecheng", &kecheng, key).is_err());
    // The city (an ancestor) can.
    let city = scope_of(&mut store, c.city);
    assert_eq!(store.reveal_resident_id("city", &city, key).unwrap(), id);
    let actions: Vec<String> = store
        .audit_entries("member", key.county, key.id)
        .unwrap()
        .into_iter()
        .map(|e| format!("{}:{}", e.actor, e.action))
        .collect();
    assert_eq!(actions, vec!["longyou:create", "city:reveal_resident_id"]);
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn every_registry_write_bumps_the_version(db: &TestDb) {
    let mut store = db.open();
    let v0 = store.registry_version().unwrap();
    let c = build_small_city(&mut store);
    let v1 = store.registry_version().unwrap();
    assert!(v1 > v0, "loading and registering bump it");
    store
        .insert_member(
            "t",
            &all(),
            TODAY,
            member(c.joint, "版本", 71, MemberStatus::Full, None),
        )
        .unwrap();
    let v2 = store.registry_version().unwrap();
    assert!(v2 > v1);
    // A refused write changes nothing, the version included.
    let mut bad = member(c.joint, "版本二", 72, MemberStatus::Full, None);
    bad.party_org_id = 9999;
    assert!(store.insert_member("t", &all(), TODAY, bad).is_err());
    assert_eq!(store.registry_version().unwrap(), v2);
    store
        .add_rule_version(
            "test",
            &RuleParam {
                key: keys::JOINT_BRANCH_MAX_UNITS.into(),
                version: 2,
                value: 6,
                effective_from: d(2027, 1, 1),
                title: "t".into(),
                source: "s".into(),
            },
        )
        .unwrap();
    assert!(
        store.registry_version().unwrap() > v2,
        "new rules make old reports stale"
    );
}

pub(super) fn concurrent_writers_wait_their_turn(db: &TestDb) {
    let mut store = db.open();
    build_small_city(&mut store);
    drop(store);
    // Two connections registering at once: each write transaction reads before it
    // writes, which on SQLite deadlocks unless the write lock is taken first.
    let threads: Vec<_> = (0..2)
        .map(|t| {
            let target = db.target.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&target, &KeySource::Hex(KEY.into())).unwrap();
                for i in 0..15 {
                    let org = Organization {
                        key: Key { county: LYX, id: 0 },
                        name: format!("并发{t}-{i}"),
                        credit_code: None,
                        credit_code_check_failed: false,
                        kind: OrgKind::Enterprise,
                        sectors: SectorSet::EMPTY,
                        town: None,
                        zone: None,
                        employees: None,
                        registered_on: None,
                    };
                    store.insert_organization("t", &all(), org).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no writer failed");
    }
    let mut store = db.open();
    assert_eq!(store.organization_count().unwrap(), 4 + 30);
    assert_eq!(
        store.verify_audit_chain().unwrap(),
        None,
        "the audit chain did not fork"
    );
}

/// Registering a person takes the registry's lock before looking them up: two clerks
/// registering one person at once take turns instead of both finding nobody. Seen here by
/// a writer that holds the lock while the person's record leaves: the registration waits
/// (as the database reports it), then finds them gone and registers them again.
pub(super) fn a_registration_looks_the_person_up_only_once_it_holds_the_registry(db: &TestDb) {
    // On SQLite every writer takes the database's write lock as it begins: nothing to race.
    let Target::Postgres(url) = &db.target else {
        return;
    };
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let person = member(c.joint, "再登记", 231, MemberStatus::Full, None);
    let first = store
        .insert_member("t", &longyou, TODAY, person.clone())
        .unwrap();
    drop(store);

    let mut holder = PgConnection::establish(url).unwrap();
    diesel::sql_query("BEGIN").execute(&mut holder).unwrap();
    diesel::sql_query("SELECT next_id FROM id_alloc WHERE name = 'registry_version' FOR UPDATE")
        .execute(&mut holder)
        .unwrap();
    let (target, scope) = (db.target.clone(), longyou.clone());
    let writer = std::thread::spawn(move || {
        let mut store = Store::open(&target, &KeySource::Hex(KEY.into())).unwrap();
        store.insert_member("t", &scope, TODAY, person)
    });
    // Until the database reports the writer blocked by this connection, or it ends (it
    // may first wait its turn behind other tests' connections).
    let mut waiting = false;
    for _ in 0..12_000 {
        let blocked: Count = diesel::sql_query(
            // pg_locks, not pg_stat_activity: the latter is read once per transaction.
            "SELECT count(*) AS n FROM pg_locks \
             WHERE NOT granted AND pg_backend_pid() = ANY(pg_blocking_pids(pid))",
        )
        .get_result(&mut holder)
        .unwrap();
        if blocked.n > 0 {
            waiting = true;
            break;
        }
        if writer.is_finished() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    if !waiting {
        diesel::sql_query("ROLLBACK").execute(&mut holder).unwrap();
        panic!(
            "the registration did not wait for the registry's lock: {:?}",
            writer.join()
        );
    }
    diesel::sql_query(format!(
        "UPDATE members SET left_on = '2026-11-01', leave_reason = 'transferred_out' \
         WHERE county_code = {} AND id = {}",
        first.county, first.id
    ))
    .execute(&mut holder)
    .unwrap();
    diesel::sql_query("COMMIT").execute(&mut holder).unwrap();
    let again = writer
        .join()
        .unwrap()
        .expect("registered once the record left");
    assert_ne!(again, first);
}

pub(super) fn organizations_change_inside_the_scope_only(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let today = d(2026, 11, 27);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut changed = Organization {
        key: c.orgs[0],
        name: "龙游甲红木家具集团有限公司".into(),
        credit_code: Some(CreditCode::from_parts("91330825MA2AAAAA1").unwrap()),
        credit_code_check_failed: false,
        kind: OrgKind::Enterprise,
        sectors: SectorSet::EMPTY.with(SectorTag::Manufacturing),
        town: None,
        zone: None,
        employees: Some(80),
        registered_on: None,
    };
    // Kecheng does not see Longyou's unit: nothing is changed and the version stays.
    let v = store.registry_version().unwrap();
    let err = store
        .update_organization("kecheng", &kecheng, today, changed.clone(), 0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    assert_eq!(store.registry_version().unwrap(), v);
    // Its own credit code is no clash; another unit's is.
    let version = |store: &mut Store, key: Key| {
        store
            .organization(&all(), today, key)
            .unwrap()
            .unwrap()
            .version
    };
    assert_eq!(version(&mut store, c.orgs[0]), 0);
    store
        .update_organization("longyou", &longyou, today, changed.clone(), 0)
        .unwrap();
    let row = store
        .organization(&all(), today, c.orgs[0])
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "龙游甲红木家具集团有限公司");
    assert_eq!(row.employees, Some(80));
    assert_eq!(
        row.version, 1,
        "the database raises the version on a change"
    );
    // A form that showed the version before that change is refused: nothing is written.
    let mut stale = changed.clone();
    stale.employees = Some(7);
    let v = store.registry_version().unwrap();
    let err = store
        .update_organization("longyou", &longyou, today, stale, 0)
        .unwrap_err();
    assert!(matches!(err, StoreError::Stale { what: "单位" }), "{err}");
    assert_eq!(store.registry_version().unwrap(), v);
    let row = store
        .organization(&all(), today, c.orgs[0])
        .unwrap()
        .unwrap();
    assert_eq!((row.employees, row.version), (Some(80), 1));
    let mut clash = changed.clone();
    clash.key = c.orgs[1];
    let err = store
        .update_organization("longyou", &longyou, today, clash, 0)
        .unwrap_err()
        .to_string();
    assert!(err.contains("已被其他组织使用"), "{err}");
    // Saving the same values again writes nothing.
    let v = store.registry_version().unwrap();
    store
        .update_organization("longyou", &longyou, today, changed.clone(), 1)
        .unwrap();
    assert_eq!(store.registry_version().unwrap(), v);
    assert_eq!(version(&mut store, c.orgs[0]), 1);
    // Whatever changes the row raises its version (an import, a statement by hand), so a
    // form opened before it is refused as well.
    diesel::sql_query(format!(
        "UPDATE organizations SET employees = 81 WHERE county_code = {} AND id = {}",
        c.orgs[0].county, c.orgs[0].id
    ))
    .execute(store.conn())
    .unwrap();
    assert_eq!(version(&mut store, c.orgs[0]), 2);
    changed.employees = None;
    assert!(matches!(
        store.update_organization("longyou", &longyou, today, changed.clone(), 1),
        Err(StoreError::Stale { .. })
    ));
    store
        .update_organization("longyou", &longyou, today, changed, 2)
        .unwrap();
    assert_eq!(version(&mut store, c.orgs[0]), 3);
    let entries = store
        .audit_entries("organization", c.orgs[0].county, c.orgs[0].id)
        .unwrap();
    let updates: Vec<_> = entries.iter().filter(|e| e.action == "update").collect();
    assert_eq!(updates.len(), 2);
    assert!(
        updates[0]
            .before
            .as_deref()
            .unwrap()
            .contains("龙游甲红木家具有限公司")
    );
    assert!(
        updates[1]
            .after
            .as_deref()
            .unwrap()
            .contains(r#""employees":null"#)
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn member_records_are_corrected_by_the_rules_and_audited(db: &TestDb) {
    use liangxin_store::registry::MemberChange;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    // The store keeps the dates' rules itself, whoever calls it.
    let mut young = member(c.joint, "赵小", 81, MemberStatus::Probationary, None);
    young.joined_on = d(2002, 1, 1);
    let err = store
        .insert_member("longyou", &longyou, TODAY, young)
        .unwrap_err()
        .to_string();
    assert!(err.contains("入党时应年满18岁"), "{err}");
    let key = store
        .insert_member(
            "longyou",
            &longyou,
            TODAY,
            member(c.joint, "赵十一", 82, MemberStatus::Probationary, None),
        )
        .unwrap();
    let change = MemberChange {
        name: "赵十一".into(),
        status: MemberStatus::Full,
        joined_on: d(2010, 7, 1),
        confirmed_on: Some(d(2011, 7, 1)),
        workplace: Some(c.orgs[0]),
        phone: Some("13812345678".into()),
        background: Default::default(),
    };
    // Another county's committee does not find the member.
    let seen = member_version(&mut store, key);
    let err = store
        .update_member("kecheng", &kecheng, TODAY, key, change.clone(), seen)
        .unwrap_err()
        .to_string();
    assert!(err.contains("党员：不存在"), "{err}");
    // Probation is at least a year.
    let short = MemberChange {
        confirmed_on: Some(d(2011, 6, 30)),
        ..change.clone()
    };
    let seen = member_version(&mut store, key);
    let err = store
        .update_member("longyou", &longyou, TODAY, key, short, seen)
        .unwrap_err()
        .to_string();
    assert!(err.contains("转正时间：预备期至少一年"), "{err}");
    let gone = MemberChange {
        workplace: Some(Key {
            county: LYX,
            id: 987_654,
        }),
        ..change.clone()
    };
    let seen = member_version(&mut store, key);
    let err = store
        .update_member("longyou", &longyou, TODAY, key, gone, seen)
        .unwrap_err()
        .to_string();
    assert!(err.contains("工作单位"), "{err}");
    let v = store.registry_version().unwrap();
    let seen = member_version(&mut store, key);
    store
        .update_member("longyou", &longyou, TODAY, key, change.clone(), seen)
        .unwrap();
    assert!(store.registry_version().unwrap() > v);
    let seen = store.member(&longyou, key).unwrap().unwrap();
    assert_eq!(seen.status, MemberStatus::Full);
    assert_eq!(seen.workplace.map(|w| w.0), Some(c.orgs[0]));
    // Saving again writes nothing; the audit entry keeps the phone masked.
    let v = store.registry_version().unwrap();
    let seen = member_version(&mut store, key);
    store
        .update_member("longyou", &longyou, TODAY, key, change, seen)
        .unwrap();
    assert_eq!(store.registry_version().unwrap(), v);
    let entries = store.audit_entries("member", key.county, key.id).unwrap();
    let update = entries.iter().find(|e| e.action == "update").unwrap();
    let after = update.after.as_deref().unwrap();
    assert!(after.contains("138****5678"), "{after}");
    assert!(!after.contains("13812345678"));
    assert!(
        update
            .before
            .as_deref()
            .unwrap()
            .contains(r#""status":"probationary""#)
    );
    assert_eq!(entries.iter().filter(|e| e.action == "update").count(), 1);
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

pub(super) fn a_search_reaches_below_the_children_and_the_tree_opens_down_to_the_page(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let names = |found: &[liangxin_store::people::PartyOrgChild]| -> Vec<(String, Option<String>)> {
        found
            .iter()
            .map(|p| (p.name.clone(), p.above.clone()))
            .collect()
    };
    // No search: the children, with nothing said above them.
    let (n, children) = store.party_org_children(c.city, None, 0, 50).unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        names(&children),
        [
            ("中共柯城区两新工委".to_owned(), None),
            ("中共龙游县两新工委".to_owned(), None)
        ]
    );
    // A search finds at any depth below, each with the organization above it; never the
    // page's own organization, nor anything outside its subtree.
    let (n, found) = store
        .party_org_children(c.city, Some("党支部"), 0, 50)
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        names(&found),
        [
            (
                "衢州某科技公司党支部".to_owned(),
                Some("中共柯城区两新工委".to_owned())
            ),
            (
                "龙游红木小镇联合党支部".to_owned(),
                Some("中共龙游县两新工委".to_owned())
            ),
        ]
    );
    let (n, found) = store
        .party_org_children(c.longyou, Some("党支部"), 0, 50)
        .unwrap();
    assert_eq!((n, found.len()), (1, 1));
    assert_eq!(found[0].key, c.joint);
    assert_eq!(found[0].above, None, "a child: its parent is the page");
    let (n, _) = store
        .party_org_children(c.city, Some("两新工委"), 0, 50)
        .unwrap();
    assert_eq!(n, 2, "the city's own committee is not below itself");
    let code = format!("{}-{}", c.tech_branch.county, c.tech_branch.id);
    assert_eq!(
        store
            .party_org_children(c.city, Some(&code), 0, 50)
            .unwrap()
            .0,
        1
    );
    assert_eq!(
        store
            .party_org_children(c.longyou, Some(&code), 0, 50)
            .unwrap()
            .0,
        0,
        "another county's branch is not below 龙游县"
    );
    assert_eq!(
        store
            .party_org_children(c.city, Some("党支部"), 1, 50)
            .unwrap()
            .1
            .len(),
        1,
        "paged"
    );

    // The tree: the scope's root, each level's organizations with organizations under
    // them, open down to the page's own (a branch, though nothing is under it).
    let lines = |store: &mut Store, scope: &Scope, key: Key| -> Vec<(String, usize, bool)> {
        store
            .party_org_tree(scope, key)
            .unwrap()
            .into_iter()
            .map(|l| (l.name, l.depth, l.here))
            .collect()
    };
    let line = |name: &str, depth, here| (name.to_owned(), depth, here);
    assert_eq!(
        lines(&mut store, &all(), c.joint),
        [
            line("中共衢州市两新工委", 0, false),
            line("中共柯城区两新工委", 1, false),
            line("中共龙游县两新工委", 1, false),
            line("龙游红木小镇联合党支部", 2, true),
        ]
    );
    assert_eq!(
        lines(&mut store, &all(), c.city),
        [
            line("中共衢州市两新工委", 0, true),
            line("中共柯城区两新工委", 1, false),
            line("中共龙游县两新工委", 1, false),
        ]
    );
    // A county's user: the tree starts at the county.
    let county = Scope::subtree(store.party_org(&all(), c.longyou).unwrap().unwrap().path);
    assert_eq!(
        lines(&mut store, &county, c.joint),
        [
            line("中共龙游县两新工委", 0, false),
            line("龙游红木小镇联合党支部", 1, true),
        ]
    );
}

/// The members export reads runs of party organizations: whatever the run's length, the
/// runs together hold every member the list holds, once each, in the list's order.
pub(super) fn an_export_walks_every_member_once_in_the_lists_order(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let city = scope_of(&mut store, c.city);
    for (i, po) in [c.joint, c.tech_branch, c.joint, c.tech_branch, c.joint]
        .into_iter()
        .enumerate()
    {
        let seq = 150 + u16::try_from(i).unwrap();
        store
            .insert_member(
                "t",
                &city,
                TODAY,
                member(po, &format!("导出{i}"), seq, MemberStatus::Full, None),
            )
            .unwrap();
    }
    for filter in [
        MemberFilter::default(),
        MemberFilter {
            name: Some("导出".into()),
            ..MemberFilter::default()
        },
    ] {
        let listed: Vec<Key> = store
            .members_page(&city, &filter, 0, 500)
            .unwrap()
            .iter()
            .map(|m| m.key)
            .collect();
        assert!(listed.len() >= 5, "{listed:?}");
        for every in [1, 2, 3, 100] {
            let (low, high) = city.path_range();
            let mut bounds = vec![low];
            bounds.extend(store.party_org_runs(&city, every).unwrap());
            bounds.push(high);
            let walked: Vec<Key> = bounds
                .windows(2)
                .flat_map(|w| store.members_between(&city, &filter, &w[0], &w[1]).unwrap())
                .map(|m| m.key)
                .collect();
            assert_eq!(walked, listed, "runs of {every}");
        }
    }
}

pub(super) fn members_leave_by_a_reason_and_are_never_deleted(db: &TestDb) {
    use liangxin_domain::kinds::LeaveReason;
    use liangxin_store::transfer::Leaving;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "减少甲", 141, MemberStatus::Full, None),
        )
        .unwrap();
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();
    let refused = [
        (
            &longyou,
            LeaveReason::TransferredOut,
            TODAY,
            "决议",
            "减少原因",
        ),
        (
            &longyou,
            LeaveReason::Died,
            d(2026, 11, 28),
            "决议",
            "减少日期",
        ),
        (
            &longyou,
            LeaveReason::Died,
            d(2009, 1, 1),
            "决议",
            "减少日期",
        ),
        (&longyou, LeaveReason::Died, TODAY, " ", "依据"),
        (&kecheng, LeaveReason::Died, TODAY, "决议", "党员"),
    ];
    for (scope, reason, on, note, field) in refused {
        let leaving = Leaving {
            member: m,
            reason,
            on,
            note: note.into(),
        };
        match store.leave_member("t", scope, TODAY, &leaving) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(
        store
            .member(&longyou, m)
            .unwrap()
            .unwrap()
            .left_on
            .is_none()
    );
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: m,
                reason: LeaveReason::Died,
                on: d(2026, 11, 20),
                note: "家属告知，支部核实".into(),
            },
        )
        .unwrap();
    let left = store.member(&longyou, m).unwrap().unwrap();
    assert_eq!(left.left_on, Some(d(2026, 11, 20)));
    assert_eq!(left.leave_reason, Some(LeaveReason::Died));
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before - 1
    );
    let twice = store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: m,
                reason: LeaveReason::Died,
                on: TODAY,
                note: "再次".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(twice.contains("已不在册"), "{twice}");
    let log = store.audit_entries("member", m.county, m.id).unwrap();
    assert!(log.iter().any(|e| e.action == "leave"), "audited");
}

pub(super) fn a_committee_is_held_by_full_members_for_terms_and_the_secretary_account_follows_the_secretary(
    db: &TestDb,
) {
    use liangxin_domain::kinds::{LeaveReason, Post, Role};
    use liangxin_store::administration::{AccountRequest, Node};
    use liangxin_store::transfer::Leaving;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut add = |name: &str, seq: u16, status: MemberStatus| {
        store
            .insert_member(
                "t",
                &longyou,
                TODAY,
                member(c.joint, name, seq, status, None),
            )
            .unwrap()
    };
    let wang = add("王书记", 201, MemberStatus::Full);
    let li = add("李委员", 202, MemberStatus::Full);
    let zhao = add("赵预备", 203, MemberStatus::Probationary);
    let secretary = c.joint;
    assert_eq!(
        store
            .secretary_vacancies(&longyou, TODAY)
            .unwrap()
            .iter()
            .filter(|v| v.0 == secretary)
            .count(),
        1,
        "no 书记 yet: a vacancy"
    );
    let refused =
        |store: &mut Store, scope: &Scope, post: Post, who: Key, since: NaiveDate| match store
            .appoint("t", scope, secretary, post, who, since, TODAY)
        {
            Err(StoreError::Invalid { field, .. }) => field,
            other => panic!("{post:?} {who:?}: {other:?}"),
        };
    // Probationary members are not elected; a 党小组组长 is not a branch's post; another
    // county's committee cannot reach it; no appointment in the future.
    let s = &mut store;
    assert_eq!(
        refused(s, &longyou, Post::Secretary, zhao, d(2026, 1, 1)),
        "党员"
    );
    assert_eq!(
        refused(s, &longyou, Post::GroupLeader, wang, d(2026, 1, 1)),
        "职务"
    );
    assert_eq!(
        refused(s, &kecheng, Post::Secretary, wang, d(2026, 1, 1)),
        "党组织"
    );
    assert_eq!(
        refused(s, &longyou, Post::Secretary, wang, d(2026, 12, 31)),
        "任职日期"
    );
    let wang_post = store
        .appoint(
            "t",
            &longyou,
            secretary,
            Post::Secretary,
            wang,
            d(2024, 3, 1),
            TODAY,
        )
        .unwrap();
    store
        .appoint(
            "t",
            &longyou,
            secretary,
            Post::Organization,
            li,
            d(2024, 3, 1),
            TODAY,
        )
        .unwrap();
    assert!(
        store
            .secretary_vacancies(&longyou, TODAY)
            .unwrap()
            .iter()
            .all(|v| v.0 != secretary)
    );
    // One post at a time for a member.
    assert_eq!(
        refused(&mut store, &longyou, Post::Publicity, li, d(2025, 1, 1)),
        "党员"
    );
    // The branch's secretary account, opened for 王书记.
    let account = store
        .create_account(
            "t",
            &longyou,
            &AccountRequest {
                username: "joint.secretary",
                display_name: "王书记",
                password_hash: "x",
                role: Role::Secretary,
                node: Node::PartyOrg(secretary),
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    assert!(
        store
            .party_orgs_without_secretary(&longyou, Some(secretary))
            .unwrap()
            .is_empty()
    );
    // 李委员 becomes 书记: 王书记's term ends the day before, and the account that served
    // 王书记 is disabled; the branch is offered a secretary account again, for 李委员 — who
    // first leaves the post of 组织委员.
    let li_org = store
        .posts_of(&longyou, secretary)
        .unwrap()
        .into_iter()
        .find(|h| h.member == li)
        .unwrap()
        .id;
    store
        .end_post("t", &longyou, secretary, li_org, d(2026, 9, 30), TODAY)
        .unwrap();
    store
        .appoint(
            "t",
            &longyou,
            secretary,
            Post::Secretary,
            li,
            d(2026, 10, 1),
            TODAY,
        )
        .unwrap();
    let posts = store.posts_of(&longyou, secretary).unwrap();
    let wang_term = posts.iter().find(|h| h.id == wang_post).unwrap();
    assert_eq!(wang_term.until, Some(d(2026, 9, 30)));
    let head: Vec<&str> = posts
        .iter()
        .filter(|h| h.post == Post::Secretary && h.current(TODAY))
        .map(|h| h.name.as_str())
        .collect();
    assert_eq!(head, ["李委员"]);
    let disabled = store
        .users()
        .unwrap()
        .into_iter()
        .find(|u| u.id == account)
        .unwrap()
        .disabled_at;
    assert!(disabled.is_some(), "the account served the 书记 who left");
    let offered = store
        .party_orgs_without_secretary(&longyou, Some(secretary))
        .unwrap();
    assert_eq!(offered.len(), 1);
    assert!(offered[0].display_name.starts_with("李委员"), "{offered:?}");
    // A term back-dated into a past one of the same post is refused.
    let qian = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "钱党员", 204, MemberStatus::Full, None),
        )
        .unwrap();
    assert_eq!(
        refused(&mut store, &longyou, Post::Secretary, qian, d(2025, 6, 1)),
        "任职日期"
    );
    // 李委员's own account, then disabled by an administrator: not offered again.
    let li_account = store
        .create_account(
            "t",
            &longyou,
            &AccountRequest {
                username: "joint.li",
                display_name: "李委员",
                password_hash: "x",
                role: Role::Secretary,
                node: Node::PartyOrg(secretary),
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    store
        .set_account_disabled(
            "t",
            &longyou,
            li_account,
            true,
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    assert!(
        store
            .party_orgs_without_secretary(&longyou, Some(secretary))
            .unwrap()
            .is_empty(),
        "an account an administrator disabled is not handed over"
    );
    store
        .set_account_disabled(
            "t",
            &longyou,
            li_account,
            false,
            chrono::Utc::now().naive_utc(),
        )
        .unwrap();
    // A 书记 who leaves the Party organization leaves the post that day.
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: li,
                reason: LeaveReason::Died,
                on: d(2026, 11, 20),
                note: "讣告".into(),
            },
        )
        .unwrap();
    let li_term = store
        .posts_of(&longyou, secretary)
        .unwrap()
        .into_iter()
        .find(|h| h.member == li && h.post == Post::Secretary)
        .unwrap();
    assert_eq!(li_term.until, Some(d(2026, 11, 20)));
    assert!(
        store
            .secretary_vacancies(&longyou, TODAY)
            .unwrap()
            .iter()
            .any(|v| v.0 == secretary)
    );
    // Every change is in the audit log.
    use liangxin_store::schema::audit_log as al;
    let logged: i64 = al::table
        .filter(al::entity.eq("party_org_post"))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(logged, 6, "three appointments and three ends");
    // 李委员 leaving disabled the account in use: the branch is offered one again.
    assert_eq!(
        store
            .party_orgs_without_secretary(&longyou, Some(secretary))
            .unwrap()
            .len(),
        1
    );
}

/// Several servers on one database: the night's audit is claimed by one; the others (and the
/// same one again) are refused; another night or another job is claimed afresh.
pub(super) fn a_nights_scheduled_run_is_claimed_by_one_server(db: &TestDb) {
    let mut a = db.open();
    let mut b = db.open();
    let night = d(2026, 12, 6);
    assert!(a.claim_job("nightly_audit", night, "host-a:1").unwrap());
    assert!(!b.claim_job("nightly_audit", night, "host-b:2").unwrap());
    assert!(!a.claim_job("nightly_audit", night, "host-a:1").unwrap());
    assert!(
        b.claim_job("nightly_audit", d(2026, 12, 7), "host-b:2")
            .unwrap()
    );
    assert!(a.claim_job("another_job", night, "host-a:1").unwrap());
}
