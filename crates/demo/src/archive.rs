//! The demo city's member archives: most hold every item of the checklist, about one in
//! ten lacks one or two, so 信息完整度 and the audit have something to show. Drawn from its
//! own generator.

use liangxin_domain::archive::ArchiveRecord;
use liangxin_domain::kinds::{ArchiveItem, MemberStatus};
use liangxin_domain::registry::Member;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub fn archives(seed: u64, members: &[Member]) -> Vec<ArchiveRecord> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xA4C1_5EED);
    let mut out = Vec::with_capacity(members.len() * 5);
    for m in members {
        let mut items: Vec<(ArchiveItem, chrono::NaiveDate)> = vec![
            (
                ArchiveItem::Application,
                m.joined_on - chrono::Duration::days(rng.random_range(365..1100)),
            ),
            (
                ArchiveItem::Training,
                m.joined_on - chrono::Duration::days(rng.random_range(30..200)),
            ),
            (
                ArchiveItem::PoliticalReview,
                m.joined_on - chrono::Duration::days(rng.random_range(10..90)),
            ),
            (ArchiveItem::Volunteer, m.joined_on),
        ];
        if let (MemberStatus::Full, Some(c)) = (m.status, m.confirmed_on) {
            items.push((
                ArchiveItem::Confirmation,
                c - chrono::Duration::days(rng.random_range(5..30)),
            ));
        }
        if rng.random_bool(0.1) {
            // One or two items never reached the archive.
            for _ in 0..rng.random_range(1..=2) {
                let i = rng.random_range(0..items.len());
                items.remove(i);
            }
        }
        out.extend(items.into_iter().map(|(item, received_on)| ArchiveRecord {
            member: m.key,
            item,
            received_on,
        }));
    }
    out
}
