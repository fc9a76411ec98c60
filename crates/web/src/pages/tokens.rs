//! `/account/tokens`: one's personal API tokens (接口令牌). A token is shown once, when it is
//! made; only its hash is kept. Each has a name, an expiry (at most a year) and is
//! read-only or read-write; it ends when revoked here, when the password changes and when
//! the account is disabled.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDateTime;
use liangxin_store::accounts::NewToken;

use crate::AppState;
use crate::auth::{self, Auth};
use crate::error::WebError;
use crate::params;
use crate::view::{Layout, render};

/// The expiries offered, in days; the longest is the limit.
const EXPIRIES: [i64; 4] = [30, 90, 180, 365];

#[derive(Debug, Clone)]
struct Line {
    id: String,
    name: String,
    created: String,
    expires: String,
    access: &'static str,
    state: &'static str,
    class: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    layout: Layout,
    lines: Vec<Line>,
    expiries: [i64; 4],
    /// A token just made: shown this once.
    made: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
}

fn day(t: NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d")
        .to_string()
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    made: Option<(String, String)>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, WebError> {
    let user = auth.user.id;
    let rows = state
        .pool
        .run(move |store| Ok(store.api_tokens_of(user)?))
        .await?;
    let now = auth::now();
    let lines = rows
        .into_iter()
        .map(|t| {
            let expired = t.expires_at.is_some_and(|e| e <= now);
            let (state, class) = if t.revoked {
                ("已撤销", "bad")
            } else if expired {
                ("已过期", "bad")
            } else {
                ("有效", "ok")
            };
            Line {
                // Its hash names it in the form: it opens nothing.
                id: t.token_hash,
                name: t.name,
                created: day(t.created_at),
                expires: t.expires_at.map_or_else(|| "不过期".into(), day),
                access: if t.read_only { "只读" } else { "读写" },
                state,
                class,
                live: !t.revoked && !expired,
            }
        })
        .collect();
    let layout = Layout::new(state, auth, "接口令牌", "").await?;
    render(&TokensPage {
        layout,
        lines,
        expiries: EXPIRIES,
        made,
        notice,
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    page(&state, &auth, None, None, None).await
}

pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let name = params::field(&pairs, "name").trim().to_owned();
    let refuse = |message: &'static str| async {
        let html = page(&state, &auth, None, None, Some(message.to_owned())).await?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
    };
    if name.is_empty() || name.chars().count() > 50 {
        return refuse("用途：必填，不超过50个字").await;
    }
    let days: i64 = match params::field(&pairs, "days").trim().parse() {
        Ok(d) if EXPIRIES.contains(&d) => d,
        _ => return refuse("有效期：请选择30、90、180或365天").await,
    };
    let read_only = match params::field(&pairs, "access").as_str() {
        "read" => true,
        "write" => false,
        _ => return refuse("权限：请选择只读或读写").await,
    };
    let token = auth::random_token()?;
    let hash = auth::token_hash(&token);
    let user_id = auth.user.id;
    let label = name.clone();
    state
        .pool
        .run(move |store| {
            let now = auth::now();
            Ok(store.create_api_token(&NewToken {
                actor: &format!("user:{user_id}"),
                hash: &hash,
                user_id,
                name: &label,
                now,
                expires_at: Some(now + chrono::Duration::days(days)),
                read_only,
            })?)
        })
        .await?;
    Ok(page(&state, &auth, Some((name, token)), None, None)
        .await?
        .into_response())
}

pub async fn revoke(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let id = params::field(&pairs, "token");
    let user_id = auth.user.id;
    let revoked = state
        .pool
        .run(move |store| Ok(store.revoke_api_token(&format!("user:{user_id}"), user_id, &id)?))
        .await?;
    if !revoked {
        return Err(WebError::not_found());
    }
    page(
        &state,
        &auth,
        None,
        Some("已撤销：该令牌立即失效".into()),
        None,
    )
    .await
}
