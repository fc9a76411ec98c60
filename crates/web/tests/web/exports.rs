//! Files: every list as CSV and Excel with its filter, masked identity numbers.

use super::*;

#[test]
fn a_member_list_exports_to_csv_and_excel_with_its_filter_and_masked_ids() {
    let app = app();
    let mut store = app.store();
    let mut c = app.signed_in("longyou");
    let csv = c.get("/members.csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    assert!(
        csv.body.starts_with("\u{feff}姓名,性别,公民身份号码"),
        "Excel reads the BOM as UTF-8"
    );
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines.len() > 200,
        "the whole county, not a page of 50: {}",
        lines.len()
    );
    for line in &lines[1..] {
        let id = line.split(',').nth(2).unwrap();
        assert!(id.contains("***********"), "masked: {line}");
    }
    // A branch of another county, through the city's account: the filter is kept.
    let city_user = store.user_by_username("city").unwrap().unwrap();
    let city = store.scope_of_user(&city_user).unwrap();
    let (branch, _, name, _) = store
        .party_orgs_in_scope(&city)
        .unwrap()
        .into_iter()
        .find(|(k, _, n, _)| k.county == 330802 && n.ends_with("支部"))
        .unwrap();
    let members = store
        .members_count(&city, &MemberFilter::in_party_org(branch))
        .unwrap();
    // The whole city, past the largest page a list reads at once.
    let everyone = app.signed_in("city").get("/members.csv");
    let rows = everyone
        .body
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .count()
        - 1;
    let registered = store
        .members_count(&city, &MemberFilter::default())
        .unwrap() as usize;
    assert!(
        registered > 2 * liangxin_store::MAX_PAGE as usize,
        "{registered}"
    );
    // Other stories add and remove a few members meanwhile.
    assert!(
        rows.abs_diff(registered) < 50,
        "{rows} rows of {registered}"
    );
    let mut city_client = app.signed_in("city");
    let (status, kind, bytes) = city_client.get_bytes(&format!(
        "/members.xlsx?party_org={}-{}",
        branch.county, branch.id
    ));
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header[0], "姓名");
    assert_eq!(sheet.rows.len() as i64, members);
    assert!(sheet.rows.iter().all(|(_, r)| r[6] == name));
    // Outside the scope: not found, nothing written.
    let r = c.get(&format!(
        "/members.csv?party_org={}-{}",
        branch.county, branch.id
    ));
    assert_eq!(r.status, 404);
    assert_eq!(c.get("/members.xlsx?party_org=abc").status, 422);
}

