//! 党性体检: a member's yearly self-examination against a checklist of areas (理想信念,
//! 党规党纪, 宗旨意识, 组织观念, 担当作为, 道德品行), the problems they find and the
//! rectification they promise for each, then the branch's review. Which areas are in the
//! checklist is rule data (`checkup.area.*`, 1 in, 0 out). It is reference for the
//! 民主评议, never a score: nothing here has points.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

/// An area of the checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    /// 理想信念
    Ideals,
    /// 党规党纪
    Discipline,
    /// 宗旨意识
    Purpose,
    /// 组织观念
    Organization,
    /// 担当作为
    Responsibility,
    /// 道德品行
    Conduct,
}

impl Area {
    pub const ALL: [Area; 6] = [
        Area::Ideals,
        Area::Discipline,
        Area::Purpose,
        Area::Organization,
        Area::Responsibility,
        Area::Conduct,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Area::Ideals => "ideals",
            Area::Discipline => "discipline",
            Area::Purpose => "purpose",
            Area::Organization => "organization",
            Area::Responsibility => "responsibility",
            Area::Conduct => "conduct",
        }
    }

    pub fn parse(code: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Area::Ideals => "理想信念",
            Area::Discipline => "党规党纪",
            Area::Purpose => "宗旨意识",
            Area::Organization => "组织观念",
            Area::Responsibility => "担当作为",
            Area::Conduct => "道德品行",
        }
    }

    /// What the member asks themselves in this area.
    pub const fn questions(self) -> &'static str {
        match self {
            Area::Ideals => {
                "是否坚定共产主义远大理想和中国特色社会主义共同理想，学习党的创新理论是否经常、深入"
            }
            Area::Discipline => {
                "是否遵守党章党规党纪，严守政治纪律和政治规矩，有无违反中央八项规定精神的问题"
            }
            Area::Purpose => {
                "是否践行全心全意为人民服务的宗旨，联系服务职工群众是否经常，有无群众反映的问题"
            }
            Area::Organization => {
                "是否按时参加组织生活、交纳党费，主动向组织报告思想和工作，服从组织安排"
            }
            Area::Responsibility => "在岗位上是否发挥先锋模范作用，面对急难险重任务是否敢于担当",
            Area::Conduct => "是否遵守社会公德、职业道德、家庭美德和个人品德，生活作风是否严谨",
        }
    }

    pub const fn rule_key(self) -> &'static str {
        match self {
            Area::Ideals => "checkup.area.ideals",
            Area::Discipline => "checkup.area.discipline",
            Area::Purpose => "checkup.area.purpose",
            Area::Organization => "checkup.area.organization",
            Area::Responsibility => "checkup.area.responsibility",
            Area::Conduct => "checkup.area.conduct",
        }
    }
}

const SOURCE_CHECKUP: &str = "《中国共产党支部工作条例（试行）》第十九条（组织党员对照党章党规开展自我检查）；浙江等地党员党性体检做法；清单项目为本平台默认值（可配置）";

/// The checklist's parameters, version 1 (a part of [`RuleSet::defaults`]): every area in.
pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    Area::ALL
        .iter()
        .map(|a| RuleParam {
            key: a.rule_key().to_owned(),
            version: 1,
            value: 1,
            effective_from: from,
            title: format!("党性体检清单包括“{}”（1为包括，0为不包括）", a.label()),
            source: SOURCE_CHECKUP.to_owned(),
        })
        .collect()
}

/// The checklist in force on a day: its areas, each with the rule that put it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckupRules {
    pub areas: Vec<(Area, Arc<RuleRef>)>,
}

impl CheckupRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let mut areas = Vec::new();
        for a in Area::ALL {
            let p = set.in_force(a.rule_key(), as_of)?;
            if p.value > 1 || p.value < 0 {
                return Err(RuleError::OutOfRange {
                    key: a.rule_key().to_owned(),
                    value: p.value,
                    reason: "应为1（包括）或0（不包括）",
                });
            }
            if p.value == 1 {
                areas.push((a, Arc::new(p.rule_ref())));
            }
        }
        if areas.is_empty() {
            return Err(RuleError::OutOfRange {
                key: Area::Ideals.rule_key().to_owned(),
                value: 0,
                reason: "党性体检清单至少应包括一项",
            });
        }
        Ok(CheckupRules { areas })
    }
}

/// What a member writes for one area: how they stand, and a problem they found with the
/// rectification they promise (both or neither).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaEntry {
    pub area: Area,
    /// 自查情况
    pub finding: String,
    /// 查摆的问题
    pub problem: Option<String>,
    /// 整改措施 and its 时限
    pub rectification: Option<String>,
    pub due: Option<NaiveDate>,
}

/// Where a year's checkup stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckupState {
    /// 已自查，待支部评议
    Submitted,
    /// 支部已评议
    Reviewed,
}

impl CheckupState {
    pub const fn code(self) -> &'static str {
        match self {
            CheckupState::Submitted => "submitted",
            CheckupState::Reviewed => "reviewed",
        }
    }

    pub fn parse(code: &str) -> Option<CheckupState> {
        [CheckupState::Submitted, CheckupState::Reviewed]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            CheckupState::Submitted => "已自查，待支部评议",
            CheckupState::Reviewed => "支部已评议",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_checklist_has_every_area_and_a_version_may_leave_one_out() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let r = CheckupRules::resolve(&RuleSet::defaults(), day).unwrap();
        assert_eq!(r.areas.len(), Area::ALL.len());
        for a in Area::ALL {
            assert_eq!(Area::parse(a.code()), Some(a));
            assert!(a.rule_key().ends_with(a.code()));
        }
        let mut params = RuleSet::defaults().params().to_vec();
        params.push(RuleParam {
            key: Area::Conduct.rule_key().to_owned(),
            version: 2,
            value: 0,
            effective_from: day,
            title: "不包括".into(),
            source: "试点".into(),
        });
        let r = CheckupRules::resolve(&RuleSet::new(params.clone()), day).unwrap();
        assert!(!r.areas.iter().any(|(a, _)| *a == Area::Conduct));
        params.push(RuleParam {
            key: Area::Ideals.rule_key().to_owned(),
            version: 2,
            value: 2,
            effective_from: day,
            title: "错".into(),
            source: "错".into(),
        });
        assert!(CheckupRules::resolve(&RuleSet::new(params), day).is_err());
    }
}
