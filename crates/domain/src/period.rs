//! Reporting periods (统计期间): a calendar month (月), quarter (季度) or year (年),
//! plus calendar-month arithmetic on dates.
//!
//! The string form, used by [`Display`](fmt::Display), [`Period::parse`] and
//! serialization, is `2026-11` for a month, `2026Q4` for a quarter and `2026`
//! for a year; [`Period::label_zh`] gives `2026年11月`, `2026年第4季度`, `2026年`.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};
use thiserror::Error;

/// Earliest year a [`Period`] may have.
pub const MIN_YEAR: i32 = 1;
/// Latest year a [`Period`] may have (periods print with exactly four year digits).
pub const MAX_YEAR: i32 = 9999;

/// Why a period was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum PeriodError {
    /// Nothing but whitespace was given.
    #[error("不能为空")]
    Empty,
    /// The text matches none of the accepted forms.
    #[error(
        "无法识别的期间“{input}”：应为 2026-11、2026Q4、2026 或 2026年11月、2026年第4季度、2026年 等形式"
    )]
    Unrecognized {
        /// The input, trimmed.
        input: String,
    },
    /// The year is outside 1–9999.
    #[error("年份超出范围：应为 1–9999，实际为 {year}")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// The month is outside 1–12.
    #[error("月份超出范围：应为 1–12，实际为 {month}")]
    MonthOutOfRange {
        /// The month given.
        month: u32,
    },
    /// The quarter is outside 1–4.
    #[error("季度超出范围：应为 1–4，实际为 {quarter}")]
    QuarterOutOfRange {
        /// The quarter given.
        quarter: u32,
    },
}

/// A reporting period: a calendar month (月), quarter (季度) or year (年).
///
/// Build one with [`Period::month`], [`Period::quarter`], [`Period::year`] or
/// [`Period::parse`], which check the ranges (year 1–9999, month 1–12,
/// quarter 1–4). A value written out directly with out-of-range fields is
/// treated by every method as if its fields were clamped into range.
///
/// The derived ordering sorts by kind first (all months before all quarters
/// before all years), then chronologically within a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    /// A calendar month, `month` in 1–12.
    Month {
        /// The year.
        year: i32,
        /// The month, 1–12.
        month: u32,
    },
    /// A calendar quarter, `quarter` in 1–4 (Q1 = January–March).
    Quarter {
        /// The year.
        year: i32,
        /// The quarter, 1–4.
        quarter: u32,
    },
    /// A calendar year.
    Year(i32),
}

/// Number of days in `month` (1–12) of `year` (proleptic Gregorian calendar);
/// 0 for a month outside 1–12.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Adds `n` calendar months (negative to go back), clamping the day to the end
/// of the resulting month: 2026-01-31 + 1 → 2026-02-28, 2024-01-31 + 1 → 2024-02-29,
/// 2026-03-31 − 1 → 2026-02-28.
///
/// Saturates at [`NaiveDate::MIN`] / [`NaiveDate::MAX`] instead of panicking.
pub fn add_months(date: NaiveDate, n: i32) -> NaiveDate {
    let saturated = if n < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    };
    let total = i64::from(date.year()) * 12 + i64::from(date.month0()) + i64::from(n);
    let (Ok(year), Ok(month0)) = (
        i32::try_from(total.div_euclid(12)),
        u32::try_from(total.rem_euclid(12)),
    ) else {
        return saturated;
    };
    let month = month0 + 1;
    let day = date.day().min(days_in_month(year, month));
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(saturated)
}

