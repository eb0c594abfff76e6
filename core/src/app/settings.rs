//! The settings screen: the stored settings, their view, and what is changed from there
//! (rule packs added by hand, imported holiday years).

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::error::{evidence_error, io_error, vault_error};
use super::present::{calendar_warnings, size_text_in, tr};
use super::views::*;
use super::{
    poisoned, App, AppError, ChangeKind, SettingsView, ViewContext, PACKS_DIR, REMINDER_BUDGET,
};
use crate::calendar::{self as cal, ChinaCalendar, DataSource};
use crate::evidence::EvidenceStore;
use crate::reminders::{QuietHours, ReminderSettings, UserZone};
use crate::rules::{RuleBook, Scenario};
use crate::text::Lang;

/// The app settings file in the vault directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// The user's settings kept in the vault directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSettings {
    pub language: Lang,
    pub quiet_hours_enabled: bool,
    pub quiet_start: NaiveTime,
    pub quiet_end: NaiveTime,
    /// Local time of day for day-based reminders.
    pub preferred_time: NaiveTime,
}

impl Default for AppSettings {
    fn default() -> AppSettings {
        let q = QuietHours::default();
        AppSettings {
            language: Lang::Zh,
            quiet_hours_enabled: true,
            quiet_start: q.start,
            quiet_end: q.end,
            preferred_time: NaiveTime::from_hms_opt(9, 30, 0).expect("valid time"),
        }
    }
}

impl App {
    // -- settings -------------------------------------------------------------------------

    /// The stored settings (defaults when none were saved or the file is unreadable).
    pub fn settings(&self) -> AppSettings {
        std::fs::read(self.dir.join(SETTINGS_FILE))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves the settings (atomically) and tells observers.
    pub fn save_settings(&self, settings: &AppSettings) -> Result<(), AppError> {
        let _serial = self.file_lock.lock().map_err(|_| poisoned())?;
        let bytes = serde_json::to_vec_pretty(settings).map_err(|e| AppError::Internal {
            detail: e.to_string(),
        })?;
        crate::files::write_atomic(&self.dir.join(SETTINGS_FILE), &bytes).map_err(io_error)?;
        drop(_serial);
        self.notify(ChangeKind::SettingsChanged, None);
        Ok(())
    }

    /// The reminder settings for the device's zone.
    pub fn reminder_settings(&self, zone: UserZone) -> ReminderSettings {
        let s = self.settings();
        ReminderSettings {
            tz: zone,
            quiet_hours: s.quiet_hours_enabled.then_some(QuietHours {
                start: s.quiet_start,
                end: s.quiet_end,
            }),
            preferred_time: s.preferred_time,
            limit: REMINDER_BUDGET,
        }
    }

    // -- rule book and calendar -------------------------------------------------------------

    /// Validates a rule pack in its compiled form (JSON), keeps it in the vault directory
    /// so it survives a restart, and puts it in the rule book (replacing the scenario
    /// with the same id). An invalid pack changes nothing.
    pub fn add_pack(&self, pack_json: &str) -> Result<String, AppError> {
        let s = Scenario::from_text("pack.json", pack_json).map_err(|e| AppError::InvalidPack {
            problems: e.issues.len(),
            first: e
                .issues
                .first()
                .map(|i| format!("{} {}", i.path, i.message).trim().to_string())
                .unwrap_or_default(),
        })?;
        let id = s.id().to_string();
        let _serial = self.file_lock.lock().map_err(|_| poisoned())?;
        let dir = self.dir.join(PACKS_DIR);
        std::fs::create_dir_all(&dir).map_err(io_error)?;
        crate::files::write_atomic(&dir.join(format!("{id}.json")), pack_json.as_bytes())
            .map_err(io_error)?;
        let mut slot = self.rules.write().map_err(|_| poisoned())?;
        let mut book = RuleBook::clone(&slot);
        book.insert(s);
        *slot = Arc::new(book);
        drop(slot);
        drop(_serial);
        self.notify(ChangeKind::RulesChanged, None);
        Ok(id)
    }

    /// Imports a holiday-year file into the vault and the calendar; a rejected file
    /// changes nothing. Returns the year.
    pub fn import_holiday_year(&self, json: &[u8]) -> Result<i32, AppError> {
        let _serial = self.file_lock.lock().map_err(|_| poisoned())?;
        let import = cal::import_year_into(&cal::calendar_dir(&self.dir), json).map_err(|e| {
            AppError::Storage {
                detail: e.to_string(),
            }
        })?;
        let year = import.year;
        let mut next = ChinaCalendar::clone(&*self.calendar()?);
        next.apply_import(import);
        *self.calendar.write().map_err(|_| poisoned())? = Arc::new(next);
        // The vault counts deadlines with the calendar it loaded: reopen it on next use.
        *self.vault.lock().map_err(|_| poisoned())? = None;
        drop(_serial);
        self.notify(ChangeKind::CalendarChanged, None);
        Ok(year)
    }

    /// How many cases (archived too) and live evidence items the vault holds.
    pub(super) fn vault_counts(&self, ctx: &ViewContext) -> Result<(usize, usize), AppError> {
        let vault = self.vault(ctx.now)?;
        let root = vault.dir().to_path_buf();
        let evidence = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list_all())
            .map_err(evidence_error)?
            .iter()
            .filter(|e| e.deleted_at.is_none())
            .count();
        let cases = vault
            .list_cases(true, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?
            .len();
        Ok((cases, evidence))
    }

    /// The settings screen.
    pub fn settings_view(&self, ctx: &ViewContext) -> Result<SettingsView, AppError> {
        let (cases, evidence) = self.vault_counts(ctx)?;
        let problems = self.pack_problems.lock().map_err(|_| poisoned())?.clone();
        Ok(build_settings(
            ctx,
            &self.settings(),
            &*self.calendar()?,
            dir_size(&self.dir),
            evidence,
            cases,
            problems,
        ))
    }
}

/// Bytes under `dir` (files only, not following links).
pub(super) fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => stack.push(e.path()),
                Ok(t) if t.is_file() => total += e.metadata().map(|m| m.len()).unwrap_or(0),
                _ => {}
            }
        }
    }
    total
}

