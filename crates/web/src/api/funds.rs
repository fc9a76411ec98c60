//! `GET /api/v1/party-orgs/{county}/{id}/funds?year=`: the organization's 党建经费 of a year
//! — its own ledger's carried balance, sums by source and use, budget and balance — and
//! its subtree summed by the organizations directly below it. Amounts in whole fen.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::Datelike;
use liangxin_domain::kinds::{FundSource, FundUse};
use liangxin_domain::registry::Key;
use liangxin_store::funds::FundTotals;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::auth::Auth;
use crate::error::ApiError;
use crate::params;

#[derive(Debug, Deserialize)]
pub struct FundsQuery {
    pub year: Option<String>,
}

/// An amount by its category's code (finance, dues … / activities, training …).
#[derive(Debug, Serialize, ToSchema)]
pub struct FundAmountOut {
    pub code: &'static str,
    pub label: &'static str,
    pub fen: i64,
}

/// Sums of a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundTotalsOut {
    pub receipts: Vec<FundAmountOut>,
    pub spending: Vec<FundAmountOut>,
    pub received_fen: i64,
    pub spent_fen: i64,
    /// The year's budget, if one was set.
    pub budget_fen: Option<i64>,
}

impl From<&FundTotals> for FundTotalsOut {
    fn from(t: &FundTotals) -> Self {
        FundTotalsOut {
            receipts: FundSource::ALL
                .iter()
                .zip(&t.receipts)
                .map(|(s, f)| FundAmountOut {
                    code: s.code(),
                    label: s.label(),
                    fen: f.fen(),
                })
                .collect(),
            spending: FundUse::ALL
                .iter()
                .zip(&t.spending)
                .map(|(u, f)| FundAmountOut {
                    code: u.code(),
                    label: u.label(),
                    fen: f.fen(),
                })
                .collect(),
            received_fen: t.received().fen(),
            spent_fen: t.spent().fen(),
            budget_fen: t.budget.map(|b| b.fen()),
        }
    }
}

/// A row of the roll-up: an organization directly below with its subtree, or the own.
#[derive(Debug, Serialize, ToSchema)]
pub struct FundRowOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The organization's own ledger (本级), not one below.
    pub own: bool,
    pub totals: FundTotalsOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FundsOut {
    pub year: i32,
    /// The organization's own ledger: carried from earlier years, the year's sums, and
    /// the balance (carried + received − spent).
    pub carried_fen: i64,
    pub own: FundTotalsOut,
    pub balance_fen: i64,
    pub lines: usize,
    /// Its whole subtree, and by row (those with no line and no budget left out).
    pub all: FundTotalsOut,
    pub rows: Vec<FundRowOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/party-orgs/{county}/{id}/funds",
    params(
        ("county" = i32, Path, minimum = 100000, maximum = 999999, description = "县级行政区划代码"),
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "党组织编号"),
        ("year" = Option<i32>, Query, description = "年度（近十年内），默认今年")
    ),
    responses(
        (status = 200, description = "党建经费：本级账簿和下级汇总（单位：分）", body = FundsOut),
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
    ApiQuery(q): ApiQuery<FundsQuery>,
) -> Result<Json<FundsOut>, ApiError> {
    let key = Key { county, id };
    let today = crate::today();
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let kept = crate::report::funds(&state, &auth.scope, key, year).await?;
    let (ledger, up) = &*kept;
    Ok(Json(FundsOut {
        year,
        carried_fen: ledger.carried.fen(),
        own: (&ledger.totals).into(),
        balance_fen: ledger.balance().fen(),
        lines: ledger.lines.len(),
        all: (&up.all).into(),
        rows: up
            .rows
            .iter()
            .map(|r| FundRowOut {
                county: r.party_org.county,
                id: r.party_org.id,
                name: r.name.clone(),
                own: r.own,
                totals: (&r.totals).into(),
            })
            .collect(),
    }))
}
