//! `GET /stars[?year=2025&step=yours&stars=5&page=2]`: the 双强六好 ratings of a year across
//! the user's scope — how many organizations took part of those rated, each step's count,
//! the confirmed ones by stars, and the assessments themselves by organization, those
//! whose next step is the user's (待我办理) to be found at once. `GET /stars.xlsx` (and
//! `.csv`) is the list the filters keep, in full.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::Datelike;
use liangxin_store::stars::{StarList, StarListLine, Step};

use crate::lists::stars::Filter;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::pages::stars::stars_text;
use crate::view::{Layout, Pager, render};
use crate::{AppState, params};

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub year: Option<String>,
    /// `yours`, or a step's code.
    pub step: Option<String>,
    /// 0 (vetoed) to 5: confirmed ratings of that many stars.
    pub stars: Option<String>,
    pub page: Option<String>,
}

/// The year shown, and the filter.
fn parse(q: &ListQuery) -> Result<(Option<i32>, Filter), WebError> {
    Ok((
        params::year(&q.year, crate::today())?,
        Filter::parse(&q.step, &q.stars)?,
    ))
}

struct Line {
    href: String,
    org_href: String,
    name: String,
    step: &'static str,
    total: String,
    stars: String,
    change: &'static str,
    demonstration: bool,
    yours: bool,
}

/// A count and the list of it.
struct Tally {
    label: String,
    count: usize,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "star_list.html")]
struct ListPage {
    layout: Layout,
    year: i32,
    years: Vec<(i32, String, bool)>,
    eligible: u32,
    taking_part: usize,
    yours: Tally,
    steps: Vec<Tally>,
    stars: Vec<Tally>,
    demonstrations: usize,
    up: usize,
    down: usize,
    all_href: String,
    filtered: bool,
    shown: usize,
    lines: Vec<Line>,
    pager: Pager,
    file_query: String,
}

/// Assessments shown a page: a city has thousands.
const PAGE: usize = 50;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let (year, filter) = parse(&q)?;
    let today = crate::today();
    let all = crate::report::star_list(&state, &auth.scope, year).await?;
    let year = all.year;
    let kept: Vec<&StarListLine> = all.lines.iter().filter(|l| filter.keeps(l)).collect();
    let (step, stars) = match filter {
        Filter::All => (String::new(), String::new()),
        Filter::Yours => ("yours".to_owned(), String::new()),
        Filter::Step(s) => (s.code().to_owned(), String::new()),
        Filter::Stars(n) => (String::new(), n.to_string()),
    };
    let pager = Pager::new(
        "/stars",
        vec![
            ("year", year.to_string()),
            ("step", step.clone()),
            ("stars", stars.clone()),
        ],
        params::page(&q.page)?,
        kept.len(),
        PAGE,
    );
    let tally = |label: String, f: Filter, query: String| Tally {
        label,
        count: all.lines.iter().filter(|l| f.keeps(l)).count(),
        href: format!("/stars?year={year}&{query}"),
        current: filter == f,
    };
    let by_stars = all.confirmed_by_stars();
    let layout = Layout::new(&state, &auth, "双强六好评星", "stars").await?;
    let page = ListPage {
        layout,
        year,
        years: {
            let mut ys = all.years.clone();
            ys.extend([today.year(), today.year() - 1, year]);
            ys.sort_unstable_by(|a, b| b.cmp(a));
            ys.dedup();
            ys.into_iter()
                .map(|y| (y, format!("/stars?year={y}"), y == year))
                .collect()
        },
        eligible: all.eligible,
        taking_part: all.lines.len(),
        yours: tally("待我办理".into(), Filter::Yours, "step=yours".into()),
        steps: Step::ALL
            .into_iter()
            .map(|s| {
                tally(
                    step_label(s).into(),
                    Filter::Step(s),
                    format!("step={}", s.code()),
                )
            })
            .collect(),
        stars: (0..=5u8)
            .rev()
            .filter(|n| by_stars[usize::from(*n)] > 0 || *n > 0)
            .map(|n| tally(stars_text(Some(n)), Filter::Stars(n), format!("stars={n}")))
            .collect(),
        demonstrations: all.lines.iter().filter(|l| l.summary.demonstration).count(),
        up: count_change(&all, liangxin_domain::stars::Change::Up),
        down: count_change(&all, liangxin_domain::stars::Change::Down),
        all_href: format!("/stars?year={year}"),
        filtered: filter != Filter::All,
        shown: kept.len(),
        lines: pager
            .rows(&kept)
            .iter()
            .map(|l| Line {
                href: format!("/stars/{}/{}", l.summary.key.county, l.summary.key.id),
                org_href: format!(
                    "/party-orgs/{}/{}/stars",
                    l.summary.party_org.county, l.summary.party_org.id
                ),
                name: l.party_org_name.clone(),
                step: step_label(l.summary.step),
                total: l.summary.total.map(|t| t.to_string()).unwrap_or_default(),
                stars: if l.summary.step == Step::Confirmed || l.summary.total.is_some() {
                    stars_text(l.summary.stars)
                } else {
                    String::new()
                },
                change: l.summary.change().map_or("", |c| c.label()),
                demonstration: l.summary.demonstration,
                yours: l.yours,
            })
            .collect(),
        pager,
        file_query: format!("year={year}&step={step}&stars={stars}"),
    };
    render(&page)
}

fn count_change(all: &StarList, c: liangxin_domain::stars::Change) -> usize {
    all.lines
        .iter()
        .filter(|l| l.summary.change() == Some(c))
        .count()
}

/// A step as a list names it: where the assessment stands.
fn step_label(s: Step) -> &'static str {
    match s {
        Step::SelfAssessed => "已自评待评分",
        Step::Scored => "已评分待审核",
        Step::Reviewed => "已审核待确认",
        Step::Confirmed => "已确认",
    }
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: ListQuery,
    format: Format,
) -> Result<Response, WebError> {
    let (year, filter) = parse(&q)?;
    let today = crate::today();
    let all = crate::report::star_list(&state, &auth.scope, year).await?;
    let year = all.year;
    let e = Export {
        file_stem: "stars",
        sheet: "双强六好评星",
        title: format!(
            "{year}年度双强六好评星（导出于{}）",
            today.format("%Y年%m月%d日")
        ),
        headers: vec![
            "党组织",
            "环节",
            "总分",
            "星级",
            "较上次",
            "示范点",
            "待我办理",
        ],
    };
    let rows = all
        .lines
        .iter()
        .filter(|l| filter.keeps(l))
        .map(|l| {
            vec![
                Cell::Text(l.party_org_name.clone()),
                Cell::Text(step_label(l.summary.step).into()),
                l.summary
                    .total
                    .map_or(Cell::Text(String::new()), export::int),
                Cell::Text(match (l.summary.step, l.summary.stars) {
                    (Step::Confirmed, Some(0)) => "不评星（一票否决）".into(),
                    (Step::Confirmed, Some(n)) => format!("{n}星"),
                    _ => String::new(),
                }),
                Cell::Text(l.summary.change().map_or("", |c| c.label()).into()),
                Cell::Text(if l.summary.demonstration { "是" } else { "" }.into()),
                Cell::Text(if l.yours { "是" } else { "" }.into()),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

crate::export::file_handlers!(ListQuery);
