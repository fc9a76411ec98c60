//! How far a sheet reaches, read from the file's own bytes before a library allocates
//! for it.
//!
//! The spreadsheet library lays a sheet out as one block of cells from its first filled
//! cell to its last, and presizes tables from counts the file declares: two cells at A1 and
//! XFD1048576, or a shared-strings table that claims a billion entries, would make it
//! allocate hundreds of gigabytes and abort the process. So every cell reference is read
//! here first, in a stream (an XML element or a BIFF record at a time), and a sheet is
//! refused when it reaches past what a real register needs, when its laid-out block is far
//! larger than what it holds, or when a count it declares is far from what it has. What
//! passes costs the library memory in proportion to the cells the file really holds.

use std::io::{BufRead, Read};

use quick_xml::events::{BytesStart, Event};

use crate::sheet::SheetError;

/// Rows a sheet may reach (Excel's own limit is 1,048,576).
pub const MAX_ROWS: u32 = 1_100_000;
/// Columns a sheet may reach: a register has a few dozen.
pub const MAX_COLUMNS: u32 = 200;
/// Cells a sheet's laid-out block may hold: a million rows of 40 columns.
pub const MAX_AREA: u64 = 40_000_000;
/// A block may be this many times the cells it really holds (empty cells between them)…
pub const SPARSENESS: u64 = 8;
/// …and a block this small is always fine.
pub const FREE_AREA: u64 = 2_000_000;

/// Excel's name of a column: 0 → A, 26 → AA.
pub(crate) fn column_name(mut c: u32) -> String {
    let mut name = Vec::new();
    loop {
        name.push(char::from(b'A' + u8::try_from(c % 26).unwrap_or(0)));
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    name.iter().rev().collect()
}

/// A cell's place as Excel names it: (0, 0) → A1.
pub(crate) fn place(row: u32, col: u32) -> String {
    format!("{}{}", column_name(col), u64::from(row) + 1)
}

/// The filled cells of one sheet seen so far: their bounding block and how many.
#[derive(Debug)]
pub(crate) struct Extent {
    sheet: String,
    top: u32,
    left: u32,
    bottom: u32,
    right: u32,
    cells: u64,
}

impl Extent {
    pub(crate) fn new(sheet: impl Into<String>) -> Extent {
        Extent {
            sheet: sheet.into(),
            top: u32::MAX,
            left: u32::MAX,
            bottom: 0,
            right: 0,
            cells: 0,
        }
    }

    /// A block of filled cells (one cell, or one repeated over rows and columns) written
    /// once in the file: `weight` is what the file spends on it (1 for an element or a
    /// record), so a repeat counts as cells laid out but not as cells held.
    pub(crate) fn add(
        &mut self,
        (row, col): (u64, u64),
        (rows, cols): (u64, u64),
        weight: u64,
    ) -> Result<(), SheetError> {
        let (last_row, last_col) = (
            row.saturating_add(rows.max(1) - 1),
            col.saturating_add(cols.max(1) - 1),
        );
        if last_row >= u64::from(MAX_ROWS) {
            return Err(SheetError::TooFar {
                sheet: self.sheet.clone(),
                cell: format!("第{}行", last_row.saturating_add(1)),
                limit: format!("{MAX_ROWS}行"),
            });
        }
        if last_col >= u64::from(MAX_COLUMNS) {
            return Err(SheetError::TooFar {
                sheet: self.sheet.clone(),
                cell: format!("第{}列", last_col.saturating_add(1)),
                limit: format!("{MAX_COLUMNS}列"),
            });
        }
        // Both fit in u32 now.
        let small = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        self.top = self.top.min(small(row));
        self.left = self.left.min(small(col));
        self.bottom = self.bottom.max(small(last_row));
        self.right = self.right.max(small(last_col));
        self.cells = self.cells.saturating_add(weight);
        Ok(())
    }

    /// The block the library would lay out, checked against what the sheet holds.
    pub(crate) fn check(&self) -> Result<(), SheetError> {
        if self.cells == 0 {
            return Ok(());
        }
        let area = (u64::from(self.bottom - self.top) + 1)
            .saturating_mul(u64::from(self.right - self.left) + 1);
        let allowed = self
            .cells
            .saturating_mul(SPARSENESS)
            .clamp(FREE_AREA, MAX_AREA);
        if area > allowed {
            return Err(SheetError::Sparse {
                sheet: self.sheet.clone(),
                range: format!(
                    "{}:{}",
                    place(self.top, self.left),
                    place(self.bottom, self.right)
                ),
                area,
                cells: self.cells,
            });
        }
        Ok(())
    }
}

fn xml_error(e: impl std::fmt::Display) -> SheetError {
    SheetError::Corrupt {
        format: "Excel 工作簿（.xlsx）",
        detail: e.to_string(),
    }
}

/// An attribute's value as a number, if it has one.
fn number_attr(e: &BytesStart<'_>, key: &str) -> Option<u64> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.value.trim().parse().ok())
}

fn attr_local(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| a.value.into_owned())
}

