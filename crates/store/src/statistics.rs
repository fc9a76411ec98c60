//! 党内统计 tables for a party organization's subtree on a day, computed from the records by
//! the domain's rules ([`liangxin_domain::statistics`]): a row for the whole (合计), one for
//! the organization's own (本级) and one per organization directly under it; and, for any
//! cell, the records it counts.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{FormationMode, LeaveReason, LetterKind, PartyOrgType, TransferState};
use liangxin_domain::registry::Key;
use liangxin_domain::resident_id::Sex;
use liangxin_domain::rules::CoverageRules;
use liangxin_domain::statistics::{MemberFacts, PartyOrgFacts, Table};

use crate::error::{Result, StoreError};
use crate::people::background_of;
use crate::schema::{members as m, party_orgs as po, transfers as t};
use crate::{Scope, Store};

/// One row of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatRow {
    /// None: the whole subtree (合计). With `own`: the organization itself (本级).
    pub party_org: Option<(Key, String)>,
    pub own: bool,
    /// One count per column of the table.
    pub counts: Vec<i64>,
}

/// A table of a subtree on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatTable {
    pub table: Table,
    pub party_org: (Key, String),
    pub as_of: NaiveDate,
    pub rows: Vec<StatRow>,
}

/// A record a cell counts: a member (with their organization) or a party organization
/// (with its type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub key: Key,
    pub name: String,
    pub detail: String,
}

/// Which rows a record belongs to, and which party organizations lie in each.
struct Rows {
    root: String,
    children: Vec<String>,
}

impl Rows {
    /// Slot 0 is the whole, slot 1 the organization's own, slot 2 + i the i-th child.
    fn slot(&self, path: &str) -> usize {
        self.children
            .iter()
            .position(|c| path.starts_with(c.as_str()))
            .map_or(1, |i| i + 2)
    }

    /// Whether a party organization (by path) lies in the row of `slot`.
    fn inside(&self, slot: usize, path: &str) -> bool {
        match slot {
            0 => path.starts_with(&self.root),
            1 => path == self.root,
            i => path.starts_with(&self.children[i - 2]),
        }
    }
}

struct MemberRecord {
    path: String,
    key: Key,
    name: String,
    party_org_name: String,
    facts: MemberFacts,
}

struct OrgRecord {
    path: String,
    key: Key,
    name: String,
    facts: PartyOrgFacts,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}：{e}"))
}

