//! 两步验证 (TOTP): `/login/2fa` takes the code of a sign-in whose password was right;
//! `/account/2fa` sets one up (a secret shown once, confirmed by a code, ten single-use
//! recovery codes shown once) or ends it where the role allows. The three administrative
//! roles must have one; anyone may.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use liangxin_store::accounts::Claim;
use serde::Deserialize;

use crate::auth::{self, Auth};
use crate::client::ClientAddr;
use crate::error::WebError;
use crate::view::{Layout, render};
use crate::{AppState, params, password_check, totp};

/// How many recovery codes a setup gives.
const RECOVERY_CODES: usize = 10;

/// The name apps show beside the account.
const ISSUER: &str = "两新党建";

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[derive(Template)]
#[template(path = "login_2fa.html")]
struct CodePage {
    csrf: String,
    next: String,
    pending: bool,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn show_code(
    Extension(auth): Extension<Auth>,
    Query(q): Query<NextQuery>,
) -> Result<Html<String>, WebError> {
    render(&CodePage {
        csrf: auth.csrf.clone().unwrap_or_default(),
        next: auth::safe_next(q.next.as_deref()),
        pending: auth.second_factor_pending,
        error: None,
    })
}

/// A hex SHA-256 of a recovery code as typed (spaces and dashes dropped, lower case).
fn recovery_hash(code: &str) -> String {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    auth::token_hash(&plain)
}

pub async fn submit_code(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Extension(client): Extension<ClientAddr>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let next = auth::safe_next(Some(&params::field(&pairs, "next")));
    if !auth.second_factor_pending {
        return Ok(Redirect::to(&next).into_response());
    }
    let code = params::field(&pairs, "code");
    let user_id = auth.user.id;
    let username = auth.user.username.clone();
    let session = auth.session_hash.clone().unwrap_or_default();
    let token = auth::random_token()?;
    let new_hash = auth::token_hash(&token);
    let ip = client.ip.to_string();
    // Counted as a sign-in is: the same per-address limit and account lock.
    let (right, limits) = state
        .pool
        .run(move |store| {
            let now = auth::now();
            let limits = password_check::limits(store)?;
            let attempt =
                match store.claim_login_attempt(&ip, &username, Some(user_id), now, &limits)? {
                    Claim::Verify { attempt } => attempt,
                    Claim::Locked { .. } | Claim::TooMany => return Ok((false, limits)),
                };
            let Some(t) = store.totp(user_id)? else {
                return Ok((false, limits));
            };
            let right = match totp::matching_step(&t.secret, &code, unix_now()) {
                Some(step) => store.take_totp_step(user_id, step)?,
                None => store.take_recovery_code(user_id, &recovery_hash(&code), now)?,
            };
            if right {
                store.complete_second_factor(attempt, user_id, &session, &new_hash, now)?;
            }
            Ok((right, limits))
        })
        .await?;
    if right {
        let cookie = auth::set_cookie(
            &state,
            auth::SESSION_COOKIE,
            &token,
            state.config.session_hours * 3600,
            "Lax",
        );
        let mut resp = Redirect::to(&next).into_response();
        resp.headers_mut()
            .append(axum::http::header::SET_COOKIE, cookie);
        return Ok(resp);
    }
    let page = CodePage {
        csrf: auth.csrf.clone().unwrap_or_default(),
        next,
        pending: true,
        error: Some(format!(
            "验证码不正确或已用过（连续错误{}次账户将锁定{}分钟）",
            limits.account_failures,
            limits.lock_for.num_minutes()
        )),
    };
    Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response())
}

#[derive(Template)]
#[template(path = "account_2fa.html")]
struct SetupPage {
    layout: Layout,
    enabled: bool,
    required: bool,
    codes_left: i64,
    /// A setup begun: the secret as typed into an app, and its otpauth address.
    pending: Option<(String, String)>,
    /// Recovery codes just made: shown this once.
    recovery: Vec<String>,
    notice: Option<String>,
    error: Option<String>,
}

async fn setup_page(
    state: &Arc<AppState>,
    auth: &Auth,
    recovery: Vec<String>,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, WebError> {
    let user_id = auth.user.id;
    let (t, codes_left) = state
        .pool
        .run(move |store| Ok((store.totp(user_id)?, store.recovery_codes_left(user_id)?)))
        .await?;
    let enabled = t.as_ref().is_some_and(|t| t.confirmed);
    let pending = t.filter(|t| !t.confirmed).map(|t| {
        (
            totp::base32(&t.secret),
            totp::otpauth_uri(ISSUER, &auth.user.username, &t.secret),
        )
    });
    let layout = Layout::new(state, auth, "两步验证", "").await?;
    render(&SetupPage {
        layout,
        enabled,
        required: auth.role.is_administrative(),
        codes_left,
        pending,
        recovery,
        notice,
        error,
    })
}

pub async fn show_setup(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    setup_page(&state, &auth, Vec::new(), None, None).await
}

pub async fn start(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let secret = liangxin_store::crypto::random_bytes::<{ totp::SECRET_BYTES }>()?;
    let user_id = auth.user.id;
    state
        .pool
        .run(move |store| Ok(store.begin_totp(user_id, &secret)?))
        .await?;
    setup_page(&state, &auth, Vec::new(), None, None).await
}

pub async fn confirm(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let code = params::field(&pairs, "code");
    let mut recovery = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        // 10 characters of the one-time alphabet, in two groups: ~58 bits each.
        let p = auth::one_time_password()?;
        recovery.push(format!("{}-{}", &p[..5], &p[5..10]).to_lowercase());
    }
    let hashes: Vec<String> = recovery.iter().map(|c| recovery_hash(c)).collect();
    let user_id = auth.user.id;
    let confirmed = state
        .pool
        .run(move |store| {
            let Some(t) = store.totp(user_id)? else {
                return Ok(false);
            };
            match totp::matching_step(&t.secret, &code, unix_now()) {
                Some(step) if !t.confirmed => {
                    store.confirm_totp(user_id, step, &hashes, auth::now())?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
        .await?;
    if !confirmed {
        let page = setup_page(
            &state,
            &auth,
            Vec::new(),
            None,
            Some("验证码：不正确，请核对手机时间后输入应用中当前显示的6位数字".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(setup_page(
        &state,
        &auth,
        recovery,
        Some("已启用两步验证：此后登录须输入应用中的验证码".into()),
        None,
    )
    .await?
    .into_response())
}

pub async fn disable(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    if auth.role.is_administrative() {
        return Err(WebError::forbidden(
            "系统管理员、安全管理员和安全审计员必须使用两步验证，不能停用",
        ));
    }
    let code = params::field(&pairs, "code");
    let user_id = auth.user.id;
    let actor = format!("user:{user_id}");
    // Ended only by whoever holds the second factor now.
    let done = state
        .pool
        .run(move |store| {
            let Some(t) = store.totp(user_id)?.filter(|t| t.confirmed) else {
                return Ok(false);
            };
            match totp::matching_step(&t.secret, &code, unix_now()) {
                Some(step) if store.take_totp_step(user_id, step)? => {
                    store.remove_totp(&actor, user_id)?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
        .await?;
    if !done {
        let page = setup_page(
            &state,
            &auth,
            Vec::new(),
            None,
            Some("验证码：不正确或已用过".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(setup_page(
        &state,
        &auth,
        Vec::new(),
        Some("已停用两步验证".into()),
        None,
    )
    .await?
    .into_response())
}
