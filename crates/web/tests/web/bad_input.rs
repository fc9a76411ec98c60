//! Bad input and errors: 4xx in Chinese naming the field, never a 5xx; the house's headers.

use super::*;

/// A page that is not there, or not for this account, answers in the house's words with
/// what one can do; the API answers in JSON.
#[test]
fn missing_and_forbidden_pages_say_so_in_chinese_with_what_to_do() {
    let mut c = app().signed_in("longyou");
    let r = c.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("没有找到") && r.body.contains("返回首页"),
        "{}",
        r.body
    );
    assert!(r.body.contains("管理范围"));
    let r = c.get("/api/v1/no-such-list");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("没有找到"));
    let mut member = app().signed_in("member");
    let r = member.get("/dues");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("没有这项权限"), "{}", r.body);
}

#[test]
fn pages_list_and_detail_with_filters_and_clear_errors() {
    let mut c = app().signed_in("city");
    let list = c.get("/organizations?kind=enterprise&sort=-employees");
    assert_eq!(list.status, 200);
    assert!(list.body.contains("共 "));
    assert!(list.body.contains("非公有制企业"));
    let href = list
        .body
        .split("<td data-label=\"单位名称\"><a href=\"/organizations/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let detail = c.get(&format!("/organizations/{href}"));
    assert_eq!(detail.status, 200);
    assert!(detail.body.contains("覆盖的党组织"));
    assert!(detail.body.contains("规则要求的行动"));

    for (path, field) in [
        ("/organizations?page=abc", "页码"),
        ("/organizations?county=12", "县(市、区)"),
        ("/organizations?kind=factory", "组织类别"),
        ("/organizations?sort=salary", "排序"),
        ("/gaps?action=nothing", "应采取行动"),
    ] {
        let r = c.get(path);
        assert_eq!(r.status, 422, "{path}");
        assert!(r.body.contains(field), "{path}: {}", r.body);
    }
    assert_eq!(c.get("/organizations/330825/999999999").status, 404);
    assert_eq!(c.get("/organizations/abc/1").status, 400);

    let gaps = c.get("/gaps?action=assign_instructor");
    assert_eq!(gaps.status, 200);
    assert!(gaps.body.contains("选派党建指导员"));
    let xlsx = c.get("/gaps.xlsx?action=assign_instructor");
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    let csv = c.get("/gaps.csv?action=assign_instructor");
    assert_eq!(csv.status, 200);
    // The same columns as the workbook, through the shared export.
    assert!(
        csv.body.starts_with(
            "\u{feff}县(市、区),对象,名称,应采取行动,原因,规则,规则编号,版本,依据\r\n"
        ),
        "{}",
        csv.body
    );
    assert!(csv.body.lines().count() > 1);
}

#[test]
fn oversized_and_malformed_bodies_get_4xx_never_5xx() {
    let mut c = app().client();
    let big = vec![b'a'; 200 * 1024];
    // 413, or the connection closed on us mid-body after the server read the length: never
    // accepted, never a 5xx, and the server carries on.
    match c.try_post_raw("/login", "application/x-www-form-urlencoded", big) {
        Ok(r) => assert_eq!(r.status, 413),
        Err(e) => assert!(matches!(e, ureq::Error::Io(_)), "{e}"),
    }
    assert_eq!(c.get("/healthz").status, 200);
    let r = c.post_raw("/login", "application/json", b"{not json".to_vec());
    assert!((400..500).contains(&r.status), "{}", r.status);
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        b"%%%=%zz&&=".to_vec(),
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
}

#[test]
fn the_api_takes_personal_tokens_and_checks_its_parameters() {
    let app = app();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let token = liangxin_web::auth::random_token().unwrap();
    store
        .create_api_token(&liangxin_store::accounts::NewToken {
            actor: "test",
            hash: &liangxin_web::auth::token_hash(&token),
            user_id: user.id,
            name: "测试",
            now: chrono::Utc::now().naive_utc(),
            expires_at: None,
            read_only: false,
        })
        .unwrap();

    let mut anon = app.client();
    let r = anon.get("/api/v1/coverage");
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "请先登录");

    let mut c = app.client();
    c.bearer = Some(token);
    let r = c.get("/api/v1/coverage?by=county");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["by"], "county");
    assert_eq!(
        v["groups"].as_array().unwrap().len(),
        1,
        "a county sees itself only"
    );
    assert_eq!(v["groups"][0]["name"], "龙游县");
    let total = v["total"].clone();
    let r = c.get("/api/v1/coverage?by=street");
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["field"], "by");
    // A parameter given has a value (the document's minLength 1); blanks are a value, for
    // the parameter's own rule to judge.
    assert_eq!(c.get("/api/v1/floating?all=").status, 422);
    assert_eq!(c.get("/api/v1/floating?all=%09").status, 200);
    // A well-formed period with no bulletin is a bulletin that does not exist.
    assert_eq!(c.get("/api/v1/bulletin?period=2999-01").status, 404);
    assert_eq!(c.get("/api/v1/bulletin?period=2026-13").status, 422);

    // The trend's last point is today's coverage; twelve month-ends, oldest first. (Other
    // stories change the shared city meanwhile: compare a trend read between two equal
    // coverage reads.)
    let fields = ["total", "organization_covered", "work_covered", "gap"];
    let mut total = total;
    let mut checked = false;
    for _ in 0..10 {
        let r = c.get("/api/v1/coverage/trend");
        assert_eq!(r.status, 200);
        let points = r.json()["points"].as_array().unwrap().clone();
        assert_eq!(points.len(), 12);
        assert!(points[0]["on"].as_str().unwrap() < points[11]["on"].as_str().unwrap());
        let after = c.get("/api/v1/coverage?by=county").json()["total"].clone();
        if fields.iter().all(|f| after[f] == total[f]) {
            for f in fields {
                assert_eq!(points[11][f], total[f], "{f}");
            }
            checked = true;
            break;
        }
        total = after;
    }
    assert!(checked, "the city kept changing");
    let r = c.get("/api/v1/zones");
    assert_eq!(r.status, 200);
    let zones = r.json()["zones"].as_array().unwrap().clone();
    assert!(
        zones.iter().any(|z| z["name"] == "龙游红木小镇"),
        "{zones:?}"
    );
    assert!(zones.iter().all(|z| z["county"] == 330825));

    let r = c.get("/api/v1/organizations?page=1&sort=name");
    assert_eq!(r.status, 200);
    let v = r.json();
    assert!(v["total"].as_i64().unwrap() > 0);
    for item in v["items"].as_array().unwrap() {
        assert_eq!(item["county"], 330825);
    }
    let first = &v["items"][0];
    let r = c.get(&format!(
        "/api/v1/organizations/{}/{}",
        first["county"], first["id"]
    ));
    assert_eq!(r.status, 200);
    assert!(r.json()["findings"].is_array());
    let r = c.get("/api/v1/gaps?page=1");
    assert_eq!(r.status, 200);
    assert!(
        r.json()["items"][0]["rule_source"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );

    // Malformed paths and queries are JSON errors too.
    let r = c.get("/api/v1/organizations/abc/1");
    assert_eq!(r.status, 400);
    assert!(r.json()["error"].as_str().unwrap().contains("路径"));
    let r = c.get("/api/v1/party-orgs/330825/x");
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["field"], "路径");
    let mut bad = app.client();
    bad.bearer = Some("not-a-token".into());
    assert_eq!(bad.get("/api/v1/coverage").status, 401);
}

