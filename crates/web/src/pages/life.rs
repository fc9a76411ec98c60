//! `GET /party-orgs/{county}/{id}/life?year=2026`: one party organization's organizational
//! life for a year — a calendar of what each kind of meeting requires against what was held
//! (monthly, quarterly, yearly cells), the periods missed with the rule that required them,
//! and the meetings recorded.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use liangxin_domain::life::{self, AttendanceRate, LifeFacts, LifeRules, PeriodState};
use liangxin_domain::registry::Key;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, render};

#[derive(Debug, Deserialize)]
pub struct LifeQuery {
    pub year: Option<String>,
}

/// One cell of the calendar: a period of one kind.
struct Cell {
    pub span: u32,
    pub text: String,
    pub class: &'static str,
    pub title: String,
}

struct KindRow {
    pub kind: &'static str,
    pub cadence: &'static str,
    pub cells: Vec<Cell>,
}

struct MeetingRow {
    pub href: String,
    pub date: String,
    pub kind: &'static str,
    pub topic: String,
    pub attendance: String,
    pub notes: String,
}

struct FindingRow {
    pub reason: String,
    pub rule: String,
}

#[derive(Template)]
#[template(path = "life.html")]
struct LifePage {
    layout: Layout,
    name: String,
    year: i32,
    prev: String,
    next: Option<String>,
    back: String,
    record_href: String,
    rows: Vec<KindRow>,
    findings: Vec<FindingRow>,
    meetings: Vec<MeetingRow>,
    /// 出勤率 over the year's meetings.
    rate: String,
    owes_nothing: bool,
}

fn year_bounds(year: i32) -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or_default(),
    )
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<LifeQuery>,
) -> Result<Html<String>, WebError> {
    let today = crate::today();
    let year = crate::life_report::parse_year(q.year.as_deref(), today)?;
    let (from, to) = year_bounds(year);
    let key = Key { county, id };
    let scope = auth.scope.clone();
    let (po, facts, meetings, rules) = state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            let sub = liangxin_store::Scope::subtree(po.path.clone());
            let facts: Option<LifeFacts> = store
                .life_facts(&sub, from, to)?
                .into_iter()
                .find(|f| f.key == key);
            let meetings = store.meetings_of(&scope, key, from, to)?;
            let rules =
                LifeRules::resolve(&store.rule_set()?, today).map_err(WebError::internal)?;
            Ok((po, facts, meetings, rules))
        })
        .await?;
    let compliance = facts.as_ref().map(|f| life::assess(f, &rules, from, to));
    let mut rows = Vec::new();
    let mut findings = Vec::new();
    if let Some(c) = &compliance {
        for (kind, periods) in &c.kinds {
            let freq = rules.frequency(*kind);
            let cells = periods
                .iter()
                .map(|p| {
                    let months = match p.period {
                        liangxin_domain::period::Period::Month { .. } => 1,
                        liangxin_domain::period::Period::Quarter { .. } => 3,
                        liangxin_domain::period::Period::Year(_) => 12,
                    };
                    let (class, state) = match p.state {
                        _ if p.period.first_day() > today => ("future", "未到"),
                        PeriodState::Met => ("met", PeriodState::Met.label()),
                        PeriodState::Missed => ("missed", PeriodState::Missed.label()),
                        PeriodState::Open => ("open", PeriodState::Open.label()),
                    };
                    Cell {
                        span: months,
                        text: format!("{}/{}", p.held, p.required),
                        class,
                        title: format!(
                            "{}：{}，已开{}次，应开{}次",
                            p.period.label_zh(),
                            state,
                            p.held,
                            p.required
                        ),
                    }
                })
                .collect();
            rows.push(KindRow {
                kind: kind.label(),
                cadence: freq.map(|f| f.cadence.label()).unwrap_or(""),
                cells,
            });
        }
        for f in &c.findings {
            findings.push(FindingRow {
                reason: f.reason(),
                rule: format!(
                    "{}（{}，第{}版）",
                    f.rule.title, f.rule.source, f.rule.version
                ),
            });
        }
    }
    let mut rate = AttendanceRate::default();
    for m in &meetings {
        use liangxin_domain::kinds::Attendance;
        rate.add(Attendance::Present, m.counts.0);
        rate.add(Attendance::Excused, m.counts.1);
        rate.add(Attendance::Absent, m.counts.2);
    }
    let meetings = meetings
        .into_iter()
        .map(|m| {
            let mut notes = Vec::new();
            if m.late {
                notes.push("补录");
            }
            match m.quorate {
                Some(true) => notes.push("达到法定人数"),
                Some(false) => notes.push("未达法定人数，不计入"),
                None => {}
            }
            MeetingRow {
                href: format!("/meetings/{}/{}", m.key.county, m.key.id),
                date: m.held_on.format("%Y年%m月%d日").to_string(),
                kind: m.kind.label(),
                topic: m.topic,
                attendance: format!("出席{} 请假{} 缺席{}", m.counts.0, m.counts.1, m.counts.2),
                notes: notes.join("；"),
            }
        })
        .collect();
    let layout = Layout::new(&state, &auth, &format!("{}组织生活", po.name), "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("组织生活")])
        .await?;
    render(&LifePage {
        layout,
        year,
        prev: format!("/party-orgs/{county}/{id}/life?year={}", year - 1),
        next: (year < today.year())
            .then(|| format!("/party-orgs/{county}/{id}/life?year={}", year + 1)),
        back: format!("/party-orgs/{county}/{id}"),
        record_href: format!("/party-orgs/{county}/{id}/meetings/new"),
        owes_nothing: rows.is_empty(),
        rows,
        findings,
        meetings,
        rate: rate.describe(),
        name: po.name,
    })
}
