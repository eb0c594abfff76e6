//! What opens a backup: a generated recovery code (the default) or a passphrase the person
//! chose, and how strong a chosen one is, in words for the person typing it.
//!
//! **Recovery code.** As Signal does for its backups: 30 decimal digits from the operating
//! system's CSPRNG (about 99.7 bits), shown in 6 groups of 5. Digits are easy to write on
//! paper and to type on any keyboard, a Chinese one included (full-width digits count).
//! Spaces and dashes between the digits are not part of the code: `12345 67890 …`,
//! `12345-67890-…` and `1234567890…` open the same backup ([`backup_key`]).
//!
//! **Chosen passphrase.** With the `strength-zxcvbn` feature (the CLI) its strength is
//! estimated by [zxcvbn](https://docs.rs/zxcvbn) (dictionaries of leaked passwords, names,
//! English words; keyboard patterns, dates, repeats, l33t substitutions), given the tokens
//! Chinese users pick first (pinyin like `woaini`, the love-codes `520`/`1314`/`5201314`,
//! `qq`, …) as extra words. Without it (the phone library: zxcvbn and its regex engines
//! were 2.4 MB of it, docs/adr/0006-small-passphrase-rules-on-phones.md) by the small
//! estimator in [`rules`]: a short list of common passwords and those tokens, repeats,
//! sequences, keyboard runs, years, dates, phone numbers, and letters counted as words.
//! A passphrase estimated within 10^10 guesses is refused: at the backup's work factor that
//! is within reach of one attacker with a few computers (docs/backup.md#attacker-cost).
//! What the estimator found is said in our own words, Chinese and English.
//!
//! The levels are what the apps show; [`PassphraseLevel::TooWeak`] is refused by
//! [`super::create_backup`].

use std::borrow::Cow;

use serde::Serialize;
#[cfg(feature = "strength-zxcvbn")]
use zxcvbn::feedback::{Suggestion, Warning};

use super::error::BackupError;
use crate::text::Text;

// Compiled in both builds so that its tests run in both; used without `strength-zxcvbn`.
#[cfg_attr(feature = "strength-zxcvbn", allow(dead_code))]
mod rules;

/// How many digits a recovery code has (about 99.7 bits: 30 × log2 10).
pub const RECOVERY_CODE_DIGITS: usize = 30;
/// Digits per group when a recovery code is shown.
pub const RECOVERY_CODE_GROUP: usize = 5;

/// Estimated guesses (log10) below which a chosen passphrase is refused: zxcvbn's top
/// score starts here.
pub const MIN_GUESSES_LOG10: f64 = 10.0;

/// The strength of a passphrase, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PassphraseLevel {
    /// Refused: within 10^10 guesses (a common password, a word with digits, a date).
    TooWeak,
    /// Accepted with advice: 10^10 to 10^12 guesses.
    Weak,
    /// 10^12 to 10^14 guesses.
    Fair,
    /// 10^14 guesses or more (a recovery code: 10^30).
    Strong,
}

/// What the apps show under the passphrase field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassphraseAssessment {
    pub level: PassphraseLevel,
    /// The estimate of the guesses needed, as bits (log2).
    pub bits: u32,
    /// "太弱" / "Too weak" and so on.
    pub label: Text,
    /// What is wrong and what to do about it.
    pub advice: Text,
    /// Whether a backup can be made with it.
    pub accepted: bool,
}

/// Tokens Chinese users put in passwords, most frequent first, given to zxcvbn as extra
/// dictionary words (its own lists are English): pinyin of love and family words, digit
/// love-codes (520 我爱你, 1314 一生一世, 5201314), lucky numbers, QQ, common surnames and
/// given names in pinyin, keyboard runs typed with pinyin input on, and this app's name.
/// (The small estimator's list, `rules::COMMON`, holds them too.)
#[cfg(feature = "strength-zxcvbn")]
const CHINESE_TOKENS: &[&str] = &[
    "woaini",
    "5201314",
    "1314520",
    "1314",
    "520",
    "woaini1314",
    "woaini520",
    "aini",
    "qq",
    "wo",
    "ai",
    "ni",
    "laopo",
    "laogong",
    "baobei",
    "qinai",
    "xiaobao",
    "mima",
    "nihao",
    "aiqing",
    "xingfu",
    "kuaile",
    "zhongguo",
    "beijing",
    "shanghai",
    "shenzhen",
    "guangzhou",
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "zhou",
    "wu",
    "xu",
    "sun",
    "ma",
    "zhu",
    "hu",
    "guo",
    "lin",
    "wei",
    "wangwei",
    "zhangwei",
    "lina",
    "liuyang",
    "jiayou",
    "haha",
    "hehe",
    "dandan",
    "tiantian",
    "yiyi",
    "lele",
    "168",
    "1688",
    "888",
    "666",
    "8888",
    "6666",
    "518",
    "147258369",
    "159357",
    "147258",
    "qweasd",
    "asd",
    "zxc",
    "tuilu",
    "退路",
    "我爱你",
    "密码",
    "一生一世",
];

