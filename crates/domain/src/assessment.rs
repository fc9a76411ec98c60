//! 考核清单 (三单一表之三): the yearly assessment of counties (by the city) and of towns and
//! parks (by their county). Its criteria are of two kinds: those the records compute (the
//! 成效评估's, weighted by versioned rules) and those the assessor enters with evidence
//! (defined for the year by the city, each version kept). The computed score adds both over
//! the points they could reach; the final score (最终得分) is the assessor's decision, kept
//! apart from it: a final that differs from the computed score, or replaces an earlier final,
//! says why.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::effectiveness::Composite;

/// Entered criteria's points together at most: the records' criteria weigh 100.
pub const ENTERED_POINTS_MAX: u32 = 100;

/// Who is assessed: a county by its city, a town or park by its county.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Assessee {
    /// 县（市、区）, by its code.
    County(i32),
    /// 园区小镇, by its id.
    Zone(i64),
}

impl Assessee {
    /// `county`, `zone`: the kind as paths and the tables carry it.
    pub const fn kind(self) -> &'static str {
        match self {
            Assessee::County(_) => "county",
            Assessee::Zone(_) => "zone",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Assessee::County(c) => i64::from(c),
            Assessee::Zone(z) => z,
        }
    }

    /// From the kind and id as stored or in a path.
    pub fn parse(kind: &str, id: i64) -> Option<Assessee> {
        match kind {
            "county" => i32::try_from(id)
                .ok()
                .filter(|c| (100_000..1_000_000).contains(c) && c % 100 != 0)
                .map(Assessee::County),
            "zone" => (id > 0).then_some(Assessee::Zone(id)),
            _ => None,
        }
    }

    /// Its page: `/assessment/county/330825`.
    pub fn path(self) -> String {
        format!("/assessment/{}/{}", self.kind(), self.id())
    }
}

/// A score in tenths of a point, as the forms take it (`8.5`) and the tables keep it (85).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Tenths(pub u32);

impl Tenths {
    /// `8`, `8.5`: at most one decimal, at most `max` points.
    pub fn parse(s: &str, max: u32) -> Result<Tenths, AssessmentError> {
        let s = s.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, "0"));
        let digits =
            |d: &str| !d.is_empty() && d.len() <= 4 && d.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || frac.len() != 1 || !digits(frac) {
            return Err(AssessmentError::NotAScore);
        }
        let t =
            whole.parse::<u32>().unwrap_or(u32::MAX / 20) * 10 + frac.parse::<u32>().unwrap_or(0);
        if t > max * 10 {
            return Err(AssessmentError::AboveMax(max));
        }
        Ok(Tenths(t))
    }

    /// Rounded from points to the nearest tenth.
    pub fn of(points: f64) -> Tenths {
        Tenths((points.max(0.0) * 10.0).round() as u32)
    }

    pub fn points(self) -> f64 {
        f64::from(self.0) / 10.0
    }
}

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("应为分数，至多一位小数，如 8 或 8.5")]
    NotAScore,
    #[error("不能超过{0}分")]
    AboveMax(u32),
    #[error("应为2至32个小写字母、数字或下划线，以字母开头，如 brand")]
    BadCode,
    #[error("尚有{0}项录入指标未评分：各项评完才能确定最终得分")]
    Incomplete(usize),
    #[error("最终得分与计算得分{computed}不同，应说明理由")]
    DiffersUnexplained { computed: Tenths },
    #[error("改定已确定的最终得分{previous}，应说明理由")]
    ChangeUnexplained { previous: Tenths },
    #[error("与已确定的最终得分相同，理由也相同：无需重复确定")]
    Unchanged,
    #[error("改定最终得分应写明这次改定的理由，不能沿用上次的理由")]
    ReasonReused,
    #[error("没有可计分的指标，不能确定最终得分")]
    NothingToScore,
}

/// A criterion's code, stable across its versions: lowercase ASCII, digits, `_`.
pub fn parse_code(s: &str) -> Result<String, AssessmentError> {
    let s = s.trim();
    let ok = (2..=32).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    ok.then(|| s.to_owned()).ok_or(AssessmentError::BadCode)
}

/// A criterion the assessor enters, one version of it for a year. Points 0: withdrawn
/// from that version on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnteredCriterion {
    pub id: i64,
    pub year: i32,
    pub code: String,
    pub version: i32,
    pub label: String,
    /// 分值: the most it scores.
    pub points: u32,
    /// 评分标准: how the assessor scores it.
    pub guide: String,
    /// 依据: the document it comes from.
    pub source: String,
    pub adopted_on: NaiveDate,
}

