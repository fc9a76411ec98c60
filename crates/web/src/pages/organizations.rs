//! `GET /organizations`: the organizations of the scope with their coverage state, filtered,
//! sorted and paged; the state of each row comes from the engine.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use liangxin_domain::coverage::{self, CoverageState, UnitFilter};
use liangxin_domain::kinds::{OrgKind, SectorTag};
use liangxin_domain::registry::Key;
use liangxin_store::organizations::{
    OrgFilter, OrgListRow, OrgPage, OrgSort, SectorFilter, ZoneFilter,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format, PAGE_ROWS};
use crate::params;
use crate::view::{Choice, Layout, query, render, thousands};

pub const PAGE_SIZE: i64 = 50;

/// The list's query string; every field is checked, a bad one is a 422 naming it.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    pub county: Option<String>,
    pub kind: Option<String>,
    /// 园区小镇 id
    pub zone: Option<String>,
    /// A 行业 code, or none
    pub sector: Option<String>,
    /// organization, work, work_only, gap
    pub state: Option<String>,
    /// any, or one action's code (as /gaps takes it)
    pub action: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

/// A checked [`ListQuery`].
#[derive(Debug, Clone)]
pub struct ListParams {
    pub filter: OrgFilter,
    /// What the engine must say of a row for it to be listed (a state, an action).
    pub units: Vec<UnitFilter>,
    pub state_raw: String,
    pub action_raw: String,
    pub sort: OrgSort,
    pub descending: bool,
    pub sort_raw: String,
    pub page: i64,
}

impl ListQuery {
    pub fn check(&self) -> Result<ListParams, WebError> {
        let blank = params::text;
        let county = params::county(&self.county)?;
        let kind = blank(&self.kind)
            .map(|k| OrgKind::parse(&k).map_err(|e| WebError::bad_field("组织类别", e.to_string())))
            .transpose()?;
        let sort_raw = blank(&self.sort).unwrap_or_else(|| "name".into());
        let (sort, descending) = match sort_raw.as_str() {
            "name" => (OrgSort::Name, false),
            "-name" => (OrgSort::Name, true),
            "county" => (OrgSort::County, false),
            "-county" => (OrgSort::County, true),
            "employees" => (OrgSort::Employees, false),
            "-employees" => (OrgSort::Employees, true),
            _ => {
                return Err(WebError::bad_field(
                    "排序",
                    "可选 name、county、employees，前加 - 为倒序",
                ));
            }
        };
        let page = params::page(&self.page)?;
        let zone = blank(&self.zone)
            .map(|z| match z.as_str() {
                "none" => Ok(ZoneFilter::Outside),
                z => z
                    .parse::<i64>()
                    .ok()
                    .filter(|z| *z > 0)
                    .map(ZoneFilter::In)
                    .ok_or_else(|| {
                        WebError::bad_field(
                            "园区小镇",
                            "应为园区小镇的编号，或 none（不在园区小镇）",
                        )
                    }),
            })
            .transpose()?;
        let sector = blank(&self.sector)
            .map(|t| match t.as_str() {
                "none" => Ok(SectorFilter::Untagged),
                t => SectorTag::parse(t).map(SectorFilter::Tagged).map_err(|_| {
                    let codes: Vec<&str> = SectorTag::ALL.iter().map(|t| t.code()).collect();
                    WebError::bad_field(
                        "行业",
                        format!("可选 {}，或 none（未标注行业）", codes.join("、")),
                    )
                }),
            })
            .transpose()?;
        let state_raw = blank(&self.state).unwrap_or_default();
        let state = match state_raw.as_str() {
            "" => None,
            code => Some(UnitFilter::parse_state(code).ok_or_else(|| {
                WebError::bad_field(
                    "覆盖状态",
                    "可选 organization（组织覆盖）、work（工作覆盖，含组织覆盖）、work_only（仅工作覆盖）、gap（空白）",
                )
            })?),
        };
        let action_raw = blank(&self.action).unwrap_or_default();
        let action = match action_raw.as_str() {
            "" => None,
            a => Some(UnitFilter::parse_action(a).ok_or_else(|| {
                WebError::bad_field(
                    "应采取行动",
                    format!("“{a}”不是可选的行动（any 为任一行动）"),
                )
            })?),
        };
        let q = blank(&self.q);
        if q.as_ref().is_some_and(|q| q.chars().count() > 100) {
            return Err(WebError::bad_field("名称或信用代码", "不能超过100个字"));
        }
        Ok(ListParams {
            filter: OrgFilter {
                q,
                county,
                zone,
                kind,
                sector,
            },
            units: state.into_iter().chain(action).collect(),
            state_raw,
            action_raw,
            sort,
            descending,
            sort_raw,
            page,
        })
    }
}

