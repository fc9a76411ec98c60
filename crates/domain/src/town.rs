//! A town's or park's profile (一镇一策): the guidance focus its class gives with that
//! class's checklist, the 五个一 hard tasks and the 五个同步. Which 五个一 items a town owes
//! is rule data (`town.five.*`, 1 in, 0 out); the records answer some of them (the 党工委
//! exists, its ledger received money this year), the rest are entered with their evidence.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::kinds::ZoneClass;
use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

/// One of the 五个一.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FiveItem {
    /// 一个党工委
    Committee,
    /// 一个党群服务中心
    Center,
    /// 一支党务工作者队伍
    Team,
    /// 一套稳定的经费保障机制
    Funding,
    /// 一个党建品牌（一镇一品）
    Brand,
}

impl FiveItem {
    pub const ALL: [FiveItem; 5] = [
        FiveItem::Committee,
        FiveItem::Center,
        FiveItem::Team,
        FiveItem::Funding,
        FiveItem::Brand,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            FiveItem::Committee => "five.committee",
            FiveItem::Center => "five.center",
            FiveItem::Team => "five.team",
            FiveItem::Funding => "five.funding",
            FiveItem::Brand => "five.brand",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            FiveItem::Committee => "一个党工委",
            FiveItem::Center => "一个党群服务中心",
            FiveItem::Team => "一支党务工作者队伍",
            FiveItem::Funding => "一套稳定的经费保障机制",
            FiveItem::Brand => "一个党建品牌（一镇一品）",
        }
    }

    pub const fn rule_key(self) -> &'static str {
        match self {
            FiveItem::Committee => "town.five.committee",
            FiveItem::Center => "town.five.center",
            FiveItem::Team => "town.five.team",
            FiveItem::Funding => "town.five.funding",
            FiveItem::Brand => "town.five.brand",
        }
    }

    /// Whether the records answer it (and it cannot be entered).
    pub const fn from_records(self) -> bool {
        matches!(
            self,
            FiveItem::Committee | FiveItem::Center | FiveItem::Team | FiveItem::Funding
        )
    }
}

/// One of the 五个同步: the town's party building keeps pace with the town.
pub const SYNC: [(&str, &str); 5] = [
    ("sync.planning", "同步规划：党建工作纳入小镇建设规划"),
    (
        "sync.organization",
        "同步组建：企业入驻同步建立或覆盖党组织",
    ),
    ("sync.activities", "同步开展活动"),
    ("sync.positions", "同步建设阵地"),
    ("sync.development", "同步推进发展：党建与产业发展同步考核"),
];

/// The guidance focus of a class (一镇一策) and its checklist: (code, item).
pub fn focus(class: ZoneClass) -> (&'static str, [(&'static str, &'static str); 3]) {
    match class {
        ZoneClass::TraditionalIndustry => (
            "园区党建提升",
            [
                ("class.park_coverage", "规模以上企业党的组织全覆盖"),
                (
                    "class.park_alliance",
                    "建立园区党建联盟，企业党组织结对共建",
                ),
                ("class.park_posts", "党员先锋岗、责任区进车间、进班组"),
            ],
        ),
        ZoneClass::EmergingIndustry => (
            "新领域新业态党建",
            [
                ("class.new_incubators", "孵化器、众创空间党的组织覆盖"),
                ("class.new_workers", "新业态从业人员中党员排查和纳入管理"),
                ("class.new_talent", "建立专家人才、高知群体党组织"),
            ],
        ),
        ZoneClass::EcoTourism => (
            "与农村社区党建结合",
            [
                ("class.eco_villages", "与所在村社党组织结对共建"),
                ("class.eco_homestays", "民宿、农家乐从业党员纳入管理"),
                ("class.eco_volunteers", "景区设立党员志愿服务岗"),
            ],
        ),
    }
}

/// Where an entered item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// 未开展
    Missing,
    /// 推进中
    Underway,
    /// 已完成
    Done,
}

impl ItemState {
    pub const ALL: [ItemState; 3] = [ItemState::Missing, ItemState::Underway, ItemState::Done];

    pub const fn code(self) -> &'static str {
        match self {
            ItemState::Missing => "missing",
            ItemState::Underway => "underway",
            ItemState::Done => "done",
        }
    }

    pub fn parse(code: &str) -> Option<ItemState> {
        ItemState::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            ItemState::Missing => "未开展",
            ItemState::Underway => "推进中",
            ItemState::Done => "已完成",
        }
    }
}

const SOURCE_FIVE: &str = "衢州市两新组织党建工作推进会讲话（2017年8月）：特色小镇和园区党建“五个一”硬任务；清单项目为本平台默认值（可配置）";

/// The 五个一's parameters, version 1 (a part of [`RuleSet::defaults`]): every item in.
pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    FiveItem::ALL
        .iter()
        .map(|i| RuleParam {
            key: i.rule_key().to_owned(),
            version: 1,
            value: 1,
            effective_from: from,
            title: format!(
                "小镇（园区）“五个一”包括“{}”（1为包括，0为不包括）",
                i.label()
            ),
            source: SOURCE_FIVE.to_owned(),
        })
        .collect()
}

/// The 五个一 a town owes on a day, each with the rule that puts it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TownRules {
    pub five: Vec<(FiveItem, Arc<RuleRef>)>,
}

impl TownRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let mut five = Vec::new();
        for i in FiveItem::ALL {
            let p = set.in_force(i.rule_key(), as_of)?;
            if !(0..=1).contains(&p.value) {
                return Err(RuleError::OutOfRange {
                    key: i.rule_key().to_owned(),
                    value: p.value,
                    reason: "应为1（包括）或0（不包括）",
                });
            }
            if p.value == 1 {
                five.push((i, Arc::new(p.rule_ref())));
            }
        }
        Ok(TownRules { five })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_owed_by_default_and_a_version_can_drop_one() {
        let from = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let set = RuleSet::defaults();
        let r = TownRules::resolve(&set, from).unwrap();
        assert_eq!(r.five.len(), 5);
        let mut params = set.params().to_vec();
        params.push(RuleParam {
            key: FiveItem::Brand.rule_key().to_owned(),
            version: 2,
            value: 0,
            effective_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            title: "不含品牌".into(),
            source: "测试".into(),
        });
        let with = RuleSet::new(params);
        let later =
            TownRules::resolve(&with, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()).unwrap();
        assert!(later.five.iter().all(|(i, _)| *i != FiveItem::Brand));
        assert_eq!(
            TownRules::resolve(&with, from).unwrap().five.len(),
            5,
            "before it"
        );
    }

    #[test]
    fn every_class_has_a_focus_and_distinct_items() {
        let mut codes = std::collections::HashSet::new();
        for c in ZoneClass::ALL {
            let (f, items) = focus(*c);
            assert!(!f.is_empty());
            for (code, _) in items {
                assert!(codes.insert(code), "{code}");
            }
        }
    }
}
