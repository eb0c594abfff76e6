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

/// "1 case", "3 cases": an English count with its noun.
pub fn count_en(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}
