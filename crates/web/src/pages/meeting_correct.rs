//! Correcting what was recorded: `/meetings/{county}/{id}/correct` (更正: content and
//! attendance, with the reason; the quorum follows) and `/meetings/{county}/{id}/withdraw`
//! (撤销 a meeting recorded in error, on a page that says what follows). By the meeting's
//! branch or above; the before and after go to the audit log and every figure follows.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use liangxin_domain::kinds::Attendance;
use liangxin_domain::life::AttendanceRecord;
use liangxin_domain::registry::Key;
use liangxin_store::StoreError;
use liangxin_store::life::{MeetingCorrection, MeetingView};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, render};
use crate::{AppState, params};

struct Row {
    field: String,
    name: String,
    voter: &'static str,
    mark: &'static str,
    reason: String,
}

#[derive(Template)]
#[template(path = "meeting_correct.html")]
struct CorrectPage {
    layout: Layout,
    title: String,
    back: String,
    action: String,
    topic: String,
    place: String,
    host: String,
    recorder: String,
    agenda: String,
    minutes: String,
    decisions: String,
    reason: String,
    rows: Vec<Row>,
    error: Option<String>,
}

async fn load(state: &Arc<AppState>, auth: &Auth, key: Key) -> Result<MeetingView, WebError> {
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| Ok(store.meeting(&scope, key)?))
        .await?
        .ok_or_else(WebError::not_found)
}

fn field(k: Key) -> String {
    format!("{}_{}", k.county, k.id)
}

fn page(
    layout: Layout,
    key: Key,
    m: &MeetingView,
    c: &MeetingCorrection,
    error: Option<String>,
) -> CorrectPage {
    let marks: HashMap<Key, (Attendance, Option<String>)> = c
        .attendance
        .iter()
        .map(|a| (a.member, (a.attendance, a.reason.clone())))
        .collect();
    CorrectPage {
        layout,
        title: format!("更正会议记录：{}", m.summary.topic),
        back: format!("/meetings/{}/{}", key.county, key.id),
        action: format!("/meetings/{}/{}/correct", key.county, key.id),
        topic: c.topic.clone(),
        place: c.place.clone(),
        host: c.host.clone(),
        recorder: c.recorder.clone(),
        agenda: c.agenda.clone(),
        minutes: c.minutes.clone(),
        decisions: c.decisions.clone(),
        reason: c.reason.clone(),
        rows: m
            .attendance
            .iter()
            .map(|l| {
                let (a, reason) = marks
                    .get(&l.member)
                    .cloned()
                    .unwrap_or((l.attendance, l.reason.clone()));
                Row {
                    field: field(l.member),
                    name: l.name.clone(),
                    voter: if l.voter {
                        "正式党员"
                    } else {
                        "预备党员等"
                    },
                    mark: a.code(),
                    reason: reason.unwrap_or_default(),
                }
            })
            .collect(),
        error,
    }
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Html<String>, WebError> {
    let key = Key { county, id };
    let m = load(&state, &auth, key).await?;
    let c = MeetingCorrection {
        topic: m.summary.topic.clone(),
        place: m.place.clone(),
        host: m.host.clone(),
        recorder: m.recorder.clone(),
        agenda: m.agenda.clone(),
        minutes: m.minutes.clone(),
        decisions: m.decisions.clone(),
        attendance: m
            .attendance
            .iter()
            .map(|l| AttendanceRecord {
                member: l.member,
                attendance: l.attendance,
                reason: l.reason.clone(),
            })
            .collect(),
        reason: String::new(),
    };
    let layout = Layout::new(&state, &auth, "更正会议记录", "life").await?;
    render(&page(layout, key, &m, &c, None))
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
    let m = load(&state, &auth, key).await?;
    let get = |name: &str| params::field(&pairs, name);
    let mut attendance = Vec::with_capacity(m.attendance.len());
    for l in &m.attendance {
        let f = field(l.member);
        let mark = get(&format!("a_{f}"));
        let a =
            Attendance::parse(&mark).map_err(|e| WebError::bad_field("出席情况", e.to_string()))?;
        let reason = get(&format!("r_{f}")).trim().to_owned();
        attendance.push(AttendanceRecord {
            member: l.member,
            attendance: a,
            reason: (!reason.is_empty()).then_some(reason),
        });
    }
    let c = MeetingCorrection {
        topic: get("topic"),
        place: get("place"),
        host: get("host"),
        recorder: get("recorder"),
        agenda: get("agenda"),
        minutes: get("minutes"),
        decisions: get("decisions"),
        attendance,
        reason: get("reason"),
    };
    let too_long = [&c.topic, &c.place, &c.host, &c.recorder, &c.reason]
        .iter()
        .any(|v| v.chars().count() > 200)
        || [&c.agenda, &c.minutes, &c.decisions]
            .iter()
            .any(|v| v.chars().count() > 20_000);
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let correction = c.clone();
    let saved = if too_long {
        Err("内容过长：主题、地点、主持人、记录人、原因不超过200字，议程、记录、决定事项不超过20000字".to_owned())
    } else {
        state
            .pool
            .run(
                move |store| match store.correct_meeting(&actor, &scope, key, &correction) {
                    Ok(()) => Ok(Ok(())),
                    Err(StoreError::Invalid { field, reason }) => {
                        Ok(Err(format!("{field}：{reason}")))
                    }
                    Err(e) => Err(e.into()),
                },
            )
            .await?
    };
    match saved {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{county}/{id}")).into_response()),
        Err(message) => {
            let layout = Layout::new(&state, &auth, "更正会议记录", "life").await?;
            let p = page(layout, key, &m, &c, Some(message));
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "meeting_withdraw.html")]
struct WithdrawPage {
    layout: Layout,
    topic: String,
    date: String,
    party_org: String,
    back: String,
    action: String,
    error: Option<String>,
}

async fn withdraw_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
) -> Result<Html<String>, WebError> {
    let m = load(state, auth, key).await?;
    let layout = Layout::new(state, auth, "撤销会议记录", "life").await?;
    render(&WithdrawPage {
        layout,
        topic: m.summary.topic.clone(),
        date: m.summary.held_on.to_string(),
        party_org: m.party_org_name.clone(),
        back: format!("/meetings/{}/{}", key.county, key.id),
        action: format!("/meetings/{}/{}/withdraw", key.county, key.id),
        error,
    })
}

pub async fn show_withdraw(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Html<String>, WebError> {
    withdraw_page(&state, &auth, Key { county, id }, None).await
}

pub async fn withdraw(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let m = load(&state, &auth, key).await?;
    let reason = params::field(&pairs, "reason");
    if reason.trim().is_empty() || reason.chars().count() > 200 {
        let html = withdraw_page(
            &state,
            &auth,
            key,
            Some("撤销原因：必填，不超过200字".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response());
    }
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    state
        .pool
        .run(move |store| Ok(store.withdraw_meeting(&actor, &scope, key, &reason)?))
        .await?;
    let po = m.summary.party_org;
    Ok(Redirect::to(&format!("/party-orgs/{}/{}/life", po.county, po.id)).into_response())
}
