//! Lists exported as their pages show them: the same filters, the same columns.
//!
//! - CSV that Excel opens as it is (UTF-8 with a byte-order mark, CRLF line ends, a cell
//!   that looks like a formula neutralized), streamed to the client a page of rows at a
//!   time while the rows are read: the server holds one page, whatever the list's size.
//! - .xlsx written in constant memory: rows go to a temporary file as they are written
//!   and the workbook is zipped at the end; only the compressed file is held.
//!
//! A list gives its rows page by page through a closure that runs on the blocking pool
//! with a store, so the scope's query is the page's own.

pub use liangxin_docs::xlsx::Cell;
use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use liangxin_store::Store;
use tokio::sync::mpsc;

use crate::AppState;
use crate::error::WebError;

/// Rows read per page while exporting: the store's largest page.
pub const PAGE_ROWS: usize = liangxin_store::MAX_PAGE as usize;
/// Excel's limit is 1,048,576 rows a sheet, the title and header included.
pub const XLSX_MAX_ROWS: usize = 1_048_574;

/// The two forms a list exports to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// `?format=csv|xlsx`; absent means the page itself.
    pub fn parse(raw: Option<&str>) -> Result<Option<Format>, WebError> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some("csv") => Ok(Some(Format::Csv)),
            Some("xlsx") => Ok(Some(Format::Xlsx)),
            Some(_) => Err(WebError::bad_field("导出格式", "应为 csv 或 xlsx")),
        }
    }
}

/// The `GET /….csv` and `GET /….xlsx` handlers of a list page, calling the page's own
/// `export(state, auth, query, format)` with its query string.
macro_rules! file_handlers {
    ($query:ty) => {
        /// The list as CSV, with the page's query.
        pub async fn csv(
            axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
            axum::Extension(auth): axum::Extension<crate::auth::Auth>,
            axum::extract::Query(q): axum::extract::Query<$query>,
        ) -> Result<axum::response::Response, crate::error::WebError> {
            export(state, auth, q, crate::export::Format::Csv).await
        }

        /// The list as an Excel workbook, with the page's query.
        pub async fn xlsx(
            axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::AppState>>,
            axum::Extension(auth): axum::Extension<crate::auth::Auth>,
            axum::extract::Query(q): axum::extract::Query<$query>,
        ) -> Result<axum::response::Response, crate::error::WebError> {
            export(state, auth, q, crate::export::Format::Xlsx).await
        }
    };
}
pub(crate) use file_handlers;

/// What a list export is.
#[derive(Debug, Clone)]
pub struct Export {
    /// The file's name without extension (ASCII; the title is in the workbook).
    pub file_stem: &'static str,
    pub sheet: &'static str,
    /// The first row of the workbook: what and as of when.
    pub title: String,
    pub headers: Vec<&'static str>,
}

/// A CSV cell: quoted when it must be, and never read by Excel as a formula.
pub fn csv_cell(v: &str) -> String {
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_owned()
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

fn csv_line(cells: &[Cell]) -> String {
    let mut line = cells
        .iter()
        .map(|c| match c {
            Cell::Text(t) => csv_cell(t),
            // A number is never taken for a formula, even a negative one.
            typed => typed.plain(),
        })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// Reads the list page by page (`page(store, offset)` returns the rows from `offset` on, up
/// to [`PAGE_ROWS`]; an empty page ends the list) and answers with the file.
pub async fn respond<F>(
    state: &Arc<AppState>,
    export: Export,
    format: Format,
    page: F,
) -> Result<Response, WebError>
where
    F: FnMut(&mut Store, usize) -> Result<Vec<Vec<Cell>>, WebError> + Send + 'static,
{
    match format {
        Format::Csv => Ok(csv(state, export, page)),
        Format::Xlsx => xlsx(state, export, page).await,
    }
}

/// [`respond`] for a list read whole before it is written (a report's rows): one page.
pub async fn respond_whole(
    state: &Arc<AppState>,
    export: Export,
    format: Format,
    rows: Vec<Vec<Cell>>,
) -> Result<Response, WebError> {
    let mut rows = Some(rows);
    respond(state, export, format, move |_, _| {
        Ok(rows.take().unwrap_or_default())
    })
    .await
}

fn attachment(
    export: &Export,
    ext: &str,
    content_type: &'static str,
) -> [(header::HeaderName, String); 2] {
    [
        (header::CONTENT_TYPE, content_type.to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}.{ext}\"", export.file_stem),
        ),
    ]
}

