//! `GET /members/{county}/{id}/dues`: a member's dues this year and last — each month's due
//! and paid, 党费交至年月 — and for staff the forms to fix the year's standard
//! (`POST …/dues`) and to enter a correcting line (`POST …/dues/correct`). A member sees
//! their own page.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::DuesCategory;
use liangxin_domain::money::Fen;
use liangxin_domain::registry::Key;
use liangxin_store::dues::DuesInput;

use crate::auth::Auth;
use crate::error::WebError;
use crate::lists::dues::parse_month;
use crate::view::{Choice, Crumb, Layout, SavedQuery, render};
use crate::{AppState, params};

struct MonthRow {
    month: String,
    due: String,
    paid: String,
    state: &'static str,
    class: &'static str,
}

#[derive(Template)]
#[template(path = "member_dues.html")]
struct DuesPage {
    layout: Layout,
    name: String,
    masked: String,
    back: String,
    paid_through: String,
    rows: Vec<MonthRow>,
    staff: bool,
    action: String,
    correct_action: String,
    error: Option<String>,
    categories: Vec<Choice>,
    year: i32,
    base: String,
    farmer: String,
    reduced: String,
    approval: String,
    month: String,
    amount: String,
    note: String,
}

#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    year: String,
    category: String,
    base: String,
    farmer: String,
    reduced: String,
    approval: String,
    month: String,
    amount: String,
    note: String,
}

fn parse_body(body: &[u8]) -> Result<Typed, WebError> {
    let mut t = Typed::default();
    for (k, v) in params::form_pairs(body)? {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "year" => t.year = v,
            "category" => t.category = v,
            "base" => t.base = v,
            "farmer" => t.farmer = v,
            "reduced" => t.reduced = v,
            "approval" => t.approval = v,
            "month" => t.month = v,
            "amount" => t.amount = v,
            "note" => t.note = v,
            _ => {}
        }
    }
    Ok(t)
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    t: &Typed,
    error: Option<String>,
) -> Result<DuesPage, WebError> {
    let today = crate::today();
    let from = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let scope = auth.scope.clone();
    let ((name, masked, branch), (months, through)) = state
        .pool
        .run(move |store| {
            let m = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            Ok((
                (m.name, m.resident_id_masked, m.party_org),
                store.member_dues(&scope, key, from, today)?,
            ))
        })
        .await?;
    let rows = months
        .iter()
        .rev()
        .map(|m| {
            let (state, class) = match m.state {
                liangxin_domain::dues::MonthState::Paid => ("已交", "ok"),
                liangxin_domain::dues::MonthState::Short => ("少交", "warn"),
                liangxin_domain::dues::MonthState::Unpaid => ("未交", "bad"),
            };
            MonthRow {
                month: m.month.label_zh(),
                due: m.due.to_string(),
                paid: m.paid.to_string(),
                state,
                class,
            }
        })
        .collect();
    let member = format!("/members/{}/{}", key.county, key.id);
    let layout = Layout::new(state, auth, &format!("{name}的党费"), "members")
        .await?
        .at(
            state,
            auth,
            branch,
            vec![Crumb::link(&name, member), Crumb::here("党费")],
        )
        .await?;
    let staff = crate::routes::Who::Staff.admits(auth.role);
    Ok(DuesPage {
        layout,
        back: format!("/members/{}/{}", key.county, key.id),
        paid_through: through
            .map(|p| p.label_zh())
            .unwrap_or_else(|| "尚无完整缴纳的月份".into()),
        rows,
        staff,
        action: format!("/members/{}/{}/dues", key.county, key.id),
        correct_action: format!("/members/{}/{}/dues/correct", key.county, key.id),
        error,
        categories: crate::view::choices::<DuesCategory>(&t.category),
        year: t.year.parse().unwrap_or(today.year()),
        base: t.base.clone(),
        farmer: t.farmer.clone(),
        reduced: t.reduced.clone(),
        approval: t.approval.clone(),
        month: t.month.clone(),
        amount: t.amount.clone(),
        note: t.note.clone(),
        name,
        masked,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Key { county, id }, &Typed::default(), None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

fn money(field: &'static str, s: &str) -> Result<Option<Fen>, WebError> {
    match s.trim() {
        "" => Ok(None),
        t => Fen::from_yuan_str(t)
            .map(Some)
            .map_err(|e| WebError::bad_field(field, e.to_string())),
    }
}

async fn refuse(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    t: &Typed,
    e: WebError,
) -> Result<Response, WebError> {
    let p = page(state, auth, key, t, Some(e.message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}

pub async fn set_standard(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let t = parse_body(&body)?;
    auth.check_csrf(&t.csrf)?;
    let key = Key { county, id };
    let today = crate::today();
    let parsed = (|| -> Result<(i32, DuesInput), WebError> {
        let year = t
            .year
            .trim()
            .parse::<i32>()
            .map_err(|_| WebError::bad_field("年度", "应为四位年份"))?;
        let category = DuesCategory::parse(&t.category)
            .map_err(|e| WebError::bad_field("党费类别", e.to_string()))?;
        let reduction = match money("减免后金额", &t.reduced)? {
            Some(a) => Some((a, t.approval.trim().to_owned())),
            None => None,
        };
        Ok((
            year,
            DuesInput {
                category,
                base: money("计算基数", &t.base)?,
                farmer_amount: money("农民党员月交纳额", &t.farmer)?,
                reduction,
            },
        ))
    })();
    let (year, input) = match parsed {
        Ok(v) => v,
        Err(e) => return refuse(&state, &auth, key, &t, e).await,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let saved = state
        .pool
        .run(move |store| Ok(store.set_dues_standard(&actor, &scope, today, key, year, input)?))
        .await;
    match saved {
        Ok(_) => Ok(
            Redirect::to(&format!("/members/{county}/{id}/dues?saved=standard")).into_response(),
        ),
        Err(e) if e.field.is_some() => refuse(&state, &auth, key, &t, e).await,
        Err(e) => Err(e),
    }
}

pub async fn correct(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let t = parse_body(&body)?;
    auth.check_csrf(&t.csrf)?;
    let key = Key { county, id };
    let today = crate::today();
    let parsed = (|| -> Result<_, WebError> {
        let month = parse_month(Some(&t.month), today)?;
        let amount =
            money("金额", &t.amount)?.ok_or_else(|| WebError::bad_field("金额", "必填"))?;
        Ok((month, amount))
    })();
    let (month, amount) = match parsed {
        Ok(v) => v,
        Err(e) => return refuse(&state, &auth, key, &t, e).await,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let correction = liangxin_store::dues::DuesCorrection {
        member: key,
        month,
        amount,
        note: t.note.clone(),
    };
    let saved = state
        .pool
        .run(move |store| Ok(store.correct_dues(&actor, &scope, today, &correction)?))
        .await;
    match saved {
        Ok(()) => Ok(
            Redirect::to(&format!("/members/{county}/{id}/dues?saved=correction")).into_response(),
        ),
        Err(e) if e.field.is_some() => refuse(&state, &auth, key, &t, e).await,
        Err(e) => Err(e),
    }
}
