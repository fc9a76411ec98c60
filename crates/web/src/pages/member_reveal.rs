//! `POST /members/{county}/{id}/resident-id`: the member's full resident ID, for the staff
//! of the member's branch and above who need it for a form. Each reveal is written to the
//! audit log and counts against the account's daily budget (`liangxin_store::lookups`);
//! a POST so that no link, prefetch or history entry shows it again.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Html;
use liangxin_domain::registry::Key;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::params;
use crate::view::{Layout, render};

#[derive(Template)]
#[template(path = "member_reveal.html")]
struct RevealPage {
    layout: Layout,
    name: String,
    full: String,
    left: i64,
    back: String,
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let key = Key { county, id };
    let (name, full, left) = state
        .pool
        .run(move |store| {
            let m = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            let full = store.reveal_resident_id(&actor, &scope, key)?;
            let left = store.confirmations_left(&actor)?;
            Ok((m.name, full.expose().to_owned(), left))
        })
        .await?;
    let layout = Layout::new(&state, &auth, &format!("{name}：公民身份号码"), "members").await?;
    render(&RevealPage {
        layout,
        name,
        full,
        left,
        back: format!("/members/{county}/{id}"),
    })
}
