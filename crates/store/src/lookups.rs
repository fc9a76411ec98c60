//! Every way a full resident ID is confirmed or revealed to somebody is scoped, rationed and
//! written to the audit log: the masked form leaves 10⁵ and more numbers it could be, and
//! an answer that says "this is the one" would take them one by one.
//!
//! - **One at a time** (a budget of [`DAILY_LIMIT`] a day per account): a registration that
//!   finds the person already registered (outside the scope without saying where: the
//!   person comes by 组织关系转接), an imported row of somebody registered elsewhere, and an
//!   explicit reveal of a member's full number by those entitled. Once the budget is spent
//!   the account registers, previews and reveals nothing more that day (a refusal only for
//!   IDs registered elsewhere would itself answer the question).
//! - **By the sheet** (a budget of [`IDS_PER_DAY`] distinct IDs a day per account): a
//!   preview of a member, dues or attendance sheet says which rows name people on the
//!   register. The IDs are counted before they are compared, so a refusal depends only on
//!   the sheet's size; each preview is logged with how many it compared and matched. The
//!   console (`liangxin import`, run by the operator who holds the key) is logged, not
//!   rationed.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::crypto::IdCipher;
use crate::error::{Result, StoreError};
use crate::schema::audit_log::dsl as a;

/// IDs confirmed or revealed one at a time, per account and day (China Standard Time).
pub const DAILY_LIMIT: i64 = 50;

/// Distinct resident IDs an account's sheet previews may compare against the register a
/// day: a large county's whole register, and half of the fewest numbers a masked ID
/// leaves.
pub const IDS_PER_DAY: usize = 50_000;

/// The actor of the console, whose comparisons are logged but not rationed.
pub const CONSOLE: &str = "cli";

/// What the asker is told of a person registered outside their scope.
pub const ELSEWHERE: &str = "此人已是党员，不能在此登记；组织关系须通过组织关系转接转入";

/// How a resident ID was confirmed one at a time (the audit log's action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// Found registered outside the asker's scope.
    Elsewhere,
    /// Found registered inside it, by a registration of the same person.
    InScope,
    /// Shown in full to somebody entitled (the member's own branch and above).
    Revealed,
}

impl Confirmed {
    pub const ALL: [Confirmed; 3] = [Self::Elsewhere, Self::InScope, Self::Revealed];

    pub fn action(self) -> &'static str {
        match self {
            Self::Elsewhere => "lookup_elsewhere",
            Self::InScope => "lookup_in_scope",
            Self::Revealed => "reveal_resident_id",
        }
    }
}

/// The audit log's action for a sheet's comparison with the register.
const COMPARED: &str = "compare_register";

fn refused() -> StoreError {
    StoreError::limit(
        "身份证号",
        format!(
            "今日已核实或查看{DAILY_LIMIT}个完整身份证号（登记、导入时遇到已登记的党员，\
             或查看完整号码），已达上限；请明日再试，或请上级党组织核实"
        ),
    )
}

/// The start of today in China Standard Time, as the log's UTC timestamps count it.
fn day_start(now: NaiveDateTime) -> NaiveDateTime {
    let local = now + Duration::hours(8);
    local.date().and_time(chrono::NaiveTime::MIN) - Duration::hours(8)
}

/// How many one-at-a-time confirmations `actor` has left today (the console: always the
/// whole budget; it is logged, not rationed).
pub(crate) fn left(conn: &mut DbConnection, actor: &str) -> Result<i64> {
    if actor == CONSOLE {
        return Ok(DAILY_LIMIT);
    }
    let since = day_start(chrono::Utc::now().naive_utc());
    let used: i64 = a::audit_log
        .filter(a::actor.eq(actor))
        .filter(a::action.eq_any(Confirmed::ALL.map(Confirmed::action)))
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

/// Records the people `actor` was confirmed (`masked` IDs), through `via`, every one of
/// them even past the day's budget: what was found was shown, so it is logged, and
/// [`ensure_budget`] refuses the next lookup. (Refusing here instead would answer by
/// refusing.) Call inside a write transaction.
pub(crate) fn record(
    conn: &mut DbConnection,
    cipher: &IdCipher,
    actor: &str,
    how: Confirmed,
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
                action: how.action(),
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

/// The IDs a sheet's preview may still compare against the register, and how many it has.
#[derive(Debug, Clone)]
pub struct Comparisons {
    left: Option<usize>,
    /// Distinct IDs compared so far.
    pub compared: usize,
    /// Of them, found on the register.
    pub matched: usize,
}

impl Comparisons {
    /// No budget: the console's, and a commit's (it compares what its preview did).
    pub fn unbounded() -> Comparisons {
        Comparisons {
            left: None,
            compared: 0,
            matched: 0,
        }
    }

    /// Counts `n` more distinct IDs before they are compared; refuses past the budget.
    pub(crate) fn take(&mut self, n: usize) -> Result<()> {
        self.compared += n;
        match self.left {
            Some(left) if self.compared > left => Err(StoreError::limit(
                "身份证号",
                format!(
                    "每个账号每天预览的表格最多与党员名册核对{IDS_PER_DAY}个身份证号，\
                     今日还可核对{left}个，这份表格有更多；请明日再试，\
                     或请运维人员用命令行导入"
                ),
            )),
            _ => Ok(()),
        }
    }

    pub(crate) fn found(&mut self, n: usize) {
        self.matched += n;
    }
}

/// The comparisons `actor`'s previews may still make today.
pub(crate) fn comparisons(conn: &mut DbConnection, actor: &str) -> Result<Comparisons> {
    if actor == CONSOLE {
        return Ok(Comparisons::unbounded());
    }
    let since = day_start(chrono::Utc::now().naive_utc());
    let today: Vec<Option<String>> = a::audit_log
        .filter(a::actor.eq(actor))
        .filter(a::action.eq(COMPARED))
        .filter(a::at.ge(since))
        .select(a::after)
        .load(conn)?;
    let used: usize = today
        .iter()
        .flatten()
        .filter_map(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        .filter_map(|v| v["compared"].as_u64())
        .map(|n| usize::try_from(n).unwrap_or(usize::MAX))
        .fold(0, usize::saturating_add);
    Ok(Comparisons {
        left: Some(IDS_PER_DAY.saturating_sub(used)),
        compared: 0,
        matched: 0,
    })
}

/// Records one preview's comparisons with the register. Call inside a write transaction.
pub(crate) fn record_comparisons(
    conn: &mut DbConnection,
    cipher: &IdCipher,
    actor: &str,
    county: i32,
    via: &str,
    done: &Comparisons,
) -> Result<()> {
    audit::append(
        conn,
        cipher,
        Entry {
            actor,
            action: COMPARED,
            entity: "import",
            county,
            entity_id: 0,
            before: None,
            after: Some(json!({
                "via": via,
                "compared": done.compared,
                "matched": done.matched,
            })),
        },
    )
}

impl crate::Store {
    /// How many full IDs `actor` may still have confirmed or revealed today.
    pub fn confirmations_left(&mut self, actor: &str) -> Result<i64> {
        left(&mut self.conn, actor).map(|n| n.max(0))
    }
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
