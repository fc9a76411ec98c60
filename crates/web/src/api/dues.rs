//! `GET /api/v1/dues?month=2026-11`: the month's dues of the caller's scope in total and per
//! party organization (most unpaid first, 100 a page, searchable by name), amounts in fen,
//! each count with the list of exactly those members; `GET /api/v1/dues/members` is that
//! list.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_store::dues::DuesTotals;
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::dues::{self as dues_members, DuesMembersQuery, DuesQuery, month_value};
use crate::report;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesTotalsOut {
    pub members: u32,
    /// Members without a standard for the year (not counted as due).
    pub without_standard: u32,
    pub due_fen: i64,
    pub paid_fen: i64,
    pub paid_members: u32,
    pub short_members: u32,
    pub unpaid_members: u32,
}

impl From<&DuesTotals> for DuesTotalsOut {
    fn from(t: &DuesTotals) -> Self {
        DuesTotalsOut {
            members: t.members,
            without_standard: t.without_standard,
            due_fen: t.due.fen(),
            paid_fen: t.paid.fen(),
            paid_members: t.paid_members,
            short_members: t.short_members,
            unpaid_members: t.unpaid_members,
        }
    }
}

/// Where each count's members are: `GET` of each answers a list whose `total` is the count.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuesLists {
    pub members: String,
    pub paid_members: String,
    pub short_members: String,
    pub unpaid_members: String,
    pub without_standard: String,
}

impl DuesLists {
    /// The lists of the month's counts of `org` (the scope's with none).
    fn of(month: Period, org: Option<Key>) -> DuesLists {
        let list = |state: &str| {
            dues_members::href(month, state, org).replacen("/dues/", "/api/v1/dues/", 1)
        };
        DuesLists {
            members: list(""),
            paid_members: list("paid"),
            short_members: list("short"),
            unpaid_members: list("unpaid"),
            without_standard: list("no_standard"),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesOrgOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub totals: DuesTotalsOut,
    /// The lists of this organization's own members behind its counts.
    pub lists: DuesLists,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesOut {
    /// `2026-11`
    pub month: String,
    pub total: DuesTotalsOut,
    /// The lists of the scope's members behind the total's counts.
    pub lists: DuesLists,
    /// The party organizations the search keeps (all pages).
    pub organizations: usize,
    pub page: i64,
    pub items: Vec<DuesOrgOut>,
}

/// Party organizations a page of the API holds.
const ORG_PAGE_SIZE: usize = 100;

#[utoipa::path(
    get,
    path = "/api/v1/dues",
    params(
        ("month" = Option<String>, Query, pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", description = "年月，如 2026-11，默认本月"),
        ("name" = Option<String>, Query, min_length = 1, max_length = 50, description = "党组织名称中的字词"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100个党组织")
    ),
    responses(
        (status = 200, description = "党费汇总", body = DuesOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<DuesQuery>,
) -> Result<Json<DuesOut>, ApiError> {
    let search = q.check()?;
    let month = search.month;
    let dues = report::scope_dues(&state, auth.scope.clone(), month).await?;
    let rows = search.rows(&dues);
    let offset = usize::try_from(search.page - 1).unwrap_or(0) * ORG_PAGE_SIZE;
    Ok(Json(DuesOut {
        month: month_value(month),
        total: (&dues.total).into(),
        lists: DuesLists::of(month, None),
        organizations: rows.len(),
        page: search.page,
        items: rows
            .iter()
            .skip(offset)
            .take(ORG_PAGE_SIZE)
            .map(|r| DuesOrgOut {
                county: r.key.county,
                id: r.key.id,
                name: r.name.clone(),
                totals: (&r.totals).into(),
                lists: DuesLists::of(month, Some(r.key)),
            })
            .collect(),
    }))
}

const PAGE_SIZE: usize = 100;

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesMemberOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The member's own party organization.
    pub party_org_county: i32,
    pub party_org_id: i64,
    pub party_org: String,
    /// Due for the month; none without a standard for the year.
    pub due_fen: Option<i64>,
    /// The month's lines summed (corrections included).
    pub paid_fen: i64,
    /// A regular payment is entered for the month.
    pub marked: bool,
    /// 已交, 少交, 未交 or 未定标准.
    pub state: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DuesMembersOut {
    /// `2026-11`
    pub month: String,
    /// The members the filters list (all pages).
    pub total: usize,
    pub page: i64,
    pub items: Vec<DuesMemberOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/dues/members",
    params(
        ("month" = Option<String>, Query, pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$", description = "年月，如 2026-11，默认本月"),
        ("state" = inline(Option<crate::api::doc::DuesState>), Query, description = "交纳状态；不填为当月全部党员"),
        ("org" = Option<String>, Query, pattern = "^[1-9][0-9]{5}-[1-9][0-9]{0,17}$", description = "党组织“县代码-编号”：只列该组织本级的党员"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100人")
    ),
    responses(
        (status = 200, description = "当月党员及其党费交纳状态，按党组织和姓名排列", body = DuesMembersOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "党组织不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn members(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<DuesMembersQuery>,
) -> Result<Json<DuesMembersOut>, ApiError> {
    let c = q.check()?;
    let found = dues_members::read(&state, &auth, &c).await?;
    let positions = found.positions();
    let from = (usize::try_from(c.page - 1).unwrap_or(0) * PAGE_SIZE).min(positions.len());
    let to = (from + PAGE_SIZE).min(positions.len());
    Ok(Json(DuesMembersOut {
        month: month_value(c.month),
        total: positions.len(),
        page: c.page,
        items: found
            .month
            .rows_at(&positions[from..to])
            .map(|r| DuesMemberOut {
                county: r.member.county,
                id: r.member.id,
                name: r.name.clone(),
                party_org_county: r.party_org.county,
                party_org_id: r.party_org.id,
                party_org: r.party_org_name.clone(),
                due_fen: r.due.map(|d| d.fen()),
                paid_fen: r.paid.fen(),
                marked: r.marked,
                state: dues_members::state_text(r),
            })
            .collect(),
    }))
}
