//! Party dues (党费) in the store: each member's yearly standard, the append-only ledger,
//! the monthly marking of a whole branch, and each member's months — always through the
//! scope.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::dues::{self, DuesRules, LedgerLine, MonthDues};
use liangxin_domain::kinds::DuesCategory;
use liangxin_domain::money::Fen;
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::life::party_org_in_scope;
use crate::schema::{dues_payments as dp, dues_standards as ds, members as m, party_orgs as po};
use crate::{Scope, Store};

/// The most a single ledger line may carry: anything above is a typing error.
const ABSURD_FEN: i64 = 100_000_000;

/// What a branch decides a member's standard from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesInput {
    pub category: DuesCategory,
    /// Monthly after-tax pay or pension, for salaried and retired members.
    pub base: Option<Fen>,
    /// A farmer member's amount, within the range.
    pub farmer_amount: Option<Fen>,
    /// 减免: the amount due instead and the approval (branch decision and next level).
    pub reduction: Option<(Fen, String)>,
}

/// A correcting line for one member's month: negative to take back, positive to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesCorrection {
    pub member: Key,
    pub month: Period,
    pub amount: Fen,
    /// Why (required).
    pub note: String,
}

/// One party organization's dues for a month, and the same for a whole scope.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DuesTotals {
    pub members: u32,
    /// Members without a standard for the year: nothing can be said of them.
    pub without_standard: u32,
    pub due: Fen,
    pub paid: Fen,
    pub paid_members: u32,
    pub short_members: u32,
    pub unpaid_members: u32,
}

impl DuesTotals {
    /// 交纳率: members who paid the standard among those with one, in percent rounded
    /// down; `None` when no one had a standard.
    pub fn paid_percent(&self) -> Option<u32> {
        let counted = u64::from(self.paid_members)
            + u64::from(self.short_members)
            + u64::from(self.unpaid_members);
        (counted > 0)
            .then(|| u32::try_from(u64::from(self.paid_members) * 100 / counted).unwrap_or(100))
    }

    fn add(&mut self, row: &SheetRow) {
        self.members += 1;
        self.paid += row.paid;
        self.due += row.due.unwrap_or(Fen::ZERO);
        match row.state() {
            None => self.without_standard += 1,
            Some(dues::MonthState::Paid) => self.paid_members += 1,
            Some(dues::MonthState::Short) => self.short_members += 1,
            Some(dues::MonthState::Unpaid) => self.unpaid_members += 1,
        }
    }

    fn merge(&mut self, o: &DuesTotals) {
        self.members += o.members;
        self.without_standard += o.without_standard;
        self.due += o.due;
        self.paid += o.paid;
        self.paid_members += o.paid_members;
        self.short_members += o.short_members;
        self.unpaid_members += o.unpaid_members;
    }
}

/// A party organization's line of the dues roll-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuesRollupRow {
    pub key: Key,
    pub name: String,
    pub totals: DuesTotals,
}

/// One member's line of a month: on a branch's sheet, in the roll-up and in the lists its
/// figures open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub member: Key,
    pub name: String,
    /// The party organization the member belongs to (a 党小组 where the member sits in one).
    pub party_org: Key,
    pub party_org_name: String,
    /// What is due this month (the reduced amount where one is approved); none when no
    /// standard has been set for the year.
    pub due: Option<Fen>,
    /// Paid for this month so far, all lines together.
    pub paid: Fen,
    /// A regular payment for this month is already entered.
    pub marked: bool,
    /// Still a member of the organization at the month's end (not gone out, transferred
    /// away or otherwise left during it).
    pub stayed: bool,
}

impl SheetRow {
    /// 已交, 少交 or 未交 against the standard; `None` when the year has no standard
    /// (未定标准), whatever was paid.
    pub fn state(&self) -> Option<dues::MonthState> {
        self.due.map(|d| dues::MonthState::of(d, self.paid))
    }
}

/// Which of a month's members a list holds: those in one [`dues::MonthState`], those
/// without a standard, those still members at the month's end without a regular payment
/// entered (未登记), or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MonthList {
    All,
    In(dues::MonthState),
    WithoutStandard,
    Unmarked,
}

