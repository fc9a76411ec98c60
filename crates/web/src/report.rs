//! The coverage report of a user's scope, shared by the dashboard, the gap list and the
//! API: facts from the store, the engine from the domain, names for display.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

use chrono::NaiveDate;

use liangxin_domain::coverage::{self, CoverageReport, Finding, GroupBy, GroupKey, Subject};
use liangxin_domain::history::{self, TrendPoint};
use liangxin_domain::kinds::TransferState;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_domain::rules::CoverageRules;
use liangxin_store::audit_run::{FindingFilter, StoredFinding};
use liangxin_store::dues::DuesMonth;
use liangxin_store::floating::FloatingView;
use liangxin_store::organizations::OrgFilter;
use liangxin_store::people::MemberFilter;
use liangxin_store::todo::{BranchTodo, SubordinateTodo};
use liangxin_store::transfer::TransferView;
use liangxin_store::{Scope, Store};

use crate::AppState;
use crate::error::WebError;
use crate::life_report::LifeReport;

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
        key.name(&self.regions, &self.zones)
    }

    pub fn county_name(&self, f: &Finding) -> String {
        let county = match f.subject {
            Subject::Organization { key } | Subject::PartyOrg { key } => key.county,
        };
        self.regions.get(&county).cloned().unwrap_or_default()
    }
}

/// Values this instance computed from the records, each kept while the versions it was
/// computed from hold: a write anywhere bumps a version, so an entry is never stale; the
/// database stays the only source of truth, and every instance keeps its own. Concurrent
/// requests for one missing entry compute it once (the others wait for it).
#[derive(Debug)]
pub struct Memo<K, V> {
    entries: Mutex<HashMap<K, Arc<OnceCell<Arc<V>>>>>,
    /// Entries kept before the memo starts afresh.
    cap: usize,
}

impl<K: Hash + Eq, V> Memo<K, V> {
    pub fn new(cap: usize) -> Self {
        Memo {
            entries: Mutex::new(HashMap::new()),
            cap,
        }
    }

    /// The entry of `key`, computed by `compute` where missing.
    pub async fn get<F, Fut>(&self, key: K, compute: F) -> Result<Arc<V>, WebError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, WebError>>,
    {
        let cell = {
            let mut m = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            if m.len() >= self.cap && !m.contains_key(&key) {
                m.clear();
            }
            m.entry(key).or_default().clone()
        };
        cell.get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await
            .cloned()
    }
}

