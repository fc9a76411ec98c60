//! `GET|POST /members/{county}/{id}/transfer`: the sending organization issues a letter for
//! a member — 组织关系介绍信 or 党员证明信, to a party organization of the system or to one
//! outside it, with the reason and the validity (the rule's default when left blank). The
//! letter states 党费交至年月 from the ledger.
//!
//! The receiver is found by part of its name: 查找 (or a name that is not exact) shows the
//! organizations whose name contains it, with the one above each, to pick from; its
//! 组织编号 or exact full name is taken as it is.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::LetterKind;
use liangxin_domain::registry::Key;
use liangxin_store::transfer::{Destination, Receiver, TransferRequest};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    letter_kind: String,
    outside: bool,
    to: String,
    reason: String,
    issued_on: String,
    valid_days: String,
    /// The receiver picked from the search's candidates (`county-id`).
    pick: String,
}

/// How many candidates the receiver's search shows.
const CANDIDATES: usize = 20;

#[derive(Template)]
#[template(path = "transfer_new.html")]
struct FormPage {
    layout: Layout,
    name: String,
    masked: String,
    party_org: String,
    back: String,
    action: String,
    error: Option<String>,
    kinds: Vec<Choice>,
    /// The search's candidates for the receiver, with their 组织编号.
    candidates: Vec<(String, Receiver)>,
    /// More organizations matched than are shown.
    capped: bool,
    f: Typed,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    mut f: Typed,
    error: Option<String>,
    candidates: Vec<Receiver>,
) -> Result<FormPage, WebError> {
    let scope = auth.scope.clone();
    let m = state
        .pool
        .run(move |store| store.member(&scope, key)?.ok_or_else(WebError::not_found))
        .await?;
    if m.left_on.is_some() {
        return Err(WebError::bad_field("党员", "已不在册，不能开具介绍信"));
    }
    if f.issued_on.is_empty() {
        f.issued_on = crate::today().to_string();
    }
    let layout = Layout::new(state, auth, &format!("为{}开具介绍信", m.name), "members")
        .await?
        .at_member(state, auth, &m, "开具介绍信")
        .await?;
    Ok(FormPage {
        layout,
        kinds: crate::view::choices::<LetterKind>(&f.letter_kind),
        masked: m.resident_id_masked,
        name: m.name,
        party_org: m.party_org_name,
        back: format!("/members/{}/{}", key.county, key.id),
        action: format!("/members/{}/{}/transfer", key.county, key.id),
        error,
        capped: candidates.len() == CANDIDATES,
        candidates: candidates
            .into_iter()
            .map(|r| (format!("{}-{}", r.key.county, r.key.id), r))
            .collect(),
        f,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let p = page(
        &state,
        &auth,
        Key { county, id },
        Typed::default(),
        None,
        Vec::new(),
    )
    .await?;
    Ok(render(&p)?.into_response())
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let mut t = Typed::default();
    let mut find = false;
    for (k, v) in params::form_pairs(&body)? {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "letter_kind" => t.letter_kind = v,
            "destination" => t.outside = v == "outside",
            "to" => t.to = v,
            "reason" => t.reason = v,
            "issued_on" => t.issued_on = v,
            "valid_days" => t.valid_days = v,
            "pick" => t.pick = v,
            "find" => find = true,
            _ => {}
        }
    }
    auth.check_csrf(&t.csrf)?;
    let member = Key { county, id };
    if !t.pick.is_empty() {
        t.to = std::mem::take(&mut t.pick);
        t.outside = false;
    }
    if find {
        let text = t.to.clone();
        let found = state
            .pool
            .run(move |store| Ok(store.receiving_candidates(&text, CANDIDATES)?))
            .await?;
        let error = if t.to.trim().is_empty() {
            Some(WebError::bad_field("接收党组织", "请先填写名称中的几个字，再点“查找”").message)
        } else if found.is_empty() {
            let none = format!(
                "没有名称含“{}”的党组织（系统外的请选“转往系统外”）",
                t.to.trim()
            );
            Some(WebError::bad_field("接收党组织", none).message)
        } else {
            None
        };
        let p = page(&state, &auth, member, t, error, found).await?;
        return Ok(render(&p)?.into_response());
    }
    let today = crate::today();
    let parsed = (|| -> Result<(LetterKind, chrono::NaiveDate, Option<u32>), WebError> {
        let kind = LetterKind::parse(&t.letter_kind)
            .map_err(|e| WebError::bad_field("介绍信种类", e.to_string()))?;
        let issued = params::form_date(&t.issued_on, today)
            .map_err(|e| WebError::bad_field("开具日期", e))?
            .ok_or_else(|| WebError::bad_field("开具日期", "必填"))?;
        let days = match t.valid_days.trim() {
            "" => None,
            d => Some(
                d.parse::<u32>()
                    .map_err(|_| WebError::bad_field("有效期", "应为天数，如 10"))?,
            ),
        };
        Ok((kind, issued, days))
    })();
    let (letter_kind, issued_on, valid_days) = match parsed {
        Ok(v) => v,
        Err(e) => return refuse(&state, &auth, member, t, e, Vec::new()).await,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let (outside, to, reason) = (t.outside, t.to.clone(), t.reason.clone());
    let issued = state
        .pool
        .run(move |store| {
            let to = if outside {
                Destination::Outside(to)
            } else {
                Destination::PartyOrg(store.receiving_party_org(&to)?.0)
            };
            let req = TransferRequest {
                member,
                letter_kind,
                to,
                reason,
                issued_on,
                valid_days,
            };
            Ok(store.issue_transfer(&actor, &scope, today, &req)?)
        })
        .await;
    match issued {
        Ok(n) => Ok(Redirect::to(&format!("/transfers/{n}?saved=transfer_issued")).into_response()),
        // A name that is not exact: offer the organizations whose name contains it.
        Err(e) if e.field == Some("接收党组织") && !t.outside => {
            let text = t.to.clone();
            let found = state
                .pool
                .run(move |store| Ok(store.receiving_candidates(&text, CANDIDATES)?))
                .await?;
            let e = match found.len() {
                0 => e,
                _ => WebError::bad_field("接收党组织", "请从下面找到的党组织中选定一个"),
            };
            refuse(&state, &auth, member, t, e, found).await
        }
        Err(e) if e.field.is_some() => refuse(&state, &auth, member, t, e, Vec::new()).await,
        Err(e) => Err(e),
    }
}

async fn refuse(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    t: Typed,
    e: WebError,
    candidates: Vec<Receiver>,
) -> Result<Response, WebError> {
    let p = page(state, auth, key, t, Some(e.message), candidates).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}
