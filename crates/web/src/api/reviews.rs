//! `GET /api/v1/reviews?year=`: the year's 书记抓党建述职 roster of the scope: every
//! organization that owes a report, its reviewing committee, and what it filed and got.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Deserialize)]
pub struct ReviewsQuery {
    pub year: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewOut {
    /// The organization that reports.
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The reviewing committee: the nearest 党委 or 党工委 above.
    pub reviewer_county: i32,
    pub reviewer_id: i64,
    pub reviewer_name: String,
    /// The report, once filed.
    pub report_county: Option<i32>,
    pub report_id: Option<i64>,
    pub secretary: Option<String>,
    pub reported_on: Option<String>,
    pub has_file: bool,
    /// good, fairly_good, average or poor; none while not graded.
    pub grade: Option<&'static str>,
    /// Rectifications of the report not yet done.
    pub rectifications_open: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewsOut {
    pub year: i32,
    pub items: Vec<ReviewOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/reviews",
    params(
        ("year" = Option<i32>, Query, minimum = 2000, maximum = 9999, description = "述职年度，默认当前应提交述职的年度")
    ),
    responses(
        (status = 200, description = "管理范围内该年度的书记抓党建述职评议", body = ReviewsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<ReviewsQuery>,
) -> Result<Json<ReviewsOut>, ApiError> {
    let today = crate::today();
    // Any year the document allows: a year not yet reported is a roster with nothing filed.
    let year = match q.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => liangxin_domain::review::ReviewRules::owed_year(today),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=9999).contains(y))
            .ok_or_else(|| WebError::bad_field("年度", "应为2000到9999之间的年份"))?,
    };
    let lines = crate::report::review_roster(&state, &auth.scope, year).await?;
    Ok(Json(ReviewsOut {
        year,
        items: lines
            .iter()
            .map(|l| {
                let r = l.report.as_ref();
                ReviewOut {
                    county: l.party_org.county,
                    id: l.party_org.id,
                    name: l.name.clone(),
                    reviewer_county: l.reviewer.county,
                    reviewer_id: l.reviewer.id,
                    reviewer_name: l.reviewer_name.clone(),
                    report_county: r.map(|r| r.key.county),
                    report_id: r.map(|r| r.key.id),
                    secretary: r.map(|r| r.secretary.clone()),
                    reported_on: r.map(|r| r.reported_on.to_string()),
                    has_file: r.is_some_and(|r| r.has_file),
                    grade: r.and_then(|r| r.grade).map(|g| g.code()),
                    rectifications_open: r.map_or(0, |r| r.open),
                }
            })
            .collect(),
    }))
}
