//! The query plans of the hot scoped reads, checked on PostgreSQL: every statement a county's
//! clerk or a branch secretary runs for their lists, their to-do list, coverage, dues and
//! the audit is captured as the store sends it, and its generic plan (the one kept for any
//! values of its parameters) must reach each large table through an index condition, never
//! by reading the table through. With sequential scans and merge and hash joins discouraged,
//! the planner still shows a sequential scan, or a full index walk, only where no index
//! serves the statement: so the check depends on the indexes, not on how many rows a test
//! holds. On a
//! province, such a statement is what makes a county's page cost grow with the province.

use std::sync::{Arc, Mutex};

use diesel::connection::{Connection, InstrumentationEvent};
use diesel::sql_types::Text;
use liangxin_store::DbConnection;
use liangxin_store::organizations::OrgPage;
use liangxin_store::people::MemberFilter;
use liangxin_store::registry::{Bulk, LoadMode};

use super::*;

/// The tables that grow with the province: a scoped read must not walk any of them.
const LARGE: &[&str] = &[
    "audit_findings",
    "dues_payments",
    "dues_standards",
    "instructor_assignments",
    "meeting_attendance",
    "meetings",
    "member_activity",
    "member_archive_items",
    "member_profiles",
    "members",
    "organizations",
    "party_org_coverage",
    "party_orgs",
];

#[derive(QueryableByName)]
struct Plan {
    #[diesel(sql_type = Text, column_name = "QUERY PLAN")]
    plan: String,
}

/// The scan nodes of a plan that read a large table without an index condition:
/// (relation, node type).
fn walks(node: &serde_json::Value, out: &mut Vec<(String, String)>) {
    let kind = node["Node Type"].as_str().unwrap_or_default();
    if let Some(rel) = node["Relation Name"].as_str()
        && LARGE.contains(&rel)
    {
        let indexed = match kind {
            "Index Scan" | "Index Only Scan" => node.get("Index Cond").is_some(),
            // Its Bitmap Index Scan children say which index and condition.
            "Bitmap Heap Scan" => node.get("Recheck Cond").is_some(),
            _ => false,
        };
        if !indexed {
            out.push((rel.to_owned(), kind.to_owned()));
        }
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        walks(child, out);
    }
}

/// The statements `read` runs on `store`, as sent (`$1`… for the values).
fn captured(store: &mut Store, read: impl FnOnce(&mut Store)) -> Vec<String> {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let sink = Arc::clone(&seen);
    let DbConnection::Postgres(conn) = store.conn() else {
        unreachable!("PostgreSQL only")
    };
    conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text.split(" -- binds:").next().unwrap_or_default();
            sink.lock().unwrap().push(sql.to_owned());
        }
    });
    read(store);
    let DbConnection::Postgres(conn) = store.conn() else {
        unreachable!()
    };
    conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
    let mut all = seen.lock().unwrap().clone();
    all.retain(|s| s.trim_start().to_uppercase().starts_with("SELECT"));
    all.sort();
    all.dedup();
    all
}

