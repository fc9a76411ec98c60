//! 上线步骤, as the README gives them, from an empty database to a working platform: `init`,
//! the fixture sheets imported, the administrator's first sign-in, a county account and a
//! secretary account opened on the page, each seeing exactly its part, a token reading the
//! API, the log verifying, and a backup restoring to the same reports. On SQLite always, on
//! PostgreSQL when `LIANGXIN_TEST_PG_URL` is set.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::prelude::*;

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

/// Where the data lives: a SQLite file or a PostgreSQL URL.
#[derive(Clone)]
enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Db {
    /// A store on the same database, to read what a person would read from their phone.
    fn store(&self) -> liangxin_store::Store {
        let target = match self {
            Db::Sqlite(path) => liangxin_store::Target::Sqlite(path.clone()),
            Db::Postgres(url) => liangxin_store::Target::Postgres(url.clone()),
        };
        liangxin_store::Store::open(&target, &liangxin_store::KeySource::Hex(KEY.into())).unwrap()
    }

    fn command(&self, anchor: &Path) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liangxin"));
        cmd.env("LIANGXIN_KEY", KEY)
            .env("LIANGXIN_ANCHOR_FILE", anchor)
            .env_remove("DATABASE_URL");
        match self {
            Db::Sqlite(path) => {
                cmd.arg("--db").arg(path);
            }
            Db::Postgres(url) => {
                cmd.env("DATABASE_URL", url);
            }
        }
        cmd
    }
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/go-live")
        .join(name)
        .to_str()
        .unwrap()
        .to_owned()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The value after `label` on its line of the output.
fn after<'a>(output: &'a str, label: &str) -> &'a str {
    let at = output
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {output}"))
        + label.len();
    output[at..].lines().next().unwrap().trim()
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_idle_connections(0)
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into()
}

fn read(mut r: ureq::http::Response<ureq::Body>) -> Page {
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    Page {
        status: r.status().as_u16(),
        cookies,
        location,
        body: r.body_mut().read_to_string().unwrap_or_default(),
    }
}

struct Page {
    status: u16,
    cookies: Vec<String>,
    location: Option<String>,
    body: String,
}

impl Page {
    fn csrf(&self) -> String {
        let at = self.body.find("name=\"_csrf\" value=\"").unwrap() + 20;
        self.body[at..].split('"').next().unwrap().to_owned()
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A running server and a browser's cookie jar per person.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One person's session.
struct Browser<'a> {
    server: &'a Server,
    jar: String,
}

impl Server {
    fn start(db: &Db, anchor: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = db
            .command(anchor)
            .arg("serve")
            .arg("--insecure-cookies")
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..600 {
            if agent()
                .get(format!("{}/healthz", server.base))
                .call()
                .is_ok_and(|r| r.status() == 200)
            {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("liangxin serve did not answer");
    }

    /// Signs in; the session is kept whatever the page it leads to.
    fn sign_in(&self, username: &str, password: &str) -> Browser<'_> {
        let mut b = Browser {
            server: self,
            jar: String::new(),
        };
        let login = b.get("/login");
        let r = b.post(
            "/login",
            &[
                ("_csrf", &login.csrf()),
                ("next", "/"),
                ("username", username),
                ("password", password),
            ],
        );
        assert_eq!(r.status, 303, "sign-in of {username}: {}", r.body);
        b
    }

    fn bearer(&self, path: &str, token: &str) -> Page {
        read(
            agent()
                .get(format!("{}{path}", self.base))
                .header("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap(),
        )
    }
}

impl Browser<'_> {
    fn keep(&mut self, page: &Page) {
        for c in &page.cookies {
            let name = c.split('=').next().unwrap();
            let mut kept: Vec<&str> = self
                .jar
                .split("; ")
                .filter(|p| !p.is_empty() && !p.starts_with(&format!("{name}=")))
                .collect();
            kept.push(c);
            self.jar = kept.join("; ");
        }
    }

    fn get(&mut self, path: &str) -> Page {
        let page = read(
            agent()
                .get(format!("{}{path}", self.server.base))
                .header("Cookie", &self.jar)
                .call()
                .unwrap(),
        );
        self.keep(&page);
        page
    }

    fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let page = read(
            agent()
                .post(format!("{}{path}", self.server.base))
                .header("Cookie", &self.jar)
                .content_type("application/x-www-form-urlencoded")
                .send(form(fields))
                .unwrap(),
        );
        self.keep(&page);
        page
    }

