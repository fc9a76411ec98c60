//! 统一社会信用代码 (unified social credit code), as defined by GB 32100-2015.
//!
//! The code has 18 characters drawn from `0123456789ABCDEFGHJKLMNPQRTUWXY`
//! (31 characters: no I, O, S, V or Z):
//!
//! | positions (1-based) | meaning                                              |
//! |---------------------|------------------------------------------------------|
//! | 1                   | 登记管理部门代码: registration authority (`5` = 民政) |
//! | 2                   | 机构类别代码: institution category                    |
//! | 3–8                 | 登记管理机关行政区划码: GB/T 2260 region              |
//! | 9–17                | 主体标识码: organization code (GB 11714)              |
//! | 18                  | 校验码: check character                               |
//!
//! A wrong check character is *not* a parse error: some codes issued during the
//! early pilots fail the check yet are real. [`CreditCode::parse`] accepts them
//! and sets [`ParsedCreditCode::check_failed`] so the caller can warn without
//! blocking.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// The 31 characters allowed in a credit code, in value order.
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of the first 17 characters in the check-character computation.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a credit code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum CreditCodeError {
    /// Nothing but whitespace was given.
    #[error("不能为空")]
    Empty,
    /// A number a spreadsheet rounded (`9.13308E+17`): its last characters are gone.
    #[error("{}", crate::cells::ROUNDED_NUMBER)]
    RoundedNumber,
    /// Wrong number of characters.
    #[error("长度错误：应为 {expected} 位，实际为 {actual} 位")]
    WrongLength {
        /// Characters required (18 for a full code, 17 for [`CreditCode::from_parts`]).
        expected: usize,
        /// Characters given, after trimming.
        actual: usize,
    },
    /// A character outside the code's character set.
    #[error("第 {position} 位字符“{character}”无效：只能是数字或除 I、O、S、V、Z 以外的大写字母")]
    InvalidCharacter {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character (after normalization to half-width upper case).
        character: char,
    },
}

/// Subtypes of social organizations registered by civil affairs (民政, first character `5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum SocialOrgSubtype {
    /// 社会团体 (category `1`).
    SocialGroup,
    /// 民办非企业单位 (category `2`), since 2016 also called 社会服务机构.
    PrivateNonEnterprise,
    /// 基金会 (category `3`).
    Foundation,
}

impl SocialOrgSubtype {
    /// The Chinese name: "社会团体", "民办非企业单位" or "基金会".
    pub fn label(self) -> &'static str {
        match self {
            Self::SocialGroup => "社会团体",
            Self::PrivateNonEnterprise => "民办非企业单位",
            Self::Foundation => "基金会",
        }
    }
}

impl fmt::Display for SocialOrgSubtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A structurally valid 统一社会信用代码: 18 characters from [`CHARSET`].
///
/// The check character is *not* guaranteed to be right; see
/// [`check_character_matches`](Self::check_character_matches).
/// Serializes as its string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

/// The result of [`CreditCode::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParsedCreditCode {
    /// The normalized code.
    pub code: CreditCode,
    /// The 18th character does not match the computed check character (校验码不符).
    /// Warn the user, but do not reject: early pilot codes fail this check.
    pub check_failed: bool,
}

/// Value (0–30) of a character in [`CHARSET`].
fn value_of(c: char) -> Option<u32> {
    CHARSET.find(c).and_then(|i| u32::try_from(i).ok())
}

/// Computes the check character for the first 17 characters of a code.
///
/// Returns `None` unless `first17` is exactly 17 characters, all from [`CHARSET`]
/// (upper case, half-width; no normalization is done here).
pub fn check_character(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut count = 0usize;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value_of(c)? * w;
        count += 1;
    }
    if count != 17 || first17.chars().count() != 17 {
        return None;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.chars().nth(check as usize)
}

