//! 项目领办清单: projects the 书记 of the scope's party organizations take on, with their
//! 节点, progress notes and result. Staff of the organization (its 书记's own account) or of a
//! committee above it record them; a scope sees the projects of its subtree; data flows up.
//! The leader is the member who was the organization's 书记 on the day it was taken on.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{Post, ProjectOutcome};
use liangxin_domain::project::{HORIZON_DAYS, MILESTONES_MAX, MilestoneDates, ProjectState};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    led_projects as lp, members as m, party_orgs as po, project_milestones as pm,
    project_notes as pn,
};
use crate::{Scope, Store};

/// A project as its organization takes it on.
#[derive(Debug, Clone)]
pub struct NewProject {
    pub party_org: Key,
    pub title: String,
    pub goal: String,
    pub due_on: NaiveDate,
    /// 节点: what is to be done by which day, in order.
    pub milestones: Vec<(String, NaiveDate)>,
}

/// A 节点 as the project's page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub id: i64,
    pub title: String,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub evidence: Option<String>,
}

/// A progress note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectNote {
    pub noted_on: NaiveDate,
    pub note: String,
}

/// A project with its 节点 (and, for its page, its notes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub key: Key,
    pub party_org: Key,
    pub party_org_name: String,
    pub leader: Key,
    pub leader_name: String,
    pub title: String,
    pub goal: String,
    pub taken_on: NaiveDate,
    pub due_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub outcome: Option<ProjectOutcome>,
    pub result: Option<String>,
    pub milestones: Vec<Milestone>,
    /// Newest first; empty in lists.
    pub notes: Vec<ProjectNote>,
    /// The day of the last note.
    pub last_note: Option<NaiveDate>,
}

impl Project {
    pub fn state(&self, today: NaiveDate) -> ProjectState {
        let dates: Vec<MilestoneDates> = self
            .milestones
            .iter()
            .map(|m| MilestoneDates {
                due_on: m.due_on,
                done_on: m.done_on,
            })
            .collect();
        ProjectState::of(self.due_on, self.outcome, &dates, today)
    }
}

type ProjectRow = (
    (i32, i64, i64, String, i64, String, String, String),
    (
        NaiveDate,
        NaiveDate,
        Option<NaiveDate>,
        Option<String>,
        Option<String>,
    ),
);

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("领办项目的结项情况无法识别：{e}"))
}

fn not_found() -> StoreError {
    StoreError::invalid("领办项目", "不存在或不在您的管理范围内")
}

