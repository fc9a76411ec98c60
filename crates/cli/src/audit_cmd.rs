//! `liangxin audit [--county C | --party-org C-I] [--as-of D [--keep]] [--bench N]`: run
//! 组织关系排查 over the city, a county or one party organization's subtree (a zone's 党工委,
//! a branch: the path of those users' 立即排查) and keep its findings (a past day only
//! previews them unless --keep); with `--bench`, time the audit's computation (facts from
//! the store, the engines) against the hand-written SQL of its member checks for the same
//! subtree instead, and keep nothing.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use std::io::Write;

use liangxin_domain::audit::{AuditKind, AuditRules, Severity};
use liangxin_store::Store;
use liangxin_store::audit_run::{FindingFilter, FindingState, StoredFinding};
use serde::Serialize;

use crate::coverage_cmd::{median, party_org_scope, scope};
use crate::output::{csv_record, table};
use crate::{CliError, Format};

pub fn run(
    store: &mut Store,
    county: Option<&str>,
    party_org: Option<&str>,
    today: NaiveDate,
    keep: bool,
    bench: Option<u32>,
) -> Result<(), CliError> {
    let (scope, name) = match party_org {
        Some(key) => party_org_scope(store, key)?,
        None => scope(store, county)?,
    };
    if bench.is_none() && !keep {
        // A past day is judged and shown, never written over the kept findings' history.
        let findings = store.compute_audit(&scope, today)?;
        say!(
            "{name}：截至{today}（预览，未保存；保存请加 --keep），发现问题{}项",
            findings.len()
        );
        for kind in AuditKind::ALL {
            let n = findings.iter().filter(|f| f.kind == kind).count();
            if n > 0 {
                say!("  {}：{n}项", kind.label());
            }
        }
        return Ok(());
    }
    let Some(runs) = bench else {
        let s = store.run_audit("cli", &scope, today)?;
        say!(
            "{name}：截至{today}，发现问题{}项，新增{}项，复查已整改{}项",
            s.found,
            s.opened,
            s.resolved
        );
        return Ok(());
    };
    let rules = AuditRules::resolve(&store.rule_set()?, today)?;
    // Warm both, and show their member counts side by side.
    let findings = store.compute_audit(&scope, today)?;
    let raw = store.audit_raw_sql(&scope, today, &rules)?;
    let count = |k: AuditKind| findings.iter().filter(|f| f.kind == k).count();
    // Members flagged or warned, by the engine and by the raw SQL: timing two computations
    // that disagree would compare nothing.
    let members = |k: AuditKind| {
        findings
            .iter()
            .filter(|f| f.kind == k)
            .map(|f| f.subject)
            .collect::<std::collections::HashSet<_>>()
            .len()
    };
    let (no_life, unpaid) = (
        members(AuditKind::NoOrganizationalLife),
        members(AuditKind::DuesUnpaid),
    );
    if i64::try_from(no_life).ok() != Some(raw.no_life)
        || i64::try_from(unpaid).ok() != Some(raw.unpaid)
    {
        return Err(CliError::Refused(format!(
            "引擎与SQL基线结果不一致（未参加组织生活：引擎{no_life}人，SQL{}人；未交党费：引擎{unpaid}人，SQL{}人），不计时",
            raw.no_life, raw.unpaid
        )));
    }
    let (mut engine, mut sql) = (Vec::new(), Vec::new());
    // Each step's time, from the progress the audit reports as it starts the next.
    let mut steps: Vec<(String, Vec<Duration>)> = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut step: Option<(String, Instant)> = None;
        let mut took = |name: Option<&str>| {
            if let Some((done, since)) = step.take() {
                match steps.iter_mut().find(|(n, _)| *n == done) {
                    Some((_, ds)) => ds.push(since.elapsed()),
                    None => steps.push((done, vec![since.elapsed()])),
                }
            }
            step = name.map(|n| (n.to_string(), Instant::now()));
        };
        std::hint::black_box(
            store.compute_audit_reporting(&scope, today, &mut |name, _, _| took(Some(name)))?,
        );
        took(None);
        engine.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(store.audit_raw_sql(&scope, today, &rules)?);
        sql.push(t.elapsed());
    }
    let (e, s) = (median(engine.clone()), median(sql.clone()));
    say!(
        "{}",
        serde_json::json!({
            "backend": format!("{:?}", store.backend()),
            "scope": name,
            "runs": runs,
            "as_of": today.to_string(),
            "findings": findings.len(),
            "engine_no_life_members": count(AuditKind::NoOrganizationalLife),
            "sql_no_life_members": raw.no_life,
            "engine_unpaid_members": count(AuditKind::DuesUnpaid),
            "sql_unpaid_members": raw.unpaid,
            "engine_life_missed_periods": count(AuditKind::LifeMissed),
            "audit_ms_median": e.as_secs_f64() * 1e3,
            "audit_ms_min": engine.iter().min().map_or(0.0, |d| d.as_secs_f64() * 1e3),
            "raw_sql_ms_median": s.as_secs_f64() * 1e3,
            "ratio_median": e.as_secs_f64() / s.as_secs_f64(),
            "steps_ms_median": steps
                .into_iter()
                .map(|(name, ds)| (name, serde_json::json!(median(ds).as_secs_f64() * 1e3)))
                .collect::<serde_json::Map<_, _>>(),
        })
    );
    Ok(())
}

