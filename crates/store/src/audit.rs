//! The append-only audit log (审计日志): who changed what member data, when, before and
//! after. Each row's hash covers the previous row's hash, so removing or altering a row
//! breaks the chain ([`crate::Store::verify_audit_chain`]); triggers refuse UPDATE and
//! DELETE on both backends.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::connection::DbConnection;
use crate::error::Result;
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
}

#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    at: &NaiveDateTime,
    actor: &str,
    action: &str,
    entity: &str,
    county: i32,
    entity_id: i64,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        actor,
        action,
        entity,
        &county.to_string(),
        &entity_id.to_string(),
        before.unwrap_or("\u{0}"),
        after.unwrap_or("\u{0}"),
    ] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry; call inside the transaction that makes the change.
pub fn append(conn: &mut DbConnection, entry: Entry<'_>) -> Result<()> {
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
        &prev,
        &at,
        entry.actor,
        entry.action,
        entry.entity,
        entry.county,
        entry.entity_id,
        before.as_deref(),
        after.as_deref(),
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
        let rows: Vec<AuditRow> = a::audit_log
            .order(a::id)
            .select(AuditRow::as_select())
            .load(self.conn())?;
        let mut prev = String::new();
        for row in rows {
            let expected = chain_hash(
                &prev,
                &row.at,
                &row.actor,
                &row.action,
                &row.entity,
                row.county_code,
                row.entity_id,
                row.before.as_deref(),
                row.after.as_deref(),
            );
            if row.prev_hash != prev || row.hash != expected {
                return Ok(Some(row.id));
            }
            prev = row.hash;
        }
        Ok(None)
    }
}
