//! `GET /api/v1/members`: the caller's members, paged, resident IDs masked.

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
use crate::lists::members::{self, MembersQuery};

/// Rows a page unless the caller asks for another size.
const PAGE_SIZE: i64 = 100;

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// male | female
    pub sex: String,
    /// Masked: the region code (first 6) and the check character (last); the birth date
    /// is not given, so the masked number cannot be rebuilt.
    pub resident_id: String,
    /// probationary | full
    pub status: &'static str,
    pub joined_on: String,
    pub confirmed_on: Option<String>,
    pub party_org_id: i64,
    pub party_org_name: String,
    pub workplace_name: Option<String>,
    /// settled | outflow
    pub flow: &'static str,
    pub flow_destination: Option<String>,
    /// 民族, its GB/T 3304 code (`01` 汉族); none when not entered.
    pub ethnicity: Option<&'static str>,
    /// 学历: graduate | bachelor | associate | vocational | high_school | junior_or_below
    pub education: Option<&'static str>,
    /// 职业: worker | farmer | professional | manager | official | student | retired | other
    pub occupation: Option<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembersOut {
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub items: Vec<MemberOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/members",
    params(
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，从1开始"),
        ("size" = Option<String>, Query, pattern = "^(20|50|100|200)$", description = "每页条数：20、50、100 或 200，默认100"),
        ("party_org" = Option<String>, Query, pattern = "^[1-9][0-9]{5}-[1-9][0-9]{0,17}$", description = "只列直属此党组织的党员：县代码-编号，如 330825-12"),
        ("name" = Option<String>, Query, min_length = 1, max_length = 50, description = "姓名中包含的字"),
        ("status" = Option<String>, Query, pattern = "^(probationary|full)$", description = "党员类别：probationary（预备党员）或 full（正式党员）"),
        ("flow" = Option<String>, Query, pattern = "^(settled|outflow)$", description = "流动情况：settled（未流动）或 outflow（流出）"),
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：按相同筛选导出全部行（文件，不分页）")
    ),
    responses(
        (status = 200, description = "党员（身份证号已脱敏）；format=csv 或 xlsx 时为文件", content((MembersOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "party_org 不在本辖区", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<MembersQuery>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let search = q.check_sized(PAGE_SIZE)?;
    if let Some(format) = file.format(&auth)? {
        return Ok(members::export(state, auth, search, format).await?);
    }
    let found = members::load(&state, &auth.scope, &search).await?;
    let (total, rows, page) = (found.total, found.rows, search.page);
    Ok(Json(MembersOut {
        total,
        page,
        page_size: search.size,
        items: rows
            .into_iter()
            .map(|m| MemberOut {
                county: m.key.county,
                id: m.key.id,
                sex: m.sex.code().to_owned(),
                resident_id: m.resident_id_masked,
                status: m.status.code(),
                joined_on: m.joined_on.to_string(),
                confirmed_on: m.confirmed_on.map(|d| d.to_string()),
                party_org_id: m.party_org.id,
                party_org_name: m.party_org_name,
                workplace_name: m.workplace.map(|(_, n)| n),
                flow: m.flow.code(),
                flow_destination: m.flow_destination,
                ethnicity: m.background.ethnicity.map(|v| v.code()),
                education: m.background.education.map(|v| v.code()),
                occupation: m.background.occupation.map(|v| v.code()),
                name: m.name,
            })
            .collect(),
    })
    .into_response())
}
