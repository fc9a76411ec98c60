//! 考核清单 on pages.
//!
//! - `GET /assessment?year=`: the year's criteria (those the records compute, with their
//!   weights' rules, and those entered, every version) and the sheets of the groups the
//!   scope assesses: a city its counties, a county its towns and parks.
//! - `GET /assessment.xlsx|csv?year=`: the sheets listed.
//! - `GET /assessment/{kind}/{id}?year=`: a group's sheet: every point explained, the
//!   entered scores with their evidence, the final score and every change of it.
//! - `POST /assessment/criteria`: the city adopts a version of an entered criterion.
//! - `POST /assessment/{kind}/{id}/scores`, `/assessment/{kind}/{id}/final`.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::assessment::Assessee;
use liangxin_store::assessment::NewCriterion;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::export::{self, Cell, Export, Format};
use crate::lists::assessment::{SheetLine, assessee, line, ranked, year_of};
use crate::view::{Layout, SavedQuery, cn_day, render};
use crate::{AppState, params};

#[derive(Debug, Default, Deserialize)]
pub struct AssessmentQuery {
    pub year: Option<String>,
    pub saved: Option<String>,
}

/// A criterion as the page lists it.
struct CriterionRow {
    label: String,
    basis: String,
    points: String,
    guide: String,
}

