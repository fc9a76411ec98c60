//! Organizational life (组织生活): meetings with their attendance, and the facts the
//! compliance engine needs, always through the scope.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::kinds::{Attendance, MeetingKind, PartyOrgType};
use liangxin_domain::life::{self, Attendee, HeldMeeting, LifeFacts, LifeRules, MeetingRecord};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::schema::{meeting_attendance as ma, meetings as mt, members as m, party_orgs as po};
use crate::{Scope, Store};

fn bad(field: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{field}：{e}"))
}

/// A member expected at a meeting of their party organization on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAttendee {
    pub member: Key,
    pub name: String,
    /// A full member that day (has a vote).
    pub voter: bool,
    /// A floating member the organization hosts (流入): attends, does not vote.
    pub hosted: bool,
}

/// A meeting as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingSummary {
    pub key: Key,
    pub party_org: Key,
    pub kind: MeetingKind,
    pub held_on: NaiveDate,
    pub topic: String,
    pub late: bool,
    pub quorate: Option<bool>,
    /// Present, excused, absent.
    pub counts: (u32, u32, u32),
}

/// One attendee's line on a meeting's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceLine {
    pub member: Key,
    pub name: String,
    pub voter: bool,
    pub attendance: Attendance,
    pub reason: Option<String>,
}

/// A whole meeting record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingView {
    pub summary: MeetingSummary,
    pub party_org_name: String,
    pub place: String,
    pub host: String,
    pub recorder: String,
    pub agenda: String,
    pub minutes: String,
    pub decisions: String,
    pub entered_on: NaiveDate,
    pub entered_by: String,
    pub attendance: Vec<AttendanceLine>,
}

/// The party organization's path and type if it is in the scope (a staff scope: a member's
/// own scope holds no organization's records) and not dissolved. Meetings and dues both ask.
pub(crate) fn party_org_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    key: Key,
) -> Result<(String, String)> {
    let row: Option<(String, String)> = po::table
        .filter(po::county_code.eq(key.county))
        .filter(po::id.eq(key.id))
        .filter(po::dissolved_on.is_null())
        .select((po::path, po::org_type))
        .first(conn)
        .optional()?;
    match row {
        Some((path, t)) if scope.contains_path(&path) && scope.member.is_none() => Ok((path, t)),
        _ => Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内")),
    }
}

