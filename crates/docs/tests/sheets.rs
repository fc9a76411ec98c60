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

/// The smallest workbook Excel's readers take: one sheet, its XML given, and shared strings
/// when given.
fn xlsx_of(sheet_xml: &str, shared: Option<&str>) -> Vec<u8> {
    let workbook = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名册" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sheet_xml}</worksheet>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    if let Some(s) = shared {
        entries.push(("xl/sharedStrings.xml", s.as_bytes()));
    }
    zip_of(&entries)
}

const ROOT_RELS: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

/// A workbook whose one sheet the relationships find at `target` (under `xl/`), holding
/// `part` there, and other entries beside it.
fn workbook_at(target: &str, part: &[u8], others: &[(&str, &[u8])]) -> Vec<u8> {
    let rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{target}"/></Relationships>"#
    );
    let path = format!("xl/{target}");
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("_rels/.rels", ROOT_RELS),
        (
            "xl/workbook.xml",
            br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        (path.as_str(), part),
    ];
    entries.extend_from_slice(others);
    zip_of(&entries)
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

const HEADER_ROW: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>身份证号</t></is></c></row>"#;

#[test]
fn the_hand_made_workbook_reads_so_its_hostile_variants_are_refused_for_their_reach() {
    let ok = xlsx_of(
        &format!(
            "<sheetData>{HEADER_ROW}<row r=\"2\">{}{}</row></sheetData>",
            inline("A2", "张三"),
            inline("B2", "330802199001011234")
        ),
        None,
    );
    let s = sheet::read(&ok).unwrap();
    assert_eq!(s.header, cells(&["姓名", "身份证号"]));
    assert_eq!(s.rows, vec![(2, cells(&["张三", "330802199001011234"]))]);
}

#[test]
fn two_cells_at_a1_and_xfd1048576_are_refused_before_anything_is_laid_out() {
    // The file that made the library ask for 549,755,813,888 bytes.
    let hostile = xlsx_of(
        &format!(
            "<dimension ref=\"A1:XFD1048576\"/><sheetData><row r=\"1\">{}</row><row r=\"1048576\">{}</row></sheetData>",
            inline("A1", "x"),
            inline("XFD1048576", "y")
        ),
        None,
    );
    assert!(hostile.len() < 2048, "{} bytes", hostile.len());
    let e = sheet::read(&hostile).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");
    assert!(e.to_string().contains("上限 200列"), "{e}");
    // The same as a file, as Python's zipfile writes it (scripts/make-hostile-fixture.py).
    let fixture = include_bytes!("fixtures/hostile-a1-xfd1048576.xlsx");
    let e = sheet::read(fixture).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");

    // Within the columns, but a block of 200 million cells around three.
    let sparse = xlsx_of(
        &format!(
            "<sheetData>{HEADER_ROW}<row r=\"1000000\">{}</row></sheetData>",
            inline("GR1000000", "y")
        ),
        None,
    );
    let e = sheet::read(&sparse).unwrap_err();
    assert!(matches!(e, SheetError::Sparse { .. }), "{e}");
    assert!(e.to_string().contains("A1:GR1000000"), "{e}");

    // A row number past a billion.
    let far = xlsx_of(
        &format!(
            "<sheetData>{HEADER_ROW}<row r=\"1000000000\"><c r=\"A1000000000\"><v>1</v></c></row></sheetData>"
        ),
        None,
    );
    let e = sheet::read(&far).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");
    assert!(e.to_string().contains("第1000000000行"), "{e}");

    // Cells without a reference follow each other: 300 of them reach past the columns.
    let wide: String = (0..300).map(|_| "<c><v>1</v></c>").collect();
    let e = sheet::read(&xlsx_of(
        &format!("<sheetData><row>{wide}</row></sheetData>"),
        None,
    ))
    .unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");
}

#[test]
fn a_sheet_that_only_claims_a_billion_rows_is_read_for_what_it_holds() {
    // The dimension is a claim; the cells are what count.
    let claims = xlsx_of(
        &format!(
            "<dimension ref=\"A1:XFD1000000000\"/><sheetData>{HEADER_ROW}<row r=\"2\">{}{}</row></sheetData>",
            inline("A2", "李四"),
            inline("B2", "x")
        ),
        None,
    );
    let s = sheet::read(&claims).unwrap();
    assert_eq!(s.rows.len(), 1);
    // A styled empty cell far away holds nothing and costs nothing.
    let styled = xlsx_of(
        &format!(
            "<sheetData>{HEADER_ROW}<row r=\"1048576\"><c r=\"XFD1048576\" s=\"1\"/></row></sheetData>"
        ),
        None,
    );
    assert_eq!(
        sheet::read(&styled).unwrap().header,
        cells(&["姓名", "身份证号"])
    );
}

