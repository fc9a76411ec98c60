//! Organization imports (两新组织名录), in the same two phases as members:
//! [`Store::plan_organization_import`] reads and matches every row, writing nothing;
//! [`Store::commit_organization_import`] writes the plan in one transaction or not at all;
//! an undo ([`undo`]) removes what it created and restores what it updated while nothing
//! depends on them.
//!
//! A row is matched by its credit code anywhere in the registry (a code is unique across
//! it), so a unit registered outside the importer's scope is refused rather than copied; a
//! row without a code is matched by its exact name within its county. The county, town
//! and park are found by name or code within the scope.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::organizations::{
    self as rows, ORGANIZATION_COLUMNS, OrganizationFields, OrganizationRow,
};
use liangxin_domain::import::{self, Problem, Severity};
use liangxin_domain::kinds::{OrgKind, SectorSet};
use liangxin_domain::registry::Key;
use serde_json::json;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, Updated, audit_import, die_here_in_tests,
    plan_common, problem, record_import, record_updates, registry_version, restore_updates,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::{IN_LIST_MAX, OrganizationRow as Insert, allocate};
use crate::schema::{
    coverage_ended as ce, instructor_assignments as ia, members as m, organizations as o,
    party_org_coverage as pc, regions as r, zones as z,
};
use crate::uploads::{Preview, PreviewRow, PreviewUpdate};
use crate::{Scope, Store};

/// An organization the commit would register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOrganization {
    pub row: usize,
    pub county: i32,
    pub fields: OrganizationFields,
    pub credit_code: Option<String>,
    pub credit_code_check_failed: bool,
}

/// A registered organization the commit would update, with what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedOrganizationUpdate {
    pub row: usize,
    pub key: Key,
    pub credit_code: Option<String>,
    pub before: OrganizationFields,
    pub after: OrganizationFields,
    /// (column, before, after) as people read them.
    pub changes: Vec<(&'static str, String, String)>,
}

/// What an organization import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedOrganization>,
    pub update: Vec<PlannedOrganizationUpdate>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
    /// Names of the towns and parks the plan mentions, for showing it.
    places: Places,
}

plan_common!(OrganizationPlan);

impl OrganizationPlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: [
                "单位名称",
                "统一社会信用代码",
                "单位类型",
                "所在乡镇(街道)",
                "行业领域",
            ]
            .map(str::to_owned)
            .to_vec(),
            sample: self
                .create
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|p| PreviewRow {
                    row: p.row,
                    cells: vec![
                        p.fields.name.clone(),
                        p.credit_code.clone().unwrap_or_else(|| "（无）".into()),
                        p.fields.kind.label().to_owned(),
                        self.places.show("town", &p.fields),
                        self.places.show("sectors", &p.fields),
                    ],
                })
                .collect(),
            updates: self
                .update
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|u| {
                    PreviewUpdate::new(
                        u.row,
                        &u.after.name,
                        u.credit_code.clone().unwrap_or_else(|| "（无）".into()),
                        &u.changes,
                    )
                })
                .collect(),
            ..self.preview_base(format, notes.to_vec(), self.create.len(), self.update.len())
        }
    }
}

/// The counties, towns and parks an importer may name, by code and by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Places {
    /// (code, name) of the counties in scope.
    counties: Vec<(i32, String)>,
    /// (code, county, name) of their towns.
    towns: Vec<(i32, i32, String)>,
    /// (id, county, name) of their parks and towns of character (the scope's own only,
    /// for a park committee).
    zones: Vec<(i64, i32, String)>,
}

