//! `GET /api/v1/floating?all=1`: the floating members (流动党员) whose home branch or host
//! lies in the caller's scope (a member: their own), those away first.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiQuery, ExportQuery};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::floating::{self, FloatingQuery};

#[derive(Debug, Serialize, ToSchema)]
pub struct FloatingOut {
    pub id: i64,
    pub member_name: String,
    /// Masked: the region code (first six) and the check character (last).
    pub resident_id_masked: String,
    pub home_name: String,
    pub host_name: Option<String>,
    pub destination: String,
    pub certificate_no: Option<String>,
    pub certificate_valid_until: Option<String>,
    pub certificate_valid: bool,
    pub by_letter: bool,
    pub out_on: String,
    pub back_on: Option<String>,
    /// Whether the caller's scope holds the home branch (流出) or the host (流入).
    pub home_side: bool,
    pub host_side: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FloatingListOut {
    /// The floating members the filters list (all pages).
    pub total: usize,
    pub page: i64,
    pub items: Vec<FloatingOut>,
}

/// Floating members a page of the API holds.
const PAGE_SIZE: usize = 100;

#[utoipa::path(
    get,
    path = "/api/v1/floating",
    params(
        ("all" = Option<String>, Query, min_length = 1, description = "非空时含已返回的"),
        ("side" = Option<String>, Query, pattern = "^(out|in)$", description = "out：流出（组织关系在本范围）；in：流入（本范围协助管理）；不填为两者"),
        ("name" = Option<String>, Query, min_length = 1, max_length = 50, description = "党员姓名中的字词"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100名"),
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：按相同筛选导出全部行（文件，不分页）")
    ),
    responses(
        (status = 200, description = "流动党员；format=csv 或 xlsx 时为文件", content((FloatingListOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<FloatingQuery>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if let Some(format) = file.format(&auth)? {
        return Ok(floating::export(state, auth, q.check()?, format).await?);
    }
    let search = q.check()?;
    let found = floating::read(&state, &auth, search.all).await?;
    let today = crate::today();
    let listed: Vec<_> = found.iter().filter(|v| search.holds(v)).collect();
    let offset = usize::try_from(search.page - 1).unwrap_or(0) * PAGE_SIZE;
    let items: Vec<FloatingOut> = listed
        .iter()
        .skip(offset)
        .take(PAGE_SIZE)
        .map(|v| FloatingOut {
            id: v.id,
            member_name: v.member_name.clone(),
            resident_id_masked: v.resident_id_masked.clone(),
            home_name: v.home_name.clone(),
            host_name: v.host_name.clone(),
            destination: v.destination.clone(),
            certificate_no: v.certificate_no.clone(),
            certificate_valid_until: v.certificate_valid_until.map(|d| d.to_string()),
            certificate_valid: v.certificate_valid(today),
            by_letter: v.letter.is_some(),
            out_on: v.out_on.to_string(),
            back_on: v.back_on.map(|d| d.to_string()),
            home_side: v.home_side,
            host_side: v.host_side,
        })
        .collect();
    Ok(Json(FloatingListOut {
        total: listed.len(),
        page: search.page,
        items,
    })
    .into_response())
}
