//! 简报 in the GB/T 9704-2012 layout, as a .docx: the series head with 期号 and 总期号, the
//! issuing office and date, the title, the text with its headings and tables, and the 版记
//! with 送 / 发 lines and the 印发 office and date.
//!
//! The page is the standard's: A4, margins top 37 mm and left 28 mm, a 版心 of 156 × 225 mm,
//! 22 lines of 28 characters in 3号 仿宋_GB2312. Both counts are made exact rather than left
//! to the renderer's grid: the line pitch is 225 mm / 22, and each character is narrowed by
//! [`TRACKING`] so that 28 fit the 156 mm and a 29th does not. The official font names stay
//! in the file; the machine that renders maps them to the fonts it has (the operator's manual
//! and `.ci/run` map them to Noto CJK and Fandol by fontconfig).

use docx_rs::{
    AlignmentType, BorderType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabValueType, Table,
    TableAlignmentType, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

/// A 简报: everything on its pages, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Brief {
    /// The series' name in the head (版头), e.g. 两新组织党建工作通报.
    pub series: String,
    /// 第N期 of the year and 总M期 since the series began.
    pub number: u32,
    pub total: u32,
    /// The issuing office and the day, under the 期号 (e.g. 2026年12月2日).
    pub office: String,
    pub date: String,
    pub title: String,
    pub body: Vec<Block>,
    /// The 版记: 送 and 发 (either may be empty), then the 印发 office and day.
    pub sent_to: Vec<String>,
    pub issued_to: Vec<String>,
    pub printed_by: String,
    pub printed_on: String,
}

/// One piece of the text.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// 一、… in 黑体.
    Heading(String),
    /// （一）… in 楷体_GB2312.
    Subheading(String),
    /// A paragraph of 仿宋_GB2312, its first line indented two characters.
    Text(String),
    /// A table: its caption, header and rows, in 小四 仿宋 (the header 黑体).
    Table(BriefTable),
}

#[derive(Debug, Clone, PartialEq)]
pub struct BriefTable {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// The columns' widths as shares of the 版心 (any positive numbers; they are scaled).
    pub widths: Vec<u32>,
}

/// Twips (1/20 pt) in a millimetre, times 1000.
const TWIPS_PER_MM_1000: u32 = 56_693;

const fn mm(millimetres: u32) -> u32 {
    (millimetres * TWIPS_PER_MM_1000 + 500) / 1000
}

/// A4.
const PAGE_WIDTH: u32 = mm(210);
const PAGE_HEIGHT: u32 = mm(297);
/// GB/T 9704-2012 7.2: 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm.
const TOP: u32 = mm(37);
const LEFT: u32 = mm(28);
const RIGHT: u32 = PAGE_WIDTH - LEFT - mm(156);
const BOTTOM: u32 = PAGE_HEIGHT - TOP - mm(225);
/// The 版心's width, where the 版头's and 版记's right-hand text stops.
const TEXT_WIDTH: u32 = mm(156);
/// 22 lines in the 225 mm: 579 twips (28.95 pt), rounded down so the 22nd line still fits.
const LINE_PITCH: u32 = mm(225) / 22;
/// 3号 is 16 pt; half-points.
const BODY_SIZE: usize = 32;
/// 2号, 22 pt: the title.
const TITLE_SIZE: usize = 44;
/// 4号, 14 pt: page numbers and the 版记.
const SMALL_SIZE: usize = 28;
/// Half the height of the page number's line as LibreOffice sets 4号 Noto Serif CJK, in
/// twips: from the footer's foot to the 一字线 (measured by scripts/check-gbt9704.py).
const NUMBER_HALF_LINE: u32 = 180;
/// 小四, 12 pt: tables, so a town's name and a rate's header fit their columns.
const TABLE_SIZE: usize = 24;
/// Each 3号 character narrowed by 0.25 pt (in twips), so 28 take 441 pt of the 版心's 442.2
/// and a 29th would not fit: 28 characters to a line.
const TRACKING: i32 = -5;
/// The 版头's separator and 版记's rules: 0.35 mm and 0.25 mm, in eighths of a point.
const RULE_HEAVY: usize = 8;
const RULE_LIGHT: usize = 6;
/// The 版头's line and series name are red.
const RED: &str = "FF0000";

const FANGSONG: &str = "仿宋_GB2312";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const SONGTI: &str = "宋体";

fn fonts(name: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .fonts(fonts(font))
        .size(size)
        .character_spacing(TRACKING)
}

fn exact(pitch: u32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(pitch as i32)
        .before(0)
        .after(0)
}

/// A line of the 版心's grid.
fn line() -> Paragraph {
    Paragraph::new().line_spacing(exact(LINE_PITCH))
}

fn ruled(p: Paragraph, position: ParagraphBorderPosition, size: usize, color: &str) -> Paragraph {
    let mut p = p;
    let border = ParagraphBorder::new(position)
        .val(BorderType::Single)
        .size(size)
        .space(1)
        .color(color);
    // Only the rule asked for: a paragraph's default borders are all four sides.
    let borders = p
        .property
        .borders
        .take()
        .unwrap_or_else(ParagraphBorders::with_empty);
    p.property = p.property.set_borders(borders.set(border));
    p
}

