//! Party organizations one level at a time, and members page by page, through the scope.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use liangxin_domain::ethnicity::Ethnicity;
use liangxin_domain::kinds::{
    Education, FlowStatus, FormationMode, LeaveReason, MemberStatus, Occupation, PartyOrgType,
};
use liangxin_domain::registry::{Background, Key};
use liangxin_domain::resident_id::Sex;

use crate::error::{Result, StoreError};
use crate::schema::{
    member_profiles as mp, members as m, organizations as o, party_org_coverage as pc,
    party_orgs as po,
};
use crate::{Scope, Store};

fn bad(field: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{field}：{e}"))
}

/// A party organization as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgView {
    pub key: Key,
    pub path: String,
    pub name: String,
    pub org_type: PartyOrgType,
    pub formation_mode: Option<FormationMode>,
    pub has_committee: bool,
    pub term_started: Option<NaiveDate>,
    /// 台账起始月 (the first day of the month).
    pub records_start: NaiveDate,
    /// The record's version, raised on every change: the edit form hands back the version
    /// it showed ([`crate::Store::update_party_org`]).
    pub version: i64,
}

/// A child in the tree: key, name, type, members directly in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgChild {
    pub key: Key,
    pub name: String,
    pub org_type: PartyOrgType,
    pub members: i64,
    /// The organization directly above, when a search found it further down than a child
    /// (two 第一党支部 are told apart by it); none for a child.
    pub above: Option<String>,
}

/// A line of the tree beside a party organization's page (组织树): the organizations that
/// have organizations under them, from the scope's root down to the page's, each level's
/// in name order, the way open at the page's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeLine {
    pub key: Key,
    pub name: String,
    /// 0 for the scope's root.
    pub depth: usize,
    /// The organization the page is about.
    pub here: bool,
}

/// A party organization as the register (党组织名册) lists it: the columns of the
/// party-organization import, so an exported register edited and uploaded again updates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgEntry {
    pub key: Key,
    pub parent: Option<Key>,
    pub name: String,
    pub org_type: PartyOrgType,
    pub formation_mode: Option<FormationMode>,
    pub zone: Option<String>,
    pub has_committee: bool,
    pub term_started: Option<NaiveDate>,
    /// Members directly in it, not left.
    pub members: i64,
    /// Units it covers now.
    pub covered_units: i64,
}

/// A member as lists and the member's page show it (the resident ID masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    pub key: Key,
    pub name: String,
    pub sex: Sex,
    pub birth_year: i32,
    pub status: MemberStatus,
    pub joined_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub party_org: Key,
    pub party_org_name: String,
    pub workplace: Option<(Key, String)>,
    /// The workplace's 统一社会信用代码, by which forms name it.
    pub workplace_credit_code: Option<String>,
    pub flow: FlowStatus,
    pub flow_destination: Option<String>,
    pub resident_id_masked: String,
    pub phone: Option<String>,
    /// The day a member who transferred in was received (转入).
    pub arrived_on: Option<NaiveDate>,
    /// The day the record left; the record stays.
    pub left_on: Option<NaiveDate>,
    /// Why it left (转出, 死亡 …).
    pub leave_reason: Option<LeaveReason>,
    /// 民族、学历、职业
    pub background: Background,
    /// The record's version, raised on every change: the edit form hands back the version
    /// it showed ([`crate::Store::update_member`]).
    pub version: i64,
}

type PoRow = (
    i32,
    i64,
    String,
    String,
    String,
    Option<String>,
    bool,
    Option<NaiveDate>,
    NaiveDate,
    i64,
);

fn po_view(r: PoRow) -> Result<PartyOrgView> {
    let (county, id, path, name, t, mode, has_committee, term_started, records_start, version) = r;
    Ok(PartyOrgView {
        key: Key { county, id },
        path,
        name,
        org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
        formation_mode: mode
            .map(|m| FormationMode::parse(&m).map_err(|e| bad("组建方式", e)))
            .transpose()?,
        has_committee,
        term_started,
        records_start,
        version,
    })
}

/// Which of a scope's members on the register a list keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct MemberFilter {
    /// Members directly in this party organization.
    pub party_org: Option<Key>,
    /// Part of the name.
    pub name: Option<String>,
    /// 党员类别: 正式党员 or 预备党员.
    pub status: Option<MemberStatus>,
    /// 流动情况: at home or away (外出流动).
    pub flow: Option<FlowStatus>,
}

