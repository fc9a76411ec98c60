//! `GET|POST /members/{county}/{id}/outflow`: the home branch registers a member going away
//! (流出): where to, the host party organization of the system when one is paired (by its
//! 组织编号 or full name; 五双联动), the 流动党员活动证 number and validity, the day out and
//! why.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::registry::Key;
use liangxin_store::floating::Outflow;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, render};
use crate::{AppState, params};

#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    host: String,
    destination: String,
    certificate_no: String,
    certificate_valid_until: String,
    out_on: String,
    note: String,
}

#[derive(Template)]
#[template(path = "outflow_new.html")]
struct FormPage {
    layout: Layout,
    name: String,
    masked: String,
    party_org: String,
    back: String,
    action: String,
    error: Option<String>,
    f: Typed,
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
    if f.out_on.is_empty() {
        f.out_on = crate::today().to_string();
    }
    let layout = Layout::new(state, auth, &format!("{}外出登记", m.name), "members")
        .await?
        .at_member(state, auth, &m, "外出登记")
        .await?;
    Ok(FormPage {
        layout,
        masked: m.resident_id_masked,
        name: m.name,
        party_org: m.party_org_name,
        back: format!("/members/{}/{}", key.county, key.id),
        action: format!("/members/{}/{}/outflow", key.county, key.id),
        error,
        f,
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
            "host" => t.host = v,
            "destination" => t.destination = v,
            "certificate_no" => t.certificate_no = v,
            "certificate_valid_until" => t.certificate_valid_until = v,
            "out_on" => t.out_on = v,
            "note" => t.note = v,
            _ => {}
        }
    }
    auth.check_csrf(&t.csrf)?;
    let member = Key { county, id };
    let today = crate::today();
    let parsed = (|| -> Result<_, WebError> {
        let out_on = params::form_date(&t.out_on, today)
            .map_err(|e| WebError::bad_field("外出日期", e))?
            .ok_or_else(|| WebError::bad_field("外出日期", "必填"))?;
        // A certificate's validity runs into the future: parsed without the "not after
        // today" rule of form dates.
        let until = match t.certificate_valid_until.trim() {
            "" => None,
            s => Some(
                chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                    WebError::bad_field("活动证有效期", "应为 年-月-日，如 2027-06-30")
                })?,
            ),
        };
        Ok((out_on, until))
    })();
    let (out_on, until) = match parsed {
        Ok(v) => v,
        Err(e) => return refuse(&state, &auth, member, t, e).await,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let (host, destination, number, note) = (
        t.host.trim().to_owned(),
        t.destination.clone(),
        t.certificate_no.clone(),
        t.note.clone(),
    );
    let saved = state
        .pool
        .run(move |store| {
            let host = if host.is_empty() {
                None
            } else {
                Some(store.receiving_party_org(&host).map_err(|e| match e {
                    liangxin_store::StoreError::Invalid { reason, .. } => {
                        WebError::bad_field("流入地党组织", reason)
                    }
                    other => other.into(),
                })?)
            };
            let out = Outflow {
                member,
                host: host.map(|h| h.0),
                destination,
                certificate_no: Some(number),
                certificate_valid_until: until,
                out_on,
                note,
            };
            Ok(store.register_outflow(&actor, &scope, today, &out)?)
        })
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to("/floating").into_response()),
        Err(e) if e.field.is_some() => refuse(&state, &auth, member, t, e).await,
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
