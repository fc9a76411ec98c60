//! 组织关系排查 started from the page runs in the background: the request answers at once,
//! and the findings page shows the run's step and a progress bar until it ends, then what
//! it found. One run per scope at a time; a second press while one runs joins it.
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

/// The runs of this instance by scope.
#[derive(Debug, Default)]
pub struct AuditJobs(Mutex<HashMap<Scope, AuditJob>>);

impl AuditJobs {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Scope, AuditJob>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The running or last run of `scope`.
    pub fn of(&self, scope: &Scope) -> Option<AuditJob> {
        self.lock().get(scope).cloned()
    }

    fn update(&self, scope: &Scope, f: impl FnOnce(&mut AuditJob)) {
        if let Some(job) = self.lock().get_mut(scope) {
            f(job);
        }
    }
}

/// Starts a run of `scope` in the background unless one is running; either way the page
/// then shows it.
pub fn start(state: &Arc<AppState>, actor: String, scope: Scope) {
    {
        let mut jobs = state.audit_jobs.lock();
        if jobs.get(&scope).is_some_and(|j| j.outcome.is_none()) {
            return;
        }
        jobs.insert(
            scope.clone(),
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
        let today = crate::today();
        let (runner, key) = (state.clone(), scope.clone());
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
                Ok(store.run_audit_reporting(&actor, &key, today, &mut progress)?)
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
        state.audit_jobs.update(&scope, |j| {
            j.percent = 100;
            j.outcome = Some((Utc::now(), outcome));
        });
    });
}
