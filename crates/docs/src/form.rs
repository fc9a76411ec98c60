//! 统计表 as the paper form lays them out: the title across the table, 填报单位 on the left
//! and 统计截止日期 with the unit on the right, a two-row header whose groups are merged over
//! their columns, a row per reporting organization with numbers a spreadsheet sums, and the
//! notes under it. One sheet per table, several tables to a workbook.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};

/// A column of counts: its label, under a group or standing alone (then merged down both
/// header rows).
#[derive(Debug, Clone, Copy)]
pub struct Column<'a> {
    pub group: Option<&'a str>,
    pub label: &'a str,
}

/// One table.
#[derive(Debug, Clone)]
pub struct Form<'a> {
    /// The sheet's name (at most 31 characters, as Excel allows).
    pub sheet: &'a str,
    pub title: &'a str,
    /// 填报单位
    pub reporting_unit: &'a str,
    /// 统计截止日期, as it is printed (`2026年12月4日`).
    pub as_of: &'a str,
    /// The unit of the counts (`单位：个、名`).
    pub unit: &'a str,
    /// The first column's header (`党组织`).
    pub first: &'a str,
    pub columns: &'a [Column<'a>],
    /// Each row's name and its counts, one per column.
    pub rows: &'a [(String, Vec<i64>)],
    pub notes: &'a [String],
}

fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// The workbook of `forms`, a sheet each.
pub fn statistical_forms(forms: &[Form]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center);
    let left = Format::new().set_align(FormatAlign::Left);
    let right = Format::new().set_align(FormatAlign::Right);
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let name = Format::new().set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0");
    for f in forms {
        let ws = workbook.add_worksheet();
        ws.set_name(f.sheet)?;
        let last = f.columns.len();
        ws.merge_range(0, 0, 0, col(last), f.title, &title)?;
        let half = last.div_ceil(2);
        let unit_line = format!("填报单位：{}", f.reporting_unit);
        let day_line = format!("统计截止日期：{}　　{}", f.as_of, f.unit);
        if half >= 1 && half < last {
            ws.merge_range(1, 0, 1, col(half - 1), &unit_line, &left)?;
            ws.merge_range(1, col(half), 1, col(last), &day_line, &right)?;
        } else {
            ws.write_string_with_format(1, 0, &unit_line, &left)?;
            ws.write_string_with_format(1, col(last.max(1)), &day_line, &right)?;
        }
        // The header: the first column and every lone column down both rows, each group
        // across its run of columns.
        ws.merge_range(2, 0, 3, 0, f.first, &head)?;
        ws.set_column_width(0, 28)?;
        let mut i = 0;
        while i < f.columns.len() {
            let c = f.columns[i];
            ws.set_column_width(col(i + 1), 10)?;
            match c.group {
                None => {
                    ws.merge_range(2, col(i + 1), 3, col(i + 1), c.label, &head)?;
                    i += 1;
                }
                Some(g) => {
                    let run = f.columns[i..]
                        .iter()
                        .take_while(|x| x.group == Some(g))
                        .count();
                    if run > 1 {
                        ws.merge_range(2, col(i + 1), 2, col(i + run), g, &head)?;
                    } else {
                        ws.write_string_with_format(2, col(i + 1), g, &head)?;
                    }
                    for (k, x) in f.columns[i..i + run].iter().enumerate() {
                        ws.write_string_with_format(3, col(i + 1 + k), x.label, &head)?;
                        ws.set_column_width(col(i + 1 + k), 10)?;
                    }
                    i += run;
                }
            }
        }
        ws.set_row_height(3, 45)?;
        for (r, (label, counts)) in f.rows.iter().enumerate() {
            let at = row(r + 4);
            ws.write_string_with_format(at, 0, label, &name)?;
            for (k, n) in counts.iter().enumerate() {
                // Counts are far below 2^53: exact as a spreadsheet number.
                ws.write_number_with_format(at, col(k + 1), *n as f64, &number)?;
            }
        }
        for (k, note) in f.notes.iter().enumerate() {
            ws.write_string(row(f.rows.len() + 5 + k), 0, note)?;
        }
        ws.set_freeze_panes(4, 1)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn a_form_has_its_title_unit_day_merged_header_and_numbers() {
        let columns = [
            Column {
                group: None,
                label: "党支部数",
            },
            Column {
                group: Some("组织评定"),
                label: "优秀",
            },
            Column {
                group: Some("组织评定"),
                label: "合格",
            },
        ];
        let rows = vec![
            ("合计".to_owned(), vec![12, 3, 40]),
            ("龙游县两新工委".to_owned(), vec![5, 1, 20]),
        ];
        let notes = vec!["注：由平台按记录计算。".to_owned()];
        let bytes = statistical_forms(&[Form {
            sheet: "第八表",
            title: "民主评议党员情况",
            reporting_unit: "中共衢州市两新工委",
            as_of: "2026年12月4日",
            unit: "单位：个、名",
            first: "党组织",
            columns: &columns,
            rows: &rows,
            notes: &notes,
        }])
        .unwrap();
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        let merged = book.merge_cells_by_sheet_name("第八表").unwrap_or_default();
        // Title, the two halves of the second row, the first column, the lone column and
        // the group.
        assert_eq!(merged.len(), 6, "{merged:?}");
        let range = book.worksheet_range("第八表").unwrap();
        let text = |r: u32, c: u32| range.get_value((r, c)).map(|d| d.to_string());
        assert_eq!(text(0, 0).as_deref(), Some("民主评议党员情况"));
        assert_eq!(text(1, 0).as_deref(), Some("填报单位：中共衢州市两新工委"));
        assert!(text(1, 2).unwrap().contains("统计截止日期：2026年12月4日"));
        assert_eq!(text(2, 2).as_deref(), Some("组织评定"));
        assert_eq!(text(3, 3).as_deref(), Some("合格"));
        assert_eq!(range.get_value((4, 3)), Some(&Data::Float(40.0)));
        assert_eq!(text(7, 0).as_deref(), Some("注：由平台按记录计算。"));
    }
}
