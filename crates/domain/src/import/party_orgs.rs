//! One row of a party-organization sheet (党组织名册) made into a party organization to
//! set up or update, or into problems, as [`super::member_row`] does for members.
//!
//! A row is matched by its 组织编号 (`330825-17`), or else by its name under its parent;
//! the parent is named by its 组织编号, its exact name or its path of names
//! (`龙游县两新工委/红木小镇党委`), and may be a row above it in the same sheet. Finding
//! them is the store's; this is the row alone, and the rules of the tree that a row can
//! break by itself.

use chrono::NaiveDate;

use super::{Problem, Reader, Severity};
use crate::cells::{ColumnSpec, HeaderMap};
use crate::credit_code::CreditCode;
use crate::kinds::{FormationMode, PartyOrgType};

/// The columns of the party-organization template, with the names other systems give them.
pub const PARTY_ORG_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "name",
        label: "党组织名称",
        synonyms: &["党组织全称", "组织名称", "支部名称", "党组织"],
        required: true,
        hint: "党组织全称，如“中共龙游县某某有限公司支部委员会”",
        example: "示例：中共龙游县某某有限公司支部委员会",
    },
    ColumnSpec {
        key: "code",
        label: "组织编号",
        synonyms: &["党组织编号", "编号"],
        required: false,
        hint: "已在系统中的党组织填它的组织编号（党组织页面上，如 330825-17），按编号更新；新建的不填",
        example: "",
    },
    ColumnSpec {
        key: "parent",
        label: "上级党组织",
        synonyms: &["上级组织", "上级党组织名称", "隶属党组织", "上级党委"],
        required: false,
        hint: "新建的必填：上级的组织编号、全称，或用“/”连接的各级名称；也可以是本表上方的行",
        example: "龙游县两新工委",
    },
    ColumnSpec {
        key: "org_type",
        label: "组织类别",
        synonyms: &["党组织类别", "党组织类型", "组织类型"],
        required: false,
        hint: "新建的必填，从下拉列表选择",
        example: "党支部",
    },
    ColumnSpec {
        key: "formation_mode",
        label: "组建方式",
        synonyms: &["建立方式", "组建形式"],
        required: false,
        hint: "从下拉列表选择",
        example: "单独组建",
    },
    ColumnSpec {
        key: "county",
        label: "所在县(市、区)",
        synonyms: &["县(市、区)", "县市区", "区县"],
        required: false,
        hint: "上级是市级党组织时填写（县(市、区)名称或6位代码）；其他情况与上级相同，可不填",
        example: "",
    },
    ColumnSpec {
        key: "zone",
        label: "所在园区小镇",
        synonyms: &["所在园区", "园区", "特色小镇", "园区小镇"],
        required: false,
        hint: "园区或特色小镇的名称，须已在系统中登记",
        example: "",
    },
    ColumnSpec {
        key: "has_committee",
        label: "是否成立支部委员会",
        synonyms: &["成立支委会", "是否设支委会", "支部委员会"],
        required: false,
        hint: "是或否；不设委员会的只有书记",
        example: "是",
    },
    ColumnSpec {
        key: "term_started",
        label: "本届任期开始",
        synonyms: &["换届时间", "本届换届时间", "任期开始", "届期开始"],
        required: false,
        hint: "本届委员会或书记选举产生的日期，如 2024-03-01",
        example: "2024-03-01",
    },
    ColumnSpec {
        key: "covers",
        label: "覆盖单位信用代码",
        synonyms: &["覆盖单位", "所覆盖单位信用代码", "覆盖组织信用代码"],
        required: false,
        hint: "新建党组织覆盖的两新组织的统一社会信用代码，多个用顿号分隔；单位须已登记",
        example: "91330825MA2DXXXX0X",
    },
];

/// The values a column takes from a fixed list (a drop-down in the template), if it does.
pub fn party_org_choices(key: &str) -> Vec<&'static str> {
    match key {
        "org_type" => PartyOrgType::ALL.iter().map(|t| t.label()).collect(),
        "formation_mode" => FormationMode::ALL.iter().map(|m| m.label()).collect(),
        "has_committee" => vec!["是", "否"],
        _ => Vec::new(),
    }
}

