//! The coverage engine (组织覆盖 / 工作覆盖 / 空白) and the actions the rules demand.
//!
//! Input is a set of facts per organization and per party organization, gathered by the
//! store for one scope; output is a state per organization, findings that each name the
//! rule that raised them, and tallies by county, zone, sector or kind.
//!
//! Rates: 组织覆盖率 = organizations covered by a party organization / all organizations;
//! 工作覆盖率 = organizations reached by party work (organizational coverage included, as in
//! the statistical reports) / all organizations.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::kinds::{OrgKind, PartyOrgType, SectorSet, SectorTag};
pub use crate::registry::Key;
use crate::rules::{CoverageRules, Resolved, RuleRef};

/// The party organization that covers an organization, as far as coverage cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covering {
    pub party_org: Key,
    pub org_type: PartyOrgType,
    /// How many organizations this party organization covers in all.
    pub units_covered: u32,
}

/// What the store knows of one two-new organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationFacts {
    pub key: Key,
    pub name: String,
    pub kind: OrgKind,
    pub sectors: SectorSet,
    pub zone: Option<i64>,
    /// 正式党员 whose workplace is this organization.
    pub full_members: u32,
    /// 预备党员 whose workplace is this organization.
    pub probationary_members: u32,
    /// The covering party organization; of several, the one covering the fewest units
    /// (the unit's own branch rather than a joint one), ties broken by key.
    pub covering: Option<Covering>,
    /// A 党建指导员 is currently assigned.
    pub has_instructor: bool,
}

/// What the store knows of one party organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgFacts {
    pub key: Key,
    pub name: String,
    pub org_type: PartyOrgType,
    /// Members whose organizational relationship (组织关系) is here or in a party
    /// organization below (a 党总支's members sit in its branches).
    pub members: u32,
    /// A 支部委员会 has been elected (otherwise a secretary alone leads).
    pub has_committee: bool,
    pub units_covered: u32,
    /// When the current committee or secretary was elected.
    pub term_started: Option<NaiveDate>,
}

/// 覆盖状态
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageState {
    /// 组织覆盖: a party organization covers the unit.
    Organization,
    /// 工作覆盖: no party organization, but an instructor or party work reaches it.
    Work,
    /// 空白: neither.
    Gap,
}

impl CoverageState {
    pub const fn label(self) -> &'static str {
        match self {
            CoverageState::Organization => "组织覆盖",
            CoverageState::Work => "工作覆盖",
            CoverageState::Gap => "空白",
        }
    }
}

/// What the rules demand of an organization or a party organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 单独组建党支部
    SetUpOwnBranch,
    /// 纳入联合党支部
    JoinJointBranch,
    /// 选派党建指导员
    AssignInstructor,
    /// 联合党支部覆盖单位过多，应拆分
    SplitJointBranch,
    /// 党员超过支部规模，应成立党总支
    UpgradeToGeneralBranch,
    /// 党员超过党总支规模，应成立基层党委
    UpgradeToCommittee,
    /// 党员7人以上的支部应选举支部委员会
    ElectCommittee,
    /// 任期即将届满，准备换届
    TermExpiring,
    /// 任期已满，应按期换届
    TermExpired,
}

impl Action {
    /// Every action, in the order lists offer them.
    pub const ALL: [Action; 9] = [
        Action::SetUpOwnBranch,
        Action::JoinJointBranch,
        Action::AssignInstructor,
        Action::SplitJointBranch,
        Action::UpgradeToGeneralBranch,
        Action::UpgradeToCommittee,
        Action::ElectCommittee,
        Action::TermExpiring,
        Action::TermExpired,
    ];

    /// The code links, files and the command line use (its serde name).
    pub const fn code(self) -> &'static str {
        match self {
            Action::SetUpOwnBranch => "set_up_own_branch",
            Action::JoinJointBranch => "join_joint_branch",
            Action::AssignInstructor => "assign_instructor",
            Action::SplitJointBranch => "split_joint_branch",
            Action::UpgradeToGeneralBranch => "upgrade_to_general_branch",
            Action::UpgradeToCommittee => "upgrade_to_committee",
            Action::ElectCommittee => "elect_committee",
            Action::TermExpiring => "term_expiring",
            Action::TermExpired => "term_expired",
        }
    }

    /// The action of a code or of its Chinese label.
    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL
            .into_iter()
            .find(|a| a.code() == s || a.label() == s)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Action::SetUpOwnBranch => "单独组建党支部",
            Action::JoinJointBranch => "纳入联合党支部",
            Action::AssignInstructor => "选派党建指导员",
            Action::SplitJointBranch => "拆分联合党支部",
            Action::UpgradeToGeneralBranch => "成立党总支",
            Action::UpgradeToCommittee => "成立基层党委",
            Action::ElectCommittee => "选举支部委员会",
            Action::TermExpiring => "准备换届",
            Action::TermExpired => "按期换届",
        }
    }
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Subject {
    Organization { key: Key },
    PartyOrg { key: Key },
}

