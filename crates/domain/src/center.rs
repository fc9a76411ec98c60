//! 党群服务中心: a town's or park's regional center must be 区域性、枢纽型 and 实体化运行.
//! Whether it runs is judged from facts, never declared: the activities held there (the
//! meetings the booking organizations recorded on their booked days) over the last three
//! whole months, against a rule parameter (`center.min_activities_per_month`).

use std::sync::Arc;

use chrono::{Datelike, Months, NaiveDate};

use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

pub mod keys {
    pub const MIN_ACTIVITIES_PER_MONTH: &str = "center.min_activities_per_month";
}

const SOURCE: &str = "小镇（园区）党群服务中心应区域性、枢纽型、实体化运行；判定实体化运行的每月活动次数为本平台默认值（可配置）";

/// The months a center's operation is judged over.
pub const WINDOW_MONTHS: u32 = 3;

pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    vec![RuleParam {
        key: keys::MIN_ACTIVITIES_PER_MONTH.to_owned(),
        version: 1,
        value: 2,
        effective_from: from,
        title: "党群服务中心近三个月平均每月开展活动达到此次数的，视为实体化运行".to_owned(),
        source: SOURCE.to_owned(),
    }]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterRules {
    pub min_activities_per_month: u32,
    pub rule: Arc<RuleRef>,
}

impl CenterRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let p = set.in_force(keys::MIN_ACTIVITIES_PER_MONTH, as_of)?;
        let n = u32::try_from(p.value)
            .ok()
            .filter(|n| (1..=60).contains(n))
            .ok_or_else(|| RuleError::OutOfRange {
                key: keys::MIN_ACTIVITIES_PER_MONTH.to_owned(),
                value: p.value,
                reason: "应为1至60之间的次数",
            })?;
        Ok(CenterRules {
            min_activities_per_month: n,
            rule: Arc::new(p.rule_ref()),
        })
    }

    /// The window before `today`'s month: its first and last day.
    pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let month = today.with_day(1).unwrap_or(today);
        let first = month
            .checked_sub_months(Months::new(WINDOW_MONTHS))
            .unwrap_or(month);
        (first, month.pred_opt().unwrap_or(month))
    }

    /// Whether a center with `activities` in the window (open for all of it) runs.
    pub fn running(&self, activities: u32) -> bool {
        activities >= self.min_activities_per_month * WINDOW_MONTHS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_center_runs_when_its_last_three_months_average_the_rules_activities() {
        let r = CenterRules::resolve(&RuleSet::defaults(), d(2026, 12, 5)).unwrap();
        assert_eq!(
            CenterRules::window(d(2026, 12, 5)),
            (d(2026, 9, 1), d(2026, 11, 30))
        );
        assert_eq!(
            CenterRules::window(d(2026, 2, 28)),
            (d(2025, 11, 1), d(2026, 1, 31))
        );
        assert!(!r.running(5));
        assert!(r.running(6));
    }
}
