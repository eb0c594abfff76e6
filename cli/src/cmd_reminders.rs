//! `tuilu reminders …` and `tuilu calendar export`: the reminder planner from a terminal.
//!
//! The functions take an open vault connection, the already-built reminder subjects (open
//! case steps mapped to [`ReminderSubject`]) and the working-day calendar, so wiring them
//! into `main.rs` is one match arm each:
//!
//! ```ignore
//! Command::Reminders(args) => cmd_reminders::run_reminders(g, &conn, &subjects, &calendar, args),
//! Command::Calendar { command } => cmd_reminders::run_calendar(g, &conn, &subjects, &calendar, command),
//! ```
//!
//! `--now` defaults to the system clock (the only place the clock is read), `--tz` to the
//! `TZ` environment variable when it names an IANA zone, else Asia/Shanghai.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use rusqlite::Connection;
use tuilu_core::reminders::store::{self, load_state};
use tuilu_core::reminders::{
    diff, export_calendar, find_reminder, parse_tz, plan_reminders, snooze_target, snooze_until,
    Reminder, ReminderSettings, ReminderSubject, SnoozeChoice, UserZone, WorkingDays,
};
use tuilu_core::Lang;

use crate::output::{print_json, Globals};

/// Time-zone flag shared by the reminder commands (`--now` is global).
#[derive(Args, Clone, Debug, Default)]
pub struct TimeArgs {
    /// 你的时区（IANA，如 Europe/Berlin）/ your IANA time zone (default: $TZ or Asia/Shanghai).
    #[arg(long, global = true)]
    pub tz: Option<String>,
}

impl TimeArgs {
    fn tz(&self) -> anyhow::Result<UserZone> {
        match &self.tz {
            Some(name) => {
                parse_tz(name).ok_or_else(|| anyhow!("--tz `{name}` is not an IANA time zone"))
            }
            None => Ok(std::env::var("TZ")
                .ok()
                .and_then(|v| parse_tz(v.trim_start_matches(':')))
                .unwrap_or_else(UserZone::beijing)),
        }
    }

