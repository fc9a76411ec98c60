//! 党员先锋指数 from the records (see [`liangxin_domain::vanguard`]): the member records a
//! branch enters (先锋岗, 责任区, 承诺践诺, 比武, 攻关, 志愿服务, 表彰, 处分), and a member's
//! year evaluated from them, the meetings attended, the dues ledger and the audit's
//! six-month findings, every point linked to its record.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::audit::{AuditKind, Severity};
use liangxin_domain::dues::MonthState;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::registry::Key;
use liangxin_domain::vanguard::{
    self, Band, BandCounts, Evaluation, Fact, FactRef, Item, RecordKind, Span, VanguardRules,
};
use std::collections::HashMap;
use std::sync::Arc;

use liangxin_domain::period::Period;
use liangxin_domain::rules::RuleRef;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::day::Day;
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    audit_findings as af, meeting_attendance as ma, meetings as mt, member_records as mr,
    members as m, party_orgs as po,
};
use crate::{Scope, Store};

/// One member's 先锋指数 as the distribution counts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberScore {
    pub member: Key,
    /// Their party organization's path.
    pub path: String,
    /// The facts of each item, in [`Item::ALL`]'s order.
    pub counts: [i64; Item::ALL.len()],
    pub total: i64,
    pub band: Band,
}

/// The 先锋指数 of a party organization's members by band, and of each organization directly
/// under it: what a branch and the levels above see, with no member named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VanguardDistribution {
    /// Every member on the register of the organization's subtree at the span's end.
    pub all: BandCounts,
    /// The organization's own members (not its children's), when it has any.
    pub own: BandCounts,
    /// Each organization directly under it (key, name), with its subtree's counts.
    pub children: Vec<(Key, String, BandCounts)>,
    /// The band rules in force, for the page's explanation.
    pub band_rules: [Arc<RuleRef>; 3],
}

/// A record to enter.
#[derive(Debug, Clone)]
pub struct NewMemberRecord {
    pub member: Key,
    pub kind: RecordKind,
    pub on: NaiveDate,
    /// For a duty: the day it ended, if it has.
    pub until: Option<NaiveDate>,
    pub title: String,
    pub evidence: String,
}

/// A record as the member's page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub key: Key,
    pub kind: RecordKind,
    pub on: NaiveDate,
    pub until: Option<NaiveDate>,
    pub title: String,
    pub evidence: String,
    pub entered_on: NaiveDate,
    /// Withdrawn as entered in error: the day and why. It no longer counts.
    pub withdrawn: Option<(NaiveDate, String)>,
}

/// A record's row: key, kind, dates, title, evidence, entered on, withdrawn on and why.
type RecordRow = (
    i32,
    i64,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
    String,
    NaiveDate,
    Option<NaiveDate>,
    Option<String>,
);

