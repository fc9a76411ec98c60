//! 党内统计: tables of the annual report computed from the records for a day, each
//! cell a rule over one record, so that the count and the rows behind it are the same
//! function ([`Table::member_cells`], [`Table::party_org_cells`]):
//!
//! - 党员数量变化情况: the register at the end of last year, what joined it this year
//!   (发展, 转入) and what left it (转出, 死亡, 出党, 停止党籍, 取消预备党员资格), and the
//!   register on the day. A transfer between two organizations of the same row moves no
//!   count of that row.
//! - 党员基本情况: the register on the day by sex, 民族, 预备/正式, the 公报's age bands,
//!   学历 and 职业, with what was never entered counted as 未填.
//! - 入党时间: the register on the day by the 公报's periods of joining.
//! - 预备党员转正: probationary members at the year's start, admitted, confirmed and
//!   cancelled in it, and on the day, with those a year past admission not yet confirmed.
//! - 基层党组织数量和换届: the organizations standing on the day by type, the branches by
//!   how they were formed, and their terms (elected this year, past their term, no term on
//!   record) by the coverage rules' term lengths.

use chrono::{Datelike, NaiveDate};

use crate::coverage::term_end;
use crate::kinds::{Education, FormationMode, LeaveReason, Occupation, PartyOrgType};
use crate::registry::Background;
use crate::resident_id::Sex;
use crate::rules::CoverageRules;

/// A column of a table: a stable code (the rows page is addressed by it), the group its
/// header stands under, and its label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub code: &'static str,
    pub group: Option<&'static str>,
    pub label: &'static str,
}

const fn col(code: &'static str, group: Option<&'static str>, label: &'static str) -> Column {
    Column { code, group, label }
}

const ADDED: Option<&str> = Some("本年增加");
const LEFT: Option<&str> = Some("本年减少");

const CHANGE: [Column; 11] = [
    col("start", None, "上年底党员数"),
    col("added", ADDED, "合计"),
    col("developed", ADDED, "发展党员"),
    col("transferred_in", ADDED, "转入"),
    col("left", LEFT, "合计"),
    col("transferred_out", LEFT, "转出"),
    col("died", LEFT, "死亡"),
    col("out_of_party", LEFT, "出党"),
    col("suspended", LEFT, "停止党籍"),
    col("probation_cancelled", LEFT, "取消预备党员资格"),
    col("end", None, "本期末党员数"),
];

const SEX: Option<&str> = Some("性别");
const NATION: Option<&str> = Some("民族");
const AGE: Option<&str> = Some("年龄");
const SCHOOL: Option<&str> = Some("学历");
const WORK: Option<&str> = Some("职业");

const BASICS: [Column; 29] = [
    col("total", None, "党员总数"),
    col("female", SEX, "女"),
    col("minority", NATION, "少数民族"),
    col("ethnicity_unknown", NATION, "未填"),
    col("probationary", None, "预备党员"),
    col("age_30", AGE, "30岁及以下"),
    col("age_35", AGE, "31至35岁"),
    col("age_40", AGE, "36至40岁"),
    col("age_45", AGE, "41至45岁"),
    col("age_50", AGE, "46至50岁"),
    col("age_55", AGE, "51至55岁"),
    col("age_60", AGE, "56至60岁"),
    col("age_61", AGE, "61岁及以上"),
    col("graduate", SCHOOL, "研究生"),
    col("bachelor", SCHOOL, "大学本科"),
    col("associate", SCHOOL, "大学专科"),
    col("vocational", SCHOOL, "中专"),
    col("high_school", SCHOOL, "高中"),
    col("junior_or_below", SCHOOL, "初中及以下"),
    col("education_unknown", SCHOOL, "未填"),
    col("worker", WORK, "工人（工勤技能人员）"),
    col("farmer", WORK, "农牧渔民"),
    col("professional", WORK, "专业技术人员"),
    col("manager", WORK, "管理人员"),
    col("official", WORK, "党政机关工作人员"),
    col("student", WORK, "学生"),
    col("retired", WORK, "离退休人员"),
    col("other", WORK, "其他职业人员"),
    col("occupation_unknown", WORK, "未填"),
];

const JOINED: Option<&str> = Some("入党时间");