/// Text at the left and at the right edge of the 版心 on one line (office and date), each
/// `indent` in from its edge.
fn both_ends(left: &str, right: &str, font: &str, size: usize, indent: i32) -> Paragraph {
    line()
        .indent(Some(indent), None, Some(indent), None)
        // A tab stop is measured from the margin, not from the indent.
        .add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos((TEXT_WIDTH as i32 - indent) as usize),
        )
        .add_run(run(left, font, size))
        .add_run(Run::new().add_tab())
        .add_run(run(right, font, size))
}

fn page_number(align: AlignmentType) -> Footer {
    // "— 1 —": 4号 半角宋体, one character in from the outside edge.
    let one_char = (SMALL_SIZE * 10) as i32;
    let (left, right) = match align {
        AlignmentType::Right => (None, Some(one_char)),
        _ => (Some(one_char), None),
    };
    let field = Run::new()
        .fonts(fonts(SONGTI))
        .size(SMALL_SIZE)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    let dash = |t: &str| Run::new().add_text(t).fonts(fonts(SONGTI)).size(SMALL_SIZE);
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .indent(left, None, right, None)
            .add_run(dash("— "))
            .add_run(field)
            .add_run(dash(" —")),
    )
}

fn table(t: &BriefTable) -> Table {
    let total: u32 = t.widths.iter().sum::<u32>().max(1);
    let widths: Vec<usize> = t
        .widths
        .iter()
        .map(|w| (TEXT_WIDTH * w / total) as usize)
        .collect();
    let cell = |text: &str, width: usize, bold: bool| {
        let mut r = Run::new()
            .add_text(text)
            .fonts(fonts(if bold { HEITI } else { FANGSONG }))
            .size(TABLE_SIZE);
        if bold {
            r = r.bold();
        }
        TableCell::new()
            .width(width, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
            .add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .line_spacing(exact((TABLE_SIZE * 10 + 80) as u32))
                    .add_run(r),
            )
    };
    let mut rows = vec![TableRow::new(
        t.header
            .iter()
            .zip(&widths)
            .map(|(h, w)| cell(h, *w, true))
            .collect(),
    )];
    for r in &t.rows {
        rows.push(TableRow::new(
            r.iter()
                .zip(&widths)
                .map(|(c, w)| cell(c, *w, false))
                .collect(),
        ));
    }
    Table::new(rows)
        .set_grid(widths)
        .width(TEXT_WIDTH as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
}

fn record(brief: &Brief) -> Table {
    let one_char = (SMALL_SIZE * 10) as i32;
    let mut lines = Vec::new();
    for (label, names) in [("送：", &brief.sent_to), ("发：", &brief.issued_to)] {
        if !names.is_empty() {
            lines.push(
                line()
                    .keep_next(true)
                    .keep_lines(true)
                    .indent(Some(one_char), None, Some(one_char), None)
                    .add_run(run(
                        &format!("{label}{}。", names.join("，")),
                        FANGSONG,
                        SMALL_SIZE,
                    )),
            );
        }
    }
    lines.push(both_ends(
        &brief.printed_by,
        &format!("{}印发", brief.printed_on),
        FANGSONG,
        SMALL_SIZE,
        one_char,
    ));
    let rule = |position, size| {
        TableBorder::new(position)
            .border_type(BorderType::Single)
            .size(size)
            .color("000000")
    };
    Table::new(
        lines
            .into_iter()
            .map(|p| {
                TableRow::new(vec![
                    TableCell::new()
                        .width(TEXT_WIDTH as usize, WidthType::Dxa)
                        .add_paragraph(p),
                ])
            })
            .collect(),
    )
    .set_grid(vec![TEXT_WIDTH as usize])
    .width(TEXT_WIDTH as usize, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
    .margins(TableCellMargins::new().margin(0, 0, 0, 0))
    .set_borders(
        TableBorders::with_empty()
            .set(rule(TableBorderPosition::Top, RULE_HEAVY))
            .set(rule(TableBorderPosition::Bottom, RULE_HEAVY))
            .set(rule(TableBorderPosition::InsideH, RULE_LIGHT)),
    )
}

/// The .docx of a 简报.
pub fn write(brief: &Brief) -> Vec<u8> {
    let margin = PageMargin::new()
        .top(TOP as i32)
        .bottom(BOTTOM as i32)
        .left(LEFT as i32)
        .right(RIGHT as i32)
        // The page number's 一字线 sits 7 mm below the 版心 (GB/T 9704 7.5): the footer's
        // foot is that line less half a 4号 line (as the fonts set it) from the paper's edge.
        .footer((BOTTOM - mm(7) - NUMBER_HALF_LINE) as i32)
        .header(mm(15) as i32)
        .gutter(0);
    let mut doc = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(margin)
        .default_fonts(fonts(FANGSONG))
        .default_size(BODY_SIZE)
        .footer(page_number(AlignmentType::Right))
        .even_footer(page_number(AlignmentType::Left));

    // 版头: the series in red 小标宋, 期号, then office and date over a red rule.
    doc = doc
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(exact(LINE_PITCH * 2))
                .add_run(
                    Run::new()
                        .add_text(&brief.series)
                        .fonts(fonts(XIAOBIAOSONG))
                        .size(72)
                        .color(RED),
                ),
        )
        .add_paragraph(line())
        .add_paragraph(line().align(AlignmentType::Center).add_run(run(
            &format!("第{}期（总{}期）", brief.number, brief.total),
            FANGSONG,
            BODY_SIZE,
        )))
        .add_paragraph(ruled(
            both_ends(&brief.office, &brief.date, FANGSONG, BODY_SIZE, 0),
            ParagraphBorderPosition::Bottom,
            RULE_HEAVY * 2,
            RED,
        ))
        .add_paragraph(line())
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(exact(LINE_PITCH * 3 / 2))
                .add_run(run(&brief.title, XIAOBIAOSONG, TITLE_SIZE)),
        )
        .add_paragraph(line());

    let indented =
        |p: Paragraph| p.indent(None, Some(SpecialIndentType::FirstLine(640)), None, None);
    for block in &brief.body {
        doc = match block {
            Block::Heading(t) => doc.add_paragraph(
                indented(line())
                    .keep_next(true)
                    .add_run(run(t, HEITI, BODY_SIZE)),
            ),
            Block::Subheading(t) => doc.add_paragraph(
                indented(line())
                    .keep_next(true)
                    .add_run(run(t, KAITI, BODY_SIZE)),
            ),
            Block::Text(t) => {
                doc.add_paragraph(indented(line()).add_run(run(t, FANGSONG, BODY_SIZE)))
            }
            Block::Table(t) => doc
                .add_paragraph(
                    line()
                        .align(AlignmentType::Center)
                        .keep_next(true)
                        .add_run(run(&t.caption, HEITI, SMALL_SIZE)),
                )
                .add_table(table(t))
                .add_paragraph(line()),
        };
    }

    // 版记 (GB/T 9704 10.1): 送 and 发, then the 印发 line, 4号 仿宋 one character in
    // from each side, between rules of 0.35 mm (first and last) and 0.25 mm; kept on one
    // page, two lines after the text. (It follows the text rather than sitting at the last
    // page's foot: where that is depends on the renderer's layout.)
    doc = doc
        .add_paragraph(line())
        .add_paragraph(line())
        .add_table(record(brief))
        .add_paragraph(Paragraph::new());

    let mut out = std::io::Cursor::new(Vec::new());
    // Packing into memory fails only on an I/O error of the Vec, which cannot happen.
    doc.build()
        .pack(&mut out)
        .expect("a .docx packs into memory");
    out.into_inner()
}

