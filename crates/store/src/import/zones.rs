//! Zone imports (园区小镇名录), in the same two phases as the other kinds:
//! [`Store::plan_zone_import`] finds each row's county in the region and its 党工委 in the
//! scope's tree, writing nothing; [`Store::commit_zone_import`] registers the new zones (a
//! block of ids) and points each named 党工委 at its zone in one transaction; an undo
//! ([`undo`]) removes the block while no unit, party organization or account lies in it.
//!
//! An import registers zones and never changes one: a zone already registered under the
//! same name in its county is skipped (said so when the sheet differs), and changed on the
//! zone's page, where the rules for its 党工委 are the same ([`Store::save_zone`]).

use std::collections::HashMap;

use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::Problem;
use liangxin_domain::import::zones::{self as rows, ZONE_COLUMNS, ZoneRow};
use liangxin_domain::kinds::{PartyOrgType, ZoneClass, ZoneKind, ZoneLevel};
use liangxin_domain::registry::Key;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, audit_import, die_here_in_tests, plan_common,
    problem, record_import, registry_version,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::allocate;
use crate::schema::{organizations as o, party_orgs as po, regions, users as u, zones as z};
use crate::uploads::{Preview, PreviewRow};
use crate::{Scope, Store};

/// A zone the commit registers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedZone {
    pub row: usize,
    pub county: i32,
    pub county_name: String,
    pub name: String,
    pub kind: ZoneKind,
    pub class: Option<ZoneClass>,
    pub level: Option<ZoneLevel>,
    /// The 党工委 that will lead it: its key and name.
    pub leader: Option<(Key, String)>,
}

/// What a zone import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZonePlan {
    pub rows_read: usize,
    pub create: Vec<PlannedZone>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
}

plan_common!(ZonePlan);

impl ZonePlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: [
                "园区小镇名称",
                "区域类型",
                "小镇分类",
                "所在县(市、区)",
                "党工委",
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
                        p.name.clone(),
                        p.kind.label().to_owned(),
                        p.class.map(|c| c.label().to_owned()).unwrap_or_default(),
                        p.county_name.clone(),
                        p.leader.as_ref().map(|l| l.1.clone()).unwrap_or_default(),
                    ],
                })
                .collect(),
            updates: Vec::new(),
            ..self.preview_base(format, notes.to_vec(), self.create.len(), 0)
        }
    }
}

/// A registered zone as the plan compares it: id, kind, class, level.
type Registered = (i64, String, Option<String>, Option<String>);

/// A live 党工委 as the plan checks it: key, name, the zone it leads, its parent's county.
struct Committee {
    key: Key,
    name: String,
    leads: Option<i64>,
    parent_county: Option<i32>,
}

