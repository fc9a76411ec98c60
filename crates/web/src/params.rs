//! Query-string and form fields as typed by people: blank means absent; anything else is
//! checked, and a bad value is a 422 naming the field in Chinese.

use chrono::NaiveDate;

use crate::error::WebError;

/// A posted form's fields, in order (repeated names kept, as for check boxes).
pub fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, WebError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| WebError::bad_field("表单", "无法解析，请从页面重新提交"))
}

/// The first value of a form field, or empty when the form has none.
pub fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A date as people type it in a form, in every spelling a sheet's cell may have
/// (2026-06-30, 2026/6/30, 2026年6月30日 …): `None` when blank; a whole day, never in the
/// future, never before the Party's founding year.
pub fn form_date(s: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    use liangxin_domain::cells::{DateCell, parse_date};
    match s.trim() {
        "" => Ok(None),
        s => match parse_date(s) {
            Ok(DateCell::Day(d)) if d > today => Err("不能晚于今天".into()),
            Ok(DateCell::Day(d)) if chrono::Datelike::year(&d) < 1921 => Err("日期不合理".into()),
            Ok(DateCell::Day(d)) => Ok(Some(d)),
            Ok(DateCell::Month { .. }) => Err("请写到日，如 2026-06-30".into()),
            Err(e) => Err(e.to_string()),
        },
    }
}

/// 统计截止日期: the day asked for (default today), not in the future.
pub fn as_of_day(raw: &Option<String>) -> Result<NaiveDate, WebError> {
    let today = crate::today();
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(today),
        Some(s) => Ok(form_date(s, today)
            .map_err(|m| WebError::bad_field("统计截止日期", m))?
            .unwrap_or(today)),
    }
}

/// A deadline (a whole day, which may be ahead; the store bounds it): required.
pub fn deadline(field: &'static str, typed: &str) -> Result<NaiveDate, WebError> {
    use liangxin_domain::cells::{DateCell, parse_date};
    match parse_date(typed.trim()) {
        Ok(DateCell::Day(d)) => Ok(d),
        Ok(DateCell::Month { .. }) => Err(WebError::bad_field(field, "请写到日，如 2027-06-30")),
        Err(e) if typed.trim().is_empty() => {
            Err(WebError::bad_field(field, format!("必填（{e}）")))
        }
        Err(e) => Err(WebError::bad_field(field, e.to_string())),
    }
}

/// The trimmed value, or `None` when missing or blank.
pub fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The page sizes offered (每页条数).
pub const PAGE_SIZES: [i64; 4] = [20, 50, 100, 200];

/// 每页条数: one of [`PAGE_SIZES`], if given.
pub fn page_size(s: &Option<String>) -> Result<Option<i64>, WebError> {
    text(s)
        .map(|v| {
            v.parse::<i64>()
                .ok()
                .filter(|n| PAGE_SIZES.contains(n))
                .ok_or_else(|| {
                    let sizes: Vec<String> = PAGE_SIZES.iter().map(i64::to_string).collect();
                    WebError::bad_field("每页条数", format!("可选 {}", sizes.join("、")))
                })
        })
        .transpose()
}

/// Part of a name to search by (`field` names it in the message): up to 50 characters.
pub fn name_part(s: &Option<String>, field: &'static str) -> Result<Option<String>, WebError> {
    let name = text(s);
    if name.as_ref().is_some_and(|n| n.chars().count() > 50) {
        return Err(WebError::bad_field(field, "不能超过50个字"));
    }
    Ok(name)
}

/// A county-level GB/T 2260 code.
pub fn county(s: &Option<String>) -> Result<Option<i32>, WebError> {
    text(s)
        .map(|c| {
            c.parse::<i32>()
                .ok()
                .filter(|c| (100_000..1_000_000).contains(c))
                .ok_or_else(|| WebError::bad_field("县(市、区)", "应为6位行政区划代码"))
        })
        .transpose()
}

/// A party organization as a list's filter takes it: "县代码-编号" (330825-12).
pub fn party_org(s: &Option<String>) -> Result<Option<liangxin_domain::registry::Key>, WebError> {
    text(s)
        .map(|o| {
            liangxin_domain::registry::Key::parse_code(&o)
                .ok_or_else(|| WebError::bad_field("党组织", "应为“县代码-编号”，如 330825-12"))
        })
        .transpose()
}

/// A page number, 1 when absent.
pub fn page(s: &Option<String>) -> Result<i64, WebError> {
    Ok(text(s)
        .map(|p| {
            p.parse::<i64>()
                .ok()
                .filter(|p| (1..=1_000_000).contains(p))
                .ok_or_else(|| WebError::bad_field("页码", "应为正整数"))
        })
        .transpose()?
        .unwrap_or(1))
}

/// A year of the last ten (this one included); `None` when absent.
pub fn year(s: &Option<String>, today: NaiveDate) -> Result<Option<i32>, WebError> {
    use chrono::Datelike;
    text(s)
        .map(|y| {
            y.parse::<i32>()
                .ok()
                .filter(|y| (today.year() - 10..=today.year()).contains(y))
                .ok_or_else(|| WebError::bad_field("年度", "应为近十年内的年份"))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_absent_and_bad_values_name_their_field() {
        assert_eq!(text(&Some("  ".into())), None);
        assert_eq!(county(&Some(" 330825 ".into())).unwrap(), Some(330825));
        assert!(
            county(&Some("33".into()))
                .unwrap_err()
                .message
                .contains("县(市、区)")
        );
        assert_eq!(page(&None).unwrap(), 1);
        assert!(
            page(&Some("0".into()))
                .unwrap_err()
                .message
                .contains("页码")
        );
    }

    #[test]
    fn form_dates_are_checked_against_today_and_history() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(form_date(" ", today), Ok(None));
        assert_eq!(
            form_date("2026-06-30", today),
            Ok(NaiveDate::from_ymd_opt(2026, 6, 30))
        );
        assert_eq!(form_date("2026-11-28", today), Err("不能晚于今天".into()));
        assert!(
            form_date("-5000-01-01", today)
                .unwrap_err()
                .contains("不合理")
        );
        assert!(
            form_date("2026/6/31", today)
                .unwrap_err()
                .contains("没有这一天")
        );
        assert!(form_date("六月", today).unwrap_err().contains("不是日期"));
        assert!(form_date("2026-06", today).unwrap_err().contains("写到日"));
        for typed in ["2026/6/30", "2026年6月30日", "2026.06.30", "20260630"] {
            assert_eq!(
                form_date(typed, today),
                Ok(NaiveDate::from_ymd_opt(2026, 6, 30)),
                "{typed}"
            );
        }
        assert!(
            form_pairs(b"a=1&a=2").unwrap().len() == 2,
            "repeated names kept"
        );
    }
}
