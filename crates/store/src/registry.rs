//! The registry: regions, zones, organizations, party organizations (with their
//! materialized paths), coverage links, instructors and members.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::archive::ArchiveRecord;
use liangxin_domain::dues::{DuesRules, PaymentRecord, StandardRecord};
use liangxin_domain::floating::FloatingRecord;
use liangxin_domain::kinds::{
    FlowStatus, FormationMode, MemberStatus, PartyOrgType, ZoneClass, ZoneKind, ZoneLevel,
};
use liangxin_domain::life::{Attendee, LifeRules, RecordedMeeting};
use liangxin_domain::registry::{
    Background, CoverageLink, Instructor, InstructorAssignment, Key, Member, Organization,
    PartyOrg, Region, Zone, check_member_dates,
};
use liangxin_domain::resident_id::ResidentId;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::schema::{
    id_alloc, instructor_assignments, instructors, member_profiles, members, organizations,
    party_org_coverage, party_orgs, regions, zones,
};
use crate::{Scope, Store};

#[derive(Insertable)]
#[diesel(table_name = regions)]
struct RegionRow<'a> {
    code: i32,
    name: &'a str,
    parent_code: Option<i32>,
    level: &'static str,
}

#[derive(Insertable)]
#[diesel(table_name = zones)]
struct ZoneRow<'a> {
    id: i64,
    code: &'a str,
    name: &'a str,
    kind: &'static str,
    class: Option<&'static str>,
    level: Option<&'static str>,
    county_code: i32,
    town_code: Option<i32>,
}

#[derive(Insertable)]
#[diesel(table_name = organizations)]
pub(crate) struct OrganizationRow<'a> {
    pub(crate) county_code: i32,
    pub(crate) id: i64,
    pub(crate) name: &'a str,
    pub(crate) credit_code: Option<&'a str>,
    pub(crate) credit_code_check_failed: bool,
    pub(crate) kind: &'static str,
    pub(crate) sectors: i64,
    pub(crate) town_code: Option<i32>,
    pub(crate) zone_id: Option<i64>,
    pub(crate) employees: Option<i32>,
    pub(crate) registered_on: Option<NaiveDate>,
}

#[derive(Insertable)]
#[diesel(table_name = party_orgs)]
struct PartyOrgRow<'a> {
    county_code: i32,
    id: i64,
    parent_county: Option<i32>,
    parent_id: Option<i64>,
    path: String,
    name: &'a str,
    org_type: &'static str,
    formation_mode: Option<&'static str>,
    zone_id: Option<i64>,
    has_committee: bool,
    term_started: Option<NaiveDate>,
    /// 台账起始月: the first day of the month the organization's records start.
    records_start: NaiveDate,
}

#[derive(Insertable)]
#[diesel(table_name = party_org_coverage)]
struct CoverageRow {
    county_code: i32,
    organization_id: i64,
    party_org_county: i32,
    party_org_id: i64,
    since: NaiveDate,
}

#[derive(Insertable)]
#[diesel(table_name = instructors)]
struct InstructorRow<'a> {
    county_code: i32,
    id: i64,
    name: &'a str,
    phone: Option<&'a str>,
}

#[derive(Insertable)]
#[diesel(table_name = instructor_assignments)]
struct AssignmentRow {
    county_code: i32,
    organization_id: i64,
    instructor_county: i32,
    instructor_id: i64,
    since: NaiveDate,
    until: Option<NaiveDate>,
}

/// The columns of [`MemberRow`], by which batched SQLite inserts size their chunks.
const MEMBER_ROW_COLUMNS: usize = 16;

#[derive(Insertable, Queryable, Selectable, Clone)]
#[diesel(table_name = members)]
#[diesel(treat_none_as_default_value = false)]
pub(crate) struct MemberRow {
    pub(crate) county_code: i32,
    pub(crate) id: i64,
    pub(crate) party_org_id: i64,
    pub(crate) name: String,
    pub(crate) sex: String,
    pub(crate) birth_year: i32,
    pub(crate) status: String,
    pub(crate) joined_on: NaiveDate,
    pub(crate) confirmed_on: Option<NaiveDate>,
    pub(crate) workplace_county: Option<i32>,
    pub(crate) workplace_org_id: Option<i64>,
    pub(crate) flow: String,
    pub(crate) flow_destination: Option<String>,
    pub(crate) ethnicity: Option<String>,
    pub(crate) education: Option<String>,
    pub(crate) occupation: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = member_profiles)]
#[diesel(treat_none_as_default_value = false)]
struct ProfileRow {
    county_code: i32,
    member_id: i64,
    resident_id_cipher: Vec<u8>,
    resident_id_hash: String,
    resident_id_masked: String,
    phone: Option<String>,
}

fn member_row(m: &Member) -> MemberRow {
    MemberRow {
        county_code: m.key.county,
        id: m.key.id,
        party_org_id: m.party_org_id,
        name: m.name.clone(),
        sex: m.resident_id.sex().code().to_owned(),
        birth_year: m.resident_id.birth_date().year(),
        status: m.status.code().to_owned(),
        joined_on: m.joined_on,
        confirmed_on: m.confirmed_on,
        workplace_county: m.workplace.map(|k| k.county),
        workplace_org_id: m.workplace.map(|k| k.id),
        flow: m.flow.code().to_owned(),
        flow_destination: m.flow_destination.clone(),
        ethnicity: m.background.ethnicity.map(|e| e.code().to_owned()),
        education: m.background.education.map(|e| e.code().to_owned()),
        occupation: m.background.occupation.map(|e| e.code().to_owned()),
    }
}

fn profile_row(store_cipher: &crate::IdCipher, m: &Member) -> Result<ProfileRow> {
    Ok(ProfileRow {
        county_code: m.key.county,
        member_id: m.key.id,
        resident_id_cipher: store_cipher.encrypt(&m.resident_id, m.key.county, m.key.id)?,
        resident_id_hash: store_cipher.lookup_hash(&m.resident_id),
        resident_id_masked: m.resident_id.masked(),
        phone: m.phone.clone(),
    })
}

/// What the audit log keeps of a member: never the resident ID in clear.
pub(crate) fn member_json(row: &MemberRow, masked: &str) -> serde_json::Value {
    json!({
        "party_org": { "county": row.county_code, "id": row.party_org_id },
        "name": row.name,
        "resident_id": masked,
        "status": row.status,
        "joined_on": row.joined_on,
        "confirmed_on": row.confirmed_on,
        "workplace": row.workplace_org_id.map(|id| json!({ "county": row.workplace_county, "id": id })),
        "flow": row.flow,
        "flow_destination": row.flow_destination,
        "ethnicity": row.ethnicity,
        "education": row.education,
        "occupation": row.occupation,
    })
}

/// What a correction of a member's record may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberChange {
    pub name: String,
    pub status: MemberStatus,
    /// 入党时间
    pub joined_on: NaiveDate,
    /// 转正时间
    pub confirmed_on: Option<NaiveDate>,
    pub workplace: Option<Key>,
    pub phone: Option<String>,
    /// 民族、学历、职业, as the correction leaves them.
    pub background: Background,
}

/// What a change of a party organization may set (its place in the tree and its county stay).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgChange {
    pub name: String,
    pub org_type: PartyOrgType,
    pub formation_mode: Option<FormationMode>,
    pub has_committee: bool,
    /// 本届任期开始
    pub term_started: Option<NaiveDate>,
    /// Every unit it should cover among those the changing scope sees.
    pub covers: Vec<Key>,
}

/// 138****5678: the audit log says a phone number changed without keeping it whole.
fn mask_phone(p: &str) -> String {
    p.chars()
        .enumerate()
        .map(|(i, c)| if (3..7).contains(&i) { '*' } else { c })
        .collect()
}

/// Whether a bulk load adds to the registry or replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadMode {
    Append,
    /// Deletes the registry first, in the same transaction (the audit log stays, with an
    /// entry saying so).
    Replace,
}

/// Counters [`clear_registry`] leaves running: the records' versions, and the ids of the
/// tables it keeps.
const KEPT_COUNTERS: [&str; 4] = [
    "registry_version",
    "records_version",
    "assessment_criteria",
    "audit_runs",
];

