//! Ready for Citus, checked on the PostgreSQL schema the migrations build: every table is
//! placed (distributed by `county_code`, a reference table copied to every node, or local to
//! the coordinator); a distributed table's primary key, unique constraints and unique indexes
//! hold the distribution column; a foreign key between distributed tables pairs
//! `county_code` with `county_code` (co-located); no reference or local table points into a
//! distributed one; a trigger outside the coordinator is named. The exceptions are listed
//! below with their reasons, and a Citus deployment drops or re-keys them
//! (docs/多机部署.md). A new table, key or trigger that breaks this fails here, and so does a
//! listed exception that no longer exists or is no longer needed.

use std::collections::{BTreeMap, BTreeSet};

use diesel::sql_types::{Nullable, Text};

use super::*;

/// Distributed by `county_code`: the records of one county live together.
pub(super) const DISTRIBUTED: &[&str] = &[
    "appraisal_ballots",
    "appraisal_credentials",
    "appraisal_roll",
    "appraisal_rounds",
    "area_charges",
    "assessment_finals",
    "assessment_scores",
    "audit_findings",
    "center_bookings",
    "checkup_areas",
    "checkups",
    "correction_cases",
    "coverage_ended",
    "dues_payments",
    "dues_standards",
    "duty_tasks",
    "exemplars",
    "fund_budgets",
    "fund_lines",
    "import_updates",
    "instructor_assignments",
    "instructors",
    "investor_event_attendance",
    "investor_events",
    "led_projects",
    "meeting_attendance",
    "meetings",
    "member_activity",
    "member_archive_items",
    "member_profiles",
    "member_records",
    "members",
    "organizations",
    "party_org_coverage",
    "party_org_posts",
    "party_orgs",
    "party_workers",
    "project_milestones",
    "project_notes",
    "rectification_cases",
    "rectification_notes",
    "review_meetings",
    "review_rectifications",
    "secretary_report_files",
    "secretary_reports",
    "service_centers",
    "spot_check_findings",
    "spot_check_items",
    "spot_check_rounds",
    "star_assessments",
    "star_items",
    "training_attendance",
    "training_courses",
    "unit_investors",
];

/// Small, read in joins everywhere, or spanning counties by nature (a transfer joins two):
/// copied to every node.
const REFERENCE: &[&str] = &[
    "account_recovery_codes",
    "account_totp",
    "api_tokens",
    "assessment_criteria",
    "audit_runs",
    "floating_members",
    "id_alloc",
    "import_assignments",
    "import_upload_problems",
    "import_uploads",
    "imports",
    "liangxin_meta",
    "regions",
    "rule_parameters",
    "secretary_handovers",
    "sessions",
    "transfer_events",
    "transfers",
    "users",
    "zone_items",
    "zones",
];

/// On the coordinator only: the audit log is one hash chain written in order; sign-in
/// attempts, the scheduled jobs' claims, the users' write positions (written after every
/// form, a reference table would commit them on every node) and the migrations' own table
/// are the coordinator's business.
const LOCAL: &[&str] = &[
    "__diesel_schema_migrations",
    "audit_log",
    "job_claims",
    "login_attempts",
    "write_positions",
];