impl Store {
    /// Reads and matches a zone sheet against the region, writing nothing. Zones are
    /// registered by the city's and the counties' committees, within their region.
    pub fn plan_zone_import(
        &mut self,
        scope: &Scope,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<ZonePlan> {
        let Some((low, high)) = scope.county_range().filter(|_| scope.zone.is_none()) else {
            return Err(StoreError::invalid(
                "导入",
                "园区小镇由市、县(市、区)两新工委登记，您不能导入",
            ));
        };
        let map: HeaderMap = cells::match_headers(header, ZONE_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let conn = &mut self.conn;
        let registry_version = registry_version(conn)?;
        let counties: Vec<(i32, String)> = regions::table
            .filter(regions::code.between(low, high))
            .select((regions::code, regions::name))
            .load::<(i32, String)>(conn)?
            .into_iter()
            .filter(|(c, _)| c % 100 != 0)
            .collect();
        let registered: HashMap<(i32, String), Registered> = z::table
            .filter(z::county_code.between(low, high))
            .select((z::county_code, z::name, z::id, z::kind, z::class, z::level))
            .load::<(i32, String, i64, String, Option<String>, Option<String>)>(conn)?
            .into_iter()
            .map(|(c, n, id, k, cl, l)| ((c, n), (id, k, cl, l)))
            .collect();
        let (path_low, path_high) = scope.path_range();
        let committees: Vec<Committee> = po::table
            .filter(po::path.ge(&path_low).and(po::path.lt(&path_high)))
            .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
            .filter(po::dissolved_on.is_null())
            .select((
                po::county_code,
                po::id,
                po::name,
                po::zone_id,
                po::parent_county,
            ))
            .load::<(i32, i64, String, Option<i64>, Option<i32>)>(conn)?
            .into_iter()
            .map(|(county, id, name, leads, parent_county)| Committee {
                key: Key { county, id },
                name,
                leads,
                parent_county,
            })
            .collect();
        let mut plan = ZonePlan {
            registry_version,
            rows_read: sheet.len(),
            create: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
        };
        let mut read: Vec<ZoneRow> = Vec::with_capacity(sheet.len());
        for (i, (row, cells)) in sheet.into_iter().enumerate() {
            if rows::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (zone, problems) = rows::zone_row(row, &cells, &map);
                plan.problems.extend(problems);
                read.extend(zone);
            }
            if (i + 1) % 1024 == 0 {
                progress(i + 1);
            }
        }
        progress(plan.rows_read);

        let mut in_sheet: HashMap<(i32, String), usize> = HashMap::new();
        let mut leaders_taken: HashMap<Key, usize> = HashMap::new();
        for r in read {
            let column = rows::column_label;
            let county = match r.county.as_deref() {
                Some(w) => match counties.iter().find(|(c, n)| c.to_string() == w || n == w) {
                    Some(c) => c.clone(),
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            column("county"),
                            w,
                            "找不到该县(市、区)，或不在您的管理范围内（填名称或6位代码）",
                        ));
                        continue;
                    }
                },
                None if counties.len() == 1 => counties[0].clone(),
                None => {
                    plan.problems.push(problem(
                        r.row,
                        column("county"),
                        "",
                        "您的管理范围有多个县(市、区)，须填写",
                    ));
                    continue;
                }
            };
            if let Some(first) = in_sheet.insert((county.0, r.name.clone()), r.row) {
                plan.problems.push(problem(
                    r.row,
                    column("name"),
                    &r.name,
                    format!("与第{first}行在同一县(市、区)重名"),
                ));
                continue;
            }
            if let Some((_, kind, class, level)) = registered.get(&(county.0, r.name.clone())) {
                let same = kind == r.kind.code()
                    && class.as_deref() == r.class.map(|c| c.code())
                    && level.as_deref() == r.level.map(|l| l.code())
                    && r.leader.is_none();
                let why = if same {
                    "已登记，跳过".to_owned()
                } else {
                    "已登记，跳过；与表中内容不同的，请在园区小镇页面修改".to_owned()
                };
                plan.skipped.push((r.row, why));
                continue;
            }
            let leader = match r.leader.as_deref() {
                None => None,
                Some(w) => {
                    let by_code = super::party_orgs::parse_code(w);
                    let found: Vec<&Committee> = committees
                        .iter()
                        .filter(|c| Some(c.key) == by_code || c.name == w)
                        .collect();
                    let why = match found.as_slice() {
                        [] => Some("找不到这个党工委（填组织编号或全称；须已登记、类别为“党工委”，在您的管理范围内）".to_owned()),
                        [_, _, ..] => Some("有多个同名党工委，请填写组织编号".to_owned()),
                        [c] if c.parent_county.is_none_or(|p| p != c.key.county) => {
                            Some("市、县两新工委不能作为园区小镇的党工委".to_owned())
                        }
                        [c] if c.key.county != county.0 => {
                            Some("须在园区小镇所在的县(市、区)".to_owned())
                        }
                        [c] if c.leads.is_some() => Some(
                            "已是另一个园区小镇的党工委，请先在那个园区小镇改换".to_owned(),
                        ),
                        [c] => leaders_taken
                            .get(&c.key)
                            .map(|first| format!("第{first}行已由这个党工委领导")),
                    };
                    if let Some(why) = why {
                        plan.problems.push(problem(r.row, column("leader"), w, why));
                        continue;
                    }
                    let c = found[0];
                    leaders_taken.insert(c.key, r.row);
                    Some((c.key, c.name.clone()))
                }
            };
            plan.create.push(PlannedZone {
                row: r.row,
                county: county.0,
                county_name: county.1,
                name: r.name,
                kind: r.kind,
                class: r.class,
                level: r.level,
                leader,
            });
        }
        Ok(plan)
    }

    /// Writes a plan without errors in one transaction: the zones (a block of ids), their
    /// 党工委, the history and the audit. Refused, with nothing written, when the plan has
    /// errors or a zone's name or 党工委 was taken since the preview.
    pub fn commit_zone_import(&mut self, source: &ImportSource, plan: &ZonePlan) -> Result<i64> {
        plan.check_committable()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if registry_version(conn)? != plan.registry_version {
                recheck(conn, plan)?;
            }
            let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "zones", n)?
            } else {
                0
            };
            let mut links = 0;
            for (p, id) in plan.create.iter().zip(first..) {
                diesel::insert_into(z::table)
                    .values((
                        z::id.eq(id),
                        z::code.eq(format!("{}-Z{id}", p.county)),
                        z::name.eq(&p.name),
                        z::kind.eq(p.kind.code()),
                        z::class.eq(p.class.map(|c| c.code())),
                        z::level.eq(p.level.map(|l| l.code())),
                        z::county_code.eq(p.county),
                    ))
                    .execute(conn)?;
                if let Some((k, _)) = &p.leader {
                    diesel::update(
                        po::table.filter(po::county_code.eq(k.county).and(po::id.eq(k.id))),
                    )
                    .set(po::zone_id.eq(Some(id)))
                    .execute(conn)?;
                    links += 1;
                }
            }
            die_here_in_tests();
            let outcome = Outcome {
                kind: "zones",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: 0,
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links,
            };
            let id = record_import(conn, source, &outcome)?;
            audit_import(conn, cipher, source, id, "zone", &outcome)?;
            Ok(id)
        })
    }
}

