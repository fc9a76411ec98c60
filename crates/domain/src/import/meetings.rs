//! One row of an attendance sheet (组织生活出席记录) kept before the platform: one member's
//! attendance at one meeting. The rows of a meeting share its party organization, type,
//! date and topic; gathering them, finding the party organization and the members, and
//! checking that every member expected that day is there, are the store's.

use chrono::NaiveDate;

use super::{Problem, Reader, Severity};
use crate::cells::{ColumnSpec, HeaderMap};
use crate::kinds::{Attendance, MeetingKind};
use crate::resident_id::ResidentId;

/// The columns of the attendance template, with the names other systems give them.
pub const MEETING_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "party_org",
        label: "党组织",
        synonyms: &["党组织名称", "所在支部", "党支部", "组织编号"],
        required: true,
        hint: "组织编号（如 330825-17）或党组织全称",
        example: "330825-17",
    },
    ColumnSpec {
        key: "kind",
        label: "会议类型",
        synonyms: &["会议类别", "活动类型"],
        required: true,
        hint: "从下拉列表选择",
        example: "支部党员大会",
    },
    ColumnSpec {
        key: "held_on",
        label: "会议日期",
        synonyms: &["召开日期", "活动日期", "日期"],
        required: true,
        hint: "如 2025-03-15",
        example: "2025-03-15",
    },
    ColumnSpec {
        key: "topic",
        label: "会议主题",
        synonyms: &["主题", "活动主题", "议题"],
        required: true,
        hint: "同一次会议的各行主题相同",
        example: "学习贯彻党的二十届三中全会精神",
    },
    ColumnSpec {
        key: "place",
        label: "会议地点",
        synonyms: &["地点"],
        required: false,
        hint: "",
        example: "公司党员活动室",
    },
    ColumnSpec {
        key: "host",
        label: "主持人",
        synonyms: &[],
        required: false,
        hint: "",
        example: "",
    },
    ColumnSpec {
        key: "name",
        label: "姓名",
        synonyms: &["党员姓名"],
        required: false,
        hint: "便于核对，可不填",
        example: "示例：张红梅",
    },
    ColumnSpec {
        key: "resident_id",
        label: "公民身份号码",
        synonyms: &["身份证号", "身份证号码", "身份证"],
        required: true,
        hint: "18位公民身份号码；会议当天须是该党组织的党员",
        example: "330825198506010075",
    },
    ColumnSpec {
        key: "attendance",
        label: "出席情况",
        synonyms: &["出勤情况", "是否出席"],
        required: true,
        hint: "从下拉列表选择：出席、请假或缺席",
        example: "出席",
    },
    ColumnSpec {
        key: "reason",
        label: "请假原因",
        synonyms: &["原因", "缺席原因"],
        required: false,
        hint: "请假的必填",
        example: "",
    },
];

/// The values a column takes from a fixed list (a drop-down in the template), if it does.
pub fn meeting_choices(key: &str) -> Vec<&'static str> {
    match key {
        "kind" => MeetingKind::ALL.iter().map(|k| k.label()).collect(),
        "attendance" => Attendance::ALL.iter().map(|a| a.label()).collect(),
        _ => Vec::new(),
    }
}

/// The attendance template's instructions sheet.
pub const MEETING_TEMPLATE_NOTES: &[&str] = &[
    "组织生活出席记录导入模板：填写说明",
    "每行一名党员参加一次会议的情况；党组织、会议类型、会议日期和主题都相同的行是同一次会议。",
    "第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。红色列名为必填；姓名以“示例”开头的行导入时自动跳过。",
    "每次会议须列出会议当天该党组织的全部党员（含流入的流动党员）：出席、请假（写明原因）或缺席。",
    "补录的历史会议按补录登记；该党组织当天已登记的同类会议不能重复导入。上传后系统先校验并预览；没有错误才能导入，导入后可以整批撤销。",
];

