//! Reading from a PostgreSQL streaming replica (热备只读副本), with read-your-writes.
//!
//! The primary takes every write and keeps, per user, its WAL position just after that
//! user's last write ([`Store::remember_write_position`]). A read may go to the replica
//! only once the replica has replayed that position ([`Store::has_replayed`]): someone who
//! has just saved a form sees it on the next page, whatever the replica's lag, while the
//! others' reports and lists are read from the replica.
//!
//! DIALECT: replicas are PostgreSQL's; on SQLite nothing here is used (a server refuses a
//! read URL beside a SQLite file).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text};

use crate::connection::{self, DbConnection, Target};
use crate::crypto::{IdCipher, KeySource};
use crate::error::{Result, StoreError};
use crate::{Store, stored_key_check};

#[derive(QueryableByName)]
struct Position {
    #[diesel(sql_type = Nullable<Text>)]
    lsn: Option<String>,
}

#[derive(QueryableByName)]
struct Replayed {
    #[diesel(sql_type = Bool)]
    replayed: bool,
}

impl Store {
    /// Opens a streaming replica of a database the primary has opened (and migrated) before,
    /// for reads only: it must hold every migration of this program and the same key check,
    /// and its session refuses writes even where the URL names a primary by mistake.
    pub fn open_replica(target: &Target, key: &KeySource) -> Result<Store> {
        let Target::Postgres(_) = target else {
            return Err(StoreError::BadTarget(
                "只读副本须为 PostgreSQL（postgres:// 地址）".into(),
            ));
        };
        let target = &bounded(target);
        let mut conn = connection::connect(target)?;
        if !connection::up_to_date(&mut conn) {
            return Err(StoreError::Connect(format!(
                "{}：只读副本的数据库结构与本程序不一致（主库尚未迁移，或副本未同步）",
                target.describe()
            )));
        }
        let DbConnection::Postgres(pg) = &mut conn else {
            unreachable!("a postgres:// target opens PostgreSQL");
        };
        diesel::sql_query("SET default_transaction_read_only = on").execute(pg)?;
        // A new database's key check may not have reached the replica yet: not ready, like
        // a replica that cannot be reached (a server tries again later).
        let Some(check) = stored_key_check(&mut conn)? else {
            return Err(StoreError::Connect(format!(
                "{}：只读副本尚未同步主库的密钥校验值",
                target.describe()
            )));
        };
        // The key must be the primary's: `load` refuses one that does not match the check.
        let cipher = IdCipher::load(key, Some(&check), crate::crypto::Suite::default())?;
        Ok(Store {
            conn,
            cipher,
            applied_migrations: Vec::new(),
        })
    }

    /// Keeps the primary's WAL position now (after `user_id`'s write has committed) as that
    /// user's last write. On SQLite there is no replica and nothing to keep.
    pub fn remember_write_position(&mut self, user_id: i64) -> Result<()> {
        let DbConnection::Postgres(pg) = &mut self.conn else {
            return Ok(());
        };
        diesel::sql_query(
            "INSERT INTO write_positions (user_id, lsn) VALUES ($1, pg_current_wal_lsn()) \
             ON CONFLICT (user_id) DO UPDATE SET lsn = GREATEST(write_positions.lsn, EXCLUDED.lsn)",
        )
        .bind::<BigInt, _>(user_id)
        .execute(pg)?;
        Ok(())
    }

    /// The primary's WAL position after `user_id`'s last write, if it has written.
    pub fn write_position(&mut self, user_id: i64) -> Result<Option<String>> {
        let DbConnection::Postgres(pg) = &mut self.conn else {
            return Ok(None);
        };
        Ok(diesel::sql_query(
            "SELECT CAST(lsn AS TEXT) AS lsn FROM write_positions WHERE user_id = $1",
        )
        .bind::<BigInt, _>(user_id)
        .get_result::<Position>(pg)
        .optional()?
        .and_then(|p| p.lsn))
    }