impl Store {
    /// The organization (in `scope`) a table is of: its path and name.
    fn statistics_root(&mut self, scope: &Scope, key: Key) -> Result<(String, String)> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("范围", "统计表由党组织查看"));
        }
        let (low, high) = scope.path_range();
        po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .select((po::path, po::name))
            .first(self.conn())
            .optional()?
            .ok_or_else(|| StoreError::invalid("党组织", "不存在或不在您的管理范围内"))
    }

    /// The member records of the subtree at `path` that the year of `as_of` can count
    /// (those that left before the year began cannot), with the other end of the
    /// transfers that opened or closed them this year.
    fn statistics_members(&mut self, path: &str, as_of: NaiveDate) -> Result<Vec<MemberRecord>> {
        let first = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        let (low, high) = Scope::subtree(path).path_range();
        let conn = self.conn();
        type Row = (
            (String, String, i32, i64, String, String, i32),
            (
                NaiveDate,
                Option<NaiveDate>,
                Option<NaiveDate>,
                Option<NaiveDate>,
                Option<String>,
            ),
            (Option<String>, Option<String>, Option<String>),
        );
        let rows: Vec<Row> = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(m::left_on.is_null().or(m::left_on.ge(first)))
            .select((
                (
                    po::path,
                    po::name,
                    m::county_code,
                    m::id,
                    m::name,
                    m::sex,
                    m::birth_year,
                ),
                (
                    m::joined_on,
                    m::confirmed_on,
                    m::arrived_on,
                    m::left_on,
                    m::leave_reason,
                ),
                (m::ethnicity, m::education, m::occupation),
            ))
            .load(conn)?;
        // This year's received letters of introduction: who came from where, who went where.
        // (member county, member, sender, receiver's county and id, the new record)
        type Moved = (i32, i64, i64, Option<i32>, Option<i64>, Option<i64>);
        // Only a letter of introduction moves the record: a certificate (证明信) leaves it.
        let moved: Vec<Moved> = t::table
            .filter(t::state.eq(TransferState::Received.code()))
            .filter(t::letter_kind.eq(LetterKind::Introduction.code()))
            .filter(t::closed_on.ge(first).and(t::closed_on.le(as_of)))
            .select((
                t::member_county,
                t::member_id,
                t::from_party_org_id,
                t::to_county,
                t::to_party_org_id,
                t::new_member_id,
            ))
            .load(conn)?;
        let mut paths: HashMap<Key, String> = HashMap::new();
        if !moved.is_empty() {
            let all: Vec<(i32, i64, String)> = po::table
                .select((po::county_code, po::id, po::path))
                .load(conn)?;
            paths.extend(
                all.into_iter()
                    .map(|(county, id, p)| (Key { county, id }, p)),
            );
        }
        let mut came_from: HashMap<Key, String> = HashMap::new();
        let mut went_to: HashMap<Key, String> = HashMap::new();
        for (county, member, from, to_county, to_id, new_member) in moved {
            let to = to_county.zip(to_id).map(|(county, id)| Key { county, id });
            if let Some(to) = to {
                if let Some(p) = paths.get(&to) {
                    went_to.insert(Key { county, id: member }, p.clone());
                }
                if let (Some(id), Some(p)) = (new_member, paths.get(&Key { county, id: from })) {
                    came_from.insert(
                        Key {
                            county: to.county,
                            id,
                        },
                        p.clone(),
                    );
                }
            }
        }
        rows.into_iter()
            .map(
                |((path, po_name, county, id, name, sex, birth_year), dates, bg)| {
                    let (joined_on, confirmed_on, arrived_on, left_on, leave_reason) = dates;
                    let key = Key { county, id };
                    Ok(MemberRecord {
                        path,
                        key,
                        name,
                        party_org_name: po_name,
                        facts: MemberFacts {
                            sex: Sex::from_code(&sex).ok_or_else(|| corrupt("性别", &sex))?,
                            birth_year,
                            joined_on,
                            confirmed_on,
                            arrived_on,
                            left_on,
                            leave_reason: leave_reason
                                .map(|r| LeaveReason::parse(&r).map_err(|e| corrupt("减少原因", e)))
                                .transpose()?,
                            came_from: came_from.remove(&key),
                            went_to: went_to.remove(&key),
                            background: background_of(bg)?,
                        },
                    })
                },
            )
            .collect()
    }

    fn statistics_orgs(&mut self, path: &str) -> Result<Vec<OrgRecord>> {
        let (low, high) = Scope::subtree(path).path_range();
        type Row = (
            String,
            i32,
            i64,
            String,
            String,
            Option<String>,
            Option<NaiveDate>,
            Option<NaiveDate>,
        );
        let rows: Vec<Row> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((
                po::path,
                po::county_code,
                po::id,
                po::name,
                po::org_type,
                po::formation_mode,
                po::term_started,
                po::dissolved_on,
            ))
            .load(self.conn())?;
        rows.into_iter()
            .map(
                |(path, county, id, name, t, mode, term_started, dissolved_on)| {
                    Ok(OrgRecord {
                        path,
                        key: Key { county, id },
                        name,
                        facts: PartyOrgFacts {
                            org_type: PartyOrgType::parse(&t)
                                .map_err(|e| corrupt("党组织类型", e))?,
                            formation_mode: mode
                                .map(|m| {
                                    FormationMode::parse(&m).map_err(|e| corrupt("组建方式", e))
                                })
                                .transpose()?,
                            term_started,
                            dissolved_on,
                        },
                    })
                },
            )
            .collect()
    }

    /// The term rules in force on the day; a day before any was in force is the asker's
    /// mistake, not the database's.
    fn coverage_rules_on(&mut self, as_of: NaiveDate) -> Result<CoverageRules> {
        let set = self.rule_set()?;
        CoverageRules::resolve(&set, as_of).map_err(|e| {
            StoreError::invalid("统计截止日期", format!("早于换届规则施行日期（{e}）"))
        })
    }

    /// `tables` of `party_org`'s subtree (in `scope`) on `as_of`, in the order asked: the
    /// subtree's records are read once for all of them.
    pub fn statistics_tables(
        &mut self,
        scope: &Scope,
        party_org: Key,
        tables: &[Table],
        as_of: NaiveDate,
    ) -> Result<Vec<StatTable>> {
        let (path, name) = self.statistics_root(scope, party_org)?;
        let children: Vec<(i32, i64, String, String)> = po::table
            .filter(po::parent_county.eq(party_org.county))
            .filter(po::parent_id.eq(party_org.id))
            .order(po::path)
            .select((po::county_code, po::id, po::name, po::path))
            .load(self.conn())?;
        let rows = Rows {
            root: path.clone(),
            children: children.iter().map(|c| c.3.clone()).collect(),
        };
        // Per table, a count per row and column.
        let mut counts: Vec<Vec<Vec<i64>>> = tables
            .iter()
            .map(|t| vec![vec![0i64; t.columns().len()]; children.len() + 2])
            .collect();
        if tables.iter().any(|t| t.counts_members()) {
            for r in self.statistics_members(&path, as_of)? {
                let slot = rows.slot(&r.path);
                for (t, counts) in tables.iter().zip(counts.iter_mut()) {
                    for s in [0, slot] {
                        for c in t.member_cells(&r.facts, as_of, &|p| rows.inside(s, p)) {
                            counts[s][c] += 1;
                        }
                    }
                }
            }
        }
        if tables.iter().any(|t| !t.counts_members()) {
            let rules = self.coverage_rules_on(as_of)?;
            for r in self.statistics_orgs(&path)? {
                let slot = rows.slot(&r.path);
                for (t, counts) in tables.iter().zip(counts.iter_mut()) {
                    for c in t.party_org_cells(&r.facts, as_of, &rules) {
                        counts[0][c] += 1;
                        counts[slot][c] += 1;
                    }
                }
            }
        }
        Ok(tables
            .iter()
            .zip(counts)
            .map(|(table, counts)| {
                let mut counts = counts.into_iter();
                let mut out = vec![
                    StatRow {
                        party_org: None,
                        own: false,
                        counts: counts.next().unwrap_or_default(),
                    },
                    StatRow {
                        party_org: Some((party_org, name.clone())),
                        own: true,
                        counts: counts.next().unwrap_or_default(),
                    },
                ];
                out.extend(
                    children
                        .iter()
                        .zip(counts)
                        .map(|((county, id, name, _), counts)| StatRow {
                            party_org: Some((
                                Key {
                                    county: *county,
                                    id: *id,
                                },
                                name.clone(),
                            )),
                            own: false,
                            counts,
                        }),
                );
                StatTable {
                    table: *table,
                    party_org: (party_org, name.clone()),
                    as_of,
                    rows: out,
                }
            })
            .collect())
    }

    /// `table` of `party_org`'s subtree (in `scope`) on `as_of`.
    pub fn statistics_table(
        &mut self,
        scope: &Scope,
        party_org: Key,
        table: Table,
        as_of: NaiveDate,
    ) -> Result<StatTable> {
        self.statistics_tables(scope, party_org, &[table], as_of)?
            .pop()
            .ok_or_else(|| StoreError::Corrupt("统计表：没有算出".into()))
    }

    /// The records one cell of `table` counts for `party_org`'s subtree (or, with `own`,
    /// the organization alone) on `as_of`, in the order of the register.
    pub fn statistics_cell(
        &mut self,
        scope: &Scope,
        party_org: Key,
        (table, column, own): (Table, usize, bool),
        as_of: NaiveDate,
    ) -> Result<Vec<Counted>> {
        if column >= table.columns().len() {
            return Err(StoreError::invalid("统计项", "不是该表的一栏"));
        }
        let (path, _) = self.statistics_root(scope, party_org)?;
        let rows = Rows {
            root: path.clone(),
            children: Vec::new(),
        };
        let slot = usize::from(own);
        let mut out = Vec::new();
        if table.counts_members() {
            for r in self.statistics_members(&path, as_of)? {
                if rows.inside(slot, &r.path)
                    && table
                        .member_cells(&r.facts, as_of, &|p| rows.inside(slot, p))
                        .contains(&column)
                {
                    out.push((
                        r.path,
                        Counted {
                            key: r.key,
                            name: r.name,
                            detail: r.party_org_name,
                        },
                    ));
                }
            }
        } else {
            let rules = self.coverage_rules_on(as_of)?;
            for r in self.statistics_orgs(&path)? {
                if rows.inside(slot, &r.path)
                    && table
                        .party_org_cells(&r.facts, as_of, &rules)
                        .contains(&column)
                {
                    out.push((
                        r.path,
                        Counted {
                            key: r.key,
                            name: r.name,
                            detail: r.facts.org_type.label().to_owned(),
                        },
                    ));
                }
            }
        }
        out.sort_by(|a, b| (&a.0, a.1.key.id).cmp(&(&b.0, b.1.key.id)));
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }
}
