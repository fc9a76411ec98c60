//! 出资人 on pages.
//!
//! - `GET /investors?show=&page=&year=&unit=`: the investors of the scope's units with the
//!   year's contacts (`show=new` the 新生代, `show=due` the 新生代 not yet reached as often as
//!   the rule asks), the form to register one (`unit` fills in its unit) and the form to
//!   record an event with those ticked, and the events the scope's organizations held.
//! - `GET /investors.xlsx|csv?show=&year=&unit=`: the investors listed.
//! - `POST /investors`, `/investors/{county}/{id}/end`, `/investors/events`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::investor::InvestorRules;
use liangxin_domain::kinds::{InvestorEventKind, InvestorRole, PoliticalStatus};
use liangxin_domain::registry::Key;
use liangxin_store::investors::{Investor, InvestorEvent, NewInvestor, NewInvestorEvent};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::lists::investors::{Show, rules_for, show_of, shown, unit_of};
use crate::view::{Layout, Pager, SavedQuery, cn_day, render};
use crate::{AppState, params};

/// Investors a page shows.
const PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct InvestorsQuery {
    /// `new` (新生代) or `due` (新生代本年联系未达要求).
    pub show: Option<String>,
    pub page: Option<String>,
    /// The year whose contacts are counted and events listed (this one by default).
    pub year: Option<String>,
    /// A unit's code (330825-12): its investors only, and the form to register one filled
    /// in with it.
    pub unit: Option<String>,
    pub saved: Option<String>,
}

struct InvestorRow {
    code: String,
    end_href: String,
    name: String,
    unit: String,
    unit_href: String,
    role: &'static str,
    birth: String,
    status: &'static str,
    new_generation: bool,
    contacts: u32,
    last_contact: String,
    /// 新生代 reached as often as the rule asks (always true for the others).
    reached: bool,
}

fn investor_row(i: &Investor, rules: &InvestorRules, year: i32) -> InvestorRow {
    let new_generation = rules.new_generation(i.birth_year, year);
    InvestorRow {
        code: format!("{}-{}", i.key.county, i.key.id),
        end_href: format!("/investors/{}/{}/end", i.key.county, i.key.id),
        name: i.name.clone(),
        unit: i.unit_name.clone(),
        unit_href: format!("/organizations/{}/{}", i.unit.county, i.unit.id),
        role: i.role.label(),
        birth: format!("{}年（{}岁）", i.birth_year, year - i.birth_year),
        status: i.political_status.label(),
        new_generation,
        contacts: i.contacts,
        last_contact: i.last_contact.map(cn_day).unwrap_or_default(),
        reached: !new_generation || rules.reached(i.contacts),
    }
}

struct EventRow {
    held_on: String,
    organizer: String,
    kind: &'static str,
    title: String,
    content: String,
    investors: String,
    /// All it reached, those outside the scope too.
    count: u32,
}

fn event_row(e: &InvestorEvent) -> EventRow {
    EventRow {
        held_on: cn_day(e.held_on),
        organizer: e.organizer.clone(),
        kind: e.kind.label(),
        title: e.title.clone(),
        content: e.content.clone(),
        investors: {
            let mut names = e
                .investors
                .iter()
                .map(|(_, name, unit)| format!("{name}（{unit}）"))
                .collect::<Vec<_>>()
                .join("、");
            let elsewhere = (e.reached as usize).saturating_sub(e.investors.len());
            if elsewhere > 0 {
                names.push_str(&format!("；另{elsewhere}名不在本范围"));
            }
            names
        },
        count: e.reached,
    }
}

