//! The 项目领办清单's filter and its 节点 as typed, shared by the page and the API.

use chrono::NaiveDate;
use liangxin_domain::cells::{DateCell, parse_date};
use liangxin_domain::project::MILESTONES_MAX;

use crate::error::WebError;

/// `show=late`: only the projects late today.
pub fn late_only(raw: &Option<String>) -> Result<bool, WebError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(false),
        Some("late") => Ok(true),
        Some(_) => Err(WebError::bad_field("列表", "应为 late")),
    }
}

/// 节点 typed one a line, the day first: “2026-12-31 组建联盟” (blank lines skipped).
pub fn parse_milestones(text: &str) -> Result<Vec<(String, NaiveDate)>, WebError> {
    // Numbered as typed, blank lines too, so a message names the line the user sees.
    let lines: Vec<(usize, &str)> = text
        .lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .collect();
    if lines.len() > MILESTONES_MAX {
        return Err(WebError::bad_field(
            "节点",
            format!("最多{MILESTONES_MAX}个节点"),
        ));
    }
    lines
        .iter()
        .map(|&(i, line)| {
            let bad = || {
                WebError::bad_field(
                    "节点",
                    format!("第{}行应为“日期 内容”，如 2026-12-31 组建联盟", i + 1),
                )
            };
            let (day, title) = line.split_once(char::is_whitespace).ok_or_else(bad)?;
            match parse_date(day) {
                Ok(DateCell::Day(d)) => Ok((title.trim().to_owned(), d)),
                _ => Err(bad()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestones_are_read_a_line_each_and_a_bad_line_is_named() {
        let ms = parse_milestones("2026-12-31 组建联盟\n\n 2027年5月31日　开展联建活动 ").unwrap();
        assert_eq!(
            ms,
            [
                (
                    "组建联盟".to_owned(),
                    NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
                ),
                (
                    "开展联建活动".to_owned(),
                    NaiveDate::from_ymd_opt(2027, 5, 31).unwrap()
                ),
            ]
        );
        let e = parse_milestones("2026-12-31 组建联盟\n\n下个月 开展活动").unwrap_err();
        assert!(e.message.contains("第3行"), "{}", e.message);
        assert!(parse_milestones("").unwrap().is_empty());
    }
}
