//! `liangxin spot-check`: draws (or redraws) a 随机抽查 sample from the published seed and the
//! register of a day, exactly as a round's page draws it, so anyone with the database can
//! check a published round: the same seed, size, strata, day and committee give the same
//! sample on SQLite and PostgreSQL.

use chrono::NaiveDate;
use liangxin_domain::kinds::{SpotCheckOf, SpotCheckStrata};
use liangxin_domain::spot_check::{self, Draw, FrameItem, Seed};
use liangxin_store::{Scope, Store};
use serde_json::json;

use crate::CliError;
use crate::coverage_cmd::{party_org_scope, scope};

/// How the sample is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SpotFormat {
    Text,
    Json,
}

/// What `liangxin spot-check` was asked.
pub struct Request<'a> {
    pub seed: &'a str,
    pub size: u32,
    pub of: SpotCheckOf,
    pub by: SpotCheckStrata,
    pub as_of: NaiveDate,
    /// `--county`, `--party-org`, `--zone`.
    pub within: (Option<&'a str>, Option<&'a str>, Option<&'a str>),
    pub format: SpotFormat,
    pub with_frame: bool,
}

/// The committee of a zone: its 党工委's subtree and the zone's units.
fn zone_scope(store: &mut Store, code: &str) -> Result<(Scope, String), CliError> {
    let zone = store
        .zones_with_leaders(&Scope::everything())?
        .into_iter()
        .find(|(z, _)| z.code == code.trim())
        .ok_or_else(|| CliError::Refused(format!("--zone：没有编号为“{code}”的园区小镇")))?;
    let (z, leader) = zone;
    let (key, _) = leader.ok_or_else(|| {
        CliError::Refused(format!("--zone：{}尚无党工委，无从确定抽查范围", z.name))
    })?;
    let (scope, name) = party_org_scope(store, &format!("{}-{}", key.county, key.id))?;
    Ok((
        Scope {
            zone: Some(z.id),
            ..scope
        },
        name,
    ))
}

pub fn run(store: &mut Store, req: &Request<'_>) -> Result<(), CliError> {
    let seed = Seed::parse(req.seed).map_err(|e| CliError::Refused(format!("--seed：{e}")))?;
    if req.size == 0 || req.size > liangxin_store::spot_check::MAX_SIZE {
        return Err(CliError::Refused(format!(
            "--size：应为1至{}之间的整数",
            liangxin_store::spot_check::MAX_SIZE
        )));
    }
    let (scope, name) = match req.within {
        (_, _, Some(zone)) => zone_scope(store, zone)?,
        (_, Some(po), _) => party_org_scope(store, po)?,
        (county, ..) => scope(store, county)?,
    };
    let frame = store.spot_check_frame(&scope, req.of, req.by, req.as_of)?;
    let drawn = spot_check::draw(seed, req.size as usize, &frame);
    match req.format {
        SpotFormat::Json => {
            let mut out = json!({
                "committee": name,
                "seed": seed.get(),
                "size": req.size,
                "of": req.of.code(),
                "by": req.by.code(),
                "as_of": req.as_of,
                "frame_size": drawn.frame_size,
                "frame_digest": drawn.frame_digest,
                "strata": drawn.strata,
                "sample": drawn.sample,
                "method": "每层按最大余数法比例分配；层内按 SHA-256(\"种子:编号\") 的十六进制值从小到大取前若干个",
            });
            if req.with_frame {
                out["frame"] = frame
                    .iter()
                    .map(|i: &FrameItem| json!({ "code": i.code, "name": i.name, "stratum": i.stratum }))
                    .collect();
            }
            say!(
                "{}",
                serde_json::to_string_pretty(&out).map_err(std::io::Error::other)?
            );
        }
        SpotFormat::Text => print_text(&name, seed, req, &drawn),
    }
    Ok(())
}

fn print_text(name: &str, seed: Seed, req: &Request<'_>, drawn: &Draw) {
    say!(
        "{name} 随机抽查：{}，{}，名录日期 {}，随机种子 {seed}，抽取 {} 个",
        req.of.label(),
        req.by.label(),
        req.as_of,
        drawn.sample.len()
    );
    say!(
        "名录 {} 个，摘要 SHA-256 {}",
        drawn.frame_size,
        drawn.frame_digest
    );
    for s in &drawn.strata {
        say!(
            "  {}（{}）：名录 {} 个，抽取 {} 个",
            s.label,
            s.code,
            s.size,
            s.drawn
        );
    }
    for (i, d) in drawn.sample.iter().enumerate() {
        say!("{:>4}  {}  {}  {}", i + 1, d.code, d.name, &d.rank[..16]);
    }
}