/// The text the backup is encrypted with: a recovery code without its separators (and
/// with full-width digits made ASCII), anything else exactly as typed. Creation and
/// reading both go through here, so a code opens the backup however it is spaced.
pub fn backup_key(passphrase: &str) -> Cow<'_, str> {
    match recovery_code_digits(passphrase) {
        Some(digits) => Cow::Owned(digits),
        None => Cow::Borrowed(passphrase),
    }
}

/// The 30 digits of `text` when it is a recovery code (spaces, dashes and line breaks
/// between digits ignored; full-width digits and separators accepted).
fn recovery_code_digits(text: &str) -> Option<String> {
    let mut digits = String::with_capacity(RECOVERY_CODE_DIGITS);
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            // Full-width digits, as a Chinese keyboard may type them.
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            ' ' | '-' | '\t' | '\r' | '\n' | '\u{3000}' | '－' | '—' | '–' | '‐' => {}
            _ => return None,
        }
    }
    (digits.len() == RECOVERY_CODE_DIGITS).then_some(digits)
}

/// Whether `text` is shaped like a recovery code (30 digits, separators aside).
pub fn is_recovery_code(text: &str) -> bool {
    recovery_code_digits(text).is_some()
}

/// A fresh recovery code from the operating system's CSPRNG: 30 digits in 6 groups of 5,
/// separated by spaces ("04172 93385 …"). Each digit is drawn without bias (bytes of 250
/// or more are drawn again).
pub fn generate_recovery_code() -> Result<String, BackupError> {
    let mut digits = Vec::with_capacity(RECOVERY_CODE_DIGITS);
    let mut buf = [0u8; 64];
    while digits.len() < RECOVERY_CODE_DIGITS {
        getrandom::getrandom(&mut buf).map_err(|e| BackupError::Io {
            op: "random",
            source: e.into(),
        })?;
        for &b in &buf {
            if b < 250 && digits.len() < RECOVERY_CODE_DIGITS {
                digits.push(b'0' + b % 10);
            }
        }
    }
    let groups: Vec<&str> = digits
        .chunks(RECOVERY_CODE_GROUP)
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    Ok(groups.join(" "))
}

/// Assesses a passphrase (the text exactly as typed; a recovery code without its
/// separators).
pub fn assess_passphrase(passphrase: &str) -> PassphraseAssessment {
    let key = backup_key(passphrase);
    let (log10, found) = estimate(&key);
    let log10 = if key.is_empty() { 0.0 } else { log10 };
    let level = if log10 < MIN_GUESSES_LOG10 {
        PassphraseLevel::TooWeak
    } else if log10 < 12.0 {
        PassphraseLevel::Weak
    } else if log10 < 14.0 {
        PassphraseLevel::Fair
    } else {
        PassphraseLevel::Strong
    };
    let bits = (log10 * std::f64::consts::LOG2_10).round().max(0.0) as u32;
    let (label, mut advice) = words(level);
    if level < PassphraseLevel::Strong && !found.is_empty() {
        // What the estimator found, first; then ours.
        let mut zh = Vec::new();
        let mut en = Vec::new();
        for t in found {
            if !zh.contains(&t.zh) {
                zh.push(t.zh);
                en.push(t.en);
            }
        }
        zh.push(advice.zh);
        en.push(advice.en);
        advice = Text {
            zh: zh.concat(),
            en: en.join(" "),
        };
    }
    PassphraseAssessment {
        level,
        bits,
        label,
        advice,
        accepted: level > PassphraseLevel::TooWeak,
    }
}

/// log10 of the guesses `key` needs, and what was found in it (zxcvbn's warning, then its
/// suggestions, in our words), when anything was.
#[cfg(feature = "strength-zxcvbn")]
fn estimate(key: &str) -> (f64, Vec<Text>) {
    let entropy = zxcvbn::zxcvbn(key, CHINESE_TOKENS);
    let mut found = Vec::new();
    if let Some(feedback) = entropy.feedback() {
        found.extend(feedback.warning().map(warning_text));
        found.extend(feedback.suggestions().iter().map(|s| suggestion_text(*s)));
    }
    (entropy.guesses_log10(), found)
}