/// Keys that cross counties (or point from a reference table into the records), each with why
/// it exists; a Citus deployment drops them before distributing (the database then no longer
/// enforces them: the limit docs/多机部署.md names) or, where every row has the same county in
/// both columns, re-keys them on `county_code`.
pub(super) const CROSS_COUNTY: &[(&str, &str, &str)] = &[
    (
        "appraisal_roll",
        "appraisal_roll_member_county_member_id_fkey",
        "same county in every row the store writes (a member's records are kept in the member's county): re-keyed on county_code before distributing",
    ),
    (
        "checkups",
        "checkups_member_county_member_id_fkey",
        "same county in every row the store writes (a member's records are kept in the member's county): re-keyed on county_code before distributing",
    ),
    (
        "correction_cases",
        "correction_cases_member_county_member_id_fkey",
        "same county in every row the store writes (a member's records are kept in the member's county): re-keyed on county_code before distributing",
    ),
    (
        "exemplars",
        "exemplars_member_county_member_id_fkey",
        "an exemplar recorded by a committee may name a member of a county below it",
    ),
    (
        "meeting_attendance",
        "meeting_attendance_member_county_member_id_fkey",
        "same county in every row the store writes (a member's records are kept in the member's county): re-keyed on county_code before distributing",
    ),
    (
        "member_records",
        "member_records_member_county_member_id_fkey",
        "same county in every row the store writes (a member's records are kept in the member's county): re-keyed on county_code before distributing",
    ),
    (
        "area_charges",
        "area_charges_party_org_county_party_org_id_fkey",
        "the city's cadres are charged with organizations of its counties",
    ),
    (
        "center_bookings",
        "center_bookings_party_org_county_party_org_id_fkey",
        "a branch books a service center of another county's town",
    ),
    (
        "coverage_ended",
        "coverage_ended_party_org_county_party_org_id_fkey",
        "a unit may have been covered by a party organization of another county or of the city",
    ),
    (
        "party_org_coverage",
        "party_org_coverage_party_org_county_party_org_id_fkey",
        "a unit may be covered by a party organization of another county or of the city (联合党支部)",
    ),
    (
        "party_orgs",
        "party_orgs_parent_county_parent_id_fkey",
        "a county's 两新工委 stands under the city's",
    ),
    (
        "duty_tasks",
        "duty_tasks_owner_county_owner_id_fkey",
        "the city gives tasks to its counties' committees",
    ),
    (
        "instructor_assignments",
        "instructor_assignments_instructor_county_instructor_id_fkey",
        "a city's instructor is assigned units in its counties",
    ),
    (
        "rectification_cases",
        "rectification_cases_instructor_county_instructor_id_fkey",
        "a city's instructor guides a county's rectification",
    ),
    (
        "investor_event_attendance",
        "investor_event_attendance_investor_county_investor_id_fkey",
        "a city's course reaches the investors of every county",
    ),
    (
        "members",
        "members_workplace_county_workplace_org_id_fkey",
        "a member may work in a unit of another county",
    ),
    (
        "secretary_reports",
        "secretary_reports_meeting_county_meeting_id_fkey",
        "a county's secretaries report at the city committee's review meeting",
    ),
    (
        "training_attendance",
        "training_attendance_person_county_member_id_fkey",
        "a city's course trains members of every county",
    ),
    (
        "training_attendance",
        "training_attendance_person_county_worker_id_fkey",
        "a city's course trains party-affairs workers of every county",
    ),
    (
        "floating_members",
        "floating_members_member_county_member_id_fkey",
        "a floating member's record spans two places: a reference table pointing into the records",
    ),
    (
        "floating_members",
        "floating_members_host_county_host_party_org_id_fkey",
        "the host organization is in another place: a reference table pointing into the records",
    ),
    (
        "transfers",
        "transfers_member_county_member_id_fkey",
        "a transfer joins two counties: a reference table pointing into the records",
    ),
    (
        "transfers",
        "transfers_member_county_from_party_org_id_fkey",
        "a transfer joins two counties: a reference table pointing into the records",
    ),
    (
        "transfers",
        "transfers_to_county_to_party_org_id_fkey",
        "a transfer joins two counties: a reference table pointing into the records",
    ),
    (
        "users",
        "users_member_county_member_id_fkey",
        "an account is anchored to its member: a reference table pointing into the records",
    ),
    (
        "users",
        "users_instructor_county_instructor_id_fkey",
        "an account is anchored to its instructor: a reference table pointing into the records",
    ),
    (
        "users",
        "users_party_org_county_party_org_id_fkey",
        "an account is anchored to its party organization: a reference table pointing into the records",
    ),
    (
        "checkups",
        "checkups_member_county_member_id_year_key",
        "one checkup a member a year, keyed by the member's county (the same as county_code in every row): re-keyed on county_code before distributing",
    ),
    (
        "party_orgs",
        "party_orgs_path",
        "a path is unique over the whole tree: re-keyed as (county_code, path), the same since ids are unique across counties",
    ),
    (
        "audit_findings",
        "audit_findings_open",
        "one open finding per key: re-keyed as (county_code, dedupe_key) for the open ones, a key naming its own county's records",
    ),
];

/// Triggers on distributed or reference tables, each with why: Citus distributes them only
/// with `citus.enable_unsafe_triggers` on.
const TRIGGERS: &[(&str, &str, &str)] = &[
    (
        "dues_payments",
        "dues_payments_no_update",
        "the dues ledger is append-only: an update is refused by the database",
    ),
    (
        "organizations",
        "organizations_row_version",
        "the record's version rises on every change, on the shard that holds the row",
    ),
    (
        "party_orgs",
        "party_orgs_row_version",
        "the record's version rises on every change, on the shard that holds the row",
    ),
    (
        "members",
        "members_row_version",
        "the record's version rises on every change, on the shard that holds the row",
    ),
];

#[derive(QueryableByName, Debug)]
struct Trigger {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName, Debug)]
struct Constraint {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    columns: String,
    #[diesel(sql_type = Nullable<Text>)]
    ref_table: Option<String>,
    /// `child=parent` pairs of a foreign key.
    #[diesel(sql_type = Nullable<Text>)]
    pairs: Option<String>,
}

#[derive(QueryableByName, Debug)]
struct Column {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
}

