//! 党务工作者队伍: the secretaries of a scope's party organizations (from their posts), the
//! party-affairs workers its committees register (专职 / 兼职, where they came from, their
//! qualifications), and their training: a course a party organization organizes (its level,
//! 分层, follows from the organizer's place in the tree; its kind, 分类, is chosen) and who
//! attended it for how many 学时. A worker who is a member on the register trains as that
//! member, so one person's hours are counted once.
//!
//! A scope sees the secretaries and workers of its organizations, the courses they
//! organized, and of a course the attendees it holds: data flows up, never sideways.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{
    PartyOrgType, Post, TrainingKind, TrainingLevel, WorkerDuty, WorkerSource,
};
use liangxin_domain::registry::Key;
use liangxin_domain::workforce::{self, SecretaryYear, Vacancy, WorkforceRules};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::day::year_bounds;
use crate::error::{Result, StoreError, typed_text};
use crate::registry::IN_LIST_MAX;
use crate::schema::{
    members as m, party_org_posts as pp, party_orgs as po, party_workers as pw,
    training_attendance as ta, training_courses as tc,
};
use crate::{Scope, Store};

/// Who trains: a member on the register, or a registered worker who is not one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Person {
    Member(Key),
    Worker(Key),
}

impl Person {
    /// `m-330825-7` or `w-330825-3`, as forms send it.
    pub fn code(self) -> String {
        match self {
            Person::Member(k) => format!("m-{}-{}", k.county, k.id),
            Person::Worker(k) => format!("w-{}-{}", k.county, k.id),
        }
    }

    pub fn parse(s: &str) -> Option<Person> {
        let (tag, rest) = s.trim().split_once('-')?;
        let (county, id) = rest.split_once('-')?;
        let key = Key {
            county: county.parse().ok()?,
            id: id.parse().ok()?,
        };
        match tag {
            "m" => Some(Person::Member(key)),
            "w" => Some(Person::Worker(key)),
            _ => None,
        }
    }
}

/// A worker as a committee registers them.
#[derive(Debug, Clone)]
pub struct NewWorker {
    /// The organization they serve (a town's 党工委, a unit's branch).
    pub party_org: Key,
    pub name: String,
    /// When they are a member on the register: their name is the record's.
    pub member: Option<Key>,
    pub duty: WorkerDuty,
    pub source: WorkerSource,
    /// 学历、职称、资格证书.
    pub qualification: String,
    pub since: NaiveDate,
}

/// A registered worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    pub key: Key,
    pub party_org: Key,
    pub party_org_name: String,
    pub name: String,
    pub member: Option<Key>,
    pub duty: WorkerDuty,
    pub source: WorkerSource,
    pub qualification: String,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
    /// 学时 this year (of the day asked).
    pub hours: u32,
}

impl Worker {
    pub fn person(&self) -> Person {
        match self.member {
            Some(k) => Person::Member(k),
            None => Person::Worker(self.key),
        }
    }
}

/// A course as its organizer records it.
#[derive(Debug, Clone)]
pub struct NewCourse {
    pub title: String,
    pub kind: TrainingKind,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// 学时 of the whole course.
    pub hours: i32,
    pub place: String,
}

/// A recorded course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub key: Key,
    pub organizer: Key,
    pub organizer_name: String,
    pub title: String,
    pub kind: TrainingKind,
    pub level: TrainingLevel,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: i32,
    pub place: String,
    /// Attendees in all (the viewer may hold fewer of them).
    pub attendees: u32,
}

/// One attendee of a course.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// The attendance row, for taking it off.
    pub id: i64,
    pub person: Person,
    pub name: String,
    /// Their organization (a member's branch, a worker's place).
    pub party_org_name: String,
    pub hours: i32,
}

/// One organization that should have a 书记, as the workforce page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretaryLine {
    pub party_org: Key,
    pub party_org_name: String,
    /// The 书记 on the day, since when.
    pub holder: Option<(Key, String, NaiveDate)>,
    /// None with a holder.
    pub vacancy: Option<Vacancy>,
    /// The holder's 学时 this year, so far.
    pub hours_this_year: u32,
    /// The holder's last whole year: days in a 书记 post, 学时, 学时 owed.
    pub last_year: Option<SecretaryYear>,
    pub owed_last_year: u32,
}

impl SecretaryLine {
    /// Whether the holder's last year fell short.
    pub fn short_last_year(&self) -> bool {
        self.last_year
            .as_ref()
            .is_some_and(|y| y.days_in_post > 0 && y.hours < self.owed_last_year)
    }
}

