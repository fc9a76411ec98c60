//! Party dues (党费), by 中组发〔2008〕3号: the monthly standard from a member's category and
//! base, fixed once a year; the ledger in integer fen (append-only: a correction is a new
//! row); and what each month stands at — paid, short or unpaid — with 党费交至年月.
//!
//! The bracket applies to the whole base (a salaried member earning 4,000 yuan pays 1% of
//! 4,000), as the 2008 rules say; rounding is to the fen, half up. Probationary members pay
//! from the month the branch meeting admits them.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

use crate::kinds::DuesCategory;
use crate::money::Fen;
use crate::period::Period;
use crate::rules::{Resolved, RuleError, RuleRef, RuleSet, keys};

/// The dues rules in force on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesRules {
    pub as_of: NaiveDate,
    /// Upper bounds (yuan, inclusive) of the salaried brackets 1–3, then the four rates in
    /// basis points (1/100 of a percent).
    pub salaried_bounds: [Resolved; 3],
    pub salaried_rates: [Resolved; 4],
    pub retired_bound: Resolved,
    pub retired_rates: [Resolved; 2],
    pub fixed_low: Resolved,
    pub farmer_min: Resolved,
    pub farmer_max: Resolved,
    pub back_payment_max_months: Resolved,
}

impl DuesRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        Ok(DuesRules {
            as_of,
            salaried_bounds: [
                get(keys::DUES_SALARIED_BRACKET_1_MAX_YUAN)?,
                get(keys::DUES_SALARIED_BRACKET_2_MAX_YUAN)?,
                get(keys::DUES_SALARIED_BRACKET_3_MAX_YUAN)?,
            ],
            salaried_rates: [
                get(keys::DUES_SALARIED_RATE_1_BP)?,
                get(keys::DUES_SALARIED_RATE_2_BP)?,
                get(keys::DUES_SALARIED_RATE_3_BP)?,
                get(keys::DUES_SALARIED_RATE_4_BP)?,
            ],
            retired_bound: get(keys::DUES_RETIRED_BRACKET_1_MAX_YUAN)?,
            retired_rates: [
                get(keys::DUES_RETIRED_RATE_1_BP)?,
                get(keys::DUES_RETIRED_RATE_2_BP)?,
            ],
            fixed_low: get(keys::DUES_FIXED_LOW_FEN)?,
            farmer_min: get(keys::DUES_FARMER_MIN_FEN)?,
            farmer_max: get(keys::DUES_FARMER_MAX_FEN)?,
            back_payment_max_months: get(keys::DUES_BACK_PAYMENT_MAX_MONTHS)?,
        })
    }
}

/// Why a standard cannot be computed, in Chinese, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DuesError {
    #[error("计算基数：{0}")]
    Base(&'static str),
    #[error("农民党员月交纳额：应在{min}至{max}之间")]
    FarmerAmount { min: Fen, max: Fen },
}

/// A member's monthly standard and the rule it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Standard {
    pub monthly: Fen,
    pub rule: Arc<RuleRef>,
}

