//! The letters of a case as the command line prints them (`tuilu letters`, `tuilu letter`):
//! the phones' [`LettersView`] and [`LetterView`] laid out as text, with what a letter
//! still needs and the commands that answer it, in the run's language. The CLI prints the
//! text, or the views themselves with `--json`.

use std::fmt::Write as _;
use std::path::Path;

use super::{LetterView, LettersView, QuestionView};
use crate::text::Lang;

/// What `tuilu letter --mark-sent` says once the copy is kept: the letter, when it was
/// sent and the step it belongs to.
pub fn sent_text(v: &LetterView, lang: Lang) -> Option<String> {
    let copy = v.sent.last()?;
    Some(match lang {
        Lang::Zh => format!("「{}」{}，属于{}。", v.title, copy.text, v.step_text),
        Lang::En => format!("“{}”: {}, for {}.", v.title, copy.text, v.step_text),
    })
}

/// What `tuilu letter -o FILE` says once the letter is written.
pub fn written_text(v: &LetterView, path: &Path, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("已写入 {}：「{}」", path.display(), v.title),
        Lang::En => format!("Wrote {}: “{}”", path.display(), v.title),
    }
}

/// The list: numbered, each with its step, its state, and why it is not available.
pub fn letters_text(v: &LettersView, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", v.title);
    if let Some(e) = &v.empty_text {
        let _ = writeln!(out, "{e}");
        return out;
    }
    for l in &v.letters {
        let _ = writeln!(
            out,
            "{:>2}. {}{}{}{} — {}",
            l.number,
            l.title,
            lang.pick("（", " ("),
            l.kind_label,
            lang.pick("）", ")"),
            l.status_text
        );
        let _ = writeln!(out, "      {}{}", lang.pick("属于", "for "), l.step_text);
        if let Some(r) = &l.reason {
            let _ = writeln!(out, "      🔒 {r}");
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        match lang {
            Lang::Zh => format!(
                "生成文书：tuilu letter {} <序号> [--format html] [-o 文件]",
                v.case_id
            ),
            Lang::En => format!(
                "Write one: tuilu letter {} <number> [--format html] [-o FILE]",
                v.case_id
            ),
        }
    );
    out
}

/// How to answer a question, in a few words; a choice lists its options.
fn answer_hint(q: &QuestionView, lang: Lang) -> String {
    use super::QuestionKind as K;
    match q.kind {
        K::Choice => {
            let labels: Vec<String> = q
                .options
                .iter()
                .map(|o| match lang {
                    Lang::Zh => format!("「{}」", o.label),
                    Lang::En => format!("“{}”", o.label),
                })
                .collect();
            match lang {
                Lang::Zh => format!("从中选一项：{}", labels.join("、")),
                Lang::En => format!("one of {}", labels.join(", ")),
            }
        }
        K::YesNo => lang.pick("回答 是 或 否", "yes or no").to_string(),
        K::Money => lang
            .pick("金额（元），如 8000", "an amount in yuan, e.g. 8000")
            .to_string(),
        K::Integer => lang
            .pick("整数，如 3", "a whole number, e.g. 3")
            .to_string(),
        K::Date => lang
            .pick("日期，如 2026-09-30", "a date, e.g. 2026-09-30")
            .to_string(),
        K::DateTime => lang
            .pick(
                "日期和时间，如 2026-09-30 20:00（北京时间）",
                "a date and time, e.g. 2026-09-30 20:00 (Beijing time)",
            )
            .to_string(),
        K::Text => lang.pick("直接写文字", "in your own words").to_string(),
    }
}

/// What a letter still needs, as questions with the command that answers them.
pub fn incomplete_text(v: &LetterView, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", v.title);
    if let Some(r) = &v.reason {
        let _ = writeln!(out, "🔒 {r}");
        return out;
    }
    if let Some(m) = &v.missing_text {
        let _ = writeln!(out, "{m}{}", lang.pick("：", ":"));
    }
    for q in &v.missing {
        let _ = writeln!(out, "  ? {}（{}）", q.text, answer_hint(q, lang));
        if let Some(h) = &q.help {
            let _ = writeln!(out, "    {h}");
        }
    }
    // The fact ids are what the user types here.
    let example: Vec<String> = v
        .missing
        .iter()
        .map(|q| format!("--fact {}=…", q.id))
        .collect();
    let _ = writeln!(
        out,
        "\n{}tuilu case facts {} {}",
        lang.pick("回答：", "Answer: "),
        v.case_id,
        example.join(" ")
    );
    out
}

/// Beside the letter, never in it: the advice, the source and the copies sent.
pub fn footer_text(v: &LetterView, lang: Lang) -> String {
    let mut out = String::from("\n――――\n");
    if let Some(g) = &v.guidance {
        let _ = writeln!(out, "{}{g}", lang.pick("写法提示：", "Tip: "));
    }
    let _ = writeln!(
        out,
        "{}“{}” {}",
        lang.pick("出处：", "Source: "),
        v.source.quote,
        v.source.summary
    );
    if let Some(n) = &v.source.note {
        let _ = writeln!(out, "{}{n}", lang.pick("说明：", "Note: "));
    }
    for c in &v.sent {
        let _ = writeln!(out, "✉ {}", c.text);
    }
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::Zh => format!(
                "发出后记录：tuilu letter {} {} --mark-sent [--at 时间]",
                v.case_id, v.number
            ),
            Lang::En => format!(
                "Once sent: tuilu letter {} {} --mark-sent [--at TIME]",
                v.case_id, v.number
            ),
        }
    );
    out
}
