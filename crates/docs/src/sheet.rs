//! Spreadsheets people upload, read into rows of text cells: CSV in UTF-8 (with or without
//! its byte-order mark) or in GBK/GB18030 (what Excel writes on a Chinese Windows), any
//! line ending, quoted cells with commas and line breaks, ragged rows. Empty rows are
//! dropped (trailing ones are common); the first non-empty row is the header. A file that
//! is not text, or larger than the limit, is refused with a reason in Chinese.

use thiserror::Error;

/// Files above this are refused before they are read (a city's member sheet is ~30 MB).
pub const MAX_BYTES: usize = 200 * 1024 * 1024;

/// A spreadsheet read: the header row and the data rows, each with its row number as the
/// spreadsheet shows it (1 = the first line of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub header: Vec<String>,
    pub header_row: usize,
    pub rows: Vec<(usize, Vec<String>)>,
    /// The text encoding found: `UTF-8` or `GB18030`.
    pub encoding: &'static str,
}

/// Why a file cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SheetError {
    #[error("文件为空")]
    Empty,
    #[error("文件过大：{size} 字节，上限 {max} 字节")]
    TooLarge { size: usize, max: usize },
    #[error("不是文本表格（CSV）：看起来是{0}，请另存为 CSV（逗号分隔）后再导入")]
    NotText(&'static str),
    #[error("没有表头：文件中没有非空的行")]
    NoHeader,
    #[error("第{row}行无法解析：{reason}")]
    Malformed { row: usize, reason: String },
}

/// What a binary file looks like, by its first bytes.
fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    match bytes {
        [0x50, 0x4B, 0x03, 0x04, ..] => Some("Excel 工作簿（.xlsx）或其他压缩文件"),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => Some("旧版 Excel 工作簿（.xls）"),
        [0x25, 0x50, 0x44, 0x46, ..] => Some("PDF 文件"),
        [0x1F, 0x8B, ..] => Some("压缩文件"),
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
pub fn read_csv(bytes: &[u8]) -> Result<Sheet, SheetError> {
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    if bytes.len() > MAX_BYTES {
        return Err(SheetError::TooLarge {
            size: bytes.len(),
            max: MAX_BYTES,
        });
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(SheetError::NotText(kind));
    }
    let (text, encoding) = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header: Option<(usize, Vec<String>)> = None;
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
                let cells: Vec<String> = record.iter().map(str::to_owned).collect();
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                if header.is_none() {
                    header = Some((row, cells));
                } else {
                    rows.push((row, cells));
                }
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
    let (header_row, header) = header.ok_or(SheetError::NoHeader)?;
    Ok(Sheet {
        header,
        header_row,
        rows,
        encoding,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_or_without_bom_and_gbk_read_the_same() {
        let text = "姓名,身份证号\r\n张三,330825198506010071\r\n\r\n李四,\"33082519850601\n0071\"\r\n,,\r\n";
        let plain = read_csv(text.as_bytes()).unwrap();
        assert_eq!(plain.encoding, "UTF-8");
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
        assert_eq!(read_csv(&bom).unwrap().header, plain.header);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let g = read_csv(&gbk).unwrap();
        assert_eq!(g.encoding, "GB18030");
        assert_eq!(g.rows, plain.rows);
    }

    #[test]
    fn what_is_not_a_csv_is_refused_with_a_reason() {
        assert_eq!(read_csv(b""), Err(SheetError::Empty));
        assert_eq!(read_csv(b"\r\n ,\r\n"), Err(SheetError::NoHeader));
        let xlsx = [0x50, 0x4B, 0x03, 0x04, 0, 0];
        assert!(matches!(read_csv(&xlsx), Err(SheetError::NotText(k)) if k.contains("xlsx")));
        let e = read_csv(&[1, 2, 0, 4]).unwrap_err();
        assert!(e.to_string().contains("二进制"), "{e}");
        let ragged = read_csv("a,b,c\n1\n1,2,3,4\n".as_bytes()).unwrap();
        assert_eq!(ragged.rows[0].1.len(), 1);
        assert_eq!(ragged.rows[1].1.len(), 4);
    }
}
