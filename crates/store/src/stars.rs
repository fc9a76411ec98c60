//! 双强六好 评星晋级 (see [`liangxin_domain::stars`]): an assessment per party organization
//! and year through its four steps, each step by the level the practice gives it and only
//! in order. Who may take a step follows from the scope: the organization itself (or any
//! level above) assesses itself; a level above it but below the city scores (the town or
//! zone 党工委, or the county where there is none); a county reviews; the city confirms.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::coverage;
use liangxin_domain::kinds::PartyOrgType;
use liangxin_domain::life::{self, LifeRules};
use liangxin_domain::period::Period;
use liangxin_domain::registry::Key;
use liangxin_domain::rules::{CoverageRules, RuleRef};
use liangxin_domain::stars::{
    self, Change, Indicator, ItemScore, RecordFacts, Source, StarRules, Veto,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    appraisal_rounds as rd, audit_findings as af, party_orgs as po, star_assessments as sa,
    star_items as si,
};
use crate::{Scope, Store};

/// The step an assessment has reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// 自评
    SelfAssessed,
    /// 小镇园区党工委评分
    Scored,
    /// 县两新工委审核
    Reviewed,
    /// 市两新工委确认
    Confirmed,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 4] = [
        Step::SelfAssessed,
        Step::Scored,
        Step::Reviewed,
        Step::Confirmed,
    ];

    /// The step of a code (self, scored, reviewed, confirmed).
    pub fn from_code(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    pub const fn code(self) -> &'static str {
        match self {
            Step::SelfAssessed => "self",
            Step::Scored => "scored",
            Step::Reviewed => "reviewed",
            Step::Confirmed => "confirmed",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Step::SelfAssessed => "已自评，待小镇（园区）党工委评分",
            Step::Scored => "已评分，待县两新工委审核",
            Step::Reviewed => "已审核，待市两新工委确认",
            Step::Confirmed => "已确认",
        }
    }

    fn parse(code: &str) -> Result<Step> {
        Step::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("评星状态：{code}")))
    }
}

/// What a scope may do with an organization's assessment, by its level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StarRights {
    pub assess: bool,
    pub score: bool,
    pub review: bool,
    pub confirm: bool,
}

/// What `scope` may do with the assessment of the organization at `org_path`; `zoned`
/// when a 小镇（园区）党工委 stands above it (then the town scores, not the county).
fn rights(scope: &Scope, org_path: &str, zoned: bool) -> StarRights {
    let inside = scope.contains_path(org_path) && scope.member.is_none();
    let above = inside && org_path != scope.party_path;
    let city = scope.region.is_some_and(|r| r % 100 == 0);
    let county = scope.region.is_some_and(|r| r % 100 != 0);
    StarRights {
        assess: inside,
        score: above && (scope.zone.is_some() || (county && !zoned)),
        review: above && county,
        confirm: above && city,
    }
}

/// Whether the step after `step` of the assessment of the organization at `path` is
/// `scope`'s to take; `zoned`: the paths of the 党工委 leading a zone.
fn next_is_yours(scope: &Scope, step: Step, path: &str, zoned: &[String]) -> bool {
    let under_zone = zoned
        .iter()
        .any(|z| path.starts_with(z.as_str()) && z != path);
    let r = rights(scope, path, under_zone);
    match step {
        Step::SelfAssessed => r.score,
        Step::Scored => r.review,
        Step::Reviewed => r.confirm,
        Step::Confirmed => false,
    }
}

/// A record-filled indicator as kept when the town scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct KeptItem {
    indicator: String,
    points: i64,
    max: i64,
    explanation: String,
    rule_key: String,
    rule_version: i32,
    rule_title: String,
    rule_source: String,
}

impl From<&ItemScore> for KeptItem {
    fn from(s: &ItemScore) -> Self {
        KeptItem {
            indicator: s.indicator.code().to_owned(),
            points: s.points,
            max: s.max,
            explanation: s.explanation.clone(),
            rule_key: s.rule.key.clone(),
            rule_version: s.rule.version,
            rule_title: s.rule.title.clone(),
            rule_source: s.rule.source.clone(),
        }
    }
}

/// One line of an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarLine {
    pub indicator: Indicator,
    pub max: i64,
    /// Assessed indicators: the self-score and its evidence.
    pub self_points: Option<i64>,
    pub evidence: String,
    /// The town's score (or the records', for record-filled ones), with its note.
    pub points: Option<i64>,
    pub note: String,
    /// The county's adjustment, if it made one.
    pub reviewed_points: Option<i64>,
    pub rule: RuleRef,
}

