//! 双强六好 评星晋级: a party organization's yearly star rating from a scheme of
//! indicators (rule data: each indicator's points, the score bands of the stars), in the
//! 湖州 practice's four steps — the organization's self-assessment with evidence, the town
//! or zone 党工委's scoring, the county 两新工委's review, the city's confirmation.
//!
//! The indicators the records can answer (meetings held, dues paid, the committee in post
//! and in term, the 民主评议 held, findings closed, archives complete) are computed from
//! them when the town scores and cannot be typed over; the others (发展强 and the 好 the
//! records cannot see) are scored by the town with a note, and the county may adjust them
//! with its reason. A one-vote veto (一票否决) leaves the organization unrated that year.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::{Resolved, RuleError, RuleParam, RuleRef, RuleSet};

/// Where an indicator's points come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed from the records; nobody types it.
    Records,
    /// Scored by the town with a note (the organization's self-score beside it).
    Assessed,
}

/// One indicator of the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Meetings,
    Dues,
    Committee,
    Appraisal,
    Findings,
    Archives,
    Production,
    Culture,
    Labor,
    Reputation,
    Vanguard,
}

impl Indicator {
    pub const ALL: [Indicator; 11] = [
        Indicator::Meetings,
        Indicator::Dues,
        Indicator::Committee,
        Indicator::Appraisal,
        Indicator::Findings,
        Indicator::Archives,
        Indicator::Production,
        Indicator::Culture,
        Indicator::Labor,
        Indicator::Reputation,
        Indicator::Vanguard,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Indicator::Meetings => "meetings",
            Indicator::Dues => "dues",
            Indicator::Committee => "committee",
            Indicator::Appraisal => "appraisal",
            Indicator::Findings => "findings",
            Indicator::Archives => "archives",
            Indicator::Production => "production",
            Indicator::Culture => "culture",
            Indicator::Labor => "labor",
            Indicator::Reputation => "reputation",
            Indicator::Vanguard => "vanguard",
        }
    }

    pub fn parse(code: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Indicator::Meetings => "组织生活按期开展",
            Indicator::Dues => "党费按月足额交纳",
            Indicator::Committee => "书记在任、班子在任期内",
            Indicator::Appraisal => "按时开展民主评议党员",
            Indicator::Findings => "排查问题及时整改销号",
            Indicator::Archives => "党员档案齐全",
            Indicator::Production => "生产经营（业务发展）好",
            Indicator::Culture => "企业（组织）文化好",
            Indicator::Labor => "劳动关系和谐",
            Indicator::Reputation => "社会评价好",
            Indicator::Vanguard => "党员先锋作用发挥好",
        }
    }

    /// 双强 and 六好: which it counts toward.
    pub const fn heading(self) -> &'static str {
        match self {
            Indicator::Meetings | Indicator::Dues | Indicator::Findings => "党建强",
            Indicator::Committee => "党组织班子好",
            Indicator::Appraisal | Indicator::Archives | Indicator::Vanguard => "党员队伍好",
            Indicator::Production => "发展强（生产经营好）",
            Indicator::Culture => "企业文化好",
            Indicator::Labor => "劳动关系好",
            Indicator::Reputation => "社会评价好",
        }
    }

    pub const fn source(self) -> Source {
        match self {
            Indicator::Meetings
            | Indicator::Dues
            | Indicator::Committee
            | Indicator::Appraisal
            | Indicator::Findings
            | Indicator::Archives => Source::Records,
            _ => Source::Assessed,
        }
    }

    /// The rule parameter holding its points.
    pub const fn rule_key(self) -> &'static str {
        match self {
            Indicator::Meetings => "stars.points.meetings",
            Indicator::Dues => "stars.points.dues",
            Indicator::Committee => "stars.points.committee",
            Indicator::Appraisal => "stars.points.appraisal",
            Indicator::Findings => "stars.points.findings",
            Indicator::Archives => "stars.points.archives",
            Indicator::Production => "stars.points.production",
            Indicator::Culture => "stars.points.culture",
            Indicator::Labor => "stars.points.labor",
            Indicator::Reputation => "stars.points.reputation",
            Indicator::Vanguard => "stars.points.vanguard",
        }
    }

    const fn default_points(self) -> i64 {
        match self {
            Indicator::Meetings => 15,
            Indicator::Dues | Indicator::Committee | Indicator::Findings => 10,
            Indicator::Appraisal | Indicator::Archives => 5,
            Indicator::Production => 15,
            Indicator::Culture | Indicator::Labor | Indicator::Reputation => 8,
            Indicator::Vanguard => 6,
        }
    }
}

/// 一票否决: what leaves an organization unrated for the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Veto {
    /// 发生重大安全生产事故
    SafetyAccident,
    /// 党组织书记或班子成员受到党纪政务处分
    Discipline,
    /// 发生重大劳资纠纷或群体性事件
    LaborDispute,
    /// 违法违规经营被查处
    Illegal,
}