/// The organizations that should have a 书记: branches, general branches and committees.
pub(crate) const LED_TYPES: [PartyOrgType; 5] = [
    PartyOrgType::Branch,
    PartyOrgType::JointBranch,
    PartyOrgType::GeneralBranch,
    PartyOrgType::Committee,
    PartyOrgType::ComprehensiveCommittee,
];

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}：{e}"))
}

/// The 学时 of `people` in courses that began in `year`.
fn hours_of(
    conn: &mut crate::DbConnection,
    people: &[Person],
    year: i32,
) -> Result<HashMap<Person, u32>> {
    let (first, last) = year_bounds(year);
    let members: Vec<i64> = people
        .iter()
        .filter_map(|p| match p {
            Person::Member(k) => Some(k.id),
            Person::Worker(_) => None,
        })
        .collect();
    let workers: Vec<i64> = people
        .iter()
        .filter_map(|p| match p {
            Person::Worker(k) => Some(k.id),
            Person::Member(_) => None,
        })
        .collect();
    let wanted: HashSet<&Person> = people.iter().collect();
    let mut out: HashMap<Person, u32> = HashMap::new();
    let mut add = |p: Person, h: i32| {
        if wanted.contains(&p) {
            *out.entry(p).or_default() += u32::try_from(h).unwrap_or(0);
        }
    };
    let on_course = tc::county_code
        .eq(ta::county_code)
        .and(tc::id.eq(ta::course_id));
    for slice in members.chunks(IN_LIST_MAX) {
        let rows: Vec<(i32, Option<i64>, i32)> = ta::table
            .inner_join(tc::table.on(on_course))
            .filter(ta::member_id.eq_any(slice))
            .filter(tc::starts_on.between(first, last))
            .select((ta::person_county, ta::member_id, ta::hours))
            .load(conn)?;
        for (county, id, h) in rows {
            if let Some(id) = id {
                add(Person::Member(Key { county, id }), h);
            }
        }
    }
    for slice in workers.chunks(IN_LIST_MAX) {
        let rows: Vec<(i32, Option<i64>, i32)> = ta::table
            .inner_join(tc::table.on(on_course))
            .filter(ta::worker_id.eq_any(slice))
            .filter(tc::starts_on.between(first, last))
            .select((ta::person_county, ta::worker_id, ta::hours))
            .load(conn)?;
        for (county, id, h) in rows {
            if let Some(id) = id {
                add(Person::Worker(Key { county, id }), h);
            }
        }
    }
    Ok(out)
}

/// The names of `people` if each is someone `scope` may put on a course beginning `from`:
/// a member of its organizations (on the register then: a course is recorded after it
/// ends, by when some have left), or a worker of them who is not a member. Refused, naming
/// no one outside the scope, when one is not.
fn trainees_in_scope(
    conn: &mut crate::DbConnection,
    scope: &Scope,
    people: &[Person],
    from: NaiveDate,
) -> Result<HashMap<Person, String>> {
    let mut found: HashMap<Person, String> = HashMap::new();
    let members: Vec<i64> = people
        .iter()
        .filter_map(|p| match p {
            Person::Member(k) => Some(k.id),
            Person::Worker(_) => None,
        })
        .collect();
    let workers: Vec<i64> = people
        .iter()
        .filter_map(|p| match p {
            Person::Worker(k) => Some(k.id),
            Person::Member(_) => None,
        })
        .collect();
    for slice in members.chunks(IN_LIST_MAX) {
        let rows: Vec<(i32, i64, String, String)> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(m::id.eq_any(slice))
            .filter(m::left_on.is_null().or(m::left_on.ge(from)))
            .select((m::county_code, m::id, m::name, po::path))
            .load(conn)?;
        for (county, id, name, path) in rows {
            if scope.contains_path(&path) && scope.member.is_none() {
                found.insert(Person::Member(Key { county, id }), name);
            }
        }
    }
    for slice in workers.chunks(IN_LIST_MAX) {
        let rows: Vec<(i32, i64, String, String)> = pw::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(pw::county_code)
                    .and(po::id.eq(pw::party_org_id))),
            )
            .filter(pw::id.eq_any(slice))
            .filter(pw::member_id.is_null())
            .select((pw::county_code, pw::id, pw::name, po::path))
            .load(conn)?;
        for (county, id, name, path) in rows {
            if scope.contains_path(&path) && scope.member.is_none() {
                found.insert(Person::Worker(Key { county, id }), name);
            }
        }
    }
    if people.iter().any(|p| !found.contains_key(p)) {
        return Err(StoreError::invalid(
            "参训人员",
            "不存在或不在您的管理范围内",
        ));
    }
    Ok(found)
}

