//! Facts for the coverage engine, gathered for one scope in a handful of aggregate
//! queries (the database counts; the engine decides).

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer};
use liangxin_domain::coverage::{Covering, OrganizationFacts, PartyOrgFacts};
use liangxin_domain::kinds::{MemberStatus, OrgKind, PartyOrgType, SectorSet};
use liangxin_domain::registry::Key;

use crate::connection::DbBackend;
use crate::error::{Result, StoreError};
use crate::schema::{
    instructor_assignments as ia, members as m, organizations as o, party_org_coverage as pc,
    party_orgs as po,
};
use crate::{Scope, Store};

/// county, id, path, name, type, has committee, term started
pub(crate) type PartyOrgFactRow = (i32, i64, String, String, String, bool, Option<NaiveDate>);

/// The organizations a scope sees, not dissolved: by region or zone for committee scopes,
/// those assigned to an instructor, else those covered by a party organization in the
/// subtree. The one place that says which organizations a scope contains.
pub(crate) fn scoped_organizations<'a>(
    scope: &Scope,
    today: NaiveDate,
) -> o::BoxedQuery<'a, DbBackend> {
    scoped(scope, today, Lookup::ByRegion)
}

/// How the database should find a scope's organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// Through the county range (every row of the scope is wanted).
    ByRegion,
    /// In the order of a sorted index, checking the county of each row (a page is wanted):
    /// `county_code + 0` keeps the planner of either database from choosing the county
    /// range and sorting all of it for one page. A single county is looked up by equality
    /// all the same: the name index would walk every county's units before its own (a
    /// county's units share its name's first character, 龙游 after nearly all others).
    InOrder,
}

pub(crate) fn scoped<'a>(
    scope: &Scope,
    today: NaiveDate,
    lookup: Lookup,
) -> o::BoxedQuery<'a, DbBackend> {
    scoped_alive(scope, today, lookup, None)
}

/// The same, with the organizations dissolved after `dissolved_after` too (a history
/// from that day wants them).
pub(crate) fn scoped_alive<'a>(
    scope: &Scope,
    today: NaiveDate,
    lookup: Lookup,
    dissolved_after: Option<NaiveDate>,
) -> o::BoxedQuery<'a, DbBackend> {
    let (low, high) = scope.path_range();
    let mut q = match dissolved_after {
        None => o::table.filter(o::dissolved_on.is_null()).into_boxed(),
        Some(from) => o::table
            .filter(o::dissolved_on.is_null().or(o::dissolved_on.gt(from)))
            .into_boxed(),
    };
    if scope.member.is_some() {
        // A member sees their own records, not the organizations of their branch.
        return q.filter(o::id.lt(0));
    }
    if let Some((lo, hi)) = scope.county_range() {
        q = match lookup {
            // One county: `(county_code, name, id)` gives its rows in the list's order.
            _ if lo == hi => q.filter(o::county_code.eq(lo)),
            Lookup::ByRegion => q.filter(o::county_code.between(lo, hi)),
            Lookup::InOrder => q.filter((o::county_code + 0).between(lo, hi)),
        };
    }
    if let Some(zone) = scope.zone {
        q = q.filter(o::zone_id.eq(zone));
    }
    // An instructor's units and a subtree's covered units are few: the database is handed
    // the set (a row value in `IN`, valid on SQLite 3.15 on and PostgreSQL) to look up by
    // primary key, instead of a condition to test on every organization of the platform.
    // DIALECT: the quoted ISO day and paths (computed, never user input) compare as text
    // on SQLite and as DATE and text on PostgreSQL.
    if let Some(ins) = scope.instructor {
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "(organizations.county_code, organizations.id) IN \
             (SELECT sia.county_code, sia.organization_id FROM instructor_assignments sia \
              WHERE sia.instructor_county = {} AND sia.instructor_id = {} \
                AND sia.since <= '{today}' AND (sia.until IS NULL OR sia.until >= '{today}'))",
            ins.county, ins.id
        )));
    } else if scope.region.is_none() && scope.zone.is_none() && scope.party_path != "/" {
        // (The administrative scope over the whole tree, "/", sees every organization.)
        let (low, high) = (low.replace('\'', "''"), high.replace('\'', "''"));
        q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
            "(organizations.county_code, organizations.id) IN \
             (SELECT spc.county_code, spc.organization_id FROM party_org_coverage spc \
              JOIN party_orgs spo ON spo.county_code = spc.party_org_county AND spo.id = spc.party_org_id \
              WHERE spo.path >= '{low}' AND spo.path < '{high}')"
        )));
    }
    q
}

