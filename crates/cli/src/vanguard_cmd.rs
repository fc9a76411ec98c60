//! `liangxin vanguard [--county C | --party-org C-I] [--year Y] [--as-of D] [--bench N]`:
//! the 党员先锋指数 of a scope's members by band (no names, no ranking), with the facts
//! counted per item; with `--bench`, time that computation against the raw SQL of its fact
//! counts on the same data, after checking the two count the same facts.

use std::time::Instant;

use chrono::{Datelike, NaiveDate};
use liangxin_domain::vanguard::{Band, BandCounts, Item, RecordKind};
use liangxin_store::Store;

use crate::CliError;
use crate::coverage_cmd::{median, party_org_scope, scope};
use crate::output::table;

pub fn run(
    store: &mut Store,
    county: Option<&str>,
    party_org: Option<&str>,
    year: Option<i32>,
    as_of: NaiveDate,
    bench: Option<u32>,
) -> Result<(), CliError> {
    let (scope, name) = match party_org {
        Some(key) => party_org_scope(store, key)?,
        None => scope(store, county)?,
    };
    let year = year.unwrap_or(as_of.year());
    let from = NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| CliError::Refused(format!("--year：{year} 不是有效年度")))?;
    if from > as_of {
        return Err(CliError::Refused(format!("--year：{year} 年尚未开始")));
    }
    let to = NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(as_of)
        .min(as_of);
    let scores = store.vanguard_totals(&scope, from, to)?;
    let mut bands = BandCounts::default();
    let mut facts = [0i64; Item::ALL.len()];
    for s in &scores {
        bands.add(s.band);
        for (a, b) in facts.iter_mut().zip(s.counts) {
            *a += b;
        }
    }
    let Some(runs) = bench else {
        say!("{name}：{from}至{to}，在册党员{}名", bands.members());
        let rows: Vec<Vec<String>> = Band::ALL
            .iter()
            .zip(bands.counts.iter().zip(bands.permille()))
            .map(|(b, (n, p))| {
                vec![
                    b.label().to_owned(),
                    n.to_string(),
                    p.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10)),
                ]
            })
            .collect();
        say!("{}", table(&["档次", "人数", "占比"], &rows));
        let rows: Vec<Vec<String>> = Item::ALL
            .iter()
            .zip(facts)
            .map(|(i, n)| vec![i.label().to_owned(), n.to_string()])
            .collect();
        say!("{}", table(&["计分事项", "记录条数"], &rows));
        return Ok(());
    };
    // Two computations that disagree would compare nothing.
    let mut raw = [0i64; Item::ALL.len()];
    for (what, n) in store.vanguard_raw_sql(&scope, from, to)? {
        let item = match what.as_str() {
            "attended" => Some(Item::Attendance),
            "dues" => Some(Item::Dues),
            "six_month" => Some(Item::SixMonth),
            k => RecordKind::parse(k).map(RecordKind::item),
        };
        if let Some(i) = item.and_then(|i| Item::ALL.iter().position(|x| *x == i)) {
            raw[i] += n;
        }
    }
    let dues = Item::ALL.iter().position(|i| *i == Item::Dues).unwrap_or(1);
    let differs = facts
        .iter()
        .zip(raw)
        .enumerate()
        .any(|(i, (a, b))| i != dues && *a != b);
    if differs {
        return Err(CliError::Refused(format!(
            "先锋指数与SQL基线计数不一致（引擎 {facts:?}，SQL {raw:?}），不计时"
        )));
    }
    let (mut engine, mut sql) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(store.vanguard_totals(&scope, from, to)?);
        engine.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(store.vanguard_raw_sql(&scope, from, to)?);
        sql.push(t.elapsed());
    }
    let (e, s) = (median(engine.clone()), median(sql.clone()));
    say!(
        "{}",
        serde_json::json!({
            "backend": format!("{:?}", store.backend()),
            "scope": name,
            "runs": runs,
            "from": from.to_string(),
            "to": to.to_string(),
            "members": bands.members(),
            "bands": bands.counts,
            "facts": facts.iter().sum::<i64>(),
            "engine_dues_months": facts[dues],
            "sql_dues_months": raw[dues],
            "engine_ms_median": e.as_millis(),
            "engine_ms_min": engine.iter().min().map(|d| d.as_millis()),
            "sql_ms_median": s.as_millis(),
            "sql_ms_min": sql.iter().min().map(|d| d.as_millis()),
            "ratio": format!("{:.2}", e.as_secs_f64() / s.as_secs_f64().max(1e-9)),
        })
    );
    Ok(())
}
