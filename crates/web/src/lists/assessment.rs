//! The 考核清单's year and the one line of a group's sheet that the page, the files and the
//! API list alike.

use chrono::{Datelike, NaiveDate};
use liangxin_domain::assessment::{Assessee, Sheet};

use crate::error::WebError;
use crate::params;

/// `year=`: a year of the last ten or next year (its criteria are set before it begins,
/// and nothing is assessed yet), this year by default.
pub fn year_of(raw: &Option<String>, today: NaiveDate) -> Result<i32, WebError> {
    match params::text(raw) {
        None => Ok(today.year()),
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (today.year() - 10..=today.year() + 1).contains(y))
            .ok_or_else(|| WebError::bad_field("考核年度", "应为近十年内的年份或明年")),
    }
}

/// The group a sheet's path names (`county/330825`, `zone/7`); anything else is not there.
pub fn assessee(kind: &str, id: i64) -> Result<Assessee, WebError> {
    Assessee::parse(kind, id).ok_or_else(WebError::not_found)
}

/// The sheets in the order listed: by final score, best first, with their places (equal
/// scores share one); those not yet decided follow without a place.
pub fn ranked(sheets: &[Sheet]) -> Vec<(usize, Option<u32>)> {
    liangxin_domain::bulletin::ranking(
        sheets,
        |s| s.last_final.is_some(),
        |s| s.last_final.as_ref().map(|f| f.score.points()),
    )
}

/// A sheet as one line of the list.
#[derive(Debug)]
pub struct SheetLine {
    pub name: String,
    /// The records' points over the weights they counted: “54.8／90”.
    pub computed_part: String,
    /// Entered criteria scored of those in force: “2／3”.
    pub entered: String,
    pub missing: usize,
    /// 计算得分, or “—”.
    pub score: String,
    /// 最终得分, or “未确定”.
    pub final_score: String,
    /// Why the final differs from the computed score, or was changed.
    pub reason: String,
    /// The records changed since the final was decided: its computed score then and now.
    pub moved: Option<String>,
}

pub fn line(s: &Sheet) -> SheetLine {
    let score = s.score();
    SheetLine {
        name: s.name.clone(),
        computed_part: format!("{:.1}／{}", s.computed.points, s.computed.weights_counted),
        entered: format!("{}／{}", s.entered.len() - s.missing(), s.entered.len()),
        missing: s.missing(),
        score: score.map_or("—".into(), |t| t.to_string()),
        final_score: s
            .last_final
            .as_ref()
            .map_or("未确定".into(), |f| f.score.to_string()),
        reason: s
            .last_final
            .as_ref()
            .map(|f| f.reason.clone())
            .unwrap_or_default(),
        moved: s
            .last_final
            .as_ref()
            .filter(|f| Some(f.computed) != score)
            .map(|f| {
                format!(
                    "确定时计算得分{}，现为{}",
                    f.computed,
                    score.map_or("—".into(), |t| t.to_string())
                )
            }),
    }
}