impl Places {
    fn load(conn: &mut DbConnection, scope: &Scope) -> Result<Self> {
        let counties: Vec<(i32, String)> = match (scope.county_range(), scope.zone) {
            (Some((lo, hi)), _) => r::table
                .filter(r::code.between(lo, hi))
                .filter(r::code.lt(100_000_000))
                .select((r::code, r::name))
                .load::<(i32, String)>(conn)?
                .into_iter()
                .filter(|(c, _)| c % 100 != 0)
                .collect(),
            (None, Some(zone)) => r::table
                .inner_join(z::table.on(z::county_code.eq(r::code)))
                .filter(z::id.eq(zone))
                .select((r::code, r::name))
                .load(conn)?,
            (None, None) if scope.party_path == "/" => r::table
                .filter(r::code.lt(100_000_000))
                .select((r::code, r::name))
                .load::<(i32, String)>(conn)?
                .into_iter()
                .filter(|(c, _)| c % 100 != 0)
                .collect(),
            (None, None) => Vec::new(),
        };
        let codes: Vec<i32> = counties.iter().map(|c| c.0).collect();
        let mut towns = Vec::new();
        let mut zones = Vec::new();
        for slice in codes.chunks(IN_LIST_MAX) {
            let t: Vec<(i32, Option<i32>, String)> = r::table
                .filter(r::parent_code.eq_any(slice))
                .filter(r::code.ge(100_000_000))
                .select((r::code, r::parent_code, r::name))
                .load(conn)?;
            towns.extend(t.into_iter().filter_map(|(c, p, n)| Some((c, p?, n))));
            let mut q = z::table
                .filter(z::county_code.eq_any(slice))
                .select((z::id, z::county_code, z::name))
                .into_boxed();
            if let Some(own) = scope.zone {
                q = q.filter(z::id.eq(own));
            }
            zones.extend(q.load::<(i64, i32, String)>(conn)?);
        }
        Ok(Places {
            counties,
            towns,
            zones,
        })
    }

    fn county(&self, written: &str) -> Option<i32> {
        self.counties
            .iter()
            .find(|(c, n)| c.to_string() == written || n == written)
            .map(|c| c.0)
    }

    fn town(&self, county: i32, written: &str) -> Option<i32> {
        self.towns
            .iter()
            .find(|(c, p, n)| *p == county && (c.to_string() == written || n == written))
            .map(|t| t.0)
    }

    fn zone(&self, county: i32, written: &str) -> Option<i64> {
        self.zones
            .iter()
            .find(|(_, c, n)| *c == county && n == written)
            .map(|z| z.0)
    }

    /// A field as people read it.
    fn show(&self, key: &str, f: &OrganizationFields) -> String {
        let empty = || "（空）".to_owned();
        match key {
            "name" => f.name.clone(),
            "kind" => f.kind.label().to_owned(),
            "town" => f.town.map_or_else(empty, |code| {
                self.towns
                    .iter()
                    .find(|t| t.0 == code)
                    .map_or_else(|| code.to_string(), |t| t.2.clone())
            }),
            "zone" => f.zone.map_or_else(empty, |id| {
                self.zones
                    .iter()
                    .find(|z| z.0 == id)
                    .map_or_else(|| id.to_string(), |z| z.2.clone())
            }),
            "sectors" if f.sectors.is_empty() => empty(),
            "sectors" => f
                .sectors
                .iter()
                .map(|t| t.label())
                .collect::<Vec<_>>()
                .join("、"),
            "employees" => f.employees.map_or_else(empty, |n| n.to_string()),
            "registered_on" => f.registered_on.map_or_else(empty, |d| d.to_string()),
            _ => String::new(),
        }
    }
}

/// A registered organization as an import finds it.
struct Registered {
    key: Key,
    in_scope: bool,
    dissolved: bool,
    fields: OrganizationFields,
}

