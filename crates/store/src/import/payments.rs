//! Dues-history imports (党费缴纳记录): the months members paid before the platform, in
//! the same two phases as members. [`Store::plan_payment_import`] finds each row's member
//! by the keyed hash of the resident ID within the scope, registered that month, and
//! refuses a month already marked; [`Store::commit_payment_import`] writes the lines (a
//! block of ids) in one transaction; an undo ([`undo`]) removes them while no correction
//! was entered for their months since.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::payments::{self as rows, PAYMENT_COLUMNS, PaymentRow};
use liangxin_domain::import::{Problem, Severity};
use liangxin_domain::money::Fen;
use liangxin_domain::registry::Key;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, audit_import, die_here_in_tests, plan_common,
    problem, record_import, registry_version,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::lookups::Comparisons;
use crate::registry::{IN_LIST_MAX, allocate};
use crate::schema::{dues_payments as dp, member_profiles as mp, members as m, party_orgs as po};
use crate::uploads::{Preview, PreviewRow};
use crate::{Scope, Store};

/// A month's payment the commit writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPayment {
    pub row: usize,
    pub member: Key,
    pub name: String,
    /// The first day of the month paid for.
    pub month: NaiveDate,
    pub amount: Fen,
    pub paid_on: NaiveDate,
}

/// What a dues-history import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedPayment>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
}

plan_common!(PaymentPlan);

impl PaymentPlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        let total: i64 = self.create.iter().map(|p| p.amount.fen()).sum();
        let mut notes = notes.to_vec();
        notes.push(format!("合计{}元", Fen::new(total)));
        Preview {
            sample_columns: ["姓名", "所属月份", "缴纳金额（元）", "缴纳日期"]
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
                        p.month.format("%Y-%m").to_string(),
                        p.amount.to_string(),
                        p.paid_on.to_string(),
                    ],
                })
                .collect(),
            updates: Vec::new(),
            ..self.preview_base(format, notes, self.create.len(), 0)
        }
    }
}

/// A member record of the scope as the import finds it.
struct Record {
    key: Key,
    name: String,
    joined_on: NaiveDate,
    /// The day a transfer brought the record here (the organization's from then on).
    arrived_on: Option<NaiveDate>,
    left_on: Option<NaiveDate>,
}

impl Record {
    /// In the organization's register that month, as the dues sheet counts it.
    fn owes(&self, month: NaiveDate, end: NaiveDate) -> bool {
        self.joined_on <= end
            && self.arrived_on.is_none_or(|a| a <= end)
            && self.left_on.is_none_or(|l| l > month)
    }
}

fn last_day(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(month)
}

impl Store {
    /// Reads and matches a dues ledger, writing nothing.
    pub fn plan_payment_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<PaymentPlan> {
        let budget = Comparisons::unbounded();
        Ok(self
            .plan_payments(scope, today, header, sheet, progress, budget)?
            .0)
    }