/// Everything the coverage engine needs for a scope.
#[derive(Debug, Clone, Default)]
pub struct CoverageFacts {
    pub organizations: Vec<OrganizationFacts>,
    pub party_orgs: Vec<PartyOrgFacts>,
}

/// The party organizations' facts from their rows, the members directly in each and the
/// units each covers; `day`: a past day, on which a term started later is not yet known.
pub(crate) fn party_org_facts(
    rows: Vec<PartyOrgFactRow>,
    member_counts: &HashMap<Key, u32>,
    units: &HashMap<Key, u32>,
    day: Option<NaiveDate>,
) -> Result<Vec<PartyOrgFacts>> {
    // A party organization's members are those of its whole subtree: each direct count is
    // added to every ancestor on its path (ids are unique across counties).
    let mut subtree: HashMap<i64, u32> = HashMap::with_capacity(rows.len());
    for (county, id, path, ..) in &rows {
        let direct = member_counts
            .get(&Key {
                county: *county,
                id: *id,
            })
            .copied()
            .unwrap_or(0);
        if direct == 0 {
            continue;
        }
        for ancestor in path.split('/').filter_map(|seg| seg.parse::<i64>().ok()) {
            let e = subtree.entry(ancestor).or_default();
            *e = e.saturating_add(direct);
        }
    }
    let mut party_orgs = Vec::with_capacity(rows.len());
    for (county, id, _path, name, t, has_committee, term_started) in rows {
        let key = Key { county, id };
        party_orgs.push(PartyOrgFacts {
            key,
            name,
            org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
            members: subtree.get(&id).copied().unwrap_or(0),
            has_committee,
            units_covered: units.get(&key).copied().unwrap_or(0),
            term_started: term_started.filter(|t| day.is_none_or(|d| *t <= d)),
        });
    }
    Ok(party_orgs)
}

fn bad(field: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{field}：{e}"))
}

impl Store {
    /// Gathers organization and party-organization facts in `scope` as of `today`.
    pub fn coverage_facts(&mut self, scope: &Scope, today: NaiveDate) -> Result<CoverageFacts> {
        self.coverage_facts_of(scope, today, None)
    }

    /// The same, for only the organizations with these ids (ids are unique across
    /// counties) and without the party-organization facts: a list page's rows.
    pub fn organization_facts(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        ids: &[i64],
    ) -> Result<Vec<OrganizationFacts>> {
        Ok(self
            .coverage_facts_of(scope, today, Some(ids))?
            .organizations)
    }

