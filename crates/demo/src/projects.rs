//! The demo city's 项目领办清单: a third of the branches' 书记 took on a project early in the
//! year, with three 节点 over the year. Most 节点 are done near their day with evidence,
//! some are not (those projects are late), progress is noted now and then, and the projects
//! whose day has come are mostly closed with their result. Drawn from its own generator.

use chrono::{Datelike, Days, NaiveDate};
use liangxin_domain::kinds::{PartyOrgType, Post, ProjectOutcome};
use liangxin_domain::registry::{Key, PartyOrg, PostTerm};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

#[derive(Debug, Clone)]
pub struct PlannedMilestone {
    pub title: &'static str,
    pub due_on: NaiveDate,
    /// Done on this day, with this evidence.
    pub done: Option<(NaiveDate, &'static str)>,
}

#[derive(Debug, Clone)]
pub struct PlannedProject {
    pub party_org: Key,
    pub title: String,
    pub goal: &'static str,
    pub taken_on: NaiveDate,
    pub due_on: NaiveDate,
    pub milestones: Vec<PlannedMilestone>,
    pub notes: Vec<(NaiveDate, &'static str)>,
    pub closed: Option<(NaiveDate, ProjectOutcome, &'static str)>,
}

/// (title, goal, 节点 with their evidence)
type Theme = (
    &'static str,
    &'static str,
    [(&'static str, &'static str); 3],
);

const THEMES: &[Theme] = &[
    (
        "党员先锋岗创建",
        "每个车间、班组设党员先锋岗，年内由先锋岗解决生产难题5项",
        [
            ("各车间设立党员先锋岗", "先锋岗名单和岗位职责"),
            ("先锋岗攻关生产难题", "攻关项目清单和验收记录"),
            ("总结评选优秀先锋岗", "评选结果和表彰通报"),
        ],
    ),
    (
        "产业链党建联盟",
        "联合上下游企业组建党建联盟，年内开展联建活动6次",
        [
            ("签订联盟共建协议", "共建协议和成员名单"),
            ("开展联建活动", "活动记录和照片"),
            ("形成联盟工作机制", "联席会议制度"),
        ],
    ),
    (
        "新就业群体服务站",
        "建成新就业群体（快递员、外卖员）服务站，提供休息、学习和维权服务",
        [
            ("选定站点并完成建设", "站点照片和设施清单"),
            ("组织服务活动", "服务台账"),
            ("吸纳骨干参与党组织活动", "参与人员名单"),
        ],
    ),
    (
        "青年人才培养工程",
        "把生产经营骨干培养成党员、把党员培养成骨干，年内确定入党积极分子3名",
        [
            ("摸排青年骨干", "青年骨干名册"),
            ("结对培养", "结对名单和培养记录"),
            ("确定入党积极分子", "支部大会记录"),
        ],
    ),
    (
        "安全生产党员责任区",
        "划分党员安全责任区，全年无较大安全事故",
        [
            ("划分责任区并公示", "责任区分布图"),
            ("开展隐患排查", "排查整改台账"),
            ("年度安全评估", "评估报告"),
        ],
    ),
];

const NOTES: &[&str] = &[
    "支委会研究推进情况，调整了分工",
    "小镇（园区）党工委到现场指导",
    "进度正常，下一步按节点推进",
    "遇到场地问题，已协调解决",
];

const RESULTS: &[(ProjectOutcome, &str)] = &[
    (
        ProjectOutcome::Achieved,
        "目标全部完成，做法在小镇（园区）推广",
    ),
    (ProjectOutcome::Achieved, "按期完成，党员作用发挥明显"),
    (ProjectOutcome::Partly, "完成主要目标，个别事项转入下一年"),
];

/// The projects of a third of the branches whose 书记 was in post on the day they took
/// one on, between mid-January and mid-March of `as_of`'s year.
pub fn projects(
    seed: u64,
    party_orgs: &[PartyOrg],
    terms: &[PostTerm],
    as_of: NaiveDate,
) -> Vec<PlannedProject> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9A0E);
    let Some(start) = NaiveDate::from_ymd_opt(as_of.year(), 1, 15) else {
        return Vec::new();
    };
    let branch = |t: PartyOrgType| {
        matches!(
            t,
            PartyOrgType::Branch | PartyOrgType::JointBranch | PartyOrgType::GeneralBranch
        )
    };
    let types: std::collections::HashMap<Key, PartyOrgType> =
        party_orgs.iter().map(|p| (p.key, p.org_type)).collect();
    let mut out = Vec::new();
    for t in terms {
        if t.post != Post::Secretary || !types.get(&t.party_org).copied().is_some_and(branch) {
            continue;
        }
        if rng.random_range(0..3) != 0 {
            continue;
        }
        let taken_on = start + Days::new(rng.random_range(0..60));
        // In post on the day, and staying (a 书记 who hands over leaves the project to the
        // next one, which the demo does not follow).
        if t.since > taken_on || t.until.is_some() || taken_on > as_of {
            continue;
        }
        let Some((title, goal, steps)) = THEMES.choose(&mut rng) else {
            continue;
        };
        let due_on = taken_on + Days::new(rng.random_range(240..330));
        let mut milestones = Vec::new();
        for (i, (step, evidence)) in steps.iter().enumerate() {
            let due = taken_on + Days::new(70 * (i as u64 + 1) + rng.random_range(0..20));
            let due = due.min(due_on);
            let done_day = due - Days::new(rng.random_range(0..15));
            let done = (done_day <= as_of && rng.random_range(0..10) < 8)
                .then_some((done_day.max(taken_on), *evidence));
            milestones.push(PlannedMilestone {
                title: step,
                due_on: due,
                done,
            });
        }
        let mut notes = Vec::new();
        for n in 0..rng.random_range(0..3) {
            let day = taken_on + Days::new(45 + 90 * n);
            if day <= as_of {
                notes.push((day, *NOTES.choose(&mut rng).unwrap_or(&NOTES[0])));
            }
        }
        let all_done = milestones.iter().all(|m| m.done.is_some());
        let closed = (due_on <= as_of && all_done && rng.random_range(0..10) < 8).then(|| {
            let (o, r) = *RESULTS.choose(&mut rng).unwrap_or(&RESULTS[0]);
            (due_on, o, r)
        });
        out.push(PlannedProject {
            party_org: t.party_org,
            title: (*title).to_owned(),
            goal,
            taken_on,
            due_on,
            milestones,
            notes,
            closed,
        });
    }
    out
}