/// Who a meeting of `kind` of `party_org` on `on` expects: the committee in post that
/// day for a 支委会, the group's members for a 党小组会, and for every other kind the
/// whole branch — its own members, its 党小组's, and the floating members it hosts.
pub(crate) fn expected(
    conn: &mut DbConnection,
    party_org: Key,
    kind: MeetingKind,
    on: NaiveDate,
) -> Result<Vec<ExpectedAttendee>> {
    use crate::schema::party_org_posts as pp;
    let attendees = life::attendees_of(kind);
    // The member ids of the organizations whose members attend, or of the committee.
    let mut orgs = vec![party_org.id];
    let mut committee: Option<Vec<i64>> = None;
    match attendees {
        life::Attendees::Committee => {
            committee = Some(
                pp::table
                    .filter(pp::county_code.eq(party_org.county))
                    .filter(pp::party_org_id.eq(party_org.id))
                    .filter(pp::post.ne(liangxin_domain::kinds::Post::GroupLeader.code()))
                    .filter(pp::since.le(on))
                    .filter(pp::until.is_null().or(pp::until.ge(on)))
                    .select(pp::member_id)
                    .distinct()
                    .load(conn)?,
            );
        }
        life::Attendees::OwnMembers => {}
        life::Attendees::WholeBranch => {
            let groups: Vec<i64> = po::table
                .filter(po::parent_county.eq(party_org.county))
                .filter(po::parent_id.eq(party_org.id))
                .filter(po::org_type.eq(PartyOrgType::Group.code()))
                .filter(po::dissolved_on.is_null().or(po::dissolved_on.gt(on)))
                .select(po::id)
                .load(conn)?;
            orgs.extend(groups);
        }
    }
    let mut q = m::table
        .filter(m::county_code.eq(party_org.county))
        .into_boxed();
    q = match &committee {
        Some(ids) => q.filter(m::id.eq_any(ids.clone())),
        None => q.filter(m::party_org_id.eq_any(orgs.clone())),
    };
    let rows: Vec<(i32, i64, String, Option<NaiveDate>)> = q
        .filter(m::joined_on.le(on))
        // A member who transferred in is the organization's from the day received.
        .filter(m::arrived_on.is_null().or(m::arrived_on.le(on)))
        .filter(m::left_on.is_null().or(m::left_on.gt(on)))
        .order((m::name, m::id))
        .select((m::county_code, m::id, m::name, m::confirmed_on))
        .load(conn)?;
    let mut out: Vec<ExpectedAttendee> = rows
        .into_iter()
        .map(|(county, id, name, confirmed)| ExpectedAttendee {
            member: Key { county, id },
            name,
            voter: confirmed.is_some_and(|c| c <= on),
            hosted: false,
        })
        .collect();
    if committee.is_some() {
        return Ok(out);
    }
    // Floating members the organization hosts that day (五双联动): their attendance here
    // counts for them; they vote at home.
    use crate::schema::floating_members as fm;
    let hosted: Vec<(i32, i64, String)> = fm::table
        .inner_join(
            m::table.on(m::county_code
                .eq(fm::member_county)
                .and(m::id.eq(fm::member_id))),
        )
        .filter(fm::host_county.eq(party_org.county))
        .filter(fm::host_party_org_id.eq(party_org.id))
        .filter(fm::out_on.le(on))
        .filter(fm::back_on.is_null().or(fm::back_on.gt(on)))
        .filter(m::left_on.is_null().or(m::left_on.gt(on)))
        .order((m::name, m::id))
        .select((m::county_code, m::id, m::name))
        .load(conn)?;
    out.extend(
        hosted
            .into_iter()
            .map(|(county, id, name)| ExpectedAttendee {
                member: Key { county, id },
                name,
                voter: false,
                hosted: true,
            }),
    );
    Ok(out)
}

type SummaryRow = (i32, i64, i64, String, NaiveDate, String, bool, Option<bool>);

fn summary(r: SummaryRow, counts: &HashMap<Key, (u32, u32, u32)>) -> Result<MeetingSummary> {
    let (county, id, po_id, kind, held_on, topic, late, quorate) = r;
    let key = Key { county, id };
    Ok(MeetingSummary {
        key,
        party_org: Key { county, id: po_id },
        kind: MeetingKind::parse(&kind).map_err(|e| bad("会议类型", e))?,
        held_on,
        topic,
        late,
        quorate,
        counts: counts.get(&key).copied().unwrap_or_default(),
    })
}

