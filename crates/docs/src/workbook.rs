//! Excel workbooks read into rows of text (see [`crate::sheet`] for what callers get).
//!
//! A .xlsx is a zip of XML. Before the parser sees it, every member is inflated into a
//! counting sink under a budget proportional to the file's size: the sizes a zip declares
//! can lie, so the bytes are counted, not believed. The parse then holds one sheet.

use std::io::{Cursor, Read};

use calamine::{
    Data, Dimensions, Ods, Range, Reader, SheetType, SheetVisible, Xls, XlsError, Xlsx,
};

use crate::extent::{self, column_name};
use crate::sheet::{Row, SheetError, SheetRows, open_rows};

const XLSX: &str = "Excel 工作簿（.xlsx）";
const XLS: &str = "Excel 97-2003 工作簿（.xls）";
const ODS: &str = "OpenDocument 表格（.ods）";

/// What kind of zip a file is, by its entries.
enum Packed {
    Xlsx,
    Ods,
}

/// A workbook may unpack to this many times its size (real ones unpack to 5–15 times)…
pub const MAX_RATIO: u64 = 100;
/// …and never to more than this, with a floor so that a small file is never refused.
pub const MAX_UNPACKED: u64 = 2 * 1024 * 1024 * 1024;
const MIN_BUDGET: u64 = 16 * 1024 * 1024;

/// Examples of a note kind shown before "等N处".
const EXAMPLES: usize = 3;

fn corrupt(format: &'static str, detail: impl ToString) -> SheetError {
    SheetError::Corrupt {
        format,
        detail: detail.to_string(),
    }
}

/// Refuses a zip that is not a workbook, is damaged, or unpacks past the budget.
fn check_zip(bytes: &[u8]) -> Result<Packed, SheetError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(XLSX, e))?;
    let packed = if zip.index_for_name("xl/workbook.xml").is_some() {
        Packed::Xlsx
    } else if zip.index_for_name("content.xml").is_some() && is_ods_mimetype(&mut zip) {
        Packed::Ods
    } else {
        return Err(SheetError::NotSpreadsheet(
            "压缩包或 Word/PowerPoint 文档（里面没有 Excel 工作表）",
        ));
    };
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let limit = size
        .saturating_mul(MAX_RATIO)
        .clamp(MIN_BUDGET, MAX_UNPACKED);
    let mut total = 0u64;
    let mut tally = extent::Tally::default();
    for i in 0..zip.len() {
        let file = zip.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(m) if m.contains("ncrypt") => {
                SheetError::Encrypted
            }
            e => corrupt(XLSX, e),
        })?;
        let name = file.name().map(|n| n.into_owned()).unwrap_or_default();
        let left = limit - total;
        let mut counted = Counted {
            inner: file.take(left + 1),
            n: 0,
        };
        // Every member is read as the library would read it, a buffer at a time: its
        // cells are placed before anything is laid out for them.
        let scanned = extent::scan_part(&name, std::io::BufReader::new(&mut counted), &mut tally);
        let rest = std::io::copy(&mut counted, &mut std::io::sink());
        total += counted.n;
        if total > limit {
            return Err(SheetError::Unpacks {
                size: bytes.len(),
                limit,
            });
        }
        rest.map_err(|e| corrupt(XLSX, e))?;
        scanned?;
    }
    tally.finish()?;
    Ok(packed)
}

/// A reader that counts the bytes through it.
struct Counted<R> {
    inner: R,
    n: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n += n as u64;
        Ok(n)
    }
}

/// An OpenDocument package names its kind in a first entry called `mimetype`.
fn is_ods_mimetype(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> bool {
    let Ok(file) = zip.by_name("mimetype") else {
        return false;
    };
    let mut kind = String::new();
    file.take(100).read_to_string(&mut kind).is_ok()
        && kind.trim() == "application/vnd.oasis.opendocument.spreadsheet"
}

/// A zip: an Excel workbook (.xlsx) or an OpenDocument spreadsheet (.ods), as its entries say.
pub(crate) fn read_zip(bytes: &[u8]) -> Result<SheetRows<'static>, SheetError> {
    match check_zip(bytes)? {
        Packed::Xlsx => read_xlsx(bytes),
        Packed::Ods => read_ods(bytes),
    }
}

