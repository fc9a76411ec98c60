//! `GET /api/v1/zones`: the parks and characteristic towns of the caller's scope, with their
//! class (一镇一策) and their organizations' coverage.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use liangxin_domain::coverage::{GroupBy, GroupKey};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::coverage::TallyOut;
use crate::api::extract::{ApiQuery, ExportQuery};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::report::scope_report;

#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneOut {
    pub id: i64,
    /// Local code (parks and towns have no national code).
    pub code: String,
    pub name: String,
    /// 特色小镇、园区、楼宇、市场 (code).
    pub kind: &'static str,
    /// 一镇一策 class (code), if classed.
    pub class: Option<&'static str>,
    pub level: Option<&'static str>,
    pub county: i32,
    pub coverage: TallyOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ZonesOut {
    pub as_of: String,
    pub zones: Vec<ZoneOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/zones",
    params(
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：导出全部行（文件）")
    ),
    responses(
        (status = 200, description = "园区小镇及其覆盖情况；format=csv 或 xlsx 时为文件", content((ZonesOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    if let Some(format) = file.format(&auth)? {
        return Ok(crate::lists::zones::export(state, auth, format).await?);
    }
    let scope = auth.scope.clone();
    let zones = state
        .pool
        .read(move |store| Ok(store.zones_of(&scope)?))
        .await?;
    let sr = scope_report(&state, auth.scope.clone(), Some(GroupBy::Zone)).await?;
    Ok(Json(ZonesOut {
        as_of: sr.report.as_of.to_string(),
        zones: zones
            .into_iter()
            .map(|z| ZoneOut {
                coverage: (&sr
                    .report
                    .groups
                    .get(&GroupKey::Zone(Some(z.id)))
                    .copied()
                    .unwrap_or_default())
                    .into(),
                id: z.id,
                code: z.code,
                name: z.name,
                kind: z.kind.code(),
                class: z.class.map(|c| c.code()),
                level: z.level.map(|l| l.code()),
                county: z.county,
            })
            .collect(),
    })
    .into_response())
}
