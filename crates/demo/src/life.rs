//! A year of organizational life for the demo city: the meetings each branch held over the
//! twelve months up to the reference date, with every expected member's attendance. Most
//! branches keep the rules; some slip now and then; about one in ten is weak (软弱涣散)
//! and misses much, so the compliance engine and the audit find real things. A few records
//! are entered late (补录). Drawn from its own generator (seeded from the city's seed), so
//! the registry is the same with or without it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::{Attendance, FlowStatus, MeetingKind, PartyOrgType, Post};
use liangxin_domain::life::{AttendanceRecord, MeetingRecord, RecordedMeeting};
use liangxin_domain::registry::{Key, Member, PartyOrg, PostTerm};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const THEMES: &[&str] = &[
    "重温入党誓词",
    "学习党的二十大精神",
    "志愿服务进社区",
    "参观红色教育基地",
    "学习《中国共产党章程》",
    "党员先锋岗亮身份",
    "安全生产我先行",
    "结对帮扶困难职工",
];
const LECTURES: &[&str] = &[
    "书记讲党课：新时代两新组织党建",
    "党史专题党课",
    "以高质量党建引领企业高质量发展",
    "学习习近平新时代中国特色社会主义思想",
];
const ASSEMBLY: &[&str] = &[
    "审议支部工作报告",
    "讨论发展党员",
    "民主推荐入党积极分子",
    "通报季度党费收缴情况",
];
const COMMITTEE: &[&str] = &["研究本月支部工作", "研究党员教育管理", "部署主题党日活动"];
const REASONS: &[&str] = &["出差", "病假", "工作冲突", "外出培训", "家中有事"];
const PLACES: &[&str] = &["党群服务中心", "公司会议室", "党员活动室", "小镇客厅"];

/// One member as the meetings need them.
struct Person {
    key: Key,
    joined_on: NaiveDate,
    away: bool,
}

/// The first day of the year of records up to `as_of`: eleven months before its month.
pub fn first_month(as_of: NaiveDate) -> NaiveDate {
    as_of
        .with_day(1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(11)))
        .unwrap_or(as_of)
}