#[test]
fn organization_transfer_and_floating_lists_export_as_their_pages_filter_them() {
    let app = app();
    let mut c = app.signed_in("city");
    let page = c.get("/organizations?county=330825&kind=enterprise");
    assert_eq!(page.status, 200);
    let tools = page.body.find("导出 Excel").unwrap();
    assert!(
        page.body[..tools].contains("/organizations.xlsx?county=330825&"),
        "{}",
        &page.body[tools.saturating_sub(300)..tools]
    );
    let total = usize::try_from(stated_total(&page.body)).unwrap();
    let csv = c.get("/organizations.csv?county=330825&kind=enterprise");
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len() - 1,
        total,
        "every row of the filter, not one page"
    );
    assert!(
        lines[1..].iter().all(|l| l.contains(",龙游县,")),
        "{}",
        lines[1]
    );
    let (status, _, bytes) = c.get_bytes("/organizations.xlsx?county=330825&kind=enterprise");
    assert_eq!(status, 200);
    assert_eq!(
        liangxin_docs::sheet::read(&bytes).unwrap().rows.len(),
        total
    );
    assert_eq!(c.get("/organizations.csv?sort=bogus").status, 422);
    let (_, _, bytes) = c.get_bytes("/organizations.xlsx");
    let all = liangxin_docs::sheet::read(&bytes).unwrap().rows.len();
    assert!(
        all >= 1_500,
        "every organization of the city, not a page: {all}"
    );

    for list in ["/transfers", "/floating"] {
        let csv = c.get(&format!("{list}.csv?all=1"));
        assert_eq!(csv.status, 200, "{list}");
        assert!(csv.body.starts_with('\u{feff}'), "{list}");
        let (status, kind, bytes) = c.get_bytes(&format!("{list}.xlsx"));
        assert_eq!(status, 200, "{list}");
        assert!(kind.contains("spreadsheetml"));
        let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
        assert!(sheet.header.len() >= 8, "{list}: {:?}", sheet.header);
    }
    // A page of one side and its file hold the same members; a name keeps only its own.
    let (list, member_column) = ("/floating?side=out&all=1", 1);
    let page = c.get(list);
    assert_eq!(page.status, 200, "{list}");
    let total = usize::try_from(stated_total(&page.body)).unwrap();
    let (path, query) = list.split_once('?').unwrap();
    let csv = c.get(&format!("{path}.csv?{query}"));
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines.len() - 1,
        total,
        "{list}: every row of the page's filter"
    );
    assert!(total > 0, "{list}: the demo city has some");
    let name = lines[1].split(',').nth(member_column).unwrap();
    let q = format!("{query}&name={}", liangxin_web::auth::urlencode(name));
    let found = c.get(&format!("{path}?{q}"));
    let n = stated_total(&found.body);
    assert!(n >= 1 && n as usize <= total, "{list}: {n} named {name}");
    let csv = c.get(&format!("{path}.csv?{q}"));
    assert!(
        csv.body.lines().skip(1).all(|l| l.contains(name)),
        "{list}: {}",
        csv.body
    );
    assert_eq!(c.get("/floating?side=sideways").status, 422);
}

#[test]
fn zones_and_organizational_life_export_as_their_pages_show_them() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let page = c.get("/zones");
    assert!(
        page.body.contains("/zones.xlsx"),
        "the page links its export"
    );
    let csv = c.get("/zones.csv");
    assert_eq!(csv.status, 200);
    assert!(
        csv.body
            .starts_with("\u{feff}名称,类型,一镇一策分类,级别,县(市、区),党工委,组织数"),
        "{}",
        &csv.body[..80.min(csv.body.len())]
    );
    assert!(csv.body.contains("龙游红木小镇,"), "{}", csv.body);
    // Counts and rates as numbers, not "81个".
    let hongmu: Vec<&str> = csv
        .body
        .split("\r\n")
        .find(|l| l.starts_with("龙游红木小镇,"))
        .unwrap()
        .split(',')
        .collect();
    assert!(hongmu[6].parse::<u64>().unwrap() > 0, "{hongmu:?}");
    assert!(
        hongmu[7].trim_end_matches('%').parse::<f64>().is_ok(),
        "{hongmu:?}"
    );
    assert!(hongmu[9].parse::<u64>().is_ok(), "{hongmu:?}");
    assert!(
        !csv.body.contains("衢州海创园"),
        "柯城's park is not 龙游's"
    );
    let lines = csv.body.split("\r\n").filter(|l| !l.is_empty()).count();
    let (status, kind, bytes) = c.get_bytes("/zones.xlsx");
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let sheet = liangxin_docs::sheet::read(&bytes).unwrap();
    assert_eq!(sheet.header[2], "一镇一策分类");
    assert_eq!(sheet.rows.len(), lines - 1, "the same rows in both forms");

    // Every party organization the page counts, not its first page of 50.
    let mut c = app.signed_in("city");
    let page = c.get("/life?year=2026");
    assert!(page.body.contains("/life.xlsx?year=2026"));
    // The first figure: the party organizations that owe meetings.
    let owed = linked_figures(&page.body)[0].1 as usize;
    assert!(owed > 50, "more than a page: {owed}");
    let csv = c.get("/life.csv?year=2026");
    assert_eq!(csv.status, 200);
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        lines[0].ends_with("党组织,会议记录,已到期期次,已完成期次,完成率,未完成期次,缺项,本期待开")
    );
    // Other stories add party organizations meanwhile.
    assert!(
        (lines.len() - 1).abs_diff(owed) < 10,
        "{} of {owed}",
        lines.len() - 1
    );
    let (status, _, bytes) = c.get_bytes("/life.xlsx?year=2026");
    assert_eq!(status, 200);
    let rows = liangxin_docs::sheet::read(&bytes).unwrap().rows.len();
    assert!(rows.abs_diff(owed) < 10, "{rows} of {owed}");
    assert_eq!(c.get("/life.csv?year=abc").status, 422);
}