/// A cell reference such as `B12`, zero-based; `None` when it is not one.
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 || letters == r.len() {
        return None;
    }
    let mut col = 0u64;
    for b in &r[..letters] {
        col = col * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1);
    }
    let row: u64 = std::str::from_utf8(&r[letters..]).ok()?.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// What a zip member of a workbook is, by its root element, whatever its path (a
/// workbook's relationships may put a sheet anywhere). A member that is not XML (an
/// image) is left to the budget; a sheet, the shared strings or an .ods body is scanned.
pub(crate) fn scan_part(part: &str, xml: impl BufRead) -> Result<(), SheetError> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    // As lenient as the library, so that nothing it reads is skipped here.
    reader.config_mut().check_end_names = false;
    let mut buf = Vec::new();
    loop {
        let Ok(event) = reader.read_event_into(&mut buf) else {
            return Ok(());
        };
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => {
                let root = e.local_name().as_ref().to_owned();
                let unique = number_attr(&e, "uniqueCount");
                buf.clear();
                return match root.as_str() {
                    "worksheet" => {
                        let name = part.rsplit('/').next().unwrap_or(part);
                        scan_xlsx_sheet(name.trim_end_matches(".xml"), &mut reader)
                    }
                    "sst" => scan_shared_strings(unique.unwrap_or(0), &mut reader),
                    "document-content" => scan_ods_content(&mut reader),
                    _ => Ok(()),
                };
            }
            _ => {}
        }
        buf.clear();
    }
}

/// A worksheet of an .xlsx: every cell holding a value (`<v>`), inline text (`<is>`) or a
/// formula (`<f>`), placed as Excel places them.
fn scan_xlsx_sheet<R: BufRead>(
    name: &str,
    reader: &mut quick_xml::Reader<R>,
) -> Result<(), SheetError> {
    let mut extent = Extent::new(name);
    let mut buf = Vec::new();
    // Zero-based; a row or cell without `r` follows the one before it.
    let (mut row, mut col): (Option<u64>, Option<u64>) = (None, None);
    let mut in_cell: Option<(u64, u64)> = None;
    let mut filled = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(xml_error)?;
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    let r = match number_attr(e, "r") {
                        Some(r) => r.checked_sub(1).ok_or_else(|| xml_error("行号为0"))?,
                        None => row.map_or(0, |r| r + 1),
                    };
                    row = Some(r);
                    col = None;
                }
                "c" => {
                    let at = match attr_local(e, "r") {
                        Some(r) => cell_ref(r.as_bytes())
                            .ok_or_else(|| xml_error("无法识别的单元格位置"))?,
                        None => (row.unwrap_or(0), col.map_or(0, |c| c + 1)),
                    };
                    col = Some(at.1);
                    if row.is_none() {
                        row = Some(at.0);
                    }
                    if matches!(event, Event::Start(_)) {
                        in_cell = Some(at);
                        filled = false;
                    }
                }
                "v" | "is" | "f" if in_cell.is_some() => filled = true,
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "c" => {
                if let Some(at) = in_cell.take()
                    && filled
                {
                    extent.add(at, (1, 1), 1)?;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    extent.check()
}

/// The shared-strings part of an .xlsx: the library reserves room for as many strings as
/// `uniqueCount` claims, so the claim must be near the strings really there.
fn scan_shared_strings<R: BufRead>(
    claimed: u64,
    reader: &mut quick_xml::Reader<R>,
) -> Result<(), SheetError> {
    let mut buf = Vec::new();
    let mut found = 0u64;
    loop {
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "si" => found += 1,
            _ => {}
        }
        buf.clear();
    }
    if claimed > found.saturating_mul(2).max(found + 10_000) {
        return Err(SheetError::Miscounted {
            what: "共享字符串表",
            claimed,
            found,
        });
    }
    Ok(())
}

