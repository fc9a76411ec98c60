//! 党员先锋指数: a member's year, counted from the records only — meetings attended, dues
//! paid in full, commitments kept (承诺践诺), duties held (党员先锋岗, 党员责任区), results
//! (岗位技能比武, 技术攻关), 志愿服务 and 党内表彰, less commitments broken, 纪律处分 and
//! the six-month rule's findings. Every point is one fact, and every fact is a record the
//! member's page links to.
//!
//! What may count is closed: the indicators below, each reading one kind of record. By
//! 国办函〔2026〕12号 and the 2024 rules on formalism, sign-ins, page views, clicks, likes,
//! forwards, study or online time and quiz counts are no basis of assessment; there is no
//! indicator that reads them and the platform keeps none of them. The points per fact, the
//! caps and the bands are rule data. The result is a band (优秀 / 良好 / 一般 / 较差) with
//! its explanation, never a rank among members.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::{Resolved, RuleError, RuleParam, RuleRef, RuleSet};

/// A kind of record a branch (or the level above) enters of a member, with its evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 党员先锋岗 (from, until)
    VanguardPost,
    /// 党员责任区 (from, until)
    DutyArea,
    /// 承诺践诺: a commitment kept
    CommitmentKept,
    /// 承诺践诺: a commitment not kept
    CommitmentBroken,
    /// 岗位技能比武 result
    SkillContest,
    /// 技术攻关 result
    Breakthrough,
    /// 志愿服务 with its activity
    Volunteer,
    /// 党内表彰
    Reward,
    /// 纪律处分
    Punishment,
}

impl RecordKind {
    pub const ALL: [RecordKind; 9] = [
        RecordKind::VanguardPost,
        RecordKind::DutyArea,
        RecordKind::CommitmentKept,
        RecordKind::CommitmentBroken,
        RecordKind::SkillContest,
        RecordKind::Breakthrough,
        RecordKind::Volunteer,
        RecordKind::Reward,
        RecordKind::Punishment,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            RecordKind::VanguardPost => "vanguard_post",
            RecordKind::DutyArea => "duty_area",
            RecordKind::CommitmentKept => "commitment_kept",
            RecordKind::CommitmentBroken => "commitment_broken",
            RecordKind::SkillContest => "skill_contest",
            RecordKind::Breakthrough => "breakthrough",
            RecordKind::Volunteer => "volunteer",
            RecordKind::Reward => "reward",
            RecordKind::Punishment => "punishment",
        }
    }

    pub fn parse(code: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            RecordKind::VanguardPost => "党员先锋岗",
            RecordKind::DutyArea => "党员责任区",
            RecordKind::CommitmentKept => "承诺践诺（已兑现）",
            RecordKind::CommitmentBroken => "承诺践诺（未兑现）",
            RecordKind::SkillContest => "岗位技能比武",
            RecordKind::Breakthrough => "技术攻关",
            RecordKind::Volunteer => "志愿服务",
            RecordKind::Reward => "党内表彰",
            RecordKind::Punishment => "纪律处分",
        }
    }

    /// Duties are held over a span; the rest happen on a day.
    pub const fn is_duty(self) -> bool {
        matches!(self, RecordKind::VanguardPost | RecordKind::DutyArea)
    }

    /// What the record counts toward.
    pub const fn item(self) -> Item {
        match self {
            RecordKind::VanguardPost | RecordKind::DutyArea => Item::Duties,
            RecordKind::CommitmentKept => Item::Commitments,
            RecordKind::CommitmentBroken => Item::CommitmentBroken,
            RecordKind::SkillContest | RecordKind::Breakthrough => Item::Results,
            RecordKind::Volunteer => Item::Service,
            RecordKind::Reward => Item::Rewards,
            RecordKind::Punishment => Item::Punishment,
        }
    }
}

/// What a fact counts toward: the bonuses, each with its points per fact and cap, and the
/// deductions, each with its points per fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Item {
    /// 参加组织生活: a meeting attended (from the attendance).
    Attendance,
    /// 按月足额交纳党费: a month paid in full (from the ledger).
    Dues,
    Commitments,
    Duties,
    Results,
    Service,
    Rewards,
    CommitmentBroken,
    Punishment,
    /// 连续6个月未参加组织生活或未交纳党费 (the audit's finding).
    SixMonth,
}