type FieldsRow = (
    i32,
    i64,
    String,
    String,
    Option<i32>,
    Option<i64>,
    i64,
    Option<i32>,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn fields_of(row: FieldsRow) -> Result<(Key, OrganizationFields, bool)> {
    let kind =
        OrgKind::parse(&row.3).map_err(|e| StoreError::invalid("单位类型", e.to_string()))?;
    Ok((
        Key {
            county: row.0,
            id: row.1,
        },
        OrganizationFields {
            name: row.2,
            kind,
            town: row.4,
            zone: row.5,
            sectors: SectorSet::from_bits(row.6),
            employees: row.7,
            registered_on: row.8,
        },
        row.9.is_some(),
    ))
}

macro_rules! fields_columns {
    () => {
        (
            o::county_code,
            o::id,
            o::name,
            o::kind,
            o::town_code,
            o::zone_id,
            o::sectors,
            o::employees,
            o::registered_on,
            o::dissolved_on,
        )
    };
}

/// Registered organizations by credit code (anywhere), each marked in the scope or not.
fn by_credit_code(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
    codes: &[String],
) -> Result<HashMap<String, Registered>> {
    let mut out = HashMap::new();
    for slice in codes.chunks(IN_LIST_MAX) {
        // Dissolved units count too: whether a code is the scope's is not whether it lives.
        let seen: HashSet<(i32, i64)> = crate::coverage::scoped_alive(
            scope,
            today,
            crate::coverage::Lookup::ByRegion,
            // Every dissolution (the earliest date both databases take).
            NaiveDate::from_ymd_opt(1900, 1, 1),
        )
        .filter(o::credit_code.eq_any(slice))
        .select((o::county_code, o::id))
        .load::<(i32, i64)>(conn)?
        .into_iter()
        .collect();
        let rows: Vec<(Option<String>, FieldsRow)> = o::table
            .filter(o::credit_code.eq_any(slice))
            .select((o::credit_code, fields_columns!()))
            .load(conn)?;
        for (code, row) in rows {
            let Some(code) = code else { continue };
            let (key, fields, dissolved) = fields_of(row)?;
            out.insert(
                code,
                Registered {
                    key,
                    in_scope: seen.contains(&(key.county, key.id)),
                    dissolved,
                    fields,
                },
            );
        }
    }
    Ok(out)
}

/// Organizations by (county, exact name).
type ByName = HashMap<(i32, String), Vec<(Key, OrganizationFields)>>;

/// A row matched to a registered organization: the row, the organization as it is, and
/// the row's town and park as found.
struct Candidate {
    row: OrganizationRow,
    key: Key,
    before: OrganizationFields,
    town: Option<i32>,
    zone: Option<i64>,
}

/// Organizations of the scope by (county, exact name), alive, for rows without a code.
fn by_name(
    conn: &mut DbConnection,
    scope: &Scope,
    today: NaiveDate,
    names: &[String],
) -> Result<ByName> {
    let mut out = ByName::new();
    for slice in names.chunks(IN_LIST_MAX) {
        let rows: Vec<FieldsRow> = crate::coverage::scoped_organizations(scope, today)
            .filter(o::name.eq_any(slice))
            .select(fields_columns!())
            .load(conn)?;
        for row in rows {
            let (key, fields, _) = fields_of(row)?;
            out.entry((key.county, fields.name.clone()))
                .or_default()
                .push((key, fields));
        }
    }
    Ok(out)
}

/// What an organization import may change, as its history keeps it (to undo it).
fn fields_json(f: &OrganizationFields) -> serde_json::Value {
    json!({
        "name": f.name,
        "kind": f.kind.code(),
        "town": f.town,
        "zone": f.zone,
        "sectors": f.sectors.bits(),
        "employees": f.employees,
        "registered_on": f.registered_on,
    })
}

fn fields_from_json(text: &str) -> Option<OrganizationFields> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(OrganizationFields {
        name: v["name"].as_str()?.to_owned(),
        kind: OrgKind::parse(v["kind"].as_str()?).ok()?,
        town: v["town"].as_i64().and_then(|t| i32::try_from(t).ok()),
        zone: v["zone"].as_i64(),
        sectors: SectorSet::from_bits(v["sectors"].as_i64()?),
        employees: v["employees"].as_i64().and_then(|n| i32::try_from(n).ok()),
        registered_on: v["registered_on"]
            .as_str()
            .and_then(|s| s.parse::<NaiveDate>().ok()),
    })
}