impl Store {
    /// Whether `member` is on a register of `scope` (a member's own scope: themselves).
    pub(crate) fn member_in_scope(&mut self, scope: &Scope, member: Key) -> Result<()> {
        let (low, high) = scope.path_range();
        let found: i64 = m::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(m::county_code.eq(member.county))
            .filter(m::id.eq(member.id))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .count()
            .get_result(self.conn())?;
        if found == 0 || scope.member.is_some_and(|me| me != member) {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        Ok(())
    }

    /// Enters a record of what a member did, by the branch or the level above, with its
    /// evidence; in the audit log like every change to a member's file.
    pub fn record_member_fact(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        r: NewMemberRecord,
    ) -> Result<Key> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "不存在或不在您的管理范围内"));
        }
        self.member_in_scope(scope, r.member)?;
        if r.on > today {
            return Err(StoreError::invalid("日期", "不能晚于今天"));
        }
        match (r.kind.is_duty(), r.until) {
            (false, Some(_)) => {
                return Err(StoreError::invalid(
                    "截止日期",
                    "只有先锋岗、责任区有截止日期",
                ));
            }
            (true, Some(u)) if u < r.on => {
                return Err(StoreError::invalid("截止日期", "不能早于开始日期"));
            }
            _ => {}
        }
        let title = typed_text("事项", &r.title, true, 100)?;
        let evidence = typed_text("佐证", &r.evidence, true, 500)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let id = crate::registry::allocate(conn, "member_records", 1)?;
            let key = Key {
                county: r.member.county,
                id,
            };
            diesel::insert_into(mr::table)
                .values((
                    mr::county_code.eq(key.county),
                    mr::id.eq(id),
                    mr::member_county.eq(r.member.county),
                    mr::member_id.eq(r.member.id),
                    mr::kind.eq(r.kind.code()),
                    mr::happened_on.eq(r.on),
                    mr::until.eq(r.until),
                    mr::title.eq(&title),
                    mr::evidence.eq(&evidence),
                    mr::entered_on.eq(today),
                    mr::entered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "member_record",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "member": { "county": r.member.county, "id": r.member.id },
                        "kind": r.kind.code(),
                        "on": r.on,
                        "until": r.until,
                        "title": title,
                        "evidence": evidence,
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// Loads records in bulk (the demo city's year of 先锋岗, 承诺践诺, 志愿服务 …), in one
    /// transaction and one audit entry, as [`Store::load_posts`] loads terms.
    pub fn load_member_records(
        &mut self,
        actor: &str,
        entered_on: NaiveDate,
        records: &[NewMemberRecord],
    ) -> Result<usize> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let n = i64::try_from(records.len()).unwrap_or(i64::MAX);
            if n == 0 {
                return Ok(0);
            }
            let first = crate::registry::allocate(conn, "member_records", n)?;
            for (chunk, start) in records.chunks(500).zip((first..).step_by(500)) {
                let rows: Vec<_> = chunk
                    .iter()
                    .zip(start..)
                    .map(|(r, id)| {
                        (
                            mr::county_code.eq(r.member.county),
                            mr::id.eq(id),
                            mr::member_county.eq(r.member.county),
                            mr::member_id.eq(r.member.id),
                            mr::kind.eq(r.kind.code()),
                            mr::happened_on.eq(r.on),
                            mr::until.eq(r.until),
                            mr::title.eq(&r.title),
                            mr::evidence.eq(&r.evidence),
                            mr::entered_on.eq(entered_on),
                            mr::entered_by.eq(actor),
                        )
                    })
                    .collect();
                batch_insert!(conn, mr::table, &rows)?;
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "load_member_records",
                    entity: "member_record",
                    county: 0,
                    entity_id: first,
                    before: None,
                    after: Some(json!({ "records": records.len() })),
                },
            )?;
            Ok(records.len())
        })
    }

    /// Withdraws a record entered in error (撤销), by the branch or above, with the reason;
    /// it stays on the member's page marked so and no longer counts. Once; audited.
    pub fn withdraw_member_record(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        record: Key,
        reason: &str,
    ) -> Result<()> {
        let not_here = || StoreError::invalid("记录", "不存在或不在您的管理范围内");
        if scope.member.is_some() {
            return Err(not_here());
        }
        let reason = typed_text("撤销理由", reason, true, 200)?;
        let cipher = &self.cipher;
        let (low, high) = scope.path_range();
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let found: Option<(String, Option<NaiveDate>)> = mr::table
                .inner_join(
                    m::table.on(m::county_code
                        .eq(mr::member_county)
                        .and(m::id.eq(mr::member_id))),
                )
                .inner_join(
                    po::table.on(po::county_code
                        .eq(m::county_code)
                        .and(po::id.eq(m::party_org_id))),
                )
                .filter(mr::county_code.eq(record.county))
                .filter(mr::id.eq(record.id))
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select((mr::title, mr::withdrawn_on))
                .first(conn)
                .optional()?;
            let Some((title, withdrawn)) = found else {
                return Err(not_here());
            };
            if withdrawn.is_some() {
                return Err(StoreError::invalid("记录", "已经撤销"));
            }
            diesel::update(
                mr::table
                    .filter(mr::county_code.eq(record.county))
                    .filter(mr::id.eq(record.id)),
            )
            .set((
                mr::withdrawn_on.eq(today),
                mr::withdrawn_by.eq(actor),
                mr::withdrawn_reason.eq(&reason),
            ))
            .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "withdraw",
                    entity: "member_record",
                    county: record.county,
                    entity_id: record.id,
                    before: Some(json!({ "title": title })),
                    after: Some(json!({ "withdrawn_on": today, "reason": reason })),
                },
            )?;
            Ok(())
        })
    }

    /// A member's records of `scope`, newest first.
    pub fn member_records(&mut self, scope: &Scope, member: Key) -> Result<Vec<MemberRecord>> {
        self.member_in_scope(scope, member)?;
        let rows: Vec<RecordRow> = mr::table
            .filter(mr::member_county.eq(member.county))
            .filter(mr::member_id.eq(member.id))
            .order((mr::happened_on.desc(), mr::id.desc()))
            .select((
                mr::county_code,
                mr::id,
                mr::kind,
                mr::happened_on,
                mr::until,
                mr::title,
                mr::evidence,
                mr::entered_on,
                mr::withdrawn_on,
                mr::withdrawn_reason,
            ))
            .load(self.conn())?;
        rows.into_iter()
            .map(
                |(county, id, kind, on, until, title, evidence, entered_on, w_on, w_why)| {
                    Ok(MemberRecord {
                        key: Key { county, id },
                        kind: RecordKind::parse(&kind)
                            .ok_or_else(|| StoreError::Corrupt(format!("记录类别：{kind}")))?,
                        on,
                        until,
                        title,
                        evidence,
                        entered_on,
                        withdrawn: w_on.map(|d| (d, w_why.unwrap_or_default())),
                    })
                },
            )
            .collect()
    }

    /// A member's 先锋指数 over `span` (a year, or a quarter with a quarter of each cap and
    /// band), counted up to `today` when the span has not ended: every fact of the span
    /// with its points.
    pub fn vanguard_index(
        &mut self,
        scope: &Scope,
        member: Key,
        span: Span,
        today: NaiveDate,
    ) -> Result<Evaluation> {
        self.member_in_scope(scope, member)?;
        let (Some(from), Some(last)) = (span.first_day(), span.last_day()) else {
            return Err(StoreError::invalid("年度", "不是有效的年度或季度"));
        };
        if from > today {
            return Err(StoreError::invalid("年度", "尚未开始"));
        }
        let to = last.min(today);
        let rules = VanguardRules::resolve(&self.rule_set()?, to)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rules = span.scheme(&rules);
        let mut facts = Vec::new();
        let attended: Vec<(i32, i64, NaiveDate, String, String)> = ma::table
            .inner_join(
                mt::table.on(mt::county_code
                    .eq(ma::county_code)
                    .and(mt::id.eq(ma::meeting_id))),
            )
            .filter(ma::member_county.eq(member.county))
            .filter(ma::member_id.eq(member.id))
            .filter(ma::attendance.eq(Attendance::Present.code()))
            .filter(mt::held_on.ge(from).and(mt::held_on.le(to)))
            .select((mt::county_code, mt::id, mt::held_on, mt::kind, mt::topic))
            .load(self.conn())?;
        for (county, id, on, kind, topic) in attended {
            let kind = MeetingKind::parse(&kind).map_or("会议", MeetingKind::label);
            facts.push(Fact {
                item: Item::Attendance,
                on,
                what: format!("{kind}：{topic}"),
                link: FactRef::Meeting { county, id },
            });
        }
        let (months, _) = self.member_dues(scope, member, from, to)?;
        for d in months {
            // A month still running is not yet owed.
            if d.month.last_day() <= to && d.state == MonthState::Paid && d.due.fen() > 0 {
                facts.push(Fact {
                    item: Item::Dues,
                    on: d.month.last_day(),
                    what: format!("{}党费已足额交纳", d.month.label_zh()),
                    link: FactRef::DuesMonth {
                        month: d.month.to_string(),
                    },
                });
            }
        }
        for r in self.member_records(scope, member)? {
            if r.withdrawn.is_some() {
                continue;
            }
            let counts = if r.kind.is_duty() {
                r.on <= to && r.until.is_none_or(|u| u >= from)
            } else {
                r.on >= from && r.on <= to
            };
            if counts {
                facts.push(Fact {
                    item: r.kind.item(),
                    on: r.on.max(from),
                    what: format!("{}：{}", r.kind.label(), r.title),
                    link: FactRef::Record {
                        county: r.key.county,
                        id: r.key.id,
                    },
                });
            }
        }
        let flagged: Vec<(i32, i64, NaiveDate, String)> = af::table
            .filter(af::subject_type.eq("member"))
            .filter(af::subject_id.eq(member.id))
            .filter(af::county_code.eq(member.county))
            .filter(af::severity.eq(Severity::Flag.code()))
            .filter(af::kind.eq_any([
                AuditKind::NoOrganizationalLife.code(),
                AuditKind::DuesUnpaid.code(),
            ]))
            .filter(af::first_found_on.ge(from).and(af::first_found_on.le(to)))
            .select((af::county_code, af::id, af::first_found_on, af::detail))
            .load(self.conn())?;
        for (county, id, on, detail) in flagged {
            facts.push(Fact {
                item: Item::SixMonth,
                on,
                what: detail,
                link: FactRef::Finding { county, id },
            });
        }
        Ok(vanguard::evaluate(facts, &rules))
    }

    /// 先锋指数 for every member of the scope on the register at `to` (admitted by then, not
    /// gone): their facts counted per item, total and band, in bulk from the same records
    /// [`Store::vanguard_index`] lists one by one (a test holds the two equal). For the
    /// distribution; no page lists it, because there is no ranking.
    pub fn vanguard_totals(
        &mut self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<MemberScore>> {
        if scope.member.is_some() {
            return Err(StoreError::invalid(
                "范围",
                "党员本人只能查看自己的先锋指数",
            ));
        }
        let rules = VanguardRules::resolve(&self.rule_set()?, to)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let counts = fact_counts(self.conn(), scope, from, to)?;
        Ok(counts
            .into_iter()
            .map(|(member, (path, counts))| {
                let (total, band) = vanguard::score(|i| counts[item_slot(i)], &rules);
                MemberScore {
                    member,
                    path,
                    counts,
                    total,
                    band,
                }
            })
            .collect())
    }

    /// The lower bound of [`Store::vanguard_totals`] for the benchmark: the same facts of
    /// the members on the register at `to`, counted per item by one statement that hands
    /// back nothing per member. The dues months are bounded by the span and the year's
    /// standard, not by each member's day of admission. A span within one year.
    pub fn vanguard_raw_sql(
        &mut self,
        scope: &Scope,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, i64)>> {
        #[derive(diesel::QueryableByName)]
        struct ItemCount {
            #[diesel(sql_type = diesel::sql_types::Text)]
            what: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let (low, high) = scope.path_range();
        let (low, high) = (low.replace('\'', "''"), high.replace('\'', "''"));
        let duties = duty_codes();
        let month_to = Period::containing_month(to);
        let last_full = if month_to.last_day() <= to {
            month_to
        } else {
            month_to.prev()
        };
        let f = |c: &str, m: &str| scope.members_filter(c, m);
        // DIALECT: computed ISO dates, quoted (text on SQLite, DATE on PostgreSQL). The
        // register is MATERIALIZED (SQLite 3.35 on, PostgreSQL 12 on), read once, not for
        // every part of the union.
        let sql = format!(
            "WITH reg AS MATERIALIZED (SELECT m.county_code AS c, m.id AS i FROM members m \
               JOIN party_orgs po ON po.county_code = m.county_code AND po.id = m.party_org_id \
               WHERE po.path >= '{low}' AND po.path < '{high}' AND m.joined_on <= '{to}' \
                 AND (m.arrived_on IS NULL OR m.arrived_on <= '{to}') \
                 AND (m.left_on IS NULL OR m.left_on > '{to}')) \
             SELECT 'attended' AS what, COUNT(*) AS n FROM meeting_attendance ma \
               JOIN meetings mt ON mt.county_code = ma.county_code AND mt.id = ma.meeting_id \
               JOIN reg ON reg.c = ma.member_county AND reg.i = ma.member_id \
               WHERE ma.attendance = '{present}' AND mt.held_on >= '{from}' \
                 AND mt.held_on <= '{to}'{fa} \
             UNION ALL SELECT mr.kind AS what, COUNT(*) AS n FROM member_records mr \
               JOIN reg ON reg.c = mr.member_county AND reg.i = mr.member_id \
               WHERE mr.withdrawn_on IS NULL AND ((mr.kind IN ({duties}) AND mr.happened_on <= '{to}' \
                       AND (mr.until IS NULL OR mr.until >= '{from}')) \
                   OR (mr.kind NOT IN ({duties}) AND mr.happened_on >= '{from}' \
                       AND mr.happened_on <= '{to}')){fr} \
               GROUP BY mr.kind \
             UNION ALL SELECT 'six_month' AS what, COUNT(*) AS n FROM audit_findings af \
               JOIN reg ON reg.c = af.county_code AND reg.i = af.subject_id \
               WHERE af.subject_type = 'member' AND af.severity = '{flag}' \
                 AND af.kind IN ('{life}', '{unpaid}') \
                 AND af.first_found_on >= '{from}' AND af.first_found_on <= '{to}'{ff} \
             UNION ALL SELECT 'dues' AS what, COUNT(*) AS n FROM \
               (SELECT dp.county_code, dp.member_id, SUM(dp.amount_fen) AS s \
                  FROM dues_payments dp \
                  WHERE dp.month >= '{first}' AND dp.month <= '{last}'{fp} \
                  GROUP BY dp.county_code, dp.member_id, dp.month) p \
               JOIN reg ON reg.c = p.county_code AND reg.i = p.member_id \
               JOIN dues_standards ds ON ds.county_code = p.county_code \
                 AND ds.member_id = p.member_id AND ds.year = {year} \
               WHERE COALESCE(ds.reduced_fen, ds.monthly_fen) > 0 \
                 AND p.s >= COALESCE(ds.reduced_fen, ds.monthly_fen)",
            present = Attendance::Present.code(),
            flag = Severity::Flag.code(),
            life = AuditKind::NoOrganizationalLife.code(),
            unpaid = AuditKind::DuesUnpaid.code(),
            first = Period::containing_month(from).first_day(),
            last = last_full.first_day(),
            year = from.year(),
            fa = f("ma.member_county", "ma.member_id"),
            fr = f("mr.member_county", "mr.member_id"),
            ff = f("af.county_code", "af.subject_id"),
            fp = f("dp.county_code", "dp.member_id"),
        );
        Ok(diesel::sql_query(sql)
            .load::<ItemCount>(self.conn())?
            .into_iter()
            .map(|r| (r.what, r.n))
            .collect())
    }

    /// The band counts of `party_org`'s subtree (in `scope`) from `from` to `to`.
    pub fn vanguard_distribution(
        &mut self,
        scope: &Scope,
        party_org: Key,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<VanguardDistribution> {
        if scope.member.is_some() {
            return Err(StoreError::invalid(
                "范围",
                "党员本人只能查看自己的先锋指数",
            ));
        }
        let (low, high) = scope.path_range();
        let org: Option<String> = po::table
            .filter(po::county_code.eq(party_org.county))
            .filter(po::id.eq(party_org.id))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .select(po::path)
            .first(self.conn())
            .optional()?;
        let Some(path) = org else {
            return Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内"));
        };
        // The scope's own root keeps its region (its counties bound the reads); a
        // subtree below it is read through its members.
        let sub = if path == scope.party_path {
            scope.clone()
        } else {
            Scope::subtree(path.clone())
        };
        let rules = VanguardRules::resolve(&self.rule_set()?, to)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let children: Vec<(i32, i64, String, String)> = po::table
            .filter(po::parent_county.eq(party_org.county))
            .filter(po::parent_id.eq(party_org.id))
            .order(po::path)
            .select((po::county_code, po::id, po::name, po::path))
            .load(self.conn())?;
        let mut all = BandCounts::default();
        let mut own = BandCounts::default();
        let mut per: Vec<BandCounts> = vec![BandCounts::default(); children.len()];
        for MemberScore {
            path: member_path,
            band,
            ..
        } in self.vanguard_totals(&sub, from, to)?
        {
            all.add(band);
            match children
                .iter()
                .position(|c| member_path.starts_with(c.3.as_str()))
            {
                Some(i) => per[i].add(band),
                None => own.add(band),
            }
        }
        Ok(VanguardDistribution {
            all,
            own,
            children: children
                .into_iter()
                .zip(per)
                .map(|((county, id, name, _), c)| (Key { county, id }, name, c))
                .collect(),
            band_rules: rules.bands.map(|b| b.rule),
        })
    }
}

/// Where an item's count sits in a member's counts.
fn item_slot(i: Item) -> usize {
    Item::ALL.iter().position(|x| *x == i).unwrap_or(0)
}

/// A member's organization path and the number of facts of each item.
type Counts = (String, [i64; Item::ALL.len()]);

/// The record kinds held over a span, quoted for SQL.
fn duty_codes() -> String {
    RecordKind::ALL
        .iter()
        .filter(|k| k.is_duty())
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The facts of every member of `scope` on the register at `to`, counted per item in the
/// database: one grouped read per source, each bounded by the scope's counties or, for a
/// subtree without a region, by its members (`Scope::members_filter`). DIALECT: the span's
/// days (computed, never user input) are quoted ISO dates, text on SQLite and DATE on
/// PostgreSQL.
fn fact_counts(
    conn: &mut DbConnection,
    scope: &Scope,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<Key, Counts>> {
    #[derive(diesel::QueryableByName)]
    struct OnRegister {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        county_code: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        path: String,
        #[diesel(sql_type = diesel::sql_types::Date)]
        admitted: Day,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Date>)]
        left_on: Option<Day>,
    }
    #[derive(diesel::QueryableByName)]
    struct PerMember {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        county_code: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        member_id: i64,
        #[diesel(sql_type = diesel::sql_types::Text)]
        what: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct Standard {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        county_code: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        member_id: i64,
        #[diesel(sql_type = diesel::sql_types::Integer)]
        year: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        due: i64,
    }
    #[derive(diesel::QueryableByName)]
    struct MonthPaid {
        #[diesel(sql_type = diesel::sql_types::Integer)]
        county_code: i32,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        member_id: i64,
        #[diesel(sql_type = diesel::sql_types::Date)]
        month: Day,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        paid: i64,
    }
    let (low, high) = scope.path_range();
    let (low, high) = (low.replace('\'', "''"), high.replace('\'', "''"));
    let members: Vec<OnRegister> = diesel::sql_query(format!(
        "SELECT m.county_code, m.id, po.path, COALESCE(m.arrived_on, m.joined_on) AS admitted, \
                m.left_on \
         FROM members m JOIN party_orgs po \
           ON po.county_code = m.county_code AND po.id = m.party_org_id \
         WHERE po.path >= '{low}' AND po.path < '{high}' \
           AND m.joined_on <= '{to}' AND (m.arrived_on IS NULL OR m.arrived_on <= '{to}') \
           AND (m.left_on IS NULL OR m.left_on > '{to}')"
    ))
    .load(conn)?;
    let mut out: HashMap<Key, Counts> = HashMap::with_capacity(members.len());
    let mut dates: HashMap<Key, (NaiveDate, Option<NaiveDate>)> =
        HashMap::with_capacity(members.len());
    for r in members {
        let key = Key {
            county: r.county_code,
            id: r.id,
        };
        out.insert(key, (r.path, [0; Item::ALL.len()]));
        dates.insert(key, (r.admitted.into(), r.left_on.map(NaiveDate::from)));
    }
    let mut add = |rows: Vec<PerMember>, item: &dyn Fn(&str) -> Option<Item>| {
        for r in rows {
            let key = Key {
                county: r.county_code,
                id: r.member_id,
            };
            if let (Some((_, n)), Some(i)) = (out.get_mut(&key), item(&r.what)) {
                n[item_slot(i)] += r.n;
            }
        }
    };
    let f = scope.members_filter("ma.member_county", "ma.member_id");
    let attended: Vec<PerMember> = diesel::sql_query(format!(
        "SELECT ma.member_county AS county_code, ma.member_id, 'attended' AS what, \
                COUNT(*) AS n \
         FROM meeting_attendance ma JOIN meetings mt \
           ON mt.county_code = ma.county_code AND mt.id = ma.meeting_id \
         WHERE ma.attendance = '{present}' AND mt.held_on >= '{from}' \
           AND mt.held_on <= '{to}'{f} \
         GROUP BY ma.member_county, ma.member_id",
        present = Attendance::Present.code(),
    ))
    .load(conn)?;
    add(attended, &|_| Some(Item::Attendance));
    let duties = duty_codes();
    let f = scope.members_filter("mr.member_county", "mr.member_id");
    // A duty counts when held during the span; anything else when it happened in it.
    let records: Vec<PerMember> = diesel::sql_query(format!(
        "SELECT mr.member_county AS county_code, mr.member_id, mr.kind AS what, \
                COUNT(*) AS n \
         FROM member_records mr \
         WHERE mr.withdrawn_on IS NULL AND ((mr.kind IN ({duties}) AND mr.happened_on <= '{to}' \
                 AND (mr.until IS NULL OR mr.until >= '{from}')) \
             OR (mr.kind NOT IN ({duties}) AND mr.happened_on >= '{from}' \
                 AND mr.happened_on <= '{to}')){f} \
         GROUP BY mr.member_county, mr.member_id, mr.kind"
    ))
    .load(conn)?;
    add(records, &|k| RecordKind::parse(k).map(RecordKind::item));
    let f = scope.members_filter("af.county_code", "af.subject_id");
    let flagged: Vec<PerMember> = diesel::sql_query(format!(
        "SELECT af.county_code, af.subject_id AS member_id, 'six_month' AS what, \
                COUNT(*) AS n \
         FROM audit_findings af \
         WHERE af.subject_type = 'member' AND af.severity = '{flag}' \
           AND af.kind IN ('{life}', '{dues}') \
           AND af.first_found_on >= '{from}' AND af.first_found_on <= '{to}'{f} \
         GROUP BY af.county_code, af.subject_id",
        flag = Severity::Flag.code(),
        life = AuditKind::NoOrganizationalLife.code(),
        dues = AuditKind::DuesUnpaid.code(),
    ))
    .load(conn)?;
    add(flagged, &|_| Some(Item::SixMonth));
    // Dues: a month counts when it has ended by `to`, lies within the member's time here
    // and its sum is at least the standard of its year, which is more than nothing (as
    // `Store::member_dues` reads one member's ledger).
    let f = scope.members_filter("ds.county_code", "ds.member_id");
    let standards: Vec<Standard> = diesel::sql_query(format!(
        "SELECT ds.county_code, ds.member_id, ds.year, \
                COALESCE(ds.reduced_fen, ds.monthly_fen) AS due \
         FROM dues_standards ds WHERE ds.year >= {fy} AND ds.year <= {ty}{f}",
        fy = from.year(),
        ty = to.year(),
    ))
    .load(conn)?;
    let due: HashMap<(Key, i32), i64> = standards
        .into_iter()
        .map(|s| {
            (
                (
                    Key {
                        county: s.county_code,
                        id: s.member_id,
                    },
                    s.year,
                ),
                s.due,
            )
        })
        .collect();
    let f = scope.members_filter("dp.county_code", "dp.member_id");
    let paid: Vec<MonthPaid> = diesel::sql_query(format!(
        "SELECT dp.county_code, dp.member_id, dp.month, \
                CAST(SUM(dp.amount_fen) AS BIGINT) AS paid \
         FROM dues_payments dp \
         WHERE dp.month >= '{first}' AND dp.month <= '{to}'{f} \
         GROUP BY dp.county_code, dp.member_id, dp.month",
        first = Period::containing_month(from).first_day(),
    ))
    .load(conn)?;
    for p in paid {
        let key = Key {
            county: p.county_code,
            id: p.member_id,
        };
        let month = Period::containing_month(p.month.into());
        let Some((admitted, left)) = dates.get(&key).copied() else {
            continue;
        };
        let until = left.map_or(to, |l| l.min(to));
        let within = month >= Period::containing_month(from.max(admitted))
            && month <= Period::containing_month(until)
            && month.last_day() <= to;
        let owed = due.get(&(key, month.year_number())).copied().unwrap_or(0);
        if within
            && owed > 0
            && p.paid >= owed
            && let Some((_, n)) = out.get_mut(&key)
        {
            n[item_slot(Item::Dues)] += 1;
        }
    }
    Ok(out)
}
