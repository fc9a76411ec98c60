//! A small pool of open stores. Database work is blocking (diesel), so it runs on the
//! blocking thread pool; a semaphore bounds how many connections are busy at once.

use std::sync::Mutex;

use liangxin_store::{KeySource, Store, Target};
use tokio::sync::Semaphore;

use crate::error::WebError;

pub struct DbPool {
    stores: Mutex<Vec<Store>>,
    permits: Semaphore,
    size: usize,
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
            stores: Mutex::new(stores),
            permits: Semaphore::new(size),
            size,
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
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| WebError::internal("连接池已关闭"))?;
        let mut store = self
            .stores
            .lock()
            .map_err(|_| WebError::internal("连接池状态损坏"))?
            .pop()
            .ok_or_else(|| WebError::internal("连接池为空"))?;
        let (store, result) = tokio::task::spawn_blocking(move || {
            let r = f(&mut store);
            (store, r)
        })
        .await
        .map_err(|e| WebError::internal(format!("数据库任务失败：{e}")))?;
        if let Ok(mut stores) = self.stores.lock() {
            stores.push(store);
        }
        result
    }
}
