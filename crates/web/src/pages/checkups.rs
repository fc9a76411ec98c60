//! `GET /party-orgs/{county}/{id}/checkups[?year=2026&page=2]`: the organization's 党性体检 of
//! a year member by member — who has written one (自查), who the branch has reviewed,
//! the problems each found, and any 限期改正 still open with its deadline — so the
//! branch knows whom to remind and what to review before its 民主评议.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::Datelike;
use liangxin_domain::checkup::CheckupState;
use liangxin_domain::kinds::MemberStatus;
use liangxin_domain::registry::Key;
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Crumb, Layout, Pager, render};
use crate::{AppState, params};

#[derive(Debug, Deserialize)]
pub struct RollQuery {
    pub year: Option<String>,
    pub page: Option<String>,
}

struct Line {
    name: String,
    href: String,
    party_org: String,
    status: &'static str,
    /// 未自查 / 待评议 / 已评议.
    state: &'static str,
    pending: bool,
    problems: usize,
    correction: Option<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "checkups.html")]
struct RollPage {
    layout: Layout,
    name: String,
    year: i32,
    years: Vec<i32>,
    action: String,
    members: u32,
    written: u32,
    reviewed: u32,
    unwritten: u32,
    unreviewed: u32,
    lines: Vec<Line>,
    pager: Pager,
}

/// Members a page shows.
const PAGE: usize = 100;

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    Query(q): Query<RollQuery>,
) -> Result<Html<String>, WebError> {
    let key = Key { county, id };
    let today = crate::today();
    let year = params::year(&q.year, today)?.unwrap_or(today.year());
    let page = params::page(&q.page)?;
    let scope = auth.scope.clone();
    let offset = (page - 1) * PAGE as i64;
    // Kept per records version (every checkup and correction step moves it): a city's
    // counts read every member.
    let kept = crate::report::from_records(
        &state,
        &state.reports.checkups,
        &auth.scope,
        (key, year, page),
        move |store| {
            if store.party_org(&scope, key)?.is_none() {
                return Err(WebError::not_found());
            }
            Ok(store.checkup_roll(&scope, key, year, offset, PAGE as i64)?)
        },
    )
    .await?;
    let roll = (*kept).clone();
    let pager = Pager::new(
        &format!("/party-orgs/{county}/{id}/checkups"),
        vec![("year", year.to_string())],
        page,
        roll.members as usize,
        PAGE,
    );
    let layout = Layout::new(&state, &auth, "党性体检情况", "party_orgs")
        .await?
        .at(&state, &auth, key, vec![Crumb::here("党性体检情况")])
        .await?;
    render(&RollPage {
        layout,
        name: roll.party_org_name,
        year,
        years: crate::view::year_choices(today, year),
        action: format!("/party-orgs/{county}/{id}/checkups"),
        members: roll.members,
        written: roll.written,
        reviewed: roll.reviewed,
        // Counted by separate reads: never below zero if a member moved between them.
        unwritten: roll.members.saturating_sub(roll.written),
        unreviewed: roll.written.saturating_sub(roll.reviewed),
        lines: roll
            .lines
            .into_iter()
            .map(|l| {
                let base = format!("/members/{}/{}", l.member.county, l.member.id);
                Line {
                    name: l.name,
                    href: format!("{base}/checkup?year={year}"),
                    party_org: l.party_org_name,
                    status: match l.status {
                        MemberStatus::Probationary => "预备党员",
                        _ => "正式党员",
                    },
                    state: match l.standing.map(|s| s.state) {
                        None => "未自查",
                        Some(CheckupState::Submitted) => "待评议",
                        Some(CheckupState::Reviewed) => "已评议",
                    },
                    pending: l
                        .standing
                        .is_some_and(|s| s.state == CheckupState::Submitted),
                    problems: l.standing.map_or(0, |s| s.problems),
                    correction: l.correction_deadline.map(|d| {
                        (
                            format!("{base}/correction"),
                            d.format("%Y年%m月%d日").to_string(),
                            d <= today,
                        )
                    }),
                }
            })
            .collect(),
        pager,
    })
}