/// The party-organization template's instructions sheet, above its table of columns.
pub const PARTY_ORG_TEMPLATE_NOTES: &[&str] = &[
    "党组织名册导入模板：填写说明",
    "每行一个党组织。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：以“示例”开头的行导入时自动跳过，可以保留，也可以删除。",
    "已在系统中的党组织按组织编号更新（没有编号的按上级党组织下的名称匹配），只更新表格中有、且填了内容的列；上级党组织不能通过导入变更。",
    "新建党组织的上级可以是本表上方的行：先写党委、党总支，再写其下的支部。党支部下只能设党小组，党小组下不能再设组织。",
    "覆盖单位只在新建党组织时导入，覆盖关系自导入之日起计算；已有党组织的覆盖单位请在党组织页面调整。",
    "上传后系统先校验并预览，列出每个问题所在的行、列和原因；没有错误才能导入，导入后可以整批撤销。",
];

/// A party-organization row as read, ready to be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgRow {
    pub row: usize,
    pub name: String,
    /// As written: a 组织编号.
    pub code: Option<String>,
    /// As written: a 组织编号, a name, or a path of names.
    pub parent: Option<String>,
    pub org_type: Option<PartyOrgType>,
    pub formation_mode: Option<FormationMode>,
    pub county: Option<String>,
    pub zone: Option<String>,
    pub has_committee: Option<bool>,
    pub term_started: Option<NaiveDate>,
    pub covers: Vec<CreditCode>,
}

/// What an import may change of a party organization. Its parent is not among them: a
/// move of a subtree is not an import's to make.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgFields {
    pub name: String,
    pub org_type: PartyOrgType,
    pub formation_mode: Option<FormationMode>,
    pub zone: Option<i64>,
    pub has_committee: bool,
    pub term_started: Option<NaiveDate>,
}

/// Whether a party organization of `child` type may stand under one of `parent` type: a
/// branch holds only party groups, and a party group nothing.
pub fn may_stand_under(parent: PartyOrgType, child: PartyOrgType) -> bool {
    match parent {
        PartyOrgType::Group => false,
        p if p.is_branch() => child == PartyOrgType::Group,
        _ => true,
    }
}

