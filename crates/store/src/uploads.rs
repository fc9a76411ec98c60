//! Files uploaded for import, from upload to commit: a file is staged (sealed, since it
//! holds resident IDs), checked in the background with its progress written here (so any
//! server shows it), previewed, then committed or discarded. The file is wiped once it is
//! committed or discarded, and a day after upload in any case.
//!
//! States: `checking` → `checked` | `failed`; `checked` → `committing` → `committed`
//! (or back to `checked` with a message when the commit is refused); `checked` →
//! `discarded`; any uncommitted upload → `expired` after a day. A `checking` or
//! `committing` upload not touched for [`STALE_MINUTES`] was interrupted (its server
//! stopped): a commit wrote nothing, and it may be started again.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::connection::write_transaction;
use crate::error::{Result, StoreError};
use crate::registry::allocate;
use crate::schema::import_upload_problems as upp;
use crate::schema::import_uploads as up;
use crate::{Scope, Store};

/// After this long without progress, a check or commit is taken as interrupted.
pub const STALE_MINUTES: i64 = 10;
/// Uploads not committed are wiped after this long.
pub const KEEP_HOURS: i64 = 24;

/// Files an account may have staged (checking, checked or being committed) at once…
pub const STAGED_FILES: i64 = 10;
/// …and their bytes together.
pub const STAGED_BYTES: i64 = 400 * 1024 * 1024;
/// Uploads an account may make within [`RATE_MINUTES`].
pub const RATE_UPLOADS: i64 = 30;
pub const RATE_MINUTES: i64 = 10;
/// Problems a preview keeps (the counts are whole; the full list is kept apart, up to
/// [`LISTED_PROBLEMS`], for download).
pub const PREVIEW_PROBLEMS: usize = 200;
/// Skipped rows a preview keeps.
pub const PREVIEW_SKIPPED: usize = 200;
/// Problems kept for download: beyond these the file is plainly not the register.
pub const LISTED_PROBLEMS: usize = 100_000;

/// The kinds of import there are.
pub const KINDS: &[(&str, &str)] = &[
    ("members", "党员"),
    ("organizations", "两新组织"),
    ("party_orgs", "党组织"),
    ("assignments", "党建指导员选派"),
    ("payments", "党费缴纳记录"),
    ("meetings", "组织生活出席记录"),
    ("zones", "园区小镇"),
    ("posts", "委员会成员"),
];

/// A problem as the preview keeps it (a resident ID masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewProblem {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub reason: String,
    /// An error blocks the commit; a warning does not.
    pub error: bool,
}

/// A row the commit would write, as the preview shows it: its cells under
/// [`Preview::sample_columns`] (a resident ID masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewRow {
    pub row: usize,
    #[serde(default)]
    pub cells: Vec<String>,
}

/// One field an update changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewChange {
    pub column: String,
    pub before: String,
    pub after: String,
}

/// A registered record the commit would update, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewUpdate {
    pub row: usize,
    pub name: String,
    /// What tells the record apart: a member's masked resident ID, a credit code.
    #[serde(alias = "resident_id_masked")]
    pub identifier: String,
    pub changes: Vec<PreviewChange>,
}

