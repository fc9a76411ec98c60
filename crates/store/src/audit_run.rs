//! 组织关系排查 in the store: gather each member's facts (last organizational life
//! attended, the run of unpaid months) and each branch's missed periods for a scope, run
//! the domain's audit, and keep the findings: a finding still open is found again, not
//! added twice; an open finding a run no longer finds is closed with a note; people close
//! the rest with theirs.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::archive::ArchiveRules;
use liangxin_domain::audit::{
    self, AuditFinding, AuditKind, AuditRules, AuditSubject, LeaveReason, MemberAuditFacts,
    Severity,
};
use liangxin_domain::dues;
use liangxin_domain::floating::{self, FloatingRules};
use liangxin_domain::life::{self, LifeRules};
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_domain::transfer::{self, TransferRules};
use serde_json::json;

use crate::day::Day;
use crate::error::{Result, StoreError};
use crate::schema::{
    audit_findings as af, audit_runs as ar, dues_standards as ds, meeting_attendance as ma,
    member_activity as act, members as m, party_orgs as po,
};
use crate::{Scope, Store};

/// The steps of an audit run a progress bar counts: three of reading and judging, one of
/// keeping.
const AUDIT_STEPS: usize = 5;

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSummary {
    pub run: i64,
    /// Findings this run found.
    pub found: usize,
    /// Of those, newly opened.
    pub opened: usize,
    /// Open findings it no longer found, closed.
    pub resolved: usize,
}

/// Which kept findings a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FindingFilter {
    pub state: FindingState,
    pub kind: Option<AuditKind>,
    pub severity: Option<Severity>,
    /// The findings of this party organization's subtree only (within the scope).
    pub under: Option<Key>,
    /// With `under`: only the findings that organization itself answers for, not its
    /// subordinates' (a 待办 line counts those).
    pub own: bool,
}

impl FindingFilter {
    /// The open findings, of every kind.
    pub fn open() -> FindingFilter {
        FindingFilter::default()
    }

    /// Every finding, closed ones too.
    pub fn all() -> FindingFilter {
        FindingFilter {
            state: FindingState::All,
            ..FindingFilter::default()
        }
    }
}

/// 未销号, 已销号, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FindingState {
    #[default]
    Open,
    Closed,
    All,
}

/// A kept finding, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFinding {
    pub key: Key,
    pub responsible: Key,
    pub responsible_name: String,
    pub subject: AuditSubject,
    pub subject_name: String,
    pub kind: AuditKind,
    pub severity: String,
    pub detail: String,
    pub rule: String,
    pub first_found_on: NaiveDate,
    pub closed: Option<(NaiveDate, String)>,
}

/// The note on a finding a re-run no longer finds.
pub const RESOLVED_NOTE: &str = "复查时已不存在（由记录计算）";

