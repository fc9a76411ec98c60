//! One row of a member spreadsheet (党员信息表) made into a member to register, or into
//! problems: each names the row and column as the spreadsheet shows them, the value, and
//! the reason in Chinese, and is an error (the row cannot be imported) or a warning (it
//! can: an old 15-digit ID converted, a month without its day, a credit code whose check
//! character fails).
//!
//! Matching the row to records (the party organization by code or path, an existing member
//! by the keyed hash of the ID) is the store's; this is the row alone.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::cells::{self, ColumnSpec, DateCell, HeaderMap};
use crate::credit_code::CreditCode;
use crate::ethnicity::Ethnicity;
use crate::kinds::{DuesCategory, Education, MemberStatus, Occupation, UnknownValue};
use crate::money::Fen;
use crate::registry::{Background, Key, check_member_dates};
use crate::resident_id::ResidentId;

pub mod assignments;
pub mod meetings;
pub mod organizations;
pub mod party_orgs;
pub mod payments;
pub mod posts;
pub mod zones;

/// The columns of the member template, with the names other systems give them.
pub const MEMBER_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "name",
        label: "姓名",
        synonyms: &["党员姓名"],
        required: true,
        hint: "与身份证一致",
        example: "示例：张红梅",
    },
    ColumnSpec {
        key: "resident_id",
        label: "公民身份号码",
        synonyms: &["身份证号", "身份证号码", "身份证", "证件号码"],
        required: true,
        hint: "18位公民身份号码，末位可为X；请把本列设为“文本”格式，以免 Excel 截去末位",
        example: "330825198506010075",
    },
    ColumnSpec {
        key: "party_org",
        label: "所在党组织",
        synonyms: &[
            "党组织",
            "所在支部",
            "所在党支部",
            "所属党组织",
            "所属支部",
            "党支部",
            "组织关系所在党组织",
            "党组织名称",
            "党组织编号",
        ],
        required: true,
        hint: "填组织编号（党组织页面上的“组织编号”，如 330825-17）或党组织全称",
        example: "330825-17",
    },
    ColumnSpec {
        key: "status",
        label: "党员类别",
        synonyms: &["人员类别", "党员状态", "类别"],
        required: true,
        hint: "从下拉列表选择：正式党员或预备党员",
        example: "正式党员",
    },
    ColumnSpec {
        key: "joined_on",
        label: "入党时间",
        synonyms: &["入党日期"],
        required: true,
        hint: "如 2017-08-08、2017/8/8、2017年8月8日",
        example: "2010-07-01",
    },
    ColumnSpec {
        key: "confirmed_on",
        label: "转正时间",
        synonyms: &["转正日期"],
        required: false,
        hint: "正式党员必填；预备党员不填",
        example: "2011-07-01",
    },
    ColumnSpec {
        key: "workplace",
        label: "工作单位统一社会信用代码",
        synonyms: &["工作单位信用代码", "单位信用代码", "统一社会信用代码"],
        required: false,
        hint: "18位统一社会信用代码；该单位须已在系统中登记",
        example: "91330825MA2DXXXX0X",
    },
    ColumnSpec {
        key: "dues_category",
        label: "党费类别",
        synonyms: &["交纳类别", "党费交纳类别"],
        required: false,
        hint: "从下拉列表选择",
        example: "在职",
    },
    ColumnSpec {
        key: "dues_base",
        label: "党费计算基数",
        synonyms: &["党费基数", "计算基数", "月工资收入"],
        required: false,
        hint: "元，如 5000 或 5000.50：在职党员填月工资收入，离退休党员填月离退休费，农民党员填支部确定的月交纳额",
        example: "5000",
    },
    ColumnSpec {
        key: "phone",
        label: "手机号码",
        synonyms: &["联系电话", "手机", "电话"],
        required: false,
        hint: "11位手机号码",
        example: "13800000000",
    },
    ColumnSpec {
        key: "ethnicity",
        label: "民族",
        synonyms: &[],
        required: false,
        hint: "从下拉列表选择，或填民族代码（GB/T 3304）",
        example: "汉族",
    },
    ColumnSpec {
        key: "education",
        label: "学历",
        synonyms: &["文化程度", "最高学历"],
        required: false,
        hint: "从下拉列表选择",
        example: "大学本科",
    },
    ColumnSpec {
        key: "occupation",
        label: "职业",
        synonyms: &["职业类别", "从业类别"],
        required: false,
        hint: "从下拉列表选择，按党内统计的分类",
        example: "企事业单位和社会组织专业技术人员",
    },
];

