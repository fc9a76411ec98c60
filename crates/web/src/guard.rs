//! What every response carries and what none may be: the headers a government system is
//! expected to send (no framing, no sniffing, no referrer, no caching of personal data, a
//! Content-Security-Policy that allows no script and no inline style), and every error in
//! Chinese in the house style, including those the framework answers by itself (a body
//! too large, a form it cannot read, a path with no route). Text that is not UTF-8 in a
//! form or a query is refused naming its field, never stored as U+FFFD.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{ApiError, WebError};

/// Pages have no script, no inline style and no frames; forms post only to this site.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The whole guard, outermost of the application's layers.
pub async fn guard(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let cacheable = req.uri().path().starts_with("/static/");
    let req = match check_text(req, api).await {
        Ok(req) => req,
        Err(resp) => return with_headers(resp, &state, false),
    };
    let resp = next.run(req).await;
    with_headers(in_chinese(resp, api), &state, cacheable)
}

fn with_headers(mut resp: Response, state: &AppState, cacheable: bool) -> Response {
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if !cacheable {
        // Pages, files and API answers carry personal data: never kept by a browser or a
        // proxy.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

fn refuse(e: WebError, api: bool) -> Response {
    if api {
        ApiError(e).into_response()
    } else {
        e.into_response()
    }
}

/// An error the framework wrote (plain text, or nothing) rewritten in the house style; the
/// application's own errors (HTML pages, JSON) pass unchanged.
fn in_chinese(resp: Response, api: bool) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let ours = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/json"));
    if ours {
        return resp;
    }
    let message = match status {
        StatusCode::NOT_FOUND => return refuse(WebError::not_found(), api),
        StatusCode::METHOD_NOT_ALLOWED => "此地址不接受这种请求方式",
        StatusCode::PAYLOAD_TOO_LARGE => "提交的内容过大",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "提交内容的类型不对：表单请以 application/x-www-form-urlencoded 提交，文件以 multipart/form-data 上传"
        }
        StatusCode::UNPROCESSABLE_ENTITY => "提交的内容缺少必填项或格式不对",
        StatusCode::BAD_REQUEST => "请求的格式不对，无法读取",
        StatusCode::UNAUTHORIZED => "请先登录",
        StatusCode::FORBIDDEN => "没有权限",
        StatusCode::TOO_MANY_REQUESTS => "请求过于频繁，请稍后再试",
        s if s.is_server_error() => "系统内部错误，请稍后再试",
        _ => "请求无法处理",
    };
    let e = WebError {
        status,
        message: message.to_owned(),
        field: None,
    };
    let mut out = refuse(e, api);
    // Keep what the framework said about the method or the retry.
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = resp.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// Refuses a query or a form whose text, once its `%XX` escapes are decoded, is not UTF-8.
async fn check_text(req: Request, api: bool) -> Result<Request, Response> {
    if let Some(q) = req.uri().query()
        && let Some(field) = not_utf8(q.as_bytes())
    {
        return Err(refuse(bad_text(field), api));
    }
    // A file for import is not a form, whatever it is sent as (`curl --data-binary`
    // says x-www-form-urlencoded): it has its own limit and is read as a spreadsheet.
    let upload = matches!(req.uri().path(), "/imports" | "/api/v1/imports");
    let form = req.method() == Method::POST
        && !upload
        && req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if !form {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            let e = WebError {
                status: StatusCode::PAYLOAD_TOO_LARGE,
                message: format!("提交的内容过大（表单上限 {} KB）", crate::BODY_LIMIT / 1024),
                field: None,
            };
            return Err(refuse(e, api));
        }
    };
    if let Some(field) = not_utf8(&bytes) {
        return Err(refuse(bad_text(field), api));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn bad_text(field: String) -> WebError {
    WebError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        message: format!("{field}：含有无法识别的字符（不是 UTF-8 编码），请重新输入后提交"),
        field: None,
    }
}

/// The name of the first field of `a=b&c=d` whose name or value does not decode to UTF-8.
fn not_utf8(encoded: &[u8]) -> Option<String> {
    for pair in encoded.split(|b| *b == b'&') {
        let mut halves = pair.splitn(2, |b| *b == b'=');
        let key = decode(halves.next().unwrap_or_default());
        let value = decode(halves.next().unwrap_or_default());
        let key_ok = std::str::from_utf8(&key).is_ok();
        if !key_ok || std::str::from_utf8(&value).is_err() {
            let name = String::from_utf8_lossy(&key);
            let name: String = name.chars().filter(|c| !c.is_control()).take(40).collect();
            return Some(if key_ok { name } else { "字段名".to_owned() });
        }
    }
    None
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn decode(s: &[u8]) -> Vec<u8> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_that_are_not_utf8_are_named() {
        assert_eq!(not_utf8(b"name=%E5%BC%A0%E4%B8%89&x=1"), None);
        assert_eq!(not_utf8(b"name=%FF%FE&x=1"), Some("name".into()));
        assert_eq!(not_utf8(b"a=1&topic=ok%C3"), Some("topic".into()));
        assert_eq!(not_utf8(b"%FF=1"), Some("字段名".into()));
        assert_eq!(not_utf8(b"a=100%&b=%zz"), None);
        assert_eq!(decode(b"a+b%20c%"), b"a b c%".to_vec());
    }
}
