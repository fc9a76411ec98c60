//! What people type in spreadsheet cells, made into values — the ground an import stands on.
//!
//! - [`text`]: a name or free text as it was written, but for what identifiers need:
//!   full-width digits and Latin letters (０１２３, ＡＢＣ) and the ideographic space folded
//!   to ASCII, line breaks and runs of spaces made one space, the ends trimmed. Punctuation
//!   stays as typed: “（普通合伙）” is not “(普通合伙)”.
//! - [`normalize`]: a value (a date, a phone number, an amount) for parsing: as [`text`],
//!   and full-width signs (（）－／．) folded too.
//! - [`parse_date`]: the spellings people use — 2017-08-08, 2017/8/8, 2017.08.08,
//!   2017年8月8日, 20170808 — and a month alone (201708, 2017-08, 2017年8月), said to be one;
//!   an Excel serial day number ([`excel_serial_date`]) when the cell held a number.
//! - [`match_headers`]: a header row in any column order, with the common synonyms of each
//!   column, to the columns an import knows; missing required columns and columns named
//!   twice are reported by name.

use chrono::{Datelike, Days, NaiveDate};
use thiserror::Error;

/// Whether a cell is a long number as a spreadsheet writes one it has rounded:
/// `3.30825E+17`, `3.30825198506010E+17`, `3.3e17`. An 18-digit ID or code typed into a
/// number cell has already lost its last digits; no check digit can be trusted then.
pub fn is_rounded_number(cell: &str) -> bool {
    let s = cell.trim();
    let Some((mantissa, exponent)) = s.split_once(['E', 'e']) else {
        return false;
    };
    let exponent = exponent.strip_prefix('+').unwrap_or(exponent);
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    !whole.is_empty()
        && whole.chars().all(|c| c.is_ascii_digit())
        && fraction.chars().all(|c| c.is_ascii_digit())
        && !exponent.is_empty()
        && exponent.chars().all(|c| c.is_ascii_digit())
}

/// What to tell of a long number a spreadsheet rounded, in place of the value's own error.
pub const ROUNDED_NUMBER: &str = "这一格是数字而不是文本：表格软件已把长号码存成数字并截去了末几位（显示为科学计数法），\
     无法还原。请把这一列设为“文本”格式，重新输入完整的号码后再上传";

/// A name or free text as an import keeps it: see the module's note.
pub fn text(cell: &str) -> String {
    fold(cell, false)
}

/// A value as an import parses it: see the module's note.
pub fn normalize(cell: &str) -> String {
    fold(cell, true)
}

fn fold(cell: &str, signs: bool) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut space = false;
    for c in cell.chars() {
        let c = match c {
            // Full-width ASCII (！ to ～) sits 0xFEE0 above its half-width twin.
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{FF01}'..='\u{FF5E}' if signs => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            c => c,
        };
        if c.is_whitespace() || c.is_control() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.push(c);
    }
    out
}

/// A date cell: a day, or a month given without its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateCell {
    Day(NaiveDate),
    /// 201708, 2017-08, 2017年8月: the import decides whether a month will do.
    Month {
        year: i32,
        month: u32,
    },
}

impl DateCell {
    /// The day, or the first of the month.
    pub fn first_day(self) -> NaiveDate {
        match self {
            DateCell::Day(d) => d,
            DateCell::Month { year, month } => {
                NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
            }
        }
    }
}

/// A date cell that is not a date.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    #[error("不是日期（可写作 2017-08-08、2017/8/8、2017.08.08、2017年8月8日 或 20170808）")]
    Unrecognized,
    #[error("没有这一天（{0}）")]
    NoSuchDay(String),
    #[error("年份不合理（{0}）")]
    Year(i32),
}

/// Parses a date as people type it (after [`normalize`]).
pub fn parse_date(cell: &str) -> Result<DateCell, DateError> {
    let s = normalize(cell);
    let s = s.trim_end_matches('日').trim_end_matches('号');
    let digits_only = s.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = if digits_only {
        match s.len() {
            8 => vec![&s[0..4], &s[4..6], &s[6..8]],
            6 => vec![&s[0..4], &s[4..6]],
            _ => return Err(DateError::Unrecognized),
        }
    } else {
        s.split(['-', '/', '.', '年', '月', ' '])
            .filter(|p| !p.is_empty())
            .collect()
    };
    let num = |p: &str| -> Result<u32, DateError> {
        if p.is_empty() || p.len() > 4 || !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(DateError::Unrecognized);
        }
        p.parse().map_err(|_| DateError::Unrecognized)
    };
    let (year, month, day) = match parts.as_slice() {
        [y, m] => (num(y)?, num(m)?, None),
        [y, m, d] => (num(y)?, num(m)?, Some(num(d)?)),
        _ => return Err(DateError::Unrecognized),
    };
    let year = i32::try_from(year).map_err(|_| DateError::Unrecognized)?;
    if !(1900..=2200).contains(&year) {
        return Err(DateError::Year(year));
    }
    match day {
        None if (1..=12).contains(&month) => Ok(DateCell::Month { year, month }),
        None => Err(DateError::NoSuchDay(format!("{year}年{month}月"))),
        Some(day) => NaiveDate::from_ymd_opt(year, month, day)
            .map(DateCell::Day)
            .ok_or_else(|| DateError::NoSuchDay(format!("{year}年{month}月{day}日"))),
    }
}

