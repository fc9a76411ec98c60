//! `GET /api/v1/organizations`: the caller's organizations with their coverage state, paged.

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
use crate::lists::organizations::{self, ListQuery, PAGE_SIZE, load_page, state_view};

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub credit_code: Option<String>,
    pub credit_code_check_failed: bool,
    pub county_name: String,
    pub zone_name: Option<String>,
    pub employees: Option<i32>,
    /// 组织覆盖 | 工作覆盖 | 空白
    pub coverage_state: &'static str,
    pub actions: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgsOut {
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub items: Vec<OrgOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/organizations",
    params(
        ("q" = Option<String>, Query, min_length = 1, description = "名称或信用代码的一部分"),
        ("county" = Option<String>, Query, pattern = "^[1-9][0-9]{5}$", description = "6位行政区划代码"),
        ("kind" = inline(Option<crate::api::doc::OrgKind>), Query, description = "enterprise, social_group, social_service, foundation, other_social"),
        ("zone" = Option<String>, Query, pattern = "^([1-9][0-9]{0,17}|none)$", description = "园区小镇编号，或 none（不在任何园区小镇）"),
        ("sector" = inline(Option<crate::api::doc::Sector>), Query, description = "行业代码（如 manufacturing），或 none（未标注行业）"),
        ("state" = inline(Option<crate::api::doc::UnitState>), Query, description = "覆盖状态：organization（组织覆盖）、work（工作覆盖，含组织覆盖）、work_only（仅工作覆盖）、gap（空白）；与驾驶舱的数字同一口径"),
        ("action" = inline(Option<crate::api::doc::UnitAction>), Query, description = "应采取行动：any（任一行动，即需要行动的单位）或行动代码，如 assign_instructor"),
        ("sort" = inline(Option<crate::api::doc::OrgSort>), Query, description = "name, county, employees；前加 - 为倒序"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，从1开始"),
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：按相同筛选导出全部行（文件，不分页）")
    ),
    responses(
        (status = 200, description = "两新组织；format=csv 或 xlsx 时为文件", content((OrgsOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(raw): ApiQuery<ListQuery>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if let Some(format) = file.format(&auth)? {
        return Ok(organizations::export(state, auth, raw.check()?, format).await?);
    }
    let p = raw.check()?;
    let (total, rows) = load_page(&state, &auth, &p).await?;
    Ok(Json(OrgsOut {
        total,
        page: p.page,
        page_size: PAGE_SIZE,
        items: rows
            .into_iter()
            .map(|a| OrgOut {
                county: a.row.key.county,
                id: a.row.key.id,
                kind: a.row.kind.code(),
                credit_code: a.row.credit_code,
                credit_code_check_failed: a.row.credit_code_check_failed,
                county_name: a.row.county_name,
                zone_name: a.row.zone_name,
                employees: a.row.employees,
                coverage_state: state_view(a.state).0,
                actions: a.actions,
                name: a.row.name,
            })
            .collect(),
    })
    .into_response())
}
