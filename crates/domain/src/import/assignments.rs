//! One row of an instructor sheet (党建指导员选派表) made into an assignment of a party-
//! building instructor to a unit (工作覆盖), or into problems. The unit is found by its
//! credit code, the instructor by name (and phone, where two share a name) in the unit's
//! county; finding them is the store's.

use chrono::NaiveDate;

use super::{Problem, Reader, Severity};
use crate::cells::{ColumnSpec, HeaderMap};
use crate::credit_code::CreditCode;

/// The columns of the instructor template, with the names other systems give them.
pub const ASSIGNMENT_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "unit",
        label: "单位统一社会信用代码",
        synonyms: &["统一社会信用代码", "信用代码", "单位信用代码"],
        required: true,
        hint: "选派到的两新组织的18位统一社会信用代码；单位须已登记",
        example: "91330825MA2DXXXX0X",
    },
    ColumnSpec {
        key: "unit_name",
        label: "单位名称",
        synonyms: &["企业名称", "组织名称"],
        required: false,
        hint: "便于核对，可不填；与登记的名称不同时会提示",
        example: "示例：龙游县某某有限公司",
    },
    ColumnSpec {
        key: "name",
        label: "党建指导员",
        synonyms: &["指导员", "指导员姓名", "党建指导员姓名"],
        required: true,
        hint: "姓名；系统中还没有的指导员会按此登记",
        example: "王指导",
    },
    ColumnSpec {
        key: "phone",
        label: "指导员手机号码",
        synonyms: &["手机号码", "联系电话", "指导员电话"],
        required: false,
        hint: "11位手机号码；本县有同名指导员时必填",
        example: "13800000000",
    },
    ColumnSpec {
        key: "since",
        label: "选派日期",
        synonyms: &["派驻日期", "开始日期", "选派时间"],
        required: false,
        hint: "如 2025-03-01；不填为导入当天",
        example: "2025-03-01",
    },
    ColumnSpec {
        key: "until",
        label: "结束日期",
        synonyms: &["离任日期", "撤回日期", "截止日期", "选派结束日期"],
        required: false,
        hint: "已结束的选派填写，如 2024-12-31；仍在任的不填",
        example: "",
    },
];

/// The instructor template's instructions sheet, above its table of columns.
pub const ASSIGNMENT_TEMPLATE_NOTES: &[&str] = &[
    "党建指导员选派表导入模板：填写说明",
    "每行一次选派：一名党建指导员到一个两新组织。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：单位名称以“示例”开头的行导入时自动跳过。",
    "单位按统一社会信用代码查找，须已登记、在您的管理范围内；指导员在单位所在县(市、区)内按姓名查找（同名的再按手机号码），找不到的按新指导员登记。",
    "已选派到该单位的指导员会跳过。往年已结束的选派请填写结束日期，按历史记录导入（计入覆盖率走势，不计入当前的工作覆盖）。",
    "上传后系统先校验并预览；没有错误才能导入，导入后可以整批撤销。",
];

/// An assignment row as read, ready to be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentRow {
    pub row: usize,
    pub unit: CreditCode,
    pub unit_name: Option<String>,
    pub name: String,
    pub phone: Option<String>,
    pub since: Option<NaiveDate>,
    /// 结束日期: an assignment that has ended, imported as history.
    pub until: Option<NaiveDate>,
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    super::label_in(ASSIGNMENT_COLUMNS, key)
}

