//! Member imports in two phases. [`Store::plan_member_import`] reads every row (the domain's
//! [`import::member_row`]), matches it to the records — the party organization by its
//! 组织编号 or exact name within the scope, the person by the keyed hash of the resident ID,
//! the workplace by its credit code — and says what a commit would do and every problem,
//! writing nothing. [`Store::commit_member_import`] writes the plan in one transaction or
//! not at all, re-checking what may have changed since, and keeps the import in a history;
//! [`Store::undo_import`] takes a whole import back while nothing depends on its rows.
//!
//! A person already in the organization a row names is updated in the columns the file
//! carries. A commit is fast where it matters, a county's first import of its whole
//! register: the sheet is read on every core, a file about as large as the register reads
//! the register through once instead of a lookup per row, the identities are sealed on a
//! second thread while the first inserts, a commit finding the registry unchanged since the
//! plan does not match again, and on SQLite an import that at least doubles the register
//! builds the secondary indexes afterwards ([`suspend_indexes`]).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::dues::{self, DuesRules};
use liangxin_domain::import::{self, MEMBER_COLUMNS, MemberFields, MemberRow, Problem, Severity};
use liangxin_domain::kinds::{DuesCategory, FlowStatus, MemberStatus};
use liangxin_domain::money::Fen;
use liangxin_domain::registry::{Key, Member};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::{IN_LIST_MAX, PreparedMembers, allocate, bump_version};
use crate::schema::{
    import_updates as iu, imports as imp, member_profiles as mp, members as m, organizations as o,
    party_orgs as po,
};
use crate::uploads::{Preview, PreviewChange, PreviewProblem, PreviewRow, PreviewUpdate};
use crate::{Scope, Store};

pub mod assignments;
pub mod meetings;
pub mod organizations;
pub mod party_orgs;
pub mod payments;

/// A member the commit would create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMember {
    pub row: usize,
    pub party_org: Key,
    pub party_org_name: String,
    pub member: MemberRow,
    /// The keyed hash of the resident ID (how the register finds the person).
    pub hash: String,
    pub workplace: Option<Key>,
    /// The year's dues standard the row sets (党费类别 and 计算基数), if it carries one.
    pub dues: Option<PlannedDues>,
}

/// A new member's dues standard for the import's year, computed by the table in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedDues {
    pub category: DuesCategory,
    /// The base for salaried and retired members (a farmer's amount is the standard).
    pub base: Option<Fen>,
    pub monthly: Fen,
}

/// A registered member the commit would update, with what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUpdate {
    pub row: usize,
    pub key: Key,
    pub resident_id_masked: String,
    pub before: MemberFields,
    pub after: MemberFields,
    /// (column, before, after) as people read them.
    pub changes: Vec<(&'static str, String, String)>,
}

/// What a commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedMember>,
    /// Members already in the organization the row names, whose record the file changes.
    pub update: Vec<PlannedUpdate>,
    /// (row, why): rows that change nothing (the person's record already says it all) and
    /// the template's example row.
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    /// Columns of the file no one reads.
    pub ignored_columns: Vec<String>,
    /// The registry's version before the plan read it: a commit finding it unchanged
    /// needs not match the rows again.
    pub registry_version: i64,
    /// The day of the plan: new members' dues standards are for its year.
    pub today: NaiveDate,
}

plan_common!(ImportPlan);

impl ImportPlan {
    /// The plan as a preview keeps it: counts, every problem (resident IDs masked), and
    /// the first rows that would be written. `format` and `notes` say how the file was read.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: ["姓名", "公民身份号码", "所在党组织", "党员类别", "入党时间"]
                .map(str::to_owned)
                .to_vec(),
            sample: self
                .create
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|p| PreviewRow {
                    row: p.row,
                    cells: vec![
                        p.member.name.clone(),
                        p.member.resident_id.masked(),
                        p.party_org_name.clone(),
                        p.member.status.label().to_owned(),
                        p.member.joined_on.to_string(),
                    ],
                })
                .collect(),
            updates: self
                .update
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|u| PreviewUpdate {
                    row: u.row,
                    name: u.after.name.clone(),
                    identifier: u.resident_id_masked.clone(),
                    changes: u
                        .changes
                        .iter()
                        .map(|(c, b, a)| PreviewChange {
                            column: (*c).to_owned(),
                            before: b.clone(),
                            after: a.clone(),
                        })
                        .collect(),
                })
                .collect(),
            ..self.preview_base(format, notes.to_vec(), self.create.len(), self.update.len())
        }
    }
}

/// Rows of what would be written shown in a preview.
pub const PREVIEW_SAMPLE: usize = 50;

/// What the plans of every kind share: the rows read and skipped, every problem, the
/// columns nobody reads; from them whether a commit may run, and the preview's counts.
pub trait Plan {
    fn rows_read(&self) -> usize;
    fn skipped(&self) -> &[(usize, String)];
    fn problems(&self) -> &[Problem];
    fn ignored_columns(&self) -> &[String];

    fn errors(&self) -> usize {
        count_errors(self.problems())
    }

    fn warnings(&self) -> usize {
        self.problems().len() - self.errors()
    }

    /// Whether a commit may run: no errors (warnings are accepted).
    fn committable(&self) -> bool {
        self.errors() == 0
    }

    /// Refused, with nothing written, while the plan has errors.
    fn check_committable(&self) -> Result<()> {
        if self.committable() {
            return Ok(());
        }
        Err(StoreError::invalid(
            "导入",
            format!("有{}个错误，请修改文件后重新导入", self.errors()),
        ))
    }

    /// A preview's counts and problems (resident IDs masked); the kind adds the rows it
    /// would write. `format` and `notes` say how the file was read.
    fn preview_base(
        &self,
        format: &str,
        notes: Vec<String>,
        create: usize,
        update: usize,
    ) -> Preview {
        Preview {
            format: format.to_owned(),
            notes,
            rows_read: self.rows_read(),
            create,
            update,
            skip: self.skipped().len(),
            errors: self.errors(),
            warnings: self.warnings(),
            problems: preview_problems(self.problems()),
            skipped: self.skipped().to_vec(),
            ignored_columns: self.ignored_columns().to_vec(),
            sample_columns: Vec::new(),
            sample: Vec::new(),
            updates: Vec::new(),
        }
    }
}

