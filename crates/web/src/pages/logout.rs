//! `POST /logout`: ends the session (CSRF-checked: a third-party page cannot sign you out).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Auth, SESSION_COOKIE};
use crate::error::WebError;

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Form(form): Form<LogoutForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&form.csrf)?;
    if let Some(hash) = auth.session_hash.clone() {
        state
            .pool
            .run(move |store| Ok(store.end_session(&hash)?))
            .await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    resp.headers_mut().append(
        header::SET_COOKIE,
        auth::set_cookie(&state, SESSION_COOKIE, "", 0, "Lax"),
    );
    Ok(resp)
}
