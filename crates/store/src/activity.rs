//! Each member's latest records (`member_activity`): the last meeting attended, the last
//! marked absent and the last excused, the last two months paid for and the last day
//! anything was paid, the archive items held and the day the last was received. The audit
//! of today reads it, one row per member, instead of the 4 million attendance lines, the
//! ledger and the archive items of a city; a day before a member's latest record is read
//! from the history itself, so the summary never decides a past day.
//!
//! Every writer of attendance lines, payments or archive items refreshes the members it
//! touched, in its own transaction: collect them (for a deleted meeting, with
//! [`members_of_meetings`] before the delete), write, then [`refresh`]. A bulk load
//! rebuilds it for the counties whose records it loaded (the whole table when it replaces
//! everything).

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;

use crate::connection::DbConnection;
use crate::error::Result;
use crate::registry::IN_LIST_MAX;
use crate::schema::meeting_attendance as ma;
use liangxin_domain::kinds::ArchiveItem;
use liangxin_domain::registry::Key;

/// Each member's summary computed afresh from their records, one member at a time, for the
/// members `k` names: the check [`Store::activity_drift`] holds the kept table to, written
/// apart from [`fill`] (as in the migration that created the table). DIALECT: none.
///
/// [`Store::activity_drift`]: crate::Store::activity_drift
fn summary_select(keys: &str) -> String {
    format!(
        "SELECT k.county_code, k.member_id, \
           (SELECT MAX(a.held_on) FROM meeting_attendance a \
             WHERE a.member_county = k.county_code AND a.member_id = k.member_id \
               AND a.attendance = 'present'), \
           (SELECT MAX(a.held_on) FROM meeting_attendance a \
             WHERE a.member_county = k.county_code AND a.member_id = k.member_id \
               AND a.attendance = 'absent'), \
           (SELECT MAX(a.held_on) FROM meeting_attendance a \
             WHERE a.member_county = k.county_code AND a.member_id = k.member_id \
               AND a.attendance = 'excused'), \
           (SELECT p.month FROM dues_payments p \
             WHERE p.county_code = k.county_code AND p.member_id = k.member_id \
             GROUP BY p.month HAVING SUM(p.amount_fen) > 0 ORDER BY p.month DESC LIMIT 1), \
           (SELECT p.month FROM dues_payments p \
             WHERE p.county_code = k.county_code AND p.member_id = k.member_id \
             GROUP BY p.month HAVING SUM(p.amount_fen) > 0 ORDER BY p.month DESC LIMIT 1 OFFSET 1), \
           (SELECT MAX(p.paid_on) FROM dues_payments p \
             WHERE p.county_code = k.county_code AND p.member_id = k.member_id), \
           COALESCE((SELECT {bits} FROM member_archive_items i \
             WHERE i.county_code = k.county_code AND i.member_id = k.member_id), 0), \
           (SELECT MAX(i.received_on) FROM member_archive_items i \
             WHERE i.county_code = k.county_code AND i.member_id = k.member_id) \
         FROM ({keys}) k",
        bits = archive_bits("i.item"),
    )
}

const COLUMNS: &str = "county_code, member_id, last_present_on, last_absent_on, \
                       last_excused_on, last_paid_month, previous_paid_month, last_paid_on, \
                       archive_items, archive_last_received_on";

/// The archive items of a group of `member_archive_items` rows as one number, a bit per
/// item in the order of [`ArchiveItem::ALL`] (the order is stored: new items go last).
/// DIALECT: none.
pub(crate) fn archive_bits(item: &str) -> String {
    let cases: String = ArchiveItem::ALL
        .iter()
        .enumerate()
        .map(|(i, a)| format!(" WHEN '{}' THEN {}", a.code(), 1i64 << i))
        .collect();
    format!("CAST(SUM(CASE {item}{cases} ELSE 0 END) AS BIGINT)")
}

/// The archive items a number from [`archive_bits`] stands for.
pub(crate) fn archive_items_of(bits: i64) -> BTreeSet<ArchiveItem> {
    ArchiveItem::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1i64 << i) != 0)
        .map(|(_, item)| *item)
        .collect()
}

/// The members with a line in the meetings `first..=last` (of one county, if given).
pub(crate) fn members_of_meetings(
    conn: &mut DbConnection,
    county: Option<i32>,
    first: i64,
    last: i64,
) -> Result<Vec<Key>> {
    let mut q = ma::table
        .filter(ma::meeting_id.between(first, last))
        .select((ma::member_county, ma::member_id))
        .distinct()
        .into_boxed();
    if let Some(county) = county {
        q = q.filter(ma::county_code.eq(county));
    }
    Ok(q.load::<(i32, i64)>(conn)?
        .into_iter()
        .map(|(county, id)| Key { county, id })
        .collect())
}

/// Recomputes the summary of `members` from their records.
pub(crate) fn refresh(conn: &mut DbConnection, members: &[Key]) -> Result<()> {
    let mut by_county: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for k in members {
        by_county.entry(k.county).or_default().push(k.id);
    }
    for (county, mut ids) in by_county {
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(IN_LIST_MAX) {
            // Integers only, formatted here: nothing a user typed reaches the statement.
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            fill(conn, Members::Listed(county, &list))?;
        }
    }
    Ok(())
}

/// Rebuilds the summary after a bulk load: of every member, or of the members of
/// `counties` (a city added beside others).
pub(crate) fn rebuild(conn: &mut DbConnection, counties: Option<&BTreeSet<i32>>) -> Result<()> {
    match counties {
        None => fill(conn, Members::All),
        Some(c) if c.is_empty() => Ok(()),
        Some(c) => {
            let list = c.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
            fill(conn, Members::Counties(&list))
        }
    }
}