/// An earlier or current version of an entered criterion.
struct VersionRow {
    code: String,
    version: i32,
    label: String,
    points: u32,
    adopted_on: String,
    source: String,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    layout: Layout,
    year: i32,
    this_year: i32,
    first_year: i32,
    /// Next year's: its criteria only, nothing assessed yet.
    next_year: bool,
    group: &'static str,
    criteria: Vec<CriterionRow>,
    versions: Vec<VersionRow>,
    /// Each sheet's link, place and line, in the order ranked.
    sheets: Vec<(String, String, SheetLine)>,
    may_adopt: bool,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl AssessmentPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

/// Whether the account keeps the city's 考核清单.
fn may_adopt(auth: &Auth) -> bool {
    auth.scope.region.is_some_and(|r| r % 100 == 0)
}

/// Whom the scope assesses: a city its counties, a county its towns and parks.
fn group_label(auth: &Auth) -> &'static str {
    if may_adopt(auth) {
        "县（市、区）"
    } else {
        "园区小镇"
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: &AssessmentQuery,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<AssessmentPage, WebError> {
    let today = crate::today();
    let year = year_of(&q.year, today)?;
    let sheets = crate::report::assessments(state, &auth.scope, year).await?;
    let versions = state
        .pool
        .run(move |store| Ok(store.assessment_criterion_versions(year)?))
        .await?;
    let mut criteria: Vec<CriterionRow> = sheets
        .first()
        .map(|s| {
            s.computed
                .components
                .iter()
                .map(|c| {
                    let (part, whole) = c.criterion.counted();
                    CriterionRow {
                        label: c.criterion.label().into(),
                        basis: format!(
                            "由记录计算（{}@{}，{}）",
                            c.rule.key, c.rule.version, c.rule.source
                        ),
                        points: c.weight.to_string(),
                        guide: format!("{part}÷{whole}×权重"),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(s) = sheets.first() {
        criteria.extend(s.entered.iter().map(|l| CriterionRow {
            label: l.criterion.label.clone(),
            basis: format!(
                "考核人录入（{}第{}版，{}）",
                l.criterion.code, l.criterion.version, l.criterion.source
            ),
            points: l.criterion.points.to_string(),
            guide: l.criterion.guide.clone(),
        }));
    }
    Ok(AssessmentPage {
        layout: Layout::new(state, auth, "考核清单", "assessment").await?,
        year,
        this_year: today.year(),
        first_year: today.year() - 10,
        next_year: year > today.year(),
        group: group_label(auth),
        criteria,
        versions: versions
            .iter()
            .map(|v| VersionRow {
                code: v.code.clone(),
                version: v.version,
                label: v.label.clone(),
                points: v.points,
                adopted_on: cn_day(v.adopted_on),
                source: v.source.clone(),
            })
            .collect(),
        sheets: ranked(&sheets)
            .into_iter()
            .map(|(i, place)| {
                let s = &sheets[i];
                (
                    format!("{}?year={year}", s.assessee.path()),
                    place.map_or("—".into(), |p| p.to_string()),
                    line(s),
                )
            })
            .collect(),
        may_adopt: may_adopt(auth),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, &q, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// `POST /assessment/criteria`: `year`, `code`, `label`, `points` (0 withdraws), `guide`,
/// `source`; back to the year's list.
pub async fn adopt(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let year = year_of(&Some(params::field(&pairs, "year")), today)?;
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("/assessment?year={year}&saved=assessment_criterion"),
        move |pairs, today| {
            let c = NewCriterion {
                year,
                code: params::field(pairs, "code"),
                label: params::field(pairs, "label"),
                points: params::field(pairs, "points"),
                guide: params::field(pairs, "guide"),
                source: params::field(pairs, "source"),
            };
            Ok(Box::new(move |store, actor, scope| {
                store.adopt_assessment_criterion(actor, scope, today, &c)?;
                Ok(())
            }))
        },
        |pairs, message| {
            let (state, auth) = (state.clone(), auth.clone());
            let q = AssessmentQuery {
                year: Some(year.to_string()),
                saved: None,
            };
            async move { page(&state, &auth, &q, pairs, Some(message)).await }
        },
    )
    .await
}

/// `GET /assessment.xlsx|csv?year=`: the sheets listed, one a row.
async fn export(
    state: Arc<AppState>,
    auth: Auth,
    q: AssessmentQuery,
    format: Format,
) -> Result<Response, WebError> {
    let today = crate::today();
    let year = year_of(&q.year, today)?;
    let sheets = crate::report::assessments(&state, &auth.scope, year).await?;
    let e = Export {
        file_stem: "assessment",
        sheet: "考核清单",
        title: format!("{year}年度考核（导出于{}）", cn_day(today)),
        headers: vec![
            "排名",
            "考核对象",
            "记录计算部分（得分／计分权重）",
            "录入指标已评",
            "计算得分",
            "最终得分",
            "理由",
            "说明",
        ],
    };
    let rows = ranked(&sheets)
        .into_iter()
        .map(|(i, place)| {
            let l = line(&sheets[i]);
            vec![
                Cell::Text(place.map_or(String::new(), |p| p.to_string())),
                Cell::Text(l.name),
                Cell::Text(l.computed_part),
                Cell::Text(l.entered),
                Cell::Text(l.score),
                Cell::Text(l.final_score),
                Cell::Text(l.reason),
                Cell::Text(l.moved.unwrap_or_default()),
            ]
        })
        .collect();
    export::respond_whole(&state, e, format, rows).await
}

pub async fn xlsx(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Xlsx).await
}

pub async fn csv(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    export(state, auth, q, Format::Csv).await
}

struct EnteredRow {
    code: String,
    label: String,
    points: u32,
    guide: String,
    score: String,
    evidence: String,
    /// A score entered under an earlier version, no longer counted.
    stale: Option<String>,
}

#[derive(Template)]
#[template(path = "assessment_sheet.html")]
struct SheetPage {
    layout: Layout,
    action: String,
    year: i32,
    name: String,
    computed: Vec<String>,
    computed_total: String,
    entered: Vec<EnteredRow>,
    line: SheetLine,
    explain: String,
    /// What a final decided today would start from: the computed score.
    proposed: String,
    finals: Vec<(String, String, String, String)>,
    scores: Vec<(String, String, String, String)>,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl SheetPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

async fn sheet_page(
    state: &Arc<AppState>,
    auth: &Auth,
    who: Assessee,
    year: i32,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<SheetPage, WebError> {
    let sheets = crate::report::assessments(state, &auth.scope, year).await?;
    let s = sheets
        .iter()
        .find(|s| s.assessee == who)
        .ok_or_else(WebError::not_found)?;
    let scope = auth.scope.clone();
    let (scores, finals) = state
        .pool
        .run(move |store| Ok(store.assessment_history(&scope, year, who)?))
        .await?;
    Ok(SheetPage {
        layout: Layout::new(
            state,
            auth,
            &format!("{}{year}年度考核", s.name),
            "assessment",
        )
        .await?,
        action: who.path(),
        year,
        name: s.name.clone(),
        computed: s.computed.components.iter().map(|c| c.explain()).collect(),
        computed_total: format!(
            "记录计算部分：得分{:.1}，计分权重{}",
            s.computed.points, s.computed.weights_counted
        ),
        entered: s
            .entered
            .iter()
            .map(|l| EnteredRow {
                code: l.criterion.code.clone(),
                label: l.criterion.label.clone(),
                points: l.criterion.points,
                guide: l.criterion.guide.clone(),
                score: l.counted().map(|t| t.to_string()).unwrap_or_default(),
                evidence: l
                    .score
                    .as_ref()
                    .filter(|_| !l.stale())
                    .map(|x| x.evidence.clone())
                    .unwrap_or_default(),
                stale: l.score.as_ref().filter(|_| l.stale()).map(|x| {
                    format!(
                        "曾按第{}版评{}分，该项已修订为第{}版，需重新评分",
                        x.criterion_version, x.points, l.criterion.version
                    )
                }),
            })
            .collect(),
        line: line(s),
        explain: s.explain(),
        proposed: s.score().map(|t| t.to_string()).unwrap_or_default(),
        finals: finals
            .iter()
            .map(|f| {
                (
                    cn_day(f.decided_on),
                    f.score.to_string(),
                    f.computed.to_string(),
                    f.reason.clone(),
                )
            })
            .collect(),
        scores: scores
            .iter()
            .map(|x| {
                (
                    cn_day(x.entered_on),
                    format!("{}（第{}版）", x.label, x.version),
                    x.points.to_string(),
                    x.evidence.clone(),
                )
            })
            .collect(),
        error,
        typed,
    })
}

pub async fn show_sheet(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((kind, id)): Path<(String, i64)>,
    Query(q): Query<AssessmentQuery>,
) -> Result<Response, WebError> {
    let who = assessee(&kind, id)?;
    let year = year_of(&q.year, crate::today())?;
    let mut p = sheet_page(&state, &auth, who, year, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery {
        saved: q.saved.clone(),
    });
    Ok(render(&p)?.into_response())
}

/// One action on a sheet: the year from the form, back to the sheet.
async fn sheet_act<F>(
    state: Arc<AppState>,
    auth: Auth,
    (kind, id): (String, i64),
    body: Bytes,
    saved: &'static str,
    call: F,
) -> Result<Response, WebError>
where
    F: FnOnce(
            &[(String, String)],
            NaiveDate,
            i32,
            Assessee,
        ) -> Result<crate::view::StoreCall, WebError>
        + Send,
{
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let who = assessee(&kind, id)?;
    let year = year_of(&Some(params::field(&pairs, "year")), crate::today())
        .map_err(|_| WebError::bad_field("考核年度", "应为近十年内的年份"))?;
    crate::view::form_post(
        &state,
        &auth,
        &body,
        format!("{}?year={year}&saved={saved}", who.path()),
        move |pairs, today| call(pairs, today, year, who),
        |pairs, message| {
            let (state, auth) = (state.clone(), auth.clone());
            async move { sheet_page(&state, &auth, who, year, pairs, Some(message)).await }
        },
    )
    .await
}

/// `POST /assessment/{kind}/{id}/scores`: `year`, `criterion` (its code), `points`,
/// `evidence`.
pub async fn score(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(at): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    sheet_act(
        state,
        auth,
        at,
        body,
        "assessment_score",
        move |pairs, today, year, who| {
            let code = params::field(pairs, "criterion");
            let points = params::field(pairs, "points");
            let evidence = params::field(pairs, "evidence");
            Ok(Box::new(move |store, actor, scope| {
                store.enter_assessment_score(
                    actor, scope, today, year, who, &code, &points, &evidence,
                )?;
                Ok(())
            }))
        },
    )
    .await
}

/// `POST /assessment/{kind}/{id}/final`: `year`, `score`, `reason`.
pub async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(at): Path<(String, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    sheet_act(
        state,
        auth,
        at,
        body,
        "assessment_final",
        move |pairs, today, year, who| {
            let score = params::field(pairs, "score");
            let reason = params::field(pairs, "reason");
            Ok(Box::new(move |store, actor, scope| {
                store.decide_assessment(actor, scope, today, year, who, &score, &reason)?;
                Ok(())
            }))
        },
    )
    .await
}
