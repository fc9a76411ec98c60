//! One row of an organization spreadsheet (两新组织名录) made into an organization to
//! register or update, or into problems, as [`super::member_row`] does for members.
//!
//! A row is matched by its 统一社会信用代码; a unit taken over from older records without a
//! code is matched by its exact name in its county. Where the places (county, town, park)
//! and the match are the store's, this is the row alone.

use chrono::NaiveDate;

use super::{Problem, Reader, Severity};
use crate::cells::{ColumnSpec, HeaderMap};
use crate::credit_code::CreditCode;
use crate::kinds::{OrgKind, SectorSet, SectorTag};

/// The columns of the organization template, with the names other systems give them.
pub const ORGANIZATION_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "name",
        label: "单位名称",
        synonyms: &["组织名称", "企业名称", "单位全称", "社会组织名称", "名称"],
        required: true,
        hint: "与营业执照或登记证书一致",
        example: "示例：龙游县红木家具有限公司",
    },
    ColumnSpec {
        key: "credit_code",
        label: "统一社会信用代码",
        synonyms: &["信用代码", "社会信用代码", "统一代码"],
        required: false,
        hint: "18位；已登记的单位按此代码更新。没有代码的老单位可不填，按单位名称在所在县(市、区)内匹配",
        example: "91330825MA2DXXXX0X",
    },
    ColumnSpec {
        key: "kind",
        label: "单位类型",
        synonyms: &["组织类型", "单位类别", "组织类别", "类型"],
        required: false,
        hint: "从下拉列表选择；不填时按信用代码推断（9开头为企业，51/52/53开头为社会团体、民办非企业单位、基金会）",
        example: "非公有制企业",
    },
    ColumnSpec {
        key: "county",
        label: "所在县(市、区)",
        synonyms: &["县(市、区)", "所属县(市、区)", "县市区", "区县"],
        required: false,
        hint: "县(市、区)名称或6位行政区划代码；县级用户可不填",
        example: "龙游县",
    },
    ColumnSpec {
        key: "town",
        label: "所在乡镇(街道)",
        synonyms: &["乡镇(街道)", "所属乡镇(街道)", "乡镇街道", "所在街道"],
        required: false,
        hint: "乡镇(街道)名称或行政区划代码",
        example: "龙洲街道",
    },
    ColumnSpec {
        key: "zone",
        label: "所在园区小镇",
        synonyms: &["所在园区", "园区", "特色小镇", "所属园区", "园区小镇"],
        required: false,
        hint: "园区或特色小镇的名称，须已在系统中登记",
        example: "",
    },
    ColumnSpec {
        key: "sectors",
        label: "行业领域",
        synonyms: &["行业标签", "行业", "所属行业", "行业类别"],
        required: false,
        hint: "可填多个，用顿号分隔：互联网企业、新兴精神生产、民办学校、民办医院、制造业、商贸流通、快递物流、律师事务所、会计师事务所、行业协会商会、生态农业、休闲旅游",
        example: "制造业",
    },
    ColumnSpec {
        key: "employees",
        label: "从业人员数",
        synonyms: &["从业人员", "职工人数", "员工人数", "职工数", "从业人数"],
        required: false,
        hint: "整数，如 120",
        example: "120",
    },
    ColumnSpec {
        key: "registered_on",
        label: "成立日期",
        synonyms: &["成立时间", "注册日期", "登记日期"],
        required: false,
        hint: "如 2015-03-18、2015/3/18、2015年3月18日",
        example: "2015-03-18",
    },
];

/// The values a column takes from a fixed list (a drop-down in the template), if it does.
pub fn organization_choices(key: &str) -> Vec<&'static str> {
    match key {
        "kind" => OrgKind::ALL.iter().map(|k| k.label()).collect(),
        _ => Vec::new(),
    }
}

/// The organization template's instructions sheet, above its table of columns.
pub const ORGANIZATION_TEMPLATE_NOTES: &[&str] = &[
    "两新组织名录导入模板：填写说明",
    "每行一个非公有制企业或社会组织。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：以“示例”开头的行导入时自动跳过，可以保留，也可以删除。",
    "已登记的单位按统一社会信用代码匹配（没有代码的按所在县(市、区)内的单位名称匹配），只更新表格中有、且填了内容的列；空白的格子不会清除已登记的信息。",
    "信用代码校验码不符的，提示后仍可导入，并在组织页面标注。",
    "上传后系统先校验并预览，列出每个问题所在的行、列和原因；没有错误才能导入，导入后可以整批撤销。",
];

/// An organization row as read, ready to be matched and registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationRow {
    pub row: usize,
    pub name: String,
    pub credit_code: Option<CreditCode>,
    /// The code's check character fails (kept, flagged, not refused).
    pub credit_code_check_failed: bool,
    /// As written: what a registered unit's kind becomes.
    pub kind: Option<OrgKind>,
    /// As the credit code says (for a new unit whose kind is not written).
    pub inferred_kind: Option<OrgKind>,
    /// As written: a code or a name; the store finds them.
    pub county: Option<String>,
    pub town: Option<String>,
    pub zone: Option<String>,
    pub sectors: Option<SectorSet>,
    pub employees: Option<i32>,
    pub registered_on: Option<NaiveDate>,
}

