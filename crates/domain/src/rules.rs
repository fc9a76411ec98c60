//! Rules as data: every frequency, rate, threshold and weight the engines use is a
//! versioned parameter with an effective date and a source.
//!
//! [`RuleSet::defaults`] carries the values from the documents (DOMAIN.md); the store
//! seeds them once and an administrator may add later versions. An engine never reads a
//! constant: it asks a [`RuleSet`] for the version in force on a date, and every finding
//! it raises carries the [`RuleRef`] of the parameter that raised it.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

/// One version of one rule parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleParam {
    /// Stable key, e.g. `coverage.own_branch_min_full_members`.
    pub key: String,
    /// 1 for the first version of a key, then 2, 3 …
    pub version: i32,
    /// The value in the parameter's unit (members, units, years, months …).
    pub value: i64,
    /// The first day this version is in force.
    pub effective_from: NaiveDate,
    /// What the rule says, in Chinese.
    pub title: String,
    /// The document it comes from.
    pub source: String,
}

/// Which rule (key and version) raised a finding, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub key: String,
    pub version: i32,
    pub title: String,
    pub source: String,
}

impl RuleParam {
    pub fn rule_ref(&self) -> RuleRef {
        RuleRef {
            key: self.key.clone(),
            version: self.version,
            title: self.title.clone(),
            source: self.source.clone(),
        }
    }
}

/// A rule the engines need has no version in force on the date asked.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleError {
    #[error("规则参数 {key} 在 {date} 没有生效的版本")]
    NotInForce { key: &'static str, date: NaiveDate },
    #[error("规则参数 {key} 的取值 {value} 不合理：{reason}")]
    OutOfRange {
        key: String,
        value: i64,
        reason: &'static str,
    },
}

/// The keys of the rules: coverage (组织设置, 覆盖) and organizational life (组织生活).
pub mod keys {
    pub const OWN_BRANCH_MIN_FULL_MEMBERS: &str = "coverage.own_branch_min_full_members";
    pub const INSTRUCTORS_PER_UNCOVERED_UNIT: &str = "coverage.instructors_per_uncovered_unit";
    pub const JOINT_BRANCH_MAX_UNITS: &str = "coverage.joint_branch_max_units";
    pub const BRANCH_MAX_MEMBERS: &str = "coverage.branch_max_members";
    pub const BRANCH_COMMITTEE_MIN_MEMBERS: &str = "coverage.branch_committee_min_members";
    pub const GENERAL_BRANCH_MAX_MEMBERS: &str = "coverage.general_branch_max_members";
    pub const BRANCH_TERM_YEARS: &str = "coverage.branch_term_years";
    pub const COMMITTEE_TERM_YEARS: &str = "coverage.committee_term_years";
    pub const TERM_REMINDER_MONTHS: &str = "coverage.term_reminder_months";

    pub const LIFE_BRANCH_ASSEMBLY_PER_QUARTER: &str = "life.branch_assembly_per_quarter";
    pub const LIFE_COMMITTEE_PER_MONTH: &str = "life.committee_per_month";
    pub const LIFE_GROUP_MEETING_PER_MONTH: &str = "life.group_meeting_per_month";
    pub const LIFE_PARTY_LECTURE_PER_QUARTER: &str = "life.party_lecture_per_quarter";
    pub const LIFE_THEME_DAY_PER_MONTH: &str = "life.theme_day_per_month";
    pub const LIFE_LIFE_MEETING_PER_YEAR: &str = "life.life_meeting_per_year";
    pub const LIFE_APPRAISAL_PER_YEAR: &str = "life.appraisal_per_year";
    pub const LIFE_TALK_PER_YEAR: &str = "life.talk_per_year";
    pub const LIFE_LATE_ENTRY_DAYS: &str = "life.late_entry_days";