impl MonthList {
    pub fn holds(self, row: &SheetRow) -> bool {
        match self {
            MonthList::All => true,
            MonthList::In(s) => row.state() == Some(s),
            MonthList::WithoutStandard => row.due.is_none(),
            // Someone who left during the month is owed nothing more here: a transfer
            // carries the month to the receiving branch, where the person is listed again.
            MonthList::Unmarked => !row.marked && row.stayed,
        }
    }
}

/// A scope's month of dues: every member's line by party organization and name, the
/// roll-up per party organization (most short and unpaid first) and the scope's total,
/// with the lines of each [`MonthList`] indexed so a page of any list is a slice.
#[derive(Debug, Clone, Default)]
pub struct DuesMonth {
    /// By party organization's name, then the member's name.
    pub rows: Vec<SheetRow>,
    pub total: DuesTotals,
    pub rollup: Vec<DuesRollupRow>,
    /// Positions in `rows` of each list, at its [`slot`].
    lists: [Vec<u32>; 6],
    /// Each party organization's lines: a run of `rows`.
    runs: HashMap<Key, (u32, u32)>,
}

/// The lists [`DuesMonth`] indexes.
const LISTED: [MonthList; 6] = [
    MonthList::All,
    MonthList::In(dues::MonthState::Paid),
    MonthList::In(dues::MonthState::Short),
    MonthList::In(dues::MonthState::Unpaid),
    MonthList::WithoutStandard,
    MonthList::Unmarked,
];

/// Where [`DuesMonth`] keeps `list`'s positions.
fn slot(list: MonthList) -> usize {
    match list {
        MonthList::All => 0,
        MonthList::In(dues::MonthState::Paid) => 1,
        MonthList::In(dues::MonthState::Short) => 2,
        MonthList::In(dues::MonthState::Unpaid) => 3,
        MonthList::WithoutStandard => 4,
        MonthList::Unmarked => 5,
    }
}

impl DuesMonth {
    fn from_rows(mut rows: Vec<SheetRow>) -> Self {
        rows.sort_by(|a, b| {
            (&a.party_org_name, a.party_org, &a.name, a.member).cmp(&(
                &b.party_org_name,
                b.party_org,
                &b.name,
                b.member,
            ))
        });
        let mut lists: [Vec<u32>; 6] = Default::default();
        let mut runs: HashMap<Key, (u32, u32)> = HashMap::new();
        let mut rollup: Vec<DuesRollupRow> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for list in LISTED {
                if list.holds(row) {
                    lists[slot(list)].push(i);
                }
            }
            // Sorted by organization, so each one's lines are one run.
            match rollup.last_mut() {
                Some(last) if last.key == row.party_org => {}
                _ => rollup.push(DuesRollupRow {
                    key: row.party_org,
                    name: row.party_org_name.clone(),
                    totals: DuesTotals::default(),
                }),
            }
            if let Some(last) = rollup.last_mut() {
                last.totals.add(row);
            }
            runs.entry(row.party_org).or_insert((i, i)).1 = i + 1;
        }
        let mut total = DuesTotals::default();
        for r in &rollup {
            total.merge(&r.totals);
        }
        rollup.sort_by(|a, b| {
            (b.totals.unpaid_members + b.totals.short_members)
                .cmp(&(a.totals.unpaid_members + a.totals.short_members))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.key.cmp(&b.key))
        });
        DuesMonth {
            rows,
            total,
            rollup,
            lists,
            runs,
        }
    }

    /// The positions in [`DuesMonth::rows`] of the lines `list` holds, of one party
    /// organization's own members with `party_org`: the rows behind every figure.
    pub fn list(&self, party_org: Option<Key>, list: MonthList) -> Cow<'_, [u32]> {
        match party_org {
            Some(key) => {
                let (from, to) = self.runs.get(&key).copied().unwrap_or((0, 0));
                Cow::Owned(
                    (from..to)
                        .filter(|&i| list.holds(&self.rows[i as usize]))
                        .collect(),
                )
            }
            None => Cow::Borrowed(&self.lists[slot(list)]),
        }
    }

    /// The lines at `positions` (from [`DuesMonth::list`]).
    pub fn rows_at<'a>(&'a self, positions: &'a [u32]) -> impl Iterator<Item = &'a SheetRow> {
        positions.iter().filter_map(|&i| self.rows.get(i as usize))
    }
}

/// A member row with what the dues need: (party organization, joined, left).
type MemberFacts = (i64, NaiveDate, Option<NaiveDate>);