impl StarLine {
    /// The points that count: the county's, else the town's (or the records').
    pub fn counted(&self) -> Option<i64> {
        self.reviewed_points.or(self.points)
    }
}

/// An assessment as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarSummary {
    pub key: Key,
    pub party_org: Key,
    pub year: i32,
    pub step: Step,
    pub total: Option<i64>,
    /// 0: not rated (一票否决).
    pub stars: Option<u8>,
    pub previous_stars: Option<u8>,
    pub demonstration: bool,
}

impl StarSummary {
    /// 晋级, 降级 or 保持, once confirmed.
    pub fn change(&self) -> Option<Change> {
        (self.step == Step::Confirmed)
            .then(|| self.stars.map(|s| Change::between(self.previous_stars, s)))
            .flatten()
    }
}

/// A line of a scope's ratings of a year: the assessment, its organization, and whether
/// the next step is the scope's to take (待办).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarListLine {
    pub summary: StarSummary,
    pub party_org_name: String,
    pub yours: bool,
}

/// A scope's ratings of a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarList {
    /// The year listed, and every year the scope has ratings of (newest first).
    pub year: i32,
    pub years: Vec<i32>,
    /// Organizations of the scope that are rated (not 党工委 nor 党小组), whether or not
    /// they took part.
    pub eligible: u32,
    /// By the organization's path, so a town's lie together.
    pub lines: Vec<StarListLine>,
}

impl StarList {
    /// Confirmed ratings by stars: `[0]` vetoed, `[n]` n stars.
    pub fn confirmed_by_stars(&self) -> [u32; 6] {
        let mut out = [0; 6];
        for l in &self.lines {
            if let (Step::Confirmed, Some(n)) = (l.summary.step, l.summary.stars) {
                out[usize::from(n.min(5))] += 1;
            }
        }
        out
    }
}

/// A whole assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarView {
    pub summary: StarSummary,
    pub party_org_name: String,
    pub lines: Vec<StarLine>,
    pub vetoes: Vec<Veto>,
    pub steps: Vec<(Step, NaiveDate, String)>,
    pub review_note: Option<String>,
    pub rights: StarRights,
}

/// An assessed indicator's row: code, self-score, evidence, town's score and note, county's.
type ItemRow = (
    String,
    i32,
    String,
    Option<i32>,
    Option<String>,
    Option<i32>,
);

type Row = (
    i32,
    i64,
    i64,
    i32,
    String,
    Option<i32>,
    Option<i32>,
    Option<i32>,
    bool,
);

macro_rules! summary_columns {
    () => {
        (
            sa::county_code,
            sa::id,
            sa::party_org_id,
            sa::year,
            sa::state,
            sa::total,
            sa::stars,
            sa::previous_stars,
            sa::demonstration,
        )
    };
}

fn summary(r: Row) -> Result<StarSummary> {
    let (county, id, po_id, year, state, total, stars, previous, demonstration) = r;
    let small = |v: Option<i32>| v.map(|s| u8::try_from(s).unwrap_or(0));
    Ok(StarSummary {
        key: Key { county, id },
        party_org: Key { county, id: po_id },
        year,
        step: Step::parse(&state)?,
        total: total.map(i64::from),
        stars: small(stars),
        previous_stars: small(previous),
        demonstration,
    })
}

fn points(field: &'static str, value: i64, max: i64) -> Result<i32> {
    if !(0..=max).contains(&value) {
        return Err(StoreError::invalid(field, format!("应在0到{max}分之间")));
    }
    Ok(i32::try_from(value).unwrap_or(0))
}

impl Store {
    /// What `scope` may do with the assessment of the organization at `path`.
    fn star_rights(&mut self, scope: &Scope, path: &str) -> Result<StarRights> {
        // The organizations above: every prefix of the path ("/1/", "/1/2/" …).
        let above: Vec<String> = path
            .match_indices('/')
            .skip(1)
            .map(|(i, _)| path[..=i].to_owned())
            .filter(|p| p != path)
            .collect();
        let zones: i64 = po::table
            .filter(po::path.eq_any(above))
            .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
            .filter(po::zone_id.is_not_null())
            .count()
            .get_result(self.conn())?;
        Ok(rights(scope, path, zones > 0))
    }

