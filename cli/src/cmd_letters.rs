//! `tuilu letters <case>` and `tuilu letter <case> <n> [--lang] [--format] [-o] [--mark-sent]`:
//! the letters drafted from a case (the core's `LettersView` and `LetterView`, as text by
//! `app::cli_letters`).

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use tuilu_core::app::letters::html;
use tuilu_core::app::{cli_letters, AppError};

use crate::output::{parse_time, print_json, Globals};
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
        print!("{}", cli_letters::letters_text(&view, g.lang));
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
        } else if let Some(line) = cli_letters::sent_text(&v, g.lang) {
            println!("{line}");
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
        print!("{}", cli_letters::incomplete_text(&v, g.lang));
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
            println!("{}", cli_letters::written_text(&v, path, g.lang));
            print!("{}", cli_letters::footer_text(&v, g.lang));
        }
        None => {
            print!("{body}");
            if matches!(args.format, Format::Text) {
                print!("{}", cli_letters::footer_text(&v, g.lang));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
