//! 成效评估: a composite of each county's (or town's) work over a period from the 考核清单's
//! criteria the records compute: every criterion a rate of counted things, weighted by a
//! versioned rule, its points explained. A criterion the records cannot yet measure for a
//! group (nothing counted) is left out and the rest are scaled to 100, so a county is not
//! marked down for having no case to rectify.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

pub mod keys {
    pub const WORK_COVERAGE: &str = "effectiveness.weight.work_coverage";
    pub const LIFE: &str = "effectiveness.weight.life";
    pub const DUES: &str = "effectiveness.weight.dues";
    pub const FINDINGS_CLOSED: &str = "effectiveness.weight.findings_closed";
    pub const STARS: &str = "effectiveness.weight.stars";
    pub const RECTIFICATION: &str = "effectiveness.weight.rectification";
}

const SOURCE: &str = "两新组织党建工作考核清单（三单一表）：考核指标由记录计算，权重为本平台默认值，由市委组织部按年度调整（新版本自生效日起适用）";

/// One criterion of the 考核清单 the records compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// 工作覆盖率: units covered (organization or work) of all units, at the period's end.
    WorkCoverage,
    /// 组织生活落实率: meeting periods kept of those that ended in the period.
    Life,
    /// 党费交纳率: members who paid the standard of all members (one without a standard counts
    /// against), in the period's last month.
    Dues,
    /// 问题销号率: findings closed in the period of those closed in it or open at its end.
    FindingsClosed,
    /// 三星以上占比: organizations confirmed three stars or more for the year before the
    /// period's, of those 双强六好 rates (one not yet rated counts against).
    Stars,
    /// 整顿验收率: rectification cases accepted by the period's end of those open at some
    /// time of its year up to then (carried over from earlier years too).
    Rectification,
}

impl Criterion {
    pub const ALL: [Criterion; 6] = [
        Criterion::WorkCoverage,
        Criterion::Life,
        Criterion::Dues,
        Criterion::FindingsClosed,
        Criterion::Stars,
        Criterion::Rectification,
    ];

    pub const fn key(self) -> &'static str {
        match self {
            Criterion::WorkCoverage => keys::WORK_COVERAGE,
            Criterion::Life => keys::LIFE,
            Criterion::Dues => keys::DUES,
            Criterion::FindingsClosed => keys::FINDINGS_CLOSED,
            Criterion::Stars => keys::STARS,
            Criterion::Rectification => keys::RECTIFICATION,
        }
    }

    pub const fn code(self) -> &'static str {
        match self {
            Criterion::WorkCoverage => "work_coverage",
            Criterion::Life => "life",
            Criterion::Dues => "dues",
            Criterion::FindingsClosed => "findings_closed",
            Criterion::Stars => "stars",
            Criterion::Rectification => "rectification",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Criterion::WorkCoverage => "工作覆盖率",
            Criterion::Life => "组织生活落实率",
            Criterion::Dues => "党费交纳率",
            Criterion::FindingsClosed => "问题销号率",
            Criterion::Stars => "三星以上占比",
            Criterion::Rectification => "整顿验收率",
        }
    }

    /// What the rate counts, as "part / whole" in words.
    pub const fn counted(self) -> (&'static str, &'static str) {
        match self {
            Criterion::WorkCoverage => ("已覆盖", "两新组织"),
            Criterion::Life => ("按期召开", "应召开期次"),
            Criterion::Dues => ("已按标准交纳", "党员"),
            Criterion::FindingsClosed => ("期内销号", "期内销号和期末未销号的问题"),
            Criterion::Stars => ("三星以上", "应评党组织"),
            Criterion::Rectification => ("已验收", "当年在整顿"),
        }
    }

    const fn default_weight(self) -> i64 {
        match self {
            Criterion::WorkCoverage => 25,
            Criterion::Life => 20,
            Criterion::Dues => 15,
            Criterion::FindingsClosed => 15,
            Criterion::Stars => 15,
            Criterion::Rectification => 10,
        }
    }
}

pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    Criterion::ALL
        .iter()
        .map(|c| RuleParam {
            key: c.key().to_owned(),
            version: 1,
            value: c.default_weight(),
            effective_from: from,
            title: format!("成效评估中“{}”的权重（各项权重合计为100）", c.label()),
            source: SOURCE.to_owned(),
        })
        .collect()
}

/// The weights in force on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EffectivenessRules {
    pub weights: Vec<(Criterion, u32, Arc<RuleRef>)>,
}

impl EffectivenessRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let mut weights = Vec::new();
        for c in Criterion::ALL {
            let p = set.in_force(c.key(), as_of)?;
            let w = u32::try_from(p.value)
                .ok()
                .filter(|w| *w <= 100)
                .ok_or_else(|| RuleError::OutOfRange {
                    key: c.key().to_owned(),
                    value: p.value,
                    reason: "应为0至100之间的权重",
                })?;
            weights.push((c, w, Arc::new(p.rule_ref())));
        }
        Ok(EffectivenessRules { weights })
    }
}