const JOINED_PERIODS: [Column; 8] = [
    col("total", None, "党员总数"),
    col("before_1949", JOINED, "新中国成立前"),
    col("to_1966", JOINED, "1949年10月至1966年4月"),
    col("to_1976", JOINED, "1966年5月至1976年10月"),
    col("to_1978", JOINED, "1976年11月至1978年12月"),
    col("to_2002", JOINED, "1979年1月至2002年10月"),
    col("to_2012", JOINED, "2002年11月至2012年10月"),
    col("since_2012", JOINED, "2012年11月以来"),
];

const THIS_YEAR: Option<&str> = Some("本年");

const PROBATION: [Column; 6] = [
    col("start", None, "上年底预备党员"),
    col("admitted", THIS_YEAR, "接收预备党员"),
    col("confirmed", THIS_YEAR, "转为正式党员"),
    col("cancelled", THIS_YEAR, "取消预备党员资格"),
    col("end", None, "期末预备党员"),
    col("overdue", None, "其中预备期满一年未转正"),
];

const BY_TYPE: Option<&str> = Some("按类型");
const FORMED: Option<&str> = Some("党支部组建方式");
const TERMS: Option<&str> = Some("换届");

const PARTY_ORGS: [Column; 15] = [
    col("total", None, "基层党组织合计"),
    col("committee", BY_TYPE, "党委"),
    col("working_committee", BY_TYPE, "党工委"),
    col("comprehensive_committee", BY_TYPE, "综合党委"),
    col("general_branch", BY_TYPE, "党总支"),
    col("branch", BY_TYPE, "党支部"),
    col("joint_branch", BY_TYPE, "联合党支部"),
    col("standalone", FORMED, "单独组建"),
    col("regional_joint", FORMED, "区域联建"),
    col("dispatched", FORMED, "派员驻建"),
    col("industry_wide", FORMED, "行业统建"),
    col("formation_unknown", FORMED, "未填"),
    col("elected_this_year", TERMS, "本年换届"),
    col("term_expired", TERMS, "任期届满未换届"),
    col("term_unknown", TERMS, "未记录任期"),
];

/// One of the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// 党员数量变化情况
    MemberChange,
    /// 党员基本情况
    MemberBasics,
    /// 入党时间 (the 公报's periods)
    JoinedPeriods,
    /// 预备党员转正
    Probation,
    /// 基层党组织数量和换届
    PartyOrgs,
}

impl Table {
    /// In the annual report's order.
    pub const ALL: [Table; 5] = [
        Table::MemberChange,
        Table::MemberBasics,
        Table::JoinedPeriods,
        Table::Probation,
        Table::PartyOrgs,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Table::MemberChange => "member-change",
            Table::MemberBasics => "member-basics",
            Table::JoinedPeriods => "joined-periods",
            Table::Probation => "probation",
            Table::PartyOrgs => "party-orgs",
        }
    }

    pub fn from_code(code: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.code() == code)
    }

    pub const fn title(self) -> &'static str {
        match self {
            Table::MemberChange => "党员数量变化情况",
            Table::MemberBasics => "党员基本情况",
            Table::JoinedPeriods => "党员入党时间情况",
            Table::Probation => "预备党员转正情况",
            Table::PartyOrgs => "基层党组织数量和换届情况",
        }
    }

    /// The unit printed over the table.
    pub const fn unit(self) -> &'static str {
        match self {
            Table::PartyOrgs => "单位：个",
            _ => "单位：名",
        }
    }

    pub const fn columns(self) -> &'static [Column] {
        match self {
            Table::MemberChange => &CHANGE,
            Table::MemberBasics => &BASICS,
            Table::JoinedPeriods => &JOINED_PERIODS,
            Table::Probation => &PROBATION,
            Table::PartyOrgs => &PARTY_ORGS,
        }
    }

    /// Whether its rows are members (else party organizations).
    pub const fn counts_members(self) -> bool {
        !matches!(self, Table::PartyOrgs)
    }

    /// The index of the column with this code.
    pub fn column(self, code: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.code == code)
    }

    /// How the table is computed, printed under it.
    pub fn notes(self) -> &'static [&'static str] {
        match self {
            Table::MemberChange => &[
                "本年自1月1日起至统计截止日期止；上年底为上年12月31日。",
                "发展党员为本年入党、非转入的记录；转入、转出只计与本行范围以外党组织之间的组织关系转接，范围内的转接不增不减。",
                "出党含开除党籍、除名、劝退、退党和自行脱党。本期末党员数＝上年底党员数＋本年增加－本年减少。",
            ],
            Table::MemberBasics => &[
                "在统计截止日期仍在册的党员；年龄按出生年份计算。",
                "民族、学历、职业未登记的计入“未填”，请在党员信息中补录。",
            ],
            Table::JoinedPeriods => &["在统计截止日期仍在册的党员，按入党时间所在的时期计。"],
            Table::Probation => &[
                "预备党员：统计当日已入党、尚未转正（或转正日期在其后）的在册党员。",
                "接收预备党员为本年入党的记录（不含转入）；取消预备党员资格按本年减少计。",
                "预备期满一年未转正：入党满一年仍为预备党员，应及时讨论转正、延长预备期或取消资格。",
            ],
            Table::PartyOrgs => &[
                "统计截止日期尚未撤销的基层党组织，不含党小组。",
                "本年换届：本届任期开始于本年；任期届满未换届：按换届规则的任期已满；党工委为上级任命，不计换届。",
            ],
        }
    }
}

