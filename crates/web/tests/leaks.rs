//! The role × endpoint matrix: for every demo role and every route in `routes::ROUTES`,
//! nothing outside the role's scope is read, and nothing is written without the form
//! token. A new route joins the matrix by being in the table the router is built from.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashSet;

use common::TestApp;
use liangxin_domain::assessment::Assessee;
use liangxin_domain::registry::Key;
use liangxin_store::organizations::{OrgFilter, OrgPage, OrgSort};
use liangxin_store::people::MemberFilter;
use liangxin_store::{Scope, Store};
use liangxin_web::routes::{Access, Object, ROUTES};

const ROLES: [&str; 9] = [
    "city",
    "longyou",
    "hongmu",
    "secretary",
    "instructor",
    "member",
    "admin",
    "secadmin",
    "auditor",
];

/// Every organization a scope sees: keys and names.
fn organizations_of(store: &mut Store, scope: &Scope) -> Vec<(Key, String)> {
    let page = OrgPage {
        filter: OrgFilter::default(),
        sort: OrgSort::Name,
        descending: false,
        offset: 0,
        limit: 500,
    };
    let mut out = Vec::new();
    let mut offset = 0;
    loop {
        let rows = store
            .organizations_page(
                scope,
                liangxin_web::today(),
                &OrgPage {
                    offset,
                    ..page.clone()
                },
            )
            .unwrap();
        if rows.is_empty() {
            break;
        }
        offset += rows.len() as i64;
        out.extend(rows.into_iter().map(|r| (r.key, r.name)));
    }
    out
}

fn fill(path: &str, key: Key) -> String {
    path.replace("{county}", &key.county.to_string())
        .replace("{id}", &key.id.to_string())
        .replace("{row}", "1")
}