/// log10 of the guesses `key` needs, and what was found in it, by the small estimator.
#[cfg(not(feature = "strength-zxcvbn"))]
fn estimate(key: &str) -> (f64, Vec<Text>) {
    let e = rules::estimate(key);
    (e.log10, e.findings.into_iter().map(|f| f.text()).collect())
}

/// zxcvbn's warning in our words.
#[cfg(feature = "strength-zxcvbn")]
fn warning_text(w: Warning) -> Text {
    let (zh, en) = match w {
        Warning::StraightRowsOfKeysAreEasyToGuess => (
            "键盘上连成一排的按键很容易猜到。",
            "A straight row of keys is easy to guess.",
        ),
        Warning::ShortKeyboardPatternsAreEasyToGuess => (
            "键盘上的短图案很容易猜到。",
            "A short keyboard pattern is easy to guess.",
        ),
        Warning::RepeatsLikeAaaAreEasyToGuess => (
            "同一个字符的重复很容易猜到。",
            "A character repeated is easy to guess.",
        ),
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => (
            "重复一段内容，几乎不比只写一遍难猜。",
            "Repeating a part is hardly harder to guess than writing it once.",
        ),
        Warning::ThisIsATop10Password => (
            "这是最常见的十个口令之一。",
            "This is one of the ten most common passwords.",
        ),
        Warning::ThisIsATop100Password => (
            "这是最常见的一百个口令之一。",
            "This is one of the hundred most common passwords.",
        ),
        Warning::ThisIsACommonPassword => ("这是很常见的口令。", "This is a very common password."),
        Warning::ThisIsSimilarToACommonlyUsedPassword => (
            "这和常见口令只差一点。",
            "This is close to a common password.",
        ),
        Warning::SequencesLikeAbcAreEasyToGuess => (
            "按顺序排列的字母或数字很容易猜到。",
            "Letters or digits in sequence are easy to guess.",
        ),
        Warning::RecentYearsAreEasyToGuess => {
            ("近年的年份很容易猜到。", "Recent years are easy to guess.")
        }
        Warning::AWordByItselfIsEasyToGuess => {
            ("单独一个词很容易猜到。", "A single word is easy to guess.")
        }
        Warning::DatesAreOftenEasyToGuess => ("日期很容易猜到。", "Dates are easy to guess."),
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => (
            "单独的姓名很容易猜到。",
            "A name by itself is easy to guess.",
        ),
        Warning::CommonNamesAndSurnamesAreEasyToGuess => {
            ("常见的姓名很容易猜到。", "Common names are easy to guess.")
        }
    };
    Text::new(zh, en)
}

/// zxcvbn's suggestion in our words.
#[cfg(feature = "strength-zxcvbn")]
fn suggestion_text(s: Suggestion) -> Text {
    let (zh, en) = match s {
        Suggestion::UseAFewWordsAvoidCommonPhrases => (
            "用几个互不相关的词语，避开常见的说法。",
            "Use a few unrelated words, not a common phrase.",
        ),
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => (
            "不必加符号、数字或大写字母。",
            "Symbols, digits or capitals are not needed.",
        ),
        Suggestion::AddAnotherWordOrTwo => (
            "再加一两个不常见的词语。",
            "Add another word or two; uncommon words are better.",
        ),
        Suggestion::CapitalizationDoesntHelpVeryMuch => {
            ("大写字母帮助不大。", "Capital letters do not help much.")
        }
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => (
            "全部大写和全部小写几乎一样好猜。",
            "All capitals are about as easy to guess as all small letters.",
        ),
        Suggestion::ReversedWordsArentMuchHarderToGuess => (
            "把词倒过来写，并不难猜多少。",
            "A word written backwards is not much harder to guess.",
        ),
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => (
            "用符号或数字代替相似的字母（例如用 @ 代替 a）帮助不大。",
            "Swapping letters for look-alike symbols or digits (@ for a) does not help much.",
        ),
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => (
            "键盘图案要更长、转折更多，但最好不用。",
            "A keyboard pattern needs to be longer with more turns; better, use none.",
        ),
        Suggestion::AvoidRepeatedWordsAndCharacters => (
            "避免重复的词语和字符。",
            "Avoid repeated words and characters.",
        ),
        Suggestion::AvoidSequences => ("避免按顺序排列的字符。", "Avoid sequences."),
        Suggestion::AvoidRecentYears => ("避免使用近年的年份。", "Avoid recent years."),
        Suggestion::AvoidYearsThatAreAssociatedWithYou => (
            "避免使用和你有关的年份。",
            "Avoid years that have to do with you.",
        ),
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => (
            "避免使用和你有关的日期和年份。",
            "Avoid dates and years that have to do with you.",
        ),
    };
    Text::new(zh, en)
}

