//! The demo city's 考核清单: the entered criteria the city set for last year and this year,
//! and the scores its assessors gave, drawn from their own generator: most groups score well
//! on most criteria, a few fall short, and the evidence says why.

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// An entered criterion as the city adopts it.
#[derive(Debug, Clone, Copy)]
pub struct PlannedCriterion {
    pub code: &'static str,
    pub label: &'static str,
    pub points: u32,
    pub guide: &'static str,
}

/// The document the criteria come from.
pub const SOURCE: &str = "衢州市两新组织党建工作责任制考核办法（演示）";

pub const CRITERIA: [PlannedCriterion; 3] = [
    PlannedCriterion {
        code: "brand",
        label: "党建品牌（一镇一品）",
        points: 10,
        guide: "有市级以上党建品牌得10分，县级品牌得6分，正在培育的得3分",
    },
    PlannedCriterion {
        code: "innovation",
        label: "创新举措和经验推广",
        points: 10,
        guide: "经验做法被市级以上刊物或会议推广的每项得4分，县级的每项得2分，最多10分",
    },
    PlannedCriterion {
        code: "satisfaction",
        label: "党员群众满意度",
        points: 5,
        guide: "按年度测评的满意率折算：95%以上得5分，每低1个百分点扣0.5分",
    },
];

/// Evidence for a full score and for one short of it, by criterion.
fn evidence(code: &str, full: bool) -> &'static [&'static str] {
    match (code, full) {
        ("brand", true) => &[
            "“红色工匠”品牌获评市级党建品牌",
            "“两新先锋”品牌入选省级示范",
        ],
        ("brand", false) => &["“党建+产业链”品牌获县级命名", "品牌正在培育，尚无命名"],
        ("innovation", true) => &[
            "“企业党建指导员”做法在全市推广",
            "经验刊发于《衢州组织工作》",
        ],
        ("innovation", false) => &["县级经验交流1项", "未见推广的创新做法"],
        (_, true) => &["年度测评满意率97%", "年度测评满意率96%"],
        (_, false) => &["年度测评满意率92%", "年度测评满意率90%"],
    }
}

/// A group's score on a criterion, in points with one decimal, with its evidence: drawn
/// from the seed, the group and the criterion, so a rerun gives the same.
pub fn score(seed: u64, group: i64, c: &PlannedCriterion) -> (String, &'static str) {
    let mix = c.code.bytes().fold(seed ^ group as u64, |h, b| {
        h.wrapping_mul(0x100_0000_01b3).wrapping_add(u64::from(b))
    });
    let mut rng = ChaCha8Rng::seed_from_u64(mix);
    let full = rng.random_bool(0.55);
    // In halves of a point: full marks, or between half and all but a half.
    let halves = if full {
        c.points * 2
    } else {
        rng.random_range(c.points..c.points * 2)
    };
    let text = evidence(c.code, full)
        .choose(&mut rng)
        .copied()
        .unwrap_or_default();
    (
        format!("{}.{}", halves / 2, if halves % 2 == 1 { 5 } else { 0 }),
        text,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_stay_within_their_points_and_are_drawn_again_alike() {
        for c in &CRITERIA {
            for g in 0..200 {
                let (s, e) = score(7, g, c);
                let v: f64 = s.parse().unwrap();
                assert!((v * 2.0).fract() == 0.0 && v >= f64::from(c.points) / 2.0);
                assert!(v <= f64::from(c.points), "{s}");
                assert!(!e.is_empty());
                assert_eq!(score(7, g, c), (s, e));
            }
        }
        assert!(CRITERIA.iter().map(|c| c.points).sum::<u32>() <= 100);
    }
}
