//! The scheduled 组织关系排查: every night at 02:00 China Standard Time the audit runs over
//! the whole tree, once: of several servers on one database the one that claims the night
//! ([`liangxin_store::Store::claim_job`]) runs it and the others skip it. The audit log is
//! verified at start and every night by each server, and a night that finds it whole writes
//! a checkpoint of its end beside that server's key ([`liangxin_store::anchor`]).

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDateTime, NaiveTime};
use liangxin_store::Scope;

use crate::AppState;

/// The hour (China Standard Time) the nightly run starts.
pub const AUDIT_HOUR_CST: u32 = 2;

/// Seconds from `now` (UTC) to the next `hour`:00 China Standard Time.
pub fn seconds_until(now_utc: NaiveDateTime, hour: u32) -> u64 {
    let now = now_utc + chrono::Duration::hours(8);
    let at = NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN);
    let today = now.date().and_time(at);
    let next = if today > now {
        today
    } else {
        today + chrono::Duration::days(1)
    };
    // Rounded up: waking a moment early would run the night twice.
    u64::try_from((next - now).num_milliseconds().saturating_add(999) / 1000).unwrap_or(0)
}

/// This server as a claim names it: its host and process.
fn server_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    format!("{}:{}", host.trim(), std::process::id())
}

/// Runs the audit every night, for as long as the server runs.
pub async fn nightly_audit(state: Arc<AppState>) {
    loop {
        let wait = seconds_until(chrono::Utc::now().naive_utc(), AUDIT_HOUR_CST);
        tokio::time::sleep(Duration::from_secs(wait.max(1))).await;
        let today = crate::today();
        let server = server_name();
        let claimed = state
            .pool
            .run(move |store| Ok(store.claim_job("nightly_audit", today, &server)?))
            .await;
        match claimed {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!("nightly audit claimed by another server");
                verify_audit_log(state.clone(), "nightly").await;
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e.message, "nightly audit not claimed");
                verify_audit_log(state.clone(), "nightly").await;
                continue;
            }
        }
        let ran = state
            .pool
            .run(move |store| Ok(store.run_audit("schedule", &Scope::everything(), today)?))
            .await;
        match ran {
            Ok(s) => tracing::info!(
                found = s.found,
                opened = s.opened,
                resolved = s.resolved,
                "nightly audit done"
            ),
            Err(e) => tracing::warn!(error = %e.message, "nightly audit failed"),
        }
        verify_audit_log(state.clone(), "nightly").await;
        match state
            .pool
            .run(move |store| Ok(store.purge_login_attempts(today)?))
            .await
        {
            Ok(n) => tracing::info!(deleted = n, "old sign-in attempts deleted"),
            Err(e) => tracing::warn!(error = %e.message, "old sign-in attempts not deleted"),
        }
    }
}

/// Verifies the audit log against the last checkpoint kept outside the database, says so
/// in the log and `/metrics`, and (except at start) writes a new checkpoint when it held.
pub async fn verify_audit_log(state: Arc<AppState>, when: &'static str) {
    let _ = verify_now(&state, when).await;
}

/// [`verify_audit_log`], returning what it found: the rows, and the fault if any.
pub async fn verify_now(
    state: &Arc<AppState>,
    when: &'static str,
) -> Result<(i64, Option<String>), String> {
    let anchor = state.config.anchor.clone();
    let checked = state
        .pool
        .run(move |store| {
            let last = match &anchor {
                Some(file) => file.read()?,
                None => None,
            };
            let check = store.verify_audit_log(last.as_ref())?;
            if check.fault.is_none()
                && when != "start"
                && let Some(file) = &anchor
            {
                file.write(&store.checkpoint_audit_log("schedule", when)?)?;
            }
            Ok(check)
        })
        .await;
    match checked {
        Ok(check) => {
            let fault = check.fault.map(|f| f.to_string());
            state.metrics.audit_log_verified(check.rows, fault.clone());
            match &fault {
                None => tracing::info!(rows = check.rows, when, "audit log verified"),
                Some(fault) => {
                    tracing::error!(rows = check.rows, when, fault = %fault, "audit log broken")
                }
            }
            Ok((check.rows, fault))
        }
        Err(e) => {
            // Not verified is not intact: the last good answer does not stand.
            let why = format!("未能完成校验：{}", e.message);
            state.metrics.audit_log_verified(0, Some(why.clone()));
            tracing::warn!(error = %e.message, when, "audit log not verified");
            Err(why)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_next_run_is_the_coming_two_oclock_in_china() {
        // 2026-11-27 17:00 UTC is 01:00 CST on the 28th: one hour to go.
        assert_eq!(seconds_until(at("2026-11-27 17:00:00"), 2), 3600);
        // 18:00 UTC is 02:00 CST exactly: the next is a day later.
        assert_eq!(seconds_until(at("2026-11-27 18:00:00"), 2), 86_400);
        // 05:30 UTC is 13:30 CST: 12.5 hours to go.
        assert_eq!(seconds_until(at("2026-11-27 05:30:00"), 2), 45_000);
        // Half a second before: a whole second to wait, never none.
        let early = at("2026-11-27 17:59:59") + chrono::Duration::milliseconds(500);
        assert_eq!(seconds_until(early, 2), 1);
    }
}
