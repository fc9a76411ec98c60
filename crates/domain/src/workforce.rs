//! 党务工作者队伍: the secretaries of party organizations and the party-affairs workers
//! (专职 / 兼职) of towns, parks and units, and their training (分层分类: who organized it, of
//! what kind, how many 学时). Two things are findings of the audit, each naming its rule:
//! a 书记 post left empty (warned at once, flagged once the vacancy outlasts a rule's days),
//! and a secretary whose last year's training fell short of the yearly 学时 (in proportion to
//! the days they held the post that year).

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};

use crate::audit::{AuditFinding, AuditKind, AuditSubject, Severity};
use crate::registry::Key;
use crate::rules::{RuleError, RuleParam, RuleRef, RuleSet};

pub mod keys {
    pub const SECRETARY_TRAINING_HOURS: &str = "workforce.secretary_training_hours";
    pub const VACANCY_FLAG_DAYS: &str = "workforce.secretary_vacancy_flag_days";
}

const SOURCE_HOURS: &str = "中共中央办公厅《2024—2028年全国党员教育培训工作规划》：基层党组织书记和班子成员每年集中学习培训时间一般不少于56学时";
const SOURCE_VACANCY: &str = "中国共产党支部工作条例（试行）（2018）第十条（党支部委员会设书记）；书记长期缺职属软弱涣散情形，“长期”的天数为本平台默认值（可配置）";

pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    vec![
        RuleParam {
            key: keys::SECRETARY_TRAINING_HOURS.to_owned(),
            version: 1,
            value: 56,
            effective_from: from,
            title: "党组织书记每年集中学习培训不少于此学时（任职不满一年的按在任天数折算）"
                .to_owned(),
            source: SOURCE_HOURS.to_owned(),
        },
        RuleParam {
            key: keys::VACANCY_FLAG_DAYS.to_owned(),
            version: 1,
            value: 90,
            effective_from: from,
            title: "党组织书记职务空缺即预警，空缺超过此天数列为需处置（书记长期缺职）".to_owned(),
            source: SOURCE_VACANCY.to_owned(),
        },
    ]
}

/// The workforce rules in force on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkforceRules {
    /// 学时 a secretary owes in a whole year in post.
    pub secretary_hours: u32,
    pub hours_rule: Arc<RuleRef>,
    /// Days a 书记 post may stay empty before the vacancy is flagged.
    pub vacancy_flag_days: u32,
    pub vacancy_rule: Arc<RuleRef>,
}

