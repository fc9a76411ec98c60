//! The member sheet, read and matched a block of rows at a time, so that neither phase holds
//! the file's rows: [`Store::plan_member_import`] keeps counts, the first rows of each
//! kind, every problem and a digest of each block; [`Store::commit_member_import`] reads the
//! sheet again inside its transaction, matches each block against the register as it is
//! then, writes it, and goes on only while each block's digest is the preview's. What is
//! kept whole is bounded by the register, not the file: the keyed hashes of the people the
//! sheet has named so far (to find a person named twice), and, for a sheet about as large as
//! the register, the register's hashes read through once.
//!
//! A row is read on every core (its cells checked by the domain's [`import::member_row`],
//! the resident ID hashed, and for a commit sealed) on another thread while the last block
//! is matched and written.

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::dues::{self, DuesRules};
use liangxin_domain::import::{self, MEMBER_COLUMNS, MemberFields, MemberRow, Problem, Severity};
use liangxin_domain::kinds::{DuesCategory, FlowStatus};
use liangxin_domain::money::Fen;
use liangxin_domain::registry::{Key, Member};
use sha2::{Digest, Sha256};

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, Rows, audit_import, die_here_in_tests,
    member_fields, organization_names, problem, record_import, record_updates, show_field,
    suspend_indexes,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::lookups::Comparisons;
use crate::registry::{IN_LIST_MAX, PreparedMembers, allocate};
use crate::schema::{member_profiles as mp, members as m, organizations as o, party_orgs as po};
use crate::uploads::{Preview, PreviewRow, PreviewUpdate};
use crate::{IdCipher, Scope, Store};

/// A member the commit would create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedMember {
    pub row: usize,
    pub party_org: Key,
    pub party_org_name: String,
    pub member: MemberRow,
    /// The keyed hash of the resident ID (how the register finds the person).
    pub hash: String,
    pub workplace: Option<Key>,
    /// The year's dues standard the row sets (党费类别 and 计算基数), if it carries one.
    pub dues: Option<PlannedDues>,
}

/// A new member's dues standard for the import's year, computed by the table in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlannedDues {
    pub category: DuesCategory,
    /// The base for salaried and retired members (a farmer's amount is the standard).
    pub base: Option<Fen>,
    pub monthly: Fen,
}

/// A registered member the commit would update, with what changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedUpdate {
    pub row: usize,
    pub key: Key,
    pub resident_id_masked: String,
    pub before: MemberFields,
    pub after: MemberFields,
    /// (column, before, after) as people read them.
    pub changes: Vec<(&'static str, String, String)>,
}

/// What a commit would do: how many members it creates and updates with the first of
/// each, every problem, and a digest of each block of rows to hold the commit to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    pub rows_read: usize,
    /// How many members the commit would create.
    pub created: usize,
    /// The first [`PREVIEW_SAMPLE`] of them.
    pub create_sample: Vec<PlannedMember>,
    /// How many members already in the organization the row names the file changes.
    pub updated: usize,
    /// The first [`PREVIEW_SAMPLE`] of them.
    pub update_sample: Vec<PlannedUpdate>,
    /// (row, why): rows that change nothing (the person's record already says it all) and
    /// the template's example row.
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    /// Columns of the file no one reads.
    pub ignored_columns: Vec<String>,
    /// The header the rows were read under: the commit reads them again under it.
    pub header: Vec<String>,
    /// The day of the plan: new members' dues standards are for its year.
    pub today: NaiveDate,
    /// For each block of [`PLAN_BLOCK`] rows, a digest of what the commit would write and
    /// skip for it.
    pub blocks: Vec<[u8; 32]>,
}

super::plan_common!(ImportPlan);

impl ImportPlan {
    fn new(header: &[String], map: &HeaderMap, today: NaiveDate) -> ImportPlan {
        ImportPlan {
            rows_read: 0,
            created: 0,
            create_sample: Vec::new(),
            updated: 0,
            update_sample: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
            header: header.to_vec(),
            today,
            blocks: Vec::new(),
        }
    }

