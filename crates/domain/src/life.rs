//! Organizational life (组织生活): which meetings a party organization owes in each period,
//! which it held, and what is missing, by the frequency rules in force (DOMAIN.md
//! "Organizational life"; 中国共产党支部工作条例（试行） 第十八条、第十九条).
//!
//! A 支部党员大会 counts only when quorate (more than half of the members with a vote, that
//! is full members, present); a meeting entered long after it was held is marked 补录 but
//! still counts, since the record is what it is.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::kinds::{Attendance, MeetingKind, PartyOrgType};
use crate::period::Period;
use crate::registry::Key;
use crate::rules::{Resolved, RuleError, RuleRef, RuleSet, keys};

/// How often a kind of meeting is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Month,
    Quarter,
    Year,
}

impl Cadence {
    /// The period of this cadence that contains `day`.
    pub fn period_of(self, day: NaiveDate) -> Period {
        match self {
            Cadence::Month => Period::containing_month(day),
            Cadence::Quarter => Period::containing_quarter(day),
            Cadence::Year => Period::containing_year(day),
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Cadence::Month => "每月",
            Cadence::Quarter => "每季度",
            Cadence::Year => "每年",
        }
    }
}

/// A kind's frequency: at least `times` per period of `cadence`, by the rule cited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frequency {
    pub kind: MeetingKind,
    pub cadence: Cadence,
    pub times: Resolved,
}

/// The organizational-life rules in force on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeRules {
    pub as_of: NaiveDate,
    pub frequencies: Vec<Frequency>,
    /// Days after the meeting past which an entry is 补录.
    pub late_entry_days: Resolved,
}

impl LifeRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        let f = |kind, cadence, key| -> Result<Frequency, RuleError> {
            Ok(Frequency {
                kind,
                cadence,
                times: get(key)?,
            })
        };
        use Cadence::*;
        use MeetingKind as K;
        Ok(LifeRules {
            as_of,
            frequencies: vec![
                f(
                    K::BranchAssembly,
                    Quarter,
                    keys::LIFE_BRANCH_ASSEMBLY_PER_QUARTER,
                )?,
                f(K::Committee, Month, keys::LIFE_COMMITTEE_PER_MONTH)?,
                f(K::GroupMeeting, Month, keys::LIFE_GROUP_MEETING_PER_MONTH)?,
                f(
                    K::PartyLecture,
                    Quarter,
                    keys::LIFE_PARTY_LECTURE_PER_QUARTER,
                )?,
                f(K::ThemeDay, Month, keys::LIFE_THEME_DAY_PER_MONTH)?,
                f(K::LifeMeeting, Year, keys::LIFE_LIFE_MEETING_PER_YEAR)?,
                f(K::Appraisal, Year, keys::LIFE_APPRAISAL_PER_YEAR)?,
                f(K::Talk, Year, keys::LIFE_TALK_PER_YEAR)?,
            ],
            late_entry_days: get(keys::LIFE_LATE_ENTRY_DAYS)?,
        })
    }

    pub fn frequency(&self, kind: MeetingKind) -> Option<&Frequency> {
        self.frequencies.iter().find(|f| f.kind == kind)
    }

    /// Whether an entry made on `entered_on` for a meeting held on `held_on` is 补录.
    pub fn is_late(&self, held_on: NaiveDate, entered_on: NaiveDate) -> bool {
        (entered_on - held_on).num_days() > self.late_entry_days.value
    }
}

/// The kinds a party organization of this type owes (学习会 is never owed: it counts as
/// activity but no frequency applies). 三会一课 are a branch's duty; a 党小组 owes its own
/// 党小组会; a 支委会 is owed only where a committee has been elected. Committees and
/// general branches meet under their own rules, not these.
pub fn owed_kinds(org_type: PartyOrgType, has_committee: bool) -> Vec<MeetingKind> {
    use MeetingKind as K;
    match org_type {
        PartyOrgType::Branch | PartyOrgType::JointBranch => {
            let mut v = vec![K::BranchAssembly];
            if has_committee {
                v.push(K::Committee);
            }
            v.extend([
                K::PartyLecture,
                K::ThemeDay,
                K::LifeMeeting,
                K::Appraisal,
                K::Talk,
            ]);
            v
        }
        PartyOrgType::Group => vec![K::GroupMeeting],
        _ => Vec::new(),
    }
}

