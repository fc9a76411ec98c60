//! The web platform over real HTTP: signing in and out, the abuse limits, every page and
//! API endpoint, bad input, and the OpenAPI document against its snapshot. One test binary
//! (one link) with a module per area; the shared city and the helpers are here.
#![allow(clippy::unwrap_used)]

mod appraisal;
mod assessment;
mod bad_input;
mod bulletin;
mod centers;
mod charges;
mod checkup;
#[path = "../common/mod.rs"]
mod common;
mod exemplars;
mod exports;
mod figures;
mod funds;
mod imports;
mod investors;
mod personal_data;
mod projects;
mod registry;
mod replica;
mod reviews;
mod sessions;
mod spot_checks;
mod stars;
mod statistics;
mod tasks;
mod towns;
mod vanguard;
mod weak;
mod work;
mod workforce;

use std::sync::OnceLock;

use common::{PASSWORD, TestApp};
use liangxin_domain::kinds::Role;
use liangxin_store::accounts::{Anchor, NewUser};
use liangxin_store::people::MemberFilter;

fn app() -> &'static TestApp {
    static APP: OnceLock<TestApp> = OnceLock::new();
    APP.get_or_init(|| TestApp::start(1500))
}

/// A city-level account of its own for a test that locks or changes it; its id.
fn city_account(app: &TestApp, username: &str, password: &str) -> i64 {
    let mut store = app.store();
    let hash = liangxin_web::auth::hash_password(password).unwrap();
    let city = store.root_party_orgs().unwrap()[0].0;
    store
        .create_user(
            &NewUser {
                username,
                display_name: username,
                password_hash: &hash,
                role: Role::City,
                anchor: Anchor::Committee {
                    party_org: city,
                    region: city.county,
                },
            },
            chrono::Utc::now().naive_utc(),
        )
        .unwrap()
}

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let mut c = app().client();
    let r = c.get("/api/v1/openapi.json");
    assert_eq!(r.status, 200);
    insta::assert_json_snapshot!("openapi", r.json());
}