    pub const DUES_SALARIED_BRACKET_1_MAX_YUAN: &str = "dues.salaried_bracket_1_max_yuan";
    pub const DUES_SALARIED_BRACKET_2_MAX_YUAN: &str = "dues.salaried_bracket_2_max_yuan";
    pub const DUES_SALARIED_BRACKET_3_MAX_YUAN: &str = "dues.salaried_bracket_3_max_yuan";
    pub const DUES_SALARIED_RATE_1_BP: &str = "dues.salaried_rate_1_bp";
    pub const DUES_SALARIED_RATE_2_BP: &str = "dues.salaried_rate_2_bp";
    pub const DUES_SALARIED_RATE_3_BP: &str = "dues.salaried_rate_3_bp";
    pub const DUES_SALARIED_RATE_4_BP: &str = "dues.salaried_rate_4_bp";
    pub const DUES_RETIRED_BRACKET_1_MAX_YUAN: &str = "dues.retired_bracket_1_max_yuan";
    pub const DUES_RETIRED_RATE_1_BP: &str = "dues.retired_rate_1_bp";
    pub const DUES_RETIRED_RATE_2_BP: &str = "dues.retired_rate_2_bp";
    pub const DUES_FIXED_LOW_FEN: &str = "dues.fixed_low_fen";
    pub const DUES_FARMER_MIN_FEN: &str = "dues.farmer_min_fen";
    pub const DUES_FARMER_MAX_FEN: &str = "dues.farmer_max_fen";
    pub const DUES_BACK_PAYMENT_MAX_MONTHS: &str = "dues.back_payment_max_months";

    pub const ARCHIVE_REQUIRE_APPLICATION: &str = "archive.require_application";
    pub const ARCHIVE_REQUIRE_VOLUNTEER: &str = "archive.require_volunteer";
    pub const ARCHIVE_REQUIRE_POLITICAL_REVIEW: &str = "archive.require_political_review";
    pub const ARCHIVE_REQUIRE_TRAINING: &str = "archive.require_training";
    pub const ARCHIVE_REQUIRE_CONFIRMATION: &str = "archive.require_confirmation";

    pub const AUDIT_SIX_MONTH_WARN_MONTHS: &str = "audit.six_month_warn_months";
    pub const AUDIT_SIX_MONTH_FLAG_MONTHS: &str = "audit.six_month_flag_months";
    pub const AUDIT_LONG_LEAVE_MONTHS: &str = "audit.long_leave_months";
    pub const GOOD_REASON_ILLNESS: &str = "audit.good_reason.illness";
    pub const GOOD_REASON_OFFICIAL: &str = "audit.good_reason.official";
    pub const GOOD_REASON_AWAY: &str = "audit.good_reason.away";
    pub const GOOD_REASON_TRAINING: &str = "audit.good_reason.training";
    pub const GOOD_REASON_FAMILY: &str = "audit.good_reason.family";
    pub const GOOD_REASON_OTHER: &str = "audit.good_reason.other";

    pub const TRANSFER_IN_CITY_DAYS: &str = "transfer.in_city_days";
    pub const TRANSFER_OUTSIDE_DAYS: &str = "transfer.outside_days";
    pub const TRANSFER_MAX_MONTHS: &str = "transfer.max_months";

    pub const APPRAISAL_EXCELLENT_DENOMINATOR: &str = "appraisal.excellent_denominator";
    pub const APPRAISAL_CORRECTION_MONTHS: &str = "appraisal.correction_months";

    pub const WEAK_SECRETARY_VACANT_DAYS: &str = "weak.secretary_vacant_days";
    pub const WEAK_ASSEMBLY_MISSED_QUARTERS: &str = "weak.assembly_missed_quarters";
    pub const WEAK_MISSED_PERIODS: &str = "weak.missed_periods";
    pub const WEAK_OPEN_FINDINGS: &str = "weak.open_findings";
    pub const WEAK_LOW_STARS: &str = "weak.low_stars";

    pub const FLOATING_CERTIFICATE_REQUIRED: &str = "floating.certificate_required";
    pub const FLOATING_TEMPORARY_BRANCH_MIN: &str = "floating.temporary_branch_min";

