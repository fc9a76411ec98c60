//! 民主评议党员: the grades, the secret ballot and the bulletin anyone can recount, and the
//! 支委会's 组织评定 checked against the rules.
//!
//! The secrecy is in what is kept, not in who is trusted. A round's roll (the 正式党员 to be
//! graded, in a fixed order) is public to the branch. Each eligible voter is handed one
//! random credential, which lets them cast one ballot. The ballot is kept under its
//! [`tracker`], the SHA-256 of a receipt drawn when it is cast and the ballot's text, with
//! nothing that names the voter or says when it was cast; the receipt is shown to the
//! voter alone (not derived from the credential, which whoever printed the slips holds). At
//! close the [`Bulletin`] lists the roll, every ballot sorted by tracker and the totals, and
//! its hash is chained to the previous round's: a voter finds their ballot in it by their
//! receipt, and anyone recounts it ([`Bulletin::verify`]) without trusting the platform.
//!
//! The grades are the 支委会's decision, "不唯票数": the totals stand beside it, and
//! [`check_decision`] holds it to the one rule with a number, 优秀 at most a fraction of the
//! full members (rule data). 预备党员 vote but are not on the roll.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::rules::{Resolved, RuleError, RuleSet, keys};

/// 评议等次.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Grade {
    /// 优秀
    Excellent,
    /// 合格
    Qualified,
    /// 基本合格
    BasicallyQualified,
    /// 不合格
    Unqualified,
}

impl Grade {
    pub const ALL: [Grade; 4] = [
        Grade::Excellent,
        Grade::Qualified,
        Grade::BasicallyQualified,
        Grade::Unqualified,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Qualified => "合格",
            Grade::BasicallyQualified => "基本合格",
            Grade::Unqualified => "不合格",
        }
    }

    /// The letter a ballot's text writes for it.
    pub fn letter(self) -> char {
        match self {
            Grade::Excellent => 'A',
            Grade::Qualified => 'B',
            Grade::BasicallyQualified => 'C',
            Grade::Unqualified => 'D',
        }
    }

    pub fn from_letter(c: char) -> Option<Grade> {
        Grade::ALL.into_iter().find(|g| g.letter() == c)
    }

    /// By its label (优秀 …).
    pub fn parse(label: &str) -> Result<Grade, AppraisalError> {
        let label = label.trim();
        Grade::ALL
            .into_iter()
            .find(|g| g.label() == label)
            .ok_or_else(|| AppraisalError::UnknownGrade(label.to_owned()))
    }

    fn index(self) -> usize {
        match self {
            Grade::Excellent => 0,
            Grade::Qualified => 1,
            Grade::BasicallyQualified => 2,
            Grade::Unqualified => 3,
        }
    }
}

/// What a ballot, a bulletin or a decision can be wrong about.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppraisalError {
    #[error("凭证应为凭证条上的16位字母和数字")]
    BadCredential,
    #[error("“{0}”不是评议等次（优秀、合格、基本合格、不合格）")]
    UnknownGrade(String),
    #[error("选票应对 {roll} 名党员逐一评议，这张选票有 {got} 项")]
    BallotLength { roll: usize, got: usize },
    #[error("选票中第 {0} 项不是等次（A 优秀、B 合格、C 基本合格、D 不合格、- 弃权）")]
    BallotMark(usize),
    #[error("追踪码 {0} 重复：每张凭证只能投一票")]
    DuplicateTracker(String),
    #[error("已投票数 {cast} 超过应投票人数 {eligible}")]
    MoreBallotsThanVoters { cast: usize, eligible: usize },
    #[error("公告第 {line} 行：{reason}")]
    Bulletin { line: usize, reason: String },
    #[error("公告所列合计与按选票重新计票的结果不符（第 {0} 名党员）")]
    TotalsDiffer(usize),
    #[error("组织评定应对 {roll} 名正式党员各定一个等次，现有 {got} 个")]
    DecisionLength { roll: usize, got: usize },
    #[error(
        "评为优秀的 {excellent} 名超过了正式党员 {full} 名的 1/{denominator}（至多 {limit} 名）"
    )]
    TooManyExcellent {
        excellent: usize,
        full: usize,
        denominator: i64,
        limit: usize,
    },
}

