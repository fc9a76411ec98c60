//! 组织关系转接: how long a letter is valid, who must act when nobody receives it in time,
//! and the audit's finding for such a letter.
//!
//! A letter's validity is set by the issuer within the rules (default 10 days within the
//! city, 30 outside, at most 3 months). The sender stays responsible until the receiver
//! confirms; a letter nobody received by its deadline is escalated to the common ancestor
//! of sender and receiver (for a receiver outside the system: the sender's parent).

use std::sync::Arc;

use chrono::{Days, NaiveDate};
use thiserror::Error;

use crate::audit::{AuditFinding, AuditKind, AuditSubject, Severity};
use crate::period::add_months;
use crate::registry::Key;
use crate::rules::{Resolved, RuleError, RuleSet, keys};

/// The transfer rules in force on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRules {
    pub as_of: NaiveDate,
    pub in_city_days: Resolved,
    pub outside_days: Resolved,
    pub max_months: Resolved,
}

impl TransferRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        Ok(TransferRules {
            as_of,
            in_city_days: get(keys::TRANSFER_IN_CITY_DAYS)?,
            outside_days: get(keys::TRANSFER_OUTSIDE_DAYS)?,
            max_months: get(keys::TRANSFER_MAX_MONTHS)?,
        })
    }

    /// The validity rule for a letter within the city or outside it.
    pub fn validity(&self, in_city: bool) -> &Resolved {
        if in_city {
            &self.in_city_days
        } else {
            &self.outside_days
        }
    }
}

/// A letter's validity the rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidityError {
    #[error("至少为1天")]
    Empty,
    #[error("不能超过{max_months}个月（至{latest}）")]
    TooLong { max_months: i64, latest: NaiveDate },
}

/// The last day a letter issued on `issued_on` is valid: `days` as the issuer set it, or
/// the default for a letter within the city or outside it. Day 1 is the day of issue.
pub fn valid_until(
    rules: &TransferRules,
    issued_on: NaiveDate,
    in_city: bool,
    days: Option<u32>,
) -> Result<NaiveDate, ValidityError> {
    let days = match days {
        Some(0) => return Err(ValidityError::Empty),
        Some(d) => u64::from(d),
        None => u64::try_from(rules.validity(in_city).value).unwrap_or(1),
    };
    let until = issued_on
        .checked_add_days(Days::new(days - 1))
        .unwrap_or(NaiveDate::MAX);
    let max = i32::try_from(rules.max_months.value).unwrap_or(3);
    let latest = add_months(issued_on, max);
    if until > latest {
        return Err(ValidityError::TooLong {
            max_months: rules.max_months.value,
            latest,
        });
    }
    Ok(until)
}

/// The nearest party organization above or at both paths (materialized paths such as
/// `/1/5/23/`), or `None` when they share no root.
pub fn common_ancestor(a: &str, b: &str) -> Option<String> {
    let mut path = String::from("/");
    for (x, y) in a
        .split('/')
        .filter(|s| !s.is_empty())
        .zip(b.split('/').filter(|s| !s.is_empty()))
    {
        if x != y {
            break;
        }
        path.push_str(x);
        path.push('/');
    }
    (path != "/").then_some(path)
}

/// Whose attention a letter nobody received goes to: the common ancestor of the sending
/// and receiving organizations, or — for a receiver outside the system, or organizations
/// without a common root — the sender's parent (the sender itself when it is a root).
pub fn escalation_path(from_path: &str, to_path: Option<&str>) -> String {
    if let Some(p) = to_path.and_then(|to| common_ancestor(from_path, to)) {
        return p;
    }
    let trimmed = from_path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) if i > 0 => trimmed[..=i].to_owned(),
        _ => from_path.to_owned(),
    }
}

/// What the audit knows of a letter still in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenTransfer {
    pub id: i64,
    pub member_name: String,
    pub from_name: String,
    pub to_name: String,
    pub in_city: bool,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    /// The organization at [`escalation_path`].
    pub escalate_to: Key,
    pub escalate_to_name: String,
}

