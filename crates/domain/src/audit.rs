//! 组织关系排查: the audit that runs over a scope's records and raises findings, each naming
//! the member or organization, the rule and its source, and the party organization
//! responsible. This part applies the six-month rule (党章 第九条: six consecutive months
//! without organizational life or without dues; warned at three) and carries the missed
//! periods of organizational life from the compliance engine.
//!
//! A finding has a stable key, so a re-run finds the same open finding instead of a new
//! one: the key names the subject, the kind and — for a missed period — the period.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::archive::Completeness;
use crate::life::LifeFinding;
use crate::period::{Period, months_between};
use crate::registry::Key;
use crate::rules::{Resolved, RuleError, RuleRef, RuleSet, keys};

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AuditSubject {
    Member {
        key: Key,
    },
    PartyOrg {
        key: Key,
    },
    /// 组织关系转接 (global id: a transfer joins two counties).
    Transfer {
        id: i64,
    },
}

impl AuditSubject {
    /// What kind of record the subject is, in words.
    pub const fn label(&self) -> &'static str {
        match self {
            AuditSubject::Member { .. } => "党员",
            AuditSubject::PartyOrg { .. } => "党组织",
            AuditSubject::Transfer { .. } => "转接",
        }
    }
}

/// The kind of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    /// 连续未参加组织生活
    NoOrganizationalLife,
    /// 连续未交纳党费
    DuesUnpaid,
    /// 组织生活缺期
    LifeMissed,
    /// 档案不完整
    ArchiveIncomplete,
    /// 长期请假: excused (with a good reason) at every meeting for months; the branch
    /// follows up. Never the six-month flag.
    LongLeave,
    /// 转接逾期未接收
    TransferOverdue,
    /// 流动党员活动证缺失或过期
    CertificateInvalid,
    /// 书记职务空缺
    SecretaryVacant,
    /// 书记年度培训学时不足
    SecretaryUntrained,
}

impl AuditKind {
    pub const fn code(self) -> &'static str {
        match self {
            AuditKind::NoOrganizationalLife => "no_organizational_life",
            AuditKind::DuesUnpaid => "dues_unpaid",
            AuditKind::LifeMissed => "life_missed",
            AuditKind::ArchiveIncomplete => "archive_incomplete",
            AuditKind::LongLeave => "long_leave",
            AuditKind::TransferOverdue => "transfer_overdue",
            AuditKind::CertificateInvalid => "certificate_invalid",
            AuditKind::SecretaryVacant => "secretary_vacant",
            AuditKind::SecretaryUntrained => "secretary_untrained",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            AuditKind::NoOrganizationalLife => "连续未参加组织生活",
            AuditKind::DuesUnpaid => "连续未交纳党费",
            AuditKind::LifeMissed => "组织生活缺期",
            AuditKind::ArchiveIncomplete => "档案不完整",
            AuditKind::LongLeave => "长期请假",
            AuditKind::TransferOverdue => "转接逾期未接收",
            AuditKind::CertificateInvalid => "流动党员活动证失效",
            AuditKind::SecretaryVacant => "书记职务空缺",
            AuditKind::SecretaryUntrained => "书记培训学时不足",
        }
    }

    pub const ALL: [AuditKind; 9] = [
        AuditKind::NoOrganizationalLife,
        AuditKind::DuesUnpaid,
        AuditKind::LifeMissed,
        AuditKind::ArchiveIncomplete,
        AuditKind::LongLeave,
        AuditKind::TransferOverdue,
        AuditKind::CertificateInvalid,
        AuditKind::SecretaryVacant,
        AuditKind::SecretaryUntrained,
    ];

    pub fn parse(code: &str) -> Option<AuditKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// How serious: a warning to act before the rule bites, or the rule met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 预警
    Warning,
    /// 违规
    Flag,
}

impl Severity {
    pub const fn code(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Flag => "flag",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Severity::Warning => "预警",
            Severity::Flag => "需处置",
        }
    }
}