/// Empties the registry tables and the accounts anchored to them, children first; the
/// audit log, the rules and the record of sign-in attempts are kept.
fn clear_registry(conn: &mut DbConnection, keys: &crate::IdCipher, actor: &str) -> Result<()> {
    let members: i64 = members::table.count().get_result(conn)?;
    let orgs: i64 = organizations::table.count().get_result(conn)?;
    // Accounts are anchored to the registry's rows: they go with it.
    diesel::delete(crate::schema::sessions::table).execute(conn)?;
    diesel::delete(crate::schema::api_tokens::table).execute(conn)?;
    diesel::delete(crate::schema::account_recovery_codes::table).execute(conn)?;
    diesel::delete(crate::schema::account_totp::table).execute(conn)?;
    diesel::delete(crate::schema::secretary_handovers::table).execute(conn)?;
    diesel::delete(crate::schema::users::table).execute(conn)?;
    diesel::delete(crate::schema::audit_findings::table).execute(conn)?;
    // Imports name blocks of member ids, and the ids start again at 1.
    diesel::delete(crate::schema::import_updates::table).execute(conn)?;
    diesel::delete(crate::schema::import_assignments::table).execute(conn)?;
    diesel::delete(crate::schema::import_uploads::table).execute(conn)?;
    diesel::delete(crate::schema::imports::table).execute(conn)?;
    diesel::delete(crate::schema::floating_members::table).execute(conn)?;
    diesel::delete(crate::schema::correction_cases::table).execute(conn)?;
    diesel::delete(crate::schema::checkup_areas::table).execute(conn)?;
    diesel::delete(crate::schema::checkups::table).execute(conn)?;
    diesel::delete(crate::schema::member_records::table).execute(conn)?;
    diesel::delete(crate::schema::fund_lines::table).execute(conn)?;
    diesel::delete(crate::schema::fund_budgets::table).execute(conn)?;
    diesel::delete(crate::schema::zone_items::table).execute(conn)?;
    diesel::delete(crate::schema::duty_tasks::table).execute(conn)?;
    diesel::delete(crate::schema::spot_check_findings::table).execute(conn)?;
    diesel::delete(crate::schema::spot_check_items::table).execute(conn)?;
    diesel::delete(crate::schema::spot_check_rounds::table).execute(conn)?;
    diesel::delete(crate::schema::exemplars::table).execute(conn)?;
    diesel::delete(crate::schema::area_charges::table).execute(conn)?;
    diesel::delete(crate::schema::assessment_finals::table).execute(conn)?;
    diesel::delete(crate::schema::assessment_scores::table).execute(conn)?;
    diesel::delete(crate::schema::project_notes::table).execute(conn)?;
    diesel::delete(crate::schema::project_milestones::table).execute(conn)?;
    diesel::delete(crate::schema::led_projects::table).execute(conn)?;
    diesel::delete(crate::schema::investor_event_attendance::table).execute(conn)?;
    diesel::delete(crate::schema::investor_events::table).execute(conn)?;
    diesel::delete(crate::schema::unit_investors::table).execute(conn)?;
    diesel::delete(crate::schema::training_attendance::table).execute(conn)?;
    diesel::delete(crate::schema::training_courses::table).execute(conn)?;
    diesel::delete(crate::schema::party_workers::table).execute(conn)?;
    diesel::delete(crate::schema::center_bookings::table).execute(conn)?;
    diesel::delete(crate::schema::service_centers::table).execute(conn)?;
    diesel::delete(crate::schema::review_rectifications::table).execute(conn)?;
    diesel::delete(crate::schema::secretary_report_files::table).execute(conn)?;
    diesel::delete(crate::schema::secretary_reports::table).execute(conn)?;
    diesel::delete(crate::schema::review_meetings::table).execute(conn)?;
    diesel::delete(crate::schema::star_items::table).execute(conn)?;
    diesel::delete(crate::schema::star_assessments::table).execute(conn)?;
    diesel::delete(crate::schema::rectification_notes::table).execute(conn)?;
    diesel::delete(crate::schema::rectification_cases::table).execute(conn)?;
    diesel::delete(crate::schema::appraisal_ballots::table).execute(conn)?;
    diesel::delete(crate::schema::appraisal_credentials::table).execute(conn)?;
    diesel::delete(crate::schema::appraisal_roll::table).execute(conn)?;
    diesel::delete(crate::schema::appraisal_rounds::table).execute(conn)?;
    diesel::delete(crate::schema::transfer_events::table).execute(conn)?;
    diesel::delete(crate::schema::transfers::table).execute(conn)?;
    diesel::delete(crate::schema::member_archive_items::table).execute(conn)?;
    diesel::delete(crate::schema::member_activity::table).execute(conn)?;
    diesel::delete(crate::schema::dues_payments::table).execute(conn)?;
    diesel::delete(crate::schema::dues_standards::table).execute(conn)?;
    diesel::delete(crate::schema::party_org_posts::table).execute(conn)?;
    diesel::delete(crate::schema::meeting_attendance::table).execute(conn)?;
    diesel::delete(crate::schema::meetings::table).execute(conn)?;
    diesel::delete(member_profiles::table).execute(conn)?;
    diesel::delete(members::table).execute(conn)?;
    diesel::delete(instructor_assignments::table).execute(conn)?;
    diesel::delete(instructors::table).execute(conn)?;
    diesel::delete(crate::schema::coverage_ended::table).execute(conn)?;
    diesel::delete(party_org_coverage::table).execute(conn)?;
    diesel::delete(party_orgs::table).execute(conn)?;
    diesel::delete(organizations::table).execute(conn)?;
    diesel::delete(zones::table).execute(conn)?;
    diesel::delete(regions::table).execute(conn)?;
    // The versions keep counting: readers' caches are keyed by them; so do the ids of what
    // the registry's replacement keeps (the city's 考核清单 criteria, the audit's runs).
    diesel::update(id_alloc::table.filter(id_alloc::name.ne_all(KEPT_COUNTERS)))
        .set(id_alloc::next_id.eq(1))
        .execute(conn)?;
    audit::append(
        conn,
        keys,
        Entry {
            actor,
            action: "clear",
            entity: "members",
            county: 0,
            entity_id: 0,
            before: Some(json!({ "members": members, "organizations": orgs })),
            after: None,
        },
    )
}

/// A whole city to load at once (the demo, later imports): every slice in dependency
/// order, ids already assigned and unique per table.
#[derive(Debug, Clone, Copy)]
pub struct Bulk<'a> {
    pub regions: &'a [Region],
    pub zones: &'a [Zone],
    pub organizations: &'a [Organization],
    /// Parents before children.
    pub party_orgs: &'a [PartyOrg],
    pub coverage: &'a [CoverageLink],
    pub instructors: &'a [Instructor],
    pub assignments: &'a [InstructorAssignment],
    pub members: &'a [Member],
    /// Meetings with their attendance (members and party organizations above).
    pub meetings: &'a [RecordedMeeting],
    /// Dues standards per member and year, and regular payments.
    pub dues_standards: &'a [StandardRecord],
    pub dues_payments: &'a [PaymentRecord],
    /// 台账起始月 of every party organization loaded: the first month its records cover.
    pub records_start: NaiveDate,
    /// Items held in members' archives.
    pub archive_items: &'a [ArchiveRecord],
    /// Floating members' records (流动党员), ids assigned.
    pub floating: &'a [FloatingRecord],
}

/// Values per `IN (…)` list: well under SQLite's 32,766 bound variables.
pub(crate) const IN_LIST_MAX: usize = 10_000;

/// Rows per INSERT: under SQLite's 32,766 bound variables and PostgreSQL's 65,535.
fn chunk_rows(columns: usize) -> usize {
    (30_000 / columns).max(1)
}

fn insert_chunks<T, F>(
    conn: &mut DbConnection,
    rows: &[T],
    columns: usize,
    stage: &str,
    progress: &mut dyn FnMut(&str, usize, usize),
    mut insert: F,
) -> Result<()>
where
    F: FnMut(&mut DbConnection, &[T]) -> QueryResult<usize>,
{
    let mut done = 0;
    for chunk in rows.chunks(chunk_rows(columns)) {
        insert(conn, chunk)?;
        done += chunk.len();
        progress(stage, done, rows.len());
    }
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = crate::schema::meetings)]
struct MeetingRow<'a> {
    county_code: i32,
    id: i64,
    party_org_id: i64,
    kind: &'static str,
    held_on: NaiveDate,
    place: &'a str,
    host: &'a str,
    recorder: &'a str,
    topic: &'a str,
    agenda: &'a str,
    minutes: &'a str,
    decisions: &'a str,
    entered_on: NaiveDate,
    entered_by: &'static str,
    late: bool,
    quorate: Option<bool>,
}

#[derive(Insertable)]
#[diesel(table_name = crate::schema::meeting_attendance)]
#[diesel(treat_none_as_default_value = false)]
struct AttendanceRow<'a> {
    county_code: i32,
    meeting_id: i64,
    member_county: i32,
    member_id: i64,
    voter: bool,
    attendance: &'static str,
    reason: Option<&'a str>,
    held_on: Option<NaiveDate>,
}

/// Rows for loaded meetings: each attendee's vote as of the meeting (a full member by then),
/// the quorum and 补录 computed as `record_meeting` computes them.
fn meeting_rows<'a>(
    confirmed: &HashMap<Key, Option<NaiveDate>>,
    meetings: &'a [RecordedMeeting],
    late_days: i64,
) -> (Vec<MeetingRow<'a>>, Vec<AttendanceRow<'a>>) {
    let mut rows = Vec::with_capacity(meetings.len());
    let mut attendance = Vec::new();
    for m in meetings {
        let r = &m.record;
        let voter = |k: &Key| {
            confirmed
                .get(k)
                .copied()
                .flatten()
                .is_some_and(|c| c <= r.held_on)
        };
        let attendees: Vec<Attendee> = r
            .attendance
            .iter()
            .map(|a| Attendee {
                voter: voter(&a.member),
                attendance: a.attendance,
            })
            .collect();
        rows.push(MeetingRow {
            county_code: m.key.county,
            id: m.key.id,
            party_org_id: r.party_org.id,
            kind: r.kind.code(),
            held_on: r.held_on,
            place: &r.place,
            host: &r.host,
            recorder: &r.recorder,
            topic: &r.topic,
            agenda: &r.agenda,
            minutes: &r.minutes,
            decisions: &r.decisions,
            entered_on: m.entered_on,
            entered_by: "demo",
            late: (m.entered_on - r.held_on).num_days() > late_days,
            quorate: liangxin_domain::life::quorum(r.kind, &attendees),
        });
        for a in &r.attendance {
            attendance.push(AttendanceRow {
                county_code: m.key.county,
                meeting_id: m.key.id,
                member_county: a.member.county,
                member_id: a.member.id,
                voter: voter(&a.member),
                attendance: a.attendance.code(),
                reason: a.reason.as_deref(),
                held_on: Some(r.held_on),
            });
        }
    }
    (rows, attendance)
}

#[derive(Insertable)]
#[diesel(table_name = crate::schema::dues_standards)]
struct StandardRow<'a> {
    county_code: i32,
    member_id: i64,
    year: i32,
    category: &'static str,
    base_fen: Option<i64>,
    monthly_fen: i64,
    reduced_fen: Option<i64>,
    reduction_approval: Option<&'a str>,
    set_on: NaiveDate,
    set_by: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = crate::schema::dues_payments)]
#[diesel(treat_none_as_default_value = false)]
struct PaymentRow<'a> {
    county_code: i32,
    id: i64,
    member_id: i64,
    month: NaiveDate,
    amount_fen: i64,
    kind: &'static str,
    paid_on: NaiveDate,
    note: Option<&'a str>,
    entered_by: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = crate::schema::floating_members)]
struct FloatingRow<'a> {
    id: i64,
    member_county: i32,
    member_id: i64,
    host_county: Option<i32>,
    host_party_org_id: Option<i64>,
    destination: &'a str,
    certificate_no: Option<&'a str>,
    certificate_valid_until: Option<NaiveDate>,
    out_on: NaiveDate,
    back_on: Option<NaiveDate>,
    note: &'a str,
}

#[derive(Insertable)]
#[diesel(table_name = crate::schema::member_archive_items)]
struct ArchiveRow<'a> {
    county_code: i32,
    member_id: i64,
    item: &'static str,
    received_on: NaiveDate,
    recorded_by: &'a str,
}

/// DIALECT: the largest loads (millions of rows) go into PostgreSQL by COPY (binary), several
/// times faster than multi-row INSERTs; into SQLite by batched INSERTs of `columns` columns.
/// Evaluates to `Result<()>`.
macro_rules! copy_rows {
    ($conn:expr, $table:expr, $rows:expr, $columns:expr, $stage:expr, $progress:expr) => {
        match &mut *$conn {
            DbConnection::Postgres(c) => diesel::copy_from($table)
                .from_insertable($rows)
                .execute(c)
                .map(|_| ())
                .map_err(StoreError::from),
            DbConnection::Sqlite(_) => {
                insert_chunks(&mut *$conn, $rows, $columns, $stage, $progress, |c, ch| {
                    batch_insert!(c, $table, ch)
                })
            }
        }
    };
}

/// Paths for a forest given parents before children; a parent loaded before (a city's
/// root under its province) is read from `conn`.
fn compute_paths(conn: &mut DbConnection, party_orgs: &[PartyOrg]) -> Result<HashMap<i64, String>> {
    let mut paths: HashMap<i64, String> = HashMap::with_capacity(party_orgs.len());
    let ids: HashSet<i64> = party_orgs.iter().map(|p| p.key.id).collect();
    for po in party_orgs {
        if let Some(parent) = po.parent
            && !ids.contains(&parent.id)
            && !paths.contains_key(&parent.id)
            && let Some(path) = party_orgs::table
                .filter(party_orgs::county_code.eq(parent.county))
                .filter(party_orgs::id.eq(parent.id))
                .select(party_orgs::path)
                .first::<String>(conn)
                .optional()?
        {
            paths.insert(parent.id, path);
        }
    }
    for po in party_orgs {
        let path = match po.parent {
            None => format!("/{}/", po.key.id),
            Some(parent) => {
                let p = paths.get(&parent.id).ok_or_else(|| {
                    StoreError::invalid(
                        "上级党组织",
                        format!("{}的上级党组织不存在或排在其后", po.name),
                    )
                })?;
                format!("{p}{}/", po.key.id)
            }
        };
        paths.insert(po.key.id, path);
    }
    Ok(paths)
}

