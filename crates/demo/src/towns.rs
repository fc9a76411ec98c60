//! The demo city's towns and parks, as their committees have filled in their profiles:
//! some have a brand (their 党群服务中心 are registered and used, see `centers`, and their
//! 党务工作者 registered and trained, see `workforce`);
//! the 五个同步 and their class's checklist are further along in some than in others.
//! Drawn from its own generator.

use liangxin_domain::registry::Zone;
use liangxin_domain::town::{self, FiveItem, ItemState};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// An item as entered: zone, item code, state, evidence.
pub type PlannedItem = (i64, &'static str, ItemState, String);

pub fn plan(seed: u64, zones: &[Zone]) -> Vec<PlannedItem> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x70_3E5);
    let mut out = Vec::new();
    for z in zones {
        let state = |rng: &mut ChaCha8Rng, done: f64, underway: f64| {
            let x: f64 = rng.random();
            if x < done {
                ItemState::Done
            } else if x < done + underway {
                ItemState::Underway
            } else {
                ItemState::Missing
            }
        };
        let evidence = |s: ItemState, done: String, underway: &str| match s {
            ItemState::Done => done,
            ItemState::Underway => underway.to_owned(),
            ItemState::Missing => String::new(),
        };
        let s = state(&mut rng, 0.3, 0.3);
        out.push((
            z.id,
            FiveItem::Brand.code(),
            s,
            evidence(
                s,
                format!(
                    "“{}红色引擎”党建品牌",
                    z.name.chars().take(4).collect::<String>()
                ),
                "品牌方案已报县两新工委",
            ),
        ));
        for (code, _) in town::SYNC {
            let s = state(&mut rng, 0.45, 0.35);
            out.push((
                z.id,
                code,
                s,
                evidence(s, "已纳入年度工作计划并落实".into(), "正在推进"),
            ));
        }
        if let Some(c) = z.class {
            for (code, _) in town::focus(c).1 {
                let s = state(&mut rng, 0.4, 0.35);
                out.push((
                    z.id,
                    code,
                    s,
                    evidence(s, "已落实，见年度工作总结".into(), "已制定方案"),
                ));
            }
        }
    }
    out
}