/// A letter not received by its deadline, as a finding for the organization it is
/// escalated to. None while the letter is within its validity.
pub fn audit_transfer(t: &OpenTransfer, rules: &TransferRules) -> Option<AuditFinding> {
    if rules.as_of <= t.valid_until {
        return None;
    }
    let late = (rules.as_of - t.valid_until).num_days();
    let rule: Arc<_> = rules.validity(t.in_city).rule.clone();
    Some(AuditFinding {
        subject: AuditSubject::Transfer { id: t.id },
        subject_name: t.member_name.clone(),
        responsible: t.escalate_to,
        kind: AuditKind::TransferOverdue,
        severity: Severity::Flag,
        detail: format!(
            "{}开具的组织关系转接（转往{}）{}到期仍未接收，已逾期{}天，由{}督促办理",
            t.from_name,
            t.to_name,
            t.valid_until.format("%Y年%m月%d日"),
            late,
            t.escalate_to_name
        ),
        rule,
        dedupe_key: format!("transfer:{}:{}", t.id, AuditKind::TransferOverdue.code()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules(on: NaiveDate) -> TransferRules {
        TransferRules::resolve(&RuleSet::defaults(), on).unwrap()
    }

    #[test]
    fn validity_defaults_by_destination_and_is_capped_at_three_months() {
        let r = rules(d(2026, 11, 27));
        let on = d(2026, 11, 27);
        // Ten days within the city, the day of issue counted.
        assert_eq!(valid_until(&r, on, true, None), Ok(d(2026, 12, 6)));
        assert_eq!(valid_until(&r, on, false, None), Ok(d(2026, 12, 26)));
        assert_eq!(valid_until(&r, on, true, Some(1)), Ok(on));
        assert_eq!(
            valid_until(&r, on, true, Some(0)),
            Err(ValidityError::Empty)
        );
        // Three months from 27 November is 27 February.
        assert_eq!(valid_until(&r, on, false, Some(93)), Ok(d(2027, 2, 27)));
        assert_eq!(
            valid_until(&r, on, false, Some(94)),
            Err(ValidityError::TooLong {
                max_months: 3,
                latest: d(2027, 2, 27)
            })
        );
    }

    #[test]
    fn escalation_goes_to_the_common_ancestor() {
        assert_eq!(
            common_ancestor("/1/5/23/", "/1/5/40/"),
            Some("/1/5/".into())
        );
        assert_eq!(common_ancestor("/1/5/23/", "/1/6/7/"), Some("/1/".into()));
        assert_eq!(common_ancestor("/1/5/", "/1/5/23/"), Some("/1/5/".into()));
        // "/1/5/" and "/1/50/" share only the root, not a prefix of characters.
        assert_eq!(common_ancestor("/1/5/23/", "/1/50/2/"), Some("/1/".into()));
        assert_eq!(common_ancestor("/1/5/", "/2/5/"), None);
        assert_eq!(escalation_path("/1/5/23/", Some("/1/6/7/")), "/1/");
        // Outside the system: the sender's parent; a root answers for itself.
        assert_eq!(escalation_path("/1/5/23/", None), "/1/5/");
        assert_eq!(escalation_path("/1/", None), "/1/");
        assert_eq!(escalation_path("/1/5/", Some("/2/9/")), "/1/");
    }

    #[test]
    fn a_letter_is_escalated_the_day_after_its_deadline() {
        let t = OpenTransfer {
            id: 7,
            member_name: "李四".into(),
            from_name: "甲支部".into(),
            to_name: "乙支部".into(),
            in_city: true,
            issued_on: d(2026, 11, 1),
            valid_until: d(2026, 11, 10),
            escalate_to: Key {
                county: 330825,
                id: 2,
            },
            escalate_to_name: "县委两新工委".into(),
        };
        assert_eq!(audit_transfer(&t, &rules(d(2026, 11, 10))), None);
        let f = audit_transfer(&t, &rules(d(2026, 11, 13))).unwrap();
        assert_eq!(f.kind, AuditKind::TransferOverdue);
        assert_eq!(f.responsible, t.escalate_to);
        assert_eq!(f.subject, AuditSubject::Transfer { id: 7 });
        assert!(f.detail.contains("已逾期3天"), "{}", f.detail);
        assert_eq!(f.rule.key, keys::TRANSFER_IN_CITY_DAYS);
        // The same letter keeps its key on every run.
        let g = audit_transfer(&t, &rules(d(2026, 12, 1))).unwrap();
        assert_eq!(f.dedupe_key, g.dedupe_key);
    }
}