/// One finding of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFinding {
    pub subject: AuditSubject,
    pub subject_name: String,
    /// The party organization that must act.
    pub responsible: Key,
    pub kind: AuditKind,
    pub severity: Severity,
    pub detail: String,
    pub rule: Arc<RuleRef>,
    /// Stable across runs while the same thing is wrong.
    pub dedupe_key: String,
}

/// The kind of a 请假 reason, by the words people write (病假, 出差, 外出务工 …): each
/// kind is accepted as a good reason (正当理由) or not by a rule parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveReason {
    /// 因病
    Illness,
    /// 因公
    Official,
    /// 外出流动
    Away,
    /// 学习培训
    Training,
    /// 家庭原因
    Family,
    Other,
}

impl LeaveReason {
    pub const ALL: [LeaveReason; 6] = [
        LeaveReason::Illness,
        LeaveReason::Official,
        LeaveReason::Away,
        LeaveReason::Training,
        LeaveReason::Family,
        LeaveReason::Other,
    ];

    /// The words that place a reason in this kind (the first kind that matches wins).
    pub const fn words(self) -> &'static [&'static str] {
        match self {
            LeaveReason::Illness => &["病", "住院", "就医", "手术", "体检"],
            LeaveReason::Official => &["出差", "公务", "公差", "因公", "值班", "加班", "工作"],
            LeaveReason::Away => &["流动", "务工", "经商", "外出", "外地", "在外"],
            LeaveReason::Training => &["培训", "学习", "进修", "考试", "上课"],
            LeaveReason::Family => &["产", "婚", "丧", "家", "照顾", "陪护", "育儿"],
            LeaveReason::Other => &[],
        }
    }

    pub fn classify(reason: &str) -> LeaveReason {
        Self::ALL
            .into_iter()
            .find(|k| k.words().iter().any(|w| reason.contains(w)))
            .unwrap_or(LeaveReason::Other)
    }

    const fn key(self) -> &'static str {
        match self {
            LeaveReason::Illness => keys::GOOD_REASON_ILLNESS,
            LeaveReason::Official => keys::GOOD_REASON_OFFICIAL,
            LeaveReason::Away => keys::GOOD_REASON_AWAY,
            LeaveReason::Training => keys::GOOD_REASON_TRAINING,
            LeaveReason::Family => keys::GOOD_REASON_FAMILY,
            LeaveReason::Other => keys::GOOD_REASON_OTHER,
        }
    }
}

/// The audit's own rules in force on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRules {
    pub as_of: NaiveDate,
    pub warn_months: Resolved,
    pub flag_months: Resolved,
    /// 长期请假: months excused before the branch is asked to follow up.
    pub long_leave_months: Resolved,
    /// The kinds of reason accepted as good, each with the rule that says so.
    pub good_reasons: Vec<(LeaveReason, Arc<RuleRef>)>,
}

impl AuditRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        let mut good_reasons = Vec::new();
        for kind in LeaveReason::ALL {
            let p = set.in_force(kind.key(), as_of)?;
            if p.value > 0 {
                good_reasons.push((kind, Arc::new(p.rule_ref())));
            }
        }
        Ok(AuditRules {
            as_of,
            warn_months: get(keys::AUDIT_SIX_MONTH_WARN_MONTHS)?,
            flag_months: get(keys::AUDIT_SIX_MONTH_FLAG_MONTHS)?,
            long_leave_months: get(keys::AUDIT_LONG_LEAVE_MONTHS)?,
            good_reasons,
        })
    }

    /// Whether a 请假 with this recorded reason is a good reason (正当理由).
    pub fn is_good_reason(&self, reason: &str) -> bool {
        let reason = reason.trim();
        !reason.is_empty() && {
            let kind = LeaveReason::classify(reason);
            self.good_reasons.iter().any(|(k, _)| *k == kind)
        }
    }
}

