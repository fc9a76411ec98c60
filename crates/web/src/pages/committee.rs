//! `GET /party-orgs/{county}/{id}/committee`: a party organization's committee (支部委员会:
//! 书记, 副书记, 组织委员 …) or a 党小组's leader, now and in past terms, with the vacancy
//! of 书记 said plainly; `POST …/committee` appoints a member to a post from a day, and
//! `POST …/committee/end` records a term's end (离任). The rules (full members only, one
//! 书记 at a time, the secretary account following the 书记) are the store's.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::kinds::{PartyOrgType, Post};
use liangxin_domain::registry::Key;
use liangxin_store::StoreError;
use liangxin_store::posts::PostHeld;

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Choice, Crumb, Layout, render};
use crate::{AppState, params};

struct HeldLine {
    id: i64,
    post: &'static str,
    name: String,
    since: String,
    until: String,
}

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    layout: Layout,
    title: String,
    back: String,
    action: String,
    end_action: String,
    error: Option<String>,
    /// 书记 (or 组长) vacant today.
    vacant: Option<&'static str>,
    secretary_vacant: bool,
    current: Vec<HeldLine>,
    past: Vec<HeldLine>,
    posts: Vec<Choice>,
    candidates: Vec<Choice>,
    /// Probationary members, named so nobody wonders where they went.
    probationary: Vec<String>,
    since: String,
    today: String,
}

/// What the page shows of an organization.
struct Recorded {
    name: String,
    org_type: PartyOrgType,
    held: Vec<PostHeld>,
    candidates: Vec<(Key, String, bool)>,
}

async fn recorded(state: &Arc<AppState>, auth: &Auth, key: Key) -> Result<Recorded, WebError> {
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| {
            let po = store
                .party_org(&scope, key)?
                .ok_or_else(WebError::not_found)?;
            let held = store.posts_of(&scope, key)?;
            let candidates = store.post_candidates(&scope, key)?;
            Ok(Recorded {
                name: po.name,
                org_type: po.org_type,
                held,
                candidates,
            })
        })
        .await
}

/// The form as typed, kept when it is shown again with an error.
#[derive(Default)]
struct Typed {
    post: String,
    member: String,
    since: String,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    r: Recorded,
    typed: &Typed,
    error: Option<String>,
) -> Result<CommitteePage, WebError> {
    let today = crate::today();
    let layout = Layout::new(state, auth, &format!("{}：委员会", r.name), "party_orgs")
        .await?
        .at(state, auth, key, vec![Crumb::here("委员会")])
        .await?;
    let head = Post::head_of(r.org_type);
    let line = |h: &PostHeld| HeldLine {
        id: h.id,
        post: h.post.label(),
        name: h.name.clone(),
        since: h.since.to_string(),
        until: h.until.map(|d| d.to_string()).unwrap_or_default(),
    };
    let vacant = (!r.held.iter().any(|h| h.post == head && h.current(today))).then(|| head.label());
    let (county, id) = (key.county, key.id);
    Ok(CommitteePage {
        layout,
        title: match r.org_type {
            PartyOrgType::Group => format!("{}：党小组组长", r.name),
            _ => format!("{}：委员会", r.name),
        },
        back: format!("/party-orgs/{county}/{id}"),
        action: format!("/party-orgs/{county}/{id}/committee"),
        end_action: format!("/party-orgs/{county}/{id}/committee/end"),
        error,
        secretary_vacant: vacant.is_some() && head == Post::Secretary,
        vacant,
        current: r
            .held
            .iter()
            .filter(|h| h.until.is_none())
            .map(line)
            .collect(),
        past: r
            .held
            .iter()
            .filter(|h| h.until.is_some())
            .map(line)
            .collect(),
        posts: Post::ALL
            .iter()
            .filter(|p| p.fits(r.org_type))
            .map(|p| Choice {
                value: p.code().into(),
                label: p.label().into(),
                selected: typed.post == p.code(),
            })
            .collect(),
        candidates: r
            .candidates
            .iter()
            .filter(|c| c.2)
            .map(|(k, name, _)| {
                let value = format!("{}-{}", k.county, k.id);
                Choice {
                    selected: typed.member == value,
                    value,
                    label: name.clone(),
                }
            })
            .collect(),
        probationary: r
            .candidates
            .iter()
            .filter(|c| !c.2)
            .map(|c| c.1.clone())
            .collect(),
        since: typed.since.clone(),
        today: today.to_string(),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
) -> Result<Response, WebError> {
    let key = Key { county, id };
    let r = recorded(&state, &auth, key).await?;
    let p = page(&state, &auth, key, r, &Typed::default(), None).await?;
    Ok(render(&p)?.into_response())
}

/// A store refusal shown on the page (422), anything else as it is.
async fn refused(
    state: &Arc<AppState>,
    auth: &Auth,
    key: Key,
    typed: &Typed,
    message: String,
) -> Result<Response, WebError> {
    let r = recorded(state, auth, key).await?;
    let p = page(state, auth, key, r, typed, Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
}

pub async fn appoint(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let typed = Typed {
        post: params::field(&pairs, "post"),
        member: params::field(&pairs, "member"),
        since: params::field(&pairs, "since"),
    };
    let today = crate::today();
    let checked = (|| {
        let post = Post::parse(&typed.post).map_err(|e| format!("职务：{e}"))?;
        let member = Key::parse_code(&typed.member).ok_or("党员：请选择")?;
        let since = params::form_date(&typed.since, today)
            .map_err(|e| format!("任职日期：{e}"))?
            .ok_or("任职日期：必填")?;
        Ok::<_, String>((post, member, since))
    })();
    let (post, member, since) = match checked {
        Ok(v) => v,
        Err(message) => return refused(&state, &auth, key, &typed, message).await,
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let done = state
        .pool
        .run(
            move |store| match store.appoint(&actor, &scope, key, post, member, since, today) {
                Ok(_) => Ok(Ok(())),
                Err(StoreError::Invalid { field, reason }) => Ok(Err(format!("{field}：{reason}"))),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/party-orgs/{county}/{id}/committee")).into_response()),
        Err(message) => refused(&state, &auth, key, &typed, message).await,
    }
}

pub async fn end(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path((county, id)): Path<(i32, i64)>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let key = Key { county, id };
    let today = crate::today();
    let post_id: i64 = params::field(&pairs, "post_id")
        .parse()
        .map_err(|_| WebError::bad_field("职务", "不存在"))?;
    let until = match params::form_date(&params::field(&pairs, "until"), today) {
        Ok(Some(d)) => d,
        Ok(None) => return Err(WebError::bad_field("离任日期", "必填")),
        Err(e) => return Err(WebError::bad_field("离任日期", e)),
    };
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let done = state
        .pool
        .run(
            move |store| match store.end_post(&actor, &scope, key, post_id, until, today) {
                Ok(()) => Ok(Ok(())),
                Err(StoreError::Invalid { field, reason }) => Ok(Err(format!("{field}：{reason}"))),
                Err(e) => Err(e.into()),
            },
        )
        .await?;
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/party-orgs/{county}/{id}/committee")).into_response()),
        Err(message) => refused(&state, &auth, key, &Typed::default(), message).await,
    }
}
