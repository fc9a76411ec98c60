//! `GET /party-orgs/{county}/{id}/evaluation-tables[?year=2026&as_of=2026-12-04]`: two
//! tables of the annual 党内统计 for the organization's subtree, computed from the records —
//! 第八表 民主评议党员情况 and 整顿软弱涣散基层党组织情况 — a row for the whole, the
//! organization's own and each organization directly under it (each links to its own
//! tables). `GET …/evaluation-tables.xlsx` is the same as the paper form: title, 填报单位,
//! 统计截止日期, merged header, numbers.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_docs::form::{Column, Form, statistical_forms};
use liangxin_domain::registry::Key;
use liangxin_domain::weak::WeakCriterion;
use liangxin_store::evaluation_tables::{EvaluationTables, TableRow};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, render};

#[derive(Debug, Deserialize)]
pub struct TablesQuery {
    pub year: Option<i32>,
    pub as_of: Option<String>,
    pub page: Option<String>,
}

/// Organizations below a page shows (a county committee has hundreds); the file has all.
const ROWS_PER_PAGE: usize = 50;

const APPRAISAL_TITLE: &str = "民主评议党员情况";
const RECTIFICATION_TITLE: &str = "整顿软弱涣散基层党组织情况";

fn appraisal_columns() -> Vec<Column<'static>> {
    let lone = |label| Column { group: None, label };
    let under = |group, label| Column {
        group: Some(group),
        label,
    };
    vec![
        lone("党支部数"),
        lone("开展民主评议的党支部"),
        under("参加评议党员", "领取凭证"),
        under("参加评议党员", "投票"),
        under("组织评定", "评定人数"),
        under("组织评定", "优秀"),
        under("组织评定", "合格"),
        under("组织评定", "基本合格"),
        under("组织评定", "不合格"),
        under("不合格党员处置", "上年结转"),
        under("不合格党员处置", "本年立案"),
        under("不合格党员处置", "已改正"),
        under("不合格党员处置", "劝退"),
        under("不合格党员处置", "除名"),
        under("不合格党员处置", "处置中"),
    ]
}

fn appraisal_cells(r: &TableRow) -> Vec<i64> {
    let a = &r.appraisal;
    let mut v = vec![a.branches, a.rounds_closed, a.took_part, a.voted, a.graded];
    v.extend(a.grades);
    v.extend([
        a.cases_carried,
        a.cases_opened,
        a.corrected,
        a.persuaded_out,
        a.removed,
        a.cases_open,
    ]);
    v
}

fn rectification_columns() -> Vec<Column<'static>> {
    let under = |group, label| Column {
        group: Some(group),
        label,
    };
    let mut v = vec![
        under("认定的软弱涣散党组织", "合计"),
        under("认定的软弱涣散党组织", "按规则认定"),
        under("认定的软弱涣散党组织", "上级提名认定"),
    ];
    v.extend(
        WeakCriterion::ALL
            .iter()
            .map(|c| under("按规则认定的情形（可多项）", c.label())),
    );
    v.extend([
        under("整顿情况", "已验收销号"),
        under("整顿情况", "正在整顿"),
        under("整顿情况", "其中逾期"),
    ]);
    v
}

fn rectification_cells(r: &TableRow) -> Vec<i64> {
    let x = &r.rectification;
    let mut v = vec![x.found, x.by_rules, x.by_nomination];
    v.extend(x.by_criterion);
    v.extend([x.accepted, x.in_progress, x.overdue]);
    v
}

fn row_name(r: &TableRow) -> String {
    match &r.party_org {
        None => "合计".to_owned(),
        Some((_, name)) if r.own => format!("{name}（本级）"),
        Some((_, name)) => name.clone(),
    }
}

/// The header's two rows as the page draws them: (label, colspan, rowspan) per cell.
pub(crate) fn header_rows(columns: &[Column]) -> (Vec<(String, usize, usize)>, Vec<String>) {
    let mut top = Vec::new();
    let mut below = Vec::new();
    let mut i = 0;
    while i < columns.len() {
        match columns[i].group {
            None => {
                top.push((columns[i].label.to_owned(), 1, 2));
                i += 1;
            }
            Some(g) => {
                let run = columns[i..]
                    .iter()
                    .take_while(|c| c.group == Some(g))
                    .count();
                top.push((g.to_owned(), run, 1));
                below.extend(columns[i..i + run].iter().map(|c| c.label.to_owned()));
                i += run;
            }
        }
    }
    (top, below)
}

struct HtmlTable {
    title: &'static str,
    top: Vec<(String, usize, usize)>,
    below: Vec<String>,
    labels: Vec<String>,
    rows: Vec<(String, Option<String>, Vec<i64>)>,
}

