//! `GET /gaps` (覆盖检修) and `GET /gaps.csv`: every action the rules demand in the scope,
//! filtered by action and county, with the rule behind each.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use liangxin_domain::coverage::{Action, Finding, Subject};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::pages::organizations::county_choices;
use crate::params;
use crate::report::{ScopeReport, scope_report};
use crate::view::{Choice, Layout, query, render, thousands};

const PAGE_SIZE: usize = 50;

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

fn key_of(f: &Finding) -> (i32, i64) {
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

fn rule_text(f: &Finding) -> String {
    format!("{}（{}）", f.rule.title, f.rule.source)
}

struct GapRow {
    county: String,
    subject: &'static str,
    name: String,
    href: Option<String>,
    action: &'static str,
    class: &'static str,
    reason: String,
    rule: String,
}

#[derive(Template)]
#[template(path = "gaps.html")]
struct GapsPage {
    layout: Layout,
    actions: Vec<Choice>,
    counties: Vec<Choice>,
    total: String,
    page: usize,
    pages: usize,
    rows: Vec<GapRow>,
    csv: String,
    xlsx: String,
    prev: Option<String>,
    next: Option<String>,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(raw): Query<GapsQuery>,
) -> Result<Html<String>, WebError> {
    let p = raw.check()?;
    let layout = Layout::new(&state, &auth, "覆盖检修", "gaps").await?;
    let sr = scope_report(&state, auth.scope.clone(), None).await?;
    let all = filtered(&sr, &p);
    let pages = all.len().div_ceil(PAGE_SIZE).max(1);
    let action = p.action.map(|a| a.code().to_owned()).unwrap_or_default();
    let county = p.county.map(|c| c.to_string()).unwrap_or_default();
    let link = |path: &str, page: usize| {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        format!(
            "{path}{}",
            query(&[
                ("action", action.clone()),
                ("county", county.clone()),
                ("page", page)
            ])
        )
    };
    let rows = all
        .iter()
        .skip((p.page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|f| GapRow {
            county: sr.county_name(f),
            subject: subject_label(f),
            name: f.name.clone(),
            href: match f.subject {
                Subject::Organization { key } => {
                    Some(format!("/organizations/{}/{}", key.county, key.id))
                }
                Subject::PartyOrg { .. } => None,
            },
            action: f.action.label(),
            class: if matches!(f.action, Action::TermExpiring) {
                "warn"
            } else {
                "bad"
            },
            reason: f.reason.clone(),
            rule: rule_text(f),
        })
        .collect();
    render(&GapsPage {
        layout,
        actions: Action::ALL
            .iter()
            .map(|a| Choice {
                value: a.code().into(),
                label: a.label().into(),
                selected: p.action == Some(*a),
            })
            .collect(),
        counties: county_choices(&state, &auth, p.county).await?,
        total: thousands(all.len() as u64),
        page: p.page,
        pages,
        rows,
        csv: link("/gaps.csv", 1),
        xlsx: link("/gaps.xlsx", 1),
        prev: (p.page > 1).then(|| link("/gaps", p.page - 1)),
        next: (p.page < pages).then(|| link("/gaps", p.page + 1)),
    })
}

/// The whole filtered list as a file, in the page's order, through the shared export (the
/// report is already in memory: the file is served from it a page at a time).
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    raw: GapsQuery,
    format: crate::export::Format,
) -> Result<Response, WebError> {
    let p = raw.check()?;
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

crate::export::file_handlers!(GapsQuery);
