//! `GET /api/v1/bulletin?period=`: the figures of the scope's 定期通报 for a month or a
//! quarter, as the bulletin says them: coverage by group and by town beside the previous
//! period's end, 三会一课 and dues by county, audit findings by kind, spot checks,
//! 双强六好 and 整顿, and the exemplars published.

use std::sync::Arc;

use axum::extract::State;
use axum::{Extension, Json};
use liangxin_domain::bulletin::{CoverageLine, DuesLine, LifeLine};
use serde::Serialize;
use utoipa::ToSchema;

use crate::AppState;
use crate::api::extract::ApiQuery;
use crate::auth::Auth;
use crate::error::{ApiError, WebError};
use crate::lists::bulletin::{BulletinQuery, code, period_of};

#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinCoverageOut {
    pub name: String,
    /// Placed in the ranking (not the organizations outside every town).
    pub ranked: bool,
    pub units: u64,
    pub organization_covered: u64,
    /// 工作覆盖 without a party organization.
    pub work_covered: u64,
    pub gap: u64,
    pub organization_rate: Option<f64>,
    pub work_rate: Option<f64>,
    /// At the previous period's end.
    pub units_before: u64,
    pub organization_rate_before: Option<f64>,
    pub work_rate_before: Option<f64>,
}

impl From<&CoverageLine> for BulletinCoverageOut {
    fn from(l: &CoverageLine) -> Self {
        BulletinCoverageOut {
            name: l.name.clone(),
            ranked: l.ranked,
            units: l.now.total,
            organization_covered: l.now.organization_covered,
            work_covered: l.now.work_covered,
            gap: l.now.gap,
            organization_rate: l.now.organization_rate(),
            work_rate: l.now.work_rate(),
            units_before: l.before.total,
            organization_rate_before: l.before.organization_rate(),
            work_rate_before: l.before.work_rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinLifeOut {
    pub name: String,
    /// Placed in the ranking (not those outside every town, nor a city's own).
    pub ranked: bool,
    pub party_orgs: u32,
    /// Meeting periods that ended in the bulletin's period, and of those the ones kept.
    pub due: u32,
    pub met: u32,
    pub rate: Option<f64>,
}

impl From<&LifeLine> for BulletinLifeOut {
    fn from(l: &LifeLine) -> Self {
        BulletinLifeOut {
            name: l.name.clone(),
            ranked: l.ranked,
            party_orgs: l.branches,
            due: l.due,
            met: l.met,
            rate: l.rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinDuesOut {
    pub name: String,
    pub ranked: bool,
    pub members: u32,
    /// Members without a dues standard for the month; the rate is of the others.
    pub without_standard: u32,
    pub paid_members: u32,
    pub short_members: u32,
    pub unpaid_members: u32,
    pub rate: Option<f64>,
}

impl From<&DuesLine> for BulletinDuesOut {
    fn from(l: &DuesLine) -> Self {
        BulletinDuesOut {
            name: l.name.clone(),
            ranked: l.ranked,
            members: l.members,
            without_standard: l.without_standard,
            paid_members: l.paid_members,
            short_members: l.short_members,
            unpaid_members: l.unpaid_members,
            rate: l.rate(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinFindingOut {
    /// The finding's kind (code) and its name.
    pub kind: &'static str,
    pub label: &'static str,
    /// Raised in the period, closed in it, open at its end.
    pub opened: u32,
    pub closed: u32,
    pub open: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinExemplarOut {
    pub party_org: String,
    pub title: String,
    pub summary: String,
    pub published_on: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EffectComponentOut {
    /// work_coverage, life, dues, findings_closed, stars or rectification.
    pub criterion: &'static str,
    pub label: &'static str,
    pub weight: u32,
    /// The weight's rule, as `key@version`.
    pub rule: String,
    /// What the records counted: `part` of `whole`.
    pub part: u64,
    pub whole: u64,
    /// The weight times the rate; none when nothing was counted (left out).
    pub points: Option<f64>,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EffectOut {
    pub name: String,
    pub ranked: bool,
    /// Out of 100 over the weights counted; none when nothing could be counted.
    pub score: Option<f64>,
    pub score_before: Option<f64>,
    pub weights_counted: u32,
    pub components: Vec<EffectComponentOut>,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinOut {
    /// The period (2026-11 or 2026-Q4), in words, and the day its figures are of.
    pub period: String,
    pub period_label: String,
    pub as_of: String,
    /// 第N期 and 总M期.
    pub number: u32,
    pub total_number: u32,
    pub office: String,
    pub title: String,
    /// What the groups are (县（市、区）, 园区小镇, …).
    pub group_label: String,
    pub coverage_total: BulletinCoverageOut,
    pub coverage: Vec<BulletinCoverageOut>,
    pub towns: Vec<BulletinCoverageOut>,
    pub life_total: BulletinLifeOut,
    pub life: Vec<BulletinLifeOut>,
    /// The month whose dues are reported.
    pub dues_month: String,
    pub dues_total: BulletinDuesOut,
    pub dues: Vec<BulletinDuesOut>,
    pub findings: Vec<BulletinFindingOut>,
    /// 随机抽查 rounds published in the period: rounds, items drawn and inspected, findings
    /// still open and closed.
    pub spot_check_rounds: u32,
    pub spot_check_items: u32,
    pub spot_check_inspected: u32,
    pub spot_check_findings_open: u32,
    pub spot_check_findings_closed: u32,
    /// 双强六好: the year rated, organizations eligible, confirmed by stars (`[0]` vetoed).
    pub stars_year: i32,
    pub stars_eligible: u32,
    pub stars: Vec<u32>,
    /// 软弱涣散 cases: opened in the period, accepted in it, open at its end.
    pub rectifications_opened: u32,
    pub rectifications_accepted: u32,
    pub rectifications_open: u32,
    /// Exemplars published in the period; the latest five named.
    pub exemplars_published: u32,
    pub exemplars: Vec<BulletinExemplarOut>,
    /// 成效评估 of each group.
    pub effectiveness: Vec<EffectOut>,
}

#[utoipa::path(
    get,
    path = "/api/v1/bulletin",
    params(
        ("period" = Option<String>, Query, pattern = "^(19|20)[0-9]{2}-(0[1-9]|1[0-2]|Q[1-4])$", description = "月份如 2026-11，或季度如 2026-Q4；默认上月")
    ),
    responses(
        (status = 200, description = "定期通报的各项数字", body = BulletinOut),
        (status = 401, description = "未登录", body = crate::error::ErrorBody),
        (status = 403, description = "角色不能使用", body = crate::error::ErrorBody),
        (status = 404, description = "该期次没有通报：尚未开始，或在本级记录起始之前", body = crate::error::ErrorBody),
        (status = 422, description = "期次无效", body = crate::error::ErrorBody)
    )
)]
pub async fn get(
    State(state): State<Arc<AppState>>,
    Extension(auth): Extension<Auth>,
    ApiQuery(q): ApiQuery<BulletinQuery>,
) -> Result<Json<BulletinOut>, ApiError> {
    let period = period_of(&q)?;
    // A well-formed period with no bulletin (not begun, before the records) is a bulletin
    // that does not exist.
    let f = crate::report::bulletin(&state, &auth.scope, period)
        .await
        .map_err(|e| match e.field {
            Some("期次") => WebError {
                status: axum::http::StatusCode::NOT_FOUND,
                ..e
            },
            _ => e,
        })?;
    let title = liangxin_docs::bulletin::compose(&f).title;
    Ok(Json(BulletinOut {
        period: code(period),
        period_label: f.period_label.clone(),
        as_of: f.as_of.to_string(),
        number: f.number,
        total_number: f.total_number,
        office: f.office.clone(),
        title,
        group_label: f.group_label.clone(),
        coverage_total: (&f.coverage_total).into(),
        coverage: f.coverage.iter().map(Into::into).collect(),
        towns: f.towns.iter().map(Into::into).collect(),
        life_total: (&f.life_total).into(),
        life: f.life.iter().map(Into::into).collect(),
        dues_month: f.dues_month.clone(),
        dues_total: (&f.dues_total).into(),
        dues: f.dues.iter().map(Into::into).collect(),
        findings: f
            .findings
            .iter()
            .map(|l| BulletinFindingOut {
                kind: l.kind.code(),
                label: l.kind.label(),
                opened: l.opened,
                closed: l.closed,
                open: l.open,
            })
            .collect(),
        spot_check_rounds: f.spot_checks.rounds,
        spot_check_items: f.spot_checks.items,
        spot_check_inspected: f.spot_checks.inspected,
        spot_check_findings_open: f.spot_checks.findings_open,
        spot_check_findings_closed: f.spot_checks.findings_closed,
        stars_year: f.stars_year,
        stars_eligible: f.stars_eligible,
        stars: f.stars.to_vec(),
        rectifications_opened: f.rectifications.opened,
        rectifications_accepted: f.rectifications.accepted,
        rectifications_open: f.rectifications.open,
        exemplars_published: f.exemplars_published,
        exemplars: f
            .exemplars
            .iter()
            .map(|e| BulletinExemplarOut {
                party_org: e.party_org.clone(),
                title: e.title.clone(),
                summary: e.summary.clone(),
                published_on: e.published_on.to_string(),
            })
            .collect(),
        effectiveness: f
            .effectiveness
            .iter()
            .map(|l| EffectOut {
                name: l.name.clone(),
                ranked: l.ranked,
                score: l.now.score,
                score_before: l.before,
                weights_counted: l.now.weights_counted,
                components: l
                    .now
                    .components
                    .iter()
                    .map(|c| EffectComponentOut {
                        criterion: c.criterion.code(),
                        label: c.criterion.label(),
                        weight: c.weight,
                        rule: format!("{}@{}", c.rule.key, c.rule.version),
                        part: c.count.part,
                        whole: c.count.whole,
                        points: c.points,
                        explanation: c.explain(),
                    })
                    .collect(),
                explanation: l.now.explain(),
            })
            .collect(),
    }))
}
