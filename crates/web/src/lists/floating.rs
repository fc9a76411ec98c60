//! The floating members (流动党员) for the page, the API and the files: the members away
//! whose home branch lies in the scope (流出) and those it hosts (流入, 五双联动: both sides
//! see them), read once per change of the records and searched in memory (a city's are
//! thousands).

use std::sync::Arc;

use axum::response::Response;
use chrono::NaiveDate;
use liangxin_store::floating::FloatingView;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
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

/// A day as the lists write it.
pub fn day(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// A floating member as a line of the lists.
#[derive(Debug)]
pub struct Line {
    pub id: i64,
    pub member: String,
    pub member_href: Option<String>,
    pub masked: String,
    pub home: String,
    pub place: String,
    pub certificate: String,
    pub certificate_class: &'static str,
    pub out_on: String,
    pub back_on: Option<String>,
    pub note: String,
    pub may_end: bool,
}

pub fn line(v: &FloatingView, today: NaiveDate) -> Line {
    let (certificate, certificate_class) = match (&v.certificate_no, v.certificate_valid_until) {
        (Some(no), Some(until)) if until >= today => (format!("{no}（至{}）", day(until)), "ok"),
        (Some(no), Some(until)) => (format!("{no}（{}已过期）", day(until)), "bad"),
        _ if v.letter.is_some() => ("持党员证明信".to_owned(), "ok"),
        _ => ("未登记".to_owned(), "warn"),
    };
    Line {
        id: v.id,
        member: v.member_name.clone(),
        member_href: v
            .home_side
            .then(|| format!("/members/{}/{}", v.member.county, v.member.id)),
        masked: v.resident_id_masked.clone(),
        home: v.home_name.clone(),
        place: match &v.host_name {
            Some(h) => format!("{h}（{}）", v.destination),
            None => v.destination.clone(),
        },
        certificate,
        certificate_class,
        out_on: day(v.out_on),
        back_on: v.back_on.map(day),
        note: v.note.clone(),
        may_end: v.home_side && v.back_on.is_none(),
    }
}

/// The search's whole list as a file (the identity numbers masked), in the page's order.
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    search: FloatingSearch,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let e = Export {
        file_stem: "floating",
        sheet: "流动党员",
        title: format!(
            "流动党员{}（截至{}，身份证号已遮蔽）",
            if search.all {
                "（含已返回）"
            } else {
                "（在外的）"
            },
            today.format("%Y年%m月%d日")
        ),
        headers: vec![
            "方向",
            "党员",
            "公民身份号码",
            "所在党组织",
            "流入地",
            "流动党员活动证",
            "外出",
            "返回",
            "说明",
        ],
    };
    // A scope's floating members are thousands at most: read once, written as one page.
    let found = read(&state, &auth, search.all).await?;
    let rows = found
        .iter()
        .filter(|v| search.holds(v))
        .map(|v| {
            let l = line(v, today);
            vec![
                if v.home_side { "流出" } else { "流入" }.to_owned(),
                l.member,
                l.masked,
                l.home,
                l.place,
                l.certificate,
                l.out_on,
                l.back_on.unwrap_or_default(),
                l.note,
            ]
        })
        .map(export::text_row)
        .collect();
    export::respond_whole(&state, e, format, rows).await
}
