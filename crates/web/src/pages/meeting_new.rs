//! `GET /party-orgs/{county}/{id}/meetings/new[?held_on=2026-11-20&kind=committee]` and
//! `POST …`: record a meeting with its attendance in one screen, one form. Who is expected
//! follows the kind and the day (a 支委会 its committee, a 党小组会 the group, the rest the
//! whole branch): 更新应到名单 redraws the list without saving, and a save whose day or
//! kind changed the list is shown the new list instead of being saved. Each attendee is
//! marked 出席, 请假 (with a reason) or 缺席. Checked on the server, written in one
//! transaction with the quorum and 补录 computed; the day saved is the day typed.

use std::collections::HashMap;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::life::{AttendanceRecord, MeetingRecord};
use liangxin_domain::registry::Key;
use liangxin_store::life::ExpectedAttendee;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Crumb, Layout, render};
use crate::{AppState, params};

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    pub held_on: Option<String>,
    pub kind: Option<String>,
}

#[derive(Debug, Default)]
struct FieldErrors {
    kind: Option<String>,
    held_on: Option<String>,
    place: Option<String>,
    host: Option<String>,
    recorder: Option<String>,
    topic: Option<String>,
    text: Option<String>,
    attendance: Option<String>,
}

impl FieldErrors {
    fn any(&self) -> bool {
        [
            &self.kind,
            &self.held_on,
            &self.place,
            &self.host,
            &self.recorder,
            &self.topic,
            &self.text,
            &self.attendance,
        ]
        .iter()
        .any(|e| e.is_some())
    }
}

#[derive(Debug, Default, Clone)]
struct Typed {
    csrf: String,
    kind: String,
    held_on: String,
    place: String,
    host: String,
    recorder: String,
    topic: String,
    agenda: String,
    minutes: String,
    decisions: String,
    /// 更新应到名单 was pressed: redraw, do not save.
    refresh: bool,
    /// `county_id` → attendance code, and → reason.
    marks: HashMap<String, String>,
    reasons: HashMap<String, String>,
}

/// One row of the attendance table.
struct Row {
    field: String,
    name: String,
    voter: &'static str,
    mark: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "meeting_new.html")]
struct NewPage {
    layout: Layout,
    party_org: String,
    action: String,
    error: Option<String>,
    errors: FieldErrors,
    t: Typed,
    kinds: Vec<Choice>,
    rows: Vec<Row>,
    day: String,
}

/// The kind the list is drawn for: the one chosen, else a 主题党日 (the whole branch).
fn list_kind(typed: &str) -> MeetingKind {
    MeetingKind::parse(typed).unwrap_or(MeetingKind::ThemeDay)
}

fn member_field(k: Key) -> String {
    format!("{}_{}", k.county, k.id)
}

fn parse_body(body: &[u8]) -> Result<Typed, WebError> {
    let mut t = Typed::default();
    for (k, v) in params::form_pairs(body)? {
        match k.as_str() {
            "_csrf" => t.csrf = v,
            "kind" => t.kind = v,
            "held_on" => t.held_on = v,
            "place" => t.place = v,
            "host" => t.host = v,
            "recorder" => t.recorder = v,
            "topic" => t.topic = v,
            "agenda" => t.agenda = v,
            "minutes" => t.minutes = v,
            "decisions" => t.decisions = v,
            "refresh" => t.refresh = true,
            k if k.starts_with("a_") => {
                t.marks.insert(k[2..].to_owned(), v);
            }
            k if k.starts_with("r_") => {
                t.reasons.insert(k[2..].to_owned(), v);
            }
            _ => {}
        }
    }
    Ok(t)
}

