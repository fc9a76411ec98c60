//! `GET /api/v1/dues?month=2026-11`: the month's dues of the caller's scope per party
//! organization (most unpaid first) and in total, amounts in fen.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_store::dues::DuesTotals;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::pages::dues_sheet::parse_month;

#[derive(Debug, Deserialize)]
pub struct DuesQuery {
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesTotalsOut {
    pub members: u32,
    /// Members without a standard for the year (not counted as due).
    pub without_standard: u32,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub paid_members: u32,
    pub short_members: u32,
    pub unpaid_members: u32,
}

impl From<&DuesTotals> for DuesTotalsOut {
    fn from(t: &DuesTotals) -> Self {
        DuesTotalsOut {
            members: t.members,
            without_standard: t.without_standard,
            due_fen: t.due.fen(),
            paid_fen: t.paid.fen(),
            paid_members: t.paid_members,
            short_members: t.short_members,
            unpaid_members: t.unpaid_members,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesOrgOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub totals: DuesTotalsOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesOut {
    /// `2026-11`
    pub month: String,
    pub total: DuesTotalsOut,
    pub items: Vec<DuesOrgOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/dues",
    params(("month" = Option<String>, Query, pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", description = "年月，如 2026-11，默认本月")),
    responses(
        (status = 200, description = "党费汇总", body = DuesOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<DuesQuery>,
) -> Result<Json<DuesOut>, ApiError> {
    let month = parse_month(q.month.as_deref(), crate::today())?;
    let scope = auth.scope.clone();
    let (total, rows) = state
        .pool
        .run(move |store| Ok(store.dues_rollup(&scope, month)?))
        .await?;
    Ok(Json(DuesOut {
        month: month.first_day().format("%Y-%m").to_string(),
        total: (&total).into(),
        items: rows
            .iter()
            .map(|r| DuesOrgOut {
                county: r.key.county,
                id: r.key.id,
                name: r.name.clone(),
                totals: (&r.totals).into(),
            })
            .collect(),
    }))
}
