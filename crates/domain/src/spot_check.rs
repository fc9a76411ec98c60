//! 随机抽查: a stratified random sample that anyone can redraw from the published seed and
//! the day's register, with nothing but `sha256sum` and a sort.
//!
//! The method, as `docs/随机抽查.md` publishes it:
//! 1. **The frame** is the register on the day (党组织 or 两新组织 of the scope), each item
//!    with its code (`330825-6176`) and its stratum (county, zone or kind).
//! 2. **Allocation** is proportional (the largest-remainder method): stratum *i* of *Nᵢ* items
//!    in a frame of *N* gets ⌊*K·Nᵢ/N*⌋, and the draws left over go one each to the strata
//!    with the largest remainders (ties: the larger stratum, then the smaller stratum code).
//! 3. **Within a stratum** the items are ranked by SHA-256 of `"{seed}:{code}"` in lowercase
//!    hexadecimal, smallest first, and the first *nᵢ* are drawn.
//!
//! A rank depends on the seed and the item only, so neither the database's row order nor an
//! item added to another stratum changes who is drawn. The frame's digest (SHA-256 of its
//! lines `stratum\tcode\n` in code order) lets a reader check that their register is ours.

use sha2::{Digest, Sha256};
use thiserror::Error;

/// The published seed of a draw: a whole number of at most 18 digits (fits the database's
/// 64-bit integers on either engine, and a person can read it out).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Seed(u64);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("随机种子应为不超过18位的非负整数")]
pub struct BadSeed;

impl Seed {
    pub const MAX: u64 = 999_999_999_999_999_999;

    pub fn parse(s: &str) -> Result<Seed, BadSeed> {
        let s = s.trim();
        if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(BadSeed);
        }
        s.parse().map(Seed).map_err(|_| BadSeed)
    }

    pub fn new(n: u64) -> Result<Seed, BadSeed> {
        if n > Self::MAX {
            Err(BadSeed)
        } else {
            Ok(Seed(n))
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl std::fmt::Display for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One item of the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameItem {
    /// The item's code as the register shows it (`330825-6176`).
    pub code: String,
    pub name: String,
    /// The stratum's code (a county code, a zone code, a type code) and its label.
    pub stratum: String,
    pub stratum_label: String,
}

/// A stratum of the frame and what was drawn from it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stratum {
    pub code: String,
    pub label: String,
    pub size: usize,
    pub drawn: usize,
}

/// One drawn item with the rank that put it in the sample.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Drawn {
    pub code: String,
    pub name: String,
    pub stratum: String,
    /// SHA-256 of `"{seed}:{code}"`, lowercase hex.
    pub rank: String,
}

/// A draw: the strata, the frame's digest, the sample in stratum order and rank order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Draw {
    pub frame_size: usize,
    pub frame_digest: String,
    pub strata: Vec<Stratum>,
    pub sample: Vec<Drawn>,
}

/// The rank of an item under a seed.
pub fn rank(seed: Seed, code: &str) -> String {
    hex(&rank_bytes(seed, code))
}

/// The rank as bytes: their order is the order of the hexadecimal text.
fn rank_bytes(seed: Seed, code: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_string().as_bytes());
    h.update(b":");
    h.update(code.as_bytes());
    h.finalize().into()
}