/// [`Plan`] for a plan with the usual fields (`rows_read`, `skipped`, `problems`,
/// `ignored_columns`).
macro_rules! plan_common {
    ($plan:ty) => {
        impl $crate::import::Plan for $plan {
            fn rows_read(&self) -> usize {
                self.rows_read
            }
            fn skipped(&self) -> &[(usize, String)] {
                &self.skipped
            }
            fn problems(&self) -> &[Problem] {
                &self.problems
            }
            fn ignored_columns(&self) -> &[String] {
                &self.ignored_columns
            }
        }
    };
}
use plan_common;

fn count_errors(problems: &[Problem]) -> usize {
    problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count()
}

/// Problems as a preview keeps them: a resident ID masked.
fn preview_problems(problems: &[Problem]) -> Vec<PreviewProblem> {
    problems
        .iter()
        .map(|p| PreviewProblem {
            row: p.row,
            column: p.column.to_owned(),
            value: if p.column == "公民身份号码" {
                mask_cell(&p.value)
            } else {
                p.value.clone()
            },
            reason: p.reason.clone(),
            error: p.severity == Severity::Error,
        })
        .collect()
}

/// What an import did, as its history keeps it.
struct Outcome<'a> {
    kind: &'a str,
    rows_read: usize,
    created: usize,
    updated: usize,
    skipped: usize,
    /// The block of ids it reserved in its kind's table, if it created anything.
    block: Option<(i64, i64)>,
    /// Coverage links it made (a party-organization import's).
    links: usize,
}

/// Keeps a committed import in the history, marks the upload it came from committed and
/// the registry changed (inside the writing transaction); returns the import's id.
fn record_import(conn: &mut DbConnection, source: &ImportSource, o: &Outcome) -> Result<i64> {
    let id = allocate(conn, "imports", 1)?;
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    diesel::insert_into(imp::table)
        .values((
            imp::id.eq(id),
            imp::kind.eq(o.kind),
            imp::file_name.eq(source.file_name),
            imp::file_sha256.eq(source.file_sha256),
            imp::actor.eq(source.actor),
            imp::scope_path.eq(&source.scope.party_path),
            imp::imported_at.eq(chrono::Utc::now().naive_utc()),
            imp::rows_read.eq(count(o.rows_read)),
            imp::created.eq(count(o.created)),
            imp::skipped.eq(count(o.skipped)),
            imp::updated.eq(count(o.updated)),
            imp::first_id.eq(o.block.map(|b| b.0)),
            imp::last_id.eq(o.block.map(|b| b.1)),
            imp::links.eq(count(o.links)),
        ))
        .execute(conn)?;
    if let Some(upload) = source.upload {
        crate::uploads::mark_committed(conn, upload, id)?;
    }
    bump_version(conn)?;
    Ok(id)
}

/// A record an import updates in the columns the file carries and an undo puts back:
/// how it is kept in the history, written, and read as it is now.
trait Updated: Sized + PartialEq {
    /// The audit's name for it.
    const ENTITY: &'static str;
    /// How a refusal names it (党员张三, 某公司).
    fn described(&self) -> String;
    fn to_json(&self) -> serde_json::Value;
    fn from_json(text: &str) -> Option<Self>;
    /// Writes these values (inside the writing transaction).
    fn write(&self, conn: &mut DbConnection, key: Key) -> Result<()>;
    /// These records as they are now (those that still are).
    fn current(conn: &mut DbConnection, keys: &[Key]) -> Result<HashMap<Key, Self>>;
}

/// Writes an import's updates and keeps each, before and after, in its history (to undo
/// it), audited (inside the commit's transaction).
fn record_updates<'a, T: Updated + 'a>(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    import_id: i64,
    updates: impl IntoIterator<Item = (Key, &'a T, &'a T)>,
) -> Result<()> {
    for (key, before, after) in updates {
        after.write(conn, key)?;
        let (old, new) = (before.to_json(), after.to_json());
        diesel::insert_into(iu::table)
            .values((
                iu::import_id.eq(import_id),
                iu::county_code.eq(key.county),
                iu::record_id.eq(key.id),
                iu::old_values.eq(old.to_string()),
                iu::new_values.eq(new.to_string()),
            ))
            .execute(conn)?;
        audit::append(
            conn,
            cipher,
            Entry {
                actor,
                action: "import_update",
                entity: T::ENTITY,
                county: key.county,
                entity_id: key.id,
                before: Some(old),
                after: Some(new),
            },
        )?;
    }
    Ok(())
}

/// Puts back what import `id` updated, while nobody has changed it since (inside the
/// undo's transaction); refused otherwise, with nothing written.
fn restore_updates<T: Updated>(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    id: i64,
) -> Result<()> {
    let updates: Vec<(i32, i64, String, String)> = iu::table
        .filter(iu::import_id.eq(id))
        .select((
            iu::county_code,
            iu::record_id,
            iu::old_values,
            iu::new_values,
        ))
        .load(conn)?;
    let keys: Vec<Key> = updates
        .iter()
        .map(|u| Key {
            county: u.0,
            id: u.1,
        })
        .collect();
    let now = T::current(conn, &keys)?;
    let mut restore = Vec::with_capacity(updates.len());
    for (key, (_, _, old, new)) in keys.iter().zip(&updates) {
        let (Some(old), Some(new)) = (T::from_json(old), T::from_json(new)) else {
            return Err(StoreError::invalid("导入", "更新记录无法读取，不能撤销"));
        };
        if now.get(key) != Some(&new) {
            return Err(StoreError::invalid(
                "导入",
                format!("{}在导入之后又被修改，不能整批撤销", new.described()),
            ));
        }
        restore.push((*key, old, new));
    }
    for (key, old, new) in &restore {
        old.write(conn, *key)?;
        audit::append(
            conn,
            cipher,
            Entry {
                actor,
                action: "undo_import_update",
                entity: T::ENTITY,
                county: key.county,
                entity_id: key.id,
                before: Some(new.to_json()),
                after: Some(old.to_json()),
            },
        )?;
    }
    Ok(())
}

impl Updated for MemberFields {
    const ENTITY: &'static str = "member";

    fn described(&self) -> String {
        format!("党员{}", self.name)
    }

    fn to_json(&self) -> serde_json::Value {
        fields_json(self)
    }

    fn from_json(text: &str) -> Option<Self> {
        fields_from_json(text)
    }

    fn write(&self, conn: &mut DbConnection, key: Key) -> Result<()> {
        write_fields(conn, key, self)
    }

    fn current(conn: &mut DbConnection, keys: &[Key]) -> Result<HashMap<Key, Self>> {
        member_fields(conn, keys)
    }
}

