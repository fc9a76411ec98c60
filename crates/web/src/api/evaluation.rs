//! The evaluation's figures in the API, each computed from the records as its page is:
//!
//! - `GET /api/v1/weak?criterion=&page=`: the scope's 软弱涣散 candidates by the rules, each
//!   reason with the rule that raised it;
//! - `GET /api/v1/party-orgs/{county}/{id}/vanguard?year=`: the 先锋指数 by band of the
//!   organization's subtree and of each organization below it (no member named);
//! - `GET /api/v1/party-orgs/{county}/{id}/evaluation-tables?year=`: 第八表 民主评议党员情况
//!   and 整顿软弱涣散基层党组织情况 as of today, a row for the whole, the organization's own
//!   and each below it;
//! - `GET /api/v1/stars?year=&step=&page=`: the scope's 双强六好 ratings of a year, each
//!   marked when its next step is the caller's;
//! - `GET /api/v1/rectifications?year=&page=`: the scope's 软弱涣散 rectification cases of a year.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::registry::Key;
use liangxin_domain::vanguard::{Band, BandCounts};
use liangxin_domain::weak::WeakCriterion;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::auth::Auth;
use crate::error::{ApiError, WebError};
use crate::params;

const PAGE_SIZE: usize = 100;

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    pub year: Option<String>,
}

