#![allow(clippy::unwrap_used)]
//! The store contract: every test runs on a fresh SQLite file, and on PostgreSQL in a
//! schema of its own when `LIANGXIN_TEST_PG_URL` is set (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`).

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::coverage::{self, CoverageState, GroupBy, GroupKey};
use liangxin_domain::credit_code::CreditCode;
use liangxin_domain::kinds::{
    FlowStatus, FormationMode, MemberStatus, OrgKind, PartyOrgType, SectorSet, SectorTag,
};
use liangxin_domain::registry::{
    CoverageLink, Instructor, InstructorAssignment, Key, Member, Organization, PartyOrg, Region,
};
use liangxin_domain::resident_id::ResidentId;
use liangxin_domain::rules::{CoverageRules, RuleParam, keys};
use liangxin_store::audit_run::FindingFilter;
use liangxin_store::crypto::Suite;
use liangxin_store::import::{ImportSource, Plan};
use liangxin_store::people::MemberFilter;
use liangxin_store::registry::{Bulk, LoadMode};
use liangxin_store::{KeySource, Scope, Store, StoreError, Target};

/// A database for one test, removed when dropped.
struct TestDb {
    target: Target,
    _dir: tempfile::TempDir,
    pg_schema: Option<(String, String)>,
}

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

impl TestDb {
    fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::Sqlite(dir.path().join("liangxin.db"));
        TestDb {
            target,
            _dir: dir,
            pg_schema: None,
        }
    }

    /// `None` when no PostgreSQL is configured.
    fn postgres() -> Option<TestDb> {
        let base = std::env::var("LIANGXIN_TEST_PG_URL").ok()?;
        let schema = format!(
            "lx_test_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let mut admin = PgConnection::establish(&base).expect("LIANGXIN_TEST_PG_URL must connect");
        diesel::sql_query(format!("CREATE SCHEMA {schema}"))
            .execute(&mut admin)
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        Some(TestDb {
            target: Target::Postgres(url),
            _dir: tempfile::tempdir().unwrap(),
            pg_schema: Some((base, schema)),
        })
    }

    fn open(&self) -> Store {
        Store::open(&self.target, &KeySource::Hex(KEY.into())).unwrap()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_schema
            && let Ok(mut admin) = PgConnection::establish(base)
        {
            let _ = diesel::sql_query(format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin);
        }
    }
}

/// After every test, whatever it wrote: each member's kept latest records (the audit's
/// summary of attendance and dues) equal what their records say. (A test that rotated the
/// key leaves a database this key no longer opens.)
fn latest_records_kept(db: &TestDb) {
    if let Ok(mut store) = Store::open(&db.target, &KeySource::Hex(KEY.into())) {
        assert_eq!(
            store.activity_drift().unwrap(),
            0,
            "a writer left members' latest records stale"
        );
    }
}

/// Declares each contract test once per backend; each ends by checking the audit's kept
/// summary against the records.
macro_rules! contract {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() {
                let db = super::TestDb::sqlite();
                super::$name(&db);
                super::latest_records_kept(&db);
            } )+
        }
        mod postgres {
            $( #[test] fn $name() {
                match super::TestDb::postgres() {
                    Some(db) => {
                        super::$name(&db);
                        super::latest_records_kept(&db);
                    }
                    None => eprintln!("LIANGXIN_TEST_PG_URL not set: PostgreSQL contract skipped"),
                }
            } )+
        }
    };
}

contract!(
    a_committees_todo_sums_each_organization_below_it_as_its_own_scope_would,
    an_export_walks_every_member_once_in_the_lists_order,
    a_report_for_a_day_is_unchanged_by_what_is_dated_after_it,
    a_day_is_unchanged_by_generated_later_records,
    a_branch_whose_members_are_all_in_its_groups_still_owes_its_meetings,
    a_committee_meeting_expects_the_committee_and_an_assembly_the_whole_branch,
    a_member_on_recorded_leave_is_followed_up_not_flagged,
    the_unpaid_baseline_follows_the_run_across_new_year,
    a_member_who_paid_this_month_still_owes_the_months_before,
    an_imported_branch_is_counted_from_its_records_start_not_from_admission,
    migrates_once_and_reopens,
    subtree_scope_sees_descendants_never_siblings,
    member_writes_and_reads_stay_inside_the_scope,
    members_are_encrypted_found_by_hash_and_audited,
    the_audit_log_is_append_only_and_chained,
    a_failed_write_leaves_nothing_behind,
    coverage_facts_feed_the_engine,
    raw_sql_baseline_agrees_with_the_engine,
    rule_versions_are_data,
    every_registry_write_bumps_the_version,
    concurrent_writers_wait_their_turn,
    a_registration_looks_the_person_up_only_once_it_holds_the_registry,
    organizations_change_inside_the_scope_only,
    member_records_are_corrected_by_the_rules_and_audited,
    coverage_over_time_follows_the_dated_records,
    meetings_are_recorded_whole_with_every_expected_member,
    dues_are_marked_once_a_month_and_corrected_by_new_lines,
    the_audit_finds_the_six_month_rule_and_keeps_findings_to_closure,
    archives_are_checked_against_the_checklist,
    transfers_move_a_member_and_escalate_when_nobody_receives,
    a_sender_finds_the_receiver_by_part_of_its_name,
    a_search_reaches_below_the_children_and_the_tree_opens_down_to_the_page,
    members_leave_by_a_reason_and_are_never_deleted,
    floating_members_are_seen_by_home_and_host_and_attend_at_the_host,
    dues_roll_up_by_party_organization_and_scope,
    a_member_sheet_is_previewed_committed_whole_and_undone,
    an_upload_is_checked_then_committed_once_and_its_file_wiped,
    a_sheet_updates_registered_members_in_what_it_says_and_undoes_it,
    a_commit_matches_the_rows_again_and_refuses_what_changed_since_its_plan,
    a_sheet_as_large_as_the_register_is_matched_by_reading_it_through,
    a_sheet_of_many_blocks_is_previewed_and_written_a_block_at_a_time,
    an_organization_sheet_is_matched_by_credit_code_committed_and_undone,
    a_party_org_sheet_builds_a_subtree_with_its_coverage_and_undoes_it,
    a_zone_sheet_registers_parks_and_towns_with_their_committees_and_undoes_them,
    a_committee_is_held_by_full_members_for_terms_and_the_secretary_account_follows_the_secretary,
    a_committee_sheet_records_past_and_current_terms_by_the_rules_and_undoes_them,
    a_member_sheet_sets_new_members_dues_standards_and_its_undo_takes_them_back,
    an_instructor_sheet_assigns_known_and_new_instructors_and_undoes_it,
    a_dues_ledger_adds_the_months_not_yet_marked_and_undoes_them,
    an_attendance_sheet_records_whole_meetings_and_undoes_them,
    who_is_a_member_elsewhere_is_said_without_where_logged_and_rationed,
    a_sheet_compares_a_bounded_number_of_ids_with_the_register_and_is_logged,
    a_full_id_is_revealed_only_in_scope_logged_and_rationed,
    the_audit_logs_end_is_anchored_by_its_checkpoints,
    sign_in_attempts_are_kept_for_the_retention_the_rules_give,
    a_key_rotation_reseals_every_id_and_keeps_the_log_verifiable,
    the_guomi_suite_is_kept_by_the_database_through_a_rotation,
    uploads_are_bounded_per_account_and_leave_nothing_when_discarded,
);

type SheetRow = (usize, Vec<String>);

/// A sheet's rows as an importer reads them, one by one.
fn rows_of(rows: &[SheetRow]) -> impl Iterator<Item = Result<SheetRow, String>> + Send + '_ {
    rows.iter().cloned().map(Ok)
}

