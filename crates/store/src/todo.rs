//! What a user must do next (待办) and what a member sees of themselves, computed from the
//! records for the scope: meetings owed this period and not yet held, members whose dues
//! for the month are not yet entered, open audit findings; what the evaluation asks next
//! (ratings to score, review or confirm, rectification deadlines, corrections and
//! checkups to review); a member's own attendance and open findings.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::life::{self, LifeRules};
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;

use crate::error::{Result, StoreError};
use crate::schema::{
    audit_findings as af, checkups as ck, correction_cases as cc, meeting_attendance as ma,
    meetings as mt, members as m, party_orgs as po, rectification_cases as rc,
};
use crate::{Scope, Store};

/// One party organization's open items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchTodo {
    pub key: Key,
    pub name: String,
    /// Kinds owed in the running period and not yet held, with the period.
    pub meetings_due: Vec<(MeetingKind, Period)>,
    /// Members whose dues for the month are not yet entered.
    pub dues_unmarked: u32,
    pub findings_open: u32,
}

/// The open items under one organization directly below the scope's root (or the root's
/// own, 本级): what a committee's 待办 shows instead of every branch's lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubordinateTodo {
    pub key: Key,
    pub name: String,
    /// The root itself (本级), not one below it.
    pub own: bool,
    /// Organizations in this part with any open item.
    pub organizations: u32,
    /// Of those, the ones owing a meeting this period, and the meetings owed.
    pub meeting_orgs: u32,
    pub meetings: u32,
    pub dues_unmarked: u32,
    pub findings_open: u32,
}

/// What the evaluation asks of a scope next (评议与整顿待办).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EvaluationTodo {
    /// 双强六好 assessments whose next step (score, review, confirm) is the scope's.
    pub stars_waiting: u32,
    /// 软弱涣散 rectification cases of the scope's organizations not yet accepted: past
    /// their deadline, and due within [`DUE_SOON_DAYS`].
    pub rectifications_overdue: u32,
    pub rectifications_due_soon: u32,
    /// 不合格党员 限期改正 whose period has ended without the branch's review.
    pub corrections_due: u32,
    /// This year's 党性体检 written by members on the register and not yet reviewed.
    pub checkups_to_review: u32,
    /// 责任清单 tasks open past their deadline: given to the scope's organizations (theirs
    /// to do), and given by them to others (theirs to follow).
    pub tasks_overdue_owned: u32,
    pub tasks_overdue_given: u32,
    /// 随机抽查 rectifications the scope's committees demanded, open past their deadline.
    pub spot_checks_overdue: u32,
    /// 随机抽查 rectifications demanded of the scope's organizations, not yet accepted, and
    /// of those the ones past their deadline.
    pub spot_checks_to_rectify: u32,
    pub spot_checks_to_rectify_overdue: u32,
    /// 书记抓党建述职: the root's own report not filed (the year, and whether past due),
    /// reports filed to the root awaiting its grade, and the rectifications of the
    /// scope's organizations open past their deadline.
    pub review_report_owed: Option<(i32, bool)>,
    pub review_reports_to_grade: u32,
    pub review_rectifications_overdue: u32,
    /// 书记领办项目 of the scope's organizations late today (a 节点 or the project past its day).
    pub projects_late: u32,
}

impl EvaluationTodo {
    pub fn is_empty(&self) -> bool {
        *self == EvaluationTodo::default()
    }
}

/// What an organization's subtree owes today, in the few figures a cadre answering for it
/// (划片包干) reads: from its 待办, so the same as the organization's own home counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenItems {
    /// Organizations with anything open.
    pub organizations: u32,
    pub meetings_due: u32,
    pub dues_unmarked: u32,
    pub findings_open: u32,
    /// Past their deadline: its own rectifications and tasks, the spot-check
    /// rectifications demanded of it (not those its committees demanded of others), its
    /// 述职 rectifications and its late 书记领办项目.
    pub overdue: u32,
}

