//! 党员先锋指数 from the records (see [`liangxin_domain::vanguard`]): the member records a
//! branch enters (先锋岗, 责任区, 承诺践诺, 比武, 攻关, 志愿服务, 表彰, 处分), and a member's
//! year evaluated from them, the meetings attended, the dues ledger and the audit's
//! six-month findings, every point linked to its record.

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::audit::{AuditKind, Severity};
use liangxin_domain::dues::MonthState;
use liangxin_domain::kinds::{Attendance, MeetingKind};
use liangxin_domain::registry::Key;
use liangxin_domain::vanguard::{self, Evaluation, Fact, FactRef, Item, RecordKind, VanguardRules};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    audit_findings as af, meeting_attendance as ma, meetings as mt, member_records as mr,
    members as m, party_orgs as po,
};
use crate::{Scope, Store};

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
}

/// A record's row: key, kind, dates, title, evidence, entered on.
type RecordRow = (
    i32,
    i64,
    String,
    NaiveDate,
    Option<NaiveDate>,
    String,
    String,
    NaiveDate,
);

impl Store {
    /// Whether `member` is on a register of `scope` (a member's own scope: themselves).
    fn member_in_scope(&mut self, scope: &Scope, member: Key) -> Result<()> {
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
            ))
            .load(self.conn())?;
        rows.into_iter()
            .map(
                |(county, id, kind, on, until, title, evidence, entered_on)| {
                    Ok(MemberRecord {
                        key: Key { county, id },
                        kind: RecordKind::parse(&kind)
                            .ok_or_else(|| StoreError::Corrupt(format!("记录类别：{kind}")))?,
                        on,
                        until,
                        title,
                        evidence,
                        entered_on,
                    })
                },
            )
            .collect()
    }

    /// A member's 先锋指数 from `from` to `to` (a year, or a quarter), as of `to`: every
    /// fact of the span with its points.
    pub fn vanguard_index(
        &mut self,
        scope: &Scope,
        member: Key,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Evaluation> {
        self.member_in_scope(scope, member)?;
        let rules = VanguardRules::resolve(&self.rule_set()?, to)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
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
}
