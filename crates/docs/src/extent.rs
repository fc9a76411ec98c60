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
/// Text the library would hold for the cells of the whole workbook (a shared string is
/// copied into every cell that names it, a repeated cell's text into every repeat): a
/// million rows of 40 columns of short text.
pub const MAX_TEXT: u64 = 512 * 1024 * 1024;

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

/// What the library would lay out for the whole workbook: every sheet's block and the text
/// of its cells. The library reads every sheet of an .xls and an .ods at once.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    area: u64,
    text: u64,
    /// Cells naming each shared string (.xlsx `t="s"`, .xls LABELSST), by index.
    shared_refs: std::collections::HashMap<u64, u64>,
    /// The bytes of each shared string, in order.
    shared_lengths: Vec<u64>,
}

impl Tally {
    fn text(&mut self, bytes: u64) {
        self.text = self.text.saturating_add(bytes);
    }

    /// The whole workbook against [`MAX_AREA`] and [`MAX_TEXT`].
    pub(crate) fn finish(&self) -> Result<(), SheetError> {
        let shared: u64 = self
            .shared_refs
            .iter()
            .map(|(i, n)| {
                let len = usize::try_from(*i)
                    .ok()
                    .and_then(|i| self.shared_lengths.get(i))
                    .copied()
                    .unwrap_or(0);
                len.saturating_mul(*n)
            })
            .fold(0u64, u64::saturating_add);
        let text = self.text.saturating_add(shared);
        if self.area > MAX_AREA || text > MAX_TEXT {
            return Err(SheetError::TooMuch {
                cells: self.area,
                bytes: text,
            });
        }
        Ok(())
    }
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

    /// The block the library would lay out, checked against what the sheet holds, and
    /// added to the workbook's.
    pub(crate) fn check(&self, tally: &mut Tally) -> Result<(), SheetError> {
        if self.cells == 0 {
            return Ok(());
        }
        let area = (u64::from(self.bottom - self.top) + 1)
            .saturating_mul(u64::from(self.right - self.left) + 1);
        // The cells themselves are held to MAX_AREA; their text to MAX_TEXT.
        tally.area = tally.area.saturating_add(area);
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

/// An attribute by its exact name, as the library reads it (`x:r` is not `r`).
fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
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

/// A zip member of a workbook, whatever its path or root (a workbook's relationships may
/// point anywhere, and the library reads any part it is pointed to up to its `sheetData`):
/// its cells if it has a `sheetData`, its strings if it is a shared-strings table, its
/// tables if it is an .ods body. A member that is not XML (an image) is left to the budget.
pub(crate) fn scan_part(
    part: &str,
    xml: impl BufRead,
    tally: &mut Tally,
) -> Result<(), SheetError> {
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
                let name = part.rsplit('/').next().unwrap_or(part);
                return match root.as_str() {
                    "sst" => scan_shared_strings(unique.unwrap_or(0), &mut reader, tally),
                    "document-content" => scan_ods_content(&mut reader, tally),
                    _ => scan_xlsx_sheet(name.trim_end_matches(".xml"), &mut reader, tally),
                };
            }
            _ => {}
        }
        buf.clear();
    }
}

