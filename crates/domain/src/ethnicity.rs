//! 民族, by GB/T 3304 (中国各民族名称的罗马字母拼写法和代码): the 56 nationalities with
//! their two-digit codes, and 97 其他, 98 外国血统中国籍人士. A record stores the code; a
//! form or a spreadsheet may give the code, the name, or the name without its 族.

use serde::{Serialize, Serializer};

use crate::kinds::{Coded, UnknownValue};

/// GB/T 3304, in code order (code = index + 1 for the 56; then 97 and 98).
const NAMES: [&str; 58] = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
    "其他",
    "外国血统中国籍人士",
];

const CODES: [&str; 58] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
    "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32",
    "33", "34", "35", "36", "37", "38", "39", "40", "41", "42", "43", "44", "45", "46", "47", "48",
    "49", "50", "51", "52", "53", "54", "55", "56", "97", "98",
];

/// A 民族 of GB/T 3304; only [`Ethnicity::parse`] and [`Ethnicity::ALL`] make one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ethnicity(u8);

const fn all() -> [Ethnicity; 58] {
    let mut out = [Ethnicity(0); 58];
    let mut i = 0;
    while i < 58 {
        out[i] = Ethnicity(i as u8);
        i += 1;
    }
    out
}

impl Ethnicity {
    /// Every value, in code order.
    pub const ALL: &'static [Ethnicity] = &all();
    pub const WHAT: &'static str = "民族";
    /// 汉族
    pub const HAN: Ethnicity = Ethnicity(0);

    /// The two-digit code of GB/T 3304.
    pub const fn code(self) -> &'static str {
        CODES[self.0 as usize]
    }

    pub const fn label(self) -> &'static str {
        NAMES[self.0 as usize]
    }

    /// 少数民族: the 55 besides 汉族 (其他 and 外国血统 are neither, as the tables count).
    pub const fn is_minority(self) -> bool {
        self.0 >= 1 && self.0 < 56
    }

    /// Parses a code (`01`, `1`), a name (`汉族`) or a name without its 族 (`汉`, `蒙古`).
    pub fn parse(input: &str) -> Result<Ethnicity, UnknownValue> {
        let s = input.trim();
        let by_code = s
            .parse::<u8>()
            .ok()
            .and_then(|n| CODES.iter().position(|c| c.parse::<u8>() == Ok(n)));
        by_code
            .or_else(|| {
                NAMES
                    .iter()
                    .position(|n| *n == s || (!s.is_empty() && n.strip_suffix('族') == Some(s)))
            })
            .map(|i| Ethnicity(i as u8))
            .ok_or_else(|| UnknownValue {
                what: Self::WHAT,
                value: s.to_owned(),
                choices: "GB/T 3304 的民族名称（如汉族、畲族）或两位代码".to_owned(),
            })
    }
}

impl Coded for Ethnicity {
    fn all() -> &'static [Self] {
        Self::ALL
    }
    fn code(self) -> &'static str {
        Ethnicity::code(self)
    }
    fn label(self) -> &'static str {
        Ethnicity::label(self)
    }
}

impl std::fmt::Display for Ethnicity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Ethnicity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_a_name_or_a_name_without_zu_parse() {
        assert_eq!(Ethnicity::parse("01"), Ok(Ethnicity::HAN));
        assert_eq!(Ethnicity::parse("1"), Ok(Ethnicity::HAN));
        assert_eq!(Ethnicity::parse(" 汉族 "), Ok(Ethnicity::HAN));
        let she = Ethnicity::parse("畲").unwrap();
        assert_eq!((she.code(), she.label()), ("22", "畲族"));
        assert!(she.is_minority());
        assert_eq!(Ethnicity::parse("蒙古").unwrap().code(), "02");
        assert_eq!(Ethnicity::parse("基诺族").unwrap().code(), "56");
        assert_eq!(
            Ethnicity::parse("98").unwrap().label(),
            "外国血统中国籍人士"
        );
        assert!(!Ethnicity::parse("97").unwrap().is_minority());
        assert!(!Ethnicity::HAN.is_minority());
        for bad in ["", "57", "火星族", "族"] {
            assert!(Ethnicity::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Ethnicity::ALL.len(), 58);
        assert!(
            Ethnicity::ALL
                .iter()
                .all(|e| Ethnicity::parse(e.code()) == Ok(*e))
        );
    }
}
