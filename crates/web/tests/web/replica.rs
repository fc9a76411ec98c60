//! A primary with a streaming replica for reads (`serve --read-db`): the one who wrote reads
//! their change at once, the others read the replica, and a stopped replica costs nobody a
//! page. Needs the replica `scripts/pg-replica.sh` starts, as `.ci/run` does
//! (`LIANGXIN_TEST_PG_REPLICA_URL`); the test stops and starts it.

use super::*;

use diesel::prelude::*;

const NAME: &str = "龙游县副本读取测试科技有限公司";

fn script(action: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg-replica.sh");
    let out = std::process::Command::new(path)
        .arg(action)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pg-replica.sh {action}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// How many organizations named [`NAME`] `c` is shown.
fn found(c: &mut common::Client) -> i64 {
    let r = c.get(&format!(
        "/api/v1/organizations?q={}",
        liangxin_web::auth::urlencode(NAME)
    ));
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["total"].as_i64().unwrap()
}

/// The server's count of reads served where (`replica`, `primary_behind`, `primary_down`).
fn reads(app: &TestApp, served: &str) -> u64 {
    let body = app.client().get("/metrics").body;
    let line = format!("liangxin_db_reads_total{{served=\"{served}\"}} ");
    body.lines()
        .find_map(|l| l.strip_prefix(&line))
        .unwrap_or_else(|| panic!("no {line} in /metrics"))
        .parse()
        .unwrap()
}

/// The replica's lag behind the primary in bytes of WAL, as /metrics gives it.
fn lag(app: &TestApp) -> i64 {
    let body = app.client().get("/metrics").body;
    body.lines()
        .find_map(|l| l.strip_prefix("liangxin_db_replica_lag_bytes "))
        .unwrap_or_else(|| panic!("no replica lag in /metrics: {body}"))
        .parse()
        .unwrap()
}

#[derive(QueryableByName)]
struct Replayed {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    replayed: bool,
}

/// Waits (without a deadline that could pass on a slow machine, up to a minute) until the
/// replica holds everything the primary has committed now.
fn replica_catches_up(primary: &str, replica: &mut PgConnection) {
    #[derive(QueryableByName)]
    struct Lsn {
        #[diesel(sql_type = diesel::sql_types::Text)]
        lsn: String,
    }
    let mut p = PgConnection::establish(primary).unwrap();
    let now = diesel::sql_query("SELECT CAST(pg_current_wal_lsn() AS TEXT) AS lsn")
        .get_result::<Lsn>(&mut p)
        .unwrap()
        .lsn;
    for _ in 0..600 {
        let r = diesel::sql_query(format!(
            "SELECT pg_last_wal_replay_lsn() >= '{now}'::pg_lsn AS replayed"
        ))
        .get_result::<Replayed>(replica)
        .unwrap();
        if r.replayed {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("the replica did not replay {now} within a minute");
}

#[test]
fn reads_go_to_the_replica_except_the_writers_own_until_replayed_and_fall_back_when_it_stops() {
    let (Ok(primary), Ok(replica)) = (
        std::env::var("LIANGXIN_TEST_PG_URL"),
        std::env::var("LIANGXIN_TEST_PG_REPLICA_URL"),
    ) else {
        eprintln!("LIANGXIN_TEST_PG_REPLICA_URL not set: the replica's story is not run");
        return;
    };
    let mut standby = PgConnection::establish(&replica).unwrap();
    // A run stopped midway may have left it paused.
    diesel::sql_query("SELECT pg_wal_replay_resume()")
        .execute(&mut standby)
        .unwrap();
    let app = TestApp::start_with_replica(300, &primary, &replica);
    replica_catches_up(&primary, &mut standby);

    let mut writer = app.signed_in("longyou");
    let mut other = app.signed_in("city");
    assert_eq!(found(&mut other), 0);
    let served = reads(&app, "replica");
    assert!(served > 0, "a reader who has not written reads the replica");

    // The replica stops replaying: whatever is written now is on the primary only.
    diesel::sql_query("SELECT pg_wal_replay_pause()")
        .execute(&mut standby)
        .unwrap();
    let form = writer.get("/organizations/new");
    let csrf = form.csrf();
    let r = writer.post_form(
        "/organizations/new",
        &[
            ("_csrf", csrf.as_str()),
            ("name", NAME),
            ("county", "330825"),
            ("kind", "enterprise"),
            ("employees", "12"),
        ],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(lag(&app) > 0, "the paused replica is behind by the write");
    // The writer's next page shows it: their reads go to the primary until the replica has
    // replayed their write.
    let behind = reads(&app, "primary_behind");
    assert_eq!(found(&mut writer), 1, "the writer reads their own write");
    assert!(reads(&app, "primary_behind") > behind);
    // Whoever has not written reads the replica, which has not replayed it yet.
    let served = reads(&app, "replica");
    assert_eq!(found(&mut other), 0, "the others read the paused replica");
    assert!(reads(&app, "replica") > served);

    // Replaying again, the replica has it; the writer reads from the replica once more.
    diesel::sql_query("SELECT pg_wal_replay_resume()")
        .execute(&mut standby)
        .unwrap();
    replica_catches_up(&primary, &mut standby);
    assert_eq!(found(&mut other), 1);
    let served = reads(&app, "replica");
    assert_eq!(found(&mut writer), 1);
    assert!(
        reads(&app, "replica") > served,
        "the writer is back on the replica"
    );

    // The replica stops: every read falls back to the primary, none fails. It is started
    // again however this part ends.
    drop(standby);
    struct StartAgain;
    impl Drop for StartAgain {
        fn drop(&mut self) {
            script("start");
        }
    }
    let _start_again = StartAgain;
    script("stop");
    let down = reads(&app, "primary_down");
    let list = other.get("/organizations");
    assert_eq!(list.status, 200);
    assert_eq!(
        (found(&mut other), found(&mut writer)),
        (1, 1),
        "reads fall back to the primary"
    );
    assert!(
        reads(&app, "primary_down") > down,
        "{}",
        app.client().get("/metrics").body
    );
}
