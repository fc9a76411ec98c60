//! Organization lists and detail for pages and the API, always through the scope.

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::kinds::{OrgKind, PartyOrgType, SectorTag};
use liangxin_domain::registry::Key;

use crate::connection::DbBackend;
use crate::coverage::{Lookup, scoped, scoped_organizations};
use crate::error::{Result, StoreError};
use crate::schema::{
    instructor_assignments as ia, instructors, organizations as o, party_org_coverage as pc,
    party_orgs as po, regions, zones,
};
use crate::{Scope, Store};

/// Filters of the organization list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct OrgFilter {
    /// Part of the name or the credit code.
    pub q: Option<String>,
    pub county: Option<i32>,
    pub zone: Option<ZoneFilter>,
    pub kind: Option<OrgKind>,
    pub sector: Option<SectorFilter>,
}

/// Which place's organizations: one 园区小镇's, or those in none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneFilter {
    In(i64),
    Outside,
}

/// Which 行业's organizations: those tagged with one, or those tagged with none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectorFilter {
    Tagged(SectorTag),
    Untagged,
}

/// Sort order of the organization list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrgSort {
    #[default]
    Name,
    County,
    Employees,
}

/// Which page of which organizations, in what order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgPage {
    pub filter: OrgFilter,
    pub sort: OrgSort,
    pub descending: bool,
    pub offset: i64,
    pub limit: i64,
}

/// One organization as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgListRow {
    pub key: Key,
    pub name: String,
    pub kind: OrgKind,
    pub credit_code: Option<String>,
    pub credit_code_check_failed: bool,
    pub county_name: String,
    pub zone_name: Option<String>,
    pub employees: Option<i32>,
    /// 成立日期
    pub registered_on: Option<NaiveDate>,
    /// The record's version, raised on every change: a form that saves it hands back the
    /// version it showed ([`crate::Store::update_organization`]).
    pub version: i64,
}

type Row = (
    i32,
    i64,
    String,
    String,
    Option<String>,
    bool,
    String,
    Option<String>,
    Option<i32>,
    Option<NaiveDate>,
    i64,
);

fn to_row(r: Row) -> Result<OrgListRow> {
    let (
        county,
        id,
        name,
        kind,
        credit_code,
        failed,
        county_name,
        zone_name,
        employees,
        registered_on,
        version,
    ) = r;
    Ok(OrgListRow {
        key: Key { county, id },
        name,
        kind: OrgKind::parse(&kind).map_err(|e| StoreError::Corrupt(format!("组织类别：{e}")))?,
        credit_code,
        credit_code_check_failed: failed,
        county_name,
        zone_name,
        employees,
        registered_on,
        version,
    })
}

fn filter_organizations<'a>(
    mut q: o::BoxedQuery<'a, DbBackend>,
    filter: &OrgFilter,
) -> o::BoxedQuery<'a, DbBackend> {
    if let Some(text) = filter.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = crate::like_pattern(text);
        q = q.filter(
            o::name
                .like(pattern.clone())
                .escape('\\')
                .or(o::credit_code.like(pattern).escape('\\')),
        );
    }
    if let Some(c) = filter.county {
        q = q.filter(o::county_code.eq(c));
    }
    match filter.zone {
        Some(ZoneFilter::In(z)) => q = q.filter(o::zone_id.eq(z)),
        Some(ZoneFilter::Outside) => q = q.filter(o::zone_id.is_null()),
        None => {}
    }
    match filter.sector {
        Some(SectorFilter::Tagged(t)) => {
            // The tags are a bit set; the bit is the tag's own constant, never user input.
            let bit = 1_i64 << t.bit();
            q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "(organizations.sectors & {bit}) <> 0"
            )));
        }
        Some(SectorFilter::Untagged) => q = q.filter(o::sectors.eq(0)),
        None => {}
    }
    if let Some(k) = filter.kind {
        q = q.filter(o::kind.eq(k.code()));
    }
    q
}

