//! 定期通报: which periods a bulletin covers, how its issues are numbered, and how its
//! rankings place those compared. The figures themselves come from the records (the store
//! gathers them); nothing here is typed by anyone.

use chrono::NaiveDate;
use serde::Serialize;

use crate::audit::AuditKind;
use crate::coverage::Tally;
use crate::effectiveness::Composite;
use crate::period::Period;

/// Why a period cannot have a bulletin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BulletinPeriodError {
    #[error("通报按月或按季度编发，不能是“{0}”")]
    NotMonthOrQuarter(String),
    #[error("{0}尚未开始，不能通报")]
    NotStarted(String),
    #[error("{period}在本级的记录起始日（{start}）之前，没有可通报的记录")]
    BeforeRecords { period: String, start: NaiveDate },
}

/// A month or a quarter that has begun and lies within the records: what a bulletin may be
/// of. Its figures are those at `end`: the period's last day, or today while it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BulletinPeriod {
    pub period: Period,
    pub end: NaiveDate,
}

impl BulletinPeriod {
    pub fn new(
        period: Period,
        today: NaiveDate,
        records_start: NaiveDate,
    ) -> Result<BulletinPeriod, BulletinPeriodError> {
        if matches!(period, Period::Year(_)) {
            return Err(BulletinPeriodError::NotMonthOrQuarter(period.label_zh()));
        }
        if period.first_day() > today {
            return Err(BulletinPeriodError::NotStarted(period.label_zh()));
        }
        if period.last_day() < records_start {
            return Err(BulletinPeriodError::BeforeRecords {
                period: period.label_zh(),
                start: records_start,
            });
        }
        Ok(BulletinPeriod {
            period,
            end: period.last_day().min(today),
        })
    }

    pub fn first_day(&self) -> NaiveDate {
        self.period.first_day()
    }

    /// The previous period's last day: what "较上期" compares with.
    pub fn previous_end(&self) -> NaiveDate {
        self.period.prev().last_day()
    }

    /// 第N期: the month's or the quarter's number in its year. A monthly and a quarterly
    /// series are two series.
    pub fn number(&self) -> u32 {
        match self.period {
            Period::Month { month, .. } => month,
            Period::Quarter { quarter, .. } => quarter,
            Period::Year(_) => 1,
        }
    }

    /// 总M期: the issues of this series from the one of the period holding the records'
    /// start to this one, both counted.
    pub fn total(&self, records_start: NaiveDate) -> u32 {
        let first = match self.period {
            Period::Quarter { .. } => Period::containing_quarter(records_start),
            _ => Period::containing_month(records_start),
        };
        let mut n = 1;
        let mut p = first;
        while p.first_day() < self.period.first_day() {
            p = p.next();
            n += 1;
        }
        n
    }
}

/// Places in a ranking, best first, by `value` as printed to one decimal (higher is better;
/// none is last): equal values share a place, and the next place skips as many (1, 2, 2, 4).
pub fn places<T>(items: &[T], value: impl Fn(&T) -> Option<f64>) -> Vec<u32> {
    let values: Vec<Option<i64>> = items
        .iter()
        .map(|i| value(i).map(|v| (v * 10.0).round() as i64))
        .collect();
    values
        .iter()
        .map(|v| {
            let better = values
                .iter()
                .filter(|o| match (o, v) {
                    (Some(o), Some(v)) => o > v,
                    (Some(_), None) => true,
                    _ => false,
                })
                .count();
            u32::try_from(better).unwrap_or(u32::MAX) + 1
        })
        .collect()
}

/// A ranking as a bulletin prints it: the lines in order, each with its place, best first
/// by `value` among the `ranked` ones; the others follow, in their order, without a place
/// (those outside every town, a city's own organizations).
pub fn ranking<T>(
    lines: &[T],
    ranked: impl Fn(&T) -> bool,
    value: impl Fn(&T) -> Option<f64>,
) -> Vec<(usize, Option<u32>)> {
    let ranks = places(lines, |l| if ranked(l) { value(l) } else { None });
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&i| (!ranked(&lines[i]), ranks[i], i));
    order
        .into_iter()
        .map(|i| (i, ranked(&lines[i]).then_some(ranks[i])))
        .collect()
}

