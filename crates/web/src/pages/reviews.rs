//! 书记抓党建述职评议考核 on pages.
//!
//! - `GET /reviews?year=&committee=`: the year's 述职. The scope's own report (filed here,
//!   with an attachment); for a committee, its 述职评议会 and the reports it reviews; for
//!   every scope, each reviewing committee's figures (应述职、已提交、好 / 较好 / 一般 / 差、
//!   未评议、整改未完成), and one committee's roster with `?committee=330825-3`.
//! - `GET /reviews/{county}/{id}`: a report with its review, its rectifications and those
//!   carried from earlier years; the grade and rectification forms for its reviewer, the
//!   done form for the organization. `…/file` is the attachment.
//! - `GET /reviews.xlsx|csv?year=`: the roster.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use liangxin_domain::kinds::{Coded, Post, ReviewGrade};
use liangxin_domain::registry::Key;
use liangxin_domain::review::{ReportFile, ReviewRules, reportable};
use liangxin_store::reviews::{
    Grading, NewMeeting, NewRectification, NewReport, ReviewMeeting, RosterLine, SecretaryReport,
};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::view::{Layout, SavedQuery, cn_day, render};
use crate::{AppState, multipart, params};

/// The body a report's form may send: the attachment's limit and room for the text.
pub const REPORT_LIMIT: usize = ReportFile::MAX_BYTES + 256 * 1024;

#[derive(Debug, Default, Deserialize)]
pub struct ReviewsQuery {
    pub year: Option<String>,
    pub committee: Option<String>,
    /// One of the 待办 as a list: `own` (the scope's report owed), `to_grade` (reports the
    /// scope reviews not yet graded), `overdue` (rectifications past their deadline).
    pub show: Option<String>,
    pub saved: Option<String>,
}

/// The 待办 a `show` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Own,
    ToGrade,
    Overdue,
}

fn show_of(raw: &Option<String>) -> Result<Option<Show>, WebError> {
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some("own") => Ok(Some(Show::Own)),
        Some("to_grade") => Ok(Some(Show::ToGrade)),
        Some("overdue") => Ok(Some(Show::Overdue)),
        Some(_) => Err(WebError::bad_field("待办", "应为 own、to_grade 或 overdue")),
    }
}

/// The roster lines a `show` lists: the root's own, or those the root reviews and has not
/// graded (the filed ones).
fn shown(lines: &[RosterLine], show: Show, root: Option<Key>) -> Vec<&RosterLine> {
    lines
        .iter()
        .filter(|l| match show {
            Show::Own => Some(l.party_org) == root,
            Show::ToGrade => {
                Some(l.reviewer) == root && l.report.as_ref().is_some_and(|r| r.grade.is_none())
            }
            Show::Overdue => false,
        })
        .collect()
}

/// An overdue rectification as the 待办 list shows it.
struct OverdueLine {
    party_org: String,
    year: i32,
    report_href: String,
    problem: String,
    deadline: String,
}

fn overdue_lines(
    list: &[(liangxin_store::reviews::ReviewRectification, Key, String)],
) -> Vec<OverdueLine> {
    list.iter()
        .map(|(r, _, name)| OverdueLine {
            party_org: name.clone(),
            year: r.year,
            report_href: format!("/reviews/{}/{}", r.report.county, r.report.id),
            problem: r.problem.clone(),
            deadline: cn_day(r.deadline),
        })
        .collect()
}

/// The year asked for (近十年内), by default the one whose report is owed today.
fn year_of(raw: &Option<String>, today: NaiveDate) -> Result<i32, WebError> {
    Ok(params::year(raw, today)?.unwrap_or_else(|| ReviewRules::owed_year(today)))
}

fn grade_label(g: Option<ReviewGrade>) -> &'static str {
    g.map_or("待评议", ReviewGrade::label)
}

/// One organization of a roster.
struct RosterRow {
    name: String,
    href: String,
    secretary: String,
    reported_on: String,
    report_href: Option<String>,
    has_file: bool,
    grade: &'static str,
    open: u32,
}