fn member_facts(conn: &mut DbConnection, scope: &Scope, member: Key) -> Result<MemberFacts> {
    let (low, high) = scope.path_range();
    type FactsRow = (i64, NaiveDate, Option<NaiveDate>, Option<NaiveDate>, String);
    let row: Option<FactsRow> = m::table
        .inner_join(
            po::table.on(po::county_code
                .eq(m::county_code)
                .and(po::id.eq(m::party_org_id))),
        )
        .filter(m::county_code.eq(member.county))
        .filter(m::id.eq(member.id))
        .filter(po::path.ge(low).and(po::path.lt(high)))
        .select((
            m::party_org_id,
            m::joined_on,
            m::arrived_on,
            m::left_on,
            po::path,
        ))
        .first(conn)
        .optional()?;
    match row {
        // A member who transferred in owes this organization from the day received (the
        // letter states what was paid before).
        Some((po_id, joined, arrived, left, _)) if scope.member.is_none_or(|me| me == member) => {
            Ok((po_id, arrived.unwrap_or(joined), left))
        }
        _ => Err(StoreError::invalid("党员", "不存在或不在您的管理范围内")),
    }
}

fn first_of(month: Period) -> NaiveDate {
    month.first_day()
}

/// The amount due each month of `year` for a member (the reduced amount if approved).
fn due_by_year(conn: &mut DbConnection, member: Key) -> Result<BTreeMap<i32, Fen>> {
    let rows: Vec<(i32, i64, Option<i64>)> = ds::table
        .filter(ds::county_code.eq(member.county))
        .filter(ds::member_id.eq(member.id))
        .select((ds::year, ds::monthly_fen, ds::reduced_fen))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(y, monthly, reduced)| (y, Fen::new(reduced.unwrap_or(monthly))))
        .collect())
}

