//! Sign-in: Argon2id password hashes, database-backed sessions in an HttpOnly cookie, a
//! CSRF token per session checked on every state-changing form, personal API tokens, and
//! the abuse limits (account lockout, per-address rate limit).

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDateTime;
use liangxin_domain::kinds::Role;
use liangxin_store::Scope;
use liangxin_store::accounts::UserRow;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::{ApiError, WebError};

pub const SESSION_COOKIE: &str = "lx_session";
pub const LOGIN_CSRF_COOKIE: &str = "lx_login";

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: UserRow,
    pub role: Role,
    pub scope: Scope,
    /// The session's CSRF token; `None` for API tokens (no cookie, no CSRF risk).
    pub csrf: Option<String>,
    /// The session cookie's hash, to end it on sign-out.
    pub session_hash: Option<String>,
    /// A read-only API token: it writes nothing.
    pub read_only: bool,
    /// A session whose password was right and whose second factor is still to come.
    pub second_factor_pending: bool,
    /// The account signs in with a second factor (TOTP).
    pub second_factor: bool,
    /// With a read replica: the primary's WAL position after this user's last write, which
    /// the replica must have replayed before it serves this user's reads.
    pub write_position: Option<String>,
}

impl Auth {
    /// A form's `_csrf` must equal the session's token (and there must be a session:
    /// forms are not for bearer tokens).
    pub fn check_csrf(&self, given: &str) -> Result<(), WebError> {
        match &self.csrf {
            Some(expected) if constant_time_eq(expected.as_bytes(), given.as_bytes()) => Ok(()),
            Some(_) | None => Err(WebError::forbidden(
                "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试",
            )),
        }
    }
}

impl Auth {
    /// An API write: a bearer token (no cookie, no CSRF risk), or a session whose request
    /// carries its token in `X-CSRF-Token` (a cross-site form cannot set a header).
    pub fn check_api_write(&self, headers: &HeaderMap) -> Result<(), WebError> {
        if self.read_only {
            return Err(WebError::forbidden(
                "这个接口令牌只读：写入须用可读写的令牌",
            ));
        }
        if self.session_hash.is_none() {
            return Ok(());
        }
        let given = headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        self.check_csrf(given)
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 32 random bytes as hex. When the operating system's generator fails the request fails:
/// a token of zeros would be everybody's.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(WebError::internal)?;
    Ok(hex::encode(bytes))
}

/// What is stored for a token: its SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng
        .try_fill_bytes(&mut salt)
        .map_err(WebError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(WebError::internal)?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(WebError::internal)?
        .to_string())
}

/// A hash of no one's password, verified against for unknown user names so that a wrong
/// name takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    // Without randomness no hash is made, and an empty one verifies nothing.
    HASH.get_or_init(|| {
        random_token()
            .and_then(|t| hash_password(&t))
            .unwrap_or_default()
    })
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A new password for the account `username` must pass the policy
/// ([`liangxin_domain::account::NewPassword`]).
pub fn check_new_password(password: &str, username: &str) -> Result<(), WebError> {
    liangxin_domain::account::NewPassword::parse(password, username)
        .map(|_| ())
        .map_err(|e| WebError::bad_field("新密码", e.to_string()))
}

/// A one-time password (初始密码, 重置密码) for an administrator to hand out.
pub fn one_time_password() -> Result<String, WebError> {
    // Rejection sampling drops about one byte in seven: 64 bytes are plenty for 14.
    loop {
        let mut bytes = [0u8; 64];
        rand::rngs::OsRng
            .try_fill_bytes(&mut bytes)
            .map_err(WebError::internal)?;
        if let Some(p) = liangxin_domain::account::one_time_password(&bytes) {
            return Ok(p);
        }
    }
}

/// Where a signed-in account must go first, if anywhere: the second factor of this
/// sign-in, then a password set by someone else changed, then (for the administrative
/// roles, who must have one) a second factor set up. Only those pages and signing out are
/// open meanwhile.
fn first_duty(auth: &Auth, path: &str) -> Option<&'static str> {
    let duty: (&'static str, &[&str]) = if auth.second_factor_pending {
        ("/login/2fa", &["/login/2fa"])
    } else if auth.user.must_change_password {
        ("/account/password", &["/account/password"])
    } else if auth.role.is_administrative() && !auth.second_factor {
        (
            "/account/2fa",
            &[
                "/account/2fa",
                "/account/2fa/start",
                "/account/2fa/confirm",
                "/account/password",
            ],
        )
    } else {
        return None;
    };
    (path != "/logout" && !duty.1.contains(&path)).then_some(duty.0)
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A cookie's name as this server sets it: with the `__Host-` prefix when it serves HTTPS
/// itself, so the browser takes it only from this host, over TLS, for the whole site (a
/// sibling subdomain or a plain-HTTP page cannot plant one).
pub fn cookie_name(state: &AppState, name: &str) -> String {
    if state.config.tls && state.config.secure_cookies {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite, Secure unless the server was told otherwise.
pub fn set_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age_secs: i64,
    same_site: &str,
) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let name = cookie_name(state, name);
    let v = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite={same_site}; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Resolves the user of a request from the session cookie or a bearer token.
/// How a request may prove who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credentials {
    /// Pages: the session cookie only (its forms carry the session's CSRF token; a bearer
    /// token has none, so it must not reach a form).
    Session,
    /// The API: a bearer token, or the session cookie.
    SessionOrToken,
}