    pub const SECURITY_LOGIN_ATTEMPTS_RETENTION_DAYS: &str =
        "security.login_attempts_retention_days";
    pub const SECURITY_LOCK_AFTER_FAILURES: &str = "security.lock_after_failures";
    pub const SECURITY_LOCK_MINUTES: &str = "security.lock_minutes";
    pub const SECURITY_ADDRESS_FAILURE_LIMIT: &str = "security.address_failure_limit";
    pub const SECURITY_ADDRESS_WINDOW_MINUTES: &str = "security.address_window_minutes";
}

const SOURCE_SIGN_IN: &str = "GB/T 22239—2019《信息安全技术 网络安全等级保护基本要求》身份鉴别：应具有登录失败处理功能，配置并启用结束会话、限制非法登录次数和当登录连接超时自动退出等相关措施；本平台默认值（可配置）";

const SOURCE_ARCHIVES: &str =
    "中国共产党发展党员工作细则（2014）第四十八条；本平台默认清单（可配置）";
const SOURCE_SIX_MONTH: &str =
    "中国共产党章程 第九条；中国共产党党员教育管理工作条例（2019）第二十四条";

const SOURCE_APPRAISAL: &str = "中国共产党章程 第九条（不合格党员限期改正）；中共中央组织部《关于对党员进行民主评议的意见》（1988）；优秀比例与改正期限为本平台默认值（可配置）";

const SOURCE_WEAK: &str = "中共中央组织部《关于集中整顿软弱涣散基层党组织的通知》（2013）所列情形（书记长期缺职、组织制度形同虚设等）；各项期限和数量为本平台默认值（可配置）";

const SOURCE_GOOD_REASON: &str = "中国共产党章程 第九条（“没有正当理由”）；请假原因的分类及是否视为正当理由为本平台默认值（可配置）";

const SOURCE_TRANSFERS: &str =
    "中国共产党党员教育管理工作条例（2019）（党员组织关系管理）；有效期为本平台默认值（可配置）";

const SOURCE_FLOATING: &str = "中国共产党党员教育管理工作条例（2019）（流动党员管理）";

const SOURCE_DUES: &str = "中组发〔2008〕3号《关于中国共产党党费收缴、使用和管理的规定》";

const SOURCE_LIFE_RULES: &str = "中国共产党支部工作条例（试行）（2018）第十八条、第十九条";

const SOURCE_BRANCH_RULES: &str = "中国共产党支部工作条例（试行）（2018）";
const SOURCE_WORK_COVERAGE: &str = "关于加强和改进非公有制企业党的建设工作的意见（试行）（2012）；关于加强社会组织党的建设工作的意见（试行）（2015）";
const SOURCE_CONSTITUTION: &str = "中国共产党章程；中国共产党支部工作条例（试行）（2018）";

/// Every version of every parameter known to the system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSet {
    params: Vec<RuleParam>,
}

impl RuleSet {
    pub fn new(params: Vec<RuleParam>) -> Self {
        RuleSet { params }
    }

