//! Imports: sheets previewed, committed whole, matched again and undone.

use super::*;

pub(super) fn a_member_sheet_is_previewed_committed_whole_and_undone(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::ArchiveItem;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1988, 3, 8), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    // One already registered in the joint branch, one in Kecheng.
    let here = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "已在册", 171, MemberStatus::Full, None),
        )
        .unwrap();
    let _ = here;
    let here_id = member(c.joint, "", 171, MemberStatus::Full, None)
        .resident_id
        .expose()
        .to_owned();
    let mut elsewhere = member(c.tech_branch, "在别处", 172, MemberStatus::Full, None);
    elsewhere.resident_id = ResidentId::from_parts("330825", d(1988, 3, 8), 172).unwrap();
    store.insert_member("t", &all(), TODAY, elsewhere).unwrap();
    let header: Vec<String> = [
        "序号",
        "身份证号",
        "姓名",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let joint_code = format!("{}-{}", c.joint.county, c.joint.id);
    let row =
        |n: usize, cells: [&str; 7]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let good1 = row(
        2,
        [
            "1",
            &id(173),
            "导入甲",
            &joint_code,
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    );
    let good2 = row(
        3,
        [
            "2",
            &id(174),
            "导入乙",
            "龙游红木小镇联合党支部",
            "预备党员",
            "2026年3月1日",
            "",
        ],
    );
    let skip = row(
        4,
        [
            "3",
            &here_id,
            "已在册",
            &joint_code,
            "正式",
            "2010-07-01",
            "2011-07-01",
        ],
    );
    let other = row(
        5,
        [
            "4",
            &id(172),
            "在别处",
            &joint_code,
            "正式",
            "2010-07-01",
            "2011-07-01",
        ],
    );
    let dup = row(
        6,
        [
            "5",
            &id(173),
            "重复",
            &joint_code,
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    );
    let outside = row(
        7,
        [
            "6",
            &id(175),
            "越界",
            &format!("{}-{}", c.tech_branch.county, c.tech_branch.id),
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    );
    let rows = vec![
        good1.clone(),
        good2.clone(),
        skip.clone(),
        other,
        dup,
        outside,
    ];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!(plan.rows_read, 6);
    assert_eq!(plan.created, 2);
    assert_eq!(plan.skipped.len(), 1);
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![(5, "公民身份号码"), (6, "公民身份号码"), (7, "所在党组织")],
        "{:?}",
        plan.problems
    );
    assert!(
        plan.problems
            .iter()
            .any(|p| p.row == 6 && p.reason.contains("与第2行重复"))
    );
    // Not committable: nothing written.
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();
    assert!(
        store
            .commit_member_import(
                &source(&longyou, "党员.csv", "00"),
                &plan,
                &mut rows_of(&rows)
            )
            .is_err()
    );
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before
    );
    // A header without a required column is refused as a whole.
    let err = store
        .plan_member_import(&longyou, TODAY, &header[..3], &mut rows_of(&rows), &|_| {})
        .unwrap_err()
        .to_string();
    assert!(err.contains("缺少必填列"), "{err}");

    let sheet = vec![good1.clone(), good2, skip];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&sheet), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    let import = store
        .commit_member_import(
            &source(&longyou, "党员.csv", "ab12"),
            &plan,
            &mut rows_of(&sheet),
        )
        .unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 2
    );
    let found = store
        .find_member_by_resident_id(&longyou, &ResidentId::parse(&id(173)).unwrap().value)
        .unwrap()
        .unwrap();
    let view = store.member(&longyou, found).unwrap().unwrap();
    assert_eq!(view.name, "导入甲");
    assert_eq!(view.party_org, c.joint);
    assert!(view.resident_id_masked.contains('*'));
    let history = store.imports(&longyou).unwrap();
    assert_eq!(history[0].id, import);
    assert_eq!((history[0].created, history[0].skipped), (2, 1));
    // The same file again: everyone is already there.
    let again = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&[good1]), &|_| {})
        .unwrap();
    assert_eq!((again.created, again.skipped.len()), (0, 1));

    // Undone as a whole while nothing depends on it; not twice.
    let kecheng = scope_of(&mut store, c.kecheng);
    assert!(
        store.undo_import("t", &kecheng, import).is_err(),
        "not the other county's"
    );
    // The audit's open findings about the imported members go with them.
    let imported: Vec<i64> = {
        use liangxin_store::schema::members as m;
        m::table
            .filter(m::name.eq_any(["导入甲", "导入乙"]))
            .select(m::id)
            .load(store.conn())
            .unwrap()
    };
    let about_imported = |store: &mut Store| -> i64 {
        use liangxin_store::schema::audit_findings as af;
        af::table
            .filter(af::subject_type.eq("member"))
            .filter(af::subject_id.eq_any(&imported))
            .count()
            .get_result(store.conn())
            .unwrap()
    };
    store.run_audit("t", &longyou, TODAY).unwrap();
    assert!(about_imported(&mut store) > 0, "the audit found them");
    assert_eq!(store.undo_import("t", &longyou, import).unwrap(), 2);
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before
    );
    assert_eq!(about_imported(&mut store), 0);
    assert!(
        store
            .undo_import("t", &longyou, import)
            .unwrap_err()
            .to_string()
            .contains("已撤销")
    );
    assert!(store.imports(&longyou).unwrap()[0].undone_at.is_some());
    // Once something depends on an imported member, the import stays.
    let sheet = vec![row(
        2,
        [
            "1",
            &id(176),
            "导入丙",
            &joint_code,
            "正式",
            "2015-07-01",
            "2016-07-01",
        ],
    )];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&sheet), &|_| {})
        .unwrap();
    let second = store
        .commit_member_import(
            &source(&longyou, "党员2.csv", "cd34"),
            &plan,
            &mut rows_of(&sheet),
        )
        .unwrap();
    let m = store
        .find_member_by_resident_id(&longyou, &ResidentId::parse(&id(176)).unwrap().value)
        .unwrap()
        .unwrap();
    store
        .record_archive_item(
            "t",
            &longyou,
            TODAY,
            m,
            ArchiveItem::Application,
            d(2014, 1, 1),
        )
        .unwrap();
    let held = store
        .undo_import("t", &longyou, second)
        .unwrap_err()
        .to_string();
    assert!(held.contains("依赖"), "{held}");
    assert!(store.member(&longyou, m).unwrap().is_some());
}

