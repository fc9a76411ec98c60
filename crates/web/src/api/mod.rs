//! The JSON API under `/api/v1`, one file per action, each with its `utoipa` annotation;
//! [`ApiDoc`] gathers them into `/api/v1/openapi.json` (kept in a snapshot test).

pub mod assessment;
pub mod bulletin;
pub mod centers;
pub mod coverage;
pub mod doc;
pub mod dues;
pub mod evaluation;
pub mod exemplars;
pub mod extract;
pub mod floating;
pub mod funds;
pub mod gaps;
pub mod imports;
pub mod investors;
pub mod life;
pub mod members;
pub mod openapi;
pub mod organization;
pub mod organizations;
pub mod party_org;
pub mod projects;
pub mod reviews;
pub mod spot_checks;
pub mod statistics;
pub mod town;
pub mod transfers;
pub mod trend;
pub mod workforce;
pub mod zones;

use utoipa::OpenApi;

#[derive(Debug, OpenApi)]
#[openapi(
    info(title = "liangxin 两新党建 API", version = "1", description = "两新组织党建工作信息平台的数据接口。所有数据都限定在调用者的管理范围内。使用个人访问令牌：Authorization: Bearer <token>。"),
    paths(coverage::get, trend::get, zones::list, life::get, transfers::list, floating::list, dues::get, dues::members, gaps::list, organizations::list, organization::get, party_org::get, members::list, imports::list, imports::create, imports::get, imports::problems, imports::commit, imports::undo, evaluation::weak, evaluation::vanguard, evaluation::tables, evaluation::stars, evaluation::rectifications, funds::get, statistics::get, town::profile, spot_checks::list, spot_checks::get, exemplars::list, reviews::list, centers::list, workforce::list, investors::list, projects::list, assessment::list, bulletin::get),
    components(schemas(
        coverage::CoverageOut, coverage::GroupOut, coverage::TallyOut,
        trend::TrendOut, trend::TrendPointOut, zones::ZonesOut, zones::ZoneOut,
        life::LifeOut, life::BranchLifeOut, life::MissedOut, transfers::TransfersOut, transfers::TransferOut, floating::FloatingListOut, floating::FloatingOut, dues::DuesOut, dues::DuesOrgOut, dues::DuesTotalsOut, dues::DuesLists, dues::DuesMembersOut, dues::DuesMemberOut,
        gaps::GapOut, gaps::GapsOut, organizations::OrgOut, organizations::OrgsOut,
        organization::OrgDetailOut, organization::FindingOut, party_org::PartyOrgOut, party_org::ChildOut,
        party_org::RefOut, members::MemberOut, members::MembersOut,
        imports::ImportsOut, imports::ImportOut, imports::UploadOut, imports::PreviewOut, imports::ProblemOut, imports::ProblemsOut, imports::StartedOut, imports::UndoneOut,
        evaluation::RuleOut, evaluation::WeakReasonOut, evaluation::WeakCandidateOut, evaluation::WeakOut, evaluation::BandsOut, evaluation::BandsRowOut, evaluation::VanguardOut, evaluation::AppraisalRowOut, evaluation::RectificationRowOut, evaluation::TableRowOut, evaluation::TablesOut, evaluation::StarOut, evaluation::StarsOut, evaluation::RectificationOut, evaluation::RectificationsOut, funds::FundAmountOut, funds::FundTotalsOut, funds::FundRowOut, funds::FundsOut, statistics::StatColumnOut, statistics::StatRowOut, statistics::StatTableOut, statistics::StatisticsOut, town::ProfileItemOut, town::ZoneProfileOut, spot_checks::SpotCheckOut, spot_checks::SpotChecksOut, spot_checks::SampleItemOut, spot_checks::SpotFindingOut, spot_checks::SpotCheckDetailOut, exemplars::ExemplarOut, exemplars::ExemplarsOut, reviews::ReviewOut, reviews::ReviewsOut, centers::CenterOut, centers::CentersOut, workforce::SecretaryOut, workforce::WorkerOut, workforce::WorkforceOut, investors::InvestorOut, investors::InvestorEventOut, investors::InvestorsOut, projects::MilestoneOut, projects::ProjectOut, projects::ProjectsOut, assessment::ComputedCriterionOut, assessment::EnteredCriterionOut, assessment::FinalOut, assessment::SheetOut, assessment::AssessmentOut, bulletin::BulletinCoverageOut, bulletin::BulletinLifeOut, bulletin::BulletinDuesOut, bulletin::BulletinFindingOut, bulletin::BulletinExemplarOut, bulletin::EffectComponentOut, bulletin::EffectOut, bulletin::BulletinOut,
        crate::error::ErrorBody
    )),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
