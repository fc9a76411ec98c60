//! The coverage report of a user's scope, shared by the dashboard, the gap list and the
//! API: facts from the store, the engine from the domain, names for display.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;

use liangxin_domain::coverage::{self, CoverageReport, Finding, GroupBy, GroupKey, Subject};
use liangxin_domain::history::{self, TrendPoint};
use liangxin_domain::rules::CoverageRules;
use liangxin_store::Scope;
use liangxin_store::organizations::OrgFilter;
use liangxin_store::people::MemberFilter;
use liangxin_store::todo::BranchTodo;

use crate::AppState;
use crate::error::WebError;

/// A report with the names its keys need.
#[derive(Debug)]
pub struct ScopeReport {
    pub report: CoverageReport,
    pub by: GroupBy,
    pub regions: HashMap<i32, String>,
    pub zones: HashMap<i64, String>,
}

/// The organization list's filter (`/organizations`, `/api/v1/organizations`) for a
/// group's rows.
pub fn group_filter(key: &GroupKey) -> String {
    match key {
        GroupKey::County(c) => format!("county={c}"),
        GroupKey::Kind(k) => format!("kind={}", k.code()),
        GroupKey::Zone(Some(z)) => format!("zone={z}"),
        GroupKey::Zone(None) => "zone=none".into(),
        GroupKey::Sector(Some(t)) => format!("sector={}", t.code()),
        GroupKey::Sector(None) => "sector=none".into(),
    }
}

/// The filters that list exactly the units a tally's figures count, in the order
/// total, 组织覆盖, 工作覆盖 (the column, without organizational coverage), 空白, 需要行动.
pub const FIGURE_FILTERS: [&str; 5] = [
    "",
    "state=organization",
    "state=work_only",
    "state=gap",
    "action=any",
];

/// How a scope's figures are broken down by default: a city by county, a county by zone,
/// a zone by sector, anything smaller by kind.
pub fn natural_group(scope: &Scope) -> GroupBy {
    match scope.region {
        Some(code) if code % 100 == 0 => GroupBy::County,
        Some(_) => GroupBy::Zone,
        None if scope.zone.is_some() => GroupBy::Sector,
        None => GroupBy::Kind,
    }
}

pub fn group_label(by: GroupBy) -> &'static str {
    match by {
        GroupBy::County => "县(市、区)",
        GroupBy::Zone => "园区小镇",
        GroupBy::Sector => "行业",
        GroupBy::Kind => "组织类别",
    }
}

impl ScopeReport {
    pub fn group_name(&self, key: &GroupKey) -> String {
        match key {
            GroupKey::County(c) => self
                .regions
                .get(c)
                .cloned()
                .unwrap_or_else(|| c.to_string()),
            GroupKey::Zone(Some(z)) => self.zones.get(z).cloned().unwrap_or_else(|| z.to_string()),
            GroupKey::Zone(None) => "不在园区小镇".into(),
            GroupKey::Sector(Some(t)) => t.label().into(),
            GroupKey::Sector(None) => "未标注行业".into(),
            GroupKey::Kind(k) => k.label().into(),
        }
    }

    pub fn county_name(&self, f: &Finding) -> String {
        let county = match f.subject {
            Subject::Organization { key } | Subject::PartyOrg { key } => key.county,
        };
        self.regions.get(&county).cloned().unwrap_or_default()
    }
}

/// Reports already computed by this instance, keyed by what they were computed from: the
/// scope, the registry's version, the date and the grouping. A write anywhere bumps the
/// version, so an entry is never stale; the database stays the only source of truth, and
/// every instance keeps its own.
#[derive(Debug, Default)]
pub struct ReportCache {
    entries: Mutex<HashMap<CacheKey, Arc<ScopeReport>>>,
    /// Row counts of filtered lists, on the same terms.
    counts: Mutex<HashMap<(Scope, Counted, i64, NaiveDate), i64>>,
    /// Coverage trends, on the same terms.
    trends: Mutex<HashMap<(Scope, i64, NaiveDate), Trend>>,
    /// To-do lists, keyed by the scope, both versions (registry and records) and the date.
    todos: Mutex<HashMap<TodoKey, Todo>>,
}

/// scope, (registry version, records version), date
type TodoKey = (Scope, (i64, i64), NaiveDate);

/// A scope's open items, most pressing first.
pub type Todo = Arc<Vec<BranchTodo>>;

