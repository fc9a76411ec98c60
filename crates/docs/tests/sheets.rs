//! Spreadsheets made by a spreadsheet program (LibreOffice, by
//! `scripts/make-sheet-fixtures.py`) and damaged or hostile files, read as people upload
//! them.

#![allow(clippy::unwrap_used)]

use std::io::{Cursor, Write};

use liangxin_docs::sheet::{self, SheetError};
use zip::write::SimpleFileOptions;

const XLSX: &[u8] = include_bytes!("fixtures/members.xlsx");
const XLS: &[u8] = include_bytes!("fixtures/members.xls");
const ODS: &[u8] = include_bytes!("fixtures/members.ods");

fn cells(row: &[&str]) -> Vec<String> {
    row.iter().map(|c| (*c).to_owned()).collect()
}

#[test]
fn a_member_sheet_saved_by_a_spreadsheet_program_reads_the_same_as_xlsx_and_xls() {
    let xlsx = sheet::read(XLSX).unwrap();
    let xls = sheet::read(XLS).unwrap();
    assert_eq!(xlsx.format, "Excel 工作簿（.xlsx）");
    assert_eq!(xls.format, "Excel 97-2003 工作簿（.xls）");
    for s in [&xlsx, &xls] {
        assert_eq!(s.header_row, 2, "the merged title row is not the header");
        assert_eq!(
            s.header,
            cells(&[
                "姓名",
                "身份证号",
                "所在党支部",
                "党员类别",
                "入党日期",
                "转正日期",
                "党费基数"
            ])
        );
        let rows: Vec<usize> = s.rows.iter().map(|r| r.0).collect();
        assert_eq!(rows, vec![3, 4, 5], "trailing empty rows dropped");
        // Date cells as dates, the formula's value, text kept as typed.
        assert_eq!(
            s.rows[0].1,
            cells(&[
                "张红梅",
                "330825198506010075",
                "红木小镇第一支部",
                "正式党员",
                "2010-07-01",
                "2011-07-01",
                "5000"
            ])
        );
        assert_eq!(
            s.rows[1].1[2], "红木小镇第一支部",
            "merged down: every row has it"
        );
        assert_eq!(
            s.rows[2].1[4], "2025年3月1日",
            "a date typed as text stays text"
        );
        assert_eq!(
            s.notes,
            vec![
                "读取工作表「党员名册」",
                "已跳过隐藏的工作表「旧名单」",
                "只读取第一个有数据的工作表，未读取「填写说明」",
                "合并单元格已拆开，每格填入合并的值：C3:C4",
                "超过15位的数字已被 Excel 截去末位：B4（身份证号等长号码请先把该列设为“文本”格式再录入）",
                "第1行「龙游县红木小镇党委党员名册」看作标题，未作为数据读取",
            ]
        );
    }
    assert_eq!(xlsx.rows, xls.rows);
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in entries {
        w.start_file(*name, SimpleFileOptions::default()).unwrap();
        w.write_all(body).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn an_opendocument_sheet_reads_like_the_workbooks_merged_cells_and_all() {
    let ods = sheet::read(ODS).unwrap();
    let xlsx = sheet::read(XLSX).unwrap();
    assert_eq!(ods.format, "OpenDocument 表格（.ods）");
    assert_eq!((ods.header_row, &ods.header), (2, &xlsx.header));
    assert_eq!(ods.rows[0], xlsx.rows[0]);
    assert_eq!(ods.rows[2], xlsx.rows[2]);
    // The party organization merged over two rows is given to both, as in the workbooks,
    // and said so; the title merged across the columns stays one cell.
    assert_eq!(ods.rows[1], xlsx.rows[1]);
    assert!(
        ods.notes
            .iter()
            .any(|n| n == "合并单元格已拆开，每格填入合并的值：C3:C4"),
        "{:?}",
        ods.notes
    );
    assert!(
        ods.notes
            .iter()
            .any(|n| n.contains("隐藏的工作表「旧名单」")),
        "{:?}",
        ods.notes
    );
}

#[test]
fn a_truncated_workbook_is_refused_as_damaged() {
    for cut in [XLSX.len() / 2, XLSX.len() - 30] {
        let e = sheet::read(&XLSX[..cut]).unwrap_err();
        assert!(matches!(e, SheetError::Corrupt { .. }), "{cut}: {e}");
        assert!(e.to_string().contains("已损坏或不完整"), "{e}");
    }
    let e = sheet::read(&XLS[..XLS.len() / 2]).unwrap_err();
    assert!(matches!(e, SheetError::Corrupt { .. }), "{e}");
}

#[test]
fn a_renamed_document_is_told_for_what_it_is() {
    let docx = zip_of(&[("word/document.xml", b"<w:document/>")]);
    let e = sheet::read(&docx).unwrap_err();
    assert!(e.to_string().contains("Word"), "{e}");
    let e = sheet::read(b"%PDF-1.7\n...").unwrap_err();
    assert!(e.to_string().contains("PDF"), "{e}");
    let e = sheet::read(&[0x89, b'P', b'N', b'G', 0, 0]).unwrap_err();
    assert!(e.to_string().contains("图片"), "{e}");
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_parsed() {
    // 64 MiB of zeros deflate to about 64 KiB: a thousand times its size.
    let zeros = vec![0u8; 64 * 1024 * 1024];
    let bomb = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>"),
        ("xl/worksheets/sheet1.xml", &zeros),
    ]);
    assert!(bomb.len() < 1024 * 1024);
    let e = sheet::read(&bomb).unwrap_err();
    assert!(matches!(e, SheetError::Unpacks { .. }), "{e}");
    assert!(e.to_string().contains("压缩炸弹"), "{e}");
}

#[test]
fn a_file_over_the_limit_is_refused_unread() {
    let big = vec![b'a'; sheet::MAX_BYTES + 1];
    assert!(matches!(
        sheet::read(&big),
        Err(SheetError::TooLarge { .. })
    ));
}

#[test]
fn an_import_template_reads_back_as_its_header_and_example() {
    use liangxin_docs::xlsx::{TemplateColumn, template};
    let columns = [
        TemplateColumn {
            label: "姓名",
            required: true,
            hint: "与身份证一致",
            example: "示例：张红梅",
            choices: Vec::new(),
        },
        TemplateColumn {
            label: "党员类别",
            required: true,
            hint: "从下拉列表选择",
            example: "正式党员",
            choices: vec!["预备党员", "正式党员"],
        },
    ];
    let bytes = template("党员名册", &columns, &["说明", "每行一名党员"]).unwrap();
    let s = sheet::read(&bytes).unwrap();
    assert_eq!(s.header, cells(&["姓名", "党员类别"]));
    assert_eq!(s.rows, vec![(2, cells(&["示例：张红梅", "正式党员"]))]);
    assert!(
        s.notes.iter().any(|n| n.contains("未读取「填写说明」")),
        "{:?}",
        s.notes
    );
    let xml = {
        let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
        let mut f = zip.by_name("xl/worksheets/sheet1.xml").unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut f, &mut out).unwrap();
        out
    };
    assert!(xml.contains("dataValidation"), "a drop-down for 党员类别");
    assert!(xml.contains("预备党员,正式党员"), "{xml}");
}
