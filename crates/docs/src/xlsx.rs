//! Excel workbooks: lists (a title row saying what and as of when, a bold header row
//! frozen under it with a filter, and typed cells: text stays text, so codes keep their
//! leading zeros and nothing is taken for a formula, while counts, money, shares and days
//! are numbers a spreadsheet sums and sorts) and import templates.

use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, Workbook, XlsxError};

/// A cell of an exported list.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count or another whole number.
    Int(i64),
    /// Money in fen, shown as yuan with two decimals.
    Fen(i64),
    /// A share in percent (33.3 for 33.3 %); none where there is nothing to divide (—).
    Percent(Option<f64>),
    /// A day.
    Date {
        year: u16,
        month: u8,
        day: u8,
    },
    /// Nothing recorded (—).
    Empty,
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

impl Cell {
    /// The cell as a CSV file writes it: numbers plain, money in yuan, days as 2026-11-27.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Fen(f) => {
                let sign = if *f < 0 { "-" } else { "" };
                format!(
                    "{sign}{}.{:02}",
                    f.unsigned_abs() / 100,
                    f.unsigned_abs() % 100
                )
            }
            Cell::Percent(Some(p)) => format!("{p:.1}%"),
            Cell::Percent(None) | Cell::Empty => "—".to_owned(),
            Cell::Date { year, month, day } => format!("{year:04}-{month:02}-{day:02}"),
        }
    }
}

/// A list written a row at a time in constant memory (rows go to a temporary file): the
/// title row, the bold header frozen under it with a filter, and typed cells.
pub struct StreamedTable {
    workbook: Workbook,
    next_row: u32,
    columns: u16,
    yuan: Format,
    percent: Format,
    day: Format,
}

impl std::fmt::Debug for StreamedTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedTable")
            .field("rows", &self.next_row)
            .finish_non_exhaustive()
    }
}

impl StreamedTable {
    /// A table under `title` with `headers`, each column `widths` characters wide (a missing
    /// width follows the header).
    pub fn new(
        sheet: &str,
        title: &str,
        headers: &[&str],
        widths: &[f64],
    ) -> Result<StreamedTable, XlsxError> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let ws = workbook.add_worksheet_with_constant_memory()?;
        ws.set_name(sheet)?;
        ws.write_string_with_format(0, 0, title, &bold)?;
        for (c, h) in headers.iter().enumerate() {
            let col = u16::try_from(c).unwrap_or(u16::MAX);
            let width = widths
                .get(c)
                .copied()
                .unwrap_or(h.chars().count() as f64 * 2.5);
            ws.set_column_width(col, width.clamp(6.0, 60.0))?;
            ws.write_string_with_format(1, col, *h, &bold)?;
        }
        ws.set_freeze_panes(2, 0)?;
        Ok(StreamedTable {
            workbook,
            next_row: 2,
            columns: u16::try_from(headers.len()).unwrap_or(u16::MAX),
            yuan: Format::new().set_num_format("#,##0.00"),
            percent: Format::new().set_num_format("0.0%"),
            day: Format::new().set_num_format("yyyy-mm-dd"),
        })
    }

    pub fn push(&mut self, row: &[Cell]) -> Result<(), XlsxError> {
        let (r, ws) = (self.next_row, self.workbook.worksheet_from_index(0)?);
        for (c, cell) in row.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s)?,
                Cell::Int(n) => ws.write_number(r, c, *n as f64)?,
                Cell::Fen(f) => ws.write_number_with_format(r, c, *f as f64 / 100.0, &self.yuan)?,
                Cell::Percent(Some(p)) => {
                    ws.write_number_with_format(r, c, p / 100.0, &self.percent)?
                }
                Cell::Date { year, month, day } => {
                    match ExcelDateTime::from_ymd(*year, *month, *day) {
                        Ok(d) => ws.write_datetime_with_format(r, c, &d, &self.day)?,
                        Err(_) => ws.write_string(r, c, cell.plain())?,
                    }
                }
                Cell::Percent(None) | Cell::Empty => ws.write_string(r, c, "—")?,
            };
        }
        self.next_row += 1;
        Ok(())
    }

    /// The workbook's bytes (compressed: about a tenth of the text).
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        if self.columns > 0 {
            let last = self.next_row.saturating_sub(1).max(1);
            let ws = self.workbook.worksheet_from_index(0)?;
            ws.autofilter(1, 0, last, self.columns - 1)?;
        }
        self.workbook.save_to_buffer()
    }
}

/// One column of an import template.
#[derive(Debug, Clone)]
pub struct TemplateColumn<'a> {
    pub label: &'a str,
    pub required: bool,
    /// How to fill it in.
    pub hint: &'a str,
    pub example: &'a str,
    /// A fixed list of values: a drop-down in every data cell of the column.
    pub choices: Vec<&'a str>,
}

