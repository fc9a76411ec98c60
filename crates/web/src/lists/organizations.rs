//! The organizations of the scope (两新组织) for the page, the API and the files: the list's
//! query string and its checks, a page of rows with the coverage state and actions the
//! engine gave each, the whole list as a file, and one organization's detail.

use std::sync::Arc;

use axum::response::Response;
use liangxin_domain::coverage::{self, CoverageState, OrganizationFacts, UnitFilter};
use liangxin_domain::kinds::{OrgKind, SectorTag};
use liangxin_domain::registry::Key;
use liangxin_domain::rules::CoverageRules;
use liangxin_store::organizations::{
    OrgFilter, OrgListRow, OrgPage, OrgSort, SectorFilter, ZoneFilter,
};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format, PAGE_ROWS};
use crate::params;

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
            .read(move |store| Ok(store.organizations_by_keys(&scope, today, &page)?))
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
        .read(move |store| {
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
pub async fn judged_keys(
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
        .read(move |store| {
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

/// The 统一社会信用代码 as the list writes it: flagged when its check digit failed.
pub fn credit_text(row: &OrgListRow) -> String {
    match &row.credit_code {
        Some(c) if row.credit_code_check_failed => format!("{c}（校验位不符）"),
        Some(c) => c.clone(),
        None => "未登记".into(),
    }
}

/// The whole filtered list as a file, in the list's order; 从业人员 as a number.
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    p: ListParams,
    format: Format,
) -> Result<Response, WebError> {
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
                let credit = credit_text(&a.row);
                vec![
                    Cell::Text(a.row.name),
                    Cell::Text(a.row.county_name),
                    Cell::Text(a.row.zone_name.unwrap_or_default()),
                    a.row.kind.label().into(),
                    Cell::Text(credit),
                    a.row.employees.map_or(Cell::Empty, export::int),
                    state_view(a.state).0.into(),
                    Cell::Text(a.actions.join("、")),
                ]
            })
            .collect())
    })
    .await
}

/// Everything the detail shows, if the scope sees the organization.
#[derive(Debug)]
pub struct Detail {
    pub row: OrgListRow,
    pub facts: OrganizationFacts,
    pub assessed: coverage::OrganizationCoverage,
    pub covering: Vec<String>,
    pub instructors: Vec<String>,
}

/// One organization with what the engine says of it; outside the scope, 404.
pub async fn load(state: &Arc<AppState>, auth: &Auth, key: Key) -> Result<Detail, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    state
        .pool
        .read(move |store| {
            let row = store
                .organization(&scope, today, key)?
                .ok_or_else(WebError::not_found)?;
            let facts = store
                .organization_facts(&scope, today, &[key.id])?
                .into_iter()
                .next()
                .ok_or_else(WebError::not_found)?;
            let rules =
                CoverageRules::resolve(&store.rule_set()?, today).map_err(WebError::internal)?;
            let assessed = coverage::assess_organization(&facts, &rules);
            let covering = store
                .covering_party_orgs(&scope, key)?
                .into_iter()
                .map(|(_, n, t)| format!("{n}（{}）", t.label()))
                .collect();
            let instructors = store
                .instructors_of(key, today)?
                .into_iter()
                .map(|(n, since)| format!("{n}（{}起）", since.format("%Y年%m月%d日")))
                .collect();
            Ok(Detail {
                row,
                facts,
                assessed,
                covering,
                instructors,
            })
        })
        .await
}
