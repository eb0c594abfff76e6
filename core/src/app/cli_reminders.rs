//! The reminder, holiday-calendar and rule-flag commands of the command line (`tuilu
//! reminders [snooze|dismiss|diff]`, `tuilu calendar import|export`, `tuilu rules
//! flag|unflag|flags`) on the application service: the process's one vault, calendar and
//! rule book. Each returns a [`Printout`] with the documented `--json` record (the
//! planner's and the vault's records, unchanged) and the lines in the run's language.

use std::path::Path;

use serde_json::json;

use super::cli_support::{json_of, Printout};
use super::{vault_error, App, AppError, ChangeKind, FileProblemKind, Missing, ViewContext};
use crate::calendar as cal;
use crate::reminders::{self as rm, store as rstore};
use crate::text::Lang;

/// A flag the user put on a rule, as `tuilu plan` shows it next to the rule.
pub use crate::vault::RuleFlag;

/// The flags on rules (of `scenario`, or all) stored in the vault at `dir`, read without
/// opening, creating or migrating it: `tuilu plan` works with no vault, and a vault that
/// cannot be read costs the flags, never the plan.
pub fn read_rule_flags(
    dir: &Path,
    scenario: Option<&str>,
) -> Result<Vec<RuleFlag>, crate::vault::VaultError> {
    crate::vault::read_rule_flags(dir, scenario)
}

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// A refusal said in words, with nothing done (an unknown `--tz`, a snooze choice).
fn refused(line: String) -> Printout {
    Printout {
        errors: vec![line],
        ..Printout::default()
    }
}

/// The reminder settings of a command: `tz` (an IANA name) or `$TZ`, else Beijing time;
/// at most `limit` reminders. An unknown zone is refused in words.
fn settings(lang: Lang, tz: Option<&str>, limit: usize) -> Result<rm::ReminderSettings, String> {
    let tz = match tz {
        Some(name) => rm::parse_tz(name).ok_or_else(|| match lang {
            Lang::Zh => {
                format!("--tz「{name}」不是 IANA 时区名（例如 Asia/Shanghai、Europe/Berlin）")
            }
            Lang::En => format!(
                "--tz `{name}` is not an IANA time zone (such as Asia/Shanghai, Europe/Berlin)"
            ),
        })?,
        None => std::env::var("TZ")
            .ok()
            .and_then(|v| rm::parse_tz(v.trim_start_matches(':')))
            .unwrap_or_else(rm::UserZone::beijing),
    };
    Ok(rm::ReminderSettings {
        tz,
        limit,
        ..rm::ReminderSettings::default()
    })
}

fn storage(e: rm::ReminderError) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

fn plan_lines(lang: Lang, plan: &[rm::Reminder]) -> Vec<String> {
    if plan.is_empty() {
        return vec![tr(lang, "没有待发的提醒。", "No reminders planned.")];
    }
    let mut out = Vec::new();
    for r in plan {
        let snoozed = match (r.snoozed, lang) {
            (false, _) => "",
            (true, Lang::Zh) => "（已推迟）",
            (true, Lang::En) => " (snoozed)",
        };
        out.push(format!(
            "{}  {}  {}{snoozed}  [{}]",
            r.local_time,
            r.kind.label().get(lang),
            r.title.get(lang),
            r.id
        ));
        for m in &r.covers {
            out.push(format!("    · {}  [{}]", m.title.get(lang), m.id));
        }
    }
    out
}

/// What a reminder command asks of the planner.
#[derive(Debug, Clone)]
pub enum ReminderCommand {
    /// The plan over every open case.
    Plan,
    /// Snooze `id` by `choice` (`10m`, `1h`, `morning`, `next-working-day`).
    Snooze {
        id: String,
        choice: String,
    },
    Dismiss {
        id: String,
    },
    /// Compare the plan with the tokens a shell has scheduled.
    Diff {
        scheduled: Vec<String>,
    },
}

