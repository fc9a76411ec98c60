//! Instructor-assignment imports (党建指导员选派表), in the same two phases as members:
//! [`Store::plan_assignment_import`] finds each row's unit by credit code in the scope and
//! its instructor by name (and phone) in the unit's county, writing nothing;
//! [`Store::commit_assignment_import`] registers the instructors not yet known (a block of
//! ids) and makes the assignments in one transaction, keeping their keys in the history;
//! an undo ([`undo`]) removes exactly those while they stand. A row with a 结束日期 is an
//! ended assignment, kept as history (the coverage trend reads it).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::Problem;
use liangxin_domain::import::Severity;
use liangxin_domain::import::assignments::{self as rows, ASSIGNMENT_COLUMNS, AssignmentRow};
use liangxin_domain::registry::Key;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, audit_import, die_here_in_tests, plan_common,
    problem, record_import, registry_version,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::{IN_LIST_MAX, allocate};
use crate::schema::{
    import_assignments as ias, instructor_assignments as ia, instructors as ins,
    organizations as o, users as u,
};
use crate::uploads::{Preview, PreviewRow};
use crate::{Scope, Store};

/// Who an assignment sends: a registered instructor, or one the commit registers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InstructorRef {
    Existing(Key),
    /// Its index in [`AssignmentPlan::new_instructors`].
    New(usize),
}

/// An instructor the commit registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstructor {
    pub county: i32,
    pub name: String,
    pub phone: Option<String>,
}

/// An assignment the commit makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAssignment {
    pub row: usize,
    pub unit: Key,
    pub unit_name: String,
    pub instructor: InstructorRef,
    pub instructor_name: String,
    pub since: NaiveDate,
    /// 结束日期: an ended assignment, imported as history.
    pub until: Option<NaiveDate>,
}

/// What an assignment import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedAssignment>,
    pub new_instructors: Vec<NewInstructor>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
}

plan_common!(AssignmentPlan);

impl AssignmentPlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        let mut notes = notes.to_vec();
        if !self.new_instructors.is_empty() {
            notes.push(format!(
                "将新登记{}名党建指导员",
                self.new_instructors.len()
            ));
        }
        Preview {
            sample_columns: ["单位名称", "党建指导员", "选派日期", "结束日期"]
                .map(str::to_owned)
                .to_vec(),
            sample: self
                .create
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|a| PreviewRow {
                    row: a.row,
                    cells: vec![
                        a.unit_name.clone(),
                        match a.instructor {
                            InstructorRef::Existing(_) => a.instructor_name.clone(),
                            InstructorRef::New(_) => format!("{}（新登记）", a.instructor_name),
                        },
                        a.since.to_string(),
                        a.until.map(|d| d.to_string()).unwrap_or_default(),
                    ],
                })
                .collect(),
            updates: Vec::new(),
            ..self.preview_base(format, notes, self.create.len(), 0)
        }
    }
}

/// An instructor of the registry: key, name, phone.
type Known = (Key, String, Option<String>);

/// An assignment's days: its first, and its last (`None` while it lasts).
type Span = (NaiveDate, Option<NaiveDate>);

/// Whether two spans share a day (the last day is served).
fn overlap(a: Span, b: Span) -> bool {
    a.0 <= b.1.unwrap_or(NaiveDate::MAX) && b.0 <= a.1.unwrap_or(NaiveDate::MAX)
}

/// A span as people read it.
fn show_span((since, until): Span) -> String {
    match until {
        Some(until) => format!("{since}至{until}"),
        None => format!("{since}起，仍在任"),
    }
}

