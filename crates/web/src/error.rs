//! Web errors. Handlers of pages return [`WebError`] (rendered as a Chinese HTML page);
//! API handlers return [`ApiError`] (the same error as JSON). Constructors say what
//! happened; internal details are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use liangxin_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebError {
    pub status: StatusCode,
    pub message: String,
    /// The form or query field at fault, when there is one.
    pub field: Option<&'static str>,
}

impl WebError {
    pub fn not_found() -> Self {
        WebError {
            status: StatusCode::NOT_FOUND,
            message: "没有找到，或不在您的管理范围内".into(),
            field: None,
        }
    }

    pub fn unauthorized() -> Self {
        WebError {
            status: StatusCode::UNAUTHORIZED,
            message: "请先登录".into(),
            field: None,
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        WebError {
            status: StatusCode::FORBIDDEN,
            message: message.into(),
            field: None,
        }
    }

    pub fn bad_field(field: &'static str, reason: impl Into<String>) -> Self {
        WebError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: format!("{field}：{}", reason.into()),
            field: Some(field),
        }
    }

    pub fn too_many(message: impl Into<String>) -> Self {
        WebError {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: message.into(),
            field: None,
        }
    }

    /// The record changed since the form was opened: nothing was saved.
    pub fn conflict(message: impl Into<String>) -> Self {
        WebError {
            status: StatusCode::CONFLICT,
            message: message.into(),
            field: None,
        }
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        WebError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "系统内部错误，请稍后再试".into(),
            field: None,
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid { field, reason } if reason.contains("不存在") => {
                let _ = field;
                WebError::not_found()
            }
            StoreError::Invalid { field, reason } => WebError::bad_field(field, reason),
            StoreError::Limit { field, reason } => WebError {
                status: StatusCode::TOO_MANY_REQUESTS,
                message: format!("{field}：{reason}"),
                field: Some(field),
            },
            stale @ StoreError::Stale { .. } => WebError::conflict(stale.to_string()),
            other => WebError::internal(other),
        }
    }
}

/// What a person can do about an error page's status, in the house's words.
fn hint(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => {
            "可能是网址有误、记录已不存在，或它不在您的管理范围内（其他范围的记录是否存在，系统不作说明）。"
        }
        StatusCode::FORBIDDEN => {
            "您的账号没有这项权限。确需办理的，请联系上级党组织或本级系统管理员。"
        }
        StatusCode::UNAUTHORIZED => "请重新登录。",
        StatusCode::CONFLICT => "请重新打开这条记录，看过别人的修改后再改。",
        s if s.is_client_error() => "请返回上一页，按提示修改后再提交。",
        _ => "系统出现错误，已记入日志。请稍后再试；仍不行的，请联系系统管理员。",
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let body = format!(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{msg}</title>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <link rel=\"stylesheet\" href=\"/static/app.css\"></head><body class=\"bare\"><main class=\"narrow\">\
             <h1>{msg}</h1><p>{hint}</p><p class=\"caption\">{code}</p><p><a href=\"/\">返回首页</a></p></main></body></html>",
            msg = liangxin_docs::svg::escape(&self.message),
            hint = hint(self.status),
            code = self.status.as_u16(),
        );
        (self.status, Html(body)).into_response()
    }
}

/// The JSON form of a [`WebError`], for `/api/v1`.
#[derive(Debug)]
pub struct ApiError(pub WebError);

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// 中文说明
    pub error: String,
    /// The field at fault, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.0.status,
            Json(ErrorBody {
                error: self.0.message,
                field: self.0.field,
            }),
        )
            .into_response()
    }
}
