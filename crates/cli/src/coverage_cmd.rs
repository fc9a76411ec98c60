//! `liangxin coverage` and `liangxin bench`: the coverage report for a scope.

use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use liangxin_domain::coverage::{
    self, Action, CoverageReport, CoverageState, Finding, GroupBy, GroupKey, Subject, Tally,
    UnitFilter,
};
use liangxin_domain::history;
use liangxin_domain::region::RegionCode;
use liangxin_domain::rules::CoverageRules;
use liangxin_store::{Scope, Store};
use serde::Serialize;

use crate::output::{csv_record, table};
use crate::{By, CliError, Format};

/// The scope of the whole city, or of one county.
pub(crate) fn scope(store: &mut Store, county: Option<&str>) -> Result<(Scope, String), CliError> {
    match county {
        None => {
            let roots = store.root_party_orgs()?;
            let Some((key, path, name)) = roots.into_iter().next() else {
                return Err(CliError::Refused(
                    "数据库中还没有党组织；请先运行 liangxin demo 或导入数据".into(),
                ));
            };
            Ok((
                Scope {
                    region: Some(key.county),
                    ..Scope::subtree(path)
                },
                name,
            ))
        }
        Some(code) => {
            let code =
                RegionCode::parse(code).map_err(|e| CliError::Refused(format!("--county：{e}")))?;
            let n: i32 = code
                .as_str()
                .parse()
                .map_err(|_| CliError::Refused("--county：不是数字".into()))?;
            let Some((_, path, name)) = store.county_top_party_org(n)? else {
                return Err(CliError::Refused(format!("--county：{code} 下没有党组织")));
            };
            Ok((
                Scope {
                    region: Some(n),
                    ..Scope::subtree(path)
                },
                name,
            ))
        }
    }
}

/// The subtree of one party organization, "县代码-编号" (330825-12), and its name.
pub(crate) fn party_org_scope(store: &mut Store, key: &str) -> Result<(Scope, String), CliError> {
    let refused = || {
        CliError::Refused(format!(
            "--party-org：应为“县代码-编号”，如 330825-12，不是“{key}”"
        ))
    };
    let (county, id) = key.trim().split_once('-').ok_or_else(refused)?;
    let key = liangxin_domain::registry::Key {
        county: county.parse().map_err(|_| refused())?,
        id: id.parse().map_err(|_| refused())?,
    };
    let Some(po) = store.party_org(&Scope::everything(), key)? else {
        return Err(CliError::Refused(format!(
            "--party-org：没有党组织 {}-{}",
            key.county, key.id
        )));
    };
    Ok((Scope::subtree(po.path), po.name))
}

fn compute(
    store: &mut Store,
    scope: &Scope,
    by: GroupBy,
    today: NaiveDate,
) -> Result<CoverageReport, CliError> {
    let rules = CoverageRules::resolve(&store.rule_set()?, today)?;
    // A past day is judged on the records as they stood then.
    let facts = store.coverage_facts_on(scope, crate::today(), today)?;
    Ok(coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        by,
    ))
}

#[derive(Serialize)]
struct GroupOut {
    key: GroupKey,
    name: String,
    #[serde(flatten)]
    tally: Tally,
    organization_rate: Option<f64>,
    work_rate: Option<f64>,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    county: i32,
    county_name: &'a str,
    action_label: &'static str,
    #[serde(flatten)]
    finding: &'a Finding,
}

#[derive(Serialize)]
struct ReportOut<'a> {
    scope: &'a str,
    as_of: NaiveDate,
    by: &'static str,
    total: TotalOut,
    groups: Vec<GroupOut>,
    findings: Vec<FindingOut<'a>>,
}

#[derive(Serialize)]
struct TotalOut {
    #[serde(flatten)]
    tally: Tally,
    organization_rate: Option<f64>,
    work_rate: Option<f64>,
}

fn round2(x: Option<f64>) -> Option<f64> {
    x.map(|v| (v * 100.0).round() / 100.0)
}

