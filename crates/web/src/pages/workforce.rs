//! 党务工作者队伍 on pages.
//!
//! - `GET /workforce?show=&page=&year=`: the scope's figures (organizations that should
//!   have a 书记, those without one, secretaries short of last year's 学时, workers), its
//!   secretaries with their 学时 (`show=vacant` the vacancies, `show=short` those short of
//!   last year's hours), its workers with the form to register one, and the year's courses
//!   its organizations organized with the form to record one.
//! - `GET /workforce.xlsx|csv?show=`: the secretaries listed.
//! - `GET /workforce/courses/{county}/{id}?under=`: a course and its attendees; for its
//!   organizer, the form to add secretaries and workers (of one committee's tree with
//!   `under`) and to take one off.
//! - `POST /workforce/workers`, `/workforce/workers/{county}/{id}/end`,
//!   `/workforce/courses`, `/workforce/courses/{county}/{id}/attendees`,
//!   `/workforce/courses/{county}/{id}/attendees/{row}/remove`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::{TrainingKind, WorkerDuty, WorkerSource};
use liangxin_domain::registry::Key;
use liangxin_domain::workforce::{WorkforceRules, judged_year};
use liangxin_store::workforce::{Course, NewCourse, NewWorker, Person, SecretaryLine, Worker};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::view::{Layout, Pager, SavedQuery, cn_day, render};
use crate::{AppState, params};

/// Secretaries a page shows.
const PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
pub struct WorkforceQuery {
    /// `vacant` (书记缺职) or `short` (上年培训学时不足).
    pub show: Option<String>,
    pub page: Option<String>,
    /// The year of the courses listed (this one by default).
    pub year: Option<String>,
    pub saved: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Vacant,
    Short,
}

fn show_of(raw: &Option<String>) -> Result<Option<Show>, WebError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("vacant") => Ok(Some(Show::Vacant)),
        Some("short") => Ok(Some(Show::Short)),
        Some(_) => Err(WebError::bad_field("列表", "应为 vacant 或 short")),
    }
}

fn shown(lines: &[SecretaryLine], show: Option<Show>) -> Vec<&SecretaryLine> {
    lines
        .iter()
        .filter(|l| match show {
            None => true,
            Some(Show::Vacant) => l.vacancy.is_some(),
            Some(Show::Short) => l.short_last_year(),
        })
        .collect()
}

/// One secretary line as the table shows it.
struct SecretaryRow {
    party_org: String,
    href: String,
    secretary: String,
    since: String,
    hours: String,
    last_year: String,
    /// 缺职（预警 / 需处置）, 学时不足 or 达标.
    state: String,
    ok: bool,
}

fn secretary_row(l: &SecretaryLine, rules: &WorkforceRules, today: NaiveDate) -> SecretaryRow {
    let href = format!("/party-orgs/{}/{}", l.party_org.county, l.party_org.id);
    match (&l.holder, &l.vacancy) {
        (Some((_, name, since)), _) => {
            let y = l.last_year.as_ref();
            SecretaryRow {
                party_org: l.party_org_name.clone(),
                href,
                secretary: name.clone(),
                since: cn_day(*since),
                hours: l.hours_this_year.to_string(),
                last_year: match y {
                    Some(y) if y.days_in_post > 0 => {
                        format!("{}／{}", y.hours, l.owed_last_year)
                    }
                    _ => "未任职".into(),
                },
                state: if l.short_last_year() {
                    "学时不足".into()
                } else if y.is_some_and(|y| y.days_in_post > 0) {
                    "达标".into()
                } else {
                    "新任".into()
                },
                ok: !l.short_last_year(),
            }
        }
        (None, Some(v)) => {
            let days = WorkforceRules::vacant_days(v.since, today);
            SecretaryRow {
                party_org: l.party_org_name.clone(),
                href,
                secretary: String::new(),
                since: String::new(),
                hours: String::new(),
                last_year: String::new(),
                state: format!(
                    "缺职{days}天（{}）",
                    if rules.vacancy_flagged(v.since, today) {
                        "需处置"
                    } else {
                        "预警"
                    }
                ),
                ok: false,
            }
        }
        (None, None) => SecretaryRow {
            party_org: l.party_org_name.clone(),
            href,
            secretary: String::new(),
            since: String::new(),
            hours: String::new(),
            last_year: String::new(),
            state: String::new(),
            ok: true,
        },
    }
}

