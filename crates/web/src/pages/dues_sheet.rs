//! `GET /party-orgs/{county}/{id}/dues?month=2026-11` and `POST …`: the month's dues of a
//! whole party organization in one screen — every member of that month with what is due
//! and what is paid. The common case is the default (UI.md): everyone not yet entered who
//! has a standard is ticked at the standard, so 全部按标准已交 is one press of 保存 and
//! only the exceptions (not paid: untick; paid another amount: type it) are handled by
//! hand. A month already marked for a member is corrected on the member's page, never
//! overwritten.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_store::dues::{MonthList, SheetRow};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::lists::dues::{self as dues_members, parse_month};
use crate::view::{Crumb, Figure, Layout, SavedQuery, count, render};
use crate::{AppState, params};

#[derive(Debug, Deserialize)]
pub struct SheetQuery {
    pub month: Option<String>,
}

struct Row {
    field: String,
    name: String,
    member_href: String,
    due: String,
    paid: String,
    state: &'static str,
    class: &'static str,
    marked: bool,
    ticked: bool,
    amount: String,
}

#[derive(Template)]
#[template(path = "dues_sheet.html")]
struct SheetPage {
    layout: Layout,
    party_org: String,
    month_label: String,
    action: String,
    prev: String,
    next: Option<String>,
    error: Option<String>,
    rows: Vec<Row>,
    total_due: String,
    total_paid: String,
    unmarked: Figure,
    no_standard: Figure,
    /// Someone on the sheet has no regular payment entered yet.
    can_mark: bool,
    /// Of those, how many are ticked at the standard when the sheet opens.
    by_standard: usize,
}

/// 15.00 (for an input's value; the page shows ¥15.00).
pub fn yuan_plain(f: Fen) -> String {
    format!("{}.{:02}", f.fen() / 100, (f.fen() % 100).abs())
}

/// "3人", opening the list of those members.
fn figure(n: usize, href: String) -> Figure {
    Figure {
        text: count(n as u64, "人"),
        n: n as u64,
        href: Some(href),
    }
}

fn field(k: Key) -> String {
    format!("{}_{}", k.county, k.id)
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    month: Period,
    posted: Option<&[(String, String)]>,
    error: Option<String>,
) -> Result<SheetPage, WebError> {
    let scope = auth.scope.clone();
    let (name, sheet): (String, Vec<SheetRow>) = state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            Ok((po.name, store.dues_sheet(&scope, key, month)?))
        })
        .await?;
    let today = crate::today();
    let this = Period::containing_month(today);
    let value =
        |k: &str| posted.and_then(|p| p.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()));
    let mut total_due = Fen::ZERO;
    let mut total_paid = Fen::ZERO;
    let rows: Vec<Row> = sheet
        .iter()
        .map(|r| {
            let f = field(r.member);
            total_due += r.due.unwrap_or(Fen::ZERO);
            total_paid += r.paid;
            // The roll-up's and the lists' words for the same member.
            let (state, class) = dues_members::state_of(r);
            Row {
                member_href: format!("/members/{}/{}/dues", r.member.county, r.member.id),
                name: r.name.clone(),
                due: r
                    .due
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "未定".into()),
                paid: r.paid.to_string(),
                state,
                class,
                marked: r.marked,
                ticked: match posted {
                    Some(p) => p.iter().any(|(n, v)| n == "pay" && *v == f),
                    None => !r.marked && r.due.is_some(),
                },
                amount: value(&format!("amt_{f}"))
                    .unwrap_or_else(|| r.due.map(yuan_plain).unwrap_or_default()),
                field: f,
            }
        })
        .collect();
    let layout = Layout::new(state, auth, &format!("{name}党费"), "party_orgs")
        .await?
        .at(state, auth, key, vec![Crumb::here("党费")])
        .await?;
    let (county, id) = (key.county, key.id);
    Ok(SheetPage {
        layout,
        month_label: month.label_zh(),
        action: format!("/party-orgs/{county}/{id}/dues?month={month}"),
        prev: format!("/party-orgs/{county}/{id}/dues?month={}", month.prev()),
        next: (month < this)
            .then(|| format!("/party-orgs/{county}/{id}/dues?month={}", month.next())),
        error,
        can_mark: sheet.iter().any(|r| !r.marked),
        by_standard: sheet
            .iter()
            .filter(|r| !r.marked && r.due.is_some())
            .count(),
        unmarked: figure(
            sheet
                .iter()
                .filter(|r| MonthList::Unmarked.holds(r))
                .count(),
            dues_members::href(month, "unmarked", Some(key)),
        ),
        no_standard: figure(
            sheet.iter().filter(|r| r.due.is_none()).count(),
            dues_members::href(month, "no_standard", Some(key)),
        ),
        total_due: total_due.to_string(),
        total_paid: total_paid.to_string(),
        rows,
        party_org: name,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<SheetQuery>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let month = parse_month(q.month.as_deref(), crate::today())?;
    let mut p = page(&state, &auth, Key { county, id }, month, None, None).await?;
    p.layout = p
        .layout
        .saved(&saved)
        .then("回到首页的待办".into(), "/".into());
    Ok(render(&p)?.into_response())
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<SheetQuery>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let month = parse_month(q.month.as_deref(), today)?;
    let key = Key { county, id };
    let mut payments: Vec<(Key, Fen)> = Vec::new();
    let mut problem: Option<String> = None;
    for (_, v) in pairs.iter().filter(|(k, _)| k == "pay") {
        let member = v
            .split_once('_')
            .and_then(|(c, i)| {
                Some(Key {
                    county: c.parse().ok()?,
                    id: i.parse().ok()?,
                })
            })
            .ok_or_else(|| WebError::bad_field("党员", "人员编号无效"))?;
        let typed = pairs
            .iter()
            .find(|(k, _)| *k == format!("amt_{v}"))
            .map(|(_, a)| a.as_str())
            .unwrap_or("");
        match Fen::from_yuan_str(typed) {
            Ok(a) => payments.push((member, a)),
            Err(e) => {
                problem.get_or_insert(format!("金额“{}”：{e}", typed.trim()));
            }
        }
    }
    if payments.is_empty() && problem.is_none() {
        problem = Some("请勾选已交党费的党员".into());
    }
    if let Some(message) = problem {
        let p = page(&state, &auth, key, month, Some(&pairs), Some(message)).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    }
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let saved = state
        .pool
        .run(move |store| Ok(store.mark_dues(&actor, &scope, today, key, month, &payments)?))
        .await;
    match saved {
        Ok(_) => Ok(Redirect::to(&format!(
            "/party-orgs/{county}/{id}/dues?month={month}&saved=dues"
        ))
        .into_response()),
        Err(e) if e.field.is_some() => {
            let p = page(&state, &auth, key, month, Some(&pairs), Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
