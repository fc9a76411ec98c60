//! Party organizations one level at a time, and members page by page, through the scope.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;
use liangxin_domain::kinds::{FlowStatus, FormationMode, LeaveReason, MemberStatus, PartyOrgType};
use liangxin_domain::registry::Key;

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
}

/// A child in the tree: key, name, type, members directly in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgChild {
    pub key: Key,
    pub name: String,
    pub org_type: PartyOrgType,
    pub members: i64,
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
    pub sex: String,
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
);

fn po_view(r: PoRow) -> Result<PartyOrgView> {
    let (county, id, path, name, t, mode, has_committee, term_started, records_start) = r;
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
    })
}

type MemberRow = (
    (
        i32,
        i64,
        String,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
    ),
    (
        i64,
        String,
        Option<i32>,
        Option<i64>,
        String,
        Option<String>,
        String,
        Option<String>,
    ),
    (Option<NaiveDate>, Option<NaiveDate>, Option<String>),
);

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

    pub fn party_org_children(&mut self, parent: Key) -> Result<Vec<PartyOrgChild>> {
        let rows: Vec<(i32, i64, String, String)> = po::table
            .filter(
                po::parent_county
                    .eq(parent.county)
                    .and(po::parent_id.eq(parent.id)),
            )
            .filter(po::dissolved_on.is_null())
            .order((po::name, po::id))
            .select((po::county_code, po::id, po::name, po::org_type))
            .load(self.conn())?;
        let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        // By county and id: a city committee's children are in its counties.
        let counts: std::collections::HashMap<Key, i64> = m::table
            .filter(m::party_org_id.eq_any(&ids))
            .filter(m::left_on.is_null())
            .group_by((m::county_code, m::party_org_id))
            .select((m::county_code, m::party_org_id, count_star()))
            .load::<(i32, i64, i64)>(self.conn())?
            .into_iter()
            .map(|(county, id, n)| (Key { county, id }, n))
            .collect();
        rows.into_iter()
            .map(|(county, id, name, t)| {
                Ok(PartyOrgChild {
                    key: Key { county, id },
                    name,
                    org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
                    members: counts.get(&Key { county, id }).copied().unwrap_or(0),
                })
            })
            .collect()
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

    fn member_query<'a>(
        scope: &Scope,
    ) -> crate::schema::members::BoxedQuery<'a, crate::connection::DbBackend> {
        let (low, high) = scope.path_range();
        // The subtree's party organizations handed over as a set (a row value in `IN`,
        // valid on SQLite 3.15 on and PostgreSQL): a branch's members are then looked up
        // by organization, not every member of the platform tested one by one. The paths
        // are the store's own digits and slashes, quoted all the same.
        let (low, high) = (low.replace('\'', "''"), high.replace('\'', "''"));
        let mut q = m::table
            .filter(m::left_on.is_null())
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "(members.county_code, members.party_org_id) IN \
                 (SELECT spo.county_code, spo.id FROM party_orgs spo \
                  WHERE spo.path >= '{low}' AND spo.path < '{high}')"
            )))
            .into_boxed();
        if let Some(me) = scope.member {
            q = q.filter(m::county_code.eq(me.county).and(m::id.eq(me.id)));
        }
        q
    }

    /// How many members the scope holds (optionally of one party organization).
    pub fn members_count(&mut self, scope: &Scope, party_org: Option<Key>) -> Result<i64> {
        let mut q = Self::member_query(scope);
        if let Some(p) = party_org {
            q = q.filter(m::county_code.eq(p.county).and(m::party_org_id.eq(p.id)));
        }
        Ok(q.count().get_result(self.conn())?)
    }

    /// A page of the scope's members (optionally of one party organization), by name.
    pub fn members_page(
        &mut self,
        scope: &Scope,
        party_org: Option<Key>,
        offset: i64,
        limit: i64,
    ) -> Result<Vec<MemberView>> {
        let mut q = Self::member_query(scope);
        if let Some(p) = party_org {
            q = q.filter(m::county_code.eq(p.county).and(m::party_org_id.eq(p.id)));
        }
        let keys: Vec<(i32, i64)> = q
            .order((m::name, m::id))
            .offset(offset.max(0))
            .limit(limit.clamp(1, crate::MAX_PAGE))
            .select((m::county_code, m::id))
            .load(self.conn())?;
        let mut out = Vec::with_capacity(keys.len());
        for (county, id) in keys {
            if let Some(v) = self.member_view(Key { county, id })? {
                out.push(v);
            }
        }
        Ok(out)
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

    fn member_view(&mut self, key: Key) -> Result<Option<MemberView>> {
        let row: Option<MemberRow> = m::table
            .inner_join(
                mp::table.on(mp::county_code
                    .eq(m::county_code)
                    .and(mp::member_id.eq(m::id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(m::county_code.eq(key.county).and(m::id.eq(key.id)))
            .select((
                (
                    m::county_code,
                    m::id,
                    m::name,
                    m::sex,
                    m::status,
                    m::joined_on,
                    m::confirmed_on,
                ),
                (
                    m::party_org_id,
                    po::name,
                    m::workplace_county,
                    m::workplace_org_id,
                    m::flow,
                    m::flow_destination,
                    mp::resident_id_masked,
                    mp::phone,
                ),
                (m::arrived_on, m::left_on, m::leave_reason),
            ))
            .first(self.conn())
            .optional()?;
        let Some((
            (county, id, name, sex, status, joined_on, confirmed_on),
            (po_id, po_name, wc, wid, flow, dest, masked, phone),
            (arrived_on, left_on, leave_reason),
        )) = row
        else {
            return Ok(None);
        };
        let (workplace, workplace_credit_code) = match (wc, wid) {
            (Some(c), Some(i)) => o::table
                .filter(o::county_code.eq(c).and(o::id.eq(i)))
                .select((o::name, o::credit_code))
                .first::<(String, Option<String>)>(self.conn())
                .optional()?
                .map_or((None, None), |(n, code)| {
                    (Some((Key { county: c, id: i }, n)), code)
                }),
            _ => (None, None),
        };
        Ok(Some(MemberView {
            key: Key { county, id },
            name,
            sex,
            status: MemberStatus::parse(&status).map_err(|e| bad("党员类别", e))?,
            joined_on,
            confirmed_on,
            party_org: Key { county, id: po_id },
            party_org_name: po_name,
            workplace,
            workplace_credit_code,
            flow: FlowStatus::parse(&flow).map_err(|e| bad("流动情况", e))?,
            flow_destination: dest,
            resident_id_masked: masked,
            phone,
            arrived_on,
            left_on,
            leave_reason: leave_reason
                .map(|r| LeaveReason::parse(&r).map_err(|e| bad("减少原因", e)))
                .transpose()?,
        }))
    }
}
