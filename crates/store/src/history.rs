//! The dated records behind coverage over time (覆盖走势), gathered for one scope in a few
//! queries; the domain's `history::trend` computes each day's coverage from them.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::history::{CoverDates, MemberDates, OrganizationRecord, Span};
use liangxin_domain::kinds::{OrgKind, PartyOrgType, SectorSet};
use liangxin_domain::registry::Key;

use crate::coverage::{Lookup, scoped_alive};
use crate::error::{Result, StoreError};
use crate::schema::{
    coverage_ended as ce, instructor_assignments as ia, members as m, organizations as o,
    party_org_coverage as pc, party_orgs as po,
};
use crate::{Scope, Store};

fn bad(field: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{field}：{e}"))
}

/// county, id, kind, sectors, zone, registered on, dissolved on
type OrganizationRow = (
    i32,
    i64,
    String,
    i64,
    Option<i64>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

/// organization county, id, party organization county, id, type, since, until
type CoverRow = (i32, i64, i32, i64, String, NaiveDate, Option<NaiveDate>);

impl Store {
    /// The organizations `scope` sees that existed at some time from `from` to `today`,
    /// with the dates of their members, covering party organizations and instructors.
    pub fn coverage_records(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        from: NaiveDate,
    ) -> Result<Vec<OrganizationRecord>> {
        let counties = scope.county_range();
        let conn = self.conn();
        let rows: Vec<OrganizationRow> = scoped_alive(scope, today, Lookup::ByRegion, Some(from))
            .select((
                o::county_code,
                o::id,
                o::kind,
                o::sectors,
                o::zone_id,
                o::registered_on,
                o::dissolved_on,
            ))
            .load(conn)?;
        let mut records: HashMap<Key, OrganizationRecord> = HashMap::with_capacity(rows.len());
        for (county, id, kind, sectors, zone, registered_on, dissolved_on) in rows {
            let key = Key { county, id };
            records.insert(
                key,
                OrganizationRecord {
                    key,
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
