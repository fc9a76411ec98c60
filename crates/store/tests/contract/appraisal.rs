//! 民主评议党员: a round end to end, and what its tables keep (the secrecy).

use super::*;
use diesel::sql_types::{BigInt, Text};
use liangxin_domain::appraisal::{self, Ballot, Bulletin, Credential, Grade};
use liangxin_store::DbConnection;

/// A branch of `full` 正式党员 and `probationary` 预备党员 in 红木小镇联合党支部.
fn branch_of(store: &mut Store, c: &SmallCity, full: usize, probationary: usize) -> Vec<Key> {
    let county = scope_of(store, c.longyou);
    (0..full + probationary)
        .map(|i| {
            let status = if i < full {
                MemberStatus::Full
            } else {
                MemberStatus::Probationary
            };
            let m = member(
                c.joint,
                &format!("党员{i:02}"),
                100 + i as u16,
                status,
                None,
            );
            store.insert_member("t", &county, TODAY, m).unwrap()
        })
        .collect()
}

fn invalid_field(e: StoreError) -> (&'static str, String) {
    match e {
        StoreError::Invalid { field, reason } => (field, reason),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

pub(super) fn a_branch_runs_a_secret_round_closes_it_and_anyone_recounts_it(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let members = branch_of(&mut store, &c, 4, 1);
    let county = scope_of(&mut store, c.longyou);
    let other_county = scope_of(&mut store, c.kecheng);

    // Only a branch holds a round, only inside the scope, and once a year.
    let (field, _) = invalid_field(
        store
            .open_appraisal("t", &county, TODAY, c.longyou, 2026)
            .unwrap_err(),
    );
    assert_eq!(field, "党组织");
    let (field, _) = invalid_field(
        store
            .open_appraisal("t", &other_county, TODAY, c.joint, 2026)
            .unwrap_err(),
    );
    assert_eq!(field, "党组织");
    let (field, _) = invalid_field(
        store
            .open_appraisal("t", &county, TODAY, c.joint, 2024)
            .unwrap_err(),
    );
    assert_eq!(field, "评议年度");

    // Last year's round first, to chain this year's to it.
    let last = store
        .open_appraisal("t", &county, TODAY, c.joint, 2025)
        .unwrap();
    let last_bulletin = store
        .close_appraisal("t", &county, TODAY, last.key)
        .unwrap();
    assert!(
        last_bulletin.ballots.is_empty(),
        "nobody voted: still a bulletin"
    );

    let opened = store
        .open_appraisal("sec", &county, TODAY, c.joint, 2026)
        .unwrap();
    assert_eq!(opened.title, "龙游红木小镇联合党支部 2026年度民主评议党员");
    assert_eq!(
        opened.credentials.len(),
        5,
        "预备党员 vote: one credential per member on the register"
    );
    let (field, _) = invalid_field(
        store
            .open_appraisal("t", &county, TODAY, c.joint, 2026)
            .unwrap_err(),
    );
    assert_eq!(field, "评议年度");
    let view = store.appraisal_round(&county, TODAY, opened.key).unwrap();
    assert_eq!(
        view.roll.iter().map(|l| l.member).collect::<Vec<_>>(),
        members[..4],
        "the roll is the 正式党员, in name order; 预备党员 are not graded"
    );
    assert_eq!(view.excellent_limit, 1, "one third of four, rounded down");
    assert_eq!(
        view.excellent_rule.key,
        keys::APPRAISAL_EXCELLENT_DENOMINATOR
    );
    assert!(
        store
            .appraisal_round(&other_county, TODAY, opened.key)
            .is_err(),
        "another county does not see the round"
    );

    // A wrong credential learns nothing; a right one gets the paper.
    let stranger = Credential::from_random([7; Credential::BYTES]);
    assert_eq!(
        invalid_field(store.ballot_paper(opened.key, &stranger).unwrap_err()).0,
        "凭证"
    );
    let paper = store
        .ballot_paper(opened.key, &opened.credentials[0])
        .unwrap();
    assert!(paper.open && !paper.used);
    assert_eq!(paper.roll.len(), 4);

    // Each credential casts once; a malformed ballot is refused and uses nothing.
    let (field, reason) = invalid_field(
        store
            .cast_ballot(opened.key, &opened.credentials[0], "AB")
            .unwrap_err(),
    );
    assert_eq!(field, "选票", "{reason}");
    let marks = ["ABBB", "BBBD", "A-BC", "BABB"];
    let mut casts = Vec::new();
    for (credential, m) in opened.credentials.iter().zip(marks) {
        casts.push(store.cast_ballot(opened.key, credential, m).unwrap());
    }
    // A ballot's tracker is of the receipt drawn for it, not of the credential: whoever
    // handed out the slips cannot find a ballot by one.
    for (credential, (cast, m)) in opened.credentials.iter().zip(casts.iter().zip(marks)) {
        let b = Ballot::parse(m, 4).unwrap();
        assert_eq!(cast.tracker, appraisal::tracker(&cast.receipt, &b));
        assert_ne!(cast.tracker, appraisal::tracker(credential, &b));
    }
    assert_eq!(
        invalid_field(
            store
                .find_ballot(opened.key, &casts[0].receipt)
                .unwrap_err()
        )
        .0,
        "回执码",
        "not before the bulletin"
    );
    let (field, reason) = invalid_field(
        store
            .cast_ballot(opened.key, &opened.credentials[0], "BBBB")
            .unwrap_err(),
    );
    assert_eq!(field, "凭证");
    assert!(reason.contains("已经投过票"), "{reason}");
    assert_eq!(
        invalid_field(
            store
                .cast_ballot(opened.key, &stranger, "BBBB")
                .unwrap_err()
        )
        .0,
        "凭证"
    );
    assert!(
        store
            .ballot_paper(opened.key, &opened.credentials[0])
            .unwrap()
            .used
    );
    let summary = &store.appraisal_rounds(&county, c.joint).unwrap()[0];
    assert_eq!((summary.eligible, summary.cast), (5, 4));

    // The committee decides after the count, not before.
    let grades = [
        Grade::Excellent,
        Grade::Qualified,
        Grade::Qualified,
        Grade::BasicallyQualified,
    ];
    assert_eq!(
        invalid_field(
            store
                .decide_appraisal("sec", &county, TODAY, opened.key, &grades)
                .unwrap_err()
        )
        .0,
        "组织评定"
    );
    assert!(
        store
            .close_appraisal("t", &other_county, TODAY, opened.key)
            .is_err()
    );
    let bulletin = store
        .close_appraisal("sec", &county, TODAY, opened.key)
        .unwrap();
    assert!(bulletin.follows(&last_bulletin), "chained to last year's");
    assert_eq!((bulletin.eligible, bulletin.ballots.len()), (5, 4));
    let cast: Vec<Ballot> = marks.iter().map(|m| Ballot::parse(m, 4).unwrap()).collect();
    assert_eq!(bulletin.totals, appraisal::tally(4, &cast));
    assert_eq!(bulletin.totals[0].of(Grade::Excellent), 2);
    assert_eq!(bulletin.totals[1].abstained, 1);
    let view = store.appraisal_round(&county, TODAY, opened.key).unwrap();
    let text = view.bulletin_text.unwrap();
    assert_eq!(
        Bulletin::verify(&text).unwrap(),
        bulletin,
        "anyone recounts it"
    );
    assert_eq!(view.bulletin_hash.unwrap(), bulletin.hash());
    // Each voter finds their own ballot by their receipt, and nobody can cast any more.
    for (cast, m) in casts.iter().zip(marks) {
        let (tracker, ballot) = store.find_ballot(opened.key, &cast.receipt).unwrap().1;
        assert_eq!(tracker, cast.tracker);
        assert_eq!(ballot.text(), m);
    }
    assert!(
        !store
            .ballot_paper(opened.key, &opened.credentials[0])
            .unwrap()
            .open
    );
    assert_eq!(
        invalid_field(
            store
                .find_ballot(opened.key, &opened.credentials[0])
                .unwrap_err()
        )
        .0,
        "回执码",
        "a credential finds no ballot, nor the bulletin"
    );
    assert_eq!(
        invalid_field(
            store
                .cast_ballot(opened.key, &opened.credentials[4], "BBBB")
                .unwrap_err()
        )
        .0,
        "选票"
    );
    assert!(
        store
            .close_appraisal("sec", &county, TODAY, opened.key)
            .is_err()
    );

    // 组织评定: not by the votes (不唯票数), but within one third 优秀.
    let (_, reason) = invalid_field(
        store
            .decide_appraisal(
                "sec",
                &county,
                TODAY,
                opened.key,
                &[
                    Grade::Excellent,
                    Grade::Excellent,
                    Grade::Qualified,
                    Grade::Qualified,
                ],
            )
            .unwrap_err(),
    );
    assert!(reason.contains("至多 1 名"), "{reason}");
    assert!(
        store
            .decide_appraisal("sec", &county, TODAY, opened.key, &grades[..3])
            .is_err()
    );
    store
        .decide_appraisal("sec", &county, TODAY, opened.key, &grades)
        .unwrap();
    let view = store.appraisal_round(&county, TODAY, opened.key).unwrap();
    assert_eq!(
        view.roll.iter().map(|l| l.grade).collect::<Vec<_>>(),
        grades.map(Some)
    );
    assert_eq!(view.summary.decided_on, Some(TODAY));
    assert!(
        store
            .decide_appraisal("sec", &county, TODAY, opened.key, &grades)
            .is_err(),
        "decided once"
    );
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

/// Every table's row count: casting a ballot must change no table but the two it writes.
fn row_counts(conn: &mut DbConnection) -> Vec<(String, i64)> {
    let tables: Vec<Name> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .load(c)
        .unwrap(),
        DbConnection::Postgres(c) => diesel::sql_query(
            "SELECT table_name::text AS name FROM information_schema.tables \
             WHERE table_schema = current_schema() ORDER BY table_name",
        )
        .load(c)
        .unwrap(),
    };
    tables
        .into_iter()
        .map(|t| {
            let q = format!("SELECT COUNT(*) AS n FROM {}", t.name);
            let n: Count = match conn {
                DbConnection::Sqlite(c) => diesel::sql_query(q).get_result(c).unwrap(),
                DbConnection::Postgres(c) => diesel::sql_query(q).get_result(c).unwrap(),
            };
            (t.name, n.n)
        })
        .collect()
}

/// A table's columns, as the database describes it.
fn columns(conn: &mut DbConnection, table: &str) -> Vec<String> {
    let q = match conn {
        DbConnection::Sqlite(_) => {
            format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
        }
        DbConnection::Postgres(_) => format!(
            "SELECT column_name::text AS name FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
        ),
    };
    let rows: Vec<Name> = match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(q).load(c).unwrap(),
        DbConnection::Postgres(c) => diesel::sql_query(q).load(c).unwrap(),
    };
    rows.into_iter().map(|r| r.name).collect()
}

#[derive(QueryableByName)]
struct Stored {
    #[diesel(sql_type = Text)]
    key: String,
    /// PostgreSQL's writing transaction of the row (xmin); empty on SQLite.
    #[diesel(sql_type = Text)]
    written_by: String,
}

/// A table's rows as a dump reads them: in storage order, with no ORDER BY.
fn as_dumped(conn: &mut DbConnection, table: &str, key: &str) -> Vec<Stored> {
    match conn {
        DbConnection::Sqlite(c) => diesel::sql_query(format!(
            "SELECT {key} AS key, '' AS written_by FROM {table}"
        ))
        .load(c)
        .unwrap(),
        DbConnection::Postgres(c) => diesel::sql_query(format!(
            "SELECT {key} AS key, xmin::text AS written_by FROM {table}"
        ))
        .load(c)
        .unwrap(),
    }
}

pub(super) fn a_dump_links_no_ballot_to_a_voter_nor_to_the_order_cast(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    branch_of(&mut store, &c, 12, 2);
    let county = scope_of(&mut store, c.longyou);
    let opened = store
        .open_appraisal("sec", &county, TODAY, c.joint, 2026)
        .unwrap();

    // Nothing in either table can name a voter or a moment.
    assert_eq!(
        columns(store.conn(), "appraisal_credentials"),
        ["county_code", "round_id", "digest", "used"]
    );
    assert_eq!(
        columns(store.conn(), "appraisal_ballots"),
        ["county_code", "round_id", "tracker", "marks"]
    );
    // A credential is kept only as a salted digest: no slip's text is in the database.
    let digests = as_dumped(store.conn(), "appraisal_credentials", "digest");
    for credential in &opened.credentials {
        let slip = credential.grouped().replace('-', "");
        assert!(digests.iter().all(|d| !d.key.contains(&slip)));
    }

    // Casting changes no table but the credentials' flags and the ballots: no audit entry,
    // no session, no count kept elsewhere.
    let before = row_counts(store.conn());
    // Cast in an order that is not the trackers' order, with the ballots all different.
    let marks: Vec<String> = (0..12)
        .map(|i| {
            (0..12)
                .map(|j| {
                    if i == j {
                        'A'
                    } else if (i + j) % 3 == 0 {
                        'C'
                    } else {
                        'B'
                    }
                })
                .collect()
        })
        .collect();
    let mut trackers = Vec::new();
    for (credential, m) in opened.credentials.iter().zip(&marks) {
        trackers.push(
            store
                .cast_ballot(opened.key, credential, m)
                .unwrap()
                .tracker,
        );
    }
    let after = row_counts(store.conn());
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(_, a)| a.0.as_str())
        .collect();
    assert_eq!(changed, ["appraisal_ballots"], "only the ballots grew");
    let mut sorted = trackers.clone();
    sorted.sort();
    assert_ne!(
        trackers, sorted,
        "cast out of tracker order, or the test proves nothing"
    );

    store
        .close_appraisal("sec", &county, TODAY, opened.key)
        .unwrap();
    // As a dump reads them, both tables are in key order, written by one transaction.
    for (table, key) in [
        ("appraisal_ballots", "tracker"),
        ("appraisal_credentials", "digest"),
    ] {
        let rows = as_dumped(store.conn(), table, key);
        let keys: Vec<&str> = rows.iter().map(|r| r.key.as_str()).collect();
        let mut in_order = keys.clone();
        in_order.sort_unstable();
        assert_eq!(keys, in_order, "{table} is stored in key order");
        let writers: std::collections::HashSet<&str> =
            rows.iter().map(|r| r.written_by.as_str()).collect();
        assert_eq!(
            writers.len(),
            1,
            "{table}: one writing transaction for all rows"
        );
    }
    let dumped = as_dumped(store.conn(), "appraisal_ballots", "tracker");
    assert_eq!(
        dumped.iter().map(|r| r.key.clone()).collect::<Vec<_>>(),
        sorted
    );
    // And the bulletin's ballots carry no more than their trackers do.
    let view = store.appraisal_round(&county, TODAY, opened.key).unwrap();
    let text = view.bulletin_text.unwrap();
    for credential in &opened.credentials {
        assert!(!text.contains(&credential.grouped()));
    }
    assert!(!text.contains("330825-"), "no member key in the bulletin");
}