/// A member record as the tables read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFacts {
    pub sex: Sex,
    pub birth_year: i32,
    pub joined_on: NaiveDate,
    /// 转正时间
    pub confirmed_on: Option<NaiveDate>,
    /// The day a transfer brought the record here (转入).
    pub arrived_on: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub leave_reason: Option<LeaveReason>,
    /// The other end of the transfer that opened the record (its sender) and of the one
    /// that closed it (its receiver), as party-organization paths; none outside the system.
    pub came_from: Option<String>,
    pub went_to: Option<String>,
    pub background: Background,
}

impl MemberFacts {
    /// The first day the record is on this register.
    fn starts(&self) -> NaiveDate {
        self.arrived_on.unwrap_or(self.joined_on)
    }

    /// Whether the record is on the register at the end of `day`.
    pub fn on_register(&self, day: NaiveDate) -> bool {
        self.starts() <= day && self.left_on.is_none_or(|l| l > day)
    }
}

/// The year of `as_of` up to it: the span the change table counts.
fn year_of(as_of: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
    (first, first.pred_opt().unwrap_or(first))
}

fn index(table: Table, code: &str) -> usize {
    table.column(code).unwrap_or(0)
}

impl Table {
    /// The columns one member counts in for a row on `as_of`; `inside` says whether a
    /// party organization (by path) lies in the row, so that a transfer within it counts
    /// neither in nor out. Empty for the party-organization table.
    pub fn member_cells(
        self,
        m: &MemberFacts,
        as_of: NaiveDate,
        inside: &dyn Fn(&str) -> bool,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        let mut put = |code: &str| out.push(index(self, code));
        match self {
            Table::MemberChange => {
                // A record that left before it began (a backdated leaving) never stood on
                // the register: neither in nor out, so each row still balances.
                if m.left_on.is_some_and(|l| l < m.starts()) {
                    return out;
                }
                let (first, last_year_end) = year_of(as_of);
                if m.on_register(last_year_end) {
                    put("start");
                }
                let this_year = |d: NaiveDate| first <= d && d <= as_of;
                if this_year(m.starts()) {
                    match (m.arrived_on, &m.came_from) {
                        (Some(_), Some(from)) if inside(from) => {}
                        (Some(_), _) => {
                            put("added");
                            put("transferred_in");
                        }
                        (None, _) => {
                            put("added");
                            put("developed");
                        }
                    }
                }
                if m.left_on.is_some_and(this_year) {
                    let part = match m.leave_reason {
                        Some(LeaveReason::TransferredOut) => match &m.went_to {
                            Some(to) if inside(to) => return out,
                            _ => Some("transferred_out"),
                        },
                        Some(LeaveReason::Died) => Some("died"),
                        Some(
                            LeaveReason::Expelled
                            | LeaveReason::Removed
                            | LeaveReason::PersuadedOut
                            | LeaveReason::Withdrew
                            | LeaveReason::Lapsed,
                        ) => Some("out_of_party"),
                        Some(LeaveReason::Suspended) => Some("suspended"),
                        Some(LeaveReason::ProbationCancelled) => Some("probation_cancelled"),
                        None => None,
                    };
                    put("left");
                    if let Some(p) = part {
                        put(p);
                    }
                }
                if m.on_register(as_of) {
                    put("end");
                }
            }
            Table::MemberBasics => {
                if !m.on_register(as_of) {
                    return out;
                }
                put("total");
                if m.sex == Sex::Female {
                    put("female");
                }
                match m.background.ethnicity {
                    None => put("ethnicity_unknown"),
                    Some(e) if e.is_minority() => put("minority"),
                    Some(_) => {}
                }
                if m.confirmed_on.is_none_or(|c| c > as_of) {
                    put("probationary");
                }
                put(age_band(as_of.year() - m.birth_year));
                put(m
                    .background
                    .education
                    .map_or("education_unknown", Education::code));
                put(m
                    .background
                    .occupation
                    .map_or("occupation_unknown", Occupation::code));
            }
            Table::JoinedPeriods => {
                if m.on_register(as_of) {
                    put("total");
                    put(joined_period(m.joined_on));
                }
            }
            Table::Probation => {
                if m.left_on.is_some_and(|l| l < m.starts()) {
                    return out;
                }
                let (first, last_year_end) = year_of(as_of);
                let probationary_on = |d: NaiveDate| {
                    m.on_register(d) && m.joined_on <= d && m.confirmed_on.is_none_or(|c| c > d)
                };
                if probationary_on(last_year_end) {
                    put("start");
                }
                let this_year = |d: NaiveDate| first <= d && d <= as_of;
                if m.arrived_on.is_none() && this_year(m.joined_on) {
                    put("admitted");
                }
                if m.confirmed_on.is_some_and(this_year) && m.starts() <= as_of {
                    put("confirmed");
                }
                if m.leave_reason == Some(LeaveReason::ProbationCancelled)
                    && m.left_on.is_some_and(this_year)
                {
                    put("cancelled");
                }
                if probationary_on(as_of) {
                    put("end");
                    if m.joined_on
                        .checked_add_months(chrono::Months::new(12))
                        .is_some_and(|due| due <= as_of)
                    {
                        put("overdue");
                    }
                }
            }
            Table::PartyOrgs => {}
        }
        out
    }