fn read_ods(bytes: &[u8]) -> Result<SheetRows<'static>, SheetError> {
    let mut book = Ods::new(Cursor::new(bytes)).map_err(|e| corrupt(ODS, e))?;
    let (name, range, notes) = first_sheet(&mut book, ODS)?;
    let formulas = book.worksheet_formula(&name).unwrap_or_default();
    let merged = ods_merged(bytes, &name);
    grid(&range, &merged, &formulas, ODS, notes)
}

/// The merged regions of an .ods sheet, which calamine does not give: a cell's
/// `table:number-rows-spanned` and `table:number-columns-spanned`, placed by counting the
/// rows and cells before it (with their `…-repeated` counts) in `content.xml`. The file has
/// passed [`check_zip`], so its unpacked size is within the budget. Anything unreadable
/// gives no regions: the cells then read as written, as before.
fn ods_merged(bytes: &[u8], sheet: &str) -> Vec<Dimensions> {
    use quick_xml::events::{BytesStart, Event};
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    let mut xml = Vec::new();
    match zip.by_name("content.xml") {
        Ok(mut f) => {
            if f.read_to_end(&mut xml).is_err() {
                return Vec::new();
            }
        }
        Err(_) => return Vec::new(),
    }
    let number = |e: &BytesStart, key: &str| -> u32 {
        e.try_get_attribute(key)
            .ok()
            .flatten()
            .and_then(|a| a.value.parse().ok())
            .unwrap_or(1)
    };
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let (mut in_sheet, mut row, mut col, mut row_repeat) = (false, 0u32, 0u32, 1u32);
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => break,
            Ok(e) => e,
        };
        let (e, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) => {
                match e.name().as_ref() {
                    "table:table-row" if in_sheet => row = row.saturating_add(row_repeat),
                    "table:table" if in_sheet => break,
                    _ => {}
                }
                buf.clear();
                continue;
            }
            _ => {
                buf.clear();
                continue;
            }
        };
        match e.name().as_ref() {
            "table:table" => {
                in_sheet = e
                    .try_get_attribute("table:name")
                    .ok()
                    .flatten()
                    .and_then(|a| {
                        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .ok()
                            .map(|v| v == sheet)
                    })
                    .unwrap_or(false);
                row = 0;
            }
            "table:table-row" if in_sheet => {
                col = 0;
                row_repeat = number(e, "table:number-rows-repeated");
                if empty {
                    row = row.saturating_add(row_repeat);
                }
            }
            name @ ("table:table-cell" | "table:covered-table-cell") if in_sheet => {
                let (rows, cols) = (
                    number(e, "table:number-rows-spanned"),
                    number(e, "table:number-columns-spanned"),
                );
                // A span of 0 is no span; one past u32 is no sheet of ours.
                let end = row
                    .checked_add(rows.saturating_sub(1))
                    .zip(col.checked_add(cols.saturating_sub(1)));
                if name == "table:table-cell"
                    && rows > 0
                    && cols > 0
                    && (rows > 1 || cols > 1)
                    && let Some(end) = end
                {
                    out.push(Dimensions::new((row, col), end));
                }
                col = col.saturating_add(number(e, "table:number-columns-repeated"));
            }
            _ => {}
        }
        buf.clear();
    }
    out
}

fn read_xlsx(bytes: &[u8]) -> Result<SheetRows<'static>, SheetError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| corrupt(XLSX, e))?;
    let (name, range, notes) = first_sheet(&mut book, XLSX)?;
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let formulas = book.worksheet_formula(&name).unwrap_or_default();
    grid(&range, &merged, &formulas, XLSX, notes)
}

pub(crate) fn read_xls(bytes: &[u8]) -> Result<SheetRows<'static>, SheetError> {
    check_xls(bytes)?;
    let mut book = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsError::Password => SheetError::Encrypted,
        e => corrupt(XLS, e),
    })?;
    let (name, range, notes) = first_sheet(&mut book, XLS)?;
    let merged = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    let formulas = book.worksheet_formula(&name).unwrap_or_default();
    grid(&range, &merged, &formulas, XLS, notes)
}

