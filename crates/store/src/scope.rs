//! The scope every query goes through: data flows up to ancestors, never sideways.

use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::registry::Key;
use serde::Serialize;

/// What a user (or a report) may see.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Scope {
    /// The party-organization subtree, as the root's materialized path (`/1/5/`).
    pub party_path: String,
    /// For committee roles: a city (`330800`, all its counties) or a county (`330825`)
    /// whose two-new organizations they see whether or not a party organization covers them.
    pub region: Option<i32>,
    /// For town and park committees: the zone whose organizations they see.
    pub zone: Option<i64>,
    /// For instructors: they see the organizations assigned to them (and no party
    /// organization: `party_path` is then [`Scope::NOTHING`]).
    pub instructor: Option<Key>,
    /// For members: themselves only.
    pub member: Option<Key>,
}

impl Scope {
    /// A path no party organization has (ids start at 1): the empty subtree.
    pub const NOTHING: &'static str = "/0/";

    /// The subtree rooted at `party_path`.
    pub fn subtree(party_path: impl Into<String>) -> Scope {
        Scope {
            party_path: party_path.into(),
            ..Scope::default()
        }
    }

    /// Every party organization: for administrative operations and the demo loader.
    pub fn everything() -> Scope {
        Scope::subtree("/")
    }

    /// Whether the scope is a working organization's staff: not an instructor's assigned
    /// units, not a member's own records.
    pub fn is_staff(&self) -> bool {
        self.member.is_none() && self.instructor.is_none()
    }

    /// The range `[low, high)` of paths in the subtree rooted at `party_path`: every path
    /// that starts with it. `/` is followed by `0` in byte order, so the bound is the path
    /// with its last `/` replaced by `0`; a B-tree index on the path serves it.
    pub fn path_range(&self) -> (String, String) {
        let low = self.party_path.clone();
        let mut high = low.trim_end_matches('/').to_owned();
        high.push('0');
        (low, high)
    }

    /// Whether a party organization's path lies in the subtree.
    pub fn contains_path(&self, path: &str) -> bool {
        let (low, high) = self.path_range();
        path >= low.as_str() && path < high.as_str()
    }

    /// Whether the scope may move the 台账起始月 of the party organization at `path` of type
    /// `org_type`: one below its root, never its own (the records start bounds its own
    /// findings), nor its own 党小组 (their members are the branch's).
    pub fn may_move_records_start(&self, path: &str, org_type: PartyOrgType) -> bool {
        let parent = path
            .trim_end_matches('/')
            .rsplit_once('/')
            .map(|(p, _)| format!("{p}/"))
            .unwrap_or_default();
        let own_group = org_type == PartyOrgType::Group && parent == self.party_path;
        self.member.is_none() && self.contains_path(path) && path != self.party_path && !own_group
    }

    /// For a subtree with no region to bound it by county (a zone's 党工委, a branch): the
    /// SQL condition that keeps the rows whose `(county, member)` columns are a member of
    /// the subtree, so a table of every member's records is read for the subtree's members
    /// only, through its index by member, not for the whole platform; a member's scope,
    /// the member's own rows. `None` for a scope with a region (its counties bound it) or
    /// for everything. DIALECT: a row value in
    /// `IN`, valid on SQLite (3.15 on) and PostgreSQL.
    pub(crate) fn members_condition(&self, county: &str, member: &str) -> Option<String> {
        if let Some(me) = self.member {
            return Some(format!("({county}, {member}) = ({}, {})", me.county, me.id));
        }
        if self.county_range().is_some() || self.party_path == "/" {
            return None;
        }
        // Paths are the store's own digits and slashes; quoted all the same.
        let (low, high) = self.path_range();
        let (low, high) = (low.replace('\'', "''"), high.replace('\'', "''"));
        Some(format!(
            "({county}, {member}) IN (SELECT sm.county_code, sm.id FROM members sm \
               JOIN party_orgs so ON so.county_code = sm.county_code AND so.id = sm.party_org_id \
               WHERE so.path >= '{low}' AND so.path < '{high}')"
        ))
    }

    /// The condition (with its leading AND) that keeps a read of member rows to the scope's
    /// counties, or to its subtree's members where it has no region; nothing for everything.
    pub(crate) fn members_filter(&self, county: &str, member: &str) -> String {
        self.county_range()
            .map(|(lo, hi)| format!(" AND {county} BETWEEN {lo} AND {hi}"))
            .or_else(|| {
                self.members_condition(county, member)
                    .map(|c| format!(" AND {c}"))
            })
            .unwrap_or_default()
    }

    /// The county codes `[low, high]` of the region, when the scope has one: a city code
    /// (ending in 00) spans its counties, a province code (0000) its cities' counties.
    pub fn county_range(&self) -> Option<(i32, i32)> {
        self.region.map(|code| {
            if code % 10_000 == 0 {
                (code, code + 9_999) // a province spans its cities' counties
            } else if code % 100 == 0 {
                (code, code + 99)
            } else {
                (code, code)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_start_is_moved_from_above_only() {
        let branch = Scope::subtree("/1/5/");
        // Its own level and its own 党小组: no.
        assert!(!branch.may_move_records_start("/1/5/", PartyOrgType::Branch));
        assert!(!branch.may_move_records_start("/1/5/9/", PartyOrgType::Group));
        // A branch below it (a 党总支's): yes; outside it: no.
        assert!(branch.may_move_records_start("/1/5/9/", PartyOrgType::Branch));
        assert!(!branch.may_move_records_start("/1/6/", PartyOrgType::Branch));
        // A 党总支's branch's 党小组 is moved by the 党总支.
        assert!(branch.may_move_records_start("/1/5/9/12/", PartyOrgType::Group));
        let member = Scope {
            member: Some(Key { county: 1, id: 1 }),
            ..branch
        };
        assert!(!member.may_move_records_start("/1/5/9/", PartyOrgType::Branch));
    }

    #[test]
    fn the_path_range_contains_exactly_the_subtree() {
        let s = Scope::subtree("/1/5/");
        let (low, high) = s.path_range();
        let inside = |p: &str| p >= low.as_str() && p < high.as_str();
        assert!(inside("/1/5/"));
        assert!(inside("/1/5/23/"));
        assert!(inside("/1/5/999/7/"));
        assert!(
            !inside("/1/50/"),
            "a sibling whose id starts with the same digit"
        );
        assert!(!inside("/1/6/"));
        assert!(!inside("/1/"), "an ancestor");
        assert!(!inside("/1/4/"));
    }

    #[test]
    fn a_city_spans_its_counties() {
        let city = Scope {
            region: Some(330800),
            ..Scope::subtree("/1/")
        };
        assert_eq!(city.county_range(), Some((330800, 330899)));
        let county = Scope {
            region: Some(330825),
            ..city
        };
        assert_eq!(county.county_range(), Some((330825, 330825)));
        let province = Scope {
            region: Some(330000),
            ..county
        };
        assert_eq!(province.county_range(), Some((330000, 339999)));
    }
}