/// The values a column takes from a fixed list (a drop-down in the template), if it does.
pub fn member_choices(key: &str) -> Vec<&'static str> {
    match key {
        "status" => MemberStatus::ALL.iter().map(|s| s.label()).collect(),
        "dues_category" => DuesCategory::ALL.iter().map(|c| c.label()).collect(),
        "ethnicity" => Ethnicity::ALL.iter().map(|c| c.label()).collect(),
        "education" => Education::ALL.iter().map(|c| c.label()).collect(),
        "occupation" => Occupation::ALL.iter().map(|c| c.label()).collect(),
        _ => Vec::new(),
    }
}

/// What an import may change of a registered member. The party organization is not among
/// them: a move is a transfer (组织关系转接), never an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberFields {
    pub name: String,
    pub status: MemberStatus,
    pub joined_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub workplace: Option<Key>,
    pub phone: Option<String>,
    pub background: Background,
}

/// The record as a row would leave it, and the keys of the columns that change. Only what
/// the file says changes it: a column the file lacks, or a cell left empty, keeps the
/// record's value (an import never erases). `workplace` is the row's workplace found by its
/// credit code. The merged record is checked whole: its dates together, and a full member
/// is never made probationary again (that is 取消预备党员资格 or a correction, not an import).
pub fn merge_member(
    current: &MemberFields,
    row: &MemberRow,
    workplace: Option<Key>,
    today: NaiveDate,
) -> Result<(MemberFields, Vec<&'static str>), Vec<Problem>> {
    let mut next = MemberFields {
        name: row.name.clone(),
        status: row.status,
        joined_on: row.joined_on,
        confirmed_on: row.confirmed_on.or(current.confirmed_on),
        workplace: workplace.or(current.workplace),
        phone: row.phone.clone().or_else(|| current.phone.clone()),
        background: Background {
            ethnicity: row.background.ethnicity.or(current.background.ethnicity),
            education: row.background.education.or(current.background.education),
            occupation: row.background.occupation.or(current.background.occupation),
        },
    };
    let mut problems = Vec::new();
    if current.status == MemberStatus::Full && row.status == MemberStatus::Probationary {
        problems.push(Problem {
            row: row.row,
            column: label("status"),
            value: row.status.label().to_owned(),
            reason: "已是正式党员，导入不能改为预备党员".into(),
            severity: Severity::Error,
        });
        next.status = MemberStatus::Full;
    }
    for (column, reason) in check_member_dates(
        &row.resident_id,
        next.status,
        next.joined_on,
        next.confirmed_on,
        today,
    ) {
        problems.push(Problem {
            row: row.row,
            column,
            value: String::new(),
            reason: format!("{reason}（与已登记的信息合并后）"),
            severity: Severity::Error,
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut changed = Vec::new();
    if next.name != current.name {
        changed.push("name");
    }
    if next.status != current.status {
        changed.push("status");
    }
    if next.joined_on != current.joined_on {
        changed.push("joined_on");
    }
    if next.confirmed_on != current.confirmed_on {
        changed.push("confirmed_on");
    }
    if next.workplace != current.workplace {
        changed.push("workplace");
    }
    if next.phone != current.phone {
        changed.push("phone");
    }
    let (b, was) = (&next.background, &current.background);
    if b.ethnicity != was.ethnicity {
        changed.push("ethnicity");
    }
    if b.education != was.education {
        changed.push("education");
    }
    if b.occupation != was.occupation {
        changed.push("occupation");
    }
    Ok((next, changed))
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    label(key)
}

/// The member template's instructions sheet, above its table of columns.
pub const MEMBER_TEMPLATE_NOTES: &[&str] = &[
    "党员名册导入模板：填写说明",
    "每行一名党员。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：以“示例”开头的行导入时自动跳过，可以保留，也可以删除。",
    "本模板的每一列都已设为“文本”格式，身份证号等长号码不会被 Excel 截去末位。从其他系统导出的表格也可以直接上传，常见的列名别称都能识别。",
    "所在党组织填组织编号（党组织页面上的“组织编号”）或全称，须在您的管理范围内。",
    "已在同一党组织登记的党员会跳过；已在其他党组织登记的会报错，请办理组织关系转接。",
    "填了党费类别（和计算基数）的新党员，按现行党费标准表设定本年度党费标准；已登记党员的党费标准请在党费页面设定。",
    "上传后系统先校验并预览，列出每个问题所在的行、列和原因；没有错误才能导入，导入后可以整批撤销。",
];

/// Marks the template's example row: a name that begins with it is not a person.
pub const EXAMPLE_MARK: &str = "示例";

/// Whether a row is the template's example (skipped, and said so).
pub fn is_example_row(cells: &[String], map: &HeaderMap) -> bool {
    map.index("name")
        .and_then(|i| cells.get(i))
        .is_some_and(|n| cells::normalize(n).starts_with(EXAMPLE_MARK))
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row cannot be imported.
    Error,
    /// The row can be imported; the user is told.
    Warning,
}

/// A problem with one cell (or the row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The spreadsheet's row number (the header is row 1).
    pub row: usize,
    /// The column's name in the template.
    pub column: &'static str,
    pub value: String,
    pub reason: String,
    pub severity: Severity,
}

/// A member row as read, ready to be matched and registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRow {
    pub row: usize,
    pub name: String,
    pub resident_id: ResidentId,
    /// As written: a 组织编号 (`330825-17`) or a name or path.
    pub party_org: String,
    pub status: MemberStatus,
    pub joined_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
    pub workplace: Option<CreditCode>,
    pub dues_category: Option<DuesCategory>,
    pub dues_base: Option<Fen>,
    pub phone: Option<String>,
    pub background: Background,
}

fn label(key: &str) -> &'static str {
    label_in(MEMBER_COLUMNS, key)
}