/// A part's cells after its `sheetData`: every cell holding a value (`<v>`), inline text
/// (`<is>`) or a formula (`<f>`), placed as Excel places them, and the text each holds.
fn scan_xlsx_sheet<R: BufRead>(
    name: &str,
    reader: &mut quick_xml::Reader<R>,
    tally: &mut Tally,
) -> Result<(), SheetError> {
    let mut extent = Extent::new(name);
    let mut buf = Vec::new();
    let mut in_data = false;
    // Zero-based; a row or cell without `r` follows the one before it.
    let (mut row, mut col): (Option<u64>, Option<u64>) = (None, None);
    // The cell being read: its place, whether it names a shared string, whether it holds
    // anything, and its text so far.
    let mut cell: Option<((u64, u64), bool, bool, String)> = None;
    let mut in_text = false;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            // Not XML after all (only a sheet is the library's to read).
            Err(_) if !in_data => return Ok(()),
            Err(e) => return Err(xml_error(e)),
        };
        match &event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "sheetData" => in_data = true,
                "row" if in_data => {
                    let r = match number_attr(e, "r") {
                        Some(r) => r.checked_sub(1).ok_or_else(|| xml_error("行号为0"))?,
                        None => row.map_or(0, |r| r + 1),
                    };
                    row = Some(r);
                    col = None;
                }
                "c" if in_data => {
                    let at = match attr(e, "r") {
                        Some(r) => cell_ref(r.as_bytes())
                            .ok_or_else(|| xml_error("无法识别的单元格位置"))?,
                        None => (row.unwrap_or(0), col.map_or(0, |c| c + 1)),
                    };
                    col = Some(at.1);
                    if row.is_none() {
                        row = Some(at.0);
                    }
                    if matches!(event, Event::Start(_)) {
                        let shared = attr(e, "t").as_deref() == Some("s");
                        cell = Some((at, shared, false, String::new()));
                    }
                }
                "v" | "is" | "f" | "t" if cell.is_some() => {
                    if let Some(c) = cell.as_mut() {
                        c.2 = true;
                    }
                    in_text = matches!(event, Event::Start(_));
                }
                _ => {}
            },
            Event::Text(t) if in_text => {
                if let Some(c) = cell.as_mut() {
                    // A cell's text is short; more than this is counted, not kept.
                    if c.3.len() < 32 {
                        c.3.push_str(t.as_ref());
                    }
                    tally.text(t.as_ref().len() as u64);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "v" | "is" | "f" | "t" => in_text = false,
                "c" => {
                    if let Some((at, shared, true, text)) = cell.take() {
                        extent.add(at, (1, 1), 1)?;
                        if shared && let Ok(i) = text.trim().parse::<u64>() {
                            *tally.shared_refs.entry(i).or_default() += 1;
                        }
                    }
                }
                "sheetData" => in_data = false,
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    extent.check(tally)
}

/// The shared-strings part of an .xlsx: the library reserves room for as many strings as
/// `uniqueCount` claims, so the claim must be near the strings really there; and each
/// string's bytes, which every cell naming it will hold a copy of.
fn scan_shared_strings<R: BufRead>(
    claimed: u64,
    reader: &mut quick_xml::Reader<R>,
    tally: &mut Tally,
) -> Result<(), SheetError> {
    let mut buf = Vec::new();
    let mut current: Option<u64> = None;
    loop {
        match reader.read_event_into(&mut buf).map_err(xml_error)? {
            Event::Eof => break,
            Event::Start(e) if e.local_name().as_ref() == "si" => current = Some(0),
            Event::Empty(e) if e.local_name().as_ref() == "si" => tally.shared_lengths.push(0),
            Event::Text(t) => {
                if let Some(n) = current.as_mut() {
                    *n = n.saturating_add(t.as_ref().len() as u64);
                }
            }
            Event::End(e) if e.local_name().as_ref() == "si" => {
                tally.shared_lengths.push(current.take().unwrap_or(0));
            }
            _ => {}
        }
        buf.clear();
    }
    let found = tally.shared_lengths.len() as u64;
    if claimed > found.saturating_mul(2).max(found + 10_000) {
        return Err(SheetError::Miscounted {
            what: "共享字符串表",
            claimed,
            found,
        });
    }
    Ok(())
}

/// The attributes that give an .ods cell a value, as the library reads them.
const ODS_VALUES: [&str; 7] = [
    "office:value-type",
    "office:value",
    "office:string-value",
    "office:date-value",
    "office:time-value",
    "office:boolean-value",
    "table:formula",
];

/// The `content.xml` of an .ods: every table, its rows and cells with their
/// `number-rows-repeated` and `number-columns-repeated`, and the text a cell holds times
/// its repeats. A cell with a value attribute or content counts as filled (more than the
/// library would, never less).
fn scan_ods_content<R: BufRead>(
    reader: &mut quick_xml::Reader<R>,
    tally: &mut Tally,
) -> Result<(), SheetError> {
    let mut buf = Vec::new();
    let mut extent: Option<Extent> = None;
    let (mut row, mut col, mut row_repeat) = (0u64, 0u64, 1u64);
    // The cell being read: its column, its repeat, whether it holds anything, its bytes.
    let mut cell: Option<(u64, u64, bool, u64)> = None;
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
                        done.check(tally)?;
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
                    let mut bytes = 0u64;
                    let mut valued = false;
                    for a in e.attributes().flatten() {
                        if ODS_VALUES.contains(&a.key.as_ref()) {
                            valued = true;
                            bytes = bytes.saturating_add(a.value.len() as u64);
                        }
                    }
                    if matches!(event, Event::Start(_)) {
                        cell = Some((col, cols, valued, bytes));
                    } else if valued {
                        fill(&mut extent, tally, (row, col), (row_repeat, cols), bytes)?;
                    }
                    col = col.saturating_add(cols.max(1));
                }
                // Content inside a cell (a paragraph) fills it, value type or not.
                _ => {
                    if let Some(c) = cell.as_mut() {
                        c.2 = true;
                    }
                }
            },
            Event::Text(t) => {
                if let Some(c) = cell.as_mut()
                    && !t.as_ref().trim().is_empty()
                {
                    c.2 = true;
                    c.3 = c.3.saturating_add(t.as_ref().len() as u64);
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some((c, n, true, bytes)) = cell.take() {
                        fill(&mut extent, tally, (row, c), (row_repeat, n), bytes)?;
                    }
                }
                "table:table-row" => row = row.saturating_add(row_repeat),
                "table:table" => {
                    if let Some(done) = extent.take() {
                        done.check(tally)?;
                    }
                }
                _ => {}
            },
            _ => {}
        }
        buf.clear();
    }
    if let Some(done) = extent.take() {
        done.check(tally)?;
    }
    Ok(())
}