    /// The columns one party organization counts in on `as_of` (none for the member
    /// tables, for a 党小组, or for one dissolved by then).
    pub fn party_org_cells(
        self,
        po: &PartyOrgFacts,
        as_of: NaiveDate,
        rules: &CoverageRules,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        if self != Table::PartyOrgs
            || po.org_type == PartyOrgType::Group
            || po.dissolved_on.is_some_and(|d| d <= as_of)
        {
            return out;
        }
        let mut put = |code: &str| out.push(index(self, code));
        put("total");
        put(po.org_type.code());
        if po.org_type.is_branch() {
            put(po
                .formation_mode
                .map_or("formation_unknown", FormationMode::code));
        }
        let (first, _) = year_of(as_of);
        // An organization appointed by the level above has no term (term_end says so).
        if term_end(po.org_type, as_of, rules).is_some() {
            match po.term_started {
                None => put("term_unknown"),
                Some(started) => {
                    if first <= started && started <= as_of {
                        put("elected_this_year");
                    }
                    if term_end(po.org_type, started, rules).is_some_and(|(ends, _)| ends <= as_of)
                    {
                        put("term_expired");
                    }
                }
            }
        }
        out
    }
}

/// The 公报's period of a day of joining.
fn joined_period(joined: NaiveDate) -> &'static str {
    let ym = (joined.year(), joined.month());
    match ym {
        _ if ym < (1949, 10) => "before_1949",
        _ if ym < (1966, 5) => "to_1966",
        _ if ym < (1976, 11) => "to_1976",
        _ if ym < (1979, 1) => "to_1978",
        _ if ym < (2002, 11) => "to_2002",
        _ if ym < (2012, 11) => "to_2012",
        _ => "since_2012",
    }
}

/// The 公报's age band of an age in years.
fn age_band(age: i32) -> &'static str {
    match age {
        ..=30 => "age_30",
        31..=35 => "age_35",
        36..=40 => "age_40",
        41..=45 => "age_45",
        46..=50 => "age_50",
        51..=55 => "age_55",
        56..=60 => "age_60",
        _ => "age_61",
    }
}

