//! The import API, the same two phases as the pages:
//!
//! - `POST /api/v1/imports?kind=members&file_name=党员.xlsx` (or `kind=organizations`,
//!   `kind=party_orgs`, `kind=assignments`, `kind=payments`, `kind=meetings`, `kind=zones`, `kind=posts`) with
//!   the file as the body answers 202 with the upload's id; the file is checked in the
//!   background.
//! - `GET /api/v1/imports/uploads/{id}` gives its state and progress, then the preview:
//!   counts and every problem.
//! - `POST /api/v1/imports/uploads/{id}/commit` commits it (202; the state says when it is
//!   done), in one transaction or not at all.
//! - `GET /api/v1/imports` lists the uploads and imports in the scope; `POST
//!   /api/v1/imports/{id}/undo` takes an import back while nothing depends on it.
//!
//! Writes take a bearer token, or a session with its token in `X-CSRF-Token`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use liangxin_store::import::ImportRecord;
use liangxin_store::uploads::{Preview, Upload};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::{ApiPath, ApiQuery};
use crate::auth::Auth;
use crate::error::{ApiError, WebError};
use crate::import_jobs::{stage, start_commit};

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemOut {
    /// The spreadsheet's row number.
    pub row: usize,
    pub column: String,
    /// The cell as written (a resident ID masked).
    pub value: String,
    pub reason: String,
    /// `error` blocks the commit; `warning` does not.
    pub severity: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewOut {
    /// How the file was read (`Excel 工作簿（.xlsx）` …).
    pub format: String,
    pub notes: Vec<String>,
    pub rows_read: usize,
    pub create: usize,
    /// Records already registered (members, organizations, party organizations) whose
    /// record the file changes.
    pub update: usize,
    pub skip: usize,
    pub errors: usize,
    pub warnings: usize,
    pub problems: Vec<ProblemOut>,
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadOut {
    pub id: i64,
    /// `members`, `organizations`, `party_orgs`, `assignments`, `payments`, `meetings`,
    /// `zones` or `posts`.
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub uploaded_at: String,
    /// `checking`, `checked`, `failed`, `committing`, `committed`, `discarded`, `expired`.
    pub state: String,
    /// A check or commit whose server stopped: nothing was written.
    pub interrupted: bool,
    pub done_rows: i32,
    pub total_rows: i32,
    /// Why the file cannot be imported, or why a commit was refused.
    pub message: Option<String>,
    /// The import it became, once committed.
    pub import_id: Option<i64>,
    pub can_commit: bool,
    pub preview: Option<PreviewOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportOut {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub imported_at: String,
    pub rows_read: i32,
    pub created: i32,
    pub updated: i32,
    pub skipped: i32,
    pub undone_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportsOut {
    pub uploads: Vec<UploadOut>,
    pub imports: Vec<ImportOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StartedOut {
    pub id: i64,
    /// Where to follow it.
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UndoneOut {
    pub import_id: i64,
    /// Records the import created, removed (members, organizations, party organizations).
    pub removed: usize,
}

fn iso(t: chrono::NaiveDateTime) -> String {
    t.and_utc().to_rfc3339()
}

fn preview_out(p: Preview, with_problems: bool) -> PreviewOut {
    PreviewOut {
        format: p.format,
        notes: p.notes,
        rows_read: p.rows_read,
        create: p.create,
        update: p.update,
        skip: p.skip,
        errors: p.errors,
        warnings: p.warnings,
        problems: if with_problems {
            p.problems.into_iter().map(problem_out).collect()
        } else {
            Vec::new()
        },
        ignored_columns: p.ignored_columns,
    }
}

fn upload_out(u: Upload, with_problems: bool) -> UploadOut {
    UploadOut {
        can_commit: u.can_commit(),
        id: u.id,
        kind: u.kind,
        file_name: u.file_name,
        file_sha256: u.file_sha256,
        uploaded_at: iso(u.uploaded_at),
        state: u.state,
        interrupted: u.interrupted,
        done_rows: u.done_rows,
        total_rows: u.total_rows,
        message: u.message,
        import_id: u.import_id,
        preview: u.preview.map(|p| preview_out(p, with_problems)),
    }
}

fn import_out(i: ImportRecord) -> ImportOut {
    ImportOut {
        id: i.id,
        kind: i.kind,
        file_name: i.file_name,
        file_sha256: i.file_sha256,
        imported_at: iso(i.imported_at),
        rows_read: i.rows_read,
        created: i.created,
        updated: i.updated,
        skipped: i.skipped,
        undone_at: i.undone_at.map(iso),
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/imports",
    responses(
        (status = 200, description = "管理范围内最近的上传和导入记录", body = ImportsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Json<ImportsOut>, ApiError> {
    let scope = auth.scope.clone();
    let (uploads, imports) = state
        .pool
        .run(move |store| Ok((store.uploads(&scope, 30)?, store.imports(&scope)?)))
        .await?;
    Ok(Json(ImportsOut {
        uploads: uploads.into_iter().map(|u| upload_out(u, false)).collect(),
        imports: imports.into_iter().take(100).map(import_out).collect(),
    }))
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    pub kind: Option<String>,
    pub file_name: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/imports",
    params(
        ("kind" = inline(Option<crate::api::doc::ImportKind>), Query, description = "导入内容：members（党员名册）、organizations（两新组织名录，按统一社会信用代码匹配）、party_orgs（党组织名册，按组织编号或上级下的名称匹配）、assignments（党建指导员选派表）、payments（党费缴纳记录）、meetings（组织生活出席记录）、zones（园区小镇名录，按县(市、区)内的名称匹配）或 posts（委员会成员名单，党员按公民身份号码匹配），默认 members"),
        ("file_name" = Option<String>, Query, min_length = 1, description = "文件名，记入导入记录")
    ),
    request_body(content = Vec<u8>, description = "文件本身：.xlsx、.xls 或 CSV", content_type = "application/octet-stream"),
    responses(
        (status = 202, description = "已接收，后台校验中", body = StartedOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能导入，或会话请求缺少 X-CSRF-Token", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效或文件为空、过大", body = crate::error::ErrorBody),
        (status = 429, description = "待确认的上传过多或上传过于频繁", body = crate::error::ErrorBody)
    )
)]
pub async fn create(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Bytes,
) -> Result<(StatusCode, Json<StartedOut>), ApiError> {
    auth.check_api_write(&headers)?;
    if body.is_empty() {
        return Err(WebError::bad_field("文件", "请求体为空：请把文件作为请求体上传").into());
    }
    let kind = q.kind.unwrap_or_else(|| "members".into());
    let id = stage(
        &state,
        &auth,
        &kind,
        q.file_name.as_deref().unwrap_or_default(),
        body.to_vec(),
    )
    .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(StartedOut {
            id,
            href: format!("/api/v1/imports/uploads/{id}"),
        }),
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/imports/uploads/{id}",
    params(("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "上传编号")),
    responses(
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 200, description = "上传的状态、进度和预览（计数完整；问题只列前200个，全部问题分页见 …/problems）", body = UploadOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<UploadOut>, ApiError> {
    let scope = auth.scope.clone();
    let u = state
        .pool
        .run(move |store| store.upload(&scope, id)?.ok_or_else(WebError::not_found))
        .await?;
    Ok(Json(upload_out(u, true)))
}

/// A page of an upload's problems.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemsOut {
    /// Problems kept for this upload (the preview's counts may be larger past 100,000).
    pub total: usize,
    pub page: i64,
    pub page_size: usize,
    pub items: Vec<ProblemOut>,
}

#[derive(Debug, Deserialize)]
pub struct ProblemsQuery {
    page: Option<String>,
}

/// Problems per page of `…/problems`.
const PROBLEMS_PAGE: usize = 500;

#[utoipa::path(
    get,
    path = "/api/v1/imports/uploads/{id}/problems",
    params(
        ("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "上传编号"),
        ("page" = Option<i64>, Query, minimum = 1, maximum = 1000000, description = "页码，从1开始，每页500个")
    ),
    responses(
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 200, description = "校验发现的全部问题，分页", body = ProblemsOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 422, description = "参数无效", body = crate::error::ErrorBody)
    )
)]
pub async fn problems(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ProblemsQuery>,
) -> Result<Json<ProblemsOut>, ApiError> {
    let page = crate::params::page(&q.page)?;
    let scope = auth.scope.clone();
    let all = state
        .pool
        .run(move |store| Ok(store.upload_problems(&scope, id)?))
        .await?;
    let start = usize::try_from(page - 1)
        .unwrap_or(usize::MAX)
        .saturating_mul(PROBLEMS_PAGE);
    Ok(Json(ProblemsOut {
        total: all.len(),
        page,
        page_size: PROBLEMS_PAGE,
        items: all
            .into_iter()
            .skip(start)
            .take(PROBLEMS_PAGE)
            .map(problem_out)
            .collect(),
    }))
}

/// A commit or undo the record's state does not allow is a conflict with that state, not
/// bad input: 409.
fn conflict(e: WebError) -> WebError {
    if e.status == StatusCode::UNPROCESSABLE_ENTITY {
        WebError {
            status: StatusCode::CONFLICT,
            ..e
        }
    } else {
        e
    }
}

fn problem_out(x: liangxin_store::uploads::PreviewProblem) -> ProblemOut {
    ProblemOut {
        row: x.row,
        column: x.column,
        value: x.value,
        reason: x.reason,
        severity: if x.error { "error" } else { "warning" },
    }
}

#[utoipa::path(
    post,
    path = "/api/v1/imports/uploads/{id}/commit",
    params(("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "上传编号")),
    responses(
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 202, description = "开始导入；状态变为 committed 即完成", body = StartedOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能导入这类内容，或会话请求缺少 X-CSRF-Token", body = crate::error::ErrorBody),
        (status = 409, description = "不能导入（有错误、已导入、正在处理、已放弃或过期）", body = crate::error::ErrorBody)
    )
)]
pub async fn commit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<StartedOut>), ApiError> {
    auth.check_api_write(&headers)?;
    start_commit(&state, &auth, id).await.map_err(conflict)?;
    Ok((
        StatusCode::ACCEPTED,
        Json(StartedOut {
            id,
            href: format!("/api/v1/imports/uploads/{id}"),
        }),
    ))
}

#[utoipa::path(
    post,
    path = "/api/v1/imports/{id}/undo",
    params(("id" = i64, Path, minimum = 1, maximum = 9223372036854775807_i64, description = "导入编号")),
    responses(
        (status = 400, description = "路径格式不对（县代码、编号应为数字）", body = crate::error::ErrorBody),
        (status = 200, description = "已撤销", body = UndoneOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 404, description = "不存在或不在管理范围内", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能撤销这类导入，或会话请求缺少 X-CSRF-Token", body = crate::error::ErrorBody),
        (status = 409, description = "已撤销过，或已有后续记录依赖这批导入的记录", body = crate::error::ErrorBody)
    )
)]
pub async fn undo(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<UndoneOut>, ApiError> {
    auth.check_api_write(&headers)?;
    crate::import_jobs::undo_right(&state, &auth, id).await?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let removed = state
        .pool
        .run(move |store| Ok(store.undo_import(&actor, &scope, id)?))
        .await
        .map_err(conflict)?;
    Ok(Json(UndoneOut {
        import_id: id,
        removed,
    }))
}
