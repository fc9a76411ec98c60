//! A new version of a rule parameter (规则参数新版本), as the 安全管理员 proposes it: the key
//! must exist, the version takes effect from today or later (figures already reported stay
//! as they were computed), it names the document it comes from, and every engine's rules
//! must still resolve with it on its date.

use chrono::NaiveDate;
use thiserror::Error;

use crate::rules::{RuleError, RuleParam, RuleSet};

/// Why a proposed version is refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProposalError {
    #[error("没有参数“{0}”")]
    UnknownKey(String),
    #[error("生效日期不能早于今天（{today}）：已有的报表按当时的规则计算，不能追溯改变")]
    Retroactive { today: NaiveDate },
    #[error("请写明依据的文件")]
    NoSource,
    #[error("{0}")]
    Invalid(#[from] RuleError),
}

impl ProposalError {
    /// The form field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            ProposalError::UnknownKey(_) => "参数",
            ProposalError::Retroactive { .. } => "生效日期",
            ProposalError::NoSource => "依据",
            ProposalError::Invalid(_) => "取值",
        }
    }
}

/// Checks a proposed version of `key` against `set`; the version to store when it holds.
pub fn propose(
    set: &RuleSet,
    key: &str,
    value: i64,
    effective_from: NaiveDate,
    source: &str,
    today: NaiveDate,
) -> Result<RuleParam, ProposalError> {
    let latest = set
        .params()
        .iter()
        .filter(|p| p.key == key)
        .max_by_key(|p| p.version)
        .ok_or_else(|| ProposalError::UnknownKey(key.to_owned()))?;
    if effective_from < today {
        return Err(ProposalError::Retroactive { today });
    }
    if source.trim().is_empty() {
        return Err(ProposalError::NoSource);
    }
    let param = RuleParam {
        key: key.to_owned(),
        version: latest.version + 1,
        value,
        effective_from,
        title: latest.title.clone(),
        source: source.trim().to_owned(),
    };
    let mut params = set.params().to_vec();
    params.push(param.clone());
    let with = RuleSet::new(params);
    // Every engine's rules on the new version's first day, as they will be read.
    let on = effective_from;
    crate::rules::CoverageRules::resolve(&with, on)?;
    crate::life::LifeRules::resolve(&with, on)?;
    crate::dues::DuesRules::resolve(&with, on)?;
    crate::archive::ArchiveRules::resolve(&with, on)?;
    crate::audit::AuditRules::resolve(&with, on)?;
    crate::transfer::TransferRules::resolve(&with, on)?;
    crate::floating::FloatingRules::resolve(&with, on)?;
    crate::rules::SecurityRules::resolve(&with, on)?;
    crate::appraisal::AppraisalRules::resolve(&with, on)?;
    crate::weak::WeakRules::resolve(&with, on)?;
    crate::stars::StarRules::resolve(&with, on)?;
    crate::vanguard::VanguardRules::resolve(&with, on)?;
    crate::checkup::CheckupRules::resolve(&with, on)?;
    crate::town::TownRules::resolve(&with, on)?;
    crate::review::ReviewRules::resolve(&with, on)?;
    crate::center::CenterRules::resolve(&with, on)?;
    crate::workforce::WorkforceRules::resolve(&with, on)?;
    crate::effectiveness::EffectivenessRules::resolve(&with, on)?;
    crate::investor::InvestorRules::resolve(&with, on)?;
    Ok(param)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::keys;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_version_the_investor_and_workforce_rules_cannot_read_is_refused() {
        let set = RuleSet::defaults();
        for (key, value) in [
            ("investors.new_generation_max_age", 7),
            ("investors.new_generation_contacts_per_year", 0),
            ("workforce.secretary_training_hours", 0),
        ] {
            let e = propose(&set, key, value, d(2027, 1, 1), "某文件", d(2026, 12, 2));
            assert!(matches!(e, Err(ProposalError::Invalid(_))), "{key}: {e:?}");
        }
        assert!(
            propose(
                &set,
                "investors.new_generation_max_age",
                40,
                d(2027, 1, 1),
                "某文件",
                d(2026, 12, 2)
            )
            .is_ok()
        );
    }

    #[test]
    fn a_version_that_would_break_the_evaluation_engines_is_refused() {
        let set = RuleSet::defaults();
        // Star bands must rise: 5 stars from 65 would fall below 4 stars' 80.
        let e = propose(
            &set,
            "stars.band.five",
            65,
            d(2027, 1, 1),
            "某文件",
            d(2026, 12, 2),
        );
        assert!(matches!(e, Err(ProposalError::Invalid(_))), "{e:?}");
        let e = propose(
            &set,
            keys::WEAK_OPEN_FINDINGS,
            0,
            d(2027, 1, 1),
            "某文件",
            d(2026, 12, 2),
        );
        assert!(matches!(e, Err(ProposalError::Invalid(_))), "{e:?}");
        let e = propose(
            &set,
            keys::APPRAISAL_EXCELLENT_DENOMINATOR,
            0,
            d(2027, 1, 1),
            "某文件",
            d(2026, 12, 2),
        );
        assert!(matches!(e, Err(ProposalError::Invalid(_))), "{e:?}");
    }

    #[test]
    fn a_version_from_a_later_day_with_its_source_is_accepted() {
        let set = RuleSet::defaults();
        let p = propose(
            &set,
            keys::JOINT_BRANCH_MAX_UNITS,
            6,
            d(2027, 1, 1),
            "某市两新工委〔2026〕5号",
            d(2026, 12, 2),
        )
        .unwrap();
        assert_eq!(p.version, 2);
        assert_eq!(p.value, 6);
    }

    #[test]
    fn unknown_retroactive_unsourced_and_unworkable_versions_are_refused() {
        let set = RuleSet::defaults();
        let today = d(2026, 12, 2);
        let k = keys::JOINT_BRANCH_MAX_UNITS;
        assert!(matches!(
            propose(&set, "coverage.nothing", 1, today, "x", today),
            Err(ProposalError::UnknownKey(_))
        ));
        assert!(matches!(
            propose(&set, k, 6, d(2026, 1, 1), "x", today),
            Err(ProposalError::Retroactive { .. })
        ));
        assert_eq!(
            propose(&set, k, 6, today, " ", today),
            Err(ProposalError::NoSource)
        );
        let e = propose(&set, k, 0, today, "x", today).unwrap_err();
        assert_eq!(e.field(), "取值");
        assert!(e.to_string().contains("必须为正数"), "{e}");
        assert!(
            propose(
                &set,
                keys::SECURITY_LOGIN_ATTEMPTS_RETENTION_DAYS,
                -1,
                today,
                "x",
                today
            )
            .is_err()
        );
    }
}
