//! The demo city: Quzhou's six real county-level divisions and the seven places the
//! 2017 speech names, plus generated towns, parks, organizations, party organizations,
//! instructors and members, all from one seed.
//!
//! The shape follows what a county organization department actually sees: most small
//! firms have no member; members cluster in a minority of units; joint branches group
//! small units (and some group too many); some units with three full members still sit
//! in a joint branch or have no branch at all; instructors reach part of the rest; some
//! terms have run out; a few members have flowed out of the city. The city is a function
//! of the seed and the reference date (terms and join dates are relative to it).

pub mod appraisals;
mod archive;
pub mod assessment;
pub mod centers;
pub mod committees;
mod dues;
mod floating;
pub mod funds;
pub mod investors;
pub mod life;
pub mod projects;
pub mod province;
pub mod records;
pub mod rectification;
pub mod reviews;
pub mod spot_checks;
pub mod stars;
pub mod towns;
pub mod transfers;
pub mod workforce;

use std::collections::HashSet;

use chrono::{Datelike, Months, NaiveDate};
use liangxin_domain::archive::ArchiveRecord;
use liangxin_domain::credit_code::CreditCode;
use liangxin_domain::dues::{PaymentRecord, StandardRecord};
use liangxin_domain::ethnicity::Ethnicity;
use liangxin_domain::kinds::{
    Education, FlowStatus, FormationMode, MemberStatus, Occupation, OrgKind, PartyOrgType,
    SectorSet, SectorTag, ZoneClass, ZoneKind, ZoneLevel,
};
use liangxin_domain::life::RecordedMeeting;
use liangxin_domain::registry::{
    Background, CoverageLink, Instructor, InstructorAssignment, Key, Member, Organization,
    PartyOrg, Region, Zone,
};
use liangxin_domain::resident_id::ResidentId;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How big a city to build.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub organizations: usize,
}

impl Size {
    /// About 60,000 organizations, 8,000 party organizations, 150,000 members.
    pub const CITY: Size = Size {
        organizations: 60_000,
    };
}

/// A name as the city's people have them: a surname and one or two given characters.
pub fn person_name(rng: &mut impl Rng) -> String {
    let s = *SURNAMES.choose(rng).unwrap_or(&"王");
    let a = *GIVEN.choose(rng).unwrap_or(&"伟");
    if rng.random_bool(0.7) {
        let b = *GIVEN.choose(rng).unwrap_or(&"明");
        format!("{s}{a}{b}")
    } else {
        format!("{s}{a}")
    }
}

/// A generated city, every slice in dependency order.
#[derive(Debug, Clone, Default)]
pub struct City {
    pub regions: Vec<Region>,
    pub zones: Vec<Zone>,
    pub organizations: Vec<Organization>,
    pub party_orgs: Vec<PartyOrg>,
    pub coverage: Vec<CoverageLink>,
    pub instructors: Vec<Instructor>,
    pub assignments: Vec<InstructorAssignment>,
    pub members: Vec<Member>,
    /// A year of organizational life up to the reference date.
    pub meetings: Vec<RecordedMeeting>,
    /// Each member's dues standard for the years of the window, and the ledger.
    pub dues_standards: Vec<StandardRecord>,
    pub dues_payments: Vec<PaymentRecord>,
    /// 台账起始月: the first month the city's meetings and dues cover (a year up to the
    /// reference date), the month every party organization's records start.
    pub records_start: NaiveDate,
    /// The items each member's archive holds.
    pub archive_items: Vec<ArchiveRecord>,
    /// A record for each member away (流出), with their 流动党员活动证.
    pub floating: Vec<liangxin_domain::floating::FloatingRecord>,
}

/// The first id each kind of record takes: a city placed after others starts where they end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdBase {
    pub zones: i64,
    pub organizations: i64,
    pub party_orgs: i64,
    pub instructors: i64,
    pub members: i64,
    pub meetings: i64,
    pub floating: i64,
}

impl Default for IdBase {
    fn default() -> IdBase {
        IdBase {
            zones: 1,
            organizations: 1,
            party_orgs: 1,
            instructors: 1,
            members: 1,
            meetings: 1,
            floating: 1,
        }
    }
}

impl City {
    /// Moves every id (and every reference to it) so that each kind starts at `base`
    /// instead of 1, and returns the base of the next city: ids stay unique across the
    /// cities of a province, as one database needs them.
    pub fn shift_ids(&mut self, base: IdBase) -> IdBase {
        let d = IdBase {
            zones: base.zones - 1,
            organizations: base.organizations - 1,
            party_orgs: base.party_orgs - 1,
            instructors: base.instructors - 1,
            members: base.members - 1,
            meetings: base.meetings - 1,
            floating: base.floating - 1,
        };
        let org = |k: &mut Key| k.id += d.organizations;
        let po = |k: &mut Key| k.id += d.party_orgs;
        let member = |k: &mut Key| k.id += d.members;
        for z in &mut self.zones {
            z.id += d.zones;
        }
        for o in &mut self.organizations {
            org(&mut o.key);
            if let Some(z) = &mut o.zone {
                *z += d.zones;
            }
        }
        for p in &mut self.party_orgs {
            po(&mut p.key);
            // A root's parent (the province's committee) lies outside the city.
            if let Some(parent) = &mut p.parent
                && parent.county != self.regions.first().and_then(|r| r.parent).unwrap_or(0)
            {
                po(parent);
            }
            if let Some(z) = &mut p.zone {
                *z += d.zones;
            }
        }
        for l in &mut self.coverage {
            org(&mut l.organization);
            po(&mut l.party_org);
        }
        for i in &mut self.instructors {
            i.key.id += d.instructors;
        }
        for a in &mut self.assignments {
            org(&mut a.organization);
            a.instructor.id += d.instructors;
        }
        for m in &mut self.members {
            member(&mut m.key);
            m.party_org_id += d.party_orgs;
            if let Some(w) = &mut m.workplace {
                org(w);
            }
        }
        for m in &mut self.meetings {
            m.key.id += d.meetings;
            po(&mut m.record.party_org);
            for a in &mut m.record.attendance {
                member(&mut a.member);
            }
        }
        for s in &mut self.dues_standards {
            member(&mut s.member);
        }
        for p in &mut self.dues_payments {
            member(&mut p.member);
        }
        for a in &mut self.archive_items {
            member(&mut a.member);
        }
        for f in &mut self.floating {
            f.id += d.floating;
            member(&mut f.member);
            if let Some(h) = &mut f.host {
                po(h);
            }
        }
        let next = |ids: &mut dyn Iterator<Item = i64>, at: i64| ids.max().map_or(at, |m| m + 1);
        IdBase {
            zones: next(&mut self.zones.iter().map(|z| z.id), base.zones),
            organizations: next(
                &mut self.organizations.iter().map(|o| o.key.id),
                base.organizations,
            ),
            party_orgs: next(
                &mut self.party_orgs.iter().map(|p| p.key.id),
                base.party_orgs,
            ),
            instructors: next(
                &mut self.instructors.iter().map(|i| i.key.id),
                base.instructors,
            ),
            members: next(&mut self.members.iter().map(|m| m.key.id), base.members),
            meetings: next(&mut self.meetings.iter().map(|m| m.key.id), base.meetings),
            floating: next(&mut self.floating.iter().map(|f| f.id), base.floating),
        }
    }
}