/// Orders a query over `organizations` (joined or not) as the list sorts: the same
/// expressions for the page, the export and the judged keys.
macro_rules! ordered {
    ($q:expr, $sort:expr, $descending:expr) => {
        ordered!($q, $sort, $descending, order)
    };
    ($q:expr, $sort:expr, $descending:expr, $by:ident) => {
        match ($sort, $descending) {
            (OrgSort::Name, false) => $q.$by((o::name.asc(), o::id.asc())),
            (OrgSort::Name, true) => $q.$by((o::name.desc(), o::id.desc())),
            (OrgSort::County, false) => $q.$by((o::county_code.asc(), o::name.asc(), o::id.asc())),
            (OrgSort::County, true) => {
                $q.$by((o::county_code.desc(), o::name.desc(), o::id.desc()))
            }
            (OrgSort::Employees, false) => $q.$by((o::employees.asc(), o::id.asc())),
            (OrgSort::Employees, true) => $q.$by((o::employees.desc(), o::id.desc())),
        }
    };
}

/// The list's columns over the filtered organizations, in the order asked, optionally one
/// window (offset, limit) of them.
fn load_rows(
    conn: &mut crate::connection::DbConnection,
    q: o::BoxedQuery<'_, DbBackend>,
    sort: OrgSort,
    descending: bool,
    window: Option<(i64, i64)>,
    lookup: Lookup,
) -> Result<Vec<Row>> {
    let mut q = q
        .inner_join(regions::table.on(regions::code.eq(o::county_code)))
        .left_join(zones::table.on(zones::id.nullable().eq(o::zone_id)))
        .select((
            o::county_code,
            o::id,
            o::name,
            o::kind,
            o::credit_code,
            o::credit_code_check_failed,
            regions::name,
            zones::name.nullable(),
            o::employees,
            o::registered_on,
            o::row_version,
        ));
    q = match lookup {
        Lookup::InOrder => ordered!(q, sort, descending),
        // A first key equal for every row (a county code has six digits) that no index
        // holds: PostgreSQL would otherwise walk the name index for a page, taking the
        // scope's rows to be spread evenly through it, when a city's are bunched at its
        // counties' names (a province's other units read first, 600 ms).
        Lookup::ByRegion => ordered!(
            q.order((o::county_code / 1_000_000).asc()),
            sort,
            descending,
            then_order_by
        ),
    };
    if let Some((offset, limit)) = window {
        q = q
            .offset(offset.max(0))
            .limit(limit.clamp(1, crate::MAX_PAGE));
    }
    Ok(q.load(conn)?)
}

impl Store {
    /// How many organizations in `scope` match `filter`.
    pub fn organizations_count(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        filter: &OrgFilter,
    ) -> Result<i64> {
        Ok(
            filter_organizations(scoped(scope, today, Lookup::ByRegion), filter)
                .count()
                .get_result(self.conn())?,
        )
    }

    /// A page of the organizations in `scope` matching the page's filter, in its order.
    pub fn organizations_page(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        page_of: &OrgPage,
    ) -> Result<Vec<OrgListRow>> {
        // Walking the list's index in order finds a page at once when the scope holds
        // (nearly) every unit stored; a city's scope in a province's database holds a
        // twentieth, and its rows are found by its county range and sorted instead
        // (1.5 s a page otherwise: BENCHMARKS.md, "A province on PostgreSQL").
        let lookup = match scope.county_range() {
            Some((lo, hi)) if lo < hi => {
                let (first, last): (Option<i32>, Option<i32>) = o::table
                    .select((
                        diesel::dsl::min(o::county_code),
                        diesel::dsl::max(o::county_code),
                    ))
                    .first(self.conn())?;
                if first.is_none_or(|c| c >= lo) && last.is_none_or(|c| c <= hi) {
                    Lookup::InOrder
                } else {
                    Lookup::ByRegion
                }
            }
            _ => Lookup::InOrder,
        };
        let q = filter_organizations(scoped(scope, today, lookup), &page_of.filter);
        let window = Some((page_of.offset, page_of.limit));
        let rows = load_rows(
            self.conn(),
            q,
            page_of.sort,
            page_of.descending,
            window,
            lookup,
        )?;
        rows.into_iter().map(to_row).collect()
    }

