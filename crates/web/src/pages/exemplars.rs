//! 先进典型 on pages. `GET /exemplars`: the scope's exemplars, newest year first, each with
//! its deeds, evidence and whether it is published, and the form to record one of the
//! scope's organizations or members. `POST /exemplars` records it; `POST
//! /exemplars/{county}/{id}/publish` and `…/withdraw` are a committee's. `GET
//! /exemplars.xlsx|csv`: the list as the page shows it.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use liangxin_domain::kinds::ExemplarKind;
use liangxin_domain::registry::Key;
use liangxin_store::exemplars::{Exemplar, NewExemplar};

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

struct Line {
    code: String,
    kind: &'static str,
    title: String,
    subject: String,
    subject_href: String,
    summary: String,
    evidence: String,
    year: i32,
    published: Option<String>,
}

fn line(e: &Exemplar) -> Line {
    let (subject, subject_href) = match &e.member {
        Some((k, name)) => (
            format!("{name}（{}）", e.party_org_name),
            format!("/members/{}/{}", k.county, k.id),
        ),
        None => (
            e.party_org_name.clone(),
            format!("/party-orgs/{}/{}", e.party_org.county, e.party_org.id),
        ),
    };
    let mut evidence = e.evidence.clone();
    if !e.recognized_by.is_empty() {
        evidence = format!("{}：{evidence}", e.recognized_by);
    }
    Line {
        code: format!("{}/{}", e.key.county, e.key.id),
        kind: e.kind.label(),
        title: e.title.clone(),
        subject,
        subject_href,
        summary: e.summary.clone(),
        evidence,
        year: e.year,
        published: e.published_on.map(|d| d.format("%Y年%m月%d日").to_string()),
    }
}

#[derive(Template)]
#[template(path = "exemplars.html")]
struct ExemplarsPage {
    layout: Layout,
    lines: Vec<Line>,
    published: usize,
    /// The scope's root is a committee: it publishes.
    publishes: bool,
    kinds: Vec<(&'static str, &'static str)>,
    year: i32,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl ExemplarsPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }

    fn chosen(&self, code: &str) -> bool {
        params::field(&self.typed, "kind") == code
    }
}

async fn read(state: &Arc<AppState>, auth: &Auth) -> Result<(bool, Vec<Exemplar>), WebError> {
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| {
            let committee = store
                .scope_root(&scope)?
                .is_some_and(|r| r.org_type.is_committee());
            Ok((committee, store.exemplars(&scope)?))
        })
        .await
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<ExemplarsPage, WebError> {
    let (committee, list) = read(state, auth).await?;
    Ok(ExemplarsPage {
        layout: Layout::new(state, auth, "先进典型", "exemplars").await?,
        published: list.iter().filter(|e| e.published_on.is_some()).count(),
        lines: list.iter().map(line).collect(),
        publishes: committee,
        kinds: ExemplarKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        year: crate::today().year(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Vec::new(), None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

fn code_field(
    pairs: &[(String, String)],
    name: &str,
    field: &'static str,
) -> Result<Option<Key>, WebError> {
    params::party_org(&Some(params::field(pairs, name)))
        .map_err(|_| WebError::bad_field(field, "编号应为“县代码-编号”，如 330825-12"))
}

fn new_exemplar(pairs: &[(String, String)]) -> Result<NewExemplar, WebError> {
    let kind = ExemplarKind::parse(&params::field(pairs, "kind"))
        .map_err(|e| WebError::bad_field("典型类别", e.to_string()))?;
    let year: i32 = params::field(pairs, "year")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("年度", "应为四位年份，如 2026"))?;
    Ok(NewExemplar {
        kind,
        party_org: code_field(pairs, "party_org", "党组织")?,
        member: code_field(pairs, "member", "党员")?,
        title: params::field(pairs, "title"),
        summary: params::field(pairs, "summary"),
        evidence: params::field(pairs, "evidence"),
        recognized_by: params::field(pairs, "recognized_by"),
        year,
    })
}

async fn after(
    state: &Arc<AppState>,
    auth: &Auth,
    done: Result<(), WebError>,
    saved: &str,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    crate::view::after_post(done, format!("/exemplars?saved={saved}"), |message| {
        page(state, auth, pairs, Some(message))
    })
    .await
}

/// `POST /exemplars`: `kind`, `party_org` or `member` (330825-12), `title`, `summary`,
/// `evidence`, `recognized_by`, `year`.
pub async fn record(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let done = match new_exemplar(&pairs) {
        Ok(e) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| {
                    store.record_exemplar(&actor, &scope, today, &e)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    after(&state, &auth, done, "exemplar", pairs).await
}

async fn set_published(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    body: Bytes,
    publish: bool,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    let done = state
        .pool
        .run(move |store| {
            store.publish_exemplar(&actor, &scope, today, key, publish)?;
            Ok(())
        })
        .await;
    let saved = if publish {
        "exemplar_published"
    } else {
        "exemplar_withdrawn"
    };
    after(&state, &auth, done, saved, Vec::new()).await
}

pub async fn publish(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    set_published(state, auth, Key { county, id }, body, true).await
}

pub async fn withdraw(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    set_published(state, auth, Key { county, id }, body, false).await
}

async fn export(state: Arc<AppState>, auth: Auth, format: Format) -> Result<Response, WebError> {
    let (_, list) = read(&state, &auth).await?;
    let e = Export {
        file_stem: "exemplars",
        sheet: "先进典型",
        title: format!(
            "先进典型（导出于{}）",
            crate::today().format("%Y年%m月%d日")
        ),
        headers: vec![
            "年度",
            "类别",
            "名称",
            "党组织或党员",
            "主要事迹",
            "依据",
            "发布日期",
        ],
    };
    let rows = list
        .iter()
        .map(line)
        .map(|l| {
            vec![
                export::int(l.year),
                Cell::Text(l.kind.into()),
                Cell::Text(l.title),
                Cell::Text(l.subject),
                Cell::Text(l.summary),
                Cell::Text(l.evidence),
                Cell::Text(l.published.unwrap_or_else(|| "未发布".into())),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    export(state, auth, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    export(state, auth, Format::Csv).await
}