impl App {
    /// `tuilu reminders …` over every open case of the vault, with the zone `tz` (else
    /// `$TZ`, else Beijing time) and at most `limit` reminders. The JSON: the plan
    /// (`[{id, fire_at, local_time, kind, case_id, step_id, title, body, …}]`), the diff
    /// `{add, cancel, keep}`, `{id, snoozed_until, local_time, kept_planned_time}` or
    /// `{id, dismissed_at}`. A snooze never moves a reminder earlier than planned.
    pub fn cli_reminders(
        &self,
        ctx: &ViewContext,
        command: &ReminderCommand,
        tz: Option<&str>,
        limit: usize,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        let now = ctx.now;
        let settings = match settings(lang, tz, limit) {
            Ok(s) => s,
            Err(line) => return Ok(refused(line)),
        };
        let choice = match command {
            ReminderCommand::Snooze { choice, .. } => match rm::SnoozeChoice::parse(choice) {
                Some(c) => Some(c),
                None => {
                    return Ok(refused(match lang {
                        Lang::Zh => format!(
                            "无法推迟「{choice}」：请用 10m、1h、morning 或 next-working-day"
                        ),
                        Lang::En => format!(
                            "cannot snooze by `{choice}`: use 10m, 1h, morning or next-working-day"
                        ),
                    }))
                }
            },
            _ => None,
        };
        let vault = self.vault_for(ctx)?;
        let subjects = rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, lang))?;
        let days = vault.deadline_calc().calendar();
        let not_found = |id: &str| AppError::NotFound {
            what: Missing::Reminder,
            id: id.to_string(),
        };
        let out = vault.with_connection_mut(|conn| -> Result<Printout, AppError> {
            let state = rstore::load_state(conn).map_err(storage)?;
            let find = |id: &str| {
                rm::find_reminder(&subjects, &state, now, &settings, days, id)
                    .ok_or_else(|| not_found(id))
            };
            Ok(match command {
                ReminderCommand::Plan => {
                    let plan = rm::plan_reminders(&subjects, &state, now, &settings, days);
                    Printout::new(json_of(&plan)?, plan_lines(lang, &plan))
                }
                ReminderCommand::Diff { scheduled } => {
                    let plan = rm::plan_reminders(&subjects, &state, now, &settings, days);
                    let d = rm::diff(&plan, scheduled);
                    let (add, cancel, keep) = match lang {
                        Lang::Zh => ("新增", "取消", "保留"),
                        Lang::En => ("add", "cancel", "keep"),
                    };
                    let mut lines: Vec<String> = d
                        .add
                        .iter()
                        .map(|r| {
                            format!("{add}\t{}\t{}\t{}", r.id, r.local_time, r.title.get(lang))
                        })
                        .collect();
                    lines.extend(d.cancel.iter().map(|t| format!("{cancel}\t{t}")));
                    lines.extend(d.keep.iter().map(|t| format!("{keep}\t{t}")));
                    Printout::new(json_of(&d)?, lines)
                }
                ReminderCommand::Snooze { id, .. } => {
                    let r = find(id)?;
                    let choice = choice.unwrap_or(rm::SnoozeChoice::OneHour);
                    let until = rm::snooze_target(&subjects, &settings, days, &r, choice, now);
                    // A reminder not due yet keeps its planned time.
                    let kept = until > rm::snooze_until(choice, now, &settings, days);
                    rstore::snooze(conn, &r, until, now).map_err(storage)?;
                    let local = until.with_timezone(&settings.tz).to_rfc3339();
                    let line = match (lang, kept) {
                        (Lang::Zh, false) => format!("已推迟「{}」到 {local}", r.title.zh),
                        (Lang::En, false) => format!("Snoozed \"{}\" until {local}", r.title.en),
                        (Lang::Zh, true) => {
                            format!("「{}」还没到提醒时间，仍在原定的 {local} 提醒", r.title.zh)
                        }
                        (Lang::En, true) => format!(
                            "\"{}\" is not due yet; it stays at its planned time {local}",
                            r.title.en
                        ),
                    };
                    Printout::new(
                        json!({
                            "id": r.id, "snoozed_until": until, "local_time": local,
                            "kept_planned_time": kept,
                        }),
                        vec![line],
                    )
                }
                ReminderCommand::Dismiss { id } => {
                    let r = find(id)?;
                    rstore::dismiss(conn, &r, now).map_err(storage)?;
                    let line = match lang {
                        Lang::Zh => format!("不再提醒「{}」", r.title.zh),
                        Lang::En => format!("Dismissed \"{}\"", r.title.en),
                    };
                    Printout::new(json!({ "id": r.id, "dismissed_at": now }), vec![line])
                }
            })
        })?;
        if matches!(
            command,
            ReminderCommand::Snooze { .. } | ReminderCommand::Dismiss { .. }
        ) {
            self.notify(ChangeKind::RemindersChanged, None);
        }
        Ok(out)
    }

    /// `tuilu calendar export [--case ID] -o FILE`: the running deadlines with their
    /// alarms as iCalendar, written whole or not at all, in the zone `tz` (as
    /// [`App::cli_reminders`]). The JSON is `{path, events}`.
    pub fn cli_export_calendar(
        &self,
        ctx: &ViewContext,
        case_ref: Option<&str>,
        out: &Path,
        tz: Option<&str>,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        let settings = match settings(lang, tz, usize::MAX) {
            Ok(s) => s,
            Err(line) => return Ok(refused(line)),
        };
        let vault = self.vault_for(ctx)?;
        let subjects = rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, lang))?;
        let days = vault.deadline_calc().calendar();
        let ics = vault
            .with_connection_mut(|conn| {
                rm::export_calendar(conn, &subjects, ctx.now, &settings, days, case_ref, lang)
            })
            .map_err(storage)?;
        if let Err(e) = crate::files::write_atomic(out, ics.as_bytes()) {
            return Ok(refused(match lang {
                Lang::Zh => format!("无法写入文件：{}（{e}）", out.display()),
                Lang::En => format!("cannot write the file: {} ({e})", out.display()),
            }));
        }
        let events = ics.matches("BEGIN:VEVENT").count();
        let line = match lang {
            Lang::Zh => format!("已导出 {events} 个截止日期到 {}", out.display()),
            Lang::En => format!("Exported {events} deadlines to {}", out.display()),
        };
        Ok(Printout::new(
            json!({ "path": out.display().to_string(), "events": events }),
            vec![line],
        ))
    }

    /// `tuilu calendar import FILE`: [`App::import_holiday_year`] (the phones' import: the
    /// service's calendar and the vault's count with the new year at once), then what it
    /// installed. The JSON is `{year, days_listed, replaces_bundled, path}`. A rejected
    /// file changes nothing and is said in [`Printout::errors`].
    pub fn cli_import_holiday_year(
        &self,
        ctx: &ViewContext,
        file: &Path,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        let name = file.display();
        let bytes = std::fs::read(file).map_err(|e| AppError::FileProblem {
            code: if e.kind() == std::io::ErrorKind::NotFound {
                FileProblemKind::NotFound
            } else {
                FileProblemKind::Unreadable
            },
            name: file.display().to_string(),
        })?;
        let year = match self.import_holiday_year(&bytes) {
            Ok(y) => y,
            Err(AppError::Storage { detail }) => {
                // The calendar's errors carry both languages ("zh / en"): say one.
                let detail = match (detail.split_once(" / "), lang) {
                    (Some((zh, _)), Lang::Zh) => zh.to_string(),
                    (Some((_, en)), Lang::En) => en.to_string(),
                    (None, _) => detail,
                };
                return Ok(refused(match lang {
                    Lang::Zh => format!("未导入 {name}，原有数据不变：{detail}"),
                    Lang::En => {
                        format!(
                            "{name} was not imported; the earlier data stays in force: {detail}"
                        )
                    }
                }));
            }
            Err(e) => return Err(e),
        };
        let calendar = self.calendar()?;
        let status = calendar.status();
        let row = status.years.iter().find(|y| y.year == year);
        let days = row.map_or(0, |y| y.days_listed);
        let replaces = row.is_some_and(|y| y.replaces_bundled);
        let path = cal::year_file_path(&cal::calendar_dir(&self.dir), year);
        let mut lines = vec![match (lang, replaces) {
            (Lang::Zh, false) => format!("已导入 {year} 年放假安排（{days} 天）"),
            (Lang::Zh, true) => format!("已导入 {year} 年放假安排（{days} 天），替换原有数据"),
            (Lang::En, false) => format!("Imported the {year} holiday schedule ({days} days)"),
            (Lang::En, true) => format!(
                "Imported the {year} holiday schedule ({days} days), replacing the earlier data"
            ),
        }];
        lines.push(format!(
            "{}{}",
            tr(lang, "保存于：", "Saved to: "),
            path.display()
        ));
        Ok(Printout::new(
            json!({
                "year": year,
                "days_listed": days,
                "replaces_bundled": replaces,
                "path": path.display().to_string(),
            }),
            lines,
        ))
    }

    /// `tuilu rules flag <scenario> <rule> [--note]`: the user marks a rule of a scenario of
    /// the run's rule book (a pack added by the phone included) as possibly outdated. The
    /// JSON is the stored flag.
    pub fn cli_flag_rule(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        rule_id: &str,
        note: &str,
    ) -> Result<Printout, AppError> {
        let (book, i) = self.scenario(scenario)?;
        let sc = &book.scenarios()[i];
        let flag = self
            .vault_for(ctx)?
            .flag_rule(sc, rule_id, note, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let line = match ctx.lang {
            Lang::Zh => format!(
                "已标记 {scenario} 的规则 {rule_id}（v{}）",
                flag.pack_version
            ),
            Lang::En => format!(
                "Flagged rule {rule_id} of {scenario} (v{})",
                flag.pack_version
            ),
        };
        Ok(Printout::new(json_of(&flag)?, vec![line]))
    }

    /// `tuilu rules unflag <scenario> <rule>`. The JSON is `{scenario, rule_id, removed}`.
    pub fn cli_unflag_rule(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        rule_id: &str,
    ) -> Result<Printout, AppError> {
        let removed = self
            .vault_for(ctx)?
            .unflag_rule(scenario, rule_id)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let line = if removed {
            tr(ctx.lang, "已取消标记", "Flag removed")
        } else {
            tr(ctx.lang, "该规则没有标记", "That rule was not flagged")
        };
        Ok(Printout::new(
            json!({"scenario": scenario, "rule_id": rule_id, "removed": removed}),
            vec![line],
        ))
    }

    /// `tuilu rules flags [<scenario>]`: the flags the user put on rules (the stored
    /// records as JSON).
    pub fn cli_rule_flags(
        &self,
        ctx: &ViewContext,
        scenario: Option<&str>,
    ) -> Result<Printout, AppError> {
        let flags = self
            .vault_for(ctx)?
            .rule_flags(scenario)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let lines = if flags.is_empty() {
            vec![tr(ctx.lang, "（没有标记）", "(no flags)")]
        } else {
            flags
                .iter()
                .map(|f| {
                    format!(
                        "{}  {}  {}  v{}  {}",
                        f.flagged_at.format("%Y-%m-%d"),
                        f.scenario,
                        f.rule_id,
                        f.pack_version,
                        f.note
                    )
                })
                .collect()
        };
        Ok(Printout::new(json_of(&flags)?, lines))
    }
}
