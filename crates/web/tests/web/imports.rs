//! Imports: sheets checked, committed whole and undone.

use super::*;

#[test]
fn a_county_imports_its_organization_list_by_credit_code_and_undoes_it() {
    use diesel::prelude::*;
    use liangxin_domain::credit_code::CreditCode;
    use liangxin_store::schema::{organizations as o, regions as r};
    let app = app();
    let mut store = app.store();
    let town: String = r::table
        .filter(r::parent_code.eq(330825))
        .filter(r::code.ge(100_000_000))
        .order(r::code)
        .select(r::name)
        .first(store.conn())
        .unwrap();
    let (one, two) = (
        CreditCode::from_parts("91330825MA7WEB001").unwrap(),
        CreditCode::from_parts("91330825MA7WEB002").unwrap(),
    );
    let csv = |rows: &[[&str; 6]]| {
        let mut text =
            "单位名称,统一社会信用代码,单位类型,所在乡镇(街道),行业领域,从业人员数\r\n".to_owned();
        for row in rows {
            text.push_str(&row.join(","));
            text.push_str("\r\n");
        }
        text.into_bytes()
    };
    let good = [
        [
            "龙游网页测试甲有限公司",
            one.as_str(),
            "",
            town.as_str(),
            "制造业",
            "80",
        ],
        [
            "龙游网页测试乙有限公司",
            two.as_str(),
            "非公有制企业",
            "",
            "",
            "",
        ],
    ];
    let mut bad = good.to_vec();
    bad.push(["龙游网页测试丙有限公司", one.as_str(), "", "", "", ""]);

    let mut c = app.signed_in("longyou");
    let page = c.get("/imports");
    assert!(page.body.contains("/imports/templates/organizations.xlsx"));
    let template = c.get("/imports/templates/organizations.xlsx");
    assert_eq!(template.status, 200);
    assert!(
        template
            .header("content-disposition")
            .unwrap()
            .contains("organizations-template.xlsx")
    );
    let csrf = page.csrf();
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "organizations")],
        ("file", "两新组织.csv", &csv(&bad)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let first = r.header("location").unwrap().to_owned();
    let page = c.settled(&first);
    assert!(
        page.body.contains("将新增 <strong>2</strong> 个两新组织"),
        "{}",
        page.body
    );
    assert!(page.body.contains("错误 <strong>1</strong> 个"));
    assert!(page.body.contains("与第2行重复"), "{}", page.body);
    assert!(!page.body.contains("确认导入"), "errors block the commit");

    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "organizations")],
        ("file", "两新组织（改）.csv", &csv(&good)),
    );
    let second = r.header("location").unwrap().to_owned();
    let page = c.settled(&second);
    assert!(
        page.body.contains("确认导入：新增 2 个，更新 0 个"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("<td data-label=\"所在乡镇(街道)\">{town}</td>"))
    );
    let r = c.post_form(&format!("{second}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.settled(&second);
    assert!(page.body.contains("已导入（导入编号"), "{}", page.body);
    let made = |store: &mut liangxin_store::Store| -> Vec<(i32, Option<i32>)> {
        o::table
            .filter(o::credit_code.eq_any([one.as_str(), two.as_str()]))
            .order(o::credit_code)
            .select((o::county_code, o::employees))
            .load(store.conn())
            .unwrap()
    };
    assert_eq!(made(&mut store), vec![(330825, Some(80)), (330825, None)]);
    let listed = c.get("/organizations?q=龙游网页测试甲");
    assert!(
        listed.body.contains("龙游网页测试甲有限公司"),
        "{}",
        listed.body
    );

    let v = c
        .get(&format!(
            "/api/v1/imports/uploads/{}",
            second.rsplit('/').next().unwrap()
        ))
        .json();
    assert_eq!(v["kind"], "organizations");
    let import_id = v["import_id"].as_i64().unwrap();
    let confirm = c.get(&format!("/imports/{import_id}/undo"));
    assert!(
        confirm.body.contains("移除 2 个两新组织"),
        "{}",
        confirm.body
    );
    let r = c.post_form(&format!("/imports/{import_id}/undo"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(made(&mut store).is_empty(), "gone with the undo");

    // A branch secretary registers no organizations: the file is refused, and said why.
    let mut s = app.signed_in("secretary");
    let page = s.get("/imports");
    let r = s.post_multipart(
        "/imports",
        &[("_csrf", &page.csrf()), ("kind", "organizations")],
        ("file", "两新组织.csv", &csv(&good)),
    );
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("不能导入两新组织"), "{}", r.body);
    assert!(
        !page.body.contains("<option value=\"organizations\""),
        "the form offers only what the role may import"
    );
}

#[test]
fn a_county_brings_its_units_then_its_party_organizations_then_its_members() {
    use liangxin_domain::credit_code::CreditCode;
    use liangxin_domain::resident_id::ResidentId;
    let app = app();
    let mut store = app.store();
    let (top, _, _) = store.county_top_party_org(330825).unwrap().unwrap();
    let unit = CreditCode::from_parts("91330825MA7FD0001").unwrap();
    let person = ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1992, 4, 5).unwrap(),
        611,
    )
    .unwrap();
    let csv = |lines: &[String]| format!("{}\r\n", lines.join("\r\n")).into_bytes();

    let mut c = app.signed_in("longyou");
    let csrf = c.get("/imports").csrf();
    let template = c.get("/imports/templates/party-orgs.xlsx");
    assert_eq!(template.status, 200);
    // The unit, then the branch that covers it, then its member working there.
    import_whole(
        &mut c,
        &csrf,
        "organizations",
        "单位.csv",
        &csv(&[
            "单位名称,统一社会信用代码,从业人员数".into(),
            format!("龙游首日测试有限公司,{},20", unit.as_str()),
        ]),
    );
    let (preview, _) = import_whole(
        &mut c,
        &csrf,
        "party_orgs",
        "党组织.csv",
        &csv(&[
            "党组织名称,上级党组织,组织类别,组建方式,覆盖单位信用代码".into(),
            format!(
                "中共龙游首日测试有限公司支部委员会,{}-{},党支部,单独组建,{}",
                top.county,
                top.id,
                unit.as_str()
            ),
        ]),
    );
    assert!(
        preview.body.contains("将新增 <strong>1</strong> 个党组织"),
        "{}",
        preview.body
    );
    import_whole(
        &mut c,
        &csrf,
        "members",
        "党员.csv",
        &csv(&[
            "姓名,身份证号,所在党支部,党员类别,入党日期,转正日期,工作单位统一社会信用代码".into(),
            format!(
                "首日党员,{},中共龙游首日测试有限公司支部委员会,正式党员,2015-07-01,2016-07-01,{}",
                person.expose(),
                unit.as_str()
            ),
        ]),
    );
    // And an instructor sent to the unit (工作覆盖), registered as the sheet names him.
    let (preview, _) = import_whole(
        &mut c,
        &csrf,
        "assignments",
        "选派.csv",
        &csv(&[
            "单位统一社会信用代码,单位名称,党建指导员,指导员手机号码".into(),
            format!(
                "{},龙游首日测试有限公司,首日指导员,13912345678",
                unit.as_str()
            ),
        ]),
    );
    assert!(
        preview.body.contains("将新增 <strong>1</strong> 次选派"),
        "{}",
        preview.body
    );
    assert!(
        preview.body.contains("首日指导员（新登记）"),
        "{}",
        preview.body
    );
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let member = store
        .find_member_by_resident_id(&longyou, &person)
        .unwrap()
        .expect("imported");
    let m = store.member(&longyou, member).unwrap().unwrap();
    let branch = store
        .party_orgs_in_scope(&longyou)
        .unwrap()
        .into_iter()
        .find(|(_, _, name, _)| name == "中共龙游首日测试有限公司支部委员会")
        .unwrap()
        .0;
    assert_eq!(m.party_org, branch);
    assert!(m.workplace.is_some(), "the unit found by its code");
    // The unit is covered by the branch: its page says by whom.
    let list = c.get("/organizations?q=龙游首日测试");
    let href = list
        .body
        .split("href=\"")
        .map(|h| h.split('"').next().unwrap_or_default())
        .find(|h| h.starts_with("/organizations/330825/"))
        .expect("listed")
        .to_owned();
    let page = c.get(&href);
    assert!(
        page.body.contains("中共龙游首日测试有限公司支部委员会"),
        "{}",
        page.body
    );
    assert!(page.body.contains("首日指导员"), "{}", page.body);
}

