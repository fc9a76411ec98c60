//! 随机抽查 in the API. `GET /api/v1/spot-checks`: the rounds of the committees in scope.
//! `GET /api/v1/spot-checks/{county}/{id}`: one round with its seed, its sample (each item's
//! stratum, code and rank), the inspections and the rectifications, so a reader can redraw
//! it and follow it to closure.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_domain::registry::Key;
use liangxin_store::spot_check::RoundSummary;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiPath;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Serialize, ToSchema)]
pub struct SpotCheckOut {
    pub county: i32,
    pub id: i64,
    pub title: String,
    /// The committee that runs it.
    pub owner_county: i32,
    pub owner_id: i64,
    pub owner_name: String,
    /// party_orgs or units.
    pub of: &'static str,
    /// county, zone or kind.
    pub by: &'static str,
    pub size: u32,
    /// The published seed (a whole number of at most 18 digits).
    pub seed: String,
    /// 名录日期: the register's day.
    pub as_of: String,
    pub published_on: String,
    pub drawn_on: Option<String>,
    pub frame_size: Option<usize>,
    /// SHA-256 of the frame's lines `stratum\tcode\n` in code order.
    pub frame_digest: Option<String>,
    /// 已公布待抽取, 检查中, 整改中 or 已完成.
    pub state: &'static str,
    pub inspected: usize,
    pub items: usize,
    pub findings_open: usize,
    pub findings_overdue: usize,
    pub findings_closed: usize,
}

fn summary(s: &RoundSummary) -> SpotCheckOut {
    SpotCheckOut {
        county: s.key.county,
        id: s.key.id,
        title: s.title.clone(),
        owner_county: s.owner.county,
        owner_id: s.owner.id,
        owner_name: s.owner_name.clone(),
        of: s.of.code(),
        by: s.by.code(),
        size: s.size,
        seed: s.seed.to_string(),
        as_of: s.as_of.to_string(),
        published_on: s.published_on.to_string(),
        drawn_on: s.drawn.as_ref().map(|(on, ..)| on.to_string()),
        frame_size: s.drawn.as_ref().map(|(_, _, n, _)| *n),
        frame_digest: s.drawn.as_ref().map(|(.., d)| d.clone()),
        state: s.state(),
        inspected: s.inspected,
        items: s.items,
        findings_open: s.findings_open,
        findings_overdue: s.findings_overdue,
        findings_closed: s.findings_closed,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpotChecksOut {
    pub items: Vec<SpotCheckOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/spot-checks",
    responses(
        (status = 200, description = "管理范围内党委、党工委的随机抽查", body = SpotChecksOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<SpotChecksOut>, ApiError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let rounds = state
        .pool
        .read(move |store| Ok(store.spot_checks(&scope, today)?))
        .await?;
    Ok(Json(SpotChecksOut {
        items: rounds.iter().map(summary).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SampleItemOut {
    pub seq: i32,
    pub stratum: String,
    pub stratum_label: String,
    /// `county-id` of the party organization or unit.
    pub code: String,
    pub name: String,
    /// SHA-256 of `"{seed}:{code}"`, lowercase hex.
    pub rank: String,
    pub inspected_on: Option<String>,
    pub inspectors: Option<String>,
    /// passed or issues.
    pub result: Option<&'static str>,
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpotFindingOut {
    pub county: i32,
    pub id: i64,
    /// The drawn item's `seq`.
    pub seq: i32,
    pub problem: String,
    pub demand: String,
    pub deadline: String,
    pub raised_on: String,
    pub overdue: bool,
    pub closed_on: Option<String>,
    pub closing_note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpotCheckDetailOut {
    pub round: SpotCheckOut,
    pub sample: Vec<SampleItemOut>,
    pub findings: Vec<SpotFindingOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/spot-checks/{county}/{id}",
    params(
        ("county" = i32, Path, minimum = 100000, maximum = 999999, description = "组织单位所在县级行政区划代码"),
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "抽查编号")
    ),
    responses(
        (status = 200, description = "一轮随机抽查：种子、样本、检查和整改", body = SpotCheckDetailOut),
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
) -> Result<Json<SpotCheckDetailOut>, ApiError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let v = state
        .pool
        .read(move |store| {
            store
                .spot_check(&scope, Key { county, id }, today)?
                .ok_or_else(WebError::not_found)
        })
        .await?;
    Ok(Json(SpotCheckDetailOut {
        round: summary(&v.summary),
        sample: v
            .items
            .iter()
            .map(|i| SampleItemOut {
                seq: i.seq,
                stratum: i.stratum.clone(),
                stratum_label: i.stratum_label.clone(),
                code: i.code.clone(),
                name: i.name.clone(),
                rank: i.rank.clone(),
                inspected_on: i.inspection.as_ref().map(|x| x.on.to_string()),
                inspectors: i.inspection.as_ref().map(|x| x.inspectors.clone()),
                result: i.inspection.as_ref().map(|x| x.result.code()),
                note: i.inspection.as_ref().map(|x| x.note.clone()),
            })
            .collect(),
        findings: v
            .findings
            .iter()
            .map(|f| SpotFindingOut {
                county: f.key.county,
                id: f.key.id,
                seq: f.seq,
                problem: f.problem.clone(),
                demand: f.demand.clone(),
                deadline: f.deadline.to_string(),
                raised_on: f.raised_on.to_string(),
                overdue: f.overdue(today),
                closed_on: f.closed.as_ref().map(|(on, ..)| on.to_string()),
                closing_note: f.closed.as_ref().map(|(.., n)| n.clone()),
            })
            .collect(),
    }))
}