/// The audit entry of a whole import.
fn audit_import(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    source: &ImportSource,
    id: i64,
    entity: &str,
    o: &Outcome,
) -> Result<()> {
    audit::append(
        conn,
        cipher,
        Entry {
            actor: source.actor,
            action: "import",
            entity,
            county: 0,
            entity_id: id,
            before: None,
            after: Some(json!({
                "import": id,
                "file": source.file_name,
                "sha256": source.file_sha256,
                "created": o.created,
                "updated": o.updated,
                "skipped": o.skipped,
            })),
        },
    )
}

/// The new members' dues standards for the plan's year (inside the commit's transaction),
/// marked as set by import `id` so that its undo knows them from standards set since.
fn insert_dues_standards(
    conn: &mut DbConnection,
    plan: &ImportPlan,
    first: i64,
    id: i64,
) -> Result<()> {
    use crate::schema::dues_standards as ds;
    let set_by = format!("import:{id}");
    let rows: Vec<_> = plan
        .create
        .iter()
        .zip(first..)
        .filter_map(|(p, member)| {
            let d = p.dues?;
            Some((
                ds::county_code.eq(p.party_org.county),
                ds::member_id.eq(member),
                ds::year.eq(plan.today.year()),
                ds::category.eq(d.category.code()),
                ds::base_fen.eq(d.base.map(Fen::fen)),
                ds::monthly_fen.eq(d.monthly.fen()),
                ds::set_on.eq(plan.today),
                ds::set_by.eq(set_by.as_str()),
            ))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // 8 values a row: well within either database's limit on bound values.
    for chunk in rows.chunks(1_000) {
        crate::batch_insert!(conn, ds::table, chunk)?;
    }
    crate::registry::bump_records(conn)
}

/// Findings about the subjects `first..=last` of a type that a person closed (not those
/// the audit closed itself on finding them gone): work an undo must not erase.
fn handled_findings(conn: &mut DbConnection, subject: &str, first: i64, last: i64) -> Result<i64> {
    use crate::schema::audit_findings as af;
    Ok(af::table
        .filter(af::subject_type.eq(subject))
        .filter(af::subject_id.between(first, last))
        .filter(af::closed_on.is_not_null())
        .filter(
            af::close_note
                .ne(crate::audit_run::RESOLVED_NOTE)
                .or(af::close_note.is_null()),
        )
        .count()
        .get_result(conn)?)
}

/// Removes the findings about the subjects `first..=last` of a type that are open or
/// were closed by the audit itself (inside an undo's transaction).
fn drop_open_findings(conn: &mut DbConnection, subject: &str, first: i64, last: i64) -> Result<()> {
    use crate::schema::audit_findings as af;
    diesel::delete(
        af::table
            .filter(af::subject_type.eq(subject))
            .filter(af::subject_id.between(first, last))
            .filter(
                af::closed_on
                    .is_null()
                    .or(af::close_note.eq(crate::audit_run::RESOLVED_NOTE)),
            ),
    )
    .execute(conn)?;
    Ok(())
}

/// For the test that a killed commit leaves nothing: the process dies here, in the middle
/// of the commit's transaction, as a power cut or `kill -9` would have it.
fn die_here_in_tests() {
    if std::env::var_os("LIANGXIN_TEST_DIE_IN_IMPORT").is_some() {
        std::process::abort();
    }
}

/// Takes the registry's version row (PostgreSQL; SQLite's write lock already holds it), so
/// no registry write lands between a commit's check of the version and its writing.
fn lock_registry_version(conn: &mut DbConnection) -> Result<()> {
    if let DbConnection::Postgres(c) = conn {
        diesel::sql_query(
            "SELECT next_id FROM id_alloc WHERE name = 'registry_version' FOR UPDATE",
        )
        .execute(c)?;
    }
    Ok(())
}

/// A resident-ID cell as a preview may keep it: the region and the last four, the birth
/// date hidden (a value that failed to parse is still somebody's number).
fn mask_cell(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

/// Where a committed import came from.
#[derive(Debug, Clone, Copy)]
pub struct ImportSource<'a> {
    pub actor: &'a str,
    pub scope: &'a Scope,
    pub file_name: &'a str,
    pub file_sha256: &'a str,
    /// The upload checked on the web, if it came from one.
    pub upload: Option<i64>,
}

/// An import as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRecord {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_sha256: String,
    pub actor: String,
    pub imported_at: chrono::NaiveDateTime,
    pub rows_read: i32,
    pub created: i32,
    pub skipped: i32,
    pub updated: i32,
    pub undone_at: Option<chrono::NaiveDateTime>,
}

fn problem(row: usize, column: &'static str, value: &str, reason: impl Into<String>) -> Problem {
    Problem {
        row,
        column,
        value: value.to_owned(),
        reason: reason.into(),
        severity: Severity::Error,
    }
}

/// Active records by the keyed hash of the resident ID: (county, id, party organization).
fn active_by_hash<'a>(
    conn: &mut DbConnection,
    hashes: impl Iterator<Item = &'a str>,
) -> Result<HashMap<String, (i32, i64, i64)>> {
    let mut hashes: Vec<&str> = hashes.collect();
    let registered: i64 = mp::table.count().get_result(conn)?;
    let mut out = HashMap::new();
    if i64::try_from(hashes.len()).unwrap_or(i64::MAX) > registered / 4 {
        // A file about as large as the register: reading the register through once, a
        // page at a time, is cheaper than a lookup per row.
        let wanted: HashSet<&str> = hashes.into_iter().collect();
        let counties: Vec<i32> = mp::table.select(mp::county_code).distinct().load(conn)?;
        for county in counties {
            let mut after = i64::MIN;
            loop {
                let rows: Vec<(String, i64, i64, Option<NaiveDate>)> = mp::table
                    .inner_join(
                        m::table.on(m::county_code
                            .eq(mp::county_code)
                            .and(m::id.eq(mp::member_id))),
                    )
                    .filter(mp::county_code.eq(county))
                    .filter(mp::member_id.gt(after))
                    .order(mp::member_id)
                    .limit(SCAN_PAGE)
                    .select((mp::resident_id_hash, m::id, m::party_org_id, m::left_on))
                    .load(conn)?;
                let Some(last) = rows.last() else { break };
                after = last.1;
                out.extend(
                    rows.into_iter()
                        .filter(|r| r.3.is_none() && wanted.contains(r.0.as_str()))
                        .map(|(h, i, p, _)| (h, (county, i, p))),
                );
            }
        }
        return Ok(out);
    }
    // Looked up in the index's order: each slice reads neighbouring pages.
    hashes.sort_unstable();
    for slice in hashes.chunks(IN_LIST_MAX) {
        let rows: Vec<(String, i32, i64, i64)> = mp::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(mp::county_code)
                    .and(m::id.eq(mp::member_id))),
            )
            .filter(mp::resident_id_hash.eq_any(slice))
            .filter(m::left_on.is_null())
            .select((mp::resident_id_hash, m::county_code, m::id, m::party_org_id))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(h, c, i, p)| (h, (c, i, p))));
    }
    Ok(out)
}

