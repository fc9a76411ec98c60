//! `GET /dues/members?month=2026-11&state=unpaid[&org=330825-12]`: the members behind each
//! figure of the dues roll-up — the month's members of the scope (or of one party
//! organization's own) who paid (`paid`), paid short (`short`), paid nothing (`unpaid`),
//! have no standard for the year (`no_standard`) or have no regular payment entered yet
//! (`unmarked`, the 待办's 未登记); all of them without `state`. The list itself is
//! [`crate::lists::dues`].

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format, PAGE_ROWS};
use crate::lists::dues::{DuesMembersQuery, LISTS, month_value, read, state_text};
use crate::view::{Choice, Layout, Pager, count, render};

const PAGE_SIZE: usize = 100;

struct Row {
    name: String,
    member_href: String,
    party_org: String,
    sheet_href: String,
    due: String,
    paid: String,
    state: &'static str,
}

#[derive(Template)]
#[template(path = "dues_members.html")]
struct Page {
    layout: Layout,
    title: String,
    month_value: String,
    states: Vec<Choice>,
    org: String,
    total: u64,
    total_text: String,
    files: String,
    pager: Pager,
    rows: Vec<Row>,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<DuesMembersQuery>,
) -> Result<Html<String>, WebError> {
    let c = q.check()?;
    let found = read(&state, &auth, &c).await?;
    let positions = found.positions();
    let pager = Pager::new(
        "/dues/members",
        c.fields(),
        c.page,
        positions.len(),
        PAGE_SIZE,
    );
    let month = month_value(c.month);
    let shown = found
        .month
        .rows_at(pager.rows(&positions))
        .map(|r| Row {
            name: r.name.clone(),
            member_href: format!("/members/{}/{}/dues", r.member.county, r.member.id),
            party_org: r.party_org_name.clone(),
            sheet_href: format!(
                "/party-orgs/{}/{}/dues?month={month}",
                r.party_org.county, r.party_org.id
            ),
            due: r.due.map_or_else(|| "未定".to_owned(), |d| d.to_string()),
            paid: r.paid.to_string(),
            state: state_text(r),
        })
        .collect();
    let total = positions.len() as u64;
    let layout = Layout::new(&state, &auth, "党费名单", "dues").await?;
    render(&Page {
        layout,
        title: format!(
            "{}{}党费：{}",
            found
                .org_name
                .as_ref()
                .map(|n| format!("{n} · "))
                .unwrap_or_default(),
            c.month.label_zh(),
            c.label()
        ),
        states: LISTS
            .iter()
            .map(|(code, _, label)| Choice {
                value: (*code).to_owned(),
                label: (*label).to_owned(),
                selected: *code == c.state,
            })
            .collect(),
        org: c
            .org
            .map(|k| format!("{}-{}", k.county, k.id))
            .unwrap_or_default(),
        total,
        total_text: count(total, "人"),
        files: c.query(),
        pager,
        rows: shown,
        month_value: month,
    })
}

async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: DuesMembersQuery,
    format: Format,
) -> Result<Response, WebError> {
    let c = q.check()?;
    let found = read(&state, &auth, &c).await?;
    let e = Export {
        file_stem: "dues-members",
        sheet: "党费名单",
        title: format!(
            "{}{}党费：{}（导出于{}）",
            found
                .org_name
                .as_ref()
                .map(|n| format!("{n} · "))
                .unwrap_or_default(),
            c.month.label_zh(),
            c.label(),
            crate::today().format("%Y年%m月%d日")
        ),
        headers: vec!["党组织", "姓名", "应交", "已登记", "状态"],
    };
    // Written from the month already read, a page of lines at a time.
    let positions = found.positions().into_owned();
    let month = found.month;
    export::respond(&state, e, format, move |_, offset| {
        let from = offset.min(positions.len());
        let to = (from + PAGE_ROWS).min(positions.len());
        Ok(month
            .rows_at(&positions[from..to])
            .map(|r| {
                vec![
                    r.party_org_name.clone().into(),
                    r.name.clone().into(),
                    r.due
                        .map_or(Cell::Text("未定".into()), |d| Cell::Fen(d.fen())),
                    Cell::Fen(r.paid.fen()),
                    state_text(r).into(),
                ]
            })
            .collect())
    })
    .await
}

crate::export::file_handlers!(DuesMembersQuery);