fn html_table(
    title: &'static str,
    columns: &[Column],
    t: &EvaluationTables,
    cells: fn(&TableRow) -> Vec<i64>,
    href: &dyn Fn(Key) -> String,
    pager: &crate::view::Pager,
) -> HtmlTable {
    // 合计 and 本级 on every page; the organizations below, a page of them.
    let (head, below) = t.rows.split_at(t.rows.len().min(2));
    let shown = head.iter().chain(pager.rows(below));
    let (top, below) = header_rows(columns);
    HtmlTable {
        title,
        top,
        below,
        labels: columns
            .iter()
            .map(|c| match c.group {
                Some(g) => format!("{g}：{}", c.label),
                None => c.label.to_owned(),
            })
            .collect(),
        rows: shown
            .map(|r| {
                let link = match &r.party_org {
                    Some((k, _)) if !r.own => Some(href(*k)),
                    _ => None,
                };
                (row_name(r), link, cells(r))
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "evaluation_tables.html")]
struct TablesPage {
    layout: Layout,
    name: String,
    year: i32,
    years: Vec<i32>,
    as_of: String,
    as_of_text: String,
    action: String,
    xlsx_href: String,
    tables: Vec<HtmlTable>,
    pager: crate::view::Pager,
}

/// The year and day asked for (default: this year, today), checked.
fn span(q: &TablesQuery) -> Result<(i32, NaiveDate), WebError> {
    let today = crate::today();
    let year = q.year.unwrap_or(today.year());
    if !(today.year() - 10..=today.year()).contains(&year) {
        return Err(WebError::bad_field("年度", "只能统计近十年"));
    }
    let as_of = match q.as_of.as_deref().map(str::trim) {
        None | Some("") => today,
        Some(s) => crate::params::form_date(s, today)
            .map_err(|m| WebError::bad_field("统计截止日期", m))?
            .unwrap_or(today),
    };
    if as_of.year() < year {
        return Err(WebError::bad_field("统计截止日期", "不能早于所统计的年度"));
    }
    Ok((year, as_of))
}

async fn tables(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    year: i32,
    as_of: NaiveDate,
) -> Result<Arc<EvaluationTables>, WebError> {
    crate::report::evaluation_tables(state, &auth.scope, key, year, as_of).await
}

fn day(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<TablesQuery>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let (year, as_of) = span(&q)?;
    let t = tables(&state, &auth, key, year, as_of).await?;
    let layout = Layout::new(&state, &auth, "评议统计表", "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("评议统计表")])
        .await?;
    let this = crate::today().year();
    let pager = crate::view::Pager::new(
        &format!("/party-orgs/{county}/{id}/evaluation-tables"),
        vec![("year", year.to_string()), ("as_of", as_of.to_string())],
        crate::params::page(&q.page)?,
        t.rows.len().saturating_sub(2),
        ROWS_PER_PAGE,
    );
    let href = |k: Key| {
        format!(
            "/party-orgs/{}/{}/evaluation-tables?year={year}&as_of={as_of}",
            k.county, k.id
        )
    };
    let page = TablesPage {
        layout,
        name: t.party_org.1.clone(),
        year,
        years: (this - 2..=this).rev().collect(),
        as_of: as_of.to_string(),
        as_of_text: day(as_of),
        action: format!("/party-orgs/{county}/{id}/evaluation-tables"),
        xlsx_href: format!(
            "/party-orgs/{county}/{id}/evaluation-tables.xlsx?year={year}&as_of={as_of}"
        ),
        tables: vec![
            html_table(
                APPRAISAL_TITLE,
                &appraisal_columns(),
                &t,
                appraisal_cells,
                &href,
                &pager,
            ),
            html_table(
                RECTIFICATION_TITLE,
                &rectification_columns(),
                &t,
                rectification_cells,
                &href,
                &pager,
            ),
        ],
        pager,
    };
    Ok(render(&page)?.into_response())
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<TablesQuery>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let (year, as_of) = span(&q)?;
    let t = tables(&state, &auth, key, year, as_of).await?;
    let rows = |cells: fn(&TableRow) -> Vec<i64>| -> Vec<(String, Vec<i64>)> {
        t.rows.iter().map(|r| (row_name(r), cells(r))).collect()
    };
    let (a_rows, r_rows) = (rows(appraisal_cells), rows(rectification_cells));
    let (a_cols, r_cols) = (appraisal_columns(), rectification_columns());
    let as_of_text = day(as_of);
    let a_title = format!("{year}年度{APPRAISAL_TITLE}");
    let r_title = format!("{year}年度{RECTIFICATION_TITLE}");
    let notes = vec![
        format!("注：由两新党建工作信息平台于{as_of_text}按记录计算，未经手工填报。"),
        "民主评议以唱票结束日期计入；组织评定为支委会记录的等次，预备党员不评定等次。".to_owned(),
        "不合格党员处置按党员所在党组织计入；上年结转为年初仍在处置的。".to_owned(),
    ];
    let r_notes = vec![
        format!("注：由两新党建工作信息平台于{as_of_text}按记录计算，未经手工填报。"),
        "按规则认定的情形一个组织可有多项；逾期为超过整改期限仍未验收销号的。".to_owned(),
    ];
    let bytes = statistical_forms(&[
        Form {
            sheet: "民主评议党员情况",
            title: &a_title,
            reporting_unit: &t.party_org.1,
            as_of: &as_of_text,
            unit: "单位：个、名",
            first: "党组织",
            columns: &a_cols,
            rows: &a_rows,
            notes: &notes,
        },
        Form {
            sheet: "整顿软弱涣散基层党组织情况",
            title: &r_title,
            reporting_unit: &t.party_org.1,
            as_of: &as_of_text,
            unit: "单位：个",
            first: "党组织",
            columns: &r_cols,
            rows: &r_rows,
            notes: &r_notes,
        },
    ])
    .map_err(|e| WebError::internal(format!("统计表：{e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"evaluation-tables-{year}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
