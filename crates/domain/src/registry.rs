//! The entities of the registry as the engines and the demo city see them: regions, zones,
//! two-new organizations, party organizations, coverage links, instructors and members.
//!
//! Rows of the large tables are addressed by a [`Key`]: the county code (the distribution
//! key) and an id.

use chrono::NaiveDate;
use serde::Serialize;

use crate::credit_code::CreditCode;
use crate::kinds::{
    FlowStatus, FormationMode, MemberStatus, OrgKind, PartyOrgType, Post, SectorSet, ZoneClass,
    ZoneKind, ZoneLevel,
};
use crate::resident_id::ResidentId;

/// A reference to a row of a county-keyed table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Key {
    /// The county-level GB/T 2260 code as a number (330825), the distribution key.
    pub county: i32,
    pub id: i64,
}

impl Key {
    /// A key as pages print it and people type it, the 组织编号 or 党员编号 "县代码-编号"
    /// (`330825-17`); spaces around either part are ignored.
    pub fn parse_code(text: &str) -> Option<Key> {
        let (county, id) = text.split_once('-')?;
        Some(Key {
            county: county.trim().parse().ok()?,
            id: id.trim().parse().ok()?,
        })
    }
}

/// 行政区划: city, county or town.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// GB/T 2260 (6 digits) or a town code (9 digits).
    pub code: i32,
    pub name: String,
    pub parent: Option<i32>,
}

/// 园区、特色小镇、楼宇、市场
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub id: i64,
    /// Local code (parks and towns have no national code).
    pub code: String,
    pub name: String,
    pub kind: ZoneKind,
    pub class: Option<ZoneClass>,
    pub level: Option<ZoneLevel>,
    pub county: i32,
    pub town: Option<i32>,
}

/// 两新组织: a non-public enterprise or a social organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organization {
    pub key: Key,
    pub name: String,
    pub credit_code: Option<CreditCode>,
    /// The code failed its GB 32100 check character (kept, flagged, not refused).
    pub credit_code_check_failed: bool,
    pub kind: OrgKind,
    pub sectors: SectorSet,
    pub town: Option<i32>,
    pub zone: Option<i64>,
    pub employees: Option<i32>,
    /// 成立日期 (unknown for many units taken over from older records).
    pub registered_on: Option<NaiveDate>,
}

/// 党组织: a node of the party-organization tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrg {
    pub key: Key,
    pub parent: Option<Key>,
    pub name: String,
    pub org_type: PartyOrgType,
    pub formation_mode: Option<FormationMode>,
    pub zone: Option<i64>,
    /// A 支部委员会 has been elected (otherwise a secretary alone leads).
    pub has_committee: bool,
    /// When the current committee or secretary was elected (本届任期开始).
    pub term_started: Option<NaiveDate>,
}

/// A party organization covers an organization (组织覆盖).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverageLink {
    pub organization: Key,
    pub party_org: Key,
    pub since: NaiveDate,
}

/// 党建指导员
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instructor {
    pub key: Key,
    pub name: String,
    pub phone: Option<String>,
}

/// An instructor assigned to an organization (工作覆盖).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstructorAssignment {
    pub organization: Key,
    pub instructor: Key,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// A term of a post (职务) as loaded in bulk: the demo city's committees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostTerm {
    pub party_org: Key,
    pub post: Post,
    /// A member of the organization, in its county.
    pub member: Key,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// 党员: a member whose organizational relationship (组织关系) is in `party_org`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The county is the party organization's county.
    pub key: Key,
    pub party_org_id: i64,
    pub name: String,
    /// Sex and birth date are derived from it.
    pub resident_id: ResidentId,
    pub status: MemberStatus,
    /// 入党时间
    pub joined_on: NaiveDate,
    /// 转正时间
    pub confirmed_on: Option<NaiveDate>,
    /// 工作单位 when it is a registered two-new organization.
    pub workplace: Option<Key>,
    pub flow: FlowStatus,
    pub flow_destination: Option<String>,
    pub phone: Option<String>,
    pub background: Background,
}

