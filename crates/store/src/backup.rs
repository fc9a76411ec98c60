//! 备份与恢复. A backup is taken while the server runs and never holds the key: on SQLite
//! by SQLite itself (`VACUUM INTO`: one consistent snapshot, written by the library that
//! holds the file's locks), on PostgreSQL by `pg_dump` in its custom format. A restore
//! writes only into an empty place: a SQLite file that does not exist yet, or a PostgreSQL
//! database without tables, so it can never overwrite the data it should have saved.

use std::path::Path;
use std::process::Command;

use diesel::prelude::*;

use crate::connection::{Count, DbConnection, Target};
use crate::error::{Result, StoreError};
use crate::{KeySource, Store};

fn refused(reason: impl Into<String>) -> StoreError {
    StoreError::invalid("备份文件", reason)
}

fn utf8(path: &Path) -> Result<&str> {
    path.to_str()
        .ok_or_else(|| refused("路径须为有效的 UTF-8 文本"))
}

/// Runs `pg_dump` or `pg_restore`; its own message when it fails.
fn run(mut command: Command, what: &str) -> Result<()> {
    let out = command.output().map_err(|e| {
        refused(format!(
            "无法运行 {what}（{e}）：请安装与服务器同版本的 PostgreSQL 客户端（Debian: postgresql-client）"
        ))
    })?;
    if !out.status.success() {
        return Err(refused(format!(
            "{what} 失败：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

impl Store {
    /// Writes a backup of the whole database to `file`, which must not exist yet.
    pub fn backup(&mut self, target: &Target, file: &Path) -> Result<()> {
        if file.exists() {
            return Err(refused(format!(
                "{} 已存在；备份不覆盖任何文件，请换一个文件名",
                file.display()
            )));
        }
        match (&mut self.conn, target) {
            (DbConnection::Sqlite(c), Target::Sqlite(_)) => {
                // A bound parameter is accepted for the file name of VACUUM INTO.
                diesel::sql_query("VACUUM INTO ?")
                    .bind::<diesel::sql_types::Text, _>(utf8(file)?)
                    .execute(c)?;
                Ok(())
            }
            (DbConnection::Postgres(_), Target::Postgres(url)) => {
                let mut cmd = Command::new("pg_dump");
                cmd.arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--file")
                    .arg(file)
                    .arg("--dbname")
                    .arg(url);
                run(cmd, "pg_dump")
            }
            _ => Err(StoreError::Corrupt("连接与数据库地址不一致".into())),
        }
    }
}

/// Restores `file` (a backup made by [`Store::backup`]) into `target`, which must be
/// empty, then opens it: migrations bring an older backup up to date, and the key must
/// be the one the backup was sealed with.
pub fn restore(target: &Target, key: &KeySource, file: &Path) -> Result<Store> {
    if !file.is_file() {
        return Err(refused(format!("找不到 {}", file.display())));
    }
    match target {
        Target::Sqlite(path) => {
            if path.exists() {
                return Err(StoreError::invalid(
                    "数据库",
                    format!(
                        "{} 已存在；恢复只写入新文件，不覆盖现有数据库，请指定一个新的文件路径",
                        path.display()
                    ),
                ));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError::Connect(format!("{}：{e}", dir.display())))?;
            }
            // SQLite reads the backup and writes the new file: nothing else touches either.
            let mut source = SqliteConnection::establish(utf8(file)?)
                .map_err(|e| StoreError::Connect(format!("{}：{e}", file.display())))?;
            let marked = diesel::sql_query(
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'liangxin_meta'",
            )
            .get_result::<Count>(&mut source)
            .map_err(|_| refused(format!("{} 不是两新党建平台的备份", file.display())))?;
            if marked.n == 0 {
                return Err(refused(format!(
                    "{} 不是两新党建平台的备份",
                    file.display()
                )));
            }
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(utf8(path)?)
                .execute(&mut source)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| StoreError::Connect(format!("{}：{e}", path.display())))?;
            }
        }
        Target::Postgres(url) => {
            let mut conn = PgConnection::establish(url).map_err(|e| {
                StoreError::Connect(format!("{}：{}", target.describe(), e.to_string().trim()))
            })?;
            let tables = diesel::sql_query(
                "SELECT COUNT(*) AS n FROM information_schema.tables \
                 WHERE table_schema = current_schema()",
            )
            .get_result::<Count>(&mut conn)?;
            if tables.n > 0 {
                return Err(StoreError::invalid(
                    "数据库",
                    format!(
                        "{} 已有数据表；恢复只写入空数据库，请先建立一个新的空数据库",
                        target.describe()
                    ),
                ));
            }
            let mut cmd = Command::new("pg_restore");
            cmd.arg("--no-owner")
                .arg("--exit-on-error")
                .arg("--single-transaction")
                .arg("--dbname")
                .arg(url)
                .arg(file);
            run(cmd, "pg_restore")?;
        }
    }
    Store::open(target, key)
}