/// One action demanded of one subject, with the rule that demands it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub subject: Subject,
    pub name: String,
    pub action: Action,
    /// Why, in Chinese, with the numbers that made it so.
    pub reason: String,
    pub rule: Arc<RuleRef>,
    /// For term findings: the day the term ends.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
}

/// The result of assessing one organization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationCoverage {
    pub state: CoverageState,
    pub findings: Vec<Finding>,
}

fn finding(
    subject: Subject,
    name: &str,
    action: Action,
    reason: String,
    rule: &Resolved,
) -> Finding {
    Finding {
        subject,
        name: name.to_owned(),
        action,
        reason,
        rule: rule.rule.clone(),
        due: None,
    }
}

/// The coverage state alone: 组织覆盖 when a party organization covers a unit that has
/// members, 工作覆盖 when a party organization reaches a unit without members or an
/// instructor is assigned, else 空白. No rule parameter enters it.
pub fn coverage_state(org: &OrganizationFacts) -> CoverageState {
    let members = org.full_members + org.probationary_members;
    match &org.covering {
        Some(_) if members == 0 => CoverageState::Work,
        Some(_) => CoverageState::Organization,
        None if org.has_instructor => CoverageState::Work,
        None => CoverageState::Gap,
    }
}

/// Assesses one organization: its coverage state and what must be done.
pub fn assess_organization(org: &OrganizationFacts, rules: &CoverageRules) -> OrganizationCoverage {
    let subject = Subject::Organization { key: org.key };
    let min_full = rules.own_branch_min_full_members.value;
    let full = i64::from(org.full_members);
    let members = full + i64::from(org.probationary_members);
    let mut findings = Vec::new();

    let state = match &org.covering {
        // No member to organize: the party organization's reach is party work (DOMAIN:
        // "attached to a regional/industry organization's work" is 工作覆盖).
        Some(_) if members == 0 => CoverageState::Work,
        Some(c) => {
            // A unit in a joint branch that has grown to the threshold should stand alone.
            let shared = c.org_type == PartyOrgType::JointBranch || c.units_covered > 1;
            if shared && full >= min_full {
                findings.push(finding(
                    subject,
                    &org.name,
                    Action::SetUpOwnBranch,
                    format!(
                        "由{}覆盖（共{}个单位），但已有正式党员{full}名（≥{min_full}名）",
                        c.org_type.label(),
                        c.units_covered
                    ),
                    &rules.own_branch_min_full_members,
                ));
            }
            CoverageState::Organization
        }
        None => {
            if full >= min_full {
                findings.push(finding(
                    subject,
                    &org.name,
                    Action::SetUpOwnBranch,
                    format!("有正式党员{full}名（≥{min_full}名），尚未建立党组织"),
                    &rules.own_branch_min_full_members,
                ));
            } else if members > 0 {
                findings.push(finding(
                    subject,
                    &org.name,
                    Action::JoinJointBranch,
                    format!(
                        "有党员{members}名，其中正式党员{full}名（<{min_full}名），尚未纳入党组织"
                    ),
                    &rules.own_branch_min_full_members,
                ));
            } else if !org.has_instructor {
                findings.push(finding(
                    subject,
                    &org.name,
                    Action::AssignInstructor,
                    "无党员、无党组织，也未选派党建指导员".to_owned(),
                    &rules.instructors_per_uncovered_unit,
                ));
            }
            if org.has_instructor {
                CoverageState::Work
            } else {
                CoverageState::Gap
            }
        }
    };
    debug_assert_eq!(state, coverage_state(org));
    OrganizationCoverage { state, findings }
}