impl OpenItems {
    pub fn of(branches: &[BranchTodo], e: &EvaluationTodo) -> OpenItems {
        let mut o = OpenItems::default();
        for b in branches {
            let any = !b.meetings_due.is_empty() || b.dues_unmarked > 0 || b.findings_open > 0;
            o.organizations += u32::from(any);
            o.meetings_due += u32::try_from(b.meetings_due.len()).unwrap_or(u32::MAX);
            o.dues_unmarked += b.dues_unmarked;
            o.findings_open += b.findings_open;
        }
        o.overdue = e.rectifications_overdue
            + e.tasks_overdue_owned
            + e.spot_checks_to_rectify_overdue
            + e.review_rectifications_overdue
            + e.projects_late;
        o
    }
}

/// A deadline this near is announced before it passes.
pub const DUE_SOON_DAYS: u64 = 30;

/// A member's line of attendance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendedLine {
    pub meeting: Key,
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub topic: String,
    pub attendance: Attendance,
}

impl Store {
    /// The open items of every party organization in `scope` that has any, as of `today`.
    pub fn todo(&mut self, scope: &Scope, today: NaiveDate) -> Result<Vec<BranchTodo>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let rules = LifeRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Meetings: the running period of each owed kind (from the year's start, so a
        // quarter or the year counts what was held in it).
        let year_start = Period::containing_year(today).first_day();
        let facts = self.life_facts(scope, year_start, today)?;
        let mut out: HashMap<Key, BranchTodo> = HashMap::new();
        for f in &facts {
            let c = life::assess(f, &rules, year_start, today);
            let due = c.running_open(today);
            out.insert(
                f.key,
                BranchTodo {
                    key: f.key,
                    name: f.name.clone(),
                    meetings_due: due,
                    dues_unmarked: 0,
                    findings_open: 0,
                },
            );
        }
        // Dues: the month's members without a regular payment for it, the sheet's 未登记.
        let month = Period::containing_month(today);
        let conn = self.conn();
        for row in crate::dues::month_rows(conn, crate::dues::MonthOf::Scope(scope), month)? {
            if !crate::dues::MonthList::Unmarked.holds(&row) {
                continue;
            }
            out.entry(row.party_org)
                .or_insert_with(|| BranchTodo {
                    key: row.party_org,
                    name: row.party_org_name,
                    meetings_due: Vec::new(),
                    dues_unmarked: 0,
                    findings_open: 0,
                })
                .dues_unmarked += 1;
        }
        let (low, high) = scope.path_range();
        // Open findings each organization owns.
        let open: Vec<(i32, i64, String)> = af::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(af::county_code)
                    .and(po::id.eq(af::responsible_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(af::closed_on.is_null())
            .select((af::county_code, af::responsible_id, po::name))
            .load(conn)?;
        for (county, id, name) in open {
            let key = Key { county, id };
            out.entry(key)
                .or_insert_with(|| BranchTodo {
                    key,
                    name,
                    meetings_due: Vec::new(),
                    dues_unmarked: 0,
                    findings_open: 0,
                })
                .findings_open += 1;
        }
        let mut list: Vec<BranchTodo> = out
            .into_values()
            .filter(|t| !t.meetings_due.is_empty() || t.dues_unmarked > 0 || t.findings_open > 0)
            .collect();
        list.sort_by(|a, b| {
            (b.findings_open, b.dues_unmarked, b.meetings_due.len())
                .cmp(&(a.findings_open, a.dues_unmarked, a.meetings_due.len()))
                .then_with(|| a.key.cmp(&b.key))
        });
        Ok(list)
    }

    /// What the evaluation asks of `scope` next, as of `today`: every count through the
    /// scope's subtree (a case or a member below it).
    pub fn evaluation_todo(&mut self, scope: &Scope, today: NaiveDate) -> Result<EvaluationTodo> {
        if !scope.is_staff() {
            return Ok(EvaluationTodo::default());
        }
        let stars_waiting = self.stars_waiting(scope)?;
        let tasks = self.duty_tasks(scope)?;
        let overdue = |f: fn(&crate::duty::TaskView) -> bool| {
            u32::try_from(tasks.iter().filter(|t| t.overdue(today) && f(t)).count())
                .unwrap_or(u32::MAX)
        };
        let tasks_overdue_owned = overdue(|t| t.owned_here);
        let tasks_overdue_given = overdue(|t| t.given_here && !t.owned_here);
        let (low, high) = scope.path_range();
        let conn = self.conn();
        let deadlines: Vec<NaiveDate> = rc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rc::county_code)
                    .and(po::id.eq(rc::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rc::closed_on.is_null())
            .select(rc::deadline)
            .load(conn)?;
        let soon = today + chrono::Days::new(DUE_SOON_DAYS);
        let corrections_due: i64 = cc::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(cc::member_county)
                    .and(m::id.eq(cc::member_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(cc::closed_on.is_null())
            .filter(cc::deadline.le(today))
            .count()
            .get_result(conn)?;
        let checkups_to_review: i64 = ck::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(ck::member_county)
                    .and(m::id.eq(ck::member_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(ck::state.eq(liangxin_domain::checkup::CheckupState::Submitted.code()))
            .filter(ck::year.eq(chrono::Datelike::year(&today)))
            .filter(m::left_on.is_null())
            .count()
            .get_result(conn)?;
        use crate::schema::{spot_check_findings as sf, spot_check_rounds as sr};
        let spot_checks_overdue: i64 = sf::table
            .inner_join(
                sr::table.on(sr::county_code
                    .eq(sf::county_code)
                    .and(sr::id.eq(sf::round_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(sr::county_code)
                    .and(po::id.eq(sr::owner_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sf::closed_on.is_null())
            .filter(sf::deadline.lt(today))
            .count()
            .get_result(conn)?;
        let demands = self.spot_check_demands(scope)?;
        let spot_checks_to_rectify = demands.len();
        let spot_checks_to_rectify_overdue = demands.iter().filter(|d| d.deadline < today).count();
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let review = self.review_todo(scope, today)?;
        let projects_late = count(self.late_projects(scope, today)?.len());
        Ok(EvaluationTodo {
            stars_waiting,
            rectifications_overdue: count(deadlines.iter().filter(|d| **d < today).count()),
            rectifications_due_soon: count(
                deadlines
                    .iter()
                    .filter(|d| **d >= today && **d <= soon)
                    .count(),
            ),
            corrections_due: u32::try_from(corrections_due).unwrap_or(u32::MAX),
            checkups_to_review: u32::try_from(checkups_to_review).unwrap_or(u32::MAX),
            tasks_overdue_owned,
            tasks_overdue_given,
            spot_checks_overdue: u32::try_from(spot_checks_overdue).unwrap_or(u32::MAX),
            spot_checks_to_rectify: count(spot_checks_to_rectify),
            spot_checks_to_rectify_overdue: count(spot_checks_to_rectify_overdue),
            review_report_owed: review.report_owed,
            review_reports_to_grade: review.reports_to_grade,
            review_rectifications_overdue: review.rectifications_overdue,
            projects_late,
        })
    }

    /// `list` (the scope's [`Store::todo`]) summed by the organization directly below the
    /// scope's root that each item lies under, in the order of those organizations' codes;
    /// the root's own items come first as 本级.
    pub fn todo_by_subordinate(
        &mut self,
        scope: &Scope,
        list: &[BranchTodo],
    ) -> Result<Vec<SubordinateTodo>> {
        if list.is_empty() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        // One range read of the subtree's paths: a committee's list can hold tens of
        // thousands of keys, too many for an IN list.
        let rows: Vec<(i32, i64, String, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((po::county_code, po::id, po::path, po::name))
            .load(self.conn())?;
        let root_depth = low.split('/').filter(|s| !s.is_empty()).count();
        // The id one level below the root on a path; none for the root itself.
        let child_of = |path: &str| -> Option<i64> {
            path.split('/')
                .filter(|s| !s.is_empty())
                .nth(root_depth)
                .and_then(|s| s.parse().ok())
        };
        let mut path_of: HashMap<Key, &str> = HashMap::with_capacity(rows.len());
        let mut by_id: HashMap<i64, (Key, &str)> = HashMap::new();
        for (county, id, path, name) in &rows {
            let key = Key {
                county: *county,
                id: *id,
            };
            path_of.insert(key, path);
            if path.len() == low.len() || child_of(path).is_some_and(|c| c == *id) {
                by_id.insert(*id, (key, name));
            }
        }
        let root_id = low
            .split('/')
            .rfind(|s| !s.is_empty())
            .and_then(|s| s.parse::<i64>().ok());
        let mut out: HashMap<Key, SubordinateTodo> = HashMap::new();
        for t in list {
            let Some(path) = path_of.get(&t.key) else {
                continue;
            };
            let (id, own) = match child_of(path) {
                Some(c) => (Some(c), false),
                None => (root_id, true),
            };
            let Some((key, name)) = id.and_then(|id| by_id.get(&id)) else {
                continue;
            };
            let s = out.entry(*key).or_insert_with(|| SubordinateTodo {
                key: *key,
                name: (*name).to_owned(),
                own,
                organizations: 0,
                meeting_orgs: 0,
                meetings: 0,
                dues_unmarked: 0,
                findings_open: 0,
            });
            s.organizations += 1;
            s.meeting_orgs += u32::from(!t.meetings_due.is_empty());
            s.meetings += t.meetings_due.len() as u32;
            s.dues_unmarked += t.dues_unmarked;
            s.findings_open += t.findings_open;
        }
        let mut summary: Vec<SubordinateTodo> = out.into_values().collect();
        summary.sort_by_key(|s| (!s.own, s.key));
        Ok(summary)
    }

    /// The meetings a member of `scope` was expected at from `from`, newest first.
    pub fn member_attendance(
        &mut self,
        scope: &Scope,
        member: Key,
        from: NaiveDate,
    ) -> Result<Vec<AttendedLine>> {
        if self.member(scope, member)?.is_none() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        let rows: Vec<(i32, i64, NaiveDate, String, String, String)> = ma::table
            .inner_join(
                mt::table.on(mt::county_code
                    .eq(ma::county_code)
                    .and(mt::id.eq(ma::meeting_id))),
            )
            .filter(ma::member_county.eq(member.county))
            .filter(ma::member_id.eq(member.id))
            .filter(mt::held_on.ge(from))
            .order((mt::held_on.desc(), mt::id.desc()))
            .select((
                mt::county_code,
                mt::id,
                mt::held_on,
                mt::kind,
                mt::topic,
                ma::attendance,
            ))
            .load(self.conn())?;
        rows.into_iter()
            .map(|(county, id, held_on, kind, topic, a)| {
                Ok(AttendedLine {
                    meeting: Key { county, id },
                    held_on,
                    kind: MeetingKind::parse(&kind)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    topic,
                    attendance: Attendance::parse(&a)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// Open findings about a member of `scope` (a member sees their own): kind label, detail.
    pub fn open_findings_about(
        &mut self,
        scope: &Scope,
        member: Key,
    ) -> Result<Vec<(String, String)>> {
        if self.member(scope, member)?.is_none() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        let rows: Vec<(String, String)> = af::table
            .filter(af::county_code.eq(member.county))
            .filter(af::subject_type.eq("member"))
            .filter(af::subject_id.eq(member.id))
            .filter(af::closed_on.is_null())
            .order(af::id)
            .select((af::kind, af::detail))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(|(k, d)| {
                let label = liangxin_domain::audit::AuditKind::parse(&k)
                    .map(|k| k.label().to_owned())
                    .unwrap_or(k);
                (label, d)
            })
            .collect())
    }
}
