//! `GET /api/v1/openapi.json`

use axum::Json;
use utoipa::OpenApi;

use super::ApiDoc;

pub async fn get() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
