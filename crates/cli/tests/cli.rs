//! The `liangxin` command as a user runs it: real processes, real database files, and
//! the real PostgreSQL when `LIANGXIN_TEST_PG_URL` is set.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

use diesel::prelude::*;

const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn liangxin(db: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("LIANGXIN_KEY", KEY)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sha(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

/// Checks what a per-county JSON report must say of a small demo city.
fn check_county_report(json: &str) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let groups = v["groups"].as_array().unwrap();
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec!["柯城区", "衢江区", "常山县", "开化县", "龙游县", "江山市"]
    );
    let mut total = 0;
    for g in groups {
        let n = g["total"].as_u64().unwrap();
        let covered = g["organization_covered"].as_u64().unwrap();
        let work = g["work_covered"].as_u64().unwrap();
        let gap = g["gap"].as_u64().unwrap();
        assert_eq!(covered + work + gap, n);
        let rate = g["organization_rate"].as_f64().unwrap();
        assert!((rate - covered as f64 * 100.0 / n as f64).abs() < 0.01);
        assert!(g["work_rate"].as_f64().unwrap() >= rate);
        total += n;
    }
    assert_eq!(v["total"]["total"].as_u64().unwrap(), total);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        assert!(f["rule"]["key"].as_str().unwrap().starts_with("coverage."));
        assert!(!f["rule"]["source"].as_str().unwrap().is_empty());
        assert!(!f["action_label"].as_str().unwrap().is_empty());
    }
}