    /// [`Store::plan_payment_import`], comparing no more IDs with the register than `budget`
    /// allows; returns the comparisons made.
    pub(crate) fn plan_payments(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
        mut budget: Comparisons,
    ) -> Result<(PaymentPlan, Comparisons)> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("导入", "您不能导入党费记录"));
        }
        let map: HeaderMap = cells::match_headers(header, PAYMENT_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let mut plan = PaymentPlan {
            registry_version: registry_version(&mut self.conn)?,
            rows_read: sheet.len(),
            create: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
        };
        let mut read: Vec<(PaymentRow, String)> = Vec::with_capacity(sheet.len());
        for (i, (row, cells)) in sheet.into_iter().enumerate() {
            if liangxin_domain::import::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (p, problems) = rows::payment_row(row, &cells, &map, today);
                plan.problems.extend(problems);
                read.extend(p.map(|p| {
                    let hash = self.cipher.lookup_hash(&p.resident_id);
                    (p, hash)
                }));
            }
            if (i + 1) % 1024 == 0 {
                progress(i + 1);
            }
        }
        progress(plan.rows_read);

        // The scope's member records of these people (one person may have left and come
        // back: a record per registration).
        let conn = &mut self.conn;
        let (low, high) = scope.path_range();
        let mut hashes: Vec<&str> = read.iter().map(|(_, h)| h.as_str()).collect();
        hashes.sort_unstable();
        hashes.dedup();
        budget.take(hashes.len())?;
        let mut records: HashMap<String, Vec<Record>> = HashMap::new();
        for slice in hashes.chunks(IN_LIST_MAX) {
            type Row = (
                String,
                i32,
                i64,
                String,
                NaiveDate,
                Option<NaiveDate>,
                Option<NaiveDate>,
            );
            let found: Vec<Row> = mp::table
                .inner_join(
                    m::table.on(m::county_code
                        .eq(mp::county_code)
                        .and(m::id.eq(mp::member_id))),
                )
                .inner_join(
                    po::table.on(po::county_code
                        .eq(m::county_code)
                        .and(po::id.eq(m::party_org_id))),
                )
                .filter(mp::resident_id_hash.eq_any(slice))
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select((
                    mp::resident_id_hash,
                    m::county_code,
                    m::id,
                    m::name,
                    m::joined_on,
                    m::arrived_on,
                    m::left_on,
                ))
                .load(conn)?;
            for (hash, county, id, name, joined_on, arrived_on, left_on) in found {
                records.entry(hash).or_default().push(Record {
                    key: Key { county, id },
                    name,
                    joined_on,
                    arrived_on,
                    left_on,
                });
            }
        }
        budget.found(records.len());
        // The months already marked for them.
        let ids: Vec<i64> = records.values().flatten().map(|r| r.key.id).collect();
        let mut marked: HashSet<(i32, i64, NaiveDate)> = HashSet::new();
        for slice in ids.chunks(IN_LIST_MAX) {
            marked.extend(
                dp::table
                    .filter(dp::member_id.eq_any(slice))
                    .filter(dp::kind.eq("regular"))
                    .select((dp::county_code, dp::member_id, dp::month))
                    .load::<(i32, i64, NaiveDate)>(conn)?,
            );
        }
        let mut seen: HashMap<(Key, NaiveDate), usize> = HashMap::new();
        for (r, hash) in read {
            let month = r.month.first_day();
            let end = last_day(month);
            let Some(record) = records
                .get(&hash)
                .and_then(|rs| rs.iter().find(|x| x.owes(month, end)))
            else {
                let why = if records.contains_key(&hash) {
                    format!("该党员{}不在您管理范围内的党组织在册", r.month.label_zh())
                } else {
                    "在您的管理范围内找不到这名党员".to_owned()
                };
                plan.problems
                    .push(problem(r.row, "公民身份号码", &r.resident_id.masked(), why));
                continue;
            };
            if let Some(written) = &r.name
                && *written != record.name
            {
                plan.problems.push(Problem {
                    row: r.row,
                    column: "姓名",
                    value: written.clone(),
                    reason: format!("与登记的姓名“{}”不同，按公民身份号码导入", record.name),
                    severity: Severity::Warning,
                });
            }
            if marked.contains(&(record.key.county, record.key.id, month)) {
                plan.problems.push(problem(
                    r.row,
                    "所属月份",
                    &r.month.label_zh(),
                    "该月党费已登记；如有差错请在党费页面登记更正",
                ));
                continue;
            }
            if let Some(first) = seen.insert((record.key, month), r.row) {
                plan.problems.push(problem(
                    r.row,
                    "所属月份",
                    &r.month.label_zh(),
                    format!("与第{first}行是同一名党员的同一个月"),
                ));
                continue;
            }
            plan.create.push(PlannedPayment {
                row: r.row,
                member: record.key,
                name: record.name.clone(),
                month,
                amount: r.amount,
                paid_on: r.paid_on.unwrap_or_else(|| end.min(today)),
            });
        }
        plan.problems.sort_by_key(|p| p.row);
        Ok((plan, budget))
    }

    /// Writes a plan without errors in one transaction: the ledger lines (a block of ids),
    /// the history and the audit. Refused, with nothing written, when the plan has errors
    /// or one of its months was marked since.
    pub fn commit_payment_import(
        &mut self,
        source: &ImportSource,
        plan: &PaymentPlan,
    ) -> Result<i64> {
        plan.check_committable()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Dues are records, not the registry: a month marked meanwhile is looked for
            // whatever the version says.
            let ids: Vec<i64> = plan.create.iter().map(|p| p.member.id).collect();
            let wanted: HashSet<(i32, i64, NaiveDate)> = plan
                .create
                .iter()
                .map(|p| (p.member.county, p.member.id, p.month))
                .collect();
            for slice in ids.chunks(IN_LIST_MAX) {
                let now: Vec<(i32, i64, NaiveDate)> = dp::table
                    .filter(dp::member_id.eq_any(slice))
                    .filter(dp::kind.eq("regular"))
                    .select((dp::county_code, dp::member_id, dp::month))
                    .load(conn)?;
                if let Some(hit) = now.iter().find(|k| wanted.contains(k)) {
                    return Err(StoreError::invalid(
                        "所属月份",
                        format!(
                            "{}年{}月的党费在预览之后已登记，未导入；请重新上传查看新的预览",
                            hit.2.year(),
                            hit.2.month()
                        ),
                    ));
                }
            }
            // The members: still registered in the scope (an undo or a transfer since would
            // leave lines for someone who is not).
            if registry_version(conn)? != plan.registry_version {
                let (low, high) = source.scope.path_range();
                let mut here: HashSet<(i32, i64)> = HashSet::new();
                for slice in ids.chunks(IN_LIST_MAX) {
                    here.extend(
                        m::table
                            .inner_join(
                                po::table.on(po::county_code
                                    .eq(m::county_code)
                                    .and(po::id.eq(m::party_org_id))),
                            )
                            .filter(m::id.eq_any(slice))
                            .filter(po::path.ge(&low).and(po::path.lt(&high)))
                            .select((m::county_code, m::id))
                            .load::<(i32, i64)>(conn)?,
                    );
                }
                if let Some(p) = plan
                    .create
                    .iter()
                    .find(|p| !here.contains(&(p.member.county, p.member.id)))
                {
                    return Err(StoreError::invalid(
                        "公民身份号码",
                        format!(
                            "{}在预览之后已不在您的管理范围内，未导入；请重新上传查看新的预览",
                            p.name
                        ),
                    ));
                }
            }
            let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "dues_payments", n)?
            } else {
                0
            };
            let lines: Vec<_> = plan
                .create
                .iter()
                .zip(first..)
                .map(|(p, id)| {
                    (
                        dp::county_code.eq(p.member.county),
                        dp::id.eq(id),
                        dp::member_id.eq(p.member.id),
                        dp::month.eq(p.month),
                        dp::amount_fen.eq(p.amount.fen()),
                        dp::kind.eq("regular"),
                        dp::paid_on.eq(p.paid_on),
                        dp::entered_by.eq(source.actor),
                    )
                })
                .collect();
            // 8 values a row: well within either database's limit on bound values.
            for chunk in lines.chunks(1_000) {
                crate::batch_insert!(conn, dp::table, chunk)?;
            }
            let paid: Vec<Key> = plan.create.iter().map(|p| p.member).collect();
            crate::activity::refresh(conn, &paid)?;
            die_here_in_tests();
            crate::registry::bump_records(conn)?;
            let outcome = Outcome {
                kind: "payments",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: 0,
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links: 0,
            };
            let id = record_import(conn, source, &outcome)?;
            audit_import(conn, cipher, source, id, "payments", &outcome)?;
            Ok(id)
        })
    }
}

