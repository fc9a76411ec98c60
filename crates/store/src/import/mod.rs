//! Imports in two phases, of six kinds (members, organizations, party organizations,
//! instructor assignments, dues, meetings). A plan reads every row, matches it to the
//! records of the scope and says what a commit would do and every problem, writing
//! nothing; a commit writes it in one transaction or not at all and keeps the import in a
//! history; [`Store::undo_import`] takes a whole import back while nothing depends on its
//! rows. A record already registered is updated in the columns the file carries.
//!
//! The member sheet, the large one (a county's whole register on its first day), is read
//! and written a block at a time ([`members`]); the other kinds hold their plan whole and
//! their commit re-checks what may have changed since it. On SQLite an import that at
//! least doubles the register builds the secondary indexes afterwards ([`suspend_indexes`]).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use liangxin_domain::import::{MemberFields, Problem, Severity};
use liangxin_domain::kinds::MemberStatus;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::lookups::Comparisons;
use crate::registry::{IN_LIST_MAX, allocate, bump_version};
use crate::schema::{
    import_updates as iu, imports as imp, member_profiles as mp, members as m, organizations as o,
};
use crate::uploads::{Preview, PreviewProblem};
use crate::{Scope, Store};

pub mod assignments;
pub mod meetings;
pub mod members;
pub mod organizations;
pub mod party_orgs;
pub mod payments;
pub mod posts;
pub mod zones;

pub use members::{ImportPlan, PLAN_BLOCK, PlannedDues, PlannedMember, PlannedUpdate};

/// A sheet's data rows as they are read: (row number, cells), or why the file cannot be
/// read on (in Chinese).
pub type Rows<'a> =
    &'a mut (dyn Iterator<Item = std::result::Result<(usize, Vec<String>), String>> + Send);

/// The rows of a sheet whole, for the kinds that hold them (their files are a county's units,
/// party organizations, instructors, a year of dues or meetings).
fn collect_rows(rows: Rows) -> Result<Vec<(usize, Vec<String>)>> {
    rows.collect::<std::result::Result<_, _>>()
        .map_err(|why| StoreError::invalid("文件", why))
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
            fingerprint: String::new(),
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
    /// Coverage links it made (a party-organization import's), the 党工委 a zone import
    /// set to lead, or the terms a committee import left open.
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

/// A resident-ID cell as a preview may keep it: the region and the last character, as
/// [`ResidentId::masked`](liangxin_domain::resident_id::ResidentId::masked) shows a valid
/// one (a value that failed to parse is still somebody's number).
fn mask_cell(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail = chars[chars.len() - 1];
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
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
    /// The actor as people read it (an account's name).
    pub actor_name: String,
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
        (Option<String>, Option<String>, Option<String>),
    );
    let mut out = HashMap::with_capacity(keys.len());
    for (county, slice) in by_county(keys) {
        let rows: Vec<Row> = m::table
            .inner_join(
                mp::table.on(mp::county_code
                    .eq(m::county_code)
                    .and(mp::member_id.eq(m::id))),
            )
            .filter(m::county_code.eq(county))
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
                (m::ethnicity, m::education, m::occupation),
            ))
            .load(conn)?;
        for r in rows {
            let key = Key {
                county: r.0,
                id: r.1,
            };
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
                    background: crate::people::background_of(r.9)?,
                },
            );
        }
    }
    Ok(out)
}

