//! Two tables of the annual 党内统计 computed from the evaluation's records, for a party
//! organization's subtree, a year and a day (nothing dated after the day counts), with a
//! row for the whole, one for the organization's own and one per organization directly
//! under it:
//!
//! - 第八表 民主评议党员情况: the branches that held a round, the members who took part and
//!   voted, the 组织评定's grades, and the 不合格党员处置 cases (carried in, opened, ended
//!   corrected, 劝退 or 除名, still open);
//! - 整顿软弱涣散基层党组织情况: the organizations found weak in the year, by the rules (and by
//!   which criterion) or named by the level above, those accepted (销号), still in
//!   rectification, and past their deadline.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use diesel::prelude::*;
use liangxin_domain::appraisal::{CorrectionOutcome, Grade};
use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::registry::Key;
use liangxin_domain::weak::WeakCriterion;

use crate::error::{Result, StoreError};
use crate::schema::{
    appraisal_ballots as ab, appraisal_roll as ar, appraisal_rounds as rd, correction_cases as cc,
    members as m, party_orgs as po, rectification_cases as rc,
};
use crate::weak::Basis;
use crate::{Scope, Store};

/// 第八表 民主评议党员情况, one row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AppraisalCounts {
    /// 党支部 (branches of every kind) in the subtree.
    pub branches: i64,
    /// Branches whose round of the year was closed (唱票) by the day.
    pub rounds_closed: i64,
    /// Members who held a credential in those rounds (参加评议).
    pub took_part: i64,
    /// Ballots cast in them.
    pub voted: i64,
    /// Full members graded by the 支委会 (组织评定), and by grade: 优秀, 合格, 基本合格, 不合格.
    pub graded: i64,
    pub grades: [i64; 4],
    /// 不合格党员处置: cases open when the year began, opened in it, ended in it as 已改正,
    /// 劝退 or 除名, and open on the day.
    pub cases_carried: i64,
    pub cases_opened: i64,
    pub corrected: i64,
    pub persuaded_out: i64,
    pub removed: i64,
    pub cases_open: i64,
}

/// 整顿软弱涣散基层党组织情况, one row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RectificationCounts {
    /// Organizations found weak in the year (立案).
    pub found: i64,
    pub by_rules: i64,
    pub by_nomination: i64,
    /// Among those found by the rules, how many for each criterion ([`WeakCriterion::ALL`]).
    pub by_criterion: [i64; WeakCriterion::ALL.len()],
    /// Accepted and closed (验收销号) by the day; still in rectification; of those, past
    /// their deadline.
    pub accepted: i64,
    pub in_progress: i64,
    pub overdue: i64,
}

/// A row of the tables: whose it is and its counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// None: the whole subtree (合计). Some with the organization itself: its own (本级).
    pub party_org: Option<(Key, String)>,
    pub own: bool,
    pub appraisal: AppraisalCounts,
    pub rectification: RectificationCounts,
}

/// The two tables of a subtree for a year as of a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationTables {
    pub party_org: (Key, String),
    pub year: i32,
    pub as_of: NaiveDate,
    pub rows: Vec<TableRow>,
}

/// Which row a path counts toward: the child it lies under, else the organization's own.
struct Rows {
    children: Vec<String>,
    appraisal: Vec<AppraisalCounts>,
    rectification: Vec<RectificationCounts>,
}

impl Rows {
    /// Slot 0 is the whole, slot 1 the organization's own, slot 2 + i the i-th child.
    fn slot(&self, path: &str) -> usize {
        self.children
            .iter()
            .position(|c| path.starts_with(c.as_str()))
            .map_or(1, |i| i + 2)
    }

    fn appraisal(&mut self, path: &str, f: impl Fn(&mut AppraisalCounts)) {
        let s = self.slot(path);
        f(&mut self.appraisal[0]);
        f(&mut self.appraisal[s]);
    }

    fn rectification(&mut self, path: &str, f: impl Fn(&mut RectificationCounts)) {
        let s = self.slot(path);
        f(&mut self.rectification[0]);
        f(&mut self.rectification[s]);
    }
}

