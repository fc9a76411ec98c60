//! 公民身份号码 (resident identity number), as defined by GB 11643-1999.
//!
//! An 18-character number is laid out as
//!
//! | positions (1-based) | meaning                                   |
//! |---------------------|-------------------------------------------|
//! | 1–6                 | 地址码: GB/T 2260 region of registration  |
//! | 7–14                | 出生日期码: birth date `YYYYMMDD`          |
//! | 15–17               | 顺序码: sequence; the 17th digit is odd for men |
//! | 18                  | 校验码: ISO 7064 MOD 11-2 check character  |
//!
//! Old 15-digit numbers (region + `YYMMDD` + sequence, issued before 1999) are
//! accepted and converted to the 18-character form with a
//! [`ResidentIdWarning::ConvertedFrom15`] warning.
//!
//! [`ResidentId`] can only be obtained by parsing or by [`ResidentId::from_parts`],
//! so holding one means the number is well formed. Its [`Display`](fmt::Display)
//! and [`Debug`] output show only the masked form (see [`ResidentId::masked`]), so a
//! full number never ends up in a log line by accident; call
//! [`ResidentId::expose`] where the full number is really needed.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use thiserror::Error;

/// Weights of the first 17 digits in the check-character computation.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters indexed by `weighted sum mod 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Earliest birth year accepted.
pub const MIN_BIRTH_YEAR: i32 = 1900;

/// A value produced by parsing, together with non-fatal warnings about the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Parsed<T> {
    /// The parsed value.
    pub value: T,
    /// Things the caller may want to tell the user about (the input was still accepted).
    pub warnings: Vec<ResidentIdWarning>,
}

/// A non-fatal remark produced while parsing a resident ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ResidentIdWarning {
    /// The input was an old 15-digit number (一代身份证号码) and was converted to 18 characters.
    ConvertedFrom15,
}

impl fmt::Display for ResidentIdWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ConvertedFrom15 => f.write_str("输入为 15 位旧号码，已自动转换为 18 位"),
        }
    }
}

/// Why a resident ID was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum ResidentIdError {
    /// Nothing but whitespace was given.
    #[error("不能为空")]
    Empty,
    /// A number a spreadsheet rounded (`3.30825E+17`): its last digits are gone.
    #[error("{}", crate::cells::ROUNDED_NUMBER)]
    RoundedNumber,
    /// Not 18 (or 15) characters long.
    #[error("长度错误：应为 18 位（或 15 位旧号码），实际为 {actual} 位")]
    WrongLength {
        /// Number of characters after trimming.
        actual: usize,
    },
    /// A character that is not a digit (or not `X` in the last position of an 18-character number).
    #[error("第 {position} 位字符“{character}”无效：只能是数字，18 位号码的末位可以是 X")]
    InvalidCharacter {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character as given.
        character: char,
    },
    /// The region code (地址码) starts with 0 or is not six digits.
    #[error("地址码无效：应为 6 位数字且首位不为 0")]
    InvalidRegion,
    /// The birth date (出生日期码) is not a real date, or is before 1900. The message
    /// says which part is wrong, never the digits: they are somebody's birth date.
    #[error("出生日期无效：{}", .part.reason())]
    InvalidBirthDate {
        /// Which part of the date is wrong.
        part: BirthDatePart,
    },
    /// The sequence number (顺序码) passed to [`ResidentId::from_parts`] exceeds 999.
    #[error("顺序码无效：应为 0–999，实际为 {sequence}")]
    InvalidSequence {
        /// The sequence given.
        sequence: u16,
    },
    /// The 18th character does not match the computed check character (校验码).
    #[error("校验码错误：末位应为 {expected}")]
    WrongCheckCharacter {
        /// The check character the first 17 digits call for.
        expected: char,
    },
}

/// The part of a birth date (出生日期码) that is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BirthDatePart {
    /// Not eight digits.
    Digits,
    /// Before [`MIN_BIRTH_YEAR`] (or after 9999).
    Year,
    /// Not 01–12.
    Month,
    /// The month has no such day.
    Day,
}

impl BirthDatePart {
    fn reason(self) -> &'static str {
        match self {
            Self::Digits => "出生日期码应为8位数字",
            Self::Year => "年份不在1900年以后",
            Self::Month => "月份不在01–12之间",
            Self::Day => "该月没有这一日",
        }
    }
}

/// Sex as encoded in the 17th digit of a resident ID (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Sex {
    /// 男
    Male,
    /// 女
    Female,
}

impl Sex {
    /// How the records keep it: `male` or `female`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }

