//! Party-organization imports (党组织名册), in the same two phases as members:
//! [`Store::plan_party_org_import`] reads and matches every row against the scope's tree,
//! writing nothing; [`Store::commit_party_org_import`] sets up the new organizations (a
//! block of ids, their paths, the units they cover) and updates the others in one
//! transaction; an undo ([`undo`]) takes them back while nothing depends on them.
//!
//! A row is matched by its 组织编号, or by its name under its parent; the parent is named
//! by its 组织编号, its exact name, or its path of names, and may be a row above it in the
//! sheet, so a committee and its branches come in one file.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::party_orgs::{
    self as rows, PARTY_ORG_COLUMNS, PartyOrgFields, PartyOrgRow,
};
use liangxin_domain::import::{self, Problem, Severity};
use liangxin_domain::kinds::{FormationMode, PartyOrgType};
use liangxin_domain::registry::Key;
use serde_json::json;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, Updated, audit_import, die_here_in_tests,
    plan_common, problem, record_import, record_updates, registry_version, restore_updates,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::{IN_LIST_MAX, allocate};
use crate::schema::{
    audit_findings as af, coverage_ended as ce, floating_members as fm, meetings as mt,
    members as m, organizations as o, party_org_coverage as pc, party_orgs as po, transfers as t,
    users as u, zones as z,
};
use crate::uploads::{Preview, PreviewRow, PreviewUpdate};
use crate::{Scope, Store};

/// Where a new party organization hangs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parent {
    /// One already in the tree, at this path.
    Existing { key: Key, path: String },
    /// A row above in the same sheet: its index in [`PartyOrgPlan::create`].
    New(usize),
}

/// A party organization the commit would set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPartyOrg {
    pub row: usize,
    pub county: i32,
    pub parent: Parent,
    pub parent_name: String,
    pub fields: PartyOrgFields,
    /// The units it covers from the day of the import.
    pub covers: Vec<Key>,
}

/// A party organization the commit would update, with what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPartyOrgUpdate {
    pub row: usize,
    pub key: Key,
    pub before: PartyOrgFields,
    pub after: PartyOrgFields,
    pub changes: Vec<(&'static str, String, String)>,
}

/// What a party-organization import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOrgPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedPartyOrg>,
    pub update: Vec<PlannedPartyOrgUpdate>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
    /// The day coverage by the new organizations begins.
    pub today: NaiveDate,
}

plan_common!(PartyOrgPlan);

impl PartyOrgPlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: ["党组织名称", "上级党组织", "组织类别", "覆盖单位"]
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
                        p.parent_name.clone(),
                        p.fields.org_type.label().to_owned(),
                        format!("{}个", p.covers.len()),
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
                        format!("{}-{}", u.key.county, u.key.id),
                        &u.changes,
                    )
                })
                .collect(),
            ..self.preview_base(format, notes.to_vec(), self.create.len(), self.update.len())
        }
    }
}

/// A party organization of the scope's tree as an import sees it.
#[derive(Debug, Clone)]
struct Node {
    parent: Option<Key>,
    path: String,
    fields: PartyOrgFields,
}

type NodeRow = (
    i32,
    i64,
    Option<i32>,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    bool,
    Option<NaiveDate>,
);

fn node_of(r: NodeRow) -> Result<(Key, Node)> {
    let org_type =
        PartyOrgType::parse(&r.6).map_err(|e| StoreError::Corrupt(format!("组织类别：{e}")))?;
    let formation_mode =
        r.7.as_deref()
            .map(FormationMode::parse)
            .transpose()
            .map_err(|e| StoreError::Corrupt(format!("组建方式：{e}")))?;
    Ok((
        Key {
            county: r.0,
            id: r.1,
        },
        Node {
            parent: r.2.zip(r.3).map(|(county, id)| Key { county, id }),
            path: r.4,
            fields: PartyOrgFields {
                name: r.5,
                org_type,
                formation_mode,
                zone: r.8,
                has_committee: r.9,
                term_started: r.10,
            },
        },
    ))
}

macro_rules! node_columns {
    () => {
        (
            po::county_code,
            po::id,
            po::parent_county,
            po::parent_id,
            po::path,
            po::name,
            po::org_type,
            po::formation_mode,
            po::zone_id,
            po::has_committee,
            po::term_started,
        )
    };
}

/// The scope's tree, alive, and what the rows refer to it by.
struct Tree {
    nodes: HashMap<Key, Node>,
    by_name: HashMap<String, Vec<Key>>,
    /// Children by parent, for the type rules.
    children: HashMap<Key, Vec<Key>>,
}