/// Assesses one party organization: size, span of a joint branch, and its term.
pub fn assess_party_org(po: &PartyOrgFacts, rules: &CoverageRules) -> Vec<Finding> {
    let subject = Subject::PartyOrg { key: po.key };
    let mut out = Vec::new();
    let members = i64::from(po.members);
    let branch_max = rules.branch_max_members.value;
    let general_max = rules.general_branch_max_members.value;

    if po.org_type.is_branch() {
        let max_units = rules.joint_branch_max_units.value;
        if i64::from(po.units_covered) > max_units {
            out.push(finding(
                subject,
                &po.name,
                Action::SplitJointBranch,
                format!("覆盖单位{}个（>{max_units}个）", po.units_covered),
                &rules.joint_branch_max_units,
            ));
        }
        if members > general_max {
            out.push(finding(
                subject,
                &po.name,
                Action::UpgradeToCommittee,
                format!("党员{members}名（>{general_max}名）"),
                &rules.general_branch_max_members,
            ));
        } else if members > branch_max {
            out.push(finding(
                subject,
                &po.name,
                Action::UpgradeToGeneralBranch,
                format!("党员{members}名（>{branch_max}名）"),
                &rules.branch_max_members,
            ));
        }
    } else if po.org_type == PartyOrgType::GeneralBranch && members > general_max {
        out.push(finding(
            subject,
            &po.name,
            Action::UpgradeToCommittee,
            format!("党员{members}名（>{general_max}名）"),
            &rules.general_branch_max_members,
        ));
    }

    let committee_min = rules.branch_committee_min_members.value;
    if po.org_type.is_branch() && members >= committee_min && !po.has_committee {
        out.push(finding(
            subject,
            &po.name,
            Action::ElectCommittee,
            format!("党员{members}名（≥{committee_min}名），尚未选举支部委员会"),
            &rules.branch_committee_min_members,
        ));
    }

    if let Some(term) = term_finding(po, rules) {
        out.push(term);
    }
    out
}

/// The day the term of an organization of `org_type` elected on `started` ends, with the
/// rule giving its length; none for one appointed by the level above (党工委, 党小组).
pub fn term_end(
    org_type: PartyOrgType,
    started: NaiveDate,
    rules: &CoverageRules,
) -> Option<(NaiveDate, &Resolved)> {
    let years = match org_type {
        // Appointed by the level above, not elected: no term to expire.
        PartyOrgType::WorkingCommittee | PartyOrgType::Group => return None,
        PartyOrgType::Committee | PartyOrgType::ComprehensiveCommittee => {
            &rules.committee_term_years
        }
        _ => &rules.branch_term_years,
    };
    let ends = started.checked_add_months(Months::new(
        u32::try_from(years.value.checked_mul(12)?).ok()?,
    ))?;
    Some((ends, years))
}

fn term_finding(po: &PartyOrgFacts, rules: &CoverageRules) -> Option<Finding> {
    let started = po.term_started?;
    let (ends, years) = term_end(po.org_type, started, rules)?;
    let remind = &rules.term_reminder_months;
    let remind_from = ends.checked_sub_months(Months::new(u32::try_from(remind.value).ok()?))?;
    let today = rules.as_of;
    let subject = Subject::PartyOrg { key: po.key };
    let (action, reason, rule) = if today >= ends {
        (
            Action::TermExpired,
            format!("{started}当选，任期{}年已于{ends}届满", years.value),
            years,
        )
    } else if today >= remind_from {
        (
            Action::TermExpiring,
            format!(
                "{started}当选，任期{}年将于{ends}届满（提前{}个月提醒）",
                years.value, remind.value
            ),
            remind,
        )
    } else {
        return None;
    };
    Some(Finding {
        due: Some(ends),
        ..finding(subject, &po.name, action, reason, rule)
    })
}

/// Counts for one group of organizations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Tally {
    pub total: u64,
    /// 组织覆盖
    pub organization_covered: u64,
    /// 工作覆盖 (without a party organization)
    pub work_covered: u64,
    /// 空白
    pub gap: u64,
    /// Organizations with at least one action demanded.
    pub needing_action: u64,
}

impl Tally {
    pub fn add(&mut self, c: &OrganizationCoverage) {
        self.total += 1;
        match c.state {
            CoverageState::Organization => self.organization_covered += 1,
            CoverageState::Work => self.work_covered += 1,
            CoverageState::Gap => self.gap += 1,
        }
        if !c.findings.is_empty() {
            self.needing_action += 1;
        }
    }