    /// The sex a record keeps as [`Sex::code`].
    pub fn from_code(code: &str) -> Option<Sex> {
        [Self::Male, Self::Female]
            .into_iter()
            .find(|s| s.code() == code)
    }

    /// The Chinese label: "男" or "女".
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A validated 公民身份号码, always stored in its normalized 18-character form
/// (ASCII digits, upper-case `X` as the only possible letter, in the last position).
///
/// `Display` and `Debug` print the masked form; use [`expose`](Self::expose) for the full number.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId(String);

/// Computes the check character (校验码) for the first 17 digits, given as ASCII
/// bytes `b'0'..=b'9'`.
///
/// Bytes that are not ASCII digits give a meaningless result, but never panic.
pub fn check_character(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    // `sum % 11` is always < 11, so the lookup cannot fail; fall back anyway.
    CHECK_CHARS.get((sum % 11) as usize).copied().unwrap_or('1')
}

/// Maps full-width digits and `Ｘ`/`ｘ` to ASCII, and ASCII `x` to `X`.
fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')).unwrap_or(c),
        'Ｘ' | 'ｘ' | 'x' => 'X',
        _ => c,
    }
}

/// Checks that the 8 ASCII digits `YYYYMMDD` form a real date in or after [`MIN_BIRTH_YEAR`].
fn parse_birth(digits: &str) -> Result<NaiveDate, ResidentIdError> {
    let invalid = |part| ResidentIdError::InvalidBirthDate { part };
    let number = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .and_then(|s| s.parse::<u32>().ok())
            .ok_or(invalid(BirthDatePart::Digits))
    };
    let (year, month, day) = (number(0..4)?, number(4..6)?, number(6..8)?);
    let year = i32::try_from(year)
        .ok()
        .filter(|y| *y >= MIN_BIRTH_YEAR)
        .ok_or(invalid(BirthDatePart::Year))?;
    if !(1..=12).contains(&month) {
        return Err(invalid(BirthDatePart::Month));
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(invalid(BirthDatePart::Day))
}

/// Builds an 18-character ID from 17 validated ASCII digits by appending the check character.
fn with_check(first17: &str) -> ResidentId {
    let mut bytes = [0u8; 17];
    for (slot, b) in bytes.iter_mut().zip(first17.bytes()) {
        *slot = b;
    }
    let mut s = String::with_capacity(18);
    s.push_str(first17);
    s.push(check_character(&bytes));
    ResidentId(s)
}

impl ResidentId {
    /// Parses a 公民身份号码.
    ///
    /// Surrounding whitespace is trimmed; full-width digits and `Ｘ`/`ｘ` are
    /// converted to ASCII, and a lower-case `x` is accepted. An old 15-digit
    /// number is converted to 18 characters and reported with
    /// [`ResidentIdWarning::ConvertedFrom15`].
    pub fn parse(input: &str) -> Result<Parsed<ResidentId>, ResidentIdError> {
        if crate::cells::is_rounded_number(input) {
            return Err(ResidentIdError::RoundedNumber);
        }
        let chars: Vec<char> = input.trim().chars().map(normalize_char).collect();
        match chars.len() {
            0 => Err(ResidentIdError::Empty),
            18 => Self::parse18(&chars).map(|value| Parsed {
                value,
                warnings: Vec::new(),
            }),
            15 => Self::parse15(&chars).map(|value| Parsed {
                value,
                warnings: vec![ResidentIdWarning::ConvertedFrom15],
            }),
            actual => Err(ResidentIdError::WrongLength { actual }),
        }
    }

    /// Checks that `chars` (already normalized) are ASCII digits, except that the
    /// last one may be `X` when `x_last` is set.
    fn check_chars(chars: &[char], x_last: bool) -> Result<(), ResidentIdError> {
        let last = chars.len().saturating_sub(1);
        for (i, &c) in chars.iter().enumerate() {
            let ok = c.is_ascii_digit() || (x_last && i == last && c == 'X');
            if !ok {
                return Err(ResidentIdError::InvalidCharacter {
                    position: i + 1,
                    character: c,
                });
            }
        }
        if chars.first() == Some(&'0') {
            return Err(ResidentIdError::InvalidRegion);
        }
        Ok(())
    }