/// What the audit knows of one member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberAuditFacts {
    pub key: Key,
    pub name: String,
    pub party_org: Key,
    /// 入党时间 (for a probationary member, the admission).
    pub joined_on: NaiveDate,
    /// 台账起始月 of the member's party organization: no run is counted from before it.
    pub records_start: NaiveDate,
    /// The last meeting the member attended (出席), if any.
    pub last_present: Option<NaiveDate>,
    /// The last day the member was excused (请假) for each reason recorded, on or after the
    /// last meeting attended (an earlier excuse cannot move the run; the store may leave
    /// those out).
    pub excused: Vec<(NaiveDate, String)>,
    /// The last meeting the member was marked absent from (缺席), if any.
    pub last_absent: Option<NaiveDate>,
    /// Consecutive months up to last month with nothing paid.
    pub unpaid_months: u32,
    /// The first of those months.
    pub unpaid_since: Option<Period>,
    /// What the archive lacks, by the checklist in force.
    pub archive: Completeness,
}

fn severity(months: i64, rules: &AuditRules) -> Option<(Severity, Arc<RuleRef>)> {
    if months >= rules.flag_months.value {
        Some((Severity::Flag, rules.flag_months.rule.clone()))
    } else if months >= rules.warn_months.value {
        Some((Severity::Warning, rules.warn_months.rule.clone()))
    } else {
        None
    }
}

/// The six-month rule for one member: months since the last organizational life attended
/// (counted from admission when none), and the run of unpaid months; neither run counts
/// from before the organization's records start (台账起始月), and the finding says from
/// when it counts.
pub fn audit_member(m: &MemberAuditFacts, rules: &AuditRules) -> Vec<AuditFinding> {
    let mut out = Vec::new();
    let subject = AuditSubject::Member { key: m.key };
    let start = m.joined_on.max(m.records_start);
    // An absence with a good reason is not "no organizational life" (党章 第九条): the run
    // counts from the later of the last attended and the last excused with good reason.
    let excused = m
        .excused
        .iter()
        .filter(|(day, reason)| *day >= start && rules.is_good_reason(reason))
        .max_by_key(|(day, _)| *day);
    let present = m.last_present.filter(|d| *d >= m.records_start);
    let since = m
        .last_present
        .unwrap_or(m.joined_on)
        .max(m.records_start)
        .max(excused.map_or(start, |(day, _)| *day));
    let months = i64::from(months_between(since, rules.as_of));
    let leave_since = present.unwrap_or(start);
    let leave_months = i64::from(months_between(leave_since, rules.as_of));
    // 长期请假 only when every meeting missed since was excused with a good reason.
    let last_bad = m
        .excused
        .iter()
        .filter(|(_, reason)| !rules.is_good_reason(reason))
        .map(|(day, _)| *day)
        .chain(m.last_absent)
        .max();
    let on_leave = excused
        .filter(|(day, _)| present.is_none_or(|p| *day > p))
        .filter(|_| last_bad.is_none_or(|bad| bad < leave_since));
    if let (None, Some((day, reason)), true) = (
        severity(months, rules),
        on_leave,
        leave_months >= rules.long_leave_months.value,
    ) {
        out.push(AuditFinding {
            subject,
            subject_name: m.name.clone(),
            responsible: m.party_org,
            kind: AuditKind::LongLeave,
            severity: Severity::Warning,
            detail: format!(
                "自{}起请假未参加组织生活已{leave_months}个月（最近一次请假{}，原因：{}），请支部了解情况",
                leave_since.format("%Y年%m月%d日"),
                day.format("%Y年%m月%d日"),
                reason.trim()
            ),
            rule: rules.long_leave_months.rule.clone(),
            dedupe_key: format!(
                "member:{}:{}:{}",
                m.key.county,
                m.key.id,
                AuditKind::LongLeave.code()
            ),
        });
    }
    if let Some((severity, rule)) = severity(months, rules) {
        let detail = match m.last_present {
            _ if excused.is_some_and(|(day, _)| *day == since) => format!(
                "最近一次请假（有正当理由）为{}，此后已连续{}个月未参加组织生活",
                since.format("%Y年%m月%d日"),
                months
            ),
            Some(d) if d >= m.records_start => format!(
                "最近一次参加组织生活为{}，已连续{}个月未参加",
                d.format("%Y年%m月%d日"),
                months
            ),
            _ if m.joined_on >= m.records_start => {
                format!("入党以来没有参加组织生活的记录，已{months}个月")
            }
            _ => format!(
                "台账自{}起没有参加组织生活的记录，已{months}个月",
                Period::containing_month(m.records_start).label_zh()
            ),
        };
        out.push(AuditFinding {
            subject,
            subject_name: m.name.clone(),
            responsible: m.party_org,
            kind: AuditKind::NoOrganizationalLife,
            severity,
            detail,
            rule,
            dedupe_key: format!(
                "member:{}:{}:{}",
                m.key.county,
                m.key.id,
                AuditKind::NoOrganizationalLife.code()
            ),
        });
    }
    if let Some((severity, rule)) = severity(i64::from(m.unpaid_months), rules) {
        let from = m.unpaid_since.map(|p| p.label_zh()).unwrap_or_default();
        out.push(AuditFinding {
            subject,
            subject_name: m.name.clone(),
            responsible: m.party_org,
            kind: AuditKind::DuesUnpaid,
            severity,
            detail: format!("自{from}起连续{}个月未交纳党费", m.unpaid_months),
            rule,
            dedupe_key: format!(
                "member:{}:{}:{}",
                m.key.county,
                m.key.id,
                AuditKind::DuesUnpaid.code()
            ),
        });
    }
    if let (false, Some(rule)) = (m.archive.missing.is_empty(), m.archive.rule.clone()) {
        out.push(AuditFinding {
            subject,
            subject_name: m.name.clone(),
            responsible: m.party_org,
            kind: AuditKind::ArchiveIncomplete,
            severity: Severity::Warning,
            detail: format!(
                "档案缺{}，信息完整度{}%",
                m.archive.missing.join("、"),
                m.archive.percent
            ),
            rule,
            dedupe_key: format!(
                "member:{}:{}:{}",
                m.key.county,
                m.key.id,
                AuditKind::ArchiveIncomplete.code()
            ),
        });
    }
    out
}