    /// Counts a matched block, keeps the first rows of each kind, and returns its digest.
    fn absorb(&mut self, matched: &Matched, skipped_from: usize) -> [u8; 32] {
        let mut digest = DigestWriter(Sha256::new());
        for p in &matched.create {
            let _ = write!(
                digest,
                "C{}|{}|{:?}|{:?}|{:?}|{:?};",
                p.row, p.hash, p.party_org, p.workplace, p.dues, p.member
            );
        }
        for u in &matched.update {
            let _ = write!(
                digest,
                "U{}|{:?}|{:?}|{:?};",
                u.row, u.key, u.before, u.after
            );
        }
        for (row, _) in &self.skipped[skipped_from..] {
            let _ = write!(digest, "S{row};");
        }
        let room = PREVIEW_SAMPLE.saturating_sub(self.create_sample.len());
        self.create_sample
            .extend(matched.create.iter().take(room).cloned());
        let room = PREVIEW_SAMPLE.saturating_sub(self.update_sample.len());
        self.update_sample
            .extend(matched.update.iter().take(room).cloned());
        self.created += matched.create.len();
        self.updated += matched.update.len();
        digest.0.finalize().into()
    }

    /// The plan as a preview keeps it: counts, every problem (resident IDs masked), and
    /// the first rows that would be written. `format` and `notes` say how the file was read.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: ["姓名", "公民身份号码", "所在党组织", "党员类别", "入党时间"]
                .map(str::to_owned)
                .to_vec(),
            sample: self
                .create_sample
                .iter()
                .map(|p| PreviewRow {
                    row: p.row,
                    cells: vec![
                        p.member.name.clone(),
                        p.member.resident_id.masked(),
                        p.party_org_name.clone(),
                        p.member.status.label().to_owned(),
                        p.member.joined_on.to_string(),
                    ],
                })
                .collect(),
            updates: self
                .update_sample
                .iter()
                .map(|u| {
                    PreviewUpdate::new(
                        u.row,
                        &u.after.name,
                        u.resident_id_masked.clone(),
                        &u.changes,
                    )
                })
                .collect(),
            fingerprint: self.fingerprint(),
            ..self.preview_base(format, notes.to_vec(), self.created, self.updated)
        }
    }

    /// One digest of every block's: what a preview keeps to tell, at the commit, that the
    /// rows still come to what it showed.
    pub fn fingerprint(&self) -> String {
        let mut all = Sha256::new();
        for block in &self.blocks {
            all.update(block);
        }
        hex::encode(all.finalize())
    }
}

/// A [`Sha256`] written to with `write!`.
struct DigestWriter(Sha256);

impl std::fmt::Write for DigestWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// Rows read, matched and (in a commit) written at a time.
pub const PLAN_BLOCK: usize = 8_192;

/// A member read from a row.
struct ReadMember {
    member: MemberRow,
    hash: String,
}

/// What reading a block of rows made of them.
#[derive(Default)]
struct ReadBlock {
    rows: usize,
    /// The first and last row numbers of the block.
    span: (usize, usize),
    members: Vec<ReadMember>,
    problems: Vec<Problem>,
    examples: Vec<(usize, String)>,
}

/// Reads rows into members with the keyed hash of their IDs (the domain's checks). Their
/// IDs are sealed when they are written, for the row they get.
fn read_part(
    rows: &[(usize, Vec<String>)],
    map: &HeaderMap,
    today: NaiveDate,
    cipher: &IdCipher,
) -> ReadBlock {
    let mut out = ReadBlock {
        members: Vec::with_capacity(rows.len()),
        ..ReadBlock::default()
    };
    for (row, cells) in rows {
        if import::is_example_row(cells, map) {
            out.examples.push((*row, "模板的示例行，跳过".to_owned()));
            continue;
        }
        let (member, problems) = import::member_row(*row, cells, map, today);
        out.problems.extend(problems);
        out.members.extend(member.map(|m| ReadMember {
            hash: cipher.lookup_hash(&m.resident_id),
            member: m,
        }));
    }
    out
}