fn source<'a>(scope: &'a Scope, file_name: &'a str, sha: &'a str) -> ImportSource<'a> {
    ImportSource {
        actor: "t",
        scope,
        file_name,
        file_sha256: sha,
        upload: None,
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const LYX: i32 = 330825;
const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
const KCQ: i32 = 330802;

/// A small city: 衢州 with two counties, a tree of party organizations:
/// /1/ 市两新工委 → /1/2/ 龙游县两新工委 → /1/2/4/ 红木小镇联合党支部
///                → /1/3/ 柯城区两新工委 → /1/3/5/ 某科技公司党支部
struct SmallCity {
    city: Key,
    longyou: Key,
    kecheng: Key,
    joint: Key,
    tech_branch: Key,
    orgs: Vec<Key>,
}

fn region(code: i32, name: &str, parent: Option<i32>) -> Region {
    Region {
        code,
        name: name.into(),
        parent,
    }
}

fn build_small_city(store: &mut Store) -> SmallCity {
    let regions = [
        region(330800, "衢州市", None),
        region(LYX, "龙游县", Some(330800)),
        region(KCQ, "柯城区", Some(330800)),
    ];
    let po = |county, id, parent: Option<Key>, name: &str, t| PartyOrg {
        key: Key { county, id },
        parent,
        name: name.into(),
        org_type: t,
        formation_mode: None,
        zone: None,
        has_committee: true,
        term_started: Some(d(2024, 3, 1)),
    };
    let city = Key {
        county: 330800,
        id: 1,
    };
    let longyou = Key { county: LYX, id: 2 };
    let kecheng = Key { county: KCQ, id: 3 };
    let party_orgs = [
        po(
            330800,
            1,
            None,
            "中共衢州市两新工委",
            PartyOrgType::WorkingCommittee,
        ),
        po(
            LYX,
            2,
            Some(city),
            "中共龙游县两新工委",
            PartyOrgType::WorkingCommittee,
        ),
        po(
            KCQ,
            3,
            Some(city),
            "中共柯城区两新工委",
            PartyOrgType::WorkingCommittee,
        ),
    ];
    store
        .bulk_load(
            "test",
            LoadMode::Append,
            Bulk {
                regions: &regions,
                zones: &[],
                organizations: &[],
                party_orgs: &party_orgs,
                coverage: &[],
                instructors: &[],
                assignments: &[],
                members: &[],
                meetings: &[],
                dues_standards: &[],
                dues_payments: &[],
                records_start: d(2024, 1, 1),
                archive_items: &[],
                floating: &[],
            },
            &mut |_, _, _| {},
        )
        .unwrap();
    let joint = store
        .insert_party_org(
            "test",
            &all(),
            PartyOrg {
                formation_mode: Some(FormationMode::RegionalJoint),
                ..po(
                    LYX,
                    0,
                    Some(longyou),
                    "龙游红木小镇联合党支部",
                    PartyOrgType::JointBranch,
                )
            },
            &[],
            d(2024, 1, 1),
        )
        .unwrap();
    let tech_branch = store
        .insert_party_org(
            "test",
            &all(),
            po(
                KCQ,
                0,
                Some(kecheng),
                "衢州某科技公司党支部",
                PartyOrgType::Branch,
            ),
            &[],
            d(2024, 1, 1),
        )
        .unwrap();
    let org = |county, name: &str, code: Option<&str>| Organization {
        key: Key { county, id: 0 },
        name: name.into(),
        credit_code: code.map(|c| CreditCode::from_parts(c).unwrap()),
        credit_code_check_failed: false,
        kind: OrgKind::Enterprise,
        sectors: SectorSet::EMPTY.with(SectorTag::Manufacturing),
        town: None,
        zone: None,
        employees: Some(30),
        registered_on: None,
    };
    let orgs = vec![
        store
            .insert_organization(
                "test",
                &all(),
                org(LYX, "龙游甲红木家具有限公司", Some("91330825MA2AAAAA1")),
            )
            .unwrap(),
        store
            .insert_organization("test", &all(), org(LYX, "龙游乙红木工艺品有限公司", None))
            .unwrap(),
        store
            .insert_organization("test", &all(), org(LYX, "龙游丙木业有限公司", None))
            .unwrap(),
        store
            .insert_organization("test", &all(), org(KCQ, "衢州某科技有限公司", None))
            .unwrap(),
    ];
    store
        .add_coverage(CoverageLink {
            organization: orgs[0],
            party_org: joint,
            since: d(2023, 1, 1),
        })
        .unwrap();
    store
        .add_coverage(CoverageLink {
            organization: orgs[1],
            party_org: joint,
            since: d(2023, 1, 1),
        })
        .unwrap();
    store
        .add_coverage(CoverageLink {
            organization: orgs[3],
            party_org: tech_branch,
            since: d(2020, 1, 1),
        })
        .unwrap();
    let ins = store
        .insert_instructor(Instructor {
            key: Key { county: LYX, id: 0 },
            name: "王指导".into(),
            phone: None,
        })
        .unwrap();
    store
        .assign_instructor(
            "test",
            &all(),
            InstructorAssignment {
                organization: orgs[2],
                instructor: ins,
                since: d(2025, 1, 1),
                until: None,
            },
        )
        .unwrap();
    SmallCity {
        city,
        longyou,
        kecheng,
        joint,
        tech_branch,
        orgs,
    }
}

fn member(po: Key, name: &str, seq: u16, status: MemberStatus, workplace: Option<Key>) -> Member {
    Member {
        key: Key {
            county: po.county,
            id: 0,
        },
        party_org_id: po.id,
        name: name.into(),
        resident_id: ResidentId::from_parts("330825", d(1985, 6, 1), seq).unwrap(),
        status,
        joined_on: d(2010, 7, 1),
        confirmed_on: (status == MemberStatus::Full).then(|| d(2011, 7, 1)),
        workplace,
        flow: FlowStatus::Settled,
        flow_destination: None,
        phone: None,
    }
}

/// The whole tree: what an administrator's operation sees.
fn all() -> Scope {
    Scope::everything()
}

fn scope_of(store: &mut Store, key: Key) -> Scope {
    let path = store
        .party_orgs_in_scope(&Scope::everything())
        .unwrap()
        .into_iter()
        .find(|(k, ..)| *k == key)
        .unwrap()
        .1;
    Scope::subtree(path)
}

fn migrates_once_and_reopens(db: &TestDb) {
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

fn subtree_scope_sees_descendants_never_siblings(db: &TestDb) {
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

fn members_are_encrypted_found_by_hash_and_audited(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let m = member(
        c.joint,
        "王五",
        21,
        MemberStatus::Probationary,
        Some(c.orgs[1]),
    );
    let id = m.resident_id.clone();
    let key = store
        .insert_member("secretary:42", &all(), TODAY, m.clone())
        .unwrap();

    // At rest: no clear ID anywhere in the profile row.
    let (cipher, masked): (Vec<u8>, String) = liangxin_store::schema::member_profiles::table
        .select((
            liangxin_store::schema::member_profiles::resident_id_cipher,
            liangxin_store::schema::member_profiles::resident_id_masked,
        ))
        .first(store.conn())
        .unwrap();
    assert!(!String::from_utf8_lossy(&cipher).contains(id.expose()));
    assert_eq!(masked, id.masked());
    assert!(
        !masked.contains(&id.expose()[6..14]),
        "the birth date is hidden"
    );
    assert_eq!(
        store
            .reveal_resident_id("secretary:42", &all(), key)
            .unwrap(),
        id
    );
    assert_eq!(
        store.find_member_by_resident_id(&all(), &id).unwrap(),
        Some(key)
    );

    // The same person twice is refused with the field named.
    let err = store
        .insert_member("secretary:42", &all(), TODAY, m)
        .unwrap_err()
        .to_string();
    assert!(err.contains("身份证号"), "{err}");

    store
        .set_member_status(
            "secretary:42",
            &all(),
            key,
            MemberStatus::Full,
            Some(d(2011, 7, 1)),
        )
        .unwrap();
    let log = store.audit_entries("member", key.county, key.id).unwrap();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["create", "reveal_resident_id", "update"]
    );
    assert_eq!(log[2].actor, "secretary:42");
    let before: serde_json::Value =
        serde_json::from_str(log[2].before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value = serde_json::from_str(log[2].after.as_deref().unwrap()).unwrap();
    assert_eq!(before["status"], "probationary");
    assert_eq!(after["status"], "full");
    for entry in &log {
        for text in [&entry.before, &entry.after].into_iter().flatten() {
            assert!(
                !text.contains(id.expose()),
                "the audit log never holds the clear ID"
            );
        }
    }
}

fn the_audit_log_is_append_only_and_chained(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let key = store
        .insert_member(
            "a",
            &all(),
            TODAY,
            member(c.joint, "赵六", 31, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .set_member_status("b", &all(), key, MemberStatus::Probationary, None)
        .unwrap();
    assert_eq!(store.verify_audit_chain().unwrap(), None);
    let update = diesel::sql_query("UPDATE audit_log SET actor = 'x'").execute(store.conn());
    assert!(update.is_err(), "UPDATE refused");
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(store.conn());
    assert!(delete.is_err(), "DELETE refused");
    assert_eq!(store.verify_audit_chain().unwrap(), None);
    // Someone with raw database access removes the guard and rewrites a row: the keyed
    // chain no longer verifies, and a re-chained forgery would need the master key.
    let drop_guard = match store.backend() {
        liangxin_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        liangxin_store::Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
    };
    diesel::sql_query(drop_guard).execute(store.conn()).unwrap();
    diesel::sql_query("UPDATE audit_log SET actor = 'someone else' WHERE action = 'update'")
        .execute(store.conn())
        .unwrap();
    assert!(
        store.verify_audit_chain().unwrap().is_some(),
        "tampering detected"
    );
}

fn a_failed_write_leaves_nothing_behind(db: &TestDb) {
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

fn coverage_facts_feed_the_engine(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    // 甲 has 3 full members in a joint branch → should set up its own branch.
    for (i, name) in ["甲一", "甲二", "甲三"].iter().enumerate() {
        store
            .insert_member(
                "t",
                &all(),
                TODAY,
                member(
                    c.joint,
                    name,
                    100 + i as u16,
                    MemberStatus::Full,
                    Some(c.orgs[0]),
                ),
            )
            .unwrap();
    }
    store
        .insert_member(
            "t",
            &all(),
            TODAY,
            member(
                c.tech_branch,
                "李四",
                110,
                MemberStatus::Full,
                Some(c.orgs[3]),
            ),
        )
        .unwrap();
    let today = d(2026, 11, 27);
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), today).unwrap();
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let facts = store.coverage_facts(&city, today).unwrap();
    assert_eq!(facts.organizations.len(), 4);
    // Members count up the tree: the city committee holds all four.
    let city_po = facts.party_orgs.iter().find(|p| p.key == c.city).unwrap();
    assert_eq!(city_po.members, 4);
    let joint = facts.party_orgs.iter().find(|p| p.key == c.joint).unwrap();
    assert_eq!((joint.members, joint.units_covered), (3, 2));
    assert_eq!(facts.party_orgs.len(), 5);
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    // 乙 sits in the joint branch without members: work coverage, like 丙 with its instructor.
    assert_eq!(report.total.organization_covered, 2);
    assert_eq!(report.total.work_covered, 2);
    assert_eq!(report.total.gap, 0);
    let lyx = report.groups[&GroupKey::County(LYX)];
    assert_eq!(
        (lyx.total, lyx.organization_covered, lyx.work_covered),
        (3, 1, 2)
    );
    let own: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.action == coverage::Action::SetUpOwnBranch)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(own, vec!["龙游甲红木家具有限公司"]);

    // A county scope sees only its county's organizations.
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let facts = store.coverage_facts(&county, today).unwrap();
    assert_eq!(facts.organizations.len(), 3);
    assert!(facts.organizations.iter().all(|o| o.key.county == LYX));
    // A branch scope without a region sees the organizations it covers.
    let branch = scope_of(&mut store, c.tech_branch);
    let facts = store.coverage_facts(&branch, today).unwrap();
    assert_eq!(
        facts
            .organizations
            .iter()
            .map(|o| o.name.as_str())
            .collect::<Vec<_>>(),
        vec!["衢州某科技有限公司"]
    );
    let states: Vec<_> = facts
        .organizations
        .iter()
        .map(|o| coverage::assess_organization(o, &rules).state)
        .collect();
    assert_eq!(states, vec![CoverageState::Organization]);
}

fn raw_sql_baseline_agrees_with_the_engine(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let today = d(2026, 11, 27);
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), today).unwrap();
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let facts = store.coverage_facts(&city, today).unwrap();
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    let raw = store.coverage_by_county_raw_sql(today, 3).unwrap();
    assert_eq!(raw.len(), report.groups.len());
    for row in raw {
        let t = report.groups[&GroupKey::County(row.county)];
        assert_eq!(
            (
                row.total,
                row.org_covered,
                row.work_covered,
                row.gap,
                row.needing_action
            ),
            (
                t.total as i64,
                t.organization_covered as i64,
                t.work_covered as i64,
                t.gap as i64,
                t.needing_action as i64
            )
        );
    }
}

fn rule_versions_are_data(db: &TestDb) {
    let mut store = db.open();
    let before = store.rule_set().unwrap();
    assert_eq!(
        before
            .in_force(keys::OWN_BRANCH_MIN_FULL_MEMBERS, d(2026, 1, 1))
            .unwrap()
            .value,
        3
    );
    store
        .add_rule_version(
            "test",
            &RuleParam {
                key: keys::OWN_BRANCH_MIN_FULL_MEMBERS.into(),
                version: 2,
                value: 4,
                effective_from: d(2027, 1, 1),
                title: "试点".into(),
                source: "某县试点文件".into(),
            },
        )
        .unwrap();
    drop(store);
    // Reopening re-seeds nothing and keeps the new version.
    let mut store = db.open();
    let set = store.rule_set().unwrap();
    assert_eq!(set.params().len(), before.params().len() + 1);
    assert_eq!(
        set.in_force(keys::OWN_BRANCH_MIN_FULL_MEMBERS, d(2026, 12, 31))
            .unwrap()
            .value,
        3
    );
    let v2 = set
        .in_force(keys::OWN_BRANCH_MIN_FULL_MEMBERS, d(2027, 1, 1))
        .unwrap();
    assert_eq!(
        (v2.value, v2.version, v2.source.as_str()),
        (4, 2, "某县试点文件")
    );
}

fn member_writes_and_reads_stay_inside_the_scope(db: &TestDb) {
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

fn every_registry_write_bumps_the_version(db: &TestDb) {
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

fn concurrent_writers_wait_their_turn(db: &TestDb) {
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
fn a_registration_looks_the_person_up_only_once_it_holds_the_registry(db: &TestDb) {
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

fn organizations_change_inside_the_scope_only(db: &TestDb) {
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
        .update_organization("kecheng", &kecheng, today, changed.clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    assert_eq!(store.registry_version().unwrap(), v);
    // Its own credit code is no clash; another unit's is.
    store
        .update_organization("longyou", &longyou, today, changed.clone())
        .unwrap();
    let row = store
        .organization(&all(), today, c.orgs[0])
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "龙游甲红木家具集团有限公司");
    assert_eq!(row.employees, Some(80));
    let mut clash = changed.clone();
    clash.key = c.orgs[1];
    let err = store
        .update_organization("longyou", &longyou, today, clash)
        .unwrap_err()
        .to_string();
    assert!(err.contains("已被其他组织使用"), "{err}");
    // Saving the same values again writes nothing.
    let v = store.registry_version().unwrap();
    store
        .update_organization("longyou", &longyou, today, changed.clone())
        .unwrap();
    assert_eq!(store.registry_version().unwrap(), v);
    changed.employees = None;
    store
        .update_organization("longyou", &longyou, today, changed)
        .unwrap();
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

fn member_records_are_corrected_by_the_rules_and_audited(db: &TestDb) {
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
    };
    // Another county's committee does not find the member.
    let err = store
        .update_member("kecheng", &kecheng, TODAY, key, change.clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("党员：不存在"), "{err}");
    // Probation is at least a year.
    let short = MemberChange {
        confirmed_on: Some(d(2011, 6, 30)),
        ..change.clone()
    };
    let err = store
        .update_member("longyou", &longyou, TODAY, key, short)
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
    let err = store
        .update_member("longyou", &longyou, TODAY, key, gone)
        .unwrap_err()
        .to_string();
    assert!(err.contains("工作单位"), "{err}");
    let v = store.registry_version().unwrap();
    store
        .update_member("longyou", &longyou, TODAY, key, change.clone())
        .unwrap();
    assert!(store.registry_version().unwrap() > v);
    let seen = store.member(&longyou, key).unwrap().unwrap();
    assert_eq!(seen.status, MemberStatus::Full);
    assert_eq!(seen.workplace.map(|w| w.0), Some(c.orgs[0]));
    // Saving again writes nothing; the audit entry keeps the phone masked.
    let v = store.registry_version().unwrap();
    store
        .update_member("longyou", &longyou, TODAY, key, change)
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

fn coverage_over_time_follows_the_dated_records(db: &TestDb) {
    use liangxin_domain::history;
    use liangxin_store::registry::PartyOrgChange;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let yesterday = TODAY.pred_opt().unwrap();
    let days = [d(2022, 12, 31), yesterday, TODAY];
    let trend = |store: &mut Store| {
        let records = store.coverage_records(&all(), TODAY, days[0]).unwrap();
        history::trend(&records, &days)
    };
    let counts = |p: &history::TrendPoint| (p.total, p.organization_covered, p.work_covered, p.gap);
    // Today's point is what the engine reports for today.
    let rules = CoverageRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let facts = store.coverage_facts(&all(), TODAY).unwrap();
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    let before = trend(&mut store);
    let t = report.total;
    assert_eq!(
        counts(&before[2]),
        (t.total, t.organization_covered, t.work_covered, t.gap)
    );
    // Before the joint branch's links (2023) its units were not reached.
    assert!(
        before[0].organization_covered + before[0].work_covered
            < t.organization_covered + t.work_covered
    );

    // Kecheng cannot change Longyou's joint branch; nothing is written.
    let kecheng = scope_of(&mut store, c.kecheng);
    let change = PartyOrgChange {
        name: "红木小镇联合党支部".into(),
        org_type: PartyOrgType::JointBranch,
        formation_mode: Some(FormationMode::RegionalJoint),
        has_committee: false,
        term_started: Some(d(2024, 1, 1)),
        covers: vec![c.orgs[0]],
    };
    let v = store.registry_version().unwrap();
    let err = store
        .update_party_org("kecheng", &kecheng, TODAY, c.joint, change.clone())
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    assert_eq!(store.registry_version().unwrap(), v);

    // Longyou lets the second unit go: it was reached yesterday, it is not today.
    let longyou = scope_of(&mut store, c.longyou);
    store
        .update_party_org("longyou", &longyou, TODAY, c.joint, change.clone())
        .unwrap();
    let units = store.covered_units(&all(), TODAY, c.joint).unwrap();
    assert_eq!(
        units.iter().map(|u| u.0).collect::<Vec<_>>(),
        vec![c.orgs[0]]
    );
    let after = trend(&mut store);
    assert_eq!(
        counts(&after[0]),
        counts(&before[0]),
        "the past is as it was"
    );
    assert_eq!(counts(&after[1]), counts(&before[1]), "yesterday too");
    assert_eq!(
        after[2].gap,
        before[2].gap + 1,
        "{:?} {:?}",
        after[2],
        before[2]
    );
    // Saving the same again writes nothing; a unit outside the county is refused.
    let v = store.registry_version().unwrap();
    store
        .update_party_org("longyou", &longyou, TODAY, c.joint, change.clone())
        .unwrap();
    assert_eq!(store.registry_version().unwrap(), v);
    let err = store
        .update_party_org(
            "longyou",
            &longyou,
            TODAY,
            c.joint,
            PartyOrgChange {
                covers: vec![c.orgs[0], c.orgs[3]],
                ..change
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("覆盖单位"), "{err}");
    let entries = store
        .audit_entries("party_org", c.joint.county, c.joint.id)
        .unwrap();
    let update = entries.iter().find(|e| e.action == "update").unwrap();
    assert!(
        update.after.as_deref().unwrap().contains(&format!(
            r#""covers_removed":[{{"county":{},"id":{}}}]"#,
            c.orgs[1].county, c.orgs[1].id
        )),
        "{:?}",
        update.after
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

fn meetings_are_recorded_whole_with_every_expected_member(db: &TestDb) {
    use liangxin_domain::kinds::{Attendance, MeetingKind};
    use liangxin_domain::life::{self, AttendanceRecord, LifeRules, MeetingRecord, PeriodState};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut members = Vec::new();
    for (i, status) in [
        MemberStatus::Full,
        MemberStatus::Full,
        MemberStatus::Full,
        MemberStatus::Probationary,
    ]
    .into_iter()
    .enumerate()
    {
        let mut m = member(
            c.joint,
            &format!("支部党员{i}"),
            90 + i as u16,
            status,
            None,
        );
        if status == MemberStatus::Probationary {
            m.joined_on = d(2026, 3, 1);
        }
        members.push(store.insert_member("longyou", &longyou, TODAY, m).unwrap());
    }
    // On 2026-02-10 the probationary member had not yet joined: three are expected.
    let on = d(2026, 2, 10);
    let expected = store
        .expected_attendees(&longyou, c.joint, MeetingKind::BranchAssembly, on)
        .unwrap();
    assert_eq!(expected.len(), 3);
    assert!(expected.iter().all(|e| e.voter));
    let record = |attendance: Vec<(Key, Attendance, Option<&str>)>, held_on| MeetingRecord {
        party_org: c.joint,
        kind: MeetingKind::BranchAssembly,
        held_on,
        place: "红木小镇党群服务中心".into(),
        host: "支部书记".into(),
        recorder: "组织委员".into(),
        topic: "学习党章".into(),
        agenda: "一、学习；二、讨论".into(),
        minutes: "略".into(),
        decisions: "无".into(),
        attendance: attendance
            .into_iter()
            .map(|(member, attendance, reason)| AttendanceRecord {
                member,
                attendance,
                reason: reason.map(Into::into),
            })
            .collect(),
    };
    let all_present = |keys: &[Key]| {
        keys.iter()
            .map(|k| (*k, Attendance::Present, None))
            .collect::<Vec<_>>()
    };
    let refuse = |store: &mut Store, scope: &Scope, r: MeetingRecord, message: &str| {
        let before = store
            .meetings_of(&all(), c.joint, d(2000, 1, 1), TODAY)
            .unwrap()
            .len();
        let err = store
            .record_meeting("t", scope, TODAY, r)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
        let after = store
            .meetings_of(&all(), c.joint, d(2000, 1, 1), TODAY)
            .unwrap()
            .len();
        assert_eq!(before, after, "nothing written");
    };
    // Kecheng cannot record for Longyou's branch; a future date, a member not yet joined,
    // a member left out and 请假 without a reason are refused.
    refuse(
        &mut store,
        &kecheng,
        record(all_present(&members[..3]), on),
        "不在您的管理范围内",
    );
    refuse(
        &mut store,
        &longyou,
        record(all_present(&members[..3]), d(2026, 11, 28)),
        "不能晚于今天",
    );
    refuse(
        &mut store,
        &longyou,
        record(all_present(&members), on),
        "不是该党组织会议当天的党员",
    );
    refuse(
        &mut store,
        &longyou,
        record(all_present(&members[..2]), on),
        "应登记出席情况",
    );
    let mut excused = all_present(&members[..3]);
    excused[2].1 = Attendance::Excused;
    refuse(
        &mut store,
        &longyou,
        record(excused.clone(), on),
        "应填写请假原因",
    );
    // Two of three present, one excused with a reason: quorate, entered late (补录).
    excused[2].2 = Some("出差");
    let key = store
        .record_meeting("secretary", &longyou, TODAY, record(excused, on))
        .unwrap();
    let view = store.meeting(&longyou, key).unwrap().unwrap();
    assert_eq!(view.summary.quorate, Some(true));
    assert!(view.summary.late, "entered more than 30 days after");
    assert_eq!(view.summary.counts, (2, 1, 0));
    assert_eq!(view.attendance.len(), 3);
    assert_eq!(
        view.attendance
            .iter()
            .find(|a| a.reason.is_some())
            .unwrap()
            .reason
            .as_deref(),
        Some("出差")
    );
    assert!(
        store.meeting(&kecheng, key).unwrap().is_none(),
        "Kecheng does not see it"
    );
    // In November all four are expected; one voter of three present: no quorum.
    let nov = d(2026, 11, 20);
    let mut few = all_present(&members);
    few[0].1 = Attendance::Absent;
    few[1].1 = Attendance::Absent;
    let key2 = store
        .record_meeting("secretary", &longyou, TODAY, record(few, nov))
        .unwrap();
    let view = store.meeting(&longyou, key2).unwrap().unwrap();
    assert_eq!(view.summary.quorate, Some(false));
    assert!(!view.summary.late);

    // Compliance from the records: Q1 met, Q4 open (the inquorate November meeting does not
    // count), Q2 and Q3 missed, each finding naming its rule.
    let rules = LifeRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let facts = store.life_facts(&longyou, d(2026, 1, 1), TODAY).unwrap();
    let joint = facts.iter().find(|f| f.key == c.joint).unwrap();
    let comp = life::assess(joint, &rules, d(2026, 1, 1), TODAY);
    let states: Vec<PeriodState> = comp.kinds[&MeetingKind::BranchAssembly]
        .iter()
        .map(|p| p.state)
        .collect();
    assert_eq!(
        states,
        vec![
            PeriodState::Met,
            PeriodState::Missed,
            PeriodState::Missed,
            PeriodState::Open
        ]
    );
    assert!(comp.findings.iter().all(|f| !f.rule.source.is_empty()));
    assert!(
        store
            .life_facts(&kecheng, d(2026, 1, 1), TODAY)
            .unwrap()
            .iter()
            .all(|f| f.key != c.joint)
    );
    let audited = store.audit_entries("meeting", key.county, key.id).unwrap();
    assert_eq!(audited.len(), 1);
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

fn dues_are_marked_once_a_month_and_corrected_by_new_lines(db: &TestDb) {
    use liangxin_domain::dues::MonthState;
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let full = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "党费甲", 101, MemberStatus::Full, None),
        )
        .unwrap();
    let mut p = member(c.joint, "党费乙", 102, MemberStatus::Probationary, None);
    p.joined_on = d(2026, 9, 15);
    let probationary = store.insert_member("t", &longyou, TODAY, p).unwrap();
    let salaried = |base: i64| DuesInput {
        category: DuesCategory::Salaried,
        base: Some(Fen::new(base * 100)),
        farmer_amount: None,
        reduction: None,
    };
    // 1.5% of 8,000 yuan; the other is a student at the fixed 0.2 yuan.
    assert_eq!(
        store
            .set_dues_standard("t", &longyou, TODAY, full, 2026, salaried(8000))
            .unwrap(),
        Fen::new(12000)
    );
    let student = DuesInput {
        category: DuesCategory::Student,
        base: None,
        farmer_amount: None,
        reduction: None,
    };
    store
        .set_dues_standard("t", &longyou, TODAY, probationary, 2026, student)
        .unwrap();
    let err = store
        .set_dues_standard("t", &kecheng, TODAY, full, 2026, salaried(8000))
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    // A reduction needs its approval written down.
    let mut reduced = salaried(8000);
    reduced.reduction = Some((Fen::new(5000), " ".into()));
    let err = store
        .set_dues_standard("t", &longyou, TODAY, full, 2026, reduced)
        .unwrap_err()
        .to_string();
    assert!(err.contains("减免"), "{err}");

    // The October sheet: both members (the probationary one admitted in September).
    let oct = Period::month(2026, 10).unwrap();
    let sheet = store.dues_sheet(&longyou, c.joint, oct).unwrap();
    assert_eq!(sheet.len(), 2);
    assert_eq!(
        sheet.iter().find(|r| r.member == full).unwrap().due,
        Some(Fen::new(12000))
    );
    // August: the probationary member had not joined.
    assert_eq!(
        store
            .dues_sheet(&longyou, c.joint, Period::month(2026, 8).unwrap())
            .unwrap()
            .len(),
        1
    );
    let refuse = |store: &mut Store, month: Period, payments: &[(Key, Fen)], message: &str| {
        let err = store
            .mark_dues("t", &longyou, TODAY, c.joint, month, payments)
            .unwrap_err()
            .to_string();
        assert!(err.contains(message), "{err}");
    };
    refuse(
        &mut store,
        Period::month(2026, 12).unwrap(),
        &[(full, Fen::new(12000))],
        "不能晚于本月",
    );
    refuse(&mut store, oct, &[(full, Fen::new(-5))], "应大于0");
    refuse(&mut store, oct, &[(full, Fen::new(1_000_000_000))], "过大");
    refuse(
        &mut store,
        Period::month(2026, 8).unwrap(),
        &[(probationary, Fen::new(20))],
        "不是该党组织当月的党员",
    );
    assert_eq!(
        store
            .dues_sheet(&longyou, c.joint, oct)
            .unwrap()
            .iter()
            .map(|r| r.paid)
            .sum::<Fen>(),
        Fen::ZERO,
        "nothing written"
    );
    assert_eq!(
        store
            .mark_dues(
                "t",
                &longyou,
                TODAY,
                c.joint,
                oct,
                &[(full, Fen::new(12000)), (probationary, Fen::new(20))]
            )
            .unwrap(),
        2
    );
    // Marking the month twice is refused; a correction is a new line with its reason.
    refuse(&mut store, oct, &[(full, Fen::new(12000))], "已登记");
    let err = store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::dues::DuesCorrection {
                member: full,
                month: oct,
                amount: Fen::new(-2000),
                note: " ".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("更正说明"), "{err}");
    store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::dues::DuesCorrection {
                member: full,
                month: oct,
                amount: Fen::new(-2000),
                note: "多收退回".into(),
            },
        )
        .unwrap();
    let err = store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::dues::DuesCorrection {
                member: full,
                month: oct,
                amount: Fen::new(-20000),
                note: "错误".into(),
            },
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("不能为负"), "{err}");
    // The standard is fixed for the year once paid.
    let err = store
        .set_dues_standard("t", &longyou, TODAY, full, 2026, salaried(9000))
        .unwrap_err()
        .to_string();
    assert!(err.contains("不能再改"), "{err}");
    // The member's months: October short after the correction; 交至 none (January unpaid).
    let (months, through) = store
        .member_dues(&longyou, full, d(2026, 9, 1), d(2026, 11, 27))
        .unwrap();
    let states: Vec<MonthState> = months.iter().map(|m| m.state).collect();
    assert_eq!(
        states,
        vec![MonthState::Unpaid, MonthState::Short, MonthState::Unpaid]
    );
    assert_eq!(months[1].paid, Fen::new(10000));
    assert_eq!(through, None);
    let (months, through) = store
        .member_dues(&longyou, probationary, d(2026, 1, 1), d(2026, 10, 31))
        .unwrap();
    assert_eq!(months.len(), 2, "from admission in September");
    assert_eq!(through, None, "September unpaid");
    // The ledger cannot be changed in place.
    let conn = store.conn();
    let changed = diesel::sql_query("UPDATE dues_payments SET amount_fen = 1").execute(conn);
    assert!(changed.is_err(), "append-only");
    assert!(
        store
            .member_dues(&kecheng, full, d(2026, 1, 1), TODAY)
            .is_err()
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

fn the_audit_finds_the_six_month_rule_and_keeps_findings_to_closure(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::{Attendance, DuesCategory, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let a = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "排查甲", 111, MemberStatus::Full, None),
        )
        .unwrap();
    let b = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "排查乙", 112, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .record_meeting(
            "t",
            &longyou,
            TODAY,
            MeetingRecord {
                party_org: c.joint,
                kind: MeetingKind::ThemeDay,
                held_on: d(2026, 11, 1),
                place: "会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "主题党日".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance: vec![
                    AttendanceRecord {
                        member: a,
                        attendance: Attendance::Present,
                        reason: None,
                    },
                    AttendanceRecord {
                        member: b,
                        attendance: Attendance::Absent,
                        reason: None,
                    },
                ],
            },
        )
        .unwrap();
    // 排查丙 was marked paid through October, but August to October were taken back.
    let e = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "排查丙", 113, MemberStatus::Full, None),
        )
        .unwrap();
    for m in [a, b, e] {
        let input = DuesInput {
            category: DuesCategory::Student,
            base: None,
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("t", &longyou, TODAY, m, 2026, input)
            .unwrap();
    }
    let pay = |store: &mut Store, months: std::ops::RangeInclusive<u32>, who: &[Key]| {
        for month in months {
            let payments: Vec<(Key, Fen)> = who.iter().map(|k| (*k, Fen::new(20))).collect();
            store
                .mark_dues(
                    "t",
                    &longyou,
                    TODAY,
                    c.joint,
                    Period::month(2026, month).unwrap(),
                    &payments,
                )
                .unwrap();
        }
    };
    pay(&mut store, 1..=4, &[a, b]);
    pay(&mut store, 5..=10, &[a]);
    pay(&mut store, 1..=10, &[e]);
    for month in 8..=10 {
        store
            .correct_dues(
                "t",
                &longyou,
                TODAY,
                &liangxin_store::dues::DuesCorrection {
                    member: e,
                    month: Period::month(2026, month).unwrap(),
                    amount: Fen::new(-20),
                    note: "误记，实未交纳".into(),
                },
            )
            .unwrap();
    }

    let first = store.run_audit("longyou", &longyou, TODAY).unwrap();
    assert!(first.found > 0 && first.opened == first.found, "{first:?}");
    let (_, findings) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    let of = |who: Key, kind: AuditKind| {
        findings
            .iter()
            .find(|f| f.subject == AuditSubject::Member { key: who } && f.kind == kind)
            .cloned()
    };
    let dues_b = of(b, AuditKind::DuesUnpaid).expect("six months unpaid");
    assert_eq!(dues_b.severity, "flag");
    assert!(dues_b.detail.contains("连续6个月"), "{}", dues_b.detail);
    assert!(dues_b.rule.contains("第九条"), "{}", dues_b.rule);
    assert_eq!(dues_b.responsible, c.joint);
    assert!(
        of(b, AuditKind::NoOrganizationalLife).is_some(),
        "never attended"
    );
    assert!(of(a, AuditKind::DuesUnpaid).is_none());
    let taken_back = of(e, AuditKind::DuesUnpaid).expect("corrected months are unpaid");
    assert_eq!(taken_back.severity, "warning");
    assert!(
        taken_back.detail.contains("自2026年8月起连续3个月"),
        "{}",
        taken_back.detail
    );
    assert!(
        of(a, AuditKind::NoOrganizationalLife).is_none(),
        "attended this month"
    );
    assert!(
        findings
            .iter()
            .any(|f| f.kind == AuditKind::LifeMissed && f.responsible == c.joint)
    );
    // Kecheng sees none of them and cannot close them.
    assert_eq!(
        store
            .audit_findings(&kecheng, &FindingFilter::open(), 0, 500)
            .unwrap()
            .0,
        0
    );
    assert!(
        store
            .close_finding("kecheng", &kecheng, TODAY, dues_b.key, "越权")
            .is_err()
    );

    // A re-run does not add what is already open.
    let again = store.run_audit("longyou", &longyou, TODAY).unwrap();
    assert_eq!(
        (again.found, again.opened, again.resolved),
        (first.found, 0, 0)
    );
    // Closed by hand with a note; paid back; the next run finds nothing more for B's dues.
    assert!(
        store
            .close_finding("longyou", &longyou, TODAY, dues_b.key, " ")
            .is_err()
    );
    store
        .close_finding("longyou", &longyou, TODAY, dues_b.key, "已谈话提醒")
        .unwrap();
    assert!(
        store
            .close_finding("longyou", &longyou, TODAY, dues_b.key, "再次")
            .is_err()
    );
    pay(&mut store, 5..=10, &[b]);
    let third = store.run_audit("longyou", &longyou, TODAY).unwrap();
    assert_eq!(third.opened, 0, "{third:?}");
    assert_eq!(third.found, first.found - 1);
    let (_, all) = store
        .audit_findings(&longyou, &FindingFilter::all(), 0, 500)
        .unwrap();
    let closed = all.iter().find(|f| f.key == dues_b.key).unwrap();
    assert_eq!(
        closed.closed.as_ref().map(|c| c.1.as_str()),
        Some("已谈话提醒")
    );
    assert_eq!(store.verify_audit_chain().unwrap(), None);
}

fn archives_are_checked_against_the_checklist(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::ArchiveItem;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "档案甲", 121, MemberStatus::Full, None),
        )
        .unwrap();
    let (_, empty) = store.member_archive(&longyou, TODAY, m).unwrap();
    // 入党时间 and 转正时间 recorded, none of the five items: 2 of 7.
    assert_eq!(empty.percent, 28);
    assert_eq!(empty.missing.len(), 5);
    for item in [
        ArchiveItem::Application,
        ArchiveItem::Volunteer,
        ArchiveItem::PoliticalReview,
        ArchiveItem::Training,
    ] {
        store
            .record_archive_item("t", &longyou, TODAY, m, item, d(2010, 6, 1))
            .unwrap();
    }
    let err = store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Confirmation,
            d(2027, 1, 1),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("不能晚于今天"), "{err}");
    assert!(
        store
            .record_archive_item(
                "t",
                &kecheng,
                TODAY,
                m,
                ArchiveItem::Confirmation,
                d(2011, 6, 1)
            )
            .is_err()
    );
    let (items, c1) = store.member_archive(&longyou, TODAY, m).unwrap();
    assert_eq!(c1.missing, vec!["转正申请书"]);
    assert_eq!(items.iter().filter(|(_, on)| on.is_some()).count(), 4);
    // The audit names what is missing; completed, the next run closes it.
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    let f = open
        .iter()
        .find(|f| {
            f.subject == AuditSubject::Member { key: m } && f.kind == AuditKind::ArchiveIncomplete
        })
        .unwrap();
    assert!(f.detail.contains("转正申请书"), "{}", f.detail);
    store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Confirmation,
            d(2011, 6, 1),
        )
        .unwrap();
    let run = store.run_audit("t", &longyou, TODAY).unwrap();
    assert!(run.resolved >= 1);
    assert_eq!(
        store.party_org_archive(&longyou, TODAY, c.joint).unwrap(),
        (1, 1, 100)
    );
}

/// 接收党组织 by part of its name, anywhere in the system: an exact name first, then the
/// shortest; its 组织编号 finds it too; wildcards are letters; the name above tells
/// namesakes apart.
fn a_sender_finds_the_receiver_by_part_of_its_name(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let names = |found: &[liangxin_store::transfer::Receiver]| -> Vec<String> {
        found.iter().map(|r| r.name.clone()).collect()
    };
    let found = store.receiving_candidates("两新工委", 20).unwrap();
    assert_eq!(found.len(), 3, "{:?}", names(&found));
    assert!(found.iter().all(|r| r.name.ends_with("两新工委")));
    let ly = found.iter().find(|r| r.key == c.longyou).unwrap();
    assert_eq!(ly.above.as_deref(), Some("中共衢州市两新工委"));
    assert_eq!(found.iter().find(|r| r.key == c.city).unwrap().above, None);
    // The shortest names first; an exact name before any.
    let found = store.receiving_candidates("党支部", 20).unwrap();
    assert_eq!(
        names(&found),
        ["衢州某科技公司党支部", "龙游红木小镇联合党支部"]
    );
    let exact = store
        .receiving_candidates("中共龙游县两新工委", 20)
        .unwrap();
    assert_eq!(exact.len(), 1);
    assert_eq!(exact[0].key, c.longyou);
    let by_code = store
        .receiving_candidates(&format!("{}-{}", c.joint.county, c.joint.id), 20)
        .unwrap();
    assert_eq!(names(&by_code), ["龙游红木小镇联合党支部"]);
    assert!(store.receiving_candidates("%", 20).unwrap().is_empty());
    assert!(
        store
            .receiving_candidates("两新_委", 20)
            .unwrap()
            .is_empty()
    );
    assert!(store.receiving_candidates("  ", 20).unwrap().is_empty());
    assert_eq!(store.receiving_candidates("党", 2).unwrap().len(), 2);
}

fn a_search_reaches_below_the_children_and_the_tree_opens_down_to_the_page(db: &TestDb) {
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

fn transfers_move_a_member_and_escalate_when_nobody_receives(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::{ArchiveItem, LeaveReason, LetterKind, TransferState};
    use liangxin_store::transfer::{Destination, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let city = scope_of(&mut store, c.city);
    let person = member(c.joint, "转接甲", 131, MemberStatus::Full, None);
    let id_number = person.resident_id.clone();
    let m = store.insert_member("t", &longyou, TODAY, person).unwrap();
    store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Application,
            d(2010, 1, 5),
        )
        .unwrap();
    let letter = |to, issued_on, valid_days| TransferRequest {
        member: m,
        letter_kind: LetterKind::Introduction,
        to,
        reason: "工作调动".into(),
        issued_on,
        valid_days,
    };
    let to_tech = Destination::PartyOrg(c.tech_branch);
    // Refused, with nothing written.
    let refused = [
        (
            &kecheng,
            letter(to_tech.clone(), d(2026, 11, 1), Some(10)),
            "党员",
        ),
        (
            &longyou,
            letter(to_tech.clone(), d(2026, 11, 28), None),
            "开具日期",
        ),
        (
            &longyou,
            letter(to_tech.clone(), d(2026, 11, 1), Some(200)),
            "有效期",
        ),
        (
            &longyou,
            letter(Destination::PartyOrg(c.joint), d(2026, 11, 1), None),
            "接收党组织",
        ),
        (
            &longyou,
            letter(Destination::Outside("  ".into()), d(2026, 11, 1), None),
            "接收党组织",
        ),
    ];
    for (scope, req, field) in refused {
        match store.issue_transfer("t", scope, TODAY, &req) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(store.transfers(&city, None).unwrap().is_empty());

    // Issued on 1 November for ten days: valid through the 10th.
    let t = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &letter(to_tech.clone(), d(2026, 11, 1), Some(10)),
        )
        .unwrap();
    let again = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &letter(to_tech.clone(), d(2026, 11, 2), None),
        )
        .unwrap_err()
        .to_string();
    assert!(again.contains("未办结的转接"), "{again}");
    let sent = store.transfer(&longyou, t).unwrap().unwrap();
    assert_eq!(sent.valid_until, d(2026, 11, 10));
    assert!(sent.sender_side && !sent.receiver_side);
    assert!(sent.overdue(TODAY));
    assert_eq!(sent.events.len(), 1);
    let incoming = store.transfer(&kecheng, t).unwrap().unwrap();
    assert!(incoming.receiver_side && incoming.may_receive() && !incoming.may_cancel());
    assert_eq!(
        store
            .transfers(&kecheng, Some(TransferState::Issued))
            .unwrap()
            .len(),
        1
    );
    let joint = scope_of(&mut store, c.joint);
    assert!(
        store.transfer(&joint, t).unwrap().is_some(),
        "the sender itself"
    );

    // Nobody received it by the 10th: the audit escalates it to the common ancestor (the
    // city), which a county's own run does not reach.
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    assert!(open.iter().all(|f| f.kind != AuditKind::TransferOverdue));
    store.run_audit("t", &all(), TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&city, &FindingFilter::open(), 0, 500)
        .unwrap();
    let f = open
        .iter()
        .find(|f| f.subject == AuditSubject::Transfer { id: t })
        .unwrap();
    assert_eq!(f.kind, AuditKind::TransferOverdue);
    assert_eq!(f.responsible, c.city);
    assert!(f.detail.contains("已逾期17天"), "{}", f.detail);

    // Only the receiver confirms; it does, today.
    let wrong_side = store
        .receive_transfer("t", &longyou, TODAY, t, TODAY)
        .unwrap_err()
        .to_string();
    assert!(wrong_side.contains("只有接收党组织"), "{wrong_side}");
    let early = store
        .receive_transfer("t", &kecheng, TODAY, t, d(2026, 10, 31))
        .unwrap_err()
        .to_string();
    assert!(early.contains("不能早于开具日期"), "{early}");
    let new = store
        .receive_transfer("t", &kecheng, TODAY, t, TODAY)
        .unwrap()
        .unwrap();
    assert_eq!(new.county, KCQ);
    let old = store.member(&longyou, m).unwrap().unwrap();
    assert_eq!(old.left_on, Some(TODAY));
    assert_eq!(old.leave_reason, Some(LeaveReason::TransferredOut));
    let moved = store.member(&kecheng, new).unwrap().unwrap();
    assert_eq!(moved.party_org, c.tech_branch);
    assert_eq!(moved.arrived_on, Some(TODAY));
    assert_eq!(
        moved.joined_on,
        d(2010, 7, 1),
        "入党时间 travels with the member"
    );
    assert!(store.member(&longyou, new).unwrap().is_none());
    assert_eq!(
        store
            .find_member_by_resident_id(&all(), &id_number)
            .unwrap(),
        Some(new),
        "the current record first"
    );
    let (items, _) = store.member_archive(&kecheng, TODAY, new).unwrap();
    assert!(
        items
            .iter()
            .any(|(i, on)| *i == ArchiveItem::Application && on.is_some()),
        "the archive travels with the member"
    );
    // Each organization's meetings expect the member on its own days only.
    let expected = |store: &mut Store, po, on| {
        store
            .expected_attendees(
                &all(),
                po,
                liangxin_domain::kinds::MeetingKind::ThemeDay,
                on,
            )
            .unwrap()
            .iter()
            .any(|e| e.name == "转接甲")
    };
    assert!(expected(&mut store, c.joint, d(2026, 11, 26)));
    assert!(!expected(&mut store, c.joint, TODAY));
    assert!(!expected(&mut store, c.tech_branch, d(2026, 11, 26)));
    assert!(expected(&mut store, c.tech_branch, TODAY));
    // The same person cannot be registered again while the new record stands.
    let twice = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "转接甲", 131, MemberStatus::Full, None),
        )
        .unwrap_err()
        .to_string();
    assert!(twice.contains("不能在此登记"), "{twice}");
    assert!(!twice.contains("柯城"), "where is not said: {twice}");
    let done = store
        .receive_transfer("t", &kecheng, TODAY, t, TODAY)
        .unwrap_err()
        .to_string();
    assert!(done.contains("已接收，不能再办理"), "{done}");
    let history = store.transfer(&city, t).unwrap().unwrap();
    assert_eq!(history.state, TransferState::Received);
    assert_eq!(history.events.len(), 2);
    assert_eq!(history.events[1].note, "逾期接收");
    // Received: the next run closes the escalation.
    let run = store.run_audit("t", &all(), TODAY).unwrap();
    assert!(run.resolved >= 1);
    let (_, open) = store
        .audit_findings(&city, &FindingFilter::open(), 0, 500)
        .unwrap();
    assert!(
        open.iter()
            .all(|f| f.subject != AuditSubject::Transfer { id: t })
    );

    // A letter outside the system: the sender records the 回执; nobody is opened here.
    let m2 = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "转接乙", 132, MemberStatus::Full, None),
        )
        .unwrap();
    let out = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m2,
                to: Destination::Outside("杭州市某公司党支部".into()),
                ..letter(to_tech.clone(), TODAY, None)
            },
        )
        .unwrap();
    assert_eq!(
        store.transfer(&longyou, out).unwrap().unwrap().valid_until,
        d(2026, 12, 26)
    );
    assert!(
        store.transfer(&kecheng, out).unwrap().is_none(),
        "not the other county's"
    );
    assert!(
        store
            .return_transfer("t", &longyou, TODAY, out, "不收")
            .is_err()
    );
    assert_eq!(
        store
            .receive_transfer("t", &longyou, TODAY, out, TODAY)
            .unwrap(),
        None
    );
    assert!(
        store
            .member(&longyou, m2)
            .unwrap()
            .unwrap()
            .left_on
            .is_some()
    );

    // Returned by the receiver with its reason; the member stays where they were.
    let m3 = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "转接丙", 133, MemberStatus::Full, None),
        )
        .unwrap();
    let back = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m3,
                ..letter(to_tech.clone(), TODAY, None)
            },
        )
        .unwrap();
    let no_reason = store
        .return_transfer("t", &kecheng, TODAY, back, " ")
        .unwrap_err()
        .to_string();
    assert!(no_reason.contains("退回理由"), "{no_reason}");
    assert!(
        store
            .cancel_transfer("t", &kecheng, TODAY, back, "不要了")
            .is_err(),
        "only the sender cancels"
    );
    store
        .return_transfer("t", &kecheng, TODAY, back, "该党员未到本单位工作")
        .unwrap();
    assert_eq!(
        store.transfer(&longyou, back).unwrap().unwrap().state,
        TransferState::Returned
    );
    assert!(
        store
            .member(&longyou, m3)
            .unwrap()
            .unwrap()
            .left_on
            .is_none()
    );
    // A new letter may be issued once the last one is closed, and cancelled by its sender.
    let again = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m3,
                ..letter(to_tech, TODAY, None)
            },
        )
        .unwrap();
    store
        .cancel_transfer("t", &longyou, TODAY, again, "调动取消")
        .unwrap();
    assert_eq!(store.transfers(&longyou, None).unwrap().len(), 4);
    assert!(
        store
            .transfers(&longyou, Some(TransferState::Issued))
            .unwrap()
            .is_empty()
    );
}

