//! 组织关系转接 as a workflow: the sending organization issues a letter (with its validity
//! and 党费交至年月), the receiving organization confirms or returns it, the sender may cancel
//! it, and for a receiver outside the system the sender records the 回执. Every step is an
//! event of the transfer (history kept) and an entry of the audit log.
//!
//! A member record is never moved or deleted. On receipt of a 组织关系介绍信 the sending
//! organization's record leaves by 转出 and the receiving organization gets a new record of
//! the same person from that day (`arrived_on`), with the archive and the member's account;
//! a 党员证明信 leaves the relationship where it is and marks the member as 流出.
//!
//! Members leave for other reasons ([`LeaveReason`]) through [`Store::leave_member`].

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::kinds::{FlowStatus, LeaveReason, LetterKind, TransferState};
use liangxin_domain::registry::Key;
use liangxin_domain::transfer::{self, OpenTransfer, TransferRules};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::registry::{MemberRow, allocate, bump_records, bump_version, member_in_scope};
use crate::schema::{
    member_archive_items as ai, member_profiles as mp, members as m, party_orgs as po,
    transfer_events as te, transfers as t, users as u,
};
use crate::{Scope, Store};

/// A party organization a sender may name as the receiver, as the search shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receiver {
    pub key: Key,
    pub name: String,
    /// The name of the organization above it, which tells two 第一党支部 apart.
    pub above: Option<String>,
}

/// Where a letter goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A party organization in this system.
    PartyOrg(Key),
    /// The name of a receiving organization outside it.
    Outside(String),
}

/// A letter to issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest {
    pub member: Key,
    pub letter_kind: LetterKind,
    pub to: Destination,
    /// Why (工作调动, 迁居, 毕业 …).
    pub reason: String,
    pub issued_on: NaiveDate,
    /// The validity in days as the issuer sets it; the rule's default when none.
    pub valid_days: Option<u32>,
}

/// A member leaving the register (党员减少) for a reason other than 转出.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaving {
    pub member: Key,
    pub reason: LeaveReason,
    pub on: NaiveDate,
    /// The basis: the branch decision, the approval.
    pub note: String,
}

/// One step taken on a transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferEvent {
    pub on: NaiveDate,
    /// `issue`, `receive`, `return`, `cancel`.
    pub action: String,
    pub actor: String,
    /// The actor as people read it (an account's name).
    pub actor_name: String,
    pub note: String,
}

impl TransferEvent {
    pub fn label(&self) -> &'static str {
        match self.action.as_str() {
            "issue" => "开具介绍信",
            "receive" => "接收（回执）",
            "return" => "退回",
            "cancel" => "撤销",
            _ => "其他",
        }
    }
}

/// A transfer as its two sides see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferView {
    pub id: i64,
    pub member: Key,
    pub member_name: String,
    pub from: Key,
    pub from_name: String,
    pub to: Option<Key>,
    /// The receiving organization's name (in this system or outside it).
    pub to_name: String,
    pub letter_kind: LetterKind,
    pub reason: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    /// 党费交至年月 as stated on the letter.
    pub dues_paid_through: Option<String>,
    pub state: TransferState,
    pub closed_on: Option<NaiveDate>,
    /// The receiving organization's record of the member, once received.
    pub new_member: Option<Key>,
    /// Whether the viewer's scope holds the sending organization.
    pub sender_side: bool,
    /// Whether the viewer's scope holds the receiving organization.
    pub receiver_side: bool,
    pub events: Vec<TransferEvent>,
}

impl TransferView {
    /// Open and past its validity on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.state.is_open() && today > self.valid_until
    }

    /// Whether the viewer may confirm receipt: the receiving side for a letter within the
    /// system, the sending side (recording the 回执) for one outside it.
    pub fn may_receive(&self) -> bool {
        self.state.is_open()
            && match self.to {
                Some(_) => self.receiver_side,
                None => self.sender_side,
            }
    }

    pub fn may_return(&self) -> bool {
        self.state.is_open() && self.to.is_some() && self.receiver_side
    }

    pub fn may_cancel(&self) -> bool {
        self.state.is_open() && self.sender_side
    }
}

type TransferRow = (
    i64,
    i32,
    i64,
    i64,
    Option<i32>,
    Option<i64>,
    Option<String>,
    String,
    String,
    NaiveDate,
    NaiveDate,
    Option<String>,
    String,
    Option<NaiveDate>,
    Option<i64>,
);

