//! `tuilu workdays ...`: China working-day questions.

use anyhow::anyhow;
use chrono::{Datelike, NaiveDate, Weekday};
use clap::{Args, Subcommand};

use crate::output::Globals;
use serde_json::json;
use tuilu_core::calendar::{DayKind, EstimateReason};

use crate::cmd_calendar::load_calendar;

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

fn parse_date(s: &str) -> anyhow::Result<NaiveDate> {
    let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    ok.then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| {
            anyhow!("无效日期 \"{s}\"，应为 YYYY-MM-DD / invalid date \"{s}\", expected YYYY-MM-DD")
        })
}

fn parse_count(s: &str) -> Result<i32, String> {
    s.parse().map_err(|_| {
        format!("无效的工作日数 \"{s}\"，应为整数 / invalid number of working days \"{s}\", expected an integer")
    })
}

fn weekday(d: NaiveDate) -> (&'static str, &'static str) {
    match d.weekday() {
        Weekday::Mon => ("周一", "Mon"),
        Weekday::Tue => ("周二", "Tue"),
        Weekday::Wed => ("周三", "Wed"),
        Weekday::Thu => ("周四", "Thu"),
        Weekday::Fri => ("周五", "Fri"),
        Weekday::Sat => ("周六", "Sat"),
        Weekday::Sun => ("周日", "Sun"),
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn print_estimate_note(reason: Option<EstimateReason>) {
    if let Some(r) = reason {
        let t = r.text();
        println!(
            "注意：这是估算。{} / note: this is an estimate: {}",
            t.zh, t.en
        );
    }
}

/// Runs `tuilu workdays ...`.
pub fn run(g: &Globals, args: WorkdaysArgs) -> anyhow::Result<()> {
    let cal = load_calendar(g)?;
    match args.command {
        WorkdaysCommand::Is { date } => {
            let date = parse_date(&date)?;
            let info = cal.is_working_day(date);
            if g.json {
                let out = json!({
                    "date": ymd(date),
                    "working": info.working,
                    "kind": info.kind,
                    "reason": info.reason,
                    "estimated": info.estimated,
                    "estimate_reason": info.estimate_reason.map(|r| r.to_string()),
                    "estimate_year": info.estimate_reason.map(|r| r.year),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(());
            }
            let (wzh, wen) = weekday(date);
            let label = info.kind.label();
            let (name_zh, name_en) = match &info.reason {
                Some(n) if !n.is_empty() => (format!("（{n}）"), format!(" ({n})")),
                _ => (String::new(), String::new()),
            };
            let (answer, zh_tail, en_tail) = if info.working {
                ("yes", "，上班", ", a working day")
            } else {
                ("no", "，不上班", ", not a working day")
            };
            let label_zh = if info.kind == DayKind::Weekday {
                "周一至周五"
            } else {
                label.zh.as_str()
            };
            println!(
                "{answer}  ({} {wzh}：{label_zh}{name_zh}{zh_tail} / {wen} {}: {}{name_en}{en_tail})",
                ymd(date),
                ymd(date),
                label.en
            );
            print_estimate_note(info.estimate_reason);
        }
        WorkdaysCommand::Add { date, n } => {
            let from = parse_date(&date)?;
            let r = cal.add_working_days(from, n)?;
            if g.json {
                let out = json!({
                    "from": ymd(from),
                    "n": n,
                    "date": ymd(r.date),
                    "estimated": r.estimated,
                    "estimate_reason": r.estimate_reason.map(|r| r.to_string()),
                    "estimate_year": r.estimate_reason.map(|r| r.year),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(());
            }
            println!(
                "{}  (按中国工作日计算 / counted in China working days)",
                ymd(r.date)
            );
            let (fzh, fen) = weekday(from);
            let unit_en = if n.unsigned_abs() == 1 {
                "working day"
            } else {
                "working days"
            };
            let (rzh, ren) = weekday(r.date);
            if n >= 0 {
                println!(
                    "{}（{fzh}）之后第 {n} 个工作日是 {}（{rzh}） / {n} {unit_en} after {fen} {} is {ren} {}",
                    ymd(from),
                    ymd(r.date),
                    ymd(from),
                    ymd(r.date)
                );
            } else {
                let m = n.unsigned_abs();
                println!(
                    "{}（{fzh}）之前第 {m} 个工作日是 {}（{rzh}） / {m} {unit_en} before {fen} {} is {ren} {}",
                    ymd(from),
                    ymd(r.date),
                    ymd(from),
                    ymd(r.date)
                );
            }
            print_estimate_note(r.estimate_reason);
        }
        WorkdaysCommand::Between { from, to } => {
            let (from, to) = (parse_date(&from)?, parse_date(&to)?);
            let c = cal.working_days_between(from, to);
            if g.json {
                let out = json!({
                    "from": ymd(from),
                    "to": ymd(to),
                    "count": c.count,
                    "estimated": c.estimated,
                    "estimate_reason": c.estimate_reason.map(|r| r.to_string()),
                    "estimate_year": c.estimate_reason.map(|r| r.year),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
                return Ok(());
            }
            println!(
                "{}  ({} 之后至 {}（含）的工作日数，按中国工作日计算 / working days after {} up to and including {}, counted in China working days)",
                c.count,
                ymd(from),
                ymd(to),
                ymd(from),
                ymd(to)
            );
            print_estimate_note(c.estimate_reason);
        }
    }
    Ok(())
}
