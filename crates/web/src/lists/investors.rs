//! The 出资人 list's filter, shared by the page, its files and the API: all investors, the
//! 新生代 among them, or the 新生代 not yet reached as often as the rule asks in the year.

use chrono::NaiveDate;
use liangxin_domain::investor::InvestorRules;
use liangxin_store::investors::Investor;

use crate::error::WebError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// 新生代出资人
    New,
    /// 新生代出资人 reached fewer times than the rule asks this year.
    Due,
}

impl Show {
    pub fn code(self) -> &'static str {
        match self {
            Show::New => "new",
            Show::Due => "due",
        }
    }
}

pub fn show_of(raw: &Option<String>) -> Result<Option<Show>, WebError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("new") => Ok(Some(Show::New)),
        Some("due") => Ok(Some(Show::Due)),
        Some(_) => Err(WebError::bad_field("列表", "应为 new 或 due")),
    }
}

/// `unit=330825-12`: one unit's investors only.
pub fn unit_of(raw: &Option<String>) -> Result<Option<liangxin_domain::registry::Key>, WebError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(code) => liangxin_domain::registry::Key::parse_code(code)
            .map(Some)
            .ok_or_else(|| WebError::bad_field("单位", "应为单位编号“县代码-编号”，如 330825-12")),
    }
}

/// The investors `show` keeps, judged by the rules for `year`.
pub fn shown<'a>(
    all: &'a [Investor],
    show: Option<Show>,
    rules: &InvestorRules,
    year: i32,
) -> Vec<&'a Investor> {
    all.iter()
        .filter(|i| match show {
            None => true,
            Some(Show::New) => rules.new_generation(i.birth_year, year),
            Some(Show::Due) => {
                rules.new_generation(i.birth_year, year) && !rules.reached(i.contacts)
            }
        })
        .collect()
}

/// The investor rules that judge `year`: those in force at its end (today's, for this one).
pub fn rules_for(
    store: &mut liangxin_store::Store,
    year: i32,
    today: NaiveDate,
) -> Result<InvestorRules, WebError> {
    let day = NaiveDate::from_ymd_opt(year, 12, 31).map_or(today, |end| end.min(today));
    InvestorRules::resolve(&store.rule_set()?, day)
        .map_err(|e| liangxin_store::StoreError::Corrupt(e.to_string()).into())
}