pub(super) fn an_upload_is_checked_then_committed_once_and_its_file_wiped(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let rid = ResidentId::from_parts("330825", d(1990, 5, 4), 181)
        .unwrap()
        .expose()
        .to_owned();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let file = format!(
        "姓名,身份证号,所在支部,人员类别,入党日期,转正日期\n上传甲,{rid},{joint},正式党员,2015-07-01,2016-07-01\n"
    );
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let cells = |id: &str| {
        vec![(
            2,
            [
                "上传甲",
                id,
                joint.as_str(),
                "正式党员",
                "2015-07-01",
                "2016-07-01",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>(),
        )]
    };

    assert!(
        store
            .stage_upload("t", &longyou, "bogus", "x.csv", b"a")
            .is_err()
    );
    let id = store
        .stage_upload("t", &longyou, "members", "党员.csv", file.as_bytes())
        .unwrap();
    // Sealed at rest: the resident ID is not in the stored bytes.
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(upload.state, "checking");
    assert!(upload.working());
    assert_eq!(upload.file_sha256.len(), 64);
    assert!(
        store.upload(&kecheng, id).unwrap().is_none(),
        "not the other county's"
    );
    assert!(store.upload_file(&kecheng, id).is_err());
    assert_eq!(store.upload_file(&longyou, id).unwrap(), file.as_bytes());
    #[derive(QueryableByName)]
    struct Content {
        #[diesel(sql_type = diesel::sql_types::Binary)]
        content: Vec<u8>,
    }
    let stored: Content = diesel::sql_query(format!(
        "SELECT content FROM import_uploads WHERE id = {id}"
    ))
    .get_result(store.conn())
    .unwrap();
    assert!(
        !stored
            .content
            .windows(rid.len())
            .any(|w| w == rid.as_bytes())
    );

    store.upload_progress(id, 1, 2).unwrap();
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!((upload.done_rows, upload.total_rows), (1, 2));
    assert!(!upload.can_commit(), "not before its check ends");

    let plan = store
        .plan_member_import(
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&cells(&rid)),
            &|_| {},
        )
        .unwrap();
    let preview = plan.preview("CSV（UTF-8）", &["读取".to_owned()]);
    assert_eq!(
        (preview.create, preview.errors),
        (1, 0),
        "{:?}",
        preview.problems
    );
    assert_eq!(preview.sample[0].cells[0], "上传甲");
    assert!(preview.sample[0].cells[1].contains('*'));
    store.finish_check(id, Ok(&preview)).unwrap();
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(upload.state, "checked");
    assert_eq!(upload.preview.as_ref(), Some(&preview), "kept as it was");
    assert!(upload.can_commit());

    // One commit, however often it is asked for.
    store.begin_commit(&longyou, id).unwrap();
    let twice = store.begin_commit(&longyou, id).unwrap_err().to_string();
    assert!(twice.contains("正在导入"), "{twice}");
    let import = store
        .commit_member_import(
            &ImportSource {
                upload: Some(id),
                ..source(&longyou, "党员.csv", &upload.file_sha256)
            },
            &plan,
            &mut rows_of(&cells(&rid)),
        )
        .unwrap();
    let upload = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(
        (upload.state.as_str(), upload.import_id),
        ("committed", Some(import))
    );
    let gone = store.upload_file(&longyou, id).unwrap_err().to_string();
    assert!(gone.contains("不再保存"), "the file is wiped: {gone}");
    let done = store.begin_commit(&longyou, id).unwrap_err().to_string();
    assert!(done.contains("已经导入"), "{done}");

    // A file that cannot be read fails; a preview with errors cannot be committed, and
    // an ID that failed its check is kept masked.
    let bad = store
        .stage_upload("t", &longyou, "members", "坏.xlsx", b"PK")
        .unwrap();
    store.finish_check(bad, Err("文件已损坏")).unwrap();
    let failed = store.upload(&longyou, bad).unwrap().unwrap();
    assert_eq!(
        (failed.state.as_str(), failed.message.as_deref()),
        ("failed", Some("文件已损坏"))
    );
    assert!(store.begin_commit(&longyou, bad).is_err());
    store.discard_upload(&longyou, bad).unwrap();
    assert_eq!(
        store.upload(&longyou, bad).unwrap().unwrap().state,
        "discarded"
    );

    let wrong = store
        .stage_upload("t", &longyou, "members", "错.csv", b"x")
        .unwrap();
    let typo = format!("{}0", &rid[..17]);
    let plan = store
        .plan_member_import(
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&cells(&typo)),
            &|_| {},
        )
        .unwrap();
    let preview = plan.preview("CSV（UTF-8）", &[]);
    assert_eq!(preview.errors, 1);
    let p = &preview.problems[0];
    assert_eq!(p.column, "公民身份号码");
    assert!(
        p.value.contains('*') && !p.value.contains(&typo[6..14]),
        "{}",
        p.value
    );
    store.finish_check(wrong, Ok(&preview)).unwrap();
    let refused = store.begin_commit(&longyou, wrong).unwrap_err().to_string();
    assert!(refused.contains("1个错误"), "{refused}");
    assert_eq!(store.uploads(&longyou, 10).unwrap().len(), 3);
    assert!(store.uploads(&kecheng, 10).unwrap().is_empty());
}

pub(super) fn a_sheet_updates_registered_members_in_what_it_says_and_undoes_it(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let mut probationary = member(c.joint, "更新甲", 191, MemberStatus::Probationary, None);
    probationary.joined_on = d(2025, 3, 1);
    let id_a = probationary.resident_id.expose().to_owned();
    let a = store
        .insert_member("t", &longyou, TODAY, probationary)
        .unwrap();
    let full = member(c.joint, "更新乙", 192, MemberStatus::Full, None);
    let id_b = full.resident_id.expose().to_owned();
    let b = store.insert_member("t", &longyou, TODAY, full).unwrap();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
        "手机号码",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row =
        |n: usize, cells: [&str; 7]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let rows = vec![
        // 转正 recorded, the phone added, the name corrected.
        row(
            2,
            [
                "更新甲改",
                &id_a,
                &joint,
                "正式党员",
                "2025-03-01",
                "2026-03-01",
                "13800000001",
            ],
        ),
        // Exactly as registered (an empty phone erases nothing).
        row(
            3,
            [
                "更新乙",
                &id_b,
                &joint,
                "正式党员",
                "2010-07-01",
                "2011-07-01",
                "",
            ],
        ),
    ];
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.created, plan.updated, plan.skipped.len()), (0, 1, 1));
    let u = &plan.update_sample[0];
    assert_eq!(u.key, a);
    let columns: Vec<&str> = u.changes.iter().map(|c| c.0).collect();
    assert_eq!(columns, vec!["姓名", "党员类别", "转正时间", "手机号码"]);
    assert_eq!(
        u.changes[1],
        ("党员类别", "预备党员".to_owned(), "正式党员".to_owned())
    );
    assert_eq!(u.changes[2].1, "（空）");
    assert!(plan.skipped[0].1.contains("一致"), "{:?}", plan.skipped);
    let preview = plan.preview("CSV", &[]);
    assert_eq!((preview.update, preview.updates.len()), (1, 1));

    // A full member is never made probationary by a file.
    let back = vec![row(
        2,
        ["更新乙", &id_b, &joint, "预备党员", "2010-07-01", "", ""],
    )];
    let refused = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&back), &|_| {})
        .unwrap();
    assert_eq!(refused.errors(), 1, "{:?}", refused.problems);
    assert!(refused.problems[0].reason.contains("不能改为预备党员"));

    let import = store
        .commit_member_import(
            &source(&longyou, "更新.csv", "ee"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap();
    let view = store.member(&longyou, a).unwrap().unwrap();
    assert_eq!(view.name, "更新甲改");
    assert_eq!(view.status, MemberStatus::Full);
    assert_eq!(view.confirmed_on, Some(d(2026, 3, 1)));
    assert_eq!(store.imports(&longyou).unwrap()[0].updated, 1);
    let history = store.audit_entries("member", a.county, a.id).unwrap();
    assert!(
        history.iter().any(|h| h.action == "import_update"),
        "audited"
    );

    // Changed again since: the first import cannot be undone; the second can, then the first.
    let again = vec![row(
        2,
        [
            "更新甲改",
            &id_a,
            &joint,
            "正式党员",
            "2025-03-01",
            "2026-03-01",
            "13800000002",
        ],
    )];
    let plan2 = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&again), &|_| {})
        .unwrap();
    let second = store
        .commit_member_import(
            &source(&longyou, "再更新.csv", "ff"),
            &plan2,
            &mut rows_of(&again),
        )
        .unwrap();
    let held = store
        .undo_import("t", &longyou, import)
        .unwrap_err()
        .to_string();
    assert!(held.contains("又被修改"), "{held}");
    store.undo_import("t", &longyou, second).unwrap();
    store.undo_import("t", &longyou, import).unwrap();
    let view = store.member(&longyou, a).unwrap().unwrap();
    assert_eq!(view.name, "更新甲");
    assert_eq!(view.status, MemberStatus::Probationary);
    assert_eq!(view.confirmed_on, None);
    assert!(store.member(&longyou, b).unwrap().is_some());
}

/// A commit matches the sheet's rows again inside its transaction: a change elsewhere since
/// the plan lets it write; a person registered or changed since refuses it whole.
pub(super) fn a_commit_matches_the_rows_again_and_refuses_what_changed_since_its_plan(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sheet = |name: &str, who: &Member| {
        vec![(
            2,
            vec![
                name.to_owned(),
                who.resident_id.expose().to_owned(),
                joint.clone(),
                "正式党员".to_owned(),
                "2010-07-01".to_owned(),
                "2011-07-01".to_owned(),
            ],
        )]
    };
    let full = |name: &str, seq: u16| member(c.joint, name, seq, MemberStatus::Full, None);
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();

    // An unrelated change since the plan: matched again, still true, committed.
    let newcomer = full("后来甲", 201);
    let plan = store
        .plan_member_import(
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&sheet("后来甲", &newcomer)),
            &|_| {},
        )
        .unwrap();
    store
        .insert_member("t", &longyou, TODAY, full("无关", 202))
        .unwrap();
    store
        .commit_member_import(
            &source(&longyou, "甲.csv", "a1"),
            &plan,
            &mut rows_of(&sheet("后来甲", &newcomer)),
        )
        .unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 2
    );

    // The person registered meanwhile: refused, nothing written.
    let twice = full("后来乙", 203);
    let rows = sheet("后来乙", &twice);
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!(plan.created, 1);
    store.insert_member("t", &longyou, TODAY, twice).unwrap();
    let refused = store
        .commit_member_import(
            &source(&longyou, "乙.csv", "a2"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap_err()
        .to_string();
    assert!(
        refused.contains("预览之后登记情况有变化（第2至2行）"),
        "{refused}"
    );
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 3
    );

    // The member it updates changed meanwhile: refused, the other change kept.
    let kept = full("后来丙", 204);
    let key = store
        .insert_member("t", &longyou, TODAY, kept.clone())
        .unwrap();
    let (mine, theirs) = (sheet("后来丙改", &kept), sheet("后来丙另改", &kept));
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&mine), &|_| {})
        .unwrap();
    assert_eq!(plan.updated, 1);
    let other = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&theirs), &|_| {})
        .unwrap();
    store
        .commit_member_import(
            &source(&longyou, "丙2.csv", "a4"),
            &other,
            &mut rows_of(&theirs),
        )
        .unwrap();
    let refused = store
        .commit_member_import(
            &source(&longyou, "丙.csv", "a3"),
            &plan,
            &mut rows_of(&mine),
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("预览之后登记情况有变化"), "{refused}");
    assert_eq!(
        store.member(&longyou, key).unwrap().unwrap().name,
        "后来丙另改"
    );
}

