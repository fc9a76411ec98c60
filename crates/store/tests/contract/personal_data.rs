//! Personal data and the log: encryption, reveals, rationed lookups, the chained log, key rotation.

use super::*;

pub(super) fn members_are_encrypted_found_by_hash_and_audited(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let m = member(
        c.joint,
        "王五",
        21,
        MemberStatus::Probationary,
        Some(c.orgs[1]),
    );
    let id = m.resident_id.clone();
    let key = store
        .insert_member("secretary:42", &all(), TODAY, m.clone())
        .unwrap();

    // At rest: no clear ID anywhere in the profile row.
    let (cipher, masked): (Vec<u8>, String) = liangxin_store::schema::member_profiles::table
        .select((
            liangxin_store::schema::member_profiles::resident_id_cipher,
            liangxin_store::schema::member_profiles::resident_id_masked,
        ))
        .first(store.conn())
        .unwrap();
    assert!(!String::from_utf8_lossy(&cipher).contains(id.expose()));
    assert_eq!(masked, id.masked());
    assert!(
        !masked.contains(&id.expose()[6..14]),
        "the birth date is hidden"
    );
    assert_eq!(
        store
            .reveal_resident_id("secretary:42", &all(), key)
            .unwrap(),
        id
    );
    assert_eq!(
        store.find_member_by_resident_id(&all(), &id).unwrap(),
        Some(key)
    );

    // The same person twice is refused with the field named.
    let err = store
        .insert_member("secretary:42", &all(), TODAY, m)
        .unwrap_err()
        .to_string();
    assert!(err.contains("身份证号"), "{err}");

    store
        .set_member_status(
            "secretary:42",
            &all(),
            key,
            MemberStatus::Full,
            Some(d(2011, 7, 1)),
        )
        .unwrap();
    let log = store.audit_entries("member", key.county, key.id).unwrap();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        vec!["create", "reveal_resident_id", "update"]
    );
    assert_eq!(log[2].actor, "secretary:42");
    let before: serde_json::Value =
        serde_json::from_str(log[2].before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value = serde_json::from_str(log[2].after.as_deref().unwrap()).unwrap();
    assert_eq!(before["status"], "probationary");
    assert_eq!(after["status"], "full");
    for entry in &log {
        for text in [&entry.before, &entry.after].into_iter().flatten() {
            assert!(
                !text.contains(id.expose()),
                "the audit log never holds the clear ID"
            );
        }
    }
}

pub(super) fn the_audit_log_is_append_only_and_chained(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let key = store
        .insert_member(
            "a",
            &all(),
            TODAY,
            member(c.joint, "赵六", 31, MemberStatus::Full, None),
        )
        .unwrap();
    store
        .set_member_status("b", &all(), key, MemberStatus::Probationary, None)
        .unwrap();
    assert_eq!(store.verify_audit_chain().unwrap(), None);
    let update = diesel::sql_query("UPDATE audit_log SET actor = 'x'").execute(store.conn());
    assert!(update.is_err(), "UPDATE refused");
    let delete = diesel::sql_query("DELETE FROM audit_log").execute(store.conn());
    assert!(delete.is_err(), "DELETE refused");
    assert_eq!(store.verify_audit_chain().unwrap(), None);
    // Someone with raw database access removes the guard and rewrites a row: the keyed
    // chain no longer verifies, and a re-chained forgery would need the master key.
    let drop_guard = match store.backend() {
        liangxin_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
        liangxin_store::Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
    };
    diesel::sql_query(drop_guard).execute(store.conn()).unwrap();
    diesel::sql_query("UPDATE audit_log SET actor = 'someone else' WHERE action = 'update'")
        .execute(store.conn())
        .unwrap();
    assert!(
        store.verify_audit_chain().unwrap().is_some(),
        "tampering detected"
    );
}