impl Tree {
    fn load(conn: &mut DbConnection, scope: &Scope) -> Result<Tree> {
        let (low, high) = scope.path_range();
        let rows: Vec<NodeRow> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .select(node_columns!())
            .load(conn)?;
        let mut tree = Tree {
            nodes: HashMap::with_capacity(rows.len()),
            by_name: HashMap::new(),
            children: HashMap::new(),
        };
        for r in rows {
            let (key, node) = node_of(r)?;
            tree.by_name
                .entry(node.fields.name.clone())
                .or_default()
                .push(key);
            if let Some(p) = node.parent {
                tree.children.entry(p).or_default().push(key);
            }
            tree.nodes.insert(key, node);
        }
        Ok(tree)
    }

    /// The names from `key` up through its ancestors in the scope.
    fn names_up(&self, key: Key) -> Vec<&str> {
        let mut out = Vec::new();
        let mut at = Some(key);
        while let Some(k) = at {
            let Some(n) = self.nodes.get(&k) else { break };
            out.push(n.fields.name.as_str());
            at = n.parent;
        }
        out
    }
}

/// A parent as a map key: a registered organization or a row of the sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ParentKey {
    Existing(Key),
    New(usize),
}

fn parent_key(p: &Parent) -> ParentKey {
    match p {
        Parent::Existing { key, .. } => ParentKey::Existing(*key),
        Parent::New(i) => ParentKey::New(*i),
    }
}

/// A 组织编号 as written (`330825-17`).
pub(super) fn parse_code(written: &str) -> Option<Key> {
    let (county, id) = written.split_once(['-', '－'])?;
    Some(Key {
        county: county.trim().parse().ok()?,
        id: id.trim().parse().ok()?,
    })
}

/// A parent as written, as found: the tree's or a row's above.
#[derive(Debug, Clone)]
enum Found {
    Existing(Key),
    New(usize),
}

