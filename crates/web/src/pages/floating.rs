//! `GET /floating` (流动党员): the members away whose home branch lies in the scope (流出)
//! and those it hosts (流入, 五双联动: both sides see them), those away first, all with
//! `?all=1`; where the rule's number of members are at one place, a note that a temporary
//! branch or group may be set up. `POST /floating/{id}/end` records the member's return
//! (the home side).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use liangxin_domain::floating::{FloatingRules, temporary_branch_places};
use liangxin_store::floating::FloatingView;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::view::{Layout, render};
use crate::{AppState, params};

fn day(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// A floating member as a line of the lists.
#[derive(Debug)]
pub struct Line {
    pub id: i64,
    pub member: String,
    pub member_href: Option<String>,
    pub masked: String,
    pub home: String,
    pub place: String,
    pub certificate: String,
    pub certificate_class: &'static str,
    pub out_on: String,
    pub back_on: Option<String>,
    pub note: String,
    pub may_end: bool,
}

pub fn line(v: &FloatingView, today: NaiveDate) -> Line {
    let (certificate, certificate_class) = match (&v.certificate_no, v.certificate_valid_until) {
        (Some(no), Some(until)) if until >= today => (format!("{no}（至{}）", day(until)), "ok"),
        (Some(no), Some(until)) => (format!("{no}（{}已过期）", day(until)), "bad"),
        _ if v.letter.is_some() => ("持党员证明信".to_owned(), "ok"),
        _ => ("未登记".to_owned(), "warn"),
    };
    Line {
        id: v.id,
        member: v.member_name.clone(),
        member_href: v
            .home_side
            .then(|| format!("/members/{}/{}", v.member.county, v.member.id)),
        masked: v.resident_id_masked.clone(),
        home: v.home_name.clone(),
        place: match &v.host_name {
            Some(h) => format!("{h}（{}）", v.destination),
            None => v.destination.clone(),
        },
        certificate,
        certificate_class,
        out_on: day(v.out_on),
        back_on: v.back_on.map(day),
        note: v.note.clone(),
        may_end: v.home_side && v.back_on.is_none(),
    }
}

#[derive(Template)]
#[template(path = "floating.html")]
struct ListPage {
    layout: Layout,
    all: bool,
    error: Option<String>,
    outflow: Vec<Line>,
    inflow: Vec<Line>,
    /// Places with enough members away for a temporary branch or group.
    places: Vec<(String, usize)>,
    temporary_min: i64,
    today: String,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub all: Option<String>,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    all: bool,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (found, rules) = state
        .pool
        .run(move |store| {
            let rules =
                FloatingRules::resolve(&store.rule_set()?, today).map_err(WebError::internal)?;
            Ok((store.floating(&scope, !all)?, rules))
        })
        .await?;
    let open = found.iter().filter(|v| v.back_on.is_none());
    let places = temporary_branch_places(
        open.map(|v| v.host_name.as_deref().unwrap_or(v.destination.as_str())),
        &rules,
    );
    let layout = Layout::new(state, auth, "流动党员", "floating").await?;
    Ok(ListPage {
        layout,
        all,
        error,
        outflow: found
            .iter()
            .filter(|v| v.home_side)
            .map(|v| line(v, today))
            .collect(),
        inflow: found
            .iter()
            .filter(|v| v.host_side && !v.home_side)
            .map(|v| line(v, today))
            .collect(),
        places,
        temporary_min: rules.temporary_branch_min.value,
        today: today.to_string(),
    })
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let all = params::text(&q.all).is_some();
    Ok(render(&page(&state, &auth, all, None).await?)?.into_response())
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: ListQuery,
    format: Format,
) -> Result<Response, WebError> {
    let all = params::text(&q.all).is_some();
    let scope = auth.scope.clone();
    let today = crate::today();
    let e = Export {
        file_stem: "floating",
        sheet: "流动党员",
        title: format!(
            "流动党员{}（截至{}，身份证号已遮蔽）",
            if all {
                "（含已返回）"
            } else {
                "（在外的）"
            },
            today.format("%Y年%m月%d日")
        ),
        headers: vec![
            "方向",
            "党员",
            "公民身份号码",
            "所在党组织",
            "流入地",
            "流动党员活动证",
            "外出",
            "返回",
            "说明",
        ],
    };
    // A scope's floating members are thousands at most: read at once, written as one page.
    export::respond(&state, e, format, move |store, offset| {
        if offset > 0 {
            return Ok(Vec::new());
        }
        Ok(store
            .floating(&scope, !all)?
            .iter()
            .map(|v| {
                let l = line(v, today);
                vec![
                    if v.home_side { "流出" } else { "流入" }.to_owned(),
                    l.member,
                    l.masked,
                    l.home,
                    l.place,
                    l.certificate,
                    l.out_on,
                    l.back_on.unwrap_or_default(),
                    l.note,
                ]
            })
            .collect())
    })
    .await
}

crate::export::file_handlers!(ListQuery);

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
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let on = get("back_on");
    let done = state
        .pool
        .run(move |store| {
            let on = params::form_date(&on, today)
                .map_err(|e| WebError::bad_field("返回日期", e))?
                .ok_or_else(|| WebError::bad_field("返回日期", "必填"))?;
            Ok(store.end_outflow(&actor, &scope, today, id, on)?)
        })
        .await;
    match done {
        Ok(()) => Ok(Redirect::to("/floating").into_response()),
        Err(e) if e.field.is_some() => {
            let p = page(&state, &auth, false, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
