//! Spreadsheets people upload, read into rows of text cells.
//!
//! - Excel workbooks, .xlsx and the old .xls, and OpenDocument .ods (WPS and LibreOffice
//!   save it): the first visible worksheet with data is read
//!   (hidden sheets are skipped and said so); cached formula values are taken, merged cells
//!   are split with their value in every cell, dates become 2017-08-08, and a long number
//!   Excel has already rounded (an 18-digit ID typed as a number) is reported. A workbook
//!   that unpacks to far more than its size (a zip bomb) is refused before it is parsed, and
//!   so is one whose cells reach past a register's rows and columns or lie far apart
//!   (see `extent`): a hostile file costs memory in proportion to what it holds.
//! - CSV in UTF-8 (with or without its byte-order mark) or in GBK/GB18030 (what Excel
//!   writes on a Chinese Windows), any line ending, quoted cells with commas and line
//!   breaks, ragged rows.
//!
//! A CSV file's rows are parsed as they are asked for ([`open`]): a million-row file is
//! never held as cells all at once. [`read`] takes them all.
//!
//! Empty rows are dropped (trailing ones are common). The header is the first row with two
//! or more cells filled: a title row above it ("××党委党员名册") is skipped and said so.
//! Anything that is not a spreadsheet, or is larger than the limit, or is damaged, is refused
//! with a reason in Chinese.

use std::borrow::Cow;

use thiserror::Error;

use crate::workbook;

/// Files above this are refused before they are read (a city's member sheet is ~30 MB).
pub const MAX_BYTES: usize = 200 * 1024 * 1024;

/// A data row: its number as the spreadsheet shows it (1 = the first line of the file or
/// sheet) and its cells.
pub type Row = (usize, Vec<String>);

/// A spreadsheet read whole: the header row and the data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub header_row: usize,
    pub rows: Vec<Row>,
    /// What the file was, as people call it: `CSV（UTF-8）`, `Excel 工作簿（.xlsx）` …
    pub format: &'static str,
    /// What reading it did that the person should know, in Chinese: the sheet read and
    /// those skipped, title rows, merged cells split, formulas without a value.
    pub notes: Vec<String>,
}

/// A spreadsheet opened: its header, and its data rows read as they are asked for. A CSV
/// file is parsed a row at a time, so its rows are never all held at once; a workbook's
/// sheet has been read whole by its library.
pub struct SheetRows<'a> {
    pub header: Vec<String>,
    pub header_row: usize,
    pub format: &'static str,
    pub notes: Vec<String>,
    /// How many data rows the file holds (empty rows not counted): what a progress bar
    /// measures against.
    pub total: usize,
    rows: Box<dyn Iterator<Item = Result<Row, SheetError>> + Send + 'a>,
}