/// The number of whole calendar months from `from` to `to`, counted the way
/// [`add_months`] steps: for `to >= from` it is the largest `n >= 0` with
/// `add_months(from, n) <= to`; for `to < from` it is `-m` for the largest
/// `m >= 0` with `add_months(from, -m) >= to`.
///
/// So `months_between(d, add_months(d, n)) == n` for every `n`. Examples:
/// 2026-01-15 → 2026-02-14 is 0, → 2026-02-15 is 1; 2025-12-31 → 2026-01-30 is 0;
/// and because month ends are clamped, 2026-01-31 → 2026-02-28 is 1
/// (a month after 31 January is 28 February). Not antisymmetric:
/// 2026-02-28 → 2026-01-31 is 0.
pub fn months_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let raw = (i64::from(to.year()) - i64::from(from.year())) * 12
        + (i64::from(to.month()) - i64::from(from.month()));
    // Chrono years lie within ±262 143, so `raw` always fits in an i32.
    let raw = i32::try_from(raw).unwrap_or(if raw < 0 { i32::MIN } else { i32::MAX });
    if to >= from {
        if add_months(from, raw) > to {
            raw - 1
        } else {
            raw
        }
    } else if add_months(from, raw) < to {
        raw + 1
    } else {
        raw
    }
}

/// A date known to exist; falls back to [`NaiveDate::MIN`] (unreachable for clamped input).
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn check_year(year: i32) -> Result<(), PeriodError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(PeriodError::YearOutOfRange { year })
    }
}

