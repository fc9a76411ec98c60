//! 民主评议 at a large branch's scale: open a round of N voters, cast N ballots (each its
//! own transaction, as voters cast them), close it (tally, bulletin, rewrite in key order)
//! and recount the bulletin, beside the raw SQL of the same writes and reads in the same
//! run. On a scratch SQLite file, or on PostgreSQL in a scratch schema when given a URL.
//!
//!   cargo run --release -p liangxin-store --example ballot_bench -- [voters] [postgres://…]

use std::time::Instant;

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::appraisal::{Ballot, Bulletin, Grade};
use liangxin_domain::kinds::{FlowStatus, MemberStatus, PartyOrgType};
use liangxin_domain::registry::{Key, Member, PartyOrg, Region};
use liangxin_domain::resident_id::ResidentId;
use liangxin_store::registry::{Bulk, LoadMode};
use liangxin_store::{DbConnection, KeySource, Scope, Store, Target};

const COUNTY: i32 = 330825;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let voters: usize = args.next().map_or(Ok(1000), |a| a.parse())?;
    let dir = tempfile::tempdir()?;
    let (target, schema) = match args.next() {
        Some(url) => {
            let schema = format!("lx_ballot_bench_{}", std::process::id());
            let mut admin = PgConnection::establish(&url)?;
            diesel::sql_query(format!("CREATE SCHEMA {schema}")).execute(&mut admin)?;
            let sep = if url.contains('?') { '&' } else { '?' };
            (
                Target::Postgres(format!("{url}{sep}options=-csearch_path%3D{schema}")),
                Some((url, schema)),
            )
        }
        None => (Target::Sqlite(dir.path().join("bench.db")), None),
    };
    let result = run(&target, voters);
    if let Some((url, schema)) = schema {
        let mut admin = PgConnection::establish(&url)?;
        diesel::sql_query(format!("DROP SCHEMA {schema} CASCADE")).execute(&mut admin)?;
    }
    result
}

