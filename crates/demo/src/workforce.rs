//! The demo city's 党务工作者队伍: most towns' and parks' 党工委 have full-time workers, a
//! quarter only part-time ones or none; and two years of training, as a county organization
//! department runs it: each county's spring 轮训 (40 学时) and autumn 专题培训 (16) for its
//! secretaries, a 任职培训 for those new in post, the city's 示范培训 for a few, and each
//! town's own 专题 for its zone. Most secretaries reach the 56 学时; some miss a course and
//! fall short. Drawn from its own generator.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::{PartyOrgType, Post, TrainingKind, WorkerDuty, WorkerSource};
use liangxin_domain::registry::{Key, PartyOrg, PostTerm};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct PlannedWorker {
    pub party_org: Key,
    pub name: String,
    pub duty: WorkerDuty,
    pub source: WorkerSource,
    pub qualification: &'static str,
    pub since: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct PlannedCourse {
    pub organizer: Key,
    pub title: String,
    pub kind: TrainingKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: i32,
    pub place: String,
    /// Secretaries who attended (members).
    pub members: Vec<Key>,
    /// Workers who attended, as indexes into the planned workers.
    pub workers: Vec<usize>,
}

/// Seats of one class: a county's 轮训 of more secretaries runs as several.
const CLASS_SEATS: usize = 1_500;

const QUALIFICATIONS: [&str; 5] = [
    "大学本科",
    "大学专科",
    "研究生",
    "大学本科，助理社会工作师",
    "大学本科，企业人力资源管理师",
];

/// The workers of each town's or park's 党工委 (`committees`: key and zone name).
pub fn workers(seed: u64, committees: &[(Key, String)], as_of: NaiveDate) -> Vec<PlannedWorker> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7EA3);
    let mut out = Vec::new();
    for (committee, _) in committees {
        let full = match rng.random_range(0..100) {
            0..15 => 0,
            15..50 => 1,
            50..85 => 2,
            _ => 3,
        };
        let part = rng.random_range(0..5);
        for i in 0..full + part {
            let duty = if i < full {
                WorkerDuty::FullTime
            } else {
                WorkerDuty::PartTime
            };
            let x = rng.random_range(0..10);
            let source = match duty {
                WorkerDuty::FullTime if x < 6 => WorkerSource::Recruited,
                WorkerDuty::FullTime => WorkerSource::Seconded,
                WorkerDuty::PartTime if x < 5 => WorkerSource::Internal,
                WorkerDuty::PartTime if x < 8 => WorkerSource::Retired,
                WorkerDuty::PartTime => WorkerSource::Other,
            };
            let since = as_of
                .checked_sub_days(chrono::Days::new(rng.random_range(60..1800)))
                .unwrap_or(as_of);
            out.push(PlannedWorker {
                party_org: *committee,
                name: crate::person_name(&mut rng),
                duty,
                source,
                qualification: QUALIFICATIONS
                    .choose(&mut rng)
                    .copied()
                    .unwrap_or("大学本科"),
                since,
            });
        }
    }
    out
}