/// An attendance row as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingRow {
    pub row: usize,
    /// As written: a 组织编号 or a name.
    pub party_org: String,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub topic: String,
    pub place: String,
    pub host: String,
    pub name: Option<String>,
    pub resident_id: ResidentId,
    pub attendance: Attendance,
    pub reason: Option<String>,
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the attendance
/// when the row has no error, and every problem found.
pub fn meeting_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<MeetingRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: MEETING_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let party_org = r.required("party_org");
    let kind = r
        .required("kind")
        .and_then(|v| match MeetingKind::parse(&v) {
            Ok(k) => Some(k),
            Err(e) => {
                r.problem("kind", &v, e.to_string(), Severity::Error);
                None
            }
        });
    let held_on = r.date("held_on", today);
    if held_on.is_none() && r.cell("held_on").is_empty() {
        r.problem("held_on", "", "必填", Severity::Error);
    }
    // A meeting is held on a day: a month alone (a warning elsewhere) is not enough.
    let held_on = match r.problems.iter_mut().find(|p| {
        p.column == super::label_in(MEETING_COLUMNS, "held_on") && p.severity == Severity::Warning
    }) {
        Some(p) => {
            p.severity = Severity::Error;
            p.reason = "会议日期须写到日".into();
            None
        }
        None => held_on,
    };
    let topic = r.required("topic").and_then(|t| {
        if t.chars().count() > 200 {
            r.problem("topic", &t, "不能超过200字", Severity::Error);
            return None;
        }
        Some(t)
    });
    let place = r.cell("place");
    let host = r.cell("host");
    let name = Some(r.cell("name")).filter(|v| !v.is_empty());
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
    let attendance = r
        .required("attendance")
        .and_then(|v| match Attendance::parse(&v) {
            Ok(a) => Some(a),
            Err(e) => {
                r.problem("attendance", &v, e.to_string(), Severity::Error);
                None
            }
        });
    let reason = Some(r.cell("reason")).filter(|v| !v.is_empty());
    if attendance == Some(Attendance::Excused) && reason.is_none() {
        r.problem("reason", "", "请假的应填写请假原因", Severity::Error);
    }
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let m = match (party_org, kind, held_on, topic, resident_id, attendance) {
        (
            Some(party_org),
            Some(kind),
            Some(held_on),
            Some(topic),
            Some(resident_id),
            Some(attendance),
        ) if !errors => Some(MeetingRow {
            row,
            party_org,
            kind,
            held_on,
            topic,
            place,
            host,
            name,
            resident_id,
            attendance,
            reason,
        }),
        _ => None,
    };
    (m, r.problems)
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
    fn rows_read_and_an_excuse_needs_its_reason() {
        let map = match_headers(
            &row(&[
                "所在支部",
                "会议类别",
                "召开日期",
                "主题",
                "身份证号",
                "出勤情况",
                "原因",
            ]),
            MEETING_COLUMNS,
        )
        .unwrap();
        let id = ResidentId::from_parts("330825", NaiveDate::from_ymd_opt(1985, 6, 1).unwrap(), 7)
            .unwrap();
        let (m, problems) = meeting_row(
            2,
            &row(&[
                "330825-17",
                "支部党员大会",
                "2025年3月15日",
                "学习",
                id.expose(),
                "出席",
                "",
            ]),
            &map,
            TODAY,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(m.unwrap().kind, MeetingKind::BranchAssembly);
        let (m, problems) = meeting_row(
            3,
            &row(&["330825-17", "开会", "", "学习", id.expose(), "请假", ""]),
            &map,
            TODAY,
        );
        assert!(m.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(columns, vec!["会议类型", "会议日期", "请假原因"]);
        // A month alone is not a meeting's day.
        let (m, problems) = meeting_row(
            4,
            &row(&[
                "330825-17",
                "党课",
                "2025年3月",
                "学习",
                id.expose(),
                "出席",
                "",
            ]),
            &map,
            TODAY,
        );
        assert!(m.is_none());
        assert_eq!(problems[0].reason, "会议日期须写到日");
        assert_eq!(problems[0].severity, Severity::Error);
    }
}