    /// The defaults from the documents, each as version 1.
    pub fn defaults() -> Self {
        let from = NaiveDate::from_ymd_opt(2018, 10, 28).unwrap_or_default();
        let p = |key: &str, value: i64, title: &str, source: &str| RuleParam {
            key: key.to_owned(),
            version: 1,
            value,
            effective_from: from,
            title: title.to_owned(),
            source: source.to_owned(),
        };
        // The dues standard has been in force since 2008-04-01.
        let dues_from = NaiveDate::from_ymd_opt(2008, 4, 1).unwrap_or_default();
        let dues = |key: &str, value: i64, title: &str| RuleParam {
            key: key.to_owned(),
            version: 1,
            value,
            effective_from: dues_from,
            title: title.to_owned(),
            source: SOURCE_DUES.to_owned(),
        };
        let mut params = vec![
            p(
                keys::OWN_BRANCH_MIN_FULL_MEMBERS,
                3,
                "正式党员3人以上的单位应单独成立党支部；不足3人的应成立或纳入联合党支部",
                SOURCE_BRANCH_RULES,
            ),
            p(
                keys::INSTRUCTORS_PER_UNCOVERED_UNIT,
                1,
                "暂不具备组建条件、没有党员的单位，应选派党建指导员开展党的工作（工作覆盖）",
                SOURCE_WORK_COVERAGE,
            ),
            p(
                keys::JOINT_BRANCH_MAX_UNITS,
                5,
                "联合党支部覆盖单位一般不超过5个",
                SOURCE_BRANCH_RULES,
            ),
            p(
                keys::BRANCH_MAX_MEMBERS,
                50,
                "党支部党员人数一般不超过50人，超过的应成立党总支",
                SOURCE_BRANCH_RULES,
            ),
            p(
                keys::GENERAL_BRANCH_MAX_MEMBERS,
                100,
                "党员人数超过100人的，经批准可成立基层党委",
                SOURCE_CONSTITUTION,
            ),
            p(
                keys::BRANCH_COMMITTEE_MIN_MEMBERS,
                7,
                "党员7人以上的党支部应设立支部委员会",
                SOURCE_BRANCH_RULES,
            ),
            p(
                keys::BRANCH_TERM_YEARS,
                3,
                "党支部、党总支每届任期3年",
                SOURCE_BRANCH_RULES,
            ),
            p(
                keys::COMMITTEE_TERM_YEARS,
                5,
                "基层党委每届任期5年",
                SOURCE_CONSTITUTION,
            ),
            p(
                keys::TERM_REMINDER_MONTHS,
                6,
                "任期届满前6个月提醒换届",
                "本平台默认值（可配置）",
            ),
            p(
                keys::LIFE_BRANCH_ASSEMBLY_PER_QUARTER,
                1,
                "支部党员大会一般每季度召开1次",
                SOURCE_LIFE_RULES,
            ),
            p(
                keys::LIFE_COMMITTEE_PER_MONTH,
                1,
                "支部委员会会议一般每月召开1次",
                SOURCE_LIFE_RULES,
            ),
            p(
                keys::LIFE_GROUP_MEETING_PER_MONTH,
                1,
                "党小组会一般每月召开1次",
                SOURCE_LIFE_RULES,
            ),
            p(
                keys::LIFE_PARTY_LECTURE_PER_QUARTER,
                1,
                "党课每季度至少1次（条例要求书记每年至少讲1次党课；各地多定为每季度，可配置）",
                "中国共产党支部工作条例（试行）（2018）第十九条；本平台默认值（可配置）",
            ),
            p(
                keys::LIFE_THEME_DAY_PER_MONTH,
                1,
                "每月相对固定1天开展主题党日",
                SOURCE_LIFE_RULES,
            ),
            p(
                keys::LIFE_LIFE_MEETING_PER_YEAR,
                1,
                "组织生活会一般每年召开1次",
                SOURCE_LIFE_RULES,
            ),
            p(
                keys::LIFE_APPRAISAL_PER_YEAR,
                1,
                "每年开展1次民主评议党员",
                SOURCE_LIFE_RULES,
            ),
            p(
                keys::LIFE_TALK_PER_YEAR,
                1,
                "党支部委员之间、委员和党员之间、党员和党员之间每年至少开展1次谈心谈话",
                SOURCE_LIFE_RULES,
            ),
            dues(
                keys::DUES_SALARIED_BRACKET_1_MAX_YUAN,
                3000,
                "在职党员月工资收入（税后）3000元以下（含）为第一档",
            ),
            dues(
                keys::DUES_SALARIED_BRACKET_2_MAX_YUAN,
                5000,
                "在职党员月工资收入3000元以上至5000元（含）为第二档",
            ),
            dues(
                keys::DUES_SALARIED_BRACKET_3_MAX_YUAN,
                10000,
                "在职党员月工资收入5000元以上至10000元（含）为第三档，10000元以上为第四档",
            ),
            dues(
                keys::DUES_SALARIED_RATE_1_BP,
                50,
                "第一档按月工资收入的0.5%交纳党费",
            ),
            dues(
                keys::DUES_SALARIED_RATE_2_BP,
                100,
                "第二档按月工资收入的1%交纳党费",
            ),
            dues(
                keys::DUES_SALARIED_RATE_3_BP,
                150,
                "第三档按月工资收入的1.5%交纳党费",
            ),
            dues(
                keys::DUES_SALARIED_RATE_4_BP,
                200,
                "第四档按月工资收入的2%交纳党费",
            ),
            dues(
                keys::DUES_RETIRED_BRACKET_1_MAX_YUAN,
                5000,
                "离退休党员月离退休费5000元以下（含）按0.5%交纳，5000元以上按1%交纳",
            ),
            dues(
                keys::DUES_RETIRED_RATE_1_BP,
                50,
                "离退休费5000元以下（含）按0.5%交纳党费",
            ),
            dues(
                keys::DUES_RETIRED_RATE_2_BP,
                100,
                "离退休费5000元以上按1%交纳党费",
            ),
            dues(
                keys::DUES_FIXED_LOW_FEN,
                20,
                "学生、下岗失业、依靠抚恤或救济生活、领取最低生活保障金的党员每月交纳党费0.2元",
            ),
            dues(
                keys::DUES_FARMER_MIN_FEN,
                20,
                "农民党员每月交纳党费0.2元至1元（下限）",
            ),
            dues(
                keys::DUES_FARMER_MAX_FEN,
                100,
                "农民党员每月交纳党费0.2元至1元（上限）",
            ),
            dues(
                keys::DUES_BACK_PAYMENT_MAX_MONTHS,
                6,
                "补交党费一般不超过6个月",
            ),
            p(
                keys::ARCHIVE_REQUIRE_APPLICATION,
                1,
                "党员档案应有入党申请书（1为必备，0为不要求；可配置）",
                SOURCE_ARCHIVES,
            ),
            p(
                keys::ARCHIVE_REQUIRE_VOLUNTEER,
                1,
                "党员档案应有入党志愿书（1为必备，0为不要求；可配置）",
                SOURCE_ARCHIVES,
            ),
            p(
                keys::ARCHIVE_REQUIRE_POLITICAL_REVIEW,
                1,
                "党员档案应有政治审查材料（1为必备，0为不要求；可配置）",
                SOURCE_ARCHIVES,
            ),
            p(
                keys::ARCHIVE_REQUIRE_TRAINING,
                1,
                "党员档案应有培养教育考察材料（1为必备，0为不要求；可配置）",
                SOURCE_ARCHIVES,
            ),
            p(
                keys::ARCHIVE_REQUIRE_CONFIRMATION,
                1,
                "正式党员档案应有转正申请书（1为必备，0为不要求；可配置）",
                SOURCE_ARCHIVES,
            ),
            p(
                keys::AUDIT_SIX_MONTH_WARN_MONTHS,
                3,
                "连续3个月不参加组织生活或不交纳党费的，提前预警（本平台默认值，可配置）",
                SOURCE_SIX_MONTH,
            ),
            p(
                keys::AUDIT_SIX_MONTH_FLAG_MONTHS,
                6,
                "党员无正当理由连续6个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，就被认为是自行脱党",
                SOURCE_SIX_MONTH,
            ),
            p(
                keys::AUDIT_LONG_LEAVE_MONTHS,
                6,
                "党员请假（有正当理由）连续6个月未参加组织生活的，提示支部跟进了解（长期请假，不作为自行脱党处置）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::GOOD_REASON_ILLNESS,
                1,
                "因病（病假、住院、就医）请假的，视为正当理由（1是0否）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::GOOD_REASON_OFFICIAL,
                1,
                "因公（出差、公务、值班、工作任务）请假的，视为正当理由（1是0否）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::GOOD_REASON_AWAY,
                1,
                "外出流动（务工经商、在外地）请假的，视为正当理由（1是0否）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::GOOD_REASON_TRAINING,
                1,
                "参加学习培训、考试请假的，视为正当理由（1是0否）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::GOOD_REASON_FAMILY,
                1,
                "婚丧、生育、照料家人等家庭原因请假的，视为正当理由（1是0否）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::GOOD_REASON_OTHER,
                0,
                "请假原因不属于以上各类的，视为正当理由（1是0否；默认否，由支部按类写明原因）",
                SOURCE_GOOD_REASON,
            ),
            p(
                keys::TRANSFER_IN_CITY_DAYS,
                10,
                "市内转接的组织关系介绍信有效期默认10天（开具方可另定）；逾期无人接收的，由共同上级党组织督促办理",
                SOURCE_TRANSFERS,
            ),
            p(
                keys::TRANSFER_OUTSIDE_DAYS,
                30,
                "转往市外的组织关系介绍信有效期默认30天（开具方可另定）；逾期未收到回执的，由上级党组织督促办理",
                SOURCE_TRANSFERS,
            ),
            p(
                keys::TRANSFER_MAX_MONTHS,
                3,
                "组织关系介绍信有效期最长不超过3个月",
                SOURCE_TRANSFERS,
            ),
            p(
                keys::APPRAISAL_EXCELLENT_DENOMINATOR,
                3,
                "民主评议中，支委会评定为优秀的一般不超过正式党员人数的1/3（此处为分母，取整）；预备党员参加评议、不评定等次",
                SOURCE_APPRAISAL,
            ),
            p(
                keys::APPRAISAL_CORRECTION_MONTHS,
                6,
                "评定为不合格的党员限期改正，期限默认6个月；期满仍无转变的，劝其退党或予以除名",
                SOURCE_APPRAISAL,
            ),
            p(
                keys::WEAK_SECRETARY_VACANT_DAYS,
                90,
                "书记空缺达到此天数的党组织，列为软弱涣散（书记长期缺职）的排查对象",
                SOURCE_WEAK,
            ),
            p(
                keys::WEAK_ASSEMBLY_MISSED_QUARTERS,
                1,
                "本年度未召开支部党员大会的季度达到此数的，列为软弱涣散（组织制度形同虚设）的排查对象",
                SOURCE_WEAK,
            ),
            p(
                keys::WEAK_MISSED_PERIODS,
                6,
                "本年度组织生活缺期（各类会议合计）达到此数的，列为软弱涣散（组织生活不正常）的排查对象",
                SOURCE_WEAK,
            ),
            p(
                keys::WEAK_OPEN_FINDINGS,
                10,
                "组织关系排查中由本组织负责、尚未销号的问题达到此数的，列为软弱涣散（管理松散）的排查对象",
                SOURCE_WEAK,
            ),
            p(
                keys::WEAK_LOW_STARS,
                1,
                "最近一次经市级确认的双强六好评星不高于此星级（或一票否决不评星）的，列为软弱涣散（后进）的排查对象",
                "DOMAIN：软弱落后党组织按规则认定，低星级为情形之一（湖州评星晋级做法）；星级线为本平台默认值（可配置）",
            ),
            p(
                keys::FLOATING_CERTIFICATE_REQUIRED,
                1,
                "外出流动党员应持有效的流动党员活动证，到期应及时换发（1为检查，0为不检查；可配置）",
                SOURCE_FLOATING,
            ),
            p(
                keys::FLOATING_TEMPORARY_BRANCH_MIN,
                3,
                "同一地方流动党员3人以上的，可以成立临时党支部或党小组",
                SOURCE_FLOATING,
            ),
            p(
                keys::LIFE_LATE_ENTRY_DAYS,
                30,
                "会议结束30天后录入的记录标为补录",
                "本平台默认值（可配置）",
            ),
            p(
                keys::SECURITY_LOCK_AFTER_FAILURES,
                5,
                "连续输错密码或验证码达到此次数的账号被锁定",
                SOURCE_SIGN_IN,
            ),
            p(
                keys::SECURITY_LOCK_MINUTES,
                15,
                "账号被锁定的分钟数",
                SOURCE_SIGN_IN,
            ),
            p(
                keys::SECURITY_ADDRESS_FAILURE_LIMIT,
                20,
                "同一来源地址在时间窗内登录失败达到此次数即暂时拒绝",
                SOURCE_SIGN_IN,
            ),
            p(
                keys::SECURITY_ADDRESS_WINDOW_MINUTES,
                10,
                "统计来源地址登录失败次数的时间窗（分钟）",
                SOURCE_SIGN_IN,
            ),
            p(
                keys::SECURITY_LOGIN_ATTEMPTS_RETENTION_DAYS,
                180,
                "登录尝试记录（来源地址、输入的用户名）保留180天后删除",
                "GB/T 22239—2019《信息安全技术 网络安全等级保护基本要求》安全审计：审计记录保留不少于6个月；本平台默认值（可配置）",
            ),
        ];
        params.extend(crate::stars::default_params(from));
        params.extend(crate::vanguard::default_params(from));
        params.extend(crate::checkup::default_params(from));
        params.extend(crate::town::default_params(from));
        params.extend(crate::review::default_params(from));
        params.extend(crate::center::default_params(from));
        params.extend(crate::workforce::default_params(from));
        params.extend(crate::effectiveness::default_params(from));
        params.extend(crate::investor::default_params(from));
        RuleSet::new(params)
    }