fn words(level: PassphraseLevel) -> (Text, Text) {
    match level {
        PassphraseLevel::TooWeak => (
            Text::new("太弱", "Too weak"),
            Text::new(
                "这个口令很快就能被猜出，不能用于备份。建议改用恢复码；自己设定的话，请用 4 个以上互不相关的词语，不要用生日、手机号或常见口令。",
                "This passphrase would be guessed quickly and cannot protect a backup. Use a recovery code instead; or choose 4 or more unrelated words, no birthday, phone number or common password.",
            ),
        ),
        PassphraseLevel::Weak => (
            Text::new("弱", "Weak"),
            Text::new(
                "口令可以使用，但不算强：备份文件若落入他人之手，花足够的力气可能被猜出。建议再加一两个词语。",
                "Usable, but not strong: with enough effort, someone holding the backup file could guess it. Add a word or two.",
            ),
        ),
        PassphraseLevel::Fair => (
            Text::new("一般", "Fair"),
            Text::new(
                "口令尚可；再加一个词会更安全。",
                "A fair passphrase; one more word makes it safer.",
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
            // In every cracking list (issue 23): the old meter accepted these.
            "Password1!",
            "P@ssw0rd",
            "qwerty123",
            "woaini1314520",
            "Woaini@1314",
            "sunflower",
            "Sunflower1",
            "000000000000000000000000000000",
            "12345 12345 12345 12345 12345 12345",
        ] {
            assert_eq!(level(p), PassphraseLevel::TooWeak, "{p:?}");
            assert!(!assess_passphrase(p).accepted, "{p:?}");
        }
    }

    #[test]
    fn word_phrases_and_codes_are_accepted() {
        for p in [
            "correct horse battery staple",
            "violet canoe thunder pickle",
            "menqian daqiao youguo yiqun ya",
            "门前大桥下 游过一群鸭",
        ] {
            let a = assess_passphrase(p);
            assert!(a.accepted, "{p:?}: {a:?}");
        }
        let code = generate_recovery_code().unwrap();
        assert_eq!(level(&code), PassphraseLevel::Strong, "{code}");
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
    fn a_recovery_code_is_thirty_random_digits_in_six_groups() {
        let a = generate_recovery_code().unwrap();
        let b = generate_recovery_code().unwrap();
        assert_ne!(a, b);
        let groups: Vec<&str> = a.split(' ').collect();
        assert_eq!(groups.len(), 6, "{a}");
        assert!(groups
            .iter()
            .all(|g| g.len() == 5 && g.bytes().all(|c| c.is_ascii_digit())));
        // Typed with or without separators, in full-width digits: the same key.
        let digits: String = a.chars().filter(|c| *c != ' ').collect();
        assert_eq!(backup_key(&a), digits);
        assert_eq!(backup_key(&digits), digits);
        assert_eq!(backup_key(&a.replace(' ', "-")), digits);
        let wide: String = a
            .chars()
            .map(|c| match c {
                ' ' => '\u{3000}',
                d => char::from_u32(d as u32 - '0' as u32 + '０' as u32).unwrap(),
            })
            .collect();
        assert_eq!(backup_key(&wide), digits);
        // Not a code: kept as typed.
        assert_eq!(backup_key("12345 67890"), "12345 67890");
        assert_eq!(backup_key(" my words "), " my words ");
        assert!(is_recovery_code(&a) && !is_recovery_code("correct horse"));
    }

    #[test]
    fn chinese_advice_has_no_english_words() {
        for p in [
            "",
            "1",
            "Password1!",
            "P@ssw0rd",
            "qwerty123",
            "woaini1314520",
            "aaaaaaaaaa",
            "abcabcabc",
            "2019",
            "john smith",
            "DRAGON",
            "drowssap",
            "sunflower",
            "violet canoe",
            "correct horse battery staple",
        ] {
            let a = assess_passphrase(p);
            assert!(!a.label.en.is_empty() && !a.advice.en.is_empty());
            let latin: Vec<&str> = a
                .advice
                .zh
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 1)
                .collect();
            assert!(latin.is_empty(), "{p:?}: {} {latin:?}", a.advice.zh);
        }
    }
}