/// Uploads a sheet of `kind` on the import page, waits for its preview, commits it and
/// waits for the commit; returns the preview's page and the committed page.
fn import_whole(
    c: &mut common::Client,
    csrf: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> (common::Resp, common::Resp) {
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", csrf), ("kind", kind)],
        ("file", name, bytes),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let at = r.header("location").unwrap().to_owned();
    let preview = c.settled(&at);
    let r = c.post_form(&format!("{at}/commit"), &[("_csrf", csrf)]);
    assert_eq!(r.status, 303, "{}", preview.body);
    let done = c.settled(&at);
    assert!(done.body.contains("已导入（导入编号"), "{}", done.body);
    (preview, done)
}

/// What the pages, the API and the exports show of one member, as far as it bears on the
/// member's resident ID: the characters the masked forms keep, the sex, and the dates that
/// bound the birth date.
struct Shown {
    known: [Option<char>; 18],
    male: Option<bool>,
    /// Born on or before (a member is at least 18 when admitted: 党章 第一条).
    born_by: Option<chrono::NaiveDate>,
    birth_year: Option<i32>,
}

impl Shown {
    fn new() -> Shown {
        Shown {
            known: [None; 18],
            male: None,
            born_by: None,
            birth_year: None,
        }
    }

    /// Takes in one field as shown. A field this count does not know fails the test: a new
    /// field beside a masked ID must be weighed here before it is shown.
    fn learn(&mut self, field: &str, value: &str) {
        let value = value.trim();
        match field {
            "身份证号" | "公民身份号码" | "resident_id" => {
                // The member's page has a button to reveal the number beside it.
                let value = value.split_whitespace().next().unwrap();
                let chars: Vec<char> = value.chars().collect();
                assert_eq!(chars.len(), 18, "{field}: {value}");
                for (i, c) in chars.into_iter().enumerate() {
                    if c != '*' {
                        assert!(self.known[i].is_none_or(|k| k == c), "{value}");
                        self.known[i] = Some(c);
                    }
                }
            }
            "性别" | "sex" => self.male = Some(matches!(value, "男" | "male")),
            "入党时间" | "joined_on" => {
                let joined = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").unwrap();
                let by = joined - chrono::Months::new(18 * 12);
                self.born_by = Some(self.born_by.map_or(by, |b| b.min(by)));
            }
            "出生年份" | "birth_year" => self.birth_year = Some(value.parse().unwrap()),
            // Shown, and no bound on the birth date or the number: a probationary member is
            // confirmed a year after admission whatever their age; where they are and what
            // they are called says nothing of when they were born.
            "姓名"
            | "name"
            | "党员类别"
            | "status"
            | "转正时间"
            | "confirmed_on"
            | "所在党组织"
            | "party_org_name"
            | "party_org_id"
            | "工作单位"
            | "workplace_name"
            | "流动情况"
            | "flow"
            | "flow_destination"
            | "在册情况"
            | "近12个月组织生活"
            | "county"
            | "id" => {}
            // Nor do 民族、学历、职业: no age is fixed by them (one retires early, studies late).
            "民族" | "ethnicity" | "学历" | "education" | "职业" | "occupation" => {}
            other => panic!("a field beside the masked ID the count does not weigh: {other}"),
        }
    }

    /// How many valid resident IDs agree with everything shown, for a member alive on
    /// `today` (born at most 120 years before it).
    fn candidates(&self, today: chrono::NaiveDate) -> u64 {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
        let digit = |c: char| c.to_digit(10).unwrap();
        // How many sequences (顺序码) give each remainder of their weighted sum.
        let mut by_remainder = [0u64; 11];
        for seq in 0..1000u32 {
            let digits = [seq / 100, seq / 10 % 10, seq % 10];
            let fits = (0..3).all(|i| self.known[14 + i].is_none_or(|k| digit(k) == digits[i]))
                && self.male.is_none_or(|m| (digits[2] % 2 == 1) == m);
            if fits {
                let sum: u32 = (0..3).map(|i| digits[i] * WEIGHTS[14 + i]).sum();
                by_remainder[(sum % 11) as usize] += 1;
            }
        }
        let region: u32 = (0..6)
            .map(|i| digit(self.known[i].expect("the region is shown")) * WEIGHTS[i])
            .sum();
        let mut day = today - chrono::Months::new(120 * 12);
        let last = [Some(today - chrono::Months::new(18 * 12)), self.born_by]
            .into_iter()
            .flatten()
            .min()
            .unwrap();
        let mut count = 0;
        while day <= last {
            let birth = day.format("%Y%m%d").to_string();
            let fits = self
                .birth_year
                .is_none_or(|y| chrono::Datelike::year(&day) == y)
                && birth
                    .chars()
                    .enumerate()
                    .all(|(i, c)| self.known[6 + i].is_none_or(|k| k == c));
            if fits {
                let sum: u32 = region
                    + birth
                        .chars()
                        .enumerate()
                        .map(|(i, c)| digit(c) * WEIGHTS[6 + i])
                        .sum::<u32>();
                count += (0..11)
                    .filter(|r| self.known[17].is_none_or(|k| CHECK[(sum as usize + r) % 11] == k))
                    .map(|r| by_remainder[r])
                    .sum::<u64>();
            }
            day = day.succ_opt().unwrap();
        }
        count
    }
}

/// The text of an HTML fragment without its tags.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Every `href … data-count="N"` figure of a page: (link, N), the link unescaped.
fn linked_figures(html: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for (i, _) in html.match_indices("data-count=\"") {
        let n: u64 = html[i + 12..]
            .split('"')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number in data-count");
        let tag = &html[html[..i].rfind('<').unwrap()..i];
        let href = tag
            .split("href=\"")
            .nth(1)
            .and_then(|h| h.split('"').next())
            .expect("a figure with data-count links somewhere");
        out.push((href.replace("&amp;", "&").replace("&#38;", "&"), n));
    }
    out
}

/// Opens every linked figure of a page (see [`linked_figures`]) and holds the list it
/// opens, and that list's CSV, to the figure; returns the figures walked.
fn figures_open_their_lists(c: &mut common::Client, role: &str, page: &str) -> Vec<(String, u64)> {
    let figures = linked_figures(page);
    for (href, n) in &figures {
        let list = c.get(href);
        assert_eq!(list.status, 200, "{role} {href}: {}", list.body);
        assert_eq!(
            stated_total(&list.body),
            *n,
            "{role}: {href} states another count"
        );
        let file = match href.split_once('?') {
            Some((path, q)) => format!("{path}.csv?{q}"),
            None => format!("{href}.csv"),
        };
        let csv = c.get(&file);
        assert_eq!(csv.status, 200, "{role} {file}");
        let rows = csv.body.lines().count() as u64 - 1;
        assert_eq!(
            rows, *n,
            "{role}: {file} has {rows} rows for the figure {n}"
        );
    }
    figures
}

/// Presses 立即排查 and waits on the findings page (as its refresh does) until the run in
/// the background ends; returns that page.
fn run_audit(c: &mut common::Client) -> common::Resp {
    let page = c.get("/audit");
    let r = c.post_form("/audit/run", &[("_csrf", &page.csrf())]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some("/audit"));
    // A bound on the wait, so a run that never ends fails the test instead of hanging it.
    for _ in 0..1200 {
        let page = c.get("/audit");
        if !page.body.contains("data-running") {
            return page;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the audit run did not end");
}

/// Opens the list each API figure names (`lists[field]` beside `tally[field]`) and holds its
/// `total` to the figure; returns the lists walked and, of those, the nonzero ones.
fn api_lists_hold_their_counts(
    c: &mut common::Client,
    role: &str,
    tallies: Vec<(serde_json::Value, serde_json::Value)>,
    fields: &[&str],
) -> (usize, usize) {
    let (mut walked, mut nonzero) = (0, 0);
    for (tally, lists) in tallies {
        for f in fields {
            let href = lists[f].as_str().unwrap();
            let list = c.get(href);
            assert_eq!(list.status, 200, "{role} {href}: {}", list.body);
            assert_eq!(
                list.json()["total"],
                tally[f],
                "{role}: {href} lists another count than {f}"
            );
            walked += 1;
            nonzero += usize::from(tally[f].as_u64().unwrap() > 0);
        }
    }
    (walked, nonzero)
}

/// The `data-total` a list page states.
fn stated_total(html: &str) -> u64 {
    let i = html
        .find("data-total=\"")
        .expect("the list states its total");
    html[i + 12..]
        .split('"')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap()
}