#[test]
fn no_role_reads_or_writes_outside_its_scope() {
    let app = TestApp::start(1500);
    let mut store = app.store();
    let city_scope = Scope {
        region: Some(330800),
        ..Scope::everything()
    };
    let everything = organizations_of(&mut store, &city_scope);
    assert_eq!(everything.len(), 1500);
    let all_party_orgs: Vec<(Key, String, String)> = store
        .party_orgs_in_scope(&Scope::everything())
        .unwrap()
        .into_iter()
        .map(|(k, p, n, _)| (k, p, n))
        .collect();

    // A meeting at the top of each staff role's tree, so each has its own and others' to try.
    let today = liangxin_web::today();
    let mut meetings: Vec<(Key, Key)> = Vec::new();
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap().key;
        let attendance = store
            .expected_attendees(
                &Scope::everything(),
                root,
                liangxin_domain::kinds::MeetingKind::Study,
                today,
            )
            .unwrap()
            .into_iter()
            .map(|e| liangxin_domain::life::AttendanceRecord {
                member: e.member,
                attendance: liangxin_domain::kinds::Attendance::Present,
                reason: None,
            })
            .collect();
        let m = store
            .record_meeting(
                "test",
                &Scope::everything(),
                today,
                liangxin_domain::life::MeetingRecord {
                    party_org: root,
                    kind: liangxin_domain::kinds::MeetingKind::Study,
                    held_on: today,
                    place: "会议室".into(),
                    host: "书记".into(),
                    recorder: "委员".into(),
                    topic: format!("{role}学习会"),
                    agenda: String::new(),
                    minutes: String::new(),
                    decisions: String::new(),
                    attendance,
                },
            )
            .unwrap();
        meetings.push((root, m));
    }

    // A closed 民主评议 round in each staff role's tree and outside the narrower role's
    // (the scopes nest: a branch secretary's in 红木小镇's in 龙游县's in the city's).
    let mut rounds: Vec<(Key, Key)> = Vec::new();
    let mut cases: Vec<(Key, Key)> = Vec::new();
    let mut stars: Vec<(Key, Key)> = Vec::new();
    let mut narrower: Option<Scope> = None;
    for role in ["secretary", "hongmu", "longyou", "city"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let branches: Vec<(Key, String)> = store
            .party_orgs_in_scope(&scope)
            .unwrap()
            .into_iter()
            .filter(|(_, path, _, t)| {
                t.is_branch() && narrower.as_ref().is_none_or(|n| !n.contains_path(path))
            })
            .map(|(k, p, ..)| (k, p))
            .collect();
        let case = liangxin_store::weak::OpenCase {
            party_org: branches[0].0,
            basis: liangxin_store::weak::Basis::Nomination,
            nominated: format!("{role}范围内提名的情形"),
            causes: "原因".into(),
            measures: "措施".into(),
            leader: "联系领导".into(),
            instructor: None,
            deadline: today + chrono::Days::new(90),
        };
        let case = store
            .open_rectification("test", &Scope::everything(), today, case)
            .unwrap();
        cases.push((branches[0].0, case));
        // A 划片包干 of the same branch by the role's committee.
        if role != "secretary" {
            store
                .assign_charge(
                    "test",
                    &scope,
                    today,
                    &liangxin_store::charges::NewCharge {
                        cadre: format!("{role}包干干部"),
                        post: "委员".into(),
                        party_org: branches[0].0,
                        since: today,
                    },
                )
                .unwrap();
        }
        // A 先进典型 of the same branch: its name must not reach the roles beside it.
        store
            .record_exemplar(
                "test",
                &Scope::everything(),
                today,
                &liangxin_store::exemplars::NewExemplar {
                    kind: liangxin_domain::kinds::ExemplarKind::Organization,
                    party_org: Some(branches[0].0),
                    member: None,
                    title: format!("{role}范围内的先进典型"),
                    summary: "事迹".into(),
                    evidence: "表彰文件".into(),
                    recognized_by: String::new(),
                    year: chrono::Datelike::year(&today),
                },
            )
            .unwrap();
        // A 责任清单 task from the role's committee to the same branch (its name must not
        // reach the roles beside it).
        if role != "secretary" {
            let root = store.scope_root(&scope).unwrap().unwrap().key;
            store
                .assign_task(
                    "test",
                    &Scope::everything(),
                    today,
                    &liangxin_store::duty::NewTask {
                        assigner: root,
                        owner: liangxin_store::duty::TaskOwner::PartyOrg(branches[0].0),
                        title: format!("{role}下达的任务"),
                        detail: String::new(),
                        deadline: today + chrono::Days::new(30),
                    },
                )
                .unwrap();
        }
        let items: Vec<_> = liangxin_domain::stars::Indicator::ALL
            .into_iter()
            .filter(|i| i.source() == liangxin_domain::stars::Source::Assessed)
            .map(|i| (i, 0, format!("{role}的自评依据")))
            .collect();
        let star = store
            .self_assess_stars(
                "test",
                &Scope::everything(),
                today,
                branches[0].0,
                chrono::Datelike::year(&today),
                &items,
            )
            .unwrap();
        stars.push((branches[0].0, star));
        let round = branches
            .iter()
            .find_map(|(k, _)| {
                store
                    .open_appraisal(
                        "test",
                        &Scope::everything(),
                        today,
                        *k,
                        chrono::Datelike::year(&today),
                    )
                    .ok()
                    .map(|r| (*k, r.key))
            })
            .unwrap_or_else(|| panic!("{role} has a branch with full members"));
        store
            .close_appraisal("test", &Scope::everything(), today, round.1)
            .unwrap();
        rounds.push(round);
        narrower = Some(scope);
    }

    // A drawn 随机抽查 round of each committee role, so each has its own and others' to try.
    let mut spot_checks: Vec<(Key, Key)> = Vec::new();
    for role in ["city", "longyou", "hongmu"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap().key;
        let round = store
            .publish_spot_check(
                "test",
                &scope,
                today,
                &liangxin_store::spot_check::NewRound {
                    title: format!("{role}的随机抽查"),
                    of: liangxin_domain::kinds::SpotCheckOf::PartyOrgs,
                    by: liangxin_domain::kinds::SpotCheckStrata::Kind,
                    size: 3,
                    seed: liangxin_domain::spot_check::Seed::parse("20261205").unwrap(),
                    as_of: today,
                },
            )
            .unwrap();
        store.draw_spot_check("test", &scope, today, round).unwrap();
        spot_checks.push((root, round));
    }

    // A 党群服务中心 in 红木小镇's zone and one in another county's zone, the first booked
    // by the secretary's branch (of the same county, outside 红木小镇's tree).
    let mut centers: Vec<(i64, Key)> = Vec::new();
    {
        let hongmu = store.user_by_username("hongmu").unwrap().unwrap();
        let hongmu_zone = store.scope_of_user(&hongmu).unwrap().zone.unwrap();
        let elsewhere = store
            .zones_of(&Scope::everything())
            .unwrap()
            .into_iter()
            .find(|z| z.county != 330825)
            .expect("a zone in another county")
            .id;
        for zone in [hongmu_zone, elsewhere] {
            let key = store
                .register_center(
                    "test",
                    &Scope::everything(),
                    today,
                    &liangxin_store::centers::NewCenter {
                        zone,
                        name: format!("第{zone}号小镇党群服务中心"),
                        address: "综合楼".into(),
                        area_m2: 500,
                        opening_hours: "工作日".into(),
                        open_days_per_week: 5,
                        staff_full_time: 1,
                        staff_part_time: 2,
                        opened_on: today,
                    },
                )
                .unwrap();
            centers.push((zone, key));
        }
        let secretary = store.user_by_username("secretary").unwrap().unwrap();
        let scope = store.scope_of_user(&secretary).unwrap();
        store
            .book_center("test", &scope, today, centers[0].1, today, "主题党日")
            .unwrap();
    }

    // A 述职 report (with its attachment) of the top of each role's tree that reports.
    let mut reviews: Vec<(Key, Key)> = Vec::new();
    let review_year = liangxin_domain::review::ReviewRules::owed_year(today);
    for role in ["longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap().key;
        let report = store
            .file_secretary_report(
                "test",
                &scope,
                today,
                &liangxin_store::reviews::NewReport {
                    year: review_year,
                    body: format!("{role}的述职报告"),
                    reporter: "述职人".into(),
                    file: Some(
                        liangxin_domain::review::ReportFile::parse(
                            "述职.pdf",
                            b"%PDF-1.4".to_vec(),
                        )
                        .unwrap(),
                    ),
                },
            )
            .unwrap();
        reviews.push((root, report));
    }

    // A worker and a course of the top of each staff role's tree, the course with the
    // role's own secretaries and workers on it.
    let mut courses: Vec<(Key, Key)> = Vec::new();
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap().key;
        store
            .register_worker(
                "test",
                &scope,
                today,
                &liangxin_store::workforce::NewWorker {
                    party_org: root,
                    name: format!("{role}的党务工作者"),
                    member: None,
                    duty: liangxin_domain::kinds::WorkerDuty::PartTime,
                    source: liangxin_domain::kinds::WorkerSource::Internal,
                    qualification: String::new(),
                    since: today,
                },
            )
            .unwrap();
        let people: Vec<_> = store
            .trainees(&scope, today, None)
            .unwrap()
            .into_iter()
            .map(|t| t.0)
            .take(20)
            .collect();
        let course = store
            .record_course(
                "test",
                &scope,
                today,
                &liangxin_store::workforce::NewCourse {
                    title: format!("{role}的培训班"),
                    kind: liangxin_domain::kinds::TrainingKind::Thematic,
                    starts_on: today,
                    ends_on: today,
                    hours: 4,
                    place: String::new(),
                },
                &people,
            )
            .unwrap();
        courses.push((root, course));
    }

    // An investor of a unit of each staff role's tree, reached by the role's organization.
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let units = organizations_of(&mut store, &scope);
        let unit = units
            .iter()
            .rev()
            .map(|(k, _)| *k)
            .next()
            .unwrap_or_else(|| panic!("{role} sees a unit"));
        let investor = store
            .register_investor(
                "test",
                &scope,
                today,
                &liangxin_store::investors::NewInvestor {
                    unit,
                    name: format!("{role}的出资人"),
                    birth_year: 1990,
                    role: liangxin_domain::kinds::InvestorRole::Shareholder,
                    political_status: liangxin_domain::kinds::PoliticalStatus::Masses,
                },
            )
            .unwrap();
        store
            .record_investor_event(
                "test",
                &scope,
                today,
                &liangxin_store::investors::NewInvestorEvent {
                    kind: liangxin_domain::kinds::InvestorEventKind::Visit,
                    held_on: today,
                    title: format!("{role}走访出资人"),
                    content: String::new(),
                    investors: vec![investor],
                },
            )
            .unwrap();
    }

    // A 书记领办项目 of an organization with a 书记 in each staff role's tree.
    let mut projects: Vec<(Key, Key)> = Vec::new();
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let led = store
            .secretary_lines(&scope, today)
            .unwrap()
            .into_iter()
            .filter(|l| l.holder.is_some())
            .map(|l| l.party_org)
            .find(|k| !projects.iter().any(|(p, _)| p == k))
            .unwrap_or_else(|| panic!("{role} has an organization with a 书记"));
        let project = store
            .take_on_project(
                "test",
                &scope,
                today,
                &liangxin_store::projects::NewProject {
                    party_org: led,
                    title: format!("{role}的领办项目"),
                    goal: "目标".into(),
                    due_on: today + chrono::Days::new(90),
                    milestones: vec![("节点".into(), today + chrono::Days::new(30))],
                },
            )
            .unwrap();
        projects.push((led, project));
    }

    // A letter from the top of each staff role's tree to outside the system, so each has
    // its own transfer and others' to try.
    let mut letters: Vec<(Key, i64)> = Vec::new();
    let member_account = store.user_by_username("member").unwrap().unwrap();
    let member_self = store.scope_of_user(&member_account).unwrap().member;
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap().key;
        let member = store
            .members_page(&scope, &MemberFilter::in_party_org(root), 0, 50)
            .unwrap()
            .into_iter()
            .chain(
                store
                    .members_page(&scope, &MemberFilter::default(), 0, 50)
                    .unwrap(),
            )
            .find(|m| {
                Some(m.key) != member_self
                    && store
                        .transfers(&Scope::everything(), None)
                        .unwrap()
                        .iter()
                        .all(|t| t.member != m.key)
            })
            .unwrap_or_else(|| panic!("{role} has a member"));
        let id = store
            .issue_transfer(
                "test",
                &Scope::everything(),
                today,
                &liangxin_store::transfer::TransferRequest {
                    member: member.key,
                    letter_kind: liangxin_domain::kinds::LetterKind::Introduction,
                    to: liangxin_store::transfer::Destination::Outside(format!(
                        "{role}转往的外省某党支部"
                    )),
                    reason: "工作调动".into(),
                    issued_on: today,
                    valid_days: None,
                },
            )
            .unwrap();
        letters.push((member.party_org, id));
    }

    // An upload and an import at the top of each staff role's tree.
    let mut uploads: Vec<i64> = Vec::new();
    let mut imports: Vec<i64> = Vec::new();
    for role in ["city", "longyou", "hongmu", "secretary"] {
        let user = store.user_by_username(role).unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        uploads.push(
            store
                .stage_upload(
                    "test",
                    &scope,
                    "members",
                    &format!("{role}的名册.csv"),
                    b"a,b\n",
                )
                .unwrap(),
        );
        // A member sheet with its header and no rows: an import that wrote nothing.
        let header =
            ["姓名", "公民身份号码", "所在党组织", "党员类别", "入党时间"].map(str::to_owned);
        let empty = store
            .plan_member_import(&scope, today, &header, &mut no_rows(), &|_| {})
            .unwrap();
        imports.push(
            store
                .commit_member_import(
                    &liangxin_store::import::ImportSource {
                        actor: "test",
                        scope: &scope,
                        file_name: "空.csv",
                        file_sha256: "00",
                        upload: None,
                    },
                    &empty,
                    &mut no_rows(),
                )
                .unwrap(),
        );
    }

    // Audit findings over the whole city, so each role's list has something to leak.
    let run = store
        .run_audit("test", &Scope::everything(), today)
        .unwrap();
    assert!(run.found > 0, "the demo's records give the audit work");

    // Unsigned visitors: pages send them to sign in, the API answers 401.
    let mut anon = app.client();
    for route in ROUTES.iter().filter(|r| r.method == "GET") {
        let path = fill(route.path, everything[0].0);
        let r = anon.get(&path);
        match route.access {
            Access::Public => assert!(r.status < 500, "{path}: {}", r.status),
            Access::Page => assert_eq!(r.status, 303, "{path}"),
            Access::Api => assert_eq!(r.status, 401, "{path}"),
        }
    }

    let mut checked = 0;
    let mut county_view: HashSet<Key> = HashSet::new();
    for role in ROLES {
        let user = store
            .user_by_username(role)
            .unwrap()
            .unwrap_or_else(|| panic!("demo account {role}"));
        let scope = store.scope_of_user(&user).unwrap();
        let visible = organizations_of(&mut store, &scope);
        let visible_keys: HashSet<Key> = visible.iter().map(|(k, _)| *k).collect();
        let visible_names: Vec<&str> = visible.iter().map(|(_, n)| n.as_str()).collect();
        let foreign: Vec<&(Key, String)> = everything
            .iter()
            .filter(|(k, _)| !visible_keys.contains(k))
            .collect();
        // Names that could only appear through a leak (not equal to, nor inside, a visible name).
        let telltales: Vec<&str> = foreign
            .iter()
            .map(|(_, n)| n.as_str())
            .filter(|n| !visible_names.iter().any(|v| v.contains(n)))
            .take(400)
            .collect();
        let po_in_scope: HashSet<Key> = store
            .party_orgs_in_scope(&scope)
            .unwrap()
            .into_iter()
            .map(|(k, ..)| k)
            .collect();
        // Neither below the scope nor above it (ancestors are shown: the breadcrumb).
        let foreign_party_orgs: Vec<&str> = all_party_orgs
            .iter()
            .filter(|(k, path, _)| {
                !po_in_scope.contains(k) && !scope.party_path.starts_with(path.as_str())
            })
            .map(|(_, _, n)| n.as_str())
            .filter(|n| !visible_names.iter().any(|v| v.contains(n)))
            .filter(|n| {
                !all_party_orgs
                    .iter()
                    .any(|(k, _, m)| po_in_scope.contains(k) && m.contains(n))
            })
            .take(400)
            .collect();
        // A transfer names its other side to both sides (a letter goes sideways by nature):
        // those names are not leaks.
        let counterparts: Vec<String> = store
            .transfers(&scope, None)
            .unwrap()
            .into_iter()
            .flat_map(|t| [t.from_name, t.to_name])
            .chain(
                store
                    .floating(&scope, false)
                    .unwrap()
                    .into_iter()
                    .flat_map(|f| [f.home_name, f.host_name.unwrap_or_default()]),
            )
            .collect();
        let foreign_party_orgs: Vec<&str> = foreign_party_orgs
            .into_iter()
            .filter(|n| !counterparts.iter().any(|c| c.contains(n)))
            .collect();
        let telltales: Vec<&str> = telltales
            .into_iter()
            .filter(|n| !counterparts.iter().any(|c| c.contains(n)))
            .collect();
        let mut c = app.signed_in(role);
        for route in ROUTES {
            if route.access == Access::Public {
                continue;
            }
            let role_kind = user.role().unwrap();
            if !route.who.admits(role_kind) && route.method == "GET" {
                let r = c.get(route.path);
                assert_eq!(r.status, 403, "{role} {} is not for its role", route.path);
                checked += 1;
                continue;
            }
            if route.method == "POST" {
                // No state changes without the session's form token (on the role's own node).
                let own = store
                    .scope_root(&scope)
                    .unwrap()
                    .map(|p| p.key)
                    .unwrap_or(Key {
                        county: 330800,
                        id: 1,
                    });
                let r = c.post_form(&fill(route.path, own), &[("_csrf", "forged")]);
                assert_eq!(r.status, 403, "{role} POST {} without CSRF", route.path);
                checked += 1;
                continue;
            }
            match route.object {
                Object::None if role == "admin" && route.path == "/" => {
                    let r = c.get(route.path);
                    assert_eq!(r.status, 303, "an administrator's home is the accounts");
                    assert_eq!(r.header("location"), Some("/accounts"));
                }
                Object::None if role == "secadmin" && route.path == "/" => {
                    let r = c.get(route.path);
                    assert_eq!(
                        r.header("location"),
                        Some("/rules"),
                        "its home is the rules"
                    );
                }
                Object::None if role == "auditor" && route.path == "/" => {
                    let r = c.get(route.path);
                    assert_eq!(r.status, 303, "an auditor's home is the log");
                    assert_eq!(r.header("location"), Some("/audit-log"));
                }
                Object::None => {
                    let r = c.get(route.path);
                    assert_eq!(r.status, 200, "{role} {}", route.path);
                    for name in telltales.iter().chain(foreign_party_orgs.iter()) {
                        assert!(
                            !r.body.contains(name),
                            "{role} {} shows “{name}” from outside its scope",
                            route.path
                        );
                    }
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&r.body)
                        && let Some(items) = v["items"].as_array()
                    {
                        for item in items {
                            if route.path == "/api/v1/floating" {
                                let id = item["id"].as_i64().unwrap();
                                assert!(
                                    store
                                        .floating(&scope, false)
                                        .unwrap()
                                        .iter()
                                        .any(|f| f.id == id),
                                    "{role} {} lists floating record {id} from outside its scope",
                                    route.path
                                );
                                continue;
                            }
                            if route.path == "/api/v1/transfers" {
                                let id = item["id"].as_i64().unwrap();
                                assert!(
                                    store.transfer(&scope, id).unwrap().is_some(),
                                    "{role} {} lists transfer {id} from outside its scope",
                                    route.path
                                );
                                continue;
                            }
                            let key = Key {
                                county: item["county"].as_i64().unwrap() as i32,
                                id: item["id"].as_i64().unwrap(),
                            };
                            let ok = if item.get("resident_id").is_some() {
                                store.member(&scope, key).unwrap().is_some()
                            } else if route.path == "/api/v1/life"
                                || route.path == "/api/v1/dues"
                                || route.path == "/api/v1/weak"
                                || route.path == "/api/v1/stars"
                                || route.path == "/api/v1/rectifications"
                                || route.path == "/api/v1/reviews"
                                || route.path == "/api/v1/workforce"
                            {
                                po_in_scope.contains(&key)
                            } else if route.path == "/api/v1/centers" {
                                store
                                    .zones_of(&scope)
                                    .unwrap()
                                    .iter()
                                    .any(|z| Some(z.id) == item["zone_id"].as_i64())
                            } else if route.path == "/api/v1/projects" {
                                po_in_scope.contains(&Key {
                                    county: item["party_org_county"].as_i64().unwrap() as i32,
                                    id: item["party_org_id"].as_i64().unwrap(),
                                })
                            } else if route.path == "/api/v1/investors" {
                                // An investor: by the unit invested in.
                                visible_keys.contains(&Key {
                                    county: item["unit_county"].as_i64().unwrap() as i32,
                                    id: item["unit_id"].as_i64().unwrap(),
                                })
                            } else if route.path == "/api/v1/exemplars" {
                                po_in_scope.contains(&Key {
                                    county: item["party_org_county"].as_i64().unwrap() as i32,
                                    id: item["party_org_id"].as_i64().unwrap(),
                                })
                            } else if route.path == "/api/v1/spot-checks" {
                                po_in_scope.contains(&Key {
                                    county: item["owner_county"].as_i64().unwrap() as i32,
                                    id: item["owner_id"].as_i64().unwrap(),
                                })
                            } else if route.path == "/api/v1/dues/members" {
                                // A member of the month (one who left in it too): by the
                                // party organization the member belonged to.
                                po_in_scope.contains(&Key {
                                    county: item["party_org_county"].as_i64().unwrap() as i32,
                                    id: item["party_org_id"].as_i64().unwrap(),
                                })
                            } else {
                                match item["subject"].as_str() {
                                    Some("party_org") => po_in_scope.contains(&key),
                                    _ => visible_keys.contains(&key),
                                }
                            };
                            assert!(
                                ok,
                                "{role} {} lists {key:?} from outside its scope",
                                route.path
                            );
                        }
                    }
                    if route.path == "/api/v1/workforce" {
                        for w in r.json()["workers"].as_array().unwrap() {
                            let place = Key {
                                county: w["party_org_county"].as_i64().unwrap() as i32,
                                id: w["party_org_id"].as_i64().unwrap(),
                            };
                            assert!(
                                po_in_scope.contains(&place),
                                "{role} {} lists a worker of {place:?} from outside its scope",
                                route.path
                            );
                        }
                    }
                    if route.path == "/api/v1/assessment" {
                        // A city assesses its counties, a county its own towns and parks.
                        let zones_own: HashSet<i64> = store
                            .zones_of(&scope)
                            .unwrap()
                            .iter()
                            .map(|z| z.id)
                            .collect();
                        for sheet in r.json()["sheets"].as_array().unwrap() {
                            let id = sheet["id"].as_i64().unwrap();
                            let ok = match (sheet["kind"].as_str().unwrap(), scope.region) {
                                ("county", Some(city)) if city % 100 == 0 => {
                                    id / 100 == i64::from(city / 100)
                                }
                                ("zone", Some(county)) if county % 100 != 0 => {
                                    zones_own.contains(&id)
                                }
                                _ => false,
                            };
                            assert!(
                                ok,
                                "{role} {} assesses {sheet} outside its scope",
                                route.path
                            );
                        }
                    }
                    if route.path == "/api/v1/coverage" {
                        assert_eq!(
                            r.json()["total"]["total"].as_u64().unwrap(),
                            visible.len() as u64,
                            "{role}"
                        );
                    }
                }
                Object::PartyOrg => {
                    let foreign_po = all_party_orgs.iter().find(|(k, path, _)| {
                        !po_in_scope.contains(k) && !scope.party_path.starts_with(path.as_str())
                    });
                    if let Some((key, _, name)) = foreign_po {
                        let r = c.get(&fill(route.path, *key));
                        assert_eq!(
                            r.status, 404,
                            "{role} {} of a foreign party organization",
                            route.path
                        );
                        assert!(!r.body.contains(name.as_str()));
                    }
                    let own = store.scope_root(&scope).unwrap().unwrap();
                    let r = c.get(&fill(route.path, own.key));
                    assert_eq!(
                        r.status, 200,
                        "{role} {} of its own party organization",
                        route.path
                    );
                }
                Object::Member => {
                    // The register is listed branch by branch: read on until a member
                    // outside the scope turns up.
                    let mut foreign_member = None;
                    for offset in (0..).step_by(300) {
                        let members = store
                            .members_page(
                                &Scope::everything(),
                                &MemberFilter::default(),
                                offset,
                                300,
                            )
                            .unwrap();
                        if members.is_empty() {
                            break;
                        }
                        foreign_member = members
                            .into_iter()
                            .find(|m| store.member(&scope, m.key).unwrap().is_none());
                        if foreign_member.is_some() {
                            break;
                        }
                    }
                    if let Some(m) = &foreign_member {
                        let r = c.get(&fill(route.path, m.key));
                        assert_eq!(
                            r.status, 404,
                            "{role} {} of a member outside its scope",
                            route.path
                        );
                        assert!(!r.body.contains(&m.resident_id_masked));
                    }
                    let own = store
                        .members_page(&scope, &MemberFilter::default(), 0, 1)
                        .unwrap();
                    if let Some(m) = own.first() {
                        let r = c.get(&fill(route.path, m.key));
                        assert_eq!(r.status, 200, "{role} {} of its own member", route.path);
                        assert!(r.body.contains(&m.resident_id_masked), "shown masked");
                    }
                }
                Object::Account => {
                    let path = |id: i64| route.path.replace("{id}", &id.to_string());
                    let accounts: Vec<i64> = store.users().unwrap().iter().map(|u| u.id).collect();
                    let foreign = accounts
                        .iter()
                        .find(|id| store.account_in_scope(&scope, **id).unwrap().is_none());
                    let id = foreign.unwrap_or_else(|| panic!("{role}: an account above it"));
                    let r = c.get(&path(*id));
                    assert_eq!(r.status, 404, "{role} {} of a foreign account", route.path);
                    let own = accounts
                        .iter()
                        .find(|id| store.account_in_scope(&scope, **id).unwrap().is_some());
                    let id = own.unwrap_or_else(|| panic!("{role}: its own accounts"));
                    let r = c.get(&path(*id));
                    assert_eq!(r.status, 200, "{role} {} of its own account", route.path);
                }
                Object::Zone => {
                    let path = |id: i64| route.path.replace("{id}", &id.to_string());
                    let own: Vec<i64> = store
                        .zones_of(&scope)
                        .unwrap()
                        .iter()
                        .map(|z| z.id)
                        .collect();
                    let all = store.zones_of(&city_scope).unwrap();
                    if let Some(z) = all.iter().find(|z| !own.contains(&z.id)) {
                        let r = c.get(&path(z.id));
                        assert_eq!(r.status, 404, "{role} {} of a foreign zone", route.path);
                        assert!(!r.body.contains(&z.name));
                    }
                    let id = own.first().unwrap_or_else(|| panic!("{role} has a zone"));
                    let r = c.get(&path(*id));
                    assert_eq!(r.status, 200, "{role} {} of its own zone", route.path);
                }
                Object::Finding | Object::Floating => {
                    unreachable!("only POST routes address a finding or a floating record")
                }
                Object::Transfer => {
                    let path = |id: i64| route.path.replace("{id}", &id.to_string());
                    // A member sees only their own letters (none of these is theirs).
                    let sees = |po: &Key| scope.member.is_none() && po_in_scope.contains(po);
                    let foreign = letters.iter().find(|(po, _)| !sees(po));
                    if let Some((_, id)) = foreign {
                        let r = c.get(&path(*id));
                        assert_eq!(r.status, 404, "{role} {} of a foreign transfer", route.path);
                    }
                    if let Some((_, id)) = letters.iter().find(|(po, _)| sees(po)) {
                        let r = c.get(&path(*id));
                        assert_eq!(r.status, 200, "{role} {} of its own transfer", route.path);
                    }
                }
                Object::Upload | Object::Import => {
                    let path = |id: i64| route.path.replace("{id}", &id.to_string());
                    let is_upload = route.object == Object::Upload;
                    let ids: &[i64] = if is_upload { &uploads } else { &imports };
                    let seen = |st: &mut Store, id: i64| {
                        if is_upload {
                            st.upload(&scope, id).unwrap().is_some()
                        } else {
                            st.imports(&scope).unwrap().iter().any(|i| i.id == id)
                        }
                    };
                    let foreign = ids.iter().find(|id| !seen(&mut store, **id));
                    if let Some(id) = foreign {
                        let r = c.get(&path(*id));
                        assert_eq!(r.status, 404, "{role} {} of a foreign one", route.path);
                    }
                    let own = ids.iter().find(|id| seen(&mut store, **id));
                    let id = own.unwrap_or_else(|| panic!("{role} has its own"));
                    let r = c.get(&path(*id));
                    assert_eq!(r.status, 200, "{role} {} of its own", route.path);
                }
                Object::Meeting => {
                    let foreign = meetings.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, m)) = foreign {
                        let r = c.get(&fill(route.path, *m));
                        assert_eq!(r.status, 404, "{role} {} of a foreign meeting", route.path);
                    }
                    let own = meetings.iter().find(|(po, _)| po_in_scope.contains(po));
                    let (_, m) = own.unwrap_or_else(|| panic!("{role} has a meeting"));
                    let r = c.get(&fill(route.path, *m));
                    assert_eq!(r.status, 200, "{role} {} of its own meeting", route.path);
                }
                Object::Appraisal => {
                    let foreign = rounds.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, a)) = foreign {
                        let r = c.get(&fill(route.path, *a));
                        assert_eq!(r.status, 404, "{role} {} of a foreign round", route.path);
                    }
                    let own = rounds.iter().find(|(po, _)| po_in_scope.contains(po));
                    let (_, a) = own.unwrap_or_else(|| panic!("{role} has a round"));
                    let r = c.get(&fill(route.path, *a));
                    assert_eq!(r.status, 200, "{role} {} of its own round", route.path);
                }
                Object::Rectification | Object::Star => {
                    let objects = if route.object == Object::Star {
                        &stars
                    } else {
                        &cases
                    };
                    let foreign = objects.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, k)) = foreign {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 404, "{role} {} of a foreign case", route.path);
                    }
                    let own = objects.iter().find(|(po, _)| po_in_scope.contains(po));
                    let (_, k) = own.unwrap_or_else(|| panic!("{role} has one"));
                    let r = c.get(&fill(route.path, *k));
                    assert_eq!(r.status, 200, "{role} {} of its own case", route.path);
                }
                Object::SpotCheck => {
                    let foreign = spot_checks.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, k)) = foreign {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 404, "{role} {} of a foreign round", route.path);
                    }
                    // A branch runs none; the committees each have theirs.
                    let own = spot_checks.iter().find(|(po, _)| po_in_scope.contains(po));
                    if let Some((_, k)) = own {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 200, "{role} {} of its own round", route.path);
                    } else {
                        assert_eq!(role, "secretary", "{role} has a round");
                    }
                }
                Object::Center => {
                    let zones: HashSet<i64> = store
                        .zones_of(&scope)
                        .unwrap()
                        .iter()
                        .map(|z| z.id)
                        .collect();
                    if let Some((_, k)) = centers.iter().find(|(z, _)| !zones.contains(z)) {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 404, "{role} {} of a foreign center", route.path);
                    }
                    match centers.iter().find(|(z, _)| zones.contains(z)) {
                        Some((_, k)) => {
                            let r = c.get(&fill(route.path, *k));
                            assert_eq!(r.status, 200, "{role} {} of its own center", route.path);
                        }
                        None => assert_eq!(role, "secretary", "{role} sees a zone's center"),
                    }
                }
                Object::TrainingCourse => {
                    let foreign = courses.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, k)) = foreign {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 404, "{role} {} of a foreign course", route.path);
                    }
                    let (_, k) = courses
                        .iter()
                        .find(|(po, _)| po_in_scope.contains(po))
                        .unwrap_or_else(|| panic!("{role} has a course"));
                    let r = c.get(&fill(route.path, *k));
                    assert_eq!(r.status, 200, "{role} {} of its own course", route.path);
                    for name in foreign_party_orgs.iter() {
                        assert!(
                            !r.body.contains(name),
                            "{role} {} shows “{name}” from outside its scope",
                            route.path
                        );
                    }
                }
                Object::LedProject => {
                    let foreign = projects.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, k)) = foreign {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 404, "{role} {} of a foreign project", route.path);
                    }
                    let (_, k) = projects
                        .iter()
                        .find(|(po, _)| po_in_scope.contains(po))
                        .unwrap_or_else(|| panic!("{role} has a project"));
                    let r = c.get(&fill(route.path, *k));
                    assert_eq!(r.status, 200, "{role} {} of its own project", route.path);
                    for name in foreign_party_orgs.iter() {
                        assert!(
                            !r.body.contains(name),
                            "{role} {} shows “{name}” from outside its scope",
                            route.path
                        );
                    }
                }
                Object::Assessee => {
                    let today = liangxin_web::today();
                    let own = store
                        .assessment_sheets(&scope, chrono::Datelike::year(&today), today)
                        .unwrap();
                    let at = |who: Assessee| {
                        route
                            .path
                            .replace("{kind}/{id}", &format!("{}/{}", who.kind(), who.id()))
                    };
                    let counties = store.region_names().unwrap();
                    let foreign_county = counties
                        .keys()
                        .filter(|c| *c % 100 != 0)
                        .map(|c| Assessee::County(*c))
                        .find(|a| !own.iter().any(|s| s.assessee == *a));
                    let foreign_zone = store
                        .zones_of(&city_scope)
                        .unwrap()
                        .iter()
                        .map(|z| Assessee::Zone(z.id))
                        .find(|a| !own.iter().any(|s| s.assessee == *a));
                    for who in foreign_county.into_iter().chain(foreign_zone) {
                        let r = c.get(&at(who));
                        assert_eq!(
                            r.status, 404,
                            "{role} {} of {who:?}, not its to assess",
                            route.path
                        );
                    }
                    if matches!(role, "city" | "longyou") {
                        assert!(!own.is_empty(), "{role} assesses someone");
                    }
                    if let Some(s) = own.first() {
                        let r = c.get(&at(s.assessee));
                        assert_eq!(r.status, 200, "{role} {} of {}", route.path, s.name);
                        assert!(r.body.contains(&s.name));
                    }
                }
                Object::SecretaryReport => {
                    let foreign = reviews.iter().find(|(po, _)| !po_in_scope.contains(po));
                    if let Some((_, k)) = foreign {
                        let r = c.get(&fill(route.path, *k));
                        assert_eq!(r.status, 404, "{role} {} of a foreign report", route.path);
                    }
                    let (_, k) = reviews
                        .iter()
                        .find(|(po, _)| po_in_scope.contains(po))
                        .unwrap_or_else(|| panic!("{role} has a report"));
                    let r = c.get(&fill(route.path, *k));
                    assert_eq!(r.status, 200, "{role} {} of its own report", route.path);
                }
                Object::Organization => {
                    if let Some((key, _)) = foreign.first() {
                        let r = c.get(&fill(route.path, *key));
                        assert_eq!(
                            r.status, 404,
                            "{role} {} of a foreign organization",
                            route.path
                        );
                        assert!(
                            !r.body.contains(&foreign[0].1),
                            "{role}: the 404 names nothing"
                        );
                    }
                    if let Some((key, name)) = visible.first() {
                        let r = c.get(&fill(route.path, *key));
                        assert_eq!(
                            r.status, 200,
                            "{role} {} of its own organization",
                            route.path
                        );
                        assert!(r.body.contains(name.as_str()));
                    }
                }
            }
            checked += 1;
        }
        // Independent of the store's scoping: what each role may see at most.
        match role {
            "city" => assert_eq!(visible.len(), everything.len()),
            "longyou" => {
                assert!(!visible.is_empty());
                assert!(
                    visible_keys.iter().all(|k| k.county == 330825),
                    "龙游县 sees only 龙游县"
                );
                county_view = visible_keys.clone();
            }
            "hongmu" | "secretary" | "instructor" => {
                assert!(!visible.is_empty(), "{role} sees something");
                assert!(
                    visible_keys.is_subset(&county_view),
                    "{role} sees within its county"
                );
                assert!(
                    visible.len() < county_view.len(),
                    "{role} sees less than the county"
                );
            }
            "member" => {
                assert!(
                    visible.is_empty(),
                    "a member sees their own records, no units"
                );
                let me = store
                    .members_page(&scope, &MemberFilter::default(), 0, 10)
                    .unwrap();
                assert_eq!(me.len(), 1, "a member sees exactly themselves");
                assert_eq!(Some(me[0].key), scope.member);
                // Nor the findings of their branch: the gap list is empty for them.
                let gaps = c.get("/api/v1/gaps").json();
                assert_eq!(gaps["total"], 0, "a member sees no findings");
            }
            "admin" => {
                // 三员分立: every route with member data answered 403 above; what it
                // administers lies in its county.
                for a in store.accounts_in_scope(&scope).unwrap() {
                    let user = store.user_by_id(a.id).unwrap().unwrap();
                    let county = user
                        .party_org_county
                        .or(user.member_county)
                        .or(user.instructor_county);
                    assert_eq!(county, Some(330825), "{} is within 龙游县", a.username);
                }
                assert!(
                    store.accounts_in_scope(&scope).unwrap().len() < store.users().unwrap().len()
                );
            }
            "secadmin" => {
                // 三员分立: every route with member data answered 403 above.
                assert_eq!(c.get("/rules").status, 200);
            }
            "auditor" => {
                // 三员分立: every route with member data answered 403 above; the log it
                // reads is its county's.
                let page = c.get("/audit-log").body;
                assert!(page.contains("共 "), "the log is listed");
            }
            _ => unreachable!(),
        }
    }
    assert!(checked >= ROLES.len() * 10, "{checked} checks");
}

