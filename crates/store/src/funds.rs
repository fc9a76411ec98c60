//! 党建经费: each party organization's ledger of party-building money (a town's or park's is
//! its 党工委's), in whole fen. Receipts by source and spending by use are entered by the
//! organization or any level above; a line is never changed or deleted — an error is
//! reversed by a new line of the opposite amount naming it, once. A year's budget stands
//! beside the lines. Roll-ups sum an organization's subtree by the organizations directly
//! below it, so a county sees its towns and the city its counties. Every write moves the
//! records version, by which the pages keep what they computed.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::kinds::{FundSource, FundUse};
use liangxin_domain::money::Fen;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{fund_budgets as fb, fund_lines as fl, party_orgs as po};
use crate::{Scope, Store};

/// What a line is: a receipt by its source or a spending by its use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FundKind {
    Receipt(FundSource),
    Spending(FundUse),
}

impl FundKind {
    fn columns(self) -> (&'static str, &'static str) {
        match self {
            FundKind::Receipt(s) => ("receipt", s.code()),
            FundKind::Spending(u) => ("spending", u.code()),
        }
    }

    fn from_columns(direction: &str, category: &str) -> Result<FundKind> {
        let bad = |e: liangxin_domain::kinds::UnknownValue| StoreError::Corrupt(e.to_string());
        match direction {
            "receipt" => Ok(FundKind::Receipt(FundSource::parse(category).map_err(bad)?)),
            "spending" => Ok(FundKind::Spending(FundUse::parse(category).map_err(bad)?)),
            other => Err(StoreError::Corrupt(format!("经费收支方向：{other}"))),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FundKind::Receipt(s) => s.label(),
            FundKind::Spending(u) => u.label(),
        }
    }

    pub fn is_receipt(self) -> bool {
        matches!(self, FundKind::Receipt(_))
    }
}

/// A line as entered.
#[derive(Debug, Clone)]
pub struct NewFundLine {
    pub party_org: Key,
    pub booked_on: NaiveDate,
    pub kind: FundKind,
    /// More than zero: a receipt adds it, a spending takes it away.
    pub amount: Fen,
    /// 摘要
    pub note: String,
    /// 凭证 (voucher number, document)
    pub evidence: String,
}

/// A line of the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundLineView {
    pub key: Key,
    pub booked_on: NaiveDate,
    pub kind: FundKind,
    /// Negative on a reversal.
    pub amount: Fen,
    pub note: String,
    pub evidence: String,
    /// The line this one reverses.
    pub reverses: Option<i64>,
    /// The line that reversed this one.
    pub reversed_by: Option<i64>,
    pub entered_on: NaiveDate,
    pub entered_by: String,
}

/// Sums of a year: receipts by source and spending by use (in their `ALL` order).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FundTotals {
    pub receipts: Vec<Fen>,
    pub spending: Vec<Fen>,
    pub budget: Option<Fen>,
}

impl FundTotals {
    fn zero() -> FundTotals {
        FundTotals {
            receipts: vec![Fen::ZERO; FundSource::ALL.len()],
            spending: vec![Fen::ZERO; FundUse::ALL.len()],
            budget: None,
        }
    }

    fn add(&mut self, kind: FundKind, amount: Fen) {
        match kind {
            FundKind::Receipt(s) => {
                let i = FundSource::ALL.iter().position(|x| *x == s).unwrap_or(0);
                self.receipts[i] += amount;
            }
            FundKind::Spending(u) => {
                let i = FundUse::ALL.iter().position(|x| *x == u).unwrap_or(0);
                self.spending[i] += amount;
            }
        }
    }

    fn absorb(&mut self, other: &FundTotals) {
        for (a, b) in self.receipts.iter_mut().zip(&other.receipts) {
            *a += *b;
        }
        for (a, b) in self.spending.iter_mut().zip(&other.spending) {
            *a += *b;
        }
        self.budget = match (self.budget, other.budget) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(Fen::ZERO) + b.unwrap_or(Fen::ZERO)),
        };
    }

    pub fn received(&self) -> Fen {
        self.receipts.iter().copied().sum()
    }

    pub fn spent(&self) -> Fen {
        self.spending.iter().copied().sum()
    }
}

