//! The audit log's end, anchored (审计日志检查点). The chain of MACs shows a row altered or
//! taken from the middle, but not rows taken from the end: someone who can drop the
//! append-only trigger could delete the newest rows, or all of them, and what is left
//! still verifies. So each verification and each nightly audit writes a
//! checkpoint: the newest row's id and MAC, in the log itself (an entry `checkpoint`) and
//! outside the database, in a file beside the key. Verification then fails when the log
//! ends before the last checkpoint, or the row it names is not the one it saw. (Backups,
//! when they come, are to write one too.)

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, AuditRow, Entry};
use crate::error::{Result, StoreError};
use crate::schema::audit_log::dsl as a;
use crate::schema::liangxin_meta::dsl as meta;

/// The head of the log at a moment: what the next verification must still find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The database it belongs to (`liangxin_meta.database_id`).
    pub database: String,
    /// The newest row's id, and its MAC.
    pub head: i64,
    pub hash: String,
    /// Rows in the log then.
    pub rows: i64,
    pub at: NaiveDateTime,
}

impl Checkpoint {
    fn line(&self) -> String {
        format!(
            "liangxin-audit-checkpoint 1 {} {} {} {} {}\n",
            self.database,
            self.head,
            self.hash,
            self.rows,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6f")
        )
    }

    fn parse(text: &str) -> Option<Checkpoint> {
        let mut parts = text.split_whitespace();
        if parts.next()? != "liangxin-audit-checkpoint" || parts.next()? != "1" {
            return None;
        }
        Some(Checkpoint {
            database: parts.next()?.to_owned(),
            head: parts.next()?.parse().ok()?,
            hash: parts.next()?.to_owned(),
            rows: parts.next()?.parse().ok()?,
            at: NaiveDateTime::parse_from_str(parts.next()?, "%Y-%m-%dT%H:%M:%S%.f").ok()?,
        })
    }
}

/// Where the last checkpoint is kept outside the database.
#[derive(Debug, Clone)]
pub struct AnchorFile(pub PathBuf);

impl AnchorFile {
    /// The file beside a key file: `liangxin.key` → `liangxin.anchor`.
    pub fn beside(key_file: &Path) -> AnchorFile {
        AnchorFile(key_file.with_extension("anchor"))
    }

    /// The last checkpoint, or `None` when none was written yet.
    pub fn read(&self) -> Result<Option<Checkpoint>> {
        match std::fs::read_to_string(&self.0) {
            Ok(text) => Checkpoint::parse(&text).map(Some).ok_or_else(|| {
                StoreError::Corrupt(format!("检查点文件 {} 无法读取", self.0.display()))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::Corrupt(format!(
                "无法读取检查点文件 {}：{e}",
                self.0.display()
            ))),
        }
    }

    /// Replaces the file with `checkpoint`, durably (written beside, synced, renamed,
    /// the directory synced), readable by the owner only.
    pub fn write(&self, checkpoint: &Checkpoint) -> Result<()> {
        let fail = |e: std::io::Error| {
            StoreError::Corrupt(format!("无法写入检查点文件 {}：{e}", self.0.display()))
        };
        let dir = self
            .0
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(fail)?;
        // A name of its own: the server's nightly run and `verify-log` may write at once.
        let temp = self.0.with_extension(format!(
            "anchor.{}.{}",
            std::process::id(),
            hex::encode(crate::crypto::random_bytes::<4>()?)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp).map_err(fail)?;
        file.write_all(checkpoint.line().as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&temp, &self.0).map_err(fail)?;
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(fail)?;
        Ok(())
    }
}

/// What is wrong with the log, as a verification finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFault {
    /// A row does not follow the one before it: a row was removed or changed there.
    Broken { row: i64, after: Option<i64> },
    /// The log ends before the last checkpoint's row: the newest rows were removed.
    Truncated { head: Option<i64>, anchored: i64 },
    /// The checkpoint's row is there but is not the row the checkpoint saw.
    Replaced { row: i64 },
    /// The checkpoint belongs to another database.
    OtherDatabase,
}

impl std::fmt::Display for LogFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LogFault::Broken {
                row,
                after: Some(after),
            } => write!(
                f,
                "审计日志在第{after}条与第{row}条之间断开：其间的记录被删除，或第{row}条被改动"
            ),
            LogFault::Broken { row, after: None } => {
                write!(
                    f,
                    "审计日志的第一条（第{row}条）不是链的起点：之前的记录被删除或被改动"
                )
            }
            LogFault::Truncated { head, anchored } => write!(
                f,
                "审计日志缺少最新的记录：上次检查点记到第{anchored}条，现在只到{}；\
                 第{}条起的记录被删除",
                head.map_or_else(|| "空（全部被删除）".to_owned(), |h| format!("第{h}条")),
                head.map_or(1, |h| h + 1).min(*anchored),
            ),
            LogFault::Replaced { row } => {
                write!(f, "审计日志第{row}条与上次检查点记下的不同：记录被替换")
            }
            LogFault::OtherDatabase => f.write_str(
                "检查点文件属于另一个数据库：每个数据库应有自己的检查点文件（--anchor-file）；\
                 若此库确为新建或重建，请移走旧的检查点文件后再校验",
            ),
        }
    }
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogCheck {
    pub rows: i64,
    pub head: Option<i64>,
    pub fault: Option<LogFault>,
}