/// The level of a course organized by the organization at `path` of type `t` leading
/// zone `zone`: the city's 两新工委 at the root, a town's or park's 党工委 wherever it
/// sits, the counties' 两新工委 beneath the root, the rest below.
fn level_of(path: &str, t: PartyOrgType, zone: Option<i64>) -> TrainingLevel {
    let depth = path.split('/').filter(|s| !s.is_empty()).count();
    match (depth, t, zone) {
        (1, _, _) => TrainingLevel::City,
        (_, PartyOrgType::WorkingCommittee, Some(_)) => TrainingLevel::Town,
        (2, _, _) => TrainingLevel::County,
        _ => TrainingLevel::Base,
    }
}

type CourseRow = (
    (i32, i64, i64, String, String),
    (String, String, NaiveDate, NaiveDate, i32, String),
);

fn course_of(row: CourseRow, attendees: u32) -> Result<Course> {
    let ((county, id, org, organizer_name, title), (kind, level, starts_on, ends_on, hours, place)) =
        row;
    Ok(Course {
        key: Key { county, id },
        organizer: Key { county, id: org },
        organizer_name,
        title,
        kind: TrainingKind::parse(&kind).map_err(|e| corrupt("培训类别", e))?,
        level: TrainingLevel::parse(&level).map_err(|e| corrupt("培训层级", e))?,
        starts_on,
        ends_on,
        hours,
        place,
        attendees,
    })
}

