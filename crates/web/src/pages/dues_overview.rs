//! `GET /dues?month=2026-11`: the month's dues for the scope — every party organization with
//! members that month, most unpaid first, and the total: due and paid, members paid, short
//! and unpaid, from the standards and the ledger. Each links to its monthly sheet, and
//! each count of members to the list of exactly those members (`/dues/members`).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use liangxin_store::dues::DuesTotals;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::pages::dues_members;
use crate::pages::dues_sheet::parse_month;
use crate::view::{Figure, Layout, render};
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;

/// One line of the roll-up, as shown.
#[derive(Debug)]
pub struct Line {
    pub name: String,
    pub href: Option<String>,
    pub members: Figure,
    pub due: String,
    pub paid: String,
    pub paid_members: Figure,
    pub short_members: Figure,
    pub unpaid_members: Figure,
    pub without_standard: Figure,
    pub rate: String,
}

/// The line of `t`: the scope's total with `org` none, else that party organization's.
fn line(
    name: String,
    href: Option<String>,
    t: &DuesTotals,
    month: Period,
    org: Option<Key>,
) -> Line {
    let figure = |n: u32, state: &str| Figure {
        text: n.to_string(),
        n: u64::from(n),
        href: Some(dues_members::href(month, state, org)),
    };
    Line {
        name,
        href,
        members: figure(t.members, ""),
        due: t.due.to_string(),
        paid: t.paid.to_string(),
        paid_members: figure(t.paid_members, "paid"),
        short_members: figure(t.short_members, "short"),
        unpaid_members: figure(t.unpaid_members, "unpaid"),
        without_standard: figure(t.without_standard, "no_standard"),
        rate: t
            .paid_percent()
            .map_or_else(|| "—".to_owned(), |p| format!("{p}%")),
    }
}

#[derive(Template)]
#[template(path = "dues_overview.html")]
struct Page {
    layout: Layout,
    month: String,
    month_value: String,
    total: Line,
    rows: Vec<Line>,
}

#[derive(Debug, Deserialize)]
pub struct DuesQuery {
    pub month: Option<String>,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<DuesQuery>,
) -> Result<Response, WebError> {
    let today = crate::today();
    let month = parse_month(q.month.as_deref(), today)?;
    let scope = auth.scope.clone();
    let (total, rows) = state
        .pool
        .run(move |store| Ok(store.dues_rollup(&scope, month)?))
        .await?;
    let value = month.first_day().format("%Y-%m").to_string();
    let layout = Layout::new(&state, &auth, "党费汇总", "dues").await?;
    Ok(render(&Page {
        layout,
        month: month.label_zh(),
        total: line("合计".into(), None, &total, month, None),
        rows: rows
            .iter()
            .map(|r| {
                line(
                    r.name.clone(),
                    Some(format!(
                        "/party-orgs/{}/{}/dues?month={value}",
                        r.key.county, r.key.id
                    )),
                    &r.totals,
                    month,
                    Some(r.key),
                )
            })
            .collect(),
        month_value: value,
    })?
    .into_response())
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: DuesQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let month = parse_month(q.month.as_deref(), today)?;
    let scope = auth.scope.clone();
    let e = Export {
        file_stem: "dues",
        sheet: "党费汇总",
        title: format!(
            "党费汇总：{}（导出于{}）",
            month.label_zh(),
            today.format("%Y年%m月%d日")
        ),
        headers: vec![
            "党组织",
            "党员",
            "应交",
            "实交",
            "已交",
            "少交",
            "未交",
            "未定标准",
            "交纳率",
        ],
    };
    let cells = |l: Line| {
        vec![
            l.name,
            l.members.n.to_string(),
            l.due,
            l.paid,
            l.paid_members.n.to_string(),
            l.short_members.n.to_string(),
            l.unpaid_members.n.to_string(),
            l.without_standard.n.to_string(),
            l.rate,
        ]
    };
    // One line a party organization of the scope: read at once, written as one page.
    export::respond(&state, e, format, move |store, offset| {
        if offset > 0 {
            return Ok(Vec::new());
        }
        let (total, rows) = store.dues_rollup(&scope, month)?;
        let mut out: Vec<Vec<String>> = rows
            .iter()
            .map(|r| cells(line(r.name.clone(), None, &r.totals, month, Some(r.key))))
            .collect();
        out.push(cells(line("合计".into(), None, &total, month, None)));
        Ok(out)
    })
    .await
}

crate::export::file_handlers!(DuesQuery);
