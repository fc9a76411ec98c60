//! `GET /api/v1/coverage/trend`: the caller's scope's coverage at each month's end over the
//! last twelve months, computed from the dated records (as the dashboard draws it).

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::report::scope_trend;

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendPointOut {
    /// The month's last day (today for the current month).
    pub on: String,
    pub total: u64,
    /// 组织覆盖
    pub organization_covered: u64,
    /// 工作覆盖 (without a party organization's members)
    pub work_covered: u64,
    /// 空白
    pub gap: u64,
    /// 组织覆盖率 in percent; null when nothing existed.
    pub organization_rate: Option<f64>,
    /// 工作覆盖率 in percent (organizational coverage included).
    pub work_rate: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrendOut {
    pub points: Vec<TrendPointOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/coverage/trend",
    responses(
        (status = 200, description = "近12个月每月末的覆盖情况", body = TrendOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<TrendOut>, ApiError> {
    let trend = scope_trend(&state, auth.scope.clone()).await?;
    let round = |x: Option<f64>| x.map(|v| (v * 100.0).round() / 100.0);
    Ok(Json(TrendOut {
        points: trend
            .iter()
            .map(|p| TrendPointOut {
                on: p.on.to_string(),
                total: p.total,
                organization_covered: p.organization_covered,
                work_covered: p.work_covered,
                gap: p.gap,
                organization_rate: round(p.organization_rate()),
                work_rate: round(p.work_rate()),
            })
            .collect(),
    }))
}