    pub fn params(&self) -> &[RuleParam] {
        &self.params
    }

    /// The version of `key` in force on `date`: the highest version whose effective date
    /// is not after `date`.
    pub fn in_force(&self, key: &'static str, date: NaiveDate) -> Result<&RuleParam, RuleError> {
        self.params
            .iter()
            .filter(|p| p.key == key && p.effective_from <= date)
            .max_by_key(|p| (p.effective_from, p.version))
            .ok_or(RuleError::NotInForce { key, date })
    }
}

/// A parameter resolved for one date: its value and the reference a finding cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: i64,
    /// Shared by every finding the parameter raises.
    pub rule: Arc<RuleRef>,
}

impl Resolved {
    /// A positive value no larger than `max`: for parameters where a huge value would make
    /// the system unusable rather than strict (the sign-in limits).
    pub(crate) fn at_most(
        p: &RuleParam,
        max: i64,
        reason: &'static str,
    ) -> Result<Resolved, RuleError> {
        let r = Resolved::positive(p)?;
        if r.value > max {
            return Err(RuleError::OutOfRange {
                key: p.key.clone(),
                value: p.value,
                reason,
            });
        }
        Ok(r)
    }

    pub(crate) fn positive(p: &RuleParam) -> Result<Resolved, RuleError> {
        if p.value <= 0 {
            return Err(RuleError::OutOfRange {
                key: p.key.clone(),
                value: p.value,
                reason: "必须为正数",
            });
        }
        Ok(Resolved {
            value: p.value,
            rule: Arc::new(p.rule_ref()),
        })
    }
}