/// The day an Excel serial number stands for (the 1900 date system, as Excel and LibreOffice
/// write .xlsx): 1 is 1900-01-01, and Excel's phantom 1900-02-29 (60) is no day. The
/// fraction (a time of day) is dropped.
pub fn excel_serial_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let whole = serial.trunc() as u64;
    let base = NaiveDate::from_ymd_opt(1899, 12, 31)?;
    match whole {
        60 => None,
        1..=59 => base.checked_add_days(Days::new(whole)),
        _ => base.checked_add_days(Days::new(whole - 1)),
    }
}

/// One column an import knows: its key, its name in the template and the other names
/// people give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub synonyms: &'static [&'static str],
    pub required: bool,
    /// How to fill it in, for the template's instructions.
    pub hint: &'static str,
    /// The template's example value.
    pub example: &'static str,
}

/// Where each known column is in a header row (its index), and the columns no one knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMap {
    /// (key, column index) in the order of the specs, for the columns present.
    pub columns: Vec<(&'static str, usize)>,
    /// Header texts no spec claims (reported as ignored).
    pub unknown: Vec<String>,
}

impl HeaderMap {
    pub fn index(&self, key: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, i)| *i)
    }
}

/// A header row an import cannot use.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum HeaderError {
    #[error("缺少必填列：{}", .0.join("、"))]
    Missing(Vec<&'static str>),
    #[error("“{label}”列出现了不止一次（第{first}列和第{second}列）")]
    Twice {
        label: &'static str,
        first: usize,
        second: usize,
    },
}