/// The .xlsx annex of a 简报: each of its tables on a sheet, caption above the header.
pub fn annex(brief: &Brief) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let head = Format::new().set_bold().set_border(FormatBorder::Thin);
    let cell = Format::new().set_border(FormatBorder::Thin);
    let mut any = false;
    for block in &brief.body {
        let Block::Table(t) = block else { continue };
        any = true;
        let ws = workbook.add_worksheet();
        let name = t
            .caption
            .split_once(' ')
            .map_or(t.caption.as_str(), |(n, _)| n);
        ws.set_name(name)?;
        ws.write_string_with_format(0, 0, &t.caption, &bold)?;
        for (c, h) in t.header.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            ws.write_string_with_format(1, c, h, &head)?;
            ws.set_column_width(c, if c == 1 { 24.0 } else { 12.0 })?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = u32::try_from(r + 2).unwrap_or(u32::MAX);
            for (c, v) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                // Counts stay numbers, so the annex sums; rates and names stay as printed.
                match v.parse::<f64>() {
                    Ok(n) if !v.starts_with('+') => ws.write_number_with_format(r, c, n, &cell)?,
                    _ => ws.write_string_with_format(r, c, v, &cell)?,
                };
            }
        }
    }
    if !any {
        workbook
            .add_worksheet()
            .write_string(0, 0, "本期通报没有表格")?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_is_the_standards() {
        // 版心 156 × 225 mm on A4 with 天头 37 mm and 订口 28 mm, to the twip.
        assert_eq!(PAGE_WIDTH, 11906);
        assert_eq!(PAGE_HEIGHT, 16838);
        assert_eq!(PAGE_WIDTH - LEFT - RIGHT, mm(156));
        assert_eq!(PAGE_HEIGHT - TOP - BOTTOM, mm(225));
        assert_eq!((LEFT, TOP), (1587, 2098));
        // 22 lines fit the 版心 and a 23rd does not.
        assert!(22 * LINE_PITCH <= mm(225) && 23 * LINE_PITCH > mm(225));
        // 28 tracked 3号 characters fit its width and 29 do not.
        let char_width = (BODY_SIZE * 10) as i32 + TRACKING;
        assert!(28 * char_width <= TEXT_WIDTH as i32 && 29 * char_width > TEXT_WIDTH as i32);
    }
}
