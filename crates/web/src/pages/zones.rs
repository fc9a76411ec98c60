//! `GET /zones`: the parks and characteristic towns of the scope with their class (一镇一策)
//! and their organizations' coverage, from the same report as the dashboard
//! ([`crate::lists::zones`]); `GET /zones.csv|xlsx`: the same as a file.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{Html, Response};
use chrono::NaiveDate;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::Format;
use crate::lists::zones;
use crate::view::{Figure, Layout, rate, render};

struct ZoneRow {
    /// Where to change it, for those who may.
    edit: Option<String>,
    /// Its profile (一镇一策, 五个一), for the committees.
    profile: Option<String>,
    name: String,
    kind: &'static str,
    class: &'static str,
    level: &'static str,
    county: String,
    /// The 党工委 that leads it; none is a vacancy the page shows.
    leader: Option<String>,
    total: Figure,
    org_rate: String,
    work_rate: String,
    gap: Figure,
}

#[derive(Template)]
#[template(path = "zones.html")]
struct ZonesPage {
    layout: Layout,
    as_of: String,
    rows: Vec<ZoneRow>,
    /// May register a zone (市、县两新工委).
    may_register: bool,
}

/// The scope's zones with their coverage, as of the report's day, as the page shows them.
async fn rows(state: &Arc<AppState>, auth: &Auth) -> Result<(NaiveDate, Vec<ZoneRow>), WebError> {
    let (as_of, lines) = zones::read(state, auth).await?;
    let rows = lines
        .into_iter()
        .map(|l| {
            let (z, t) = (l.zone, l.tally);
            ZoneRow {
                edit: crate::routes::Who::Committees
                    .admits(auth.role)
                    .then(|| format!("/zones/{}/edit", z.id)),
                profile: crate::routes::Who::Committees
                    .admits(auth.role)
                    .then(|| format!("/zones/{}", z.id)),
                kind: z.kind.label(),
                class: z.class.map(|c| c.label()).unwrap_or("—"),
                level: z.level.map(|l| l.label()).unwrap_or("—"),
                county: l.county,
                leader: l.leader,
                total: Figure::units(t.total, &format!("zone={}", z.id), ""),
                org_rate: rate(t.organization_rate()),
                work_rate: rate(t.work_rate()),
                gap: Figure::units(t.gap, &format!("zone={}", z.id), "state=gap"),
                name: z.name,
            }
        })
        .collect();
    Ok((as_of, rows))
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    let (as_of, rows) = rows(&state, &auth).await?;
    let layout = Layout::new(&state, &auth, "园区小镇", "zones").await?;
    render(&ZonesPage {
        layout,
        as_of: as_of.format("%Y年%m月%d日").to_string(),
        rows,
        may_register: crate::routes::Who::RegionCommittees.admits(auth.role),
    })
}

/// `GET /zones.csv`: the zones list as CSV.
pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    zones::export(state, auth, Format::Csv).await
}

/// `GET /zones.xlsx`: the zones list as an Excel workbook.
pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    zones::export(state, auth, Format::Xlsx).await
}
