//! `GET /zones`: the parks and characteristic towns of the scope with their class (一镇一策)
//! and their organizations' coverage, from the same report as the dashboard.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use liangxin_domain::coverage::{GroupBy, GroupKey};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::report::scope_report;
use crate::view::{Layout, count, rate, render};

struct ZoneRow {
    name: String,
    kind: &'static str,
    class: &'static str,
    level: &'static str,
    county: String,
    total: String,
    org_rate: String,
    work_rate: String,
    gap: String,
}

#[derive(Template)]
#[template(path = "zones.html")]
struct ZonesPage {
    layout: Layout,
    as_of: String,
    rows: Vec<ZoneRow>,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let zones = state
        .pool
        .run(move |store| Ok(store.zones_of(&scope)?))
        .await?;
    let sr = scope_report(&state, auth.scope.clone(), Some(GroupBy::Zone)).await?;
    let rows = zones
        .into_iter()
        .map(|z| {
            let t = sr
                .report
                .groups
                .get(&GroupKey::Zone(Some(z.id)))
                .copied()
                .unwrap_or_default();
            ZoneRow {
                kind: z.kind.label(),
                class: z.class.map(|c| c.label()).unwrap_or("—"),
                level: z.level.map(|l| l.label()).unwrap_or("—"),
                county: sr.regions.get(&z.county).cloned().unwrap_or_default(),
                total: count(t.total, "个"),
                org_rate: rate(t.organization_rate()),
                work_rate: rate(t.work_rate()),
                gap: count(t.gap, "个"),
                name: z.name,
            }
        })
        .collect();
    let layout = Layout::new(&state, &auth, "园区小镇", "zones").await?;
    render(&ZonesPage {
        layout,
        as_of: sr.report.as_of.format("%Y年%m月%d日").to_string(),
        rows,
    })
}
