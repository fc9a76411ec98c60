//! The period a 定期通报 (and its 成效评估) is of, as the page, the files and the API take
//! it: `period=2026-11` (a month) or `2026-Q4` (a quarter); last month by default.

use liangxin_domain::period::Period;
use serde::Deserialize;

use crate::error::WebError;

#[derive(Debug, Default, Deserialize)]
pub struct BulletinQuery {
    pub period: Option<String>,
}

pub fn period_of(q: &BulletinQuery) -> Result<Period, WebError> {
    match q.period.as_deref().map(str::trim) {
        None | Some("") => Ok(Period::containing_month(crate::today()).prev()),
        Some(raw) => Period::parse(raw).map_err(|e| {
            WebError::bad_field("期次", format!("{e}；应如 2026-11（月）或 2026-Q4（季度）"))
        }),
    }
}

/// The period's code as the form and the links carry it.
pub fn code(p: Period) -> String {
    match p {
        Period::Month { year, month } => format!("{year}-{month:02}"),
        Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
        Period::Year(year) => year.to_string(),
    }
}
