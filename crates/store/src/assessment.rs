//! 考核清单: the yearly assessment sheets of the groups a scope assesses (a city's counties,
//! a county's towns and parks), the criteria the city defines for a year to be entered, the
//! scores its assessors enter with evidence, and the final scores they decide. The computed
//! part is the 成效评估's, read from the records over the year; nothing here is typed twice.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use liangxin_domain::assessment::{
    Assessee, ENTERED_POINTS_MAX, EnteredCriterion, EnteredLine, EnteredScore, FinalScore, Sheet,
    Tenths, parse_code,
};
use liangxin_domain::coverage::GroupKey;
use serde_json::json;

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError, typed_text};
use crate::schema::{
    assessment_criteria as ac, assessment_finals as af, assessment_scores as sc, zones,
};
use crate::{Scope, Store};

/// A version of an entered criterion as the city adopts it.
#[derive(Debug, Clone)]
pub struct NewCriterion {
    pub year: i32,
    pub code: String,
    pub label: String,
    /// `0` withdraws it.
    pub points: String,
    pub guide: String,
    pub source: String,
}

/// An entered score of the sheet's history: which criterion (and version) it scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreEntry {
    pub label: String,
    pub version: i32,
    pub points: Tenths,
    pub evidence: String,
    pub entered_on: NaiveDate,
    pub entered_by: String,
}

/// A score as read: the group, the criterion's id, code and version, the points, evidence,
/// day and who.
type ScoreRow = (i64, i64, String, i32, i32, String, NaiveDate, String);

/// A criterion's columns, in [`CriterionRow`]'s order.
#[allow(clippy::type_complexity)]
const CRITERION_COLUMNS: (
    ac::id,
    ac::year,
    ac::code,
    ac::version,
    ac::label,
    ac::points,
    ac::guide,
    ac::source,
    ac::adopted_on,
) = (
    ac::id,
    ac::year,
    ac::code,
    ac::version,
    ac::label,
    ac::points,
    ac::guide,
    ac::source,
    ac::adopted_on,
);

type CriterionRow = (
    i64,
    i32,
    String,
    i32,
    String,
    i32,
    String,
    String,
    NaiveDate,
);

fn criterion(
    (id, year, code, version, label, points, guide, source, adopted_on): CriterionRow,
) -> EnteredCriterion {
    EnteredCriterion {
        id,
        year,
        code,
        version,
        label,
        points: u32::try_from(points).unwrap_or(0),
        guide,
        source,
        adopted_on,
    }
}

fn tenths(t: i32) -> Tenths {
    Tenths(u32::try_from(t).unwrap_or(0))
}

fn assessee(g: &GroupKey) -> Option<Assessee> {
    match g {
        GroupKey::County(c) => Some(Assessee::County(*c)),
        GroupKey::Zone(Some(z)) => Some(Assessee::Zone(*z)),
        _ => None,
    }
}

fn not_found() -> StoreError {
    StoreError::invalid("考核对象", "不存在或不在您的管理范围内")
}

impl Store {
    /// Every version of the year's entered criteria, in the order adopted.
    pub fn assessment_criterion_versions(&mut self, year: i32) -> Result<Vec<EnteredCriterion>> {
        let rows: Vec<CriterionRow> = ac::table
            .filter(ac::year.eq(year))
            .order(ac::id)
            .select(CRITERION_COLUMNS)
            .load(self.conn())?;
        Ok(rows.into_iter().map(criterion).collect())
    }

    /// The year's entered criteria in force: each code's latest version unless withdrawn,
    /// in the order first adopted.
    pub fn assessment_criteria(&mut self, year: i32) -> Result<Vec<EnteredCriterion>> {
        let all = self.assessment_criterion_versions(year)?;
        let mut order: Vec<&str> = Vec::new();
        let mut latest: HashMap<&str, &EnteredCriterion> = HashMap::new();
        for c in &all {
            if !latest.contains_key(c.code.as_str()) {
                order.push(&c.code);
            }
            latest.insert(&c.code, c);
        }
        Ok(order
            .into_iter()
            .filter_map(|code| latest.get(code).copied())
            .filter(|c| c.points > 0)
            .cloned()
            .collect())
    }