/// One ballot: for each member of the roll, by position, a grade or none (弃权).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    marks: Vec<Option<Grade>>,
}

impl Ballot {
    /// A ballot over a roll of `roll` members.
    pub fn new(roll: usize, marks: Vec<Option<Grade>>) -> Result<Ballot, AppraisalError> {
        if marks.len() != roll {
            return Err(AppraisalError::BallotLength {
                roll,
                got: marks.len(),
            });
        }
        Ok(Ballot { marks })
    }

    pub fn marks(&self) -> &[Option<Grade>] {
        &self.marks
    }

    /// The ballot's text: one letter per member of the roll, `-` for 弃权 (`AB-D`).
    pub fn text(&self) -> String {
        self.marks
            .iter()
            .map(|m| m.map_or('-', Grade::letter))
            .collect()
    }

    /// A ballot from its text, over a roll of `roll` members.
    pub fn parse(text: &str, roll: usize) -> Result<Ballot, AppraisalError> {
        let marks = text
            .chars()
            .enumerate()
            .map(|(i, c)| match c {
                '-' => Ok(None),
                c => Grade::from_letter(c)
                    .map(Some)
                    .ok_or(AppraisalError::BallotMark(i + 1)),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ballot::new(roll, marks)
    }
}

/// 评议凭证: what a voter types to cast a ballot. 80 random bits, written as 16 letters and
/// digits of Crockford's base 32 in four groups (`7K2M-9QXD-…`): short enough to type from a
/// printed slip, far too many to guess. It exists only on the slip; the database keeps
/// [`Credential::digest`] under the round's salt.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential(String);

/// Crockford's base 32: no I, L, O or U, so a slip cannot be misread.
const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Credential {
    /// The number of random bytes in a credential.
    pub const BYTES: usize = 10;

    /// From fresh random bytes (the caller draws them from the operating system).
    pub fn from_random(bytes: [u8; Credential::BYTES]) -> Credential {
        let mut bits: u128 = 0;
        for b in bytes {
            bits = (bits << 8) | u128::from(b);
        }
        let s = (0..16)
            .rev()
            .map(|i| CROCKFORD[((bits >> (i * 5)) & 31) as usize] as char)
            .collect();
        Credential(s)
    }

    /// What a voter typed: case, spaces and dashes do not matter, and I/L read as 1, O as 0.
    pub fn parse(typed: &str) -> Result<Credential, AppraisalError> {
        let mut s = String::with_capacity(16);
        for c in typed.chars() {
            let c = match c.to_ascii_uppercase() {
                ' ' | '-' | '\u{3000}' => continue,
                'I' | 'L' => '1',
                'O' => '0',
                c => c,
            };
            if !c.is_ascii() || !CROCKFORD.contains(&(c as u8)) || s.len() >= 16 {
                return Err(AppraisalError::BadCredential);
            }
            s.push(c);
        }
        if s.len() != 16 {
            return Err(AppraisalError::BadCredential);
        }
        Ok(Credential(s))
    }

    /// As printed on a slip: four groups of four.
    pub fn grouped(&self) -> String {
        let b = self.0.as_bytes();
        b.chunks(4)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// What the database keeps: SHA-256 of the round's random salt and the credential. With
    /// 80 random bits behind it, nobody can find the credential from it.
    pub fn digest(&self, salt: &str) -> String {
        let mut h = Sha256::new();
        h.update(b"liangxin credential v1\n");
        h.update(salt.as_bytes());
        h.update(b"\n");
        h.update(self.0.as_bytes());
        hex(&h.finalize())
    }
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(…)")
    }
}

/// A ballot's tracker: SHA-256 of a secret and the ballot's text, in hex. The secret is the
/// receipt drawn at cast and shown to the voter alone: without it nobody can tell whose
/// ballot it is; with it, the voter finds their ballot in the bulletin.
pub fn tracker(secret: &Credential, ballot: &Ballot) -> String {
    let mut h = Sha256::new();
    h.update(b"liangxin ballot v1\n");
    h.update(secret.0.as_bytes());
    h.update(b"\n");
    h.update(ballot.text().as_bytes());
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Per member of the roll: how many ballots gave each grade, and how many abstained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// By [`Grade::ALL`]'s order: 优秀, 合格, 基本合格, 不合格.
    pub grades: [u32; 4],
    pub abstained: u32,
}

impl Totals {
    pub fn of(&self, grade: Grade) -> u32 {
        self.grades[grade.index()]
    }
}

/// Counts the ballots, per member of a roll of `roll`.
pub fn tally(roll: usize, ballots: &[Ballot]) -> Vec<Totals> {
    let mut totals = vec![Totals::default(); roll];
    for b in ballots {
        for (t, m) in totals.iter_mut().zip(&b.marks) {
            match m {
                Some(g) => t.grades[g.index()] += 1,
                None => t.abstained += 1,
            }
        }
    }
    totals
}

/// What a round publishes at close (唱票结果公告): the roll, every ballot under its tracker in
/// tracker order, and the totals, chained to the previous round by its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bulletin {
    /// The round's name (`中共某支部 2026年度民主评议党员`).
    pub round: String,
    /// The previous round's bulletin hash, if any.
    pub previous: Option<String>,
    /// How many credentials were issued.
    pub eligible: usize,
    /// The members graded, in the ballots' order.
    pub roll: Vec<String>,
    /// (tracker, ballot), sorted by tracker.
    pub ballots: Vec<(String, Ballot)>,
    pub totals: Vec<Totals>,
}

const HEADING: &str = "民主评议党员 唱票结果公告 v1";

impl Bulletin {
    /// Closes a round: sorts its ballots by tracker (the order they were cast in is not
    /// kept anywhere) and counts them.
    pub fn close(
        round: &str,
        previous: Option<String>,
        eligible: usize,
        roll: Vec<String>,
        mut ballots: Vec<(String, Ballot)>,
    ) -> Result<Bulletin, AppraisalError> {
        if ballots.len() > eligible {
            return Err(AppraisalError::MoreBallotsThanVoters {
                cast: ballots.len(),
                eligible,
            });
        }
        for (_, b) in &ballots {
            if b.marks.len() != roll.len() {
                return Err(AppraisalError::BallotLength {
                    roll: roll.len(),
                    got: b.marks.len(),
                });
            }
        }
        ballots.sort_by(|a, b| a.0.cmp(&b.0));
        if let Some(w) = ballots.windows(2).find(|w| w[0].0 == w[1].0) {
            return Err(AppraisalError::DuplicateTracker(w[0].0.clone()));
        }
        let plain: Vec<Ballot> = ballots.iter().map(|(_, b)| b.clone()).collect();
        Ok(Bulletin {
            round: round.to_owned(),
            previous,
            eligible,
            totals: tally(roll.len(), &plain),
            roll,
            ballots,
        })
    }

