//! The dated records behind coverage over time (覆盖走势), gathered for one scope in a few
//! queries; the domain's `history::trend` computes each day's coverage from them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::dsl::{count_star, exists};
use diesel::prelude::*;
use liangxin_domain::history::{CoverDates, MemberDates, OrganizationRecord, Span};
use liangxin_domain::kinds::{OrgKind, PartyOrgType, SectorSet};
use liangxin_domain::registry::Key;

use crate::coverage::{CoverageFacts, Lookup, PartyOrgFactRow, party_org_facts, scoped_alive};
use crate::error::{Result, StoreError};
use crate::schema::{
    coverage_ended as ce, instructor_assignments as ia, members as m, organizations as o,
    party_org_coverage as pc, party_orgs as po,
};
use crate::{Scope, Store};

/// A party organization's scope: the units its subtree covers (not a region's, a zone's,
/// an instructor's or a member's).
fn is_subtree_scope(scope: &Scope) -> bool {
    scope.region.is_none()
        && scope.zone.is_none()
        && scope.instructor.is_none()
        && scope.member.is_none()
        && scope.party_path != "/"
}

/// The units each party organization covered on `day`: links in force then (a current
/// link from its start until the day before its party organization was dissolved, an
/// ended one over its span) to units that existed then.
fn units_covered_on(conn: &mut crate::DbConnection, day: NaiveDate) -> Result<HashMap<Key, u32>> {
    let alive = o::registered_on
        .is_null()
        .or(o::registered_on.le(day))
        .and(o::dissolved_on.is_null().or(o::dissolved_on.gt(day)));
    let current: Vec<(i32, i64, i64)> = pc::table
        .inner_join(
            o::table.on(o::county_code
                .eq(pc::county_code)
                .and(o::id.eq(pc::organization_id))),
        )
        .inner_join(
            po::table.on(po::county_code
                .eq(pc::party_org_county)
                .and(po::id.eq(pc::party_org_id))),
        )
        .filter(pc::since.le(day))
        .filter(po::dissolved_on.is_null().or(po::dissolved_on.gt(day)))
        .filter(alive)
        .group_by((pc::party_org_county, pc::party_org_id))
        .select((pc::party_org_county, pc::party_org_id, count_star()))
        .load(conn)?;
    let ended: Vec<(i32, i64, i64)> = ce::table
        .inner_join(
            o::table.on(o::county_code
                .eq(ce::county_code)
                .and(o::id.eq(ce::organization_id))),
        )
        .filter(ce::since.le(day))
        .filter(ce::until.ge(day))
        .filter(alive)
        .group_by((ce::party_org_county, ce::party_org_id))
        .select((ce::party_org_county, ce::party_org_id, count_star()))
        .load(conn)?;
    let mut units: HashMap<Key, u32> = HashMap::new();
    for (county, id, n) in current.into_iter().chain(ended) {
        *units.entry(Key { county, id }).or_default() += u32::try_from(n).unwrap_or(u32::MAX);
    }
    Ok(units)
}

fn bad(field: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{field}：{e}"))
}

