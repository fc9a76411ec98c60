//! `GET /account/password` and `POST /account/password`.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Auth};
use crate::client::ClientAddr;
use crate::error::WebError;
use crate::password_check::{self, Checked};
use crate::view::{Layout, render};

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    done: bool,
    /// The password was set by an administrator: nothing else opens until it is changed.
    must_change: bool,
    error_current: Option<String>,
    error_new: Option<String>,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    let layout = Layout::new(&state, &auth, "修改密码", "").await?;
    Ok(render(&PasswordPage {
        layout,
        done: false,
        must_change: auth.user.must_change_password,
        error_current: None,
        error_new: None,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Extension(client): Extension<ClientAddr>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, WebError> {
    auth.check_csrf(&form.csrf)?;
    let layout = Layout::new(&state, &auth, "修改密码", "").await?;
    // The current password is checked as a sign-in is: the same limits and lock, so a
    // session left open cannot be used to guess it.
    let checked = password_check::check(
        &state,
        client.ip.to_string(),
        auth.user.username.clone(),
        form.current.clone(),
    )
    .await?;
    let refused = match checked {
        Checked::Right(_) => {
            // Fully signed in already: a right password clears the count its claim added
            // (an account with a second factor keeps it otherwise).
            let user_id = auth.user.id;
            state
                .pool
                .run(move |store| Ok(store.clear_failures(user_id)?))
                .await?;
            None
        }
        Checked::Wrong(limits) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "当前密码不正确（连续输错{}次账户将锁定{}分钟）",
                limits.account_failures,
                limits.lock_for.num_minutes()
            ),
        )),
        Checked::TooMany => Some((
            StatusCode::TOO_MANY_REQUESTS,
            "尝试次数过多，请稍后再试".to_owned(),
        )),
        Checked::Busy => Some((
            StatusCode::TOO_MANY_REQUESTS,
            password_check::BUSY_MESSAGE.to_owned(),
        )),
    };
    if let Some((status, message)) = refused {
        let page = PasswordPage {
            layout,
            done: false,
            must_change: auth.user.must_change_password,
            error_current: Some(message),
            error_new: None,
        };
        return Ok((status, render(&page)?).into_response());
    }
    let same = (form.new == form.current).then(|| {
        WebError::bad_field(
            "新密码",
            "不能与当前密码相同：管理员设置的密码须改为只有您知道的密码",
        )
    });
    if let Some(e) = same
        .map(Err)
        .unwrap_or_else(|| auth::check_new_password(&form.new, &auth.user.username))
        .err()
    {
        let page = PasswordPage {
            layout,
            done: false,
            must_change: auth.user.must_change_password,
            error_current: None,
            error_new: Some(e.message),
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let new = form.new.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&new))
        .await
        .map_err(WebError::internal)??;
    let user_id = auth.user.id;
    // Ends every session and API token of the account, this one included: sign in again
    // with the new password.
    state
        .pool
        .run(move |store| Ok(store.set_password_hash(user_id, &hash)?))
        .await?;
    Ok(render(&PasswordPage {
        layout,
        done: true,
        must_change: false,
        error_current: None,
        error_new: None,
    })?
    .into_response())
}
