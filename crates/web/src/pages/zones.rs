//! `GET /zones`: the parks and characteristic towns of the scope with their class (一镇一策)
//! and their organizations' coverage, from the same report as the dashboard.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::{Html, Response};
use chrono::NaiveDate;
use liangxin_domain::coverage::{GroupBy, GroupKey};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Export, Format};
use crate::report::scope_report;
use crate::view::{Figure, Layout, rate, render};

struct ZoneRow {
    /// Where to change it, for those who may.
    edit: Option<String>,
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

/// The scope's zones with their coverage, as of the report's day.
async fn rows(state: &Arc<AppState>, auth: &Auth) -> Result<(NaiveDate, Vec<ZoneRow>), WebError> {
    let scope = auth.scope.clone();
    let zones = state
        .pool
        .run(move |store| Ok(store.zones_with_leaders(&scope)?))
        .await?;
    let sr = scope_report(state, auth.scope.clone(), Some(GroupBy::Zone)).await?;
    let rows = zones
        .into_iter()
        .map(|(z, leader)| {
            let t = sr
                .report
                .groups
                .get(&GroupKey::Zone(Some(z.id)))
                .copied()
                .unwrap_or_default();
            ZoneRow {
                edit: crate::routes::Who::Committees
                    .admits(auth.role)
                    .then(|| format!("/zones/{}/edit", z.id)),
                kind: z.kind.label(),
                class: z.class.map(|c| c.label()).unwrap_or("—"),
                level: z.level.map(|l| l.label()).unwrap_or("—"),
                county: sr.regions.get(&z.county).cloned().unwrap_or_default(),
                leader: leader.map(|(_, name)| name),
                total: Figure::units(t.total, &format!("zone={}", z.id), ""),
                org_rate: rate(t.organization_rate()),
                work_rate: rate(t.work_rate()),
                gap: Figure::units(t.gap, &format!("zone={}", z.id), "state=gap"),
                name: z.name,
            }
        })
        .collect();
    Ok((sr.report.as_of, rows))
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

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    format: Format,
) -> Result<Response, WebError> {
    let (as_of, rows) = rows(&state, &auth).await?;
    let e = Export {
        file_stem: "zones",
        sheet: "园区小镇",
        title: format!("园区小镇覆盖情况（截至{}）", as_of.format("%Y年%m月%d日")),
        headers: vec![
            "名称",
            "类型",
            "一镇一策分类",
            "级别",
            "县(市、区)",
            "党工委",
            "组织数",
            "组织覆盖率",
            "工作覆盖率",
            "空白",
        ],
    };
    // A scope's zones are tens: one page.
    let rows = rows
        .into_iter()
        .map(|z| {
            vec![
                z.name,
                z.kind.to_owned(),
                z.class.to_owned(),
                z.level.to_owned(),
                z.county,
                z.leader.unwrap_or_else(|| "未设党工委".to_owned()),
                z.total.text,
                z.org_rate,
                z.work_rate,
                z.gap.text,
            ]
        })
        .map(export::text_row)
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

/// `GET /zones.csv`: the zones list as CSV.
pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    export(state, auth, Format::Csv).await
}

/// `GET /zones.xlsx`: the zones list as an Excel workbook.
pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Response, WebError> {
    export(state, auth, Format::Xlsx).await
}