/// The record as a row would leave it, and the keys of the columns that change (only
/// what the file says; `zone` is the row's park as the store found it).
pub fn merge_party_org(
    current: &PartyOrgFields,
    row: &PartyOrgRow,
    zone: Option<i64>,
) -> (PartyOrgFields, Vec<&'static str>) {
    let next = PartyOrgFields {
        name: row.name.clone(),
        org_type: row.org_type.unwrap_or(current.org_type),
        formation_mode: row.formation_mode.or(current.formation_mode),
        zone: zone.or(current.zone),
        has_committee: row.has_committee.unwrap_or(current.has_committee),
        term_started: row.term_started.or(current.term_started),
    };
    let mut changed = Vec::new();
    if next.name != current.name {
        changed.push("name");
    }
    if next.org_type != current.org_type {
        changed.push("org_type");
    }
    if next.formation_mode != current.formation_mode {
        changed.push("formation_mode");
    }
    if next.zone != current.zone {
        changed.push("zone");
    }
    if next.has_committee != current.has_committee {
        changed.push("has_committee");
    }
    if next.term_started != current.term_started {
        changed.push("term_started");
    }
    (next, changed)
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    super::label_in(PARTY_ORG_COLUMNS, key)
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the party
/// organization when the row has no error, and every problem found.
pub fn party_org_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<PartyOrgRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: PARTY_ORG_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let name = r.org_name("name");
    let optional = |r: &Reader<'_>, key: &str| Some(r.cell(key)).filter(|v| !v.is_empty());
    let code = optional(&r, "code");
    let parent = optional(&r, "parent");
    let org_type = match r.cell("org_type") {
        v if v.is_empty() => None,
        v => match PartyOrgType::parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                r.problem("org_type", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let formation_mode = match r.cell("formation_mode") {
        v if v.is_empty() => None,
        v => match FormationMode::parse(&v) {
            Ok(m) => Some(m),
            Err(e) => {
                r.problem("formation_mode", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let county = optional(&r, "county");
    let zone = optional(&r, "zone");
    let has_committee = match r.cell("has_committee").as_str() {
        "" => None,
        "是" | "已成立" | "有" | "Y" | "y" | "1" => Some(true),
        "否" | "未成立" | "无" | "N" | "n" | "0" => Some(false),
        v => {
            let v = v.to_owned();
            r.problem("has_committee", &v, "应为“是”或“否”", Severity::Error);
            None
        }
    };
    let term_started = r.date("term_started", today);
    let mut covers = Vec::new();
    let written = r.cell("covers");
    for part in written
        .split(['、', '，', ',', '；', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match CreditCode::parse(part) {
            Ok(p) => {
                if p.check_failed {
                    r.problem(
                        "covers",
                        part,
                        format!(
                            "校验码不符（应为{}），仍按此代码匹配",
                            p.code.expected_check_character()
                        ),
                        Severity::Warning,
                    );
                }
                covers.push(p.code);
            }
            Err(e) => r.problem("covers", part, e.to_string(), Severity::Error),
        }
    }
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let po = match name {
        Some(name) if !errors => Some(PartyOrgRow {
            row,
            name,
            code,
            parent,
            org_type,
            formation_mode,
            county,
            zone,
            has_committee,
            term_started,
            covers,
        }),
        _ => None,
    };
    (po, r.problems)
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
                "支部名称",
                "上级党委",
                "党组织类型",
                "组建形式",
                "成立支委会",
                "换届时间",
                "覆盖单位",
            ]),
            PARTY_ORG_COLUMNS,
        )
        .unwrap()
    }

    #[test]
    fn a_good_row_reads_and_a_bad_one_names_every_problem() {
        let a = CreditCode::from_parts("91330825MA2D12345").unwrap();
        let b = CreditCode::from_parts("91330825MA2D12346").unwrap();
        let covers = format!("{}、{}", a.as_str(), b.as_str());
        let cells = row(&[
            "中共龙游某公司支部委员会",
            "龙游县两新工委/红木小镇党委",
            "党支部",
            "单独组建",
            "是",
            "2024年3月1日",
            &covers,
        ]);
        let (po, problems) = party_org_row(2, &cells, &header(), TODAY);
        assert!(problems.is_empty(), "{problems:?}");
        let po = po.unwrap();
        assert_eq!(po.parent.as_deref(), Some("龙游县两新工委/红木小镇党委"));
        assert_eq!(po.org_type, Some(PartyOrgType::Branch));
        assert_eq!(po.has_committee, Some(true));
        assert_eq!(po.term_started, NaiveDate::from_ymd_opt(2024, 3, 1));
        assert_eq!(po.covers, vec![a, b]);

        let cells = row(&["", "", "支部", "自建", "有时", "2030-01-01", "123"]);
        let (po, problems) = party_org_row(3, &cells, &header(), TODAY);
        assert!(po.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            columns,
            vec![
                "党组织名称",
                "组织类别",
                "组建方式",
                "是否成立支部委员会",
                "本届任期开始",
                "覆盖单位信用代码"
            ],
            "{problems:?}"
        );
    }

    #[test]
    fn a_branch_holds_only_groups() {
        assert!(may_stand_under(
            PartyOrgType::Committee,
            PartyOrgType::Branch
        ));
        assert!(may_stand_under(
            PartyOrgType::GeneralBranch,
            PartyOrgType::Branch
        ));
        assert!(may_stand_under(PartyOrgType::Branch, PartyOrgType::Group));
        assert!(!may_stand_under(
            PartyOrgType::JointBranch,
            PartyOrgType::Branch
        ));
        assert!(!may_stand_under(PartyOrgType::Group, PartyOrgType::Group));
    }
}