/// A sheet with more rows than a quarter of the register is matched by reading the register
/// through once instead of a lookup per row, with the same answers: someone active elsewhere
/// is an error, someone already here as the sheet says is skipped, and someone whose record
/// has left may be registered again.
pub(super) fn a_sheet_as_large_as_the_register_is_matched_by_reading_it_through(db: &TestDb) {
    use liangxin_domain::kinds::LeaveReason;
    use liangxin_store::transfer::Leaving;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let full = |po: Key, name: &str, seq: u16| member(po, name, seq, MemberStatus::Full, None);
    let elsewhere = full(c.tech_branch, "别处", 211);
    store
        .insert_member("t", &all(), TODAY, elsewhere.clone())
        .unwrap();
    let here = full(c.joint, "本处", 212);
    store
        .insert_member("t", &longyou, TODAY, here.clone())
        .unwrap();
    let gone = full(c.joint, "停止党籍", 213);
    let gone_key = store
        .insert_member("t", &longyou, TODAY, gone.clone())
        .unwrap();
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &Leaving {
                member: gone_key,
                reason: LeaveReason::Suspended,
                on: TODAY,
                note: "党委决定".into(),
            },
        )
        .unwrap();
    let registered = usize::try_from(
        store
            .members_count(&all(), &MemberFilter::default())
            .unwrap(),
    )
    .unwrap();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let line = |row: usize, m: &Member| {
        (
            row,
            vec![
                m.name.clone(),
                m.resident_id.expose().to_owned(),
                joint.clone(),
                "正式党员".to_owned(),
                "2010-07-01".to_owned(),
                "2011-07-01".to_owned(),
            ],
        )
    };
    let mut rows = vec![line(2, &elsewhere), line(3, &here), line(4, &gone)];
    let newcomers = registered / 4 + 1;
    for i in 0..newcomers {
        let seq = 300 + u16::try_from(i).unwrap();
        rows.push(line(5 + i, &full(c.joint, "新人", seq)));
    }
    assert!(rows.len() > registered / 4, "the register is read through");
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!(plan.errors(), 1, "{:?}", plan.problems);
    assert_eq!(plan.problems[0].row, 2);
    assert!(plan.problems[0].reason.contains("不能在此登记"));
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].0, 3);
    assert_eq!(plan.created, newcomers + 1);
    assert!(
        plan.create_sample.iter().any(|p| p.row == 4),
        "the one who left"
    );
}

/// A sheet of more rows than a block is read, matched and written a block at a time: the
/// plan keeps counts, the first rows and a digest of each block; a commit whose second block
/// no longer comes to what the preview showed, or whose sheet ends early, writes nothing.
pub(super) fn a_sheet_of_many_blocks_is_previewed_and_written_a_block_at_a_time(db: &TestDb) {
    use liangxin_store::import::PLAN_BLOCK;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let before = store
        .members_count(&longyou, &MemberFilter::default())
        .unwrap();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let person = |i: usize| {
        let birth = d(1960, 1, 1) + chrono::Days::new(u64::try_from(i / 800).unwrap());
        let seq = 100 + u16::try_from(i % 800).unwrap();
        Member {
            resident_id: ResidentId::from_parts("330825", birth, seq).unwrap(),
            ..member(c.joint, &format!("批量{i}"), 0, MemberStatus::Full, None)
        }
    };
    let total = 2 * PLAN_BLOCK + 100;
    let rows: Vec<SheetRow> = (0..total)
        .map(|i| {
            let p = person(i);
            (
                i + 2,
                vec![
                    p.name.clone(),
                    p.resident_id.expose().to_owned(),
                    joint.clone(),
                    "正式党员".to_owned(),
                    "2010-07-01".to_owned(),
                    "2011-07-01".to_owned(),
                ],
            )
        })
        .collect();
    let told = std::sync::Mutex::new(Vec::new());
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|n| {
            told.lock().unwrap().push(n);
        })
        .unwrap();
    assert_eq!(
        (plan.rows_read, plan.created),
        (total, total),
        "{:?}",
        plan.problems.first()
    );
    assert_eq!(plan.blocks.len(), 3);
    assert_eq!(
        plan.create_sample.len(),
        liangxin_store::import::PREVIEW_SAMPLE
    );
    assert_eq!(
        told.into_inner().unwrap(),
        vec![PLAN_BLOCK, 2 * PLAN_BLOCK, total],
        "progress a block at a time"
    );

    // Someone in the second block registered since: refused, naming the block's rows.
    let late = person(PLAN_BLOCK + 5);
    let key = store
        .insert_member("t", &longyou, TODAY, late.clone())
        .unwrap();
    let refused = store
        .commit_member_import(
            &source(&longyou, "大表.csv", "b1"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap_err()
        .to_string();
    let span = format!("第{}至{}行", PLAN_BLOCK + 2, 2 * PLAN_BLOCK + 1);
    assert!(refused.contains(&span), "{refused}");
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 1
    );
    assert!(store.imports(&longyou).unwrap().is_empty());

    // Previewed again: that row is skipped. A sheet that ends early is refused.
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&rows), &|_| {})
        .unwrap();
    assert_eq!((plan.created, plan.skipped.len()), (total - 1, 1));
    let refused = store
        .commit_member_import(
            &source(&longyou, "大表.csv", "b2"),
            &plan,
            &mut rows_of(&rows[..PLAN_BLOCK]),
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("与预览时"), "{refused}");
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 1
    );

    let import = store
        .commit_member_import(
            &source(&longyou, "大表.csv", "b3"),
            &plan,
            &mut rows_of(&rows),
        )
        .unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + i64::try_from(total).unwrap()
    );
    let last = person(total - 1);
    let found = store
        .find_member_by_resident_id(&longyou, &last.resident_id)
        .unwrap()
        .unwrap();
    assert_eq!(
        store.member(&longyou, found).unwrap().unwrap().name,
        last.name
    );
    store.undo_import("t", &longyou, import).unwrap();
    assert_eq!(
        store
            .members_count(&longyou, &MemberFilter::default())
            .unwrap(),
        before + 1
    );
    assert!(store.member(&longyou, key).unwrap().is_some());
}

