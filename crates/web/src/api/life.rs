//! `GET /api/v1/life?year=2026&page=1`: the organizational life of the caller's scope for a
//! year, every party organization that owes meetings, worst first.

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
use crate::life_report::{life_report, parse_year};
use crate::params;

const PAGE_SIZE: usize = 100;

#[derive(Debug, Deserialize)]
pub struct LifeQuery {
    pub year: Option<String>,
    pub page: Option<String>,
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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LifeOut {
    pub year: i32,
    pub as_of: String,
    pub total: usize,
    pub complete: usize,
    pub missed_periods: u32,
    /// Periods met among those ended, in percent.
    pub rate: Option<f64>,
    pub page: usize,
    pub items: Vec<BranchLifeOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/life",
    params(
        ("year" = Option<i32>, Query, minimum = 2000, description = "年份，默认今年"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100个党组织"),
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
        let same = crate::pages::life_overview::LifeQuery {
            year: q.year,
            page: None,
            missed: None,
        };
        return Ok(crate::pages::life_overview::export(state, auth, same, format).await?);
    }
    let today = crate::today();
    let year = parse_year(q.year.as_deref(), today)?;
    let page = usize::try_from(params::page(&q.page)?).unwrap_or(1);
    let r = life_report(&state, auth.scope.clone(), year).await?;
    Ok(Json(LifeOut {
        year,
        as_of: r.as_of.to_string(),
        total: r.rows.len(),
        complete: r.complete(),
        missed_periods: r.missed(),
        rate: r.rate().map(|v| (v * 100.0).round() / 100.0),
        page,
        items: r
            .rows
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
            })
            .collect(),
    })
    .into_response())
}