/// Runs a round of `year` over the branch, everyone voting 合格, and records `grades`.
fn decided_round(store: &mut Store, scope: &Scope, branch: Key, year: i32, grades: &[Grade]) {
    let opened = store
        .open_appraisal("sec", scope, TODAY, branch, year)
        .unwrap();
    let marks: String = std::iter::repeat_n('B', grades.len()).collect();
    for c in &opened.credentials {
        store.cast_ballot(opened.key, c, &marks).unwrap();
    }
    store
        .close_appraisal("sec", scope, TODAY, opened.key)
        .unwrap();
    store
        .decide_appraisal("sec", scope, TODAY, opened.key, grades)
        .unwrap();
}

pub(super) fn an_unqualified_member_is_given_time_then_corrected_or_persuaded_out(db: &TestDb) {
    use liangxin_domain::appraisal::{CorrectionOutcome, CorrectionSource};
    use liangxin_store::appraisal::{CorrectionClose, CorrectionOpen};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let members = branch_of(&mut store, &c, 3, 0);
    let county = scope_of(&mut store, c.longyou);
    let (q, u) = (Grade::Qualified, Grade::Unqualified);
    decided_round(&mut store, &county, c.joint, 2025, &[u, q, q]);

    // Only from a ground on record; the deadline follows the rule (6 months).
    assert!(
        store
            .correction_grounds(&county, members[1])
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        invalid_field(
            store
                .open_correction(
                    "sec",
                    &county,
                    TODAY,
                    &CorrectionOpen {
                        member: members[1],
                        source: CorrectionSource::Appraisal,
                        measures: "谈心谈话".into(),
                        helper: "书记".into()
                    }
                )
                .unwrap_err()
        )
        .0,
        "处置依据"
    );
    let grounds = store.correction_grounds(&county, members[0]).unwrap();
    assert_eq!(grounds.len(), 1);
    assert!(
        grounds[0].text.contains("2025年度民主评议党员"),
        "{}",
        grounds[0].text
    );
    store
        .open_correction(
            "sec",
            &county,
            TODAY,
            &CorrectionOpen {
                member: members[0],
                source: CorrectionSource::Appraisal,
                measures: "每月谈心一次，参加组织生活".into(),
                helper: "书记张某".into(),
            },
        )
        .unwrap();
    assert!(
        store
            .open_correction(
                "sec",
                &county,
                TODAY,
                &CorrectionOpen {
                    member: members[0],
                    source: CorrectionSource::Appraisal,
                    measures: "再开".into(),
                    helper: "书记".into()
                }
            )
            .is_err(),
        "one open case a member"
    );
    let open = &store.member_corrections(&county, members[0]).unwrap()[0];
    assert_eq!(open.deadline, d(2027, 5, 27));
    assert_eq!(open.outcome, None);
    // 待办 once its period has ended, and the branch's checkup page shows its deadline.
    let due = |store: &mut Store, day| store.evaluation_todo(&county, day).unwrap().corrections_due;
    assert_eq!(due(&mut store, TODAY), 0);
    assert_eq!(due(&mut store, d(2027, 5, 27)), 1);
    let branch = scope_of(&mut store, c.joint);
    let roll = store.checkup_roll(&branch, c.joint, 2026, 0, 100).unwrap();
    assert_eq!(
        roll.lines
            .iter()
            .find(|l| l.member == members[0])
            .and_then(|l| l.correction_deadline),
        Some(d(2027, 5, 27))
    );
    store
        .close_correction(
            "sec",
            &county,
            TODAY,
            members[0],
            &CorrectionClose {
                outcome: CorrectionOutcome::Corrected,
                review: "按时参加组织生活，已改正".into(),
                decision: String::new(),
                approval: String::new(),
            },
        )
        .unwrap();
    assert_eq!(
        store.member_corrections(&county, members[0]).unwrap()[0].outcome,
        Some(CorrectionOutcome::Corrected)
    );
    assert_eq!(due(&mut store, d(2027, 5, 27)), 0, "reviewed and closed");
    assert!(
        store
            .correction_grounds(&county, members[0])
            .unwrap()
            .is_empty(),
        "the grade a case answered does not start another"
    );

    // This year another is 不合格, does not correct, and is persuaded out: the branch
    // meeting's decision and the approval above are required, and the record leaves by
    // the 党员减少 path in the same step.
    decided_round(&mut store, &county, c.joint, 2026, &[q, u, q]);
    store
        .open_correction(
            "sec",
            &county,
            TODAY,
            &CorrectionOpen {
                member: members[1],
                source: CorrectionSource::Appraisal,
                measures: "限期半年改正".into(),
                helper: "委员李某".into(),
            },
        )
        .unwrap();
    let no_approval = CorrectionClose {
        outcome: CorrectionOutcome::PersuadedOut,
        review: "期满仍无转变".into(),
        decision: "2026年11月20日支部党员大会表决通过（应到3人实到3人）".into(),
        approval: " ".into(),
    };
    assert_eq!(
        invalid_field(
            store
                .close_correction("sec", &county, TODAY, members[1], &no_approval)
                .unwrap_err()
        )
        .0,
        "上级党组织批准"
    );
    assert!(
        store
            .member(&county, members[1])
            .unwrap()
            .unwrap()
            .left_on
            .is_none(),
        "nothing half-done"
    );
    let with_approval = CorrectionClose {
        approval: "龙游县两新工委〔2026〕12号批复".into(),
        ..no_approval
    };
    // Not before the 限期 has run.
    let early = store
        .close_correction("sec", &county, TODAY, members[1], &with_approval)
        .unwrap_err();
    assert!(early.to_string().contains("期满"), "{early}");
    let after = d(2027, 6, 1);
    store
        .close_correction("sec", &county, after, members[1], &with_approval)
        .unwrap();
    let left = store.member(&county, members[1]).unwrap().unwrap();
    assert_eq!(left.left_on, Some(after));
    let case = &store.member_corrections(&county, members[1]).unwrap()[0];
    assert_eq!(case.outcome, Some(CorrectionOutcome::PersuadedOut));
    assert!(case.approval.as_deref().unwrap().contains("批复"));
    let log = store
        .audit_entries("member", members[1].county, members[1].id)
        .unwrap();
    assert!(
        log.iter().any(|e| e.action == "leave"),
        "the leaving is in the audit log"
    );
}

