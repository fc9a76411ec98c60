//! One row of a zone sheet (园区小镇名录) made into a park or town to register, or into
//! problems. A zone is known by its name within its county; the county is named by its
//! name or 6-digit code, and the 党工委 that leads it by its 组织编号 or full name. Finding
//! them is the store's; this is the row alone.

use super::{Problem, Reader, Severity};
use crate::cells::{ColumnSpec, HeaderMap};
use crate::kinds::{ZoneClass, ZoneKind, ZoneLevel};

/// The columns of the zone template, with the names other systems give them.
pub const ZONE_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "name",
        label: "园区小镇名称",
        synonyms: &["名称", "园区名称", "小镇名称", "区域名称", "园区小镇"],
        required: true,
        hint: "全称，同一县(市、区)内不重名",
        example: "示例：龙游红木小镇",
    },
    ColumnSpec {
        key: "kind",
        label: "区域类型",
        synonyms: &["类型", "类别", "园区类型"],
        required: true,
        hint: "从下拉列表选择",
        example: "特色小镇",
    },
    ColumnSpec {
        key: "class",
        label: "小镇分类",
        synonyms: &["一镇一策分类", "分类"],
        required: false,
        hint: "特色小镇的一镇一策分类，从下拉列表选择",
        example: "传统产业提升类",
    },
    ColumnSpec {
        key: "level",
        label: "区域级别",
        synonyms: &["级别", "认定级别"],
        required: false,
        hint: "从下拉列表选择",
        example: "省级",
    },
    ColumnSpec {
        key: "county",
        label: "所在县(市、区)",
        synonyms: &["县(市、区)", "县市区", "区县"],
        required: false,
        hint: "县(市、区)名称或6位代码；县(市、区)的账号导入时可不填",
        example: "龙游县",
    },
    ColumnSpec {
        key: "leader",
        label: "党工委",
        synonyms: &["园区党工委", "小镇党工委", "党工委组织编号", "党工委名称"],
        required: false,
        hint: "已登记的党工委的组织编号或全称；党工委尚未登记的，以后在党组织名册的“所在园区小镇”列填写本园区小镇",
        example: "",
    },
];

/// The values a column takes from a fixed list (a drop-down in the template), if it does.
pub fn zone_choices(key: &str) -> Vec<&'static str> {
    match key {
        "kind" => ZoneKind::ALL.iter().map(|k| k.label()).collect(),
        "class" => ZoneClass::ALL.iter().map(|c| c.label()).collect(),
        "level" => ZoneLevel::ALL.iter().map(|l| l.label()).collect(),
        _ => Vec::new(),
    }
}

/// The zone template's instructions sheet, above its table of columns.
pub const ZONE_TEMPLATE_NOTES: &[&str] = &[
    "园区小镇名录导入模板：填写说明",
    "每行一个园区、特色小镇、商务楼宇或专业市场。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：以“示例”开头的行导入时自动跳过，可以保留，也可以删除。",
    "上线时请在两新组织名录之前导入本表：两新组织和党组织按名称填写所在园区小镇。",
    "同一县(市、区)内已登记的同名园区小镇会跳过（内容不同的会提示），请在园区小镇页面修改。",
    "党工委须已登记、类别为“党工委”，且不是另一个园区小镇的党工委；尚未登记的可以不填，导入党组织名册时在“所在园区小镇”列填写。",
    "上传后系统先校验并预览；没有错误才能导入，导入后可以整批撤销。",
];

/// A zone row as read, ready to be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRow {
    pub row: usize,
    pub name: String,
    pub kind: ZoneKind,
    pub class: Option<ZoneClass>,
    pub level: Option<ZoneLevel>,
    /// As written: a county's name or code.
    pub county: Option<String>,
    /// As written: a 组织编号 or a full name.
    pub leader: Option<String>,
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    super::label_in(ZONE_COLUMNS, key)
}

/// Whether a row is the template's example (its name begins with 示例).
pub fn is_example_row(cells: &[String], map: &HeaderMap) -> bool {
    map.index("name")
        .and_then(|i| cells.get(i))
        .is_some_and(|n| crate::cells::normalize(n).starts_with(super::EXAMPLE_MARK))
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the zone when the
/// row has no error, and every problem found.
pub fn zone_row(row: usize, cells: &[String], map: &HeaderMap) -> (Option<ZoneRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: ZONE_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let name = r.org_name("name");
    let kind = r.required("kind").and_then(|v| match ZoneKind::parse(&v) {
        Ok(k) => Some(k),
        Err(e) => {
            r.problem("kind", &v, e.to_string(), Severity::Error);
            None
        }
    });
    let class = match r.value("class") {
        v if v.is_empty() => None,
        v => match ZoneClass::parse(&v) {
            Ok(c) => Some(c),
            Err(e) => {
                r.problem("class", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let level = match r.value("level") {
        v if v.is_empty() => None,
        v => match ZoneLevel::parse(&v) {
            Ok(l) => Some(l),
            Err(e) => {
                r.problem("level", &v, e.to_string(), Severity::Error);
                None
            }
        },
    };
    let optional = |r: &Reader<'_>, key: &str| Some(r.cell(key)).filter(|v| !v.is_empty());
    let county = optional(&r, "county");
    let leader = optional(&r, "leader");
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let zone = match (name, kind) {
        (Some(name), Some(kind)) if !errors => Some(ZoneRow {
            row,
            name,
            kind,
            class,
            level,
            county,
            leader,
        }),
        _ => None,
    };
    (zone, r.problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::match_headers;

    fn header(names: &[&str]) -> HeaderMap {
        let cells: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        match_headers(&cells, ZONE_COLUMNS).expect("header")
    }

    fn cells(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_row_names_its_zone_by_label_and_synonym_columns() {
        let map = header(&["名称", "类型", "一镇一策分类", "级别", "区县", "党工委"]);
        let (zone, problems) = zone_row(
            2,
            &cells(&[
                "龙游红木小镇",
                "特色小镇",
                "传统产业提升类",
                "省级",
                "龙游县",
                "",
            ]),
            &map,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let zone = zone.expect("a zone");
        assert_eq!(zone.kind, ZoneKind::Town);
        assert_eq!(zone.class, Some(ZoneClass::TraditionalIndustry));
        assert_eq!(zone.level, Some(ZoneLevel::Provincial));
        assert_eq!(zone.county.as_deref(), Some("龙游县"));
        assert_eq!(zone.leader, None);
    }

    #[test]
    fn every_bad_cell_is_named_with_its_column() {
        let map = header(&["园区小镇名称", "区域类型", "小镇分类", "区域级别"]);
        let (zone, problems) = zone_row(3, &cells(&["镇", "工业园", "工业类", "国家级"]), &map);
        assert!(zone.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            columns,
            ["园区小镇名称", "区域类型", "小镇分类", "区域级别"]
        );
        assert!(problems.iter().all(|p| p.row == 3));
    }

    #[test]
    fn the_type_is_required() {
        let map = header(&["园区小镇名称", "区域类型"]);
        let (zone, problems) = zone_row(2, &cells(&["龙游工业园区", ""]), &map);
        assert!(zone.is_none());
        assert_eq!(problems[0].column, "区域类型");
        assert_eq!(problems[0].reason, "必填");
    }
}
