//! 党性体检 (see [`liangxin_domain::checkup`]): a member's yearly self-examination, written
//! by the member or entered for them by the branch from the paper form, changed until the
//! branch reviews it, then reviewed once. The 民主评议 round shows it beside each member as
//! reference. Every write is in the audit log, as a member's file is.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::checkup::{Area, AreaEntry, CheckupRules, CheckupState};
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{checkup_areas as ca, checkups as ck, members as m, party_orgs as po};
use crate::{Scope, Store};

/// A year's checkup as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkup {
    pub key: Key,
    pub member: Key,
    pub year: i32,
    pub state: CheckupState,
    pub submitted_on: NaiveDate,
    pub areas: Vec<CheckupArea>,
    pub review: Option<String>,
    pub reviewed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckupArea {
    pub entry: AreaEntry,
    /// The rule that put the area in the checklist (key, version).
    pub rule: (String, i32),
    pub review_note: Option<String>,
}

/// The branch's review: its word on the whole, and on any area it has one for.
#[derive(Debug, Clone, Default)]
pub struct CheckupReview {
    pub text: String,
    pub notes: Vec<(Area, String)>,
}

/// How a branch's members stand on a year's checkup (for the 民主评议 round's page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckupStanding {
    pub state: CheckupState,
    pub problems: usize,
}

/// A checkup row: key, member, year, state, submitted on and by, review, reviewed on.
type CheckupRow = (
    i32,
    i64,
    i32,
    i64,
    i32,
    String,
    NaiveDate,
    String,
    Option<String>,
    Option<NaiveDate>,
);

/// An area row: area, rule key and version, finding, problem, rectification, due, note.
type AreaRow = (
    String,
    String,
    i32,
    String,
    Option<String>,
    Option<String>,
    Option<NaiveDate>,
    Option<String>,
);

