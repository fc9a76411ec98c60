//! Opening a database: SQLite file by default, PostgreSQL by URL, one connection type.
//!
//! Opening never touches what is not ours: a file that is not SQLite, or a database that
//! already holds other tables without the liangxin marker, is refused before any write.

use std::fs;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::{Result, StoreError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The one connection type: every repository function takes it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl std::fmt::Debug for DbConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            DbConnection::Postgres(_) => "DbConnection::Postgres",
            DbConnection::Sqlite(_) => "DbConnection::Sqlite",
        })
    }
}

/// SQLite's page cache per connection: 64 MiB instead of its 2 MiB (taken only as used),
/// so the index pages of a city's tables stay in memory.
pub const SQLITE_CACHE: &str = "PRAGMA cache_size = -65536";

/// One user action's writes, all or nothing, one writer at a time.
///
/// Every writer first takes the registry's version row, so writers take turns: what one
/// reads to decide what to write (is this person registered already?) stays true until it
/// commits, and no two take their locks in opposite orders (a deadlock).
///
/// DIALECT: SQLite starts a transaction deferred; two that read first and then write can
/// deadlock, and SQLite then fails one at once instead of waiting. Writing first (a no-op
/// update) takes the database's write lock up front, so a concurrent writer waits its turn
/// under the busy timeout. PostgreSQL takes the row with `SELECT … FOR UPDATE`; readers
/// never wait for it.
pub fn write_transaction<T, F>(conn: &mut DbConnection, f: F) -> Result<T>
where
    F: FnOnce(&mut DbConnection) -> Result<T>,
{
    conn.transaction::<_, StoreError, _>(|conn| {
        match conn {
            DbConnection::Sqlite(c) => diesel::sql_query(
                "UPDATE id_alloc SET next_id = next_id WHERE name = 'registry_version'",
            )
            .execute(c)?,
            DbConnection::Postgres(c) => diesel::sql_query(
                "SELECT next_id FROM id_alloc WHERE name = 'registry_version' FOR UPDATE",
            )
            .execute(c)?,
        };
        f(conn)
    })
}

/// The backend type of [`DbConnection`], for boxed queries.
pub type DbBackend = <DbConnection as Connection>::Backend;

/// Which database to open.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Target({})", self.describe())
    }
}

impl Target {
    /// A `postgres://` / `postgresql://` URL, a `sqlite://` URL, or a plain file path.
    pub fn parse(input: &str) -> Result<Target> {
        let s = input.trim();
        if s.is_empty() {
            return Err(StoreError::BadTarget("地址为空".into()));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            check_postgres_url(s)?;
            return Ok(Target::Postgres(s.to_owned()));
        }
        if let Some(path) = s.strip_prefix("sqlite://") {
            return Ok(Target::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = s.split_once("://") {
            return Err(StoreError::BadTarget(format!(
                "不支持“{scheme}”，请使用文件路径（SQLite）或 postgres:// 地址"
            )));
        }
        Ok(Target::Sqlite(PathBuf::from(s)))
    }

    /// For messages: the file path, or the URL without its password.
    pub fn describe(&self) -> String {
        match self {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(url) => redact(url),
        }
    }
}

/// The shape libpq expects: `postgres://[user[:password]@]host[:port][/database][?options]`.
/// Caught here so a typo is reported as such, not as an unreachable server.
fn check_postgres_url(url: &str) -> Result<()> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority
        .rsplit_once('@')
        .map(|(_, h)| h)
        .unwrap_or(authority);
    let bad = |why: &str| Err(StoreError::BadTarget(format!("{}：{why}", redact(url))));
    if url.chars().any(char::is_whitespace) {
        return bad("地址中不能有空格");
    }
    if host_port.is_empty() {
        return bad("缺少服务器地址（如 127.0.0.1:5432）");
    }
    if !host_port.starts_with('[')
        && let Some((_, port)) = host_port.rsplit_once(':')
        && (port.is_empty()
            || !port.chars().all(|c| c.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return bad("端口必须是 1–65535 的数字");
    }
    Ok(())
}

/// The URL without its password, whether given as `user:secret@` or `?password=secret`.
fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    // postgres://user:secret@host/db → postgres://user:***@host/db
    let base = match (base.find("://"), base.rfind('@')) {
        (Some(s), Some(at)) if at > s => match base[s + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{}:***{}", &base[..s + 3], user, &base[at..]),
            None => base.to_owned(),
        },
        _ => base.to_owned(),
    };
    match query {
        None => base,
        Some(q) => {
            let params: Vec<String> = q
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                    _ => p.to_owned(),
                })
                .collect();
            format!("{base}?{}", params.join("&"))
        }
    }
}

