//! `tuilu step <case> <step> start|submit|done|skip|block|undo`.

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::builder::PossibleValuesParser;
use clap::Args;
use tuilu_core::app::cli_support::step_action_names;

use crate::cmd_case::print_outcome;
use crate::output::{parse_time, Globals};
use crate::views::{context, open_app};

#[derive(Args)]
pub struct StepArgs {
    /// 案件 id（或至少 4 位的唯一前缀）/ case id (or a unique prefix of 4+ characters).
    pub case: String,
    /// 步骤 id / step id.
    pub step: String,
    /// start 开始 | submit 已提交（开始计时）| done 完成 | skip 跳过 | block 受阻（被拒、无回应）|
    /// undo 撤销此步骤最近一次变更 / start, submit (its clock starts), done, skip, block
    /// (refused or no answer), undo (revert the step's latest transition).
    #[arg(value_parser = PossibleValuesParser::new(step_action_names()))]
    pub action: String,
    /// 发生时间（RFC 3339），默认现在 / when it happened (RFC 3339), default now.
    #[arg(long, value_name = "RFC3339", value_parser = parse_time)]
    pub at: Option<DateTime<Utc>>,
    /// 备注 / a note kept in the journal.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// 办理途径（备选途径 id），决定计时 / the route taken (an alternative's id); sets the clock.
    #[arg(long, value_name = "ROUTE")]
    pub route: Option<String>,
}

pub fn step(g: &Globals, args: StepArgs) -> anyhow::Result<ExitCode> {
    let moved = open_app(g)?.move_step(
        &context(g),
        &args.case,
        &args.step,
        &args.action,
        args.at,
        args.note,
        args.route,
    )?;
    print_outcome(g, &moved, false)?;
    Ok(ExitCode::SUCCESS)
}
