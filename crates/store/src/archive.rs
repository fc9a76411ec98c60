//! Members' archives (党员档案) in the store: which checklist items an archive holds, the
//! completeness of a member's and of each organization's archives, through the scope.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::archive::{self, ArchiveFacts, ArchiveRules, Completeness};
use liangxin_domain::kinds::{ArchiveItem, MemberStatus};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::schema::{member_archive_items as ai, members as m, party_orgs as po};
use crate::{Scope, Store};

/// Each checklist item and the day it was received, if it was.
pub type ArchiveItems = Vec<(ArchiveItem, Option<NaiveDate>)>;

impl Store {
    /// A member's archive items (received on) and completeness, if the scope sees them.
    pub fn member_archive(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
    ) -> Result<(ArchiveItems, Completeness)> {
        let view = self
            .member(scope, member)?
            .ok_or_else(|| StoreError::invalid("党员", "不存在或不在您的管理范围内"))?;
        let rules = ArchiveRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let held: HashMap<String, NaiveDate> = ai::table
            .filter(ai::county_code.eq(member.county))
            .filter(ai::member_id.eq(member.id))
            .select((ai::item, ai::received_on))
            .load::<(String, NaiveDate)>(self.conn())?
            .into_iter()
            .collect();
        let items = ArchiveItem::ALL
            .iter()
            .map(|i| (*i, held.get(i.code()).copied()))
            .collect();
        let facts = ArchiveFacts {
            status: view.status,
            joined_recorded: true,
            confirmed_recorded: view.confirmed_on.is_some(),
            items: ArchiveItem::ALL
                .iter()
                .copied()
                .filter(|i| held.contains_key(i.code()))
                .collect(),
        };
        Ok((items, archive::completeness(&facts, &rules)))
    }

    /// Records that a member's archive holds an item, received on a day (not after today).
    /// One transaction, audited.
    pub fn record_archive_item(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
        item: ArchiveItem,
        received_on: NaiveDate,
    ) -> Result<()> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "不能登记本人的档案"));
        }
        if received_on > today {
            return Err(StoreError::invalid("收到日期", "不能晚于今天"));
        }
        if self.member(scope, member)?.is_none() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            diesel::delete(
                ai::table
                    .filter(ai::county_code.eq(member.county))
                    .filter(ai::member_id.eq(member.id))
                    .filter(ai::item.eq(item.code())),
            )
            .execute(conn)?;
            diesel::insert_into(ai::table)
                .values((
                    ai::county_code.eq(member.county),
                    ai::member_id.eq(member.id),
                    ai::item.eq(item.code()),
                    ai::received_on.eq(received_on),
                    ai::recorded_by.eq(actor),
                ))
                .execute(conn)?;
            crate::activity::refresh(conn, &[member])?;
            crate::registry::bump_records(conn)?;
            crate::audit::append(
                conn,
                cipher,
                crate::audit::Entry {
                    actor,
                    action: "record_archive_item",
                    entity: "member",
                    county: member.county,
                    entity_id: member.id,
                    before: None,
                    after: Some(json!({ "item": item.code(), "received_on": received_on })),
                },
            )
        })
    }

    /// 信息完整度 of a party organization's subtree: members, those complete, and the mean
    /// percent. Meant for branches and groups (a whole county is a report of its own).
    pub fn party_org_archive(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
    ) -> Result<(u32, u32, u32)> {
        let po = self
            .party_org(scope, party_org)?
            .ok_or_else(|| StoreError::invalid("党组织", "不存在或不在您的管理范围内"))?;
        let all = self.archive_completeness(&Scope::subtree(po.path), today)?;
        let n = u32::try_from(all.len()).unwrap_or(u32::MAX);
        let complete = all.values().filter(|c| c.missing.is_empty()).count();
        let sum: u64 = all.values().map(|c| u64::from(c.percent)).sum();
        Ok((
            n,
            u32::try_from(complete).unwrap_or(u32::MAX),
            u32::try_from(sum / u64::from(n.max(1))).unwrap_or(100),
        ))
    }

    /// Each current member's archive completeness in `scope`, by member.
    pub(crate) fn archive_completeness(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<HashMap<Key, Completeness>> {
        let rules = ArchiveRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (low, high) = scope.path_range();
        let conn = self.conn();
        let rows: Vec<(i32, i64, String, Option<NaiveDate>)> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            // As of the day: admitted or received by then, not yet gone.
            .filter(m::joined_on.le(today))
            .filter(m::arrived_on.is_null().or(m::arrived_on.le(today)))
            .filter(m::left_on.is_null().or(m::left_on.gt(today)))
            .select((m::county_code, m::id, m::status, m::confirmed_on))
            .load(conn)?;
        let mut held = held_items(conn, scope, today)?;
        rows.into_iter()
            .map(|(county, id, status, confirmed)| {
                let key = Key { county, id };
                let items = held.remove(&key).unwrap_or_default();
                Ok((
                    key,
                    completeness_on(&status, confirmed, items, today, &rules)?,
                ))
            })
            .collect()
    }
}

