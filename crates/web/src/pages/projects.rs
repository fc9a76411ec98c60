//! 项目领办清单 on pages.
//!
//! - `GET /projects?year=&show=&page=`: the projects of the scope's organizations for a year
//!   (`show=late` those late today), with the form to take one on.
//! - `GET /projects.xlsx|csv?year=&show=`: the projects listed.
//! - `GET /projects/{county}/{id}`: a project, its 节点, notes and result, with the forms to
//!   complete a 节点, note progress and close it.
//! - `POST /projects`, `/projects/{county}/{id}/milestones/{row}/done`,
//!   `/projects/{county}/{id}/notes`, `/projects/{county}/{id}/close`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::ProjectOutcome;
use liangxin_domain::registry::Key;
use liangxin_store::projects::{NewProject, Project};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::lists::projects::{late_only, parse_milestones};
use crate::view::{Layout, Pager, SavedQuery, cn_day, render};
use crate::{AppState, params};

/// Projects a page shows.
const PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct ProjectsQuery {
    pub year: Option<String>,
    /// `late`: those late today.
    pub show: Option<String>,
    pub page: Option<String>,
    pub saved: Option<String>,
}

struct ProjectRow {
    href: String,
    title: String,
    party_org: String,
    leader: String,
    due_on: String,
    milestones: String,
    last_note: String,
    state: String,
    late: bool,
}