    /// The organization of `scope` by key: its path, type and name.
    fn star_org(&mut self, scope: &Scope, key: Key) -> Result<(String, PartyOrgType, String)> {
        let row: Option<(String, String, String)> = po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id))
            .filter(po::dissolved_on.is_null())
            .select((po::path, po::org_type, po::name))
            .first(self.conn())
            .optional()?;
        match row {
            Some((path, t, name)) if scope.contains_path(&path) && scope.member.is_none() => {
                let t = PartyOrgType::parse(&t).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok((path, t, name))
            }
            _ => Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内")),
        }
    }

    /// What the records say of an organization's `year` up to `as_of` (its subtree's
    /// organizational life, dues, committee, 民主评议, findings and archives).
    pub fn star_record_facts(
        &mut self,
        key: Key,
        path: &str,
        org_type: PartyOrgType,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<RecordFacts> {
        let set = self.rule_set()?;
        let corrupt = |e: liangxin_domain::rules::RuleError| StoreError::Corrupt(e.to_string());
        let life_rules = LifeRules::resolve(&set, as_of).map_err(corrupt)?;
        let coverage_rules = CoverageRules::resolve(&set, as_of).map_err(corrupt)?;
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(as_of);
        let to = NaiveDate::from_ymd_opt(year, 12, 31)
            .unwrap_or(as_of)
            .min(as_of);
        let subtree = Scope::subtree(path.to_owned());
        let mut periods = (0, 0);
        let mut branches: HashSet<Key> = HashSet::new();
        for org in self.life_facts(&subtree, from, to)? {
            let (ended, met) = life::assess(&org, &life_rules, from, to).ended();
            periods.0 += ended;
            periods.1 += met;
            if org.org_type.is_branch() {
                branches.insert(org.key);
            }
        }
        let mut percents = Vec::new();
        let mut month = Period::containing_month(from);
        while month.first_day() <= to {
            if let Some(p) = self.dues_month(&subtree, month)?.total.paid_percent() {
                percents.push(p);
            }
            month = month.next();
        }
        let dues_percent = (!percents.is_empty()).then(|| {
            u32::try_from(
                percents.iter().map(|p| u64::from(*p)).sum::<u64>() / percents.len() as u64,
            )
            .unwrap_or(100)
        });
        let secretary_in_post = !self
            .secretary_vacancies(&subtree, to)?
            .iter()
            .any(|(k, _)| *k == key);
        let term: Option<NaiveDate> = po::table
            .filter(po::county_code.eq(key.county))
            .filter(po::id.eq(key.id))
            .select(po::term_started)
            .first(self.conn())?;
        let term_in_force = match term {
            Some(t) => {
                coverage::term_end(org_type, t, &coverage_rules).is_none_or(|(ends, _)| ends > to)
            }
            // Appointed, or no term recorded: the committee check says the rest.
            None => !matches!(org_type, PartyOrgType::Branch | PartyOrgType::JointBranch),
        };
        let (low, high) = subtree.path_range();
        let closed: HashSet<Key> = rd::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(rd::county_code)
                    .and(po::id.eq(rd::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(rd::year.eq(year))
            .filter(rd::closed_on.is_not_null())
            .select((rd::county_code, rd::party_org_id))
            .load::<(i32, i64)>(self.conn())?
            .into_iter()
            .map(|(county, id)| Key { county, id })
            .collect();
        let appraisal_closed = !branches.is_empty() && branches.iter().all(|b| closed.contains(b));
        let open_findings: i64 = af::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(af::county_code)
                    .and(po::id.eq(af::responsible_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(af::closed_on.is_null())
            .count()
            .get_result(self.conn())?;
        let (members, _, mean) = self.party_org_archive(&subtree, to, key)?;
        Ok(RecordFacts {
            periods,
            dues_percent,
            secretary_in_post,
            term_in_force,
            appraisal_closed,
            open_findings: u32::try_from(open_findings).unwrap_or(u32::MAX),
            archive_percent: (members > 0).then_some(mean),
        })
    }

    /// 自评: the organization (or a level above) scores itself on the assessed indicators,
    /// each with its evidence. Again while no one has scored it replaces the last.
    pub fn self_assess_stars(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        party_org: Key,
        year: i32,
        items: &[(Indicator, i64, String)],
    ) -> Result<Key> {
        let (path, org_type, _) = self.star_org(scope, party_org)?;
        if matches!(
            org_type,
            PartyOrgType::Group | PartyOrgType::WorkingCommittee
        ) {
            return Err(StoreError::invalid(
                "党组织",
                "评星的对象是两新组织的党组织（党支部、党总支、基层党委）",
            ));
        }
        if !self.star_rights(scope, &path)?.assess {
            return Err(StoreError::invalid("党组织", "不存在或不在您的管理范围内"));
        }
        if year != today.year() && year != today.year() - 1 {
            return Err(StoreError::invalid(
                "评星年度",
                format!("只能是今年（{}）或上一年", today.year()),
            ));
        }
        let rules = StarRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let assessed: Vec<Indicator> = Indicator::ALL
            .into_iter()
            .filter(|i| i.source() == Source::Assessed)
            .collect();
        let mut rows = Vec::with_capacity(assessed.len());
        for i in &assessed {
            let Some((_, p, evidence)) = items.iter().find(|(x, ..)| x == i) else {
                return Err(StoreError::invalid(
                    "自评",
                    format!("“{}”没有自评分", i.label()),
                ));
            };
            let p = points("自评", *p, rules.max(*i).value).map_err(|_| {
                StoreError::invalid(
                    "自评",
                    format!("“{}”应在0到{}分之间", i.label(), rules.max(*i).value),
                )
            })?;
            let evidence = typed_text("自评依据", evidence, true, 500)
                .map_err(|e| StoreError::invalid("自评依据", format!("“{}”：{e}", i.label())))?;
            rows.push((i.code(), p, evidence));
        }
        if items.iter().any(|(i, ..)| i.source() == Source::Records) {
            return Err(StoreError::invalid(
                "自评",
                "从记录计算的指标（组织生活、党费、班子、民主评议、排查问题、档案）不能自评打分",
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let existing: Option<(i64, String)> = sa::table
                .filter(sa::county_code.eq(party_org.county))
                .filter(sa::party_org_id.eq(party_org.id))
                .filter(sa::year.eq(year))
                .select((sa::id, sa::state))
                .first(conn)
                .optional()?;
            let id = match existing {
                Some((id, state)) if state == Step::SelfAssessed.code() => {
                    diesel::delete(
                        si::table
                            .filter(si::county_code.eq(party_org.county))
                            .filter(si::assessment_id.eq(id)),
                    )
                    .execute(conn)?;
                    diesel::update(
                        sa::table
                            .filter(sa::county_code.eq(party_org.county))
                            .filter(sa::id.eq(id)),
                    )
                    .set((sa::self_on.eq(today), sa::self_by.eq(actor)))
                    .execute(conn)?;
                    id
                }
                Some(_) => {
                    return Err(StoreError::invalid("自评", "已经评分，不能再修改自评"));
                }
                None => {
                    let id = crate::registry::allocate(conn, "star_assessments", 1)?;
                    diesel::insert_into(sa::table)
                        .values((
                            sa::county_code.eq(party_org.county),
                            sa::id.eq(id),
                            sa::party_org_id.eq(party_org.id),
                            sa::year.eq(year),
                            sa::state.eq(Step::SelfAssessed.code()),
                            sa::self_on.eq(today),
                            sa::self_by.eq(actor),
                            sa::demonstration.eq(false),
                        ))
                        .execute(conn)?;
                    id
                }
            };
            for (code, p, evidence) in &rows {
                diesel::insert_into(si::table)
                    .values((
                        si::county_code.eq(party_org.county),
                        si::assessment_id.eq(id),
                        si::indicator.eq(code),
                        si::self_points.eq(p),
                        si::evidence.eq(evidence),
                    ))
                    .execute(conn)?;
            }
            // What waits for whom (待办) follows the step.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "self_assess",
                    entity: "star_assessment",
                    county: party_org.county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "party_org": { "county": party_org.county, "id": party_org.id },
                        "year": year,
                        "items": rows.iter().map(|(c, p, e)| json!({ "indicator": c, "points": p, "evidence": e })).collect::<Vec<_>>(),
                    })),
                },
            )?;
            Ok(Key {
                county: party_org.county,
                id,
            })
        })
    }

    /// The assessment `key` of `scope`, with the organization's path, type and the step.
    fn star_in_scope(
        &mut self,
        scope: &Scope,
        key: Key,
    ) -> Result<(StarSummary, String, PartyOrgType, String)> {
        let row: Option<Row> = sa::table
            .filter(sa::county_code.eq(key.county))
            .filter(sa::id.eq(key.id))
            .select(summary_columns!())
            .first(self.conn())
            .optional()?;
        let row = row.ok_or_else(|| StoreError::invalid("评星", "不存在或不在您的管理范围内"))?;
        let s = summary(row)?;
        let (path, t, name) = self
            .star_org(scope, s.party_org)
            .map_err(|_| StoreError::invalid("评星", "不存在或不在您的管理范围内"))?;
        Ok((s, path, t, name))
    }

    /// 评分: the town or zone 党工委 (or the county where there is none) scores the
    /// assessed indicators with a note each; the record-filled ones are computed now from
    /// the records and kept as they stood. A veto leaves the organization unrated.
    pub fn score_stars(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        scores: &[(Indicator, i64, String)],
        vetoes: &[Veto],
    ) -> Result<()> {
        let (s, path, org_type, _) = self.star_in_scope(scope, key)?;
        if !self.star_rights(scope, &path)?.score {
            return Err(StoreError::invalid(
                "评分",
                "评分由小镇（园区）党工委或县两新工委办理，本级不能为自己评分",
            ));
        }
        if s.step != Step::SelfAssessed {
            return Err(StoreError::invalid("评分", "该评星已经评分"));
        }
        let rules = StarRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut rows = Vec::new();
        for i in Indicator::ALL
            .into_iter()
            .filter(|i| i.source() == Source::Assessed)
        {
            let Some((_, p, note)) = scores.iter().find(|(x, ..)| *x == i) else {
                return Err(StoreError::invalid(
                    "评分",
                    format!("“{}”没有评分", i.label()),
                ));
            };
            let max = rules.max(i).value;
            let p = points("评分", *p, max).map_err(|_| {
                StoreError::invalid("评分", format!("“{}”应在0到{max}分之间", i.label()))
            })?;
            let note = typed_text("评分说明", note, false, 500)?;
            rows.push((i, p, note));
        }
        let facts = self.star_record_facts(s.party_org, &path, org_type, s.year, today)?;
        let record = stars::record_scores(&facts, &rules);
        let total: i64 = record.iter().map(|r| r.points).sum::<i64>()
            + rows.iter().map(|(_, p, _)| i64::from(*p)).sum::<i64>();
        let rated = if vetoes.is_empty() {
            rules.stars(total)
        } else {
            0
        };
        let kept: Vec<KeptItem> = record.iter().map(KeptItem::from).collect();
        let kept = serde_json::to_string(&kept).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let veto_codes: Vec<&str> = vetoes.iter().map(|v| v.code()).collect();
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            for (i, p, note) in &rows {
                diesel::update(
                    si::table
                        .filter(si::county_code.eq(key.county))
                        .filter(si::assessment_id.eq(key.id))
                        .filter(si::indicator.eq(i.code())),
                )
                .set((si::points.eq(p), si::note.eq(note)))
                .execute(conn)?;
            }
            let updated = diesel::update(
                sa::table
                    .filter(sa::county_code.eq(key.county))
                    .filter(sa::id.eq(key.id))
                    .filter(sa::state.eq(Step::SelfAssessed.code())),
            )
            .set((
                sa::state.eq(Step::Scored.code()),
                sa::scored_on.eq(today),
                sa::scored_by.eq(actor),
                sa::vetoes.eq(veto_codes.join(",")),
                sa::record_items.eq(&kept),
                sa::total.eq(i32::try_from(total).unwrap_or(0)),
                sa::stars.eq(i32::from(rated)),
            ))
            .execute(conn)?;
            if updated != 1 {
                return Err(StoreError::invalid("评分", "该评星已经评分"));
            }
            // What waits for whom (待办) follows the step.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "score",
                    entity: "star_assessment",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "items": rows.iter().map(|(i, p, n)| json!({ "indicator": i.code(), "points": p, "note": n })).collect::<Vec<_>>(),
                        "records": record.iter().map(|r| json!({ "indicator": r.indicator.code(), "points": r.points, "rule": { "key": r.rule.key, "version": r.rule.version } })).collect::<Vec<_>>(),
                        "vetoes": veto_codes,
                        "total": total,
                        "stars": rated,
                    })),
                },
            )
        })
    }

    /// 审核: the county agrees, or adjusts assessed indicators (never the record-filled
    /// ones) with its reason.
    pub fn review_stars(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        adjustments: &[(Indicator, i64)],
        note: &str,
    ) -> Result<()> {
        let (s, path, _, _) = self.star_in_scope(scope, key)?;
        if !self.star_rights(scope, &path)?.review {
            return Err(StoreError::invalid("审核", "审核由县两新工委办理"));
        }
        if s.step != Step::Scored {
            return Err(StoreError::invalid(
                "审核",
                match s.step {
                    Step::SelfAssessed => "小镇（园区）党工委评分之后才能审核",
                    _ => "该评星已经审核",
                },
            ));
        }
        let view = self
            .star_assessment(scope, today, key)?
            .ok_or_else(|| StoreError::invalid("评星", "不存在或不在您的管理范围内"))?;
        let mut changed = Vec::new();
        for (i, p) in adjustments {
            let line = view
                .lines
                .iter()
                .find(|l| l.indicator == *i)
                .ok_or_else(|| StoreError::invalid("审核", "没有这个指标"))?;
            if i.source() == Source::Records {
                return Err(StoreError::invalid(
                    "审核",
                    format!("“{}”从记录计算，不能修改", i.label()),
                ));
            }
            let p = points("审核", *p, line.max).map_err(|_| {
                StoreError::invalid("审核", format!("“{}”应在0到{}分之间", i.label(), line.max))
            })?;
            if Some(i64::from(p)) != line.points {
                changed.push((*i, p));
            }
        }
        let note =
            typed_text("审核意见", note, !changed.is_empty(), 1000).map_err(|e| match e {
                StoreError::Invalid { reason, .. } if reason == "必填" => {
                    StoreError::invalid("审核意见", "调整了评分，应写明理由")
                }
                e => e,
            })?;
        let total: i64 = view
            .lines
            .iter()
            .map(|l| {
                changed
                    .iter()
                    .find(|(i, _)| *i == l.indicator)
                    .map(|(_, p)| i64::from(*p))
                    .or(l.points)
                    .unwrap_or(0)
            })
            .sum();
        let rules = StarRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let rated = if view.vetoes.is_empty() {
            rules.stars(total)
        } else {
            0
        };
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // The step moves first, under the write lock: a second review finds it moved.
            let moved = diesel::update(
                sa::table
                    .filter(sa::county_code.eq(key.county))
                    .filter(sa::id.eq(key.id))
                    .filter(sa::state.eq(Step::Scored.code())),
            )
            .set((
                sa::state.eq(Step::Reviewed.code()),
                sa::reviewed_on.eq(today),
                sa::reviewed_by.eq(actor),
                sa::review_note.eq(&note),
                sa::total.eq(i32::try_from(total).unwrap_or(0)),
                sa::stars.eq(i32::from(rated)),
            ))
            .execute(conn)?;
            if moved != 1 {
                return Err(StoreError::invalid("审核", "该评星已经审核"));
            }
            for (i, p) in &changed {
                diesel::update(
                    si::table
                        .filter(si::county_code.eq(key.county))
                        .filter(si::assessment_id.eq(key.id))
                        .filter(si::indicator.eq(i.code())),
                )
                .set(si::reviewed_points.eq(p))
                .execute(conn)?;
            }
            // What waits for whom (待办) follows the step.
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "review",
                    entity: "star_assessment",
                    county: key.county,
                    entity_id: key.id,
                    before: Some(json!({ "total": s.total, "stars": s.stars })),
                    after: Some(json!({
                        "adjusted": changed.iter().map(|(i, p)| json!({ "indicator": i.code(), "points": p })).collect::<Vec<_>>(),
                        "note": note,
                        "total": total,
                        "stars": rated,
                    })),
                },
            )
        })
    }

    /// 确认: the city confirms the reviewed rating, and names a 示范点 if it will; the
    /// change against the last confirmed rating (晋级, 降级) follows.
    pub fn confirm_stars(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
        demonstration: bool,
    ) -> Result<()> {
        let (s, path, _, _) = self.star_in_scope(scope, key)?;
        if !self.star_rights(scope, &path)?.confirm {
            return Err(StoreError::invalid("确认", "确认由市两新工委办理"));
        }
        if s.step != Step::Reviewed {
            return Err(StoreError::invalid(
                "确认",
                if s.step == Step::Confirmed {
                    "该评星已经确认"
                } else {
                    "县两新工委审核之后才能确认"
                },
            ));
        }
        if demonstration && s.stars.unwrap_or(0) < 5 {
            return Err(StoreError::invalid(
                "示范点",
                "只有五星级党组织可以命名为示范点",
            ));
        }
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let previous: Option<Option<i32>> = sa::table
                .filter(sa::county_code.eq(s.party_org.county))
                .filter(sa::party_org_id.eq(s.party_org.id))
                .filter(sa::year.lt(s.year))
                .filter(sa::state.eq(Step::Confirmed.code()))
                .order(sa::year.desc())
                .select(sa::stars)
                .first(conn)
                .optional()?;
            let previous = previous.flatten();
            let moved = diesel::update(
                sa::table
                    .filter(sa::county_code.eq(key.county))
                    .filter(sa::id.eq(key.id))
                    .filter(sa::state.eq(Step::Reviewed.code())),
            )
            .set((
                sa::state.eq(Step::Confirmed.code()),
                sa::confirmed_on.eq(today),
                sa::confirmed_by.eq(actor),
                sa::previous_stars.eq(previous),
                sa::demonstration.eq(demonstration),
            ))
            .execute(conn)?;
            if moved != 1 {
                return Err(StoreError::invalid("确认", "该评星已经确认"));
            }
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "confirm",
                    entity: "star_assessment",
                    county: key.county,
                    entity_id: key.id,
                    before: None,
                    after: Some(json!({
                        "stars": s.stars,
                        "previous": previous,
                        "demonstration": demonstration,
                    })),
                },
            )
        })
    }

    /// The scheme in force on `today`: each indicator with its points and rule.
    pub fn star_scheme(&mut self, today: NaiveDate) -> Result<StarRules> {
        StarRules::resolve(&self.rule_set()?, today).map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// An organization's assessments of `scope`, newest first, with what `scope` may do.
    pub fn star_history(
        &mut self,
        scope: &Scope,
        party_org: Key,
    ) -> Result<(Vec<StarSummary>, StarRights)> {
        let (path, ..) = self.star_org(scope, party_org)?;
        let rights = self.star_rights(scope, &path)?;
        let rows: Vec<Row> = sa::table
            .filter(sa::county_code.eq(party_org.county))
            .filter(sa::party_org_id.eq(party_org.id))
            .order(sa::year.desc())
            .select(summary_columns!())
            .load(self.conn())?;
        Ok((
            rows.into_iter().map(summary).collect::<Result<_>>()?,
            rights,
        ))
    }

    /// The ratings of `year` of every organization in `scope` (the scope's own included),
    /// each marked when its next step is the scope's. Without a year: the latest the scope
    /// has ratings of, else `default`.
    pub fn star_list(
        &mut self,
        scope: &Scope,
        year: Option<i32>,
        default: i32,
    ) -> Result<StarList> {
        if !scope.is_staff() {
            return Ok(StarList {
                year: year.unwrap_or(default),
                years: Vec::new(),
                eligible: 0,
                lines: Vec::new(),
            });
        }
        let (low, high) = scope.path_range();
        let years: Vec<i32> = sa::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sa::county_code)
                    .and(po::id.eq(sa::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .select(sa::year)
            .distinct()
            .order(sa::year.desc())
            .load(self.conn())?;
        let year = year.or(years.first().copied()).unwrap_or(default);
        let rated = [
            PartyOrgType::Branch,
            PartyOrgType::JointBranch,
            PartyOrgType::GeneralBranch,
            PartyOrgType::Committee,
        ]
        .map(|t| t.code());
        let eligible: i64 = po::table
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(po::dissolved_on.is_null())
            .filter(po::org_type.eq_any(rated))
            .count()
            .get_result(self.conn())?;
        let zoned = self.zone_committee_paths()?;
        type ListRow = (Row, String, String);
        let rows: Vec<ListRow> = sa::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sa::county_code)
                    .and(po::id.eq(sa::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sa::year.eq(year))
            .order(po::path)
            .select((summary_columns!(), po::name, po::path))
            .load(self.conn())?;
        let lines = rows
            .into_iter()
            .map(|(row, name, path)| {
                let s = summary(row)?;
                let yours = next_is_yours(scope, s.step, &path, &zoned);
                Ok(StarListLine {
                    summary: s,
                    party_org_name: name,
                    yours,
                })
            })
            .collect::<Result<_>>()?;
        Ok(StarList {
            year,
            years,
            eligible: u32::try_from(eligible).unwrap_or(u32::MAX),
            lines,
        })
    }

    /// The paths of the 党工委 leading a zone: below one of them the town scores, not the
    /// county.
    fn zone_committee_paths(&mut self) -> Result<Vec<String>> {
        Ok(po::table
            .filter(po::org_type.eq(PartyOrgType::WorkingCommittee.code()))
            .filter(po::zone_id.is_not_null())
            .select(po::path)
            .load(self.conn())?)
    }

    /// How many assessments of `scope`, of any year, wait for a step that is the scope's
    /// (待我评分、审核或确认).
    pub fn stars_waiting(&mut self, scope: &Scope) -> Result<u32> {
        if !scope.is_staff() {
            return Ok(0);
        }
        let (low, high) = scope.path_range();
        let zoned = self.zone_committee_paths()?;
        let open: Vec<(String, String)> = sa::table
            .inner_join(
                po::table.on(po::county_code
                    .eq(sa::county_code)
                    .and(po::id.eq(sa::party_org_id))),
            )
            .filter(po::path.ge(&low).and(po::path.lt(&high)))
            .filter(sa::state.ne(Step::Confirmed.code()))
            .select((sa::state, po::path))
            .load(self.conn())?;
        let mut n = 0;
        for (state, path) in open {
            n += u32::from(next_is_yours(scope, Step::parse(&state)?, &path, &zoned));
        }
        Ok(n)
    }

    /// One assessment of `scope` with every line; `None` outside it. Before the town has
    /// scored, the record-filled lines show what the records say today.
    pub fn star_assessment(
        &mut self,
        scope: &Scope,
        today: NaiveDate,
        key: Key,
    ) -> Result<Option<StarView>> {
        let (s, path, org_type, name) = match self.star_in_scope(scope, key) {
            Ok(x) => x,
            Err(StoreError::Invalid { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let rules = StarRules::resolve(&self.rule_set()?, today)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        type Detail = (
            Option<String>,
            Option<String>,
            NaiveDate,
            String,
            Option<NaiveDate>,
            Option<String>,
            Option<NaiveDate>,
            Option<String>,
            Option<String>,
            Option<NaiveDate>,
            Option<String>,
        );
        let (
            vetoes,
            kept,
            self_on,
            self_by,
            scored_on,
            scored_by,
            reviewed_on,
            reviewed_by,
            review_note,
            confirmed_on,
            confirmed_by,
        ): Detail = sa::table
            .filter(sa::county_code.eq(key.county))
            .filter(sa::id.eq(key.id))
            .select((
                sa::vetoes,
                sa::record_items,
                sa::self_on,
                sa::self_by,
                sa::scored_on,
                sa::scored_by,
                sa::reviewed_on,
                sa::reviewed_by,
                sa::review_note,
                sa::confirmed_on,
                sa::confirmed_by,
            ))
            .first(self.conn())?;
        let record: Vec<KeptItem> = match kept {
            Some(k) => serde_json::from_str(&k).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            None => {
                let facts = self.star_record_facts(s.party_org, &path, org_type, s.year, today)?;
                stars::record_scores(&facts, &rules)
                    .iter()
                    .map(KeptItem::from)
                    .collect()
            }
        };
        let items: Vec<ItemRow> = si::table
            .filter(si::county_code.eq(key.county))
            .filter(si::assessment_id.eq(key.id))
            .select((
                si::indicator,
                si::self_points,
                si::evidence,
                si::points,
                si::note,
                si::reviewed_points,
            ))
            .load(self.conn())?;
        let mut lines = Vec::new();
        for i in Indicator::ALL {
            match i.source() {
                Source::Records => {
                    if let Some(k) = record.iter().find(|k| k.indicator == i.code()) {
                        lines.push(StarLine {
                            indicator: i,
                            max: k.max,
                            self_points: None,
                            evidence: String::new(),
                            points: Some(k.points),
                            note: k.explanation.clone(),
                            reviewed_points: None,
                            rule: RuleRef {
                                key: k.rule_key.clone(),
                                version: k.rule_version,
                                title: k.rule_title.clone(),
                                source: k.rule_source.clone(),
                            },
                        });
                    }
                }
                Source::Assessed => {
                    let r = rules.max(i);
                    let it = items.iter().find(|x| x.0 == i.code());
                    lines.push(StarLine {
                        indicator: i,
                        max: r.value,
                        self_points: it.map(|x| i64::from(x.1)),
                        evidence: it.map(|x| x.2.clone()).unwrap_or_default(),
                        points: it.and_then(|x| x.3).map(i64::from),
                        note: it.and_then(|x| x.4.clone()).unwrap_or_default(),
                        reviewed_points: it.and_then(|x| x.5).map(i64::from),
                        rule: (*r.rule).clone(),
                    });
                }
            }
        }
        let mut steps = vec![(Step::SelfAssessed, self_on, self_by)];
        for (step, on, by) in [
            (Step::Scored, scored_on, scored_by),
            (Step::Reviewed, reviewed_on, reviewed_by),
            (Step::Confirmed, confirmed_on, confirmed_by),
        ] {
            if let (Some(on), Some(by)) = (on, by) {
                steps.push((step, on, by));
            }
        }
        Ok(Some(StarView {
            rights: self.star_rights(scope, &path)?,
            summary: s,
            party_org_name: name,
            lines,
            vetoes: vetoes
                .unwrap_or_default()
                .split(',')
                .filter_map(Veto::parse)
                .collect(),
            steps,
            review_note,
        }))
    }
}