#[test]
fn operations_endpoints_answer() {
    let mut c = app().client();
    let r = c.get("/healthz");
    assert_eq!(r.status, 200);
    let _ = c.get("/login");
    let r = c.get("/metrics");
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains("liangxin_http_requests_total{route=\"/login\",status=\"200\"}")
    );
    assert!(
        r.body
            .contains("liangxin_http_request_duration_seconds_bucket")
    );
    assert!(
        r.body
            .contains("liangxin_db_pool_connections{state=\"in_use\"}")
    );
    assert!(r.header("x-request-id").is_some_and(|id| id.len() == 16));
    let css = c.get("/static/app.css");
    assert_eq!(css.status, 200);
    assert!(css.body.contains("@media print"));
}

#[test]
fn every_answer_carries_the_security_headers_and_no_page_needs_inline_style() {
    let mut c = app().signed_in("longyou");
    for path in [
        "/",
        "/members",
        "/members.csv",
        "/organizations.xlsx",
        "/api/v1/coverage",
        "/login",
        "/no-such-page",
    ] {
        let r = c.get(path);
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{path}");
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
        assert!(
            r.header("strict-transport-security").is_none(),
            "no TLS here"
        );
        assert!(!r.body.contains(" style=\""), "{path} has inline style");
    }
    // The stylesheet holds no personal data: it may be kept.
    let css = c.get("/static/app.css");
    assert_ne!(css.header("cache-control"), Some("no-store"));
    assert!(
        css.body.contains(".w36"),
        "the widths the forms once wrote inline"
    );
}