/// Refuses an .xls whose cells or declared dimensions reach past what a register needs,
/// reading its workbook stream a record at a time before the library lays anything out.
fn check_xls(bytes: &[u8]) -> Result<(), SheetError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| corrupt(XLS, e))?;
    let stream = ["/Workbook", "/Book"]
        .into_iter()
        .find(|p| file.is_stream(p))
        .ok_or(SheetError::NotSpreadsheet(
            "Word 或 PowerPoint 97-2003 文档（里面没有 Excel 工作表）",
        ))?;
    let stream = file.open_stream(stream).map_err(|e| corrupt(XLS, e))?;
    extent::scan_biff(std::io::BufReader::new(stream))
}

/// The first visible worksheet with data, and notes on the sheets not read.
fn first_sheet<RS, R>(
    book: &mut R,
    format: &'static str,
) -> Result<(String, Range<Data>, Vec<String>), SheetError>
where
    RS: Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let sheets: Vec<calamine::Sheet> = book.sheets_metadata().to_vec();
    let mut notes = Vec::new();
    let mut chosen: Option<(String, Range<Data>)> = None;
    for s in sheets {
        if s.typ != SheetType::WorkSheet {
            continue;
        }
        if s.visible != SheetVisible::Visible {
            notes.push(format!("已跳过隐藏的工作表「{}」", s.name));
            continue;
        }
        if chosen.is_some() {
            notes.push(format!("只读取第一个有数据的工作表，未读取「{}」", s.name));
            continue;
        }
        let range = book
            .worksheet_range(&s.name)
            .map_err(|e| corrupt(format, e))?;
        if range.used_cells().next().is_none() {
            notes.push(format!("工作表「{}」是空的，已跳过", s.name));
            continue;
        }
        chosen = Some((s.name, range));
    }
    let (name, range) = chosen.ok_or(SheetError::NoWorksheet)?;
    notes.insert(0, format!("读取工作表「{name}」"));
    Ok((name, range, notes))
}

/// A cell as the person saw it in Excel. Returns the text and whether Excel had already
/// rounded it (a number of 16 or more digits keeps only 15).
fn text(cell: &Data) -> (String, bool) {
    match cell {
        Data::Empty => (String::new(), false),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        Data::Int(i) => (i.to_string(), false),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (format!("{f:.0}"), false),
        // A number of 16 or more digits has lost its last ones: it is given as Excel shows
        // it (3.30825E+17), never as digits that look whole, so an ID or a code read from
        // it is refused by row instead of imported wrong.
        Data::Float(f) if f.fract() == 0.0 => (excel_general(*f), true),
        Data::Float(f) => (f.to_string(), false),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }.to_owned(), false),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, h, min, s, _) = d.to_ymd_hms_milli();
            if (h, min, s) == (0, 0, 0) {
                (format!("{y:04}-{m:02}-{day:02}"), false)
            } else {
                (
                    format!("{y:04}-{m:02}-{day:02} {h:02}:{min:02}:{s:02}"),
                    false,
                )
            }
        }
        Data::DateTime(d) => (d.as_f64().to_string(), false),
        Data::Error(e) => (e.to_string(), false),
    }
}

/// A large number as Excel's General format shows it: six significant digits, `E+`.
fn excel_general(f: f64) -> String {
    let s = format!("{f:.5E}");
    match s.split_once('E') {
        Some((m, e)) if !e.starts_with('-') => format!("{m}E+{e}"),
        _ => s,
    }
}

/// Notes of one kind: a count and the first few places.
fn note(what: &str, places: &[String], tail: &str) -> Option<String> {
    match places.len() {
        0 => None,
        n if n <= EXAMPLES => Some(format!("{what}{}{tail}", places.join("、"))),
        n => Some(format!(
            "{what}{}等{n}处{tail}",
            places[..EXAMPLES].join("、")
        )),
    }
}