/// Whether a row is the template's example (its unit's name begins with 示例).
pub fn is_example_row(cells: &[String], map: &HeaderMap) -> bool {
    map.index("unit_name")
        .and_then(|i| cells.get(i))
        .is_some_and(|n| crate::cells::normalize(n).starts_with(super::EXAMPLE_MARK))
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the assignment
/// when the row has no error, and every problem found.
pub fn assignment_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<AssignmentRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: ASSIGNMENT_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let unit = r
        .required("unit")
        .and_then(|v| match CreditCode::parse(&v) {
            Ok(p) => {
                if p.check_failed {
                    r.problem(
                        "unit",
                        &v,
                        format!(
                            "校验码不符（应为{}），仍按此代码查找",
                            p.code.expected_check_character()
                        ),
                        Severity::Warning,
                    );
                }
                Some(p.code)
            }
            Err(e) => {
                r.problem("unit", &v, e.to_string(), Severity::Error);
                None
            }
        });
    let unit_name = Some(r.cell("unit_name")).filter(|v| !v.is_empty());
    let name = r.required("name").and_then(|n| {
        if n.chars().count() > 50 {
            r.problem("name", &n, "不能超过50字", Severity::Error);
            return None;
        }
        Some(n)
    });
    let phone = match r.value("phone") {
        v if v.is_empty() => None,
        v if v.chars().count() > 20 || !v.chars().all(|c| c.is_ascii_digit() || c == '-') => {
            r.problem("phone", &v, "应为手机号码或电话号码", Severity::Error);
            None
        }
        v => Some(v),
    };
    let since = r.date("since", today);
    let until = r.end_date("until", today);
    if let Some(end) = until
        && end >= today
    {
        // The last day served: one ending today still counts today.
        r.problem(
            "until",
            &end.to_string(),
            "应早于今天（仍在任的选派不填结束日期）",
            Severity::Error,
        );
    } else if let Some(end) = until
        && end < since.unwrap_or(today)
    {
        let start = since.map_or_else(|| "导入当天".to_owned(), |d| d.to_string());
        r.problem(
            "until",
            &end.to_string(),
            format!("早于选派日期（{start}）"),
            Severity::Error,
        );
    }
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let a = match (unit, name) {
        (Some(unit), Some(name)) if !errors => Some(AssignmentRow {
            row,
            unit,
            unit_name,
            name,
            phone,
            since,
            until,
        }),
        _ => None,
    };
    (a, r.problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::match_headers;

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 27) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn rows_read_and_problems_named() {
        let map = match_headers(
            &row(&["信用代码", "企业名称", "指导员姓名", "联系电话", "派驻日期"]),
            ASSIGNMENT_COLUMNS,
        )
        .unwrap();
        let code = CreditCode::from_parts("91330825MA2D12345").unwrap();
        let (a, problems) = assignment_row(
            2,
            &row(&[
                code.as_str(),
                "某公司",
                "王指导",
                "13800000000",
                "2025年3月1日",
            ]),
            &map,
            TODAY,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let a = a.unwrap();
        assert_eq!(a.unit, code);
        assert_eq!(a.since, NaiveDate::from_ymd_opt(2025, 3, 1));
        assert_eq!(a.until, None);
        let (a, problems) = assignment_row(3, &row(&["123", "", "", "电话", "明天"]), &map, TODAY);
        assert!(a.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            columns,
            vec![
                "单位统一社会信用代码",
                "党建指导员",
                "指导员手机号码",
                "选派日期"
            ]
        );
        let ended = match_headers(
            &row(&["信用代码", "指导员姓名", "派驻日期", "离任日期"]),
            ASSIGNMENT_COLUMNS,
        )
        .unwrap();
        let (a, problems) = assignment_row(
            4,
            &row(&[code.as_str(), "王指导", "2023-03-01", "2024年12月31日"]),
            &ended,
            TODAY,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(a.unwrap().until, NaiveDate::from_ymd_opt(2024, 12, 31));
        let (a, problems) = assignment_row(
            5,
            &row(&[code.as_str(), "王指导", "2023-03-01", "2022-12-31"]),
            &ended,
            TODAY,
        );
        assert!(a.is_none());
        assert_eq!(problems[0].column, "结束日期");
        assert!(problems[0].reason.contains("早于选派日期"), "{problems:?}");
        let (a, problems) = assignment_row(
            6,
            &row(&[code.as_str(), "王指导", "2023-03-01", "2024年2月"]),
            &ended,
            TODAY,
        );
        assert_eq!(a.unwrap().until, NaiveDate::from_ymd_opt(2024, 2, 29));
        assert!(
            problems[0].reason.contains("按2024年2月29日"),
            "{problems:?}"
        );
        let (a, problems) = assignment_row(
            7,
            &row(&[code.as_str(), "王指导", "2023-03-01", "2026-11-27"]),
            &ended,
            TODAY,
        );
        assert!(a.is_none());
        assert!(problems[0].reason.contains("应早于今天"), "{problems:?}");
        assert!(is_example_row(
            &row(&["", "示例：某公司", "", "", ""]),
            &map
        ));
    }
}
