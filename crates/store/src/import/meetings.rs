//! Attendance-history imports (组织生活出席记录): meetings held before the platform, a row
//! per member and meeting. [`Store::plan_meeting_import`] gathers the rows of each meeting
//! (same party organization, type, date and topic), finds the organization in the scope and
//! each member by the keyed hash of the resident ID, and requires every member expected
//! that day, as a meeting recorded on its page does; [`Store::commit_meeting_import`]
//! writes the meetings (a block of ids, each marked 补录 where it is late) with their
//! attendance in one transaction; an undo ([`undo`]) removes them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::meetings::{self as rows, MEETING_COLUMNS, MeetingRow};
use liangxin_domain::import::{Problem, Severity};
use liangxin_domain::kinds::{Attendance, MeetingKind, PartyOrgType};
use liangxin_domain::life::{self, Attendee, LifeRules};
use liangxin_domain::registry::Key;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, audit_import, die_here_in_tests, plan_common,
    problem, record_import, registry_version,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::lookups::Comparisons;
use crate::registry::{IN_LIST_MAX, allocate};
use crate::schema::{
    meeting_attendance as ma, meetings as mt, member_profiles as mp, party_orgs as po,
};
use crate::uploads::{Preview, PreviewRow};
use crate::{Scope, Store};

/// One member's attendance as the commit writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAttendance {
    pub member: Key,
    pub voter: bool,
    pub attendance: Attendance,
    pub reason: Option<String>,
}

/// A meeting the commit writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMeeting {
    /// Its first row in the sheet.
    pub row: usize,
    pub party_org: Key,
    pub party_org_name: String,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub topic: String,
    pub place: String,
    pub host: String,
    pub attendance: Vec<PlannedAttendance>,
    pub quorate: Option<bool>,
}

/// What an attendance import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedMeeting>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
    /// The day of the plan: a meeting entered this long after it is 补录.
    pub today: NaiveDate,
}

plan_common!(MeetingPlan);

impl MeetingPlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: ["党组织", "会议类型", "会议日期", "会议主题", "出席/应到"]
                .map(str::to_owned)
                .to_vec(),
            sample: self
                .create
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|m| PreviewRow {
                    row: m.row,
                    cells: vec![
                        m.party_org_name.clone(),
                        m.kind.label().to_owned(),
                        m.held_on.to_string(),
                        m.topic.clone(),
                        format!(
                            "{}/{}",
                            m.attendance
                                .iter()
                                .filter(|a| a.attendance == Attendance::Present)
                                .count(),
                            m.attendance.len()
                        ),
                    ],
                })
                .collect(),
            updates: Vec::new(),
            ..self.preview_base(format, notes.to_vec(), self.create.len(), 0)
        }
    }
}

/// The rows of one meeting, gathered.
struct Gathered {
    first: MeetingRow,
    rows: Vec<(MeetingRow, String)>,
}

impl Store {
    /// Reads and matches an attendance sheet, writing nothing.
    pub fn plan_meeting_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<MeetingPlan> {
        let budget = Comparisons::unbounded();
        Ok(self
            .plan_meetings(scope, today, header, sheet, progress, budget)?
            .0)
    }

