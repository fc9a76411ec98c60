//! `GET /party-orgs/{county}/{id}/statistics[?as_of=2026-12-31]`: the 党内统计 tables the
//! records answer — 党员数量变化情况, 党员基本情况, 入党时间, 预备党员转正, 基层党组织数量和换届情况 — for the
//! organization's subtree on a day, a row for the whole, its own and each organization
//! under it; every nonzero cell links to the records it counts
//! (`GET …/statistics/cell?table=&column=&as_of=[&own=1]`; unnamed, the register). `GET …/statistics.xlsx` is the
//! paper form: title, 填报单位, 统计截止日期, merged header, numbers, notes.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use liangxin_docs::form::{Column, Form, statistical_forms};
use liangxin_domain::registry::Key;
use liangxin_domain::statistics::Table;
use liangxin_store::statistics::{StatRow, StatTable};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::evaluation_tables::header_rows;
use crate::view::{Crumb, Layout, Pager, render};

#[derive(Debug, Deserialize)]
pub struct StatisticsQuery {
    pub as_of: Option<String>,
    pub page: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CellQuery {
    pub table: Option<String>,
    pub column: Option<String>,
    pub as_of: Option<String>,
    pub own: Option<String>,
    pub page: Option<String>,
}

/// Organizations below a page shows; the file has all.
const ROWS_PER_PAGE: usize = 50;
/// Records a cell's page lists.
const RECORDS_PER_PAGE: usize = 100;

fn day(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn columns(table: Table) -> Vec<Column<'static>> {
    table
        .columns()
        .iter()
        .map(|c| Column {
            group: c.group,
            label: c.label,
        })
        .collect()
}

fn row_name(r: &StatRow) -> String {
    match &r.party_org {
        None => "合计".to_owned(),
        Some((_, name)) if r.own => format!("{name}（本级）"),
        Some((_, name)) => name.clone(),
    }
}

/// A cell as the page shows it: the count and, when nonzero, where its records are.
struct Cell {
    n: i64,
    href: Option<String>,
}

struct HtmlTable {
    title: &'static str,
    unit: &'static str,
    top: Vec<(String, usize, usize)>,
    below: Vec<String>,
    labels: Vec<String>,
    rows: Vec<(String, Option<String>, Vec<Cell>)>,
    notes: &'static [&'static str],
}

fn html_table(t: &StatTable, key: Key, pager: &Pager) -> HtmlTable {
    let as_of = t.as_of;
    let cols = columns(t.table);
    let (top, below) = header_rows(&cols);
    let (head, rest) = t.rows.split_at(t.rows.len().min(2));
    let rows = head
        .iter()
        .chain(pager.rows(rest))
        .map(|r| {
            // 合计 and 本级 are this organization's; a row below is that organization's whole.
            let (of, own) = match &r.party_org {
                Some((k, _)) if !r.own => (*k, false),
                _ => (key, r.own),
            };
            let link = (!r.own && r.party_org.is_some()).then(|| {
                format!(
                    "/party-orgs/{}/{}/statistics?as_of={as_of}",
                    of.county, of.id
                )
            });
            let cells = r
                .counts
                .iter()
                .zip(t.table.columns())
                .map(|(n, c)| Cell {
                    n: *n,
                    href: (*n > 0).then(|| {
                        format!(
                            "/party-orgs/{}/{}/statistics/cell?table={}&column={}&as_of={as_of}{}",
                            of.county,
                            of.id,
                            t.table.code(),
                            c.code,
                            if own { "&own=1" } else { "" }
                        )
                    }),
                })
                .collect();
            (row_name(r), link, cells)
        })
        .collect();
    HtmlTable {
        title: t.table.title(),
        unit: t.table.unit(),
        top,
        below,
        labels: cols
            .iter()
            .map(|c| match c.group {
                Some(g) => format!("{g}：{}", c.label),
                None => c.label.to_owned(),
            })
            .collect(),
        rows,
        notes: t.table.notes(),
    }
}

#[derive(Template)]
#[template(path = "statistics.html")]
struct StatisticsPage {
    layout: Layout,
    name: String,
    as_of: String,
    as_of_text: String,
    action: String,
    xlsx_href: String,
    tables: Vec<HtmlTable>,
    pager: Pager,
}

