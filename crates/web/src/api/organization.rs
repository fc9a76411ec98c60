//! `GET /api/v1/organizations/{county}/{id}`: one organization of the caller's scope.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_domain::registry::Key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiPath;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::organizations::{load, state_view};

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingOut {
    pub action_label: &'static str,
    pub reason: String,
    pub rule_key: String,
    pub rule_version: i32,
    pub rule_title: String,
    pub rule_source: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDetailOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub sectors: Vec<&'static str>,
    pub credit_code: Option<String>,
    pub credit_code_check_failed: bool,
    pub county_name: String,
    pub zone_name: Option<String>,
    pub employees: Option<i32>,
    pub full_members: u32,
    pub probationary_members: u32,
    pub coverage_state: &'static str,
    pub covering_party_orgs: Vec<String>,
    pub instructors: Vec<String>,
    pub findings: Vec<FindingOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/organizations/{county}/{id}",
    params(("county" = i32, Path, minimum = 100000, maximum = 999999, description = "县级行政区划代码"), ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "组织编号")),
    responses(
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 200, description = "两新组织详情", body = OrgDetailOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
) -> Result<Json<OrgDetailOut>, ApiError> {
    let d = load(&state, &auth, Key { county, id }).await?;
    Ok(Json(OrgDetailOut {
        county,
        id,
        kind: d.row.kind.code(),
        sectors: d.facts.sectors.iter().map(|t| t.code()).collect(),
        credit_code: d.row.credit_code,
        credit_code_check_failed: d.row.credit_code_check_failed,
        county_name: d.row.county_name,
        zone_name: d.row.zone_name,
        employees: d.row.employees,
        full_members: d.facts.full_members,
        probationary_members: d.facts.probationary_members,
        coverage_state: state_view(Some(d.assessed.state)).0,
        covering_party_orgs: d.covering,
        instructors: d.instructors,
        findings: d
            .assessed
            .findings
            .iter()
            .map(|f| FindingOut {
                action_label: f.action.label(),
                reason: f.reason.clone(),
                rule_key: f.rule.key.clone(),
                rule_version: f.rule.version,
                rule_title: f.rule.title.clone(),
                rule_source: f.rule.source.clone(),
            })
            .collect(),
        name: d.row.name,
    }))
}
