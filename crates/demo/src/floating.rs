//! The demo city's floating members: a record for every member marked away (流出), out for
//! up to two years to the destination the member carries, most with a valid 流动党员活动证,
//! a few with one expired or none, so the floating list and the audit have something to
//! show. About one in ten moved within the city and is hosted by a branch of another
//! county (五双联动): that branch is their destination. Drawn from its own generator.

use chrono::{Days, NaiveDate};
use liangxin_domain::floating::FloatingRecord;
use liangxin_domain::kinds::{FlowStatus, PartyOrgType};
use liangxin_domain::registry::{Key, Member, PartyOrg};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const NOTES: &[&str] = &["外出务工", "外出经商", "求学", "随子女迁居", "外派工作"];

/// A record for each member away; `prefix` begins the certificate numbers (the city's
/// letters, so that no two cities of a province issue the same number).
pub fn records(
    seed: u64,
    prefix: &str,
    members: &mut [Member],
    party_orgs: &[PartyOrg],
    as_of: NaiveDate,
) -> Vec<FloatingRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xF10A_7E55);
    let branches: Vec<(Key, &str)> = party_orgs
        .iter()
        .filter(|p| p.org_type == PartyOrgType::Branch)
        .map(|p| (p.key, p.name.as_str()))
        .collect();
    let mut out = Vec::new();
    for m in members.iter_mut().filter(|m| m.flow == FlowStatus::Outflow) {
        let host = if branches.is_empty() || !rng.random_bool(0.1) {
            None
        } else {
            let (k, name) = branches[rng.random_range(0..branches.len())];
            (k.county != m.key.county).then(|| {
                m.flow_destination = Some(name.to_owned());
                k
            })
        };
        let out_on = (as_of - Days::new(rng.random_range(30..730))).max(m.joined_on);
        let roll = rng.random_range(0..100);
        let (certificate_no, until) = match roll {
            // None was issued.
            0..3 => (None, None),
            // Expired, not yet renewed.
            3..8 => (
                Some(format!(
                    "{prefix}LD{}{:05}",
                    m.key.county % 100,
                    out.len() + 1
                )),
                Some((as_of - Days::new(rng.random_range(1..200))).max(out_on)),
            ),
            _ => (
                Some(format!(
                    "{prefix}LD{}{:05}",
                    m.key.county % 100,
                    out.len() + 1
                )),
                Some(as_of + Days::new(rng.random_range(30..700))),
            ),
        };
        out.push(FloatingRecord {
            id: out.len() as i64 + 1,
            member: m.key,
            host,
            destination: m
                .flow_destination
                .clone()
                .unwrap_or_else(|| "去向待核实".to_owned()),
            certificate_no,
            certificate_valid_until: until,
            out_on,
            back_on: None,
            note: NOTES[rng.random_range(0..NOTES.len())].to_owned(),
        });
    }
    out
}