#[test]
fn a_county_uploads_its_member_sheet_sees_every_problem_commits_and_undoes() {
    use liangxin_domain::resident_id::ResidentId;
    let app = app();
    let mut store = app.store();
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let hongmu_user = store.user_by_username("hongmu").unwrap().unwrap();
    let hongmu_path = store.scope_of_user(&hongmu_user).unwrap().party_path;
    // A branch of the county away from the branches other stories write to.
    let (branch, _, branch_name, _) = store
        .party_orgs_in_scope(&longyou)
        .unwrap()
        .into_iter()
        .rev()
        .find(|(_, path, name, _)| !path.starts_with(&hongmu_path) && name.ends_with("支部"))
        .unwrap();
    let code = format!("{}-{}", branch.county, branch.id);
    let id = |seq: u16| {
        ResidentId::from_parts(
            "330899",
            chrono::NaiveDate::from_ymd_opt(1991, 2, 3).unwrap(),
            seq,
        )
        .unwrap()
        .expose()
        .to_owned()
    };
    let (a, b, cc) = (id(501), id(502), id(503));
    let typo = format!("{}X", &id(504)[..17]);
    let typo = if ResidentId::parse(&typo).is_ok() {
        format!("{}0", &id(504)[..17])
    } else {
        typo
    };
    let header = [
        "姓名",
        "身份证号",
        "所在党支部",
        "党员类别",
        "入党日期",
        "转正日期",
    ];
    let row = |name: &str, rid: &str| -> Vec<String> {
        [
            name,
            rid,
            code.as_str(),
            "正式党员",
            "2012/7/1",
            "2013年7月1日",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
    };
    // The template's example row stays in: it is skipped, and said so.
    let mut rows = vec![
        row("示例：张红梅", "330825198506010075"),
        row("导入一", &a),
        row("导入二", &b),
        row("导入三", &cc),
    ];
    rows.push(row("导入错", &typo));
    let sheet = |rows: &[Vec<String>]| {
        liangxin_docs::xlsx::table("党员", "龙游县党员名册", &header, rows, &[]).unwrap()
    };

    let mut c = app.signed_in("longyou");
    let page = c.get("/imports");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("上传并校验"));
    // The template offers the columns the importer reads; filled in, it imports.
    let template = c.get("/imports/templates/members.xlsx");
    assert_eq!(template.status, 200);
    assert!(
        template
            .header("content-type")
            .unwrap()
            .contains("spreadsheetml")
    );
    let csrf = page.csrf();
    // No file chosen: said, nothing kept.
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "空.xlsx", b""),
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("请选择要上传的文件"), "{}", r.body);
    // A forged form writes nothing.
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", "forged")],
        ("file", "a.csv", b"a,b\n1,2\n"),
    );
    assert_eq!(r.status, 403);

    // The file with a mistyped ID: every problem shown, the commit withheld.
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "龙游县党员名册.xlsx", &sheet(&rows)),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let first = r.header("location").unwrap().to_owned();
    let page = c.settled(&first);
    assert!(
        page.body.contains("将新增 <strong>3</strong> 名党员"),
        "{}",
        page.body
    );
    assert!(page.body.contains("错误 <strong>1</strong> 个"));
    assert!(page.body.contains("Excel 工作簿（.xlsx）"));
    assert!(page.body.contains("第1行「龙游县党员名册」看作标题"));
    assert!(page.body.contains("跳过 1 行") && page.body.contains("第3行：模板的示例行，跳过"));
    assert!(
        page.body.contains("<td data-label=\"行号\">7</td>"),
        "the bad row by its Excel row"
    );
    assert!(!page.body.contains(&typo), "the mistyped ID is masked");
    assert!(!page.body.contains("确认导入"), "errors block the commit");
    let csv = c.get(&format!("{first}/problems.csv"));
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with('\u{feff}') && csv.body.contains("公民身份号码"));
    let id_first: i64 = first.rsplit('/').next().unwrap().parse().unwrap();
    let r = c.post_form(&format!("{first}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 422, "a file with errors is not committed");

    // Fixed: committed whole, once.
    rows.pop();
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "龙游县党员名册（改）.xlsx", &sheet(&rows)),
    );
    let second = r.header("location").unwrap().to_owned();
    let page = c.settled(&second);
    assert!(
        page.body.contains("确认导入：新增 3 名，更新 0 名"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&branch_name));
    let r = c.post_form(&format!("{second}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.settled(&second);
    assert!(page.body.contains("已导入（导入编号"), "{}", page.body);
    let list = c.get("/imports");
    let by = format!(
        "<td data-label=\"导入人\">{}</td>",
        longyou_user.display_name
    );
    assert!(list.body.contains(&by), "{}", list.body);
    let found = |store: &mut liangxin_store::Store, rid: &str| {
        store
            .find_member_by_resident_id(&longyou, &ResidentId::parse(rid).unwrap().value)
            .unwrap()
    };
    let m = found(&mut store, &a).expect("imported");
    assert_eq!(
        store.member(&longyou, m).unwrap().unwrap().party_org,
        branch
    );
    let api = c.get(&format!(
        "/api/v1/imports/uploads/{}",
        second.rsplit('/').next().unwrap()
    ));
    let v = api.json();
    assert_eq!(v["state"], "committed");
    let import_id = v["import_id"].as_i64().unwrap();
    assert_eq!(v["preview"]["create"], 3);
    // The API writes only with the session's token in a header.
    let r = c.post_raw(
        &format!("/api/v1/imports/{import_id}/undo"),
        "application/json",
        vec![],
    );
    assert_eq!(r.status, 403);

    // The same sheet with a correction: previewed as an update, before and after.
    let mut corrected = rows.clone();
    corrected[1][0] = "导入一更正".to_owned();
    let r = c.post_multipart(
        "/imports",
        &[("_csrf", &csrf), ("kind", "members")],
        ("file", "更正.xlsx", &sheet(&corrected)),
    );
    let third = r.header("location").unwrap().to_owned();
    let page = c.settled(&third);
    assert!(
        page.body.contains("更新 <strong>1</strong> 名"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("姓名：导入一 → 导入一更正"),
        "{}",
        page.body
    );
    // Someone changes that member after the preview: the commit still updates one member,
    // but not from what the preview showed; it is refused, and what changed is not shown
    // (it would be learnt unrationed and unlogged): the file is to be previewed again.
    let view = store.member(&longyou, m).unwrap().unwrap();
    store
        .update_member(
            "test",
            &longyou,
            liangxin_web::today(),
            m,
            liangxin_store::registry::MemberChange {
                name: "导入一另改".into(),
                status: view.status,
                joined_on: view.joined_on,
                confirmed_on: view.confirmed_on,
                workplace: None,
                phone: None,
                background: Default::default(),
            },
            view.version,
        )
        .unwrap();
    let r = c.post_form(&format!("{third}/commit"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let page = c.settled(&third);
    assert!(
        page.body.contains("预览之后登记情况有变化"),
        "{}",
        page.body
    );
    assert!(page.body.contains("请重新上传文件预览"), "{}", page.body);
    assert!(!page.body.contains("导入一另改"), "{}", page.body);
    let r = c.post_form(&format!("{third}/discard"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);

    // Undone as a whole, after being told what it removes.
    let confirm = c.get(&format!("/imports/{import_id}/undo"));
    assert!(confirm.body.contains("移除 3 名党员"), "{}", confirm.body);
    let r = c.post_form(&format!("/imports/{import_id}/undo"), &[("_csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert!(found(&mut store, &a).is_none(), "gone with the undo");
    let list = c.get("/imports");
    assert!(list.body.contains("撤销"));

    // The API: a CSV in GBK as the body, checked, committed, undone.
    c.post_headers = vec![("X-CSRF-Token".into(), csrf.clone())];
    let text = format!(
        "姓名,身份证号,所在党支部,党员类别,入党日期,转正日期\r\n接口甲,{a},{code},正式党员,2012-07-01,2013-07-01\r\n"
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let r = c.post_raw(
        "/api/v1/imports?file_name=gbk.csv",
        "text/csv",
        gbk.into_owned(),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    let href = r.json()["href"].as_str().unwrap().to_owned();
    let mut v = serde_json::Value::Null;
    for _ in 0..600 {
        v = c.get(&href).json();
        if v["state"] != "checking" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(v["state"], "checked", "{v}");
    assert_eq!(v["preview"]["format"], "CSV（GBK/GB18030）");
    assert_eq!(v["can_commit"], true);
    let commit = format!("{href}/commit");
    let r = c.post_raw(&commit, "application/json", vec![]);
    assert_eq!(r.status, 202, "{}", r.body);
    let again = c.post_raw(&commit, "application/json", vec![]);
    assert_eq!(again.status, 409, "one commit: {}", again.body);
    for _ in 0..600 {
        v = c.get(&href).json();
        if v["state"] != "committing" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(v["state"], "committed", "{v}");
    let r = c.post_raw(
        &format!("/api/v1/imports/{}/undo", v["import_id"]),
        "application/json",
        vec![],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["removed"], 1);
    assert!(found(&mut store, &a).is_none());
    // A branch below the county does not see the county's uploads.
    let other = app
        .signed_in("secretary")
        .get(&format!("/imports/uploads/{id_first}"));
    assert_eq!(other.status, 404);
}