/// Writes an organization's importable fields (inside the writing transaction).
fn write_fields(conn: &mut DbConnection, key: Key, f: &OrganizationFields) -> Result<()> {
    diesel::update(
        o::table
            .filter(o::county_code.eq(key.county))
            .filter(o::id.eq(key.id)),
    )
    .set((
        o::name.eq(&f.name),
        o::kind.eq(f.kind.code()),
        o::town_code.eq(f.town),
        o::zone_id.eq(f.zone),
        o::sectors.eq(f.sectors.bits()),
        o::employees.eq(f.employees),
        o::registered_on.eq(f.registered_on),
    ))
    .execute(conn)?;
    Ok(())
}

/// The current fields of these organizations.
fn current_fields(
    conn: &mut DbConnection,
    keys: &[Key],
) -> Result<HashMap<Key, OrganizationFields>> {
    let wanted: HashSet<Key> = keys.iter().copied().collect();
    let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
    let mut out = HashMap::new();
    for slice in ids.chunks(IN_LIST_MAX) {
        let rows: Vec<FieldsRow> = o::table
            .filter(o::id.eq_any(slice))
            .select(fields_columns!())
            .load(conn)?;
        for row in rows {
            let (key, fields, _) = fields_of(row)?;
            if wanted.contains(&key) {
                out.insert(key, fields);
            }
        }
    }
    Ok(out)
}