pub async fn authenticate(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    accepted: Credentials,
) -> Result<Option<Auth>, WebError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| token_hash(t.trim()))
        .filter(|_| accepted == Credentials::SessionOrToken);
    let session = cookie_value(headers, &cookie_name(state, SESSION_COOKIE)).map(token_hash);
    if bearer.is_none() && session.is_none() {
        return Ok(None);
    }
    let replica = state.pool.has_replica();
    state
        .pool
        .run(move |store| {
            let now = now();
            let (user, csrf, session_hash, read_only, pending) = if let Some(hash) = bearer {
                match store.api_token_user(&hash, now)? {
                    Some((user, read_only)) => (user, None, None, read_only, false),
                    None => return Ok(None),
                }
            } else if let Some(hash) = session {
                match store.session(&hash, now)? {
                    Some((user, csrf, pending)) => (user, Some(csrf), Some(hash), false, pending),
                    None => return Ok(None),
                }
            } else {
                return Ok(None);
            };
            let second_factor = store.totp_confirmed(user.id)?;
            let role = user.role()?;
            let scope = store.scope_of_user(&user)?;
            let write_position = if replica {
                store.write_position(user.id)?
            } else {
                None
            };
            Ok(Some(Auth {
                user,
                role,
                scope,
                csrf,
                session_hash,
                read_only,
                second_factor_pending: pending,
                second_factor,
                write_position,
            }))
        })
        .await
}

/// Pages: a visitor who is not signed in is sent to the sign-in page.
pub async fn require_page_user(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    match authenticate(&state, req.headers(), Credentials::Session).await {
        Ok(Some(auth)) if first_duty(&auth, req.uri().path()).is_some() => {
            Redirect::to(first_duty(&auth, req.uri().path()).unwrap_or("/")).into_response()
        }
        Ok(Some(auth)) => signed_in(&state, auth, req, next).await,
        Ok(None) => {
            let next_path = req
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let target = if next_path == "/" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", urlencode(next_path))
            };
            Redirect::to(&target).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// A signed-in user's request: its reads wait for the replica to replay the user's last
/// write, and after a request that may have written, the primary's position is kept as the
/// user's last write (for the next page, on whichever server it lands).
async fn signed_in(state: &Arc<AppState>, auth: Auth, mut req: Request, next: Next) -> Response {
    let may_write = !req.method().is_safe();
    let (user, after) = (auth.user.id, auth.write_position.clone());
    req.extensions_mut().insert(auth);
    let terms = crate::pool::ReadTerms::after(after);
    let response = crate::pool::READ_TERMS.scope(terms, next.run(req)).await;
    if may_write && state.pool.has_replica() {
        remember_write(state, user).await;
    }
    response
}

/// Keeps the primary's position now as `user`'s last write (with a read replica). A
/// failure here costs the user only a read from a replica that may lag: it is logged.
pub async fn remember_write(state: &Arc<AppState>, user: i64) {
    if let Err(e) = state
        .pool
        .run(move |store| Ok(store.remember_write_position(user)?))
        .await
    {
        tracing::warn!(user, error = %e.message, "未能记录写入位置");
    }
}

/// The API: no user, 401 in JSON.
pub async fn require_api_user(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: Next,
) -> Response {
    match authenticate(&state, req.headers(), Credentials::SessionOrToken).await {
        // Half signed in is not signed in.
        Ok(Some(auth)) if auth.second_factor_pending => {
            ApiError(WebError::unauthorized()).into_response()
        }
        Ok(Some(auth)) if auth.user.must_change_password => ApiError(WebError::forbidden(
            "账号的密码由管理员设置，须先在“修改密码”页改为自己的密码",
        ))
        .into_response(),
        Ok(Some(auth)) => signed_in(&state, auth, req, next).await,
        Ok(None) => ApiError(WebError::unauthorized()).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Only a local path may be a `next` target (no open redirect to another site).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and line breaks inside URLs ("/\t/evil" becomes "//evil"):
        // a target with any control or space character is refused outright.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("正确的密码-2017").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码-2017", &h));
        assert!(!verify_password("错误的密码", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn next_targets_stay_on_this_site() {
        assert_eq!(
            safe_next(Some("/organizations?page=2")),
            "/organizations?page=2"
        );
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(None), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/x")), "/");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; lx_session=abc; b=2"),
        );
        assert_eq!(cookie_value(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&h, "c"), None);
    }

    #[test]
    fn weak_new_passwords_are_refused_with_the_field_named() {
        assert!(
            check_new_password("123456789012", "hongmu")
                .unwrap_err()
                .message
                .contains("新密码")
        );
        assert!(check_new_password("short", "hongmu").is_err());
        assert!(check_new_password("hongmu-2026-dj", "hongmu").is_err());
        assert!(check_new_password("龙游红木小镇2026", "hongmu").is_ok());
    }

    #[test]
    fn one_time_passwords_pass_the_policy() {
        let p = one_time_password().unwrap();
        assert_eq!(p.len(), liangxin_domain::account::ONE_TIME_LENGTH);
        assert!(check_new_password(&p, "admin").is_ok());
        assert_ne!(p, one_time_password().unwrap());
    }
}