/// county, id, name, kind, sectors, zone, registered on, dissolved on
type OrganizationRow = (
    i32,
    i64,
    String,
    String,
    i64,
    Option<i64>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// organization county, id, party organization county, id, type, since, until
type CoverRow = (i32, i64, i32, i64, String, NaiveDate, Option<NaiveDate>);

impl Store {
    /// The coverage facts of `scope` as they stood on `day`: today's from the records as
    /// they are; a past day's from the dated records ([`Store::coverage_records`]), so a
    /// unit registered, a member admitted or received, a coverage link or an instructor's
    /// assignment dated after it does not count, and one ended since still does. (Units
    /// covered are counted over the scope's own units on a past day.)
    pub fn coverage_facts_on(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        day: NaiveDate,
    ) -> Result<CoverageFacts> {
        if day >= today {
            return self.coverage_facts(scope, today);
        }
        let mut records = self.coverage_records_of(scope, today, day, true)?;
        let (low, high) = scope.path_range();
        if is_subtree_scope(scope) {
            // A party organization's scope is the units its subtree covered that day, not
            // those it covers now.
            let subtree: HashSet<Key> = po::table
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select((po::county_code, po::id))
                .load::<(i32, i64)>(self.conn())?
                .into_iter()
                .map(|(county, id)| Key { county, id })
                .collect();
            records.retain(|r| {
                r.covers
                    .iter()
                    .any(|c| c.span.holds_on(day) && subtree.contains(&c.party_org))
            });
        }
        // Units covered per party organization on the day, wherever the units are (as today's
        // facts count them).
        let units = units_covered_on(self.conn(), day)?;
        let organizations = records
            .iter()
            .filter_map(|r| r.facts_on(day, &units))
            .collect();
        if scope.member.is_some() {
            return Ok(CoverageFacts {
                organizations,
                party_orgs: Vec::new(),
            });
        }
        let conn = self.conn();
        let member_counts: HashMap<Key, u32> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(m::joined_on.le(day))
            .filter(m::arrived_on.is_null().or(m::arrived_on.le(day)))
            .filter(m::left_on.is_null().or(m::left_on.gt(day)))
            .group_by((m::county_code, m::party_org_id))
            .select((m::county_code, m::party_org_id, count_star()))
            .load::<(i32, i64, i64)>(conn)?
            .into_iter()
            .map(|(county, id, n)| (Key { county, id }, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect();
        let rows: Vec<PartyOrgFactRow> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null().or(po::dissolved_on.gt(day)))
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
        Ok(CoverageFacts {
            organizations,
            party_orgs: party_org_facts(rows, &member_counts, &units, Some(day))?,
        })
    }

    /// The organizations `scope` sees that existed at some time from `from` to `today`,
    /// with the dates of their members, covering party organizations and instructors.
    pub fn coverage_records(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        from: NaiveDate,
    ) -> Result<Vec<OrganizationRecord>> {
        self.coverage_records_of(scope, today, from, false)
    }

    /// [`Store::coverage_records`]; `since_from`: a party organization's scope takes the
    /// units its subtree covered at any time from `from`, not only those it covers now
    /// (the caller keeps those covered on the day it judges).
    fn coverage_records_of(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        from: NaiveDate,
        since_from: bool,
    ) -> Result<Vec<OrganizationRecord>> {
        let counties = scope.county_range();
        let conn = self.conn();
        let units = if since_from && is_subtree_scope(scope) {
            let (low, high) = scope.path_range();
            let now = exists(
                pc::table
                    .inner_join(
                        po::table.on(po::county_code
                            .eq(pc::party_org_county)
                            .and(po::id.eq(pc::party_org_id))),
                    )
                    .filter(pc::county_code.eq(o::county_code))
                    .filter(pc::organization_id.eq(o::id))
                    .filter(po::path.ge(low.clone()).and(po::path.lt(high.clone()))),
            );
            let ended = exists(
                ce::table
                    .inner_join(
                        po::table.on(po::county_code
                            .eq(ce::party_org_county)
                            .and(po::id.eq(ce::party_org_id))),
                    )
                    .filter(ce::county_code.eq(o::county_code))
                    .filter(ce::organization_id.eq(o::id))
                    .filter(ce::until.ge(from))
                    .filter(po::path.ge(low).and(po::path.lt(high))),
            );
            o::table
                .filter(o::dissolved_on.is_null().or(o::dissolved_on.gt(from)))
                .filter(now.or(ended))
                .into_boxed()
        } else {
            scoped_alive(scope, today, Lookup::ByRegion, Some(from))
        };
        let rows: Vec<OrganizationRow> = units
            .select((
                o::county_code,
                o::id,
                o::name,
                o::kind,
                o::sectors,
                o::zone_id,
                o::registered_on,
                o::dissolved_on,
            ))
            .load(conn)?;
        let mut records: HashMap<Key, OrganizationRecord> = HashMap::with_capacity(rows.len());
        for (county, id, name, kind, sectors, zone, registered_on, dissolved_on) in rows {
            let key = Key { county, id };
            records.insert(
                key,
                OrganizationRecord {
                    key,
                    name,
                    kind: OrgKind::parse(&kind).map_err(|e| bad("组织类别", e))?,
                    sectors: SectorSet::from_bits(sectors),
                    zone,
                    registered_on,
                    dissolved_on,
                    members: Vec::new(),
                    covers: Vec::new(),
                    instructors: Vec::new(),
                },
            );
        }

        // Members at each workplace who had not left before `from`.
        let mut mq = m::table
            .filter(m::workplace_org_id.is_not_null())
            .filter(m::left_on.is_null().or(m::left_on.gt(from)))
            .select((
                m::workplace_county,
                m::workplace_org_id,
                m::joined_on,
                m::arrived_on,
                m::confirmed_on,
                m::left_on,
            ))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            mq = mq.filter(m::workplace_county.between(lo, hi));
        }
        type MemberRow = (
            Option<i32>,
            Option<i64>,
            NaiveDate,
            Option<NaiveDate>,
            Option<NaiveDate>,
            Option<NaiveDate>,
        );
        for (county, id, joined_on, arrived_on, confirmed_on, left_on) in
            mq.load::<MemberRow>(conn)?
        {
            // A record opened by a transfer counts from the day received: the record the
            // member left counts until then.
            let joined_on = arrived_on.unwrap_or(joined_on);
            let (Some(county), Some(id)) = (county, id) else {
                continue;
            };
            if let Some(r) = records.get_mut(&Key { county, id }) {
                r.members.push(MemberDates {
                    joined_on,
                    confirmed_on,
                    left_on,
                });
            }
        }

        // Covering party organizations: the links in force and those that ended after `from`.
        let join = po::table.on(po::county_code
            .eq(pc::party_org_county)
            .and(po::id.eq(pc::party_org_id)));
        let mut cq = pc::table
            .inner_join(join)
            .select((
                pc::county_code,
                pc::organization_id,
                po::county_code,
                po::id,
                po::org_type,
                pc::since,
                po::dissolved_on,
            ))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            cq = cq.filter(pc::county_code.between(lo, hi));
        }
        let mut covers: Vec<CoverRow> = cq.load(conn)?;
        let mut eq = ce::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(ce::party_org_county)
                    .and(po::id.eq(ce::party_org_id))),
            )
            .filter(ce::until.ge(from))
            .select((
                ce::county_code,
                ce::organization_id,
                po::county_code,
                po::id,
                po::org_type,
                ce::since,
                ce::until.nullable(),
            ))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            eq = eq.filter(ce::county_code.between(lo, hi));
        }
        // A link in force ends where its party organization was dissolved (the day before).
        for c in &mut covers {
            c.6 = c.6.and_then(|d| d.pred_opt());
        }
        covers.extend(eq.load::<CoverRow>(conn)?);
        for (county, id, pcounty, pid, t, since, until) in covers {
            if let Some(r) = records.get_mut(&Key { county, id }) {
                r.covers.push(CoverDates {
                    party_org: Key {
                        county: pcounty,
                        id: pid,
                    },
                    org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
                    span: Span { since, until },
                });
            }
        }

        let mut iq = ia::table
            .filter(ia::until.is_null().or(ia::until.ge(from)))
            .select((ia::county_code, ia::organization_id, ia::since, ia::until))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            iq = iq.filter(ia::county_code.between(lo, hi));
        }
        for (county, id, since, until) in
            iq.load::<(i32, i64, NaiveDate, Option<NaiveDate>)>(conn)?
        {
            if let Some(r) = records.get_mut(&Key { county, id }) {
                r.instructors.push(Span { since, until });
            }
        }

        let mut out: Vec<OrganizationRecord> = records.into_values().collect();
        out.sort_by_key(|r| r.key);
        Ok(out)
    }
}