    /// The bulletin as published: plain UTF-8 lines, the same bytes for the same round.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{HEADING}");
        let _ = writeln!(s, "评议\t{}", one_line(&self.round));
        let _ = writeln!(
            s,
            "上一轮公告\t{}",
            self.previous.as_deref().unwrap_or("无")
        );
        let _ = writeln!(s, "发出凭证\t{}", self.eligible);
        let _ = writeln!(s, "收回选票\t{}", self.ballots.len());
        let _ = writeln!(s, "被评议党员\t{}", self.roll.len());
        for (i, name) in self.roll.iter().enumerate() {
            let _ = writeln!(s, "{}\t{}", i + 1, one_line(name));
        }
        let _ = writeln!(s, "选票（按追踪码排序）");
        for (t, b) in &self.ballots {
            let _ = writeln!(s, "{t}\t{}", b.text());
        }
        let _ = writeln!(s, "合计（优秀 合格 基本合格 不合格 弃权）");
        for (i, t) in self.totals.iter().enumerate() {
            let [a, b, c, d] = t.grades;
            let _ = writeln!(s, "{}\t{a}\t{b}\t{c}\t{d}\t{}", i + 1, t.abstained);
        }
        s
    }

    /// SHA-256 of [`Bulletin::text`], in hex: what the next round chains to.
    pub fn hash(&self) -> String {
        hex(&Sha256::digest(self.text().as_bytes()))
    }

