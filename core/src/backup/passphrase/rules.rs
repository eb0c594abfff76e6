//! The small passphrase estimator of the phone library (built without the
//! `strength-zxcvbn` feature; docs/adr/0006-small-passphrase-rules-on-phones.md).
//!
//! It estimates, as zxcvbn does, the fewest guesses an attacker who knows how people pick
//! passphrases needs, as log10: the passphrase is cut into pieces, each piece costs what
//! the cheapest way to guess it costs, and the cut with the lowest total wins (dynamic
//! programming over the positions). The pieces it knows:
//!
//! - a word of a short list of common passwords and the tokens Chinese users pick first
//!   (`woaini`, `5201314`, …), also with capitals and look-alike digits (`P@ssw0rd`):
//!   guessed by rank;
//! - a character repeated (`aaaa`), or a part repeated (`abcabc`, `12345 12345`);
//! - a sequence (`abcd`, `9876`) or a run of keyboard keys (`qwerty`, `147258369`);
//! - a year (1900–2039), a date of 6 or 8 digits, a Chinese mobile number;
//! - a run of letters, counted as dictionary words (20,000 guesses for about every 7
//!   letters) unless it has 5 consonants in a row (then letter by letter);
//! - any other character: 10 for a digit, 26 for a letter, 33 for a symbol, 4 for a
//!   separator (space, dash, dot, underscore, comma), 10 for a character outside ASCII
//!   (as zxcvbn: people type phrases, and phrases are predictable).
//!
//! It is stricter than zxcvbn where it knows less (any run of up to 7 letters is taken
//! for a dictionary word) and has no word lists beyond the common passwords: a name or an
//! English word it does not list still costs only 20,000 guesses as a word.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::text::Text;

/// What the estimate found, for the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Finding {
    /// One of the ten most common passwords.
    Top10,
    /// One of the hundred most common.
    Top100,
    /// Another listed password or token.
    Common,
    /// A listed password with capitals or look-alike characters.
    SimilarToCommon,
    /// `aaaa`.
    RepeatedCharacter,
    /// `abcabc`.
    RepeatedPart,
    /// `abcd`, `4321`.
    Sequence,
    /// `qwerty`, `147258`.
    KeyboardRun,
    /// `1990`.
    Year,
    /// `19900101`.
    Date,
    /// `13812345678`.
    PhoneNumber,
    /// A single run of letters taken for one word.
    SingleWord,
}

impl Finding {
    /// What was found, in our words (the same sentences as the zxcvbn build).
    pub(super) fn text(self) -> Text {
        let (zh, en) = match self {
            Finding::Top10 => (
                "这是最常见的十个口令之一。",
                "This is one of the ten most common passwords.",
            ),
            Finding::Top100 => (
                "这是最常见的一百个口令之一。",
                "This is one of the hundred most common passwords.",
            ),
            Finding::Common => ("这是很常见的口令。", "This is a very common password."),
            Finding::SimilarToCommon => (
                "这和常见口令只差一点：大写字母或用符号、数字代替相似的字母（例如用 @ 代替 a）帮助不大。",
                "This is close to a common password: capitals or look-alike symbols and digits (@ for a) do not help much.",
            ),
            Finding::RepeatedCharacter => (
                "同一个字符的重复很容易猜到。",
                "A character repeated is easy to guess.",
            ),
            Finding::RepeatedPart => (
                "重复一段内容，几乎不比只写一遍难猜。",
                "Repeating a part is hardly harder to guess than writing it once.",
            ),
            Finding::Sequence => (
                "按顺序排列的字母或数字很容易猜到。",
                "Letters or digits in sequence are easy to guess.",
            ),
            Finding::KeyboardRun => (
                "键盘上连成一排的按键很容易猜到。",
                "A straight row of keys is easy to guess.",
            ),
            Finding::Year => ("年份很容易猜到。", "Years are easy to guess."),
            Finding::Date => ("日期很容易猜到。", "Dates are easy to guess."),
            Finding::PhoneNumber => (
                "手机号很容易猜到，认识你的人更是一猜就中。",
                "A phone number is easy to guess, above all for someone who knows you.",
            ),
            Finding::SingleWord => (
                "单独一个词很容易猜到。",
                "A single word is easy to guess.",
            ),
        };
        Text::new(zh, en)
    }
}

/// The estimate: log10 of the guesses, and what was found (most telling first).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Estimate {
    pub log10: f64,
    pub findings: Vec<Finding>,
}