/// The members export reads runs of party organizations: whatever the run's length, the
/// runs together hold every member the list holds, once each, in the list's order.
fn an_export_walks_every_member_once_in_the_lists_order(db: &TestDb) {
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

fn members_leave_by_a_reason_and_are_never_deleted(db: &TestDb) {
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

fn floating_members_are_seen_by_home_and_host_and_attend_at_the_host(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditSubject};
    use liangxin_domain::kinds::{Attendance, LetterKind, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_store::floating::Outflow;
    use liangxin_store::transfer::{Destination, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "流动甲", 151, MemberStatus::Full, None),
        )
        .unwrap();
    let out = |host, no: Option<&str>, until, out_on| Outflow {
        member: m,
        host,
        destination: "柯城区某科技公司".into(),
        certificate_no: no.map(Into::into),
        certificate_valid_until: until,
        out_on,
        note: "外出务工".into(),
    };
    let tech = Some(c.tech_branch);
    let refused = [
        (&kecheng, out(tech, None, None, d(2026, 10, 1)), "党员"),
        (
            &longyou,
            Outflow {
                destination: " ".into(),
                ..out(tech, None, None, d(2026, 10, 1))
            },
            "流入地",
        ),
        (
            &longyou,
            out(tech, Some("QZ-01"), None, d(2026, 10, 1)),
            "活动证有效期",
        ),
        (
            &longyou,
            out(tech, Some("QZ-01"), Some(d(2026, 9, 1)), d(2026, 10, 1)),
            "活动证有效期",
        ),
        (
            &longyou,
            out(Some(c.joint), None, None, d(2026, 10, 1)),
            "流入地党组织",
        ),
        (&longyou, out(tech, None, None, d(2026, 11, 28)), "外出日期"),
    ];
    for (scope, o, field) in refused {
        match store.register_outflow("t", scope, TODAY, &o) {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: {other:?}"),
        }
    }
    assert!(
        store.floating(&longyou, false).unwrap().is_empty(),
        "nothing written"
    );
    // Away since 1 October, hosted by the tech company's branch, the 活动证 valid to 1 November.
    let f = store
        .register_outflow(
            "t",
            &longyou,
            TODAY,
            &out(tech, Some("QZ-01"), Some(d(2026, 11, 1)), d(2026, 10, 1)),
        )
        .unwrap();
    let again = store
        .register_outflow("t", &longyou, TODAY, &out(None, None, None, d(2026, 10, 2)))
        .unwrap_err()
        .to_string();
    assert!(again.contains("已登记为外出流动党员"), "{again}");
    let home = store.floating(&longyou, true).unwrap();
    assert_eq!(home.len(), 1);
    assert!(home[0].home_side && !home[0].host_side);
    let host = store.floating(&kecheng, true).unwrap();
    assert_eq!(host.len(), 1, "the host sees the member (五双联动)");
    assert!(host[0].host_side && !host[0].home_side);
    assert_eq!(host[0].member_name, "流动甲");
    assert!(host[0].resident_id_masked.contains('*'));
    let view = store.member(&longyou, m).unwrap().unwrap();
    assert_eq!(view.flow, FlowStatus::Outflow);
    assert_eq!(
        view.flow_destination.as_deref(),
        Some("衢州某科技公司党支部")
    );
    // The host's meetings expect the member from the day out, without a vote.
    let at = |store: &mut Store, on| {
        store
            .expected_attendees(&kecheng, c.tech_branch, MeetingKind::ThemeDay, on)
            .unwrap()
            .into_iter()
            .find(|e| e.member == m)
    };
    assert!(at(&mut store, d(2026, 9, 30)).is_none());
    let e = at(&mut store, d(2026, 11, 20)).unwrap();
    assert!(e.hosted && !e.voter);
    let attendance = store
        .expected_attendees(
            &kecheng,
            c.tech_branch,
            MeetingKind::ThemeDay,
            d(2026, 11, 20),
        )
        .unwrap()
        .into_iter()
        .map(|e| AttendanceRecord {
            member: e.member,
            attendance: Attendance::Present,
            reason: None,
        })
        .collect();
    store
        .record_meeting(
            "t",
            &kecheng,
            TODAY,
            MeetingRecord {
                party_org: c.tech_branch,
                kind: MeetingKind::ThemeDay,
                held_on: d(2026, 11, 20),
                place: "公司会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "主题党日".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance,
            },
        )
        .unwrap();
    // Attendance at the host counts for the member; the expired 活动证 is the home's finding.
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    let about: Vec<_> = open
        .iter()
        .filter(|f| f.subject == AuditSubject::Member { key: m })
        .collect();
    assert!(
        about
            .iter()
            .all(|f| f.kind != AuditKind::NoOrganizationalLife),
        "{about:?}"
    );
    let cert = about
        .iter()
        .find(|f| f.kind == AuditKind::CertificateInvalid)
        .unwrap();
    assert_eq!(cert.responsible, c.joint);
    assert!(cert.detail.contains("QZ-01"), "{}", cert.detail);
    // Only the home branch records the return.
    assert!(store.end_outflow("t", &kecheng, TODAY, f, TODAY).is_err());
    let early = store
        .end_outflow("t", &longyou, TODAY, f, d(2026, 9, 1))
        .unwrap_err()
        .to_string();
    assert!(early.contains("不能早于外出日期"), "{early}");
    store
        .end_outflow("t", &longyou, TODAY, f, d(2026, 11, 25))
        .unwrap();
    assert_eq!(
        store.member(&longyou, m).unwrap().unwrap().flow,
        FlowStatus::Settled
    );
    assert!(at(&mut store, TODAY).is_none());
    assert!(at(&mut store, d(2026, 11, 24)).is_some(), "history holds");
    assert!(store.floating(&kecheng, true).unwrap().is_empty());
    assert_eq!(store.floating(&kecheng, false).unwrap().len(), 1);

    // A 党员证明信 received in the system: the member stays, away and hosted, needing no 活动证.
    let m2 = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "流动乙", 152, MemberStatus::Full, None),
        )
        .unwrap();
    let letter = store
        .issue_transfer(
            "t",
            &longyou,
            TODAY,
            &TransferRequest {
                member: m2,
                letter_kind: LetterKind::Certificate,
                to: Destination::PartyOrg(c.tech_branch),
                reason: "短期外派".into(),
                issued_on: d(2026, 11, 2),
                valid_days: None,
            },
        )
        .unwrap();
    store
        .receive_transfer("t", &kecheng, TODAY, letter, d(2026, 11, 5))
        .unwrap();
    let v = store.member(&longyou, m2).unwrap().unwrap();
    assert!(v.left_on.is_none(), "the relationship stays");
    assert_eq!(v.flow, FlowStatus::Outflow);
    let hosted = store.floating(&kecheng, true).unwrap();
    assert_eq!(hosted.len(), 1);
    assert_eq!(hosted[0].letter, Some(letter));
    store.run_audit("t", &longyou, TODAY).unwrap();
    let (_, open) = store
        .audit_findings(&longyou, &FindingFilter::open(), 0, 500)
        .unwrap();
    assert!(!open.iter().any(|f| {
        f.subject == AuditSubject::Member { key: m2 } && f.kind == AuditKind::CertificateInvalid
    }));
}

fn dues_roll_up_by_party_organization_and_scope(db: &TestDb) {
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::kinds::LeaveReason;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::{DuesCorrection, DuesInput, MonthList};
    use liangxin_store::transfer::Leaving;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let mut ms = Vec::new();
    for (i, name) in ["汇总甲", "汇总乙", "汇总丙", "汇总丁"].iter().enumerate() {
        ms.push(
            store
                .insert_member(
                    "t",
                    &longyou,
                    TODAY,
                    member(c.joint, name, 161 + i as u16, MemberStatus::Full, None),
                )
                .unwrap(),
        );
    }
    // Three have this year's standard (a student's 0.20 yuan); the fourth has none yet.
    for m in &ms[..3] {
        let input = DuesInput {
            category: DuesCategory::Student,
            base: None,
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("t", &longyou, TODAY, *m, 2026, input)
            .unwrap();
    }
    let october = Period::month(2026, 10).unwrap();
    store
        .mark_dues(
            "t",
            &longyou,
            TODAY,
            c.joint,
            october,
            &[(ms[0], Fen::new(20)), (ms[1], Fen::new(30))],
        )
        .unwrap();
    // 乙's line was wrong: 20 taken back, so 10 of 20 paid.
    store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &DuesCorrection {
                member: ms[1],
                month: october,
                amount: Fen::new(-20),
                note: "多记".into(),
            },
        )
        .unwrap();
    let month = store.dues_month(&longyou, october).unwrap();
    let (total, rows) = (&month.total, &month.rollup);
    let joint = rows.iter().find(|r| r.key == c.joint).unwrap();
    let t = &joint.totals;
    assert_eq!(
        (
            t.members,
            t.without_standard,
            t.paid_members,
            t.short_members,
            t.unpaid_members
        ),
        (4, 1, 1, 1, 1)
    );
    assert_eq!((t.due, t.paid), (Fen::new(60), Fen::new(30)));
    assert_eq!(t.paid_percent(), Some(33), "1 of the 3 with a standard");
    assert_eq!(
        total.members, 4,
        "the scope's total is its organizations' sum"
    );
    assert_eq!(rows[0].key, c.joint, "most unpaid first");
    // Every figure's list holds exactly the figure, for the scope and for one organization.
    let figures = [
        (MonthList::All, total.members, t.members),
        (
            MonthList::In(liangxin_domain::dues::MonthState::Paid),
            total.paid_members,
            t.paid_members,
        ),
        (
            MonthList::In(liangxin_domain::dues::MonthState::Short),
            total.short_members,
            t.short_members,
        ),
        (
            MonthList::In(liangxin_domain::dues::MonthState::Unpaid),
            total.unpaid_members,
            t.unpaid_members,
        ),
        (
            MonthList::WithoutStandard,
            total.without_standard,
            t.without_standard,
        ),
    ];
    for (list, in_scope, in_joint) in figures {
        assert_eq!(month.list(None, list).len(), in_scope as usize, "{list:?}");
        let own = month.list(Some(c.joint), list);
        assert_eq!(own.len(), in_joint as usize, "{list:?}");
        assert!(
            month
                .rows_at(&own)
                .all(|r| r.party_org == c.joint && list.holds(r))
        );
    }
    let other = store.dues_month(&kecheng, october).unwrap();
    assert!(other.rollup.iter().all(|r| r.key != c.joint));
    assert_eq!(other.total.members, 0);
    // One who dies during November stays in November's roll-up (unpaid), but is no longer
    // 未登记 there, nor in the 待办: nothing more is owed to this branch.
    let november = Period::month(2026, 11).unwrap();
    let unmarked = |store: &mut Store| {
        let month = store.dues_month(&longyou, november).unwrap();
        let listed: Vec<Key> = month
            .rows_at(&month.list(Some(c.joint), MonthList::Unmarked))
            .map(|r| r.member)
            .collect();
        let todo = store
            .todo(&longyou, TODAY)
            .unwrap()
            .iter()
            .find(|t| t.key == c.joint)
            .map_or(0, |t| t.dues_unmarked);
        assert_eq!(listed.len(), todo as usize, "the 待办 counts its list");
        listed
    };
    let before = unmarked(&mut store);
    assert!(before.contains(&ms[2]));
    let members_before = store.dues_month(&longyou, november).unwrap().total.members;
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: ms[2],
                reason: LeaveReason::Died,
                on: d(2026, 11, 20),
                note: "家属告知，支部核实".into(),
            },
        )
        .unwrap();
    let after = unmarked(&mut store);
    assert_eq!(after.len(), before.len() - 1);
    assert!(!after.contains(&ms[2]));
    let total = store.dues_month(&longyou, november).unwrap().total;
    assert_eq!(total.members, members_before, "still of November's members");
}

fn a_committees_todo_sums_each_organization_below_it_as_its_own_scope_would(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    // Members in two branches: their meetings are owed and their month's dues not entered.
    for (i, branch) in [c.joint, c.joint, c.tech_branch].into_iter().enumerate() {
        let scope = scope_of(&mut store, branch);
        store
            .insert_member(
                "t",
                &scope,
                TODAY,
                member(branch, "待办甲", 171 + i as u16, MemberStatus::Full, None),
            )
            .unwrap();
    }
    for root in [c.city, c.longyou] {
        let scope = scope_of(&mut store, root);
        let list = store.todo(&scope, TODAY).unwrap();
        assert!(!list.is_empty(), "the small city owes meetings");
        let summary = store.todo_by_subordinate(&scope, &list).unwrap();
        assert_eq!(
            summary
                .iter()
                .map(|s| s.organizations as usize)
                .sum::<usize>(),
            list.len(),
            "every organization with an item is counted once"
        );
        for s in &summary {
            let below = scope_of(&mut store, s.key);
            let own = store.todo(&below, TODAY).unwrap();
            // The root's own row holds only its own items; a subordinate's, its subtree's.
            let part: Vec<_> = if s.own {
                own.iter().filter(|t| t.key == root).collect()
            } else {
                own.iter().collect()
            };
            assert_eq!(s.own, s.key == root);
            assert_eq!(s.organizations as usize, part.len(), "{}", s.name);
            assert_eq!(
                s.meetings as usize,
                part.iter().map(|t| t.meetings_due.len()).sum::<usize>()
            );
            assert_eq!(
                s.meeting_orgs as usize,
                part.iter().filter(|t| !t.meetings_due.is_empty()).count()
            );
            assert_eq!(
                s.dues_unmarked,
                part.iter().map(|t| t.dues_unmarked).sum::<u32>()
            );
            assert_eq!(
                s.findings_open,
                part.iter().map(|t| t.findings_open).sum::<u32>()
            );
        }
    }
    let city = scope_of(&mut store, c.city);
    let list = store.todo(&city, TODAY).unwrap();
    let summary = store.todo_by_subordinate(&city, &list).unwrap();
    assert!(
        summary
            .iter()
            .any(|s| s.key == c.longyou && s.name == "中共龙游县两新工委"),
        "the county under the city is a line of the city's 待办: {summary:?}"
    );
    assert!(
        summary.iter().all(|s| s.key != c.joint),
        "not the branches themselves"
    );
}