#[test]
fn a_shared_strings_table_that_claims_billions_is_refused() {
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>姓名</t></si><si><t>身份证号</t></si></sst>"#;
    let book = xlsx_of(
        r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row></sheetData>"#,
        Some(shared),
    );
    let e = sheet::read(&book).unwrap_err();
    assert!(matches!(e, SheetError::Miscounted { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("共享字符串表声明有 4000000000 条，实际只有 2 条"),
        "{e}"
    );

    // A true count of many strings is fine: a huge table is only as large as its bytes.
    let many: String = (0..50_000)
        .map(|i| format!("<si><t>{i}</t></si>"))
        .collect();
    let shared = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="50000">{many}</sst>"#
    );
    let book = xlsx_of(
        r#"<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>49999</v></c></row></sheetData>"#,
        Some(&shared),
    );
    assert_eq!(sheet::read(&book).unwrap().header, cells(&["0", "49999"]));
}

#[test]
fn deep_nesting_and_thousands_of_entries_cost_no_more_than_their_bytes() {
    // 200,000 nested elements inside a cell: no recursion, so no stack to overflow.
    let deep = format!(
        "<sheetData>{HEADER_ROW}<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is>{}<t>x</t>{}</is></c></row></sheetData>",
        "<r>".repeat(200_000),
        "</r>".repeat(200_000)
    );
    // Read or refused as damaged, but answered.
    let _ = sheet::read(&xlsx_of(&deep, None));

    // A zip of 5,000 entries beside a real sheet.
    let sheet_xml = format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{HEADER_ROW}</sheetData></worksheet>"#
    );
    let names: Vec<String> = (0..5_000)
        .map(|i| format!("xl/media/junk{i}.bin"))
        .collect();
    let junk: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), &b"\x89PNG junk"[..]))
        .collect();
    let s = sheet::read(&workbook_at(
        "worksheets/sheet1.xml",
        sheet_xml.as_bytes(),
        &junk,
    ))
    .unwrap();
    assert_eq!(s.header, cells(&["姓名", "身份证号"]));

    // A sheet stored anywhere the relationships point is scanned all the same.
    let hidden_path = format!(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{}</row><row r="1048576">{}</row></sheetData></worksheet>"#,
        inline("A1", "x"),
        inline("XFD1048576", "y")
    );
    let e = sheet::read(&workbook_at("media/logo.png", hidden_path.as_bytes(), &[])).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");
}

fn ods_of(table: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="名册">{table}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#),
        ("content.xml", content.as_bytes()),
    ])
}

#[test]
fn an_ods_whose_repeats_reach_past_a_register_is_refused() {
    let cell = |t: &str| {
        format!(
            r#"<table:table-cell office:value-type="string"><text:p>{t}</text:p></table:table-cell>"#
        )
    };
    let ok = ods_of(&format!(
        "<table:table-row>{}{}</table:table-row><table:table-row>{}{}</table:table-row>",
        cell("姓名"),
        cell("身份证号"),
        cell("张三"),
        cell("330802199001011234")
    ));
    assert_eq!(sheet::read(&ok).unwrap().rows.len(), 1);

    // One cell repeated across 16,384 columns, in each of 50,000 rows: the library would
    // hold 819 million cells before it looked at them.
    let row = r#"<table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row>"#;
    let hostile = ods_of(&row.repeat(50_000));
    let e = sheet::read(&hostile).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");

    // A hundred columns repeated over a million rows: 100 million cells from one element.
    let repeated = ods_of(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"><text:p>1</text:p></table:table-cell></table:table-row>"#,
    );
    let e = sheet::read(&repeated).unwrap_err();
    assert!(matches!(e, SheetError::Sparse { .. }), "{e}");
}

