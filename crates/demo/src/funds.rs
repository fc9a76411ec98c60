//! The demo city's 党建经费 of this year up to the reference date: each town's or park's
//! 党工委 receives its 财政专项 in March and the 党费 returned in June, spends monthly on
//! activities and now and then on training, its service center and care; about one branch
//! in five books money its unit sets aside (两新组织列支) and spends it on activities; each
//! 党工委 has a budget. Drawn from its own generator.

use chrono::{Datelike, NaiveDate};
use liangxin_domain::kinds::{FundSource, FundUse, PartyOrgType};
use liangxin_domain::money::Fen;
use liangxin_domain::registry::{Key, PartyOrg};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A line to book: receipt (by source) or spending (by use).
#[derive(Debug, Clone)]
pub struct PlannedLine {
    pub party_org: Key,
    pub on: NaiveDate,
    pub kind: Result<FundSource, FundUse>,
    pub amount: Fen,
    pub note: &'static str,
    pub evidence: String,
}

/// This year's lines up to `as_of`, and the budgets (organization, year, amount).
pub fn plan(
    seed: u64,
    party_orgs: &[PartyOrg],
    as_of: NaiveDate,
) -> (Vec<PlannedLine>, Vec<(Key, i32, Fen)>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xF0_2D5);
    let year = as_of.year();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let yuan = |y: i64| Fen::new(y * 100);
    let mut lines = Vec::new();
    let mut budgets = Vec::new();
    let mut voucher = 0u32;
    let mut push = |lines: &mut Vec<PlannedLine>,
                    k: Key,
                    on: Option<NaiveDate>,
                    kind: Result<FundSource, FundUse>,
                    amount: Fen,
                    note: &'static str| {
        if let Some(on) = on.filter(|d| *d <= as_of) {
            voucher += 1;
            lines.push(PlannedLine {
                party_org: k,
                on,
                kind,
                amount,
                note,
                evidence: format!("记字第{voucher}号"),
            });
        }
    };
    for po in party_orgs {
        let zoned = po.org_type == PartyOrgType::WorkingCommittee && po.zone.is_some();
        if zoned {
            let grant = rng.random_range(8..30) * 10_000;
            budgets.push((po.key, year, yuan(grant + 20_000)));
            push(
                &mut lines,
                po.key,
                day(3, rng.random_range(5..25)),
                Ok(FundSource::Finance),
                yuan(grant),
                "县财政党建工作专项经费",
            );
            push(
                &mut lines,
                po.key,
                day(6, rng.random_range(10..28)),
                Ok(FundSource::Dues),
                yuan(rng.random_range(5..20) * 1_000),
                "上级党委返还党费",
            );
            if rng.random_bool(0.3) {
                push(
                    &mut lines,
                    po.key,
                    day(rng.random_range(4..10), 8),
                    Ok(FundSource::Social),
                    yuan(rng.random_range(1..6) * 5_000),
                    "商会捐助党群服务中心",
                );
            }
            for m in 3..=12 {
                push(
                    &mut lines,
                    po.key,
                    day(m, rng.random_range(10..28)),
                    Err(FundUse::Activities),
                    yuan(rng.random_range(20..80) * 100),
                    "主题党日、组织生活活动",
                );
                if rng.random_bool(0.25) {
                    push(
                        &mut lines,
                        po.key,
                        day(m, 5),
                        Err(FundUse::Training),
                        yuan(rng.random_range(30..120) * 100),
                        "书记和党务工作者培训",
                    );
                }
            }
            push(
                &mut lines,
                po.key,
                day(5, 20),
                Err(FundUse::Positions),
                yuan(rng.random_range(10..60) * 1_000),
                "党群服务中心设施",
            );
            push(
                &mut lines,
                po.key,
                day(7, 1),
                Err(FundUse::Care),
                yuan(rng.random_range(10..40) * 100),
                "走访慰问困难党员、老党员",
            );
        } else if po.org_type.is_branch() && rng.random_bool(0.2) {
            push(
                &mut lines,
                po.key,
                day(rng.random_range(1..4), 15),
                Ok(FundSource::Organization),
                yuan(rng.random_range(2..10) * 1_000),
                "企业管理费用中列支党建工作经费",
            );
            for m in [4, 7, 10] {
                push(
                    &mut lines,
                    po.key,
                    day(m, rng.random_range(10..28)),
                    Err(FundUse::Activities),
                    yuan(rng.random_range(5..30) * 100),
                    "主题党日活动",
                );
            }
        }
    }
    (lines, budgets)
}
