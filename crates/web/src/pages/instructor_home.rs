//! A 党建指导员's home (`/` for the instructor): the units assigned to them, with the
//! coverage each is in and what the rules say must be done there, needing action first.
//! Their work is these units, not a chart of a county.

use std::sync::Arc;

use askama::Template;
use axum::response::Html;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::lists::organizations::{ListQuery, load_page, state_view};
use crate::report::scope_report;
use crate::view::{Figure, Layout, render};

struct Unit {
    name: String,
    href: String,
    county: String,
    state: &'static str,
    class: &'static str,
    actions: String,
}

#[derive(Template)]
#[template(path = "instructor_home.html")]
struct InstructorHome {
    layout: Layout,
    total: Figure,
    gap: Figure,
    needing: Figure,
    listed: i64,
    units: Vec<Unit>,
}

pub async fn show(state: &Arc<AppState>, auth: &Auth) -> Result<Html<String>, WebError> {
    let report = scope_report(state, auth.scope.clone(), None).await?;
    let t = report.report.total;
    let (listed, rows) = load_page(state, auth, &ListQuery::default().check()?).await?;
    let mut units: Vec<Unit> = rows
        .into_iter()
        .map(|o| {
            let (label, class) = state_view(o.state);
            Unit {
                href: format!("/organizations/{}/{}", o.row.key.county, o.row.key.id),
                name: o.row.name,
                county: o.row.county_name,
                state: label,
                class,
                actions: o.actions.join("；"),
            }
        })
        .collect();
    // Needing action first, the list's order kept within each part.
    units.sort_by_key(|u| u.actions.is_empty());
    render(&InstructorHome {
        layout: Layout::new(state, auth, "我联系的两新组织", "home").await?,
        total: Figure::units(t.total, "", ""),
        gap: Figure::units(t.gap, "", "state=gap"),
        needing: Figure::units(t.needing_action, "", "action=any"),
        listed,
        units,
    })
}