/// A rate in percent, one decimal, or — when nothing was counted.
pub fn percent_text(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{r:.1}%"),
        None => "—".into(),
    }
}

/// A change of a rate in percentage points, as a bulletin says it.
pub fn change_text(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(n), Some(b)) => {
            let d = ((n - b) * 10.0).round() / 10.0;
            if d > 0.0 {
                format!("提高{d:.1}个百分点")
            } else if d < 0.0 {
                format!("下降{:.1}个百分点", -d)
            } else {
                "持平".into()
            }
        }
        _ => "无上期数据".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_period_is_numbered_in_its_year_and_since_the_records_began() {
        let start = day(2025, 1, 15);
        let nov =
            BulletinPeriod::new(Period::month(2026, 11).unwrap(), day(2026, 12, 2), start).unwrap();
        assert_eq!(nov.number(), 11);
        // January 2025 is the first issue; November 2026 the 23rd.
        assert_eq!(nov.total(start), 23);
        assert_eq!(nov.end, day(2026, 11, 30));
        assert_eq!(nov.previous_end(), day(2026, 10, 31));

        let q4 = BulletinPeriod::new(Period::quarter(2026, 4).unwrap(), day(2026, 12, 2), start)
            .unwrap();
        assert_eq!((q4.number(), q4.total(start)), (4, 8));
        assert_eq!(q4.end, day(2026, 12, 2));
        assert_eq!(q4.previous_end(), day(2026, 9, 30));
    }

    #[test]
    fn years_future_periods_and_periods_before_the_records_have_no_bulletin() {
        let today = day(2026, 12, 2);
        let start = day(2025, 1, 15);
        let refuse = |p: Period| BulletinPeriod::new(p, today, start).unwrap_err();
        assert!(matches!(
            refuse(Period::year(2026).unwrap()),
            BulletinPeriodError::NotMonthOrQuarter(_)
        ));
        assert!(matches!(
            refuse(Period::month(2027, 1).unwrap()),
            BulletinPeriodError::NotStarted(_)
        ));
        assert!(matches!(
            refuse(Period::month(2024, 12).unwrap()),
            BulletinPeriodError::BeforeRecords { .. }
        ));
        // The month the records start in has its bulletin.
        assert!(BulletinPeriod::new(Period::month(2025, 1).unwrap(), today, start).is_ok());
    }

    #[test]
    fn equal_values_share_a_place_and_none_comes_last() {
        let v = [Some(90.0), Some(95.0), Some(90.0), None, Some(80.0)];
        assert_eq!(places(&v, |x| *x), vec![2, 1, 2, 5, 4]);
        // Rates equal as printed share a place.
        let v = [Some(90.04), Some(89.96), Some(89.94)];
        assert_eq!(places(&v, |x| *x), vec![1, 1, 3]);
    }

    #[test]
    fn the_unranked_follow_without_a_place() {
        // (ranked, value)
        let v = [
            (true, Some(80.0)),
            (false, Some(99.0)),
            (true, Some(90.0)),
            (true, None),
        ];
        assert_eq!(
            ranking(&v, |x| x.0, |x| x.1),
            vec![(2, Some(1)), (0, Some(2)), (3, Some(3)), (1, None)]
        );
    }

    #[test]
    fn changes_are_said_in_percentage_points() {
        assert_eq!(change_text(Some(61.25), Some(60.0)), "提高1.3个百分点");
        assert_eq!(change_text(Some(60.0), Some(60.04)), "持平");
        assert_eq!(change_text(Some(59.0), Some(60.0)), "下降1.0个百分点");
        assert_eq!(change_text(Some(59.0), None), "无上期数据");
    }
}

/// One compared group's coverage (a county, or a town): at the period's end and at the
/// previous period's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageLine {
    pub name: String,
    /// Compared with the others: not the organizations outside every town (不在园区小镇).
    pub ranked: bool,
    pub now: Tally,
    pub before: Tally,
}

