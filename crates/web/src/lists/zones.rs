//! The parks and characteristic towns of the scope (园区小镇) for the page, the API and the
//! files: each with its class (一镇一策), its 党工委 and its organizations' coverage, from the
//! same report as the dashboard.

use std::sync::Arc;

use axum::response::Response;
use chrono::NaiveDate;
use liangxin_domain::coverage::{GroupBy, GroupKey, Tally};
use liangxin_domain::registry::Zone;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::report::scope_report;

/// A zone with its 党工委 and the coverage of its organizations.
#[derive(Debug)]
pub struct ZoneLine {
    pub zone: Zone,
    pub county: String,
    /// The 党工委 that leads it; none is a vacancy.
    pub leader: Option<String>,
    pub tally: Tally,
}

/// The scope's zones with their coverage, and the report's day.
pub async fn read(
    state: &Arc<AppState>,
    auth: &Auth,
) -> Result<(NaiveDate, Vec<ZoneLine>), WebError> {
    let scope = auth.scope.clone();
    let zones = state
        .pool
        .read(move |store| Ok(store.zones_with_leaders(&scope)?))
        .await?;
    let sr = scope_report(state, auth.scope.clone(), Some(GroupBy::Zone)).await?;
    let lines = zones
        .into_iter()
        .map(|(zone, leader)| ZoneLine {
            tally: sr
                .report
                .groups
                .get(&GroupKey::Zone(Some(zone.id)))
                .copied()
                .unwrap_or_default(),
            county: sr.regions.get(&zone.county).cloned().unwrap_or_default(),
            leader: leader.map(|(_, name)| name),
            zone,
        })
        .collect();
    Ok((sr.report.as_of, lines))
}

/// The list as a file: counts and rates as numbers a spreadsheet sums and sorts.
pub async fn export(
    state: Arc<AppState>,
    auth: Auth,
    format: Format,
) -> Result<Response, WebError> {
    let (as_of, lines) = read(&state, &auth).await?;
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
    let count = |n: u64| export::int(i64::try_from(n).unwrap_or(i64::MAX));
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                Cell::Text(l.zone.name),
                l.zone.kind.label().into(),
                l.zone.class.map(|c| c.label()).unwrap_or("—").into(),
                l.zone.level.map(|v| v.label()).unwrap_or("—").into(),
                Cell::Text(l.county),
                Cell::Text(l.leader.unwrap_or_else(|| "未设党工委".to_owned())),
                count(l.tally.total),
                Cell::Percent(l.tally.organization_rate()),
                Cell::Percent(l.tally.work_rate()),
                count(l.tally.gap),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}
