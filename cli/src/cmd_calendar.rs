//! `tuilu calendar ...`: holiday data status and imports.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};

use crate::output::{t, Globals};
use tuilu_core::calendar::{calendar_dir, CalendarStatus, ChinaCalendar};

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
    for p in cal.status().problems {
        eprintln!(
            "{}{}: {}",
            t(
                g.lang,
                "警告：已忽略无效的数据文件 ",
                "warning: ignored an invalid data file "
            ),
            p.path,
            p.message
        );
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
            let cal = load_calendar(g)?;
            let status = cal.status();
            if g.json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                print_status(&status);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_status(status: &CalendarStatus) {
    println!("年份 year  来源 source       列出天数 days  状态 status");
    for y in &status.years {
        let source = y.source.label();
        let state = if y.estimated {
            "估算：未列出任何日期 / estimate: no days listed"
        } else {
            "已收录 / published"
        };
        let replaced = if y.replaces_bundled {
            "（替换内置 / replaces bundled）"
        } else {
            ""
        };
        println!(
            "{:<10} {:<16} {:<14} {state}{replaced}",
            y.year,
            format!("{} {}", source.zh, source.en),
            y.days_listed
        );
    }
    println!(
        "未列出的年份没有数据：按周一至周五上班、周末休息估算，结果标为估算 / years not listed have no data: computed with Monday–Friday working days and marked as estimates"
    );
    if let Some(dir) = &status.overrides_dir {
        println!("导入目录 / import directory: {dir}");
    }
    for p in &status.problems {
        println!("问题 / problem: {}: {}", p.path, p.message);
    }
}