/// An organization's ledger of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundLedger {
    pub party_org_name: String,
    pub year: i32,
    /// What was left from the years before (结转).
    pub carried: Fen,
    pub totals: FundTotals,
    /// The year's lines, by day.
    pub lines: Vec<FundLineView>,
}

impl FundLedger {
    /// 结余 at the end of the year (or today).
    pub fn balance(&self) -> Fen {
        self.carried + self.totals.received() - self.totals.spent()
    }
}

/// A row of a roll-up: an organization directly below (its whole subtree), or the
/// organization's own ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundRow {
    pub party_org: Key,
    pub name: String,
    pub own: bool,
    pub totals: FundTotals,
}

/// An organization's subtree's money of a year: the whole, and by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundRollup {
    pub all: FundTotals,
    pub rows: Vec<FundRow>,
}

type LineRow = (
    i32,
    i64,
    NaiveDate,
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
    NaiveDate,
    String,
);

impl Store {
    /// The organization, if `scope` holds it and may keep its books (not a member nor an
    /// instructor): its path and name.
    fn fund_org(&mut self, scope: &Scope, key: Key) -> Result<(String, String)> {
        let row: Option<(String, String)> = po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id))
            .filter(po::dissolved_on.is_null())
            .select((po::path, po::name))
            .first(self.conn())
            .optional()?;
        match row {
            Some((path, name))
                if scope.contains_path(&path)
                    && scope.member.is_none()
                    && scope.instructor.is_none() =>
            {
                Ok((path, name))
            }
            _ => Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内")),
        }
    }

    /// Enters a line of `line.party_org`'s ledger.
    pub fn record_fund_line(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        line: &NewFundLine,
    ) -> Result<Key> {
        self.fund_org(scope, line.party_org)?;
        if line.amount <= Fen::ZERO {
            return Err(StoreError::invalid("金额", "应大于零"));
        }
        if line.booked_on > today {
            return Err(StoreError::invalid("日期", "不能晚于今天"));
        }
        if line.booked_on.year() < today.year() - 10 {
            return Err(StoreError::invalid("日期", "只能记近十年的账"));
        }
        let note = typed_text("摘要", &line.note, true, 200)?;
        let evidence = typed_text("凭证", &line.evidence, true, 200)?;
        let (direction, category) = line.kind.columns();
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "fund_lines", 1)?;
            let key = Key {
                county: line.party_org.county,
                id,
            };
            diesel::insert_into(fl::table)
                .values((
                    fl::county_code.eq(key.county),
                    fl::id.eq(id),
                    fl::party_org_id.eq(line.party_org.id),
                    fl::booked_on.eq(line.booked_on),
                    fl::direction.eq(direction),
                    fl::category.eq(category),
                    fl::amount_fen.eq(line.amount.fen()),
                    fl::note.eq(&note),
                    fl::evidence.eq(&evidence),
                    fl::entered_on.eq(today),
                    fl::entered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "fund_line",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": line.party_org.id,
                        "booked_on": line.booked_on,
                        "direction": direction,
                        "category": category,
                        "amount_fen": line.amount.fen(),
                        "note": note,
                        "evidence": evidence,
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// Loads lines and budgets in bulk (the demo city's year of party-building money), in
    /// one transaction and one audit entry, as [`Store::load_member_records`] loads records.
    pub fn load_fund_lines(
        &mut self,
        actor: &str,
        entered_on: NaiveDate,
        lines: &[NewFundLine],
        budgets: &[(Key, i32, Fen)],
    ) -> Result<usize> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let n = i64::try_from(lines.len()).unwrap_or(i64::MAX);
            if n == 0 && budgets.is_empty() {
                return Ok(0);
            }
            let first = crate::registry::allocate(conn, "fund_lines", n.max(1))?;
            for (chunk, start) in lines.chunks(500).zip((first..).step_by(500)) {
                let rows: Vec<_> = chunk
                    .iter()
                    .zip(start..)
                    .map(|(l, id)| {
                        let (direction, category) = l.kind.columns();
                        (
                            fl::county_code.eq(l.party_org.county),
                            fl::id.eq(id),
                            fl::party_org_id.eq(l.party_org.id),
                            fl::booked_on.eq(l.booked_on),
                            fl::direction.eq(direction),
                            fl::category.eq(category),
                            fl::amount_fen.eq(l.amount.fen()),
                            fl::note.eq(&l.note),
                            fl::evidence.eq(&l.evidence),
                            fl::entered_on.eq(entered_on),
                            fl::entered_by.eq(actor),
                        )
                    })
                    .collect();
                batch_insert!(conn, fl::table, &rows)?;
            }
            for chunk in budgets.chunks(500) {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|(k, year, amount)| {
                        (
                            fb::county_code.eq(k.county),
                            fb::party_org_id.eq(k.id),
                            fb::year.eq(*year),
                            fb::amount_fen.eq(amount.fen()),
                            fb::set_on.eq(entered_on),
                            fb::set_by.eq(actor),
                        )
                    })
                    .collect();
                batch_insert!(conn, fb::table, &rows)?;
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "load_fund_lines",
                    entity: "fund_line",
                    county: 0,
                    entity_id: first,
                    before: None,
                    after: Some(json!({ "lines": lines.len(), "budgets": budgets.len() })),
                },
            )?;
            Ok(lines.len())
        })
    }

    /// Reverses (冲销) line `key` of `party_org`'s ledger by a new line of the opposite
    /// amount, dated today, with the reason as its note. A line is reversed once; a
    /// reversal is not itself reversed (enter the line again instead).
    pub fn reverse_fund_line(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
        key: Key,
        reason: &str,
    ) -> Result<Key> {
        self.fund_org(scope, party_org)?;
        let reason = typed_text("冲销原因", reason, true, 200)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let row: Option<(String, String, i64, Option<i64>)> = fl::table
                .filter(fl::county_code.eq(key.county))
                .filter(fl::id.eq(key.id))
                .filter(fl::party_org_id.eq(party_org.id))
                .filter(fl::county_code.eq(party_org.county))
                .select((fl::direction, fl::category, fl::amount_fen, fl::reverses))
                .first(conn)
                .optional()?;
            let Some((direction, category, amount, reverses)) = row else {
                return Err(StoreError::invalid("账目", "不是本账簿的账目"));
            };
            if reverses.is_some() {
                return Err(StoreError::invalid(
                    "账目",
                    "这是一笔冲销，不能再冲销；如需恢复请重新记账",
                ));
            }
            let done: i64 = fl::table
                .filter(fl::county_code.eq(key.county))
                .filter(fl::reverses.eq(key.id))
                .count()
                .get_result(conn)?;
            if done > 0 {
                return Err(StoreError::invalid("账目", "这笔账已经冲销"));
            }
            let id = crate::registry::allocate(conn, "fund_lines", 1)?;
            diesel::insert_into(fl::table)
                .values((
                    fl::county_code.eq(key.county),
                    fl::id.eq(id),
                    fl::party_org_id.eq(party_org.id),
                    fl::booked_on.eq(today),
                    fl::direction.eq(&direction),
                    fl::category.eq(&category),
                    fl::amount_fen.eq(-amount),
                    fl::note.eq(&reason),
                    fl::evidence.eq(format!("冲销第{}号", key.id)),
                    fl::reverses.eq(key.id),
                    fl::entered_on.eq(today),
                    fl::entered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "reverse",
                    entity: "fund_line",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "reversal": id, "reason": reason })),
                },
            )?;
            Ok(Key {
                county: key.county,
                id,
            })
        })
    }

    /// Sets `party_org`'s budget of `year` (last year or this one).
    pub fn set_fund_budget(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
        year: i32,
        amount: Fen,
    ) -> Result<()> {
        self.fund_org(scope, party_org)?;
        if !(today.year() - 1..=today.year()).contains(&year) {
            return Err(StoreError::invalid("年度", "只能编制上年或本年的预算"));
        }
        if amount < Fen::ZERO {
            return Err(StoreError::invalid("预算", "不能为负数"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let before: Option<i64> = fb::table
                .filter(fb::county_code.eq(party_org.county))
                .filter(fb::party_org_id.eq(party_org.id))
                .filter(fb::year.eq(year))
                .select(fb::amount_fen)
                .first(conn)
                .optional()?;
            diesel::delete(
                fb::table
                    .filter(fb::county_code.eq(party_org.county))
                    .filter(fb::party_org_id.eq(party_org.id))
                    .filter(fb::year.eq(year)),
            )
            .execute(conn)?;
            diesel::insert_into(fb::table)
                .values((
                    fb::county_code.eq(party_org.county),
                    fb::party_org_id.eq(party_org.id),
                    fb::year.eq(year),
                    fb::amount_fen.eq(amount.fen()),
                    fb::set_on.eq(today),
                    fb::set_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "budget",
                    entity: "fund_budget",
                    county: party_org.county,
                    entity_id: party_org.id,
                    before: before.map(|b| json!({ "year": year, "amount_fen": b })),
                    after: Some(json!({ "year": year, "amount_fen": amount.fen() })),
                },
            )
        })
    }

    /// `party_org`'s own ledger of `year`: what was carried from before, the year's lines
    /// and their sums, and its budget.
    pub fn fund_ledger(&mut self, scope: &Scope, party_org: Key, year: i32) -> Result<FundLedger> {
        let (_, name) = self.fund_org(scope, party_org)?;
        let from = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| StoreError::invalid("年度", "无效"))?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| StoreError::invalid("年度", "无效"))?;
        let earlier: Vec<(String, i64)> = fl::table
            .filter(fl::county_code.eq(party_org.county))
            .filter(fl::party_org_id.eq(party_org.id))
            .filter(fl::booked_on.lt(from))
            .select((fl::direction, fl::amount_fen))
            .load(self.conn())?;
        let carried = earlier
            .iter()
            .map(|(d, a)| Fen::new(if d == "receipt" { *a } else { -*a }))
            .sum();
        let rows: Vec<LineRow> = fl::table
            .filter(fl::county_code.eq(party_org.county))
            .filter(fl::party_org_id.eq(party_org.id))
            .filter(fl::booked_on.between(from, to))
            .order((fl::booked_on, fl::id))
            .select((
                fl::county_code,
                fl::id,
                fl::booked_on,
                fl::direction,
                fl::category,
                fl::amount_fen,
                fl::note,
                fl::evidence,
                fl::reverses,
                fl::entered_on,
                fl::entered_by,
            ))
            .load(self.conn())?;
        let reversed: HashMap<i64, i64> = rows
            .iter()
            .filter_map(|r| r.8.map(|of| (of, r.1)))
            .collect();
        // A reversal of an earlier year's line, booked this year: named there too.
        let mut lines = Vec::with_capacity(rows.len());
        let mut totals = FundTotals::zero();
        for (
            county,
            id,
            booked_on,
            direction,
            category,
            amount,
            note,
            evidence,
            reverses,
            entered_on,
            entered_by,
        ) in rows
        {
            let kind = FundKind::from_columns(&direction, &category)?;
            totals.add(kind, Fen::new(amount));
            lines.push(FundLineView {
                key: Key { county, id },
                booked_on,
                kind,
                amount: Fen::new(amount),
                note,
                evidence,
                reverses,
                reversed_by: reversed.get(&id).copied(),
                entered_on,
                entered_by,
            });
        }
        // A line reversed in a later year.
        let ids: Vec<i64> = lines
            .iter()
            .filter(|l| l.reversed_by.is_none() && l.reverses.is_none())
            .map(|l| l.key.id)
            .collect();
        for chunk in ids.chunks(crate::registry::IN_LIST_MAX) {
            let later: Vec<(i64, Option<i64>)> = fl::table
                .filter(fl::county_code.eq(party_org.county))
                .filter(fl::reverses.eq_any(chunk))
                .select((fl::id, fl::reverses))
                .load(self.conn())?;
            for (id, of) in later {
                if let Some(l) = lines.iter_mut().find(|l| Some(l.key.id) == of) {
                    l.reversed_by = Some(id);
                }
            }
        }
        totals.budget = fb::table
            .filter(fb::county_code.eq(party_org.county))
            .filter(fb::party_org_id.eq(party_org.id))
            .filter(fb::year.eq(year))
            .select(fb::amount_fen)
            .first::<i64>(self.conn())
            .optional()?
            .map(Fen::new);
        Ok(FundLedger {
            party_org_name: name,
            year,
            carried,
            totals,
            lines,
        })
    }

    /// `party_org`'s subtree's money of `year`: its own ledger's sums and each
    /// organization directly below it with its whole subtree, those with no line and no
    /// budget left out.
    pub fn fund_rollup(&mut self, scope: &Scope, party_org: Key, year: i32) -> Result<FundRollup> {
        let (path, name) = self.fund_org(scope, party_org)?;
        let sub = Scope::subtree(path.clone());
        let (low, high) = sub.path_range();
        let from = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| StoreError::invalid("年度", "无效"))?;
        let to = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| StoreError::invalid("年度", "无效"))?;
        // The year's lines of the subtree (a city's run to tens of thousands), each added
        // to the row of the organization directly below the root that holds it.
        let sums: Vec<(i32, i64, String, String, i64)> = fl::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(fl::county_code)
                    .and(po::id.eq(fl::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(fl::booked_on.between(from, to))
            .select((
                fl::county_code,
                fl::party_org_id,
                fl::direction,
                fl::category,
                fl::amount_fen,
            ))
            .load(self.conn())?;
        let budgets: Vec<(i32, i64, i64)> = fb::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(fb::county_code)
                    .and(po::id.eq(fb::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(fb::year.eq(year))
            .select((fb::county_code, fb::party_org_id, fb::amount_fen))
            .load(self.conn())?;
        let tree: Vec<(i32, i64, String, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((po::county_code, po::id, po::path, po::name))
            .load(self.conn())?;
        let depth = path.split('/').filter(|s| !s.is_empty()).count();
        // The organization directly below the root on a path; none for the root's own.
        let child_of = |p: &str| -> Option<i64> {
            p.split('/')
                .filter(|s| !s.is_empty())
                .nth(depth)
                .and_then(|s| s.parse().ok())
        };
        let row_of: HashMap<Key, Option<i64>> = tree
            .iter()
            .map(|(county, id, p, _)| {
                (
                    Key {
                        county: *county,
                        id: *id,
                    },
                    child_of(p),
                )
            })
            .collect();
        let mut by: HashMap<Option<i64>, FundTotals> = HashMap::new();
        for (county, id, direction, category, amount) in &sums {
            let kind = FundKind::from_columns(direction, category)?;
            let row = row_of
                .get(&Key {
                    county: *county,
                    id: *id,
                })
                .copied()
                .flatten();
            by.entry(row)
                .or_insert_with(FundTotals::zero)
                .add(kind, Fen::new(*amount));
        }
        for (county, id, amount) in &budgets {
            let row = row_of
                .get(&Key {
                    county: *county,
                    id: *id,
                })
                .copied()
                .flatten();
            let t = by.entry(row).or_insert_with(FundTotals::zero);
            t.budget = Some(t.budget.unwrap_or(Fen::ZERO) + Fen::new(*amount));
        }
        let children: Vec<(i32, i64, String)> = tree
            .into_iter()
            .filter(|(_, id, p, _)| *p != path && child_of(p) == Some(*id))
            .map(|(county, id, _, name)| (county, id, name))
            .collect();
        let mut all = FundTotals::zero();
        for t in by.values() {
            all.absorb(t);
        }
        let mut rows = Vec::new();
        if let Some(t) = by.remove(&None) {
            rows.push(FundRow {
                party_org,
                name,
                own: true,
                totals: t,
            });
        }
        let mut below: Vec<FundRow> = children
            .into_iter()
            .filter_map(|(county, id, name)| {
                by.remove(&Some(id)).map(|totals| FundRow {
                    party_org: Key { county, id },
                    name,
                    own: false,
                    totals,
                })
            })
            .collect();
        below.sort_by_key(|r| r.party_org);
        rows.extend(below);
        Ok(FundRollup { all, rows })
    }
}