/// What this instance keeps of the reports and lists it computed.
#[derive(Debug)]
pub struct ReportCache {
    /// Coverage reports: scope, registry version, date, grouping.
    reports: Memo<(Scope, i64, NaiveDate, GroupBy), ScopeReport>,
    /// Row counts of filtered lists, on the same terms.
    counts: Memo<(Scope, Counted, i64, NaiveDate), i64>,
    /// Coverage trends, on the same terms.
    trends: Memo<(Scope, i64, NaiveDate), Vec<TrendPoint>>,
    /// To-do lists, keyed by the scope, both versions (registry and records) and the date.
    todos: Memo<RecordsKey<()>, ScopeTodo>,
    /// Years of organizational life, by the year.
    pub life: Memo<RecordsKey<i32>, LifeReport>,
    /// Months of dues, by the month: a city's is some 160,000 lines, so few are kept.
    pub dues: Memo<RecordsKey<Period>, DuesMonth>,
    /// Floating members, those back included or not.
    pub floating: Memo<RecordsKey<bool>, Vec<FloatingView>>,
    /// Pages of kept findings (the audit's list), by the filter and the page.
    pub findings: Memo<RecordsKey<(FindingFilter, i64)>, FindingsPage>,
    /// Transfer letters, by the state asked for.
    pub transfers: Memo<RecordsKey<Option<TransferState>>, Vec<TransferView>>,
    /// 信息完整度 of a branch's subtree (members, complete, mean percent), by the branch:
    /// a third of a branch page's cost when read on every request.
    pub archives: Memo<RecordsKey<Key>, (u32, u32, u32)>,
    /// 软弱涣散 candidates of a scope: its year of organizational life assessed.
    pub weak: Memo<RecordsKey<()>, Vec<liangxin_store::weak::WeakCandidate>>,
    /// 先锋指数 by band of a party organization's subtree, by the organization and year: a
    /// city's is every member's year of records counted (seconds), so it is kept.
    pub vanguard: Memo<RecordsKey<(Key, i32)>, liangxin_store::vanguard::VanguardDistribution>,
    /// 第八表 and 整顿软弱涣散 of a party organization, by the organization, year and day.
    pub tables: Memo<
        RecordsKey<(Key, i32, NaiveDate)>,
        liangxin_store::evaluation_tables::EvaluationTables,
    >,
    /// 双强六好 ratings of a scope, by the year asked for (none: the latest).
    pub stars: Memo<RecordsKey<Option<i32>>, liangxin_store::stars::StarList>,
    /// 党建经费 of a party organization (its ledger and its subtree's roll-up), by year: a
    /// city's roll-up reads every line of the year.
    pub funds: Memo<
        RecordsKey<(Key, i32)>,
        (
            liangxin_store::funds::FundLedger,
            liangxin_store::funds::FundRollup,
        ),
    >,
    /// 软弱涣散 rectification cases of a scope, by year.
    pub rectifications: Memo<RecordsKey<i32>, Vec<liangxin_store::weak::CaseSummary>>,
    /// 党性体检 roll of a party organization, by year and page.
    pub checkups: Memo<RecordsKey<(Key, i32, i64)>, liangxin_store::checkup::CheckupRoll>,
    /// 党内统计 tables of a party organization (all of them, read together), by the
    /// organization and day: a city's reads every member record of the year.
    pub statistics: Memo<RecordsKey<(Key, NaiveDate)>, Vec<liangxin_store::statistics::StatTable>>,
    /// A 随机抽查 round drawn again from its register, and whether that gives the kept
    /// sample: a city's round of units reads and ranks every unit of the city.
    pub spot_redraws: Memo<RecordsKey<Key>, Option<(liangxin_domain::spot_check::Draw, bool)>>,
    /// 书记抓党建述职 roster of a scope, by year: a city's walks its whole tree.
    pub review_rosters: Memo<RecordsKey<i32>, Vec<liangxin_store::reviews::RosterLine>>,
    /// 党群服务中心 of a scope's zones with their facts (the window is the day's).
    pub centers: Memo<RecordsKey<()>, Vec<liangxin_store::centers::CenterFacts>>,
    /// Every organization's 书记 with their 学时: a city's reads every secretary's courses.
    pub secretaries: Memo<RecordsKey<()>, Vec<liangxin_store::workforce::SecretaryLine>>,
    /// 出资人 of a scope with the year's contacts, and the events its organizations held,
    /// by year: a city's reads every investor of its units.
    pub investors: Memo<RecordsKey<i32>, InvestorsOfYear>,
    /// 书记领办项目 of a scope, by year, with their 节点.
    pub projects: Memo<RecordsKey<i32>, Vec<liangxin_store::projects::Project>>,
    /// 定期通报 figures of a scope, by period: a city's assesses every branch's meetings and
    /// reads the month's dues twice (the period and the one before).
    pub bulletins: Memo<RecordsKey<Period>, liangxin_domain::bulletin::BulletinFacts>,
    /// 考核清单 sheets of the groups a scope assesses, by year: the year's 成效评估 counts
    /// over every branch of a city.
    pub assessments: Memo<RecordsKey<i32>, Vec<liangxin_domain::assessment::Sheet>>,
}

/// A page of kept findings: how many the filter keeps in all, the page's, and when the
/// scope was last audited (see [`liangxin_store::Store::last_audit`]).
pub type FindingsPage = (i64, Vec<StoredFinding>, Option<(NaiveDate, Option<i32>)>);

/// A scope, both versions (registry and records), the date and what else the value is of.
pub type RecordsKey<T> = (Scope, (i64, i64), NaiveDate, T);

/// Entries kept before a memo starts afresh (scopes × groupings in use at once).
const CACHE_ENTRIES: usize = 512;

impl Default for ReportCache {
    fn default() -> Self {
        ReportCache {
            reports: Memo::new(CACHE_ENTRIES),
            counts: Memo::new(CACHE_ENTRIES),
            trends: Memo::new(CACHE_ENTRIES),
            todos: Memo::new(CACHE_ENTRIES),
            life: Memo::new(64),
            dues: Memo::new(8),
            floating: Memo::new(64),
            transfers: Memo::new(64),
            findings: Memo::new(CACHE_ENTRIES),
            archives: Memo::new(CACHE_ENTRIES),
            weak: Memo::new(CACHE_ENTRIES),
            vanguard: Memo::new(CACHE_ENTRIES),
            tables: Memo::new(CACHE_ENTRIES),
            stars: Memo::new(CACHE_ENTRIES),
            funds: Memo::new(CACHE_ENTRIES),
            checkups: Memo::new(CACHE_ENTRIES),
            statistics: Memo::new(CACHE_ENTRIES),
            rectifications: Memo::new(CACHE_ENTRIES),
            spot_redraws: Memo::new(CACHE_ENTRIES),
            review_rosters: Memo::new(CACHE_ENTRIES),
            centers: Memo::new(CACHE_ENTRIES),
            secretaries: Memo::new(CACHE_ENTRIES),
            bulletins: Memo::new(CACHE_ENTRIES),
            investors: Memo::new(CACHE_ENTRIES),
            projects: Memo::new(CACHE_ENTRIES),
            assessments: Memo::new(CACHE_ENTRIES),
        }
    }
}