/// Maps full-width ASCII forms to half-width.
fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// One or two ASCII digits.
fn small_number(s: &str) -> Option<u32> {
    if (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// A quarter number: one or two ASCII digits or 一/二/三/四.
fn quarter_number(s: &str) -> Option<u32> {
    match s {
        "一" => Some(1),
        "二" => Some(2),
        "三" => Some(3),
        "四" => Some(4),
        _ => small_number(s),
    }
}

fn clamp_year(year: i32) -> i32 {
    year.clamp(MIN_YEAR, MAX_YEAR)
}

impl Period {
    /// The month `month` (1–12) of `year` (1–9999).
    pub fn month(year: i32, month: u32) -> Result<Period, PeriodError> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(PeriodError::MonthOutOfRange { month });
        }
        Ok(Period::Month { year, month })
    }

    /// The quarter `quarter` (1–4) of `year` (1–9999).
    pub fn quarter(year: i32, quarter: u32) -> Result<Period, PeriodError> {
        check_year(year)?;
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::QuarterOutOfRange { quarter });
        }
        Ok(Period::Quarter { year, quarter })
    }

    /// The year `year` (1–9999).
    pub fn year(year: i32) -> Result<Period, PeriodError> {
        check_year(year)?;
        Ok(Period::Year(year))
    }

    /// Parses a period. Accepted forms (surrounding whitespace trimmed,
    /// full-width digits accepted, the year always four digits):
    ///
    /// * month: `2026-11`, `2026-1`, `2026/11`, `2026年11月`;
    /// * quarter: `2026Q4`, `2026q4`, `2026-Q4`, `2026年第4季度`, `2026年4季度`, `2026年第四季度`;
    /// * year: `2026`, `2026年`, `2026年度`.
    pub fn parse(s: &str) -> Result<Period, PeriodError> {
        let normalized: String = s.chars().map(halfwidth).collect();
        let t = normalized.trim();
        if t.is_empty() {
            return Err(PeriodError::Empty);
        }
        let unrecognized = || PeriodError::Unrecognized {
            input: t.to_owned(),
        };
        let year_digits = t
            .get(0..4)
            .filter(|y| y.bytes().all(|b| b.is_ascii_digit()))
            .ok_or_else(unrecognized)?;
        let year: i32 = year_digits.parse().map_err(|_| unrecognized())?;
        let rest = t.get(4..).unwrap_or_default();

        if rest.is_empty() || rest == "年" || rest == "年度" {
            return Period::year(year);
        }
        if let Some(after) = rest.strip_prefix(['-', '/']) {
            if let Some(q) = after.strip_prefix(['Q', 'q']) {
                let quarter = small_number(q).ok_or_else(unrecognized)?;
                return Period::quarter(year, quarter);
            }
            let month = small_number(after).ok_or_else(unrecognized)?;
            return Period::month(year, month);
        }
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let quarter = small_number(q).ok_or_else(unrecognized)?;
            return Period::quarter(year, quarter);
        }
        if let Some(after) = rest.strip_prefix('年') {
            if let Some(q) = after.strip_suffix("季度") {
                let q = q.strip_prefix('第').unwrap_or(q);
                let quarter = quarter_number(q).ok_or_else(unrecognized)?;
                return Period::quarter(year, quarter);
            }
            if let Some(m) = after.strip_suffix('月') {
                let month = small_number(m).ok_or_else(unrecognized)?;
                return Period::month(year, month);
            }
        }
        Err(unrecognized())
    }

    /// The same period with every field clamped into its valid range.
    fn clamped(self) -> Period {
        match self {
            Period::Month { year, month } => Period::Month {
                year: clamp_year(year),
                month: month.clamp(1, 12),
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year: clamp_year(year),
                quarter: quarter.clamp(1, 4),
            },
            Period::Year(year) => Period::Year(clamp_year(year)),
        }
    }

    /// The period's year.
    pub fn year_number(self) -> i32 {
        match self.clamped() {
            Period::Month { year, .. } | Period::Quarter { year, .. } | Period::Year(year) => year,
        }
    }

    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        match self.clamped() {
            Period::Month { year, month } => ymd(year, month, 1),
            Period::Quarter { year, quarter } => ymd(year, quarter * 3 - 2, 1),
            Period::Year(year) => ymd(year, 1, 1),
        }
    }

    /// The last day of the period.
    pub fn last_day(self) -> NaiveDate {
        match self.clamped() {
            Period::Month { year, month } => ymd(year, month, days_in_month(year, month)),
            Period::Quarter { year, quarter } => {
                let month = quarter * 3;
                ymd(year, month, days_in_month(year, month))
            }
            Period::Year(year) => ymd(year, 12, 31),
        }
    }

    /// Whether `date` falls within the period (first and last day included).
    pub fn contains(self, date: NaiveDate) -> bool {
        self.first_day() <= date && date <= self.last_day()
    }

    /// The following period of the same kind (2026-12 → 2027-01, 2026Q4 → 2027Q1).
    /// Stays at the last period of year 9999 rather than leaving the valid range.
    pub fn next(self) -> Period {
        let p = self.clamped();
        match p {
            Period::Month { year, month: 12 } if year < MAX_YEAR => Period::Month {
                year: year + 1,
                month: 1,
            },
            Period::Month { year, month } if month < 12 => Period::Month {
                year,
                month: month + 1,
            },
            Period::Quarter { year, quarter: 4 } if year < MAX_YEAR => Period::Quarter {
                year: year + 1,
                quarter: 1,
            },
            Period::Quarter { year, quarter } if quarter < 4 => Period::Quarter {
                year,
                quarter: quarter + 1,
            },
            Period::Year(year) if year < MAX_YEAR => Period::Year(year + 1),
            _ => p,
        }
    }

    /// The preceding period of the same kind (2027-01 → 2026-12, 2027Q1 → 2026Q4).
    /// Stays at the first period of year 1 rather than leaving the valid range.
    pub fn prev(self) -> Period {
        let p = self.clamped();
        match p {
            Period::Month { year, month: 1 } if year > MIN_YEAR => Period::Month {
                year: year - 1,
                month: 12,
            },
            Period::Month { year, month } if month > 1 => Period::Month {
                year,
                month: month - 1,
            },
            Period::Quarter { year, quarter: 1 } if year > MIN_YEAR => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } if quarter > 1 => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year(year) if year > MIN_YEAR => Period::Year(year - 1),
            _ => p,
        }
    }

    /// The month containing `date`. Dates outside years 1–9999 are clamped to
    /// the nearest valid period.
    pub fn containing_month(date: NaiveDate) -> Period {
        Period::Month {
            year: date.year(),
            month: date.month(),
        }
        .clamped_for(date)
    }

    /// The quarter containing `date` (Q1 = January–March). Dates outside years
    /// 1–9999 are clamped to the nearest valid period.
    pub fn containing_quarter(date: NaiveDate) -> Period {
        Period::Quarter {
            year: date.year(),
            quarter: date.month0() / 3 + 1,
        }
        .clamped_for(date)
    }

    /// The year containing `date`. Dates outside years 1–9999 are clamped to
    /// the nearest valid period.
    pub fn containing_year(date: NaiveDate) -> Period {
        Period::Year(date.year()).clamped_for(date)
    }

    /// Clamps a period built from `date`; an out-of-range year moves to the
    /// first or last period of the same kind.
    fn clamped_for(self, date: NaiveDate) -> Period {
        let year = date.year();
        if year < MIN_YEAR {
            match self {
                Period::Month { .. } => Period::Month {
                    year: MIN_YEAR,
                    month: 1,
                },
                Period::Quarter { .. } => Period::Quarter {
                    year: MIN_YEAR,
                    quarter: 1,
                },
                Period::Year(_) => Period::Year(MIN_YEAR),
            }
        } else if year > MAX_YEAR {
            match self {
                Period::Month { .. } => Period::Month {
                    year: MAX_YEAR,
                    month: 12,
                },
                Period::Quarter { .. } => Period::Quarter {
                    year: MAX_YEAR,
                    quarter: 4,
                },
                Period::Year(_) => Period::Year(MAX_YEAR),
            }
        } else {
            self
        }
    }

    /// The Chinese label: "2026年11月", "2026年第4季度" or "2026年".
    pub fn label_zh(self) -> String {
        match self.clamped() {
            Period::Month { year, month } => format!("{year}年{month}月"),
            Period::Quarter { year, quarter } => format!("{year}年第{quarter}季度"),
            Period::Year(year) => format!("{year}年"),
        }
    }
}

