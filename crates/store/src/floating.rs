//! 流动党员: the home branch registers a member going away (外出) — where to, the host party
//! organization when one is paired (五双联动), the 流动党员活动证 — and ends the record when
//! the member comes back. The home side and the host side both see the member in their
//! lists; the host's meetings expect the member (without a vote), so the attendance it
//! records counts for them. `members.flow` mirrors the open record.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::floating::AwayMember;
use liangxin_domain::kinds::FlowStatus;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::{allocate, bump_records, bump_version};
use crate::schema::{
    floating_members as fm, member_profiles as mp, members as m, party_orgs as po,
};
use crate::transfer::{before_register, member_on_register};
use crate::{Scope, Store};

/// A member going away, as the home branch registers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outflow {
    pub member: Key,
    /// The host party organization in the system, when one is paired.
    pub host: Option<Key>,
    /// 流入地: the place and workplace.
    pub destination: String,
    /// 流动党员活动证 number and validity.
    pub certificate_no: Option<String>,
    pub certificate_valid_until: Option<NaiveDate>,
    pub out_on: NaiveDate,
    /// Why (外出务工, 经商, 求学 …).
    pub note: String,
}

/// A floating member as the home or host side sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FloatingView {
    pub id: i64,
    pub member: Key,
    pub member_name: String,
    pub resident_id_masked: String,
    pub home: Key,
    pub home_name: String,
    pub host: Option<Key>,
    pub host_name: Option<String>,
    pub destination: String,
    pub certificate_no: Option<String>,
    pub certificate_valid_until: Option<NaiveDate>,
    pub out_on: NaiveDate,
    pub back_on: Option<NaiveDate>,
    pub note: String,
    /// The 党员证明信 the record came from, if any.
    pub letter: Option<i64>,
    /// Whether the viewer's scope holds the home branch (流出) or the host (流入).
    pub home_side: bool,
    pub host_side: bool,
}

impl FloatingView {
    /// Holds a 活动证 valid on `today`.
    pub fn certificate_valid(&self, today: NaiveDate) -> bool {
        self.certificate_no.is_some() && self.certificate_valid_until.is_some_and(|d| d >= today)
    }
}

type FloatingRow = (
    i64,
    i32,
    i64,
    Option<i32>,
    Option<i64>,
    String,
    Option<String>,
    Option<NaiveDate>,
    NaiveDate,
    Option<NaiveDate>,
    String,
    Option<i64>,
);

macro_rules! floating_columns {
    () => {
        (
            fm::id,
            fm::member_county,
            fm::member_id,
            fm::host_county,
            fm::host_party_org_id,
            fm::destination,
            fm::certificate_no,
            fm::certificate_valid_until,
            fm::out_on,
            fm::back_on,
            fm::note,
            fm::transfer_id,
        )
    };
}

fn text(field: &'static str, s: &str, max: usize, required: bool) -> Result<Option<String>> {
    let t = s.trim();
    if t.is_empty() {
        return if required {
            Err(StoreError::invalid(field, "必填"))
        } else {
            Ok(None)
        };
    }
    if t.chars().count() > max {
        return Err(StoreError::invalid(field, format!("不能超过{max}字")));
    }
    Ok(Some(t.to_owned()))
}

/// Ends the open record of a member (inside the writing transaction): they came back, or
/// their record left the register.
pub(crate) fn end_open(conn: &mut DbConnection, member: Key, on: NaiveDate) -> Result<()> {
    diesel::update(
        fm::table
            .filter(fm::member_county.eq(member.county))
            .filter(fm::member_id.eq(member.id))
            .filter(fm::back_on.is_null())
            .filter(fm::out_on.le(on)),
    )
    .set(fm::back_on.eq(Some(on)))
    .execute(conn)?;
    Ok(())
}

/// The record a received 党员证明信 opens (inside the writing transaction): the member is
/// away from `on`, hosted by the receiver; a letter's holder needs no 活动证.
pub(crate) fn open_by_letter(
    conn: &mut DbConnection,
    letter: &crate::transfer::TransferView,
    on: NaiveDate,
) -> Result<()> {
    end_open(conn, letter.member, on)?;
    let id = allocate(conn, "floating_members", 1)?;
    diesel::insert_into(fm::table)
        .values((
            fm::id.eq(id),
            fm::member_county.eq(letter.member.county),
            fm::member_id.eq(letter.member.id),
            fm::host_county.eq(letter.to.map(|h| h.county)),
            fm::host_party_org_id.eq(letter.to.map(|h| h.id)),
            fm::destination.eq(&letter.to_name),
            fm::out_on.eq(on),
            fm::note.eq(format!("持党员证明信：{}", letter.reason)),
            fm::transfer_id.eq(Some(letter.id)),
        ))
        .execute(conn)?;
    diesel::update(
        m::table
            .filter(m::county_code.eq(letter.member.county))
            .filter(m::id.eq(letter.member.id)),
    )
    .set((
        m::flow.eq(FlowStatus::Outflow.code()),
        m::flow_destination.eq(Some(&letter.to_name)),
    ))
    .execute(conn)?;
    Ok(())
}

