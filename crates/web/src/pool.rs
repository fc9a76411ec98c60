//! A small pool of open stores. Database work is blocking (diesel), so it runs on the
//! blocking thread pool; a semaphore bounds how many connections are busy at once.
//!
//! The blocking task itself owns its permit and puts its store back: a request whose
//! client went away (its future dropped mid-query) neither leaks a connection nor lets a
//! second request borrow one that is still in use.
//!
//! With a streaming replica (`DATABASE_READ_URL`), [`DbPool::read`] serves reports, lists
//! and exports from it, while [`DbPool::run`] (every write, and whatever decides one) stays
//! on the primary. A read goes to the replica only once it has replayed the signed-in
//! user's last write ([`READ_TERMS`], set per request by the sign-in middleware), and falls
//! back to the primary when the replica is behind or down: nobody misses their own change,
//! and a stopped replica costs no request.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use liangxin_store::{KeySource, Store, Target};
use tokio::sync::Semaphore;

use crate::error::WebError;

pub struct DbPool {
    stores: Arc<Mutex<Vec<Store>>>,
    permits: Arc<Semaphore>,
    size: usize,
    target: Target,
    key: KeySource,
    replica: Option<Arc<Replica>>,
}

tokio::task_local! {
    /// What a signed-in request's reads may see ([`ReadTerms`]). Outside a signed-in
    /// request nothing is known, and [`DbPool::read`] reads from the primary.
    pub static READ_TERMS: ReadTerms;
}

/// A request's terms for reading from the replica.
#[derive(Debug, Clone, Default)]
pub struct ReadTerms {
    /// The primary's WAL position after the signed-in user's last write (`None`: they have
    /// not written): the replica must have replayed it.
    pub after: Option<String>,
    /// Once a read of the request has gone to the primary, the rest do too: a value kept
    /// per records version must not be read from a replica older than the version it is
    /// kept under (the version read on the primary, the value on the replica).
    primary: Arc<std::sync::atomic::AtomicBool>,
}

impl ReadTerms {
    pub fn after(after: Option<String>) -> ReadTerms {
        ReadTerms {
            after,
            ..ReadTerms::default()
        }
    }
}

/// The rest of this request reads from the primary: for a form whose values and version
/// decide a write (what it shows must be what the primary holds).
pub fn read_from_primary() {
    let _ = READ_TERMS.try_with(|t| t.primary.store(true, Ordering::Relaxed));
}

/// `work` carrying this request's [`READ_TERMS`]: for a task spawned to finish a request
/// (a file streamed after the headers have gone), whose reads keep the request's terms.
pub fn with_read_terms<W: Future>(work: W) -> impl Future<Output = W::Output> {
    let terms = READ_TERMS.try_with(Clone::clone).ok();
    async move {
        match terms {
            Some(terms) => READ_TERMS.scope(terms, work).await,
            None => work.await,
        }
    }
}

/// How long a replica found down is left alone before a connection to it is tried again.
const REPLICA_RETRY: Duration = Duration::from_secs(5);

/// The streaming replica's connections and what they served.
struct Replica {
    stores: Mutex<Vec<Store>>,
    permits: Arc<Semaphore>,
    target: Target,
    /// When a connection was last found broken or could not be opened.
    failed_at: Mutex<Option<Instant>>,
    served: AtomicU64,
    /// Reads that went to the primary: the replica was behind the reader's last write.
    behind: AtomicU64,
    /// Reads that went to the primary: the replica was down.
    down: AtomicU64,
}

/// What a read on the replica came to.
enum OnReplica<T, F> {
    Served(Result<T, WebError>),
    /// The replica cannot serve it (behind or down): the primary reads it.
    Primary(F),
}

/// Reads by where they were served, for /metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadCounts {
    pub replica: u64,
    pub primary_behind: u64,
    pub primary_down: u64,
    /// WAL the replica has still to replay to reach the primary now (none when it cannot
    /// be asked).
    pub lag_bytes: Option<i64>,
}