/// An entered score: the latest of its criterion for the group, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnteredScore {
    /// The version of the criterion it was entered under.
    pub criterion_id: i64,
    pub criterion_version: i32,
    pub points: Tenths,
    pub evidence: String,
    pub entered_on: NaiveDate,
    pub entered_by: String,
    /// Scores entered before it for the same criterion and group (corrections).
    pub earlier: u32,
}

/// An entered criterion of a sheet: the version in force and the score, if any. A score
/// entered under an earlier version does not count: the criterion changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnteredLine {
    pub criterion: EnteredCriterion,
    pub score: Option<EnteredScore>,
}

impl EnteredLine {
    /// The score that counts: one entered under the version in force.
    pub fn counted(&self) -> Option<Tenths> {
        self.score
            .as_ref()
            .filter(|s| s.criterion_id == self.criterion.id)
            .map(|s| s.points)
    }

    /// A score entered under an earlier version of the criterion.
    pub fn stale(&self) -> bool {
        self.score
            .as_ref()
            .is_some_and(|s| s.criterion_id != self.criterion.id)
    }
}

/// A final score as decided: append-only, the latest counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalScore {
    pub score: Tenths,
    /// The computed score on the day it was decided.
    pub computed: Tenths,
    pub reason: String,
    pub decided_on: NaiveDate,
    pub decided_by: String,
    /// Finals decided before it (changes).
    pub earlier: u32,
}

/// A group's 考核 sheet for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    pub assessee: Assessee,
    pub name: String,
    pub computed: Composite,
    pub entered: Vec<EnteredLine>,
    pub last_final: Option<FinalScore>,
}

impl Sheet {
    /// Entered criteria without a score that counts.
    pub fn missing(&self) -> usize {
        self.entered
            .iter()
            .filter(|l| l.counted().is_none())
            .count()
    }

    /// Points scored: the records' (weight × rate) and the entered ones.
    pub fn points(&self) -> f64 {
        self.computed.points
            + self
                .entered
                .iter()
                .filter_map(EnteredLine::counted)
                .map(Tenths::points)
                .sum::<f64>()
    }

    /// Points that could be reached: the weights of the records' criteria counted and the
    /// entered criteria's points.
    pub fn reachable(&self) -> u32 {
        self.computed.weights_counted + self.entered.iter().map(|l| l.criterion.points).sum::<u32>()
    }

    /// 计算得分 out of 100, once every entered criterion is scored.
    pub fn score(&self) -> Option<Tenths> {
        let reachable = self.reachable();
        (self.missing() == 0 && reachable > 0)
            .then(|| Tenths::of(self.points() / f64::from(reachable) * 100.0))
    }

    /// "计算得分 = 得分合计 81.5 ÷ 可得分 120 × 100 = 67.9".
    pub fn explain(&self) -> String {
        match self.score() {
            Some(s) => format!(
                "计算得分 = 得分合计{:.1} ÷ 可得分{} × 100 = {s}",
                self.points(),
                self.reachable()
            ),
            None if self.missing() > 0 => {
                format!("尚有{}项录入指标未评分，暂不计算", self.missing())
            }
            None => "没有可计分的指标".into(),
        }
    }

