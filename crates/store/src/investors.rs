//! 出资人: the investors of the scope's two-new organizations and the contact and education
//! events its party organizations held with them. A scope sees the investors of the units it
//! sees (the same rule as the units' list) and, for each, how often any party organization
//! reached them in a year; the events it lists are those its own organizations held. Staff
//! register and end investors; an event names the investors it reached, all of the scope.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::investor::birth_years;
use liangxin_domain::kinds::{InvestorEventKind, InvestorRole, PoliticalStatus};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::coverage::scoped_organizations;
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    investor_event_attendance as iea, investor_events as ie, organizations as o, party_orgs as po,
    unit_investors as ui,
};
use crate::{Scope, Store};

/// Investors an event may name at once.
pub const EVENT_INVESTORS_MAX: usize = 500;

/// An investor as staff register them.
#[derive(Debug, Clone)]
pub struct NewInvestor {
    /// The two-new organization (单位) they invested in.
    pub unit: Key,
    pub name: String,
    pub birth_year: i32,
    pub role: InvestorRole,
    pub political_status: PoliticalStatus,
}

/// An investor in the scope's list, with the year's contacts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Investor {
    pub key: Key,
    pub unit: Key,
    pub unit_name: String,
    pub name: String,
    pub birth_year: i32,
    pub role: InvestorRole,
    pub political_status: PoliticalStatus,
    pub registered_on: NaiveDate,
    /// Events that reached them in the year asked, and the day of the last one.
    pub contacts: u32,
    pub last_contact: Option<NaiveDate>,
}

/// A contact or education event as its organizer records it.
#[derive(Debug, Clone)]
pub struct NewInvestorEvent {
    pub kind: InvestorEventKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub content: String,
    pub investors: Vec<Key>,
}

/// An event its organizer's scope lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvestorEvent {
    pub key: Key,
    pub organizer: String,
    pub kind: InvestorEventKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub content: String,
    /// The investors it reached that the scope sees.
    pub investors: Vec<Reached>,
    /// How many it reached in all.
    pub reached: u32,
}

/// An investor an event reached: (key, name, unit name).
pub type Reached = (Key, String, String);

type InvestorRow = (
    (i32, i64, i64, String, i32, String, String, NaiveDate),
    String,
);

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("出资人记录的{what}无法识别：{e}"))
}