impl Item {
    pub const ALL: [Item; 10] = [
        Item::Attendance,
        Item::Dues,
        Item::Commitments,
        Item::Duties,
        Item::Results,
        Item::Service,
        Item::Rewards,
        Item::CommitmentBroken,
        Item::Punishment,
        Item::SixMonth,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Item::Attendance => "参加组织生活",
            Item::Dues => "按月足额交纳党费",
            Item::Commitments => "承诺践诺",
            Item::Duties => "先锋岗、责任区履职",
            Item::Results => "技能比武、技术攻关成果",
            Item::Service => "志愿服务",
            Item::Rewards => "党内表彰",
            Item::CommitmentBroken => "承诺未兑现",
            Item::Punishment => "纪律处分",
            Item::SixMonth => "连续6个月未参加组织生活或未交纳党费",
        }
    }

    pub const fn is_deduction(self) -> bool {
        matches!(
            self,
            Item::CommitmentBroken | Item::Punishment | Item::SixMonth
        )
    }

    /// Its points per fact's rule key.
    pub const fn points_key(self) -> &'static str {
        match self {
            Item::Attendance => "vanguard.attendance.points",
            Item::Dues => "vanguard.dues.points",
            Item::Commitments => "vanguard.commitments.points",
            Item::Duties => "vanguard.duties.points",
            Item::Results => "vanguard.results.points",
            Item::Service => "vanguard.service.points",
            Item::Rewards => "vanguard.rewards.points",
            Item::CommitmentBroken => "vanguard.commitment_broken.points",
            Item::Punishment => "vanguard.punishment.points",
            Item::SixMonth => "vanguard.six_month.points",
        }
    }

    /// A bonus's cap's rule key.
    pub const fn cap_key(self) -> Option<&'static str> {
        match self {
            Item::Attendance => Some("vanguard.attendance.cap"),
            Item::Dues => Some("vanguard.dues.cap"),
            Item::Commitments => Some("vanguard.commitments.cap"),
            Item::Duties => Some("vanguard.duties.cap"),
            Item::Results => Some("vanguard.results.cap"),
            Item::Service => Some("vanguard.service.cap"),
            Item::Rewards => Some("vanguard.rewards.cap"),
            _ => None,
        }
    }

    /// Version 1: points per fact and cap.
    const fn defaults(self) -> (i64, Option<i64>) {
        match self {
            Item::Attendance => (2, Some(30)),
            Item::Dues => (2, Some(24)),
            Item::Commitments => (4, Some(12)),
            Item::Duties => (5, Some(10)),
            Item::Results | Item::Rewards => (4, Some(8)),
            Item::Service => (2, Some(8)),
            Item::CommitmentBroken => (4, None),
            Item::Punishment => (20, None),
            Item::SixMonth => (10, None),
        }
    }
}

/// 优秀 / 良好 / 一般 / 较差.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    Excellent,
    Good,
    Fair,
    Poor,
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Excellent, Band::Good, Band::Fair, Band::Poor];

    pub const fn label(self) -> &'static str {
        match self {
            Band::Excellent => "优秀",
            Band::Good => "良好",
            Band::Fair => "一般",
            Band::Poor => "较差",
        }
    }
}

/// The least index of 优秀, 良好 and 一般.
pub const BAND_KEYS: [&str; 3] = [
    "vanguard.band.excellent",
    "vanguard.band.good",
    "vanguard.band.fair",
];

const SOURCE_VANGUARD: &str = "浙江省党员先锋指数考评做法（桐乡等地）；国办函〔2026〕12号（不以签到、在线时长、点赞转发、学习时长等为考评依据）；分值、上限和档次为本平台默认值（可配置）";

/// The scheme's parameters, version 1 (a part of [`RuleSet::defaults`]).
pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    let p = |key: &str, value: i64, title: String| RuleParam {
        key: key.to_owned(),
        version: 1,
        value,
        effective_from: from,
        title,
        source: SOURCE_VANGUARD.to_owned(),
    };
    let mut out = Vec::new();
    for i in Item::ALL {
        let (points, cap) = i.defaults();
        let what = if i.is_deduction() { "扣" } else { "得" };
        out.push(p(
            i.points_key(),
            points,
            format!("先锋指数：每有一项“{}”{what}{points}分", i.label()),
        ));
        if let (Some(key), Some(cap)) = (i.cap_key(), cap) {
            out.push(p(
                key,
                cap,
                format!("先锋指数：“{}”全年最多得{cap}分", i.label()),
            ));
        }
    }
    for (key, (least, band)) in BAND_KEYS
        .iter()
        .zip([(85, "优秀"), (70, "良好"), (50, "一般")])
    {
        out.push(p(
            key,
            least,
            format!("先锋指数达到此分数为“{band}”（低于“一般”为“较差”）"),
        ));
    }
    out
}

