//! The demo city's 书记抓党建述职评议考核 of last year: most secretaries report in January,
//! a few late, some not at all; each reviewing committee meets in February (a few have not
//! met yet), grades its reports with a realistic spread, and lists rectifications for the
//! weaker ones, mostly done by their deadline, some still open past it. Drawn from its own
//! generator.

use chrono::{Datelike, Days, NaiveDate};
use liangxin_domain::kinds::ReviewGrade;
use liangxin_domain::registry::Key;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A committee's 述职评议会.
#[derive(Debug, Clone)]
pub struct PlannedMeeting {
    pub committee: Key,
    pub held_on: NaiveDate,
    pub place: String,
    pub attendance: String,
}

#[derive(Debug, Clone)]
pub struct PlannedFix {
    pub problem: &'static str,
    pub measure: &'static str,
    pub deadline: NaiveDate,
    /// When it was done, and what was done.
    pub done: Option<(NaiveDate, &'static str)>,
}

/// One organization's report and what became of it.
#[derive(Debug, Clone)]
pub struct PlannedReport {
    pub party_org: Key,
    pub reviewer: Key,
    pub reported_on: NaiveDate,
    pub body: String,
    /// Named when no 书记 is on the register (a committee's, or a stand-in).
    pub reporter: String,
    /// The grade and comments, given at the reviewer's meeting (none: not met yet).
    pub grade: Option<(ReviewGrade, &'static str)>,
    pub fixes: Vec<PlannedFix>,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub meetings: Vec<PlannedMeeting>,
    pub reports: Vec<PlannedReport>,
}

const PROBLEMS: &[(&str, &str, &str)] = &[
    (
        "“三会一课”记录不完整，个别月份主题党日未开展",
        "建立会议台账月检制度，由组织委员每月核对补齐",
        "已建立月检台账，近三个月会议记录完整",
    ),
    (
        "党员发展工作滞后，连续两年未发展党员",
        "制定发展计划，明确入党积极分子培养联系人",
        "已确定入党积极分子2名并落实培养联系人",
    ),
    (
        "党建工作与企业生产经营结合不紧",
        "开展党员先锋岗、党员责任区创建",
        "已设立党员先锋岗3个，纳入企业考核",
    ),
    (
        "党费收缴不及时，个别党员连续数月未交",
        "落实按月收缴，逐一谈心提醒",
        "欠交党费已全部补交，按月收缴制度已落实",
    ),
    (
        "流动党员联系不经常",
        "建立流动党员微信群，每季度至少联系一次",
        "已建立联系台账，流动党员全部纳入联系",
    ),
    (
        "党建阵地利用率不高",
        "与党群服务中心共建，每月开展一次阵地活动",
        "已与中心签订共建协议，每月活动有记录",
    ),
];

const COMMENTS: [(ReviewGrade, &str); 4] = [
    (
        ReviewGrade::Good,
        "书记抓党建责任落实到位，组织生活规范，党建与发展结合紧密，成效明显。",
    ),
    (
        ReviewGrade::FairlyGood,
        "能够履行抓党建第一责任人职责，基本制度落实较好，党员作用发挥仍有提升空间。",
    ),
    (
        ReviewGrade::Average,
        "抓党建精力投入不足，组织生活不够经常，部分制度落实不到位，需限期整改。",
    ),
    (
        ReviewGrade::Poor,
        "抓党建责任意识不强，组织生活长期不正常，问题较多，须专项整改并加强督导。",
    ),
];

const PLACES: [&str; 3] = ["党群服务中心会议室", "机关会议室", "党员活动室"];

/// Last year's 述职 as of `as_of`: `subjects` are the organizations that owe it, each with
/// its reviewer; `has_secretary` says whether one has its 书记 on the register on a day.
pub fn plan(
    seed: u64,
    subjects: &[(Key, Key, String)],
    has_secretary: &dyn Fn(Key, NaiveDate) -> bool,
    as_of: NaiveDate,
) -> Plan {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EC2_E7A8);
    let year = as_of.year() - 1;
    let mut out = Plan::default();
    let (Some(jan), Some(feb)) = (
        NaiveDate::from_ymd_opt(year + 1, 1, 5),
        NaiveDate::from_ymd_opt(year + 1, 2, 10),
    ) else {
        return out;
    };
    // Each reviewer's meeting, in the order reviewers first appear; a few have not met.
    let mut meetings: Vec<(Key, Option<NaiveDate>)> = Vec::new();
    for (_, reviewer, _) in subjects {
        if meetings.iter().all(|(k, _)| k != reviewer) {
            let held = feb + Days::new(rng.random_range(0..18));
            let met = rng.random_bool(0.95) && held <= as_of;
            meetings.push((*reviewer, met.then_some(held)));
            if met {
                out.meetings.push(PlannedMeeting {
                    committee: *reviewer,
                    held_on: held,
                    place: (*PLACES.choose(&mut rng).unwrap_or(&PLACES[0])).to_owned(),
                    attendance: "党委（党工委）委员，所属党组织书记，党员和群众代表".to_owned(),
                });
            }
        }
    }
    for (org, reviewer, name) in subjects {
        let roll = rng.random_range(0..100);
        if roll < 6 {
            continue; // never reported
        }
        let held = meetings
            .iter()
            .find(|(k, _)| k == reviewer)
            .and_then(|(_, h)| *h);
        // Most in January; a few late, in the days before the meeting.
        let reported_on = if roll < 10 {
            jan + Days::new(27 + rng.random_range(0..5))
        } else {
            jan + Days::new(rng.random_range(0..23))
        };
        if reported_on > as_of {
            continue;
        }
        let reporter = if has_secretary(*org, reported_on) {
            String::new()
        } else {
            format!("{}（书记）", crate::person_name(&mut rng))
        };
        let grade = held.filter(|h| *h >= reported_on).map(|h| {
            let g = match rng.random_range(0..100) {
                0..35 => 0,
                35..80 => 1,
                80..95 => 2,
                _ => 3,
            };
            (COMMENTS[g].0, COMMENTS[g].1, h)
        });
        let mut fixes = Vec::new();
        if let Some((g, _, held)) = grade {
            let n = match g {
                ReviewGrade::Good => 0,
                ReviewGrade::FairlyGood => usize::from(rng.random_bool(0.5)),
                ReviewGrade::Average => rng.random_range(1..=2),
                ReviewGrade::Poor => rng.random_range(2..=3),
            };
            let first = rng.random_range(0..PROBLEMS.len());
            for i in 0..n {
                let (problem, measure, result) = PROBLEMS[(first + i) % PROBLEMS.len()];
                let deadline = held + Days::new(rng.random_range(90..180));
                let done = if deadline <= as_of {
                    // Most done by the deadline; some still open past it.
                    rng.random_bool(0.85).then(|| {
                        let on = deadline - Days::new(rng.random_range(0..30));
                        (on.max(held + Days::new(1)), result)
                    })
                } else {
                    rng.random_bool(0.4).then(|| {
                        let span = (as_of - held).num_days().max(2);
                        let on = held + Days::new(rng.random_range(1..span) as u64);
                        (on, result)
                    })
                };
                fixes.push(PlannedFix {
                    problem,
                    measure,
                    deadline,
                    done,
                });
            }
        }
        out.reports.push(PlannedReport {
            party_org: *org,
            reviewer: *reviewer,
            reported_on,
            body: body(name, year),
            reporter,
            grade: grade.map(|(g, c, _)| (g, c)),
            fixes,
        });
    }
    out
}

fn body(name: &str, year: i32) -> String {
    format!(
        "{name}{year}年度书记抓党建工作述职报告\n\
         一、履行第一责任人职责情况：年初制定党建工作计划，书记带头讲党课，按期召开支部党员大会、支委会和党小组会，落实主题党日。\n\
         二、主要做法和成效：围绕生产经营开展党员先锋岗创建，党员在技术攻关、安全生产中发挥带头作用。\n\
         三、存在的问题：组织生活质量有待提高，党员教育方式较单一，发展党员工作需加强。\n\
         四、下一步打算：健全组织生活台账，丰富教育形式，做好入党积极分子培养，推动党建与发展深度融合。"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use liangxin_domain::kinds::Coded;

    #[test]
    fn a_year_has_its_spread_and_every_date_falls_in_order() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let subjects: Vec<(Key, Key, String)> = (1..=400)
            .map(|i| {
                (
                    Key {
                        county: 330825,
                        id: i,
                    },
                    Key {
                        county: 330825,
                        id: 10_000 + i % 20,
                    },
                    format!("第{i}党支部"),
                )
            })
            .collect();
        let p = plan(7, &subjects, &|k, _| k.id % 3 != 0, as_of);
        assert!(
            p.reports.len() > 340 && p.reports.len() < 400,
            "some never report"
        );
        assert!(p.meetings.len() <= 20);
        let graded: Vec<_> = p.reports.iter().filter_map(|r| r.grade).collect();
        for g in ReviewGrade::all() {
            assert!(graded.iter().any(|(x, _)| x == g), "{g:?} given");
        }
        for r in &p.reports {
            assert!(r.reported_on <= as_of);
            assert_eq!(r.reporter.is_empty(), r.party_org.id % 3 != 0);
            let held = p
                .meetings
                .iter()
                .find(|m| m.committee == r.reviewer)
                .map(|m| m.held_on);
            if r.grade.is_some() {
                assert!(held.unwrap() >= r.reported_on);
            }
            for f in &r.fixes {
                assert!(f.deadline > held.unwrap());
                if let Some((on, _)) = f.done {
                    assert!(on > held.unwrap() && on <= as_of);
                }
            }
        }
        assert!(
            p.reports
                .iter()
                .flat_map(|r| &r.fixes)
                .any(|f| f.done.is_none() && f.deadline < as_of),
            "some are open past their deadline"
        );
    }
}