/// An .xls container: a globals substream naming `sheets.len()` sheets through BOUNDSHEET
/// records (each at the offset of the sheet substream given, by its index in `sheets`),
/// then the sheet substreams.
fn xls_of(boundsheets: &[usize], sheets: &[Vec<(u16, Vec<u8>)>]) -> Vec<u8> {
    let bof = (
        0x0809u16,
        vec![0x00, 0x06, 0x05, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    );
    let eof = (0x000Au16, Vec::new());
    let size = |records: &[(u16, Vec<u8>)]| records.iter().map(|(_, d)| 4 + d.len()).sum::<usize>();
    let boundsheet = |offset: usize| {
        let mut d = u32::try_from(offset).unwrap().to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, 1, 0, b'S']);
        (0x0085u16, d)
    };
    // The globals' size does not depend on the offsets written in it.
    let globals_len = size(&[bof.clone(), eof.clone()]) + boundsheets.len() * (4 + 9);
    let mut offsets = Vec::new();
    let mut at = globals_len;
    for sheet in sheets {
        offsets.push(at);
        at += size(sheet) + size(&[bof.clone(), eof.clone()]);
    }
    let mut records = vec![bof.clone()];
    records.extend(boundsheets.iter().map(|i| boundsheet(offsets[*i])));
    records.push(eof.clone());
    for sheet in sheets {
        records.push(bof.clone());
        records.extend(sheet.iter().cloned());
        records.push(eof.clone());
    }
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    {
        let mut stream = file.create_stream("/Workbook").unwrap();
        for (typ, data) in &records {
            stream.write_all(&typ.to_le_bytes()).unwrap();
            stream
                .write_all(&u16::try_from(data.len()).unwrap().to_le_bytes())
                .unwrap();
            stream.write_all(data).unwrap();
        }
    }
    file.flush().unwrap();
    file.into_inner().into_inner()
}

fn number_record(row: u16, col: u16) -> (u16, Vec<u8>) {
    let mut d = Vec::new();
    d.extend_from_slice(&row.to_le_bytes());
    d.extend_from_slice(&col.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&1.0f64.to_le_bytes());
    (0x0203, d)
}

