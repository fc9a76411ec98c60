//! `GET /members/{county}/{id}/self-assessment`: the member's 个人自评 for their branch's
//! open 民主评议 round; `POST`: the member writes it, or the branch enters it from their
//! paper, until the 支委会 records the grades.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::registry::Key;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

#[derive(Template)]
#[template(path = "self_assessment.html")]
struct SelfPage {
    layout: Layout,
    name: String,
    masked: String,
    action: String,
    round: Option<String>,
    text: String,
    error: Option<String>,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    typed: Option<String>,
    error: Option<String>,
) -> Result<SelfPage, WebError> {
    let scope = auth.scope.clone();
    let (member, open) = state
        .pool
        .run(move |store| {
            let member = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            Ok((member, store.self_assessment(&scope, key)?))
        })
        .await?;
    let title = "民主评议个人自评";
    let layout = Layout::new(state, auth, title, "members").await?;
    let layout = if auth.scope.member.is_some() {
        layout
    } else {
        layout.at_member(state, auth, &member, title).await?
    };
    Ok(SelfPage {
        layout,
        name: member.name.clone(),
        masked: member.resident_id_masked.clone(),
        action: format!("/members/{}/{}/self-assessment", key.county, key.id),
        round: open.as_ref().map(|o| o.title.clone()),
        text: typed
            .or_else(|| open.and_then(|o| o.text))
            .unwrap_or_default(),
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Key { county, id }, None, None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

pub async fn save(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let text = params::field(&pairs, "text");
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let typed = text.clone();
    let saved = state
        .pool
        .run(move |store| {
            store.record_self_assessment(&actor, &scope, crate::today(), key, &text)?;
            Ok(())
        })
        .await;
    match saved {
        Ok(()) => Ok(Redirect::to(&format!(
            "/members/{county}/{id}/self-assessment?saved=self_assessment"
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(&state, &auth, key, Some(typed), Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
