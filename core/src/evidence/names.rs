//! Safe, readable file names for export bundles.

use chrono::{DateTime, Utc};

use crate::calendar::BEIJING;

/// Longest file name (in bytes) written into a bundle, well under the 255-byte limit of
/// common file systems even after `files/` and an unzip tool's own additions.
pub const MAX_NAME_BYTES: usize = 150;

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        // Bidirectional overrides and isolates can disguise an extension ("gpj.exe").
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        // Zero-width and BOM characters hide in names.
        || matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}')
}

/// One path component: no separators, control or bidi characters, no `..`, no leading or
/// trailing dots or spaces, at most `max_bytes` bytes (cut on a character boundary).
pub fn sanitize_component(s: &str, max_bytes: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if is_unsafe(c) { '_' } else { c };
        let c = if c.is_whitespace() { ' ' } else { c };
        // Collapse runs of dots (no "..") and of underscores/spaces.
        if (c == '.' || c == '_' || c == ' ') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c: char| c == '.' || c == ' ');
    let mut out = truncate_bytes(trimmed, max_bytes).to_string();
    while out.ends_with('.') || out.ends_with(' ') {
        out.pop();
    }
    out
}

fn truncate_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Splits a short alphanumeric extension off a name: `("报告", Some("pdf"))`.
fn split_ext(name: &str) -> (&str, Option<&str>) {
    match name.rfind('.') {
        Some(i) if i > 0 => {
            let ext = &name[i + 1..];
            if !ext.is_empty() && ext.len() <= 10 && ext.chars().all(|c| c.is_ascii_alphanumeric())
            {
                (&name[..i], Some(ext))
            } else {
                (name, None)
            }
        }
        _ => (name, None),
    }
}

/// `<NN>_<YYYYMMDD-HHMMSS>_<original-name>`; the time is China Standard Time. No step id:
/// the reader of a bundle sees which steps a file proves in the index (a file can prove
/// several), and an id is no word for a Chinese reader (issue 27).
pub fn bundle_file_name(n: usize, width: usize, time: DateTime<Utc>, original: &str) -> String {
    let stamp = time.with_timezone(&BEIJING).format("%Y%m%d-%H%M%S");
    let prefix = format!("{n:0width$}_{stamp}_");
    let budget = MAX_NAME_BYTES.saturating_sub(prefix.len()).max(16);
    let clean = sanitize_component(original, usize::MAX);
    let (stem, ext) = split_ext(&clean);
    let name = match ext {
        Some(ext) => {
            let stem = truncate_bytes(stem, budget.saturating_sub(ext.len() + 1));
            let stem = stem.trim_end_matches(['.', ' ']);
            let stem = if stem.is_empty() { "file" } else { stem };
            format!("{stem}.{ext}")
        }
        None => {
            let s = truncate_bytes(stem, budget).trim_end_matches(['.', ' ']);
            if s.is_empty() {
                "file".to_string()
            } else {
                s.to_string()
            }
        }
    };
    format!("{prefix}{name}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, 6, 30, 15).unwrap()
    }

    #[test]
    fn readable_names() {
        assert_eq!(
            bundle_file_name(3, 2, t(), "充值记录.png"),
            "03_20240501-143015_充值记录.png"
        );
        assert_eq!(
            bundle_file_name(12, 3, t(), "chat.txt"),
            "012_20240501-143015_chat.txt"
        );
    }

    #[test]
    fn hostile_names_are_defused() {
        for bad in [
            "../../etc/passwd",
            "..",
            ".hidden",
            "a/b\\c",
            "line\nbreak\r\0nul",
            "\u{202E}gpj.exe",
            "   ",
            "con.txt",
            "x.........",
        ] {
            let name = bundle_file_name(1, 2, t(), bad);
            assert!(!name.contains('/') && !name.contains('\\'), "{name}");
            assert!(!name.contains(".."), "{name}");
            assert!(!name.starts_with('.'), "{name}");
            assert!(
                !name.chars().any(|c| c.is_control() || c == '\u{202E}'),
                "{name}"
            );
            assert!(name.len() <= MAX_NAME_BYTES, "{name}");
        }
        let long = "长".repeat(200) + ".mp4";
        let name = bundle_file_name(1, 2, t(), &long);
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with(".mp4"), "{name}");
    }
}