    /// Whether this round is chained to `previous`.
    pub fn follows(&self, previous: &Bulletin) -> bool {
        self.previous.as_deref() == Some(previous.hash().as_str())
    }

    /// Reads a published bulletin and recounts it: the trackers in strict order, each
    /// ballot well formed, no more ballots than credentials, and the stated totals equal to
    /// a count of the ballots. The recounted bulletin is returned (its text is the input's).
    pub fn verify(text: &str) -> Result<Bulletin, AppraisalError> {
        let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
        let mut next = |what: &str| {
            lines.next().ok_or_else(|| AppraisalError::Bulletin {
                line: 0,
                reason: format!("公告不完整，缺少{what}"),
            })
        };
        let bad = |line: usize, reason: &str| AppraisalError::Bulletin {
            line,
            reason: reason.to_owned(),
        };
        let (n, heading) = next("标题")?;
        if heading != HEADING {
            return Err(bad(n, "不是本格式的唱票结果公告"));
        }
        let mut field = |name: &str| -> Result<(usize, String), AppraisalError> {
            let (n, l) = next(name)?;
            l.strip_prefix(name)
                .and_then(|r| r.strip_prefix('\t'))
                .map(|v| (n, v.to_owned()))
                .ok_or_else(|| bad(n, &format!("应为“{name}”")))
        };
        let number =
            |(n, v): (usize, String)| v.parse::<usize>().map_err(|_| bad(n, "应为非负整数"));
        let round = field("评议")?.1;
        let previous = match field("上一轮公告")? {
            (_, v) if v == "无" => None,
            (_, v) if is_hash(&v) => Some(v),
            (n, _) => return Err(bad(n, "上一轮公告的哈希应为64位十六进制")),
        };
        let eligible = number(field("发出凭证")?)?;
        let cast = number(field("收回选票")?)?;
        let roll_len = number(field("被评议党员")?)?;
        let mut roll = Vec::with_capacity(roll_len.min(10_000));
        for i in 1..=roll_len {
            let (n, l) = next("被评议党员名单")?;
            let name = l
                .strip_prefix(&format!("{i}\t"))
                .ok_or_else(|| bad(n, &format!("应为第 {i} 名被评议党员")))?;
            roll.push(name.to_owned());
        }
        let (n, l) = next("选票")?;
        if l != "选票（按追踪码排序）" {
            return Err(bad(n, "应为“选票（按追踪码排序）”"));
        }
        let mut ballots: Vec<(String, Ballot)> = Vec::with_capacity(cast.min(100_000));
        for _ in 0..cast {
            let (n, l) = next("选票")?;
            let (t, b) = l
                .split_once('\t')
                .ok_or_else(|| bad(n, "应为“追踪码<Tab>选票”"))?;
            if !is_hash(t) {
                return Err(bad(n, "追踪码应为64位十六进制"));
            }
            if let Some((last, _)) = ballots.last()
                && last.as_str() >= t
            {
                return Err(bad(n, "追踪码未按顺序排列或有重复"));
            }
            let ballot = Ballot::parse(b, roll_len).map_err(|e| bad(n, &e.to_string()))?;
            ballots.push((t.to_owned(), ballot));
        }
        let (n, l) = next("合计")?;
        if l != "合计（优秀 合格 基本合格 不合格 弃权）" {
            return Err(bad(n, "应为“合计（优秀 合格 基本合格 不合格 弃权）”"));
        }
        let mut stated = Vec::with_capacity(roll_len.min(10_000));
        for i in 1..=roll_len {
            let (n, l) = next("合计")?;
            let cells: Vec<&str> = l.split('\t').collect();
            let counts: Option<Vec<u32>> = cells.iter().skip(1).map(|c| c.parse().ok()).collect();
            match (cells.first(), counts.as_deref()) {
                (Some(k), Some(&[a, b, c, d, e])) if *k == i.to_string() => stated.push(Totals {
                    grades: [a, b, c, d],
                    abstained: e,
                }),
                _ => return Err(bad(n, &format!("应为第 {i} 名党员的五个合计"))),
            }
        }
        if let Some((n, _)) = lines.find(|(_, l)| !l.is_empty()) {
            return Err(bad(n, "合计之后不应再有内容"));
        }
        let recounted = Bulletin::close(&round, previous, eligible, roll, ballots)?;
        if let Some(i) = (0..roll_len).find(|&i| recounted.totals[i] != stated[i]) {
            return Err(AppraisalError::TotalsDiffer(i + 1));
        }
        Ok(recounted)
    }
}

