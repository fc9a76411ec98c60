//! `GET /weak`: 软弱涣散基层党组织 of the user's scope — the branches the rules point to
//! this year, each reason with its rule, and the year's rectification cases. `GET
//! /weak/new?party_org=330825-12[&basis=nomination]` and `POST /weak/new`: the level above
//! opens a case, on the reasons the records give or on its own nomination.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::registry::Key;
use liangxin_domain::weak::WeakCriterion;
use liangxin_store::weak::{Basis, OpenCase, WeakCandidate};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::view::{Layout, Pager, render};
use crate::{AppState, params};

struct Candidate {
    href: String,
    name: String,
    /// (criterion, facts, rule).
    reasons: Vec<(&'static str, String, String)>,
    /// The year's case, or where to open one.
    case_href: Option<String>,
    open_href: String,
}

struct Case {
    href: String,
    name: String,
    basis: &'static str,
    opened: String,
    deadline: String,
    state: &'static str,
}

/// A criterion with how many of the scope's branches it names, and the list of them.
struct Tally {
    label: &'static str,
    count: usize,
    href: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "weak.html")]
struct WeakPage {
    layout: Layout,
    year: i32,
    /// Candidates of every criterion, and those shown (of the criterion chosen).
    total: usize,
    shown: usize,
    tallies: Vec<Tally>,
    all_href: String,
    filtered: bool,
    candidates: Vec<Candidate>,
    pager: Pager,
    cases: Vec<Case>,
    nominate_href: String,
    file_href: String,
}

async fn candidates(
    state: &Arc<AppState>,
    auth: &Auth,
) -> Result<Arc<Vec<WeakCandidate>>, WebError> {
    let scope = auth.scope.clone();
    crate::report::from_records(state, &state.reports.weak, &auth.scope, (), move |store| {
        Ok(store.weak_candidates(&scope, crate::today())?)
    })
    .await
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub criterion: Option<String>,
    pub page: Option<i64>,
}

/// Candidates shown a page: a city's run to thousands.
const PAGE: usize = 50;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let today = crate::today();
    let all = candidates(&state, &auth).await?;
    let criterion = q.criterion.as_deref().and_then(WeakCriterion::parse);
    let found: Vec<&WeakCandidate> = all
        .iter()
        .filter(|c| criterion.is_none_or(|k| c.reasons.iter().any(|r| r.criterion == k)))
        .collect();
    let pager = Pager::new(
        "/weak",
        vec![(
            "criterion",
            criterion.map(|c| c.code().to_owned()).unwrap_or_default(),
        )],
        q.page.unwrap_or(1),
        found.len(),
        PAGE,
    );
    // The year's cases, and last year's not yet accepted: a case carries on until 销号.
    let earlier = crate::report::rectifications(&state, &auth.scope, today.year() - 1).await?;
    let mut cases: Vec<liangxin_store::weak::CaseSummary> =
        (*crate::report::rectifications(&state, &auth.scope, today.year()).await?).clone();
    cases.extend(earlier.iter().filter(|c| c.closed_on.is_none()).cloned());
    let layout = Layout::new(&state, &auth, "软弱涣散党组织整顿", "weak").await?;
    let page = WeakPage {
        layout,
        year: today.year(),
        total: all.len(),
        shown: found.len(),
        tallies: WeakCriterion::ALL
            .iter()
            .map(|k| Tally {
                label: k.label(),
                count: all
                    .iter()
                    .filter(|c| c.reasons.iter().any(|r| r.criterion == *k))
                    .count(),
                href: format!("/weak?criterion={}", k.code()),
                current: criterion == Some(*k),
            })
            .collect(),
        all_href: "/weak".into(),
        filtered: criterion.is_some(),
        candidates: pager
            .rows(&found)
            .iter()
            .map(|c| Candidate {
                href: format!("/party-orgs/{}/{}", c.party_org.county, c.party_org.id),
                name: c.name.clone(),
                reasons: c
                    .reasons
                    .iter()
                    .map(|r| {
                        (
                            r.criterion.label(),
                            r.reason.clone(),
                            format!(
                                "{}（{}，第{}版）",
                                r.rule.title, r.rule.source, r.rule.version
                            ),
                        )
                    })
                    .collect(),
                case_href: c
                    .case
                    .map(|k| format!("/rectifications/{}/{}", k.county, k.id)),
                open_href: format!(
                    "/weak/new?party_org={}-{}",
                    c.party_org.county, c.party_org.id
                ),
            })
            .collect(),
        cases: cases
            .iter()
            .map(|c| Case {
                href: format!("/rectifications/{}/{}", c.key.county, c.key.id),
                name: c.party_org_name.clone(),
                basis: c.basis.label(),
                opened: c.opened_on.format("%Y年%m月%d日").to_string(),
                deadline: c.deadline.format("%Y年%m月%d日").to_string(),
                state: case_state(c, today),
            })
            .collect(),
        nominate_href: "/weak/new?basis=nomination".into(),
        file_href: format!(
            "/weak.xlsx?criterion={}",
            criterion.map(|c| c.code()).unwrap_or_default()
        ),
        pager,
    };
    render(&page)
}