/// What the records counted for one criterion: `part` of `whole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Count {
    pub part: u64,
    pub whole: u64,
}

impl Count {
    /// `part` of `whole` in percent, at most 100; none when nothing was counted.
    pub fn rate(self) -> Option<f64> {
        (self.whole > 0).then(|| self.part.min(self.whole) as f64 * 100.0 / self.whole as f64)
    }
}

/// One criterion of a group's composite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    pub criterion: Criterion,
    pub weight: u32,
    pub rule: Arc<RuleRef>,
    pub count: Count,
    /// The weight times the rate; none when nothing was counted.
    pub points: Option<f64>,
}

impl Component {
    /// The point explained: "工作覆盖率 57.2%（已覆盖 5720 / 两新组织 10000）× 权重 25 = 14.3 分".
    pub fn explain(&self) -> String {
        let (part, whole) = self.criterion.counted();
        match (self.count.rate(), self.points) {
            (Some(rate), Some(points)) => format!(
                "{} {rate:.1}%（{part}{}／{whole}{}）× 权重{} = {points:.1}分",
                self.criterion.label(),
                self.count.part,
                self.count.whole,
                self.weight
            ),
            _ => format!(
                "{}：本期没有可计的{whole}，不计分，权重{}不计入",
                self.criterion.label(),
                self.weight
            ),
        }
    }
}

/// A group's composite: its components and the score out of 100 over the weights counted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Composite {
    pub components: Vec<Component>,
    pub points: f64,
    pub weights_counted: u32,
    pub score: Option<f64>,
}

impl Composite {
    /// "得分 = 各项得分之和 62.4 ÷ 计分权重 90 × 100 = 69.3".
    pub fn explain(&self) -> String {
        match self.score {
            Some(s) => format!(
                "综合得分 = 各项得分之和{:.1} ÷ 计分权重{} × 100 = {s:.1}",
                self.points, self.weights_counted
            ),
            None => "没有可计分的指标".into(),
        }
    }
}

/// The composite of a group's counts under `rules`.
pub fn composite(counts: &[(Criterion, Count)], rules: &EffectivenessRules) -> Composite {
    let mut components = Vec::new();
    let (mut points, mut weights_counted) = (0.0, 0);
    for (criterion, weight, rule) in &rules.weights {
        let count = counts
            .iter()
            .find(|(c, _)| c == criterion)
            .map(|(_, n)| *n)
            .unwrap_or_default();
        let p = count
            .rate()
            .map(|r| (f64::from(*weight) * r / 100.0 * 10.0).round() / 10.0);
        if let Some(p) = p {
            points += p;
            weights_counted += weight;
        }
        components.push(Component {
            criterion: *criterion,
            weight: *weight,
            rule: rule.clone(),
            count,
            points: p,
        });
    }
    let score = (weights_counted > 0)
        .then(|| (points / f64::from(weights_counted) * 100.0 * 10.0).round() / 10.0);
    Composite {
        components,
        points: (points * 10.0).round() / 10.0,
        weights_counted,
        score,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> EffectivenessRules {
        let on = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        EffectivenessRules::resolve(&RuleSet::defaults(), on).unwrap()
    }

    #[test]
    fn the_default_weights_sum_to_a_hundred_and_name_their_rules() {
        let r = rules();
        assert_eq!(r.weights.iter().map(|w| w.1).sum::<u32>(), 100);
        assert!(
            r.weights
                .iter()
                .all(|w| w.2.key.starts_with("effectiveness.weight."))
        );
    }

    #[test]
    fn each_point_is_the_weight_times_the_rate_and_the_unmeasured_are_left_out() {
        let c = composite(
            &[
                (
                    Criterion::WorkCoverage,
                    Count {
                        part: 572,
                        whole: 1000,
                    },
                ),
                (Criterion::Life, Count { part: 9, whole: 10 }),
                (Criterion::Dues, Count { part: 1, whole: 1 }),
                (Criterion::FindingsClosed, Count { part: 0, whole: 4 }),
                (Criterion::Stars, Count { part: 1, whole: 2 }),
                // No case to rectify: not measured, not a zero.
            ],
            &rules(),
        );
        let points: Vec<Option<f64>> = c.components.iter().map(|x| x.points).collect();
        assert_eq!(
            points,
            [
                Some(14.3),
                Some(18.0),
                Some(15.0),
                Some(0.0),
                Some(7.5),
                None
            ]
        );
        assert_eq!(c.weights_counted, 90);
        assert_eq!(c.points, 54.8);
        assert_eq!(c.score, Some(60.9));
        assert_eq!(
            c.components[0].explain(),
            "工作覆盖率 57.2%（已覆盖572／两新组织1000）× 权重25 = 14.3分"
        );
        assert!(c.components[5].explain().contains("不计分"));
        assert_eq!(
            c.explain(),
            "综合得分 = 各项得分之和54.8 ÷ 计分权重90 × 100 = 60.9"
        );
        assert_eq!(composite(&[], &rules()).score, None);
    }
}
