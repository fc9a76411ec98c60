//! 组织关系转接 as the two sides see it. `GET /transfers` lists the letters either side of
//! which lies in the scope (in force by default, all with `?all=1`; by the member's name;
//! 50 a page under the counts in force, to act on and overdue); `GET /transfers/{id}`
//! shows one with its history, the letter to print (the sending side) and the steps the
//! viewer may take:
//! `POST /transfers/{id}/receive` (the receiver confirms; for a receiver outside the system
//! the sender records the 回执), `POST /transfers/{id}/return` (the receiver returns it, with
//! its reason) and `POST /transfers/{id}/cancel` (the sender withdraws it).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use liangxin_domain::kinds::TransferState;
use liangxin_store::transfer::TransferView;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::lists::transfers;
use crate::view::{Layout, Pager, query, render};
use crate::{AppState, params};

fn day(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// A letter as a line of the list.
#[derive(Debug)]
pub struct Line {
    pub href: String,
    pub member: String,
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub issued: String,
    pub until: String,
    pub state: String,
    pub class: &'static str,
    /// What the viewer's side must do, if anything.
    pub action: &'static str,
}

pub fn line(v: &TransferView, today: NaiveDate) -> Line {
    let (state, class) = match v.state {
        TransferState::Issued if v.overdue(today) => ("逾期未接收".to_owned(), "bad"),
        TransferState::Issued => (v.state.label().to_owned(), "warn"),
        TransferState::Received => (
            format!(
                "{}{}",
                v.state.label(),
                v.closed_on
                    .map(|d| format!("（{}）", day(d)))
                    .unwrap_or_default()
            ),
            "ok",
        ),
        _ => (v.state.label().to_owned(), ""),
    };
    let action = if v.may_receive() && v.to.is_some() {
        "待我方接收"
    } else if v.may_receive() {
        "待登记回执"
    } else if v.may_cancel() {
        "待对方接收"
    } else {
        ""
    };
    Line {
        href: format!("/transfers/{}", v.id),
        member: v.member_name.clone(),
        from: v.from_name.clone(),
        to: match v.to {
            Some(_) => v.to_name.clone(),
            None => format!("{}（系统外）", v.to_name),
        },
        kind: v.letter_kind.label(),
        issued: day(v.issued_on),
        until: day(v.valid_until),
        state,
        class,
        action,
    }
}

#[derive(Template)]
#[template(path = "transfers.html")]
struct ListPage {
    layout: Layout,
    all: bool,
    name: String,
    /// In force (未办结), of those the viewer's side must act on, and of those overdue.
    open: usize,
    to_act: usize,
    overdue: usize,
    listed: usize,
    files: String,
    pager: Pager,
    rows: Vec<Line>,
}

/// Letters a page shows.
const PAGE_SIZE: usize = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub all: Option<String>,
    /// Part of the member's name.
    pub name: Option<String>,
    pub page: Option<String>,
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let all = params::text(&q.all).is_some();
    let name = params::name_part(&q.name, "姓名")?;
    let page = params::page(&q.page)?;
    let today = crate::today();
    let open = transfers::read(&state, &auth, Some(TransferState::Issued)).await?;
    let found = if all {
        transfers::read(&state, &auth, None).await?
    } else {
        open.clone()
    };
    let listed: Vec<&TransferView> = found
        .iter()
        .filter(|v| transfers::named(v, &name))
        .collect();
    let fields = vec![
        ("all", if all { "1".into() } else { String::new() }),
        ("name", name.clone().unwrap_or_default()),
    ];
    let pager = Pager::new("/transfers", fields, page, listed.len(), PAGE_SIZE);
    let layout = Layout::new(&state, &auth, "组织关系转接", "transfers").await?;
    Ok(render(&ListPage {
        layout,
        all,
        name: name.clone().unwrap_or_default(),
        open: open.len(),
        to_act: open.iter().filter(|v| v.may_receive()).count(),
        overdue: open.iter().filter(|v| v.overdue(today)).count(),
        listed: listed.len(),
        files: query(&pager.fields),
        rows: pager.rows(&listed).iter().map(|v| line(v, today)).collect(),
        pager,
    })?
    .into_response())
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: ListQuery,
    format: Format,
) -> Result<Response, WebError> {
    let all = params::text(&q.all).is_some();
    let name = params::name_part(&q.name, "姓名")?;
    export_in_state(
        state,
        auth,
        (!all).then_some(TransferState::Issued),
        name,
        format,
    )
    .await
}