fn attendance_counts(
    conn: &mut DbConnection,
    keys: &[Key],
) -> Result<HashMap<Key, (u32, u32, u32)>> {
    let mut out: HashMap<Key, (u32, u32, u32)> = HashMap::new();
    if keys.is_empty() {
        return Ok(out);
    }
    let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
    let rows: Vec<(i32, i64, String, i64)> = ma::table
        .filter(ma::meeting_id.eq_any(&ids))
        .group_by((ma::county_code, ma::meeting_id, ma::attendance))
        .select((
            ma::county_code,
            ma::meeting_id,
            ma::attendance,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    for (county, id, a, n) in rows {
        let e = out.entry(Key { county, id }).or_default();
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match Attendance::parse(&a).map_err(|e| bad("出席情况", e))? {
            Attendance::Present => e.0 += n,
            Attendance::Excused => e.1 += n,
            Attendance::Absent => e.2 += n,
        }
    }
    Ok(out)
}

impl Store {
    /// Who a meeting of `kind` of a party organization of `scope` expects on a day, by name
    /// (see [`expected`]).
    pub fn expected_attendees(
        &mut self,
        scope: &Scope,
        party_org: Key,
        kind: MeetingKind,
        on: NaiveDate,
    ) -> Result<Vec<ExpectedAttendee>> {
        let conn = self.conn();
        party_org_in_scope(conn, scope, party_org)?;
        expected(conn, party_org, kind, on)
    }

    /// Records a meeting of a party organization of `scope` with the attendance of every
    /// member expected that day (snapshotted with their vote), the quorum where one applies,
    /// and 补录 when entered late. Refused, with nothing written: a date after `today`, a
    /// kind the organization does not hold, an attendee who was not a member that day, a
    /// member left out, 请假 without a reason. One transaction, audited.
    pub fn record_meeting(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        meeting: MeetingRecord,
    ) -> Result<Key> {
        let rules = LifeRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (_, org_type) = party_org_in_scope(conn, scope, meeting.party_org)?;
            let has_committee: bool = po::table
                .filter(po::county_code.eq(meeting.party_org.county))
                .filter(po::id.eq(meeting.party_org.id))
                .select(po::has_committee)
                .first(conn)?;
            let org_type = PartyOrgType::parse(&org_type).map_err(|e| bad("党组织类型", e))?;
            if meeting.held_on > today {
                return Err(StoreError::invalid("会议日期", "不能晚于今天"));
            }
            if meeting.kind == MeetingKind::Committee && !has_committee {
                return Err(StoreError::invalid(
                    "会议类型",
                    "该组织未设支部委员会（只设书记），不召开支委会",
                ));
            }
            if meeting.kind == MeetingKind::GroupMeeting && org_type != PartyOrgType::Group {
                return Err(StoreError::invalid("会议类型", "党小组会应由党小组记录"));
            }
            let expected = expected(conn, meeting.party_org, meeting.kind, meeting.held_on)?;
            if expected.is_empty() && meeting.kind == MeetingKind::Committee {
                return Err(StoreError::invalid(
                    "会议类型",
                    "会议当天该组织没有在任的委员，无法记录支委会",
                ));
            }
            let by_member: HashMap<Key, &ExpectedAttendee> =
                expected.iter().map(|e| (e.member, e)).collect();
            let attendees = check_attendance(
                &expected,
                &meeting.attendance,
                "有人员不是该党组织会议当天的党员",
            )?;
            let quorate = life::quorum(meeting.kind, &attendees);
            let late = rules.is_late(meeting.held_on, today);
            let id = crate::registry::allocate(conn, "meetings", 1)?;
            let key = Key {
                county: meeting.party_org.county,
                id,
            };
            diesel::insert_into(mt::table)
                .values((
                    mt::county_code.eq(key.county),
                    mt::id.eq(id),
                    mt::party_org_id.eq(meeting.party_org.id),
                    mt::kind.eq(meeting.kind.code()),
                    mt::held_on.eq(meeting.held_on),
                    mt::place.eq(&meeting.place),
                    mt::host.eq(&meeting.host),
                    mt::recorder.eq(&meeting.recorder),
                    mt::topic.eq(&meeting.topic),
                    mt::agenda.eq(&meeting.agenda),
                    mt::minutes.eq(&meeting.minutes),
                    mt::decisions.eq(&meeting.decisions),
                    mt::entered_on.eq(today),
                    mt::entered_by.eq(actor),
                    mt::late.eq(late),
                    mt::quorate.eq(quorate),
                ))
                .execute(conn)?;
            for a in &meeting.attendance {
                let voter = by_member.get(&a.member).is_some_and(|e| e.voter);
                diesel::insert_into(ma::table)
                    .values((
                        ma::county_code.eq(key.county),
                        ma::meeting_id.eq(id),
                        ma::member_county.eq(a.member.county),
                        ma::member_id.eq(a.member.id),
                        ma::voter.eq(voter),
                        ma::attendance.eq(a.attendance.code()),
                        ma::reason.eq(a.reason.as_deref().map(str::trim)),
                        ma::held_on.eq(Some(meeting.held_on)),
                    ))
                    .execute(conn)?;
            }
            let attended: Vec<Key> = meeting.attendance.iter().map(|a| a.member).collect();
            crate::activity::refresh(conn, &attended)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "meeting",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": { "county": meeting.party_org.county, "id": meeting.party_org.id },
                        "kind": meeting.kind.code(),
                        "held_on": meeting.held_on,
                        "topic": meeting.topic,
                        "late": late,
                        "quorate": quorate,
                        "attendance": meeting.attendance.iter().map(|a| json!({
                            "member": { "county": a.member.county, "id": a.member.id },
                            "attendance": a.attendance.code(),
                        })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// The meetings of a party organization of `scope` held from `from` to `to`, newest first.
    pub fn meetings_of(
        &mut self,
        scope: &Scope,
        party_org: Key,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<MeetingSummary>> {
        let conn = self.conn();
        party_org_in_scope(conn, scope, party_org)?;
        let rows: Vec<SummaryRow> = mt::table
            .filter(mt::county_code.eq(party_org.county))
            .filter(mt::party_org_id.eq(party_org.id))
            .filter(mt::held_on.between(from, to))
            .order((mt::held_on.desc(), mt::id.desc()))
            .select((
                mt::county_code,
                mt::id,
                mt::party_org_id,
                mt::kind,
                mt::held_on,
                mt::topic,
                mt::late,
                mt::quorate,
            ))
            .load(conn)?;
        let keys: Vec<Key> = rows
            .iter()
            .map(|r| Key {
                county: r.0,
                id: r.1,
            })
            .collect();
        let counts = attendance_counts(conn, &keys)?;
        rows.into_iter().map(|r| summary(r, &counts)).collect()
    }

    /// One meeting with its attendance, if its party organization is in `scope`.
    pub fn meeting(&mut self, scope: &Scope, key: Key) -> Result<Option<MeetingView>> {
        let conn = self.conn();
        type Row = (
            SummaryRow,
            (
                String,
                String,
                String,
                String,
                String,
                String,
                NaiveDate,
                String,
            ),
        );
        let row: Option<Row> = mt::table
            .filter(mt::county_code.eq(key.county))
            .filter(mt::id.eq(key.id))
            .select((
                (
                    mt::county_code,
                    mt::id,
                    mt::party_org_id,
                    mt::kind,
                    mt::held_on,
                    mt::topic,
                    mt::late,
                    mt::quorate,
                ),
                (
                    mt::place,
                    mt::host,
                    mt::recorder,
                    mt::agenda,
                    mt::minutes,
                    mt::decisions,
                    mt::entered_on,
                    mt::entered_by,
                ),
            ))
            .first(conn)
            .optional()?;
        let Some((s, (place, host, recorder, agenda, minutes, decisions, entered_on, entered_by))) =
            row
        else {
            return Ok(None);
        };
        let party_org = Key {
            county: s.0,
            id: s.2,
        };
        if party_org_in_scope(conn, scope, party_org).is_err() {
            return Ok(None);
        }
        let party_org_name: String = po::table
            .filter(po::county_code.eq(party_org.county))
            .filter(po::id.eq(party_org.id))
            .select(po::name)
            .first(conn)?;
        let lines: Vec<(i32, i64, String, bool, String, Option<String>)> = ma::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(ma::member_county)
                    .and(m::id.eq(ma::member_id))),
            )
            .filter(ma::county_code.eq(key.county))
            .filter(ma::meeting_id.eq(key.id))
            .order((m::name, m::id))
            .select((
                ma::member_county,
                ma::member_id,
                m::name,
                ma::voter,
                ma::attendance,
                ma::reason,
            ))
            .load(conn)?;
        let attendance = lines
            .into_iter()
            .map(|(county, id, name, voter, a, reason)| {
                Ok(AttendanceLine {
                    member: Key { county, id },
                    name,
                    voter,
                    attendance: Attendance::parse(&a).map_err(|e| bad("出席情况", e))?,
                    reason,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let counts = attendance_counts(conn, &[key])?;
        Ok(Some(MeetingView {
            summary: summary(s, &counts)?,
            party_org_name,
            place,
            host,
            recorder,
            agenda,
            minutes,
            decisions,
            entered_on,
            entered_by,
            attendance,
        }))
    }

    /// Compliance facts for the party organizations of `scope` that owe meetings (branches,
    /// joint branches, groups with members), with their meetings held from `from` to `to`.
    pub fn life_facts(
        &mut self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<LifeFacts>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        let (low, high) = scope.path_range();
        let owing = [
            PartyOrgType::Branch.code(),
            PartyOrgType::JointBranch.code(),
            PartyOrgType::Group.code(),
        ];
        // A party organization with no member holds no meetings (that it exists at all is
        // the coverage engine's concern). A branch's members include its 党小组's: a branch
        // whose members all sit in groups still owes its meetings.
        let mut with_members: HashSet<Key> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(m::joined_on.le(to))
            .filter(m::arrived_on.is_null().or(m::arrived_on.le(to)))
            .filter(m::left_on.is_null().or(m::left_on.gt(to)))
            .select((m::county_code, m::party_org_id))
            .distinct()
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .map(|(county, id)| Key { county, id })
            .collect();
        let groups: Vec<(i32, i64, Option<i32>, Option<i64>)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::org_type.eq(PartyOrgType::Group.code()))
            .select((po::county_code, po::id, po::parent_county, po::parent_id))
            .load(conn)?;
        for (county, id, parent_county, parent_id) in groups {
            if let (true, Some(county), Some(id)) = (
                with_members.contains(&Key { county, id }),
                parent_county,
                parent_id,
            ) {
                with_members.insert(Key { county, id });
            }
        }
        let orgs: Vec<(i32, i64, String, String, bool, NaiveDate)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any(owing))
            .order((po::county_code, po::id))
            .select((
                po::county_code,
                po::id,
                po::name,
                po::org_type,
                po::has_committee,
                po::records_start,
            ))
            .load::<(i32, i64, String, String, bool, NaiveDate)>(conn)?
            .into_iter()
            .filter(|o| {
                with_members.contains(&Key {
                    county: o.0,
                    id: o.1,
                })
            })
            .collect();
        let held: Vec<(i32, i64, String, crate::day::Day, Option<bool>)> = mt::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(mt::county_code)
                    .and(po::id.eq(mt::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(mt::held_on.between(from, to))
            .select((
                mt::county_code,
                mt::party_org_id,
                mt::kind,
                mt::held_on,
                mt::quorate,
            ))
            .load(conn)?;
        let mut by_org: HashMap<Key, Vec<HeldMeeting>> = HashMap::new();
        for (county, id, kind, held_on, quorate) in held {
            by_org
                .entry(Key { county, id })
                .or_default()
                .push(HeldMeeting {
                    kind: MeetingKind::parse(&kind).map_err(|e| bad("会议类型", e))?,
                    held_on: held_on.0,
                    quorate,
                });
        }
        orgs.into_iter()
            .map(|(county, id, name, t, has_committee, records_start)| {
                let key = Key { county, id };
                Ok(LifeFacts {
                    key,
                    name,
                    org_type: PartyOrgType::parse(&t).map_err(|e| bad("党组织类型", e))?,
                    has_committee,
                    records_start,
                    meetings: by_org.remove(&key).unwrap_or_default(),
                })
            })
            .collect()
    }
}

/// The attendance a record gives, checked against who is expected: every expected member
/// once, nobody else (`stranger` says so), a reason for every 请假.
fn check_attendance(
    expected: &[ExpectedAttendee],
    records: &[life::AttendanceRecord],
    stranger: &str,
) -> Result<Vec<Attendee>> {
    let by_member: HashMap<Key, &ExpectedAttendee> =
        expected.iter().map(|e| (e.member, e)).collect();
    let mut seen = HashSet::new();
    let mut attendees = Vec::with_capacity(records.len());
    for a in records {
        let Some(e) = by_member.get(&a.member) else {
            return Err(StoreError::invalid("出席情况", stranger));
        };
        if !seen.insert(a.member) {
            return Err(StoreError::invalid("出席情况", "同一党员登记了两次"));
        }
        if a.attendance == Attendance::Excused
            && a.reason.as_deref().is_none_or(|r| r.trim().is_empty())
        {
            return Err(StoreError::invalid(
                "出席情况",
                format!("{}请假，应填写请假原因", e.name),
            ));
        }
        attendees.push(Attendee {
            voter: e.voter,
            attendance: a.attendance,
        });
    }
    if let Some(missing) = expected.iter().find(|e| !seen.contains(&e.member)) {
        return Err(StoreError::invalid(
            "出席情况",
            format!("{}是会议当天的党员，应登记出席情况", missing.name),
        ));
    }
    Ok(attendees)
}

/// A correction of a recorded meeting (更正): its content and the attendance of the same
/// expected members, with why it is corrected. The day and kind stay: a meeting recorded
/// on the wrong day or as the wrong kind is withdrawn and recorded again.
#[derive(Debug, Clone)]
pub struct MeetingCorrection {
    pub topic: String,
    pub place: String,
    pub host: String,
    pub recorder: String,
    pub agenda: String,
    pub minutes: String,
    pub decisions: String,
    pub attendance: Vec<life::AttendanceRecord>,
    pub reason: String,
}

/// What the log keeps of a meeting, before or after a correction.
fn meeting_json(
    conn: &mut DbConnection,
    key: Key,
) -> Result<Option<(serde_json::Value, Key, MeetingKind)>> {
    type Row = (
        i64,
        String,
        NaiveDate,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        Option<bool>,
    );
    let row: Option<Row> = mt::table
        .filter(mt::county_code.eq(key.county).and(mt::id.eq(key.id)))
        .select((
            mt::party_org_id,
            mt::kind,
            mt::held_on,
            mt::topic,
            mt::place,
            mt::host,
            mt::recorder,
            mt::agenda,
            mt::minutes,
            mt::decisions,
            mt::quorate,
        ))
        .first(conn)
        .optional()?;
    let Some((
        po_id,
        kind,
        held_on,
        topic,
        place,
        host,
        recorder,
        agenda,
        minutes,
        decisions,
        quorate,
    )) = row
    else {
        return Ok(None);
    };
    let lines: Vec<(i32, i64, String, Option<String>)> = ma::table
        .filter(
            ma::county_code
                .eq(key.county)
                .and(ma::meeting_id.eq(key.id)),
        )
        .order((ma::member_county, ma::member_id))
        .select((ma::member_county, ma::member_id, ma::attendance, ma::reason))
        .load(conn)?;
    let kind = MeetingKind::parse(&kind).map_err(|e| bad("会议类型", e))?;
    Ok(Some((
        json!({
            "kind": kind.code(),
            "held_on": held_on,
            "topic": topic,
            "place": place,
            "host": host,
            "recorder": recorder,
            "agenda": agenda,
            "minutes": minutes,
            "decisions": decisions,
            "quorate": quorate,
            "attendance": lines.iter().map(|(c, i, a, r)| json!({
                "member": { "county": c, "id": i },
                "attendance": a,
                "reason": r,
            })).collect::<Vec<_>>(),
        }),
        Key {
            county: key.county,
            id: po_id,
        },
        kind,
    )))
}

impl Store {
    /// Corrects a meeting of `scope`'s party organizations: its content and attendance,
    /// the quorum computed again; the before and after in the audit log with the reason.
    /// The attendance names the same members as recorded (the day's snapshot).
    pub fn correct_meeting(
        &mut self,
        actor: &str,
        scope: &Scope,
        key: Key,
        c: &MeetingCorrection,
    ) -> Result<()> {
        if c.reason.trim().is_empty() {
            return Err(StoreError::invalid("更正原因", "必填"));
        }
        for (field, value) in [
            ("主题", &c.topic),
            ("地点", &c.place),
            ("主持人", &c.host),
            ("记录人", &c.recorder),
        ] {
            if value.trim().is_empty() {
                return Err(StoreError::invalid(field, "必填"));
            }
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let Some((before, party_org, kind)) = meeting_json(conn, key)? else {
                return Err(StoreError::invalid("会议", "不存在或不在您的管理范围内"));
            };
            party_org_in_scope(conn, scope, party_org)?;
            // The day's snapshot, as recorded: who was expected, and who could vote.
            let recorded: Vec<ExpectedAttendee> = ma::table
                .inner_join(
                    m::table.on(m::county_code
                        .eq(ma::member_county)
                        .and(m::id.eq(ma::member_id))),
                )
                .filter(
                    ma::county_code
                        .eq(key.county)
                        .and(ma::meeting_id.eq(key.id)),
                )
                .select((ma::member_county, ma::member_id, m::name, ma::voter))
                .load::<(i32, i64, String, bool)>(conn)?
                .into_iter()
                .map(|(county, id, name, voter)| ExpectedAttendee {
                    member: Key { county, id },
                    name,
                    voter,
                    hosted: false,
                })
                .collect();
            let attendees =
                check_attendance(&recorded, &c.attendance, "有人员不在这次会议的应到名单中")?;
            let quorate = life::quorum(kind, &attendees);
            diesel::update(mt::table.filter(mt::county_code.eq(key.county).and(mt::id.eq(key.id))))
                .set((
                    mt::topic.eq(c.topic.trim()),
                    mt::place.eq(c.place.trim()),
                    mt::host.eq(c.host.trim()),
                    mt::recorder.eq(c.recorder.trim()),
                    mt::agenda.eq(&c.agenda),
                    mt::minutes.eq(&c.minutes),
                    mt::decisions.eq(&c.decisions),
                    mt::quorate.eq(quorate),
                ))
                .execute(conn)?;
            for a in &c.attendance {
                diesel::update(
                    ma::table
                        .filter(
                            ma::county_code
                                .eq(key.county)
                                .and(ma::meeting_id.eq(key.id)),
                        )
                        .filter(
                            ma::member_county
                                .eq(a.member.county)
                                .and(ma::member_id.eq(a.member.id)),
                        ),
                )
                .set((
                    ma::attendance.eq(a.attendance.code()),
                    ma::reason.eq(a
                        .reason
                        .as_deref()
                        .map(str::trim)
                        .filter(|r| !r.is_empty() && a.attendance == Attendance::Excused)),
                ))
                .execute(conn)?;
            }
            let corrected: Vec<Key> = c.attendance.iter().map(|a| a.member).collect();
            crate::activity::refresh(conn, &corrected)?;
            crate::registry::bump_records(conn)?;
            let after = meeting_json(conn, key)?.map(|(mut v, ..)| {
                v["reason"] = json!(c.reason.trim());
                v
            });
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "correct",
                    entity: "meeting",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(before),
                    after,
                },
            )
        })
    }

    /// Withdraws (撤销) a meeting recorded in error: it and its attendance go, every figure
    /// follows; the whole record and the reason stay in the audit log.
    pub fn withdraw_meeting(
        &mut self,
        actor: &str,
        scope: &Scope,
        key: Key,
        reason: &str,
    ) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(StoreError::invalid("撤销原因", "必填"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let Some((before, party_org, _)) = meeting_json(conn, key)? else {
                return Err(StoreError::invalid("会议", "不存在或不在您的管理范围内"));
            };
            party_org_in_scope(conn, scope, party_org)?;
            let attended =
                crate::activity::members_of_meetings(conn, Some(key.county), key.id, key.id)?;
            diesel::delete(
                ma::table.filter(
                    ma::county_code
                        .eq(key.county)
                        .and(ma::meeting_id.eq(key.id)),
                ),
            )
            .execute(conn)?;
            diesel::delete(mt::table.filter(mt::county_code.eq(key.county).and(mt::id.eq(key.id))))
                .execute(conn)?;
            crate::activity::refresh(conn, &attended)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "withdraw",
                    entity: "meeting",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(before),
                    after: Some(json!({ "withdrawn": true, "reason": reason.trim() })),
                },
            )
        })
    }
}
