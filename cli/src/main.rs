//! `tuilu`: the desktop shell over tuilu-core.

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
enum Command {}

fn main() -> ExitCode {
    let _cli = Cli::parse();
    ExitCode::SUCCESS
}
