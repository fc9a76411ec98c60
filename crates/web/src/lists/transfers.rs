//! The transfer letters (组织关系转接) for the page, the dashboard, the API and the files:
//! those either side of which lies in the scope, read once per change of the records and
//! searched in memory (a scope's letters are hundreds to thousands); a letter as a line of
//! any list, and the file of them.

use std::sync::Arc;

use axum::response::Response;
use chrono::NaiveDate;
use liangxin_domain::kinds::TransferState;
use liangxin_store::transfer::TransferView;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::report;

/// The scope's letters in `wanted` (all without), newest first.
pub async fn read(
    state: &Arc<AppState>,
    auth: &Auth,
    wanted: Option<TransferState>,
) -> Result<Arc<Vec<TransferView>>, WebError> {
    let scope = auth.scope.clone();
    report::from_records(
        state,
        &state.reports.transfers,
        &auth.scope,
        wanted,
        move |store| Ok(store.transfers(&scope, wanted)?),
    )
    .await
}

/// Whether `v`'s member is named with the part searched for (every letter without one).
pub fn named(v: &TransferView, part: &Option<String>) -> bool {
    part.as_ref()
        .is_none_or(|p| v.member_name.contains(p.as_str()))
}

/// 2026年12月04日, as the letters' lists write a day.
pub fn day(d: NaiveDate) -> String {
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
    let found = read(&state, &auth, wanted).await?;
    let rows = found
        .iter()
        .filter(|v| named(v, &name))
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