fn dimensions(rows: u32, cols: u16) -> (u16, Vec<u8>) {
    let mut d = Vec::new();
    d.extend_from_slice(&0u32.to_le_bytes());
    d.extend_from_slice(&rows.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    d.extend_from_slice(&cols.to_le_bytes());
    d.extend_from_slice(&0u16.to_le_bytes());
    (0x0200, d)
}

#[test]
fn an_xls_whose_cells_or_dimensions_reach_past_a_register_is_refused() {
    // Cells at A1 and at the last row and column BIFF8 can address.
    let far = xls_of(
        &[0],
        &[vec![number_record(0, 0), number_record(65_535, 255)]],
    );
    let e = sheet::read(&far).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");

    // A DIMENSIONS record claiming four billion rows: the library reserves that much…
    let claims = xls_of(
        &[0],
        &[vec![dimensions(4_000_000_000, 100), number_record(0, 0)]],
    );
    let e = sheet::read(&claims).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");
    // …for every one, not only the last.
    let twice = xls_of(
        &[0],
        &[vec![
            dimensions(16_000_000, 256),
            dimensions(1, 1),
            number_record(0, 0),
        ]],
    );
    assert!(sheet::read(&twice).is_err());

    // One sheet that passes, named by 30 BOUNDSHEET records: the library reads it 30 times.
    let block = vec![number_record(0, 0), number_record(9_999, 199)];
    let once = xls_of(&[0], std::slice::from_ref(&block));
    assert!(
        !matches!(
            sheet::read(&once),
            Err(SheetError::TooMuch { .. } | SheetError::TooFar { .. } | SheetError::Sparse { .. })
        ),
        "one such sheet is within the limits"
    );
    let many = xls_of(&[0; 30], &[block]);
    let e = sheet::read(&many).unwrap_err();
    assert!(matches!(e, SheetError::TooMuch { .. }), "{e}");
}

#[test]
fn text_repeated_into_many_cells_is_weighed_before_it_is_copied() {
    // One shared string of a megabyte named by 20,000 cells: twenty gigabytes once copied.
    let big = "党".repeat(350_000);
    let shared = format!(
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>{big}</t></si></sst>"#
    );
    let mut cells = String::new();
    for r in 1..=1000 {
        cells.push_str(&format!("<row r=\"{r}\">"));
        for c in [
            "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P", "Q",
            "R", "S", "T",
        ] {
            cells.push_str(&format!(r#"<c r="{c}{r}" t="s"><v>0</v></c>"#));
        }
        cells.push_str("</row>");
    }
    let book = xlsx_of(&format!("<sheetData>{cells}</sheetData>"), Some(&shared));
    let e = sheet::read(&book).unwrap_err();
    assert!(matches!(e, SheetError::TooMuch { .. }), "{e}");
    assert!(e.to_string().contains("512 MB"), "{e}");

    // The same in an .ods: a megabyte of text in a cell repeated over 200 columns and
    // 10,000 rows (a block of two million cells, within the cells' own limit).
    let row = format!(
        r#"<table:table-row table:number-rows-repeated="10000"><table:table-cell office:value-type="string" table:number-columns-repeated="200"><text:p>{big}</text:p></table:table-cell></table:table-row>"#
    );
    let e = sheet::read(&ods_of(&row)).unwrap_err();
    assert!(matches!(e, SheetError::TooMuch { .. }), "{e}");
}

#[test]
fn what_the_library_reads_is_what_is_scanned() {
    // A sheet part whose root is not `worksheet`: the library reads it all the same.
    let part = format!(
        r#"<sheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{}</row><row r="1048576">{}</row></sheetData></sheet>"#,
        inline("A1", "x"),
        inline("XFD1048576", "y")
    );
    let e = sheet::read(&workbook_at("worksheets/sheet1.xml", part.as_bytes(), &[])).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");

    // The place is the attribute the library reads, `r`, not another one named like it.
    let disguised = xlsx_of(
        &format!(
            r#"<sheetData><row r="1">{}<c x:r="B1" r="XFD1048576"><v>1</v></c></row></sheetData>"#,
            inline("A1", "x")
        ),
        None,
    );
    let e = sheet::read(&disguised).unwrap_err();
    assert!(matches!(e, SheetError::TooFar { .. }), "{e}");

    // An .ods cell with a value but no value type still holds it.
    let untyped = ods_of(
        r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value="1" table:number-columns-repeated="100"/></table:table-row>"#,
    );
    let e = sheet::read(&untyped).unwrap_err();
    assert!(
        matches!(e, SheetError::Sparse { .. } | SheetError::TooMuch { .. }),
        "{e}"
    );

    // Thirty .ods tables, each within its own limits: the library holds them all at once.
    let table = format!(
        r#"<table:table table:name="t"><table:table-row>{}</table:table-row><table:table-row table:number-rows-repeated="9998"/><table:table-row><table:table-cell table:number-columns-repeated="199"/>{}</table:table-row></table:table>"#,
        r#"<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>"#,
        r#"<table:table-cell office:value-type="string"><text:p>y</text:p></table:table-cell>"#
    );
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{}</office:spreadsheet></office:body></office:document-content>"#,
        table.repeat(30)
    );
    let e = sheet::read(&zip_of(&[
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#),
        ("content.xml", content.as_bytes()),
    ]))
    .unwrap_err();
    assert!(matches!(e, SheetError::TooMuch { .. }), "{e}");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// A real file with a few bytes changed.
    fn mutated(base: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec((0..base.len(), any::<u8>()), 1..8).prop_map(move |edits| {
            let mut b = base.to_vec();
            for (at, v) in edits {
                b[at] = v;
            }
            b
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let _ = sheet::read(&bytes);
        }

        #[test]
        fn any_bytes_behind_a_workbook_signature(
            magic in prop_oneof![
                Just(vec![0x50u8, 0x4B, 0x03, 0x04]),
                Just(vec![0xD0u8, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]),
            ],
            tail in proptest::collection::vec(any::<u8>(), 0..4096),
        ) {
            let mut bytes = magic;
            bytes.extend(tail);
            let _ = sheet::read(&bytes);
        }

        #[test]
        fn a_damaged_xlsx(bytes in mutated(XLSX)) {
            let _ = sheet::read(&bytes);
        }

        #[test]
        fn a_damaged_xls(bytes in mutated(XLS)) {
            let _ = sheet::read(&bytes);
        }

        #[test]
        fn a_damaged_ods(bytes in mutated(ODS)) {
            let _ = sheet::read(&bytes);
        }

        #[test]
        fn any_csv_text(text in "\\PC{0,2000}") {
            let _ = sheet::read(text.as_bytes());
        }
    }
}
