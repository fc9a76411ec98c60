//! Money as a whole number of 分 (fen, 0.01 元).
//!
//! Amounts are never floating point. [`Fen::from_yuan_str`] parses what people
//! type ("12.5", "¥1,234.50", "1234.5元") without rounding, and
//! [`Fen::apply_rate`] multiplies by an exact fraction (e.g. a 1.5% dues rate is
//! `15 / 1000`) and rounds half away from zero to the fen.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub, SubAssign};

use serde::Serialize;
use thiserror::Error;

/// Why an amount string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Error)]
pub enum MoneyError {
    /// Nothing but whitespace was given.
    #[error("不能为空")]
    Empty,
    /// No digits at all (e.g. "¥" or "-.").
    #[error("缺少数字")]
    NoDigits,
    /// A character that cannot appear in an amount.
    #[error("包含无效字符“{character}”：金额只能包含数字、小数点、千位分隔符、负号、¥ 和“元”")]
    InvalidCharacter {
        /// The offending character.
        character: char,
    },
    /// More than one decimal point.
    #[error("小数点多于一个")]
    MultipleDecimalPoints,
    /// Thousands separators not in groups of three.
    #[error("千位分隔符位置错误：应每三位一组，如 1,234.50")]
    BadGrouping,
    /// More than two decimals (finer than 1 分); never rounded silently.
    #[error("小数位过多：金额最多精确到分（2 位小数），实际为 {count} 位")]
    TooManyDecimals {
        /// Decimals given.
        count: usize,
    },
    /// Outside the representable range (about ±9.2 × 10¹⁶ 元).
    #[error("金额超出范围")]
    Overflow,
}

/// An amount of money in 分 (fen). 100 fen = 1 元.
///
/// Displays as `¥1,234.50` / `-¥12.00`; serializes as the integer number of fen.
/// `+`, `-` and [`Sum`] saturate at the `i64` bounds (about ±9.2 × 10¹⁶ 元, far
/// beyond any real amount); use [`checked_add`](Self::checked_add) /
/// [`checked_sub`](Self::checked_sub) where overflow must be detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(transparent)]
pub struct Fen(i64);

/// Maps full-width ASCII forms (digits, '．', '，', '－') and '￥' to half-width.
fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        '\u{FFE5}' => '¥',
        _ => c,
    }
}

/// Checks thousands grouping of an integer part that contains commas.
fn grouping_ok(int_part: &str) -> bool {
    let mut groups = int_part.split(',');
    let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
    first_ok && groups.all(|g| g.len() == 3)
}

impl Fen {
    /// Zero.
    pub const ZERO: Fen = Fen(0);

    /// An amount of `fen` 分.
    pub const fn new(fen: i64) -> Fen {
        Fen(fen)
    }

    /// The amount in 分.
    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses an amount in 元 (yuan).
    ///
    /// Accepts an optional leading `-` (before or after the currency sign), an
    /// optional `¥`/`￥` prefix, an optional `元` suffix, thousands separators in
    /// groups of three, and at most two decimals: "12", "12.5", "12.50",
    /// "¥1,234.50", "1234.5元", "-¥12.00". Full-width digits are accepted.
    /// More than two decimals is an error, never rounded.
    pub fn from_yuan_str(s: &str) -> Result<Fen, MoneyError> {
        let normalized: String = s.chars().map(halfwidth).collect();
        let mut rest = normalized.trim();
        if rest.is_empty() {
            return Err(MoneyError::Empty);
        }
        let mut negative = false;
        if let Some(r) = rest.strip_prefix('-') {
            negative = true;
            rest = r.trim_start();
        }
        if let Some(r) = rest.strip_prefix('¥') {
            rest = r.trim_start();
            if !negative && let Some(r) = rest.strip_prefix('-') {
                negative = true;
                rest = r.trim_start();
            }
        }
        if let Some(r) = rest.strip_suffix('元') {
            rest = r.trim_end();
        }

        if let Some(c) = rest
            .chars()
            .find(|c| !(c.is_ascii_digit() || *c == ',' || *c == '.'))
        {
            return Err(MoneyError::InvalidCharacter { character: c });
        }
        let (int_part, frac_part) = match rest.split_once('.') {
            Some((i, f)) => (i, f),
            None => (rest, ""),
        };
        if frac_part.contains('.') {
            return Err(MoneyError::MultipleDecimalPoints);
        }
        if let Some(c) = frac_part.chars().find(|c| !c.is_ascii_digit()) {
            return Err(MoneyError::InvalidCharacter { character: c });
        }
        let int_digits: String = int_part.chars().filter(char::is_ascii_digit).collect();
        if int_digits.is_empty() && frac_part.is_empty() {
            return Err(MoneyError::NoDigits);
        }
        if int_part.contains(',') && !grouping_ok(int_part) {
            return Err(MoneyError::BadGrouping);
        }
        if frac_part.len() > 2 {
            return Err(MoneyError::TooManyDecimals {
                count: frac_part.len(),
            });
        }

        let mut value: i128 = 0;
        for b in int_digits.bytes() {
            value = value
                .checked_mul(10)
                .and_then(|v| v.checked_add(i128::from(b - b'0')))
                .filter(|v| *v <= i128::from(u64::MAX))
                .ok_or(MoneyError::Overflow)?;
        }
        let mut frac: i128 = 0;
        for b in frac_part.bytes() {
            frac = frac * 10 + i128::from(b - b'0');
        }
        if frac_part.len() == 1 {
            frac *= 10;
        }
        let mut total = value * 100 + frac;
        if negative {
            total = -total;
        }
        i64::try_from(total)
            .map(Fen)
            .map_err(|_| MoneyError::Overflow)
    }

