//! Rule parameters (规则参数): seeded from the domain defaults, versioned, loaded as a
//! [`RuleSet`].

use diesel::prelude::*;
use liangxin_domain::rules::{RuleParam, RuleSet};

use crate::connection::DbConnection;
use crate::error::Result;
use crate::schema::rule_parameters::dsl as r;

#[derive(Queryable, Insertable)]
#[diesel(table_name = crate::schema::rule_parameters)]
struct RuleRow {
    key: String,
    version: i32,
    value: i64,
    effective_from: chrono::NaiveDate,
    title: String,
    source: String,
}

/// Inserts every default version the database does not have yet (never overwrites: an
/// administrator's later version stays, and history is kept).
pub(crate) fn seed_defaults(conn: &mut DbConnection) -> Result<()> {
    let existing: Vec<(String, i32)> =
        r::rule_parameters.select((r::key, r::version)).load(conn)?;
    let missing: Vec<RuleRow> = RuleSet::defaults()
        .params()
        .iter()
        .filter(|p| !existing.iter().any(|(k, v)| *k == p.key && *v == p.version))
        .map(|p| RuleRow {
            key: p.key.clone(),
            version: p.version,
            value: p.value,
            effective_from: p.effective_from,
            title: p.title.clone(),
            source: p.source.clone(),
        })
        .collect();
    if !missing.is_empty() {
        crate::batch_insert!(conn, r::rule_parameters, &missing)?;
    }
    Ok(())
}

impl crate::Store {
    /// Every version of every rule parameter.
    pub fn rule_set(&mut self) -> Result<RuleSet> {
        let rows: Vec<RuleRow> = r::rule_parameters
            .order((r::key, r::version))
            .select((
                r::key,
                r::version,
                r::value,
                r::effective_from,
                r::title,
                r::source,
            ))
            .load(self.conn())?;
        Ok(RuleSet::new(
            rows.into_iter()
                .map(|row| RuleParam {
                    key: row.key,
                    version: row.version,
                    value: row.value,
                    effective_from: row.effective_from,
                    title: row.title,
                    source: row.source,
                })
                .collect(),
        ))
    }

    /// Adds a new version of a parameter (the old versions stay for history), in the
    /// audit log.
    pub fn add_rule_version(&mut self, actor: &str, param: &RuleParam) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Numbered under the write lock: two keepers adding at once get 2 and 3, not a
            // clash on (key, version).
            let last: Option<i32> = r::rule_parameters
                .filter(r::key.eq(&param.key))
                .select(diesel::dsl::max(r::version))
                .first(conn)?;
            let param = &RuleParam {
                version: last.map_or(param.version, |v| v.max(param.version - 1) + 1),
                ..param.clone()
            };
            crate::audit::append(
                conn,
                cipher,
                crate::audit::Entry {
                    actor,
                    action: "rule_version",
                    entity: "rule_parameter",
                    county: 0,
                    entity_id: i64::from(param.version),
                    before: None,
                    after: Some(serde_json::json!({
                        "key": param.key,
                        "version": param.version,
                        "value": param.value,
                        "effective_from": param.effective_from.to_string(),
                        "source": param.source,
                    })),
                },
            )?;
            diesel::insert_into(r::rule_parameters)
                .values(RuleRow {
                    key: param.key.clone(),
                    version: param.version,
                    value: param.value,
                    effective_from: param.effective_from,
                    title: param.title.clone(),
                    source: param.source.clone(),
                })
                .execute(conn)?;
            // Reports computed under the old rules are stale now.
            crate::registry::bump_version(conn)
        })
    }
}
