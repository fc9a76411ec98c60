//! `GET /party-orgs/{county}/{id}/appraisals`: a branch's 民主评议党员 rounds, and
//! `POST …`: open this year's (or last year's). The answer to the POST is the sheet of
//! credential slips to print and cut, shown this once: the platform keeps only their
//! salted digests, so nobody can print them again, nor tell whose slip was whose.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::Datelike;
use liangxin_domain::registry::Key;
use liangxin_store::appraisal::RoundSummary;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, render};
use crate::{AppState, params};

struct Line {
    href: String,
    year: i32,
    opened: String,
    state: &'static str,
    turnout: String,
}

#[derive(Template)]
#[template(path = "appraisals.html")]
struct RoundsPage {
    layout: Layout,
    party_org: String,
    action: String,
    years: Vec<i32>,
    error: Option<String>,
    lines: Vec<Line>,
}

fn state_of(r: &RoundSummary) -> &'static str {
    match (r.closed_on, r.decided_on) {
        (None, _) => "投票中",
        (Some(_), None) => "已唱票，待组织评定",
        (Some(_), Some(_)) => "已完成",
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
) -> Result<RoundsPage, WebError> {
    let scope = auth.scope.clone();
    let (name, rounds) = state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            Ok((po.name, store.appraisal_rounds(&scope, key)?))
        })
        .await?;
    let layout = Layout::new(state, auth, "民主评议党员", "party_orgs")
        .await?
        .at(state, auth, key, vec![Crumb::here("民主评议党员")])
        .await?;
    let this = crate::today().year();
    Ok(RoundsPage {
        layout,
        party_org: name,
        action: format!("/party-orgs/{}/{}/appraisals", key.county, key.id),
        years: [this, this - 1]
            .into_iter()
            .filter(|y| rounds.iter().all(|r| r.year != *y))
            .collect(),
        error,
        lines: rounds
            .iter()
            .map(|r| Line {
                href: format!("/appraisals/{}/{}", r.key.county, r.key.id),
                year: r.year,
                opened: r.opened_on.format("%Y年%m月%d日").to_string(),
                state: state_of(r),
                turnout: format!("{} / {}", r.cast, r.eligible),
            })
            .collect(),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Html<String>, WebError> {
    let p = page(&state, &auth, Key { county, id }, None).await?;
    render(&p)
}

struct Slip {
    number: usize,
    credential: String,
}

#[derive(Template)]
#[template(path = "appraisal_slips.html")]
struct SlipsPage {
    layout: Layout,
    title: String,
    round_href: String,
    ballot_url: String,
    slips: Vec<Slip>,
}

pub async fn open(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    // The address the secretary reached the platform by is the one members will type.
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.len() <= 100 && !h.contains(['<', '>', '"', ' ']))
        .unwrap_or("本平台地址")
        .to_owned();
    let year: i32 = params::field(&pairs, "year")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("评议年度", "应为年份，如 2026"))?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    let opened = state
        .pool
        .run(move |store| Ok(store.open_appraisal(&actor, &scope, today, key, year)?))
        .await;
    let opened = match opened {
        Ok(o) => o,
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(&state, &auth, key, Some(e.message)).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
        Err(e) => return Err(e),
    };
    let round_href = format!("/appraisals/{}/{}", opened.key.county, opened.key.id);
    let layout = Layout::new(&state, &auth, "评议凭证", "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("评议凭证")])
        .await?;
    let page = SlipsPage {
        layout,
        title: opened.title,
        ballot_url: format!("{host}/ballot/{}/{}", opened.key.county, opened.key.id),
        round_href,
        slips: opened
            .credentials
            .iter()
            .enumerate()
            .map(|(i, c)| Slip {
                number: i + 1,
                credential: c.grouped(),
            })
            .collect(),
    };
    // Never cached: the slips exist on this page only.
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        render(&page)?,
    )
        .into_response())
}
