//! `liangxin ballot verify FILE`: anyone recounts a 民主评议 round from its published
//! bulletin, with nothing of the platform but this program.

use std::io::Read;
use std::path::Path;

use liangxin_domain::appraisal::{Bulletin, Grade};

use crate::CliError;

/// The largest bulletin read: a round of 2,000 voters over a roll of 2,000 is about 8 MB.
/// A larger file is refused before it is read whole.
const MAX_BULLETIN: u64 = 16 * 1024 * 1024;

fn read_bounded(file: &Path) -> Result<String, CliError> {
    let f = std::fs::File::open(file)
        .map_err(|e| CliError::Refused(format!("无法打开 {}：{e}", file.display())))?;
    let mut bytes = Vec::new();
    f.take(MAX_BULLETIN + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_BULLETIN {
        return Err(CliError::Refused(format!(
            "{} 超过 {} MB，不是唱票结果公告",
            file.display(),
            MAX_BULLETIN / 1024 / 1024
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| CliError::Refused(format!("{} 不是 UTF-8 文本", file.display())))
}

fn recount(file: &Path) -> Result<Bulletin, CliError> {
    Bulletin::verify(&read_bounded(file)?)
        .map_err(|e| CliError::Refused(format!("{}：核验未通过：{e}", file.display())))
}

pub fn verify(file: &Path, previous: Option<&Path>) -> Result<(), CliError> {
    let b = recount(file)?;
    if let Some(p) = previous {
        let prev = recount(p)?;
        if !b.follows(&prev) {
            return Err(CliError::Refused(format!(
                "{} 不接续 {}：其“上一轮公告”为 {}，而上一轮公告的哈希为 {}",
                file.display(),
                p.display(),
                b.previous.as_deref().unwrap_or("无"),
                prev.hash()
            )));
        }
    }
    say!("核验通过：{}", b.round);
    say!("发出凭证 {}，收回选票 {}", b.eligible, b.ballots.len());
    say!(
        "序号\t被评议党员\t{}\t弃权",
        Grade::ALL.map(Grade::label).join("\t")
    );
    for (i, (name, t)) in b.roll.iter().zip(&b.totals).enumerate() {
        let [a, bb, c, d] = t.grades;
        say!("{}\t{name}\t{a}\t{bb}\t{c}\t{d}\t{}", i + 1, t.abstained);
    }
    say!("本公告 SHA-256：{}", b.hash());
    say!(
        "上一轮公告：{}{}",
        b.previous.as_deref().unwrap_or("无"),
        if previous.is_some() {
            "（已核对接续）"
        } else {
            ""
        }
    );
    Ok(())
}