/// One row with its engine-computed state and actions.
#[derive(Debug)]
pub struct AssessedOrg {
    pub row: OrgListRow,
    pub state: Option<CoverageState>,
    pub actions: Vec<&'static str>,
}

/// Loads a page of organizations and assesses each row.
pub async fn load_page(
    state: &Arc<AppState>,
    auth: &Auth,
    p: &ListParams,
) -> Result<(i64, Vec<AssessedOrg>), WebError> {
    if !p.units.is_empty() {
        let keys = judged_keys(state, auth, p).await?;
        let total = i64::try_from(keys.len()).unwrap_or(i64::MAX);
        let offset = usize::try_from((p.page - 1) * PAGE_SIZE).unwrap_or(usize::MAX);
        let page: Vec<Key> = keys
            .into_iter()
            .skip(offset)
            .take(PAGE_SIZE as usize)
            .collect();
        let scope = auth.scope.clone();
        let today = crate::today();
        let rows = state
            .pool
            .run(move |store| Ok(store.organizations_by_keys(&scope, today, &page)?))
            .await?;
        let report = crate::report::scope_report(state, auth.scope.clone(), None).await?;
        return Ok((total, assess(&report, rows)));
    }
    let total = crate::report::list_count(
        state,
        &auth.scope,
        crate::report::Counted::Organizations(p.filter.clone()),
    )
    .await?;
    let scope = auth.scope.clone();
    let p = p.clone();
    let today = crate::today();
    let rows = state
        .pool
        .run(move |store| {
            Ok(store.organizations_page(
                &scope,
                today,
                &OrgPage {
                    filter: p.filter.clone(),
                    sort: p.sort,
                    descending: p.descending,
                    offset: (p.page - 1) * PAGE_SIZE,
                    limit: PAGE_SIZE,
                },
            )?)
        })
        .await?;
    let report = crate::report::scope_report(state, auth.scope.clone(), None).await?;
    Ok((total, assess(&report, rows)))
}

/// The keys of the rows the list's filters keep, in its order: the store's filters and order,
/// then the scope's coverage report (the one the figures count) for the state and actions.
async fn judged_keys(
    state: &Arc<AppState>,
    auth: &Auth,
    p: &ListParams,
) -> Result<Vec<Key>, WebError> {
    let report = crate::report::scope_report(state, auth.scope.clone(), None).await?;
    let scope = auth.scope.clone();
    let p = p.clone();
    let today = crate::today();
    state
        .pool
        .run(move |store| {
            let keys = store.organization_keys(&scope, today, &p.filter, p.sort, p.descending)?;
            Ok(keys
                .into_iter()
                .filter(|k| {
                    report
                        .report
                        .units
                        .get(k)
                        .is_some_and(|u| p.units.iter().all(|f| f.keeps(u)))
                })
                .collect())
        })
        .await
}

/// Each row's state and actions as the scope's coverage report judged them: the report the
/// figures count, computed once per registry version, so a row never says other than its
/// figure.
fn assess(report: &crate::report::ScopeReport, rows: Vec<OrgListRow>) -> Vec<AssessedOrg> {
    rows.into_iter()
        .map(|row| {
            let unit = report.report.units.get(&row.key);
            AssessedOrg {
                state: unit.map(|u| u.state),
                actions: unit
                    .map(|u| u.actions.iter().map(|a| a.label()).collect())
                    .unwrap_or_default(),
                row,
            }
        })
        .collect()
}

