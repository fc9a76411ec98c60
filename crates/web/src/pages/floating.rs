//! `GET /floating` (流动党员): the members away whose home branch lies in the scope (流出)
//! and those it hosts (流入, 五双联动: both sides see them), one side a page with both
//! counts at the top, those away first, all with `?all=1`, searchable by name; where the rule's number of members are at one place, a note that a temporary
//! branch or group may be set up. `POST /floating/{id}/end` records the member's return
//! (the home side).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::floating::{FloatingRules, temporary_branch_places};
use liangxin_store::floating::FloatingView;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::Format;
use crate::lists::floating::{self, FloatingQuery, FloatingSearch, Line, Side, day, line};
use crate::view::{Layout, Pager, SavedQuery, query, render};
use crate::{AppState, params};

#[derive(Template)]
#[template(path = "floating.html")]
struct ListPage {
    layout: Layout,
    search: FloatingSearch,
    side: Side,
    name: String,
    error: Option<String>,
    /// Those the scope's home branches have away (流出) and those it hosts (流入).
    outflow: usize,
    inflow: usize,
    /// Of those shown, the search's (all pages).
    listed: usize,
    rows: Vec<Line>,
    pager: Pager,
    /// Places with enough members away for a temporary branch or group.
    places: Vec<(String, usize)>,
    temporary_min: i64,
    today: String,
    files: String,
    /// The links of the two sides, keeping the other filters.
    out_href: String,
    in_href: String,
}

/// Floating members a page shows.
const PAGE_SIZE: usize = 50;

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    search: FloatingSearch,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let today = crate::today();
    let found = floating::read(state, auth, search.all).await?;
    let rules = state
        .pool
        .run(move |store| {
            FloatingRules::resolve(&store.rule_set()?, today).map_err(WebError::internal)
        })
        .await?;
    let open = found.iter().filter(|v| v.back_on.is_none());
    let places = temporary_branch_places(
        open.map(|v| v.host_name.as_deref().unwrap_or(v.destination.as_str())),
        &rules,
    );
    // The page shows one side at a time, 流出 unless asked.
    let side = search.side.unwrap_or(Side::Out);
    let shown = FloatingSearch {
        side: Some(side),
        ..search.clone()
    };
    let listed: Vec<&FloatingView> = found.iter().filter(|v| shown.holds(v)).collect();
    let pager = Pager::new(
        "/floating",
        shown.fields(),
        shown.page,
        listed.len(),
        PAGE_SIZE,
    );
    let side_href = |s: Side| {
        let f = FloatingSearch {
            side: Some(s),
            ..search.clone()
        };
        format!("/floating{}", query(&f.fields()))
    };
    let layout = Layout::new(state, auth, "流动党员", "floating").await?;
    Ok(ListPage {
        layout,
        side,
        name: search.name.clone().unwrap_or_default(),
        error,
        outflow: found.iter().filter(|v| Side::Out.holds(v)).count(),
        inflow: found.iter().filter(|v| Side::In.holds(v)).count(),
        listed: listed.len(),
        rows: pager.rows(&listed).iter().map(|v| line(v, today)).collect(),
        places,
        temporary_min: rules.temporary_branch_min.value,
        today: today.to_string(),
        files: query(&search.fields()),
        out_href: side_href(Side::Out),
        in_href: side_href(Side::In),
        pager,
        search,
    })
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<FloatingQuery>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let search = q.check()?;
    let mut p = page(&state, &auth, search, None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: FloatingQuery,
    format: Format,
) -> Result<Response, WebError> {
    floating::export(state, auth, q.check()?, format).await
}

crate::export::file_handlers!(FloatingQuery);

/// The confirmation of a return (登记返回): what ending the record changes, before anything
/// is written.
#[derive(Template)]
#[template(path = "floating_end.html")]
struct EndPage {
    layout: Layout,
    id: i64,
    member: String,
    place: String,
    out_on: String,
    back_on: String,
    back_on_text: String,
}

/// `POST /floating/{id}/end`: the home side records the member's return. The list's button
/// answers with a page stating the consequence; only its 确认返回 (`confirm=1`) writes.
pub async fn end(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    let get = |k: &str| params::field(&pairs, k);
    auth.check_csrf(&get("_csrf"))?;
    let today = crate::today();
    let on = get("back_on");
    let refuse = |message: String| async {
        let search = FloatingQuery::default().check()?;
        let p = page(&state, &auth, search, Some(message)).await?;
        Ok::<Response, WebError>((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
    };
    let back_on = match params::form_date(&on, today) {
        Ok(Some(d)) => d,
        Ok(None) => return refuse("返回日期：必填".into()).await,
        Err(e) => return refuse(format!("返回日期：{e}")).await,
    };
    if get("confirm") != "1" {
        // A record the scope cannot see reads as one that does not exist; the host side
        // sees it but is not the one to end it (as the store says when it is asked).
        let found = floating::read(&state, &auth, true).await?;
        let v = found
            .iter()
            .find(|v| v.id == id)
            .ok_or_else(WebError::not_found)?;
        if !v.home_side {
            return refuse("流动党员：只有党员所在的党组织可以登记返回".into()).await;
        }
        if v.back_on.is_some() {
            return refuse("流动党员：已登记返回".into()).await;
        }
        let l = line(v, today);
        let layout = Layout::new(&state, &auth, "登记返回", "floating").await?;
        return Ok(render(&EndPage {
            layout,
            id,
            member: l.member,
            place: l.place,
            out_on: l.out_on,
            back_on: back_on.to_string(),
            back_on_text: day(back_on),
        })?
        .into_response());
    }
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let done = state
        .pool
        .run(move |store| Ok(store.end_outflow(&actor, &scope, today, id, back_on)?))
        .await;
    match done {
        Ok(()) => Ok(Redirect::to("/floating?saved=return").into_response()),
        Err(e) if e.field.is_some() => refuse(e.message).await,
        Err(e) => Err(e),
    }
}