/// The `content.xml` of an .ods: every table, its rows and cells with their
/// `number-rows-repeated` and `number-columns-repeated`. A cell with a value type, a
/// formula or content is counted as filled (more than the library would, never less).
fn scan_ods_content<R: BufRead>(reader: &mut quick_xml::Reader<R>) -> Result<(), SheetError> {
    let mut buf = Vec::new();
    let mut extent: Option<Extent> = None;
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    // The cell being read: its column, its repeat, and whether it holds anything.
    let mut cell: Option<(u64, u64, bool)> = None;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| SheetError::Corrupt {
                format: "OpenDocument 表格（.ods）",
                detail: e.to_string(),
            })?;
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => {
                    if let Some(done) = extent.take() {
                        done.check()?;
                    }
                    let name = e
                        .try_get_attribute("table:name")
                        .ok()
                        .flatten()
                        .map(|a| a.value.into_owned())
                        .unwrap_or_default();
                    extent = Some(Extent::new(name));
                    row = 0;
                }
                "table:table-row" => {
                    col = 0;
                    row_repeat = number_attr(e, "table:number-rows-repeated").unwrap_or(1);
                    if matches!(event, Event::Empty(_)) {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let cols = number_attr(e, "table:number-columns-repeated").unwrap_or(1);
                    let valued = e
                        .attributes()
                        .flatten()
                        .any(|a| matches!(a.key.as_ref(), "office:value-type" | "table:formula"));
                    if matches!(event, Event::Start(_)) {
                        cell = Some((col, cols, valued));
                    } else if valued && let Some(x) = extent.as_mut() {
                        x.add((row, col), (row_repeat, cols), 1)?;
                    }
                    col = col.saturating_add(cols.max(1));
                }
                // Content inside a cell (a paragraph) fills it, value type or not.
                _ => {
                    if let Some((c, n, _)) = cell {
                        cell = Some((c, n, true));
                    }
                }
            },
            Event::Text(t) if cell.is_some() && !t.as_ref().trim().is_empty() => {
                if let Some((c, n, _)) = cell {
                    cell = Some((c, n, true));
                }
            }
            Event::End(e)
                if matches!(
                    e.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                if let Some((c, n, true)) = cell.take()
                    && let Some(x) = extent.as_mut()
                {
                    x.add((row, c), (row_repeat, n), 1)?;
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-row" => row = row.saturating_add(row_repeat),
                "table:table" => {
                    if let Some(done) = extent.take() {
                        done.check()?;
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    if let Some(done) = extent.take() {
        done.check()?;
    }
    Ok(())
}

/// The workbook stream of an .xls (BIFF8, BIFF5): every cell record's row and column, and
/// each sheet's DIMENSIONS record, whose block the library reserves before reading cells.
pub(crate) fn scan_biff(mut stream: impl Read) -> Result<(), SheetError> {
    let corrupt = |detail: &str| SheetError::Corrupt {
        format: "Excel 97-2003 工作簿（.xls）",
        detail: detail.to_owned(),
    };
    let mut sheet = 0u32;
    let mut extent = Extent::new("工作簿");
    let mut dimensions: Option<(u64, u64)> = None;
    let mut header = [0u8; 4];
    let mut data = Vec::with_capacity(8224);
    let finish = |extent: &Extent, dimensions: Option<(u64, u64)>| -> Result<(), SheetError> {
        extent.check()?;
        if let Some((rows, cols)) = dimensions {
            let mut claimed = Extent::new(extent.sheet.clone());
            claimed.add((0, 0), (rows, cols.min(256)), 0)?;
            claimed.cells = extent.cells.max(1);
            claimed.check()?;
        }
        Ok(())
    };
    loop {
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(_) => return Err(corrupt("无法读取工作簿数据流")),
        }
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        data.clear();
        data.resize(len, 0);
        if stream.read_exact(&mut data).is_err() {
            // A truncated last record: the library says what is wrong with it.
            break;
        }
        let u16_at = |i: usize| -> u64 {
            data.get(i..i + 2)
                .map_or(0, |b| u64::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let u32_at = |i: usize| -> u64 {
            data.get(i..i + 4).map_or(0, |b| {
                u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            })
        };
        match typ {
            // BOF: a new substream (the globals, then each sheet).
            0x0809 => {
                finish(&extent, dimensions.take())?;
                // The first substream is the workbook's globals; then the sheets in order.
                extent = Extent::new(format!("第{sheet}个"));
                sheet += 1;
            }
            // DIMENSIONS: first row, last row + 1, first column, last column + 1.
            0x0200 => {
                let (first_row, last_row, last_col) = match len {
                    10 => (u16_at(0), u16_at(2), u16_at(6)),
                    14 | 16 => (u32_at(0), u32_at(4), u16_at(10)),
                    _ => (0, 0, 0),
                };
                // The library subtracts the first row from the last.
                if last_row >= 1 && last_row - 1 < first_row {
                    return Err(corrupt("工作表尺寸记录的末行在首行之前"));
                }
                dimensions = Some((last_row, last_col));
            }
            // NUMBER, LABEL, RSTRING, BOOLERR, FORMULA, RK, LABELSST: row, column.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x0006 | 0x027E | 0x00FD => {
                extent.add((u16_at(0), u16_at(2)), (1, 1), 1)?;
            }
            // MULRK: row, first column, …, last column at the end.
            0x00BD if len >= 6 => {
                let (first, last) = (u16_at(2), u16_at(len - 2));
                extent.add((u16_at(0), first), (1, last.saturating_sub(first) + 1), 1)?;
            }
            _ => {}
        }
    }
    finish(&extent, dimensions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_like_excel() {
        assert_eq!(cell_ref(b"A1"), Some((0, 0)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"AA10"), Some((9, 26)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"ABCD1"), None);
        assert_eq!(cell_ref(b"12"), None);
        assert_eq!(place(0, 0), "A1");
        assert_eq!(place(9, 26), "AA10");
    }

    #[test]
    fn a_dense_block_passes_and_a_sparse_one_does_not() {
        let mut x = Extent::new("s");
        for r in 0..10 {
            for c in 0..5 {
                x.add((r, c), (1, 1), 1).unwrap();
            }
        }
        x.check().unwrap();
        x.add((1_000_000, 199), (1, 1), 1).unwrap();
        assert!(matches!(x.check(), Err(SheetError::Sparse { .. })));
        assert!(matches!(
            x.add((0, 16_383), (1, 1), 1),
            Err(SheetError::TooFar { .. })
        ));
    }
}
