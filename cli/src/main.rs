//! `tuilu`: the desktop shell over tuilu-core.

mod cmd_calendar;
mod cmd_workdays;
mod vault_path;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// 退路 Tuilu — leave a platform relationship cleanly.
#[derive(Parser)]
#[command(name = "tuilu", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    Workdays(cmd_workdays::WorkdaysArgs),
    Calendar(cmd_calendar::CalendarArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Workdays(args) => cmd_workdays::run(args),
        Command::Calendar(args) => cmd_calendar::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
