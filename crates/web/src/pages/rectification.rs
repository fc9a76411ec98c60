//! `GET /rectifications/{county}/{id}`: one 软弱涣散 rectification case — its reasons,
//! causes, measures, who is responsible, the deadline and the progress notes; `POST
//! …/notes` adds a note (the branch or above); `POST …/accept` is the level above's 验收
//! 销号 with its conclusion. Outside the scope: 404.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::registry::Key;
use liangxin_store::weak::CaseView;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, SavedQuery, render};
use crate::{AppState, params};

#[derive(Template)]
#[template(path = "rectification.html")]
struct CasePage {
    layout: Layout,
    v: CaseView,
    title: String,
    opened: String,
    deadline: String,
    overdue: bool,
    closed: Option<String>,
    notes: Vec<(String, String)>,
    notes_href: String,
    accept_href: String,
    error: Option<String>,
    typed: String,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
    typed: String,
) -> Result<CasePage, WebError> {
    let scope = auth.scope.clone();
    let v = state
        .pool
        .run(move |store| Ok(store.rectification_case(&scope, key)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let s = &v.summary;
    let title = format!("{} {}年度软弱涣散整顿", s.party_org_name, s.year);
    let layout = Layout::new(state, auth, &title, "weak")
        .await?
        .at(
            state,
            auth,
            s.party_org,
            vec![
                Crumb::link("软弱涣散整顿", "/weak"),
                Crumb::here(format!("{}年度", s.year)),
            ],
        )
        .await?;
    let base = format!("/rectifications/{}/{}", key.county, key.id);
    Ok(CasePage {
        layout,
        title,
        opened: s.opened_on.format("%Y年%m月%d日").to_string(),
        deadline: s.deadline.format("%Y年%m月%d日").to_string(),
        overdue: s.closed_on.is_none() && s.deadline < crate::today(),
        closed: s.closed_on.map(|d| d.format("%Y年%m月%d日").to_string()),
        notes: v
            .notes
            .iter()
            .map(|n| {
                (
                    n.noted_on.format("%Y年%m月%d日").to_string(),
                    n.note.clone(),
                )
            })
            .collect(),
        notes_href: format!("{base}/notes"),
        accept_href: format!("{base}/accept"),
        v,
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Key { county, id }, None, String::new()).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

/// A note or the acceptance: the same form shape, a different store call.
async fn act(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    body: Bytes,
    accept: bool,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let text = params::field(&pairs, "text");
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    let t = text.clone();
    let done = state
        .pool
        .run(move |store| {
            if accept {
                Ok(store.accept_rectification(&actor, &scope, today, key, &t)?)
            } else {
                Ok(store.note_rectification(&actor, &scope, today, key, &t)?)
            }
        })
        .await;
    let saved = if accept {
        "rectification_accepted"
    } else {
        "rectification_noted"
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/rectifications/{}/{}?saved={saved}",
            key.county, key.id
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(&state, &auth, key, Some(e.message), text).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn note(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, Key { county, id }, body, false).await
}

pub async fn accept(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, Key { county, id }, body, true).await
}