/// Whom a meeting expects (DOMAIN.md "Organizational life": quorum over that set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendees {
    /// 支委会: the committee members in post that day.
    Committee,
    /// 党小组会: the group's own members.
    OwnMembers,
    /// 支部党员大会, 党课, 主题党日 and the rest: the whole branch, its 党小组 included.
    WholeBranch,
}

pub const fn attendees_of(kind: MeetingKind) -> Attendees {
    match kind {
        MeetingKind::Committee => Attendees::Committee,
        MeetingKind::GroupMeeting => Attendees::OwnMembers,
        _ => Attendees::WholeBranch,
    }
}

/// Whether a 支部党员大会 is quorate: more than half of those with a vote (full members)
/// present. Probationary members attend but do not count toward the quorum.
pub fn quorate(voters_expected: u32, voters_present: u32) -> bool {
    voters_expected > 0 && voters_present * 2 > voters_expected
}

/// One held meeting, as compliance sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeldMeeting {
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    /// For kinds with a quorum: whether it was met.
    pub quorate: Option<bool>,
}

/// A party organization's facts for compliance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifeFacts {
    pub key: Key,
    pub name: String,
    pub org_type: PartyOrgType,
    pub has_committee: bool,
    /// 台账起始月: a period that begins before it is not owed (the platform holds no record
    /// of it).
    pub records_start: NaiveDate,
    pub meetings: Vec<HeldMeeting>,
}

/// Where one period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodState {
    /// Enough held.
    Met,
    /// The period has ended short.
    Missed,
    /// The period is still running and not yet met.
    Open,
}

impl PeriodState {
    pub const fn label(self) -> &'static str {
        match self {
            PeriodState::Met => "已完成",
            PeriodState::Missed => "未完成",
            PeriodState::Open => "进行中",
        }
    }
}

/// Required against held for one kind in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PeriodCount {
    pub period: Period,
    pub required: u32,
    pub held: u32,
    pub state: PeriodState,
}

/// A period that ended short, naming the rule that required the meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifeFinding {
    pub party_org: Key,
    pub party_org_name: String,
    pub kind: MeetingKind,
    pub period: Period,
    pub required: u32,
    pub held: u32,
    pub rule: Arc<RuleRef>,
}

impl LifeFinding {
    pub fn reason(&self) -> String {
        format!(
            "{}应召开{}{}次，实际{}次",
            self.period.label_zh(),
            self.kind.label(),
            self.required,
            self.held
        )
    }
}

/// One party organization's compliance over a span of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compliance {
    pub party_org: Key,
    /// Per owed kind, its periods in order.
    pub kinds: BTreeMap<MeetingKind, Vec<PeriodCount>>,
    pub findings: Vec<LifeFinding>,
}

impl Compliance {
    /// Periods ended (met or missed) and of those met, over every kind.
    pub fn ended(&self) -> (u32, u32) {
        let mut ended = 0;
        let mut met = 0;
        for p in self.kinds.values().flatten() {
            match p.state {
                PeriodState::Met => {
                    ended += 1;
                    met += 1;
                }
                PeriodState::Missed => ended += 1,
                PeriodState::Open => {}
            }
        }
        (ended, met)
    }
}

impl Compliance {
    /// The kinds whose period running on `day` is still open (owed, not yet met), with
    /// that period: 本期尚未召开的会议.
    pub fn running_open(&self, day: NaiveDate) -> Vec<(MeetingKind, Period)> {
        self.kinds
            .iter()
            .filter_map(|(k, periods)| {
                periods
                    .iter()
                    .find(|p| p.period.contains(day) && p.state == PeriodState::Open)
                    .map(|p| (*k, p.period))
            })
            .collect()
    }
}

