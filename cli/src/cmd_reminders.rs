//! `tuilu reminders …` and `tuilu calendar export`: the reminder planner from a terminal,
//! through the process's app (`core/src/app/cli_reminders.rs`), which words the result.
//!
//! `--now` defaults to the system clock, `--tz` to the `TZ` environment variable when it
//! names an IANA zone, else Asia/Shanghai.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tuilu_core::app::cli_reminders::ReminderCommand;

use crate::output::{print_out, Globals};
use crate::views::{context, open_app};

/// Time-zone flag shared by the reminder commands (`--now` is global).
#[derive(Args, Clone, Debug, Default)]
pub struct TimeArgs {
    /// 你的时区（IANA，如 Europe/Berlin）/ your IANA time zone (default: $TZ or Asia/Shanghai).
    #[arg(long, global = true)]
    pub tz: Option<String>,
}

/// `tuilu reminders [--now RFC3339] [--tz ZONE] [--limit N] [--json] [snooze|dismiss|diff]`
#[derive(Args, Clone, Debug)]
pub struct RemindersArgs {
    #[command(subcommand)]
    pub command: Option<RemindersCommand>,
    #[command(flatten)]
    pub time: TimeArgs,
    /// 最多几条提醒 / most reminders to plan (iOS keeps 64).
    #[arg(long, global = true, default_value_t = 60)]
    pub limit: usize,
}

#[derive(Subcommand, Clone, Debug)]
pub enum RemindersCommand {
    /// 推迟提醒 / snooze a reminder: 10m, 1h, morning, next-working-day.
    Snooze {
        id: String,
        /// 10m、1h、morning 或 next-working-day.
        choice: String,
    },
    /// 不再提醒 / dismiss a reminder.
    Dismiss { id: String },
    /// 与已安排的通知比较 / compare the plan with scheduled notification ids.
    Diff {
        /// 已安排的 id（逗号分隔，可带 #fingerprint）/ scheduled ids, comma-separated.
        #[arg(long, value_delimiter = ',')]
        scheduled: Vec<String>,
    },
}

/// `tuilu calendar export [--case ID] -o FILE`
#[derive(Args, Clone, Debug)]
pub struct CalendarExportArgs {
    /// 只导出这个案例 / only this case.
    #[arg(long)]
    pub case: Option<String>,
    /// 输出文件 / output file (.ics).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    #[command(flatten)]
    pub time: TimeArgs,
}

/// Runs `tuilu reminders …`.
pub fn run_reminders(g: &Globals, args: RemindersArgs) -> anyhow::Result<ExitCode> {
    let command = match args.command {
        None => ReminderCommand::Plan,
        Some(RemindersCommand::Snooze { id, choice }) => ReminderCommand::Snooze { id, choice },
        Some(RemindersCommand::Dismiss { id }) => ReminderCommand::Dismiss { id },
        Some(RemindersCommand::Diff { scheduled }) => ReminderCommand::Diff { scheduled },
    };
    let out =
        open_app(g)?.cli_reminders(&context(g), &command, args.time.tz.as_deref(), args.limit)?;
    print_out(g, &out)
}

/// Runs `tuilu calendar export …`.
pub fn run_calendar(g: &Globals, args: CalendarExportArgs) -> anyhow::Result<ExitCode> {
    let out = open_app(g)?.cli_export_calendar(
        &context(g),
        args.case.as_deref(),
        &args.output,
        args.time.tz.as_deref(),
    )?;
    print_out(g, &out)
}
