//! `GET /api/v1/party-orgs/{county}/{id}`: one party organization of the caller's subtree,
//! with its children and covered units.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_domain::registry::Key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiPath;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Serialize, ToSchema)]
pub struct RefOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChildOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub org_type: &'static str,
    /// Members directly in it.
    pub members: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartyOrgOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub org_type: &'static str,
    pub formation_mode: Option<&'static str>,
    pub has_committee: bool,
    pub term_started: Option<String>,
    /// Names of the ancestors, root first.
    pub ancestors: Vec<String>,
    pub members: i64,
    pub children: Vec<ChildOut>,
    pub covered_units: Vec<RefOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/party-orgs/{county}/{id}",
    params(("county" = i32, Path, minimum = 100000, maximum = 999999, description = "县级行政区划代码"), ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "党组织编号")),
    responses(
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 200, description = "党组织", body = PartyOrgOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
) -> Result<Json<PartyOrgOut>, ApiError> {
    let key = Key { county, id };
    let scope = auth.scope.clone();
    let out = state
        .pool
        .read(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            let mut ancestors = store.names_on_path(&po.path)?;
            ancestors.pop();
            Ok(PartyOrgOut {
                county,
                id,
                org_type: po.org_type.code(),
                formation_mode: po.formation_mode.map(|m| m.code()),
                has_committee: po.has_committee,
                term_started: po.term_started.map(|d| d.to_string()),
                ancestors,
                members: store.members_count(
                    &scope,
                    &liangxin_store::people::MemberFilter::in_party_org(key),
                )?,
                children: store
                    .party_org_children(key, None, 0, i64::MAX)?
                    .1
                    .into_iter()
                    .map(|c| ChildOut {
                        county: c.key.county,
                        id: c.key.id,
                        name: c.name,
                        org_type: c.org_type.code(),
                        members: c.members,
                    })
                    .collect(),
                covered_units: store
                    .covered_units(&scope, crate::today(), key)?
                    .into_iter()
                    .map(|(k, name)| RefOut {
                        county: k.county,
                        id: k.id,
                        name,
                    })
                    .collect(),
                name: po.name,
            })
        })
        .await?;
    Ok(Json(out))
}