/// Register rows read at a time when an import reads it through.
const SCAN_PAGE: i64 = 50_000;

/// What an import may change of these members, as registered now.
fn member_fields(conn: &mut DbConnection, keys: &[Key]) -> Result<HashMap<Key, MemberFields>> {
    type Row = (
        i32,
        i64,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
        Option<i32>,
        Option<i64>,
        Option<String>,
    );
    let wanted: HashSet<Key> = keys.iter().copied().collect();
    let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
    let mut out = HashMap::with_capacity(keys.len());
    for slice in ids.chunks(IN_LIST_MAX) {
        let rows: Vec<Row> = m::table
            .inner_join(
                mp::table.on(mp::county_code
                    .eq(m::county_code)
                    .and(mp::member_id.eq(m::id))),
            )
            .filter(m::id.eq_any(slice))
            .select((
                m::county_code,
                m::id,
                m::name,
                m::status,
                m::joined_on,
                m::confirmed_on,
                m::workplace_county,
                m::workplace_org_id,
                mp::phone,
            ))
            .load(conn)?;
        for r in rows {
            let key = Key {
                county: r.0,
                id: r.1,
            };
            if !wanted.contains(&key) {
                continue;
            }
            let status = MemberStatus::parse(&r.3)
                .map_err(|e| StoreError::invalid("党员类别", e.to_string()))?;
            out.insert(
                key,
                MemberFields {
                    name: r.2,
                    status,
                    joined_on: r.4,
                    confirmed_on: r.5,
                    workplace: r.6.zip(r.7).map(|(county, id)| Key { county, id }),
                    phone: r.8,
                },
            );
        }
    }
    Ok(out)
}

/// The names of these organizations.
fn organization_names(conn: &mut DbConnection, keys: &[Key]) -> Result<HashMap<Key, String>> {
    let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
    let mut out = HashMap::new();
    for slice in ids.chunks(IN_LIST_MAX) {
        let rows: Vec<(i32, i64, String)> = o::table
            .filter(o::id.eq_any(slice))
            .select((o::county_code, o::id, o::name))
            .load(conn)?;
        out.extend(
            rows.into_iter()
                .map(|(county, id, name)| (Key { county, id }, name)),
        );
    }
    Ok(out)
}

/// A field as people read it.
fn show_field(key: &str, f: &MemberFields, names: &HashMap<Key, String>) -> String {
    let day = |d: Option<NaiveDate>| d.map_or_else(|| "（空）".to_owned(), |d| d.to_string());
    match key {
        "name" => f.name.clone(),
        "status" => f.status.label().to_owned(),
        "joined_on" => f.joined_on.to_string(),
        "confirmed_on" => day(f.confirmed_on),
        "workplace" => f.workplace.map_or_else(
            || "（空）".to_owned(),
            |k| names.get(&k).cloned().unwrap_or_default(),
        ),
        "phone" => f.phone.clone().unwrap_or_else(|| "（空）".to_owned()),
        _ => String::new(),
    }
}

/// The fields as the import's history keeps them (to undo it).
fn fields_json(f: &MemberFields) -> serde_json::Value {
    json!({
        "name": f.name,
        "status": f.status.code(),
        "joined_on": f.joined_on,
        "confirmed_on": f.confirmed_on,
        "workplace": f.workplace.map(|k| [i64::from(k.county), k.id]),
        "phone": f.phone,
    })
}

fn fields_from_json(text: &str) -> Option<MemberFields> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let date = |x: &serde_json::Value| x.as_str().and_then(|s| s.parse::<NaiveDate>().ok());
    Some(MemberFields {
        name: v["name"].as_str()?.to_owned(),
        status: MemberStatus::parse(v["status"].as_str()?).ok()?,
        joined_on: date(&v["joined_on"])?,
        confirmed_on: date(&v["confirmed_on"]),
        workplace: v["workplace"].as_array().and_then(|a| {
            Some(Key {
                county: i32::try_from(a.first()?.as_i64()?).ok()?,
                id: a.get(1)?.as_i64()?,
            })
        }),
        phone: v["phone"].as_str().map(str::to_owned),
    })
}

/// Writes a member's importable fields (inside the writing transaction).
fn write_fields(conn: &mut DbConnection, key: Key, f: &MemberFields) -> Result<()> {
    diesel::update(
        m::table
            .filter(m::county_code.eq(key.county))
            .filter(m::id.eq(key.id)),
    )
    .set((
        m::name.eq(&f.name),
        m::status.eq(f.status.code()),
        m::joined_on.eq(f.joined_on),
        m::confirmed_on.eq(f.confirmed_on),
        m::workplace_county.eq(f.workplace.map(|k| k.county)),
        m::workplace_org_id.eq(f.workplace.map(|k| k.id)),
    ))
    .execute(conn)?;
    diesel::update(
        mp::table
            .filter(mp::county_code.eq(key.county))
            .filter(mp::member_id.eq(key.id)),
    )
    .set(mp::phone.eq(&f.phone))
    .execute(conn)?;
    Ok(())
}

/// Members sealed and inserted at a time by a commit.
const COMMIT_BLOCK: usize = 16_384;

/// The member a planned row creates.
fn planned_member(p: &PlannedMember) -> Member {
    Member {
        key: Key {
            county: p.party_org.county,
            id: 0,
        },
        party_org_id: p.party_org.id,
        name: p.member.name.clone(),
        resident_id: p.member.resident_id.clone(),
        status: p.member.status,
        joined_on: p.member.joined_on,
        confirmed_on: p.member.confirmed_on,
        workplace: p.workplace,
        flow: FlowStatus::Settled,
        flow_destination: None,
        phone: p.member.phone.clone(),
    }
}

/// The registry's version as this transaction sees it.
fn registry_version(conn: &mut DbConnection) -> Result<i64> {
    use crate::schema::id_alloc as ia;
    Ok(ia::table
        .filter(ia::name.eq("registry_version"))
        .select(ia::next_id)
        .first(conn)?)
}

