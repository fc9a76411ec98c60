//! `GET /api/v1/projects?year=&show=`: the 书记领办项目 of the scope's organizations for a
//! year (taken on in it, or open then), each with its 节点, its state today and its result.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::Datelike;
use liangxin_domain::project::ProjectState;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::projects::late_only;
use crate::params;

#[derive(Debug, Deserialize)]
pub struct ProjectsQuery {
    pub year: Option<String>,
    pub show: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MilestoneOut {
    pub id: i64,
    pub title: String,
    pub due_on: String,
    pub done_on: Option<String>,
    pub evidence: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectOut {
    pub county: i32,
    pub id: i64,
    pub title: String,
    pub goal: String,
    pub party_org_county: i32,
    pub party_org_id: i64,
    pub party_org_name: String,
    /// The member who was the organization's 书记 when it was taken on.
    pub leader_id: i64,
    pub leader_name: String,
    pub taken_on: String,
    pub due_on: String,
    /// open, late or closed.
    pub state: &'static str,
    /// 节点 past their day and not done.
    pub late_milestones: usize,
    pub closed_on: Option<String>,
    /// achieved, partly or not_achieved, once closed.
    pub outcome: Option<&'static str>,
    pub result: Option<String>,
    pub last_note: Option<String>,
    pub milestones: Vec<MilestoneOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectsOut {
    pub year: i32,
    pub items: Vec<ProjectOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/projects",
    params(
        ("year" = Option<i32>, Query, description = "年度（近十年内），默认今年：当年领办的和当年仍在推进的"),
        ("show" = Option<String>, Query, pattern = r"^\s*late\s*$", description = "late：只列今天逾期的")
    ),
    responses(
        (status = 200, description = "管理范围内党组织书记领办的项目", body = ProjectsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<ProjectsQuery>,
) -> Result<Json<ProjectsOut>, ApiError> {
    let today = crate::today();
    let late = late_only(&q.show)?;
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let projects = crate::report::projects(&state, &auth.scope, year).await?;
    let items = projects
        .iter()
        .filter(|p| !late || p.state(today).is_late())
        .map(|p| {
            let st = p.state(today);
            ProjectOut {
                county: p.key.county,
                id: p.key.id,
                title: p.title.clone(),
                goal: p.goal.clone(),
                party_org_county: p.party_org.county,
                party_org_id: p.party_org.id,
                party_org_name: p.party_org_name.clone(),
                leader_id: p.leader.id,
                leader_name: p.leader_name.clone(),
                taken_on: p.taken_on.to_string(),
                due_on: p.due_on.to_string(),
                state: match st {
                    ProjectState::Open => "open",
                    ProjectState::Late { .. } => "late",
                    ProjectState::Closed(_) => "closed",
                },
                late_milestones: match st {
                    ProjectState::Late { milestones, .. } => milestones,
                    _ => 0,
                },
                closed_on: p.closed_on.map(|d| d.to_string()),
                outcome: p.outcome.map(|o| o.code()),
                result: p.result.clone(),
                last_note: p.last_note.map(|d| d.to_string()),
                milestones: p
                    .milestones
                    .iter()
                    .map(|m| MilestoneOut {
                        id: m.id,
                        title: m.title.clone(),
                        due_on: m.due_on.to_string(),
                        done_on: m.done_on.map(|d| d.to_string()),
                        evidence: m.evidence.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(Json(ProjectsOut { year, items }))
}
