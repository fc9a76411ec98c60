//! `liangxin bulletin`: the month's or the quarter's 定期通报 as a GB/T 9704 .docx, with its
//! tables as an .xlsx annex, from the records of the city or one county.

use std::path::Path;

use chrono::NaiveDate;
use liangxin_domain::period::Period;
use liangxin_store::Store;

use crate::CliError;
use crate::coverage_cmd::scope;

pub fn run(
    store: &mut Store,
    period: &str,
    county: Option<&str>,
    today: NaiveDate,
    out: &Path,
    annex: Option<&Path>,
) -> Result<(), CliError> {
    let period = Period::parse(period)
        .map_err(|e| CliError::Refused(format!("--period：{e}（应如 2026-11 或 2026-Q4）")))?;
    if out.extension().and_then(|e| e.to_str()) != Some("docx") {
        return Err(CliError::Refused("--out：通报写成 .docx 文件".into()));
    }
    let (scope, _) = scope(store, county)?;
    let facts = store.bulletin_facts(&scope, period, today)?;
    let brief = liangxin_docs::bulletin::compose(&facts);
    std::fs::write(out, liangxin_docs::brief::write(&brief))?;
    eprintln!(
        "已写入 {}：{}（第{}期，总第{}期），数据截至 {}",
        out.display(),
        brief.title,
        brief.number,
        brief.total,
        facts.as_of
    );
    if let Some(path) = annex {
        let bytes = liangxin_docs::brief::annex(&brief)
            .map_err(|e| CliError::Refused(format!("附表无法生成：{e}")))?;
        std::fs::write(path, bytes)?;
        eprintln!("已写入附表 {}", path.display());
    }
    Ok(())
}
