//! 软弱涣散基层党组织: the branches of a scope the records point to, each with its reasons
//! and rules, and the rectification cases (整顿) opened and accepted (验收销号) by the level
//! above, with the branch's progress notes between.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::coverage;
use liangxin_domain::kinds::{MeetingKind, PartyOrgType, Post};
use liangxin_domain::life::{self, LifeRules};
use liangxin_domain::registry::Key;
use liangxin_domain::rules::CoverageRules;
use liangxin_domain::weak::{self, BranchFacts, WeakReason, WeakRules};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::connection::DbConnection;
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    audit_findings as af, instructors as ins, party_org_posts as pp, party_orgs as po,
    rectification_cases as rc, rectification_notes as rn, star_assessments as sa,
};
use crate::{Scope, Store};

/// A branch the rules point to, with the year's case if one is open or closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakCandidate {
    pub party_org: Key,
    pub name: String,
    pub reasons: Vec<WeakReason>,
    pub case: Option<Key>,
}

/// 认定方式: how a case came to be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// From the records, by the rules.
    Rules,
    /// Named by the level above, with its reasons.
    Nomination,
}

impl Basis {
    pub const fn code(self) -> &'static str {
        match self {
            Basis::Rules => "rules",
            Basis::Nomination => "nomination",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Basis::Rules => "按规则排查认定",
            Basis::Nomination => "上级党组织提名认定",
        }
    }

    fn parse(code: &str) -> Result<Basis> {
        match code {
            "rules" => Ok(Basis::Rules),
            "nomination" => Ok(Basis::Nomination),
            other => Err(StoreError::Corrupt(format!("认定方式：{other}"))),
        }
    }
}

/// What opening a case asks for.
#[derive(Debug, Clone)]
pub struct OpenCase {
    pub party_org: Key,
    pub basis: Basis,
    /// For a nomination: its reasons, one per line. For the rules: ignored (the store
    /// takes the reasons the records give that day).
    pub nominated: String,
    pub causes: String,
    pub measures: String,
    /// 联系领导
    pub leader: String,
    pub instructor: Option<Key>,
    pub deadline: NaiveDate,
}

/// A case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub key: Key,
    pub party_org: Key,
    pub party_org_name: String,
    pub year: i32,
    pub basis: Basis,
    pub opened_on: NaiveDate,
    pub deadline: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

/// One progress note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseNote {
    pub noted_on: NaiveDate,
    pub noted_by: String,
    pub note: String,
}

/// A whole case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseView {
    pub summary: CaseSummary,
    pub reasons: Vec<String>,
    pub causes: String,
    pub measures: String,
    pub leader: String,
    pub instructor: Option<String>,
    pub notes: Vec<CaseNote>,
    pub closed_by: Option<String>,
    pub acceptance: Option<String>,
    /// Whether the scope asked with is above the organization: only the level above
    /// opens and accepts a case.
    pub above: bool,
}

