//! One row of a committee sheet (委员会成员名单) made into a term of a post to record, or
//! into problems: the party organization by its 组织编号 or name, the member by the
//! resident ID, the post, and the term's first and (for a past term) last day. Finding the
//! organization and the member is the store's; this is the row alone.

use chrono::NaiveDate;

use super::{Problem, Reader, Severity};
use crate::cells::{ColumnSpec, HeaderMap};
use crate::kinds::Post;
use crate::resident_id::ResidentId;

/// The columns of the committee template, with the names other systems give them.
pub const POST_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "party_org",
        label: "所在党组织",
        synonyms: &["党组织", "党组织名称", "党组织编号", "组织编号", "党支部"],
        required: true,
        hint: "组织编号（如 330825-17）或党组织全称；党小组组长填党小组",
        example: "330825-17",
    },
    ColumnSpec {
        key: "name",
        label: "姓名",
        synonyms: &["党员姓名"],
        required: false,
        hint: "便于核对，按公民身份号码匹配",
        example: "示例：张红梅",
    },
    ColumnSpec {
        key: "resident_id",
        label: "公民身份号码",
        synonyms: &["身份证号", "身份证号码", "身份证", "证件号码"],
        required: true,
        hint: "18位公民身份号码；须为该党组织（党小组组长为该党小组）的党员",
        example: "330825198506010075",
    },
    ColumnSpec {
        key: "post",
        label: "职务",
        synonyms: &["委员会职务", "党内职务", "分工"],
        required: true,
        hint: "从下拉列表选择",
        example: "书记",
    },
    ColumnSpec {
        key: "since",
        label: "任职日期",
        synonyms: &["任职时间", "任职开始日期", "当选日期"],
        required: true,
        hint: "如 2024-03-01、2024年3月1日",
        example: "2024-03-01",
    },
    ColumnSpec {
        key: "until",
        label: "离任日期",
        synonyms: &["离任时间", "免职日期", "任职结束日期"],
        required: false,
        hint: "往届已离任的填写；现任的不填",
        example: "",
    },
];

/// The values a column takes from a fixed list (a drop-down in the template), if it does.
pub fn post_choices(key: &str) -> Vec<&'static str> {
    match key {
        "post" => Post::ALL.iter().map(|p| p.label()).collect(),
        _ => Vec::new(),
    }
}

/// The committee template's instructions sheet, above its table of columns.
pub const POST_TEMPLATE_NOTES: &[&str] = &[
    "委员会成员名单导入模板：填写说明",
    "每行一届任职：一名党员在一个党组织担任一个职务。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：姓名以“示例”开头的行导入时自动跳过。",
    "党员按公民身份号码匹配，须是该党组织（党小组组长须是该党小组）的正式党员；预备党员没有被选举权。",
    "书记、组织委员等一人担任的职务，任期不能重叠；一名党员在同一党组织同一时间只任一个职务。换届请先填写上一届的离任日期。",
    "已登记的同一任职（同一党组织、职务、党员和任职日期）会跳过。",
    "上传后系统先校验并预览；没有错误才能导入，导入后可以整批撤销（导入后有人已登记离任的除外）。",
];

/// A committee row as read, ready to be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostRow {
    pub row: usize,
    /// As written: a 组织编号 or a name.
    pub party_org: String,
    pub name: Option<String>,
    pub resident_id: ResidentId,
    pub post: Post,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    super::label_in(POST_COLUMNS, key)
}

/// Accepts the names people give the posts besides the template's.
fn parse_post(v: &str) -> Option<Post> {
    match v {
        "支部书记" | "党支部书记" | "党委书记" | "党总支书记" => {
            Some(Post::Secretary)
        }
        "支部副书记" | "党委副书记" | "党总支副书记" => Some(Post::DeputySecretary),
        "支委" | "支部委员" | "党委委员" => Some(Post::Member),
        "组长" | "小组长" | "党小组长" => Some(Post::GroupLeader),
        _ => Post::parse(v).ok(),
    }
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the term when
/// the row has no error, and every problem found.
pub fn post_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<PostRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: POST_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
    let party_org = r.required("party_org");
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
    let post = r.required("post").and_then(|v| match parse_post(&v) {
        Some(p) => Some(p),
        None => {
            let choices = Post::ALL.iter().map(|p| p.label()).collect::<Vec<_>>();
            r.problem(
                "post",
                &v,
                format!("应为{}之一", choices.join("、")),
                Severity::Error,
            );
            None
        }
    });
    let since = match r.cell("since").is_empty() {
        true => {
            r.problem("since", "", "必填", Severity::Error);
            None
        }
        false => r.date("since", today),
    };
    let until = r.end_date("until", today);
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        let v = r.cell("until");
        r.problem("until", &v, "早于任职日期", Severity::Error);
    }
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let term = match (party_org, resident_id, post, since) {
        (Some(party_org), Some(resident_id), Some(post), Some(since)) if !errors => Some(PostRow {
            row,
            party_org,
            name,
            resident_id,
            post,
            since,
            until,
        }),
        _ => None,
    };
    (term, r.problems)
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
    fn posts_in_the_names_people_use_and_every_problem_named() {
        let map = match_headers(
            &row(&[
                "党支部",
                "党员姓名",
                "身份证号",
                "党内职务",
                "当选日期",
                "免职日期",
            ]),
            POST_COLUMNS,
        )
        .unwrap();
        let id = ResidentId::from_parts("330825", NaiveDate::from_ymd_opt(1985, 6, 1).unwrap(), 7)
            .unwrap();
        for (written, post) in [
            ("支部书记", Post::Secretary),
            ("组织委员", Post::Organization),
            ("支委", Post::Member),
            ("小组长", Post::GroupLeader),
        ] {
            let (p, problems) = post_row(
                2,
                &row(&[
                    "330825-17",
                    "张三",
                    id.expose(),
                    written,
                    "2024年3月1日",
                    "",
                ]),
                &map,
                TODAY,
            );
            assert!(problems.is_empty(), "{written}: {problems:?}");
            let p = p.unwrap();
            assert_eq!((p.post, p.until), (post, None), "{written}");
            assert_eq!(p.since, NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        }
        let (p, problems) = post_row(
            3,
            &row(&["", "", "123", "主任", "2027-01-01", "2020-01-01"]),
            &map,
            TODAY,
        );
        assert!(p.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(
            columns,
            vec!["所在党组织", "公民身份号码", "职务", "任职日期"]
        );
        let (_, problems) = post_row(
            4,
            &row(&[
                "330825-17",
                "",
                id.expose(),
                "书记",
                "2024-03-01",
                "2023-12-31",
            ]),
            &map,
            TODAY,
        );
        assert_eq!(problems[0].column, "离任日期");
    }
}
