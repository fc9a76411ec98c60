//! 定期通报 on pages.
//!
//! - `GET /bulletin?period=`: the month's (`2026-11`) or quarter's (`2026-Q4`) bulletin of
//!   the scope as it will print, computed from the records; last month's by default.
//! - `GET /bulletin.docx?period=`: the same as a GB/T 9704-2012 .docx.
//! - `GET /bulletin.xlsx?period=`: its tables, the annex.
//! - `GET /effectiveness?period=`: the 成效评估 of the bulletin's groups, ranked, every
//!   point explained.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use liangxin_docs::brief::{Block, Brief};
use liangxin_domain::period::Period;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::lists::bulletin::{BulletinQuery, code, period_of};
use crate::view::{Layout, render};

async fn brief(state: &Arc<AppState>, auth: &Auth, period: Period) -> Result<Brief, WebError> {
    let facts = crate::report::bulletin(state, &auth.scope, period).await?;
    Ok(liangxin_docs::bulletin::compose(&facts))
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    layout: Layout,
    period: String,
    label: String,
    last_month: String,
    last_quarter: String,
    brief: Brief,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&q)?;
    let brief = brief(&state, &auth, period).await?;
    let today = crate::today();
    let page = BulletinPage {
        layout: Layout::new(&state, &auth, "定期通报", "bulletin").await?,
        period: code(period),
        label: period.label_zh(),
        last_month: code(Period::containing_month(today).prev()),
        last_quarter: code(Period::containing_quarter(today).prev()),
        brief,
    };
    Ok(render(&page)?.into_response())
}

fn attachment(content_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn docx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&q)?;
    let brief = brief(&state, &auth, period).await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        format!("bulletin-{}.docx", code(period)),
        liangxin_docs::brief::write(&brief),
    ))
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&q)?;
    let brief = brief(&state, &auth, period).await?;
    let bytes = liangxin_docs::brief::annex(&brief).map_err(WebError::internal)?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        format!("bulletin-{}.xlsx", code(period)),
        bytes,
    ))
}

/// One group's 成效评估 as the page explains it.
struct EffectRow {
    rank: String,
    name: String,
    score: String,
    change: String,
    lines: Vec<String>,
    total: String,
}

#[derive(Template)]
#[template(path = "effectiveness.html")]
struct EffectivenessPage {
    layout: Layout,
    period: String,
    label: String,
    group: String,
    as_of: String,
    rules: Vec<String>,
    rows: Vec<EffectRow>,
}

/// `GET /effectiveness?period=`: the 成效评估 of the scope's counties (or towns) for the
/// period, ranked, every point explained and every weight's rule named.
pub async fn effectiveness(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, WebError> {
    let period = period_of(&q)?;
    let f = crate::report::bulletin(&state, &auth.scope, period).await?;
    let rows: Vec<EffectRow> =
        liangxin_domain::bulletin::ranking(&f.effectiveness, |l| l.ranked, |l| l.now.score)
            .into_iter()
            .map(|(i, place)| {
                let l = &f.effectiveness[i];
                EffectRow {
                    rank: place.map_or("—".into(), |p| p.to_string()),
                    name: l.name.clone(),
                    score: l.now.score.map_or("—".into(), |s| format!("{s:.1}")),
                    change: l
                        .change()
                        .map_or("无上期数据".into(), |d| format!("{d:+.1}")),
                    lines: l.now.components.iter().map(|c| c.explain()).collect(),
                    total: l.now.explain(),
                }
            })
            .collect();
    let rules = f
        .effectiveness
        .first()
        .map(|l| {
            l.now
                .components
                .iter()
                .map(|c| {
                    format!(
                        "{}：权重{}（{}@{}，{}）",
                        c.criterion.label(),
                        c.weight,
                        c.rule.key,
                        c.rule.version,
                        c.rule.source
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let page = EffectivenessPage {
        layout: Layout::new(&state, &auth, "成效评估", "effectiveness").await?,
        period: code(period),
        label: period.label_zh(),
        group: f.group_label.clone(),
        as_of: f.as_of.format("%Y年%m月%d日").to_string(),
        rules,
        rows,
    };
    Ok(render(&page)?.into_response())
}