/// The monthly standard for a category. `base` is the fixed monthly after-tax pay (or the
/// pension) for salaried and retired members; `farmer_amount` the amount a farmer member's
/// branch fixed within the range. Other inputs are ignored.
pub fn monthly_standard(
    category: DuesCategory,
    base: Option<Fen>,
    farmer_amount: Option<Fen>,
    rules: &DuesRules,
) -> Result<Standard, DuesError> {
    let by_bracket = |bounds: &[Resolved], rates: &[Resolved]| -> Result<Standard, DuesError> {
        let base = base.ok_or(DuesError::Base("在职和离退休党员必填"))?;
        if base < Fen::ZERO {
            return Err(DuesError::Base("不能为负数"));
        }
        // The first bracket whose upper bound (yuan → fen) the base does not exceed.
        let i = bounds
            .iter()
            .position(|b| base.fen() <= b.value.saturating_mul(100))
            .unwrap_or(bounds.len());
        let rate = &rates[i.min(rates.len() - 1)];
        Ok(Standard {
            monthly: base.apply_rate(rate.value, 10_000),
            rule: rate.rule.clone(),
        })
    };
    match category {
        DuesCategory::Salaried => by_bracket(&rules.salaried_bounds, &rules.salaried_rates),
        DuesCategory::Retired => by_bracket(
            std::slice::from_ref(&rules.retired_bound),
            &rules.retired_rates,
        ),
        DuesCategory::Farmer => {
            let (min, max) = (
                Fen::new(rules.farmer_min.value),
                Fen::new(rules.farmer_max.value),
            );
            match farmer_amount.unwrap_or(min) {
                a if a >= min && a <= max => Ok(Standard {
                    monthly: a,
                    rule: rules.farmer_max.rule.clone(),
                }),
                _ => Err(DuesError::FarmerAmount { min, max }),
            }
        }
        DuesCategory::Student | DuesCategory::Unemployed | DuesCategory::Relief => Ok(Standard {
            monthly: Fen::new(rules.fixed_low.value),
            rule: rules.fixed_low.rule.clone(),
        }),
    }
}

/// A member's standard for a year as recorded (the amount follows from the table in force).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardRecord {
    pub member: crate::registry::Key,
    pub year: i32,
    pub category: DuesCategory,
    pub base: Option<Fen>,
    pub farmer_amount: Option<Fen>,
}

/// A regular payment as a bulk load or an import carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentRecord {
    pub member: crate::registry::Key,
    /// The month paid for.
    pub month: Period,
    pub amount: Fen,
    pub paid_on: NaiveDate,
}

/// Where one month stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MonthState {
    /// Paid the standard or more.
    Paid,
    /// Paid something, less than the standard.
    Short,
    /// Nothing paid.
    Unpaid,
}

impl MonthState {
    /// Where a month stands with `due` and `paid` (the ledger's sum for it). Nothing due is
    /// never owed, whatever corrections left on the month.
    pub fn of(due: Fen, paid: Fen) -> MonthState {
        if paid >= due || due <= Fen::ZERO {
            MonthState::Paid
        } else if paid > Fen::ZERO {
            MonthState::Short
        } else {
            MonthState::Unpaid
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            MonthState::Paid => "已交",
            MonthState::Short => "少交",
            MonthState::Unpaid => "未交",
        }
    }
}

/// One month of one member: what was due, what was paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthDues {
    pub month: Period,
    pub due: Fen,
    pub paid: Fen,
    pub state: MonthState,
}

/// One row of the ledger as the arrears computation needs it (corrections are negative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerLine {
    /// The month the payment is for.
    pub month: Period,
    pub amount: Fen,
}

/// A member's months from `from` (or their admission, or the first year with a recorded
/// standard, whichever is latest) through `to`: each month's standard (the year's, from
/// `standards`; a later year without one is due nothing) against the ledger's sum for it.
/// Months before any standard was recorded are outside what the records can say.
pub fn months(
    admitted_on: NaiveDate,
    from: NaiveDate,
    to: NaiveDate,
    standards: &BTreeMap<i32, Fen>,
    ledger: &[LedgerLine],
) -> Vec<MonthDues> {
    let mut paid: BTreeMap<Period, Fen> = BTreeMap::new();
    for l in ledger {
        *paid.entry(l.month).or_insert(Fen::ZERO) += l.amount;
    }
    let mut out = Vec::new();
    let Some(first_year) = standards.keys().next().copied() else {
        return Vec::new();
    };
    let first_day = NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(from);
    let mut month = Period::containing_month(from.max(admitted_on).max(first_day));
    let last = Period::containing_month(to);
    while month <= last {
        let due = standards
            .get(&month.year_number())
            .copied()
            .unwrap_or(Fen::ZERO);
        let p = paid.get(&month).copied().unwrap_or(Fen::ZERO);
        let state = MonthState::of(due, p);
        out.push(MonthDues {
            month,
            due,
            paid: p,
            state,
        });
        month = month.next();
    }
    out
}