/// What an import may change of a registered organization. Its county is not among them:
/// it is the key the records are distributed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationFields {
    pub name: String,
    pub kind: OrgKind,
    pub town: Option<i32>,
    pub zone: Option<i64>,
    pub sectors: SectorSet,
    pub employees: Option<i32>,
    pub registered_on: Option<NaiveDate>,
}

/// The kind a credit code's registration authority and category say (GB 32100: 9 工商,
/// 5 民政 with 1 社会团体, 2 民办非企业单位, 3 基金会), if they say one.
pub fn kind_from_credit_code(code: &CreditCode) -> Option<OrgKind> {
    match (code.registration_authority(), code.institution_category()) {
        ('9', _) => Some(OrgKind::Enterprise),
        ('5', '1') => Some(OrgKind::SocialGroup),
        ('5', '2') => Some(OrgKind::SocialService),
        ('5', '3') => Some(OrgKind::Foundation),
        _ => None,
    }
}

/// The record as a row would leave it, and the keys of the columns that change. Only what
/// the file says changes it (an import never erases); `town` and `zone` are the row's
/// places as the store found them.
pub fn merge_organization(
    current: &OrganizationFields,
    row: &OrganizationRow,
    town: Option<i32>,
    zone: Option<i64>,
) -> (OrganizationFields, Vec<&'static str>) {
    let next = OrganizationFields {
        name: row.name.clone(),
        kind: row.kind.unwrap_or(current.kind),
        town: town.or(current.town),
        zone: zone.or(current.zone),
        sectors: row.sectors.unwrap_or(current.sectors),
        employees: row.employees.or(current.employees),
        registered_on: row.registered_on.or(current.registered_on),
    };
    let mut changed = Vec::new();
    if next.name != current.name {
        changed.push("name");
    }
    if next.kind != current.kind {
        changed.push("kind");
    }
    if next.town != current.town {
        changed.push("town");
    }
    if next.zone != current.zone {
        changed.push("zone");
    }
    if next.sectors != current.sectors {
        changed.push("sectors");
    }
    if next.employees != current.employees {
        changed.push("employees");
    }
    if next.registered_on != current.registered_on {
        changed.push("registered_on");
    }
    (next, changed)
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    super::label_in(ORGANIZATION_COLUMNS, key)
}

