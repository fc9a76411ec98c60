//! A calendar day as a bulk read takes it: the audit reads about ten dates for each of a
//! city's 160,000 members, and the general parse of an SQLite date (a format string walked
//! for every value) cost a fifth of that read. DIALECT: SQLite keeps a date as ISO text,
//! read here by hand (anything else falls back to the general parse); PostgreSQL's binary
//! date is read as it always is.

use chrono::NaiveDate;
use diesel::deserialize::{self, FromSql, FromSqlRow};
use diesel::pg::Pg;
use diesel::sql_types::Date;
use diesel::sqlite::Sqlite;

use crate::connection::{MultiBackend, MultiRawValue};

/// A day read from a `DATE` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, FromSqlRow)]
pub(crate) struct Day(pub NaiveDate);

impl From<Day> for NaiveDate {
    fn from(d: Day) -> NaiveDate {
        d.0
    }
}

/// `YYYY-MM-DD`, digits only, or nothing.
fn iso(text: &[u8]) -> Option<NaiveDate> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = *text else {
        return None;
    };
    let digit = |c: u8| c.is_ascii_digit().then(|| u32::from(c - b'0'));
    let year = digit(y0)? * 1000 + digit(y1)? * 100 + digit(y2)? * 10 + digit(y3)?;
    let month = digit(m0)? * 10 + digit(m1)?;
    let day = digit(d0)? * 10 + digit(d1)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

impl FromSql<Date, Sqlite> for Day {
    fn from_sql(mut value: diesel::sqlite::SqliteValue<'_, '_, '_>) -> deserialize::Result<Self> {
        let text = value.read_text();
        match iso(text.as_bytes()) {
            Some(d) => Ok(Day(d)),
            None => Ok(Day(NaiveDate::parse_from_str(text, "%Y-%m-%d")?)),
        }
    }
}

impl FromSql<Date, Pg> for Day {
    fn from_sql(value: diesel::pg::PgValue<'_>) -> deserialize::Result<Self> {
        <NaiveDate as FromSql<Date, Pg>>::from_sql(value).map(Day)
    }
}

impl FromSql<Date, MultiBackend> for Day {
    fn from_sql(value: MultiRawValue<'_>) -> deserialize::Result<Self> {
        value.from_sql::<Self, Date>()
    }
}

/// The first and last day of `year` (the extremes of the calendar for a year chrono cannot
/// hold, which no list asks for: their years are checked where they are typed).
pub(crate) fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_iso_days_and_nothing_else() {
        assert_eq!(iso(b"2026-12-04"), NaiveDate::from_ymd_opt(2026, 12, 4));
        assert_eq!(iso(b"0999-01-31"), NaiveDate::from_ymd_opt(999, 1, 31));
        for bad in [
            &b"2026-02-30"[..],
            b"2026-13-01",
            b"2026-1-01",
            b"2026/12/04",
            b"20261204",
            b"2026-12-04 ",
        ] {
            assert_eq!(iso(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }
}