fn pct(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

pub fn run(
    store: &mut Store,
    by: By,
    format: Format,
    county: Option<&str>,
    today: NaiveDate,
) -> Result<(), CliError> {
    let (scope, scope_name) = scope(store, county)?;
    let group_by = match by {
        By::County => GroupBy::County,
        By::Zone => GroupBy::Zone,
        By::Sector => GroupBy::Sector,
        By::Kind => GroupBy::Kind,
    };
    let report = compute(store, &scope, group_by, today)?;
    let regions = store.region_names()?;
    let zones = store.zone_names()?;
    let group_name = |k: &GroupKey| k.name(&regions, &zones);
    let by_label = match by {
        By::County => "县(市、区)",
        By::Zone => "园区小镇",
        By::Sector => "行业",
        By::Kind => "组织类别",
    };
    let groups: Vec<GroupOut> = report
        .groups
        .iter()
        .map(|(k, t)| GroupOut {
            key: k.clone(),
            name: group_name(k),
            tally: *t,
            organization_rate: round2(t.organization_rate()),
            work_rate: round2(t.work_rate()),
        })
        .collect();
    let findings: Vec<FindingOut> = report
        .findings
        .iter()
        .map(|f| {
            let county = match f.subject {
                Subject::Organization { key } | Subject::PartyOrg { key } => key.county,
            };
            FindingOut {
                county,
                county_name: regions.get(&county).map(String::as_str).unwrap_or(""),
                action_label: f.action.label(),
                finding: f,
            }
        })
        .collect();

    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let doc = ReportOut {
                scope: &scope_name,
                as_of: report.as_of,
                by: match by {
                    By::County => "county",
                    By::Zone => "zone",
                    By::Sector => "sector",
                    By::Kind => "kind",
                },
                total: TotalOut {
                    tally: report.total,
                    organization_rate: round2(report.total.organization_rate()),
                    work_rate: round2(report.total.work_rate()),
                },
                groups,
                findings,
            };
            serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(
                out,
                "两新组织覆盖情况（{scope_name}，按{by_label}，截至{}）\n",
                report.as_of.format("%Y年%m月%d日")
            )?;
            let mut rows: Vec<Vec<String>> = groups
                .iter()
                .map(|g| tally_row(&g.name, &g.tally))
                .collect();
            rows.push(tally_row("合计", &report.total));
            write!(out, "{}", table(&TALLY_HEADER, &rows))?;
            writeln!(
                out,
                "\n覆盖检修：需要行动的单位和党组织（{} 项）\n",
                findings.len()
            )?;
            let rows: Vec<Vec<String>> = findings
                .iter()
                .map(|f| {
                    vec![
                        f.county_name.to_owned(),
                        subject_label(&f.finding.subject).to_owned(),
                        f.finding.name.clone(),
                        f.action_label.to_owned(),
                        f.finding.reason.clone(),
                        format!("{}（{}）", f.finding.rule.title, f.finding.rule.source),
                    ]
                })
                .collect();
            write!(
                out,
                "{}",
                table(
                    &["县(市、区)", "对象", "名称", "应采取行动", "原因", "依据"],
                    &rows
                )
            )?;
        }
        Format::Csv => {
            out.write_all("\u{feff}".as_bytes())?;
            out.write_all(csv_record(&TALLY_HEADER.map(String::from)).as_bytes())?;
            for g in &groups {
                out.write_all(csv_record(&tally_row(&g.name, &g.tally)).as_bytes())?;
            }
            out.write_all(csv_record(&tally_row("合计", &report.total)).as_bytes())?;
            out.write_all(b"\r\n")?;
            let header = [
                "县(市、区)",
                "对象",
                "名称",
                "应采取行动",
                "原因",
                "规则",
                "版本",
                "依据",
            ];
            out.write_all(csv_record(&header.map(String::from)).as_bytes())?;
            for f in &findings {
                out.write_all(
                    csv_record(&[
                        f.county_name.to_owned(),
                        subject_label(&f.finding.subject).to_owned(),
                        f.finding.name.clone(),
                        f.action_label.to_owned(),
                        f.finding.reason.clone(),
                        f.finding.rule.key.clone(),
                        f.finding.rule.version.to_string(),
                        f.finding.rule.source.clone(),
                    ])
                    .as_bytes(),
                )?;
            }
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct UnitOut<'a> {
    county: i32,
    county_name: &'a str,
    id: i64,
    name: &'a str,
    kind: &'static str,
    zone: Option<&'a str>,
    state: CoverageState,
    state_label: &'static str,
    actions: Vec<&'static str>,
    action_labels: Vec<&'static str>,
}

/// `coverage --list`: every unit of the scope with its state and the actions demanded of
/// it, optionally only those of one state or action (the dashboard's figures, as rows).
pub fn list(
    store: &mut Store,
    format: Format,
    county: Option<&str>,
    today: NaiveDate,
    state: Option<&str>,
    action: Option<&str>,
) -> Result<(), CliError> {
    let state = state
        .map(|s| {
            UnitFilter::parse_state(s).ok_or_else(|| {
                CliError::Refused(format!(
                    "--state：“{s}”不是覆盖状态，可选 organization（组织覆盖）、work（工作覆盖，含组织覆盖）、work_only（仅工作覆盖）、gap（空白）"
                ))
            })
        })
        .transpose()?;
    let action = action
        .map(|a| {
            UnitFilter::parse_action(a).ok_or_else(|| {
                let codes: Vec<&str> = Action::ALL.iter().map(|a| a.code()).collect();
                CliError::Refused(format!(
                    "--action：“{a}”不是应采取的行动，可选 any（任一行动）、{}",
                    codes.join("、")
                ))
            })
        })
        .transpose()?;
    let (scope, scope_name) = scope(store, county)?;
    let rules = CoverageRules::resolve(&store.rule_set()?, today)?;
    let facts = store.coverage_facts_on(&scope, crate::today(), today)?;
    let report = coverage::report(
        &facts.organizations,
        &facts.party_orgs,
        &rules,
        GroupBy::County,
    );
    let regions = store.region_names()?;
    let zones = store.zone_names()?;
    let mut units: Vec<UnitOut> = facts
        .organizations
        .iter()
        .filter_map(|o| {
            let unit = report.units.get(&o.key)?;
            if !state.is_none_or(|f| f.keeps(unit)) || !action.is_none_or(|f| f.keeps(unit)) {
                return None;
            }
            Some(UnitOut {
                county: o.key.county,
                county_name: regions.get(&o.key.county).map_or("", String::as_str),
                id: o.key.id,
                name: &o.name,
                kind: o.kind.label(),
                zone: o.zone.and_then(|z| zones.get(&z)).map(String::as_str),
                state: unit.state,
                state_label: unit.state.label(),
                actions: unit.actions.iter().map(|a| a.code()).collect(),
                action_labels: unit.actions.iter().map(|a| a.label()).collect(),
            })
        })
        .collect();
    units.sort_by(|a, b| (a.county, a.name, a.id).cmp(&(b.county, b.name, b.id)));
    let header = [
        "县(市、区)",
        "编号",
        "名称",
        "组织类别",
        "园区小镇",
        "覆盖状态",
        "应采取行动",
    ];
    let row = |u: &UnitOut| {
        vec![
            u.county_name.to_owned(),
            format!("{}-{}", u.county, u.id),
            u.name.to_owned(),
            u.kind.to_owned(),
            u.zone.unwrap_or("").to_owned(),
            u.state_label.to_owned(),
            u.action_labels.join("、"),
        ]
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &units).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        Format::Table => {
            writeln!(
                out,
                "两新组织（{scope_name}，截至{}，{}个）\n",
                today.format("%Y年%m月%d日"),
                units.len()
            )?;
            let rows: Vec<Vec<String>> = units.iter().map(row).collect();
            write!(out, "{}", table(&header, &rows))?;
        }
        Format::Csv => {
            out.write_all("\u{feff}".as_bytes())?;
            out.write_all(csv_record(&header.map(String::from)).as_bytes())?;
            for u in &units {
                out.write_all(csv_record(&row(u)).as_bytes())?;
            }
        }
    }
    Ok(())
}