/// Registering or importing someone registered outside one's scope is refused without
/// saying where, written to the audit log with the masked ID, and rationed per account and
/// day: once the budget is spent, the account registers and previews nothing more.
pub(super) fn who_is_a_member_elsewhere_is_said_without_where_logged_and_rationed(db: &TestDb) {
    use diesel::prelude::*;
    use liangxin_store::schema::audit_log::dsl as a;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let full = |po: Key, name: &str, seq: u16| member(po, name, seq, MemberStatus::Full, None);
    let elsewhere = full(c.tech_branch, "别处", 611);
    store
        .insert_member("city:1", &all(), TODAY, elsewhere.clone())
        .unwrap();
    let here = full(c.joint, "本处", 612);
    store
        .insert_member("clerk:7", &longyou, TODAY, here.clone())
        .unwrap();

    // Within the scope: the clerk's own register, said plainly; the confirmation is
    // logged (and spends one of the day's budget) as one of the clerk's own.
    let again = full(c.joint, "本处", 612);
    let e = store
        .insert_member("clerk:7", &longyou, TODAY, again)
        .unwrap_err()
        .to_string();
    assert!(e.contains("已在本辖区登记为党员"), "{e}");
    let logged = |store: &mut Store, actor: &str| -> Vec<Option<String>> {
        a::audit_log
            .filter(a::actor.eq(actor))
            .filter(a::action.eq("lookup_elsewhere"))
            .select(a::after)
            .load(store.conn())
            .unwrap()
    };
    assert!(logged(&mut store, "clerk:7").is_empty());
    let in_scope: i64 = a::audit_log
        .filter(a::actor.eq("clerk:7"))
        .filter(a::action.eq("lookup_in_scope"))
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(in_scope, 1);

    // Outside it: refused without where, and the lookup is in the audit log, masked.
    let mut someone = elsewhere.clone();
    someone.key.county = c.joint.county;
    someone.party_org_id = c.joint.id;
    let e = store
        .insert_member("clerk:7", &longyou, TODAY, someone.clone())
        .unwrap_err()
        .to_string();
    assert!(e.contains("不能在此登记"), "{e}");
    assert!(e.contains("组织关系转接"), "{e}");
    let entries = logged(&mut store, "clerk:7");
    assert_eq!(entries.len(), 1);
    let entry = entries[0].clone().unwrap();
    assert!(entry.contains(&elsewhere.resident_id.masked()), "{entry}");
    assert!(!entry.contains(elsewhere.resident_id.expose()), "{entry}");

    // The budget: each such lookup spends one; when none is left, nothing is looked up,
    // not even a person registered nowhere (else the refusal itself would answer).
    for _ in 2..liangxin_store::lookups::DAILY_LIMIT {
        let e = store
            .insert_member("clerk:7", &longyou, TODAY, someone.clone())
            .unwrap_err()
            .to_string();
        assert!(e.contains("不能在此登记"), "{e}");
    }
    let spent = store
        .insert_member("clerk:7", &longyou, TODAY, someone.clone())
        .unwrap_err()
        .to_string();
    assert!(spent.contains("已达上限"), "{spent}");
    let nobody = full(c.joint, "新人", 613);
    let e = store
        .insert_member("clerk:7", &longyou, TODAY, nobody.clone())
        .unwrap_err()
        .to_string();
    assert!(e.contains("已达上限"), "{e}");
    assert_eq!(
        logged(&mut store, "clerk:7").len(),
        usize::try_from(liangxin_store::lookups::DAILY_LIMIT - 1).unwrap()
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
    let e = store
        .plan_import(
            "clerk:7",
            "members",
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&[]),
            &|_| {},
        )
        .unwrap_err()
        .to_string();
    assert!(e.contains("已达上限"), "{e}");
    // Another clerk has their own budget: a sheet naming the person registered elsewhere
    // is refused by row, and the row is logged.
    let line = |row: u32, m: &Member| {
        (
            usize::try_from(row).unwrap(),
            vec![
                m.name.clone(),
                m.resident_id.expose().to_owned(),
                format!("{}-{}", c.joint.county, c.joint.id),
                "正式党员".to_owned(),
                "2010-07-01".to_owned(),
                "2011-07-01".to_owned(),
            ],
        )
    };
    let planned = store
        .plan_import(
            "clerk:8",
            "members",
            &longyou,
            TODAY,
            &header,
            &mut rows_of(&[line(2, &someone), line(3, &nobody)]),
            &|_| {},
        )
        .unwrap();
    let liangxin_store::import::Planned::Members(plan) = planned else {
        panic!("a member plan");
    };
    assert_eq!(plan.errors(), 1, "{:?}", plan.problems);
    assert!(plan.problems[0].reason.contains("不能在此登记"));
    assert_eq!(logged(&mut store, "clerk:8").len(), 1);
}

