//! Parks and towns (园区、特色小镇、楼宇、市场) registered and changed by the committees, so a
//! city's zones need no code: name, kind, 一镇一策 class, level, county, and the 党工委 that
//! leads it (the party organization whose zone it is). Each save is one transaction with
//! its audit entry.

use diesel::prelude::*;
use liangxin_domain::kinds::{PartyOrgType, ZoneClass, ZoneKind, ZoneLevel};
use liangxin_domain::registry::{Key, Zone};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError};
use crate::registry::{allocate, bump_version};
use crate::schema::{party_orgs as po, zones};
use crate::{Scope, Store};

/// A zone as a committee enters it.
#[derive(Debug, Clone)]
pub struct ZoneInput {
    pub name: String,
    pub kind: ZoneKind,
    pub class: Option<ZoneClass>,
    pub level: Option<ZoneLevel>,
    pub county: i32,
    /// The 党工委 that leads it, when there is one.
    pub leader: Option<Key>,
}

fn zone_json(z: &ZoneInput) -> serde_json::Value {
    json!({
        "name": z.name,
        "kind": z.kind.code(),
        "class": z.class.map(|c| c.code()),
        "level": z.level.map(|l| l.code()),
        "county": z.county,
        "leader": z.leader.map(|k| format!("{}-{}", k.county, k.id)),
    })
}

/// The 党工委 that leads a zone: its 组织编号 and name.
pub type Leader = (Key, String);