    fn parse18(chars: &[char]) -> Result<ResidentId, ResidentIdError> {
        Self::check_chars(chars, true)?;
        let s: String = chars.iter().collect();
        let birth_digits = s.get(6..14).unwrap_or_default();
        parse_birth(birth_digits)?;
        let first17 = s.get(0..17).unwrap_or_default();
        let expected = with_check(first17);
        if expected.0 != s {
            let expected = expected.0.chars().last().unwrap_or('1');
            return Err(ResidentIdError::WrongCheckCharacter { expected });
        }
        Ok(ResidentId(s))
    }

    fn parse15(chars: &[char]) -> Result<ResidentId, ResidentIdError> {
        Self::check_chars(chars, false)?;
        let s: String = chars.iter().collect();
        let region = s.get(0..6).unwrap_or_default();
        let yymmdd = s.get(6..12).unwrap_or_default();
        let sequence = s.get(12..15).unwrap_or_default();
        let birth_digits = format!("19{yymmdd}");
        parse_birth(&birth_digits)?;
        Ok(with_check(&format!("{region}{birth_digits}{sequence}")))
    }

    /// Builds a valid ID from its parts: a 6-digit region code (地址码, first digit 1–9),
    /// a birth date (year 1900–9999) and a sequence number 0–999 (顺序码; odd = male).
    /// The check character is computed. Used by the demo data generator.
    pub fn from_parts(
        region6: &str,
        birth: NaiveDate,
        sequence: u16,
    ) -> Result<ResidentId, ResidentIdError> {
        let region_ok = region6.len() == 6
            && region6.bytes().all(|b| b.is_ascii_digit())
            && !region6.starts_with('0');
        if !region_ok {
            return Err(ResidentIdError::InvalidRegion);
        }
        if !(MIN_BIRTH_YEAR..=9999).contains(&birth.year()) {
            return Err(ResidentIdError::InvalidBirthDate {
                part: BirthDatePart::Year,
            });
        }
        if sequence > 999 {
            return Err(ResidentIdError::InvalidSequence { sequence });
        }
        let birth_digits = birth.format("%Y%m%d").to_string();
        Ok(with_check(&format!("{region6}{birth_digits}{sequence:03}")))
    }

    /// The full 18-character number. Named `expose` so that call sites which
    /// reveal the whole number are easy to find; prefer [`masked`](Self::masked).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The birth date encoded in positions 7–14 (出生日期).
    pub fn birth_date(&self) -> NaiveDate {
        // Validated at construction; the fallback is unreachable.
        self.0
            .get(6..14)
            .and_then(|d| parse_birth(d).ok())
            .unwrap_or(NaiveDate::MIN)
    }

    /// The sex encoded in the 17th digit (性别): odd is male, even is female.
    pub fn sex(&self) -> Sex {
        match self.0.as_bytes().get(16) {
            Some(b) if b.wrapping_sub(b'0') % 2 == 1 => Sex::Male,
            _ => Sex::Female,
        }
    }

    /// The 6-digit region code (地址码) in positions 1–6.
    pub fn region_prefix(&self) -> &str {
        self.0.get(0..6).unwrap_or_default()
    }

    /// The masked form: the region code (地址码) and the check character, with the
    /// birth date and the sequence replaced by `*`, e.g. `330802***********X`.
    ///
    /// Why so little: with the sex and the 入党 date shown beside it (a member is at least
    /// 18 when admitted), the form must leave at least 10⁵ numbers it could be (a web test
    /// counts them from what the pages, the API and the exports show). Keeping the sequence or any part of the birth date would leave a
    /// few dozen, which anyone able to confirm an ID could try one by one.
    pub fn masked(&self) -> String {
        let head = self.0.get(0..6).unwrap_or_default();
        let tail = self.0.get(17..18).unwrap_or_default();
        format!("{head}***********{tail}")
    }
}

impl fmt::Display for ResidentId {
    /// Prints the masked form, never the full number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.masked())
    }
}