    /// `self + rhs`, or `None` on overflow.
    pub fn checked_add(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_add(rhs.0).map(Fen)
    }

    /// `self - rhs`, or `None` on overflow.
    pub fn checked_sub(self, rhs: Fen) -> Option<Fen> {
        self.0.checked_sub(rhs.0).map(Fen)
    }

    /// The exact value of `self × numerator / denominator`, rounded half away from zero.
    /// `None` if `denominator` is zero.
    fn rate_i128(self, numerator: i64, denominator: i64) -> Option<i128> {
        if denominator == 0 {
            return None;
        }
        let mut p = i128::from(self.0) * i128::from(numerator);
        let mut d = i128::from(denominator);
        if d < 0 {
            p = -p;
            d = -d;
        }
        let q = p / d;
        let r = p % d;
        if r.unsigned_abs() * 2 >= d.unsigned_abs() {
            Some(q + p.signum())
        } else {
            Some(q)
        }
    }

    /// `self × numerator / denominator`, rounded to the fen half away from zero,
    /// or `None` if `denominator` is zero or the result does not fit.
    pub fn checked_apply_rate(self, numerator: i64, denominator: i64) -> Option<Fen> {
        self.rate_i128(numerator, denominator)
            .and_then(|v| i64::try_from(v).ok())
            .map(Fen)
    }

    /// `self × numerator / denominator` (e.g. 1.5% is `15, 1000`), rounded to the
    /// fen half up — away from zero for negative results — using exact `i128`
    /// arithmetic. For example ¥0.10 × 15/1000 = 0.15 分 → 0 分, ¥1.00 × 15/1000 =
    /// 1.5 分 → 2 分.
    ///
    /// Never panics: a result beyond the `i64` range saturates, and a zero
    /// denominator yields [`Fen::ZERO`]. Use
    /// [`checked_apply_rate`](Self::checked_apply_rate) to detect those cases.
    pub fn apply_rate(self, numerator: i64, denominator: i64) -> Fen {
        match self.rate_i128(numerator, denominator) {
            None => Fen::ZERO,
            Some(v) => Fen(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })),
        }
    }
}

impl Add for Fen {
    type Output = Fen;

    /// Saturating addition.
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Fen {
    type Output = Fen;

    /// Saturating subtraction.
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0.saturating_sub(rhs.0))
    }
}

impl AddAssign for Fen {
    fn add_assign(&mut self, rhs: Fen) {
        *self = *self + rhs;
    }
}

impl SubAssign for Fen {
    fn sub_assign(&mut self, rhs: Fen) {
        *self = *self - rhs;
    }
}

impl Sum for Fen {
    /// Saturating sum.
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Fen> for Fen {
    /// Saturating sum.
    fn sum<I: Iterator<Item = &'a Fen>>(iter: I) -> Fen {
        iter.copied().sum()
    }
}