/// The organization if it is in the scope and the scope is above it (not the
/// organization's own): (path, type, name).
fn below_scope(
    conn: &mut DbConnection,
    scope: &Scope,
    key: Key,
) -> Result<(String, PartyOrgType, String)> {
    let row: Option<(String, String, String)> = po::table
        .filter(po::county_code.eq(key.county))
        .filter(po::id.eq(key.id))
        .filter(po::dissolved_on.is_null())
        .select((po::path, po::org_type, po::name))
        .first(conn)
        .optional()?;
    let Some((path, t, name)) =
        row.filter(|(p, ..)| scope.contains_path(p) && scope.member.is_none())
    else {
        return Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内"));
    };
    let t = PartyOrgType::parse(&t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if path == scope.party_path {
        return Err(StoreError::invalid(
            "党组织",
            "软弱涣散的认定和验收由上级党组织办理，本级只记录整改进展",
        ));
    }
    Ok((path, t, name))
}

type CaseRow = (
    i32,
    i64,
    i64,
    String,
    i32,
    String,
    NaiveDate,
    NaiveDate,
    Option<NaiveDate>,
);

macro_rules! case_columns {
    () => {
        (
            rc::county_code,
            rc::id,
            rc::party_org_id,
            po::name,
            rc::year,
            rc::basis,
            rc::opened_on,
            rc::deadline,
            rc::closed_on,
        )
    };
}

fn summary(r: CaseRow) -> Result<CaseSummary> {
    let (county, id, po_id, name, year, basis, opened_on, deadline, closed_on) = r;
    Ok(CaseSummary {
        key: Key { county, id },
        party_org: Key { county, id: po_id },
        party_org_name: name,
        year,
        basis: Basis::parse(&basis)?,
        opened_on,
        deadline,
        closed_on,
    })
}

impl Store {
    /// The branches of `scope` the records point to on `as_of` (over its year so far), most
    /// reasons first, with the year's case of each if there is one.
    pub fn weak_candidates(
        &mut self,
        scope: &Scope,
        as_of: NaiveDate,
    ) -> Result<Vec<WeakCandidate>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let set = self.rule_set()?;
        let corrupt = |e: liangxin_domain::rules::RuleError| StoreError::Corrupt(e.to_string());
        let weak_rules = WeakRules::resolve(&set, as_of).map_err(corrupt)?;
        let life_rules = LifeRules::resolve(&set, as_of).map_err(corrupt)?;
        let coverage_rules = CoverageRules::resolve(&set, as_of).map_err(corrupt)?;
        let from = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
        // Organizational life of the year so far, per branch that owes it.
        let mut missed: HashMap<Key, (u32, u32)> = HashMap::new();
        let mut names: HashMap<Key, String> = HashMap::new();
        for org in self.life_facts(scope, from, as_of)? {
            if !org.org_type.is_branch() {
                continue;
            }
            let c = life::assess(&org, &life_rules, from, as_of);
            let assembly = c
                .findings
                .iter()
                .filter(|f| f.kind == MeetingKind::BranchAssembly)
                .count();
            missed.insert(
                org.key,
                (
                    u32::try_from(assembly).unwrap_or(u32::MAX),
                    u32::try_from(c.findings.len()).unwrap_or(u32::MAX),
                ),
            );
            names.insert(org.key, org.name);
        }
        let conn = self.conn();
        let (low, high) = scope.path_range();
        let branches: Vec<(i32, i64, String, String, Option<NaiveDate>, NaiveDate)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any([
                PartyOrgType::Branch.code(),
                PartyOrgType::JointBranch.code(),
            ]))
            .select((
                po::county_code,
                po::id,
                po::name,
                po::org_type,
                po::term_started,
                po::records_start,
            ))
            .load(conn)?;
        // 书记: held today, or the last day it was held.
        let posts: Vec<(i32, i64, NaiveDate, Option<NaiveDate>)> = pp::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(pp::county_code)
                    .and(po::id.eq(pp::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(pp::post.eq(Post::Secretary.code()))
            .filter(pp::since.le(as_of))
            .select((pp::county_code, pp::party_org_id, pp::since, pp::until))
            .load(conn)?;
        let mut held: HashSet<Key> = HashSet::new();
        let mut last_held: HashMap<Key, NaiveDate> = HashMap::new();
        for (county, id, _, until) in posts {
            let k = Key { county, id };
            match until {
                Some(u) if u < as_of => {
                    let e = last_held.entry(k).or_insert(u);
                    *e = (*e).max(u);
                }
                _ => {
                    held.insert(k);
                }
            }
        }
        let open_findings: HashMap<Key, i64> = af::table
            .filter(af::closed_on.is_null())
            .group_by((af::county_code, af::responsible_id))
            .select((
                af::county_code,
                af::responsible_id,
                diesel::dsl::count_star(),
            ))
            .load::<(i32, i64, i64)>(conn)?
            .into_iter()
            .map(|(county, id, n)| (Key { county, id }, n))
            .collect();
        let cases: HashMap<Key, Key> = rc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rc::county_code)
                    .and(po::id.eq(rc::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rc::year.eq(as_of.year()))
            .select((rc::county_code, rc::party_org_id, rc::id))
            .load::<(i32, i64, i64)>(conn)?
            .into_iter()
            .map(|(county, po_id, id)| (Key { county, id: po_id }, Key { county, id }))
            .collect();
        // The last rating the city confirmed by the day, per organization.
        let mut last_stars: HashMap<Key, (i32, u8)> = HashMap::new();
        let rated: Vec<(i32, i64, i32, Option<i32>)> = sa::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sa::county_code)
                    .and(po::id.eq(sa::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sa::confirmed_on.le(as_of))
            .select((sa::county_code, sa::party_org_id, sa::year, sa::stars))
            .load(conn)?;
        for (county, id, year, stars) in rated {
            let stars = u8::try_from(stars.unwrap_or(0)).unwrap_or(0);
            let e = last_stars
                .entry(Key { county, id })
                .or_insert((year, stars));
            if year > e.0 {
                *e = (year, stars);
            }
        }
        let mut out = Vec::new();
        for (county, id, name, t, term, records_start) in branches {
            let key = Key { county, id };
            let org_type =
                PartyOrgType::parse(&t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let (assembly, periods) = missed.get(&key).copied().unwrap_or((0, 0));
            let facts = BranchFacts {
                secretary_vacant_since: (!held.contains(&key)).then(|| {
                    last_held
                        .get(&key)
                        .and_then(|d| d.succ_opt())
                        .unwrap_or(records_start)
                }),
                assembly_missed_quarters: assembly,
                missed_periods: periods,
                term_ended: term
                    .and_then(|t| coverage::term_end(org_type, t, &coverage_rules))
                    .map(|(ends, rule)| (ends, rule.rule.clone())),
                open_findings: u32::try_from(open_findings.get(&key).copied().unwrap_or(0))
                    .unwrap_or(u32::MAX),
                last_stars: last_stars.get(&key).copied(),
            };
            let reasons = weak::identify(&facts, &weak_rules);
            if !reasons.is_empty() {
                out.push(WeakCandidate {
                    party_org: key,
                    name: names.remove(&key).unwrap_or(name),
                    reasons,
                    case: cases.get(&key).copied(),
                });
            }
        }
        out.sort_by(|a, b| {
            b.reasons
                .len()
                .cmp(&a.reasons.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }

    /// Opens the year's rectification case of a party organization below `scope`.
    pub fn open_rectification(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        case: OpenCase,
    ) -> Result<Key> {
        let (path, org_type, _) = below_scope(self.conn(), scope, case.party_org)?;
        if matches!(
            org_type,
            PartyOrgType::Group | PartyOrgType::WorkingCommittee
        ) {
            return Err(StoreError::invalid(
                "党组织",
                "整顿软弱涣散的对象是基层党组织（党支部、党总支、基层党委）",
            ));
        }
        let reasons: Vec<String> = match case.basis {
            Basis::Rules => {
                let found = self.weak_candidates(&Scope::subtree(path), today)?;
                let own = found.into_iter().find(|c| c.party_org == case.party_org);
                match own {
                    Some(c) => c
                        .reasons
                        .iter()
                        .map(|r| {
                            format!(
                                "{}：{}（依据：{}，{} 第{}版）",
                                r.criterion.label(),
                                r.reason,
                                r.rule.title,
                                r.rule.key,
                                r.rule.version
                            )
                        })
                        .collect(),
                    None => {
                        return Err(StoreError::invalid(
                            "认定方式",
                            "该组织目前没有规则认定的情形；如确有软弱涣散问题，请以上级提名方式立案并写明理由",
                        ));
                    }
                }
            }
            Basis::Nomination => {
                let text = typed_text("提名理由", &case.nominated, true, 2000)?;
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
        };
        let causes = typed_text("问题原因", &case.causes, true, 2000)?;
        let measures = typed_text("整改措施", &case.measures, true, 4000)?;
        let leader = typed_text("联系领导", &case.leader, true, 100)?;
        if case.deadline <= today {
            return Err(StoreError::invalid("整改期限", "应晚于今天"));
        }
        if case.deadline > today + chrono::Days::new(730) {
            return Err(StoreError::invalid("整改期限", "不能超过两年"));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            if let Some(i) = case.instructor {
                let known: i64 = ins::table
                    .filter(ins::county_code.eq(i.county))
                    .filter(ins::id.eq(i.id))
                    .count()
                    .get_result(conn)?;
                if known == 0 || i.county != case.party_org.county {
                    return Err(StoreError::invalid(
                        "党建指导员",
                        "不是本县登记的党建指导员",
                    ));
                }
            }
            let exists: i64 = rc::table
                .filter(rc::county_code.eq(case.party_org.county))
                .filter(rc::party_org_id.eq(case.party_org.id))
                .filter(rc::year.eq(today.year()))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                return Err(StoreError::invalid(
                    "党组织",
                    format!("该组织{}年度的整顿已经立案", today.year()),
                ));
            }
            let id = crate::registry::allocate(conn, "rectification_cases", 1)?;
            let key = Key {
                county: case.party_org.county,
                id,
            };
            diesel::insert_into(rc::table)
                .values((
                    rc::county_code.eq(key.county),
                    rc::id.eq(id),
                    rc::party_org_id.eq(case.party_org.id),
                    rc::year.eq(today.year()),
                    rc::basis.eq(case.basis.code()),
                    rc::reasons.eq(reasons.join("\n")),
                    rc::causes.eq(&causes),
                    rc::measures.eq(&measures),
                    rc::leader.eq(&leader),
                    rc::instructor_county.eq(case.instructor.map(|i| i.county)),
                    rc::instructor_id.eq(case.instructor.map(|i| i.id)),
                    rc::deadline.eq(case.deadline),
                    rc::opened_on.eq(today),
                    rc::opened_by.eq(actor),
                ))
                .execute(conn)?;
            // The candidates' lists name the case.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "open",
                    entity: "rectification_case",
                    county: key.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": { "county": case.party_org.county, "id": case.party_org.id },
                        "basis": case.basis.code(),
                        "reasons": reasons,
                        "leader": leader,
                        "deadline": case.deadline,
                    })),
                },
            )?;
            Ok(key)
        })
    }

    /// The cases of `scope` (its organizations', the scope's own included) of `year`, open
    /// first, then by deadline.
    pub fn rectification_cases(&mut self, scope: &Scope, year: i32) -> Result<Vec<CaseSummary>> {
        if scope.member.is_some() {
            return Ok(Vec::new());
        }
        let (low, high) = scope.path_range();
        let rows: Vec<CaseRow> = rc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rc::county_code)
                    .and(po::id.eq(rc::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rc::year.eq(year))
            .order((rc::closed_on.is_not_null(), rc::deadline, rc::id))
            .select(case_columns!())
            .load(self.conn())?;
        rows.into_iter().map(summary).collect()
    }

    /// One case of `scope`; `None` outside it.
    pub fn rectification_case(&mut self, scope: &Scope, key: Key) -> Result<Option<CaseView>> {
        if scope.member.is_some() {
            return Ok(None);
        }
        let conn = self.conn();
        type Detail = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let row: Option<(CaseRow, Detail)> = rc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rc::county_code)
                    .and(po::id.eq(rc::party_org_id))),
            )
            .left_join(
                ins::table.on(ins::county_code
                    .nullable()
                    .eq(rc::instructor_county)
                    .and(ins::id.nullable().eq(rc::instructor_id))),
            )
            .filter(rc::county_code.eq(key.county))
            .filter(rc::id.eq(key.id))
            .select((
                case_columns!(),
                (
                    rc::reasons,
                    rc::causes,
                    rc::measures,
                    rc::leader,
                    ins::name.nullable(),
                    rc::closed_by,
                    rc::acceptance,
                    po::path,
                ),
            ))
            .first(conn)
            .optional()?;
        let Some((
            row,
            (reasons, causes, measures, leader, instructor, closed_by, acceptance, path),
        )) = row
        else {
            return Ok(None);
        };
        if !scope.contains_path(&path) {
            return Ok(None);
        }
        let notes = rn::table
            .filter(rn::county_code.eq(key.county))
            .filter(rn::case_id.eq(key.id))
            .order(rn::seq)
            .select((rn::noted_on, rn::noted_by, rn::note))
            .load::<(NaiveDate, String, String)>(conn)?
            .into_iter()
            .map(|(noted_on, noted_by, note)| CaseNote {
                noted_on,
                noted_by,
                note,
            })
            .collect();
        Ok(Some(CaseView {
            summary: summary(row)?,
            reasons: reasons.lines().map(str::to_owned).collect(),
            causes,
            measures,
            leader,
            instructor,
            notes,
            closed_by,
            acceptance,
            above: path != scope.party_path,
        }))
    }

    /// Adds a dated progress note to an open case of `scope` (the branch's own included).
    pub fn note_rectification(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        note: &str,
    ) -> Result<()> {
        let note = typed_text("整改进展", note, true, 2000)?;
        let view = self
            .rectification_case(scope, key)?
            .ok_or_else(|| StoreError::invalid("整顿", "不存在或不在您的管理范围内"))?;
        if view.summary.closed_on.is_some() {
            return Err(StoreError::invalid(
                "整改进展",
                "已验收销号的整顿不再记录进展",
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // Accepted meanwhile? Read again under the write lock.
            let closed: Option<NaiveDate> = rc::table
                .filter(rc::county_code.eq(key.county))
                .filter(rc::id.eq(key.id))
                .select(rc::closed_on)
                .first(conn)?;
            if closed.is_some() {
                return Err(StoreError::invalid(
                    "整改进展",
                    "已验收销号的整顿不再记录进展",
                ));
            }
            let last: Option<i32> = rn::table
                .filter(rn::county_code.eq(key.county))
                .filter(rn::case_id.eq(key.id))
                .select(diesel::dsl::max(rn::seq))
                .first(conn)?;
            let seq = last.unwrap_or(0) + 1;
            diesel::insert_into(rn::table)
                .values((
                    rn::county_code.eq(key.county),
                    rn::case_id.eq(key.id),
                    rn::seq.eq(seq),
                    rn::noted_on.eq(today),
                    rn::noted_by.eq(actor),
                    rn::note.eq(&note),
                ))
                .execute(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "note",
                    entity: "rectification_case",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "seq": seq, "note": note })),
                },
            )
        })
    }

    /// 验收销号: the level above closes a case it finds rectified, with its conclusion.
    pub fn accept_rectification(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        conclusion: &str,
    ) -> Result<()> {
        let conclusion = typed_text("验收意见", conclusion, true, 2000)?;
        let view = self
            .rectification_case(scope, key)?
            .ok_or_else(|| StoreError::invalid("整顿", "不存在或不在您的管理范围内"))?;
        if !view.above {
            return Err(StoreError::invalid(
                "验收意见",
                "验收销号由上级党组织办理，本级不能验收自己的整顿",
            ));
        }
        if view.summary.closed_on.is_some() {
            return Err(StoreError::invalid("验收意见", "该整顿已经验收销号"));
        }
        if view.notes.is_empty() {
            return Err(StoreError::invalid(
                "验收意见",
                "还没有任何整改进展记录，不能验收",
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let closed = diesel::update(
                rc::table
                    .filter(rc::county_code.eq(key.county))
                    .filter(rc::id.eq(key.id))
                    .filter(rc::closed_on.is_null()),
            )
            .set((
                rc::closed_on.eq(today),
                rc::closed_by.eq(actor),
                rc::acceptance.eq(&conclusion),
            ))
            .execute(conn)?;
            if closed != 1 {
                return Err(StoreError::invalid("验收意见", "该整顿已经验收销号"));
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "accept",
                    entity: "rectification_case",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({ "acceptance": conclusion })),
                },
            )
        })
    }
}