/// 第八表 民主评议党员情况 and 整顿软弱涣散基层党组织情况, counted from the records for a
/// subtree, a year and a day: the rounds, their ballots and grades, the 不合格 cases carried
/// in, opened and ended, the weak organizations by how they were found and where they
/// stand; a row per organization below, and nothing dated after the day.
pub(super) fn the_evaluation_tables_count_rounds_cases_and_rectifications_as_of_a_day(db: &TestDb) {
    use liangxin_domain::appraisal::{CorrectionOutcome, CorrectionSource};
    use liangxin_domain::weak::WeakCriterion;
    use liangxin_store::appraisal::{CorrectionClose, CorrectionOpen};
    use liangxin_store::evaluation_tables::AppraisalCounts;
    use liangxin_store::weak::{Basis, OpenCase};
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let members = branch_of(&mut store, &c, 3, 1);
    let county = scope_of(&mut store, c.longyou);
    let city = Scope {
        region: Some(330800),
        ..scope_of(&mut store, c.city)
    };
    let (q, u) = (Grade::Qualified, Grade::Unqualified);
    decided_round(&mut store, &county, c.joint, 2025, &[u, q, q]);
    decided_round(&mut store, &county, c.joint, 2026, &[q, u, q]);
    let open = |member| CorrectionOpen {
        member,
        source: CorrectionSource::Appraisal,
        measures: "每月谈心一次".into(),
        helper: "书记".into(),
    };
    store
        .open_correction("sec", &county, TODAY, &open(members[0]))
        .unwrap();
    store
        .close_correction(
            "sec",
            &county,
            TODAY,
            members[0],
            &CorrectionClose {
                outcome: CorrectionOutcome::Corrected,
                review: "已改正".into(),
                decision: String::new(),
                approval: String::new(),
            },
        )
        .unwrap();
    store
        .open_correction("sec", &county, TODAY, &open(members[1]))
        .unwrap();
    let nominated = OpenCase {
        party_org: c.tech_branch,
        basis: Basis::Nomination,
        nominated: "班子不团结".into(),
        causes: "书记调离".into(),
        measures: "选优配强书记".into(),
        leader: "区两新工委 李某".into(),
        instructor: None,
        deadline: d(2027, 3, 31),
    };
    store
        .open_rectification("city", &city, TODAY, nominated)
        .unwrap();

    let t = store.evaluation_tables(&city, c.city, 2026, TODAY).unwrap();
    assert_eq!(t.rows.len(), 4, "合计, 本级, 龙游, 柯城");
    let (all, longyou, kecheng) = (&t.rows[0], &t.rows[2], &t.rows[3]);
    assert_eq!(all.party_org, None);
    assert_eq!(longyou.party_org.as_ref().unwrap().0, c.longyou);
    let a = all.appraisal;
    assert_eq!(a.rounds_closed, 1, "this year's round only");
    assert_eq!(a.took_part, 4, "every member held a credential, 预备 too");
    assert_eq!(a.voted, 4);
    assert_eq!(a.graded, 3, "the 预备党员 is not graded");
    assert_eq!(a.grades, [0, 2, 0, 1]);
    assert_eq!(a.cases_opened, 2);
    assert_eq!(a.corrected, 1);
    assert_eq!(a.cases_open, 1);
    assert_eq!(a.branches, 2, "the joint branch and the company's");
    assert_eq!(
        longyou.appraisal,
        AppraisalCounts { branches: 1, ..a },
        "all of it is 龙游's, but the company's branch"
    );
    assert_eq!(kecheng.appraisal.rounds_closed, 0);
    let r = all.rectification;
    assert_eq!((r.found, r.by_nomination, r.by_rules), (1, 1, 0));
    assert_eq!((r.accepted, r.in_progress, r.overdue), (0, 1, 0));
    assert_eq!(kecheng.rectification, r);
    // Before the round closed and the cases opened, the day counts none of it; last
    // year's table has last year's round.
    let before = store
        .evaluation_tables(&city, c.city, 2026, d(2026, 6, 30))
        .unwrap();
    assert_eq!(before.rows[0].appraisal.rounds_closed, 0);
    assert_eq!(before.rows[0].appraisal.cases_opened, 0);
    assert_eq!(before.rows[0].rectification.found, 0);
    let last = store.evaluation_tables(&city, c.city, 2025, TODAY).unwrap();
    assert_eq!(last.rows[0].appraisal.grades, [0, 2, 0, 1]);
    let at_year_end = store
        .evaluation_tables(&city, c.city, 2025, d(2025, 12, 31))
        .unwrap();
    assert_eq!(
        at_year_end.rows[0].appraisal.rounds_closed, 0,
        "2025's round was held in 2026"
    );
    // A county sees its own; never the other's.
    assert!(
        store
            .evaluation_tables(&county, c.kecheng, 2026, TODAY)
            .is_err()
    );
    // Next year, the open case is carried in, and a branch the rules find weak is counted
    // by each of its criteria; past its deadline it is overdue.
    let later = d(2027, 9, 30);
    store
        .open_rectification(
            "county",
            &county,
            later,
            OpenCase {
                party_org: c.joint,
                basis: Basis::Rules,
                nominated: String::new(),
                causes: "书记调离后长期无人主持工作".into(),
                measures: "选优配强书记".into(),
                leader: "县两新工委 李某".into(),
                instructor: None,
                deadline: d(2027, 10, 31),
            },
        )
        .unwrap();
    let next = store
        .evaluation_tables(&county, c.longyou, 2027, d(2027, 12, 31))
        .unwrap();
    let n = &next.rows[0];
    assert_eq!(n.appraisal.cases_carried, 1);
    assert_eq!(n.appraisal.cases_open, 1);
    assert_eq!((n.rectification.by_rules, n.rectification.overdue), (1, 1));
    let vacant = WeakCriterion::ALL
        .iter()
        .position(|c| *c == WeakCriterion::SecretaryVacant)
        .unwrap();
    assert_eq!(n.rectification.by_criterion[vacant], 1);
}

