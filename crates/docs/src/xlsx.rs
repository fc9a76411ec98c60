//! Excel workbooks of lists: a title row saying what and as of when, a bold header row
//! frozen under it with a filter, and the rows as text (codes keep their leading zeros and
//! nothing is taken for a formula).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// One sheet: title, headers, rows, column widths in characters.
pub fn table(
    sheet: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<String>],
    widths: &[f64],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = workbook.add_worksheet();
    ws.set_name(sheet)?;
    ws.write_string_with_format(0, 0, title, &bold)?;
    for (c, h) in headers.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(1, col, *h, &bold)?;
        if let Some(w) = widths.get(c) {
            ws.set_column_width(col, *w)?;
        }
    }
    for (r, row) in rows.iter().enumerate() {
        let row_n = u32::try_from(r + 2).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(row_n, u16::try_from(c).unwrap_or(u16::MAX), cell)?;
        }
    }
    if !headers.is_empty() {
        let last_row = u32::try_from(rows.len() + 1).unwrap_or(u32::MAX);
        ws.autofilter(
            1,
            0,
            last_row,
            u16::try_from(headers.len() - 1).unwrap_or(0),
        )?;
        ws.set_freeze_panes(2, 0)?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workbook_is_a_zip_with_a_sheet() {
        let bytes = table(
            "覆盖检修",
            "覆盖检修：需要行动的单位（截至2026年11月27日）",
            &["县(市、区)", "名称"],
            &[vec!["龙游县".into(), "=1+1".into()]],
            &[12.0, 40.0],
        )
        .unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("xl/worksheets/sheet1.xml"));
    }
}
