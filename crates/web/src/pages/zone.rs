//! `GET /zones/{id}`: a town's or park's profile — its 一镇一策 class and the focus and
//! checklist that follow, the 五个一 (the 党工委 and the funding answered by the records,
//! the others as entered with evidence, each naming its rule), the 五个同步, and links to
//! its 党工委's ledger. `POST /zones/{id}/items`: the committee (or above) enters where an
//! item stands, with its evidence.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::town::ItemState;
use liangxin_store::town::{ProfileItem, ZoneProfile};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

struct Item {
    code: &'static str,
    label: &'static str,
    state: &'static str,
    done: bool,
    evidence: String,
    by_records: bool,
    note: String,
}

fn item(i: &ProfileItem) -> Item {
    Item {
        code: i.code,
        label: i.label,
        state: i.state.label(),
        done: i.state == ItemState::Done,
        evidence: i.evidence.clone(),
        by_records: i.by_records,
        note: match (&i.rule, &i.updated) {
            (Some(r), _) if i.by_records => format!(
                "平台从记录计算；依据：{}（{} 第{}版）",
                r.title, r.key, r.version
            ),
            (Some(r), Some((on, by))) => format!(
                "{on} {by} 填报；依据：{}（{} 第{}版）",
                r.title, r.key, r.version
            ),
            (Some(r), None) => {
                format!("尚未填报；依据：{}（{} 第{}版）", r.title, r.key, r.version)
            }
            (None, Some((on, by))) => format!("{on} {by} 填报"),
            (None, None) => "尚未填报".into(),
        },
    }
}

struct Exemplar {
    kind: &'static str,
    title: String,
    subject: String,
    summary: String,
    year: i32,
}

#[derive(Template)]
#[template(path = "zone.html")]
struct ZonePage {
    layout: Layout,
    id: i64,
    name: String,
    kind: &'static str,
    class: String,
    focus: String,
    committee: Option<(String, String)>,
    five_done: usize,
    five_owed: usize,
    five: Vec<Item>,
    sync: Vec<Item>,
    class_items: Vec<Item>,
    /// The published 先进典型 of the zone's organizations.
    exemplars: Vec<Exemplar>,
    states: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct ZoneQuery {
    pub saved: Option<String>,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    error: Option<String>,
) -> Result<ZonePage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (p, exemplars): (ZoneProfile, _) = state
        .pool
        .run(move |store| {
            let p = store
                .zone_profile(&scope, id, today)?
                .ok_or_else(WebError::not_found)?;
            Ok((p, store.zone_exemplars(&scope, id)?))
        })
        .await?;
    let (done, owed) = p.five_done();
    Ok(ZonePage {
        layout: Layout::new(state, auth, &p.zone.name, "zones").await?,
        id,
        name: p.zone.name.clone(),
        kind: p.zone.kind.label(),
        class: p
            .zone
            .class
            .map(|c| c.label().to_owned())
            .unwrap_or_else(|| "未分类".into()),
        focus: p
            .focus
            .unwrap_or("请先在“修改”中选定一镇一策分类")
            .to_owned(),
        committee: p
            .committee
            .as_ref()
            .map(|(k, n)| (n.clone(), format!("/party-orgs/{}/{}", k.county, k.id))),
        five_done: done,
        five_owed: owed,
        five: p.five.iter().map(item).collect(),
        sync: p.sync.iter().map(item).collect(),
        class_items: p.class_items.iter().map(item).collect(),
        exemplars: exemplars
            .iter()
            .map(|e| Exemplar {
                kind: e.kind.label(),
                title: e.title.clone(),
                subject: match &e.member {
                    Some((_, n)) => format!("{n}（{}）", e.party_org_name),
                    None => e.party_org_name.clone(),
                },
                summary: e.summary.clone(),
                year: e.year,
            })
            .collect(),
        states: ItemState::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    Query(q): Query<ZoneQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, id, None).await?;
    p.layout = p.layout.saved(&SavedQuery { saved: q.saved });
    Ok(render(&p)?.into_response())
}

/// `POST /zones/{id}/items`: `item`, `state`, `evidence`.
pub async fn set_item(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let code = params::field(&pairs, "item");
    let evidence = params::field(&pairs, "evidence");
    let done = match ItemState::parse(params::field(&pairs, "state").trim()) {
        Some(s) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.set_zone_item(&actor, &scope, today, id, (&code, s, &evidence))?;
                    Ok(())
                })
                .await
        }
        None => Err(WebError::bad_field("状态", "应为未开展、推进中或已完成")),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/zones/{id}?saved=zone_item")).into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(&state, &auth, id, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