    /// The keys of every organization in `scope` matching `filter`, in the list's order: for
    /// a list narrowed by what only the engine knows (a coverage state, an action), which
    /// the caller then pages and loads with [`Store::organizations_by_keys`].
    pub fn organization_keys(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        filter: &OrgFilter,
        sort: OrgSort,
        descending: bool,
    ) -> Result<Vec<Key>> {
        // Every key of the scope is wanted, so the county range (not a sorted index) finds
        // them, and only the key and the sort columns are read.
        let q = filter_organizations(scoped(scope, today, Lookup::ByRegion), filter)
            .select((o::county_code, o::id));
        let keys: Vec<(i32, i64)> = ordered!(q, sort, descending).load(self.conn())?;
        Ok(keys
            .into_iter()
            .map(|(county, id)| Key { county, id })
            .collect())
    }

    /// The organizations of `keys` that `scope` sees, in the order of `keys`.
    pub fn organizations_by_keys(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        keys: &[Key],
    ) -> Result<Vec<OrgListRow>> {
        if keys.len() > usize::try_from(crate::MAX_PAGE).unwrap_or(usize::MAX) {
            return Err(StoreError::invalid("页", "一次最多读取一页"));
        }
        // One lookup per county through the primary key (county, id): an id alone has no
        // index.
        let mut by_county: std::collections::BTreeMap<i32, Vec<i64>> = Default::default();
        for k in keys {
            by_county.entry(k.county).or_default().push(k.id);
        }
        let mut found = std::collections::HashMap::with_capacity(keys.len());
        for (county, ids) in by_county {
            let q = scoped(scope, today, Lookup::ByRegion)
                .filter(o::county_code.eq(county))
                .filter(o::id.eq_any(ids));
            for r in load_rows(self.conn(), q, OrgSort::Name, false, None, Lookup::InOrder)? {
                let row = to_row(r)?;
                found.insert(row.key, row);
            }
        }
        Ok(keys.iter().filter_map(|k| found.remove(k)).collect())
    }

    /// One organization, if `scope` sees it.
    pub fn organization(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<Option<OrgListRow>> {
        let row: Option<Row> = scoped_organizations(scope, today)
            .filter(o::county_code.eq(key.county).and(o::id.eq(key.id)))
            .inner_join(regions::table.on(regions::code.eq(o::county_code)))
            .left_join(zones::table.on(zones::id.nullable().eq(o::zone_id)))
            .select((
                o::county_code,
                o::id,
                o::name,
                o::kind,
                o::credit_code,
                o::credit_code_check_failed,
                regions::name,
                zones::name.nullable(),
                o::employees,
                o::registered_on,
                o::row_version,
            ))
            .first(self.conn())
            .optional()?;
        row.map(to_row).transpose()
    }

    /// The party organizations covering an organization: key, name, type.
    /// Only those in the scope's subtree or above it are named: data flows up, not sideways.
    pub fn covering_party_orgs(
        &mut self,
        scope: &Scope,
        org: Key,
    ) -> Result<Vec<(Key, String, PartyOrgType)>> {
        let rows: Vec<(i32, i64, String, String, String)> = pc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(pc::party_org_county)
                    .and(po::id.eq(pc::party_org_id))),
            )
            .filter(
                pc::county_code
                    .eq(org.county)
                    .and(pc::organization_id.eq(org.id)),
            )
            .filter(po::dissolved_on.is_null())
            .order(po::id)
            .select((po::county_code, po::id, po::name, po::org_type, po::path))
            .load(self.conn())?;
        rows.into_iter()
            .filter(|(.., path)| {
                scope.contains_path(path) || scope.party_path.starts_with(path.as_str())
            })
            .map(|(county, id, name, t, _)| {
                let t = PartyOrgType::parse(&t)
                    .map_err(|e| StoreError::Corrupt(format!("党组织类型：{e}")))?;
                Ok((Key { county, id }, name, t))
            })
            .collect()
    }

    /// The instructors assigned to an organization today: name and since when.
    pub fn instructors_of(
        &mut self,
        org: Key,
        today: NaiveDate,
    ) -> Result<Vec<(String, NaiveDate)>> {
        Ok(ia::table
            .inner_join(
                instructors::table.on(instructors::county_code
                    .eq(ia::instructor_county)
                    .and(instructors::id.eq(ia::instructor_id))),
            )
            .filter(
                ia::county_code
                    .eq(org.county)
                    .and(ia::organization_id.eq(org.id)),
            )
            .filter(ia::since.le(today))
            .filter(ia::until.is_null().or(ia::until.ge(today)))
            .order(ia::since)
            .select((instructors::name, ia::since))
            .load(self.conn())?)
    }
}