/// SQLite: an import that at least doubles the register is written faster without the
/// secondary indexes of members and their identities, built again afterwards in one sorted
/// pass each, within the same transaction (a rollback brings them back as they were).
/// Returns the statements that build them again; none when the import is the smaller part.
fn suspend_indexes(conn: &mut SqliteConnection, adding: i64) -> Result<Vec<String>> {
    #[derive(QueryableByName)]
    struct Index {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        sql: String,
    }
    let registered: i64 = m::table.count().get_result(conn)?;
    if adding < registered.max(REBUILD_MIN) {
        return Ok(Vec::new());
    }
    // The migrations' own definitions, read back: nothing here repeats them.
    let indexes: Vec<Index> = diesel::sql_query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
         AND tbl_name IN ('members', 'member_profiles') AND sql IS NOT NULL",
    )
    .load(conn)?;
    for i in &indexes {
        diesel::sql_query(format!("DROP INDEX \"{}\"", i.name)).execute(conn)?;
    }
    Ok(indexes.into_iter().map(|i| i.sql).collect())
}

/// Fewest members an import adds before [`suspend_indexes`] is worth its rebuild.
const REBUILD_MIN: i64 = 50_000;

/// Inside the commit's transaction, when the register changed since the plan: nobody the
/// plan creates has been registered meanwhile, and everybody it updates is as it found them.
fn recheck(conn: &mut DbConnection, plan: &ImportPlan) -> Result<()> {
    let registered = active_by_hash(conn, plan.create.iter().map(|p| p.hash.as_str()))?;
    if let Some(p) = plan
        .create
        .iter()
        .find(|p| registered.contains_key(&p.hash))
    {
        return Err(StoreError::invalid(
            "公民身份号码",
            format!("第{}行的党员在预览之后已被登记，请重新预览", p.row),
        ));
    }
    let keys: Vec<Key> = plan.update.iter().map(|u| u.key).collect();
    let now = member_fields(conn, &keys)?;
    if let Some(u) = plan
        .update
        .iter()
        .find(|u| now.get(&u.key) != Some(&u.before))
    {
        return Err(StoreError::invalid(
            "公民身份号码",
            format!("第{}行的党员在预览之后已被修改，请重新预览", u.row),
        ));
    }
    Ok(())
}

/// Rows read between two reports of progress.
const PLAN_BLOCK: usize = 8_192;

/// What one worker made of its rows.
struct ReadPart {
    members: Vec<(MemberRow, String)>,
    problems: Vec<Problem>,
    examples: Vec<(usize, String)>,
}

/// Reads rows into members with the keyed hash of their IDs (the domain's checks).
fn read_part(
    rows: &[(usize, Vec<String>)],
    map: &HeaderMap,
    today: NaiveDate,
    cipher: &crate::IdCipher,
) -> ReadPart {
    let mut out = ReadPart {
        members: Vec::with_capacity(rows.len()),
        problems: Vec::new(),
        examples: Vec::new(),
    };
    for (row, cells) in rows {
        if import::is_example_row(cells, map) {
            out.examples.push((*row, "模板的示例行，跳过".to_owned()));
            continue;
        }
        let (member, problems) = import::member_row(*row, cells, map, today);
        out.problems.extend(problems);
        out.members.extend(member.map(|m| {
            let hash = cipher.lookup_hash(&m.resident_id);
            (m, hash)
        }));
    }
    out
}