fn a_member_sheet_is_previewed_committed_whole_and_undone(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::ArchiveItem;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1988, 3, 8), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    // One already registered in the joint branch, one in Kecheng.
    let here = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "已在册", 171, MemberStatus::Full, None),
        )
        .unwrap();
    let _ = here;
    let here_id = member(c.joint, "", 171, MemberStatus::Full, None)
        .resident_id
        .expose()
        .to_owned();
    let mut elsewhere = member(c.tech_branch, "在别处", 172, MemberStatus::Full, None);
    elsewhere.resident_id = ResidentId::from_parts("330825", d(1988, 3, 8), 172).unwrap();
    store.insert_member("t", &all(), TODAY, elsewhere).unwrap();
    let header: Vec<String> = [
        "序号",
        "身份证号",
        "姓名",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let joint_code = format!("{}-{}", c.joint.county, c.joint.id);
    let row =
        |n: usize, cells: [&str; 7]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let good1 = row(
        2,
        [
            "1",
            &id(173),
            "导入甲",
            &joint_code,
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    );
    let good2 = row(
        3,
        [
            "2",
            &id(174),
            "导入乙",
            "龙游红木小镇联合党支部",
            "预备党员",
            "2026年3月1日",
            "",
        ],
    );
    let skip = row(
        4,
        [
            "3",
            &here_id,
            "已在册",
            &joint_code,
            "正式",
            "2010-07-01",
            "2011-07-01",
        ],
    );
    let other = row(
        5,
        [
            "4",
            &id(172),
            "在别处",
            &joint_code,
            "正式",
            "2010-07-01",
            "2011-07-01",
        ],
    );
    let dup = row(
        6,
        [
            "5",
            &id(173),
            "重复",
            &joint_code,
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    );
    let outside = row(
        7,
        [
            "6",
            &id(175),
            "越界",
            &format!("{}-{}", c.tech_branch.county, c.tech_branch.id),
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    );
    let rows = vec![
        good1.clone(),
        good2.clone(),
        skip.clone(),
        other,
        dup,
        outside,
    ];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!(plan.rows_read, 6);
    assert_eq!(plan.created, 2);
    assert_eq!(plan.skipped.len(), 1);
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![(5, "公民身份号码"), (6, "公民身份号码"), (7, "所在党组织")],
        "{:?}",
        plan.problems
    );
    assert!(
        plan.problems
            .iter()
            .any(|p| p.row == 6 && p.reason.contains("与第2行重复"))
    );
    // Not committable: nothing written.
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();
    assert!(
        store
            .commit_member_import(
                &source(&longyou, "党员.csv", "00"),
                &plan,
                &mut rows_of(&rows)
            )
            .is_err()
    );
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before
    );
    // A header without a required column is refused as a whole.
    let err = store
        .plan_member_import(&longyou, TODAY, &header[..3], &mut rows_of(&rows), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("缺少必填列"), "{err}");

    let sheet = vec![good1.clone(), good2, skip];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&sheet), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    let import = store
        .commit_member_import(
            &source(&longyou, "党员.csv", "ab12"),
            &plan,
            &mut rows_of(&sheet),
        )
        .unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 2
    );
    let found = store
        .find_member_by_resident_id(&longyou, &ResidentId::parse(&id(173)).unwrap().value)
        .unwrap()
        .unwrap();
    let view = store.member(&longyou, found).unwrap().unwrap();
    assert_eq!(view.name, "导入甲");
    assert_eq!(view.party_org, c.joint);
    assert!(view.resident_id_masked.contains('*'));
    let history = store.imports(&longyou).unwrap();
    assert_eq!(history[0].id, import);
    assert_eq!((history[0].created, history[0].skipped), (2, 1));
    // The same file again: everyone is already there.
    let again = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&[good1]), &|_| {})
        .unwrap();
    assert_eq!((again.created, again.skipped.len()), (0, 1));

    // Undone as a whole while nothing depends on it; not twice.
    let kecheng = scope_of(&mut store, c.kecheng);
    assert!(
        store.undo_import("t", &kecheng, import).is_err(),
        "not the other county's"
    );
    // The audit's open findings about the imported members go with them.
    let imported: Vec<i64> = {
        use liangxin_store::schema::members as m;
        m::table
            .filter(m::name.eq_any(["导入甲", "导入乙"]))
            .select(m::id)
            .load(store.conn())
            .unwrap()
    };
    let about_imported = |store: &mut Store| -> i64 {
        use liangxin_store::schema::audit_findings as af;
        af::table
            .filter(af::subject_type.eq("member"))
            .filter(af::subject_id.eq_any(&imported))
            .count()
            .get_result(store.conn())
            .unwrap()
    };
    store.run_audit("t", &longyou, TODAY).unwrap();
    assert!(about_imported(&mut store) > 0, "the audit found them");
    assert_eq!(store.undo_import("t", &longyou, import).unwrap(), 2);
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before
    );
    assert_eq!(about_imported(&mut store), 0);
    assert!(
        store
            .undo_import("t", &longyou, import)
            .unwrap_err()
            .to_string()
            .contains("已撤销")
    );
    assert!(store.imports(&longyou).unwrap()[0].undone_at.is_some());
    // Once something depends on an imported member, the import stays.
    let sheet = vec![row(
        2,
        [
            "1",
            &id(176),
            "导入丙",
            &joint_code,
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    )];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&sheet), &|_| {})
        .unwrap();
    let second = store
        .commit_member_import(
            &source(&longyou, "党员2.csv", "cd34"),
            &plan,
            &mut rows_of(&sheet),
        )
        .unwrap();
    let m = store
        .find_member_by_resident_id(&longyou, &ResidentId::parse(&id(176)).unwrap().value)
        .unwrap()
        .unwrap();
    store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Application,
            d(2014, 1, 1),
        )
        .unwrap();
    let held = store
        .undo_import("t", &longyou, second)
        .unwrap_err()
        .to_string();
    assert!(held.contains("依赖"), "{held}");
    assert!(store.member(&longyou, m).unwrap().is_some());
}

fn an_upload_is_checked_then_committed_once_and_its_file_wiped(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let rid = ResidentId::from_parts("330825", d(1990, 5, 4), 181)
        .unwrap()
        .expose()
        .to_owned();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let file = format!(
        "姓名,身份证号,所在支部,人员类别,入党日期,转正日期\n上传甲,{rid},{joint},正式党员,2015-07-01,2016-07-01\n"
    );
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let cells = |id: &str| {
        vec![(
            2,
            [
                "上传甲",
                id,
                joint.as_str(),
                "正式党员",
                "2015-07-01",
                "2016-07-01",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>(),
        )]
    };

    assert!(
        store
            .stage_upload("t", &longyou, "bogus", "x.csv", b"a")
            .is_err()
    );
    let id = store
        .stage_upload("t", &longyou, "members", "党员.csv", file.as_bytes())
        .unwrap();
    // Sealed at rest: the resident ID is not in the stored bytes.
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(upload.state, "checking");
    assert!(upload.working());
    assert_eq!(upload.file_sha256.len(), 64);
    assert!(
        store.upload(&kecheng, id).unwrap().is_none(),
        "not the other county's"
    );
    assert!(store.upload_file(&kecheng, id).is_err());
    assert_eq!(store.upload_file(&longyou, id).unwrap(), file.as_bytes());
    #[derive(QueryableByName)]
    struct Content {
        #[diesel(sql_type = diesel::sql_types::Binary)]
        content: Vec<u8>,
    }
    let stored: Content = diesel::sql_query(format!(
        "SELECT content FROM import_uploads WHERE id = {id}"
    ))
    .get_result(store.conn())
    .unwrap();
    assert!(
        !stored
            .content
            .windows(rid.len())
            .any(|w| w == rid.as_bytes())
    );

    store.upload_progress(id, 1, 2).unwrap();
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!((upload.done_rows, upload.total_rows), (1, 2));
    assert!(!upload.can_commit(), "not before its check ends");

    let plan = store
        .plan_member_import(
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&cells(&rid)),
            &|_| {},
        )
        .unwrap();
    let preview = plan.preview("CSV（UTF-8）", &["读取".to_owned()]);
    assert_eq!(
        (preview.create, preview.errors),
        (1, 0),
        "{:?}",
        preview.problems
    );
    assert_eq!(preview.sample[0].cells[0], "上传甲");
    assert!(preview.sample[0].cells[1].contains('*'));
    store.finish_check(id, Ok(&preview)).unwrap();
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(upload.state, "checked");
    assert_eq!(upload.preview.as_ref(), Some(&preview), "kept as it was");
    assert!(upload.can_commit());

    // One commit, however often it is asked for.
    store.begin_commit(&longyou, id).unwrap();
    let twice = store.begin_commit(&longyou, id).unwrap_err().to_string();
    assert!(twice.contains("正在导入"), "{twice}");
    let import = store
        .commit_member_import(
            &ImportSource {
                upload: Some(id),
                ..source(&longyou, "党员.csv", &upload.file_sha256)
            },
            &plan,
            &mut rows_of(&cells(&rid)),
        )
        .unwrap();
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(
        (upload.state.as_str(), upload.import_id),
        ("committed", Some(import))
    );
    let gone = store.upload_file(&longyou, id).unwrap_err().to_string();
    assert!(gone.contains("不再保存"), "the file is wiped: {gone}");
    let done = store.begin_commit(&longyou, id).unwrap_err().to_string();
    assert!(done.contains("已经导入"), "{done}");

    // A file that cannot be read fails; a preview with errors cannot be committed, and
    // an ID that failed its check is kept masked.
    let bad = store
        .stage_upload("t", &longyou, "members", "坏.xlsx", b"PK")
        .unwrap();
    store.finish_check(bad, Err("文件已损坏")).unwrap();
    let failed = store.upload(&longyou, bad).unwrap().unwrap();
    assert_eq!(
        (failed.state.as_str(), failed.message.as_deref()),
        ("failed", Some("文件已损坏"))
    );
    assert!(store.begin_commit(&longyou, bad).is_err());
    store.discard_upload(&longyou, bad).unwrap();
    assert_eq!(
        store.upload(&longyou, bad).unwrap().unwrap().state,
        "discarded"
    );

    let wrong = store
        .stage_upload("t", &longyou, "members", "错.csv", b"x")
        .unwrap();
    let typo = format!("{}0", &rid[..17]);
    let plan = store
        .plan_member_import(
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&cells(&typo)),
            &|_| {},
        )
        .unwrap();
    let preview = plan.preview("CSV（UTF-8）", &[]);
    assert_eq!(preview.errors, 1);
    let p = &preview.problems[0];
    assert_eq!(p.column, "公民身份号码");
    assert!(
        p.value.contains('*') && !p.value.contains(&typo[6..14]),
        "{}",
        p.value
    );
    store.finish_check(wrong, Ok(&preview)).unwrap();
    let refused = store.begin_commit(&longyou, wrong).unwrap_err().to_string();
    assert!(refused.contains("1个错误"), "{refused}");
    assert_eq!(store.uploads(&longyou, 10).unwrap().len(), 3);
    assert!(store.uploads(&kecheng, 10).unwrap().is_empty());
}

fn a_sheet_updates_registered_members_in_what_it_says_and_undoes_it(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let mut probationary = member(c.joint, "更新甲", 191, MemberStatus::Probationary, None);
    probationary.joined_on = d(2025, 3, 1);
    let id_a = probationary.resident_id.expose().to_owned();
    let a = store
        .insert_member("t", &longyou, TODAY, probationary)
        .unwrap();
    let full = member(c.joint, "更新乙", 192, MemberStatus::Full, None);
    let id_b = full.resident_id.expose().to_owned();
    let b = store.insert_member("t", &longyou, TODAY, full).unwrap();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
        "手机号码",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row =
        |n: usize, cells: [&str; 7]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let rows = vec![
        // 转正 recorded, the phone added, the name corrected.
        row(
            2,
            [
                "更新甲改",
                &id_a,
                &joint,
                "正式党员",
                "2025-03-01",
                "2026-03-01",
                "13800000001",
            ],
        ),
        // Exactly as registered (an empty phone erases nothing).
        row(
            3,
            [
                "更新乙",
                &id_b,
                &joint,
                "正式党员",
                "2010-07-01",
                "2011-07-01",
                "",
            ],
        ),
    ];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.created, plan.updated, plan.skipped.len()), (0, 1, 1));
    let u = &plan.update_sample[0];
    assert_eq!(u.key, a);
    let columns: Vec<&str> = u.changes.iter().map(|c| c.0).collect();
    assert_eq!(columns, vec!["姓名", "党员类别", "转正时间", "手机号码"]);
    assert_eq!(
        u.changes[1],
        ("党员类别", "预备党员".to_owned(), "正式党员".to_owned())
    );
    assert_eq!(u.changes[2].1, "（空）");
    assert!(plan.skipped[0].1.contains("一致"), "{:?}", plan.skipped);
    let preview = plan.preview("CSV", &[]);
    assert_eq!((preview.update, preview.updates.len()), (1, 1));

    // A full member is never made probationary by a file.
    let back = vec![row(
        2,
        ["更新乙", &id_b, &joint, "预备党员", "2010-07-01", "", ""],
    )];
    let refused = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&back), &|_| {})
        .unwrap();
    assert_eq!(refused.errors(), 1, "{:?}", refused.problems);
    assert!(refused.problems[0].reason.contains("不能改为预备党员"));

    let import = store
        .commit_member_import(
            &source(&longyou, "更新.csv", "ee"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap();
    let view = store.member(&longyou, a).unwrap().unwrap();
    assert_eq!(view.name, "更新甲改");
    assert_eq!(view.status, MemberStatus::Full);
    assert_eq!(view.confirmed_on, Some(d(2026, 3, 1)));
    assert_eq!(store.imports(&longyou).unwrap()[0].updated, 1);
    let history = store.audit_entries("member", a.county, a.id).unwrap();
    assert!(
        history.iter().any(|h| h.action == "import_update"),
        "audited"
    );

    // Changed again since: the first import cannot be undone; the second can, then the first.
    let again = vec![row(
        2,
        [
            "更新甲改",
            &id_a,
            &joint,
            "正式党员",
            "2025-03-01",
            "2026-03-01",
            "13800000002",
        ],
    )];
    let plan2 = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&again), &|_| {})
        .unwrap();
    let second = store
        .commit_member_import(
            &source(&longyou, "再更新.csv", "ff"),
            &plan2,
            &mut rows_of(&again),
        )
        .unwrap();
    let held = store
        .undo_import("t", &longyou, import)
        .unwrap_err()
        .to_string();
    assert!(held.contains("又被修改"), "{held}");
    store.undo_import("t", &longyou, second).unwrap();
    store.undo_import("t", &longyou, import).unwrap();
    let view = store.member(&longyou, a).unwrap().unwrap();
    assert_eq!(view.name, "更新甲");
    assert_eq!(view.status, MemberStatus::Probationary);
    assert_eq!(view.confirmed_on, None);
    assert!(store.member(&longyou, b).unwrap().is_some());
}

/// A commit matches the sheet's rows again inside its transaction: a change elsewhere since
/// the plan lets it write; a person registered or changed since refuses it whole.
fn a_commit_matches_the_rows_again_and_refuses_what_changed_since_its_plan(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sheet = |name: &str, who: &Member| {
        vec![(
            2,
            vec![
                name.to_owned(),
                who.resident_id.expose().to_owned(),
                joint.clone(),
                "正式党员".to_owned(),
                "2010-07-01".to_owned(),
                "2011-07-01".to_owned(),
            ],
        )]
    };
    let full = |name: &str, seq: u16| member(c.joint, name, seq, MemberStatus::Full, None);
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();

    // An unrelated change since the plan: matched again, still true, committed.
    let newcomer = full("后来甲", 201);
    let plan = store
        .plan_member_import(
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&sheet("后来甲", &newcomer)),
            &|_| {},
        )
        .unwrap();
    store
        .insert_member("t", &longyou, TODAY, full("无关", 202))
        .unwrap();
    store
        .commit_member_import(
            &source(&longyou, "甲.csv", "a1"),
            &plan,
            &mut rows_of(&sheet("后来甲", &newcomer)),
        )
        .unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 2
    );

    // The person registered meanwhile: refused, nothing written.
    let twice = full("后来乙", 203);
    let rows = sheet("后来乙", &twice);
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!(plan.created, 1);
    store.insert_member("t", &longyou, TODAY, twice).unwrap();
    let refused = store
        .commit_member_import(
            &source(&longyou, "乙.csv", "a2"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("预览之后登记情况有变化（第2至2行）"),
        "{refused}"
    );
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 3
    );

    // The member it updates changed meanwhile: refused, the other change kept.
    let kept = full("后来丙", 204);
    let key = store
        .insert_member("t", &longyou, TODAY, kept.clone())
        .unwrap();
    let (mine, theirs) = (sheet("后来丙改", &kept), sheet("后来丙另改", &kept));
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&mine), &|_| {})
        .unwrap();
    assert_eq!(plan.updated, 1);
    let other = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&theirs), &|_| {})
        .unwrap();
    store
        .commit_member_import(
            &source(&longyou, "丙2.csv", "a4"),
            &other,
            &mut rows_of(&theirs),
        )
        .unwrap();
    let refused = store
        .commit_member_import(
            &source(&longyou, "丙.csv", "a3"),
            &plan,
            &mut rows_of(&mine),
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("预览之后登记情况有变化"), "{refused}");
    assert_eq!(
        store.member(&longyou, key).unwrap().unwrap().name,
        "后来丙另改"
    );
}

/// A sheet with more rows than a quarter of the register is matched by reading the register
/// through once instead of a lookup per row, with the same answers: someone active elsewhere
/// is an error, someone already here as the sheet says is skipped, and someone whose record
/// has left may be registered again.
fn a_sheet_as_large_as_the_register_is_matched_by_reading_it_through(db: &TestDb) {
    use liangxin_domain::kinds::LeaveReason;
    use liangxin_store::transfer::Leaving;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let full = |po: Key, name: &str, seq: u16| member(po, name, seq, MemberStatus::Full, None);
    let elsewhere = full(c.tech_branch, "别处", 211);
    store
        .insert_member("t", &all(), TODAY, elsewhere.clone())
        .unwrap();
    let here = full(c.joint, "本处", 212);
    store
        .insert_member("t", &longyou, TODAY, here.clone())
        .unwrap();
    let gone = full(c.joint, "停止党籍", 213);
    let gone_key = store
        .insert_member("t", &longyou, TODAY, gone.clone())
        .unwrap();
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: gone_key,
                reason: LeaveReason::Suspended,
                on: TODAY,
                note: "党委决定".into(),
            },
        )
        .unwrap();
    let registered = usize::try_from(
        store
            .members_count(&all(), &MemberFilter::default())
            .unwrap(),
    )
    .unwrap();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let line = |row: usize, m: &Member| {
        (
            row,
            vec![
                m.name.clone(),
                m.resident_id.expose().to_owned(),
                joint.clone(),
                "正式党员".to_owned(),
                "2010-07-01".to_owned(),
                "2011-07-01".to_owned(),
            ],
        )
    };
    let mut rows = vec![line(2, &elsewhere), line(3, &here), line(4, &gone)];
    let newcomers = registered / 4 + 1;
    for i in 0..newcomers {
        let seq = 300 + u16::try_from(i).unwrap();
        rows.push(line(5 + i, &full(c.joint, "新人", seq)));
    }
    assert!(rows.len() > registered / 4, "the register is read through");
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!(plan.errors(), 1, "{:?}", plan.problems);
    assert_eq!(plan.problems[0].row, 2);
    assert!(plan.problems[0].reason.contains("不能在此登记"));
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].0, 3);
    assert_eq!(plan.created, newcomers + 1);
    assert!(
        plan.create_sample.iter().any(|p| p.row == 4),
        "the one who left"
    );
}

/// A sheet of more rows than a block is read, matched and written a block at a time: the
/// plan keeps counts, the first rows and a digest of each block; a commit whose second block
/// no longer comes to what the preview showed, or whose sheet ends early, writes nothing.
fn a_sheet_of_many_blocks_is_previewed_and_written_a_block_at_a_time(db: &TestDb) {
    use liangxin_store::import::PLAN_BLOCK;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let person = |i: usize| {
        let birth = d(1960, 1, 1) + chrono::Days::new(u64::try_from(i / 800).unwrap());
        let seq = 100 + u16::try_from(i % 800).unwrap();
        Member {
            resident_id: ResidentId::from_parts("330825", birth, seq).unwrap(),
            ..member(c.joint, &format!("批量{i}"), 0, MemberStatus::Full, None)
        }
    };
    let total = 2 * PLAN_BLOCK + 100;
    let rows: Vec<SheetRow> = (0..total)
        .map(|i| {
            let p = person(i);
            (
                i + 2,
                vec![
                    p.name.clone(),
                    p.resident_id.expose().to_owned(),
                    joint.clone(),
                    "正式党员".to_owned(),
                    "2010-07-01".to_owned(),
                    "2011-07-01".to_owned(),
                ],
            )
        })
        .collect();
    let told = std::sync::Mutex::new(Vec::new());
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|n| {
            told.lock().unwrap().push(n);
        })
        .unwrap();
    assert_eq!(
        (plan.rows_read, plan.created),
        (total, total),
        "{:?}",
        plan.problems.first()
    );
    assert_eq!(plan.blocks.len(), 3);
    assert_eq!(
        plan.create_sample.len(),
        liangxin_store::import::PREVIEW_SAMPLE
    );
    assert_eq!(
        told.into_inner().unwrap(),
        vec![PLAN_BLOCK, 2 * PLAN_BLOCK, total],
        "progress a block at a time"
    );

    // Someone in the second block registered since: refused, naming the block's rows.
    let late = person(PLAN_BLOCK + 5);
    let key = store
        .insert_member("t", &longyou, TODAY, late.clone())
        .unwrap();
    let refused = store
        .commit_member_import(
            &source(&longyou, "大表.csv", "b1"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap_err()
        .to_string();
    let span = format!("第{}至{}行", PLAN_BLOCK + 2, 2 * PLAN_BLOCK + 1);
    assert!(refused.contains(&span), "{refused}");
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 1
    );
    assert!(store.imports(&longyou).unwrap().is_empty());

    // Previewed again: that row is skipped. A sheet that ends early is refused.
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!((plan.created, plan.skipped.len()), (total - 1, 1));
    let refused = store
        .commit_member_import(
            &source(&longyou, "大表.csv", "b2"),
            &plan,
            &mut rows_of(&rows[..PLAN_BLOCK]),
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("与预览时"), "{refused}");
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 1
    );

    let import = store
        .commit_member_import(
            &source(&longyou, "大表.csv", "b3"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + i64::try_from(total).unwrap()
    );
    let last = person(total - 1);
    let found = store
        .find_member_by_resident_id(&longyou, &last.resident_id)
        .unwrap()
        .unwrap();
    assert_eq!(
        store.member(&longyou, found).unwrap().unwrap().name,
        last.name
    );
    store.undo_import("t", &longyou, import).unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 1
    );
    assert!(store.member(&longyou, key).unwrap().is_some());
}

/// (name, credit code, kind, town, sectors, employees) of an organization, as stored.
type OrgFacts = (
    String,
    Option<String>,
    String,
    Option<i32>,
    i64,
    Option<i32>,
);

fn org_facts(store: &mut Store, name: &str) -> Vec<OrgFacts> {
    use liangxin_store::schema::organizations as o;
    o::table
        .filter(o::name.eq(name))
        .select((
            o::name,
            o::credit_code,
            o::kind,
            o::town_code,
            o::sectors,
            o::employees,
        ))
        .load(store.conn())
        .unwrap()
}

