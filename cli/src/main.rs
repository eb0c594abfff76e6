//! `tuilu`: the desktop shell over tuilu-core.
//!
//! Human output is Simplified Chinese by default (`--lang en` for English); `--json` gives
//! machine-readable output whose keys are ids, never titles. Errors go to stderr with a
//! non-zero exit status.

mod cmd_evidence;
mod cmd_rules;
mod output;

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
    /// 证据：添加、校验、导出 / evidence: add, verify, export.
    Evidence {
        #[command(subcommand)]
        command: cmd_evidence::EvidenceCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let g = &cli.globals;
    let result = match cli.command {
        Command::Scenarios(args) => cmd_rules::scenarios(g, args),
        Command::Plan(args) => cmd_rules::plan(g, args),
        Command::Rules { command } => cmd_rules::rules(g, command),
        // Until the vault is wired, only `verify-bundle` runs; see cmd_evidence::run.
        Command::Evidence { command } => cmd_evidence::run_without_vault(g, command),
    };
    match result {
        Ok(code) => code,
        Err(e) => output::report_error(&e),
    }
}