/// 党费交至年月: the last month up to which every month is fully paid (none when the first
/// month is not).
pub fn paid_through(months: &[MonthDues]) -> Option<Period> {
    months
        .iter()
        .take_while(|m| m.state == MonthState::Paid)
        .last()
        .map(|m| m.month)
}

/// Months in a row, ending with the last, that are unpaid (short months break the run: a
/// member who pays something has not stopped paying).
pub fn unpaid_run(months: &[MonthDues]) -> u32 {
    let n = months
        .iter()
        .rev()
        .take_while(|m| m.state == MonthState::Unpaid)
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// [`unpaid_run`] of [`months`] from `from` through `last`, computed from the last month
/// anything was paid for instead of the whole ledger (what the audit reads for every
/// member): the run and its first month. A month with nothing due (a year without a
/// standard) breaks the run as a paid one does.
pub fn unpaid_run_after(
    admitted_on: NaiveDate,
    from: NaiveDate,
    last: Period,
    standards: &BTreeMap<i32, Fen>,
    last_paid: Option<Period>,
) -> (u32, Option<Period>) {
    let Some(first_year) = standards.keys().next().copied() else {
        return (0, None);
    };
    let first_day = NaiveDate::from_ymd_opt(first_year, 1, 1).unwrap_or(from);
    let start = Period::containing_month(from.max(admitted_on).max(first_day));
    let mut run = 0u32;
    let mut since = None;
    let mut month = last;
    while month >= start && last_paid.is_none_or(|p| month > p) {
        let due = standards
            .get(&month.year_number())
            .copied()
            .unwrap_or(Fen::ZERO);
        if due <= Fen::ZERO {
            break;
        }
        run += 1;
        since = Some(month);
        month = month.prev();
    }
    (run, since)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules() -> DuesRules {
        DuesRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap()
    }

    fn yuan(y: i64) -> Option<Fen> {
        Some(Fen::new(y * 100))
    }

    #[test]
    fn the_2008_table_by_bracket_on_the_whole_base() {
        let r = rules();
        let s = |c, base| monthly_standard(c, base, None, &r).unwrap().monthly.fen();
        use DuesCategory::*;
        assert_eq!(s(Salaried, yuan(3000)), 1500, "0.5% of 3,000 (inclusive)");
        assert_eq!(
            s(Salaried, Some(Fen::new(300_001))),
            3000,
            "1% just above 3,000"
        );
        assert_eq!(s(Salaried, yuan(5000)), 5000);
        assert_eq!(s(Salaried, yuan(8000)), 12000, "1.5%");
        assert_eq!(s(Salaried, yuan(10000)), 15000);
        assert_eq!(s(Salaried, yuan(12000)), 24000, "2%");
        assert_eq!(s(Retired, yuan(5000)), 2500);
        assert_eq!(s(Retired, yuan(6000)), 6000);
        assert_eq!(s(Student, None), 20);
        assert_eq!(s(Relief, yuan(9999)), 20, "a base does not matter");
        // Half up to the fen: 0.5% of 2,345.67 yuan = 11.72835 yuan → 11.73.
        assert_eq!(s(Salaried, Some(Fen::new(234_567))), 1173);
        let rule = monthly_standard(Salaried, yuan(8000), None, &r)
            .unwrap()
            .rule;
        assert_eq!(rule.key, keys::DUES_SALARIED_RATE_3_BP);
        assert!(rule.source.contains("2008"));
    }

    #[test]
    fn bad_bases_and_farmer_amounts_are_refused_in_chinese() {
        let r = rules();
        let err = monthly_standard(DuesCategory::Salaried, None, None, &r).unwrap_err();
        assert_eq!(err.to_string(), "计算基数：在职和离退休党员必填");
        let err =
            monthly_standard(DuesCategory::Retired, Some(Fen::new(-1)), None, &r).unwrap_err();
        assert!(err.to_string().contains("不能为负数"));
        assert_eq!(
            monthly_standard(DuesCategory::Farmer, None, Some(Fen::new(50)), &r)
                .unwrap()
                .monthly,
            Fen::new(50)
        );
        let err =
            monthly_standard(DuesCategory::Farmer, None, Some(Fen::new(150)), &r).unwrap_err();
        assert!(err.to_string().starts_with("农民党员月交纳额"), "{err}");
    }

    #[test]
    fn months_across_years_admission_mid_year_and_back_payments() {
        // Admitted (probationary) on 2025-11-15: pays from November 2025.
        let standards = BTreeMap::from([(2025, Fen::new(1500)), (2026, Fen::new(3000))]);
        let line = |y, m, fen| LedgerLine {
            month: Period::month(y, m).unwrap(),
            amount: Fen::new(fen),
        };
        let ledger = [
            line(2025, 11, 1500),
            line(2025, 12, 1500),
            // January paid at last year's standard: short.
            line(2026, 1, 1500),
            // February paid, then corrected by a new row (a typo of 300.00), then paid right.
            line(2026, 2, 30000),
            line(2026, 2, -30000),
            line(2026, 2, 3000),
            // April and May paid back later; March never.
            line(2026, 4, 3000),
            line(2026, 5, 3000),
        ];
        let m = months(
            d(2025, 11, 15),
            d(2025, 1, 1),
            d(2026, 7, 31),
            &standards,
            &ledger,
        );
        assert_eq!(m.first().unwrap().month, Period::month(2025, 11).unwrap());
        let states: Vec<MonthState> = m.iter().map(|x| x.state).collect();
        use MonthState::*;
        assert_eq!(
            states,
            vec![Paid, Paid, Short, Paid, Unpaid, Paid, Paid, Unpaid, Unpaid]
        );
        assert_eq!(paid_through(&m), Some(Period::month(2025, 12).unwrap()));
        assert_eq!(unpaid_run(&m), 2, "June and July");
        assert_eq!(m[2].paid, Fen::new(1500));
        assert_eq!(m[2].due, Fen::new(3000));
        assert_eq!(paid_through(&m[2..]), None);
    }

    proptest::proptest! {
        /// The audit's shortcut agrees with walking every month of the ledger.
        #[test]
        fn the_run_from_the_last_paid_month_equals_the_run_over_the_ledger(
            admitted in 0u32..40,
            years in proptest::collection::btree_set(2024i32..=2026, 0..=3),
            lines in proptest::collection::vec((0u32..36, -3000i64..6000), 0..30),
        ) {
            let base = d(2024, 1, 1);
            let admitted_on = crate::period::add_months(base, admitted as i32);
            let standards: BTreeMap<i32, Fen> =
                years.iter().map(|y| (*y, Fen::new(3000))).collect();
            let ledger: Vec<LedgerLine> = lines
                .iter()
                .map(|(m, a)| LedgerLine {
                    month: Period::containing_month(crate::period::add_months(base, *m as i32)),
                    amount: Fen::new(*a),
                })
                .collect();
            let from = d(2024, 1, 1);
            let last = Period::month(2026, 10).unwrap();
            let months = months(admitted_on, from, last.last_day(), &standards, &ledger);
            let run = unpaid_run(&months);
            let since = (run > 0).then(|| months[months.len() - run as usize].month);
            // What the database returns: the last month whose lines sum above zero.
            let mut sums: BTreeMap<Period, Fen> = BTreeMap::new();
            for l in &ledger {
                *sums.entry(l.month).or_insert(Fen::ZERO) += l.amount;
            }
            let last_paid = sums
                .iter()
                .filter(|(m, s)| **s > Fen::ZERO && **m <= last && m.first_day() >= from)
                .map(|(m, _)| *m)
                .max();
            proptest::prop_assert_eq!(
                unpaid_run_after(admitted_on, from, last, &standards, last_paid),
                (run, since)
            );
        }
    }
}