fn an_organization_sheet_is_matched_by_credit_code_committed_and_undone(db: &TestDb) {
    use liangxin_domain::import::Severity;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let town = region(330825001, "龙洲街道", Some(LYX));
    store
        .bulk_load(
            "test",
            LoadMode::Append,
            Bulk {
                regions: std::slice::from_ref(&town),
                zones: &[],
                organizations: &[],
                party_orgs: &[],
                coverage: &[],
                instructors: &[],
                assignments: &[],
                members: &[],
                meetings: &[],
                dues_standards: &[],
                dues_payments: &[],
                records_start: d(2024, 1, 1),
                archive_items: &[],
                floating: &[],
            },
            &mut |_, _, _| {},
        )
        .unwrap();
    // A unit of Kecheng with a code: outside Longyou's reach.
    let kecheng_code = CreditCode::from_parts("91330802MA2CCCCC3").unwrap();
    store
        .insert_organization(
            "test",
            &all(),
            Organization {
                key: Key { county: KCQ, id: 0 },
                name: "柯城某贸易有限公司".into(),
                credit_code: Some(kecheng_code.clone()),
                credit_code_check_failed: false,
                kind: OrgKind::Enterprise,
                sectors: SectorSet::EMPTY,
                town: None,
                zone: None,
                employees: None,
                registered_on: None,
            },
        )
        .unwrap();
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let header: Vec<String> = [
        "企业名称",
        "信用代码",
        "组织类型",
        "乡镇街道",
        "行业",
        "职工人数",
        "成立时间",
        "备注",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row =
        |n: usize, cells: [&str; 8]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let new_code = CreditCode::from_parts("91330825MA2BBBBB2").unwrap();
    let registered = CreditCode::from_parts("91330825MA2AAAAA1").unwrap();
    let good = vec![
        row(2, ["示例：某公司", "", "", "", "", "", "", ""]),
        row(
            3,
            [
                "龙游戊智能科技有限公司",
                new_code.as_str(),
                "",
                "龙洲街道",
                "制造业、商贸流通",
                "50",
                "2019-05-20",
                "",
            ],
        ),
        row(
            4,
            [
                "龙游甲红木家具有限公司",
                registered.as_str(),
                "",
                "",
                "",
                "45",
                "",
                "",
            ],
        ),
        row(
            5,
            ["龙游乙红木工艺品有限公司", "", "", "", "", "30", "", ""],
        ),
        row(
            6,
            [
                "龙游县红木行业协会",
                "",
                "社会团体",
                "",
                "行业协会商会",
                "",
                "",
                "",
            ],
        ),
    ];
    let mut bad = good.clone();
    bad.push(row(
        7,
        [
            "柯城某贸易有限公司",
            kecheng_code.as_str(),
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ));
    bad.push(row(
        8,
        ["龙游己公司", new_code.as_str(), "", "", "", "", "", ""],
    ));
    bad.push(row(
        9,
        ["龙游庚公司", "", "非公有制企业", "塔石镇", "", "", "", ""],
    ));
    bad.push(row(10, ["龙游辛公司", "", "", "", "", "", "", ""]));

    // A branch secretary registers no organizations.
    let branch = scope_of(&mut store, c.joint);
    let refused = store.plan_organization_import(&branch, TODAY, &header, good.clone(), &|_| {});
    assert!(
        matches!(refused, Err(StoreError::Invalid { .. })),
        "{refused:?}"
    );

    let plan = store
        .plan_organization_import(&county, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (7, "统一社会信用代码"),
            (8, "统一社会信用代码"),
            (9, "所在乡镇(街道)"),
            (10, "单位类型"),
        ],
        "{:?}",
        plan.problems
    );
    assert!(!plan.committable());
    let before = org_facts(&mut store, "龙游戊智能科技有限公司");
    assert!(before.is_empty());
    let refused = store.commit_organization_import(&source(&county, "bad.xlsx", "x"), &plan);
    assert!(matches!(refused, Err(StoreError::Invalid { .. })));
    assert!(org_facts(&mut store, "龙游戊智能科技有限公司").is_empty());

    let plan = store
        .plan_organization_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 2, "{:?}", plan.create);
    assert_eq!(plan.update.len(), 1);
    assert_eq!(plan.ignored_columns, vec!["备注".to_owned()]);
    // The example row, and the unit matched by name whose record already says it all.
    assert_eq!(
        plan.skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![2, 5]
    );
    assert_eq!(
        plan.update[0].changes,
        vec![("从业人员数", "30".to_owned(), "45".to_owned())]
    );
    let warned: Vec<usize> = plan.problems.iter().map(|p| p.row).collect();
    assert_eq!(warned, vec![5, 6], "{:?}", plan.problems);
    let preview = plan.preview("CSV", &[]);
    assert_eq!(preview.sample[0].cells[0], "龙游戊智能科技有限公司");
    assert_eq!(preview.sample[0].cells[3], "龙洲街道");
    assert_eq!(preview.updates[0].identifier, registered.as_str());

    let id = store
        .commit_organization_import(&source(&county, "orgs.xlsx", "abc"), &plan)
        .unwrap();
    let made = org_facts(&mut store, "龙游戊智能科技有限公司");
    assert_eq!(made.len(), 1);
    let (_, code, kind, town_code, sectors, employees) = made[0].clone();
    assert_eq!(code.as_deref(), Some(new_code.as_str()));
    assert_eq!(kind, "enterprise", "inferred from the code");
    assert_eq!(town_code, Some(330825001));
    let sectors = SectorSet::from_bits(sectors);
    assert!(sectors.contains(SectorTag::Manufacturing) && sectors.contains(SectorTag::Commerce));
    assert_eq!(employees, Some(50));
    assert_eq!(
        org_facts(&mut store, "龙游县红木行业协会")[0].2,
        "social_group"
    );
    assert_eq!(
        org_facts(&mut store, "龙游甲红木家具有限公司")[0].5,
        Some(45)
    );
    let history = store.imports(&county).unwrap();
    assert_eq!(history[0].id, id);
    assert_eq!(history[0].kind, "organizations");
    assert_eq!(
        (history[0].created, history[0].updated, history[0].skipped),
        (2, 1, 2)
    );
    // The same file again changes nothing: every row is skipped or matched.
    let again = store
        .plan_organization_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert_eq!((again.create.len(), again.update.len()), (0, 0));

    // Undone whole: the new units gone, the updated one as it was.
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert!(org_facts(&mut store, "龙游戊智能科技有限公司").is_empty());
    assert!(org_facts(&mut store, "龙游县红木行业协会").is_empty());
    assert_eq!(
        org_facts(&mut store, "龙游甲红木家具有限公司")[0].5,
        Some(30)
    );
    assert!(matches!(
        store.undo_import("t", &county, id),
        Err(StoreError::Invalid { .. })
    ));

    // Once a party organization covers a unit it brought, it cannot be undone.
    let plan = store
        .plan_organization_import(&county, TODAY, &header, good, &|_| {})
        .unwrap();
    let id = store
        .commit_organization_import(&source(&county, "orgs.xlsx", "abc"), &plan)
        .unwrap();
    let new_key = {
        use liangxin_store::schema::organizations as o;
        let (county, id): (i32, i64) = o::table
            .filter(o::name.eq("龙游戊智能科技有限公司"))
            .select((o::county_code, o::id))
            .first(store.conn())
            .unwrap();
        Key { county, id }
    };
    store
        .add_coverage(CoverageLink {
            organization: new_key,
            party_org: c.joint,
            since: TODAY,
        })
        .unwrap();
    let refused = store.undo_import("t", &county, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("关联")),
        "{refused:?}"
    );
    assert_eq!(org_facts(&mut store, "龙游戊智能科技有限公司").len(), 1);
    assert_eq!(
        org_facts(&mut store, "龙游甲红木家具有限公司")[0].5,
        Some(45)
    );

    // An accounting firm whose code begins with 9: a blank 单位类型 leaves its kind.
    let firm_code = CreditCode::from_parts("91330825MA2DDDDD4").unwrap();
    store
        .insert_organization(
            "test",
            &all(),
            Organization {
                key: Key { county: LYX, id: 0 },
                name: "龙游某会计师事务所".into(),
                credit_code: Some(firm_code.clone()),
                credit_code_check_failed: false,
                kind: OrgKind::OtherSocial,
                sectors: SectorSet::EMPTY,
                town: None,
                zone: None,
                employees: Some(5),
                registered_on: None,
            },
        )
        .unwrap();
    let plan = store
        .plan_organization_import(
            &county,
            TODAY,
            &header,
            vec![row(
                2,
                [
                    "龙游某会计师事务所",
                    firm_code.as_str(),
                    "",
                    "",
                    "",
                    "8",
                    "",
                    "",
                ],
            )],
            &|_| {},
        )
        .unwrap();
    assert_eq!(
        plan.update[0].changes,
        vec![("从业人员数", "5".to_owned(), "8".to_owned())]
    );
}

/// (path, has_committee) of the live party organizations with this name.
fn party_org_facts(store: &mut Store, name: &str) -> Vec<(Key, String, bool)> {
    use liangxin_store::schema::party_orgs as po;
    po::table
        .filter(po::name.eq(name))
        .select((po::county_code, po::id, po::path, po::has_committee))
        .load::<(i32, i64, String, bool)>(store.conn())
        .unwrap()
        .into_iter()
        .map(|(county, id, path, c)| (Key { county, id }, path, c))
        .collect()
}

fn a_committee_is_held_by_full_members_for_terms_and_the_secretary_account_follows_the_secretary(
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

fn a_committee_sheet_records_past_and_current_terms_by_the_rules_and_undoes_them(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::Post;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
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
    add("赵预备", 203, MemberStatus::Probationary);
    let sun = add("孙离开", 205, MemberStatus::Full);
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::transfer::Leaving {
                member: sun,
                reason: liangxin_domain::kinds::LeaveReason::Died,
                on: d(2025, 6, 30),
                note: "讣告".into(),
            },
        )
        .unwrap();
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1985, 6, 1), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    let strings = |cells: &[&str]| cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let code = format!("{}-{}", c.joint.county, c.joint.id);
    let header = strings(&["党支部", "姓名", "身份证号", "职务", "任职日期", "离任日期"]);
    let good = vec![
        (2, strings(&["", "示例：张三", "", "书记", "", ""])),
        (
            3,
            strings(&[
                &code,
                "王书记",
                &id(201),
                "书记",
                "2021-03-01",
                "2024-02-29",
            ]),
        ),
        (
            4,
            strings(&[&code, "李委员", &id(202), "支部书记", "2024-03-01", ""]),
        ),
        (
            5,
            strings(&[&code, "王书记", &id(201), "组织委员", "2024年3月1日", ""]),
        ),
    ];
    let mut bad = good.clone();
    bad.extend([
        (
            6,
            strings(&[&code, "赵预备", &id(203), "宣传委员", "2024-03-01", ""]),
        ),
        (
            7,
            strings(&[&code, "李委员", &id(202), "副书记", "2025-01-01", ""]),
        ),
        (
            8,
            strings(&["不存在的支部", "", &id(202), "委员", "2024-03-01", ""]),
        ),
        (
            9,
            strings(&[&code, "", &id(201), "党小组组长", "2024-03-01", ""]),
        ),
        (
            10,
            strings(&[&code, "", &id(299), "委员", "2024-03-01", ""]),
        ),
        (
            11,
            strings(&[&code, "", &id(205), "委员", "2024-03-01", "2025-12-31"]),
        ),
        (
            12,
            strings(&[&code, "", &id(205), "青年委员", "2024-03-01", ""]),
        ),
    ]);
    let plan = store
        .plan_post_import(&longyou, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (6, "公民身份号码"),
            (7, "任职日期"),
            (8, "所在党组织"),
            (9, "职务"),
            (10, "公民身份号码"),
            (11, "离任日期"),
            (12, "离任日期"),
        ],
        "{:?}",
        plan.problems
    );
    let plan = store
        .plan_post_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.skipped.len()), (3, 1));
    let import = store
        .commit_post_import(&source(&longyou, "委员会.xlsx", "p"), &plan)
        .unwrap();
    let posts = store.posts_of(&longyou, c.joint).unwrap();
    let now: Vec<(Post, Key)> = posts
        .iter()
        .filter(|h| h.current(TODAY))
        .map(|h| (h.post, h.member))
        .collect();
    assert_eq!(now, vec![(Post::Secretary, li), (Post::Organization, wang)]);
    assert!(
        store
            .secretary_vacancies(&longyou, TODAY)
            .unwrap()
            .iter()
            .all(|v| v.0 != c.joint)
    );
    // The same sheet again skips every term; a new 书记 over the recorded one is refused.
    let again = store
        .plan_post_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert_eq!((again.create.len(), again.skipped.len()), (0, 4));
    let over = store
        .plan_post_import(
            &longyou,
            TODAY,
            &header,
            vec![(2, strings(&[&code, "", &id(201), "书记", "2026-01-01", ""]))],
            &|_| {},
        )
        .unwrap();
    assert_eq!(over.errors(), 1, "{:?}", over.problems);
    // Undone whole; once a term it left open is ended, no longer.
    assert_eq!(store.undo_import("t", &longyou, import).unwrap(), 3);
    assert!(store.posts_of(&longyou, c.joint).unwrap().is_empty());
    let plan = store
        .plan_post_import(&longyou, TODAY, &header, good, &|_| {})
        .unwrap();
    let import = store
        .commit_post_import(&source(&longyou, "委员会.xlsx", "p"), &plan)
        .unwrap();
    let li_term = store
        .posts_of(&longyou, c.joint)
        .unwrap()
        .into_iter()
        .find(|h| h.member == li)
        .unwrap();
    store
        .end_post("t", &longyou, c.joint, li_term.id, d(2026, 11, 1), TODAY)
        .unwrap();
    assert!(store.undo_import("t", &longyou, import).is_err());
}

fn a_zone_sheet_registers_parks_and_towns_with_their_committees_and_undoes_them(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::{ZoneClass, ZoneKind};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let strings = |cells: &[&str]| cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // A 党工委 registered first, to lead the town.
    let po_header = strings(&["党组织名称", "上级党组织", "组织类别"]);
    let committee_row = strings(&["中共龙游红木小镇工作委员会", "中共龙游县两新工委", "党工委"]);
    let plan = store
        .plan_party_org_import(
            &county,
            TODAY,
            &po_header,
            vec![(2, committee_row)],
            &|_| {},
        )
        .unwrap();
    store
        .commit_party_org_import(&source(&county, "党工委.csv", "a"), &plan)
        .unwrap();
    let committee = party_org_facts(&mut store, "中共龙游红木小镇工作委员会")[0].0;

    let header = strings(&["名称", "类型", "一镇一策分类", "级别", "区县", "党工委"]);
    let good = vec![
        (2, strings(&["示例：某小镇", "特色小镇", "", "", "", ""])),
        (
            3,
            strings(&[
                "龙游红木小镇",
                "特色小镇",
                "传统产业提升类",
                "省级",
                "",
                "中共龙游红木小镇工作委员会",
            ]),
        ),
        (
            4,
            strings(&["龙游工业园区", "园区", "", "县级", "330825", ""]),
        ),
    ];
    let mut bad = good.clone();
    bad.extend([
        (5, strings(&["柯城某园区", "园区", "", "", "柯城区", ""])),
        (6, strings(&["龙游工业园区", "园区", "", "", "", ""])),
        (
            7,
            strings(&["龙游某市场", "专业市场", "", "", "", "中共龙游县两新工委"]),
        ),
        (
            8,
            strings(&[
                "龙游某楼宇",
                "商务楼宇",
                "",
                "",
                "",
                "中共龙游红木小镇工作委员会",
            ]),
        ),
    ]);
    let plan = store
        .plan_zone_import(&county, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (5, "所在县(市、区)"),
            (6, "园区小镇名称"),
            (7, "党工委"),
            (8, "党工委"),
        ],
        "{:?}",
        plan.problems
    );
    assert!(
        store
            .commit_zone_import(&source(&county, "bad.csv", "x"), &plan)
            .is_err()
    );
    assert!(store.zones_of(&county).unwrap().is_empty());

    let plan = store
        .plan_zone_import(&county, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.skipped.len()), (2, 1));
    let id = store
        .commit_zone_import(&source(&county, "园区小镇.csv", "b"), &plan)
        .unwrap();
    let zones = store.zones_of(&county).unwrap();
    let town = zones.iter().find(|z| z.name == "龙游红木小镇").unwrap();
    assert_eq!(
        (town.kind, town.class, town.county),
        (ZoneKind::Town, Some(ZoneClass::TraditionalIndustry), LYX)
    );
    let (_, leader) = store.zone_in_scope(&county, town.id).unwrap().unwrap();
    assert_eq!(leader.map(|l| l.0), Some(committee));
    assert!(
        zones
            .iter()
            .any(|z| z.name == "龙游工业园区" && z.kind == ZoneKind::Park)
    );
    assert_eq!(store.imports(&county).unwrap()[0].kind, "zones");

    // The same sheet again: every zone registered, skipped.
    let again = store
        .plan_zone_import(&county, &header, good, &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.skipped.len()),
        (0, 3),
        "{again:?}"
    );
    // A second 党工委 for the town is refused by the party-organization import too.
    let second = strings(&[
        "中共龙游红木小镇第二工作委员会",
        "中共龙游县两新工委",
        "党工委",
    ]);
    let po_header = strings(&["党组织名称", "上级党组织", "组织类别", "所在园区小镇"]);
    let mut row = second.clone();
    row.push("龙游红木小镇".into());
    let plan = store
        .plan_party_org_import(&county, TODAY, &po_header, vec![(2, row)], &|_| {})
        .unwrap();
    assert_eq!(
        plan.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| (p.row, p.column))
            .collect::<Vec<_>>(),
        vec![(2, "所在园区小镇")],
        "{:?}",
        plan.problems
    );
    // A city's committee names the county of each zone.
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let plan = store
        .plan_zone_import(
            &city,
            &header,
            vec![(2, strings(&["某园区", "园区", "", "", "", ""]))],
            &|_| {},
        )
        .unwrap();
    assert_eq!(plan.problems[0].column, "所在县(市、区)");
    // A zone's own committee registers none.
    let town_scope = Scope {
        zone: Some(town.id),
        ..county.clone()
    };
    assert!(
        store
            .plan_zone_import(&town_scope, &header, Vec::new(), &|_| {})
            .is_err()
    );

    // The undo takes the zones back and lets their 党工委 go; another county cannot.
    let kecheng = Scope {
        region: Some(KCQ),
        ..scope_of(&mut store, c.kecheng)
    };
    assert!(store.undo_import("t", &kecheng, id).is_err());
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert!(store.zones_of(&county).unwrap().is_empty());
    use liangxin_store::schema::party_orgs as po;
    let led: Option<i64> = po::table
        .filter(po::id.eq(committee.id))
        .select(po::zone_id)
        .first(store.conn())
        .unwrap();
    assert_eq!(led, None);
}

fn a_party_org_sheet_builds_a_subtree_with_its_coverage_and_undoes_it(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_store::schema::party_org_coverage as pc;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let header: Vec<String> = [
        "党组织名称",
        "组织编号",
        "上级党组织",
        "组织类别",
        "组建方式",
        "是否成立支部委员会",
        "本届任期开始",
        "覆盖单位信用代码",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row =
        |n: usize, cells: [&str; 8]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let covered = CreditCode::from_parts("91330825MA2AAAAA1").unwrap();
    let unknown = CreditCode::from_parts("91330825MA2XXXXX9").unwrap();
    let joint_code = format!("{}-{}", c.joint.county, c.joint.id);
    let kecheng_code = format!("{}-{}", c.tech_branch.county, c.tech_branch.id);
    let good = vec![
        row(2, ["示例：某支部", "", "", "", "", "", "", ""]),
        row(
            3,
            [
                "中共龙游红木小镇委员会",
                "",
                "中共龙游县两新工委",
                "党委",
                "",
                "是",
                "2025-01-10",
                "",
            ],
        ),
        row(
            4,
            [
                "中共龙游甲公司支部委员会",
                "",
                "中共龙游县两新工委/中共龙游红木小镇委员会",
                "党支部",
                "单独组建",
                "否",
                "",
                covered.as_str(),
            ],
        ),
        row(
            5,
            [
                "龙游红木小镇联合党支部",
                &joint_code,
                "",
                "",
                "",
                "否",
                "",
                "",
            ],
        ),
    ];
    let mut bad = good.clone();
    bad.push(row(
        6,
        ["某支部", "", &joint_code, "党支部", "", "", "", ""],
    ));
    bad.push(row(
        7,
        ["某支部", "", "不存在的党委", "党支部", "", "", "", ""],
    ));
    bad.push(row(
        8,
        [
            "某新支部",
            "",
            "中共龙游县两新工委",
            "党支部",
            "",
            "",
            "",
            unknown.as_str(),
        ],
    ));
    bad.push(row(
        9,
        [
            "衢州某科技公司党支部",
            &kecheng_code,
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ));

    let plan = store
        .plan_party_org_import(&county, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (6, "组织类别"),
            (7, "上级党组织"),
            (8, "覆盖单位信用代码"),
            (9, "组织编号"),
        ],
        "{:?}",
        plan.problems
    );
    assert!(
        store
            .commit_party_org_import(&source(&county, "bad.xlsx", "x"), &plan)
            .is_err()
    );
    assert!(party_org_facts(&mut store, "中共龙游红木小镇委员会").is_empty());

    let plan = store
        .plan_party_org_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.update.len()), (2, 1));
    assert_eq!(
        plan.update[0].changes,
        vec![("是否成立支部委员会", "是".to_owned(), "否".to_owned())]
    );
    let id = store
        .commit_party_org_import(&source(&county, "党组织.xlsx", "abc"), &plan)
        .unwrap();
    let committee = party_org_facts(&mut store, "中共龙游红木小镇委员会");
    let branch = party_org_facts(&mut store, "中共龙游甲公司支部委员会");
    assert_eq!((committee.len(), branch.len()), (1, 1));
    assert_eq!(
        committee[0].1,
        format!("{}{}/", county.party_path, committee[0].0.id)
    );
    assert_eq!(
        branch[0].1,
        format!("{}{}/", committee[0].1, branch[0].0.id),
        "under the row above it"
    );
    let covering: Vec<(i32, i64)> = pc::table
        .filter(pc::party_org_id.eq(branch[0].0.id))
        .select((pc::county_code, pc::organization_id))
        .load(store.conn())
        .unwrap();
    assert_eq!(covering, vec![(c.orgs[0].county, c.orgs[0].id)]);
    assert!(!party_org_facts(&mut store, "龙游红木小镇联合党支部")[0].2);
    let history = store.imports(&county).unwrap();
    assert_eq!(history[0].kind, "party_orgs");
    assert_eq!(
        (history[0].created, history[0].updated, history[0].skipped),
        (2, 1, 1)
    );
    // The same sheet again: every row found where it now is.
    let again = store
        .plan_party_org_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.update.len()),
        (0, 0),
        "{again:?}"
    );

    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert!(party_org_facts(&mut store, "中共龙游红木小镇委员会").is_empty());
    assert!(party_org_facts(&mut store, "中共龙游甲公司支部委员会").is_empty());
    assert!(party_org_facts(&mut store, "龙游红木小镇联合党支部")[0].2);

    // A member in a branch it set up: no longer undone.
    let plan = store
        .plan_party_org_import(&county, TODAY, &header, good, &|_| {})
        .unwrap();
    let id = store
        .commit_party_org_import(&source(&county, "党组织.xlsx", "abc"), &plan)
        .unwrap();
    let branch = party_org_facts(&mut store, "中共龙游甲公司支部委员会")[0].0;
    // A unit covered the same day on the party-organization page keeps it.
    store
        .add_coverage(CoverageLink {
            organization: c.orgs[1],
            party_org: branch,
            since: TODAY,
        })
        .unwrap();
    let refused = store.undo_import("t", &county, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("覆盖单位")),
        "{refused:?}"
    );
    store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(branch, "新支部党员", 181, MemberStatus::Full, None),
        )
        .unwrap();
    let refused = store.undo_import("t", &county, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("关联")),
        "{refused:?}"
    );
    assert_eq!(
        party_org_facts(&mut store, "中共龙游甲公司支部委员会").len(),
        1
    );

    // The register, exported in the import's columns, imports again as it is.
    let code = |k: Key| format!("{}-{}", k.county, k.id);
    let register = store.party_org_register(&county, 0, 500).unwrap();
    assert_eq!(register[0].key, c.longyou, "the scope's top first");
    assert!(
        register
            .iter()
            .any(|r| r.key == branch && r.members == 1 && r.covered_units == 2)
    );
    let header: Vec<String> = [
        "组织编号",
        "党组织名称",
        "上级党组织",
        "组织类别",
        "组建方式",
        "是否成立支部委员会",
        "本届任期开始",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sheet: Vec<(usize, Vec<String>)> = register
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                i + 2,
                vec![
                    code(r.key),
                    r.name.clone(),
                    r.parent.map(code).unwrap_or_default(),
                    r.org_type.label().to_owned(),
                    r.formation_mode
                        .map(|m| m.label().to_owned())
                        .unwrap_or_default(),
                    if r.has_committee { "是" } else { "否" }.to_owned(),
                    r.term_started.map(|d| d.to_string()).unwrap_or_default(),
                ],
            )
        })
        .collect();
    let again = store
        .plan_party_org_import(&county, TODAY, &header, sheet, &|_| {})
        .unwrap();
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    assert_eq!(
        (again.create.len(), again.update.len(), again.skipped.len()),
        (0, 0, register.len())
    );
}