impl std::fmt::Debug for SheetRows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SheetRows")
            .field("header", &self.header)
            .field("header_row", &self.header_row)
            .field("format", &self.format)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Iterator for SheetRows<'_> {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SheetError {
    #[error("文件为空")]
    Empty,
    #[error("文件过大：{size} 字节，上限 {max} 字节")]
    TooLarge { size: usize, max: usize },
    #[error("不是表格文件：看起来是{0}；请上传 Excel 工作簿（.xlsx、.xls）、.ods 或 CSV 文件")]
    NotSpreadsheet(&'static str),
    #[error(
        "文件已损坏或不完整，无法作为{format}打开（{detail}）；请在 Excel 或 WPS 中打开后另存再上传"
    )]
    Corrupt {
        format: &'static str,
        detail: String,
    },
    #[error("文件已设置打开密码，请取消密码后再上传")]
    Encrypted,
    #[error("工作簿解压后超过 {limit} 字节（文件本身 {size} 字节），疑似压缩炸弹，已拒绝")]
    Unpacks { size: usize, limit: u64 },
    #[error(
        "工作表「{sheet}」的内容到了{cell}，超过上限 {limit}；请删除远处的单元格（在 Excel 中按 Ctrl+End 可找到最后一格）后另存再上传"
    )]
    TooFar {
        sheet: String,
        cell: String,
        limit: String,
    },
    #[error(
        "工作表「{sheet}」的数据区域 {range} 共 {area} 格，而有内容的只有 {cells} 格；请删除远处的单元格（在 Excel 中按 Ctrl+End 可找到最后一格）后另存再上传"
    )]
    Sparse {
        sheet: String,
        range: String,
        area: u64,
        cells: u64,
    },
    #[error(
        "工作簿展开后约有 {cells} 个单元格、{bytes} 字节文字，超过上限（4000万个单元格、512 MB 文字）；请删去不需要的工作表、远处的单元格或大段重复的文字后再上传"
    )]
    TooMuch { cells: u64, bytes: u64 },
    #[error(
        "文件已损坏或被改动：{what}声明有 {claimed} 条，实际只有 {found} 条；请在 Excel 或 WPS 中打开后另存再上传"
    )]
    Miscounted {
        what: &'static str,
        claimed: u64,
        found: u64,
    },
    #[error("工作簿里没有可读取的工作表（都是空的或隐藏的）")]
    NoWorksheet,
    #[error("没有表头：文件中没有非空的行")]
    NoHeader,
    #[error("第{row}行无法解析：{reason}")]
    Malformed { row: usize, reason: String },
}

/// Reads an uploaded file whole, whatever it is: see [`open`].
pub fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    let mut opened = open(bytes)?;
    let rows = opened.by_ref().collect::<Result<Vec<Row>, SheetError>>()?;
    Ok(Sheet {
        header: opened.header,
        header_row: opened.header_row,
        rows,
        format: opened.format,
        notes: opened.notes,
    })
}

/// Opens an uploaded file, whatever it is: .xlsx, .xls, .ods or CSV, told apart by content
/// (a renamed file is read for what it is). Its header is found; its rows come as asked.
pub fn open(bytes: &[u8]) -> Result<SheetRows<'_>, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge {
            size: bytes.len(),
            max: MAX_BYTES,
        });
    }
    // A workbook is read whole by its library, which has panicked on damaged files (an
    // overflow in a record it trusted): that is a damaged file, not a failed request.
    let guarded = |read: fn(&[u8]) -> Result<SheetRows<'static>, SheetError>,
                   format: &'static str| {
        std::panic::catch_unwind(|| read(bytes)).unwrap_or_else(|_| {
            Err(SheetError::Corrupt {
                format,
                detail: "读取时发现无法解析的内容".to_owned(),
            })
        })
    };
    match bytes {
        [0x50, 0x4B, 0x03, 0x04, ..] => guarded(workbook::read_zip, "Excel 工作簿（.xlsx）"),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => guarded(workbook::read_xls, "Excel 97-2003 工作簿（.xls）"),
        _ => open_csv(bytes),
    }
}

/// How many cells of a row hold something.
fn filled(cells: &[String]) -> usize {
    cells.iter().filter(|c| !c.trim().is_empty()).count()
}

/// A sheet's rows from its first (empty rows dropped), into header and data: the header is
/// the first row with two or more cells filled, rows above it (titles) are noted; a sheet
/// of one column has its first row for header. `filled_rows` is how many rows are not empty.
pub(crate) fn open_rows<'a>(
    mut records: impl Iterator<Item = Result<Row, SheetError>> + Send + 'a,
    filled_rows: usize,
    format: &'static str,
    mut notes: Vec<String>,
) -> Result<SheetRows<'a>, SheetError> {
    // Rows with one cell filled, kept until the header is found: titles, or the rows of a
    // sheet of one column.
    let mut singles: Vec<Row> = Vec::new();
    let mut found = None;
    for record in records.by_ref() {
        let (row, cells) = record?;
        match filled(&cells) {
            0 => {}
            1 => singles.push((row, cells)),
            _ => {
                found = Some((row, cells));
                break;
            }
        }
    }
    let rest = records.filter(|r| !matches!(r, Ok((_, cells)) if filled(cells) == 0));
    let ((header_row, header), before) = match found {
        Some(header) => (header, singles),
        None if singles.is_empty() => return Err(SheetError::NoHeader),
        None => {
            let header = singles.remove(0);
            let data: Vec<Row> = std::mem::take(&mut singles);
            let total = data.len();
            return Ok(SheetRows {
                header: header.1,
                header_row: header.0,
                format,
                notes,
                total,
                rows: Box::new(data.into_iter().map(Ok).chain(rest)),
            });
        }
    };
    for (row, cells) in &before {
        let title: Vec<&str> = cells
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        notes.push(format!(
            "第{row}行「{}」看作标题，未作为数据读取",
            title.join(" ")
        ));
    }
    Ok(SheetRows {
        header,
        header_row,
        format,
        notes,
        total: filled_rows.saturating_sub(before.len() + 1),
        rows: Box::new(rest),
    })
}

