//! `GET /dues/members?month=2026-11&state=unpaid[&org=330825-12]`: the members behind each
//! figure of the dues roll-up — the month's members of the scope (or of one party
//! organization's own) who paid (`paid`), paid short (`short`), paid nothing (`unpaid`),
//! have no standard for the year (`no_standard`) or have no regular payment entered yet
//! (`unmarked`, the 待办's 未登记); all of them without `state`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use liangxin_domain::dues::MonthState;
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_store::dues::{MonthList, SheetRow};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::pages::dues_sheet::parse_month;
use crate::params;
use crate::view::{Choice, Layout, count, query, render};

const PAGE_SIZE: usize = 100;

/// The lists, by the code a link carries: (code, list, what it holds).
const LISTS: [(&str, MonthList, &str); 5] = [
    ("paid", MonthList::In(MonthState::Paid), "已交"),
    ("short", MonthList::In(MonthState::Short), "少交"),
    ("unpaid", MonthList::In(MonthState::Unpaid), "未交"),
    ("no_standard", MonthList::WithoutStandard, "未定标准"),
    ("unmarked", MonthList::Unmarked, "未登记"),
];

/// The list a link's code names, with its code and words.
fn list_of(code: &str) -> Option<&'static (&'static str, MonthList, &'static str)> {
    LISTS.iter().find(|(c, _, _)| *c == code)
}

#[derive(Debug, Deserialize)]
pub struct DuesMembersQuery {
    pub month: Option<String>,
    pub state: Option<String>,
    pub org: Option<String>,
    pub page: Option<String>,
}

/// A checked [`DuesMembersQuery`].
#[derive(Debug)]
pub struct Checked {
    pub month: Period,
    pub list: MonthList,
    pub state: &'static str,
    pub org: Option<Key>,
}

impl DuesMembersQuery {
    pub fn check(&self) -> Result<Checked, WebError> {
        let month = parse_month(self.month.as_deref(), crate::today())?;
        let (state, list) = match params::text(&self.state) {
            None => ("", MonthList::All),
            Some(s) => list_of(&s)
                .map(|(code, list, _)| (*code, *list))
                .ok_or_else(|| {
                    let choices: Vec<String> = LISTS
                        .iter()
                        .map(|(code, _, label)| format!("{code}（{label}）"))
                        .collect();
                    WebError::bad_field("交纳状态", format!("可选 {}", choices.join("、")))
                })?,
        };
        Ok(Checked {
            month,
            list,
            state,
            org: params::party_org(&self.org)?,
        })
    }
}

impl Checked {
    /// The list's filters as a query string ("?month=…", the month always there).
    fn query(&self) -> String {
        query(&[
            ("month", self.month.first_day().format("%Y-%m").to_string()),
            ("state", self.state.to_owned()),
            (
                "org",
                self.org
                    .map(|k| format!("{}-{}", k.county, k.id))
                    .unwrap_or_default(),
            ),
        ])
    }

    fn label(&self) -> &'static str {
        list_of(self.state).map_or("全部党员", |(_, _, label)| label)
    }
}

/// The link of a figure: the month's members of `org` (the scope without) in `state`
/// (every member with "").
pub fn href(month: Period, state: &str, org: Option<Key>) -> String {
    let q = Checked {
        month,
        list: MonthList::All,
        state: list_of(state).map_or("", |(code, _, _)| code),
        org,
    }
    .query();
    format!("/dues/members{q}")
}

/// A member's month in words and the class that colours it, on the sheet and in the lists:
/// 已交, 少交, 未交, or without a standard 未定标准 (已交（未定标准） where something was paid).
pub fn state_text(r: &SheetRow) -> &'static str {
    state_of(r).0
}

/// [`state_text`] with its class (`ok`, `warn`, `bad`).
pub fn state_of(r: &SheetRow) -> (&'static str, &'static str) {
    match r.state() {
        Some(MonthState::Paid) => ("已交", "ok"),
        Some(MonthState::Short) => ("少交", "warn"),
        Some(MonthState::Unpaid) => ("未交", "bad"),
        None if r.paid > Fen::ZERO => ("已交（未定标准）", "warn"),
        None => ("未定标准", "warn"),
    }
}

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
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    rows: Vec<Row>,
}

/// The list's organization's name (with `org`) and its members, through the user's scope.
pub async fn read(
    state: &Arc<AppState>,
    auth: &Auth,
    c: &Checked,
) -> Result<(Option<String>, Vec<SheetRow>), WebError> {
    let scope = auth.scope.clone();
    let (month, org, list) = (c.month, c.org, c.list);
    state
        .pool
        .run(move |store| {
            let name = match org {
                Some(key) => Some(
                    store
                        .party_org(&scope, key)?
                        .ok_or_else(WebError::not_found)?
                        .name,
                ),
                None => None,
            };
            Ok((name, store.dues_month_list(&scope, month, org, list)?))
        })
        .await
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<DuesMembersQuery>,
) -> Result<Html<String>, WebError> {
    let c = q.check()?;
    let page = usize::try_from(params::page(&q.page)?).unwrap_or(1);
    let (org_name, rows) = read(&state, &auth, &c).await?;
    let pages = rows.len().div_ceil(PAGE_SIZE).max(1);
    let base = c.query();
    let link = |p: usize| format!("/dues/members{base}&page={p}");
    let month = c.month.first_day().format("%Y-%m").to_string();
    let shown = rows
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
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
    let layout = Layout::new(&state, &auth, "党费名单", "dues").await?;
    render(&Page {
        layout,
        title: format!(
            "{}{}党费：{}",
            org_name.map(|n| format!("{n} · ")).unwrap_or_default(),
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
        total: rows.len() as u64,
        total_text: count(rows.len() as u64, "人"),
        files: base.clone(),
        page,
        pages,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
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
    let (org_name, rows) = read(&state, &auth, &c).await?;
    let e = Export {
        file_stem: "dues-members",
        sheet: "党费名单",
        title: format!(
            "{}{}党费：{}（导出于{}）",
            org_name.map(|n| format!("{n} · ")).unwrap_or_default(),
            c.month.label_zh(),
            c.label(),
            crate::today().format("%Y年%m月%d日")
        ),
        headers: vec!["党组织", "姓名", "应交", "已登记", "状态"],
    };
    // Read whole (one line a member of the month), written as one page.
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                r.party_org_name.clone(),
                r.name.clone(),
                r.due.map_or_else(|| "未定".to_owned(), |d| d.to_string()),
                r.paid.to_string(),
                state_text(r).to_owned(),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

crate::export::file_handlers!(DuesMembersQuery);
