//! `TestApp`: a real server on a free port over a small demo city in a real SQLite file,
//! with the demo accounts, and a client that keeps its own cookies. Tests read like a
//! person using the site.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Once;

use liangxin_demo::{Size, generate};
use liangxin_store::registry::{Bulk, LoadMode};
use liangxin_store::{KeySource, Store, Target};
use liangxin_web::{AppState, Config, DbPool};

pub const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
pub const PASSWORD: &str = liangxin_web::demo_accounts::DEMO_PASSWORD;

pub struct TestApp {
    pub base: String,
    pub target: Target,
    pub key: KeySource,
    _dir: tempfile::TempDir,
}

static TRACING: Once = Once::new();

/// SQLite in a temporary directory; PostgreSQL (a schema of its own) when
/// `LIANGXIN_TEST_WEB_PG=1` and `LIANGXIN_TEST_PG_URL` are set, as `.ci/run` does for a
/// second run of the web suite: the same stories on both databases.
fn test_target(dir: &tempfile::TempDir) -> Target {
    match (
        std::env::var("LIANGXIN_TEST_WEB_PG").as_deref(),
        std::env::var("LIANGXIN_TEST_PG_URL"),
    ) {
        (Ok("1"), Ok(url)) => Target::Postgres(own_schema(&url)),
        _ => Target::Sqlite(dir.path().join("liangxin.db")),
    }
}

