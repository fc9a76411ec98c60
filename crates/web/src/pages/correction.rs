//! `GET /members/{county}/{id}/correction`: a member's 不合格党员处置 — the grounds on
//! record (a 不合格 grade, a six-month finding), the cases with their measures, helper and
//! deadline, and the form of the next step. `POST …/correction` opens a 限期改正; `POST
//! …/correction/close` ends it: corrected, or 劝退 or 除名 with the 支部党员大会's decision
//! and the approval above, which takes the member off the register (党员减少).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::appraisal::{CorrectionOutcome, CorrectionSource};
use liangxin_domain::registry::Key;
use liangxin_store::appraisal::{CorrectionClose, CorrectionOpen};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, render};
use crate::{AppState, params};

struct Case {
    source: &'static str,
    grounds: String,
    measures: String,
    helper: String,
    opened: String,
    deadline: String,
    outcome: Option<&'static str>,
    review: String,
    decision: String,
    approval: String,
}

#[derive(Template)]
#[template(path = "correction.html")]
struct CorrectionPage {
    layout: Layout,
    name: String,
    masked: String,
    action: String,
    /// (source code, label, grounds in words), when no case is open.
    grounds: Vec<(&'static str, &'static str, String)>,
    open: bool,
    active: bool,
    cases: Vec<Case>,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl CorrectionPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<CorrectionPage, WebError> {
    let scope = auth.scope.clone();
    let (member, cases, grounds) = state
        .pool
        .run(move |store| {
            let member = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            let cases = store.member_corrections(&scope, key)?;
            let grounds = if member.left_on.is_none() {
                store.correction_grounds(&scope, key)?
            } else {
                Vec::new()
            };
            Ok((member, cases, grounds))
        })
        .await?;
    let title = "不合格党员处置";
    let layout = Layout::new(state, auth, title, "members")
        .await?
        .at_member(state, auth, &member, title)
        .await?;
    let open = cases.iter().any(|c| c.closed_on.is_none());
    Ok(CorrectionPage {
        layout,
        name: member.name.clone(),
        masked: member.resident_id_masked.clone(),
        action: format!("/members/{}/{}/correction", key.county, key.id),
        grounds: grounds
            .iter()
            .map(|g| (g.source.code(), g.source.label(), g.text.clone()))
            .collect(),
        open,
        active: member.left_on.is_none(),
        cases: cases
            .iter()
            .map(|c| Case {
                source: c.source.label(),
                grounds: c.grounds.clone(),
                measures: c.measures.clone(),
                helper: c.helper.clone(),
                opened: day(c.opened_on),
                deadline: day(c.deadline),
                outcome: c.outcome.map(CorrectionOutcome::label),
                review: c.review.clone().unwrap_or_default(),
                decision: c.decision.clone().unwrap_or_default(),
                approval: c.approval.clone().unwrap_or_default(),
            })
            .collect(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let p = page(&state, &auth, Key { county, id }, Vec::new(), None).await?;
    Ok(render(&p)?.into_response())
}

async fn answer(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    pairs: Vec<(String, String)>,
    done: Result<(), WebError>,
    saved: &str,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/members/{}/{}/correction?saved={saved}",
            key.county, key.id
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(state, auth, key, pairs, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn open(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let done = match CorrectionSource::parse(&params::field(&pairs, "source")) {
        None => Err(WebError::bad_field("处置依据", "请选择处置依据")),
        Some(source) => {
            let open = CorrectionOpen {
                member: key,
                source,
                measures: params::field(&pairs, "measures"),
                helper: params::field(&pairs, "helper"),
            };
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| {
                    Ok(store
                        .open_correction(&actor, &scope, today, &open)
                        .map(|_| ())?)
                })
                .await
        }
    };
    answer(&state, &auth, key, pairs, done, "correction_opened").await
}

pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let done = match CorrectionOutcome::parse(&params::field(&pairs, "outcome")) {
        None => Err(WebError::bad_field("处置结果", "请选择处置结果")),
        Some(outcome) => {
            let close = CorrectionClose {
                outcome,
                review: params::field(&pairs, "review"),
                decision: params::field(&pairs, "decision"),
                approval: params::field(&pairs, "approval"),
            };
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| Ok(store.close_correction(&actor, &scope, today, key, &close)?))
                .await
        }
    };
    answer(&state, &auth, key, pairs, done, "correction_closed").await
}