/// Reads the sheet a block of [`PLAN_BLOCK`] rows at a time on another thread (each block's
/// rows split over every core) and hands the blocks to `each` in the order of the rows,
/// while the next is read. A row the file cannot give is refused with its reason; an error
/// from `each` stops the reading.
fn read_blocks(
    rows: Rows,
    map: &HeaderMap,
    today: NaiveDate,
    cipher: &IdCipher,
    each: &mut dyn FnMut(ReadBlock) -> Result<()>,
) -> Result<()> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::thread::scope(|s| {
        let (send, blocks) = std::sync::mpsc::sync_channel(1);
        let reader = s.spawn(move || {
            loop {
                let mut block: Vec<(usize, Vec<String>)> = Vec::with_capacity(PLAN_BLOCK);
                for row in (&mut *rows).take(PLAN_BLOCK) {
                    match row {
                        Ok(row) => block.push(row),
                        Err(why) => {
                            let _ = send.send(Err(why));
                            return;
                        }
                    }
                }
                let (Some(first), Some(last)) = (block.first(), block.last()) else {
                    return;
                };
                let span = (first.0, last.0);
                let part = block.len().div_ceil(threads).max(1);
                let parts: Vec<ReadBlock> = std::thread::scope(|s| {
                    let workers: Vec<_> = block
                        .chunks(part)
                        .map(|part| s.spawn(|| read_part(part, map, today, cipher)))
                        .collect();
                    workers
                        .into_iter()
                        .map(|w| w.join().expect("reading rows does not panic"))
                        .collect()
                });
                let mut read = ReadBlock {
                    rows: block.len(),
                    span,
                    members: Vec::with_capacity(block.len()),
                    ..ReadBlock::default()
                };
                for p in parts {
                    read.members.extend(p.members);
                    read.problems.extend(p.problems);
                    read.examples.extend(p.examples);
                }
                if send.send(Ok(read)).is_err() {
                    return;
                }
            }
        });
        let mut outcome = Ok(());
        for block in blocks {
            let done = match block {
                Ok(block) => each(block),
                Err(why) => Err(StoreError::invalid("文件", why)),
            };
            if done.is_err() {
                outcome = done;
                break;
            }
        }
        // The channel is closed by now: a reader still sending gives up.
        if reader.join().is_err() {
            return Err(StoreError::Corrupt("读取表格的线程意外终止".into()));
        }
        outcome
    })
}

/// The keyed hash as bytes: the set of people a sheet names holds 32 bytes a person.
fn hash_key(hex: &str) -> Result<[u8; 32]> {
    let mut key = [0u8; 32];
    hex::decode_to_slice(hex, &mut key)
        .map_err(|_| StoreError::Corrupt(format!("身份证号的检索值“{hex}”无法读取")))?;
    Ok(key)
}

/// (county, id, party organization) of an active registration.
type Registered = (i32, i64, i64);

/// Who is on the register by the keyed hash of their ID: looked up in its index a block at
/// a time, until the sheet has asked about more people than a quarter of the register;
/// then the register is read through once, a page at a time, and kept (by then a lookup
/// per row costs more than one pass).
struct Register {
    registered: usize,
    asked: usize,
    read: Option<HashMap<[u8; 32], Registered>>,
    /// The asker's budget of IDs compared ([`crate::lookups`]), taken before each block.
    budget: Comparisons,
}

/// Register rows read at a time when it is read through.
const SCAN_PAGE: i64 = 50_000;

impl Register {
    fn new(conn: &mut DbConnection) -> Result<Register> {
        let registered: i64 = mp::table.count().get_result(conn)?;
        Ok(Register {
            registered: usize::try_from(registered).unwrap_or(0),
            asked: 0,
            read: None,
            budget: Comparisons::unbounded(),
        })
    }

