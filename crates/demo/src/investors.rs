//! The demo city's 出资人: the county committees have registered the investors of the large
//! units (a legal representative, often a shareholder beside them; a social organization's
//! 举办者), a third of them 新生代 and some members of the Party; each county holds a yearly
//! course for some of its young investors, and the branches visit the investors of the units
//! they cover, so that some 新生代 are reached and many are not yet. Drawn from its own
//! generator.

use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::{InvestorEventKind, InvestorRole, OrgKind, PoliticalStatus};
use liangxin_domain::registry::{CoverageLink, Key, Organization};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct PlannedInvestor {
    pub unit: Key,
    pub name: String,
    pub birth_year: i32,
    pub role: InvestorRole,
    pub political_status: PoliticalStatus,
}

#[derive(Debug, Clone)]
pub struct PlannedEvent {
    /// The county (its committee holds the course) or the branch that visits.
    pub by: EventBy,
    pub kind: InvestorEventKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub content: String,
    /// Indexes into the planned investors.
    pub investors: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventBy {
    County(i32),
    PartyOrg(Key),
}

/// Seats of one class (an event names at most 500 investors).
const CLASS_SEATS: usize = 300;

fn status(rng: &mut ChaCha8Rng) -> PoliticalStatus {
    match rng.random_range(0..100) {
        0..16 => PoliticalStatus::PartyMember,
        16..20 => PoliticalStatus::DemocraticParty,
        20..24 => PoliticalStatus::NonParty,
        24..27 => PoliticalStatus::LeagueMember,
        _ => PoliticalStatus::Masses,
    }
}

/// The investors of the units of 500 employees or more (规模以上, about one in seven), and of
/// one in forty smaller ones.
pub fn investors(
    seed: u64,
    organizations: &[Organization],
    as_of: NaiveDate,
) -> Vec<PlannedInvestor> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1417);
    let year = as_of.year();
    let mut out = Vec::new();
    for o in organizations {
        let large = o.employees.is_some_and(|e| e >= 500);
        if !large && rng.random_range(0..40) != 0 {
            continue;
        }
        let enterprise = o.kind == OrgKind::Enterprise;
        let count = if enterprise && rng.random_range(0..10) < 3 {
            2
        } else {
            1
        };
        let mut names: Vec<String> = Vec::with_capacity(count);
        for i in 0..count {
            // Two investors of one unit never share a name (the store refuses it).
            let mut name = crate::person_name(&mut rng);
            while names.contains(&name) {
                name = crate::person_name(&mut rng);
            }
            names.push(name.clone());
            // A third 新生代 (45 or younger), the rest born in the 1950s to 1970s.
            let birth_year = if rng.random_range(0..3) == 0 {
                year - rng.random_range(26..=45)
            } else {
                year - rng.random_range(46..=70)
            };
            out.push(PlannedInvestor {
                unit: o.key,
                name,
                birth_year,
                role: match (enterprise, i) {
                    (false, _) => InvestorRole::Founder,
                    (true, 0) if rng.random_range(0..10) < 8 => InvestorRole::LegalRepresentative,
                    (true, 0) => InvestorRole::Controller,
                    _ => InvestorRole::Shareholder,
                },
                political_status: status(&mut rng),
            });
        }
    }
    out
}

/// Each county's course for about half its 新生代 this year, and the covering branches'
/// visits to a quarter of their units' investors.
pub fn events(
    seed: u64,
    investors: &[PlannedInvestor],
    coverage: &[CoverageLink],
    counties: &[(i32, String)],
    as_of: NaiveDate,
) -> Vec<PlannedEvent> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x1418);
    let year = as_of.year();
    let young = |i: &PlannedInvestor| year - i.birth_year <= 45;
    let mut out = Vec::new();
    let course_day = NaiveDate::from_ymd_opt(year, 6, 18).filter(|d| *d <= as_of);
    for (county, name) in counties {
        let Some(held_on) = course_day else { break };
        let reached: Vec<usize> = investors
            .iter()
            .enumerate()
            .filter(|(_, i)| i.unit.county == *county && young(i))
            .filter(|_| rng.random_range(0..2) == 0)
            .map(|(n, _)| n)
            .collect();
        for (class, seats) in reached.chunks(CLASS_SEATS).enumerate() {
            out.push(PlannedEvent {
                by: EventBy::County(*county),
                kind: InvestorEventKind::Training,
                held_on,
                title: format!("{name}新生代出资人“青蓝接力”培训班（第{}期）", class + 1),
                content: "学习习近平新时代中国特色社会主义思想，讲解企业党建和政策".into(),
                investors: seats.to_vec(),
            });
        }
    }
    let coverer: std::collections::HashMap<Key, Key> = coverage
        .iter()
        .map(|c| (c.organization, c.party_org))
        .collect();
    for (n, i) in investors.iter().enumerate() {
        let Some(branch) = coverer.get(&i.unit) else {
            continue;
        };
        if rng.random_range(0..4) != 0 {
            continue;
        }
        let day = rng.random_range(0..as_of.ordinal0().max(1));
        let Some(held_on) = NaiveDate::from_yo_opt(year, day + 1) else {
            continue;
        };
        out.push(PlannedEvent {
            by: EventBy::PartyOrg(*branch),
            kind: InvestorEventKind::Visit,
            held_on,
            title: "走访出资人".into(),
            content: "通报党组织工作，听取企业发展中的困难和诉求".into(),
            investors: vec![n],
        });
    }
    out
}
