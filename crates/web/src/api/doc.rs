//! What the API's parameters accept, for its document: each a list of values or a
//! pattern, so that a value the document allows is one the API takes (schemathesis checks
//! it in `.ci/run`). Only the document uses these types; the handlers parse the text.

use utoipa::ToSchema;

/// A file instead of JSON: every row of the same filter.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum FileFormat {
    Csv,
    Xlsx,
}

/// How the coverage report is grouped.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum GroupBy {
    County,
    Zone,
    Sector,
    Kind,
}

/// A transfer letter's state.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum TransferState {
    Issued,
    Received,
    Returned,
    Cancelled,
}

/// What a sheet holds.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum ImportKind {
    Members,
    Organizations,
    PartyOrgs,
    Assignments,
    Payments,
    Meetings,
    Zones,
    Posts,
}

/// A two-new organization's kind.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum OrgKind {
    Enterprise,
    SocialGroup,
    SocialService,
    Foundation,
    OtherSocial,
}

/// 覆盖状态 as the organization list filters it (the dashboard's figures, the same way).
#[derive(Debug, ToSchema)]
pub enum UnitState {
    /// 组织覆盖
    #[schema(rename = "organization")]
    Organization,
    /// 工作覆盖，含组织覆盖
    #[schema(rename = "work")]
    Work,
    /// 仅工作覆盖
    #[schema(rename = "work_only")]
    WorkOnly,
    /// 空白
    #[schema(rename = "gap")]
    Gap,
}

/// 行业 as the organization list filters it: a tag's code, or `none` for 未标注行业.
#[derive(Debug, ToSchema)]
pub enum Sector {
    #[schema(rename = "internet")]
    Internet,
    #[schema(rename = "new_cultural")]
    NewCultural,
    #[schema(rename = "private_school")]
    PrivateSchool,
    #[schema(rename = "private_hospital")]
    PrivateHospital,
    #[schema(rename = "manufacturing")]
    Manufacturing,
    #[schema(rename = "commerce")]
    Commerce,
    #[schema(rename = "logistics")]
    Logistics,
    #[schema(rename = "law_firm")]
    LawFirm,
    #[schema(rename = "accounting_firm")]
    AccountingFirm,
    #[schema(rename = "trade_association")]
    TradeAssociation,
    #[schema(rename = "eco_agriculture")]
    EcoAgriculture,
    #[schema(rename = "tourism")]
    Tourism,
    #[schema(rename = "none")]
    None,
}

/// 应采取行动 as the organization list filters it: `any` for 需要行动的单位.
#[derive(Debug, ToSchema)]
pub enum UnitAction {
    #[schema(rename = "any")]
    Any,
    #[schema(rename = "set_up_own_branch")]
    SetUpOwnBranch,
    #[schema(rename = "join_joint_branch")]
    JoinJointBranch,
    #[schema(rename = "assign_instructor")]
    AssignInstructor,
    #[schema(rename = "split_joint_branch")]
    SplitJointBranch,
    #[schema(rename = "upgrade_to_general_branch")]
    UpgradeToGeneralBranch,
    #[schema(rename = "upgrade_to_committee")]
    UpgradeToCommittee,
    #[schema(rename = "elect_committee")]
    ElectCommittee,
    #[schema(rename = "term_expiring")]
    TermExpiring,
    #[schema(rename = "term_expired")]
    TermExpired,
}

/// The order of the organization list; `-` before it reverses it.
#[derive(Debug, ToSchema)]
pub enum OrgSort {
    #[schema(rename = "name")]
    Name,
    #[schema(rename = "-name")]
    NameDescending,
    #[schema(rename = "county")]
    County,
    #[schema(rename = "-county")]
    CountyDescending,
    #[schema(rename = "employees")]
    Employees,
    #[schema(rename = "-employees")]
    EmployeesDescending,
}

/// The action the coverage rules demand.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum GapAction {
    SetUpOwnBranch,
    JoinJointBranch,
    AssignInstructor,
    SplitJointBranch,
    UpgradeToGeneralBranch,
    UpgradeToCommittee,
    ElectCommittee,
    TermExpiring,
    TermExpired,
}

/// 缺项 as the organizational-life list filters it.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum LifeMissed {
    /// 无缺项
    None,
    /// 有缺项
    Some,
}

/// 本期待开: organizations with a meeting of the running period still owed.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum LifeDue {
    Now,
}

/// 交纳状态 as the dues members list filters it.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum DuesState {
    /// 已交
    Paid,
    /// 少交
    Short,
    /// 未交
    Unpaid,
    /// 未定标准
    NoStandard,
    /// 本月党费未登记
    Unmarked,
}

/// 软弱涣散 criteria, as the candidates' list filters them.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum WeakCriterionCode {
    /// 书记长期缺职
    SecretaryVacant,
    /// 组织制度形同虚设
    NoAssembly,
    /// 组织生活不正常
    MissedPeriods,
    /// 班子届满未换届
    TermExpired,
    /// 党员管理松散
    OpenFindings,
    /// 评星等次低
    LowStars,
}

/// Where a 双强六好 rating stands, or `yours`: those whose next step is the caller's.
#[derive(Debug, ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum StarStepFilter {
    Yours,
    #[schema(rename = "self")]
    SelfAssessed,
    Scored,
    Reviewed,
    Confirmed,
}