impl Store {
    /// The audit facts of every current member of `scope`: the last meeting attended and
    /// the unpaid run up to last month (from the dues standards and ledger). Each member's
    /// kept latest records ([`crate::activity`]) answer for every member whose latest
    /// record is not after the day; the others' are read from the history as of the day.
    pub fn member_audit_facts(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<Vec<MemberAuditFacts>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        // Read before the connection is borrowed for the rest.
        let archive_rules = ArchiveRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let conn = self.conn();
        type Row = (
            (
                i32,
                i64,
                String,
                i64,
                NaiveDate,
                Option<NaiveDate>,
                NaiveDate,
            ),
            (String, Option<NaiveDate>),
            Latest,
        );
        // Read with the bulk reader's days (crate::day), then as the rest of the audit
        // takes them.
        type Read = (
            (i32, i64, String, i64, Day, Option<Day>, Day),
            (String, Option<Day>),
            (
                Option<Day>,
                Option<Day>,
                Option<Day>,
                Option<Day>,
                Option<Day>,
                Option<i64>,
                Option<Day>,
            ),
        );
        let day = |d: Option<Day>| d.map(NaiveDate::from);
        let rows: Vec<Row> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .left_join(
                act::table.on(act::county_code
                    .eq(m::county_code)
                    .and(act::member_id.eq(m::id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            // As of the day: admitted or received by then, not yet gone.
            .filter(m::joined_on.le(today))
            .filter(m::arrived_on.is_null().or(m::arrived_on.le(today)))
            .filter(m::left_on.is_null().or(m::left_on.gt(today)))
            .select((
                (
                    m::county_code,
                    m::id,
                    m::name,
                    m::party_org_id,
                    m::joined_on,
                    m::arrived_on,
                    po::records_start,
                ),
                (m::status, m::confirmed_on),
                (
                    act::last_present_on.nullable(),
                    act::last_absent_on.nullable(),
                    act::last_paid_month.nullable(),
                    act::previous_paid_month.nullable(),
                    act::last_paid_on.nullable(),
                    act::archive_items.nullable(),
                    act::archive_last_received_on.nullable(),
                ),
            ))
            .load::<Read>(conn)?
            .into_iter()
            .map(
                |((county, id, name, po, joined, arrived, start), (status, confirmed), l)| {
                    (
                        (county, id, name, po, joined.0, day(arrived), start.0),
                        (status, day(confirmed)),
                        (
                            day(l.0),
                            day(l.1),
                            day(l.2),
                            day(l.3),
                            day(l.4),
                            l.5,
                            day(l.6),
                        ),
                    )
                },
            )
            .collect();
        let in_scope: HashSet<Key> = rows
            .iter()
            .map(|((county, id, ..), _, _)| Key {
                county: *county,
                id: *id,
            })
            .collect();
        let counties = scope.county_range();
        // A subtree without a region reads its members' records only (see
        // `Scope::members_condition`): a branch's run is the size of the branch.
        let subtree = |table: &str| {
            scope.members_condition(
                &format!("{table}.member_county"),
                &format!("{table}.member_id"),
            )
        };
        let last_month = Period::containing_month(today).prev();
        let window_start = NaiveDate::from_ymd_opt(today.year() - 2, 1, 1).unwrap_or(today);
        // A member's kept latest records hold as of the day unless one is after it; the last
        // month paid for up to last month is the last or the one before it, unless both are
        // later.
        let life_later = |l: &Latest| l.0 > Some(today) || l.1 > Some(today);
        let paid_up_to = |l: &Latest| -> Option<Option<NaiveDate>> {
            let lm = Some(last_month.first_day());
            if l.4 > Some(today) {
                None
            } else if l.2 <= lm {
                Some(l.2)
            } else if l.3 <= lm {
                Some(l.3)
            } else {
                None
            }
        };
        let mut last: HashMap<Key, NaiveDate> = HashMap::new();
        let mut last_absent: HashMap<Key, NaiveDate> = HashMap::new();
        let mut last_paid: HashMap<Key, Period> = HashMap::new();
        let (mut any_life_later, mut any_dues_later) = (false, false);
        for ((county, id, ..), _, latest) in &rows {
            let key = Key {
                county: *county,
                id: *id,
            };
            if life_later(latest) {
                any_life_later = true;
            } else {
                last.extend(latest.0.map(|d| (key, d)));
                last_absent.extend(latest.1.map(|d| (key, d)));
            }
            match paid_up_to(latest) {
                None => any_dues_later = true,
                Some(month) => {
                    if let Some(month) = month.filter(|m| *m >= window_start) {
                        last_paid.insert(key, Period::containing_month(month));
                    }
                }
            }
        }
        // For the members with a record after the day: the last day each attended and was
        // marked absent up to it, in one pass over the index by member (the day is on the
        // line itself, so the meetings are not read).
        let mut aq = ma::table
            .inner_join(
                act::table.on(act::county_code
                    .eq(ma::member_county)
                    .and(act::member_id.eq(ma::member_id))),
            )
            .filter(
                act::last_present_on
                    .gt(today)
                    .or(act::last_absent_on.gt(today)),
            )
            .filter(ma::held_on.le(today))
            .filter(ma::attendance.ne("excused"))
            .group_by((ma::member_county, ma::member_id, ma::attendance))
            .select((
                ma::member_county,
                ma::member_id,
                ma::attendance,
                diesel::dsl::max(ma::held_on),
            ))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            aq = aq.filter(ma::member_county.between(lo, hi));
        }
        if let Some(c) = &subtree("meeting_attendance") {
            aq = aq.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(c));
        }
        let later_lines = if any_life_later {
            aq.load::<(i32, i64, String, Option<NaiveDate>)>(conn)?
        } else {
            Vec::new()
        };
        for (county, id, attendance, day) in later_lines {
            let key = Key { county, id };
            let (Some(day), true) = (day, in_scope.contains(&key)) else {
                continue;
            };
            match attendance.as_str() {
                "present" => last.insert(key, day),
                "absent" => last_absent.insert(key, day),
                _ => None,
            };
        }
        // The last day each member was excused for each reason recorded: few rows (a member
        // gives few distinct reasons); the domain decides which reasons are good. Only an
        // excuse on or after the last meeting attended can move a member's run, so only the
        // members excused since (and those with records after the day) are read. One
        // grouped read with no list of members bound: a statement bound with changing lists
        // of ids is planned generically by PostgreSQL after a few runs, at a cost of minutes.
        let mut eq = ma::table
            .inner_join(
                act::table.on(act::county_code
                    .eq(ma::member_county)
                    .and(act::member_id.eq(ma::member_id))),
            )
            .filter(
                act::last_present_on
                    .is_null()
                    .nullable()
                    .or(act::last_excused_on.ge(act::last_present_on))
                    .or(act::last_present_on.gt(today))
                    .or(act::last_absent_on.gt(today)),
            )
            // A literal, not a bound value: the partial index of excuses is chosen only for
            // the condition it was built with.
            .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                "meeting_attendance.attendance = 'excused'",
            ))
            .filter(ma::held_on.le(today))
            .group_by((ma::member_county, ma::member_id, ma::reason))
            .select((
                ma::member_county,
                ma::member_id,
                ma::reason,
                diesel::dsl::max(ma::held_on),
            ))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            eq = eq.filter(ma::member_county.between(lo, hi));
        }
        if let Some(c) = &subtree("meeting_attendance") {
            eq = eq.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(c));
        }
        let mut excused: HashMap<Key, Vec<(NaiveDate, String)>> = HashMap::new();
        for (county, id, reason, day) in
            eq.load::<(i32, i64, Option<String>, Option<NaiveDate>)>(conn)?
        {
            let key = Key { county, id };
            if let (Some(day), Some(reason), true) = (day, reason, in_scope.contains(&key)) {
                excused.entry(key).or_default().push((day, reason));
            }
        }
        // Dues over the last two years, up to last month.
        let mut sq = ds::table
            .filter(ds::year.ge(window_start.year()))
            .select((
                ds::county_code,
                ds::member_id,
                ds::year,
                ds::monthly_fen,
                ds::reduced_fen,
            ))
            .into_boxed();
        if let Some((lo, hi)) = counties {
            sq = sq.filter(ds::county_code.between(lo, hi));
        }
        if let Some(c) =
            &scope.members_condition("dues_standards.county_code", "dues_standards.member_id")
        {
            sq = sq.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(c));
        }
        let mut standards: HashMap<Key, BTreeMap<i32, Fen>> = HashMap::new();
        for (county, id, year, monthly, reduced) in
            sq.load::<(i32, i64, i32, i64, Option<i64>)>(conn)?
        {
            let key = Key { county, id };
            if in_scope.contains(&key) {
                standards
                    .entry(key)
                    .or_default()
                    .insert(year, Fen::new(reduced.unwrap_or(monthly)));
            }
        }
        // For the members with a payment after the day or for a month after last month: the
        // last month (in the window, up to last month) each paid anything for as of the day,
        // found in the database so one row per member comes back instead of the ledger: the
        // last month with a positive line, exact unless a correction (a negative line) may
        // have cancelled a month — those few members' months are summed in full below.
        // DIALECT: dates compare as ISO text on SQLite and as DATE on PostgreSQL; the quoted
        // literals (computed here, never user input) are valid for both. SQLite's planner
        // would take the index by month (every row of the window) and visit the table: it
        // is told to read the covering index by member instead.
        let county_filter = counties
            .map(|(lo, hi)| format!(" AND p.county_code BETWEEN {lo} AND {hi}"))
            .or_else(|| {
                scope
                    .members_condition("p.county_code", "p.member_id")
                    .map(|c| format!(" AND {c}"))
            })
            .unwrap_or_default();
        // As of the day: a payment made after it is not yet known.
        let lm = last_month.first_day();
        let window = format!(
            "p.month >= '{window_start}' AND p.month <= '{lm}' AND p.paid_on <= '{today}'{county_filter}"
        );
        let later = format!(
            "JOIN member_activity a ON a.county_code = p.county_code AND a.member_id = p.member_id \
               AND (a.last_paid_on > '{today}' OR a.previous_paid_month > '{lm}')"
        );
        let indexed = match &*conn {
            crate::connection::DbConnection::Sqlite(_) => " INDEXED BY dues_payments_member",
            crate::connection::DbConnection::Postgres(_) => "",
        };
        let sql = format!(
            "SELECT p.county_code, p.member_id, MAX(CASE WHEN p.amount_fen > 0 THEN p.month END) AS month, \
               MIN(p.amount_fen) AS least \
             FROM dues_payments p{indexed} {later} WHERE {window} GROUP BY p.county_code, p.member_id"
        );
        let mut corrected: Vec<i64> = Vec::new();
        let later_paid = if any_dues_later {
            diesel::sql_query(sql).load::<LastPaid>(conn)?
        } else {
            Vec::new()
        };
        for r in later_paid {
            if r.least < 0 {
                corrected.push(r.member_id);
            } else if let Some(month) = r.month {
                last_paid.insert(
                    Key {
                        county: r.county_code,
                        id: r.member_id,
                    },
                    Period::containing_month(month),
                );
            }
        }
        for ids in corrected.chunks(crate::registry::IN_LIST_MAX) {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            let sql = format!(
                "SELECT county_code, member_id, MAX(month) AS month, CAST(0 AS BIGINT) AS least FROM ( \
                   SELECT p.county_code, p.member_id, p.month FROM dues_payments p \
                   WHERE {window} AND p.member_id IN ({list}) \
                   GROUP BY p.county_code, p.member_id, p.month HAVING SUM(p.amount_fen) > 0) paid \
                 GROUP BY county_code, member_id"
            );
            for r in diesel::sql_query(sql).load::<LastPaid>(conn)? {
                if let Some(month) = r.month {
                    last_paid.insert(
                        Key {
                            county: r.county_code,
                            id: r.member_id,
                        },
                        Period::containing_month(month),
                    );
                }
            }
        }
        // Archive items: the kept ones, unless the last was received after the day.
        let later: Vec<Key> = rows
            .iter()
            .filter(|(_, _, latest)| !crate::archive::summary_holds(latest.6, today))
            .map(|((county, id, ..), _, _)| Key {
                county: *county,
                id: *id,
            })
            .collect();
        let mut held = crate::archive::later_items(conn, &later, today)?;
        rows.into_iter()
            .map(
                |(
                    (county, id, name, po_id, joined_on, arrived_on, records_start),
                    (status, confirmed),
                    latest,
                )| {
                    let key = Key { county, id };
                    let items = if crate::archive::summary_holds(latest.6, today) {
                        crate::activity::archive_items_of(latest.5.unwrap_or(0))
                    } else {
                        held.remove(&key).unwrap_or_default()
                    };
                    // A member who transferred in is counted from the day received.
                    let joined_on = arrived_on.unwrap_or(joined_on);
                    let (run, unpaid_since) = standards.get(&key).map_or((0, None), |s| {
                        dues::unpaid_run_after(
                            joined_on,
                            window_start.max(records_start),
                            last_month,
                            s,
                            last_paid.get(&key).copied(),
                        )
                    });
                    Ok(MemberAuditFacts {
                        key,
                        name,
                        party_org: Key { county, id: po_id },
                        joined_on,
                        records_start,
                        last_present: last.get(&key).copied(),
                        excused: excused.remove(&key).unwrap_or_default(),
                        last_absent: last_absent.get(&key).copied(),
                        unpaid_months: run,
                        unpaid_since,
                        archive: crate::archive::completeness_on(
                            &status,
                            confirmed,
                            items,
                            today,
                            &archive_rules,
                        )?,
                    })
                },
            )
            .collect()
    }

    /// The findings of an audit of `scope` as of `today`, computed and not kept.
    pub fn compute_audit(&mut self, scope: &Scope, today: NaiveDate) -> Result<Vec<AuditFinding>> {
        self.compute_audit_reporting(scope, today, &mut |_, _, _| {})
    }

    /// [`Store::compute_audit`], telling `progress` each step as it starts (its name, steps
    /// done, steps in all).
    /// All of it read on one snapshot: a member judged from the kept latest records and,
    /// where a record is after the day, from the history, must see both as one moment.
    pub fn compute_audit_reporting(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<Vec<AuditFinding>> {
        self.read_snapshot(|store| store.judge_records(scope, today, progress))
    }

    fn judge_records(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<Vec<AuditFinding>> {
        progress("读取党员的会议、党费和档案记录", 0, AUDIT_STEPS);
        let set = self.rule_set()?;
        let corrupt = |e: liangxin_domain::rules::RuleError| StoreError::Corrupt(e.to_string());
        let audit_rules = AuditRules::resolve(&set, today).map_err(corrupt)?;
        let life_rules = LifeRules::resolve(&set, today).map_err(corrupt)?;
        let mut findings: Vec<AuditFinding> = Vec::new();
        for facts in self.member_audit_facts(scope, today)? {
            findings.extend(audit::audit_member(&facts, &audit_rules));
        }
        // Organizational life: this year's periods that ended short.
        progress("核对组织生活是否按期开展", 1, AUDIT_STEPS);
        let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
        for facts in self.life_facts(scope, from, today)? {
            let c = life::assess(&facts, &life_rules, from, today);
            findings.extend(c.findings.iter().map(audit::from_life));
        }
        // Transfers nobody received in time, escalated to the common ancestor.
        progress("核对组织关系转接和流动党员", 2, AUDIT_STEPS);
        let transfer_rules = TransferRules::resolve(&set, today).map_err(corrupt)?;
        for t in self.open_transfers_for_audit(scope, today)? {
            findings.extend(transfer::audit_transfer(&t, &transfer_rules));
        }
        // Members away without a valid 流动党员活动证.
        let floating_rules = FloatingRules::resolve(&set, today).map_err(corrupt)?;
        for m in self.away_members_for_audit(scope, today)? {
            findings.extend(floating::audit_away(&m, &floating_rules));
        }
        // 书记 posts left empty, and secretaries short of last year's 学时.
        progress("核对书记配备和培训学时", 3, AUDIT_STEPS);
        findings.extend(self.workforce_findings(scope, today)?);
        Ok(findings)
    }

    /// Runs the audit over `scope` as of `today` and keeps its findings. One transaction.
    pub fn run_audit(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
    ) -> Result<RunSummary> {
        self.run_audit_reporting(actor, scope, today, &mut |_, _, _| {})
    }

    /// [`Store::run_audit`], telling `progress` each step (its name, steps done, steps in
    /// all) for a progress bar.
    pub fn run_audit_reporting(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        progress: &mut dyn FnMut(&str, usize, usize),
    ) -> Result<RunSummary> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("排查范围", "党员不能发起排查"));
        }
        let findings = self.compute_audit_reporting(scope, today, progress)?;
        progress("保存排查结果", AUDIT_STEPS - 1, AUDIT_STEPS);
        let (low, high) = scope.path_range();
        let path = scope.party_path.clone();
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            type Open = (i32, i64, String, String, String, String, i32);
            let open: Vec<Open> = af::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(af::county_code)
                        .and(po::id.eq(af::responsible_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .filter(af::closed_on.is_null())
                .select((
                    af::county_code,
                    af::id,
                    af::dedupe_key,
                    af::severity,
                    af::detail,
                    af::rule_key,
                    af::rule_version,
                ))
                .load(conn)?;
            let open_by_key: HashMap<&str, &Open> =
                open.iter().map(|o| (o.2.as_str(), o)).collect();
            let found_keys: HashSet<&str> =
                findings.iter().map(|f| f.dedupe_key.as_str()).collect();
            let mut new = Vec::new();
            for f in &findings {
                let Some((county, id, _, severity, detail, rule_key, rule_version)) =
                    open_by_key.get(f.dedupe_key.as_str())
                else {
                    new.push(f);
                    continue;
                };
                // Found again: only a finding whose words or rule moved is written.
                if (severity.as_str(), detail, rule_key, *rule_version)
                    != (f.severity.code(), &f.detail, &f.rule.key, f.rule.version)
                {
                    diesel::update(
                        af::table
                            .filter(af::county_code.eq(county))
                            .filter(af::id.eq(id)),
                    )
                    .set((
                        af::severity.eq(f.severity.code()),
                        af::detail.eq(&f.detail),
                        af::rule_key.eq(&f.rule.key),
                        af::rule_version.eq(f.rule.version),
                    ))
                    .execute(conn)?;
                }
            }
            let opened = new.len();
            if opened > 0 {
                let first = crate::registry::allocate(
                    conn,
                    "audit_findings",
                    i64::try_from(opened).unwrap_or(i64::MAX),
                )?;
                // 13 columns a row: 500 rows stay under either database's bound variables.
                for (chunk_no, chunk) in new.chunks(500).enumerate() {
                    let rows: Vec<_> = chunk
                        .iter()
                        .enumerate()
                        .map(|(i, f)| {
                            // A member finding's subject is of the responsible organization's
                            // county.
                            let (subject_type, subject) = match f.subject {
                                AuditSubject::Member { key } => ("member", key.id),
                                AuditSubject::PartyOrg { key } => ("party_org", key.id),
                                AuditSubject::Transfer { id } => ("transfer", id),
                            };
                            let n = i64::try_from(chunk_no * 500 + i).unwrap_or(i64::MAX);
                            (
                                af::county_code.eq(f.responsible.county),
                                af::id.eq(first + n),
                                af::responsible_id.eq(f.responsible.id),
                                af::subject_type.eq(subject_type),
                                af::subject_id.eq(subject),
                                af::subject_name.eq(&f.subject_name),
                                af::kind.eq(f.kind.code()),
                                af::severity.eq(f.severity.code()),
                                af::detail.eq(&f.detail),
                                af::rule_key.eq(&f.rule.key),
                                af::rule_version.eq(f.rule.version),
                                af::dedupe_key.eq(&f.dedupe_key),
                                af::first_found_on.eq(today),
                            )
                        })
                        .collect();
                    batch_insert!(conn, af::table, rows)?;
                }
            }
            let mut resolved = 0;
            for (county, id, key, ..) in &open {
                if !found_keys.contains(key.as_str()) {
                    diesel::update(
                        af::table
                            .filter(af::county_code.eq(county))
                            .filter(af::id.eq(id)),
                    )
                    .set((
                        af::closed_on.eq(Some(today)),
                        af::closed_by.eq(Some(actor)),
                        af::close_note.eq(Some(RESOLVED_NOTE)),
                    ))
                    .execute(conn)?;
                    resolved += 1;
                }
            }
            let run = crate::registry::allocate(conn, "audit_runs", 1)?;
            let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
            diesel::insert_into(ar::table)
                .values((
                    ar::id.eq(run),
                    ar::scope_path.eq(&path),
                    ar::run_on.eq(today),
                    ar::run_by.eq(actor),
                    ar::found.eq(count(findings.len())),
                    ar::opened.eq(count(opened)),
                    ar::resolved.eq(count(resolved)),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            crate::audit::append(
                conn,
                cipher,
                crate::audit::Entry {
                    actor,
                    action: "run_audit",
                    entity: "audit_run",
                    county: 0,
                    entity_id: run,
                    before: None,
                    after: Some(
                        json!({ "scope": path, "found": findings.len(), "opened": opened, "resolved": resolved }),
                    ),
                },
            )?;
            Ok(RunSummary {
                run,
                found: findings.len(),
                opened,
                resolved,
            })
        })
    }

    /// The last audit run over `scope` or a scope containing it (a county's run covers its
    /// towns): its day, and how many findings it found when it was a run of this very scope
    /// (a wider run's count is of organizations the scope does not see). `None`: the scope
    /// was never audited, and an empty list means 尚未排查, not 没有问题.
    pub fn last_audit(&mut self, scope: &Scope) -> Result<Option<(NaiveDate, Option<i32>)>> {
        use diesel::dsl::max;
        let runs: Vec<(String, Option<i64>)> = ar::table
            .group_by(ar::scope_path)
            .select((ar::scope_path, max(ar::id)))
            .load(self.conn())?;
        let Some(last) = runs
            .into_iter()
            .filter(|(path, _)| scope.party_path.starts_with(path.as_str()))
            .filter_map(|(_, id)| id)
            .max()
        else {
            return Ok(None);
        };
        let (on, path, found): (NaiveDate, String, i32) = ar::table
            .filter(ar::id.eq(last))
            .select((ar::run_on, ar::scope_path, ar::found))
            .first(self.conn())?;
        Ok(Some((on, (path == scope.party_path).then_some(found))))
    }

    /// The findings kept for `scope` (responsible organization in the subtree) that pass
    /// `filter`; flags first, then by organization.
    pub fn audit_findings(
        &mut self,
        scope: &Scope,
        filter: &FindingFilter,
        offset: i64,
        limit: i64,
    ) -> Result<(i64, Vec<StoredFinding>)> {
        if scope.member.is_some() {
            return Ok((0, Vec::new()));
        }
        let (mut low, mut high) = scope.path_range();
        if let Some(under) = filter.under {
            let path: Option<String> = po::table
                .filter(po::county_code.eq(under.county))
                .filter(po::id.eq(under.id))
                .select(po::path)
                .first(self.conn())
                .optional()?;
            match path.filter(|p| scope.contains_path(p)) {
                Some(p) => (low, high) = Scope::subtree(p).path_range(),
                None => return Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内")),
            }
        }
        let conn = self.conn();
        let query = || {
            let mut q = af::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(af::county_code)
                        .and(po::id.eq(af::responsible_id))),
                )
                .filter(po::path.ge(low.clone()).and(po::path.lt(high.clone())))
                .into_boxed();
            match filter.state {
                FindingState::Open => q = q.filter(af::closed_on.is_null()),
                FindingState::Closed => q = q.filter(af::closed_on.is_not_null()),
                FindingState::All => {}
            }
            if let Some(k) = filter.kind {
                q = q.filter(af::kind.eq(k.code()));
            }
            if let Some(s) = filter.severity {
                q = q.filter(af::severity.eq(s.code()));
            }
            if let (Some(k), true) = (filter.under, filter.own) {
                q = q
                    .filter(af::county_code.eq(k.county))
                    .filter(af::responsible_id.eq(k.id));
            }
            q
        };
        let total: i64 = query().count().get_result(conn)?;
        type Row = (
            (i32, i64, i64, String, String, i64, String, String, String),
            (
                String,
                String,
                i32,
                NaiveDate,
                Option<NaiveDate>,
                Option<String>,
            ),
        );
        let rows: Vec<Row> = query()
            .order((af::severity.asc(), po::name, af::id))
            .offset(offset)
            .limit(limit.clamp(1, crate::MAX_PAGE))
            .select((
                (
                    af::county_code,
                    af::id,
                    af::responsible_id,
                    po::name,
                    af::subject_type,
                    af::subject_id,
                    af::subject_name,
                    af::kind,
                    af::severity,
                ),
                (
                    af::detail,
                    af::rule_key,
                    af::rule_version,
                    af::first_found_on,
                    af::closed_on,
                    af::close_note,
                ),
            ))
            .load(conn)?;
        // The rules' titles and sources, from the parameters table.
        let rules: HashMap<(String, i32), (String, String)> = crate::schema::rule_parameters::table
            .select((
                crate::schema::rule_parameters::key,
                crate::schema::rule_parameters::version,
                crate::schema::rule_parameters::title,
                crate::schema::rule_parameters::source,
            ))
            .load::<(String, i32, String, String)>(conn)?
            .into_iter()
            .map(|(k, v, t, s)| ((k, v), (t, s)))
            .collect();
        let out = rows
            .into_iter()
            .map(|(a, b)| {
                let (county, id, resp, resp_name, st, sid, sname, kind, severity) = a;
                let (detail, rule_key, version, first, closed_on, note) = b;
                let subject = Key { county, id: sid };
                let rule = match rules.get(&(rule_key.clone(), version)) {
                    Some((title, source)) => format!("{title}（{source}，第{version}版）"),
                    None => format!("{rule_key}（第{version}版）"),
                };
                Ok(StoredFinding {
                    key: Key { county, id },
                    responsible: Key { county, id: resp },
                    responsible_name: resp_name,
                    subject: match st.as_str() {
                        "member" => AuditSubject::Member { key: subject },
                        "transfer" => AuditSubject::Transfer { id: sid },
                        _ => AuditSubject::PartyOrg { key: subject },
                    },
                    subject_name: sname,
                    kind: AuditKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("排查类别：{kind}")))?,
                    severity,
                    detail,
                    rule,
                    first_found_on: first,
                    closed: closed_on.map(|d| (d, note.unwrap_or_default())),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((total, out))
    }

    /// Closes an open finding of `scope` with a note (what was done).
    pub fn close_finding(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        note: &str,
    ) -> Result<()> {
        if note.trim().is_empty() {
            return Err(StoreError::invalid("处理情况", "必填"));
        }
        if note.chars().count() > 500 {
            return Err(StoreError::invalid("处理情况", "不能超过500个字"));
        }
        let (low, high) = scope.path_range();
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let found: Option<Option<NaiveDate>> = af::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(af::county_code)
                        .and(po::id.eq(af::responsible_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .filter(af::county_code.eq(key.county))
                .filter(af::id.eq(key.id))
                .select(af::closed_on)
                .first(conn)
                .optional()?;
            match found {
                None => return Err(StoreError::invalid("问题", "不存在或不在您的管理范围内")),
                Some(Some(_)) => return Err(StoreError::invalid("问题", "已经销号")),
                Some(None) => {}
            }
            diesel::update(
                af::table
                    .filter(af::county_code.eq(key.county))
                    .filter(af::id.eq(key.id)),
            )
            .set((
                af::closed_on.eq(Some(today)),
                af::closed_by.eq(Some(actor)),
                af::close_note.eq(Some(note.trim())),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            crate::audit::append(
                conn,
                cipher,
                crate::audit::Entry {
                    actor,
                    action: "close_finding",
                    entity: "audit_finding",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "note": note.trim() })),
                },
            )
        })
    }
}

