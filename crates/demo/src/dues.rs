//! A year of party dues for the demo city: each member's category and base (most salaried,
//! some retired, farmers, students, unemployed), the standard for each year of the window,
//! and the ledger over the twelve months up to the reference date. Most pay every month;
//! some skip and pay back later; some pay short; a few stop paying (the six-month rule has
//! something to find). Drawn from its own generator, so the rest of the city is unchanged.

use chrono::{Datelike, NaiveDate};
use liangxin_domain::dues::{self, DuesRules, PaymentRecord, StandardRecord};
use liangxin_domain::kinds::DuesCategory;
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Member;
use liangxin_domain::rules::RuleSet;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn dues(
    seed: u64,
    as_of: NaiveDate,
    members: &[Member],
) -> (Vec<StandardRecord>, Vec<PaymentRecord>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xD0E5_5EED);
    let first = Period::containing_month(as_of);
    let mut window = vec![first];
    for _ in 0..11 {
        let prev = window[window.len() - 1].prev();
        window.push(prev);
    }
    window.reverse();
    let years: Vec<i32> = {
        let mut y: Vec<i32> = window.iter().map(|p| p.year_number()).collect();
        y.dedup();
        y
    };
    let defaults = RuleSet::defaults();
    let mut standards = Vec::with_capacity(members.len() * years.len());
    let mut payments = Vec::with_capacity(members.len() * 12);
    for m in members {
        let r: f64 = rng.random();
        let (category, base, farmer) = if r < 0.80 {
            // After-tax monthly pay: most between 3,000 and 9,000 yuan.
            let yuan = 2_400.0 + rng.random::<f64>().powi(2) * 14_000.0;
            (
                DuesCategory::Salaried,
                Some(Fen::new((yuan as i64) * 100)),
                None,
            )
        } else if r < 0.88 {
            let yuan = 2_000.0 + rng.random::<f64>() * 5_000.0;
            (
                DuesCategory::Retired,
                Some(Fen::new((yuan as i64) * 100)),
                None,
            )
        } else if r < 0.93 {
            (
                DuesCategory::Farmer,
                None,
                Some(Fen::new(rng.random_range(2..=10) * 10)),
            )
        } else if r < 0.97 {
            (DuesCategory::Student, None, None)
        } else {
            (DuesCategory::Unemployed, None, None)
        };
        let mut monthly = Vec::new();
        for &year in &years {
            standards.push(StandardRecord {
                member: m.key,
                year,
                category,
                base,
                farmer_amount: farmer,
            });
            let on = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(as_of);
            let due = DuesRules::resolve(&defaults, on)
                .ok()
                .and_then(|rules| dues::monthly_standard(category, base, farmer, &rules).ok())
                .map(|s| s.monthly)
                .unwrap_or(Fen::ZERO);
            monthly.push((year, due));
        }
        let due_in = |p: Period| {
            monthly
                .iter()
                .find(|(y, _)| *y == p.year_number())
                .map(|(_, d)| *d)
                .unwrap_or(Fen::ZERO)
        };
        // What kind of payer.
        let r: f64 = rng.random();
        let lapsed_from = (r >= 0.96).then(|| rng.random_range(4..12usize));
        let irregular = (0.86..0.94).contains(&r);
        let short = (0.94..0.96).contains(&r);
        let pay_day = rng.random_range(3..=25u32);
        let admitted = Period::containing_month(m.joined_on);
        let mut owed_back: Vec<Period> = Vec::new();
        for (i, &month) in window.iter().enumerate() {
            if month < admitted || lapsed_from.is_some_and(|from| i >= from) {
                continue;
            }
            let paid_on = NaiveDate::from_ymd_opt(
                month.year_number(),
                month.first_day().month(),
                pay_day.min(28),
            )
            .unwrap_or(month.first_day());
            if paid_on > as_of {
                continue;
            }
            if irregular && rng.random_bool(0.3) {
                owed_back.push(month);
                continue;
            }
            let due = due_in(month);
            let amount = if short {
                due.apply_rate(rng.random_range(50..90), 100)
            } else {
                due
            };
            if amount > Fen::ZERO {
                payments.push(PaymentRecord {
                    member: m.key,
                    month,
                    amount,
                    paid_on,
                });
            }
            // Half of what was skipped is paid back with this month.
            if !owed_back.is_empty() && rng.random_bool(0.5) {
                for back in owed_back.drain(..) {
                    let amount = due_in(back);
                    if amount > Fen::ZERO {
                        payments.push(PaymentRecord {
                            member: m.key,
                            month: back,
                            amount,
                            paid_on,
                        });
                    }
                }
            }
        }
    }
    (standards, payments)
}
