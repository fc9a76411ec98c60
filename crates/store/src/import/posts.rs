//! Committee imports (委员会成员名单), in the same two phases as the other kinds:
//! [`Store::plan_post_import`] finds each row's party organization in the scope and its
//! member by the keyed hash of the resident ID, and checks the rules of the page (a full
//! member of the organization, a post the organization has, one holder of a single post
//! at a time, one post of an organization at a time for a member) against the terms
//! recorded and the sheet's other rows; [`Store::commit_post_import`] writes the terms (a
//! block of ids) in one transaction; an undo ([`undo`]) removes them while none of the
//! terms it left open has been ended since.
//!
//! Unlike the page, an import never ends a term it does not name: a sheet that overlaps a
//! recorded term is refused, so a past term is recorded as it was.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::cells::{self, HeaderMap};
use liangxin_domain::import::posts::{self as rows, POST_COLUMNS, PostRow};
use liangxin_domain::import::{Problem, Severity};
use liangxin_domain::kinds::{MemberStatus, PartyOrgType, Post};
use liangxin_domain::registry::Key;

use super::{
    ImportSource, Outcome, PREVIEW_SAMPLE, Plan, audit_import, die_here_in_tests, plan_common,
    problem, record_import, registry_version,
};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError};
use crate::lookups::Comparisons;
use crate::registry::{IN_LIST_MAX, allocate};
use crate::schema::{member_profiles as mp, members as m, party_org_posts as pp, party_orgs as po};
use crate::uploads::{Preview, PreviewRow};
use crate::{Scope, Store};

/// The most terms of one organization a sheet records: a committee's history over
/// decades, not a hostile file's million rows against one organization.
const PER_ORG: usize = 500;

/// A term the commit records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedPost {
    pub row: usize,
    pub party_org: Key,
    pub party_org_name: String,
    pub member: Key,
    pub name: String,
    pub post: Post,
    pub since: NaiveDate,
    pub until: Option<NaiveDate>,
}

/// What a committee import's commit would do, and every problem found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPlan {
    pub rows_read: usize,
    pub create: Vec<PlannedPost>,
    pub skipped: Vec<(usize, String)>,
    pub problems: Vec<Problem>,
    pub ignored_columns: Vec<String>,
    pub registry_version: i64,
}

plan_common!(PostPlan);

impl PostPlan {
    /// The plan as a preview keeps it.
    pub fn preview(&self, format: &str, notes: &[String]) -> Preview {
        Preview {
            sample_columns: ["所在党组织", "姓名", "职务", "任职日期", "离任日期"]
                .map(str::to_owned)
                .to_vec(),
            sample: self
                .create
                .iter()
                .take(PREVIEW_SAMPLE)
                .map(|p| PreviewRow {
                    row: p.row,
                    cells: vec![
                        p.party_org_name.clone(),
                        p.name.clone(),
                        p.post.label().to_owned(),
                        p.since.to_string(),
                        p.until.map(|d| d.to_string()).unwrap_or_default(),
                    ],
                })
                .collect(),
            updates: Vec::new(),
            ..self.preview_base(format, notes.to_vec(), self.create.len(), 0)
        }
    }
}

/// A term as the checks compare them: organization, post, member, first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Term {
    org: Key,
    post: Post,
    member: Key,
    since: NaiveDate,
    until: Option<NaiveDate>,
}

impl Term {
    fn overlaps(&self, other: &Term) -> bool {
        let ends_before = |a: &Term, b: &Term| a.until.is_some_and(|u| u < b.since);
        !ends_before(self, other) && !ends_before(other, self)
    }

    /// Why it may not stand beside `other`, if it may not.
    fn clash(&self, other: &Term) -> Option<&'static str> {
        if self.org != other.org || !self.overlaps(other) {
            return None;
        }
        if self.member == other.member {
            return Some("任期与该党员在本组织的另一任职重叠（同一时间只任一个职务）");
        }
        (self.post == other.post && self.post.is_single())
            .then_some("任期与该职务的另一任期重叠（该职务同一时间只有一人担任）")
    }
}

/// A member record found for a row: key, name, status, confirmed, the first day it covers
/// (joining, or arriving by transfer), left, path.
type Found = (
    Key,
    String,
    String,
    Option<NaiveDate>,
    NaiveDate,
    Option<NaiveDate>,
    String,
);

impl Store {
    /// Reads and matches a committee sheet, writing nothing.
    pub fn plan_post_import(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
    ) -> Result<PostPlan> {
        let budget = Comparisons::unbounded();
        Ok(self
            .plan_posts(scope, today, header, sheet, progress, budget)?
            .0)
    }