impl Store {
    /// Reads and matches an instructor sheet, writing nothing.
    pub fn plan_assignment_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<AssignmentPlan> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("导入", "您不能选派党建指导员"));
        }
        let map: HeaderMap = cells::match_headers(header, ASSIGNMENT_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let conn = &mut self.conn;
        let mut plan = AssignmentPlan {
            registry_version: registry_version(conn)?,
            rows_read: sheet.len(),
            create: Vec::new(),
            new_instructors: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
        };
        let mut read: Vec<AssignmentRow> = Vec::with_capacity(sheet.len());
        for (i, (row, cells)) in sheet.into_iter().enumerate() {
            if rows::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (a, problems) = rows::assignment_row(row, &cells, &map, today);
                plan.problems.extend(problems);
                read.extend(a);
            }
            if (i + 1) % 1024 == 0 {
                progress(i + 1);
            }
        }
        progress(plan.rows_read);

        // The units, as the scope sees them today.
        let codes: Vec<&str> = read.iter().map(|r| r.unit.as_str()).collect();
        let mut units: HashMap<String, (Key, String)> = HashMap::new();
        for slice in codes.chunks(IN_LIST_MAX) {
            let found: Vec<(Option<String>, i32, i64, String)> =
                crate::coverage::scoped_organizations(scope, today)
                    .filter(o::credit_code.eq_any(slice))
                    .select((o::credit_code, o::county_code, o::id, o::name))
                    .load(conn)?;
            units.extend(
                found
                    .into_iter()
                    .filter_map(|(c, county, id, n)| Some((c?, (Key { county, id }, n)))),
            );
        }
        // The instructors of those units' counties, and who is assigned where now.
        let mut counties: Vec<i32> = units.values().map(|(k, _)| k.county).collect();
        counties.sort_unstable();
        counties.dedup();
        let known: Vec<Known> = ins::table
            .filter(ins::county_code.eq_any(&counties))
            .select((ins::county_code, ins::id, ins::name, ins::phone))
            .load::<(i32, i64, String, Option<String>)>(conn)?
            .into_iter()
            .map(|(county, id, n, p)| (Key { county, id }, n, p))
            .collect();
        let unit_ids: Vec<i64> = units.values().map(|(k, _)| k.id).collect();
        // Every assignment of these units by unit and instructor, open or ended: an open row
        // of an open one is a skip, as is an ended row of the same span; any other span
        // that overlaps one of them, a conflict.
        let mut stored: HashMap<(i32, i64, i32, i64), Vec<Span>> = HashMap::new();
        for slice in unit_ids.chunks(IN_LIST_MAX) {
            let rows: Vec<(i32, i64, i32, i64, NaiveDate, Option<NaiveDate>)> = ia::table
                .filter(ia::organization_id.eq_any(slice))
                .select((
                    ia::county_code,
                    ia::organization_id,
                    ia::instructor_county,
                    ia::instructor_id,
                    ia::since,
                    ia::until,
                ))
                .load(conn)?;
            for (c, o, ic, i, since, until) in rows {
                stored
                    .entry((c, o, ic, i))
                    .or_default()
                    .push((since, until));
            }
        }
        // The sheet's own spans by unit and instructor, with their rows.
        let mut in_sheet: HashMap<(Key, InstructorRef), Vec<(Span, usize)>> = HashMap::new();
        for r in read {
            let Some((unit, unit_name)) = units.get(r.unit.as_str()).cloned() else {
                plan.problems.push(problem(
                    r.row,
                    "单位统一社会信用代码",
                    r.unit.as_str(),
                    "该单位未登记或不在您的管理范围内（请先导入两新组织）",
                ));
                continue;
            };
            if let Some(written) = &r.unit_name
                && *written != unit_name
            {
                plan.problems.push(Problem {
                    row: r.row,
                    column: "单位名称",
                    value: written.clone(),
                    reason: format!("与登记的名称“{unit_name}”不同，按信用代码选派"),
                    severity: Severity::Warning,
                });
            }
            let same_name: Vec<&Known> = known
                .iter()
                .filter(|(k, n, _)| k.county == unit.county && *n == r.name)
                .collect();
            let by_phone: Vec<&&Known> = same_name
                .iter()
                .filter(|(_, _, p)| r.phone.is_some() && *p == r.phone)
                .collect();
            let instructor = match (by_phone.as_slice(), same_name.as_slice(), &r.phone) {
                ([one], _, _) => InstructorRef::Existing(one.0),
                (_, [one], None) => InstructorRef::Existing(one.0),
                (_, [one], Some(_)) if one.2.is_none() => {
                    plan.problems.push(Problem {
                        row: r.row,
                        column: "党建指导员",
                        value: r.name.clone(),
                        reason: "按姓名匹配到已登记的指导员（其手机号码未登记）".into(),
                        severity: Severity::Warning,
                    });
                    InstructorRef::Existing(one.0)
                }
                (_, [_, _, ..], None) => {
                    plan.problems.push(problem(
                        r.row,
                        "党建指导员",
                        &r.name,
                        format!(
                            "本县(市、区)有{}名同名党建指导员，请填写手机号码",
                            same_name.len()
                        ),
                    ));
                    continue;
                }
                _ => {
                    // Not registered: the same new person on every row that names them, a
                    // phone written on one row and left out on another included.
                    let at = plan.new_instructors.iter().position(|n| {
                        n.county == unit.county
                            && n.name == r.name
                            && (n.phone == r.phone || n.phone.is_none() || r.phone.is_none())
                    });
                    match at {
                        Some(at) => {
                            let known = &mut plan.new_instructors[at];
                            if known.phone.is_none() {
                                known.phone.clone_from(&r.phone);
                            }
                            InstructorRef::New(at)
                        }
                        None => {
                            plan.new_instructors.push(NewInstructor {
                                county: unit.county,
                                name: r.name.clone(),
                                phone: r.phone.clone(),
                            });
                            InstructorRef::New(plan.new_instructors.len() - 1)
                        }
                    }
                }
            };
            let since = r.since.unwrap_or(today);
            let span = (since, r.until);
            if let InstructorRef::Existing(k) = instructor {
                let known = stored
                    .get(&(unit.county, unit.id, k.county, k.id))
                    .map_or(&[][..], Vec::as_slice);
                // The same record again: the open assignment for an open row, the same
                // span for an ended one.
                if known
                    .iter()
                    .any(|(s, e)| (e.is_none() && r.until.is_none()) || (*s, *e) == span)
                {
                    let why = match r.until {
                        None => format!("{}已选派到{unit_name}，跳过", r.name),
                        Some(_) => format!("{}选派到{unit_name}的这段记录已登记，跳过", r.name),
                    };
                    plan.skipped.push((r.row, why));
                    continue;
                }
                if let Some(other) = known.iter().find(|other| overlap(**other, span)) {
                    plan.problems.push(problem(
                        r.row,
                        "选派日期",
                        &since.to_string(),
                        format!(
                            "与{}在{unit_name}已登记的选派（{}）时间重叠",
                            r.name,
                            show_span(*other)
                        ),
                    ));
                    continue;
                }
            }
            let mine = in_sheet.entry((unit, instructor)).or_default();
            if let Some((other, first)) = mine.iter().find(|(other, _)| overlap(*other, span)) {
                let why = match *other == span {
                    true => format!("与第{first}行重复"),
                    false => format!("与第{first}行的选派时间重叠"),
                };
                plan.problems
                    .push(problem(r.row, "党建指导员", &r.name, why));
                continue;
            }
            mine.push((span, r.row));
            plan.create.push(PlannedAssignment {
                row: r.row,
                unit,
                unit_name,
                instructor,
                instructor_name: r.name,
                since,
                until: r.until,
            });
        }
        plan.problems.sort_by_key(|p| p.row);
        Ok(plan)
    }

    /// Writes a plan without errors in one transaction: the new instructors (a block of
    /// ids), the assignments and their keys in the history, and the audit. Refused, with
    /// nothing written, when the plan has errors or one of its assignments was made since.
    pub fn commit_assignment_import(
        &mut self,
        source: &ImportSource,
        plan: &AssignmentPlan,
    ) -> Result<i64> {
        plan.check_committable()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if registry_version(conn)? != plan.registry_version {
                recheck(conn, plan)?;
            }
            let n = i64::try_from(plan.new_instructors.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "instructors", n)?
            } else {
                0
            };
            for (p, id) in plan.new_instructors.iter().zip(first..) {
                diesel::insert_into(ins::table)
                    .values((
                        ins::county_code.eq(p.county),
                        ins::id.eq(id),
                        ins::name.eq(&p.name),
                        ins::phone.eq(&p.phone),
                    ))
                    .execute(conn)?;
            }
            let key_of = |i: InstructorRef, plan: &AssignmentPlan| match i {
                InstructorRef::Existing(k) => k,
                InstructorRef::New(at) => Key {
                    county: plan.new_instructors[at].county,
                    id: first + i64::try_from(at).unwrap_or(0),
                },
            };
            for a in &plan.create {
                let k = key_of(a.instructor, plan);
                diesel::insert_into(ia::table)
                    .values((
                        ia::county_code.eq(a.unit.county),
                        ia::organization_id.eq(a.unit.id),
                        ia::instructor_county.eq(k.county),
                        ia::instructor_id.eq(k.id),
                        ia::since.eq(a.since),
                        ia::until.eq(a.until),
                    ))
                    .execute(conn)?;
            }
            die_here_in_tests();
            let outcome = Outcome {
                kind: "assignments",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: 0,
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links: 0,
            };
            let id = record_import(conn, source, &outcome)?;
            for (seq, a) in plan.create.iter().enumerate() {
                let k = key_of(a.instructor, plan);
                diesel::insert_into(ias::table)
                    .values((
                        ias::import_id.eq(id),
                        ias::seq.eq(i32::try_from(seq).unwrap_or(i32::MAX)),
                        ias::county_code.eq(a.unit.county),
                        ias::organization_id.eq(a.unit.id),
                        ias::instructor_county.eq(k.county),
                        ias::instructor_id.eq(k.id),
                        ias::since.eq(a.since),
                        ias::until.eq(a.until),
                    ))
                    .execute(conn)?;
            }
            audit_import(conn, cipher, source, id, "assignments", &outcome)?;
            Ok(id)
        })
    }
}

