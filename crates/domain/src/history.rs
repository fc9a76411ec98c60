//! Coverage over time (覆盖走势): the records of an organization carry their dates (成立,
//! 注销, members joining, 转正 and leaving, party organizations covering it from and until,
//! instructors from and until), so its coverage state on any past day follows from them.
//! The dashboard's trend is computed this way from the records, never typed in and never
//! kept as a separate series.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::coverage::{CoverageState, Covering, OrganizationFacts, coverage_state};
use crate::kinds::{OrgKind, PartyOrgType, SectorSet};
use crate::registry::Key;

/// A period something held, both ends inclusive; no end: it still holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Span {
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.since <= day && self.until.is_none_or(|u| day <= u)
    }
}

/// A member whose workplace is the organization, by their dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberDates {
    /// 入党时间
    pub joined_on: NaiveDate,
    /// 转正时间
    pub confirmed_on: Option<NaiveDate>,
    /// The day the member left (转出, 死亡 …): no longer counted from that day.
    pub left_on: Option<NaiveDate>,
}

impl MemberDates {
    /// (counted, full) on `day`.
    fn on(&self, day: NaiveDate) -> (bool, bool) {
        let present = self.joined_on <= day && self.left_on.is_none_or(|l| day < l);
        (
            present,
            present && self.confirmed_on.is_some_and(|c| c <= day),
        )
    }
}

/// A party organization covering the organization for a span of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverDates {
    pub party_org: Key,
    pub org_type: PartyOrgType,
    pub span: Span,
}

/// One organization with the dates of everything its coverage depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRecord {
    pub key: Key,
    pub name: String,
    pub kind: OrgKind,
    pub sectors: SectorSet,
    pub zone: Option<i64>,
    /// 成立日期; unknown: counted on every day.
    pub registered_on: Option<NaiveDate>,
    /// 注销日期: not counted from that day.
    pub dissolved_on: Option<NaiveDate>,
    pub members: Vec<MemberDates>,
    pub covers: Vec<CoverDates>,
    pub instructors: Vec<Span>,
}

impl OrganizationRecord {
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.registered_on.is_none_or(|r| r <= day) && self.dissolved_on.is_none_or(|d| day < d)
    }

    /// The facts on `day`, as the engine takes them; `units` counts the organizations each
    /// party organization covered that day. None if the organization did not exist.
    pub fn facts_on(&self, day: NaiveDate, units: &HashMap<Key, u32>) -> Option<OrganizationFacts> {
        if !self.exists_on(day) {
            return None;
        }
        let (mut full, mut probationary) = (0, 0);
        for m in &self.members {
            match m.on(day) {
                (true, true) => full += 1,
                (true, false) => probationary += 1,
                _ => {}
            }
        }
        // Of several, the one covering fewest units, ties by key (as the store does today).
        let covering = self
            .covers
            .iter()
            .filter(|c| c.span.holds_on(day))
            .map(|c| Covering {
                party_org: c.party_org,
                org_type: c.org_type,
                units_covered: units.get(&c.party_org).copied().unwrap_or(0),
            })
            .min_by_key(|c| (c.units_covered, c.party_org));
        Some(OrganizationFacts {
            key: self.key,
            name: self.name.clone(),
            kind: self.kind,
            sectors: self.sectors,
            zone: self.zone,
            full_members: full,
            probationary_members: probationary,
            covering,
            has_instructor: self.instructors.iter().any(|s| s.holds_on(day)),
        })
    }
}

/// Coverage counts on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TrendPoint {
    pub on: NaiveDate,
    pub total: u64,
    /// 组织覆盖
    pub organization_covered: u64,
    /// 工作覆盖 (without a party organization)
    pub work_covered: u64,
    /// 空白
    pub gap: u64,
}

impl TrendPoint {
    /// 组织覆盖率 in percent, `None` when nothing existed.
    pub fn organization_rate(&self) -> Option<f64> {
        percent(self.organization_covered, self.total)
    }

    /// 工作覆盖率 in percent (organizational coverage included).
    pub fn work_rate(&self) -> Option<f64> {
        percent(self.organization_covered + self.work_covered, self.total)
    }
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64) * 100.0 / (whole as f64))
}

/// The last day of each of the `months` months up to `today`'s, oldest first; the current
/// month ends today.
pub fn month_ends(today: NaiveDate, months: u32) -> Vec<NaiveDate> {
    let first = today.with_day(1).unwrap_or(today);
    let mut out: Vec<NaiveDate> = (1..months)
        .filter_map(|back| first.checked_sub_months(chrono::Months::new(back - 1)))
        .filter_map(|start| start.pred_opt())
        .collect();
    out.reverse();
    out.push(today);
    out
}

/// The organizations each party organization covered on `day`, over the given records.
pub fn units_on(records: &[OrganizationRecord], day: NaiveDate) -> HashMap<Key, u32> {
    let mut units: HashMap<Key, u32> = HashMap::new();
    for r in records.iter().filter(|r| r.exists_on(day)) {
        for c in r.covers.iter().filter(|c| c.span.holds_on(day)) {
            *units.entry(c.party_org).or_default() += 1;
        }
    }
    units
}