pub(super) fn an_organization_sheet_is_matched_by_credit_code_committed_and_undone(db: &TestDb) {
    use liangxin_domain::import::Severity;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let town = region(330825001, "龙洲街道", Some(LYX));
    store
        .bulk_load(
            "test",
            LoadMode::Append,
            Bulk {
                regions: std::slice::from_ref(&town),
                zones: &[],
                organizations: &[],
                party_orgs: &[],
                coverage: &[],
                instructors: &[],
                assignments: &[],
                members: &[],
                meetings: &[],
                dues_standards: &[],
                dues_payments: &[],
                records_start: d(2024, 1, 1),
                archive_items: &[],
                floating: &[],
            },
            &mut |_, _, _| {},
        )
        .unwrap();
    // A unit of Kecheng with a code: outside Longyou's reach.
    let kecheng_code = CreditCode::from_parts("91330802MA2CCCCC3").unwrap();
    store
        .insert_organization(
            "test",
            &all(),
            Organization {
                key: Key { county: KCQ, id: 0 },
                name: "柯城某贸易有限公司".into(),
                credit_code: Some(kecheng_code.clone()),
                credit_code_check_failed: false,
                kind: OrgKind::Enterprise,
                sectors: SectorSet::EMPTY,
                town: None,
                zone: None,
                employees: None,
                registered_on: None,
            },
        )
        .unwrap();
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let header: Vec<String> = [
        "企业名称",
        "信用代码",
        "组织类型",
        "乡镇街道",
        "行业",
        "职工人数",
        "成立时间",
        "备注",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row =
        |n: usize, cells: [&str; 8]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let new_code = CreditCode::from_parts("91330825MA2BBBBB2").unwrap();
    let registered = CreditCode::from_parts("91330825MA2AAAAA1").unwrap();
    let good = vec![
        row(2, ["示例：某公司", "", "", "", "", "", "", ""]),
        row(
            3,
            [
                "龙游戊智能科技有限公司",
                new_code.as_str(),
                "",
                "龙洲街道",
                "制造业、商贸流通",
                "50",
                "2019-05-20",
                "",
            ],
        ),
        row(
            4,
            [
                "龙游甲红木家具有限公司",
                registered.as_str(),
                "",
                "",
                "",
                "45",
                "",
                "",
            ],
        ),
        row(
            5,
            ["龙游乙红木工艺品有限公司", "", "", "", "", "30", "", ""],
        ),
        row(
            6,
            [
                "龙游县红木行业协会",
                "",
                "社会团体",
                "",
                "行业协会商会",
                "",
                "",
                "",
            ],
        ),
    ];
    let mut bad = good.clone();
    bad.push(row(
        7,
        [
            "柯城某贸易有限公司",
            kecheng_code.as_str(),
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ));
    bad.push(row(
        8,
        ["龙游己公司", new_code.as_str(), "", "", "", "", "", ""],
    ));
    bad.push(row(
        9,
        ["龙游庚公司", "", "非公有制企业", "塔石镇", "", "", "", ""],
    ));
    bad.push(row(10, ["龙游辛公司", "", "", "", "", "", "", ""]));

    // A branch secretary registers no organizations.
    let branch = scope_of(&mut store, c.joint);
    let refused = store.plan_organization_import(&branch, TODAY, &header, good.clone(), &|_| {});
    assert!(
        matches!(refused, Err(StoreError::Invalid { .. })),
        "{refused:?}"
    );

    let plan = store
        .plan_organization_import(&county, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (7, "统一社会信用代码"),
            (8, "统一社会信用代码"),
            (9, "所在乡镇(街道)"),
            (10, "单位类型"),
        ],
        "{:?}",
        plan.problems
    );
    assert!(!plan.committable());
    let before = org_facts(&mut store, "龙游戊智能科技有限公司");
    assert!(before.is_empty());
    let refused = store.commit_organization_import(&source(&county, "bad.xlsx", "x"), &plan);
    assert!(matches!(refused, Err(StoreError::Invalid { .. })));
    assert!(org_facts(&mut store, "龙游戊智能科技有限公司").is_empty());

    let plan = store
        .plan_organization_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 2, "{:?}", plan.create);
    assert_eq!(plan.update.len(), 1);
    assert_eq!(plan.ignored_columns, vec!["备注".to_owned()]);
    // The example row, and the unit matched by name whose record already says it all.
    assert_eq!(
        plan.skipped.iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![2, 5]
    );
    assert_eq!(
        plan.update[0].changes,
        vec![("从业人员数", "30".to_owned(), "45".to_owned())]
    );
    let warned: Vec<usize> = plan.problems.iter().map(|p| p.row).collect();
    assert_eq!(warned, vec![5, 6], "{:?}", plan.problems);
    let preview = plan.preview("CSV", &[]);
    assert_eq!(preview.sample[0].cells[0], "龙游戊智能科技有限公司");
    assert_eq!(preview.sample[0].cells[3], "龙洲街道");
    assert_eq!(preview.updates[0].identifier, registered.as_str());

    let id = store
        .commit_organization_import(&source(&county, "orgs.xlsx", "abc"), &plan)
        .unwrap();
    let made = org_facts(&mut store, "龙游戊智能科技有限公司");
    assert_eq!(made.len(), 1);
    let (_, code, kind, town_code, sectors, employees) = made[0].clone();
    assert_eq!(code.as_deref(), Some(new_code.as_str()));
    assert_eq!(kind, "enterprise", "inferred from the code");
    assert_eq!(town_code, Some(330825001));
    let sectors = SectorSet::from_bits(sectors);
    assert!(sectors.contains(SectorTag::Manufacturing) && sectors.contains(SectorTag::Commerce));
    assert_eq!(employees, Some(50));
    assert_eq!(
        org_facts(&mut store, "龙游县红木行业协会")[0].2,
        "social_group"
    );
    assert_eq!(
        org_facts(&mut store, "龙游甲红木家具有限公司")[0].5,
        Some(45)
    );
    let history = store.imports(&county).unwrap();
    assert_eq!(history[0].id, id);
    assert_eq!(history[0].kind, "organizations");
    assert_eq!(
        (history[0].created, history[0].updated, history[0].skipped),
        (2, 1, 2)
    );
    // The same file again changes nothing: every row is skipped or matched.
    let again = store
        .plan_organization_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert_eq!((again.create.len(), again.update.len()), (0, 0));

    // Undone whole: the new units gone, the updated one as it was.
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert!(org_facts(&mut store, "龙游戊智能科技有限公司").is_empty());
    assert!(org_facts(&mut store, "龙游县红木行业协会").is_empty());
    assert_eq!(
        org_facts(&mut store, "龙游甲红木家具有限公司")[0].5,
        Some(30)
    );
    assert!(matches!(
        store.undo_import("t", &county, id),
        Err(StoreError::Invalid { .. })
    ));

    // Once a party organization covers a unit it brought, it cannot be undone.
    let plan = store
        .plan_organization_import(&county, TODAY, &header, good, &|_| {})
        .unwrap();
    let id = store
        .commit_organization_import(&source(&county, "orgs.xlsx", "abc"), &plan)
        .unwrap();
    let new_key = {
        use liangxin_store::schema::organizations as o;
        let (county, id): (i32, i64) = o::table
            .filter(o::name.eq("龙游戊智能科技有限公司"))
            .select((o::county_code, o::id))
            .first(store.conn())
            .unwrap();
        Key { county, id }
    };
    store
        .add_coverage(CoverageLink {
            organization: new_key,
            party_org: c.joint,
            since: TODAY,
        })
        .unwrap();
    let refused = store.undo_import("t", &county, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("关联")),
        "{refused:?}"
    );
    assert_eq!(org_facts(&mut store, "龙游戊智能科技有限公司").len(), 1);
    assert_eq!(
        org_facts(&mut store, "龙游甲红木家具有限公司")[0].5,
        Some(45)
    );

    // An accounting firm whose code begins with 9: a blank 单位类型 leaves its kind.
    let firm_code = CreditCode::from_parts("91330825MA2DDDDD4").unwrap();
    store
        .insert_organization(
            "test",
            &all(),
            Organization {
                key: Key { county: LYX, id: 0 },
                name: "龙游某会计师事务所".into(),
                credit_code: Some(firm_code.clone()),
                credit_code_check_failed: false,
                kind: OrgKind::OtherSocial,
                sectors: SectorSet::EMPTY,
                town: None,
                zone: None,
                employees: Some(5),
                registered_on: None,
            },
        )
        .unwrap();
    let plan = store
        .plan_organization_import(
            &county,
            TODAY,
            &header,
            vec![row(
                2,
                [
                    "龙游某会计师事务所",
                    firm_code.as_str(),
                    "",
                    "",
                    "",
                    "8",
                    "",
                    "",
                ],
            )],
            &|_| {},
        )
        .unwrap();
    assert_eq!(
        plan.update[0].changes,
        vec![("从业人员数", "5".to_owned(), "8".to_owned())]
    );
}

pub(super) fn a_committee_sheet_records_past_and_current_terms_by_the_rules_and_undoes_them(
    db: &TestDb,
) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::Post;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let mut add = |name: &str, seq: u16, status: MemberStatus| {
        store
            .insert_member(
                "t",
                &longyou,
                TODAY,
                member(c.joint, name, seq, status, None),
            )
            .unwrap()
    };
    let wang = add("王书记", 201, MemberStatus::Full);
    let li = add("李委员", 202, MemberStatus::Full);
    add("赵预备", 203, MemberStatus::Probationary);
    let sun = add("孙离开", 205, MemberStatus::Full);
    store
        .leave_member(
            "t",
            &longyou,
            TODAY,
            &liangxin_store::transfer::Leaving {
                member: sun,
                reason: liangxin_domain::kinds::LeaveReason::Died,
                on: d(2025, 6, 30),
                note: "讣告".into(),
            },
        )
        .unwrap();
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1985, 6, 1), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    let strings = |cells: &[&str]| cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let code = format!("{}-{}", c.joint.county, c.joint.id);
    let header = strings(&["党支部", "姓名", "身份证号", "职务", "任职日期", "离任日期"]);
    let good = vec![
        (2, strings(&["", "示例：张三", "", "书记", "", ""])),
        (
            3,
            strings(&[
                &code,
                "王书记",
                &id(201),
                "书记",
                "2021-03-01",
                "2024-02-29",
            ]),
        ),
        (
            4,
            strings(&[&code, "李委员", &id(202), "支部书记", "2024-03-01", ""]),
        ),
        (
            5,
            strings(&[&code, "王书记", &id(201), "组织委员", "2024年3月1日", ""]),
        ),
    ];
    let mut bad = good.clone();
    bad.extend([
        (
            6,
            strings(&[&code, "赵预备", &id(203), "宣传委员", "2024-03-01", ""]),
        ),
        (
            7,
            strings(&[&code, "李委员", &id(202), "副书记", "2025-01-01", ""]),
        ),
        (
            8,
            strings(&["不存在的支部", "", &id(202), "委员", "2024-03-01", ""]),
        ),
        (
            9,
            strings(&[&code, "", &id(201), "党小组组长", "2024-03-01", ""]),
        ),
        (
            10,
            strings(&[&code, "", &id(299), "委员", "2024-03-01", ""]),
        ),
        (
            11,
            strings(&[&code, "", &id(205), "委员", "2024-03-01", "2025-12-31"]),
        ),
        (
            12,
            strings(&[&code, "", &id(205), "青年委员", "2024-03-01", ""]),
        ),
    ]);
    let plan = store
        .plan_post_import(&longyou, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (6, "公民身份号码"),
            (7, "任职日期"),
            (8, "所在党组织"),
            (9, "职务"),
            (10, "公民身份号码"),
            (11, "离任日期"),
            (12, "离任日期"),
        ],
        "{:?}",
        plan.problems
    );
    let plan = store
        .plan_post_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.skipped.len()), (3, 1));
    let import = store
        .commit_post_import(&source(&longyou, "委员会.xlsx", "p"), &plan)
        .unwrap();
    let posts = store.posts_of(&longyou, c.joint).unwrap();
    let now: Vec<(Post, Key)> = posts
        .iter()
        .filter(|h| h.current(TODAY))
        .map(|h| (h.post, h.member))
        .collect();
    assert_eq!(now, vec![(Post::Secretary, li), (Post::Organization, wang)]);
    assert!(
        store
            .secretary_vacancies(&longyou, TODAY)
            .unwrap()
            .iter()
            .all(|v| v.0 != c.joint)
    );
    // The same sheet again skips every term; a new 书记 over the recorded one is refused.
    let again = store
        .plan_post_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert_eq!((again.create.len(), again.skipped.len()), (0, 4));
    let over = store
        .plan_post_import(
            &longyou,
            TODAY,
            &header,
            vec![(2, strings(&[&code, "", &id(201), "书记", "2026-01-01", ""]))],
            &|_| {},
        )
        .unwrap();
    assert_eq!(over.errors(), 1, "{:?}", over.problems);
    // Undone whole; once a term it left open is ended, no longer.
    assert_eq!(store.undo_import("t", &longyou, import).unwrap(), 3);
    assert!(store.posts_of(&longyou, c.joint).unwrap().is_empty());
    let plan = store
        .plan_post_import(&longyou, TODAY, &header, good, &|_| {})
        .unwrap();
    let import = store
        .commit_post_import(&source(&longyou, "委员会.xlsx", "p"), &plan)
        .unwrap();
    let li_term = store
        .posts_of(&longyou, c.joint)
        .unwrap()
        .into_iter()
        .find(|h| h.member == li)
        .unwrap();
    store
        .end_post("t", &longyou, c.joint, li_term.id, d(2026, 11, 1), TODAY)
        .unwrap();
    assert!(store.undo_import("t", &longyou, import).is_err());
}

