//! 审计日志, for the 安全审计员: `GET /audit-log` searches the log of the auditor's region by
//! who, what and when, beside the last verification of its chain; `POST /audit-log/verify`
//! verifies it now. The auditor reads what was done to which record, and which fields
//! changed; the values of member records are not its to read (三员分立), those of accounts
//! are.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{NaiveDate, NaiveDateTime};
use liangxin_store::audit::{AuditRow, LogQuery};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Auth;
use crate::error::WebError;
use crate::params;
use crate::view::{Choice, Layout, render};

const PAGE_SIZE: i64 = 50;

/// The actions the log records, as people read them.
const ACTIONS: &[(&str, &str)] = &[
    ("create", "新建"),
    ("update", "修改"),
    ("leave", "党员减少"),
    ("issue", "开具转接"),
    ("receive", "接收转接"),
    ("return", "退回转接"),
    ("outflow", "外出登记"),
    ("mark_dues", "登记党费"),
    ("correct_dues", "更正党费"),
    ("set_dues_standard", "设定党费标准"),
    ("record_archive_item", "登记档案"),
    ("assign_instructor", "选派党建指导员"),
    ("import", "导入"),
    ("import_update", "导入更新"),
    ("undo_import", "撤销导入"),
    ("undo_import_update", "撤销导入更新"),
    ("run_audit", "组织关系排查"),
    ("close_finding", "问题销号"),
    ("reveal_resident_id", "查看完整身份证号"),
    ("lookup_in_scope", "核对身份证号（本辖区）"),
    ("lookup_elsewhere", "核对身份证号（辖区外）"),
    ("compare_register", "比对名册"),
    ("account_create", "新建账号"),
    ("account_disable", "停用账号"),
    ("account_enable", "启用账号"),
    ("account_reset_password", "重置密码"),
    ("totp_enable", "启用两步验证"),
    ("totp_disable", "停用两步验证"),
    ("rule_version", "规则参数新版本"),
    ("correct", "更正"),
    ("withdraw", "撤销"),
    ("checkpoint", "检查点"),
    ("rotate_key", "更换密钥"),
    ("bulk_load", "批量载入"),
    ("clear", "清空"),
];

fn action_label(code: &str) -> String {
    ACTIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, l)| (*l).to_owned())
}

