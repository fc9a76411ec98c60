//! `POST /party-orgs/{county}/{id}/records-start`: the level above moves a party
//! organization's 台账起始月 (the month its records in the platform start; runs of months
//! are counted from it). A month in any spelling the importer accepts (2026-01, 2026年1月,
//! a whole date); the store refuses the organization's own level and a month to come.

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::cells::parse_date;
use liangxin_domain::registry::Key;

use crate::auth::Auth;
use crate::error::WebError;
use crate::{AppState, params};

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let typed = params::field(&pairs, "records_start");
    if typed.trim().is_empty() {
        return Err(WebError::bad_field("台账起始月", "必填"));
    }
    let month = parse_date(&typed)
        .map_err(|e| WebError::bad_field("台账起始月", e.to_string()))?
        .first_day();
    let key = Key { county, id };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    state
        .pool
        .run(move |store| Ok(store.set_records_start(&actor, &scope, key, month, today)?))
        .await?;
    Ok(Redirect::to(&format!("/party-orgs/{county}/{id}")).into_response())
}