impl MemberFilter {
    /// The members directly in one party organization.
    pub fn in_party_org(key: Key) -> Self {
        MemberFilter {
            party_org: Some(key),
            ..Self::default()
        }
    }
}

/// Keeps, of a query over `party_orgs` joined with `members`, the scope's members on the
/// register that the filter keeps. The subtree is the range of paths, read through the
/// paths' index; each organization's members then through `(county_code, party_org_id,
/// left_on, name, id)`.
macro_rules! member_filters {
    ($q:expr, $scope:expr, $filter:expr) => {{
        let (scope, filter): (&Scope, &MemberFilter) = ($scope, $filter);
        let (low, high) = scope.path_range();
        let mut q = $q
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(m::left_on.is_null());
        if let Some(me) = scope.member {
            q = q.filter(m::county_code.eq(me.county).and(m::id.eq(me.id)));
        }
        if let Some(p) = filter.party_org {
            q = q.filter(po::county_code.eq(p.county).and(po::id.eq(p.id)));
        }
        if let Some(name) = filter
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            q = q.filter(m::name.like(crate::like_pattern(name)).escape('\\'));
        }
        if let Some(status) = filter.status {
            q = q.filter(m::status.eq(status.code()));
        }
        if let Some(flow) = filter.flow {
            q = q.filter(m::flow.eq(flow.code()));
        }
        q
    }};
}

/// The tables a [`MemberRow`] is read from: each member with its party organization, its
/// profile and its workplace (left-joined: a member may have none).
macro_rules! member_joins {
    () => {
        po::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(po::county_code)
                    .and(m::party_org_id.eq(po::id))),
            )
            .inner_join(
                mp::table.on(mp::county_code
                    .eq(m::county_code)
                    .and(mp::member_id.eq(m::id))),
            )
            .left_join(
                o::table.on(o::county_code
                    .nullable()
                    .eq(m::workplace_county)
                    .and(o::id.nullable().eq(m::workplace_org_id))),
            )
    };
}

/// The columns of a [`MemberRow`], over `party_orgs`, `members`, `member_profiles` and the
/// workplace (`organizations`, left-joined).
macro_rules! member_columns {
    () => {
        (
            (
                m::county_code,
                m::id,
                m::name,
                m::sex,
                m::birth_year,
                m::status,
                m::joined_on,
                m::confirmed_on,
            ),
            (
                m::party_org_id,
                po::name,
                m::workplace_county,
                m::workplace_org_id,
                o::name.nullable(),
                o::credit_code.nullable(),
                m::flow,
                m::flow_destination,
            ),
            (
                mp::resident_id_masked,
                mp::phone,
                m::arrived_on,
                m::left_on,
                m::leave_reason,
                m::row_version,
            ),
            (m::ethnicity, m::education, m::occupation),
        )
    };
}

type MemberRow = (
    (
        i32,
        i64,
        String,
        String,
        i32,
        String,
        NaiveDate,
        Option<NaiveDate>,
    ),
    (
        i64,
        String,
        Option<i32>,
        Option<i64>,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    ),
    (
        String,
        Option<String>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<String>,
        i64,
    ),
    (Option<String>, Option<String>, Option<String>),
);

fn member_view(row: MemberRow) -> Result<MemberView> {
    let (
        (county, id, name, sex, birth_year, status, joined_on, confirmed_on),
        (po_id, po_name, wc, wid, workplace_name, workplace_credit_code, flow, dest),
        (masked, phone, arrived_on, left_on, leave_reason, version),
        background,
    ) = row;
    let workplace = match (wc, wid, workplace_name) {
        (Some(county), Some(id), Some(name)) => Some((Key { county, id }, name)),
        _ => None,
    };
    Ok(MemberView {
        key: Key { county, id },
        name,
        sex: Sex::from_code(&sex).ok_or_else(|| bad("性别", format!("无法识别“{sex}”")))?,
        birth_year,
        status: MemberStatus::parse(&status).map_err(|e| bad("党员类别", e))?,
        joined_on,
        confirmed_on,
        party_org: Key { county, id: po_id },
        party_org_name: po_name,
        workplace_credit_code: workplace.as_ref().and(workplace_credit_code),
        workplace,
        flow: FlowStatus::parse(&flow).map_err(|e| bad("流动情况", e))?,
        flow_destination: dest,
        resident_id_masked: masked,
        phone,
        arrived_on,
        left_on,
        leave_reason: leave_reason
            .map(|r| LeaveReason::parse(&r).map_err(|e| bad("减少原因", e)))
            .transpose()?,
        background: background_of(background)?,
        version,
    })
}