/// The columns of a tally row ([`tally_row`]).
const TALLY_HEADER: [&str; 8] = [
    "分组",
    "组织数",
    "组织覆盖",
    "工作覆盖",
    "空白",
    "组织覆盖率",
    "工作覆盖率",
    "需行动",
];

fn subject_label(s: &Subject) -> &'static str {
    match s {
        Subject::Organization { .. } => "两新组织",
        Subject::PartyOrg { .. } => "党组织",
    }
}

fn tally_row(name: &str, t: &Tally) -> Vec<String> {
    vec![
        name.to_owned(),
        t.total.to_string(),
        t.organization_covered.to_string(),
        t.work_covered.to_string(),
        t.gap.to_string(),
        pct(t.organization_rate()),
        pct(t.work_rate()),
        t.needing_action.to_string(),
    ]
}

pub(crate) fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Times the report of the whole (city or province) or of one county or city (facts +
/// engine, grouped by county) against the raw-SQL per-county tally of the same counties,
/// alternating runs so both see the same cache state.
pub fn bench(store: &mut Store, runs: u32, county: Option<&str>) -> Result<(), CliError> {
    let today = crate::today();
    let (scope, name) = scope(store, county)?;
    let counties = scope.county_range().unwrap_or((0, 999_999));
    // Warm both paths once.
    let report = compute(store, &scope, GroupBy::County, today)?;
    let min_full = CoverageRules::resolve(&store.rule_set()?, today)?
        .own_branch_min_full_members
        .value;
    let raw = store.coverage_by_county_raw_sql(today, min_full, counties)?;
    for row in &raw {
        let t = report
            .groups
            .get(&GroupKey::County(row.county))
            .copied()
            .unwrap_or_default();
        let engine = [
            t.total,
            t.organization_covered,
            t.work_covered,
            t.gap,
            t.needing_action,
        ];
        let sql = [
            row.total,
            row.org_covered,
            row.work_covered,
            row.gap,
            row.needing_action,
        ];
        if engine.iter().zip(sql).any(|(e, s)| *e as i64 != s) {
            return Err(CliError::Refused(format!(
                "基准不一致：{} 县 引擎 {:?} 与 SQL {:?}",
                row.county, t, row
            )));
        }
    }
    let (mut engine, mut sql) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = Instant::now();
        let r = compute(store, &scope, GroupBy::County, today)?;
        engine.push(t.elapsed());
        std::hint::black_box(r);
        let t = Instant::now();
        let r = store.coverage_by_county_raw_sql(today, min_full, counties)?;
        sql.push(t.elapsed());
        std::hint::black_box(r);
    }
    // The 12 month-ends of the dashboard's trend, from the dated records; its last point
    // must be today's report.
    let days = history::month_ends(today, 12);
    let trend_of = |store: &mut Store| -> Result<Vec<history::TrendPoint>, CliError> {
        let records = store.coverage_records(&scope, today, days[0])?;
        Ok(history::trend(&records, &days))
    };
    let points = trend_of(store)?;
    let last = points.last().copied();
    let t = report.total;
    if last.map(|p| (p.total, p.organization_covered, p.work_covered, p.gap))
        != Some((t.total, t.organization_covered, t.work_covered, t.gap))
    {
        return Err(CliError::Refused(format!(
            "走势与当日报告不一致：{last:?} 与 {t:?}"
        )));
    }
    let mut trend = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        std::hint::black_box(trend_of(store)?);
        trend.push(t.elapsed());
    }
    let (e, s) = (median(engine.clone()), median(sql.clone()));
    let min = |v: &Vec<Duration>| v.iter().min().copied().unwrap_or_default();
    let counts: HashMap<&str, u64> = HashMap::from([
        ("organizations", report.total.total),
        ("findings", report.findings.len() as u64),
    ]);
    say!(
        "{}",
        serde_json::json!({
            "backend": format!("{:?}", store.backend()),
            "scope": name,
            "runs": runs,
            "organizations": counts["organizations"],
            "findings": counts["findings"],
            "report_ms_median": e.as_secs_f64() * 1e3,
            "report_ms_min": min(&engine).as_secs_f64() * 1e3,
            "raw_sql_ms_median": s.as_secs_f64() * 1e3,
            "raw_sql_ms_min": min(&sql).as_secs_f64() * 1e3,
            "ratio_median": e.as_secs_f64() / s.as_secs_f64(),
            "trend_12_months_ms_median": median(trend.clone()).as_secs_f64() * 1e3,
            "trend_12_months_ms_min": min(&trend).as_secs_f64() * 1e3,
        })
    );
    Ok(())
}