    /// 组织覆盖率 in percent, `None` for an empty group.
    pub fn organization_rate(&self) -> Option<f64> {
        percent(self.organization_covered, self.total)
    }

    /// 工作覆盖率 in percent (organizational coverage included), `None` for an empty group.
    pub fn work_rate(&self) -> Option<f64> {
        percent(self.organization_covered + self.work_covered, self.total)
    }
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64) * 100.0 / (whole as f64))
}

/// How to group a coverage report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupBy {
    County,
    Zone,
    Sector,
    Kind,
}

/// The group an organization falls in; an organization carries several sector tags and
/// is counted once under each.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "by", content = "value", rename_all = "snake_case")]
pub enum GroupKey {
    County(i32),
    /// `None`: not in any zone (不在园区小镇).
    Zone(Option<i64>),
    /// `None`: no sector tag (未标注行业).
    Sector(Option<SectorTag>),
    Kind(OrgKind),
}

impl GroupKey {
    /// The group's name: its county's or zone's from the registry's names, or the label.
    pub fn name(&self, regions: &HashMap<i32, String>, zones: &HashMap<i64, String>) -> String {
        match self {
            GroupKey::County(c) => regions.get(c).cloned().unwrap_or_else(|| c.to_string()),
            GroupKey::Zone(Some(z)) => zones.get(z).cloned().unwrap_or_else(|| z.to_string()),
            GroupKey::Zone(None) => "不在园区小镇".into(),
            GroupKey::Sector(Some(t)) => t.label().into(),
            GroupKey::Sector(None) => "未标注行业".into(),
            GroupKey::Kind(k) => k.label().into(),
        }
    }
}

impl GroupBy {
    fn keys(self, org: &OrganizationFacts) -> Vec<GroupKey> {
        match self {
            GroupBy::County => vec![GroupKey::County(org.key.county)],
            GroupBy::Zone => vec![GroupKey::Zone(org.zone)],
            GroupBy::Kind => vec![GroupKey::Kind(org.kind)],
            GroupBy::Sector if org.sectors.is_empty() => vec![GroupKey::Sector(None)],
            GroupBy::Sector => org
                .sectors
                .iter()
                .map(|t| GroupKey::Sector(Some(t)))
                .collect(),
        }
    }
}

/// A whole coverage report: the total, the groups, and every finding.
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageReport {
    pub as_of: NaiveDate,
    pub total: Tally,
    pub groups: BTreeMap<GroupKey, Tally>,
    /// Findings on organizations, then on party organizations, each sorted by key.
    pub findings: Vec<Finding>,
    /// Every organization's state and the actions demanded of it, by key: what the
    /// figures count, so a list filtered by state or action has exactly their length.
    pub units: BTreeMap<Key, Unit>,
}

/// One organization as the report judged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub state: CoverageState,
    pub actions: Vec<Action>,
}

/// Which organizations a list keeps, by the report's judgment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitFilter {
    /// 组织覆盖
    Organization,
    /// 工作覆盖 as the rate counts it: organizational coverage included.
    Work,
    /// 工作覆盖 without a party organization's coverage (the table's column).
    WorkOnly,
    /// 空白
    Gap,
    /// 需要行动: at least one action demanded.
    NeedingAction,
    /// One action demanded.
    Action(Action),
}

impl UnitFilter {
    /// The coverage-state filter of a code: organization, work (organizational coverage
    /// included, as the rate counts it), work_only, gap.
    pub fn parse_state(code: &str) -> Option<UnitFilter> {
        match code {
            "organization" => Some(UnitFilter::Organization),
            "work" => Some(UnitFilter::Work),
            "work_only" => Some(UnitFilter::WorkOnly),
            "gap" => Some(UnitFilter::Gap),
            _ => None,
        }
    }

    /// The required-action filter of a code: any, or one [`Action`]'s code.
    pub fn parse_action(code: &str) -> Option<UnitFilter> {
        match code {
            "any" => Some(UnitFilter::NeedingAction),
            a => Action::parse(a).map(UnitFilter::Action),
        }
    }

    pub fn keeps(self, unit: &Unit) -> bool {
        match self {
            UnitFilter::Organization => unit.state == CoverageState::Organization,
            UnitFilter::Work => unit.state != CoverageState::Gap,
            UnitFilter::WorkOnly => unit.state == CoverageState::Work,
            UnitFilter::Gap => unit.state == CoverageState::Gap,
            UnitFilter::NeedingAction => !unit.actions.is_empty(),
            UnitFilter::Action(a) => unit.actions.contains(&a),
        }
    }
}