/// The archive items each member of `scope`'s counties held on `today`: each member's
/// kept summary ([`crate::activity`]), and for the few whose last item was received after
/// the day, their items as of the day ([`later_items`]).
pub(crate) fn held_items(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
) -> Result<HashMap<Key, BTreeSet<ArchiveItem>>> {
    #[derive(diesel::QueryableByName)]
    struct Kept {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        county_code: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        member_id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        archive_items: i64,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
        archive_last_received_on: Option<crate::day::Day>,
    }
    let filter = scope.members_filter("county_code", "member_id");
    let sql = format!(
        "SELECT county_code, member_id, archive_items, archive_last_received_on \
         FROM member_activity WHERE archive_items <> 0{filter}"
    );
    let mut held = HashMap::new();
    let mut later = Vec::new();
    for r in diesel::sql_query(sql).load::<Kept>(conn)? {
        let key = Key {
            county: r.county_code,
            id: r.member_id,
        };
        if summary_holds(r.archive_last_received_on.map(NaiveDate::from), today) {
            held.insert(key, crate::activity::archive_items_of(r.archive_items));
        } else {
            later.push(key);
        }
    }
    held.extend(later_items(conn, &later, today)?);
    Ok(held)
}

/// Whether a member's kept archive items ([`crate::activity`]) are those held on `today`:
/// yes unless the last was received after it (then read [`later_items`]).
pub(crate) fn summary_holds(last_received: Option<NaiveDate>, today: NaiveDate) -> bool {
    last_received.is_none_or(|d| d <= today)
}

/// The archive items `members` held on `today`, read from the items themselves (for the
/// few whose last item was received after the day). One row per member comes back: the
/// items held as bits, summed in the database.
pub(crate) fn later_items(
    conn: &mut DbConnection,
    members: &[Key],
    today: NaiveDate,
) -> Result<HashMap<Key, BTreeSet<ArchiveItem>>> {
    let mut by_county: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for k in members {
        by_county.entry(k.county).or_default().push(k.id);
    }
    let mut held = HashMap::new();
    for (county, ids) in by_county {
        for chunk in ids.chunks(crate::registry::IN_LIST_MAX) {
            // Integers only, formatted here. As of the day: an item received after it was
            // not yet held. DIALECT: the quoted ISO date (computed, never user input)
            // compares as text on SQLite, DATE on PostgreSQL.
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let sql = format!(
                "SELECT county_code, member_id, {bits} AS held FROM member_archive_items \
                 WHERE county_code = {county} AND member_id IN ({list}) \
                   AND received_on <= '{today}' \
                 GROUP BY county_code, member_id",
                bits = crate::activity::archive_bits("item"),
            );
            for r in diesel::sql_query(sql).load::<HeldItems>(conn)? {
                held.insert(
                    Key {
                        county: r.county_code,
                        id: r.member_id,
                    },
                    crate::activity::archive_items_of(r.held),
                );
            }
        }
    }
    Ok(held)
}

/// A member's archive completeness on `today`, from their recorded status (`status`, its
/// code) and day confirmed, and the items they held.
pub(crate) fn completeness_on(
    status: &str,
    confirmed: Option<NaiveDate>,
    items: BTreeSet<ArchiveItem>,
    today: NaiveDate,
    rules: &ArchiveRules,
) -> Result<Completeness> {
    let status = MemberStatus::parse(status).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // A member confirmed after the day was still probationary on it.
    let status = match (status, confirmed) {
        (MemberStatus::Full, Some(on)) if on > today => MemberStatus::Probationary,
        (s, _) => s,
    };
    let facts = ArchiveFacts {
        status,
        joined_recorded: true,
        confirmed_recorded: confirmed.is_some_and(|on| on <= today),
        items,
    };
    Ok(archive::completeness(&facts, rules))
}

/// The archive items a member holds, as bits.
#[derive(diesel::QueryableByName)]
struct HeldItems {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    county_code: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    member_id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    held: i64,
}
