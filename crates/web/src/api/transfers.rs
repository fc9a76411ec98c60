//! `GET /api/v1/transfers?state=issued`: the 组织关系转接 either side of which lies in the
//! caller's scope (a member: their own), newest first; `&format=csv|xlsx` gives them as the
//! transfers page's file.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use liangxin_domain::kinds::TransferState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiQuery, ExportQuery};
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Deserialize)]
pub struct TransfersQuery {
    pub state: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransferOut {
    pub id: i64,
    pub member_name: String,
    pub from_name: String,
    /// The receiving organization's name; `to_outside` when it is not in this system.
    pub to_name: String,
    pub to_outside: bool,
    /// `introduction` (组织关系介绍信) or `certificate` (党员证明信).
    pub letter_kind: &'static str,
    /// `issued`, `received`, `returned`, `cancelled`.
    pub state: &'static str,
    pub issued_on: String,
    pub valid_until: String,
    /// Open and past its validity today.
    pub overdue: bool,
    /// 党费交至年月 stated on the letter (`2026-10`).
    pub dues_paid_through: Option<String>,
    pub closed_on: Option<String>,
    /// Whether the caller's scope holds the sending or the receiving side.
    pub sender_side: bool,
    pub receiver_side: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TransfersOut {
    pub total: usize,
    pub items: Vec<TransferOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/transfers",
    params(
        ("state" = inline(Option<crate::api::doc::TransferState>), Query, description = "状态：issued / received / returned / cancelled，默认全部"),
        ("format" = inline(Option<crate::api::doc::FileFormat>), Query, description = "csv 或 xlsx：按相同筛选导出全部行（文件，不分页）")
    ),
    responses(
        (status = 200, description = "组织关系转接；format=csv 或 xlsx 时为文件", content((TransfersOut = "application/json"), (String = "text/csv"), (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "导出文件仅供党组织工作人员使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<TransfersQuery>,
    ApiQuery(file): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let wanted = match q.state.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => {
            Some(TransferState::parse(s).map_err(|e| WebError::bad_field("state", e.to_string()))?)
        }
    };
    if let Some(format) = file.format(&auth)? {
        return Ok(
            crate::lists::transfers::export_in_state(state, auth, wanted, None, format).await?,
        );
    }
    let found = crate::lists::transfers::read(&state, &auth, wanted).await?;
    let today = crate::today();
    let items: Vec<TransferOut> = found
        .iter()
        .map(|v| TransferOut {
            id: v.id,
            member_name: v.member_name.clone(),
            from_name: v.from_name.clone(),
            to_name: v.to_name.clone(),
            to_outside: v.to.is_none(),
            letter_kind: v.letter_kind.code(),
            state: v.state.code(),
            issued_on: v.issued_on.to_string(),
            valid_until: v.valid_until.to_string(),
            overdue: v.overdue(today),
            dues_paid_through: v.dues_paid_through.clone(),
            closed_on: v.closed_on.map(|d| d.to_string()),
            sender_side: v.sender_side,
            receiver_side: v.receiver_side,
        })
        .collect();
    Ok(Json(TransfersOut {
        total: items.len(),
        items,
    })
    .into_response())
}
