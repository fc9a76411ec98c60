//! Whether somebody is a registered party member is not for any clerk to find out. A
//! registration or an imported row whose resident ID is registered outside the asker's
//! scope is refused without saying where (the person comes by 组织关系转接), the lookup is
//! written to the audit log with the masked ID, and each account has a daily budget of
//! them: once it is spent, the account registers and previews nothing more that day (a
//! refusal only for IDs registered elsewhere would itself answer the question).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::crypto::IdCipher;
use crate::error::{Result, StoreError};
use crate::schema::audit_log::dsl as a;

/// People found registered elsewhere per account and day (China Standard Time).
pub const DAILY_LIMIT: i64 = 50;

/// What the asker is told of a person registered outside their scope.
pub const ELSEWHERE: &str = "此人已是党员，不能在此登记；组织关系须通过组织关系转接转入";

/// The audit log's action for one such lookup.
const ACTION: &str = "lookup_elsewhere";

fn refused() -> StoreError {
    StoreError::limit(
        "身份证号",
        format!(
            "今日已有{DAILY_LIMIT}次登记或导入遇到在其他地方登记的党员，已达上限；\
             请明日再试，或请上级党组织核实"
        ),
    )
}

/// The start of today in China Standard Time, as the log's UTC timestamps count it.
fn day_start(now: NaiveDateTime) -> NaiveDateTime {
    let local = now + Duration::hours(8);
    local.date().and_time(chrono::NaiveTime::MIN) - Duration::hours(8)
}

/// How many lookups `actor` has left today.
pub(crate) fn left(conn: &mut DbConnection, actor: &str) -> Result<i64> {
    let since = day_start(chrono::Utc::now().naive_utc());
    let used: i64 = a::audit_log
        .filter(a::actor.eq(actor))
        .filter(a::action.eq(ACTION))
        .filter(a::at.ge(since))
        .count()
        .get_result(conn)?;
    Ok(DAILY_LIMIT - used)
}

/// Refuses at once when the day's budget is spent: nothing is looked up then.
pub(crate) fn ensure_budget(conn: &mut DbConnection, actor: &str) -> Result<()> {
    if left(conn, actor)? <= 0 {
        return Err(refused());
    }
    Ok(())
}

/// Records the people `actor` found registered outside the scope (`masked` IDs), through
/// `via`, every one of them even past the day's budget: what was found was shown, so it is
/// logged, and [`ensure_budget`] refuses the next lookup. (Refusing here instead would
/// answer by refusing.) Call inside a write transaction.
pub(crate) fn record(
    conn: &mut DbConnection,
    cipher: &IdCipher,
    actor: &str,
    county: i32,
    via: &str,
    masked: &[String],
) -> Result<()> {
    for m in masked {
        audit::append(
            conn,
            cipher,
            Entry {
                actor,
                action: ACTION,
                entity: "person",
                county,
                entity_id: 0,
                before: None,
                after: Some(json!({ "resident_id": m, "via": via })),
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_starts_at_midnight_in_beijing() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default();
        // 2026-12-02 01:00 UTC is 09:00 in Beijing: the day began at 16:00 UTC the day before.
        assert_eq!(day_start(at("2026-12-02 01:00")), at("2026-12-01 16:00"));
        // 2026-12-01 17:00 UTC is already 2026-12-02 01:00 in Beijing.
        assert_eq!(day_start(at("2026-12-01 17:00")), at("2026-12-01 16:00"));
    }
}
