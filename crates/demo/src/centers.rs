//! The demo city's 党群服务中心: most towns and parks led by a 党工委 have one, a few others
//! too; most are lively, some barely open. Their zones' party organizations booked them
//! for some of the meetings they held in the last months, and a few book ahead. Drawn from
//! its own generator.

use chrono::{Days, NaiveDate};
use liangxin_domain::registry::{Key, Zone};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct PlannedCenter {
    pub zone: i64,
    pub name: String,
    pub address: String,
    pub area_m2: i32,
    pub opening_hours: &'static str,
    pub open_days_per_week: i32,
    pub staff_full_time: i32,
    pub staff_part_time: i32,
    pub opened_on: NaiveDate,
    /// The share of its zone's meetings held there.
    pub use_share: f64,
}

/// A booking to make on `on` for `day`.
#[derive(Debug, Clone)]
pub struct PlannedBooking {
    pub zone: i64,
    pub party_org: Key,
    pub on: NaiveDate,
    pub day: NaiveDate,
    pub purpose: String,
}

pub fn plan(
    seed: u64,
    zones: &[Zone],
    led: &dyn Fn(i64) -> bool,
    as_of: NaiveDate,
) -> Vec<PlannedCenter> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xCE_7E25);
    let mut out = Vec::new();
    for z in zones {
        let share = if led(z.id) { 0.85 } else { 0.3 };
        if !rng.random_bool(share) {
            continue;
        }
        let (use_share, days, full) = match rng.random_range(0..100) {
            0..70 => (0.6, 6, rng.random_range(2..5)),
            70..90 => (0.15, 5, 1),
            _ => (0.02, 2, 0),
        };
        out.push(PlannedCenter {
            zone: z.id,
            name: format!("{}党群服务中心", z.name),
            address: format!("{}综合服务楼{}层", z.name, rng.random_range(1..4)),
            area_m2: rng.random_range(3..15) * 100,
            opening_hours: if days >= 6 {
                "周一至周六 8:30—17:30"
            } else if days == 5 {
                "工作日 9:00—17:00"
            } else {
                "每周二、四下午"
            },
            open_days_per_week: days,
            staff_full_time: full,
            staff_part_time: rng.random_range(1..6),
            opened_on: as_of - Days::new(rng.random_range(200..1500)),
            use_share,
        });
    }
    out
}

/// The bookings of `centers`: for each meeting (party organization, its zone, day, topic)
/// held in the four months to `as_of` at a center of its zone open then, by its share; and
/// a few ahead of `as_of`.
pub fn bookings(
    seed: u64,
    centers: &[PlannedCenter],
    meetings: &[(Key, i64, NaiveDate, String)],
    as_of: NaiveDate,
) -> Vec<PlannedBooking> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xB00C);
    let from = as_of - Days::new(120);
    let mut out = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for (org, zone, day, topic) in meetings {
        let Some(c) = centers.iter().find(|c| c.zone == *zone) else {
            continue;
        };
        if *day < from || *day > as_of || !rng.random_bool(c.use_share) {
            continue;
        }
        let on = (*day - Days::new(rng.random_range(1..10))).max(c.opened_on);
        if on > *day || !taken.insert((*org, *day)) {
            continue;
        }
        out.push(PlannedBooking {
            zone: *zone,
            party_org: *org,
            on,
            day: *day,
            purpose: topic.clone(),
        });
    }
    for c in centers {
        let orgs: Vec<Key> = meetings
            .iter()
            .filter(|(_, z, ..)| *z == c.zone)
            .map(|(k, ..)| *k)
            .collect();
        if orgs.is_empty() {
            continue;
        }
        let n = (c.use_share * 6.0) as usize;
        for _ in 0..n {
            let org = orgs[rng.random_range(0..orgs.len())];
            let day = as_of + Days::new(rng.random_range(1..30));
            if !taken.insert((org, day)) {
                continue;
            }
            out.push(PlannedBooking {
                zone: c.zone,
                party_org: org,
                on: as_of,
                day,
                purpose: "主题党日活动".into(),
            });
        }
    }
    out
}