fn csv<F>(state: &Arc<AppState>, export: Export, mut page: F) -> Response
where
    F: FnMut(&mut Store, usize) -> Result<Vec<Vec<Cell>>, WebError> + Send + 'static,
{
    let (tx, rx) = mpsc::channel::<Bytes>(4);
    let headers: Vec<Cell> = export.headers.iter().map(|h| Cell::from(*h)).collect();
    let first = format!("\u{feff}{}", csv_line(&headers));
    let pool_state = state.clone();
    tokio::spawn(crate::pool::with_read_terms(async move {
        let ran = pool_state
            .pool
            .read(move |store| {
                if tx.blocking_send(Bytes::from(first)).is_err() {
                    return Ok(());
                }
                let mut offset = 0;
                loop {
                    let rows = page(store, offset)?;
                    let mut chunk = String::new();
                    for r in &rows {
                        chunk.push_str(&csv_line(r));
                    }
                    // The client went away: stop reading.
                    if rows.is_empty() || tx.blocking_send(Bytes::from(chunk)).is_err() {
                        return Ok(());
                    }
                    offset += rows.len();
                }
            })
            .await;
        if let Err(e) = ran {
            // Headers are gone by now: the file ends short, and the log says why.
            tracing::error!(error = %e.message, "CSV export stopped");
        }
    }));
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|b| (Ok::<_, Infallible>(b), rx))
    });
    (
        attachment(&export, "csv", "text/csv; charset=utf-8"),
        Body::from_stream(stream),
    )
        .into_response()
}

async fn xlsx<F>(state: &Arc<AppState>, export: Export, mut page: F) -> Result<Response, WebError>
where
    F: FnMut(&mut Store, usize) -> Result<Vec<Vec<Cell>>, WebError> + Send + 'static,
{
    let e = export.clone();
    let bytes = state
        .pool
        .read(move |store| {
            let widths: Vec<f64> = e.headers.iter().map(|h| column_width(h)).collect();
            let mut book =
                liangxin_docs::xlsx::StreamedTable::new(e.sheet, &e.title, &e.headers, &widths)
                    .map_err(WebError::internal)?;
            let mut offset = 0;
            loop {
                let rows = page(store, offset)?;
                if offset + rows.len() > XLSX_MAX_ROWS {
                    return Err(WebError::bad_field(
                        "导出",
                        "超过 Excel 单表上限（1,048,576 行），请筛选后再导出，或导出 CSV",
                    ));
                }
                if rows.is_empty() {
                    break;
                }
                for r in &rows {
                    book.push(r).map_err(WebError::internal)?;
                }
                offset += rows.len();
            }
            book.finish().map_err(WebError::internal)
        })
        .await?;
    Ok((
        attachment(
            &export,
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        bytes,
    )
        .into_response())
}

/// A row of text cells (a list whose every column is words or codes).
pub fn text_row(cells: Vec<String>) -> Vec<Cell> {
    cells.into_iter().map(Cell::Text).collect()
}

/// A day as a typed cell.
pub fn day(d: chrono::NaiveDate) -> Cell {
    use chrono::Datelike;
    match (
        u16::try_from(d.year()),
        u8::try_from(d.month()),
        u8::try_from(d.day()),
    ) {
        (Ok(year), Ok(month), Ok(day)) => Cell::Date { year, month, day },
        _ => Cell::Text(d.to_string()),
    }
}

/// A count as a typed cell.
pub fn int(n: impl Into<i64>) -> Cell {
    Cell::Int(n.into())
}

/// How wide a column of the workbook is, in characters, by what it holds: the names of
/// party organizations and units run to twenty Chinese characters and more (two widths
/// each), a resident ID to eighteen, a day to ten.
fn column_width(header: &str) -> f64 {
    let holds = |words: &[&str]| words.iter().any(|w| header.contains(w));
    if holds(&[
        "党组织",
        "单位",
        "名称",
        "流入地",
        "说明",
        "原因",
        "依据",
        "缺项",
    ]) {
        36.0
    } else if holds(&["身份号码", "身份证", "信用代码"]) {
        22.0
    } else if holds(&["时间", "日期", "开具", "有效至", "外出", "返回"]) {
        12.0
    } else {
        (header.chars().count() as f64 * 2.5).max(10.0)
    }
}