async fn tables(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    as_of: NaiveDate,
) -> Result<Arc<Vec<StatTable>>, WebError> {
    crate::report::statistics(state, &auth.scope, key, as_of).await
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let as_of = crate::params::as_of_day(&q.as_of)?;
    let all = tables(&state, &auth, key, as_of).await?;
    let layout = Layout::new(&state, &auth, "党内统计", "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("党内统计")])
        .await?;
    let below = all.first().map_or(0, |t| t.rows.len().saturating_sub(2));
    let pager = Pager::new(
        &format!("/party-orgs/{county}/{id}/statistics"),
        vec![("as_of", as_of.to_string())],
        crate::params::page(&q.page)?,
        below,
        ROWS_PER_PAGE,
    );
    let page = StatisticsPage {
        layout,
        name: all
            .first()
            .map(|t| t.party_org.1.clone())
            .unwrap_or_default(),
        as_of: as_of.to_string(),
        as_of_text: day(as_of),
        action: format!("/party-orgs/{county}/{id}/statistics"),
        xlsx_href: format!("/party-orgs/{county}/{id}/statistics.xlsx?as_of={as_of}"),
        tables: all.iter().map(|t| html_table(t, key, &pager)).collect(),
        pager,
    };
    Ok(render(&page)?.into_response())
}

/// The workbook of the tables, a sheet each, as the paper forms lay them out.
pub fn workbook(all: &[&StatTable]) -> Result<Vec<u8>, WebError> {
    let Some(first) = all.first() else {
        return Err(WebError::internal("统计表：没有表"));
    };
    let as_of_text = day(first.as_of);
    let parts: Vec<_> = all
        .iter()
        .map(|t| {
            let rows: Vec<(String, Vec<i64>)> = t
                .rows
                .iter()
                .map(|r| (row_name(r), r.counts.clone()))
                .collect();
            let mut notes = vec![format!(
                "注：由两新党建工作信息平台于{as_of_text}按记录计算，未经手工填报。"
            )];
            notes.extend(t.table.notes().iter().map(|n| (*n).to_owned()));
            (t, columns(t.table), rows, notes)
        })
        .collect();
    let forms: Vec<Form> = parts
        .iter()
        .map(|(t, cols, rows, notes)| Form {
            sheet: t.table.title(),
            title: t.table.title(),
            reporting_unit: &t.party_org.1,
            as_of: &as_of_text,
            unit: t.table.unit(),
            first: "党组织",
            columns: cols,
            rows,
            notes,
        })
        .collect();
    statistical_forms(&forms).map_err(|e| WebError::internal(format!("统计表：{e}")))
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<StatisticsQuery>,
) -> Result<Response, WebError> {
    let as_of = crate::params::as_of_day(&q.as_of)?;
    let all = tables(&state, &auth, Key { county, id }, as_of).await?;
    let refs: Vec<&StatTable> = all.iter().collect();
    let bytes = workbook(&refs)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"statistics-{as_of}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "statistics_cell.html")]
struct CellPage {
    layout: Layout,
    heading: String,
    back: String,
    members: bool,
    total: usize,
    rows: Vec<(String, String, String)>,
    pager: Pager,
}

pub async fn cell(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<CellQuery>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    // Unnamed: the register on the day (党员基本情况's 党员总数).
    let table = match q.table.as_deref().map(str::trim) {
        None | Some("") => Table::MemberBasics,
        Some(t) => Table::from_code(t)
            .ok_or_else(|| WebError::bad_field("统计表", "不是可查看的统计表"))?,
    };
    let code = match q.column.as_deref().map(str::trim) {
        None | Some("") => table.columns()[0].code.to_owned(),
        Some(c) => c.to_owned(),
    };
    let column = table
        .column(&code)
        .ok_or_else(|| WebError::bad_field("统计项", "不是该表的一栏"))?;
    let own = q.own.as_deref() == Some("1");
    let as_of = crate::params::as_of_day(&q.as_of)?;
    let scope = auth.scope.clone();
    let (records, name) = state
        .pool
        .run(move |store| {
            let records = store.statistics_cell(&scope, key, (table, column, own), as_of)?;
            let name = store
                .party_org(&scope, key)?
                .map(|p| p.name)
                .unwrap_or_default();
            Ok((records, name))
        })
        .await?;
    let c = table.columns()[column];
    let label = match c.group {
        Some(g) => format!("{g}·{}", c.label),
        None => c.label.to_owned(),
    };
    let layout = Layout::new(&state, &auth, "统计数据明细", "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("统计数据明细")])
        .await?;
    let mut fields = vec![
        ("table", table.code().to_owned()),
        ("column", code),
        ("as_of", as_of.to_string()),
    ];
    if own {
        fields.push(("own", "1".to_owned()));
    }
    let pager = Pager::new(
        &format!("/party-orgs/{county}/{id}/statistics/cell"),
        fields,
        crate::params::page(&q.page)?,
        records.len(),
        RECORDS_PER_PAGE,
    );
    let members = table.counts_members();
    let rows = pager
        .rows(&records)
        .iter()
        .map(|r| {
            let href = if members {
                format!("/members/{}/{}", r.key.county, r.key.id)
            } else {
                format!("/party-orgs/{}/{}", r.key.county, r.key.id)
            };
            (href, r.name.clone(), r.detail.clone())
        })
        .collect();
    let page = CellPage {
        layout,
        heading: format!(
            "{name}{}：{}·{label}（截至{}）",
            if own { "（本级）" } else { "" },
            table.title(),
            day(as_of)
        ),
        back: format!("/party-orgs/{county}/{id}/statistics?as_of={as_of}"),
        members,
        total: records.len(),
        rows,
        pager,
    };
    Ok(render(&page)?.into_response())
}