impl std::fmt::Debug for DbPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbPool")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl DbPool {
    /// Opens `size` connections (the first applies migrations).
    pub fn open(target: &Target, key: &KeySource, size: usize) -> liangxin_store::Result<DbPool> {
        let size = size.max(1);
        let stores = (0..size)
            .map(|_| Store::open(target, key))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DbPool {
            stores: Arc::new(Mutex::new(stores)),
            permits: Arc::new(Semaphore::new(size)),
            size,
            target: target.clone(),
            key: key.clone(),
            replica: None,
        })
    }

    /// Reads served from the streaming replica at `replica` (PostgreSQL), `size`
    /// connections. A replica that cannot be reached now is tried again later (reads go to
    /// the primary meanwhile); one that is not this database (another schema version or
    /// key) is refused.
    pub fn with_replica(mut self, replica: &Target, size: usize) -> liangxin_store::Result<DbPool> {
        if !matches!(self.target, Target::Postgres(_)) {
            return Err(liangxin_store::StoreError::BadTarget(
                "只读副本只用于 PostgreSQL 主库（主库为 SQLite 文件时不能设置 DATABASE_READ_URL）"
                    .into(),
            ));
        }
        let size = size.max(1);
        let mut stores = Vec::with_capacity(size);
        let mut failed_at = None;
        for _ in 0..size {
            match Store::open_replica(replica, &self.key) {
                Ok(store) => stores.push(store),
                Err(liangxin_store::StoreError::Connect(why)) => {
                    tracing::warn!(replica = %replica.describe(), %why, "只读副本暂不可用，读取改由主库承担");
                    failed_at = Some(Instant::now());
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        self.replica = Some(Arc::new(Replica {
            stores: Mutex::new(stores),
            permits: Arc::new(Semaphore::new(size)),
            target: replica.clone(),
            failed_at: Mutex::new(failed_at),
            served: AtomicU64::new(0),
            behind: AtomicU64::new(0),
            down: AtomicU64::new(0),
        }));
        Ok(self)
    }

    /// Whether reads may go to a streaming replica.
    pub fn has_replica(&self) -> bool {
        self.replica.is_some()
    }

    /// Reads by where they were served (none without a replica).
    pub fn read_counts(&self) -> Option<ReadCounts> {
        self.replica.as_ref().map(|r| ReadCounts {
            replica: r.served.load(Ordering::Relaxed),
            primary_behind: r.behind.load(Ordering::Relaxed),
            primary_down: r.down.load(Ordering::Relaxed),
            lag_bytes: None,
        })
    }

    /// How far the replica is behind the primary now, in bytes of WAL (none without a
    /// replica or when either cannot be asked): the primary's position, then the replica's
    /// distance to it.
    pub async fn replica_lag_bytes(&self) -> Option<i64> {
        let replica = self.replica.clone()?;
        let position = self.run(|s| Ok(s.wal_position()?)).await.ok()??;
        let key = self.key.clone();
        let permit = replica.permits.clone().acquire_owned().await.ok()?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut store = replica.connection(&key)?;
            match store.replay_lag_bytes(&position) {
                Ok(lag) => {
                    replica.put_back(store);
                    lag
                }
                Err(e) => {
                    tracing::warn!(error = %e, "只读副本连接失效");
                    replica.note_failure();
                    None
                }
            }
        })
        .await
        .ok()?
    }

    /// Runs the read `f` on the streaming replica when there is one, it is up and it has
    /// replayed this request's user's last write ([`READ_TERMS`]); on the primary
    /// otherwise. `f` must write nothing (the replica's session refuses writes).
    pub async fn read<T, F>(&self, f: F) -> Result<T, WebError>
    where
        F: FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
        T: Send + 'static,
    {
        let (Some(replica), Ok(terms)) = (&self.replica, READ_TERMS.try_with(Clone::clone)) else {
            return self.run(f).await;
        };
        if terms.primary.load(Ordering::Relaxed) {
            return self.run(f).await;
        }
        let after = terms.after;
        let permit = replica
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| WebError::internal("连接池已关闭"))?;
        let (replica, key) = (replica.clone(), self.key.clone());
        let tried = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            replica.try_read(&key, after.as_deref(), f)
        })
        .await
        .map_err(|e| WebError::internal(format!("数据库任务失败：{e}")))?;
        match tried {
            OnReplica::Served(result) => result,
            OnReplica::Primary(f) => {
                read_from_primary();
                self.run(f).await
            }
        }
    }

    /// Connections in use right now (for /metrics).
    pub fn in_use(&self) -> usize {
        self.size - self.permits.available_permits()
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// Runs `f` with a store on the blocking pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, WebError>
    where
        F: FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
        T: Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| WebError::internal("连接池已关闭"))?;
        let stores = self.stores.clone();
        let (target, key) = (self.target.clone(), self.key.clone());
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut store = stores
                .lock()
                .map_err(|_| WebError::internal("连接池状态损坏"))?
                .pop()
                .ok_or_else(|| WebError::internal("连接池为空"))?;
            let result = catch_unwind(AssertUnwindSafe(|| f(&mut store)));
            let result = match result {
                Ok(r) => r,
                Err(_) => {
                    // A panic may have left the connection mid-transaction: replace it.
                    // If reopening fails too, the old connection goes back (better a suspect
                    // connection than a pool one short for good).
                    if let Ok(fresh) = Store::open(&target, &key) {
                        store = fresh;
                    }
                    Err(WebError::internal("处理请求时发生内部错误"))
                }
            };
            if let Ok(mut s) = stores.lock() {
                s.push(store);
            }
            result
        })
        .await
        .map_err(|e| WebError::internal(format!("数据库任务失败：{e}")))?
    }
}