impl Store {
    /// Reads and matches a party-organization sheet against the scope's tree, writing
    /// nothing.
    pub fn plan_party_org_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<PartyOrgPlan> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("导入", "您不能导入党组织"));
        }
        let map: HeaderMap = cells::match_headers(header, PARTY_ORG_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let conn = &mut self.conn;
        // Read before the tree: a write after it is re-checked at the commit.
        let registry_version = registry_version(conn)?;
        let tree = Tree::load(conn, scope)?;
        // The types of parents outside the scope (the scope's top hangs under one), for
        // the type rules.
        let outside: Vec<Key> = tree
            .nodes
            .values()
            .filter_map(|n| n.parent)
            .filter(|p| !tree.nodes.contains_key(p))
            .collect();
        let mut outside_types: HashMap<Key, PartyOrgType> = HashMap::new();
        for p in outside {
            let t: Option<String> = po::table
                .filter(po::county_code.eq(p.county))
                .filter(po::id.eq(p.id))
                .select(po::org_type)
                .first(conn)
                .optional()?;
            if let Some(t) = t {
                let t = PartyOrgType::parse(&t)
                    .map_err(|e| StoreError::Corrupt(format!("组织类别：{e}")))?;
                outside_types.insert(p, t);
            }
        }
        // Counties by code or name: a new organization's is its parent's, so any county
        // may be named (a secretary's scope has no region to list them from).
        let counties: Vec<(i32, String)> = crate::schema::regions::table
            .filter(crate::schema::regions::code.lt(100_000_000))
            .select((crate::schema::regions::code, crate::schema::regions::name))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .filter(|(c, _)| c % 100 != 0)
            .collect();
        let county_of = |w: &str| {
            counties
                .iter()
                .find(|(c, n)| c.to_string() == w || n == w)
                .map(|c| c.0)
        };
        let zones: Vec<(i64, i32, String)> = z::table
            .select((z::id, z::county_code, z::name))
            .load::<(i64, i32, String)>(conn)?
            .into_iter()
            .filter(|(id, ..)| scope.zone.is_none_or(|own| own == *id))
            .collect();
        // The 党工委 that lead a zone now: one per zone (see `Store::save_zone`).
        let leaders: HashMap<i64, Key> = po::table
            .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
            .filter(po::zone_id.is_not_null())
            .filter(po::dissolved_on.is_null())
            .select((po::zone_id, po::county_code, po::id))
            .load::<(Option<i64>, i32, i64)>(conn)?
            .into_iter()
            .filter_map(|(z, county, id)| Some((z?, Key { county, id })))
            .collect();
        let mut plan = PartyOrgPlan {
            registry_version,
            rows_read: sheet.len(),
            create: Vec::new(),
            update: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
            today,
        };
        let mut read: Vec<PartyOrgRow> = Vec::with_capacity(sheet.len());
        for (i, (row, cells)) in sheet.into_iter().enumerate() {
            if import::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (p, problems) = rows::party_org_row(row, &cells, &map, today);
                plan.problems.extend(problems);
                read.extend(p);
            }
            if (i + 1) % 1024 == 0 {
                progress(i + 1);
            }
        }
        progress(plan.rows_read);

        // Units the new organizations cover, by credit code, as the scope sees them.
        let codes: Vec<String> = read
            .iter()
            .flat_map(|r| r.covers.iter().map(|c| c.as_str().to_owned()))
            .collect();
        let mut units: HashMap<String, Key> = HashMap::new();
        for slice in codes.chunks(IN_LIST_MAX) {
            let found: Vec<(Option<String>, i32, i64)> =
                crate::coverage::scoped_organizations(scope, today)
                    .filter(o::credit_code.eq_any(slice))
                    .select((o::credit_code, o::county_code, o::id))
                    .load(conn)?;
            units.extend(
                found
                    .into_iter()
                    .filter_map(|(c, county, id)| Some((c?, Key { county, id }))),
            );
        }

        // New rows by name, for the rows below that hang under them.
        let mut new_by_name: HashMap<String, Vec<usize>> = HashMap::new();
        // New rows by (parent, name), for the rows that repeat one.
        let mut new_under: HashMap<(ParentKey, String), usize> = HashMap::new();
        let mut seen_codes: HashMap<Key, usize> = HashMap::new();
        // Zones a 党工委 of the sheet comes to lead, and the row that says so.
        let mut led_in_sheet: HashMap<i64, usize> = HashMap::new();
        // Why a 党工委 (`who`, none for a new one) may not lead `zone`, if it may not.
        let mut may_lead = |zone: i64, who: Option<Key>, row: usize| -> Option<String> {
            if let Some(other) = leaders.get(&zone).filter(|k| Some(**k) != who) {
                return Some(format!(
                    "这个园区小镇已由党工委（组织编号{}-{}）领导，请先在园区小镇页面改换",
                    other.county, other.id
                ));
            }
            match led_in_sheet.insert(zone, row) {
                Some(first) if first != row => {
                    Some(format!("第{first}行的党工委已领导这个园区小镇"))
                }
                _ => None,
            }
        };
        // Matched rows: the row, its organization, and its park as found.
        let mut matched: Vec<(PartyOrgRow, Key, Option<i64>)> = Vec::new();
        // The names of a found parent from it upward (a new row's through the rows above).
        let names_of = |found: &Found, create: &[PlannedPartyOrg]| -> Vec<String> {
            let mut out = Vec::new();
            let mut at = found.clone();
            loop {
                match at {
                    Found::Existing(k) => {
                        out.extend(tree.names_up(k).into_iter().map(str::to_owned));
                        return out;
                    }
                    Found::New(i) => {
                        out.push(create[i].fields.name.clone());
                        at = match &create[i].parent {
                            Parent::Existing { key, .. } => Found::Existing(*key),
                            Parent::New(j) => Found::New(*j),
                        };
                    }
                }
            }
        };
        for r in read {
            // A registered organization's own parent, written by its code, is taken as
            // it is: the scope's top organization hangs under one the scope cannot see.
            let own_parent = r
                .code
                .as_deref()
                .and_then(parse_code)
                .and_then(|k| tree.nodes.get(&k))
                .and_then(|n| n.parent)
                .filter(|p| r.parent.as_deref().and_then(parse_code) == Some(*p));
            // The parent as written, if it is.
            let written = r.parent.as_deref().filter(|_| own_parent.is_none());
            let parent: Option<Result<Found, String>> = written.map(|w| {
                if let Some(key) = parse_code(w) {
                    return if tree.nodes.contains_key(&key) {
                        Ok(Found::Existing(key))
                    } else {
                        Err("组织编号不存在或不在您的管理范围内".to_owned())
                    };
                }
                let segments: Vec<&str> = w
                    .split(['/', '／', '>', '＞'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .collect();
                let Some(last) = segments.last() else {
                    return Err("无法识别".to_owned());
                };
                let candidates: Vec<Found> = tree
                    .by_name
                    .get(*last)
                    .into_iter()
                    .flatten()
                    .map(|k| Found::Existing(*k))
                    .chain(
                        new_by_name
                            .get(*last)
                            .into_iter()
                            .flatten()
                            .map(|i| Found::New(*i)),
                    )
                    .filter(|f| {
                        let names = names_of(f, &plan.create);
                        segments.len() <= names.len()
                            && segments.iter().rev().zip(&names).all(|(s, n)| s == n)
                    })
                    .collect();
                match candidates.as_slice() {
                    [one] => Ok(one.clone()),
                    [] => Err(
                        "在您的管理范围内找不到（填组织编号、全称或用“/”连接的各级名称）"
                            .to_owned(),
                    ),
                    _ => Err("有多个同名党组织，请填写组织编号或用“/”写出上级".to_owned()),
                }
            });
            let parent = match parent {
                Some(Err(why)) => {
                    plan.problems.push(problem(
                        r.row,
                        "上级党组织",
                        r.parent.as_deref().unwrap_or_default(),
                        why,
                    ));
                    continue;
                }
                Some(Ok(p)) => Some(p),
                None => None,
            };
            // Matched: by code, or by name under the parent (or in the scope, when no
            // parent is written).
            let existing = match (&r.code, &parent) {
                (Some(code), _) => match parse_code(code).filter(|k| tree.nodes.contains_key(k)) {
                    Some(k) => Some(k),
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "组织编号",
                            code,
                            "不存在或不在您的管理范围内；新建的党组织不填编号",
                        ));
                        continue;
                    }
                },
                (None, Some(Found::Existing(p))) => tree
                    .children
                    .get(p)
                    .into_iter()
                    .flatten()
                    .find(|k| tree.nodes[*k].fields.name == r.name)
                    .copied(),
                (None, Some(Found::New(_))) => None,
                (None, None) => match tree.by_name.get(&r.name).map(Vec::as_slice) {
                    Some([k]) => Some(*k),
                    Some(_) => {
                        plan.problems.push(problem(
                            r.row,
                            "党组织名称",
                            &r.name,
                            "有多个同名党组织，请填写组织编号或上级党组织",
                        ));
                        continue;
                    }
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "上级党组织",
                            "",
                            "按名称找不到该党组织；新建的须填写上级党组织",
                        ));
                        continue;
                    }
                },
            };
            let zone_of =
                |county: i32, plan: &mut PartyOrgPlan| -> std::result::Result<Option<i64>, ()> {
                    match r.zone.as_deref() {
                        None => Ok(None),
                        Some(w) => match zones.iter().find(|(_, c, n)| *c == county && n == w) {
                            Some(z) => Ok(Some(z.0)),
                            None => {
                                plan.problems.push(problem(
                                    r.row,
                                    "所在园区小镇",
                                    w,
                                    "在所在县(市、区)您的管理范围内找不到这个园区或小镇",
                                ));
                                Err(())
                            }
                        },
                    }
                };
            if let Some(key) = existing {
                if let Some(first) = seen_codes.insert(key, r.row) {
                    plan.problems.push(problem(
                        r.row,
                        "党组织名称",
                        &r.name,
                        format!("与第{first}行是同一个党组织"),
                    ));
                    continue;
                }
                let node = &tree.nodes[&key];
                let moved = match &parent {
                    Some(Found::Existing(p)) => node.parent != Some(*p),
                    Some(Found::New(_)) => true,
                    None => false,
                };
                if moved {
                    plan.problems.push(problem(
                        r.row,
                        "上级党组织",
                        r.parent.as_deref().unwrap_or_default(),
                        "与登记的上级不同；上级党组织不能通过导入变更",
                    ));
                    continue;
                }
                let Ok(zone) = zone_of(key.county, &mut plan) else {
                    continue;
                };
                let org_type = r.org_type.unwrap_or(node.fields.org_type);
                if org_type != node.fields.org_type {
                    let stranded = crate::posts::posts_in(conn, key)?
                        .into_iter()
                        .find(|h| h.until.is_none() && !h.post.fits(org_type));
                    if let Some(h) = stranded {
                        plan.problems.push(problem(
                            r.row,
                            "组织类别",
                            org_type.label(),
                            format!(
                                "{}没有“{}”这一职务，现任的{}须先在委员会页面登记离任",
                                org_type.label(),
                                h.post.label(),
                                h.name
                            ),
                        ));
                        continue;
                    }
                }
                if let Some(z) = zone.filter(|_| org_type == PartyOrgType::WorkingCommittee) {
                    let top = node.parent.is_none_or(|p| p.county != key.county);
                    let why = if top {
                        Some("市、县两新工委不能作为园区小镇的党工委".to_owned())
                    } else {
                        may_lead(z, Some(key), r.row)
                    };
                    if let Some(why) = why {
                        let written = r.zone.clone().unwrap_or_default();
                        plan.problems
                            .push(problem(r.row, "所在园区小镇", &written, why));
                        continue;
                    }
                }
                if !r.covers.is_empty() {
                    plan.problems.push(Problem {
                        row: r.row,
                        column: "覆盖单位信用代码",
                        value: String::new(),
                        reason: "已有党组织的覆盖单位未变更，请在党组织页面调整".into(),
                        severity: Severity::Warning,
                    });
                }
                matched.push((r, key, zone));
                continue;
            }
            // A new organization.
            let Some(parent) = parent else { continue };
            let (parent_county, parent_type, parent_ref, parent_name) = match &parent {
                Found::Existing(k) => {
                    let n = &tree.nodes[k];
                    (
                        k.county,
                        n.fields.org_type,
                        Parent::Existing {
                            key: *k,
                            path: n.path.clone(),
                        },
                        n.fields.name.clone(),
                    )
                }
                Found::New(i) => {
                    let p = &plan.create[*i];
                    (
                        p.county,
                        p.fields.org_type,
                        Parent::New(*i),
                        p.fields.name.clone(),
                    )
                }
            };
            if let Some(first) = new_under.get(&(parent_key(&parent_ref), r.name.clone())) {
                plan.problems.push(problem(
                    r.row,
                    "党组织名称",
                    &r.name,
                    format!("与第{first}行在同一上级党组织下重名"),
                ));
                continue;
            }
            let Some(org_type) = r.org_type else {
                plan.problems
                    .push(problem(r.row, "组织类别", "", "新建的党组织必填"));
                continue;
            };
            if !rows::may_stand_under(parent_type, org_type) {
                plan.problems.push(problem(
                    r.row,
                    "组织类别",
                    org_type.label(),
                    format!("{}下不能设{}", parent_type.label(), org_type.label()),
                ));
                continue;
            }
            // A node is in its parent's county; under a city-level node, in one of its counties.
            let county = if parent_county % 100 == 0 {
                match r.county.as_deref().map(|w| {
                    county_of(w).filter(|c| (parent_county..=parent_county + 99).contains(c))
                }) {
                    Some(Some(c)) => c,
                    Some(None) => {
                        plan.problems.push(problem(
                            r.row,
                            "所在县(市、区)",
                            r.county.as_deref().unwrap_or_default(),
                            "不在上级党组织所在的市或您的管理范围内",
                        ));
                        continue;
                    }
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "所在县(市、区)",
                            "",
                            "上级是市级党组织，须填写所在县(市、区)",
                        ));
                        continue;
                    }
                }
            } else {
                if let Some(w) = r.county.as_deref() {
                    let why = match county_of(w) {
                        None => Some("找不到该县(市、区)（填名称或6位代码）"),
                        Some(c) if c != parent_county => Some("须与上级党组织在同一县(市、区)"),
                        Some(_) => None,
                    };
                    if let Some(why) = why {
                        plan.problems.push(problem(r.row, "所在县(市、区)", w, why));
                        continue;
                    }
                }
                parent_county
            };
            let Ok(zone) = zone_of(county, &mut plan) else {
                continue;
            };
            if let Some(z) = zone.filter(|_| org_type == PartyOrgType::WorkingCommittee) {
                let why = if parent_county != county {
                    Some("市级党组织下的党工委不能作为园区小镇的党工委".to_owned())
                } else {
                    may_lead(z, None, r.row)
                };
                if let Some(why) = why {
                    let written = r.zone.clone().unwrap_or_default();
                    plan.problems
                        .push(problem(r.row, "所在园区小镇", &written, why));
                    continue;
                }
            }
            let mut covers = Vec::with_capacity(r.covers.len());
            let mut missing = false;
            for code in &r.covers {
                match units.get(code.as_str()) {
                    Some(k) if !covers.contains(k) => covers.push(*k),
                    Some(_) => {}
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "覆盖单位信用代码",
                            code.as_str(),
                            "该单位未登记或不在您的管理范围内（请先导入两新组织）",
                        ));
                        missing = true;
                    }
                }
            }
            if missing {
                continue;
            }
            new_by_name
                .entry(r.name.clone())
                .or_default()
                .push(plan.create.len());
            new_under.insert((parent_key(&parent_ref), r.name.clone()), r.row);
            plan.create.push(PlannedPartyOrg {
                row: r.row,
                county,
                parent: parent_ref,
                parent_name,
                fields: PartyOrgFields {
                    name: r.name,
                    org_type,
                    formation_mode: r.formation_mode,
                    zone,
                    has_committee: r.has_committee.unwrap_or(false),
                    term_started: r.term_started,
                },
                covers,
            });
        }
        let zone_name = |id: Option<i64>| {
            id.map_or_else(
                || "（空）".to_owned(),
                |id| {
                    zones
                        .iter()
                        .find(|z| z.0 == id)
                        .map_or_else(|| id.to_string(), |z| z.2.clone())
                },
            )
        };
        for (r, key, zone) in matched {
            let node = &tree.nodes[&key];
            let (after, changed) = rows::merge_party_org(&node.fields, &r, zone);
            if changed.is_empty() {
                plan.skipped
                    .push((r.row, format!("{}的登记信息与表格一致，跳过", r.name)));
                continue;
            }
            if changed.contains(&"org_type") {
                let parent_type = node.parent.and_then(|p| {
                    tree.nodes
                        .get(&p)
                        .map(|n| n.fields.org_type)
                        .or_else(|| outside_types.get(&p).copied())
                });
                let parent_ok =
                    parent_type.is_none_or(|t| rows::may_stand_under(t, after.org_type));
                // Its children: those registered and those the sheet sets up under it.
                let children_ok = tree
                    .children
                    .get(&key)
                    .into_iter()
                    .flatten()
                    .map(|c| tree.nodes[c].fields.org_type)
                    .chain(
                        plan.create
                            .iter()
                            .filter(|c| matches!(&c.parent, Parent::Existing { key: k, .. } if *k == key))
                            .map(|c| c.fields.org_type),
                    )
                    .all(|t| rows::may_stand_under(after.org_type, t));
                if !parent_ok || !children_ok {
                    plan.problems.push(problem(
                        r.row,
                        "组织类别",
                        after.org_type.label(),
                        "与上级或下级党组织的类别不相容",
                    ));
                    continue;
                }
            }
            let show = |key: &str, f: &PartyOrgFields| -> String {
                let day =
                    |d: Option<NaiveDate>| d.map_or_else(|| "（空）".to_owned(), |d| d.to_string());
                match key {
                    "name" => f.name.clone(),
                    "org_type" => f.org_type.label().to_owned(),
                    "formation_mode" => f
                        .formation_mode
                        .map_or_else(|| "（空）".to_owned(), |m| m.label().to_owned()),
                    "zone" => zone_name(f.zone),
                    "has_committee" => if f.has_committee { "是" } else { "否" }.to_owned(),
                    "term_started" => day(f.term_started),
                    _ => String::new(),
                }
            };
            let changes = changed
                .iter()
                .map(|c| {
                    (
                        rows::column_label(c),
                        show(c, &node.fields),
                        show(c, &after),
                    )
                })
                .collect();
            plan.update.push(PlannedPartyOrgUpdate {
                row: r.row,
                key,
                before: node.fields.clone(),
                after,
                changes,
            });
        }
        plan.problems.sort_by_key(|p| p.row);
        Ok(plan)
    }

    /// Writes a plan without errors in one transaction: the new organizations (a block of
    /// ids, each with its path under its parent) and the units they cover from the plan's
    /// day, the updates with their values before and after, the history and the audit.
    /// Refused, with nothing written, when the plan has errors or the tree changed since
    /// in a way that touches it.
    pub fn commit_party_org_import(
        &mut self,
        source: &ImportSource,
        plan: &PartyOrgPlan,
    ) -> Result<i64> {
        plan.check_committable()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if registry_version(conn)? != plan.registry_version {
                recheck(conn, source.scope, plan)?;
            }
            let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "party_orgs", n)?
            } else {
                0
            };
            // Each new organization's key and path, parents first (a row's parent is an
            // organization of the tree or a row above it).
            let mut placed: Vec<(Key, String)> = Vec::with_capacity(plan.create.len());
            for (p, id) in plan.create.iter().zip(first..) {
                let (parent, parent_path) = match &p.parent {
                    Parent::Existing { key, path } => (*key, path.clone()),
                    Parent::New(i) => placed[*i].clone(),
                };
                let key = Key {
                    county: p.county,
                    id,
                };
                let path = format!("{parent_path}{id}/");
                diesel::insert_into(po::table)
                    .values((
                        po::county_code.eq(key.county),
                        po::id.eq(key.id),
                        po::parent_county.eq(Some(parent.county)),
                        po::parent_id.eq(Some(parent.id)),
                        po::path.eq(&path),
                        po::name.eq(&p.fields.name),
                        po::org_type.eq(p.fields.org_type.code()),
                        po::formation_mode.eq(p.fields.formation_mode.map(|m| m.code())),
                        po::zone_id.eq(p.fields.zone),
                        po::has_committee.eq(p.fields.has_committee),
                        po::term_started.eq(p.fields.term_started),
                        po::records_start.eq(crate::registry::month_start(plan.today)),
                    ))
                    .execute(conn)?;
                for unit in &p.covers {
                    diesel::insert_into(pc::table)
                        .values((
                            pc::county_code.eq(unit.county),
                            pc::organization_id.eq(unit.id),
                            pc::party_org_county.eq(key.county),
                            pc::party_org_id.eq(key.id),
                            pc::since.eq(plan.today),
                        ))
                        .execute(conn)?;
                }
                placed.push((key, path));
            }
            die_here_in_tests();
            let outcome = Outcome {
                kind: "party_orgs",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: plan.update.len(),
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links: plan.create.iter().map(|p| p.covers.len()).sum(),
            };
            let id = record_import(conn, source, &outcome)?;
            record_updates(
                conn,
                cipher,
                source.actor,
                id,
                plan.update.iter().map(|u| (u.key, &u.before, &u.after)),
            )?;
            audit_import(conn, cipher, source, id, "party_orgs", &outcome)?;
            Ok(id)
        })
    }
}

