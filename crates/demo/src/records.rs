//! The demo city's member records for the 先锋指数: a year of 党员先锋岗 and 党员责任区,
//! 承诺践诺 (most kept, some not), 岗位技能比武 and 技术攻关, 志愿服务, and the rare 党内表彰
//! and 纪律处分, each with the evidence a branch would cite. Drawn from its own generator,
//! so the rest of the city is as it was.

use chrono::{Datelike, Duration, NaiveDate};
use liangxin_domain::registry::{Key, Member};
use liangxin_domain::vanguard::RecordKind;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A record as the branch would enter it.
#[derive(Debug, Clone)]
pub struct PlannedRecord {
    pub member: Key,
    pub kind: RecordKind,
    pub on: NaiveDate,
    pub until: Option<NaiveDate>,
    pub title: String,
    pub evidence: String,
}

const POSTS: &[&str] = &[
    "生产一线党员先锋岗",
    "质量攻坚党员先锋岗",
    "安全生产党员先锋岗",
    "客户服务党员先锋岗",
    "教学骨干党员先锋岗",
];
const AREAS: &[&str] = &[
    "车间党员责任区",
    "仓储物流党员责任区",
    "门店党员责任区",
    "楼宇党员责任区",
    "社区联系党员责任区",
];
const COMMITMENTS: &[&str] = &[
    "全年无安全生产事故",
    "带徒弟一名并考核出师",
    "提出合理化建议两条",
    "完成岗位技能提升培训",
    "参加社区志愿服务四次",
    "牵头一项降本增效项目",
    "联系帮扶困难职工一户",
];
const CONTESTS: &[&str] = &[
    "市职工职业技能大赛三等奖",
    "县岗位技能比武第一名",
    "企业技能比武一等奖",
];
const BREAKTHROUGHS: &[&str] = &[
    "生产线节能改造攻关",
    "关键零部件国产化攻关",
    "检测工艺优化攻关",
];
const SERVICE: &[&str] = &[
    "社区环境整治志愿服务",
    "防汛值守志愿服务",
    "文明城市创建志愿服务",
    "关爱留守儿童志愿服务",
    "义务献血",
];
const REWARDS: &[&str] = &["县委两新工委优秀共产党员", "乡镇党委优秀共产党员"];
const PUNISHMENTS: &[&str] = &["党内警告处分"];

/// Records for the year of `as_of` (up to it), and duties begun before it.
pub fn records(seed: u64, members: &[Member], as_of: NaiveDate) -> Vec<PlannedRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_F1A6);
    let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap_or(as_of);
    let mut out = Vec::with_capacity(members.len() * 2);
    for m in members {
        let since = year_start.max(m.joined_on);
        if since >= as_of {
            continue;
        }
        let day = |rng: &mut ChaCha8Rng| {
            since + Duration::days(rng.random_range(0..(as_of - since).num_days().max(1)))
        };
        let mut push = |kind, on, until, title: &str, evidence: String| {
            out.push(PlannedRecord {
                member: m.key,
                kind,
                on,
                until,
                title: title.to_owned(),
                evidence,
            });
        };
        for (kind, share, names) in [
            (RecordKind::VanguardPost, 0.12, POSTS),
            (RecordKind::DutyArea, 0.08, AREAS),
        ] {
            if rng.random_bool(share) {
                // Held from some time in the last two years; about one in five has ended.
                let from = m
                    .joined_on
                    .max(as_of - Duration::days(rng.random_range(30..730)));
                let until = rng
                    .random_bool(0.2)
                    .then(|| from + Duration::days(rng.random_range(30..365)))
                    .filter(|u| *u < as_of);
                let title = names.choose(&mut rng).copied().unwrap_or("党员先锋岗");
                push(
                    kind,
                    from,
                    until,
                    title,
                    "支部委员会会议决定设岗定责".to_owned(),
                );
            }
        }
        if rng.random_bool(0.6) {
            for _ in 0..rng.random_range(1..=3) {
                let kind = if rng.random_bool(0.85) {
                    RecordKind::CommitmentKept
                } else {
                    RecordKind::CommitmentBroken
                };
                let on = day(&mut rng);
                let title = COMMITMENTS.choose(&mut rng).copied().unwrap_or("承诺");
                push(
                    kind,
                    on,
                    None,
                    title,
                    format!("{}月支部党员大会承诺践诺评议记录", on.month()),
                );
            }
        }
        for (kind, share, names, evidence) in [
            (RecordKind::SkillContest, 0.03, CONTESTS, "获奖证书"),
            (
                RecordKind::Breakthrough,
                0.02,
                BREAKTHROUGHS,
                "企业攻关项目验收报告",
            ),
            (RecordKind::Reward, 0.02, REWARDS, "表彰决定文件"),
            (RecordKind::Punishment, 0.003, PUNISHMENTS, "处分决定文件"),
        ] {
            if rng.random_bool(share) {
                let on = day(&mut rng);
                let title = names.choose(&mut rng).copied().unwrap_or("记录");
                push(kind, on, None, title, evidence.to_owned());
            }
        }
        if rng.random_bool(0.35) {
            for _ in 0..rng.random_range(1..=4) {
                let on = day(&mut rng);
                let title = SERVICE.choose(&mut rng).copied().unwrap_or("志愿服务");
                push(
                    RecordKind::Volunteer,
                    on,
                    None,
                    title,
                    "志愿服务组织出具的服务记录".to_owned(),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_records_have_a_spread_and_lie_within_the_year() {
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let city = crate::generate(7, crate::Size { organizations: 300 }, as_of);
        let r = records(7, &city.members, as_of);
        assert!(!r.is_empty());
        let of = |k: RecordKind| r.iter().filter(|x| x.kind == k).count();
        assert!(of(RecordKind::CommitmentKept) > of(RecordKind::CommitmentBroken));
        assert!(of(RecordKind::Volunteer) > of(RecordKind::Reward));
        for x in &r {
            assert!(x.on <= as_of, "{x:?}");
            assert!(x.until.is_none_or(|u| u >= x.on && u < as_of), "{x:?}");
            if !x.kind.is_duty() {
                assert_eq!(x.on.year(), 2026, "{x:?}");
            }
        }
    }
}
