//! Persistence for liangxin: one diesel connection type ([`DbConnection`]) over SQLite
//! (the embedded default) or PostgreSQL, migrations per backend embedded and applied at
//! open, and repositories that return domain types.
//!
//! Every read takes a [`Scope`]: a party-organization subtree (materialized path, queried
//! as a range) and, for committee roles, a region or zone. Every write to member data
//! appends to the tamper-evident [`audit`] log in the same transaction.
//!
//! Dialect differences are confined to places marked `DIALECT:`.

/// Multi-row INSERT. DIALECT: diesel's `MultiConnection` cannot build batch inserts, so
/// the statement is built for the concrete backend (the same code, monomorphized twice).
#[macro_export]
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::DbConnection::Postgres(c) => {
                diesel::insert_into($table).values($rows).execute(c)
            }
            $crate::DbConnection::Sqlite(c) => diesel::insert_into($table).values($rows).execute(c),
        }
    };
}

pub mod accounts;
pub mod activity;
pub mod administration;
pub mod anchor;
pub mod appraisal;
pub mod archive;
pub mod assessment;
pub mod audit;
pub mod audit_run;
pub mod backup;
pub mod bulletin;
pub mod centers;
pub mod charges;
pub mod checkup;
pub mod connection;
pub mod coverage;
pub mod crypto;
mod day;
pub mod dues;
pub mod duty;
pub mod error;
pub mod evaluation_tables;
pub mod exemplars;
pub mod floating;
pub mod funds;
pub mod history;
pub mod import;
pub mod investors;
pub mod jobs;
pub mod life;
pub mod lookups;
pub mod organizations;
pub mod people;
pub mod posts;
pub mod projects;
pub mod records_start;
pub mod registry;
mod rekey;
pub mod replica;
pub mod reviews;
pub mod rules;
pub mod schema;
pub mod scope;
pub mod second_factor;
pub mod self_assessment;
pub mod spot_check;
pub mod stars;
pub mod statistics;
pub mod todo;
pub mod town;
pub mod transfer;
pub mod uploads;
pub mod vanguard;
pub mod weak;
pub mod workforce;
pub mod zones;

use diesel::prelude::*;

pub use connection::{DbConnection, Target};
pub use crypto::{IdCipher, KeySource};
pub use error::{Result, StoreError};
pub use scope::Scope;

/// The most rows one page of a list reads (a larger page is cut to this).
pub const MAX_PAGE: i64 = 500;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// An open, migrated database with its resident-ID cipher.
pub struct Store {
    conn: DbConnection,
    cipher: IdCipher,
    /// Migrations applied when this store was opened.
    pub applied_migrations: Vec<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend())
            .finish_non_exhaustive()
    }
}

/// The key check a database keeps from its first opening: it holds encrypted IDs then.
fn stored_key_check(conn: &mut DbConnection) -> Result<Option<String>> {
    use schema::liangxin_meta::dsl as m;
    Ok(m::liangxin_meta
        .filter(m::key.eq("key_check"))
        .select(m::value)
        .first(conn)
        .optional()?)
}

impl Store {
    /// Opens (creating a SQLite file if needed), refuses foreign databases, migrates,
    /// seeds the default rule parameters, and checks the key against the database.
    pub fn open(target: &Target, key: &KeySource) -> Result<Store> {
        Store::open_with(target, key, crypto::Suite::default())
    }