/// A filled .ods cell, repeated: its block in the sheet and its text in every repeat.
fn fill(
    extent: &mut Option<Extent>,
    tally: &mut Tally,
    at: (u64, u64),
    repeat: (u64, u64),
    bytes: u64,
) -> Result<(), SheetError> {
    if let Some(x) = extent.as_mut() {
        x.add(at, repeat, 1)?;
    }
    tally.text(
        bytes
            .saturating_mul(repeat.0.max(1))
            .saturating_mul(repeat.1.max(1)),
    );
    Ok(())
}

/// The workbook stream of an .xls (BIFF8, BIFF5), read as the library reads it: the
/// globals from the start (the shared strings, and where each sheet begins), then each
/// sheet from the offset its BOUNDSHEET record gives (as often as records name it), every
/// cell record's row and column, every DIMENSIONS record (whose block the library reserves
/// before reading cells), and the text each cell will hold.
pub(crate) fn scan_biff<R: Read + std::io::Seek>(mut stream: R) -> Result<(), SheetError> {
    let mut tally = Tally::default();
    let mut sheets: Vec<u64> = Vec::new();
    let mut sst: Vec<Vec<u8>> = Vec::new();
    let mut last = 0u16;
    biff_records(&mut stream, 0, |typ, data| {
        match typ {
            // BOUNDSHEET: the sheet's stream offset.
            0x0085 if data.len() >= 4 => {
                sheets.push(u64::from(u32::from_le_bytes([
                    data[0], data[1], data[2], data[3],
                ])));
            }
            0x00FC => sst.push(data.to_vec()),
            // CONTINUE of the shared strings.
            0x003C if last == 0x00FC || (last == 0x003C && !sst.is_empty()) => {
                sst.push(data.to_vec());
            }
            _ => {}
        }
        if typ != 0x003C {
            last = typ;
        }
        Ok(())
    })?;
    tally.shared_lengths = sst_lengths(&sst);
    drop(sst);
    for (n, offset) in sheets.iter().enumerate() {
        let mut extent = Extent::new(format!("第{}个", n + 1));
        biff_records(&mut stream, *offset, |typ, data| {
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
                // DIMENSIONS: first row, last row + 1, first column, last column + 1;
                // every one is reserved for.
                0x0200 => {
                    let (first_row, last_row, last_col) = match data.len() {
                        10 => (u16_at(0), u16_at(2), u16_at(6)),
                        14 | 16 => (u32_at(0), u32_at(4), u16_at(10)),
                        _ => (0, 0, 0),
                    };
                    // The library subtracts the first row from the last.
                    if last_row >= 1 && last_row - 1 < first_row {
                        return Err(biff_corrupt("工作表尺寸记录的末行在首行之前"));
                    }
                    // It comes before the cells, so only its size can be judged.
                    if last_row > u64::from(MAX_ROWS) {
                        return Err(SheetError::TooFar {
                            sheet: extent.sheet.clone(),
                            cell: format!("第{last_row}行"),
                            limit: format!("{MAX_ROWS}行"),
                        });
                    }
                    let area = last_row.saturating_mul(last_col.min(256));
                    if area > MAX_AREA {
                        return Err(SheetError::TooMuch {
                            cells: area,
                            bytes: 0,
                        });
                    }
                }
                // NUMBER, BOOLERR, FORMULA, RK: row, column, a number.
                0x0203 | 0x0205 | 0x0006 | 0x027E => {
                    extent.add((u16_at(0), u16_at(2)), (1, 1), 1)?;
                }
                // LABEL, RSTRING: row, column, the text itself.
                0x0204 | 0x00D6 => {
                    extent.add((u16_at(0), u16_at(2)), (1, 1), 1)?;
                    tally.text(data.len() as u64 * 3);
                }
                // LABELSST: row, column, format, the shared string's index.
                0x00FD => {
                    extent.add((u16_at(0), u16_at(2)), (1, 1), 1)?;
                    *tally.shared_refs.entry(u32_at(6)).or_default() += 1;
                }
                // MULRK: row, first column, …, last column at the end.
                0x00BD if data.len() >= 6 => {
                    let (first, last) = (u16_at(2), u16_at(data.len() - 2));
                    extent.add((u16_at(0), first), (1, last.saturating_sub(first) + 1), 1)?;
                }
                _ => {}
            }
            Ok(())
        })?;
        extent.check(&mut tally)?;
    }
    tally.finish()
}