    fn coverage_facts_of(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        only: Option<&[i64]>,
    ) -> Result<CoverageFacts> {
        let conn = self.conn();
        let (low, high) = scope.path_range();

        let mut q = scoped_organizations(scope, today).select((
            o::county_code,
            o::id,
            o::name,
            o::kind,
            o::sectors,
            o::zone_id,
        ));
        if let Some(ids) = only {
            q = q.filter(o::id.eq_any(ids));
        }
        let org_rows: Vec<(i32, i64, String, String, i64, Option<i64>)> = q.load(conn)?;

        // Members at each workplace, by status.
        let mut wq = m::table
            .filter(m::left_on.is_null())
            .filter(m::workplace_org_id.is_not_null())
            .group_by((m::workplace_county, m::workplace_org_id, m::status))
            .select((
                m::workplace_county,
                m::workplace_org_id,
                m::status,
                count_star(),
            ))
            .into_boxed();
        // A page of units is already scoped by its ids: no county range, so the id indexes serve.
        if let (None, Some((lo, hi))) = (only, scope.county_range()) {
            wq = wq.filter(m::workplace_county.between(lo, hi));
        }
        if let Some(ids) = only {
            wq = wq.filter(m::workplace_org_id.eq_any(ids));
        }
        let workplace: Vec<(Option<i32>, Option<i64>, String, i64)> = wq.load(conn)?;
        let mut at_work: HashMap<Key, (u32, u32)> = HashMap::new();
        for (county, id, status, n) in workplace {
            let (Some(county), Some(id)) = (county, id) else {
                continue;
            };
            let e = at_work.entry(Key { county, id }).or_default();
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            match MemberStatus::parse(&status).map_err(|e| bad("党员类别", e))? {
                MemberStatus::Full => e.0 += n,
                MemberStatus::Probationary => e.1 += n,
            }
        }

        // Which party organization covers each organization. A page of units is scoped by
        // its ids, and so is a scope without a region (a branch, a zone, an instructor):
        // its own units' links by the index on the unit, never every link of the province.
        let cover_query = || {
            pc::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(pc::party_org_county)
                        .and(po::id.eq(pc::party_org_id))),
                )
                .filter(po::dissolved_on.is_null())
                .select((
                    pc::county_code,
                    pc::organization_id,
                    po::county_code,
                    po::id,
                    po::org_type,
                ))
                .into_boxed()
        };
        let unit_ids: Option<Vec<i64>> = match (only, scope.county_range()) {
            (Some(ids), _) => Some(ids.to_vec()),
            (None, None) if scope.party_path != "/" => Some(org_rows.iter().map(|r| r.1).collect()),
            _ => None,
        };
        let mut cover_rows: Vec<(i32, i64, i32, i64, String)> = Vec::new();
        match unit_ids {
            Some(ids) => {
                // In slices: SQLite binds at most 32,766 values in one statement.
                for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
                    cover_rows.extend(
                        cover_query()
                            .filter(pc::organization_id.eq_any(slice))
                            .load::<(i32, i64, i32, i64, String)>(conn)?,
                    );
                }
            }
            None => {
                let mut cq = cover_query();
                if let Some((lo, hi)) = scope.county_range() {
                    cq = cq.filter(pc::county_code.between(lo, hi));
                }
                cover_rows = cq.load(conn)?;
            }
        }

        // Units covered per party organization (all of them: a unit count is a fact of the
        // party organization, wherever the units are), for the organizations covering the
        // scope's units: those of the scope's counties in one grouped pass over their range,
        // the few others (a city's organization covering a county's unit, any of a branch's
        // or a zone's scope) by their ids. The whole tree's scope counts every link.
        let units_query = || {
            pc::table
                .inner_join(
                    o::table.on(o::county_code
                        .eq(pc::county_code)
                        .and(o::id.eq(pc::organization_id))),
                )
                .filter(o::dissolved_on.is_null())
                .group_by((pc::party_org_county, pc::party_org_id))
                .select((pc::party_org_county, pc::party_org_id, count_star()))
                .into_boxed()
        };
        let mut unit_rows: Vec<(i32, i64, i64)> = Vec::new();
        let mut by_id: Vec<(i32, i64)> = cover_rows.iter().map(|r| (r.2, r.3)).collect();
        match (only, scope.county_range()) {
            (None, None) if scope.party_path == "/" => {
                unit_rows = units_query().load(conn)?;
                by_id.clear();
            }
            (None, Some((lo, hi))) => {
                unit_rows = units_query()
                    .filter(pc::party_org_county.between(lo, hi))
                    .load(conn)?;
                by_id.retain(|(county, _)| !(lo..=hi).contains(county));
            }
            (None, None) => {
                // The subtree's own party organizations are judged below by the units they
                // cover, whether or not those units are in the scope (a zone's joint branch
                // covering units outside the zone).
                by_id.extend(
                    po::table
                        .filter(po::path.ge(low.clone()).and(po::path.lt(high.clone())))
                        .select((po::county_code, po::id))
                        .load::<(i32, i64)>(conn)?,
                );
            }
            (Some(_), _) => {}
        }
        let mut ids: Vec<i64> = by_id.into_iter().map(|(_, id)| id).collect();
        ids.sort_unstable();
        ids.dedup();
        // In slices: SQLite binds at most 32,766 values in one statement.
        for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
            unit_rows.extend(
                units_query()
                    .filter(pc::party_org_id.eq_any(slice))
                    .load::<(i32, i64, i64)>(conn)?,
            );
        }
        let units: HashMap<Key, u32> = unit_rows
            .into_iter()
            .map(|(county, id, n)| (Key { county, id }, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect();

        let mut covering: HashMap<Key, Covering> = HashMap::new();
        for (oc, oid, pcounty, pid, t) in cover_rows {
            let party_org = Key {
                county: pcounty,
                id: pid,
            };
            let c = Covering {
                party_org,
                org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
                units_covered: units.get(&party_org).copied().unwrap_or(0),
            };
            let key = Key {
                county: oc,
                id: oid,
            };
            // Several covering organizations: the one that covers fewest units is the unit's
            // own (a unit with its own branch is not "in a joint branch"); ties by key.
            match covering.get(&key) {
                Some(old)
                    if (old.units_covered, old.party_org) <= (c.units_covered, c.party_org) => {}
                _ => {
                    covering.insert(key, c);
                }
            }
        }

        // Organizations with an instructor assigned today.
        let mut iq = ia::table
            .filter(ia::since.le(today))
            .filter(ia::until.is_null().or(ia::until.ge(today)))
            .select((ia::county_code, ia::organization_id))
            .distinct()
            .into_boxed();
        // A page of units is already scoped by its ids: no county range, so the id indexes serve.
        if let (None, Some((lo, hi))) = (only, scope.county_range()) {
            iq = iq.filter(ia::county_code.between(lo, hi));
        }
        if let Some(ids) = only {
            iq = iq.filter(ia::organization_id.eq_any(ids));
        }
        let instructed: std::collections::HashSet<Key> = iq
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .map(|(county, id)| Key { county, id })
            .collect();

        let mut organizations = Vec::with_capacity(org_rows.len());
        for (county, id, name, kind, sectors, zone) in org_rows {
            let key = Key { county, id };
            let (full, probationary) = at_work.get(&key).copied().unwrap_or_default();
            organizations.push(OrganizationFacts {
                key,
                name,
                kind: OrgKind::parse(&kind).map_err(|e| bad("组织类别", e))?,
                sectors: SectorSet::from_bits(sectors),
                zone,
                full_members: full,
                probationary_members: probationary,
                covering: covering.get(&key).cloned(),
                has_instructor: instructed.contains(&key),
            });
        }

        if only.is_some() || scope.member.is_some() {
            // A page of units needs no party organizations; a member sees none.
            return Ok(CoverageFacts {
                organizations,
                party_orgs: Vec::new(),
            });
        }

        // Party organizations in the subtree with their member counts. With a region the
        // county range is scanned on the covering index (no join); counts of party
        // organizations outside the subtree are dropped below.
        let member_counts: HashMap<Key, u32> = match scope.county_range() {
            Some((lo, hi)) => m::table
                .filter(m::county_code.between(lo, hi))
                .filter(m::left_on.is_null())
                .group_by((m::county_code, m::party_org_id))
                .select((m::county_code, m::party_org_id, count_star()))
                .load::<(i32, i64, i64)>(conn)?,
            None => m::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(m::county_code)
                        .and(po::id.eq(m::party_org_id))),
                )
                .filter(m::left_on.is_null())
                .filter(po::path.ge(low.clone()).and(po::path.lt(high.clone())))
                .group_by((m::county_code, m::party_org_id))
                .select((m::county_code, m::party_org_id, count_star()))
                .load::<(i32, i64, i64)>(conn)?,
        }
        .into_iter()
        .map(|(county, id, n)| (Key { county, id }, u32::try_from(n).unwrap_or(u32::MAX)))
        .collect();
        let po_rows: Vec<PartyOrgFactRow> = po::table
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(po::dissolved_on.is_null())
            .select((
                po::county_code,
                po::id,
                po::path,
                po::name,
                po::org_type,
                po::has_committee,
                po::term_started,
            ))
            .load(conn)?;
        let party_orgs = party_org_facts(po_rows, &member_counts, &units, None)?;
        Ok(CoverageFacts {
            organizations,
            party_orgs,
        })
    }

    /// The benchmark baseline: the per-county tally (total, organization-covered,
    /// work-covered, gap, and units the organization rules demand an action of) in one
    /// hand-written SQL statement over the whole city. Same definitions and data as the
    /// engine; it builds no findings and skips the party-organization checks, so it is a
    /// lower bound. `min_full` is the own-branch threshold in force; `counties` the range
    /// of county codes counted (a province's, a city's or one county's).
    pub fn coverage_by_county_raw_sql(
        &mut self,
        today: NaiveDate,
        min_full: i64,
        counties: (i32, i32),
    ) -> Result<Vec<RawTally>> {
        let (lo, hi) = counties;
        // DIALECT: dates compare as ISO text on SQLite and as DATE on PostgreSQL; the quoted
        // literal is valid for both. The codes are integers, formatted here.
        let sql = format!(
            "WITH w AS (SELECT workplace_county AS cc, workplace_org_id AS org, \
                   SUM(CASE WHEN status = 'full' THEN 1 ELSE 0 END) AS full_members, COUNT(*) AS members \
                   FROM members WHERE left_on IS NULL AND workplace_org_id IS NOT NULL \
                     AND workplace_county BETWEEN {lo} AND {hi} GROUP BY workplace_county, workplace_org_id), \
             u AS (SELECT x.party_org_county AS pcc, x.party_org_id AS pid, COUNT(*) AS n FROM party_org_coverage x \
                   JOIN organizations y ON y.county_code = x.county_code AND y.id = x.organization_id \
                   WHERE y.dissolved_on IS NULL AND x.party_org_id IN \
                     (SELECT party_org_id FROM party_org_coverage WHERE county_code BETWEEN {lo} AND {hi}) \
                   GROUP BY x.party_org_county, x.party_org_id), \
             c AS (SELECT pc.county_code AS cc, pc.organization_id AS org, \
                   MIN(CASE WHEN p.org_type = 'joint_branch' OR u.n > 1 THEN 1 ELSE 0 END) AS shared \
                   FROM party_org_coverage pc \
                   JOIN party_orgs p ON p.county_code = pc.party_org_county AND p.id = pc.party_org_id \
                   JOIN u ON u.pcc = pc.party_org_county AND u.pid = pc.party_org_id \
                   WHERE p.dissolved_on IS NULL AND pc.county_code BETWEEN {lo} AND {hi} \
                   GROUP BY pc.county_code, pc.organization_id), \
             i AS (SELECT DISTINCT county_code AS cc, organization_id AS org FROM instructor_assignments \
                   WHERE since <= '{today}' AND (until IS NULL OR until >= '{today}') \
                     AND county_code BETWEEN {lo} AND {hi}) \
             SELECT o.county_code AS county, COUNT(*) AS total, \
               SUM(CASE WHEN c.org IS NOT NULL AND COALESCE(w.members, 0) > 0 THEN 1 ELSE 0 END) AS org_covered, \
               SUM(CASE WHEN (c.org IS NOT NULL AND COALESCE(w.members, 0) = 0) \
                          OR (c.org IS NULL AND i.org IS NOT NULL) THEN 1 ELSE 0 END) AS work_covered, \
               SUM(CASE WHEN c.org IS NULL AND i.org IS NULL THEN 1 ELSE 0 END) AS gap, \
               SUM(CASE WHEN c.org IS NOT NULL THEN \
                          CASE WHEN c.shared = 1 AND COALESCE(w.full_members, 0) >= {min_full} THEN 1 ELSE 0 END \
                        WHEN COALESCE(w.members, 0) > 0 OR i.org IS NULL THEN 1 ELSE 0 END) AS needing_action \
             FROM organizations o \
             LEFT JOIN c ON c.cc = o.county_code AND c.org = o.id \
             LEFT JOIN i ON i.cc = o.county_code AND i.org = o.id \
             LEFT JOIN w ON w.cc = o.county_code AND w.org = o.id \
             WHERE o.dissolved_on IS NULL AND o.county_code BETWEEN {lo} AND {hi} \
             GROUP BY o.county_code ORDER BY o.county_code"
        );
        Ok(diesel::sql_query(sql).load::<RawTally>(self.conn())?)
    }
}

/// One county's counts from [`Store::coverage_by_county_raw_sql`].
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct RawTally {
    #[diesel(sql_type = Integer)]
    pub county: i32,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    #[diesel(sql_type = BigInt)]
    pub org_covered: i64,
    #[diesel(sql_type = BigInt)]
    pub work_covered: i64,
    #[diesel(sql_type = BigInt)]
    pub gap: i64,
    #[diesel(sql_type = BigInt)]
    pub needing_action: i64,
}
