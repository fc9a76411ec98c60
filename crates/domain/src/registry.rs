//! The entities of the registry as the engines and the demo city see them: regions, zones,
//! two-new organizations, party organizations, coverage links, instructors and members.
//!
//! Rows of the large tables are addressed by a [`Key`]: the county code (the distribution
//! key) and an id.

use chrono::NaiveDate;
use serde::Serialize;

use crate::credit_code::CreditCode;
use crate::kinds::{
    FlowStatus, FormationMode, MemberStatus, OrgKind, PartyOrgType, SectorSet, ZoneClass, ZoneKind,
    ZoneLevel,
};
use crate::resident_id::ResidentId;

/// A reference to a row of a county-keyed table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Key {
    /// The county-level GB/T 2260 code as a number (330825), the distribution key.
    pub county: i32,
    pub id: i64,
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
}
