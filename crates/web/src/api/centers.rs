//! `GET /api/v1/centers`: the 党群服务中心 of the scope's zones, each with what the records
//! say of it: the organizations and floating members it serves, the last three whole
//! months' activities and participants, and whether it runs (实体化运行) by the rule.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct CenterOut {
    pub county: i32,
    pub id: i64,
    pub zone_id: i64,
    pub zone_name: String,
    pub name: String,
    pub address: String,
    pub area_m2: i32,
    pub opening_hours: String,
    pub open_days_per_week: i32,
    pub staff_full_time: i32,
    pub staff_part_time: i32,
    pub opened_on: String,
    pub closed_on: Option<String>,
    /// The zone's live two-new organizations.
    pub units: u32,
    /// Members away from home hosted by the zone's party organizations.
    pub floating: u32,
    /// The window the activities are counted over (three whole months before this one).
    pub window_from: String,
    pub window_to: String,
    /// Meetings held there on their organizations' booked days, and the members present.
    pub activities: u32,
    pub participants: u32,
    pub booked_ahead: u32,
    /// 实体化运行: open through the window with at least the rule's activities a month.
    pub running: bool,
    pub min_activities_per_month: u32,
    /// The rule, as `key@version`.
    pub rule: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CentersOut {
    pub items: Vec<CenterOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/centers",
    responses(
        (status = 200, description = "管理范围内小镇园区的党群服务中心及其运行情况", body = CentersOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<CentersOut>, ApiError> {
    let facts = crate::report::centers(&state, &auth.scope).await?;
    Ok(Json(CentersOut {
        items: facts
            .iter()
            .map(|f| {
                let c = f.center.clone();
                CenterOut {
                    county: c.key.county,
                    id: c.key.id,
                    zone_id: c.zone,
                    zone_name: c.zone_name,
                    name: c.name,
                    address: c.address,
                    area_m2: c.area_m2,
                    opening_hours: c.opening_hours,
                    open_days_per_week: c.open_days_per_week,
                    staff_full_time: c.staff_full_time,
                    staff_part_time: c.staff_part_time,
                    opened_on: c.opened_on.to_string(),
                    closed_on: c.closed_on.map(|d| d.to_string()),
                    units: f.units,
                    floating: f.floating,
                    window_from: f.window.0.to_string(),
                    window_to: f.window.1.to_string(),
                    activities: f.activities,
                    participants: f.participants,
                    booked_ahead: f.booked_ahead,
                    running: f.running,
                    min_activities_per_month: f.min_per_month,
                    rule: format!("{}@{}", f.rule.key, f.rule.version),
                }
            })
            .collect(),
    }))
}