impl Store {
    /// Reads and matches an organization sheet against the registry, writing nothing.
    /// Only those who register organizations may import them: an organization department
    /// (its region) or a park or town committee (its park).
    pub fn plan_organization_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<OrganizationPlan> {
        let conn = &mut self.conn;
        // Read before anything the plan matches against: a write after it is re-checked.
        let registry_version = registry_version(conn)?;
        let places = Places::load(conn, scope)?;
        if !scope.is_staff() || places.counties.is_empty() {
            return Err(StoreError::invalid(
                "导入",
                "两新组织由组织部门或园区、乡镇(街道)党(工)委登记，您不能导入",
            ));
        }
        let map: HeaderMap = cells::match_headers(header, ORGANIZATION_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let mut plan = OrganizationPlan {
            registry_version,
            rows_read: rows.len(),
            create: Vec::new(),
            update: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
            places: Places::default(),
        };
        let mut read: Vec<OrganizationRow> = Vec::with_capacity(rows.len());
        for (i, (row, cells)) in rows.into_iter().enumerate() {
            if import::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (org, problems) = rows::organization_row(row, &cells, &map, today);
                plan.problems.extend(problems);
                read.extend(org);
            }
            if (i + 1) % 1024 == 0 {
                progress(i + 1);
            }
        }
        progress(plan.rows_read);

        let codes: Vec<String> = read
            .iter()
            .filter_map(|r| r.credit_code.as_ref().map(|c| c.as_str().to_owned()))
            .collect();
        let names: Vec<String> = read
            .iter()
            .filter(|r| r.credit_code.is_none())
            .map(|r| r.name.clone())
            .collect();
        let registered = by_credit_code(conn, scope, today, &codes)?;
        let named = by_name(conn, scope, today, &names)?;
        // A county user's rows need not name their county.
        let only_county = match places.counties.as_slice() {
            [(c, _)] => Some(*c),
            _ => None,
        };
        let mut seen_codes: HashMap<String, usize> = HashMap::new();
        let mut seen_keys: HashMap<Key, usize> = HashMap::new();
        let mut seen_names: HashMap<(i32, String), usize> = HashMap::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        for r in read {
            let county = match r.county.as_deref() {
                Some(w) => match places.county(w) {
                    Some(c) => Some(c),
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "所在县(市、区)",
                            w,
                            "不在您的管理范围内（填县(市、区)名称或6位代码）",
                        ));
                        continue;
                    }
                },
                None => only_county,
            };
            let found = r
                .credit_code
                .as_ref()
                .and_then(|c| registered.get(c.as_str()));
            // The county is where the row's unit is: as written, else where it is registered.
            let Some(county) = county.or(found.map(|f| f.key.county)) else {
                plan.problems.push(problem(
                    r.row,
                    "所在县(市、区)",
                    "",
                    "您管理多个县(市、区)，新登记的单位须填写所在县(市、区)",
                ));
                continue;
            };
            if let Some(code) = &r.credit_code {
                if let Some(first) = seen_codes.insert(code.as_str().to_owned(), r.row) {
                    plan.problems.push(problem(
                        r.row,
                        "统一社会信用代码",
                        code.as_str(),
                        format!("与第{first}行重复"),
                    ));
                    continue;
                }
            } else if let Some(first) = seen_names.insert((county, r.name.clone()), r.row) {
                plan.problems.push(problem(
                    r.row,
                    "单位名称",
                    &r.name,
                    format!("与第{first}行重复（都没有信用代码）"),
                ));
                continue;
            }
            let town = match r.town.as_deref() {
                Some(w) => match places.town(county, w) {
                    Some(t) => Some(t),
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "所在乡镇(街道)",
                            w,
                            "在所在县(市、区)找不到这个乡镇(街道)",
                        ));
                        continue;
                    }
                },
                None => None,
            };
            let zone = match r.zone.as_deref() {
                Some(w) => match places.zone(county, w) {
                    Some(z) => Some(z),
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "所在园区小镇",
                            w,
                            "在所在县(市、区)您的管理范围内找不到这个园区或小镇",
                        ));
                        continue;
                    }
                },
                // A park committee's units are in its park.
                None => scope.zone,
            };
            if let Some(f) = found {
                if f.in_scope
                    && let Some(first) = seen_keys.insert(f.key, r.row)
                {
                    plan.problems.push(problem(
                        r.row,
                        "统一社会信用代码",
                        r.credit_code.as_ref().map_or("", |c| c.as_str()),
                        format!("与第{first}行是同一个单位"),
                    ));
                    continue;
                }
                if !f.in_scope {
                    plan.problems.push(problem(
                        r.row,
                        "统一社会信用代码",
                        r.credit_code.as_ref().map_or("", |c| c.as_str()),
                        "该代码已由您管理范围之外的单位登记，不能导入",
                    ));
                } else if f.dissolved {
                    plan.problems.push(problem(
                        r.row,
                        "统一社会信用代码",
                        r.credit_code.as_ref().map_or("", |c| c.as_str()),
                        "该单位已注销，不能通过导入更新",
                    ));
                } else if f.key.county != county {
                    plan.problems.push(problem(
                        r.row,
                        "所在县(市、区)",
                        r.county.as_deref().unwrap_or_default(),
                        "该单位已登记在其他县(市、区)，所在县不能通过导入变更",
                    ));
                } else {
                    candidates.push(Candidate {
                        row: r,
                        key: f.key,
                        before: f.fields.clone(),
                        town,
                        zone,
                    });
                }
                continue;
            }
            if r.credit_code.is_none() {
                match named.get(&(county, r.name.clone())).map(Vec::as_slice) {
                    Some([(key, _)]) if seen_keys.contains_key(key) => {
                        plan.problems.push(problem(
                            r.row,
                            "单位名称",
                            &r.name,
                            format!("与第{}行是同一个单位", seen_keys[key]),
                        ));
                        continue;
                    }
                    Some([(key, fields)]) => {
                        seen_keys.insert(*key, r.row);
                        plan.problems.push(Problem {
                            row: r.row,
                            column: "统一社会信用代码",
                            value: String::new(),
                            reason: "未填信用代码，按单位名称匹配到已登记的单位".into(),
                            severity: Severity::Warning,
                        });
                        candidates.push(Candidate {
                            row: r,
                            key: *key,
                            before: fields.clone(),
                            town,
                            zone,
                        });
                        continue;
                    }
                    Some(_) => {
                        plan.problems.push(problem(
                            r.row,
                            "单位名称",
                            &r.name,
                            "所在县(市、区)有多个同名单位，请填写信用代码",
                        ));
                        continue;
                    }
                    None => plan.problems.push(Problem {
                        row: r.row,
                        column: "统一社会信用代码",
                        value: String::new(),
                        reason: "未填信用代码，按新单位登记；取得代码后请在组织页面补登".into(),
                        severity: Severity::Warning,
                    }),
                }
            }
            let Some(kind) = r.kind.or(r.inferred_kind) else {
                plan.problems.push(problem(
                    r.row,
                    "单位类型",
                    "",
                    "新登记的单位必填（无法从信用代码推断）",
                ));
                continue;
            };
            plan.create.push(PlannedOrganization {
                row: r.row,
                county,
                credit_code: r.credit_code.as_ref().map(|c| c.as_str().to_owned()),
                credit_code_check_failed: r.credit_code_check_failed,
                fields: OrganizationFields {
                    name: r.name,
                    kind,
                    town,
                    zone,
                    sectors: r.sectors.unwrap_or_default(),
                    employees: r.employees,
                    registered_on: r.registered_on,
                },
            });
        }
        for Candidate {
            row: r,
            key,
            before,
            town,
            zone,
        } in candidates
        {
            let (after, changed) = rows::merge_organization(&before, &r, town, zone);
            if changed.is_empty() {
                plan.skipped
                    .push((r.row, format!("{}的登记信息与表格一致，跳过", r.name)));
                continue;
            }
            let changes = changed
                .iter()
                .map(|c| {
                    (
                        rows::column_label(c),
                        places.show(c, &before),
                        places.show(c, &after),
                    )
                })
                .collect();
            plan.update.push(PlannedOrganizationUpdate {
                row: r.row,
                key,
                credit_code: r.credit_code.as_ref().map(|c| c.as_str().to_owned()),
                before,
                after,
                changes,
            });
        }
        plan.problems.sort_by_key(|p| p.row);
        plan.places = places;
        Ok(plan)
    }

    /// Writes a plan without errors in one transaction: the organizations (a block of
    /// ids), the updates with their values before and after, the history, the upload
    /// marked committed, and the audit. Refused, with nothing written, when the plan has
    /// errors or the registry changed since in a way that touches it (a code registered
    /// meanwhile, an organization changed since the preview).
    pub fn commit_organization_import(
        &mut self,
        source: &ImportSource,
        plan: &OrganizationPlan,
    ) -> Result<i64> {
        plan.check_committable()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if registry_version(conn)? != plan.registry_version {
                recheck(conn, plan)?;
            }
            let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "organizations", n)?
            } else {
                0
            };
            let inserts: Vec<Insert> = plan
                .create
                .iter()
                .zip(first..)
                .map(|(p, id)| Insert {
                    county_code: p.county,
                    id,
                    name: &p.fields.name,
                    credit_code: p.credit_code.as_deref(),
                    credit_code_check_failed: p.credit_code_check_failed,
                    kind: p.fields.kind.code(),
                    sectors: p.fields.sectors.bits(),
                    town_code: p.fields.town,
                    zone_id: p.fields.zone,
                    employees: p.fields.employees,
                    registered_on: p.fields.registered_on,
                })
                .collect();
            // 11 columns a row: well within either database's limit on bound values.
            for chunk in inserts.chunks(1_000) {
                crate::batch_insert!(conn, o::table, chunk)?;
            }
            die_here_in_tests();
            let outcome = Outcome {
                kind: "organizations",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: plan.update.len(),
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links: 0,
            };
            let id = record_import(conn, source, &outcome)?;
            record_updates(
                conn,
                cipher,
                source.actor,
                id,
                plan.update.iter().map(|u| (u.key, &u.before, &u.after)),
            )?;
            audit_import(conn, cipher, source, id, "organizations", &outcome)?;
            Ok(id)
        })
    }
}