/// A header as compared: normalized, without spaces, marks of required columns (`*`) or
/// notes in brackets (`入党时间（必填）`, `手机(选填)`).
fn header_key(h: &str) -> String {
    let n = normalize(h);
    let mut out = String::with_capacity(n.len());
    let mut depth = 0u32;
    for c in n.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            '*' | ' ' | ':' | '：' => {}
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Maps a header row to the known columns. Column numbers in messages count from 1, as a
/// spreadsheet shows them.
pub fn match_headers(headers: &[String], specs: &[ColumnSpec]) -> Result<HeaderMap, HeaderError> {
    let mut columns: Vec<(&'static str, usize)> = Vec::new();
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let k = header_key(h);
        if k.is_empty() {
            continue;
        }
        let spec = specs
            .iter()
            .find(|s| header_key(s.label) == k || s.synonyms.iter().any(|y| header_key(y) == k));
        match spec {
            Some(s) => {
                if let Some((_, first)) = columns.iter().find(|(key, _)| *key == s.key) {
                    return Err(HeaderError::Twice {
                        label: s.label,
                        first: first + 1,
                        second: i + 1,
                    });
                }
                columns.push((s.key, i));
            }
            None => unknown.push(normalize(h)),
        }
    }
    let missing: Vec<&'static str> = specs
        .iter()
        .filter(|s| s.required && !columns.iter().any(|(k, _)| *k == s.key))
        .map(|s| s.label)
        .collect();
    if !missing.is_empty() {
        return Err(HeaderError::Missing(missing));
    }
    columns.sort_by_key(|(k, _)| specs.iter().position(|s| s.key == *k));
    Ok(HeaderMap { columns, unknown })
}

/// Whether a date is plausible for a person's record (not before 1921, not after `today`).
pub fn plausible(d: NaiveDate, today: NaiveDate) -> bool {
    d.year() >= 1921 && d <= today
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn names_keep_their_punctuation_and_identifiers_fold() {
        assert_eq!(
            text("衢州某某会计师事务所（普通合伙）"),
            "衢州某某会计师事务所（普通合伙）"
        );
        assert_eq!(text("张三，李四"), "张三，李四");
        assert_eq!(
            text("ＡＢＣ科技\u{3000}有限公司 ２号"),
            "ABC科技 有限公司 2号"
        );
        assert_eq!(
            normalize("（普通合伙）"),
            "(普通合伙)",
            "a value to parse folds signs"
        );
    }

    #[test]
    fn a_rounded_long_number_is_known_for_what_it_is() {
        for rounded in ["3.30825E+17", "3.30825198506010E+17", "3.3e17", "9E+17"] {
            assert!(is_rounded_number(rounded), "{rounded}");
        }
        for not in [
            "330825198506010071",
            "33082519850601007X",
            "E+17",
            "3.3E",
            "2017-08-08",
        ] {
            assert!(!is_rounded_number(not), "{not}");
        }
    }

    #[test]
    fn cells_are_folded_to_what_people_meant() {
        assert_eq!(normalize("  张三 \r\n"), "张三");
        assert_eq!(normalize("３３０８２５１９９０"), "3308251990");
        assert_eq!(normalize("ＡＢＣ（甲）"), "ABC(甲)");
        assert_eq!(normalize("红木\u{3000}小镇\n党支部"), "红木 小镇 党支部");
        assert_eq!(normalize("\t"), "");
    }

    #[test]
    fn dates_in_the_spellings_people_type() {
        let day = DateCell::Day(d(2017, 8, 8));
        for s in [
            "2017-08-08",
            "2017/8/8",
            "2017.08.08",
            "2017年8月8日",
            "20170808",
            " ２０１７年８月８日 ",
            "2017-8-8",
        ] {
            assert_eq!(parse_date(s), Ok(day), "{s}");
        }
        let month = DateCell::Month {
            year: 2017,
            month: 8,
        };
        for s in ["201708", "2017-08", "2017年8月", "2017.8"] {
            assert_eq!(parse_date(s), Ok(month), "{s}");
        }
        assert_eq!(month.first_day(), d(2017, 8, 1));
        assert_eq!(
            parse_date("2017-02-30"),
            Err(DateError::NoSuchDay("2017年2月30日".into()))
        );
        assert_eq!(parse_date("1850-01-01"), Err(DateError::Year(1850)));
        for s in ["", "八月", "2017", "17-8-8x", "2017-08-08-01", "12345"] {
            assert_eq!(parse_date(s), Err(DateError::Unrecognized), "{s}");
        }
    }

    #[test]
    fn excel_serials_follow_the_1900_system_and_its_phantom_day() {
        assert_eq!(excel_serial_date(1.0), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_date(59.0), Some(d(1900, 2, 28)));
        assert_eq!(excel_serial_date(60.0), None, "1900-02-29 does not exist");
        assert_eq!(excel_serial_date(61.0), Some(d(1900, 3, 1)));
        // What Excel shows for 2017-08-08 and 2026-11-27.
        assert_eq!(excel_serial_date(42955.0), Some(d(2017, 8, 8)));
        assert_eq!(excel_serial_date(46353.75), Some(d(2026, 11, 27)));
        assert_eq!(excel_serial_date(0.0), None);
        assert_eq!(excel_serial_date(f64::NAN), None);
    }

    const SPECS: &[ColumnSpec] = &[
        ColumnSpec {
            key: "name",
            label: "姓名",
            synonyms: &["党员姓名"],
            required: true,
            hint: "",
            example: "",
        },
        ColumnSpec {
            key: "resident_id",
            label: "公民身份号码",
            synonyms: &["身份证号", "身份证号码", "证件号码"],
            required: true,
            hint: "",
            example: "",
        },
        ColumnSpec {
            key: "phone",
            label: "手机号码",
            synonyms: &["联系电话", "手机"],
            required: false,
            hint: "",
            example: "",
        },
    ];

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn headers_in_any_order_with_synonyms_and_notes() {
        let m = match_headers(
            &row(&["序号", "手机（选填）", " 身份证号 ", "*姓名", ""]),
            SPECS,
        )
        .unwrap();
        assert_eq!(
            m.columns,
            vec![("name", 3), ("resident_id", 2), ("phone", 1)]
        );
        assert_eq!(m.unknown, vec!["序号"]);
        assert_eq!(m.index("phone"), Some(1));
        assert_eq!(
            match_headers(&row(&["姓名", "联系电话"]), SPECS),
            Err(HeaderError::Missing(vec!["公民身份号码"]))
        );
        let twice = match_headers(&row(&["姓名", "身份证号", "证件号码"]), SPECS).unwrap_err();
        assert_eq!(
            twice.to_string(),
            "“公民身份号码”列出现了不止一次（第2列和第3列）"
        );
    }
}
