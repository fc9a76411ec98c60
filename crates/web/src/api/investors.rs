//! `GET /api/v1/investors?show=&year=`: the investors of the scope's units with the year's
//! contacts and whether each is 新生代 and reached as often as the rule asks, and the
//! contact and education events the scope's organizations held in the year.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::investors::{rules_for, show_of, shown};
use crate::params;

#[derive(Debug, Deserialize)]
pub struct InvestorsQuery {
    pub show: Option<String>,
    pub year: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvestorOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The unit (两新组织) invested in.
    pub unit_county: i32,
    pub unit_id: i64,
    pub unit_name: String,
    /// legal_representative, controller, shareholder, partner or founder.
    pub role: &'static str,
    pub birth_year: i32,
    /// party_member, league_member, democratic_party, non_party or masses.
    pub political_status: &'static str,
    /// 新生代 by the age reached in the year.
    pub new_generation: bool,
    /// Events of the year that reached them, and the last one's day.
    pub contacts: u32,
    pub last_contact: Option<String>,
    /// A 新生代 investor reached fewer times than the rule asks.
    pub due: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvestorEventOut {
    pub county: i32,
    pub id: i64,
    pub organizer: String,
    /// visit, training, forum or activity.
    pub kind: &'static str,
    pub held_on: String,
    pub title: String,
    pub content: String,
    /// The investors it reached that the scope sees, as `county-id`.
    pub investors: Vec<String>,
    /// How many it reached in all (those outside the scope too).
    pub reached: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvestorsOut {
    pub year: i32,
    pub new_generation_max_age: u32,
    pub contacts_per_year: u32,
    /// The rules, as `key@version`.
    pub age_rule: String,
    pub contacts_rule: String,
    pub items: Vec<InvestorOut>,
    pub events: Vec<InvestorEventOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/investors",
    params(
        ("show" = Option<String>, Query, pattern = r"^\s*(new|due)\s*$", description = "new：新生代出资人；due：新生代出资人中本年联系未达要求的；不填为全部"),
        ("year" = Option<i32>, Query, description = "年度（近十年内），默认今年")
    ),
    responses(
        (status = 200, description = "管理范围内单位的出资人、本年联系次数和本范围党组织的联系教育活动", body = InvestorsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<InvestorsQuery>,
) -> Result<Json<InvestorsOut>, ApiError> {
    let today = crate::today();
    let show = show_of(&q.show)?;
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let rules = state
        .pool
        .read(move |store| rules_for(store, year, today))
        .await?;
    let kept = crate::report::investors(&state, &auth.scope, year).await?;
    let (investors, events) = (&kept.0, &kept.1);
    let items = shown(investors, show, &rules, year)
        .into_iter()
        .map(|i| {
            let new_generation = rules.new_generation(i.birth_year, year);
            InvestorOut {
                county: i.key.county,
                id: i.key.id,
                name: i.name.clone(),
                unit_county: i.unit.county,
                unit_id: i.unit.id,
                unit_name: i.unit_name.clone(),
                role: i.role.code(),
                birth_year: i.birth_year,
                political_status: i.political_status.code(),
                new_generation,
                contacts: i.contacts,
                last_contact: i.last_contact.map(|d| d.to_string()),
                due: new_generation && !rules.reached(i.contacts),
            }
        })
        .collect();
    Ok(Json(InvestorsOut {
        year,
        new_generation_max_age: rules.max_age,
        contacts_per_year: rules.contacts_per_year,
        age_rule: format!("{}@{}", rules.age_rule.key, rules.age_rule.version),
        contacts_rule: format!(
            "{}@{}",
            rules.contacts_rule.key, rules.contacts_rule.version
        ),
        items,
        events: events
            .iter()
            .map(|e| InvestorEventOut {
                county: e.key.county,
                id: e.key.id,
                organizer: e.organizer.clone(),
                kind: e.kind.code(),
                held_on: e.held_on.to_string(),
                title: e.title.clone(),
                content: e.content.clone(),
                investors: e
                    .investors
                    .iter()
                    .map(|(k, _, _)| format!("{}-{}", k.county, k.id))
                    .collect(),
                reached: e.reached,
            })
            .collect(),
    }))
}