impl Store {
    /// Reads and matches a member sheet (its header row and data rows with their row
    /// numbers) against the records of `scope`, writing nothing. `progress` is told how
    /// many rows have been read, now and then.
    pub fn plan_member_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<ImportPlan> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("导入", "党员不能导入"));
        }
        let map: HeaderMap = cells::match_headers(header, MEMBER_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let registry_version = registry_version(&mut self.conn)?;
        let dues_rules = match map.index("dues_category") {
            Some(_) => Some(
                DuesRules::resolve(&self.rule_set()?, today)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ),
            None => None,
        };
        let mut plan = ImportPlan {
            registry_version,
            today,
            rows_read: rows.len(),
            create: Vec::new(),
            update: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
        };
        // Rows are read and their IDs hashed on every core, a block at a time (the
        // progress is told between blocks); the order of rows is kept.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let cipher = &self.cipher;
        let mut read: Vec<(MemberRow, String)> = Vec::with_capacity(rows.len());
        let mut done = 0;
        // The sheet's cells are dropped a block at a time as they are read: the file's
        // rows and the members read from them are never all held at once.
        let mut rows = rows.into_iter();
        loop {
            let block: Vec<(usize, Vec<String>)> = rows.by_ref().take(PLAN_BLOCK).collect();
            if block.is_empty() {
                break;
            }
            let part = block.len().div_ceil(threads).max(1);
            let results: Vec<ReadPart> = std::thread::scope(|s| {
                let workers: Vec<_> = block
                    .chunks(part)
                    .map(|part| s.spawn(|| read_part(part, &map, today, cipher)))
                    .collect();
                workers
                    .into_iter()
                    .map(|w| w.join().expect("reading rows does not panic"))
                    .collect()
            });
            for r in results {
                plan.skipped.extend(r.examples);
                plan.problems.extend(r.problems);
                read.extend(r.members);
            }
            done += block.len();
            progress(done);
        }
        // The scope's party organizations, by 组织编号 and by exact name.
        let (low, high) = scope.path_range();
        let conn = &mut self.conn;
        let orgs: Vec<(i32, i64, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id, po::name))
            .load(conn)?;
        let by_code: HashMap<String, (Key, String)> = orgs
            .iter()
            .map(|(c, i, n)| (format!("{c}-{i}"), (Key { county: *c, id: *i }, n.clone())))
            .collect();
        let mut by_name: HashMap<&str, Vec<Key>> = HashMap::new();
        for (c, i, n) in &orgs {
            by_name
                .entry(n.as_str())
                .or_default()
                .push(Key { county: *c, id: *i });
        }
        // People already on the register, and workplaces by credit code.
        let conn = &mut self.conn;
        let existing = active_by_hash(conn, read.iter().map(|(_, h)| h.as_str()))?;
        let codes: Vec<String> = read
            .iter()
            .filter_map(|(r, _)| r.workplace.as_ref().map(|c| c.as_str().to_owned()))
            .collect();
        // Workplaces as the scope sees them: a unit outside it is not named to the importer.
        let mut workplaces: HashMap<String, Key> = HashMap::new();
        for slice in codes.chunks(IN_LIST_MAX) {
            let rows: Vec<(Option<String>, i32, i64)> =
                crate::coverage::scoped_organizations(scope, today)
                    .filter(o::credit_code.eq_any(slice))
                    .select((o::credit_code, o::county_code, o::id))
                    .load(conn)?;
            workplaces.extend(
                rows.into_iter()
                    .filter_map(|(code, c, i)| Some((code?, Key { county: c, id: i }))),
            );
        }
        // The row that first carries each person, for the rows that repeat them.
        let first_rows: Vec<Option<usize>> = {
            let mut seen: HashMap<&str, usize> = HashMap::with_capacity(read.len());
            read.iter()
                .map(|(r, h)| match seen.entry(h.as_str()) {
                    std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(r.row);
                        None
                    }
                })
                .collect()
        };
        let mut candidates: Vec<(MemberRow, Key, Option<Key>)> = Vec::new();
        for ((r, hash), first) in read.into_iter().zip(first_rows) {
            if let Some(first) = first {
                plan.problems.push(problem(
                    r.row,
                    "公民身份号码",
                    &r.resident_id.masked(),
                    format!("与第{first}行重复"),
                ));
                continue;
            }
            let target = match by_code.get(r.party_org.as_str()) {
                Some((k, n)) => Some((*k, n.clone())),
                None => match by_name.get(r.party_org.as_str()).map(Vec::as_slice) {
                    Some([k]) => Some((*k, r.party_org.clone())),
                    Some(_) => {
                        plan.problems.push(problem(
                            r.row,
                            "所在党组织",
                            &r.party_org,
                            "有同名党组织，请填写组织编号（党组织页面上的“组织编号”）",
                        ));
                        None
                    }
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "所在党组织",
                            &r.party_org,
                            "在您的管理范围内找不到（请填写组织编号或党组织全称）",
                        ));
                        None
                    }
                },
            };
            let Some((party_org, party_org_name)) = target else {
                continue;
            };
            let workplace = match &r.workplace {
                Some(code) => match workplaces.get(code.as_str()) {
                    Some(k) => Some(*k),
                    None => {
                        plan.problems.push(Problem {
                            row: r.row,
                            column: "工作单位统一社会信用代码",
                            value: code.as_str().to_owned(),
                            reason: "该单位尚未登记或不在您的管理范围内，导入后未关联工作单位"
                                .into(),
                            severity: Severity::Warning,
                        });
                        None
                    }
                },
                None => None,
            };
            if let Some((c, id, p)) = existing.get(&hash) {
                if *c == party_org.county && *p == party_org.id {
                    if let Some(category) = r.dues_category {
                        plan.problems.push(Problem {
                            row: r.row,
                            column: "党费类别",
                            value: category.label().to_owned(),
                            reason: "已登记党员的党费标准请在党费页面设定，本次未变更".into(),
                            severity: Severity::Warning,
                        });
                    }
                    candidates.push((
                        r,
                        Key {
                            county: *c,
                            id: *id,
                        },
                        workplace,
                    ));
                } else {
                    plan.problems.push(problem(
                        r.row,
                        "公民身份号码",
                        &r.resident_id.masked(),
                        "已在其他党组织登记为党员（如需转入请办理组织关系转接）",
                    ));
                }
                continue;
            }
            let dues = match (r.dues_category, &dues_rules) {
                (Some(category), Some(rules)) => {
                    // A farmer's 计算基数 is the amount the branch fixed for them.
                    let (base, farmer) = match category {
                        DuesCategory::Farmer => (None, r.dues_base),
                        _ => (r.dues_base, None),
                    };
                    match dues::monthly_standard(category, base, farmer, rules) {
                        Ok(s) => Some(PlannedDues {
                            category,
                            base,
                            monthly: s.monthly,
                        }),
                        Err(e) => {
                            let value = r.dues_base.map(|b| b.to_string()).unwrap_or_default();
                            let reason = match e {
                                dues::DuesError::Base(why) => why.to_owned(),
                                other => other.to_string(),
                            };
                            plan.problems
                                .push(problem(r.row, "党费计算基数", &value, reason));
                            continue;
                        }
                    }
                }
                _ => {
                    if r.dues_base.is_some() {
                        plan.problems.push(Problem {
                            row: r.row,
                            column: "党费类别",
                            value: String::new(),
                            reason: "未填党费类别，未设定党费标准".into(),
                            severity: Severity::Warning,
                        });
                    }
                    None
                }
            };
            plan.create.push(PlannedMember {
                row: r.row,
                party_org,
                party_org_name,
                member: r,
                hash,
                workplace,
                dues,
            });
        }
        // People already in the organization the row names: what the file changes.
        let keys: Vec<Key> = candidates.iter().map(|(_, k, _)| *k).collect();
        let current = member_fields(&mut self.conn, &keys)?;
        let mut named: Vec<Key> = Vec::new();
        for (r, key, workplace) in candidates {
            let Some(before) = current.get(&key) else {
                continue;
            };
            match import::merge_member(before, &r, workplace, today) {
                Err(problems) => plan.problems.extend(problems),
                Ok((_, changed)) if changed.is_empty() => plan
                    .skipped
                    .push((r.row, format!("{}的登记信息与表格一致，跳过", r.name))),
                Ok((after, changed)) => {
                    named.extend(before.workplace.iter().chain(after.workplace.iter()));
                    plan.update.push(PlannedUpdate {
                        row: r.row,
                        key,
                        resident_id_masked: r.resident_id.masked(),
                        changes: changed
                            .iter()
                            .map(|c| (*c, String::new(), String::new()))
                            .collect(),
                        before: before.clone(),
                        after,
                    });
                }
            }
        }
        let names = organization_names(&mut self.conn, &named)?;
        for u in &mut plan.update {
            for change in &mut u.changes {
                let key = change.0;
                *change = (
                    import::column_label(key),
                    show_field(key, &u.before, &names),
                    show_field(key, &u.after, &names),
                );
            }
        }
        plan.problems.sort_by_key(|p| p.row);
        Ok(plan)
    }

    /// Writes a plan without errors in one transaction: the members, their encrypted
    /// identities, the import's history, the upload it came from (if any) marked
    /// committed, and one audit entry. Refused, with nothing written, when the plan has
    /// errors or someone registered one of its people since.
    pub fn commit_member_import(
        &mut self,
        source: &ImportSource,
        plan: &ImportPlan,
    ) -> Result<i64> {
        let actor = source.actor;
        plan.check_committable()?;
        let cipher = &self.cipher;
        let conn = &mut self.conn;
        // Sealing the identities is the cost of an import besides the database's own: a
        // second thread seals the next block while this one inserts the last.
        std::thread::scope(|s| {
            let (sealed, blocks) = std::sync::mpsc::sync_channel(1);
            let producer = s.spawn(move || {
                for block in plan.create.chunks(COMMIT_BLOCK) {
                    let prepared = PreparedMembers::seal(
                        cipher,
                        block.iter().map(|p| (planned_member(p), p.hash.as_str())),
                    );
                    if sealed.send(prepared).is_err() {
                        break;
                    }
                }
            });
            let written = crate::connection::write_transaction(conn, |conn| {
                // Nothing written to the register since the plan was made: what it matched
                // still holds. Otherwise the people it creates or updates are looked at again.
                lock_registry_version(conn)?;
                if registry_version(conn)? != plan.registry_version {
                    recheck(conn, plan)?;
                }
                let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
                let first = if n > 0 {
                    allocate(conn, "members", n)?
                } else {
                    0
                };
                let rebuild = match conn {
                    DbConnection::Sqlite(c) if n > 0 => suspend_indexes(c, n)?,
                    _ => Vec::new(),
                };
                let mut next = first;
                for prepared in blocks {
                    let len = i64::try_from(prepared.len()).unwrap_or(i64::MAX);
                    prepared.insert(conn, next)?;
                    next += len;
                }
                if next - first != n {
                    return Err(StoreError::invalid(
                        "导入",
                        "身份信息加密未完成，未导入任何数据",
                    ));
                }
                // Before the indexes are built again.
                die_here_in_tests();
                if let DbConnection::Sqlite(c) = conn {
                    for sql in &rebuild {
                        diesel::sql_query(sql).execute(c)?;
                    }
                }
                let outcome = Outcome {
                    kind: "members",
                    rows_read: plan.rows_read,
                    created: plan.create.len(),
                    updated: plan.update.len(),
                    skipped: plan.skipped.len(),
                    block: (n > 0).then_some((first, next - 1)),
                    links: 0,
                };
                let id = record_import(conn, source, &outcome)?;
                insert_dues_standards(conn, plan, first, id)?;
                record_updates(
                    conn,
                    cipher,
                    actor,
                    id,
                    plan.update.iter().map(|u| (u.key, &u.before, &u.after)),
                )?;
                audit_import(conn, cipher, source, id, "members", &outcome)?;
                Ok(id)
            });
            // Joined here, so a panic while sealing is the refusal above, not a second panic.
            let _ = producer.join();
            written
        })
    }

    /// Takes a whole import back while nothing depends on its rows: what it created is
    /// removed and what it updated gets its values back while nobody has changed it since
    /// (for members, [`undo_members`]; for organizations, [`organizations::undo`]); the
    /// history keeps the import, marked undone. One transaction. Returns how many records
    /// it removed.
    pub fn undo_import(&mut self, actor: &str, scope: &Scope, id: i64) -> Result<usize> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            type Row = (
                String,
                String,
                Option<chrono::NaiveDateTime>,
                Option<i64>,
                Option<i64>,
                i32,
            );
            let (_, kind, undone, first, last, links) = imp::table
                .filter(imp::id.eq(id))
                .select((
                    imp::scope_path,
                    imp::kind,
                    imp::undone_at,
                    imp::first_id,
                    imp::last_id,
                    imp::links,
                ))
                .first::<Row>(conn)
                .optional()?
                .filter(|r| scope.member.is_none() && scope.contains_path(&r.0))
                .ok_or_else(|| StoreError::invalid("导入", "不存在或不在您的管理范围内"))?;
            if undone.is_some() {
                return Err(StoreError::invalid("导入", "已撤销过"));
            }
            let block = first.zip(last);
            let removed = match kind.as_str() {
                "members" => undo_members(conn, cipher, actor, id, block)?,
                // Units are registered by those who see a region or a park, and so undone.
                "organizations"
                    if scope.region.is_none()
                        && scope.zone.is_none()
                        && scope.party_path != "/" =>
                {
                    return Err(StoreError::invalid(
                        "导入",
                        "两新组织由组织部门或园区、乡镇(街道)党(工)委登记，您不能撤销这次导入",
                    ));
                }
                "organizations" => organizations::undo(conn, cipher, actor, id, block)?,
                "party_orgs" => party_orgs::undo(conn, cipher, actor, id, block, links)?,
                "assignments" => assignments::undo(conn, scope, id, block)?,
                "payments" => payments::undo(conn, block)?,
                "meetings" => meetings::undo(conn, block)?,
                other => {
                    return Err(StoreError::Corrupt(format!(
                        "导入{id}的类型“{other}”无法撤销"
                    )));
                }
            };
            diesel::update(imp::table.filter(imp::id.eq(id)))
                .set((
                    imp::undone_at.eq(Some(chrono::Utc::now().naive_utc())),
                    imp::undone_by.eq(Some(actor)),
                ))
                .execute(conn)?;
            bump_version(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "undo_import",
                    entity: &kind,
                    county: 0,
                    entity_id: id,
                    before: Some(json!({ "import": id, "removed": removed })),
                    after: None,
                },
            )?;
            Ok(removed)
        })
    }

    /// The imports made within `scope`, newest first.
    pub fn imports(&mut self, scope: &Scope) -> Result<Vec<ImportRecord>> {
        type Row = (
            i64,
            String,
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
            i32,
            i32,
            i32,
            Option<chrono::NaiveDateTime>,
            i32,
        );
        let rows: Vec<Row> = imp::table
            .order(imp::id.desc())
            .select((
                imp::id,
                imp::kind,
                imp::file_name,
                imp::file_sha256,
                imp::actor,
                imp::scope_path,
                imp::imported_at,
                imp::rows_read,
                imp::created,
                imp::skipped,
                imp::undone_at,
                imp::updated,
            ))
            .load(self.conn())?;
        Ok(rows
            .into_iter()
            .filter(|r| scope.member.is_none() && scope.contains_path(&r.5))
            .map(|r| ImportRecord {
                id: r.0,
                kind: r.1,
                file_name: r.2,
                file_sha256: r.3,
                actor: r.4,
                imported_at: r.6,
                rows_read: r.7,
                created: r.8,
                skipped: r.9,
                undone_at: r.10,
                updated: r.11,
            })
            .collect())
    }
}

