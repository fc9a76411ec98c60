//! 软弱涣散基层党组织: which branches the records say to look at, each reason naming the
//! rule that raised it, and the rectification case (整顿) that follows until the level above
//! accepts it (验收销号).
//!
//! Identification is from facts, never a quota (不定比例): a 书记 vacant for long, a
//! quarter without a 支部党员大会, many missed periods of organizational life, a term run
//! out, many open findings of the audit. The level above may also nominate a branch with
//! its reasons (the typical criteria the records cannot see: 班子不团结, 服务差、群众意见大).

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::{Resolved, RuleError, RuleRef, RuleSet, keys};

/// What a branch was identified by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeakCriterion {
    /// 书记长期缺职
    SecretaryVacant,
    /// 组织制度形同虚设: quarters without a 支部党员大会.
    NoAssembly,
    /// 组织生活不正常: missed periods of every kind.
    MissedPeriods,
    /// 班子届满未换届
    TermExpired,
    /// 管理松散: open findings of the audit.
    OpenFindings,
    /// 评星等次低: the last confirmed 双强六好 rating at or below the line, or vetoed.
    LowStars,
}

impl WeakCriterion {
    pub const ALL: [WeakCriterion; 6] = [
        WeakCriterion::SecretaryVacant,
        WeakCriterion::NoAssembly,
        WeakCriterion::MissedPeriods,
        WeakCriterion::TermExpired,
        WeakCriterion::OpenFindings,
        WeakCriterion::LowStars,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            WeakCriterion::SecretaryVacant => "secretary_vacant",
            WeakCriterion::NoAssembly => "no_assembly",
            WeakCriterion::MissedPeriods => "missed_periods",
            WeakCriterion::TermExpired => "term_expired",
            WeakCriterion::OpenFindings => "open_findings",
            WeakCriterion::LowStars => "low_stars",
        }
    }

    pub fn parse(code: &str) -> Option<WeakCriterion> {
        WeakCriterion::ALL.into_iter().find(|c| c.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            WeakCriterion::SecretaryVacant => "书记长期缺职",
            WeakCriterion::NoAssembly => "组织制度形同虚设",
            WeakCriterion::MissedPeriods => "组织生活不正常",
            WeakCriterion::TermExpired => "班子届满未换届",
            WeakCriterion::OpenFindings => "党员管理松散",
            WeakCriterion::LowStars => "评星等次低",
        }
    }
}

/// One reason a branch is a 软弱涣散 candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeakReason {
    pub criterion: WeakCriterion,
    /// The facts, in words (`书记自2026年3月1日空缺，已275天`).
    pub reason: String,
    pub rule: Arc<RuleRef>,
}

/// What the records say of one branch on the day asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchFacts {
    /// The 书记 post is vacant since this day (none: held).
    pub secretary_vacant_since: Option<NaiveDate>,
    /// Quarters of the year ended without a 支部党员大会.
    pub assembly_missed_quarters: u32,
    /// Periods of organizational life of the year ended short, every kind.
    pub missed_periods: u32,
    /// The term ended on this day, by this rule (none: in force, or not elected).
    pub term_ended: Option<(NaiveDate, Arc<RuleRef>)>,
    /// Findings of the audit the branch is responsible for, not yet closed.
    pub open_findings: u32,
    /// The last 双强六好 rating confirmed by the city on or before the day: its year and
    /// stars (0: vetoed, not rated).
    pub last_stars: Option<(i32, u8)>,
}

/// The thresholds in force on a day.
#[derive(Debug, Clone)]
pub struct WeakRules {
    pub secretary_vacant_days: Resolved,
    pub assembly_missed_quarters: Resolved,
    pub missed_periods: Resolved,
    pub open_findings: Resolved,
    pub low_stars: Resolved,
    pub as_of: NaiveDate,
}

impl WeakRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let positive = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        Ok(WeakRules {
            secretary_vacant_days: positive(keys::WEAK_SECRETARY_VACANT_DAYS)?,
            assembly_missed_quarters: positive(keys::WEAK_ASSEMBLY_MISSED_QUARTERS)?,
            missed_periods: positive(keys::WEAK_MISSED_PERIODS)?,
            open_findings: positive(keys::WEAK_OPEN_FINDINGS)?,
            low_stars: positive(keys::WEAK_LOW_STARS)?,
            as_of,
        })
    }
}

fn reached(n: i64, threshold: &Resolved) -> bool {
    n >= threshold.value
}

