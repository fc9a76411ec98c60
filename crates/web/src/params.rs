//! Query-string fields as typed by people: blank means absent; anything else is checked,
//! and a bad value is a 422 naming the field in Chinese.

use crate::error::WebError;

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
}