/// Whose summary [`fill`] replaces; the lists are integers formatted here.
#[derive(Clone, Copy)]
enum Members<'a> {
    All,
    /// The members of these counties (a comma-separated list of codes).
    Counties(&'a str),
    /// These members (a comma-separated list of ids) of one county.
    Listed(i32, &'a str),
}

/// Replaces the summary of `members`: one grouped pass over their attendance lines, then
/// their months paid and their archive items member by member through the indexes by
/// member. DIALECT: none.
fn fill(conn: &mut DbConnection, members: Members<'_>) -> Result<()> {
    let only = |county: &str, member: &str| match members {
        Members::All => "1 = 1".to_owned(),
        Members::Counties(list) => format!("{county} IN ({list})"),
        Members::Listed(c, list) => format!("{county} = {c} AND {member} IN ({list})"),
    };
    let kept = only("county_code", "member_id");
    let lines = only("member_county", "member_id");
    let rows = only("r.county_code", "r.member_id");
    // A summary row for each member with records in `table` (aliased `r`) and none yet.
    let missing_rows = |table: &str| {
        format!(
            "INSERT INTO member_activity (county_code, member_id) \
             SELECT DISTINCT r.county_code, r.member_id FROM {table} r WHERE {rows} \
               AND NOT EXISTS (SELECT 1 FROM member_activity a \
                 WHERE a.county_code = r.county_code AND a.member_id = r.member_id)"
        )
    };
    for sql in [
        format!("DELETE FROM member_activity WHERE {kept}"),
        format!(
            "INSERT INTO member_activity \
               (county_code, member_id, last_present_on, last_absent_on, last_excused_on) \
             SELECT member_county, member_id, \
               MAX(CASE WHEN attendance = 'present' THEN held_on END), \
               MAX(CASE WHEN attendance = 'absent' THEN held_on END), \
               MAX(CASE WHEN attendance = 'excused' THEN held_on END) \
             FROM meeting_attendance WHERE {lines} GROUP BY member_county, member_id"
        ),
        missing_rows("dues_payments"),
        format!(
            "UPDATE member_activity SET \
               last_paid_month = (SELECT p.month FROM dues_payments p \
                 WHERE p.county_code = member_activity.county_code \
                   AND p.member_id = member_activity.member_id \
                 GROUP BY p.month HAVING SUM(p.amount_fen) > 0 ORDER BY p.month DESC LIMIT 1), \
               previous_paid_month = (SELECT p.month FROM dues_payments p \
                 WHERE p.county_code = member_activity.county_code \
                   AND p.member_id = member_activity.member_id \
                 GROUP BY p.month HAVING SUM(p.amount_fen) > 0 \
                 ORDER BY p.month DESC LIMIT 1 OFFSET 1), \
               last_paid_on = (SELECT MAX(p.paid_on) FROM dues_payments p \
                 WHERE p.county_code = member_activity.county_code \
                   AND p.member_id = member_activity.member_id) \
             WHERE {kept}"
        ),
        missing_rows("member_archive_items"),
        format!(
            "UPDATE member_activity SET \
               archive_items = COALESCE((SELECT {bits} FROM member_archive_items i \
                 WHERE i.county_code = member_activity.county_code \
                   AND i.member_id = member_activity.member_id), 0), \
               archive_last_received_on = (SELECT MAX(i.received_on) FROM member_archive_items i \
                 WHERE i.county_code = member_activity.county_code \
                   AND i.member_id = member_activity.member_id) \
             WHERE {kept}",
            bits = archive_bits("i.item"),
        ),
    ] {
        diesel::sql_query(sql).execute(conn)?;
    }
    Ok(())
}

impl crate::Store {
    /// How many members' kept latest records differ from their records, either way round
    /// (none, unless a writer forgot to refresh): the tests hold every writer to it.
    pub fn activity_drift(&mut self) -> Result<i64> {
        drift(self.conn())
    }
}

fn drift(conn: &mut DbConnection) -> Result<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let keys = "SELECT member_county AS county_code, member_id FROM meeting_attendance \
                UNION SELECT county_code, member_id FROM dues_payments \
                UNION SELECT county_code, member_id FROM member_archive_items \
                UNION SELECT county_code, member_id FROM member_activity";
    let computed = summary_select(keys);
    let kept = format!("SELECT {COLUMNS} FROM member_activity");
    // Two counts added: a compound of EXCEPT and UNION cannot be parenthesized on SQLite.
    let sql = format!(
        "SELECT (SELECT COUNT(*) FROM ({computed} EXCEPT {kept}) a) \
              + (SELECT COUNT(*) FROM ({kept} EXCEPT {computed}) b) AS n"
    );
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bits are stored (and written by the migration that created them): an item keeps
    /// its bit, whatever is added after it.
    #[test]
    fn each_archive_item_keeps_its_stored_bit() {
        let bits = archive_bits("item");
        for (code, bit) in [
            ("application", 1),
            ("volunteer", 2),
            ("political_review", 4),
            ("training", 8),
            ("confirmation", 16),
        ] {
            assert!(
                bits.contains(&format!("WHEN '{code}' THEN {bit} ")),
                "{bits}"
            );
            let item = ArchiveItem::parse(code).unwrap();
            assert_eq!(archive_items_of(bit), BTreeSet::from([item]));
        }
        assert_eq!(archive_items_of(31).len(), 5);
    }
}