/// The letters of the scope in one state (or all), of members named with `name`, as a
/// file: the page's export and the API's `?format=`.
pub async fn export_in_state(
    state: Arc<AppState>,
    auth: Auth,
    wanted: Option<TransferState>,
    name: Option<String>,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let e = Export {
        file_stem: "transfers",
        sheet: "组织关系转接",
        title: format!(
            "{}组织关系转接（截至{}）",
            wanted.map_or("全部".to_owned(), |s| format!("{}的", s.label())),
            today.format("%Y年%m月%d日")
        ),
        headers: vec![
            "党员",
            "转出党组织",
            "接收党组织",
            "种类",
            "开具",
            "有效至",
            "状态",
            "待办",
        ],
    };
    // A scope's letters are thousands at most: read once, written as one page.
    let found = transfers::read(&state, &auth, wanted).await?;
    let rows = found
        .iter()
        .filter(|v| transfers::named(v, &name))
        .map(|v| {
            let l = line(v, today);
            vec![
                l.member,
                l.from,
                l.to,
                l.kind.to_owned(),
                l.issued,
                l.until,
                l.state,
                l.action.to_owned(),
            ]
        })
        .map(export::text_row)
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

crate::export::file_handlers!(ListQuery);

#[derive(Template)]
#[template(path = "transfer.html")]
struct DetailPage {
    layout: Layout,
    error: Option<String>,
    id: i64,
    line: Line,
    member_href: Option<String>,
    new_member_href: Option<String>,
    from_href: Option<String>,
    /// The letter to print, for the sending side.
    letter_href: Option<String>,
    reason: String,
    dues_paid_through: String,
    escalation: Option<String>,
    events: Vec<(String, &'static str, String, String)>,
    /// The button and the date's label, when the viewer may confirm receipt.
    receive: Option<(&'static str, &'static str)>,
    may_return: bool,
    may_cancel: bool,
    today: String,
}

async fn detail(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    error: Option<String>,
) -> Result<DetailPage, WebError> {
    let scope = auth.scope.clone();
    let v = state
        .pool
        .run(move |store| store.transfer(&scope, id)?.ok_or_else(WebError::not_found))
        .await?;
    let today = crate::today();
    let layout = Layout::new(
        state,
        auth,
        &format!("{}的组织关系转接", v.member_name),
        "transfers",
    )
    .await?;
    let member_href = |k: liangxin_domain::registry::Key| format!("/members/{}/{}", k.county, k.id);
    Ok(DetailPage {
        layout,
        error,
        id,
        line: line(&v, today),
        member_href: (v.sender_side || auth.scope.member == Some(v.member))
            .then(|| member_href(v.member)),
        new_member_href: v
            .new_member
            .filter(|k| v.receiver_side || auth.scope.member == Some(*k))
            .map(member_href),
        letter_href: v.sender_side.then(|| format!("/transfers/{id}/letter")),
        from_href: v
            .sender_side
            .then(|| format!("/party-orgs/{}/{}", v.from.county, v.from.id)),
        reason: v.reason.clone(),
        dues_paid_through: v
            .dues_paid_through
            .clone()
            .map(|m| m.replacen('-', "年", 1) + "月")
            .unwrap_or_else(|| "尚无完整缴纳的月份".into()),
        escalation: v.overdue(today).then(|| {
            "已过有效期仍未接收：组织关系排查会把它交给双方的共同上级党组织督促办理".into()
        }),
        events: v
            .events
            .iter()
            .map(|e| (day(e.on), e.label(), e.actor_name.clone(), e.note.clone()))
            .collect(),
        receive: v.may_receive().then_some(if v.to.is_some() {
            ("确认接收", "接收日期")
        } else {
            ("登记回执", "回执日期")
        }),
        may_return: v.may_return(),
        may_cancel: v.may_cancel(),
        today: today.to_string(),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    Ok(render(&detail(&state, &auth, id, None).await?)?.into_response())
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Receive,
    Return,
    Cancel,
}

async fn act(
    state: Arc<AppState>,
    auth: Auth,
    id: i64,
    body: Bytes,
    step: Step,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    let get = |k: &str| params::field(&pairs, k);
    auth.check_csrf(&get("_csrf"))?;
    let today = crate::today();
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let note = get("note");
    let on = get("on");
    let done = state
        .pool
        .run(move |store| {
            match step {
                Step::Receive => {
                    let on = params::form_date(&on, today)
                        .map_err(|e| WebError::bad_field("接收日期", e))?
                        .ok_or_else(|| WebError::bad_field("接收日期", "必填"))?;
                    store.receive_transfer(&actor, &scope, today, id, on)?;
                }
                Step::Return => store.return_transfer(&actor, &scope, today, id, &note)?,
                Step::Cancel => store.cancel_transfer(&actor, &scope, today, id, &note)?,
            }
            Ok(())
        })
        .await;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/transfers/{id}")).into_response()),
        Err(e) if e.field.is_some() => {
            let p = detail(&state, &auth, id, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn receive(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, id, body, Step::Receive).await
}

pub async fn return_letter(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, id, body, Step::Return).await
}

pub async fn cancel(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, id, body, Step::Cancel).await
}
