//! The organizational-life roll-up of a user's scope for a year: every party organization
//! that owes meetings, assessed by the compliance engine, worst first. Shared by the
//! `/life` page and `/api/v1/life`.

use std::sync::Arc;

use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::MeetingKind;
use liangxin_domain::life::{self, LifeRules};
use liangxin_domain::registry::Key;
use liangxin_store::Scope;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::report;

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
    /// Kinds whose running period is still owed today (本期尚未召开), for this year.
    pub open_now: Vec<MeetingKind>,
    pub meetings: u32,
}

impl BranchLife {
    /// Whether the name holds the part searched for (every name without one).
    pub fn named(&self, part: &Option<String>) -> bool {
        part.as_ref().is_none_or(|p| self.name.contains(p.as_str()))
    }

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

/// The scope's year, computed once per change of the records.
pub async fn life_report(
    state: &Arc<AppState>,
    scope: Scope,
    year: i32,
) -> Result<Arc<LifeReport>, WebError> {
    let key = report::records_key(state, &scope, year).await?;
    state
        .reports
        .life
        .get(key, || compute(state, scope, year))
        .await
}

async fn compute(state: &Arc<AppState>, scope: Scope, year: i32) -> Result<LifeReport, WebError> {
    let today = crate::today();
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
    state
        .pool
        .read(move |store| {
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
                        open_now: c.running_open(today).into_iter().map(|(k, _)| k).collect(),
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

/// Which organizations a list holds: by `missed` — `none` (no missed period, 无缺项),
/// `some` (有缺项) — and with `due=now` only those with a meeting of the running period
/// still owed (本期尚未召开, the 待办's list); both may be given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LifeFilter {
    pub missed: Option<bool>,
    pub open_now: bool,
}

impl LifeFilter {
    pub fn parse(missed: Option<&str>, due: Option<&str>) -> Result<LifeFilter, WebError> {
        let missed = match missed.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some("none") => Some(false),
            Some("some") => Some(true),
            Some(_) => {
                return Err(WebError::bad_field(
                    "缺项",
                    "应为 none（无缺项）或 some（有缺项）",
                ));
            }
        };
        let open_now = match due.map(str::trim).filter(|s| !s.is_empty()) {
            None => false,
            Some("now") => true,
            Some(_) => return Err(WebError::bad_field("本期待开", "应为 now（本期尚未召开）")),
        };
        Ok(LifeFilter { missed, open_now })
    }

    /// The filter's fields that are set.
    pub fn fields(self) -> Vec<(&'static str, String)> {
        let mut f = Vec::new();
        match self.missed {
            None => {}
            Some(false) => f.push(("missed", "none".to_owned())),
            Some(true) => f.push(("missed", "some".to_owned())),
        }
        if self.open_now {
            f.push(("due", "now".to_owned()));
        }
        f
    }

    /// The filter as a query string to append ("&missed=some&due=now", or nothing).
    pub fn query(self) -> String {
        self.fields()
            .into_iter()
            .map(|(k, v)| format!("&{k}={v}"))
            .collect()
    }

    /// What the list holds, in words.
    pub fn describe(self) -> &'static str {
        match (self.missed, self.open_now) {
            (None, false) => "应开展组织生活的党组织",
            (Some(false), false) => "无缺项的党组织",
            (Some(true), false) => "有缺项的党组织",
            (None, true) => "本期尚有会议未召开的党组织",
            (Some(false), true) => "无缺项、本期尚有会议未召开的党组织",
            (Some(true), true) => "有缺项、本期尚有会议未召开的党组织",
        }
    }

    /// Whether `row` is in the list.
    pub fn holds(self, row: &BranchLife) -> bool {
        self.missed.is_none_or(|some| some != row.missed.is_empty())
            && (!self.open_now || !row.open_now.is_empty())
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

/// A year's list as a file: the organizations the filter and the part of a name keep,
/// those that missed most first.
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    year: i32,
    list: LifeFilter,
    name: Option<String>,
    format: Format,
) -> Result<Response, WebError> {
    let report = life_report(&state, auth.scope.clone(), year).await?;
    let e = Export {
        file_stem: "life",
        sheet: "组织生活",
        title: format!(
            "{year}年“三会一课”等制度落实情况（截至{}，缺项多的在前）",
            report.as_of.format("%Y年%m月%d日")
        ),
        headers: vec![
            "党组织",
            "会议记录",
            "已到期期次",
            "已完成期次",
            "完成率",
            "未完成期次",
            "缺项",
            "本期待开",
        ],
    };
    // Read whole by the report (one row a party organization that owes meetings).
    let rows = report
        .rows
        .iter()
        .filter(|r| list.holds(r) && r.named(&name))
        .map(|r| {
            vec![
                r.name.clone().into(),
                export::int(r.meetings),
                export::int(r.ended),
                export::int(r.met),
                Cell::Percent((r.ended > 0).then(|| f64::from(r.met) * 100.0 / f64::from(r.ended))),
                export::int(r.missed_total()),
                r.missed_text().into(),
                open_now_text(r).into(),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

/// "党员大会、党课" (the kinds whose running period is still owed).
pub fn open_now_text(r: &BranchLife) -> String {
    r.open_now
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("、")
}