/// Undoes a dues-history import (inside the undo's transaction): its ledger lines are
/// removed while no correction was entered since for any of their months.
pub(super) fn undo(conn: &mut DbConnection, block: Option<(i64, i64)>) -> Result<usize> {
    let Some((first, last)) = block else {
        return Ok(0);
    };
    let lines: Vec<(i32, i64, NaiveDate)> = dp::table
        .filter(dp::id.between(first, last))
        .filter(dp::kind.eq("regular"))
        .select((dp::county_code, dp::member_id, dp::month))
        .load(conn)?;
    let months: HashSet<(i32, i64, NaiveDate)> = lines.iter().copied().collect();
    let ids: Vec<i64> = lines.iter().map(|l| l.1).collect();
    let mut corrected = 0;
    for slice in ids.chunks(IN_LIST_MAX) {
        corrected += dp::table
            .filter(dp::member_id.eq_any(slice))
            .filter(dp::kind.eq("correction"))
            .filter(dp::id.gt(last))
            .select((dp::county_code, dp::member_id, dp::month))
            .load::<(i32, i64, NaiveDate)>(conn)?
            .into_iter()
            .filter(|k| months.contains(k))
            .count();
    }
    if corrected > 0 {
        return Err(StoreError::invalid(
            "导入",
            format!("这批党费记录已有{corrected}条更正，不能整批撤销"),
        ));
    }
    diesel::delete(dp::table.filter(dp::id.between(first, last))).execute(conn)?;
    let paid: Vec<Key> = lines
        .iter()
        .map(|&(county, id, _)| Key { county, id })
        .collect();
    crate::activity::refresh(conn, &paid)?;
    crate::registry::bump_records(conn)?;
    Ok(lines.len())
}