fn roster_row(l: &RosterLine) -> RosterRow {
    let r = l.report.as_ref();
    RosterRow {
        name: l.name.clone(),
        href: format!("/party-orgs/{}/{}", l.party_org.county, l.party_org.id),
        secretary: r.map(|r| r.secretary.clone()).unwrap_or_default(),
        reported_on: r.map(|r| cn_day(r.reported_on)).unwrap_or_default(),
        report_href: r.map(|r| format!("/reviews/{}/{}", r.key.county, r.key.id)),
        has_file: r.is_some_and(|r| r.has_file),
        grade: r.map_or("未提交", |r| grade_label(r.grade)),
        open: r.map_or(0, |r| r.open),
    }
}

/// One reviewing committee's figures.
#[derive(Default)]
struct Tally {
    code: String,
    name: String,
    subjects: u32,
    filed: u32,
    grades: [u32; 4],
    ungraded: u32,
    open: u32,
}

fn tallies(lines: &[RosterLine]) -> Vec<Tally> {
    let mut out: Vec<Tally> = Vec::new();
    for l in lines {
        let code = format!("{}-{}", l.reviewer.county, l.reviewer.id);
        let i = match out.iter().position(|t| t.code == code) {
            Some(i) => i,
            None => {
                out.push(Tally {
                    code,
                    name: l.reviewer_name.clone(),
                    ..Tally::default()
                });
                out.len() - 1
            }
        };
        let t = &mut out[i];
        t.subjects += 1;
        if let Some(r) = &l.report {
            t.filed += 1;
            t.open += r.open;
            match r.grade {
                Some(g) => {
                    let at = ReviewGrade::all().iter().position(|x| *x == g).unwrap_or(0);
                    t.grades[at] += 1;
                }
                None => t.ungraded += 1,
            }
        }
    }
    out
}

struct MeetingLine {
    committee: String,
    held_on: String,
    place: String,
    attendance: String,
}

fn meeting_line(m: &ReviewMeeting) -> MeetingLine {
    MeetingLine {
        committee: m.committee_name.clone(),
        held_on: cn_day(m.held_on),
        place: m.place.clone(),
        attendance: m.attendance.clone(),
    }
}