/// The key of a value computed from the records of `scope` today, with `of`.
pub async fn records_key<T>(
    state: &Arc<AppState>,
    scope: &Scope,
    of: T,
) -> Result<RecordsKey<T>, WebError> {
    let version = state
        .pool
        .read(|store| Ok(store.records_version()?))
        .await?;
    Ok((scope.clone(), version, crate::today(), of))
}

/// A scope's open items (待办).
#[derive(Debug)]
pub struct ScopeTodo {
    /// Every party organization's, most pressing first.
    pub branches: Vec<BranchTodo>,
    /// The same summed by the organization directly below the scope's root: what a
    /// committee reads instead of thousands of lines.
    pub by_subordinate: Vec<SubordinateTodo>,
    /// What the evaluation asks next: ratings, rectifications, corrections, checkups.
    pub evaluation: liangxin_store::todo::EvaluationTodo,
}

/// The scope's to-do list (待办), computed once per change of the records.
pub async fn scope_todo(state: &Arc<AppState>, scope: Scope) -> Result<Arc<ScopeTodo>, WebError> {
    let key = records_key(state, &scope, ()).await?;
    todo_at(state, key).await
}

/// The to-do lists of several scopes as the records stand now (one read of the version for
/// all): a committee's page of charges reads one per charge.
pub async fn scope_todos(
    state: &Arc<AppState>,
    scopes: Vec<Scope>,
) -> Result<Vec<Arc<ScopeTodo>>, WebError> {
    let version = state
        .pool
        .read(|store| Ok(store.records_version()?))
        .await?;
    let today = crate::today();
    let mut out = Vec::with_capacity(scopes.len());
    for scope in scopes {
        out.push(todo_at(state, (scope, version, today, ())).await?);
    }
    Ok(out)
}

async fn todo_at(state: &Arc<AppState>, key: RecordsKey<()>) -> Result<Arc<ScopeTodo>, WebError> {
    let scope = key.0.clone();
    let today = key.2;
    state
        .reports
        .todos
        .get(key, || {
            state.pool.read(move |store| {
                let branches = store.todo(&scope, today)?;
                let by_subordinate = store.todo_by_subordinate(&scope, &branches)?;
                let evaluation = store.evaluation_todo(&scope, today)?;
                Ok(ScopeTodo {
                    branches,
                    by_subordinate,
                    evaluation,
                })
            })
        })
        .await
}

/// The entry of `memo` for `scope` and `of` as the records stand today, read from the
/// store by `read` where it is missing: how every value kept per records version is had.
pub async fn from_records<T, V, F>(
    state: &Arc<AppState>,
    memo: &Memo<RecordsKey<T>, V>,
    scope: &Scope,
    of: T,
    read: F,
) -> Result<Arc<V>, WebError>
where
    T: Hash + Eq,
    V: Send + 'static,
    F: FnOnce(&mut Store) -> Result<V, WebError> + Send + 'static,
{
    let key = records_key(state, scope, of).await?;
    memo.get(key, || state.pool.read(read)).await
}

/// The evaluation tables of `party_org`'s subtree for `year` as of `as_of`, computed once
/// per change of the records (closing a round, a grade, a case all change them).
pub async fn evaluation_tables(
    state: &Arc<AppState>,
    scope: &Scope,
    party_org: Key,
    year: i32,
    as_of: NaiveDate,
) -> Result<Arc<liangxin_store::evaluation_tables::EvaluationTables>, WebError> {
    let s = scope.clone();
    from_records(
        state,
        &state.reports.tables,
        scope,
        (party_org, year, as_of),
        move |store| Ok(store.evaluation_tables(&s, party_org, year, as_of)?),
    )
    .await
}

/// The 党内统计 tables ([`Table::ALL`], in that order) of `party_org`'s subtree on
/// `as_of`, computed together once per change of the registry or the records.
///
/// [`Table::ALL`]: liangxin_domain::statistics::Table::ALL
pub async fn statistics(
    state: &Arc<AppState>,
    scope: &Scope,
    party_org: Key,
    as_of: NaiveDate,
) -> Result<Arc<Vec<liangxin_store::statistics::StatTable>>, WebError> {
    use liangxin_domain::statistics::Table;
    let s = scope.clone();
    from_records(
        state,
        &state.reports.statistics,
        scope,
        (party_org, as_of),
        move |store| Ok(store.statistics_tables(&s, party_org, &Table::ALL, as_of)?),
    )
    .await
}

