//! The liangxin web platform: server-rendered Chinese pages that work without JavaScript,
//! the JSON API under `/api/v1`, sign-in and sessions, and operations endpoints.
//!
//! Every request resolves the user's scope (auth), reads facts within it (store), lets the
//! domain engines decide, and renders. No business rule lives here. The server keeps no
//! state of its own: sessions live in the database, so several instances can serve one
//! PostgreSQL.

pub mod api;
pub mod audit_jobs;
pub mod auth;
pub mod client;
pub mod conflict;
pub mod demo_accounts;
pub mod error;
pub mod export;
pub mod guard;
pub mod import_jobs;
pub mod life_report;
pub mod lists;
pub mod metrics;
pub mod multipart;
pub mod ops;
pub mod pages;
pub mod params;
pub mod password_check;
pub mod pool;
pub mod report;
pub mod routes;
pub mod schedule;
pub mod server;
pub mod totp;
pub mod view;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use chrono::NaiveDate;
use tokio::net::TcpListener;

pub use metrics::Metrics;
pub use pool::DbPool;

/// Largest request body accepted (forms and JSON are small; an upload for import has its
/// own limit).
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (browsers accept them on https and on localhost).
    pub secure_cookies: bool,
    pub session_hours: i64,
    /// Served over TLS by this process (then HSTS is sent).
    pub tls: bool,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<client::Cidr>,
    /// Where the audit log's last checkpoint is kept outside the database.
    pub anchor: Option<liangxin_store::anchor::AnchorFile>,
    /// The database holds the demo city: every page says 演示数据.
    pub demo: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: true,
            session_hours: 8,
            tls: false,
            trusted_proxies: Vec::new(),
            anchor: None,
            demo: false,
        }
    }
}

#[derive(Debug)]
pub struct AppState {
    pub pool: DbPool,
    pub metrics: Metrics,
    pub config: Config,
    pub reports: report::ReportCache,
    /// Password verifications running at once ([`password_check`]).
    pub verifications: Arc<tokio::sync::Semaphore>,
    /// A turn per account for the checks of its uploads ([`import_jobs`]).
    turns: std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// 组织关系排查 runs started from the page ([`audit_jobs`]).
    pub audit_jobs: audit_jobs::AuditJobs,
}

impl AppState {
    pub fn new(pool: DbPool, config: Config) -> Arc<AppState> {
        Arc::new(AppState {
            pool,
            metrics: Metrics::default(),
            config,
            reports: report::ReportCache::default(),
            verifications: password_check::verifications(),
            turns: std::sync::Mutex::default(),
            audit_jobs: audit_jobs::AuditJobs::default(),
        })
    }

    /// The lock an account's upload checks take in turn (one instance's; several
    /// instances each keep their own).
    pub fn account_turn(&self, actor: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self
            .turns
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        turns
            .entry(actor.to_owned())
            .or_insert_with(|| Arc::new(tokio::sync::Mutex::new(())))
            .clone()
    }
}

/// Today in China Standard Time (UTC+8, no daylight saving), whatever the server's zone:
/// terms, assignments and reports are civil dates there.
pub fn today() -> NaiveDate {
    (chrono::Utc::now().naive_utc() + chrono::Duration::hours(8)).date()
}

/// The whole application.
pub fn app(state: Arc<AppState>) -> Router {
    routes::router(&state)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn_with_state(state.clone(), client::identify))
        .layer(from_fn_with_state(state.clone(), guard::guard))
        .with_state(state)
}

/// An address no route answers: the API's JSON error under `/api/`, the house's page
/// elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::ApiError(error::WebError::not_found()).into_response()
    } else {
        error::WebError::not_found().into_response()
    }
}

/// Serves until SIGTERM or Ctrl-C, over TLS when given its settings, then lets the
/// requests in flight finish for at most [`server::GRACE`].
pub async fn serve(
    listener: TcpListener,
    state: Arc<AppState>,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
) -> std::io::Result<()> {
    tokio::spawn(schedule::verify_audit_log(state.clone(), "start"));
    tokio::spawn(schedule::nightly_audit(state.clone()));
    server::run(listener, app(state), tls, shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
