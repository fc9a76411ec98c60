//! Operations: `/healthz` (the database answers), `/metrics`, and the stylesheet.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::AppState;

pub async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    match state.pool.run(|store| Ok(store.ping()?)).await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "数据库不可用\n").into_response(),
    }
}

pub async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    let mut reads = state.pool.read_counts();
    if let Some(r) = &mut reads {
        r.lag_bytes = state.pool.replica_lag_bytes().await;
    }
    let body = state
        .metrics
        .render(state.pool.in_use(), state.pool.size(), reads);
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response()
}

/// The stylesheet, compiled into the binary (no CDN, works on an offline intranet).
pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
        .into_response()
}
