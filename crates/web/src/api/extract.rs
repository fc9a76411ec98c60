//! Path and query extractors for the API whose rejections are the API's JSON errors (in
//! Chinese, with the field), not axum's plain-text 400.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, WebError};

/// `Path<T>` answering bad input with a JSON 400.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(ApiPath(v)),
            Err(e) => Err(ApiError(bad_request("路径", &path_reason(&e)))),
        }
    }
}

/// `?format=csv|xlsx` on an API list: every row of the same filter as a file (the page's
/// export: the same columns, IDs masked) instead of a page of JSON.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

impl ExportQuery {
    /// The format asked for; files are for staff, as the pages' exports are (an instructor
    /// or a member reads the JSON).
    pub fn format(
        &self,
        auth: &crate::auth::Auth,
    ) -> Result<Option<crate::export::Format>, WebError> {
        let format = crate::export::Format::parse(self.format.as_deref())?;
        if format.is_some() && !crate::routes::Who::Staff.admits(auth.role) {
            return Err(WebError::forbidden("导出文件仅供党组织工作人员使用"));
        }
        Ok(format)
    }
}

/// `Query<T>` answering bad input with a JSON 422, as every other bad parameter.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(e) = parts.uri.query().and_then(strict) {
            return Err(ApiError(e));
        }
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(e) => Err(ApiError(WebError {
                status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                ..bad_request("查询参数", &query_reason(&e))
            })),
        }
    }
}

/// What the API asks of every query, beyond each parameter's own rule (the pages are
/// lenient, as forms send empty fields): a parameter given has a value (not empty: the
/// document's minLength 1; blanks are a value, judged by the parameter's rule), and `page`
/// is a page number even where a file export does not use it.
fn strict(query: &str) -> Option<WebError> {
    for (key, value) in form_urlencoded_pairs(query) {
        if value.is_empty() {
            return Some(WebError {
                status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                message: format!("参数“{key}”：没有值（不需要时请省略这个参数）"),
                field: Some("查询参数"),
            });
        }
        if key == "page" {
            let ok = value
                .trim()
                .parse::<i64>()
                .is_ok_and(|p| (1..=1_000_000).contains(&p));
            if !ok {
                return Some(WebError {
                    status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    message: "页码：应为1到1000000之间的整数".into(),
                    field: Some("页码"),
                });
            }
        }
    }
    None
}

/// The decoded pairs of a query string (a key or value that does not decode is kept as
/// written; the guard has already refused text that is not UTF-8).
fn form_urlencoded_pairs(query: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(query).unwrap_or_default()
}

fn bad_request(field: &'static str, reason: &str) -> WebError {
    WebError {
        status: axum::http::StatusCode::BAD_REQUEST,
        message: format!("{field}：{reason}"),
        field: Some(field),
    }
}

fn path_reason(_: &PathRejection) -> String {
    "格式不对，应为 县代码/编号（均为数字）".into()
}

fn query_reason(_: &QueryRejection) -> String {
    "无法解析（同一参数写了两次，或写法不对）".into()
}