macro_rules! transfer_columns {
    () => {
        (
            t::id,
            t::member_county,
            t::member_id,
            t::from_party_org_id,
            t::to_county,
            t::to_party_org_id,
            t::to_outside,
            t::letter_kind,
            t::reason,
            t::issued_on,
            t::valid_until,
            t::dues_paid_through,
            t::state,
            t::closed_on,
            t::new_member_id,
        )
    };
}

fn bad(field: &'static str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{field}: {e}"))
}

/// Names and paths of party organizations by key.
fn party_orgs_by_key(
    conn: &mut DbConnection,
    keys: &HashSet<Key>,
) -> Result<HashMap<Key, (String, String)>> {
    let ids: Vec<i64> = keys.iter().map(|k| k.id).collect();
    let mut out = HashMap::with_capacity(ids.len());
    for slice in ids.chunks(crate::registry::IN_LIST_MAX) {
        let rows: Vec<(i32, i64, String, String)> = po::table
            .filter(po::id.eq_any(slice))
            .select((po::county_code, po::id, po::name, po::path))
            .load(conn)?;
        out.extend(
            rows.into_iter()
                .map(|(county, id, name, path)| (Key { county, id }, (name, path)))
                .filter(|(k, _)| keys.contains(k)),
        );
    }
    Ok(out)
}

/// Builds the views of `rows` as `scope` sees them (rows it may not see are dropped).
fn views(
    conn: &mut DbConnection,
    scope: &Scope,
    rows: Vec<TransferRow>,
    with_events: bool,
) -> Result<Vec<TransferView>> {
    let mut orgs: HashSet<Key> = HashSet::new();
    let mut members: HashSet<Key> = HashSet::new();
    for r in &rows {
        orgs.insert(Key {
            county: r.1,
            id: r.3,
        });
        if let (Some(c), Some(i)) = (r.4, r.5) {
            orgs.insert(Key { county: c, id: i });
        }
        members.insert(Key {
            county: r.1,
            id: r.2,
        });
    }
    let orgs = party_orgs_by_key(conn, &orgs)?;
    let member_ids: Vec<i64> = members.iter().map(|k| k.id).collect();
    let mut names: HashMap<Key, String> = HashMap::with_capacity(member_ids.len());
    for slice in member_ids.chunks(crate::registry::IN_LIST_MAX) {
        names.extend(
            m::table
                .filter(m::id.eq_any(slice))
                .select((m::county_code, m::id, m::name))
                .load::<(i32, i64, String)>(conn)?
                .into_iter()
                .map(|(county, id, n)| (Key { county, id }, n)),
        );
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (
            id,
            mc,
            mid,
            from_id,
            to_c,
            to_id,
            outside,
            kind,
            reason,
            issued,
            until,
            dues,
            state,
            closed,
            new_id,
        ) = r;
        let from = Key {
            county: mc,
            id: from_id,
        };
        let to = to_c.zip(to_id).map(|(county, id)| Key { county, id });
        let (from_name, from_path) = orgs.get(&from).cloned().unwrap_or_default();
        let (to_name, to_path) = match (to, outside) {
            (Some(k), _) => orgs.get(&k).cloned().unwrap_or_default(),
            (None, Some(name)) => (name, String::new()),
            (None, None) => return Err(bad("接收党组织", "缺失")),
        };
        let member = Key {
            county: mc,
            id: mid,
        };
        let new_member = to.zip(new_id).map(|(k, id)| Key {
            county: k.county,
            id,
        });
        let staff = scope.member.is_none();
        let sender_side = staff && scope.contains_path(&from_path);
        let receiver_side = staff && to.is_some() && scope.contains_path(&to_path);
        let own = scope
            .member
            .is_some_and(|k| k == member || Some(k) == new_member);
        if !(sender_side || receiver_side || own) {
            continue;
        }
        let events = if with_events {
            let rows = te::table
                .filter(te::transfer_id.eq(id))
                .order(te::seq)
                .select((te::on_date, te::action, te::actor, te::note))
                .load::<(NaiveDate, String, String, String)>(conn)?;
            let names = crate::accounts::actor_names(conn, rows.iter().map(|r| r.2.as_str()))?;
            rows.into_iter()
                .map(|(on, action, actor, note)| TransferEvent {
                    on,
                    action,
                    actor_name: names.get(&actor).cloned().unwrap_or_else(|| actor.clone()),
                    actor,
                    note,
                })
                .collect()
        } else {
            Vec::new()
        };
        out.push(TransferView {
            id,
            member,
            member_name: names.get(&member).cloned().unwrap_or_default(),
            from,
            from_name,
            to,
            to_name,
            letter_kind: LetterKind::parse(&kind).map_err(|e| bad("介绍信种类", e))?,
            reason,
            issued_on: issued,
            valid_until: until,
            dues_paid_through: dues,
            state: TransferState::parse(&state).map_err(|e| bad("转接状态", e))?,
            closed_on: closed,
            new_member,
            sender_side,
            receiver_side,
            events,
        });
    }
    Ok(out)
}