impl Replica {
    /// On the blocking pool: `f` on a replica connection that has replayed `after`, or `f`
    /// back for the primary.
    fn try_read<T, F>(&self, key: &KeySource, after: Option<&str>, f: F) -> OnReplica<T, F>
    where
        F: FnOnce(&mut Store) -> Result<T, WebError>,
    {
        let Some(mut store) = self.connection(key) else {
            self.down.fetch_add(1, Ordering::Relaxed);
            return OnReplica::Primary(f);
        };
        match store.has_replayed(after) {
            Ok(true) => {}
            Ok(false) => {
                self.put_back(store);
                self.behind.fetch_add(1, Ordering::Relaxed);
                return OnReplica::Primary(f);
            }
            Err(e) => {
                // The connection is broken (the replica stopped or restarted): dropped here,
                // opened again after the retry interval.
                tracing::warn!(error = %e, "只读副本连接失效，读取改由主库承担");
                self.note_failure();
                self.down.fetch_add(1, Ordering::Relaxed);
                return OnReplica::Primary(f);
            }
        }
        self.served.fetch_add(1, Ordering::Relaxed);
        match catch_unwind(AssertUnwindSafe(|| f(&mut store))) {
            Ok(result) => {
                self.put_back(store);
                OnReplica::Served(result)
            }
            // The connection may be mid-transaction: it is dropped, not put back.
            Err(_) => OnReplica::Served(Err(WebError::internal("处理请求时发生内部错误"))),
        }
    }

    /// A free connection, or a new one where fewer are open than permitted and the replica
    /// has not failed within the retry interval.
    fn connection(&self, key: &KeySource) -> Option<Store> {
        if let Some(store) = self.stores.lock().ok()?.pop() {
            return Some(store);
        }
        {
            let mut failed = self.failed_at.lock().ok()?;
            if failed.is_some_and(|at| at.elapsed() < REPLICA_RETRY) {
                return None;
            }
            // One reopening per interval, whoever tries: the others go to the primary.
            *failed = Some(Instant::now());
        }
        match Store::open_replica(&self.target, key) {
            Ok(store) => {
                if let Ok(mut failed) = self.failed_at.lock() {
                    *failed = None;
                }
                Some(store)
            }
            Err(e) => {
                tracing::warn!(error = %e, "只读副本仍不可用");
                None
            }
        }
    }

    fn put_back(&self, store: Store) {
        if let Ok(mut stores) = self.stores.lock() {
            stores.push(store);
        }
    }

    fn note_failure(&self) {
        if let Ok(mut failed) = self.failed_at.lock() {
            *failed = Some(Instant::now());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replica_beside_a_sqlite_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::Sqlite(dir.path().join("pool.db"));
        let key = KeySource::Hex("11".repeat(32));
        let replica = Target::Postgres("postgres://postgres@127.0.0.1:5433/test".into());
        let err = DbPool::open(&target, &key, 1)
            .unwrap()
            .with_replica(&replica, 1)
            .unwrap_err();
        assert!(
            err.to_string().contains("只读副本只用于 PostgreSQL"),
            "{err}"
        );
    }

    #[test]
    fn a_request_abandoned_mid_query_neither_leaks_nor_shares_its_connection() {
        let dir = tempfile::tempdir().unwrap();
        let target = Target::Sqlite(dir.path().join("pool.db"));
        let key = KeySource::Hex("11".repeat(32));
        let pool = DbPool::open(&target, &key, 1).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            // The client goes away while its query still runs.
            let slow = pool.run(|store| {
                std::thread::sleep(Duration::from_millis(300));
                Ok(store.ping()?)
            });
            assert!(
                tokio::time::timeout(Duration::from_millis(50), slow)
                    .await
                    .is_err()
            );
            // The next request waits for the connection instead of finding the pool empty.
            for _ in 0..3 {
                pool.run(|store| Ok(store.ping()?)).await.unwrap();
            }
            assert_eq!(pool.in_use(), 0);
            // A panic inside a request costs that request, not the connection.
            let r: Result<(), WebError> = pool.run(|_| panic!("boom")).await;
            assert_eq!(r.unwrap_err().status.as_u16(), 500);
            pool.run(|store| Ok(store.ping()?)).await.unwrap();
        });
    }
}
