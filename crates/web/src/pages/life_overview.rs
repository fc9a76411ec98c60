//! `GET /life?year=2026[&page=2]`: the organizational life of every party organization in
//! the scope that owes meetings, for a year: periods met against ended, the periods missed
//! by kind, worst first, each a link to its calendar. `missed=none|some` lists the
//! organizations without or with a missed period, `due=now` those with a meeting of the
//! running period still owed: the figures' lists (see [`LifeFilter`]).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::Datelike;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::Format;
use crate::life_report::{self, LifeFilter, life_report, open_now_text, parse_year};
use crate::params;
use crate::view::{Figure, Layout, Pager, count, query, rate, render};

const PAGE_SIZE: usize = 50;

#[derive(Debug, Deserialize)]
pub struct LifeQuery {
    pub year: Option<String>,
    pub page: Option<String>,
    pub missed: Option<String>,
    pub due: Option<String>,
    /// Part of a party organization's name.
    pub name: Option<String>,
}

struct Row {
    href: String,
    name: String,
    meetings: u32,
    rate: String,
    missed: u32,
    missed_text: String,
    open_now: String,
}

#[derive(Template)]
#[template(path = "life_overview.html")]
struct OverviewPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    organizations: Figure,
    complete: Figure,
    incomplete: Figure,
    missed: String,
    rate: String,
    /// The organizations listed below (all pages), and what they are.
    listed: u64,
    listed_text: String,
    /// The list's filters as a query string, for its files.
    files: String,
    name: String,
    pager: Pager,
    rows: Vec<Row>,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<LifeQuery>,
) -> Result<Html<String>, WebError> {
    let today = crate::today();
    let year = parse_year(q.year.as_deref(), today)?;
    let page = params::page(&q.page)?;
    let list = LifeFilter::parse(q.missed.as_deref(), q.due.as_deref())?;
    let name = params::name_part(&q.name, "党组织名称")?;
    let report = life_report(&state, auth.scope.clone(), year).await?;
    let listed: Vec<_> = report
        .rows
        .iter()
        .filter(|r| list.holds(r) && r.named(&name))
        .collect();
    let mut fields = vec![("year", year.to_string())];
    fields.extend(list.fields());
    fields.push(("name", name.clone().unwrap_or_default()));
    let pager = Pager::new("/life", fields, page, listed.len(), PAGE_SIZE);
    let figure = |n: usize, filter: &str| Figure {
        text: count(n as u64, "个"),
        n: n as u64,
        href: Some(format!("/life?year={year}{filter}")),
    };
    let complete = report.complete();
    let rows = pager
        .rows(&listed)
        .iter()
        .map(|r| Row {
            href: format!("/party-orgs/{}/{}/life?year={year}", r.key.county, r.key.id),
            name: r.name.clone(),
            meetings: r.meetings,
            rate: rate((r.ended > 0).then(|| f64::from(r.met) * 100.0 / f64::from(r.ended))),
            missed: r.missed_total(),
            missed_text: r.missed_text(),
            open_now: open_now_text(r),
        })
        .collect();
    let layout = Layout::new(&state, &auth, "组织生活", "life").await?;
    render(&OverviewPage {
        layout,
        year,
        years: (today.year() - 2..=today.year()).rev().collect(),
        organizations: figure(report.rows.len(), ""),
        complete: figure(complete, "&missed=none"),
        incomplete: figure(report.rows.len() - complete, "&missed=some"),
        missed: count(u64::from(report.missed()), "期"),
        rate: rate(report.rate()),
        listed: listed.len() as u64,
        listed_text: list.describe().to_owned(),
        files: query(&pager.fields),
        name: name.unwrap_or_default(),
        pager,
        rows,
    })
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: LifeQuery,
    format: Format,
) -> Result<Response, WebError> {
    let year = parse_year(q.year.as_deref(), crate::today())?;
    let list = LifeFilter::parse(q.missed.as_deref(), q.due.as_deref())?;
    let name = params::name_part(&q.name, "党组织名称")?;
    life_report::export(state, auth, year, list, name, format).await
}

crate::export::file_handlers!(LifeQuery);