/// Undoes a member import (inside the undo's transaction): its members are removed while
/// nothing depends on them (no meeting, dues, archive item, letter, floating record or
/// account), and those it updated get their values back while nobody has changed them since.
fn undo_members(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    id: i64,
    block: Option<(i64, i64)>,
) -> Result<usize> {
    use crate::schema::{
        dues_payments as dp, dues_standards as ds, floating_members as fm,
        meeting_attendance as ma, member_archive_items as ai, transfers as t, users as u,
    };
    let keys: Vec<(i32, i64)> = match block {
        Some((first, last)) => m::table
            .filter(m::id.between(first, last))
            .select((m::county_code, m::id))
            .load(conn)?,
        None => Vec::new(),
    };
    // The dues standards the import set are its own; any set since are later work.
    if let Some((first, last)) = block {
        diesel::delete(
            ds::table
                .filter(ds::member_id.between(first, last))
                .filter(ds::set_by.eq(format!("import:{id}"))),
        )
        .execute(conn)?;
    }
    let ids: Vec<i64> = keys.iter().map(|k| k.1).collect();
    let wanted: HashSet<(i32, i64)> = keys.iter().copied().collect();
    let mut depending = 0i64;
    for slice in ids.chunks(IN_LIST_MAX) {
        let hits: Vec<(i32, i64)> = ma::table
            .filter(ma::member_id.eq_any(slice))
            .select((ma::member_county, ma::member_id))
            .load::<(i32, i64)>(conn)?
            .into_iter()
            .chain(
                dp::table
                    .filter(dp::member_id.eq_any(slice))
                    .select((dp::county_code, dp::member_id))
                    .load::<(i32, i64)>(conn)?,
            )
            .chain(
                ds::table
                    .filter(ds::member_id.eq_any(slice))
                    .select((ds::county_code, ds::member_id))
                    .load::<(i32, i64)>(conn)?,
            )
            .chain(
                ai::table
                    .filter(ai::member_id.eq_any(slice))
                    .select((ai::county_code, ai::member_id))
                    .load::<(i32, i64)>(conn)?,
            )
            .chain(
                t::table
                    .filter(t::member_id.eq_any(slice))
                    .select((t::member_county, t::member_id))
                    .load::<(i32, i64)>(conn)?,
            )
            .chain(
                fm::table
                    .filter(fm::member_id.eq_any(slice))
                    .select((fm::member_county, fm::member_id))
                    .load::<(i32, i64)>(conn)?,
            )
            .collect();
        depending += hits.iter().filter(|k| wanted.contains(k)).count() as i64;
        let accounts: i64 = u::table
            .filter(u::member_id.eq_any(slice))
            .count()
            .get_result(conn)?;
        depending += accounts;
    }
    if let Some((first, last)) = block {
        depending += handled_findings(conn, "member", first, last)?;
    }
    if depending > 0 {
        return Err(StoreError::invalid(
            "导入",
            format!(
                "已有{depending}条后续记录（会议出席、党费、档案、转接、流动党员、账号或已处理的问题）依赖这批党员，不能整批撤销"
            ),
        ));
    }
    // Members it updated go back to what they were, if nobody changed them since.
    restore_updates::<MemberFields>(conn, cipher, actor, id)?;
    // The block of ids the import reserved holds its members and nobody else's; the
    // audit's open findings about them go with them (it would not find them now).
    if let Some((first, last)) = block {
        drop_open_findings(conn, "member", first, last)?;
        diesel::delete(mp::table.filter(mp::member_id.between(first, last))).execute(conn)?;
        diesel::delete(m::table.filter(m::id.between(first, last))).execute(conn)?;
    }
    Ok(keys.len())
}

