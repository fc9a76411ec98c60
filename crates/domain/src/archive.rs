//! Members' archives (党员档案): the checklist each archive must hold — the required items,
//! configurable as rule parameters, plus the recorded 入党时间 and, for a full member,
//! 转正时间 — and completeness (信息完整度) per member and per organization.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::kinds::{ArchiveItem, MemberStatus};
use crate::rules::{RuleError, RuleRef, RuleSet, keys};

/// The checklist in force on a date: the items required (value 1 of their parameter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRules {
    pub required: Vec<(ArchiveItem, Arc<RuleRef>)>,
}

impl ArchiveRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let items = [
            (ArchiveItem::Application, keys::ARCHIVE_REQUIRE_APPLICATION),
            (ArchiveItem::Volunteer, keys::ARCHIVE_REQUIRE_VOLUNTEER),
            (
                ArchiveItem::PoliticalReview,
                keys::ARCHIVE_REQUIRE_POLITICAL_REVIEW,
            ),
            (ArchiveItem::Training, keys::ARCHIVE_REQUIRE_TRAINING),
            (
                ArchiveItem::Confirmation,
                keys::ARCHIVE_REQUIRE_CONFIRMATION,
            ),
        ];
        let mut required = Vec::new();
        for (item, key) in items {
            let p = set.in_force(key, as_of)?;
            if p.value > 0 {
                required.push((item, Arc::new(p.rule_ref())));
            }
        }
        Ok(ArchiveRules { required })
    }

    /// The items a member of this status must have (转正申请书 only once full).
    pub fn required_for(&self, status: MemberStatus) -> Vec<&(ArchiveItem, Arc<RuleRef>)> {
        self.required
            .iter()
            .filter(|(item, _)| *item != ArchiveItem::Confirmation || status == MemberStatus::Full)
            .collect()
    }
}

/// One item in a member's archive, as a bulk load or an import carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArchiveRecord {
    pub member: crate::registry::Key,
    pub item: ArchiveItem,
    pub received_on: NaiveDate,
}

/// One member's archive as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveFacts {
    pub status: MemberStatus,
    /// 入党时间 is recorded (always, by the registry's rules).
    pub joined_recorded: bool,
    /// 转正时间 is recorded.
    pub confirmed_recorded: bool,
    pub items: BTreeSet<ArchiveItem>,
}

/// What an archive lacks, and its completeness in whole percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completeness {
    pub missing: Vec<&'static str>,
    pub percent: u32,
    /// The rule of the first missing item (a finding cites it).
    pub rule: Option<Arc<RuleRef>>,
}

pub fn completeness(a: &ArchiveFacts, rules: &ArchiveRules) -> Completeness {
    let mut total = 1u32; // 入党时间
    let mut have = u32::from(a.joined_recorded);
    let mut missing = Vec::new();
    let mut rule = None;
    if !a.joined_recorded {
        missing.push("入党时间");
    }
    if a.status == MemberStatus::Full {
        total += 1;
        if a.confirmed_recorded {
            have += 1;
        } else {
            missing.push("转正时间");
        }
    }
    for (item, r) in rules.required_for(a.status) {
        total += 1;
        if a.items.contains(item) {
            have += 1;
        } else {
            missing.push(item.label());
            rule.get_or_insert_with(|| r.clone());
        }
    }
    Completeness {
        missing,
        percent: have * 100 / total.max(1),
        rule,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_checklist_follows_status_and_configuration() {
        let rules = ArchiveRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap();
        let all: BTreeSet<ArchiveItem> = ArchiveItem::ALL.iter().copied().collect();
        let full = ArchiveFacts {
            status: MemberStatus::Full,
            joined_recorded: true,
            confirmed_recorded: true,
            items: all.clone(),
        };
        assert_eq!(completeness(&full, &rules).percent, 100);
        // A probationary member owes no 转正申请书 and no 转正时间.
        let mut items = all.clone();
        items.remove(&ArchiveItem::Confirmation);
        let probationary = ArchiveFacts {
            status: MemberStatus::Probationary,
            joined_recorded: true,
            confirmed_recorded: false,
            items,
        };
        assert!(completeness(&probationary, &rules).missing.is_empty());
        // Two of seven missing: 5/7 = 71%.
        let mut items = all.clone();
        items.remove(&ArchiveItem::PoliticalReview);
        items.remove(&ArchiveItem::Training);
        let c = completeness(
            &ArchiveFacts {
                items,
                ..full.clone()
            },
            &rules,
        );
        assert_eq!(c.missing, vec!["政治审查材料", "培养教育考察材料"]);
        assert_eq!(c.percent, 71);
        assert_eq!(c.rule.unwrap().key, keys::ARCHIVE_REQUIRE_POLITICAL_REVIEW);
        // A locality that drops the 政治审查材料 from its checklist.
        let mut params = RuleSet::defaults().params().to_vec();
        params.push(crate::rules::RuleParam {
            key: keys::ARCHIVE_REQUIRE_POLITICAL_REVIEW.into(),
            version: 2,
            value: 0,
            effective_from: d(2026, 1, 1),
            title: "不再单列政治审查材料".into(),
            source: "某县规定".into(),
        });
        let local = ArchiveRules::resolve(&RuleSet::new(params), d(2026, 11, 27)).unwrap();
        let mut items = all;
        items.remove(&ArchiveItem::PoliticalReview);
        let c = completeness(&ArchiveFacts { items, ..full }, &local);
        assert_eq!(c.percent, 100);
    }
}