/// The scope's to-do list (待办), computed once per change of the records.
pub async fn scope_todo(state: &Arc<AppState>, scope: Scope) -> Result<Todo, WebError> {
    let today = crate::today();
    let version = state.pool.run(|store| Ok(store.records_version()?)).await?;
    let key = (scope.clone(), version, today);
    if let Some(hit) = state
        .reports
        .todos
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return Ok(hit);
    }
    let list = Arc::new(
        state
            .pool
            .run(move |store| Ok(store.todo(&scope, today)?))
            .await?,
    );
    if let Ok(mut m) = state.reports.todos.lock() {
        if m.len() >= CACHE_ENTRIES {
            m.clear();
        }
        m.insert(key, list.clone());
    }
    Ok(list)
}

/// A scope's coverage at each month's end, oldest first.
pub type Trend = Arc<Vec<TrendPoint>>;

/// Months the dashboard's trend covers (this one included).
pub const TREND_MONTHS: u32 = 12;

/// The scope's coverage at each month's end over the last [`TREND_MONTHS`] months, computed
/// from the dated records once per registry version.
pub async fn scope_trend(state: &Arc<AppState>, scope: Scope) -> Result<Trend, WebError> {
    let today = crate::today();
    let version = state
        .pool
        .run(|store| Ok(store.registry_version()?))
        .await?;
    let key = (scope.clone(), version, today);
    if let Some(hit) = state
        .reports
        .trends
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return Ok(hit);
    }
    let days = history::month_ends(today, TREND_MONTHS);
    let from = days.first().copied().unwrap_or(today);
    let points = state
        .pool
        .run(move |store| {
            let records = store.coverage_records(&scope, today, from)?;
            Ok(history::trend(&records, &days))
        })
        .await?;
    let points = Arc::new(points);
    if let Ok(mut m) = state.reports.trends.lock() {
        if m.len() >= CACHE_ENTRIES {
            m.clear();
        }
        m.insert(key, points.clone());
    }
    Ok(points)
}

/// What a list counts: its rows, by its filter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Counted {
    Organizations(OrgFilter),
    Members(MemberFilter),
}

/// How many rows of a list `scope` holds, counted once per registry version (every write to
/// the units, party organizations or members bumps it in its own transaction).
pub async fn list_count(
    state: &Arc<AppState>,
    scope: &Scope,
    counted: Counted,
) -> Result<i64, WebError> {
    let today = crate::today();
    let version = state
        .pool
        .run(|store| Ok(store.registry_version()?))
        .await?;
    let key = (scope.clone(), counted, version, today);
    if let Some(n) = state
        .reports
        .counts
        .lock()
        .ok()
        .and_then(|m| m.get(&key).copied())
    {
        return Ok(n);
    }
    let (s, c) = (scope.clone(), key.1.clone());
    let n = state
        .pool
        .run(move |store| {
            Ok(match &c {
                Counted::Organizations(f) => store.organizations_count(&s, today, f)?,
                Counted::Members(f) => store.members_count(&s, f)?,
            })
        })
        .await?;
    if let Ok(mut m) = state.reports.counts.lock() {
        if m.len() >= CACHE_ENTRIES {
            m.clear();
        }
        m.insert(key, n);
    }
    Ok(n)
}

/// scope, registry version, date, grouping
type CacheKey = (Scope, i64, NaiveDate, GroupBy);

/// Entries kept before the cache starts afresh (scopes × groupings in use at once).
const CACHE_ENTRIES: usize = 512;

pub async fn scope_report(
    state: &Arc<AppState>,
    scope: Scope,
    by: Option<GroupBy>,
) -> Result<Arc<ScopeReport>, WebError> {
    let today = crate::today();
    let by = by.unwrap_or_else(|| natural_group(&scope));
    let version = state
        .pool
        .run(|store| Ok(store.registry_version()?))
        .await?;
    let key = (scope.clone(), version, today, by);
    if let Some(hit) = state
        .reports
        .entries
        .lock()
        .ok()
        .and_then(|m| m.get(&key).cloned())
    {
        return Ok(hit);
    }
    let report = Arc::new(compute(state, scope, by, today).await?);
    if let Ok(mut m) = state.reports.entries.lock() {
        if m.len() >= CACHE_ENTRIES {
            m.clear();
        }
        m.insert(key, report.clone());
    }
    Ok(report)
}

async fn compute(
    state: &Arc<AppState>,
    scope: Scope,
    by: GroupBy,
    today: NaiveDate,
) -> Result<ScopeReport, WebError> {
    state
        .pool
        .run(move |store| {
            let rules =
                CoverageRules::resolve(&store.rule_set()?, today).map_err(WebError::internal)?;
            let facts = store.coverage_facts(&scope, today)?;
            let report = coverage::report(&facts.organizations, &facts.party_orgs, &rules, by);
            Ok(ScopeReport {
                report,
                by,
                regions: store.region_names()?,
                zones: store.zone_names()?,
            })
        })
        .await
}