/// Trims, converts full-width ASCII forms to half-width and upper-cases.
fn normalize(input: &str) -> Vec<char> {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Checks length and character set of normalized input.
fn validate(chars: &[char], expected: usize) -> Result<String, CreditCodeError> {
    if chars.is_empty() {
        return Err(CreditCodeError::Empty);
    }
    if chars.len() != expected {
        return Err(CreditCodeError::WrongLength {
            expected,
            actual: chars.len(),
        });
    }
    if let Some((i, &c)) = chars
        .iter()
        .enumerate()
        .find(|(_, c)| value_of(**c).is_none())
    {
        return Err(CreditCodeError::InvalidCharacter {
            position: i + 1,
            character: c,
        });
    }
    Ok(chars.iter().collect())
}

impl CreditCode {
    /// Parses a 统一社会信用代码.
    ///
    /// Surrounding whitespace is trimmed, full-width characters are converted to
    /// half-width and letters are upper-cased. A wrong check character only sets
    /// [`ParsedCreditCode::check_failed`].
    pub fn parse(input: &str) -> Result<ParsedCreditCode, CreditCodeError> {
        if crate::cells::is_rounded_number(input) {
            return Err(CreditCodeError::RoundedNumber);
        }
        let s = validate(&normalize(input), 18)?;
        let code = CreditCode(s);
        let check_failed = !code.check_character_matches();
        Ok(ParsedCreditCode { code, check_failed })
    }

    /// Builds a code from its first 17 characters by appending the correct check
    /// character. The input is normalized like [`parse`](Self::parse).
    /// Used by the demo data generator.
    pub fn from_parts(first17: &str) -> Result<CreditCode, CreditCodeError> {
        let mut s = validate(&normalize(first17), 17)?;
        // Validation guarantees a check character; '0' is an unreachable fallback.
        s.push(check_character(&s).unwrap_or('0'));
        Ok(CreditCode(s))
    }

    /// The code as an 18-character string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The check character the first 17 characters call for.
    pub fn expected_check_character(&self) -> char {
        self.0.get(0..17).and_then(check_character).unwrap_or('0')
    }

    /// Whether the 18th character equals the computed check character.
    pub fn check_character_matches(&self) -> bool {
        self.0.chars().nth(17) == Some(self.expected_check_character())
    }

    /// The registration authority code (登记管理部门代码), the 1st character,
    /// e.g. `'5'` for civil affairs (民政) or `'9'` for market regulation (工商).
    pub fn registration_authority(&self) -> char {
        self.0.chars().next().unwrap_or('0')
    }

    /// The institution category code (机构类别代码), the 2nd character.
    pub fn institution_category(&self) -> char {
        self.0.chars().nth(1).unwrap_or('0')
    }

    /// The region code of the registering authority (登记管理机关行政区划码), characters 3–8.
    pub fn region_code(&self) -> &str {
        self.0.get(2..8).unwrap_or_default()
    }

    /// The organization code (主体标识码 / 组织机构代码, GB 11714), characters 9–17.
    pub fn organization_code(&self) -> &str {
        self.0.get(8..17).unwrap_or_default()
    }

    /// For organizations registered by civil affairs (first character `5`), the
    /// kind of social organization given by the second character; otherwise `None`.
    pub fn social_org_subtype(&self) -> Option<SocialOrgSubtype> {
        if self.registration_authority() != '5' {
            return None;
        }
        match self.institution_category() {
            '1' => Some(SocialOrgSubtype::SocialGroup),
            '2' => Some(SocialOrgSubtype::PrivateNonEnterprise),
            '3' => Some(SocialOrgSubtype::Foundation),
            _ => None,
        }
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The example code printed in GB 32100-2015.
    const SAMPLE: &str = "91350100M000100Y43";

    #[test]
    fn parses_standard_example() {
        let p = CreditCode::parse(SAMPLE).unwrap();
        assert!(!p.check_failed);
        assert_eq!(p.code.as_str(), SAMPLE);
        assert_eq!(p.code.registration_authority(), '9');
        assert_eq!(p.code.institution_category(), '1');
        assert_eq!(p.code.region_code(), "350100");
        assert_eq!(p.code.organization_code(), "M000100Y4");
        assert_eq!(p.code.social_org_subtype(), None);
        assert_eq!(p.code.to_string(), SAMPLE);
    }

    #[test]
    fn check_character_examples() {
        assert_eq!(check_character("91350100M000100Y4"), Some('3'));
        assert_eq!(check_character("91110000600037341"), Some('L'));
        assert_eq!(check_character("9135010OM000100Y4"), None);
        assert_eq!(check_character("91350100M000100Y"), None);
        assert_eq!(check_character("91350100M000100Y43"), None);
        assert_eq!(check_character("91350100m000100Y4"), None);
    }

    #[test]
    fn normalizes_input() {
        let p = CreditCode::parse("  91350100m000100y43 ").unwrap();
        assert_eq!(p.code.as_str(), SAMPLE);
        let p = CreditCode::parse("９１３５０１００Ｍ０００１００ｙ４３").unwrap();
        assert_eq!(p.code.as_str(), SAMPLE);
        assert!(!p.check_failed);
    }

    #[test]
    fn wrong_check_is_a_flag_not_an_error() {
        let p = CreditCode::parse("91350100M000100Y44").unwrap();
        assert!(p.check_failed);
        assert_eq!(p.code.expected_check_character(), '3');
    }

    #[test]
    fn errors() {
        assert_eq!(CreditCode::parse(""), Err(CreditCodeError::Empty));
        assert_eq!(CreditCode::parse(" \u{3000} "), Err(CreditCodeError::Empty));
        assert_eq!(
            CreditCode::parse("91350100M000100Y4"),
            Err(CreditCodeError::WrongLength {
                expected: 18,
                actual: 17
            })
        );
        assert_eq!(
            CreditCode::parse("91350100M0001O0Y43"),
            Err(CreditCodeError::InvalidCharacter {
                position: 14,
                character: 'O'
            })
        );
        assert_eq!(
            CreditCode::parse("9135-100M000100Y43"),
            Err(CreditCodeError::InvalidCharacter {
                position: 5,
                character: '-'
            })
        );
        let msg = CreditCodeError::InvalidCharacter {
            position: 14,
            character: 'O',
        }
        .to_string();
        assert!(msg.contains("第 14 位"));
        assert!(msg.contains('O'));
    }

    #[test]
    fn social_org_subtypes() {
        let group = CreditCode::from_parts("51330800MJ8869761").unwrap();
        assert_eq!(group.as_str(), "51330800MJ8869761U");
        assert_eq!(
            group.social_org_subtype(),
            Some(SocialOrgSubtype::SocialGroup)
        );
        assert_eq!(group.social_org_subtype().unwrap().label(), "社会团体");
        let pne = CreditCode::from_parts("52330802MJ0000001").unwrap();
        assert_eq!(
            pne.social_org_subtype(),
            Some(SocialOrgSubtype::PrivateNonEnterprise)
        );
        assert_eq!(
            SocialOrgSubtype::PrivateNonEnterprise.label(),
            "民办非企业单位"
        );
        let foundation = CreditCode::from_parts("53100000500021676").unwrap();
        assert_eq!(
            foundation.social_org_subtype(),
            Some(SocialOrgSubtype::Foundation)
        );
        assert_eq!(SocialOrgSubtype::Foundation.to_string(), "基金会");
        let other = CreditCode::from_parts("59330800MJ0000001").unwrap();
        assert_eq!(other.social_org_subtype(), None);
    }

    #[test]
    fn from_parts_errors() {
        assert_eq!(
            CreditCode::from_parts(SAMPLE),
            Err(CreditCodeError::WrongLength {
                expected: 17,
                actual: 18
            })
        );
        assert!(matches!(
            CreditCode::from_parts("9135010IM000100Y4"),
            Err(CreditCodeError::InvalidCharacter { position: 8, .. })
        ));
    }

    fn arb_first17() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(CHARSET.chars().collect::<Vec<_>>()),
            17,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn generated_codes_pass(first17 in arb_first17()) {
            let code = CreditCode::from_parts(&first17).unwrap();
            let p = CreditCode::parse(code.as_str()).unwrap();
            prop_assert!(!p.check_failed);
            prop_assert_eq!(&p.code, &code);
            prop_assert_eq!(&code.as_str()[..17], first17.as_str());
        }

        #[test]
        fn single_change_is_detected(
            first17 in arb_first17(),
            pos in 0usize..18,
            shift in 1usize..31,
        ) {
            // Replace position `pos` by a different character of the charset.
            let charset: Vec<char> = CHARSET.chars().collect();
            let code = CreditCode::from_parts(&first17).unwrap();
            let mut chars: Vec<char> = code.as_str().chars().collect();
            let current = charset.iter().position(|c| *c == chars[pos]).unwrap();
            chars[pos] = charset[(current + shift) % 31];
            let changed: String = chars.into_iter().collect();
            if let Ok(p) = CreditCode::parse(&changed) {
                prop_assert!(p.check_failed);
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            if let Ok(p) = CreditCode::parse(&s) {
                let c = p.code;
                let _ = (c.organization_code(), c.social_org_subtype(), c.region_code());
            }
            let _ = CreditCode::from_parts(&s);
            let _ = check_character(&s);
        }

        #[test]
        fn code_like_strings_never_panic(s in "[0-9A-Za-z０-９Ａ-Ｚ ]{0,20}") {
            if let Ok(p) = CreditCode::parse(&s) {
                let _ = (p.code.registration_authority(), p.code.expected_check_character());
            }
        }
    }
}
