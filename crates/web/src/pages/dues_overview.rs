//! `GET /dues?month=2026-11[&name=…&page=2]`: the month's dues for the scope — the total
//! first, then every party organization with members that month, most unpaid first, 50 a
//! page, searchable by name: due and paid, members paid, short and unpaid, from the
//! standards and the ledger. Each links to its monthly sheet, and each count of members to
//! the list of exactly those members (`/dues/members`).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use liangxin_store::dues::{DuesRollupRow, DuesTotals};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::lists::dues::{self as dues_list, DuesQuery, month_value};
use crate::report;
use crate::view::{Figure, Layout, Pager, query, render};
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
        href: Some(dues_list::href(month, state, org)),
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
    name: String,
    total: Line,
    /// Party organizations the search keeps (all pages).
    listed: usize,
    files: String,
    pager: Pager,
    rows: Vec<Line>,
}

/// Party organizations a page shows.
const PAGE_SIZE: usize = 50;

/// The line of a party organization of the roll-up, linking to its sheet.
fn org_line(r: &DuesRollupRow, month: Period) -> Line {
    line(
        r.name.clone(),
        Some(format!(
            "/party-orgs/{}/{}/dues?month={}",
            r.key.county,
            r.key.id,
            month_value(month)
        )),
        &r.totals,
        month,
        Some(r.key),
    )
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<DuesQuery>,
) -> Result<Response, WebError> {
    let search = q.check()?;
    let month = search.month;
    let dues = report::scope_dues(&state, auth.scope.clone(), month).await?;
    let rows = search.rows(&dues);
    let pager = Pager::new("/dues", search.fields(), search.page, rows.len(), PAGE_SIZE);
    let layout = Layout::new(&state, &auth, "党费汇总", "dues").await?;
    Ok(render(&Page {
        layout,
        month: month.label_zh(),
        month_value: month_value(month),
        name: search.name.clone().unwrap_or_default(),
        total: line("合计".into(), None, &dues.total, month, None),
        listed: rows.len(),
        files: query(&search.fields()),
        rows: pager
            .rows(&rows)
            .iter()
            .map(|r| org_line(r, month))
            .collect(),
        pager,
    })?
    .into_response())
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: DuesQuery,
    format: Format,
) -> Result<Response, WebError> {
    let search = q.check()?;
    let (today, month) = (crate::today(), search.month);
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
    let cells = |name: String, t: &DuesTotals| {
        vec![
            Cell::Text(name),
            export::int(t.members),
            Cell::Fen(t.due.fen()),
            Cell::Fen(t.paid.fen()),
            export::int(t.paid_members),
            export::int(t.short_members),
            export::int(t.unpaid_members),
            export::int(t.without_standard),
            Cell::Percent(t.paid_percent().map(f64::from)),
        ]
    };
    let dues = report::scope_dues(&state, auth.scope.clone(), month).await?;
    // The total first, as on the page, then the organizations the search keeps.
    let mut out = vec![cells("合计".into(), &dues.total)];
    out.extend(
        search
            .rows(&dues)
            .into_iter()
            .map(|r| cells(r.name.clone(), &r.totals)),
    );
    export::respond_whole(&state, e, format, out).await
}

crate::export::file_handlers!(DuesQuery);