/// Runs the engine over every organization and party organization of a scope.
pub fn report(
    orgs: &[OrganizationFacts],
    party_orgs: &[PartyOrgFacts],
    rules: &CoverageRules,
    by: GroupBy,
) -> CoverageReport {
    let mut total = Tally::default();
    let mut groups: BTreeMap<GroupKey, Tally> = BTreeMap::new();
    let mut findings = Vec::new();
    let mut units = BTreeMap::new();
    for org in orgs {
        let c = assess_organization(org, rules);
        total.add(&c);
        for key in by.keys(org) {
            groups.entry(key).or_default().add(&c);
        }
        units.insert(
            org.key,
            Unit {
                state: c.state,
                actions: c.findings.iter().map(|f| f.action).collect(),
            },
        );
        findings.extend(c.findings);
    }
    for po in party_orgs {
        findings.extend(assess_party_org(po, rules));
    }
    findings.sort_by_key(|f| (f.subject, f.action));
    CoverageReport {
        as_of: rules.as_of,
        total,
        groups,
        findings,
        units,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn rules_on(y: i32, m: u32, d: u32) -> CoverageRules {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        CoverageRules::resolve(&RuleSet::defaults(), date).unwrap()
    }

    fn rules() -> CoverageRules {
        rules_on(2026, 11, 27)
    }

    fn org(full: u32, probationary: u32) -> OrganizationFacts {
        OrganizationFacts {
            key: Key {
                county: 330825,
                id: 1,
            },
            name: "龙游某红木家具有限公司".into(),
            kind: OrgKind::Enterprise,
            sectors: SectorSet::EMPTY.with(SectorTag::Manufacturing),
            zone: Some(7),
            full_members: full,
            probationary_members: probationary,
            covering: None,
            has_instructor: false,
        }
    }

    fn covered_by(org_type: PartyOrgType, units: u32) -> Option<Covering> {
        Some(Covering {
            party_org: Key {
                county: 330825,
                id: 9,
            },
            org_type,
            units_covered: units,
        })
    }

    fn actions(c: &OrganizationCoverage) -> Vec<Action> {
        c.findings.iter().map(|f| f.action).collect()
    }

    #[test]
    fn three_full_members_without_a_branch_must_set_up_their_own() {
        let c = assess_organization(&org(3, 0), &rules());
        assert_eq!(c.state, CoverageState::Gap);
        assert_eq!(actions(&c), vec![Action::SetUpOwnBranch]);
        assert_eq!(
            c.findings[0].rule.key,
            "coverage.own_branch_min_full_members"
        );
        assert!(c.findings[0].rule.source.contains("支部工作条例"));
    }

    #[test]
    fn probationary_members_do_not_count_towards_the_three() {
        let c = assess_organization(&org(2, 5), &rules());
        assert_eq!(actions(&c), vec![Action::JoinJointBranch]);
    }

    #[test]
    fn a_unit_with_no_member_and_no_instructor_needs_an_instructor() {
        let c = assess_organization(&org(0, 0), &rules());
        assert_eq!(c.state, CoverageState::Gap);
        assert_eq!(actions(&c), vec![Action::AssignInstructor]);
        assert_eq!(
            c.findings[0].rule.key,
            "coverage.instructors_per_uncovered_unit"
        );
    }

    #[test]
    fn an_instructor_gives_work_coverage_and_nothing_more_is_demanded() {
        let c = assess_organization(
            &OrganizationFacts {
                has_instructor: true,
                ..org(0, 0)
            },
            &rules(),
        );
        assert_eq!(c.state, CoverageState::Work);
        assert!(c.findings.is_empty());
    }

    #[test]
    fn members_under_work_coverage_still_need_organizing() {
        let facts = OrganizationFacts {
            has_instructor: true,
            ..org(1, 0)
        };
        let c = assess_organization(&facts, &rules());
        assert_eq!(c.state, CoverageState::Work);
        assert_eq!(actions(&c), vec![Action::JoinJointBranch]);
    }

    #[test]
    fn a_unit_in_a_joint_branch_that_grew_to_three_should_stand_alone() {
        let facts = OrganizationFacts {
            covering: covered_by(PartyOrgType::JointBranch, 4),
            ..org(3, 0)
        };
        let c = assess_organization(&facts, &rules());
        assert_eq!(c.state, CoverageState::Organization);
        assert_eq!(actions(&c), vec![Action::SetUpOwnBranch]);
        let small = OrganizationFacts {
            covering: covered_by(PartyOrgType::JointBranch, 4),
            ..org(2, 0)
        };
        assert!(assess_organization(&small, &rules()).findings.is_empty());
    }

    #[test]
    fn a_unit_with_its_own_branch_is_fine() {
        let facts = OrganizationFacts {
            covering: covered_by(PartyOrgType::Branch, 1),
            ..org(12, 1)
        };
        let c = assess_organization(&facts, &rules());
        assert_eq!(c.state, CoverageState::Organization);
        assert!(c.findings.is_empty());
    }

    fn po(
        org_type: PartyOrgType,
        members: u32,
        units: u32,
        term: Option<NaiveDate>,
    ) -> PartyOrgFacts {
        PartyOrgFacts {
            key: Key {
                county: 330825,
                id: 9,
            },
            name: "龙游红木小镇联合党支部".into(),
            org_type,
            members,
            units_covered: units,
            term_started: term,
            has_committee: true,
        }
    }

    #[test]
    fn seven_members_without_a_committee_must_elect_one() {
        let r = rules();
        let secretary_only = |n| PartyOrgFacts {
            has_committee: false,
            ..po(PartyOrgType::Branch, n, 1, None)
        };
        assert!(po_actions(&secretary_only(6), &r).is_empty());
        assert_eq!(
            po_actions(&secretary_only(7), &r),
            vec![Action::ElectCommittee]
        );
        let f = &assess_party_org(&secretary_only(7), &r)[0];
        assert_eq!(f.rule.key, "coverage.branch_committee_min_members");
        assert!(po_actions(&po(PartyOrgType::Branch, 7, 1, None), &r).is_empty());
        // Not a branch rule for committees.
        let committee = PartyOrgFacts {
            has_committee: false,
            ..po(PartyOrgType::GeneralBranch, 30, 1, None)
        };
        assert!(po_actions(&committee, &r).is_empty());
    }

    #[test]
    fn a_unit_without_members_in_a_joint_branch_is_work_coverage() {
        let facts = OrganizationFacts {
            covering: covered_by(PartyOrgType::JointBranch, 4),
            ..org(0, 0)
        };
        let c = assess_organization(&facts, &rules());
        assert_eq!(c.state, CoverageState::Work);
        assert!(c.findings.is_empty());
        let one = OrganizationFacts {
            covering: covered_by(PartyOrgType::JointBranch, 4),
            ..org(0, 1)
        };
        assert_eq!(
            assess_organization(&one, &rules()).state,
            CoverageState::Organization
        );
    }

    #[test]
    fn appointed_working_committees_have_no_term() {
        let elected = NaiveDate::from_ymd_opt(2010, 1, 1);
        assert!(
            po_actions(
                &po(PartyOrgType::WorkingCommittee, 10, 1, elected),
                &rules()
            )
            .is_empty()
        );
        assert_eq!(
            po_actions(
                &po(PartyOrgType::ComprehensiveCommittee, 10, 1, elected),
                &rules()
            ),
            vec![Action::TermExpired]
        );
    }

    #[test]
    fn an_absurd_term_length_does_not_overflow() {
        let mut params = RuleSet::defaults().params().to_vec();
        for p in &mut params {
            if p.key == crate::rules::keys::BRANCH_TERM_YEARS {
                p.value = i64::MAX / 2;
            }
        }
        let date = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let r = CoverageRules::resolve(&RuleSet::new(params), date).unwrap();
        assert!(
            po_actions(
                &po(
                    PartyOrgType::Branch,
                    10,
                    1,
                    NaiveDate::from_ymd_opt(2020, 1, 1)
                ),
                &r
            )
            .is_empty()
        );
    }

    fn po_actions(p: &PartyOrgFacts, r: &CoverageRules) -> Vec<Action> {
        assess_party_org(p, r).iter().map(|f| f.action).collect()
    }

    #[test]
    fn a_joint_branch_over_five_units_should_split() {
        assert_eq!(
            po_actions(&po(PartyOrgType::JointBranch, 20, 6, None), &rules()),
            vec![Action::SplitJointBranch]
        );
        assert!(po_actions(&po(PartyOrgType::JointBranch, 20, 5, None), &rules()).is_empty());
        // A comprehensive committee legitimately spans many units.
        assert!(
            po_actions(
                &po(PartyOrgType::ComprehensiveCommittee, 20, 40, None),
                &rules()
            )
            .is_empty()
        );
    }

    #[test]
    fn branch_size_thresholds() {
        let r = rules();
        assert!(po_actions(&po(PartyOrgType::Branch, 50, 1, None), &r).is_empty());
        assert_eq!(
            po_actions(&po(PartyOrgType::Branch, 51, 1, None), &r),
            vec![Action::UpgradeToGeneralBranch]
        );
        assert_eq!(
            po_actions(&po(PartyOrgType::Branch, 101, 1, None), &r),
            vec![Action::UpgradeToCommittee]
        );
        assert!(po_actions(&po(PartyOrgType::GeneralBranch, 100, 1, None), &r).is_empty());
        assert_eq!(
            po_actions(&po(PartyOrgType::GeneralBranch, 101, 1, None), &r),
            vec![Action::UpgradeToCommittee]
        );
    }

    #[test]
    fn term_reminder_six_months_before_and_expiry_on_the_day() {
        let elected = NaiveDate::from_ymd_opt(2024, 6, 15);
        let branch = po(PartyOrgType::Branch, 10, 1, elected);
        // Ends 2027-06-15; reminder from 2026-12-15.
        assert!(po_actions(&branch, &rules_on(2026, 12, 14)).is_empty());
        assert_eq!(
            po_actions(&branch, &rules_on(2026, 12, 15)),
            vec![Action::TermExpiring]
        );
        assert_eq!(
            po_actions(&branch, &rules_on(2027, 6, 14)),
            vec![Action::TermExpiring]
        );
        let expired = assess_party_org(&branch, &rules_on(2027, 6, 15));
        assert_eq!(expired[0].action, Action::TermExpired);
        assert_eq!(expired[0].due, NaiveDate::from_ymd_opt(2027, 6, 15));
        // A committee's term is five years.
        let committee = po(PartyOrgType::Committee, 10, 1, elected);
        assert!(po_actions(&committee, &rules_on(2027, 6, 15)).is_empty());
        assert_eq!(
            po_actions(&committee, &rules_on(2029, 6, 15)),
            vec![Action::TermExpired]
        );
    }

    #[test]
    fn report_tallies_rates_and_counts_sectors_once_each() {
        let mut a = org(0, 0);
        a.sectors = SectorSet::EMPTY
            .with(SectorTag::Internet)
            .with(SectorTag::NewCultural);
        let b = OrganizationFacts {
            key: Key {
                county: 330802,
                id: 2,
            },
            covering: covered_by(PartyOrgType::Branch, 1),
            ..org(4, 0)
        };
        let c = OrganizationFacts {
            key: Key {
                county: 330825,
                id: 3,
            },
            has_instructor: true,
            ..org(0, 0)
        };
        let r = report(&[a, b, c], &[], &rules(), GroupBy::County);
        assert_eq!(r.total.total, 3);
        assert_eq!(r.total.organization_covered, 1);
        assert_eq!(r.total.work_covered, 1);
        assert_eq!(r.total.gap, 1);
        assert_eq!(r.total.needing_action, 1);
        let lyx = r.groups[&GroupKey::County(330825)];
        assert_eq!((lyx.total, lyx.gap, lyx.work_covered), (2, 1, 1));
        assert_eq!(lyx.work_rate(), Some(50.0));
        assert_eq!(lyx.organization_rate(), Some(0.0));

        let mut d = org(0, 0);
        d.sectors = SectorSet::EMPTY
            .with(SectorTag::Internet)
            .with(SectorTag::NewCultural);
        let by_sector = report(&[d, org(0, 0)], &[], &rules(), GroupBy::Sector);
        assert_eq!(
            by_sector.groups[&GroupKey::Sector(Some(SectorTag::Internet))].total,
            1
        );
        assert_eq!(
            by_sector.groups[&GroupKey::Sector(Some(SectorTag::NewCultural))].total,
            1
        );
        assert_eq!(
            by_sector.groups[&GroupKey::Sector(Some(SectorTag::Manufacturing))].total,
            1
        );
        assert_eq!(by_sector.total.total, 2);
    }

    #[test]
    fn an_empty_group_has_no_rate() {
        assert_eq!(Tally::default().organization_rate(), None);
    }
}