impl WorkforceRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let hours = set.in_force(keys::SECRETARY_TRAINING_HOURS, as_of)?;
        let secretary_hours = u32::try_from(hours.value)
            .ok()
            .filter(|h| (1..=500).contains(h))
            .ok_or_else(|| RuleError::OutOfRange {
                key: keys::SECRETARY_TRAINING_HOURS.to_owned(),
                value: hours.value,
                reason: "应为1至500之间的学时",
            })?;
        let days = set.in_force(keys::VACANCY_FLAG_DAYS, as_of)?;
        let vacancy_flag_days = u32::try_from(days.value)
            .ok()
            .filter(|d| *d <= 730)
            .ok_or_else(|| RuleError::OutOfRange {
                key: keys::VACANCY_FLAG_DAYS.to_owned(),
                value: days.value,
                reason: "应为0至730之间的天数",
            })?;
        Ok(WorkforceRules {
            secretary_hours,
            hours_rule: Arc::new(hours.rule_ref()),
            vacancy_flag_days,
            vacancy_rule: Arc::new(days.rule_ref()),
        })
    }

    /// The rules that judge the last whole year before `today`: those in force at its end
    /// (today's when none was yet).
    pub fn for_judged_year(set: &RuleSet, today: NaiveDate) -> Result<Self, RuleError> {
        NaiveDate::from_ymd_opt(judged_year(today), 12, 31)
            .map_or_else(|| Self::resolve(set, today), |end| Self::resolve(set, end))
            .or_else(|_| Self::resolve(set, today))
    }

    /// The 学时 owed for `year` by someone in post for `days_in_post` of its days: the
    /// whole for a whole year, in proportion otherwise, rounded up.
    pub fn required_hours(&self, year: i32, days_in_post: u32) -> u32 {
        let days = days_in_year(year);
        let owed = u64::from(self.secretary_hours) * u64::from(days_in_post.min(days));
        u32::try_from(owed.div_ceil(u64::from(days))).unwrap_or(u32::MAX)
    }

    /// A secretary's year judged: a finding when the hours fall short of those owed.
    pub fn judge_training(&self, t: &SecretaryYear) -> Option<AuditFinding> {
        let owed = self.required_hours(t.year, t.days_in_post);
        if t.days_in_post == 0 || t.hours >= owed {
            return None;
        }
        let whole = t.days_in_post >= days_in_year(t.year);
        Some(AuditFinding {
            subject: AuditSubject::Member { key: t.member },
            subject_name: t.name.clone(),
            responsible: t.party_org,
            kind: AuditKind::SecretaryUntrained,
            severity: Severity::Flag,
            detail: format!(
                "{}年任{}书记{}，集中培训{}学时，应不少于{}学时",
                t.year,
                t.party_org_name,
                if whole {
                    "全年".to_owned()
                } else {
                    format!("{}天", t.days_in_post)
                },
                t.hours,
                owed
            ),
            rule: self.hours_rule.clone(),
            // The organization is in the key: a secretary who moves answers at the new one,
            // and the old one's finding closes at its next run.
            dedupe_key: format!(
                "member:{}:{}:{}:{}:{}:{}",
                t.member.county,
                t.member.id,
                AuditKind::SecretaryUntrained.code(),
                t.year,
                t.party_org.county,
                t.party_org.id
            ),
        })
    }

    /// The days a post empty since `since` has been empty on `today`, both counted.
    pub fn vacant_days(since: NaiveDate, today: NaiveDate) -> i64 {
        (today - since).num_days() + 1
    }

    /// Whether a vacancy since `since` is flagged on `today`: empty more than the rule's days.
    pub fn vacancy_flagged(&self, since: NaiveDate, today: NaiveDate) -> bool {
        Self::vacant_days(since, today) > i64::from(self.vacancy_flag_days)
    }

    /// An organization without a 书记 on `today`: warned at once, flagged once the post
    /// has been empty longer than the rule's days.
    pub fn judge_vacancy(&self, v: &Vacancy, today: NaiveDate) -> Option<AuditFinding> {
        if v.since > today {
            return None;
        }
        let days = Self::vacant_days(v.since, today);
        Some(AuditFinding {
            subject: AuditSubject::PartyOrg { key: v.party_org },
            subject_name: v.name.clone(),
            responsible: v.party_org,
            kind: AuditKind::SecretaryVacant,
            severity: if self.vacancy_flagged(v.since, today) {
                Severity::Flag
            } else {
                Severity::Warning
            },
            detail: match v.last_held {
                true => format!("书记职务自{}起空缺，已{days}天", v.since),
                false => format!("自{}起没有登记书记，已{days}天", v.since),
            },
            rule: self.vacancy_rule.clone(),
            dedupe_key: format!(
                "party_org:{}:{}:{}",
                v.party_org.county,
                v.party_org.id,
                AuditKind::SecretaryVacant.code()
            ),
        })
    }
}

/// One secretary's year: the days they held a 书记 post in it and the 学时 recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretaryYear {
    pub member: Key,
    pub name: String,
    /// The organization they are secretary of now (it must act).
    pub party_org: Key,
    pub party_org_name: String,
    pub year: i32,
    pub days_in_post: u32,
    pub hours: u32,
}

/// An organization that should have a 书记 and has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vacancy {
    pub party_org: Key,
    pub name: String,
    /// The first day without one: the day after the last term ended, or the day the
    /// records begin when none was ever recorded.
    pub since: NaiveDate,
    /// Whether a 书记 was ever recorded.
    pub last_held: bool,
}

pub fn days_in_year(year: i32) -> u32 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// The days of `year` within any of `terms` (`since ..= until`, an open term running on),
/// each day once: two posts held at once are one year in post, not two.
pub fn days_within_any(year: i32, terms: &[(NaiveDate, Option<NaiveDate>)]) -> u32 {
    let (Some(first), Some(last)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return 0;
    };
    let mut spans: Vec<(NaiveDate, NaiveDate)> = terms
        .iter()
        .map(|(since, until)| ((*since).max(first), until.map_or(last, |u| u.min(last))))
        .filter(|(from, to)| from <= to)
        .collect();
    spans.sort();
    let mut days = 0i64;
    let mut reached: Option<NaiveDate> = None;
    for (from, to) in spans {
        let from = match reached {
            Some(r) if r >= from => match r.succ_opt() {
                Some(next) => next,
                None => continue,
            },
            _ => from,
        };
        if from <= to {
            days += (to - from).num_days() + 1;
        }
        reached = Some(reached.map_or(to, |r| r.max(to)));
    }
    u32::try_from(days).unwrap_or(0)
}

