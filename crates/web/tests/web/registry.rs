//! The register: organizations, party organizations, members, zones and instructors.

use super::*;

#[test]
fn registering_an_organization_checks_every_field_and_the_scope() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let form = c.get("/organizations/new");
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let post = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post_form("/organizations/new", &all)
    };
    for (fields, message) in [
        (
            vec![("name", ""), ("county", "330825"), ("kind", "enterprise")],
            "必填",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330802"),
                ("kind", "enterprise"),
            ],
            "不在您的管理范围内",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330825"),
                ("kind", "factory"),
            ],
            "不是有效的组织类别",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330825"),
                ("kind", "enterprise"),
                ("credit_code", "91330825MA2AAAAA"),
            ],
            "统一社会信用代码",
        ),
        (
            vec![
                ("name", "某公司"),
                ("county", "330825"),
                ("kind", "enterprise"),
                ("employees", "-3"),
            ],
            "应为0到1000000之间的整数",
        ),
    ] {
        let r = post(&mut c, &fields);
        assert_eq!(r.status, 422, "{fields:?}");
        assert!(r.body.contains(message), "{fields:?}: {message}");
        assert!(r.body.contains("请改正标红的项目"));
    }
    // (Other stories register units in the shared city meanwhile: count by name, not in all.)
    let named = |name: &str| {
        let filter = liangxin_store::organizations::OrgFilter {
            q: Some(name.to_owned()),
            ..Default::default()
        };
        app.store()
            .organizations_count(
                &liangxin_store::Scope::everything(),
                liangxin_web::today(),
                &filter,
            )
            .unwrap()
    };
    let before = named("龙游县某新材料有限公司");
    // A credit code whose check character fails is kept, with a warning on the unit's page.
    let code = liangxin_domain::credit_code::CreditCode::from_parts("91330825MA2BBBBB1").unwrap();
    let wrong = format!(
        "{}{}",
        &code.as_str()[..17],
        if code.as_str().ends_with('0') {
            '1'
        } else {
            '0'
        }
    );
    let r = post(
        &mut c,
        &[
            ("name", "龙游县某新材料有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("credit_code", &wrong),
            ("sector", "manufacturing"),
            ("employees", "40"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = c.get(r.header("location").unwrap());
    assert!(detail.body.contains("校验位不符"));
    assert!(detail.body.contains("制造业"));
    assert_eq!(named("龙游县某新材料有限公司"), before + 1);
    // The same code again is refused, and nothing is written.
    let r = post(
        &mut c,
        &[
            ("name", "另一家"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("credit_code", &wrong),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已被其他组织使用"));
    assert_eq!(named("另一家"), 0, "nothing is written");
    // A forged form changes nothing.
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", "x"),
            ("name", "伪造"),
            ("county", "330825"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 403);

    // A secretary reads but does not register.
    let mut s = app.signed_in("secretary");
    assert_eq!(s.get("/organizations/new").status, 403);
}

#[test]
fn changing_an_organization_keeps_its_county_checks_every_field_and_is_audited() {
    let app = app();
    let mut c = app.signed_in("longyou");
    let form = c.get("/organizations/new");
    let csrf = form.csrf();
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", csrf.as_str()),
            ("name", "龙游县待改名科技有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("employees", "12"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail_path = r.header("location").unwrap().to_owned();
    let edit_path = format!("{detail_path}/edit");
    let detail = c.get(&detail_path);
    assert!(
        detail.body.contains(&edit_path),
        "the detail links to the form"
    );

    // The form comes filled with what is recorded.
    let form = c.get(&edit_path);
    assert_eq!(form.status, 200);
    assert!(form.body.contains("龙游县待改名科技有限公司"));
    assert!(form.body.contains(r#"value="12""#));
    let version = form_version(&form.body);
    let post = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str()), ("version", version.as_str())];
        all.extend_from_slice(fields);
        c.post_form(&edit_path, &all)
    };
    let r = post(
        &mut c,
        &[("name", "龙"), ("county", "330825"), ("kind", "enterprise")],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("至少2个字"));
    let r = post(
        &mut c,
        &[
            ("name", "龙游县已改名科技有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("employees", "一百"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("应为0到1000000之间的整数"));
    assert!(
        c.get(&detail_path)
            .body
            .contains("龙游县待改名科技有限公司")
    );

    // A county sent with the form does not move the unit: the county stays.
    let versions = app.store().registry_version().unwrap();
    let r = post(
        &mut c,
        &[
            ("name", "龙游县已改名科技有限公司"),
            ("county", "330802"),
            ("kind", "social_group"),
            ("employees", "15"),
            ("sector", "internet"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(r.header("location"), Some(detail_path.as_str()));
    let detail = c.get(&detail_path);
    assert!(detail.body.contains("龙游县已改名科技有限公司"));
    assert!(detail.body.contains("15人"));
    assert!(detail.body.contains("龙游县"));
    assert!(app.store().registry_version().unwrap() > versions);
    let ids: Vec<i64> = detail_path
        .rsplit('/')
        .take(2)
        .map(|p| p.parse().unwrap())
        .collect();
    let audited = app
        .store()
        .audit_entries("organization", i32::try_from(ids[1]).unwrap(), ids[0])
        .unwrap();
    assert!(
        audited.iter().any(|e| e.action == "update"
            && e.before.as_deref().is_some_and(|b| b.contains("待改名"))
            && e.after.as_deref().is_some_and(|a| a.contains("已改名"))),
        "{audited:?}"
    );

    // The city (above the county) may change it; a secretary reads but does not edit units.
    let mut k = app.signed_in("city");
    assert_eq!(k.get(&edit_path).status, 200, "the city sees every county");
    let mut s = app.signed_in("secretary");
    assert_eq!(s.get(&edit_path).status, 403);
}

#[test]
fn setting_up_a_party_organization_checks_its_parent_units_and_dates() {
    let app = app();
    let mut store = app.store();
    let longyou = store.user_by_username("longyou").unwrap().unwrap();
    let scope = store.scope_of_user(&longyou).unwrap();
    let root = store.scope_root(&scope).unwrap().unwrap();
    // A unit of 龙游 with a credit code, currently in no party organization of its own.
    let page = liangxin_store::organizations::OrgPage {
        limit: 500,
        ..Default::default()
    };
    let unit = store
        .organizations_page(&scope, liangxin_web::today(), &page)
        .unwrap()
        .into_iter()
        .find(|o| o.credit_code.is_some() && !o.credit_code_check_failed)
        .unwrap();
    let code = unit.credit_code.clone().unwrap();

    let mut c = app.signed_in("longyou");
    let path = format!("/party-orgs/{}/{}/new", root.key.county, root.key.id);
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let tomorrow = (liangxin_web::today() + chrono::Duration::days(1)).to_string();
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("name", "测试联合党支部"),
            ("org_type", "joint_branch"),
            ("formation_mode", "regional_joint"),
            ("term_started", &tomorrow),
            ("covers", "91330825XXXXXXXXXX\n"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能晚于今天"));
    assert!(
        r.body.contains("91330825XXXXXXXXXX"),
        "the unknown code is named"
    );
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("name", "测试联合党支部"),
            ("org_type", "joint_branch"),
            ("formation_mode", "regional_joint"),
            ("term_started", "2026-01-05"),
            ("has_committee", "1"),
            ("covers", &format!(" {code} \n")),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let node = c.get(r.header("location").unwrap());
    assert!(node.body.contains("测试联合党支部"));
    assert!(node.body.contains(&unit.name), "covers the unit");
    let detail = c.get(&format!(
        "/organizations/{}/{}",
        unit.key.county, unit.key.id
    ));
    assert!(detail.body.contains("测试联合党支部（联合党支部）"));

    // A town committee cannot set up under the county's node: outside its subtree.
    let mut z = app.signed_in("hongmu");
    assert_eq!(z.get(&path).status, 404);

    // Changing it: the unit is let go (unticked), the name and term change.
    let node_path = r.header("location").unwrap().to_owned();
    let edit = format!("{node_path}/edit");
    assert!(node.body.contains(&edit));
    let form = c.get(&edit);
    assert_eq!(form.status, 200);
    let version = form_version(&form.body);
    assert!(
        form.body.contains(&unit.name),
        "the covered unit is listed to keep"
    );
    assert!(form.body.contains("2026-01-05"));
    let r = c.post_form(
        &edit,
        &[
            ("_csrf", &csrf),
            ("version", &version),
            ("name", "测"),
            ("org_type", "joint_branch"),
            ("keep", &format!("{}/{}", unit.key.county, unit.key.id)),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("至少2个字"));
    // A unit it does not cover cannot be slipped in as "kept".
    let r = c.post_form(
        &edit,
        &[
            ("_csrf", &csrf),
            ("version", &version),
            ("name", "测试联合党支部"),
            ("org_type", "joint_branch"),
            ("keep", "330825/1"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("覆盖单位"));
    let r = c.post_form(
        &edit,
        &[
            ("_csrf", &csrf),
            ("version", &version),
            ("name", "测试第二联合党支部"),
            ("org_type", "joint_branch"),
            ("formation_mode", "regional_joint"),
            ("term_started", "2026-02-01"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let node = c.get(&node_path);
    assert!(node.body.contains("测试第二联合党支部"));
    assert!(!node.body.contains(&unit.name), "no longer covers the unit");
    let detail = c.get(&format!(
        "/organizations/{}/{}",
        unit.key.county, unit.key.id
    ));
    assert!(!detail.body.contains("测试第二联合党支部"));
    // The town committee cannot reach the form either.
    assert_eq!(z.get(&edit).status, 404);

    // Two at once: the county renames it while the city has the form open.
    let mut k = app.signed_in("city");
    let (mine, theirs) = (c.get(&edit), k.get(&edit));
    let save =
        |cl: &mut common::Client, form: &common::Resp, name: &str, extra: &[(&str, &str)]| {
            let version = form_version(&form.body);
            let csrf = form.csrf();
            let mut fields = vec![
                ("_csrf", csrf.as_str()),
                ("version", version.as_str()),
                ("name", name),
                ("org_type", "joint_branch"),
                ("formation_mode", "regional_joint"),
                ("term_started", "2026-02-01"),
            ];
            fields.extend_from_slice(extra);
            cl.post_form(&edit, &fields)
        };
    // The county also covers the unit again.
    assert_eq!(
        save(
            &mut c,
            &mine,
            "测试第三联合党支部",
            &[("add", code.as_str())]
        )
        .status,
        303
    );
    let r = save(&mut k, &theirs, "测试第四联合党支部", &[]);
    assert_eq!(r.status, 409, "{}", r.body);
    let text = text_of(&r.body);
    assert!(
        text.contains("名称由“测试第二联合党支部”改为“测试第三联合党支部”"),
        "{text}"
    );
    assert!(r.body.contains("测试第四联合党支部"), "its own value kept");
    let kept = format!("{}/{}", unit.key.county, unit.key.id);
    assert!(
        r.body
            .contains(&format!(r#"name="keep" value="{kept}" checked"#)),
        "the unit covered since the form was opened stays ticked: {}",
        r.body
    );
    assert!(c.get(&node_path).body.contains("测试第三联合党支部"));
    let r = save(&mut k, &r, "测试第四联合党支部", &[("keep", kept.as_str())]);
    assert_eq!(r.status, 303, "{}", r.body);
    let node = c.get(&node_path);
    assert!(node.body.contains("测试第四联合党支部"));
    assert!(node.body.contains(&unit.name), "still covers the unit");
}

#[test]
fn registering_a_member_checks_identity_dates_and_scope_and_masks_the_id() {
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let branch = store.scope_root(&scope).unwrap().unwrap();
    let path = format!(
        "/party-orgs/{}/{}/members/new",
        branch.key.county, branch.key.id
    );
    let mut c = app.signed_in("secretary");
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let id = liangxin_domain::resident_id::ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1990, 3, 8).unwrap(),
        123,
    )
    .unwrap();
    let full = id.expose().to_owned();
    let mut wrong_check = full.clone();
    wrong_check.replace_range(17..18, if full.ends_with('0') { "1" } else { "0" });
    let post = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        c.post_form(&path, &all)
    };
    for (fields, message) in [
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", wrong_check.as_str()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2016-07-01"),
            ],
            "校验码错误",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "full"),
                ("joined_on", "2005-07-01"),
                ("confirmed_on", "2006-07-01"),
            ],
            "入党时应年满18岁",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
            ],
            "正式党员应填写转正时间",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2014-07-01"),
            ],
            "不能早于入党时间",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "probationary"),
                ("joined_on", "2099-07-01"),
            ],
            "不能晚于今天",
        ),
        (
            vec![
                ("name", "钱多多"),
                ("resident_id", full.as_str()),
                ("status", "probationary"),
                ("joined_on", "2026-07-01"),
                ("phone", "12345"),
            ],
            "应为11位手机号码",
        ),
    ] {
        let r = post(&mut c, &fields);
        assert_eq!(r.status, 422, "{fields:?}");
        assert!(r.body.contains(message), "{message}");
    }
    let r = post(
        &mut c,
        &[
            ("name", "钱多多"),
            ("resident_id", &full),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-07-01"),
            ("phone", "13800000000"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r.header("location").unwrap().to_owned();
    let member_path = location.trim_end_matches("?saved=member").to_owned();
    assert_ne!(member_path, location, "saved, and the page says so");
    let page = c.get(&location);
    assert!(page.body.contains("已保存：党员信息"));
    assert!(page.body.contains("钱多多"));
    assert!(page.body.contains(&id.masked()));
    assert!(!page.body.contains(&full), "the full number is never shown");
    // The same person again: refused with the field named.
    let r = post(
        &mut c,
        &[
            ("name", "钱多多"),
            ("resident_id", &full),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-07-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已在本辖区登记为党员"), "{}", r.body);
    // Another county's committee cannot reach this branch's form.
    let mut other = app.signed_in("hongmu");
    assert_eq!(other.get(&path).status, 404);

    // Correcting the record: the form comes filled, the ID is shown masked and not asked,
    // the constitution's date rules hold (the store knows the birth date from the ID).
    let edit = format!("{member_path}/edit");
    assert!(page.body.contains(&edit));
    let form = c.get(&edit);
    assert_eq!(form.status, 200);
    assert!(form.body.contains(&id.masked()));
    assert!(form.body.contains("13800000000"));
    assert!(!form.body.contains(r#"name="resident_id""#));
    let version = form_version(&form.body);
    let change = |c: &mut common::Client, fields: &[(&str, &str)]| {
        let mut all = vec![("_csrf", csrf.as_str()), ("version", version.as_str())];
        all.extend_from_slice(fields);
        c.post_form(&edit, &all)
    };
    let r = change(
        &mut c,
        &[
            ("name", "钱多多"),
            ("status", "full"),
            ("joined_on", "2006-07-01"),
            ("confirmed_on", "2007-07-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("入党时应年满18岁"), "{}", r.body);
    let r = change(
        &mut c,
        &[
            ("name", "钱多多"),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-07-01"),
            ("workplace", "91330825XXXXXXXXX0"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("该代码的单位不存在或不在您的管理范围内"));
    let r = change(
        &mut c,
        &[
            ("name", "钱多多"),
            ("status", "full"),
            ("joined_on", "2015-07-01"),
            ("confirmed_on", "2016-08-01"),
            ("phone", "13900000000"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let page = c.get(&member_path);
    assert!(page.body.contains("2016-08-01"));
    let (county, mid) = {
        let mut it = member_path.rsplit('/');
        let mid: i64 = it.next().unwrap().parse().unwrap();
        let county: i32 = it.next().unwrap().parse().unwrap();
        (county, mid)
    };
    let audited = app.store().audit_entries("member", county, mid).unwrap();
    let update = audited.iter().find(|e| e.action == "update").unwrap();
    assert!(update.after.as_deref().unwrap().contains("139****0000"));
    assert!(!update.after.as_deref().unwrap().contains(&full));
    // Another county's committee cannot reach the member; an instructor may not edit.
    assert_eq!(other.get(&edit).status, 404);
    let mut ins = app.signed_in("instructor");
    assert_eq!(ins.get(&edit).status, 403);

    // Two at once: the branch's county corrects the name while the city has the form open.
    let mut k = app.signed_in("city");
    let (mine, theirs) = (c.get(&edit), k.get(&edit));
    let save = |cl: &mut common::Client, form: &common::Resp, name: &str| {
        cl.post_form(
            &edit,
            &[
                ("_csrf", form.csrf().as_str()),
                ("version", form_version(&form.body).as_str()),
                ("name", name),
                ("status", "full"),
                ("joined_on", "2015-07-01"),
                ("confirmed_on", "2016-08-01"),
                ("phone", "13900000000"),
            ],
        )
    };
    assert_eq!(save(&mut c, &mine, "钱多二").status, 303);
    let r = save(&mut k, &theirs, "钱多三");
    assert_eq!(r.status, 409, "{}", r.body);
    let text = text_of(&r.body);
    assert!(text.contains("党员信息在您打开表单之后已被修改"), "{text}");
    assert!(text.contains("姓名由“钱多多”改为“钱多二”"), "{text}");
    assert!(c.get(&member_path).body.contains("钱多二"));
    let r = save(&mut k, &r, "钱多三");
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(c.get(&member_path).body.contains("钱多三"));
}

#[test]
fn assigning_an_instructor_turns_a_gap_into_work_coverage() {
    let app = app();
    let mut c = app.signed_in("longyou");
    // A unit of the county that is 空白 and has no member, found through the API.
    let mut api = app.client();
    let mut store = app.store();
    let user = store.user_by_username("longyou").unwrap().unwrap();
    let token = liangxin_web::auth::random_token().unwrap();
    store
        .create_api_token(&liangxin_store::accounts::NewToken {
            actor: "test",
            hash: &liangxin_web::auth::token_hash(&token),
            user_id: user.id,
            name: "t",
            now: chrono::Utc::now().naive_utc(),
            expires_at: None,
            read_only: false,
        })
        .unwrap();
    api.bearer = Some(token);
    let v = api.get("/api/v1/gaps?action=assign_instructor").json();
    let item = &v["items"][0];
    let (county, id) = (
        item["county"].as_i64().unwrap(),
        item["id"].as_i64().unwrap(),
    );
    let path = format!("/organizations/{county}/{id}/instructor");
    let form = c.get(&path);
    assert_eq!(form.status, 200);
    let csrf = form.csrf();
    let instructor = form
        .body
        .split("<option value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("instructor", &instructor),
            ("since", "2099-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不能晚于今天"));
    let today = liangxin_web::today().to_string();
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("instructor", &instructor),
            ("since", &today),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = api
        .get(&format!("/api/v1/organizations/{county}/{id}"))
        .json();
    assert_eq!(detail["coverage_state"], "工作覆盖");
    assert_eq!(detail["instructors"].as_array().unwrap().len(), 1);
    let r = c.post_form(
        &path,
        &[
            ("_csrf", &csrf),
            ("instructor", &instructor),
            ("since", &today),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("已选派到该单位"));
}

#[test]
fn the_zones_page_shows_the_named_places_with_their_class() {
    let mut c = app().signed_in("longyou");
    let r = c.get("/zones");
    assert_eq!(r.status, 200);
    assert!(r.body.contains("龙游红木小镇"));
    assert!(r.body.contains("传统产业提升类"));
    assert!(!r.body.contains("衢州海创园"), "柯城's park is not 龙游's");
    let mut city = app().signed_in("city");
    let r = city.get("/zones");
    for place in [
        "衢州海创园",
        "浙江中关村科技产业园",
        "上海张江（衢州）孵化基地",
        "花园258",
        "莲花生态农业循环小镇",
        "龙游红木小镇",
        "开化根缘小镇",
    ] {
        assert!(r.body.contains(place), "{place}");
    }
}

#[test]
fn a_zone_committee_registers_in_its_zone_and_county_only() {
    let app = app();
    let mut c = app.signed_in("hongmu");
    let form = c.get("/organizations/new");
    assert_eq!(form.status, 200);
    assert!(form.body.contains("龙游县"), "the zone's county is offered");
    let csrf = form.csrf();
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", &csrf),
            ("name", "红木小镇某工艺厂"),
            ("county", "330825"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = c.get(r.header("location").unwrap());
    assert!(
        detail.body.contains("龙游红木小镇"),
        "placed in the committee's zone"
    );
    let r = c.post_form(
        "/organizations/new",
        &[
            ("_csrf", &csrf),
            ("name", "别处某公司"),
            ("county", "330802"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("不在您的管理范围内"));
}

#[test]
fn a_members_archive_shows_its_completeness_and_takes_a_received_item() {
    let app = app();
    let mut store = app.store();
    let secretary = store.user_by_username("secretary").unwrap().unwrap();
    let scope = store.scope_of_user(&secretary).unwrap();
    let m = store
        .members_page(&scope, &MemberFilter::default(), 0, 1)
        .unwrap()
        .remove(0);
    let path = format!("/members/{}/{}", m.key.county, m.key.id);
    let mut c = app.signed_in("secretary");
    let page = c.get(&path);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("信息完整度"));
    // The demo year holds this member's meetings: the page gives their 出勤率.
    assert!(page.body.contains("出勤率"), "attendance rate shown");
    let csrf = page.csrf();
    let action = format!("{path}/archive");
    // The branch's figure is kept per change of the records: read it before the item.
    let root = store.scope_root(&scope).unwrap().unwrap();
    let branch = format!("/party-orgs/{}/{}", root.key.county, root.key.id);
    let figure = |store: &mut liangxin_store::Store| {
        let (n, complete, mean) = store
            .party_org_archive(&scope, liangxin_web::today(), root.key)
            .unwrap();
        format!("平均{mean}%，{n}名党员中{complete}名档案齐全")
    };
    let before = figure(&mut store);
    assert!(c.get(&branch).body.contains(&before));
    let r = c.post_form(
        &action,
        &[
            ("_csrf", &csrf),
            ("item", "volunteer"),
            ("received_on", "2099-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("收到日期"));
    let r = c.post_form(
        &action,
        &[
            ("_csrf", &csrf),
            ("item", "旧材料"),
            ("received_on", "2020-01-01"),
        ],
    );
    assert_eq!(r.status, 422);
    assert!(r.body.contains("档案材料"));
    let r = c.post_form(
        &action,
        &[
            ("_csrf", &csrf),
            ("item", "volunteer"),
            ("received_on", "2020-01-01"),
        ],
    );
    assert_eq!(r.status, 303);
    assert!(c.get(&path).body.contains("2020年01月01日"));
    // The branch shows its members' completeness as it is after the item, not as kept.
    let node = c.get(&branch);
    assert!(node.body.contains("档案信息完整度"));
    let after = figure(&mut store);
    assert!(node.body.contains(&after), "{after} (before: {before})");
}

/// A county's page lists its children 50 at a time, and finds one by a part of its name or
/// by its 组织编号; nothing outside the page's children.
#[test]
fn a_party_organizations_children_are_paged_and_found_by_name_or_code() {
    let app = app();
    let (root, children, below, elsewhere) = {
        let mut store = app.store();
        let user = store.user_by_username("longyou").unwrap().unwrap();
        let scope = store.scope_of_user(&user).unwrap();
        let root = store.scope_root(&scope).unwrap().unwrap();
        let children = store
            .party_org_children(root.key, None, 0, i64::MAX)
            .unwrap();
        let below: Vec<_> = store
            .party_org_register(&scope, 0, i64::MAX)
            .unwrap()
            .into_iter()
            .filter(|p| p.key != root.key)
            .collect();
        // A branch of another county: outside 龙游县's subtree.
        let everything = store
            .party_org_register(&liangxin_store::Scope::everything(), 0, i64::MAX)
            .unwrap();
        let elsewhere = everything
            .into_iter()
            .find(|p| p.key.county != root.key.county && p.org_type.is_branch())
            .unwrap();
        (root, children, below, elsewhere)
    };
    assert_eq!(children.0, children.1.len() as i64);
    assert!(children.0 > 20, "enough children to page: {}", children.0);
    let mut c = app.signed_in("longyou");
    let path = format!("/party-orgs/{}/{}", root.key.county, root.key.id);
    let page = c.get(&path);
    assert_eq!(stated_total(&page.body), children.0 as u64);
    let shown = |html: &str| html.matches("data-label=\"类型\"").count();
    assert_eq!(shown(&page.body), (children.0 as usize).min(50));
    let last = (children.0 as usize).div_ceil(20);
    let first = c.get(&format!("{path}?size=20"));
    assert_eq!(shown(&first.body), 20);
    let tail = c.get(&format!("{path}?size=20&page={last}"));
    assert_eq!(shown(&tail.body), children.0 as usize - (last - 1) * 20);
    assert!(
        tail.body.contains(&children.1.last().unwrap().name),
        "by name, the last last"
    );
    let child = &children.1[children.1.len() / 2];
    let code = format!("{}-{}", child.key.county, child.key.id);
    let by_code = c.get(&format!("{path}?name={code}"));
    assert_eq!(stated_total(&by_code.body), 1);
    assert!(by_code.body.contains(&child.name));
    // A search reaches every level below, saying what each found one stands under.
    let deep = below
        .iter()
        .find(|p| p.parent != Some(root.key))
        .expect("an organization below a child");
    let deep_code = format!("{}-{}", deep.key.county, deep.key.id);
    let found = c.get(&format!("{path}?name={deep_code}"));
    assert_eq!(stated_total(&found.body), 1);
    assert!(found.body.contains(&deep.name));
    let above = below.iter().find(|p| Some(p.key) == deep.parent).unwrap();
    assert!(
        found.body.contains(&format!(
            "<td data-label=\"上级党组织\">{}</td>",
            above.name
        )),
        "the organization above a found one"
    );
    let part: String = child
        .name
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let by_name = c.get(&format!(
        "{path}?name={}",
        liangxin_web::auth::urlencode(&part)
    ));
    assert!(by_name.body.contains(&child.name));
    assert_eq!(
        stated_total(&by_name.body) as usize,
        below.iter().filter(|p| p.name.contains(&part)).count()
    );
    // Nothing outside the subtree, by code or by its full name.
    let outside = format!("{}-{}", elsewhere.key.county, elsewhere.key.id);
    assert_eq!(
        stated_total(&c.get(&format!("{path}?name={outside}")).body),
        0
    );
    let by_full_name = c.get(&format!(
        "{path}?name={}",
        liangxin_web::auth::urlencode(&elsewhere.name)
    ));
    assert!(!by_full_name.body.contains(&format!(
        "/party-orgs/{}/{}\"",
        elsewhere.key.county, elsewhere.key.id
    )));
    assert_eq!(
        stated_total(&c.get(&format!("{path}?name=无此组织")).body),
        0
    );
    assert_eq!(
        c.get(&format!("{path}?name={}", "名".repeat(51))).status,
        422
    );
    // The tree beside the list: from the county down, open at the page's organization.
    let deep_page = c.get(&format!("/party-orgs/{}/{}", deep.key.county, deep.key.id));
    let tree = deep_page
        .body
        .split("<nav class=\"tree no-print\" aria-label=\"组织树\">")
        .nth(1)
        .and_then(|t| t.split("</nav>").next())
        .expect("the tree beside the list");
    assert!(
        tree.contains(&format!(
            "<li class=\"depth-0\"><a href=\"{path}\">{}</a></li>",
            root.name
        )),
        "the user's own level at the top: {tree}"
    );
    assert_eq!(tree.matches("depth-0").count(), 1);
    assert!(tree.contains(&format!(
        "<a href=\"/party-orgs/{}/{}\" aria-current=\"page\">{}</a>",
        deep.key.county, deep.key.id, deep.name
    )));
    assert!(tree.contains(&above.name));
}

#[test]
fn the_member_search_finds_by_name_and_by_resident_id_within_the_scope_only() {
    let app = app();
    let mut store = app.store();
    let longyou_user = store.user_by_username("longyou").unwrap().unwrap();
    let longyou = store.scope_of_user(&longyou_user).unwrap();
    let city_user = store.user_by_username("city").unwrap().unwrap();
    let city = store.scope_of_user(&city_user).unwrap();
    let own = store
        .members_page(&longyou, &MemberFilter::default(), 7, 1)
        .unwrap()
        .remove(0);
    let outside = store
        .party_orgs_in_scope(&city)
        .unwrap()
        .into_iter()
        .filter(|(k, ..)| k.county != 330825)
        .find_map(|(k, ..)| {
            store
                .members_page(&city, &MemberFilter::in_party_org(k), 0, 1)
                .unwrap()
                .pop()
        })
        .expect("a member of another county");
    let href =
        |m: &liangxin_store::people::MemberView| format!("/members/{}/{}", m.key.county, m.key.id);
    let mut c = app.signed_in("longyou");

    // By name: the county's member is found, the other county's is not, whatever its name.
    let found = c.get(&format!(
        "/members?name={}",
        liangxin_web::auth::urlencode(&own.name)
    ));
    assert_eq!(found.status, 200);
    assert!(found.body.contains(&href(&own)), "{}", found.body);
    let elsewhere = c.get(&format!(
        "/members?name={}",
        liangxin_web::auth::urlencode(&outside.name)
    ));
    assert_eq!(elsewhere.status, 200);
    assert!(!elsewhere.body.contains(&href(&outside)));
    // Every row a search lists holds the name asked for, and the API agrees with the page.
    let surname: String = own.name.chars().take(1).collect();
    let api = c.get(&format!(
        "/api/v1/members?name={}&size=200",
        liangxin_web::auth::urlencode(&surname)
    ));
    assert_eq!(api.status, 200, "{}", api.body);
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|m| m["name"].as_str().unwrap().contains(&surname))
    );
    assert!(items.iter().all(|m| m["county"] == 330825));
    let page = c.get(&format!(
        "/members?name={}",
        liangxin_web::auth::urlencode(&surname)
    ));
    assert!(
        page.body
            .contains(&format!("data-total=\"{}\"", json["total"])),
        "{}",
        json["total"]
    );

    // By resident ID, through a POST: the full number is in no address and not on the page.
    let own_id = store.reveal_resident_id("test", &longyou, own.key).unwrap();
    let outside_id = store
        .reveal_resident_id("test", &city, outside.key)
        .unwrap();
    let csrf = c.get("/members").csrf();
    let left = store
        .confirmations_left(&format!("user:{}", longyou_user.id))
        .unwrap();
    let hit = c.post_form(
        "/members/find",
        &[("_csrf", &csrf), ("resident_id", own_id.expose())],
    );
    assert_eq!(hit.status, 200, "{}", hit.body);
    assert!(hit.body.contains(&href(&own)));
    assert!(!hit.body.contains(own_id.expose()));
    assert!(hit.body.contains(&own_id.masked()));
    assert_eq!(
        store
            .confirmations_left(&format!("user:{}", longyou_user.id))
            .unwrap(),
        left - 1,
        "a hit is a confirmation: logged and rationed"
    );
    let miss = c.post_form(
        "/members/find",
        &[("_csrf", &csrf), ("resident_id", outside_id.expose())],
    );
    assert_eq!(miss.status, 200);
    assert!(!miss.body.contains(&href(&outside)));
    assert!(miss.body.contains("没有符合条件的党员"));
    let bad = c.post_form(
        "/members/find",
        &[("_csrf", &csrf), ("resident_id", "12345")],
    );
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("身份证号"), "{}", bad.body);
    assert_eq!(
        c.post_form(
            "/members/find",
            &[("_csrf", "x"), ("resident_id", own_id.expose())]
        )
        .status,
        403
    );

    // Page size and the checks of each field.
    let twenty = c.get("/members?size=20");
    assert_eq!(twenty.body.matches("data-label=\"姓名\"").count(), 20);
    let wrong = c.get("/members?size=7");
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("每页条数"));
    assert_eq!(c.get("/members?status=honorary").status, 422);
}

/// The hidden version a record's form carries.
fn form_version(html: &str) -> String {
    let at = html
        .find("name=\"version\" value=\"")
        .expect("the form carries the record's version");
    html[at + 22..].split('"').next().unwrap().to_owned()
}

#[test]
fn two_people_changing_one_organization_get_a_conflict_naming_the_change_not_a_lost_update() {
    let app = app();
    let mut county = app.signed_in("longyou");
    let mut city = app.signed_in("city");
    let form = county.get("/organizations/new");
    let r = county.post_form(
        "/organizations/new",
        &[
            ("_csrf", form.csrf().as_str()),
            ("name", "龙游县同时修改测试有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("employees", "12"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let detail = r.header("location").unwrap().to_owned();
    let edit = format!("{detail}/edit");
    let key: Vec<i64> = detail
        .rsplit('/')
        .take(2)
        .map(|s| s.parse().unwrap())
        .collect();
    let (id, county_code) = (key[0], key[1] as i32);

    // Both open the form; the county saves first.
    let (form_county, form_city) = (county.get(&edit), city.get(&edit));
    assert_eq!(
        form_version(&form_county.body),
        form_version(&form_city.body)
    );
    let save = |c: &mut common::Client, csrf: &str, version: &str, employees: &str| {
        c.post_form(
            &edit,
            &[
                ("_csrf", csrf),
                ("version", version),
                ("name", "龙游县同时修改测试有限公司"),
                ("county", "330825"),
                ("kind", "enterprise"),
                ("employees", employees),
            ],
        )
    };
    let r = save(
        &mut county,
        &form_county.csrf(),
        &form_version(&form_county.body),
        "20",
    );
    assert_eq!(r.status, 303, "{}", r.body);

    // The city saves over the version it saw: refused, told who changed what, its own
    // values kept in the form.
    let r = save(
        &mut city,
        &form_city.csrf(),
        &form_version(&form_city.body),
        "30",
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let text = text_of(&r.body);
    assert!(
        text.contains("单位在您打开表单之后已被修改，未保存"),
        "{text}"
    );
    assert!(text.contains("从业人员由“12”改为“20”"), "{text}");
    assert!(r.body.contains("value=\"30\""), "the city's value is kept");
    let employees = |app: &TestApp| -> serde_json::Value {
        let mut store = app.store();
        let last = store
            .audit_entries("organization", county_code, id)
            .unwrap()
            .pop()
            .unwrap();
        serde_json::from_str::<serde_json::Value>(last.after.as_deref().unwrap()).unwrap()
            ["employees"]
            .clone()
    };
    assert_eq!(employees(app), 20, "the county's change stands");

    // Saving the conflict page's form is a decision taken knowing the change: it is kept.
    let r = save(&mut city, &r.csrf(), &form_version(&r.body), "30");
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(employees(app), 30);
    // A form without its version is refused, naming the field.
    let form = county.get(&edit);
    let r = county.post_form(
        &edit,
        &[
            ("_csrf", form.csrf().as_str()),
            ("name", "龙游县同时修改测试有限公司"),
            ("county", "330825"),
            ("kind", "enterprise"),
        ],
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("版本"), "{}", r.body);
}