impl Store {
    /// The checklist in force on `day`.
    pub fn checkup_rules(&mut self, day: NaiveDate) -> Result<CheckupRules> {
        CheckupRules::resolve(&self.rule_set()?, day)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Writes (or, before the review, rewrites) a member's checkup of `year` (this year or
    /// the last): every area of the checklist in force with how the member stands, and for
    /// a problem found the rectification promised. By the member, or by the branch or
    /// above for them. One transaction, audited.
    pub fn submit_checkup(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
        year: i32,
        entries: &[AreaEntry],
    ) -> Result<Key> {
        self.member_in_scope(scope, member)?;
        // A member who has left keeps their past checkups; nothing new is written.
        let left: Option<NaiveDate> = m::table
            .filter(m::county_code.eq(member.county))
            .filter(m::id.eq(member.id))
            .select(m::left_on)
            .first(self.conn())?;
        if left.is_some() {
            return Err(StoreError::invalid("党员", "已不在党员名册上"));
        }
        if !(today.year() - 1..=today.year()).contains(&year) {
            return Err(StoreError::invalid(
                "年度",
                "只能填写今年或上一年度的党性体检",
            ));
        }
        let rules = self.checkup_rules(today)?;
        let mut rows = Vec::with_capacity(rules.areas.len());
        for (area, rule) in &rules.areas {
            let label = area.label();
            let Some(e) = entries.iter().find(|e| e.area == *area) else {
                return Err(StoreError::invalid(label, "请填写自查情况"));
            };
            let finding = typed_text(label, &e.finding, true, 1000)?;
            let opt = |v: &Option<String>, field: &'static str| -> Result<Option<String>> {
                let t = typed_text(field, v.as_deref().unwrap_or(""), false, 500)?;
                Ok((!t.is_empty()).then_some(t))
            };
            let problem = opt(&e.problem, "查摆的问题")?;
            let rectification = opt(&e.rectification, "整改措施")?;
            match (&problem, &rectification) {
                (Some(_), None) => {
                    return Err(StoreError::invalid(
                        "整改措施",
                        format!("“{label}”查摆出问题的，应写明整改措施"),
                    ));
                }
                (None, Some(_)) | (None, None) if e.due.is_some() => {
                    return Err(StoreError::invalid("整改时限", "没有查摆问题时不填时限"));
                }
                (None, Some(_)) => {
                    return Err(StoreError::invalid(
                        "查摆的问题",
                        format!("“{label}”写了整改措施，请写明针对的问题"),
                    ));
                }
                _ => {}
            }
            if e.due.is_some_and(|d| d < today) {
                return Err(StoreError::invalid("整改时限", "不能早于今天"));
            }
            rows.push((
                *area,
                rule.key.clone(),
                rule.version,
                finding,
                problem,
                rectification,
                e.due,
            ));
        }
        if let Some(extra) = entries
            .iter()
            .find(|e| !rules.areas.iter().any(|(a, _)| *a == e.area))
        {
            return Err(StoreError::invalid(
                extra.area.label(),
                "不在现行党性体检清单内",
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let existing: Option<(i32, i64, String)> = ck::table
                .filter(ck::member_county.eq(member.county))
                .filter(ck::member_id.eq(member.id))
                .filter(ck::year.eq(year))
                .select((ck::county_code, ck::id, ck::state))
                .first(conn)
                .optional()?;
            let (key, before) = match existing {
                Some((_, _, state)) if state == CheckupState::Reviewed.code() => {
                    return Err(StoreError::invalid("党性体检", "支部已评议，不能再修改"));
                }
                Some((county, id, _)) => {
                    let key = Key { county, id };
                    let before: Vec<AreaRow> = ca::table
                        .filter(ca::county_code.eq(county))
                        .filter(ca::checkup_id.eq(id))
                        .order(ca::area)
                        .select(area_columns())
                        .load(conn)?;
                    diesel::delete(
                        ca::table
                            .filter(ca::county_code.eq(county))
                            .filter(ca::checkup_id.eq(id)),
                    )
                    .execute(conn)?;
                    diesel::update(
                        ck::table
                            .filter(ck::county_code.eq(county))
                            .filter(ck::id.eq(id)),
                    )
                    .set((ck::submitted_on.eq(today), ck::submitted_by.eq(actor)))
                    .execute(conn)?;
                    (
                        key,
                        Some(json!(
                            before
                                .iter()
                                .map(|r| json!({"area": r.0, "problem": r.4}))
                                .collect::<Vec<_>>()
                        )),
                    )
                }
                None => {
                    let id = crate::registry::allocate(conn, "checkups", 1)?;
                    diesel::insert_into(ck::table)
                        .values((
                            ck::county_code.eq(member.county),
                            ck::id.eq(id),
                            ck::member_county.eq(member.county),
                            ck::member_id.eq(member.id),
                            ck::year.eq(year),
                            ck::state.eq(CheckupState::Submitted.code()),
                            ck::submitted_on.eq(today),
                            ck::submitted_by.eq(actor),
                        ))
                        .execute(conn)?;
                    (
                        Key {
                            county: member.county,
                            id,
                        },
                        None,
                    )
                }
            };
            for (area, rule_key, version, finding, problem, rectification, due) in &rows {
                diesel::insert_into(ca::table)
                    .values((
                        ca::county_code.eq(key.county),
                        ca::checkup_id.eq(key.id),
                        ca::area.eq(area.code()),
                        ca::rule_key.eq(rule_key),
                        ca::rule_version.eq(version),
                        ca::finding.eq(finding),
                        ca::problem.eq(problem),
                        ca::rectification.eq(rectification),
                        ca::due.eq(due),
                    ))
                    .execute(conn)?;
            }
            // What waits for whom (待办) follows the step.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if before.is_some() { "update" } else { "create" },
                    entity: "checkup",
                    county: key.county,
                    entity_id: key.id,
                    before,
                    after: Some(json!({
                        "member": { "county": member.county, "id": member.id },
                        "year": year,
                        "areas": rows.iter().map(|r| json!({
                            "area": r.0.code(),
                            "rule": format!("{}@{}", r.1, r.2),
                            "problem": r.4,
                            "rectification": r.5,
                            "due": r.6,
                        })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// The branch's review (支部评议) of a submitted checkup: its word on the whole and, where
    /// it has one, on each area. By the branch or above, never the member; once.
    pub fn review_checkup(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
        year: i32,
        review: &CheckupReview,
    ) -> Result<()> {
        let CheckupReview {
            text: review,
            notes,
        } = review;
        if scope.member.is_some() {
            return Err(StoreError::invalid("党性体检", "由党支部评议"));
        }
        self.member_in_scope(scope, member)?;
        let review = typed_text("评议意见", review, true, 1000)?;
        let mut kept = Vec::new();
        for (area, note) in notes {
            let note = typed_text(area.label(), note, false, 500)?;
            if !note.is_empty() {
                kept.push((*area, note));
            }
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let found: Option<(i32, i64, String)> = ck::table
                .filter(ck::member_county.eq(member.county))
                .filter(ck::member_id.eq(member.id))
                .filter(ck::year.eq(year))
                .select((ck::county_code, ck::id, ck::state))
                .first(conn)
                .optional()?;
            let Some((county, id, state)) = found else {
                return Err(StoreError::invalid("党性体检", "该党员本年度尚未自查"));
            };
            if state == CheckupState::Reviewed.code() {
                return Err(StoreError::invalid("党性体检", "支部已评议过"));
            }
            for (area, note) in &kept {
                let n = diesel::update(
                    ca::table
                        .filter(ca::county_code.eq(county))
                        .filter(ca::checkup_id.eq(id))
                        .filter(ca::area.eq(area.code())),
                )
                .set(ca::review_note.eq(note))
                .execute(conn)?;
                if n == 0 {
                    return Err(StoreError::invalid(area.label(), "不在这份自查的清单内"));
                }
            }
            diesel::update(
                ck::table
                    .filter(ck::county_code.eq(county))
                    .filter(ck::id.eq(id)),
            )
            .set((
                ck::state.eq(CheckupState::Reviewed.code()),
                ck::review.eq(&review),
                ck::reviewed_on.eq(today),
                ck::reviewed_by.eq(actor),
            ))
            .execute(conn)?;
            // What waits for whom (待办) follows the step.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "review",
                    entity: "checkup",
                    county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "review": review,
                        "notes": kept.iter().map(|(a, n)| json!({"area": a.code(), "note": n})).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(())
        })
    }

    /// A member's checkup of `year`, if written.
    pub fn checkup(&mut self, scope: &Scope, member: Key, year: i32) -> Result<Option<Checkup>> {
        self.member_in_scope(scope, member)?;
        let row: Option<CheckupRow> = ck::table
            .filter(ck::member_county.eq(member.county))
            .filter(ck::member_id.eq(member.id))
            .filter(ck::year.eq(year))
            .select((
                ck::county_code,
                ck::id,
                ck::member_county,
                ck::member_id,
                ck::year,
                ck::state,
                ck::submitted_on,
                ck::submitted_by,
                ck::review,
                ck::reviewed_on,
            ))
            .first(self.conn())
            .optional()?;
        let Some((county, id, mc, mi, year, state, submitted_on, _, review, reviewed_on)) = row
        else {
            return Ok(None);
        };
        let areas: Vec<AreaRow> = ca::table
            .filter(ca::county_code.eq(county))
            .filter(ca::checkup_id.eq(id))
            .select(area_columns())
            .load(self.conn())?;
        let mut areas = areas
            .into_iter()
            .map(
                |(area, rule_key, version, finding, problem, rectification, due, note)| {
                    Ok(CheckupArea {
                        entry: AreaEntry {
                            area: Area::parse(&area)
                                .ok_or_else(|| StoreError::Corrupt(format!("体检项目：{area}")))?,
                            finding,
                            problem,
                            rectification,
                            due,
                        },
                        rule: (rule_key, version),
                        review_note: note,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        areas.sort_by_key(|a| a.entry.area);
        Ok(Some(Checkup {
            key: Key { county, id },
            member: Key { county: mc, id: mi },
            year,
            state: CheckupState::parse(&state)
                .ok_or_else(|| StoreError::Corrupt(format!("体检状态：{state}")))?,
            submitted_on,
            areas,
            review,
            reviewed_on,
        }))
    }

    /// Where each of `members` stands on `year`'s checkup (those who wrote one), for the
    /// 民主评议 round's page; the members must be of `scope`.
    pub fn checkup_standings(
        &mut self,
        scope: &Scope,
        members: &[Key],
        year: i32,
    ) -> Result<Vec<(Key, CheckupStanding)>> {
        if scope.member.is_some() {
            return Err(StoreError::invalid(
                "范围",
                "党员本人只能查看自己的党性体检",
            ));
        }
        let (low, high) = scope.path_range();
        let mut out = Vec::new();
        for chunk in members.chunks(crate::registry::IN_LIST_MAX) {
            for county in chunk
                .iter()
                .map(|k| k.county)
                .collect::<std::collections::BTreeSet<_>>()
            {
                let ids: Vec<i64> = chunk
                    .iter()
                    .filter(|k| k.county == county)
                    .map(|k| k.id)
                    .collect();
                let rows: Vec<(i64, String, Option<String>)> = ck::table
                    .inner_join(
                        ca::table.on(ca::county_code
                            .eq(ck::county_code)
                            .and(ca::checkup_id.eq(ck::id))),
                    )
                    .inner_join(
                        m::table.on(m::county_code
                            .eq(ck::member_county)
                            .and(m::id.eq(ck::member_id))),
                    )
                    .inner_join(
                        po::table.on(po::county_code
                            .eq(m::county_code)
                            .and(po::id.eq(m::party_org_id))),
                    )
                    .filter(ck::member_county.eq(county))
                    .filter(ck::member_id.eq_any(ids))
                    .filter(ck::year.eq(year))
                    .filter(po::path.ge(&low).and(po::path.lt(&high)))
                    .select((ck::member_id, ck::state, ca::problem))
                    .load(self.conn())?;
                let mut by: std::collections::BTreeMap<i64, CheckupStanding> = Default::default();
                for (id, state, problem) in rows {
                    let s = by.entry(id).or_insert(CheckupStanding {
                        state: CheckupState::parse(&state).unwrap_or(CheckupState::Submitted),
                        problems: 0,
                    });
                    s.problems += usize::from(problem.is_some());
                }
                out.extend(by.into_iter().map(|(id, s)| (Key { county, id }, s)));
            }
        }
        Ok(out)
    }

    /// An organization's 党性体检 of `year`, member by member (its subtree's members on the
    /// register, a page from `offset`): who has written one, who is reviewed, the problems
    /// found, and any 限期改正 still open. With the counts over every member.
    pub fn checkup_roll(
        &mut self,
        scope: &Scope,
        party_org: Key,
        year: i32,
        offset: i64,
        limit: i64,
    ) -> Result<CheckupRoll> {
        use crate::people::MemberFilter;
        use crate::schema::correction_cases as cc;
        let org = self
            .party_org(scope, party_org)?
            .filter(|_| scope.member.is_none())
            .ok_or_else(|| StoreError::invalid("党组织", "不存在或不在您的管理范围内"))?;
        let sub = Scope::subtree(org.path.clone());
        let all = MemberFilter::default();
        let members = self.members_count(&sub, &all)?;
        let (low, high) = sub.path_range();
        let states: Vec<String> = ck::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(ck::member_county)
                    .and(m::id.eq(ck::member_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(m::left_on.is_null())
            .filter(ck::year.eq(year))
            .select(ck::state)
            .load(self.conn())?;
        let reviewed = states
            .iter()
            .filter(|s| s.as_str() == CheckupState::Reviewed.code())
            .count();
        let page = self.members_page(&sub, &all, offset, limit)?;
        let keys: Vec<Key> = page.iter().map(|v| v.key).collect();
        let standings: std::collections::HashMap<Key, CheckupStanding> = self
            .checkup_standings(&sub, &keys, year)?
            .into_iter()
            .collect();
        let mut open: std::collections::HashMap<Key, NaiveDate> = Default::default();
        for chunk in keys.chunks(crate::registry::IN_LIST_MAX) {
            for county in chunk
                .iter()
                .map(|k| k.county)
                .collect::<std::collections::BTreeSet<_>>()
            {
                let ids: Vec<i64> = chunk
                    .iter()
                    .filter(|k| k.county == county)
                    .map(|k| k.id)
                    .collect();
                let rows: Vec<(i64, NaiveDate)> = cc::table
                    .filter(cc::member_county.eq(county))
                    .filter(cc::member_id.eq_any(ids))
                    .filter(cc::closed_on.is_null())
                    .select((cc::member_id, cc::deadline))
                    .load(self.conn())?;
                open.extend(rows.into_iter().map(|(id, d)| (Key { county, id }, d)));
            }
        }
        Ok(CheckupRoll {
            party_org_name: org.name,
            members: u32::try_from(members).unwrap_or(u32::MAX),
            written: u32::try_from(states.len()).unwrap_or(u32::MAX),
            reviewed: u32::try_from(reviewed).unwrap_or(u32::MAX),
            lines: page
                .into_iter()
                .map(|v| CheckupRollLine {
                    standing: standings.get(&v.key).copied(),
                    correction_deadline: open.get(&v.key).copied(),
                    member: v.key,
                    name: v.name,
                    party_org_name: v.party_org_name,
                    status: v.status,
                })
                .collect(),
        })
    }
}

/// An organization's 党性体检 of a year (see [`Store::checkup_roll`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckupRoll {
    pub party_org_name: String,
    /// Members on the register, of them those who wrote one, and of those the reviewed.
    pub members: u32,
    pub written: u32,
    pub reviewed: u32,
    pub lines: Vec<CheckupRollLine>,
}

/// A member of the roll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckupRollLine {
    pub member: Key,
    pub name: String,
    pub party_org_name: String,
    pub status: liangxin_domain::kinds::MemberStatus,
    /// `None`: not written yet (未自查).
    pub standing: Option<CheckupStanding>,
    /// An open 限期改正 and its deadline.
    pub correction_deadline: Option<NaiveDate>,
}

fn area_columns() -> (
    ca::area,
    ca::rule_key,
    ca::rule_version,
    ca::finding,
    ca::problem,
    ca::rectification,
    ca::due,
    ca::review_note,
) {
    (
        ca::area,
        ca::rule_key,
        ca::rule_version,
        ca::finding,
        ca::problem,
        ca::rectification,
        ca::due,
        ca::review_note,
    )
}