    /// Reads the register through, once.
    fn read_through(&mut self, conn: &mut DbConnection) -> Result<()> {
        if self.read.is_some() {
            return Ok(());
        }
        let mut all = HashMap::with_capacity(self.registered);
        let counties: Vec<i32> = mp::table.select(mp::county_code).distinct().load(conn)?;
        for county in counties {
            let mut after = i64::MIN;
            loop {
                let rows: Vec<(String, i64, i64, Option<NaiveDate>)> = mp::table
                    .inner_join(
                        m::table.on(m::county_code
                            .eq(mp::county_code)
                            .and(m::id.eq(mp::member_id))),
                    )
                    .filter(mp::county_code.eq(county))
                    .filter(mp::member_id.gt(after))
                    .order(mp::member_id)
                    .limit(SCAN_PAGE)
                    .select((mp::resident_id_hash, m::id, m::party_org_id, m::left_on))
                    .load(conn)?;
                let Some(last) = rows.last() else { break };
                after = last.1;
                for (hash, id, party_org, left) in rows {
                    if left.is_none() {
                        all.insert(hash_key(&hash)?, (county, id, party_org));
                    }
                }
            }
        }
        self.read = Some(all);
        Ok(())
    }

    /// The active registration of each of these people, if any.
    fn find(
        &mut self,
        conn: &mut DbConnection,
        hashes: &[&str],
    ) -> Result<Vec<Option<Registered>>> {
        self.budget.take(hashes.len())?;
        let found = self.look_up(conn, hashes)?;
        self.budget.found(found.iter().flatten().count());
        Ok(found)
    }

    fn look_up(
        &mut self,
        conn: &mut DbConnection,
        hashes: &[&str],
    ) -> Result<Vec<Option<Registered>>> {
        self.asked += hashes.len();
        if self.read.is_none() && self.asked > self.registered / 4 {
            self.read_through(conn)?;
        }
        if let Some(all) = &self.read {
            return hashes
                .iter()
                .map(|h| Ok(all.get(&hash_key(h)?).copied()))
                .collect();
        }
        // Looked up in the index's order: each slice reads neighbouring pages.
        let mut sorted = hashes.to_vec();
        sorted.sort_unstable();
        let mut found: HashMap<String, Registered> = HashMap::new();
        for slice in sorted.chunks(IN_LIST_MAX) {
            let rows: Vec<(String, i32, i64, i64)> = mp::table
                .inner_join(
                    m::table.on(m::county_code
                        .eq(mp::county_code)
                        .and(m::id.eq(mp::member_id))),
                )
                .filter(mp::resident_id_hash.eq_any(slice))
                .filter(m::left_on.is_null())
                .select((mp::resident_id_hash, m::county_code, m::id, m::party_org_id))
                .load(conn)?;
            found.extend(rows.into_iter().map(|(h, c, i, p)| (h, (c, i, p))));
        }
        Ok(hashes.iter().map(|h| found.get(*h).copied()).collect())
    }
}

/// What a block of rows comes to: the members it creates and those it updates.
struct Matched {
    create: Vec<PlannedMember>,
    update: Vec<PlannedUpdate>,
}

/// Matches the rows of a member sheet to the records of a scope, a block at a time; kept
/// between blocks: the scope's party organizations, the people the sheet has named, and
/// the register's lookup.
struct MemberMatcher<'s> {
    scope: &'s Scope,
    today: NaiveDate,
    dues_rules: Option<DuesRules>,
    /// The scope's party organizations by 组织编号, and by exact name.
    by_code: HashMap<String, (Key, String)>,
    by_name: HashMap<String, Vec<Key>>,
    /// The row that first named each person, by the keyed hash of their ID.
    seen: HashMap<[u8; 32], usize>,
    register: Register,
}