fn label_in(columns: &[ColumnSpec], key: &str) -> &'static str {
    columns
        .iter()
        .find(|c| c.key == key)
        .map_or("", |c| c.label)
}

/// Reads the cells of one row by column key, collecting every problem.
struct Reader<'a> {
    columns: &'static [ColumnSpec],
    row: usize,
    cells: &'a [String],
    map: &'a HeaderMap,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    /// A cell as text: a name is kept as written (see [`cells::text`]).
    fn cell(&self, key: &str) -> String {
        self.map
            .index(key)
            .and_then(|i| self.cells.get(i))
            .map(|c| cells::text(c))
            .unwrap_or_default()
    }

    /// A cell as a value to parse: full-width signs folded too (see [`cells::normalize`]).
    fn value(&self, key: &str) -> String {
        self.map
            .index(key)
            .and_then(|i| self.cells.get(i))
            .map(|c| cells::normalize(c))
            .unwrap_or_default()
    }

    fn problem(&mut self, key: &str, value: &str, reason: impl Into<String>, severity: Severity) {
        self.problems.push(Problem {
            row: self.row,
            column: label_in(self.columns, key),
            value: value.to_owned(),
            reason: reason.into(),
            severity,
        });
    }

    /// An optional cell of a coded value: none when empty, a row error when unknown.
    fn coded<T>(&mut self, key: &str, parse: fn(&str) -> Result<T, UnknownValue>) -> Option<T> {
        match self.cell(key) {
            v if v.is_empty() => None,
            v => match parse(&v) {
                Ok(c) => Some(c),
                Err(e) => {
                    self.problem(key, &v, e.to_string(), Severity::Error);
                    None
                }
            },
        }
    }

    fn required(&mut self, key: &str) -> Option<String> {
        let v = self.cell(key);
        if v.is_empty() {
            self.problem(key, "", "必填", Severity::Error);
            return None;
        }
        Some(v)
    }

    /// A required name of an organization or a zone: 2 to 100 characters.
    fn org_name(&mut self, key: &str) -> Option<String> {
        let n = self.required(key)?;
        let why = match n.chars().count() {
            1 => "至少2个字",
            c if c > 100 => "不能超过100字",
            _ => return Some(n),
        };
        self.problem(key, &n, why, Severity::Error);
        None
    }

    /// A date cell: the spellings people type, or an Excel serial number (five digits); a
    /// month alone is its first day.
    fn date(&mut self, key: &str, today: NaiveDate) -> Option<NaiveDate> {
        self.date_in(key, today, false)
    }

    /// An end date: as [`Reader::date`], but a month alone is its last day.
    fn end_date(&mut self, key: &str, today: NaiveDate) -> Option<NaiveDate> {
        self.date_in(key, today, true)
    }

    fn date_in(&mut self, key: &str, today: NaiveDate, month_end: bool) -> Option<NaiveDate> {
        let v = self.cell(key);
        if v.is_empty() {
            return None;
        }
        let parsed = if v.len() == 5 && v.chars().all(|c| c.is_ascii_digit()) {
            v.parse::<f64>()
                .ok()
                .and_then(cells::excel_serial_date)
                .map(DateCell::Day)
                .ok_or(cells::DateError::Unrecognized)
        } else {
            cells::parse_date(&v)
        };
        match parsed {
            Ok(DateCell::Day(d)) if cells::plausible(d, today) => Some(d),
            Ok(DateCell::Month { year, month }) => {
                let first = DateCell::Month { year, month }.first_day();
                let d = match month_end {
                    true => first
                        .checked_add_months(chrono::Months::new(1))
                        .and_then(|next| next.pred_opt())
                        .unwrap_or(first),
                    false => first,
                };
                if !cells::plausible(d, today) {
                    self.problem(
                        key,
                        &v,
                        "日期不合理（早于1921年或晚于今天）",
                        Severity::Error,
                    );
                    return None;
                }
                self.problem(
                    key,
                    &v,
                    format!("只有年月，按{year}年{month}月{}日导入", d.day()),
                    Severity::Warning,
                );
                Some(d)
            }
            Ok(DateCell::Day(_)) => {
                self.problem(
                    key,
                    &v,
                    "日期不合理（早于1921年或晚于今天）",
                    Severity::Error,
                );
                None
            }
            Err(e) => {
                self.problem(key, &v, e.to_string(), Severity::Error);
                None
            }
        }
    }
}