#[derive(Template)]
#[template(path = "investors.html")]
struct InvestorsPage {
    layout: Layout,
    age_rule: String,
    contacts_rule: String,
    year: i32,
    this_year: i32,
    first_year: i32,
    all: usize,
    units: usize,
    new_generation: usize,
    party_members: usize,
    due: usize,
    show: &'static str,
    show_code: &'static str,
    /// The unit the list is of (its code), if one; its name when it has investors.
    unit_code: String,
    unit_name: Option<String>,
    total: usize,
    rows: Vec<InvestorRow>,
    pager: Pager,
    events: Vec<EventRow>,
    roles: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// The scope's own organization may record events (not an instructor's or member's).
    records: bool,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl InvestorsPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: &InvestorsQuery,
    mut typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<InvestorsPage, WebError> {
    let today = crate::today();
    let show = show_of(&q.show)?;
    let page_no = params::page(&q.page)?;
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let scope = auth.scope.clone();
    let (rules, root) = state
        .pool
        .run(move |store| Ok((rules_for(store, year, today)?, store.scope_root(&scope)?)))
        .await?;
    let kept = crate::report::investors(state, &auth.scope, year).await?;
    let (investors, events) = (&kept.0, &kept.1);
    let unit = unit_of(&q.unit)?;
    let listed: Vec<&Investor> = shown(investors, show, &rules, year)
        .into_iter()
        .filter(|i| unit.is_none_or(|u| i.unit == u))
        .collect();
    let total = listed.len();
    let show_code = show.map_or("", Show::code);
    let unit_code = unit.map_or(String::new(), |u| format!("{}-{}", u.county, u.id));
    let pager = Pager::new(
        "/investors",
        vec![
            ("show", show_code.to_owned()),
            ("year", q.year.clone().unwrap_or_default()),
            ("unit", unit_code.clone()),
        ],
        page_no,
        total,
        PAGE,
    );
    let units: std::collections::HashSet<Key> = investors.iter().map(|i| i.unit).collect();
    if typed.is_empty() && unit.is_some() {
        typed.push(("unit".into(), unit_code.clone()));
    }
    Ok(InvestorsPage {
        layout: Layout::new(state, auth, "出资人", "investors").await?,
        age_rule: format!(
            "{}（{}周岁；{}第{}版，{}）",
            rules.age_rule.title,
            rules.max_age,
            rules.age_rule.key,
            rules.age_rule.version,
            rules.age_rule.source
        ),
        contacts_rule: format!(
            "{}（{}次；{}第{}版）",
            rules.contacts_rule.title,
            rules.contacts_per_year,
            rules.contacts_rule.key,
            rules.contacts_rule.version
        ),
        year,
        this_year: today.year(),
        first_year: today.year() - 10,
        all: investors.len(),
        units: units.len(),
        new_generation: shown(investors, Some(Show::New), &rules, year).len(),
        party_members: investors
            .iter()
            .filter(|i| i.political_status == PoliticalStatus::PartyMember)
            .count(),
        due: shown(investors, Some(Show::Due), &rules, year).len(),
        show: match show {
            None => "全部",
            Some(Show::New) => "新生代出资人",
            Some(Show::Due) => "新生代出资人中本年联系未达要求的",
        },
        show_code,
        unit_code,
        unit_name: unit.and_then(|u| {
            investors
                .iter()
                .find(|i| i.unit == u)
                .map(|i| i.unit_name.clone())
        }),
        total,
        rows: pager
            .rows(&listed)
            .iter()
            .map(|i| investor_row(i, &rules, year))
            .collect(),
        pager,
        events: events.iter().map(event_row).collect(),
        roles: InvestorRole::ALL
            .iter()
            .map(|r| (r.code(), r.label()))
            .collect(),
        statuses: PoliticalStatus::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        kinds: InvestorEventKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        records: root.is_some() && auth.scope.member.is_none() && auth.scope.instructor.is_none(),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<InvestorsQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, &q, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// One action of the page: the form parsed, the store called, back to the page (or the
/// page again with the field's message).
async fn act<F>(
    state: Arc<AppState>,
    auth: Auth,
    body: Bytes,
    saved: &'static str,
    parse: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&[(String, String)], NaiveDate) -> Result<crate::view::StoreCall, WebError>,
{
    let q = InvestorsQuery::default();
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/investors?saved={saved}"),
        parse,
        |pairs, message| page(&state, &auth, &q, pairs, Some(message)),
    )
    .await
}

fn key_of(raw: &str, field: &'static str, example: &str) -> Result<Key, WebError> {
    Key::parse_code(raw.trim())
        .ok_or_else(|| WebError::bad_field(field, format!("应为编号“县代码-编号”，如 {example}")))
}

/// `POST /investors`: `unit` (330825-12), `name`, `birth_year`, `role`, `political_status`.
pub async fn register(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "investor", |pairs, today| {
        let n = NewInvestor {
            unit: key_of(&params::field(pairs, "unit"), "单位", "330825-12")?,
            name: params::field(pairs, "name"),
            birth_year: params::field(pairs, "birth_year")
                .trim()
                .parse()
                .map_err(|_| WebError::bad_field("出生年份", "应为四位年份，如 1988"))?,
            role: InvestorRole::parse(&params::field(pairs, "role"))
                .map_err(|e| WebError::bad_field("出资人身份", e.to_string()))?,
            political_status: PoliticalStatus::parse(&params::field(pairs, "political_status"))
                .map_err(|e| WebError::bad_field("政治面貌", e.to_string()))?,
        };
        Ok(Box::new(move |store, actor, scope| {
            store.register_investor(actor, scope, today, &n)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /investors/{county}/{id}/end`: `on` (blank: today), their last day as an investor.
pub async fn end(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "investor_ended", move |pairs, today| {
        let on = params::form_date(&params::field(pairs, "on"), today)
            .map_err(|m| WebError::bad_field("退出日期", m))?
            .unwrap_or(today);
        Ok(Box::new(move |store, actor, scope| {
            store.end_investor(actor, scope, today, Key { county, id }, on)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /investors/events`: `kind`, `held_on`, `title`, `content`, and one `investor`
/// (330825-9) for each investor it reached.
pub async fn record(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "investor_event", |pairs, today| {
        let investors = pairs
            .iter()
            .filter(|(n, _)| n == "investor")
            .map(|(_, v)| key_of(v, "出资人", "330825-9"))
            .collect::<Result<Vec<_>, _>>()?;
        let e = NewInvestorEvent {
            kind: InvestorEventKind::parse(&params::field(pairs, "kind"))
                .map_err(|e| WebError::bad_field("联系方式", e.to_string()))?,
            held_on: params::form_date(&params::field(pairs, "held_on"), today)
                .map_err(|m| WebError::bad_field("日期", m))?
                .ok_or_else(|| WebError::bad_field("日期", "必填"))?,
            title: params::field(pairs, "title"),
            content: params::field(pairs, "content"),
            investors,
        };
        Ok(Box::new(move |store, actor, scope| {
            store.record_investor_event(actor, scope, today, &e)?;
            Ok(())
        }))
    })
    .await
}

/// `GET /investors.xlsx|csv?show=&year=&unit=`: the investors listed, one a row.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: InvestorsQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let show = show_of(&q.show)?;
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let rules = state
        .pool
        .run(move |store| rules_for(store, year, today))
        .await?;
    let kept = crate::report::investors(&state, &auth.scope, year).await?;
    let investors = &kept.0;
    let e = Export {
        file_stem: "investors",
        sheet: "出资人",
        title: format!("出资人及{year}年联系教育情况（导出于{}）", cn_day(today)),
        headers: vec![
            "出资人编号",
            "姓名",
            "单位编号",
            "单位",
            "身份",
            "出生年份",
            "政治面貌",
            "新生代",
            "本年联系次数",
            "最近联系日期",
        ],
    };
    let unit = unit_of(&q.unit)?;
    let rows = shown(investors, show, &rules, year)
        .into_iter()
        .filter(|i| unit.is_none_or(|u| i.unit == u))
        .map(|i| {
            vec![
                Cell::Text(format!("{}-{}", i.key.county, i.key.id)),
                Cell::Text(i.name.clone()),
                Cell::Text(format!("{}-{}", i.unit.county, i.unit.id)),
                Cell::Text(i.unit_name.clone()),
                Cell::Text(i.role.label().to_owned()),
                export::int(i.birth_year),
                Cell::Text(i.political_status.label().to_owned()),
                Cell::Text(
                    if rules.new_generation(i.birth_year, year) {
                        "是"
                    } else {
                        "否"
                    }
                    .to_owned(),
                ),
                export::int(i.contacts),
                i.last_contact
                    .map(export::day)
                    .unwrap_or(Cell::Text(String::new())),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<InvestorsQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<InvestorsQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Csv).await
}