#[derive(QueryableByName)]
pub(crate) struct Count {
    #[diesel(sql_type = BigInt)]
    pub(crate) n: i64,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

/// Whether every migration of the program is recorded as applied. Asked first, so that the
/// application's role on PostgreSQL, which may not create anything in the schema (it does
/// not own the tables, the audit log's included), opens an up-to-date database without
/// touching its structure.
pub(crate) fn up_to_date(conn: &mut DbConnection) -> bool {
    use diesel::migration::MigrationSource;
    let query = diesel::sql_query("SELECT version FROM __diesel_schema_migrations");
    let (recorded, ours): (QueryResult<Vec<Version>>, Vec<String>) = match conn {
        DbConnection::Sqlite(c) => (
            query.load(c),
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
                .unwrap_or_default(),
        ),
        DbConnection::Postgres(c) => (
            query.load(c),
            MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
                .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
                .unwrap_or_default(),
        ),
    };
    let Ok(recorded) = recorded else {
        return false;
    };
    !ours.is_empty()
        && ours
            .iter()
            .all(|v| recorded.iter().any(|r| r.version == *v))
}

/// Applies pending migrations; returns the versions applied now.
pub fn migrate(conn: &mut DbConnection) -> Result<Vec<String>> {
    if up_to_date(conn) {
        return Ok(Vec::new());
    }
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
    }
    .map_err(|e| StoreError::Migration(e.to_string()))?;
    Ok(applied.iter().map(|v| v.to_string()).collect())
}

/// Connects and refuses foreign databases; writes nothing.
pub fn connect(target: &Target) -> Result<DbConnection> {
    match target {
        Target::Sqlite(path) => {
            let new = prepare_sqlite_dir(path)?;
            let url = path
                .to_str()
                .ok_or_else(|| StoreError::BadTarget("路径不是有效的 UTF-8".into()))?;
            let mut conn = SqliteConnection::establish(url)
                .map_err(|e| StoreError::Connect(format!("{}：{e}", path.display())))?;
            if new {
                make_private(path)?;
            }
            // Wait for other writers rather than fail (this writes nothing to the file).
            diesel::sql_query("PRAGMA busy_timeout = 10000").execute(&mut conn)?;
            refuse_foreign(
                &mut conn,
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' AND name <> '__diesel_schema_migrations'",
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'liangxin_meta'",
                target,
            )
            .map_err(|e| match e {
                StoreError::Query(q) if q.to_string().contains("not a database") => {
                    StoreError::NotADatabase { path: path.clone() }
                }
                other => other,
            })?;
            // WAL for concurrent readers; foreign keys are off by default in SQLite.
            for pragma in [
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
                SQLITE_CACHE,
            ] {
                diesel::sql_query(pragma).execute(&mut conn)?;
            }
            Ok(DbConnection::Sqlite(conn))
        }
        Target::Postgres(url) => {
            let mut conn = PgConnection::establish(url).map_err(|e| {
                StoreError::Connect(format!("{}：{}", redact(url), e.to_string().trim()))
            })?;
            refuse_foreign(
                &mut conn,
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_name <> '__diesel_schema_migrations'",
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_name = 'liangxin_meta'",
                target,
            )?;
            Ok(DbConnection::Postgres(conn))
        }
    }
}

fn refuse_foreign<C>(
    conn: &mut C,
    tables_sql: &str,
    marker_sql: &str,
    target: &Target,
) -> Result<()>
where
    C: Connection,
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, Count>,
{
    let tables = diesel::sql_query(tables_sql).get_result::<Count>(conn)?.n;
    let marker = diesel::sql_query(marker_sql).get_result::<Count>(conn)?.n;
    if tables > 0 && marker == 0 {
        return Err(StoreError::NotLiangxin(target.describe()));
    }
    Ok(())
}

/// Makes the directory of a new database file. The file itself is never opened here:
/// only SQLite opens it, because closing any other descriptor of the file drops every
/// POSIX lock the process holds on it, and an outside client closing its connection
/// would then delete the WAL the server still writes to. A file that is not SQLite is
/// found by SQLite itself ("file is not a database", see [`connect`]).
/// Makes the directory of a SQLite file that does not exist yet; says whether it is new.
fn prepare_sqlite_dir(path: &Path) -> Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(false),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.exists()
            {
                fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Connect(format!("无法创建目录 {}：{e}", dir.display()))
                })?;
                // Made here, so narrowed here: until SQLite's new file is made 0600 (just
                // after SQLite creates it) nobody else can reach it through this directory.
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    let _ = fs::set_permissions(dir, fs::Permissions::from_mode(0o700));
                }
            }
            Ok(true)
        }
        Err(e) => Err(StoreError::Connect(format!("{}：{e}", path.display()))),
    }
}

/// A database SQLite has just created is made readable by its owner only, before its WAL
/// exists: SQLite gives the WAL and shared-memory files the database's own mode. (A change
/// of mode, not an open: nothing but SQLite opens the file.)
fn make_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::Connect(format!("{}：{e}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            Target::parse("data/x.db").unwrap(),
            Target::Sqlite("data/x.db".into())
        );
        assert_eq!(
            Target::parse("sqlite://a.db").unwrap(),
            Target::Sqlite("a.db".into())
        );
        assert!(matches!(
            Target::parse("postgresql://u@h/db").unwrap(),
            Target::Postgres(_)
        ));
        let err = Target::parse("mysql://root@localhost/x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("不支持“mysql”"), "{err}");
        assert!(Target::parse("  ").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact("postgres://u@h/db?sslmode=disable&password=secret"),
            "postgres://u@h/db?sslmode=disable&password=***"
        );
        let t = Target::parse("postgres://u:secret@h/db").unwrap();
        assert!(!format!("{t:?}").contains("secret"));
    }
}
