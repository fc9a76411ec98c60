//! `GET /login` and `POST /login`.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::error::WebError;
use crate::view::render;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    /// Why signing in cannot work on this connection, when it cannot.
    insecure: Option<&'static str>,
}

/// Said on the sign-in page opened over plain HTTP on another host: the browser keeps no
/// `Secure` cookie there, so the form could never be accepted.
pub const PLAIN_HTTP: &str = "此页面是通过未加密的 HTTP 打开的，浏览器不会保存登录所需的安全凭据（Secure Cookie），因此无法登录。\
     请改用 HTTPS 访问。管理员可以用 liangxin serve --tls-cert 证书文件 --tls-key 私钥文件 直接提供 HTTPS，\
     或把平台放在 HTTPS 反向代理之后（--trusted-proxy 代理地址）；仅在内网测试时可加 --insecure-cookies。";

/// Whether this request came over a connection on which a `Secure` cookie is dropped:
/// plain HTTP to a host other than this machine (browsers accept them on localhost).
pub fn cookies_cannot_stick(state: &AppState, headers: &HeaderMap) -> bool {
    if !state.config.secure_cookies || state.config.tls {
        return false;
    }
    let forwarded_https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    if forwarded_https {
        return false;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let name = match host.rsplit_once(':') {
        Some((n, port)) if port.chars().all(|c| c.is_ascii_digit()) => n,
        _ => host,
    };
    !(name.eq_ignore_ascii_case("localhost")
        || name.starts_with("127.")
        || name == "[::1]"
        || name.is_empty())
}

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn page(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let insecure = cookies_cannot_stick(state, headers)
        .then_some(PLAIN_HTTP)
        .filter(|why| error.as_deref() != Some(*why));
    let csrf = auth::random_token();
    let cookie = auth::set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600, "Strict");
    match render(&LoginPage {
        csrf,
        next,
        username,
        error,
        insecure,
    }) {
        Ok(html) => (status, [(header::SET_COOKIE, cookie)], html).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    page(
        &state,
        &headers,
        StatusCode::OK,
        auth::safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
    next: Option<String>,
}

enum Outcome {
    SignedIn { token: String },
    Refused(StatusCode, String),
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = auth::safe_next(form.next.as_deref());
    let username = form.username.trim().to_owned();
    // The form must come from our own sign-in page (double-submit cookie).
    let expected = auth::cookie_value(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || expected != form.csrf {
        // Over plain HTTP the browser dropped the form's cookie: say why, not "expired".
        let why = if expected.is_empty() && cookies_cannot_stick(&state, &headers) {
            PLAIN_HTTP
        } else {
            "登录表单已过期，请重新输入后提交"
        };
        return page(
            &state,
            &headers,
            StatusCode::FORBIDDEN,
            next,
            username,
            Some(why.into()),
        );
    }
    if username.is_empty() || form.password.is_empty() {
        return page(
            &state,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            next,
            username,
            Some("请输入用户名和密码".into()),
        );
    }
    let ip = peer.ip().to_string();
    let password = form.password;
    let hours = state.config.session_hours;
    let name = username.clone();
    let outcome = sign_in(&state, ip, name, password, hours).await;
    match outcome {
        Ok(Outcome::SignedIn { token }) => {
            let session = auth::set_cookie(
                &state,
                SESSION_COOKIE,
                &token,
                state.config.session_hours * 3600,
                "Lax",
            );
            let clear = auth::set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0, "Strict");
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().append(header::SET_COOKIE, session);
            resp.headers_mut().append(header::SET_COOKIE, clear);
            resp
        }
        Ok(Outcome::Refused(status, msg)) => {
            page(&state, &headers, status, next, username, Some(msg))
        }
        Err(e) => WebError::into_response(e),
    }
}

/// Checks the limits, verifies the password off the database connection (Argon2 takes
/// tens of milliseconds; a connection is not held for it), then records the result.
async fn sign_in(
    state: &Arc<AppState>,
    ip: String,
    name: String,
    password: String,
    hours: i64,
) -> Result<Outcome, WebError> {
    let (ip2, name2) = (ip.clone(), name.clone());
    let user = state
        .pool
        .run(move |store| {
            let now = auth::now();
            let window = now - chrono::Duration::minutes(auth::ADDRESS_WINDOW_MINUTES);
            if store.failed_attempts_since(&ip2, window)? >= auth::ADDRESS_FAILURE_LIMIT {
                return Ok(Err(Outcome::Refused(
                    StatusCode::TOO_MANY_REQUESTS,
                    "尝试次数过多，请10分钟后再试".into(),
                )));
            }
            let user = store.user_by_username(&name2)?;
            if let Some(until) = user.as_ref().and_then(|u| u.locked_until)
                && until > now
            {
                store.note_login_attempt(&ip2, &name2, now, false)?;
                let local = until + chrono::Duration::hours(8);
                return Ok(Err(Outcome::Refused(
                    StatusCode::LOCKED,
                    format!(
                        "账户因连续输错密码已锁定，请于{}后再试",
                        local.format("%H:%M")
                    ),
                )));
            }
            Ok(Ok(user))
        })
        .await?;
    let user = match user {
        Ok(u) => u,
        Err(refused) => return Ok(refused),
    };
    // An unknown name costs the same verification as a known one: timing tells nothing.
    let phc = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| auth::dummy_hash().to_owned());
    let right = tokio::task::spawn_blocking(move || auth::verify_password(&password, &phc))
        .await
        .map_err(WebError::internal)?
        && user.is_some();
    state
        .pool
        .run(move |store| {
            let now = auth::now();
            let Some(user) = user.filter(|_| right) else {
                store.note_login_attempt(&ip, &name, now, false)?;
                let locked = match store.user_by_username(&name)? {
                    Some(u) => store.record_login_failure(
                        u.id,
                        auth::LOCK_AFTER_FAILURES,
                        now,
                        chrono::Duration::minutes(auth::LOCK_MINUTES),
                    )?,
                    None => false,
                };
                let msg = if locked {
                    format!(
                        "连续{}次密码错误，账户已锁定{}分钟",
                        auth::LOCK_AFTER_FAILURES,
                        auth::LOCK_MINUTES
                    )
                } else {
                    "用户名或密码错误".into()
                };
                return Ok(Outcome::Refused(StatusCode::UNAUTHORIZED, msg));
            };
            store.record_login_success(user.id)?;
            store.note_login_attempt(&ip, &name, now, true)?;
            let token = auth::random_token();
            store.create_session(
                &auth::token_hash(&token),
                user.id,
                &auth::random_token(),
                now,
                now + chrono::Duration::hours(hours),
            )?;
            Ok(Outcome::SignedIn { token })
        })
        .await
}
