//! 组织关系转接 as the two sides see it. `GET /transfers` lists the letters either side of
//! which lies in the scope (in force by default, all with `?all=1`; by the member's name;
//! 50 a page under the counts in force, to act on and overdue); `GET /transfers/{id}`
//! shows one with its history, the letter to print (the sending side) and the steps the
//! viewer may take:
//! `POST /transfers/{id}/receive` (the receiver confirms; for a receiver outside the system
//! the sender records the 回执), `POST /transfers/{id}/return` (the receiver returns it, with
//! its reason) and `POST /transfers/{id}/cancel` (the sender withdraws it). None of the three
//! can be undone: each first answers with the page stating what it will do, and only its
//! 确认 (`confirm=1`) writes; the letter then shows 已保存.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::{LetterKind, TransferState};
use liangxin_store::transfer::TransferView;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::Format;
use crate::lists::transfers::{self, Line, day, line};
use crate::view::{Layout, Pager, SavedQuery, query, render};
use crate::{AppState, params};

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
    transfers::export_in_state(
        state,
        auth,
        (!all).then_some(TransferState::Issued),
        name,
        format,
    )
    .await
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
    /// Set when a step was asked for: the page states its consequence and asks to confirm.
    confirm: Option<Confirm>,
}

/// A step about to be taken, as its confirmation states it.
struct Confirm {
    action: String,
    button: &'static str,
    consequence: String,
    /// The typed values, carried to the 确认.
    fields: Vec<(&'static str, String)>,
}

async fn detail(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    error: Option<String>,
) -> Result<DetailPage, WebError> {
    Ok(detail_of(state, auth, id, error).await?.0)
}

/// The letter's page and the letter as the viewer's scope sees it.
async fn detail_of(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    error: Option<String>,
) -> Result<(DetailPage, TransferView), WebError> {
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
    let page = DetailPage {
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
        confirm: None,
    };
    Ok((page, v))
}

/// What a step will do, said before it is done.
fn consequence(v: &TransferView, step: Step, on: &str, note: &str) -> (&'static str, String) {
    let m = &v.member_name;
    match (step, v.letter_kind, v.to.is_some()) {
        (Step::Receive, LetterKind::Introduction, true) => (
            "确认接收",
            format!(
                "{on}接收{m}的组织关系：{m}记入本党组织的党员名册，原党组织的记录标为“已减少：转出”并保留，外出登记和所任职务随之结束。接收记入操作日志，不能在本页撤销。"
            ),
        ),
        (Step::Receive, LetterKind::Introduction, false) => (
            "确认登记回执",
            format!(
                "登记{on}收到的回执：{m}的组织关系转出本系统，本党组织的记录标为“已减少：转出”并保留，转接办结。不能在本页撤销。"
            ),
        ),
        (Step::Receive, LetterKind::Certificate, _) => (
            "确认接收",
            format!(
                "{on}接收{m}的党员证明信：组织关系仍在原党组织，{m}在接收方参加组织生活，记为外出党员。转接办结，不能在本页撤销。"
            ),
        ),
        (Step::Return, ..) => (
            "确认退回",
            format!(
                "把{m}的{}退回开具的党组织，理由：{note}。退回后转接结束，{m}仍在原党组织；如需再转，须重新开具。",
                v.letter_kind.label()
            ),
        ),
        (Step::Cancel, ..) => (
            "确认撤销",
            format!(
                "撤销{m}的{}，理由：{note}。撤销后对方不能再接收，{m}仍在本党组织；如需再转，须重新开具。",
                v.letter_kind.label()
            ),
        ),
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    Query(q): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = detail(&state, &auth, id, None).await?;
    let issued = q.saved.as_deref() == Some("transfer_issued");
    p.layout = p.layout.saved(&q);
    if let (true, Some(letter)) = (issued, p.letter_href.clone()) {
        p.layout = p.layout.then(format!("打印{}", p.line.kind), letter);
    }
    Ok(render(&p)?.into_response())
}

#[derive(Debug, Clone, Copy)]
enum Step {
    Receive,
    Return,
    Cancel,
}

impl Step {
    /// The step's address under `/transfers/{id}/`.
    fn path(self) -> &'static str {
        match self {
            Step::Receive => "receive",
            Step::Return => "return",
            Step::Cancel => "cancel",
        }
    }

    /// The `?saved=` code the letter shows once the step is taken.
    fn saved(self) -> &'static str {
        match self {
            Step::Receive => "transfer_received",
            Step::Return => "transfer_returned",
            Step::Cancel => "transfer_cancelled",
        }
    }
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
    let confirmed = get("confirm") == "1";
    if !confirmed {
        // Checked first, so the confirmation never asks about what would be refused.
        let checked = match step {
            Step::Receive => params::form_date(&on, today)
                .map_err(|e| WebError::bad_field("接收日期", e))
                .and_then(|d| d.ok_or_else(|| WebError::bad_field("接收日期", "必填")))
                .map(|d| d.format("%Y年%m月%d日").to_string()),
            Step::Return | Step::Cancel if note.trim().is_empty() => Err(WebError::bad_field(
                if matches!(step, Step::Return) {
                    "退回理由"
                } else {
                    "撤销理由"
                },
                "必填",
            )),
            Step::Return | Step::Cancel => Ok(String::new()),
        };
        let (mut p, v) = detail_of(&state, &auth, id, None).await?;
        let day = match checked {
            Ok(day) => day,
            Err(e) => {
                p.error = Some(e.message);
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
            }
        };
        let allowed = match step {
            Step::Receive => v.may_receive(),
            Step::Return => v.may_return(),
            Step::Cancel => v.may_cancel(),
        };
        if !allowed {
            p.error = Some("这封介绍信现在不能办理这一步（已办结，或不归本组织办理）".into());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
        }
        let (button, consequence) = consequence(&v, step, &day, note.trim());
        p.confirm = Some(Confirm {
            action: format!("/transfers/{id}/{}", step.path()),
            button,
            consequence,
            fields: vec![("on", on), ("note", note)],
        });
        return Ok(render(&p)?.into_response());
    }
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
        Ok(()) => {
            let saved = step.saved();
            Ok(Redirect::to(&format!("/transfers/{id}?saved={saved}")).into_response())
        }
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
