//! How strong a backup passphrase is, in words for the person typing it.
//!
//! A backup is only as strong as its passphrase: scrypt makes each guess cost memory and
//! time, but a birthday, a phone number or `5201314` falls to the first guesses anyone
//! tries. The assessment is a guess-count estimate in the spirit of zxcvbn, written small
//! on purpose: the zxcvbn port carries English dictionaries (hundreds of KB in the phone
//! library) and knows nothing of what Chinese users pick (pinyin, digit love-codes, phone
//! numbers). Here: character pools, runs and sequences that add nothing, digit-only
//! passphrases capped (dates and phone numbers are guessed from a list), and a short list
//! of the passwords leaked most often in China and elsewhere.
//!
//! The levels are what the apps show; [`PassphraseLevel::TooWeak`] is refused by
//! [`super::create_backup`].

use serde::Serialize;

use crate::text::Text;

/// The strength of a passphrase, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PassphraseLevel {
    /// Refused: guessed in moments (too short, a common password, a date or a number).
    TooWeak,
    /// Accepted with a warning.
    Weak,
    Fair,
    Strong,
}

/// What the apps show under the passphrase field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassphraseAssessment {
    pub level: PassphraseLevel,
    /// Rough estimate of the guesses needed, as bits (log2).
    pub bits: u32,
    /// "弱" / "Weak" and so on.
    pub label: Text,
    /// What to do about it.
    pub advice: Text,
    /// Whether a backup can be made with it.
    pub accepted: bool,
}

/// Passwords tried first by anyone guessing: the most frequent in leaked Chinese and
/// international lists (lower-cased; compared after lower-casing the input).
const COMMON: &[&str] = &[
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "111111",
    "000000",
    "666666",
    "888888",
    "88888888",
    "123123",
    "123321",
    "654321",
    "147258369",
    "5201314",
    "1314520",
    "520520",
    "woaini",
    "woaini1314",
    "woaini520",
    "iloveyou",
    "password",
    "password1",
    "passw0rd",
    "qwerty",
    "qwertyuiop",
    "1qaz2wsx",
    "qq123456",
    "a123456",
    "abc123",
    "abc123456",
    "aa123456",
    "a123456789",
    "admin",
    "admin123",
    "letmein",
    "welcome",
    "dragon",
    "monkey",
    "zxcvbnm",
    "asdfghjkl",
    "1q2w3e4r",
    "tuilu",
    "tuilu123",
    "退路",
    "我爱你",
    "密码",
];

/// Bits per character of each pool. CJK characters count 10 bits, not log2 of the
/// 3,500 common characters: people type phrases, and phrases are predictable.
fn pool_bits(pools: &Pools) -> f64 {
    let mut size = 0.0;
    if pools.digit {
        size += 10.0;
    }
    if pools.lower {
        size += 26.0;
    }
    if pools.upper {
        size += 26.0;
    }
    if pools.symbol {
        size += 33.0;
    }
    let ascii = if size > 0.0 { f64::log2(size) } else { 0.0 };
    if pools.cjk {
        ascii.max(10.0)
    } else {
        ascii
    }
}

#[derive(Default)]
struct Pools {
    digit: bool,
    lower: bool,
    upper: bool,
    symbol: bool,
    cjk: bool,
}

/// Assesses a passphrase (the text exactly as typed; surrounding spaces count as typed).
pub fn assess_passphrase(passphrase: &str) -> PassphraseAssessment {
    let level_and_bits = estimate(passphrase);
    let (level, bits) = level_and_bits;
    let (label, advice) = words(level);
    PassphraseAssessment {
        level,
        bits,
        label,
        advice,
        accepted: level > PassphraseLevel::TooWeak,
    }
}