fn project_row(p: &Project, today: NaiveDate) -> ProjectRow {
    let state = p.state(today);
    ProjectRow {
        href: format!("/projects/{}/{}", p.key.county, p.key.id),
        title: p.title.clone(),
        party_org: p.party_org_name.clone(),
        leader: p.leader_name.clone(),
        due_on: cn_day(p.due_on),
        milestones: format!(
            "{}／{}",
            p.milestones.iter().filter(|m| m.done_on.is_some()).count(),
            p.milestones.len()
        ),
        last_note: p.last_note.map(cn_day).unwrap_or_default(),
        state: state.label(),
        late: state.is_late(),
    }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ProjectsPage {
    layout: Layout,
    year: i32,
    this_year: i32,
    first_year: i32,
    all: usize,
    open: usize,
    late: usize,
    closed: usize,
    show_code: &'static str,
    total: usize,
    rows: Vec<ProjectRow>,
    pager: Pager,
    /// The scope's own organization's code, the form's default.
    own: String,
    records: bool,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl ProjectsPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: &ProjectsQuery,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<ProjectsPage, WebError> {
    let today = crate::today();
    let late = late_only(&q.show)?;
    let page_no = params::page(&q.page)?;
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let scope = auth.scope.clone();
    let root = state
        .pool
        .run(move |store| Ok(store.scope_root(&scope)?))
        .await?;
    let projects = crate::report::projects(state, &auth.scope, year).await?;
    let listed: Vec<&Project> = projects
        .iter()
        .filter(|p| !late || p.state(today).is_late())
        .collect();
    let show_code = if late { "late" } else { "" };
    let pager = Pager::new(
        "/projects",
        vec![
            ("show", show_code.to_owned()),
            ("year", q.year.clone().unwrap_or_default()),
        ],
        page_no,
        listed.len(),
        PAGE,
    );
    let closed = projects.iter().filter(|p| p.outcome.is_some()).count();
    let late_count = projects.iter().filter(|p| p.state(today).is_late()).count();
    Ok(ProjectsPage {
        layout: Layout::new(state, auth, "项目领办清单", "projects").await?,
        year,
        this_year: today.year(),
        first_year: today.year() - 10,
        all: projects.len(),
        open: projects.len() - closed,
        late: late_count,
        closed,
        show_code,
        total: listed.len(),
        rows: pager
            .rows(&listed)
            .iter()
            .map(|p| project_row(p, today))
            .collect(),
        pager,
        // A branch's own code; a committee's staff name the organization below.
        own: root
            .as_ref()
            .filter(|r| !r.org_type.is_committee())
            .map(|r| format!("{}-{}", r.key.county, r.key.id))
            .unwrap_or_default(),
        records: root.is_some() && auth.scope.member.is_none(),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, &q, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// `POST /projects`: `party_org` (330825-12), `title`, `goal`, `due_on`, `milestones` (one
/// a line: “2026-12-31 组建联盟”); then to the project's page.
pub async fn take_on(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let parsed = (|| -> Result<NewProject, WebError> {
        Ok(NewProject {
            party_org: Key::parse_code(params::field(&pairs, "party_org").trim()).ok_or_else(
                || WebError::bad_field("党组织", "应为党组织编号“县代码-编号”，如 330825-12"),
            )?,
            title: params::field(&pairs, "title"),
            goal: params::field(&pairs, "goal"),
            due_on: params::deadline("完成时限", &params::field(&pairs, "due_on"))?,
            milestones: parse_milestones(&params::field(&pairs, "milestones"))?,
        })
    })();
    let done = match parsed {
        Ok(p) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| Ok(store.take_on_project(&actor, &scope, today, &p)?))
                .await
        }
        Err(e) => Err(e),
    };
    let q = ProjectsQuery::default();
    match done {
        Ok(k) => Ok(
            Redirect::to(&format!("/projects/{}/{}?saved=project", k.county, k.id)).into_response(),
        ),
        Err(e) => {
            crate::view::after_post(Err(e), String::new(), |message| {
                page(&state, &auth, &q, pairs, Some(message))
            })
            .await
        }
    }
}

/// `GET /projects.xlsx|csv?year=&show=`: the projects listed, one a row.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: ProjectsQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let late = late_only(&q.show)?;
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let projects = crate::report::projects(&state, &auth.scope, year).await?;
    let e = Export {
        file_stem: "projects",
        sheet: "项目领办清单",
        title: format!("{year}年书记领办项目（导出于{}）", cn_day(today)),
        headers: vec![
            "项目编号",
            "项目",
            "党组织",
            "领办书记",
            "目标",
            "领办日期",
            "完成时限",
            "节点完成",
            "节点总数",
            "最近推进",
            "情况",
            "成效",
        ],
    };
    let rows = projects
        .iter()
        .filter(|p| !late || p.state(today).is_late())
        .map(|p| {
            vec![
                Cell::Text(format!("{}-{}", p.key.county, p.key.id)),
                Cell::Text(p.title.clone()),
                Cell::Text(p.party_org_name.clone()),
                Cell::Text(p.leader_name.clone()),
                Cell::Text(p.goal.clone()),
                export::day(p.taken_on),
                export::day(p.due_on),
                export::int(p.milestones.iter().filter(|m| m.done_on.is_some()).count() as u32),
                export::int(p.milestones.len() as u32),
                p.last_note
                    .map(export::day)
                    .unwrap_or(Cell::Text(String::new())),
                Cell::Text(p.state(today).label()),
                Cell::Text(p.result.clone().unwrap_or_default()),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Csv).await
}

struct MilestoneRow {
    id: i64,
    title: String,
    due_on: String,
    done: Option<String>,
    evidence: String,
    late: bool,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    layout: Layout,
    code: String,
    title: String,
    party_org: String,
    party_org_href: String,
    leader: String,
    goal: String,
    taken_on: String,
    due_on: String,
    state: String,
    late: bool,
    open: bool,
    closed_on: Option<String>,
    result: Option<String>,
    milestones: Vec<MilestoneRow>,
    notes: Vec<(String, String)>,
    outcomes: Vec<(&'static str, &'static str)>,
    /// Staff who may write to it.
    writes: bool,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl ProjectPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

async fn project_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<ProjectPage, WebError> {
    let today = crate::today();
    let scope = auth.scope.clone();
    let p = state
        .pool
        .run(move |store| Ok(store.led_project(&scope, key)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let st = p.state(today);
    Ok(ProjectPage {
        layout: Layout::new(state, auth, &p.title, "projects").await?,
        code: format!("{}/{}", key.county, key.id),
        title: p.title.clone(),
        party_org: p.party_org_name.clone(),
        party_org_href: format!("/party-orgs/{}/{}", p.party_org.county, p.party_org.id),
        leader: p.leader_name.clone(),
        goal: p.goal.clone(),
        taken_on: cn_day(p.taken_on),
        due_on: cn_day(p.due_on),
        state: st.label(),
        late: st.is_late(),
        open: p.outcome.is_none(),
        closed_on: p.closed_on.map(cn_day),
        result: p.result.clone(),
        milestones: p
            .milestones
            .iter()
            .map(|m| MilestoneRow {
                id: m.id,
                title: m.title.clone(),
                due_on: cn_day(m.due_on),
                done: m.done_on.map(cn_day),
                evidence: m.evidence.clone().unwrap_or_default(),
                late: m.done_on.is_none() && m.due_on < today,
            })
            .collect(),
        notes: p
            .notes
            .iter()
            .map(|n| (cn_day(n.noted_on), n.note.clone()))
            .collect(),
        outcomes: ProjectOutcome::ALL
            .iter()
            .map(|o| (o.code(), o.label()))
            .collect(),
        writes: auth.scope.member.is_none(),
        error,
        typed,
    })
}

pub async fn show_project(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<ProjectsQuery>,
) -> Result<Response, WebError> {
    let mut p = project_page(&state, &auth, Key { county, id }, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// One action on a project's page.
async fn project_act<F>(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    body: Bytes,
    saved: &'static str,
    parse: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&[(String, String)], NaiveDate) -> Result<crate::view::StoreCall, WebError>,
{
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/projects/{}/{}?saved={saved}", key.county, key.id),
        parse,
        |pairs, message| {
            let (state, auth) = (state.clone(), auth.clone());
            async move { project_page(&state, &auth, key, pairs, Some(message)).await }
        },
    )
    .await
}

/// `POST /projects/{county}/{id}/milestones/{row}/done`: `evidence`.
pub async fn complete(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id, row)): Path<(i32, i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    project_act(state, auth, key, body, "milestone", move |pairs, today| {
        let evidence = params::field(pairs, "evidence");
        Ok(Box::new(move |store, actor, scope| {
            store.complete_milestone(actor, scope, today, key, row, &evidence)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /projects/{county}/{id}/notes`: `note`.
pub async fn note(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    project_act(
        state,
        auth,
        key,
        body,
        "project_noted",
        move |pairs, today| {
            let note = params::field(pairs, "note");
            Ok(Box::new(move |store, actor, scope| {
                store.note_project(actor, scope, today, key, &note)?;
                Ok(())
            }))
        },
    )
    .await
}

/// `POST /projects/{county}/{id}/close`: `outcome`, `result`.
pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    project_act(
        state,
        auth,
        key,
        body,
        "project_closed",
        move |pairs, today| {
            let outcome = ProjectOutcome::parse(&params::field(pairs, "outcome"))
                .map_err(|e| WebError::bad_field("结项情况", e.to_string()))?;
            let result = params::field(pairs, "result");
            Ok(Box::new(move |store, actor, scope| {
                store.close_project(actor, scope, today, key, outcome, &result)?;
                Ok(())
            }))
        },
    )
    .await
}
