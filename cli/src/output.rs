//! Shared output helpers: global flags, JSON printing, error reporting.

use std::process::ExitCode;

use clap::Args;
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
    /// 数据目录（默认 $TUILU_VAULT 或 ~/.local/share/tuilu） / data directory (default $TUILU_VAULT, else $XDG_DATA_HOME/tuilu or ~/.local/share/tuilu).
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<std::path::PathBuf>,
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    Lang::parse(s).ok_or_else(|| format!("expected zh or en, got `{s}`"))
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize + ?Sized>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints an error chain to stderr (no backtrace) and returns the failure exit code.
pub fn report_error(e: &anyhow::Error) -> ExitCode {
    eprintln!("错误 / error: {e}");
    for cause in e.chain().skip(1) {
        eprintln!("  原因 / caused by: {cause}");
    }
    ExitCode::FAILURE
}