#[test]
fn errors_the_framework_answers_are_in_chinese_too() {
    let mut c = app().signed_in("longyou");
    // No route: a page for pages, JSON for the API.
    let r = c.get("/no-such-page");
    assert_eq!(r.status, 404);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    assert!(r.body.contains("没有找到"), "{}", r.body);
    let r = c.get("/api/v1/no-such-thing");
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("没有找到"));
    // A method the path does not take.
    let r = c.get("/logout");
    assert_eq!(r.status, 405);
    assert!(r.body.contains("不接受这种请求方式"), "{}", r.body);
    assert!(r.header("allow").is_some());
    // A form sent as JSON.
    let r = c.post_raw("/login", "application/json", b"{}".to_vec());
    assert_eq!(r.status, 415);
    assert!(
        r.body.contains("application/x-www-form-urlencoded"),
        "{}",
        r.body
    );
    // Malformed: 4xx with a Chinese page, never empty or English.
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        b"username=%E5%BC%A0&username=x&next=1&next=2".to_vec(),
    );
    assert!((400..500).contains(&r.status), "{}", r.status);
    assert!(
        r.body.contains("<h1>") || r.body.contains("登录"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("Failed to deserialize"), "{}", r.body);
}

#[test]
fn text_that_is_not_utf8_is_refused_naming_its_field_and_never_stored() {
    let mut c = app().client();
    let page = c.get("/login");
    let r = c.post_raw(
        "/login",
        "application/x-www-form-urlencoded",
        format!("_csrf={}&username=%D5%C5%C8%FD&password=x", page.csrf()).into_bytes(),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("username：含有无法识别的字符"),
        "{}",
        r.body
    );
    let mut c = app().signed_in("longyou");
    let r = c.get("/members?name=%D5%C5");
    assert_eq!(r.status, 422);
    assert!(r.body.contains("name：含有无法识别的字符"), "{}", r.body);
    let r = c.get("/api/v1/members?name=%FF");
    assert_eq!(r.status, 422);
    assert!(r.json()["error"].as_str().unwrap().contains("name"));
}

#[test]
fn a_hostile_workbook_is_refused_and_the_server_carries_on() {
    let hostile = include_bytes!("../../../docs/tests/fixtures/hostile-a1-xfd1048576.xlsx");
    let mut c = app().signed_in("secretary");
    let page = c.get("/imports");
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &page.csrf()), ("kind", "members")],
        ("file", "党员名册.xlsx", hostile),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.settled(r.header("location").unwrap());
    assert!(page.body.contains("超过上限 200列"), "{}", page.body);
    assert_eq!(c.get("/healthz").status, 200);
}

#[test]
fn a_foreign_floating_record_reads_as_a_missing_one() {
    let app = app();
    let mut store = app.store();
    // Neither its home nor its host is in Longyou: the county cannot see it.
    let theirs = store
        .floating(&liangxin_store::Scope::everything(), false)
        .unwrap()
        .into_iter()
        .find(|f| f.member.county != 330825 && f.host.is_none_or(|h| h.county != 330825))
        .expect("a floating member outside Longyou in the demo city");
    let mut c = app.signed_in("longyou");
    let csrf = c.get("/floating").csrf();
    let end = |c: &mut common::Client, id: i64| {
        c.post_form(
            &format!("/floating/{id}/end"),
            &[("_csrf", &csrf), ("back_on", "2026-11-30")],
        )
    };
    let foreign = end(&mut c, theirs.id);
    let missing = end(&mut c, 9_999_999_999);
    assert_eq!(foreign.status, 404, "{}", foreign.body);
    assert_eq!(missing.status, 404, "{}", missing.body);
    assert_eq!(foreign.body, missing.body);
}
