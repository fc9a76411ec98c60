//! `GET|POST /members/{county}/{id}/leave`: a member leaves the register for a reason
//! (死亡, 出党, 停止党籍 …) on a day, with its basis (the branch decision, the approval). The
//! record is never deleted; 转出 goes through a transfer instead. Nothing is chosen for the
//! user, and a checked form first answers with a page stating the consequence; only its
//! 确认减少 (`confirm=1`) writes.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::LeaveReason;
use liangxin_domain::registry::Key;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    reason: String,
    on: String,
    note: String,
    /// `1` from the confirmation page.
    confirm: String,
}

/// What the confirmation page states before anything is written.
struct Confirm {
    reason: &'static str,
    on: String,
}

#[derive(Template)]
#[template(path = "member_leave.html")]
struct FormPage {
    layout: Layout,
    name: String,
    masked: String,
    back: String,
    action: String,
    transfer_href: String,
    error: Option<String>,
    reasons: Vec<Choice>,
    f: Typed,
    /// Set once the form is checked: the page asks to confirm instead of showing the form.
    confirm: Option<Confirm>,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    mut f: Typed,
    error: Option<String>,
) -> Result<FormPage, WebError> {
    let scope = auth.scope.clone();
    let m = state
        .pool
        .run(move |store| store.member(&scope, key)?.ok_or_else(WebError::not_found))
        .await?;
    if m.left_on.is_some() {
        return Err(WebError::bad_field("党员", "已不在册"));
    }
    if f.on.is_empty() {
        f.on = crate::today().to_string();
    }
    let layout = Layout::new(state, auth, &format!("{}减少", m.name), "members")
        .await?
        .at_member(state, auth, &m, "党员减少")
        .await?;
    let back = format!("/members/{}/{}", key.county, key.id);
    Ok(FormPage {
        layout,
        reasons: crate::view::choices::<LeaveReason>(&f.reason)
            .into_iter()
            .filter(|c| c.value != LeaveReason::TransferredOut.code())
            .collect(),
        masked: m.resident_id_masked,
        name: m.name,
        action: format!("{back}/leave"),
        transfer_href: format!("{back}/transfer"),
        back,
        error,
        f,
        confirm: None,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let p = page(&state, &auth, Key { county, id }, Typed::default(), None).await?;
    Ok(render(&p)?.into_response())
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut t = Typed::default();
    for (k, v) in params::form_pairs(&body)? {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "reason" => t.reason = v,
            "on" => t.on = v,
            "note" => t.note = v,
            "confirm" => t.confirm = v,
            _ => {}
        }
    }
    auth.check_csrf(&t.csrf)?;
    let key = Key { county, id };
    let today = crate::today();
    let parsed = (|| -> Result<_, WebError> {
        if t.reason.trim().is_empty() {
            return Err(WebError::bad_field("减少原因", "请选择"));
        }
        let reason = LeaveReason::parse(&t.reason)
            .map_err(|e| WebError::bad_field("减少原因", e.to_string()))?;
        if reason == LeaveReason::TransferredOut {
            return Err(WebError::bad_field(
                "减少原因",
                "转出请开具组织关系介绍信，经组织关系转接办理",
            ));
        }
        if t.note.trim().is_empty() {
            return Err(WebError::bad_field("依据", "必填"));
        }
        let on = params::form_date(&t.on, today)
            .map_err(|e| WebError::bad_field("减少日期", e))?
            .ok_or_else(|| WebError::bad_field("减少日期", "必填"))?;
        Ok((reason, on))
    })();
    let (reason, on) = match parsed {
        Ok(v) => v,
        Err(e) => return refuse(&state, &auth, key, t, e).await,
    };
    if t.confirm != "1" {
        let mut p = page(&state, &auth, key, t, None).await?;
        p.confirm = Some(Confirm {
            reason: reason.label(),
            on: on.format("%Y年%m月%d日").to_string(),
        });
        return Ok(render(&p)?.into_response());
    }
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let note = t.note.clone();
    let done = state
        .pool
        .run(move |store| {
            let leaving = liangxin_store::transfer::Leaving {
                member: key,
                reason,
                on,
                note,
            };
            Ok(store.leave_member(&actor, &scope, today, &leaving)?)
        })
        .await;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/members/{county}/{id}?saved=leave")).into_response()),
        Err(e) if e.field.is_some() => refuse(&state, &auth, key, t, e).await,
        Err(e) => Err(e),
    }
}

async fn refuse(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    t: Typed,
    e: WebError,
) -> Result<Response, WebError> {
    let p = page(state, auth, key, t, Some(e.message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}