    fn settings(&self, limit: usize) -> anyhow::Result<ReminderSettings> {
        Ok(ReminderSettings {
            tz: self.tz()?,
            limit,
            ..ReminderSettings::default()
        })
    }
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
        #[arg(value_parser = parse_choice)]
        choice: SnoozeChoice,
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

fn parse_choice(s: &str) -> Result<SnoozeChoice, String> {
    SnoozeChoice::parse(s)
        .ok_or_else(|| format!("expected 10m, 1h, morning or next-working-day, got `{s}`"))
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
pub fn run_reminders(
    g: &Globals,
    conn: &Connection,
    subjects: &[ReminderSubject],
    calendar: &dyn WorkingDays,
    args: RemindersArgs,
) -> anyhow::Result<ExitCode> {
    let now = g.clock();
    let settings = args.time.settings(args.limit)?;
    let state = load_state(conn)?;
    match args.command {
        None => {
            let plan = plan_reminders(subjects, &state, now, &settings, calendar);
            if g.json {
                print_json(&plan)?;
            } else {
                print_plan(g.lang, &plan);
            }
        }
        Some(RemindersCommand::Snooze { id, choice }) => {
            let r = find(subjects, &state, now, &settings, calendar, &id)?;
            let until = snooze_target(subjects, &settings, calendar, &r, choice, now);
            // A reminder not due yet keeps its planned time (a snooze never moves it earlier).
            let kept = until > snooze_until(choice, now, &settings, calendar);
            store::snooze(conn, &r, until, now)?;
            let local = until.with_timezone(&settings.tz).to_rfc3339();
            if g.json {
                print_json(&serde_json::json!({
                    "id": r.id, "snoozed_until": until, "local_time": local,
                    "kept_planned_time": kept,
                }))?;
            } else {
                match (g.lang, kept) {
                    (Lang::Zh, false) => println!("已推迟「{}」到 {local}", r.title.zh),
                    (Lang::En, false) => println!("Snoozed \"{}\" until {local}", r.title.en),
                    (Lang::Zh, true) => {
                        println!("「{}」还没到提醒时间，仍在原定的 {local} 提醒", r.title.zh)
                    }
                    (Lang::En, true) => println!(
                        "\"{}\" is not due yet; it stays at its planned time {local}",
                        r.title.en
                    ),
                }
            }
        }
        Some(RemindersCommand::Dismiss { id }) => {
            let r = find(subjects, &state, now, &settings, calendar, &id)?;
            store::dismiss(conn, &r, now)?;
            if g.json {
                print_json(&serde_json::json!({ "id": r.id, "dismissed_at": now }))?;
            } else {
                match g.lang {
                    Lang::Zh => println!("不再提醒「{}」", r.title.zh),
                    Lang::En => println!("Dismissed \"{}\"", r.title.en),
                }
            }
        }
        Some(RemindersCommand::Diff { scheduled }) => {
            let plan = plan_reminders(subjects, &state, now, &settings, calendar);
            let d = diff(&plan, &scheduled);
            if g.json {
                print_json(&d)?;
            } else {
                let (add, cancel, keep) = match g.lang {
                    Lang::Zh => ("新增", "取消", "保留"),
                    Lang::En => ("add", "cancel", "keep"),
                };
                for r in &d.add {
                    println!("{add}\t{}\t{}\t{}", r.id, r.local_time, r.title.get(g.lang));
                }
                for t in &d.cancel {
                    println!("{cancel}\t{t}");
                }
                for t in &d.keep {
                    println!("{keep}\t{t}");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn find(
    subjects: &[ReminderSubject],
    state: &store::ReminderState,
    now: DateTime<Utc>,
    settings: &ReminderSettings,
    calendar: &dyn WorkingDays,
    id: &str,
) -> anyhow::Result<Reminder> {
    match find_reminder(subjects, state, now, settings, calendar, id) {
        Some(r) => Ok(r),
        None => bail!("没有这条提醒 / no reminder with id `{id}`"),
    }
}

fn print_plan(lang: Lang, plan: &[Reminder]) {
    if plan.is_empty() {
        match lang {
            Lang::Zh => println!("没有待发的提醒。"),
            Lang::En => println!("No reminders planned."),
        }
        return;
    }
    for r in plan {
        let snoozed = match (r.snoozed, lang) {
            (false, _) => "",
            (true, Lang::Zh) => "（已推迟）",
            (true, Lang::En) => " (snoozed)",
        };
        println!(
            "{}  {}  {}{snoozed}  [{}]",
            r.local_time,
            r.kind.label().get(lang),
            r.title.get(lang),
            r.id
        );
        for m in &r.covers {
            println!("    · {}  [{}]", m.title.get(lang), m.id);
        }
    }
}

/// Runs `tuilu calendar export …`.
pub fn run_calendar(
    g: &Globals,
    conn: &Connection,
    subjects: &[ReminderSubject],
    calendar: &dyn WorkingDays,
    args: CalendarExportArgs,
) -> anyhow::Result<ExitCode> {
    let now = g.clock();
    let settings = args.time.settings(usize::MAX)?;
    let ics = export_calendar(
        conn,
        subjects,
        now,
        &settings,
        calendar,
        args.case.as_deref(),
        g.lang,
    )?;
    // Written whole or not at all: a kill mid-write leaves the previous file.
    tuilu_core::files::write_atomic(&args.output, ics.as_bytes()).with_context(|| {
        format!(
            "{}{}",
            match g.lang {
                Lang::Zh => "无法写入文件：",
                Lang::En => "cannot write the file: ",
            },
            args.output.display()
        )
    })?;
    let events = ics.matches("BEGIN:VEVENT").count();
    if g.json {
        print_json(&serde_json::json!({
            "path": args.output.display().to_string(), "events": events,
        }))?;
    } else {
        match g.lang {
            Lang::Zh => println!("已导出 {events} 个截止日期到 {}", args.output.display()),
            Lang::En => println!("Exported {events} deadlines to {}", args.output.display()),
        }
    }
    Ok(ExitCode::SUCCESS)
}
