//! `GET /organizations`: the organizations of the scope with their coverage state, filtered,
//! sorted and paged; the state of each row comes from the engine.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use liangxin_domain::coverage;
use liangxin_domain::kinds::OrgKind;
use liangxin_store::organizations::{SectorFilter, ZoneFilter};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::export::Format;
use crate::lists::organizations::{self, AssessedOrg, ListQuery, PAGE_SIZE, load_page, state_view};
use crate::view::{Choice, Layout, query, render, thousands};

struct RowView {
    href: String,
    name: String,
    county: String,
    zone: String,
    kind: &'static str,
    credit: String,
    employees: String,
    state: &'static str,
    state_class: &'static str,
    actions: String,
}

fn row_view(a: AssessedOrg) -> RowView {
    let (state, state_class) = state_view(a.state);
    let credit = organizations::credit_text(&a.row);
    RowView {
        href: format!("/organizations/{}/{}", a.row.key.county, a.row.key.id),
        name: a.row.name,
        county: a.row.county_name,
        zone: a.row.zone_name.unwrap_or_default(),
        kind: a.row.kind.label(),
        credit,
        employees: a
            .row
            .employees
            .map(|e| format!("{e}人"))
            .unwrap_or_default(),
        state,
        state_class,
        actions: a.actions.join("、"),
    }
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct OrganizationsPage {
    layout: Layout,
    q: String,
    counties: Vec<Choice>,
    kinds: Vec<Choice>,
    states: Vec<Choice>,
    actions: Vec<Choice>,
    zone: String,
    total: String,
    /// The row count, unformatted, for whoever checks it against the figure that linked here.
    total_n: i64,
    page: i64,
    pages: i64,
    rows: Vec<RowView>,
    sort_name: String,
    sort_county: String,
    sort_employees: String,
    prev: Option<String>,
    next: Option<String>,
    can_register: bool,
    csv: String,
    xlsx: String,
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(raw): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let p = raw.check()?;
    let layout = Layout::new(&state, &auth, "两新组织", "organizations").await?;
    let (total, rows) = load_page(&state, &auth, &p).await?;
    let counties = county_choices(&state, &auth, p.filter.county).await?;
    let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let q = p.filter.q.clone().unwrap_or_default();
    let county = p.filter.county.map(|c| c.to_string()).unwrap_or_default();
    let kind = p
        .filter
        .kind
        .map(|k| k.code().to_owned())
        .unwrap_or_default();
    let zone = match p.filter.zone {
        Some(ZoneFilter::In(z)) => z.to_string(),
        Some(ZoneFilter::Outside) => "none".to_owned(),
        None => String::new(),
    };
    let sector = match p.filter.sector {
        Some(SectorFilter::Tagged(t)) => t.code().to_owned(),
        Some(SectorFilter::Untagged) => "none".to_owned(),
        None => String::new(),
    };
    let link = |sort: &str, page: i64| {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        format!(
            "/organizations{}",
            query(&[
                ("q", q.clone()),
                ("county", county.clone()),
                ("kind", kind.clone()),
                ("zone", zone.clone()),
                ("sector", sector.clone()),
                ("state", p.state_raw.clone()),
                ("action", p.action_raw.clone()),
                ("sort", sort.to_owned()),
                ("page", page)
            ])
        )
    };
    let flip = |col: &str| {
        if p.sort_raw == col {
            format!("-{col}")
        } else {
            col.to_owned()
        }
    };
    let page = OrganizationsPage {
        counties,
        kinds: OrgKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().into(),
                label: k.label().into(),
                selected: p.filter.kind == Some(*k),
            })
            .collect(),
        states: [
            ("organization", "组织覆盖"),
            ("work", "工作覆盖（含组织覆盖）"),
            ("work_only", "仅工作覆盖"),
            ("gap", "空白"),
        ]
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.into(),
            label: label.into(),
            selected: p.state_raw == value,
        })
        .collect(),
        actions: std::iter::once(("any", "任一行动"))
            .chain(coverage::Action::ALL.iter().map(|a| (a.code(), a.label())))
            .map(|(value, label)| Choice {
                value: value.into(),
                label: label.into(),
                selected: p.action_raw == value,
            })
            .collect(),
        zone: zone.clone(),
        total: thousands(u64::try_from(total).unwrap_or(0)),
        total_n: total,
        page: p.page,
        pages,
        rows: rows.into_iter().map(row_view).collect(),
        sort_name: link(&flip("name"), 1),
        sort_county: link(&flip("county"), 1),
        sort_employees: link(&flip("-employees"), 1),
        prev: (p.page > 1).then(|| link(&p.sort_raw, p.page - 1)),
        next: (p.page < pages).then(|| link(&p.sort_raw, p.page + 1)),
        csv: link(&p.sort_raw, 1).replacen("/organizations", "/organizations.csv", 1),
        xlsx: link(&p.sort_raw, 1).replacen("/organizations", "/organizations.xlsx", 1),
        q: q.clone(),
        can_register: crate::routes::Who::Committees.admits(auth.role),
        layout,
    };
    render(&page)
}

/// The counties a user may filter by: those of their region (none for smaller scopes).
pub async fn county_choices(
    state: &Arc<AppState>,
    auth: &Auth,
    selected: Option<i32>,
) -> Result<Vec<Choice>, WebError> {
    let Some((lo, hi)) = auth.scope.county_range() else {
        return Ok(Vec::new());
    };
    if lo == hi {
        return Ok(Vec::new());
    }
    let names = state.pool.run(|store| Ok(store.region_names()?)).await?;
    let mut counties: Vec<(i32, String)> = names
        .into_iter()
        .filter(|(c, _)| (lo..=hi).contains(c) && *c != lo && *c < 1_000_000)
        .collect();
    counties.sort();
    Ok(counties
        .into_iter()
        .map(|(c, n)| Choice {
            value: c.to_string(),
            label: n,
            selected: selected == Some(c),
        })
        .collect())
}

pub(crate) async fn export(
    state: Arc<AppState>,
    auth: Auth,
    raw: ListQuery,
    format: Format,
) -> Result<Response, WebError> {
    organizations::export(state, auth, raw.check()?, format).await
}

crate::export::file_handlers!(ListQuery);
