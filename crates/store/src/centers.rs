//! 党群服务中心: each town's or park's regional center, registered by the committees that see
//! the zone (地址、面积、开放时间、工作人员); party organizations of its county book it for a
//! day, and the meeting the booking organization records on that day is an activity held
//! there, its participants those the meeting's record shows present (never a typed total).
//! Whether the center runs (实体化运行) is judged from those activities over the last three
//! whole months against a rule parameter. A committee sees the centers of its zones and the
//! bookings of its own organizations; a branch sees the centers it may book and its own
//! bookings: data flows up, never sideways.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::center::CenterRules;
use liangxin_domain::registry::Key;
use liangxin_domain::rules::RuleRef;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    center_bookings as cb, floating_members as fm, meeting_attendance as ma, meetings as mt,
    organizations as o, party_orgs as po, service_centers as sc, zones as z,
};
use crate::{Scope, Store};

/// A center as a committee registers it.
#[derive(Debug, Clone)]
pub struct NewCenter {
    pub zone: i64,
    pub name: String,
    pub address: String,
    /// 面积 in square metres.
    pub area_m2: i32,
    /// 开放时间, as posted at the door.
    pub opening_hours: String,
    pub open_days_per_week: i32,
    /// 专职、兼职工作人员.
    pub staff_full_time: i32,
    pub staff_part_time: i32,
    pub opened_on: NaiveDate,
}

/// A registered center.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Center {
    pub key: Key,
    pub zone: i64,
    pub zone_name: String,
    pub name: String,
    pub address: String,
    pub area_m2: i32,
    pub opening_hours: String,
    pub open_days_per_week: i32,
    pub staff_full_time: i32,
    pub staff_part_time: i32,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// A center with what the records say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CenterFacts {
    pub center: Center,
    /// 服务的两新组织: the zone's live organizations.
    pub units: u32,
    /// 服务的流动党员: those away from home hosted by the zone's party organizations.
    pub floating: u32,
    /// Activities held there in the window, and the members present at them.
    pub activities: u32,
    pub participants: u32,
    /// Bookings from today on.
    pub booked_ahead: u32,
    /// 实体化运行: open through the window and its activities reach the rule's count.
    pub running: bool,
    pub window: (NaiveDate, NaiveDate),
    pub min_per_month: u32,
    pub rule: RuleRef,
}

/// A booking as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub key: Key,
    pub center: Key,
    pub center_name: String,
    pub party_org: Key,
    pub party_org_name: String,
    pub booked_for: NaiveDate,
    pub purpose: String,
    pub cancelled_on: Option<NaiveDate>,
    /// The meeting recorded that day by the booking organization, and who was present.
    pub held: Option<(Key, String, u32)>,
}

type CenterRow = (
    (i32, i64, i64, String, String, String, i32),
    (String, i32, i32, i32, NaiveDate, Option<NaiveDate>),
);

fn center_of((a, b): CenterRow) -> Center {
    let (county, id, zone, zone_name, name, address, area_m2) = a;
    let (opening_hours, open_days_per_week, staff_full_time, staff_part_time, opened_on, closed_on) =
        b;
    Center {
        key: Key { county, id },
        zone,
        zone_name,
        name,
        address,
        area_m2,
        opening_hours,
        open_days_per_week,
        staff_full_time,
        staff_part_time,
        opened_on,
        closed_on,
    }
}

fn bounded(field: &'static str, v: i32, lo: i32, hi: i32) -> Result<i32> {
    if (lo..=hi).contains(&v) {
        Ok(v)
    } else {
        Err(StoreError::invalid(field, format!("应为{lo}至{hi}")))
    }
}

