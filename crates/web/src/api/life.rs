//! `GET /api/v1/life?year=2026&page=1`: the organizational life of the caller's scope for a
//! year, every party organization that owes meetings, worst first; `missed` and `due` list
//! the organizations behind each figure (`lists`).

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiQuery, ExportQuery};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::life_report::{BranchLife, LifeFilter, life_report, parse_year};
use crate::params;

const PAGE_SIZE: usize = 100;

#[derive(Debug, Deserialize)]
pub struct LifeQuery {
    pub year: Option<String>,
    pub page: Option<String>,
    pub missed: Option<String>,
    pub due: Option<String>,
    /// Part of a party organization's name.
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MissedOut {
    /// Meeting kind code.
    pub kind: &'static str,
    pub periods: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BranchLifeOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub meetings: u32,
    /// Periods ended, and of those met.
    pub periods_ended: u32,
    pub periods_met: u32,
    pub missed: Vec<MissedOut>,
    /// Kind codes whose running period is still owed today (本期尚未召开).
    pub open_now: Vec<&'static str>,
}

/// Where each figure's organizations are: `GET` of each answers a list whose `total` is
/// the figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct LifeLists {
    pub organizations: String,
    pub complete: String,
    pub incomplete: String,
    pub open_now: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LifeOut {
    pub year: i32,
    pub as_of: String,
    /// The organizations the filters list (all pages); without filters, every one.
    pub total: usize,
    /// Of the scope: organizations that owe meetings, those with no missed period, those
    /// with one, and those with a meeting of the running period still owed.
    pub organizations: usize,
    pub complete: usize,
    pub incomplete: usize,
    pub open_now: usize,
    pub missed_periods: u32,
    /// Periods met among those ended, in percent.
    pub rate: Option<f64>,
    pub page: usize,
    pub lists: LifeLists,
    pub items: Vec<BranchLifeOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/life",
    params(
        ("year" = Option<i32>, Query, minimum = 2000, description = "年份，默认今年"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100个党组织"),
        ("missed" = inline(Option<crate::api::doc::LifeMissed>), Query, description = "none：无缺项的党组织；some：有缺项的"),
        ("due" = inline(Option<crate::api::doc::LifeDue>), Query, description = "now：本期尚有会议未召开的党组织"),
        ("name" = Option<String>, Query, min_length = 1, max_length = 50, description = "党组织名称中的字词"),
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：按相同筛选导出全部行（文件，不分页）")
    ),
    responses(
        (status = 200, description = "组织生活落实情况；format=csv 或 xlsx 时为文件", content((LifeOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<LifeQuery>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if let Some(format) = file.format(&auth)? {
        let year = parse_year(q.year.as_deref(), crate::today())?;
        let list = LifeFilter::parse(q.missed.as_deref(), q.due.as_deref())?;
        let name = params::name_part(&q.name, "党组织名称")?;
        return Ok(crate::life_report::export(state, auth, year, list, name, format).await?);
    }
    let today = crate::today();
    let year = parse_year(q.year.as_deref(), today)?;
    let page = usize::try_from(params::page(&q.page)?).unwrap_or(1);
    let list = LifeFilter::parse(q.missed.as_deref(), q.due.as_deref())?;
    let r = life_report(&state, auth.scope.clone(), year).await?;
    let name = params::name_part(&q.name, "党组织名称")?;
    let listed: Vec<&BranchLife> = r
        .rows
        .iter()
        .filter(|b| list.holds(b) && b.named(&name))
        .collect();
    let url = |missed: Option<bool>, open_now: bool| {
        let q = LifeFilter { missed, open_now }.query();
        format!("/api/v1/life?year={year}{q}")
    };
    Ok(Json(LifeOut {
        year,
        as_of: r.as_of.to_string(),
        total: listed.len(),
        organizations: r.rows.len(),
        complete: r.complete(),
        incomplete: r.rows.len() - r.complete(),
        open_now: r.rows.iter().filter(|b| !b.open_now.is_empty()).count(),
        missed_periods: r.missed(),
        rate: r.rate().map(|v| (v * 100.0).round() / 100.0),
        page,
        lists: LifeLists {
            organizations: url(None, false),
            complete: url(Some(false), false),
            incomplete: url(Some(true), false),
            open_now: url(None, true),
        },
        items: listed
            .iter()
            .skip((page - 1) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|b| BranchLifeOut {
                county: b.key.county,
                id: b.key.id,
                name: b.name.clone(),
                meetings: b.meetings,
                periods_ended: b.ended,
                periods_met: b.met,
                missed: b
                    .missed
                    .iter()
                    .map(|(k, n)| MissedOut {
                        kind: k.code(),
                        periods: *n,
                    })
                    .collect(),
                open_now: b.open_now.iter().map(|k| k.code()).collect(),
            })
            .collect(),
    })
    .into_response())
}