/// The scope's own report for the year.
struct Own {
    name: String,
    reviewer: String,
    report_href: Option<String>,
    state: String,
    /// The form is offered: the year may be reported and the report is not graded.
    can_file: bool,
    body: String,
    file_name: Option<String>,
    /// The 书记 on the register; with none, the form asks who reports.
    secretary: Option<String>,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    layout: Layout,
    year: i32,
    years: Vec<i32>,
    own: Option<Own>,
    /// The root committee's name, when the scope reviews reports.
    committee: Option<String>,
    tallies: Vec<Tally>,
    /// The roster shown: the root's own reviews, or the committee asked for.
    roster_of: Option<String>,
    roster: Vec<RosterRow>,
    meetings: Vec<MeetingLine>,
    /// The 待办 asked for, as a list: its title and the organizations, or the overdue
    /// rectifications.
    listed: Option<(&'static str, Vec<RosterRow>)>,
    overdue: Option<Vec<OverdueLine>>,
    /// The `show` of the list, for its files.
    show_code: &'static str,
    /// The last day to report on the year (rule data).
    due: String,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl ReviewsPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: &ReviewsQuery,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<ReviewsPage, WebError> {
    let today = crate::today();
    let year = year_of(&q.year, today)?;
    let chosen = params::party_org(&q.committee)
        .map_err(|_| WebError::bad_field("评议党委", "编号应为“县代码-编号”"))?;
    let show = show_of(&q.show)?;
    let lines = crate::report::review_roster(state, &auth.scope, year).await?;
    let scope = auth.scope.clone();
    let (root, meetings, rules, overdue) = state
        .pool
        .run(move |store| {
            let rules = ReviewRules::resolve(&store.rule_set()?, today)
                .map_err(|e| liangxin_store::StoreError::Corrupt(e.to_string()))?;
            let overdue = match show {
                Some(Show::Overdue) => Some(store.overdue_review_rectifications(&scope, today)?),
                _ => None,
            };
            Ok((
                store.scope_root(&scope)?,
                store.review_meetings(&scope, year)?,
                rules,
                overdue,
            ))
        })
        .await?;
    let root_key = root.as_ref().map(|r| r.key);
    let own = match (&root, lines.iter().find(|l| Some(l.party_org) == root_key)) {
        (Some(r), Some(l)) => {
            let (scope, filed, org) = (auth.scope.clone(), l.report.as_ref().map(|s| s.key), r.key);
            let (report, secretary) = state
                .pool
                .run(move |store| {
                    let report = match filed {
                        Some(key) => store.secretary_report(&scope, key)?,
                        None => None,
                    };
                    let secretary = store
                        .posts_of(&scope, org)?
                        .into_iter()
                        .find(|p| p.post == Post::Secretary && p.current(today))
                        .map(|p| p.name);
                    Ok((report, secretary))
                })
                .await?;
            let graded = report.as_ref().is_some_and(|r| r.grade.is_some());
            Some(Own {
                name: r.name.clone(),
                reviewer: l.reviewer_name.clone(),
                report_href: report
                    .as_ref()
                    .map(|r| format!("/reviews/{}/{}", r.key.county, r.key.id)),
                state: match &report {
                    None if today > rules.due_on(year) => "逾期未提交".into(),
                    None => "未提交".into(),
                    Some(r) => format!("{}提交，{}", cn_day(r.reported_on), grade_label(r.grade)),
                },
                can_file: !graded && reportable(year, today),
                body: report.as_ref().map(|r| r.body.clone()).unwrap_or_default(),
                file_name: report.and_then(|r| r.file_name),
                secretary,
            })
        }
        _ => None,
    };
    let committee = root
        .as_ref()
        .filter(|r| r.org_type.is_committee())
        .map(|r| r.name.clone());
    let listed = match show {
        Some(s @ (Show::Own | Show::ToGrade)) => Some((
            if s == Show::Own {
                "本组织应提交的述职"
            } else {
                "待本级评议的述职报告"
            },
            shown(&lines, s, root_key)
                .into_iter()
                .map(roster_row)
                .collect(),
        )),
        _ => None,
    };
    let reviewed = chosen.or(root_key.filter(|_| committee.is_some()));
    let roster_lines: Vec<&RosterLine> = lines
        .iter()
        .filter(|l| Some(l.reviewer) == reviewed)
        .collect();
    let roster_of = roster_lines.first().map(|l| l.reviewer_name.clone());
    let owed = ReviewRules::owed_year(today);
    let this = chrono::Datelike::year(&today);
    let years = (owed - 3..=this).rev().collect();
    Ok(ReviewsPage {
        layout: Layout::new(state, auth, "书记抓党建述职评议考核", "reviews").await?,
        year,
        years,
        own,
        committee,
        tallies: tallies(&lines),
        roster_of,
        roster: roster_lines.into_iter().map(roster_row).collect(),
        meetings: meetings.iter().map(meeting_line).collect(),
        listed,
        overdue: overdue.as_deref().map(overdue_lines),
        show_code: match show {
            Some(Show::Own) => "own",
            Some(Show::ToGrade) => "to_grade",
            Some(Show::Overdue) => "overdue",
            None => "",
        },
        due: cn_day(rules.due_on(year)),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ReviewsQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, &q, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// `POST /reviews/report`: a `multipart/form-data` form with `_csrf`, `year`, `body`,
/// `reporter` (who reports, when no 书记 is on the register) and an optional `file` (PDF
/// or Word): the scope's own report.
pub async fn file(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // A form without a file may come urlencoded.
    let (pairs, upload) = match multipart::boundary(content_type) {
        Some(boundary) => {
            let parts = multipart::parts(&body, &boundary)?;
            let mut pairs = Vec::new();
            let mut upload = None;
            for p in parts {
                if p.name == "file" {
                    if !p.body.is_empty() {
                        upload = Some((p.file_name.clone().unwrap_or_default(), p.body.to_vec()));
                    }
                } else {
                    pairs.push((p.name.clone(), p.text()));
                }
            }
            (pairs, upload)
        }
        None => (params::form_pairs(&body)?, None),
    };
    drop(body);
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let q = ReviewsQuery {
        year: Some(params::field(&pairs, "year")),
        ..ReviewsQuery::default()
    };
    let checked = (|| {
        Ok(NewReport {
            year: year_of(&q.year, today)?,
            body: params::field(&pairs, "body"),
            reporter: params::field(&pairs, "reporter"),
            file: upload
                .map(|(name, bytes)| {
                    ReportFile::parse(&name, bytes)
                        .map_err(|e| WebError::bad_field("附件", e.to_string()))
                })
                .transpose()?,
        })
    })();
    let done = match checked {
        Ok(report) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.file_secretary_report(&actor, &scope, today, &report)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    let year = params::field(&pairs, "year");
    crate::view::after_post(
        done,
        format!("/reviews?year={}&saved=review_filed", year.trim()),
        |message| page(&state, &auth, &q, pairs, Some(message)),
    )
    .await
}

/// `POST /reviews/meetings`: `year`, `held_on`, `place`, `attendance`.
pub async fn meeting(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let q = ReviewsQuery {
        year: Some(params::field(&pairs, "year")),
        ..ReviewsQuery::default()
    };
    let checked = (|| {
        Ok(NewMeeting {
            year: year_of(&q.year, today)?,
            held_on: params::form_date(&params::field(&pairs, "held_on"), today)
                .map_err(|m| WebError::bad_field("召开日期", m))?
                .ok_or_else(|| WebError::bad_field("召开日期", "必填"))?,
            place: params::field(&pairs, "place"),
            attendance: params::field(&pairs, "attendance"),
        })
    })();
    let done = match checked {
        Ok(m) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.record_review_meeting(&actor, &scope, today, &m)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    let year = params::field(&pairs, "year");
    crate::view::after_post(
        done,
        format!("/reviews?year={}&saved=review_meeting", year.trim()),
        |message| page(&state, &auth, &q, pairs, Some(message)),
    )
    .await
}

struct RectLine {
    id: i64,
    year: i32,
    /// The report that raised it (where a carried one is marked done).
    report_href: String,
    problem: String,
    measure: String,
    deadline: String,
    /// 已完成 with its day and what was done; 逾期 or 整改中 while open.
    state: String,
    warn: bool,
    done: bool,
}

fn rect_lines(
    list: &[liangxin_store::reviews::ReviewRectification],
    today: NaiveDate,
) -> Vec<RectLine> {
    list.iter()
        .map(|r| RectLine {
            id: r.key.id,
            year: r.year,
            report_href: format!("/reviews/{}/{}", r.report.county, r.report.id),
            problem: r.problem.clone(),
            measure: r.measure.clone(),
            deadline: cn_day(r.deadline),
            state: match (&r.done_on, &r.done_note) {
                (Some(d), Some(n)) => format!("{}完成：{n}", cn_day(*d)),
                (Some(d), None) => format!("{}完成", cn_day(*d)),
                _ if r.deadline < today => "逾期未完成".into(),
                _ => "整改中".into(),
            },
            warn: r.done_on.is_none() && r.deadline < today,
            done: r.done_on.is_some(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReportPage {
    layout: Layout,
    base: String,
    r: SecretaryReport,
    reported_on: String,
    meeting: Option<String>,
    grade: &'static str,
    /// The reviewer's meetings of the year a grade may be given at (code, words).
    meetings: Vec<(String, String)>,
    can_grade: bool,
    can_raise: bool,
    grades: Vec<(&'static str, &'static str)>,
    rectifications: Vec<RectLine>,
    carried: Vec<RectLine>,
    today: String,
    error: Option<String>,
}

async fn report_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
) -> Result<ReportPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (root, report) = state
        .pool
        .run(move |store| {
            let report = store.secretary_report(&scope, key)?;
            let meetings = match &report {
                Some(r) => store
                    .review_meetings(&scope, r.year)?
                    .into_iter()
                    .filter(|m| m.committee == r.reviewer && m.held_on >= r.reported_on)
                    .collect(),
                None => Vec::new(),
            };
            Ok((store.scope_root(&scope)?, report.map(|r| (r, meetings))))
        })
        .await?;
    let (r, meetings) = report.ok_or_else(WebError::not_found)?;
    let reviewer = root.is_some_and(|x| x.key == r.reviewer);
    Ok(ReportPage {
        layout: Layout::new(
            state,
            auth,
            &format!("{}{}年度书记抓党建述职", r.party_org_name, r.year),
            "reviews",
        )
        .await?,
        base: format!("/reviews/{}/{}", key.county, key.id),
        reported_on: cn_day(r.reported_on),
        meeting: r
            .meeting
            .as_ref()
            .map(|m| format!("{}，{}", cn_day(m.held_on), m.place)),
        grade: grade_label(r.grade),
        meetings: meetings
            .iter()
            .map(|m| {
                (
                    format!("{}-{}", m.key.county, m.key.id),
                    format!("{}（{}）", cn_day(m.held_on), m.place),
                )
            })
            .collect(),
        can_grade: reviewer && r.grade.is_none(),
        can_raise: reviewer && r.grade.is_some(),
        grades: ReviewGrade::all()
            .iter()
            .map(|g| (g.code(), g.label()))
            .collect(),
        rectifications: rect_lines(&r.rectifications, today),
        carried: rect_lines(&r.carried, today),
        today: today.to_string(),
        r,
        error,
    })
}

pub async fn report(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = report_page(&state, &auth, Key { county, id }, None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

/// `GET /reviews/{county}/{id}/file`: the attachment as it was filed.
pub async fn attachment(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let scope = auth.scope.clone();
    let (name, bytes) = state
        .pool
        .run(move |store| Ok(store.secretary_report_file(&scope, Key { county, id })?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let content_type = if name.ends_with(".pdf") {
        "application/pdf"
    } else if name.ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else {
        "application/msword"
    };
    // The name is sent both as plain ASCII and RFC 5987 UTF-8, so every browser saves it.
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"report.{}\"; filename*=UTF-8''{encoded}",
                    name.rsplit('.').next().unwrap_or("pdf")
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

/// One step on a report: the form parsed, the store called, the report shown again with
/// the field's message on bad input.
async fn step<F>(
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
        format!("/reviews/{}/{}?saved={saved}", key.county, key.id),
        parse,
        |_, message| report_page(&state, &auth, key, Some(message)),
    )
    .await
}

/// `POST /reviews/{county}/{id}/grade`: `meeting` (330825-4), `grade`, `comments`, and the
/// `version` of the report the page showed.
pub async fn grade(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(state, auth, key, body, "review_graded", move |pairs, _| {
        let meeting = params::party_org(&Some(params::field(pairs, "meeting")))
            .ok()
            .flatten()
            .ok_or_else(|| WebError::bad_field("述职评议会", "请选择评议这份报告的会议"))?;
        let grade = ReviewGrade::parse(&params::field(pairs, "grade"))
            .map_err(|e| WebError::bad_field("评议等次", e.to_string()))?;
        let g = Grading {
            meeting,
            grade,
            comments: params::field(pairs, "comments"),
            seen: params::field(pairs, "version"),
        };
        Ok(Box::new(move |store, actor, scope| {
            store.grade_secretary_report(actor, scope, key, &g)?;
            Ok(())
        }))
    })
    .await
}

/// `POST /reviews/{county}/{id}/rectifications`: `problem`, `measure`, `deadline`.
pub async fn raise(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(
        state,
        auth,
        key,
        body,
        "review_rectification",
        move |pairs, today| {
            let x = NewRectification {
                problem: params::field(pairs, "problem"),
                measure: params::field(pairs, "measure"),
                deadline: params::deadline("整改期限", &params::field(pairs, "deadline"))?,
            };
            Ok(Box::new(move |store, actor, scope| {
                store.raise_review_rectification(actor, scope, today, key, &x)?;
                Ok(())
            }))
        },
    )
    .await
}

/// `POST /reviews/{county}/{id}/rectifications/done`: `rectification` (its id), `note`.
pub async fn done(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    step(
        state,
        auth,
        key,
        body,
        "review_done",
        move |pairs, today| {
            let item: i64 = params::field(pairs, "rectification")
                .trim()
                .parse()
                .map_err(|_| WebError::bad_field("整改事项", "请选择整改事项"))?;
            let note = params::field(pairs, "note");
            Ok(Box::new(move |store, actor, scope| {
                store.finish_review_rectification(actor, scope, today, key, item, &note)?;
                Ok(())
            }))
        },
    )
    .await
}

/// `GET /reviews.xlsx|csv?year=`: the roster of the scope, one organization a row.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: ReviewsQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let year = year_of(&q.year, today)?;
    let show = show_of(&q.show)?;
    let lines = crate::report::review_roster(&state, &auth.scope, year).await?;
    let scope = auth.scope.clone();
    let (root, overdue) = state
        .pool
        .run(move |store| {
            let overdue = match show {
                Some(Show::Overdue) => store.overdue_review_rectifications(&scope, today)?,
                _ => Vec::new(),
            };
            Ok((store.scope_root(&scope)?.map(|r| r.key), overdue))
        })
        .await?;
    if show == Some(Show::Overdue) {
        let e = Export {
            file_stem: "secretary-review-overdue",
            sheet: "述职整改逾期",
            title: format!("述职评议整改逾期未完成（导出于{}）", cn_day(today)),
            headers: vec![
                "党组织编号",
                "党组织",
                "述职年度",
                "存在问题",
                "整改措施",
                "整改期限",
            ],
        };
        let rows = overdue
            .iter()
            .map(|(r, org, name)| {
                vec![
                    Cell::Text(format!("{}-{}", org.county, org.id)),
                    Cell::Text(name.clone()),
                    export::int(r.year),
                    Cell::Text(r.problem.clone()),
                    Cell::Text(r.measure.clone()),
                    export::day(r.deadline),
                ]
            })
            .collect();
        return export::respond_whole(&state, e, format, rows).await;
    }
    let listed: Vec<&RosterLine> = match show {
        Some(s) => shown(&lines, s, root),
        None => lines.iter().collect(),
    };
    let e = Export {
        file_stem: "secretary-reviews",
        sheet: "述职评议",
        title: format!(
            "{year}年度书记抓党建述职评议考核（导出于{}）",
            cn_day(today)
        ),
        headers: vec![
            "党组织编号",
            "党组织",
            "评议党委",
            "书记",
            "提交日期",
            "附件",
            "评议等次",
            "整改未完成",
        ],
    };
    let rows = listed
        .iter()
        .map(|l| {
            let r = l.report.as_ref();
            vec![
                Cell::Text(format!("{}-{}", l.party_org.county, l.party_org.id)),
                Cell::Text(l.name.clone()),
                Cell::Text(l.reviewer_name.clone()),
                Cell::Text(r.map(|r| r.secretary.clone()).unwrap_or_default()),
                r.map(|r| export::day(r.reported_on))
                    .unwrap_or(Cell::Text(String::new())),
                Cell::Text(if r.is_some_and(|r| r.has_file) {
                    "有".into()
                } else {
                    String::new()
                }),
                Cell::Text(r.map_or("未提交", |r| grade_label(r.grade)).to_owned()),
                export::int(r.map_or(0, |r| r.open)),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ReviewsQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ReviewsQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Csv).await
}