impl Store {
    /// The tables of `party_org`'s subtree (in `scope`) for `year`, as of `as_of`: the
    /// year's rounds and cases, with what happened to them by that day (a year's 民主评议 is
    /// often held early in the next, so a day after the year counts them).
    pub fn evaluation_tables(
        &mut self,
        scope: &Scope,
        party_org: Key,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<EvaluationTables> {
        if scope.member.is_some() {
            return Err(StoreError::invalid("范围", "统计表由党组织查看"));
        }
        let year_start = NaiveDate::from_ymd_opt(year, 1, 1)
            .ok_or_else(|| StoreError::invalid("年度", "不是有效年度"))?;
        if year_start > as_of {
            return Err(StoreError::invalid("年度", "该年度尚未开始"));
        }
        let (low, high) = scope.path_range();
        let found: Option<(String, String)> = po::table
            .filter(po::county_code.eq(party_org.county))
            .filter(po::id.eq(party_org.id))
            .filter(po::path.ge(low).and(po::path.lt(high)))
            .select((po::path, po::name))
            .first(self.conn())
            .optional()?;
        let Some((path, name)) = found else {
            return Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内"));
        };
        let sub = Scope::subtree(path.clone());
        let (low, high) = sub.path_range();
        let children: Vec<(i32, i64, String, String)> = po::table
            .filter(po::parent_county.eq(party_org.county))
            .filter(po::parent_id.eq(party_org.id))
            .order(po::path)
            .select((po::county_code, po::id, po::name, po::path))
            .load(self.conn())?;
        let n = children.len() + 2;
        let mut rows = Rows {
            children: children.iter().map(|c| c.3.clone()).collect(),
            appraisal: vec![AppraisalCounts::default(); n],
            rectification: vec![RectificationCounts::default(); n],
        };
        let conn = self.conn();

        // Branches, as the tables count them (党支部 of every kind, not 党小组 or committees).
        let types: Vec<(String, String)> = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select((po::path, po::org_type))
            .load(conn)?;
        for (p, t) in types {
            if PartyOrgType::parse(&t).is_ok_and(|t| t.is_branch()) {
                rows.appraisal(&p, |a| a.branches += 1);
            }
        }

        // Rounds closed by the day, with their credentials; their ballots and grades are
        // counted per round in the database, one statement each, not one per round.
        let rounds: Vec<(String, i32, i32, i64, Option<NaiveDate>)> = rd::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rd::county_code)
                    .and(po::id.eq(rd::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rd::year.eq(year))
            .filter(rd::closed_on.le(as_of))
            .select((
                po::path,
                rd::eligible,
                rd::county_code,
                rd::id,
                rd::decided_on,
            ))
            .load(conn)?;
        // Per county, the rounds' ids in chunks: ballots are never joined to anything.
        let mut by_county: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
        for r in &rounds {
            by_county.entry(r.2).or_default().push(r.3);
        }
        let mut voted: HashMap<(i32, i64), i64> = HashMap::new();
        let mut graded: HashMap<(i32, i64), Vec<(String, i64)>> = HashMap::new();
        for (county, ids) in &by_county {
            for chunk in ids.chunks(crate::registry::IN_LIST_MAX) {
                for (r, n) in ab::table
                    .filter(ab::county_code.eq(county))
                    .filter(ab::round_id.eq_any(chunk))
                    .group_by(ab::round_id)
                    .select((ab::round_id, diesel::dsl::count_star()))
                    .load::<(i64, i64)>(conn)?
                {
                    voted.insert((*county, r), n);
                }
                for (r, g, n) in ar::table
                    .filter(ar::county_code.eq(county))
                    .filter(ar::round_id.eq_any(chunk))
                    .filter(ar::grade.is_not_null())
                    .group_by((ar::round_id, ar::grade))
                    .select((
                        ar::round_id,
                        ar::grade.assume_not_null(),
                        diesel::dsl::count_star(),
                    ))
                    .load::<(i64, String, i64)>(conn)?
                {
                    graded.entry((*county, r)).or_default().push((g, n));
                }
            }
        }
        for (p, eligible, county, id, decided_on) in rounds {
            let voted = voted.get(&(county, id)).copied().unwrap_or(0);
            rows.appraisal(&p, |a| {
                a.rounds_closed += 1;
                a.took_part += i64::from(eligible);
                a.voted += voted;
            });
            if decided_on.is_some_and(|d| d <= as_of) {
                for (g, n) in graded.get(&(county, id)).into_iter().flatten() {
                    let i = Grade::ALL.iter().position(|x| x.label() == g);
                    rows.appraisal(&p, |a| {
                        a.graded += n;
                        if let Some(i) = i {
                            a.grades[i] += n;
                        }
                    });
                }
            }
        }

        // 不合格党员处置: by the member's organization (a member who left keeps theirs).
        let cases: Vec<(String, NaiveDate, Option<String>, Option<NaiveDate>)> = cc::table
            .inner_join(
                m::table.on(m::county_code
                    .eq(cc::member_county)
                    .and(m::id.eq(cc::member_id))),
            )
            .inner_join(
                po::table.on(po::county_code
                    .eq(m::county_code)
                    .and(po::id.eq(m::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(cc::opened_on.le(as_of))
            .filter(cc::closed_on.is_null().or(cc::closed_on.ge(year_start)))
            .select((po::path, cc::opened_on, cc::outcome, cc::closed_on))
            .load(conn)?;
        for (p, opened_on, outcome, closed_on) in cases {
            let closed = closed_on.filter(|d| *d <= as_of);
            let outcome = outcome.as_deref().and_then(CorrectionOutcome::parse);
            rows.appraisal(&p, |a| {
                if opened_on < year_start {
                    a.cases_carried += 1;
                } else {
                    a.cases_opened += 1;
                }
                match (closed, outcome) {
                    (Some(_), Some(CorrectionOutcome::Corrected)) => a.corrected += 1,
                    (Some(_), Some(CorrectionOutcome::PersuadedOut)) => a.persuaded_out += 1,
                    (Some(_), Some(CorrectionOutcome::Removed)) => a.removed += 1,
                    _ => a.cases_open += 1,
                }
            });
        }

        // 整顿软弱涣散: the year's cases opened by the day.
        let weak: Vec<(String, String, String, NaiveDate, Option<NaiveDate>)> = rc::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rc::county_code)
                    .and(po::id.eq(rc::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rc::year.eq(year))
            .filter(rc::opened_on.le(as_of))
            .select((
                po::path,
                rc::basis,
                rc::reasons,
                rc::deadline,
                rc::closed_on,
            ))
            .load(conn)?;
        for (p, basis, reasons, deadline, closed_on) in weak {
            let by_rules = basis == Basis::Rules.code();
            // A case by the rules keeps each reason as `标签：事实（依据…）`.
            let criteria: Vec<usize> = WeakCriterion::ALL
                .iter()
                .enumerate()
                .filter(|(_, c)| {
                    by_rules
                        && reasons
                            .lines()
                            .any(|l| l.starts_with(&format!("{}：", c.label())))
                })
                .map(|(i, _)| i)
                .collect();
            let accepted = closed_on.is_some_and(|d| d <= as_of);
            rows.rectification(&p, |r| {
                r.found += 1;
                if by_rules {
                    r.by_rules += 1;
                } else {
                    r.by_nomination += 1;
                }
                for i in &criteria {
                    r.by_criterion[*i] += 1;
                }
                if accepted {
                    r.accepted += 1;
                } else {
                    r.in_progress += 1;
                    if deadline < as_of {
                        r.overdue += 1;
                    }
                }
            });
        }

        let Rows {
            appraisal,
            rectification,
            ..
        } = rows;
        let mut pairs = appraisal.into_iter().zip(rectification);
        let mut out = Vec::with_capacity(n);
        if let Some((a, r)) = pairs.next() {
            out.push(TableRow {
                party_org: None,
                own: false,
                appraisal: a,
                rectification: r,
            });
        }
        if let Some((a, r)) = pairs.next() {
            out.push(TableRow {
                party_org: Some((party_org, name.clone())),
                own: true,
                appraisal: a,
                rectification: r,
            });
        }
        for ((county, id, name, _), (a, r)) in children.into_iter().zip(pairs) {
            out.push(TableRow {
                party_org: Some((Key { county, id }, name)),
                own: false,
                appraisal: a,
                rectification: r,
            });
        }
        Ok(EvaluationTables {
            party_org: (party_org, name),
            year,
            as_of,
            rows: out,
        })
    }
}
