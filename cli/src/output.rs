//! Shared output helpers: global flags, JSON printing, error reporting.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::Args;
use tuilu_core::app::cli_support::{error_words, Printout};
use tuilu_core::Lang;

/// Flags every command accepts.
#[derive(Args, Clone, Debug)]
pub struct Globals {
    /// 输出 JSON / print JSON for scripts.
    #[arg(long, global = true)]
    pub json: bool,
    /// 界面语言 zh|en / output language.
    #[arg(long, global = true, default_value = "zh", value_parser = parse_lang)]
    pub lang: Lang,
    /// 保险库目录（默认 $TUILU_VAULT，否则用户数据目录）/ vault directory (default:
    /// $TUILU_VAULT, else the user data directory).
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,
    /// 把此时间当作“现在”（RFC 3339），用于截止日期与逾期 / treat this time as now (RFC 3339),
    /// for deadlines and overdue flags.
    #[arg(long, global = true, value_name = "RFC3339", value_parser = parse_time)]
    pub now: Option<DateTime<Utc>>,
}

impl Globals {
    /// `--now` when given, else the system clock.
    pub fn clock(&self) -> DateTime<Utc> {
        self.now.unwrap_or_else(Utc::now)
    }
}

/// Parses an RFC 3339 time (`2026-11-20T10:00:00+08:00`) into UTC.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            format!(
                "需要 RFC 3339 时间，例如 2026-11-20T10:00:00+08:00 / expected an RFC 3339 time such as 2026-11-20T10:00:00+08:00, got `{s}`"
            )
        })
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("expected zh or en, got `{s}`"))
}

/// The Chinese or the English of a piece of CLI text, per `--lang`.
pub fn t<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Exit status when a check (evidence, a bundle) finds problems.
pub const NOT_INTACT: u8 = 2;

/// Prints what the app gave a command: its JSON with `--json`, else its lines; its problems
/// on stderr. The exit status: 1 when there were problems, [`NOT_INTACT`] when what it
/// checked is not intact, else 0.
pub fn print_out(g: &Globals, out: &Printout) -> anyhow::Result<ExitCode> {
    if g.json {
        if !out.json.is_null() {
            print_json(&out.json)?;
        }
    } else {
        for line in &out.lines {
            println!("{line}");
        }
    }
    for e in &out.errors {
        eprintln!("{}{e}", t(g.lang, "错误：", "error: "));
    }
    Ok(if !out.errors.is_empty() {
        ExitCode::FAILURE
    } else if !out.intact {
        ExitCode::from(NOT_INTACT)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints an error chain to stderr (no backtrace) and returns the failure exit code. An
/// error of the application layer is said in `lang` only, naming things by their titles.
pub fn report_error(e: &anyhow::Error, lang: Lang) -> ExitCode {
    if let Some(app) = e.downcast_ref::<tuilu_core::app::AppError>() {
        eprintln!("{}{}", t(lang, "错误：", "error: "), app.message(lang));
        return ExitCode::FAILURE;
    }
    // The core's errors are worded by the core in the user's language; the system's
    // reason (an OS error) follows once, as a detail line.
    let words = |err: &(dyn std::error::Error + 'static)| -> String {
        error_words(err, lang).unwrap_or_else(|| err.to_string())
    };
    let mut last = words(e.as_ref());
    eprintln!("{}{last}", t(lang, "错误：", "error: "));
    for cause in e.chain().skip(1) {
        let line = words(cause);
        if line != last && !last.contains(&line) {
            eprintln!("  {}{line}", t(lang, "原因：", "caused by: "));
        }
        last = line;
    }
    ExitCode::FAILURE
}