impl<'s> MemberMatcher<'s> {
    fn new(
        conn: &mut DbConnection,
        scope: &'s Scope,
        today: NaiveDate,
        dues_rules: Option<DuesRules>,
    ) -> Result<MemberMatcher<'s>> {
        let (low, high) = scope.path_range();
        let orgs: Vec<(i32, i64, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id, po::name))
            .load(conn)?;
        let mut by_code = HashMap::with_capacity(orgs.len());
        let mut by_name: HashMap<String, Vec<Key>> = HashMap::with_capacity(orgs.len());
        for (county, id, name) in orgs {
            let key = Key { county, id };
            by_name.entry(name.clone()).or_default().push(key);
            by_code.insert(format!("{county}-{id}"), (key, name));
        }
        Ok(MemberMatcher {
            scope,
            today,
            dues_rules,
            by_code,
            by_name,
            seen: HashMap::new(),
            register: Register::new(conn)?,
        })
    }

    /// Matches a block read from the sheet: its problems and skipped rows go to `plan`,
    /// what it would write is returned.
    fn match_block(
        &mut self,
        conn: &mut DbConnection,
        block: ReadBlock,
        plan: &mut ImportPlan,
    ) -> Result<Matched> {
        plan.rows_read += block.rows;
        plan.skipped.extend(block.examples);
        plan.problems.extend(block.problems);
        let hashes: Vec<&str> = block.members.iter().map(|r| r.hash.as_str()).collect();
        let existing = self.register.find(conn, &hashes)?;
        // Workplaces as the scope sees them: a unit outside it is not named to the importer.
        let codes: Vec<&str> = block
            .members
            .iter()
            .filter_map(|r| r.member.workplace.as_ref().map(|c| c.as_str()))
            .collect();
        let mut workplaces: HashMap<String, Key> = HashMap::new();
        for slice in codes.chunks(IN_LIST_MAX) {
            let rows: Vec<(Option<String>, i32, i64)> =
                crate::coverage::scoped_organizations(self.scope, self.today)
                    .filter(o::credit_code.eq_any(slice))
                    .select((o::credit_code, o::county_code, o::id))
                    .load(conn)?;
            workplaces.extend(
                rows.into_iter()
                    .filter_map(|(code, c, i)| Some((code?, Key { county: c, id: i }))),
            );
        }
        let mut create = Vec::new();
        let mut candidates: Vec<(MemberRow, Key, Option<Key>)> = Vec::new();
        for (read, registered) in block.members.into_iter().zip(existing) {
            let ReadMember { member: r, hash } = read;
            match self.seen.entry(hash_key(&hash)?) {
                std::collections::hash_map::Entry::Occupied(first) => {
                    plan.problems.push(problem(
                        r.row,
                        "公民身份号码",
                        &r.resident_id.masked(),
                        format!("与第{}行重复", first.get()),
                    ));
                    continue;
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(r.row);
                }
            }
            // A 组织编号 typed with a full-width hyphen is the same code; a name is as written.
            let code = cells::normalize(&r.party_org);
            let target = match self.by_code.get(code.as_str()) {
                Some((k, n)) => Some((*k, n.clone())),
                None => match self.by_name.get(r.party_org.as_str()).map(Vec::as_slice) {
                    Some([k]) => Some((*k, r.party_org.clone())),
                    Some(_) => {
                        plan.problems.push(problem(
                            r.row,
                            "所在党组织",
                            &r.party_org,
                            "有同名党组织，请填写组织编号（党组织页面上的“组织编号”）",
                        ));
                        None
                    }
                    None => {
                        plan.problems.push(problem(
                            r.row,
                            "所在党组织",
                            &r.party_org,
                            "在您的管理范围内找不到（请填写组织编号或党组织全称）",
                        ));
                        None
                    }
                },
            };
            let Some((party_org, party_org_name)) = target else {
                continue;
            };
            let workplace = match &r.workplace {
                Some(code) => match workplaces.get(code.as_str()) {
                    Some(k) => Some(*k),
                    None => {
                        plan.problems.push(Problem {
                            row: r.row,
                            column: "工作单位统一社会信用代码",
                            value: code.as_str().to_owned(),
                            reason: "该单位尚未登记或不在您的管理范围内，导入后未关联工作单位"
                                .into(),
                            severity: Severity::Warning,
                        });
                        None
                    }
                },
                None => None,
            };
            if let Some((county, id, at)) = registered {
                if county == party_org.county && at == party_org.id {
                    if let Some(category) = r.dues_category {
                        plan.problems.push(Problem {
                            row: r.row,
                            column: "党费类别",
                            value: category.label().to_owned(),
                            reason: "已登记党员的党费标准请在党费页面设定，本次未变更".into(),
                            severity: Severity::Warning,
                        });
                    }
                    candidates.push((r, Key { county, id }, workplace));
                } else {
                    // Within the scope it is the importer's own register; outside it, where
                    // the person is registered is not theirs to learn (and the lookup is
                    // recorded: crate::lookups).
                    let why = if self.by_code.contains_key(&format!("{county}-{at}")) {
                        "已在本辖区的其他党组织登记为党员（如需转到此处请办理组织关系转接）"
                    } else {
                        crate::lookups::ELSEWHERE
                    };
                    plan.problems.push(problem(
                        r.row,
                        "公民身份号码",
                        &r.resident_id.masked(),
                        why,
                    ));
                }
                continue;
            }
            let Some(dues) = self.dues(&r, plan) else {
                continue;
            };
            create.push(PlannedMember {
                row: r.row,
                party_org,
                party_org_name,
                member: r,
                hash,
                workplace,
                dues,
            });
        }
        let update = self.updates(conn, candidates, plan)?;
        Ok(Matched { create, update })
    }

    /// A new member's dues standard from the row's 党费类别 and 计算基数: `None` when the row
    /// has an error, `Some(None)` when it sets none.
    fn dues(&self, r: &MemberRow, plan: &mut ImportPlan) -> Option<Option<PlannedDues>> {
        match (r.dues_category, &self.dues_rules) {
            (Some(category), Some(rules)) => {
                // A farmer's 计算基数 is the amount the branch fixed for them.
                let (base, farmer) = match category {
                    DuesCategory::Farmer => (None, r.dues_base),
                    _ => (r.dues_base, None),
                };
                match dues::monthly_standard(category, base, farmer, rules) {
                    Ok(s) => Some(Some(PlannedDues {
                        category,
                        base,
                        monthly: s.monthly,
                    })),
                    Err(e) => {
                        let value = r.dues_base.map(|b| b.to_string()).unwrap_or_default();
                        let reason = match e {
                            dues::DuesError::Base(why) => why.to_owned(),
                            other => other.to_string(),
                        };
                        plan.problems
                            .push(problem(r.row, "党费计算基数", &value, reason));
                        None
                    }
                }
            }
            _ => {
                if r.dues_base.is_some() {
                    plan.problems.push(Problem {
                        row: r.row,
                        column: "党费类别",
                        value: String::new(),
                        reason: "未填党费类别，未设定党费标准".into(),
                        severity: Severity::Warning,
                    });
                }
                Some(None)
            }
        }
    }

    /// People already in the organization their row names: what the file changes of them.
    fn updates(
        &self,
        conn: &mut DbConnection,
        candidates: Vec<(MemberRow, Key, Option<Key>)>,
        plan: &mut ImportPlan,
    ) -> Result<Vec<PlannedUpdate>> {
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let keys: Vec<Key> = candidates.iter().map(|(_, k, _)| *k).collect();
        let current = member_fields(conn, &keys)?;
        let mut named: Vec<Key> = Vec::new();
        let mut update = Vec::new();
        for (r, key, workplace) in candidates {
            let Some(before) = current.get(&key) else {
                continue;
            };
            match import::merge_member(before, &r, workplace, self.today) {
                Err(problems) => plan.problems.extend(problems),
                Ok((_, changed)) if changed.is_empty() => plan
                    .skipped
                    .push((r.row, format!("{}的登记信息与表格一致，跳过", r.name))),
                Ok((after, changed)) => {
                    named.extend(before.workplace.iter().chain(after.workplace.iter()));
                    update.push((
                        r.row,
                        key,
                        r.resident_id.masked(),
                        before.clone(),
                        after,
                        changed,
                    ));
                }
            }
        }
        let names = organization_names(conn, &named)?;
        Ok(update
            .into_iter()
            .map(|(row, key, masked, before, after, changed)| PlannedUpdate {
                changes: changed
                    .iter()
                    .map(|key| {
                        (
                            import::column_label(key),
                            show_field(key, &before, &names),
                            show_field(key, &after, &names),
                        )
                    })
                    .collect(),
                row,
                key,
                resident_id_masked: masked,
                before,
                after,
            })
            .collect())
    }
}

