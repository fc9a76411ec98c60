//! `liangxin report TABLE`: a 党内统计 table (or all of them) of the city, one county or one
//! party organization's subtree on a day, computed from the records as the page computes
//! it, written as the paper-form workbook or as JSON.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;
use liangxin_domain::statistics::Table;
use liangxin_store::Store;
use liangxin_store::statistics::StatTable;
use serde_json::json;

use crate::CliError;
use crate::coverage_cmd::{party_org_scope, scope};

/// How the tables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    Json,
    Xlsx,
}

/// The tables `which` names: one by its code, or `all`.
fn tables(which: &str) -> Result<Vec<Table>, CliError> {
    match which.trim() {
        "all" => Ok(Table::ALL.to_vec()),
        code => Table::from_code(code).map(|t| vec![t]).ok_or_else(|| {
            let known: Vec<&str> = Table::ALL.iter().map(|t| t.code()).collect();
            CliError::Refused(format!(
                "统计表“{code}”不存在，可选：{}、all",
                known.join("、")
            ))
        }),
    }
}

fn table_json(t: &StatTable) -> serde_json::Value {
    json!({
        "table": t.table.code(),
        "title": t.table.title(),
        "reporting_unit": t.party_org.1,
        "as_of": t.as_of,
        "unit": t.table.unit(),
        "columns": t.table.columns().iter().map(|c| json!({
            "code": c.code,
            "group": c.group,
            "label": c.label,
        })).collect::<Vec<_>>(),
        "rows": t.rows.iter().map(|r| json!({
            "party_org": r.party_org.as_ref().map(|(k, name)| json!({
                "county": k.county,
                "id": k.id,
                "name": name,
            })),
            "own": r.own,
            "counts": r.counts,
        })).collect::<Vec<_>>(),
        "notes": t.table.notes(),
    })
}

pub fn run(
    store: &mut Store,
    which: &str,
    (county, party_org): (Option<&str>, Option<&str>),
    as_of: NaiveDate,
    format: ReportFormat,
    out: Option<&Path>,
) -> Result<(), CliError> {
    let wanted = tables(which)?;
    let (scope, _) = match party_org {
        Some(key) => party_org_scope(store, key)?,
        None => scope(store, county)?,
    };
    let root = store
        .scope_root(&scope)?
        .ok_or_else(|| CliError::Refused("该范围内没有党组织".into()))?;
    let computed = store.statistics_tables(&scope, root.key, &wanted, as_of)?;
    match format {
        ReportFormat::Json => {
            let doc = json!({ "tables": computed.iter().map(table_json).collect::<Vec<_>>() });
            let text =
                serde_json::to_string_pretty(&doc).map_err(|e| CliError::Web(e.to_string()))?;
            match out {
                Some(path) => std::fs::write(path, text)?,
                None => writeln!(std::io::stdout().lock(), "{text}")?,
            }
        }
        ReportFormat::Xlsx => {
            let Some(path) = out else {
                return Err(CliError::Refused(
                    "--format xlsx 须用 --out 指定文件".into(),
                ));
            };
            let refs: Vec<&StatTable> = computed.iter().collect();
            let bytes = liangxin_web::pages::statistics::workbook(&refs)
                .map_err(|e| CliError::Web(e.message))?;
            std::fs::write(path, bytes)?;
            eprintln!(
                "已写入 {}：{}，统计截止日期 {as_of}",
                path.display(),
                refs.iter()
                    .map(|t| t.table.title())
                    .collect::<Vec<_>>()
                    .join("、")
            );
        }
    }
    Ok(())
}
