//! The append-only audit log (审计日志): who changed what member data, when, before and
//! after. Each row's HMAC (keyed from the master key) covers the previous row's, so removing
//! or altering a row
//! breaks the chain ([`crate::Store::verify_audit_chain`]); triggers refuse UPDATE and
//! DELETE on both backends, and [`crate::anchor`] keeps the end from being cut off.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use crate::IdCipher;
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::schema::audit_log::dsl as a;

/// One entry to append.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub county: i32,
    pub entity_id: i64,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A stored row.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = crate::schema::audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub county_code: i32,
    pub entity_id: i64,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
    /// The key that chained it (hex), `""` before key ids.
    pub key_id: String,
}

/// What a row's MAC covers, after the previous row's MAC.
fn chained_parts(prev: &str, row: &RowParts<'_>) -> [String; 9] {
    [
        prev.to_owned(),
        row.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        row.actor.to_owned(),
        row.action.to_owned(),
        row.entity.to_owned(),
        row.county.to_string(),
        row.entity_id.to_string(),
        row.before.unwrap_or("\u{0}").to_owned(),
        row.after.unwrap_or("\u{0}").to_owned(),
    ]
}

fn chain_hash(keys: &IdCipher, prev: &str, row: &RowParts<'_>) -> String {
    let parts = chained_parts(prev, row);
    keys.chain_mac(&parts.each_ref().map(String::as_str))
}

/// Whether a stored row carries the MAC it should after `prev`, with the key it names.
pub(crate) fn row_verifies(keys: &IdCipher, prev: &str, row: &AuditRow) -> bool {
    let parts = chained_parts(
        prev,
        &RowParts {
            at: &row.at,
            actor: &row.actor,
            action: &row.action,
            entity: &row.entity,
            county: row.county_code,
            entity_id: row.entity_id,
            before: row.before.as_deref(),
            after: row.after.as_deref(),
        },
    );
    keys.chain_macs(&row.key_id, &parts.each_ref().map(String::as_str))
        .contains(&row.hash)
}

/// The hashed content of a row.
struct RowParts<'a> {
    at: &'a NaiveDateTime,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    county: i32,
    entity_id: i64,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

/// Appends an entry; call inside the transaction that makes the change (it opens its own,
/// a savepoint when nested, so the lock and the chain read are never split).
pub fn append(conn: &mut DbConnection, keys: &IdCipher, entry: Entry<'_>) -> Result<()> {
    conn.transaction::<_, StoreError, _>(|conn| append_in(conn, keys, entry))
}

fn append_in(conn: &mut DbConnection, keys: &IdCipher, entry: Entry<'_>) -> Result<()> {
    // DIALECT: on PostgreSQL concurrent writers must not fork the chain; a transaction-scoped
    // advisory lock serializes appends. SQLite has a single writer already.
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(4242001)").execute(pg)?;
    }
    let prev: String = a::audit_log
        .order(a::id.desc())
        .select(a::hash)
        .first(conn)
        .optional()?
        .unwrap_or_default();
    // Microsecond precision: what both databases store exactly.
    let now = chrono::Utc::now().naive_utc();
    let at = now
        .date()
        .and_hms_micro_opt(
            chrono::Timelike::hour(&now),
            chrono::Timelike::minute(&now),
            chrono::Timelike::second(&now),
            chrono::Timelike::nanosecond(&now) / 1000 % 1_000_000,
        )
        .unwrap_or(now);
    let before = entry.before.map(|v| v.to_string());
    let after = entry.after.map(|v| v.to_string());
    let hash = chain_hash(
        keys,
        &prev,
        &RowParts {
            at: &at,
            actor: entry.actor,
            action: entry.action,
            entity: entry.entity,
            county: entry.county,
            entity_id: entry.entity_id,
            before: before.as_deref(),
            after: after.as_deref(),
        },
    );
    diesel::insert_into(a::audit_log)
        .values((
            a::at.eq(at),
            a::actor.eq(entry.actor),
            a::action.eq(entry.action),
            a::entity.eq(entry.entity),
            a::county_code.eq(entry.county),
            a::entity_id.eq(entry.entity_id),
            a::before.eq(before),
            a::after.eq(after),
            a::prev_hash.eq(prev),
            a::hash.eq(hash),
            a::key_id.eq(keys.key_id()),
        ))
        .execute(conn)?;
    Ok(())
}

impl crate::Store {
    /// The audit entries about one entity, oldest first.
    pub fn audit_entries(&mut self, entity: &str, county: i32, id: i64) -> Result<Vec<AuditRow>> {
        Ok(a::audit_log
            .filter(
                a::entity
                    .eq(entity)
                    .and(a::county_code.eq(county))
                    .and(a::entity_id.eq(id)),
            )
            .order(a::id)
            .select(AuditRow::as_select())
            .load(self.conn())?)
    }

    /// Recomputes the chain; returns the id of the first row that does not match.
    pub fn verify_audit_chain(&mut self) -> Result<Option<i64>> {
        Ok(match self.verify_audit_log(None)?.fault {
            Some(crate::anchor::LogFault::Broken { row, .. }) => Some(row),
            _ => None,
        })
    }
}

/// What the 安全审计员 searches the log by. Empty fields do not filter.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    /// The counties `[low, high]` the reader's region spans, and whether the rows of no
    /// county (loads, checkpoints, key changes) are also theirs (the city's reader).
    pub counties: Option<(i32, i32)>,
    pub with_countyless: bool,
    /// As recorded: `user:17`, `cli`, `init`, `schedule`, `demo`.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    /// From this moment (inclusive) to that one (exclusive), UTC.
    pub from: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
    pub offset: i64,
    pub limit: i64,
}

impl crate::Store {
    /// A page of the audit log, newest first, and how many rows match.
    pub fn audit_log_page(&mut self, q: &LogQuery) -> Result<(i64, Vec<AuditRow>)> {
        let filtered = || {
            let mut query = a::audit_log.into_boxed::<crate::connection::DbBackend>();
            if let Some((low, high)) = q.counties {
                query = if q.with_countyless {
                    query.filter(a::county_code.between(low, high).or(a::county_code.eq(0)))
                } else {
                    query.filter(a::county_code.between(low, high))
                };
            }
            if let Some(actor) = &q.actor {
                query = query.filter(a::actor.eq(actor.clone()));
            }
            if let Some(action) = &q.action {
                query = query.filter(a::action.eq(action.clone()));
            }
            if let Some(entity) = &q.entity {
                query = query.filter(a::entity.eq(entity.clone()));
            }
            if let Some(from) = q.from {
                query = query.filter(a::at.ge(from));
            }
            if let Some(until) = q.until {
                query = query.filter(a::at.lt(until));
            }
            query
        };
        let total: i64 = filtered().count().get_result(self.conn())?;
        let rows = filtered()
            .order(a::id.desc())
            .offset(q.offset)
            .limit(q.limit)
            .select(AuditRow::as_select())
            .load(self.conn())?;
        Ok((total, rows))
    }

    /// Display names of recorded actors (`user:17` → the account's name).
    pub fn actor_names<'a>(
        &mut self,
        actors: impl IntoIterator<Item = &'a str>,
    ) -> Result<std::collections::HashMap<String, String>> {
        crate::accounts::actor_names(self.conn(), actors)
    }
}