fn fields_json(f: &PartyOrgFields) -> serde_json::Value {
    json!({
        "name": f.name,
        "org_type": f.org_type.code(),
        "formation_mode": f.formation_mode.map(|m| m.code()),
        "zone": f.zone,
        "has_committee": f.has_committee,
        "term_started": f.term_started,
    })
}

fn fields_from_json(text: &str) -> Option<PartyOrgFields> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    Some(PartyOrgFields {
        name: v["name"].as_str()?.to_owned(),
        org_type: PartyOrgType::parse(v["org_type"].as_str()?).ok()?,
        formation_mode: v["formation_mode"]
            .as_str()
            .and_then(|m| FormationMode::parse(m).ok()),
        zone: v["zone"].as_i64(),
        has_committee: v["has_committee"].as_bool()?,
        term_started: v["term_started"]
            .as_str()
            .and_then(|s| s.parse::<NaiveDate>().ok()),
    })
}

fn write_fields(conn: &mut DbConnection, key: Key, f: &PartyOrgFields) -> Result<()> {
    diesel::update(
        po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id)),
    )
    .set((
        po::name.eq(&f.name),
        po::org_type.eq(f.org_type.code()),
        po::formation_mode.eq(f.formation_mode.map(|m| m.code())),
        po::zone_id.eq(f.zone),
        po::has_committee.eq(f.has_committee),
        po::term_started.eq(f.term_started),
    ))
    .execute(conn)?;
    Ok(())
}

