//! What a form says when its record changed after it was opened (编辑冲突): nothing was
//! saved, and the person is told who changed what, from the audit log, before they decide
//! to save their own values over it.

use liangxin_domain::kinds::Coded;
use liangxin_store::Store;
use liangxin_store::audit::AuditRow;

use crate::error::WebError;

/// The record's last change, in words: `who` at `when`: field by field, before → after.
/// `labels` names the audited fields a person reads (others are left out); `show` turns a
/// stored value into its display (`None`: only say the field changed).
pub fn last_change(
    store: &mut Store,
    entity: &str,
    county: i32,
    id: i64,
    labels: &[(&str, &str)],
    show: impl Fn(&str, &serde_json::Value) -> Option<String>,
) -> Result<String, WebError> {
    let Some(row) = store.audit_entries(entity, county, id)?.pop() else {
        return Ok("审计日志中没有这条记录的修改（它可能由导入、转接等其他办理改动）。".to_owned());
    };
    let who = store
        .actor_names([row.actor.as_str()])?
        .remove(&row.actor)
        .unwrap_or_else(|| row.actor.clone());
    Ok(format!(
        "这条记录最近一次修改：{who}，{}（北京时间）。{}",
        // Kept in UTC; read in China Standard Time, as the audit log's page shows it.
        (row.at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M"),
        changes(&row, labels, show).join("；")
    ))
}

/// The fields `row` changed, each as “label：before → after” (or “label有变化”).
fn changes(
    row: &AuditRow,
    labels: &[(&str, &str)],
    show: impl Fn(&str, &serde_json::Value) -> Option<String>,
) -> Vec<String> {
    let parse = |s: &Option<String>| -> serde_json::Value {
        s.as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(serde_json::Value::Null)
    };
    let (before, after) = (parse(&row.before), parse(&row.after));
    let null = serde_json::Value::Null;
    labels
        .iter()
        .filter_map(|(field, label)| {
            let (b, a) = (
                before.get(field).unwrap_or(&null),
                after.get(field).unwrap_or(&null),
            );
            // A list of changes the entry did not have before is no change when empty.
            let empty =
                |v: &serde_json::Value| v.is_null() || v.as_array().is_some_and(Vec::is_empty);
            if b == a || (empty(b) && empty(a)) {
                return None;
            }
            Some(match (show(field, b), show(field, a)) {
                (Some(b), Some(a)) => format!("{label}由“{b}”改为“{a}”"),
                _ => format!("{label}有变化"),
            })
        })
        .collect()
}

/// A stored value shown as itself: text as written, a number as a number, none as “空”.
pub fn plain(value: &serde_json::Value) -> Option<String> {
    Some(match value {
        serde_json::Value::Null => "空".to_owned(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// A stored code shown as its label (none stored: “空”).
pub fn coded<T: Coded>(value: &serde_json::Value) -> Option<String> {
    match value.as_str() {
        None => Some("空".to_owned()),
        Some(code) => T::all()
            .iter()
            .find(|t| t.code() == code)
            .map(|t| t.label().to_owned()),
    }
}
