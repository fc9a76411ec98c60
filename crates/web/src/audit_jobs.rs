//! 组织关系排查 started from the page runs in the background: the request answers at once,
//! and the findings page shows the run's step and a progress bar until it ends, then what
//! it found. One run per party subtree at a time (a second press while one runs joins
//! it), and one computing at a time in the instance.
//!
//! The state is this instance's memory: a run is one transaction, so a server that stops
//! mid-way leaves the kept findings as they were, and the page simply offers to run again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};
use liangxin_store::Scope;

use crate::AppState;

/// A run, running or ended, of one scope.
#[derive(Debug, Clone)]
pub struct AuditJob {
    pub started: DateTime<Utc>,
    /// The step running, and how far along (0–100).
    pub step: String,
    pub percent: u8,
    /// When it ended: what it found, or why it failed.
    pub outcome: Option<(DateTime<Utc>, Result<String, String>)>,
}

/// The runs of this instance, by the party subtree they audit (what a run covers and
/// records: a secretary's and a committee's scope over the same subtree share one run).
#[derive(Debug)]
pub struct AuditJobs {
    jobs: Mutex<HashMap<String, AuditJob>>,
    /// One run computes at a time: each holds a connection throughout, and the runs would
    /// queue on the database's write lock anyway; the others wait here, not in the pool.
    turn: tokio::sync::Semaphore,
}

impl Default for AuditJobs {
    fn default() -> Self {
        AuditJobs {
            jobs: Mutex::default(),
            turn: tokio::sync::Semaphore::new(1),
        }
    }
}

impl AuditJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, AuditJob>> {
        self.jobs.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The running or last run of `scope`'s subtree.
    pub fn of(&self, scope: &Scope) -> Option<AuditJob> {
        self.lock().get(&scope.party_path).cloned()
    }

    fn update(&self, path: &str, f: impl FnOnce(&mut AuditJob)) {
        if let Some(job) = self.lock().get_mut(path) {
            f(job);
        }
    }
}

/// Starts a run of `scope` in the background unless one is running; either way the page
/// then shows it.
pub fn start(state: &Arc<AppState>, user: i64, scope: Scope) {
    let actor = format!("user:{user}");
    let path = scope.party_path.clone();
    {
        let mut jobs = state.audit_jobs.lock();
        if jobs.get(&path).is_some_and(|j| j.outcome.is_none()) {
            return;
        }
        jobs.insert(
            path.clone(),
            AuditJob {
                started: Utc::now(),
                step: "排队等候".into(),
                percent: 0,
                outcome: None,
            },
        );
    }
    let state = state.clone();
    tokio::spawn(async move {
        // The semaphore is never closed: a permit always comes.
        let _turn = state.audit_jobs.turn.acquire().await;
        let today = crate::today();
        let (runner, key) = (state.clone(), path.clone());
        let ran = state
            .pool
            .run(move |store| {
                let mut progress = |step: &str, done: usize, all: usize| {
                    let percent = u8::try_from(done * 100 / all.max(1)).unwrap_or(100);
                    runner.audit_jobs.update(&key, |j| {
                        j.step = step.to_owned();
                        j.percent = percent;
                    });
                };
                Ok(store.run_audit_reporting(&actor, &scope, today, &mut progress)?)
            })
            .await;
        let outcome = match ran {
            Ok(s) => Ok(format!(
                "发现{}项，新增{}项，已整改{}项",
                s.found, s.opened, s.resolved
            )),
            Err(e) => {
                tracing::error!(error = %e.message, "audit run failed");
                Err(e.message)
            }
        };
        // The findings were written after the request that started the run had answered:
        // the runner's next pages wait for the replica to replay them.
        if state.pool.has_replica() {
            crate::auth::remember_write(&state, user).await;
        }
        state.audit_jobs.update(&path, |j| {
            j.percent = 100;
            j.outcome = Some((Utc::now(), outcome));
        });
    });
}