#[derive(Serialize)]
struct FindingOut<'a> {
    county: i32,
    id: i64,
    responsible: &'a str,
    subject_type: &'static str,
    subject: &'a str,
    kind: AuditKind,
    kind_label: &'static str,
    severity: &'a str,
    detail: &'a str,
    rule: &'a str,
    first_found_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    close_note: Option<&'a str>,
}

fn finding_out(f: &StoredFinding) -> FindingOut<'_> {
    FindingOut {
        county: f.key.county,
        id: f.key.id,
        responsible: &f.responsible_name,
        subject_type: f.subject.label(),
        subject: &f.subject_name,
        kind: f.kind,
        kind_label: f.kind.label(),
        severity: &f.severity,
        detail: &f.detail,
        rule: &f.rule,
        first_found_on: f.first_found_on,
        closed_on: f.closed.as_ref().map(|c| c.0),
        close_note: f.closed.as_ref().map(|c| c.1.as_str()),
    }
}

/// `audit --list`: the kept findings of the city or a county, as the findings page lists
/// them (flags first), optionally of one kind and 销号 state.
pub fn list(
    store: &mut Store,
    county: Option<&str>,
    kind: Option<&str>,
    state: &str,
    format: Format,
) -> Result<(), CliError> {
    let kind = kind
        .map(|k| {
            AuditKind::parse(k).ok_or_else(|| {
                let codes: Vec<&str> = AuditKind::ALL.iter().map(|k| k.code()).collect();
                CliError::Refused(format!(
                    "--kind：“{k}”不是问题类别，可选 {}",
                    codes.join("、")
                ))
            })
        })
        .transpose()?;
    let state = match state {
        "open" => FindingState::Open,
        "closed" => FindingState::Closed,
        "all" => FindingState::All,
        s => {
            return Err(CliError::Refused(format!(
                "--state：“{s}”不是销号状态，可选 open（未销号）、closed（已销号）、all（全部）"
            )));
        }
    };
    let (scope, name) = scope(store, county)?;
    let filter = FindingFilter {
        state,
        kind,
        ..FindingFilter::default()
    };
    let Some((last, _)) = store.last_audit(&scope)? else {
        return Err(CliError::Refused(format!(
            "{name}尚未排查：先运行 liangxin audit，再列出它发现的问题"
        )));
    };
    let mut found = Vec::new();
    loop {
        let offset = i64::try_from(found.len()).unwrap_or(i64::MAX);
        let (_, page) = store.audit_findings(&scope, &filter, offset, liangxin_store::MAX_PAGE)?;
        if page.is_empty() {
            break;
        }
        found.extend(page);
    }
    let rows: Vec<FindingOut> = found.iter().map(finding_out).collect();
    let severity = |code: &str| {
        [Severity::Warning, Severity::Flag]
            .into_iter()
            .find(|s| s.code() == code)
            .map_or("", |s| s.label())
    };
    let cells = |f: &FindingOut| {
        vec![
            f.responsible.to_owned(),
            format!("{}：{}", f.subject_type, f.subject),
            f.kind_label.to_owned(),
            severity(f.severity).to_owned(),
            f.detail.to_owned(),
            f.rule.to_owned(),
            f.first_found_on.to_string(),
            f.closed_on.map(|d| d.to_string()).unwrap_or_default(),
        ]
    };
    let header = [
        "责任党组织",
        "对象",
        "问题类别",
        "程度",
        "情况",
        "依据",
        "发现日期",
        "销号日期",
    ];
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &rows).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(
                out,
                "组织关系排查（{name}，最近一次排查{last}，{}项）\n",
                rows.len()
            )?;
            let rows: Vec<Vec<String>> = rows.iter().map(cells).collect();
            write!(out, "{}", table(&header, &rows))?;
        }
        Format::Csv => {
            out.write_all("\u{feff}".as_bytes())?;
            out.write_all(csv_record(&header.map(String::from)).as_bytes())?;
            for f in &rows {
                out.write_all(csv_record(&cells(f)).as_bytes())?;
            }
        }
    }
    Ok(())
}