impl fmt::Display for Period {
    /// The parse form: "2026-11", "2026Q4" or "2026".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self.clamped() {
            Period::Month { year, month } => format!("{year:04}-{month:02}"),
            Period::Quarter { year, quarter } => format!("{year:04}Q{quarter}"),
            Period::Year(year) => format!("{year:04}"),
        };
        f.pad(&s)
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for Period {
    /// Serializes as the display string ("2026-11", "2026Q4", "2026").
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn parses_all_forms() {
        let nov = Period::month(2026, 11).unwrap();
        assert_eq!(p("2026-11"), nov);
        assert_eq!(p(" 2026年11月 "), nov);
        assert_eq!(p("2026/11"), nov);
        assert_eq!(p("２０２６－１１"), nov);
        assert_eq!(p("2026-1"), Period::month(2026, 1).unwrap());
        assert_eq!(p("2026-01"), Period::month(2026, 1).unwrap());
        assert_eq!(p("2026年1月"), Period::month(2026, 1).unwrap());

        let q4 = Period::quarter(2026, 4).unwrap();
        assert_eq!(p("2026Q4"), q4);
        assert_eq!(p("2026q4"), q4);
        assert_eq!(p("2026-Q4"), q4);
        assert_eq!(p("2026年第4季度"), q4);
        assert_eq!(p("2026年4季度"), q4);
        assert_eq!(p("2026年第四季度"), q4);

        let y = Period::year(2026).unwrap();
        assert_eq!(p("2026"), y);
        assert_eq!(p("2026年"), y);
        assert_eq!(p("2026年度"), y);
    }

    #[test]
    fn parse_errors() {
        assert_eq!(Period::parse(""), Err(PeriodError::Empty));
        assert_eq!(
            Period::parse("2026-13"),
            Err(PeriodError::MonthOutOfRange { month: 13 })
        );
        assert_eq!(
            Period::parse("2026-0"),
            Err(PeriodError::MonthOutOfRange { month: 0 })
        );
        assert_eq!(
            Period::parse("2026Q5"),
            Err(PeriodError::QuarterOutOfRange { quarter: 5 })
        );
        assert_eq!(
            Period::parse("2026年第0季度"),
            Err(PeriodError::QuarterOutOfRange { quarter: 0 })
        );
        assert_eq!(
            Period::parse("0000"),
            Err(PeriodError::YearOutOfRange { year: 0 })
        );
        for bad in [
            "26-11",
            "2026-",
            "2026-011",
            "2026-11-01",
            "20261",
            "2026Q",
            "abcd",
            "2026年13",
            "2026年第五季度",
            "年2026",
            "-2026",
        ] {
            assert!(
                matches!(Period::parse(bad), Err(PeriodError::Unrecognized { .. })),
                "{bad}"
            );
        }
        assert!(
            PeriodError::MonthOutOfRange { month: 13 }
                .to_string()
                .contains("实际为 13")
        );
    }

    #[test]
    fn constructors_check_ranges() {
        assert_eq!(
            Period::month(2026, 0),
            Err(PeriodError::MonthOutOfRange { month: 0 })
        );
        assert_eq!(
            Period::quarter(2026, 0),
            Err(PeriodError::QuarterOutOfRange { quarter: 0 })
        );
        assert_eq!(
            Period::year(10_000),
            Err(PeriodError::YearOutOfRange { year: 10_000 })
        );
        assert_eq!(
            Period::month(0, 1),
            Err(PeriodError::YearOutOfRange { year: 0 })
        );
    }

    #[test]
    fn display_and_labels() {
        assert_eq!(Period::month(2026, 11).unwrap().to_string(), "2026-11");
        assert_eq!(Period::month(2026, 1).unwrap().to_string(), "2026-01");
        assert_eq!(Period::quarter(2026, 4).unwrap().to_string(), "2026Q4");
        assert_eq!(Period::year(2026).unwrap().to_string(), "2026");
        assert_eq!(Period::year(5).unwrap().to_string(), "0005");
        assert_eq!(Period::month(2026, 11).unwrap().label_zh(), "2026年11月");
        assert_eq!(
            Period::quarter(2026, 4).unwrap().label_zh(),
            "2026年第4季度"
        );
        assert_eq!(Period::year(2026).unwrap().label_zh(), "2026年");
    }

    #[test]
    fn days() {
        let feb24 = Period::month(2024, 2).unwrap();
        assert_eq!(feb24.first_day(), date(2024, 2, 1));
        assert_eq!(feb24.last_day(), date(2024, 2, 29));
        assert_eq!(
            Period::month(2026, 2).unwrap().last_day(),
            date(2026, 2, 28)
        );
        assert_eq!(
            Period::month(1900, 2).unwrap().last_day(),
            date(1900, 2, 28)
        );
        assert_eq!(
            Period::month(2000, 2).unwrap().last_day(),
            date(2000, 2, 29)
        );
        assert_eq!(
            Period::month(2026, 12).unwrap().last_day(),
            date(2026, 12, 31)
        );
        let q1 = Period::quarter(2024, 1).unwrap();
        assert_eq!(q1.first_day(), date(2024, 1, 1));
        assert_eq!(q1.last_day(), date(2024, 3, 31));
        let q2 = Period::quarter(2026, 2).unwrap();
        assert_eq!(q2.first_day(), date(2026, 4, 1));
        assert_eq!(q2.last_day(), date(2026, 6, 30));
        let q4 = Period::quarter(2026, 4).unwrap();
        assert_eq!(q4.first_day(), date(2026, 10, 1));
        assert_eq!(q4.last_day(), date(2026, 12, 31));
        let y = Period::year(2026).unwrap();
        assert_eq!(y.first_day(), date(2026, 1, 1));
        assert_eq!(y.last_day(), date(2026, 12, 31));
        assert!(y.contains(date(2026, 12, 31)));
        assert!(!y.contains(date(2027, 1, 1)));
        assert!(!q4.contains(date(2026, 9, 30)));
        assert_eq!(days_in_month(2026, 13), 0);
    }

    #[test]
    fn next_and_prev_across_years() {
        assert_eq!(p("2026-12").next(), p("2027-01"));
        assert_eq!(p("2027-01").prev(), p("2026-12"));
        assert_eq!(p("2026-05").next(), p("2026-06"));
        assert_eq!(p("2026Q4").next(), p("2027Q1"));
        assert_eq!(p("2027Q1").prev(), p("2026Q4"));
        assert_eq!(p("2026").next(), p("2027"));
        assert_eq!(p("2026").prev(), p("2025"));
        assert_eq!(p("9999-12").next(), p("9999-12"));
        assert_eq!(p("0001-01").prev(), p("0001-01"));
        assert_eq!(p("9999Q4").next(), p("9999Q4"));
        assert_eq!(p("9999").next(), p("9999"));
    }

    #[test]
    fn containing() {
        let d = date(2026, 11, 15);
        assert_eq!(Period::containing_month(d), p("2026-11"));
        assert_eq!(Period::containing_quarter(d), p("2026Q4"));
        assert_eq!(Period::containing_year(d), p("2026"));
        assert_eq!(Period::containing_quarter(date(2026, 3, 31)), p("2026Q1"));
        assert_eq!(Period::containing_quarter(date(2026, 4, 1)), p("2026Q2"));
        assert_eq!(
            Period::containing_month(NaiveDate::MAX),
            Period::Month {
                year: MAX_YEAR,
                month: 12
            }
        );
        assert_eq!(
            Period::containing_year(NaiveDate::MIN),
            Period::Year(MIN_YEAR)
        );
    }

    #[test]
    fn malformed_values_are_clamped_not_panicking() {
        let bad = Period::Month {
            year: i32::MAX,
            month: 40,
        };
        assert_eq!(bad.first_day(), date(9999, 12, 1));
        assert_eq!(bad.to_string(), "9999-12");
        let bad_q = Period::Quarter {
            year: -5,
            quarter: 0,
        };
        assert_eq!(bad_q.first_day(), date(1, 1, 1));
        assert_eq!(bad_q.label_zh(), "1年第1季度");
    }

    #[test]
    fn add_months_clamps_day() {
        assert_eq!(add_months(date(2026, 1, 31), 1), date(2026, 2, 28));
        assert_eq!(add_months(date(2024, 1, 31), 1), date(2024, 2, 29));
        assert_eq!(add_months(date(2026, 3, 31), -1), date(2026, 2, 28));
        assert_eq!(add_months(date(2026, 11, 30), 2), date(2027, 1, 30));
        assert_eq!(add_months(date(2026, 1, 15), -1), date(2025, 12, 15));
        assert_eq!(add_months(date(2026, 1, 15), -13), date(2024, 12, 15));
        assert_eq!(add_months(date(2024, 2, 29), 12), date(2025, 2, 28));
        assert_eq!(add_months(date(2024, 2, 29), 48), date(2028, 2, 29));
        assert_eq!(add_months(date(2026, 5, 5), 0), date(2026, 5, 5));
        assert_eq!(add_months(NaiveDate::MAX, 1), NaiveDate::MAX);
        assert_eq!(add_months(NaiveDate::MIN, -1), NaiveDate::MIN);
        assert_eq!(add_months(date(2026, 1, 1), i32::MAX), NaiveDate::MAX);
        assert_eq!(add_months(date(2026, 1, 1), i32::MIN), NaiveDate::MIN);
    }

    #[test]
    fn months_between_edges() {
        assert_eq!(months_between(date(2026, 1, 15), date(2026, 1, 15)), 0);
        assert_eq!(months_between(date(2026, 1, 15), date(2026, 2, 14)), 0);
        assert_eq!(months_between(date(2026, 1, 15), date(2026, 2, 15)), 1);
        assert_eq!(months_between(date(2026, 1, 31), date(2026, 2, 27)), 0);
        assert_eq!(months_between(date(2026, 1, 31), date(2026, 2, 28)), 1);
        assert_eq!(months_between(date(2024, 1, 31), date(2024, 2, 28)), 0);
        assert_eq!(months_between(date(2024, 1, 31), date(2024, 2, 29)), 1);
        assert_eq!(months_between(date(2025, 12, 31), date(2026, 1, 30)), 0);
        assert_eq!(months_between(date(2025, 12, 31), date(2026, 1, 31)), 1);
        assert_eq!(months_between(date(2025, 11, 30), date(2026, 11, 29)), 11);
        assert_eq!(months_between(date(2025, 11, 30), date(2026, 11, 30)), 12);
        assert_eq!(months_between(date(2026, 2, 15), date(2026, 1, 15)), -1);
        assert_eq!(months_between(date(2026, 2, 15), date(2026, 1, 16)), 0);
        assert_eq!(months_between(date(2026, 1, 10), date(2025, 12, 10)), -1);
        assert_eq!(months_between(date(2026, 3, 31), date(2026, 2, 28)), -1);
        assert_eq!(months_between(date(2026, 2, 28), date(2026, 1, 31)), 0);
        assert_eq!(months_between(date(2020, 6, 1), date(2026, 6, 1)), 72);
    }

    fn arb_period_in(years: std::ops::RangeInclusive<i32>) -> impl Strategy<Value = Period> {
        prop_oneof![
            (years.clone(), 1u32..=12).prop_map(|(year, month)| Period::Month { year, month }),
            (years.clone(), 1u32..=4).prop_map(|(year, quarter)| Period::Quarter { year, quarter }),
            years.prop_map(Period::Year),
        ]
    }

    fn arb_period() -> impl Strategy<Value = Period> {
        arb_period_in(MIN_YEAR..=MAX_YEAR)
    }

    fn arb_date() -> impl Strategy<Value = NaiveDate> {
        // 1800-01-01 ..= about 2299
        (0i64..182_000).prop_map(|d| date(1800, 1, 1) + chrono::Duration::days(d))
    }

    proptest! {
        #[test]
        fn display_round_trips(p in arb_period()) {
            prop_assert_eq!(Period::parse(&p.to_string()), Ok(p));
        }

        #[test]
        // The Chinese label does not zero-pad the year, so keep to four-digit years.
        fn label_round_trips(p in arb_period_in(1000..=MAX_YEAR)) {
            prop_assert_eq!(Period::parse(&p.label_zh()), Ok(p));
        }

        #[test]
        // Years 2..=9998 so the days either side of the period exist and next() moves.
        fn every_day_is_contained(p in arb_period_in(MIN_YEAR + 1..=MAX_YEAR - 1)) {
            let first = p.first_day();
            let last = p.last_day();
            prop_assert!(first <= last);
            for d in first.iter_days().take_while(|d| *d <= last) {
                prop_assert!(p.contains(d));
            }
            prop_assert!(!p.contains(first.pred_opt().unwrap()));
            prop_assert!(!p.contains(last.succ_opt().unwrap()));
            prop_assert_eq!(p.next().first_day(), last.succ_opt().unwrap());
        }

        #[test]
        fn next_prev_inverse(p in arb_period()) {
            if p.next() != p {
                prop_assert_eq!(p.next().prev(), p);
            }
            if p.prev() != p {
                prop_assert_eq!(p.prev().next(), p);
            }
            if p.year_number() < MAX_YEAR {
                prop_assert!(p.next() > p);
            }
        }

        #[test]
        fn containing_periods_contain(d in arb_date()) {
            prop_assert!(Period::containing_month(d).contains(d));
            prop_assert!(Period::containing_quarter(d).contains(d));
            prop_assert!(Period::containing_year(d).contains(d));
        }

        #[test]
        fn months_between_inverts_add_months(d in arb_date(), n in -1200i32..1200) {
            let e = add_months(d, n);
            prop_assert_eq!(months_between(d, e), n);
            prop_assert_eq!(e.day(), d.day().min(days_in_month(e.year(), e.month())));
        }

        #[test]
        fn months_between_matches_definition(a in arb_date(), b in arb_date()) {
            let n = months_between(a, b);
            if b >= a {
                prop_assert!(n >= 0);
                prop_assert!(add_months(a, n) <= b);
                prop_assert!(add_months(a, n + 1) > b);
            } else {
                prop_assert!(n <= 0);
                prop_assert!(add_months(a, n) >= b);
                prop_assert!(add_months(a, n - 1) < b);
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Period::parse(&s);
        }

        #[test]
        fn period_like_strings_never_panic(s in "[0-9Qq年月第季度一二三四五/ -]{0,12}") {
            if let Ok(p) = Period::parse(&s) {
                let _ = (p.first_day(), p.last_day(), p.label_zh(), p.next(), p.prev());
            }
        }

        #[test]
        fn any_period_value_never_panics(y in any::<i32>(), m in any::<u32>(), k in 0u8..3) {
            let p = match k {
                0 => Period::Month { year: y, month: m },
                1 => Period::Quarter { year: y, quarter: m },
                _ => Period::Year(y),
            };
            let _ = (p.first_day(), p.last_day(), p.label_zh(), p.to_string(), p.next(), p.prev());
            prop_assert!(p.first_day() <= p.last_day());
        }
    }
}