/// A missed period of organizational life as an audit finding.
pub fn from_life(f: &LifeFinding) -> AuditFinding {
    AuditFinding {
        subject: AuditSubject::PartyOrg { key: f.party_org },
        subject_name: f.party_org_name.clone(),
        responsible: f.party_org,
        kind: AuditKind::LifeMissed,
        severity: Severity::Flag,
        detail: f.reason(),
        rule: f.rule.clone(),
        dedupe_key: format!(
            "party_org:{}:{}:{}:{}:{}",
            f.party_org.county,
            f.party_org.id,
            AuditKind::LifeMissed.code(),
            f.kind.code(),
            f.period
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn facts(last_present: Option<NaiveDate>, unpaid: u32) -> MemberAuditFacts {
        MemberAuditFacts {
            key: Key {
                county: 330825,
                id: 5,
            },
            name: "张三".into(),
            party_org: Key {
                county: 330825,
                id: 9,
            },
            joined_on: d(2010, 7, 1),
            records_start: d(2010, 7, 1),
            last_present,
            excused: Vec::new(),
            last_absent: None,
            unpaid_months: unpaid,
            unpaid_since: (unpaid > 0).then(|| Period::month(2026, 5).unwrap()),
            archive: Completeness {
                missing: Vec::new(),
                percent: 100,
                rule: None,
            },
        }
    }

    #[test]
    fn warned_at_three_months_flagged_at_six() {
        let rules = AuditRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap();
        assert!(audit_member(&facts(Some(d(2026, 9, 1)), 2), &rules).is_empty());
        let f = audit_member(&facts(Some(d(2026, 8, 20)), 3), &rules);
        assert_eq!(f.len(), 2);
        assert!(f.iter().all(|x| x.severity == Severity::Warning));
        assert_eq!(f[0].rule.key, keys::AUDIT_SIX_MONTH_WARN_MONTHS);
        let f = audit_member(&facts(Some(d(2026, 5, 20)), 6), &rules);
        assert!(f.iter().all(|x| x.severity == Severity::Flag), "{f:?}");
        assert!(f[0].rule.source.contains("第九条"));
        assert!(f[1].detail.contains("连续6个月未交纳党费"));
        // No attendance at all: counted from admission.
        let f = audit_member(&facts(None, 0), &rules);
        assert_eq!(f[0].kind, AuditKind::NoOrganizationalLife);
        assert!(f[0].detail.contains("没有参加组织生活的记录"));
        // Counted from the records' start, not from 2010: nothing before it is claimed.
        let mut late_start = facts(None, 0);
        late_start.records_start = d(2026, 9, 1);
        assert!(audit_member(&late_start, &rules).is_empty());
        late_start.records_start = d(2026, 5, 1);
        let f = audit_member(&late_start, &rules);
        assert_eq!(f[0].severity, Severity::Flag);
        assert_eq!(
            f[0].detail,
            "台账自2026年5月起没有参加组织生活的记录，已6个月"
        );
        late_start.last_present = Some(d(2026, 3, 2));
        assert_eq!(
            audit_member(&late_start, &rules)[0].detail,
            "台账自2026年5月起没有参加组织生活的记录，已6个月"
        );
        // Excused with a good reason at every meeting since May: not the six-month flag but
        // 长期请假, for the branch to follow up; a reason of no accepted kind is no excuse.
        let mut on_leave = facts(Some(d(2026, 5, 10)), 0);
        on_leave.excused = vec![
            (d(2026, 11, 5), "病假".into()),
            (d(2026, 7, 5), "有事".into()),
        ];
        // One meeting missed without a good reason since: not 长期请假.
        assert!(audit_member(&on_leave, &rules).is_empty());
        on_leave.excused = vec![
            (d(2026, 11, 5), "病假".into()),
            (d(2026, 7, 5), "住院".into()),
        ];
        on_leave.last_absent = Some(d(2026, 4, 5));
        let f = audit_member(&on_leave, &rules);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].kind, f[0].severity),
            (AuditKind::LongLeave, Severity::Warning)
        );
        assert_eq!(f[0].rule.key, keys::AUDIT_LONG_LEAVE_MONTHS);
        assert!(f[0].detail.contains("原因：病假"), "{}", f[0].detail);
        on_leave.excused = vec![(d(2026, 11, 5), "有事".into())];
        let f = audit_member(&on_leave, &rules);
        assert_eq!(
            (f[0].kind, f[0].severity),
            (AuditKind::NoOrganizationalLife, Severity::Flag)
        );
        // Excused in May, then absent since: the run counts from the excuse.
        on_leave.excused = vec![(d(2026, 5, 20), "出差".into())];
        let f = audit_member(&on_leave, &rules);
        assert_eq!(
            (f[0].kind, f[0].severity),
            (AuditKind::NoOrganizationalLife, Severity::Flag)
        );
        assert!(
            f[0].detail
                .starts_with("最近一次请假（有正当理由）为2026年05月20日"),
            "{}",
            f[0].detail
        );
        assert_eq!(LeaveReason::classify("外出务工"), LeaveReason::Away);
        assert_eq!(LeaveReason::classify("家中有事"), LeaveReason::Family);
        assert_eq!(LeaveReason::classify("不想来"), LeaveReason::Other);
        // The key is the same on every run while the same thing is wrong.
        let a = audit_member(&facts(Some(d(2026, 5, 20)), 6), &rules);
        let b = audit_member(&facts(Some(d(2026, 4, 20)), 7), &rules);
        assert_eq!(a[0].dedupe_key, b[0].dedupe_key);
    }
}