#[test]
fn api_lists_export_every_row_of_their_filter_with_format() {
    let app = app();
    let mut c = app.signed_in("city");
    let json = c
        .get("/api/v1/organizations?county=330825&kind=enterprise")
        .json();
    let total = json["total"].as_u64().unwrap() as usize;
    assert!(total > 100, "more than a page of the API: {total}");
    let csv = c.get("/api/v1/organizations?county=330825&kind=enterprise&format=csv");
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let lines: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    // Other stories register enterprises in 龙游 meanwhile.
    assert!(
        (lines.len() - 1).abs_diff(total) < 10,
        "every row of the filter, not a page: {} of {total}",
        lines.len() - 1
    );
    assert!(
        lines[1..].iter().all(|l| l.contains(",龙游县,")),
        "{}",
        lines[1]
    );
    let (status, kind, bytes) = c.get_bytes("/api/v1/zones?format=xlsx");
    assert_eq!(status, 200);
    assert!(kind.contains("spreadsheetml"));
    let zones = c.get("/api/v1/zones").json();
    assert_eq!(
        liangxin_docs::sheet::read(&bytes).unwrap().rows.len(),
        zones["zones"].as_array().unwrap().len()
    );
    let members = c.get("/api/v1/members?format=csv");
    assert_eq!(members.status, 200);
    let first = members.body.split("\r\n").nth(1).unwrap();
    assert!(
        first.split(',').nth(2).unwrap().contains("***********"),
        "masked: {first}"
    );
    let floating = c.get("/api/v1/floating?all=1&format=csv");
    assert!(
        floating.body.starts_with("\u{feff}方向,党员"),
        "{}",
        floating.body
    );
    let life = c.get("/api/v1/life?year=2026&format=csv");
    assert!(life.body.contains("党组织,会议记录"), "{}", life.body);
    let transfers = c.get("/api/v1/transfers?state=issued&format=csv");
    assert_eq!(transfers.status, 200);
    assert!(
        transfers
            .body
            .starts_with("\u{feff}党员,转出党组织,接收党组织"),
        "{}",
        transfers.body
    );
    // The register of party organizations in the import's columns, the scope's top first.
    let register = c.get("/party-orgs.csv");
    assert!(
        register
            .body
            .starts_with("\u{feff}组织编号,党组织名称,上级党组织,组织类别"),
        "{}",
        register.body
    );
    let top = register.body.lines().nth(1).unwrap_or_default();
    assert!(top.contains("两新"), "{top}");
    let gaps = c.get("/api/v1/gaps?action=assign_instructor&format=csv");
    let all = c.get("/api/v1/gaps?action=assign_instructor").json();
    // Other stories assign instructors meanwhile.
    let rows = gaps.body.split("\r\n").filter(|l| !l.is_empty()).count() - 1;
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(
        rows > 100 && rows.abs_diff(total) < 10,
        "{rows} rows of {total}"
    );
    let bad = c.get("/api/v1/members?format=pdf");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("导出格式"), "{}", bad.body);
    // Files are for staff, as the pages' exports are: an instructor and a member read JSON.
    for role in ["instructor", "member"] {
        let mut other = app.signed_in(role);
        assert_eq!(other.get("/api/v1/floating").status, 200, "{role}");
        let refused = other.get("/api/v1/floating?format=csv");
        assert_eq!(refused.status, 403, "{role}");
        assert!(refused.body.contains("仅供"), "{}", refused.body);
    }
}
