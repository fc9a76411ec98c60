//! `GET /gaps` (覆盖检修) and `GET /gaps.csv`: every action the rules demand in the scope,
//! filtered by action and county, with the rule behind each.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use liangxin_domain::coverage::{Action, Finding, Subject};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::lists::gaps::{self, GapsQuery, filtered, subject_label};
use crate::pages::organizations::county_choices;
use crate::report::scope_report;
use crate::view::{Choice, Layout, query, render, thousands};

const PAGE_SIZE: usize = 50;

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

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    raw: GapsQuery,
    format: crate::export::Format,
) -> Result<Response, WebError> {
    gaps::export(state, auth, raw.check()?, format).await
}

crate::export::file_handlers!(GapsQuery);
