//! `tuilu workdays ...`: China working-day questions, answered and worded by
//! `tuilu_core::app::cli_workdays` on the run's calendar.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tuilu_core::app::cli_workdays::{self as workdays, parse_count, parse_day};

use crate::cmd_calendar::load_calendar;
use crate::output::{print_out, Globals};

/// 中国工作日计算（含法定节假日与调休） / China working days (public holidays and make-up days)
#[derive(Args)]
pub struct WorkdaysArgs {
    #[command(subcommand)]
    pub command: WorkdaysCommand,
}

/// `tuilu workdays` subcommands.
#[derive(Subcommand)]
pub enum WorkdaysCommand {
    /// 某天是否工作日 / is a date a working day
    Is {
        /// 日期 / date, YYYY-MM-DD
        date: String,
    },
    /// 某天之后第 N 个工作日 / the N-th working day after a date
    Add {
        /// 起始日期（不计入） / start date (not counted), YYYY-MM-DD
        date: String,
        /// 工作日数（负数表示往前） / number of working days (negative: before)
        #[arg(allow_negative_numbers = true, value_parser = parse_count)]
        n: i32,
    },
    /// 两个日期之间的工作日数（不含起始日，含结束日） / working days after FROM up to and including TO
    Between {
        /// 起始日期（不计入） / start date (not counted), YYYY-MM-DD
        from: String,
        /// 结束日期（计入） / end date (counted), YYYY-MM-DD
        to: String,
    },
}

/// Runs `tuilu workdays ...`.
pub fn run(g: &Globals, args: WorkdaysArgs) -> anyhow::Result<ExitCode> {
    let cal = load_calendar(g)?;
    let day = |s: &str| parse_day(s).map_err(anyhow::Error::msg);
    let out = match args.command {
        WorkdaysCommand::Is { date } => workdays::is_working_day(&cal, day(&date)?),
        WorkdaysCommand::Add { date, n } => workdays::add_working_days(&cal, day(&date)?, n)?,
        WorkdaysCommand::Between { from, to } => {
            workdays::working_days_between(&cal, day(&from)?, day(&to)?)
        }
    };
    print_out(g, &out)
}