/// The meetings of every branch, joint branch and party group with members.
pub fn meetings(
    seed: u64,
    as_of: NaiveDate,
    party_orgs: &[PartyOrg],
    members: &[Member],
    terms: &[PostTerm],
) -> Vec<RecordedMeeting> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x11FE_5EED);
    let mut by_org: HashMap<Key, Vec<Person>> = HashMap::new();
    for m in members {
        by_org
            .entry(Key {
                county: m.key.county,
                id: m.party_org_id,
            })
            .or_default()
            .push(Person {
                key: m.key,
                joined_on: m.joined_on,
                away: m.flow == FlowStatus::Outflow,
            });
    }
    // A branch's meetings expect its 党小组's members too; a 支委会, the committee in post.
    let mut whole: HashMap<Key, Vec<&Person>> = HashMap::new();
    for po in party_orgs {
        let own = by_org.get(&po.key).into_iter().flatten();
        let list = whole.entry(po.key).or_default();
        list.extend(own);
        if po.org_type == PartyOrgType::Group
            && let Some(parent) = po.parent
        {
            whole
                .entry(parent)
                .or_default()
                .extend(by_org.get(&po.key).into_iter().flatten());
        }
    }
    let person: HashMap<Key, &Person> = by_org.values().flatten().map(|p| (p.key, p)).collect();
    let mut committees: HashMap<Key, Vec<&PostTerm>> = HashMap::new();
    for t in terms.iter().filter(|t| t.post != Post::GroupLeader) {
        committees.entry(t.party_org).or_default().push(t);
    }
    let names: HashMap<Key, &str> = members.iter().map(|m| (m.key, m.name.as_str())).collect();
    let first_month = first_month(as_of);
    let mut out = Vec::new();
    let mut next_id = 1i64;
    for po in party_orgs {
        let owed = match po.org_type {
            PartyOrgType::Branch | PartyOrgType::JointBranch => true,
            PartyOrgType::Group => false,
            _ => continue,
        };
        let Some(people) = whole.get(&po.key).filter(|p| !p.is_empty()) else {
            continue;
        };
        // How faithfully this branch keeps its meetings.
        let r: f64 = rng.random();
        let diligence = if r < 0.7 {
            rng.random_range(0.88..1.0)
        } else if r < 0.9 {
            rng.random_range(0.55..0.88)
        } else {
            rng.random_range(0.0..0.4)
        };
        let day_of_month = rng.random_range(1..=25u32);
        let mut plan: Vec<(MeetingKind, NaiveDate, &[&str])> = Vec::new();
        for i in 0..12 {
            let Some(month) = first_month.checked_add_months(chrono::Months::new(i)) else {
                continue;
            };
            let on = |d: u32| month.with_day(d.min(28)).unwrap_or(month);
            if owed {
                plan.push((MeetingKind::ThemeDay, on(day_of_month), THEMES));
                if po.has_committee {
                    plan.push((
                        MeetingKind::Committee,
                        on(day_of_month.saturating_sub(3).max(1)),
                        COMMITTEE,
                    ));
                }
                if month.month() % 3 == 0 {
                    plan.push((MeetingKind::BranchAssembly, on(day_of_month + 2), ASSEMBLY));
                }
                if month.month() % 3 == 2 {
                    plan.push((MeetingKind::PartyLecture, on(day_of_month), LECTURES));
                }
                if month.month() == 1 {
                    plan.push((MeetingKind::LifeMeeting, on(20), &["年度组织生活会"]));
                    plan.push((MeetingKind::Appraisal, on(21), &["年度民主评议党员"]));
                    plan.push((MeetingKind::Talk, on(10), &["年度谈心谈话"]));
                }
            } else {
                plan.push((MeetingKind::GroupMeeting, on(day_of_month), THEMES));
            }
        }
        for (kind, held_on, topics) in plan {
            if held_on > as_of || !rng.random_bool(diligence) {
                continue;
            }
            let expected: Vec<&Person> = if kind == MeetingKind::Committee {
                let mut in_post: Vec<&Person> = committees
                    .get(&po.key)
                    .into_iter()
                    .flatten()
                    .filter(|t| t.since <= held_on && t.until.is_none_or(|u| u >= held_on))
                    .filter_map(|t| person.get(&t.member).copied())
                    .collect();
                in_post.sort_by_key(|p| (p.key.county, p.key.id));
                in_post.dedup_by_key(|p| p.key);
                in_post
            } else {
                people
                    .iter()
                    .copied()
                    .filter(|p| p.joined_on <= held_on)
                    .collect()
            };
            if expected.is_empty() {
                continue;
            }
            let present = 0.72 + 0.25 * diligence;
            let attendance = expected
                .iter()
                .map(|p| {
                    let roll: f64 = rng.random();
                    let (attendance, reason) = if !p.away && roll < present {
                        (Attendance::Present, None)
                    } else if roll < present + (1.0 - present) * 0.6 || p.away {
                        let reason = if p.away {
                            "外出流动"
                        } else {
                            *REASONS.choose(&mut rng).unwrap_or(&"出差")
                        };
                        (Attendance::Excused, Some(reason.to_owned()))
                    } else {
                        (Attendance::Absent, None)
                    };
                    AttendanceRecord {
                        member: p.key,
                        attendance,
                        reason,
                    }
                })
                .collect();
            let late = rng.random_bool(0.05);
            let lag = if late {
                rng.random_range(31..90)
            } else {
                rng.random_range(0..7)
            };
            let entered_on = (held_on + chrono::Duration::days(lag)).min(as_of);
            let host = names.get(&expected[0].key).copied().unwrap_or("支部书记");
            let recorder = names
                .get(&expected[expected.len() / 2].key)
                .copied()
                .unwrap_or("组织委员");
            out.push(RecordedMeeting {
                key: Key {
                    county: po.key.county,
                    id: next_id,
                },
                record: MeetingRecord {
                    party_org: po.key,
                    kind,
                    held_on,
                    place: (*PLACES.choose(&mut rng).unwrap_or(&"党群服务中心")).to_owned(),
                    host: host.to_owned(),
                    recorder: recorder.to_owned(),
                    topic: (*topics.choose(&mut rng).unwrap_or(&"学习")).to_owned(),
                    agenda: String::new(),
                    minutes: String::new(),
                    decisions: String::new(),
                    attendance,
                },
                entered_on,
            });
            next_id += 1;
        }
    }
    out
}