/// The fields of these party organizations as they are now.
fn current_fields(
    conn: &mut DbConnection,
    keys: &[Key],
) -> Result<HashMap<Key, (String, PartyOrgFields)>> {
    let wanted: std::collections::HashSet<Key> = keys.iter().copied().collect();
    let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
    let mut out = HashMap::new();
    for slice in ids.chunks(IN_LIST_MAX) {
        let rows: Vec<NodeRow> = po::table
            .filter(po::id.eq_any(slice))
            .filter(po::dissolved_on.is_null())
            .select(node_columns!())
            .load(conn)?;
        for r in rows {
            let (key, node) = node_of(r)?;
            if wanted.contains(&key) {
                out.insert(key, (node.path, node.fields));
            }
        }
    }
    Ok(out)
}

/// What may have changed since the plan: a parent dissolved or moved, an organization it
/// updates changed by someone else.
fn recheck(conn: &mut DbConnection, scope: &Scope, plan: &PartyOrgPlan) -> Result<()> {
    let parents: Vec<(Key, &str)> = plan
        .create
        .iter()
        .filter_map(|p| match &p.parent {
            Parent::Existing { key, path } => Some((*key, path.as_str())),
            Parent::New(_) => None,
        })
        .collect();
    let keys: Vec<Key> = parents
        .iter()
        .map(|p| p.0)
        .chain(plan.update.iter().map(|u| u.key))
        .collect();
    let now = current_fields(conn, &keys)?;
    for (key, path) in &parents {
        if now
            .get(key)
            .is_none_or(|(p, _)| p != path || !scope.contains_path(p))
        {
            return Err(StoreError::invalid(
                "上级党组织",
                "预览之后有上级党组织被调整或撤销，未导入；请重新上传查看新的预览",
            ));
        }
    }
    // The units to cover: still registered and alive.
    let units: Vec<Key> = plan
        .create
        .iter()
        .flat_map(|p| p.covers.iter().copied())
        .collect();
    let ids: Vec<i64> = units.iter().map(|k| k.id).collect();
    let mut alive: std::collections::HashSet<Key> = std::collections::HashSet::new();
    for slice in ids.chunks(IN_LIST_MAX) {
        alive.extend(
            o::table
                .filter(o::id.eq_any(slice))
                .filter(o::dissolved_on.is_null())
                .select((o::county_code, o::id))
                .load::<(i32, i64)>(conn)?
                .into_iter()
                .map(|(county, id)| Key { county, id }),
        );
    }
    if units.iter().any(|k| !alive.contains(k)) {
        return Err(StoreError::invalid(
            "覆盖单位信用代码",
            "预览之后有覆盖单位被注销或撤销登记，未导入；请重新上传查看新的预览",
        ));
    }
    if let Some(u) = plan
        .update
        .iter()
        .find(|u| now.get(&u.key).map(|n| &n.1) != Some(&u.before))
    {
        return Err(StoreError::invalid(
            "导入",
            format!(
                "{}在预览之后被修改过，未导入；请重新上传查看新的预览",
                u.before.name
            ),
        ));
    }
    // The zones its 党工委 come to lead: led by nobody else meanwhile.
    let updated: std::collections::HashSet<Key> = plan.update.iter().map(|u| u.key).collect();
    let leading = plan
        .create
        .iter()
        .map(|p| &p.fields)
        .chain(plan.update.iter().map(|u| &u.after))
        .filter(|f| f.org_type == PartyOrgType::WorkingCommittee)
        .filter_map(|f| f.zone);
    for zone in leading {
        let others: Vec<(i32, i64)> = po::table
            .filter(po::zone_id.eq(zone))
            .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id))
            .load(conn)?;
        if others.iter().any(|(county, id)| {
            !updated.contains(&Key {
                county: *county,
                id: *id,
            })
        }) {
            return Err(StoreError::invalid(
                "所在园区小镇",
                "预览之后有园区小镇改由其他党工委领导，未导入；请重新上传查看新的预览",
            ));
        }
    }
    Ok(())
}