/// The data rows of a sheet that has none.
fn no_rows() -> std::iter::Empty<Result<(usize, Vec<String>), String>> {
    std::iter::empty()
}

/// Discards a sheet taken for checking once its check has ended, so a role that may import
/// every kind never meets the cap on files awaiting confirmation, however slow the checking.
fn discard_once_checked(c: &mut common::Client, csrf: &str, at: &str) {
    c.settled(at);
    let r = c.post_form(&format!("{at}/discard"), &[("_csrf", csrf)]);
    assert_eq!(r.status, 303, "discarding {at}: {}", r.body);
}

/// Every import kind with every role, on the page and through the API: a sheet is taken
/// exactly when the role may do on the page what the sheet does (`routes::IMPORT_ACTIONS`),
/// and refused with 403 otherwise. A new kind cannot be added without declaring its action.
#[test]
fn every_import_kind_needs_the_right_of_the_page_action_it_stands_for() {
    use liangxin_web::routes::{IMPORT_ACTIONS, import_right};
    for (kind, _) in liangxin_store::uploads::KINDS {
        assert!(
            IMPORT_ACTIONS.iter().any(|(k, _, _)| k == kind),
            "import kind {kind} declares no page action"
        );
        assert!(
            import_right(kind).is_some(),
            "{kind}: its action is a route"
        );
    }
    let app = TestApp::start(300);
    let roles = [
        ("city", liangxin_domain::kinds::Role::City),
        ("longyou", liangxin_domain::kinds::Role::County),
        ("hongmu", liangxin_domain::kinds::Role::Zone),
        ("secretary", liangxin_domain::kinds::Role::Secretary),
        ("instructor", liangxin_domain::kinds::Role::Instructor),
        ("member", liangxin_domain::kinds::Role::Member),
    ];
    let sheet = "姓名,身份证号\r\n".as_bytes();
    for (name, role) in roles {
        let mut c = app.signed_in(name);
        let page = c.get("/");
        let csrf = page.csrf();
        for (kind, _) in liangxin_store::uploads::KINDS {
            let may = import_right(kind).unwrap().admits(role);
            let r = c.post_multipart(
                "/imports",
                &[("_csrf", &csrf), ("kind", kind)],
                ("file", "sheet.csv", sheet),
            );
            if may {
                assert_eq!(
                    r.status, 303,
                    "{name} imports {kind} on the page: {}",
                    r.body
                );
                let at = r.header("location").unwrap().to_string();
                discard_once_checked(&mut c, &csrf, &at);
            } else {
                assert_eq!(
                    r.status, 403,
                    "{name} imports {kind} on the page: {}",
                    r.body
                );
            }
            c.post_headers = vec![("X-CSRF-Token".into(), csrf.clone())];
            let r = c.post_raw(
                &format!("/api/v1/imports?kind={kind}&file_name=sheet.csv"),
                "text/csv",
                sheet.to_vec(),
            );
            c.post_headers.clear();
            if may {
                assert_eq!(
                    r.status, 202,
                    "{name} imports {kind} by the API: {}",
                    r.body
                );
                let at = format!("/imports/uploads/{}", r.json()["id"]);
                discard_once_checked(&mut c, &csrf, &at);
            } else {
                assert_eq!(
                    r.status, 403,
                    "{name} imports {kind} by the API: {}",
                    r.body
                );
            }
        }
    }
    // The case that was open: a secretary cannot appoint an instructor on the page, so not
    // by a sheet either.
    assert!(
        !import_right("assignments")
            .unwrap()
            .admits(liangxin_domain::kinds::Role::Secretary)
    );
}