fn biff_corrupt(detail: &str) -> SheetError {
    SheetError::Corrupt {
        format: "Excel 97-2003 工作簿（.xls）",
        detail: detail.to_owned(),
    }
}

/// The records of one substream from `offset`, to its EOF (nested substreams, such as a
/// chart's, included) or the end of the stream.
fn biff_records<R: Read + std::io::Seek>(
    stream: &mut R,
    offset: u64,
    mut each: impl FnMut(u16, &[u8]) -> Result<(), SheetError>,
) -> Result<(), SheetError> {
    stream
        .seek(std::io::SeekFrom::Start(offset))
        .map_err(|_| biff_corrupt("工作表位置超出文件"))?;
    let mut header = [0u8; 4];
    let mut data = Vec::with_capacity(8224);
    let mut depth = 0u32;
    loop {
        match stream.read_exact(&mut header) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(_) => return Err(biff_corrupt("无法读取工作簿数据流")),
        }
        let typ = u16::from_le_bytes([header[0], header[1]]);
        let len = usize::from(u16::from_le_bytes([header[2], header[3]]));
        data.clear();
        data.resize(len, 0);
        if stream.read_exact(&mut data).is_err() {
            // A truncated last record: the library says what is wrong with it.
            return Ok(());
        }
        match typ {
            0x0809 => depth += 1,
            0x000A => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Ok(());
                }
            }
            _ => {}
        }
        each(typ, &data)?;
    }
}

/// The bytes each shared string of an .xls will take once read (three for each character,
/// as UTF-8 may), from its SST record and the CONTINUE records after it. A string's
/// characters may run on into a CONTINUE, which then starts with a new flags byte.
fn sst_lengths(segments: &[Vec<u8>]) -> Vec<u64> {
    let mut out = Vec::new();
    let mut seg = 0usize;
    let mut pos = 8usize; // cstTotal, cstUnique
    let byte = |seg: &mut usize, pos: &mut usize| -> Option<u8> {
        while *seg < segments.len() && *pos >= segments[*seg].len() {
            *seg += 1;
            *pos = 0;
        }
        let b = *segments.get(*seg)?.get(*pos)?;
        *pos += 1;
        Some(b)
    };
    let skip = |seg: &mut usize, pos: &mut usize, mut n: u64| {
        while n > 0 && *seg < segments.len() {
            let left = (segments[*seg].len() - (*pos).min(segments[*seg].len())) as u64;
            let take = left.min(n);
            *pos += usize::try_from(take).unwrap_or(usize::MAX);
            n -= take;
            if n > 0 {
                *seg += 1;
                *pos = 0;
            }
        }
    };
    while seg < segments.len() {
        let (Some(lo), Some(hi), Some(flags)) = (
            byte(&mut seg, &mut pos),
            byte(&mut seg, &mut pos),
            byte(&mut seg, &mut pos),
        ) else {
            break;
        };
        let cch = u64::from(u16::from_le_bytes([lo, hi]));
        let mut wide = flags & 0x01 != 0;
        let mut runs = 0u64;
        let mut ext = 0u64;
        if flags & 0x08 != 0 {
            let (Some(a), Some(b)) = (byte(&mut seg, &mut pos), byte(&mut seg, &mut pos)) else {
                break;
            };
            runs = u64::from(u16::from_le_bytes([a, b]));
        }
        if flags & 0x04 != 0 {
            let mut b = [0u8; 4];
            for x in &mut b {
                match byte(&mut seg, &mut pos) {
                    Some(v) => *x = v,
                    None => break,
                }
            }
            ext = u64::from(u32::from_le_bytes(b));
        }
        // The characters, perhaps over several records.
        let mut left = cch;
        while left > 0 && seg < segments.len() {
            let width = if wide { 2 } else { 1 };
            let room = (segments[seg].len().saturating_sub(pos) / width) as u64;
            let take = room.min(left);
            pos += usize::try_from(take).unwrap_or(0) * width;
            left -= take;
            if left > 0 {
                seg += 1;
                pos = 0;
                match segments.get(seg).and_then(|s| s.first()) {
                    Some(f) => {
                        wide = f & 0x01 != 0;
                        pos = 1;
                    }
                    None => break,
                }
            }
        }
        skip(
            &mut seg,
            &mut pos,
            runs.saturating_mul(4).saturating_add(ext),
        );
        out.push(cch.saturating_mul(3));
    }
    out
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
        x.check(&mut Tally::default()).unwrap();
        x.add((1_000_000, 199), (1, 1), 1).unwrap();
        assert!(matches!(
            x.check(&mut Tally::default()),
            Err(SheetError::Sparse { .. })
        ));
        assert!(matches!(
            x.add((0, 16_383), (1, 1), 1),
            Err(SheetError::TooFar { .. })
        ));
    }
}
