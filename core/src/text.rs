//! Bilingual user-facing text. Simplified Chinese first, English second.

use serde::{Deserialize, Serialize};

/// Display language for user-facing text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Simplified Chinese (zh-Hans), the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses `zh`, `zh-Hans`, `zh-CN`, `en`, `en-US`... Unknown values give `None`.
    pub fn parse(s: &str) -> Option<Lang> {
        let lower = s.to_ascii_lowercase();
        if lower == "zh" || lower.starts_with("zh-") || lower.starts_with("zh_") {
            Some(Lang::Zh)
        } else if lower == "en" || lower.starts_with("en-") || lower.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The Chinese or the English of a short piece of text, per this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A piece of user-facing text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Text {
    #[serde(default)]
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang`, falling back to the other language when empty.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh if !self.zh.is_empty() => &self.zh,
            Lang::En if !self.en.is_empty() => &self.en,
            Lang::Zh => &self.en,
            Lang::En => &self.zh,
        }
    }

    /// [`Text::get`], taking the text instead of copying it.
    pub fn into_lang(self, lang: Lang) -> String {
        match lang {
            Lang::Zh if !self.zh.is_empty() => self.zh,
            Lang::En if !self.en.is_empty() => self.en,
            Lang::Zh => self.en,
            Lang::En => self.zh,
        }
    }

    /// Which languages are missing (empty after trimming).
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.zh.trim().is_empty() {
            out.push("zh");
        }
        if self.en.trim().is_empty() {
            out.push("en");
        }
        out
    }
}

/// One language of a message written "中文 / English" (how the domain's error types say
/// both): the part before the first " / " for Chinese, after it for English. A message
/// without the separator is returned as it is.
pub fn one_language(both: &str, lang: Lang) -> String {
    match (lang, both.split_once(" / ")) {
        (Lang::Zh, Some((zh, _))) => zh.to_string(),
        (Lang::En, Some((_, en))) => en.to_string(),
        _ => both.to_string(),
    }
}

/// Bytes for people: "512 B", "1.2 MB" (1024-based). The one size formatter of the core,
/// the CLI and the bundle report; the same in both languages.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// [`size_text`] for a reader of `lang`: a Chinese text says bytes as 字节 ("993 字节"),
/// never with the English unit B; KB, MB and GB read the same in both.
pub fn size_text_in(lang: Lang, bytes: u64) -> String {
    if lang == Lang::Zh && bytes < 1024 {
        format!("{bytes} 字节")
    } else {
        size_text(bytes)
    }
}

/// A wall-clock time to the minute, "2026-10-09 14:30", as every view and reminder shows
/// one (the same in both languages). Written field by field: `format("%Y-%m-%d %H:%M")`
/// parses its pattern on every call, which a home screen of a thousand deadlines pays for.
pub fn minute_text<T: chrono::Datelike + chrono::Timelike>(t: &T) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(16);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02} {:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    );
    out
}

/// "1 case", "3 cases": an English count with its noun.
pub fn count_en(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::minute_text;
    use chrono::{FixedOffset, TimeZone, Utc};

    #[test]
    fn minute_text_reads_as_the_pattern_it_replaces() {
        let zones = [0, 8 * 3600, -(5 * 3600 + 30 * 60)];
        for secs in [0_i64, 1_759_990_212, 1_767_225_599, 4_102_444_800] {
            let t = Utc.timestamp_opt(secs, 0).unwrap();
            for off in zones {
                let local = t.with_timezone(&FixedOffset::east_opt(off).unwrap());
                assert_eq!(
                    minute_text(&local),
                    local.format("%Y-%m-%d %H:%M").to_string()
                );
            }
        }
        let t = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 59).unwrap();
        assert_eq!(minute_text(&t), "2026-01-02 03:04");
    }
}