pub const CITY_CODE: i32 = 330800;

/// The default seed: the date of the speech the product was conceived from (2017-08-08).
pub const DEFAULT_SEED: u64 = 20170808;

/// One county-level division of a generated city.
#[derive(Debug, Clone, Copy)]
pub struct County {
    /// GB/T 2260 code.
    pub code: i32,
    pub name: &'static str,
    /// The short name units' names begin with (柯城).
    pub short: &'static str,
    /// Its share of the city's organizations.
    pub share: f64,
    /// Towns and streets (乡镇街道) generated in it.
    pub towns: usize,
}

/// Which city to generate, and where it sits: Quzhou alone, or one city of a province.
#[derive(Debug, Clone)]
pub struct CitySpec {
    /// GB/T 2260 code of the city (330800).
    pub code: i32,
    pub name: &'static str,
    pub counties: Vec<County>,
    /// The places the speech names, where the city is Quzhou.
    pub named_zones: &'static [(&'static str, i32, ZoneKind, ZoneClass)],
    /// The letters zone codes begin with (QZ).
    pub zone_prefix: &'static str,
    /// The province above it: its region and its 两新工委 (none for a city on its own).
    pub province: Option<(i32, Key)>,
    /// The 顺序码 range its members' generated ID numbers draw from: the cities of a
    /// province draw from disjoint ranges, so no two members anywhere share a number.
    pub resident_seq: (u16, u16),
}

impl CitySpec {
    /// Quzhou: the six county-level divisions and the seven named places.
    pub fn quzhou() -> CitySpec {
        CitySpec {
            code: CITY_CODE,
            name: "衢州市",
            counties: COUNTIES
                .iter()
                .map(|&(code, name, short, share, towns)| County {
                    code,
                    name,
                    short,
                    share,
                    towns,
                })
                .collect(),
            named_zones: NAMED_ZONES,
            zone_prefix: "QZ",
            province: None,
            resident_seq: (0, 1000),
        }
    }
}

/// (code, name, short name, share of the city's organizations, towns)
const COUNTIES: &[(i32, &str, &str, f64, usize)] = &[
    (330802, "柯城区", "柯城", 0.22, 10),
    (330803, "衢江区", "衢江", 0.16, 13),
    (330822, "常山县", "常山", 0.13, 14),
    (330824, "开化县", "开化", 0.14, 14),
    (330825, "龙游县", "龙游", 0.16, 13),
    (330881, "江山市", "江山", 0.19, 19),
];

/// The seven places the speech names: (name, county, kind, class).
const NAMED_ZONES: &[(&str, i32, ZoneKind, ZoneClass)] = &[
    (
        "衢州海创园",
        330802,
        ZoneKind::Park,
        ZoneClass::EmergingIndustry,
    ),
    (
        "浙江中关村科技产业园",
        330803,
        ZoneKind::Park,
        ZoneClass::EmergingIndustry,
    ),
    (
        "上海张江（衢州）孵化基地",
        330802,
        ZoneKind::Park,
        ZoneClass::EmergingIndustry,
    ),
    (
        "花园258",
        330802,
        ZoneKind::Building,
        ZoneClass::EmergingIndustry,
    ),
    (
        "莲花生态农业循环小镇",
        330803,
        ZoneKind::Town,
        ZoneClass::EcoTourism,
    ),
    (
        "龙游红木小镇",
        330825,
        ZoneKind::Town,
        ZoneClass::TraditionalIndustry,
    ),
    (
        "开化根缘小镇",
        330824,
        ZoneKind::Town,
        ZoneClass::EcoTourism,
    ),
];

const TOWN_STEMS: &[&str] = &[
    "航埠",
    "石梁",
    "万田",
    "九华",
    "沟溪",
    "华墅",
    "七里",
    "姜家山",
    "黄家",
    "云溪",
    "杜泽",
    "高家",
    "全旺",
    "湖南",
    "大洲",
    "廿里",
    "莲花",
    "球川",
    "招贤",
    "芳村",
    "青石",
    "东案",
    "新昌",
    "辉埠",
    "何家",
    "华埠",
    "马金",
    "池淮",
    "桐村",
    "杨林",
    "苏庄",
    "长虹",
    "齐溪",
    "音坑",
    "村头",
    "中洲",
    "湖镇",
    "溪口",
    "詹家",
    "小南海",
    "塔石",
    "模环",
    "横山",
    "罗家",
    "社阳",
    "贺村",
    "峡口",
    "凤林",
    "清湖",
    "四都",
    "廿八都",
    "坛石",
    "大陈",
    "石门",
    "新塘边",
    "上余",
    "长台",
    "碗窑",
    "张村",
    "塘源口",
    "双塔",
    "虎山",
    "清泉",
    "晓峰",
    "鹿溪",
    "衢化",
    "信安",
    "府山",
    "荷花",
    "花园",
    "白云",
    "樟潭",
    "浮石",
    "双港",
    "城南",
    "城北",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖",
    "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任",
    "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "方", "毛", "祝", "占", "江",
    "饶", "鲁", "严", "龚",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "文", "辉", "建", "华", "红", "玲", "斌", "宇", "浩", "凯",
    "鹏", "婷", "雪", "琳", "晨", "欣", "怡", "俊", "峰", "燕", "波", "宁", "海", "林", "坤", "慧",
    "卫", "志", "新", "春", "国", "荣", "东", "德", "佳", "嘉", "子", "晓",
];

