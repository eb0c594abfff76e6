//! `tuilu case ...`: cases in the vault.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;
use tuilu_core::app::cli_support::CommandOutcome;
use tuilu_core::rules::Facts;

use crate::cmd_rules::{collect_facts, find_scenario};
use crate::output::{print_json, t, Globals};
use crate::views::{context, open_app, open_app_with_vault};

#[derive(Subcommand)]
pub enum CaseCommand {
    /// 新建案件 / start a case for a scenario.
    New {
        /// 场景 id / scenario id.
        scenario: String,
        /// 已知事实 name=value，可重复 / a known fact, repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// 从 JSON 文件读取事实 / read facts from a JSON object file.
        #[arg(long, value_name = "FILE")]
        facts_file: Option<PathBuf>,
    },
    /// 列出案件 / list cases with their progress and next deadline.
    List {
        /// 包括已归档的案件 / include archived cases.
        #[arg(long)]
        all: bool,
    },
    /// 查看案件 / show a case's steps, deadlines and overdue flags.
    Show { case: String },
    /// 查看案件日志 / show a case's journal.
    Log { case: String },
    /// 修改事实并重新规划 / change facts and re-plan, keeping progress.
    Facts {
        case: String,
        /// 设置事实 name=value，可重复 / set a fact, repeatable.
        #[arg(long = "fact", value_name = "NAME=VALUE")]
        facts: Vec<String>,
        /// 从 JSON 文件读取事实 / read facts from a JSON object file.
        #[arg(long, value_name = "FILE")]
        facts_file: Option<PathBuf>,
        /// 清除事实（恢复默认）/ forget a fact (back to the default), repeatable.
        #[arg(long = "unset", value_name = "NAME")]
        unset: Vec<String>,
    },
    /// 升级到当前规则包 / re-plan with the current rule pack.
    Upgrade { case: String },
    /// 归档案件 / archive a case.
    Archive { case: String },
    /// 取消归档 / restore an archived case.
    Unarchive { case: String },
    /// 永久删除案件及其日志 / delete a case and its journal for good.
    Delete {
        case: String,
        /// 确认删除 / confirm the deletion.
        #[arg(long)]
        yes: bool,
    },
}

pub fn case(g: &Globals, cmd: CaseCommand) -> anyhow::Result<ExitCode> {
    let lang = g.lang;
    let app = open_app_with_vault(g)?;
    let ctx = context(g);
    match cmd {
        CaseCommand::New {
            scenario,
            facts,
            facts_file,
        } => {
            let book = app.rule_book()?;
            let sc = find_scenario(&book, &scenario)?;
            let facts = collect_facts(sc, &facts, facts_file.as_ref(), lang)?;
            let created = app.create_case_from_facts(&ctx, &scenario, &facts)?;
            print_outcome(g, &created, true)?;
        }
        CaseCommand::List { all } => {
            let home = app.home_with_archived(&ctx, all)?;
            if g.json {
                print_json(&home)?;
            } else {
                print!("{}", tuilu_core::app::cli_screens::home_text(&home, lang));
            }
        }
        CaseCommand::Show { case } => {
            let screen = app.case_screen(&ctx, &case)?;
            if g.json {
                print_json(&screen)?;
            } else {
                print!("{}", tuilu_core::app::cli_screens::case_text(&screen, lang));
            }
        }
        CaseCommand::Log { case } => print_outcome(g, &app.journal_lines(&ctx, &case)?, false)?,
        CaseCommand::Facts {
            case,
            facts,
            facts_file,
            unset,
        } => {
            if facts.is_empty() && facts_file.is_none() && unset.is_empty() {
                bail!(
                    "需要 --fact、--facts-file 或 --unset / give --fact, --facts-file or --unset"
                );
            }
            let book = app.rule_book()?;
            let sc = find_scenario(&book, &app.case_scenario(&ctx, &case)?)?;
            let set = collect_facts(sc, &facts, facts_file.as_ref(), lang)?;
            let report = app.replan_case(&ctx, &case, &set, &unset, false)?;
            print_outcome(g, &report, true)?;
        }
        CaseCommand::Upgrade { case } => {
            let report = app.replan_case(&ctx, &case, &Facts::new(), &[], true)?;
            print_outcome(g, &report, true)?;
        }
        CaseCommand::Archive { case } => {
            print_outcome(g, &app.set_case_archived(&ctx, &case, true)?, false)?
        }
        CaseCommand::Unarchive { case } => {
            print_outcome(g, &app.set_case_archived(&ctx, &case, false)?, false)?
        }
        CaseCommand::Delete { case, yes } => {
            if !yes {
                bail!(
                    "{}",
                    t(
                        lang,
                        "删除不可恢复：案件、其日志和全部证据将永久删除；确认请加 --yes",
                        "Deleting removes the case, its journal and all its evidence for good; pass --yes to confirm"
                    )
                );
            }
            print_outcome(g, &app.delete_case_confirmed(&ctx, &case)?, false)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints the record (`--json`) or the lines; with `checklist`, the case's checklist
/// after a blank line.
pub fn print_outcome(g: &Globals, out: &CommandOutcome, checklist: bool) -> anyhow::Result<()> {
    if g.json {
        return print_json(&out.json);
    }
    for line in &out.lines {
        println!("{line}");
    }
    if checklist {
        println!();
        let screen = open_app(g)?.case_screen(&context(g), &out.case_id)?;
        print!(
            "{}",
            tuilu_core::app::cli_screens::case_text(&screen, g.lang)
        );
    }
    Ok(())
}