    /// The city adopts a version of an entered criterion for a year (last year's, this
    /// year's or next year's): a new code, or a new version of one (points `0` withdraws
    /// it). Scores entered under an earlier version no longer count.
    pub fn adopt_assessment_criterion(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        c: &NewCriterion,
    ) -> Result<EnteredCriterion> {
        let city = scope
            .region
            .filter(|r| r % 100 == 0 && scope.is_staff())
            .ok_or_else(|| StoreError::invalid("考核指标", "考核清单由市级党委（工委）制定"))?;
        if !(today.year() - 1..=today.year() + 1).contains(&c.year) {
            return Err(StoreError::invalid("考核年度", "应为去年、今年或明年"));
        }
        let code =
            parse_code(&c.code).map_err(|e| StoreError::invalid("指标代码", e.to_string()))?;
        let points = Tenths::parse(&c.points, ENTERED_POINTS_MAX)
            .ok()
            .filter(|t| t.0 % 10 == 0)
            .map(|t| t.0 / 10)
            .ok_or_else(|| {
                StoreError::invalid(
                    "分值",
                    format!("应为0至{ENTERED_POINTS_MAX}的整数（0为停用）"),
                )
            })?;
        let label = typed_text("指标名称", &c.label, points > 0, 40)?;
        let guide = typed_text("评分标准", &c.guide, points > 0, 1000)?;
        let source = typed_text("依据", &c.source, true, 200)?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let versions: Vec<CriterionRow> = ac::table
                .filter(ac::year.eq(c.year))
                .order(ac::id)
                .select(CRITERION_COLUMNS)
                .load(conn)?;
            let versions: Vec<EnteredCriterion> = versions.into_iter().map(criterion).collect();
            let current = versions.iter().rev().find(|v| v.code == code);
            let label = match current {
                Some(cur) if label.is_empty() => cur.label.clone(),
                _ => label.clone(),
            };
            match current {
                None if points == 0 => {
                    return Err(StoreError::invalid("分值", "没有这项指标，无从停用"));
                }
                Some(cur) if cur.points == 0 && points == 0 => {
                    return Err(StoreError::invalid("分值", "这项指标已停用"));
                }
                Some(cur)
                    if cur.points == points
                        && cur.label == label
                        && cur.guide == guide
                        && cur.source == source =>
                {
                    return Err(StoreError::invalid("考核指标", "与现行版本相同，无需修订"));
                }
                _ => {}
            }
            // Together the entered criteria weigh no more than the records' do.
            let others: u32 = {
                let mut latest: HashMap<&str, u32> = HashMap::new();
                for v in &versions {
                    latest.insert(&v.code, v.points);
                }
                latest
                    .iter()
                    .filter(|(k, _)| **k != code)
                    .map(|(_, p)| p)
                    .sum()
            };
            if others + points > ENTERED_POINTS_MAX {
                return Err(StoreError::invalid(
                    "分值",
                    format!(
                        "录入指标的分值合计不能超过{ENTERED_POINTS_MAX}分（其余各项已有{others}分）"
                    ),
                ));
            }
            let version = current.map_or(1, |v| v.version + 1);
            let id = crate::registry::allocate(conn, "assessment_criteria", 1)?;
            diesel::insert_into(ac::table)
                .values((
                    ac::id.eq(id),
                    ac::year.eq(c.year),
                    ac::code.eq(&code),
                    ac::version.eq(version),
                    ac::label.eq(&label),
                    ac::points.eq(points as i32),
                    ac::guide.eq(&guide),
                    ac::source.eq(&source),
                    ac::adopted_on.eq(today),
                    ac::adopted_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if current.is_some() { "update" } else { "create" },
                    entity: "assessment_criterion",
                    county: city,
                    entity_id: id,
                    before: current.map(|v| {
                        json!({"version": v.version, "label": v.label, "points": v.points, "guide": v.guide})
                    }),
                    after: Some(json!({
                        "year": c.year, "code": code, "version": version, "label": label,
                        "points": points, "guide": guide, "source": source,
                    })),
                },
            )?;
            Ok(EnteredCriterion {
                id,
                year: c.year,
                code: code.clone(),
                version,
                label,
                points,
                guide: guide.clone(),
                source: source.clone(),
                adopted_on: today,
            })
        })
    }

    /// The year's first and last day as assessed on `today` (the year so far while it
    /// runs); a year not begun is refused.
    fn assessment_days(year: i32, today: NaiveDate) -> Result<(NaiveDate, NaiveDate)> {
        let (first, last) = crate::day::year_bounds(year);
        if first > today || !(2000..=9999).contains(&year) {
            return Err(StoreError::invalid("考核年度", "应为今年或以前的年度"));
        }
        Ok((first, last.min(today)))
    }

    /// The sheets of the groups `scope` assesses, for `year` as of `today`.
    pub fn assessment_sheets(
        &mut self,
        scope: &Scope,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<Sheet>> {
        let (from, end) = Self::assessment_days(year, today)?;
        let criteria = self.assessment_criteria(year)?;
        let Some(region) = scope.region else {
            return Ok(Vec::new());
        };
        // A county's towns and parks as they stand in the register (one moved away is no
        // longer its to assess, whatever organizations it still groups).
        let own_zones: Vec<i64> = zones::table
            .filter(zones::county_code.eq(region))
            .select(zones::id)
            .load(self.conn())?;
        let groups: Vec<(Assessee, String, _)> = self
            .group_composites(scope, from, end, today)?
            .into_iter()
            .filter_map(|(k, name, c)| Some((assessee(&k)?, name, c)))
            .filter(|(who, ..)| match who {
                Assessee::County(c) => {
                    Assessee::parse("county", i64::from(*c)).is_some()
                        && region % 100 == 0
                        && c / 100 == region / 100
                }
                Assessee::Zone(z) => region % 100 != 0 && own_zones.contains(z),
            })
            .collect();
        let Some(kind) = groups.first().map(|g| g.0.kind()) else {
            return Ok(Vec::new());
        };
        let ids: Vec<i64> = groups.iter().map(|g| g.0.id()).collect();
        // Scores newest last: the last of a criterion's code counts.
        let scores: Vec<ScoreRow> = sc::table
            .inner_join(ac::table)
            .filter(sc::county_code.eq(region))
            .filter(sc::year.eq(year))
            .filter(sc::assessee_kind.eq(kind))
            .filter(sc::assessee_id.eq_any(&ids))
            .order(sc::id)
            .select((
                sc::assessee_id,
                sc::criterion_id,
                ac::code,
                ac::version,
                sc::points_tenths,
                sc::evidence,
                sc::entered_on,
                sc::entered_by,
            ))
            .load(self.conn())?;
        let mut latest: HashMap<(i64, String), EnteredScore> = HashMap::new();
        for (who, criterion_id, code, version, points, evidence, on, by) in scores {
            let earlier = latest
                .get(&(who, code.clone()))
                .map_or(0, |s| s.earlier + 1);
            latest.insert(
                (who, code),
                EnteredScore {
                    criterion_id,
                    criterion_version: version,
                    points: tenths(points),
                    evidence,
                    entered_on: on,
                    entered_by: by,
                    earlier,
                },
            );
        }
        let finals: Vec<(i64, i32, i32, String, NaiveDate, String)> = af::table
            .filter(af::county_code.eq(region))
            .filter(af::year.eq(year))
            .filter(af::assessee_kind.eq(kind))
            .filter(af::assessee_id.eq_any(&ids))
            .order(af::id)
            .select((
                af::assessee_id,
                af::score_tenths,
                af::computed_tenths,
                af::reason,
                af::decided_on,
                af::decided_by,
            ))
            .load(self.conn())?;
        let mut last_final: HashMap<i64, FinalScore> = HashMap::new();
        for (who, score, computed, reason, on, by) in finals {
            let earlier = last_final.get(&who).map_or(0, |f| f.earlier + 1);
            last_final.insert(
                who,
                FinalScore {
                    score: tenths(score),
                    computed: tenths(computed),
                    reason,
                    decided_on: on,
                    decided_by: by,
                    earlier,
                },
            );
        }
        Ok(groups
            .into_iter()
            .map(|(who, name, computed)| Sheet {
                assessee: who,
                name,
                computed,
                entered: criteria
                    .iter()
                    .map(|c| EnteredLine {
                        criterion: c.clone(),
                        score: latest.remove(&(who.id(), c.code.clone())),
                    })
                    .collect(),
                last_final: last_final.remove(&who.id()),
            })
            .collect())
    }

    /// One group's sheet, when `scope` assesses it.
    pub fn assessment_sheet(
        &mut self,
        scope: &Scope,
        year: i32,
        today: NaiveDate,
        who: Assessee,
    ) -> Result<Option<Sheet>> {
        Ok(self
            .assessment_sheets(scope, year, today)?
            .into_iter()
            .find(|s| s.assessee == who))
    }

    /// A group's entered scores and final scores of the year, newest first, when `scope`
    /// assesses it.
    pub fn assessment_history(
        &mut self,
        scope: &Scope,
        year: i32,
        who: Assessee,
    ) -> Result<(Vec<ScoreEntry>, Vec<FinalScore>)> {
        let region = self.assessor_region(scope, who)?;
        let scores: Vec<(String, i32, i32, String, NaiveDate, String)> = sc::table
            .inner_join(ac::table)
            .filter(sc::county_code.eq(region))
            .filter(sc::year.eq(year))
            .filter(sc::assessee_kind.eq(who.kind()))
            .filter(sc::assessee_id.eq(who.id()))
            .order(sc::id.desc())
            .select((
                ac::label,
                ac::version,
                sc::points_tenths,
                sc::evidence,
                sc::entered_on,
                sc::entered_by,
            ))
            .load(self.conn())?;
        let finals: Vec<(i32, i32, String, NaiveDate, String)> = af::table
            .filter(af::county_code.eq(region))
            .filter(af::year.eq(year))
            .filter(af::assessee_kind.eq(who.kind()))
            .filter(af::assessee_id.eq(who.id()))
            .order(af::id.desc())
            .select((
                af::score_tenths,
                af::computed_tenths,
                af::reason,
                af::decided_on,
                af::decided_by,
            ))
            .load(self.conn())?;
        let n = finals.len() as u32;
        Ok((
            scores
                .into_iter()
                .map(|(label, version, points, evidence, on, by)| ScoreEntry {
                    label,
                    version,
                    points: tenths(points),
                    evidence,
                    entered_on: on,
                    entered_by: by,
                })
                .collect(),
            finals
                .into_iter()
                .enumerate()
                .map(|(i, (score, computed, reason, on, by))| FinalScore {
                    score: tenths(score),
                    computed: tenths(computed),
                    reason,
                    decided_on: on,
                    decided_by: by,
                    earlier: n - 1 - i as u32,
                })
                .collect(),
        ))
    }

    /// The region a group's rows are kept under when `scope` assesses it: the assessor's
    /// own (the city's for its counties, the county's for its towns and parks), so a
    /// county's auditors read nothing of the city's assessment of it.
    fn assessor_region(&mut self, scope: &Scope, who: Assessee) -> Result<i32> {
        let region = scope
            .region
            .filter(|_| scope.is_staff())
            .ok_or_else(not_found)?;
        let ours = match who {
            Assessee::County(c) if region % 100 == 0 && c / 100 == region / 100 => {
                let known: i64 = crate::schema::regions::table
                    .filter(crate::schema::regions::code.eq(c))
                    .count()
                    .get_result(self.conn())?;
                known > 0
            }
            // The zone's county as it stands: a zone moved to another county is its.
            Assessee::Zone(z) if region % 100 != 0 => {
                zones::table
                    .filter(zones::id.eq(z))
                    .select(zones::county_code)
                    .first::<i32>(self.conn())
                    .optional()?
                    == Some(region)
            }
            _ => false,
        };
        if ours { Ok(region) } else { Err(not_found()) }
    }

    /// The assessor enters (or corrects) a group's score on an entered criterion of the
    /// year in force, with its evidence.
    #[allow(clippy::too_many_arguments)]
    pub fn enter_assessment_score(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        year: i32,
        who: Assessee,
        code: &str,
        points: &str,
        evidence: &str,
    ) -> Result<()> {
        Self::assessment_days(year, today)?;
        let county = self.assessor_region(scope, who)?;
        let evidence = typed_text("评分依据", evidence, true, 1000)?;
        let code = parse_code(code)
            .map_err(|_| StoreError::invalid("考核指标", "本年度的考核清单没有这项录入指标"))?;
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            let c: Option<CriterionRow> = ac::table
                .filter(ac::year.eq(year))
                .filter(ac::code.eq(&code))
                .order(ac::version.desc())
                .select(CRITERION_COLUMNS)
                .first(conn)
                .optional()?;
            let c = c.map(criterion).filter(|c| c.points > 0).ok_or_else(|| {
                StoreError::invalid("考核指标", "本年度的考核清单没有这项录入指标")
            })?;
            let points = Tenths::parse(points, c.points)
                .map_err(|e| StoreError::invalid("得分", format!("{}：{e}", c.label)))?;
            let id = crate::registry::allocate(conn, "assessment_scores", 1)?;
            diesel::insert_into(sc::table)
                .values((
                    sc::county_code.eq(county),
                    sc::id.eq(id),
                    sc::year.eq(year),
                    sc::assessee_kind.eq(who.kind()),
                    sc::assessee_id.eq(who.id()),
                    sc::criterion_id.eq(c.id),
                    sc::points_tenths.eq(points.0 as i32),
                    sc::evidence.eq(&evidence),
                    sc::entered_on.eq(today),
                    sc::entered_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: "create",
                    entity: "assessment_score",
                    county,
                    entity_id: id,
                    before: None,
                    after: Some(json!({
                        "year": year, "assessee": who, "criterion": c.code,
                        "version": c.version, "points": points.to_string(), "evidence": evidence,
                    })),
                },
            )?;
            Ok(())
        })
    }

    /// The assessor decides a group's final score: every entered criterion scored, a score
    /// apart from the computed one or changing an earlier final explained.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_assessment(
        &mut self,
        actor: &str,
        scope: &Scope,
        today: NaiveDate,
        year: i32,
        who: Assessee,
        score: &str,
        reason: &str,
    ) -> Result<Tenths> {
        let county = self.assessor_region(scope, who)?;
        let score = Tenths::parse(score, 100)
            .map_err(|e| StoreError::invalid("最终得分", e.to_string()))?;
        let reason = typed_text("理由", reason, false, 500)?;
        let records = crate::registry::records_version(&mut self.conn)?;
        let sheet = self
            .assessment_sheet(scope, year, today, who)?
            .ok_or_else(not_found)?;
        sheet
            .check_final(score, &reason)
            .map_err(|e| StoreError::invalid("最终得分", e.to_string()))?;
        let computed = sheet.score().unwrap_or_default();
        let cipher = &self.cipher;
        crate::connection::write_transaction(&mut self.conn, |conn| {
            // The sheet was read outside the write: decided on what it showed, or not at all.
            if crate::registry::records_version(conn)? != records {
                return Err(StoreError::invalid(
                    "最终得分",
                    "计算期间记录有变化，请刷新后重新确定",
                ));
            }
            let id = crate::registry::allocate(conn, "assessment_finals", 1)?;
            diesel::insert_into(af::table)
                .values((
                    af::county_code.eq(county),
                    af::id.eq(id),
                    af::year.eq(year),
                    af::assessee_kind.eq(who.kind()),
                    af::assessee_id.eq(who.id()),
                    af::score_tenths.eq(score.0 as i32),
                    af::computed_tenths.eq(computed.0 as i32),
                    af::reason.eq(&reason),
                    af::decided_on.eq(today),
                    af::decided_by.eq(actor),
                ))
                .execute(conn)?;
            crate::registry::bump_records(conn)?;
            audit::append(
                conn,
                cipher,
                Entry {
                    actor,
                    action: if sheet.last_final.is_some() { "update" } else { "create" },
                    entity: "assessment_final",
                    county,
                    entity_id: id,
                    before: sheet.last_final.as_ref().map(|f| {
                        json!({"score": f.score.to_string(), "computed": f.computed.to_string(), "reason": f.reason})
                    }),
                    after: Some(json!({
                        "year": year, "assessee": who, "score": score.to_string(),
                        "computed": computed.to_string(), "reason": reason,
                    })),
                },
            )?;
            Ok(score)
        })
    }
}
