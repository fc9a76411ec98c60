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

/// Creates `path` empty and readable by its owner only, refusing one that exists: a backup
/// holds the accounts' hashes and the whole register.
fn create_private(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => refused(format!(
            "{} 已存在；备份和恢复都不覆盖任何文件，请换一个文件名",
            path.display()
        )),
        _ => refused(format!("无法创建 {}：{e}", path.display())),
    })
}

/// The URL without its password, and the password (percent-decoded): the password goes to
/// the client tools through `PGPASSWORD`, never on a command line that `ps` shows.
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_owned(), None);
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_owned(), None);
    };
    let Some((user, password)) = userinfo.split_once(':') else {
        return (url.to_owned(), None);
    };
    let mut bytes = Vec::with_capacity(password.len());
    let raw = password.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        let hex = raw
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (raw[i], hex) {
            (b'%', Some(b)) => {
                bytes.push(b);
                i += 3;
            }
            (b, _) => {
                bytes.push(b);
                i += 1;
            }
        }
    }
    (
        format!("{scheme}://{user}@{host}{tail}"),
        Some(String::from_utf8_lossy(&bytes).into_owned()),
    )
}

/// A PostgreSQL client tool on `url`, its password in the environment.
fn pg_tool(tool: &str, url: &str) -> Command {
    let (url, password) = split_password(url);
    let mut cmd = Command::new(tool);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    cmd.arg("--dbname").arg(url);
    cmd
}

impl Store {
    /// Writes a backup of the whole database to `file`, which must not exist yet.
    pub fn backup(&mut self, target: &Target, file: &Path) -> Result<()> {
        create_private(file)?;
        let written = self.backup_into(target, file);
        if written.is_err() {
            let _ = std::fs::remove_file(file);
        }
        written
    }

    fn backup_into(&mut self, target: &Target, file: &Path) -> Result<()> {
        match (&mut self.conn, target) {
            (DbConnection::Sqlite(c), Target::Sqlite(_)) => {
                // A bound parameter is accepted for the file name of VACUUM INTO.
                diesel::sql_query("VACUUM INTO ?")
                    .bind::<diesel::sql_types::Text, _>(utf8(file)?)
                    .execute(c)?;
                Ok(())
            }
            (DbConnection::Postgres(_), Target::Postgres(url)) => {
                let mut cmd = pg_tool("pg_dump", url);
                cmd.arg("--format=custom")
                    .arg("--no-owner")
                    .arg("--no-acl")
                    .arg("--file")
                    .arg(file);
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
            // A journal or WAL left beside a removed database would be replayed into the
            // restored one when it opens.
            let leftovers = ["", "-wal", "-shm", "-journal"].iter().find(|suffix| {
                let mut p = path.as_os_str().to_owned();
                p.push(suffix);
                Path::new(&p).exists()
            });
            if let Some(suffix) = leftovers {
                return Err(StoreError::invalid(
                    "数据库",
                    format!(
                        "{}{suffix} 已存在；恢复只写入新文件，不覆盖现有数据库，请指定一个新的文件路径",
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
            create_private(path)?;
            let copied = diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(utf8(path)?)
                .execute(&mut source);
            if let Err(e) = copied {
                let _ = std::fs::remove_file(path);
                return Err(e.into());
            }
        }
        Target::Postgres(url) => {
            let mut conn = PgConnection::establish(url).map_err(|e| {
                StoreError::Connect(format!("{}：{}", target.describe(), e.to_string().trim()))
            })?;
            // Every relation of every schema but the system's, whatever the role may read.
            let tables = diesel::sql_query(
                "SELECT COUNT(*) AS n FROM pg_catalog.pg_class c \
                 JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace \
                 WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') \
                 AND s.nspname NOT IN ('pg_catalog', 'information_schema') \
                 AND s.nspname NOT LIKE 'pg\\_%'",
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
            let mut cmd = pg_tool("pg_restore", url);
            cmd.arg("--no-owner")
                .arg("--no-acl")
                .arg("--exit-on-error")
                .arg("--single-transaction")
                .arg(file);
            run(cmd, "pg_restore")?;
        }
    }
    Store::open(target, key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url_for_the_environment() {
        assert_eq!(
            split_password("postgres://lx:p%40ss:w@db.local:5432/liangxin?sslmode=require"),
            (
                "postgres://lx@db.local:5432/liangxin?sslmode=require".to_owned(),
                Some("p@ss:w".to_owned())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:5432/test"),
            ("postgres://postgres@127.0.0.1:5432/test".to_owned(), None)
        );
    }
}