/// A preview of a dues sheet compares its people with the register within the account's
/// daily budget, counted before they are compared (the refusal depends on the sheet's
/// size, never on who is registered); each preview is logged with how many it compared
/// and matched, and the console is logged but not rationed.
pub(super) fn a_sheet_compares_a_bounded_number_of_ids_with_the_register_and_is_logged(
    db: &TestDb,
) {
    use diesel::prelude::*;
    use liangxin_store::lookups::IDS_PER_DAY;
    use liangxin_store::schema::audit_log::dsl as a;
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let registered = member(c.joint, "在册", 621, MemberStatus::Full, None);
    store
        .insert_member("city:1", &all(), TODAY, registered.clone())
        .unwrap();
    let header: Vec<String> = ["党员姓名", "身份证号", "缴纳月份", "金额"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    // `n` distinct people (the registered one first), a month each.
    let sheet = |n: usize, from: usize| -> Vec<SheetRow> {
        (0..n)
            .map(|i| {
                let id = if i == 0 {
                    registered.resident_id.clone()
                } else {
                    let k = from + i;
                    let born = d(1950, 1, 1) + chrono::Days::new((k / 1000) as u64);
                    ResidentId::from_parts("330825", born, (k % 1000) as u16).unwrap()
                };
                (
                    i + 2,
                    vec![
                        "某人".to_owned(),
                        id.expose().to_owned(),
                        "2026-01".to_owned(),
                        "10.00".to_owned(),
                    ],
                )
            })
            .collect()
    };
    let plan = |store: &mut Store, actor: &str, rows: &[SheetRow]| {
        store.plan_import(
            actor,
            "payments",
            &longyou,
            TODAY,
            &header,
            &mut rows_of(rows),
            &|_| {},
        )
    };
    let logged = |store: &mut Store, actor: &str| -> Vec<serde_json::Value> {
        a::audit_log
            .filter(a::actor.eq(actor))
            .filter(a::action.eq("compare_register"))
            .select(a::after)
            .load::<Option<String>>(store.conn())
            .unwrap()
            .into_iter()
            .map(|t| serde_json::from_str(&t.unwrap()).unwrap())
            .collect()
    };
    let most = IDS_PER_DAY - 10;
    assert!(plan(&mut store, "clerk:9", &sheet(most, 0)).is_ok());
    let entries = logged(&mut store, "clerk:9");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["compared"], most);
    assert_eq!(entries[0]["matched"], 1);
    // Eleven more people: refused, whoever they are, and nothing more logged.
    let e = plan(&mut store, "clerk:9", &sheet(11, most)).unwrap_err();
    assert!(matches!(e, StoreError::Limit { .. }), "{e}");
    assert!(e.to_string().contains("今日还可核对10个"), "{e}");
    assert_eq!(logged(&mut store, "clerk:9").len(), 1);
    // Ten are still allowed; another clerk has their own budget; the console has none.
    assert!(plan(&mut store, "clerk:9", &sheet(10, most)).is_ok());
    assert!(plan(&mut store, "clerk:10", &sheet(11, most)).is_ok());
    assert!(plan(&mut store, "cli", &sheet(IDS_PER_DAY + 1, 0)).is_ok());
    assert_eq!(logged(&mut store, "cli")[0]["compared"], IDS_PER_DAY + 1);
}

/// The full number is shown to the staff of the member's scope only, each reveal in the
/// audit log and spending one of the account's daily budget.
pub(super) fn a_full_id_is_revealed_only_in_scope_logged_and_rationed(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let longyou = scope_of(&mut store, c.longyou);
    let kecheng = scope_of(&mut store, c.kecheng);
    let m = member(c.joint, "查看", 631, MemberStatus::Full, None);
    let key = store
        .insert_member("city:1", &all(), TODAY, m.clone())
        .unwrap();
    assert!(store.reveal_resident_id("clerk:11", &kecheng, key).is_err());
    assert_eq!(
        store.confirmations_left("clerk:11").unwrap(),
        liangxin_store::lookups::DAILY_LIMIT
    );
    for n in 1..=liangxin_store::lookups::DAILY_LIMIT {
        assert_eq!(
            store.reveal_resident_id("clerk:11", &longyou, key).unwrap(),
            m.resident_id
        );
        assert_eq!(
            store.confirmations_left("clerk:11").unwrap(),
            liangxin_store::lookups::DAILY_LIMIT - n
        );
    }
    let e = store
        .reveal_resident_id("clerk:11", &longyou, key)
        .unwrap_err();
    assert!(matches!(e, StoreError::Limit { .. }), "{e}");
}

