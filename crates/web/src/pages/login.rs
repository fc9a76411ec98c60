//! `GET /login` and `POST /login`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::client::ClientAddr;
use crate::error::WebError;
use crate::password_check::{self, Checked};
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
    /// The database holds the demo city (演示数据).
    demo: bool,
}

/// Said on the sign-in page opened over plain HTTP on another host: the browser keeps no
/// `Secure` cookie there, so the form could never be accepted.
pub const PLAIN_HTTP: &str = "此页面是通过未加密的 HTTP 打开的，浏览器不会保存登录所需的安全凭据（Secure Cookie），因此无法登录。\
     请改用 HTTPS 访问。管理员可以用 liangxin serve --tls-cert 证书文件 --tls-key 私钥文件 直接提供 HTTPS，\
     或把平台放在 HTTPS 反向代理之后（--trusted-proxy 代理地址）；仅在内网测试时可加 --insecure-cookies。";

/// Whether this request came over a connection on which a `Secure` cookie is dropped:
/// plain HTTP to a host other than this machine (browsers accept them on localhost).
pub fn cookies_cannot_stick(state: &AppState, client: ClientAddr, headers: &HeaderMap) -> bool {
    if !state.config.secure_cookies || state.config.tls || client.via_https_proxy {
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
    client: ClientAddr,
    headers: &HeaderMap,
    status: StatusCode,
    next: String,
    username: String,
    error: Option<String>,
) -> Response {
    let insecure = cookies_cannot_stick(state, client, headers)
        .then_some(PLAIN_HTTP)
        .filter(|why| error.as_deref() != Some(*why));
    let csrf = match auth::random_token() {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    let cookie = auth::set_cookie(state, LOGIN_CSRF_COOKIE, &csrf, 3600, "Strict");
    match render(&LoginPage {
        csrf,
        next,
        username,
        error,
        insecure,
        demo: state.config.demo,
    }) {
        Ok(html) => (status, [(header::SET_COOKIE, cookie)], html).into_response(),
        Err(e) => e.into_response(),
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<ClientAddr>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Response {
    page(
        &state,
        client,
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
    /// A session; `pending` when the second factor is still to come.
    SignedIn {
        token: String,
        pending: bool,
    },
    Refused(StatusCode, String),
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(client): Extension<ClientAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = auth::safe_next(form.next.as_deref());
    let username = form.username.trim().to_owned();
    // The form must come from our own sign-in page (double-submit cookie).
    let name = auth::cookie_name(&state, LOGIN_CSRF_COOKIE);
    let expected = auth::cookie_value(&headers, &name).unwrap_or("");
    if expected.is_empty() || expected != form.csrf {
        // Over plain HTTP the browser dropped the form's cookie: say why, not "expired".
        let why = if expected.is_empty() && cookies_cannot_stick(&state, client, &headers) {
            PLAIN_HTTP
        } else {
            "登录表单已过期，请重新输入后提交"
        };
        return page(
            &state,
            client,
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
            client,
            &headers,
            StatusCode::UNPROCESSABLE_ENTITY,
            next,
            username,
            Some("请输入用户名和密码".into()),
        );
    }
    let ip = client.ip.to_string();
    let password = form.password;
    let hours = state.config.session_hours;
    let name = username.clone();
    let outcome = sign_in(&state, ip, name, password, hours).await;
    match outcome {
        Ok(Outcome::SignedIn { token, pending }) => {
            let session = auth::set_cookie(
                &state,
                SESSION_COOKIE,
                &token,
                state.config.session_hours * 3600,
                "Lax",
            );
            let clear = auth::set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0, "Strict");
            let target = if pending {
                format!("/login/2fa?next={}", auth::urlencode(&next))
            } else {
                next
            };
            let mut resp = Redirect::to(&target).into_response();
            resp.headers_mut().append(header::SET_COOKIE, session);
            resp.headers_mut().append(header::SET_COOKIE, clear);
            resp
        }
        Ok(Outcome::Refused(status, msg)) => {
            page(&state, client, &headers, status, next, username, Some(msg))
        }
        Err(e) => WebError::into_response(e),
    }
}

/// Checks the password the one way ([`password_check`]), then opens a session.
async fn sign_in(
    state: &Arc<AppState>,
    ip: String,
    name: String,
    password: String,
    hours: i64,
) -> Result<Outcome, WebError> {
    let user = match password_check::check(state, ip.clone(), name.clone(), password).await? {
        Checked::Right(user) if user.disabled_at.is_some() => {
            // Told only to whoever knows its password: the account's holder.
            return Ok(Outcome::Refused(
                StatusCode::FORBIDDEN,
                "此账号已停用，请联系上级的系统管理员".into(),
            ));
        }
        Checked::Right(user) => user,
        Checked::Wrong(limits) => {
            return Ok(Outcome::Refused(
                StatusCode::UNAUTHORIZED,
                password_check::wrong_message(&limits),
            ));
        }
        Checked::TooMany => {
            return Ok(Outcome::Refused(
                StatusCode::TOO_MANY_REQUESTS,
                "尝试次数过多，请稍后再试".into(),
            ));
        }
        Checked::Busy => {
            return Ok(Outcome::Refused(
                StatusCode::TOO_MANY_REQUESTS,
                password_check::BUSY_MESSAGE.into(),
            ));
        }
    };
    state
        .pool
        .run(move |store| {
            let now = auth::now();
            let token = auth::random_token()?;
            // With a second factor the session opens nothing until its code is given.
            let pending = store.totp_confirmed(user.id)?;
            store.create_session(
                &auth::token_hash(&token),
                user.id,
                &auth::random_token()?,
                now,
                now + chrono::Duration::hours(hours),
                pending,
            )?;
            Ok(Outcome::SignedIn { token, pending })
        })
        .await
}