/// Common passwords, most common first (the rank is the guess count), then the tokens
/// Chinese users pick first (those zxcvbn is given as extra words in the other build).
/// Lower case, each once; a look-alike (`p@ssw0rd`) is matched through [`plain`].
const COMMON: &[&str] = &[
    "123456",
    "password",
    "123456789",
    "12345678",
    "12345",
    "qwerty",
    "111111",
    "1234567",
    "woaini",
    "5201314",
    "abc123",
    "000000",
    "iloveyou",
    "123123",
    "666666",
    "888888",
    "qwerty123",
    "1q2w3e4r",
    "admin",
    "qwertyuiop",
    "654321",
    "555555",
    "lovely",
    "7777777",
    "welcome",
    "princess",
    "dragon",
    "password1",
    "123qwe",
    "monkey",
    "letmein",
    "football",
    "baseball",
    "sunshine",
    "master",
    "shadow",
    "superman",
    "michael",
    "jennifer",
    "trustno1",
    "hello",
    "freedom",
    "whatever",
    "starwars",
    "batman",
    "charlie",
    "flower",
    "sunflower",
    "computer",
    "internet",
    "secret",
    "passw0rd",
    "login",
    "google",
    "pokemon",
    "liverpool",
    "chelsea",
    "arsenal",
    "soccer",
    "hockey",
    "killer",
    "hunter",
    "ranger",
    "buster",
    "thomas",
    "robert",
    "jordan",
    "daniel",
    "andrew",
    "joshua",
    "michelle",
    "jessica",
    "ashley",
    "nicole",
    "summer",
    "winter",
    "spring",
    "autumn",
    "orange",
    "banana",
    "apple",
    "cookie",
    "cheese",
    "chocolate",
    "butterfly",
    "angel",
    "love",
    "lover",
    "loveme",
    "family",
    "friend",
    "friends",
    "forever",
    "happy",
    "lucky",
    "money",
    "tigger",
    "ginger",
    "pepper",
    "maggie",
    "matrix",
    "mustang",
    "corvette",
    "harley",
    "yankees",
    "access",
    "qazwsx",
    "zaq12wsx",
    "1qaz2wsx",
    "zxcvbnm",
    "asdfgh",
    "asdfghjkl",
    "qweasdzxc",
    "test",
    "guest",
    "root",
    "user",
    "default",
    "changeme",
    "beijing",
    "shanghai",
    "shenzhen",
    "guangzhou",
    "zhongguo",
    "china",
    "woaini1314",
    "woaini520",
    "1314520",
    "1314",
    "520",
    "aini",
    "qq",
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
    "jiayou",
    "haha",
    "hehe",
    "dandan",
    "tiantian",
    "yiyi",
    "lele",
    "wang",
    "zhang",
    "liu",
    "chen",
    "yang",
    "huang",
    "zhao",
    "zhou",
    "wangwei",
    "zhangwei",
    "lina",
    "liuyang",
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

/// Keyboard runs and sequences people type (each also read backwards).
const KEYBOARD_ROWS: &[&str] = &[
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1234567890",
    "!@#$%^&*()",
    "147258369",
    "159357",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
];

/// Passphrases longer than this are estimated on their first `MAX_ANALYSED` characters,
/// the rest letter by letter (already far above the strong level).
const MAX_ANALYSED: usize = 128;

/// Guesses for one word of the letters-as-words model.
const WORD_GUESSES_LOG10: f64 = 4.301_029_995_663_981; // log10(20,000)
/// Letters per word in that model.
const LETTERS_PER_WORD: usize = 7;

fn common_ranks() -> &'static HashMap<Vec<char>, usize> {
    static RANKS: OnceLock<HashMap<Vec<char>, usize>> = OnceLock::new();
    RANKS.get_or_init(|| {
        let mut m = HashMap::new();
        for (rank, w) in COMMON.iter().enumerate() {
            m.entry(w.chars().collect()).or_insert(rank + 1);
        }
        m
    })
}

/// A look-alike read as the letter it stands for (`@` → `a`, `0` → `o`).
fn plain(c: char) -> char {
    match c {
        '@' | '4' => 'a',
        '3' => 'e',
        '1' | '!' | '|' => 'i',
        '0' => 'o',
        '5' | '$' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '9' => 'g',
        '2' => 'z',
        c => c,
    }
}

fn char_log10(c: char) -> f64 {
    match c {
        '0'..='9' => 1.0,
        'a'..='z' | 'A'..='Z' => 26f64.log10(),
        ' ' | '-' | '_' | '.' | ',' => 4f64.log10(),
        c if c.is_ascii() => 33f64.log10(),
        _ => 1.0,
    }
}