fn run(target: &Target, voters: usize) -> Result<(), Box<dyn std::error::Error>> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 27).ok_or("date")?;
    let mut store = Store::open(target, &KeySource::Hex("11".repeat(32)))?;
    let committee = Key {
        county: COUNTY,
        id: 1,
    };
    let branch = Key {
        county: COUNTY,
        id: 2,
    };
    let po = |key, parent, name: &str, org_type| PartyOrg {
        key,
        parent,
        name: name.into(),
        org_type,
        formation_mode: None,
        zone: None,
        has_committee: true,
        term_started: None,
    };
    let members: Vec<Member> = (0..voters)
        .map(|i| -> Result<Member, Box<dyn std::error::Error>> {
            Ok(Member {
                key: Key {
                    county: COUNTY,
                    id: i64::try_from(i)? + 1,
                },
                party_org_id: branch.id,
                name: format!("党员{i:04}"),
                resident_id: ResidentId::from_parts(
                    "330825",
                    NaiveDate::from_ymd_opt(1980, 1, 1).ok_or("date")?
                        + chrono::Days::new(u64::try_from(i / 900)?),
                    u16::try_from(i % 900)?,
                )?,
                status: MemberStatus::Full,
                joined_on: NaiveDate::from_ymd_opt(2010, 7, 1).ok_or("date")?,
                confirmed_on: NaiveDate::from_ymd_opt(2011, 7, 1),
                workplace: None,
                flow: FlowStatus::Settled,
                flow_destination: None,
                phone: None,
                background: Default::default(),
            })
        })
        .collect::<Result<_, _>>()?;
    store.bulk_load(
        "bench",
        LoadMode::Append,
        Bulk {
            regions: &[
                Region {
                    code: 330800,
                    name: "衢州市".into(),
                    parent: None,
                },
                Region {
                    code: COUNTY,
                    name: "龙游县".into(),
                    parent: Some(330800),
                },
            ],
            zones: &[],
            organizations: &[],
            party_orgs: &[
                po(
                    committee,
                    None,
                    "中共龙游县两新工委",
                    PartyOrgType::WorkingCommittee,
                ),
                po(
                    branch,
                    Some(committee),
                    "某集团公司党支部",
                    PartyOrgType::Branch,
                ),
            ],
            coverage: &[],
            instructors: &[],
            assignments: &[],
            members: &members,
            meetings: &[],
            dues_standards: &[],
            dues_payments: &[],
            records_start: NaiveDate::from_ymd_opt(2026, 1, 1).ok_or("date")?,
            archive_items: &[],
            floating: &[],
        },
        &mut |_, _, _| {},
    )?;
    let scope = Scope::everything();
    println!("{voters} voters, roll of {voters}; {target:?}");

    let t = Instant::now();
    let round = store.open_appraisal("bench", &scope, today, branch, 2026)?;
    let open = t.elapsed();

    // Every voter marks every member: a ballot of `voters` letters.
    let marks: Vec<String> = (0..voters)
        .map(|v| {
            (0..voters)
                .map(|m| Grade::ALL[(v * 7 + m * 3) % 4].letter())
                .collect()
        })
        .collect();
    let t = Instant::now();
    for (c, m) in round.credentials.iter().zip(&marks) {
        store.cast_ballot(round.key, c, m)?;
    }
    let cast = t.elapsed();

    let t = Instant::now();
    let bulletin = store.close_appraisal("bench", &scope, today, round.key)?;
    let close = t.elapsed();
    let text = bulletin.text();
    let t = Instant::now();
    let recounted = Bulletin::verify(&text)?;
    let verify = t.elapsed();
    assert_eq!(recounted, bulletin);

    // The raw SQL: the same number of single-row write transactions, and one read of the
    // ballots in key order, through the same connection.
    let conn = store.conn();
    diesel::sql_query("CREATE TABLE raw_ballots (tracker TEXT PRIMARY KEY, marks TEXT NOT NULL)")
        .execute(conn)?;
    let t = Instant::now();
    for (i, m) in marks.iter().enumerate() {
        let q = diesel::sql_query(format!(
            "INSERT INTO raw_ballots (tracker, marks) VALUES ('{i:064}', '{m}')"
        ));
        conn.transaction::<_, diesel::result::Error, _>(|c| match c {
            DbConnection::Sqlite(c) => q.execute(c).map(|_| ()),
            DbConnection::Postgres(c) => q.execute(c).map(|_| ()),
        })?;
    }
    let raw_cast = t.elapsed();
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        marks: String,
    }
    let t = Instant::now();
    let q = diesel::sql_query(format!(
        "SELECT marks FROM appraisal_ballots WHERE county_code = {} AND round_id = {} ORDER BY tracker",
        round.key.county, round.key.id
    ));
    let rows: Vec<Row> = match conn {
        DbConnection::Sqlite(c) => q.load(c)?,
        DbConnection::Postgres(c) => q.load(c)?,
    };
    let ballots: Vec<Ballot> = rows
        .iter()
        .map(|r| Ballot::parse(&r.marks, voters))
        .collect::<Result<_, _>>()?;
    let totals = liangxin_domain::appraisal::tally(voters, &ballots);
    let raw_close = t.elapsed();
    assert_eq!(totals, bulletin.totals);

    let ms = |d: std::time::Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    println!("| step | liangxin (ms) | raw SQL baseline (ms) |");
    println!("|---|---|---|");
    println!("| open: roll and {voters} credentials | {} | – |", ms(open));
    println!(
        "| cast {voters} ballots, one transaction each | {} | {} (single-row INSERT transactions) |",
        ms(cast),
        ms(raw_cast)
    );
    println!(
        "| close: tally, bulletin, rewrite in key order | {} | {} (SELECT in tracker order + tally) |",
        ms(close),
        ms(raw_close)
    );
    println!(
        "| recount the bulletin ({} bytes) | {} | – |",
        text.len(),
        ms(verify)
    );
    Ok(())
}