/// Sector tags as people list them: 制造业、商贸流通 (any of 、，,；;/ or spaces between).
fn parse_sectors(v: &str) -> Result<SectorSet, String> {
    let mut set = SectorSet::default();
    for part in v
        .split(['、', '，', ',', '；', ';', '/', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let tag = SectorTag::parse(part).map_err(|e| e.to_string())?;
        set = set.with(tag);
    }
    Ok(set)
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the organization
/// when the row has no error, and every problem found.
pub fn organization_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<OrganizationRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: ORGANIZATION_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let name = r.required("name").and_then(|n| match n.chars().count() {
        1 => {
            r.problem("name", &n, "至少2个字", Severity::Error);
            None
        }
        c if c > 100 => {
            r.problem("name", &n, "不能超过100字", Severity::Error);
            None
        }
        _ => Some(n),
    });
    let (credit_code, check_failed) = match r.cell("credit_code") {
        v if v.is_empty() => (None, false),
        v => match CreditCode::parse(&v) {
            Ok(p) => {
                if p.check_failed {
                    r.problem(
                        "credit_code",
                        &v,
                        format!(
                            "校验码不符（应为{}），仍按此代码登记并标注",
                            p.code.expected_check_character()
                        ),
                        Severity::Warning,
                    );
                }
                (Some(p.code), p.check_failed)
            }
            Err(e) => {
                r.problem("credit_code", &v, e.to_string(), Severity::Error);
                (None, false)
            }
        },
    };
    let inferred = credit_code.as_ref().and_then(kind_from_credit_code);
    let kind = match r.cell("kind") {
        v if v.is_empty() => None,
        v => match OrgKind::parse(&v) {
            Ok(k) => {
                if let Some(i) = inferred.filter(|i| *i != k) {
                    r.problem(
                        "kind",
                        &v,
                        format!(
                            "与信用代码不一致（代码表明是{}），按所填类型导入",
                            i.label()
                        ),
                        Severity::Warning,
                    );
                }
                Some(k)
            }
            Err(e) => {
                r.problem("kind", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let optional = |r: &Reader<'_>, key: &str| Some(r.cell(key)).filter(|v| !v.is_empty());
    let county = optional(&r, "county");
    let town = optional(&r, "town");
    let zone = optional(&r, "zone");
    let sectors = match r.cell("sectors") {
        v if v.is_empty() => None,
        v => match parse_sectors(&v) {
            Ok(s) => Some(s),
            Err(e) => {
                r.problem("sectors", &v, e, Severity::Error);
                None
            }
        },
    };
    let employees = match r.cell("employees") {
        v if v.is_empty() => None,
        v => match v.trim_end_matches('人').trim().parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
            _ => {
                r.problem("employees", &v, "应为0到1000000之间的整数", Severity::Error);
                None
            }
        },
    };
    let registered_on = r.date("registered_on", today);
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let org = match name {
        Some(name) if !errors => Some(OrganizationRow {
            row,
            name,
            credit_code,
            credit_code_check_failed: check_failed,
            kind,
            inferred_kind: inferred,
            county,
            town,
            zone,
            sectors,
            employees,
            registered_on,
        }),
        _ => None,
    };
    (org, r.problems)
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

    fn header() -> HeaderMap {
        match_headers(
            &row(&[
                "序号",
                "企业名称",
                "信用代码",
                "组织类型",
                "乡镇街道",
                "行业",
                "职工人数",
                "成立时间",
            ]),
            ORGANIZATION_COLUMNS,
        )
        .unwrap()
    }

    /// A valid enterprise code (check character computed).
    fn code(first17: &str) -> String {
        CreditCode::from_parts(first17).unwrap().as_str().to_owned()
    }

    #[test]
    fn a_good_row_reads_whatever_its_spellings() {
        let c = code("91330825MA2D12345");
        let cells = row(&[
            "1",
            " 龙游红木家具有限公司 ",
            &c,
            "",
            "龙洲街道",
            "制造业、商贸流通",
            "１２０人",
            "2015年3月18日",
        ]);
        let (o, problems) = organization_row(2, &cells, &header(), TODAY);
        assert!(problems.is_empty(), "{problems:?}");
        let o = o.unwrap();
        assert_eq!(o.name, "龙游红木家具有限公司");
        assert_eq!(
            o.credit_code.as_ref().map(CreditCode::as_str),
            Some(c.as_str())
        );
        // Not written: inferred from the code's leading 9, for a new unit only.
        assert_eq!(o.kind, None);
        assert_eq!(o.inferred_kind, Some(OrgKind::Enterprise));
        assert_eq!(o.town.as_deref(), Some("龙洲街道"));
        let sectors = o.sectors.unwrap();
        assert!(sectors.contains(SectorTag::Manufacturing));
        assert!(sectors.contains(SectorTag::Commerce));
        assert!(!sectors.contains(SectorTag::Internet));
        assert_eq!(o.employees, Some(120));
        assert_eq!(o.registered_on, NaiveDate::from_ymd_opt(2015, 3, 18));
    }

    #[test]
    fn every_problem_is_named_and_warnings_let_the_row_through() {
        let cells = row(&[
            "2",
            "",
            "91330825MA2XXX",
            "公司",
            "",
            "造船",
            "-3",
            "2030-01-01",
        ]);
        let (o, problems) = organization_row(3, &cells, &header(), TODAY);
        assert!(o.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            columns,
            vec![
                "单位名称",
                "统一社会信用代码",
                "单位类型",
                "行业领域",
                "从业人员数",
                "成立日期"
            ],
            "{problems:?}"
        );
        assert!(problems.iter().all(|p| p.severity == Severity::Error));

        // A check character that fails, and a kind the code contradicts: warnings.
        let good = code("51330825MJ1234567");
        let last = good.chars().last().unwrap();
        let wrong = if last == '0' { '1' } else { '0' };
        let bad = format!("{}{wrong}", &good[..17]);
        let cells = row(&["3", "龙游县红木协会", &bad, "非公有制企业", "", "", "", ""]);
        let (o, problems) = organization_row(4, &cells, &header(), TODAY);
        let o = o.unwrap();
        assert!(o.credit_code_check_failed);
        assert_eq!(o.kind, Some(OrgKind::Enterprise));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().all(|p| p.severity == Severity::Warning));
        assert!(problems[1].reason.contains("社会团体"), "{problems:?}");
    }

    #[test]
    fn a_merge_changes_only_what_the_row_says() {
        let current = OrganizationFields {
            name: "旧名".into(),
            kind: OrgKind::Enterprise,
            town: Some(330825001),
            zone: None,
            sectors: SectorSet::default().with(SectorTag::Internet),
            employees: Some(10),
            registered_on: None,
        };
        let r = OrganizationRow {
            row: 2,
            name: "新名".into(),
            credit_code: None,
            credit_code_check_failed: false,
            kind: None,
            inferred_kind: Some(OrgKind::Enterprise),
            county: None,
            town: None,
            zone: None,
            sectors: None,
            employees: Some(12),
            registered_on: None,
        };
        let (next, changed) = merge_organization(&current, &r, None, None);
        assert_eq!(changed, vec!["name", "employees"]);
        assert_eq!(next.town, Some(330825001));
        assert_eq!(next.sectors, current.sectors);
    }
}