impl Store {
    /// The scope's zones with the 党工委 that leads each (none where the post is empty).
    pub fn zones_with_leaders(&mut self, scope: &Scope) -> Result<Vec<(Zone, Option<Leader>)>> {
        let zones = self.zones_of(scope)?;
        let ids: Vec<i64> = zones.iter().map(|z| z.id).collect();
        let mut leaders: std::collections::HashMap<i64, Leader> = std::collections::HashMap::new();
        for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
            let rows: Vec<(Option<i64>, i32, i64, String)> = po::table
                .filter(po::zone_id.eq_any(slice))
                .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
                .filter(po::dissolved_on.is_null())
                .select((po::zone_id, po::county_code, po::id, po::name))
                .load(self.conn())?;
            for (zone, county, id, name) in rows {
                if let Some(zone) = zone {
                    leaders.insert(zone, (Key { county, id }, name));
                }
            }
        }
        Ok(zones
            .into_iter()
            .map(|z| {
                let leader = leaders.remove(&z.id);
                (z, leader)
            })
            .collect())
    }

    /// One zone the scope may change, with the 党工委 that leads it.
    pub fn zone_in_scope(
        &mut self,
        scope: &Scope,
        id: i64,
    ) -> Result<Option<(Zone, Option<Leader>)>> {
        let Some(zone) = self.zones_of(scope)?.into_iter().find(|z| z.id == id) else {
            return Ok(None);
        };
        let leader: Option<(i32, i64, String)> = po::table
            .filter(po::zone_id.eq(id))
            .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id, po::name))
            .first(self.conn())
            .optional()?;
        Ok(Some((
            zone,
            leader.map(|(county, id, name)| (Key { county, id }, name)),
        )))
    }

    /// Registers a zone (`id` none) or changes one, in the scope's region; a zone's own
    /// committee changes only its zone and registers none. Returns the zone's id.
    pub fn save_zone(
        &mut self,
        actor: &str,
        scope: &Scope,
        id: Option<i64>,
        input: &ZoneInput,
    ) -> Result<i64> {
        let name = input.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::invalid("名称", "必填，不超过100个字"));
        }
        match (id, scope.zone) {
            (None, Some(_)) => {
                return Err(StoreError::invalid(
                    "园区小镇",
                    "园区小镇党工委不能登记新的园区小镇",
                ));
            }
            (Some(id), Some(own)) if id != own => {
                return Err(StoreError::invalid(
                    "园区小镇",
                    "不存在或不在您的管理范围内",
                ));
            }
            _ => {}
        }
        let before = match id {
            Some(id) => Some(
                self.zone_in_scope(scope, id)?
                    .ok_or_else(|| StoreError::invalid("园区小镇", "不存在或不在您的管理范围内"))?,
            ),
            None => None,
        };
        // A committee's region, or a zone's own county (it stays where it is).
        let in_region = match (&before, scope.county_range()) {
            (_, Some((low, high))) => (low..=high).contains(&input.county),
            (Some((zone, _)), None) => zone.county == input.county,
            (None, None) => false,
        };
        if !in_region {
            return Err(StoreError::invalid("县(市、区)", "不在您的管理范围内"));
        }
        let previous_leader = before
            .as_ref()
            .and_then(|(_, l)| l.as_ref().map(|(k, _)| *k));
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let county_known: i64 = crate::schema::regions::table
                .filter(crate::schema::regions::code.eq(input.county))
                .count()
                .get_result(conn)?;
            if county_known == 0 || input.county % 100 == 0 {
                return Err(StoreError::invalid("县(市、区)", "应为已登记的县(市、区)"));
            }
            let taken: Option<i64> = zones::table
                .filter(zones::county_code.eq(input.county))
                .filter(zones::name.eq(name))
                .select(zones::id)
                .first(conn)
                .optional()?;
            if taken.is_some_and(|t| Some(t) != id) {
                return Err(StoreError::invalid(
                    "名称",
                    "本县(市、区)已有同名的园区小镇",
                ));
            }
            if let Some(leader) = input.leader {
                let (low, high) = scope.path_range();
                let fits: Option<(String, Option<i64>, Option<i32>)> = po::table
                    .filter(po::county_code.eq(leader.county).and(po::id.eq(leader.id)))
                    .filter(po::path.ge(low).and(po::path.lt(high)))
                    .filter(po::dissolved_on.is_null())
                    .select((po::org_type, po::zone_id, po::parent_county))
                    .first(conn)
                    .optional()?;
                match fits {
                    Some((t, led, parent)) if t == PartyOrgType::WorkingCommittee.code() => {
                        if parent.is_none_or(|p| p != leader.county) {
                            return Err(StoreError::invalid(
                                "党工委",
                                "市、县两新工委不能作为园区小镇的党工委",
                            ));
                        }
                        if led.is_some_and(|z| Some(z) != id) {
                            return Err(StoreError::invalid(
                                "党工委",
                                "已是另一个园区小镇的党工委，请先在那个园区小镇改换",
                            ));
                        }
                    }
                    Some(_) => {
                        return Err(StoreError::invalid(
                            "党工委",
                            "须为党工委（组织类别“党工委”）",
                        ));
                    }
                    None => {
                        return Err(StoreError::invalid(
                            "党工委",
                            "找不到，或不在您的管理范围内",
                        ));
                    }
                }
                if leader.county != input.county {
                    return Err(StoreError::invalid(
                        "党工委",
                        "须在园区小镇所在的县(市、区)",
                    ));
                }
            }
            let id = match id {
                Some(id) => {
                    diesel::update(zones::table.filter(zones::id.eq(id)))
                        .set((
                            zones::name.eq(name),
                            zones::kind.eq(input.kind.code()),
                            zones::class.eq(input.class.map(|c| c.code())),
                            zones::level.eq(input.level.map(|l| l.code())),
                            zones::county_code.eq(input.county),
                        ))
                        .execute(conn)?;
                    id
                }
                None => {
                    let id = allocate(conn, "zones", 1)?;
                    diesel::insert_into(zones::table)
                        .values((
                            zones::id.eq(id),
                            zones::code.eq(format!("{}-Z{id}", input.county)),
                            zones::name.eq(name),
                            zones::kind.eq(input.kind.code()),
                            zones::class.eq(input.class.map(|c| c.code())),
                            zones::level.eq(input.level.map(|l| l.code())),
                            zones::county_code.eq(input.county),
                        ))
                        .execute(conn)?;
                    id
                }
            };
            // One 党工委 leads a zone: the one named now; the one before lets it go (other
            // organizations located in the zone keep it).
            if let Some(old) = previous_leader.filter(|old| Some(*old) != input.leader) {
                diesel::update(
                    po::table.filter(po::county_code.eq(old.county).and(po::id.eq(old.id))),
                )
                .set(po::zone_id.eq(None::<i64>))
                .execute(conn)?;
            }
            if let Some(leader) = input.leader {
                diesel::update(
                    po::table.filter(po::county_code.eq(leader.county).and(po::id.eq(leader.id))),
                )
                .set(po::zone_id.eq(Some(id)))
                .execute(conn)?;
            }
            bump_version(conn)?;
            let before = before.as_ref().map(|(z, leader)| {
                zone_json(&ZoneInput {
                    name: z.name.clone(),
                    kind: z.kind,
                    class: z.class,
                    level: z.level,
                    county: z.county,
                    leader: leader.as_ref().map(|(k, _)| *k),
                })
            });
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "zone",
                    county: input.county,
                    entity_id: id,
                    before,
                    after: Some(zone_json(input)),
                },
            )?;
            Ok(id)
        })
    }
}
