#![allow(clippy::unwrap_used)]
//! The store contract: every test runs on a fresh SQLite file, and on PostgreSQL in a
//! schema of its own when `LIANGXIN_TEST_PG_URL` is set (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`). One test binary with a module per area;
//! the databases, the small city and the helpers are here.

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

mod appraisal;
mod assessment;
mod bulletin;
mod centers;
mod charges;
mod checkup;
mod citus;
mod duty;
mod exemplars;
mod funds;
mod imports;
mod investors;
mod life_and_dues;
mod movement;
mod personal_data;
mod plans;
mod projects;
mod registry;
mod reports;
mod reviews;
mod spot_check;
mod stars;
mod statistics;
mod town;
mod vanguard;
mod weak;
mod workforce;

use {
    appraisal::*, assessment::*, bulletin::*, centers::*, charges::*, checkup::*, duty::*,
    exemplars::*, funds::*, imports::*, investors::*, life_and_dues::*, movement::*,
    personal_data::*, plans::*, projects::*, registry::*, reports::*, reviews::*, spot_check::*,
    stars::*, statistics::*, town::*, vanguard::*, weak::*, workforce::*,
};

/// The version of a party organization's record now (what its edit form would show).
fn po_version(store: &mut Store, key: Key) -> i64 {
    store.party_org(&all(), key).unwrap().unwrap().version
}

/// The version of a member's record now (what their edit form would show).
fn member_version(store: &mut Store, key: Key) -> i64 {
    store.member(&all(), key).unwrap().unwrap().version
}

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
    a_citys_pages_in_a_province_are_its_units_in_the_lists_order,
    every_scope_counts_a_party_organizations_units_alike,
    a_nights_scheduled_run_is_claimed_by_one_server,
    a_year_is_assessed_from_the_records_and_the_scores_entered_and_decided_apart,
    a_secretary_takes_on_a_project_and_its_milestones_and_result_are_kept,
    investors_are_registered_by_scope_and_their_contacts_counted_from_the_events,
    a_bulletin_says_the_records_figures_for_its_period_and_scope,
    secretaries_train_by_the_courses_recorded_and_the_audit_names_who_falls_short,
    a_towns_team_is_answered_by_its_registered_workers,
    the_statistical_tables_count_the_records_and_name_them,
    a_members_background_is_imported_corrected_and_audited,
    an_unqualified_member_is_given_time_then_corrected_or_persuaded_out,
    a_members_index_counts_only_recorded_facts_each_linked_to_its_record,
    a_scopes_band_counts_equal_each_members_own_index,
    a_member_examines_themselves_and_the_branch_reviews_it_once,
    the_evaluation_tables_count_rounds_cases_and_rectifications_as_of_a_day,
    a_member_writes_their_self_assessment_until_the_grades_are_recorded,
    stars_are_assessed_scored_reviewed_and_confirmed_each_by_its_level,
    a_ledger_keeps_receipts_and_spending_reverses_errors_and_sums_the_subtree,
    a_towns_five_tasks_come_from_the_records_and_from_what_its_committee_enters,
    a_committee_gives_tasks_and_overdue_ones_reach_both_todo_lists,
    a_round_is_published_drawn_as_anyone_redraws_it_inspected_and_closed,
    an_exemplar_is_recorded_with_evidence_published_by_a_committee_and_seen_upward,
    a_committee_assigns_cadres_to_organizations_below_it_and_ends_it,
    a_secretary_reports_the_committee_above_grades_it_and_rectifications_carry_over,
    a_center_runs_by_the_meetings_its_bookings_hold_never_by_a_typed_state,
    a_weak_branch_is_found_by_the_rules_rectified_and_accepted_by_the_level_above,
    a_branch_runs_a_secret_round_closes_it_and_anyone_recounts_it,
    a_dump_links_no_ballot_to_a_voter_nor_to_the_order_cast,
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
        background: Default::default(),
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
    let grants = include_str!("../../../../scripts/pg-app-role.sql")
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