    /// The first sign-in's duty: the one-time password becomes one's own.
    fn change_password(&mut self, old: &str, new: &str) {
        let page = self.get("/account/password");
        assert!(page.body.contains("初始密码"), "{}", page.body);
        let r = self.post(
            "/account/password",
            &[("_csrf", &page.csrf()), ("current", old), ("new", new)],
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

/// The one-time password on the page that answered an action.
fn shown_password(body: &str) -> String {
    let at = body
        .find("<code class=\"secret\">")
        .expect("a password shown")
        + 21;
    body[at..].split('<').next().unwrap().to_owned()
}

/// The whole first day; `crypto` is `aes` or `sm` (国密), kept through backup and restore.
fn go_live(db: &Db, restored: &Db, dir: &Path, crypto: &str) {
    let anchor = dir.join("liangxin.anchor");
    let run = |db: &Db, args: &[&str]| {
        let out = db.command(&anchor).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        text(&out)
    };
    // 1. 建库.
    let founded = run(db, &["init", "--city", "330800", "--crypto", crypto]);
    let algorithms = match crypto {
        "sm" => "国密 SM4-GCM 加密，HMAC-SM3 摘要",
        _ => "AES-256-GCM 加密，HMAC-SHA-256 摘要",
    };
    assert!(founded.contains(algorithms), "{founded}");
    assert!(founded.contains("县级区划 6 个"), "{founded}");
    let admin_password = after(&founded, "一次性密码：").to_owned();
    let again = db
        .command(&anchor)
        .args(["init", "--city", "330800"])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(3),
        "init refuses a database with data"
    );
    // Nor can another init change the algorithms the database was made with.
    let other = if crypto == "sm" { "aes" } else { "sm" };
    let switched = db
        .command(&anchor)
        .args(["init", "--city", "330800", "--crypto", other])
        .output()
        .unwrap();
    assert_eq!(switched.status.code(), Some(3));
    assert!(text(&switched).contains("--crypto"), "{}", text(&switched));
    // 2. The sheets, in the README's order.
    for (kind, file) in [
        ("zones", "0-zones.csv"),
        ("organizations", "1-organizations.csv"),
        ("party-orgs", "2-party-orgs.csv"),
        ("members", "3-members.csv"),
        ("posts", "4-committees.csv"),
    ] {
        let out = run(db, &["import", kind, &fixture(file), "--commit"]);
        assert!(out.contains("已导入"), "{out}");
    }
    let report = run(db, &["coverage", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["total"]["total"], 6);
    assert_eq!(v["total"]["organization_covered"], 5);

    // 3. The administrator's first day: its own password, then the two accounts.
    let server = Server::start(db, &anchor);
    let mut admin = server.sign_in("admin", &admin_password);
    assert_eq!(
        admin.get("/").location.as_deref(),
        Some("/account/password")
    );
    admin.change_password(&admin_password, "衢州两新-管理-2026");
    let mut admin = server.sign_in("admin", "衢州两新-管理-2026");
    // An administrator must set up its second factor before anything else.
    let home = admin.get("/");
    assert_eq!(home.location.as_deref(), Some("/account/2fa"));
    let setup = admin.get("/account/2fa");
    let started = admin.post("/account/2fa/start", &[("_csrf", &setup.csrf())]);
    assert!(started.body.contains("完成设置"), "{}", started.body);
    let secret = db
        .store()
        .totp(db.store().user_by_username("admin").unwrap().unwrap().id);
    let secret = secret.unwrap().unwrap().secret;
    let now = chrono::Utc::now().timestamp();
    let code = liangxin_web::totp::code(&secret, liangxin_web::totp::step_at(now));
    let confirmed = admin.post(
        "/account/2fa/confirm",
        &[("_csrf", &setup.csrf()), ("code", &code)],
    );
    assert!(confirmed.body.contains("恢复码"), "{}", confirmed.body);
    let csrf = admin.get("/accounts/new").csrf();
    let mut open = |username: &str, role: &str, node: &str| {
        let r = admin.post(
            "/accounts/new",
            &[
                ("_csrf", &csrf),
                ("username", username),
                ("display_name", username),
                ("role", role),
                ("node", node),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        shown_password(&r.body)
    };
    let county_password = open("longyou.staff", "county", "中共龙游县两新组织工作委员会");
    let secretary_password = open(
        "hongmu.branch",
        "secretary",
        "中共衢州市龙游红木家具有限公司支部委员会",
    );

    // 4. Each sees exactly its part.
    let mut county = server.sign_in("longyou.staff", &county_password);
    county.change_password(&county_password, "龙游两新-工委-2026");
    let mut county = server.sign_in("longyou.staff", "龙游两新-工委-2026");
    let units = county.get("/organizations");
    assert_eq!(units.status, 200);
    assert!(units.body.contains("龙游县宏达精密机械有限公司"));
    assert!(
        !units.body.contains("衢州柯城智联网络科技有限公司"),
        "not 柯城区's"
    );
    // Its parks and towns as imported, each with the 党工委 the party-organization sheet named.
    let zones = county.get("/zones");
    assert!(zones.body.contains("龙游经济开发区"), "{}", zones.body);
    assert!(
        zones.body.contains("中共龙游红木小镇工作委员会"),
        "{}",
        zones.body
    );
    assert!(!zones.body.contains("柯城智慧产业园"), "not 柯城区's");
    let mut secretary = server.sign_in("hongmu.branch", &secretary_password);
    secretary.change_password(&secretary_password, "红木支部-书记-2026");
    let mut secretary = server.sign_in("hongmu.branch", "红木支部-书记-2026");
    // The committee sheet named the branch's 书记: its page says so.
    let hongmu = db
        .store()
        .party_orgs_in_scope(&liangxin_store::Scope::everything())
        .unwrap()
        .into_iter()
        .find(|o| o.2 == "中共衢州市龙游红木家具有限公司支部委员会")
        .unwrap()
        .0;
    let branch = secretary.get(&format!("/party-orgs/{}/{}", hongmu.county, hongmu.id));
    assert!(
        branch.body.contains("徐建国（2024-03-01起）"),
        "{}",
        branch.body
    );
    let members = secretary.get("/members");
    assert!(members.body.contains("徐建国"));
    assert!(!members.body.contains("赵志强"), "not another branch's");

    // 5. A token reads the API, as its account sees it.
    let token = run(
        db,
        &[
            "tokens",
            "create",
            "--user",
            "longyou.staff",
            "--name",
            "上线检查",
        ],
    );
    let token = token.lines().next().unwrap().trim();
    let listed = run(db, &["tokens", "list", "--user", "longyou.staff"]);
    assert!(
        listed.contains("上线检查") && listed.contains("有效"),
        "{listed}"
    );
    let api = server.bearer("/api/v1/coverage", token);
    assert_eq!(api.status, 200, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(v["total"]["total"], 4, "龙游县's four units");
    // Revoked at the console, it reads no more.
    let id = listed
        .lines()
        .nth(1)
        .unwrap()
        .split('\t')
        .next()
        .unwrap()
        .to_owned();
    run(db, &["tokens", "revoke", "--user", "longyou.staff", &id]);
    assert_eq!(server.bearer("/api/v1/coverage", token).status, 401);
    drop(server);

    // The rest of the branches' secretaries from the console, as a sheet to hand out.
    let sheet = dir.join("书记账号.xlsx");
    let out = run(
        db,
        &[
            "accounts",
            "secretaries",
            "--xlsx",
            sheet.to_str().unwrap(),
            "--under",
            "中共柯城区两新组织工作委员会",
        ],
    );
    assert!(out.contains("已开通1个书记账号"), "{out}");
    let rows = liangxin_docs::sheet::read(&std::fs::read(&sheet).unwrap())
        .unwrap()
        .rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1[1], "中共衢州柯城智联网络科技有限公司支部委员会");

    // 6. The log verifies; a backup restores to the same reports and a verifying log.
    run(db, &["audit"]);
    let verified = run(db, &["verify-log"]);
    assert!(verified.contains("审计日志完整"), "{verified}");
    let backup = dir.join("backup.lxb");
    run(db, &["backup", backup.to_str().unwrap()]);
    let into_live = db
        .command(&anchor)
        .args(["restore", backup.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(into_live.status.code(), Some(3), "never over data");
    let back = run(restored, &["restore", backup.to_str().unwrap()]);
    assert!(back.contains("党员12名"), "{back}");
    assert!(back.contains("审计日志完整"), "{back}");
    for args in [
        &["coverage", "--format", "json", "--as-of", "2026-12-01"][..],
        &["accounts", "list"][..],
        &["import", "list"][..],
    ] {
        assert_eq!(run(db, args), run(restored, args), "{args:?}");
    }
    let verified = run(restored, &["verify-log"]);
    assert!(verified.contains("审计日志完整"), "{verified}");
    assert!(
        verified.contains(algorithms),
        "the restored database keeps its algorithms"
    );
}

#[test]
fn a_city_goes_live_from_an_empty_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    go_live(
        &Db::Sqlite(dir.path().join("data/liangxin.db")),
        &Db::Sqlite(dir.path().join("restored/liangxin.db")),
        dir.path(),
        "aes",
    );
}

#[test]
fn a_city_goes_live_on_postgres_with_the_guomi_algorithms() {
    let Ok(base) = std::env::var("LIANGXIN_TEST_PG_URL") else {
        eprintln!("LIANGXIN_TEST_PG_URL not set: PostgreSQL go-live test skipped");
        return;
    };
    // Databases of their own: a backup is of a whole database.
    let mut admin = PgConnection::establish(&base).unwrap();
    let name = |what: &str| format!("lx_golive_{what}_{}", std::process::id());
    let url = |db: &str| match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{db}"),
        None => unreachable!("a postgres URL has a path"),
    };
    for what in ["live", "restored"] {
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {}", name(what)))
            .execute(&mut admin)
            .unwrap();
        diesel::sql_query(format!("CREATE DATABASE {}", name(what)))
            .execute(&mut admin)
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    go_live(
        &Db::Postgres(url(&name("live"))),
        &Db::Postgres(url(&name("restored"))),
        dir.path(),
        // 国密 here, AES on SQLite: each suite once end to end.
        "sm",
    );
    for what in ["live", "restored"] {
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            name(what)
        ))
        .execute(&mut admin)
        .unwrap();
    }
}