    /// [`Store::open`], keeping a database opened for the first time with `suite` (国密 or
    /// not); one opened before keeps the suite it was made with.
    pub fn open_with(target: &Target, key: &KeySource, suite: crypto::Suite) -> Result<Store> {
        // Refuse what is not ours before anything is written (the key file included).
        let mut conn = connection::connect(target)?;
        let applied_migrations = connection::migrate(&mut conn)?;
        let cipher = IdCipher::load(key, stored_key_check(&mut conn)?.as_deref(), suite)?;
        let mut store = Store {
            conn,
            cipher,
            applied_migrations,
        };
        store.check_key()?;
        rekey::upgrade(&mut store.conn, &store.cipher)?;
        rules::seed_defaults(&mut store.conn)?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        match self.conn {
            DbConnection::Postgres(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }

    pub fn conn(&mut self) -> &mut DbConnection {
        &mut self.conn
    }

    /// Runs `read` on one snapshot of the database: a report read in several statements
    /// sees every writer's transaction whole or not at all. Nothing is written.
    ///
    /// DIALECT: PostgreSQL's default isolation reads each statement at its own moment, so
    /// the transaction asks for REPEATABLE READ; SQLite (WAL) keeps the snapshot of a
    /// transaction's first read to its end.
    pub(crate) fn read_snapshot<T>(
        &mut self,
        read: impl FnOnce(&mut Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        use diesel::connection::TransactionManager;
        type Manager = <DbConnection as Connection>::TransactionManager;
        Manager::begin_transaction(&mut self.conn)?;
        let isolated = match &mut self.conn {
            DbConnection::Postgres(c) => {
                diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(c)
                    .map(|_| ())
            }
            DbConnection::Sqlite(_) => Ok(()),
        };
        let out = match isolated {
            Ok(()) => read(self),
            Err(e) => Err(e.into()),
        };
        // Nothing to keep: the transaction ends the same way whatever `read` returned.
        let ended = Manager::rollback_transaction(&mut self.conn);
        let out = out?;
        ended?;
        Ok(out)
    }

    pub fn cipher(&self) -> &IdCipher {
        &self.cipher
    }

    /// The first key used with a database is recorded (as a keyed hash); a different key
    /// later is refused instead of silently writing undecryptable IDs.
    fn check_key(&mut self) -> Result<()> {
        use schema::liangxin_meta::dsl as m;
        let expected = self.cipher.key_check();
        match stored_key_check(&mut self.conn)? {
            Some(v) if v == expected => Ok(()),
            Some(_) => Err(StoreError::Key(
                "密钥与此数据库不匹配（请使用创建数据库时的 LIANGXIN_KEY 或密钥文件）".into(),
            )),
            None => {
                diesel::insert_into(m::liangxin_meta)
                    .values((m::key.eq("key_check"), m::value.eq(expected)))
                    .execute(&mut self.conn)?;
                Ok(())
            }
        }
    }

    /// Marks the database as holding the demo city (演示数据), so that every page says so
    /// and nobody takes the published demo accounts for a real deployment.
    pub fn mark_demo(&mut self) -> Result<()> {
        use schema::liangxin_meta::dsl as m;
        if !self.is_demo()? {
            diesel::insert_into(m::liangxin_meta)
                .values((m::key.eq("demo"), m::value.eq("1")))
                .execute(&mut self.conn)?;
        }
        Ok(())
    }

    /// Whether `demo` made this database.
    pub fn is_demo(&mut self) -> Result<bool> {
        use schema::liangxin_meta::dsl as m;
        let n: i64 = m::liangxin_meta
            .filter(m::key.eq("demo"))
            .count()
            .get_result(&mut self.conn)?;
        Ok(n > 0)
    }

    /// A round trip to the database (health checks).
    pub fn ping(&mut self) -> Result<()> {
        diesel::sql_query("SELECT 1").execute(&mut self.conn)?;
        Ok(())
    }

    /// How many organizations the registry holds.
    pub fn organization_count(&mut self) -> Result<i64> {
        use schema::organizations::dsl as o;
        Ok(o::organizations.count().get_result(&mut self.conn)?)
    }

    /// What the registry holds: two-new organizations, party organizations and members
    /// (those who left included).
    pub fn registry_counts(&mut self) -> Result<RegistryCounts> {
        use schema::{members as m, organizations as o, party_orgs as po};
        Ok(RegistryCounts {
            organizations: o::table.count().get_result(&mut self.conn)?,
            party_orgs: po::table.count().get_result(&mut self.conn)?,
            members: m::table.count().get_result(&mut self.conn)?,
        })
    }

    /// Whether the registry holds nothing yet (an empty database): no organization, no
    /// party organization, no member. A county that imported its party organizations and
    /// members before its units has a registry.
    pub fn is_empty(&mut self) -> Result<bool> {
        Ok(self.registry_counts()?.is_empty())
    }
}

/// What the registry holds, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistryCounts {
    pub organizations: i64,
    pub party_orgs: i64,
    pub members: i64,
}

impl RegistryCounts {
    pub fn is_empty(&self) -> bool {
        self.organizations == 0 && self.party_orgs == 0 && self.members == 0
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern (with `ESCAPE '\'`).
pub(crate) fn like_pattern(q: &str) -> String {
    let mut s = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("红木"), "%红木%");
        assert_eq!(like_pattern("100%_a\\"), "%100\\%\\_a\\\\%");
    }
}