    /// [`Store::plan_post_import`], comparing no more IDs with the register than `budget`
    /// allows; returns the comparisons made.
    pub(crate) fn plan_posts(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        header: &[String],
        sheet: Vec<(usize, Vec<String>)>,
        progress: &dyn Fn(usize),
        mut budget: Comparisons,
    ) -> Result<(PostPlan, Comparisons)> {
        if !scope.is_staff() {
            return Err(StoreError::invalid("导入", "您不能导入委员会成员名单"));
        }
        let map: HeaderMap = cells::match_headers(header, POST_COLUMNS)
            .map_err(|e| StoreError::invalid("表头", e.to_string()))?;
        let mut plan = PostPlan {
            registry_version: registry_version(&mut self.conn)?,
            rows_read: sheet.len(),
            create: Vec::new(),
            skipped: Vec::new(),
            problems: Vec::new(),
            ignored_columns: map.unknown.clone(),
        };
        let mut read: Vec<(PostRow, String)> = Vec::with_capacity(sheet.len());
        for (i, (row, cells)) in sheet.into_iter().enumerate() {
            if liangxin_domain::import::is_example_row(&cells, &map) {
                plan.skipped.push((row, "模板的示例行，跳过".to_owned()));
            } else {
                let (p, problems) = rows::post_row(row, &cells, &map, today);
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

        let conn = &mut self.conn;
        let (low, high) = scope.path_range();
        // The scope's live organizations, by 组织编号 and by name.
        let orgs: Vec<(i32, i64, String, String, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .select((po::county_code, po::id, po::name, po::path, po::org_type))
            .load(conn)?;
        // The scope's member records of these people, current or past.
        let mut hashes: Vec<&str> = read.iter().map(|(_, h)| h.as_str()).collect();
        hashes.sort_unstable();
        hashes.dedup();
        budget.take(hashes.len())?;
        let mut records: HashMap<String, Vec<Found>> = HashMap::new();
        for slice in hashes.chunks(IN_LIST_MAX) {
            type Row = (
                String,
                i32,
                i64,
                String,
                String,
                Option<NaiveDate>,
                NaiveDate,
                Option<NaiveDate>,
                Option<NaiveDate>,
                String,
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
                    m::status,
                    m::confirmed_on,
                    m::joined_on,
                    m::arrived_on,
                    m::left_on,
                    po::path,
                ))
                .load(conn)?;
            for (hash, county, id, name, status, confirmed, joined, arrived, left, path) in found {
                // The record covers the member from joining, or from arriving by transfer.
                let from = arrived.map_or(joined, |a| a.max(joined));
                records.entry(hash).or_default().push((
                    Key { county, id },
                    name,
                    status,
                    confirmed,
                    from,
                    left,
                    path,
                ));
            }
        }
        budget.found(records.len());
        // The organizations by 组织编号 and by name, so a row costs a lookup, not a scan.
        let mut by_key: HashMap<Key, usize> = HashMap::new();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, o) in orgs.iter().enumerate() {
            by_key.insert(
                Key {
                    county: o.0,
                    id: o.1,
                },
                i,
            );
            by_name.entry(o.2.as_str()).or_default().push(i);
        }
        let mut recorded: HashMap<Key, Vec<Term>> = HashMap::new();
        let mut wanted: HashSet<Key> = HashSet::new();
        let mut found_rows: Vec<(PostRow, String, Key, String, String, PartyOrgType)> = Vec::new();
        for (r, hash) in read {
            let mut named: Vec<&(i32, i64, String, String, String)> =
                super::party_orgs::parse_code(&r.party_org)
                    .and_then(|k| by_key.get(&k))
                    .into_iter()
                    .chain(by_name.get(r.party_org.as_str()).into_iter().flatten())
                    .map(|i| &orgs[*i])
                    .collect();
            named.dedup_by_key(|o| (o.0, o.1));
            let org = match named.as_slice() {
                [o] => o,
                [] => {
                    plan.problems.push(problem(
                        r.row,
                        rows::column_label("party_org"),
                        &r.party_org,
                        "找不到该党组织，或不在您的管理范围内（填组织编号或全称）",
                    ));
                    continue;
                }
                _ => {
                    plan.problems.push(problem(
                        r.row,
                        rows::column_label("party_org"),
                        &r.party_org,
                        "有多个同名党组织，请填写组织编号",
                    ));
                    continue;
                }
            };
            let key = Key {
                county: org.0,
                id: org.1,
            };
            let org_type = PartyOrgType::parse(&org.4)
                .map_err(|e| StoreError::Corrupt(format!("组织类别：{e}")))?;
            wanted.insert(key);
            found_rows.push((r, hash, key, org.2.clone(), org.3.clone(), org_type));
        }
        let keys: Vec<Key> = wanted.into_iter().collect();
        for k in &keys {
            for h in crate::posts::posts_in(conn, *k)? {
                recorded.entry(*k).or_default().push(Term {
                    org: *k,
                    post: h.post,
                    member: h.member,
                    since: h.since,
                    until: h.until,
                });
            }
        }
        // The sheet's terms by organization, with their rows: a row is checked against its
        // organization's terms only, and an organization takes at most `PER_ORG` of them.
        let mut planned: HashMap<Key, Vec<(usize, Term)>> = HashMap::new();
        for (r, hash, org, org_name, path, org_type) in found_rows {
            let column = rows::column_label;
            if !r.post.fits(org_type) {
                plan.problems.push(problem(
                    r.row,
                    column("post"),
                    r.post.label(),
                    format!("{}没有“{}”这一职务", org_type.label(), r.post.label()),
                ));
                continue;
            }
            let inside = |p: &str| match r.post {
                Post::GroupLeader => p == path,
                _ => p.starts_with(&path),
            };
            // The record of the organization that covers the term's first day.
            let record = records.get(&hash).and_then(|rs| {
                rs.iter().find(|f| {
                    f.0.county == org.county
                        && inside(&f.6)
                        && f.4 <= r.since
                        && f.5.is_none_or(|left| r.since <= left)
                })
            });
            let Some((member, name, status, confirmed, _, left, _)) = record else {
                plan.problems.push(problem(
                    r.row,
                    column("resident_id"),
                    &r.resident_id.masked(),
                    "任职日期当天不是该党组织的党员（党小组组长须为该党小组的党员）",
                ));
                continue;
            };
            let full =
                status == MemberStatus::Full.code() && confirmed.is_none_or(|c| c <= r.since);
            if !full {
                plan.problems.push(problem(
                    r.row,
                    column("resident_id"),
                    &r.resident_id.masked(),
                    format!("{name}在任职日期还不是正式党员；预备党员没有被选举权"),
                ));
                continue;
            }
            if let (Some(u), Some(l)) = (r.until, left)
                && u > *l
            {
                plan.problems.push(problem(
                    r.row,
                    column("until"),
                    &u.to_string(),
                    format!("晚于{name}离开本组织的日期{l}"),
                ));
                continue;
            }
            if r.until.is_none() && left.is_some() {
                plan.problems.push(problem(
                    r.row,
                    column("until"),
                    "",
                    format!("{name}已不在本组织，请填写离任日期"),
                ));
                continue;
            }
            if let Some(written) = &r.name
                && written != name
            {
                plan.problems.push(Problem {
                    row: r.row,
                    column: column("name"),
                    value: written.clone(),
                    reason: format!("与登记的姓名“{name}”不同，按公民身份号码导入"),
                    severity: Severity::Warning,
                });
            }
            let term = Term {
                org,
                post: r.post,
                member: *member,
                since: r.since,
                until: r.until,
            };
            let known = recorded.get(&org).map(Vec::as_slice).unwrap_or_default();
            if known.contains(&term) {
                plan.skipped.push((r.row, "已登记，跳过".to_owned()));
                continue;
            }
            if let Some(why) = known.iter().find_map(|t| term.clash(t)) {
                plan.problems
                    .push(problem(r.row, column("since"), &r.since.to_string(), why));
                continue;
            }
            let same_org = planned.entry(org).or_default();
            if same_org.len() >= PER_ORG {
                plan.problems.push(problem(
                    r.row,
                    column("party_org"),
                    &org_name,
                    format!("一个党组织在表中的任职超过{PER_ORG}届，请核对"),
                ));
                continue;
            }
            if let Some((first, why)) = same_org
                .iter()
                .find_map(|(row, t)| term.clash(t).map(|why| (*row, why)))
            {
                plan.problems.push(problem(
                    r.row,
                    column("since"),
                    &r.since.to_string(),
                    format!("与第{first}行：{why}"),
                ));
                continue;
            }
            same_org.push((r.row, term));
            plan.create.push(PlannedPost {
                row: r.row,
                party_org: org,
                party_org_name: org_name,
                member: *member,
                name: name.clone(),
                post: r.post,
                since: r.since,
                until: r.until,
            });
        }
        plan.problems.sort_by_key(|p| p.row);
        Ok((plan, budget))
    }

    /// Writes a plan without errors in one transaction: the terms (a block of ids), the
    /// history and the audit. Refused, with nothing written, when the plan has errors or
    /// the organizations' committees changed since the preview.
    pub fn commit_post_import(&mut self, source: &ImportSource, plan: &PostPlan) -> Result<i64> {
        plan.check_committable()?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if registry_version(conn)? != plan.registry_version {
                recheck(conn, plan)?;
            }
            let n = i64::try_from(plan.create.len()).unwrap_or(i64::MAX);
            let first = if n > 0 {
                allocate(conn, "party_org_posts", n)?
            } else {
                0
            };
            for (p, id) in plan.create.iter().zip(first..) {
                diesel::insert_into(pp::table)
                    .values((
                        pp::county_code.eq(p.party_org.county),
                        pp::id.eq(id),
                        pp::party_org_id.eq(p.party_org.id),
                        pp::post.eq(p.post.code()),
                        pp::member_id.eq(p.member.id),
                        pp::since.eq(p.since),
                        pp::until.eq(p.until),
                    ))
                    .execute(conn)?;
            }
            die_here_in_tests();
            let outcome = Outcome {
                kind: "posts",
                rows_read: plan.rows_read,
                created: plan.create.len(),
                updated: 0,
                skipped: plan.skipped.len(),
                block: (n > 0).then_some((first, first + n - 1)),
                // The terms it leaves open: the undo finds them still open.
                links: plan.create.iter().filter(|p| p.until.is_none()).count(),
            };
            let id = record_import(conn, source, &outcome)?;
            audit_import(conn, cipher, source, id, "party_org_post", &outcome)?;
            Ok(id)
        })
    }
}