impl Store {
    fn projects_where(
        &mut self,
        scope: &Scope,
        one: Option<Key>,
        year: Option<i32>,
    ) -> Result<Vec<Project>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let mut q = lp::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(lp::county_code)
                    .and(po::id.eq(lp::party_org_id))),
            )
            .inner_join(
                m::table.on(m::county_code
                    .eq(lp::county_code)
                    .and(m::id.eq(lp::leader_id))),
            )
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .into_boxed();
        if let Some(k) = one {
            q = q.filter(lp::county_code.eq(k.county).and(lp::id.eq(k.id)));
        }
        if let Some(y) = year {
            // The year's projects: taken on in it, or still open from before it.
            let (first, last) = crate::day::year_bounds(y);
            q = q.filter(
                lp::taken_on.le(last).and(
                    lp::taken_on
                        .ge(first)
                        .or(lp::closed_on.is_null())
                        .or(lp::closed_on.ge(first)),
                ),
            );
        }
        let rows: Vec<ProjectRow> = q
            .order((po::path, lp::due_on, lp::id))
            .select((
                (
                    lp::county_code,
                    lp::id,
                    lp::party_org_id,
                    po::name,
                    lp::leader_id,
                    m::name,
                    lp::title,
                    lp::goal,
                ),
                (
                    lp::taken_on,
                    lp::due_on,
                    lp::closed_on,
                    lp::outcome,
                    lp::result,
                ),
            ))
            .load(self.conn())?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0.1).collect();
        let mut milestones: HashMap<(i32, i64), Vec<Milestone>> = HashMap::new();
        let mut last_notes: HashMap<(i32, i64), NaiveDate> = HashMap::new();
        for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
            type MilestoneRow = (
                i32,
                i64,
                i64,
                String,
                NaiveDate,
                Option<NaiveDate>,
                Option<String>,
            );
            let ms: Vec<MilestoneRow> = pm::table
                .filter(pm::project_id.eq_any(slice))
                .order((pm::due_on, pm::id))
                .select((
                    pm::county_code,
                    pm::project_id,
                    pm::id,
                    pm::title,
                    pm::due_on,
                    pm::done_on,
                    pm::evidence,
                ))
                .load(self.conn())?;
            for (county, project, id, title, due_on, done_on, evidence) in ms {
                milestones
                    .entry((county, project))
                    .or_default()
                    .push(Milestone {
                        id,
                        title,
                        due_on,
                        done_on,
                        evidence,
                    });
            }
            let notes: Vec<(i32, i64, Option<NaiveDate>)> = pn::table
                .filter(pn::project_id.eq_any(slice))
                .group_by((pn::county_code, pn::project_id))
                .select((
                    pn::county_code,
                    pn::project_id,
                    diesel::dsl::max(pn::noted_on),
                ))
                .load(self.conn())?;
            for (county, project, last) in notes {
                if let Some(last) = last {
                    last_notes.insert((county, project), last);
                }
            }
        }
        rows.into_iter()
            .map(
                |(
                    (county, id, org, org_name, leader, leader_name, title, goal),
                    (taken_on, due_on, closed_on, outcome, result),
                )| {
                    Ok(Project {
                        key: Key { county, id },
                        party_org: Key { county, id: org },
                        party_org_name: org_name,
                        leader: Key { county, id: leader },
                        leader_name,
                        title,
                        goal,
                        taken_on,
                        due_on,
                        closed_on,
                        outcome: outcome
                            .map(|o| ProjectOutcome::parse(&o).map_err(corrupt))
                            .transpose()?,
                        result,
                        milestones: milestones.remove(&(county, id)).unwrap_or_default(),
                        notes: Vec::new(),
                        last_note: last_notes.get(&(county, id)).copied(),
                    })
                },
            )
            .collect()
    }

    /// The projects of the scope's organizations for `year` (taken on in it, or open then),
    /// by organization in the tree's order, then by day.
    pub fn led_projects(&mut self, scope: &Scope, year: i32) -> Result<Vec<Project>> {
        self.projects_where(scope, None, Some(year))
    }

    /// The scope's open projects late on `today` (a 节点 or the project past its day).
    pub fn late_projects(&mut self, scope: &Scope, today: NaiveDate) -> Result<Vec<Project>> {
        Ok(self
            .projects_where(scope, None, Some(today.year()))?
            .into_iter()
            .filter(|p| p.state(today).is_late())
            .collect())
    }

    /// One project of the scope, with its notes.
    pub fn led_project(&mut self, scope: &Scope, key: Key) -> Result<Option<Project>> {
        let Some(mut p) = self.projects_where(scope, Some(key), None)?.pop() else {
            return Ok(None);
        };
        p.notes = pn::table
            .filter(pn::county_code.eq(key.county))
            .filter(pn::project_id.eq(key.id))
            .order((pn::noted_on.desc(), pn::id.desc()))
            .select((pn::noted_on, pn::note))
            .load::<(NaiveDate, String)>(self.conn())?
            .into_iter()
            .map(|(noted_on, note)| ProjectNote { noted_on, note })
            .collect();
        Ok(Some(p))
    }

    /// The 书记 of one of the scope's organizations takes on a project.
    pub fn take_on_project(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        p: &NewProject,
    ) -> Result<Key> {
        if !scope.is_staff() || scope.member.is_some() {
            return Err(StoreError::invalid("领办项目", "由党组织登记"));
        }
        let title = typed_text("项目名称", &p.title, true, 100)?;
        let goal = typed_text("目标", &p.goal, true, 2000)?;
        let horizon = today
            .checked_add_days(chrono::Days::new(HORIZON_DAYS))
            .unwrap_or(today);
        if p.due_on < today || p.due_on > horizon {
            return Err(StoreError::invalid("完成时限", "应在今天到三年以内"));
        }
        if p.milestones.is_empty() || p.milestones.len() > MILESTONES_MAX {
            return Err(StoreError::invalid(
                "节点",
                format!("应有1至{MILESTONES_MAX}个节点"),
            ));
        }
        let mut milestones = Vec::with_capacity(p.milestones.len());
        for (i, (t, due)) in p.milestones.iter().enumerate() {
            let t = typed_text("节点", t, true, 100).map_err(|_| {
                StoreError::invalid("节点", format!("第{}个节点应写明内容（100字以内）", i + 1))
            })?;
            if *due < today || *due > p.due_on {
                return Err(StoreError::invalid(
                    "节点",
                    format!("第{}个节点的日期应在今天到项目完成时限之间", i + 1),
                ));
            }
            milestones.push((t, *due));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (_, t) = crate::life::party_org_in_scope(conn, scope, p.party_org)?;
            if !crate::workforce::LED_TYPES
                .iter()
                .any(|l| l.code() == t.as_str())
            {
                return Err(StoreError::invalid(
                    "党组织",
                    "由党支部、党总支、党委或综合党委的书记领办（党小组、党工委不领办）",
                ));
            }
            // The 书记 in post today and staying (a term ending today is over, as everywhere).
            let leader = crate::posts::posts_in(conn, p.party_org)?
                .into_iter()
                .find(|h| h.post == Post::Secretary && h.current(today))
                .ok_or_else(|| {
                    StoreError::invalid("党组织", "目前没有书记：书记领办项目须先登记书记任职")
                })?;
            let id = crate::registry::allocate(conn, "led_projects", 1)?;
            diesel::insert_into(lp::table)
                .values((
                    lp::county_code.eq(p.party_org.county),
                    lp::id.eq(id),
                    lp::party_org_id.eq(p.party_org.id),
                    lp::leader_id.eq(leader.member.id),
                    lp::title.eq(&title),
                    lp::goal.eq(&goal),
                    lp::taken_on.eq(today),
                    lp::due_on.eq(p.due_on),
                    lp::recorded_by.eq(actor),
                ))
                .execute(conn)?;
            let first =
                crate::registry::allocate(conn, "project_milestones", milestones.len() as i64)?;
            for (i, (t, due)) in milestones.iter().enumerate() {
                diesel::insert_into(pm::table)
                    .values((
                        pm::county_code.eq(p.party_org.county),
                        pm::id.eq(first + i as i64),
                        pm::project_id.eq(id),
                        pm::title.eq(t),
                        pm::due_on.eq(*due),
                    ))
                    .execute(conn)?;
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "led_project",
                    county: p.party_org.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": p.party_org.id,
                        "leader": leader.member.id,
                        "title": title,
                        "goal": goal,
                        "due_on": p.due_on,
                        "milestones": milestones.iter().map(|(t, d)| json!({"title": t, "due_on": d})).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(Key {
                county: p.party_org.county,
                id,
            })
        })
    }

    /// The project, open, of the scope: under the write lock.
    fn open_project(
        conn: &mut crate::connection::DbConnection,
        scope: &Scope,
        key: Key,
    ) -> Result<()> {
        if scope.member.is_some() || !scope.is_staff() {
            return Err(not_found());
        }
        let row: Option<(String, Option<NaiveDate>)> = lp::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(lp::county_code)
                    .and(po::id.eq(lp::party_org_id))),
            )
            .filter(lp::county_code.eq(key.county))
            .filter(lp::id.eq(key.id))
            .select((po::path, lp::closed_on))
            .first(conn)
            .optional()?;
        match row {
            Some((path, _)) if !scope.contains_path(&path) => Err(not_found()),
            None => Err(not_found()),
            Some((_, Some(_))) => Err(StoreError::invalid("领办项目", "已经结项")),
            Some((_, None)) => Ok(()),
        }
    }

    /// A 节点 of an open project is done, with its evidence.
    pub fn complete_milestone(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        project: Key,
        milestone: i64,
        evidence: &str,
    ) -> Result<()> {
        let evidence = typed_text("完成情况和佐证", evidence, true, 1000)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            Self::open_project(conn, scope, project)?;
            let done: Option<Option<NaiveDate>> = pm::table
                .filter(pm::county_code.eq(project.county))
                .filter(pm::id.eq(milestone))
                .filter(pm::project_id.eq(project.id))
                .select(pm::done_on)
                .first(conn)
                .optional()?;
            match done {
                None => return Err(StoreError::invalid("节点", "不是这个项目的节点")),
                Some(Some(_)) => return Err(StoreError::invalid("节点", "已经完成")),
                Some(None) => {}
            }
            diesel::update(
                pm::table
                    .filter(pm::county_code.eq(project.county))
                    .filter(pm::id.eq(milestone)),
            )
            .set((
                pm::done_on.eq(Some(today)),
                pm::evidence.eq(Some(&evidence)),
                pm::done_by.eq(Some(actor)),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "milestone_done",
                    entity: "led_project",
                    county: project.county,
                    entity_id: project.id,
                    before: None,
                    after: Some(
                        json!({ "milestone": milestone, "done_on": today, "evidence": evidence }),
                    ),
                },
            )
        })
    }

    /// A progress note on an open project.
    pub fn note_project(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        project: Key,
        note: &str,
    ) -> Result<()> {
        let note = typed_text("推进情况", note, true, 2000)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            Self::open_project(conn, scope, project)?;
            let id = crate::registry::allocate(conn, "project_notes", 1)?;
            diesel::insert_into(pn::table)
                .values((
                    pn::county_code.eq(project.county),
                    pn::id.eq(id),
                    pn::project_id.eq(project.id),
                    pn::noted_on.eq(today),
                    pn::note.eq(&note),
                    pn::noted_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "note",
                    entity: "led_project",
                    county: project.county,
                    entity_id: project.id,
                    before: None,
                    after: Some(json!({ "noted_on": today, "note": note })),
                },
            )
        })
    }

    /// An open project is closed (结项) with its outcome and result.
    pub fn close_project(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        project: Key,
        outcome: ProjectOutcome,
        result: &str,
    ) -> Result<()> {
        let result = typed_text("成效", result, true, 2000)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            Self::open_project(conn, scope, project)?;
            diesel::update(
                lp::table
                    .filter(lp::county_code.eq(project.county))
                    .filter(lp::id.eq(project.id)),
            )
            .set((
                lp::closed_on.eq(Some(today)),
                lp::outcome.eq(Some(outcome.code())),
                lp::result.eq(Some(&result)),
                lp::closed_by.eq(Some(actor)),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "close",
                    entity: "led_project",
                    county: project.county,
                    entity_id: project.id,
                    before: Some(json!({ "closed_on": null })),
                    after: Some(
                        json!({ "closed_on": today, "outcome": outcome.code(), "result": result }),
                    ),
                },
            )
        })
    }
}
