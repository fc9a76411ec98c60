//! 先进典型: organizations, members, party-affairs workers and practices held up as examples,
//! each with its deeds, the evidence and who recognized it. Staff record one of their own
//! organizations (or a member of them); a committee (党委、党工委) publishes it or withdraws
//! it. Published exemplars show on their town's page and feed the bulletin. A scope sees
//! the exemplars of its organizations; data flows up.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{ExemplarKind, PartyOrgType};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{exemplars as ex, members as m, party_orgs as po};
use crate::{Scope, Store};

/// An exemplar as staff record it.
#[derive(Debug, Clone)]
pub struct NewExemplar {
    pub kind: ExemplarKind,
    /// The organization it is or practises (for a person: taken from the member's record).
    pub party_org: Option<Key>,
    /// The member, for 优秀共产党员 and 优秀党务工作者.
    pub member: Option<Key>,
    pub title: String,
    /// 事迹: what was done.
    pub summary: String,
    /// 依据: the commendation, the report, the records that show it.
    pub evidence: String,
    /// 表彰单位, when it was commended.
    pub recognized_by: String,
    pub year: i32,
}

/// An exemplar as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemplar {
    pub key: Key,
    pub kind: ExemplarKind,
    pub party_org: Key,
    pub party_org_name: String,
    /// The member and their name, for a person.
    pub member: Option<(Key, String)>,
    pub title: String,
    pub summary: String,
    pub evidence: String,
    pub recognized_by: String,
    pub year: i32,
    pub recorded_on: NaiveDate,
    pub published_on: Option<NaiveDate>,
    /// The zone the organization belongs to: its own, or that of the units it covers.
    pub zone: Option<i64>,
}

type ExemplarRow = (
    (
        i32,
        i64,
        String,
        i64,
        Option<i32>,
        Option<i64>,
        String,
        String,
    ),
    (String, String, i32, NaiveDate, Option<NaiveDate>),
    (String, String, Option<i64>),
    Option<String>,
);