pub fn state_view(s: Option<CoverageState>) -> (&'static str, &'static str) {
    match s {
        Some(CoverageState::Organization) => ("组织覆盖", "ok"),
        Some(CoverageState::Work) => ("工作覆盖", "warn"),
        Some(CoverageState::Gap) => ("空白", "bad"),
        None => ("—", ""),
    }
}

struct RowView {
    href: String,
    name: String,
    county: String,
    zone: String,
    kind: &'static str,
    credit: String,
    employees: String,
    state: &'static str,
    state_class: &'static str,
    actions: String,
}

fn row_view(a: AssessedOrg) -> RowView {
    let (state, state_class) = state_view(a.state);
    RowView {
        href: format!("/organizations/{}/{}", a.row.key.county, a.row.key.id),
        name: a.row.name,
        county: a.row.county_name,
        zone: a.row.zone_name.unwrap_or_default(),
        kind: a.row.kind.label(),
        credit: a
            .row
            .credit_code
            .map(|c| {
                if a.row.credit_code_check_failed {
                    format!("{c}（校验位不符）")
                } else {
                    c
                }
            })
            .unwrap_or_else(|| "未登记".into()),
        employees: a
            .row
            .employees
            .map(|e| format!("{e}人"))
            .unwrap_or_default(),
        state,
        state_class,
        actions: a.actions.join("、"),
    }
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct OrganizationsPage {
    layout: Layout,
    q: String,
    counties: Vec<Choice>,
    kinds: Vec<Choice>,
    states: Vec<Choice>,
    actions: Vec<Choice>,
    zone: String,
    total: String,
    /// The row count, unformatted, for whoever checks it against the figure that linked here.
    total_n: i64,
    page: i64,
    pages: i64,
    rows: Vec<RowView>,
    sort_name: String,
    sort_county: String,
    sort_employees: String,
    prev: Option<String>,
    next: Option<String>,
    can_register: bool,
    csv: String,
    xlsx: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(raw): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let p = raw.check()?;
    let layout = Layout::new(&state, &auth, "两新组织", "organizations").await?;
    let (total, rows) = load_page(&state, &auth, &p).await?;
    let counties = county_choices(&state, &auth, p.filter.county).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let q = p.filter.q.clone().unwrap_or_default();
    let county = p.filter.county.map(|c| c.to_string()).unwrap_or_default();
    let kind = p
        .filter
        .kind
        .map(|k| k.code().to_owned())
        .unwrap_or_default();
    let zone = match p.filter.zone {
        Some(ZoneFilter::In(z)) => z.to_string(),
        Some(ZoneFilter::Outside) => "none".to_owned(),
        None => String::new(),
    };
    let sector = match p.filter.sector {
        Some(SectorFilter::Tagged(t)) => t.code().to_owned(),
        Some(SectorFilter::Untagged) => "none".to_owned(),
        None => String::new(),
    };
    let link = |sort: &str, page: i64| {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        format!(
            "/organizations{}",
            query(&[
                ("q", q.clone()),
                ("county", county.clone()),
                ("kind", kind.clone()),
                ("zone", zone.clone()),
                ("sector", sector.clone()),
                ("state", p.state_raw.clone()),
                ("action", p.action_raw.clone()),
                ("sort", sort.to_owned()),
                ("page", page)
            ])
        )
    };
    let flip = |col: &str| {
        if p.sort_raw == col {
            format!("-{col}")
        } else {
            col.to_owned()
        }
    };
    let page = OrganizationsPage {
        counties,
        kinds: OrgKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: k.label().into(),
                selected: p.filter.kind == Some(*k),
            })
            .collect(),
        states: [
            ("organization", "组织覆盖"),
            ("work", "工作覆盖（含组织覆盖）"),
            ("work_only", "仅工作覆盖"),
            ("gap", "空白"),
        ]
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.into(),
            label: label.into(),
            selected: p.state_raw == value,
        })
        .collect(),
        actions: std::iter::once(("any", "任一行动"))
            .chain(coverage::Action::ALL.iter().map(|a| (a.code(), a.label())))
            .map(|(value, label)| Choice {
                value: value.into(),
                label: label.into(),
                selected: p.action_raw == value,
            })
            .collect(),
        zone: zone.clone(),
        total: thousands(u64::try_from(total).unwrap_or(0)),
        total_n: total,
        page: p.page,
        pages,
        rows: rows.into_iter().map(row_view).collect(),
        sort_name: link(&flip("name"), 1),
        sort_county: link(&flip("county"), 1),
        sort_employees: link(&flip("-employees"), 1),
        prev: (p.page > 1).then(|| link(&p.sort_raw, p.page - 1)),
        next: (p.page < pages).then(|| link(&p.sort_raw, p.page + 1)),
        csv: link(&p.sort_raw, 1).replacen("/organizations", "/organizations.csv", 1),
        xlsx: link(&p.sort_raw, 1).replacen("/organizations", "/organizations.xlsx", 1),
        q: q.clone(),
        can_register: crate::routes::Who::Committees.admits(auth.role),
        layout,
    };
    render(&page)
}

