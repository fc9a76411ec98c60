//! `GET /api/v1/gaps`: the 覆盖检修 list of the caller's scope, paged.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use liangxin_domain::coverage::Subject;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiQuery, ExportQuery};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::gaps::{self, GapsQuery, filtered, subject_label};
use crate::report::scope_report;

const PAGE_SIZE: usize = 100;

#[derive(Debug, Serialize, ToSchema)]
pub struct GapOut {
    /// organization | party_org
    pub subject: &'static str,
    pub subject_label: &'static str,
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub action: &'static str,
    pub action_label: &'static str,
    pub reason: String,
    pub rule_key: String,
    pub rule_version: i32,
    pub rule_source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GapsOut {
    pub total: usize,
    pub page: usize,
    pub page_size: usize,
    pub items: Vec<GapOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/gaps",
    params(
        ("action" = inline(Option<crate::api::doc::GapAction>), Query, description = "set_up_own_branch, join_joint_branch, assign_instructor …"),
        ("county" = Option<String>, Query, pattern = "^[1-9][0-9]{5}$", description = "6位行政区划代码"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，从1开始"),
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：按相同筛选导出全部行（文件，不分页）")
    ),
    responses(
        (status = 200, description = "需要行动的单位和党组织；format=csv 或 xlsx 时为文件", content((GapsOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(raw): ApiQuery<GapsQuery>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if let Some(format) = file.format(&auth)? {
        return Ok(gaps::export(state, auth, raw.check()?, format).await?);
    }
    let p = raw.check()?;
    let sr = scope_report(&state, auth.scope.clone(), None).await?;
    let all = filtered(&sr, &p);
    let items = all
        .iter()
        .skip((p.page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|f| {
            let (subject, key) = match f.subject {
                Subject::Organization { key } => ("organization", key),
                Subject::PartyOrg { key } => ("party_org", key),
            };
            GapOut {
                subject,
                subject_label: subject_label(f),
                county: key.county,
                id: key.id,
                name: f.name.clone(),
                action: f.action.code(),
                action_label: f.action.label(),
                reason: f.reason.clone(),
                rule_key: f.rule.key.clone(),
                rule_version: f.rule.version,
                rule_source: f.rule.source.clone(),
            }
        })
        .collect();
    Ok(Json(GapsOut {
        total: all.len(),
        page: p.page,
        page_size: PAGE_SIZE,
        items,
    })
    .into_response())
}