/// What may have changed since the plan: a term recorded meanwhile that one of its terms
/// would overlap, or a member given an open term who has left since.
fn recheck(conn: &mut DbConnection, plan: &PostPlan) -> Result<()> {
    for p in plan.create.iter().filter(|p| p.until.is_none()) {
        let left: Option<Option<NaiveDate>> = m::table
            .filter(m::county_code.eq(p.member.county))
            .filter(m::id.eq(p.member.id))
            .select(m::left_on)
            .first(conn)
            .optional()?;
        if !matches!(left, Some(None)) {
            return Err(StoreError::invalid(
                "公民身份号码",
                format!(
                    "{}在预览之后已离开本组织，未导入；请重新上传查看新的预览",
                    p.name
                ),
            ));
        }
    }
    let mut orgs: Vec<Key> = plan.create.iter().map(|p| p.party_org).collect();
    orgs.sort_unstable_by_key(|k| (k.county, k.id));
    orgs.dedup();
    for org in orgs {
        let now = crate::posts::posts_in(conn, org)?;
        for p in plan.create.iter().filter(|p| p.party_org == org) {
            let term = Term {
                org,
                post: p.post,
                member: p.member,
                since: p.since,
                until: p.until,
            };
            let clashing = now.iter().any(|h| {
                term.clash(&Term {
                    org,
                    post: h.post,
                    member: h.member,
                    since: h.since,
                    until: h.until,
                })
                .is_some()
            });
            if clashing {
                return Err(StoreError::invalid(
                    "职务",
                    format!(
                        "{}的委员会在预览之后有变动，未导入；请重新上传查看新的预览",
                        p.party_org_name
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Undoes a committee import (inside the undo's transaction): its terms are removed while
/// every one it left open is still open (a term ended since is later work) and its
/// organizations are in the scope. Returns how many terms it removed.
pub(super) fn undo(
    conn: &mut DbConnection,
    scope: &Scope,
    block: Option<(i64, i64)>,
    open: i32,
) -> Result<usize> {
    let Some((first, last)) = block else {
        return Ok(0);
    };
    let terms: Vec<(i32, i64, Option<NaiveDate>)> = pp::table
        .filter(pp::id.between(first, last))
        .select((pp::county_code, pp::party_org_id, pp::until))
        .load(conn)?;
    let (low, high) = scope.path_range();
    let mut paths: HashMap<(i32, i64), String> = HashMap::new();
    for (county, org, _) in &terms {
        if let std::collections::hash_map::Entry::Vacant(e) = paths.entry((*county, *org)) {
            let path: String = po::table
                .filter(po::county_code.eq(county).and(po::id.eq(org)))
                .select(po::path)
                .first(conn)?;
            e.insert(path);
        }
    }
    if paths
        .values()
        .any(|p| p.as_str() < low.as_str() || p.as_str() >= high.as_str())
    {
        return Err(StoreError::invalid(
            "导入",
            "这批任职有的党组织不在您的管理范围内，不能撤销",
        ));
    }
    let still_open = terms.iter().filter(|t| t.2.is_none()).count();
    if still_open < usize::try_from(open).unwrap_or(0) {
        return Err(StoreError::invalid(
            "导入",
            "这批任职有的已在导入之后登记离任，不能整批撤销",
        ));
    }
    let removed = diesel::delete(pp::table.filter(pp::id.between(first, last))).execute(conn)?;
    Ok(removed)
}
