//! The enumerations of the registry: organization kind, sector tags, zone kind and class,
//! party-organization type and formation mode, member status.
//!
//! Each value has a stable ASCII `code` (what the database stores and the API speaks) and
//! the official Chinese `label` (what people read). Parsing accepts either.

use serde::{Serialize, Serializer};
use thiserror::Error;

/// A value that is not one of an enumeration's codes or labels.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("“{value}”不是有效的{what}，可选：{choices}")]
pub struct UnknownValue {
    pub what: &'static str,
    pub value: String,
    pub choices: String,
}

/// What every coded enumeration offers, for code that lists any of them (a form's choices).
pub trait Coded: Copy + 'static {
    fn all() -> &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// Declares a closed enumeration with a stable code and a Chinese label per variant.
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// What the enumeration is called, in Chinese (for messages).
            pub const WHAT: &'static str = $what;

            /// The stable code stored in the database and used by the API.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The official Chinese label.
            pub const fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// Parses a code or a Chinese label (surrounding spaces ignored).
            pub fn parse(input: &str) -> Result<Self, UnknownValue> {
                let s = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s || v.label() == s)
                    .ok_or_else(|| UnknownValue {
                        what: $what,
                        value: s.to_owned(),
                        choices: Self::ALL.iter().map(|v| v.label()).collect::<Vec<_>>().join("、"),
                    })
            }
        }

        impl Coded for $name {
            fn all() -> &'static [Self] {
                Self::ALL
            }
            fn code(self) -> &'static str {
                $name::code(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

coded_enum! {
    /// 两新组织类别: what kind of two-new organization a unit is.
    OrgKind, "组织类别" {
        /// 非公有制企业
        Enterprise = ("enterprise", "非公有制企业"),
        /// 社会团体 (credit code 51…)
        SocialGroup = ("social_group", "社会团体"),
        /// 社会服务机构（民办非企业单位） (credit code 52…)
        SocialService = ("social_service", "民办非企业单位"),
        /// 基金会 (credit code 53…)
        Foundation = ("foundation", "基金会"),
        /// 其他社会组织 (律师、会计师事务所等)
        OtherSocial = ("other_social", "其他社会组织"),
    }
}

impl OrgKind {
    /// Whether the kind is a social organization (社会组织) rather than an enterprise.
    pub const fn is_social(self) -> bool {
        !matches!(self, OrgKind::Enterprise)
    }
}

coded_enum! {
    /// 行业领域标签: an organization may carry several.
    SectorTag, "行业标签" {
        /// 互联网企业
        Internet = ("internet", "互联网企业"),
        /// 新兴精神生产组织 (文化创意、网络文艺等)
        NewCultural = ("new_cultural", "新兴精神生产"),
        /// 民办学校
        PrivateSchool = ("private_school", "民办学校"),
        /// 民办医院
        PrivateHospital = ("private_hospital", "民办医院"),
        /// 制造业
        Manufacturing = ("manufacturing", "制造业"),
        /// 商贸流通
        Commerce = ("commerce", "商贸流通"),
        /// 快递物流
        Logistics = ("logistics", "快递物流"),
        /// 律师事务所
        LawFirm = ("law_firm", "律师事务所"),
        /// 会计师事务所
        AccountingFirm = ("accounting_firm", "会计师事务所"),
        /// 行业协会商会
        TradeAssociation = ("trade_association", "行业协会商会"),
        /// 生态农业
        EcoAgriculture = ("eco_agriculture", "生态农业"),
        /// 休闲旅游
        Tourism = ("tourism", "休闲旅游"),
    }
}

impl SectorTag {
    /// The bit this tag occupies in a [`SectorSet`]. Fixed per tag: it is stored data, so
    /// a new tag takes a new bit and none is ever renumbered.
    pub const fn bit(self) -> u32 {
        match self {
            SectorTag::Internet => 0,
            SectorTag::NewCultural => 1,
            SectorTag::PrivateSchool => 2,
            SectorTag::PrivateHospital => 3,
            SectorTag::Manufacturing => 4,
            SectorTag::Commerce => 5,
            SectorTag::Logistics => 6,
            SectorTag::LawFirm => 7,
            SectorTag::AccountingFirm => 8,
            SectorTag::TradeAssociation => 9,
            SectorTag::EcoAgriculture => 10,
            SectorTag::Tourism => 11,
        }
    }
}

/// The set of sector tags of one organization, stored as a bitmask (one integer column:
/// cheap to filter with `sectors & bit <> 0` on both databases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SectorSet(u32);

impl SectorSet {
    pub const EMPTY: SectorSet = SectorSet(0);

    /// Rebuilds a set from its stored bits, dropping bits no tag owns.
    pub fn from_bits(bits: i64) -> Self {
        let known = SectorTag::ALL
            .iter()
            .fold(0u32, |acc, t| acc | (1 << t.bit()));
        SectorSet((bits as u32) & known)
    }

    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    pub fn with(self, tag: SectorTag) -> Self {
        SectorSet(self.0 | (1 << tag.bit()))
    }

    pub fn contains(self, tag: SectorTag) -> bool {
        self.0 & (1 << tag.bit()) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn iter(self) -> impl Iterator<Item = SectorTag> {
        SectorTag::ALL
            .iter()
            .copied()
            .filter(move |t| self.contains(*t))
    }
}

impl FromIterator<SectorTag> for SectorSet {
    fn from_iter<I: IntoIterator<Item = SectorTag>>(iter: I) -> Self {
        iter.into_iter().fold(SectorSet::EMPTY, SectorSet::with)
    }
}

impl Serialize for SectorSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

coded_enum! {
    /// 区域类型: towns, parks, office buildings, markets.
    ZoneKind, "区域类型" {
        /// 特色小镇
        Town = ("town", "特色小镇"),
        /// 园区 (产业园、孵化基地)
        Park = ("park", "园区"),
        /// 商务楼宇
        Building = ("building", "商务楼宇"),
        /// 专业市场
        Market = ("market", "专业市场"),
    }
}

coded_enum! {
    /// 小镇分类 (一镇一策): what a town's party building focuses on.
    ZoneClass, "小镇分类" {
        /// 传统产业提升类: focus on park party building.
        TraditionalIndustry = ("traditional_industry", "传统产业提升类"),
        /// 战略性新兴产业类: focus on new-field party building.
        EmergingIndustry = ("emerging_industry", "战略性新兴产业类"),
        /// 生态休闲旅游类: combine with rural community party building.
        EcoTourism = ("eco_tourism", "生态休闲旅游类"),
    }
}

coded_enum! {
    /// 区域级别
    ZoneLevel, "区域级别" {
        Provincial = ("provincial", "省级"),
        Municipal = ("municipal", "市级"),
        County = ("county", "县级"),
    }
}

coded_enum! {
    /// 党组织类型
    PartyOrgType, "党组织类型" {
        /// 党委 (基层党委 and above)
        Committee = ("committee", "党委"),
        /// 党工委 (小镇/园区党工委, 两新工委)
        WorkingCommittee = ("working_committee", "党工委"),
        /// 综合党委 (e.g. 社会组织综合党委)
        ComprehensiveCommittee = ("comprehensive_committee", "综合党委"),
        /// 党总支
        GeneralBranch = ("general_branch", "党总支"),
        /// 党支部
        Branch = ("branch", "党支部"),
        /// 联合党支部: one branch over several units.
        JointBranch = ("joint_branch", "联合党支部"),
        /// 党小组
        Group = ("group", "党小组"),
    }
}

impl PartyOrgType {
    /// Branch-level organizations (党支部, 联合党支部): the ones the branch rules apply to.
    pub const fn is_branch(self) -> bool {
        matches!(self, PartyOrgType::Branch | PartyOrgType::JointBranch)
    }

    /// Committee-level organizations, elected for the longer term.
    pub const fn is_committee(self) -> bool {
        matches!(
            self,
            PartyOrgType::Committee
                | PartyOrgType::WorkingCommittee
                | PartyOrgType::ComprehensiveCommittee
        )
    }
}

coded_enum! {
    /// 职务: a post of a party organization's committee (支部委员会, 党委), or a 党小组's
    /// leader, held by one of its members for a term.
    Post, "职务" {
        /// 书记
        Secretary = ("secretary", "书记"),
        /// 副书记
        DeputySecretary = ("deputy_secretary", "副书记"),
        /// 组织委员
        Organization = ("organization", "组织委员"),
        /// 宣传委员
        Publicity = ("publicity", "宣传委员"),
        /// 纪检委员
        Discipline = ("discipline", "纪检委员"),
        /// 青年委员
        Youth = ("youth", "青年委员"),
        /// 妇女委员
        Women = ("women", "妇女委员"),
        /// 委员 without a named division
        Member = ("member", "委员"),
        /// 党小组组长
        GroupLeader = ("group_leader", "党小组组长"),
    }
}

impl Post {
    /// Whether one member at a time holds it: every post but 副书记 and plain 委员.
    pub const fn is_single(self) -> bool {
        !matches!(self, Post::DeputySecretary | Post::Member)
    }

    /// The post that leads an organization of this type: a 党小组's 组长, any other's 书记.
    pub fn head_of(org: PartyOrgType) -> Post {
        match org {
            PartyOrgType::Group => Post::GroupLeader,
            _ => Post::Secretary,
        }
    }

    /// Whether an organization of this type has the post: a 党小组 has its leader only,
    /// every other organization its committee's posts.
    pub fn fits(self, org: PartyOrgType) -> bool {
        match org {
            PartyOrgType::Group => self == Post::GroupLeader,
            _ => self != Post::GroupLeader,
        }
    }
}

coded_enum! {
    /// 组建方式
    FormationMode, "组建方式" {
        /// 单独组建
        Standalone = ("standalone", "单独组建"),
        /// 区域联建
        RegionalJoint = ("regional_joint", "区域联建"),
        /// 派员驻建
        Dispatched = ("dispatched", "派员驻建"),
        /// 行业统建
        IndustryWide = ("industry_wide", "行业统建"),
    }
}

coded_enum! {
    /// 党员类别: probationary or full member.
    MemberStatus, "党员类别" {
        /// 预备党员
        Probationary = ("probationary", "预备党员"),
        /// 正式党员
        Full = ("full", "正式党员"),
    }
}

coded_enum! {
    /// 流动情况
    FlowStatus, "流动情况" {
        /// 未流动
        Settled = ("settled", "未流动"),
        /// 流出: lives and works away from the home branch for now.
        Outflow = ("outflow", "流出"),
    }
}

coded_enum! {
    /// 转接介绍信的种类.
    LetterKind, "介绍信种类" {
        /// 组织关系介绍信: a fixed place for more than six months; the relationship moves.
        Introduction = ("introduction", "组织关系介绍信"),
        /// 党员证明信: six months or less; the relationship stays and the member takes part
        /// in the receiving organization's life meanwhile.
        Certificate = ("certificate", "党员证明信"),
    }
}

coded_enum! {
    /// 转接状态
    TransferState, "转接状态" {
        /// 已开具: the sender stays responsible until the receiver confirms.
        Issued = ("issued", "待接收"),
        /// 已接收 (回执 returned).
        Received = ("received", "已接收"),
        /// 已退回: the receiver refused, with its reason.
        Returned = ("returned", "已退回"),
        /// 已撤销 by the sender.
        Cancelled = ("cancelled", "已撤销"),
    }
}

impl TransferState {
    /// Whether the letter is still in force (nothing more happens to a closed one).
    pub const fn is_open(self) -> bool {
        matches!(self, TransferState::Issued)
    }
}

coded_enum! {
    /// 党员减少的原因: a member record is never deleted, it leaves by one of these.
    LeaveReason, "减少原因" {
        /// 转出 (through a transfer only)
        TransferredOut = ("transferred_out", "转出"),
        /// 死亡
        Died = ("died", "死亡"),
        /// 出党 (开除党籍)
        Expelled = ("expelled", "开除党籍"),
        /// 除名
        Removed = ("removed", "除名"),
        /// 劝退
        PersuadedOut = ("persuaded_out", "劝退"),
        /// 退党
        Withdrew = ("withdrew", "退党"),
        /// 自行脱党
        Lapsed = ("lapsed", "自行脱党"),
        /// 停止党籍 (失联)
        Suspended = ("suspended", "停止党籍"),
        /// 取消预备党员资格
        ProbationCancelled = ("probation_cancelled", "取消预备党员资格"),
    }
}

coded_enum! {
    /// 组织生活的会议和活动类型 (三会一课 and the rest).
    MeetingKind, "会议类型" {
        /// 支部党员大会
        BranchAssembly = ("branch_assembly", "支部党员大会"),
        /// 支部委员会会议
        Committee = ("committee", "支委会"),
        /// 党小组会
        GroupMeeting = ("group_meeting", "党小组会"),
        /// 党课
        PartyLecture = ("party_lecture", "党课"),
        /// 主题党日 (固定活动日)
        ThemeDay = ("theme_day", "主题党日"),
        /// 组织生活会
        LifeMeeting = ("life_meeting", "组织生活会"),
        /// 民主评议党员
        Appraisal = ("appraisal", "民主评议党员"),
        /// 谈心谈话
        Talk = ("talk", "谈心谈话"),
        /// 学习会、报告会、辅导讲座
        Study = ("study", "学习会"),
    }
}

coded_enum! {
    /// 出席情况 of one member at one meeting.
    Attendance, "出席情况" {
        Present = ("present", "出席"),
        /// 请假: with a reason.
        Excused = ("excused", "请假"),
        Absent = ("absent", "缺席"),
    }
}

coded_enum! {
    /// 党费类别 (中组发〔2008〕3号): what the monthly standard is computed from.
    DuesCategory, "党费类别" {
        /// 在职: a share of the fixed monthly after-tax pay, by bracket.
        Salaried = ("salaried", "在职"),
        /// 离退休: a share of the monthly pension, by bracket.
        Retired = ("retired", "离退休"),
        /// 农民: a fixed amount between 0.2 and 1 yuan.
        Farmer = ("farmer", "农民"),
        /// 学生
        Student = ("student", "学生"),
        /// 下岗失业
        Unemployed = ("unemployed", "下岗失业"),
        /// 依靠抚恤或救济生活、领取最低生活保障金
        Relief = ("relief", "抚恤救济低保"),
    }
}

coded_enum! {
    /// 党员档案材料: the items a member's archive must hold (DOMAIN.md "Archives").
    ArchiveItem, "档案材料" {
        /// 入党申请书
        Application = ("application", "入党申请书"),
        /// 入党志愿书
        Volunteer = ("volunteer", "入党志愿书"),
        /// 政治审查材料
        PoliticalReview = ("political_review", "政治审查材料"),
        /// 培养教育考察材料
        Training = ("training", "培养教育考察材料"),
        /// 转正申请书 (full members only)
        Confirmation = ("confirmation", "转正申请书"),
    }
}

coded_enum! {
    /// 用户角色: what a user is, which fixes what part of the tree they see.
    Role, "角色" {
        /// 市委组织部 / 市两新工委: the whole city.
        City = ("city", "市两新工委"),
        /// 县(市、区)两新工委: one county.
        County = ("county", "县两新工委"),
        /// 小镇/园区党工委: one zone.
        Zone = ("zone", "小镇园区党工委"),
        /// 党组织书记 / 党务工作者: one party organization and below.
        Secretary = ("secretary", "党组织书记"),
        /// 党建指导员: the organizations assigned to them.
        Instructor = ("instructor", "党建指导员"),
        /// 党员: themselves.
        Member = ("member", "党员"),
        /// 系统管理员: administers the accounts at or below its committee and sees no member
        /// data by virtue of that (三员分立, 等保 2.0).
        SystemAdmin = ("sysadmin", "系统管理员"),
        /// 安全管理员: keeps the rule parameters and the security settings, and sees no
        /// member data by virtue of that (三员分立).
        SecurityAdmin = ("secadmin", "安全管理员"),
        /// 安全审计员: reads the audit log and its verification, changes nothing, and sees
        /// no member data by virtue of that (三员分立).
        SecurityAuditor = ("auditor", "安全审计员"),
    }
}

impl Role {
    /// The administrative roles (三员): they work on the system, not on the records, and
    /// see no member data by virtue of the role.
    pub const fn is_administrative(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::SecurityAuditor
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_and_label() {
        assert_eq!(OrgKind::parse("enterprise"), Ok(OrgKind::Enterprise));
        assert_eq!(
            PartyOrgType::parse(" 联合党支部 "),
            Ok(PartyOrgType::JointBranch)
        );
        assert_eq!(
            FormationMode::parse("行业统建"),
            Ok(FormationMode::IndustryWide)
        );
    }

    #[test]
    fn unknown_value_lists_choices_in_chinese() {
        let err = ZoneClass::parse("工业类").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("“工业类”不是有效的小镇分类"), "{msg}");
        assert!(
            msg.contains("传统产业提升类、战略性新兴产业类、生态休闲旅游类"),
            "{msg}"
        );
    }

    #[test]
    fn codes_and_labels_are_unique() {
        fn check<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) {
            let mut seen = std::collections::HashSet::new();
            for v in all {
                assert!(seen.insert(code(*v)));
                assert!(seen.insert(label(*v)));
            }
        }
        check(OrgKind::ALL, OrgKind::code, OrgKind::label);
        check(SectorTag::ALL, SectorTag::code, SectorTag::label);
        check(PartyOrgType::ALL, PartyOrgType::code, PartyOrgType::label);
        check(
            FormationMode::ALL,
            FormationMode::code,
            FormationMode::label,
        );
        check(ZoneKind::ALL, ZoneKind::code, ZoneKind::label);
        check(MeetingKind::ALL, MeetingKind::code, MeetingKind::label);
        check(Attendance::ALL, Attendance::code, Attendance::label);
        check(DuesCategory::ALL, DuesCategory::code, DuesCategory::label);
        check(ArchiveItem::ALL, ArchiveItem::code, ArchiveItem::label);
        check(Role::ALL, Role::code, Role::label);
    }

    #[test]
    fn sector_bits_are_fixed_and_distinct() {
        // Stored data: these numbers never change.
        assert_eq!(SectorTag::Internet.bit(), 0);
        assert_eq!(SectorTag::Tourism.bit(), 11);
        let bits: std::collections::HashSet<u32> = SectorTag::ALL.iter().map(|t| t.bit()).collect();
        assert_eq!(bits.len(), SectorTag::ALL.len());
    }

    #[test]
    fn sector_set_round_trips_through_bits() {
        let set: SectorSet = [SectorTag::Internet, SectorTag::PrivateHospital]
            .into_iter()
            .collect();
        let back = SectorSet::from_bits(set.bits());
        assert_eq!(back, set);
        assert_eq!(
            back.iter().collect::<Vec<_>>(),
            vec![SectorTag::Internet, SectorTag::PrivateHospital]
        );
        assert!(!back.contains(SectorTag::LawFirm));
        assert_eq!(
            SectorSet::from_bits(-1).iter().count(),
            SectorTag::ALL.len()
        );
    }
}

coded_enum! {
    /// 党建经费来源: where a zone's or a party organization's party-building money comes from.
    FundSource, "经费来源" {
        /// 财政专项
        Finance = ("finance", "财政专项"),
        /// 党费返还或下拨
        Dues = ("dues", "党费返还或下拨"),
        /// 两新组织列支 (管理费用中列支)
        Organization = ("organization", "两新组织列支"),
        /// 社会资助
        Social = ("social", "社会资助"),
    }
}

coded_enum! {
    /// 党建经费用途: what the money was spent on.
    FundUse, "经费用途" {
        /// 组织活动 (三会一课、主题党日)
        Activities = ("activities", "组织活动"),
        /// 教育培训
        Training = ("training", "教育培训"),
        /// 阵地建设 (党群服务中心、活动室)
        Positions = ("positions", "阵地建设"),
        /// 关怀帮扶 (慰问困难党员、老党员)
        Care = ("care", "关怀帮扶"),
        /// 表彰奖励
        Awards = ("awards", "表彰奖励"),
        /// 其他
        Other = ("other", "其他"),
    }
}

coded_enum! {
    /// 学历, in the 党内统计's groups (highest completed).
    Education, "学历" {
        /// 研究生 (硕士、博士)
        Graduate = ("graduate", "研究生"),
        /// 大学本科
        Bachelor = ("bachelor", "大学本科"),
        /// 大学专科
        Associate = ("associate", "大学专科"),
        /// 中专 (中等专业学校、中技)
        Vocational = ("vocational", "中专"),
        /// 高中
        HighSchool = ("high_school", "高中"),
        /// 初中及以下
        JuniorOrBelow = ("junior_or_below", "初中及以下"),
    }
}

impl Education {
    /// 大专及以上, as the 公报 sums it.
    pub const fn is_college(self) -> bool {
        matches!(
            self,
            Education::Graduate | Education::Bachelor | Education::Associate
        )
    }
}

coded_enum! {
    /// 职业 (人员类别 of the 党内统计公报): what a member does for a living.
    Occupation, "职业" {
        /// 工人（工勤技能人员）
        Worker = ("worker", "工人（工勤技能人员）"),
        /// 农牧渔民
        Farmer = ("farmer", "农牧渔民"),
        /// 企事业单位和社会组织专业技术人员
        Professional = ("professional", "企事业单位和社会组织专业技术人员"),
        /// 企事业单位和社会组织管理人员
        Manager = ("manager", "企事业单位和社会组织管理人员"),
        /// 党政机关工作人员
        Official = ("official", "党政机关工作人员"),
        /// 学生
        Student = ("student", "学生"),
        /// 离退休人员
        Retired = ("retired", "离退休人员"),
        /// 其他职业人员
        Other = ("other", "其他职业人员"),
    }
}

coded_enum! {
    /// 抽查对象: what a spot check draws from the register.
    SpotCheckOf, "抽查对象" {
        /// 党组织 (not 党小组, not the committee that checks)
        PartyOrgs = ("party_orgs", "党组织"),
        /// 两新组织
        Units = ("units", "两新组织"),
    }
}

coded_enum! {
    /// 分层方式: how the frame of a spot check is divided before drawing.
    SpotCheckStrata, "分层方式" {
        County = ("county", "按县（市、区）"),
        Zone = ("zone", "按园区小镇"),
        /// 组织类别 for units, 党组织类型 for party organizations
        Kind = ("kind", "按类型"),
    }
}

coded_enum! {
    /// 检查结论 of one inspection of a spot check.
    InspectionResult, "检查结论" {
        Passed = ("passed", "合格"),
        Issues = ("issues", "发现问题"),
    }
}

coded_enum! {
    /// 先进典型类别: what an exemplar is.
    ExemplarKind, "典型类别" {
        /// 先进基层党组织
        Organization = ("organization", "先进基层党组织"),
        /// 优秀共产党员
        Member = ("member", "优秀共产党员"),
        /// 优秀党务工作者
        Worker = ("worker", "优秀党务工作者"),
        /// 特色做法（一镇一品、党建品牌）
        Practice = ("practice", "特色做法"),
    }
}

impl ExemplarKind {
    /// Whether the exemplar is a person (a member of the organization it belongs to).
    pub const fn is_person(self) -> bool {
        matches!(self, ExemplarKind::Member | ExemplarKind::Worker)
    }
}

coded_enum! {
    /// 述职评议等次: the grade a committee gives a secretary's yearly report on party
    /// building (书记抓党建述职评议考核).
    ReviewGrade, "评议等次" {
        /// 好
        Good = ("good", "好"),
        /// 较好
        FairlyGood = ("fairly_good", "较好"),
        /// 一般
        Average = ("average", "一般"),
        /// 差
        Poor = ("poor", "差"),
    }
}

coded_enum! {
    /// 党务工作者的工作方式: full-time or alongside another job.
    WorkerDuty, "专兼职" {
        /// 专职
        FullTime = ("full_time", "专职"),
        /// 兼职
        PartTime = ("part_time", "兼职"),
    }
}

coded_enum! {
    /// Where a party-affairs worker came from (选配来源).
    WorkerSource, "来源" {
        /// 机关选派（党建指导员等）
        Seconded = ("seconded", "机关选派"),
        /// 社会招聘
        Recruited = ("recruited", "社会招聘"),
        /// 本单位（企业、社会组织）人员
        Internal = ("internal", "本单位人员"),
        /// 退休干部
        Retired = ("retired", "退休干部"),
        /// 其他
        Other = ("other", "其他"),
    }
}

coded_enum! {
    /// 培训类别 (分类): what a course is for.
    TrainingKind, "培训类别" {
        /// 轮训: the yearly course every secretary goes through
        Rotation = ("rotation", "轮训"),
        /// 任职培训: for those new in post
        Induction = ("induction", "任职培训"),
        /// 示范培训
        Demonstration = ("demonstration", "示范培训"),
        /// 专题培训
        Thematic = ("thematic", "专题培训"),
    }
}

coded_enum! {
    /// 培训层级 (分层): the level that organized a course, from the organizer's place in
    /// the tree.
    TrainingLevel, "培训层级" {
        /// 市级
        City = ("city", "市级"),
        /// 县级
        County = ("county", "县级"),
        /// 乡镇（园区）级
        Town = ("town", "乡镇（园区）级"),
        /// 基层党组织
        Base = ("base", "基层党组织"),
    }
}

coded_enum! {
    /// What an investor (出资人) is to the unit.
    InvestorRole, "出资人身份" {
        /// 法定代表人
        LegalRepresentative = ("legal_representative", "法定代表人"),
        /// 实际控制人
        Controller = ("controller", "实际控制人"),
        /// 股东
        Shareholder = ("shareholder", "股东"),
        /// 合伙人
        Partner = ("partner", "合伙人"),
        /// 举办者: of a social organization (民办非企业单位的举办者、社会团体的发起人)
        Founder = ("founder", "举办者"),
    }
}

coded_enum! {
    /// 政治面貌, as an investor declares it (a member of the Party is a fact the register
    /// may not hold: an investor's organizational relation is often elsewhere).
    PoliticalStatus, "政治面貌" {
        /// 中共党员（含预备党员）
        PartyMember = ("party_member", "中共党员"),
        /// 共青团员
        LeagueMember = ("league_member", "共青团员"),
        /// 民主党派成员
        DemocraticParty = ("democratic_party", "民主党派"),
        /// 无党派人士
        NonParty = ("non_party", "无党派人士"),
        /// 群众
        Masses = ("masses", "群众"),
    }
}

coded_enum! {
    /// How a party organization reached investors (联系和教育出资人的方式).
    InvestorEventKind, "联系方式" {
        /// 走访谈心
        Visit = ("visit", "走访谈心"),
        /// 教育培训
        Training = ("training", "教育培训"),
        /// 座谈交流
        Forum = ("forum", "座谈交流"),
        /// 参加党组织活动
        Activity = ("activity", "参加党组织活动"),
    }
}

coded_enum! {
    /// How a 书记领办项目 ended (结项情况).
    ProjectOutcome, "结项情况" {
        /// 达成目标
        Achieved = ("achieved", "达成目标"),
        /// 部分达成
        Partly = ("partly", "部分达成"),
        /// 未达成
        NotAchieved = ("not_achieved", "未达成"),
    }
}