#[test]
fn the_postgresql_schema_is_ready_for_citus() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("LIANGXIN_TEST_PG_URL not set: the Citus check skipped");
        return;
    };
    drop(db.open()); // migrated
    let Target::Postgres(url) = &db.target else {
        unreachable!()
    };
    let mut conn = PgConnection::establish(url).unwrap();
    let columns: Vec<Column> = diesel::sql_query(
        "SELECT c.relname AS table_name, a.attname AS column_name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')",
    )
    .load(&mut conn)
    .unwrap();
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in columns {
        tables
            .entry(c.table_name)
            .or_default()
            .insert(c.column_name);
    }
    let constraints: Vec<Constraint> = diesel::sql_query(
        "SELECT c.conrelid::regclass::text AS table_name, c.conname::text AS name,
                c.contype::text AS kind,
                (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                   FROM unnest(c.conkey) WITH ORDINALITY AS k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num) AS columns,
                CASE WHEN c.contype = 'f' THEN c.confrelid::regclass::text END AS ref_table,
                (SELECT string_agg(a.attname || '=' || b.attname, ',' ORDER BY k.ord)
                   FROM unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(ck, fk, ord)
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.ck
                   JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = k.fk) AS pairs
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE n.nspname = current_schema() AND c.contype IN ('p', 'u', 'f')
         UNION ALL
         -- Unique indexes made without a constraint hold Citus to the same rule.
         SELECT t.relname::text, x.relname::text, 'u',
                (SELECT string_agg(a.attname, ',' ORDER BY k.ord)
                   FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num),
                NULL, NULL
         FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
         JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema() AND i.indisunique
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
         ORDER BY 1, 2",
    )
    .load(&mut conn)
    .unwrap();

    let place = |t: &str| {
        if DISTRIBUTED.contains(&t) {
            "distributed"
        } else if REFERENCE.contains(&t) {
            "reference"
        } else if LOCAL.contains(&t) {
            "local"
        } else {
            "unplaced"
        }
    };
    let mut problems: Vec<String> = Vec::new();
    for (t, cols) in &tables {
        match place(t) {
            "unplaced" => problems.push(format!(
                "{t}: not placed (distributed by county_code, reference or local)"
            )),
            "distributed" if !cols.contains("county_code") => {
                problems.push(format!("{t}: distributed without a county_code column"))
            }
            _ => {}
        }
    }
    for named in DISTRIBUTED.iter().chain(REFERENCE).chain(LOCAL) {
        if !tables.contains_key(*named) {
            problems.push(format!("{named}: placed here but no longer in the schema"));
        }
    }
    let mut crossing_seen = BTreeSet::new();
    for c in &constraints {
        let t = c.table_name.as_str();
        let listed = CROSS_COUNTY
            .iter()
            .any(|(table, name, _)| *table == t && *name == c.name);
        match (c.kind.as_str(), place(t)) {
            ("p" | "u", "distributed") => {
                let keyed = c.columns.split(',').any(|x| x == "county_code");
                if listed {
                    crossing_seen.insert((t.to_owned(), c.name.clone()));
                    if keyed {
                        problems.push(format!(
                            "{t}.{}: listed but holds county_code: take it off the list",
                            c.name
                        ));
                    }
                } else if !keyed {
                    problems.push(format!(
                        "{t}.{}: key ({}) without county_code",
                        c.name, c.columns
                    ));
                }
            }
            ("f", from) => {
                let to = c.ref_table.as_deref().unwrap_or_default();
                let colocated = c
                    .pairs
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .any(|p| p == "county_code=county_code");
                let ok = match (from, place(to)) {
                    ("distributed", "distributed") => colocated,
                    (_, "reference") => true,
                    ("local", "local") => true,
                    _ => false,
                };
                if listed {
                    crossing_seen.insert((t.to_owned(), c.name.clone()));
                    if ok {
                        problems.push(format!(
                            "{t}.{}: listed as crossing counties but co-located: take it off the list",
                            c.name
                        ));
                    }
                } else if !ok && place(to) == "unplaced" {
                    problems.push(format!(
                        "{t}.{}: points to {to}, which is not placed",
                        c.name
                    ));
                } else if !ok {
                    problems.push(format!(
                        "{t}.{} ({from}) → {to} ({}): ({}) does not pair county_code with county_code",
                        c.name,
                        place(to),
                        c.pairs.as_deref().unwrap_or_default()
                    ));
                }
            }
            _ => {}
        }
    }
    for (t, name, _) in CROSS_COUNTY {
        if !crossing_seen.contains(&((*t).to_owned(), (*name).to_owned())) {
            problems.push(format!(
                "{t}.{name}: listed as crossing counties but no such key"
            ));
        }
    }
    let triggers: Vec<Trigger> = diesel::sql_query(
        "SELECT c.relname::text AS table_name, g.tgname::text AS name
         FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND NOT g.tgisinternal",
    )
    .load(&mut conn)
    .unwrap();
    for g in &triggers {
        let listed = TRIGGERS
            .iter()
            .any(|(t, name, _)| *t == g.table_name && *name == g.name);
        if place(&g.table_name) != "local" && !listed {
            problems.push(format!(
                "{}.{}: a trigger on a {} table, not listed",
                g.table_name,
                g.name,
                place(&g.table_name)
            ));
        }
    }
    for (t, name, _) in TRIGGERS {
        if !triggers
            .iter()
            .any(|g| g.table_name == *t && g.name == *name)
        {
            problems.push(format!(
                "{t}.{name}: listed as a trigger but no such trigger"
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "not ready for Citus:\n{}",
        problems.join("\n")
    );
}
