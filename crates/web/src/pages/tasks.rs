//! 责任清单 on pages. `GET /tasks`: the tasks the user's organizations gave and those given
//! to them, open first by deadline, overdue ones marked, with a form to note progress or
//! mark one done. `POST /tasks`: the user's committee gives a task to an organization
//! below it (its code, 330825-12) or to a unit it names. `POST /tasks/record`: progress or
//! done, by the owner or the committee.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use liangxin_domain::registry::Key;
use liangxin_store::duty::{NewTask, TaskOwner};

use crate::auth::Auth;
use crate::error::WebError;
use crate::view::{Layout, SavedQuery, render};
use crate::{AppState, params};

struct Line {
    code: String,
    title: String,
    detail: String,
    assigner: String,
    owner: String,
    deadline: String,
    overdue: bool,
    progress: String,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    layout: Layout,
    /// The user's committee, which gives tasks (none for a branch).
    committee: Option<(String, String)>,
    open: usize,
    overdue: usize,
    lines: Vec<Line>,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

impl TasksPage {
    fn typed(&self, name: &str) -> String {
        params::field(&self.typed, name)
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct TasksQuery {
    pub saved: Option<String>,
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    typed: Vec<(String, String)>,
    error: Option<String>,
) -> Result<TasksPage, WebError> {
    let scope = auth.scope.clone();
    let today = crate::today();
    let (root, tasks) = state
        .pool
        .run(move |store| Ok((store.scope_root(&scope)?, store.duty_tasks(&scope)?)))
        .await?;
    let committee = root
        .filter(|r| r.org_type.is_committee())
        .map(|r| (r.name.clone(), format!("{}-{}", r.key.county, r.key.id)));
    Ok(TasksPage {
        layout: Layout::new(state, auth, "责任清单", "tasks").await?,
        committee,
        open: tasks.iter().filter(|t| t.done.is_none()).count(),
        overdue: tasks.iter().filter(|t| t.overdue(today)).count(),
        lines: tasks
            .iter()
            .map(|t| Line {
                code: format!("{}-{}", t.key.county, t.key.id),
                title: t.title.clone(),
                detail: t.detail.clone(),
                assigner: t.assigner_name.clone(),
                owner: t.owner_name.clone(),
                deadline: t.deadline.format("%Y年%m月%d日").to_string(),
                overdue: t.overdue(today),
                progress: t.progress.clone().unwrap_or_default(),
                done: t
                    .done
                    .as_ref()
                    .map(|(on, _, e)| format!("{}完成：{e}", on.format("%Y年%m月%d日"))),
            })
            .collect(),
        error,
        typed,
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<TasksQuery>,
) -> Result<Response, WebError> {
    let mut p = page(&state, &auth, Vec::new(), None).await?;
    p.layout = p.layout.saved(&SavedQuery { saved: q.saved });
    Ok(render(&p)?.into_response())
}

async fn after(
    state: &Arc<AppState>,
    auth: &Auth,
    done: Result<(), WebError>,
    saved: &str,
    pairs: Vec<(String, String)>,
) -> Result<Response, WebError> {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/tasks?saved={saved}")).into_response()),
        Err(e) if e.field.is_some() && e.status != StatusCode::NOT_FOUND => {
            let p = page(state, auth, pairs, Some(e.message)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// `POST /tasks`: `owner_org` (330825-12) or `owner_unit`, `title`, `detail`, `deadline`.
pub async fn assign(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let checked = (|| {
        let owner = match (
            params::party_org(&Some(params::field(&pairs, "owner_org"))).map_err(|_| {
                WebError::bad_field("责任单位", "党组织编号应为“县代码-编号”，如 330825-12")
            })?,
            params::text(&Some(params::field(&pairs, "owner_unit"))),
        ) {
            (Some(k), None) => TaskOwner::PartyOrg(k),
            (None, Some(name)) => TaskOwner::Unit(name),
            (Some(_), Some(_)) => {
                return Err(WebError::bad_field(
                    "责任单位",
                    "下级党组织和其他单位只填一项",
                ));
            }
            (None, None) => {
                return Err(WebError::bad_field(
                    "责任单位",
                    "请填写下级党组织编号或单位名称",
                ));
            }
        };
        let deadline = params::deadline("完成时限", &params::field(&pairs, "deadline"))?;
        Ok((owner, deadline))
    })();
    let done = match checked {
        Ok((owner, deadline)) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            let title = params::field(&pairs, "title");
            let detail = params::field(&pairs, "detail");
            state
                .pool
                .run(move |store| {
                    let root = store
                        .scope_root(&scope)?
                        .ok_or_else(|| WebError::bad_field("下达单位", "您的账号没有所属党组织"))?;
                    let task = NewTask {
                        assigner: root.key,
                        owner,
                        title,
                        detail,
                        deadline,
                    };
                    store.assign_task(&actor, &scope, today, &task)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    after(&state, &auth, done, "task", pairs).await
}

/// `POST /tasks/record`: `task` (330825-7), `text`, and `done` when it is the completion.
pub async fn record(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: Bytes,
) -> Result<Response, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let today = crate::today();
    let key: Result<Key, WebError> = Key::parse_code(params::field(&pairs, "task").trim())
        .ok_or_else(|| WebError::bad_field("任务", "请选择任务"));
    let done = !params::field(&pairs, "done").is_empty();
    let text = params::field(&pairs, "text");
    let result = match key {
        Ok(key) => {
            let scope = auth.scope.clone();
            let actor = format!("user:{}", auth.user.id);
            state
                .pool
                .run(move |store| {
                    store.record_task(&actor, &scope, today, key, &text, done)?;
                    Ok(())
                })
                .await
        }
        Err(e) => Err(e),
    };
    after(
        &state,
        &auth,
        result,
        if done { "task_done" } else { "task_progress" },
        Vec::new(),
    )
    .await
}