/// The last whole year before `today`, whose training is judged.
pub fn judged_year(today: NaiveDate) -> i32 {
    today.year() - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules() -> WorkforceRules {
        WorkforceRules::resolve(&RuleSet::defaults(), d(2026, 12, 5)).unwrap()
    }

    fn year(days: u32, hours: u32) -> SecretaryYear {
        SecretaryYear {
            member: Key {
                county: 330825,
                id: 7,
            },
            name: "王芳".into(),
            party_org: Key {
                county: 330825,
                id: 3,
            },
            party_org_name: "某公司党支部".into(),
            year: 2025,
            days_in_post: days,
            hours,
        }
    }

    #[test]
    fn a_whole_year_owes_the_rules_hours_and_part_of_one_its_share_rounded_up() {
        let r = rules();
        assert_eq!(r.required_hours(2025, 365), 56);
        assert_eq!(r.required_hours(2024, 366), 56);
        // 56 × 100 / 365 = 15.3…
        assert_eq!(r.required_hours(2025, 100), 16);
        assert_eq!(r.required_hours(2025, 1), 1);
        assert_eq!(r.required_hours(2025, 0), 0);
        assert_eq!(days_within_any(2025, &[(d(2025, 9, 23), None)]), 100);
        assert_eq!(
            days_within_any(2025, &[(d(2020, 1, 1), Some(d(2025, 1, 31)))]),
            31
        );
        assert_eq!(days_within_any(2025, &[(d(2026, 1, 1), None)]), 0);
        assert_eq!(
            days_within_any(2025, &[(d(2020, 1, 1), Some(d(2024, 12, 31)))]),
            0
        );
        // Two posts at once, overlapping: each day once.
        assert_eq!(
            days_within_any(
                2025,
                &[
                    (d(2025, 1, 1), Some(d(2025, 6, 30))),
                    (d(2025, 3, 1), None),
                    (d(2025, 2, 1), Some(d(2025, 2, 10))),
                ]
            ),
            365
        );
        assert_eq!(
            days_within_any(
                2025,
                &[
                    (d(2025, 1, 1), Some(d(2025, 1, 10))),
                    (d(2025, 12, 1), Some(d(2026, 3, 1)))
                ]
            ),
            41
        );
    }

    #[test]
    fn a_secretary_short_of_the_hours_is_flagged_with_what_was_owed() {
        let r = rules();
        assert!(r.judge_training(&year(365, 56)).is_none());
        let f = r.judge_training(&year(365, 48)).unwrap();
        assert_eq!(f.kind, AuditKind::SecretaryUntrained);
        assert_eq!(f.severity, Severity::Flag);
        assert_eq!(
            f.detail,
            "2025年任某公司党支部书记全年，集中培训48学时，应不少于56学时"
        );
        assert_eq!(f.rule.key, keys::SECRETARY_TRAINING_HOURS);
        assert!(r.judge_training(&year(100, 16)).is_none());
        let part = r.judge_training(&year(100, 15)).unwrap();
        assert!(part.detail.contains("100天"), "{}", part.detail);
        assert!(r.judge_training(&year(0, 0)).is_none());
    }

    #[test]
    fn a_vacancy_is_warned_at_once_and_flagged_after_the_rules_days() {
        let r = rules();
        let v = Vacancy {
            party_org: Key {
                county: 330825,
                id: 3,
            },
            name: "某公司党支部".into(),
            since: d(2026, 9, 1),
            last_held: true,
        };
        let warned = r.judge_vacancy(&v, d(2026, 11, 29)).unwrap();
        assert_eq!(warned.severity, Severity::Warning);
        assert_eq!(warned.detail, "书记职务自2026-09-01起空缺，已90天");
        // The 91st empty day is past the rule's 90.
        let flagged = r.judge_vacancy(&v, d(2026, 11, 30)).unwrap();
        assert_eq!(flagged.severity, Severity::Flag);
        assert_eq!(flagged.detail, "书记职务自2026-09-01起空缺，已91天");
        assert_eq!(
            r.judge_vacancy(&v, d(2026, 9, 1)).unwrap().detail,
            "书记职务自2026-09-01起空缺，已1天"
        );
        assert!(r.judge_vacancy(&v, d(2026, 8, 31)).is_none());
        assert_eq!(warned.rule.key, keys::VACANCY_FLAG_DAYS);
    }
}