/// What may have changed since the plan: an assignment it makes made meanwhile.
fn recheck(conn: &mut DbConnection, plan: &AssignmentPlan) -> Result<()> {
    for a in &plan.create {
        let InstructorRef::Existing(k) = a.instructor else {
            continue;
        };
        let known: Vec<Span> = ia::table
            .filter(ia::county_code.eq(a.unit.county))
            .filter(ia::organization_id.eq(a.unit.id))
            .filter(ia::instructor_county.eq(k.county))
            .filter(ia::instructor_id.eq(k.id))
            .select((ia::since, ia::until))
            .load(conn)?;
        // Made meanwhile: the same record, or one it would overlap.
        let clashing = known
            .iter()
            .any(|other| overlap(*other, (a.since, a.until)));
        if clashing {
            return Err(StoreError::invalid(
                "党建指导员",
                format!(
                    "{}在预览之后已选派到{}，未导入；请重新上传查看新的预览",
                    a.instructor_name, a.unit_name
                ),
            ));
        }
    }
    Ok(())
}

/// Undoes an assignment import (inside the undo's transaction): its assignments are
/// removed while each still stands as made (not ended since), and the instructors it
/// registered while nobody else refers to them (another assignment, an account).
pub(super) fn undo(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    block: Option<(i64, i64)>,
) -> Result<usize> {
    type Made = (i32, i64, i32, i64, NaiveDate, Option<NaiveDate>);
    let made: Vec<Made> = ias::table
        .filter(ias::import_id.eq(id))
        .order(ias::seq)
        .select((
            ias::county_code,
            ias::organization_id,
            ias::instructor_county,
            ias::instructor_id,
            ias::since,
            ias::until,
        ))
        .load(conn)?;
    // The units are the importer's by region or park, not by party path: the undoer must
    // see every one of them (dissolved since or not).
    let orgs: Vec<i64> = made.iter().map(|m| m.1).collect();
    let mut seen: HashSet<(i32, i64)> = HashSet::new();
    for slice in orgs.chunks(IN_LIST_MAX) {
        seen.extend(
            crate::coverage::scoped_alive(
                scope,
                chrono::Utc::now().date_naive(),
                crate::coverage::Lookup::ByRegion,
                NaiveDate::from_ymd_opt(1900, 1, 1),
            )
            .filter(o::id.eq_any(slice))
            .select((o::county_code, o::id))
            .load::<(i32, i64)>(conn)?,
        );
    }
    if made.iter().any(|m| !seen.contains(&(m.0, m.1))) {
        return Err(StoreError::invalid(
            "导入",
            "这批选派有的单位不在您的管理范围内，不能撤销",
        ));
    }
    for (county, org, i_county, i_id, since, until) in &made {
        let record = ia::table
            .filter(ia::county_code.eq(county))
            .filter(ia::organization_id.eq(org))
            .filter(ia::instructor_county.eq(i_county))
            .filter(ia::instructor_id.eq(i_id))
            .filter(ia::since.eq(since));
        // Still as imported: open, or ending on the day the sheet said.
        let standing = match until {
            None => diesel::delete(record.filter(ia::until.is_null())).execute(conn)?,
            Some(end) => diesel::delete(record.filter(ia::until.eq(end))).execute(conn)?,
        };
        if standing == 0 {
            return Err(StoreError::invalid(
                "导入",
                "这批选派有的已在导入之后结束或调整，不能整批撤销",
            ));
        }
    }
    if let Some((first, last)) = block {
        let referring = ia::table
            .filter(ia::instructor_id.between(first, last))
            .count()
            .get_result::<i64>(conn)?
            + u::table
                .filter(u::instructor_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?;
        if referring > 0 {
            return Err(StoreError::invalid(
                "导入",
                format!(
                    "这批新登记的党建指导员已有{referring}条后续记录（其他选派或账号），不能整批撤销"
                ),
            ));
        }
        diesel::delete(ins::table.filter(ins::id.between(first, last))).execute(conn)?;
    }
    Ok(made.len())
}