impl Veto {
    pub const ALL: [Veto; 4] = [
        Veto::SafetyAccident,
        Veto::Discipline,
        Veto::LaborDispute,
        Veto::Illegal,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Veto::SafetyAccident => "safety_accident",
            Veto::Discipline => "discipline",
            Veto::LaborDispute => "labor_dispute",
            Veto::Illegal => "illegal",
        }
    }

    pub fn parse(code: &str) -> Option<Veto> {
        Veto::ALL.into_iter().find(|v| v.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Veto::SafetyAccident => "发生重大安全生产事故",
            Veto::Discipline => "党组织书记或班子成员受到党纪政务处分",
            Veto::LaborDispute => "发生重大劳资纠纷或群体性事件",
            Veto::Illegal => "违法违规经营被查处",
        }
    }
}

const SOURCE_STARS: &str = "浙江省“双强六好”非公企业党组织评星晋级（湖州做法）；指标分值和星级分数线为本平台默认值（可配置）";

/// The keys of the score bands: the least score of 2, 3, 4 and 5 stars.
pub const BAND_KEYS: [&str; 4] = [
    "stars.band.two",
    "stars.band.three",
    "stars.band.four",
    "stars.band.five",
];

/// The scheme's parameters, version 1 (a part of [`RuleSet::defaults`]).
pub fn default_params(from: NaiveDate) -> Vec<RuleParam> {
    let p = |key: &str, value: i64, title: String| RuleParam {
        key: key.to_owned(),
        version: 1,
        value,
        effective_from: from,
        title,
        source: SOURCE_STARS.to_owned(),
    };
    let mut out: Vec<RuleParam> = Indicator::ALL
        .iter()
        .map(|i| {
            let how = match i.source() {
                Source::Records => "从记录计算",
                Source::Assessed => "小镇园区党工委评分",
            };
            p(
                i.rule_key(),
                i.default_points(),
                format!("评星指标“{}”（{}）的分值，{how}", i.label(), i.heading()),
            )
        })
        .collect();
    for (stars, (key, least)) in (2..=5).zip(BAND_KEYS.iter().zip([60, 70, 80, 90])) {
        out.push(p(
            key,
            least,
            format!("总分达到此分数评为{stars}星（不足最低分数线为1星）"),
        ));
    }
    out
}

/// The scheme in force on a day.
#[derive(Debug, Clone)]
pub struct StarRules {
    pub points: Vec<(Indicator, Resolved)>,
    /// The least score of 2, 3, 4 and 5 stars.
    pub bands: [Resolved; 4],
}

impl StarRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        let points = Indicator::ALL
            .iter()
            .map(|i| Ok((*i, get(i.rule_key())?)))
            .collect::<Result<Vec<_>, RuleError>>()?;
        let bands = [
            get(BAND_KEYS[0])?,
            get(BAND_KEYS[1])?,
            get(BAND_KEYS[2])?,
            get(BAND_KEYS[3])?,
        ];
        if bands.windows(2).any(|w| w[0].value >= w[1].value) {
            return Err(RuleError::OutOfRange {
                key: BAND_KEYS[0].to_owned(),
                value: bands[0].value,
                reason: "星级分数线应由低到高递增",
            });
        }
        Ok(StarRules { points, bands })
    }

    pub fn max(&self, i: Indicator) -> &Resolved {
        &self
            .points
            .iter()
            .find(|(x, _)| *x == i)
            .unwrap_or(&self.points[0])
            .1
    }

    /// Stars for a total: 1 below the least band, up to 5.
    pub fn stars(&self, total: i64) -> u8 {
        1 + u8::try_from(self.bands.iter().filter(|b| total >= b.value).count()).unwrap_or(0)
    }
}

/// What the records say of an organization's year, for the indicators they answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordFacts {
    /// Periods of organizational life ended, and of those met (its branches' together).
    pub periods: (u32, u32),
    /// Months' 交纳率 averaged, in percent; none when no member had a standard.
    pub dues_percent: Option<u32>,
    pub secretary_in_post: bool,
    /// The term in force (or not elected: appointed by the level above).
    pub term_in_force: bool,
    /// A 民主评议 round of the year closed.
    pub appraisal_closed: bool,
    pub open_findings: u32,
    /// 信息完整度, mean percent; none when it has no member.
    pub archive_percent: Option<u32>,
}

/// One indicator's points, with how they were reached and the rule giving the most.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemScore {
    pub indicator: Indicator,
    pub points: i64,
    pub max: i64,
    pub explanation: String,
    pub rule: Arc<RuleRef>,
}

fn share(max: i64, part: u32, whole: u32) -> i64 {
    if whole == 0 {
        return max;
    }
    max * i64::from(part.min(whole)) / i64::from(whole)
}

