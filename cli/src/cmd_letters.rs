//! `tuilu letters <case>` and `tuilu letter <case> <n> [--lang] [--format] [-o] [--mark-sent]`:
//! the letters drafted from a case (the core's `LettersView` and `LetterView`).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use tuilu_core::app::letters::html;
use tuilu_core::app::{AppError, LetterView, LettersView};
use tuilu_core::Lang;

use crate::output::{parse_time, print_json, t, Globals};
use crate::views::{context, open_app_with_vault as open_app};

#[derive(Args)]
pub struct LettersArgs {
    /// 案件 id（或至少 4 位的唯一前缀）/ case id (or a unique prefix of 4+ characters).
    pub case: String,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    /// 纯文本，可复制 / plain text to copy.
    Text,
    /// 可打印的 HTML（A4）/ printable HTML (A4).
    Html,
}

#[derive(Args)]
pub struct LetterArgs {
    /// 案件 id（或至少 4 位的唯一前缀）/ case id (or a unique prefix of 4+ characters).
    pub case: String,
    /// 文书序号（tuilu letters 列出的）或 id / the letter's number in `tuilu letters`, or its id.
    pub letter: String,
    /// 输出格式 / output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// 写入文件 / write to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// 记录为已发送：中文文书存为该步骤的证据 / record it as sent: the Chinese letter is kept
    /// as evidence of its step.
    #[arg(long)]
    pub mark_sent: bool,
    /// 发送时间（RFC 3339），默认现在 / when it was sent (RFC 3339), default now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time, requires = "mark_sent")]
    pub at: Option<DateTime<Utc>>,
}

pub fn letters(g: &Globals, args: LettersArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(g)?;
    let view = app.letters(&context(g), &args.case)?;
    if g.json {
        print_json(&view)?;
    } else {
        print!("{}", render_list(&view, g.lang));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn letter(g: &Globals, args: LetterArgs) -> anyhow::Result<ExitCode> {
    let app = open_app(g)?;
    let cx = context(g);
    if args.mark_sent {
        let v = app.mark_letter_sent(&cx, &args.case, &args.letter, args.at)?;
        if g.json {
            print_json(&v)?;
        } else if let Some(copy) = v.sent.last() {
            println!(
                "{}",
                match g.lang {
                    Lang::Zh => format!("「{}」{}，属于{}。", v.title, copy.text, v.step_text),
                    Lang::En => format!("“{}”: {}, for {}.", v.title, copy.text, v.step_text),
                }
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let v = app.letter(&cx, &args.case, &args.letter)?;
    if g.json {
        print_json(&v)?;
        return Ok(if v.complete {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        });
    }
    if !v.complete {
        // No letter with blanks: say what is missing, and write no file.
        print!("{}", render_incomplete(&v, g.lang));
        return Ok(ExitCode::FAILURE);
    }
    let body = match args.format {
        Format::Text => v.plain_text.clone(),
        Format::Html => html(&v),
    };
    match &args.output {
        Some(path) => {
            tuilu_core::files::write_atomic(path, body.as_bytes()).map_err(|e| {
                AppError::Storage {
                    detail: format!("{}: {e}", path.display()),
                }
            })?;
            println!(
                "{}",
                match g.lang {
                    Lang::Zh => format!("已写入 {}：「{}」", path.display(), v.title),
                    Lang::En => format!("Wrote {}: “{}”", path.display(), v.title),
                }
            );
            print!("{}", render_footer(&v, g.lang));
        }
        None => {
            print!("{body}");
            if matches!(args.format, Format::Text) {
                print!("{}", render_footer(&v, g.lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The list: numbered, each with its step, its state, and why it is not available.
pub fn render_list(v: &LettersView, lang: Lang) -> String {
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
            t(lang, "（", " ("),
            l.kind_label,
            t(lang, "）", ")"),
            l.status_text
        );
        let _ = writeln!(out, "      {}{}", t(lang, "属于", "for "), l.step_text);
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
fn answer_hint(q: &tuilu_core::app::QuestionView, lang: Lang) -> String {
    use tuilu_core::app::QuestionKind as K;
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
        K::YesNo => t(lang, "回答 是 或 否", "yes or no").to_string(),
        K::Money => t(lang, "金额（元），如 8000", "an amount in yuan, e.g. 8000").to_string(),
        K::Integer => t(lang, "整数，如 3", "a whole number, e.g. 3").to_string(),
        K::Date => t(lang, "日期，如 2026-09-30", "a date, e.g. 2026-09-30").to_string(),
        K::DateTime => t(
            lang,
            "日期和时间，如 2026-09-30 20:00（北京时间）",
            "a date and time, e.g. 2026-09-30 20:00 (Beijing time)",
        )
        .to_string(),
        K::Text => t(lang, "直接写文字", "in your own words").to_string(),
    }
}

/// What a letter still needs, as questions with the command that answers them.
fn render_incomplete(v: &LetterView, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", v.title);
    if let Some(r) = &v.reason {
        let _ = writeln!(out, "🔒 {r}");
        return out;
    }
    if let Some(m) = &v.missing_text {
        let _ = writeln!(out, "{m}{}", t(lang, "：", ":"));
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
        t(lang, "回答：", "Answer: "),
        v.case_id,
        example.join(" ")
    );
    out
}

/// Beside the letter, never in it: the advice, the source and the copies sent.
fn render_footer(v: &LetterView, lang: Lang) -> String {
    let mut out = String::from("\n――――\n");
    if let Some(g) = &v.guidance {
        let _ = writeln!(out, "{}{g}", t(lang, "写法提示：", "Tip: "));
    }
    let _ = writeln!(
        out,
        "{}“{}” {}",
        t(lang, "出处：", "Source: "),
        v.source.quote,
        v.source.summary
    );
    if let Some(n) = &v.source.note {
        let _ = writeln!(out, "{}{n}", t(lang, "说明：", "Note: "));
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