/// The counties a user may filter by: those of their region (none for smaller scopes).
pub async fn county_choices(
    state: &Arc<AppState>,
    auth: &Auth,
    selected: Option<i32>,
) -> Result<Vec<Choice>, WebError> {
    let Some((lo, hi)) = auth.scope.county_range() else {
        return Ok(Vec::new());
    };
    if lo == hi {
        return Ok(Vec::new());
    }
    let names = state.pool.run(|store| Ok(store.region_names()?)).await?;
    let mut counties: Vec<(i32, String)> = names
        .into_iter()
        .filter(|(c, _)| (lo..=hi).contains(c) && *c != lo && *c < 1_000_000)
        .collect();
    counties.sort();
    Ok(counties
        .into_iter()
        .map(|(c, n)| Choice {
            value: c.to_string(),
            label: n,
            selected: selected == Some(c),
        })
        .collect())
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    raw: ListQuery,
    format: Format,
) -> Result<Response, WebError> {
    let p = raw.check()?;
    let judged = if p.units.is_empty() {
        None
    } else {
        Some(judged_keys(&state, &auth, &p).await?)
    };
    let report = crate::report::scope_report(&state, auth.scope.clone(), None).await?;
    let scope = auth.scope.clone();
    let today = crate::today();
    let e = Export {
        file_stem: "organizations",
        sheet: "两新组织",
        title: format!("两新组织（截至{}）", today.format("%Y年%m月%d日")),
        headers: vec![
            "名称",
            "县(市、区)",
            "园区小镇",
            "组织类别",
            "统一社会信用代码",
            "从业人员",
            "覆盖状态",
            "应采取行动",
        ],
    };
    // The judged keys are read a page at a time by position in the key list, not by rows
    // written: an organization dissolved meanwhile must neither repeat a row nor end the file.
    let mut next_key = 0;
    export::respond(&state, e, format, move |store, offset| {
        let rows = match &judged {
            Some(keys) => {
                let mut rows = Vec::new();
                while rows.is_empty() && next_key < keys.len() {
                    let end = (next_key + PAGE_ROWS).min(keys.len());
                    rows = store.organizations_by_keys(&scope, today, &keys[next_key..end])?;
                    next_key = end;
                }
                rows
            }
            None => store.organizations_page(
                &scope,
                today,
                &OrgPage {
                    filter: p.filter.clone(),
                    sort: p.sort,
                    descending: p.descending,
                    offset: i64::try_from(offset).unwrap_or(i64::MAX),
                    limit: i64::try_from(PAGE_ROWS).unwrap_or(i64::MAX),
                },
            )?,
        };
        Ok(assess(&report, rows)
            .into_iter()
            .map(|a| {
                let v = row_view(a);
                vec![
                    v.name,
                    v.county,
                    v.zone,
                    v.kind.to_owned(),
                    v.credit,
                    v.employees,
                    v.state.to_owned(),
                    v.actions,
                ]
            })
            .map(export::text_row)
            .collect())
    })
    .await
}

crate::export::file_handlers!(ListQuery);
