//! 划片包干: a committee (党委、党工委) assigns its cadres, by name and post, to organizations
//! below it, each from a day until the assignment ends. The cadre answers for the charge's
//! open items (the 待办 of its subtree). A scope sees the assignments its committees made;
//! data flows up.

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{area_charges as ac, party_orgs as po};
use crate::{Scope, Store};

/// An assignment as the committee makes it.
#[derive(Debug, Clone)]
pub struct NewCharge {
    pub cadre: String,
    /// 职务: 县两新工委委员, 组织部副部长 …
    pub post: String,
    pub party_org: Key,
    pub since: NaiveDate,
}

/// An assignment as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub key: Key,
    pub committee: Key,
    pub committee_name: String,
    pub cadre: String,
    pub post: String,
    pub party_org: Key,
    pub party_org_name: String,
    /// The charge's path: its subtree is what the cadre answers for.
    pub party_org_path: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Charge {
    pub fn current(&self, today: NaiveDate) -> bool {
        self.since <= today && self.until.is_none_or(|u| u >= today)
    }
}

type ChargeRow = (
    (i32, i64, i64, String, String, i32, i64),
    (NaiveDate, Option<NaiveDate>),
);

impl Store {
    /// The committee at the root of `scope` assigns a cadre to an organization below it.
    pub fn assign_charge(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        c: &NewCharge,
    ) -> Result<Key> {
        let root = if scope.is_staff() {
            self.scope_root(scope)?
                .filter(|r| r.org_type.is_committee())
        } else {
            None
        };
        let root = root.ok_or_else(|| StoreError::invalid("包干", "由党委、党工委安排"))?;
        let cadre = typed_text("包干干部", &c.cadre, true, 50)?;
        let post = typed_text("职务", &c.post, true, 100)?;
        if c.since > today {
            return Err(StoreError::invalid("包干起始日期", "不能晚于今天"));
        }
        if c.since < today - Days::new(366) {
            return Err(StoreError::invalid("包干起始日期", "不能早于一年前"));
        }
        let path: Option<String> = po::table
            .filter(po::county_code.eq(c.party_org.county))
            .filter(po::id.eq(c.party_org.id))
            .filter(po::dissolved_on.is_null())
            .select(po::path)
            .first(self.conn())
            .optional()?;
        match path {
            Some(p) if scope.contains_path(&p) && p != root.path => {}
            _ => {
                return Err(StoreError::invalid(
                    "包干党组织",
                    "应为本级以下、在您管理范围内的党组织",
                ));
            }
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let open: i64 = ac::table
                .filter(ac::county_code.eq(root.key.county))
                .filter(ac::committee_id.eq(root.key.id))
                .filter(ac::party_org_county.eq(c.party_org.county))
                .filter(ac::party_org_id.eq(c.party_org.id))
                .filter(ac::cadre.eq(&cadre))
                .filter(ac::until.is_null())
                .count()
                .get_result(conn)?;
            if open > 0 {
                return Err(StoreError::invalid("包干干部", "已包干这个党组织"));
            }
            let id = crate::registry::allocate(conn, "area_charges", 1)?;
            diesel::insert_into(ac::table)
                .values((
                    ac::county_code.eq(root.key.county),
                    ac::id.eq(id),
                    ac::committee_id.eq(root.key.id),
                    ac::cadre.eq(&cadre),
                    ac::post.eq(&post),
                    ac::party_org_county.eq(c.party_org.county),
                    ac::party_org_id.eq(c.party_org.id),
                    ac::since.eq(c.since),
                    ac::assigned_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "area_charge",
                    county: root.key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "committee": root.key.id,
                        "cadre": cadre,
                        "post": post,
                        "party_org": format!("{}-{}", c.party_org.county, c.party_org.id),
                        "since": c.since,
                    })),
                },
            )?;
            Ok(Key {
                county: root.key.county,
                id,
            })
        })
    }

    /// Ends an assignment of a committee in `scope` on `until` (not before it began).
    pub fn end_charge(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        until: NaiveDate,
    ) -> Result<()> {
        let c = self
            .charges(scope)?
            .into_iter()
            .find(|c| c.key == key)
            .ok_or_else(|| StoreError::invalid("包干", "不存在或不在您的管理范围内"))?;
        if c.until.is_some() {
            return Err(StoreError::invalid("包干", "已结束"));
        }
        if until > today {
            return Err(StoreError::invalid("结束日期", "不能晚于今天"));
        }
        if until < c.since {
            return Err(StoreError::invalid("结束日期", "不能早于包干起始日期"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let changed = diesel::update(
                ac::table
                    .filter(ac::county_code.eq(key.county))
                    .filter(ac::id.eq(key.id))
                    .filter(ac::until.is_null()),
            )
            .set(ac::until.eq(until))
            .execute(conn)?;
            if changed == 0 {
                // Another user ended it meanwhile.
                return Err(StoreError::invalid("包干", "已结束"));
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "end",
                    entity: "area_charge",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "until": until })),
                },
            )?;
            Ok(())
        })
    }

    /// The assignments made by the committees in `scope`, by cadre, current ones first.
    pub fn charges(&mut self, scope: &Scope) -> Result<Vec<Charge>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let (committee, charge) = diesel::alias!(po as committee, po as charge);
        let rows: Vec<(ChargeRow, String, String, String)> = ac::table
            .inner_join(
                committee.on(committee
                    .field(po::county_code)
                    .eq(ac::county_code)
                    .and(committee.field(po::id).eq(ac::committee_id))),
            )
            .inner_join(
                charge.on(charge
                    .field(po::county_code)
                    .eq(ac::party_org_county)
                    .and(charge.field(po::id).eq(ac::party_org_id))),
            )
            .filter(committee.field(po::path).ge(low))
            .filter(committee.field(po::path).lt(high))
            .select((
                (
                    (
                        ac::county_code,
                        ac::id,
                        ac::committee_id,
                        ac::cadre,
                        ac::post,
                        ac::party_org_county,
                        ac::party_org_id,
                    ),
                    (ac::since, ac::until),
                ),
                committee.field(po::name),
                charge.field(po::name),
                charge.field(po::path),
            ))
            .load(self.conn())?;
        let mut out: Vec<Charge> = rows
            .into_iter()
            .map(
                |(
                    ((county, id, committee, cadre, post, pc, pi), (since, until)),
                    cn,
                    name,
                    path,
                )| {
                    Charge {
                        key: Key { county, id },
                        committee: Key {
                            county,
                            id: committee,
                        },
                        committee_name: cn,
                        cadre,
                        post,
                        party_org: Key { county: pc, id: pi },
                        party_org_name: name,
                        party_org_path: path,
                        since,
                        until,
                    }
                },
            )
            .collect();
        out.sort_by(|a, b| {
            a.until
                .is_some()
                .cmp(&b.until.is_some())
                .then(a.cadre.cmp(&b.cadre))
                .then(a.party_org_path.cmp(&b.party_org_path))
        });
        Ok(out)
    }
}
