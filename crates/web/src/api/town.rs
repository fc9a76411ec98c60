//! `GET /api/v1/zones/{id}/profile`: a town's or park's profile — its class and focus, its
//! 党工委, the 五个一 (those the records answer marked so, each with its rule), the 五个同步
//! and its class's checklist, each item's state and evidence.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_store::town::ProfileItem;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::evaluation::RuleOut;
use crate::api::extract::ApiPath;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileItemOut {
    /// five.center, sync.planning, class.park_alliance …
    pub code: &'static str,
    pub label: &'static str,
    /// missing, underway or done.
    pub state: &'static str,
    pub evidence: String,
    /// Answered by the records, not entered.
    pub by_records: bool,
    /// When and by whom it was entered.
    pub updated_on: Option<String>,
    pub updated_by: Option<String>,
    /// The rule that puts it in the 五个一.
    pub rule: Option<RuleOut>,
}

fn item(i: &ProfileItem) -> ProfileItemOut {
    ProfileItemOut {
        code: i.code,
        label: i.label,
        state: i.state.code(),
        evidence: i.evidence.clone(),
        by_records: i.by_records,
        updated_on: i.updated.as_ref().map(|(on, _)| on.to_string()),
        updated_by: i.updated.as_ref().map(|(_, by)| by.clone()),
        rule: i.rule.as_ref().map(|r| RuleOut {
            key: r.key.clone(),
            version: r.version,
            title: r.title.clone(),
        }),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ZoneProfileOut {
    pub id: i64,
    pub name: String,
    /// The 一镇一策 class's code and its guidance focus, when it has one.
    pub class: Option<&'static str>,
    pub focus: Option<&'static str>,
    /// The 党工委 that leads it.
    pub committee_county: Option<i32>,
    pub committee_id: Option<i64>,
    pub committee_name: Option<String>,
    pub five_done: usize,
    pub five_owed: usize,
    pub five: Vec<ProfileItemOut>,
    pub sync: Vec<ProfileItemOut>,
    pub class_items: Vec<ProfileItemOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/zones/{id}/profile",
    params(
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "园区小镇编号")
    ),
    responses(
        (status = 200, description = "小镇（园区）的一镇一策、五个一和五个同步", body = ZoneProfileOut),
        (status = 400, description = "路径格式不对（编号应为数字）", body = crate::error::ErrorBody),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody)
    )
)]
pub async fn profile(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ZoneProfileOut>, ApiError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let p = state
        .pool
        .read(move |store| {
            store
                .zone_profile(&scope, id, today)?
                .ok_or_else(WebError::not_found)
        })
        .await?;
    let (done, owed) = p.five_done();
    Ok(Json(ZoneProfileOut {
        id,
        name: p.zone.name.clone(),
        class: p.zone.class.map(|c| c.code()),
        focus: p.focus,
        committee_county: p.committee.as_ref().map(|(k, _)| k.county),
        committee_id: p.committee.as_ref().map(|(k, _)| k.id),
        committee_name: p.committee.as_ref().map(|(_, n)| n.clone()),
        five_done: done,
        five_owed: owed,
        five: p.five.iter().map(item).collect(),
        sync: p.sync.iter().map(item).collect(),
        class_items: p.class_items.iter().map(item).collect(),
    }))
}
