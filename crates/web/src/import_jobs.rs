//! The background half of an import: checking an uploaded file and committing it. Both run
//! on the blocking pool after the request that started them has answered; what they come
//! to is written to the upload's record (progress, preview, state), which the pages and the
//! API read — so any server can show it, and a server that stops mid-way leaves an upload
//! that says it was interrupted (its commit, one transaction, wrote nothing).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use liangxin_docs::sheet::{self, MAX_BYTES};
use liangxin_store::import::{ImportSource, Planned};
use liangxin_store::uploads::Preview;
use liangxin_store::{Scope, Store, StoreError};

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;

/// How often a running check writes its progress.
const TICK: Duration = Duration::from_millis(500);

/// Reads and plans a staged file: `Ok(preview)`, or `Err(why)` when the file cannot be
/// imported at all (not a spreadsheet, no header, a required column missing). `asker` is
/// the account whose preview this is; `None` for the commit's second look at a file whose
/// preview counted its comparisons with the register already.
fn check(
    store: &mut Store,
    asker: Option<&str>,
    kind: &str,
    scope: &Scope,
    bytes: &[u8],
    total: &AtomicUsize,
    done: &AtomicUsize,
) -> Result<Result<(Preview, Planned), String>, WebError> {
    let sheet = match sheet::open(bytes) {
        Ok(s) => s,
        Err(e) => return Ok(Err(e.to_string())),
    };
    total.store(sheet.total, Ordering::Relaxed);
    let (header, format, notes) = (sheet.header.clone(), sheet.format, sheet.notes.clone());
    let mut rows = sheet.map(|row| row.map_err(|e| e.to_string()));
    let progress = |n| done.store(n, Ordering::Relaxed);
    let today = crate::today();
    let planned = match asker {
        Some(actor) => store.plan_import(actor, kind, scope, today, &header, &mut rows, &progress),
        None => store.plan_import_again(kind, scope, today, &header, &mut rows, &progress),
    };
    match planned {
        Ok(plan) => Ok(Ok((plan.preview(format, &notes), plan))),
        Err(StoreError::Invalid { field, reason } | StoreError::Limit { field, reason }) => {
            Ok(Err(format!("{field}：{reason}")))
        }
        Err(e) => Err(e.into()),
    }
}

/// Writes the progress of a running check until `finished`.
fn start_ticker(
    state: &Arc<AppState>,
    id: i64,
    total: Arc<AtomicUsize>,
    done: Arc<AtomicUsize>,
    finished: Arc<AtomicBool>,
) {
    let state = state.clone();
    tokio::spawn(async move {
        let mut last = (usize::MAX, usize::MAX);
        loop {
            tokio::time::sleep(TICK).await;
            if finished.load(Ordering::Relaxed) {
                return;
            }
            let now = (done.load(Ordering::Relaxed), total.load(Ordering::Relaxed));
            if now != last {
                last = now;
                // Progress is a courtesy: a busy database may skip a tick.
                let _ = state
                    .pool
                    .run(move |store| Ok(store.upload_progress(id, now.0, now.1)?))
                    .await;
            }
        }
    });
}

/// Checks a staged upload in the background.
pub fn spawn_check(
    state: Arc<AppState>,
    id: i64,
    actor: String,
    kind: String,
    scope: Scope,
    bytes: Vec<u8>,
) {
    tokio::spawn(async move {
        // One check at a time per account: a check reads the day's budget of IDs compared
        // with the register when it starts and is charged when it ends
        // (`liangxin_store::lookups`), so checks side by side would each see all of it.
        let turn = state.account_turn(&actor);
        let _turn = turn.lock().await;
        let total = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        start_ticker(&state, id, total.clone(), done.clone(), finished.clone());
        let ran = state
            .pool
            .run(move |store| {
                let outcome = check(store, Some(&actor), &kind, &scope, &bytes, &total, &done);
                finished.store(true, Ordering::Relaxed);
                match outcome? {
                    Ok((preview, _)) => store.finish_check(id, Ok(&preview))?,
                    Err(why) => store.finish_check(id, Err(&why))?,
                }
                Ok(())
            })
            .await;
        if let Err(e) = ran {
            tracing::error!(upload = id, error = %e.message, "import check failed");
            let _ = state
                .pool
                .run(
                    move |store| Ok(store.finish_check(id, Err("校验时发生系统错误，请重新上传"))?),
                )
                .await;
        }
    });
}

