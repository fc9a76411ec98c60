//! `GET /api/v1/party-orgs/{county}/{id}/statistics?table=&as_of=`: the 党内统计 tables of
//! the organization's subtree on a day, computed from the records as the page computes
//! them (all unless one is named): a row for the whole, the organization's own and
//! each organization directly under it, a count per column.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_domain::registry::Key;
use liangxin_domain::statistics::Table;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::auth::Auth;
use crate::error::{ApiError, WebError};

#[derive(Debug, Deserialize)]
pub struct StatisticsQuery {
    pub table: Option<String>,
    pub as_of: Option<String>,
}

/// A column: its code (as the rows page names it), its header group and label.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatColumnOut {
    pub code: &'static str,
    pub group: Option<&'static str>,
    pub label: &'static str,
}

/// A row: the whole (no organization), the organization's own, or one directly below.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatRowOut {
    pub county: Option<i32>,
    pub id: Option<i64>,
    /// 合计, or the organization's name.
    pub name: String,
    /// The organization's own (本级), not its subtree.
    pub own: bool,
    /// One count per column, in the columns' order.
    pub counts: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatTableOut {
    /// member-change | member-basics | joined-periods | probation | party-orgs
    pub table: &'static str,
    pub title: &'static str,
    pub unit: &'static str,
    pub columns: Vec<StatColumnOut>,
    pub rows: Vec<StatRowOut>,
    pub notes: Vec<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsOut {
    /// 填报单位
    pub reporting_unit: String,
    /// 统计截止日期
    pub as_of: String,
    pub tables: Vec<StatTableOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/party-orgs/{county}/{id}/statistics",
    params(
        ("county" = i32, Path, minimum = 100000, maximum = 999999, description = "县级行政区划代码"),
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "党组织编号"),
        ("table" = Option<String>, Query, pattern = "^(member-change|member-basics|joined-periods|probation|party-orgs)$", description = "统计表：member-change（党员数量变化情况）、member-basics（党员基本情况）、joined-periods（党员入党时间情况）、probation（预备党员转正情况）、party-orgs（基层党组织数量和换届情况）；默认全部"),
        ("as_of" = Option<String>, Query, pattern = "^20(19|2[0-5])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$", description = "统计截止日期（YYYY-MM-DD，不晚于今天，不早于换届规则施行的2018-10-28；此处的格式只列出必然有效的日子），默认今天")
    ),
    responses(
        (status = 200, description = "党内统计表，按记录计算", body = StatisticsOut),
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
    ApiQuery(q): ApiQuery<StatisticsQuery>,
) -> Result<Json<StatisticsOut>, ApiError> {
    let key = Key { county, id };
    let as_of = crate::params::as_of_day(&q.as_of)?;
    let wanted = match q.table.as_deref().map(str::trim) {
        None | Some("") => Table::ALL.to_vec(),
        Some(code) => vec![
            Table::from_code(code)
                .ok_or_else(|| WebError::bad_field("统计表", "不是可查看的统计表"))?,
        ],
    };
    let all = crate::report::statistics(&state, &auth.scope, key, as_of).await?;
    let mut tables = Vec::with_capacity(wanted.len());
    let mut reporting_unit = String::new();
    for t in all.iter().filter(|t| wanted.contains(&t.table)) {
        let table = t.table;
        reporting_unit.clone_from(&t.party_org.1);
        tables.push(StatTableOut {
            table: table.code(),
            title: table.title(),
            unit: table.unit(),
            columns: table
                .columns()
                .iter()
                .map(|c| StatColumnOut {
                    code: c.code,
                    group: c.group,
                    label: c.label,
                })
                .collect(),
            rows: t
                .rows
                .iter()
                .map(|r| StatRowOut {
                    county: r.party_org.as_ref().map(|p| p.0.county),
                    id: r.party_org.as_ref().map(|p| p.0.id),
                    name: r
                        .party_org
                        .as_ref()
                        .map_or_else(|| "合计".to_owned(), |p| p.1.clone()),
                    own: r.own,
                    counts: r.counts.clone(),
                })
                .collect(),
            notes: table.notes().to_vec(),
        });
    }
    Ok(Json(StatisticsOut {
        reporting_unit,
        as_of: as_of.to_string(),
        tables,
    }))
}