impl Store {
    /// Sets a member's standard for `year` from the category and base by the table in force
    /// on `today`. Fixed once a year: refused when the year already has regular payments.
    /// One transaction, audited. Returns the monthly amount due.
    pub fn set_dues_standard(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        member: Key,
        year: i32,
        input: DuesInput,
    ) -> Result<Fen> {
        let rules = DuesRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if !(2008..=today.year() + 1).contains(&year) {
            return Err(StoreError::invalid(
                "年度",
                format!("应在2008至{}之间", today.year() + 1),
            ));
        }
        let standard =
            dues::monthly_standard(input.category, input.base, input.farmer_amount, &rules)
                .map_err(|e| StoreError::invalid("党费标准", e.to_string()))?;
        if let Some((amount, approval)) = &input.reduction {
            if *amount < Fen::ZERO || *amount > standard.monthly {
                return Err(StoreError::invalid("减免后金额", "应在0与标准之间"));
            }
            if approval.trim().is_empty() {
                return Err(StoreError::invalid(
                    "减免批准",
                    "减免须写明支部决定和上级党组织批准情况",
                ));
            }
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if scope.member.is_some() {
                return Err(StoreError::invalid("党员", "不能设定本人的党费标准"));
            }
            member_facts(conn, scope, member)?;
            let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
            let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today);
            let paid: i64 = dp::table
                .filter(dp::county_code.eq(member.county))
                .filter(dp::member_id.eq(member.id))
                .filter(dp::kind.eq("regular"))
                .filter(dp::month.between(from, to))
                .count()
                .get_result(conn)?;
            if paid > 0 {
                return Err(StoreError::invalid(
                    "党费标准",
                    format!("{year}年已有缴纳记录，标准每年确定一次，不能再改"),
                ));
            }
            let before: Option<(String, Option<i64>, i64, Option<i64>)> = ds::table
                .filter(ds::county_code.eq(member.county))
                .filter(ds::member_id.eq(member.id))
                .filter(ds::year.eq(year))
                .select((ds::category, ds::base_fen, ds::monthly_fen, ds::reduced_fen))
                .first(conn)
                .optional()?;
            diesel::delete(
                ds::table
                    .filter(ds::county_code.eq(member.county))
                    .filter(ds::member_id.eq(member.id))
                    .filter(ds::year.eq(year)),
            )
            .execute(conn)?;
            let (reduced, approval) = match &input.reduction {
                Some((a, text)) => (Some(a.fen()), Some(text.trim().to_owned())),
                None => (None, None),
            };
            diesel::insert_into(ds::table)
                .values((
                    ds::county_code.eq(member.county),
                    ds::member_id.eq(member.id),
                    ds::year.eq(year),
                    ds::category.eq(input.category.code()),
                    ds::base_fen.eq(input.base.map(Fen::fen)),
                    ds::monthly_fen.eq(standard.monthly.fen()),
                    ds::reduced_fen.eq(reduced),
                    ds::reduction_approval.eq(&approval),
                    ds::set_on.eq(today),
                    ds::set_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "set_dues_standard",
                    entity: "member",
                    county: member.county,
                    entity_id: member.id,
                    before: before.map(|b| json!({ "category": b.0, "base_fen": b.1, "monthly_fen": b.2, "reduced_fen": b.3 })),
                    after: Some(json!({
                        "year": year,
                        "category": input.category.code(),
                        "base_fen": input.base.map(Fen::fen),
                        "monthly_fen": standard.monthly.fen(),
                        "reduced_fen": reduced,
                        "rule": { "key": standard.rule.key, "version": standard.rule.version },
                    })),
                },
            )?;
            Ok(Fen::new(reduced.unwrap_or(standard.monthly.fen())))
        })
    }

    /// The month's dues of `scope`, read once: every member's line, the roll-up by party
    /// organization and the total, from the standards and the ledger (see [`DuesMonth`]).
    pub fn dues_month(&mut self, scope: &Scope, month: Period) -> Result<DuesMonth> {
        Ok(DuesMonth::from_rows(month_rows(
            self.conn(),
            MonthOf::Scope(scope),
            month,
        )?))
    }

    /// The members of a party organization of `scope` in `month`, with what is due and paid.
    pub fn dues_sheet(
        &mut self,
        scope: &Scope,
        party_org: Key,
        month: Period,
    ) -> Result<Vec<SheetRow>> {
        let conn = self.conn();
        party_org_in_scope(conn, scope, party_org)?;
        dues_sheet(conn, party_org, month)
    }

    /// Marks a month's dues for members of one party organization in one transaction:
    /// `payments` are (member, amount) for the members who paid. Refused with nothing
    /// written: a month after this one, a member not in the organization that month, a
    /// month already marked for a member (a correction is a separate line), an amount not
    /// above zero or absurdly large.
    pub fn mark_dues(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
        month: Period,
        payments: &[(Key, Fen)],
    ) -> Result<usize> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            party_org_in_scope(conn, scope, party_org)?;
            if first_of(month) > today {
                return Err(StoreError::invalid("月份", "不能晚于本月"));
            }
            let sheet = dues_sheet(conn, party_org, month)?;
            let by_member: HashMap<Key, &SheetRow> = sheet.iter().map(|r| (r.member, r)).collect();
            let mut seen = std::collections::HashSet::new();
            for (member, amount) in payments {
                let Some(row) = by_member.get(member) else {
                    return Err(StoreError::invalid("党员", "有人员不是该党组织当月的党员"));
                };
                if !seen.insert(*member) {
                    return Err(StoreError::invalid(
                        "党员",
                        format!("{}登记了两次", row.name),
                    ));
                }
                if row.marked {
                    return Err(StoreError::invalid(
                        "金额",
                        format!(
                            "{}的{}党费已登记，如有差错请登记更正",
                            row.name,
                            month.label_zh()
                        ),
                    ));
                }
                if amount.fen() <= 0 {
                    return Err(StoreError::invalid(
                        "金额",
                        format!("{}的金额应大于0", row.name),
                    ));
                }
                if amount.fen() > ABSURD_FEN {
                    return Err(StoreError::invalid(
                        "金额",
                        format!("{}的金额过大，请核对", row.name),
                    ));
                }
            }
            let n = i64::try_from(payments.len()).unwrap_or(i64::MAX);
            let first_id = crate::registry::allocate(conn, "dues_payments", n)?;
            for (i, (member, amount)) in payments.iter().enumerate() {
                diesel::insert_into(dp::table)
                    .values((
                        dp::county_code.eq(member.county),
                        dp::id.eq(first_id + i as i64),
                        dp::member_id.eq(member.id),
                        dp::month.eq(first_of(month)),
                        dp::amount_fen.eq(amount.fen()),
                        dp::kind.eq("regular"),
                        dp::paid_on.eq(today),
                        dp::entered_by.eq(actor),
                    ))
                    .execute(conn)?;
            }
            let paid: Vec<Key> = payments.iter().map(|(k, _)| *k).collect();
            crate::activity::refresh(conn, &paid)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "mark_dues",
                    entity: "party_org",
                    county: party_org.county,
                    entity_id: party_org.id,
                    before: None,
                    after: Some(json!({
                        "month": month.to_string(),
                        "payments": payments.iter().map(|(k, a)| json!({ "member": { "county": k.county, "id": k.id }, "fen": a.fen() })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(payments.len())
        })
    }

    /// Adds a correcting line to a member's month (negative to take back, positive to add),
    /// with the reason. The ledger is never changed in place.
    pub fn correct_dues(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        correction: &DuesCorrection,
    ) -> Result<()> {
        let DuesCorrection {
            member,
            month,
            amount,
            ref note,
        } = *correction;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if scope.member.is_some() {
                return Err(StoreError::invalid("党员", "不能更正本人的党费"));
            }
            member_facts(conn, scope, member)?;
            if note.trim().is_empty() {
                return Err(StoreError::invalid("更正说明", "必填"));
            }
            if amount.fen() == 0 || amount.fen().abs() > ABSURD_FEN {
                return Err(StoreError::invalid("金额", "不能为0，也不能过大"));
            }
            if first_of(month) > today {
                return Err(StoreError::invalid("月份", "不能晚于本月"));
            }
            // (SUM of a BIGINT is NUMERIC on PostgreSQL: summed here instead.)
            let paid: i64 = dp::table
                .filter(dp::county_code.eq(member.county))
                .filter(dp::member_id.eq(member.id))
                .filter(dp::month.eq(first_of(month)))
                .select(dp::amount_fen)
                .load::<i64>(conn)?
                .into_iter()
                .sum();
            if paid + amount.fen() < 0 {
                return Err(StoreError::invalid("金额", "更正后该月金额不能为负"));
            }
            let id = crate::registry::allocate(conn, "dues_payments", 1)?;
            diesel::insert_into(dp::table)
                .values((
                    dp::county_code.eq(member.county),
                    dp::id.eq(id),
                    dp::member_id.eq(member.id),
                    dp::month.eq(first_of(month)),
                    dp::amount_fen.eq(amount.fen()),
                    dp::kind.eq("correction"),
                    dp::paid_on.eq(today),
                    dp::note.eq(note.trim()),
                    dp::entered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::activity::refresh(conn, &[member])?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "correct_dues",
                    entity: "member",
                    county: member.county,
                    entity_id: member.id,
                    before: None,
                    after: Some(
                        json!({ "month": month.to_string(), "fen": amount.fen(), "note": note.trim() }),
                    ),
                },
            )
        })
    }

    /// A member's months from `from` (or admission) to `to` with 党费交至年月.
    pub fn member_dues(
        &mut self,
        scope: &Scope,
        member: Key,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(Vec<MonthDues>, Option<Period>)> {
        let conn = self.conn();
        let (_, joined, left) = member_facts(conn, scope, member)?;
        let standards = due_by_year(conn, member)?;
        let to = left.map_or(to, |l| l.min(to));
        let lines: Vec<(NaiveDate, i64)> = dp::table
            .filter(dp::county_code.eq(member.county))
            .filter(dp::member_id.eq(member.id))
            .select((dp::month, dp::amount_fen))
            .load(conn)?;
        let ledger: Vec<LedgerLine> = lines
            .into_iter()
            .map(|(d, f)| LedgerLine {
                month: Period::containing_month(d),
                amount: Fen::new(f),
            })
            .collect();
        let months = dues::months(joined, from, to, &standards, &ledger);
        // 交至 counts from admission, not from the window asked for.
        let all = dues::months(joined, joined, to, &standards, &ledger);
        Ok((months, dues::paid_through(&all)))
    }
}

