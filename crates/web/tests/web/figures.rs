//! Every figure and count opens a list of exactly its length.

use super::*;

/// Every zone's count of units and of 空白 opens the list of exactly those units, for each
/// role that sees zones.
#[test]
fn every_figure_on_the_zones_page_opens_a_list_of_its_length() {
    let app = TestApp::start(400);
    let mut nonzero_gaps = 0;
    for role in ["city", "longyou", "hongmu"] {
        let mut c = app.signed_in(role);
        let page = c.get("/zones");
        assert_eq!(page.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &page.body);
        assert!(!figures.is_empty(), "{role}: no zone's figures link");
        nonzero_gaps += figures
            .iter()
            .filter(|(href, n)| href.contains("state=gap") && *n > 0)
            .count();
    }
    assert!(nonzero_gaps > 0, "no zone with a 空白 unit was walked");
}

/// The organizational-life page's figures (organizations owing meetings, those without and
/// with a missed period) each open the list of exactly those organizations, for each role
/// that has the page; a filter it does not know is refused, naming the field.
#[test]
fn every_figure_on_the_life_page_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let mut incomplete_walked = 0;
    for role in ["city", "longyou", "hongmu"] {
        let mut c = app.signed_in(role);
        let page = c.get("/life");
        assert_eq!(page.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &page.body);
        assert_eq!(figures.len(), 3, "{role}: {figures:?}");
        let n = |f: &str| figures.iter().find(|(h, _)| h.ends_with(f)).map(|x| x.1);
        assert_eq!(
            n("missed=none").unwrap() + n("missed=some").unwrap(),
            figures[0].1,
            "{role}: with and without a missed period make up the whole"
        );
        incomplete_walked += usize::from(n("missed=some").unwrap() > 0);
    }
    assert!(
        incomplete_walked > 0,
        "no organization with a missed period was walked"
    );
    let mut city = app.signed_in("city");
    let r = city.get("/life?missed=all");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("缺项"), "{}", r.body);
}

/// Every count of members on the dues roll-up (each party organization's and the total)
/// and on a branch's sheet opens the list of exactly those members, for every role with
/// a roll-up; the states make up the whole.
#[test]
fn every_count_on_the_dues_pages_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let last_month = chrono::Datelike::with_day(&liangxin_web::today(), 1)
        .unwrap()
        .pred_opt()
        .unwrap()
        .format("%Y-%m")
        .to_string();
    let mut nonzero = std::collections::BTreeSet::new();
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let mut c = app.signed_in(role);
        for month in [last_month.as_str(), ""] {
            let page = c.get(&format!("/dues?month={month}"));
            assert_eq!(page.status, 200, "{role}");
            let figures = figures_open_their_lists(&mut c, role, &page.body);
            assert!(figures.len() >= 10, "{role}: {figures:?}");
            // The total row's, first: members, paid, short, unpaid, without a standard.
            let total = &figures[..5];
            assert!(!total[0].0.contains("org="), "{role}: {total:?}");
            assert_eq!(
                total[1].1 + total[2].1 + total[3].1 + total[4].1,
                total[0].1,
                "{role}: the states make up the members"
            );
            for (href, n) in &figures {
                if *n > 0 {
                    nonzero.insert(href.split("state=").nth(1).unwrap_or("").to_owned());
                }
            }
        }
    }
    for state in ["", "paid", "unpaid"] {
        assert!(
            nonzero.iter().any(|s| s.starts_with(state)),
            "no nonzero {state:?} list walked: {nonzero:?}"
        );
    }
    // A branch's sheet: those not yet entered, those without a standard.
    let branch = {
        let mut store = app.store();
        let user = store.user_by_username("secretary").unwrap().unwrap();
        let secretary = store.scope_of_user(&user).unwrap();
        store.scope_root(&secretary).unwrap().unwrap()
    };
    let mut c = app.signed_in("secretary");
    let sheet = c.get(&format!(
        "/party-orgs/{}/{}/dues",
        branch.key.county, branch.key.id
    ));
    assert_eq!(sheet.status, 200);
    let figures = figures_open_their_lists(&mut c, "secretary", &sheet.body);
    assert_eq!(figures.len(), 2, "{figures:?}");
    // The secretary's 待办 says how many are not yet entered and opens this sheet.
    let unmarked = figures
        .iter()
        .find(|(h, _)| h.contains("state=unmarked"))
        .map(|(_, n)| *n)
        .unwrap();
    let home = c.get("/");
    if unmarked > 0 {
        assert!(
            home.body.contains(&format!("（{unmarked}人未登记）")),
            "{}",
            home.body
        );
        assert!(home.body.contains(&format!(
            "/party-orgs/{}/{}/dues?month=",
            branch.key.county, branch.key.id
        )));
    }
    let r = c.get("/dues/members?state=owed");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("交纳状态"), "{}", r.body);
    assert_eq!(c.get("/dues/members?org=330825").status, 422);
}

