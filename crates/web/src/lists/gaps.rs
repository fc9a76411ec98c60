//! The 覆盖检修 list for the page, the API and the files: every action the rules demand in
//! the scope, filtered by action and county, with the rule behind each.

use std::sync::Arc;

use axum::response::Response;
use liangxin_domain::coverage::{Action, Finding, Subject};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::params;
use crate::report::{ScopeReport, scope_report};

#[derive(Debug, Default, Deserialize)]
pub struct GapsQuery {
    pub action: Option<String>,
    pub county: Option<String>,
    pub page: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct GapsParams {
    pub action: Option<Action>,
    pub county: Option<i32>,
    pub page: usize,
}

impl GapsQuery {
    pub fn check(&self) -> Result<GapsParams, WebError> {
        let blank = params::text;
        let action = blank(&self.action)
            .map(|a| {
                Action::ALL
                    .iter()
                    .copied()
                    .find(|x| x.code() == a || x.label() == a)
                    .ok_or_else(|| {
                        WebError::bad_field("应采取行动", format!("“{a}”不是可选的行动"))
                    })
            })
            .transpose()?;
        let county = params::county(&self.county)?;
        let page = usize::try_from(params::page(&self.page)?).unwrap_or(1);
        Ok(GapsParams {
            action,
            county,
            page,
        })
    }
}

pub fn key_of(f: &Finding) -> (i32, i64) {
    match f.subject {
        Subject::Organization { key } | Subject::PartyOrg { key } => (key.county, key.id),
    }
}

/// The findings of the report that pass the filters.
pub fn filtered<'a>(sr: &'a ScopeReport, p: &GapsParams) -> Vec<&'a Finding> {
    sr.report
        .findings
        .iter()
        .filter(|f| p.action.is_none_or(|a| f.action == a))
        .filter(|f| p.county.is_none_or(|c| key_of(f).0 == c))
        .collect()
}

pub fn subject_label(f: &Finding) -> &'static str {
    match f.subject {
        Subject::Organization { .. } => "两新组织",
        Subject::PartyOrg { .. } => "党组织",
    }
}

/// The whole filtered list as a file, in the page's order, through the shared export (the
/// report is already in memory: the file is served from it a page at a time).
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    p: GapsParams,
    format: crate::export::Format,
) -> Result<Response, WebError> {
    let sr = scope_report(&state, auth.scope.clone(), None).await?;
    let rows: Vec<Vec<String>> = filtered(&sr, &p)
        .into_iter()
        .map(|f| {
            vec![
                sr.county_name(f),
                subject_label(f).to_owned(),
                f.name.clone(),
                f.action.label().to_owned(),
                f.reason.clone(),
                f.rule.title.clone(),
                f.rule.key.clone(),
                f.rule.version.to_string(),
                f.rule.source.clone(),
            ]
        })
        .collect();
    let e = crate::export::Export {
        file_stem: "gaps",
        sheet: "覆盖检修",
        title: format!(
            "覆盖检修：需要行动的单位和党组织（截至{}）",
            sr.report.as_of.format("%Y年%m月%d日")
        ),
        headers: vec![
            "县(市、区)",
            "对象",
            "名称",
            "应采取行动",
            "原因",
            "规则",
            "规则编号",
            "版本",
            "依据",
        ],
    };
    crate::export::respond(&state, e, format, move |_, offset| {
        Ok(rows
            .iter()
            .skip(offset)
            .take(crate::export::PAGE_ROWS)
            .cloned()
            .map(crate::export::text_row)
            .collect())
    })
    .await
}