impl PreviewUpdate {
    /// A record's update as a preview shows it: its changes as (column, before, after).
    pub fn new(
        row: usize,
        name: &str,
        identifier: String,
        changes: &[(&'static str, String, String)],
    ) -> PreviewUpdate {
        PreviewUpdate {
            row,
            name: name.to_owned(),
            identifier,
            changes: changes
                .iter()
                .map(|(column, before, after)| PreviewChange {
                    column: (*column).to_owned(),
                    before: before.clone(),
                    after: after.clone(),
                })
                .collect(),
        }
    }
}

/// What a check found: counts, every problem, and a sample of what would be written.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Preview {
    pub format: String,
    /// What reading the file did (the sheet read, merged cells split …).
    pub notes: Vec<String>,
    pub rows_read: usize,
    pub create: usize,
    #[serde(default)]
    pub update: usize,
    pub skip: usize,
    pub errors: usize,
    pub warnings: usize,
    pub problems: Vec<PreviewProblem>,
    pub skipped: Vec<(usize, String)>,
    pub ignored_columns: Vec<String>,
    /// The columns of [`Preview::sample`].
    #[serde(default)]
    pub sample_columns: Vec<String>,
    #[serde(default)]
    pub sample: Vec<PreviewRow>,
    #[serde(default)]
    pub updates: Vec<PreviewUpdate>,
    /// For a member sheet, a digest of everything the commit would write and skip (see
    /// [`crate::import::ImportPlan::fingerprint`]); empty for the other kinds.
    #[serde(default)]
    pub fingerprint: String,
}

impl Preview {
    pub fn committable(&self) -> bool {
        self.errors == 0 && self.create + self.update > 0
    }
}

/// An upload as pages show it (never its file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub actor: String,
    pub uploaded_at: NaiveDateTime,
    pub state: String,
    pub done_rows: i32,
    pub total_rows: i32,
    pub updated_at: NaiveDateTime,
    pub preview: Option<Preview>,
    pub message: Option<String>,
    pub import_id: Option<i64>,
    /// A check or commit whose server stopped before it finished.
    pub interrupted: bool,
}

impl Upload {
    /// Whether a commit may be started now.
    pub fn can_commit(&self) -> bool {
        let ready = self.state == "checked" || (self.state == "committing" && self.interrupted);
        ready && self.preview.as_ref().is_some_and(Preview::committable)
    }

    /// Whether it is still being worked on (its page refreshes itself).
    pub fn working(&self) -> bool {
        matches!(self.state.as_str(), "checking" | "committing") && !self.interrupted
    }
}

type UploadRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    String,
    i32,
    i32,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<i64>,
);

fn upload_of(r: UploadRow, now: NaiveDateTime) -> Upload {
    let interrupted = matches!(r.7.as_str(), "checking" | "committing")
        && now - r.10 > Duration::minutes(STALE_MINUTES);
    Upload {
        id: r.0,
        kind: r.1,
        file_name: r.2,
        file_sha256: r.3,
        actor: r.4,
        uploaded_at: r.6,
        state: r.7,
        done_rows: r.8,
        total_rows: r.9,
        updated_at: r.10,
        preview: r.11.and_then(|p| serde_json::from_str(&p).ok()),
        message: r.12,
        import_id: r.13,
        interrupted,
    }
}

/// The SHA-256 of a file, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

fn not_found() -> StoreError {
    StoreError::invalid("导入", "不存在或不在您的管理范围内")
}

macro_rules! upload_columns {
    () => {
        (
            up::id,
            up::kind,
            up::file_name,
            up::file_sha256,
            up::actor,
            up::scope_path,
            up::uploaded_at,
            up::state,
            up::done_rows,
            up::total_rows,
            up::updated_at,
            up::preview,
            up::message,
            up::import_id,
        )
    };
}