/// A member's kept latest records ([`crate::activity`]): last present, last absent, last
/// two months paid, last day paid, archive items and the day the last was received.
type Latest = (
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i64>,
    Option<NaiveDate>,
);

/// A member's last month with a positive line, and their smallest line.
#[derive(diesel::QueryableByName)]
struct LastPaid {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    county_code: i32,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    member_id: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
    month: Option<NaiveDate>,
    /// The smallest line: below zero when a correction may have cancelled a month.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    least: i64,
}

/// The member checks of the audit counted by hand-written SQL: the lower bound the
/// benchmark sets the engine beside.
#[derive(Debug, Clone, Copy, PartialEq, Eq, diesel::QueryableByName)]
pub struct RawAuditCounts {
    /// Current members whose last organizational life attended (or admission) is on or
    /// before the warning date.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub no_life: i64,
    /// Current members with a standard this year and no payment for any of the warning
    /// months up to last month.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub unpaid: i64,
}

impl Store {
    /// [`RawAuditCounts`] for the members of `scope` as of `today`, by `rules`: the warning
    /// months, and the good reasons as the words of their kinds (exact for the default
    /// list; where an earlier kind is refused and a later one accepted, a reason with words
    /// of both counts here and not in the engine).
    pub fn audit_raw_sql(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        rules: &AuditRules,
    ) -> Result<RawAuditCounts> {
        let warn_months = u32::try_from(rules.warn_months.value).unwrap_or(3);
        let accepted = |k: LeaveReason| rules.good_reasons.iter().any(|(g, _)| *g == k);
        // The words are the domain's constants, never user input.
        let good = if accepted(LeaveReason::Other) {
            "TRIM(COALESCE(reason, '')) <> ''".to_owned()
        } else {
            let likes: Vec<String> = LeaveReason::ALL
                .into_iter()
                .filter(|k| accepted(*k))
                .flat_map(|k| k.words().iter().map(|w| format!("reason LIKE '%{w}%'")))
                .collect();
            if likes.is_empty() {
                "1 = 0".to_owned()
            } else {
                likes.join(" OR ")
            }
        };
        let warn_date = today
            .checked_sub_months(chrono::Months::new(warn_months))
            .unwrap_or(today);
        let last = Period::containing_month(today).prev();
        let mut first = last;
        for _ in 1..warn_months {
            first = first.prev();
        }
        let after_first = first.next().first_day();
        let (first, last) = (first.first_day(), last.first_day());
        // Every month of the window must have something due (a nonzero standard, after any
        // reduction, for its year): the engine's run stops at a month with nothing due, so a
        // window across New Year needs both years' standards.
        let (first_year, last_year) = (first.year(), last.year());
        let years = last_year - first_year + 1;
        // DIALECT: dates compare as ISO text on SQLite and as DATE on PostgreSQL; the quoted
        // literals are valid for both. The later of two dates is MAX(a, b) on SQLite and
        // GREATEST(a, b) on PostgreSQL.
        let later = match self.conn() {
            crate::connection::DbConnection::Sqlite(_) => "MAX",
            crate::connection::DbConnection::Postgres(_) => "GREATEST",
        };
        // The subtree's members: paths are the store's own digits and slashes.
        let (low, high) = scope.path_range();
        let (low, high) = (low.replace('\'', "''"), high.replace('\'', "''"));
        let members = "FROM members m \
             JOIN party_orgs o ON o.county_code = m.county_code AND o.id = m.party_org_id";
        let members_on = format!(
            "m.joined_on <= '{today}' AND (m.arrived_on IS NULL OR m.arrived_on <= '{today}') \
               AND (m.left_on IS NULL OR m.left_on > '{today}') \
               AND o.path >= '{low}' AND o.path < '{high}'"
        );
        let attended = format!(
            "held_on <= '{today}' AND (attendance = 'present' OR (attendance = 'excused' AND ({good})))"
        );
        let paid = format!(
            "month >= '{first}' AND month <= '{last}' AND amount_fen > 0 AND paid_on <= '{today}'"
        );
        let owing = format!(
            "year BETWEEN {first_year} AND {last_year} AND COALESCE(reduced_fen, monthly_fen) > 0"
        );
        let no_life = |last: &str| {
            format!(
                "CAST(SUM(CASE WHEN {later}(COALESCE({last}, m.arrived_on, m.joined_on), o.records_start) <= '{warn_date}' THEN 1 ELSE 0 END) AS BIGINT) AS no_life"
            )
        };
        let unpaid = |owes: &str, paid: &str| {
            format!(
                "CAST(SUM(CASE WHEN {owes} AND {paid} \
                               AND {later}(COALESCE(m.arrived_on, m.joined_on), o.records_start) < '{after_first}' \
                          THEN 1 ELSE 0 END) AS BIGINT) AS unpaid"
            )
        };
        // The platform or a city (a root's subtree) in one grouped pass of each table; a
        // subtree below (a county, a zone, a branch) member by member through the indexes,
        // as its size asks.
        let depth = scope
            .party_path
            .split('/')
            .filter(|s| !s.is_empty())
            .count();
        let sql = if depth <= 1 {
            format!(
                "WITH a AS (SELECT member_county AS cc, member_id AS mid, MAX(held_on) AS last \
                       FROM meeting_attendance WHERE {attended} \
                       GROUP BY member_county, member_id), \
                 p AS (SELECT DISTINCT county_code AS cc, member_id AS mid FROM dues_payments \
                       WHERE {paid}), \
                 s AS (SELECT county_code AS cc, member_id AS mid FROM dues_standards \
                       WHERE {owing} GROUP BY county_code, member_id HAVING COUNT(*) = {years}) \
                 SELECT {}, {} {members} \
                 LEFT JOIN a ON a.cc = m.county_code AND a.mid = m.id \
                 LEFT JOIN p ON p.cc = m.county_code AND p.mid = m.id \
                 LEFT JOIN s ON s.cc = m.county_code AND s.mid = m.id \
                 WHERE {members_on}",
                no_life("a.last"),
                unpaid("s.mid IS NOT NULL", "p.mid IS NULL"),
            )
        } else {
            let last = format!(
                "(SELECT MAX(held_on) FROM meeting_attendance \
                  WHERE member_county = m.county_code AND member_id = m.id AND {attended})"
            );
            let owes = format!(
                "(SELECT COUNT(*) FROM dues_standards \
                  WHERE county_code = m.county_code AND member_id = m.id AND {owing}) = {years}"
            );
            let none_paid = format!(
                "NOT EXISTS (SELECT 1 FROM dues_payments \
                  WHERE county_code = m.county_code AND member_id = m.id AND {paid})"
            );
            format!(
                "SELECT {}, {} {members} WHERE {members_on}",
                no_life(&last),
                unpaid(&owes, &none_paid),
            )
        };
        Ok(diesel::sql_query(sql).get_result::<RawAuditCounts>(self.conn())?)
    }
}
