//! `liangxin audit [--county C] [--as-of D [--keep]] [--bench N]`: run 组织关系排查 over the
//! city or a county and keep its findings (a past day only previews them unless --keep); with `--bench`, time the audit's computation (facts from
//! the store, the engines) against the hand-written SQL of its member checks instead, and
//! keep nothing.

use std::time::Instant;

use chrono::NaiveDate;
use liangxin_domain::audit::{AuditKind, AuditRules};
use liangxin_store::Store;

use crate::CliError;
use crate::coverage_cmd::{median, scope};

pub fn run(
    store: &mut Store,
    county: Option<&str>,
    today: NaiveDate,
    keep: bool,
    bench: Option<u32>,
) -> Result<(), CliError> {
    let (scope, name) = scope(store, county)?;
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
    if bench.is_some() && county.is_some() {
        return Err(CliError::Refused(
            "--bench 只对全市计时（SQL基线统计全市），请去掉 --county".into(),
        ));
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
    let raw = store.audit_raw_sql(today, &rules)?;
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
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(store.compute_audit(&scope, today)?);
        engine.push(t.elapsed());
        let t = Instant::now();
        std::hint::black_box(store.audit_raw_sql(today, &rules)?);
        sql.push(t.elapsed());
    }
    let (e, s) = (median(engine.clone()), median(sql.clone()));
    say!(
        "{}",
        serde_json::json!({
            "backend": format!("{:?}", store.backend()),
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
        })
    );
    Ok(())
}