fn build_settings(
    ctx: &ViewContext,
    s: &AppSettings,
    calendar: &ChinaCalendar,
    vault_size: u64,
    evidence_count: usize,
    case_count: usize,
    pack_problems: Vec<String>,
) -> SettingsView {
    let lang = ctx.lang;
    let status = calendar.status();
    let calendar_years = status
        .years
        .iter()
        .map(|y| {
            let source = match y.source {
                DataSource::Bundled => tr(lang, "内置", "bundled"),
                DataSource::Imported => tr(lang, "已导入", "imported"),
            };
            CalendarYearLine {
                year: y.year,
                estimated: y.estimated,
                text: match (lang, y.estimated) {
                    (Lang::Zh, true) => format!("{}：尚未公布，按周末估算（{source}）", y.year),
                    (Lang::Zh, false) => format!("{}：已含法定节假日和调休（{source}）", y.year),
                    (Lang::En, true) => format!(
                        "{}: not published, estimated from weekends ({source})",
                        y.year
                    ),
                    (Lang::En, false) => {
                        format!("{}: public holidays and make-up days ({source})", y.year)
                    }
                },
            }
        })
        .collect();
    SettingsView {
        language: lang,
        language_label: tr(lang, "简体中文", "English"),
        time_zone: ctx.zone.id(),
        quiet_hours_enabled: s.quiet_hours_enabled,
        quiet_hours_text: if s.quiet_hours_enabled {
            format!(
                "{}–{}",
                s.quiet_start.format("%H:%M"),
                s.quiet_end.format("%H:%M")
            )
        } else {
            tr(lang, "关闭", "off")
        },
        preferred_time: s.preferred_time.format("%H:%M").to_string(),
        calendar_years,
        calendar_warnings: calendar_warnings(lang, calendar, ctx.now),
        vault_size: vault_size as i64,
        vault_size_text: size_text_in(lang, vault_size),
        evidence_count: evidence_count as i64,
        case_count: case_count as i64,
        pack_problems,
    }
}