/// Undoes a party-organization import (inside the undo's transaction): its organizations
/// and the coverage they brought are removed while nothing else refers to them (a member,
/// a meeting, an organization set up under them since, an account, a transfer, a floating
/// member hosted, an ended coverage, a finding someone closed), and those it updated get
/// their values back while nobody has changed them since. Open findings about them go
/// with them: the audit found them, and would not find them now.
pub(super) fn undo(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    id: i64,
    block: Option<(i64, i64)>,
    links: i32,
) -> Result<usize> {
    let mut removed = 0;
    if let Some((first, last)) = block {
        let counts = [
            m::table
                .filter(m::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            mt::table
                .filter(mt::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            po::table
                .filter(po::parent_id.between(first, last))
                .filter(po::id.lt(first).or(po::id.gt(last)))
                .count()
                .get_result::<i64>(conn)?,
            u::table
                .filter(u::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            t::table
                .filter(
                    t::from_party_org_id
                        .between(first, last)
                        .or(t::to_party_org_id.between(first, last)),
                )
                .count()
                .get_result::<i64>(conn)?,
            fm::table
                .filter(fm::host_party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            ce::table
                .filter(ce::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            // Work recorded since about these organizations: 述职, the centers' bookings,
            // 划片包干, 先进典型 and the workforce.
            crate::schema::secretary_reports::table
                .filter(crate::schema::secretary_reports::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            crate::schema::review_meetings::table
                .filter(crate::schema::review_meetings::committee_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            crate::schema::center_bookings::table
                .filter(crate::schema::center_bookings::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            crate::schema::area_charges::table
                .filter(
                    crate::schema::area_charges::party_org_id
                        .between(first, last)
                        .or(crate::schema::area_charges::committee_id.between(first, last)),
                )
                .count()
                .get_result::<i64>(conn)?,
            crate::schema::exemplars::table
                .filter(crate::schema::exemplars::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            // 党务工作者 and the courses these organizations organized.
            crate::schema::party_workers::table
                .filter(crate::schema::party_workers::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            crate::schema::training_courses::table
                .filter(crate::schema::training_courses::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            // Projects their 书记 took on.
            crate::schema::led_projects::table
                .filter(crate::schema::led_projects::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            // Contact and education of investors these organizations held.
            crate::schema::investor_events::table
                .filter(crate::schema::investor_events::party_org_id.between(first, last))
                .count()
                .get_result::<i64>(conn)?,
            // Findings a person closed (not those the audit closed itself).
            af::table
                .filter(af::responsible_id.between(first, last))
                .filter(af::closed_on.is_not_null())
                .filter(
                    af::close_note
                        .ne(crate::audit_run::RESOLVED_NOTE)
                        .or(af::close_note.is_null()),
                )
                .count()
                .get_result::<i64>(conn)?,
            // Units covered besides those the import listed were added on the party-
            // organization page since (a unit taken off leaves a coverage_ended row, above).
            {
                let now: i64 = pc::table
                    .filter(pc::party_org_id.between(first, last))
                    .count()
                    .get_result(conn)?;
                (now - i64::from(links)).max(0)
            },
        ];
        let depending: i64 = counts.iter().sum();
        if depending > 0 {
            return Err(StoreError::invalid(
                "导入",
                format!(
                    "已有{depending}条后续记录（党员、会议、下级党组织、账号、转接、流动党员、述职、中心预约、包干、先进典型、党务工作者和培训、联系出资人、书记领办项目、后来添加的覆盖单位或已处理的问题）关联这批党组织，不能整批撤销"
                ),
            ));
        }
        removed = po::table
            .filter(po::id.between(first, last))
            .count()
            .get_result::<i64>(conn)?;
        diesel::delete(af::table.filter(af::responsible_id.between(first, last))).execute(conn)?;
        diesel::delete(pc::table.filter(pc::party_org_id.between(first, last))).execute(conn)?;
        diesel::delete(po::table.filter(po::id.between(first, last))).execute(conn)?;
    }
    restore_updates::<PartyOrgFields>(conn, cipher, actor, id)?;
    // A 党工委 given back its zone must not find another leading it now.
    super::zones::check_one_leader(conn)?;
    Ok(usize::try_from(removed).unwrap_or(0))
}

impl Updated for PartyOrgFields {
    const ENTITY: &'static str = "party_org";

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
        Ok(current_fields(conn, keys)?
            .into_iter()
            .map(|(k, (_, f))| (k, f))
            .collect())
    }
}
