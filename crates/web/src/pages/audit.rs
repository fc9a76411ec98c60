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
use liangxin_domain::audit::{AuditKind, AuditSubject, Severity};
use liangxin_domain::registry::Key;
use liangxin_store::audit_run::{FindingFilter, FindingState, StoredFinding};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::view::{Choice, Layout, query, render, thousands};
use crate::{AppState, params};

const PAGE_SIZE: i64 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// `1`: closed findings too (kept for the links already out there; `state=all` says it).
    pub all: Option<String>,
    /// open (未销号, the default), closed (已销号), all
    pub state: Option<String>,
    /// An [`AuditKind`] code.
    pub kind: Option<String>,
    /// warning (预警) or flag (需处置)
    pub severity: Option<String>,
    /// A party organization `county-id`: its subtree's findings only.
    pub org: Option<String>,
    /// `1` with `org`: that organization's own findings, not its subordinates'.
    pub own: Option<String>,
    pub page: Option<String>,
}

/// A checked [`AuditQuery`].
#[derive(Debug, Clone)]
struct AuditParams {
    filter: FindingFilter,
    page: i64,
    /// The query string of the filters, for links and the files.
    query: Vec<(&'static str, String)>,
}

impl AuditQuery {
    fn check(&self) -> Result<AuditParams, WebError> {
        let text = params::text;
        let state = match (text(&self.state).as_deref(), text(&self.all).as_deref()) {
            (None | Some("open"), None | Some("0")) => FindingState::Open,
            (None, Some("1")) | (Some("all"), _) => FindingState::All,
            (Some("closed"), _) => FindingState::Closed,
            (None, Some(_)) => return Err(WebError::bad_field("含已销号", "应为 1 或 0")),
            _ => {
                return Err(WebError::bad_field(
                    "销号状态",
                    "可选 open（未销号）、closed（已销号）、all（全部）",
                ));
            }
        };
        let kind = text(&self.kind)
            .map(|k| {
                AuditKind::parse(&k).ok_or_else(|| {
                    let codes: Vec<&str> = AuditKind::ALL.iter().map(|k| k.code()).collect();
                    WebError::bad_field("问题类别", format!("可选 {}", codes.join("、")))
                })
            })
            .transpose()?;
        let severity = match text(&self.severity).as_deref() {
            None => None,
            Some("warning") => Some(Severity::Warning),
            Some("flag") => Some(Severity::Flag),
            Some(_) => {
                return Err(WebError::bad_field(
                    "程度",
                    "可选 warning（预警）、flag（需处置）",
                ));
            }
        };
        let under = params::party_org(&self.org)?;
        let own = match (text(&self.own).as_deref(), under) {
            (None | Some("0"), _) => false,
            (Some("1"), Some(_)) => true,
            (Some("1"), None) => {
                return Err(WebError::bad_field("仅本组织", "须同时指定党组织（org）"));
            }
            (Some(_), _) => return Err(WebError::bad_field("仅本组织", "应为 1 或 0")),
        };
        let page = params::page(&self.page)?;
        let state_code = match state {
            FindingState::Open => "",
            FindingState::Closed => "closed",
            FindingState::All => "all",
        };
        let query = vec![
            ("state", state_code.to_owned()),
            (
                "kind",
                kind.map(|k| k.code().to_owned()).unwrap_or_default(),
            ),
            (
                "severity",
                severity.map(|s| s.code().to_owned()).unwrap_or_default(),
            ),
            (
                "org",
                under
                    .map(|k| format!("{}-{}", k.county, k.id))
                    .unwrap_or_default(),
            ),
            ("own", if own { "1" } else { "" }.to_owned()),
        ];
        Ok(AuditParams {
            filter: FindingFilter {
                state,
                kind,
                severity,
                under,
                own,
            },
            page,
            query,
        })
    }
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
    /// What the list holds, in words: 未销号的问题, 全部问题 …
    title: String,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    severities: Vec<Choice>,
    org: String,
    /// The last run over the scope, in words; `None`: never audited (尚未排查).
    last_run: Option<String>,
    filtered: bool,
    csv: String,
    xlsx: String,
    total: String,
    total_n: i64,
    page: i64,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    /// A run of the scope going on now: its step and how far along (0–100).
    running: Option<(String, u8)>,
    /// What the run started here lately found.
    ran: Option<String>,
    error: Option<String>,
    rows: Vec<Row>,
}

/// How long the page tells what a run started from it found.
const RAN_SHOWN_MINUTES: i64 = 10;

fn row(f: &StoredFinding) -> Row {
    let subject_href = match f.subject {
        AuditSubject::Member { key } => format!("/members/{}/{}", key.county, key.id),
        AuditSubject::PartyOrg { key } => format!("/party-orgs/{}/{}/life", key.county, key.id),
        AuditSubject::Transfer { id } => format!("/transfers/{id}"),
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
        subject: format!("{}：{}", f.subject.label(), f.subject_name),
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
    let p = q.check()?;
    let page = p.page;
    let scope = auth.scope.clone();
    let filter = p.filter;
    let job = state.audit_jobs.of(&scope);
    let recent = job
        .as_ref()
        .and_then(|j| j.outcome.clone())
        .filter(|(ended, _)| {
            chrono::Utc::now() - *ended < chrono::Duration::minutes(RAN_SHOWN_MINUTES)
        })
        .map(|(_, outcome)| outcome);
    let error = error.or_else(|| match &recent {
        Some(Err(why)) => Some(format!(
            "排查未完成：{why}。已保存的问题没有改动，请重新排查。"
        )),
        _ => None,
    });
    // Read once per change of the records (an audit run or a closed finding bumps it).
    let kept = crate::report::from_records(
        state,
        &state.reports.findings,
        &auth.scope,
        (filter, page),
        move |store| {
            let (total, found) =
                store.audit_findings(&scope, &filter, (page - 1) * PAGE_SIZE, PAGE_SIZE)?;
            Ok((total, found, store.last_audit(&scope)?))
        },
    )
    .await?;
    let (total, found, last) = (kept.0, &kept.1, kept.2);
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let link = |path: &str, n: i64| {
        let mut q = p.query.clone();
        q.push(("page", if n > 1 { n.to_string() } else { String::new() }));
        format!("{path}{}", query(&q))
    };
    let value = |name: &str| {
        p.query
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let choices = |name: &str, options: Vec<(&str, &str)>| {
        let chosen = value(name);
        options
            .into_iter()
            .map(|(v, l)| Choice {
                value: v.into(),
                label: l.into(),
                selected: chosen == v,
            })
            .collect::<Vec<_>>()
    };
    let layout = Layout::new(state, auth, "组织关系排查", "audit").await?;
    Ok(AuditPage {
        layout,
        title: state_title(filter.state).into(),
        states: choices("state", vec![("closed", "已销号"), ("all", "全部")]),
        kinds: choices(
            "kind",
            AuditKind::ALL
                .iter()
                .map(|k| (k.code(), k.label()))
                .collect(),
        ),
        severities: choices(
            "severity",
            [Severity::Flag, Severity::Warning]
                .iter()
                .map(|s| (s.code(), s.label()))
                .collect(),
        ),
        org: value("org"),
        last_run: last.map(|(on, found)| {
            let on = on.format("%Y年%m月%d日");
            match found {
                Some(n) => format!("最近一次排查：{on}，发现{n}项"),
                None => format!("最近一次排查：{on}（上级统一排查）"),
            }
        }),
        filtered: filter != FindingFilter::open(),
        csv: link("/audit.csv", 1),
        xlsx: link("/audit.xlsx", 1),
        total: thousands(u64::try_from(total).unwrap_or(0)),
        total_n: total,
        page,
        pages,
        prev: (page > 1).then(|| link("/audit", page - 1)),
        next: (page < pages).then(|| link("/audit", page + 1)),
        running: job
            .as_ref()
            .filter(|j| j.outcome.is_none())
            .map(|j| (j.step.clone(), j.percent)),
        ran: match &recent {
            Some(Ok(found)) => Some(found.clone()),
            _ => None,
        },
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
    if auth.scope.member.is_some() {
        return Err(WebError::bad_field("排查范围", "党员不能发起排查"));
    }
    crate::audit_jobs::start(&state, auth.user.id, auth.scope.clone());
    Ok(Redirect::to("/audit").into_response())
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
            let q = AuditQuery::default();
            let p = page(&state, &auth, &q, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// What a list of findings in `state` holds, in words.
fn state_title(state: FindingState) -> &'static str {
    match state {
        FindingState::Open => "未销号的问题",
        FindingState::Closed => "已销号的问题",
        FindingState::All => "全部问题（含已销号）",
    }
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: AuditQuery,
    format: Format,
) -> Result<Response, WebError> {
    let p = q.check()?;
    let filter = p.filter;
    let scope = auth.scope.clone();
    let e = Export {
        file_stem: "audit-findings",
        sheet: "组织关系排查",
        title: format!(
            "组织关系排查：{}（截至{}，由记录计算）",
            state_title(filter.state),
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
        let (_, found) = store.audit_findings(&scope, &filter, offset, export::PAGE_ROWS as i64)?;
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
            .map(export::text_row)
            .collect())
    })
    .await
}

crate::export::file_handlers!(AuditQuery);
