//! `/metrics` in the Prometheus text format, and the request middleware that feeds it and
//! writes one structured log line per request with its request id.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, Default)]
struct RouteStats {
    /// by status code
    requests: BTreeMap<u16, u64>,
    buckets: [u64; BUCKETS.len()],
    sum_seconds: f64,
    count: u64,
}

/// Counters of this instance (each instance is scraped on its own).
#[derive(Debug, Default)]
pub struct Metrics {
    routes: Mutex<BTreeMap<String, RouteStats>>,
    /// The last verification of the audit log.
    audit_log: Mutex<Option<LogStatus>>,
}

/// What the last verification of the audit log found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogStatus {
    pub rows: i64,
    /// When (Unix time).
    pub at: i64,
    /// What did not hold (or why it could not be verified); `None` when it held.
    pub fault: Option<String>,
}

impl Metrics {
    /// Notes a verification of the audit log.
    pub fn audit_log_verified(&self, rows: i64, fault: Option<String>) {
        if let Ok(mut last) = self.audit_log.lock() {
            *last = Some(LogStatus {
                rows,
                at: chrono::Utc::now().timestamp(),
                fault,
            });
        }
    }

    /// The last verification of the audit log, if any since this instance started.
    pub fn last_audit_log_check(&self) -> Option<LogStatus> {
        self.audit_log.lock().ok().and_then(|l| l.clone())
    }

    fn observe(&self, route: &str, status: u16, seconds: f64) {
        let Ok(mut routes) = self.routes.lock() else {
            return;
        };
        let stats = routes.entry(route.to_owned()).or_default();
        *stats.requests.entry(status).or_default() += 1;
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                stats.buckets[i] += 1;
            }
        }
        stats.sum_seconds += seconds;
        stats.count += 1;
    }

    /// The text exposition.
    pub fn render(
        &self,
        pool_in_use: usize,
        pool_size: usize,
        reads: Option<crate::pool::ReadCounts>,
    ) -> String {
        let mut out = String::new();
        let routes = self
            .routes
            .lock()
            .map(|r| {
                r.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            v.requests.clone(),
                            v.buckets,
                            v.sum_seconds,
                            v.count,
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        out.push_str("# HELP liangxin_http_requests_total HTTP requests by route and status.\n# TYPE liangxin_http_requests_total counter\n");
        for (route, requests, ..) in &routes {
            for (status, n) in requests {
                let _ = writeln!(
                    out,
                    "liangxin_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str("# HELP liangxin_http_errors_total HTTP responses with a 5xx status.\n# TYPE liangxin_http_errors_total counter\n");
        let errors: u64 = routes
            .iter()
            .flat_map(|r| r.1.iter())
            .filter(|(s, _)| **s >= 500)
            .map(|(_, n)| n)
            .sum();
        let _ = writeln!(out, "liangxin_http_errors_total {errors}");
        out.push_str("# HELP liangxin_http_request_duration_seconds Request latency.\n# TYPE liangxin_http_request_duration_seconds histogram\n");
        for (route, _, buckets, sum, count) in &routes {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "liangxin_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                    buckets[i]
                );
            }
            let _ = writeln!(
                out,
                "liangxin_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "liangxin_http_request_duration_seconds_sum{{route=\"{route}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "liangxin_http_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        out.push_str("# HELP liangxin_db_pool_connections Database connections of this instance.\n# TYPE liangxin_db_pool_connections gauge\n");
        let _ = writeln!(
            out,
            "liangxin_db_pool_connections{{state=\"in_use\"}} {pool_in_use}"
        );
        let _ = writeln!(
            out,
            "liangxin_db_pool_connections{{state=\"idle\"}} {}",
            pool_size.saturating_sub(pool_in_use)
        );
        if let Some(reads) = reads {
            out.push_str("# HELP liangxin_db_reads_total Reads that could go to the read replica, by where they were served (primary: the replica was behind the reader's last write, or down).\n# TYPE liangxin_db_reads_total counter\n");
            for (on, n) in [
                ("replica", reads.replica),
                ("primary_behind", reads.primary_behind),
                ("primary_down", reads.primary_down),
            ] {
                let _ = writeln!(out, "liangxin_db_reads_total{{served=\"{on}\"}} {n}");
            }
            if let Some(lag) = reads.lag_bytes {
                out.push_str("# HELP liangxin_db_replica_lag_bytes WAL the read replica has still to replay to reach the primary (0: it holds every commit).\n# TYPE liangxin_db_replica_lag_bytes gauge\n");
                let _ = writeln!(out, "liangxin_db_replica_lag_bytes {lag}");
            }
        }
        if let Some(LogStatus { rows, at, fault }) = self.last_audit_log_check() {
            let intact = fault.is_none();
            out.push_str("# HELP liangxin_audit_log_intact Whether the audit log's chain and its end held at the last verification (1) or not (0).\n# TYPE liangxin_audit_log_intact gauge\n");
            let _ = writeln!(out, "liangxin_audit_log_intact {}", u8::from(intact));
            out.push_str("# HELP liangxin_audit_log_rows Rows of the audit log at the last verification.\n# TYPE liangxin_audit_log_rows gauge\n");
            let _ = writeln!(out, "liangxin_audit_log_rows {rows}");
            out.push_str("# HELP liangxin_audit_log_verified_timestamp_seconds When the audit log was last verified.\n# TYPE liangxin_audit_log_verified_timestamp_seconds gauge\n");
            let _ = writeln!(out, "liangxin_audit_log_verified_timestamp_seconds {at}");
        }
        out
    }
}

/// Times the request, counts it, logs it with a request id, and returns the id.
pub async fn track(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().clone();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_owned)
        .or_else(|| crate::auth::random_token().ok().map(|t| t[..16].to_owned()))
        .unwrap_or_else(|| "-".to_owned());
    let span = tracing::info_span!("request", request_id = %request_id, %method, route = %route);
    let mut response = {
        let _enter = span.enter();
        drop(_enter);
        next.run(req).await
    };
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.observe(&route, status, seconds);
    tracing::info!(parent: &span, status, ms = seconds * 1e3, "handled");
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    response
}