/// `base` (a PostgreSQL URL) with a new schema of this process as its search path.
fn own_schema(base: &str) -> String {
    use diesel::prelude::*;
    let mut admin = PgConnection::establish(base).unwrap();
    // Test binaries run one after another: schemas of earlier runs are finished with (once
    // per process: the apps of this one, started by tests running side by side, are not).
    static CLEANED: Once = Once::new();
    let own = format!("lx_web_{}_", std::process::id());
    CLEANED.call_once(|| {
        let stale: Vec<String> = diesel::sql_query(
            "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'lx_web_%'",
        )
        .load::<SchemaName>(&mut admin)
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .filter(|n| !n.starts_with(&own))
        .collect();
        for name in stale {
            diesel::sql_query(format!("DROP SCHEMA {name} CASCADE"))
                .execute(&mut admin)
                .unwrap();
        }
    });
    static APPS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let schema = format!(
        "{own}{}",
        APPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    diesel::sql_query(format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .unwrap();
    with_schema(base, &schema)
}

/// A PostgreSQL URL reading `schema`.
pub fn with_schema(base: &str, schema: &str) -> String {
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-csearch_path%3D{schema}")
}

/// The schema a PostgreSQL target reads.
pub fn schema_of(target: &Target) -> Option<String> {
    match target {
        Target::Postgres(url) => url.split("search_path%3D").nth(1).map(str::to_owned),
        Target::Sqlite(_) => None,
    }
}

#[derive(diesel::QueryableByName)]
struct SchemaName {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

impl TestApp {
    /// A city of `organizations` units (same seed and date every time), served on 127.0.0.1.
    pub fn start(organizations: usize) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let target = test_target(&dir);
        TestApp::start_on(dir, target, organizations, |pool| pool)
    }

    /// The same on PostgreSQL at `primary` (a schema of its own), reading through a
    /// streaming replica at `replica` of the same cluster (the same schema there): what
    /// `serve --read-db` runs.
    pub fn start_with_replica(organizations: usize, primary: &str, replica: &str) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::Postgres(own_schema(primary));
        let schema = schema_of(&target).unwrap();
        let replica = Target::Postgres(with_schema(replica, &schema));
        TestApp::start_on(dir, target, organizations, move |pool| {
            pool.with_replica(&replica, 2).unwrap()
        })
    }

    fn start_on(
        dir: tempfile::TempDir,
        target: Target,
        organizations: usize,
        pool: impl FnOnce(DbPool) -> DbPool,
    ) -> TestApp {
        TRACING.call_once(|| {});
        let key = KeySource::Hex(KEY.into());
        {
            let mut store = Store::open(&target, &key).unwrap();
            let city = generate(
                7,
                Size { organizations },
                chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            );
            store
                .bulk_load(
                    "test",
                    LoadMode::Append,
                    Bulk {
                        regions: &city.regions,
                        zones: &city.zones,
                        organizations: &city.organizations,
                        party_orgs: &city.party_orgs,
                        coverage: &city.coverage,
                        instructors: &city.instructors,
                        assignments: &city.assignments,
                        members: &city.members,
                        meetings: &city.meetings,
                        dues_standards: &city.dues_standards,
                        dues_payments: &city.dues_payments,
                        records_start: city.records_start,
                        archive_items: &city.archive_items,
                        floating: &city.floating,
                    },
                    &mut |_, _, _| {},
                )
                .unwrap();
            let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
            store
                .load_posts("test", &liangxin_demo::committees::terms(&city, as_of))
                .unwrap();
            liangxin_web::demo_accounts::ensure(&mut store).unwrap();
        }
        let pool = pool(DbPool::open(&target, &key, 4).unwrap());
        let state = AppState::new(pool, Config::default());
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                liangxin_web::serve(listener, state, None).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        TestApp {
            base: format!("http://{addr}"),
            target,
            key,
            _dir: dir,
        }
    }

    /// A second connection to the same database, for arranging and checking.
    pub fn store(&self) -> Store {
        Store::open(&self.target, &self.key).unwrap()
    }

    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client already signed in as `username` (with the demo second factor for the
    /// administrative accounts).
    pub fn signed_in(&self, username: &str) -> Client {
        let mut c = self.client();
        let r = c.sign_in(username, PASSWORD);
        assert_eq!(r.status, 303, "sign-in of {username}: {}", r.body);
        if r.header("location")
            .is_some_and(|l| l.starts_with("/login/2fa"))
        {
            c.second_factor(liangxin_web::demo_accounts::DEMO_TOTP_SECRET);
        }
        c
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The value of a hidden `_csrf` field in the page.
    pub fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"_csrf\" value=\"")
            .expect("a _csrf field")
            + 20;
        self.body[at..].split('"').next().unwrap().to_owned()
    }
}

/// An HTTP client over real sockets that keeps cookies and never follows redirects.
pub struct Client {
    base: String,
    agent: ureq::Agent,
    cookies: Vec<(String, String)>,
    pub bearer: Option<String>,
    /// Sent with every POST (an API write's `X-CSRF-Token`).
    pub post_headers: Vec<(String, String)>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .max_idle_connections(0)
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            base: base.to_owned(),
            agent,
            cookies: Vec::new(),
            bearer: None,
            post_headers: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, headers: &[(String, String)]) {
        for (k, v) in headers {
            if !k.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = v.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(n, _)| n != name);
                let expired = v.contains("Max-Age=0");
                if !expired {
                    self.cookies.push((name.to_owned(), value.to_owned()));
                }
            }
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.retain(|(n, _)| n != name);
        self.cookies.push((name.to_owned(), value.to_owned()));
    }

    pub fn has_cookie(&self, name: &str) -> bool {
        self.cookies.iter().any(|(n, _)| n == name)
    }

    fn finish(&mut self, r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Resp {
        let mut r = r.unwrap();
        let headers: Vec<(String, String)> = r
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        self.keep_cookies(&headers);
        let status = r.status().as_u16();
        let body = r
            .body_mut()
            .with_config()
            .limit(50 * 1024 * 1024)
            .read_to_string()
            .unwrap_or_default();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub fn get(&mut self, path: &str) -> Resp {
        self.get_with(path, &[])
    }

    /// A GET with headers of its own (a `Host` as a browser elsewhere would send it).
    /// Waits for an upload's background work to end (its page stops refreshing itself).
    pub fn settled(&mut self, path: &str) -> Resp {
        for _ in 0..600 {
            let page = self.get(path);
            assert_eq!(page.status, 200, "{path}");
            if !page.body.contains("http-equiv=\"refresh\"") {
                return page;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{path} still working after a minute");
    }

    pub fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if !self.cookies.is_empty() {
            req = req.header("Cookie", self.cookie_header());
        }
        if let Some(t) = &self.bearer {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let r = req.call();
        self.finish(r)
    }

    /// A GET whose body is bytes (a workbook): status, content type, body.
    pub fn get_bytes(&mut self, path: &str) -> (u16, String, Vec<u8>) {
        let mut req = self.agent.get(format!("{}{path}", self.base));
        if !self.cookies.is_empty() {
            req = req.header("Cookie", self.cookie_header());
        }
        let mut r = req.call().unwrap();
        let status = r.status().as_u16();
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = r
            .body_mut()
            .with_config()
            .limit(200 * 1024 * 1024)
            .read_to_vec()
            .unwrap();
        (status, kind, body)
    }

    /// A form POST whose answer is bytes (a workbook): status, content type, body.
    pub fn post_form_bytes(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> (u16, String, Vec<u8>) {
        let body: String = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    liangxin_web::auth::urlencode(k),
                    liangxin_web::auth::urlencode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let mut r = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Cookie", self.cookie_header())
            .content_type("application/x-www-form-urlencoded")
            .send(body)
            .unwrap();
        let status = r.status().as_u16();
        let kind = r
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        (status, kind, r.body_mut().read_to_vec().unwrap())
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body: String = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    liangxin_web::auth::urlencode(k),
                    liangxin_web::auth::urlencode(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        self.post_raw(path, "application/x-www-form-urlencoded", body.into_bytes())
    }

    pub fn post_raw(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Resp {
        self.try_post_raw(path, content_type, body).unwrap()
    }

    /// As [`Client::post_raw`], but a connection the server closed while the body was still
    /// being sent (it may refuse an oversized body from its length alone) is an `Err`.
    pub fn try_post_raw(
        &mut self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Resp, ureq::Error> {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", content_type);
        if !self.cookies.is_empty() {
            req = req.header("Cookie", self.cookie_header());
        }
        if let Some(t) = &self.bearer {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        for (k, v) in &self.post_headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let r = req.send(&body[..])?;
        Ok(self.finish(Ok(r)))
    }

    /// A `multipart/form-data` form, as a browser sends a file field.
    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Resp {
        let boundary = "----liangxinTestBoundary7MA4YWxk";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        let (field, file_name, bytes) = file;
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.post_raw(
            path,
            &format!("multipart/form-data; boundary={boundary}"),
            body,
        )
    }

    /// Gives the code of `secret` to a sign-in waiting for it: the current step's, or the
    /// next one's when the current step was taken already (a code is good once).
    pub fn second_factor(&mut self, secret: &[u8]) {
        let csrf = self.get("/login/2fa").csrf();
        let now = chrono::Utc::now().timestamp();
        for step in [0, 1] {
            let code = liangxin_web::totp::code(secret, liangxin_web::totp::step_at(now) + step);
            let r = self.post_form(
                "/login/2fa",
                &[("_csrf", &csrf), ("code", &code), ("next", "/")],
            );
            if r.status == 303 {
                return;
            }
        }
        panic!("the second factor was refused");
    }

    /// Opens the sign-in page (for its CSRF cookie and field) and submits it.
    pub fn sign_in(&mut self, username: &str, password: &str) -> Resp {
        let page = self.get("/login");
        let csrf = page.csrf();
        self.post_form(
            "/login",
            &[
                ("_csrf", &csrf),
                ("next", "/"),
                ("username", username),
                ("password", password),
            ],
        )
    }
}