impl Store {
    /// Every organization of `scope` that should have a 书记, with its 书记 on `today`
    /// (or the vacancy), their hours this year and their last whole year judged.
    pub fn secretary_lines(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<SecretaryLine>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let judged = workforce::judged_year(today);
        let (judged_first, _) = year_bounds(judged);
        let rules = WorkforceRules::for_judged_year(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (low, high) = scope.path_range();
        let orgs: Vec<(i32, i64, String, NaiveDate)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any(LED_TYPES.map(PartyOrgType::code)))
            .order((po::county_code, po::id))
            .select((po::county_code, po::id, po::name, po::records_start))
            .load(self.conn())?;
        // Every 书记 term of the scope's organizations reaching into the judged year.
        type Term = (i32, i64, i64, String, NaiveDate, Option<NaiveDate>);
        let terms: Vec<Term> = pp::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(pp::county_code)
                    .and(po::id.eq(pp::party_org_id))),
            )
            .inner_join(
                m::table.on(m::county_code
                    .eq(pp::county_code)
                    .and(m::id.eq(pp::member_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(pp::post.eq(Post::Secretary.code()))
            .filter(pp::until.is_null().or(pp::until.ge(judged_first)))
            .select((
                pp::county_code,
                pp::party_org_id,
                pp::member_id,
                m::name,
                pp::since,
                pp::until,
            ))
            .load(self.conn())?;
        let mut holder: HashMap<Key, (Key, String, NaiveDate)> = HashMap::new();
        let mut terms_of: HashMap<Key, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
        for (county, org, member, name, since, until) in &terms {
            let member = Key {
                county: *county,
                id: *member,
            };
            if *since <= today && until.is_none_or(|u| u >= today) {
                holder.insert(
                    Key {
                        county: *county,
                        id: *org,
                    },
                    (member, name.clone(), *since),
                );
            }
            terms_of.entry(member).or_default().push((*since, *until));
        }
        let days_last_year: HashMap<Key, u32> = terms_of
            .iter()
            .map(|(m, t)| (*m, workforce::days_within_any(judged, t)))
            .collect();
        let people: Vec<Person> = holder.values().map(|h| Person::Member(h.0)).collect();
        let this_year = hours_of(self.conn(), &people, today.year())?;
        let last_year = hours_of(self.conn(), &people, judged)?;
        // When each vacant organization's last 书记 left.
        let vacant: Vec<i64> = orgs
            .iter()
            .filter(|(county, id, ..)| {
                !holder.contains_key(&Key {
                    county: *county,
                    id: *id,
                })
            })
            .map(|o| o.1)
            .collect();
        let mut last_until: HashMap<Key, NaiveDate> = HashMap::new();
        for slice in vacant.chunks(IN_LIST_MAX) {
            let rows: Vec<(i32, i64, Option<NaiveDate>)> = pp::table
                .filter(pp::party_org_id.eq_any(slice))
                .filter(pp::post.eq(Post::Secretary.code()))
                .select((pp::county_code, pp::party_org_id, pp::until))
                .load(self.conn())?;
            for (county, id, until) in rows {
                let key = Key { county, id };
                if let Some(u) = until.filter(|u| *u < today) {
                    let e = last_until.entry(key).or_insert(u);
                    *e = (*e).max(u);
                }
            }
        }
        let mut out = Vec::with_capacity(orgs.len());
        for (county, id, name, records_start) in orgs {
            let key = Key { county, id };
            let line = match holder.get(&key) {
                Some((member, holder_name, since)) => {
                    let person = Person::Member(*member);
                    let year = SecretaryYear {
                        member: *member,
                        name: holder_name.clone(),
                        party_org: key,
                        party_org_name: name.clone(),
                        year: judged,
                        days_in_post: days_last_year.get(member).copied().unwrap_or(0),
                        hours: last_year.get(&person).copied().unwrap_or(0),
                    };
                    SecretaryLine {
                        party_org: key,
                        party_org_name: name,
                        holder: Some((*member, holder_name.clone(), *since)),
                        vacancy: None,
                        hours_this_year: this_year.get(&person).copied().unwrap_or(0),
                        owed_last_year: rules.required_hours(judged, year.days_in_post),
                        last_year: Some(year),
                    }
                }
                None => {
                    let (since, last_held) = match last_until.get(&key) {
                        Some(u) => (u.checked_add_days(Days::new(1)).unwrap_or(*u), true),
                        None => (records_start, false),
                    };
                    SecretaryLine {
                        party_org: key,
                        // Records that begin after today owe nothing yet.
                        vacancy: (since <= today).then(|| Vacancy {
                            party_org: key,
                            name: name.clone(),
                            since,
                            last_held,
                        }),
                        party_org_name: name,
                        holder: None,
                        hours_this_year: 0,
                        last_year: None,
                        owed_last_year: 0,
                    }
                }
            };
            out.push(line);
        }
        Ok(out)
    }

    /// The workers of `scope`'s organizations, those in post on `today` first (and, with
    /// `ended`, those who left), with their 学时 this year.
    pub fn party_workers(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        ended: bool,
    ) -> Result<Vec<Worker>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        type Row = (
            (i32, i64, i64, String, String, Option<i64>),
            (String, String, String, NaiveDate, Option<NaiveDate>),
        );
        let mut q = pw::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(pw::county_code)
                    .and(po::id.eq(pw::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .into_boxed();
        if !ended {
            q = q.filter(pw::until.is_null().or(pw::until.ge(today)));
        }
        let rows: Vec<Row> = q
            .select((
                (
                    pw::county_code,
                    pw::id,
                    pw::party_org_id,
                    po::name,
                    pw::name,
                    pw::member_id,
                ),
                (
                    pw::duty,
                    pw::source,
                    pw::qualification,
                    pw::since,
                    pw::until,
                ),
            ))
            .load(self.conn())?;
        let mut out = Vec::with_capacity(rows.len());
        for ((county, id, org, org_name, name, member), (duty, source, q, since, until)) in rows {
            out.push(Worker {
                key: Key { county, id },
                party_org: Key { county, id: org },
                party_org_name: org_name,
                name,
                member: member.map(|id| Key { county, id }),
                duty: WorkerDuty::parse(&duty).map_err(|e| corrupt("专兼职", e))?,
                source: WorkerSource::parse(&source).map_err(|e| corrupt("来源", e))?,
                qualification: q,
                since,
                until,
                hours: 0,
            });
        }
        let people: Vec<Person> = out.iter().map(Worker::person).collect();
        let hours = hours_of(self.conn(), &people, today.year())?;
        for w in &mut out {
            w.hours = hours.get(&w.person()).copied().unwrap_or(0);
        }
        out.sort_by_key(|w| {
            (
                w.until.is_some_and(|u| u < today),
                w.party_org.county,
                w.party_org.id,
                w.duty,
                w.key.id,
            )
        });
        Ok(out)
    }

    /// A committee registers a worker of one of its organizations.
    pub fn register_worker(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        w: &NewWorker,
    ) -> Result<Key> {
        if w.since > today {
            return Err(StoreError::invalid("任职日期", "不能晚于今天"));
        }
        let qualification = typed_text("学历或资格", &w.qualification, false, 200)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            crate::life::party_org_in_scope(conn, scope, w.party_org)?;
            let name = match w.member {
                Some(k) => {
                    if k.county != w.party_org.county {
                        return Err(StoreError::invalid("党员", "应为本县（市、区）登记的党员"));
                    }
                    let name = trainees_in_scope(conn, scope, &[Person::Member(k)], today)
                        .ok()
                        .and_then(|mut n| n.remove(&Person::Member(k)))
                        .ok_or_else(|| StoreError::invalid("党员", "不存在或不在您的管理范围内"))?;
                    let serving: i64 = pw::table
                        .filter(pw::county_code.eq(k.county))
                        .filter(pw::member_id.eq(k.id))
                        .filter(pw::until.is_null())
                        .count()
                        .get_result(conn)?;
                    if serving > 0 {
                        return Err(StoreError::invalid("党员", "已登记为在岗党务工作者"));
                    }
                    name
                }
                None => typed_text("姓名", &w.name, true, 50)?,
            };
            let id = crate::registry::allocate(conn, "party_workers", 1)?;
            diesel::insert_into(pw::table)
                .values((
                    pw::county_code.eq(w.party_org.county),
                    pw::id.eq(id),
                    pw::party_org_id.eq(w.party_org.id),
                    pw::name.eq(&name),
                    pw::member_id.eq(w.member.map(|k| k.id)),
                    pw::duty.eq(w.duty.code()),
                    pw::source.eq(w.source.code()),
                    pw::qualification.eq(&qualification),
                    pw::since.eq(w.since),
                    pw::registered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "party_worker",
                    county: w.party_org.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": w.party_org.id,
                        "name": name,
                        "member": w.member.map(|k| k.id),
                        "duty": w.duty.code(),
                        "source": w.source.code(),
                        "qualification": qualification,
                        "since": w.since,
                    })),
                },
            )?;
            Ok(Key {
                county: w.party_org.county,
                id,
            })
        })
    }

    /// A worker leaves their post: `until` is their last day.
    pub fn end_worker(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        worker: Key,
        until: NaiveDate,
    ) -> Result<()> {
        if until > today {
            return Err(StoreError::invalid("离岗日期", "不能晚于今天"));
        }
        if scope.member.is_some() {
            return Err(StoreError::invalid(
                "党务工作者",
                "不存在或不在您的管理范围内",
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let row: Option<(NaiveDate, Option<NaiveDate>, String)> = pw::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(pw::county_code)
                        .and(po::id.eq(pw::party_org_id))),
                )
                .filter(pw::county_code.eq(worker.county))
                .filter(pw::id.eq(worker.id))
                .select((pw::since, pw::until, po::path))
                .first(conn)
                .optional()?;
            let since = match row {
                Some((since, None, path)) if scope.contains_path(&path) => since,
                Some((_, Some(_), path)) if scope.contains_path(&path) => {
                    return Err(StoreError::invalid("党务工作者", "已经离岗"));
                }
                _ => {
                    return Err(StoreError::invalid(
                        "党务工作者",
                        "不存在或不在您的管理范围内",
                    ));
                }
            };
            if until < since {
                return Err(StoreError::invalid("离岗日期", "不能早于任职日期"));
            }
            diesel::update(
                pw::table
                    .filter(pw::county_code.eq(worker.county))
                    .filter(pw::id.eq(worker.id)),
            )
            .set(pw::until.eq(Some(until)))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "end",
                    entity: "party_worker",
                    county: worker.county,
                    entity_id: worker.id,
                    before: Some(json!({ "until": null })),
                    after: Some(json!({ "until": until })),
                },
            )
        })
    }

    /// Who `scope` may put on a course, under the organization at `under` (the whole scope
    /// without it): the 书记 in post and the workers in post, each once, by organization.
    /// (person, name, what they are, organization).
    pub fn trainees(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        under: Option<Key>,
    ) -> Result<Vec<(Person, String, &'static str, String)>> {
        let scope = match under {
            Some(k) => {
                let (path, _) = crate::life::party_org_in_scope(self.conn(), scope, k)?;
                Scope::subtree(path)
            }
            None => scope.clone(),
        };
        let mut out: Vec<(Person, String, &'static str, String)> = Vec::new();
        let mut seen: HashSet<Person> = HashSet::new();
        for l in self.secretary_lines(&scope, today)? {
            if let Some((member, name, _)) = l.holder {
                let p = Person::Member(member);
                if seen.insert(p) {
                    out.push((p, name, "书记", l.party_org_name));
                }
            }
        }
        for w in self.party_workers(&scope, today, false)? {
            let p = w.person();
            if seen.insert(p) {
                out.push((p, w.name, w.duty.label(), w.party_org_name));
            }
        }
        Ok(out)
    }

    /// The scope's root records a course it organized and who attended the whole of it.
    pub fn record_course(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        c: &NewCourse,
        attendees: &[Person],
    ) -> Result<Key> {
        let title = typed_text("培训名称", &c.title, true, 100)?;
        let place = typed_text("培训地点", &c.place, false, 100)?;
        if c.ends_on < c.starts_on {
            return Err(StoreError::invalid("结束日期", "不能早于开始日期"));
        }
        if c.starts_on > today {
            return Err(StoreError::invalid(
                "开始日期",
                "培训结束后登记，不能晚于今天",
            ));
        }
        if (c.ends_on - c.starts_on).num_days() > 366 {
            return Err(StoreError::invalid("结束日期", "一期培训不超过一年"));
        }
        if !(1..=500).contains(&c.hours) {
            return Err(StoreError::invalid("学时", "应为1至500"));
        }
        if scope.member.is_some() {
            return Err(StoreError::invalid("主办单位", "党员不能登记培训"));
        }
        let Some(root) = self.scope_root(scope)? else {
            return Err(StoreError::invalid("主办单位", "本账号没有所属党组织"));
        };
        let zone: Option<i64> = po::table
            .filter(po::county_code.eq(root.key.county))
            .filter(po::id.eq(root.key.id))
            .select(po::zone_id)
            .first(self.conn())?;
        let level = level_of(&root.path, root.org_type, zone);
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "training_courses", 1)?;
            diesel::insert_into(tc::table)
                .values((
                    tc::county_code.eq(root.key.county),
                    tc::id.eq(id),
                    tc::party_org_id.eq(root.key.id),
                    tc::title.eq(&title),
                    tc::kind.eq(c.kind.code()),
                    tc::level.eq(level.code()),
                    tc::starts_on.eq(c.starts_on),
                    tc::ends_on.eq(c.ends_on),
                    tc::hours.eq(c.hours),
                    tc::place.eq(&place),
                    tc::recorded_by.eq(actor),
                ))
                .execute(conn)?;
            let course = Key {
                county: root.key.county,
                id,
            };
            let added = add_attendance(conn, scope, (course, c.starts_on), attendees, c.hours)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "training_course",
                    county: course.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "organizer": root.key.id,
                        "title": title,
                        "kind": c.kind.code(),
                        "level": level.code(),
                        "starts_on": c.starts_on,
                        "ends_on": c.ends_on,
                        "hours": c.hours,
                        "place": place,
                        "attendees": added,
                    })),
                },
            )?;
            Ok(course)
        })
    }

    /// The organizer adds attendees to a course, each for `hours` of it (those who missed
    /// part are credited what they attended).
    pub fn add_trainees(
        &mut self,
        actor: &str,
        scope: &Scope,
        course: Key,
        people: &[Person],
        hours: i32,
    ) -> Result<usize> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (full, from) = organized_course(conn, scope, course)?;
            if !(1..=full).contains(&hours) {
                return Err(StoreError::invalid(
                    "学时",
                    format!("应为1至{full}（本期培训的学时）"),
                ));
            }
            let added = add_attendance(conn, scope, (course, from), people, hours)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "add_attendees",
                    entity: "training_course",
                    county: course.county,
                    entity_id: course.id,
                    before: None,
                    after: Some(json!({ "attendees": added, "hours": hours })),
                },
            )?;
            Ok(added.len())
        })
    }

    /// The organizer takes an attendee off a course (entered by mistake).
    pub fn remove_trainee(
        &mut self,
        actor: &str,
        scope: &Scope,
        course: Key,
        attendance: i64,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            organized_course(conn, scope, course)?;
            let row: Option<(i32, Option<i64>, Option<i64>, i32)> = ta::table
                .filter(ta::county_code.eq(course.county))
                .filter(ta::id.eq(attendance))
                .filter(ta::course_id.eq(course.id))
                .select((ta::person_county, ta::member_id, ta::worker_id, ta::hours))
                .first(conn)
                .optional()?;
            let Some((county, member, worker, hours)) = row else {
                return Err(StoreError::invalid("参训人员", "不在本期培训的名单上"));
            };
            diesel::delete(
                ta::table
                    .filter(ta::county_code.eq(course.county))
                    .filter(ta::id.eq(attendance)),
            )
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "remove_attendee",
                    entity: "training_course",
                    county: course.county,
                    entity_id: course.id,
                    before: Some(json!({
                        "person_county": county,
                        "member": member,
                        "worker": worker,
                        "hours": hours,
                    })),
                    after: None,
                },
            )
        })
    }

    /// The committees of `scope` (党委, 党工委, 综合党委) a worker may serve or a course's
    /// attendees be chosen under: (key, name), in the tree's order.
    pub fn workforce_committees(&mut self, scope: &Scope) -> Result<Vec<(Key, String)>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let committees = [
            PartyOrgType::Committee,
            PartyOrgType::WorkingCommittee,
            PartyOrgType::ComprehensiveCommittee,
        ];
        let rows: Vec<(i32, i64, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any(committees.map(PartyOrgType::code)))
            .order(po::path)
            .select((po::county_code, po::id, po::name))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .map(|(county, id, name)| (Key { county, id }, name))
            .collect())
    }

    /// The courses organized within `scope` that began in `year`, latest first.
    pub fn training_courses(&mut self, scope: &Scope, year: i32) -> Result<Vec<Course>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let (first, last) = year_bounds(year);
        let rows: Vec<CourseRow> = tc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(tc::county_code)
                    .and(po::id.eq(tc::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(tc::starts_on.between(first, last))
            .order((tc::starts_on.desc(), tc::id.desc()))
            .select(course_columns())
            .load(self.conn())?;
        let mut counts: HashMap<(i32, i64), u32> = HashMap::new();
        let ids: Vec<i64> = rows.iter().map(|r| r.0.1).collect();
        for slice in ids.chunks(IN_LIST_MAX) {
            let rows: Vec<(i32, i64, i64)> = ta::table
                .filter(ta::course_id.eq_any(slice))
                .group_by((ta::county_code, ta::course_id))
                .select((ta::county_code, ta::course_id, diesel::dsl::count_star()))
                .load(self.conn())?;
            for (county, id, n) in rows {
                counts.insert((county, id), u32::try_from(n).unwrap_or(u32::MAX));
            }
        }
        rows.into_iter()
            .map(|r| {
                let n = counts.get(&(r.0.0, r.0.1)).copied().unwrap_or(0);
                course_of(r, n)
            })
            .collect()
    }

    /// A course organized within `scope`, with the attendees the scope holds.
    pub fn training_course(
        &mut self,
        scope: &Scope,
        key: Key,
    ) -> Result<Option<(Course, Vec<Attendee>)>> {
        if scope.member.is_some() {
            return Ok(None);
        }
        let row: Option<(CourseRow, String)> = tc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(tc::county_code)
                    .and(po::id.eq(tc::party_org_id))),
            )
            .filter(tc::county_code.eq(key.county))
            .filter(tc::id.eq(key.id))
            .select((course_columns(), po::path))
            .first(self.conn())
            .optional()?;
        let Some((row, _)) = row.filter(|(_, p)| scope.contains_path(p)) else {
            return Ok(None);
        };
        let (low, high) = scope.path_range();
        let members: Vec<(i64, i32, i64, String, String, i32)> = ta::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(ta::person_county)
                    .and(m::id.nullable().eq(ta::member_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(ta::county_code.eq(key.county))
            .filter(ta::course_id.eq(key.id))
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((ta::id, m::county_code, m::id, m::name, po::name, ta::hours))
            .load(self.conn())?;
        let workers: Vec<(i64, i32, i64, String, String, i32)> = ta::table
            .inner_join(
                pw::table.on(pw::county_code
                    .eq(ta::person_county)
                    .and(pw::id.nullable().eq(ta::worker_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(pw::county_code)
                    .and(po::id.eq(pw::party_org_id))),
            )
            .filter(ta::county_code.eq(key.county))
            .filter(ta::course_id.eq(key.id))
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((
                ta::id,
                pw::county_code,
                pw::id,
                pw::name,
                po::name,
                ta::hours,
            ))
            .load(self.conn())?;
        let total: i64 = ta::table
            .filter(ta::county_code.eq(key.county))
            .filter(ta::course_id.eq(key.id))
            .count()
            .get_result(self.conn())?;
        let mut attendees: Vec<Attendee> = members
            .into_iter()
            .map(|(id, county, mid, name, org, hours)| Attendee {
                id,
                person: Person::Member(Key { county, id: mid }),
                name,
                party_org_name: org,
                hours,
            })
            .chain(
                workers
                    .into_iter()
                    .map(|(id, county, wid, name, org, hours)| Attendee {
                        id,
                        person: Person::Worker(Key { county, id: wid }),
                        name,
                        party_org_name: org,
                        hours,
                    }),
            )
            .collect();
        attendees.sort_by(|a, b| (&a.party_org_name, a.id).cmp(&(&b.party_org_name, b.id)));
        let course = course_of(row, u32::try_from(total).unwrap_or(u32::MAX))?;
        Ok(Some((course, attendees)))
    }

    /// The findings of the workforce rules over `scope` on `today`: vacancies, and the
    /// secretaries in post whose last whole year fell short of the 学时.
    pub(crate) fn workforce_findings(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<liangxin_domain::audit::AuditFinding>> {
        let set = self.rule_set()?;
        let corrupt = |e: liangxin_domain::rules::RuleError| StoreError::Corrupt(e.to_string());
        let rules = WorkforceRules::resolve(&set, today).map_err(corrupt)?;
        let hours_rules = WorkforceRules::for_judged_year(&set, today).map_err(corrupt)?;
        let mut out = Vec::new();
        // A secretary of two organizations is judged once, at the first of them.
        let mut judged: HashSet<Key> = HashSet::new();
        for l in self.secretary_lines(scope, today)? {
            if let Some(v) = &l.vacancy {
                out.extend(rules.judge_vacancy(v, today));
            }
            if let Some(y) = &l.last_year
                && judged.insert(y.member)
            {
                out.extend(hours_rules.judge_training(y));
            }
        }
        Ok(out)
    }
}

/// The columns a [`CourseRow`] is read from.
type CourseColumns = (
    (
        tc::county_code,
        tc::id,
        tc::party_org_id,
        po::name,
        tc::title,
    ),
    (
        tc::kind,
        tc::level,
        tc::starts_on,
        tc::ends_on,
        tc::hours,
        tc::place,
    ),
);

fn course_columns() -> CourseColumns {
    (
        (
            tc::county_code,
            tc::id,
            tc::party_org_id,
            po::name,
            tc::title,
        ),
        (
            tc::kind,
            tc::level,
            tc::starts_on,
            tc::ends_on,
            tc::hours,
            tc::place,
        ),
    )
}

/// A course the scope's own organization organized: its 学时 and first day. Others are
/// refused.
fn organized_course(
    conn: &mut crate::DbConnection,
    scope: &Scope,
    course: Key,
) -> Result<(i32, NaiveDate)> {
    let row: Option<(i32, NaiveDate, String)> = tc::table
        .inner_join(
            po::table.on(po::county_code
                .eq(tc::county_code)
                .and(po::id.eq(tc::party_org_id))),
        )
        .filter(tc::county_code.eq(course.county))
        .filter(tc::id.eq(course.id))
        .select((tc::hours, tc::starts_on, po::path))
        .first(conn)
        .optional()?;
    match row {
        Some((hours, from, path)) if path == scope.party_path && scope.member.is_none() => {
            Ok((hours, from))
        }
        Some((_, _, path)) if scope.contains_path(&path) && scope.member.is_none() => {
            Err(StoreError::invalid("培训", "由主办的党组织登记参训人员"))
        }
        _ => Err(StoreError::invalid("培训", "不存在或不在您的管理范围内")),
    }
}

/// Puts `people` on `course` for `hours` each, each once: refused whole when one is not
/// the scope's or is on it already. The codes added.
fn add_attendance(
    conn: &mut crate::DbConnection,
    scope: &Scope,
    (course, from): (Key, NaiveDate),
    people: &[Person],
    hours: i32,
) -> Result<Vec<String>> {
    let mut unique: Vec<Person> = people.to_vec();
    unique.sort();
    unique.dedup();
    if unique.len() > 5_000 {
        return Err(StoreError::invalid("参训人员", "一次不超过5000人"));
    }
    let on: Vec<(i32, Option<i64>, Option<i64>)> = ta::table
        .filter(ta::county_code.eq(course.county))
        .filter(ta::course_id.eq(course.id))
        .select((ta::person_county, ta::member_id, ta::worker_id))
        .load(conn)?;
    let already: HashSet<Person> = on
        .into_iter()
        .filter_map(|(county, member, worker)| match (member, worker) {
            (Some(id), _) => Some(Person::Member(Key { county, id })),
            (None, Some(id)) => Some(Person::Worker(Key { county, id })),
            (None, None) => None,
        })
        .collect();
    let names = trainees_in_scope(conn, scope, &unique, from)?;
    for p in &unique {
        if already.contains(p) {
            let name = names.get(p).map_or("", String::as_str);
            return Err(StoreError::invalid(
                "参训人员",
                format!("{name}已在本期培训的名单上"),
            ));
        }
    }
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    let first = crate::registry::allocate(
        conn,
        "training_attendance",
        i64::try_from(unique.len()).unwrap_or(i64::MAX),
    )?;
    // 7 columns a row: 500 rows stay under either database's bound variables.
    for (chunk_no, chunk) in unique.chunks(500).enumerate() {
        let rows: Vec<_> = chunk
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let n = i64::try_from(chunk_no * 500 + i).unwrap_or(i64::MAX);
                let (county, member, worker) = match p {
                    Person::Member(k) => (k.county, Some(k.id), None),
                    Person::Worker(k) => (k.county, None, Some(k.id)),
                };
                (
                    ta::county_code.eq(course.county),
                    ta::id.eq(first + n),
                    ta::course_id.eq(course.id),
                    ta::person_county.eq(county),
                    ta::member_id.eq(member),
                    ta::worker_id.eq(worker),
                    ta::hours.eq(hours),
                )
            })
            .collect();
        batch_insert!(conn, ta::table, rows)?;
    }
    Ok(unique.iter().map(|p| p.code()).collect())
}