fn party_org_row<'a>(po: &'a PartyOrg, path: String, records_start: NaiveDate) -> PartyOrgRow<'a> {
    PartyOrgRow {
        county_code: po.key.county,
        id: po.key.id,
        parent_county: po.parent.map(|k| k.county),
        parent_id: po.parent.map(|k| k.id),
        path,
        name: &po.name,
        org_type: po.org_type.code(),
        formation_mode: po.formation_mode.map(|m| m.code()),
        zone_id: po.zone,
        has_committee: po.has_committee,
        term_started: po.term_started,
        records_start,
    }
}

/// The first day of the month of `day`: a 台账起始月 is a month.
pub(crate) fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The party organization exists and lies in the scope's subtree.
fn ensure_party_org_in_scope(conn: &mut DbConnection, scope: &Scope, po: Key) -> Result<()> {
    match party_org_path(conn, po)? {
        None => Err(StoreError::invalid("所在党组织", "不存在")),
        Some(p) if !scope.contains_path(&p) => {
            Err(StoreError::invalid("所在党组织", "不在您的管理范围内"))
        }
        Some(_) => Ok(()),
    }
}

/// Whether a party organization lies in the scope.
pub(crate) fn party_org_in_scope(conn: &mut DbConnection, scope: &Scope, po: Key) -> Result<bool> {
    Ok(party_org_path(conn, po)?.is_some_and(|p| scope.contains_path(&p)))
}

/// A party organization's path in the tree, if it exists.
fn party_org_path(conn: &mut DbConnection, po: Key) -> Result<Option<String>> {
    Ok(party_orgs::table
        .filter(
            party_orgs::county_code
                .eq(po.county)
                .and(party_orgs::id.eq(po.id)),
        )
        .select(party_orgs::path)
        .first(conn)
        .optional()?)
}

/// The member's row, if the member's party organization lies in the scope. A member
/// outside it is reported as not found, so scopes do not learn of each other's members.
pub(crate) fn member_in_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    key: Key,
) -> Result<MemberRow> {
    let (low, high) = scope.path_range();
    members::table
        .inner_join(
            party_orgs::table.on(party_orgs::county_code
                .eq(members::county_code)
                .and(party_orgs::id.eq(members::party_org_id))),
        )
        .filter(
            members::county_code
                .eq(key.county)
                .and(members::id.eq(key.id)),
        )
        .filter(party_orgs::path.ge(low).and(party_orgs::path.lt(high)))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::invalid("党员", "不存在"))
}

/// Members' rows and their identities, made before their ids are given
/// ([`PreparedMembers::insert`]).
pub(crate) struct PreparedMembers {
    members: Vec<MemberRow>,
    profiles: Vec<ProfileRow>,
    ids: Vec<ResidentId>,
}

impl PreparedMembers {
    /// Rows for these members, given the keyed hashes of their IDs.
    pub(crate) fn new(members: impl ExactSizeIterator<Item = (Member, String)>) -> PreparedMembers {
        let mut out = PreparedMembers {
            members: Vec::with_capacity(members.len()),
            profiles: Vec::with_capacity(members.len()),
            ids: Vec::with_capacity(members.len()),
        };
        for (m, hash) in members {
            out.members.push(member_row(&m));
            out.profiles.push(ProfileRow {
                county_code: m.key.county,
                member_id: m.key.id,
                resident_id_cipher: Vec::new(),
                resident_id_hash: hash,
                resident_id_masked: m.resident_id.masked(),
                phone: m.phone,
            });
            out.ids.push(m.resident_id);
        }
        out
    }

    /// Gives the members the ids `first..` in order, seals each identity for its row, and
    /// inserts them (inside the writing transaction).
    pub(crate) fn insert(
        mut self,
        conn: &mut DbConnection,
        cipher: &crate::IdCipher,
        first: i64,
    ) -> Result<()> {
        for (((m, p), resident_id), id) in self
            .members
            .iter_mut()
            .zip(self.profiles.iter_mut())
            .zip(&self.ids)
            .zip(first..)
        {
            m.id = id;
            p.member_id = id;
            p.resident_id_cipher = cipher.encrypt(resident_id, p.county_code, id)?;
        }
        match conn {
            // One prepared statement per table, kept by diesel's cache and bound row by
            // row: a multi-row INSERT is parsed anew each time and needs a statement journal.
            DbConnection::Sqlite(c) => {
                for row in &self.members {
                    diesel::insert_into(members::table).values(row).execute(c)?;
                }
                for row in &self.profiles {
                    diesel::insert_into(member_profiles::table)
                        .values(row)
                        .execute(c)?;
                }
            }
            DbConnection::Postgres(_) => {
                let rows = &self.members;
                copy_rows!(
                    conn,
                    members::table,
                    rows,
                    MEMBER_ROW_COLUMNS,
                    "党员",
                    &mut |_, _, _| {}
                )?;
                let rows = &self.profiles;
                copy_rows!(
                    conn,
                    member_profiles::table,
                    rows,
                    6,
                    "党员身份信息",
                    &mut |_, _, _| {}
                )?;
            }
        }
        Ok(())
    }
}

/// Marks the registry changed (inside the writing transaction).
/// name, credit code, check failed, kind, sectors, zone, employees, registered on
type OrganizationSnapshot = (
    String,
    Option<String>,
    bool,
    String,
    i64,
    Option<i64>,
    Option<i32>,
    Option<NaiveDate>,
);

fn organization_json(o: &OrganizationSnapshot) -> serde_json::Value {
    json!({
        "name": o.0,
        "credit_code": o.1,
        "credit_code_check_failed": o.2,
        "kind": o.3,
        "sectors": o.4,
        "zone": o.5,
        "employees": o.6,
        "registered_on": o.7,
    })
}

/// The zone lies in the organization's county and the scope's zone; the credit code is
/// not another organization's (`own` is the organization being changed).
fn check_organization_fields(
    conn: &mut DbConnection,
    scope: &Scope,
    org: &Organization,
    own: Option<Key>,
) -> Result<()> {
    if let Some(z) = org.zone {
        let zone_county: Option<i32> = zones::table
            .filter(zones::id.eq(z))
            .select(zones::county_code)
            .first(conn)
            .optional()?;
        if zone_county != Some(org.key.county) || scope.zone.is_some_and(|mine| mine != z) {
            return Err(StoreError::invalid(
                "园区小镇",
                "不在所选县(市、区)或您的管理范围内",
            ));
        }
    }
    if let Some(code) = &org.credit_code {
        let holders: Vec<(i32, i64)> = organizations::table
            .filter(organizations::credit_code.eq(code.as_str()))
            .select((organizations::county_code, organizations::id))
            .limit(2)
            .load(conn)?;
        if holders
            .iter()
            .any(|&(county, id)| Some(Key { county, id }) != own)
        {
            return Err(StoreError::invalid("统一社会信用代码", "已被其他组织使用"));
        }
    }
    Ok(())
}

pub(crate) fn bump_version(conn: &mut DbConnection) -> Result<()> {
    allocate(conn, "registry_version", 1).map(|_| ())
}

/// Marks meetings, dues or findings changed (inside the writing transaction): what the
/// to-do lists are computed from.
pub(crate) fn bump_records(conn: &mut DbConnection) -> Result<()> {
    allocate(conn, "records_version", 1).map(|_| ())
}

/// The registry's and the records' versions, read on `conn` (inside a write, under its lock).
pub(crate) fn records_version(conn: &mut DbConnection) -> Result<(i64, i64)> {
    let rows: Vec<(String, i64)> = id_alloc::table
        .filter(id_alloc::name.eq_any(["registry_version", "records_version"]))
        .select((id_alloc::name, id_alloc::next_id))
        .load(conn)?;
    let get = |n: &str| rows.iter().find(|r| r.0 == n).map_or(0, |r| r.1);
    Ok((get("registry_version"), get("records_version")))
}

/// Reserves `n` consecutive ids of a table; returns the first.
pub(crate) fn allocate(conn: &mut DbConnection, table: &str, n: i64) -> Result<i64> {
    use id_alloc::dsl as i;
    // The UPDATE takes the row (PostgreSQL) or database (SQLite) write lock first, so two
    // writers never get the same ids.
    diesel::update(i::id_alloc.filter(i::name.eq(table)))
        .set(i::next_id.eq(i::next_id + n))
        .execute(conn)?;
    let next: i64 = i::id_alloc
        .filter(i::name.eq(table))
        .select(i::next_id)
        .first(conn)?;
    Ok(next - n)
}

impl Store {
    /// Loads a whole city in one transaction: all of it or nothing. `progress` is called
    /// with a stage name, rows done and rows in the stage.
    pub fn bulk_load(
        &mut self,
        actor: &str,
        mode: LoadMode,
        city: Bulk<'_>,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<()> {
        self.bulk_load_and(actor, mode, city, progress, &mut |_, _| Ok(()))
    }