/// The coverage rules in force on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageRules {
    pub as_of: NaiveDate,
    pub own_branch_min_full_members: Resolved,
    pub instructors_per_uncovered_unit: Resolved,
    pub joint_branch_max_units: Resolved,
    pub branch_max_members: Resolved,
    pub branch_committee_min_members: Resolved,
    pub general_branch_max_members: Resolved,
    pub branch_term_years: Resolved,
    pub committee_term_years: Resolved,
    pub term_reminder_months: Resolved,
}

impl CoverageRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key| set.in_force(key, as_of).and_then(Resolved::positive);
        Ok(CoverageRules {
            as_of,
            own_branch_min_full_members: get(keys::OWN_BRANCH_MIN_FULL_MEMBERS)?,
            instructors_per_uncovered_unit: get(keys::INSTRUCTORS_PER_UNCOVERED_UNIT)?,
            joint_branch_max_units: get(keys::JOINT_BRANCH_MAX_UNITS)?,
            branch_max_members: get(keys::BRANCH_MAX_MEMBERS)?,
            branch_committee_min_members: get(keys::BRANCH_COMMITTEE_MIN_MEMBERS)?,
            general_branch_max_members: get(keys::GENERAL_BRANCH_MAX_MEMBERS)?,
            branch_term_years: get(keys::BRANCH_TERM_YEARS)?,
            committee_term_years: get(keys::COMMITTEE_TERM_YEARS)?,
            term_reminder_months: get(keys::TERM_REMINDER_MONTHS)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn defaults_resolve_with_their_sources() {
        let rules = CoverageRules::resolve(&RuleSet::defaults(), d(2026, 11, 27)).unwrap();
        assert_eq!(rules.own_branch_min_full_members.value, 3);
        assert_eq!(rules.joint_branch_max_units.value, 5);
        assert!(
            rules
                .branch_max_members
                .rule
                .source
                .contains("支部工作条例")
        );
    }

    #[test]
    fn a_later_version_takes_over_on_its_effective_date() {
        let mut params = RuleSet::defaults().params().to_vec();
        params.push(RuleParam {
            key: keys::JOINT_BRANCH_MAX_UNITS.into(),
            version: 2,
            value: 8,
            effective_from: d(2027, 1, 1),
            title: "本地放宽".into(),
            source: "某市组织部文件".into(),
        });
        let set = RuleSet::new(params);
        let before = CoverageRules::resolve(&set, d(2026, 12, 31)).unwrap();
        let after = CoverageRules::resolve(&set, d(2027, 1, 1)).unwrap();
        assert_eq!(before.joint_branch_max_units.value, 5);
        assert_eq!(after.joint_branch_max_units.value, 8);
        assert_eq!(after.joint_branch_max_units.rule.version, 2);
    }

    #[test]
    fn no_version_in_force_is_an_error_naming_the_key() {
        let err = CoverageRules::resolve(&RuleSet::defaults(), d(2010, 1, 1)).unwrap_err();
        assert!(err.to_string().contains("coverage."), "{err}");
    }

    #[test]
    fn a_zero_threshold_is_refused() {
        let mut params = RuleSet::defaults().params().to_vec();
        params[0].value = 0;
        let err = CoverageRules::resolve(&RuleSet::new(params), d(2026, 1, 1)).unwrap_err();
        assert!(matches!(err, RuleError::OutOfRange { .. }));
    }
}

/// The sign-in rules in force on one date (登录失败处理).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRules {
    pub lock_after_failures: Resolved,
    pub lock_minutes: Resolved,
    pub address_failure_limit: Resolved,
    pub address_window_minutes: Resolved,
    pub login_attempts_retention_days: Resolved,
}

impl SecurityRules {
    pub fn resolve(set: &RuleSet, as_of: NaiveDate) -> Result<Self, RuleError> {
        let get = |key, max, reason| {
            set.in_force(key, as_of)
                .and_then(|p| Resolved::at_most(p, max, reason))
        };
        Ok(SecurityRules {
            lock_after_failures: get(keys::SECURITY_LOCK_AFTER_FAILURES, 100, "不能超过100次")?,
            lock_minutes: get(
                keys::SECURITY_LOCK_MINUTES,
                10_080,
                "不能超过10080分钟（7天）",
            )?,
            address_failure_limit: get(
                keys::SECURITY_ADDRESS_FAILURE_LIMIT,
                10_000,
                "不能超过10000次",
            )?,
            address_window_minutes: get(
                keys::SECURITY_ADDRESS_WINDOW_MINUTES,
                1_440,
                "不能超过1440分钟（1天）",
            )?,
            login_attempts_retention_days: get(
                keys::SECURITY_LOGIN_ATTEMPTS_RETENTION_DAYS,
                3_650,
                "不能超过3650天",
            )?,
        })
    }
}