#[test]
fn demo_then_coverage_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    let out = liangxin(db, &["demo", "--seed", "7", "--organizations", "1500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("两新组织 1500 个"),
        "{}",
        stdout(&out)
    );

    let out = liangxin(db, &["coverage", "--by", "county", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    check_county_report(&stdout(&out));

    // The same seed gives the same report.
    let again = tempfile::tempdir().unwrap();
    let db2 = again.path().join("city.db");
    assert!(
        liangxin(
            db2.to_str().unwrap(),
            &["demo", "--seed", "7", "--organizations", "1500"]
        )
        .status
        .success()
    );
    let a = liangxin(db, &["coverage", "--format", "json"]);
    let b = liangxin(db2.to_str().unwrap(), &["coverage", "--format", "json"]);
    assert_eq!(stdout(&a), stdout(&b));

    for by in ["zone", "sector", "kind"] {
        let out = liangxin(db, &["coverage", "--by", by, "--format", "table"]);
        assert!(out.status.success(), "{by}: {}", stderr(&out));
        assert!(stdout(&out).contains("合计"));
        assert!(stdout(&out).contains("覆盖检修"));
    }
    let csv = liangxin(db, &["coverage", "--format", "csv", "--county", "330825"]);
    assert!(csv.status.success(), "{}", stderr(&csv));
    let text = stdout(&csv);
    assert!(text.starts_with('\u{feff}'), "BOM for Excel");
    assert!(text.contains("龙游县"));
    assert!(
        !text.contains("柯城区,"),
        "a county scope shows only that county"
    );

    // 组织关系排查 over the demo's records: found once, not added again on a re-run.
    let first = liangxin(db, &["audit", "--county", "330825"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stdout(&first).contains("发现问题"), "{}", stdout(&first));
    // A past day is a preview: shown, not kept, so today's run finds nothing new.
    let past = liangxin(
        db,
        &["audit", "--county", "330825", "--as-of", "2026-06-30"],
    );
    assert!(past.status.success(), "{}", stderr(&past));
    assert!(stdout(&past).contains("预览，未保存"), "{}", stdout(&past));
    let again = liangxin(db, &["audit", "--county", "330825"]);
    assert!(stdout(&again).contains("新增0项"), "{}", stdout(&again));
    let bench = liangxin(db, &["audit", "--bench", "1"]);
    assert!(bench.status.success(), "{}", stderr(&bench));
    let v: serde_json::Value = serde_json::from_str(&stdout(&bench)).unwrap();
    assert_eq!(v["engine_no_life_members"], v["sql_no_life_members"]);
    assert_eq!(v["engine_unpaid_members"], v["sql_unpaid_members"]);
    // A county's run and a branch's (a secretary's 立即排查) are timed beside the baseline
    // of the same subtree, which reads member by member.
    let mut conn = SqliteConnection::establish(db).unwrap();
    let branch = diesel::sql_query(
        "SELECT o.county_code, o.id FROM party_orgs o \
         JOIN members m ON m.county_code = o.county_code AND m.party_org_id = o.id \
         WHERE o.org_type = 'branch' GROUP BY o.county_code, o.id ORDER BY COUNT(*) DESC, o.id LIMIT 1",
    )
    .get_result::<Branch>(&mut conn)
    .unwrap();
    drop(conn);
    let code = format!("{}-{}", branch.county_code, branch.id);
    let mut flagged = 0;
    for args in [["--county", "330825"], ["--party-org", code.as_str()]] {
        let out = liangxin(db, &[&["audit", "--bench", "1"], &args[..]].concat());
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(
            v["engine_no_life_members"], v["sql_no_life_members"],
            "{args:?}"
        );
        assert_eq!(
            v["engine_unpaid_members"], v["sql_unpaid_members"],
            "{args:?}"
        );
        flagged += v["findings"].as_u64().unwrap();
    }
    assert!(
        flagged > 0,
        "the subtrees' runs found something to agree on"
    );
    let branch_run = liangxin(db, &["audit", "--party-org", &code]);
    assert!(branch_run.status.success(), "{}", stderr(&branch_run));
    assert!(
        stdout(&branch_run).contains("发现问题"),
        "{}",
        stdout(&branch_run)
    );
    let bad = liangxin(db, &["audit", "--party-org", "330825"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("--party-org"), "{}", stderr(&bad));

    // 党内统计: the city's register in the tables is the register's count in SQL, and
    // every row of the change table balances.
    let out = liangxin(db, &["report", "all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let tables = v["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 5);
    let column = |t: &serde_json::Value, code: &str| {
        t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c["code"] == code)
            .unwrap()
    };
    let (change, basics) = (&tables[0], &tables[1]);
    let count = |t: &serde_json::Value, row: usize, code: &str| {
        t["rows"][row]["counts"][column(t, code)].as_i64().unwrap()
    };
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = SqliteConnection::establish(db).unwrap();
    let on_register = diesel::sql_query("SELECT COUNT(*) AS n FROM members WHERE left_on IS NULL")
        .get_result::<Count>(&mut conn)
        .unwrap()
        .n;
    drop(conn);
    assert_eq!(count(basics, 0, "total"), on_register);
    assert_eq!(count(change, 0, "end"), on_register);
    for row in 0..change["rows"].as_array().unwrap().len() {
        assert_eq!(
            count(change, row, "start") + count(change, row, "added") - count(change, row, "left"),
            count(change, row, "end"),
            "row {row} balances"
        );
    }
    let file = dir.path().join("统计.xlsx");
    let out = liangxin(
        db,
        &[
            "report",
            "member-basics",
            "--county",
            "330825",
            "--format",
            "xlsx",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read(&file).unwrap().starts_with(b"PK"));
    let bad = liangxin(db, &["report", "bogus"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("member-change"), "{}", stderr(&bad));
    let bad = liangxin(db, &["report", "all", "--format", "xlsx"]);
    assert!(stderr(&bad).contains("--out"), "{}", stderr(&bad));
    check_spot_check(db);
    check_bulletin(db, dir.path());
}

/// 定期通报 from the command line: the city's and a county's .docx and the annex; bad
/// periods and files refused naming the option.
fn check_bulletin(db: &str, dir: &Path) {
    let docx = dir.join("bulletin.docx");
    let annex = dir.join("bulletin.xlsx");
    let today = liangxin_web::today();
    let month = format!(
        "{}-{:02}",
        chrono::Datelike::year(&today),
        chrono::Datelike::month(&today)
    );
    let args = [
        "bulletin",
        "--period",
        &month,
        "--out",
        docx.to_str().unwrap(),
        "--annex",
        annex.to_str().unwrap(),
    ];
    let out = liangxin(db, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("两新组织党建工作情况通报"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read(&docx).unwrap().starts_with(b"PK"));
    assert!(std::fs::read(&annex).unwrap().starts_with(b"PK"));
    let out = liangxin(
        db,
        &[
            "bulletin",
            "--period",
            &month,
            "--county",
            "330825",
            "--out",
            docx.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for (bad, named) in [
        (
            vec!["bulletin", "--period", "2026-13", "--out", "x.docx"],
            "--period",
        ),
        (
            vec!["bulletin", "--period", "2999-01", "--out", "x.docx"],
            "期次",
        ),
        (
            vec!["bulletin", "--period", &month, "--out", "x.pdf"],
            "--out",
        ),
        (
            vec![
                "bulletin", "--period", &month, "--county", "99", "--out", "x.docx",
            ],
            "--county",
        ),
    ] {
        let out = liangxin(db, &bad);
        assert!(!out.status.success(), "{bad:?}");
        assert!(stderr(&out).contains(named), "{bad:?}: {}", stderr(&out));
    }
}

/// 随机抽查 from the command line: the sample is what the published method gives on the
/// frame it prints, recomputed here with SHA-256 and a sort.
fn check_spot_check(db: &str) {
    use sha2::Digest;
    let draw = |args: &[&str]| {
        let mut all = vec!["spot-check", "--format", "json", "--frame"];
        all.extend_from_slice(args);
        let out = liangxin(db, &all);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    for args in [
        &["--seed", "20261205", "--size", "30"][..],
        &[
            "--seed", "7", "--size", "12", "--of", "units", "--by", "zone", "--county", "330825",
        ][..],
        &[
            "--seed", "99", "--size", "5", "--by", "kind", "--county", "330881",
        ][..],
    ] {
        let v = draw(args);
        let size: usize = args[3].parse().unwrap();
        let seed = args[1];
        let frame = v["frame"].as_array().unwrap();
        let total = frame.len();
        assert!(total > size, "{args:?}: {total}");
        let sample = v["sample"].as_array().unwrap();
        assert_eq!(sample.len(), size);
        assert_eq!(v["frame_size"].as_u64().unwrap() as usize, total);
        for s in v["strata"].as_array().unwrap() {
            let code = s["code"].as_str().unwrap();
            let mut ranked: Vec<(String, String)> = frame
                .iter()
                .filter(|i| i["stratum"] == code)
                .map(|i| {
                    let c = i["code"].as_str().unwrap().to_owned();
                    let h = sha2::Sha256::digest(format!("{seed}:{c}").as_bytes());
                    (h.iter().map(|b| format!("{b:02x}")).collect(), c)
                })
                .collect();
            ranked.sort();
            let n = s["drawn"].as_u64().unwrap() as usize;
            assert_eq!(ranked.len(), s["size"].as_u64().unwrap() as usize);
            // Proportional: within one of the stratum's exact share.
            let share = (size * ranked.len()) as f64 / total as f64;
            assert!((n as f64 - share).abs() < 1.0, "{code}: {n} for {share}");
            let drawn: Vec<&str> = sample
                .iter()
                .filter(|d| d["stratum"] == code)
                .map(|d| d["code"].as_str().unwrap())
                .collect();
            let expected: Vec<&str> = ranked.iter().take(n).map(|(_, c)| c.as_str()).collect();
            assert_eq!(drawn, expected, "{args:?} {code}");
        }
        // The same request draws the same sample.
        assert_eq!(draw(args)["sample"], v["sample"]);
    }
    let text = liangxin(db, &["spot-check", "--seed", "1", "--size", "3"]);
    assert!(stdout(&text).contains("随机种子 1"), "{}", stdout(&text));
    let bad = liangxin(db, &["spot-check", "--seed", "-3", "--size", "3"]);
    assert!(stderr(&bad).contains("--seed"), "{}", stderr(&bad));
    let bad = liangxin(db, &["spot-check", "--seed", "3", "--size", "0"]);
    assert!(stderr(&bad).contains("--size"), "{}", stderr(&bad));
}

#[test]
fn demo_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    assert!(
        liangxin(db, &["demo", "--organizations", "300"])
            .status
            .success()
    );
    let before = stdout(&liangxin(db, &["coverage", "--format", "json"]));
    let out = liangxin(db, &["demo", "--seed", "9", "--organizations", "300"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(
        stdout(&liangxin(db, &["coverage", "--format", "json"])),
        before,
        "untouched"
    );
    let out = liangxin(
        db,
        &["demo", "--seed", "9", "--organizations", "300", "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(
        stdout(&liangxin(db, &["coverage", "--format", "json"])),
        before,
        "rebuilt"
    );
    // The rebuild keeps the city's 考核清单 criteria and the audit's runs, and their ids run
    // on: a later year's criteria are adopted and the audit runs again.
    let out = liangxin(
        db,
        &[
            "demo",
            "--organizations",
            "300",
            "--force",
            "--as-of",
            "2027-04-01",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = liangxin(db, &["audit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Party organizations and members without units (imported first) are data too: the
    // demo city is not added beside them.
    let mut conn = SqliteConnection::establish(db).unwrap();
    diesel::sql_query("PRAGMA foreign_keys = OFF")
        .execute(&mut conn)
        .unwrap();
    diesel::sql_query("DELETE FROM organizations")
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let out = liangxin(db, &["demo", "--seed", "9", "--organizations", "300"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("已有登记数据（0个两新组织"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_file_that_is_not_a_liangxin_database_is_never_touched() {
    let dir = tempfile::tempdir().unwrap();
    // Not SQLite at all.
    let text = dir.path().join("notes.db");
    std::fs::write(&text, "会议记录：这不是数据库。\n".repeat(50)).unwrap();
    let out = liangxin(text.to_str().unwrap(), &["coverage"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("不是数据库文件"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&text).unwrap(),
        "会议记录：这不是数据库。\n".repeat(50)
    );

    // SQLite, but somebody else's.
    let other = dir.path().join("other.db");
    {
        let mut c = SqliteConnection::establish(other.to_str().unwrap()).unwrap();
        diesel::sql_query("CREATE TABLE payroll (id INTEGER PRIMARY KEY, amount INTEGER)")
            .execute(&mut c)
            .unwrap();
    }
    let before = sha(&other);
    for args in [&["migrate"][..], &["demo"], &["coverage"]] {
        let out = liangxin(other.to_str().unwrap(), args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("不是两新党建平台的数据库"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(sha(&other), before, "byte for byte unchanged");
    assert!(
        !dir.path().join("liangxin.key").exists(),
        "no key file written beside it either"
    );
}

#[test]
fn bad_arguments_and_addresses_get_clear_messages_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let db = db.to_str().unwrap();
    let out = liangxin(db, &["coverage", "--by", "township"]);
    assert_eq!(out.status.code(), Some(2));
    let out = liangxin(db, &["demo", "--organizations", "0"]);
    assert_eq!(out.status.code(), Some(2));

    let out = liangxin("mysql://root@127.0.0.1/x", &["migrate"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("数据库地址无效"), "{}", stderr(&out));
    let out = liangxin("postgres://postgres@127.0.0.1:port/test", &["migrate"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("端口"), "{}", stderr(&out));

    // Nothing listens on port 1.
    let out = liangxin("postgres://postgres:secret@127.0.0.1:1/test", &["migrate"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("无法连接数据库"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("secret"),
        "the password is not printed"
    );

    // An empty database has no scope to report on yet.
    let out = liangxin(db, &["coverage"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("liangxin demo"), "{}", stderr(&out));
    let out = liangxin(db, &["coverage", "--county", "33082"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--county"), "{}", stderr(&out));

    // A wrong key for an existing database is refused.
    let out = Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .args(["--db", db, "migrate"])
        .env("LIANGXIN_KEY", "ff".repeat(32))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("密钥"), "{}", stderr(&out));
}

/// `liangxin` run in `dir` with no key given but the default file.
fn in_dir(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .current_dir(dir)
        .args(args)
        .env_remove("LIANGXIN_KEY")
        .env_remove("LIANGXIN_KEY_FILE")
        .env_remove("LIANGXIN_ANCHOR_FILE")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_key_is_kept_apart_from_the_data_and_never_made_again_for_a_database_that_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let migrate = ["--db", "data/liangxin.db", "migrate"];
    let out = in_dir(root, &migrate);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = root.join("keys").join("liangxin.key");
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);
    assert!(
        !root.join("data").join("liangxin.key").exists(),
        "no key in ./data/"
    );
    assert!(!stderr(&out).contains("同一目录"), "{}", stderr(&out));
    #[cfg(unix)]
    {
        assert_eq!(mode(&key), 0o600, "the key: its owner only");
        assert_eq!(mode(&root.join("keys")), 0o700, "its directory too");
        assert_eq!(
            mode(&root.join("data").join("liangxin.db")),
            0o600,
            "the data too"
        );
    }

    // The key gone, for a database that has encrypted with it: refused, none made.
    let away = root.join("safe.key");
    std::fs::rename(&key, &away).unwrap();
    let out = in_dir(root, &migrate);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("不存在"), "{}", stderr(&out));
    assert!(stderr(&out).contains("不会生成新密钥"), "{}", stderr(&out));
    assert!(!key.exists(), "no new key was made");

    // Back, but readable by others: refused until it is not.
    std::fs::rename(&away, &key).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = in_dir(root, &migrate);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    assert!(in_dir(root, &migrate).status.success());

    // A set-up from before, its key beside the database: still used, with a warning.
    std::fs::rename(&key, root.join("data").join("liangxin.key")).unwrap();
    let out = in_dir(root, &migrate);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("同一目录"), "{}", stderr(&out));
    assert!(!key.exists());
}

#[test]
fn rotate_key_seals_every_id_with_a_new_key_the_file_holds_first() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let db = ["--db", "data/liangxin.db"];
    let run = |args: &[&str]| in_dir(root, &[&db[..], args].concat());
    let out = run(&["demo", "--organizations", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = root.join("keys").join("liangxin.key");
    let old = std::fs::read_to_string(&key).unwrap();
    let out = run(&["rotate-key"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("已更换密钥"), "{}", stdout(&out));
    let ring = std::fs::read_to_string(&key).unwrap();
    let lines: Vec<&str> = ring.lines().collect();
    assert_eq!(lines.len(), 2, "{ring}");
    assert_ne!(lines[0], old.trim(), "the new key first");
    assert_eq!(lines[1], old.trim(), "the old one kept below");
    #[cfg(unix)]
    assert_eq!(mode(&key), 0o600);
    // The data reads and the log verifies with the ring.
    let out = run(&["coverage"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["verify-log"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A ring given in the environment opens the database but cannot be rotated here.
    let out = Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .current_dir(root)
        .args([&db[..], &["rotate-key"]].concat())
        .env("LIANGXIN_KEY", lines.join(","))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("不能在此更换密钥"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_log_checkpoints_the_end_and_names_the_rows_cut_from_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let db = db.to_str().unwrap();
    let anchor = dir.path().join("x.anchor");
    let verify = |db: &str| {
        liangxin(
            db,
            &["--anchor-file", anchor.to_str().unwrap(), "verify-log"],
        )
    };
    assert!(liangxin(db, &["migrate"]).status.success());
    let out = verify(db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("审计日志完整：共0条"),
        "{}",
        stdout(&out)
    );
    let out = verify(db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("并包含上次检查点"),
        "{}",
        stdout(&out)
    );
    assert!(
        stdout(&out).contains("已写入检查点：第2条"),
        "{}",
        stdout(&out)
    );

    // In a copy, someone drops the guard and deletes the newest row.
    let copy = dir.path().join("copy.db");
    std::fs::copy(db, &copy).unwrap();
    let cut = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); \
             c.execute('DROP TRIGGER audit_log_no_delete'); \
             c.execute('DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)'); \
             c.commit(); c.close()",
        )
        .arg(&copy)
        .output()
        .unwrap();
    assert!(cut.status.success(), "{}", stderr(&cut));
    let out = verify(copy.to_str().unwrap());
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("审计日志校验失败"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("第2条起的记录被删除"),
        "{}",
        stderr(&out)
    );
    // The original still verifies.
    assert!(verify(db).status.success());
}

#[test]
fn demo_then_coverage_on_postgres_via_database_url() {
    let Ok(base) = std::env::var("LIANGXIN_TEST_PG_URL") else {
        eprintln!("LIANGXIN_TEST_PG_URL not set: PostgreSQL CLI test skipped");
        return;
    };
    let schema = format!("lx_cli_{}", std::process::id());
    let mut admin = PgConnection::establish(&base).unwrap();
    diesel::sql_query(format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(&mut admin)
        .unwrap();
    diesel::sql_query(format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_liangxin"))
            .args(args)
            .env("DATABASE_URL", &url)
            .env("LIANGXIN_KEY", KEY)
            .output()
            .unwrap()
    };
    let out = run(&["demo", "--seed", "7", "--organizations", "1500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pg = run(&["coverage", "--by", "county", "--format", "json"]);
    assert!(pg.status.success(), "{}", stderr(&pg));
    check_county_report(&stdout(&pg));

    // An import killed during its commit leaves nothing on PostgreSQL either.
    let mut conn = PgConnection::establish(&url).unwrap();
    let branch: Branch = diesel::sql_query(
        "SELECT county_code, id FROM party_orgs WHERE org_type = 'branch' ORDER BY id LIMIT 1",
    )
    .get_result(&mut conn)
    .unwrap();
    let count = |conn: &mut PgConnection| {
        diesel::sql_query("SELECT COUNT(*) AS n FROM members")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    let before = count(&mut conn);
    let dir = tempfile::tempdir().unwrap();
    let batch = sheet_of(
        dir.path(),
        &format!("{}-{}", branch.county_code, branch.id),
        300,
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    cmd.env("DATABASE_URL", &url).env("LIANGXIN_KEY", KEY);
    let out = killed_in_commit(&mut cmd, "members", &batch);
    assert!(!out.status.success(), "the process died");
    assert_eq!(count(&mut conn), before, "no member of the killed import");
    let imports = run(&["import", "list"]);
    assert!(
        stdout(&imports).contains("还没有导入记录"),
        "{}",
        stdout(&imports)
    );
    drop(conn);

    // The same seed on SQLite gives the same report: one engine, two databases.
    let db = dir.path().join("city.db");
    assert!(
        liangxin(
            db.to_str().unwrap(),
            &["demo", "--seed", "7", "--organizations", "1500"]
        )
        .status
        .success()
    );
    let lite = liangxin(
        db.to_str().unwrap(),
        &["coverage", "--by", "county", "--format", "json"],
    );
    assert_eq!(stdout(&pg), stdout(&lite));
    // And the same seed and day draw the same spot-check sample.
    let spot = [
        "spot-check",
        "--seed",
        "20261205",
        "--size",
        "25",
        "--by",
        "kind",
        "--of",
        "units",
        "--as-of",
        "2026-11-30",
        "--format",
        "json",
    ];
    let pg = run(&spot);
    assert!(pg.status.success(), "{}", stderr(&pg));
    let lite = liangxin(db.to_str().unwrap(), &spot);
    assert_eq!(stdout(&pg), stdout(&lite));
    assert!(stdout(&pg).contains("frame_digest"));
    diesel::sql_query(format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut admin)
        .unwrap();
}

#[test]
fn a_member_sheet_in_gbk_is_previewed_then_imported_whole_and_undone() {
    use liangxin_domain::resident_id::ResidentId;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    let out = liangxin(db, &["demo", "--seed", "7", "--organizations", "1500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut conn = SqliteConnection::establish(db).unwrap();
    let (county, id): (i32, i64) = diesel::sql_query(
        "SELECT county_code, id FROM party_orgs WHERE org_type = 'branch' ORDER BY id LIMIT 1",
    )
    .get_result::<Branch>(&mut conn)
    .map(|b| (b.county_code, b.id))
    .unwrap();
    let count = |conn: &mut SqliteConnection| {
        diesel::sql_query("SELECT COUNT(*) AS n FROM members")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    let before = count(&mut conn);
    let person = |seq: u16| {
        ResidentId::from_parts(
            "330825",
            chrono::NaiveDate::from_ymd_opt(1990, 1, 2).unwrap(),
            seq,
        )
        .unwrap()
        .expose()
        .to_owned()
    };
    let code = format!("{county}-{id}");
    let sheet = |rows: &[String]| {
        let text = format!(
            "姓名,身份证号,所在支部,人员类别,入党日期,转正日期\r\n{}\r\n",
            rows.join("\r\n")
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let path = dir.path().join("党员.csv");
        std::fs::write(&path, &gbk).unwrap();
        path
    };
    let good = [
        format!("导入甲,{},{code},正式,2015-07-01,2016-07-01", person(901)),
        format!("导入乙,{},{code},预备,2026年5月1日,", person(902)),
    ];
    let bad = format!("导入丙,{},{code},正式,2015-02-30,2016-07-01", person(903));
    let with_bad = sheet(&[good[0].clone(), good[1].clone(), bad]);
    let path = with_bad.to_str().unwrap();
    let out = liangxin(db, &["import", "members", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("GB18030"), "{text}");
    assert!(text.contains("将新增2名党员"), "{text}");
    assert!(
        text.contains("第4行 入党时间「2015-02-30」：没有这一天"),
        "{text}"
    );
    assert!(text.contains("未写入任何数据"), "{text}");
    let out = liangxin(db, &["import", "members", path, "--commit"]);
    assert_eq!(out.status.code(), Some(3), "errors refuse the commit");
    assert!(stderr(&out).contains("未导入任何数据"), "{}", stderr(&out));
    assert_eq!(count(&mut conn), before, "nothing written");

    let fixed = sheet(&good);
    let out = liangxin(
        db,
        &["import", "members", fixed.to_str().unwrap(), "--commit"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("已导入（编号 1）"),
        "{}",
        stdout(&out)
    );
    assert_eq!(count(&mut conn), before + 2);
    let out = liangxin(db, &["import", "list"]);
    assert!(stdout(&out).contains("党员.csv"), "{}", stdout(&out));
    let out = liangxin(db, &["import", "undo", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&mut conn), before);
    let out = liangxin(db, &["import", "undo", "1"]);
    assert_eq!(out.status.code(), Some(3));
    // Killed during its commit: nothing of it is left, and the file still opens.
    let batch = sheet_of(dir.path(), &code, 300);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    cmd.arg("--db")
        .arg(db)
        .env_remove("DATABASE_URL")
        .env("LIANGXIN_KEY", KEY);
    let out = killed_in_commit(&mut cmd, "members", &batch);
    assert!(!out.status.success(), "the process died");
    assert_eq!(count(&mut conn), before, "no member of the killed import");
    let out = liangxin(db, &["import", "list"]);
    assert!(!stdout(&out).contains("批量.csv"), "{}", stdout(&out));
    assert!(integrity_ok(&mut conn));
    let out = liangxin(
        db,
        &["import", "members", batch.to_str().unwrap(), "--commit"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        count(&mut conn),
        before + 300,
        "the same file imports whole after"
    );

    // A damaged workbook is refused for what it is, whatever its name.
    let xlsx = dir.path().join("党员.csv");
    std::fs::write(&xlsx, [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0]).unwrap();
    let out = liangxin(db, &["import", "members", xlsx.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("已损坏或不完整"), "{}", stderr(&out));
}

/// The other kinds die mid-commit as members and organizations do: nothing of them is left.
#[test]
fn every_import_kind_killed_in_its_commit_leaves_nothing() {
    use liangxin_domain::resident_id::ResidentId;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    let out = liangxin(db, &["demo", "--seed", "7", "--organizations", "1500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut conn = SqliteConnection::establish(db).unwrap();
    let count = |conn: &mut SqliteConnection, table: &str| {
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    let first = |conn: &mut SqliteConnection, sql: &str| {
        diesel::sql_query(sql).get_result::<Branch>(conn).unwrap()
    };
    let committee = first(
        &mut conn,
        "SELECT county_code, id FROM party_orgs WHERE org_type = 'working_committee' AND county_code = 330825 ORDER BY id LIMIT 1",
    );
    let unit: Vec<Code> = diesel::sql_query(
        "SELECT credit_code AS code FROM organizations WHERE credit_code IS NOT NULL AND county_code = 330825 ORDER BY id LIMIT 1",
    )
    .load(&mut conn)
    .unwrap();
    let file = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let run = |kind: &str, path: &Path, commit: bool| {
        let p = path.to_str().unwrap();
        let mut args = vec!["import", kind, p];
        if commit {
            args.push("--commit");
        }
        let out = liangxin(db, &args);
        assert!(
            out.status.success(),
            "{kind}: {}{}",
            stdout(&out),
            stderr(&out)
        );
    };
    let killed = |kind: &str, path: &Path| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_liangxin"));
        cmd.arg("--db")
            .arg(db)
            .env_remove("DATABASE_URL")
            .env("LIANGXIN_KEY", KEY);
        let out = killed_in_commit(&mut cmd, kind, path);
        assert!(!out.status.success(), "{kind}: the process died");
    };

    // A new branch under the county's committee.
    let branch_sheet = file(
        "党组织.csv",
        format!(
            "党组织名称,上级党组织,组织类别\r\n命令行测试支部,{}-{},党支部\r\n",
            committee.county_code, committee.id
        ),
    );
    let before = count(&mut conn, "party_orgs");
    killed("party-orgs", &branch_sheet);
    assert_eq!(count(&mut conn, "party_orgs"), before);
    run("party-orgs", &branch_sheet, true);
    let branch = first(
        &mut conn,
        "SELECT county_code, id FROM party_orgs WHERE name = '命令行测试支部'",
    );
    let code = format!("{}-{}", branch.county_code, branch.id);

    // An instructor to a unit.
    let sheet = file(
        "选派.csv",
        format!(
            "单位统一社会信用代码,党建指导员\r\n{},命令行指导员\r\n",
            unit[0].code
        ),
    );
    let before = (
        count(&mut conn, "instructors"),
        count(&mut conn, "instructor_assignments"),
    );
    killed("assignments", &sheet);
    assert_eq!(
        (
            count(&mut conn, "instructors"),
            count(&mut conn, "instructor_assignments")
        ),
        before
    );

    // A member of the new branch, then a month of dues and a meeting of hers.
    let person = ResidentId::from_parts(
        "330825",
        chrono::NaiveDate::from_ymd_opt(1990, 5, 6).unwrap(),
        991,
    )
    .unwrap();
    let sheet = file(
        "党员.csv",
        format!(
            "姓名,身份证号,所在党组织,党员类别,入党时间,转正时间\r\n命令行党员,{},{code},正式党员,2015-07-01,2016-07-01\r\n",
            person.expose()
        ),
    );
    run("members", &sheet, true);
    let dues = file(
        "党费.csv",
        format!(
            "身份证号,所属月份,缴纳金额\r\n{},2026-10,50\r\n",
            person.expose()
        ),
    );
    let before = count(&mut conn, "dues_payments");
    killed("payments", &dues);
    assert_eq!(count(&mut conn, "dues_payments"), before);
    let meeting = file(
        "会议.csv",
        format!(
            "党组织,会议类型,会议日期,会议主题,身份证号,出席情况\r\n{code},主题党日,2026-10-15,志愿服务,{},出席\r\n",
            person.expose()
        ),
    );
    run("meetings", &meeting, false);
    let before = (
        count(&mut conn, "meetings"),
        count(&mut conn, "meeting_attendance"),
    );
    killed("meetings", &meeting);
    assert_eq!(
        (
            count(&mut conn, "meetings"),
            count(&mut conn, "meeting_attendance")
        ),
        before
    );
    assert!(integrity_ok(&mut conn));
    // And the same files go in whole afterwards.
    run("payments", &dues, true);
    run("meetings", &meeting, true);
    assert_eq!(count(&mut conn, "meetings"), before.0 + 1);
}

#[derive(diesel::QueryableByName)]
struct Code {
    #[diesel(sql_type = diesel::sql_types::Text)]
    code: String,
}

#[test]
fn an_organization_list_is_previewed_imported_by_credit_code_and_undone() {
    use liangxin_domain::credit_code::CreditCode;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    let out = liangxin(db, &["demo", "--seed", "7", "--organizations", "1500"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut conn = SqliteConnection::establish(db).unwrap();
    let count = |conn: &mut SqliteConnection| {
        diesel::sql_query("SELECT COUNT(*) AS n FROM organizations")
            .get_result::<Count>(conn)
            .unwrap()
            .n
    };
    let before = count(&mut conn);
    let code = |tail: &str| {
        CreditCode::from_parts(&format!("91330825MA7CL{tail}"))
            .unwrap()
            .as_str()
            .to_owned()
    };
    let sheet = |rows: &[String]| {
        let text = format!(
            "单位名称,统一社会信用代码,所在县(市、区),单位类型,从业人员数\r\n{}\r\n",
            rows.join("\r\n")
        );
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        let path = dir.path().join("两新组织.csv");
        std::fs::write(&path, &gbk).unwrap();
        path
    };
    let good = [
        format!("命令行甲有限公司,{},龙游县,,12", code("0001")),
        "命令行乙协会,,330825,社会团体,".to_owned(),
    ];
    let with_bad = sheet(&[
        good[0].clone(),
        good[1].clone(),
        format!("命令行丙有限公司,{},杭州市,,", code("0002")),
    ]);
    let path = with_bad.to_str().unwrap();
    let out = liangxin(db, &["import", "organizations", path]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("将新增2个两新组织"), "{text}");
    assert!(
        text.contains("第4行 所在县(市、区)「杭州市」：不在您的管理范围内"),
        "{text}"
    );
    let out = liangxin(db, &["import", "organizations", path, "--commit"]);
    assert_eq!(out.status.code(), Some(3), "errors refuse the commit");
    assert_eq!(count(&mut conn), before, "nothing written");

    // Killed during its commit: nothing of it is left.
    let fixed = sheet(&good);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    cmd.arg("--db")
        .arg(db)
        .env_remove("DATABASE_URL")
        .env("LIANGXIN_KEY", KEY);
    let out = killed_in_commit(&mut cmd, "organizations", &fixed);
    assert!(!out.status.success(), "the process died");
    assert_eq!(count(&mut conn), before);
    assert!(integrity_ok(&mut conn));

    let out = liangxin(
        db,
        &[
            "import",
            "organizations",
            fixed.to_str().unwrap(),
            "--commit",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("新增2个两新组织"), "{}", stdout(&out));
    assert_eq!(count(&mut conn), before + 2);
    let again = liangxin(db, &["import", "organizations", fixed.to_str().unwrap()]);
    assert!(
        stdout(&again).contains("将新增0个两新组织，更新0个，跳过2行"),
        "{}",
        stdout(&again)
    );
    let out = liangxin(db, &["import", "undo", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&mut conn), before);
}

/// A member sheet of `n` new people in branch `code` (a 组织编号), as CSV.
fn sheet_of(dir: &Path, code: &str, n: u32) -> std::path::PathBuf {
    use liangxin_domain::resident_id::ResidentId;
    let mut text = String::from("姓名,身份证号,所在党支部,党员类别,入党日期,转正日期\r\n");
    for seq in 0..n {
        let born = chrono::NaiveDate::from_ymd_opt(1962, 3, 4).unwrap()
            + chrono::Days::new(u64::from(seq / 1000));
        let id =
            ResidentId::from_parts("330899", born, u16::try_from(seq % 1000).unwrap()).unwrap();
        text.push_str(&format!(
            "批量{seq},{},{code},正式党员,2015-07-01,2016-07-01\r\n",
            id.expose()
        ));
    }
    let path = dir.join("批量.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// A county's first import, larger than its register: on SQLite the commit drops the
/// secondary indexes of members and builds them again after the rows. Killed in between,
/// the indexes are back as they were; committed, they are all there and the undo takes the
/// whole block of members back.
#[test]
fn a_first_import_larger_than_the_register_keeps_its_indexes_through_a_kill_and_an_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    let out = liangxin(db, &["demo", "--seed", "7", "--organizations", "300"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut conn = SqliteConnection::establish(db).unwrap();
    let branch = diesel::sql_query(
        "SELECT county_code, id FROM party_orgs WHERE org_type = 'branch' ORDER BY id LIMIT 1",
    )
    .get_result::<Branch>(&mut conn)
    .unwrap();
    let count = |conn: &mut SqliteConnection, sql: &str| {
        diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
    };
    let members = "SELECT COUNT(*) AS n FROM members";
    // Every index of the two tables with its definition, as the migrations made them.
    let indexes = |conn: &mut SqliteConnection| {
        diesel::sql_query(
            "SELECT name || ': ' || coalesce(sql, '') AS integrity_check FROM sqlite_master \
             WHERE type = 'index' AND tbl_name IN ('members', 'member_profiles') ORDER BY name",
        )
        .load::<Check>(conn)
        .unwrap()
        .into_iter()
        .map(|c| c.integrity_check)
        .collect::<Vec<_>>()
    };
    let before = count(&mut conn, members);
    let indexes_before = indexes(&mut conn);
    assert!(indexes_before.len() >= 5, "{indexes_before:?}");
    let rows = 50_000;
    assert!(before < i64::from(rows), "the import is the larger part");
    let batch = sheet_of(
        dir.path(),
        &format!("{}-{}", branch.county_code, branch.id),
        rows,
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_liangxin"));
    cmd.arg("--db")
        .arg(db)
        .env_remove("DATABASE_URL")
        .env("LIANGXIN_KEY", KEY);
    let out = killed_in_commit(&mut cmd, "members", &batch);
    assert!(!out.status.success(), "the process died");
    assert_eq!(count(&mut conn, members), before);
    assert_eq!(indexes(&mut conn), indexes_before, "indexes back");
    assert!(integrity_ok(&mut conn));

    let out = liangxin(
        db,
        &["import", "members", batch.to_str().unwrap(), "--commit"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&mut conn, members), before + i64::from(rows));
    assert_eq!(indexes(&mut conn), indexes_before, "indexes rebuilt");
    assert!(integrity_ok(&mut conn));
    // The rebuilt index finds the people: the same file again creates nobody.
    let out = liangxin(db, &["import", "members", batch.to_str().unwrap()]);
    assert!(stdout(&out).contains("将新增0名党员"), "{}", stdout(&out));
    let out = liangxin(db, &["import", "undo", "1"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&mut conn, members), before);
    let left = "SELECT COUNT(*) AS n FROM member_profiles";
    assert_eq!(count(&mut conn, left), before, "their identities went too");
}

/// Runs an import whose process dies in the middle of its commit transaction, as a
/// power cut or `kill -9` would have it.
fn killed_in_commit(cmd: &mut Command, kind: &str, file: &Path) -> Output {
    cmd.args(["import", kind, file.to_str().unwrap(), "--commit"])
        .env("LIANGXIN_TEST_DIE_IN_IMPORT", "1")
        .output()
        .unwrap()
}

#[derive(diesel::QueryableByName)]
struct Branch {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    county_code: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

/// SQLite's own check of the whole file.
fn integrity_ok(conn: &mut SqliteConnection) -> bool {
    let ok: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
        .load(conn)
        .unwrap();
    ok.len() == 1 && ok[0].integrity_check == "ok"
}

#[derive(diesel::QueryableByName)]
struct Check {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A running `liangxin serve` on a free port of the loopback.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    fn start(db: &Path) -> Server {
        Server::start_with(db, &["--insecure-cookies"], None)
    }

    /// Serves `db` with the extra arguments, its output in `log` when given.
    fn start_with(db: &Path, args: &[&str], log: Option<&Path>) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let output = || match log {
            Some(path) => std::process::Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .unwrap(),
            ),
            None => std::process::Stdio::null(),
        };
        let child = Command::new(env!("CARGO_BIN_EXE_liangxin"))
            .arg("--db")
            .arg(db)
            .arg("serve")
            .args(args)
            .arg("--addr")
            .arg(format!("127.0.0.1:{port}"))
            .env_remove("DATABASE_URL")
            .env("LIANGXIN_KEY", KEY)
            .stdout(output())
            .stderr(output())
            .spawn()
            .unwrap();
        let tls = args.contains(&"--tls-cert");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..600 {
            let up = if tls {
                curl_https(&server.base.replace("http://", "https://"), "/healthz").0 == 200
            } else {
                server.get("/healthz", "").0 == 200
            };
            if up {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("liangxin serve did not answer on {}", server.base);
    }

    fn agent() -> ureq::Agent {
        ureq::Agent::config_builder()
            .max_idle_connections(0)
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into()
    }

    /// Status, the `Set-Cookie` pairs and the body of a GET.
    fn get(&self, path: &str, cookies: &str) -> (u16, Vec<String>, String) {
        let r = Self::agent()
            .get(format!("{}{path}", self.base))
            .header("Cookie", cookies)
            .call();
        match r {
            Ok(r) => Self::read(r),
            Err(_) => (0, Vec::new(), String::new()),
        }
    }

    fn read(mut r: ureq::http::Response<ureq::Body>) -> (u16, Vec<String>, String) {
        let cookies = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
            .collect();
        let body = r.body_mut().read_to_string().unwrap_or_default();
        (r.status().as_u16(), cookies, body)
    }

    /// Signs in through the form as a person would; returns the session's cookies.
    fn sign_in(&self, username: &str) -> String {
        let (status, cookies, body) = self.try_sign_in(username, "lx-demo-2017", &[]);
        assert_eq!(status, 303, "sign-in of {username}: {body}");
        cookies
    }

    /// A sign-in through the form with extra request headers: status, cookies, page.
    fn try_sign_in(
        &self,
        username: &str,
        password: &str,
        headers: &[(&str, &str)],
    ) -> (u16, String, String) {
        let (status, cookies, page) = self.get("/login", "");
        assert_eq!(status, 200);
        let at = page.find("name=\"_csrf\" value=\"").unwrap() + 20;
        let csrf = page[at..].split('"').next().unwrap().to_owned();
        let jar = cookies.join("; ");
        let body = form_body(&[
            ("_csrf", &csrf),
            ("next", "/"),
            ("username", username),
            ("password", password),
        ]);
        let mut req = Self::agent()
            .post(format!("{}/login", self.base))
            .header("Cookie", &jar);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req
            .content_type("application/x-www-form-urlencoded")
            .send(body)
            .unwrap();
        let (status, cookies, body) = Self::read(r);
        (status, cookies.join("; "), body)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let enc = |s: &str| {
                s.bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                            char::from(b).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            };
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn a_write_survives_an_outside_client_then_kill_9() {
    // The server with its default pool; a sign-in is a committed write (its session row).
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liangxin.db");
    let out = liangxin(db.to_str().unwrap(), &["demo", "--organizations", "300"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start(&db);
    let first = server.sign_in("city");

    // An ordinary SQLite client (Python's, as a backup script would use) opens the file,
    // reads and closes: if the server held no lock on it, this close would checkpoint and
    // delete the WAL the server still writes to.
    let outside = Command::new("python3")
        .arg("-c")
        .arg(
            "import sqlite3, sys\n\
             c = sqlite3.connect(sys.argv[1])\n\
             print(c.execute('SELECT COUNT(*) FROM sessions').fetchone()[0])\n\
             c.close()",
        )
        .arg(&db)
        .output()
        .unwrap();
    assert!(outside.status.success(), "{}", stderr(&outside));
    assert_eq!(
        stdout(&outside).trim(),
        "1",
        "the outside client sees the session"
    );
    assert!(
        dir.path().join("liangxin.db-wal").exists(),
        "the WAL is still there for the server"
    );
    let second = server.sign_in("longyou");
    let (status, _, _) = server.get("/", &second);
    assert_eq!(
        status, 200,
        "the second session works while the server runs"
    );

    // Power cut: nothing is flushed or closed.
    let mut server = server;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);

    let server = Server::start(&db);
    for (who, cookies) in [("city", &first), ("longyou", &second)] {
        let (status, _, _) = server.get("/", cookies);
        assert_eq!(
            status, 200,
            "{who}'s session, written before the kill, is still there"
        );
    }
    let mut conn = SqliteConnection::establish(db.to_str().unwrap()).unwrap();
    assert!(integrity_ok(&mut conn));
}

/// Status and headers of an HTTPS GET through curl, the certificate not checked (the test
/// makes its own).
fn curl_https(base: &str, path: &str) -> (u16, String) {
    let out = Command::new("curl")
        .args(["-k", "-s", "-D", "-", "-o", "/dev/null", "--max-time", "5"])
        .arg(format!("{base}{path}"))
        .output()
        .unwrap();
    let head = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head)
}

#[test]
fn serve_over_tls_with_hsts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liangxin.db");
    let out = liangxin(db.to_str().unwrap(), &["demo", "--organizations", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", stderr(&made));

    // A wrong path is refused at once, in Chinese.
    let out = liangxin(
        db.to_str().unwrap(),
        &[
            "serve",
            "--tls-cert",
            "/nonexistent.pem",
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("无法读取证书文件"),
        "{}",
        stderr(&out)
    );

    let server = Server::start_with(
        &db,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
        None,
    );
    let https = server.base.replace("http://", "https://");
    let (status, head) = curl_https(&https, "/login");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("strict-transport-security: max-age="),
        "{head}"
    );
    // The cookies take the __Host- prefix, and signing in works with them.
    assert!(head.contains("__Host-lx_login="), "{head}");
    let jar = dir.path().join("jar");
    let curl = |args: &[&str]| {
        let out = Command::new("curl")
            .args(["-k", "-s", "--max-time", "10", "-c", jar.to_str().unwrap()])
            .args(["-b", jar.to_str().unwrap()])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let page = curl(&[&format!("{https}/login")]);
    assert!(page.contains("演示数据"), "a demo database says so: {page}");
    let csrf = page.split("name=\"_csrf\" value=\"").nth(1).unwrap();
    let csrf = csrf.split('"').next().unwrap();
    let signed = curl(&[
        "-D",
        "-",
        "-o",
        "/dev/null",
        "--data-urlencode",
        &format!("_csrf={csrf}"),
        "--data-urlencode",
        "username=city",
        "--data-urlencode",
        "password=lx-demo-2017",
        &format!("{https}/login"),
    ]);
    assert!(signed.starts_with("HTTP/1.1 303"), "{signed}");
    assert!(signed.contains("__Host-lx_session="), "{signed}");
    let home = curl(&["-D", "-", &format!("{https}/")]);
    assert!(home.starts_with("HTTP/1.1 200"), "{home}");
    assert!(home.contains("演示数据"), "on every page");
    // Plain HTTP to the TLS port gets no page.
    assert_ne!(server.get("/healthz", "").0, 200);
}

#[test]
fn behind_a_trusted_proxy_the_sign_in_limit_counts_the_client_not_the_proxy() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liangxin.db");
    let out = liangxin(db.to_str().unwrap(), &["demo", "--organizations", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let server = Server::start_with(
        &db,
        &["--insecure-cookies", "--trusted-proxy", "127.0.0.0/8"],
        None,
    );
    let from = |ip: &'static str| [("X-Forwarded-For", ip)];
    // The server verified the audit log at start, and says so in /metrics.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (_, _, metrics) = server.get("/metrics", "");
        if metrics.contains("liangxin_audit_log_intact 1") {
            assert!(metrics.contains("liangxin_audit_log_rows "), "{metrics}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no verification: {metrics}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // Twenty failures from one client behind the proxy (spread over accounts, so no
    // account locks)…
    for i in 0..20 {
        let user = ["nobody1", "nobody2", "nobody3", "nobody4"][i % 4];
        let (status, _, _) = server.try_sign_in(user, "wrong", &from("203.0.113.7"));
        assert_eq!(status, 401, "attempt {i}");
    }
    // …turn that client away…
    let (status, _, body) = server.try_sign_in("city", "lx-demo-2017", &from("203.0.113.7"));
    assert_eq!(status, 429, "{body}");
    // …and nobody else behind the same proxy.
    let (status, _, body) = server.try_sign_in("city", "lx-demo-2017", &from("198.51.100.20"));
    assert_eq!(status, 303, "{body}");

    // Guesses at the same moment cannot all slip under the limit: fifty at once from a
    // fresh client are at most twenty verified (401), the rest turned away (429).
    let burst = |each: &(dyn Fn(usize) -> (String, String, String) + Sync)| -> Vec<u16> {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..50)
                .map(|i| {
                    let server = &server;
                    s.spawn(move || {
                        let (user, password, ip) = each(i);
                        server
                            .try_sign_in(&user, &password, &[("X-Forwarded-For", ip.as_str())])
                            .0
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let statuses = burst(&|i| (format!("nobody{i}"), "wrong".into(), "198.51.100.77".into()));
    let verified = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(verified + refused, 50, "{statuses:?}");
    assert!(verified <= 20, "{verified} guesses verified: {statuses:?}");

    // Fifty at once at one account, each from its own address, the right password among
    // them: the account's lock holds, so the right password does not get in afterwards
    // (it was let in after thirty wrong ones when the lock was checked before Argon2 and
    // the failures counted after).
    let statuses = burst(&|i| {
        let password = if i == 49 { "lx-demo-2017" } else { "wrong" };
        (
            "city".into(),
            password.into(),
            format!("203.0.113.{}", 100 + i),
        )
    });
    assert!(
        statuses.iter().all(|s| [303, 401, 429].contains(s)),
        "{statuses:?}"
    );
    assert!(
        statuses.iter().filter(|s| **s == 303).count() <= 1,
        "{statuses:?}"
    );
    let (status, _, body) = server.try_sign_in("city", "lx-demo-2017", &from("203.0.113.250"));
    assert_eq!(status, 401, "the account is locked: {body}");
    assert!(body.contains("锁定"), "{body}");
    drop(server);

    // Without --trusted-proxy the header is anyone's to write: it is ignored, and the
    // failures count against the address that really connected.
    let server = Server::start(&db);
    for i in 0..20 {
        let ip = if i % 2 == 0 { "192.0.2.1" } else { "192.0.2.2" };
        let (status, _, _) = server.try_sign_in("nobody", "wrong", &[("X-Forwarded-For", ip)]);
        assert_eq!(status, 401, "attempt {i}");
    }
    let (status, _, _) = server.try_sign_in("city", "lx-demo-2017", &from("192.0.2.99"));
    assert_eq!(status, 429);
}

#[test]
fn sigterm_ends_the_server_even_with_a_request_that_never_finishes() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liangxin.db");
    let out = liangxin(db.to_str().unwrap(), &["demo", "--organizations", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = dir.path().join("serve.log");
    let mut server = Server::start_with(&db, &["--insecure-cookies"], Some(&log));
    // A client announces a body and sends only part of it: the request stays in flight.
    let addr = server.base.trim_start_matches("http://").to_owned();
    let mut stuck = std::net::TcpStream::connect(&addr).unwrap();
    stuck
        .write_all(
            b"POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nusername=",
        )
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let term = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    // It ends by itself after its grace period (10 s), not when the client gives up.
    let mut ended = None;
    for _ in 0..600 {
        if let Some(status) = server.child.try_wait().unwrap() {
            ended = Some(status);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let status = ended.expect("the server was still running a minute after SIGTERM");
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("shutting down"), "{log}");
    assert!(log.contains("grace period"), "{log}");
    drop(stuck);
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("liangxin.db");
    let out = liangxin(db.to_str().unwrap(), &["demo", "--organizations", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // `liangxin coverage | head -0`: the reader is gone before the first line.
    let mut child = Command::new(env!("CARGO_BIN_EXE_liangxin"))
        .arg("--db")
        .arg(&db)
        .args(["coverage", "--by", "county"])
        .env_remove("DATABASE_URL")
        .env("LIANGXIN_KEY", KEY)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

/// `coverage --list` and `audit --list` show the rows their figures count.
#[test]
fn coverage_and_audit_list_the_rows_they_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("city.db");
    let db = db.to_str().unwrap();
    assert!(
        liangxin(db, &["demo", "--seed", "3", "--organizations", "400"])
            .status
            .success()
    );
    let report: serde_json::Value =
        serde_json::from_str(&stdout(&liangxin(db, &["coverage", "--format", "json"]))).unwrap();
    let total = &report["total"];
    let listed = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["coverage", "--list", "--format", "json"];
        all.extend_from_slice(args);
        let out = liangxin(db, &all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out))
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let every = listed(&[]);
    assert_eq!(every.len() as u64, total["total"].as_u64().unwrap());
    for (state, field) in [
        ("organization", "organization_covered"),
        ("work_only", "work_covered"),
        ("gap", "gap"),
    ] {
        let rows = listed(&["--state", state]);
        assert_eq!(rows.len() as u64, total[field].as_u64().unwrap(), "{state}");
        assert!(
            rows.iter()
                .all(|r| r["state"] == state.replace("_only", ""))
        );
    }
    let needing = listed(&["--action", "any"]);
    assert_eq!(
        needing.len() as u64,
        total["needing_action"].as_u64().unwrap()
    );
    let gaps_to_build = listed(&["--state", "gap", "--action", "set_up_own_branch"]);
    assert!(gaps_to_build.iter().all(|r| {
        r["actions"]
            .as_array()
            .unwrap()
            .contains(&"set_up_own_branch".into())
    }));
    let bad = liangxin(db, &["coverage", "--list", "--state", "covered"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("--state"), "{}", stderr(&bad));
    let table = stdout(&liangxin(db, &["coverage", "--list", "--state", "gap"]));
    assert!(table.contains("空白"), "{table}");

    // The audit lists nothing before it ran: it says so instead of an empty list.
    let before = liangxin(db, &["audit", "--list"]);
    assert!(!before.status.success());
    assert!(stderr(&before).contains("尚未排查"), "{}", stderr(&before));
    let run = stdout(&liangxin(db, &["audit"]));
    let found: usize = run
        .split("发现问题")
        .nth(1)
        .and_then(|s| s.split('项').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{run}"));
    assert!(found > 0, "{run}");
    let findings = |args: &[&str]| -> Vec<serde_json::Value> {
        let mut all = vec!["audit", "--list", "--format", "json"];
        all.extend_from_slice(args);
        let out = liangxin(db, &all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out))
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    };
    let open = findings(&[]);
    assert_eq!(open.len(), found);
    let unpaid = findings(&["--kind", "dues_unpaid"]);
    assert!(!unpaid.is_empty());
    assert!(unpaid.iter().all(|f| f["kind"] == "dues_unpaid"));
    assert!(findings(&["--state", "closed"]).is_empty());
    let csv = stdout(&liangxin(db, &["audit", "--list", "--format", "csv"]));
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count() - 1, found);
    let county = findings(&["--county", "330825"]);
    assert!(!county.is_empty() && county.len() < found);
    let bad = liangxin(db, &["audit", "--list", "--kind", "late"]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("--kind"), "{}", stderr(&bad));
}

/// A round's bulletin, as a branch would publish it: `votes` ballots over a roll of three.
fn bulletin(previous: Option<String>, votes: &[&str]) -> liangxin_domain::appraisal::Bulletin {
    use liangxin_domain::appraisal::{Ballot, Bulletin, Credential, tracker};
    let ballots = votes
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let b = Ballot::parse(m, 3).unwrap();
            let c = Credential::from_random([u8::try_from(i).unwrap(); Credential::BYTES]);
            (tracker(&c, &b), b)
        })
        .collect();
    let roll = ["张三", "李四", "王五"].map(String::from).to_vec();
    Bulletin::close(
        "某公司党支部 2026年度民主评议党员",
        previous,
        4,
        roll,
        ballots,
    )
    .unwrap()
}

#[test]
fn anyone_recounts_a_bulletin_without_the_database_and_a_forged_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let first = bulletin(None, &["AAB"]);
    let second = bulletin(Some(first.hash()), &["ABB", "BBD", "A-B"]);
    let first_file = dir.path().join("2025.txt");
    let file = dir.path().join("2026.txt");
    std::fs::write(&first_file, first.text()).unwrap();
    std::fs::write(&file, second.text()).unwrap();
    // No database is opened: the address given does not even exist.
    let nowhere = dir.path().join("no/such/dir/x.db");
    let nowhere = nowhere.to_str().unwrap();
    let f = file.to_str().unwrap();
    let out = liangxin(
        nowhere,
        &[
            "ballot",
            "verify",
            f,
            "--previous",
            first_file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("核验通过"), "{said}");
    assert!(said.contains("发出凭证 4，收回选票 3"), "{said}");
    assert!(said.contains("1\t张三\t2\t1\t0\t0\t0"), "{said}");
    assert!(said.contains("2\t李四\t0\t2\t0\t0\t1"), "{said}");
    assert!(said.contains(&second.hash()), "{said}");
    assert!(said.contains("已核对接续"), "{said}");
    assert!(!nowhere_exists(dir.path()), "nothing was created");

    // A total changed after the fact fails, naming the member whose count differs.
    let forged = dir.path().join("forged.txt");
    std::fs::write(
        &forged,
        second
            .text()
            .replace("1\t2\t1\t0\t0\t0", "1\t3\t0\t0\t0\t0"),
    )
    .unwrap();
    let out = liangxin(nowhere, &["ballot", "verify", forged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("第 1 名党员"), "{}", stderr(&out));
    // Chained to another round: refused.
    let out = liangxin(
        nowhere,
        &[
            "ballot",
            "verify",
            first_file.to_str().unwrap(),
            "--previous",
            f,
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("不接续"), "{}", stderr(&out));
    // A huge file is refused before it is read whole.
    let huge = dir.path().join("huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let out = liangxin(nowhere, &["ballot", "verify", huge.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("超过 16 MB"), "{}", stderr(&out));
}

fn nowhere_exists(dir: &Path) -> bool {
    dir.join("no").exists()
}

/// `demo --province`: Zhejiang's eleven cities under one province committee, the same
/// report on SQLite and on PostgreSQL, each city and county a scope of its own.
#[test]
fn a_small_province_city_by_city_on_both_databases() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("province.db");
    let db = db.to_str().unwrap();
    let args = [
        "demo",
        "--province",
        "330000",
        "--organizations",
        "2500",
        "--as-of",
        "2026-11-27",
    ];
    let out = liangxin(db, &args);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.contains("11 个市"), "{said}");
    assert!(said.contains("quzhou"), "the city's own account: {said}");
    let report = |run: &dyn Fn(&[&str]) -> Output, county: Option<&str>| {
        let mut a = vec!["coverage", "--by", "county", "--as-of", "2026-11-27"];
        a.extend(["--format", "json"]);
        if let Some(c) = county {
            a.extend(["--county", c]);
        }
        let out = run(&a);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out)
    };
    let sqlite = |a: &[&str]| liangxin(db, a);
    let whole: serde_json::Value = serde_json::from_str(&report(&sqlite, None)).unwrap();
    assert_eq!(whole["scope"], "中共浙江省两新组织工作委员会");
    let groups = whole["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 90, "Zhejiang's 90 county-level divisions");
    let names: Vec<&str> = groups.iter().map(|g| g["name"].as_str().unwrap()).collect();
    for name in ["上城区", "龙游县", "景宁畲族自治县", "嵊泗县"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let sum: u64 = groups.iter().map(|g| g["total"].as_u64().unwrap()).sum();
    assert_eq!(Some(sum), whole["total"]["total"].as_u64());
    // One city: its own divisions only.
    let quzhou: serde_json::Value = serde_json::from_str(&report(&sqlite, Some("330800"))).unwrap();
    assert_eq!(quzhou["groups"].as_array().unwrap().len(), 6);
    let out = liangxin(db, &args);
    assert!(
        !out.status.success(),
        "a second province is not added beside the first"
    );
    // A province or a city it does not know is refused by name, before anything is read.
    let out = liangxin(db, &["demo", "--province", "110000", "--force"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--province"), "{}", stderr(&out));
    let out = liangxin(
        db,
        &[
            "demo",
            "--province",
            "330000",
            "--cities",
            "330800,110100",
            "--force",
        ],
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("--cities：110100"),
        "{}",
        stderr(&out)
    );

    let Ok(base) = std::env::var("LIANGXIN_TEST_PG_URL") else {
        eprintln!("LIANGXIN_TEST_PG_URL not set: the province on PostgreSQL skipped");
        return;
    };
    let schema = format!("lx_province_{}", std::process::id());
    let mut admin = PgConnection::establish(&base).unwrap();
    for sql in [
        format!("DROP SCHEMA IF EXISTS {schema} CASCADE"),
        format!("CREATE SCHEMA {schema}"),
    ] {
        diesel::sql_query(sql).execute(&mut admin).unwrap();
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
    let pg = |a: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_liangxin"))
            .args(a)
            .env("DATABASE_URL", &url)
            .env("LIANGXIN_KEY", KEY)
            .output()
            .unwrap()
    };
    let out = pg(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report(&pg, None), report(&sqlite, None));
    assert_eq!(report(&pg, Some("330825")), report(&sqlite, Some("330825")));
    diesel::sql_query(format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&mut admin)
        .unwrap();
}
