//! End to end in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! driven over the W3C WebDriver protocol): sign in, read the dashboard, walk the lists,
//! sign out; upload a member sheet, read its problems, commit the corrected one, undo it;
//! a secretary's month (a 主题党日 and the month's dues) in three screens on a phone, and
//! every page a secretary uses at phone and desk widths with nothing wider than the
//! screen and no serious or critical axe-core finding; a 介绍信 to a receiver found by part
//! of its name, printed on one A4 sheet, and the wide lists printed on A4 landscape. Screenshots go to
//! `target/screenshots/` for a person to see.
//!
//! Without chromedriver the test says so and passes, unless `LIANGXIN_BROWSER_TESTS=1`
//! (as `.ci/run` sets), where a missing browser, or a missing axe-core (`npm ci` in
//! `crates/web/tests/axe`), is a failure.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use common::{PASSWORD, TestApp};
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The W3C WebDriver key under which an element reference is returned.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
const CHROMIUM: &str = "/usr/bin/chromium";

/// A WebDriver session; the driver process is killed when dropped.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
    /// axe-core's script, run on every page a screenshot is taken of.
    axe: Option<String>,
    /// What the checks found wrong, named by page: asserted empty by [`Browser::assert_clean`].
    problems: std::cell::RefCell<Vec<String>>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .agent
            .delete(format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn read_json(r: &mut ureq::http::Response<ureq::Body>) -> Option<Value> {
    let text = r
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .ok()?;
    serde_json::from_str(&text).ok()
}

fn post_json(agent: &ureq::Agent, url: &str, body: &Value) -> ureq::http::Response<ureq::Body> {
    agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body.to_string())
        .unwrap()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let started = Instant::now();
        loop {
            if let Ok(mut r) = agent.get(format!("{base}/status")).call()
                && read_json(&mut r).is_some_and(|v| v["value"]["ready"] == true)
            {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not become ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1280,1000", "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        }}});
        let mut r = post_json(&agent, &format!("{base}/session"), &caps);
        let v = read_json(&mut r).unwrap();
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        Browser {
            driver,
            base,
            session,
            agent,
            _profile: profile,
            axe: axe_source(),
            problems: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let mut r = match method {
            "GET" => self.agent.get(&url).call().unwrap(),
            _ => post_json(&self.agent, &url, &body.unwrap_or_else(|| json!({}))),
        };
        let v = read_json(&mut r).unwrap();
        assert!(v["value"].get("error").is_none(), "{method} {path}: {v}");
        v["value"].clone()
    }

    fn go(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn url(&self) -> String {
        self.cmd("GET", "/url", None).as_str().unwrap().to_owned()
    }

    fn find(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element for {css}: {v}"))
            .to_owned()
    }

    fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css);
        self.cmd(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn click(&self, css: &str) {
        let el = self.find(css);
        self.cmd("POST", &format!("/element/{el}/click"), None);
    }

    fn text(&self, css: &str) -> String {
        let el = self.find(css);
        self.cmd("GET", &format!("/element/{el}/text"), None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn source(&self) -> String {
        self.cmd("GET", "/source", None)
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Waits for the page's path to become `path`.
    fn wait_for_path(&self, path: &str) {
        let started = Instant::now();
        // Path and query exactly: "/login?next=/organizations" must not pass for "/organizations".
        let here = |url: String| {
            url.splitn(4, '/')
                .nth(3)
                .map(|rest| format!("/{rest}"))
                .unwrap_or_default()
        };
        while here(self.url()) != path {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "still at {} waiting for {path}",
                self.url()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until an element matching `css` shows `text` (navigation after a form post).
    fn wait_for_text(&self, css: &str, text: &str) {
        let started = Instant::now();
        loop {
            let url = format!("{}/session/{}/element", self.base, self.session);
            let mut r = post_json(
                &self.agent,
                &url,
                &json!({"using": "css selector", "value": css}),
            );
            if let Some(v) = read_json(&mut r)
                && let Some(el) = v["value"][ELEMENT].as_str()
            {
                let url = format!("{}/session/{}/element/{el}/text", self.base, self.session);
                let mut r = self.agent.get(&url).call().unwrap();
                if read_json(&mut r)
                    .and_then(|v| v["value"].as_str().map(str::to_owned))
                    .is_some_and(|t| t.contains(text))
                {
                    return;
                }
            }
            if started.elapsed() > Duration::from_secs(20) {
                self.take_screenshot("failure");
                panic!(
                    "“{text}” never appeared in {css} (at {}); see target/screenshots/failure.png",
                    self.url()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Runs `script` in the page (WebDriver's synchronous execute) and returns its value.
    fn exec(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    /// The window's size: a phone's 390 × 844 or a desk's 1366 × 900.
    fn resize(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// What on the page is wider than the screen: the document's width beside the
    /// viewport's, and the first few elements reaching past its right edge.
    fn overflow(&self) -> Option<String> {
        let v = self.exec(
            r#"const w = document.documentElement.clientWidth;
               const doc = document.documentElement.scrollWidth;
               const wide = [];
               for (const e of document.body.querySelectorAll('*')) {
                 const r = e.getBoundingClientRect();
                 if (r.width > 0 && r.right > w + 1 && wide.length < 5) {
                   wide.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                     + ' right=' + Math.round(r.right));
                 }
               }
               return [w, doc, wide];"#,
            json!([]),
        );
        let (w, doc) = (v[0].as_i64().unwrap(), v[1].as_i64().unwrap());
        (doc > w).then(|| format!("document {doc} px wide in a {w} px viewport: {}", v[2]))
    }

    /// The smallest chart text as drawn, in px: a chart scaled down to a phone's width
    /// shrinks its text with it.
    fn smallest_chart_text(&self) -> Option<f64> {
        self.exec(
            r#"let least = null;
               for (const svg of document.querySelectorAll('svg.chart')) {
                 const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                 for (const t of svg.querySelectorAll('text')) {
                   const px = parseFloat(t.getAttribute('font-size')) * scale;
                   if (least === null || px < least) least = px;
                 }
               }
               return least;"#,
            json!([]),
        )
        .as_f64()
    }

    /// Serious and critical axe-core violations on the page, one line each.
    fn axe(&self) -> Vec<String> {
        let Some(source) = &self.axe else {
            return Vec::new();
        };
        self.exec(source, json!([]));
        let v = self.cmd(
            "POST",
            "/execute/async",
            Some(json!({
                "script": r#"const done = arguments[arguments.length - 1];
                    axe.run(document, { resultTypes: ['violations'] })
                      .then(r => done(r.violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
                          + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))))
                      .catch(e => done(['axe failed: ' + e]));"#,
                "args": []
            })),
        );
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect()
    }

    /// Every check of the page recorded so far passed.
    fn assert_clean(&self) {
        let problems = self.problems.borrow();
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// A screenshot named `name` of the page as it stands, with its axe-core findings
    /// recorded (the rules do not depend on the width, the layout does: every width runs them).
    fn screenshot(&self, name: &str) -> PathBuf {
        if name != "failure" {
            for v in self.axe() {
                self.problems
                    .borrow_mut()
                    .push(format!("{name} ({}): {v}", self.url()));
            }
        }
        self.take_screenshot(name)
    }

    /// The page printed as the browser prints it (the CSS `@page` sizes honoured): the
    /// PDF is kept beside the screenshots, and each page's size in points is returned.
    fn print(&self, name: &str) -> Vec<(f64, f64)> {
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(
                self.cmd(
                    "POST",
                    "/print",
                    Some(json!({ "shrinkToFit": false, "background": true })),
                )
                .as_str()
                .unwrap(),
            )
            .unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.pdf")), &pdf).unwrap();
        pdf_page_sizes(&pdf)
    }

    fn take_screenshot(&self, name: &str) -> PathBuf {
        let png = base64::engine::general_purpose::STANDARD
            .decode(self.cmd("GET", "/screenshot", None).as_str().unwrap())
            .unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }
}

/// Every page's `/MediaBox` width and height in a PDF as Chromium writes it (one
/// uncompressed page dictionary per page).
fn pdf_page_sizes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox [")
        .map(|(at, m)| {
            let rest = &text[at + m.len()..];
            let end = rest.find(']').unwrap();
            let n: Vec<f64> = rest[..end]
                .split_whitespace()
                .map(|x| x.parse().unwrap())
                .collect();
            (n[2] - n[0], n[3] - n[1])
        })
        .collect()
}

/// A4 in points, within a point: 595 × 842.
fn is_a4(w: f64, h: f64) -> bool {
    (w - 595.3).abs() < 1.5 && (h - 841.9).abs() < 1.5
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("screenshots")
}

/// axe-core's script, installed by `npm ci` in `crates/web/tests/axe` (as `.ci/run` does).
fn axe_source() -> Option<String> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/axe/node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(s) => Some(s),
        Err(_) => {
            assert_ne!(
                std::env::var("LIANGXIN_BROWSER_TESTS").as_deref(),
                Ok("1"),
                "LIANGXIN_BROWSER_TESTS=1 but {} is missing (npm ci in crates/web/tests/axe)",
                path.display()
            );
            eprintln!("axe-core not installed: accessibility checks skipped");
            None
        }
    }
}

/// Whether the browser is here; without it the test is skipped, unless CI asks for it.
fn have_browser() -> bool {
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        assert_ne!(
            std::env::var("LIANGXIN_BROWSER_TESTS").as_deref(),
            Ok("1"),
            "LIANGXIN_BROWSER_TESTS=1 but {CHROMEDRIVER} or {CHROMIUM} is missing (apt-get install chromium chromium-driver)"
        );
        eprintln!("chromium/chromedriver not installed: browser test skipped");
        return false;
    }
    true
}

#[test]
fn a_person_signs_in_reads_the_dashboard_walks_the_lists_and_signs_out() {
    if !have_browser() {
        return;
    }
    let app = TestApp::start(1500);
    let b = Browser::start();

    b.go(&format!("{}/organizations", app.base));
    b.wait_for_path("/login?next=/organizations");
    b.screenshot("01-login");
    b.type_into("#username", "city");
    b.type_into("#password", PASSWORD);
    b.click("button[type=submit]");
    b.wait_for_path("/organizations");

    b.go(&format!("{}/", app.base));
    b.wait_for_text("h1", "两新组织覆盖驾驶舱");
    let src = b.source();
    assert!(src.contains("<svg"), "the charts are in the page");
    assert!(
        src.contains("柯城区") && src.contains("江山市"),
        "the city sees every county"
    );
    b.screenshot("02-dashboard");

    // A figure links to the rows behind it.
    b.click("table a[href^='/organizations?county=']");
    b.wait_for_text("main", "共 ");
    assert!(b.url().contains("/organizations?county="));
    b.screenshot("03-organizations");
    b.click("table tbody a");
    b.wait_for_text("main", "规则要求的行动");
    b.screenshot("04-organization");

    b.go(&format!("{}/gaps", app.base));
    b.wait_for_text("h1", "覆盖检修");
    b.screenshot("05-gaps");

    // Register a unit and see the figures move: one more organization, one more 空白.
    b.go(&format!("{}/", app.base));
    let figures_before = b.text(".figures");
    assert!(figures_before.contains("1,500个"), "{figures_before}");
    b.go(&format!("{}/organizations", app.base));
    b.click("a[href='/organizations/new']");
    b.type_into("#name", "龙游县测试新材料有限公司");
    b.cmd(
        "POST",
        &format!(
            "/element/{}/click",
            b.find("#county option[value='330825']")
        ),
        None,
    );
    b.type_into("#employees", "abc");
    b.click("main button[type=submit]");
    // The server keeps what was typed and says what is wrong, next to the field.
    b.wait_for_text("main", "应为0到1000000之间的整数");
    b.screenshot("06-register-error");
    let employees = b.find("#employees");
    b.cmd("POST", &format!("/element/{employees}/clear"), None);
    b.type_into("#employees", "12");
    b.click("main button[type=submit]");
    b.wait_for_text("h1", "龙游县测试新材料有限公司");
    assert!(b.text("main").contains("空白"));
    b.screenshot("07-registered");
    b.go(&format!("{}/", app.base));
    let figures_after = b.text(".figures");
    assert!(figures_after.contains("1,501个"), "{figures_after}");
    b.screenshot("08-dashboard-after");

    // The party-organization tree, one level at a time, and the members with masked IDs.
    b.go(&format!("{}/party-orgs", app.base));
    b.wait_for_text("h1", "中共衢州市两新组织工作委员会");
    b.click("table tbody a");
    b.wait_for_text("main", "下级党组织");
    b.screenshot("09-party-org");
    b.go(&format!("{}/zones", app.base));
    b.wait_for_text("main", "龙游红木小镇");
    b.screenshot("11-zones");
    b.go(&format!("{}/members", app.base));
    let members = b.text("main");
    assert!(members.contains("***********"), "resident IDs are masked");
    b.screenshot("10-members");

    b.click("form[action='/logout'] button");
    b.wait_for_path("/login");
    b.go(&format!("{}/", app.base));
    b.wait_for_path("/login");
    b.assert_clean();
}

#[test]
fn a_county_uploads_its_member_sheet_fixes_it_commits_and_undoes_it() {
    use liangxin_domain::resident_id::ResidentId;
    if !have_browser() {
        return;
    }
    let app = TestApp::start(300);
    let mut store = app.store();
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let (branch, _, branch_name, _) = store
        .party_orgs_in_scope(&longyou)
        .unwrap()
        .into_iter()
        .find(|(_, _, name, t)| t.is_branch() && !name.is_empty())
        .unwrap();
    let person = |seq: u16| {
        ResidentId::from_parts(
            "330825",
            chrono::NaiveDate::from_ymd_opt(1993, 6, 7).unwrap(),
            seq,
        )
        .unwrap()
        .expose()
        .to_owned()
    };
    let dir = tempfile::tempdir().unwrap();
    let sheet = |name: &str, rows: &[String]| {
        let path = dir.path().join(name);
        let text = format!(
            "姓名,身份证号,所在党支部,党员类别,入党日期,转正日期\r\n{}\r\n",
            rows.join("\r\n")
        );
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let code = format!("{}-{}", branch.county, branch.id);
    let good = vec![
        format!(
            "浏览器甲,{},{code},正式党员,2014-07-01,2015-07-01",
            person(701)
        ),
        format!("浏览器乙,{},{code},预备党员,2026-05-01,", person(702)),
    ];
    let mut bad = good.clone();
    bad.push(format!(
        "浏览器丙,{},{code},正式党员,2014-02-30,",
        person(703)
    ));

    let b = Browser::start();
    b.go(&format!("{}/imports", app.base));
    b.type_into("#username", "longyou");
    b.type_into("#password", PASSWORD);
    b.click("button[type=submit]");
    b.wait_for_text("h1", "导入导出");
    // The sheet with a day that does not exist: every problem listed, no commit offered.
    b.type_into("#file", &sheet("有错的名册.csv", &bad));
    b.click("main form[enctype] button[type=submit]");
    b.wait_for_text("main", "问题清单");
    let page = b.text("main");
    assert!(page.contains("没有这一天"), "{page}");
    assert!(page.contains("将新增 2 名党员"), "{page}");
    assert!(!page.contains("确认导入"), "errors block the commit");
    b.screenshot("12-import-problems");

    // Corrected: previewed, committed whole, then undone.
    b.go(&format!("{}/imports", app.base));
    b.type_into("#file", &sheet("改好的名册.csv", &good));
    b.click("main form[enctype] button[type=submit]");
    b.wait_for_text("main", "确认导入：新增 2 名");
    assert!(b.text("main").contains(&branch_name));
    b.screenshot("13-import-preview");
    b.click("form[action$='/commit'] button");
    b.wait_for_text("main", "已导入（导入编号");
    b.screenshot("14-import-committed");
    let found = |store: &mut liangxin_store::Store| {
        store
            .find_member_by_resident_id(&longyou, &ResidentId::parse(&person(701)).unwrap().value)
            .unwrap()
    };
    assert!(found(&mut store).is_some());
    b.click("main a[href$='/undo']");
    b.wait_for_text("main", "移除 2 名党员");
    b.click("main form button.primary");
    // Back on the list, the import marked undone.
    b.wait_for_path("/imports");
    b.wait_for_text("main", "已于");
    assert!(found(&mut store).is_none(), "gone with the undo");
    b.screenshot("15-import-undone");
    b.assert_clean();
}

/// The widths every page is checked at: a phone's and an office screen's.
const WIDTHS: [(&str, u32, u32); 2] = [("phone", 390, 844), ("desk", 1366, 900)];

/// Shows `path` at both widths: a screenshot of each (with its axe-core findings),
/// nothing wider than the screen, chart text at its size. Problems are collected, not
/// thrown, so one run names them all.
fn check_page(b: &Browser, base: &str, name: &str, path: &str) {
    for (label, w, h) in WIDTHS {
        b.resize(w, h);
        b.go(&format!("{base}{path}"));
        b.wait_for_text("main", "打印时间");
        b.screenshot(&format!("{label}-{name}"));
        let mut problems = b.problems.borrow_mut();
        if let Some(o) = b.overflow() {
            problems.push(format!("{label} {path}: {o}"));
        }
        if let Some(px) = b.smallest_chart_text().filter(|px| *px < 13.5) {
            problems.push(format!("{label} {path}: chart text drawn at {px:.1} px"));
        }
    }
}

/// UI.md: "the common month of a branch secretary (a 主题党日 with attendance, then the
/// month's dues) takes at most three screens". On a phone: the home's 待办 opens the form
/// with the kind chosen, everyone is 出席 unless marked otherwise, the saved meeting offers
/// the dues sheet, and the sheet has everyone at the standard ticked already.
#[test]
fn a_secretary_keeps_the_month_in_three_screens_on_a_phone_and_at_a_desk() {
    if !have_browser() {
        return;
    }
    let app = TestApp::start(600);
    let (branch, member) = {
        let mut store = app.store();
        let user = store.user_by_username("secretary").unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap();
        let m = store
            .members_page(
                &scope,
                &liangxin_store::people::MemberFilter::default(),
                0,
                1,
            )
            .unwrap()
            .remove(0);
        (root.key, m.key)
    };
    let base_po = format!("/party-orgs/{}/{}", branch.county, branch.id);
    let b = Browser::start();
    b.resize(390, 844);
    b.go(&format!("{}/login", app.base));
    b.type_into("#username", "secretary");
    b.type_into("#password", PASSWORD);
    b.click("button[type=submit]");

    // Screen 1: the home is the branch's work.
    b.wait_for_text("h1", "本期要做的事");
    b.screenshot("month-1-home");
    let mut clicks = 0;
    let src = b.source();
    let theme_day = src.contains("meetings/new?kind=theme_day");
    if theme_day {
        b.click("a[href$='meetings/new?kind=theme_day']");
    } else {
        // This month's 主题党日 is already held in the demo: record another from the button.
        b.click(&format!("a[href='{base_po}/meetings/new']"));
    }
    clicks += 1;

    // Screen 2: the meeting, everyone present by default; one excused by hand.
    b.wait_for_text("h1", "记录会议");
    if !theme_day {
        b.click("#kind option[value='theme_day']");
        clicks += 1;
    }
    let chosen = b.exec("return document.querySelector('#kind').value", json!([]));
    assert_eq!(chosen, "theme_day");
    let marks = b.exec(
        "return [...document.querySelectorAll('table.attendance input[type=radio]:checked')].map(e => e.value)",
        json!([]),
    );
    let marks = marks.as_array().unwrap();
    assert!(!marks.is_empty(), "the branch has members to expect");
    assert!(marks.iter().all(|m| m == "present"), "all 出席 by default");
    b.type_into("#topic", "学习贯彻全会精神");
    b.type_into("#place", "支部活动室");
    b.type_into("#host", "书记");
    b.type_into("#recorder", "组织委员");
    b.click("table.attendance tbody tr:first-child input[value='excused']");
    b.type_into(
        "table.attendance tbody tr:first-child input[name^='r_']",
        "出差",
    );
    clicks += 2;
    b.screenshot("month-2-meeting-form");
    b.click("form button.primary");
    clicks += 1;
    b.wait_for_text(".notice", "已保存：会议记录");
    b.screenshot("month-2-meeting-saved");
    assert!(b.text("main").contains("请假1人"));
    b.click(".notice a");
    clicks += 1;

    // Screen 3: the month's dues, everyone with a standard ticked at it.
    b.wait_for_text("h1", "党费");
    b.screenshot("month-3-dues-sheet");
    let boxes = b.exec(
        "return [...document.querySelectorAll('input[name=pay]')].map(e => e.checked)",
        json!([]),
    );
    let boxes = boxes.as_array().unwrap();
    if boxes.is_empty() {
        // The demo entered the whole month already; nothing is left to save.
        assert!(b.text("main").contains("已登记"));
    } else {
        assert!(
            boxes.iter().any(|c| c == true),
            "those with a standard are ticked at it"
        );
        // One did not pay this month: the exception, unticked by hand.
        if boxes.len() > 1 {
            b.click("input[name=pay]:checked");
            clicks += 1;
        }
        b.click("form button.primary");
        clicks += 1;
        b.wait_for_text(".notice", "已保存：党费已登记");
        b.screenshot("month-3-dues-saved");
    }
    assert!(clicks <= 10, "{clicks} clicks for the month");

    // Every page a secretary uses, and a committee's dashboard, at both widths.
    let (mc, mi) = (member.county, member.id);
    let pages = [
        ("home", "/".to_owned()),
        ("party-org", base_po.clone()),
        ("life", format!("{base_po}/life")),
        (
            "meeting-new",
            format!("{base_po}/meetings/new?kind=committee"),
        ),
        ("dues-sheet", format!("{base_po}/dues")),
        ("members", "/members".to_owned()),
        ("member", format!("/members/{mc}/{mi}")),
        ("member-dues", format!("/members/{mc}/{mi}/dues")),
        ("transfers", "/transfers".to_owned()),
        ("floating", "/floating".to_owned()),
        ("audit", "/audit".to_owned()),
        ("organizations", "/organizations".to_owned()),
        ("gaps", "/gaps".to_owned()),
        ("reviews", "/reviews".to_owned()),
        ("workforce", "/workforce".to_owned()),
        ("investors", "/investors".to_owned()),
        ("projects", "/projects".to_owned()),
    ];
    for (name, path) in &pages {
        check_page(&b, &app.base, name, path);
    }

    // A 组织关系介绍信: the receiver found by part of its name, then printed on one A4 sheet.
    let receiver = {
        let mut store = app.store();
        store
            .receiving_candidates("党支部", 20)
            .unwrap()
            .into_iter()
            .find(|r| r.key != branch && r.name.chars().count() > 4)
            .expect("another branch to send to")
    };
    let part: String = receiver.name.chars().skip(2).collect();
    let code = format!("{}-{}", receiver.key.county, receiver.key.id);
    b.go(&format!("{}/members/{mc}/{mi}/transfer", app.base));
    b.wait_for_text("h1", "开具介绍信");
    b.type_into("#to", &part);
    b.click("button[name=find]");
    b.wait_for_text("fieldset.candidates legend", "找到");
    b.screenshot("transfer-candidates");
    b.click(&format!("input[name=pick][value='{code}']"));
    b.type_into("#reason", "工作调动");
    b.click("form button.primary");
    b.wait_for_text("h1", "组织关系转接");
    assert!(
        b.text("main").contains(&receiver.name),
        "the letter goes to the one picked"
    );
    b.click("a[href$='/letter']");
    b.wait_for_text("h1", "打印组织关系介绍信");
    b.screenshot("transfer-letter");
    let pages = b.print("transfer-letter");
    assert_eq!(
        pages.len(),
        1,
        "the letter, its stub and its 回执 on one sheet: {pages:?}"
    );
    assert!(is_a4(pages[0].0, pages[0].1), "A4 portrait: {pages:?}");

    b.resize(1366, 900);
    b.click("form[action='/logout'] button");
    b.wait_for_path("/login");
    b.type_into("#username", "city");
    b.type_into("#password", PASSWORD);
    b.click("button[type=submit]");
    b.wait_for_text("h1", "两新组织覆盖驾驶舱");
    // An entered criterion of this year's 考核清单, so the sheet shows its scoring form.
    {
        let mut store = app.store();
        let user = store.user_by_username("city").unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let today = liangxin_web::today();
        store
            .adopt_assessment_criterion(
                "test",
                &scope,
                today,
                &liangxin_store::assessment::NewCriterion {
                    year: chrono::Datelike::year(&today),
                    code: "brand".into(),
                    label: "党建品牌（一镇一品）".into(),
                    points: "10".into(),
                    guide: "有市级以上党建品牌得10分，县级品牌得6分，正在培育的得3分".into(),
                    source: "两新组织党建工作责任制考核办法".into(),
                },
            )
            .unwrap();
        assert_eq!(
            store
                .assessment_criteria(chrono::Datelike::year(&today))
                .unwrap()
                .len(),
            1
        );
    }
    b.go(&format!("{}/assessment/county/330825", app.base));
    b.wait_for_text("main", "打印时间");
    assert!(
        b.source().contains("党建品牌（一镇一品）"),
        "{}",
        b.source()
    );
    for (name, path) in [
        ("city-dashboard", "/"),
        ("city-life", "/life"),
        ("city-dues", "/dues"),
        ("city-reviews", "/reviews"),
        ("city-centers", "/centers"),
        ("city-workforce", "/workforce"),
        ("city-investors", "/investors"),
        ("city-projects", "/projects"),
        ("city-bulletin", "/bulletin"),
        ("city-effectiveness", "/effectiveness"),
        ("city-assessment", "/assessment"),
        ("city-assessment-sheet", "/assessment/county/330825"),
    ] {
        check_page(&b, &app.base, name, path);
    }
    // 随机抽查: the city publishes a round, draws it, and its page fits every width.
    b.go(&format!("{}/spot-checks", app.base));
    b.wait_for_text("h1", "随机抽查");
    b.type_into("#title", "全市两新党组织随机抽查");
    b.type_into("#size", "12");
    b.type_into("#seed", "20261205");
    b.click("form[action='/spot-checks'] button.primary");
    b.wait_for_text("h1", "全市两新党组织随机抽查");
    b.click("form[action$='/draw'] button");
    b.wait_for_text("main", "复核一致");
    let round = b.url();
    let round = round
        .trim_start_matches(app.base.as_str())
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    check_page(&b, &app.base, "city-spot-check", &round);
    // Wide lists print on A4 landscape.
    for (name, path) in [("print-audit", "/audit"), ("print-gaps", "/gaps")] {
        b.go(&format!("{}{path}", app.base));
        b.wait_for_text("main", "打印时间");
        let pages = b.print(name);
        assert!(!pages.is_empty());
        assert!(
            pages.iter().all(|(w, h)| is_a4(*h, *w)),
            "{path} prints A4 landscape: {pages:?}"
        );
    }
    b.assert_clean();
}

/// 民主评议 in the browser: the secretary opens the year's round and has the slips to
/// print (A4, a slip never split), a voter casts on a phone with a slip's credential and is
/// shown the tracker, the secretary closes the round and has the totals beside the
/// 组织评定 form; every page at a phone's width without overflow and clean under axe.
#[test]
fn a_branch_prints_its_slips_a_member_votes_on_a_phone_and_the_round_is_counted() {
    if !have_browser() {
        return;
    }
    let app = TestApp::start(300);
    let b = Browser::start();
    b.resize(1366, 900);
    b.go(&format!("{}/login", app.base));
    b.type_into("#username", "secretary");
    b.type_into("#password", PASSWORD);
    b.click("button[type=submit]");
    b.wait_for_text("h1", "本期要做的事");
    let (county, id) = {
        let mut store = app.store();
        let user = store.user_by_username("secretary").unwrap().unwrap();
        (user.party_org_county.unwrap(), user.party_org_id.unwrap())
    };
    b.go(&format!("{}/party-orgs/{county}/{id}/appraisals", app.base));
    b.wait_for_text("h1", "民主评议党员");
    b.screenshot("appraisal-1-rounds");
    b.click("form[action$='/appraisals'] button[type=submit]");
    b.wait_for_text("h1", "评议凭证");
    b.screenshot("appraisal-2-slips");
    let sizes = b.print("appraisal-2-slips");
    assert!(sizes.iter().all(|(w, h)| is_a4(*w, *h)), "{sizes:?}");
    let credential = b.text("strong.credential");
    assert_eq!(credential.len(), 19, "{credential}");
    let ballot = b.text(".slip-url");
    let ballot = &ballot[ballot.find("/ballot/").unwrap()..];

    // A voter on a phone.
    b.resize(390, 844);
    b.go(&format!("{}{ballot}", app.base));
    b.wait_for_text("h1", "投票");
    b.screenshot("appraisal-3-credential");
    b.type_into("#credential", &credential.to_lowercase());
    b.click("button[type=submit]");
    b.wait_for_text("main", "提交后不能修改");
    if let Some(o) = b.overflow() {
        b.problems
            .borrow_mut()
            .push(format!("phone ballot paper: {o}"));
    }
    b.screenshot("appraisal-4-paper");
    b.exec(
        "document.querySelectorAll('input[type=radio][value=B]').forEach(r => r.checked = true);",
        json!([]),
    );
    b.click("form button[type=submit]");
    b.wait_for_text("main", "投票成功");
    b.screenshot("appraisal-5-cast");
    let tracker = b.text("p.tracker strong");
    assert_eq!(tracker.len(), 64);

    // The secretary counts it.
    b.resize(1366, 900);
    let round = ballot.replace("/ballot/", "/appraisals/");
    b.go(&format!("{}{round}", app.base));
    b.wait_for_text("main", "已投票");
    b.click(&format!("form[action='{round}/close'] button"));
    b.wait_for_text("main", "唱票结果与组织评定");
    b.screenshot("appraisal-6-counted");
    assert!(
        b.source().contains(&tracker),
        "the voter's tracker is in the list"
    );
    b.resize(390, 844);
    b.go(&format!("{}{round}", app.base));
    b.wait_for_text("main", "唱票结果与组织评定");
    if let Some(o) = b.overflow() {
        b.problems.borrow_mut().push(format!("phone round: {o}"));
    }
    b.screenshot("appraisal-7-counted-phone");
    b.assert_clean();
}
