//! The demo city's 双强六好 评星 of last year, held as the 湖州 practice holds it early in
//! the next: most of the two-new party organizations assess themselves in January, the town
//! or zone 党工委 (the county where there is none) scores in February, the county reviews
//! and the city confirms in March. How well an organization does is drawn once and shows
//! in its self-scores (a little generous), the town's (a little stricter) and, now and
//! then, the county's adjustment; a rare one is vetoed. Drawn from its own generator.

use chrono::{Datelike, Duration, NaiveDate};
use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::registry::{Key, PartyOrg};
use liangxin_domain::stars::Veto;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// An assessment to run through the platform's four steps.
#[derive(Debug, Clone)]
pub struct PlannedRating {
    pub party_org: Key,
    pub year: i32,
    pub assessed_on: NaiveDate,
    pub scored_on: NaiveDate,
    pub reviewed_on: NaiveDate,
    pub confirmed_on: NaiveDate,
    /// How well it did, in permille of each assessed indicator's points.
    pub quality: u32,
    /// The county lowers one indicator by a point on review.
    pub adjusted: bool,
    pub veto: Option<Veto>,
    /// Named a 示范点 if it reaches five stars.
    pub demonstration: bool,
}

/// Whether an organization of this type is rated (the two-new organizations' own party
/// organizations, not the 党工委 above them nor their 党小组).
pub fn rated(t: PartyOrgType) -> bool {
    matches!(
        t,
        PartyOrgType::Branch
            | PartyOrgType::JointBranch
            | PartyOrgType::GeneralBranch
            | PartyOrgType::Committee
    )
}

/// The ratings of the year before `as_of`'s whose steps were all taken by `as_of`.
pub fn plan(seed: u64, party_orgs: &[PartyOrg], as_of: NaiveDate) -> Vec<PlannedRating> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x57A2_5EED);
    let Some(jan) = NaiveDate::from_ymd_opt(as_of.year(), 1, 6) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for po in party_orgs.iter().filter(|p| rated(p.org_type)) {
        // Some organizations, new or slow, never took part.
        if !rng.random_bool(0.8) {
            continue;
        }
        let assessed_on = jan + Duration::days(rng.random_range(0..25));
        let scored_on = assessed_on + Duration::days(rng.random_range(10..35));
        let reviewed_on = scored_on + Duration::days(rng.random_range(3..20));
        let confirmed_on = reviewed_on + Duration::days(rng.random_range(3..20));
        if confirmed_on > as_of {
            continue;
        }
        // Most do well enough; a tail does poorly.
        let quality = match rng.random_range(0..100) {
            0..10 => rng.random_range(350..600),
            10..45 => rng.random_range(600..800),
            _ => rng.random_range(800..=1000),
        };
        let veto = match rng.random_range(0..400) {
            0 => Some(Veto::SafetyAccident),
            1 => Some(Veto::LaborDispute),
            2 => Some(Veto::Discipline),
            _ => None,
        };
        out.push(PlannedRating {
            party_org: po.key,
            year: as_of.year() - 1,
            assessed_on,
            scored_on,
            reviewed_on,
            confirmed_on,
            quality,
            adjusted: rng.random_bool(0.06),
            veto,
            demonstration: rng.random_bool(0.3),
        });
    }
    out
}

impl PlannedRating {
    /// The organization's own score of an indicator worth `max`: a tenth more generous.
    pub fn self_points(&self, max: i64) -> i64 {
        (max * i64::from((self.quality + 100).min(1000)) + 500) / 1000
    }

    /// The town's score of an indicator worth `max`.
    pub fn town_points(&self, max: i64) -> i64 {
        (max * i64::from(self.quality) + 500) / 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_town_is_never_more_generous_than_the_self_assessment() {
        let d = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        for quality in [0, 350, 599, 800, 950, 1000] {
            let r = PlannedRating {
                party_org: Key { county: 1, id: 1 },
                year: 2025,
                assessed_on: d(1, 6),
                scored_on: d(2, 6),
                reviewed_on: d(2, 16),
                confirmed_on: d(3, 1),
                quality,
                adjusted: false,
                veto: None,
                demonstration: false,
            };
            for max in [5, 8, 10, 15] {
                assert!(r.town_points(max) <= r.self_points(max));
                assert!((0..=max).contains(&r.self_points(max)));
            }
        }
    }
}