/// Ids of these keys by county, in slices a query can take: looked up by the primary key
/// (county, id), not by the id alone, which has no index of its own.
fn by_county(keys: &[Key]) -> Vec<(i32, Vec<i64>)> {
    let mut ids: std::collections::BTreeMap<i32, Vec<i64>> = std::collections::BTreeMap::new();
    for k in keys {
        ids.entry(k.county).or_default().push(k.id);
    }
    ids.into_iter()
        .flat_map(|(county, ids)| {
            ids.chunks(IN_LIST_MAX)
                .map(|slice| (county, slice.to_vec()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The names of these organizations.
fn organization_names(conn: &mut DbConnection, keys: &[Key]) -> Result<HashMap<Key, String>> {
    let mut out = HashMap::new();
    for (county, slice) in by_county(keys) {
        let rows: Vec<(i32, i64, String)> = o::table
            .filter(o::county_code.eq(county))
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
        "ethnicity" => coded_or_empty(f.background.ethnicity.map(|v| v.label())),
        "education" => coded_or_empty(f.background.education.map(|v| v.label())),
        "occupation" => coded_or_empty(f.background.occupation.map(|v| v.label())),
        _ => String::new(),
    }
}

fn coded_or_empty(label: Option<&str>) -> String {
    label.unwrap_or("（空）").to_owned()
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
        "ethnicity": f.background.ethnicity.map(|v| v.code()),
        "education": f.background.education.map(|v| v.code()),
        "occupation": f.background.occupation.map(|v| v.code()),
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
        // An entry written before these fields were kept has none: they were unknown then.
        background: crate::people::background_of((
            v["ethnicity"].as_str().map(str::to_owned),
            v["education"].as_str().map(str::to_owned),
            v["occupation"].as_str().map(str::to_owned),
        ))
        .ok()?,
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
        m::ethnicity.eq(f.background.ethnicity.map(|v| v.code())),
        m::education.eq(f.background.education.map(|v| v.code())),
        m::occupation.eq(f.background.occupation.map(|v| v.code())),
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

impl Store {
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
                "zones" => zones::undo(conn, scope, id, block)?,
                "posts" => posts::undo(conn, scope, block, links)?,
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
        let rows: Vec<Row> = rows
            .into_iter()
            .filter(|r| scope.member.is_none() && scope.contains_path(&r.5))
            .collect();
        let names = crate::accounts::actor_names(self.conn(), rows.iter().map(|r| r.4.as_str()))?;
        Ok(rows
            .into_iter()
            .map(|r| ImportRecord {
                id: r.0,
                kind: r.1,
                file_name: r.2,
                file_sha256: r.3,
                actor_name: names.get(&r.4).cloned().unwrap_or_else(|| r.4.clone()),
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
        meeting_attendance as ma, member_archive_items as ai, party_workers as pw,
        training_attendance as ta, transfers as t, users as u,
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
            .chain(
                ta::table
                    .filter(ta::member_id.eq_any(slice))
                    .select((ta::person_county, ta::member_id.assume_not_null()))
                    .load::<(i32, i64)>(conn)?,
            )
            .chain(
                pw::table
                    .filter(pw::member_id.eq_any(slice))
                    .select((pw::county_code, pw::member_id.assume_not_null()))
                    .load::<(i32, i64)>(conn)?,
            )
            .collect();
        depending += hits.iter().filter(|k| wanted.contains(k)).count() as i64;
        let accounts: i64 = u::table
            .filter(u::member_id.eq_any(slice))
            .count()
            .get_result(conn)?;
        depending += accounts;
        let posts: Vec<(i32, i64)> = crate::schema::party_org_posts::table
            .filter(crate::schema::party_org_posts::member_id.eq_any(slice))
            .select((
                crate::schema::party_org_posts::county_code,
                crate::schema::party_org_posts::member_id,
            ))
            .load(conn)?;
        depending += posts.iter().filter(|k| wanted.contains(k)).count() as i64;
        let led: Vec<(i32, i64)> = crate::schema::led_projects::table
            .filter(crate::schema::led_projects::leader_id.eq_any(slice))
            .select((
                crate::schema::led_projects::county_code,
                crate::schema::led_projects::leader_id,
            ))
            .load(conn)?;
        depending += led.iter().filter(|k| wanted.contains(k)).count() as i64;
    }
    if let Some((first, last)) = block {
        depending += handled_findings(conn, "member", first, last)?;
    }
    if depending > 0 {
        return Err(StoreError::invalid(
            "导入",
            format!(
                "已有{depending}条后续记录（会议出席、党费、档案、转接、流动党员、培训、党务工作者、账号、书记领办项目或已处理的问题）依赖这批党员，不能整批撤销"
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
    Zones(zones::ZonePlan),
    Posts(posts::PostPlan),
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
            Planned::Zones(p) => p.preview(format, notes),
            Planned::Posts(p) => p.preview(format, notes),
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
            Planned::Zones(p) => p.errors(),
            Planned::Posts(p) => p.errors(),
        }
    }

    /// Whether a commit may run: no errors (warnings are accepted).
    pub fn committable(&self) -> bool {
        self.errors() == 0
    }
}

impl Store {
    /// Plans an import of `kind` (`members`, `organizations`, `party_orgs`,
    /// `assignments`, `payments`, `meetings`, `zones`): see [`Store::plan_member_import`],
    /// [`Store::plan_organization_import`], [`Store::plan_party_org_import`],
    /// [`Store::plan_assignment_import`], [`Store::plan_payment_import`],
    /// [`Store::plan_meeting_import`], [`Store::plan_zone_import`] and
    /// [`Store::plan_post_import`] (`posts`).
    ///
    /// The resident IDs a member, dues or attendance sheet names are compared with the
    /// register within `actor`'s daily budget, and each such preview is logged with how
    /// many it compared and matched; a member sheet's rows of people registered outside
    /// the scope are recorded as lookups of `actor` one by one ([`crate::lookups`]).
    #[allow(clippy::too_many_arguments)]
    pub fn plan_import(
        &mut self,
        actor: &str,
        kind: &str,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Rows,
        progress: &dyn Fn(usize),
    ) -> Result<Planned> {
        let county = scope.region.unwrap_or(0);
        if kind == "members" {
            crate::lookups::ensure_budget(&mut self.conn, actor)?;
        }
        let budget = match kind {
            "members" | "payments" | "meetings" | "posts" => {
                crate::lookups::comparisons(&mut self.conn, actor)?
            }
            _ => Comparisons::unbounded(),
        };
        let (planned, compared) =
            self.plan_kind(kind, scope, today, header, rows, progress, budget)?;
        let elsewhere: Vec<String> = match &planned {
            Planned::Members(plan) => plan
                .problems
                .iter()
                .filter(|p| p.reason == crate::lookups::ELSEWHERE)
                .map(|p| p.value.clone())
                .collect(),
            _ => Vec::new(),
        };
        let via = match kind {
            "members" => "导入党员名册",
            "payments" => "导入党费缴纳记录",
            "posts" => "导入委员会成员名单",
            _ => "导入组织生活记录",
        };
        if compared.compared > 0 || !elsewhere.is_empty() {
            let cipher = &self.cipher;
            crate::connection::write_transaction(&mut self.conn, |conn| {
                crate::lookups::record(
                    conn,
                    cipher,
                    actor,
                    crate::lookups::Confirmed::Elsewhere,
                    county,
                    via,
                    &elsewhere,
                )?;
                crate::lookups::record_comparisons(conn, cipher, actor, county, via, &compared)
            })?;
        }
        Ok(planned)
    }

    /// The plan of a previewed upload made again for its commit, to see that nothing
    /// changed since: the same file's comparisons and lookups were rationed and logged
    /// with its preview, so they are not again.
    #[allow(clippy::too_many_arguments)]
    pub fn plan_import_again(
        &mut self,
        kind: &str,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Rows,
        progress: &dyn Fn(usize),
    ) -> Result<Planned> {
        let budget = Comparisons::unbounded();
        Ok(self
            .plan_kind(kind, scope, today, header, rows, progress, budget)?
            .0)
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_kind(
        &mut self,
        kind: &str,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Rows,
        progress: &dyn Fn(usize),
        budget: Comparisons,
    ) -> Result<(Planned, Comparisons)> {
        if kind == "members" {
            let (plan, compared) =
                self.plan_members(scope, today, header, rows, progress, budget)?;
            return Ok((Planned::Members(plan), compared));
        }
        let rows = collect_rows(rows)?;
        let unbounded = Comparisons::unbounded;
        Ok(match kind {
            "payments" => {
                let (plan, compared) =
                    self.plan_payments(scope, today, header, rows, progress, budget)?;
                (Planned::Payments(plan), compared)
            }
            "meetings" => {
                let (plan, compared) =
                    self.plan_meetings(scope, today, header, rows, progress, budget)?;
                (Planned::Meetings(plan), compared)
            }
            "posts" => {
                let (plan, compared) =
                    self.plan_posts(scope, today, header, rows, progress, budget)?;
                (Planned::Posts(plan), compared)
            }
            "organizations" => (
                Planned::Organizations(
                    self.plan_organization_import(scope, today, header, rows, progress)?,
                ),
                unbounded(),
            ),
            "party_orgs" => (
                Planned::PartyOrgs(
                    self.plan_party_org_import(scope, today, header, rows, progress)?,
                ),
                unbounded(),
            ),
            "assignments" => (
                Planned::Assignments(
                    self.plan_assignment_import(scope, today, header, rows, progress)?,
                ),
                unbounded(),
            ),
            "zones" => (
                Planned::Zones(self.plan_zone_import(scope, header, rows, progress)?),
                unbounded(),
            ),
            other => return Err(StoreError::invalid("导入类型", format!("不支持“{other}”"))),
        })
    }

    /// Commits a plan of any kind, in one transaction or not at all. `rows` are the
    /// sheet's rows read again: a member plan keeps only counts, samples and digests, and
    /// its rows are matched again inside the transaction as they are written; the other
    /// kinds keep their whole plan and do not read them.
    pub fn commit_import(
        &mut self,
        source: &ImportSource,
        planned: &Planned,
        rows: Rows,
    ) -> Result<i64> {
        match planned {
            Planned::Members(p) => self.commit_member_import(source, p, rows),
            Planned::Organizations(p) => self.commit_organization_import(source, p),
            Planned::PartyOrgs(p) => self.commit_party_org_import(source, p),
            Planned::Assignments(p) => self.commit_assignment_import(source, p),
            Planned::Payments(p) => self.commit_payment_import(source, p),
            Planned::Meetings(p) => self.commit_meeting_import(source, p),
            Planned::Zones(p) => self.commit_zone_import(source, p),
            Planned::Posts(p) => self.commit_post_import(source, p),
        }
    }
}
