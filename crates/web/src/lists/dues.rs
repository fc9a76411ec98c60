//! The month's dues for the pages, the API and the files: the roll-up by party organization
//! (`/dues`) and the members behind each of its figures (`/dues/members`). Both read the
//! scope's month once per change of the records ([`report::scope_dues`]), so a page of
//! either is a slice of it.

use std::borrow::Cow;
use std::sync::Arc;

use liangxin_domain::dues::MonthState;
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_store::dues::{DuesMonth, DuesRollupRow, MonthList, SheetRow};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::params;
use crate::report;
use crate::view::query;

/// A month no later than this one, `2026-11`; this month when not given.
pub fn parse_month(s: Option<&str>, today: chrono::NaiveDate) -> Result<Period, WebError> {
    let this = Period::containing_month(today);
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(this),
        Some(t) => match Period::parse(t) {
            Ok(p @ Period::Month { .. }) if p <= this => Ok(p),
            Ok(Period::Month { .. }) => Err(WebError::bad_field("月份", "不能晚于本月")),
            _ => Err(WebError::bad_field("月份", "应为年月，如2026-11")),
        },
    }
}

/// `2026-11`, as a query string carries a month.
pub fn month_value(month: Period) -> String {
    month.first_day().format("%Y-%m").to_string()
}

/// The roll-up's query string (`/dues`, `/api/v1/dues`).
#[derive(Debug, Default, Deserialize)]
pub struct DuesQuery {
    pub month: Option<String>,
    /// Part of a party organization's name.
    pub name: Option<String>,
    pub page: Option<String>,
}

/// A checked [`DuesQuery`].
#[derive(Debug, Clone)]
pub struct RollupSearch {
    pub month: Period,
    pub name: Option<String>,
    pub page: i64,
}

impl DuesQuery {
    pub fn check(&self) -> Result<RollupSearch, WebError> {
        Ok(RollupSearch {
            month: parse_month(self.month.as_deref(), crate::today())?,
            name: params::name_part(&self.name, "党组织名称")?,
            page: params::page(&self.page)?,
        })
    }
}

impl RollupSearch {
    /// The search's fields, the page left out.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("month", month_value(self.month)),
            ("name", self.name.clone().unwrap_or_default()),
        ]
    }

    /// The party organizations of the month the search keeps, most short and unpaid first.
    pub fn rows<'a>(&self, month: &'a DuesMonth) -> Vec<&'a DuesRollupRow> {
        month
            .rollup
            .iter()
            .filter(|r| {
                self.name
                    .as_ref()
                    .is_none_or(|n| r.name.contains(n.as_str()))
            })
            .collect()
    }
}

/// The lists, by the code a link carries: (code, list, what it holds).
pub const LISTS: [(&str, MonthList, &str); 5] = [
    ("paid", MonthList::In(MonthState::Paid), "已交"),
    ("short", MonthList::In(MonthState::Short), "少交"),
    ("unpaid", MonthList::In(MonthState::Unpaid), "未交"),
    ("no_standard", MonthList::WithoutStandard, "未定标准"),
    ("unmarked", MonthList::Unmarked, "未登记"),
];

/// The list a link's code names, with its code and words.
fn list_of(code: &str) -> Option<&'static (&'static str, MonthList, &'static str)> {
    LISTS.iter().find(|(c, _, _)| *c == code)
}

/// The members list's query string (`/dues/members`, `/api/v1/dues/members`).
#[derive(Debug, Default, Deserialize)]
pub struct DuesMembersQuery {
    pub month: Option<String>,
    pub state: Option<String>,
    pub org: Option<String>,
    pub page: Option<String>,
}

/// A checked [`DuesMembersQuery`].
#[derive(Debug)]
pub struct Checked {
    pub month: Period,
    pub list: MonthList,
    pub state: &'static str,
    pub org: Option<Key>,
    pub page: i64,
}

impl DuesMembersQuery {
    pub fn check(&self) -> Result<Checked, WebError> {
        let month = parse_month(self.month.as_deref(), crate::today())?;
        let (state, list) = match params::text(&self.state) {
            None => ("", MonthList::All),
            Some(s) => list_of(&s)
                .map(|(code, list, _)| (*code, *list))
                .ok_or_else(|| {
                    let choices: Vec<String> = LISTS
                        .iter()
                        .map(|(code, _, label)| format!("{code}（{label}）"))
                        .collect();
                    WebError::bad_field("交纳状态", format!("可选 {}", choices.join("、")))
                })?,
        };
        Ok(Checked {
            month,
            list,
            state,
            org: params::party_org(&self.org)?,
            page: params::page(&self.page)?,
        })
    }
}

impl Checked {
    /// The list's filters, the page left out (the month always there).
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("month", month_value(self.month)),
            ("state", self.state.to_owned()),
            (
                "org",
                self.org
                    .map(|k| format!("{}-{}", k.county, k.id))
                    .unwrap_or_default(),
            ),
        ]
    }

    /// The same as a query string ("?month=…").
    pub fn query(&self) -> String {
        query(&self.fields())
    }

    pub fn label(&self) -> &'static str {
        list_of(self.state).map_or("全部党员", |(_, _, label)| label)
    }
}

/// The link of a figure: the month's members of `org` (the scope without) in `state`
/// (every member with "").
pub fn href(month: Period, state: &str, org: Option<Key>) -> String {
    let q = Checked {
        month,
        list: MonthList::All,
        state: list_of(state).map_or("", |(code, _, _)| code),
        org,
        page: 1,
    }
    .query();
    format!("/dues/members{q}")
}

/// A member's month in words and the class that colours it, on the sheet and in the lists:
/// 已交, 少交, 未交, or without a standard 未定标准 (已交（未定标准） where something was paid).
pub fn state_text(r: &SheetRow) -> &'static str {
    state_of(r).0
}

/// [`state_text`] with its class (`ok`, `warn`, `bad`).
pub fn state_of(r: &SheetRow) -> (&'static str, &'static str) {
    match r.state() {
        Some(MonthState::Paid) => ("已交", "ok"),
        Some(MonthState::Short) => ("少交", "warn"),
        Some(MonthState::Unpaid) => ("未交", "bad"),
        None if r.paid > Fen::ZERO => ("已交（未定标准）", "warn"),
        None => ("未定标准", "warn"),
    }
}

/// The members a [`Checked`] list holds: the scope's month, read once per change of the
/// records, and the name of the party organization it is narrowed to.
#[derive(Debug)]
pub struct MonthMembers {
    pub org_name: Option<String>,
    pub month: Arc<DuesMonth>,
    org: Option<Key>,
    list: MonthList,
}

impl MonthMembers {
    /// Where the list's lines are in the month, by party organization and name.
    pub fn positions(&self) -> Cow<'_, [u32]> {
        self.month.list(self.org, self.list)
    }
}

/// The list `c` asks for, through the user's scope (a party organization outside it is not
/// found).
pub async fn read(
    state: &Arc<AppState>,
    auth: &Auth,
    c: &Checked,
) -> Result<MonthMembers, WebError> {
    let org_name = match c.org {
        Some(key) => {
            let scope = auth.scope.clone();
            Some(
                state
                    .pool
                    .read(move |store| {
                        Ok(store
                            .party_org(&scope, key)?
                            .ok_or_else(WebError::not_found)?
                            .name)
                    })
                    .await?,
            )
        }
        None => None,
    };
    let month = report::scope_dues(state, auth.scope.clone(), c.month).await?;
    Ok(MonthMembers {
        org_name,
        month,
        org: c.org,
        list: c.list,
    })
}
