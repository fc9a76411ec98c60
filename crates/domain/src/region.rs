//! 行政区划代码: GB/T 2260 administrative division codes, extended with
//! township-level codes (乡镇街道, GB/T 10114 style).
//!
//! * A 6-digit code is `PPCCXX`: province (省) `PP`, city (地级市) `CC`,
//!   county (县/区/县级市) `XX`. `330000` is a province, `330800` a city,
//!   `330802` a county.
//! * A 9-digit code is a 6-digit county code followed by a 3-digit township
//!   number (乡镇街道), e.g. `330802001`.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use thiserror::Error;

/// The 衢州市 (Quzhou) city code and its county-level divisions, with Chinese names.
pub const QUZHOU: &[(&str, &str)] = &[
    ("330800", "衢州市"),
    ("330802", "柯城区"),
    ("330803", "衢江区"),
    ("330822", "常山县"),
    ("330824", "开化县"),
    ("330825", "龙游县"),
    ("330881", "江山市"),
];

/// Looks up the Chinese name of a code in [`QUZHOU`].
pub fn quzhou_name(code: &str) -> Option<&'static str> {
    QUZHOU
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, name)| *name)
}

/// Why a region code was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum RegionCodeError {
    /// Nothing but whitespace was given.
    #[error("不能为空")]
    Empty,
    /// Not 6 or 9 characters long.
    #[error("长度错误：应为 6 位（区县及以上）或 9 位（乡镇街道），实际为 {actual} 位")]
    WrongLength {
        /// Characters given, after trimming.
        actual: usize,
    },
    /// A character that is not an ASCII digit.
    #[error("第 {position} 位字符“{character}”无效：只能是数字")]
    NonDigit {
        /// 1-based position of the offending character.
        position: usize,
        /// The offending character.
        character: char,
    },
    /// The first digit (the province's region) is not 1–8.
    #[error("首位应为 1–8，实际为 {digit}")]
    InvalidFirstDigit {
        /// The first digit given.
        digit: char,
    },
    /// A 9-digit code whose township number is `000`.
    #[error("乡镇街道码（后 3 位）不能为 000")]
    ZeroTown,
}

/// The level of an administrative division (行政区划级别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RegionLevel {
    /// 省级 (province, autonomous region, municipality): 6 digits ending `0000`.
    Province,
    /// 地级 (prefecture-level city): 6 digits ending `00`.
    City,
    /// 县级 (county, district, county-level city): other 6-digit codes.
    County,
    /// 乡级 (township, town, sub-district): 9 digits.
    Town,
}

impl RegionLevel {
    /// The Chinese label: "省级", "市级", "县级" or "乡镇级".
    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "省级",
            Self::City => "市级",
            Self::County => "县级",
            Self::Town => "乡镇级",
        }
    }

    /// Number of leading digits that identify a division at this level.
    fn prefix_len(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Town => 9,
        }
    }
}

