//! The demo city's 软弱涣散 rectification of this year: in April each county opens a case
//! for some of the organizations the rules point to, with a deadline four to ten months
//! on; most of those past their deadline have been accepted (销号). Drawn from its own
//! generator.

use chrono::{Datelike, Days, NaiveDate};
use liangxin_domain::registry::Key;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A case to open, and what became of it.
#[derive(Debug, Clone)]
pub struct PlannedCase {
    pub party_org: Key,
    pub opened_on: NaiveDate,
    pub deadline: NaiveDate,
    /// Accepted on its deadline (when that is past).
    pub accepted: bool,
}

/// The day the counties look at the rules' candidates: the first of April of `as_of`'s year.
pub fn identified_on(as_of: NaiveDate) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(as_of.year(), 4, 1).filter(|d| *d <= as_of)
}

/// The cases opened for `candidates` (found on [`identified_on`]).
pub fn plan(seed: u64, candidates: &[Key], as_of: NaiveDate) -> Vec<PlannedCase> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x3EA4_0AE5);
    let Some(start) = identified_on(as_of) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for k in candidates {
        // Counties take up the clearest of them first; the rest are watched.
        if !rng.random_bool(0.3) {
            continue;
        }
        let opened_on = start + Days::new(rng.random_range(0..30));
        if opened_on > as_of {
            continue;
        }
        let deadline = opened_on + Days::new(rng.random_range(120..300));
        out.push(PlannedCase {
            party_org: *k,
            opened_on,
            deadline,
            accepted: deadline <= as_of && rng.random_bool(0.75),
        });
    }
    out
}