/// SHA-256 of the frame's lines `stratum\tcode\n` in code order.
pub fn frame_digest(frame: &[FrameItem]) -> String {
    let mut lines: Vec<(&str, &str)> = frame
        .iter()
        .map(|i| (i.code.as_str(), i.stratum.as_str()))
        .collect();
    lines.sort_unstable();
    let mut h = Sha256::new();
    for (code, stratum) in lines {
        h.update(stratum.as_bytes());
        h.update(b"\t");
        h.update(code.as_bytes());
        h.update(b"\n");
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

/// The largest-remainder allocation of `size` draws over strata of `sizes`, in their order;
/// `codes` break ties. The sum is `min(size, Σ sizes)` and no stratum gets more than it has.
pub fn allocate(sizes: &[usize], codes: &[&str], size: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    if total == 0 {
        return vec![0; sizes.len()];
    }
    let size = size.min(total);
    let mut take: Vec<usize> = sizes.iter().map(|n| size * n / total).collect();
    let left = size - take.iter().sum::<usize>();
    // Remainders compared as the numerators over the common denominator `total`.
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = size * sizes[a] % total;
        let rb = size * sizes[b] % total;
        rb.cmp(&ra)
            .then(sizes[b].cmp(&sizes[a]))
            .then(codes[a].cmp(codes[b]))
    });
    for &i in order.iter().take(left) {
        take[i] += 1;
    }
    take
}