fn a_member_sheet_sets_new_members_dues_standards_and_its_undo_takes_them_back(db: &TestDb) {
    use liangxin_domain::dues::{DuesRules, monthly_standard};
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_store::schema::dues_standards as ds;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let rules = DuesRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1987, 9, 9), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    let registered = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "已在册", 191, MemberStatus::Full, None),
        )
        .unwrap();
    let _ = registered;
    let registered_id = member(c.joint, "", 191, MemberStatus::Full, None)
        .resident_id
        .expose()
        .to_owned();
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
        "党费类别",
        "党费基数",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let row = |n: usize, name: &str, rid: &str, category: &str, base: &str| {
        (
            n,
            [
                name,
                rid,
                &joint,
                "正式",
                "2015-07-01",
                "2016-07-01",
                category,
                base,
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>(),
        )
    };
    let salaried = id(192);
    let student = id(193);
    let good = vec![
        row(2, "在职甲", &salaried, "在职", "5000"),
        row(3, "学生乙", &student, "学生", ""),
        row(4, "已在册", &registered_id, "在职", "8000"),
    ];
    let mut bad = good.clone();
    bad.push(row(5, "在职丙", &id(194), "在职", ""));
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&bad), &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(errors, vec![(5, "党费计算基数")], "{:?}", plan.problems);
    let warned: Vec<usize> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| p.row)
        .collect();
    assert_eq!(
        warned,
        vec![4],
        "the registered member's standard is not changed"
    );

    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&good), &|_| {})
        .unwrap();
    let import = store
        .commit_member_import(
            &source(&longyou, "党费.xlsx", "d"),
            &plan,
            &mut rows_of(&good),
        )
        .unwrap();
    let standards = |store: &mut Store| -> Vec<(String, Option<i64>, i64, String)> {
        ds::table
            .filter(ds::year.eq(2026))
            .order(ds::member_id)
            .select((ds::category, ds::base_fen, ds::monthly_fen, ds::set_by))
            .load(store.conn())
            .unwrap()
    };
    let expected = |category, base: Option<Fen>| {
        monthly_standard(category, base, None, &rules)
            .unwrap()
            .monthly
            .fen()
    };
    assert_eq!(
        standards(&mut store),
        vec![
            (
                "salaried".to_owned(),
                Some(500_000),
                expected(DuesCategory::Salaried, Some(Fen::new(500_000))),
                format!("import:{import}")
            ),
            (
                "student".to_owned(),
                None,
                expected(DuesCategory::Student, None),
                format!("import:{import}")
            ),
        ]
    );
    store.undo_import("t", &longyou, import).unwrap();
    assert!(
        standards(&mut store).is_empty(),
        "taken back with the members"
    );
}

fn an_instructor_sheet_assigns_known_and_new_instructors_and_undoes_it(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_store::schema::{instructor_assignments as ia, instructors as ins};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let unit = |store: &mut Store, county, name: &str, code: &str| {
        let code = CreditCode::from_parts(code).unwrap();
        store
            .insert_organization(
                "test",
                &all(),
                Organization {
                    key: Key { county, id: 0 },
                    name: name.into(),
                    credit_code: Some(code.clone()),
                    credit_code_check_failed: false,
                    kind: OrgKind::Enterprise,
                    sectors: SectorSet::EMPTY,
                    town: None,
                    zone: None,
                    employees: None,
                    registered_on: None,
                },
            )
            .unwrap();
        code.as_str().to_owned()
    };
    let here = unit(&mut store, LYX, "龙游戊公司", "91330825MA2BBBBB2");
    let there = unit(&mut store, KCQ, "柯城己公司", "91330802MA2CCCCC3");
    let first = CreditCode::from_parts("91330825MA2AAAAA1").unwrap();
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let header: Vec<String> = ["信用代码", "单位名称", "指导员姓名", "联系电话", "派驻日期"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let row = |n: usize, cells: [&str; 5]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let good: Vec<(usize, Vec<String>)> = vec![
        row(2, ["", "示例：某公司", "", "", ""]),
        row(
            3,
            [
                first.as_str(),
                "龙游甲红木家具有限公司",
                "王指导",
                "",
                "2025-06-01",
            ],
        ),
        row(4, [&here, "旧名字", "李新", "13900000000", ""]),
        row(5, [first.as_str(), "", "李新", "", ""]),
    ];
    let mut bad = good.clone();
    bad.push(row(6, [&here, "", "李新", "13900000000", ""]));
    bad.push(row(7, [&there, "", "张三", "", ""]));
    let plan = store
        .plan_assignment_import(&county, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![(6, "党建指导员"), (7, "单位统一社会信用代码")],
        "{:?}",
        plan.problems
    );

    let plan = store
        .plan_assignment_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.new_instructors.len()), (3, 1));
    let warned: Vec<usize> = plan.problems.iter().map(|p| p.row).collect();
    assert_eq!(
        warned,
        vec![4],
        "the unit's name differs: {:?}",
        plan.problems
    );
    let instructors =
        |store: &mut Store| -> i64 { ins::table.count().get_result(store.conn()).unwrap() };
    let assignments =
        |store: &mut Store| -> i64 { ia::table.count().get_result(store.conn()).unwrap() };
    let (ins_before, ia_before) = (instructors(&mut store), assignments(&mut store));
    let id = store
        .commit_assignment_import(&source(&county, "选派.xlsx", "s"), &plan)
        .unwrap();
    assert_eq!(instructors(&mut store), ins_before + 1);
    assert_eq!(assignments(&mut store), ia_before + 3);
    let since: NaiveDate = ia::table
        .filter(ia::organization_id.eq(c.orgs[0].id))
        .filter(ia::since.eq(d(2025, 6, 1)))
        .select(ia::since)
        .first(store.conn())
        .unwrap();
    assert_eq!(since, d(2025, 6, 1));
    // Again: every assignment is already made.
    let again = store
        .plan_assignment_import(&county, TODAY, &header, good, &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.skipped.len()),
        (0, 4),
        "{again:?}"
    );
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 3);
    assert_eq!(instructors(&mut store), ins_before);
    assert_eq!(assignments(&mut store), ia_before);

    // History: an ended assignment (结束日期) beside the open one, skipped when imported
    // again; one overlapping the open one, or starting the same day and ending another, is
    // refused; the undo takes both back.
    let header: Vec<String> = ["信用代码", "指导员姓名", "派驻日期", "离任日期"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let row = |n: usize, cells: [&str; 4]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let history: Vec<(usize, Vec<String>)> = vec![
        row(2, [first.as_str(), "王指导", "2025-06-01", ""]),
        row(3, [first.as_str(), "王指导", "2023-03-01", "2024-12-31"]),
    ];
    let plan = store
        .plan_assignment_import(&county, TODAY, &header, history.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 2);
    let id = store
        .commit_assignment_import(&source(&county, "历年选派.xlsx", "h"), &plan)
        .unwrap();
    let ended: Option<NaiveDate> = ia::table
        .filter(ia::organization_id.eq(c.orgs[0].id))
        .filter(ia::since.eq(d(2023, 3, 1)))
        .select(ia::until)
        .first(store.conn())
        .unwrap();
    assert_eq!(ended, Some(d(2024, 12, 31)));
    let again = store
        .plan_assignment_import(&county, TODAY, &header, history, &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.skipped.len()),
        (0, 2),
        "{again:?}"
    );
    let clashing = vec![
        row(2, [first.as_str(), "王指导", "2025-07-01", "2025-09-30"]),
        row(3, [first.as_str(), "王指导", "2023-03-01", "2024-06-30"]),
        row(4, [first.as_str(), "王指导", "2024-01-01", "2024-03-31"]),
        row(5, [&here, "新来的", "2022-01-01", "2022-12-31"]),
        row(6, [&here, "新来的", "2022-06-01", "2023-05-31"]),
    ];
    let refused = store
        .plan_assignment_import(&county, TODAY, &header, clashing, &|_| {})
        .unwrap();
    let reasons: Vec<(usize, &str)> = refused
        .problems
        .iter()
        .map(|p| (p.row, p.reason.as_str()))
        .collect();
    assert_eq!(
        reasons.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![2, 3, 4, 6],
        "{reasons:?}"
    );
    assert!(reasons[0].1.contains("2025-06-01起，仍在任"), "{reasons:?}");
    assert!(
        reasons[1].1.contains("2023-03-01至2024-12-31"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].1.contains("2023-03-01至2024-12-31"),
        "{reasons:?}"
    );
    assert!(
        reasons[3].1.contains("与第5行的选派时间重叠"),
        "{reasons:?}"
    );
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert_eq!(assignments(&mut store), ia_before);
}

fn a_dues_ledger_adds_the_months_not_yet_marked_and_undoes_them(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesCorrection;
    use liangxin_store::schema::dues_payments as dp;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let a = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "缴费甲", 211, MemberStatus::Full, None),
        )
        .unwrap();
    let a_id = member(c.joint, "", 211, MemberStatus::Full, None)
        .resident_id
        .expose()
        .to_owned();
    let month = |m| Period::month(2025, m).unwrap();
    store
        .mark_dues(
            "t",
            &longyou,
            TODAY,
            c.joint,
            month(1),
            &[(a, Fen::new(5_000))],
        )
        .unwrap();
    let header: Vec<String> = ["党员姓名", "身份证号", "缴纳月份", "金额"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let row = |n: usize, cells: [&str; 4]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let stranger = ResidentId::from_parts("330825", d(1990, 1, 1), 212).unwrap();
    let good: Vec<(usize, Vec<String>)> = vec![
        row(3, ["缴费甲", &a_id, "2025-02", "50"]),
        row(4, ["缴费甲", &a_id, "2025年3月", "50.00"]),
        row(7, ["别名", &a_id, "2025-04", "50"]),
    ];
    let mut bad = good.clone();
    bad.push(row(2, ["缴费甲", &a_id, "2025-01", "50"]));
    bad.push(row(5, ["缴费甲", &a_id, "2025-02", "50"]));
    bad.push(row(6, ["某人", stranger.expose(), "2025-02", "50"]));
    let plan = store
        .plan_payment_import(&longyou, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![(2, "所属月份"), (5, "所属月份"), (6, "公民身份号码")],
        "{:?}",
        plan.problems
    );
    let plan = store
        .plan_payment_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 3);
    assert_eq!(
        plan.problems.iter().map(|p| p.row).collect::<Vec<_>>(),
        vec![7],
        "the name differs"
    );
    let lines = |store: &mut Store| -> i64 {
        dp::table
            .filter(dp::member_id.eq(a.id))
            .filter(dp::kind.eq("regular"))
            .count()
            .get_result(store.conn())
            .unwrap()
    };
    let id = store
        .commit_payment_import(&source(&longyou, "党费.xlsx", "p"), &plan)
        .unwrap();
    assert_eq!(lines(&mut store), 4);
    assert!(
        store
            .commit_payment_import(&source(&longyou, "党费.xlsx", "p"), &plan)
            .is_err(),
        "the same months again are refused at the commit"
    );
    assert_eq!(store.undo_import("t", &longyou, id).unwrap(), 3);
    assert_eq!(
        store.activity_drift().unwrap(),
        0,
        "the undone months leave the summary"
    );
    assert_eq!(lines(&mut store), 1);

    // A correction since for one of its months keeps it.
    let plan = store
        .plan_payment_import(&longyou, TODAY, &header, good, &|_| {})
        .unwrap();
    let id = store
        .commit_payment_import(&source(&longyou, "党费.xlsx", "p"), &plan)
        .unwrap();
    store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &DuesCorrection {
                member: a,
                month: month(3),
                amount: Fen::new(-1_000),
                note: "多收退回".into(),
            },
        )
        .unwrap();
    let refused = store.undo_import("t", &longyou, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("更正")),
        "{refused:?}"
    );
    assert_eq!(lines(&mut store), 4);
}

