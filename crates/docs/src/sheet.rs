//! Spreadsheets people upload, read into rows of text cells.
//!
//! - Excel workbooks, .xlsx and the old .xls, and OpenDocument .ods (WPS and LibreOffice
//!   save it): the first visible worksheet with data is read
//!   (hidden sheets are skipped and said so); cached formula values are taken, merged cells
//!   are split with their value in every cell, dates become 2017-08-08, and a long number
//!   Excel has already rounded (an 18-digit ID typed as a number) is reported. A workbook
//!   that unpacks to far more than its size (a zip bomb) is refused before it is parsed.
//! - CSV in UTF-8 (with or without its byte-order mark) or in GBK/GB18030 (what Excel
//!   writes on a Chinese Windows), any line ending, quoted cells with commas and line
//!   breaks, ragged rows.
//!
//! Empty rows are dropped (trailing ones are common). The header is the first row with two
//! or more cells filled: a title row above it ("××党委党员名册") is skipped and said so.
//! Anything that is not a spreadsheet, or is larger than the limit, or is damaged, is refused
//! with a reason in Chinese.

use thiserror::Error;

use crate::workbook;

/// Files above this are refused before they are read (a city's member sheet is ~30 MB).
pub const MAX_BYTES: usize = 200 * 1024 * 1024;

/// A spreadsheet read: the header row and the data rows, each with its row number as the
/// spreadsheet shows it (1 = the first line of the file or sheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub header_row: usize,
    pub rows: Vec<(usize, Vec<String>)>,
    /// What the file was, as people call it: `CSV（UTF-8）`, `Excel 工作簿（.xlsx）` …
    pub format: &'static str,
    /// What reading it did that the person should know, in Chinese: the sheet read and
    /// those skipped, title rows, merged cells split, formulas without a value.
    pub notes: Vec<String>,
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
    #[error("工作簿里没有可读取的工作表（都是空的或隐藏的）")]
    NoWorksheet,
    #[error("没有表头：文件中没有非空的行")]
    NoHeader,
    #[error("第{row}行无法解析：{reason}")]
    Malformed { row: usize, reason: String },
}

/// Reads an uploaded file, whatever it is: .xlsx, .xls or CSV, told apart by content (a
/// renamed file is read for what it is).
pub fn read(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge {
            size: bytes.len(),
            max: MAX_BYTES,
        });
    }
    match bytes {
        [0x50, 0x4B, 0x03, 0x04, ..] => workbook::read_zip(bytes),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => workbook::read_xls(bytes),
        _ => read_csv(bytes),
    }
}

/// The rows of a sheet, empty ones dropped, into header and data. Rows above the header
/// (titles) are noted.
pub(crate) fn assemble(
    raw: Vec<(usize, Vec<String>)>,
    format: &'static str,
    mut notes: Vec<String>,
) -> Result<Sheet, SheetError> {
    let filled = |cells: &[String]| cells.iter().filter(|c| !c.trim().is_empty()).count();
    let mut rows: Vec<(usize, Vec<String>)> =
        raw.into_iter().filter(|(_, c)| filled(c) > 0).collect();
    if rows.is_empty() {
        return Err(SheetError::NoHeader);
    }
    let at = rows.iter().position(|(_, c)| filled(c) >= 2).unwrap_or(0);
    for (row, cells) in &rows[..at] {
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
    let data = rows.split_off(at + 1);
    let (header_row, header) = rows.pop().ok_or(SheetError::NoHeader)?;
    Ok(Sheet {
        header,
        header_row,
        rows: data,
        format,
        notes,
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

/// Decodes the bytes: UTF-8 (a BOM dropped) when valid, else GB18030 (a superset of GBK).
fn decode(bytes: &[u8]) -> (String, &'static str) {
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => (s.to_owned(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(body);
            (text.into_owned(), "GB18030")
        }
    }
}

/// Reads a CSV file's bytes.
fn read_csv(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if let Some(kind) = binary_kind(bytes) {
        return Err(SheetError::NotSpreadsheet(kind));
    }
    let (text, encoding) = decode(bytes);
    let format = match encoding {
        "UTF-8" => "CSV（UTF-8）",
        _ => "CSV（GBK/GB18030）",
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Line numbers from byte offsets (a quoted cell may hold line breaks of its own),
    // counted forward once over the text.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut line_at = |byte: usize| {
        let byte = byte.min(bytes.len());
        line += bytes[counted_to..byte]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        counted_to = byte;
        line
    };
    // Where the next record starts: where the last one ended.
    let mut next_start = 0usize;
    loop {
        let started = next_start;
        let read = reader.read_record(&mut record);
        next_start = usize::try_from(reader.position().byte()).unwrap_or(usize::MAX);
        match read {
            Ok(false) => break,
            Ok(true) => {
                // The reader skips blank lines before a record: the row is where its first
                // cell is.
                let blank = bytes[started.min(bytes.len())..]
                    .iter()
                    .take_while(|b| **b == b'\r' || **b == b'\n')
                    .count();
                let row = line_at(started + blank);
                rows.push((row, record.iter().map(str::to_owned).collect()));
            }
            Err(e) => {
                let row = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                return Err(SheetError::Malformed {
                    row,
                    reason: e.to_string(),
                });
            }
        }
    }
    assemble(rows, format, Vec::new())
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