fn day(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// Every reason the records give to look at a branch; empty for a branch in good order.
pub fn identify(facts: &BranchFacts, rules: &WeakRules) -> Vec<WeakReason> {
    let mut out = Vec::new();
    if let Some(since) = facts.secretary_vacant_since {
        let days = (rules.as_of - since).num_days();
        if reached(days, &rules.secretary_vacant_days) {
            out.push(WeakReason {
                criterion: WeakCriterion::SecretaryVacant,
                reason: format!("书记自{}空缺，已{days}天", day(since)),
                rule: rules.secretary_vacant_days.rule.clone(),
            });
        }
    }
    if reached(
        i64::from(facts.assembly_missed_quarters),
        &rules.assembly_missed_quarters,
    ) {
        out.push(WeakReason {
            criterion: WeakCriterion::NoAssembly,
            reason: format!(
                "本年度有{}个季度未召开支部党员大会",
                facts.assembly_missed_quarters
            ),
            rule: rules.assembly_missed_quarters.rule.clone(),
        });
    }
    if reached(i64::from(facts.missed_periods), &rules.missed_periods) {
        out.push(WeakReason {
            criterion: WeakCriterion::MissedPeriods,
            reason: format!("本年度组织生活缺{}期", facts.missed_periods),
            rule: rules.missed_periods.rule.clone(),
        });
    }
    if let Some((ended, rule)) = &facts.term_ended
        && *ended <= rules.as_of
    {
        out.push(WeakReason {
            criterion: WeakCriterion::TermExpired,
            reason: format!("任期已于{}届满，尚未换届", day(*ended)),
            rule: rule.clone(),
        });
    }
    if reached(i64::from(facts.open_findings), &rules.open_findings) {
        out.push(WeakReason {
            criterion: WeakCriterion::OpenFindings,
            reason: format!("排查发现的问题有{}条未销号", facts.open_findings),
            rule: rules.open_findings.rule.clone(),
        });
    }
    if let Some((year, stars)) = facts.last_stars
        && i64::from(stars) <= rules.low_stars.value
    {
        out.push(WeakReason {
            criterion: WeakCriterion::LowStars,
            reason: if stars == 0 {
                format!("{year}年度评星因一票否决未评星")
            } else {
                format!("{year}年度评星为{stars}星")
            },
            rule: rules.low_stars.rule.clone(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules() -> WeakRules {
        WeakRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap()
    }

    fn sound() -> BranchFacts {
        BranchFacts {
            secretary_vacant_since: None,
            assembly_missed_quarters: 0,
            missed_periods: 0,
            term_ended: None,
            open_findings: 0,
            last_stars: None,
        }
    }

    #[test]
    fn a_branch_in_good_order_gives_no_reason() {
        assert!(identify(&sound(), &rules()).is_empty());
    }

    #[test]
    fn each_threshold_is_met_at_its_value_and_not_below() {
        let r = rules();
        let vacant = |since| BranchFacts {
            secretary_vacant_since: Some(since),
            ..sound()
        };
        // 90 days by default: vacant since 2026-08-29 is 90 days on 2026-11-27.
        assert!(identify(&vacant(d(2026, 8, 30)), &r).is_empty());
        let found = identify(&vacant(d(2026, 8, 29)), &r);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].criterion, WeakCriterion::SecretaryVacant);
        assert_eq!(found[0].reason, "书记自2026年8月29日空缺，已90天");
        assert_eq!(found[0].rule.key, keys::WEAK_SECRETARY_VACANT_DAYS);

        let missed = BranchFacts {
            assembly_missed_quarters: 1,
            missed_periods: 5,
            ..sound()
        };
        let found = identify(&missed, &r);
        assert_eq!(
            found.iter().map(|f| f.criterion).collect::<Vec<_>>(),
            [WeakCriterion::NoAssembly],
            "five missed periods are below the six of the rule"
        );
        let many = BranchFacts {
            missed_periods: 6,
            open_findings: 10,
            ..sound()
        };
        assert_eq!(
            identify(&many, &r)
                .iter()
                .map(|f| f.criterion)
                .collect::<Vec<_>>(),
            [WeakCriterion::MissedPeriods, WeakCriterion::OpenFindings]
        );
    }

    #[test]
    fn a_term_counts_from_the_day_it_ended_with_the_coverage_rule() {
        let rule = Arc::new(RuleRef {
            key: keys::BRANCH_TERM_YEARS.into(),
            version: 1,
            title: "支部任期".into(),
            source: "支部工作条例".into(),
        });
        let ended = |on| BranchFacts {
            term_ended: Some((on, rule.clone())),
            ..sound()
        };
        assert!(identify(&ended(d(2026, 11, 28)), &rules()).is_empty());
        let found = identify(&ended(d(2026, 11, 27)), &rules());
        assert_eq!(found[0].criterion, WeakCriterion::TermExpired);
        assert_eq!(found[0].rule.key, keys::BRANCH_TERM_YEARS);
    }

    #[test]
    fn a_threshold_set_to_zero_is_refused_not_applied_to_everyone() {
        let mut params = RuleSet::defaults().params().to_vec();
        for p in &mut params {
            if p.key == keys::WEAK_OPEN_FINDINGS {
                p.value = 0;
            }
        }
        assert!(WeakRules::resolve(&RuleSet::new(params), d(2026, 11, 27)).is_err());
    }

    #[test]
    fn a_low_or_vetoed_rating_is_a_reason_and_a_good_one_is_not() {
        let r = rules();
        for (stars, weak) in [(0u8, true), (1, true), (2, false), (5, false)] {
            let f = BranchFacts {
                last_stars: Some((2025, stars)),
                ..sound()
            };
            let found = identify(&f, &r);
            assert_eq!(
                found.iter().any(|x| x.criterion == WeakCriterion::LowStars),
                weak,
                "{stars}"
            );
        }
        let f = BranchFacts {
            last_stars: Some((2025, 0)),
            ..sound()
        };
        assert!(identify(&f, &r)[0].reason.contains("一票否决"));
        assert_eq!(identify(&f, &r)[0].rule.key, "weak.low_stars");
    }
}