impl Store {
    /// A party organization of `scope` that stands: its path, type, name.
    fn exemplar_org(&mut self, scope: &Scope, key: Key) -> Result<Option<(String, String)>> {
        let row: Option<(String, String)> = po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id))
            .filter(po::dissolved_on.is_null())
            .select((po::path, po::org_type))
            .first(self.conn())
            .optional()?;
        Ok(row.filter(|(path, _)| scope.contains_path(path)))
    }

    /// Records an exemplar of one of the scope's organizations, not yet published.
    pub fn record_exemplar(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        e: &NewExemplar,
    ) -> Result<Key> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("先进典型", "由党组织记录"));
        }
        let title = typed_text("名称", &e.title, true, 100)?;
        let summary = typed_text("主要事迹", &e.summary, true, 4000)?;
        let evidence = typed_text("依据", &e.evidence, true, 1000)?;
        let recognized_by = typed_text("表彰单位", &e.recognized_by, false, 100)?;
        if e.year > today.year() || e.year < today.year() - 10 {
            return Err(StoreError::invalid("年度", "应为近十年内"));
        }
        let (org, member) = if e.kind.is_person() {
            let key = e
                .member
                .ok_or_else(|| StoreError::invalid("党员", "请填写党员编号"))?;
            let row = crate::registry::member_in_scope(self.conn(), scope, key)
                .map_err(|_| StoreError::invalid("党员", "不存在或不在您的管理范围内"))?;
            let left: Option<NaiveDate> = m::table
                .filter(m::county_code.eq(key.county))
                .filter(m::id.eq(key.id))
                .select(m::left_on)
                .first(self.conn())?;
            if left.is_some() {
                return Err(StoreError::invalid("党员", "已不在册"));
            }
            (
                Key {
                    county: key.county,
                    id: row.party_org_id,
                },
                Some(key),
            )
        } else {
            if e.member.is_some() {
                return Err(StoreError::invalid("党员", "党组织和做法类典型不填党员"));
            }
            let key = e
                .party_org
                .ok_or_else(|| StoreError::invalid("党组织", "请填写党组织编号"))?;
            let (_, t) = self
                .exemplar_org(scope, key)?
                .ok_or_else(|| StoreError::invalid("党组织", "不存在或不在您的管理范围内"))?;
            if e.kind == ExemplarKind::Organization && t == PartyOrgType::Group.code() {
                return Err(StoreError::invalid("党组织", "党小组不评先进基层党组织"));
            }
            (key, None)
        };
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "exemplars", 1)?;
            diesel::insert_into(ex::table)
                .values((
                    (
                        ex::county_code.eq(org.county),
                        ex::id.eq(id),
                        ex::kind.eq(e.kind.code()),
                        ex::party_org_id.eq(org.id),
                        ex::member_county.eq(member.map(|k| k.county)),
                        ex::member_id.eq(member.map(|k| k.id)),
                        ex::title.eq(&title),
                        ex::summary.eq(&summary),
                    ),
                    (
                        ex::evidence.eq(&evidence),
                        ex::recognized_by.eq(&recognized_by),
                        ex::year.eq(e.year),
                        ex::recorded_on.eq(today),
                        ex::recorded_by.eq(actor),
                    ),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "exemplar",
                    county: org.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "kind": e.kind.code(),
                        "party_org": org.id,
                        "member": member.map(|k| format!("{}-{}", k.county, k.id)),
                        "title": title,
                        "year": e.year,
                        "evidence": evidence,
                    })),
                },
            )?;
            Ok(Key {
                county: org.county,
                id,
            })
        })
    }

    /// A committee of `scope` publishes an exemplar of its organizations, or withdraws it.
    pub fn publish_exemplar(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        publish: bool,
    ) -> Result<()> {
        let committee = scope.is_staff()
            && self
                .scope_root(scope)?
                .is_some_and(|r| r.org_type.is_committee());
        if !committee {
            return Err(StoreError::invalid("先进典型", "由党委、党工委发布"));
        }
        let e = self
            .exemplar(scope, key)?
            .ok_or_else(|| StoreError::invalid("先进典型", "不存在或不在您的管理范围内"))?;
        if e.published_on.is_some() == publish {
            return Err(StoreError::invalid(
                "先进典型",
                if publish { "已发布" } else { "尚未发布" },
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Under the write lock: another committee's publish or withdraw at the same time
            // is found here, not written over.
            let now: Option<NaiveDate> = ex::table
                .filter(ex::county_code.eq(key.county))
                .filter(ex::id.eq(key.id))
                .select(ex::published_on)
                .first(conn)?;
            if now.is_some() == publish {
                return Err(StoreError::invalid(
                    "先进典型",
                    if publish { "已发布" } else { "尚未发布" },
                ));
            }
            diesel::update(
                ex::table
                    .filter(ex::county_code.eq(key.county))
                    .filter(ex::id.eq(key.id)),
            )
            .set((
                ex::published_on.eq(publish.then_some(today)),
                ex::published_by.eq(publish.then_some(actor)),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if publish { "publish" } else { "withdraw" },
                    entity: "exemplar",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(json!({ "published_on": now })),
                    after: Some(json!({ "published_on": publish.then_some(today) })),
                },
            )?;
            Ok(())
        })
    }

    fn exemplar_rows(&mut self, scope: &Scope, filter: ExemplarFilter) -> Result<Vec<Exemplar>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let mut q = ex::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(ex::county_code)
                    .and(po::id.eq(ex::party_org_id))),
            )
            .left_join(
                m::table.on(m::county_code
                    .nullable()
                    .eq(ex::member_county)
                    .and(m::id.nullable().eq(ex::member_id))),
            )
            .filter(po::path.ge(low))
            .filter(po::path.lt(high))
            .select((
                (
                    ex::county_code,
                    ex::id,
                    ex::kind,
                    ex::party_org_id,
                    ex::member_county,
                    ex::member_id,
                    ex::title,
                    ex::summary,
                ),
                (
                    ex::evidence,
                    ex::recognized_by,
                    ex::year,
                    ex::recorded_on,
                    ex::published_on,
                ),
                (po::name, po::path, po::zone_id),
                m::name.nullable(),
            ))
            .order((ex::year.desc(), ex::county_code, ex::id.desc()))
            .into_boxed();
        match filter {
            ExemplarFilter::All => {}
            ExemplarFilter::One(k) => {
                q = q
                    .filter(ex::county_code.eq(k.county))
                    .filter(ex::id.eq(k.id));
            }
            ExemplarFilter::PublishedInZone(_) => {
                q = q.filter(ex::published_on.is_not_null());
            }
        }
        let rows: Vec<ExemplarRow> = q.load(self.conn())?;
        // An organization without a zone of its own is in the zone of the units it covers
        // (a company's branch in a park).
        let unzoned: Vec<(i32, i64)> = rows
            .iter()
            .filter(|r| r.2.2.is_none())
            .map(|r| (r.0.0, r.0.3))
            .collect();
        let mut covered: std::collections::HashMap<(i32, i64), i64> = Default::default();
        for (county, org) in unzoned {
            use crate::schema::{organizations as o, party_org_coverage as pc};
            let zone: Option<Option<i64>> = pc::table
                .inner_join(
                    o::table.on(o::county_code
                        .eq(pc::county_code)
                        .and(o::id.eq(pc::organization_id))),
                )
                .filter(pc::party_org_county.eq(county))
                .filter(pc::party_org_id.eq(org))
                .filter(o::zone_id.is_not_null())
                .filter(o::dissolved_on.is_null())
                // The same answer on either database: the first zone by id.
                .order((o::zone_id, pc::county_code, pc::organization_id))
                .select(o::zone_id)
                .first(self.conn())
                .optional()?;
            if let Some(Some(z)) = zone {
                covered.insert((county, org), z);
            }
        }
        let rows: Vec<ExemplarRow> = rows
            .into_iter()
            .map(|mut r| {
                if r.2.2.is_none() {
                    r.2.2 = covered.get(&(r.0.0, r.0.3)).copied();
                }
                r
            })
            .filter(|r| match filter {
                ExemplarFilter::PublishedInZone(z) => r.2.2 == Some(z),
                _ => true,
            })
            .collect();
        rows.into_iter()
            .map(|row| {
                let (
                    (county, id, kind, org, mc, mi, title, summary),
                    (evidence, recognized_by, year, recorded_on, published_on),
                    (org_name, _, zone),
                    member_name,
                ) = row;
                Ok(Exemplar {
                    key: Key { county, id },
                    kind: ExemplarKind::parse(&kind)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    party_org: Key { county, id: org },
                    party_org_name: org_name,
                    member: match (mc, mi) {
                        (Some(c), Some(i)) => {
                            Some((Key { county: c, id: i }, member_name.unwrap_or_default()))
                        }
                        _ => None,
                    },
                    title,
                    summary,
                    evidence,
                    recognized_by,
                    year,
                    recorded_on,
                    published_on,
                    zone,
                })
            })
            .collect()
    }

    /// The exemplars of the scope's organizations, newest year first.
    pub fn exemplars(&mut self, scope: &Scope) -> Result<Vec<Exemplar>> {
        self.exemplar_rows(scope, ExemplarFilter::All)
    }

    /// One exemplar, if `scope` holds its organization.
    pub fn exemplar(&mut self, scope: &Scope, key: Key) -> Result<Option<Exemplar>> {
        Ok(self.exemplar_rows(scope, ExemplarFilter::One(key))?.pop())
    }

    /// The published exemplars of a zone's organizations that `scope` holds.
    pub fn zone_exemplars(&mut self, scope: &Scope, zone: i64) -> Result<Vec<Exemplar>> {
        self.exemplar_rows(scope, ExemplarFilter::PublishedInZone(zone))
    }
}

#[derive(Debug, Clone, Copy)]
enum ExemplarFilter {
    All,
    One(Key),
    PublishedInZone(i64),
}
