//! A small pool of open stores. Database work is blocking (diesel), so it runs on the
//! blocking thread pool; a semaphore bounds how many connections are busy at once.
//!
//! The blocking task itself owns its permit and puts its store back: a request whose
//! client went away (its future dropped mid-query) neither leaks a connection nor lets a
//! second request borrow one that is still in use.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};

use liangxin_store::{KeySource, Store, Target};
use tokio::sync::Semaphore;

use crate::error::WebError;

pub struct DbPool {
    stores: Arc<Mutex<Vec<Store>>>,
    permits: Arc<Semaphore>,
    size: usize,
    target: Target,
    key: KeySource,
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
        })
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

#[cfg(test)]
mod tests {
    use super::*;

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
                std::thread::sleep(std::time::Duration::from_millis(300));
                Ok(store.ping()?)
            });
            assert!(
                tokio::time::timeout(std::time::Duration::from_millis(50), slow)
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