fn load_row(conn: &mut DbConnection, id: i64) -> Result<TransferRow> {
    t::table
        .filter(t::id.eq(id))
        .select(transfer_columns!())
        .first(conn)
        .optional()?
        .ok_or_else(|| StoreError::invalid("转接", "不存在或不在您的管理范围内"))
}

fn add_event(
    conn: &mut DbConnection,
    transfer: i64,
    on: NaiveDate,
    action: &str,
    actor: &str,
    note: &str,
) -> Result<()> {
    let seq: Option<i32> = te::table
        .filter(te::transfer_id.eq(transfer))
        .select(diesel::dsl::max(te::seq))
        .first(conn)?;
    diesel::insert_into(te::table)
        .values((
            te::transfer_id.eq(transfer),
            te::seq.eq(seq.unwrap_or(0) + 1),
            te::on_date.eq(on),
            te::action.eq(action),
            te::actor.eq(actor),
            te::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

fn required_note(field: &'static str, note: &str, reason: &'static str) -> Result<String> {
    let note = note.trim();
    if note.is_empty() {
        return Err(StoreError::invalid(field, reason));
    }
    if note.chars().count() > 500 {
        return Err(StoreError::invalid(field, "不能超过500字"));
    }
    Ok(note.to_owned())
}

fn transfer_rules(store: &mut Store, on: NaiveDate) -> Result<TransferRules> {
    TransferRules::resolve(&store.rule_set()?, on).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Issues a letter for a member of `scope`. Refused, with nothing written: a member who
    /// left or already has a letter in force, a date after `today`, a receiver that is the
    /// member's own organization or does not exist, a validity the rules do not allow.
    pub fn issue_transfer(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        req: &TransferRequest,
    ) -> Result<i64> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "党员不能为自己开具介绍信"));
        }
        let reason = required_note("转接原因", &req.reason, "请填写（如工作调动、迁居、毕业）")?;
        if req.issued_on > today {
            return Err(StoreError::invalid("开具日期", "不能晚于今天"));
        }
        let rules = transfer_rules(self, req.issued_on)?;
        let valid_until = transfer::valid_until(
            &rules,
            req.issued_on,
            matches!(req.to, Destination::PartyOrg(_)),
            req.valid_days,
        )
        .map_err(|e| StoreError::invalid("有效期", e.to_string()))?;
        // 党费交至年月 as the ledger stands (the letter states it).
        let (_, paid) = self.member_dues(scope, req.member, req.issued_on, req.issued_on)?;
        let paid = paid.map(|p| p.first_day().format("%Y-%m").to_string());
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let (member, since) = member_on_register(conn, scope, req.member)?;
            if req.issued_on < since {
                return Err(StoreError::invalid(
                    "开具日期",
                    before_register(since, member.joined_on),
                ));
            }
            let open: Option<i64> = t::table
                .filter(t::member_county.eq(req.member.county))
                .filter(t::member_id.eq(req.member.id))
                .filter(t::state.eq(TransferState::Issued.code()))
                .select(t::id)
                .first(conn)
                .optional()?;
            if let Some(n) = open {
                return Err(StoreError::invalid(
                    "党员",
                    format!("已有未办结的转接（编号{n}），请先办结或撤销"),
                ));
            }
            let (to_county, to_id, outside) = match &req.to {
                Destination::PartyOrg(k) => {
                    if k.county == member.county_code && k.id == member.party_org_id {
                        return Err(StoreError::invalid(
                            "接收党组织",
                            "不能是党员现在所在的党组织",
                        ));
                    }
                    let exists: i64 = po::table
                        .filter(po::county_code.eq(k.county))
                        .filter(po::id.eq(k.id))
                        .filter(po::dissolved_on.is_null())
                        .count()
                        .get_result(conn)?;
                    if exists == 0 {
                        return Err(StoreError::invalid("接收党组织", "已撤销或找不到"));
                    }
                    (Some(k.county), Some(k.id), None)
                }
                Destination::Outside(name) => {
                    let name = required_note("接收党组织", name, "请填写系统外接收党组织的名称")?;
                    (None, None, Some(name))
                }
            };
            let id = allocate(conn, "transfers", 1)?;
            diesel::insert_into(t::table)
                .values((
                    t::id.eq(id),
                    t::member_county.eq(req.member.county),
                    t::member_id.eq(req.member.id),
                    t::from_party_org_id.eq(member.party_org_id),
                    t::to_county.eq(to_county),
                    t::to_party_org_id.eq(to_id),
                    t::to_outside.eq(&outside),
                    t::letter_kind.eq(req.letter_kind.code()),
                    t::reason.eq(&reason),
                    t::issued_on.eq(req.issued_on),
                    t::valid_until.eq(valid_until),
                    t::dues_paid_through.eq(&paid),
                    t::state.eq(TransferState::Issued.code()),
                ))
                .execute(conn)?;
            add_event(conn, id, req.issued_on, "issue", actor, &reason)?;
            bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "issue",
                    entity: "transfer",
                    county: req.member.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "member": { "county": req.member.county, "id": req.member.id },
                        "letter_kind": req.letter_kind.code(),
                        "to": { "county": to_county, "id": to_id, "outside": outside },
                        "issued_on": req.issued_on,
                        "valid_until": valid_until,
                        "dues_paid_through": paid,
                    })),
                },
            )?;
            Ok(id)
        })
    }

    /// Confirms receipt on `on`: by the receiving side for a letter within the system, by
    /// the sending side (its 回执 come back) for one outside it. A 组织关系介绍信 ends the
    /// sending organization's record (转出) and, within the system, opens the receiving
    /// organization's record of the same person; a 党员证明信 marks the member 流出.
    /// Returns the receiving organization's record, when one was made.
    pub fn receive_transfer(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        id: i64,
        on: NaiveDate,
    ) -> Result<Option<Key>> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let view = open_view(conn, scope, id)?;
            if !view.may_receive() {
                return Err(StoreError::invalid(
                    "转接",
                    match view.to {
                        Some(_) => "只有接收党组织可以确认接收",
                        None => "只有开具党组织可以登记回执",
                    },
                ));
            }
            if on > today {
                return Err(StoreError::invalid("接收日期", "不能晚于今天"));
            }
            if on < view.issued_on {
                return Err(StoreError::invalid("接收日期", "不能早于开具日期"));
            }
            let before = member_in_scope(conn, &Scope::everything(), view.member)?;
            let mut new_member = None;
            match view.letter_kind {
                LetterKind::Introduction => {
                    diesel::update(
                        m::table
                            .filter(m::county_code.eq(view.member.county))
                            .filter(m::id.eq(view.member.id)),
                    )
                    .set((
                        m::left_on.eq(Some(on)),
                        m::leave_reason.eq(Some(LeaveReason::TransferredOut.code())),
                    ))
                    .execute(conn)?;
                    crate::floating::end_open(conn, view.member, on)?;
                    crate::posts::end_member_posts(conn, cipher, actor, view.member, on)?;
                    if let Some(to) = view.to {
                        new_member = Some(open_record(conn, cipher, &before, to, on)?);
                    }
                }
                LetterKind::Certificate => {
                    // The relationship stays: the member is away, hosted by the receiver.
                    crate::floating::open_by_letter(conn, &view, on)?;
                }
            }
            diesel::update(t::table.filter(t::id.eq(id)))
                .set((
                    t::state.eq(TransferState::Received.code()),
                    t::closed_on.eq(Some(on)),
                    t::new_member_id.eq(new_member.map(|k: Key| k.id)),
                ))
                .execute(conn)?;
            let note = if on > view.valid_until {
                "逾期接收"
            } else {
                "按期接收"
            };
            add_event(conn, id, on, "receive", actor, note)?;
            bump_version(conn)?;
            bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "receive",
                    entity: "transfer",
                    county: view.member.county,
                    entity_id: id,
                    before: Some(json!({ "state": TransferState::Issued.code() })),
                    after: Some(json!({
                        "state": TransferState::Received.code(),
                        "received_on": on,
                        "left": view.letter_kind == LetterKind::Introduction,
                        "new_member": new_member.map(|k| json!({ "county": k.county, "id": k.id })),
                    })),
                },
            )?;
            Ok(new_member)
        })
    }

    /// Returns a letter to its sender, with the reason (refusal without good reason is not
    /// allowed, so a reason is required). Only the receiving side, within the system.
    pub fn return_transfer(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let note = required_note("退回理由", note, "请填写退回理由（无正当理由不得拒收）")?;
        self.close_transfer(actor, scope, today, id, TransferState::Returned, &note)
    }

    /// Cancels a letter still in force, with the reason. Only the sending side.
    pub fn cancel_transfer(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        id: i64,
        note: &str,
    ) -> Result<()> {
        let note = required_note("撤销理由", note, "请填写撤销理由")?;
        self.close_transfer(actor, scope, today, id, TransferState::Cancelled, &note)
    }

    fn close_transfer(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        id: i64,
        state: TransferState,
        note: &str,
    ) -> Result<()> {
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let view = open_view(conn, scope, id)?;
            let (allowed, action) = match state {
                TransferState::Returned => (view.may_return(), "return"),
                _ => (view.may_cancel(), "cancel"),
            };
            if !allowed {
                return Err(StoreError::invalid(
                    "转接",
                    match state {
                        TransferState::Returned => "只有系统内的接收党组织可以退回",
                        _ => "只有开具党组织可以撤销",
                    },
                ));
            }
            diesel::update(t::table.filter(t::id.eq(id)))
                .set((t::state.eq(state.code()), t::closed_on.eq(Some(today))))
                .execute(conn)?;
            add_event(conn, id, today, action, actor, note)?;
            bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action,
                    entity: "transfer",
                    county: view.member.county,
                    entity_id: id,
                    before: Some(json!({ "state": TransferState::Issued.code() })),
                    after: Some(json!({ "state": state.code(), "note": note })),
                },
            )
        })
    }

    /// The party organizations of the system whose name contains `text` (or whose 组织编号
    /// it is), for a sender looking for the receiver: at most `limit`, an exact name first,
    /// then the shortest names. Any organization of the system, as for
    /// [`Store::receiving_party_org`]: only names, codes and the name above come back.
    pub fn receiving_candidates(&mut self, text: &str, limit: usize) -> Result<Vec<Receiver>> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Vec::new());
        }
        // Enough to rank: the names are short, and more than this many hits means the
        // sender should type more of the name.
        const READ: i64 = 500;
        let mut q = po::table
            .filter(po::dissolved_on.is_null())
            .select((
                po::county_code,
                po::id,
                po::name,
                po::parent_county,
                po::parent_id,
            ))
            .order((po::name, po::county_code, po::id))
            .limit(READ)
            .into_boxed();
        q = match Key::parse_code(text) {
            Some(k) => q
                .filter(po::county_code.eq(k.county))
                .filter(po::id.eq(k.id)),
            None => q.filter(po::name.like(crate::like_pattern(text)).escape('\\')),
        };
        type Row = (i32, i64, String, Option<i32>, Option<i64>);
        let mut rows: Vec<Row> = q.load(self.conn())?;
        rows.sort_by_key(|r| (r.2 != text, r.2.chars().count()));
        rows.truncate(limit);
        let mut found = Vec::with_capacity(rows.len());
        for (county, id, name, parent_county, parent_id) in rows {
            let above = match (parent_county, parent_id) {
                (Some(c), Some(i)) => po::table
                    .filter(po::county_code.eq(c))
                    .filter(po::id.eq(i))
                    .select(po::name)
                    .first::<String>(self.conn())
                    .optional()?,
                _ => None,
            };
            found.push(Receiver {
                key: Key { county, id },
                name,
                above,
            });
        }
        Ok(found)
    }

    /// The receiving party organization a sender names: by its 组织编号 (`330825-17`, shown
    /// on its page) or its exact full name. Any organization of the system, not only the
    /// scope's: a letter goes sideways by nature, and only the name comes back.
    pub fn receiving_party_org(&mut self, reference: &str) -> Result<(Key, String)> {
        const FIELD: &str = "接收党组织";
        let r = reference.trim();
        if r.is_empty() {
            return Err(StoreError::invalid(FIELD, "请填写组织编号或党组织全称"));
        }
        let by_code = Key::parse_code(r);
        let mut q = po::table
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id, po::name))
            .into_boxed();
        q = match by_code {
            Some(k) => q
                .filter(po::county_code.eq(k.county))
                .filter(po::id.eq(k.id)),
            None => q.filter(po::name.eq(r)),
        };
        let found: Vec<(i32, i64, String)> = q.limit(2).load(self.conn())?;
        match found.as_slice() {
            [(county, id, name)] => Ok((
                Key {
                    county: *county,
                    id: *id,
                },
                name.clone(),
            )),
            [] => Err(StoreError::invalid(
                FIELD,
                format!("找不到“{r}”（请核对组织编号或全称；系统外的请选“转往系统外”）"),
            )),
            _ => Err(StoreError::invalid(FIELD, "有同名党组织，请填写组织编号")),
        }
    }

    /// One transfer as `scope` sees it, with its history; `None` when neither side (nor the
    /// member) is in the scope.
    pub fn transfer(&mut self, scope: &Scope, id: i64) -> Result<Option<TransferView>> {
        let conn = self.conn();
        let Some(row) = t::table
            .filter(t::id.eq(id))
            .select(transfer_columns!())
            .first::<TransferRow>(conn)
            .optional()?
        else {
            return Ok(None);
        };
        Ok(views(conn, scope, vec![row], true)?.pop())
    }

    /// The transfers either side of which lies in `scope` (a member: their own), newest
    /// first; only those in `state` when given.
    pub fn transfers(
        &mut self,
        scope: &Scope,
        state: Option<TransferState>,
    ) -> Result<Vec<TransferView>> {
        let conn = self.conn();
        let (low, high) = scope.path_range();
        let mut rows: Vec<TransferRow> = Vec::new();
        if let Some(k) = scope.member {
            let mut q = t::table
                .filter(
                    (t::member_county.eq(k.county).and(t::member_id.eq(k.id)))
                        .or(t::to_county.eq(k.county).and(t::new_member_id.eq(k.id))),
                )
                .select(transfer_columns!())
                .into_boxed();
            if let Some(s) = state {
                q = q.filter(t::state.eq(s.code()));
            }
            rows.extend(q.load::<TransferRow>(conn)?);
        } else {
            // The sending side in the scope, then the receiving side.
            let mut from = t::table
                .inner_join(
                    po::table.on(po::county_code
                        .eq(t::member_county)
                        .and(po::id.eq(t::from_party_org_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select(transfer_columns!())
                .into_boxed();
            let mut to = t::table
                .inner_join(
                    po::table.on(po::county_code
                        .nullable()
                        .eq(t::to_county)
                        .and(po::id.nullable().eq(t::to_party_org_id))),
                )
                .filter(po::path.ge(&low).and(po::path.lt(&high)))
                .select(transfer_columns!())
                .into_boxed();
            if let Some(s) = state {
                from = from.filter(t::state.eq(s.code()));
                to = to.filter(t::state.eq(s.code()));
            }
            rows.extend(from.load::<TransferRow>(conn)?);
            let seen: HashSet<i64> = rows.iter().map(|r| r.0).collect();
            rows.extend(
                to.load::<TransferRow>(conn)?
                    .into_iter()
                    .filter(|r| !seen.contains(&r.0)),
            );
        }
        rows.sort_by_key(|r| (std::cmp::Reverse(r.9), std::cmp::Reverse(r.0)));
        views(conn, scope, rows, false)
    }

    /// The letters in force on `day` whose deadline the audit watches, for escalation within
    /// `scope`: only those whose escalation organization lies in the scope.
    pub fn open_transfers_for_audit(
        &mut self,
        scope: &Scope,
        day: NaiveDate,
    ) -> Result<Vec<OpenTransfer>> {
        let conn = self.conn();
        let (low, high) = scope.path_range();
        // As of the day: issued by then and not yet closed (one closed since was still open).
        // A letter is escalated to an ancestor of its sending organization (or to that
        // organization), so only letters sent from inside the scope can be the scope's.
        let rows: Vec<TransferRow> = t::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(t::member_county)
                    .and(po::id.eq(t::from_party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(t::issued_on.le(day))
            .filter(
                t::state
                    .eq(TransferState::Issued.code())
                    .or(t::closed_on.gt(day)),
            )
            .select(transfer_columns!())
            .load(conn)?;
        let all = views(conn, &Scope::everything(), rows, false)?;
        let mut paths: HashSet<Key> = HashSet::new();
        for v in &all {
            paths.insert(v.from);
            if let Some(k) = v.to {
                paths.insert(k);
            }
        }
        let orgs = party_orgs_by_key(conn, &paths)?;
        let mut out = Vec::new();
        for v in all {
            let from_path = orgs.get(&v.from).map(|o| o.1.as_str()).unwrap_or_default();
            let to_path = v.to.and_then(|k| orgs.get(&k)).map(|o| o.1.as_str());
            let path = transfer::escalation_path(from_path, to_path);
            if !scope.contains_path(&path) {
                continue;
            }
            let Some((county, id, name)) = po::table
                .filter(po::path.eq(&path))
                .select((po::county_code, po::id, po::name))
                .first::<(i32, i64, String)>(conn)
                .optional()?
            else {
                continue;
            };
            out.push(OpenTransfer {
                id: v.id,
                member_name: v.member_name,
                from_name: v.from_name,
                to_name: v.to_name,
                in_city: v.to.is_some(),
                issued_on: v.issued_on,
                valid_until: v.valid_until,
                escalate_to: Key { county, id },
                escalate_to_name: name,
            });
        }
        Ok(out)
    }

    /// Records that a member of `scope` left on `on` for `reason` (转出 goes through a
    /// transfer). The record stays, with the day and reason; the note is audited.
    pub fn leave_member(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        leaving: &Leaving,
    ) -> Result<()> {
        let Leaving {
            member,
            reason,
            on,
            ref note,
        } = *leaving;
        if scope.member.is_some() {
            return Err(StoreError::invalid("党员", "党员不能办理减少"));
        }
        if reason == LeaveReason::TransferredOut {
            return Err(StoreError::invalid(
                "减少原因",
                "转出须通过组织关系转接办理（开具介绍信、对方接收）",
            ));
        }
        let note = required_note("依据", note, "请填写依据（如支部大会决议、批复文号）")?;
        if on > today {
            return Err(StoreError::invalid("减少日期", "不能晚于今天"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let leaving = Leaving {
                member,
                reason,
                on,
                note,
            };
            leave_in(conn, cipher, actor, scope, &leaving)
        })
    }
}

/// 党员减少 inside the caller's transaction: the record kept with the day and reason, its
/// floating record and posts ended, in the audit log with its basis. The 不合格党员 case
/// that ends in 劝退 or 除名 closes the record this way too.
pub(crate) fn leave_in(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    actor: &str,
    scope: &Scope,
    leaving: &Leaving,
) -> Result<()> {
    let Leaving {
        member,
        reason,
        on,
        ref note,
    } = *leaving;
    let (before, since) = member_on_register(conn, scope, member)?;
    if on < since {
        return Err(StoreError::invalid(
            "减少日期",
            before_register(since, before.joined_on),
        ));
    }
    let open: i64 = t::table
        .filter(t::member_county.eq(member.county))
        .filter(t::member_id.eq(member.id))
        .filter(t::state.eq(TransferState::Issued.code()))
        .count()
        .get_result(conn)?;
    if open > 0 {
        return Err(StoreError::invalid(
            "党员",
            "有未办结的组织关系转接，请先撤销",
        ));
    }
    diesel::update(
        m::table
            .filter(m::county_code.eq(member.county))
            .filter(m::id.eq(member.id)),
    )
    .set((
        m::left_on.eq(Some(on)),
        m::leave_reason.eq(Some(reason.code())),
    ))
    .execute(conn)?;
    crate::floating::end_open(conn, member, on)?;
    crate::posts::end_member_posts(conn, cipher, actor, member, on)?;
    bump_version(conn)?;
    bump_records(conn)?;
    audit::append(
        conn,
        cipher,
        Entry {
            actor,
            action: "leave",
            entity: "member",
            county: member.county,
            entity_id: member.id,
            before: Some(json!({ "left_on": null })),
            after: Some(json!({ "left_on": on, "reason": reason.code(), "note": note })),
        },
    )
}

/// A member of `scope` who has not left.
pub(crate) fn member_active(conn: &mut DbConnection, scope: &Scope, key: Key) -> Result<MemberRow> {
    member_on_register(conn, scope, key).map(|(row, _)| row)
}

/// A member on the register and the day this record's time on it began: the day of arrival
/// for a record that came by transfer (its `joined_on` is the day the person joined the Party,
/// years before this organization held the record), else the day of joining. A leaving, a
/// letter or a departure dated before it would put the record off the register before it was on.
pub(crate) fn member_on_register(
    conn: &mut DbConnection,
    scope: &Scope,
    key: Key,
) -> Result<(MemberRow, NaiveDate)> {
    let row = member_in_scope(conn, scope, key)?;
    let (left, arrived): (Option<NaiveDate>, Option<NaiveDate>) = m::table
        .filter(m::county_code.eq(key.county))
        .filter(m::id.eq(key.id))
        .select((m::left_on, m::arrived_on))
        .first(conn)?;
    if left.is_some() {
        return Err(StoreError::invalid("党员", "已不在册（已转出或减少）"));
    }
    let since = arrived.unwrap_or(row.joined_on);
    Ok((row, since))
}

/// The message for a day before a record's time on the register began.
pub(crate) fn before_register(since: NaiveDate, joined_on: NaiveDate) -> &'static str {
    if since > joined_on {
        "不能早于转入本组织的日期"
    } else {
        "不能早于入党时间"
    }
}

/// A transfer still in force as `scope` sees it (inside the writing transaction).
fn open_view(conn: &mut DbConnection, scope: &Scope, id: i64) -> Result<TransferView> {
    let row = load_row(conn, id)?;
    let view = views(conn, scope, vec![row], false)?
        .pop()
        .filter(|v| v.sender_side || v.receiver_side)
        .ok_or_else(|| StoreError::invalid("转接", "不存在或不在您的管理范围内"))?;
    if !view.state.is_open() {
        return Err(StoreError::invalid(
            "转接",
            format!("{}，不能再办理", view.state.label()),
        ));
    }
    Ok(view)
}

/// The receiving organization's record of a member who arrived on `on`: the same person,
/// dates and status, the encrypted identity, the archive items, and the member's account.
fn open_record(
    conn: &mut DbConnection,
    cipher: &crate::IdCipher,
    from: &MemberRow,
    to: Key,
    on: NaiveDate,
) -> Result<Key> {
    let id = allocate(conn, "members", 1)?;
    let row = MemberRow {
        county_code: to.county,
        id,
        party_org_id: to.id,
        flow: FlowStatus::Settled.code().to_owned(),
        flow_destination: None,
        ..from.clone()
    };
    diesel::insert_into(m::table).values(&row).execute(conn)?;
    diesel::update(
        m::table
            .filter(m::county_code.eq(to.county))
            .filter(m::id.eq(id)),
    )
    .set(m::arrived_on.eq(Some(on)))
    .execute(conn)?;
    let (sealed, hash, masked, phone): (Vec<u8>, String, String, Option<String>) = mp::table
        .filter(mp::county_code.eq(from.county_code))
        .filter(mp::member_id.eq(from.id))
        .select((
            mp::resident_id_cipher,
            mp::resident_id_hash,
            mp::resident_id_masked,
            mp::phone,
        ))
        .first(conn)?;
    diesel::insert_into(mp::table)
        .values((
            mp::county_code.eq(to.county),
            mp::member_id.eq(id),
            // Sealed again for the new row: a ciphertext opens on its own row only.
            mp::resident_id_cipher.eq(cipher.encrypt(
                &cipher.decrypt(&sealed, from.county_code, from.id)?,
                to.county,
                id,
            )?),
            mp::resident_id_hash.eq(hash),
            mp::resident_id_masked.eq(masked),
            mp::phone.eq(phone),
        ))
        .execute(conn)?;
    // The archive travels with the member.
    let items: Vec<(String, NaiveDate, String)> = ai::table
        .filter(ai::county_code.eq(from.county_code))
        .filter(ai::member_id.eq(from.id))
        .select((ai::item, ai::received_on, ai::recorded_by))
        .load(conn)?;
    for (item, received_on, recorded_by) in items {
        diesel::insert_into(ai::table)
            .values((
                ai::county_code.eq(to.county),
                ai::member_id.eq(id),
                ai::item.eq(item),
                ai::received_on.eq(received_on),
                ai::recorded_by.eq(recorded_by),
            ))
            .execute(conn)?;
    }
    crate::activity::refresh(
        conn,
        &[Key {
            county: to.county,
            id,
        }],
    )?;
    diesel::update(
        u::table
            .filter(u::member_county.eq(from.county_code))
            .filter(u::member_id.eq(from.id)),
    )
    .set((u::member_county.eq(to.county), u::member_id.eq(id)))
    .execute(conn)?;
    Ok(Key {
        county: to.county,
        id,
    })
}
