//! The query plans of the hot scoped reads, checked on PostgreSQL: every statement a county's
//! clerk or a branch secretary runs for their lists, their to-do list, coverage, dues and
//! the audit is captured as the store sends it, and its generic plan (the one kept for any
//! values of its parameters) must reach each large table through an index condition, never
//! by reading the table through. With sequential scans and merge and hash joins discouraged,
//! the planner still shows a sequential scan, or a full index walk, only where no index
//! serves the statement: so the check depends on the indexes, not on how many rows a test
//! holds. On a
//! province, such a statement is what makes a county's page cost grow with the province.
//!
//! The same plans are checked for Citus (the third rule of `citus.rs`): two distributed
//! tables are joined on their `county_code`s (or both pinned to one county), or along a key
//! listed there as crossing counties; any other join would be made across nodes.

use std::collections::{BTreeMap, HashMap, HashSet};
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

/// The generic plan of `sql` (its root node).
fn generic_plan(conn: &mut PgConnection, sql: &str) -> serde_json::Value {
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
    json[0]["Plan"].clone()
}

/// A column as a plan's conditions name it: (alias, column).
type Col = (String, String);

/// The aliases of a plan's relations, and every equality between two columns in its
/// conditions (an unqualified column is the node's own relation's).
fn equalities(
    node: &serde_json::Value,
    aliases: &mut HashMap<String, String>,
    out: &mut Vec<(Col, Col)>,
) {
    let own = node["Alias"].as_str().unwrap_or_default().to_owned();
    if let Some(rel) = node["Relation Name"].as_str() {
        aliases.insert(own.clone(), rel.to_owned());
    }
    for key in [
        "Index Cond",
        "Recheck Cond",
        "Filter",
        "Join Filter",
        "Hash Cond",
        "Merge Cond",
    ] {
        let Some(cond) = node[key].as_str() else {
            continue;
        };
        let flat = cond.replace(['(', ')'], " ");
        for term in flat.split(" AND ").flat_map(|t| t.split(" OR ")) {
            let Some((l, r)) = term.split_once(" = ") else {
                continue;
            };
            // A county pinned to a parameter: two relations pinned to the same one are in
            // the same county (the planner writes `a.county_code = $1` for both when the
            // statement joined them on it and fixed one).
            if r.trim().starts_with('$') {
                let (alias, column) = l
                    .trim()
                    .split_once('.')
                    .map_or((own.as_str(), l.trim()), |(a, c)| (a, c));
                out.push((
                    (
                        alias.trim_matches('"').to_owned(),
                        column.trim_matches('"').to_owned(),
                    ),
                    ("$".to_owned(), r.trim().to_owned()),
                ));
                continue;
            }
            let col = |side: &str| -> Option<Col> {
                let side = side.trim();
                if side.contains([' ', ':', '$', '\'']) || side.is_empty() {
                    return None;
                }
                Some(match side.split_once('.') {
                    Some((a, c)) => (
                        a.trim_matches('"').to_owned(),
                        c.trim_matches('"').to_owned(),
                    ),
                    None => (own.clone(), side.trim_matches('"').to_owned()),
                })
            };
            if let (Some(a), Some(b)) = (col(l), col(r))
                && a.0 != b.0
            {
                out.push((a, b));
            }
        }
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        equalities(child, aliases, out);
    }
}