/// The year asked for: this year by default, else one of the last ten.
fn year_of(q: &YearQuery) -> Result<(i32, NaiveDate), WebError> {
    let today = crate::today();
    Ok((params::year(&q.year, today)?.unwrap_or(today.year()), today))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RuleOut {
    pub key: String,
    pub version: i32,
    pub title: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeakReasonOut {
    /// The criterion's code (secretary_vacant …) and label.
    pub criterion: &'static str,
    pub label: &'static str,
    /// The facts, in words.
    pub reason: String,
    pub rule: RuleOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeakCandidateOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub reasons: Vec<WeakReasonOut>,
    /// This year's rectification case, if one is open or closed.
    pub case_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WeakOut {
    pub as_of: String,
    /// Candidates the filter keeps (all pages).
    pub total: usize,
    pub page: i64,
    pub items: Vec<WeakCandidateOut>,
}

#[derive(Debug, Deserialize)]
pub struct WeakQuery {
    pub criterion: Option<String>,
    pub page: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/weak",
    params(
        ("criterion" = inline(Option<crate::api::doc::WeakCriterionCode>), Query, description = "只列出有此情形的"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100个党组织")
    ),
    responses(
        (status = 200, description = "按规则排查出的软弱涣散党组织候选（不设比例）", body = WeakOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn weak(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<WeakQuery>,
) -> Result<Json<WeakOut>, ApiError> {
    let criterion = match q.criterion.as_deref() {
        None => None,
        Some(c) => Some(
            WeakCriterion::parse(c)
                .ok_or_else(|| WebError::bad_field("情形", "不是已知的软弱涣散情形"))?,
        ),
    };
    let page = params::page(&q.page)?;
    let today = crate::today();
    let scope = auth.scope.clone();
    let found = crate::report::from_records(&state, &state.reports.weak, &auth.scope, (), {
        move |store| Ok(store.weak_candidates(&scope, today)?)
    })
    .await?;
    let kept: Vec<_> = found
        .iter()
        .filter(|c| criterion.is_none_or(|k| c.reasons.iter().any(|r| r.criterion == k)))
        .collect();
    let skip = usize::try_from(page - 1).unwrap_or(0) * PAGE_SIZE;
    Ok(Json(WeakOut {
        as_of: today.to_string(),
        total: kept.len(),
        page,
        items: kept
            .iter()
            .skip(skip)
            .take(PAGE_SIZE)
            .map(|c| WeakCandidateOut {
                county: c.party_org.county,
                id: c.party_org.id,
                name: c.name.clone(),
                reasons: c
                    .reasons
                    .iter()
                    .map(|r| WeakReasonOut {
                        criterion: r.criterion.code(),
                        label: r.criterion.label(),
                        reason: r.reason.clone(),
                        rule: RuleOut {
                            key: r.rule.key.clone(),
                            version: r.rule.version,
                            title: r.rule.title.clone(),
                        },
                    })
                    .collect(),
                case_id: c.case.map(|k| k.id),
            })
            .collect(),
    }))
}

/// How many members are in each band.
#[derive(Debug, Serialize, ToSchema)]
pub struct BandsOut {
    pub members: u32,
    pub excellent: u32,
    pub good: u32,
    pub fair: u32,
    pub poor: u32,
}

impl From<&BandCounts> for BandsOut {
    fn from(c: &BandCounts) -> BandsOut {
        let of = |b: Band| c.counts[Band::ALL.iter().position(|x| *x == b).unwrap_or(3)];
        BandsOut {
            members: c.members(),
            excellent: of(Band::Excellent),
            good: of(Band::Good),
            fair: of(Band::Fair),
            poor: of(Band::Poor),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BandsRowOut {
    pub county: i32,
    pub id: i64,
    pub name: String,
    pub bands: BandsOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VanguardOut {
    pub year: i32,
    pub from: String,
    pub to: String,
    /// The subtree's members on the register at `to`.
    pub all: BandsOut,
    /// The organization's own members.
    pub own: BandsOut,
    pub children: Vec<BandsRowOut>,
    /// The band thresholds in force (优秀, 良好, 一般).
    pub band_rules: Vec<RuleOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/party-orgs/{county}/{id}/vanguard",
    params(
        ("county" = i32, Path, minimum = 100000, maximum = 999999, description = "县级行政区划代码"),
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "党组织编号"),
        ("year" = Option<i32>, Query, description = "年度（近十年内），默认今年")
    ),
    responses(
        (status = 200, description = "党员先锋指数各档人数（不列姓名、不排名）", body = VanguardOut),
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn vanguard(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<VanguardOut>, ApiError> {
    let key = Key { county, id };
    let (year, today) = year_of(&q)?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(today)
        .min(today);
    let scope = auth.scope.clone();
    state
        .pool
        .read(move |store| {
            store
                .party_org(&scope, key)?
                .map(|_| ())
                .ok_or_else(WebError::not_found)
        })
        .await?;
    let scope = auth.scope.clone();
    let d = crate::report::from_records(
        &state,
        &state.reports.vanguard,
        &auth.scope,
        (key, year),
        move |store| Ok(store.vanguard_distribution(&scope, key, from, to)?),
    )
    .await?;
    Ok(Json(VanguardOut {
        year,
        from: from.to_string(),
        to: to.to_string(),
        all: (&d.all).into(),
        own: (&d.own).into(),
        children: d
            .children
            .iter()
            .map(|(k, name, c)| BandsRowOut {
                county: k.county,
                id: k.id,
                name: name.clone(),
                bands: c.into(),
            })
            .collect(),
        band_rules: d
            .band_rules
            .iter()
            .map(|r| RuleOut {
                key: r.key.clone(),
                version: r.version,
                title: r.title.clone(),
            })
            .collect(),
    }))
}

/// 第八表 民主评议党员情况, one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppraisalRowOut {
    pub branches: i64,
    pub rounds_closed: i64,
    pub took_part: i64,
    pub voted: i64,
    pub graded: i64,
    pub excellent: i64,
    pub qualified: i64,
    pub basically_qualified: i64,
    pub unqualified: i64,
    pub cases_carried: i64,
    pub cases_opened: i64,
    pub corrected: i64,
    pub persuaded_out: i64,
    pub removed: i64,
    pub cases_open: i64,
}

/// 整顿软弱涣散基层党组织情况, one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationRowOut {
    pub found: i64,
    pub by_rules: i64,
    pub by_nomination: i64,
    /// Among those found by the rules: criterion code → organizations.
    pub by_criterion: std::collections::BTreeMap<&'static str, i64>,
    pub accepted: i64,
    pub in_progress: i64,
    pub overdue: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TableRowOut {
    /// `total` (合计), `own` (本级) or `child`.
    pub row: &'static str,
    pub county: Option<i32>,
    pub id: Option<i64>,
    pub name: String,
    pub appraisal: AppraisalRowOut,
    pub rectification: RectificationRowOut,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TablesOut {
    pub year: i32,
    pub as_of: String,
    pub rows: Vec<TableRowOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/party-orgs/{county}/{id}/evaluation-tables",
    params(
        ("county" = i32, Path, minimum = 100000, maximum = 999999, description = "县级行政区划代码"),
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "党组织编号"),
        ("year" = Option<i32>, Query, description = "年度（近十年内），默认今年；统计截止日期为今天")
    ),
    responses(
        (status = 200, description = "民主评议党员情况和整顿软弱涣散基层党组织情况（按记录计算）", body = TablesOut),
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn tables(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath((county, id)): ApiPath<(i32, i64)>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> Result<Json<TablesOut>, ApiError> {
    let key = Key { county, id };
    let (year, today) = year_of(&q)?;
    let scope = auth.scope.clone();
    state
        .pool
        .read(move |store| {
            store
                .party_org(&scope, key)?
                .map(|_| ())
                .ok_or_else(WebError::not_found)
        })
        .await?;
    let t = crate::report::evaluation_tables(&state, &auth.scope, key, year, today).await?;
    Ok(Json(TablesOut {
        year: t.year,
        as_of: t.as_of.to_string(),
        rows: t
            .rows
            .iter()
            .map(|r| {
                let a = &r.appraisal;
                let x = &r.rectification;
                TableRowOut {
                    row: match (&r.party_org, r.own) {
                        (None, _) => "total",
                        (Some(_), true) => "own",
                        (Some(_), false) => "child",
                    },
                    county: r.party_org.as_ref().map(|p| p.0.county),
                    id: r.party_org.as_ref().map(|p| p.0.id),
                    name: r
                        .party_org
                        .as_ref()
                        .map_or_else(|| "合计".to_owned(), |p| p.1.clone()),
                    appraisal: AppraisalRowOut {
                        branches: a.branches,
                        rounds_closed: a.rounds_closed,
                        took_part: a.took_part,
                        voted: a.voted,
                        graded: a.graded,
                        excellent: a.grades[0],
                        qualified: a.grades[1],
                        basically_qualified: a.grades[2],
                        unqualified: a.grades[3],
                        cases_carried: a.cases_carried,
                        cases_opened: a.cases_opened,
                        corrected: a.corrected,
                        persuaded_out: a.persuaded_out,
                        removed: a.removed,
                        cases_open: a.cases_open,
                    },
                    rectification: RectificationRowOut {
                        found: x.found,
                        by_rules: x.by_rules,
                        by_nomination: x.by_nomination,
                        by_criterion: WeakCriterion::ALL
                            .iter()
                            .zip(x.by_criterion)
                            .map(|(c, n)| (c.code(), n))
                            .collect(),
                        accepted: x.accepted,
                        in_progress: x.in_progress,
                        overdue: x.overdue,
                    },
                }
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct StarsQuery {
    pub year: Option<String>,
    pub step: Option<String>,
    pub page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarOut {
    /// The party organization rated.
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The assessment's own number (its county is the organization's).
    pub assessment_id: i64,
    /// self, scored, reviewed or confirmed.
    pub step: &'static str,
    pub total: Option<i64>,
    /// Once scored: 0 for a vetoed year (不评星), else 1 to 5.
    pub stars: Option<u8>,
    /// Once confirmed: the last confirmed rating before it, and the change (first, up,
    /// down, same).
    pub previous_stars: Option<u8>,
    pub change: Option<&'static str>,
    pub demonstration: bool,
    /// The next step is the caller's.
    pub yours: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StarsOut {
    pub year: i32,
    /// The years the caller's scope has ratings of, newest first.
    pub years: Vec<i32>,
    /// Organizations of the scope that are rated, whether or not they took part.
    pub eligible: u32,
    /// Confirmed ratings by stars: `[0]` vetoed, `[n]` n stars.
    pub confirmed_by_stars: [u32; 6],
    /// Assessments the filter keeps (all pages).
    pub total: usize,
    pub page: i64,
    pub items: Vec<StarOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/stars",
    params(
        ("year" = Option<i32>, Query, description = "评星年度（近十年内），默认为本范围有评星的最近年度"),
        ("step" = inline(Option<crate::api::doc::StarStepFilter>), Query, description = "只列出此环节的，yours 为待本级办理的"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100个")
    ),
    responses(
        (status = 200, description = "本范围内党组织的双强六好评星（按党组织）", body = StarsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn stars(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<StarsQuery>,
) -> Result<Json<StarsOut>, ApiError> {
    use liangxin_store::stars::Step;
    let today = crate::today();
    let year = params::year(&q.year, today)?;
    let filter = crate::lists::stars::Filter::parse(&q.step, &None)?;
    let page = params::page(&q.page)?;
    let list = crate::report::star_list(&state, &auth.scope, year).await?;
    let kept: Vec<_> = list.lines.iter().filter(|l| filter.keeps(l)).collect();
    let skip = usize::try_from(page - 1).unwrap_or(0) * PAGE_SIZE;
    Ok(Json(StarsOut {
        year: list.year,
        years: list.years.clone(),
        eligible: list.eligible,
        confirmed_by_stars: list.confirmed_by_stars(),
        total: kept.len(),
        page,
        items: kept
            .iter()
            .skip(skip)
            .take(PAGE_SIZE)
            .map(|l| {
                let s = &l.summary;
                let change = s.change().map(|c| c.code());
                StarOut {
                    county: s.party_org.county,
                    id: s.party_org.id,
                    name: l.party_org_name.clone(),
                    assessment_id: s.key.id,
                    step: s.step.code(),
                    total: s.total,
                    stars: s.stars,
                    previous_stars: (s.step == Step::Confirmed)
                        .then_some(s.previous_stars)
                        .flatten(),
                    change,
                    demonstration: s.demonstration,
                    yours: l.yours,
                }
            })
            .collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct RectificationsQuery {
    pub year: Option<String>,
    pub page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationOut {
    /// The party organization under rectification.
    pub county: i32,
    pub id: i64,
    pub name: String,
    /// The case's own number (its county is the organization's).
    pub case_id: i64,
    /// rules (认定 by the rules over the records) or nomination (上级提名).
    pub basis: &'static str,
    pub opened_on: String,
    pub deadline: String,
    /// The day the level above accepted it (验收销号).
    pub closed_on: Option<String>,
    /// Past its deadline and not accepted.
    pub overdue: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RectificationsOut {
    pub year: i32,
    pub open: usize,
    pub overdue: usize,
    pub closed: usize,
    pub page: i64,
    /// Open first, then by deadline.
    pub items: Vec<RectificationOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/rectifications",
    params(
        ("year" = Option<i32>, Query, description = "立案年度（近十年内），默认今年"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，每页100个")
    ),
    responses(
        (status = 200, description = "本范围内软弱涣散党组织的整顿案件", body = RectificationsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn rectifications(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<RectificationsQuery>,
) -> Result<Json<RectificationsOut>, ApiError> {
    let today = crate::today();
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let page = params::page(&q.page)?;
    let cases = crate::report::rectifications(&state, &auth.scope, year).await?;
    let overdue =
        |c: &liangxin_store::weak::CaseSummary| c.closed_on.is_none() && c.deadline < today;
    Ok(Json(RectificationsOut {
        year,
        open: cases.iter().filter(|c| c.closed_on.is_none()).count(),
        overdue: cases.iter().filter(|c| overdue(c)).count(),
        closed: cases.iter().filter(|c| c.closed_on.is_some()).count(),
        page,
        items: cases
            .iter()
            .skip(usize::try_from(page - 1).unwrap_or(0) * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|c| RectificationOut {
                county: c.party_org.county,
                id: c.party_org.id,
                name: c.party_org_name.clone(),
                case_id: c.key.id,
                basis: c.basis.code(),
                opened_on: c.opened_on.to_string(),
                deadline: c.deadline.to_string(),
                closed_on: c.closed_on.map(|d| d.to_string()),
                overdue: overdue(c),
            })
            .collect(),
    }))
}