const BRAND: &[&str] = &[
    "信安", "衢通", "江郎", "钱江", "天和", "恒达", "宏源", "正泰", "金盛", "瑞丰", "华越", "鼎新",
    "东方", "嘉禾", "万向", "永兴", "盛世", "明辉", "云帆", "博远", "同创", "汇鑫", "开元", "星河",
    "润泽", "中衢", "鸿运", "凯旋", "方圆", "兴达", "南孔", "礼贤", "烂柯", "龙腾", "红木", "根缘",
    "莲花", "仙霞", "须江", "芳村", "致远", "智联", "数创", "云谷",
];

/// (business word, kind, sector) for each line of business.
const TRADES: &[(&str, OrgKind, Option<SectorTag>)] = &[
    (
        "机械制造有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Manufacturing),
    ),
    (
        "新材料有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Manufacturing),
    ),
    (
        "特种纸业有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Manufacturing),
    ),
    (
        "电子科技有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Manufacturing),
    ),
    (
        "网络科技有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Internet),
    ),
    (
        "信息技术有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Internet),
    ),
    (
        "电子商务有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Internet),
    ),
    (
        "文化传媒有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::NewCultural),
    ),
    (
        "影视动漫有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::NewCultural),
    ),
    (
        "商贸有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Commerce),
    ),
    (
        "贸易有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Commerce),
    ),
    (
        "物流有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Logistics),
    ),
    (
        "快递服务有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Logistics),
    ),
    (
        "农业开发有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::EcoAgriculture),
    ),
    (
        "生态农业专业合作社",
        OrgKind::Enterprise,
        Some(SectorTag::EcoAgriculture),
    ),
    (
        "旅游开发有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Tourism),
    ),
    (
        "民宿管理有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Tourism),
    ),
    (
        "红木家具有限公司",
        OrgKind::Enterprise,
        Some(SectorTag::Manufacturing),
    ),
    ("建筑工程有限公司", OrgKind::Enterprise, None),
    ("餐饮管理有限公司", OrgKind::Enterprise, None),
    (
        "实验学校",
        OrgKind::SocialService,
        Some(SectorTag::PrivateSchool),
    ),
    (
        "幼儿园",
        OrgKind::SocialService,
        Some(SectorTag::PrivateSchool),
    ),
    (
        "职业技能培训学校",
        OrgKind::SocialService,
        Some(SectorTag::PrivateSchool),
    ),
    (
        "医院",
        OrgKind::SocialService,
        Some(SectorTag::PrivateHospital),
    ),
    ("社会工作服务中心", OrgKind::SocialService, None),
    (
        "商会",
        OrgKind::SocialGroup,
        Some(SectorTag::TradeAssociation),
    ),
    (
        "行业协会",
        OrgKind::SocialGroup,
        Some(SectorTag::TradeAssociation),
    ),
    ("志愿者协会", OrgKind::SocialGroup, None),
    ("慈善基金会", OrgKind::Foundation, None),
    ("律师事务所", OrgKind::OtherSocial, Some(SectorTag::LawFirm)),
    (
        "会计师事务所",
        OrgKind::OtherSocial,
        Some(SectorTag::AccountingFirm),
    ),
];

/// Relative frequency of each trade (enterprises dominate).
const TRADE_WEIGHTS: &[u32] = &[
    90, 60, 25, 50, 45, 40, 45, 25, 8, 120, 90, 30, 20, 40, 35, 20, 20, 15, 80, 70, 3, 5, 4, 3, 6,
    6, 5, 4, 1, 3, 2,
];

const DESTINATIONS: &[&str] = &[
    "杭州市",
    "上海市",
    "宁波市",
    "义乌市",
    "温州市",
    "深圳市",
    "苏州市",
    "广州市",
];

struct Gen {
    spec: CitySpec,
    rng: ChaCha8Rng,
    seed: u64,
    as_of: NaiveDate,
    city: City,
    next_po: i64,
    next_member: i64,
    ids_taken: HashSet<String>,
    credit_taken: HashSet<String>,
}

/// Builds the demo city.
pub fn generate(seed: u64, size: Size, as_of: NaiveDate) -> City {
    generate_city(CitySpec::quzhou(), seed, size, as_of)
}

/// Builds the city `spec` describes (ids from 1: [`City::shift_ids`] places it beside others).
pub fn generate_city(spec: CitySpec, seed: u64, size: Size, as_of: NaiveDate) -> City {
    let mut g = Gen {
        spec,
        rng: ChaCha8Rng::seed_from_u64(seed),
        seed,
        as_of,
        city: City::default(),
        next_po: 1,
        next_member: 1,
        ids_taken: HashSet::new(),
        credit_taken: HashSet::new(),
    };
    g.build(size);
    let terms = committees::terms(&g.city, as_of);
    g.city.meetings = life::meetings(seed, as_of, &g.city.party_orgs, &g.city.members, &terms);
    g.city.records_start = life::first_month(as_of);
    (g.city.dues_standards, g.city.dues_payments) = dues::dues(seed, as_of, &g.city.members);
    g.city.archive_items = archive::archives(seed, &g.city.members);
    g.city.floating = floating::records(
        seed,
        g.spec.zone_prefix,
        &mut g.city.members,
        &g.city.party_orgs,
        as_of,
    );
    g.city
}

/// One county's working state while generating.
struct CountyPlan {
    code: i32,
    short: &'static str,
    committee: Key,
    towns: Vec<(i32, String)>,
    /// zone id, its committee
    zones: Vec<(i64, Key)>,
    social_committee: Key,
    /// One branch per town for members whose unit has no party organization (挂靠).
    hosting_branches: Vec<Key>,
}