    /// Whether `score` with `reason` may be decided as the final score now.
    pub fn check_final(&self, score: Tenths, reason: &str) -> Result<(), AssessmentError> {
        let computed = match self.score() {
            Some(c) => c,
            None if self.missing() > 0 => {
                return Err(AssessmentError::Incomplete(self.missing()));
            }
            None => return Err(AssessmentError::NothingToScore),
        };
        let reason = reason.trim();
        if let Some(prev) = &self.last_final {
            if prev.score == score && prev.reason == reason && prev.computed == computed {
                return Err(AssessmentError::Unchanged);
            }
            if prev.score != score {
                if reason.is_empty() {
                    return Err(AssessmentError::ChangeUnexplained {
                        previous: prev.score,
                    });
                }
                if reason == prev.reason {
                    return Err(AssessmentError::ReasonReused);
                }
            }
        }
        if reason.is_empty() && score != computed {
            return Err(AssessmentError::DiffersUnexplained { computed });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::effectiveness::{Count, Criterion, EffectivenessRules, composite};
    use crate::rules::RuleSet;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn criterion(id: i64, points: u32) -> EnteredCriterion {
        EnteredCriterion {
            id,
            year: 2026,
            code: format!("c{id}"),
            version: 1,
            label: "党建品牌".into(),
            points,
            guide: String::new(),
            source: String::new(),
            adopted_on: day(),
        }
    }

    fn score(criterion_id: i64, t: u32) -> EnteredScore {
        EnteredScore {
            criterion_id,
            criterion_version: 1,
            points: Tenths(t),
            evidence: "材料".into(),
            entered_on: day(),
            entered_by: "user:1".into(),
            earlier: 0,
        }
    }

    fn sheet(entered: Vec<EnteredLine>) -> Sheet {
        let rules = EffectivenessRules::resolve(&RuleSet::defaults(), day()).unwrap();
        // 25 × 80% + 20 × 50%: 30 points of the 45 counted.
        let computed = composite(
            &[
                (Criterion::WorkCoverage, Count { part: 8, whole: 10 }),
                (Criterion::Life, Count { part: 1, whole: 2 }),
            ],
            &rules,
        );
        Sheet {
            assessee: Assessee::County(330825),
            name: "龙游县".into(),
            computed,
            entered,
            last_final: None,
        }
    }

    #[test]
    fn scores_parse_in_tenths_up_to_the_criterions_points() {
        assert_eq!(Tenths::parse("8.5", 10), Ok(Tenths(85)));
        assert_eq!(Tenths::parse(" 10 ", 10), Ok(Tenths(100)));
        assert_eq!(Tenths::parse("0", 10), Ok(Tenths(0)));
        assert_eq!(
            Tenths::parse("10.1", 10),
            Err(AssessmentError::AboveMax(10))
        );
        for bad in ["", "-1", "8.55", "8.", ".5", "八", "1e3", "99999999"] {
            assert!(Tenths::parse(bad, 10).is_err(), "{bad}");
        }
        assert_eq!(Tenths(85).to_string(), "8.5");
        assert_eq!(Tenths::of(67.94), Tenths(679));
    }

    #[test]
    fn codes_are_lowercase_words() {
        assert_eq!(parse_code(" brand_1 "), Ok("brand_1".into()));
        for bad in ["b", "Brand", "1brand", "品牌", "brand-1", &"a".repeat(33)] {
            assert!(parse_code(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Assessee::parse("county", 330825),
            Some(Assessee::County(330825))
        );
        assert_eq!(Assessee::parse("county", 330800), None);
        assert_eq!(Assessee::parse("zone", 0), None);
        assert_eq!(Assessee::parse("town", 3), None);
    }

    #[test]
    fn the_computed_score_adds_entered_points_over_what_could_be_reached() {
        let s = sheet(vec![
            EnteredLine {
                criterion: criterion(1, 10),
                score: Some(score(1, 85)),
            },
            EnteredLine {
                criterion: criterion(2, 5),
                score: None,
            },
        ]);
        assert_eq!(s.missing(), 1);
        assert_eq!(s.score(), None);
        assert!(s.explain().contains("尚有1项"));
        assert_eq!(
            s.check_final(Tenths(700), "x"),
            Err(AssessmentError::Incomplete(1))
        );

        let mut s = s;
        s.entered[1].score = Some(score(2, 50));
        // (30 + 8.5 + 5) ÷ (45 + 10 + 5) × 100 = 72.5
        assert_eq!(s.reachable(), 60);
        assert_eq!(s.score(), Some(Tenths(725)));
        assert_eq!(
            s.explain(),
            "计算得分 = 得分合计43.5 ÷ 可得分60 × 100 = 72.5"
        );

        // A score entered under an earlier version of its criterion does not count.
        s.entered[1].criterion.id = 3;
        assert!(s.entered[1].stale());
        assert_eq!(s.score(), None);
    }

    #[test]
    fn a_final_apart_from_the_computed_score_or_changed_says_why() {
        let mut s = sheet(vec![EnteredLine {
            criterion: criterion(1, 10),
            score: Some(score(1, 100)),
        }]);
        // (30 + 10) ÷ 55 × 100 = 72.7
        let computed = s.score().unwrap();
        assert_eq!(computed, Tenths(727));
        assert_eq!(s.check_final(computed, ""), Ok(()));
        assert_eq!(
            s.check_final(Tenths(750), " "),
            Err(AssessmentError::DiffersUnexplained { computed })
        );
        assert_eq!(s.check_final(Tenths(750), "获市级表彰加分"), Ok(()));

        s.last_final = Some(FinalScore {
            score: computed,
            computed,
            reason: String::new(),
            decided_on: day(),
            decided_by: "user:1".into(),
            earlier: 0,
        });
        assert_eq!(s.check_final(computed, ""), Err(AssessmentError::Unchanged));
        assert_eq!(
            s.check_final(Tenths(700), ""),
            Err(AssessmentError::ChangeUnexplained { previous: computed })
        );
        assert_eq!(s.check_final(Tenths(700), "复核扣分"), Ok(()));
        s.last_final.as_mut().unwrap().reason = "复核扣分".into();
        assert_eq!(
            s.check_final(Tenths(690), "复核扣分"),
            Err(AssessmentError::ReasonReused)
        );
        s.entered.clear();
        s.computed.weights_counted = 0;
        assert_eq!(
            s.check_final(Tenths(0), ""),
            Err(AssessmentError::NothingToScore)
        );
    }
}