fn an_attendance_sheet_records_whole_meetings_and_undoes_them(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_store::schema::{meeting_attendance as ma, meetings as mt};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let ids: Vec<String> = [221u16, 222]
        .iter()
        .map(|seq| {
            let m = member(
                c.joint,
                &format!("开会{seq}"),
                *seq,
                MemberStatus::Full,
                None,
            );
            let rid = m.resident_id.expose().to_owned();
            store.insert_member("t", &longyou, TODAY, m).unwrap();
            rid
        })
        .collect();
    let header: Vec<String> = [
        "所在支部",
        "会议类别",
        "召开日期",
        "主题",
        "姓名",
        "身份证号",
        "出勤情况",
        "原因",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let tech = format!("{}-{}", c.tech_branch.county, c.tech_branch.id);
    let row = |n: usize, cells: [&str; 8]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let good: Vec<(usize, Vec<String>)> = vec![
        row(
            2,
            [
                &joint,
                "支部党员大会",
                "2025-03-15",
                "学习",
                "开会221",
                &ids[0],
                "出席",
                "",
            ],
        ),
        row(
            3,
            [
                &joint,
                "支部党员大会",
                "2025-03-15",
                "学习",
                "开会222",
                &ids[1],
                "请假",
                "出差",
            ],
        ),
    ];
    let mut bad = good.clone();
    bad.push(row(
        4,
        [
            &joint,
            "主题党日",
            "2025-04-01",
            "志愿服务",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    bad.push(row(
        5,
        [
            &tech,
            "支部党员大会",
            "2025-03-15",
            "学习",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    bad.push(row(
        6,
        [
            &joint,
            "党小组会",
            "2025-03-20",
            "学习",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    // The same organization's 支部党员大会 the same day, under another topic.
    bad.push(row(
        7,
        [
            &joint,
            "支部党员大会",
            "2025-03-15",
            "另议",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    let plan = store
        .plan_meeting_import(&longyou, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (4, "出席情况"),
            (5, "党组织"),
            (6, "会议类型"),
            (7, "会议日期")
        ],
        "{:?}",
        plan.problems
    );
    assert!(plan.problems.iter().any(|p| p.reason.contains("开会222")));

    let plan = store
        .plan_meeting_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 1);
    let id = store
        .commit_meeting_import(&source(&longyou, "会议.xlsx", "m"), &plan)
        .unwrap();
    let held: Vec<(i64, bool)> = mt::table
        .filter(mt::party_org_id.eq(c.joint.id))
        .select((mt::id, mt::late))
        .load(store.conn())
        .unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].1, "entered long after: 补录");
    let attended: i64 = ma::table
        .filter(ma::meeting_id.eq(held[0].0))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(attended, 2);
    let again = store
        .plan_meeting_import(&longyou, TODAY, &header, good, &|_| {})
        .unwrap();
    assert_eq!(
        again.errors(),
        1,
        "the same meeting again: {:?}",
        again.problems
    );
    assert_eq!(store.undo_import("t", &longyou, id).unwrap(), 1);
    let left: i64 = mt::table
        .filter(mt::party_org_id.eq(c.joint.id))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(left, 0);
}

/// Registering or importing someone registered outside one's scope is refused without
/// saying where, written to the audit log with the masked ID, and rationed per account and
/// day: once the budget is spent, the account registers and previews nothing more.
fn who_is_a_member_elsewhere_is_said_without_where_logged_and_rationed(db: &TestDb) {
    use diesel::prelude::*;
    use liangxin_store::schema::audit_log::dsl as a;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let full = |po: Key, name: &str, seq: u16| member(po, name, seq, MemberStatus::Full, None);
    let elsewhere = full(c.tech_branch, "别处", 611);
    store
        .insert_member("city:1", &all(), TODAY, elsewhere.clone())
        .unwrap();
    let here = full(c.joint, "本处", 612);
    store
        .insert_member("clerk:7", &longyou, TODAY, here.clone())
        .unwrap();

    // Within the scope: the clerk's own register, said plainly; the confirmation is
    // logged (and spends one of the day's budget) as one of the clerk's own.
    let again = full(c.joint, "本处", 612);
    let e = store
        .insert_member("clerk:7", &longyou, TODAY, again)
        .unwrap_err()
        .to_string();
    assert!(e.contains("已在本辖区登记为党员"), "{e}");
    let logged = |store: &mut Store, actor: &str| -> Vec<Option<String>> {
        a::audit_log
            .filter(a::actor.eq(actor))
            .filter(a::action.eq("lookup_elsewhere"))
            .select(a::after)
            .load(store.conn())
            .unwrap()
    };
    assert!(logged(&mut store, "clerk:7").is_empty());
    let in_scope: i64 = a::audit_log
        .filter(a::actor.eq("clerk:7"))
        .filter(a::action.eq("lookup_in_scope"))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(in_scope, 1);

    // Outside it: refused without where, and the lookup is in the audit log, masked.
    let mut someone = elsewhere.clone();
    someone.key.county = c.joint.county;
    someone.party_org_id = c.joint.id;
    let e = store
        .insert_member("clerk:7", &longyou, TODAY, someone.clone())
        .unwrap_err()
        .to_string();
    assert!(e.contains("不能在此登记"), "{e}");
    assert!(e.contains("组织关系转接"), "{e}");
    let entries = logged(&mut store, "clerk:7");
    assert_eq!(entries.len(), 1);
    let entry = entries[0].clone().unwrap();
    assert!(entry.contains(&elsewhere.resident_id.masked()), "{entry}");
    assert!(!entry.contains(elsewhere.resident_id.expose()), "{entry}");

    // The budget: each such lookup spends one; when none is left, nothing is looked up,
    // not even a person registered nowhere (else the refusal itself would answer).
    for _ in 2..liangxin_store::lookups::DAILY_LIMIT {
        let e = store
            .insert_member("clerk:7", &longyou, TODAY, someone.clone())
            .unwrap_err()
            .to_string();
        assert!(e.contains("不能在此登记"), "{e}");
    }
    let spent = store
        .insert_member("clerk:7", &longyou, TODAY, someone.clone())
        .unwrap_err()
        .to_string();
    assert!(spent.contains("已达上限"), "{spent}");
    let nobody = full(c.joint, "新人", 613);
    let e = store
        .insert_member("clerk:7", &longyou, TODAY, nobody.clone())
        .unwrap_err()
        .to_string();
    assert!(e.contains("已达上限"), "{e}");
    assert_eq!(
        logged(&mut store, "clerk:7").len(),
        usize::try_from(liangxin_store::lookups::DAILY_LIMIT - 1).unwrap()
    );
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let e = store
        .plan_import(
            "clerk:7",
            "members",
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&[]),
            &|_| {},
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("已达上限"), "{e}");
    // Another clerk has their own budget: a sheet naming the person registered elsewhere
    // is refused by row, and the row is logged.
    let line = |row: u32, m: &Member| {
        (
            usize::try_from(row).unwrap(),
            vec![
                m.name.clone(),
                m.resident_id.expose().to_owned(),
                format!("{}-{}", c.joint.county, c.joint.id),
                "正式党员".to_owned(),
                "2010-07-01".to_owned(),
                "2011-07-01".to_owned(),
            ],
        )
    };
    let planned = store
        .plan_import(
            "clerk:8",
            "members",
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&[line(2, &someone), line(3, &nobody)]),
            &|_| {},
        )
        .unwrap();
    let liangxin_store::import::Planned::Members(plan) = planned else {
        panic!("a member plan");
    };
    assert_eq!(plan.errors(), 1, "{:?}", plan.problems);
    assert!(plan.problems[0].reason.contains("不能在此登记"));
    assert_eq!(logged(&mut store, "clerk:8").len(), 1);
}

/// An account stages at most so many files and bytes and uploads at most so often; a
/// preview keeps its first problems (the full list apart, for download); a discarded
/// upload leaves neither file, preview nor problems.
fn uploads_are_bounded_per_account_and_leave_nothing_when_discarded(db: &TestDb) {
    use liangxin_store::uploads::{
        PREVIEW_PROBLEMS, Preview, PreviewProblem, RATE_UPLOADS, STAGED_BYTES, STAGED_FILES,
    };
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let stage = |store: &mut Store, actor: &str| {
        store.stage_upload(actor, &longyou, "members", "名册.csv", b"a,b\n1,2\n")
    };
    // Files staged at once.
    let mut ids = Vec::new();
    for _ in 0..STAGED_FILES {
        ids.push(stage(&mut store, "clerk:1").unwrap());
    }
    let e = stage(&mut store, "clerk:1").unwrap_err().to_string();
    assert!(e.contains("待确认的上传"), "{e}");
    assert!(
        stage(&mut store, "clerk:2").is_ok(),
        "another account has its own"
    );

    // A preview with more problems than it keeps: the first kept, all listed apart.
    let id = ids[0];
    let problems: Vec<PreviewProblem> = (0..PREVIEW_PROBLEMS + 50)
        .map(|i| PreviewProblem {
            row: i + 2,
            column: "身份证号".into(),
            value: String::new(),
            reason: "必填".into(),
            error: true,
        })
        .collect();
    let preview = Preview {
        errors: problems.len(),
        problems,
        ..Preview::default()
    };
    store.finish_check(id, Ok(&preview)).unwrap();
    let kept = store
        .upload(&longyou, id)
        .unwrap()
        .unwrap()
        .preview
        .unwrap();
    assert_eq!(kept.problems.len(), PREVIEW_PROBLEMS);
    assert_eq!(kept.errors, PREVIEW_PROBLEMS + 50, "the counts stay whole");
    let all = store.upload_problems(&longyou, id).unwrap();
    assert_eq!(all.len(), PREVIEW_PROBLEMS + 50);
    assert_eq!(all.last().unwrap().row, PREVIEW_PROBLEMS + 51);
    let kecheng = scope_of(&mut store, c.kecheng);
    assert!(
        store.upload_problems(&kecheng, id).is_err(),
        "not the other county's"
    );

    // Discarded: nothing of it is kept, and it no longer counts against the account.
    store.discard_upload(&longyou, id).unwrap();
    let gone = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(gone.state, "discarded");
    assert!(gone.preview.is_none());
    assert!(store.upload_problems(&longyou, id).unwrap().is_empty());
    assert!(store.upload_file(&longyou, id).is_err());
    let again = stage(&mut store, "clerk:1").unwrap();

    // Bytes staged together: the account's staged files already hold nearly the limit.
    diesel::sql_query(format!(
        "UPDATE import_uploads SET file_size = {} WHERE id = {again}",
        STAGED_BYTES - 4
    ))
    .execute(store.conn())
    .unwrap();
    for id in &ids[1..] {
        store.finish_check(*id, Err("无法读取")).unwrap();
    }
    let e = stage(&mut store, "clerk:1").unwrap_err().to_string();
    assert!(e.contains("合计将超过"), "{e}");

    // Uploads within the window: the account is told to wait.
    for _ in 0..RATE_UPLOADS {
        let id = stage(&mut store, "clerk:3").unwrap();
        store.finish_check(id, Err("无法读取")).unwrap();
    }
    let e = stage(&mut store, "clerk:3").unwrap_err().to_string();
    assert!(e.contains("分钟内上传已达"), "{e}");
}

/// A preview of a dues sheet compares its people with the register within the account's
/// daily budget, counted before they are compared (the refusal depends on the sheet's
/// size, never on who is registered); each preview is logged with how many it compared
/// and matched, and the console is logged but not rationed.
fn a_sheet_compares_a_bounded_number_of_ids_with_the_register_and_is_logged(db: &TestDb) {
    use diesel::prelude::*;
    use liangxin_store::lookups::IDS_PER_DAY;
    use liangxin_store::schema::audit_log::dsl as a;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let registered = member(c.joint, "在册", 621, MemberStatus::Full, None);
    store
        .insert_member("city:1", &all(), TODAY, registered.clone())
        .unwrap();
    let header: Vec<String> = ["党员姓名", "身份证号", "缴纳月份", "金额"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    // `n` distinct people (the registered one first), a month each.
    let sheet = |n: usize, from: usize| -> Vec<SheetRow> {
        (0..n)
            .map(|i| {
                let id = if i == 0 {
                    registered.resident_id.clone()
                } else {
                    let k = from + i;
                    let born = d(1950, 1, 1) + chrono::Days::new((k / 1000) as u64);
                    ResidentId::from_parts("330825", born, (k % 1000) as u16).unwrap()
                };
                (
                    i + 2,
                    vec![
                        "某人".to_owned(),
                        id.expose().to_owned(),
                        "2026-01".to_owned(),
                        "10.00".to_owned(),
                    ],
                )
            })
            .collect()
    };
    let plan = |store: &mut Store, actor: &str, rows: &[SheetRow]| {
        store.plan_import(
            actor,
            "payments",
            &longyou,
            TODAY,
            &header,
            &mut rows_of(rows),
            &|_| {},
        )
    };
    let logged = |store: &mut Store, actor: &str| -> Vec<serde_json::Value> {
        a::audit_log
            .filter(a::actor.eq(actor))
            .filter(a::action.eq("compare_register"))
            .select(a::after)
            .load::<Option<String>>(store.conn())
            .unwrap()
            .into_iter()
            .map(|t| serde_json::from_str(&t.unwrap()).unwrap())
            .collect()
    };
    let most = IDS_PER_DAY - 10;
    assert!(plan(&mut store, "clerk:9", &sheet(most, 0)).is_ok());
    let entries = logged(&mut store, "clerk:9");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["compared"], most);
    assert_eq!(entries[0]["matched"], 1);
    // Eleven more people: refused, whoever they are, and nothing more logged.
    let e = plan(&mut store, "clerk:9", &sheet(11, most)).unwrap_err();
    assert!(matches!(e, StoreError::Limit { .. }), "{e}");
    assert!(e.to_string().contains("今日还可核对10个"), "{e}");
    assert_eq!(logged(&mut store, "clerk:9").len(), 1);
    // Ten are still allowed; another clerk has their own budget; the console has none.
    assert!(plan(&mut store, "clerk:9", &sheet(10, most)).is_ok());
    assert!(plan(&mut store, "clerk:10", &sheet(11, most)).is_ok());
    assert!(plan(&mut store, "cli", &sheet(IDS_PER_DAY + 1, 0)).is_ok());
    assert_eq!(logged(&mut store, "cli")[0]["compared"], IDS_PER_DAY + 1);
}

/// The full number is shown to the staff of the member's scope only, each reveal in the
/// audit log and spending one of the account's daily budget.
fn a_full_id_is_revealed_only_in_scope_logged_and_rationed(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = member(c.joint, "查看", 631, MemberStatus::Full, None);
    let key = store
        .insert_member("city:1", &all(), TODAY, m.clone())
        .unwrap();
    assert!(store.reveal_resident_id("clerk:11", &kecheng, key).is_err());
    assert_eq!(
        store.confirmations_left("clerk:11").unwrap(),
        liangxin_store::lookups::DAILY_LIMIT
    );
    for n in 1..=liangxin_store::lookups::DAILY_LIMIT {
        assert_eq!(
            store.reveal_resident_id("clerk:11", &longyou, key).unwrap(),
            m.resident_id
        );
        assert_eq!(
            store.confirmations_left("clerk:11").unwrap(),
            liangxin_store::lookups::DAILY_LIMIT - n
        );
    }
    let e = store
        .reveal_resident_id("clerk:11", &longyou, key)
        .unwrap_err();
    assert!(matches!(e, StoreError::Limit { .. }), "{e}");
}

/// With the trigger dropped, someone deletes the newest rows, or all of them: what is left
/// still chains, but not up to the checkpoint kept outside the database, and the
/// verification says from which row the log was cut. A row taken from the middle breaks
/// the chain and is named too.
fn the_audit_logs_end_is_anchored_by_its_checkpoints(db: &TestDb) {
    use liangxin_store::anchor::{AnchorFile, LogFault};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    for (i, name) in ["甲", "乙", "丙"].into_iter().enumerate() {
        let m = member(c.joint, name, 641 + i as u16, MemberStatus::Full, None);
        store.insert_member("a", &all(), TODAY, m).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let anchor = AnchorFile(dir.path().join("liangxin.anchor"));
    assert_eq!(anchor.read().unwrap(), None);
    let check = store.verify_audit_log(None).unwrap();
    assert_eq!(check.fault, None);
    let checkpoint = store.checkpoint_audit_log("cli", "verify-log").unwrap();
    assert_eq!(
        checkpoint.rows,
        check.rows + 1,
        "the checkpoint is in the log too"
    );
    anchor.write(&checkpoint).unwrap();
    let kept = anchor.read().unwrap().unwrap();
    assert_eq!(kept, checkpoint);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&anchor.0).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0);
    }
    // Later rows are fine: the log only grows past its checkpoint.
    let m = member(c.joint, "丁", 645, MemberStatus::Full, None);
    store.insert_member("a", &all(), TODAY, m).unwrap();
    assert_eq!(store.verify_audit_log(Some(&kept)).unwrap().fault, None);

    let drop_guard = match store.backend() {
        liangxin_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        liangxin_store::Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
    };
    diesel::sql_query(drop_guard).execute(store.conn()).unwrap();
    let delete_from = |store: &mut Store, id: i64| {
        diesel::sql_query(format!("DELETE FROM audit_log WHERE id >= {id}"))
            .execute(store.conn())
            .unwrap();
    };
    // The newest two rows (the checkpoint's and the one after it) go: the chain that is
    // left holds, the checkpoint does not.
    delete_from(&mut store, kept.head);
    let check = store.verify_audit_log(Some(&kept)).unwrap();
    assert_eq!(
        store.verify_audit_log(None).unwrap().fault,
        None,
        "the chain alone holds"
    );
    let fault = check.fault.unwrap();
    assert_eq!(
        fault,
        LogFault::Truncated {
            head: check.head,
            anchored: kept.head
        }
    );
    let said = fault.to_string();
    assert!(said.contains(&format!("第{}条", kept.head)), "{said}");
    assert!(said.contains("被删除"), "{said}");
    // A row from the middle: the chain breaks there, and the row after the gap is named.
    let rows: Vec<i64> = liangxin_store::schema::audit_log::table
        .select(liangxin_store::schema::audit_log::id)
        .order(liangxin_store::schema::audit_log::id)
        .load(store.conn())
        .unwrap();
    let (gone, next) = (rows[1], rows[2]);
    diesel::sql_query(format!("DELETE FROM audit_log WHERE id = {gone}"))
        .execute(store.conn())
        .unwrap();
    match store.verify_audit_log(None).unwrap().fault {
        Some(LogFault::Broken { row, after }) => {
            assert_eq!((row, after), (next, Some(rows[0])));
        }
        other => panic!("{other:?}"),
    }
    // Everything: an empty log is not a clean one.
    diesel::sql_query("DELETE FROM audit_log")
        .execute(store.conn())
        .unwrap();
    let fault = store.verify_audit_log(Some(&kept)).unwrap().fault.unwrap();
    assert!(
        matches!(fault, LogFault::Truncated { head: None, .. }),
        "{fault:?}"
    );
    assert!(fault.to_string().contains("全部被删除"), "{fault}");
}

/// Addresses and typed user names of sign-in attempts are kept for the period of the rule
/// parameter (180 days by default), then deleted.
fn sign_in_attempts_are_kept_for_the_retention_the_rules_give(db: &TestDb) {
    use liangxin_store::accounts::AttemptLimits;
    let mut store = db.open();
    let limits = AttemptLimits {
        address_failures: 20,
        window: chrono::Duration::minutes(10),
        account_failures: 5,
        lock_for: chrono::Duration::minutes(15),
    };
    let at = |days: i64| TODAY.and_time(chrono::NaiveTime::MIN) - chrono::Duration::days(days);
    for days in [181, 179, 1] {
        store
            .claim_login_attempt("203.0.113.9", "guess", None, at(days), &limits)
            .unwrap();
    }
    assert_eq!(store.purge_login_attempts(TODAY).unwrap(), 1);
    assert_eq!(store.purge_login_attempts(TODAY).unwrap(), 0);
    let left: i64 = liangxin_store::schema::login_attempts::table
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(left, 2);
}

/// On PostgreSQL the server runs as a role that does not own the tables (set up by
/// scripts/pg-app-role.sql): it opens the migrated database, writes and audits as usual,
/// and can neither drop the audit log's trigger nor delete from the log.
#[test]
fn on_postgres_the_application_role_cannot_touch_the_audit_logs_guard() {
    use diesel::connection::SimpleConnection;
    let Some(db) = TestDb::postgres() else {
        eprintln!("LIANGXIN_TEST_PG_URL not set: the two-role test is skipped");
        return;
    };
    let (base, schema) = db.pg_schema.clone().unwrap();
    drop(db.open()); // migrated by the owner
    let app = format!("{schema}_app");
    let mut admin = PgConnection::establish(&base).unwrap();
    diesel::sql_query(format!("DROP ROLE IF EXISTS {app}"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!("CREATE ROLE {app} LOGIN"))
        .execute(&mut admin)
        .unwrap();
    let grants = include_str!("../../../scripts/pg-app-role.sql")
        .replace(":\"schema\"", &schema)
        .replace(":\"app\"", &app);
    admin.batch_execute(&grants).unwrap();

    // The same database, as the application's role.
    let url = match &db.target {
        Target::Postgres(url) => url.replacen("postgres@", &format!("{app}@"), 1),
        Target::Sqlite(_) => unreachable!(),
    };
    assert_ne!(
        url,
        match &db.target {
            Target::Postgres(u) => u.clone(),
            Target::Sqlite(_) => unreachable!(),
        },
        "the test URL names the postgres user"
    );
    let mut store = Store::open(&Target::Postgres(url), &KeySource::Hex(KEY.into())).unwrap();
    let c = build_small_city(&mut store);
    let m = member(c.joint, "应用", 651, MemberStatus::Full, None);
    store.insert_member("a", &all(), TODAY, m).unwrap();
    assert_eq!(store.verify_audit_log(None).unwrap().fault, None);
    for sql in [
        "DROP TRIGGER audit_log_no_change ON audit_log".to_owned(),
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change".to_owned(),
        "DELETE FROM audit_log".to_owned(),
        "TRUNCATE audit_log".to_owned(),
        "UPDATE audit_log SET actor = 'x'".to_owned(),
    ] {
        let refused = diesel::sql_query(&sql).execute(store.conn()).unwrap_err();
        assert!(
            refused.to_string().contains("must be owner")
                || refused.to_string().contains("permission denied"),
            "{sql}: {refused}"
        );
    }
    drop(store);
    // Before the schema goes, the role's grants go with it.
    drop(db);
    diesel::sql_query(format!("DROP ROLE IF EXISTS {app}"))
        .execute(&mut admin)
        .unwrap();
}

/// A resident ID's ciphertext opens on its own row only; a rotation seals every ID with the
/// new key (and its lookup hash), and the old key, kept in the ring, still verifies the log
/// rows it chained. The database names its key: the old one alone is refused after.
fn a_key_rotation_reseals_every_id_and_keeps_the_log_verifiable(db: &TestDb) {
    rotation_in(db, Suite::Standard);
}

/// 国密: a database made with SM4-GCM and HMAC-SM3 keeps them through every opening (the
/// key check names the suite) and a rotation, and its log verifies.
fn the_guomi_suite_is_kept_by_the_database_through_a_rotation(db: &TestDb) {
    rotation_in(db, Suite::Guomi);
}

fn rotation_in(db: &TestDb, suite: Suite) {
    use liangxin_store::schema::member_profiles::dsl as mp;
    let mut store = Store::open_with(&db.target, &KeySource::Hex(KEY.into()), suite).unwrap();
    assert_eq!(store.cipher().suite(), suite);
    let c = build_small_city(&mut store);
    let a = member(c.joint, "甲", 661, MemberStatus::Full, None);
    let b = member(c.joint, "乙", 662, MemberStatus::Full, None);
    let ka = store.insert_member("a", &all(), TODAY, a.clone()).unwrap();
    let kb = store.insert_member("a", &all(), TODAY, b.clone()).unwrap();
    let sealed_of = |store: &mut Store, k: Key| -> Vec<u8> {
        mp::member_profiles
            .filter(mp::county_code.eq(k.county).and(mp::member_id.eq(k.id)))
            .select(mp::resident_id_cipher)
            .first(store.conn())
            .unwrap()
    };
    let before = sealed_of(&mut store, ka);

    let new = [0x5a; 32];
    let profiles: i64 = mp::member_profiles
        .count()
        .get_result(store.conn())
        .unwrap();
    let n = store.rotate_key("cli", &new).unwrap();
    assert_eq!(n as i64, profiles);
    assert_ne!(sealed_of(&mut store, ka), before);
    assert_eq!(
        store.reveal_resident_id("t", &all(), ka).unwrap(),
        a.resident_id
    );
    assert_eq!(
        store
            .find_member_by_resident_id(&all(), &b.resident_id)
            .unwrap(),
        Some(kb),
        "found by the new key's hash"
    );
    assert_eq!(store.verify_audit_log(None).unwrap().fault, None);
    let ring = store.key_ring();
    assert_eq!(ring[0], new);
    drop(store);

    // Opened again with the ring (new first, as the key file holds it): the log verifies.
    let hex_ring = ring.iter().map(hex::encode).collect::<Vec<_>>().join(",");
    let mut store = Store::open(&db.target, &KeySource::Hex(hex_ring)).unwrap();
    assert_eq!(
        store.cipher().suite(),
        suite,
        "the database's suite, not the default"
    );
    assert_eq!(store.verify_audit_log(None).unwrap().fault, None);
    // The old key alone no longer opens the database; the new one alone cannot verify the
    // rows the old one chained.
    let old = Store::open(&db.target, &KeySource::Hex(KEY.into())).unwrap_err();
    assert!(matches!(old, StoreError::Key(_)), "{old}");
    let mut alone = Store::open(&db.target, &KeySource::Hex(hex::encode(new))).unwrap();
    assert!(alone.verify_audit_log(None).unwrap().fault.is_some());
    drop(alone);

    // One member's ciphertext copied onto another's row does not open there.
    let stolen = sealed_of(&mut store, ka);
    diesel::update(
        mp::member_profiles.filter(mp::county_code.eq(kb.county).and(mp::member_id.eq(kb.id))),
    )
    .set(mp::resident_id_cipher.eq(stolen))
    .execute(store.conn())
    .unwrap();
    assert!(store.reveal_resident_id("t", &all(), kb).is_err());
}

/// A county that goes live imports a branch and a member admitted in 2010: the platform
/// holds no record of the years before, so nothing is claimed of them until the months
/// since the records start add up; the level above may move the start, audited.
fn an_imported_branch_is_counted_from_its_records_start_not_from_admission(db: &TestDb) {
    use liangxin_domain::audit::{AuditFinding, AuditKind, Severity};
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let strings = |cells: &[&str]| cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let name = "中共龙游某新材料公司支部委员会";
    let plan = store
        .plan_party_org_import(
            &county,
            TODAY,
            &strings(&["党组织名称", "上级党组织", "组织类别"]),
            vec![(2, strings(&[name, "中共龙游县两新工委", "党支部"]))],
            &|_| {},
        )
        .unwrap();
    store
        .commit_party_org_import(&source(&county, "党组织.csv", "a"), &plan)
        .unwrap();
    let (branch, _, _) = party_org_facts(&mut store, name)[0].clone();
    let member = store
        .insert_member(
            "test",
            &county,
            TODAY,
            member(branch, "李四", 31, MemberStatus::Full, None),
        )
        .unwrap();
    for year in [2026, 2027] {
        let input = DuesInput {
            category: DuesCategory::Salaried,
            base: Some(Fen::new(600_000)),
            farmer_amount: None,
            reduction: None,
        };
        store
            .set_dues_standard("t", &county, TODAY, member, year, input)
            .unwrap();
    }
    let of_branch = |store: &mut Store, day: NaiveDate| -> Vec<AuditFinding> {
        store
            .compute_audit(&county, day)
            .unwrap()
            .into_iter()
            // What the archive lacks is what it lacks, from the first day: not a run.
            .filter(|f| f.responsible == branch && f.kind != AuditKind::ArchiveIncomplete)
            .collect()
    };
    // The day it goes live, and two months on: sixteen years of membership and eleven
    // months of this year's dues are not the platform's to claim.
    assert_eq!(of_branch(&mut store, TODAY), Vec::new());
    let found = of_branch(&mut store, d(2027, 1, 29));
    assert!(
        found.iter().all(|f| f.kind == AuditKind::LifeMissed),
        "{found:?}"
    );
    // Counted from November 2026, the runs reach six months in May 2027.
    let found = of_branch(&mut store, d(2027, 6, 15));
    let life = found
        .iter()
        .find(|f| f.kind == AuditKind::NoOrganizationalLife)
        .unwrap();
    assert_eq!(life.severity, Severity::Flag);
    assert!(
        life.detail.starts_with("台账自2026年11月起"),
        "{}",
        life.detail
    );
    let dues = found
        .iter()
        .find(|f| f.kind == AuditKind::DuesUnpaid)
        .unwrap();
    assert_eq!(dues.detail, "自2026年11月起连续7个月未交纳党费");

    // The branch's own secretary cannot move its start; the county can, not into a month
    // to come; the move is in the audit log and the runs follow it.
    let own = scope_of(&mut store, branch);
    let err = store
        .set_records_start("sec", &own, branch, d(2026, 1, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("本级不能修改"), "{err}");
    let err = store
        .set_records_start("county", &county, branch, d(2026, 12, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("台账起始月") && err.contains("不能晚于本月"),
        "{err}"
    );
    let kecheng = scope_of(&mut store, c.kecheng);
    let err = store
        .set_records_start("kc", &kecheng, branch, d(2026, 1, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("不在您的管理范围内"), "{err}");
    store
        .set_records_start("county", &county, branch, d(2026, 1, 20), TODAY)
        .unwrap();
    let found = of_branch(&mut store, TODAY);
    let dues = found
        .iter()
        .find(|f| f.kind == AuditKind::DuesUnpaid)
        .unwrap();
    assert_eq!(dues.detail, "自2026年1月起连续10个月未交纳党费");
    assert!(
        found
            .iter()
            .any(|f| f.kind == AuditKind::NoOrganizationalLife && f.severity == Severity::Flag)
    );
    let logged: i64 = {
        use liangxin_store::schema::audit_log as al;
        al::table
            .filter(al::action.eq("set_records_start"))
            .filter(al::entity_id.eq(branch.id))
            .count()
            .get_result(store.conn())
            .unwrap()
    };
    assert_eq!(logged, 1);
}

/// 党章 第九条 says "without good reason": a member excused for illness at every meeting
/// since spring is 长期请假 for the branch to follow up, not 自行脱党; one whose reason is
/// of no accepted kind, or who stayed away, is flagged as before.
fn a_member_on_recorded_leave_is_followed_up_not_flagged(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, Severity};
    use liangxin_domain::kinds::{Attendance, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let ill = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "病假甲", 41, MemberStatus::Full, None),
        )
        .unwrap();
    let idle = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "有事乙", 42, MemberStatus::Full, None),
        )
        .unwrap();
    let away = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "缺席丙", 43, MemberStatus::Full, None),
        )
        .unwrap();
    let came = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "出席丁", 44, MemberStatus::Full, None),
        )
        .unwrap();
    // Present in January, then a theme day each month with the same marks.
    for month in 1..=11 {
        let held_on = d(2026, month, 3);
        let mark = |m: Key, a: Attendance, r: Option<&str>| AttendanceRecord {
            member: m,
            attendance: if month == 1 { Attendance::Present } else { a },
            reason: if month == 1 { None } else { r.map(Into::into) },
        };
        let mut attendance = vec![
            mark(ill, Attendance::Excused, Some("病假（住院治疗）")),
            mark(idle, Attendance::Excused, Some("有事")),
            mark(away, Attendance::Absent, None),
            mark(came, Attendance::Present, None),
        ];
        attendance.sort_by_key(|a| a.member);
        store
            .record_meeting(
                "t",
                &county,
                TODAY,
                MeetingRecord {
                    party_org: c.joint,
                    kind: MeetingKind::ThemeDay,
                    held_on,
                    place: "会议室".into(),
                    host: "书记".into(),
                    recorder: "委员".into(),
                    topic: "主题党日".into(),
                    agenda: String::new(),
                    minutes: String::new(),
                    decisions: String::new(),
                    attendance,
                },
            )
            .unwrap();
    }
    let found = store.compute_audit(&county, TODAY).unwrap();
    let of = |m: Key| {
        found
            .iter()
            .filter(|f| f.subject == liangxin_domain::audit::AuditSubject::Member { key: m })
            .filter(|f| {
                matches!(
                    f.kind,
                    AuditKind::NoOrganizationalLife | AuditKind::LongLeave
                )
            })
            .map(|f| (f.kind, f.severity))
            .collect::<Vec<_>>()
    };
    assert_eq!(of(ill), vec![(AuditKind::LongLeave, Severity::Warning)]);
    let leave = found
        .iter()
        .find(|f| f.kind == AuditKind::LongLeave)
        .unwrap();
    assert!(
        leave.detail.contains("病假（住院治疗）"),
        "{}",
        leave.detail
    );
    assert_eq!(leave.rule.key, keys::AUDIT_LONG_LEAVE_MONTHS);
    assert_eq!(
        of(idle),
        vec![(AuditKind::NoOrganizationalLife, Severity::Flag)]
    );
    assert_eq!(
        of(away),
        vec![(AuditKind::NoOrganizationalLife, Severity::Flag)]
    );
    assert_eq!(of(came), Vec::new());
    // The hand-written baseline agrees: two members without organizational life.
    let rules =
        liangxin_domain::audit::AuditRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let raw = store.audit_raw_sql(&county, TODAY, &rules).unwrap();
    let in_city = found
        .iter()
        .filter(|f| f.kind == AuditKind::NoOrganizationalLife)
        .count();
    assert_eq!(raw.no_life as usize, in_city);
}

/// A 支委会 expects the committee in post that day, with its quorum over them; a 支部党员
/// 大会 the whole branch, its 党小组 included; a 党小组会 the group.
fn a_committee_meeting_expects_the_committee_and_an_assembly_the_whole_branch(db: &TestDb) {
    use liangxin_domain::kinds::{Attendance, MeetingKind, Post};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let group = store
        .insert_party_org(
            "t",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(c.joint),
                name: "第一党小组".into(),
                org_type: PartyOrgType::Group,
                formation_mode: None,
                zone: None,
                has_committee: false,
                term_started: None,
            },
            &[],
            d(2024, 1, 1),
        )
        .unwrap();
    let mut in_branch = Vec::new();
    for (i, name) in ["书记甲", "委员乙", "党员丙", "党员丁"].iter().enumerate() {
        let m = member(c.joint, name, 51 + i as u16, MemberStatus::Full, None);
        in_branch.push(store.insert_member("t", &county, TODAY, m).unwrap());
    }
    // The branch does not set its own 党小组's records start (its members are the branch's).
    let own = scope_of(&mut store, c.joint);
    let err = store
        .set_records_start("sec", &own, group, d(2026, 11, 1), TODAY)
        .unwrap_err()
        .to_string();
    assert!(err.contains("本级不能修改"), "{err}");
    let grouped = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(group, "组员戊", 60, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Secretary,
            in_branch[0],
            d(2026, 1, 1),
            TODAY,
        )
        .unwrap();
    store
        .appoint(
            "t",
            &county,
            c.joint,
            Post::Organization,
            in_branch[1],
            d(2026, 9, 1),
            TODAY,
        )
        .unwrap();
    let names = |store: &mut Store, org, kind, on| {
        let mut v: Vec<String> = store
            .expected_attendees(&county, org, kind, on)
            .unwrap()
            .into_iter()
            .map(|e| e.name)
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&mut store, c.joint, MeetingKind::Committee, TODAY),
        vec!["书记甲", "委员乙"]
    );
    // In August the 组织委员 was not yet in post.
    assert_eq!(
        names(&mut store, c.joint, MeetingKind::Committee, d(2026, 8, 20)),
        vec!["书记甲"]
    );
    assert_eq!(
        names(&mut store, c.joint, MeetingKind::BranchAssembly, TODAY),
        vec!["书记甲", "党员丁", "党员丙", "委员乙", "组员戊"]
    );
    assert_eq!(
        names(&mut store, group, MeetingKind::GroupMeeting, TODAY),
        vec!["组员戊"]
    );
    let record = |kind, attendance: Vec<(Key, Attendance)>| {
        let mut attendance: Vec<AttendanceRecord> = attendance
            .into_iter()
            .map(|(member, attendance)| AttendanceRecord {
                member,
                attendance,
                reason: (attendance == Attendance::Excused).then(|| "出差".into()),
            })
            .collect();
        attendance.sort_by_key(|a| a.member);
        MeetingRecord {
            party_org: c.joint,
            kind,
            held_on: d(2026, 11, 20),
            place: "会议室".into(),
            host: "书记甲".into(),
            recorder: "委员乙".into(),
            topic: "研究本月工作".into(),
            agenda: String::new(),
            minutes: String::new(),
            decisions: String::new(),
            attendance,
        }
    };
    // The whole branch marked for a 支委会 is refused; the committee is the list.
    let everyone: Vec<(Key, Attendance)> = in_branch
        .iter()
        .chain([&grouped])
        .map(|m| (*m, Attendance::Present))
        .collect();
    let err = store
        .record_meeting(
            "t",
            &county,
            TODAY,
            record(MeetingKind::Committee, everyone.clone()),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("出席情况") || err.contains("不是"), "{err}");
    // One of two present is not more than half of the committee.
    let half = vec![
        (in_branch[0], Attendance::Present),
        (in_branch[1], Attendance::Excused),
    ];
    let key = store
        .record_meeting("t", &county, TODAY, record(MeetingKind::Committee, half))
        .unwrap();
    let view = store.meeting(&county, key).unwrap().unwrap();
    assert_eq!(view.summary.quorate, Some(false));
    assert_eq!(view.attendance.len(), 2);
    // The assembly: the group's member is marked with the branch.
    let key = store
        .record_meeting(
            "t",
            &county,
            TODAY,
            record(MeetingKind::BranchAssembly, everyone),
        )
        .unwrap();
    let view = store.meeting(&county, key).unwrap().unwrap();
    assert_eq!(
        (view.summary.quorate, view.attendance.len()),
        (Some(true), 5)
    );
}

