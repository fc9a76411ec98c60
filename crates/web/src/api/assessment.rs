//! `GET /api/v1/assessment?year=`: the 考核清单 sheets of the groups the scope assesses (a
//! city's counties, a county's towns and parks) for a year: each criterion the records
//! compute with its count, weight and rule, each entered criterion with its version, score
//! and evidence, the computed score and the final score apart from it; listed by the final
//! score, best first with its place, those not yet decided after.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::lists::assessment::{ranked, year_of};

#[derive(Debug, Deserialize)]
pub struct AssessmentQuery {
    pub year: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComputedCriterionOut {
    /// work_coverage, life, dues, findings_closed, stars or rectification.
    pub criterion: &'static str,
    pub label: &'static str,
    pub weight: u32,
    /// The weight's rule: key@version.
    pub rule: String,
    pub part: u64,
    pub whole: u64,
    /// None when nothing was counted (the weight is then left out).
    pub points: Option<f64>,
    pub explain: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EnteredCriterionOut {
    pub code: String,
    pub version: i32,
    pub label: String,
    /// 分值: the most it scores.
    pub points: u32,
    pub guide: String,
    pub source: String,
    /// The score that counts (entered under this version), in points with one decimal.
    pub score: Option<String>,
    pub evidence: Option<String>,
    pub entered_on: Option<String>,
    /// A score entered under an earlier version: it no longer counts.
    pub stale_version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FinalOut {
    pub score: String,
    /// The computed score on the day it was decided.
    pub computed_then: String,
    pub reason: String,
    pub decided_on: String,
    /// Finals decided before it.
    pub changes_before: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SheetOut {
    /// county or zone.
    pub kind: &'static str,
    /// The county's code or the zone's id.
    pub id: i64,
    pub name: String,
    /// Its place by final score (equal scores share one); none until decided.
    pub rank: Option<u32>,
    pub computed: Vec<ComputedCriterionOut>,
    pub entered: Vec<EnteredCriterionOut>,
    /// Entered criteria not yet scored under their version in force.
    pub missing: usize,
    pub points: f64,
    pub reachable: u32,
    /// 计算得分 out of 100, once every entered criterion is scored.
    pub score: Option<String>,
    pub explain: String,
    pub final_score: Option<FinalOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentOut {
    pub year: i32,
    pub sheets: Vec<SheetOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/assessment",
    params(
        ("year" = Option<i32>, Query, description = "考核年度（近十年内，或明年：只有指标，没有考核对象），默认今年；当年的按截至今天的记录计算")
    ),
    responses(
        (status = 200, description = "本级考核对象的考核表", body = AssessmentOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 422, description = "年度无效", body = crate::error::ErrorBody)
    )
)]
pub async fn list(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let year = year_of(&q.year, crate::today())?;
    let sheets = crate::report::assessments(&state, &auth.scope, year).await?;
    let sheets = ranked(&sheets)
        .into_iter()
        .map(|(i, rank)| (&sheets[i], rank))
        .map(|(s, rank)| SheetOut {
            kind: s.assessee.kind(),
            id: s.assessee.id(),
            name: s.name.clone(),
            rank,
            computed: s
                .computed
                .components
                .iter()
                .map(|c| ComputedCriterionOut {
                    criterion: c.criterion.code(),
                    label: c.criterion.label(),
                    weight: c.weight,
                    rule: format!("{}@{}", c.rule.key, c.rule.version),
                    part: c.count.part,
                    whole: c.count.whole,
                    points: c.points,
                    explain: c.explain(),
                })
                .collect(),
            entered: s
                .entered
                .iter()
                .map(|l| {
                    let counted = l.score.as_ref().filter(|_| !l.stale());
                    EnteredCriterionOut {
                        code: l.criterion.code.clone(),
                        version: l.criterion.version,
                        label: l.criterion.label.clone(),
                        points: l.criterion.points,
                        guide: l.criterion.guide.clone(),
                        source: l.criterion.source.clone(),
                        score: counted.map(|x| x.points.to_string()),
                        evidence: counted.map(|x| x.evidence.clone()),
                        entered_on: counted.map(|x| x.entered_on.to_string()),
                        stale_version: l
                            .score
                            .as_ref()
                            .filter(|_| l.stale())
                            .map(|x| x.criterion_version),
                    }
                })
                .collect(),
            missing: s.missing(),
            points: (s.points() * 10.0).round() / 10.0,
            reachable: s.reachable(),
            score: s.score().map(|t| t.to_string()),
            explain: s.explain(),
            final_score: s.last_final.as_ref().map(|f| FinalOut {
                score: f.score.to_string(),
                computed_then: f.computed.to_string(),
                reason: f.reason.clone(),
                decided_on: f.decided_on.to_string(),
                changes_before: f.earlier,
            }),
        })
        .collect();
    Ok(Json(AssessmentOut { year, sheets }))
}