/// A 随机抽查 round drawn again from its committee's register of its day (none before the
/// draw or outside the scope), and whether that gives the kept frame and sample; computed
/// once per change of the registry or the records.
pub async fn spot_check_redraw(
    state: &Arc<AppState>,
    scope: &Scope,
    round: Key,
) -> Result<Arc<Option<(liangxin_domain::spot_check::Draw, bool)>>, WebError> {
    let s = scope.clone();
    from_records(
        state,
        &state.reports.spot_redraws,
        scope,
        round,
        move |store| Ok(store.redraw_spot_check(&s, round)?),
    )
    .await
}

/// The scope's 述职 roster of `year`, read once per change of the records.
pub async fn review_roster(
    state: &Arc<AppState>,
    scope: &Scope,
    year: i32,
) -> Result<Arc<Vec<liangxin_store::reviews::RosterLine>>, WebError> {
    let s = scope.clone();
    from_records(
        state,
        &state.reports.review_rosters,
        scope,
        year,
        move |store| Ok(store.review_roster(&s, year)?),
    )
    .await
}

/// The centers of the scope's zones with their facts today, read once per change of the
/// records.
pub async fn centers(
    state: &Arc<AppState>,
    scope: &Scope,
) -> Result<Arc<Vec<liangxin_store::centers::CenterFacts>>, WebError> {
    let s = scope.clone();
    let today = crate::today();
    from_records(state, &state.reports.centers, scope, (), move |store| {
        Ok(store.centers(&s, today)?)
    })
    .await
}

/// Every organization of the scope that should have a 书记, with its 书记 today and their
/// 学时, read once per change of the records.
/// The 定期通报 figures of `scope` for `period`, computed once per change of the records.
pub async fn bulletin(
    state: &Arc<AppState>,
    scope: &Scope,
    period: Period,
) -> Result<Arc<liangxin_domain::bulletin::BulletinFacts>, WebError> {
    let s = scope.clone();
    from_records(
        state,
        &state.reports.bulletins,
        scope,
        period,
        move |store| Ok(store.bulletin_facts(&s, period, crate::today())?),
    )
    .await
}

pub async fn secretaries(
    state: &Arc<AppState>,
    scope: &Scope,
) -> Result<Arc<Vec<liangxin_store::workforce::SecretaryLine>>, WebError> {
    let s = scope.clone();
    let today = crate::today();
    from_records(state, &state.reports.secretaries, scope, (), move |store| {
        Ok(store.secretary_lines(&s, today)?)
    })
    .await
}

/// A scope's investors with a year's contacts, and the events its organizations held then.
pub type InvestorsOfYear = (
    Vec<liangxin_store::investors::Investor>,
    Vec<liangxin_store::investors::InvestorEvent>,
);

/// The scope's 出资人 for `year`, read once per change of the records.
pub async fn investors(
    state: &Arc<AppState>,
    scope: &Scope,
    year: i32,
) -> Result<Arc<InvestorsOfYear>, WebError> {
    let s = scope.clone();
    let today = crate::today();
    from_records(state, &state.reports.investors, scope, year, move |store| {
        Ok((
            store.investors(&s, today, year)?,
            store.investor_events(&s, today, year)?,
        ))
    })
    .await
}

/// The scope's 书记领办项目 for `year`, read once per change of the records.
pub async fn projects(
    state: &Arc<AppState>,
    scope: &Scope,
    year: i32,
) -> Result<Arc<Vec<liangxin_store::projects::Project>>, WebError> {
    let s = scope.clone();
    from_records(state, &state.reports.projects, scope, year, move |store| {
        Ok(store.led_projects(&s, year)?)
    })
    .await
}

/// The 考核清单 sheets of the groups `scope` assesses for `year`, read once per change of
/// the records.
pub async fn assessments(
    state: &Arc<AppState>,
    scope: &Scope,
    year: i32,
) -> Result<Arc<Vec<liangxin_domain::assessment::Sheet>>, WebError> {
    let s = scope.clone();
    let today = crate::today();
    // Next year has its criteria and nothing assessed yet.
    if year > chrono::Datelike::year(&today) {
        return Ok(Arc::new(Vec::new()));
    }
    from_records(
        state,
        &state.reports.assessments,
        scope,
        year,
        move |store| Ok(store.assessment_sheets(&s, year, today)?),
    )
    .await
}

