//! `GET /api/v1/coverage`: coverage rates of the caller's scope by county, zone, sector or kind.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_domain::coverage::{GroupBy, Tally};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};
use crate::report::scope_report;

#[derive(Debug, Deserialize)]
pub struct CoverageQuery {
    /// county | zone | sector | kind; default: the scope's natural breakdown.
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TallyOut {
    pub total: u64,
    /// 组织覆盖
    pub organization_covered: u64,
    /// 工作覆盖 (without a party organization's members)
    pub work_covered: u64,
    /// 空白
    pub gap: u64,
    pub needing_action: u64,
    /// 组织覆盖率 in percent; null for an empty group.
    pub organization_rate: Option<f64>,
    /// 工作覆盖率 in percent (organizational coverage included); null for an empty group.
    pub work_rate: Option<f64>,
}

impl From<&Tally> for TallyOut {
    fn from(t: &Tally) -> Self {
        let round = |x: Option<f64>| x.map(|v| (v * 100.0).round() / 100.0);
        TallyOut {
            total: t.total,
            organization_covered: t.organization_covered,
            work_covered: t.work_covered,
            gap: t.gap,
            needing_action: t.needing_action,
            organization_rate: round(t.organization_rate()),
            work_rate: round(t.work_rate()),
        }
    }
}

/// Where each figure's rows are: `GET` of each answers a list whose `total` is the figure.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureLists {
    pub total: String,
    pub organization_covered: String,
    pub work_covered: String,
    pub gap: String,
    pub needing_action: String,
}

impl FigureLists {
    /// The lists of a group whose filter is `base` (empty: the whole scope).
    fn of(base: &str) -> FigureLists {
        let [
            total,
            organization_covered,
            work_covered,
            gap,
            needing_action,
        ] = crate::report::FIGURE_FILTERS.map(|f| {
            let q: Vec<&str> = [base, f].into_iter().filter(|s| !s.is_empty()).collect();
            if q.is_empty() {
                "/api/v1/organizations".to_owned()
            } else {
                format!("/api/v1/organizations?{}", q.join("&"))
            }
        });
        FigureLists {
            total,
            organization_covered,
            work_covered,
            gap,
            needing_action,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupOut {
    /// The group's code (county code, zone id, sector or kind code; empty for "none").
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub tally: TallyOut,
    /// The lists of this group's figures.
    pub lists: FigureLists,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageOut {
    pub as_of: String,
    pub by: String,
    pub total: TallyOut,
    /// The lists of the scope's figures.
    pub lists: FigureLists,
    pub groups: Vec<GroupOut>,
}

pub fn parse_by(by: Option<&str>) -> Result<Option<GroupBy>, WebError> {
    match by.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some("county") => Ok(Some(GroupBy::County)),
        Some("zone") => Ok(Some(GroupBy::Zone)),
        Some("sector") => Ok(Some(GroupBy::Sector)),
        Some("kind") => Ok(Some(GroupBy::Kind)),
        Some(_) => Err(WebError::bad_field("by", "可选 county、zone、sector、kind")),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/coverage",
    params(("by" = inline(Option<crate::api::doc::GroupBy>), Query, description = "county | zone | sector | kind；默认按管理范围自然分组")),
    responses(
        (status = 200, description = "覆盖情况", body = CoverageOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> Result<Json<CoverageOut>, ApiError> {
    let by = parse_by(q.by.as_deref())?;
    let sr = scope_report(&state, auth.scope.clone(), by).await?;
    let by_code = match sr.by {
        GroupBy::County => "county",
        GroupBy::Zone => "zone",
        GroupBy::Sector => "sector",
        GroupBy::Kind => "kind",
    };
    let groups = sr
        .report
        .groups
        .iter()
        .map(|(k, t)| GroupOut {
            key: match k {
                liangxin_domain::coverage::GroupKey::County(c) => c.to_string(),
                liangxin_domain::coverage::GroupKey::Zone(z) => {
                    z.map(|z| z.to_string()).unwrap_or_default()
                }
                liangxin_domain::coverage::GroupKey::Sector(s) => {
                    s.map(|s| s.code().to_owned()).unwrap_or_default()
                }
                liangxin_domain::coverage::GroupKey::Kind(k) => k.code().to_owned(),
            },
            name: sr.group_name(k),
            tally: t.into(),
            lists: FigureLists::of(&crate::report::group_filter(k)),
        })
        .collect();
    Ok(Json(CoverageOut {
        as_of: sr.report.as_of.to_string(),
        by: by_code.into(),
        total: (&sr.report.total).into(),
        lists: FigureLists::of(""),
        groups,
    }))
}
