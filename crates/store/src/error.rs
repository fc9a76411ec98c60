//! Store errors. [`StoreError`] is the one error type of this crate; its messages are
//! Chinese and say what to do. Diesel errors are wrapped, never shown raw to users by
//! callers (they log the source and show the message).

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The address is neither a file path nor a `postgres://` URL, or cannot be parsed.
    #[error("数据库地址无效：{0}")]
    BadTarget(String),
    /// The file exists but is not a SQLite database.
    #[error("{path} 不是数据库文件，未作任何改动")]
    NotADatabase { path: PathBuf },
    /// A database that holds other tables but no liangxin data: refuse to touch it.
    #[error("{0} 不是两新党建平台的数据库（已有其他数据表），未作任何改动")]
    NotLiangxin(String),
    #[error("无法连接数据库：{0}")]
    Connect(String),
    #[error("数据库迁移失败：{0}")]
    Migration(String),
    #[error("加密密钥错误：{0}")]
    Key(String),
    /// A value the caller passed does not fit (field, reason).
    #[error("{field}：{reason}")]
    Invalid { field: &'static str, reason: String },
    /// An account's limit is reached (uploads, lookups): wait or ask, not a bad value.
    #[error("{field}：{reason}")]
    Limit { field: &'static str, reason: String },
    /// The record changed after the form that changes it was opened (its version moved):
    /// saving would overwrite a change its author never saw, so nothing is written.
    #[error("{what}在您打开表单之后已被修改，未保存")]
    Stale { what: &'static str },
    /// A stored value that no longer parses (a code removed, a row written by hand): a
    /// fault of the data, not of the request.
    #[error("数据库中的值无效：{0}")]
    Corrupt(String),
    #[error("数据库操作失败：{0}")]
    Query(#[from] diesel::result::Error),
}

impl StoreError {
    pub fn limit(field: &'static str, reason: impl Into<String>) -> Self {
        StoreError::Limit {
            field,
            reason: reason.into(),
        }
    }

    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            reason: reason.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A text a user typed, trimmed: refused naming `field` when required and blank, or longer
/// than `max` characters.
pub(crate) fn typed_text(
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
) -> Result<String> {
    let v = value.trim();
    if required && v.is_empty() {
        return Err(StoreError::invalid(field, "必填"));
    }
    if v.chars().count() > max {
        return Err(StoreError::invalid(field, format!("不能超过{max}个字")));
    }
    Ok(v.to_owned())
}
