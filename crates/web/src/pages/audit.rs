//! `GET /audit` (组织关系排查): the findings kept for the scope — open ones by default, all
//! with `?all=1` — each naming the member or organization, the rule and its source, and the
//! party organization responsible; `POST /audit/run` runs the audit now over the scope;
//! `POST /audit/findings/{county}/{id}/close` closes one with a note of what was done;
//! `GET /audit.xlsx|csv?all=` exports the list as the page filters it.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::audit::AuditSubject;
use liangxin_domain::registry::Key;
use liangxin_store::audit_run::StoredFinding;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::view::{Layout, render, thousands};
use crate::{AppState, params};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    pub all: Option<String>,
    pub page: Option<String>,
    pub ran: Option<String>,
}

struct Row {
    close_action: String,
    responsible: String,
    responsible_href: String,
    subject: String,
    subject_href: String,
    kind: &'static str,
    severity: &'static str,
    class: &'static str,
    detail: String,
    rule: String,
    found: String,
    closed: Option<String>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    all: bool,
    total: String,
    total_n: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    ran: Option<String>,
    error: Option<String>,
    rows: Vec<Row>,
}

fn row(f: &StoredFinding) -> Row {
    let (subject_href, kind_of) = match f.subject {
        AuditSubject::Member { key } => (format!("/members/{}/{}", key.county, key.id), "党员"),
        AuditSubject::PartyOrg { key } => (
            format!("/party-orgs/{}/{}/life", key.county, key.id),
            "党组织",
        ),
        AuditSubject::Transfer { id } => (format!("/transfers/{id}"), "转接"),
    };
    let (severity, class) = if f.severity == "flag" {
        ("需处置", "bad")
    } else {
        ("预警", "warn")
    };
    Row {
        close_action: format!("/audit/findings/{}/{}/close", f.key.county, f.key.id),
        responsible: f.responsible_name.clone(),
        responsible_href: format!("/party-orgs/{}/{}", f.responsible.county, f.responsible.id),
        subject: format!("{kind_of}：{}", f.subject_name),
        subject_href,
        kind: f.kind.label(),
        severity,
        class,
        detail: f.detail.clone(),
        rule: f.rule.clone(),
        found: f.first_found_on.format("%Y年%m月%d日").to_string(),
        closed: f
            .closed
            .as_ref()
            .map(|(d, note)| format!("{}销号：{note}", d.format("%Y年%m月%d日"))),
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: &AuditQuery,
    error: Option<String>,
) -> Result<AuditPage, WebError> {
    let all = q.all.as_deref() == Some("1");
    let page = params::page(&q.page)?;
    let scope = auth.scope.clone();
    let (total, found) = state
        .pool
        .run(move |store| {
            Ok(store.audit_findings(&scope, !all, (page - 1) * PAGE_SIZE, PAGE_SIZE)?)
        })
        .await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = |p: i64| format!("/audit?page={p}{}", if all { "&all=1" } else { "" });
    let layout = Layout::new(state, auth, "组织关系排查", "audit").await?;
    Ok(AuditPage {
        layout,
        all,
        total: thousands(u64::try_from(total).unwrap_or(0)),
        total_n: total,
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
        ran: q.ran.clone().filter(|r| r.len() < 100),
        error,
        rows: found.iter().map(row).collect(),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    Ok(render(&page(&state, &auth, &q, None).await?)?.into_response())
}

fn csrf_of(body: &[u8]) -> Result<(String, Vec<(String, String)>), WebError> {
    let pairs = params::form_pairs(body)?;
    Ok((params::field(&pairs, "_csrf"), pairs))
}

pub async fn run(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let (csrf, _) = csrf_of(&body)?;
    auth.check_csrf(&csrf)?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    let s = state
        .pool
        .run(move |store| Ok(store.run_audit(&actor, &scope, today)?))
        .await?;
    let ran = format!(
        "发现{}项，新增{}项，已整改{}项",
        s.found, s.opened, s.resolved
    );
    let q: String = serde_urlencoded::to_string([("ran", ran)]).unwrap_or_default();
    Ok(Redirect::to(&format!("/audit?{q}")).into_response())
}

pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let (csrf, pairs) = csrf_of(&body)?;
    auth.check_csrf(&csrf)?;
    let note = params::field(&pairs, "note");
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    let closed = state
        .pool
        .run(move |store| {
            Ok(store.close_finding(&actor, &scope, today, Key { county, id }, &note)?)
        })
        .await;
    match closed {
        Ok(()) => Ok(Redirect::to("/audit").into_response()),
        Err(e) if e.field.is_some() => {
            let q = AuditQuery {
                all: None,
                page: None,
                ran: None,
            };
            let p = page(&state, &auth, &q, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: AuditQuery,
    format: Format,
) -> Result<Response, WebError> {
    let all = params::text(&q.all).is_some();
    let scope = auth.scope.clone();
    let e = Export {
        file_stem: "audit-findings",
        sheet: "组织关系排查",
        title: format!(
            "组织关系排查：{}（截至{}，由记录计算）",
            if all {
                "全部问题（含已销号）"
            } else {
                "未销号的问题"
            },
            crate::today().format("%Y年%m月%d日")
        ),
        headers: vec![
            "责任党组织",
            "对象",
            "问题类别",
            "程度",
            "情况",
            "依据",
            "发现日期",
            "销号",
        ],
    };
    export::respond(&state, e, format, move |store, offset| {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let (_, found) = store.audit_findings(&scope, !all, offset, export::PAGE_ROWS as i64)?;
        Ok(found
            .iter()
            .map(|f| {
                let r = row(f);
                vec![
                    r.responsible,
                    r.subject,
                    r.kind.to_owned(),
                    r.severity.to_owned(),
                    r.detail,
                    r.rule,
                    r.found,
                    r.closed.unwrap_or_default(),
                ]
            })
            .collect())
    })
    .await
}

crate::export::file_handlers!(AuditQuery);