struct WorkerRow {
    code: String,
    name: String,
    party_org: String,
    duty: &'static str,
    source: &'static str,
    qualification: String,
    since: String,
    until: Option<String>,
    hours: u32,
}

fn worker_row(w: &Worker) -> WorkerRow {
    WorkerRow {
        code: format!("{}/{}", w.key.county, w.key.id),
        name: w.name.clone(),
        party_org: w.party_org_name.clone(),
        duty: w.duty.label(),
        source: w.source.label(),
        qualification: w.qualification.clone(),
        since: cn_day(w.since),
        until: w.until.map(cn_day),
        hours: w.hours,
    }
}

struct CourseRow {
    href: String,
    title: String,
    organizer: String,
    kind: &'static str,
    level: &'static str,
    days: String,
    hours: i32,
    attendees: u32,
}

fn course_row(c: &Course) -> CourseRow {
    CourseRow {
        href: format!("/workforce/courses/{}/{}", c.key.county, c.key.id),
        title: c.title.clone(),
        organizer: c.organizer_name.clone(),
        kind: c.kind.label(),
        level: c.level.label(),
        days: if c.starts_on == c.ends_on {
            cn_day(c.starts_on)
        } else {
            format!("{}至{}", cn_day(c.starts_on), cn_day(c.ends_on))
        },
        hours: c.hours,
        attendees: c.attendees,
    }
}