/// What a file that is not a spreadsheet looks like, by its first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x25, 0x50, 0x44, 0x46, ..] => Some("PDF 文件"),
        [0x1F, 0x8B, ..] => Some("压缩文件"),
        [0x52, 0x61, 0x72, 0x21, ..] => Some("RAR 压缩文件"),
        [0xFF, 0xD8, 0xFF, ..] | [0x89, 0x50, 0x4E, 0x47, ..] => Some("图片"),
        _ if bytes.iter().take(4096).any(|b| *b == 0) => Some("二进制文件"),
        _ => None,
    }
}

/// Decodes the bytes: UTF-8 (a BOM dropped) when valid, borrowed as it is; else GB18030 (a
/// superset of GBK), decoded into a copy.
fn decode(bytes: &[u8]) -> (Cow<'_, [u8]>, &'static str) {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(_) => (Cow::Borrowed(body), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(body);
            (Cow::Owned(text.into_owned().into_bytes()), "GB18030")
        }
    }
}

fn csv_reader<R: std::io::Read>(from: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(from)
}

/// Opens a CSV file's bytes: one pass counts its rows, then they are parsed as asked.
fn open_csv(bytes: &[u8]) -> Result<SheetRows<'_>, SheetError> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(SheetError::NotSpreadsheet(kind));
    }
    let (text, encoding) = decode(bytes);
    let format = match encoding {
        "UTF-8" => "CSV（UTF-8）",
        _ => "CSV（GBK/GB18030）",
    };
    let mut filled_rows = 0;
    let mut counting = csv_reader(text.as_ref());
    let mut record = csv::ByteRecord::new();
    while let Ok(true) = counting.read_byte_record(&mut record) {
        // The text is valid UTF-8 and fields split on ASCII: each field is too.
        let any = record
            .iter()
            .any(|f| std::str::from_utf8(f).is_ok_and(|c| !c.trim().is_empty()));
        filled_rows += usize::from(any);
    }
    let records = CsvRecords {
        reader: csv_reader(std::io::Cursor::new(text)),
        record: csv::StringRecord::new(),
        next_start: 0,
        counted_to: 0,
        line: 1,
        done: false,
    };
    open_rows(records, filled_rows, format, Vec::new())
}

/// A CSV file's records with their line numbers, one at a time.
struct CsvRecords<'a> {
    reader: csv::Reader<std::io::Cursor<Cow<'a, [u8]>>>,
    record: csv::StringRecord,
    /// Where the next record starts: where the last one ended.
    next_start: usize,
    /// Line numbers come from byte offsets (a quoted cell may hold line breaks of its own),
    /// counted forward once over the text: `line` is the line at byte `counted_to`.
    counted_to: usize,
    line: usize,
    done: bool,
}

