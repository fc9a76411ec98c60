//! `GET /party-orgs/{county}/{id}/vanguard[?year=2026]`: the 党员先锋指数 of a party
//! organization's members by band (优秀 / 良好 / 一般 / 较差), for the whole subtree, its own
//! members and each organization directly under it — what a branch and the levels above
//! see. No member is named and nothing is ranked: a member's index is on their own page.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::registry::Key;
use liangxin_domain::vanguard::{Band, BandCounts};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, render};

/// One row of the table: who, how many, and each band's count and share.
struct Row {
    name: String,
    href: Option<String>,
    members: u32,
    bands: Vec<String>,
}

fn row(name: String, href: Option<String>, c: &BandCounts) -> Row {
    Row {
        name,
        href,
        members: c.members(),
        bands: c
            .counts
            .iter()
            .zip(c.permille())
            .map(|(n, p)| match p {
                Some(p) => format!("{n}（{}.{}%）", p / 10, p % 10),
                None => "—".to_owned(),
            })
            .collect(),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct BandsQuery {
    pub year: Option<i32>,
    pub page: Option<String>,
}

#[derive(Template)]
#[template(path = "vanguard_bands.html")]
struct BandsPage {
    layout: Layout,
    name: String,
    year: i32,
    years: Vec<i32>,
    action: String,
    span: String,
    heads: Vec<&'static str>,
    rows: Vec<Row>,
    rules: Vec<String>,
    pager: crate::view::Pager,
}

/// Organizations below a page shows (a county committee has hundreds).
const ROWS_PER_PAGE: usize = 50;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<BandsQuery>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let today = crate::today();
    let this = today.year();
    let year = q.year.unwrap_or(this).clamp(this - 5, this);
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(today)
        .min(today);
    let scope = auth.scope.clone();
    let name = state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            Ok(po.name)
        })
        .await?;
    // Kept per records version: the city's is every member's year counted.
    let scope = auth.scope.clone();
    let d = crate::report::from_records(
        &state,
        &state.reports.vanguard,
        &auth.scope,
        (key, year),
        move |store| Ok(store.vanguard_distribution(&scope, key, from, to)?),
    )
    .await?;
    let layout = Layout::new(&state, &auth, "党员先锋指数分布", "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("党员先锋指数分布")])
        .await?;
    let mut rows = vec![row("合计".to_owned(), None, &d.all)];
    if d.own.members() > 0 && !d.children.is_empty() {
        rows.push(row("本级直属党员".to_owned(), None, &d.own));
    }
    let pager = crate::view::Pager::new(
        &format!("/party-orgs/{county}/{id}/vanguard"),
        vec![("year", year.to_string())],
        crate::params::page(&q.page)?,
        d.children.len(),
        ROWS_PER_PAGE,
    );
    rows.extend(pager.rows(&d.children).iter().map(|(k, name, c)| {
        row(
            name.clone(),
            Some(format!(
                "/party-orgs/{}/{}/vanguard?year={year}",
                k.county, k.id
            )),
            c,
        )
    }));
    let page = BandsPage {
        layout,
        name,
        year,
        years: (this - 2..=this).rev().collect(),
        action: format!("/party-orgs/{county}/{id}/vanguard"),
        span: format!(
            "{}至{}",
            from.format("%Y年%m月%d日"),
            to.format("%Y年%m月%d日")
        ),
        heads: Band::ALL.iter().map(|b| b.label()).collect(),
        rows,
        rules: d
            .band_rules
            .iter()
            .map(|r| format!("{}：{}（{}，第{}版）", r.key, r.title, r.source, r.version))
            .collect(),
        pager,
    };
    Ok(render(&page)?.into_response())
}
