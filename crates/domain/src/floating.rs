//! 流动党员: a member away from the home branch for a while. One home branch (一方隶属)
//! stays responsible; a host party organization, when paired (五双联动), sees the member and
//! records their organizational life, which counts for them. Holders of the 流动党员活动证
//! do not vote or stand where they are hosted.
//!
//! The rules here: a member away must hold a valid 活动证 (an expired one is a finding for
//! the home branch), and where three or more are at one place a temporary branch or group
//! may be set up.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::audit::{AuditFinding, AuditKind, AuditSubject, Severity};
use crate::registry::Key;
use crate::rules::{Resolved, RuleError, RuleSet, keys};

/// The floating-member rules in force on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloatingRules {
    pub as_of: NaiveDate,
    /// 1: a member away must hold a valid 活动证; 0: not checked.
    pub certificate_required: Resolved,
    /// How many at one place make a temporary branch or group worth setting up.
    pub temporary_branch_min: Resolved,
}

impl FloatingRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let flag = |key| {
            set.in_force(key, as_of).and_then(|p| {
                if p.value == 0 || p.value == 1 {
                    Ok(Resolved {
                        value: p.value,
                        rule: std::sync::Arc::new(p.rule_ref()),
                    })
                } else {
                    Err(RuleError::OutOfRange {
                        key: p.key.clone(),
                        value: p.value,
                        reason: "只能为0或1",
                    })
                }
            })
        };
        Ok(FloatingRules {
            as_of,
            certificate_required: flag(keys::FLOATING_CERTIFICATE_REQUIRED)?,
            temporary_branch_min: set
                .in_force(keys::FLOATING_TEMPORARY_BRANCH_MIN, as_of)
                .and_then(Resolved::positive)?,
        })
    }
}

/// A floating member's record as loaded in bulk (the demo, imports).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloatingRecord {
    pub id: i64,
    pub member: Key,
    pub host: Option<Key>,
    pub destination: String,
    pub certificate_no: Option<String>,
    pub certificate_valid_until: Option<NaiveDate>,
    pub out_on: NaiveDate,
    pub back_on: Option<NaiveDate>,
    pub note: String,
}

/// A member away, as the audit sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwayMember {
    pub member: Key,
    pub name: String,
    /// The home party organization (responsible).
    pub home: Key,
    pub destination: String,
    pub certificate_no: Option<String>,
    pub certificate_valid_until: Option<NaiveDate>,
    /// Away with a 党员证明信 (≤ 6 months at a known place): no 活动证 is needed.
    pub by_letter: bool,
}

/// A member away without a valid 活动证, as a finding for the home branch.
pub fn audit_away(m: &AwayMember, rules: &FloatingRules) -> Option<AuditFinding> {
    if rules.certificate_required.value == 0 || m.by_letter {
        return None;
    }
    let detail = match (&m.certificate_no, m.certificate_valid_until) {
        (Some(_), Some(until)) if until >= rules.as_of => return None,
        (Some(no), Some(until)) => format!(
            "外出到{}，流动党员活动证（{no}）已于{}到期",
            m.destination,
            until.format("%Y年%m月%d日")
        ),
        _ => format!("外出到{}，没有登记流动党员活动证", m.destination),
    };
    Some(AuditFinding {
        subject: AuditSubject::Member { key: m.member },
        subject_name: m.name.clone(),
        responsible: m.home,
        kind: AuditKind::CertificateInvalid,
        severity: Severity::Warning,
        detail,
        rule: rules.certificate_required.rule.clone(),
        dedupe_key: format!(
            "member:{}:{}:{}",
            m.member.county,
            m.member.id,
            AuditKind::CertificateInvalid.code()
        ),
    })
}

/// The places (a host organization's name or a destination) where at least the rule's
/// number of members are away, with how many: a temporary branch or group may be set up.
pub fn temporary_branch_places<'a>(
    places: impl IntoIterator<Item = &'a str>,
    rules: &FloatingRules,
) -> Vec<(String, usize)> {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for p in places {
        *count.entry(p.trim()).or_default() += 1;
    }
    let min = usize::try_from(rules.temporary_branch_min.value).unwrap_or(usize::MAX);
    let mut out: Vec<(String, usize)> = count
        .into_iter()
        .filter(|(p, n)| !p.is_empty() && *n >= min)
        .map(|(p, n)| (p.to_owned(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn away(no: Option<&str>, until: Option<NaiveDate>) -> AwayMember {
        AwayMember {
            member: Key {
                county: 330825,
                id: 8,
            },
            name: "王五".into(),
            home: Key {
                county: 330825,
                id: 3,
            },
            destination: "杭州市西湖区".into(),
            certificate_no: no.map(Into::into),
            certificate_valid_until: until,
            by_letter: false,
        }
    }

    #[test]
    fn a_member_away_needs_a_valid_certificate() {
        let rules = FloatingRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap();
        assert_eq!(
            audit_away(&away(Some("QZ001"), Some(d(2026, 11, 27))), &rules),
            None
        );
        let f = audit_away(&away(Some("QZ001"), Some(d(2026, 11, 26))), &rules).unwrap();
        assert_eq!(f.kind, AuditKind::CertificateInvalid);
        assert_eq!(
            f.responsible,
            Key {
                county: 330825,
                id: 3
            }
        );
        assert!(f.detail.contains("已于2026年11月26日到期"), "{}", f.detail);
        let f = audit_away(&away(None, None), &rules).unwrap();
        assert!(f.detail.contains("没有登记"));
        assert_eq!(f.rule.key, keys::FLOATING_CERTIFICATE_REQUIRED);
    }

    #[test]
    fn three_at_one_place_may_form_a_temporary_branch() {
        let rules = FloatingRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap();
        let places = [
            "义乌某商贸城",
            "义乌某商贸城 ",
            "杭州",
            "义乌某商贸城",
            "杭州",
            "",
        ];
        assert_eq!(
            temporary_branch_places(places, &rules),
            vec![("义乌某商贸城".to_owned(), 3)]
        );
    }
}
