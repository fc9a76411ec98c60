//! One 民主评议党员 round: `GET /appraisals/{county}/{id}` shows its turnout while open, and
//! once closed the 唱票结果 beside the roll with the 支委会's 组织评定 form;
//! `POST …/close` ends the voting and publishes the bulletin; `POST …/decide` records the
//! 组织评定 ("不唯票数": any grade may stand against the totals, within the 优秀 rule);
//! `GET …/bulletin.txt` is the bulletin as published, for `liangxin ballot verify`.
//! Outside the scope: 404.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::appraisal::Grade;
use liangxin_domain::registry::Key;
use liangxin_store::appraisal::RoundView;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, SavedQuery, render};
use crate::{AppState, params};

/// A member of the roll, with the ballots' totals once counted.
struct Line {
    position: usize,
    name: String,
    /// 优秀, 合格, 基本合格, 不合格, 弃权.
    totals: Option<[u32; 5]>,
    grade: Option<&'static str>,
    /// For a member graded 不合格: where the 限期改正 is opened.
    correction_href: Option<String>,
    /// The grade typed in a decision that was refused, to show it again.
    typed: String,
    /// The member's 党性体检 of the year, as reference: where it stands, and its page.
    checkup: String,
    checkup_href: String,
    /// 个人自评, as written (empty: not written).
    self_text: String,
}

#[derive(Template)]
#[template(path = "appraisal.html")]
struct RoundPage {
    layout: Layout,
    title: String,
    party_org: String,
    opened: String,
    eligible: i64,
    cast: i64,
    open: bool,
    decided: Option<String>,
    close_href: String,
    decide_href: String,
    bulletin_href: String,
    rounds_href: String,
    ballot_path: String,
    lines: Vec<Line>,
    grades: Vec<&'static str>,
    excellent_limit: usize,
    excellent_rule: String,
    hash: String,
    previous: String,
    trackers: Vec<String>,
    error: Option<String>,
}

async fn load(state: &Arc<AppState>, auth: &Auth, key: Key) -> Result<RoundView, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    state
        .pool
        .run(move |store| Ok(store.appraisal_round(&scope, today, key)?))
        .await
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    v: RoundView,
    typed: &[(String, String)],
    error: Option<String>,
) -> Result<RoundPage, WebError> {
    let s = &v.summary;
    let base = format!("/appraisals/{}/{}", key.county, key.id);
    let rounds_href = format!(
        "/party-orgs/{}/{}/appraisals",
        s.party_org.county, s.party_org.id
    );
    let layout = Layout::new(state, auth, &v.summary.title, "party_orgs")
        .await?
        .at(
            state,
            auth,
            s.party_org,
            vec![
                Crumb::link("民主评议党员", rounds_href.clone()),
                Crumb::here(format!("{}年度", s.year)),
            ],
        )
        .await?;
    let (members, year, scope) = (
        v.roll.iter().map(|l| l.member).collect::<Vec<_>>(),
        s.year,
        auth.scope.clone(),
    );
    let standings: std::collections::HashMap<Key, _> = state
        .pool
        .run(move |store| Ok(store.checkup_standings(&scope, &members, year)?))
        .await?
        .into_iter()
        .collect();
    let lines = v
        .roll
        .iter()
        .enumerate()
        .map(|(i, l)| Line {
            self_text: l.self_assessment.clone().unwrap_or_default(),
            checkup: standings.get(&l.member).map_or_else(
                || "未自查".to_owned(),
                |c: &liangxin_store::checkup::CheckupStanding| match c.problems {
                    0 => format!("{}，未查摆出问题", c.state.label()),
                    n => format!("{}，查摆问题{n}项", c.state.label()),
                },
            ),
            checkup_href: format!(
                "/members/{}/{}/checkup?year={year}",
                l.member.county, l.member.id
            ),
            position: i + 1,
            name: l.name.clone(),
            totals: v.bulletin.as_ref().map(|b| {
                let t = b.totals[i];
                [
                    t.grades[0],
                    t.grades[1],
                    t.grades[2],
                    t.grades[3],
                    t.abstained,
                ]
            }),
            grade: l.grade.map(Grade::label),
            correction_href: (l.grade == Some(Grade::Unqualified))
                .then(|| format!("/members/{}/{}/correction", l.member.county, l.member.id)),
            typed: params::field(typed, &format!("g_{}", i + 1)),
        })
        .collect();
    let rule = &v.excellent_rule;
    Ok(RoundPage {
        layout,
        title: s.title.clone(),
        party_org: v.party_org_name.clone(),
        opened: s.opened_on.format("%Y年%m月%d日").to_string(),
        eligible: s.eligible,
        cast: s.cast,
        open: s.closed_on.is_none(),
        decided: s.decided_on.map(|d| d.format("%Y年%m月%d日").to_string()),
        close_href: format!("{base}/close"),
        decide_href: format!("{base}/decide"),
        bulletin_href: format!("{base}/bulletin.txt"),
        ballot_path: format!("/ballot/{}/{}", key.county, key.id),
        rounds_href,
        lines,
        grades: Grade::ALL.iter().map(|g| g.label()).collect(),
        excellent_limit: v.excellent_limit,
        excellent_rule: format!("{}（{}，第{}版）", rule.title, rule.source, rule.version),
        hash: v.bulletin_hash.clone().unwrap_or_default(),
        previous: v
            .bulletin
            .as_ref()
            .and_then(|b| b.previous.clone())
            .unwrap_or_else(|| "无（本支部第一轮）".into()),
        trackers: v
            .bulletin
            .as_ref()
            .map(|b| b.ballots.iter().map(|(t, _)| t.clone()).collect())
            .unwrap_or_default(),
        error,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let v = load(&state, &auth, key).await?;
    let mut p = page(&state, &auth, key, v, &[], None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

pub async fn close(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let today = crate::today();
    state
        .pool
        .run(move |store| Ok(store.close_appraisal(&actor, &scope, today, key)?))
        .await?;
    Ok(Redirect::to(&format!("/appraisals/{county}/{id}?saved=appraisal_closed")).into_response())
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let v = load(&state, &auth, key).await?;
    // Every member graded by choice: there is no default grade to leave standing.
    let mut grades = Vec::with_capacity(v.roll.len());
    let mut problem = None;
    for (i, l) in v.roll.iter().enumerate() {
        let typed = params::field(&pairs, &format!("g_{}", i + 1));
        match Grade::parse(&typed) {
            Ok(g) => grades.push(g),
            Err(_) => {
                problem.get_or_insert_with(|| {
                    format!("组织评定：请为第 {} 名 {} 选择等次", i + 1, l.name)
                });
            }
        }
    }
    let refused = match problem {
        Some(p) => Some(p),
        None => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            let saved = state
                .pool
                .run(move |store| Ok(store.decide_appraisal(&actor, &scope, today, key, &grades)?))
                .await;
            match saved {
                Ok(()) => {
                    return Ok(Redirect::to(&format!(
                        "/appraisals/{county}/{id}?saved=appraisal_decided"
                    ))
                    .into_response());
                }
                Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => Some(e.message),
                Err(e) => return Err(e),
            }
        }
    };
    let p = page(&state, &auth, key, v, &pairs, refused).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}

pub async fn bulletin(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let v = load(&state, &auth, Key { county, id }).await?;
    let text = v
        .bulletin_text
        .ok_or_else(|| WebError::bad_field("唱票结果公告", "投票尚未结束，还没有公告"))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"bulletin-{county}-{id}.txt\""),
            ),
        ],
        text,
    )
        .into_response())
}