/// What the 党内统计 counts of a member beyond the register's facts; each is unknown
/// (未填) until someone enters it, and the tables count the unknown apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Background {
    /// 民族
    pub ethnicity: Option<crate::ethnicity::Ethnicity>,
    /// 学历
    pub education: Option<crate::kinds::Education>,
    /// 职业 (人员类别 of the 公报)
    pub occupation: Option<crate::kinds::Occupation>,
}

/// The date rules of a member record (党章 第一条、第七条): a member joins at 18 or older, is
/// probationary for at least a year before 转正, a full member has a 转正 date and a
/// probationary one has none, and nothing lies in the future. Returns every breach as
/// (field, reason), in Chinese.
pub fn check_member_dates(
    resident_id: &ResidentId,
    status: MemberStatus,
    joined_on: NaiveDate,
    confirmed_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if joined_on > today {
        out.push(("入党时间", "不能晚于今天"));
    }
    let adult = resident_id
        .birth_date()
        .checked_add_months(chrono::Months::new(18 * 12));
    if adult.is_some_and(|a| joined_on < a) {
        out.push(("入党时间", "入党时应年满18岁"));
    }
    match (status, confirmed_on) {
        (MemberStatus::Full, None) => out.push(("转正时间", "正式党员应填写转正时间")),
        (MemberStatus::Probationary, Some(_)) => out.push(("转正时间", "预备党员没有转正时间")),
        (_, Some(c)) if c > today => out.push(("转正时间", "不能晚于今天")),
        (_, Some(c)) if c < joined_on => out.push(("转正时间", "不能早于入党时间")),
        (_, Some(c))
            if joined_on
                .checked_add_months(chrono::Months::new(12))
                .is_some_and(|y| c < y) =>
        {
            out.push(("转正时间", "预备期至少一年"))
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_county_dash_id() {
        assert_eq!(
            Key::parse_code("330825-17"),
            Some(Key {
                county: 330825,
                id: 17
            })
        );
        assert_eq!(Key::parse_code(" 330825 - 17 ").map(|k| k.id), Some(17));
        for bad in [
            "",
            "330825",
            "330825-",
            "-17",
            "龙游-17",
            "330825-1-2",
            "330825-x",
        ] {
            assert_eq!(Key::parse_code(bad), None, "{bad}");
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn member_dates_follow_the_constitution() {
        let id = ResidentId::from_parts("330825", d(1990, 3, 8), 123).unwrap();
        let today = d(2026, 11, 27);
        let check = |s, j, c| check_member_dates(&id, s, j, c, today);
        assert!(check(MemberStatus::Full, d(2015, 7, 1), Some(d(2016, 7, 1))).is_empty());
        assert!(check(MemberStatus::Probationary, d(2026, 7, 1), None).is_empty());
        // Eighteen on 2008-03-08.
        assert_eq!(
            check(MemberStatus::Probationary, d(2008, 3, 7), None),
            vec![("入党时间", "入党时应年满18岁")]
        );
        assert!(check(MemberStatus::Probationary, d(2008, 3, 8), None).is_empty());
        assert_eq!(
            check(MemberStatus::Full, d(2015, 7, 1), None),
            vec![("转正时间", "正式党员应填写转正时间")]
        );
        assert_eq!(
            check(
                MemberStatus::Probationary,
                d(2015, 7, 1),
                Some(d(2016, 7, 1))
            ),
            vec![("转正时间", "预备党员没有转正时间")]
        );
        assert_eq!(
            check(MemberStatus::Full, d(2015, 7, 1), Some(d(2014, 7, 1))),
            vec![("转正时间", "不能早于入党时间")]
        );
        assert_eq!(
            check(MemberStatus::Full, d(2015, 7, 1), Some(d(2016, 6, 30))),
            vec![("转正时间", "预备期至少一年")]
        );
        assert_eq!(
            check(MemberStatus::Probationary, d(2027, 1, 1), None),
            vec![("入党时间", "不能晚于今天")]
        );
    }
}