/// Rows of the data sheet given drop-downs and text format (Excel's limit is 1,048,576).
const TEMPLATE_ROWS: u32 = 200_000;

/// An import template: the data sheet (header, the example row, drop-downs for the
/// columns with fixed values, every column formatted as text so that an 18-digit ID
/// keeps its last digits) and a sheet of instructions in Chinese.
pub fn template(
    sheet: &str,
    columns: &[TemplateColumn<'_>],
    instructions: &[&str],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let text = Format::new().set_num_format("@");
    let head = Format::new().set_bold().set_num_format("@");
    let required = Format::new()
        .set_bold()
        .set_font_color("#C8161D")
        .set_num_format("@");
    let example = Format::new()
        .set_italic()
        .set_font_color("#6E7781")
        .set_num_format("@");
    let ws = workbook.add_worksheet();
    ws.set_name(sheet)?;
    for (c, col) in columns.iter().enumerate() {
        let n = u16::try_from(c).unwrap_or(u16::MAX);
        let width = col.label.chars().count().max(col.example.chars().count()) as f64 * 2.0;
        ws.set_column_width(n, width.clamp(10.0, 30.0))?;
        ws.set_column_format(n, &text)?;
        let format = if col.required { &required } else { &head };
        ws.write_string_with_format(0, n, col.label, format)?;
        ws.write_string_with_format(1, n, col.example, &example)?;
        if !col.choices.is_empty() {
            let v = DataValidation::new()
                .allow_list_strings(&col.choices)?
                .set_error_title(col.label)?
                .set_error_message(format!("请从下拉列表中选择：{}", col.choices.join("、")))?;
            ws.add_data_validation(1, n, TEMPLATE_ROWS, n, &v)?;
        }
    }
    ws.set_freeze_panes(1, 0)?;

    let notes = workbook.add_worksheet();
    notes.set_name("填写说明")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    notes.set_column_width(0, 24.0)?;
    notes.set_column_width(1, 10.0)?;
    notes.set_column_width(2, 60.0)?;
    notes.set_column_width(3, 30.0)?;
    let mut row = 0u32;
    for line in instructions {
        notes.write_string_with_format(row, 0, *line, if row == 0 { &bold } else { &wrap })?;
        row += 1;
    }
    row += 1;
    for (c, h) in ["列名", "是否必填", "填写要求", "可选值"]
        .iter()
        .enumerate()
    {
        notes.write_string_with_format(row, u16::try_from(c).unwrap_or(0), *h, &bold)?;
    }
    for col in columns {
        row += 1;
        notes.write_string(row, 0, col.label)?;
        notes.write_string(row, 1, if col.required { "必填" } else { "选填" })?;
        notes.write_string_with_format(row, 2, col.hint, &wrap)?;
        notes.write_string(row, 3, col.choices.join("、"))?;
    }
    workbook.save_to_buffer()
}

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
    fn a_streamed_table_holds_its_rows_in_order() {
        let mut t = StreamedTable::new(
            "党员",
            "党员（截至2026年11月27日）",
            &["姓名", "身份证号"],
            &[],
        )
        .unwrap();
        for i in 0..3 {
            t.push(&[format!("张{i}").into(), "330825********0071".into()])
                .unwrap();
        }
        let bytes = t.finish().unwrap();
        let s = crate::sheet::read(&bytes).unwrap();
        assert_eq!(s.header, vec!["姓名", "身份证号"]);
        assert_eq!(s.rows.len(), 3);
        assert_eq!(
            s.rows[2],
            (5, vec!["张2".to_owned(), "330825********0071".to_owned()])
        );
    }

    #[test]
    fn typed_cells_are_numbers_and_days_in_the_sheet_and_plain_in_csv() {
        let mut t = StreamedTable::new(
            "党费",
            "党费",
            &["党组织", "党员", "应交", "交纳率", "日期"],
            &[36.0],
        )
        .unwrap();
        let row = [
            Cell::from("第一支部"),
            Cell::Int(12),
            Cell::Fen(-2050),
            Cell::Percent(Some(33.3)),
            Cell::Date {
                year: 2026,
                month: 11,
                day: 27,
            },
        ];
        t.push(&row).unwrap();
        let plain: Vec<String> = row.iter().map(Cell::plain).collect();
        assert_eq!(plain, ["第一支部", "12", "-20.50", "33.3%", "2026-11-27"]);
        let bytes = t.finish().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        // Numbers are <v> values of cells without a string type; text is a shared or
        // inline string.
        assert!(xml.contains("<v>12</v>"), "{xml}");
        assert!(xml.contains("<v>-20.5</v>"), "{xml}");
        assert!(xml.contains("s=\"3\"><v>0.33"), "{xml}");
        assert!(
            xml.contains("<v>46353</v>"),
            "2026-11-27 as an Excel day: {xml}"
        );
    }

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