/// Rows verified at a time.
const PAGE: i64 = 10_000;

impl crate::Store {
    /// This database's identity, made at its first opening: a checkpoint names it.
    pub fn database_id(&mut self) -> Result<String> {
        let id: Option<String> = meta::liangxin_meta
            .filter(meta::key.eq("database_id"))
            .select(meta::value)
            .first(self.conn())
            .optional()?;
        if let Some(id) = id {
            return Ok(id);
        }
        let id = hex::encode(crate::crypto::random_bytes::<16>()?);
        diesel::insert_into(meta::liangxin_meta)
            .values((meta::key.eq("database_id"), meta::value.eq(&id)))
            .execute(self.conn())?;
        Ok(id)
    }

    /// Recomputes the chain from its first row, a page at a time, and holds its end
    /// against `anchor` (the last checkpoint kept outside the database).
    pub fn verify_audit_log(&mut self, anchor: Option<&Checkpoint>) -> Result<LogCheck> {
        let mut prev = String::new();
        let mut last: Option<i64> = None;
        let mut rows = 0i64;
        let mut anchored_hash: Option<String> = None;
        // The rank in the ring of the key that chained the row before (0 the current key):
        // keys only ever get newer along the chain, so rows chained again with a key that
        // was rotated out (and may have leaked) do not verify.
        let mut last_rank: Option<usize> = None;
        loop {
            let page: Vec<AuditRow> = a::audit_log
                .filter(a::id.gt(last.unwrap_or(i64::MIN)))
                .order(a::id)
                .limit(PAGE)
                .select(AuditRow::as_select())
                .load(self.conn())?;
            let Some(end) = page.last().map(|r| r.id) else {
                break;
            };
            for row in page {
                let rank = self.cipher.key_rank(&row.key_id);
                let in_order = match (row.key_id.is_empty(), rank, last_rank) {
                    // Before key ids: only before the first row that names its key.
                    (true, _, last) => last.is_none(),
                    (false, None, _) => false,
                    (false, Some(r), last) => last.is_none_or(|l| r <= l),
                };
                if !row.key_id.is_empty() {
                    last_rank = rank;
                }
                if !in_order
                    || row.prev_hash != prev
                    || !audit::row_verifies(&self.cipher, &prev, &row)
                {
                    return Ok(LogCheck {
                        rows,
                        head: last,
                        fault: Some(LogFault::Broken {
                            row: row.id,
                            after: last,
                        }),
                    });
                }
                if anchor.is_some_and(|c| c.head == row.id) {
                    anchored_hash = Some(row.hash.clone());
                }
                rows += 1;
                last = Some(row.id);
                prev = row.hash;
            }
            last = Some(end);
        }
        let fault = match anchor {
            None => None,
            Some(c) if c.database != self.database_id()? => Some(LogFault::OtherDatabase),
            Some(c) if last.is_none_or(|h| h < c.head) || rows < c.rows => {
                Some(LogFault::Truncated {
                    head: last,
                    anchored: c.head,
                })
            }
            Some(c) if anchored_hash.as_deref() != Some(c.hash.as_str()) => {
                Some(LogFault::Replaced { row: c.head })
            }
            Some(_) => None,
        };
        Ok(LogCheck {
            rows,
            head: last,
            fault,
        })
    }

    /// Writes a checkpoint into the log (an entry naming the head before it) and returns
    /// the checkpoint of the new head, for the caller to keep outside the database.
    pub fn checkpoint_audit_log(&mut self, actor: &str, why: &str) -> Result<Checkpoint> {
        let database = self.database_id()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before: Option<(i64, String)> = a::audit_log
                .order(a::id.desc())
                .select((a::id, a::hash))
                .first(conn)
                .optional()?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "checkpoint",
                    entity: "audit_log",
                    county: 0,
                    entity_id: before.as_ref().map_or(0, |b| b.0),
                    before: None,
                    after: Some(json!({
                        "why": why,
                        "head": before.as_ref().map(|b| b.0),
                        "hash": before.as_ref().map(|b| b.1.clone()),
                    })),
                },
            )?;
            let (head, hash, at): (i64, String, NaiveDateTime) = a::audit_log
                .order(a::id.desc())
                .select((a::id, a::hash, a::at))
                .first(conn)?;
            let rows: i64 = a::audit_log.count().get_result(conn)?;
            Ok(Checkpoint {
                database: database.clone(),
                head,
                hash,
                rows,
                at,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_as_written() {
        let c = Checkpoint {
            database: "00ff".into(),
            head: 42,
            hash: "ab".repeat(32),
            rows: 40,
            at: NaiveDateTime::parse_from_str("2026-12-02 10:00:00", "%Y-%m-%d %H:%M:%S")
                .unwrap_or_default(),
        };
        assert_eq!(Checkpoint::parse(&c.line()), Some(c));
        assert_eq!(Checkpoint::parse("something else"), None);
    }
}