impl Iterator for CsvRecords<'_> {
    type Item = Result<Row, SheetError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let started = self.next_start;
        let read = self.reader.read_record(&mut self.record);
        self.next_start = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX);
        match read {
            Ok(false) => {
                self.done = true;
                None
            }
            Ok(true) => {
                let bytes: &[u8] = self.reader.get_ref().get_ref();
                // The reader skips blank lines before a record: the row is where its first
                // cell is.
                let blank = bytes[started.min(bytes.len())..]
                    .iter()
                    .take_while(|b| **b == b'\r' || **b == b'\n')
                    .count();
                let at = (started + blank).min(bytes.len()).max(self.counted_to);
                self.line += bytes[self.counted_to..at]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count();
                self.counted_to = at;
                Some(Ok((
                    self.line,
                    self.record.iter().map(str::to_owned).collect(),
                )))
            }
            Err(e) => {
                self.done = true;
                let row = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                Some(Err(SheetError::Malformed {
                    row,
                    reason: e.to_string(),
                }))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom_and_gbk_read_the_same() {
        let text = "姓名,身份证号\r\n张三,330825198506010071\r\n\r\n李四,\"33082519850601\n0071\"\r\n,,\r\n";
        let plain = read(text.as_bytes()).unwrap();
        assert_eq!(plain.format, "CSV（UTF-8）");
        assert_eq!(plain.header, vec!["姓名", "身份证号"]);
        assert_eq!(plain.header_row, 1);
        assert_eq!(plain.rows.len(), 2, "empty rows dropped");
        assert_eq!(
            plain.rows[0],
            (2, vec!["张三".into(), "330825198506010071".into()])
        );
        assert_eq!(plain.rows[1].0, 4, "row numbers as the file has them");
        assert_eq!(
            plain.rows[1].1[1], "33082519850601\n0071",
            "a line break in a cell"
        );
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(read(&bom).unwrap().header, plain.header);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let g = read(&gbk).unwrap();
        assert_eq!(g.format, "CSV（GBK/GB18030）");
        assert_eq!(g.rows, plain.rows);
    }

    #[test]
    fn what_is_not_a_csv_is_refused_with_a_reason() {
        assert_eq!(read(b""), Err(SheetError::Empty));
        assert_eq!(read(b"\r\n ,\r\n"), Err(SheetError::NoHeader));
        assert!(
            matches!(read(b"%PDF-1.4"), Err(SheetError::NotSpreadsheet(k)) if k.contains("PDF"))
        );
        let e = read(&[1, 2, 0, 4]).unwrap_err();
        assert!(e.to_string().contains("二进制"), "{e}");
        let ragged = read("a,b,c\n1\n1,2,3,4\n".as_bytes()).unwrap();
        assert_eq!(ragged.rows[0].1.len(), 1);
        assert_eq!(ragged.rows[1].1.len(), 4);
    }

    #[test]
    fn an_opened_csv_counts_its_rows_and_gives_them_one_by_one() {
        let text = "名册\n\n姓名,身份证号\n张三,1\n\n李四,\"2\n3\"\n,\n\u{3000},\n";
        let opened = open(text.as_bytes()).unwrap();
        assert_eq!((opened.header_row, opened.total), (3, 2));
        let rows: Vec<Row> = opened.map(Result::unwrap).collect();
        assert_eq!(
            rows,
            vec![
                (4, vec!["张三".into(), "1".into()]),
                (6, vec!["李四".into(), "2\n3".into()])
            ]
        );
        assert_eq!(rows, read(text.as_bytes()).unwrap().rows);
        let one = open("姓名\n张三\n李四\n".as_bytes()).unwrap();
        assert_eq!(
            (one.header.clone(), one.total),
            (vec!["姓名".to_owned()], 2)
        );
        assert_eq!(one.count(), 2);
    }

    #[test]
    fn a_title_row_above_the_header_is_skipped_and_said() {
        let s = read("龙游县党员名册,,\n,,\n姓名,身份证号\n张三,1\n".as_bytes()).unwrap();
        assert_eq!(s.header, vec!["姓名", "身份证号"]);
        assert_eq!(s.header_row, 3);
        assert_eq!(s.rows, vec![(4, vec!["张三".into(), "1".into()])]);
        assert_eq!(
            s.notes,
            vec!["第1行「龙游县党员名册」看作标题，未作为数据读取"]
        );
    }
}