/// One county's organizational life over the period: the meeting periods that ended in it
/// and of those the ones kept (会议应召开的期数、按期召开的期数), by the life rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifeLine {
    pub name: String,
    /// Placed in the ranking (not the organizations outside every town, nor a total).
    pub ranked: bool,
    pub branches: u32,
    pub due: u32,
    pub met: u32,
}

impl LifeLine {
    pub fn rate(&self) -> Option<f64> {
        (self.due > 0).then(|| f64::from(self.met) * 100.0 / f64::from(self.due))
    }
}

/// One group's 成效评估: its composite for the period and the previous period's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectLine {
    pub name: String,
    pub ranked: bool,
    pub now: Composite,
    pub before: Option<f64>,
}

impl EffectLine {
    /// The score's change since the previous period, when both were scored.
    pub fn change(&self) -> Option<f64> {
        Some(self.now.score? - self.before?)
    }
}

/// One county's dues of the period's last month: its members, those without a standard
/// (of whom nothing can be said), and of the others who paid, paid short, did not pay.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct DuesLine {
    pub name: String,
    pub ranked: bool,
    pub members: u32,
    pub without_standard: u32,
    pub paid_members: u32,
    pub short_members: u32,
    pub unpaid_members: u32,
}

impl DuesLine {
    /// Members with a standard for the month: those the rate is of (as the dues pages count).
    pub fn owing(&self) -> u32 {
        self.paid_members + self.short_members + self.unpaid_members
    }

    pub fn rate(&self) -> Option<f64> {
        let owing = self.owing();
        (owing > 0).then(|| f64::from(self.paid_members) * 100.0 / f64::from(owing))
    }
}

/// Audit findings of one kind: raised in the period, closed in it, open at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingLine {
    pub kind: AuditKind,
    pub opened: u32,
    pub closed: u32,
    pub open: u32,
}

/// 随机抽查 rounds published in the period and where they stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct SpotCheckFigures {
    pub rounds: u32,
    pub items: u32,
    pub inspected: u32,
    pub findings_open: u32,
    pub findings_closed: u32,
}

/// 软弱涣散 rectification cases: opened in the period, accepted in it, open at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct RectificationFigures {
    pub opened: u32,
    pub accepted: u32,
    pub open: u32,
}

/// A published exemplar the bulletin names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemplarLine {
    pub party_org: String,
    pub title: String,
    pub summary: String,
    pub published_on: NaiveDate,
}

/// Everything a bulletin says, gathered from the records of a scope for a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BulletinFacts {
    pub period_label: String,
    pub as_of: NaiveDate,
    pub issued_on: NaiveDate,
    pub number: u32,
    pub total_number: u32,
    /// The scope's root: who issues it, and what the figures are of.
    pub office: String,
    /// 送: the root's superior; 发: the organizations directly below it.
    pub sent_to: Vec<String>,
    pub issued_to: Vec<String>,
    /// 县(市、区) for a city, 园区小镇 for a county.
    pub group_label: String,
    pub coverage_total: CoverageLine,
    pub coverage: Vec<CoverageLine>,
    pub life_total: LifeLine,
    pub life: Vec<LifeLine>,
    pub dues_month: String,
    pub dues_total: DuesLine,
    pub dues: Vec<DuesLine>,
    pub findings: Vec<FindingLine>,
    pub spot_checks: SpotCheckFigures,
    /// The 双强六好 year rated, the organizations eligible, and the confirmed ratings by
    /// stars (`[0]` vetoed).
    pub stars_year: i32,
    pub stars_eligible: u32,
    pub stars: [u32; 6],
    pub rectifications: RectificationFigures,
    /// Exemplars published in the period; the latest of them named.
    pub exemplars_published: u32,
    pub exemplars: Vec<ExemplarLine>,
    /// The towns and parks of the scope by coverage.
    pub towns: Vec<CoverageLine>,
    /// 成效评估 of each group, in the order of `coverage`.
    pub effectiveness: Vec<EffectLine>,
}