impl Gen {
    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(1);
        from + chrono::Duration::days(self.rng.random_range(0..span))
    }

    /// 成立日期 within the last 20 years, more of them recent (the two-new sector grows
    /// about a tenth a year). Drawn from a hash of the seed and the key, not from the
    /// main generator, so adding it left every other drawn value as it was.
    fn registered_on(&self, key: Key) -> NaiveDate {
        let mut z = self.seed ^ (key.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let u = (z >> 11) as f64 / (1u64 << 53) as f64;
        let days = (u.powf(1.3) * 20.0 * 365.25) as i64;
        self.as_of - chrono::Duration::days(days)
    }

    fn years_ago(&self, years: u32) -> NaiveDate {
        self.as_of
            .checked_sub_months(Months::new(years * 12))
            .unwrap_or(self.as_of)
    }

    fn person_name(&mut self) -> String {
        person_name(&mut self.rng)
    }

    fn party_org(
        &mut self,
        county: i32,
        parent: Option<Key>,
        name: String,
        t: PartyOrgType,
        mode: Option<FormationMode>,
        zone: Option<i64>,
    ) -> Key {
        let key = Key {
            county,
            id: self.next_po,
        };
        self.next_po += 1;
        // Terms started up to a little past their length ago: most are current, some due.
        let months = if t.is_committee() { 66 } else { 40 };
        let term_started = (t != PartyOrgType::Group).then(|| {
            let from = self
                .as_of
                .checked_sub_months(Months::new(months))
                .unwrap_or(self.as_of);
            self.date_between(from, self.as_of)
        });
        self.city.party_orgs.push(PartyOrg {
            has_committee: false,
            key,
            parent,
            name,
            org_type: t,
            formation_mode: mode,
            zone,
            term_started,
        });
        key
    }

    fn build(&mut self, size: Size) {
        let city_code = self.spec.code;
        let city_name = self.spec.name;
        self.city.regions.push(Region {
            code: city_code,
            name: city_name.into(),
            parent: self.spec.province.map(|p| p.0),
        });
        let root = self.party_org(
            city_code,
            self.spec.province.map(|p| p.1),
            format!("中共{city_name}两新组织工作委员会"),
            PartyOrgType::WorkingCommittee,
            None,
            None,
        );

        let mut stems: Vec<&str> = TOWN_STEMS.to_vec();
        let mut plans = Vec::new();
        let mut zone_id = 1i64;
        for County {
            code,
            name,
            short,
            towns,
            ..
        } in self.spec.counties.clone()
        {
            self.city.regions.push(Region {
                code,
                name: name.into(),
                parent: Some(city_code),
            });
            let committee = self.party_org(
                code,
                Some(root),
                format!("中共{name}两新组织工作委员会"),
                PartyOrgType::WorkingCommittee,
                None,
                None,
            );
            let social_committee = self.party_org(
                code,
                Some(committee),
                format!("中共{name}社会组织综合委员会"),
                PartyOrgType::ComprehensiveCommittee,
                Some(FormationMode::IndustryWide),
                None,
            );
            let mut plan = CountyPlan {
                code,
                short,
                committee,
                towns: Vec::new(),
                zones: Vec::new(),
                social_committee,
                hosting_branches: Vec::new(),
            };
            for t in 0..towns {
                let stem = if stems.is_empty() {
                    format!("新区{t}")
                } else {
                    stems.remove(0).to_owned()
                };
                let suffix = if t < 2 { "街道" } else { "镇" };
                let town_code = code * 1000 + 100 + t as i32;
                let town_name = format!("{stem}{suffix}");
                self.city.regions.push(Region {
                    code: town_code,
                    name: town_name.clone(),
                    parent: Some(code),
                });
                plan.towns.push((town_code, town_name));
            }
            // The named places first, then two generated parks and a market per county.
            let mut county_zones: Vec<(String, ZoneKind, Option<ZoneClass>, ZoneLevel)> = self
                .spec
                .named_zones
                .iter()
                .filter(|z| z.1 == code)
                .map(|z| (z.0.to_owned(), z.2, Some(z.3), ZoneLevel::Provincial))
                .collect();
            county_zones.push((
                format!("{short}经济开发区"),
                ZoneKind::Park,
                Some(ZoneClass::TraditionalIndustry),
                ZoneLevel::Provincial,
            ));
            county_zones.push((
                format!("{short}高新技术产业园"),
                ZoneKind::Park,
                Some(ZoneClass::EmergingIndustry),
                ZoneLevel::Municipal,
            ));
            county_zones.push((
                format!("{short}农贸城"),
                ZoneKind::Market,
                None,
                ZoneLevel::County,
            ));
            county_zones.push((
                format!("{short}商务大厦"),
                ZoneKind::Building,
                None,
                ZoneLevel::County,
            ));
            for (zname, kind, class, level) in county_zones {
                let town = plan
                    .towns
                    .get(zone_id as usize % plan.towns.len())
                    .map(|t| t.0);
                self.city.zones.push(Zone {
                    id: zone_id,
                    code: format!("{}{code}-{zone_id:03}", self.spec.zone_prefix),
                    name: zname.clone(),
                    kind,
                    class,
                    level: Some(level),
                    county: code,
                    town,
                });
                let t = if matches!(kind, ZoneKind::Town | ZoneKind::Park) {
                    PartyOrgType::WorkingCommittee
                } else {
                    PartyOrgType::Committee
                };
                let zc = self.party_org(
                    code,
                    Some(committee),
                    format!("中共{zname}委员会"),
                    t,
                    Some(FormationMode::RegionalJoint),
                    Some(zone_id),
                );
                plan.zones.push((zone_id, zc));
                zone_id += 1;
            }
            for (_, town_name) in plan.towns.clone() {
                let b = self.party_org(
                    code,
                    Some(committee),
                    format!("{town_name}两新组织党员管理党支部"),
                    PartyOrgType::Branch,
                    Some(FormationMode::RegionalJoint),
                    None,
                );
                plan.hosting_branches.push(b);
            }
            plans.push(plan);
        }

        // Instructors: about one per 60 organizations.
        let mut next_instructor = 1i64;
        let mut instructors_by_county: Vec<Vec<Key>> = Vec::new();
        for County { code, share, .. } in self.spec.counties.clone() {
            let n = (size.organizations as f64 * share / 60.0).ceil() as usize;
            let mut keys = Vec::new();
            for _ in 0..n {
                let key = Key {
                    county: code,
                    id: next_instructor,
                };
                next_instructor += 1;
                let name = self.person_name();
                let phone = Some(format!(
                    "13{:09}",
                    self.rng.random_range(0..1_000_000_000u64)
                ));
                self.city.instructors.push(Instructor { key, name, phone });
                keys.push(key);
            }
            instructors_by_county.push(keys);
        }

        let mut org_id = 1i64;
        for (ci, plan) in plans.iter().enumerate() {
            let count = (size.organizations as f64 * self.spec.counties[ci].share).round() as usize;
            // Small units waiting for a joint branch, per zone (or town when outside zones).
            let mut pending_joint: Vec<(Option<i64>, Key, Vec<Key>)> = Vec::new();
            for _ in 0..count {
                let key = Key {
                    county: plan.code,
                    id: org_id,
                };
                org_id += 1;
                let org = self.organization(key, plan);
                let members = self.member_count();
                let zone = org.zone;
                let town = org.town;
                let is_social = org.kind.is_social();
                self.city.organizations.push(org);
                let (full, probationary) = split_members(&mut self.rng, members);
                let zone_committee =
                    zone.and_then(|z| plan.zones.iter().find(|p| p.0 == z).map(|p| p.1));
                let parent = if is_social {
                    plan.social_committee
                } else {
                    zone_committee.unwrap_or(plan.committee)
                };
                let hosting =
                    plan.hosting_branches[town.map(|t| (t % 1000 - 100) as usize).unwrap_or(0)
                        % plan.hosting_branches.len()];

                let roll: f64 = self.rng.random();
                let covering = if full >= 3 {
                    if roll < 0.84 {
                        Some(self.own_organization(plan.code, parent, key, full + probationary))
                    } else if roll < 0.93 {
                        // Deliberate: grown big enough but still in a joint branch.
                        self.join_pending(&mut pending_joint, zone, plan.code, parent, key, 5)
                    } else {
                        None
                    }
                } else if full + probationary > 0 {
                    if roll < 0.78 {
                        self.join_pending(&mut pending_joint, zone, plan.code, parent, key, 5)
                    } else {
                        None
                    }
                } else if roll < 0.12 {
                    self.join_pending(&mut pending_joint, zone, plan.code, parent, key, 5)
                } else {
                    None
                };
                let registered = self.registered_on(key);
                if let Some(po) = covering {
                    let since = self
                        .date_between(self.years_ago(8), self.as_of)
                        .max(registered);
                    self.city.coverage.push(CoverageLink {
                        organization: key,
                        party_org: po,
                        since,
                    });
                } else if full + probationary == 0 && self.rng.random_bool(0.45) {
                    let ins = *instructors_by_county[ci]
                        .choose(&mut self.rng)
                        .unwrap_or(&Key {
                            county: plan.code,
                            id: 1,
                        });
                    let since = self
                        .date_between(self.years_ago(3), self.as_of)
                        .max(registered);
                    // A few assignments have ended: the unit has fallen back to 空白.
                    let until = self
                        .rng
                        .random_bool(0.06)
                        .then(|| self.date_between(since, self.as_of));
                    self.city.assignments.push(InstructorAssignment {
                        organization: key,
                        instructor: ins,
                        since,
                        until,
                    });
                }
                let home = covering.unwrap_or(hosting);
                // A member's party organization is the unit's own one, or the town's hosting branch.
                let home = self.member_home(home);
                for i in 0..(full + probationary) {
                    let status = if i < full {
                        MemberStatus::Full
                    } else {
                        MemberStatus::Probationary
                    };
                    let m = self.member(home, status, Some(key));
                    self.city.members.push(m);
                }
            }
        }
        self.elect_committees();
    }

    /// Branches of seven or more members mostly have elected a committee; some have not.
    fn elect_committees(&mut self) {
        let mut counts: std::collections::HashMap<i64, u32> = std::collections::HashMap::new();
        for m in &self.city.members {
            *counts.entry(m.party_org_id).or_default() += 1;
        }
        for i in 0..self.city.party_orgs.len() {
            let po = &self.city.party_orgs[i];
            let n = counts.get(&po.key.id).copied().unwrap_or(0);
            let elected = if po.org_type.is_branch() {
                n >= 7 && self.rng.random_bool(0.9)
            } else {
                po.org_type != PartyOrgType::Group
            };
            self.city.party_orgs[i].has_committee = elected;
        }
    }

    /// Members of a unit with sub-branches belong to one of them.
    fn member_home(&mut self, po: Key) -> Key {
        let children: Vec<Key> = self
            .city
            .party_orgs
            .iter()
            .rev()
            .take(6)
            .filter(|p| p.parent == Some(po) && p.org_type.is_branch())
            .map(|p| p.key)
            .collect();
        children.choose(&mut self.rng).copied().unwrap_or(po)
    }

    /// A unit's own party organization: a branch, a general branch or a committee with
    /// branches by size (some big branches are left unsplit on purpose).
    fn own_organization(&mut self, county: i32, parent: Key, org: Key, members: u32) -> Key {
        let name = self
            .city
            .organizations
            .last()
            .map(|o| o.name.clone())
            .unwrap_or_default();
        let (t, subs) = if members > 100 && self.rng.random_bool(0.85) {
            (PartyOrgType::Committee, 2)
        } else if members > 50 && self.rng.random_bool(0.8) {
            (PartyOrgType::GeneralBranch, 2)
        } else {
            (PartyOrgType::Branch, 0)
        };
        let suffix = t.label().trim_start_matches("党");
        let full_name = format!(
            "中共{name}{}",
            if t == PartyOrgType::Branch {
                "支部"
            } else {
                suffix
            }
        );
        let own = self.party_org(
            county,
            Some(parent),
            full_name,
            t,
            Some(FormationMode::Standalone),
            None,
        );
        for i in 1..=subs {
            self.party_org(
                county,
                Some(own),
                format!("{name}第{i}党支部"),
                PartyOrgType::Branch,
                Some(FormationMode::Standalone),
                None,
            );
        }
        let _ = org;
        own
    }

    /// Adds a unit to the open joint branch of its zone, opening a new one when full.
    /// Some joint branches are allowed to grow past the limit (a finding to fix).
    fn join_pending(
        &mut self,
        pending: &mut Vec<(Option<i64>, Key, Vec<Key>)>,
        zone: Option<i64>,
        county: i32,
        parent: Key,
        org: Key,
        limit: usize,
    ) -> Option<Key> {
        if let Some(open) = pending.iter_mut().find(|p| p.0 == zone) {
            let cap = if open.1.id % 9 == 0 { limit + 3 } else { limit };
            if open.2.len() < cap {
                open.2.push(org);
                return Some(open.1);
            }
        }
        let n = pending.iter().filter(|p| p.0 == zone).count() + 1;
        let label = zone
            .and_then(|z| {
                self.city
                    .zones
                    .iter()
                    .find(|x| x.id == z)
                    .map(|x| x.name.clone())
            })
            .unwrap_or_else(|| {
                self.city
                    .regions
                    .iter()
                    .find(|r| r.code == county)
                    .map(|r| r.name.clone())
                    .unwrap_or_default()
            });
        let key = self.party_org(
            county,
            Some(parent),
            format!("{label}第{n}联合党支部"),
            PartyOrgType::JointBranch,
            Some(FormationMode::RegionalJoint),
            zone,
        );
        pending.retain(|p| p.0 != zone);
        pending.push((zone, key, vec![org]));
        Some(key)
    }

    fn member_count(&mut self) -> u32 {
        let r: f64 = self.rng.random();
        if r < 0.76 {
            0
        } else if r < 0.885 {
            self.rng.random_range(1..=2)
        } else if r < 0.958 {
            self.rng.random_range(3..=10)
        } else if r < 0.991 {
            self.rng.random_range(11..=45)
        } else {
            self.rng.random_range(46..=180)
        }
    }

    fn organization(&mut self, key: Key, plan: &CountyPlan) -> Organization {
        let trade = weighted(&mut self.rng, TRADE_WEIGHTS);
        let (word, kind, sector) = TRADES[trade];
        let brand = *BRAND.choose(&mut self.rng).unwrap_or(&"信安");
        let name = format!("{}{brand}{word}", plan.short);
        let mut sectors: SectorSet = sector.into_iter().collect();
        if sector == Some(SectorTag::Internet) && self.rng.random_bool(0.2) {
            sectors = sectors.with(SectorTag::NewCultural);
        }
        let in_zone = self
            .rng
            .random_bool(if kind.is_social() { 0.1 } else { 0.35 });
        let zone = in_zone
            .then(|| plan.zones.choose(&mut self.rng).map(|z| z.0))
            .flatten();
        let town = plan.towns.choose(&mut self.rng).map(|t| t.0);
        let (credit_code, check_failed) = self.credit_code(kind, plan.code);
        let employees = Some((self.rng.random::<f64>().powi(3) * 800.0) as i32 + 3);
        // Names repeat across the generated city; the registry does not require unique names.
        let name = if self.rng.random_bool(0.5) {
            name
        } else {
            format!("{name}（{}）", key.id % 97)
        };
        Organization {
            key,
            name,
            credit_code,
            credit_code_check_failed: check_failed,
            kind,
            sectors,
            town,
            zone,
            employees,
            registered_on: Some(self.registered_on(key)),
        }
    }

    fn credit_code(&mut self, kind: OrgKind, county: i32) -> (Option<CreditCode>, bool) {
        const CHARS: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
        if self.rng.random_bool(0.03) {
            return (None, false); // not yet recorded
        }
        let prefix = match kind {
            OrgKind::Enterprise => "91",
            OrgKind::SocialGroup => "51",
            OrgKind::SocialService => "52",
            OrgKind::Foundation => "53",
            OrgKind::OtherSocial => "31",
        };
        loop {
            let tail: String = (0..9)
                .map(|_| CHARS[self.rng.random_range(0..CHARS.len())] as char)
                .collect();
            let first17 = format!("{prefix}{county}{tail}");
            let Ok(code) = CreditCode::from_parts(&first17) else {
                continue;
            };
            if !self.credit_taken.insert(first17) {
                continue;
            }
            // About one in 300 is an early pilot code whose check character fails.
            if self.rng.random_bool(0.003) {
                let s = code.as_str();
                let last = s.chars().last().unwrap_or('0');
                let wrong = if last == '0' { '1' } else { '0' };
                if let Ok(parsed) = CreditCode::parse(&format!("{}{wrong}", &s[..17])) {
                    return (Some(parsed.code), parsed.check_failed);
                }
            }
            return (Some(code), false);
        }
    }

    fn member(&mut self, home: Key, status: MemberStatus, workplace: Option<Key>) -> Member {
        let key = Key {
            county: home.county,
            id: self.next_member,
        };
        self.next_member += 1;
        let age_days = self.rng.random_range(20 * 365..70 * 365);
        let birth = self.as_of - chrono::Duration::days(age_days);
        let region = if self.rng.random_bool(0.8) {
            home.county
        } else {
            [330802, 330881, 330103, 330702, 360102][self.rng.random_range(0..5)]
        };
        let (seq_from, seq_to) = self.spec.resident_seq;
        let resident_id = loop {
            let seq = self.rng.random_range(seq_from..seq_to);
            if let Ok(id) = ResidentId::from_parts(&region.to_string(), birth, seq)
                && self.ids_taken.insert(id.expose().to_owned())
            {
                break id;
            }
        };
        let adult = birth.with_year(birth.year() + 18).unwrap_or(birth);
        let earliest = adult.max(self.years_ago(45));
        let (joined_on, confirmed_on) = match status {
            MemberStatus::Probationary => (
                self.date_between(self.as_of - chrono::Duration::days(364), self.as_of),
                None,
            ),
            MemberStatus::Full => {
                let latest = self.as_of - chrono::Duration::days(366);
                let joined = self.date_between(earliest.min(latest), latest);
                (joined, joined.checked_add_months(Months::new(12)))
            }
        };
        let flowing = self.rng.random_bool(0.035);
        Member {
            key,
            party_org_id: home.id,
            name: self.person_name(),
            resident_id,
            status,
            joined_on,
            confirmed_on,
            workplace,
            flow: if flowing {
                FlowStatus::Outflow
            } else {
                FlowStatus::Settled
            },
            flow_destination: flowing
                .then(|| DESTINATIONS.choose(&mut self.rng).map(|s| (*s).to_owned()))
                .flatten(),
            phone: Some(format!(
                "1{}{:09}",
                [3, 5, 8][self.rng.random_range(0..3)],
                self.rng.random_range(0..1_000_000_000u64)
            )),
            background: background(key.id, self.as_of.year() - birth.year()),
        }
    }
}

