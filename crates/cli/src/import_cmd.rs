//! `liangxin import members|organizations|party-orgs|assignments|payments|meetings FILE
//! [--county C] [--commit]`: reads a member, organization, party-organization, instructor,
//! dues or attendance sheet (.xlsx, .xls, or CSV in UTF-8 or GBK), shows what a commit
//! would do and every problem by row and column, and with `--commit` writes it in one
//! transaction when it has no error (warnings are accepted). `liangxin import list` shows
//! the history; `liangxin import undo ID` takes an import back while nothing depends on
//! its rows.

use std::time::Instant;

use chrono::NaiveDate;
use liangxin_docs::sheet;
use liangxin_store::Store;
use liangxin_store::import::ImportSource;

use crate::CliError;
use crate::coverage_cmd::scope;

/// Problems printed in full; the rest are counted.
const SHOWN: usize = 200;

/// What the command line imports: the kind as the store names it, and its noun.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Members,
    Organizations,
    PartyOrgs,
    Assignments,
    Payments,
    Meetings,
    Zones,
    Posts,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Members => "members",
            Kind::Organizations => "organizations",
            Kind::PartyOrgs => "party_orgs",
            Kind::Assignments => "assignments",
            Kind::Payments => "payments",
            Kind::Meetings => "meetings",
            Kind::Zones => "zones",
            Kind::Posts => "posts",
        }
    }

    /// (counter, noun): 名党员, 个组织.
    fn noun(self) -> (&'static str, &'static str) {
        match self {
            Kind::Members => ("名", "党员"),
            Kind::Organizations => ("个", "两新组织"),
            Kind::PartyOrgs => ("个", "党组织"),
            Kind::Assignments => ("次", "选派"),
            Kind::Payments => ("条", "党费记录"),
            Kind::Meetings => ("次", "会议"),
            Kind::Zones => ("个", "园区小镇"),
            Kind::Posts => ("届", "任职"),
        }
    }
}

pub fn run(
    store: &mut Store,
    kind: Kind,
    file: &std::path::Path,
    county: Option<&str>,
    commit: bool,
    today: NaiveDate,
) -> Result<(), CliError> {
    let started = Instant::now();
    let bytes = std::fs::read(file)
        .map_err(|e| CliError::Refused(format!("无法读取文件 {}：{e}", file.display())))?;
    let open = || sheet::open(&bytes).map_err(|e| CliError::Refused(e.to_string()));
    let sheet = open()?;
    let (scope, name) = scope(store, county)?;
    let (header, format, notes) = (sheet.header.clone(), sheet.format, sheet.notes.clone());
    let plan = store.plan_import(
        "cli",
        kind.code(),
        &scope,
        today,
        &header,
        &mut sheet.map(|row| row.map_err(|e| e.to_string())),
        &|_| {},
    )?;
    let p = plan.preview(format, &notes);
    let (counter, noun) = kind.noun();
    say!(
        "{}（{}，{}）：读取{}行；将新增{}{counter}{noun}，更新{}{counter}，跳过{}行；错误{}个，提示{}个",
        file.display(),
        p.format,
        name,
        p.rows_read,
        p.create,
        p.update,
        p.skip,
        p.errors,
        p.warnings
    );
    for n in &p.notes {
        say!("  {n}");
    }
    if !p.ignored_columns.is_empty() {
        say!("未使用的列：{}", p.ignored_columns.join("、"));
    }
    for x in p.problems.iter().take(SHOWN) {
        let severity = if x.error { "错误" } else { "提示" };
        say!(
            "  第{}行 {}「{}」：{}（{severity}）",
            x.row,
            x.column,
            x.value,
            x.reason
        );
    }
    if p.problems.len() > SHOWN {
        say!("  ……另有{}个问题未列出", p.problems.len() - SHOWN);
    }
    for u in p.updates.iter().take(20) {
        let changes: Vec<String> = u
            .changes
            .iter()
            .map(|c| format!("{}：{} → {}", c.column, c.before, c.after))
            .collect();
        say!("  第{}行 更新{}：{}", u.row, u.name, changes.join("；"));
    }
    for (row, why) in p.skipped.iter().take(20) {
        say!("  第{row}行：{why}");
    }
    if !commit {
        say!(
            "预览完成，未写入任何数据（用时 {:.1} 秒）。确认无误后加 --commit 导入。",
            started.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    if !plan.committable() {
        return Err(CliError::Refused(format!(
            "有{}个错误，未导入任何数据；请修改文件后重新导入",
            plan.errors()
        )));
    }
    let hash = liangxin_store::uploads::sha256_hex(&bytes);
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = store.commit_import(
        &ImportSource {
            actor: "cli",
            scope: &scope,
            file_name: &file_name,
            file_sha256: &hash,
            upload: None,
        },
        &plan,
        // The rows once more: a member plan is matched again as it is written.
        &mut open()?.map(|row| row.map_err(|e| e.to_string())),
    )?;
    say!(
        "已导入（编号 {id}）：新增{}{counter}{noun}，更新{}{counter}，跳过{}行；用时 {:.1} 秒。撤销：liangxin import undo {id}",
        p.create,
        p.update,
        p.skip,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn list(store: &mut Store) -> Result<(), CliError> {
    let all = liangxin_store::Scope::everything();
    let imports = store.imports(&all)?;
    if imports.is_empty() {
        say!("还没有导入记录");
    }
    for i in imports {
        say!(
            "{} {} {} 读取{}行 新增{} 更新{} 跳过{} {}{}",
            i.id,
            i.imported_at.format("%Y-%m-%d %H:%M"),
            i.file_name,
            i.rows_read,
            i.created,
            i.updated,
            i.skipped,
            i.actor_name,
            i.undone_at
                .map(|d| format!(" 已于{}撤销", d.format("%Y-%m-%d %H:%M")))
                .unwrap_or_default()
        );
    }
    Ok(())
}

pub fn undo(store: &mut Store, id: i64) -> Result<(), CliError> {
    let n = store.undo_import("cli", &liangxin_store::Scope::everything(), id)?;
    say!("已撤销导入 {id}：移除{n}条新增的记录，更新过的记录已恢复");
    Ok(())
}