/// The joins of two distributed tables in `plan` that do not pair their `county_code`s
/// (Citus would join them across nodes), except along a key listed as crossing counties
/// (`cross`: its table and county column).
fn joins_without_the_key(
    plan: &serde_json::Value,
    cross: &HashSet<(String, String)>,
) -> Vec<String> {
    let (mut aliases, mut eqs) = (HashMap::new(), Vec::new());
    equalities(plan, &mut aliases, &mut eqs);
    let table = |a: &str| {
        aliases
            .get(a)
            .filter(|t| citus::DISTRIBUTED.contains(&t.as_str()))
    };
    let pinned: Vec<(String, String)> = eqs
        .iter()
        .filter(|(a, b)| b.0 == "$" && a.1 == "county_code")
        .map(|(a, b)| (a.0.clone(), b.1.clone()))
        .collect();
    let same_county = |x: &str, y: &str| {
        pinned
            .iter()
            .any(|(a, p)| a == x && pinned.iter().any(|(b, q)| b == y && p == q))
    };
    let mut pairs: BTreeMap<(String, String), Vec<(Col, Col)>> = BTreeMap::new();
    for (a, b) in eqs.iter().filter(|(_, b)| b.0 != "$").cloned() {
        if table(&a.0).is_some() && table(&b.0).is_some() {
            let key = if a.0 < b.0 {
                (a.0.clone(), b.0.clone())
            } else {
                (b.0.clone(), a.0.clone())
            };
            pairs.entry(key).or_default().push((a, b));
        }
    }
    let mut out = Vec::new();
    for ((x, y), eqs) in pairs {
        let keyed = eqs
            .iter()
            .any(|(a, b)| a.1 == "county_code" && b.1 == "county_code")
            || same_county(&x, &y);
        let listed = eqs.iter().any(|(a, b)| {
            [(a, b), (b, a)].into_iter().any(|(from, to)| {
                to.1 == "county_code"
                    && table(&from.0).is_some_and(|t| cross.contains(&(t.clone(), from.1.clone())))
            })
        });
        if !keyed && !listed {
            out.push(format!(
                "{} ({x}) with {} ({y}) on {eqs:?}",
                table(&x).unwrap(),
                table(&y).unwrap()
            ));
        }
    }
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
    // Citus: the county columns of the keys listed as crossing counties.
    #[derive(QueryableByName)]
    struct CrossKey {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
    }
    let names: Vec<&str> = citus::CROSS_COUNTY.iter().map(|c| c.1).collect();
    let cross: HashSet<(String, String)> = diesel::sql_query(format!(
        "SELECT c.conrelid::regclass::text AS table_name, a.attname::text AS column_name \
         FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] \
         WHERE c.conname IN ({})",
        names.iter().map(|n| format!("'{n}'")).collect::<Vec<_>>().join(", ")
    ))
    .load::<CrossKey>(&mut conn)
    .unwrap()
    .into_iter()
    .map(|k| (k.table_name, k.column_name))
    .collect();
    assert!(
        cross.contains(&(
            "party_org_coverage".to_owned(),
            "party_org_county".to_owned()
        )),
        "{cross:?}"
    );
    let (mut failures, mut unkeyed) = (Vec::new(), Vec::new());
    for sql in &statements {
        let plan = generic_plan(&mut conn, sql);
        let mut walked = Vec::new();
        walks(&plan, &mut walked);
        if !walked.is_empty() {
            failures.push(format!("{walked:?} in {sql}"));
        }
        for join in joins_without_the_key(&plan, &cross) {
            unkeyed.push(format!("{join}\n  in {sql}"));
        }
    }
    assert!(
        unkeyed.is_empty(),
        "{} joins of distributed tables without county_code (Citus would join them across nodes):\n{}",
        unkeyed.len(),
        unkeyed.join("\n\n")
    );
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

/// A party organization's units covered are a fact of it, whoever looks: a county, a zone,
/// a branch and the province see the same count for every party organization they share,
/// though each reads only the links it needs.
pub(super) fn every_scope_counts_a_party_organizations_units_alike(db: &TestDb) {
    let mut store = db.open();
    let today = d(2026, 11, 27);
    load_province(&mut store, 2_500, today);
    let anchors = store.demo_anchors(LYX, "龙游红木小镇").unwrap().unwrap();
    let (root, path, _) = store.root_party_orgs().unwrap().remove(0);
    let whole = Scope {
        region: Some(root.county),
        ..Scope::subtree(path)
    };
    let counts = |store: &mut Store, scope: &Scope| -> HashMap<Key, u32> {
        store
            .coverage_facts(scope, today)
            .unwrap()
            .party_orgs
            .into_iter()
            .map(|p| (p.key, p.units_covered))
            .collect()
    };
    let (zone_committee, zone, _) = anchors.zone.unwrap();
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, anchors.county.0)
    };
    // A joint branch of the zone's committee covering two of the county's units outside
    // the zone: the zone sees the branch, not the units.
    let outside: Vec<Key> = store
        .coverage_facts(&county, today)
        .unwrap()
        .organizations
        .into_iter()
        .filter(|o| o.zone != Some(zone) && o.covering.is_none())
        .map(|o| o.key)
        .take(2)
        .collect();
    assert_eq!(outside.len(), 2);
    let joint = store
        .insert_party_org(
            "test",
            &county,
            PartyOrg {
                key: Key { county: LYX, id: 0 },
                parent: Some(zone_committee),
                name: "红木小镇第九联合党支部".into(),
                org_type: PartyOrgType::JointBranch,
                formation_mode: None,
                zone: Some(zone),
                has_committee: false,
                term_started: Some(d(2026, 1, 5)),
            },
            &outside,
            d(2026, 1, 5),
        )
        .unwrap();
    let all = counts(&mut store, &whole);
    assert_eq!(all.get(&joint), Some(&2));
    let scopes = [
        county.clone(),
        Scope {
            zone: Some(zone),
            ..scope_of(&mut store, zone_committee)
        },
        scope_of(&mut store, anchors.branch.unwrap().0),
    ];
    for scope in &scopes {
        let seen = counts(&mut store, scope);
        assert!(!seen.is_empty(), "{scope:?}");
        for (key, n) in seen {
            assert_eq!(Some(&n), all.get(&key), "{key:?} seen from {scope:?}");
        }
    }
}
