//! 责任清单 (the first of 三单一表): tasks a committee gives to an organization below it or
//! to a unit outside the party tree it names (委员单位, a department), each with a deadline.
//! The owner or the committee notes progress and marks it done with its evidence, once.
//! Open past its deadline, a task is overdue: the owner's to do and the committee's to
//! follow. A scope sees the tasks its organizations gave and those given to them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{duty_tasks as dt, party_orgs as po};
use crate::{Scope, Store};

/// Who a task is given to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskOwner {
    /// An organization below the committee.
    PartyOrg(Key),
    /// A unit outside the party tree, by name (委员单位, 职能部门).
    Unit(String),
}

/// A task as the committee gives it.
#[derive(Debug, Clone)]
pub struct NewTask {
    pub assigner: Key,
    pub owner: TaskOwner,
    pub title: String,
    pub detail: String,
    pub deadline: NaiveDate,
}

/// A task as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskView {
    pub key: Key,
    pub assigner: Key,
    pub assigner_name: String,
    pub owner: Option<Key>,
    pub owner_name: String,
    pub title: String,
    pub detail: String,
    pub deadline: NaiveDate,
    pub assigned_on: NaiveDate,
    pub progress: Option<String>,
    /// Done on, by, with what evidence.
    pub done: Option<(NaiveDate, String, String)>,
    /// Given by one of the scope's organizations; given to one of them.
    pub given_here: bool,
    pub owned_here: bool,
}

impl TaskView {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.done.is_none() && self.deadline < today
    }
}

type TaskRow = (
    i32,
    i64,
    i64,
    Option<i32>,
    Option<i64>,
    String,
    String,
    String,
    NaiveDate,
    NaiveDate,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
    Option<String>,
);

macro_rules! task_columns {
    () => {
        (
            dt::county_code,
            dt::id,
            dt::assigner_id,
            dt::owner_county,
            dt::owner_id,
            dt::owner_name,
            dt::title,
            dt::detail,
            dt::deadline,
            dt::assigned_on,
            dt::progress,
            dt::done_on,
            dt::done_by,
            dt::evidence,
        )
    };
}