/// A plan of any kind of import, for callers that take the kind as data (the upload's,
/// the command line's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    Members(ImportPlan),
    Organizations(organizations::OrganizationPlan),
    PartyOrgs(party_orgs::PartyOrgPlan),
    Assignments(assignments::AssignmentPlan),
    Payments(payments::PaymentPlan),
    Meetings(meetings::MeetingPlan),
}

impl Planned {
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        match self {
            Planned::Members(p) => p.preview(format, notes),
            Planned::Organizations(p) => p.preview(format, notes),
            Planned::PartyOrgs(p) => p.preview(format, notes),
            Planned::Assignments(p) => p.preview(format, notes),
            Planned::Payments(p) => p.preview(format, notes),
            Planned::Meetings(p) => p.preview(format, notes),
        }
    }

    pub fn errors(&self) -> usize {
        match self {
            Planned::Members(p) => p.errors(),
            Planned::Organizations(p) => p.errors(),
            Planned::PartyOrgs(p) => p.errors(),
            Planned::Assignments(p) => p.errors(),
            Planned::Payments(p) => p.errors(),
            Planned::Meetings(p) => p.errors(),
        }
    }

    /// Whether a commit may run: no errors (warnings are accepted).
    pub fn committable(&self) -> bool {
        self.errors() == 0
    }
}

impl Store {
    /// Plans an import of `kind` (`members`, `organizations`, `party_orgs`,
    /// `assignments`, `payments`, `meetings`): see [`Store::plan_member_import`],
    /// [`Store::plan_organization_import`], [`Store::plan_party_org_import`],
    /// [`Store::plan_assignment_import`], [`Store::plan_payment_import`] and
    /// [`Store::plan_meeting_import`].
    pub fn plan_import(
        &mut self,
        kind: &str,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<Planned> {
        match kind {
            "members" => self
                .plan_member_import(scope, today, header, rows, progress)
                .map(Planned::Members),
            "organizations" => self
                .plan_organization_import(scope, today, header, rows, progress)
                .map(Planned::Organizations),
            "party_orgs" => self
                .plan_party_org_import(scope, today, header, rows, progress)
                .map(Planned::PartyOrgs),
            "assignments" => self
                .plan_assignment_import(scope, today, header, rows, progress)
                .map(Planned::Assignments),
            "payments" => self
                .plan_payment_import(scope, today, header, rows, progress)
                .map(Planned::Payments),
            "meetings" => self
                .plan_meeting_import(scope, today, header, rows, progress)
                .map(Planned::Meetings),
            other => Err(StoreError::invalid("导入类型", format!("不支持“{other}”"))),
        }
    }

    /// Commits a plan of any kind, in one transaction or not at all.
    pub fn commit_import(&mut self, source: &ImportSource, planned: &Planned) -> Result<i64> {
        match planned {
            Planned::Members(p) => self.commit_member_import(source, p),
            Planned::Organizations(p) => self.commit_organization_import(source, p),
            Planned::PartyOrgs(p) => self.commit_party_org_import(source, p),
            Planned::Assignments(p) => self.commit_assignment_import(source, p),
            Planned::Payments(p) => self.commit_payment_import(source, p),
            Planned::Meetings(p) => self.commit_meeting_import(source, p),
        }
    }
}
