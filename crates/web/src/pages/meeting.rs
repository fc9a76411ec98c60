//! `GET /meetings/{county}/{id}`: one meeting record with its attendance. Outside the
//! scope: 404.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use liangxin_domain::registry::Key;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, SavedQuery, render};

struct Line {
    pub name: String,
    pub voter: &'static str,
    pub attendance: &'static str,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    layout: Layout,
    kind: &'static str,
    date: String,
    party_org: String,
    party_org_href: String,
    topic: String,
    place: String,
    host: String,
    recorder: String,
    agenda: String,
    minutes: String,
    decisions: String,
    entered: String,
    notes: Vec<String>,
    counts: String,
    lines: Vec<Line>,
    correct_href: String,
    withdraw_href: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let m = state
        .pool
        .run(move |store| Ok(store.meeting(&scope, Key { county, id })?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let s = &m.summary;
    let mut notes = Vec::new();
    if s.late {
        notes.push("补录：会后超过规定天数才录入".to_owned());
    }
    match s.quorate {
        Some(true) => notes.push("达到法定人数（正式党员过半数出席）".to_owned()),
        Some(false) => notes.push("未达到法定人数，不计入组织生活完成情况".to_owned()),
        None => {}
    }
    let title = format!("{}：{}", s.kind.label(), s.topic);
    // A meeting just saved offers its month's dues sheet: a 主题党日 is when dues are paid.
    let month = liangxin_domain::period::Period::containing_month(s.held_on);
    let layout = Layout::new(&state, &auth, &title, "party_orgs")
        .await?
        .at(&state, &auth, s.party_org, vec![Crumb::here(&title)])
        .await?
        .saved(&saved)
        .then(
            format!("登记{}党费", month.label_zh()),
            format!(
                "/party-orgs/{}/{}/dues?month={month}",
                s.party_org.county, s.party_org.id
            ),
        );
    render(&MeetingPage {
        layout,
        kind: s.kind.label(),
        date: s.held_on.format("%Y年%m月%d日").to_string(),
        party_org_href: format!("/party-orgs/{}/{}/life", s.party_org.county, s.party_org.id),
        correct_href: format!("/meetings/{county}/{id}/correct"),
        withdraw_href: format!("/meetings/{county}/{id}/withdraw"),
        party_org: m.party_org_name.clone(),
        topic: s.topic.clone(),
        place: m.place.clone(),
        host: m.host.clone(),
        recorder: m.recorder.clone(),
        agenda: m.agenda.clone(),
        minutes: m.minutes.clone(),
        decisions: m.decisions.clone(),
        entered: m.entered_on.format("%Y年%m月%d日").to_string(),
        notes,
        counts: format!(
            "出席{}人，请假{}人，缺席{}人",
            s.counts.0, s.counts.1, s.counts.2
        ),
        lines: m
            .attendance
            .iter()
            .map(|a| Line {
                name: a.name.clone(),
                voter: if a.voter {
                    "有表决权"
                } else {
                    "无表决权（预备或流入党员）"
                },
                attendance: a.attendance.label(),
                reason: a.reason.clone().unwrap_or_default(),
            })
            .collect(),
    })
}