/// Names and titles are written on one line of the bulletin.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r', '\t'], " ")
}

fn is_hash(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The appraisal's rules in force on a day.
#[derive(Debug, Clone)]
pub struct AppraisalRules {
    /// 优秀 at most 1/this of the full members.
    pub excellent_denominator: Resolved,
    /// 限期改正: the months a member graded 不合格 is given.
    pub correction_months: Resolved,
}

impl AppraisalRules {
    pub fn resolve(set: &RuleSet, as_of: chrono::NaiveDate) -> Result<Self, RuleError> {
        let positive = |key: &'static str, max: i64| {
            set.in_force(key, as_of).and_then(|p| {
                if (1..=max).contains(&p.value) {
                    Ok(Resolved {
                        value: p.value,
                        rule: std::sync::Arc::new(p.rule_ref()),
                    })
                } else {
                    Err(RuleError::OutOfRange {
                        key: p.key.clone(),
                        value: p.value,
                        reason: "应为正整数且不过大",
                    })
                }
            })
        };
        Ok(AppraisalRules {
            excellent_denominator: positive(keys::APPRAISAL_EXCELLENT_DENOMINATOR, 100)?,
            correction_months: positive(keys::APPRAISAL_CORRECTION_MONTHS, 24)?,
        })
    }

    /// How many of `full` members may be graded 优秀.
    pub fn excellent_limit(&self, full: usize) -> usize {
        full / usize::try_from(self.excellent_denominator.value).unwrap_or(1)
    }
}

/// 不合格党员处置: what a case starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionSource {
    /// 民主评议 graded 不合格 by the 支委会.
    Appraisal,
    /// 连续6个月未参加组织生活或未交纳党费 (the audit's finding).
    SixMonth,
}

impl CorrectionSource {
    pub const fn code(self) -> &'static str {
        match self {
            CorrectionSource::Appraisal => "appraisal",
            CorrectionSource::SixMonth => "six_month",
        }
    }

    pub fn parse(code: &str) -> Option<CorrectionSource> {
        [CorrectionSource::Appraisal, CorrectionSource::SixMonth]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            CorrectionSource::Appraisal => "民主评议评定为不合格",
            CorrectionSource::SixMonth => "连续6个月未参加组织生活或未交纳党费",
        }
    }
}

/// How a 限期改正 ends (党章 第九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrectionOutcome {
    /// 经教育已改正
    Corrected,
    /// 劝退: the member leaves by the 支部党员大会's decision, approved above.
    PersuadedOut,
    /// 除名: one who does not correct and will not leave.
    Removed,
}

