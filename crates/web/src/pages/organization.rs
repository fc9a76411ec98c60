//! `GET /organizations/{county}/{id}`: one organization, its coverage state, who covers it,
//! its members and instructor, and what the rules demand. Outside the scope: 404.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Html;
use liangxin_domain::registry::Key;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::lists::organizations::{load, state_view};
use crate::view::{Layout, render};

struct FindingView {
    action: &'static str,
    reason: String,
    rule: String,
}

#[derive(Template)]
#[template(path = "organization.html")]
struct OrganizationPage {
    layout: Layout,
    name: String,
    state: &'static str,
    state_class: &'static str,
    county: String,
    zone: String,
    kind: &'static str,
    sectors: String,
    credit: String,
    employees: String,
    full: u32,
    probationary: u32,
    covering: Vec<String>,
    instructors: Vec<String>,
    findings: Vec<FindingView>,
    assign_href: Option<String>,
    edit_href: Option<String>,
    /// 330825-12, for links that take a unit's code.
    code: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Html<String>, WebError> {
    let d = load(&state, &auth, Key { county, id }).await?;
    let layout = Layout::new(&state, &auth, &d.row.name, "organizations").await?;
    let (st, class) = state_view(Some(d.assessed.state));
    let sectors: Vec<&str> = d.facts.sectors.iter().map(|t| t.label()).collect();
    render(&OrganizationPage {
        layout,
        state: st,
        state_class: class,
        county: d.row.county_name,
        zone: d.row.zone_name.unwrap_or_else(|| "不在园区小镇".into()),
        kind: d.row.kind.label(),
        sectors: if sectors.is_empty() {
            "未标注".into()
        } else {
            sectors.join("、")
        },
        credit: d
            .row
            .credit_code
            .map(|c| {
                if d.row.credit_code_check_failed {
                    format!("{c}（校验位不符，请核实）")
                } else {
                    c
                }
            })
            .unwrap_or_else(|| "未登记".into()),
        employees: d
            .row
            .employees
            .map(|e| format!("{e}人"))
            .unwrap_or_else(|| "未登记".into()),
        full: d.facts.full_members,
        probationary: d.facts.probationary_members,
        covering: d.covering,
        instructors: d.instructors,
        findings: d
            .assessed
            .findings
            .iter()
            .map(|f| FindingView {
                action: f.action.label(),
                reason: f.reason.clone(),
                rule: format!(
                    "{}（{}，第{}版）",
                    f.rule.title, f.rule.source, f.rule.version
                ),
            })
            .collect(),
        assign_href: crate::routes::Who::Committees
            .admits(auth.role)
            .then(|| format!("/organizations/{county}/{id}/instructor")),
        edit_href: crate::routes::Who::Committees
            .admits(auth.role)
            .then(|| format!("/organizations/{county}/{id}/edit")),
        code: format!("{county}-{id}"),
        name: d.row.name,
    })
}