/// Assesses `org` over the periods that overlap `from..=to`, as of `rules.as_of` (periods
/// still running then are open, not missed). Periods are whole: a year asked from March
/// still owes the whole year's meetings; but a period that began before the
/// organization's records start is not owed at all.
pub fn assess(org: &LifeFacts, rules: &LifeRules, from: NaiveDate, to: NaiveDate) -> Compliance {
    let mut kinds = BTreeMap::new();
    let mut findings = Vec::new();
    for kind in owed_kinds(org.org_type, org.has_committee) {
        let Some(freq) = rules.frequency(kind) else {
            continue;
        };
        let required = u32::try_from(freq.times.value).unwrap_or(u32::MAX);
        let mut periods = Vec::new();
        let mut period = freq.cadence.period_of(from.max(org.records_start));
        if period.first_day() < org.records_start {
            period = period.next();
        }
        while period.first_day() <= to {
            let held = org
                .meetings
                .iter()
                .filter(|m| {
                    m.kind == kind && period.contains(m.held_on) && m.quorate != Some(false)
                })
                .count();
            let held = u32::try_from(held).unwrap_or(u32::MAX);
            let state = if held >= required {
                PeriodState::Met
            } else if period.last_day() >= rules.as_of {
                PeriodState::Open
            } else {
                PeriodState::Missed
            };
            if state == PeriodState::Missed {
                findings.push(LifeFinding {
                    party_org: org.key,
                    party_org_name: org.name.clone(),
                    kind,
                    period,
                    required,
                    held,
                    rule: freq.times.rule.clone(),
                });
            }
            periods.push(PeriodCount {
                period,
                required,
                held,
                state,
            });
            period = period.next();
        }
        kinds.insert(kind, periods);
    }
    Compliance {
        party_org: org.key,
        kinds,
        findings,
    }
}

/// A meeting as it is recorded: what, when, where, who led and who wrote it down, and the
/// attendance of every member expected that day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRecord {
    pub party_org: Key,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub place: String,
    /// 主持人
    pub host: String,
    /// 记录人
    pub recorder: String,
    /// 主题
    pub topic: String,
    /// 议程
    pub agenda: String,
    /// 会议记录
    pub minutes: String,
    /// 决定事项
    pub decisions: String,
    pub attendance: Vec<AttendanceRecord>,
}

/// A meeting already recorded, with its key and the day it was entered, as a bulk load
/// or an import carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedMeeting {
    pub key: Key,
    pub record: MeetingRecord,
    pub entered_on: NaiveDate,
}

/// One member's attendance (请假 carries its reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    pub member: Key,
    pub attendance: Attendance,
    pub reason: Option<String>,
}

/// A member's attendance at one meeting, for the quorum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendee {
    /// A full member (has a vote); probationary members do not.
    pub voter: bool,
    pub attendance: Attendance,
}

/// 出勤率: of the meetings someone was expected at, how many they attended (出席), were
/// excused from (请假) or missed (缺席). An excused meeting is not attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttendanceRate {
    pub present: u32,
    pub excused: u32,
    pub absent: u32,
}

impl AttendanceRate {
    pub fn of(marks: impl IntoIterator<Item = Attendance>) -> Self {
        let mut r = AttendanceRate::default();
        for a in marks {
            r.add(a, 1);
        }
        r
    }

    pub fn add(&mut self, a: Attendance, n: u32) {
        let slot = match a {
            Attendance::Present => &mut self.present,
            Attendance::Excused => &mut self.excused,
            Attendance::Absent => &mut self.absent,
        };
        *slot = slot.saturating_add(n);
    }

    pub fn expected(&self) -> u32 {
        self.present
            .saturating_add(self.excused)
            .saturating_add(self.absent)
    }

    /// Attended in percent, rounded down; `None` when nothing was expected.
    pub fn percent(&self) -> Option<u32> {
        let e = u64::from(self.expected());
        (e > 0).then(|| u32::try_from(u64::from(self.present) * 100 / e).unwrap_or(100))
    }

    /// 出勤率 as people read it: “应到12次，出席10次，请假1次，缺席1次，出勤率83%”.
    pub fn describe(&self) -> String {
        match self.percent() {
            None => "没有应参加的会议".to_owned(),
            Some(p) => format!(
                "应到{}次，出席{}次，请假{}次，缺席{}次，出勤率{p}%",
                self.expected(),
                self.present,
                self.excused,
                self.absent
            ),
        }
    }
}