/// 个人自评: the member (or the branch for them) writes it for the open round until the
/// grades are recorded; the round shows it beside the roll; nobody else's scope writes it.
pub(super) fn a_member_writes_their_self_assessment_until_the_grades_are_recorded(db: &TestDb) {
    let mut store = db.open();
    let c = build_small_city(&mut store);
    let members = branch_of(&mut store, &c, 3, 0);
    let county = scope_of(&mut store, c.longyou);
    let other = scope_of(&mut store, c.kecheng);
    let me = Scope {
        member: Some(members[0]),
        ..scope_of(&mut store, c.joint)
    };
    assert_eq!(store.self_assessment(&me, members[0]).unwrap(), None);
    assert!(
        store
            .record_self_assessment("me", &me, TODAY, members[0], "努力工作")
            .is_err(),
        "no round open"
    );
    let opened = store
        .open_appraisal("sec", &county, TODAY, c.joint, 2026)
        .unwrap();
    let open = store.self_assessment(&me, members[0]).unwrap().unwrap();
    assert_eq!((open.round, open.year, open.text), (opened.key, 2026, None));
    assert!(
        store
            .record_self_assessment("me", &me, TODAY, members[0], " ")
            .unwrap_err()
            .to_string()
            .contains("个人自评")
    );
    assert!(
        store
            .record_self_assessment("me", &me, TODAY, members[1], "替别人写")
            .is_err()
    );
    assert!(
        store
            .record_self_assessment("t", &other, TODAY, members[0], "外县")
            .is_err()
    );
    store
        .record_self_assessment("me", &me, TODAY, members[0], "按时参加组织生活，带徒一名")
        .unwrap();
    store
        .record_self_assessment("sec", &county, TODAY, members[1], "按纸质自评表录入")
        .unwrap();
    let view = store.appraisal_round(&county, TODAY, opened.key).unwrap();
    let texts: Vec<Option<&str>> = view
        .roll
        .iter()
        .map(|l| l.self_assessment.as_deref())
        .collect();
    assert!(texts.contains(&Some("按时参加组织生活，带徒一名")));
    assert!(texts.contains(&Some("按纸质自评表录入")));
    // Once graded, nothing more.
    let marks = "BBB";
    for cr in &opened.credentials {
        store.cast_ballot(opened.key, cr, marks).unwrap();
    }
    store
        .close_appraisal("sec", &county, TODAY, opened.key)
        .unwrap();
    store
        .decide_appraisal("sec", &county, TODAY, opened.key, &[Grade::Qualified; 3])
        .unwrap();
    assert_eq!(store.self_assessment(&me, members[0]).unwrap(), None);
    assert!(
        store
            .record_self_assessment("me", &me, TODAY, members[0], "补写")
            .is_err()
    );
}