/// The large tables `sql` walks in its generic plan.
fn walked(conn: &mut PgConnection, sql: &str) -> Vec<(String, String)> {
    let params = (1..=200).rev().find(|n| sql.contains(&format!("${n}")));
    diesel::sql_query(format!("PREPARE lx_plan AS {sql}"))
        .execute(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    let args = params.map_or(String::new(), |n| {
        format!("({})", vec!["NULL"; n].join(", "))
    });
    let plan: Plan = diesel::sql_query(format!("EXPLAIN (FORMAT JSON) EXECUTE lx_plan{args}"))
        .get_result(conn)
        .unwrap_or_else(|e| panic!("{e}: {sql}"));
    diesel::sql_query("DEALLOCATE lx_plan")
        .execute(conn)
        .unwrap();
    let json: serde_json::Value = serde_json::from_str(&plan.plan).unwrap();
    let mut out = Vec::new();
    walks(&json[0]["Plan"], &mut out);
    out
}

/// A small province (Zhejiang's eleven cities, `organizations` units) loaded city by city
/// as `liangxin demo --province` loads it.
fn load_province(store: &mut Store, organizations: usize, as_of: NaiveDate) {
    let province = liangxin_demo::province::province(330000, organizations).unwrap();
    for city in province.cities(7, as_of) {
        let bulk = Bulk {
            regions: &city.regions,
            zones: &city.zones,
            organizations: &city.organizations,
            party_orgs: &city.party_orgs,
            coverage: &city.coverage,
            instructors: &city.instructors,
            assignments: &city.assignments,
            members: &city.members,
            meetings: &city.meetings,
            dues_standards: &city.dues_standards,
            dues_payments: &city.dues_payments,
            records_start: city.records_start,
            archive_items: &city.archive_items,
            floating: &city.floating,
        };
        store
            .bulk_load("test", LoadMode::Append, bulk, &mut |_, _, _| {})
            .unwrap();
    }
}

#[test]
fn a_countys_and_a_secretarys_reads_reach_large_tables_by_index() {
    let Some(db) = TestDb::postgres() else {
        eprintln!("LIANGXIN_TEST_PG_URL not set: the query-plan check skipped");
        return;
    };
    let mut store = db.open();
    let today = d(2026, 11, 27);
    // A county is about a ninetieth of it, as in a real province.
    load_province(&mut store, 6_000, today);
    let anchors = store.demo_anchors(LYX, "龙游红木小镇").unwrap().unwrap();
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, anchors.county.0)
    };
    let branch = scope_of(&mut store, anchors.branch.unwrap().0);
    // The province's audit kept: findings are a large table too.
    let whole = Scope {
        region: Some(330000),
        ..Scope::subtree(store.root_party_orgs().unwrap().remove(0).1)
    };
    let kept = store.run_audit("test", &whole, today).unwrap();
    assert!(kept.opened > 0, "{kept:?}");
    let mut statements = Vec::new();
    for scope in [&county, &branch] {
        statements.extend(captured(&mut store, |s| {
            s.members_page(scope, &MemberFilter::default(), 0, 50)
                .unwrap();
            s.organizations_page(scope, today, &OrgPage::default())
                .unwrap();
            s.floating(scope, false).unwrap();
            s.transfers(scope, None).unwrap();
            s.todo(scope, today).unwrap();
            s.coverage_facts(scope, today).unwrap();
            s.dues_month(
                scope,
                liangxin_domain::period::Period::month(2026, 10).unwrap(),
            )
            .unwrap();
            s.compute_audit(scope, today).unwrap();
        }));
    }
    statements.sort();
    statements.dedup();
    assert!(statements.len() > 10, "{statements:?}");
    let Target::Postgres(url) = &db.target else {
        unreachable!()
    };
    let mut conn = PgConnection::establish(url).unwrap();
    diesel::sql_query("ANALYZE").execute(&mut conn).unwrap();
    // A test's few rows make walking a whole index in a merge or hash join look cheap;
    // a province's do not. With joins made nested loops, each inner side is reached by
    // its join key, and a walk is left only where no index serves a condition.
    for setting in ["enable_seqscan", "enable_mergejoin", "enable_hashjoin"] {
        diesel::sql_query(format!("SET {setting} = off"))
            .execute(&mut conn)
            .unwrap();
    }
    diesel::sql_query("SET plan_cache_mode = force_generic_plan")
        .execute(&mut conn)
        .unwrap();
    let mut failures = Vec::new();
    for sql in &statements {
        let walks = walked(&mut conn, sql);
        if !walks.is_empty() {
            failures.push(format!("{walks:?} in {sql}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scoped statements read a large table through:\n{}",
        failures.len(),
        statements.len(),
        failures.join("\n\n")
    );
}

/// In a province, a city's scope is a twentieth of the units stored: its page is found by
/// its county range and sorted (not by walking the name index), and holds exactly its
/// units in the list's order, page after page, in every order the list offers.
pub(super) fn a_citys_pages_in_a_province_are_its_units_in_the_lists_order(db: &TestDb) {
    use liangxin_store::organizations::{OrgFilter, OrgSort};
    let mut store = db.open();
    let today = d(2026, 11, 27);
    load_province(&mut store, 2_500, today);
    let (key, path, _) = store.county_top_party_org(330800).unwrap().unwrap();
    assert_eq!(key.county, 330800);
    let city = Scope {
        region: Some(330800),
        ..Scope::subtree(path)
    };
    for sort in [OrgSort::Name, OrgSort::County, OrgSort::Employees] {
        for descending in [false, true] {
            let all = store
                .organization_keys(&city, today, &OrgFilter::default(), sort, descending)
                .unwrap();
            assert!(all.len() > 80, "{}", all.len());
            assert!(all.iter().all(|k| k.county / 100 == 3308));
            let mut paged = Vec::new();
            for offset in [0, 40] {
                let page = OrgPage {
                    sort,
                    descending,
                    offset,
                    limit: 40,
                    ..OrgPage::default()
                };
                paged.extend(
                    store
                        .organizations_page(&city, today, &page)
                        .unwrap()
                        .into_iter()
                        .map(|r| r.key),
                );
            }
            assert_eq!(paged, all[..80], "{sort:?} descending {descending}");
        }
    }
}