/// What may have changed since the plan: a code it registers taken meanwhile, or an
/// organization it updates changed by someone else.
fn recheck(conn: &mut DbConnection, plan: &OrganizationPlan) -> Result<()> {
    let codes: Vec<&str> = plan
        .create
        .iter()
        .filter_map(|p| p.credit_code.as_deref())
        .collect();
    for slice in codes.chunks(IN_LIST_MAX) {
        let taken: Option<Option<String>> = o::table
            .filter(o::credit_code.eq_any(slice))
            .select(o::credit_code)
            .first(conn)
            .optional()?;
        if let Some(code) = taken {
            return Err(StoreError::invalid(
                "统一社会信用代码",
                format!(
                    "{}在预览之后已被登记，未导入；请重新上传查看新的预览",
                    code.unwrap_or_default()
                ),
            ));
        }
    }
    // A unit without a code is new by its name: registered meanwhile, it would be twice.
    for p in plan.create.iter().filter(|p| p.credit_code.is_none()) {
        let named: i64 = o::table
            .filter(o::county_code.eq(p.county))
            .filter(o::name.eq(&p.fields.name))
            .filter(o::dissolved_on.is_null())
            .count()
            .get_result(conn)?;
        if named > 0 {
            return Err(StoreError::invalid(
                "单位名称",
                format!(
                    "{}在预览之后已被登记，未导入；请重新上传查看新的预览",
                    p.fields.name
                ),
            ));
        }
    }
    let keys: Vec<Key> = plan.update.iter().map(|u| u.key).collect();
    let now = current_fields(conn, &keys)?;
    if let Some(u) = plan
        .update
        .iter()
        .find(|u| now.get(&u.key) != Some(&u.before))
    {
        return Err(StoreError::invalid(
            "导入",
            format!(
                "{}在预览之后被修改过，未导入；请重新上传查看新的预览",
                u.before.name
            ),
        ));
    }
    Ok(())
}

