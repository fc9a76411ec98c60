//! The demo city's 组织关系转接: about one member in a thousand has had a letter in the last
//! three months — most to another branch of the city, some outside it — so both sides'
//! lists, the 待办 and the audit's escalation have something to show. A plan, not rows: the
//! loader carries it out through the workflow itself (issue, then receive, return or
//! cancel), so every record is one the product could have made.

use chrono::{Days, NaiveDate};
use liangxin_domain::kinds::{LetterKind, PartyOrgType};
use liangxin_domain::registry::{Key, Member, PartyOrg};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Where a planned letter goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedDestination {
    PartyOrg(Key),
    Outside(String),
}

/// What became of a planned letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still in force (past its validity when issued long enough ago).
    Open,
    Received(NaiveDate),
    Returned(&'static str),
    Cancelled(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedTransfer {
    pub member: Key,
    pub letter_kind: LetterKind,
    pub to: PlannedDestination,
    pub reason: &'static str,
    pub issued_on: NaiveDate,
    pub outcome: Outcome,
}

const REASONS: &[&str] = &["工作调动", "迁居", "到新单位就业", "随迁", "毕业离校"];
const OUTSIDE: &[&str] = &[
    "中共杭州市西湖区某科技公司支部委员会",
    "中共上海市浦东新区某物流公司支部委员会",
    "中共金华市义乌市某商贸公司支部委员会",
    "中共江西省上饶市某建材公司支部委员会",
];

/// Letters for about one member in a thousand, issued within the 90 days before `as_of`.
pub fn plan(
    seed: u64,
    members: &[Member],
    party_orgs: &[PartyOrg],
    as_of: NaiveDate,
) -> Vec<PlannedTransfer> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7A4E_5FE2);
    let branches: Vec<Key> = party_orgs
        .iter()
        .filter(|p| matches!(p.org_type, PartyOrgType::Branch | PartyOrgType::JointBranch))
        .map(|p| p.key)
        .collect();
    let mut out = Vec::new();
    if branches.len() < 2 {
        return out;
    }
    for m in members {
        if !rng.random_bool(0.001) {
            continue;
        }
        let issued_on = as_of - Days::new(rng.random_range(0..90));
        if issued_on < m.joined_on {
            continue;
        }
        let to = if rng.random_bool(0.75) {
            let home = Key {
                county: m.key.county,
                id: m.party_org_id,
            };
            let mut k = branches[rng.random_range(0..branches.len())];
            if k == home {
                k = branches
                    [(branches.iter().position(|b| *b == k).unwrap_or(0) + 1) % branches.len()];
            }
            PlannedDestination::PartyOrg(k)
        } else {
            PlannedDestination::Outside(OUTSIDE[rng.random_range(0..OUTSIDE.len())].to_owned())
        };
        let age = (as_of - issued_on).num_days();
        let roll = rng.random_range(0..100);
        let outcome = match roll {
            // Most letters are received within their validity.
            0..70 if age >= 2 => {
                Outcome::Received(issued_on + Days::new(rng.random_range(1..age.min(9) as u64 + 1)))
            }
            70..78 => Outcome::Returned("该党员未到本单位工作，请核实去向"),
            78..83 => Outcome::Cancelled("调动取消"),
            _ => Outcome::Open,
        };
        out.push(PlannedTransfer {
            member: m.key,
            letter_kind: if rng.random_bool(0.9) {
                LetterKind::Introduction
            } else {
                LetterKind::Certificate
            },
            to,
            reason: REASONS[rng.random_range(0..REASONS.len())],
            issued_on,
            outcome,
        });
    }
    out
}