impl Store {
    /// Registers a member of `scope` going away. Refused, with nothing written: a member
    /// who left or is already away, a day after `today` or before 入党, a host that is the
    /// member's own branch or does not exist, a 活动证 number without its validity (or the
    /// reverse) or valid only before the day out.
    pub fn register_outflow(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        out: &Outflow,
    ) -> Result<i64> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "党员不能登记自己外出"));
        }
        let destination = text("流入地", &out.destination, 200, true)?.unwrap_or_default();
        let note = text("外出原因", &out.note, 500, true)?.unwrap_or_default();
        let certificate_no = text(
            "流动党员活动证号",
            out.certificate_no.as_deref().unwrap_or(""),
            30,
            false,
        )?;
        match (&certificate_no, out.certificate_valid_until) {
            (Some(_), None) => {
                return Err(StoreError::invalid(
                    "活动证有效期",
                    "填写活动证号时须填写有效期",
                ));
            }
            (None, Some(_)) => {
                return Err(StoreError::invalid(
                    "流动党员活动证号",
                    "填写有效期时须填写活动证号",
                ));
            }
            (Some(_), Some(until)) if until < out.out_on => {
                return Err(StoreError::invalid("活动证有效期", "不能早于外出日期"));
            }
            _ => {}
        }
        if out.out_on > today {
            return Err(StoreError::invalid("外出日期", "不能晚于今天"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (member, since) = member_on_register(conn, scope, out.member)?;
            if out.out_on < since {
                return Err(StoreError::invalid(
                    "外出日期",
                    before_register(since, member.joined_on),
                ));
            }
            let open: i64 = fm::table
                .filter(fm::member_county.eq(out.member.county))
                .filter(fm::member_id.eq(out.member.id))
                .filter(fm::back_on.is_null())
                .count()
                .get_result(conn)?;
            if open > 0 {
                return Err(StoreError::invalid(
                    "党员",
                    "已登记为外出流动党员，请先登记返回",
                ));
            }
            let host_name = match out.host {
                Some(h) => {
                    if h.county == member.county_code && h.id == member.party_org_id {
                        return Err(StoreError::invalid(
                            "流入地党组织",
                            "不能是党员所在的党组织",
                        ));
                    }
                    let name: Option<String> = po::table
                        .filter(po::county_code.eq(h.county))
                        .filter(po::id.eq(h.id))
                        .filter(po::dissolved_on.is_null())
                        .select(po::name)
                        .first(conn)
                        .optional()?;
                    Some(name.ok_or_else(|| StoreError::invalid("流入地党组织", "已撤销或找不到"))?)
                }
                None => None,
            };
            let id = allocate(conn, "floating_members", 1)?;
            diesel::insert_into(fm::table)
                .values((
                    fm::id.eq(id),
                    fm::member_county.eq(out.member.county),
                    fm::member_id.eq(out.member.id),
                    fm::host_county.eq(out.host.map(|h| h.county)),
                    fm::host_party_org_id.eq(out.host.map(|h| h.id)),
                    fm::destination.eq(&destination),
                    fm::certificate_no.eq(&certificate_no),
                    fm::certificate_valid_until.eq(out.certificate_valid_until),
                    fm::out_on.eq(out.out_on),
                    fm::note.eq(&note),
                ))
                .execute(conn)?;
            diesel::update(
                m::table
                    .filter(m::county_code.eq(out.member.county))
                    .filter(m::id.eq(out.member.id)),
            )
            .set((
                m::flow.eq(FlowStatus::Outflow.code()),
                m::flow_destination.eq(Some(
                    host_name.clone().unwrap_or_else(|| destination.clone()),
                )),
            ))
            .execute(conn)?;
            bump_version(conn)?;
            bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "outflow",
                    entity: "member",
                    county: out.member.county,
                    entity_id: out.member.id,
                    before: Some(json!({ "flow": member.flow })),
                    after: Some(json!({
                        "flow": FlowStatus::Outflow.code(),
                        "floating": id,
                        "host": out.host.map(|h| json!({ "county": h.county, "id": h.id })),
                        "destination": destination,
                        "certificate_no": certificate_no,
                        "certificate_valid_until": out.certificate_valid_until,
                        "out_on": out.out_on,
                    })),
                },
            )?;
            Ok(id)
        })
    }

    /// Ends a floating record on `back_on` (the member came back). The home side only.
    pub fn end_outflow(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        id: i64,
        back_on: NaiveDate,
    ) -> Result<()> {
        if back_on > today {
            return Err(StoreError::invalid("返回日期", "不能晚于今天"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let row: FloatingRow = fm::table
                .filter(fm::id.eq(id))
                .select(floating_columns!())
                .first(conn)
                .optional()?
                .ok_or_else(|| StoreError::invalid("流动党员", "不存在或不在您的管理范围内"))?;
            // A record the scope cannot see reads as one that does not exist; the host side
            // sees it but is not the one to end it.
            let view = views(conn, scope, vec![row])?
                .pop()
                .ok_or_else(|| StoreError::invalid("流动党员", "不存在或不在您的管理范围内"))?;
            if !view.home_side {
                return Err(StoreError::invalid(
                    "流动党员",
                    "只有党员所在的党组织可以登记返回",
                ));
            }
            if view.back_on.is_some() {
                return Err(StoreError::invalid("流动党员", "已登记返回"));
            }
            if back_on < view.out_on {
                return Err(StoreError::invalid("返回日期", "不能早于外出日期"));
            }
            diesel::update(fm::table.filter(fm::id.eq(id)))
                .set(fm::back_on.eq(Some(back_on)))
                .execute(conn)?;
            diesel::update(
                m::table
                    .filter(m::county_code.eq(view.member.county))
                    .filter(m::id.eq(view.member.id)),
            )
            .set((
                m::flow.eq(FlowStatus::Settled.code()),
                m::flow_destination.eq(None::<String>),
            ))
            .execute(conn)?;
            bump_version(conn)?;
            bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "return",
                    entity: "member",
                    county: view.member.county,
                    entity_id: view.member.id,
                    before: Some(json!({ "flow": FlowStatus::Outflow.code(), "floating": id })),
                    after: Some(json!({ "flow": FlowStatus::Settled.code(), "back_on": back_on })),
                },
            )
        })
    }

    /// The floating members whose home branch or host lies in `scope` (a member: their
    /// own), those away first; only the open ones when `open_only`.
    pub fn floating(&mut self, scope: &Scope, open_only: bool) -> Result<Vec<FloatingView>> {
        let conn = self.conn();
        let (low, high) = scope.path_range();
        let mut rows: Vec<FloatingRow> = Vec::new();
        if let Some(k) = scope.member {
            let mut q = fm::table
                .filter(fm::member_county.eq(k.county).and(fm::member_id.eq(k.id)))
                .select(floating_columns!())
                .into_boxed();
            if open_only {
                q = q.filter(fm::back_on.is_null());
            }
            rows.extend(q.load::<FloatingRow>(conn)?);
        } else {
            // The home side: the member's branch in the scope.
            let mut home = fm::table
                .inner_join(
                    m::table.on(m::county_code
                        .eq(fm::member_county)
                        .and(m::id.eq(fm::member_id))),
                )
                .inner_join(
                    po::table.on(po::county_code
                        .eq(m::county_code)
                        .and(po::id.eq(m::party_org_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select(floating_columns!())
                .into_boxed();
            // The host side.
            let mut host = fm::table
                .inner_join(
                    po::table.on(po::county_code
                        .nullable()
                        .eq(fm::host_county)
                        .and(po::id.nullable().eq(fm::host_party_org_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select(floating_columns!())
                .into_boxed();
            if open_only {
                home = home.filter(fm::back_on.is_null());
                host = host.filter(fm::back_on.is_null());
            }
            // A subtree without a region reads its members' records only (see
            // `Scope::members_condition`): a branch's list is the size of the branch, not a
            // pass over every floating member of the platform.
            match scope.members_condition(
                "floating_members.member_county",
                "floating_members.member_id",
            ) {
                Some(c) => {
                    let mut q = fm::table
                        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&c))
                        .select(floating_columns!())
                        .into_boxed();
                    if open_only {
                        q = q.filter(fm::back_on.is_null());
                    }
                    rows.extend(q.load::<FloatingRow>(conn)?);
                }
                None => rows.extend(home.load::<FloatingRow>(conn)?),
            }
            let seen: HashSet<i64> = rows.iter().map(|r| r.0).collect();
            rows.extend(
                host.load::<FloatingRow>(conn)?
                    .into_iter()
                    .filter(|r| !seen.contains(&r.0)),
            );
        }
        let mut out = views(conn, scope, rows)?;
        out.sort_by_key(|v| {
            (
                v.back_on.is_some(),
                std::cmp::Reverse(v.out_on),
                std::cmp::Reverse(v.id),
            )
        });
        Ok(out)
    }

    /// The members away on `day` whose home branch lies in `scope`, for the audit.
    pub fn away_members_for_audit(
        &mut self,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<AwayMember>> {
        // As of the day: gone out by then and not yet back (one back since still counts).
        Ok(self
            .floating(
                &Scope {
                    member: None,
                    ..scope.clone()
                },
                false,
            )?
            .into_iter()
            .filter(|v| v.home_side)
            .filter(|v| v.out_on <= day && v.back_on.is_none_or(|b| b > day))
            .map(|v| AwayMember {
                member: v.member,
                name: v.member_name,
                home: v.home,
                destination: v.host_name.unwrap_or(v.destination),
                certificate_no: v.certificate_no,
                certificate_valid_until: v.certificate_valid_until,
                by_letter: v.letter.is_some(),
            })
            .collect())
    }
}

/// The views of `rows` as `scope` sees them (rows it may not see are dropped).
fn views(
    conn: &mut DbConnection,
    scope: &Scope,
    rows: Vec<FloatingRow>,
) -> Result<Vec<FloatingView>> {
    // By county, then in slices (SQLite binds at most 32,766 values in one statement):
    // the members' key is (county, id), and its index is used only with the county.
    let mut member_ids: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
    for r in &rows {
        member_ids.entry(r.1).or_default().push(r.2);
    }
    let mut members: HashMap<Key, (String, i64, String)> = HashMap::new();
    for (county, ids) in &mut member_ids {
        ids.sort_unstable();
        ids.dedup();
        for ids in ids.chunks(crate::registry::IN_LIST_MAX) {
            members.extend(
                m::table
                    .inner_join(
                        mp::table.on(mp::county_code
                            .eq(m::county_code)
                            .and(mp::member_id.eq(m::id))),
                    )
                    .filter(m::county_code.eq(*county))
                    .filter(m::id.eq_any(ids))
                    .select((
                        m::county_code,
                        m::id,
                        m::name,
                        m::party_org_id,
                        mp::resident_id_masked,
                    ))
                    .load::<(i32, i64, String, i64, String)>(conn)?
                    .into_iter()
                    .map(|(county, id, name, po_id, masked)| {
                        (Key { county, id }, (name, po_id, masked))
                    }),
            );
        }
    }
    let mut org_ids: Vec<i64> = members.values().map(|v| v.1).collect();
    org_ids.extend(rows.iter().filter_map(|r| r.4));
    org_ids.sort_unstable();
    org_ids.dedup();
    let mut orgs: HashMap<Key, (String, String)> = HashMap::new();
    for ids in org_ids.chunks(crate::registry::IN_LIST_MAX) {
        orgs.extend(
            po::table
                .filter(po::id.eq_any(ids))
                .select((po::county_code, po::id, po::name, po::path))
                .load::<(i32, i64, String, String)>(conn)?
                .into_iter()
                .map(|(county, id, name, path)| (Key { county, id }, (name, path))),
        );
    }
    let mut out = Vec::with_capacity(rows.len());
    for (id, mc, mid, hc, hid, destination, certificate_no, until, out_on, back_on, note, letter) in
        rows
    {
        let member = Key {
            county: mc,
            id: mid,
        };
        let Some((name, po_id, masked)) = members.get(&member).cloned() else {
            continue;
        };
        let home = Key {
            county: mc,
            id: po_id,
        };
        let (home_name, home_path) = orgs.get(&home).cloned().unwrap_or_default();
        let host = hc.zip(hid).map(|(county, id)| Key { county, id });
        let host_org = host.and_then(|k| orgs.get(&k).cloned());
        let staff = scope.member.is_none();
        let home_side = staff && scope.contains_path(&home_path);
        let host_side = staff
            && host_org
                .as_ref()
                .is_some_and(|(_, p)| scope.contains_path(p));
        if !(home_side || host_side || scope.member == Some(member)) {
            continue;
        }
        out.push(FloatingView {
            id,
            member,
            member_name: name,
            resident_id_masked: masked,
            home,
            home_name,
            host,
            host_name: host_org.map(|(n, _)| n),
            destination,
            certificate_no,
            certificate_valid_until: until,
            out_on,
            back_on,
            note,
            letter,
            home_side,
            host_side,
        });
    }
    Ok(out)
}
