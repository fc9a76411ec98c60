//! The demo city's 民主评议党员 of last year, held as branches hold it early in the year:
//! about two in three branches ran a round in January to March; each voter marks the roll
//! (mostly 合格, some 优秀, a few 基本合格, rarely 不合格, now and then a blank), and the
//! 支委会 records grades that follow the ballots, 优秀 within a third. The platform itself
//! never derives a grade from the ballots ("不唯票数"): this is only how the demo's
//! committees decide. Drawn from its own generator.

use chrono::{Datelike, Duration, NaiveDate};
use liangxin_domain::appraisal::Grade;
use liangxin_domain::registry::{Key, PartyOrg};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A round to run through the platform's own steps.
#[derive(Debug, Clone)]
pub struct PlannedRound {
    pub branch: Key,
    pub year: i32,
    pub opened_on: NaiveDate,
    pub closed_on: NaiveDate,
    pub decided_on: NaiveDate,
    /// Of a thousand credentials, how many are used.
    pub turnout_permille: u32,
    /// The seed of its voters' marks.
    pub seed: u64,
}

/// The rounds of the year before `as_of`'s, for branches that held one by `as_of`.
pub fn plan(seed: u64, party_orgs: &[PartyOrg], as_of: NaiveDate) -> Vec<PlannedRound> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xA99_4A15);
    let Some(jan) = NaiveDate::from_ymd_opt(as_of.year(), 1, 5) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for po in party_orgs.iter().filter(|p| p.org_type.is_branch()) {
        if !rng.random_bool(0.65) {
            continue;
        }
        let opened_on = jan + Duration::days(rng.random_range(0..80));
        let closed_on = opened_on + Duration::days(rng.random_range(0..3));
        let decided_on = closed_on + Duration::days(rng.random_range(1..10));
        if decided_on > as_of {
            continue;
        }
        out.push(PlannedRound {
            branch: po.key,
            year: as_of.year() - 1,
            opened_on,
            closed_on,
            decided_on,
            turnout_permille: rng.random_range(850..=1000),
            seed: rng.random(),
        });
    }
    out
}

/// Voter `voter`'s marks on a roll of `roll` (`A`–`D`, `-` for a blank), as a ballot's text.
pub fn marks(round: &PlannedRound, voter: usize, roll: usize) -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(round.seed ^ (voter as u64).wrapping_mul(0x9E37_79B9));
    (0..roll)
        .map(|member| match rng.random_range(0..1000) {
            // About one member in four hundred has long failed the branch: most mark them so.
            _ if troubled(round, member) && rng.random_bool(0.7) => 'D',
            0..120 => 'A',
            120..965 => 'B',
            965..990 => 'C',
            990..995 => 'D',
            _ => '-',
        })
        .collect()
}

/// Whether member `member` of the roll is one the branch's voters mostly mark 不合格.
fn troubled(round: &PlannedRound, member: usize) -> bool {
    let mut rng = ChaCha8Rng::seed_from_u64(round.seed ^ 0xD0_0D ^ ((member as u64) << 20));
    rng.random_range(0..400) == 0
}

/// Whether voter `voter` casts (the round's turnout).
pub fn votes(round: &PlannedRound, voter: usize) -> bool {
    let mut rng = ChaCha8Rng::seed_from_u64(round.seed ^ 0x70_7E ^ (voter as u64));
    rng.random_range(0..1000) < round.turnout_permille
}

/// The demo committee's grades from the totals per member (优秀, 合格, 基本合格, 不合格
/// votes): the grade most voted, 合格 on a tie, and 优秀 for at most `excellent_limit`,
/// those with most 优秀 votes first.
pub fn grades(totals: &[[u32; 4]], excellent_limit: usize) -> Vec<Grade> {
    let mut out: Vec<Grade> = totals
        .iter()
        .map(|t| {
            let best = (0..4).max_by_key(|i| (t[*i], *i == 1)).unwrap_or(1);
            Grade::ALL[best]
        })
        .collect();
    let mut excellent: Vec<usize> = (0..out.len())
        .filter(|i| out[*i] == Grade::Excellent)
        .collect();
    excellent.sort_by_key(|i| std::cmp::Reverse(totals[*i][0]));
    for i in excellent.into_iter().skip(excellent_limit) {
        out[i] = Grade::Qualified;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_votes_with_excellent_within_the_limit() {
        let totals = [
            [9, 1, 0, 0],
            [8, 2, 0, 0],
            [1, 9, 0, 0],
            [0, 2, 0, 8],
            [5, 5, 0, 0],
        ];
        let g = grades(&totals, 1);
        assert_eq!(
            g,
            [
                Grade::Excellent,
                Grade::Qualified,
                Grade::Qualified,
                Grade::Unqualified,
                Grade::Qualified
            ]
        );
    }

    #[test]
    fn a_year_of_rounds_is_planned_early_in_the_year_and_marks_are_mostly_qualified() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let city = crate::generate(7, crate::Size { organizations: 300 }, as_of);
        let rounds = plan(7, &city.party_orgs, as_of);
        assert!(!rounds.is_empty());
        assert!(
            rounds
                .iter()
                .all(|r| r.year == 2025 && r.opened_on.month() <= 4)
        );
        let m = marks(&rounds[0], 0, 1000);
        assert!(m.matches('B').count() > 700, "{m}");
        assert!(m.contains('A'));
    }
}