impl Store {
    /// Keeps an uploaded file for checking (state `checking`) and wipes the files of
    /// uploads older than a day that were never committed.
    pub fn stage_upload(
        &mut self,
        actor: &str,
        scope: &Scope,
        kind: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<i64> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("导入", "党员不能导入"));
        }
        if !KINDS.iter().any(|(k, _)| *k == kind) {
            return Err(StoreError::invalid("导入类型", format!("不支持“{kind}”")));
        }
        let name = file_name.trim();
        let name = if name.is_empty() {
            "未命名文件"
        } else {
            name
        };
        let sealed = self.cipher.seal_file(bytes)?;
        let sha = sha256_hex(bytes);
        let path = scope.party_path.clone();
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        write_transaction(&mut self.conn, |conn| {
            let at = now();
            // An upload never committed goes after a day: its file, preview and problems.
            diesel::update(
                up::table
                    .filter(up::uploaded_at.lt(at - Duration::hours(KEEP_HOURS)))
                    .filter(up::state.ne_all(["committed", "discarded", "expired"])),
            )
            .set((
                up::state.eq("expired"),
                up::content.eq(Vec::<u8>::new()),
                up::preview.eq(None::<String>),
            ))
            .execute(conn)?;
            diesel::delete(
                upp::table.filter(
                    upp::upload_id.eq_any(
                        up::table
                            .filter(up::state.eq_any(["expired", "discarded", "committed"]))
                            .select(up::id),
                    ),
                ),
            )
            .execute(conn)?;
            check_quota(conn, actor, size, at)?;
            let id = allocate(conn, "import_uploads", 1)?;
            diesel::insert_into(up::table)
                .values((
                    up::id.eq(id),
                    up::kind.eq(kind),
                    up::file_name.eq(name),
                    up::file_sha256.eq(&sha),
                    up::actor.eq(actor),
                    up::scope_path.eq(&path),
                    up::uploaded_at.eq(at),
                    up::content.eq(&sealed),
                    up::state.eq("checking"),
                    up::updated_at.eq(at),
                    up::file_size.eq(size),
                ))
                .execute(conn)?;
            Ok(id)
        })
    }

    /// Records how far a check has come.
    pub fn upload_progress(&mut self, id: i64, done: usize, total: usize) -> Result<()> {
        let n = |v: usize| i32::try_from(v).unwrap_or(i32::MAX);
        diesel::update(
            up::table
                .filter(up::id.eq(id))
                .filter(up::state.eq("checking")),
        )
        .set((
            up::done_rows.eq(n(done)),
            up::total_rows.eq(n(total)),
            up::updated_at.eq(now()),
        ))
        .execute(&mut self.conn)?;
        Ok(())
    }

    /// Ends a check: its preview, or why the file cannot be imported at all.
    pub fn finish_check(
        &mut self,
        id: i64,
        outcome: std::result::Result<&Preview, &str>,
    ) -> Result<()> {
        let at = now();
        let target = up::table
            .filter(up::id.eq(id))
            .filter(up::state.eq_any(["checking", "committing"]));
        match outcome {
            Ok(p) => {
                let rows = i32::try_from(p.rows_read).unwrap_or(i32::MAX);
                let (preview, problems) = bounded(p);
                // The list is kept only with the preview it belongs to: not for an upload
                // discarded meanwhile.
                self.conn.transaction::<_, StoreError, _>(|conn| {
                    let n = diesel::update(target)
                        .set((
                            up::state.eq("checked"),
                            up::preview.eq(serde_json::to_string(&preview).ok()),
                            up::done_rows.eq(rows),
                            up::total_rows.eq(rows),
                            up::updated_at.eq(at),
                        ))
                        .execute(conn)?;
                    if n > 0 {
                        keep_problems(conn, id, problems)?;
                    }
                    Ok(())
                })?;
            }
            Err(why) => {
                diesel::update(target)
                    .set((
                        up::state.eq("failed"),
                        up::message.eq(Some(why)),
                        up::content.eq(Vec::<u8>::new()),
                        up::updated_at.eq(at),
                    ))
                    .execute(&mut self.conn)?;
            }
        }
        Ok(())
    }

    /// One upload within `scope`.
    pub fn upload(&mut self, scope: &Scope, id: i64) -> Result<Option<Upload>> {
        let row: Option<UploadRow> = up::table
            .filter(up::id.eq(id))
            .select(upload_columns!())
            .first(&mut self.conn)
            .optional()?;
        Ok(row
            .filter(|r| scope.member.is_none() && scope.contains_path(&r.5))
            .map(|r| upload_of(r, now())))
    }

    /// The latest uploads within `scope`, newest first.
    pub fn uploads(&mut self, scope: &Scope, limit: i64) -> Result<Vec<Upload>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let rows: Vec<UploadRow> = up::table
            .filter(up::scope_path.ge(&low).and(up::scope_path.lt(&high)))
            .order(up::id.desc())
            .limit(limit)
            .select(upload_columns!())
            .load(&mut self.conn)?;
        let at = now();
        Ok(rows.into_iter().map(|r| upload_of(r, at)).collect())
    }

    /// Every problem a check found (up to [`LISTED_PROBLEMS`]), for download and for the
    /// API's pages.
    pub fn upload_problems(&mut self, scope: &Scope, id: i64) -> Result<Vec<PreviewProblem>> {
        let (path, preview): (String, Option<String>) = up::table
            .filter(up::id.eq(id))
            .select((up::scope_path, up::preview))
            .first(&mut self.conn)
            .optional()?
            .ok_or_else(not_found)?;
        if scope.member.is_some() || !scope.contains_path(&path) {
            return Err(not_found());
        }
        let stored: Vec<u8> = upp::table
            .find(id)
            .select(upp::problems)
            .first(&mut self.conn)
            .optional()?
            .unwrap_or_default();
        if stored.is_empty() {
            // A preview whose problems all fit in it keeps no list apart.
            let p: Preview = preview
                .and_then(|p| serde_json::from_str(&p).ok())
                .unwrap_or_default();
            return Ok(p.problems);
        }
        serde_json::from_slice(&stored)
            .map_err(|e| StoreError::Corrupt(format!("导入问题清单无法读取：{e}")))
    }

    /// The file of an upload that may still be committed.
    pub fn upload_file(&mut self, scope: &Scope, id: i64) -> Result<Vec<u8>> {
        let (path, sealed): (String, Vec<u8>) = up::table
            .filter(up::id.eq(id))
            .select((up::scope_path, up::content))
            .first(&mut self.conn)
            .optional()?
            .ok_or_else(not_found)?;
        if scope.member.is_some() || !scope.contains_path(&path) {
            return Err(not_found());
        }
        if sealed.is_empty() {
            return Err(StoreError::invalid("导入", "文件已不再保存，请重新上传"));
        }
        self.cipher.open_file(&sealed)
    }

    /// Marks a checked upload as being committed; refused if it is not ready (already
    /// committed, being committed, with errors). Guards against a double submit.
    pub fn begin_commit(&mut self, scope: &Scope, id: i64) -> Result<Upload> {
        let u = self.upload(scope, id)?.ok_or_else(not_found)?;
        if !u.can_commit() {
            let why = match u.state.as_str() {
                "committed" => "已经导入".to_owned(),
                "committing" => "正在导入，请稍候".to_owned(),
                "checking" => "正在校验，请稍候".to_owned(),
                "discarded" => "已放弃".to_owned(),
                "expired" => "文件已过期，请重新上传".to_owned(),
                "failed" => "文件无法导入".to_owned(),
                _ => match &u.preview {
                    Some(p) if p.errors > 0 => {
                        format!("有{}个错误，请修改文件后重新上传", p.errors)
                    }
                    _ => "没有可导入的行".to_owned(),
                },
            };
            return Err(StoreError::invalid("导入", why));
        }
        let changed = diesel::update(
            up::table
                .filter(up::id.eq(id))
                .filter(up::state.eq(&u.state))
                .filter(up::updated_at.eq(u.updated_at)),
        )
        .set((
            up::state.eq("committing"),
            up::message.eq(None::<String>),
            up::updated_at.eq(now()),
        ))
        .execute(&mut self.conn)?;
        if changed == 0 {
            return Err(StoreError::invalid("导入", "正在导入，请稍候"));
        }
        Ok(u)
    }

    /// A commit refused or failed: back to `checked` with the reason and, when the
    /// records changed since the check, the new preview.
    pub fn refuse_commit(&mut self, id: i64, why: &str, preview: Option<&Preview>) -> Result<()> {
        let target = up::table
            .filter(up::id.eq(id))
            .filter(up::state.eq("committing"));
        self.conn.transaction::<_, StoreError, _>(|conn| {
            match preview.map(bounded) {
                Some((preview, problems)) => {
                    let n = diesel::update(target)
                        .set((
                            up::state.eq("checked"),
                            up::message.eq(Some(why)),
                            up::preview.eq(serde_json::to_string(&preview).ok()),
                            up::updated_at.eq(now()),
                        ))
                        .execute(conn)?;
                    if n > 0 {
                        keep_problems(conn, id, problems)?;
                    }
                }
                None => {
                    diesel::update(target)
                        .set((
                            up::state.eq("checked"),
                            up::message.eq(Some(why)),
                            up::updated_at.eq(now()),
                        ))
                        .execute(conn)?;
                }
            }
            Ok(())
        })
    }

    /// Gives up an upload not yet committed: its file is wiped.
    pub fn discard_upload(&mut self, scope: &Scope, id: i64) -> Result<()> {
        let u = self.upload(scope, id)?.ok_or_else(not_found)?;
        if !matches!(u.state.as_str(), "checked" | "failed") && !u.interrupted {
            return Err(StoreError::invalid("导入", "只能放弃尚未导入的文件"));
        }
        diesel::update(up::table.filter(up::id.eq(id)))
            .set((
                up::state.eq("discarded"),
                up::content.eq(Vec::<u8>::new()),
                up::preview.eq(None::<String>),
                up::updated_at.eq(now()),
            ))
            .execute(&mut self.conn)?;
        keep_problems(&mut self.conn, id, Vec::new())?;
        Ok(())
    }
}