/// A secretary's term: member, organization, since, until, and the organization's county
/// committee and town committee.
type Tenure = (
    Key,
    Key,
    NaiveDate,
    Option<NaiveDate>,
    Option<Key>,
    Option<Key>,
);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// Last year's and this year's courses up to `as_of`, with who attended each.
pub fn courses(
    seed: u64,
    party_orgs: &[PartyOrg],
    terms: &[PostTerm],
    workers: &[PlannedWorker],
    as_of: NaiveDate,
) -> Vec<PlannedCourse> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xC0_75E);
    let by_key: HashMap<Key, &PartyOrg> = party_orgs.iter().map(|p| (p.key, p)).collect();
    // Each organization's county committee (the root's child) and town committee.
    let ancestors = |k: Key| -> (Option<Key>, Option<Key>, Option<Key>) {
        let mut chain = vec![k];
        let mut at = by_key.get(&k).and_then(|p| p.parent);
        while let Some(p) = at {
            chain.push(p);
            at = by_key.get(&p).and_then(|o| o.parent);
        }
        let root = chain.last().copied();
        let county = chain.len().checked_sub(2).map(|i| chain[i]);
        let town = chain.iter().copied().find(|c| {
            by_key
                .get(c)
                .is_some_and(|p| p.org_type == PartyOrgType::WorkingCommittee && p.zone.is_some())
        });
        (root, county, town)
    };
    let secretaries: Vec<Tenure> = terms
        .iter()
        .filter(|t| t.post == Post::Secretary)
        .map(|t| {
            let (_, county, town) = ancestors(t.party_org);
            (t.member, t.party_org, t.since, t.until, county, town)
        })
        .collect();
    let Some(root) = party_orgs.iter().find(|p| p.parent.is_none()) else {
        return Vec::new();
    };
    let counties: Vec<&PartyOrg> = party_orgs
        .iter()
        .filter(|p| p.parent == Some(root.key))
        .collect();
    let towns: Vec<&PartyOrg> = party_orgs
        .iter()
        .filter(|p| p.org_type == PartyOrgType::WorkingCommittee && p.zone.is_some())
        .filter(|p| p.parent != Some(root.key))
        .collect();
    let worker_county: Vec<Option<Key>> =
        workers.iter().map(|w| ancestors(w.party_org).1).collect();
    let in_post = |on: NaiveDate| {
        secretaries
            .iter()
            .filter(move |s| s.2 <= on && s.3.is_none_or(|u| u >= on))
    };
    let mut out = Vec::new();
    for year in [as_of.year() - 1, as_of.year()] {
        // A course of more than a class's seats runs as several classes (第N班).
        let mut push = |c: PlannedCourse| {
            if c.ends_on > as_of || (c.members.is_empty() && c.workers.is_empty()) {
                return;
            }
            if c.members.len() <= CLASS_SEATS {
                out.push(c);
                return;
            }
            for (n, members) in c.members.chunks(CLASS_SEATS).enumerate() {
                out.push(PlannedCourse {
                    title: format!("{}（第{}班）", c.title, n + 1),
                    members: members.to_vec(),
                    workers: if n == 0 {
                        c.workers.clone()
                    } else {
                        Vec::new()
                    },
                    ..c.clone()
                });
            }
        };
        // The city's 示范培训: a few secretaries, the full-time workers.
        let on = day(year, 5, 12);
        push(PlannedCourse {
            organizer: root.key,
            title: format!("{year}年全市两新组织党组织书记示范培训班"),
            kind: TrainingKind::Demonstration,
            starts_on: on,
            ends_on: day(year, 5, 14),
            hours: 24,
            place: "市委党校".into(),
            members: in_post(on)
                .filter(|_| rng.random_bool(0.1))
                .map(|s| s.0)
                .collect(),
            workers: (0..workers.len())
                .filter(|i| workers[*i].duty == WorkerDuty::FullTime && workers[*i].since <= on)
                .collect(),
        });
        for county in &counties {
            let of_county = |s: &&Tenure| s.4 == Some(county.key);
            let on = day(year, 3, 16);
            let members = in_post(on)
                .filter(of_county)
                .filter(|_| rng.random_bool(0.95))
                .map(|s| s.0)
                .collect();
            push(PlannedCourse {
                organizer: county.key,
                title: format!("{year}年两新组织党组织书记轮训班"),
                kind: TrainingKind::Rotation,
                starts_on: on,
                ends_on: day(year, 3, 20),
                hours: 40,
                place: "县委党校".into(),
                members,
                workers: Vec::new(),
            });
            let on = day(year, 9, 7);
            let members = in_post(on)
                .filter(of_county)
                .filter(|_| rng.random_bool(0.9))
                .map(|s| s.0)
                .collect();
            let part: Vec<usize> = (0..workers.len())
                .filter(|i| {
                    worker_county[*i] == Some(county.key)
                        && workers[*i].since <= on
                        && rng.random_bool(0.6)
                })
                .collect();
            push(PlannedCourse {
                organizer: county.key,
                title: format!("{year}年两新组织党建工作专题培训班"),
                kind: TrainingKind::Thematic,
                starts_on: on,
                ends_on: day(year, 9, 8),
                hours: 16,
                place: "县委党校".into(),
                members,
                workers: part,
            });
            // Those who came into post after the 轮训.
            let on = day(year, 11, 9);
            let members = in_post(on)
                .filter(of_county)
                .filter(|s| s.2 > day(year, 3, 16))
                .filter(|_| rng.random_bool(0.9))
                .map(|s| s.0)
                .collect();
            push(PlannedCourse {
                organizer: county.key,
                title: format!("{year}年新任党组织书记任职培训班"),
                kind: TrainingKind::Induction,
                starts_on: on,
                ends_on: day(year, 11, 10),
                hours: 16,
                place: "县委组织部".into(),
                members,
                workers: Vec::new(),
            });
        }
        for town in &towns {
            let on = day(year, 6, 18);
            let members = in_post(on)
                .filter(|s| s.5 == Some(town.key))
                .filter(|_| rng.random_bool(0.7))
                .map(|s| s.0)
                .collect();
            let own: Vec<usize> = (0..workers.len())
                .filter(|i| workers[*i].party_org == town.key && workers[*i].since <= on)
                .collect();
            push(PlannedCourse {
                organizer: town.key,
                title: format!(
                    "{year}年{}党建业务专题培训",
                    town.name.trim_start_matches("中共")
                ),
                kind: TrainingKind::Thematic,
                starts_on: on,
                ends_on: on,
                hours: 8,
                place: "党群服务中心".into(),
                members,
                workers: own,
            });
        }
    }
    out
}