    /// [`Store::bulk_load`], with `and` run last inside the same transaction (founding a
    /// city writes its first account with its regions and committees, or nothing).
    pub(crate) fn bulk_load_and(
        &mut self,
        actor: &str,
        mode: LoadMode,
        city: Bulk<'_>,
        progress: &mut dyn FnMut(&str, usize, usize),
        and: &mut dyn FnMut(&mut DbConnection, &crate::IdCipher) -> Result<()>,
    ) -> Result<()> {
        let records_start = month_start(city.records_start);
        // 补录 is judged by the threshold in force on the latest entry's day.
        let late_days = match city.meetings.iter().map(|m| m.entered_on).max() {
            Some(day) => {
                LifeRules::resolve(&self.rule_set()?, day)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    .late_entry_days
                    .value
            }
            None => 0,
        };
        // Each year's standard by the table in force on its first day.
        let rule_set = self.rule_set()?;
        let standard_rows = city
            .dues_standards
            .iter()
            .map(|r| {
                let on = NaiveDate::from_ymd_opt(r.year, 1, 1).unwrap_or_default();
                let rules = DuesRules::resolve(&rule_set, on)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let s = liangxin_domain::dues::monthly_standard(
                    r.category,
                    r.base,
                    r.farmer_amount,
                    &rules,
                )
                .map_err(|e| StoreError::invalid("党费标准", e.to_string()))?;
                Ok(StandardRow {
                    county_code: r.member.county,
                    member_id: r.member.id,
                    year: r.year,
                    category: r.category.code(),
                    base_fen: r.base.map(|b| b.fen()),
                    monthly_fen: s.monthly.fen(),
                    reduced_fen: None,
                    reduction_approval: None,
                    set_on: on,
                    set_by: actor,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let payment_row = |first_id: i64, i: usize, p: &PaymentRecord| PaymentRow {
            county_code: p.member.county,
            id: first_id + i as i64,
            member_id: p.member.id,
            month: p.month.first_day(),
            amount_fen: p.amount.fen(),
            kind: "regular",
            paid_on: p.paid_on,
            note: None,
            entered_by: actor,
        };
        let cipher = &self.cipher;
        // Encryption is the costly part of a member row; do it before the write lock.
        let profiles: Vec<ProfileRow> = city
            .members
            .iter()
            .map(|m| profile_row(cipher, m))
            .collect::<Result<_>>()?;
        let member_rows: Vec<MemberRow> = city.members.iter().map(member_row).collect();
        let loaded = crate::connection::write_transaction(&mut self.conn, |conn| {
            if mode == LoadMode::Replace {
                clear_registry(conn, cipher, actor)?;
            }
            let paths = compute_paths(conn, city.party_orgs)?;
            // Payments take ids after those stored (a province is loaded city by city).
            let first_payment: i64 = id_alloc::table
                .filter(id_alloc::name.eq("dues_payments"))
                .select(id_alloc::next_id)
                .first(conn)?;
            let payment_rows: Vec<PaymentRow> = city
                .dues_payments
                .iter()
                .enumerate()
                .map(|(i, p)| payment_row(first_payment, i, p))
                .collect();
            let rows: Vec<RegionRow> = city
                .regions
                .iter()
                .map(|r| RegionRow {
                    code: r.code,
                    name: &r.name,
                    parent_code: r.parent,
                    level: region_level(r.code),
                })
                .collect();
            insert_chunks(conn, &rows, 4, "行政区划", progress, |c, ch| {
                batch_insert!(c, regions::table, ch)
            })?;
            let rows: Vec<ZoneRow> = city
                .zones
                .iter()
                .map(|z| ZoneRow {
                    id: z.id,
                    code: &z.code,
                    name: &z.name,
                    kind: z.kind.code(),
                    class: z.class.map(|c| c.code()),
                    level: z.level.map(|l| l.code()),
                    county_code: z.county,
                    town_code: z.town,
                })
                .collect();
            insert_chunks(conn, &rows, 8, "园区小镇", progress, |c, ch| {
                batch_insert!(c, zones::table, ch)
            })?;
            let rows: Vec<OrganizationRow> = city
                .organizations
                .iter()
                .map(|o| OrganizationRow {
                    county_code: o.key.county,
                    id: o.key.id,
                    name: &o.name,
                    credit_code: o.credit_code.as_ref().map(|c| c.as_str()),
                    credit_code_check_failed: o.credit_code_check_failed,
                    kind: o.kind.code(),
                    sectors: o.sectors.bits(),
                    town_code: o.town,
                    zone_id: o.zone,
                    employees: o.employees,
                    registered_on: o.registered_on,
                })
                .collect();
            insert_chunks(conn, &rows, 10, "两新组织", progress, |c, ch| {
                batch_insert!(c, organizations::table, ch)
            })?;
            let rows: Vec<PartyOrgRow> = city
                .party_orgs
                .iter()
                .map(|po| {
                    party_org_row(
                        po,
                        paths.get(&po.key.id).cloned().unwrap_or_default(),
                        records_start,
                    )
                })
                .collect();
            insert_chunks(conn, &rows, 10, "党组织", progress, |c, ch| {
                batch_insert!(c, party_orgs::table, ch)
            })?;
            let rows: Vec<CoverageRow> = city
                .coverage
                .iter()
                .map(|l| CoverageRow {
                    county_code: l.organization.county,
                    organization_id: l.organization.id,
                    party_org_county: l.party_org.county,
                    party_org_id: l.party_org.id,
                    since: l.since,
                })
                .collect();
            insert_chunks(conn, &rows, 5, "覆盖关系", progress, |c, ch| {
                batch_insert!(c, party_org_coverage::table, ch)
            })?;
            let rows: Vec<InstructorRow> = city
                .instructors
                .iter()
                .map(|i| InstructorRow {
                    county_code: i.key.county,
                    id: i.key.id,
                    name: &i.name,
                    phone: i.phone.as_deref(),
                })
                .collect();
            insert_chunks(conn, &rows, 4, "党建指导员", progress, |c, ch| {
                batch_insert!(c, instructors::table, ch)
            })?;
            let rows: Vec<AssignmentRow> = city
                .assignments
                .iter()
                .map(|a| AssignmentRow {
                    county_code: a.organization.county,
                    organization_id: a.organization.id,
                    instructor_county: a.instructor.county,
                    instructor_id: a.instructor.id,
                    since: a.since,
                    until: a.until,
                })
                .collect();
            insert_chunks(conn, &rows, 6, "指导员选派", progress, |c, ch| {
                batch_insert!(c, instructor_assignments::table, ch)
            })?;
            insert_chunks(
                conn,
                &member_rows,
                MEMBER_ROW_COLUMNS,
                "党员",
                progress,
                |c, ch| batch_insert!(c, members::table, ch),
            )?;
            insert_chunks(
                conn,
                &profiles,
                6,
                "党员身份信息",
                progress,
                |c, ch| batch_insert!(c, member_profiles::table, ch),
            )?;
            // A slice of meetings at a time: the attendance rows of a whole city would
            // double the memory the load needs.
            let confirmed: HashMap<Key, Option<NaiveDate>> = city
                .members
                .iter()
                .map(|m| (m.key, m.confirmed_on))
                .collect();
            let mut done = 0;
            for slice in city.meetings.chunks(5_000) {
                let (meeting_rows, attendance_rows) = meeting_rows(&confirmed, slice, late_days);
                insert_chunks(
                    conn,
                    &meeting_rows,
                    16,
                    "会议",
                    &mut |_, _, _| {},
                    |c, ch| batch_insert!(c, crate::schema::meetings::table, ch),
                )?;
                copy_rows!(
                    conn,
                    crate::schema::meeting_attendance::table,
                    &attendance_rows,
                    8,
                    "出席情况",
                    &mut |_, _, _| {}
                )?;
                done += slice.len();
                progress("会议和出席情况", done, city.meetings.len());
            }
            insert_chunks(
                conn,
                &standard_rows,
                10,
                "党费标准",
                progress,
                |c, ch| batch_insert!(c, crate::schema::dues_standards::table, ch),
            )?;
            copy_rows!(
                conn,
                crate::schema::dues_payments::table,
                &payment_rows,
                9,
                "党费",
                progress
            )?;
            let archive_rows: Vec<ArchiveRow> = city
                .archive_items
                .iter()
                .map(|a| ArchiveRow {
                    county_code: a.member.county,
                    member_id: a.member.id,
                    item: a.item.code(),
                    received_on: a.received_on,
                    recorded_by: actor,
                })
                .collect();
            insert_chunks(conn, &archive_rows, 5, "档案材料", progress, |c, ch| {
                batch_insert!(c, crate::schema::member_archive_items::table, ch)
            })?;
            // Once every attendance line, payment and archive item is in: the loaded
            // counties' members only, when the load is added beside others.
            match mode {
                LoadMode::Replace => crate::activity::rebuild(conn, None)?,
                LoadMode::Append => {
                    // Whose records were loaded: the members', and any others' lines.
                    let counties: BTreeSet<i32> = city
                        .members
                        .iter()
                        .map(|m| m.key.county)
                        .chain(
                            city.meetings
                                .iter()
                                .flat_map(|m| m.record.attendance.iter().map(|a| a.member.county)),
                        )
                        .chain(city.dues_payments.iter().map(|p| p.member.county))
                        .chain(city.archive_items.iter().map(|a| a.member.county))
                        .collect();
                    crate::activity::rebuild(conn, Some(&counties))?;
                }
            }
            let floating_rows: Vec<FloatingRow> = city
                .floating
                .iter()
                .map(|f| FloatingRow {
                    id: f.id,
                    member_county: f.member.county,
                    member_id: f.member.id,
                    host_county: f.host.map(|h| h.county),
                    host_party_org_id: f.host.map(|h| h.id),
                    destination: &f.destination,
                    certificate_no: f.certificate_no.as_deref(),
                    certificate_valid_until: f.certificate_valid_until,
                    out_on: f.out_on,
                    back_on: f.back_on,
                    note: &f.note,
                })
                .collect();
            insert_chunks(
                conn,
                &floating_rows,
                11,
                "流动党员",
                progress,
                |c, ch| batch_insert!(c, crate::schema::floating_members::table, ch),
            )?;
            for (table, max) in [
                (
                    "dues_payments",
                    Some(first_payment + payment_rows.len() as i64 - 1),
                ),
                ("meetings", city.meetings.iter().map(|m| m.key.id).max()),
                (
                    "organizations",
                    city.organizations.iter().map(|o| o.key.id).max(),
                ),
                ("party_orgs", city.party_orgs.iter().map(|o| o.key.id).max()),
                ("members", city.members.iter().map(|o| o.key.id).max()),
                (
                    "instructors",
                    city.instructors.iter().map(|o| o.key.id).max(),
                ),
                ("zones", city.zones.iter().map(|z| z.id).max()),
                ("floating_members", city.floating.iter().map(|f| f.id).max()),
            ] {
                use id_alloc::dsl as i;
                let next = max.unwrap_or(0) + 1;
                diesel::update(i::id_alloc.filter(i::name.eq(table).and(i::next_id.lt(next))))
                    .set(i::next_id.eq(next))
                    .execute(conn)?;
            }
            bump_version(conn)?;
            bump_records(conn)?;
            // One entry for the whole load: who, when, how many members.
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "bulk_load",
                    entity: "members",
                    county: 0,
                    entity_id: 0,
                    before: None,
                    after: Some(json!({
                        "members": city.members.len(),
                        "organizations": city.organizations.len(),
                        "party_orgs": city.party_orgs.len(),
                    })),
                },
            )?;
            and(conn, cipher)
        });
        loaded?;
        // Fresh planner statistics after a bulk change. DIALECT: on PostgreSQL VACUUM also
        // clears dead rows of a replace and sets the visibility map that index-only scans
        // need; it cannot run inside a transaction, hence after the commit.
        match &mut self.conn {
            DbConnection::Postgres(c) => diesel::sql_query(
                "VACUUM ANALYZE regions, zones, organizations, party_orgs, party_org_coverage, \
                 instructors, instructor_assignments, members, member_profiles, meetings, \
                 meeting_attendance, dues_standards, dues_payments, member_archive_items, \
                 floating_members, member_activity",
            )
            .execute(c)?,
            DbConnection::Sqlite(c) => diesel::sql_query("ANALYZE").execute(c)?,
        };
        Ok(())
    }

    /// Sets up a party organization under `parent` in `scope` (a root only in the
    /// administrative scope over the whole tree), covering `covers` — units the scope sees —
    /// from `since`. One transaction: the node, its coverage, the audit entry.
    pub fn insert_party_org(
        &mut self,
        actor: &str,
        scope: &Scope,
        mut po: PartyOrg,
        covers: &[Key],
        since: NaiveDate,
    ) -> Result<Key> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let parent_path = match po.parent {
                None if scope.party_path == "/" => "/".to_owned(),
                None => return Err(StoreError::invalid("上级党组织", "必填")),
                Some(parent) => {
                    let path: String = party_orgs::table
                        .filter(party_orgs::county_code.eq(parent.county))
                        .filter(party_orgs::id.eq(parent.id))
                        .select(party_orgs::path)
                        .first::<String>(conn)
                        .optional()?
                        .ok_or_else(|| StoreError::invalid("上级党组织", "不存在"))?;
                    if !scope.contains_path(&path) {
                        return Err(StoreError::invalid("上级党组织", "不在您的管理范围内"));
                    }
                    path
                }
            };
            let county_known: Option<i32> = regions::table
                .filter(regions::code.eq(po.key.county))
                .select(regions::code)
                .first(conn)
                .optional()?;
            // A node is in its parent's county; under a city-level node, in one of its counties.
            let in_region = scope
                .county_range()
                .is_none_or(|(lo, hi)| (lo..=hi).contains(&po.key.county))
                && po.parent.is_none_or(|p| {
                    if p.county % 100 == 0 {
                        (p.county..=p.county + 99).contains(&po.key.county)
                    } else {
                        p.county == po.key.county
                    }
                });
            if county_known.is_none() || !in_region {
                return Err(StoreError::invalid("县(市、区)", "不在您的管理范围内"));
            }
            let ids: Vec<i64> = covers.iter().map(|k| k.id).collect();
            let visible: i64 = crate::coverage::scoped_organizations(scope, since)
                .filter(organizations::id.eq_any(&ids))
                .count()
                .get_result(conn)?;
            if usize::try_from(visible).unwrap_or(0) != covers.len() {
                return Err(StoreError::invalid(
                    "覆盖单位",
                    "有单位不存在或不在您的管理范围内",
                ));
            }
            po.key.id = allocate(conn, "party_orgs", 1)?;
            let path = format!("{parent_path}{}/", po.key.id);
            diesel::insert_into(party_orgs::table)
                .values(party_org_row(&po, path, month_start(since)))
                .execute(conn)?;
            for unit in covers {
                diesel::insert_into(party_org_coverage::table)
                    .values(CoverageRow {
                        county_code: unit.county,
                        organization_id: unit.id,
                        party_org_county: po.key.county,
                        party_org_id: po.key.id,
                        since,
                    })
                    .execute(conn)?;
            }
            bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "party_org",
                    county: po.key.county,
                    entity_id: po.key.id,
                    before: None,
                    after: Some(json!({
                        "name": po.name,
                        "parent": po.parent.map(|k| json!({ "county": k.county, "id": k.id })),
                        "org_type": po.org_type.code(),
                        "formation_mode": po.formation_mode.map(|m| m.code()),
                        "has_committee": po.has_committee,
                        "term_started": po.term_started,
                        "covers": covers.iter().map(|k| json!({ "county": k.county, "id": k.id })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(po.key)
        })
    }

    /// Changes a party organization of `scope`: its name, type, formation mode, committee
    /// and term, and the units it covers among those the scope sees (units outside the
    /// scope's view stay as they are). A unit no longer covered keeps its link's history in
    /// `coverage_ended` (to yesterday), so past coverage still computes; a new one is
    /// covered from today. `seen` is the version the form showed: a party organization
    /// changed since is not overwritten ([`StoreError::Stale`]). One transaction, audited;
    /// an unchanged save writes nothing.
    pub fn update_party_org(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        change: PartyOrgChange,
        seen: i64,
    ) -> Result<()> {
        use crate::schema::coverage_ended;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            type Current = (
                String,
                String,
                String,
                Option<String>,
                bool,
                Option<NaiveDate>,
                i64,
            );
            let row: Option<Current> = party_orgs::table
                .filter(party_orgs::county_code.eq(key.county))
                .filter(party_orgs::id.eq(key.id))
                .filter(party_orgs::dissolved_on.is_null())
                .select((
                    party_orgs::path,
                    party_orgs::name,
                    party_orgs::org_type,
                    party_orgs::formation_mode,
                    party_orgs::has_committee,
                    party_orgs::term_started,
                    party_orgs::row_version,
                ))
                .first(conn)
                .optional()?;
            let Some((_, name, org_type, mode, has_committee, term_started, version)) =
                row.filter(|r| scope.contains_path(&r.0))
            else {
                return Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内"));
            };
            // Under the write lock: nobody changes it between this check and the update.
            if version != seen {
                return Err(StoreError::Stale { what: "党组织" });
            }
            if change.term_started.is_some_and(|t| t > today) {
                return Err(StoreError::invalid("本届任期开始", "不能晚于今天"));
            }
            let links: Vec<(i32, i64, NaiveDate)> = party_org_coverage::table
                .filter(party_org_coverage::party_org_county.eq(key.county))
                .filter(party_org_coverage::party_org_id.eq(key.id))
                .select((
                    party_org_coverage::county_code,
                    party_org_coverage::organization_id,
                    party_org_coverage::since,
                ))
                .load(conn)?;
            let current: HashMap<Key, NaiveDate> = links
                .into_iter()
                .map(|(county, id, since)| (Key { county, id }, since))
                .collect();
            let wanted: BTreeSet<Key> = change.covers.iter().copied().collect();
            // The units the scope sees among those named and those covered now.
            let ids: Vec<i64> = wanted.iter().chain(current.keys()).map(|k| k.id).collect();
            let visible: HashSet<Key> = crate::coverage::scoped_organizations(scope, today)
                .filter(organizations::id.eq_any(&ids))
                .select((organizations::county_code, organizations::id))
                .load::<(i32, i64)>(conn)?
                .into_iter()
                .map(|(county, id)| Key { county, id })
                .collect();
            let added: Vec<Key> = wanted
                .iter()
                .filter(|k| !current.contains_key(k))
                .copied()
                .collect();
            if added.iter().any(|k| !visible.contains(k)) {
                return Err(StoreError::invalid(
                    "覆盖单位",
                    "有单位不存在或不在您的管理范围内",
                ));
            }
            let mut removed: Vec<(Key, NaiveDate)> = current
                .iter()
                .filter(|(k, _)| visible.contains(k) && !wanted.contains(k))
                .map(|(k, since)| (*k, *since))
                .collect();
            removed.sort();
            let fields_before = json!({
                "name": name,
                "org_type": org_type,
                "formation_mode": mode,
                "has_committee": has_committee,
                "term_started": term_started,
            });
            let fields_after = json!({
                "name": change.name,
                "org_type": change.org_type.code(),
                "formation_mode": change.formation_mode.map(|m| m.code()),
                "has_committee": change.has_committee,
                "term_started": change.term_started,
            });
            if fields_before == fields_after && added.is_empty() && removed.is_empty() {
                return Ok(());
            }
            let stranded = crate::posts::posts_in(conn, key)?
                .into_iter()
                .find(|h| h.until.is_none() && !h.post.fits(change.org_type));
            if let Some(h) = stranded {
                return Err(StoreError::invalid(
                    "类型",
                    format!(
                        "{}没有“{}”这一职务，现任的{}须先登记离任",
                        change.org_type.label(),
                        h.post.label(),
                        h.name
                    ),
                ));
            }
            diesel::update(
                party_orgs::table
                    .filter(party_orgs::county_code.eq(key.county))
                    .filter(party_orgs::id.eq(key.id)),
            )
            .set((
                party_orgs::name.eq(&change.name),
                party_orgs::org_type.eq(change.org_type.code()),
                party_orgs::formation_mode.eq(change.formation_mode.map(|m| m.code())),
                party_orgs::has_committee.eq(change.has_committee),
                party_orgs::term_started.eq(change.term_started),
            ))
            .execute(conn)?;
            for (unit, since) in &removed {
                diesel::delete(
                    party_org_coverage::table
                        .filter(party_org_coverage::county_code.eq(unit.county))
                        .filter(party_org_coverage::organization_id.eq(unit.id))
                        .filter(party_org_coverage::party_org_county.eq(key.county))
                        .filter(party_org_coverage::party_org_id.eq(key.id)),
                )
                .execute(conn)?;
                // A link made and undone on the same day never held at a day's end.
                if let Some(until) = today.pred_opt().filter(|u| u >= since) {
                    diesel::insert_into(coverage_ended::table)
                        .values((
                            coverage_ended::county_code.eq(unit.county),
                            coverage_ended::organization_id.eq(unit.id),
                            coverage_ended::party_org_county.eq(key.county),
                            coverage_ended::party_org_id.eq(key.id),
                            coverage_ended::since.eq(since),
                            coverage_ended::until.eq(until),
                        ))
                        .execute(conn)?;
                }
            }
            for unit in &added {
                diesel::insert_into(party_org_coverage::table)
                    .values(CoverageRow {
                        county_code: unit.county,
                        organization_id: unit.id,
                        party_org_county: key.county,
                        party_org_id: key.id,
                        since: today,
                    })
                    .execute(conn)?;
            }
            bump_version(conn)?;
            let keys = |ks: &mut dyn Iterator<Item = Key>| {
                ks.map(|k| json!({ "county": k.county, "id": k.id }))
                    .collect::<Vec<_>>()
            };
            let mut after = fields_after;
            after["covers_added"] = json!(keys(&mut added.iter().copied()));
            after["covers_removed"] = json!(keys(&mut removed.iter().map(|r| r.0)));
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "update",
                    entity: "party_org",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(fields_before),
                    after: Some(after),
                },
            )
        })
    }

    /// Organizations of `scope` by credit code, for forms that name units by code.
    pub fn organizations_by_credit_code(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        codes: &[String],
    ) -> Result<Vec<(Key, String)>> {
        Ok(crate::coverage::scoped_organizations(scope, today)
            .filter(organizations::credit_code.eq_any(codes))
            .select((
                organizations::county_code,
                organizations::id,
                organizations::credit_code,
            ))
            .load::<(i32, i64, Option<String>)>(&mut self.conn)?
            .into_iter()
            .filter_map(|(county, id, code)| Some((Key { county, id }, code?)))
            .collect())
    }

    /// Registers an organization in `scope` and returns its key (the id in `org.key` is
    /// ignored). The county must lie in the scope's region (an administrative scope over
    /// the whole tree may register anywhere), the zone in that county and the scope's zone,
    /// and the credit code must be new. One transaction, audited.
    pub fn insert_organization(
        &mut self,
        actor: &str,
        scope: &Scope,
        mut org: Organization,
    ) -> Result<Key> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let in_region = match (scope.county_range(), scope.zone) {
                (Some((lo, hi)), _) => (lo..=hi).contains(&org.key.county),
                // A zone committee registers in its zone's county.
                (None, Some(z)) => {
                    zones::table
                        .filter(zones::id.eq(z))
                        .select(zones::county_code)
                        .first::<i32>(conn)
                        .optional()?
                        == Some(org.key.county)
                }
                (None, None) => scope.party_path == "/",
            };
            let county_known: Option<i32> = regions::table
                .filter(regions::code.eq(org.key.county))
                .select(regions::code)
                .first(conn)
                .optional()?;
            if !in_region || county_known.is_none() || org.key.county % 100 == 0 {
                return Err(StoreError::invalid("县(市、区)", "不在您的管理范围内"));
            }
            check_organization_fields(conn, scope, &org, None)?;
            org.key.id = allocate(conn, "organizations", 1)?;
            let row = OrganizationRow {
                county_code: org.key.county,
                id: org.key.id,
                name: &org.name,
                credit_code: org.credit_code.as_ref().map(|c| c.as_str()),
                credit_code_check_failed: org.credit_code_check_failed,
                kind: org.kind.code(),
                sectors: org.sectors.bits(),
                town_code: org.town,
                zone_id: org.zone,
                employees: org.employees,
                registered_on: org.registered_on,
            };
            diesel::insert_into(organizations::table)
                .values(&row)
                .execute(conn)?;
            bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "organization",
                    county: org.key.county,
                    entity_id: org.key.id,
                    before: None,
                    after: Some(json!({
                        "name": row.name,
                        "credit_code": row.credit_code,
                        "credit_code_check_failed": row.credit_code_check_failed,
                        "kind": row.kind,
                        "sectors": row.sectors,
                        "zone": row.zone_id,
                        "employees": row.employees,
                        "registered_on": row.registered_on,
                    })),
                },
            )?;
            Ok(org.key)
        })
    }

    /// Changes an organization `scope` sees (its county, the distribution key, stays): the
    /// same checks as registering, the credit code unique apart from the organization
    /// itself. `seen` is the version the form showed: a record changed since is not
    /// overwritten ([`StoreError::Stale`]). One transaction, audited with the values before
    /// and after.
    pub fn update_organization(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        org: Organization,
        seen: i64,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let key = org.key;
            let before: Option<(OrganizationSnapshot, i64)> =
                crate::coverage::scoped_organizations(scope, today)
                    .filter(organizations::county_code.eq(key.county))
                    .filter(organizations::id.eq(key.id))
                    .select((
                        (
                            organizations::name,
                            organizations::credit_code,
                            organizations::credit_code_check_failed,
                            organizations::kind,
                            organizations::sectors,
                            organizations::zone_id,
                            organizations::employees,
                            organizations::registered_on,
                        ),
                        organizations::row_version,
                    ))
                    .first(conn)
                    .optional()?;
            let Some((before, version)) = before else {
                return Err(StoreError::invalid("单位", "不存在或不在您的管理范围内"));
            };
            // Under the write lock: nobody changes it between this check and the update.
            if version != seen {
                return Err(StoreError::Stale { what: "单位" });
            }
            check_organization_fields(conn, scope, &org, Some(key))?;
            let after: OrganizationSnapshot = (
                org.name.clone(),
                org.credit_code.as_ref().map(|c| c.as_str().to_owned()),
                org.credit_code_check_failed,
                org.kind.code().to_owned(),
                org.sectors.bits(),
                org.zone,
                org.employees,
                org.registered_on,
            );
            if after == before {
                return Ok(());
            }
            diesel::update(
                organizations::table
                    .filter(organizations::county_code.eq(key.county))
                    .filter(organizations::id.eq(key.id)),
            )
            .set((
                organizations::name.eq(&after.0),
                organizations::credit_code.eq(&after.1),
                organizations::credit_code_check_failed.eq(after.2),
                organizations::kind.eq(&after.3),
                organizations::sectors.eq(after.4),
                organizations::zone_id.eq(after.5),
                organizations::employees.eq(after.6),
                organizations::registered_on.eq(after.7),
            ))
            .execute(conn)?;
            bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "update",
                    entity: "organization",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(organization_json(&before)),
                    after: Some(organization_json(&after)),
                },
            )
        })
    }

    /// The zones a scope may place organizations in: id, name, county.
    pub fn zones_in(&mut self, scope: &Scope) -> Result<Vec<(i64, String, i32)>> {
        Ok(self
            .zones_of(scope)?
            .into_iter()
            .map(|z| (z.id, z.name, z.county))
            .collect())
    }

    /// The zones (园区、小镇、楼宇、市场) of a scope's region, or the scope's own zone.
    pub fn zones_of(&mut self, scope: &Scope) -> Result<Vec<Zone>> {
        let mut q = zones::table
            .select((
                zones::id,
                zones::code,
                zones::name,
                zones::kind,
                zones::class,
                zones::level,
                zones::county_code,
                zones::town_code,
            ))
            .order(zones::id)
            .into_boxed();
        if let Some((lo, hi)) = scope.county_range() {
            q = q.filter(zones::county_code.between(lo, hi));
        } else if scope.party_path != "/" && scope.zone.is_none() {
            return Ok(Vec::new());
        }
        if let Some(z) = scope.zone {
            q = q.filter(zones::id.eq(z));
        }
        type ZoneRow = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            i32,
            Option<i32>,
        );
        let rows: Vec<ZoneRow> = q.load(&mut self.conn)?;
        let bad = |field: &'static str, e: liangxin_domain::kinds::UnknownValue| {
            StoreError::invalid(field, e.to_string())
        };
        rows.into_iter()
            .map(|(id, code, name, kind, class, level, county, town)| {
                Ok(Zone {
                    id,
                    code,
                    name,
                    kind: ZoneKind::parse(&kind).map_err(|e| bad("区域类型", e))?,
                    class: class
                        .map(|c| ZoneClass::parse(&c).map_err(|e| bad("小镇分类", e)))
                        .transpose()?,
                    level: level
                        .map(|l| ZoneLevel::parse(&l).map_err(|e| bad("区域级别", e)))
                        .transpose()?,
                    county,
                    town,
                })
            })
            .collect()
    }

    /// Links a party organization to an organization it covers.
    pub fn add_coverage(&mut self, link: CoverageLink) -> Result<()> {
        crate::connection::write_transaction(&mut self.conn, |conn| {
            diesel::insert_into(party_org_coverage::table)
                .values(CoverageRow {
                    county_code: link.organization.county,
                    organization_id: link.organization.id,
                    party_org_county: link.party_org.county,
                    party_org_id: link.party_org.id,
                    since: link.since,
                })
                .execute(conn)?;
            bump_version(conn)
        })
    }

    /// Adds an instructor and returns the key.
    pub fn insert_instructor(&mut self, mut ins: Instructor) -> Result<Key> {
        crate::connection::write_transaction(&mut self.conn, |conn| {
            ins.key.id = allocate(conn, "instructors", 1)?;
            diesel::insert_into(instructors::table)
                .values(InstructorRow {
                    county_code: ins.key.county,
                    id: ins.key.id,
                    name: &ins.name,
                    phone: ins.phone.as_deref(),
                })
                .execute(conn)?;
            bump_version(conn)?;
            Ok(ins.key)
        })
    }

    /// Assigns an instructor (派员驻建 / 工作覆盖) to an organization the scope sees. The
    /// instructor must be of the organization's county and not already assigned to it.
    /// One transaction, audited.
    pub fn assign_instructor(
        &mut self,
        actor: &str,
        scope: &Scope,
        a: InstructorAssignment,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let visible: i64 = crate::coverage::scoped_organizations(
                scope,
                a.since.max(a.until.unwrap_or(a.since)),
            )
            .filter(
                organizations::county_code
                    .eq(a.organization.county)
                    .and(organizations::id.eq(a.organization.id)),
            )
            .count()
            .get_result(conn)?;
            if visible == 0 {
                return Err(StoreError::invalid("单位", "不存在"));
            }
            if a.instructor.county != a.organization.county {
                return Err(StoreError::invalid(
                    "党建指导员",
                    "应为本县(市、区)的党建指导员",
                ));
            }
            let known: i64 = instructors::table
                .filter(
                    instructors::county_code
                        .eq(a.instructor.county)
                        .and(instructors::id.eq(a.instructor.id)),
                )
                .count()
                .get_result(conn)?;
            if known == 0 {
                return Err(StoreError::invalid("党建指导员", "没有这名党建指导员"));
            }
            let current: i64 = instructor_assignments::table
                .filter(instructor_assignments::county_code.eq(a.organization.county))
                .filter(instructor_assignments::organization_id.eq(a.organization.id))
                .filter(instructor_assignments::instructor_county.eq(a.instructor.county))
                .filter(instructor_assignments::instructor_id.eq(a.instructor.id))
                .filter(instructor_assignments::until.is_null())
                .count()
                .get_result(conn)?;
            if current > 0 {
                return Err(StoreError::invalid("党建指导员", "已选派到该单位"));
            }
            diesel::insert_into(instructor_assignments::table)
                .values(AssignmentRow {
                    county_code: a.organization.county,
                    organization_id: a.organization.id,
                    instructor_county: a.instructor.county,
                    instructor_id: a.instructor.id,
                    since: a.since,
                    until: a.until,
                })
                .execute(conn)?;
            bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "assign_instructor",
                    entity: "organization",
                    county: a.organization.county,
                    entity_id: a.organization.id,
                    before: None,
                    after: Some(
                        json!({ "instructor": { "county": a.instructor.county, "id": a.instructor.id }, "since": a.since, "until": a.until }),
                    ),
                },
            )
        })
    }

    /// The instructors of a county: key and name, by name.
    pub fn instructors_in(&mut self, county: i32) -> Result<Vec<(Key, String)>> {
        Ok(instructors::table
            .filter(instructors::county_code.eq(county))
            .order((instructors::name, instructors::id))
            .select((instructors::id, instructors::name))
            .load::<(i64, String)>(&mut self.conn)?
            .into_iter()
            .map(|(id, n)| (Key { county, id }, n))
            .collect())
    }

    /// Registers a member (the id in `m.key` is ignored; the county must be the party
    /// organization's, which must lie in `scope`; the dates must keep the constitution's
    /// rules as of `today`). One transaction: member, encrypted identity, audit entry.
    pub fn insert_member(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        mut m: Member,
    ) -> Result<Key> {
        if let Some((field, reason)) =
            check_member_dates(&m.resident_id, m.status, m.joined_on, m.confirmed_on, today)
                .into_iter()
                .next()
        {
            return Err(StoreError::invalid(field, reason));
        }
        let hash = self.cipher.lookup_hash(&m.resident_id);
        let cipher = &self.cipher;
        // Ok(Err(..)): refused, but what the transaction wrote (a lookup in the audit log)
        // is kept.
        crate::connection::write_transaction(&mut self.conn, |conn| {
            crate::lookups::ensure_budget(conn, actor)?;
            ensure_party_org_in_scope(
                conn,
                scope,
                Key {
                    county: m.key.county,
                    id: m.party_org_id,
                },
            )?;
            // Unique across the whole deployment, not only the scope: the same person
            // registered twice is a transfer to be made, not a second member. A record
            // that left (转出, 死亡 …) does not count: the person may come back.
            let taken: Option<(i32, i64)> = member_profiles::table
                .inner_join(
                    members::table.on(members::county_code
                        .eq(member_profiles::county_code)
                        .and(members::id.eq(member_profiles::member_id))),
                )
                .filter(member_profiles::resident_id_hash.eq(&hash))
                .filter(members::left_on.is_null())
                .select((members::county_code, members::party_org_id))
                .first(conn)
                .optional()?;
            if let Some((county, id)) = taken {
                // Within the scope it is the asker's own register; outside it, where the
                // person is registered is not theirs to learn. Either way the asker has
                // learnt that this number is a member's: logged and rationed.
                use crate::lookups::{Confirmed, ELSEWHERE};
                let (how, why) = if party_org_in_scope(conn, scope, Key { county, id })? {
                    (
                        Confirmed::InScope,
                        "已在本辖区登记为党员（如需转到此处请办理组织关系转接）",
                    )
                } else {
                    (Confirmed::Elsewhere, ELSEWHERE)
                };
                let masked = [m.resident_id.masked()];
                crate::lookups::record(
                    conn,
                    cipher,
                    actor,
                    how,
                    m.key.county,
                    "登记党员",
                    &masked,
                )?;
                return Ok(Err(StoreError::invalid("身份证号", why)));
            }
            m.key.id = allocate(conn, "members", 1)?;
            let row = member_row(&m);
            diesel::insert_into(members::table)
                .values(&row)
                .execute(conn)?;
            diesel::insert_into(member_profiles::table)
                .values(profile_row(cipher, &m)?)
                .execute(conn)?;
            bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "member",
                    county: m.key.county,
                    entity_id: m.key.id,
                    before: None,
                    after: Some(member_json(&row, &m.resident_id.masked())),
                },
            )?;
            Ok(Ok(m.key))
        })?
    }

    /// Changes a member's status (预备 → 正式 on 转正), with the before and after audited.
    pub fn set_member_status(
        &mut self,
        actor: &str,
        scope: &Scope,
        key: Key,
        status: MemberStatus,
        confirmed_on: Option<NaiveDate>,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before = member_in_scope(conn, scope, key)?;
            if let Some(date) = confirmed_on
                && date < before.joined_on
            {
                return Err(StoreError::invalid("转正时间", "不能早于入党时间"));
            }
            let masked: String = member_profiles::table
                .filter(member_profiles::county_code.eq(key.county))
                .filter(member_profiles::member_id.eq(key.id))
                .select(member_profiles::resident_id_masked)
                .first(conn)?;
            diesel::update(
                members::table.filter(
                    members::county_code
                        .eq(key.county)
                        .and(members::id.eq(key.id)),
                ),
            )
            .set((
                members::status.eq(status.code()),
                members::confirmed_on.eq(confirmed_on),
            ))
            .execute(conn)?;
            bump_version(conn)?;
            let after = MemberRow {
                status: status.code().to_owned(),
                confirmed_on,
                ..before.clone()
            };
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "update",
                    entity: "member",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(member_json(&before, &masked)),
                    after: Some(member_json(&after, &masked)),
                },
            )?;
            Ok(())
        })
    }

    /// Corrects a member's record (the resident ID stays: identity is not edited here).
    /// The member must lie in `scope`; the dates are checked against the constitution's
    /// rules with the birth date from the encrypted ID, and the workplace must be a
    /// registered unit. `seen` is the version the form showed: a record changed since is
    /// not overwritten ([`StoreError::Stale`]). One transaction, audited with before and
    /// after; an unchanged record writes nothing.
    pub fn update_member(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        change: MemberChange,
        seen: i64,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before = member_in_scope(conn, scope, key)?;
            // Under the write lock: nobody changes it between this check and the update.
            let version: i64 = members::table
                .filter(members::county_code.eq(key.county))
                .filter(members::id.eq(key.id))
                .select(members::row_version)
                .first(conn)?;
            if version != seen {
                return Err(StoreError::Stale {
                    what: "党员信息"
                });
            }
            let (sealed, masked, phone_before): (Vec<u8>, String, Option<String>) =
                member_profiles::table
                    .filter(member_profiles::county_code.eq(key.county))
                    .filter(member_profiles::member_id.eq(key.id))
                    .select((
                        member_profiles::resident_id_cipher,
                        member_profiles::resident_id_masked,
                        member_profiles::phone,
                    ))
                    .first(conn)?;
            let id = cipher.decrypt(&sealed, key.county, key.id)?;
            if let Some((field, reason)) = check_member_dates(
                &id,
                change.status,
                change.joined_on,
                change.confirmed_on,
                today,
            )
            .into_iter()
            .next()
            {
                return Err(StoreError::invalid(field, reason));
            }
            if change.status == MemberStatus::Probationary {
                let holding: Option<String> = crate::schema::party_org_posts::table
                    .filter(crate::schema::party_org_posts::county_code.eq(key.county))
                    .filter(crate::schema::party_org_posts::member_id.eq(key.id))
                    .filter(crate::schema::party_org_posts::until.is_null())
                    .select(crate::schema::party_org_posts::post)
                    .first(conn)
                    .optional()?;
                if let Some(post) = holding {
                    let post = liangxin_domain::kinds::Post::parse(&post)
                        .map(|p| p.label())
                        .unwrap_or("职务");
                    return Err(StoreError::invalid(
                        "党员类别",
                        format!("现任{post}，预备党员没有被选举权；请先登记离任"),
                    ));
                }
            }
            if let Some(w) = change.workplace {
                let known: i64 = organizations::table
                    .filter(organizations::county_code.eq(w.county))
                    .filter(organizations::id.eq(w.id))
                    .filter(organizations::dissolved_on.is_null())
                    .count()
                    .get_result(conn)?;
                if known == 0 {
                    return Err(StoreError::invalid("工作单位", "不存在或已注销"));
                }
            }
            let after = MemberRow {
                name: change.name.clone(),
                status: change.status.code().to_owned(),
                joined_on: change.joined_on,
                confirmed_on: change.confirmed_on,
                workplace_county: change.workplace.map(|w| w.county),
                workplace_org_id: change.workplace.map(|w| w.id),
                ethnicity: change.background.ethnicity.map(|e| e.code().to_owned()),
                education: change.background.education.map(|e| e.code().to_owned()),
                occupation: change.background.occupation.map(|e| e.code().to_owned()),
                ..before.clone()
            };
            let same = member_json(&after, &masked) == member_json(&before, &masked);
            if same && change.phone == phone_before {
                return Ok(());
            }
            diesel::update(
                members::table
                    .filter(members::county_code.eq(key.county))
                    .filter(members::id.eq(key.id)),
            )
            .set((
                members::name.eq(&after.name),
                members::status.eq(&after.status),
                members::joined_on.eq(after.joined_on),
                members::confirmed_on.eq(after.confirmed_on),
                members::workplace_county.eq(after.workplace_county),
                members::workplace_org_id.eq(after.workplace_org_id),
                members::ethnicity.eq(&after.ethnicity),
                members::education.eq(&after.education),
                members::occupation.eq(&after.occupation),
            ))
            .execute(conn)?;
            diesel::update(
                member_profiles::table
                    .filter(member_profiles::county_code.eq(key.county))
                    .filter(member_profiles::member_id.eq(key.id)),
            )
            .set(member_profiles::phone.eq(&change.phone))
            .execute(conn)?;
            bump_version(conn)?;
            let with_phone = |row: &MemberRow, phone: &Option<String>| {
                let mut v = member_json(row, &masked);
                v["phone"] = json!(phone.as_deref().map(mask_phone));
                v
            };
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "update",
                    entity: "member",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(with_phone(&before, &phone_before)),
                    after: Some(with_phone(&after, &change.phone)),
                },
            )
        })
    }

    /// Finds a member of `scope` by resident ID through the keyed hash (no decryption).
    pub fn find_member_by_resident_id(
        &mut self,
        scope: &Scope,
        id: &ResidentId,
    ) -> Result<Option<Key>> {
        let hash = self.cipher.lookup_hash(id);
        let (low, high) = scope.path_range();
        let found: Option<(i32, i64)> = member_profiles::table
            .inner_join(
                members::table.on(members::county_code
                    .eq(member_profiles::county_code)
                    .and(members::id.eq(member_profiles::member_id))),
            )
            .inner_join(
                party_orgs::table.on(party_orgs::county_code
                    .eq(members::county_code)
                    .and(party_orgs::id.eq(members::party_org_id))),
            )
            .filter(member_profiles::resident_id_hash.eq(hash))
            .filter(party_orgs::path.ge(low).and(party_orgs::path.lt(high)))
            // The current record first: a person who transferred has a left one too.
            .order((members::left_on.is_not_null(), members::id.desc()))
            .select((member_profiles::county_code, member_profiles::member_id))
            .first(&mut self.conn)
            .optional()?;
        Ok(found.map(|(county, id)| Key { county, id }))
    }

    /// The member on the register of `scope` with this resident ID (按身份证号查找), through
    /// the keyed hash. A hit tells the asker that the number they typed is this member's, so
    /// it is logged and rationed like every confirmation ([`crate::lookups`]); a spent budget
    /// refuses before anything is looked up.
    pub fn search_member_by_resident_id(
        &mut self,
        actor: &str,
        scope: &Scope,
        id: &ResidentId,
    ) -> Result<Option<crate::people::MemberView>> {
        let hash = self.cipher.lookup_hash(id);
        let cipher = &self.cipher;
        let (low, high) = scope.path_range();
        let found = crate::connection::write_transaction(&mut self.conn, |conn| {
            crate::lookups::ensure_budget(conn, actor)?;
            let mut q = member_profiles::table
                .inner_join(
                    members::table.on(members::county_code
                        .eq(member_profiles::county_code)
                        .and(members::id.eq(member_profiles::member_id))),
                )
                .inner_join(
                    party_orgs::table.on(party_orgs::county_code
                        .eq(members::county_code)
                        .and(party_orgs::id.eq(members::party_org_id))),
                )
                .filter(member_profiles::resident_id_hash.eq(hash))
                .filter(members::left_on.is_null())
                .filter(party_orgs::path.ge(low).and(party_orgs::path.lt(high)))
                .into_boxed();
            if let Some(me) = scope.member {
                q = q.filter(
                    members::county_code
                        .eq(me.county)
                        .and(members::id.eq(me.id)),
                );
            }
            let found: Option<(i32, i64)> = q
                .select((members::county_code, members::id))
                .first(conn)
                .optional()?;
            if let Some((county, _)) = found {
                crate::lookups::record(
                    conn,
                    cipher,
                    actor,
                    crate::lookups::Confirmed::InScope,
                    county,
                    "按身份证号查找",
                    &[id.masked()],
                )?;
            }
            Ok(found)
        })?;
        match found {
            Some((county, id)) => self.member_view(Key { county, id }),
            None => Ok(None),
        }
    }

    /// The stored resident ID of a member of `scope`, decrypted (for the few screens that
    /// need it). Every reveal is written to the audit log and counts against the account's
    /// daily budget ([`crate::lookups`]).
    pub fn reveal_resident_id(
        &mut self,
        actor: &str,
        scope: &Scope,
        key: Key,
    ) -> Result<ResidentId> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            member_in_scope(conn, scope, key)?;
            crate::lookups::ensure_budget(conn, actor)?;
            let sealed: Vec<u8> = member_profiles::table
                .filter(member_profiles::county_code.eq(key.county))
                .filter(member_profiles::member_id.eq(key.id))
                .select(member_profiles::resident_id_cipher)
                .first(conn)?;
            let id = cipher.decrypt(&sealed, key.county, key.id)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: crate::lookups::Confirmed::Revealed.action(),
                    entity: "member",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: None,
                },
            )?;
            Ok(id)
        })
    }

    /// Party organizations in the scope's subtree: key, path, name and type, by path.
    pub fn party_orgs_in_scope(
        &mut self,
        scope: &Scope,
    ) -> Result<Vec<(Key, String, String, PartyOrgType)>> {
        let (low, high) = scope.path_range();
        let rows: Vec<(i32, i64, String, String, String)> = party_orgs::table
            .filter(party_orgs::path.ge(low).and(party_orgs::path.lt(high)))
            .filter(party_orgs::dissolved_on.is_null())
            .order(party_orgs::path)
            .select((
                party_orgs::county_code,
                party_orgs::id,
                party_orgs::path,
                party_orgs::name,
                party_orgs::org_type,
            ))
            .load(&mut self.conn)?;
        rows.into_iter()
            .map(|(county, id, path, name, t)| {
                let t = PartyOrgType::parse(&t)
                    .map_err(|e| StoreError::Corrupt(format!("党组织类型：{e}")))?;
                Ok((Key { county, id }, path, name, t))
            })
            .collect()
    }

    /// Members (not left) whose party organization is in the scope's subtree, with their
    /// masked resident ID, ordered by key.
    pub fn members_in_scope(&mut self, scope: &Scope) -> Result<Vec<MemberSummary>> {
        let (low, high) = scope.path_range();
        let mut query = members::table
            .inner_join(
                party_orgs::table.on(party_orgs::county_code
                    .eq(members::county_code)
                    .and(party_orgs::id.eq(members::party_org_id))),
            )
            .inner_join(
                member_profiles::table.on(member_profiles::county_code
                    .eq(members::county_code)
                    .and(member_profiles::member_id.eq(members::id))),
            )
            .filter(party_orgs::path.ge(low).and(party_orgs::path.lt(high)))
            .filter(members::left_on.is_null())
            .into_boxed();
        if let Some(me) = scope.member {
            query = query.filter(
                members::county_code
                    .eq(me.county)
                    .and(members::id.eq(me.id)),
            );
        }
        let rows: Vec<(i32, i64, String, String, String, String)> = query
            .order((members::county_code, members::id))
            .select((
                members::county_code,
                members::id,
                members::name,
                members::status,
                members::flow,
                member_profiles::resident_id_masked,
            ))
            .load(&mut self.conn)?;
        Ok(rows
            .into_iter()
            .map(|(county, id, name, status, flow, masked)| MemberSummary {
                key: Key { county, id },
                name,
                status: MemberStatus::parse(&status).unwrap_or(MemberStatus::Full),
                flow: FlowStatus::parse(&flow).unwrap_or(FlowStatus::Settled),
                resident_id_masked: masked,
            })
            .collect())
    }

    /// The topmost party organization of a county (its two-new working committee):
    /// key, path and name.
    pub fn county_top_party_org(&mut self, county: i32) -> Result<Option<(Key, String, String)>> {
        let rows: Vec<(i64, String, String)> = party_orgs::table
            .filter(party_orgs::county_code.eq(county))
            .select((party_orgs::id, party_orgs::path, party_orgs::name))
            .load(&mut self.conn)?;
        Ok(rows
            .into_iter()
            .min_by_key(|(_, path, _)| (path.matches('/').count(), path.clone()))
            .map(|(id, path, name)| (Key { county, id }, path, name)))
    }

    /// A number that changes with every write to the registry: what a cache of computed
    /// reports is checked against.
    pub fn registry_version(&mut self) -> Result<i64> {
        Ok(id_alloc::table
            .filter(id_alloc::name.eq("registry_version"))
            .select(id_alloc::next_id)
            .first(&mut self.conn)?)
    }

    /// Changes with every write to the registry, meetings, dues or findings: a cache of
    /// anything computed from them is keyed by it.
    pub fn records_version(&mut self) -> Result<(i64, i64)> {
        records_version(&mut self.conn)
    }

    /// The names of the party organizations along a path, root first (a breadcrumb).
    pub fn names_on_path(&mut self, path: &str) -> Result<Vec<String>> {
        Ok(self
            .orgs_on_path(path)?
            .into_iter()
            .map(|(_, n, _)| n)
            .collect())
    }

    /// The party organizations along a path, root first, each with its own path. Read by
    /// the paths themselves (every prefix of `path`), through the index on the path: an
    /// id alone is not a key, and a search by it reads the whole table on PostgreSQL.
    fn orgs_on_path(&mut self, path: &str) -> Result<Vec<(Key, String, String)>> {
        let mut prefixes = Vec::new();
        let mut at = String::from("/");
        for id in path.split('/').filter(|s| !s.is_empty()) {
            at.push_str(id);
            at.push('/');
            prefixes.push(at.clone());
        }
        let mut rows: Vec<(i32, i64, String, String)> = party_orgs::table
            .filter(party_orgs::path.eq_any(&prefixes))
            .select((
                party_orgs::county_code,
                party_orgs::id,
                party_orgs::name,
                party_orgs::path,
            ))
            .load(&mut self.conn)?;
        rows.sort_by_key(|(_, _, _, p)| p.len());
        Ok(rows
            .into_iter()
            .map(|(county, id, name, p)| (Key { county, id }, name, p))
            .collect())
    }

    /// The party organizations from the root down to `key`, each with its path: the
    /// breadcrumb of a page about it or about something of it (a member, a meeting). Empty
    /// when there is no such organization.
    pub fn trail_to(&mut self, key: Key) -> Result<Vec<(Key, String, String)>> {
        let Some(path) = party_orgs::table
            .filter(party_orgs::county_code.eq(key.county))
            .filter(party_orgs::id.eq(key.id))
            .select(party_orgs::path)
            .first::<String>(&mut self.conn)
            .optional()?
        else {
            return Ok(Vec::new());
        };
        self.orgs_on_path(&path)
    }

    /// Anchors for the demo accounts: the root, a county's committee, a zone's committee
    /// (by zone name), that county's biggest standalone branch that covers a unit itself, its busiest instructor and a
    /// member of that branch.
    pub fn demo_anchors(&mut self, county: i32, zone_name: &str) -> Result<Option<DemoAnchors>> {
        use diesel::dsl::count_star;
        let Some((city_key, _, city_name)) = self.root_party_orgs()?.into_iter().next() else {
            return Ok(None);
        };
        let Some((county_key, _, county_name)) = self.county_top_party_org(county)? else {
            return Ok(None);
        };
        let conn = &mut self.conn;
        let zone_id: Option<i64> = zones::table
            .filter(zones::name.eq(zone_name))
            .select(zones::id)
            .first(conn)
            .optional()?;
        let zone = match zone_id {
            Some(z) => party_orgs::table
                .filter(party_orgs::zone_id.eq(z))
                .filter(party_orgs::org_type.eq(PartyOrgType::WorkingCommittee.code()))
                .order(party_orgs::id)
                .select((party_orgs::county_code, party_orgs::id, party_orgs::name))
                .first::<(i32, i64, String)>(conn)
                .optional()?
                .map(|(c, id, n)| (Key { county: c, id }, z, n)),
            None => None,
        };
        let branch = members::table
            .inner_join(
                party_orgs::table.on(party_orgs::county_code
                    .eq(members::county_code)
                    .and(party_orgs::id.eq(members::party_org_id))),
            )
            .filter(members::county_code.eq(county))
            .filter(members::left_on.is_null())
            .filter(party_orgs::org_type.eq(PartyOrgType::Branch.code()))
            .filter(party_orgs::formation_mode.eq(FormationMode::Standalone.code()))
            .filter(diesel::dsl::exists(
                party_org_coverage::table
                    .filter(party_org_coverage::party_org_county.eq(party_orgs::county_code))
                    .filter(party_org_coverage::party_org_id.eq(party_orgs::id)),
            ))
            .group_by((party_orgs::id, party_orgs::name))
            .select((party_orgs::id, party_orgs::name, count_star()))
            .order((count_star().desc(), party_orgs::id))
            .first::<(i64, String, i64)>(conn)
            .optional()?
            .map(|(id, n, _)| (Key { county, id }, n));
        let instructor = instructor_assignments::table
            .inner_join(
                instructors::table.on(instructors::county_code
                    .eq(instructor_assignments::instructor_county)
                    .and(instructors::id.eq(instructor_assignments::instructor_id))),
            )
            .filter(instructors::county_code.eq(county))
            .group_by((instructors::id, instructors::name))
            .select((instructors::id, instructors::name, count_star()))
            .order((count_star().desc(), instructors::id))
            .first::<(i64, String, i64)>(conn)
            .optional()?
            .map(|(id, n, _)| (Key { county, id }, n));
        let member = match &branch {
            Some((b, _)) => members::table
                .filter(
                    members::county_code
                        .eq(b.county)
                        .and(members::party_org_id.eq(b.id)),
                )
                .filter(members::left_on.is_null())
                .order(members::id)
                .select((members::id, members::name))
                .first::<(i64, String)>(conn)
                .optional()?
                .map(|(id, n)| {
                    (
                        Key {
                            county: b.county,
                            id,
                        },
                        n,
                    )
                }),
            None => None,
        };
        Ok(Some(DemoAnchors {
            city: (city_key, city_name),
            county: (county_key, county_name),
            zone,
            branch,
            instructor,
            member,
        }))
    }

    /// Region names by code, for reports.
    pub fn region_names(&mut self) -> Result<HashMap<i32, String>> {
        Ok(regions::table
            .select((regions::code, regions::name))
            .load::<(i32, String)>(&mut self.conn)?
            .into_iter()
            .collect())
    }

    /// Zone names by id, for reports.
    pub fn zone_names(&mut self) -> Result<HashMap<i64, String>> {
        Ok(zones::table
            .select((zones::id, zones::name))
            .load::<(i64, String)>(&mut self.conn)?
            .into_iter()
            .collect())
    }

    /// The root party organization(s): the top of every scope.
    pub fn root_party_orgs(&mut self) -> Result<Vec<(Key, String, String)>> {
        Ok(party_orgs::table
            .filter(party_orgs::parent_id.is_null())
            .order(party_orgs::path)
            .select((
                party_orgs::county_code,
                party_orgs::id,
                party_orgs::path,
                party_orgs::name,
            ))
            .load::<(i32, i64, String, String)>(&mut self.conn)?
            .into_iter()
            .map(|(county, id, path, name)| (Key { county, id }, path, name))
            .collect())
    }
}

/// Where the demo accounts are anchored (one per role), found in the data.
#[derive(Debug, Clone)]
pub struct DemoAnchors {
    pub city: (Key, String),
    pub county: (Key, String),
    pub zone: Option<(Key, i64, String)>,
    pub branch: Option<(Key, String)>,
    pub instructor: Option<(Key, String)>,
    pub member: Option<(Key, String)>,
}

/// A member as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberSummary {
    pub key: Key,
    pub name: String,
    pub status: MemberStatus,
    pub flow: FlowStatus,
    pub resident_id_masked: String,
}

fn region_level(code: i32) -> &'static str {
    if code >= 100_000_000 {
        "town"
    } else if code % 10_000 == 0 {
        "province"
    } else if code % 100 == 0 {
        "city"
    } else {
        "county"
    }
}