/// With the trigger dropped, someone deletes the newest rows, or all of them: what is left
/// still chains, but not up to the checkpoint kept outside the database, and the
/// verification says from which row the log was cut. A row taken from the middle breaks
/// the chain and is named too.
pub(super) fn the_audit_logs_end_is_anchored_by_its_checkpoints(db: &TestDb) {
    use liangxin_store::anchor::{AnchorFile, LogFault};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    for (i, name) in ["甲", "乙", "丙"].into_iter().enumerate() {
        let m = member(c.joint, name, 641 + i as u16, MemberStatus::Full, None);
        store.insert_member("a", &all(), TODAY, m).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let anchor = AnchorFile(dir.path().join("liangxin.anchor"));
    assert_eq!(anchor.read().unwrap(), None);
    let check = store.verify_audit_log(None).unwrap();
    assert_eq!(check.fault, None);
    let checkpoint = store.checkpoint_audit_log("cli", "verify-log").unwrap();
    assert_eq!(
        checkpoint.rows,
        check.rows + 1,
        "the checkpoint is in the log too"
    );
    anchor.write(&checkpoint).unwrap();
    let kept = anchor.read().unwrap().unwrap();
    assert_eq!(kept, checkpoint);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&anchor.0).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0);
    }
    // Later rows are fine: the log only grows past its checkpoint.
    let m = member(c.joint, "丁", 645, MemberStatus::Full, None);
    store.insert_member("a", &all(), TODAY, m).unwrap();
    assert_eq!(store.verify_audit_log(Some(&kept)).unwrap().fault, None);

    let drop_guard = match store.backend() {
        liangxin_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_delete",
        liangxin_store::Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
    };
    diesel::sql_query(drop_guard).execute(store.conn()).unwrap();
    let delete_from = |store: &mut Store, id: i64| {
        diesel::sql_query(format!("DELETE FROM audit_log WHERE id >= {id}"))
            .execute(store.conn())
            .unwrap();
    };
    // The newest two rows (the checkpoint's and the one after it) go: the chain that is
    // left holds, the checkpoint does not.
    delete_from(&mut store, kept.head);
    let check = store.verify_audit_log(Some(&kept)).unwrap();
    assert_eq!(
        store.verify_audit_log(None).unwrap().fault,
        None,
        "the chain alone holds"
    );
    let fault = check.fault.unwrap();
    assert_eq!(
        fault,
        LogFault::Truncated {
            head: check.head,
            anchored: kept.head
        }
    );
    let said = fault.to_string();
    assert!(said.contains(&format!("第{}条", kept.head)), "{said}");
    assert!(said.contains("被删除"), "{said}");
    // A row from the middle: the chain breaks there, and the row after the gap is named.
    let rows: Vec<i64> = liangxin_store::schema::audit_log::table
        .select(liangxin_store::schema::audit_log::id)
        .order(liangxin_store::schema::audit_log::id)
        .load(store.conn())
        .unwrap();
    let (gone, next) = (rows[1], rows[2]);
    diesel::sql_query(format!("DELETE FROM audit_log WHERE id = {gone}"))
        .execute(store.conn())
        .unwrap();
    match store.verify_audit_log(None).unwrap().fault {
        Some(LogFault::Broken { row, after }) => {
            assert_eq!((row, after), (next, Some(rows[0])));
        }
        other => panic!("{other:?}"),
    }
    // Everything: an empty log is not a clean one.
    diesel::sql_query("DELETE FROM audit_log")
        .execute(store.conn())
        .unwrap();
    let fault = store.verify_audit_log(Some(&kept)).unwrap().fault.unwrap();
    assert!(
        matches!(fault, LogFault::Truncated { head: None, .. }),
        "{fault:?}"
    );
    assert!(fault.to_string().contains("全部被删除"), "{fault}");
}

/// Addresses and typed user names of sign-in attempts are kept for the period of the rule
/// parameter (180 days by default), then deleted.
pub(super) fn sign_in_attempts_are_kept_for_the_retention_the_rules_give(db: &TestDb) {
    use liangxin_store::accounts::AttemptLimits;
    let mut store = db.open();
    let limits = AttemptLimits {
        address_failures: 20,
        window: chrono::Duration::minutes(10),
        account_failures: 5,
        lock_for: chrono::Duration::minutes(15),
    };
    let at = |days: i64| TODAY.and_time(chrono::NaiveTime::MIN) - chrono::Duration::days(days);
    for days in [181, 179, 1] {
        store
            .claim_login_attempt("203.0.113.9", "guess", None, at(days), &limits)
            .unwrap();
    }
    assert_eq!(store.purge_login_attempts(TODAY).unwrap(), 1);
    assert_eq!(store.purge_login_attempts(TODAY).unwrap(), 0);
    let left: i64 = liangxin_store::schema::login_attempts::table
        .count()
        .get_result(store.conn())
        .unwrap();
    assert_eq!(left, 2);
}

/// A resident ID's ciphertext opens on its own row only; a rotation seals every ID with the
/// new key (and its lookup hash), and the old key, kept in the ring, still verifies the log
/// rows it chained. The database names its key: the old one alone is refused after.
pub(super) fn a_key_rotation_reseals_every_id_and_keeps_the_log_verifiable(db: &TestDb) {
    rotation_in(db, Suite::Standard);
}

/// 国密: a database made with SM4-GCM and HMAC-SM3 keeps them through every opening (the
/// key check names the suite) and a rotation, and its log verifies.
pub(super) fn the_guomi_suite_is_kept_by_the_database_through_a_rotation(db: &TestDb) {
    rotation_in(db, Suite::Guomi);
}
