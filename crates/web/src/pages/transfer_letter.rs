//! `GET /transfers/{id}/letter`: the letter as the sending organization prints it on one A4
//! sheet, in the standard layout: a 组织关系介绍信 as 存根, the letter and its 回执 (the
//! stub the receiver returns), each cut off along a dashed line; a 党员证明信 as 存根 and the
//! letter. The resident ID is printed masked; `POST` prints it in full, which is a reveal
//! like any other (written to the audit log, counted against the account's daily budget).
//! Only the sending side prints: the letter is its document.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::LetterKind;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, render};
use crate::{AppState, params};

#[derive(Template)]
#[template(path = "transfer_letter.html")]
struct LetterPage {
    layout: Layout,
    id: i64,
    /// 组织关系介绍信 (with its 回执) rather than 党员证明信.
    introduction: bool,
    name: String,
    sex: &'static str,
    age: i32,
    born: i32,
    /// 正式党员 or 预备党员.
    status: &'static str,
    joined: String,
    resident_id: String,
    /// Whether `resident_id` is the full number (after a reveal).
    full: bool,
    phone: String,
    from: String,
    to: String,
    reason: String,
    dues: String,
    valid_days: i64,
    until: String,
    issued: String,
    back: String,
}

fn day(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

async fn letter(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    reveal: bool,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let (v, m, full) = state
        .pool
        .run(move |store| {
            let v = store
                .transfer(&scope, id)?
                .filter(|v| v.sender_side)
                .ok_or_else(WebError::not_found)?;
            let m = store
                .member(&scope, v.member)?
                .ok_or_else(WebError::not_found)?;
            let full = match reveal {
                true => Some(
                    store
                        .reveal_resident_id(&actor, &scope, v.member)?
                        .expose()
                        .to_owned(),
                ),
                false => None,
            };
            Ok((v, m, full))
        })
        .await?;
    let kind = v.letter_kind.label();
    let layout = Layout::new(state, auth, &format!("{}的{kind}", m.name), "transfers").await?;
    render(&LetterPage {
        layout,
        id,
        introduction: v.letter_kind == LetterKind::Introduction,
        age: v.issued_on.year() - m.birth_year,
        born: m.birth_year,
        status: m.status.label(),
        joined: day(m.joined_on),
        full: full.is_some(),
        resident_id: full.unwrap_or(m.resident_id_masked),
        phone: m.phone.unwrap_or_default(),
        sex: m.sex.label(),
        name: m.name,
        from: v.from_name,
        to: v.to_name,
        reason: v.reason,
        dues: v
            .dues_paid_through
            .map(|m| m.replacen('-', "年", 1) + "月")
            .unwrap_or_else(|| "尚无完整缴纳的月份".into()),
        // Day 1 is the day of issue.
        valid_days: (v.valid_until - v.issued_on).num_days() + 1,
        until: day(v.valid_until),
        issued: day(v.issued_on),
        back: format!("/transfers/{id}"),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    letter(&state, &auth, id, false).await
}

pub async fn reveal(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    letter(&state, &auth, id, true).await
}
