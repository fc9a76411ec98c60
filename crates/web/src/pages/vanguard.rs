//! `GET /members/{county}/{id}/vanguard[?year=2026]`: a member's 党员先锋指数 — the band,
//! the points per item and every fact that earned or cost them, each linked to its record
//! — seen by the member themselves and by the branch and the levels above; no ranking of
//! members anywhere. `POST …/vanguard`: the branch (or above) enters a record with its
//! evidence (先锋岗, 责任区, 承诺践诺, 比武, 攻关, 志愿服务, 表彰, 处分).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use liangxin_domain::registry::Key;
use liangxin_domain::vanguard::{FactRef, RecordKind, Span};
use liangxin_store::vanguard::NewMemberRecord;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

#[derive(Debug, Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
    /// 1–4 for a quarter; none for the year.
    pub quarter: Option<u32>,
    pub saved: Option<String>,
}

struct Line {
    date: String,
    item: &'static str,
    what: String,
    href: Option<String>,
    points: String,
    note: String,
}

struct Record {
    id: i64,
    kind: &'static str,
    dates: String,
    title: String,
    evidence: String,
    /// 已撤销 with the day and the reason, when withdrawn.
    withdrawn: Option<String>,
}

#[derive(Template)]
#[template(path = "vanguard.html")]
struct IndexPage {
    layout: Layout,
    name: String,
    masked: String,
    year: i32,
    years: Vec<i32>,
    /// The span shown (`2026年第3季度`), and the year's and each quarter's links.
    span: String,
    spans: Vec<(String, String, bool)>,
    action: String,
    total: i64,
    band: &'static str,
    band_rule: String,
    items: Vec<(&'static str, i64)>,
    lines: Vec<Line>,
    records: Vec<Record>,
    may_enter: bool,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl IndexPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    year: i32,
    quarter: Option<u32>,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<IndexPage, WebError> {
    let today = crate::today();
    let this = today.year();
    let year = year.clamp(this - 5, this);
    // A quarter not yet begun shows the year.
    let span = Span::of(year, quarter)
        .filter(|s| s.first_day().is_some_and(|d| d <= today))
        .unwrap_or(Span::Year(year));
    let scope = auth.scope.clone();
    let (member, e, records) = state
        .pool
        .run(move |store| {
            let member = store.member(&scope, key)?.ok_or_else(WebError::not_found)?;
            let e = store.vanguard_index(&scope, key, span, today)?;
            let records = store.member_records(&scope, key)?;
            Ok((member, e, records))
        })
        .await?;
    let title = "党员先锋指数";
    let layout = Layout::new(state, auth, title, "members").await?;
    let layout = if auth.scope.member.is_some() {
        layout
    } else {
        layout.at_member(state, auth, &member, title).await?
    };
    Ok(IndexPage {
        layout,
        name: member.name.clone(),
        masked: member.resident_id_masked.clone(),
        year,
        years: (this - 2..=this).rev().collect(),
        span: span.label(),
        spans: std::iter::once((None, "全年".to_owned()))
            .chain((1..=4).map(|q| (Some(q), format!("第{q}季度"))))
            .filter(|(q, _)| {
                Span::of(year, *q)
                    .and_then(Span::first_day)
                    .is_some_and(|d| d <= today)
            })
            .map(|(q, label)| {
                let href = match q {
                    Some(q) => format!(
                        "/members/{}/{}/vanguard?year={year}&quarter={q}",
                        key.county, key.id
                    ),
                    None => format!("/members/{}/{}/vanguard?year={year}", key.county, key.id),
                };
                let current = Span::of(year, q) == Some(span);
                (href, label, current)
            })
            .collect(),
        action: format!("/members/{}/{}/vanguard", key.county, key.id),
        total: e.total,
        band: e.band.label(),
        band_rule: format!("{}（{}）", e.band_rule.title, e.band_rule.source),
        items: e
            .items
            .iter()
            .filter(|(_, p)| *p != 0)
            .map(|(i, p)| (i.label(), *p))
            .collect(),
        lines: e
            .lines
            .iter()
            .map(|l| Line {
                date: day(l.fact.on),
                item: l.fact.item.label(),
                what: l.fact.what.clone(),
                href: match &l.fact.link {
                    // A member reads their own record; the meeting and finding pages are staff's.
                    FactRef::Meeting { county, id } if auth.scope.member.is_none() => {
                        Some(format!("/meetings/{county}/{id}"))
                    }
                    FactRef::DuesMonth { .. } if auth.scope.member.is_none() => {
                        Some(format!("/members/{}/{}/dues", key.county, key.id))
                    }
                    FactRef::Record { id, .. } => Some(format!("#record-{id}")),
                    _ => None,
                },
                points: if l.points > 0 {
                    format!("+{}", l.points)
                } else {
                    l.points.to_string()
                },
                note: if l.over_cap {
                    format!("已达上限（{}）", l.rule.title)
                } else {
                    l.rule.title.clone()
                },
            })
            .collect(),
        records: records
            .iter()
            .map(|r| Record {
                kind: r.kind.label(),
                dates: match r.until {
                    Some(u) => format!("{}至{}", day(r.on), day(u)),
                    None if r.kind.is_duty() => format!("{}起", day(r.on)),
                    None => day(r.on),
                },
                id: r.key.id,
                title: r.title.clone(),
                evidence: r.evidence.clone(),
                withdrawn: r
                    .withdrawn
                    .as_ref()
                    .map(|(on, why)| format!("已于{}撤销：{why}", day(*on))),
            })
            .collect(),
        may_enter: auth.scope.member.is_none(),
        kinds: RecordKind::ALL
            .iter()
            .map(|k| (k.code(), k.label()))
            .collect(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<YearQuery>,
) -> Result<Response, WebError> {
    let year = q.year.unwrap_or_else(|| crate::today().year());
    let mut p = page(
        &state,
        &auth,
        Key { county, id },
        year,
        q.quarter,
        Vec::new(),
        None,
    )
    .await?;
    p.layout = p.layout.saved(&SavedQuery { saved: q.saved });
    Ok(render(&p)?.into_response())
}

fn date(field: &'static str, typed: &str, today: NaiveDate) -> Result<Option<NaiveDate>, WebError> {
    params::form_date(typed, today).map_err(|m| WebError::bad_field(field, m))
}

pub async fn enter(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let checked = (|| {
        let kind = RecordKind::parse(&params::field(&pairs, "kind"))
            .ok_or_else(|| WebError::bad_field("类别", "请选择记录类别"))?;
        let on = date("日期", &params::field(&pairs, "on"), today)?
            .ok_or_else(|| WebError::bad_field("日期", "必填"))?;
        let until = date("截止日期", &params::field(&pairs, "until"), today)?;
        Ok(NewMemberRecord {
            member: key,
            kind,
            on,
            until,
            title: params::field(&pairs, "title"),
            evidence: params::field(&pairs, "evidence"),
        })
    })();
    let saved = match checked {
        Ok(r) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| Ok(store.record_member_fact(&actor, &scope, today, r)?))
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Ok(Redirect::to(&format!(
            "/members/{county}/{id}/vanguard?saved=member_record"
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(
                &state,
                &auth,
                key,
                today.year(),
                None,
                pairs,
                Some(e.message),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /members/{county}/{id}/vanguard/withdraw`: the branch (or above) withdraws one of
/// the member's records entered in error, with the reason.
pub async fn withdraw(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let record: i64 = params::field(&pairs, "record")
        .trim()
        .parse()
        .map_err(|_| WebError::bad_field("记录", "请选择要撤销的记录"))?;
    let reason = params::field(&pairs, "reason");
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let done = state
        .pool
        .run(move |store| {
            // The record must be this member's, not only in the scope.
            let theirs = store
                .member_records(&scope, key)?
                .into_iter()
                .find(|r| r.key.id == record)
                .ok_or_else(|| WebError::bad_field("记录", "不是这名党员的记录"))?;
            store.withdraw_member_record(&actor, &scope, today, theirs.key, &reason)?;
            Ok(())
        })
        .await;
    match done {
        Ok(()) => Ok(Redirect::to(&format!(
            "/members/{county}/{id}/vanguard?saved=member_record_withdrawn"
        ))
        .into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(
                &state,
                &auth,
                key,
                today.year(),
                None,
                Vec::new(),
                Some(e.message),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}
