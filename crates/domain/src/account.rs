//! Accounts (账号): the password policy and the one-time password an administrator hands
//! out. Hashing belongs to the web layer; this module decides what may be a password.

use thiserror::Error;

/// Why a new password is refused. The messages name no part of the password.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PasswordRejected {
    #[error("至少{min}个字符")]
    TooShort { min: usize },
    #[error("不能超过{max}个字符")]
    TooLong { max: usize },
    #[error("不能全是数字")]
    OnlyDigits,
    #[error("至少要有{min}种不同的字符")]
    TooFewDistinct { min: usize },
    #[error("不能包含用户名")]
    ContainsUsername,
    #[error("是常见密码，容易被猜中")]
    Common,
}

/// A password that passed the policy (口令复杂度, 等保 2.0 身份鉴别).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 10;
/// Longest: Argon2 takes any length, but a megabyte "password" is an attack on the server.
pub const MAX_LENGTH: usize = 128;
const MIN_DISTINCT: usize = 4;

/// Passwords that lists of leaked passwords put at the top, in lower case, at least
/// [`MIN_LENGTH`] long (shorter ones are refused by length already). Kept short on purpose:
/// the length rule does most of the work; these are what people still pick at ten.
const COMMON: &[&str] = &[
    "1234567890",
    "0123456789",
    "1234567890a",
    "a1234567890",
    "abc1234567",
    "abcd123456",
    "abcde12345",
    "a123456789",
    "aa12345678",
    "qwertyuiop",
    "qwerty123456",
    "1qaz2wsx3edc",
    "1q2w3e4r5t",
    "zxcvbnm123",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "admin12345",
    "admin123456",
    "administrator",
    "root123456",
    "woaini1314",
    "iloveyou12",
    "5201314520",
    "1314520520",
    "dangjian123",
    "dangjian2017",
    "liangxin123",
    "liangxin2017",
    "lx-demo-2017",
    "gongchandang",
    "zhongguo123",
    "china12345",
    "abc123456789",
    "asdfghjkl1",
    "asdfghjkl123",
    "qweasdzxc123",
    "aaaaaaaaaa",
];

impl NewPassword {
    /// Checks a new password for the account `username`.
    pub fn parse(password: &str, username: &str) -> Result<NewPassword, PasswordRejected> {
        let length = password.chars().count();
        if length < MIN_LENGTH {
            return Err(PasswordRejected::TooShort { min: MIN_LENGTH });
        }
        if length > MAX_LENGTH {
            return Err(PasswordRejected::TooLong { max: MAX_LENGTH });
        }
        if password.chars().all(|c| c.is_ascii_digit()) {
            return Err(PasswordRejected::OnlyDigits);
        }
        let distinct: std::collections::HashSet<char> = password.chars().collect();
        if distinct.len() < MIN_DISTINCT {
            return Err(PasswordRejected::TooFewDistinct { min: MIN_DISTINCT });
        }
        let lower = password.to_lowercase();
        let name = username.trim().to_lowercase();
        if name.chars().count() >= 3 && lower.contains(&name) {
            return Err(PasswordRejected::ContainsUsername);
        }
        if COMMON.contains(&lower.as_str()) {
            return Err(PasswordRejected::Common);
        }
        Ok(NewPassword(password.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The characters of a one-time password: no 0/O, 1/l/I, so it can be read aloud and typed
/// from paper.
pub const ONE_TIME_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
/// Length of a one-time password: 14 characters of 55 are about 80 bits.
pub const ONE_TIME_LENGTH: usize = 14;

/// A one-time password from random bytes (one byte per character, the bytes drawn by the
/// caller). Bytes are taken by rejection so every character is equally likely; `None`
/// when the bytes run out first.
pub fn one_time_password(random: &[u8]) -> Option<String> {
    let n = ONE_TIME_ALPHABET.len();
    // The largest multiple of n below 256: bytes at or above it would favour the first
    // characters.
    let limit = 256 - 256 % n;
    let out: String = random
        .iter()
        .filter(|&&b| usize::from(b) < limit)
        .take(ONE_TIME_LENGTH)
        .map(|&b| char::from(ONE_TIME_ALPHABET[usize::from(b) % n]))
        .collect();
    (out.len() == ONE_TIME_LENGTH).then_some(out)
}

/// A login name (用户名): 3–32 letters, digits, `.`, `_` or `-`, starting with a letter or a
/// digit. Names are what people type; they are compared as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum UsernameRejected {
    #[error("应为3至32个字符")]
    Length,
    #[error("只能用英文字母、数字和 . _ -，且以字母或数字开头")]
    Characters,
}

impl Username {
    pub fn parse(input: &str) -> Result<Username, UsernameRejected> {
        let s = input.trim();
        if !(3..=32).contains(&s.chars().count()) {
            return Err(UsernameRejected::Length);
        }
        let ok_start = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if !ok_start
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(UsernameRejected::Characters);
        }
        Ok(Username(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_refuses_short_numeric_common_and_named_passwords() {
        assert_eq!(
            NewPassword::parse("abc12", "zhang"),
            Err(PasswordRejected::TooShort { min: 10 })
        );
        assert_eq!(
            NewPassword::parse("20170808123", "zhang"),
            Err(PasswordRejected::OnlyDigits)
        );
        assert_eq!(
            NewPassword::parse("ababababab", "zhang"),
            Err(PasswordRejected::TooFewDistinct { min: 4 })
        );
        assert_eq!(
            NewPassword::parse("Zhang-2026-dj", "zhang"),
            Err(PasswordRejected::ContainsUsername)
        );
        assert_eq!(
            NewPassword::parse("Password123", "zhang"),
            Err(PasswordRejected::Common)
        );
        assert_eq!(
            NewPassword::parse(&"长".repeat(129), "zhang"),
            Err(PasswordRejected::TooLong { max: 128 })
        );
        assert!(NewPassword::parse("红木小镇-党建-2026", "zhang").is_ok());
    }

    #[test]
    fn every_common_password_is_long_enough_to_need_the_list() {
        for p in COMMON {
            assert!(p.chars().count() >= MIN_LENGTH, "{p}");
            assert_eq!(*p, p.to_lowercase(), "{p}");
        }
    }

    #[test]
    fn one_time_passwords_use_the_alphabet_and_reject_biased_bytes() {
        let bytes: Vec<u8> = (0..=255).collect();
        let p = one_time_password(&bytes).unwrap();
        assert_eq!(p.len(), ONE_TIME_LENGTH);
        assert!(p.bytes().all(|b| ONE_TIME_ALPHABET.contains(&b)));
        // 255 is past the last whole multiple of 55 (220): never used.
        assert_eq!(one_time_password(&[255; 64]), None);
        assert!(NewPassword::parse(&p, "admin").is_ok());
    }

    #[test]
    fn usernames_are_plain() {
        assert!(Username::parse("longyou.admin").is_ok());
        assert_eq!(Username::parse("ab"), Err(UsernameRejected::Length));
        assert_eq!(Username::parse("张三丰"), Err(UsernameRejected::Characters));
        assert_eq!(Username::parse("-x1"), Err(UsernameRejected::Characters));
    }
}
