//! `GET /api/v1/exemplars`: the scope's 先进典型, newest year first, with their deeds, the
//! evidence and whether (and when) they were published.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiError;

#[derive(Debug, Serialize, ToSchema)]
pub struct ExemplarOut {
    pub county: i32,
    pub id: i64,
    /// organization, member, worker or practice.
    pub kind: &'static str,
    pub title: String,
    /// The party organization it is or belongs to.
    pub party_org_county: i32,
    pub party_org_id: i64,
    pub party_org_name: String,
    /// The member, for 优秀共产党员 and 优秀党务工作者.
    pub member_county: Option<i32>,
    pub member_id: Option<i64>,
    pub member_name: Option<String>,
    pub summary: String,
    pub evidence: String,
    pub recognized_by: String,
    pub year: i32,
    pub recorded_on: String,
    pub published_on: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExemplarsOut {
    pub items: Vec<ExemplarOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/exemplars",
    responses(
        (status = 200, description = "管理范围内的先进典型", body = ExemplarsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<ExemplarsOut>, ApiError> {
    let scope = auth.scope.clone();
    let list = state
        .pool
        .read(move |store| Ok(store.exemplars(&scope)?))
        .await?;
    Ok(Json(ExemplarsOut {
        items: list
            .into_iter()
            .map(|e| ExemplarOut {
                county: e.key.county,
                id: e.key.id,
                kind: e.kind.code(),
                title: e.title,
                party_org_county: e.party_org.county,
                party_org_id: e.party_org.id,
                party_org_name: e.party_org_name,
                member_county: e.member.as_ref().map(|(k, _)| k.county),
                member_id: e.member.as_ref().map(|(k, _)| k.id),
                member_name: e.member.map(|(_, n)| n),
                summary: e.summary,
                evidence: e.evidence,
                recognized_by: e.recognized_by,
                year: e.year,
                recorded_on: e.recorded_on.to_string(),
                published_on: e.published_on.map(|d| d.to_string()),
            })
            .collect(),
    }))
}