impl CorrectionOutcome {
    pub const fn code(self) -> &'static str {
        match self {
            CorrectionOutcome::Corrected => "corrected",
            CorrectionOutcome::PersuadedOut => "persuaded_out",
            CorrectionOutcome::Removed => "removed",
        }
    }

    pub fn parse(code: &str) -> Option<CorrectionOutcome> {
        [
            CorrectionOutcome::Corrected,
            CorrectionOutcome::PersuadedOut,
            CorrectionOutcome::Removed,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }

    pub const fn label(self) -> &'static str {
        match self {
            CorrectionOutcome::Corrected => "已改正",
            CorrectionOutcome::PersuadedOut => "劝退",
            CorrectionOutcome::Removed => "除名",
        }
    }

    /// Whether it ends the member's record (党员减少), with the 支部党员大会's decision and
    /// the higher committee's approval.
    pub const fn ends_membership(self) -> bool {
        !matches!(self, CorrectionOutcome::Corrected)
    }
}

/// Checks the 支委会's 组织评定: one grade per member of the roll (the full members), 优秀 at
/// most [`AppraisalRules::excellent_limit`]. Any grade may stand against the totals: the
/// decision is the committee's, with the totals beside it.
pub fn check_decision(
    rules: &AppraisalRules,
    grades: &[Grade],
    roll: usize,
) -> Result<(), AppraisalError> {
    if grades.len() != roll {
        return Err(AppraisalError::DecisionLength {
            roll,
            got: grades.len(),
        });
    }
    let excellent = grades.iter().filter(|g| **g == Grade::Excellent).count();
    let limit = rules.excellent_limit(roll);
    if excellent > limit {
        return Err(AppraisalError::TooManyExcellent {
            excellent,
            full: roll,
            denominator: rules.excellent_denominator.value,
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    /// A credential drawn from a seed, so a test can name it.
    fn c(seed: &str) -> Credential {
        let d = Sha256::digest(seed.as_bytes());
        Credential::from_random(d[..Credential::BYTES].try_into().unwrap())
    }

    #[test]
    fn a_credential_is_read_as_typed_from_its_slip() {
        let k = Credential::from_random([0xff; Credential::BYTES]);
        assert_eq!(k.grouped(), "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
        let k = c("slip");
        let typed = k.grouped().to_lowercase().replace('-', " ");
        assert_eq!(Credential::parse(&typed).unwrap(), k);
        assert_eq!(
            Credential::parse("0000-0000-0000-000O").unwrap(),
            Credential::parse("OOOO 0000 0000 0000").unwrap(),
            "O is read as 0"
        );
        for bad in [
            "",
            "ABCD-EFGH-JKMN",
            "ABCD-EFGH-JKMN-PQRSX",
            "ABCD-EFGH-JKMN-PQRU",
            "党员",
        ] {
            assert_eq!(
                Credential::parse(bad),
                Err(AppraisalError::BadCredential),
                "{bad}"
            );
        }
        // The stored digest depends on the round's salt: the same slip in two rounds differs.
        assert_ne!(k.digest("a"), k.digest("b"));
        assert_eq!(k.digest("a").len(), 64);
        assert_eq!(format!("{k:?}"), "Credential(…)", "never in a log");
    }

    fn ballot(text: &str, roll: usize) -> Ballot {
        Ballot::parse(text, roll).unwrap()
    }

    fn round(roll: &[&str], votes: &[(&str, &str)]) -> Bulletin {
        let ballots = votes
            .iter()
            .map(|(credential, text)| {
                let b = ballot(text, roll.len());
                (tracker(&c(credential), &b), b)
            })
            .collect();
        Bulletin::close(
            "中共某公司支部 2026年度民主评议党员",
            None,
            votes.len() + 1,
            roll.iter().map(|s| (*s).to_owned()).collect(),
            ballots,
        )
        .unwrap()
    }

    #[test]
    fn a_ballot_grades_each_member_of_the_roll_or_abstains() {
        let b = ballot("AB-D", 4);
        assert_eq!(
            b.marks(),
            [
                Some(Grade::Excellent),
                Some(Grade::Qualified),
                None,
                Some(Grade::Unqualified)
            ]
        );
        assert_eq!(b.text(), "AB-D");
        assert_eq!(
            Ballot::parse("AB", 3),
            Err(AppraisalError::BallotLength { roll: 3, got: 2 })
        );
        assert_eq!(Ballot::parse("AXB", 3), Err(AppraisalError::BallotMark(2)));
        assert_eq!(Grade::parse("基本合格"), Ok(Grade::BasicallyQualified));
        assert!(Grade::parse("良好").is_err());
    }

    #[test]
    fn the_tracker_depends_on_the_credential_and_the_ballot() {
        let b = ballot("AB", 2);
        let t = tracker(&c("K7Q2-9XHM"), &b);
        assert_eq!(t.len(), 64);
        assert_eq!(t, tracker(&c("K7Q2-9XHM"), &b), "the voter finds it again");
        assert_ne!(t, tracker(&c("K7Q2-9XHN"), &b));
        assert_ne!(t, tracker(&c("K7Q2-9XHM"), &ballot("BA", 2)));
    }

    #[test]
    fn a_bulletin_lists_ballots_by_tracker_and_counts_them() {
        let b = round(
            &["张三", "李四", "王五"],
            &[("c1", "ABB"), ("c2", "BBD"), ("c3", "A-B")],
        );
        let trackers: Vec<&str> = b.ballots.iter().map(|(t, _)| t.as_str()).collect();
        let mut sorted = trackers.clone();
        sorted.sort_unstable();
        assert_eq!(trackers, sorted, "tracker order, not the order cast");
        assert_eq!(b.totals[0].of(Grade::Excellent), 2);
        assert_eq!(b.totals[0].of(Grade::Qualified), 1);
        assert_eq!(b.totals[1].abstained, 1);
        assert_eq!(b.totals[2].of(Grade::Unqualified), 1);
        // Anyone recounts the published text and gets the same bulletin and hash.
        let again = Bulletin::verify(&b.text()).unwrap();
        assert_eq!(again, b);
        assert_eq!(again.hash(), b.hash());
    }

    #[test]
    fn a_bulletin_whose_totals_were_changed_fails_the_recount() {
        let b = round(&["张三", "李四"], &[("c1", "AB"), ("c2", "BB")]);
        let forged = b.text().replace("1\t1\t1\t0\t0\t0", "1\t2\t0\t0\t0\t0");
        assert_ne!(forged, b.text());
        assert_eq!(
            Bulletin::verify(&forged),
            Err(AppraisalError::TotalsDiffer(1))
        );
        // A ballot changed after the fact no longer matches the totals either.
        let (t, _) = &b.ballots[0];
        let line = format!("{t}\t{}", b.ballots[0].1.text());
        let swapped = b.text().replace(&line, &format!("{t}\tDD"));
        assert!(Bulletin::verify(&swapped).is_err());
        // Nor does a ballot added, or one tracker twice.
        let added = b.text().replace("收回选票\t2", "收回选票\t3");
        assert!(Bulletin::verify(&added).is_err());
    }

    #[test]
    fn one_credential_one_ballot_and_no_more_ballots_than_credentials() {
        let b = ballot("A", 1);
        let t = tracker(&c("c1"), &b);
        assert_eq!(
            Bulletin::close(
                "r",
                None,
                5,
                vec!["张三".into()],
                vec![(t.clone(), b.clone()), (t.clone(), b.clone())]
            ),
            Err(AppraisalError::DuplicateTracker(t.clone()))
        );
        assert_eq!(
            Bulletin::close("r", None, 0, vec!["张三".into()], vec![(t, b)]),
            Err(AppraisalError::MoreBallotsThanVoters {
                cast: 1,
                eligible: 0
            })
        );
    }

    #[test]
    fn rounds_are_chained_by_their_bulletins_hash() {
        let first = round(&["张三"], &[("c1", "A")]);
        let b = ballot("B", 1);
        let second = Bulletin::close(
            "2027年度",
            Some(first.hash()),
            1,
            vec!["张三".into()],
            vec![(tracker(&c("c9"), &b), b)],
        )
        .unwrap();
        assert!(second.follows(&first));
        assert!(!first.follows(&second));
        assert!(Bulletin::verify(&second.text()).unwrap().follows(&first));
    }

    fn rules(denominator: i64) -> AppraisalRules {
        let mut set = RuleSet::defaults();
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let base = AppraisalRules::resolve(&set, day).unwrap();
        assert_eq!(
            base.excellent_denominator.value, 3,
            "the default is one third"
        );
        let mut params = set.params().to_vec();
        let first = params
            .iter()
            .find(|p| p.key == keys::APPRAISAL_EXCELLENT_DENOMINATOR)
            .unwrap()
            .clone();
        params.push(crate::rules::RuleParam {
            version: first.version + 1,
            value: denominator,
            effective_from: day,
            ..first
        });
        set = RuleSet::new(params);
        AppraisalRules::resolve(&set, day).unwrap()
    }

    #[test]
    fn the_committee_grades_at_most_a_third_excellent() {
        use Grade::*;
        let r = rules(3);
        assert_eq!(r.excellent_limit(7), 2);
        assert_eq!(r.excellent_limit(2), 0, "two full members: none 优秀");
        assert!(
            check_decision(
                &r,
                &[
                    Excellent,
                    Excellent,
                    Qualified,
                    Qualified,
                    Qualified,
                    Qualified,
                    Unqualified
                ],
                7
            )
            .is_ok()
        );
        assert_eq!(
            check_decision(
                &r,
                &[
                    Excellent, Excellent, Excellent, Qualified, Qualified, Qualified, Qualified
                ],
                7
            ),
            Err(AppraisalError::TooManyExcellent {
                excellent: 3,
                full: 7,
                denominator: 3,
                limit: 2
            })
        );
        assert!(matches!(
            check_decision(&r, &[Qualified], 2),
            Err(AppraisalError::DecisionLength { roll: 2, got: 1 })
        ));
        // The fraction is rule data: a later version of it is what counts.
        let quarter = rules(4);
        assert_eq!(quarter.excellent_limit(7), 1);
        assert_eq!(
            quarter.excellent_denominator.rule.key,
            keys::APPRAISAL_EXCELLENT_DENOMINATOR
        );
    }

    proptest! {
        /// Whatever the ballots, the published text recounts to the same totals, and the
        /// totals account for every ballot once per member of the roll.
        #[test]
        fn any_round_recounts_from_its_bulletin(
            roll in 1usize..6,
            votes in proptest::collection::vec(proptest::collection::vec(0u8..5, 6), 0..40),
        ) {
            let names: Vec<String> = (0..roll).map(|i| format!("党员{i}")).collect();
            let ballots: Vec<(String, Ballot)> = votes
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let marks = v[..roll]
                        .iter()
                        .map(|m| Grade::ALL.get(usize::from(*m)).copied())
                        .collect();
                    let b = Ballot::new(roll, marks).unwrap();
                    (tracker(&c(&format!("credential-{i}")), &b), b)
                })
                .collect();
            let n = ballots.len();
            let b = Bulletin::close("r", None, n, names, ballots).unwrap();
            let again = Bulletin::verify(&b.text()).unwrap();
            prop_assert_eq!(&again, &b);
            for t in &b.totals {
                prop_assert_eq!(t.grades.iter().sum::<u32>() + t.abstained, n as u32);
            }
        }
    }
}