fn dues_sheet(conn: &mut DbConnection, party_org: Key, month: Period) -> Result<Vec<SheetRow>> {
    month_rows(conn, MonthOf::PartyOrg(party_org), month)
}

/// Whose month [`month_rows`] reads.
#[derive(Clone, Copy)]
pub(crate) enum MonthOf<'a> {
    /// Every member of the scope's subtree.
    Scope(&'a Scope),
    /// One party organization's own members (not its 党小组's).
    PartyOrg(Key),
}

/// The members of `month` (admitted or received by its end, not gone before it began) with
/// their standard, what the month's lines sum to and whether a regular payment is entered:
/// the one reading behind the sheet, the roll-up, the lists and the 待办.
pub(crate) fn month_rows(
    conn: &mut DbConnection,
    of: MonthOf,
    month: Period,
) -> Result<Vec<SheetRow>> {
    let (start, end) = (month.first_day(), month.last_day());
    let mut mq = m::table
        .inner_join(
            po::table.on(po::county_code
                .eq(m::county_code)
                .and(po::id.eq(m::party_org_id))),
        )
        .filter(m::joined_on.le(end))
        .filter(m::arrived_on.is_null().or(m::arrived_on.le(end)))
        .filter(m::left_on.is_null().or(m::left_on.gt(start)))
        .order((m::county_code, m::party_org_id, m::name, m::id))
        .select((
            m::county_code,
            m::id,
            m::name,
            m::party_org_id,
            po::name,
            m::left_on,
        ))
        .into_boxed();
    let mut sq = ds::table
        .filter(ds::year.eq(month.year_number()))
        .select((
            ds::county_code,
            ds::member_id,
            ds::monthly_fen,
            ds::reduced_fen,
        ))
        .into_boxed();
    // The month's lines (a correction is a line of its own), summed per member here.
    let mut pq = dp::table
        .filter(dp::month.eq(start))
        .select((dp::county_code, dp::member_id, dp::amount_fen, dp::kind))
        .into_boxed();
    match of {
        // A member's own months are read on the member's page, never through a scope.
        MonthOf::Scope(scope) if scope.member.is_some() => return Ok(Vec::new()),
        MonthOf::Scope(scope) => {
            let (low, high) = scope.path_range();
            mq = mq.filter(po::path.ge(low).and(po::path.lt(high)));
            if let Some((lo, hi)) = scope.county_range() {
                sq = sq.filter(ds::county_code.between(lo, hi));
                pq = pq.filter(dp::county_code.between(lo, hi));
            }
            // A subtree without a region (a zone's, a secretary's) reads its own members'.
            if let Some(c) =
                scope.members_condition("dues_standards.county_code", "dues_standards.member_id")
            {
                sq = sq.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&c));
            }
            if let Some(c) =
                scope.members_condition("dues_payments.county_code", "dues_payments.member_id")
            {
                pq = pq.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(&c));
            }
        }
        MonthOf::PartyOrg(key) => {
            mq = mq
                .filter(m::county_code.eq(key.county))
                .filter(m::party_org_id.eq(key.id));
        }
    }
    let members: Vec<(i32, i64, String, i64, String, Option<NaiveDate>)> = mq.load(conn)?;
    if let MonthOf::PartyOrg(key) = of {
        // One organization's members by id, not its whole county's month.
        let ids: Vec<i64> = members.iter().map(|r| r.1).collect();
        sq = sq
            .filter(ds::county_code.eq(key.county))
            .filter(ds::member_id.eq_any(ids.clone()));
        pq = pq
            .filter(dp::county_code.eq(key.county))
            .filter(dp::member_id.eq_any(ids));
    }
    let due: HashMap<Key, Fen> = sq
        .load::<(i32, i64, i64, Option<i64>)>(conn)?
        .into_iter()
        .map(|(county, id, monthly, reduced)| {
            (Key { county, id }, Fen::new(reduced.unwrap_or(monthly)))
        })
        .collect();
    let mut paid: HashMap<Key, (Fen, bool)> = HashMap::new();
    for (county, id, amount, kind) in pq.load::<(i32, i64, i64, String)>(conn)? {
        let e = paid.entry(Key { county, id }).or_insert((Fen::ZERO, false));
        e.0 += Fen::new(amount);
        e.1 |= kind == "regular";
    }
    Ok(members
        .into_iter()
        .map(|(county, id, name, po_id, po_name, left_on)| {
            let member = Key { county, id };
            let (p, marked) = paid.get(&member).copied().unwrap_or((Fen::ZERO, false));
            SheetRow {
                member,
                name,
                party_org: Key { county, id: po_id },
                party_org_name: po_name,
                due: due.get(&member).copied(),
                paid: p,
                marked,
                stayed: left_on.is_none_or(|d| d > end),
            }
        })
        .collect())
}