impl Store {
    /// A party organization's path, type and name if `scope` holds it and is staff's.
    fn duty_org(&mut self, scope: &Scope, key: Key) -> Result<Option<(String, String, String)>> {
        if !scope.is_staff() {
            return Ok(None);
        }
        let row: Option<(String, String, String)> = po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id))
            .filter(po::dissolved_on.is_null())
            .select((po::path, po::org_type, po::name))
            .first(self.conn())
            .optional()?;
        Ok(row.filter(|(path, ..)| scope.contains_path(path)))
    }

    /// A committee of `scope` gives a task.
    pub fn assign_task(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        task: &NewTask,
    ) -> Result<Key> {
        let (path, org_type, _) = self
            .duty_org(scope, task.assigner)?
            .ok_or_else(|| StoreError::invalid("下达单位", "不存在或不在您的管理范围内"))?;
        let committee = liangxin_domain::kinds::PartyOrgType::parse(&org_type)
            .map(|t| t.is_committee())
            .unwrap_or(false);
        if !committee {
            return Err(StoreError::invalid(
                "下达单位",
                "责任清单由党委、党工委下达",
            ));
        }
        let title = typed_text("任务", &task.title, true, 100)?;
        let detail = typed_text("任务要求", &task.detail, false, 2000)?;
        if task.deadline < today {
            return Err(StoreError::invalid("完成时限", "不能早于今天"));
        }
        if task.deadline > today + chrono::Days::new(730) {
            return Err(StoreError::invalid("完成时限", "不能超过两年"));
        }
        let (owner, owner_name) = match &task.owner {
            TaskOwner::PartyOrg(k) => {
                let (_, _, name) = self
                    .duty_org(scope, *k)?
                    .filter(|(p, ..)| p.starts_with(path.as_str()) && *p != path)
                    .ok_or_else(|| StoreError::invalid("责任单位", "应为下达单位的下级党组织"))?;
                (Some(*k), name)
            }
            TaskOwner::Unit(name) => (None, typed_text("责任单位", name, true, 100)?),
        };
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "duty_tasks", 1)?;
            let key = Key {
                county: task.assigner.county,
                id,
            };
            diesel::insert_into(dt::table)
                .values((
                    dt::county_code.eq(key.county),
                    dt::id.eq(id),
                    dt::assigner_id.eq(task.assigner.id),
                    dt::owner_county.eq(owner.map(|k| k.county)),
                    dt::owner_id.eq(owner.map(|k| k.id)),
                    dt::owner_name.eq(&owner_name),
                    dt::title.eq(&title),
                    dt::detail.eq(&detail),
                    dt::deadline.eq(task.deadline),
                    dt::assigned_on.eq(today),
                    dt::assigned_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "duty_task",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "assigner": task.assigner.id,
                        "owner": owner.map(|k| format!("{}-{}", k.county, k.id)),
                        "owner_name": owner_name,
                        "title": title,
                        "deadline": task.deadline,
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// Notes a task's progress, or marks it done with its evidence (`done`), by its owner
    /// or the committee that gave it. A task done stays as it was.
    pub fn record_task(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        progress: &str,
        done: bool,
    ) -> Result<()> {
        let task = self
            .duty_tasks(scope)?
            .into_iter()
            .find(|t| t.key == key)
            .ok_or_else(|| StoreError::invalid("任务", "不存在或不在您的管理范围内"))?;
        if task.done.is_some() {
            return Err(StoreError::invalid("任务", "已经完成，不再记录"));
        }
        let text = typed_text(
            if done {
                "完成情况和佐证"
            } else {
                "进展"
            },
            progress,
            true,
            2000,
        )?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let open = dt::table
                .filter(dt::county_code.eq(key.county))
                .filter(dt::id.eq(key.id))
                .filter(dt::done_on.is_null());
            let n = if done {
                diesel::update(open)
                    .set((
                        dt::done_on.eq(today),
                        dt::done_by.eq(actor),
                        dt::evidence.eq(&text),
                    ))
                    .execute(conn)?
            } else {
                diesel::update(open)
                    .set(dt::progress.eq(&text))
                    .execute(conn)?
            };
            if n != 1 {
                return Err(StoreError::invalid("任务", "已经完成，不再记录"));
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if done { "done" } else { "progress" },
                    entity: "duty_task",
                    county: key.county,
                    entity_id: key.id,
                    before: task.progress.as_ref().map(|p| json!({ "progress": p })),
                    after: Some(json!({ if done { "evidence" } else { "progress" }: text })),
                },
            )
        })
    }

    /// The tasks `scope`'s organizations gave and those given to them, open first by
    /// deadline.
    pub fn duty_tasks(&mut self, scope: &Scope) -> Result<Vec<TaskView>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        // Driven from the tasks of the scope's counties (a few per committee), each looked
        // up in the scope by its organizations' keys: never a walk of the scope's
        // organizations (a city's are thousands) in search of tasks. A subtree below a
        // city lies in its root's county.
        let (first, last) = match scope.county_range() {
            Some(range) => range,
            None => match self.scope_root(scope)? {
                Some(root) => (root.key.county, root.key.county),
                None => return Ok(Vec::new()),
            },
        };
        let given = diesel::dsl::exists(
            po::table
                .filter(po::county_code.eq(dt::county_code))
                .filter(po::id.eq(dt::assigner_id))
                .filter(po::path.ge(low.clone()).and(po::path.lt(high.clone()))),
        );
        let owned = diesel::dsl::exists(
            po::table
                .filter(po::county_code.nullable().eq(dt::owner_county))
                .filter(po::id.nullable().eq(dt::owner_id))
                .filter(po::path.ge(low).and(po::path.lt(high))),
        );
        let mut rows: Vec<(TaskRow, bool, bool)> = dt::table
            .filter(dt::county_code.between(first, last))
            .filter(given.clone())
            .select((task_columns!(), given.clone(), owned.clone()))
            .load(self.conn())?;
        let owned_rows: Vec<(TaskRow, bool, bool)> = dt::table
            .filter(dt::owner_county.between(first, last))
            .filter(owned.clone())
            .filter(diesel::dsl::not(given.clone()))
            .select((task_columns!(), given, owned))
            .load(self.conn())?;
        rows.extend(owned_rows);
        // The assigners' names, a query per county.
        let mut ids: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
        for (r, _, _) in &rows {
            ids.entry(r.0).or_default().push(r.2);
        }
        let mut names: BTreeMap<Key, String> = BTreeMap::new();
        for (county, ids) in ids {
            for chunk in ids.chunks(crate::registry::IN_LIST_MAX) {
                let found: Vec<(i64, String)> = po::table
                    .filter(po::county_code.eq(county))
                    .filter(po::id.eq_any(chunk))
                    .select((po::id, po::name))
                    .load(self.conn())?;
                names.extend(found.into_iter().map(|(id, n)| (Key { county, id }, n)));
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for (r, given_here, owned_here) in rows {
            let key = Key {
                county: r.0,
                id: r.1,
            };
            let assigner = Key {
                county: r.0,
                id: r.2,
            };
            // Given from above the scope: its name only (data flows down as a task).
            let assigner_name = names.get(&assigner).cloned().unwrap_or_default();
            out.push(TaskView {
                key,
                assigner,
                assigner_name,
                owner: r.3.zip(r.4).map(|(county, id)| Key { county, id }),
                owner_name: r.5,
                title: r.6,
                detail: r.7,
                deadline: r.8,
                assigned_on: r.9,
                progress: r.10,
                done: match (r.11, r.12, r.13) {
                    (Some(on), Some(by), Some(e)) => Some((on, by, e)),
                    _ => None,
                },
                given_here,
                owned_here,
            });
        }
        out.sort_by_key(|t| (t.done.is_some(), t.deadline, t.key));
        Ok(out)
    }
}