/// Every count of the dues API (the scope's and each party organization's) names the list
/// of exactly those members.
#[test]
fn every_count_of_the_dues_api_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let counts = [
        "members",
        "paid_members",
        "short_members",
        "unpaid_members",
        "without_standard",
    ];
    let mut walked = 0;
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let mut c = app.signed_in(role);
        let r = c.get("/api/v1/dues");
        assert_eq!(r.status, 200, "{role}: {}", r.body);
        let v = r.json();
        let mut tallies = vec![(v["total"].clone(), v["lists"].clone())];
        for item in v["items"].as_array().unwrap().iter().take(5) {
            tallies.push((item["totals"].clone(), item["lists"].clone()));
        }
        walked += api_lists_hold_their_counts(&mut c, role, tallies, &counts).1;
    }
    assert!(walked > 20, "{walked}");
    let mut c = app.signed_in("longyou");
    assert_eq!(c.get("/api/v1/dues/members?state=owed").status, 422);
    // Another county's party organization is not the caller's to list.
    assert_eq!(c.get("/api/v1/dues/members?org=330802-1").status, 404);
}

/// A party organization's page counts its own members and each child's; each count opens
/// the members list of exactly those, for the city's, a county's and a branch's page.
#[test]
fn every_member_count_on_a_party_organization_page_opens_its_members() {
    let app = TestApp::start(300);
    let mut walked = 0;
    for role in ["city", "longyou", "secretary"] {
        let root = {
            let mut store = app.store();
            let user = store.user_by_username(role).unwrap().unwrap();
            let scope = store.scope_of_user(&user).unwrap();
            store.scope_root(&scope).unwrap().unwrap()
        };
        let mut c = app.signed_in(role);
        let page = c.get(&format!("/party-orgs/{}/{}", root.key.county, root.key.id));
        assert_eq!(page.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &page.body);
        assert!(!figures.is_empty(), "{role}");
        walked += figures.iter().filter(|(_, n)| *n > 0).count();
    }
    assert!(walked > 3, "{walked}");
}

/// The organizational-life API's figures each name the list of exactly those
/// organizations, and its filters refuse what they do not know.
#[test]
fn every_figure_of_the_life_api_opens_a_list_of_its_length() {
    let app = TestApp::start(300);
    let mut walked = 0;
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let mut c = app.signed_in(role);
        let r = c.get("/api/v1/life");
        assert_eq!(r.status, 200, "{role}: {}", r.body);
        let v = r.json();
        assert_eq!(v["total"], v["organizations"], "{role}: unfiltered");
        assert_eq!(
            v["complete"].as_u64().unwrap() + v["incomplete"].as_u64().unwrap(),
            v["organizations"].as_u64().unwrap()
        );
        for f in ["organizations", "complete", "incomplete", "open_now"] {
            let href = v["lists"][f].as_str().unwrap();
            let list = c.get(href);
            assert_eq!(list.status, 200, "{role} {href}: {}", list.body);
            let l = list.json();
            assert_eq!(
                l["total"], v[f],
                "{role}: {href} lists another count than {f}"
            );
            if f == "open_now" {
                for item in l["items"].as_array().unwrap() {
                    assert!(!item["open_now"].as_array().unwrap().is_empty(), "{item}");
                }
            }
            walked += usize::from(v[f].as_u64().unwrap() > 0);
        }
    }
    assert!(walked >= 8, "{walked}");
    let mut c = app.signed_in("city");
    assert_eq!(c.get("/api/v1/life?due=later").status, 422);
    assert_eq!(c.get("/api/v1/life?missed=all").status, 422);
}

