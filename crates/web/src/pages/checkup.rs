//! `GET /members/{county}/{id}/checkup[?year=2026]`: a member's 党性体检 of a year — each
//! area of the checklist with how they stand, the problem found and the rectification
//! promised, then the branch's review. `POST …/checkup`: the member (or the branch for
//! them, from the paper form) writes or rewrites it until it is reviewed;
//! `POST …/checkup/review`: the branch's review, once. Reference for the 民主评议; no score.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Days, NaiveDate};
use liangxin_domain::checkup::{Area, AreaEntry, CheckupState};
use liangxin_domain::registry::Key;
use liangxin_store::checkup::CheckupReview;

use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::vanguard::YearQuery;
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

/// One area as the page shows it (and the form's fields for it).
struct Row {
    code: &'static str,
    label: &'static str,
    questions: &'static str,
    rule: String,
    finding: String,
    problem: String,
    rectification: String,
    due: String,
    note: String,
}

#[derive(Template)]
#[template(path = "checkup.html")]
struct CheckupPage {
    layout: Layout,
    name: String,
    masked: String,
    year: i32,
    years: Vec<i32>,
    action: String,
    state: Option<&'static str>,
    submitted_on: String,
    rows: Vec<Row>,
    review: Option<String>,
    may_write: bool,
    may_review: bool,
    error: Option<String>,
}

fn day(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    year: i32,
    typed: &[(String, String)],
    error: Option<String>,
) -> Result<CheckupPage, WebError> {
    let today = crate::today();
    let this = today.year();
    let year = year.clamp(this - 5, this);
    let scope = auth.scope.clone();
    let (member, checkup, rules) = state
        .pool
        .run(move |store| {
            let member = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            let checkup = store.checkup(&scope, key, year)?;
            Ok((member, checkup, store.checkup_rules(today)?))
        })
        .await?;
    let title = "党性体检";
    let layout = Layout::new(state, auth, title, "members").await?;
    let layout = if auth.scope.member.is_some() {
        layout
    } else {
        layout.at_member(state, auth, &member, title).await?
    };
    let reviewed = checkup
        .as_ref()
        .is_some_and(|c| c.state == CheckupState::Reviewed);
    let field = |name: String, kept: Option<String>| -> String {
        if typed.is_empty() {
            kept.unwrap_or_default()
        } else {
            params::field(typed, &name)
        }
    };
    // A written checkup shows its own areas; an unwritten one the checklist in force.
    let rows: Vec<Row> = match &checkup {
        Some(c) => c
            .areas
            .iter()
            .map(|a| {
                let area = a.entry.area;
                Row {
                    code: area.code(),
                    label: area.label(),
                    questions: area.questions(),
                    rule: format!("{}（第{}版）", a.rule.0, a.rule.1),
                    finding: field(format!("f_{}", area.code()), Some(a.entry.finding.clone())),
                    problem: field(format!("p_{}", area.code()), a.entry.problem.clone()),
                    rectification: field(
                        format!("r_{}", area.code()),
                        a.entry.rectification.clone(),
                    ),
                    due: field(
                        format!("d_{}", area.code()),
                        a.entry.due.map(|d| d.to_string()),
                    ),
                    note: a.review_note.clone().unwrap_or_default(),
                }
            })
            .collect(),
        None => rules
            .areas
            .iter()
            .map(|(area, rule)| Row {
                code: area.code(),
                label: area.label(),
                questions: area.questions(),
                rule: format!("{}（第{}版）", rule.key, rule.version),
                finding: field(format!("f_{}", area.code()), None),
                problem: field(format!("p_{}", area.code()), None),
                rectification: field(format!("r_{}", area.code()), None),
                due: field(format!("d_{}", area.code()), None),
                note: String::new(),
            })
            .collect(),
    };
    Ok(CheckupPage {
        layout,
        name: member.name.clone(),
        masked: member.resident_id_masked.clone(),
        year,
        years: vec![this, this - 1],
        action: format!("/members/{}/{}/checkup", key.county, key.id),
        state: checkup.as_ref().map(|c| c.state.label()),
        submitted_on: checkup
            .as_ref()
            .map(|c| day(c.submitted_on))
            .unwrap_or_default(),
        rows,
        review: checkup.as_ref().and_then(|c| {
            c.review
                .as_ref()
                .map(|r| format!("{}（{}）", r, c.reviewed_on.map(day).unwrap_or_default()))
        }),
        may_write: !reviewed && year >= this - 1,
        may_review: auth.scope.member.is_none() && checkup.is_some() && !reviewed,
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let year = q.year.unwrap_or_else(|| crate::today().year());
    let mut p = page(&state, &auth, Key { county, id }, year, &[], None).await?;
    p.layout = p.layout.saved(&SavedQuery { saved: q.saved });
    Ok(render(&p)?.into_response())
}

fn year_of(pairs: &[(String, String)]) -> Result<i32, WebError> {
    params::field(pairs, "year")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("年度", "请选择年度"))
}

/// Answers a form: saved → back to the page; a named field → the form again with the
/// message (422); anything else as it is.
async fn answer(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    pairs: Vec<(String, String)>,
    saved: Result<(), WebError>,
    what: &str,
) -> Result<Response, WebError> {
    let year = year_of(&pairs).unwrap_or_else(|_| crate::today().year());
    match saved {
        Ok(()) => Ok(Redirect::to(&format!(
            "/members/{}/{}/checkup?year={year}&saved={what}",
            key.county, key.id
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(state, auth, key, year, &pairs, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    // A promised rectification's 时限 lies ahead: dates are checked against a far day here
    // and against today in the store.
    let horizon = today.checked_add_days(Days::new(3660)).unwrap_or(today);
    let checked = (|| {
        let year = year_of(&pairs)?;
        let mut entries = Vec::new();
        for area in Area::ALL {
            let f = |p: &str| params::field(&pairs, &format!("{p}_{}", area.code()));
            if pairs
                .iter()
                .all(|(k, _)| *k != format!("f_{}", area.code()))
            {
                continue;
            }
            let opt = |s: String| (!s.trim().is_empty()).then_some(s);
            entries.push(AreaEntry {
                area,
                finding: f("f"),
                problem: opt(f("p")),
                rectification: opt(f("r")),
                due: params::form_date(&f("d"), horizon)
                    .map_err(|m| WebError::bad_field("整改时限", m))?,
            });
        }
        Ok((year, entries))
    })();
    let saved = match checked {
        Ok((year, entries)) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.submit_checkup(&actor, &scope, today, key, year, &entries)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    answer(&state, &auth, key, pairs, saved, "checkup").await
}

pub async fn review(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let saved = match year_of(&pairs) {
        Ok(year) => {
            let text = params::field(&pairs, "review");
            let notes: Vec<(Area, String)> = Area::ALL
                .iter()
                .map(|a| (*a, params::field(&pairs, &format!("n_{}", a.code()))))
                .collect();
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    let review = CheckupReview { text, notes };
                    store.review_checkup(&actor, &scope, today, key, year, &review)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    // The review form's own fields are not the self-examination's: shown afresh.
    let pairs_kept: Vec<(String, String)> = if saved.is_ok() {
        pairs
    } else {
        pairs.into_iter().filter(|(k, _)| k == "year").collect()
    };
    answer(&state, &auth, key, pairs_kept, saved, "checkup_review").await
}