/// The scheme in force on a day.
#[derive(Debug, Clone)]
pub struct VanguardRules {
    pub points: Vec<(Item, Resolved, Option<Resolved>)>,
    pub bands: [Resolved; 3],
}

impl VanguardRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        let points = Item::ALL
            .iter()
            .map(|i| Ok((*i, get(i.points_key())?, i.cap_key().map(get).transpose()?)))
            .collect::<Result<Vec<_>, RuleError>>()?;
        let bands = [get(BAND_KEYS[0])?, get(BAND_KEYS[1])?, get(BAND_KEYS[2])?];
        if bands.windows(2).any(|w| w[0].value <= w[1].value) {
            return Err(RuleError::OutOfRange {
                key: BAND_KEYS[0].to_owned(),
                value: bands[0].value,
                reason: "档次分数线应由优秀到一般递减",
            });
        }
        Ok(VanguardRules { points, bands })
    }

    fn of(&self, i: Item) -> (&Resolved, Option<&Resolved>) {
        let (_, p, c) = self
            .points
            .iter()
            .find(|(x, ..)| *x == i)
            .unwrap_or(&self.points[0]);
        (p, c.as_ref())
    }

    /// The scheme over one quarter: every cap and every band's least index a quarter of the
    /// year's, rounded up (a fact earns what it earns in a year; a quarter holds less). The
    /// rules named stay the year's.
    pub fn for_quarter(&self) -> VanguardRules {
        let quarter = |r: &Resolved| Resolved {
            value: (r.value + 3) / 4,
            rule: r.rule.clone(),
        };
        VanguardRules {
            points: self
                .points
                .iter()
                .map(|(i, p, c)| (*i, p.clone(), c.as_ref().map(quarter)))
                .collect(),
            bands: [
                quarter(&self.bands[0]),
                quarter(&self.bands[1]),
                quarter(&self.bands[2]),
            ],
        }
    }

    pub fn band(&self, total: i64) -> Band {
        match self.bands.iter().position(|b| total >= b.value) {
            Some(0) => Band::Excellent,
            Some(1) => Band::Good,
            Some(_) => Band::Fair,
            None => Band::Poor,
        }
    }
}

/// What an index counts over: a year, or one of its quarters (1–4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    Year(i32),
    Quarter(i32, u32),
}

impl Span {
    /// A year, or its quarter when one is given; none for a quarter outside 1–4.
    pub fn of(year: i32, quarter: Option<u32>) -> Option<Span> {
        match quarter {
            None => Some(Span::Year(year)),
            Some(q @ 1..=4) => Some(Span::Quarter(year, q)),
            Some(_) => None,
        }
    }

    pub fn year(self) -> i32 {
        match self {
            Span::Year(y) | Span::Quarter(y, _) => y,
        }
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        match self {
            Span::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
            Span::Quarter(y, q) => NaiveDate::from_ymd_opt(y, 3 * q - 2, 1),
        }
    }

    pub fn last_day(self) -> Option<NaiveDate> {
        match self {
            Span::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31),
            Span::Quarter(y, 4) => NaiveDate::from_ymd_opt(y, 12, 31),
            Span::Quarter(y, q) => {
                NaiveDate::from_ymd_opt(y, 3 * q + 1, 1).and_then(|d| d.pred_opt())
            }
        }
    }

    /// `2026年度`, `2026年第3季度`.
    pub fn label(self) -> String {
        match self {
            Span::Year(y) => format!("{y}年度"),
            Span::Quarter(y, q) => format!("{y}年第{q}季度"),
        }
    }

    /// The scheme over the span, from the year's.
    pub fn scheme(self, year: &VanguardRules) -> VanguardRules {
        match self {
            Span::Year(_) => year.clone(),
            Span::Quarter(..) => year.for_quarter(),
        }
    }
}

/// Which record a fact is, for the link beside its points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FactRef {
    Meeting { county: i32, id: i64 },
    DuesMonth { month: String },
    Record { county: i32, id: i64 },
    Finding { county: i32, id: i64 },
}

/// One fact of the member's year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    pub item: Item,
    pub on: NaiveDate,
    /// What it was (`2026年3月 主题党日：学习…`).
    pub what: String,
    pub link: FactRef,
}

/// A fact with the points it earned (or cost), and why none when over the cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub fact: Fact,
    pub points: i64,
    pub over_cap: bool,
    pub rule: Arc<RuleRef>,
}

/// A member's 先锋指数 for a span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub lines: Vec<Line>,
    /// Per item: its points (negative for a deduction).
    pub items: Vec<(Item, i64)>,
    pub total: i64,
    pub band: Band,
    pub band_rule: Arc<RuleRef>,
}