#[derive(Template)]
#[template(path = "workforce.html")]
struct WorkforcePage {
    layout: Layout,
    hours_rule: String,
    vacancy_rule: String,
    judged: i32,
    this_year: i32,
    /// The earliest year the course list takes.
    first_year: i32,
    led: usize,
    held: usize,
    vacant: usize,
    vacant_flagged: usize,
    judged_count: usize,
    short: usize,
    average_hours: String,
    full_time: usize,
    part_time: usize,
    show: &'static str,
    total: usize,
    rows: Vec<SecretaryRow>,
    pager: Pager,
    show_code: &'static str,
    workers: Vec<WorkerRow>,
    courses: Vec<CourseRow>,
    course_year: i32,
    /// Organizations a worker may serve: the scope's committees, its own first.
    places: Vec<(String, String)>,
    duties: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    /// Whether the scope's own organization may organize courses (not a member's).
    organizes: bool,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl WorkforcePage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

fn rules_today(
    store: &mut liangxin_store::Store,
    today: NaiveDate,
) -> Result<WorkforceRules, WebError> {
    WorkforceRules::resolve(&store.rule_set()?, today)
        .map_err(|e| liangxin_store::StoreError::Corrupt(e.to_string()).into())
}

fn committee_places(orgs: Vec<(Key, String)>) -> Vec<(String, String)> {
    orgs.into_iter()
        .map(|(k, name)| (format!("{}-{}", k.county, k.id), name))
        .collect()
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: &WorkforceQuery,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<WorkforcePage, WebError> {
    let today = crate::today();
    let show = show_of(&q.show)?;
    let page_no = params::page(&q.page)?;
    let course_year = params::year(&q.year, today)?.unwrap_or(today.year());
    let lines = crate::report::secretaries(state, &auth.scope).await?;
    let scope = auth.scope.clone();
    let (rules, workers, courses, orgs, root) = state
        .pool
        .run(move |store| {
            Ok((
                rules_today(store, today)?,
                store.party_workers(&scope, today, true)?,
                store.training_courses(&scope, course_year)?,
                store.workforce_committees(&scope)?,
                store.scope_root(&scope)?,
            ))
        })
        .await?;
    let listed = shown(&lines, show);
    let total = listed.len();
    let show_code = match show {
        None => "",
        Some(Show::Vacant) => "vacant",
        Some(Show::Short) => "short",
    };
    let pager = Pager::new(
        "/workforce",
        vec![
            ("show", show_code.to_owned()),
            ("year", q.year.clone().unwrap_or_default()),
        ],
        page_no,
        total,
        PAGE,
    );
    let held = lines.iter().filter(|l| l.holder.is_some()).count();
    let vacancies: Vec<_> = lines.iter().filter_map(|l| l.vacancy.as_ref()).collect();
    let judged: Vec<_> = lines
        .iter()
        .filter(|l| l.last_year.as_ref().is_some_and(|y| y.days_in_post > 0))
        .collect();
    let hours: u64 = lines.iter().map(|l| u64::from(l.hours_this_year)).sum();
    let in_post: Vec<&Worker> = workers
        .iter()
        .filter(|w| w.until.is_none_or(|u| u >= today))
        .collect();
    let full_time = in_post
        .iter()
        .filter(|w| w.duty == WorkerDuty::FullTime)
        .count();
    let mut places = committee_places(orgs);
    if let Some(r) = &root {
        let code = format!("{}-{}", r.key.county, r.key.id);
        if !places.iter().any(|(c, _)| *c == code) {
            places.insert(0, (code, r.name.clone()));
        }
    }
    Ok(WorkforcePage {
        layout: Layout::new(state, auth, "党务工作者队伍", "workforce").await?,
        hours_rule: format!(
            "{}（{}学时；{}第{}版，{}）",
            rules.hours_rule.title,
            rules.secretary_hours,
            rules.hours_rule.key,
            rules.hours_rule.version,
            rules.hours_rule.source
        ),
        vacancy_rule: format!(
            "{}（{}天；{}第{}版）",
            rules.vacancy_rule.title,
            rules.vacancy_flag_days,
            rules.vacancy_rule.key,
            rules.vacancy_rule.version
        ),
        judged: judged_year(today),
        this_year: today.year(),
        first_year: today.year() - 10,
        led: lines.len(),
        held,
        vacant: vacancies.len(),
        vacant_flagged: vacancies
            .iter()
            .filter(|v| rules.vacancy_flagged(v.since, today))
            .count(),
        judged_count: judged.len(),
        short: judged.iter().filter(|l| l.short_last_year()).count(),
        average_hours: if held == 0 {
            "—".into()
        } else {
            format!("{:.1}", hours as f64 / held as f64)
        },
        full_time,
        part_time: in_post.len() - full_time,
        show: match show {
            None => "全部",
            Some(Show::Vacant) => "书记缺职",
            Some(Show::Short) => "上年培训学时不足",
        },
        total,
        rows: pager
            .rows(&listed)
            .iter()
            .map(|l| secretary_row(l, &rules, today))
            .collect(),
        pager,
        show_code,
        workers: workers.iter().map(worker_row).collect(),
        courses: courses.iter().map(course_row).collect(),
        course_year,
        places,
        duties: WorkerDuty::ALL
            .iter()
            .map(|d| (d.code(), d.label()))
            .collect(),
        sources: WorkerSource::ALL
            .iter()
            .map(|s| (s.code(), s.label()))
            .collect(),
        kinds: TrainingKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        organizes: root.is_some() && auth.scope.member.is_none(),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<WorkforceQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, &q, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// One action of the list page: the form parsed, the store called, back to the page (or
/// the page again with the field's message).
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
    let q = WorkforceQuery::default();
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/workforce?saved={saved}"),
        parse,
        |pairs, message| page(&state, &auth, &q, pairs, Some(message)),
    )
    .await
}

fn key_field(pairs: &[(String, String)], name: &str, field: &'static str) -> Result<Key, WebError> {
    Key::parse_code(params::field(pairs, name).trim())
        .ok_or_else(|| WebError::bad_field(field, "请选择"))
}

fn day_field(
    pairs: &[(String, String)],
    name: &str,
    field: &'static str,
    today: NaiveDate,
) -> Result<NaiveDate, WebError> {
    params::form_date(&params::field(pairs, name), today)
        .map_err(|m| WebError::bad_field(field, m))?
        .ok_or_else(|| WebError::bad_field(field, "必填"))
}

/// `POST /workforce/workers`: `party_org` (330825-3), `name` or `member` (a member's
/// code, 330825-7), `duty`, `source`, `qualification`, `since`.
pub async fn register(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "worker", |pairs, today| {
        let member = match params::field(pairs, "member").trim() {
            "" => None,
            code => Some(Key::parse_code(code).ok_or_else(|| {
                WebError::bad_field("党员", "应为党员编号“县代码-编号”，如 330825-7")
            })?),
        };
        let w = NewWorker {
            party_org: key_field(pairs, "party_org", "所在党组织")?,
            name: params::field(pairs, "name"),
            member,
            duty: WorkerDuty::parse(&params::field(pairs, "duty"))
                .map_err(|e| WebError::bad_field("专兼职", e.to_string()))?,
            source: WorkerSource::parse(&params::field(pairs, "source"))
                .map_err(|e| WebError::bad_field("来源", e.to_string()))?,
            qualification: params::field(pairs, "qualification"),
            since: day_field(pairs, "since", "任职日期", today)?,
        };
        Ok(Box::new(move |store, actor, scope| {
            store.register_worker(actor, scope, today, &w)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /workforce/workers/{county}/{id}/end`: `until` (blank: today).
pub async fn end(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, body, "worker_ended", move |pairs, today| {
        let until = params::form_date(&params::field(pairs, "until"), today)
            .map_err(|m| WebError::bad_field("离岗日期", m))?
            .unwrap_or(today);
        Ok(Box::new(move |store, actor, scope| {
            store.end_worker(actor, scope, today, Key { county, id }, until)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /workforce/courses`: `title`, `kind`, `starts_on`, `ends_on`, `hours`, `place`;
/// then to the course's page to put its attendees on.
pub async fn record(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let parsed = (|| -> Result<NewCourse, WebError> {
        let starts_on = day_field(&pairs, "starts_on", "开始日期", today)?;
        Ok(NewCourse {
            title: params::field(&pairs, "title"),
            kind: TrainingKind::parse(&params::field(&pairs, "kind"))
                .map_err(|e| WebError::bad_field("培训类别", e.to_string()))?,
            starts_on,
            ends_on: params::form_date(&params::field(&pairs, "ends_on"), today)
                .map_err(|m| WebError::bad_field("结束日期", m))?
                .unwrap_or(starts_on),
            hours: params::field(&pairs, "hours")
                .trim()
                .parse()
                .map_err(|_| WebError::bad_field("学时", "应为整数"))?,
            place: params::field(&pairs, "place"),
        })
    })();
    let done = match parsed {
        Ok(c) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| Ok(store.record_course(&actor, &scope, today, &c, &[])?))
                .await
        }
        Err(e) => Err(e),
    };
    let q = WorkforceQuery::default();
    match done {
        Ok(k) => Ok(Redirect::to(&format!(
            "/workforce/courses/{}/{}?saved=course",
            k.county, k.id
        ))
        .into_response()),
        Err(e) => {
            crate::view::after_post(Err(e), String::new(), |message| {
                page(&state, &auth, &q, pairs, Some(message))
            })
            .await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct CourseQuery {
    /// A committee of the scope whose tree's secretaries and workers the form offers.
    pub under: Option<String>,
    pub saved: Option<String>,
}

struct AttendeeRow {
    id: i64,
    name: String,
    what: &'static str,
    party_org: String,
    hours: i32,
}

#[derive(Template)]
#[template(path = "workforce_course.html")]
struct CoursePage {
    layout: Layout,
    base: String,
    c: CourseRow,
    place: String,
    recorded_total: u32,
    attendees: Vec<AttendeeRow>,
    /// Whether the scope's own organization organized it (it keeps the list).
    organizer: bool,
    places: Vec<(String, String)>,
    under: String,
    /// Secretaries and workers not on it yet: (code, name, what, organization).
    candidates: Vec<(String, String, &'static str, String)>,
    error: Option<String>,
}

async fn course_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    under: &Option<String>,
    error: Option<String>,
) -> Result<CoursePage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let under_key = params::party_org(under)?;
    let (course, orgs, root, candidates) = state
        .pool
        .run(move |store| {
            let Some(course) = store.training_course(&scope, key)? else {
                return Ok((None, Vec::new(), None, Vec::new()));
            };
            let root = store.scope_root(&scope)?.map(|r| r.key);
            let candidates = if root == Some(course.0.organizer) {
                store.trainees(&scope, today, under_key)?
            } else {
                Vec::new()
            };
            Ok((
                Some(course),
                store.workforce_committees(&scope)?,
                root,
                candidates,
            ))
        })
        .await?;
    let (course, attendees) = course.ok_or_else(WebError::not_found)?;
    let on: std::collections::HashSet<Person> = attendees.iter().map(|a| a.person).collect();
    let organizer = root == Some(course.organizer);
    Ok(CoursePage {
        layout: Layout::new(state, auth, &course.title, "workforce").await?,
        base: format!("/workforce/courses/{}/{}", key.county, key.id),
        place: course.place.clone(),
        recorded_total: course.attendees,
        attendees: attendees
            .iter()
            .map(|a| AttendeeRow {
                id: a.id,
                name: a.name.clone(),
                what: match a.person {
                    Person::Member(_) => "党员",
                    Person::Worker(_) => "党务工作者",
                },
                party_org: a.party_org_name.clone(),
                hours: a.hours,
            })
            .collect(),
        c: course_row(&course),
        organizer,
        places: committee_places(orgs),
        under: under.clone().unwrap_or_default().trim().to_owned(),
        candidates: candidates
            .into_iter()
            .filter(|(p, ..)| !on.contains(p))
            .map(|(p, name, what, org)| (p.code(), name, what, org))
            .collect(),
        error,
    })
}

pub async fn show_course(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<CourseQuery>,
) -> Result<Response, WebError> {
    let mut p = course_page(&state, &auth, Key { county, id }, &q.under, None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// One action on a course's page.
async fn course_act<F>(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    body: Bytes,
    saved: &'static str,
    parse: F,
) -> Result<Response, WebError>
where
    F: FnOnce(&[(String, String)], NaiveDate) -> Result<crate::view::StoreCall, WebError>,
{
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/workforce/courses/{}/{}?saved={saved}", key.county, key.id),
        parse,
        |pairs, message| {
            let under = Some(params::field(&pairs, "under"));
            let (state, auth) = (state.clone(), auth.clone());
            async move { course_page(&state, &auth, key, &under, Some(message)).await }
        },
    )
    .await
}

/// `POST /workforce/courses/{county}/{id}/attendees`: `person` (repeated: m-330825-7,
/// w-330825-3), `hours` (blank: the whole course).
pub async fn add(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    course_act(state, auth, key, body, "trainees", move |pairs, _| {
        let people = pairs
            .iter()
            .filter(|(n, _)| n == "person")
            .map(|(_, v)| {
                Person::parse(v)
                    .ok_or_else(|| WebError::bad_field("参训人员", "无法识别，请从页面重新选择"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if people.is_empty() {
            return Err(WebError::bad_field("参训人员", "请至少选择一人"));
        }
        let hours: Option<i32> = match params::field(pairs, "hours").trim() {
            "" => None,
            h => Some(
                h.parse()
                    .map_err(|_| WebError::bad_field("学时", "应为整数"))?,
            ),
        };
        Ok(Box::new(move |store, actor, scope| {
            let hours = match hours {
                Some(h) => h,
                None => store
                    .training_course(scope, key)?
                    .map_or(0, |(c, _)| c.hours),
            };
            store.add_trainees(actor, scope, key, &people, hours)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /workforce/courses/{county}/{id}/attendees/{row}/remove`.
pub async fn remove(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id, row)): Path<(i32, i64, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    course_act(state, auth, key, body, "trainee_removed", move |_, _| {
        Ok(Box::new(move |store, actor, scope| {
            store.remove_trainee(actor, scope, key, row)?;
            Ok(())
        }))
    })
    .await
}

/// `GET /workforce.xlsx|csv?show=`: the secretaries listed, one organization a row.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: WorkforceQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let show = show_of(&q.show)?;
    let lines = crate::report::secretaries(&state, &auth.scope).await?;
    let rules = state
        .pool
        .run(move |store| rules_today(store, today))
        .await?;
    let judged = judged_year(today);
    let e = Export {
        file_stem: "secretaries",
        sheet: "书记队伍",
        title: format!(
            "党组织书记配备和培训学时（上年为{judged}年，导出于{}）",
            cn_day(today)
        ),
        headers: vec![
            "党组织编号",
            "党组织",
            "书记",
            "任职日期",
            "本年学时",
            "上年任职天数",
            "上年学时",
            "上年应学学时",
            "情况",
        ],
    };
    let rows = shown(&lines, show)
        .into_iter()
        .map(|l| {
            let r = secretary_row(l, &rules, today);
            let y = l.last_year.as_ref();
            vec![
                Cell::Text(format!("{}-{}", l.party_org.county, l.party_org.id)),
                Cell::Text(l.party_org_name.clone()),
                Cell::Text(r.secretary),
                l.holder
                    .as_ref()
                    .map(|h| export::day(h.2))
                    .unwrap_or(Cell::Text(String::new())),
                export::int(l.hours_this_year),
                export::int(y.map_or(0, |y| y.days_in_post)),
                export::int(y.map_or(0, |y| y.hours)),
                export::int(l.owed_last_year),
                Cell::Text(r.state),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<WorkforceQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<WorkforceQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Csv).await
}