/// Draws `size` items from `frame` under `seed`.
pub fn draw(seed: Seed, size: usize, frame: &[FrameItem]) -> Draw {
    let mut strata: Vec<Stratum> = Vec::new();
    // Each stratum's items with their ranks as bytes; hexadecimal only for those drawn.
    let mut members: Vec<Vec<([u8; 32], &FrameItem)>> = Vec::new();
    let mut sorted: Vec<&FrameItem> = frame.iter().collect();
    sorted.sort_by(|a, b| a.stratum.cmp(&b.stratum).then(a.code.cmp(&b.code)));
    for item in sorted {
        if strata.last().is_none_or(|s| s.code != item.stratum) {
            strata.push(Stratum {
                code: item.stratum.clone(),
                label: item.stratum_label.clone(),
                size: 0,
                drawn: 0,
            });
            members.push(Vec::new());
        }
        if let (Some(s), Some(m)) = (strata.last_mut(), members.last_mut()) {
            s.size += 1;
            m.push((rank_bytes(seed, &item.code), item));
        }
    }
    let sizes: Vec<usize> = strata.iter().map(|s| s.size).collect();
    let codes: Vec<&str> = strata.iter().map(|s| s.code.as_str()).collect();
    let take = allocate(&sizes, &codes, size);
    let mut sample = Vec::new();
    for ((s, mut m), n) in strata.iter_mut().zip(members).zip(take) {
        m.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.code.cmp(&b.1.code)));
        s.drawn = n;
        sample.extend(m.into_iter().take(n).map(|(rank, item)| Drawn {
            code: item.code.clone(),
            name: item.name.clone(),
            stratum: item.stratum.clone(),
            rank: hex(&rank),
        }));
    }
    Draw {
        frame_size: frame.len(),
        frame_digest: frame_digest(frame),
        strata,
        sample,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(code: &str, stratum: &str) -> FrameItem {
        FrameItem {
            code: code.into(),
            name: format!("单位{code}"),
            stratum: stratum.into(),
            stratum_label: format!("层{stratum}"),
        }
    }

    #[test]
    fn a_seed_is_a_whole_number_people_can_read_out() {
        assert_eq!(Seed::parse(" 20261205 ").unwrap().get(), 20261205);
        assert_eq!(Seed::parse("0").unwrap().get(), 0);
        assert!(Seed::parse("999999999999999999").is_ok());
        for bad in ["", "-1", "1e5", "１２", "1000000000000000000", "12 3"] {
            assert_eq!(Seed::parse(bad), Err(BadSeed), "{bad}");
        }
        assert!(Seed::new(Seed::MAX + 1).is_err());
    }

    #[test]
    fn the_rank_is_the_published_hash() {
        // printf '%s' '42:330825-6176' | sha256sum
        let seed = Seed::parse("42").unwrap();
        assert_eq!(
            rank(seed, "330825-6176"),
            hex(&Sha256::digest(b"42:330825-6176"))
        );
        assert_eq!(rank(seed, "x").len(), 64);
    }

    #[test]
    fn allocation_is_proportional_by_largest_remainder() {
        // 10 of 100 over 50/30/20: exactly 5/3/2.
        assert_eq!(allocate(&[50, 30, 20], &["a", "b", "c"], 10), vec![5, 3, 2]);
        // 4 of 9 over 3/3/3: quotas 1⅓ each, one left: the tie goes to the first code.
        assert_eq!(allocate(&[3, 3, 3], &["a", "b", "c"], 4), vec![2, 1, 1]);
        assert_eq!(allocate(&[3, 3, 3], &["c", "b", "a"], 4), vec![1, 1, 2]);
        // 5 of 10 over 7/2/1: 3.5, 1, 0.5: remainders tie, the larger stratum wins.
        assert_eq!(allocate(&[7, 2, 1], &["a", "b", "c"], 5), vec![4, 1, 0]);
        // More than the frame holds: everything.
        assert_eq!(allocate(&[2, 1], &["a", "b"], 10), vec![2, 1]);
        assert_eq!(allocate(&[0, 0], &["a", "b"], 3), vec![0, 0]);
        assert_eq!(allocate(&[], &[], 3), Vec::<usize>::new());
        // Never more than a stratum has, always the size asked.
        for k in 0..=20 {
            let t = allocate(&[9, 1, 5, 2], &["a", "b", "c", "d"], k);
            assert_eq!(t.iter().sum::<usize>(), k.min(17));
            assert!(t.iter().zip([9, 1, 5, 2]).all(|(t, n)| *t <= n));
        }
    }

    #[test]
    fn the_same_seed_and_frame_give_the_same_sample_in_any_order() {
        let frame: Vec<FrameItem> = (0..40)
            .map(|i| item(&format!("330825-{i}"), if i % 4 == 0 { "b" } else { "a" }))
            .collect();
        let seed = Seed::parse("20261205").unwrap();
        let one = draw(seed, 8, &frame);
        let mut reversed = frame.clone();
        reversed.reverse();
        assert_eq!(draw(seed, 8, &reversed), one);
        assert_eq!(one.frame_size, 40);
        assert_eq!(one.sample.len(), 8);
        // 30 and 10: 6 and 2.
        assert_eq!(
            one.strata
                .iter()
                .map(|s| (s.code.as_str(), s.size, s.drawn))
                .collect::<Vec<_>>(),
            vec![("a", 30, 6), ("b", 10, 2)]
        );
        // Within a stratum: the smallest ranks, in rank order.
        let a: Vec<&Drawn> = one.sample.iter().filter(|d| d.stratum == "a").collect();
        let mut ranks: Vec<String> = frame
            .iter()
            .filter(|i| i.stratum == "a")
            .map(|i| rank(seed, &i.code))
            .collect();
        ranks.sort();
        assert_eq!(
            a.iter().map(|d| d.rank.clone()).collect::<Vec<_>>(),
            ranks[..6].to_vec()
        );
        // Another seed, another sample.
        let other = draw(Seed::parse("20261206").unwrap(), 8, &frame);
        assert_ne!(other.sample, one.sample);
        assert_eq!(other.frame_digest, one.frame_digest);
    }

    #[test]
    fn an_item_added_elsewhere_changes_nothing_within_a_stratum_that_keeps_its_share() {
        let mut frame: Vec<FrameItem> = (0..20).map(|i| item(&format!("1-{i}"), "a")).collect();
        frame.extend((0..20).map(|i| item(&format!("2-{i}"), "b")));
        let seed = Seed::parse("7").unwrap();
        let before = draw(seed, 4, &frame);
        frame.push(item("2-99", "b"));
        let after = draw(seed, 4, &frame);
        let of = |d: &Draw| -> Vec<String> {
            d.sample
                .iter()
                .filter(|x| x.stratum == "a")
                .map(|x| x.code.clone())
                .collect()
        };
        assert_eq!(of(&before), of(&after));
        assert_ne!(before.frame_digest, after.frame_digest);
    }
}
