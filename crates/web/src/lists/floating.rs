//! The floating members (流动党员) for the page, the API and the files: the members away
//! whose home branch lies in the scope (流出) and those it hosts (流入, 五双联动: both sides
//! see them), read once per change of the records and searched in memory (a city's are
//! thousands).

use std::sync::Arc;

use liangxin_store::floating::FloatingView;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::params;
use crate::report;

/// The list's query string; every field is checked, a bad one is a 422 naming it.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct FloatingQuery {
    /// Non-empty: those already back too.
    pub all: Option<String>,
    /// out (流出) | in (流入)
    pub side: Option<String>,
    /// Part of the member's name.
    pub name: Option<String>,
    pub page: Option<String>,
}

/// Which side of the pairing a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// 流出: the scope holds the member's home branch.
    Out,
    /// 流入: the scope hosts the member and is not the home side.
    In,
}

impl Side {
    pub fn code(self) -> &'static str {
        match self {
            Side::Out => "out",
            Side::In => "in",
        }
    }

    pub fn holds(self, v: &FloatingView) -> bool {
        match self {
            Side::Out => v.home_side,
            Side::In => v.host_side && !v.home_side,
        }
    }
}

/// A checked [`FloatingQuery`].
#[derive(Debug, Clone)]
pub struct FloatingSearch {
    pub all: bool,
    /// Both sides without.
    pub side: Option<Side>,
    pub name: Option<String>,
    pub page: i64,
}

impl FloatingQuery {
    pub fn check(&self) -> Result<FloatingSearch, WebError> {
        let side = match params::text(&self.side).as_deref() {
            None => None,
            Some("out") => Some(Side::Out),
            Some("in") => Some(Side::In),
            Some(_) => {
                return Err(WebError::bad_field("方向", "可选 out（流出）、in（流入）"));
            }
        };
        Ok(FloatingSearch {
            all: params::text(&self.all).is_some(),
            side,
            name: params::name_part(&self.name, "姓名")?,
            page: params::page(&self.page)?,
        })
    }
}

impl FloatingSearch {
    /// The search's fields that are set, the page left out.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("all", if self.all { "1".into() } else { String::new() }),
            (
                "side",
                self.side.map(|s| s.code().to_owned()).unwrap_or_default(),
            ),
            ("name", self.name.clone().unwrap_or_default()),
        ]
    }

    /// Whether `v` is in the list.
    pub fn holds(&self, v: &FloatingView) -> bool {
        self.side.is_none_or(|s| s.holds(v))
            && self
                .name
                .as_ref()
                .is_none_or(|n| v.member_name.contains(n.as_str()))
    }
}

/// The scope's floating members (only those away unless `all`), those away first.
pub async fn read(
    state: &Arc<AppState>,
    auth: &Auth,
    all: bool,
) -> Result<Arc<Vec<FloatingView>>, WebError> {
    let scope = auth.scope.clone();
    report::from_records(
        state,
        &state.reports.floating,
        &auth.scope,
        all,
        move |store| Ok(store.floating(&scope, !all)?),
    )
    .await
}