impl Store {
    /// Centers of the zones `ids`, open or closed, by zone.
    pub(crate) fn centers_in(&mut self, ids: &[i64]) -> Result<Vec<Center>> {
        let mut out = Vec::new();
        for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
            let rows: Vec<CenterRow> = sc::table
                .inner_join(z::table.on(z::id.eq(sc::zone_id)))
                .filter(sc::zone_id.eq_any(slice))
                .select((
                    (
                        sc::county_code,
                        sc::id,
                        sc::zone_id,
                        z::name,
                        sc::name,
                        sc::address,
                        sc::area_m2,
                    ),
                    (
                        sc::opening_hours,
                        sc::open_days_per_week,
                        sc::staff_full_time,
                        sc::staff_part_time,
                        sc::opened_on,
                        sc::closed_on,
                    ),
                ))
                .load(self.conn())?;
            out.extend(rows.into_iter().map(center_of));
        }
        out.sort_by_key(|c| (c.zone, c.closed_on.is_some(), c.key.id));
        Ok(out)
    }

    /// The committee of a zone in `scope` registers the zone's center (one open at a time).
    pub fn register_center(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        c: &NewCenter,
    ) -> Result<Key> {
        let (zone, _) = self
            .zone_in_scope(scope, c.zone)?
            .ok_or_else(|| StoreError::invalid("所在小镇园区", "不存在或不在您的管理范围内"))?;
        let name = typed_text("中心名称", &c.name, true, 100)?;
        let address = typed_text("地址", &c.address, true, 200)?;
        let hours = typed_text("开放时间", &c.opening_hours, true, 100)?;
        let area = bounded("面积（平方米）", c.area_m2, 1, 100_000)?;
        let days = bounded("每周开放天数", c.open_days_per_week, 1, 7)?;
        let full = bounded("专职工作人员", c.staff_full_time, 0, 200)?;
        let part = bounded("兼职工作人员", c.staff_part_time, 0, 200)?;
        if c.opened_on > today {
            return Err(StoreError::invalid("启用日期", "不能晚于今天"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let open: i64 = sc::table
                .filter(sc::zone_id.eq(zone.id))
                .filter(sc::closed_on.is_null())
                .count()
                .get_result(conn)?;
            if open > 0 {
                return Err(StoreError::invalid(
                    "党群服务中心",
                    "本小镇园区已登记党群服务中心，停用后才能登记新的",
                ));
            }
            let id = crate::registry::allocate(conn, "service_centers", 1)?;
            diesel::insert_into(sc::table)
                .values((
                    sc::county_code.eq(zone.county),
                    sc::id.eq(id),
                    sc::zone_id.eq(zone.id),
                    sc::name.eq(&name),
                    sc::address.eq(&address),
                    sc::area_m2.eq(area),
                    sc::opening_hours.eq(&hours),
                    sc::open_days_per_week.eq(days),
                    sc::staff_full_time.eq(full),
                    sc::staff_part_time.eq(part),
                    sc::opened_on.eq(c.opened_on),
                    sc::registered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "service_center",
                    county: zone.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "zone": zone.id,
                        "name": name,
                        "address": address,
                        "area_m2": area,
                        "opening_hours": hours,
                        "open_days_per_week": days,
                        "staff": [full, part],
                        "opened_on": c.opened_on,
                    })),
                },
            )?;
            Ok(Key {
                county: zone.county,
                id,
            })
        })
    }

    /// A center of the zones `scope` sees.
    pub fn center(&mut self, scope: &Scope, key: Key) -> Result<Option<Center>> {
        let zones: Vec<i64> = self.zones_of(scope)?.iter().map(|z| z.id).collect();
        Ok(self.centers_in(&zones)?.into_iter().find(|c| c.key == key))
    }

    /// The committee closes a center of its zone (停用) on `on`.
    pub fn close_center(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        on: NaiveDate,
    ) -> Result<()> {
        let c = self
            .center(scope, key)?
            .ok_or_else(|| StoreError::invalid("党群服务中心", "不存在或不在您的管理范围内"))?;
        if on > today || on < c.opened_on {
            return Err(StoreError::invalid("停用日期", "应在启用日期和今天之间"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let changed = diesel::update(
                sc::table
                    .filter(sc::county_code.eq(key.county))
                    .filter(sc::id.eq(key.id))
                    .filter(sc::closed_on.is_null()),
            )
            .set(sc::closed_on.eq(on))
            .execute(conn)?;
            if changed == 0 {
                return Err(StoreError::invalid("党群服务中心", "已停用"));
            }
            // Bookings from the closing day on will not be kept there.
            let cancelled = diesel::update(
                cb::table
                    .filter(cb::county_code.eq(key.county))
                    .filter(cb::center_id.eq(key.id))
                    .filter(cb::cancelled_on.is_null())
                    .filter(cb::booked_for.ge(on)),
            )
            .set(cb::cancelled_on.eq(today))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "close",
                    entity: "service_center",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "closed_on": on, "bookings_cancelled": cancelled })),
                },
            )?;
            Ok(())
        })
    }

    /// The centers of the zones `scope` sees, each with its facts on `today`.
    pub fn centers(&mut self, scope: &Scope, today: NaiveDate) -> Result<Vec<CenterFacts>> {
        let zones: Vec<i64> = self.zones_of(scope)?.iter().map(|z| z.id).collect();
        let centers = self.centers_in(&zones)?;
        self.facts_of(centers, today)
    }

    pub(crate) fn facts_of(
        &mut self,
        centers: Vec<Center>,
        today: NaiveDate,
    ) -> Result<Vec<CenterFacts>> {
        if centers.is_empty() {
            return Ok(Vec::new());
        }
        let rules = CenterRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let window = CenterRules::window(today);
        let zone_ids: Vec<i64> = centers.iter().map(|c| c.zone).collect();
        let mut units: HashMap<i64, u32> = HashMap::new();
        let mut floating: HashMap<i64, u32> = HashMap::new();
        for slice in zone_ids.chunks(crate::registry::IN_LIST_MAX) {
            let zs: Vec<Option<i64>> = slice.iter().copied().map(Some).collect();
            let rows: Vec<Option<i64>> = o::table
                .filter(o::zone_id.eq_any(&zs))
                .filter(o::dissolved_on.is_null())
                .select(o::zone_id)
                .load(self.conn())?;
            for zone in rows.into_iter().flatten() {
                *units.entry(zone).or_default() += 1;
            }
            let rows: Vec<Option<i64>> = fm::table
                .inner_join(
                    po::table.on(po::county_code
                        .nullable()
                        .eq(fm::host_county)
                        .and(po::id.nullable().eq(fm::host_party_org_id))),
                )
                .filter(po::zone_id.eq_any(&zs))
                .filter(fm::back_on.is_null())
                .select(po::zone_id)
                .load(self.conn())?;
            for zone in rows.into_iter().flatten() {
                *floating.entry(zone).or_default() += 1;
            }
        }
        let mut out = Vec::with_capacity(centers.len());
        for c in centers {
            let held = self.held_at(c.key, window.0, window.1)?;
            let participants = held.iter().map(|(_, _, _, n)| n).sum();
            let booked_ahead: i64 = cb::table
                .filter(cb::county_code.eq(c.key.county))
                .filter(cb::center_id.eq(c.key.id))
                .filter(cb::cancelled_on.is_null())
                .filter(cb::booked_for.ge(today))
                .count()
                .get_result(self.conn())?;
            let activities = u32::try_from(held.len()).unwrap_or(u32::MAX);
            let open_through = c.opened_on <= window.0 && c.closed_on.is_none_or(|d| d > window.1);
            out.push(CenterFacts {
                units: units.get(&c.zone).copied().unwrap_or(0),
                floating: floating.get(&c.zone).copied().unwrap_or(0),
                activities,
                participants,
                booked_ahead: u32::try_from(booked_ahead).unwrap_or(u32::MAX),
                running: open_through && rules.running(activities),
                window,
                min_per_month: rules.min_activities_per_month,
                rule: (*rules.rule).clone(),
                center: c,
            });
        }
        Ok(out)
    }

    /// The activities held at a center between two days: each booking kept by a meeting
    /// of its organization on its day, counted once however many meetings that day (the
    /// first recorded is shown): the booking, the meeting, its topic, the members present.
    fn held_at(
        &mut self,
        center: Key,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(Key, Key, String, u32)>> {
        let rows: Vec<(i64, i32, i64, String)> = cb::table
            .inner_join(
                mt::table.on(mt::county_code
                    .eq(cb::party_org_county)
                    .and(mt::party_org_id.eq(cb::party_org_id))
                    .and(mt::held_on.eq(cb::booked_for))),
            )
            .filter(cb::county_code.eq(center.county))
            .filter(cb::center_id.eq(center.id))
            .filter(cb::cancelled_on.is_null())
            .filter(cb::booked_for.between(from, to))
            .select((cb::id, mt::county_code, mt::id, mt::topic))
            .order((cb::id, mt::id))
            .load(self.conn())?;
        let mut kept: Vec<(Key, Key, String)> = Vec::with_capacity(rows.len());
        for (booking, county, id, topic) in rows {
            let booking = Key {
                county: center.county,
                id: booking,
            };
            if kept.last().is_none_or(|(b, ..)| *b != booking) {
                kept.push((booking, Key { county, id }, topic));
            }
        }
        // Those present, read by the attendance's key (county, meeting) in slices.
        let mut present: HashMap<Key, u32> = HashMap::new();
        let mut by_county: HashMap<i32, Vec<i64>> = HashMap::new();
        for (_, m, _) in &kept {
            by_county.entry(m.county).or_default().push(m.id);
        }
        for (county, ids) in by_county {
            for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
                let ids: Vec<i64> = ma::table
                    .filter(ma::county_code.eq(county))
                    .filter(ma::meeting_id.eq_any(slice))
                    .filter(ma::attendance.eq(liangxin_domain::kinds::Attendance::Present.code()))
                    .select(ma::meeting_id)
                    .load(self.conn())?;
                for id in ids {
                    *present.entry(Key { county, id }).or_default() += 1;
                }
            }
        }
        let out = kept
            .into_iter()
            .map(|(b, m, topic)| {
                let n = present.get(&m).copied().unwrap_or(0);
                (b, m, topic, n)
            })
            .collect();
        Ok(out)
    }

    /// The open centers the organization at the root of `scope` may book: those of its
    /// county.
    pub fn bookable_centers(&mut self, scope: &Scope) -> Result<Vec<Center>> {
        let Some(root) = (if scope.is_staff() {
            self.scope_root(scope)?
        } else {
            None
        }) else {
            return Ok(Vec::new());
        };
        let zones: Vec<i64> = z::table
            .filter(z::county_code.eq(root.key.county))
            .select(z::id)
            .load(self.conn())?;
        Ok(self
            .centers_in(&zones)?
            .into_iter()
            .filter(|c| c.closed_on.is_none())
            .collect())
    }

    /// The organization at the root of `scope` books a center of its county for a day.
    pub fn book_center(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        center: Key,
        day: NaiveDate,
        purpose: &str,
    ) -> Result<Key> {
        let root = self
            .scope_root(scope)?
            .filter(|_| scope.is_staff())
            .ok_or_else(|| StoreError::invalid("预约", "由党组织预约"))?;
        let c = self
            .bookable_centers(scope)?
            .into_iter()
            .find(|c| c.key == center)
            .ok_or_else(|| StoreError::invalid("党群服务中心", "请选择本县（市、区）开放的中心"))?;
        if day < today {
            return Err(StoreError::invalid("预约日期", "不能早于今天"));
        }
        if day > today + Days::new(90) {
            return Err(StoreError::invalid("预约日期", "只能预约90天以内"));
        }
        let purpose = typed_text("用途", purpose, true, 200)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let open: i64 = sc::table
                .filter(sc::county_code.eq(c.key.county))
                .filter(sc::id.eq(c.key.id))
                .filter(sc::closed_on.is_null())
                .count()
                .get_result(conn)?;
            if open == 0 {
                return Err(StoreError::invalid("党群服务中心", "已停用"));
            }
            // One place a day: a meeting is held at one center, not counted at several.
            let taken: i64 = cb::table
                .filter(cb::party_org_county.eq(root.key.county))
                .filter(cb::party_org_id.eq(root.key.id))
                .filter(cb::booked_for.eq(day))
                .filter(cb::cancelled_on.is_null())
                .count()
                .get_result(conn)?;
            if taken > 0 {
                return Err(StoreError::invalid(
                    "预约日期",
                    "本组织这一天已预约了党群服务中心",
                ));
            }
            let id = crate::registry::allocate(conn, "center_bookings", 1)?;
            diesel::insert_into(cb::table)
                .values((
                    cb::county_code.eq(c.key.county),
                    cb::id.eq(id),
                    cb::center_id.eq(c.key.id),
                    cb::party_org_county.eq(root.key.county),
                    cb::party_org_id.eq(root.key.id),
                    cb::booked_for.eq(day),
                    cb::purpose.eq(&purpose),
                    cb::booked_on.eq(today),
                    cb::booked_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "center_booking",
                    county: c.key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "center": c.key.id,
                        "party_org": format!("{}-{}", root.key.county, root.key.id),
                        "booked_for": day,
                        "purpose": purpose,
                    })),
                },
            )?;
            Ok(Key {
                county: c.key.county,
                id,
            })
        })
    }

    /// Cancels a booking of an organization in `scope` whose day has not passed.
    pub fn cancel_booking(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<()> {
        let booking: Option<(String, NaiveDate)> = if scope.is_staff() {
            cb::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(cb::party_org_county)
                        .and(po::id.eq(cb::party_org_id))),
                )
                .filter(cb::county_code.eq(key.county))
                .filter(cb::id.eq(key.id))
                .select((po::path, cb::booked_for))
                .first(self.conn())
                .optional()?
        } else {
            None
        };
        match booking {
            Some((path, _)) if !scope.contains_path(&path) => {
                return Err(StoreError::invalid("预约", "不存在或不在您的管理范围内"));
            }
            None => return Err(StoreError::invalid("预约", "不存在或不在您的管理范围内")),
            Some((_, day)) if day < today => {
                return Err(StoreError::invalid("预约", "预约日期已过，不能取消"));
            }
            Some(_) => {}
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let changed = diesel::update(
                cb::table
                    .filter(cb::county_code.eq(key.county))
                    .filter(cb::id.eq(key.id))
                    .filter(cb::cancelled_on.is_null()),
            )
            .set(cb::cancelled_on.eq(today))
            .execute(conn)?;
            if changed == 0 {
                return Err(StoreError::invalid("预约", "已取消"));
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "cancel",
                    entity: "center_booking",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "cancelled_on": today })),
                },
            )?;
            Ok(())
        })
    }

    /// The bookings of the organizations in `scope` from `from` on (at one center, or at
    /// any), by day, each with the meeting that kept it: three reads whatever their number.
    pub fn bookings(
        &mut self,
        scope: &Scope,
        from: NaiveDate,
        at: Option<Key>,
    ) -> Result<Vec<Booking>> {
        if !scope.is_staff() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let at_filter = |c: Key| cb::county_code.eq(c.county).and(cb::center_id.eq(c.id));
        type Row = (
            (i32, i64, i64, String),
            (i32, i64, String),
            (NaiveDate, String, Option<NaiveDate>),
        );
        let mut q = cb::table
            .inner_join(
                sc::table.on(sc::county_code
                    .eq(cb::county_code)
                    .and(sc::id.eq(cb::center_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(cb::party_org_county)
                    .and(po::id.eq(cb::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(cb::booked_for.ge(from))
            .into_boxed();
        if let Some(c) = at {
            q = q.filter(at_filter(c));
        }
        let rows: Vec<Row> = q
            .select((
                (cb::county_code, cb::id, cb::center_id, sc::name),
                (cb::party_org_county, cb::party_org_id, po::name),
                (cb::booked_for, cb::purpose, cb::cancelled_on),
            ))
            .order((cb::booked_for, cb::id))
            .load(self.conn())?;
        // The meetings that kept them (the first recorded that day), and who was present.
        let mut mq = cb::table
            .inner_join(
                mt::table.on(mt::county_code
                    .eq(cb::party_org_county)
                    .and(mt::party_org_id.eq(cb::party_org_id))
                    .and(mt::held_on.eq(cb::booked_for))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(cb::party_org_county)
                    .and(po::id.eq(cb::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(cb::booked_for.ge(from))
            .filter(cb::cancelled_on.is_null())
            .into_boxed();
        if let Some(c) = at {
            mq = mq.filter(at_filter(c));
        }
        let kept: Vec<(i32, i64, i32, i64, String)> = mq
            .select((cb::county_code, cb::id, mt::county_code, mt::id, mt::topic))
            .order((cb::county_code, cb::id, mt::id))
            .load(self.conn())?;
        let mut held: HashMap<Key, (Key, String)> = HashMap::new();
        for (bc, bi, mc, mi, topic) in kept {
            held.entry(Key { county: bc, id: bi })
                .or_insert((Key { county: mc, id: mi }, topic));
        }
        // Those present at each kept meeting, by the attendance's key (county, meeting).
        let mut present: HashMap<Key, u32> = HashMap::new();
        let mut by_county: HashMap<i32, Vec<i64>> = HashMap::new();
        for (m, _) in held.values() {
            by_county.entry(m.county).or_default().push(m.id);
        }
        for (county, ids) in by_county {
            for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
                let rows: Vec<i64> = ma::table
                    .filter(ma::county_code.eq(county))
                    .filter(ma::meeting_id.eq_any(slice))
                    .filter(ma::attendance.eq(liangxin_domain::kinds::Attendance::Present.code()))
                    .select(ma::meeting_id)
                    .load(self.conn())?;
                for id in rows {
                    *present.entry(Key { county, id }).or_default() += 1;
                }
            }
        }
        let mut out = Vec::with_capacity(rows.len());
        for ((county, id, center, center_name), (pc, pi, org_name), (day, purpose, cancelled)) in
            rows
        {
            let key = Key { county, id };
            let kept = held
                .remove(&key)
                .map(|(m, topic)| (m, topic, present.get(&m).copied().unwrap_or(0)));
            out.push(Booking {
                key,
                center: Key { county, id: center },
                center_name,
                party_org: Key { county: pc, id: pi },
                party_org_name: org_name,
                booked_for: day,
                purpose,
                cancelled_on: cancelled,
                held: kept,
            });
        }
        Ok(out)
    }
}