/// Commits an upload [`Store::begin_commit`] has marked, in the background: the file is
/// read and matched again (the records may have changed since the preview); if what it
/// would do is no longer what the preview showed, nothing is written and the new preview
/// is shown instead.
pub fn spawn_commit(state: Arc<AppState>, id: i64, scope: Scope, user: i64) {
    let actor = format!("user:{user}");
    tokio::spawn(async move {
        let ran = state
            .pool
            .run(move |store| {
                let shown = store.upload(&scope, id)?.ok_or_else(WebError::not_found)?;
                let bytes = store.upload_file(&scope, id)?;
                let (idle_total, idle_done) = (AtomicUsize::new(0), AtomicUsize::new(0));
                let (preview, plan) = match check(
                    store,
                    None,
                    &shown.kind,
                    &scope,
                    &bytes,
                    &idle_total,
                    &idle_done,
                )? {
                    Ok(v) => v,
                    Err(why) => {
                        store.refuse_commit(id, &why, None)?;
                        return Ok(());
                    }
                };
                let before = shown.preview.unwrap_or_default();
                if (preview.create, preview.update, preview.skip, preview.errors)
                    != (before.create, before.update, before.skip, before.errors)
                    || preview.fingerprint != before.fingerprint
                {
                    // The new rows are not shown: what changed in the register since the
                    // preview would be learnt without being rationed or logged. A new
                    // upload is previewed, counted and logged as any other.
                    store.refuse_commit(
                        id,
                        "预览之后登记情况有变化，未导入；请重新上传文件预览后再确认",
                        None,
                    )?;
                    return Ok(());
                }
                // The rows once more: a member plan is matched again as it is written.
                let rows = match sheet::open(&bytes) {
                    Ok(rows) => rows,
                    Err(e) => {
                        store.refuse_commit(id, &e.to_string(), None)?;
                        return Ok(());
                    }
                };
                let committed = store.commit_import(
                    &ImportSource {
                        actor: &actor,
                        scope: &scope,
                        file_name: &shown.file_name,
                        file_sha256: &shown.file_sha256,
                        upload: Some(id),
                    },
                    &plan,
                    &mut rows.map(|row| row.map_err(|e| e.to_string())),
                );
                match committed {
                    Ok(_) => Ok(()),
                    Err(StoreError::Invalid { field, reason }) => {
                        store.refuse_commit(id, &format!("{field}：{reason}"), None)?;
                        Ok(())
                    }
                    Err(e) => Err(e.into()),
                }
            })
            .await;
        if let Err(e) = ran {
            tracing::error!(upload = id, error = %e.message, "import commit failed");
            let _ = state
                .pool
                .run(move |store| {
                    Ok(store.refuse_commit(
                        id,
                        "导入时发生系统错误，未写入任何数据；请稍后再试",
                        None,
                    )?)
                })
                .await;
        }
        // The import wrote after its request had answered: the importer's next pages wait
        // for the replica to replay it.
        if state.pool.has_replica() {
            crate::auth::remember_write(&state, user).await;
        }
    });
}

/// Keeps the file and starts its check; shared by the page and the API.
pub async fn stage(
    state: &Arc<AppState>,
    auth: &Auth,
    kind: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<i64, WebError> {
    if bytes.len() > MAX_BYTES {
        return Err(WebError::bad_field(
            "文件",
            format!("文件过大：上限 {} MB", MAX_BYTES / 1024 / 1024),
        ));
    }
    crate::routes::require_import_right(auth.role, kind)?;
    let scope = auth.scope.clone();
    let actor = format!("user:{}", auth.user.id);
    let (kind, file_name) = (kind.to_owned(), file_name.to_owned());
    let (id, kind, bytes) = state
        .pool
        .run(move |store| {
            let id = store.stage_upload(&actor, &scope, &kind, &file_name, &bytes)?;
            Ok((id, kind, bytes))
        })
        .await?;
    spawn_check(
        state.clone(),
        id,
        format!("user:{}", auth.user.id),
        kind,
        auth.scope.clone(),
        bytes,
    );
    Ok(id)
}

/// Starts a commit; shared by the page and the API.
pub async fn start_commit(state: &Arc<AppState>, auth: &Auth, id: i64) -> Result<(), WebError> {
    let scope = auth.scope.clone();
    let kind = state
        .pool
        .run(move |store| Ok(store.upload(&scope, id)?.map(|u| u.kind)))
        .await?
        .ok_or_else(WebError::not_found)?;
    crate::routes::require_import_right(auth.role, &kind)?;
    let scope = auth.scope.clone();
    state
        .pool
        .run(move |store| Ok(store.begin_commit(&scope, id)?))
        .await?;
    spawn_commit(state.clone(), id, auth.scope.clone(), auth.user.id);
    Ok(())
}

/// Undoing an import needs the right of the action its kind stands for.
pub async fn undo_right(state: &Arc<AppState>, auth: &Auth, id: i64) -> Result<(), WebError> {
    let scope = auth.scope.clone();
    let kind = state
        .pool
        .run(move |store| {
            Ok(store
                .imports(&scope)?
                .into_iter()
                .find(|i| i.id == id)
                .map(|i| i.kind))
        })
        .await?
        .ok_or_else(WebError::not_found)?;
    crate::routes::require_import_right(auth.role, &kind)
}
