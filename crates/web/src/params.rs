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

/// A date as people type it in a form (2026-06-30): `None` when blank; never in the
/// future, never before the Party's founding year.
pub fn form_date(s: &str, today: NaiveDate) -> Result<Option<NaiveDate>, String> {
    match s.trim() {
        "" => Ok(None),
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if d > today => Err("不能晚于今天".into()),
            Ok(d) if chrono::Datelike::year(&d) < 1921 => Err("日期不合理".into()),
            Ok(d) => Ok(Some(d)),
            Err(_) => Err("应为 年-月-日，如 2026-06-30".into()),
        },
    }
}

/// The trimmed value, or `None` when missing or blank.
pub fn text(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
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
        assert_eq!(form_date("-5000-01-01", today), Err("日期不合理".into()));
        assert!(
            form_date("2026/6/31", today)
                .unwrap_err()
                .contains("年-月-日")
        );
        assert!(
            form_pairs(b"a=1&a=2").unwrap().len() == 2,
            "repeated names kept"
        );
    }
}