/// A member's 民族、学历、职业 as a city's two-new members spread (mostly 汉族 with some 畲族,
/// most with college, most technical or managerial staff; the older lower schooled and
/// retired; one in thirty never entered). Drawn from the member's id, not the generator's
/// stream, so the rest of the demo city does not move with it.
fn background(id: i64, age: i32) -> Background {
    let mut x = (id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    let mut draw = move |n: u64| {
        x ^= x >> 31;
        x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x ^= x >> 29;
        x % n
    };
    if draw(30) == 0 {
        return Background::default();
    }
    let ethnicity = match draw(1000) {
        0..=979 => Ethnicity::HAN,
        980..=994 => Ethnicity::parse("畲族").ok().unwrap_or(Ethnicity::HAN),
        995..=997 => Ethnicity::parse("回族").ok().unwrap_or(Ethnicity::HAN),
        _ => Ethnicity::parse("土家族").ok().unwrap_or(Ethnicity::HAN),
    };
    let older = i32::from(age > 50);
    let education = match draw(100) as i32 + 20 * older {
        0..=5 => Education::Graduate,
        6..=40 => Education::Bachelor,
        41..=68 => Education::Associate,
        69..=80 => Education::Vocational,
        81..=92 => Education::HighSchool,
        _ => Education::JuniorOrBelow,
    };
    let occupation = if age > 62 && draw(3) > 0 {
        Occupation::Retired
    } else {
        match draw(100) {
            0..=33 => Occupation::Professional,
            34..=62 => Occupation::Manager,
            63..=87 => Occupation::Worker,
            88..=91 => Occupation::Farmer,
            92..=93 => Occupation::Student,
            _ => Occupation::Other,
        }
    };
    Background {
        ethnicity: Some(ethnicity),
        education: Some(education),
        occupation: Some(occupation),
    }
}

fn split_members(rng: &mut ChaCha8Rng, n: u32) -> (u32, u32) {
    let probationary = (0..n).filter(|_| rng.random_bool(0.06)).count() as u32;
    (n - probationary, probationary)
}

fn weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut pick = rng.random_range(0..total);
    for (i, w) in weights.iter().enumerate() {
        if pick < *w {
            return i;
        }
        pick -= w;
    }
    weights.len() - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn as_of() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn a_year_of_meetings_with_real_gaps_and_only_members_attending() {
        use liangxin_domain::kinds::MeetingKind;
        use liangxin_domain::life::{self, HeldMeeting, LifeFacts, LifeRules};
        use liangxin_domain::rules::RuleSet;
        let city = generate(
            11,
            Size {
                organizations: 3_000,
            },
            as_of(),
        );
        assert!(!city.meetings.is_empty());
        let members: HashMap<Key, &Member> = city.members.iter().map(|m| (m.key, m)).collect();
        for m in &city.meetings {
            let r = &m.record;
            assert!(r.held_on <= as_of() && m.entered_on >= r.held_on && m.entered_on <= as_of());
            for a in &r.attendance {
                let member = members[&a.member];
                assert_eq!(
                    member.party_org_id, r.party_org.id,
                    "attends their own branch"
                );
                assert!(member.joined_on <= r.held_on, "a member by the day");
            }
        }
        // Most branches keep their theme days; some miss many: the engine has work to do.
        let rules = LifeRules::resolve(&RuleSet::defaults(), as_of()).unwrap();
        let from = as_of() - chrono::Duration::days(300);
        let mut complete = 0;
        let mut weak = 0;
        let mut branches = 0;
        for po in city.party_orgs.iter().filter(|p| p.org_type.is_branch()) {
            let meetings: Vec<HeldMeeting> = city
                .meetings
                .iter()
                .filter(|m| m.record.party_org == po.key)
                .map(|m| HeldMeeting {
                    kind: m.record.kind,
                    held_on: m.record.held_on,
                    quorate: None,
                })
                .collect();
            if meetings.is_empty() && !city.members.iter().any(|m| m.party_org_id == po.key.id) {
                continue;
            }
            branches += 1;
            let facts = LifeFacts {
                key: po.key,
                name: po.name.clone(),
                org_type: po.org_type,
                has_committee: po.has_committee,
                records_start: city.records_start,
                meetings,
            };
            let c = life::assess(&facts, &rules, from, as_of());
            let missed = c
                .findings
                .iter()
                .filter(|f| f.kind == MeetingKind::ThemeDay)
                .count();
            if missed == 0 {
                complete += 1;
            }
            if missed >= 5 {
                weak += 1;
            }
        }
        assert!(branches > 20, "{branches}");
        assert!(
            complete * 3 > branches,
            "{complete} of {branches} kept every theme day"
        );
        assert!(
            weak > 0 && weak * 4 < branches,
            "{weak} of {branches} are weak"
        );
    }

    #[test]
    fn a_year_of_dues_mostly_paid_with_some_lapsed() {
        use liangxin_domain::dues::{self, LedgerLine};
        use liangxin_domain::money::Fen;
        use std::collections::BTreeMap;
        let city = generate(
            11,
            Size {
                organizations: 3_000,
            },
            as_of(),
        );
        let years: Vec<i32> = vec![as_of().year() - 1, as_of().year()];
        assert_eq!(city.dues_standards.len(), city.members.len() * years.len());
        assert!(
            city.dues_payments
                .iter()
                .all(|p| p.paid_on <= as_of() && p.amount > Fen::ZERO)
        );
        let mut ledger: HashMap<Key, Vec<LedgerLine>> = HashMap::new();
        for p in &city.dues_payments {
            ledger.entry(p.member).or_default().push(LedgerLine {
                month: p.month,
                amount: p.amount,
            });
        }
        let rules = dues::DuesRules::resolve(&liangxin_domain::rules::RuleSet::defaults(), as_of())
            .unwrap();
        let (mut current, mut lapsed) = (0, 0);
        for m in &city.members {
            let standard = city
                .dues_standards
                .iter()
                .find(|s| s.member == m.key)
                .unwrap();
            let due = dues::monthly_standard(
                standard.category,
                standard.base,
                standard.farmer_amount,
                &rules,
            )
            .unwrap()
            .monthly;
            let standards: BTreeMap<i32, Fen> = years.iter().map(|y| (*y, due)).collect();
            let months = dues::months(
                m.joined_on,
                as_of() - chrono::Duration::days(300),
                as_of() - chrono::Duration::days(31),
                &standards,
                ledger.get(&m.key).map(Vec::as_slice).unwrap_or(&[]),
            );
            if months.iter().all(|x| x.state == dues::MonthState::Paid) {
                current += 1;
            }
            if dues::unpaid_run(&months) >= 3 {
                lapsed += 1;
            }
        }
        let n = city.members.len();
        assert!(current * 10 > n * 7, "{current} of {n} fully paid");
        assert!(
            lapsed > 0 && lapsed * 10 < n,
            "{lapsed} of {n} stopped paying"
        );
    }

    #[test]
    fn recent_letters_go_elsewhere_and_end_within_their_window() {
        use crate::transfers::{Outcome, PlannedDestination, plan};
        let city = generate(
            7,
            Size {
                organizations: 20_000,
            },
            as_of(),
        );
        let letters = plan(7, &city.members, &city.party_orgs, as_of());
        assert!(letters.len() >= 20, "{} letters", letters.len());
        let homes: HashMap<Key, Key> = city
            .members
            .iter()
            .map(|m| {
                (
                    m.key,
                    Key {
                        county: m.key.county,
                        id: m.party_org_id,
                    },
                )
            })
            .collect();
        let mut seen = HashSet::new();
        for l in &letters {
            assert!(seen.insert(l.member), "one letter per member");
            assert!(l.issued_on <= as_of() && l.issued_on > as_of() - chrono::Days::new(90));
            if let PlannedDestination::PartyOrg(k) = &l.to {
                assert_ne!(
                    Some(k),
                    homes.get(&l.member),
                    "not to the member's own branch"
                );
            }
            if let Outcome::Received(on) = l.outcome {
                assert!(on > l.issued_on && on <= as_of());
            }
        }
        assert!(letters.iter().any(|l| matches!(l.outcome, Outcome::Open)));
        assert!(
            letters
                .iter()
                .any(|l| matches!(l.to, PlannedDestination::Outside(_)))
        );
    }

    #[test]
    fn the_same_seed_builds_the_same_city() {
        let a = generate(
            7,
            Size {
                organizations: 3_000,
            },
            as_of(),
        );
        let b = generate(
            7,
            Size {
                organizations: 3_000,
            },
            as_of(),
        );
        assert_eq!(a.members.len(), b.members.len());
        assert_eq!(
            a.members.last().map(|m| m.resident_id.clone()),
            b.members.last().map(|m| m.resident_id.clone())
        );
        assert_eq!(a.party_orgs, b.party_orgs);
        let c = generate(
            8,
            Size {
                organizations: 3_000,
            },
            as_of(),
        );
        assert_ne!(a.organizations, c.organizations);
    }

    #[test]
    fn the_city_has_the_real_divisions_and_the_named_places() {
        let city = generate(
            1,
            Size {
                organizations: 2_000,
            },
            as_of(),
        );
        for (code, name) in [
            (330802, "柯城区"),
            (330803, "衢江区"),
            (330822, "常山县"),
            (330824, "开化县"),
            (330825, "龙游县"),
            (330881, "江山市"),
        ] {
            assert!(
                city.regions
                    .iter()
                    .any(|r| r.code == code && r.name == name),
                "{name}"
            );
        }
        for (name, ..) in NAMED_ZONES {
            assert!(city.zones.iter().any(|z| z.name == *name), "{name}");
        }
    }

    #[test]
    fn parents_come_before_children_and_ids_are_unique() {
        let city = generate(
            3,
            Size {
                organizations: 3_000,
            },
            as_of(),
        );
        let mut seen = HashSet::new();
        for po in &city.party_orgs {
            if let Some(p) = po.parent {
                assert!(seen.contains(&p.id), "{} before its parent", po.name);
            }
            assert!(seen.insert(po.key.id));
        }
        let ids: HashSet<_> = city
            .members
            .iter()
            .map(|m| m.resident_id.expose().to_owned())
            .collect();
        assert_eq!(ids.len(), city.members.len());
        // Every member's party organization exists in the member's county.
        let pos: HashSet<(i32, i64)> = city
            .party_orgs
            .iter()
            .map(|p| (p.key.county, p.key.id))
            .collect();
        assert!(
            city.members
                .iter()
                .all(|m| pos.contains(&(m.key.county, m.party_org_id)))
        );
    }

    #[test]
    fn skew_most_units_have_no_member() {
        let city = generate(
            5,
            Size {
                organizations: 5_000,
            },
            as_of(),
        );
        let with_members: HashSet<Key> = city.members.iter().filter_map(|m| m.workplace).collect();
        let share = with_members.len() as f64 / city.organizations.len() as f64;
        assert!(
            (0.15..0.40).contains(&share),
            "share of units with members: {share}"
        );
        assert!(city.members.iter().any(|m| m.flow == FlowStatus::Outflow));
        assert!(
            city.organizations
                .iter()
                .any(|o| o.credit_code_check_failed)
        );
    }
}