impl fmt::Display for Fen {
    /// `¥1,234.50`; negative amounts as `-¥12.00`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let abs = self.0.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        f.pad(&format!("{sign}¥{grouped}.{:02}", abs % 100))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn y(s: &str) -> i64 {
        Fen::from_yuan_str(s).unwrap().fen()
    }

    #[test]
    fn parses_common_forms() {
        assert_eq!(y("12"), 1200);
        assert_eq!(y("12.5"), 1250);
        assert_eq!(y("12.50"), 1250);
        assert_eq!(y("12.05"), 1205);
        assert_eq!(y("¥1,234.50"), 123_450);
        assert_eq!(y("￥1,234.50"), 123_450);
        assert_eq!(y("1234.5元"), 123_450);
        assert_eq!(y(" 1234.5 元 "), 123_450);
        assert_eq!(y("-12"), -1200);
        assert_eq!(y("-¥12.00"), -1200);
        assert_eq!(y("¥-12.00"), -1200);
        assert_eq!(y("0.01"), 1);
        assert_eq!(y(".5"), 50);
        assert_eq!(y("12."), 1200);
        assert_eq!(y("1,234,567"), 123_456_700);
        assert_eq!(y("１２．５０"), 1250);
        assert_eq!(y("-0"), 0);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(Fen::from_yuan_str("  "), Err(MoneyError::Empty));
        assert_eq!(Fen::from_yuan_str("¥"), Err(MoneyError::NoDigits));
        assert_eq!(Fen::from_yuan_str("."), Err(MoneyError::NoDigits));
        assert_eq!(
            Fen::from_yuan_str("12.345"),
            Err(MoneyError::TooManyDecimals { count: 3 })
        );
        assert_eq!(
            Fen::from_yuan_str("12.500"),
            Err(MoneyError::TooManyDecimals { count: 3 })
        );
        assert_eq!(
            Fen::from_yuan_str("1.2.3"),
            Err(MoneyError::MultipleDecimalPoints)
        );
        assert_eq!(Fen::from_yuan_str("12,5"), Err(MoneyError::BadGrouping));
        assert_eq!(Fen::from_yuan_str("1,2345"), Err(MoneyError::BadGrouping));
        assert_eq!(Fen::from_yuan_str(",123"), Err(MoneyError::BadGrouping));
        assert_eq!(
            Fen::from_yuan_str("12a"),
            Err(MoneyError::InvalidCharacter { character: 'a' })
        );
        assert_eq!(
            Fen::from_yuan_str("1.2,3"),
            Err(MoneyError::InvalidCharacter { character: ',' })
        );
        assert_eq!(
            Fen::from_yuan_str("--12"),
            Err(MoneyError::InvalidCharacter { character: '-' })
        );
        assert_eq!(
            Fen::from_yuan_str("92233720368547758.08"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Fen::from_yuan_str("99999999999999999999999999999999999999999"),
            Err(MoneyError::Overflow)
        );
        assert_eq!(y("92233720368547758.07"), i64::MAX);
        assert_eq!(y("-92233720368547758.08"), i64::MIN);
        assert!(
            MoneyError::TooManyDecimals { count: 3 }
                .to_string()
                .contains("实际为 3 位")
        );
    }

    #[test]
    fn display() {
        assert_eq!(Fen::new(123_450).to_string(), "¥1,234.50");
        assert_eq!(Fen::new(-1200).to_string(), "-¥12.00");
        assert_eq!(Fen::new(0).to_string(), "¥0.00");
        assert_eq!(Fen::new(5).to_string(), "¥0.05");
        assert_eq!(Fen::new(-5).to_string(), "-¥0.05");
        assert_eq!(Fen::new(100_000).to_string(), "¥1,000.00");
        assert_eq!(Fen::new(99_999).to_string(), "¥999.99");
        assert_eq!(Fen::new(12_345_678_900).to_string(), "¥123,456,789.00");
        assert_eq!(
            Fen::new(i64::MIN).to_string(),
            "-¥92,233,720,368,547,758.08"
        );
    }

    #[test]
    fn arithmetic() {
        let a = Fen::new(150);
        let b = Fen::new(75);
        assert_eq!(a + b, Fen::new(225));
        assert_eq!(a - b, Fen::new(75));
        assert_eq!(b - a, Fen::new(-75));
        assert_eq!(a.checked_add(b), Some(Fen::new(225)));
        assert_eq!(Fen::new(i64::MAX).checked_add(Fen::new(1)), None);
        assert_eq!(Fen::new(i64::MIN).checked_sub(Fen::new(1)), None);
        assert_eq!(Fen::new(i64::MAX) + Fen::new(1), Fen::new(i64::MAX));
        let v = [a, b, Fen::new(-25)];
        assert_eq!(v.iter().sum::<Fen>(), Fen::new(200));
        assert_eq!(v.into_iter().sum::<Fen>(), Fen::new(200));
        let mut c = Fen::ZERO;
        c += a;
        c -= b;
        assert_eq!(c, Fen::new(75));
        assert_eq!(Fen::default(), Fen::ZERO);
        assert!(Fen::new(-1) < Fen::ZERO);
    }

    #[test]
    fn apply_rate_rounding() {
        // 1.5% of ¥100.00 = ¥1.50
        assert_eq!(Fen::new(10_000).apply_rate(15, 1000), Fen::new(150));
        // 1.5% of ¥1.00 = 1.5 分 → 2 分 (half up)
        assert_eq!(Fen::new(100).apply_rate(15, 1000), Fen::new(2));
        assert_eq!(Fen::new(-100).apply_rate(15, 1000), Fen::new(-2));
        assert_eq!(Fen::new(100).apply_rate(-15, 1000), Fen::new(-2));
        assert_eq!(Fen::new(100).apply_rate(15, -1000), Fen::new(-2));
        assert_eq!(Fen::new(-100).apply_rate(15, -1000), Fen::new(2));
        // 0.5% of ¥3,000.00 = ¥15.00; 0.5% of ¥3,333.33 = 16.66665 → 1667 分
        assert_eq!(Fen::new(300_000).apply_rate(5, 1000), Fen::new(1500));
        assert_eq!(Fen::new(333_333).apply_rate(5, 1000), Fen::new(1667));
        // 1/3 rounds down, 2/3 rounds up
        assert_eq!(Fen::new(1).apply_rate(1, 3), Fen::ZERO);
        assert_eq!(Fen::new(2).apply_rate(1, 3), Fen::new(1));
        assert_eq!(Fen::new(1).apply_rate(1, 0), Fen::ZERO);
        assert_eq!(Fen::new(1).checked_apply_rate(1, 0), None);
        assert_eq!(Fen::new(i64::MAX).checked_apply_rate(2, 1), None);
        assert_eq!(Fen::new(i64::MAX).apply_rate(2, 1), Fen::new(i64::MAX));
        assert_eq!(Fen::new(i64::MIN).apply_rate(2, 1), Fen::new(i64::MIN));
        assert_eq!(
            Fen::new(i64::MIN).apply_rate(i64::MIN, i64::MIN),
            Fen::new(i64::MIN)
        );
        assert_eq!(Fen::new(i64::MIN).apply_rate(-1, 1), Fen::new(i64::MAX));
    }

    /// Exact half-away-from-zero rounding of p / d written differently from the implementation.
    fn reference_round(p: i128, d: i128) -> i128 {
        let (p, d) = if d < 0 { (-p, -d) } else { (p, d) };
        if p >= 0 {
            (2 * p + d) / (2 * d)
        } else {
            -((-2 * p + d) / (2 * d))
        }
    }

    proptest! {
        #[test]
        fn display_round_trips(v in any::<i64>()) {
            let f = Fen::new(v);
            prop_assert_eq!(Fen::from_yuan_str(&f.to_string()), Ok(f));
        }

        #[test]
        fn plain_decimal_round_trips(v in any::<i64>()) {
            let s = format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, v.unsigned_abs() / 100, v.unsigned_abs() % 100);
            prop_assert_eq!(Fen::from_yuan_str(&s), Ok(Fen::new(v)));
        }

        #[test]
        fn apply_rate_matches_exact(
            amount in -1_000_000_000_000i64..1_000_000_000_000,
            numerator in -1_000_000i64..1_000_000,
            denominator in prop_oneof![1i64..1_000_000, -1_000_000i64..-1],
        ) {
            let got = Fen::new(amount).apply_rate(numerator, denominator).fen();
            let p = i128::from(amount) * i128::from(numerator);
            let d = i128::from(denominator);
            prop_assert_eq!(i128::from(got), reference_round(p, d));
            // Error is at most half a fen.
            let err = (i128::from(got) * d - p).abs() * 2;
            prop_assert!(err <= d.abs());
        }

        #[test]
        fn apply_rate_never_panics(a in any::<i64>(), n in any::<i64>(), d in any::<i64>()) {
            let r = Fen::new(a).apply_rate(n, d);
            if let Some(c) = Fen::new(a).checked_apply_rate(n, d) {
                prop_assert_eq!(c, r);
            }
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Fen::from_yuan_str(&s);
        }

        #[test]
        fn amount_like_strings_never_panic(s in "[-¥￥0-9,.元 ]{0,30}") {
            let _ = Fen::from_yuan_str(&s);
        }
    }
}