/// As of a day: the audit of day D uses only what is dated on or before D. Attendance at a
/// meeting held after it, dues paid after it and a member admitted after it change
/// nothing in D's report, and do change today's.
fn a_report_for_a_day_is_unchanged_by_what_is_dated_after_it(db: &TestDb) {
    use liangxin_domain::audit::{AuditFinding, AuditKind, AuditSubject};
    use liangxin_domain::kinds::{Attendance, DuesCategory, LetterKind, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    use liangxin_store::transfer::{Destination, TransferRequest};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let quiet = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "沉寂甲", 71, MemberStatus::Full, None),
        )
        .unwrap();
    let input = DuesInput {
        category: DuesCategory::Salaried,
        base: Some(Fen::new(600_000)),
        farmer_amount: None,
        reduction: None,
    };
    store
        .set_dues_standard("t", &county, TODAY, quiet, 2026, input)
        .unwrap();
    // A letter out of the city issued in August, overdue on D, its 回执 recorded after D.
    let leaving = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "转出丙", 73, MemberStatus::Full, None),
        )
        .unwrap();
    let letter = store
        .issue_transfer(
            "t",
            &county,
            TODAY,
            &TransferRequest {
                member: leaving,
                letter_kind: LetterKind::Introduction,
                to: Destination::Outside("杭州市某公司党支部".into()),
                reason: "工作调动".into(),
                issued_on: d(2026, 8, 20),
                valid_days: None,
            },
        )
        .unwrap();
    // Away since August without a 活动证, back after D.
    let away = store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(c.joint, "流动丁", 74, MemberStatus::Full, None),
        )
        .unwrap();
    let outflow = store
        .register_outflow(
            "t",
            &county,
            TODAY,
            &liangxin_store::floating::Outflow {
                member: away,
                host: None,
                destination: "杭州市".into(),
                certificate_no: None,
                certificate_valid_until: None,
                out_on: d(2026, 8, 1),
                note: "外出务工".into(),
            },
        )
        .unwrap();
    let day = d(2026, 9, 30);
    let report = |store: &mut Store, on| -> Vec<(String, String, String)> {
        let mut v: Vec<(String, String, String)> = store
            .compute_audit(&county, on)
            .unwrap()
            .iter()
            .map(|f: &AuditFinding| {
                (
                    f.dedupe_key.clone(),
                    f.severity.code().to_owned(),
                    f.detail.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = report(&mut store, day);
    // Coverage on D, as the engine judges it from the records of that day.
    let region = Scope {
        region: Some(LYX),
        ..county.clone()
    };
    let coverage_in = |store: &mut Store, scope: &Scope, on: NaiveDate| {
        let rules = CoverageRules::resolve(&store.rule_set().unwrap(), on).unwrap();
        let facts = store.coverage_facts_on(scope, TODAY, on).unwrap();
        let r = coverage::report(
            &facts.organizations,
            &facts.party_orgs,
            &rules,
            GroupBy::County,
        );
        (r.total, r.units, r.findings)
    };
    let coverage_on = |store: &mut Store, on: NaiveDate| coverage_in(store, &county, on);
    let coverage_before = coverage_on(&mut store, day);
    let county_before = coverage_in(&mut store, &region, day);
    assert!(
        before
            .iter()
            .any(|f| f.0.ends_with(":no_organizational_life"))
    );
    assert!(before.iter().any(|f| f.0.ends_with(":dues_unpaid")));
    let overdue = format!("transfer:{letter}:transfer_overdue");
    assert!(before.iter().any(|f| f.0 == overdue), "{before:?}");
    assert!(
        before.iter().any(|f| f.0.ends_with(":certificate_invalid")),
        "{before:?}"
    );

    // After D: the member attends in October, pays May to September today, and a new
    // member is admitted in October.
    let held_on = d(2026, 10, 15);
    let mut attendance: Vec<AttendanceRecord> = store
        .expected_attendees(&county, c.joint, MeetingKind::ThemeDay, held_on)
        .unwrap()
        .into_iter()
        .map(|e| AttendanceRecord {
            member: e.member,
            attendance: Attendance::Present,
            reason: None,
        })
        .collect();
    attendance.sort_by_key(|a| a.member);
    store
        .record_meeting(
            "t",
            &county,
            TODAY,
            MeetingRecord {
                party_org: c.joint,
                kind: MeetingKind::ThemeDay,
                held_on,
                place: "会议室".into(),
                host: "书记".into(),
                recorder: "委员".into(),
                topic: "主题党日".into(),
                agenda: String::new(),
                minutes: String::new(),
                decisions: String::new(),
                attendance,
            },
        )
        .unwrap();
    for month in 5..=9 {
        store
            .mark_dues(
                "t",
                &county,
                TODAY,
                c.joint,
                Period::month(2026, month).unwrap(),
                &[(quiet, Fen::new(9000))],
            )
            .unwrap();
    }
    store
        .receive_transfer("t", &county, TODAY, letter, d(2026, 10, 8))
        .unwrap();
    // The member's 入党申请书 reaches the archive after D.
    store
        .record_archive_item(
            "t",
            &county,
            TODAY,
            quiet,
            liangxin_domain::kinds::ArchiveItem::Application,
            d(2026, 10, 12),
        )
        .unwrap();
    store
        .end_outflow("t", &county, TODAY, outflow, d(2026, 10, 9))
        .unwrap();
    // The instructed unit gets the joint branch and a member working there; a unit founded
    // after D joins the joint branch.
    let mut late = member(
        c.joint,
        "新党员乙",
        72,
        MemberStatus::Probationary,
        Some(c.orgs[2]),
    );
    late.joined_on = d(2026, 10, 20);
    store.insert_member("t", &county, TODAY, late).unwrap();
    store
        .add_coverage(CoverageLink {
            organization: c.orgs[2],
            party_org: c.joint,
            since: d(2026, 10, 10),
        })
        .unwrap();
    let founded = store
        .insert_organization(
            "t",
            &all(),
            Organization {
                key: Key { county: LYX, id: 0 },
                name: "龙游丁新材料有限公司".into(),
                credit_code: None,
                credit_code_check_failed: false,
                kind: OrgKind::Enterprise,
                sectors: SectorSet::EMPTY,
                town: None,
                zone: None,
                employees: Some(12),
                registered_on: Some(d(2026, 10, 5)),
            },
        )
        .unwrap();
    store
        .add_coverage(CoverageLink {
            organization: founded,
            party_org: c.joint,
            since: d(2026, 10, 6),
        })
        .unwrap();
    // Today the joint branch lets the second unit go: on D it still covered it.
    let joint = store.party_org(&county, c.joint).unwrap().unwrap();
    store
        .update_party_org(
            "t",
            &county,
            TODAY,
            c.joint,
            liangxin_store::registry::PartyOrgChange {
                name: joint.name.clone(),
                org_type: joint.org_type,
                formation_mode: joint.formation_mode,
                has_committee: joint.has_committee,
                term_started: joint.term_started,
                covers: vec![c.orgs[0], c.orgs[2], founded],
            },
        )
        .unwrap();

    assert_eq!(report(&mut store, day), before, "D's report is D's");
    assert_eq!(
        coverage_on(&mut store, day),
        coverage_before,
        "D's coverage is D's"
    );
    let coverage_now = coverage_on(&mut store, TODAY);
    assert!(coverage_now.1.contains_key(&founded));
    assert!(!coverage_before.1.contains_key(&founded));
    // The committee's scope on D holds only the units its subtree covered then, the one let
    // go since included.
    assert!(!coverage_before.1.contains_key(&c.orgs[2]));
    assert!(coverage_before.1.contains_key(&c.orgs[1]));
    assert!(!coverage_now.1.contains_key(&c.orgs[1]));
    // The county's region on D: the instructed unit was work-covered, the new one unknown.
    let county_after = coverage_in(&mut store, &region, day);
    assert_eq!(county_after, county_before);
    assert_eq!(county_after.1[&c.orgs[2]].state, CoverageState::Work);
    assert!(!county_after.1.contains_key(&founded));
    assert_eq!(
        coverage_now.1[&c.orgs[2]].state,
        CoverageState::Organization
    );
    let now = store.compute_audit(&county, TODAY).unwrap();
    let of_quiet = |k| {
        now.iter()
            .any(|f| f.kind == k && f.subject == AuditSubject::Member { key: quiet })
    };
    assert!(!of_quiet(AuditKind::NoOrganizationalLife));
    assert!(!of_quiet(AuditKind::DuesUnpaid));
    assert!(
        !now.iter()
            .any(|f| f.subject == AuditSubject::Transfer { id: letter })
    );
}

/// The engine's run of unpaid months stops at a month with nothing due: across New Year the
/// baseline needs each year's standard, and a standard reduced to nothing is nothing due.
fn the_unpaid_baseline_follows_the_run_across_new_year(db: &TestDb) {
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let city = scope_of(&mut store, c.city);
    let mut admit = |name: &str, seq: u16| {
        store
            .insert_member(
                "t",
                &longyou,
                TODAY,
                member(c.joint, name, seq, MemberStatus::Full, None),
            )
            .unwrap()
    };
    let (both, only_new, reduced) = (
        admit("两年", 131),
        admit("只有新年", 132),
        admit("减免", 133),
    );
    let salaried = |reduction: Option<(Fen, String)>| DuesInput {
        category: DuesCategory::Salaried,
        base: Some(Fen::new(800_000)),
        farmer_amount: None,
        reduction,
    };
    let mut standard = |m: Key, year: i32, input: DuesInput| {
        store
            .set_dues_standard("t", &longyou, TODAY, m, year, input)
            .unwrap();
    };
    standard(both, 2026, salaried(None));
    standard(both, 2027, salaried(None));
    standard(only_new, 2027, salaried(None));
    standard(
        reduced,
        2026,
        salaried(Some((Fen::ZERO, "支部决定、县委组织部批准".into()))),
    );
    standard(reduced, 2027, salaried(None));
    // Nothing paid: the window is 2026-11 to 2027-01.
    let day = d(2027, 2, 15);
    let found = store.compute_audit(&city, day).unwrap();
    let unpaid: std::collections::BTreeSet<Key> = found
        .iter()
        .filter(|f| f.kind == liangxin_domain::audit::AuditKind::DuesUnpaid)
        .filter_map(|f| match f.subject {
            liangxin_domain::audit::AuditSubject::Member { key } => Some(key),
            _ => None,
        })
        .collect();
    assert!(unpaid.contains(&both), "{unpaid:?}");
    assert!(!unpaid.contains(&only_new), "2026 had nothing due");
    assert!(!unpaid.contains(&reduced), "2026 was reduced to nothing");
    let rules =
        liangxin_domain::audit::AuditRules::resolve(&store.rule_set().unwrap(), day).unwrap();
    let raw = store.audit_raw_sql(&city, day, &rules).unwrap();
    assert_eq!(raw.unpaid as usize, unpaid.len());
    // The county's baseline reads member by member, and agrees as well.
    let in_county = store
        .compute_audit(&longyou, day)
        .unwrap()
        .iter()
        .filter(|f| f.kind == liangxin_domain::audit::AuditKind::DuesUnpaid)
        .count();
    let raw = store.audit_raw_sql(&longyou, day, &rules).unwrap();
    assert_eq!(raw.unpaid as usize, in_county);
}

/// A report for day D, the audit's and the coverage's, for a branch's scope and a county's,
/// is unchanged by any sequence of records dated after D: generated meetings with mixed
/// attendance and reasons, dues paid for months up to D, members admitted at units, coverage
/// links, instructors and units founded. Several seeds, each its own sequence.
fn a_day_is_unchanged_by_generated_later_records(db: &TestDb) {
    use liangxin_domain::kinds::{Attendance, DuesCategory, MeetingKind};
    use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    /// xorshift64*: a reproducible sequence from a seed, no dependency.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n
        }
    }
    let day = d(2026, 9, 30);
    // One city; each seed adds its own members and history up to D, then its own sequence.
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let branch = scope_of(&mut store, c.longyou);
    let county = Scope {
        region: Some(LYX),
        ..branch.clone()
    };
    let mut paid: std::collections::HashSet<(Key, u32)> = Default::default();
    let mut linked: std::collections::HashSet<Key> = Default::default();
    for (round, seed) in [7_u64, 2017, 80_808].into_iter().enumerate() {
        let mut rng = Rng(seed);
        let round = u16::try_from(round).unwrap();
        let mut members = Vec::new();
        for seq in (0..5u16).map(|i| i + 10 * round) {
            let m = store
                .insert_member(
                    "t",
                    &branch,
                    TODAY,
                    member(
                        c.joint,
                        &format!("党员{seq}"),
                        140 + seq,
                        MemberStatus::Full,
                        None,
                    ),
                )
                .unwrap();
            let input = DuesInput {
                category: DuesCategory::Salaried,
                base: Some(Fen::new(600_000)),
                farmer_amount: None,
                reduction: None,
            };
            store
                .set_dues_standard("t", &branch, TODAY, m, 2026, input)
                .unwrap();
            members.push(m);
        }
        let reasons = ["因病住院", "出差", "家里有事", "不想来"];
        let meeting = |store: &mut Store, rng: &mut Rng, held_on: NaiveDate| {
            let mut attendance: Vec<AttendanceRecord> = store
                .expected_attendees(&branch, c.joint, MeetingKind::ThemeDay, held_on)
                .unwrap()
                .into_iter()
                .map(|e| {
                    let (attendance, reason) = match rng.below(3) {
                        0 => (Attendance::Present, None),
                        1 => (Attendance::Absent, None),
                        _ => (
                            Attendance::Excused,
                            Some(reasons[rng.below(4) as usize].to_owned()),
                        ),
                    };
                    AttendanceRecord {
                        member: e.member,
                        attendance,
                        reason,
                    }
                })
                .collect();
            attendance.sort_by_key(|a| a.member);
            store
                .record_meeting(
                    "t",
                    &branch,
                    TODAY,
                    MeetingRecord {
                        party_org: c.joint,
                        kind: MeetingKind::ThemeDay,
                        held_on,
                        place: "会议室".into(),
                        host: "书记".into(),
                        recorder: "委员".into(),
                        topic: "主题党日".into(),
                        agenda: String::new(),
                        minutes: String::new(),
                        decisions: String::new(),
                        attendance,
                    },
                )
                .unwrap();
        };
        // Some history up to D.
        for month in [3, 6, 9] {
            let on = d(2026, month, 10 + rng.below(15) as u32);
            meeting(&mut store, &mut rng, on);
        }
        let audit_on = |store: &mut Store, scope: &Scope| {
            let mut v: Vec<(String, String, String)> = store
                .compute_audit(scope, day)
                .unwrap()
                .into_iter()
                .map(|f| (f.dedupe_key, f.severity.code().to_owned(), f.detail))
                .collect();
            v.sort();
            v
        };
        let coverage_on = |store: &mut Store, scope: &Scope| {
            let rules = CoverageRules::resolve(&store.rule_set().unwrap(), day).unwrap();
            let facts = store.coverage_facts_on(scope, TODAY, day).unwrap();
            let r = coverage::report(
                &facts.organizations,
                &facts.party_orgs,
                &rules,
                GroupBy::County,
            );
            (r.total, r.units, r.findings)
        };
        let before = (
            audit_on(&mut store, &branch),
            audit_on(&mut store, &county),
            coverage_on(&mut store, &branch),
            coverage_on(&mut store, &county),
        );
        let later = |rng: &mut Rng| day + chrono::Days::new(1 + rng.below(57));
        for step in (0..12u16).map(|i| i + 20 * round) {
            let what = rng.below(6);
            match what {
                0 => {
                    let on = later(&mut rng);
                    meeting(&mut store, &mut rng, on);
                }
                1 => {
                    // Dues for a month up to D, paid today.
                    let m = members[rng.below(5) as usize];
                    let month = 1 + rng.below(9) as u32;
                    if paid.insert((m, month)) {
                        store
                            .mark_dues(
                                "t",
                                &branch,
                                TODAY,
                                c.joint,
                                Period::month(2026, month).unwrap(),
                                &[(m, Fen::new(9000))],
                            )
                            .unwrap();
                    }
                }
                2 => {
                    let mut m = member(
                        c.joint,
                        &format!("新党员{step}"),
                        200 + step,
                        MemberStatus::Probationary,
                        Some(c.orgs[rng.below(3) as usize]),
                    );
                    m.joined_on = later(&mut rng);
                    store.insert_member("t", &branch, TODAY, m).unwrap();
                }
                3 => {
                    let unit = c.orgs[2];
                    if linked.insert(unit) {
                        store
                            .add_coverage(CoverageLink {
                                organization: unit,
                                party_org: c.joint,
                                since: later(&mut rng),
                            })
                            .unwrap();
                    }
                }
                4 => {
                    let ins = store
                        .insert_instructor(Instructor {
                            key: Key { county: LYX, id: 0 },
                            name: format!("指导员{step}"),
                            phone: None,
                        })
                        .unwrap();
                    store
                        .assign_instructor(
                            "t",
                            &all(),
                            InstructorAssignment {
                                organization: c.orgs[rng.below(2) as usize],
                                instructor: ins,
                                since: later(&mut rng),
                                until: None,
                            },
                        )
                        .unwrap();
                }
                _ => {
                    let founded = store
                        .insert_organization(
                            "t",
                            &all(),
                            Organization {
                                key: Key { county: LYX, id: 0 },
                                name: format!("龙游新办{step}有限公司"),
                                credit_code: None,
                                credit_code_check_failed: false,
                                kind: OrgKind::Enterprise,
                                sectors: SectorSet::EMPTY,
                                town: None,
                                zone: None,
                                employees: Some(9),
                                registered_on: Some(later(&mut rng)),
                            },
                        )
                        .unwrap();
                    store
                        .add_coverage(CoverageLink {
                            organization: founded,
                            party_org: c.joint,
                            since: later(&mut rng).max(d(2026, 11, 27)),
                        })
                        .unwrap();
                }
            }
            let now = (
                audit_on(&mut store, &branch),
                audit_on(&mut store, &county),
                coverage_on(&mut store, &branch),
                coverage_on(&mut store, &county),
            );
            assert_eq!(
                now, before,
                "seed {seed}, step {step} ({what}) changed day D"
            );
        }
    }
}

/// A branch's members include its 党小组's: a branch whose members all sit in a group owes
/// its meetings and is judged on them.
fn a_branch_whose_members_are_all_in_its_groups_still_owes_its_meetings(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = scope_of(&mut store, c.longyou);
    let from = d(2026, 1, 1);
    let assessed = |store: &mut Store| -> Vec<Key> {
        store
            .life_facts(&county, from, TODAY)
            .unwrap()
            .into_iter()
            .map(|f| f.key)
            .collect()
    };
    assert!(!assessed(&mut store).contains(&c.joint), "no member yet");
    let group = store
        .insert_party_org(
            "t",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(c.joint),
                name: "第一党小组".into(),
                org_type: PartyOrgType::Group,
                formation_mode: None,
                zone: None,
                has_committee: false,
                term_started: None,
            },
            &[],
            d(2024, 1, 1),
        )
        .unwrap();
    store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(group, "组员甲", 81, MemberStatus::Full, None),
        )
        .unwrap();
    let now = assessed(&mut store);
    assert!(now.contains(&c.joint), "{now:?}");
    assert!(now.contains(&group));
    let findings = store.compute_audit(&county, TODAY).unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f.responsible == c.joint
                && f.kind == liangxin_domain::audit::AuditKind::LifeMissed),
        "the branch's missed meetings are found"
    );
}

/// The audit reads each member's kept latest records (last month paid for and the one
/// before it); a member who paid this month is judged by the months up to last month, and
/// a day before the payments is judged without them.
fn a_member_who_paid_this_month_still_owes_the_months_before(db: &TestDb) {
    use liangxin_domain::audit::{AuditKind, AuditRules, AuditSubject};
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesInput;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let city = scope_of(&mut store, c.city);
    let mut admit = |name: &str, seq: u16| {
        store
            .insert_member(
                "t",
                &longyou,
                TODAY,
                member(c.joint, name, seq, MemberStatus::Full, None),
            )
            .unwrap()
    };
    let (paid_up, skipped, only_now) = (
        admit("按月", 141),
        admit("跳交", 142),
        admit("只交本月", 143),
    );
    for m in [paid_up, skipped, only_now] {
        store
            .set_dues_standard(
                "t",
                &longyou,
                TODAY,
                m,
                2026,
                DuesInput {
                    category: DuesCategory::Salaried,
                    base: Some(Fen::new(800_000)),
                    farmer_amount: None,
                    reduction: None,
                },
            )
            .unwrap();
    }
    // January to October for one, January to April for another; this month (November)
    // for all three.
    for month in 1..=11 {
        let payers: Vec<(Key, Fen)> = [
            (paid_up, month <= 10),
            (skipped, month <= 4),
            (only_now, false),
        ]
        .into_iter()
        .filter(|&(_, paid)| paid || month == 11)
        .map(|(m, _)| (m, Fen::new(4_000)))
        .collect();
        store
            .mark_dues(
                "t",
                &longyou,
                TODAY,
                c.joint,
                Period::month(2026, month).unwrap(),
                &payers,
            )
            .unwrap();
    }
    let unpaid_on = |store: &mut Store, day: NaiveDate| {
        let found = store.compute_audit(&city, day).unwrap();
        let unpaid: std::collections::BTreeSet<Key> = found
            .iter()
            .filter(|f| f.kind == AuditKind::DuesUnpaid)
            .filter_map(|f| match f.subject {
                AuditSubject::Member { key } => Some(key),
                _ => None,
            })
            .filter(|k| [paid_up, skipped, only_now].contains(k))
            .collect();
        let rules = AuditRules::resolve(&store.rule_set().unwrap(), day).unwrap();
        let all_unpaid = found
            .iter()
            .filter(|f| f.kind == AuditKind::DuesUnpaid)
            .count();
        let raw = store.audit_raw_sql(&city, day, &rules).unwrap();
        assert_eq!(raw.unpaid as usize, all_unpaid, "engine and SQL on {day}");
        // A county's baseline reads member by member: the same count for its subtree.
        let in_county = store
            .compute_audit(&longyou, day)
            .unwrap()
            .iter()
            .filter(|f| f.kind == AuditKind::DuesUnpaid)
            .count();
        let raw = store.audit_raw_sql(&longyou, day, &rules).unwrap();
        assert_eq!(
            raw.unpaid as usize, in_county,
            "county engine and SQL on {day}"
        );
        unpaid
    };
    // Today: May to October unpaid for one, January to October for another.
    assert_eq!(
        unpaid_on(&mut store, TODAY),
        [skipped, only_now].into_iter().collect()
    );
    // The day before every payment was entered: nothing paid yet, for any of them.
    assert_eq!(
        unpaid_on(&mut store, TODAY.pred_opt().unwrap()),
        [paid_up, skipped, only_now].into_iter().collect()
    );
}