/// The scope's month of dues, read once per change of the records.
pub async fn scope_dues(
    state: &Arc<AppState>,
    scope: Scope,
    month: Period,
) -> Result<Arc<DuesMonth>, WebError> {
    let s = scope.clone();
    from_records(state, &state.reports.dues, &scope, month, move |store| {
        Ok(store.dues_month(&s, month)?)
    })
    .await
}

/// A scope's coverage at each month's end, oldest first.
pub type Trend = Arc<Vec<TrendPoint>>;

/// Months the dashboard's trend covers (this one included).
pub const TREND_MONTHS: u32 = 12;

/// The scope's coverage at each month's end over the last [`TREND_MONTHS`] months, computed
/// from the dated records once per registry version.
pub async fn scope_trend(state: &Arc<AppState>, scope: Scope) -> Result<Trend, WebError> {
    let today = crate::today();
    let version = registry_version(state).await?;
    let key = (scope.clone(), version, today);
    state
        .reports
        .trends
        .get(key, || async move {
            let days = history::month_ends(today, TREND_MONTHS);
            let from = days.first().copied().unwrap_or(today);
            state
                .pool
                .read(move |store| {
                    let records = store.coverage_records(&scope, today, from)?;
                    Ok(history::trend(&records, &days))
                })
                .await
        })
        .await
}

async fn registry_version(state: &Arc<AppState>) -> Result<i64, WebError> {
    state.pool.read(|store| Ok(store.registry_version()?)).await
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
    let version = registry_version(state).await?;
    let key = (scope.clone(), counted.clone(), version, today);
    let s = scope.clone();
    let n = state
        .reports
        .counts
        .get(key, || {
            state.pool.read(move |store| {
                Ok(match &counted {
                    Counted::Organizations(f) => store.organizations_count(&s, today, f)?,
                    Counted::Members(f) => store.members_count(&s, f)?,
                })
            })
        })
        .await?;
    Ok(*n)
}

pub async fn scope_report(
    state: &Arc<AppState>,
    scope: Scope,
    by: Option<GroupBy>,
) -> Result<Arc<ScopeReport>, WebError> {
    let today = crate::today();
    let by = by.unwrap_or_else(|| scope.natural_group());
    let version = registry_version(state).await?;
    let key = (scope.clone(), version, today, by);
    state
        .reports
        .reports
        .get(key, || compute(state, scope, by, today))
        .await
}
async fn compute(
    state: &Arc<AppState>,
    scope: Scope,
    by: GroupBy,
    today: NaiveDate,
) -> Result<ScopeReport, WebError> {
    state
        .pool
        .read(move |store| {
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

/// A scope's 双强六好 ratings of `year`; without one, the latest year it has ratings of,
/// else last year (a year's ratings are made early in the next). Kept per records
/// version: every step moves it.
pub async fn star_list(
    state: &Arc<AppState>,
    scope: &Scope,
    year: Option<i32>,
) -> Result<Arc<liangxin_store::stars::StarList>, WebError> {
    use chrono::Datelike;
    let default = crate::today().year() - 1;
    let of = scope.clone();
    from_records(state, &state.reports.stars, scope, year, move |store| {
        Ok(store.star_list(&of, year, default)?)
    })
    .await
}

/// A party organization's 党建经费 of `year`: its ledger and its subtree's roll-up (a
/// city's reads every line of the year), kept per records version. Not found outside the
/// scope.
pub async fn funds(
    state: &Arc<AppState>,
    scope: &Scope,
    key: Key,
    year: i32,
) -> Result<
    Arc<(
        liangxin_store::funds::FundLedger,
        liangxin_store::funds::FundRollup,
    )>,
    WebError,
> {
    let of = scope.clone();
    from_records(
        state,
        &state.reports.funds,
        scope,
        (key, year),
        move |store| {
            if store.party_org(&of, key)?.is_none() {
                return Err(WebError::not_found());
            }
            Ok((
                store.fund_ledger(&of, key, year)?,
                store.fund_rollup(&of, key, year)?,
            ))
        },
    )
    .await
}

/// A scope's 软弱涣散 rectification cases of `year`, open first, kept per records version
/// (opening, noting and accepting a case move it).
pub async fn rectifications(
    state: &Arc<AppState>,
    scope: &Scope,
    year: i32,
) -> Result<Arc<Vec<liangxin_store::weak::CaseSummary>>, WebError> {
    let of = scope.clone();
    from_records(
        state,
        &state.reports.rectifications,
        scope,
        year,
        move |store| Ok(store.rectification_cases(&of, year)?),
    )
    .await
}
