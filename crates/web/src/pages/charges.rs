//! 划片包干 on pages. `GET /charges`: the cadres the scope's committees assigned, each with
//! the organizations they answer for and those organizations' open items today (the 待办
//! of each charge's subtree: organizations with something open, meetings owed, members'
//! dues not entered, open audit findings, overdue rectifications and tasks); ended
//! assignments below. `POST /charges` assigns (the user's committee); `POST
//! /charges/{county}/{id}/end` ends one.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use liangxin_domain::registry::Key;
use liangxin_store::Scope;
use liangxin_store::charges::{Charge, NewCharge};
use liangxin_store::todo::OpenItems;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

use crate::view::cn_day;

/// One charge and its open items.
struct Line {
    code: String,
    href: String,
    name: String,
    committee: String,
    since: String,
    until: Option<String>,
    /// The charge's open items today (none for an assignment not yet begun).
    open: Option<OpenItems>,
}

struct Cadre {
    name: String,
    post: String,
    lines: Vec<Line>,
}

#[derive(Template)]
#[template(path = "charges.html")]
struct ChargesPage {
    layout: Layout,
    cadres: Vec<Cadre>,
    ended: Vec<(String, Line)>,
    committee: Option<String>,
    today: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl ChargesPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<ChargesPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (root, charges) = state
        .pool
        .run(move |store| Ok((store.scope_root(&scope)?, store.charges(&scope)?)))
        .await?;
    let current: Vec<&Charge> = charges.iter().filter(|c| c.current(today)).collect();
    let todos = crate::report::scope_todos(
        state,
        current
            .iter()
            .map(|c| Scope::subtree(c.party_org_path.clone()))
            .collect(),
    )
    .await?;
    let mut todos = current.iter().map(|c| c.key).zip(todos);
    let mut cadres: Vec<Cadre> = Vec::new();
    let mut ended = Vec::new();
    for c in &charges {
        let current = c.current(today);
        let line = Line {
            code: format!("{}/{}", c.key.county, c.key.id),
            href: format!("/party-orgs/{}/{}", c.party_org.county, c.party_org.id),
            name: c.party_org_name.clone(),
            committee: c.committee_name.clone(),
            since: cn_day(c.since),
            until: c.until.map(cn_day),
            open: if current {
                todos
                    .find(|(k, _)| *k == c.key)
                    .map(|(_, todo)| OpenItems::of(&todo.branches, &todo.evaluation))
            } else {
                None
            },
        };
        if c.until.is_some() {
            ended.push((format!("{}（{}）", c.cadre, c.post), line));
            continue;
        }
        match cadres
            .iter_mut()
            .find(|x| x.name == c.cadre && x.post == c.post)
        {
            Some(x) => x.lines.push(line),
            None => cadres.push(Cadre {
                name: c.cadre.clone(),
                post: c.post.clone(),
                lines: vec![line],
            }),
        }
    }
    Ok(ChargesPage {
        layout: Layout::new(state, auth, "划片包干", "charges").await?,
        cadres,
        ended,
        committee: root
            .filter(|r| r.org_type.is_committee() && auth.scope.member.is_none())
            .map(|r| r.name),
        today: today.to_string(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(saved): Query<SavedQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Vec::new(), None).await?;
    p.layout = p.layout.saved(&saved);
    Ok(render(&p)?.into_response())
}

async fn after(
    state: &Arc<AppState>,
    auth: &Auth,
    done: Result<(), WebError>,
    saved: &str,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    crate::view::after_post(done, format!("/charges?saved={saved}"), |message| {
        page(state, auth, pairs, Some(message))
    })
    .await
}

fn day_field(
    pairs: &[(String, String)],
    name: &str,
    field: &'static str,
) -> Result<chrono::NaiveDate, WebError> {
    let today = crate::today();
    Ok(params::form_date(&params::field(pairs, name), today)
        .map_err(|m| WebError::bad_field(field, m))?
        .unwrap_or(today))
}

/// `POST /charges`: `cadre`, `post`, `party_org` (330825-12), `since` (blank: today).
pub async fn assign(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let checked = (|| {
        let party_org = params::party_org(&Some(params::field(&pairs, "party_org")))
            .map_err(|_| {
                WebError::bad_field("包干党组织", "党组织编号应为“县代码-编号”，如 330825-12")
            })?
            .ok_or_else(|| WebError::bad_field("包干党组织", "请填写党组织编号"))?;
        Ok(NewCharge {
            cadre: params::field(&pairs, "cadre"),
            post: params::field(&pairs, "post"),
            party_org,
            since: day_field(&pairs, "since", "包干起始日期")?,
        })
    })();
    let done = match checked {
        Ok(c) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| {
                    store.assign_charge(&actor, &scope, today, &c)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    after(&state, &auth, done, "charge", pairs).await
}

/// `POST /charges/{county}/{id}/end`: `until` (blank: today).
pub async fn end(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let done = match day_field(&pairs, "until", "结束日期") {
        Ok(until) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let today = crate::today();
            state
                .pool
                .run(move |store| {
                    store.end_charge(&actor, &scope, today, Key { county, id }, until)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    after(&state, &auth, done, "charge_ended", Vec::new()).await
}
