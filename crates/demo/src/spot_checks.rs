//! The demo city's 随机抽查 of this year: each county's committee draws some of its party
//! organizations each quarter, the city draws units across its counties each half year.
//! Inspections follow within a month of the draw; about one in five finds a problem whose
//! rectification is due two months on and is mostly accepted when due. The latest round
//! is still under way. Drawn from its own generator.

use chrono::{Datelike, Days, NaiveDate};
use liangxin_domain::kinds::{InspectionResult, SpotCheckOf, SpotCheckStrata};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Who runs a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runner {
    City,
    /// A county's committee, by the county code.
    County(i32),
}

/// A round to publish and draw on `on`.
#[derive(Debug, Clone)]
pub struct PlannedRound {
    pub runner: Runner,
    pub title: String,
    pub of: SpotCheckOf,
    pub by: SpotCheckStrata,
    pub size: u32,
    pub seed: u64,
    pub on: NaiveDate,
}

/// The rounds of `as_of`'s year up to it, for the city and `counties`.
pub fn plan(seed: u64, counties: &[i32], as_of: NaiveDate) -> Vec<PlannedRound> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5B07_C4EC);
    let year = as_of.year();
    let mut out = Vec::new();
    for (half, month) in [(1, 5), (2, 11)] {
        if let Some(on) = NaiveDate::from_ymd_opt(year, month, 10).filter(|d| *d <= as_of) {
            out.push(PlannedRound {
                runner: Runner::City,
                title: format!(
                    "{year}年{}两新组织党建工作随机抽查",
                    ["上半年", "下半年"][half - 1]
                ),
                of: SpotCheckOf::Units,
                by: SpotCheckStrata::County,
                size: 30,
                // A published number: the year, the half, and digits as a lottery gives them.
                seed: u64::try_from(year).unwrap_or(0) * 1_000_000
                    + half as u64 * 100_000
                    + rng.random_range(0..100_000),
                on,
            });
        }
    }
    for &county in counties {
        for quarter in 1..=4u32 {
            let Some(on) = NaiveDate::from_ymd_opt(year, quarter * 3 - 1, 15) else {
                continue;
            };
            if on > as_of {
                continue;
            }
            out.push(PlannedRound {
                runner: Runner::County(county),
                title: format!("{year}年第{quarter}季度党组织随机抽查"),
                of: SpotCheckOf::PartyOrgs,
                by: SpotCheckStrata::Kind,
                size: rng.random_range(6..=12),
                seed: u64::try_from(year).unwrap_or(0) * 1_000_000
                    + u64::from(quarter) * 100_000
                    + rng.random_range(0..100_000),
                on,
            });
        }
    }
    out
}

/// What the inspection of one drawn item found, and what became of its rectification.
#[derive(Debug, Clone)]
pub struct PlannedInspection {
    pub on: NaiveDate,
    pub result: InspectionResult,
    /// The rectification's deadline, and whether it was accepted on it.
    pub rectification: Option<(NaiveDate, bool)>,
}

/// The inspections of a round of `items` drawn on `drawn_on`, those done by `as_of`.
pub fn inspections(
    seed: u64,
    round_seed: u64,
    items: usize,
    drawn_on: NaiveDate,
    as_of: NaiveDate,
) -> Vec<Option<PlannedInspection>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ round_seed);
    (0..items)
        .map(|_| {
            let on = drawn_on + Days::new(rng.random_range(3..35));
            let issues = rng.random_bool(0.2);
            let deadline = on + Days::new(60);
            let accepted = deadline <= as_of && rng.random_bool(0.8);
            (on <= as_of).then_some(PlannedInspection {
                on,
                result: if issues {
                    InspectionResult::Issues
                } else {
                    InspectionResult::Passed
                },
                rectification: issues.then_some((deadline, accepted)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_year_holds_the_rounds_up_to_the_day_and_the_latest_is_under_way() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let rounds = plan(7, &[330802, 330825], as_of);
        // The city twice, each county four times.
        assert_eq!(rounds.len(), 2 + 2 * 4);
        assert!(
            rounds
                .iter()
                .all(|r| r.on <= as_of && r.seed <= 999_999_999_999)
        );
        let last = rounds
            .iter()
            .find(|r| r.runner == Runner::City && r.on.month() == 11);
        let last = last.unwrap();
        let done = inspections(7, last.seed, 30, last.on, as_of);
        assert!(done.iter().any(Option::is_some) && done.iter().any(Option::is_none));
        let first = inspections(7, rounds[0].seed, 30, rounds[0].on, as_of);
        assert!(
            first.iter().all(Option::is_some),
            "a spring round is all inspected"
        );
    }
}