/// Accepts the short forms people write for a member's status.
fn parse_status(v: &str) -> Option<MemberStatus> {
    match v {
        "正式" => Some(MemberStatus::Full),
        "预备" => Some(MemberStatus::Probationary),
        _ => MemberStatus::parse(v).ok(),
    }
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the member when
/// the row has no error, and every problem found (all of them, not the first).
pub fn member_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<MemberRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: MEMBER_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let name = r.required("name").and_then(|n| {
        if n.chars().count() > 50 {
            r.problem("name", &n, "不能超过50字", Severity::Error);
            return None;
        }
        Some(n)
    });
    let resident_id = r
        .required("resident_id")
        .and_then(|v| match ResidentId::parse(&v) {
            Ok(p) => {
                for w in &p.warnings {
                    r.problem("resident_id", &v, w.to_string(), Severity::Warning);
                }
                Some(p.value)
            }
            Err(e) => {
                r.problem("resident_id", &v, e.to_string(), Severity::Error);
                None
            }
        });
    let party_org = r.required("party_org");
    let status = r.required("status").and_then(|v| {
        let s = parse_status(&v);
        if s.is_none() {
            r.problem("status", &v, "应为“正式党员”或“预备党员”", Severity::Error);
        }
        s
    });
    let joined_on = r.date("joined_on", today);
    if joined_on.is_none() && r.cell("joined_on").is_empty() {
        r.problem("joined_on", "", "必填", Severity::Error);
    }
    let confirmed_on = r.date("confirmed_on", today);
    let workplace = match r.cell("workplace") {
        v if v.is_empty() => None,
        v => match CreditCode::parse(&v) {
            Ok(p) => {
                if p.check_failed {
                    r.problem(
                        "workplace",
                        &v,
                        format!(
                            "校验码不符（应为{}），仍按此代码匹配",
                            p.code.expected_check_character()
                        ),
                        Severity::Warning,
                    );
                }
                Some(p.code)
            }
            Err(e) => {
                r.problem("workplace", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let dues_category = match r.cell("dues_category") {
        v if v.is_empty() => None,
        v => match DuesCategory::parse(&v) {
            Ok(c) => Some(c),
            Err(e) => {
                r.problem("dues_category", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let dues_base = match r.cell("dues_base") {
        v if v.is_empty() => None,
        v => match Fen::from_yuan_str(&v) {
            Ok(f) if f >= Fen::ZERO => Some(f),
            Ok(_) => {
                r.problem("dues_base", &v, "不能为负数", Severity::Error);
                None
            }
            Err(e) => {
                r.problem("dues_base", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let phone = match r.value("phone") {
        v if v.is_empty() => None,
        v if v.chars().count() > 20 => {
            r.problem("phone", &v, "不能超过20位", Severity::Error);
            None
        }
        v => Some(v),
    };
    let background = Background {
        ethnicity: r.coded("ethnicity", Ethnicity::parse),
        education: r.coded("education", Education::parse),
        occupation: r.coded("occupation", Occupation::parse),
    };
    // The constitution's date rules, with the birth date from the ID.
    if let (Some(id), Some(status), Some(joined)) = (&resident_id, status, joined_on) {
        for (field, reason) in check_member_dates(id, status, joined, confirmed_on, today) {
            let key = if field == "入党时间" {
                "joined_on"
            } else {
                "confirmed_on"
            };
            let value = r.cell(key);
            r.problem(key, &value, reason, Severity::Error);
        }
    }
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let member = match (name, resident_id, party_org, status, joined_on) {
        (Some(name), Some(resident_id), Some(party_org), Some(status), Some(joined_on))
            if !errors =>
        {
            Some(MemberRow {
                row,
                name,
                resident_id,
                party_org,
                status,
                joined_on,
                confirmed_on,
                workplace,
                dues_category,
                dues_base,
                phone,
                background,
            })
        }
        _ => None,
    };
    (member, r.problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::match_headers;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 27) {
        Some(d) => d,
        None => NaiveDate::MIN,
    };

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    fn header() -> HeaderMap {
        match_headers(
            &row(&[
                "序号",
                "姓名",
                "身份证号",
                "所在支部",
                "人员类别",
                "入党日期",
                "转正日期",
                "单位信用代码",
                "党费类别",
                "党费基数",
                "联系电话",
            ]),
            MEMBER_COLUMNS,
        )
        .unwrap()
    }

    fn id(seq: u16) -> String {
        ResidentId::from_parts("330825", d(1985, 6, 1), seq)
            .unwrap()
            .expose()
            .to_owned()
    }

    #[test]
    fn an_id_excel_stored_as_a_number_is_a_row_error_saying_how_to_fix_the_sheet() {
        let (m, problems) = member_row(
            7,
            &row(&[
                "1",
                "张三",
                "3.30825E+17",
                "龙游县某支部",
                "正式党员",
                "2010-07-01",
                "2011-07-01",
            ]),
            &header(),
            TODAY,
        );
        assert!(m.is_none());
        let p = problems
            .iter()
            .find(|p| p.column == "公民身份号码")
            .unwrap_or_else(|| panic!("{problems:?}"));
        assert_eq!((p.row, p.severity), (7, Severity::Error));
        assert!(p.reason.contains("设为“文本”格式"), "{}", p.reason);
    }

    #[test]
    fn a_good_row_becomes_a_member_whatever_its_spellings() {
        let cells = row(&[
            "1",
            " 张三 ",
            &id(7),
            "330825-17",
            "正式",
            "2010年7月1日",
            "20110701",
            "",
            "在职",
            "５０００",
            "13800000000",
        ]);
        let (m, problems) = member_row(2, &cells, &header(), TODAY);
        assert!(problems.is_empty(), "{problems:?}");
        let m = m.unwrap();
        assert_eq!(m.name, "张三");
        assert_eq!(m.status, MemberStatus::Full);
        assert_eq!(m.joined_on, d(2010, 7, 1));
        assert_eq!(m.confirmed_on, Some(d(2011, 7, 1)));
        assert_eq!(m.dues_category, Some(DuesCategory::Salaried));
        assert_eq!(m.dues_base, Some(Fen::new(500_000)));
        // An Excel serial number in a date cell.
        let mut serial = cells.clone();
        serial[5] = "40360".into(); // 2010-07-01
        let (m, _) = member_row(2, &serial, &header(), TODAY);
        assert_eq!(m.unwrap().joined_on, d(2010, 7, 1));
    }

    #[test]
    fn every_problem_of_a_row_is_named_by_row_and_column() {
        let cells = row(&[
            "2",
            "",
            "33082519850601007",
            "",
            "党员",
            "2030-01-01",
            "",
            "91330825MA2XXXXXX",
            "学者",
            "-5",
            "",
        ]);
        let (m, problems) = member_row(3, &cells, &header(), TODAY);
        assert!(m.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            columns,
            vec![
                "姓名",
                "公民身份号码",
                "所在党组织",
                "党员类别",
                "入党时间",
                "工作单位统一社会信用代码",
                "党费类别",
                "党费计算基数"
            ],
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .all(|p| p.row == 3 && p.severity == Severity::Error)
        );
        assert!(problems[4].reason.contains("不合理"), "{:?}", problems[4]);
    }

    #[test]
    fn warnings_let_a_row_through_and_date_rules_stop_it() {
        // A month without its day is a warning.
        let cells = row(&[
            "3",
            "李四",
            &id(8),
            "红木小镇联合党支部",
            "预备党员",
            "202605",
            "",
            "",
            "",
            "",
            "",
        ]);
        let (m, problems) = member_row(4, &cells, &header(), TODAY);
        assert!(m.is_some());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].severity, Severity::Warning);
        assert!(problems[0].reason.contains("按2026年5月1日导入"));
        // A full member must have a 转正 date a year after joining.
        let cells = row(&[
            "4",
            "王五",
            &id(9),
            "330825-17",
            "正式党员",
            "2020-07-01",
            "2020-12-01",
            "",
            "",
            "",
            "",
        ]);
        let (m, problems) = member_row(5, &cells, &header(), TODAY);
        assert!(m.is_none());
        assert_eq!(problems[0].column, "转正时间");
        assert_eq!(problems[0].reason, "预备期至少一年");
    }
}
