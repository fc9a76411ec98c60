//! The demo city's committees: a 书记 for most branches and committees (one in about
//! twenty left vacant, as a county finds when it goes live), the 组织委员, 宣传委员 and
//! 纪检委员 where a committee was elected, and a leader for each 党小组; every post held
//! by a full member of the organization since the start of its term.

use std::collections::HashMap;

use chrono::NaiveDate;
use liangxin_domain::kinds::{MemberStatus, PartyOrgType, Post};
use liangxin_domain::registry::{Key, PostTerm};

use crate::City;

/// The posts a committee fills after its 书记, in order.
const COMMITTEE: [Post; 3] = [Post::Organization, Post::Publicity, Post::Discipline];

/// Every term of the city's committees as of `as_of`.
pub fn terms(city: &City, as_of: NaiveDate) -> Vec<PostTerm> {
    // Full members by organization, in key order (who is first is stable for a seed).
    let mut full: HashMap<Key, Vec<(Key, NaiveDate)>> = HashMap::new();
    for m in &city.members {
        if m.status != MemberStatus::Full {
            continue;
        }
        let org = Key {
            county: m.key.county,
            id: m.party_org_id,
        };
        let eligible = m.confirmed_on.unwrap_or(m.joined_on).max(m.joined_on);
        full.entry(org).or_default().push((m.key, eligible));
    }
    for list in full.values_mut() {
        list.sort_by_key(|(k, _)| (k.county, k.id));
    }
    // A branch's 党小组: their members stand for the branch's committee too.
    let mut groups: HashMap<Key, Vec<Key>> = HashMap::new();
    for po in &city.party_orgs {
        if po.org_type == PartyOrgType::Group
            && let Some(parent) = po.parent
        {
            groups.entry(parent).or_default().push(po.key);
        }
    }
    let mut out = Vec::new();
    for po in &city.party_orgs {
        if po.org_type == PartyOrgType::WorkingCommittee || po.key.id % 20 == 7 {
            continue;
        }
        let start = po
            .term_started
            .unwrap_or_else(|| as_of - chrono::Duration::days(365));
        let mut candidates: Vec<(Key, NaiveDate)> = full.get(&po.key).cloned().unwrap_or_default();
        if po.org_type != PartyOrgType::Group {
            for g in groups.get(&po.key).into_iter().flatten() {
                candidates.extend(full.get(g).into_iter().flatten().copied());
            }
        }
        let posts: Vec<Post> = match po.org_type {
            PartyOrgType::Group => vec![Post::GroupLeader],
            _ if po.has_committee => std::iter::once(Post::Secretary).chain(COMMITTEE).collect(),
            _ => vec![Post::Secretary],
        };
        for (post, (member, eligible)) in posts.into_iter().zip(candidates) {
            let since = start.max(eligible);
            if since <= as_of {
                out.push(PostTerm {
                    party_org: po.key,
                    post,
                    member,
                    since,
                    until: None,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::{Size, generate};

    #[test]
    fn every_post_is_held_by_a_full_member_of_its_organization_once() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let city = generate(7, Size { organizations: 400 }, as_of);
        let terms = terms(&city, as_of);
        assert!(!terms.is_empty());
        let parent: HashMap<Key, Option<Key>> =
            city.party_orgs.iter().map(|p| (p.key, p.parent)).collect();
        let members: HashMap<Key, _> = city.members.iter().map(|m| (m.key, m)).collect();
        let mut single = HashSet::new();
        let mut holders = HashSet::new();
        for t in &terms {
            let m = members[&t.member];
            let org = Key {
                county: m.key.county,
                id: m.party_org_id,
            };
            assert!(
                org == t.party_org || parent[&org] == Some(t.party_org),
                "{t:?}"
            );
            assert_eq!(m.status, MemberStatus::Full);
            assert!(t.since <= as_of && m.confirmed_on.is_none_or(|c| c <= t.since));
            assert!(single.insert((t.party_org, t.post)), "one holder of {t:?}");
            assert!(
                holders.insert((t.party_org, t.member)),
                "one post each: {t:?}"
            );
        }
        let led: HashSet<Key> = terms
            .iter()
            .filter(|t| t.post == Post::Secretary)
            .map(|t| t.party_org)
            .collect();
        let branches = city
            .party_orgs
            .iter()
            .filter(|p| p.org_type.is_branch())
            .count();
        assert!(led.len() < branches, "some branches wait for a 书记");
    }
}
