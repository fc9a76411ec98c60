//! One row of a dues ledger (党费缴纳记录) kept before the platform, made into a month's
//! payment of a member, or into problems. The member is found by the keyed hash of the
//! resident ID; whether they belonged to the branch that month and whether the month is
//! already marked are the store's.

use chrono::{Datelike, NaiveDate};

use super::{Problem, Reader, Severity};
use crate::cells::{self, ColumnSpec, HeaderMap};
use crate::money::Fen;
use crate::period::Period;
use crate::resident_id::ResidentId;

/// The most one month's line may carry (元 100,000): anything above is a typing error.
pub const ABSURD_FEN: i64 = 10_000_000;

/// The columns of the dues-history template, with the names other systems give them.
pub const PAYMENT_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        key: "name",
        label: "姓名",
        synonyms: &["党员姓名"],
        required: false,
        hint: "便于核对，可不填；与登记的姓名不同时会提示",
        example: "示例：张红梅",
    },
    ColumnSpec {
        key: "resident_id",
        label: "公民身份号码",
        synonyms: &["身份证号", "身份证号码", "身份证", "证件号码"],
        required: true,
        hint: "18位公民身份号码；党员须已在您的管理范围内登记",
        example: "330825198506010075",
    },
    ColumnSpec {
        key: "month",
        label: "所属月份",
        synonyms: &["缴纳月份", "月份", "党费月份", "交纳月份"],
        required: true,
        hint: "党费所属的月份，如 2025-03 或 2025年3月",
        example: "2025-03",
    },
    ColumnSpec {
        key: "amount",
        label: "缴纳金额",
        synonyms: &["金额", "交纳金额", "实缴金额", "党费金额"],
        required: true,
        hint: "元，如 50 或 50.00",
        example: "50.00",
    },
    ColumnSpec {
        key: "paid_on",
        label: "缴纳日期",
        synonyms: &["交纳日期", "收缴日期"],
        required: false,
        hint: "不填按所属月份的最后一天（晚于今天的按今天）",
        example: "2025-03-10",
    },
];

/// The dues-history template's instructions sheet.
pub const PAYMENT_TEMPLATE_NOTES: &[&str] = &[
    "党费缴纳记录导入模板：填写说明",
    "每行一名党员一个月的党费。第1行是列名，请不要改动列名；列的顺序可以调整，选填的列可以删去。",
    "红色列名为必填。第2行是示例：姓名以“示例”开头的行导入时自动跳过。",
    "党员按公民身份号码查找，须在您的管理范围内登记且当月在册；已登记过的月份不能重复导入，有差错请在党费页面登记更正。",
    "上传后系统先校验并预览；没有错误才能导入，导入后可以整批撤销。",
];

/// A payment row as read, ready to be matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub row: usize,
    pub name: Option<String>,
    pub resident_id: ResidentId,
    pub month: Period,
    pub amount: Fen,
    pub paid_on: Option<NaiveDate>,
}

/// The column's name in the template, by its key.
pub fn column_label(key: &str) -> &'static str {
    super::label_in(PAYMENT_COLUMNS, key)
}

/// Reads one data row (`row` is its number in the spreadsheet). Returns the payment when
/// the row has no error, and every problem found.
pub fn payment_row(
    row: usize,
    cells: &[String],
    map: &HeaderMap,
    today: NaiveDate,
) -> (Option<PaymentRow>, Vec<Problem>) {
    let mut r = Reader {
        columns: PAYMENT_COLUMNS,
        row,
        cells,
        map,
        problems: Vec::new(),
    };
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
    let month = r.required("month").and_then(|v| {
        // A date in the month (2025-03-01, an Excel serial) names its month as well.
        let parsed = Period::parse(&v).ok().or_else(|| {
            let day = if v.len() == 5 && v.chars().all(|c| c.is_ascii_digit()) {
                v.parse::<f64>().ok().and_then(cells::excel_serial_date)
            } else {
                match cells::parse_date(&v) {
                    Ok(cells::DateCell::Day(d)) => Some(d),
                    Ok(m @ cells::DateCell::Month { .. }) => Some(m.first_day()),
                    Err(_) => None,
                }
            }?;
            Period::month(day.year(), day.month()).ok()
        });
        match parsed {
            Some(p @ Period::Month { .. })
                if p.first_day() <= today && p.first_day().year() >= 2008 =>
            {
                Some(p)
            }
            Some(Period::Month { .. }) => {
                r.problem("month", &v, "应在2008年1月至本月之间", Severity::Error);
                None
            }
            _ => {
                r.problem(
                    "month",
                    &v,
                    "应为年月，如 2025-03 或 2025年3月",
                    Severity::Error,
                );
                None
            }
        }
    });
    let amount = r
        .required("amount")
        .and_then(|v| match Fen::from_yuan_str(&v) {
            Ok(f) if f > Fen::ZERO && f.fen() <= ABSURD_FEN => Some(f),
            Ok(f) if f <= Fen::ZERO => {
                r.problem(
                    "amount",
                    &v,
                    "应大于0；更正请在党费页面登记",
                    Severity::Error,
                );
                None
            }
            Ok(_) => {
                r.problem("amount", &v, "金额过大，请核对", Severity::Error);
                None
            }
            Err(e) => {
                r.problem("amount", &v, e.to_string(), Severity::Error);
                None
            }
        });
    let paid_on = r.date("paid_on", today);
    if let (Some(m), Some(p)) = (month, paid_on)
        && p < m.first_day()
    {
        let v = r.cell("paid_on");
        r.problem(
            "paid_on",
            &v,
            "早于所属月份，请核对（预交请按实际所属月份填写）",
            Severity::Warning,
        );
    }
    let errors = r.problems.iter().any(|p| p.severity == Severity::Error);
    let p = match (resident_id, month, amount) {
        (Some(resident_id), Some(month), Some(amount)) if !errors => Some(PaymentRow {
            row,
            name,
            resident_id,
            month,
            amount,
            paid_on,
        }),
        _ => None,
    };
    (p, r.problems)
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
    fn months_in_the_spellings_people_use_and_problems_named() {
        let map = match_headers(
            &row(&["党员姓名", "身份证号", "缴纳月份", "金额"]),
            PAYMENT_COLUMNS,
        )
        .unwrap();
        let id = ResidentId::from_parts("330825", NaiveDate::from_ymd_opt(1985, 6, 1).unwrap(), 7)
            .unwrap();
        for (written, month) in [
            ("2025-03", 3),
            ("2025年4月", 4),
            ("2025-05-01", 5),
            ("45839", 7),
        ] {
            let (p, problems) =
                payment_row(2, &row(&["张三", id.expose(), written, "50"]), &map, TODAY);
            assert!(problems.is_empty(), "{written}: {problems:?}");
            assert_eq!(
                p.unwrap().month,
                Period::month(2025, month).unwrap(),
                "{written}"
            );
        }
        let (p, problems) = payment_row(3, &row(&["", "123", "2027-01", "-5"]), &map, TODAY);
        assert!(p.is_none());
        let columns: Vec<&str> = problems.iter().map(|p| p.column).collect();
        assert_eq!(columns, vec!["公民身份号码", "所属月份", "缴纳金额"]);
    }
}
