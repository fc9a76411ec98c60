//! 双强六好 评星晋级 on pages. `GET /party-orgs/{county}/{id}/stars`: an organization's
//! ratings year by year (晋级, 降级) and its self-assessment form; `POST …`: the
//! self-assessment. `GET /stars/{county}/{id}`: one year's assessment, every indicator
//! with its points, rule and evidence, and the form of the next step if the user's level
//! takes it: `POST …/score` (town or zone 党工委), `…/review` (county), `…/confirm` (city).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use liangxin_domain::registry::Key;
use liangxin_domain::stars::{Indicator, Source, Veto};
use liangxin_store::stars::{StarView, Step};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, SavedQuery, render};
use crate::{AppState, params};

pub(crate) fn stars_text(n: Option<u8>) -> String {
    match n {
        None => "—".into(),
        Some(0) => "不评星（一票否决）".into(),
        Some(n) => format!("{}（{n}星）", "★".repeat(usize::from(n))),
    }
}

struct Year {
    href: String,
    year: i32,
    step: &'static str,
    total: String,
    stars: String,
    change: &'static str,
    demonstration: bool,
}

/// One assessed indicator on the self-assessment form.
struct Item {
    code: &'static str,
    label: &'static str,
    heading: &'static str,
    max: i64,
    points: String,
    evidence: String,
}

#[derive(Template)]
#[template(path = "stars.html")]
struct HistoryPage {
    layout: Layout,
    name: String,
    action: String,
    years: Vec<Year>,
    /// The years a self-assessment may be made for now.
    open_years: Vec<i32>,
    items: Vec<Item>,
    error: Option<String>,
}