/// A record's 民族、学历、职业 as stored (codes), parsed.
pub(crate) fn background_of(
    (ethnicity, education, occupation): (Option<String>, Option<String>, Option<String>),
) -> Result<Background> {
    Ok(Background {
        ethnicity: ethnicity
            .map(|v| Ethnicity::parse(&v).map_err(|e| bad("民族", e)))
            .transpose()?,
        education: education
            .map(|v| Education::parse(&v).map_err(|e| bad("学历", e)))
            .transpose()?,
        occupation: occupation
            .map(|v| Occupation::parse(&v).map_err(|e| bad("职业", e)))
            .transpose()?,
    })
}

impl Store {
    /// One party organization, if it lies in the scope's subtree.
    pub fn party_org(&mut self, scope: &Scope, key: Key) -> Result<Option<PartyOrgView>> {
        let (low, high) = scope.path_range();
        let row: Option<PoRow> = po::table
            .filter(po::county_code.eq(key.county).and(po::id.eq(key.id)))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(po::dissolved_on.is_null())
            .select((
                po::county_code,
                po::id,
                po::path,
                po::name,
                po::org_type,
                po::formation_mode,
                po::has_committee,
                po::term_started,
                po::records_start,
                po::row_version,
            ))
            .first(self.conn())
            .optional()?;
        row.map(po_view).transpose()
    }

    /// The party organization at the root of the scope's subtree, if any.
    pub fn scope_root(&mut self, scope: &Scope) -> Result<Option<PartyOrgView>> {
        let row: Option<PoRow> = po::table
            .filter(po::path.eq(&scope.party_path))
            .select((
                po::county_code,
                po::id,
                po::path,
                po::name,
                po::org_type,
                po::formation_mode,
                po::has_committee,
                po::term_started,
                po::records_start,
                po::row_version,
            ))
            .first(self.conn())
            .optional()?;
        row.map(po_view).transpose()
    }

