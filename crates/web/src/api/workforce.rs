//! `GET /api/v1/workforce`: the scope's 党务工作者队伍 today: every organization that should
//! have a 书记 with its 书记 (or the vacancy) and their 学时 (this year so far, and last
//! year's against what the rule asked of the days they held the post), and the
//! party-affairs workers in post.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::Datelike;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Serialize, ToSchema)]
pub struct SecretaryOut {
    /// The party organization.
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The 书记 today; none when the post is empty.
    pub secretary: Option<String>,
    pub secretary_since: Option<String>,
    /// The first day without a 书记, when the post is empty.
    pub vacant_since: Option<String>,
    pub hours_this_year: u32,
    /// Last year: days the 书记 held a 书记 post, 学时 recorded, 学时 owed for those days.
    pub last_year_days_in_post: u32,
    pub last_year_hours: u32,
    pub last_year_owed: u32,
    pub last_year_short: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub party_org_county: i32,
    pub party_org_id: i64,
    pub party_org_name: String,
    /// full_time or part_time.
    pub duty: &'static str,
    /// seconded, recruited, internal, retired or other.
    pub source: &'static str,
    pub qualification: String,
    pub since: String,
    pub hours_this_year: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkforceOut {
    pub year: i32,
    /// The whole year judged against the 学时 rule.
    pub judged_year: i32,
    pub secretary_hours: u32,
    pub vacancy_flag_days: u32,
    /// The rules, as `key@version`.
    pub hours_rule: String,
    pub vacancy_rule: String,
    pub items: Vec<SecretaryOut>,
    pub workers: Vec<WorkerOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/workforce",
    responses(
        (status = 200, description = "管理范围内的书记配备、培训学时和党务工作者", body = WorkforceOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<WorkforceOut>, ApiError> {
    let today = crate::today();
    let lines = crate::report::secretaries(&state, &auth.scope).await?;
    let scope = auth.scope.clone();
    let (rules, workers) = state
        .pool
        .read(move |store| {
            let rules =
                liangxin_domain::workforce::WorkforceRules::resolve(&store.rule_set()?, today)
                    .map_err(|e| liangxin_store::StoreError::Corrupt(e.to_string()))?;
            Ok((rules, store.party_workers(&scope, today, false)?))
        })
        .await
        .map_err(|e: WebError| e)?;
    Ok(Json(WorkforceOut {
        year: today.year(),
        judged_year: liangxin_domain::workforce::judged_year(today),
        secretary_hours: rules.secretary_hours,
        vacancy_flag_days: rules.vacancy_flag_days,
        hours_rule: format!("{}@{}", rules.hours_rule.key, rules.hours_rule.version),
        vacancy_rule: format!("{}@{}", rules.vacancy_rule.key, rules.vacancy_rule.version),
        items: lines
            .iter()
            .map(|l| {
                let y = l.last_year.as_ref();
                SecretaryOut {
                    county: l.party_org.county,
                    id: l.party_org.id,
                    name: l.party_org_name.clone(),
                    secretary: l.holder.as_ref().map(|h| h.1.clone()),
                    secretary_since: l.holder.as_ref().map(|h| h.2.to_string()),
                    vacant_since: l.vacancy.as_ref().map(|v| v.since.to_string()),
                    hours_this_year: l.hours_this_year,
                    last_year_days_in_post: y.map_or(0, |y| y.days_in_post),
                    last_year_hours: y.map_or(0, |y| y.hours),
                    last_year_owed: l.owed_last_year,
                    last_year_short: l.short_last_year(),
                }
            })
            .collect(),
        workers: workers
            .into_iter()
            .map(|w| WorkerOut {
                county: w.key.county,
                id: w.key.id,
                name: w.name,
                party_org_county: w.party_org.county,
                party_org_id: w.party_org.id,
                party_org_name: w.party_org_name,
                duty: w.duty.code(),
                source: w.source.code(),
                qualification: w.qualification,
                since: w.since.to_string(),
                hours_this_year: w.hours,
            })
            .collect(),
    }))
}
