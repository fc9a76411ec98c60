//! 账号管理, for the 系统管理员: `GET /accounts` lists the accounts at or below the
//! administrator's committee, `…/new` creates one, `/accounts/{id}` shows one with its
//! actions (停用, 启用, 重置密码). A password set here is shown once, on the answer to the
//! action that set it, and must be changed at its holder's first sign-in.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDateTime;
use liangxin_domain::account::Username;
use liangxin_domain::kinds::Role;
use liangxin_store::StoreError;
use liangxin_store::administration::{AccountListing, AccountRequest, SecretaryToOpen};
use serde::Deserialize;

use crate::AppState;
use crate::auth::{self, Auth};
use crate::error::WebError;
use crate::params;
use crate::view::{Choice, Layout, render};

/// A one-time password and its hash, made off the async threads (Argon2 takes a while).
async fn one_time_password_and_hash() -> Result<(String, String), WebError> {
    let password = auth::one_time_password()?;
    let for_hash = password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&for_hash))
        .await
        .map_err(WebError::internal)??;
    Ok((password, hash))
}

/// Accounts a page shows.
const PAGE_SIZE: usize = 50;

/// One line of the list.
#[derive(Debug, Clone)]
struct Line {
    href: String,
    username: String,
    display_name: String,
    role: &'static str,
    node: String,
    state: &'static str,
    class: &'static str,
    last_login: String,
}

fn when(t: Option<NaiveDateTime>) -> String {
    // Stored in UTC; people read Beijing time.
    t.map(|t| {
        (t + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    })
    .unwrap_or_else(|| "从未登录".into())
}

/// 正常, 已停用, 待改密 or 已锁定, with its colour class.
fn state_of(a: &AccountListing, now: NaiveDateTime) -> (&'static str, &'static str) {
    if a.disabled_at.is_some() {
        ("已停用", "bad")
    } else if a.locked_until.is_some_and(|t| t > now) {
        ("已锁定", "bad")
    } else if a.must_change_password {
        ("待改初始密码", "warn")
    } else {
        ("正常", "ok")
    }
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct ListPage {
    layout: Layout,
    lines: Vec<Line>,
    total: usize,
    shown_from: usize,
    q: String,
    role: String,
    roles: Vec<Choice>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    role: Option<String>,
    page: Option<String>,
}

fn role_choices(selected: &str, with_all: bool) -> Vec<Choice> {
    let mut out = Vec::new();
    if with_all {
        out.push(Choice {
            value: String::new(),
            label: "全部角色".into(),
            selected: selected.is_empty(),
        });
    }
    out.extend(Role::ALL.iter().map(|r| Choice {
        value: r.code().to_owned(),
        label: r.label().to_owned(),
        selected: r.code() == selected,
    }));
    out
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let page = usize::try_from(params::page(&q.page)?).unwrap_or(1).max(1);
    let text = q.q.clone().unwrap_or_default().trim().to_owned();
    let role = match q.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Some(Role::parse(r).map_err(|e| WebError::bad_field("角色", e.to_string()))?),
        None => None,
    };
    let scope = auth.scope.clone();
    let all = state
        .pool
        .run(move |store| Ok(store.accounts_in_scope(&scope)?))
        .await?;
    let now = auth::now();
    let matching: Vec<&AccountListing> = all
        .iter()
        .filter(|a| role.is_none_or(|r| a.role == r))
        .filter(|a| {
            text.is_empty()
                || a.username.contains(&text)
                || a.display_name.contains(&text)
                || a.node.contains(&text)
        })
        .collect();
    let total = matching.len();
    let from = (page - 1) * PAGE_SIZE;
    let lines = matching
        .iter()
        .skip(from)
        .take(PAGE_SIZE)
        .map(|a| {
            let (state, class) = state_of(a, now);
            Line {
                href: format!("/accounts/{}", a.id),
                username: a.username.clone(),
                display_name: a.display_name.clone(),
                role: a.role.label(),
                node: a.node.clone(),
                state,
                class,
                last_login: when(a.last_login_at),
            }
        })
        .collect();
    let role_code = role.map(|r| r.code().to_owned()).unwrap_or_default();
    let link = |p: usize| {
        crate::view::query(&[
            ("q", text.clone()),
            ("role", role_code.clone()),
            ("page", p.to_string()),
        ])
    };
    let layout = Layout::new(&state, &auth, "账号管理", "accounts").await?;
    render(&ListPage {
        layout,
        lines,
        total,
        shown_from: from + 1,
        q: text.clone(),
        roles: role_choices(&role_code, true),
        role: role_code.clone(),
        prev: (page > 1).then(|| link(page - 1)),
        next: (from + PAGE_SIZE < total).then(|| link(page + 1)),
    })
}

#[derive(Debug, Clone, Default)]
struct NewForm {
    username: String,
    display_name: String,
    role: String,
    node: String,
}

#[derive(Template)]
#[template(path = "account_new.html")]
struct NewPage {
    layout: Layout,
    f: NewForm,
    roles: Vec<Choice>,
    error: Option<String>,
}

pub async fn show_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
) -> Result<Html<String>, WebError> {
    let layout = Layout::new(&state, &auth, "新建账号", "accounts").await?;
    render(&NewPage {
        layout,
        f: NewForm::default(),
        // No default for the role: it decides what the account sees.
        roles: role_choices("", false),
        error: None,
    })
}

