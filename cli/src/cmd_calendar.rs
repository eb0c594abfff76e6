//! `tuilu calendar ...`: holiday data status and imports.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};

use crate::output::Globals;
use tuilu_core::app::cli_workdays;
use tuilu_core::calendar::{calendar_dir, ChinaCalendar};

use crate::vault_path::resolve_vault;

/// 节假日数据：查看与导入 / holiday data: status and import
#[derive(Args)]
pub struct CalendarArgs {
    #[command(subcommand)]
    pub command: CalendarCommand,
}

/// `tuilu calendar` subcommands.
#[derive(Subcommand)]
pub enum CalendarCommand {
    /// 导入某一年的放假安排文件（holiday-cn JSON 格式） / import a year's holiday file (holiday-cn JSON format)
    Import {
        /// 文件路径 / path of the file
        file: PathBuf,
    },
    /// 显示已收录的年份、来源及哪些年份是估算 / show the years covered, their source and which are estimates
    Status,
    /// 导出截止日期和提醒为 .ics / export deadlines and reminders as iCalendar (RFC 5545).
    Export(crate::cmd_reminders::CalendarExportArgs),
}

/// The run's calendar: the application layer's (bundled data plus the vault's imports)
/// when the vault folder exists; otherwise bundled data only, creating nothing. Stored
/// files that were skipped are reported on stderr.
pub(crate) fn load_calendar(g: &Globals) -> anyhow::Result<Arc<ChinaCalendar>> {
    let cal = match resolve_vault(g.vault.as_deref()) {
        Ok(vault) if vault.is_dir() => crate::views::open_app(g)?.calendar()?,
        Ok(vault) => Arc::new(ChinaCalendar::with_overrides(&calendar_dir(&vault))?),
        Err(_) => Arc::new(ChinaCalendar::bundled()),
    };
    for warning in cli_workdays::problem_warnings(&cal.status(), g.lang) {
        eprintln!("{warning}");
    }
    Ok(cal)
}

/// Runs `tuilu calendar ...`.
pub fn run(g: &Globals, args: CalendarArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        CalendarCommand::Export(export) => crate::cmd_reminders::run_calendar(g, export),
        // Through the app: its calendar and its vault's count with the new year at once.
        CalendarCommand::Import { file } => {
            let out = crate::views::open_app(g)?
                .cli_import_holiday_year(&crate::views::context(g), &file)?;
            crate::output::print_out(g, &out)
        }
        CalendarCommand::Status => {
            let status = load_calendar(g)?.status();
            if g.json {
                crate::output::print_json(&status)?;
            } else {
                cli_workdays::status_lines(&status)
                    .iter()
                    .for_each(|l| println!("{l}"));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