fn estimate(p: &str) -> (PassphraseLevel, u32) {
    let chars: Vec<char> = p.chars().collect();
    if chars.is_empty() {
        return (PassphraseLevel::TooWeak, 0);
    }
    let lowered = p.trim().to_lowercase();
    if COMMON.contains(&lowered.as_str()) {
        return (PassphraseLevel::TooWeak, 10);
    }
    let mut pools = Pools::default();
    for &c in &chars {
        match c {
            '0'..='9' => pools.digit = true,
            'a'..='z' => pools.lower = true,
            'A'..='Z' => pools.upper = true,
            c if c.is_ascii() => pools.symbol = true,
            _ => pools.cjk = true,
        }
    }
    // Characters that add something: a repeat of the previous one, or the next in a
    // run (abc, 123, cba), counts for little.
    let mut effective = 1.0;
    for w in chars.windows(2) {
        let step = w[1] as i64 - w[0] as i64;
        effective += if step == 0 || step.abs() == 1 {
            0.25
        } else {
            1.0
        };
    }
    let mut bits = effective * pool_bits(&pools);
    let digits_only = chars.iter().all(|c| c.is_ascii_digit());
    if digits_only {
        // Dates (8 digits) and phone numbers (11) are guessed from lists, not digit by
        // digit: at most "weak" whatever the length, refused up to 11 digits.
        bits = bits.min(if chars.len() <= 11 { 20.0 } else { 40.0 });
    }
    // Short is short, whatever the pools: 8 characters (4 CJK) at least.
    let short = if pools.cjk {
        chars.len() < 4
    } else {
        chars.len() < 8
    };
    let bits = bits.round() as u32;
    let level = if short || bits < 28 {
        PassphraseLevel::TooWeak
    } else if bits < 45 {
        PassphraseLevel::Weak
    } else if bits < 65 {
        PassphraseLevel::Fair
    } else {
        PassphraseLevel::Strong
    };
    (level, bits)
}

fn words(level: PassphraseLevel) -> (Text, Text) {
    match level {
        PassphraseLevel::TooWeak => (
            Text::new("太弱", "Too weak"),
            Text::new(
                "这个口令一猜就中，不能用于备份。请至少用 8 个字符（或 4 个汉字），不要用生日、手机号或常见口令；最好是 4 个以上互不相关的词语。",
                "This passphrase would be guessed at once and cannot protect a backup. Use at least 8 characters (or 4 Chinese characters), no birthday, phone number or common password; best, 4 or more unrelated words.",
            ),
        ),
        PassphraseLevel::Weak => (
            Text::new("弱", "Weak"),
            Text::new(
                "口令较弱：备份文件若落入他人之手，可能被猜出。建议加长到 4 个以上互不相关的词语，或 12 个以上字符。",
                "A weak passphrase: if someone gets the backup file, it could be guessed. Make it 4 or more unrelated words, or 12 or more characters.",
            ),
        ),
        PassphraseLevel::Fair => (
            Text::new("一般", "Fair"),
            Text::new(
                "口令尚可；再加一两个词会更安全。",
                "A fair passphrase; one or two more words make it safer.",
            ),
        ),
        PassphraseLevel::Strong => (
            Text::new("强", "Strong"),
            Text::new(
                "口令强度良好。请把口令和备份文件分开保存：没有口令，谁也无法恢复。",
                "A strong passphrase. Keep it apart from the backup file: without it, nobody can restore.",
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(p: &str) -> PassphraseLevel {
        assess_passphrase(p).level
    }

    #[test]
    fn what_people_pick_first_is_refused() {
        for p in [
            "",
            "123456",
            "5201314",
            "woaini",
            "Password",
            "19900101",
            "13812345678",
            "abc",
            "aaaaaaaaaa",
            "abcdefgh",
            "退路",
            "我爱你",
        ] {
            assert_eq!(level(p), PassphraseLevel::TooWeak, "{p:?}");
            assert!(!assess_passphrase(p).accepted);
        }
    }

    #[test]
    fn longer_and_mixed_is_stronger() {
        assert_eq!(level("sunflower"), PassphraseLevel::Weak);
        assert_eq!(level("Sunflower1"), PassphraseLevel::Fair);
        assert_eq!(level("Sunflower-1987"), PassphraseLevel::Strong);
        assert_eq!(
            level("correct horse battery staple"),
            PassphraseLevel::Strong
        );
        assert_eq!(level("门前大桥下 游过一群鸭"), PassphraseLevel::Strong);
        assert!(level("四个汉字") >= PassphraseLevel::Weak);
        // More characters never make it weaker.
        let mut p = String::from("x7Q");
        let mut last = level(&p);
        for c in "k2-Lm9!pz 4Rt".chars() {
            p.push(c);
            let now = level(&p);
            assert!(now >= last, "{p:?}");
            last = now;
        }
    }

    #[test]
    fn every_level_has_words_in_both_languages() {
        for p in [
            "1",
            "sunflower",
            "Sunflower1",
            "correct horse battery staple",
        ] {
            let a = assess_passphrase(p);
            assert!(!a.label.zh.is_empty() && !a.label.en.is_empty());
            assert!(!a.advice.zh.is_empty() && !a.advice.en.is_empty());
        }
    }
}
