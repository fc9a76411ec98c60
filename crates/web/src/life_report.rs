//! The organizational-life roll-up of a user's scope for a year: every party organization
//! that owes meetings, assessed by the compliance engine, worst first. Shared by the
//! `/life` page and `/api/v1/life`.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::MeetingKind;
use liangxin_domain::life::{self, LifeRules};
use liangxin_domain::registry::Key;
use liangxin_store::Scope;

use crate::AppState;
use crate::error::WebError;

/// One party organization's year.
#[derive(Debug, Clone)]
pub struct BranchLife {
    pub key: Key,
    pub name: String,
    /// Periods that have ended, and of those met, over every owed kind.
    pub ended: u32,
    pub met: u32,
    /// Missed periods by kind.
    pub missed: Vec<(MeetingKind, u32)>,
    pub meetings: u32,
}

impl BranchLife {
    pub fn missed_total(&self) -> u32 {
        self.missed.iter().map(|m| m.1).sum()
    }

    /// "主题党日3期、党课1期"
    pub fn missed_text(&self) -> String {
        self.missed
            .iter()
            .map(|(k, n)| format!("{}{n}期", k.label()))
            .collect::<Vec<_>>()
            .join("、")
    }
}

#[derive(Debug, Clone)]
pub struct LifeReport {
    pub year: i32,
    pub as_of: NaiveDate,
    /// Worst first (most missed periods), then by name.
    pub rows: Vec<BranchLife>,
}

impl LifeReport {
    /// Organizations with no missed period.
    pub fn complete(&self) -> usize {
        self.rows.iter().filter(|r| r.missed.is_empty()).count()
    }

    pub fn missed(&self) -> u32 {
        self.rows.iter().map(BranchLife::missed_total).sum()
    }

    /// Periods met among those ended, in percent.
    pub fn rate(&self) -> Option<f64> {
        let (ended, met) = self.rows.iter().fold((0u64, 0u64), |(e, m), r| {
            (e + u64::from(r.ended), m + u64::from(r.met))
        });
        (ended > 0).then(|| met as f64 * 100.0 / ended as f64)
    }
}

pub async fn life_report(
    state: &Arc<AppState>,
    scope: Scope,
    year: i32,
) -> Result<LifeReport, WebError> {
    let today = crate::today();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    state
        .pool
        .run(move |store| {
            let rules =
                LifeRules::resolve(&store.rule_set()?, today).map_err(WebError::internal)?;
            let facts = store.life_facts(&scope, from, to)?;
            let mut rows: Vec<BranchLife> = facts
                .iter()
                .map(|f| {
                    let c = life::assess(f, &rules, from, to);
                    let (ended, met) = c.ended();
                    let mut missed: Vec<(MeetingKind, u32)> = Vec::new();
                    for finding in &c.findings {
                        match missed.iter_mut().find(|m| m.0 == finding.kind) {
                            Some(m) => m.1 += 1,
                            None => missed.push((finding.kind, 1)),
                        }
                    }
                    BranchLife {
                        key: f.key,
                        name: f.name.clone(),
                        ended,
                        met,
                        missed,
                        meetings: u32::try_from(f.meetings.len()).unwrap_or(u32::MAX),
                    }
                })
                .collect();
            rows.sort_by(|a, b| {
                b.missed_total()
                    .cmp(&a.missed_total())
                    .then_with(|| a.name.cmp(&b.name))
                    .then_with(|| a.key.cmp(&b.key))
            });
            Ok(LifeReport {
                year,
                as_of: today,
                rows,
            })
        })
        .await
}

/// The `missed` filter of a list: `none` (no missed period, 无缺项), `some` (有缺项), or
/// every organization.
pub fn parse_missed(s: Option<&str>) -> Result<Option<bool>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("none") => Ok(Some(false)),
        Some("some") => Ok(Some(true)),
        Some(_) => Err(WebError::bad_field(
            "缺项",
            "应为 none（无缺项）或 some（有缺项）",
        )),
    }
}

impl BranchLife {
    /// Whether the organization is in the list `missed` (see [`parse_missed`]) asks for.
    pub fn listed(&self, missed: Option<bool>) -> bool {
        missed.is_none_or(|some| some != self.missed.is_empty())
    }
}

/// The year of a query: 2000 to this year, default this year.
pub fn parse_year(s: Option<&str>, today: NaiveDate) -> Result<i32, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(today.year()),
        Some(y) => match y.parse::<i32>() {
            Ok(y) if (2000..=today.year()).contains(&y) => Ok(y),
            _ => Err(WebError::bad_field(
                "year",
                format!("应为2000到{}之间的年份", today.year()),
            )),
        },
    }
}