fn is_consonant(c: char) -> bool {
    c.is_ascii_alphabetic() && !matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// The extra guesses for capitals in a piece: none, the first only or all: 2; mixed: one
/// doubling per capital or small letter, whichever is fewer.
fn case_log10(piece: &[char]) -> f64 {
    let upper = piece.iter().filter(|c| c.is_ascii_uppercase()).count();
    let lower = piece.iter().filter(|c| c.is_ascii_lowercase()).count();
    if upper == 0 {
        0.0
    } else if lower == 0 || (upper == 1 && piece[0].is_ascii_uppercase()) {
        2f64.log10()
    } else {
        upper.min(lower) as f64 * 2f64.log10()
    }
}

/// A candidate piece `[start, end)` and what guessing it costs.
struct Piece {
    start: usize,
    end: usize,
    log10: f64,
    finding: Option<Finding>,
}

/// The estimate for `key` (what the backup is encrypted with).
pub(super) fn estimate(key: &str) -> Estimate {
    let all: Vec<char> = key.chars().collect();
    let n = all.len().min(MAX_ANALYSED);
    let chars = &all[..n];
    let rest: f64 = all[n..].iter().map(|&c| char_log10(c)).sum();
    let mut pieces = Vec::new();
    dictionary(chars, &mut pieces);
    repeats(chars, &mut pieces);
    sequences(chars, &mut pieces);
    keyboard(chars, &mut pieces);
    digits(chars, &mut pieces);
    words(chars, &mut pieces);

    // best[i]: the cheapest guess of the first i characters, and the piece that ends it.
    let mut best: Vec<(f64, Option<usize>)> = vec![(f64::INFINITY, None); n + 1];
    best[0] = (0.0, None);
    let mut by_end: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    for (i, p) in pieces.iter().enumerate() {
        by_end[p.end].push(i);
    }
    for end in 1..=n {
        let mut b = (best[end - 1].0 + char_log10(chars[end - 1]), None);
        for &i in &by_end[end] {
            let p = &pieces[i];
            let cost = best[p.start].0 + p.log10;
            if cost < b.0 {
                b = (cost, Some(i));
            }
        }
        best[end] = b;
    }
    // Walk back for what was found.
    let mut findings = Vec::new();
    let mut end = n;
    while end > 0 {
        match best[end].1 {
            Some(i) => {
                if let Some(f) = pieces[i].finding {
                    findings.push(f);
                }
                end = pieces[i].start;
            }
            None => end -= 1,
        }
    }
    crate::sort::sort(&mut findings);
    findings.dedup();
    Estimate {
        log10: best[n].0 + rest,
        findings,
    }
}

/// Listed passwords and tokens, as typed (case aside) or through look-alikes.
fn dictionary(chars: &[char], out: &mut Vec<Piece>) {
    let ranks = common_ranks();
    let longest = COMMON.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    for start in 0..chars.len() {
        for end in start + 2..=chars.len().min(start + longest) {
            let piece = &chars[start..end];
            let lower: Vec<char> = piece.iter().map(|c| c.to_ascii_lowercase()).collect();
            let whole = start == 0 && end == chars.len();
            // Two-character tokens ("qq", "wo") only as the whole passphrase.
            if piece.len() < 3 && !whole {
                continue;
            }
            if let Some(&rank) = ranks.get(&lower) {
                let finding = if lower.iter().zip(piece).any(|(a, b)| a != b) {
                    Finding::SimilarToCommon
                } else if rank <= 10 {
                    Finding::Top10
                } else if rank <= 100 {
                    Finding::Top100
                } else {
                    Finding::Common
                };
                out.push(Piece {
                    start,
                    end,
                    log10: (rank as f64).log10() + case_log10(piece),
                    finding: Some(finding),
                });
            }
            let subs = lower.iter().filter(|&&c| plain(c) != c).count();
            if subs > 0 {
                let plain: Vec<char> = lower.iter().map(|&c| plain(c)).collect();
                if let Some(&rank) = ranks.get(&plain) {
                    out.push(Piece {
                        start,
                        end,
                        log10: (rank as f64).log10()
                            + case_log10(piece)
                            + subs.min(4) as f64 * 2f64.log10(),
                        finding: Some(Finding::SimilarToCommon),
                    });
                }
            }
        }
    }
}

/// A character repeated (3 or more), and a part that repeats an earlier one.
fn repeats(chars: &[char], out: &mut Vec<Piece>) {
    for start in 0..chars.len() {
        let mut end = start + 1;
        while end < chars.len() && chars[end] == chars[start] {
            end += 1;
            if end - start >= 3 {
                out.push(Piece {
                    start,
                    end,
                    log10: char_log10(chars[start]) + ((end - start) as f64).log10(),
                    finding: Some(Finding::RepeatedCharacter),
                });
            }
        }
    }
    // A part of 3 or more characters that appeared before: guessed as "repeat the part
    // that starts there", a few guesses per earlier position and length.
    for start in 3..chars.len() {
        for len in 3..=(chars.len() - start).min(start).min(32) {
            let part = &chars[start..start + len];
            if (0..=start - len).any(|k| &chars[k..k + len] == part) {
                out.push(Piece {
                    start,
                    end: start + len,
                    log10: ((start * len) as f64).log10(),
                    finding: Some(Finding::RepeatedPart),
                });
            }
        }
    }
}

/// Letters or digits going up or down one at a time (`abcd`, `4321`).
fn sequences(chars: &[char], out: &mut Vec<Piece>) {
    for start in 0..chars.len() {
        let first = chars[start];
        if !first.is_ascii_alphanumeric() {
            continue;
        }
        for delta in [1i32, -1] {
            let mut end = start + 1;
            while end < chars.len()
                && chars[end].is_ascii_alphanumeric()
                && chars[end] as i32 - chars[end - 1] as i32 == delta
                && chars[end].is_ascii_digit() == first.is_ascii_digit()
            {
                end += 1;
                if end - start >= 3 {
                    let starts: f64 = if matches!(first, 'a' | 'A' | 'z' | 'Z' | '0' | '1' | '9') {
                        4.0
                    } else if first.is_ascii_digit() {
                        10.0
                    } else {
                        26.0
                    };
                    out.push(Piece {
                        start,
                        end,
                        log10: (starts * 2.0 * (end - start) as f64).log10(),
                        finding: Some(Finding::Sequence),
                    });
                }
            }
        }
    }
}

/// Runs of at least 4 keys along a row or column of the keyboard, either way.
fn keyboard(chars: &[char], out: &mut Vec<Piece>) {
    let lower: Vec<char> = chars.iter().map(|c| c.to_ascii_lowercase()).collect();
    for row in KEYBOARD_ROWS {
        for row in [row.chars().collect::<Vec<_>>(), row.chars().rev().collect()] {
            for start in 0..lower.len() {
                let Some(pos) = row.iter().position(|&c| c == lower[start]) else {
                    continue;
                };
                let mut len = 1;
                while start + len < lower.len()
                    && pos + len < row.len()
                    && row[pos + len] == lower[start + len]
                {
                    len += 1;
                    if len >= 4 {
                        out.push(Piece {
                            start,
                            end: start + len,
                            log10: (row.len() as f64 * 4.0 * len as f64).log10()
                                + case_log10(&chars[start..start + len]),
                            finding: Some(Finding::KeyboardRun),
                        });
                    }
                }
            }
        }
    }
}

/// Years, dates and Chinese mobile numbers in runs of digits.
fn digits(chars: &[char], out: &mut Vec<Piece>) {
    let num = |s: &[char]| -> u32 {
        s.iter()
            .fold(0, |n, c| n * 10 + c.to_digit(10).unwrap_or(0))
    };
    let is_year = |y: u32| (1900..=2039).contains(&y);
    let is_day = |m: u32, d: u32| (1..=12).contains(&m) && (1..=31).contains(&d);
    for start in 0..chars.len() {
        let run = chars[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if run >= 4 && is_year(num(&chars[start..start + 4])) {
            out.push(Piece {
                start,
                end: start + 4,
                log10: 140f64.log10(),
                finding: Some(Finding::Year),
            });
        }
        if run >= 8 {
            let s = &chars[start..start + 8];
            let ymd = is_year(num(&s[..4])) && is_day(num(&s[4..6]), num(&s[6..8]));
            let dmy = is_year(num(&s[4..])) && is_day(num(&s[2..4]), num(&s[..2]));
            let mdy = is_year(num(&s[4..])) && is_day(num(&s[..2]), num(&s[2..4]));
            if ymd || dmy || mdy {
                out.push(Piece {
                    start,
                    end: start + 8,
                    log10: (140.0f64 * 366.0 * 3.0).log10(),
                    finding: Some(Finding::Date),
                });
            }
        }
        if run >= 6 {
            let s = &chars[start..start + 6];
            if is_day(num(&s[2..4]), num(&s[4..6])) || is_day(num(&s[..2]), num(&s[2..4])) {
                out.push(Piece {
                    start,
                    end: start + 6,
                    log10: (100.0f64 * 366.0 * 2.0).log10(),
                    finding: Some(Finding::Date),
                });
            }
        }
        // 1[3-9] and 9 digits: about 1.6 billion numbers are in use.
        if run >= 11 && chars[start] == '1' && ('3'..='9').contains(&chars[start + 1]) {
            out.push(Piece {
                start,
                end: start + 11,
                log10: 1.6e9f64.log10(),
                finding: Some(Finding::PhoneNumber),
            });
        }
    }
}

/// Each maximal run of ASCII letters as dictionary words, unless it has 5 consonants in a
/// row (not a word in English or pinyin: then it is guessed letter by letter).
fn words(chars: &[char], out: &mut Vec<Piece>) {
    let mut start = 0;
    while start < chars.len() {
        if !chars[start].is_ascii_alphabetic() {
            start += 1;
            continue;
        }
        let len = chars[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        let run = &chars[start..start + len];
        let consonants = run
            .split(|&c| !is_consonant(c))
            .map(<[char]>::len)
            .max()
            .unwrap_or(0);
        if consonants < 5 {
            let words = len.div_ceil(LETTERS_PER_WORD);
            out.push(Piece {
                start,
                end: start + len,
                log10: words as f64 * WORD_GUESSES_LOG10 + case_log10(run),
                finding: (words == 1).then_some(Finding::SingleWord),
            });
        }
        start += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log10(p: &str) -> f64 {
        estimate(p).log10
    }

    #[test]
    fn what_people_pick_first_costs_few_guesses() {
        for p in [
            "",
            "123456",
            "5201314",
            "woaini",
            "Password",
            "19900101",
            "13812345678",
            "13907559836",
            "abc",
            "aaaaaaaaaa",
            "abcdefgh",
            "退路",
            "我爱你",
            "Password1!",
            "P@ssw0rd",
            "qwerty123",
            "woaini1314520",
            "Woaini@1314",
            "sunflower",
            "Sunflower1",
            "Sunflower-1987",
            "correct horse",
            "000000000000000000000000000000",
            "12345 12345 12345 12345 12345 12345",
            "abcabcabcabc",
            "qazwsxedc",
            "1qaz2wsx3edc",
            "zhangwei19900101",
        ] {
            assert!(log10(p) < 10.0, "{p:?}: {:?}", estimate(p));
        }
    }

    #[test]
    fn phrases_random_strings_and_codes_cost_many() {
        for (p, at_least) in [
            ("correct horse battery staple", 14.0),
            ("violet canoe thunder pickle", 14.0),
            ("menqian daqiao youguo yiqun ya", 14.0),
            ("门前大桥下 游过一群鸭", 10.0),
            ("xkqzvbwmtrpl", 12.0),
            ("x7Qk2-Lm9!pz 4Rt", 14.0),
            ("041729338512870455631962240817", 14.0),
        ] {
            assert!(log10(p) >= at_least, "{p:?}: {:?}", estimate(p));
        }
    }

    #[test]
    fn the_list_is_lower_case_and_each_word_once() {
        let mut seen = std::collections::HashSet::new();
        for w in COMMON {
            assert_eq!(*w, w.to_lowercase(), "{w}");
            assert!(seen.insert(*w), "{w} twice");
        }
    }

    #[test]
    fn it_says_what_it_found() {
        assert!(estimate("password").findings.contains(&Finding::Top10));
        assert!(estimate("P@ssw0rd")
            .findings
            .contains(&Finding::SimilarToCommon));
        assert!(estimate("aaaaaaaa")
            .findings
            .contains(&Finding::RepeatedCharacter));
        assert!(estimate("abcdefgh").findings.contains(&Finding::Sequence));
        assert!(estimate("violet19900101").findings.contains(&Finding::Date));
        assert!(estimate("13907559836")
            .findings
            .contains(&Finding::PhoneNumber));
    }

    #[test]
    fn a_long_paste_is_estimated_on_its_start_and_counted_in_full() {
        let long: String = "aZ3$ ".repeat(2_000);
        let e = estimate(&long);
        assert!(e.log10 > 100.0, "{e:?}");
        assert!(e.findings.contains(&Finding::RepeatedPart), "{e:?}");
    }
}