/// Counts `facts` (in date order) under the rules: each bonus fact its points until the
/// item's cap, each deduction its points; the band of the total (never below zero).
pub fn evaluate(mut facts: Vec<Fact>, rules: &VanguardRules) -> Evaluation {
    facts.sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.what.cmp(&b.what)));
    let mut items: Vec<(Item, i64)> = Item::ALL.iter().map(|i| (*i, 0)).collect();
    let mut lines = Vec::with_capacity(facts.len());
    for fact in facts {
        let (per, cap) = rules.of(fact.item);
        let slot = items
            .iter_mut()
            .find(|(i, _)| *i == fact.item)
            .map(|(_, p)| p);
        let Some(sum) = slot else { continue };
        let (points, over_cap) = if fact.item.is_deduction() {
            (-per.value, false)
        } else {
            let room = cap.map_or(per.value, |c| (c.value - *sum).clamp(0, per.value));
            (room, room == 0)
        };
        *sum += points;
        lines.push(Line {
            rule: if over_cap {
                cap.map_or_else(|| per.rule.clone(), |c| c.rule.clone())
            } else {
                per.rule.clone()
            },
            fact,
            points,
            over_cap,
        });
    }
    let total = items.iter().map(|(_, p)| p).sum::<i64>().max(0);
    let band = rules.band(total);
    let band_rule = match band {
        Band::Excellent => rules.bands[0].rule.clone(),
        Band::Good => rules.bands[1].rule.clone(),
        Band::Fair | Band::Poor => rules.bands[2].rule.clone(),
    };
    Evaluation {
        lines,
        items,
        total,
        band,
        band_rule,
    }
}

/// A member's total and band from the number of facts of each item, as [`evaluate`] counts
/// them (every fact of an item earns the same points, so a capped item's points are the
/// lesser of its count's and its cap): what a scope's distribution computes for every
/// member without listing their facts.
pub fn score(count: impl Fn(Item) -> i64, rules: &VanguardRules) -> (i64, Band) {
    let total = Item::ALL
        .iter()
        .map(|&i| {
            let (per, cap) = rules.of(i);
            let n = count(i).max(0);
            if i.is_deduction() {
                -per.value * n
            } else {
                cap.map_or(per.value * n, |c| (per.value * n).min(c.value))
            }
        })
        .sum::<i64>()
        .max(0);
    (total, rules.band(total))
}

/// How many members of a scope are in each band: what a branch and the levels above see of
/// the 先锋指数, never a member's name or rank.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct BandCounts {
    /// 优秀, 良好, 一般, 较差, in [`Band::ALL`]'s order.
    pub counts: [u32; 4],
}

impl BandCounts {
    pub fn add(&mut self, band: Band) {
        let i = Band::ALL.iter().position(|b| *b == band).unwrap_or(3);
        self.counts[i] += 1;
    }

    pub fn merge(&mut self, other: &BandCounts) {
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
    }