/// Undoes an organization import (inside the undo's transaction): its organizations are
/// removed while nothing refers to them (coverage by a party organization, now or before,
/// an instructor assigned, a member working there), and those it updated get their values
/// back while nobody has changed them since.
pub(super) fn undo(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    id: i64,
    block: Option<(i64, i64)>,
) -> Result<usize> {
    let keys: Vec<(i32, i64)> = match block {
        Some((first, last)) => o::table
            .filter(o::id.between(first, last))
            .select((o::county_code, o::id))
            .load(conn)?,
        None => Vec::new(),
    };
    if let Some((first, last)) = block {
        let covered: i64 = pc::table
            .filter(pc::organization_id.between(first, last))
            .count()
            .get_result(conn)?;
        let ended: i64 = ce::table
            .filter(ce::organization_id.between(first, last))
            .count()
            .get_result(conn)?;
        let assigned: i64 = ia::table
            .filter(ia::organization_id.between(first, last))
            .count()
            .get_result(conn)?;
        let working: i64 = m::table
            .filter(m::workplace_org_id.between(first, last))
            .count()
            .get_result(conn)?;
        let investors: i64 = crate::schema::unit_investors::table
            .filter(crate::schema::unit_investors::organization_id.between(first, last))
            .count()
            .get_result(conn)?;
        let depending = covered + ended + assigned + working + investors;
        if depending > 0 {
            return Err(StoreError::invalid(
                "导入",
                format!(
                    "已有{depending}条后续记录（党组织覆盖、指导员选派、党员工作单位或出资人）关联这批单位，不能整批撤销"
                ),
            ));
        }
    }
    restore_updates::<OrganizationFields>(conn, cipher, actor, id)?;
    // The block of ids the import reserved holds its organizations and nobody else's.
    if let Some((first, last)) = block {
        diesel::delete(o::table.filter(o::id.between(first, last))).execute(conn)?;
    }
    Ok(keys.len())
}

impl Updated for OrganizationFields {
    const ENTITY: &'static str = "organization";

    fn described(&self) -> String {
        self.name.clone()
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
        current_fields(conn, keys)
    }
}