    /// Whether this database has replayed the primary's WAL up to `position` (none: the
    /// reader has not written). A database that is not in recovery is a primary and holds
    /// everything committed. Also the replica's liveness check: an error means it is down.
    /// The primary's WAL position now (none on SQLite).
    pub fn wal_position(&mut self) -> Result<Option<String>> {
        let DbConnection::Postgres(pg) = &mut self.conn else {
            return Ok(None);
        };
        Ok(
            diesel::sql_query("SELECT CAST(pg_current_wal_lsn() AS TEXT) AS lsn")
                .get_result::<Position>(pg)?
                .lsn,
        )
    }

    /// On a replica: how many bytes of WAL it has still to replay to reach the primary's
    /// `position` (0 once it has).
    pub fn replay_lag_bytes(&mut self, position: &str) -> Result<Option<i64>> {
        #[derive(QueryableByName)]
        struct Lag {
            #[diesel(sql_type = Nullable<BigInt>)]
            bytes: Option<i64>,
        }
        let DbConnection::Postgres(pg) = &mut self.conn else {
            return Ok(None);
        };
        Ok(diesel::sql_query(
            "SELECT CAST(GREATEST(pg_wal_lsn_diff(CAST($1 AS pg_lsn), pg_last_wal_replay_lsn()), 0) \
             AS BIGINT) AS bytes",
        )
        .bind::<Text, _>(position)
        .get_result::<Lag>(pg)?
        .bytes)
    }

    pub fn has_replayed(&mut self, position: Option<&str>) -> Result<bool> {
        let DbConnection::Postgres(pg) = &mut self.conn else {
            return Ok(true);
        };
        let replayed = diesel::sql_query(
            "SELECT COALESCE(pg_last_wal_replay_lsn() >= CAST($1 AS pg_lsn), NOT pg_is_in_recovery()) \
             AS replayed",
        )
        .bind::<Text, _>(position.unwrap_or("0/0"))
        .get_result::<Replayed>(pg)?;
        Ok(replayed.replayed)
    }
}

/// The replica's address with bounds on waiting where the operator gave none: a replica
/// whose machine is gone (no reset, no answer) would otherwise hold its readers until the
/// system's TCP timeout, minutes later. The connection gives up after 3 s, and a connection
/// whose peer stops answering is found dead within about 30 s (TCP keepalives and
/// `tcp_user_timeout`, libpq's parameters); the read then goes to the primary.
fn bounded(target: &Target) -> Target {
    let Target::Postgres(url) = target else {
        return target.clone();
    };
    let mut url = url.clone();
    for (name, value) in [
        ("connect_timeout", "3"),
        ("keepalives", "1"),
        ("keepalives_idle", "10"),
        ("keepalives_interval", "5"),
        ("keepalives_count", "3"),
        ("tcp_user_timeout", "30000"),
    ] {
        let given = url
            .split_once('?')
            .is_some_and(|(_, q)| q.split('&').any(|p| p.split('=').next() == Some(name)));
        if !given {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&format!("{name}={value}"));
        }
    }
    Target::Postgres(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replica_address_gets_bounds_on_waiting_unless_it_gives_its_own() {
        let Target::Postgres(url) = bounded(&Target::Postgres("postgres://u@h/db".into())) else {
            unreachable!()
        };
        assert_eq!(
            url,
            "postgres://u@h/db?connect_timeout=3&keepalives=1&keepalives_idle=10\
             &keepalives_interval=5&keepalives_count=3&tcp_user_timeout=30000"
        );
        let Target::Postgres(url) = bounded(&Target::Postgres(
            "postgres://u@h/db?options=-csearch_path%3Dx&connect_timeout=9".into(),
        )) else {
            unreachable!()
        };
        assert!(url.starts_with(
            "postgres://u@h/db?options=-csearch_path%3Dx&connect_timeout=9&keepalives=1"
        ));
        assert_eq!(url.matches("connect_timeout").count(), 1);
    }
}