    /// The children of a party organization (which the caller has checked is in scope),
    /// with the members directly in each.
    /// The live party organizations of `scope` in the tree's order (a parent before its
    /// children), `limit` from `offset`: the register an export pages through.
    pub fn party_org_register(
        &mut self,
        scope: &Scope,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<PartyOrgEntry>> {
        use crate::schema::zones as z;
        type Row = (
            i32,
            i64,
            Option<i32>,
            Option<i64>,
            String,
            String,
            Option<String>,
            Option<String>,
            bool,
            Option<NaiveDate>,
        );
        let (low, high) = scope.path_range();
        let rows: Vec<Row> = po::table
            .left_join(z::table.on(z::id.nullable().eq(po::zone_id)))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .filter(po::dissolved_on.is_null())
            .order(po::path)
            .offset(offset)
            .limit(limit)
            .select((
                po::county_code,
                po::id,
                po::parent_county,
                po::parent_id,
                po::name,
                po::org_type,
                po::formation_mode,
                z::name.nullable(),
                po::has_committee,
                po::term_started,
            ))
            .load(self.conn())?;
        let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let members: std::collections::HashMap<(i32, i64), i64> = m::table
            .filter(m::party_org_id.eq_any(&ids))
            .filter(m::left_on.is_null())
            .group_by((m::county_code, m::party_org_id))
            .select((m::county_code, m::party_org_id, count_star()))
            .load::<(i32, i64, i64)>(self.conn())?
            .into_iter()
            .map(|(c, i, n)| ((c, i), n))
            .collect();
        let covered: std::collections::HashMap<(i32, i64), i64> = pc::table
            .filter(pc::party_org_id.eq_any(&ids))
            .group_by((pc::party_org_county, pc::party_org_id))
            .select((pc::party_org_county, pc::party_org_id, count_star()))
            .load::<(i32, i64, i64)>(self.conn())?
            .into_iter()
            .map(|(c, i, n)| ((c, i), n))
            .collect();
        rows.into_iter()
            .map(|r| {
                Ok(PartyOrgEntry {
                    key: Key {
                        county: r.0,
                        id: r.1,
                    },
                    parent: r.2.zip(r.3).map(|(county, id)| Key { county, id }),
                    name: r.4,
                    org_type: PartyOrgType::parse(&r.5).map_err(|e| bad("组织类别", e))?,
                    formation_mode: r
                        .6
                        .as_deref()
                        .map(FormationMode::parse)
                        .transpose()
                        .map_err(|e| bad("组建方式", e))?,
                    zone: r.7,
                    has_committee: r.8,
                    term_started: r.9,
                    members: members.get(&(r.0, r.1)).copied().unwrap_or(0),
                    covered_units: covered.get(&(r.0, r.1)).copied().unwrap_or(0),
                })
            })
            .collect()
    }

    /// The party organizations under `parent` (not dissolved), by name, with their members on
    /// the register: with no search its children; with a search (a part of the name, or the
    /// 组织编号 `county-id`) those it finds at any depth below `parent`, each with the name
    /// of the organization directly above it. `limit` from `offset`, and how many in all.
    pub fn party_org_children(
        &mut self,
        parent: Key,
        search: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(i64, Vec<PartyOrgChild>)> {
        let search = search.map(str::trim).filter(|t| !t.is_empty());
        // Below the parent at any depth: the paths that start with its path, itself excluded.
        let below = match search {
            None => None,
            Some(_) => {
                let path: Option<String> = po::table
                    .filter(po::county_code.eq(parent.county).and(po::id.eq(parent.id)))
                    .select(po::path)
                    .first(self.conn())
                    .optional()?;
                match path {
                    Some(path) => Some((path.clone(), Scope::subtree(path).path_range().1)),
                    None => return Ok((0, Vec::new())),
                }
            }
        };
        let query = || {
            let mut q = po::table.filter(po::dissolved_on.is_null()).into_boxed();
            q = match (&below, search) {
                (Some((path, high)), Some(text)) => {
                    let q = q.filter(po::path.gt(path.clone()).and(po::path.lt(high.clone())));
                    match Key::parse_code(text) {
                        Some(k) => q.filter(po::county_code.eq(k.county).and(po::id.eq(k.id))),
                        None => q.filter(po::name.like(crate::like_pattern(text)).escape('\\')),
                    }
                }
                _ => q.filter(
                    po::parent_county
                        .eq(parent.county)
                        .and(po::parent_id.eq(parent.id)),
                ),
            };
            q
        };
        let total: i64 = query().count().get_result(self.conn())?;
        type Row = (i32, i64, String, String, Option<i32>, Option<i64>);
        let rows: Vec<Row> = query()
            .order((po::name, po::id))
            .offset(offset.max(0))
            .limit(limit.max(0))
            .select((
                po::county_code,
                po::id,
                po::name,
                po::org_type,
                po::parent_county,
                po::parent_id,
            ))
            .load(self.conn())?;
        // The names above, for a search's rows that are not children.
        let mut above_ids: Vec<i64> = rows
            .iter()
            .filter_map(|r| match (r.4, r.5) {
                (Some(c), Some(i)) if (Key { county: c, id: i }) != parent => Some(i),
                _ => None,
            })
            .collect();
        above_ids.sort_unstable();
        above_ids.dedup();
        let above: std::collections::HashMap<Key, String> = if above_ids.is_empty() {
            Default::default()
        } else {
            po::table
                .filter(po::id.eq_any(&above_ids))
                .select((po::county_code, po::id, po::name))
                .load::<(i32, i64, String)>(self.conn())?
                .into_iter()
                .map(|(county, id, name)| (Key { county, id }, name))
                .collect()
        };
        let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        let mut counties: Vec<i32> = rows.iter().map(|r| r.0).collect();
        counties.sort_unstable();
        counties.dedup();
        // By county and id (a city committee's children are in its counties): the county
        // first, so the count walks the members' (county, party organization) index.
        let counts: std::collections::HashMap<Key, i64> = m::table
            .filter(m::county_code.eq_any(&counties))
            .filter(m::party_org_id.eq_any(&ids))
            .filter(m::left_on.is_null())
            .group_by((m::county_code, m::party_org_id))
            .select((m::county_code, m::party_org_id, count_star()))
            .load::<(i32, i64, i64)>(self.conn())?
            .into_iter()
            .map(|(county, id, n)| (Key { county, id }, n))
            .collect();
        let children = rows
            .into_iter()
            .map(|(county, id, name, t, pc, pi)| {
                let up = match (pc, pi) {
                    (Some(county), Some(id)) => Some(Key { county, id }),
                    _ => None,
                };
                Ok(PartyOrgChild {
                    key: Key { county, id },
                    name,
                    org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
                    members: counts.get(&Key { county, id }).copied().unwrap_or(0),
                    above: up.and_then(|k| above.get(&k).cloned()),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((total, children))
    }

    /// The tree beside the page of the party organization `key` (which the caller has
    /// checked is in the scope): from the scope's root down to it, at each level the
    /// organizations that have organizations under them (the branches are the page's list),
    /// and the page's own organization wherever it stands.
    pub fn party_org_tree(&mut self, scope: &Scope, key: Key) -> Result<Vec<TreeLine>> {
        let trail: Vec<(Key, String)> = self
            .trail_to(key)?
            .into_iter()
            .filter(|(_, _, path)| scope.contains_path(path))
            .map(|(k, name, _)| (k, name))
            .collect();
        let Some((root, root_name)) = trail.first().cloned() else {
            return Ok(Vec::new());
        };
        let mut lines = vec![TreeLine {
            key: root,
            name: root_name,
            depth: 0,
            here: root == key,
        }];
        let under = diesel::alias!(crate::schema::party_orgs as under);
        for (depth, (node, _)) in trail.iter().enumerate() {
            let mut level: Vec<(i32, i64, String)> = po::table
                .filter(
                    po::parent_county
                        .eq(node.county)
                        .and(po::parent_id.eq(node.id)),
                )
                .filter(po::dissolved_on.is_null())
                .filter(diesel::dsl::exists(
                    under
                        .filter(
                            under
                                .field(po::parent_county)
                                .eq(po::county_code.nullable()),
                        )
                        .filter(under.field(po::parent_id).eq(po::id.nullable()))
                        .filter(under.field(po::dissolved_on).is_null()),
                ))
                .order((po::name, po::id))
                .select((po::county_code, po::id, po::name))
                .load(self.conn())?;
            // The next organization on the way down, though nothing is under it.
            if let Some((next, name)) = trail.get(depth + 1)
                && !level
                    .iter()
                    .any(|(c, i, _)| Key { county: *c, id: *i } == *next)
            {
                let at = level.partition_point(|(_, _, n)| n.as_str() <= name.as_str());
                level.insert(at, (next.county, next.id, name.clone()));
            }
            let at = lines
                .iter()
                .position(|l| l.key == *node)
                .map_or(lines.len(), |p| p + 1);
            lines.splice(
                at..at,
                level.into_iter().map(|(county, id, name)| TreeLine {
                    key: Key { county, id },
                    here: Key { county, id } == key,
                    name,
                    depth: depth + 1,
                }),
            );
        }
        Ok(lines)
    }

    /// The organizations a party organization covers that `scope` sees: key and name.
    pub fn covered_units(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
    ) -> Result<Vec<(Key, String)>> {
        let all: Vec<(Key, String)> = pc::table
            .inner_join(
                o::table.on(o::county_code
                    .eq(pc::county_code)
                    .and(o::id.eq(pc::organization_id))),
            )
            .filter(
                pc::party_org_county
                    .eq(party_org.county)
                    .and(pc::party_org_id.eq(party_org.id)),
            )
            .filter(o::dissolved_on.is_null())
            .order((o::name, o::id))
            .select((o::county_code, o::id, o::name))
            .load::<(i32, i64, String)>(self.conn())?
            .into_iter()
            .map(|(county, id, name)| (Key { county, id }, name))
            .collect();
        // Only the units the scope sees (a zone's view of a branch that also covers units
        // elsewhere, say).
        let ids: Vec<i64> = all.iter().map(|(k, _)| k.id).collect();
        let visible: std::collections::HashSet<i64> =
            crate::coverage::scoped_organizations(scope, today)
                .filter(o::id.eq_any(&ids))
                .select(o::id)
                .load::<i64>(self.conn())?
                .into_iter()
                .collect();
        Ok(all
            .into_iter()
            .filter(|(k, _)| visible.contains(&k.id))
            .collect())
    }

    /// How many members on the register the scope holds that `filter` keeps.
    pub fn members_count(&mut self, scope: &Scope, filter: &MemberFilter) -> Result<i64> {
        let q = po::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(po::county_code)
                    .and(m::party_org_id.eq(po::id))),
            )
            .into_boxed();
        let q = member_filters!(q, scope, filter);
        Ok(q.count().get_result(self.conn())?)
    }

    /// The scope's members on the register that `filter` keeps in the party organizations
    /// whose paths run from `from` (included) to `to` (excluded), in the list's order: an
    /// export walks the subtree a run of organizations at a time, so no part re-reads the
    /// rows before it (as an ever larger offset would).
    pub fn members_between(
        &mut self,
        scope: &Scope,
        filter: &MemberFilter,
        from: &str,
        to: &str,
    ) -> Result<Vec<MemberView>> {
        let q = member_joins!()
            .filter(po::path.ge(from).and(po::path.lt(to)))
            .into_boxed();
        let rows: Vec<MemberRow> = member_filters!(q, scope, filter)
            .order((po::path, m::name, m::id))
            .select(member_columns!())
            .load(self.conn())?;
        rows.into_iter().map(member_view).collect()
    }

    /// Where an export's runs of party organizations start: every `every`-th path of the
    /// scope's subtree after the first, in order (dissolved organizations fall inside the
    /// runs, so every member of the subtree is in exactly one).
    pub fn party_org_runs(&mut self, scope: &Scope, every: usize) -> Result<Vec<String>> {
        let (low, high) = scope.path_range();
        let paths: Vec<String> = po::table
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .order(po::path)
            .select(po::path)
            .load(self.conn())?;
        Ok(paths.into_iter().skip(1).step_by(every.max(1)).collect())
    }

    /// A page of the scope's members on the register that `filter` keeps, branch by branch
    /// in the tree's order and by name within a branch: the walk the indexes give (the
    /// subtree's paths, then each organization's members by name), so a page costs its own
    /// rows and the rows before it, never a sort of the whole scope.
    pub fn members_page(
        &mut self,
        scope: &Scope,
        filter: &MemberFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<MemberView>> {
        let q = member_joins!().into_boxed();
        let rows: Vec<MemberRow> = member_filters!(q, scope, filter)
            .order((po::path, m::name, m::id))
            .offset(offset.max(0))
            .limit(limit.clamp(1, crate::MAX_PAGE))
            .select(member_columns!())
            .load(self.conn())?;
        rows.into_iter().map(member_view).collect()
    }

    /// One member, if the scope holds them (a record that left too: it is never deleted).
    pub fn member(&mut self, scope: &Scope, key: Key) -> Result<Option<MemberView>> {
        let (low, high) = scope.path_range();
        let mut q = m::table
            .filter(diesel::dsl::exists(
                po::table
                    .filter(po::county_code.eq(m::county_code))
                    .filter(po::id.eq(m::party_org_id))
                    .filter(po::path.ge(low).and(po::path.lt(high))),
            ))
            .into_boxed();
        if let Some(me) = scope.member {
            q = q.filter(m::county_code.eq(me.county).and(m::id.eq(me.id)));
        }
        let visible: Option<i64> = q
            .filter(m::county_code.eq(key.county).and(m::id.eq(key.id)))
            .select(m::id)
            .first(self.conn())
            .optional()?;
        match visible {
            Some(_) => self.member_view(key),
            None => Ok(None),
        }
    }

    pub(crate) fn member_view(&mut self, key: Key) -> Result<Option<MemberView>> {
        let row: Option<MemberRow> = member_joins!()
            .filter(m::county_code.eq(key.county).and(m::id.eq(key.id)))
            .select(member_columns!())
            .first(self.conn())
            .optional()?;
        row.map(member_view).transpose()
    }
}