pub(super) fn a_zone_sheet_registers_parks_and_towns_with_their_committees_and_undoes_them(
    db: &TestDb,
) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::{ZoneClass, ZoneKind};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let strings = |cells: &[&str]| cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // A 党工委 registered first, to lead the town.
    let po_header = strings(&["党组织名称", "上级党组织", "组织类别"]);
    let committee_row = strings(&["中共龙游红木小镇工作委员会", "中共龙游县两新工委", "党工委"]);
    let plan = store
        .plan_party_org_import(
            &county,
            TODAY,
            &po_header,
            vec![(2, committee_row)],
            &|_| {},
        )
        .unwrap();
    store
        .commit_party_org_import(&source(&county, "党工委.csv", "a"), &plan)
        .unwrap();
    let committee = party_org_facts(&mut store, "中共龙游红木小镇工作委员会")[0].0;

    let header = strings(&["名称", "类型", "一镇一策分类", "级别", "区县", "党工委"]);
    let good = vec![
        (2, strings(&["示例：某小镇", "特色小镇", "", "", "", ""])),
        (
            3,
            strings(&[
                "龙游红木小镇",
                "特色小镇",
                "传统产业提升类",
                "省级",
                "",
                "中共龙游红木小镇工作委员会",
            ]),
        ),
        (
            4,
            strings(&["龙游工业园区", "园区", "", "县级", "330825", ""]),
        ),
    ];
    let mut bad = good.clone();
    bad.extend([
        (5, strings(&["柯城某园区", "园区", "", "", "柯城区", ""])),
        (6, strings(&["龙游工业园区", "园区", "", "", "", ""])),
        (
            7,
            strings(&["龙游某市场", "专业市场", "", "", "", "中共龙游县两新工委"]),
        ),
        (
            8,
            strings(&[
                "龙游某楼宇",
                "商务楼宇",
                "",
                "",
                "",
                "中共龙游红木小镇工作委员会",
            ]),
        ),
    ]);
    let plan = store
        .plan_zone_import(&county, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (5, "所在县(市、区)"),
            (6, "园区小镇名称"),
            (7, "党工委"),
            (8, "党工委"),
        ],
        "{:?}",
        plan.problems
    );
    assert!(
        store
            .commit_zone_import(&source(&county, "bad.csv", "x"), &plan)
            .is_err()
    );
    assert!(store.zones_of(&county).unwrap().is_empty());

    let plan = store
        .plan_zone_import(&county, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.skipped.len()), (2, 1));
    let id = store
        .commit_zone_import(&source(&county, "园区小镇.csv", "b"), &plan)
        .unwrap();
    let zones = store.zones_of(&county).unwrap();
    let town = zones.iter().find(|z| z.name == "龙游红木小镇").unwrap();
    assert_eq!(
        (town.kind, town.class, town.county),
        (ZoneKind::Town, Some(ZoneClass::TraditionalIndustry), LYX)
    );
    let (_, leader) = store.zone_in_scope(&county, town.id).unwrap().unwrap();
    assert_eq!(leader.map(|l| l.0), Some(committee));
    assert!(
        zones
            .iter()
            .any(|z| z.name == "龙游工业园区" && z.kind == ZoneKind::Park)
    );
    assert_eq!(store.imports(&county).unwrap()[0].kind, "zones");

    // The same sheet again: every zone registered, skipped.
    let again = store
        .plan_zone_import(&county, &header, good, &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.skipped.len()),
        (0, 3),
        "{again:?}"
    );
    // A second 党工委 for the town is refused by the party-organization import too.
    let second = strings(&[
        "中共龙游红木小镇第二工作委员会",
        "中共龙游县两新工委",
        "党工委",
    ]);
    let po_header = strings(&["党组织名称", "上级党组织", "组织类别", "所在园区小镇"]);
    let mut row = second.clone();
    row.push("龙游红木小镇".into());
    let plan = store
        .plan_party_org_import(&county, TODAY, &po_header, vec![(2, row)], &|_| {})
        .unwrap();
    assert_eq!(
        plan.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| (p.row, p.column))
            .collect::<Vec<_>>(),
        vec![(2, "所在园区小镇")],
        "{:?}",
        plan.problems
    );
    // A city's committee names the county of each zone.
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let plan = store
        .plan_zone_import(
            &city,
            &header,
            vec![(2, strings(&["某园区", "园区", "", "", "", ""]))],
            &|_| {},
        )
        .unwrap();
    assert_eq!(plan.problems[0].column, "所在县(市、区)");
    // A zone's own committee registers none.
    let town_scope = Scope {
        zone: Some(town.id),
        ..county.clone()
    };
    assert!(
        store
            .plan_zone_import(&town_scope, &header, Vec::new(), &|_| {})
            .is_err()
    );

    // The undo takes the zones back and lets their 党工委 go; another county cannot.
    let kecheng = Scope {
        region: Some(KCQ),
        ..scope_of(&mut store, c.kecheng)
    };
    assert!(store.undo_import("t", &kecheng, id).is_err());
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert!(store.zones_of(&county).unwrap().is_empty());
    use liangxin_store::schema::party_orgs as po;
    let led: Option<i64> = po::table
        .filter(po::id.eq(committee.id))
        .select(po::zone_id)
        .first(store.conn())
        .unwrap();
    assert_eq!(led, None);
}