/// A validated administrative division code (行政区划代码): 6 digits (GB/T 2260)
/// or 9 digits (county code + township number). Serializes as its string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    /// Parses a region code: digits only (surrounding whitespace trimmed), 6 or 9
    /// digits long, first digit 1–8; a 9-digit code's last three digits may not be `000`.
    pub fn parse(s: &str) -> Result<RegionCode, RegionCodeError> {
        let s = s.trim();
        let chars: Vec<char> = s.chars().collect();
        if chars.is_empty() {
            return Err(RegionCodeError::Empty);
        }
        if chars.len() != 6 && chars.len() != 9 {
            return Err(RegionCodeError::WrongLength {
                actual: chars.len(),
            });
        }
        if let Some((i, &c)) = chars.iter().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(RegionCodeError::NonDigit {
                position: i + 1,
                character: c,
            });
        }
        match chars.first() {
            Some(&d) if ('1'..='8').contains(&d) => {}
            Some(&digit) => return Err(RegionCodeError::InvalidFirstDigit { digit }),
            None => return Err(RegionCodeError::Empty),
        }
        if s.len() == 9 && s.ends_with("000") {
            return Err(RegionCodeError::ZeroTown);
        }
        Ok(RegionCode(s.to_owned()))
    }

    /// The code as a string of 6 or 9 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level, derived from the code's shape.
    pub fn level(&self) -> RegionLevel {
        if self.0.len() == 9 {
            RegionLevel::Town
        } else if self.0.ends_with("0000") {
            RegionLevel::Province
        } else if self.0.ends_with("00") {
            RegionLevel::City
        } else {
            RegionLevel::County
        }
    }

    /// The county-level code this code belongs to: itself for a county, the
    /// first 6 digits for a town; `None` for a city or province.
    ///
    /// (Towns directly under a city without counties, such as 东莞 `441900xxx`,
    /// yield that city's 6-digit code.)
    pub fn county(&self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::County | RegionLevel::Town => Some(self.prefixed(6)),
            RegionLevel::City | RegionLevel::Province => None,
        }
    }

    /// The city-level code: the first 4 digits followed by `00`.
    /// For a province code this is the province itself.
    pub fn city(&self) -> RegionCode {
        self.prefixed(4)
    }

    /// The province-level code: the first 2 digits followed by `0000`.
    pub fn province(&self) -> RegionCode {
        self.prefixed(2)
    }

    /// Keeps the first `n` digits and pads with zeros to 6 digits.
    fn prefixed(&self, n: usize) -> RegionCode {
        let head = self.0.get(0..n).unwrap_or_default();
        RegionCode(format!("{head:0<6}"))
    }

    /// Whether this division lies within `ancestor` (or is it): a town is within
    /// its county, city and province; a county within its city and province; a
    /// city within its province.
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        if self == ancestor {
            return true;
        }
        let level = ancestor.level();
        if self.level() < level {
            return false;
        }
        let prefix = ancestor.0.get(0..level.prefix_len()).unwrap_or_default();
        self.0.starts_with(prefix)
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl FromStr for RegionCode {
    type Err = RegionCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rc(s: &str) -> RegionCode {
        RegionCode::parse(s).unwrap()
    }

    #[test]
    fn levels() {
        assert_eq!(rc("330000").level(), RegionLevel::Province);
        assert_eq!(rc("330800").level(), RegionLevel::City);
        assert_eq!(rc("330802").level(), RegionLevel::County);
        assert_eq!(rc("330881").level(), RegionLevel::County);
        assert_eq!(rc("330802001").level(), RegionLevel::Town);
        assert_eq!(rc("110000").level(), RegionLevel::Province);
        assert_eq!(RegionLevel::Town.label(), "乡镇级");
    }

    #[test]
    fn county_and_city() {
        assert_eq!(rc("330802001").county(), Some(rc("330802")));
        assert_eq!(rc("330802").county(), Some(rc("330802")));
        assert_eq!(rc("330800").county(), None);
        assert_eq!(rc("330000").county(), None);
        assert_eq!(rc("330802001").city(), rc("330800"));
        assert_eq!(rc("330881").city(), rc("330800"));
        assert_eq!(rc("330800").city(), rc("330800"));
        assert_eq!(rc("330000").city(), rc("330000"));
        assert_eq!(rc("330802001").province(), rc("330000"));
    }

    #[test]
    fn containment() {
        let province = rc("330000");
        let city = rc("330800");
        let county = rc("330802");
        let town = rc("330802001");
        for c in [&province, &city, &county, &town] {
            assert!(c.is_within(c));
        }
        assert!(town.is_within(&county));
        assert!(town.is_within(&city));
        assert!(town.is_within(&province));
        assert!(county.is_within(&city));
        assert!(county.is_within(&province));
        assert!(city.is_within(&province));

        assert!(!county.is_within(&town));
        assert!(!city.is_within(&county));
        assert!(!province.is_within(&city));
        assert!(!town.is_within(&rc("330803")));
        assert!(!town.is_within(&rc("330802002")));
        assert!(!rc("330803").is_within(&county));
        assert!(!rc("331000").is_within(&city));
        assert!(!city.is_within(&rc("340000")));
    }

    #[test]
    fn bad_input() {
        assert_eq!(RegionCode::parse(" "), Err(RegionCodeError::Empty));
        assert_eq!(
            RegionCode::parse("3308"),
            Err(RegionCodeError::WrongLength { actual: 4 })
        );
        assert_eq!(
            RegionCode::parse("3308021"),
            Err(RegionCodeError::WrongLength { actual: 7 })
        );
        assert_eq!(
            RegionCode::parse("33080a"),
            Err(RegionCodeError::NonDigit {
                position: 6,
                character: 'a'
            })
        );
        assert_eq!(
            RegionCode::parse("000000"),
            Err(RegionCodeError::InvalidFirstDigit { digit: '0' })
        );
        assert_eq!(
            RegionCode::parse("930802"),
            Err(RegionCodeError::InvalidFirstDigit { digit: '9' })
        );
        assert_eq!(
            RegionCode::parse("330802000"),
            Err(RegionCodeError::ZeroTown)
        );
        assert_eq!(
            RegionCode::parse("３３０８０２"),
            Err(RegionCodeError::NonDigit {
                position: 1,
                character: '３'
            })
        );
        assert!(
            RegionCodeError::WrongLength { actual: 4 }
                .to_string()
                .contains("实际为 4 位")
        );
    }

    #[test]
    fn quzhou_table() {
        assert_eq!(QUZHOU.len(), 7);
        for (code, _) in QUZHOU {
            let c = rc(code);
            assert!(c.is_within(&rc("330800")));
        }
        assert_eq!(quzhou_name("330881"), Some("江山市"));
        assert_eq!(quzhou_name("330800"), Some("衢州市"));
        assert_eq!(quzhou_name("330000"), None);
    }

    #[test]
    fn display_and_from_str() {
        let c: RegionCode = " 330802 ".parse().unwrap();
        assert_eq!(c.to_string(), "330802");
        assert_eq!(c.as_str(), "330802");
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            if let Ok(c) = RegionCode::parse(&s) {
                let _ = (c.level(), c.county(), c.city(), c.province());
            }
        }

        #[test]
        fn towns_are_within_their_ancestors(s in "[1-8][0-9]{5}(00[1-9]|0[1-9][0-9]|[1-9][0-9]{2})") {
            let town = RegionCode::parse(&s).unwrap();
            prop_assert_eq!(town.level(), RegionLevel::Town);
            prop_assert!(town.is_within(&town.province()));
            prop_assert!(town.is_within(&town.city()));
            let county = town.county().unwrap();
            prop_assert!(town.is_within(&county));
            prop_assert!(!county.is_within(&town));
        }

        #[test]
        fn within_is_consistent_with_levels(a in "[1-8][0-9]{5}", b in "[1-8][0-9]{5}") {
            let a = RegionCode::parse(&a).unwrap();
            let b = RegionCode::parse(&b).unwrap();
            if a.is_within(&b) && b.is_within(&a) {
                prop_assert_eq!(a, b);
            }
        }
    }
}