/// The sheet's cells as text rows with their Excel row numbers, merged regions split,
/// and what the person should know.
fn grid(
    range: &Range<Data>,
    merged: &[Dimensions],
    formulas: &Range<String>,
    format: &'static str,
    mut notes: Vec<String>,
) -> Result<SheetRows<'static>, SheetError> {
    let Some((r0, c0)) = range.start() else {
        return Err(SheetError::NoHeader);
    };
    let place = |r: u32, c: u32| format!("{}{}", column_name(c), r + 1);
    let mut rounded = Vec::new();
    let mut rows: Vec<Row> = Vec::with_capacity(range.height());
    for (i, cells) in range.rows().enumerate() {
        let r = r0 + u32::try_from(i).unwrap_or(u32::MAX);
        let mut out = Vec::with_capacity(cells.len());
        for (j, cell) in cells.iter().enumerate() {
            let (t, lost) = text(cell);
            if lost {
                rounded.push(place(r, c0 + u32::try_from(j).unwrap_or(0)));
            }
            out.push(t);
        }
        rows.push((usize::try_from(r).unwrap_or(usize::MAX) + 1, out));
    }
    // A merged region holds its value in its first cell: give it to every cell.
    let mut split = Vec::new();
    // A region is spread only over the cells the sheet has (a file may claim more).
    let (last_row, last_col) = range.end().unwrap_or((r0, c0));
    for d in merged {
        let (top, left) = d.start;
        let (bottom, right) = (d.end.0.min(last_row), d.end.1.min(last_col));
        let at = |rows: &[Row], r: u32, c: u32| -> Option<(usize, usize)> {
            let i = usize::try_from(r.checked_sub(r0)?).ok()?;
            let j = usize::try_from(c.checked_sub(c0)?).ok()?;
            (i < rows.len() && j < rows[i].1.len()).then_some((i, j))
        };
        let Some((ti, tj)) = at(&rows, top, left) else {
            continue;
        };
        let value = rows[ti].1[tj].clone();
        if value.is_empty() || bottom == top {
            // A title merged across columns stays one cell; nothing to spread.
            continue;
        }
        for r in top..=bottom {
            for c in left..=right {
                if let Some((i, j)) = at(&rows, r, c) {
                    rows[i].1[j].clone_from(&value);
                }
            }
        }
        split.push(format!("{}:{}", place(top, left), place(bottom, right)));
    }
    // Formulas whose value the file does not hold (written by a program, never opened in
    // Excel or WPS): read as empty, and said.
    let mut unvalued = Vec::new();
    if let Some((f0, g0)) = formulas.start() {
        for (i, row) in formulas.rows().enumerate() {
            for (j, f) in row.iter().enumerate() {
                if f.is_empty() {
                    continue;
                }
                let (r, c) = (
                    f0 + u32::try_from(i).unwrap_or(0),
                    g0 + u32::try_from(j).unwrap_or(0),
                );
                if matches!(range.get_value((r, c)), None | Some(Data::Empty)) {
                    unvalued.push(place(r, c));
                }
            }
        }
    }
    notes.extend(note("合并单元格已拆开，每格填入合并的值：", &split, ""));
    notes.extend(note(
        "公式没有计算结果，按空白读取：",
        &unvalued,
        "（请在 Excel 或 WPS 中打开并保存后再上传）",
    ));
    notes.extend(note(
        "超过15位的数字已被 Excel 截去末位：",
        &rounded,
        "（身份证号等长号码请先把该列设为“文本”格式再录入）",
    ));
    let filled = rows
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .count();
    open_rows(rows.into_iter().map(Ok), filled, format, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_run_like_excel() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(text(&Data::Float(20170808.0)), ("20170808".into(), false));
        assert_eq!(text(&Data::Float(5000.5)), ("5000.5".into(), false));
        let (shown, lost) = text(&Data::Float(330825198506010071.0));
        assert!(lost, "{shown}");
        assert_eq!(
            shown, "3.30825E+17",
            "as Excel shows it, not digits that look whole"
        );
    }
}