    /// [`Store::plan_meeting_import`], comparing no more IDs with the register than `budget`
    /// allows; returns the comparisons made.
    pub(crate) fn plan_meetings(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
        mut budget: Comparisons,
    ) -> Result<(MeetingPlan, Comparisons)> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("导入", "您不能导入会议记录"));
        }
        let map: HeaderMap = cells::match_headers(header, MEETING_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let mut plan = MeetingPlan {
            registry_version: registry_version(&mut self.conn)?,
            rows_read: sheet.len(),
            create: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
            today,
        };
        // The rows of each meeting, in the order the meetings first appear.
        let mut meetings: Vec<Gathered> = Vec::new();
        let mut by_meeting: HashMap<(String, MeetingKind, NaiveDate, String), usize> =
            HashMap::new();
        for (i, (row, cells)) in sheet.into_iter().enumerate() {
            if liangxin_domain::import::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (m, problems) = rows::meeting_row(row, &cells, &map, today);
                plan.problems.extend(problems);
                if let Some(m) = m {
                    let hash = self.cipher.lookup_hash(&m.resident_id);
                    let key = (m.party_org.clone(), m.kind, m.held_on, m.topic.clone());
                    let at = *by_meeting.entry(key).or_insert_with(|| {
                        meetings.push(Gathered {
                            first: m.clone(),
                            rows: Vec::new(),
                        });
                        meetings.len() - 1
                    });
                    meetings[at].rows.push((m, hash));
                }
            }
            if (i + 1) % 1024 == 0 {
                progress(i + 1);
            }
        }
        progress(plan.rows_read);

        let conn = &mut self.conn;
        // The scope's party organizations, by 组织编号 and by exact name.
        let (low, high) = scope.path_range();
        let orgs: Vec<(i32, i64, String, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id, po::name, po::org_type))
            .load(conn)?;
        let by_code: HashMap<String, usize> = orgs
            .iter()
            .enumerate()
            .map(|(i, (c, id, ..))| (format!("{c}-{id}"), i))
            .collect();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, o) in orgs.iter().enumerate() {
            by_name.entry(o.2.as_str()).or_default().push(i);
        }
        // Members by the keyed hash of their IDs (any registration: who belonged that
        // day is the meeting's to say).
        let mut hashes: Vec<&str> = meetings
            .iter()
            .flat_map(|g| g.rows.iter().map(|(_, h)| h.as_str()))
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        budget.take(hashes.len())?;
        let mut members: HashMap<String, Vec<Key>> = HashMap::new();
        for slice in hashes.chunks(IN_LIST_MAX) {
            let found: Vec<(String, i32, i64)> = mp::table
                .filter(mp::resident_id_hash.eq_any(slice))
                .select((mp::resident_id_hash, mp::county_code, mp::member_id))
                .load(conn)?;
            for (h, county, id) in found {
                members.entry(h).or_default().push(Key { county, id });
            }
        }
        budget.found(members.len());
        // One meeting of a kind a day per organization, in the sheet as in the records.
        let mut held_here: HashMap<(Key, MeetingKind, NaiveDate), usize> = HashMap::new();
        for g in meetings {
            let m = &g.first;
            let written = m.party_org.replace(['－', ' '], "-");
            let found = match by_code.get(written.trim()) {
                Some(i) => Some(*i),
                None => match by_name.get(m.party_org.as_str()).map(Vec::as_slice) {
                    Some([i]) => Some(*i),
                    Some(_) => {
                        plan.problems.push(problem(
                            m.row,
                            "党组织",
                            &m.party_org,
                            "有同名党组织，请填写组织编号",
                        ));
                        None
                    }
                    None => {
                        plan.problems.push(problem(
                            m.row,
                            "党组织",
                            &m.party_org,
                            "在您的管理范围内找不到（请填写组织编号或党组织全称）",
                        ));
                        None
                    }
                },
            };
            let Some(i) = found else { continue };
            let (county, id, name, org_type) = &orgs[i];
            let party_org = Key {
                county: *county,
                id: *id,
            };
            if m.kind == MeetingKind::GroupMeeting && org_type != PartyOrgType::Group.code() {
                plan.problems.push(problem(
                    m.row,
                    "会议类型",
                    m.kind.label(),
                    "党小组会应由党小组记录",
                ));
                continue;
            }
            if let Some(first) = held_here.insert((party_org, m.kind, m.held_on), m.row) {
                plan.problems.push(problem(
                    m.row,
                    "会议日期",
                    &m.held_on.to_string(),
                    format!("与第{first}行是{name}同一天的{}", m.kind.label()),
                ));
                continue;
            }
            let held: i64 = mt::table
                .filter(mt::county_code.eq(party_org.county))
                .filter(mt::party_org_id.eq(party_org.id))
                .filter(mt::kind.eq(m.kind.code()))
                .filter(mt::held_on.eq(m.held_on))
                .count()
                .get_result(conn)?;
            if held > 0 {
                plan.problems.push(problem(
                    m.row,
                    "会议日期",
                    &m.held_on.to_string(),
                    format!("{name}当天已登记过{}", m.kind.label()),
                ));
                continue;
            }
            let expected = crate::life::expected(conn, party_org, m.kind, m.held_on)?;
            let by_member: HashMap<Key, &crate::life::ExpectedAttendee> =
                expected.iter().map(|e| (e.member, e)).collect();
            let mut seen: HashSet<Key> = HashSet::new();
            let mut attendance = Vec::with_capacity(g.rows.len());
            let mut bad = false;
            for (r, hash) in &g.rows {
                let here = members
                    .get(hash)
                    .and_then(|keys| keys.iter().find(|k| by_member.contains_key(k)));
                let Some(member) = here else {
                    plan.problems.push(problem(
                        r.row,
                        "公民身份号码",
                        &r.resident_id.masked(),
                        format!("会议当天不是{name}的党员"),
                    ));
                    bad = true;
                    continue;
                };
                if !seen.insert(*member) {
                    plan.problems.push(problem(
                        r.row,
                        "公民身份号码",
                        &r.resident_id.masked(),
                        "同一次会议登记了两次",
                    ));
                    bad = true;
                    continue;
                }
                let e = by_member[member];
                if let Some(written) = &r.name
                    && *written != e.name
                {
                    plan.problems.push(Problem {
                        row: r.row,
                        column: "姓名",
                        value: written.clone(),
                        reason: format!("与登记的姓名“{}”不同，按公民身份号码导入", e.name),
                        severity: Severity::Warning,
                    });
                }
                attendance.push(PlannedAttendance {
                    member: *member,
                    voter: e.voter,
                    attendance: r.attendance,
                    reason: r.reason.clone(),
                });
            }
            let missing: Vec<&str> = expected
                .iter()
                .filter(|e| !seen.contains(&e.member))
                .map(|e| e.name.as_str())
                .collect();
            if !missing.is_empty() {
                plan.problems.push(problem(
                    m.row,
                    "出席情况",
                    "",
                    format!(
                        "会议当天{}的党员{}没有出席情况，每次会议须列出全部党员",
                        name,
                        missing.join("、")
                    ),
                ));
                bad = true;
            }
            if bad {
                continue;
            }
            let attendees: Vec<Attendee> = attendance
                .iter()
                .map(|a| Attendee {
                    voter: a.voter,
                    attendance: a.attendance,
                })
                .collect();
            plan.create.push(PlannedMeeting {
                row: m.row,
                party_org,
                party_org_name: name.clone(),
                kind: m.kind,
                held_on: m.held_on,
                topic: m.topic.clone(),
                place: m.place.clone(),
                host: m.host.clone(),
                quorate: life::quorum(m.kind, &attendees),
                attendance,
            });
        }
        plan.problems.sort_by_key(|p| p.row);
        Ok((plan, budget))
    }

    /// Writes a plan without errors in one transaction: the meetings (a block of ids, each
    /// 补录 where the rules say it is late) with every member's attendance, the history and
    /// the audit. Refused, with nothing written, when the plan has errors or one of its
    /// meetings was recorded since.
    pub fn commit_meeting_import(
        &mut self,
        source: &ImportSource,
        plan: &MeetingPlan,
    ) -> Result<i64> {
        plan.check_committable()?;
        let rules = LifeRules::resolve(&self.rule_set()?, plan.today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Meetings are records, not the registry: one recorded meanwhile is looked for
            // whatever the version says; who belonged that day is the registry's.
            for m in &plan.create {
                let held: i64 = mt::table
                    .filter(mt::county_code.eq(m.party_org.county))
                    .filter(mt::party_org_id.eq(m.party_org.id))
                    .filter(mt::kind.eq(m.kind.code()))
                    .filter(mt::held_on.eq(m.held_on))
                    .count()
                    .get_result(conn)?;
                if held > 0 {
                    return Err(StoreError::invalid(
                        "会议日期",
                        format!(
                            "{}{}的{}在预览之后已登记，未导入；请重新上传查看新的预览",
                            m.party_org_name,
                            m.held_on,
                            m.kind.label()
                        ),
                    ));
                }
            }
            if registry_version(conn)? != plan.registry_version {
                for m in &plan.create {
                    let expected = crate::life::expected(conn, m.party_org, m.kind, m.held_on)?;
                    let now: HashSet<Key> = expected.iter().map(|e| e.member).collect();
                    let planned: HashSet<Key> = m.attendance.iter().map(|a| a.member).collect();
                    if now != planned {
                        return Err(StoreError::invalid(
                            "出席情况",
                            format!(
                                "{}{}的党员在预览之后有变动，未导入；请重新上传查看新的预览",
                                m.party_org_name, m.held_on
                            ),
                        ));
                    }
                }
            }
            let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "meetings", n)?
            } else {
                0
            };
            for (m, id) in plan.create.iter().zip(first..) {
                diesel::insert_into(mt::table)
                    .values((
                        mt::county_code.eq(m.party_org.county),
                        mt::id.eq(id),
                        mt::party_org_id.eq(m.party_org.id),
                        mt::kind.eq(m.kind.code()),
                        mt::held_on.eq(m.held_on),
                        mt::place.eq(&m.place),
                        mt::host.eq(&m.host),
                        mt::recorder.eq(""),
                        mt::topic.eq(&m.topic),
                        mt::agenda.eq(""),
                        mt::minutes.eq("（导入的历史出席记录）"),
                        mt::decisions.eq(""),
                        mt::entered_on.eq(plan.today),
                        mt::entered_by.eq(source.actor),
                        mt::late.eq(rules.is_late(m.held_on, plan.today)),
                        mt::quorate.eq(m.quorate),
                    ))
                    .execute(conn)?;
                for a in &m.attendance {
                    diesel::insert_into(ma::table)
                        .values((
                            ma::county_code.eq(m.party_org.county),
                            ma::meeting_id.eq(id),
                            ma::member_county.eq(a.member.county),
                            ma::member_id.eq(a.member.id),
                            ma::voter.eq(a.voter),
                            ma::attendance.eq(a.attendance.code()),
                            ma::reason.eq(a.reason.as_deref()),
                            ma::held_on.eq(Some(m.held_on)),
                        ))
                        .execute(conn)?;
                }
            }
            let attended: Vec<Key> = plan
                .create
                .iter()
                .flat_map(|m| m.attendance.iter().map(|a| a.member))
                .collect();
            crate::activity::refresh(conn, &attended)?;
            die_here_in_tests();
            crate::registry::bump_records(conn)?;
            let outcome = Outcome {
                kind: "meetings",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: 0,
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links: 0,
            };
            let id = record_import(conn, source, &outcome)?;
            audit_import(conn, cipher, source, id, "meetings", &outcome)?;
            Ok(id)
        })
    }
}

/// Undoes an attendance import (inside the undo's transaction): its meetings and their
/// attendance go; nothing else refers to a meeting.
pub(super) fn undo(conn: &mut DbConnection, block: Option<(i64, i64)>) -> Result<usize> {
    let Some((first, last)) = block else {
        return Ok(0);
    };
    let attended = crate::activity::members_of_meetings(conn, None, first, last)?;
    diesel::delete(ma::table.filter(ma::meeting_id.between(first, last))).execute(conn)?;
    let removed = diesel::delete(mt::table.filter(mt::id.between(first, last))).execute(conn)?;
    crate::activity::refresh(conn, &attended)?;
    crate::registry::bump_records(conn)?;
    Ok(removed)
}