/// Issue: "25,187个 空白单位" opened a list of 23,037, "需要行动的单位" a list of findings.
/// Every linked figure of the dashboard, for every role that has one, opens a list that
/// states the same number and whose file has that many rows.
#[test]
fn every_figure_on_the_dashboard_opens_a_list_of_its_length() {
    // Its own city: the counts must not move under it while it walks them.
    let app = TestApp::start(400);
    let mut city = app.signed_in("city");
    run_audit(&mut city);
    let (mut filtered_and_nonzero, mut own_findings) = (0, 0);
    for role in ["city", "longyou", "hongmu", "secretary", "instructor"] {
        let mut c = app.signed_in(role);
        let home = c.get("/");
        assert_eq!(home.status, 200, "{role}");
        let figures = figures_open_their_lists(&mut c, role, &home.body);
        // A committee's coverage figures and 待办; a secretary's branch, an instructor's units.
        let least = match role {
            "secretary" => 2,
            "instructor" => 3,
            _ => 5,
        };
        assert!(figures.len() >= least, "{role}: {figures:?}");
        for (href, n) in figures {
            if n > 0 && (href.contains("state=") || href.contains("action=")) {
                filtered_and_nonzero += 1;
            }
            // A branch's 待办 line counts the findings it answers for itself.
            if n > 0 && href.contains("own=1") {
                own_findings += 1;
            }
        }
    }
    assert!(filtered_and_nonzero >= 10, "{filtered_and_nonzero}");
    assert!(own_findings > 0, "no 待办 line of findings was walked");
    let r = city.get("/audit?own=1");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("仅本组织"), "{}", r.body);
    for (bad, field) in [
        ("/organizations?state=covered", "覆盖状态"),
        ("/organizations?action=build", "应采取行动"),
        ("/organizations?zone=-3", "园区小镇"),
        ("/organizations?zone=nowhere", "园区小镇"),
        ("/organizations?sector=steel", "行业"),
    ] {
        let r = city.get(bad);
        assert_eq!(r.status, 422, "{bad}");
        assert!(r.body.contains(field), "{bad}: {}", r.body);
    }
}

/// Every figure of `/api/v1/coverage`, for the scope and each group, names the list of its
/// rows, and that list's `total` is the figure, for every role that reads coverage.
#[test]
fn every_figure_of_the_coverage_api_opens_a_list_of_its_length() {
    let app = TestApp::start(400);
    let fields = [
        "total",
        "organization_covered",
        "work_covered",
        "gap",
        "needing_action",
    ];
    let mut walked = 0;
    for role in ["city", "longyou", "hongmu", "secretary", "instructor"] {
        let mut c = app.signed_in(role);
        for by in ["", "?by=county", "?by=zone", "?by=kind", "?by=sector"] {
            let r = c.get(&format!("/api/v1/coverage{by}"));
            assert_eq!(r.status, 200, "{role} {by}: {}", r.body);
            let v = r.json();
            let mut tallies = vec![(v["total"].clone(), v["lists"].clone())];
            for g in v["groups"].as_array().unwrap() {
                tallies.push((g.clone(), g["lists"].clone()));
            }
            walked += api_lists_hold_their_counts(&mut c, role, tallies, &fields).0;
        }
    }
    assert!(walked > 100, "{walked}");
}