pub(super) fn a_party_org_sheet_builds_a_subtree_with_its_coverage_and_undoes_it(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_store::schema::party_org_coverage as pc;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let header: Vec<String> = [
        "党组织名称",
        "组织编号",
        "上级党组织",
        "组织类别",
        "组建方式",
        "是否成立支部委员会",
        "本届任期开始",
        "覆盖单位信用代码",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let row =
        |n: usize, cells: [&str; 8]| (n, cells.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
    let covered = CreditCode::from_parts("91330825MA2AAAAA1").unwrap();
    let unknown = CreditCode::from_parts("91330825MA2XXXXX9").unwrap();
    let joint_code = format!("{}-{}", c.joint.county, c.joint.id);
    let kecheng_code = format!("{}-{}", c.tech_branch.county, c.tech_branch.id);
    let good = vec![
        row(2, ["示例：某支部", "", "", "", "", "", "", ""]),
        row(
            3,
            [
                "中共龙游红木小镇委员会",
                "",
                "中共龙游县两新工委",
                "党委",
                "",
                "是",
                "2025-01-10",
                "",
            ],
        ),
        row(
            4,
            [
                "中共龙游甲公司支部委员会",
                "",
                "中共龙游县两新工委/中共龙游红木小镇委员会",
                "党支部",
                "单独组建",
                "否",
                "",
                covered.as_str(),
            ],
        ),
        row(
            5,
            [
                "龙游红木小镇联合党支部",
                &joint_code,
                "",
                "",
                "",
                "否",
                "",
                "",
            ],
        ),
    ];
    let mut bad = good.clone();
    bad.push(row(
        6,
        ["某支部", "", &joint_code, "党支部", "", "", "", ""],
    ));
    bad.push(row(
        7,
        ["某支部", "", "不存在的党委", "党支部", "", "", "", ""],
    ));
    bad.push(row(
        8,
        [
            "某新支部",
            "",
            "中共龙游县两新工委",
            "党支部",
            "",
            "",
            "",
            unknown.as_str(),
        ],
    ));
    bad.push(row(
        9,
        [
            "衢州某科技公司党支部",
            &kecheng_code,
            "",
            "",
            "",
            "",
            "",
            "",
        ],
    ));

    let plan = store
        .plan_party_org_import(&county, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (6, "组织类别"),
            (7, "上级党组织"),
            (8, "覆盖单位信用代码"),
            (9, "组织编号"),
        ],
        "{:?}",
        plan.problems
    );
    assert!(
        store
            .commit_party_org_import(&source(&county, "bad.xlsx", "x"), &plan)
            .is_err()
    );
    assert!(party_org_facts(&mut store, "中共龙游红木小镇委员会").is_empty());

    let plan = store
        .plan_party_org_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.update.len()), (2, 1));
    assert_eq!(
        plan.update[0].changes,
        vec![("是否成立支部委员会", "是".to_owned(), "否".to_owned())]
    );
    let id = store
        .commit_party_org_import(&source(&county, "党组织.xlsx", "abc"), &plan)
        .unwrap();
    let committee = party_org_facts(&mut store, "中共龙游红木小镇委员会");
    let branch = party_org_facts(&mut store, "中共龙游甲公司支部委员会");
    assert_eq!((committee.len(), branch.len()), (1, 1));
    assert_eq!(
        committee[0].1,
        format!("{}{}/", county.party_path, committee[0].0.id)
    );
    assert_eq!(
        branch[0].1,
        format!("{}{}/", committee[0].1, branch[0].0.id),
        "under the row above it"
    );
    let covering: Vec<(i32, i64)> = pc::table
        .filter(pc::party_org_id.eq(branch[0].0.id))
        .select((pc::county_code, pc::organization_id))
        .load(store.conn())
        .unwrap();
    assert_eq!(covering, vec![(c.orgs[0].county, c.orgs[0].id)]);
    assert!(!party_org_facts(&mut store, "龙游红木小镇联合党支部")[0].2);
    let history = store.imports(&county).unwrap();
    assert_eq!(history[0].kind, "party_orgs");
    assert_eq!(
        (history[0].created, history[0].updated, history[0].skipped),
        (2, 1, 1)
    );
    // The same sheet again: every row found where it now is.
    let again = store
        .plan_party_org_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.update.len()),
        (0, 0),
        "{again:?}"
    );

    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert!(party_org_facts(&mut store, "中共龙游红木小镇委员会").is_empty());
    assert!(party_org_facts(&mut store, "中共龙游甲公司支部委员会").is_empty());
    assert!(party_org_facts(&mut store, "龙游红木小镇联合党支部")[0].2);

    // A member in a branch it set up: no longer undone.
    let plan = store
        .plan_party_org_import(&county, TODAY, &header, good, &|_| {})
        .unwrap();
    let id = store
        .commit_party_org_import(&source(&county, "党组织.xlsx", "abc"), &plan)
        .unwrap();
    let branch = party_org_facts(&mut store, "中共龙游甲公司支部委员会")[0].0;
    // A unit covered the same day on the party-organization page keeps it.
    store
        .add_coverage(CoverageLink {
            organization: c.orgs[1],
            party_org: branch,
            since: TODAY,
        })
        .unwrap();
    let refused = store.undo_import("t", &county, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("覆盖单位")),
        "{refused:?}"
    );
    store
        .insert_member(
            "t",
            &county,
            TODAY,
            member(branch, "新支部党员", 181, MemberStatus::Full, None),
        )
        .unwrap();
    let refused = store.undo_import("t", &county, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("关联")),
        "{refused:?}"
    );
    assert_eq!(
        party_org_facts(&mut store, "中共龙游甲公司支部委员会").len(),
        1
    );

    // The register, exported in the import's columns, imports again as it is.
    let code = |k: Key| format!("{}-{}", k.county, k.id);
    let register = store.party_org_register(&county, 0, 500).unwrap();
    assert_eq!(register[0].key, c.longyou, "the scope's top first");
    assert!(
        register
            .iter()
            .any(|r| r.key == branch && r.members == 1 && r.covered_units == 2)
    );
    let header: Vec<String> = [
        "组织编号",
        "党组织名称",
        "上级党组织",
        "组织类别",
        "组建方式",
        "是否成立支部委员会",
        "本届任期开始",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let sheet: Vec<(usize, Vec<String>)> = register
        .iter()
        .enumerate()
        .map(|(i, r)| {
            (
                i + 2,
                vec![
                    code(r.key),
                    r.name.clone(),
                    r.parent.map(code).unwrap_or_default(),
                    r.org_type.label().to_owned(),
                    r.formation_mode
                        .map(|m| m.label().to_owned())
                        .unwrap_or_default(),
                    if r.has_committee { "是" } else { "否" }.to_owned(),
                    r.term_started.map(|d| d.to_string()).unwrap_or_default(),
                ],
            )
        })
        .collect();
    let again = store
        .plan_party_org_import(&county, TODAY, &header, sheet, &|_| {})
        .unwrap();
    assert!(again.problems.is_empty(), "{:?}", again.problems);
    assert_eq!(
        (again.create.len(), again.update.len(), again.skipped.len()),
        (0, 0, register.len())
    );
}

pub(super) fn a_member_sheet_sets_new_members_dues_standards_and_its_undo_takes_them_back(
    db: &TestDb,
) {
    use liangxin_domain::dues::{DuesRules, monthly_standard};
    use liangxin_domain::import::Severity;
    use liangxin_domain::kinds::DuesCategory;
    use liangxin_domain::money::Fen;
    use liangxin_store::schema::dues_standards as ds;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let rules = DuesRules::resolve(&store.rule_set().unwrap(), TODAY).unwrap();
    let id = |seq: u16| {
        ResidentId::from_parts("330825", d(1987, 9, 9), seq)
            .unwrap()
            .expose()
            .to_owned()
    };
    let registered = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "已在册", 191, MemberStatus::Full, None),
        )
        .unwrap();
    let _ = registered;
    let registered_id = member(c.joint, "", 191, MemberStatus::Full, None)
        .resident_id
        .expose()
        .to_owned();
    let header: Vec<String> = [
        "姓名",
        "身份证号",
        "所在支部",
        "人员类别",
        "入党日期",
        "转正日期",
        "党费类别",
        "党费基数",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let row = |n: usize, name: &str, rid: &str, category: &str, base: &str| {
        (
            n,
            [
                name,
                rid,
                &joint,
                "正式",
                "2015-07-01",
                "2016-07-01",
                category,
                base,
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<Vec<_>>(),
        )
    };
    let salaried = id(192);
    let student = id(193);
    let good = vec![
        row(2, "在职甲", &salaried, "在职", "5000"),
        row(3, "学生乙", &student, "学生", ""),
        row(4, "已在册", &registered_id, "在职", "8000"),
    ];
    let mut bad = good.clone();
    bad.push(row(5, "在职丙", &id(194), "在职", ""));
    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&bad), &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(errors, vec![(5, "党费计算基数")], "{:?}", plan.problems);
    let warned: Vec<usize> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Warning)
        .map(|p| p.row)
        .collect();
    assert_eq!(
        warned,
        vec![4],
        "the registered member's standard is not changed"
    );

    let plan = store
        .plan_member_import(&longyou, TODAY, &header, &mut rows_of(&good), &|_| {})
        .unwrap();
    let import = store
        .commit_member_import(
            &source(&longyou, "党费.xlsx", "d"),
            &plan,
            &mut rows_of(&good),
        )
        .unwrap();
    let standards = |store: &mut Store| -> Vec<(String, Option<i64>, i64, String)> {
        ds::table
            .filter(ds::year.eq(2026))
            .order(ds::member_id)
            .select((ds::category, ds::base_fen, ds::monthly_fen, ds::set_by))
            .load(store.conn())
            .unwrap()
    };
    let expected = |category, base: Option<Fen>| {
        monthly_standard(category, base, None, &rules)
            .unwrap()
            .monthly
            .fen()
    };
    assert_eq!(
        standards(&mut store),
        vec![
            (
                "salaried".to_owned(),
                Some(500_000),
                expected(DuesCategory::Salaried, Some(Fen::new(500_000))),
                format!("import:{import}")
            ),
            (
                "student".to_owned(),
                None,
                expected(DuesCategory::Student, None),
                format!("import:{import}")
            ),
        ]
    );
    store.undo_import("t", &longyou, import).unwrap();
    assert!(
        standards(&mut store).is_empty(),
        "taken back with the members"
    );
}