/// A case's state as the list and the file say it.
fn case_state(c: &liangxin_store::weak::CaseSummary, today: NaiveDate) -> &'static str {
    match c.closed_on {
        Some(_) => "已验收销号",
        None if c.deadline < today => "逾期未销号",
        None => "整改中",
    }
}

/// `GET /weak.xlsx|csv[?criterion=]`: the candidates the page lists, every page, each
/// reason with its rule, and whether the year's case is open.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: ListQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let all = candidates(&state, &auth).await?;
    let criterion = q.criterion.as_deref().and_then(WeakCriterion::parse);
    let e = Export {
        file_stem: "weak",
        sheet: "软弱涣散排查",
        title: format!(
            "{}年度软弱涣散基层党组织排查（按规则，截至{}）",
            today.year(),
            today.format("%Y年%m月%d日")
        ),
        headers: vec!["党组织", "情形", "事实", "依据", "整顿"],
    };
    let mut rows = Vec::new();
    for c in all
        .iter()
        .filter(|c| criterion.is_none_or(|k| c.reasons.iter().any(|r| r.criterion == k)))
    {
        for r in &c.reasons {
            rows.push(vec![
                Cell::Text(c.name.clone()),
                Cell::Text(r.criterion.label().into()),
                Cell::Text(r.reason.clone()),
                Cell::Text(format!(
                    "{}（{} 第{}版）",
                    r.rule.title, r.rule.key, r.rule.version
                )),
                Cell::Text(if c.case.is_some() { "已立案" } else { "" }.into()),
            ]);
        }
    }
    export::respond_whole(&state, e, format, rows).await
}

crate::export::file_handlers!(ListQuery);

#[derive(Debug, Deserialize)]
pub struct CasesQuery {
    pub year: Option<String>,
}

/// `GET /weak/cases.xlsx[?year=]`: the scope's rectification cases of a year.
pub async fn cases_xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<CasesQuery>,
) -> Result<Response, WebError> {
    let today = crate::today();
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let cases = crate::report::rectifications(&state, &auth.scope, year).await?;
    let e = Export {
        file_stem: "rectifications",
        sheet: "整顿案件",
        title: format!(
            "{year}年度软弱涣散基层党组织整顿（导出于{}）",
            today.format("%Y年%m月%d日")
        ),
        headers: vec![
            "党组织",
            "认定方式",
            "立案日期",
            "整改期限",
            "验收销号日期",
            "状态",
        ],
    };
    let rows = cases
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.party_org_name.clone()),
                Cell::Text(c.basis.label().into()),
                export::day(c.opened_on),
                export::day(c.deadline),
                c.closed_on.map_or(Cell::Empty, export::day),
                Cell::Text(case_state(c, today).into()),
            ]
        })
        .collect();
    export::respond_whole(&state, e, Format::Xlsx, rows).await
}

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    pub party_org: Option<String>,
    pub basis: Option<String>,
}