impl fmt::Debug for ResidentId {
    /// Prints the masked form, never the full number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResidentId").field(&self.masked()).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // A well-known valid sample number from GB 11643-1999 examples.
    const SAMPLE: &str = "11010519491231002X";

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parses_standard_example() {
        let p = ResidentId::parse(SAMPLE).unwrap();
        assert!(p.warnings.is_empty());
        let id = p.value;
        assert_eq!(id.expose(), SAMPLE);
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.sex().label(), "女");
        assert_eq!(id.region_prefix(), "110105");
    }

    #[test]
    fn check_character_of_known_numbers() {
        assert_eq!(check_character(b"11010519491231002"), 'X');
        assert_eq!(check_character(b"44052418800101001"), '4');
    }

    #[test]
    fn normalizes_whitespace_case_and_full_width() {
        let lower = ResidentId::parse("  11010519491231002x\t").unwrap().value;
        assert_eq!(lower.expose(), SAMPLE);
        let full = ResidentId::parse("\u{3000}１１０１０５１９４９１２３１００２Ｘ")
            .unwrap()
            .value;
        assert_eq!(full.expose(), SAMPLE);
        let full_lower = ResidentId::parse("１１０１０５１９４９１２３１００２ｘ").unwrap();
        assert_eq!(full_lower.value.expose(), SAMPLE);
    }

    #[test]
    fn masks_in_display_and_debug() {
        let id = ResidentId::parse(SAMPLE).unwrap().value;
        assert_eq!(id.masked(), "110105***********X");
        assert_eq!(id.to_string(), "110105***********X");
        let dbg = format!("{id:?}");
        assert!(dbg.contains("110105***********X"));
        assert!(!dbg.contains("19491231"));
        let parsed_dbg = format!("{:?}", ResidentId::parse(SAMPLE).unwrap());
        assert!(!parsed_dbg.contains("19491231"));
    }

    #[test]
    fn errors() {
        assert_eq!(ResidentId::parse("   "), Err(ResidentIdError::Empty));
        assert_eq!(
            ResidentId::parse("1101051949123100"),
            Err(ResidentIdError::WrongLength { actual: 16 })
        );
        assert_eq!(
            ResidentId::parse("1101051949123100X2"),
            Err(ResidentIdError::InvalidCharacter {
                position: 17,
                character: 'X'
            })
        );
        assert_eq!(
            ResidentId::parse("11010519491231002Y"),
            Err(ResidentIdError::InvalidCharacter {
                position: 18,
                character: 'Y'
            })
        );
        assert_eq!(
            ResidentId::parse("01010519491231002X"),
            Err(ResidentIdError::InvalidRegion)
        );
        assert!(matches!(
            ResidentId::parse("11010519490231002X"),
            Err(ResidentIdError::InvalidBirthDate { .. })
        ));
        assert!(matches!(
            ResidentId::parse("110105189912310020"),
            Err(ResidentIdError::InvalidBirthDate { .. })
        ));
        assert_eq!(
            ResidentId::parse("110105194912310021"),
            Err(ResidentIdError::WrongCheckCharacter { expected: 'X' })
        );
        // 15-digit numbers may not contain X.
        assert_eq!(
            ResidentId::parse("11010549123100X"),
            Err(ResidentIdError::InvalidCharacter {
                position: 15,
                character: 'X'
            })
        );
    }

    #[test]
    fn error_messages_are_chinese() {
        assert_eq!(
            ResidentIdError::WrongCheckCharacter { expected: 'X' }.to_string(),
            "校验码错误：末位应为 X"
        );
        assert_eq!(ResidentIdError::Empty.to_string(), "不能为空");
        assert!(
            ResidentIdError::WrongLength { actual: 3 }
                .to_string()
                .contains("实际为 3 位")
        );
    }

    #[test]
    fn a_wrong_birth_date_is_named_without_its_digits() {
        let cases = [
            ("11010519491331002X", "出生日期无效：月份不在01–12之间"),
            ("11010519490231002X", "出生日期无效：该月没有这一日"),
            ("110105189912310020", "出生日期无效：年份不在1900年以后"),
        ];
        for (id, message) in cases {
            let e = ResidentId::parse(id).unwrap_err().to_string();
            assert_eq!(e, message);
            assert!(!e.contains(&id[6..14]) && !e.contains(&id[10..14]), "{e}");
        }
    }

    #[test]
    fn leap_day_birth() {
        let id = ResidentId::from_parts("330802", date(2000, 2, 29), 123).unwrap();
        assert_eq!(id.birth_date(), date(2000, 2, 29));
        assert_eq!(id.sex(), Sex::Male);
        let s = id.expose().replace("20000229", "19000229");
        // 1900 was not a leap year.
        assert!(matches!(
            ResidentId::parse(&s),
            Err(ResidentIdError::InvalidBirthDate { .. })
        ));
    }

    #[test]
    fn converts_15_digits() {
        let p = ResidentId::parse("110105491231002").unwrap();
        assert_eq!(p.warnings, vec![ResidentIdWarning::ConvertedFrom15]);
        assert_eq!(p.value.expose(), SAMPLE);
        assert!(matches!(
            ResidentId::parse("110105490231002"),
            Err(ResidentIdError::InvalidBirthDate { .. })
        ));
    }

    #[test]
    fn from_parts_validates() {
        let b = date(1990, 1, 1);
        assert_eq!(
            ResidentId::from_parts("030802", b, 1),
            Err(ResidentIdError::InvalidRegion)
        );
        assert_eq!(
            ResidentId::from_parts("33080", b, 1),
            Err(ResidentIdError::InvalidRegion)
        );
        assert_eq!(
            ResidentId::from_parts("33080a", b, 1),
            Err(ResidentIdError::InvalidRegion)
        );
        assert_eq!(
            ResidentId::from_parts("330802", b, 1000),
            Err(ResidentIdError::InvalidSequence { sequence: 1000 })
        );
        assert!(matches!(
            ResidentId::from_parts("330802", date(1899, 12, 31), 1),
            Err(ResidentIdError::InvalidBirthDate { .. })
        ));
        let id = ResidentId::from_parts("330802", b, 0).unwrap();
        assert_eq!(id.sex(), Sex::Female);
        assert!(id.expose().starts_with("33080219900101000"));
    }

    fn arb_region() -> impl Strategy<Value = String> {
        "[1-9][0-9]{5}"
    }

    fn arb_birth() -> impl Strategy<Value = NaiveDate> {
        // 1900-01-01 .. 2099-12-31
        (0i64..73_049).prop_map(|d| date(1900, 1, 1) + chrono::Duration::days(d))
    }

    proptest! {
        #[test]
        fn from_parts_round_trips(region in arb_region(), birth in arb_birth(), seq in 0u16..=999) {
            let id = ResidentId::from_parts(&region, birth, seq).unwrap();
            let parsed = ResidentId::parse(id.expose()).unwrap();
            prop_assert!(parsed.warnings.is_empty());
            prop_assert_eq!(&parsed.value, &id);
            prop_assert_eq!(parsed.value.birth_date(), birth);
            let expected_sex = if seq % 2 == 1 { Sex::Male } else { Sex::Female };
            prop_assert_eq!(parsed.value.sex(), expected_sex);
            prop_assert_eq!(parsed.value.region_prefix(), region.as_str());
            let masked = id.masked();
            prop_assert_eq!(masked.len(), 18);
            prop_assert_eq!(&masked[..6], &id.expose()[..6]);
            prop_assert_eq!(&masked[17..], &id.expose()[17..]);
            prop_assert_eq!(&masked[6..17], "***********");
        }

        #[test]
        fn single_character_change_is_rejected(
            region in arb_region(),
            birth in arb_birth(),
            seq in 0u16..=999,
            pos in 0usize..18,
            shift in 1usize..11,
        ) {
            // Replace position `pos` by a different one of the 11 symbols 0–9 and X.
            const SYMBOLS: [char; 11] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'];
            let id = ResidentId::from_parts(&region, birth, seq).unwrap();
            let mut chars: Vec<char> = id.expose().chars().collect();
            let current = SYMBOLS.iter().position(|c| *c == chars[pos]).unwrap();
            chars[pos] = SYMBOLS[(current + shift) % 11];
            let changed: String = chars.into_iter().collect();
            prop_assert!(ResidentId::parse(&changed).is_err());
        }

        #[test]
        fn fifteen_to_eighteen(region in arb_region(), days in 0i64..36_524, seq in 0u16..=999) {
            let birth = date(1900, 1, 1) + chrono::Duration::days(days);
            let old = format!("{region}{}{seq:03}", birth.format("%y%m%d"));
            let parsed = ResidentId::parse(&old).unwrap();
            prop_assert_eq!(&parsed.warnings, &vec![ResidentIdWarning::ConvertedFrom15]);
            let expected = ResidentId::from_parts(&region, birth, seq).unwrap();
            prop_assert_eq!(&parsed.value, &expected);
            prop_assert_eq!(parsed.value.birth_date(), birth);
            // The converted number parses again as a plain 18-character number.
            let again = ResidentId::parse(parsed.value.expose()).unwrap();
            prop_assert!(again.warnings.is_empty());
            prop_assert_eq!(again.value, expected);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = ResidentId::parse(&s);
        }

        #[test]
        fn id_like_strings_never_panic(s in "[0-9xX０-９Ｘ ]{0,20}") {
            if let Ok(p) = ResidentId::parse(&s) {
                let id = p.value;
                let _ = (id.birth_date(), id.sex(), id.masked(), id.to_string());
            }
        }

        #[test]
        fn check_character_never_panics(bytes in any::<[u8; 17]>()) {
            let c = check_character(&bytes);
            prop_assert!(CHECK_CHARS.contains(&c));
        }
    }
}