/// A party organization as the tables read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgFacts {
    pub org_type: PartyOrgType,
    pub formation_mode: Option<FormationMode>,
    pub term_started: Option<NaiveDate>,
    pub dissolved_on: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ethnicity::Ethnicity;
    use crate::rules::RuleSet;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn member() -> MemberFacts {
        MemberFacts {
            sex: Sex::Female,
            birth_year: 1990,
            joined_on: d(2015, 7, 1),
            confirmed_on: Some(d(2016, 7, 1)),
            arrived_on: None,
            left_on: None,
            leave_reason: None,
            came_from: None,
            went_to: None,
            background: Background::default(),
        }
    }

    fn codes(t: Table, cells: &[usize]) -> Vec<&'static str> {
        cells.iter().map(|i| t.columns()[*i].code).collect()
    }

    const AS_OF: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();

    #[test]
    fn the_change_table_balances_and_ignores_transfers_within_the_row() {
        let t = Table::MemberChange;
        let everywhere = |_: &str| true;
        let nowhere = |_: &str| false;
        let cells = |m: &MemberFacts, inside: &dyn Fn(&str) -> bool| {
            codes(t, &t.member_cells(m, AS_OF, inside))
        };
        assert_eq!(cells(&member(), &nowhere), ["start", "end"]);
        let developed = MemberFacts {
            joined_on: d(2026, 3, 1),
            confirmed_on: None,
            ..member()
        };
        assert_eq!(cells(&developed, &nowhere), ["added", "developed", "end"]);
        // Joined after the day: not yet anywhere.
        let later = MemberFacts {
            joined_on: d(2026, 12, 1),
            ..developed.clone()
        };
        assert!(cells(&later, &nowhere).is_empty());
        let arrived = MemberFacts {
            arrived_on: Some(d(2026, 5, 1)),
            came_from: Some("/1/9/".into()),
            ..member()
        };
        assert_eq!(
            cells(&arrived, &nowhere),
            ["added", "transferred_in", "end"]
        );
        assert_eq!(cells(&arrived, &everywhere), ["end"]);
        let sent = MemberFacts {
            left_on: Some(d(2026, 5, 1)),
            leave_reason: Some(LeaveReason::TransferredOut),
            went_to: Some("/1/9/".into()),
            ..member()
        };
        assert_eq!(cells(&sent, &nowhere), ["start", "left", "transferred_out"]);
        assert_eq!(cells(&sent, &everywhere), ["start"]);
        let removed = MemberFacts {
            left_on: Some(d(2026, 2, 1)),
            leave_reason: Some(LeaveReason::PersuadedOut),
            ..member()
        };
        assert_eq!(cells(&removed, &nowhere), ["start", "left", "out_of_party"]);
        // Left last year: in no column of this year.
        let gone = MemberFacts {
            left_on: Some(d(2025, 2, 1)),
            leave_reason: Some(LeaveReason::Died),
            ..member()
        };
        assert!(cells(&gone, &nowhere).is_empty());
        // Left after the day: still on the register then.
        let after = MemberFacts {
            left_on: Some(d(2026, 12, 20)),
            leave_reason: Some(LeaveReason::Died),
            ..member()
        };
        assert_eq!(cells(&after, &nowhere), ["start", "end"]);
        // Left (backdated) before it arrived: never on the register, so neither in nor out.
        let backdated = MemberFacts {
            arrived_on: Some(d(2026, 6, 1)),
            left_on: Some(d(2026, 3, 1)),
            leave_reason: Some(LeaveReason::Died),
            ..member()
        };
        assert!(cells(&backdated, &nowhere).is_empty());
    }

    #[test]
    fn the_basics_count_the_register_with_the_unknown_apart() {
        let t = Table::MemberBasics;
        let m = MemberFacts {
            birth_year: 1996,
            joined_on: d(2026, 1, 5),
            confirmed_on: None,
            background: Background {
                ethnicity: Ethnicity::parse("畲族").ok(),
                education: Some(Education::Bachelor),
                occupation: None,
            },
            ..member()
        };
        assert_eq!(
            codes(t, &t.member_cells(&m, AS_OF, &|_| false)),
            [
                "total",
                "female",
                "minority",
                "probationary",
                "age_30",
                "bachelor",
                "occupation_unknown"
            ]
        );
        let han_man = MemberFacts {
            sex: Sex::Male,
            birth_year: 1965,
            background: Background {
                ethnicity: Some(Ethnicity::HAN),
                education: Some(Education::HighSchool),
                occupation: Some(Occupation::Retired),
            },
            ..member()
        };
        assert_eq!(
            codes(t, &t.member_cells(&han_man, AS_OF, &|_| false)),
            ["total", "age_61", "high_school", "retired"]
        );
        let left = MemberFacts {
            left_on: Some(d(2026, 6, 1)),
            leave_reason: Some(LeaveReason::Died),
            ..member()
        };
        assert!(t.member_cells(&left, AS_OF, &|_| false).is_empty());
        assert_eq!(age_band(31), "age_35");
        assert_eq!(age_band(60), "age_60");
    }

    #[test]
    fn organizations_count_by_type_formation_and_term() {
        let rules = CoverageRules::resolve(&RuleSet::defaults(), AS_OF).unwrap();
        let t = Table::PartyOrgs;
        let po = |org_type, formation_mode, term_started| PartyOrgFacts {
            org_type,
            formation_mode,
            term_started,
            dissolved_on: None,
        };
        let cells = |p: &PartyOrgFacts| codes(t, &t.party_org_cells(p, AS_OF, &rules));
        assert_eq!(
            cells(&po(
                PartyOrgType::JointBranch,
                Some(FormationMode::RegionalJoint),
                Some(d(2026, 4, 1))
            )),
            [
                "total",
                "joint_branch",
                "regional_joint",
                "elected_this_year"
            ]
        );
        assert_eq!(
            cells(&po(PartyOrgType::Branch, None, Some(d(2020, 4, 1)))),
            ["total", "branch", "formation_unknown", "term_expired"]
        );
        assert_eq!(
            cells(&po(PartyOrgType::Committee, None, None)),
            ["total", "committee", "term_unknown"]
        );
        assert_eq!(
            cells(&po(PartyOrgType::WorkingCommittee, None, None)),
            ["total", "working_committee"]
        );
        assert!(cells(&po(PartyOrgType::Group, None, None)).is_empty());
        let dissolved = PartyOrgFacts {
            dissolved_on: Some(d(2026, 3, 1)),
            ..po(PartyOrgType::Branch, None, None)
        };
        assert!(cells(&dissolved).is_empty());
        assert!(
            Table::MemberBasics
                .party_org_cells(&dissolved, AS_OF, &rules)
                .is_empty()
        );
    }

    #[test]
    fn joining_periods_and_probation_follow_the_days() {
        assert_eq!(joined_period(d(1949, 9, 30)), "before_1949");
        assert_eq!(joined_period(d(1949, 10, 1)), "to_1966");
        assert_eq!(joined_period(d(1978, 12, 31)), "to_1978");
        assert_eq!(joined_period(d(2002, 11, 1)), "to_2012");
        assert_eq!(joined_period(d(2012, 11, 8)), "since_2012");
        let t = Table::Probation;
        let cells = |m: &MemberFacts| codes(t, &t.member_cells(m, AS_OF, &|_| false));
        // Admitted last March, confirmed this March: counted at the start and confirmed.
        let confirmed = MemberFacts {
            joined_on: d(2025, 3, 1),
            confirmed_on: Some(d(2026, 3, 2)),
            ..member()
        };
        assert_eq!(cells(&confirmed), ["start", "confirmed"]);
        // Admitted this year and still probationary.
        let admitted = MemberFacts {
            joined_on: d(2026, 2, 1),
            confirmed_on: None,
            ..member()
        };
        assert_eq!(cells(&admitted), ["admitted", "end"]);
        // Past the year and not confirmed: overdue.
        let overdue = MemberFacts {
            joined_on: d(2025, 6, 1),
            confirmed_on: None,
            ..member()
        };
        assert_eq!(cells(&overdue), ["start", "end", "overdue"]);
        let cancelled = MemberFacts {
            left_on: Some(d(2026, 7, 1)),
            leave_reason: Some(LeaveReason::ProbationCancelled),
            ..overdue.clone()
        };
        assert_eq!(cells(&cancelled), ["start", "cancelled"]);
        // A full member from years ago is in no column.
        assert!(cells(&member()).is_empty());
        let j = Table::JoinedPeriods;
        assert_eq!(
            codes(j, &j.member_cells(&member(), AS_OF, &|_| false)),
            ["total", "since_2012"]
        );
    }

    #[test]
    fn every_column_code_is_unique_and_found() {
        for t in Table::ALL {
            assert_eq!(Table::from_code(t.code()), Some(t));
            for (i, c) in t.columns().iter().enumerate() {
                assert_eq!(t.column(c.code), Some(i), "{}", c.code);
            }
        }
        // The codes the cells name are the columns' own.
        for e in Education::ALL {
            assert!(Table::MemberBasics.column(e.code()).is_some());
        }
        for o in Occupation::ALL {
            assert!(Table::MemberBasics.column(o.code()).is_some());
        }
        for p in PartyOrgType::ALL
            .iter()
            .filter(|p| **p != PartyOrgType::Group)
        {
            assert!(Table::PartyOrgs.column(p.code()).is_some());
        }
        for f in FormationMode::ALL {
            assert!(Table::PartyOrgs.column(f.code()).is_some());
        }
    }
}