async fn attendees(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    kind: MeetingKind,
    day: NaiveDate,
) -> Result<(String, Vec<ExpectedAttendee>), WebError> {
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            Ok((po.name, store.expected_attendees(&scope, key, kind, day)?))
        })
        .await
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    day: NaiveDate,
    t: Typed,
    errors: FieldErrors,
    error: Option<String>,
) -> Result<NewPage, WebError> {
    let kind = list_kind(&t.kind);
    let (party_org, expected) = attendees(state, auth, key, kind, day).await?;
    let layout = Layout::new(state, auth, "记录会议", "party_orgs")
        .await?
        .at(state, auth, key, vec![Crumb::here("记录会议")])
        .await?;
    let rows = expected
        .iter()
        .map(|e| {
            let field = member_field(e.member);
            Row {
                mark: t
                    .marks
                    .get(&field)
                    .cloned()
                    .unwrap_or_else(|| Attendance::Present.code().into()),
                reason: t.reasons.get(&field).cloned().unwrap_or_default(),
                name: e.name.clone(),
                voter: if e.hosted {
                    "流入党员（不参加表决）"
                } else if e.voter {
                    "正式党员"
                } else {
                    "预备党员"
                },
                field,
            }
        })
        .collect();
    Ok(NewPage {
        layout,
        party_org,
        action: format!("/party-orgs/{}/{}/meetings/new", key.county, key.id),
        error,
        errors,
        kinds: crate::view::choices::<MeetingKind>(&t.kind),
        rows,
        day: day.to_string(),
        t,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let today = crate::today();
    let day = match params::form_date(q.held_on.as_deref().unwrap_or(""), today) {
        Ok(d) => d.unwrap_or(today),
        Err(m) => return Err(WebError::bad_field("会议日期", m)),
    };
    let t = Typed {
        held_on: day.to_string(),
        kind: q.kind.unwrap_or_default(),
        ..Typed::default()
    };
    let p = page(
        &state,
        &auth,
        Key { county, id },
        day,
        t,
        FieldErrors::default(),
        None,
    )
    .await?;
    Ok(render(&p)?.into_response())
}

fn text(value: &str, required: bool, max: usize, slot: &mut Option<String>) -> String {
    let v = value.trim().to_owned();
    let n = v.chars().count();
    if required && n == 0 {
        *slot = Some("必填".into());
    } else if n > max {
        *slot = Some(format!("不能超过{max}个字"));
    }
    v
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let t = parse_body(&body)?;
    auth.check_csrf(&t.csrf)?;
    let key = Key { county, id };
    let today = crate::today();
    let mut e = FieldErrors::default();
    let kind = MeetingKind::parse(&t.kind)
        .map_err(|x| e.kind = Some(x.to_string()))
        .ok();
    let held_on = match params::form_date(&t.held_on, today) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            e.held_on = Some("必填".into());
            None
        }
        Err(m) => {
            e.held_on = Some(m);
            None
        }
    };
    let place = text(&t.place, true, 100, &mut e.place);
    let host = text(&t.host, true, 50, &mut e.host);
    let recorder = text(&t.recorder, true, 50, &mut e.recorder);
    let topic = text(&t.topic, true, 100, &mut e.topic);
    let agenda = text(&t.agenda, false, 20_000, &mut e.text);
    let minutes = text(&t.minutes, false, 20_000, &mut e.text);
    let decisions = text(&t.decisions, false, 20_000, &mut e.text);
    let day = held_on.unwrap_or(today);
    if t.refresh {
        // Only what draws the list is judged on a redraw; the rest is not yet filled in.
        let e = FieldErrors {
            held_on: e.held_on,
            kind: e.kind,
            ..FieldErrors::default()
        };
        let p = page(&state, &auth, key, day, t, e, None).await?;
        return Ok(render(&p)?.into_response());
    }
    // The attendance rows are the day's expected members; marks for anyone else are refused
    // by the store.
    let mut attendance = Vec::with_capacity(t.marks.len());
    for (field, mark) in &t.marks {
        let member = field
            .split_once('_')
            .and_then(|(c, i)| {
                Some(Key {
                    county: c.parse().ok()?,
                    id: i.parse().ok()?,
                })
            })
            .ok_or_else(|| WebError::bad_field("出席情况", "人员编号无效"))?;
        let a =
            Attendance::parse(mark).map_err(|x| WebError::bad_field("出席情况", x.to_string()))?;
        let reason = t
            .reasons
            .get(field)
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        if reason.as_ref().is_some_and(|r| r.chars().count() > 100) {
            e.attendance = Some("请假原因不能超过100个字".into());
        }
        attendance.push(AttendanceRecord {
            member,
            attendance: a,
            reason: if a == Attendance::Excused {
                reason
            } else {
                None
            },
        });
    }
    attendance.sort_by_key(|a| a.member);
    // The list the marks were given for must be the list of the kind and day saved.
    if let (Some(kind), Some(held_on)) = (kind, held_on) {
        let (_, expected) = attendees(&state, &auth, key, kind, held_on).await?;
        let fields: std::collections::HashSet<String> =
            expected.iter().map(|x| member_field(x.member)).collect();
        let marked: std::collections::HashSet<String> = t.marks.keys().cloned().collect();
        if fields != marked {
            e.attendance = Some(format!(
                "会议日期或类型改变了应到名单（{}{}应到{}人），请核对出席情况后再保存",
                held_on.format("%Y年%m月%d日"),
                kind.label(),
                expected.len()
            ));
        }
    }
    let (Some(kind), Some(held_on), false) = (kind, held_on, e.any()) else {
        let p = page(
            &state,
            &auth,
            key,
            day,
            t,
            e,
            Some("请改正标红的项目".into()),
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response());
    };
    let record = MeetingRecord {
        party_org: key,
        kind,
        held_on,
        place,
        host,
        recorder,
        topic,
        agenda,
        minutes,
        decisions,
        attendance,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let saved = state
        .pool
        .run(move |store| Ok(store.record_meeting(&actor, &scope, today, record)?))
        .await;
    match saved {
        Ok(m) => Ok(
            Redirect::to(&format!("/meetings/{}/{}?saved=meeting", m.county, m.id)).into_response(),
        ),
        Err(err) if err.field.is_some() => {
            let mut e = FieldErrors::default();
            match err.field {
                Some("会议日期") => e.held_on = Some(err.message.clone()),
                Some("会议类型") => e.kind = Some(err.message.clone()),
                _ => e.attendance = Some(err.message.clone()),
            }
            let p = page(&state, &auth, key, day, t, e, Some(err.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(err) => Err(err),
    }
}