    pub fn members(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// Each band's share in tenths of a percent of the members (none of an empty scope).
    pub fn permille(&self) -> [Option<u32>; 4] {
        let n = self.members();
        self.counts
            .map(|c| (n > 0).then(|| (u64::from(c) * 1000 / u64::from(n)) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn rules() -> VanguardRules {
        VanguardRules::resolve(&RuleSet::defaults(), d(12, 1)).unwrap()
    }

    fn fact(item: Item, on: NaiveDate, n: i64) -> Fact {
        Fact {
            item,
            on,
            what: format!("{} {n}", item.label()),
            link: FactRef::Record {
                county: 330825,
                id: n,
            },
        }
    }

    #[test]
    fn the_caps_of_the_default_scheme_sum_to_one_hundred() {
        let r = rules();
        let caps: i64 = r
            .points
            .iter()
            .filter_map(|(_, _, c)| c.as_ref())
            .map(|c| c.value)
            .sum();
        assert_eq!(caps, 100);
        assert_eq!(r.band(85), Band::Excellent);
        assert_eq!(r.band(84), Band::Good);
        assert_eq!(r.band(50), Band::Fair);
        assert_eq!(r.band(49), Band::Poor);
    }

    #[test]
    fn every_point_is_a_fact_and_a_cap_stops_the_count_saying_so() {
        // Twenty meetings at 2 points, capped at 30: the sixteenth and later earn nothing.
        let facts: Vec<Fact> = (1..=20)
            .map(|n| fact(Item::Attendance, d(1 + (n as u32 - 1) / 2, 1 + n as u32), n))
            .collect();
        let e = evaluate(facts, &rules());
        assert_eq!(e.total, 30);
        assert_eq!(e.lines.len(), 20, "every fact is listed, counted or not");
        assert_eq!(e.lines.iter().filter(|l| l.over_cap).count(), 5);
        assert!(e.lines.iter().filter(|l| l.over_cap).all(|l| l.points == 0));
        assert_eq!(e.lines.iter().map(|l| l.points).sum::<i64>(), e.total);
        assert!(e.lines[19].rule.key.ends_with(".cap"));
    }

    #[test]
    fn deductions_take_points_away_and_the_total_never_goes_below_zero() {
        let facts = vec![
            fact(Item::Dues, d(1, 31), 1),
            fact(Item::Commitments, d(3, 1), 2),
            fact(Item::Punishment, d(6, 1), 3),
        ];
        let e = evaluate(facts, &rules());
        assert_eq!(
            e.items
                .iter()
                .find(|(i, _)| *i == Item::Punishment)
                .unwrap()
                .1,
            -20
        );
        assert_eq!(e.total, 0, "2 + 4 − 20, floored at zero");
        assert_eq!(e.band, Band::Poor);
    }

    #[test]
    fn every_record_kind_counts_toward_one_item() {
        for k in RecordKind::ALL {
            assert!(Item::ALL.contains(&k.item()));
            assert_eq!(RecordKind::parse(k.code()), Some(k));
        }
        for i in Item::ALL {
            assert!(i.points_key().starts_with("vanguard."));
            assert_eq!(i.cap_key().is_none(), i.is_deduction());
        }
    }

    #[test]
    fn counting_facts_per_item_scores_as_listing_them_does() {
        let r = rules();
        let mut facts: Vec<Fact> = (1..=20)
            .map(|n| fact(Item::Attendance, d(1 + (n as u32 - 1) / 2, 1 + n as u32), n))
            .collect();
        facts.extend((1..=11).map(|n| fact(Item::Dues, d(n as u32, 28), 100 + n)));
        facts.push(fact(Item::CommitmentBroken, d(5, 5), 200));
        facts.push(fact(Item::Service, d(7, 5), 201));
        let e = evaluate(facts.clone(), &r);
        let count = |i: Item| facts.iter().filter(|f| f.item == i).count() as i64;
        assert_eq!(score(count, &r), (e.total, e.band));
        assert_eq!(e.total, 30 + 22 - 4 + 2);
        let many_punishments = |i: Item| i64::from(i == Item::Punishment) * 9;
        assert_eq!(score(many_punishments, &r), (0, Band::Poor));
    }

    #[test]
    fn band_counts_add_up_and_give_shares() {
        let mut c = BandCounts::default();
        for b in [Band::Excellent, Band::Good, Band::Good, Band::Poor] {
            c.add(b);
        }
        assert_eq!(c.counts, [1, 2, 0, 1]);
        assert_eq!(c.permille(), [Some(250), Some(500), Some(0), Some(250)]);
        assert_eq!(BandCounts::default().permille(), [None; 4]);
    }

    #[test]
    fn a_quarter_holds_a_quarter_of_each_cap_and_band() {
        let q = Span::Quarter(2026, 1).scheme(&rules());
        let cap = |i: Item| {
            q.points
                .iter()
                .find(|(x, ..)| *x == i)
                .and_then(|(_, _, c)| c.as_ref())
                .map(|c| c.value)
        };
        assert_eq!(cap(Item::Attendance), Some(8), "30 / 4, rounded up");
        assert_eq!(cap(Item::Dues), Some(6));
        assert_eq!(cap(Item::Punishment), None, "a deduction has no cap");
        assert_eq!(q.band(22), Band::Excellent, "85 / 4 rounded up is 22");
        assert_eq!(q.band(21), Band::Good);
        assert_eq!(q.band(12), Band::Poor, "50 / 4 rounded up is 13");
        let facts: Vec<Fact> = (1..=6)
            .map(|n| fact(Item::Attendance, d(2, n), i64::from(n)))
            .collect();
        assert_eq!(
            evaluate(facts, &q).total,
            8,
            "six meetings in a quarter, capped at 8"
        );
        assert_eq!(Span::Quarter(2026, 2).first_day(), Some(d(4, 1)));
        assert_eq!(Span::Quarter(2026, 2).last_day(), Some(d(6, 30)));
        assert_eq!(Span::Quarter(2026, 4).last_day(), Some(d(12, 31)));
        assert_eq!(Span::of(2026, Some(5)), None);
        assert_eq!(Span::Year(2026).scheme(&rules()).bands[0].value, 85);
    }
}
