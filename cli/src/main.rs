//! `tuilu`: the desktop shell over tuilu-core.
//!
//! Human output is Simplified Chinese by default (`--lang en` for English); `--json` gives
//! machine-readable output whose keys are ids, never titles. Errors go to stderr with a
//! non-zero exit status.

mod cmd_backup;
mod cmd_calendar;
mod cmd_case;
mod cmd_evidence;
mod cmd_letters;
mod cmd_reminders;
mod cmd_rule_updates;
mod cmd_rules;
mod cmd_step;
mod cmd_workdays;
mod output;
mod progress;
mod vault_path;
mod views;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 退路 Tuilu — 干净地退出平台关系 / leave a platform relationship cleanly.
#[derive(Parser)]
#[command(name = "tuilu", version, about, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    globals: output::Globals,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 列出场景 / list the exit scenarios.
    Scenarios(cmd_rules::ScenariosArgs),
    /// 生成退出计划 / show the step-by-step exit plan for a scenario.
    Plan(cmd_rules::PlanArgs),
    /// 规则包工具 / rule-pack tools.
    Rules {
        #[command(subcommand)]
        command: cmd_rules::RulesCommand,
    },
    /// 中国工作日计算 / China working days (public holidays and make-up days).
    Workdays(cmd_workdays::WorkdaysArgs),
    /// 节假日数据与日历导出 / holiday data and calendar export.
    Calendar(cmd_calendar::CalendarArgs),
    /// 案件：进度、截止日期、日志 / cases: progress, deadlines, journal.
    Case {
        #[command(subcommand)]
        command: cmd_case::CaseCommand,
    },
    /// 案件可起草的文书及不可用的原因 / the letters a case can draft, and why others cannot.
    Letters(cmd_letters::LettersArgs),
    /// 生成一份文书（通知、申请、投诉），或记录为已发送 / write one letter (notice, request,
    /// complaint), or record it as sent.
    Letter(cmd_letters::LetterArgs),
    /// 更新步骤状态 / move a step of a case: start, submit, done, skip, block, undo.
    Step(cmd_step::StepArgs),
    /// 提醒：计划、推迟、忽略、与已安排通知比较 / reminders: plan, snooze, dismiss, diff.
    Reminders(cmd_reminders::RemindersArgs),
    /// 证据：添加、校验、导出 / evidence: add, verify, export.
    Evidence {
        #[command(subcommand)]
        command: cmd_evidence::EvidenceCommand,
    },
    /// 加密备份与恢复 / encrypted backup and restore of the whole vault.
    Backup {
        #[command(subcommand)]
        command: cmd_backup::BackupCommand,
    },
}

fn main() -> ExitCode {
    // Like other command-line tools, end quietly when the reader of our output goes away
    // (`tuilu scenarios | head`) instead of panicking on a broken pipe: Rust ignores
    // SIGPIPE by default, so restore the default action.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let g = &cli.globals;
    let result = match cli.command {
        Command::Scenarios(args) => cmd_rules::scenarios(g, args),
        Command::Plan(args) => cmd_rules::plan(g, args),
        Command::Rules { command } => cmd_rules::rules(g, command),
        Command::Workdays(args) => cmd_workdays::run(g, args),
        Command::Calendar(args) => cmd_calendar::run(g, args),
        Command::Case { command } => cmd_case::case(g, command),
        Command::Step(args) => cmd_step::step(g, args),
        Command::Letters(args) => cmd_letters::letters(g, args),
        Command::Letter(args) => cmd_letters::letter(g, args),
        Command::Evidence { command } => cmd_evidence::run(g, command),
        Command::Reminders(args) => cmd_reminders::run_reminders(g, args),
        Command::Backup { command } => cmd_backup::run(g, command),
    };
    views::close_app();
    match result {
        Ok(code) => code,
        Err(e) => output::report_error(&e, cli.globals.lang),
    }
}