/// The quorum of a meeting of `kind` with these attendees, where one applies.
pub fn quorum(kind: MeetingKind, attendees: &[Attendee]) -> Option<bool> {
    match kind {
        MeetingKind::BranchAssembly | MeetingKind::Committee => {
            let voters = attendees.iter().filter(|a| a.voter).count();
            let present = attendees
                .iter()
                .filter(|a| a.voter && a.attendance == Attendance::Present)
                .count();
            Some(quorate(
                u32::try_from(voters).unwrap_or(u32::MAX),
                u32::try_from(present).unwrap_or(u32::MAX),
            ))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attendance_rate_counts_excused_as_not_attended() {
        let r = AttendanceRate::of([
            Attendance::Present,
            Attendance::Present,
            Attendance::Excused,
            Attendance::Absent,
        ]);
        assert_eq!(r.expected(), 4);
        assert_eq!(r.percent(), Some(50));
        assert_eq!(
            r.describe(),
            "应到4次，出席2次，请假1次，缺席1次，出勤率50%"
        );
        assert_eq!(AttendanceRate::default().percent(), None);
        // Rounded down: 2 of 3 is 66%, never shown as more than was attended.
        let r = AttendanceRate::of([Attendance::Present, Attendance::Present, Attendance::Absent]);
        assert_eq!(r.percent(), Some(66));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rules(as_of: NaiveDate) -> LifeRules {
        LifeRules::resolve(&RuleSet::defaults(), as_of).unwrap()
    }

    fn branch(meetings: Vec<HeldMeeting>) -> LifeFacts {
        LifeFacts {
            key: Key {
                county: 330825,
                id: 7,
            },
            name: "某公司党支部".into(),
            org_type: PartyOrgType::Branch,
            has_committee: false,
            records_start: d(2020, 1, 1),
            meetings,
        }
    }

    fn held(kind: MeetingKind, on: NaiveDate) -> HeldMeeting {
        HeldMeeting {
            kind,
            held_on: on,
            quorate: None,
        }
    }

    #[test]
    fn what_is_owed_follows_the_type_and_the_committee() {
        assert!(!owed_kinds(PartyOrgType::Branch, false).contains(&MeetingKind::Committee));
        assert!(owed_kinds(PartyOrgType::JointBranch, true).contains(&MeetingKind::Committee));
        assert_eq!(
            owed_kinds(PartyOrgType::Group, false),
            vec![MeetingKind::GroupMeeting]
        );
        assert!(owed_kinds(PartyOrgType::Committee, true).is_empty());
        assert!(!owed_kinds(PartyOrgType::Branch, true).contains(&MeetingKind::Study));
    }

    #[test]
    fn months_across_the_year_end_are_each_owed_a_theme_day() {
        // Asked from 2025-12-01 to 2026-02-10, as of 2026-02-10: December and January ended,
        // February is still running.
        let org = branch(vec![held(MeetingKind::ThemeDay, d(2025, 12, 31))]);
        let c = assess(&org, &rules(d(2026, 2, 10)), d(2025, 12, 1), d(2026, 2, 10));
        let theme = &c.kinds[&MeetingKind::ThemeDay];
        let states: Vec<(String, PeriodState)> = theme
            .iter()
            .map(|p| (p.period.label_zh(), p.state))
            .collect();
        assert_eq!(
            states,
            vec![
                ("2025年12月".into(), PeriodState::Met),
                ("2026年1月".into(), PeriodState::Missed),
                ("2026年2月".into(), PeriodState::Open),
            ]
        );
        let jan = c
            .findings
            .iter()
            .find(|f| f.kind == MeetingKind::ThemeDay)
            .unwrap();
        assert_eq!(jan.period, Period::month(2026, 1).unwrap());
        assert_eq!(jan.reason(), "2026年1月应召开主题党日1次，实际0次");
        assert_eq!(jan.rule.key, keys::LIFE_THEME_DAY_PER_MONTH);
    }

    #[test]
    fn nothing_is_owed_for_periods_before_the_records_start() {
        // Records from November 2026: the year, the third quarter and October are not
        // owed; November is, and December is still running.
        let mut org = branch(Vec::new());
        org.records_start = d(2026, 11, 1);
        let c = assess(
            &org,
            &rules(d(2026, 12, 10)),
            d(2026, 1, 1),
            d(2026, 12, 10),
        );
        let theme: Vec<String> = c.kinds[&MeetingKind::ThemeDay]
            .iter()
            .map(|p| p.period.label_zh())
            .collect();
        assert_eq!(theme, vec!["2026年11月", "2026年12月"]);
        assert!(c.kinds[&MeetingKind::LifeMeeting].is_empty());
        assert!(c.kinds[&MeetingKind::BranchAssembly].is_empty());
        assert_eq!(c.findings.len(), 1, "{:?}", c.findings);
        assert_eq!(
            c.findings[0].reason(),
            "2026年11月应召开主题党日1次，实际0次"
        );
    }

    #[test]
    fn an_assembly_without_quorum_does_not_count() {
        let mut short = held(MeetingKind::BranchAssembly, d(2026, 2, 14));
        short.quorate = Some(false);
        let org = branch(vec![short]);
        let c = assess(&org, &rules(d(2026, 4, 1)), d(2026, 1, 1), d(2026, 3, 31));
        let q1 = &c.kinds[&MeetingKind::BranchAssembly][0];
        assert_eq!((q1.held, q1.state), (0, PeriodState::Missed));
        let mut ok = short;
        ok.quorate = Some(true);
        let c = assess(
            &branch(vec![ok]),
            &rules(d(2026, 4, 1)),
            d(2026, 1, 1),
            d(2026, 3, 31),
        );
        assert_eq!(
            c.kinds[&MeetingKind::BranchAssembly][0].state,
            PeriodState::Met
        );
    }

    #[test]
    fn quorum_is_more_than_half_of_full_members() {
        let a = |voter, attendance| Attendee { voter, attendance };
        use Attendance::*;
        // 4 voters, 2 present: not more than half.
        let four = [
            a(true, Present),
            a(true, Present),
            a(true, Excused),
            a(true, Absent),
        ];
        assert_eq!(quorum(MeetingKind::BranchAssembly, &four), Some(false));
        let mut five = four.to_vec();
        five.push(a(true, Present));
        assert_eq!(quorum(MeetingKind::BranchAssembly, &five), Some(true));
        // Probationary members present do not make the quorum.
        let mut with_probation = four.to_vec();
        with_probation.push(a(false, Present));
        assert_eq!(
            quorum(MeetingKind::BranchAssembly, &with_probation),
            Some(false)
        );
        assert_eq!(quorum(MeetingKind::ThemeDay, &four), None);
        assert!(!quorate(0, 0));
    }

    #[test]
    fn a_changed_frequency_is_a_new_version_in_force_from_its_date() {
        let mut set = RuleSet::defaults().params().to_vec();
        set.push(crate::rules::RuleParam {
            key: keys::LIFE_PARTY_LECTURE_PER_QUARTER.into(),
            version: 2,
            value: 2,
            effective_from: d(2026, 7, 1),
            title: "党课每季度至少2次".into(),
            source: "某县规定".into(),
        });
        let set = RuleSet::new(set);
        let before = LifeRules::resolve(&set, d(2026, 6, 30)).unwrap();
        let after = LifeRules::resolve(&set, d(2026, 7, 1)).unwrap();
        let org = branch(vec![held(MeetingKind::PartyLecture, d(2026, 8, 1))]);
        let c = assess(&org, &after, d(2026, 7, 1), d(2026, 9, 30));
        assert!(c.findings.is_empty(), "Q3 is still open on 2026-07-01");
        let late = LifeRules {
            as_of: d(2026, 10, 1),
            ..after
        };
        let c = assess(&org, &late, d(2026, 7, 1), d(2026, 9, 30));
        let f = &c
            .findings
            .iter()
            .find(|f| f.kind == MeetingKind::PartyLecture)
            .unwrap();
        assert_eq!((f.required, f.held, f.rule.version), (2, 1, 2));
        assert_eq!(
            before
                .frequency(MeetingKind::PartyLecture)
                .unwrap()
                .times
                .value,
            1
        );
    }

    #[test]
    fn late_entries_are_marked_after_the_configured_days() {
        let r = rules(d(2026, 11, 27));
        assert!(!r.is_late(d(2026, 10, 1), d(2026, 10, 31)));
        assert!(r.is_late(d(2026, 10, 1), d(2026, 11, 1)));
    }
}