pub(super) fn an_instructor_sheet_assigns_known_and_new_instructors_and_undoes_it(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_store::schema::{instructor_assignments as ia, instructors as ins};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let unit = |store: &mut Store, county, name: &str, code: &str| {
        let code = CreditCode::from_parts(code).unwrap();
        store
            .insert_organization(
                "test",
                &all(),
                Organization {
                    key: Key { county, id: 0 },
                    name: name.into(),
                    credit_code: Some(code.clone()),
                    credit_code_check_failed: false,
                    kind: OrgKind::Enterprise,
                    sectors: SectorSet::EMPTY,
                    town: None,
                    zone: None,
                    employees: None,
                    registered_on: None,
                },
            )
            .unwrap();
        code.as_str().to_owned()
    };
    let here = unit(&mut store, LYX, "龙游戊公司", "91330825MA2BBBBB2");
    let there = unit(&mut store, KCQ, "柯城己公司", "91330802MA2CCCCC3");
    let first = CreditCode::from_parts("91330825MA2AAAAA1").unwrap();
    let county = Scope {
        region: Some(LYX),
        ..scope_of(&mut store, c.longyou)
    };
    let header: Vec<String> = ["信用代码", "单位名称", "指导员姓名", "联系电话", "派驻日期"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let row = |n: usize, cells: [&str; 5]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let good: Vec<(usize, Vec<String>)> = vec![
        row(2, ["", "示例：某公司", "", "", ""]),
        row(
            3,
            [
                first.as_str(),
                "龙游甲红木家具有限公司",
                "王指导",
                "",
                "2025-06-01",
            ],
        ),
        row(4, [&here, "旧名字", "李新", "13900000000", ""]),
        row(5, [first.as_str(), "", "李新", "", ""]),
    ];
    let mut bad = good.clone();
    bad.push(row(6, [&here, "", "李新", "13900000000", ""]));
    bad.push(row(7, [&there, "", "张三", "", ""]));
    let plan = store
        .plan_assignment_import(&county, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![(6, "党建指导员"), (7, "单位统一社会信用代码")],
        "{:?}",
        plan.problems
    );

    let plan = store
        .plan_assignment_import(&county, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!((plan.create.len(), plan.new_instructors.len()), (3, 1));
    let warned: Vec<usize> = plan.problems.iter().map(|p| p.row).collect();
    assert_eq!(
        warned,
        vec![4],
        "the unit's name differs: {:?}",
        plan.problems
    );
    let instructors =
        |store: &mut Store| -> i64 { ins::table.count().get_result(store.conn()).unwrap() };
    let assignments =
        |store: &mut Store| -> i64 { ia::table.count().get_result(store.conn()).unwrap() };
    let (ins_before, ia_before) = (instructors(&mut store), assignments(&mut store));
    let id = store
        .commit_assignment_import(&source(&county, "选派.xlsx", "s"), &plan)
        .unwrap();
    assert_eq!(instructors(&mut store), ins_before + 1);
    assert_eq!(assignments(&mut store), ia_before + 3);
    let since: NaiveDate = ia::table
        .filter(ia::organization_id.eq(c.orgs[0].id))
        .filter(ia::since.eq(d(2025, 6, 1)))
        .select(ia::since)
        .first(store.conn())
        .unwrap();
    assert_eq!(since, d(2025, 6, 1));
    // Again: every assignment is already made.
    let again = store
        .plan_assignment_import(&county, TODAY, &header, good, &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.skipped.len()),
        (0, 4),
        "{again:?}"
    );
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 3);
    assert_eq!(instructors(&mut store), ins_before);
    assert_eq!(assignments(&mut store), ia_before);

    // History: an ended assignment (结束日期) beside the open one, skipped when imported
    // again; one overlapping the open one, or starting the same day and ending another, is
    // refused; the undo takes both back.
    let header: Vec<String> = ["信用代码", "指导员姓名", "派驻日期", "离任日期"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let row = |n: usize, cells: [&str; 4]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let history: Vec<(usize, Vec<String>)> = vec![
        row(2, [first.as_str(), "王指导", "2025-06-01", ""]),
        row(3, [first.as_str(), "王指导", "2023-03-01", "2024-12-31"]),
    ];
    let plan = store
        .plan_assignment_import(&county, TODAY, &header, history.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 2);
    let id = store
        .commit_assignment_import(&source(&county, "历年选派.xlsx", "h"), &plan)
        .unwrap();
    let ended: Option<NaiveDate> = ia::table
        .filter(ia::organization_id.eq(c.orgs[0].id))
        .filter(ia::since.eq(d(2023, 3, 1)))
        .select(ia::until)
        .first(store.conn())
        .unwrap();
    assert_eq!(ended, Some(d(2024, 12, 31)));
    let again = store
        .plan_assignment_import(&county, TODAY, &header, history, &|_| {})
        .unwrap();
    assert_eq!(
        (again.create.len(), again.skipped.len()),
        (0, 2),
        "{again:?}"
    );
    let clashing = vec![
        row(2, [first.as_str(), "王指导", "2025-07-01", "2025-09-30"]),
        row(3, [first.as_str(), "王指导", "2023-03-01", "2024-06-30"]),
        row(4, [first.as_str(), "王指导", "2024-01-01", "2024-03-31"]),
        row(5, [&here, "新来的", "2022-01-01", "2022-12-31"]),
        row(6, [&here, "新来的", "2022-06-01", "2023-05-31"]),
    ];
    let refused = store
        .plan_assignment_import(&county, TODAY, &header, clashing, &|_| {})
        .unwrap();
    let reasons: Vec<(usize, &str)> = refused
        .problems
        .iter()
        .map(|p| (p.row, p.reason.as_str()))
        .collect();
    assert_eq!(
        reasons.iter().map(|r| r.0).collect::<Vec<_>>(),
        vec![2, 3, 4, 6],
        "{reasons:?}"
    );
    assert!(reasons[0].1.contains("2025-06-01起，仍在任"), "{reasons:?}");
    assert!(
        reasons[1].1.contains("2023-03-01至2024-12-31"),
        "{reasons:?}"
    );
    assert!(
        reasons[2].1.contains("2023-03-01至2024-12-31"),
        "{reasons:?}"
    );
    assert!(
        reasons[3].1.contains("与第5行的选派时间重叠"),
        "{reasons:?}"
    );
    assert_eq!(store.undo_import("t", &county, id).unwrap(), 2);
    assert_eq!(assignments(&mut store), ia_before);
}

pub(super) fn a_dues_ledger_adds_the_months_not_yet_marked_and_undoes_them(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_domain::money::Fen;
    use liangxin_domain::period::Period;
    use liangxin_store::dues::DuesCorrection;
    use liangxin_store::schema::dues_payments as dp;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let a = store
        .insert_member(
            "t",
            &longyou,
            TODAY,
            member(c.joint, "缴费甲", 211, MemberStatus::Full, None),
        )
        .unwrap();
    let a_id = member(c.joint, "", 211, MemberStatus::Full, None)
        .resident_id
        .expose()
        .to_owned();
    let month = |m| Period::month(2025, m).unwrap();
    store
        .mark_dues(
            "t",
            &longyou,
            TODAY,
            c.joint,
            month(1),
            &[(a, Fen::new(5_000))],
        )
        .unwrap();
    let header: Vec<String> = ["党员姓名", "身份证号", "缴纳月份", "金额"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let row = |n: usize, cells: [&str; 4]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let stranger = ResidentId::from_parts("330825", d(1990, 1, 1), 212).unwrap();
    let good: Vec<(usize, Vec<String>)> = vec![
        row(3, ["缴费甲", &a_id, "2025-02", "50"]),
        row(4, ["缴费甲", &a_id, "2025年3月", "50.00"]),
        row(7, ["别名", &a_id, "2025-04", "50"]),
    ];
    let mut bad = good.clone();
    bad.push(row(2, ["缴费甲", &a_id, "2025-01", "50"]));
    bad.push(row(5, ["缴费甲", &a_id, "2025-02", "50"]));
    bad.push(row(6, ["某人", stranger.expose(), "2025-02", "50"]));
    let plan = store
        .plan_payment_import(&longyou, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![(2, "所属月份"), (5, "所属月份"), (6, "公民身份号码")],
        "{:?}",
        plan.problems
    );
    let plan = store
        .plan_payment_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 3);
    assert_eq!(
        plan.problems.iter().map(|p| p.row).collect::<Vec<_>>(),
        vec![7],
        "the name differs"
    );
    let lines = |store: &mut Store| -> i64 {
        dp::table
            .filter(dp::member_id.eq(a.id))
            .filter(dp::kind.eq("regular"))
            .count()
            .get_result(store.conn())
            .unwrap()
    };
    let id = store
        .commit_payment_import(&source(&longyou, "党费.xlsx", "p"), &plan)
        .unwrap();
    assert_eq!(lines(&mut store), 4);
    assert!(
        store
            .commit_payment_import(&source(&longyou, "党费.xlsx", "p"), &plan)
            .is_err(),
        "the same months again are refused at the commit"
    );
    assert_eq!(store.undo_import("t", &longyou, id).unwrap(), 3);
    assert_eq!(
        store.activity_drift().unwrap(),
        0,
        "the undone months leave the summary"
    );
    assert_eq!(lines(&mut store), 1);

    // A correction since for one of its months keeps it.
    let plan = store
        .plan_payment_import(&longyou, TODAY, &header, good, &|_| {})
        .unwrap();
    let id = store
        .commit_payment_import(&source(&longyou, "党费.xlsx", "p"), &plan)
        .unwrap();
    store
        .correct_dues(
            "t",
            &longyou,
            TODAY,
            &DuesCorrection {
                member: a,
                month: month(3),
                amount: Fen::new(-1_000),
                note: "多收退回".into(),
            },
        )
        .unwrap();
    let refused = store.undo_import("t", &longyou, id);
    assert!(
        matches!(&refused, Err(StoreError::Invalid { reason, .. }) if reason.contains("更正")),
        "{refused:?}"
    );
    assert_eq!(lines(&mut store), 4);
}

pub(super) fn an_attendance_sheet_records_whole_meetings_and_undoes_them(db: &TestDb) {
    use liangxin_domain::import::Severity;
    use liangxin_store::schema::{meeting_attendance as ma, meetings as mt};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let ids: Vec<String> = [221u16, 222]
        .iter()
        .map(|seq| {
            let m = member(
                c.joint,
                &format!("开会{seq}"),
                *seq,
                MemberStatus::Full,
                None,
            );
            let rid = m.resident_id.expose().to_owned();
            store.insert_member("t", &longyou, TODAY, m).unwrap();
            rid
        })
        .collect();
    let header: Vec<String> = [
        "所在支部",
        "会议类别",
        "召开日期",
        "主题",
        "姓名",
        "身份证号",
        "出勤情况",
        "原因",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let joint = format!("{}-{}", c.joint.county, c.joint.id);
    let tech = format!("{}-{}", c.tech_branch.county, c.tech_branch.id);
    let row = |n: usize, cells: [&str; 8]| (n, cells.iter().map(|s| (*s).to_owned()).collect());
    let good: Vec<(usize, Vec<String>)> = vec![
        row(
            2,
            [
                &joint,
                "支部党员大会",
                "2025-03-15",
                "学习",
                "开会221",
                &ids[0],
                "出席",
                "",
            ],
        ),
        row(
            3,
            [
                &joint,
                "支部党员大会",
                "2025-03-15",
                "学习",
                "开会222",
                &ids[1],
                "请假",
                "出差",
            ],
        ),
    ];
    let mut bad = good.clone();
    bad.push(row(
        4,
        [
            &joint,
            "主题党日",
            "2025-04-01",
            "志愿服务",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    bad.push(row(
        5,
        [
            &tech,
            "支部党员大会",
            "2025-03-15",
            "学习",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    bad.push(row(
        6,
        [
            &joint,
            "党小组会",
            "2025-03-20",
            "学习",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    // The same organization's 支部党员大会 the same day, under another topic.
    bad.push(row(
        7,
        [
            &joint,
            "支部党员大会",
            "2025-03-15",
            "另议",
            "",
            &ids[0],
            "出席",
            "",
        ],
    ));
    let plan = store
        .plan_meeting_import(&longyou, TODAY, &header, bad, &|_| {})
        .unwrap();
    let errors: Vec<(usize, &str)> = plan
        .problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| (p.row, p.column))
        .collect();
    assert_eq!(
        errors,
        vec![
            (4, "出席情况"),
            (5, "党组织"),
            (6, "会议类型"),
            (7, "会议日期")
        ],
        "{:?}",
        plan.problems
    );
    assert!(plan.problems.iter().any(|p| p.reason.contains("开会222")));

    let plan = store
        .plan_meeting_import(&longyou, TODAY, &header, good.clone(), &|_| {})
        .unwrap();
    assert!(plan.committable(), "{:?}", plan.problems);
    assert_eq!(plan.create.len(), 1);
    let id = store
        .commit_meeting_import(&source(&longyou, "会议.xlsx", "m"), &plan)
        .unwrap();
    let held: Vec<(i64, bool)> = mt::table
        .filter(mt::party_org_id.eq(c.joint.id))
        .select((mt::id, mt::late))
        .load(store.conn())
        .unwrap();
    assert_eq!(held.len(), 1);
    assert!(held[0].1, "entered long after: 补录");
    let attended: i64 = ma::table
        .filter(ma::meeting_id.eq(held[0].0))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(attended, 2);
    let again = store
        .plan_meeting_import(&longyou, TODAY, &header, good, &|_| {})
        .unwrap();
    assert_eq!(
        again.errors(),
        1,
        "the same meeting again: {:?}",
        again.problems
    );
    assert_eq!(store.undo_import("t", &longyou, id).unwrap(), 1);
    let left: i64 = mt::table
        .filter(mt::party_org_id.eq(c.joint.id))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(left, 0);
}

/// An account stages at most so many files and bytes and uploads at most so often; a
/// preview keeps its first problems (the full list apart, for download); a discarded
/// upload leaves neither file, preview nor problems.
pub(super) fn uploads_are_bounded_per_account_and_leave_nothing_when_discarded(db: &TestDb) {
    use liangxin_store::uploads::{
        PREVIEW_PROBLEMS, Preview, PreviewProblem, RATE_UPLOADS, STAGED_BYTES, STAGED_FILES,
    };
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let stage = |store: &mut Store, actor: &str| {
        store.stage_upload(actor, &longyou, "members", "名册.csv", b"a,b\n1,2\n")
    };
    // Files staged at once.
    let mut ids = Vec::new();
    for _ in 0..STAGED_FILES {
        ids.push(stage(&mut store, "clerk:1").unwrap());
    }
    let e = stage(&mut store, "clerk:1").unwrap_err().to_string();
    assert!(e.contains("待确认的上传"), "{e}");
    assert!(
        stage(&mut store, "clerk:2").is_ok(),
        "another account has its own"
    );

    // A preview with more problems than it keeps: the first kept, all listed apart.
    let id = ids[0];
    let problems: Vec<PreviewProblem> = (0..PREVIEW_PROBLEMS + 50)
        .map(|i| PreviewProblem {
            row: i + 2,
            column: "身份证号".into(),
            value: String::new(),
            reason: "必填".into(),
            error: true,
        })
        .collect();
    let preview = Preview {
        errors: problems.len(),
        problems,
        ..Preview::default()
    };
    store.finish_check(id, Ok(&preview)).unwrap();
    let kept = store
        .upload(&longyou, id)
        .unwrap()
        .unwrap()
        .preview
        .unwrap();
    assert_eq!(kept.problems.len(), PREVIEW_PROBLEMS);
    assert_eq!(kept.errors, PREVIEW_PROBLEMS + 50, "the counts stay whole");
    let all = store.upload_problems(&longyou, id).unwrap();
    assert_eq!(all.len(), PREVIEW_PROBLEMS + 50);
    assert_eq!(all.last().unwrap().row, PREVIEW_PROBLEMS + 51);
    let kecheng = scope_of(&mut store, c.kecheng);
    assert!(
        store.upload_problems(&kecheng, id).is_err(),
        "not the other county's"
    );

    // Discarded: nothing of it is kept, and it no longer counts against the account.
    store.discard_upload(&longyou, id).unwrap();
    let gone = store.upload(&longyou, id).unwrap().unwrap();
    assert_eq!(gone.state, "discarded");
    assert!(gone.preview.is_none());
    assert!(store.upload_problems(&longyou, id).unwrap().is_empty());
    assert!(store.upload_file(&longyou, id).is_err());
    let again = stage(&mut store, "clerk:1").unwrap();

    // Bytes staged together: the account's staged files already hold nearly the limit.
    diesel::sql_query(format!(
        "UPDATE import_uploads SET file_size = {} WHERE id = {again}",
        STAGED_BYTES - 4
    ))
    .execute(store.conn())
    .unwrap();
    for id in &ids[1..] {
        store.finish_check(*id, Err("无法读取")).unwrap();
    }
    let e = stage(&mut store, "clerk:1").unwrap_err().to_string();
    assert!(e.contains("合计将超过"), "{e}");

    // Uploads within the window: the account is told to wait.
    for _ in 0..RATE_UPLOADS {
        let id = stage(&mut store, "clerk:3").unwrap();
        store.finish_check(id, Err("无法读取")).unwrap();
    }
    let e = stage(&mut store, "clerk:3").unwrap_err().to_string();
    assert!(e.contains("分钟内上传已达"), "{e}");
}
