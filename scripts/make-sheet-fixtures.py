#!/usr/bin/env python3
"""Makes the spreadsheet fixtures of crates/docs/tests with LibreOffice (Debian's
libreoffice-calc-nogui): a member sheet written as flat OpenDocument, then saved by the
spreadsheet program itself as .xlsx, as .xls (Excel 97-2003) and as .ods.

    apt-get install libreoffice-calc-nogui && scripts/make-sheet-fixtures.py

The sheet has what real ones have: a title row merged across the columns, a party
organization merged down two rows, date cells, a formula, an 18-digit ID typed as a number
(Excel keeps 15 digits), a date typed as text, trailing empty rows, a hidden sheet and an
instructions sheet after the data.
"""
import os
import subprocess
import tempfile
from xml.sax.saxutils import escape

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
OUT = os.path.join(os.path.dirname(__file__), "..", "crates", "docs", "tests", "fixtures")


def resident_id(body: str) -> str:
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


def s(text, extra=""):
    return f'<table:table-cell office:value-type="string"{extra}><text:p>{escape(text)}</text:p></table:table-cell>'


def d(iso):
    return (f'<table:table-cell table:style-name="date" office:value-type="date" '
            f'office:date-value="{iso}"><text:p>{iso}</text:p></table:table-cell>')


def row(*cells):
    return "<table:table-row>" + "".join(cells) + "</table:table-row>"


EMPTY = "<table:table-cell/>"
COVERED = "<table:covered-table-cell/>"

members = [
    row(s("龙游县红木小镇党委党员名册", ' table:number-columns-spanned="7"'),
        '<table:covered-table-cell table:number-columns-repeated="6"/>'),
    row(*(s(h) for h in ["姓名", "身份证号", "所在党支部", "党员类别", "入党日期", "转正日期", "党费基数"])),
    row(s("张红梅"), s(resident_id("33082519850601007")),
        s("红木小镇第一支部", ' table:number-rows-spanned="2"'), s("正式党员"),
        d("2010-07-01"), d("2011-07-01"),
        '<table:table-cell table:formula="of:=4000+1000" office:value-type="float" '
        'office:value="5000"><text:p>5000</text:p></table:table-cell>'),
    row(s("李建国"),
        f'<table:table-cell office:value-type="float" office:value="{resident_id("33082519790312001")[:17]}0">'
        '<text:p>3.30825197903120E+17</text:p></table:table-cell>',
        COVERED, s("正式党员"), d("2001-06-20"), d("2002-06-20"), EMPTY),
    row(s("王　芳 "), s(resident_id("33082519981120002")), s("红木小镇第二支部"),
        s("预备党员"), s("2025年3月1日"), EMPTY, EMPTY),
    row(EMPTY), row(EMPTY),
]
hidden = [row(s("姓名"), s("身份证号")), row(s("旧名单"), s("不应读取"))]
notes = [row(s("填写说明")), row(s("身份证号请设为文本格式"))]


def table(name, rows, style="shown"):
    return (f'<table:table table:name="{name}" table:style-name="{style}">'
            '<table:table-column table:number-columns-repeated="7"/>' + "".join(rows) + "</table:table>")


doc = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:automatic-styles>
 <number:date-style style:name="ymd"><number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/><number:text>-</number:text><number:day number:style="long"/></number:date-style>
 <style:style style:name="date" style:family="table-cell" style:data-style-name="ymd"/>
 <style:style style:name="shown" style:family="table"><style:table-properties table:display="true"/></style:style>
 <style:style style:name="hidden" style:family="table"><style:table-properties table:display="false"/></style:style>
</office:automatic-styles>
<office:body><office:spreadsheet>
{table("党员名册", members)}
{table("旧名单", hidden, "hidden")}
{table("填写说明", notes)}
</office:spreadsheet></office:body></office:document>
'''

with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "members.fods")
    with open(src, "w", encoding="utf-8") as f:
        f.write(doc)
    for target in ["xlsx:Calc MS Excel 2007 XML", "xls:MS Excel 97", "ods:calc8"]:
        subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp}/profile",
                        "--convert-to", target, "--outdir", OUT, src], check=True)
print("written:", sorted(os.listdir(OUT)))