/// Beijing time of a stored UTC moment.
fn beijing(t: NaiveDateTime) -> String {
    (t + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The fields a change touched: the keys whose values differ between before and after.
fn changed_fields(row: &AuditRow) -> Vec<String> {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (before, after) = (parse(&row.before), parse(&row.after));
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

#[derive(Debug, Clone)]
struct Line {
    at: String,
    who: String,
    what: String,
    entity: String,
    fields: String,
    /// Before and after, for the records that are the auditor's to read (accounts).
    detail: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "audit_log.html")]
struct LogPage {
    layout: Layout,
    lines: Vec<Line>,
    total: i64,
    actor: String,
    actions: Vec<Choice>,
    from: String,
    to: String,
    check: Option<(bool, String)>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct LogParams {
    actor: Option<String>,
    action: Option<String>,
    from: Option<String>,
    to: Option<String>,
    page: Option<String>,
}

fn date(field: &'static str, s: &Option<String>) -> Result<Option<NaiveDate>, WebError> {
    params::form_date(s.as_deref().unwrap_or_default(), crate::today())
        .map_err(|e| WebError::bad_field(field, e))
}

async fn page(
    state: &Arc<AppState>,
    auth: &Auth,
    q: LogParams,
    check: Option<(bool, String)>,
) -> Result<Html<String>, WebError> {
    let page = params::page(&q.page)?;
    let from = date("起始日期", &q.from)?;
    let to = date("截止日期", &q.to)?;
    let actor_text = q.actor.clone().unwrap_or_default().trim().to_owned();
    let action = q.action.clone().unwrap_or_default().trim().to_owned();
    if !action.is_empty() && !ACTIONS.iter().any(|(c, _)| *c == action) {
        return Err(WebError::bad_field("操作", format!("不支持“{action}”")));
    }
    // Days are Beijing days; the log keeps UTC.
    let start = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN) - chrono::Duration::hours(8);
    let region = auth.scope.region;
    let text = actor_text.clone();
    let action_code = action.clone();
    let (total, rows, names) = state
        .pool
        .run(move |store| {
            // Who: a login name, or the console.
            let actor = match text.as_str() {
                "" => None,
                "命令行" | "cli" => Some("cli".to_owned()),
                name => Some(match store.user_by_username(name)? {
                    Some(u) => format!("user:{}", u.id),
                    // Nobody by that name: nothing matches.
                    None => format!("nobody:{name}"),
                }),
            };
            let query = LogQuery {
                counties: Some(
                    liangxin_store::Scope {
                        region,
                        ..liangxin_store::Scope::default()
                    }
                    .county_range()
                    .unwrap_or((-1, -1)),
                ),
                // The city's reader also reads what belongs to no county.
                with_countyless: region.is_some_and(|r| r % 100 == 0),
                actor,
                action: (!action_code.is_empty()).then_some(action_code),
                entity: None,
                from: from.map(start),
                until: to.map(|d| start(d) + chrono::Duration::days(1)),
                offset: (page - 1) * PAGE_SIZE,
                limit: PAGE_SIZE,
            };
            let (total, rows) = store.audit_log_page(&query)?;
            let names = store.actor_names(rows.iter().map(|r| r.actor.as_str()))?;
            Ok((total, rows, names))
        })
        .await?;
    let lines = rows
        .iter()
        .map(|r| Line {
            at: beijing(r.at),
            who: names
                .get(&r.actor)
                .cloned()
                .unwrap_or_else(|| r.actor.clone()),
            what: action_label(&r.action),
            entity: format!("{} {}-{}", r.entity, r.county_code, r.entity_id),
            fields: changed_fields(r).join("、"),
            detail: (r.entity == "account").then(|| {
                (
                    r.before.clone().unwrap_or_default(),
                    r.after.clone().unwrap_or_default(),
                )
            }),
        })
        .collect();
    let link = |p: i64| {
        crate::view::query(&[
            ("actor", actor_text.clone()),
            ("action", action.clone()),
            ("from", q.from.clone().unwrap_or_default()),
            ("to", q.to.clone().unwrap_or_default()),
            ("page", p.to_string()),
        ])
    };
    let mut actions = vec![Choice {
        value: String::new(),
        label: "全部操作".into(),
        selected: action.is_empty(),
    }];
    actions.extend(ACTIONS.iter().map(|(c, l)| Choice {
        value: (*c).to_owned(),
        label: (*l).to_owned(),
        selected: *c == action,
    }));
    let check = check.or_else(|| {
        state.metrics.last_audit_log_check().map(|s| {
            let when = chrono::DateTime::from_timestamp(s.at, 0)
                .map(|t| beijing(t.naive_utc()))
                .unwrap_or_default();
            match s.fault {
                None => (true, format!("{when} 校验：完整，共{}条", s.rows)),
                Some(f) => (false, format!("{when} 校验：{f}")),
            }
        })
    });
    let layout = Layout::new(state, auth, "审计日志", "audit_log").await?;
    render(&LogPage {
        layout,
        lines,
        total,
        actor: actor_text.clone(),
        actions,
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        check,
        prev: (page > 1).then(|| link(page - 1)),
        next: (page * PAGE_SIZE < total).then(|| link(page + 1)),
    })
}

pub async fn show(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    Query(q): Query<LogParams>,
) -> Result<Html<String>, WebError> {
    page(&state, &auth, q, None).await
}

/// Verifies the whole chain now (and, when it holds, writes a checkpoint).
pub async fn verify(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    body: axum::body::Bytes,
) -> Result<Html<String>, WebError> {
    let pairs = params::form_pairs(&body)?;
    auth.check_csrf(&params::field(&pairs, "_csrf"))?;
    let check = match crate::schedule::verify_now(&state, "auditor").await {
        Ok((rows, None)) => (true, format!("刚才校验：完整，共{rows}条，已写入检查点")),
        Ok((_, Some(fault))) => (false, format!("刚才校验：{fault}")),
        Err(why) => (false, why),
    };
    page(&state, &auth, LogParams::default(), Some(check)).await
}