/// A preview as kept: its first problems and skipped rows (the counts stay whole), and
/// the full problem list apart (empty when it all fits in the preview).
fn bounded(p: &Preview) -> (Preview, Vec<u8>) {
    let mut kept = p.clone();
    let mut apart = Vec::new();
    if p.problems.len() > PREVIEW_PROBLEMS {
        let listed = &p.problems[..p.problems.len().min(LISTED_PROBLEMS)];
        apart = serde_json::to_vec(listed).unwrap_or_default();
        kept.problems.truncate(PREVIEW_PROBLEMS);
    }
    kept.skipped.truncate(PREVIEW_SKIPPED);
    (kept, apart)
}

/// Keeps an upload's full problem list apart (none: removes it).
fn keep_problems(
    conn: &mut crate::connection::DbConnection,
    id: i64,
    problems: Vec<u8>,
) -> Result<()> {
    diesel::delete(upp::table.find(id)).execute(conn)?;
    if !problems.is_empty() {
        diesel::insert_into(upp::table)
            .values((upp::upload_id.eq(id), upp::problems.eq(problems)))
            .execute(conn)?;
    }
    Ok(())
}

/// Refuses an upload past the account's limits: files and bytes staged, uploads lately.
fn check_quota(
    conn: &mut crate::connection::DbConnection,
    actor: &str,
    size: i64,
    at: NaiveDateTime,
) -> Result<()> {
    let staged: Vec<i64> = up::table
        .filter(up::actor.eq(actor))
        .filter(up::state.eq_any(["checking", "checked", "committing"]))
        .select(up::file_size)
        .load(conn)?;
    let staged_files = i64::try_from(staged.len()).unwrap_or(i64::MAX);
    if staged_files >= STAGED_FILES {
        return Err(StoreError::limit(
            "文件",
            format!(
                "您已有{STAGED_FILES}个待确认的上传，请先确认导入或放弃其中一些，再上传新的文件"
            ),
        ));
    }
    if staged.iter().sum::<i64>().saturating_add(size) > STAGED_BYTES {
        return Err(StoreError::limit(
            "文件",
            format!(
                "您待确认的上传合计将超过 {} MB，请先确认导入或放弃其中一些",
                STAGED_BYTES / 1024 / 1024
            ),
        ));
    }
    let lately: i64 = up::table
        .filter(up::actor.eq(actor))
        .filter(up::uploaded_at.ge(at - Duration::minutes(RATE_MINUTES)))
        .count()
        .get_result(conn)?;
    if lately >= RATE_UPLOADS {
        return Err(StoreError::limit(
            "文件",
            format!("{RATE_MINUTES}分钟内上传已达{RATE_UPLOADS}次，请稍后再试"),
        ));
    }
    Ok(())
}

/// In the commit's own transaction: the upload became import `import_id`; its file goes.
pub(crate) fn mark_committed(
    conn: &mut crate::connection::DbConnection,
    upload: i64,
    import_id: i64,
) -> Result<()> {
    let n = diesel::update(
        up::table
            .filter(up::id.eq(upload))
            .filter(up::state.eq("committing")),
    )
    .set((
        up::state.eq("committed"),
        up::import_id.eq(Some(import_id)),
        up::content.eq(Vec::<u8>::new()),
        up::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(StoreError::invalid(
            "导入",
            "该文件不在导入中（可能已导入或已放弃）",
        ));
    }
    // The problems were read before the commit; the import's history says what it did.
    keep_problems(conn, upload, Vec::new())
}