/// The indicators the records answer, scored from them.
pub fn record_scores(f: &RecordFacts, rules: &StarRules) -> Vec<ItemScore> {
    Indicator::ALL
        .iter()
        .filter(|i| i.source() == Source::Records)
        .map(|&i| {
            let r = rules.max(i);
            let max = r.value;
            let (points, explanation) = match i {
                Indicator::Meetings => {
                    let (ended, met) = f.periods;
                    (
                        share(max, met, ended),
                        if ended == 0 {
                            "本年度尚无到期的组织生活".to_owned()
                        } else {
                            format!("到期{ended}期，按期开展{met}期")
                        },
                    )
                }
                Indicator::Dues => match f.dues_percent {
                    Some(p) => (share(max, p, 100), format!("各月党费交纳率平均{p}%")),
                    None => (0, "没有党员的党费交纳标准".to_owned()),
                },
                Indicator::Committee => {
                    let half = max / 2;
                    let mut p = 0;
                    let mut said = Vec::new();
                    if f.secretary_in_post {
                        p += max - half;
                        said.push("书记在任");
                    } else {
                        said.push("书记空缺");
                    }
                    if f.term_in_force {
                        p += half;
                        said.push("班子在任期内");
                    } else {
                        said.push("任期届满未换届");
                    }
                    (p, said.join("，"))
                }
                Indicator::Appraisal => {
                    if f.appraisal_closed {
                        (max, "本年度民主评议已唱票公告".to_owned())
                    } else {
                        (0, "本年度未完成民主评议投票".to_owned())
                    }
                }
                Indicator::Findings => (
                    (max - i64::from(f.open_findings)).max(0),
                    format!("未销号问题{}条，每条扣1分", f.open_findings),
                ),
                Indicator::Archives => match f.archive_percent {
                    Some(p) => (share(max, p, 100), format!("信息完整度平均{p}%")),
                    None => (0, "没有党员档案记录".to_owned()),
                },
                _ => (0, String::new()),
            };
            ItemScore {
                indicator: i,
                points,
                max,
                explanation,
                rule: r.rule.clone(),
            }
        })
        .collect()
}

/// Whether a rating went up, down or stayed, against the last confirmed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// 首次评星
    First,
    /// 晋级
    Up,
    /// 降级
    Down,
    /// 保持
    Same,
}

impl Change {
    pub fn between(previous: Option<u8>, now: u8) -> Change {
        match previous {
            None => Change::First,
            Some(p) if now > p => Change::Up,
            Some(p) if now < p => Change::Down,
            Some(_) => Change::Same,
        }
    }

    /// The API's code.
    pub const fn code(self) -> &'static str {
        match self {
            Change::First => "first",
            Change::Up => "up",
            Change::Down => "down",
            Change::Same => "same",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Change::First => "首次评星",
            Change::Up => "晋级",
            Change::Down => "降级",
            Change::Same => "保持",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> StarRules {
        StarRules::resolve(
            &RuleSet::defaults(),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn the_default_scheme_sums_to_one_hundred_and_bands_rise() {
        let r = rules();
        assert_eq!(r.points.iter().map(|(_, p)| p.value).sum::<i64>(), 100);
        assert_eq!(r.stars(59), 1);
        assert_eq!(r.stars(60), 2);
        assert_eq!(r.stars(89), 4);
        assert_eq!(r.stars(90), 5);
        assert_eq!(r.stars(100), 5);
        for (i, p) in &r.points {
            assert_eq!(p.rule.key, i.rule_key());
        }
    }

    #[test]
    fn record_items_follow_the_facts() {
        let r = rules();
        let f = RecordFacts {
            periods: (20, 15),
            dues_percent: Some(90),
            secretary_in_post: false,
            term_in_force: true,
            appraisal_closed: true,
            open_findings: 3,
            archive_percent: None,
        };
        let s = record_scores(&f, &r);
        let of = |i| s.iter().find(|x| x.indicator == i).unwrap().points;
        assert_eq!(of(Indicator::Meetings), 11, "15 × 15/20, rounded down");
        assert_eq!(of(Indicator::Dues), 9);
        assert_eq!(of(Indicator::Committee), 5, "no 书记: half");
        assert_eq!(of(Indicator::Appraisal), 5);
        assert_eq!(of(Indicator::Findings), 7);
        assert_eq!(of(Indicator::Archives), 0);
        assert!(s.iter().all(|x| x.indicator.source() == Source::Records));
        assert_eq!(s.len(), 6);
    }

    #[test]
    fn bands_out_of_order_are_refused() {
        let mut params = RuleSet::defaults().params().to_vec();
        for p in &mut params {
            if p.key == BAND_KEYS[1] {
                p.value = 50;
            }
        }
        assert!(
            StarRules::resolve(
                &RuleSet::new(params),
                NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
            )
            .is_err()
        );
    }

    #[test]
    fn a_change_is_against_the_last_confirmed_rating() {
        assert_eq!(Change::between(None, 3), Change::First);
        assert_eq!(Change::between(Some(3), 4), Change::Up);
        assert_eq!(Change::between(Some(3), 2), Change::Down);
        assert_eq!(Change::between(Some(3), 3), Change::Same);
    }
}