async fn history_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    typed: &[(String, String)],
    error: Option<String>,
) -> Result<HistoryPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (name, (history, rights), scheme) = state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            Ok((
                po.name,
                store.star_history(&scope, key)?,
                store.star_scheme(today)?,
            ))
        })
        .await?;
    let layout = Layout::new(state, auth, "双强六好评星", "party_orgs")
        .await?
        .at(state, auth, key, vec![Crumb::here("双强六好评星")])
        .await?;
    let this = today.year();
    let open_years = if rights.assess {
        [this, this - 1]
            .into_iter()
            .filter(|y| {
                history
                    .iter()
                    .all(|h| h.year != *y || h.step == Step::SelfAssessed)
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(HistoryPage {
        layout,
        name,
        action: format!("/party-orgs/{}/{}/stars", key.county, key.id),
        years: history
            .iter()
            .map(|h| Year {
                href: format!("/stars/{}/{}", h.key.county, h.key.id),
                year: h.year,
                step: h.step.label(),
                total: h.total.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
                stars: stars_text(h.stars.filter(|_| h.step != Step::SelfAssessed)),
                change: h.change().map_or("", |c| c.label()),
                demonstration: h.demonstration,
            })
            .collect(),
        open_years,
        items: scheme
            .points
            .iter()
            .filter(|(i, _)| i.source() == Source::Assessed)
            .map(|(i, r)| Item {
                code: i.code(),
                label: i.label(),
                heading: i.heading(),
                max: r.value,
                points: params::field(typed, &format!("p_{}", i.code())),
                evidence: params::field(typed, &format!("e_{}", i.code())),
            })
            .collect(),
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let p = history_page(&state, &auth, Key { county, id }, &[], None).await?;
    Ok(render(&p)?.into_response())
}

/// The assessed indicators' points and texts from a form (`p_code`, and `e_code` or
/// `n_code`): a missing or unreadable number is named.
fn scored(
    pairs: &[(String, String)],
    text_prefix: &str,
    field: &'static str,
) -> Result<Vec<(Indicator, i64, String)>, WebError> {
    Indicator::ALL
        .into_iter()
        .filter(|i| i.source() == Source::Assessed)
        .map(|i| {
            let typed = params::field(pairs, &format!("p_{}", i.code()));
            let p = typed.trim().parse::<i64>().map_err(|_| {
                WebError::bad_field(field, format!("“{}”应填写整数分值", i.label()))
            })?;
            Ok((
                i,
                p,
                params::field(pairs, &format!("{text_prefix}{}", i.code())),
            ))
        })
        .collect()
}

/// A refusal the user can correct is shown on the page it came from, with a 422.
fn correctable(e: &WebError) -> bool {
    e.field.is_some() && e.status != StatusCode::NOT_FOUND && e.status != StatusCode::FORBIDDEN
}

pub async fn self_assess(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let done = async {
        let year: i32 = params::field(&pairs, "year")
            .trim()
            .parse()
            .map_err(|_| WebError::bad_field("评星年度", "应为年份，如 2026"))?;
        let items = scored(&pairs, "e_", "自评")?;
        let scope = auth.scope.clone();
        let actor = format!("user:{}", auth.user.id);
        let today = crate::today();
        state
            .pool
            .run(
                move |store| Ok(store.self_assess_stars(&actor, &scope, today, key, year, &items)?),
            )
            .await
    }
    .await;
    match done {
        Ok(k) => Ok(
            Redirect::to(&format!("/stars/{}/{}?saved=stars_self", k.county, k.id)).into_response(),
        ),
        Err(e) if correctable(&e) => {
            let p = history_page(&state, &auth, key, &pairs, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

struct Line {
    label: &'static str,
    heading: &'static str,
    records: bool,
    max: i64,
    self_points: String,
    evidence: String,
    points: String,
    note: String,
    reviewed: String,
    rule: String,
    code: &'static str,
}

#[derive(Template)]
#[template(path = "star.html")]
struct AssessmentPage {
    layout: Layout,
    title: String,
    history_href: String,
    base: String,
    step: &'static str,
    total: String,
    stars: String,
    vetoes: Vec<&'static str>,
    all_vetoes: Vec<(&'static str, &'static str)>,
    steps: Vec<(&'static str, String, String)>,
    review_note: String,
    lines: Vec<Line>,
    may_score: bool,
    may_review: bool,
    may_confirm: bool,
    five: bool,
    error: Option<String>,
}

async fn assessment_page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    error: Option<String>,
) -> Result<AssessmentPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let v: StarView = state
        .pool
        .run(move |store| Ok(store.star_assessment(&scope, today, key)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let s = &v.summary;
    let title = format!("{} {}年度双强六好评星", v.party_org_name, s.year);
    let history_href = format!(
        "/party-orgs/{}/{}/stars",
        s.party_org.county, s.party_org.id
    );
    let layout = Layout::new(state, auth, &title, "party_orgs")
        .await?
        .at(
            state,
            auth,
            s.party_org,
            vec![
                Crumb::link("双强六好评星", history_href.clone()),
                Crumb::here(format!("{}年度", s.year)),
            ],
        )
        .await?;
    let num = |p: Option<i64>| p.map(|p| p.to_string()).unwrap_or_default();
    Ok(AssessmentPage {
        layout,
        title,
        history_href,
        base: format!("/stars/{}/{}", key.county, key.id),
        step: s.step.label(),
        total: s.total.map(|t| t.to_string()).unwrap_or_else(|| "—".into()),
        stars: if s.step == Step::SelfAssessed {
            "待评分".into()
        } else {
            stars_text(s.stars)
        },
        vetoes: v.vetoes.iter().map(|x| x.label()).collect(),
        all_vetoes: Veto::ALL.iter().map(|x| (x.code(), x.label())).collect(),
        steps: v
            .steps
            .iter()
            .map(|(step, on, by)| {
                (
                    match step {
                        Step::SelfAssessed => "自评",
                        Step::Scored => "评分",
                        Step::Reviewed => "审核",
                        Step::Confirmed => "确认",
                    },
                    on.format("%Y年%m月%d日").to_string(),
                    by.clone(),
                )
            })
            .collect(),
        review_note: v.review_note.clone().unwrap_or_default(),
        lines: v
            .lines
            .iter()
            .map(|l| Line {
                label: l.indicator.label(),
                heading: l.indicator.heading(),
                records: l.indicator.source() == Source::Records,
                max: l.max,
                self_points: num(l.self_points),
                evidence: l.evidence.clone(),
                points: num(l.points),
                note: l.note.clone(),
                reviewed: num(l.reviewed_points),
                rule: format!(
                    "{}（{}，第{}版）",
                    l.rule.key, l.rule.source, l.rule.version
                ),
                code: l.indicator.code(),
            })
            .collect(),
        may_score: v.rights.score && s.step == Step::SelfAssessed,
        may_review: v.rights.review && s.step == Step::Scored,
        may_confirm: v.rights.confirm && s.step == Step::Reviewed,
        five: s.stars == Some(5),
        error,
    })
}

pub async fn show_assessment(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = assessment_page(&state, &auth, Key { county, id }, None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

/// Which later step a form takes.
#[derive(Clone, Copy)]
enum Act {
    Score,
    Review,
    Confirm,
}

async fn act(
    state: Arc<AppState>,
    auth: Auth,
    key: Key,
    body: Bytes,
    act: Act,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    let done = match act {
        Act::Score => match scored(&pairs, "n_", "评分") {
            Ok(scores) => {
                let vetoes: Vec<Veto> = pairs
                    .iter()
                    .filter(|(k, _)| k == "veto")
                    .filter_map(|(_, v)| Veto::parse(v))
                    .collect();
                state
                    .pool
                    .run(move |store| {
                        Ok(store.score_stars(&actor, &scope, today, key, &scores, &vetoes)?)
                    })
                    .await
            }
            Err(e) => Err(e),
        },
        Act::Review => {
            // Only the indicators whose points were typed are adjustments.
            let mut adjustments = Vec::new();
            let mut bad = None;
            for i in Indicator::ALL
                .into_iter()
                .filter(|i| i.source() == Source::Assessed)
            {
                let typed = params::field(&pairs, &format!("r_{}", i.code()));
                if typed.trim().is_empty() {
                    continue;
                }
                match typed.trim().parse::<i64>() {
                    Ok(p) => adjustments.push((i, p)),
                    Err(_) => {
                        bad.get_or_insert_with(|| {
                            WebError::bad_field("审核", format!("“{}”应填写整数分值", i.label()))
                        });
                    }
                }
            }
            let note = params::field(&pairs, "note");
            match bad {
                Some(e) => Err(e),
                None => {
                    state
                        .pool
                        .run(move |store| {
                            Ok(store.review_stars(
                                &actor,
                                &scope,
                                today,
                                key,
                                &adjustments,
                                &note,
                            )?)
                        })
                        .await
                }
            }
        }
        Act::Confirm => {
            let demonstration = !params::field(&pairs, "demonstration").is_empty();
            state
                .pool
                .run(move |store| {
                    Ok(store.confirm_stars(&actor, &scope, today, key, demonstration)?)
                })
                .await
        }
    };
    let saved = match act {
        Act::Score => "stars_scored",
        Act::Review => "stars_reviewed",
        Act::Confirm => "stars_confirmed",
    };
    match done {
        Ok(()) => Ok(
            Redirect::to(&format!("/stars/{}/{}?saved={saved}", key.county, key.id))
                .into_response(),
        ),
        Err(e) if correctable(&e) => {
            let p = assessment_page(&state, &auth, key, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub async fn score(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, Key { county, id }, body, Act::Score).await
}

pub async fn review(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, Key { county, id }, body, Act::Review).await
}

pub async fn confirm(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    act(state, auth, Key { county, id }, body, Act::Confirm).await
}