/// The answer to an action that set a one-time password: shown once, never again.
#[derive(Template)]
#[template(path = "account_password.html")]
struct PasswordShown {
    layout: Layout,
    heading: String,
    username: String,
    password: String,
    href: String,
}

pub async fn submit_new(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let f = NewForm {
        username: params::field(&pairs, "username").trim().to_owned(),
        display_name: params::field(&pairs, "display_name").trim().to_owned(),
        role: params::field(&pairs, "role"),
        node: params::field(&pairs, "node").trim().to_owned(),
    };
    let refuse = |f: NewForm, message: String| async {
        let layout = Layout::new(&state, &auth, "新建账号", "accounts").await?;
        let roles = role_choices(&f.role, false);
        Ok::<Response, WebError>(
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&NewPage {
                    layout,
                    f,
                    roles,
                    error: Some(message),
                })?,
            )
                .into_response(),
        )
    };
    let username = match Username::parse(&f.username) {
        Ok(u) => u,
        Err(e) => return refuse(f, format!("用户名：{e}")).await,
    };
    let display_name = f.display_name.clone();
    if display_name.is_empty() || display_name.chars().count() > 50 {
        return refuse(f, "姓名或名称：必填，不超过50个字".into()).await;
    }
    let role = match Role::parse(&f.role) {
        Ok(r) => r,
        Err(_) => return refuse(f, "角色：请选择".into()).await,
    };
    let (password, hash) = one_time_password_and_hash().await?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let node = f.node.clone();
    let name = username.as_str().to_owned();
    let created = state
        .pool
        .run(move |store| {
            let made = store.node_for(&scope, role, &node).and_then(|node| {
                store.create_account(
                    &actor,
                    &scope,
                    &AccountRequest {
                        username: &name,
                        display_name: &display_name,
                        password_hash: &hash,
                        role,
                        node,
                    },
                    auth::now(),
                )
            });
            match made {
                Ok(id) => Ok(Ok(id)),
                // A value that does not fit is the form's to show, not a page of its own.
                Err(StoreError::Invalid { field, reason }) => Ok(Err(format!("{field}：{reason}"))),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let id = match created {
        Ok(id) => id,
        Err(message) => return refuse(f, message).await,
    };
    let layout = Layout::new(&state, &auth, "账号已建立", "accounts").await?;
    Ok(render(&PasswordShown {
        layout,
        heading: format!("已建立账号 {}", username.as_str()),
        username: username.as_str().to_owned(),
        password,
        href: format!("/accounts/{id}"),
    })?
    .into_response())
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    id: i64,
    username: String,
    display_name: String,
    role: &'static str,
    node: String,
    state: &'static str,
    class: &'static str,
    disabled: bool,
    own: bool,
    last_login: String,
    created: String,
    notice: Option<String>,
}

async fn account_page(
    state: &Arc<AppState>,
    auth: &Auth,
    id: i64,
    notice: Option<String>,
) -> Result<Html<String>, WebError> {
    let scope = auth.scope.clone();
    let listing = state
        .pool
        .run(move |store| {
            // The list's own query: one account's line, in scope or not at all.
            Ok(store
                .account_in_scope(&scope, id)?
                .map(|_| store.accounts_in_scope(&scope))
                .transpose()?
                .and_then(|all| all.into_iter().find(|a| a.id == id)))
        })
        .await?
        .ok_or_else(WebError::not_found)?;
    let (st, class) = state_of(&listing, auth::now());
    let layout = Layout::new(
        state,
        auth,
        &format!("账号 {}", listing.username),
        "accounts",
    )
    .await?;
    render(&AccountPage {
        layout,
        id,
        username: listing.username,
        display_name: listing.display_name,
        role: listing.role.label(),
        node: listing.node,
        state: st,
        class,
        disabled: listing.disabled_at.is_some(),
        own: id == auth.user.id,
        last_login: when(listing.last_login_at),
        created: when(Some(listing.created_at)),
        notice,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
) -> Result<Html<String>, WebError> {
    account_page(&state, &auth, id, None).await
}

async fn set_disabled(
    state: Arc<AppState>,
    auth: Auth,
    id: i64,
    body: axum::body::Bytes,
    disabled: bool,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let changed = state
        .pool
        .run(move |store| {
            if store.account_in_scope(&scope, id)?.is_none() {
                return Err(WebError::not_found());
            }
            Ok(store.set_account_disabled(&actor, &scope, id, disabled, auth::now())?)
        })
        .await?;
    let notice = match (changed, disabled) {
        (true, true) => "已停用：该账号的登录和接口令牌均已失效",
        (true, false) => "已启用：该账号可以再次登录（停用时撤销的接口令牌不恢复）",
        (false, true) => "该账号本已停用",
        (false, false) => "该账号本已启用",
    };
    account_page(&state, &auth, id, Some(notice.into())).await
}

pub async fn disable(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    set_disabled(state, auth, id, body, true).await
}

pub async fn enable(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    set_disabled(state, auth, id, body, false).await
}

pub async fn reset(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let scope = auth.scope.clone();
    let found = state
        .pool
        .run(move |store| Ok(store.account_in_scope(&scope, id)?))
        .await?
        .ok_or_else(WebError::not_found)?;
    let (password, hash) = one_time_password_and_hash().await?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    state
        .pool
        .run(move |store| Ok(store.reset_account_password(&actor, &scope, id, &hash)?))
        .await?;
    let layout = Layout::new(&state, &auth, "密码已重置", "accounts").await?;
    render(&PasswordShown {
        layout,
        heading: format!("已重置账号 {} 的密码", found.username),
        username: found.username,
        password,
        href: format!("/accounts/{id}"),
    })
}

/// Secretary accounts opened by one action: each needs an Argon2 hash, so a county's
/// hundreds of branches take a few rounds (the page says how many are left).
const BATCH: usize = 200;

/// `POST /accounts/secretaries`: an account for the 书记 of every party organization at or
/// below `under` (default: the administrator's committee) that has none, in one
/// transaction; the answer is a workbook of login names and one-time passwords to hand out.
pub async fn secretaries(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let under = params::field(&pairs, "under").trim().to_owned();
    let scope = auth.scope.clone();
    let (orgs, left) = state
        .pool
        .run(move |store| {
            let under = match under.as_str() {
                "" => None,
                r => match store.node_for(&scope, Role::Secretary, r)? {
                    liangxin_store::administration::Node::PartyOrg(k) => Some(k),
                    _ => None,
                },
            };
            let mut orgs = store.party_orgs_without_secretary(&scope, under)?;
            let left = orgs.len().saturating_sub(BATCH);
            orgs.truncate(BATCH);
            Ok((orgs, left))
        })
        .await?;
    if orgs.is_empty() {
        return Err(WebError::bad_field(
            "党组织",
            "范围内的党组织都已有书记账号",
        ));
    }
    let mut hashes = Vec::with_capacity(orgs.len());
    let mut rows = Vec::with_capacity(orgs.len());
    for o in &orgs {
        let (password, hash) = one_time_password_and_hash().await?;
        hashes.push(hash);
        rows.push(secretary_row(o, password));
    }
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    state
        .pool
        .run(move |store| {
            let requests = secretary_requests(&orgs, &hashes);
            Ok(store.create_accounts(&actor, &scope, &requests, auth::now())?)
        })
        .await?;
    let left = if left > 0 {
        format!("，另有{left}个未开通，请再次操作")
    } else {
        String::new()
    };
    let bytes = secretary_sheet(&rows, &left)?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"secretary-accounts.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// A line of the secretaries' sheet: 组织编号, name, login name, one-time password.
pub fn secretary_row(o: &SecretaryToOpen, password: String) -> Vec<String> {
    vec![
        format!("{}-{}", o.key.county, o.key.id),
        o.name.clone(),
        o.username.clone(),
        password,
    ]
}

/// The accounts to create for `orgs`, with their passwords' hashes.
pub fn secretary_requests<'a>(
    orgs: &'a [SecretaryToOpen],
    hashes: &'a [String],
) -> Vec<AccountRequest<'a>> {
    orgs.iter()
        .zip(hashes)
        .map(|(o, hash)| AccountRequest {
            username: &o.username,
            display_name: &o.display_name,
            password_hash: hash,
            role: Role::Secretary,
            node: liangxin_store::administration::Node::PartyOrg(o.key),
        })
        .collect()
}

/// The sheet of secretaries' one-time passwords to hand out (`more` ends its title: what
/// is left for another round, if anything).
pub fn secretary_sheet(rows: &[Vec<String>], more: &str) -> Result<Vec<u8>, WebError> {
    liangxin_docs::xlsx::table(
        "书记账号",
        &format!(
            "党组织书记账号（一次性密码，首次登录须修改；本次{}个{more}）",
            rows.len()
        ),
        &["组织编号", "党组织名称", "用户名", "一次性密码"],
        rows,
        &[14.0, 40.0, 18.0, 18.0],
    )
    .map_err(WebError::internal)
}
