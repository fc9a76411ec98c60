//! A member's own home page (`/` for the member role): their record, their dues month by
//! month with 党费交至年月, the meetings they were expected at and how they attended, and
//! any open audit finding about them. Nothing here is typed in; all of it is the records.

use std::sync::Arc;

use askama::Template;
use axum::response::Html;
use chrono::Datelike;
use liangxin_domain::dues::MonthState;
use liangxin_domain::kinds::Attendance;
use liangxin_domain::registry::Key;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, render};

struct DuesRow {
    month: String,
    due: String,
    paid: String,
    state: &'static str,
    class: &'static str,
}

struct MeetingRow {
    date: String,
    kind: &'static str,
    topic: String,
    attendance: &'static str,
}

#[derive(Template)]
#[template(path = "member_home.html")]
struct HomePage {
    layout: Layout,
    name: String,
    masked: String,
    party_org: String,
    status: &'static str,
    paid_through: String,
    dues: Vec<DuesRow>,
    meetings: Vec<MeetingRow>,
    findings: Vec<(String, String)>,
    /// 出勤率 over the meetings shown.
    attendance: String,
    /// 转接状态: the member's letters.
    transfers: Vec<crate::lists::transfers::Line>,
    /// 党员先锋指数 of the year so far.
    vanguard_href: String,
    checkup_href: String,
    self_href: String,
}

pub async fn show(state: &Arc<AppState>, auth: &Auth, me: Key) -> Result<Html<String>, WebError> {
    let today = crate::today();
    let from = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(11)))
        .unwrap_or(today);
    let scope = auth.scope.clone();
    let (view, (months, through), attended, (findings, transfers)) = state
        .pool
        .run(move |store| {
            let view = store.member(&scope, me)?.ok_or_else(WebError::not_found)?;
            let dues = store.member_dues(&scope, me, from, today)?;
            let attended = store.member_attendance(&scope, me, from)?;
            let findings = store.open_findings_about(&scope, me)?;
            let transfers = store.transfers(&scope, None)?;
            Ok((view, dues, attended, (findings, transfers)))
        })
        .await?;
    let layout = Layout::new(state, auth, "我的", "home").await?;
    render(&HomePage {
        layout,
        vanguard_href: format!("/members/{}/{}/vanguard", me.county, me.id),
        checkup_href: format!("/members/{}/{}/checkup", me.county, me.id),
        self_href: format!("/members/{}/{}/self-assessment", me.county, me.id),
        masked: view.resident_id_masked.clone(),
        party_org: view.party_org_name.clone(),
        status: view.status.label(),
        paid_through: through
            .map(|p| p.label_zh())
            .unwrap_or_else(|| "尚无完整缴纳的月份".into()),
        dues: months
            .iter()
            .rev()
            .map(|m| {
                let (state, class) = match m.state {
                    MonthState::Paid => ("已交", "ok"),
                    MonthState::Short => ("少交", "warn"),
                    MonthState::Unpaid => ("未交", "bad"),
                };
                DuesRow {
                    month: m.month.label_zh(),
                    due: m.due.to_string(),
                    paid: m.paid.to_string(),
                    state,
                    class,
                }
            })
            .collect(),
        attendance: liangxin_domain::life::AttendanceRate::of(
            attended.iter().map(|l| l.attendance),
        )
        .describe(),
        meetings: attended
            .iter()
            .map(|a| MeetingRow {
                date: a.held_on.format("%Y年%m月%d日").to_string(),
                kind: a.kind.label(),
                topic: a.topic.clone(),
                attendance: match a.attendance {
                    Attendance::Present => "出席",
                    Attendance::Excused => "请假",
                    Attendance::Absent => "缺席",
                },
            })
            .collect(),
        findings,
        transfers: transfers
            .iter()
            .map(|t| crate::lists::transfers::line(t, today))
            .collect(),
        name: view.name,
    })
}