/// The member a planned row creates.
fn planned_member(p: &PlannedMember) -> Member {
    Member {
        key: Key {
            county: p.party_org.county,
            id: 0,
        },
        party_org_id: p.party_org.id,
        name: p.member.name.clone(),
        resident_id: p.member.resident_id.clone(),
        status: p.member.status,
        joined_on: p.member.joined_on,
        confirmed_on: p.member.confirmed_on,
        workplace: p.workplace,
        flow: FlowStatus::Settled,
        flow_destination: None,
        phone: p.member.phone.clone(),
        background: p.member.background,
    }
}

/// The new members' dues standards for the import's year (inside the commit's
/// transaction), the members numbered from `first`, marked as set by import `id` so that
/// its undo knows them from standards set since.
fn insert_dues_standards(
    conn: &mut DbConnection,
    created: &[PlannedMember],
    first: i64,
    today: NaiveDate,
    id: i64,
) -> Result<()> {
    use crate::schema::dues_standards as ds;
    let set_by = format!("import:{id}");
    let rows: Vec<_> = created
        .iter()
        .zip(first..)
        .filter_map(|(p, member)| {
            let d = p.dues?;
            Some((
                ds::county_code.eq(p.party_org.county),
                ds::member_id.eq(member),
                ds::year.eq(today.year()),
                ds::category.eq(d.category.code()),
                ds::base_fen.eq(d.base.map(Fen::fen)),
                ds::monthly_fen.eq(d.monthly.fen()),
                ds::set_on.eq(today),
                ds::set_by.eq(set_by.as_str()),
            ))
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // 8 values a row: well within either database's limit on bound values.
    for chunk in rows.chunks(1_000) {
        crate::batch_insert!(conn, ds::table, chunk)?;
    }
    crate::registry::bump_records(conn)
}

/// The refusal of a commit whose rows no longer come to what the preview showed.
/// The row is named, never what was found there: a reason such as "此人已是党员" would
/// confirm an ID the preview did not (and the commit is neither rationed nor logged as a
/// lookup).
fn changed_since(span: (usize, usize), first_error: Option<&Problem>) -> StoreError {
    let detail = match first_error {
        Some(p) => format!("第{}行{}", p.row, p.column),
        None => format!("第{}至{}行", span.0, span.1),
    };
    StoreError::invalid(
        "导入",
        format!("预览之后登记情况有变化（{detail}），未导入任何数据；请重新预览后再导入"),
    )
}

impl Store {
    /// The header of a member sheet matched to its columns, and the dues table in force
    /// when the sheet sets dues standards.
    fn member_sheet(
        &mut self,
        scope: &Scope,
        header: &[String],
        today: NaiveDate,
    ) -> Result<(HeaderMap, Option<DuesRules>)> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("导入", "党员不能导入"));
        }
        let map: HeaderMap = cells::match_headers(header, MEMBER_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let dues_rules = match map.index("dues_category") {
            Some(_) => Some(
                DuesRules::resolve(&self.rule_set()?, today)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            ),
            None => None,
        };
        Ok((map, dues_rules))
    }

    /// Reads and matches a member sheet (its header row, and its data rows as they are
    /// read) against the records of `scope`, writing nothing. `progress` is told how many
    /// rows have been read, now and then.
    pub fn plan_member_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Rows,
        progress: &dyn Fn(usize),
    ) -> Result<ImportPlan> {
        let budget = Comparisons::unbounded();
        Ok(self
            .plan_members(scope, today, header, rows, progress, budget)?
            .0)
    }

    /// [`Store::plan_member_import`], comparing no more IDs with the register than
    /// `budget` allows; returns the comparisons made.
    pub(crate) fn plan_members(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        rows: Rows,
        progress: &dyn Fn(usize),
        budget: Comparisons,
    ) -> Result<(ImportPlan, Comparisons)> {
        let (map, dues_rules) = self.member_sheet(scope, header, today)?;
        let mut plan = ImportPlan::new(header, &map, today);
        let cipher = &self.cipher;
        let conn = &mut self.conn;
        let mut matcher = MemberMatcher::new(conn, scope, today, dues_rules)?;
        matcher.register.budget = budget;
        read_blocks(rows, &map, today, cipher, &mut |block| {
            let skipped_from = plan.skipped.len();
            let matched = matcher.match_block(conn, block, &mut plan)?;
            let digest = plan.absorb(&matched, skipped_from);
            plan.blocks.push(digest);
            progress(plan.rows_read);
            Ok(())
        })?;
        plan.problems.sort_by_key(|p| p.row);
        Ok((plan, matcher.register.budget))
    }

    /// Writes what a plan without errors previewed, in one transaction or not at all: the
    /// sheet's `rows` are read again and each block matched against the register as it is
    /// inside the transaction, then written (the members, their sealed identities and dues
    /// standards, the updates with their history); a block that no longer comes to what the
    /// preview showed refuses the whole commit. Then the import's history, the upload it
    /// came from (if any) marked committed, and one audit entry.
    pub fn commit_member_import(
        &mut self,
        source: &ImportSource,
        plan: &ImportPlan,
        rows: Rows,
    ) -> Result<i64> {
        plan.check_committable()?;
        let (map, dues_rules) = self.member_sheet(source.scope, &plan.header, plan.today)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let mut matcher = MemberMatcher::new(conn, source.scope, plan.today, dues_rules)?;
            let n = i64::try_from(plan.created).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "members", n)?
            } else {
                0
            };
            let rebuild = match conn {
                DbConnection::Sqlite(c) if n > 0 => suspend_indexes(c, n)?,
                _ => Vec::new(),
            };
            if !rebuild.is_empty() {
                // Without its indexes the register is looked up in memory (read by its
                // primary key, which stays).
                matcher.register.read_through(conn)?;
            }
            let outcome = Outcome {
                kind: "members",
                rows_read: plan.rows_read,
                created: plan.created,
                updated: plan.updated,
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                links: 0,
            };
            let id = record_import(conn, source, &outcome)?;
            let mut again = ImportPlan::new(&plan.header, &map, plan.today);
            let mut next = first;
            read_blocks(rows, &map, plan.today, cipher, &mut |block| {
                let span = block.span;
                let skipped_from = again.skipped.len();
                let problems_from = again.problems.len();
                let matched = matcher.match_block(conn, block, &mut again)?;
                let digest = again.absorb(&matched, skipped_from);
                if let Some(error) = again.problems[problems_from..]
                    .iter()
                    .find(|p| p.severity == Severity::Error)
                {
                    return Err(changed_since(span, Some(error)));
                }
                if plan.blocks.get(again.blocks.len()) != Some(&digest) {
                    return Err(changed_since(span, None));
                }
                again.blocks.push(digest);
                let len = i64::try_from(matched.create.len()).unwrap_or(i64::MAX);
                let prepared = PreparedMembers::new(
                    matched
                        .create
                        .iter()
                        .map(|p| (planned_member(p), p.hash.clone())),
                );
                prepared.insert(conn, cipher, next)?;
                insert_dues_standards(conn, &matched.create, next, plan.today, id)?;
                next += len;
                record_updates(
                    conn,
                    cipher,
                    source.actor,
                    id,
                    matched.update.iter().map(|u| (u.key, &u.before, &u.after)),
                )
            })?;
            if again.blocks.len() != plan.blocks.len() || next - first != n {
                return Err(StoreError::invalid(
                    "导入",
                    format!(
                        "表格现有{}行，与预览时的{}行不同，未导入任何数据；请重新预览后再导入",
                        again.rows_read, plan.rows_read
                    ),
                ));
            }
            // Before the indexes are built again.
            die_here_in_tests();
            if let DbConnection::Sqlite(c) = conn {
                for sql in &rebuild {
                    diesel::sql_query(sql).execute(c)?;
                }
            }
            audit_import(conn, cipher, source, id, "members", &outcome)?;
            Ok(id)
        })
    }
}
