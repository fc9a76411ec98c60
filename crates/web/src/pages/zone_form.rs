//! `/zones/new` and `/zones/{id}/edit` (GET shows, POST saves): a committee registers a park
//! or town in its region, or changes one, with its 一镇一策 class and the 党工委 that leads
//! it; a zone's own committee changes its zone. The store checks the scope.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::{Role, ZoneClass, ZoneKind, ZoneLevel};
use liangxin_store::StoreError;
use liangxin_store::administration::Node;
use liangxin_store::zones::ZoneInput;

use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::organizations::county_choices;
use crate::view::{Choice, Layout, choices, render};
use crate::{AppState, params};

#[derive(Debug, Clone, Default)]
struct ZoneFields {
    name: String,
    kind: String,
    class: String,
    level: String,
    county: String,
    leader: String,
}

#[derive(Template)]
#[template(path = "zone_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: bool,
    f: ZoneFields,
    kinds: Vec<Choice>,
    classes: Vec<Choice>,
    levels: Vec<Choice>,
    counties: Vec<Choice>,
    error: Option<String>,
}

async fn form_page(
    state: &Arc<AppState>,
    auth: &Auth,
    action: String,
    editing: bool,
    f: ZoneFields,
    error: Option<String>,
) -> Result<Response, WebError> {
    let county = f.county.parse().ok();
    let counties = county_choices(state, auth, county).await?;
    let title = if editing {
        "修改园区小镇"
    } else {
        "登记园区小镇"
    };
    let layout = Layout::new(state, auth, title, "zones").await?;
    let page = FormPage {
        layout,
        action,
        editing,
        kinds: choices::<ZoneKind>(&f.kind),
        classes: choices::<ZoneClass>(&f.class),
        levels: choices::<ZoneLevel>(&f.level),
        counties,
        f,
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn show_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    let f = ZoneFields {
        county: auth
            .scope
            .county_range()
            .filter(|(lo, hi)| lo == hi)
            .map(|(lo, _)| lo.to_string())
            .unwrap_or_default(),
        ..ZoneFields::default()
    };
    form_page(&state, &auth, "/zones/new".into(), false, f, None).await
}

pub async fn show_edit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let scope = auth.scope.clone();
    let (zone, leader) = state
        .pool
        .run(move |store| Ok(store.zone_in_scope(&scope, id)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let f = ZoneFields {
        name: zone.name,
        kind: zone.kind.code().into(),
        class: zone.class.map(|c| c.code().to_owned()).unwrap_or_default(),
        level: zone.level.map(|l| l.code().to_owned()).unwrap_or_default(),
        county: zone.county.to_string(),
        leader: leader
            .map(|(k, _)| format!("{}-{}", k.county, k.id))
            .unwrap_or_default(),
    };
    form_page(&state, &auth, format!("/zones/{id}/edit"), true, f, None).await
}

async fn submit(
    state: Arc<AppState>,
    auth: Auth,
    id: Option<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let f = ZoneFields {
        name: params::field(&pairs, "name").trim().to_owned(),
        kind: params::field(&pairs, "kind"),
        class: params::field(&pairs, "class"),
        level: params::field(&pairs, "level"),
        county: params::field(&pairs, "county").trim().to_owned(),
        leader: params::field(&pairs, "leader").trim().to_owned(),
    };
    let action = id.map_or_else(|| "/zones/new".to_owned(), |id| format!("/zones/{id}/edit"));
    let fail = |f: ZoneFields, message: String| {
        form_page(
            &state,
            &auth,
            action.clone(),
            id.is_some(),
            f,
            Some(message),
        )
    };
    let kind = match ZoneKind::parse(&f.kind) {
        Ok(k) => k,
        Err(_) => return fail(f, "类型：请选择".into()).await,
    };
    let optional = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    let class = match optional(&f.class).map(|c| ZoneClass::parse(&c)).transpose() {
        Ok(c) => c,
        Err(e) => return fail(f, format!("一镇一策分类：{e}")).await,
    };
    let level = match optional(&f.level).map(|l| ZoneLevel::parse(&l)).transpose() {
        Ok(l) => l,
        Err(e) => return fail(f, format!("级别：{e}")).await,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let fields = f.clone();
    let saved = state
        .pool
        .run(move |store| {
            // A zone's own committee keeps its zone's county.
            let county = match (fields.county.parse::<i32>(), id) {
                (Ok(c), _) => Some(c),
                (Err(_), Some(id)) => store.zone_in_scope(&scope, id)?.map(|(z, _)| z.county),
                // A county's committee has one county to choose.
                (Err(_), None) => scope
                    .county_range()
                    .filter(|(low, high)| low == high)
                    .map(|(low, _)| low),
            };
            let Some(county) = county else {
                return Ok(Err("县(市、区)：请选择".to_owned()));
            };
            let leader = match fields.leader.as_str() {
                "" => Ok(None),
                r => store.node_for(&scope, Role::Secretary, r).map(|n| match n {
                    Node::PartyOrg(k) => Some(k),
                    Node::Member(_) | Node::Instructor(_) => None,
                }),
            };
            let result = leader.and_then(|leader| {
                store.save_zone(
                    &actor,
                    &scope,
                    id,
                    &ZoneInput {
                        name: fields.name.clone(),
                        kind,
                        class,
                        level,
                        county,
                        leader,
                    },
                )
            });
            match result {
                Ok(id) => Ok(Ok(id)),
                Err(StoreError::Invalid { field, reason }) => Ok(Err(format!("{field}：{reason}"))),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to("/zones?saved=1").into_response()),
        Err(message) => fail(f, message).await,
    }
}

pub async fn submit_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    submit(state, auth, None, body).await
}

pub async fn submit_edit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    submit(state, auth, Some(id), body).await
}