impl Store {
    /// The investors of the scope's units who are investors on `today` (ended ones are
    /// gone from the list), by unit and name, with the events of `year` that reached them
    /// (held up to `today`).
    pub fn investors(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        year: i32,
    ) -> Result<Vec<Investor>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (first, last) = crate::day::year_bounds(year);
        let last = last.min(today);
        let current = ui::ended_on.is_null().or(ui::ended_on.ge(today));
        let rows: Vec<InvestorRow> = scoped_organizations(scope, today)
            .inner_join(
                ui::table.on(ui::county_code
                    .eq(o::county_code)
                    .and(ui::organization_id.eq(o::id))),
            )
            .filter(current)
            .order((o::name, o::id, ui::name, ui::id))
            .select((
                (
                    ui::county_code,
                    ui::id,
                    ui::organization_id,
                    ui::name,
                    ui::birth_year,
                    ui::role,
                    ui::political_status,
                    ui::registered_on,
                ),
                o::name,
            ))
            .load(self.conn())?;
        // The year's contacts of the same investors, found through the same units.
        let held: Vec<(i32, i64, NaiveDate)> = scoped_organizations(scope, today)
            .inner_join(
                ui::table.on(ui::county_code
                    .eq(o::county_code)
                    .and(ui::organization_id.eq(o::id))),
            )
            .inner_join(
                iea::table.on(iea::investor_county
                    .eq(ui::county_code)
                    .and(iea::investor_id.eq(ui::id))),
            )
            .inner_join(
                ie::table.on(ie::county_code
                    .eq(iea::county_code)
                    .and(ie::id.eq(iea::event_id))),
            )
            .filter(ui::ended_on.is_null().or(ui::ended_on.ge(today)))
            .filter(ie::held_on.between(first, last))
            .select((ui::county_code, ui::id, ie::held_on))
            .load(self.conn())?;
        let mut contacts: HashMap<(i32, i64), (u32, NaiveDate)> = HashMap::new();
        for (county, id, on) in held {
            let e = contacts.entry((county, id)).or_insert((0, on));
            e.0 += 1;
            e.1 = e.1.max(on);
        }
        rows.into_iter()
            .map(
                |((county, id, unit, name, birth_year, role, status, registered_on), unit_name)| {
                    let (n, last) = contacts
                        .get(&(county, id))
                        .map_or((0, None), |(n, d)| (*n, Some(*d)));
                    Ok(Investor {
                        key: Key { county, id },
                        unit: Key { county, id: unit },
                        unit_name,
                        name,
                        birth_year,
                        role: InvestorRole::parse(&role).map_err(|e| corrupt("身份", e))?,
                        political_status: PoliticalStatus::parse(&status)
                            .map_err(|e| corrupt("政治面貌", e))?,
                        registered_on,
                        contacts: n,
                        last_contact: last,
                    })
                },
            )
            .collect()
    }

    /// Staff register an investor of one of the units their scope sees.
    pub fn register_investor(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        n: &NewInvestor,
    ) -> Result<Key> {
        Ok(self
            .register_investors(actor, scope, today, std::slice::from_ref(n))?
            .remove(0))
    }

    /// Staff register several investors at once, all or none (a county's register of them
    /// taken over from its records), each checked as one alone is.
    pub fn register_investors(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        list: &[NewInvestor],
    ) -> Result<Vec<Key>> {
        if !scope.is_staff() || scope.member.is_some() {
            return Err(StoreError::invalid("出资人", "由党组织登记"));
        }
        let mut names = Vec::with_capacity(list.len());
        for n in list {
            names.push(typed_text("姓名", &n.name, true, 50)?);
            if !birth_years(today).contains(&n.birth_year) {
                return Err(StoreError::invalid(
                    "出生年份",
                    "应为年满16周岁、不超过100周岁的年份",
                ));
            }
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let mut keys = Vec::with_capacity(list.len());
            for (n, name) in list.iter().zip(&names) {
                keys.push(insert_investor(conn, cipher, actor, scope, today, n, name)?);
            }
            if !keys.is_empty() {
                crate::registry::bump_records(conn)?;
            }
            Ok(keys)
        })
    }

    /// An investor of the scope's units ceases to be one: `on` is their last day.
    pub fn end_investor(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        on: NaiveDate,
    ) -> Result<()> {
        if on > today {
            return Err(StoreError::invalid("退出日期", "不能晚于今天"));
        }
        if !scope.is_staff() || scope.member.is_some() {
            return Err(StoreError::invalid("出资人", "不存在或不在您的管理范围内"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let row: Option<(Option<NaiveDate>, NaiveDate)> = scoped_organizations(scope, today)
                .inner_join(
                    ui::table.on(ui::county_code
                        .eq(o::county_code)
                        .and(ui::organization_id.eq(o::id))),
                )
                .filter(ui::county_code.eq(key.county).and(ui::id.eq(key.id)))
                .select((ui::ended_on, ui::registered_on))
                .first(conn)
                .optional()?;
            match row {
                None => Err(StoreError::invalid("出资人", "不存在或不在您的管理范围内")),
                Some((Some(_), _)) => Err(StoreError::invalid("出资人", "已经退出")),
                Some((None, registered)) if on < registered => {
                    Err(StoreError::invalid("退出日期", "不能早于登记日期"))
                }
                Some((None, _)) => {
                    let last: Option<NaiveDate> = iea::table
                        .inner_join(
                            ie::table.on(ie::county_code
                                .eq(iea::county_code)
                                .and(ie::id.eq(iea::event_id))),
                        )
                        .filter(iea::investor_county.eq(key.county))
                        .filter(iea::investor_id.eq(key.id))
                        .select(diesel::dsl::max(ie::held_on))
                        .first(conn)?;
                    if let Some(last) = last.filter(|l| on < *l) {
                        return Err(StoreError::invalid(
                            "退出日期",
                            format!("不能早于已登记的联系活动日期（{last}）"),
                        ));
                    }
                    diesel::update(
                        ui::table
                            .filter(ui::county_code.eq(key.county))
                            .filter(ui::id.eq(key.id)),
                    )
                    .set(ui::ended_on.eq(Some(on)))
                    .execute(conn)?;
                    crate::registry::bump_records(conn)?;
                    audit::append(
                        conn,
                        cipher,
                        Entry {
                            actor,
                            action: "end",
                            entity: "unit_investor",
                            county: key.county,
                            entity_id: key.id,
                            before: Some(json!({ "ended_on": null })),
                            after: Some(json!({ "ended_on": on })),
                        },
                    )
                }
            }
        })
    }

    /// The scope's own organization records an event held with investors of its units.
    pub fn record_investor_event(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        e: &NewInvestorEvent,
    ) -> Result<Key> {
        if !scope.is_staff() || scope.member.is_some() {
            return Err(StoreError::invalid("联系出资人", "由党组织登记"));
        }
        if e.held_on > today {
            return Err(StoreError::invalid("日期", "不能晚于今天"));
        }
        if e.held_on.year() < today.year() - 1 {
            return Err(StoreError::invalid("日期", "只能补登今年和上一年的活动"));
        }
        let title = typed_text("主题", &e.title, true, 100)?;
        let content = typed_text("内容", &e.content, false, 2000)?;
        let mut wanted = e.investors.clone();
        wanted.sort();
        wanted.dedup();
        if wanted.is_empty() {
            return Err(StoreError::invalid("出资人", "请至少选择一名出资人"));
        }
        if wanted.len() > EVENT_INVESTORS_MAX {
            return Err(StoreError::invalid(
                "出资人",
                format!("一次最多登记{EVENT_INVESTORS_MAX}名"),
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // The event is the scope's own organization's.
            let org: Key = po::table
                .filter(po::path.eq(&scope.party_path))
                .filter(po::dissolved_on.is_null())
                .select((po::county_code, po::id))
                .first::<(i32, i64)>(conn)
                .optional()?
                .map(|(county, id)| Key { county, id })
                .ok_or_else(|| StoreError::invalid("联系出资人", "由党组织登记"))?;
            // Each investor named must be of a unit the scope sees, and an investor on the day.
            let ids: Vec<i64> = wanted.iter().map(|k| k.id).collect();
            let mut found: HashMap<Key, (NaiveDate, Option<NaiveDate>)> = HashMap::new();
            for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
                let rows: Vec<(i32, i64, NaiveDate, Option<NaiveDate>)> =
                    scoped_organizations(scope, today)
                        .inner_join(
                            ui::table.on(ui::county_code
                                .eq(o::county_code)
                                .and(ui::organization_id.eq(o::id))),
                        )
                        .filter(ui::id.eq_any(slice))
                        .select((ui::county_code, ui::id, ui::registered_on, ui::ended_on))
                        .load(conn)?;
                for (county, id, registered, ended) in rows {
                    found.insert(Key { county, id }, (registered, ended));
                }
            }
            for k in &wanted {
                match found.get(k) {
                    None => {
                        return Err(StoreError::invalid(
                            "出资人",
                            format!("{}-{}不存在或不在您的管理范围内", k.county, k.id),
                        ));
                    }
                    Some((_, Some(ended))) if *ended < e.held_on => {
                        return Err(StoreError::invalid(
                            "出资人",
                            format!("{}-{}在活动日期前已退出", k.county, k.id),
                        ));
                    }
                    _ => {}
                }
            }
            let id = crate::registry::allocate(conn, "investor_events", 1)?;
            diesel::insert_into(ie::table)
                .values((
                    ie::county_code.eq(org.county),
                    ie::id.eq(id),
                    ie::party_org_id.eq(org.id),
                    ie::kind.eq(e.kind.code()),
                    ie::held_on.eq(e.held_on),
                    ie::title.eq(&title),
                    ie::content.eq(&content),
                    ie::recorded_on.eq(today),
                    ie::recorded_by.eq(actor),
                ))
                .execute(conn)?;
            let rows: Vec<_> = wanted
                .iter()
                .map(|k| {
                    (
                        iea::county_code.eq(org.county),
                        iea::event_id.eq(id),
                        iea::investor_county.eq(k.county),
                        iea::investor_id.eq(k.id),
                    )
                })
                .collect();
            for chunk in rows.chunks(crate::registry::IN_LIST_MAX / 4) {
                crate::batch_insert!(conn, iea::table, chunk.to_vec())?;
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "investor_event",
                    county: org.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": org.id,
                        "kind": e.kind.code(),
                        "held_on": e.held_on,
                        "title": title,
                        "investors": wanted.iter().map(|k| format!("{}-{}", k.county, k.id)).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(Key {
                county: org.county,
                id,
            })
        })
    }

    /// The events the scope's organizations held in `year`, latest first, each with the
    /// investors it reached that the scope sees on `today` (a branch may cover a unit of
    /// another zone, or have covered it) and how many it reached in all.
    pub fn investor_events(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        year: i32,
    ) -> Result<Vec<InvestorEvent>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (first, last) = crate::day::year_bounds(year);
        let (low, high) = scope.path_range();
        type EventRow = (i32, i64, String, String, NaiveDate, String, String);
        let rows: Vec<EventRow> = ie::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(ie::county_code)
                    .and(po::id.eq(ie::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(ie::held_on.between(first, last))
            .order((ie::held_on.desc(), ie::id.desc()))
            .select((
                ie::county_code,
                ie::id,
                po::name,
                ie::kind,
                ie::held_on,
                ie::title,
                ie::content,
            ))
            .load(self.conn())?;
        let mut reached: HashMap<(i32, i64), Vec<Reached>> = HashMap::new();
        let mut counts: HashMap<(i32, i64), u32> = HashMap::new();
        let ids: Vec<i64> = rows.iter().map(|r| r.1).collect();
        for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
            let all: Vec<(i32, i64, i64)> = iea::table
                .filter(iea::event_id.eq_any(slice))
                .group_by((iea::county_code, iea::event_id))
                .select((iea::county_code, iea::event_id, diesel::dsl::count_star()))
                .load(self.conn())?;
            for (county, event, n) in all {
                counts.insert((county, event), u32::try_from(n).unwrap_or(u32::MAX));
            }
            let names: Vec<(i32, i64, i32, i64, String, String)> =
                scoped_organizations(scope, today)
                    .inner_join(
                        ui::table.on(ui::county_code
                            .eq(o::county_code)
                            .and(ui::organization_id.eq(o::id))),
                    )
                    .inner_join(
                        iea::table.on(iea::investor_county
                            .eq(ui::county_code)
                            .and(iea::investor_id.eq(ui::id))),
                    )
                    .filter(iea::event_id.eq_any(slice))
                    .order((o::name, ui::name))
                    .select((
                        iea::county_code,
                        iea::event_id,
                        ui::county_code,
                        ui::id,
                        ui::name,
                        o::name,
                    ))
                    .load(self.conn())?;
            for (county, event, ic, iid, name, unit) in names {
                reached.entry((county, event)).or_default().push((
                    Key {
                        county: ic,
                        id: iid,
                    },
                    name,
                    unit,
                ));
            }
        }
        rows.into_iter()
            .map(|(county, id, organizer, kind, held_on, title, content)| {
                Ok(InvestorEvent {
                    key: Key { county, id },
                    organizer,
                    kind: InvestorEventKind::parse(&kind).map_err(|e| corrupt("联系方式", e))?,
                    held_on,
                    title,
                    content,
                    investors: reached.remove(&(county, id)).unwrap_or_default(),
                    reached: counts.get(&(county, id)).copied().unwrap_or(0),
                })
            })
            .collect()
    }
}

/// One investor checked and written, inside the registering transaction: the unit the
/// scope's, and no investor of the same name on the unit's register.
fn insert_investor(
    conn: &mut crate::connection::DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    scope: &Scope,
    today: NaiveDate,
    n: &NewInvestor,
    name: &str,
) -> Result<Key> {
    let unit: Option<String> = scoped_organizations(scope, today)
        .filter(o::county_code.eq(n.unit.county).and(o::id.eq(n.unit.id)))
        .select(o::name)
        .first(conn)
        .optional()?;
    let Some(unit_name) = unit else {
        return Err(StoreError::invalid("单位", "不存在或不在您的管理范围内"));
    };
    let same: i64 = ui::table
        .filter(ui::county_code.eq(n.unit.county))
        .filter(ui::organization_id.eq(n.unit.id))
        .filter(ui::name.eq(name))
        .filter(ui::ended_on.is_null().or(ui::ended_on.ge(today)))
        .count()
        .get_result(conn)?;
    if same > 0 {
        return Err(StoreError::invalid(
            "姓名",
            format!("{unit_name}已登记出资人{name}"),
        ));
    }
    let id = crate::registry::allocate(conn, "unit_investors", 1)?;
    diesel::insert_into(ui::table)
        .values((
            ui::county_code.eq(n.unit.county),
            ui::id.eq(id),
            ui::organization_id.eq(n.unit.id),
            ui::name.eq(name),
            ui::birth_year.eq(n.birth_year),
            ui::role.eq(n.role.code()),
            ui::political_status.eq(n.political_status.code()),
            ui::registered_on.eq(today),
            ui::registered_by.eq(actor),
        ))
        .execute(conn)?;
    audit::append(
        conn,
        cipher,
        Entry {
            actor,
            action: "create",
            entity: "unit_investor",
            county: n.unit.county,
            entity_id: id,
            before: None,
            after: Some(json!({
                "organization": n.unit.id,
                "name": name,
                "birth_year": n.birth_year,
                "role": n.role.code(),
                "political_status": n.political_status.code(),
            })),
        },
    )?;
    Ok(Key {
        county: n.unit.county,
        id,
    })
}