/// Coverage on each of `days` from the records. Units covered per party organization are
/// counted per day over the given records, so a scope's trend counts the units it sees.
pub fn trend(records: &[OrganizationRecord], days: &[NaiveDate]) -> Vec<TrendPoint> {
    days.iter()
        .map(|&day| {
            let units = units_on(records, day);
            let mut p = TrendPoint {
                on: day,
                total: 0,
                organization_covered: 0,
                work_covered: 0,
                gap: 0,
            };
            for facts in records.iter().filter_map(|r| r.facts_on(day, &units)) {
                p.total += 1;
                match coverage_state(&facts) {
                    CoverageState::Organization => p.organization_covered += 1,
                    CoverageState::Work => p.work_covered += 1,
                    CoverageState::Gap => p.gap += 1,
                }
            }
            p
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn record(id: i64) -> OrganizationRecord {
        OrganizationRecord {
            key: Key { county: 330825, id },
            name: format!("单位{id}"),
            kind: OrgKind::Enterprise,
            sectors: SectorSet::EMPTY,
            zone: None,
            registered_on: None,
            dissolved_on: None,
            members: Vec::new(),
            covers: Vec::new(),
            instructors: Vec::new(),
        }
    }

    #[test]
    fn month_ends_run_across_years_and_end_today() {
        assert_eq!(
            month_ends(d(2026, 2, 10), 4),
            vec![
                d(2025, 11, 30),
                d(2025, 12, 31),
                d(2026, 1, 31),
                d(2026, 2, 10)
            ]
        );
        assert_eq!(
            month_ends(d(2024, 3, 31), 2),
            vec![d(2024, 2, 29), d(2024, 3, 31)]
        );
        assert_eq!(month_ends(d(2024, 3, 5), 1), vec![d(2024, 3, 5)]);
    }

    #[test]
    fn each_day_sees_the_records_as_they_stood() {
        let branch = Key {
            county: 330825,
            id: 900,
        };
        // A unit with members: a gap until its branch covers it in March.
        let mut a = record(1);
        a.members = vec![
            MemberDates {
                joined_on: d(2010, 7, 1),
                confirmed_on: Some(d(2011, 7, 1)),
                left_on: None,
            },
            MemberDates {
                joined_on: d(2025, 12, 1),
                confirmed_on: None,
                left_on: None,
            },
        ];
        a.covers = vec![CoverDates {
            party_org: branch,
            org_type: PartyOrgType::Branch,
            span: Span {
                since: d(2026, 3, 1),
                until: None,
            },
        }];
        // A unit without members: an instructor from February to April (inclusive).
        let mut b = record(2);
        b.instructors = vec![Span {
            since: d(2026, 2, 1),
            until: Some(d(2026, 4, 30)),
        }];
        // Registered in April; dissolved in June.
        let mut c = record(3);
        c.registered_on = Some(d(2026, 4, 15));
        c.dissolved_on = Some(d(2026, 6, 1));
        let days = [
            d(2026, 1, 31),
            d(2026, 2, 28),
            d(2026, 3, 31),
            d(2026, 4, 30),
            d(2026, 5, 31),
            d(2026, 6, 30),
        ];
        let t = trend(&[a, b, c], &days);
        let states: Vec<(u64, u64, u64, u64)> = t
            .iter()
            .map(|p| (p.total, p.organization_covered, p.work_covered, p.gap))
            .collect();
        assert_eq!(
            states,
            vec![
                (2, 0, 0, 2),
                (2, 0, 1, 1),
                (2, 1, 1, 0),
                (3, 1, 1, 1),
                (3, 1, 0, 2),
                (2, 1, 0, 1)
            ]
        );
        assert_eq!(t[2].organization_rate(), Some(50.0));
        assert_eq!(t[2].work_rate(), Some(100.0));
    }

    #[test]
    fn members_count_from_joining_as_full_from_confirmation_until_leaving() {
        let m = MemberDates {
            joined_on: d(2025, 1, 10),
            confirmed_on: Some(d(2026, 1, 10)),
            left_on: Some(d(2026, 6, 1)),
        };
        assert_eq!(m.on(d(2025, 1, 9)), (false, false));
        assert_eq!(m.on(d(2025, 1, 10)), (true, false));
        assert_eq!(m.on(d(2026, 1, 10)), (true, true));
        assert_eq!(m.on(d(2026, 5, 31)), (true, true));
        assert_eq!(m.on(d(2026, 6, 1)), (false, false));
    }

    #[test]
    fn a_unit_sharing_a_joint_branch_is_covered_by_its_own_when_it_has_one() {
        let joint = Key {
            county: 330825,
            id: 800,
        };
        let own = Key {
            county: 330825,
            id: 801,
        };
        let mut a = record(1);
        a.members = vec![MemberDates {
            joined_on: d(2010, 7, 1),
            confirmed_on: Some(d(2011, 7, 1)),
            left_on: None,
        }];
        let whole = Span {
            since: d(2020, 1, 1),
            until: None,
        };
        a.covers = vec![
            CoverDates {
                party_org: joint,
                org_type: PartyOrgType::JointBranch,
                span: whole,
            },
            CoverDates {
                party_org: own,
                org_type: PartyOrgType::Branch,
                span: Span {
                    since: d(2026, 5, 1),
                    until: None,
                },
            },
        ];
        let mut b = record(2);
        b.covers = vec![CoverDates {
            party_org: joint,
            org_type: PartyOrgType::JointBranch,
            span: whole,
        }];
        let mut units = HashMap::new();
        units.insert(joint, 2);
        units.insert(own, 1);
        let before = a.facts_on(d(2026, 4, 30), &units).unwrap();
        assert_eq!(before.covering.unwrap().party_org, joint);
        let after = a.facts_on(d(2026, 5, 1), &units).unwrap();
        assert_eq!(after.covering.unwrap().party_org, own);
    }
}