#[derive(Debug, Default, Clone)]
struct Typed {
    party_org: String,
    basis: String,
    nominated: String,
    causes: String,
    measures: String,
    leader: String,
    instructor: String,
    deadline: String,
}

#[derive(Template)]
#[template(path = "weak_new.html")]
struct NewPage {
    layout: Layout,
    error: Option<String>,
    t: Typed,
    /// The reasons the rules give the organization named, if any.
    reasons: Vec<String>,
    name: String,
}

async fn new_page(
    state: &Arc<AppState>,
    auth: &Auth,
    t: Typed,
    error: Option<String>,
) -> Result<NewPage, WebError> {
    let key = Key::parse_code(&t.party_org);
    let mut name = String::new();
    let mut reasons = Vec::new();
    if let Some(key) = key {
        let scope = auth.scope.clone();
        if let Some(po) = state
            .pool
            .run(move |store| Ok(store.party_org(&scope, key)?))
            .await?
        {
            name = po.name;
        }
        let found = candidates(state, auth).await?;
        if let Some(c) = found.iter().find(|c| c.party_org == key) {
            reasons = c
                .reasons
                .iter()
                .map(|r| format!("{}：{}", r.criterion.label(), r.reason))
                .collect();
        }
    }
    let layout = Layout::new(state, auth, "软弱涣散整顿立案", "weak").await?;
    Ok(NewPage {
        layout,
        error,
        t,
        reasons,
        name,
    })
}

pub async fn show_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<NewQuery>,
) -> Result<Html<String>, WebError> {
    let t = Typed {
        party_org: q.party_org.unwrap_or_default(),
        basis: q.basis.unwrap_or_else(|| "rules".into()),
        ..Typed::default()
    };
    render(&new_page(&state, &auth, t, None).await?)
}

pub async fn submit_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let f = |n: &str| params::field(&pairs, n);
    let t = Typed {
        party_org: f("party_org"),
        basis: f("basis"),
        nominated: f("nominated"),
        causes: f("causes"),
        measures: f("measures"),
        leader: f("leader"),
        instructor: f("instructor"),
        deadline: f("deadline"),
    };
    let checked = (|| {
        let party_org = Key::parse_code(&t.party_org)
            .ok_or_else(|| WebError::bad_field("党组织", "请填写组织编号，如 330825-12"))?;
        let basis = match t.basis.as_str() {
            "rules" => Basis::Rules,
            "nomination" => Basis::Nomination,
            _ => return Err(WebError::bad_field("认定方式", "应为按规则认定或上级提名")),
        };
        let instructor = match t.instructor.trim() {
            "" => None,
            code => Some(Key::parse_code(code).ok_or_else(|| {
                WebError::bad_field("党建指导员", "请填写指导员编号，如 330825-3")
            })?),
        };
        Ok(OpenCase {
            party_org,
            basis,
            nominated: t.nominated.clone(),
            causes: t.causes.clone(),
            measures: t.measures.clone(),
            leader: t.leader.clone(),
            instructor,
            deadline: params::deadline("整改期限", &t.deadline)?,
        })
    })();
    let opened = match checked {
        Ok(case) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| Ok(store.open_rectification(&actor, &scope, today, case)?))
                .await
        }
        Err(e) => Err(e),
    };
    match opened {
        Ok(k) => Ok(Redirect::to(&format!(
            "/rectifications/{}/{}?saved=rectification_opened",
            k.county, k.id
        ))
        .into_response()),
        Err(e) if e.status != StatusCode::NOT_FOUND && e.field.is_some() => {
            let p = new_page(&state, &auth, t, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