/// What may have changed since the plan: a zone registered under one of its names, or one
/// of its 党工委 set to lead another zone or dissolved.
fn recheck(conn: &mut DbConnection, plan: &ZonePlan) -> Result<()> {
    for p in &plan.create {
        let taken: i64 = z::table
            .filter(z::county_code.eq(p.county))
            .filter(z::name.eq(&p.name))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Err(StoreError::invalid(
                "园区小镇名称",
                format!("{}在预览之后已登记，未导入；请重新上传查看新的预览", p.name),
            ));
        }
        if let Some((k, name)) = &p.leader {
            let free: Option<Option<i64>> = po::table
                .filter(po::county_code.eq(k.county).and(po::id.eq(k.id)))
                .filter(po::dissolved_on.is_null())
                .select(po::zone_id)
                .first(conn)
                .optional()?;
            if !matches!(free, Some(None)) {
                return Err(StoreError::invalid(
                    "党工委",
                    format!(
                        "{name}在预览之后已撤销或改为领导其他园区小镇，未导入；请重新上传查看新的预览"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Refuses a state where two live 党工委 lead one zone (inside a write that may have made
/// it: an undo giving a 党工委 back its zone).
pub(super) fn check_one_leader(conn: &mut DbConnection) -> Result<()> {
    let led: Vec<(Option<i64>, String)> = po::table
        .inner_join(z::table.on(po::zone_id.eq(z::id.nullable())))
        .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
        .filter(po::dissolved_on.is_null())
        .select((po::zone_id, z::name))
        .load(conn)?;
    let mut seen = std::collections::HashSet::new();
    if let Some((_, name)) = led.iter().find(|(zone, _)| !seen.insert(*zone)) {
        return Err(StoreError::invalid(
            "所在园区小镇",
            format!("撤销后{name}会有两个党工委，不能撤销；请先在园区小镇页面改换党工委"),
        ));
    }
    Ok(())
}

/// Undoes a zone import (inside the undo's transaction): its zones are removed while no
/// unit, party organization other than their 党工委, or account lies in them; the 党工委
/// that led them lead none after. Returns how many zones it removed.
pub(super) fn undo(
    conn: &mut DbConnection,
    scope: &Scope,
    id: i64,
    block: Option<(i64, i64)>,
) -> Result<usize> {
    let Some((first, last)) = block else {
        return Ok(0);
    };
    // A later import that changed units or party organizations keeps their values before
    // it, which may name these zones: undone after them, it would point at nothing.
    use crate::schema::imports as imp;
    let later: i64 = imp::table
        .filter(imp::id.gt(id))
        .filter(imp::kind.eq_any(["organizations", "party_orgs"]))
        .filter(imp::updated.gt(0))
        .filter(imp::undone_at.is_null())
        .count()
        .get_result(conn)?;
    if later > 0 {
        return Err(StoreError::invalid(
            "导入",
            format!(
                "之后有{later}次两新组织或党组织导入更新过记录，请先撤销它们再撤销这批园区小镇"
            ),
        ));
    }
    let counties: Vec<i32> = z::table
        .filter(z::id.between(first, last))
        .select(z::county_code)
        .load(conn)?;
    let inside = |c: &i32| {
        scope.zone.is_none()
            && scope
                .county_range()
                .is_some_and(|(lo, hi)| (lo..=hi).contains(c))
    };
    if !counties.iter().all(inside) {
        return Err(StoreError::invalid(
            "导入",
            "这批园区小镇有的不在您的管理范围内，不能撤销",
        ));
    }
    let units: i64 = o::table
        .filter(o::zone_id.between(first, last))
        .count()
        .get_result(conn)?;
    let party_orgs: i64 = po::table
        .filter(po::zone_id.between(first, last))
        .filter(po::org_type.ne(PartyOrgType::WorkingCommittee.code()))
        .count()
        .get_result(conn)?;
    let accounts: i64 = u::table
        .filter(u::zone_id.between(first, last))
        .count()
        .get_result(conn)?;
    let centers: i64 = crate::schema::service_centers::table
        .filter(crate::schema::service_centers::zone_id.between(first, last))
        .count()
        .get_result(conn)?;
    let depending = units + party_orgs + accounts + centers;
    if depending > 0 {
        return Err(StoreError::invalid(
            "导入",
            format!(
                "已有{depending}个两新组织、党组织、账号或党群服务中心在这批园区小镇中，不能整批撤销"
            ),
        ));
    }
    diesel::update(po::table.filter(po::zone_id.between(first, last)))
        .set(po::zone_id.eq(None::<i64>))
        .execute(conn)?;
    let removed = diesel::delete(z::table.filter(z::id.between(first, last))).execute(conn)?;
    Ok(removed)
}
