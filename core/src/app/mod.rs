//! The application layer: one service that owns the rule book, the calendar and the vault,
//! computes a view model per screen and applies the user's events.
//!
//! The split follows redbadger/crux: the core decides, the shells render. Every string a
//! screen shows is made here in the user's language; the CLI and both apps draw these
//! views and perform platform effects (notifications, pickers, share sheet) only.
//! See `docs/architecture.md` and `docs/adr/0001-view-models-in-the-core.md`.
//!
//! Every method that depends on the time takes `now`.

mod backup_ops;
mod backup_view;
pub mod case_admin;
pub mod cli_backup;
pub mod cli_evidence;
pub mod cli_reminders;
pub mod cli_support;
pub mod clock;
pub mod effects;
mod error;
mod evidence_ops;
pub mod letters;
pub mod plan_view;
mod present;
mod questionnaire;
mod rule_updates;
pub mod shell;
pub mod timing;
mod views;
pub mod when;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

pub use backup_ops::BackupView;
pub use backup_view::{
    BackupSectionView, PassphraseHintView, RecoveryCodeView, BACKUP_DUE_AFTER_DAYS,
};
pub use case_admin::{
    CaseMenuAction, CaseMenuItem, ConfirmView, HistoryEntry, HistoryView, UpgradeView,
};
pub use effects::{
    AlarmTiming, CategorySetup, Effect, EffectFailure, NotificationActionId, NotificationButton,
    NotificationCategory, NotificationEffect, Os, PlatformState,
};
pub use error::{AppError, ErrorKind, FileProblemKind, Missing};
pub use evidence_ops::{
    BundleCheckView, BundlePreviewView, DeletedView, EvidenceAddedView, FileWrittenView,
};
pub use plan_view::{PlanOutcome, PlanRequest, PlanView};
pub use questionnaire::Answer;
pub use rule_updates::{PackVersionLine, ReleaseBytes, RuleUpdateResultView, RuleUpdatesView};
pub use shell::{Event, Message, PermissionRequest, Route, Screen, Update};
pub use timing::{DeadlineView, TimeSense};
pub use views::*;
pub use when::{TimeChoice, WhenView};

use crate::calendar::{self as cal, ChinaCalendar};
use crate::evidence::{EvidenceError, EvidenceStore};
use crate::reminders::{self as rm, store as rstore, QuietHours, ReminderSettings, UserZone};
use crate::rules::{FactError, RuleBook, Scenario};
use crate::text::Lang;
use crate::vault::{CaseView, StepAction, TransitionOptions, Vault, VaultError};

/// Directory of the vault where rule packs added at run time are kept (compiled JSON).
pub use crate::rules::updates::PACKS_DIR;
/// The app settings file in the vault directory.
pub const SETTINGS_FILE: &str = "settings.json";

/// What changed, for screens that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    CaseCreated,
    CaseChanged,
    CaseDeleted,
    EvidenceChanged,
    RemindersChanged,
    SettingsChanged,
    RulesChanged,
    CalendarChanged,
}

/// One change: which case (when one) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub case_id: Option<String>,
}

/// Told about every change the service makes, so screens refresh without polling.
pub trait ChangeObserver: Send + Sync {
    fn changed(&self, change: &Change);
}

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

/// The most notifications a phone should keep pending (iOS allows 64; a few are left for
/// the system and catch-ups).
pub const REMINDER_BUDGET: usize = 60;

/// What the views of one call are made for: the language, the device's zone and now.
#[derive(Debug, Clone)]
pub struct ViewContext {
    pub lang: Lang,
    pub zone: UserZone,
    pub now: DateTime<Utc>,
}

impl ViewContext {
    pub fn new(lang: Lang, zone: UserZone, now: DateTime<Utc>) -> ViewContext {
        ViewContext { lang, zone, now }
    }
}

/// The application service. Thread-safe; one per app (or CLI run).
pub struct App {
    dir: PathBuf,
    rules: RwLock<Arc<RuleBook>>,
    calendar: RwLock<Arc<ChinaCalendar>>,
    vault: Mutex<Option<Arc<Vault>>>,
    pack_problems: Mutex<Vec<String>>,
    observers: Mutex<Vec<(u64, Arc<dyn ChangeObserver>)>>,
    next_observer: Mutex<u64>,
    /// Serializes writers of the files the service owns (packs, settings, calendar).
    file_lock: Mutex<()>,
    /// The last evidence check of each case (by case id), shown in the evidence list.
    verified: Mutex<std::collections::HashMap<String, crate::evidence::VerifyReport>>,
    /// Where the user is (the back stack), for [`App::handle`].
    navigation: Mutex<shell::Navigation>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("dir", &self.dir).finish()
    }
}

fn poisoned() -> AppError {
    AppError::Internal {
        detail: "a lock was poisoned by an earlier panic".into(),
    }
}

impl App {
    /// Opens the service on the vault directory (created when missing): the bundled rule
    /// packs plus the packs added earlier (`<dir>/packs`; invalid ones are skipped and
    /// listed in the settings view), and the calendar with the imported holiday years.
    /// The vault database opens on first use.
    pub fn open(dir: &Path) -> Result<App, AppError> {
        if dir.as_os_str().is_empty() {
            return Err(AppError::NotFound {
                what: Missing::File,
                id: String::new(),
            });
        }
        if dir.exists() && !dir.is_dir() {
            return Err(AppError::Storage {
                detail: format!("{} is not a directory", dir.display()),
            });
        }
        std::fs::create_dir_all(dir).map_err(io_error)?;
        let (book, problems) =
            crate::rules::updates::load_rule_book(Some(dir)).map_err(|_| AppError::Internal {
                detail: "a bundled rule pack is invalid".into(),
            })?;
        let calendar = ChinaCalendar::with_overrides(&cal::calendar_dir(dir))
            .unwrap_or_else(|_| ChinaCalendar::bundled());
        Ok(App {
            dir: dir.to_path_buf(),
            rules: RwLock::new(Arc::new(book)),
            calendar: RwLock::new(Arc::new(calendar)),
            vault: Mutex::new(None),
            pack_problems: Mutex::new(problems),
            observers: Mutex::new(Vec::new()),
            next_observer: Mutex::new(1),
            file_lock: Mutex::new(()),
            verified: Mutex::default(),
            navigation: Mutex::default(),
        })
    }

    /// The vault directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The rule book (a snapshot; updates swap in a new one).
    pub fn rule_book(&self) -> Result<Arc<RuleBook>, AppError> {
        Ok(self.rules.read().map_err(|_| poisoned())?.clone())
    }

    /// The calendar (a snapshot).
    pub fn calendar(&self) -> Result<Arc<ChinaCalendar>, AppError> {
        Ok(self.calendar.read().map_err(|_| poisoned())?.clone())
    }

    /// The open vault; opens (creates, migrates) it on first use. A failure is not kept:
    /// the next call tries again.
    pub fn vault(&self, now: DateTime<Utc>) -> Result<Arc<Vault>, AppError> {
        let mut slot = self.vault.lock().map_err(|_| poisoned())?;
        if let Some(v) = slot.as_ref() {
            // A restore (by another instance or process) replaced the vault: open the
            // restored one.
            if !v.is_replaced() {
                return Ok(v.clone());
            }
        }
        let v = Arc::new(Vault::open(&self.dir, now).map_err(|e| vault_error(e, None, Lang::Zh))?);
        *slot = Some(v.clone());
        Ok(v)
    }

    fn scenario(&self, id: &str) -> Result<(Arc<RuleBook>, usize), AppError> {
        let book = self.rule_book()?;
        let index = book
            .scenarios()
            .iter()
            .position(|s| s.id() == id)
            .ok_or_else(|| AppError::NotFound {
                what: Missing::Scenario,
                id: id.to_string(),
            })?;
        Ok((book, index))
    }

    // -- observers ------------------------------------------------------------------------

    /// Registers an observer; returns its handle for [`App::remove_observer`].
    pub fn add_observer(&self, observer: Arc<dyn ChangeObserver>) -> u64 {
        let mut next = self.next_observer.lock().unwrap_or_else(|e| e.into_inner());
        let id = *next;
        *next += 1;
        self.observers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((id, observer));
        id
    }

    /// Stops telling the observer `handle`; false when it was not registered.
    pub fn remove_observer(&self, handle: u64) -> bool {
        let mut list = self.observers.lock().unwrap_or_else(|e| e.into_inner());
        let before = list.len();
        list.retain(|(id, _)| *id != handle);
        list.len() != before
    }

    fn notify(&self, kind: ChangeKind, case_id: Option<&str>) {
        let change = Change {
            kind,
            case_id: case_id.map(str::to_string),
        };
        // Observers are called outside the lock, so one may add or remove observers.
        let list: Vec<_> = self
            .observers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(_, o)| o.clone())
            .collect();
        for o in list {
            o.changed(&change);
        }
    }

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

    // -- views ----------------------------------------------------------------------------

    /// Home: open cases, most urgent first.
    pub fn home(&self, ctx: &ViewContext) -> Result<HomeView, AppError> {
        self.home_with_archived(ctx, false)
    }

    /// Home, with the archived cases listed too when `archived` (most recent first).
    pub fn home_with_archived(
        &self,
        ctx: &ViewContext,
        archived: bool,
    ) -> Result<HomeView, AppError> {
        let vault = self.vault(ctx.now)?;
        let book = self.rule_book()?;
        let err = |e| vault_error(e, None, ctx.lang);
        let all = vault.list_cases(true, ctx.now).map_err(err)?;
        let archived_count = all.iter().filter(|c| c.archived).count();
        let mut cases = Vec::new();
        let mut archived_cases = Vec::new();
        for c in all {
            if c.archived && !archived {
                continue;
            }
            let is_archived = c.archived;
            let card = present::case_card(ctx, &book, c, vault.deadline_calc().calendar());
            if is_archived {
                archived_cases.push(card);
            } else {
                cases.push(card);
            }
        }
        present::sort_by_urgency(&mut cases);
        let mut home = present::home(ctx, cases, archived_count, &*self.calendar()?);
        home.archived_cases = archived_cases;
        Ok(home)
    }

    /// The scenario picker.
    pub fn scenario_picker(&self, ctx: &ViewContext) -> Result<ScenarioPickerView, AppError> {
        let flags = crate::vault::read_rule_flags(&self.dir, None).unwrap_or_default();
        Ok(present::picker(ctx, &*self.rule_book()?, &flags))
    }

    /// The questionnaire of `scenario` with `answers` so far (typed text as a person
    /// gives it: `是`, `60万`, a choice's label or value).
    pub fn questionnaire(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
    ) -> Result<QuestionnaireView, AppError> {
        self.questionnaire_going_on(ctx, scenario, answers, None)
    }

    /// The questionnaire after the user tapped 下一题 on `going_on_from`: a question that
    /// still needs an answer says so on it.
    pub fn questionnaire_going_on(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
        going_on_from: Option<&str>,
    ) -> Result<QuestionnaireView, AppError> {
        let (book, i) = self.scenario(scenario)?;
        Ok(questionnaire::build(
            ctx,
            &book.scenarios()[i],
            answers,
            going_on_from,
        ))
    }

    /// The checklist of a case (`case_ref`: its id or an unambiguous prefix).
    pub fn case_screen(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        self.render_case(ctx, &vault, &view)
    }

    fn render_case(
        &self,
        ctx: &ViewContext,
        vault: &Vault,
        view: &CaseView,
    ) -> Result<CaseScreen, AppError> {
        let err = |e| vault_error(e, Some(view), ctx.lang);
        // Only what undo could revert, not the whole journal.
        let journal = vault.undo_candidates(&view.id).map_err(err)?;
        let flags = vault.rule_flags(Some(&view.scenario)).map_err(err)?;
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let book = self.rule_book()?;
        Ok(present::case_screen(
            ctx,
            &book,
            view,
            &journal,
            &flags,
            &items,
            vault.deadline_calc().calendar(),
        ))
    }

    /// The evidence of a case, or of one of its steps.
    pub fn evidence_list(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
    ) -> Result<EvidenceListView, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        if let Some(s) = step {
            if view.step(s).is_none() {
                return Err(AppError::NotFound {
                    what: Missing::Step,
                    id: s.to_string(),
                });
            }
        }
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let mut list = present::evidence_list(ctx, &view, step, &items);
        self.apply_verify(ctx, &mut list);
        Ok(list)
    }

    /// What the phone must schedule and cancel now, given the tokens it has scheduled.
    pub fn reminder_sync(
        &self,
        ctx: &ViewContext,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        let settings = self.reminder_settings(ctx.zone.clone());
        let vault = self.vault(ctx.now)?;
        let subjects =
            rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, ctx.lang))?;
        let cal = vault.deadline_calc().calendar();
        let plan = vault
            .with_connection_mut(|conn| {
                let state = rstore::load_state(conn)?;
                Ok::<_, rm::ReminderError>(rm::plan_reminders(
                    &subjects, &state, ctx.now, &settings, cal,
                ))
            })
            .map_err(|e| AppError::Storage {
                detail: e.to_string(),
            })?;
        let status_of = |case: &str, step: &str| {
            subjects
                .iter()
                .find(|s| s.case_id == case && s.step_id == step)
                .map(|s| s.status)
        };
        Ok(present::reminder_sync(ctx, &plan, scheduled, &status_of))
    }

    /// Carries out a notification's action (its `NotificationAction::id`) from the
    /// notification itself, without opening the app: `submitted` hands the step in now,
    /// `done` marks it done, `snooze` brings the reminder back in an hour. Returns the
    /// new sync.
    pub fn notification_action(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        action_id: &str,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        let reminder_id = reminder_id
            .split_once('#')
            .map_or(reminder_id, |(id, _)| id);
        let step_action = match action_id {
            present::NOTIFY_SNOOZE => {
                return self.snooze_reminder(ctx, reminder_id, rm::SnoozeChoice::OneHour, scheduled)
            }
            present::NOTIFY_SUBMITTED => StepAction::Submit,
            present::NOTIFY_DONE => StepAction::Done,
            other => {
                return Err(AppError::NotFound {
                    what: Missing::Reminder,
                    id: format!("{reminder_id}/{other}"),
                })
            }
        };
        let (case, step) = self.with_reminder(ctx, reminder_id, |_, r, _, _| {
            Ok((r.case_id.clone(), r.step_id.clone()))
        })?;
        let (Some(case), Some(step)) = (case, step) else {
            // A catch-up stands for several steps: it has no step to act on.
            return Err(AppError::NotFound {
                what: Missing::Reminder,
                id: reminder_id.to_string(),
            });
        };
        self.step_action(ctx, &case, &step, step_action, None, None, None)?;
        self.reminder_sync(ctx, scheduled)
    }

    /// Settings.
    /// How many cases (archived too) and live evidence items the vault holds.
    fn vault_counts(&self, ctx: &ViewContext) -> Result<(usize, usize), AppError> {
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

    pub fn settings_view(&self, ctx: &ViewContext) -> Result<SettingsView, AppError> {
        let (cases, evidence) = self.vault_counts(ctx)?;
        let problems = self.pack_problems.lock().map_err(|_| poisoned())?.clone();
        Ok(present::settings(
            ctx,
            &self.settings(),
            &*self.calendar()?,
            dir_size(&self.dir),
            evidence,
            cases,
            problems,
        ))
    }

    /// The letters of a case: every template of its scenario, numbered, available now or
    /// with the reason it is not.
    pub fn letters(&self, ctx: &ViewContext, case_ref: &str) -> Result<LettersView, AppError> {
        self.with_letters(ctx, case_ref, |inputs| Ok(inputs.list()))
    }

    /// One letter of a case (`letter_ref`: its id or its number in the list), in `lang`
    /// (a letter in English is a rendering for the user's understanding).
    pub fn letter(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        letter_ref: &str,
    ) -> Result<LetterView, AppError> {
        self.with_letters(ctx, case_ref, |inputs| {
            let (n, def) =
                letters::find(inputs.sc, letter_ref).ok_or_else(|| AppError::NotFound {
                    what: Missing::Letter,
                    id: letter_ref.to_string(),
                })?;
            Ok(inputs.letter(ctx.lang, n, def))
        })
    }

    /// Records that a letter was sent at `at` (default now): the Chinese letter, dated
    /// that day, is kept as an evidence file of the letter's step (hashed, with `at` as its
    /// time), so the dispute bundle carries it. Returns the letter, now listing the copy.
    pub fn mark_letter_sent(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        letter_ref: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<LetterView, AppError> {
        let at = at.unwrap_or(ctx.now);
        if at > ctx.now {
            return Err(AppError::TimeInFuture);
        }
        // The letter as it was on the day it was sent, in Chinese (the text that was sent).
        let sent_ctx = ViewContext::new(Lang::Zh, ctx.zone.clone(), at);
        let (case_id, letter) = self.with_letters(&sent_ctx, case_ref, |inputs| {
            let (n, def) =
                letters::find(inputs.sc, letter_ref).ok_or_else(|| AppError::NotFound {
                    what: Missing::Letter,
                    id: letter_ref.to_string(),
                })?;
            // Readiness is judged in the caller's language, so the refusal reads right.
            let judged = inputs.letter(ctx.lang, n, def);
            if !judged.complete {
                let mut reason = judged
                    .reason
                    .clone()
                    .or(judged.missing_text.clone())
                    .unwrap_or_default();
                if judged.reason.is_none() {
                    let qs: Vec<&str> = judged.missing.iter().map(|q| q.text.as_str()).collect();
                    reason.push_str(match ctx.lang {
                        Lang::Zh => "：",
                        Lang::En => ": ",
                    });
                    reason.push_str(&qs.join(match ctx.lang {
                        Lang::Zh => "；",
                        Lang::En => "; ",
                    }));
                }
                return Err(AppError::LetterNotReady {
                    letter: def.id.clone(),
                    letter_title: judged.title,
                    reason,
                });
            }
            let step_title = inputs
                .case
                .step(&def.step)
                .map(|s| s.title.get(Lang::Zh).to_string());
            Ok((
                inputs.case.id.clone(),
                (def.id.clone(), inputs.letter(Lang::Zh, n, def), step_title),
            ))
        })?;
        let (letter_id, zh, step_title) = letter;
        let name = format!(
            "{}（{}发送）.txt",
            zh.title,
            letters::date_text(
                Lang::Zh,
                at.with_timezone(&crate::calendar::BEIJING).date_naive()
            )
        );
        let item = crate::evidence::NewItem {
            case_id: case_id.clone(),
            step_id: Some(zh.step_id.clone()),
            step_title,
            note: format!("文书已发送：{}", zh.title),
            tags: vec![
                letters::LETTER_TAG.to_string(),
                format!("{}:{letter_id}", letters::LETTER_TAG),
            ],
            captured_at: Some(crate::evidence::CaptureTime::caller(at)),
            source: crate::evidence::Source::Capture,
        };
        let vault = self.vault(ctx.now)?;
        let root = vault.dir().to_path_buf();
        vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).add_bytes(
                    &item,
                    &name,
                    zh.plain_text.as_bytes(),
                    &crate::evidence::NoProgress,
                    &crate::evidence::CancelFlag::default(),
                    ctx.now,
                )
            })
            .map_err(evidence_error)?;
        self.notify(ChangeKind::EvidenceChanged, Some(&case_id));
        self.notify(ChangeKind::CaseChanged, Some(&case_id));
        self.letter(ctx, &case_id, &letter_id)
    }

    /// Runs `f` with what the case's letters are filled from.
    fn with_letters<T>(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        f: impl FnOnce(&letters::LetterInputs<'_>) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let inputs = letters::LetterInputs {
            ctx,
            sc: &book.scenarios()[i],
            case: &view,
            items: &items,
            calc: vault.deadline_calc(),
        };
        f(&inputs)
    }

    // -- events ---------------------------------------------------------------------------

    /// Starts a case from the questionnaire's answers; returns its checklist.
    pub fn create_case(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
    ) -> Result<CaseScreen, AppError> {
        let (book, i) = self.scenario(scenario)?;
        let sc = &book.scenarios()[i];
        let facts = questionnaire::parse_answers(ctx.lang, sc, answers)?;
        let vault = self.vault(ctx.now)?;
        let view = vault
            .create_case(sc, &facts, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &view)?;
        self.notify(ChangeKind::CaseCreated, Some(&view.id));
        Ok(screen)
    }

    /// Applies a step action (`at`: when it happened, default now; `note`; `route`: the
    /// alternative taken). Returns the updated checklist, or an error naming steps by
    /// their titles.
    #[allow(clippy::too_many_arguments)]
    pub fn step_action(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: &str,
        action: StepAction,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
        route: Option<String>,
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let before = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let opts = TransitionOptions { at, note, route };
        vault
            .transition(&before.id, step, action, &opts, ctx.now)
            .map_err(|e| vault_error(e, Some(&before), ctx.lang))?;
        let after = vault
            .case(&before.id, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &after)?;
        self.notify(ChangeKind::CaseChanged, Some(&after.id));
        Ok(screen)
    }

    /// Undoes the latest action of the case that can be undone (the undo snackbar).
    pub fn undo_last(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseScreen, AppError> {
        let screen = self.case_screen(ctx, case_ref)?;
        let Some(undo) = screen.undo else {
            return Err(AppError::NothingToUndo {
                step: String::new(),
                step_title: screen.title,
            });
        };
        self.step_action(
            ctx,
            &screen.id,
            &undo.step,
            StepAction::Undo,
            None,
            None,
            None,
        )
    }

    /// Changes the case's answers (`set` added or replaced, `unset` forgotten) and
    /// re-plans, keeping progress.
    pub fn set_case_facts(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        set: &[Answer],
        unset: &[String],
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let sc = &book.scenarios()[i];
        let facts = questionnaire::parse_answers(ctx.lang, sc, set)?;
        vault
            .set_facts(&view.id, sc, &facts, unset, ctx.now)
            .map_err(|e| vault_error(e, Some(&view), ctx.lang))?;
        let after = vault
            .case(&view.id, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &after)?;
        self.notify(ChangeKind::CaseChanged, Some(&view.id));
        Ok(screen)
    }

    /// Flags a rule of the case's scenario as possibly outdated (or clears the flag with
    /// `note == None`); returns the updated checklist.
    pub fn flag_rule(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        rule_id: &str,
        note: Option<&str>,
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let sc = &book.scenarios()[i];
        let result = match note {
            Some(n) => vault.flag_rule(sc, rule_id, n, ctx.now).map(|_| ()),
            None => vault.unflag_rule(sc.id(), rule_id).map(|_| ()),
        };
        result.map_err(|e| vault_error(e, Some(&view), ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &view)?;
        self.notify(ChangeKind::CaseChanged, Some(&view.id));
        Ok(screen)
    }

    /// Snoozes a reminder; returns the new sync.
    pub fn snooze_reminder(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        choice: rm::SnoozeChoice,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        self.reminder_event(ctx, reminder_id, |conn, r, settings, cal| {
            let until = rm::snooze_until(choice, ctx.now, settings, cal);
            rstore::snooze(conn, r, until, ctx.now)
        })?;
        self.reminder_sync(ctx, scheduled)
    }

    /// Dismisses a reminder; returns the new sync.
    pub fn dismiss_reminder(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        scheduled: &[String],
    ) -> Result<ReminderSyncView, AppError> {
        self.reminder_event(ctx, reminder_id, |conn, r, _, _| {
            rstore::dismiss(conn, r, ctx.now)
        })?;
        self.reminder_sync(ctx, scheduled)
    }

    /// Records that the phone delivered these reminders (ids or tokens): a delivered
    /// catch-up retires what it covers.
    pub fn reminders_delivered(
        &self,
        ctx: &ViewContext,
        tokens: &[String],
    ) -> Result<(), AppError> {
        for token in tokens {
            let id = token.split_once('#').map_or(token.as_str(), |(id, _)| id);
            match self.reminder_event(ctx, id, |conn, r, _, _| {
                rstore::mark_delivered(conn, r, effects::delivery_time(r, ctx.now))
            }) {
                Ok(()) | Err(AppError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Finds the reminder `reminder_id` (planned now, or an occurrence of an open step)
    /// and runs `f` on the vault's connection with it.
    fn with_reminder<T>(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        f: impl FnOnce(
            &rusqlite::Connection,
            &rm::Reminder,
            &ReminderSettings,
            &dyn rm::WorkingDays,
        ) -> Result<T, rm::ReminderError>,
    ) -> Result<T, AppError> {
        self.with_reminder_and_subjects(ctx, reminder_id, |conn, r, settings, cal, _| {
            f(conn, r, settings, cal)
        })
    }

    /// [`App::with_reminder`], also handing `f` the open steps the reminder was found among
    /// (a snooze needs them to find the planned time), so they are read from the vault once.
    fn with_reminder_and_subjects<T>(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        f: impl FnOnce(
            &rusqlite::Connection,
            &rm::Reminder,
            &ReminderSettings,
            &dyn rm::WorkingDays,
            &[rm::ReminderSubject],
        ) -> Result<T, rm::ReminderError>,
    ) -> Result<T, AppError> {
        let settings = self.reminder_settings(ctx.zone.clone());
        let vault = self.vault(ctx.now)?;
        let subjects =
            rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, ctx.lang))?;
        let cal = vault.deadline_calc().calendar();
        let storage = |e: rm::ReminderError| AppError::Storage {
            detail: e.to_string(),
        };
        vault.with_connection_mut(|conn| {
            let state = rstore::load_state(conn).map_err(storage)?;
            let r = rm::find_reminder(&subjects, &state, ctx.now, &settings, cal, reminder_id)
                .ok_or_else(|| AppError::NotFound {
                    what: Missing::Reminder,
                    id: reminder_id.to_string(),
                })?;
            f(conn, &r, &settings, cal, &subjects).map_err(storage)
        })
    }

    /// Changes a reminder's stored state with `f`, then tells observers.
    fn reminder_event(
        &self,
        ctx: &ViewContext,
        reminder_id: &str,
        f: impl FnOnce(
            &rusqlite::Connection,
            &rm::Reminder,
            &ReminderSettings,
            &dyn rm::WorkingDays,
        ) -> Result<(), rm::ReminderError>,
    ) -> Result<(), AppError> {
        let case = self.with_reminder(ctx, reminder_id, |conn, r, settings, cal| {
            f(conn, r, settings, cal)?;
            Ok(r.case_id.clone())
        })?;
        self.notify(ChangeKind::RemindersChanged, case.as_deref());
        Ok(())
    }
}

/// Bytes under `dir` (files only, not following links).
fn dir_size(dir: &Path) -> u64 {
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

fn io_error(e: std::io::Error) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

fn evidence_error(e: EvidenceError) -> AppError {
    AppError::Storage {
        detail: e.to_string(),
    }
}

/// A vault error in words for people, naming steps by their titles (from `case`).
pub fn vault_error(e: VaultError, case: Option<&CaseView>, lang: Lang) -> AppError {
    let title = |id: &str| -> String {
        case.and_then(|c| c.step(id))
            .map(|s| s.title.get(lang).to_string())
            .unwrap_or_else(|| id.to_string())
    };
    let number = |id: &str| case.and_then(|c| c.step(id)).map_or(0, |s| s.number);
    match e {
        VaultError::UnknownCase { id } => AppError::NotFound {
            what: Missing::Case,
            id,
        },
        VaultError::AmbiguousCase { prefix, .. } => AppError::AmbiguousCase { prefix },
        VaultError::UnknownStep { step, .. } => AppError::NotFound {
            what: Missing::Step,
            id: step,
        },
        VaultError::UnknownRoute { route, .. } => AppError::NotFound {
            what: Missing::Route,
            id: route,
        },
        VaultError::StepDropped { step } => AppError::StepDropped {
            step_title: title(&step),
            step,
        },
        VaultError::DependencyNotDone {
            step, dependency, ..
        } => AppError::DependencyNotDone {
            step_title: title(&step),
            dependency_title: title(&dependency),
            dependency_number: number(&dependency),
            step,
            dependency,
        },
        VaultError::BlockersNotCleared { blockers, .. } => {
            let first = blockers.split(", ").next().unwrap_or_default().to_string();
            let b = case.and_then(|c| c.blockers.iter().find(|b| b.id == first));
            AppError::BlockedBy {
                blocker_title: b.map_or(first.clone(), |b| b.title.get(lang).to_string()),
                remedy: b.map_or(String::new(), |b| b.remedy.get(lang).to_string()),
                blocker: first,
            }
        }
        VaultError::InvalidTransition {
            step,
            from_zh,
            from_en,
            action_zh,
            action_en,
        } => AppError::InvalidTransition {
            step_title: title(&step),
            step,
            from: match lang {
                Lang::Zh => from_zh,
                Lang::En => from_en,
            }
            .to_string(),
            action: match lang {
                Lang::Zh => action_zh,
                Lang::En => action_en,
            }
            .to_string(),
        },
        VaultError::NothingToUndo { step } => AppError::NothingToUndo {
            step_title: title(&step),
            step,
        },
        VaultError::DependentStarted {
            step, dependent, ..
        } => AppError::DependentStarted {
            step_title: title(&step),
            dependent_title: title(&dependent),
            step,
            dependent,
        },
        VaultError::TimeInFuture { .. } => AppError::TimeInFuture,
        VaultError::TimeBeforePrevious { previous, .. } => AppError::TimeBeforePrevious {
            previous_beijing: beijing_text(&previous),
        },
        VaultError::TimeTooEarly { limit, bound, .. } => match bound {
            crate::vault::TimeBound::Earliest => AppError::TimeTooEarly {
                limit_beijing: String::new(),
                dependency_title: String::new(),
                dependency_number: 0,
            },
            crate::vault::TimeBound::DependencySettled { step } => AppError::TimeTooEarly {
                limit_beijing: beijing_text(&limit),
                dependency_title: title(&step),
                dependency_number: number(&step),
            },
        },
        VaultError::NoteTooLong { chars, max } => AppError::NoteTooLong { chars, max },
        VaultError::Archived { .. } => AppError::Archived,
        VaultError::PackVersionMismatch {
            case_version,
            current,
        }
        | VaultError::PackDowngrade {
            case_version,
            current,
        } => AppError::PackOutdated {
            case_version,
            current,
        },
        VaultError::Facts(f) => fact_error(f, None, lang),
        VaultError::TooNew { found, supported } => {
            AppError::VaultFromNewerVersion { found, supported }
        }
        VaultError::Busy | VaultError::Replaced => AppError::Busy,
        VaultError::UnknownRule { rule, .. } => AppError::NotFound {
            what: Missing::Step,
            id: rule,
        },
        VaultError::NoSpace => AppError::FileProblem {
            code: FileProblemKind::NoSpace,
            name: String::new(),
        },
        other @ (VaultError::Io { .. }
        | VaultError::NotADatabase { .. }
        | VaultError::NotAFolder { .. }
        | VaultError::NotAVault { .. }
        | VaultError::Interrupted
        | VaultError::Sqlite(_)
        | VaultError::Corrupt { .. }
        | VaultError::Evidence(_)
        | VaultError::ScenarioMismatch { .. }) => {
            // One language, with the system's reason after it.
            let mut detail = other.message(lang);
            if let Some(reason) = std::error::Error::source(&other)
                .map(|r| r.to_string())
                .filter(|r| !detail.contains(r.as_str()))
            {
                detail.push_str(match lang {
                    Lang::Zh => "：",
                    Lang::En => ": ",
                });
                detail.push_str(&reason);
            }
            AppError::Storage { detail }
        }
    }
}

/// A fact error in words for people.
pub fn fact_error(e: FactError, scenario: Option<&Scenario>, lang: Lang) -> AppError {
    match e {
        FactError::Unknown { fact, .. } => AppError::UnknownFact { fact },
        FactError::WrongType { fact, .. } => {
            let def = scenario.and_then(|s| s.fact(&fact));
            AppError::InvalidFact {
                fact_title: def.map_or(fact.clone(), |d| d.prompt.get(lang).to_string()),
                reason: def
                    .map(|d| crate::rules::facts::accepted_input(d).get(lang).to_string())
                    .unwrap_or_default(),
                fact,
            }
        }
        FactError::PastLimit { fact, limit } => AppError::InvalidFact {
            fact_title: scenario
                .and_then(|s| s.fact(&fact))
                .map_or(fact.clone(), |d| d.prompt.get(lang).to_string()),
            reason: limit.get(lang).to_string(),
            fact,
        },
    }
}

/// A stored RFC 3339 instant as Beijing time to the minute.
fn beijing_text(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| {
            t.with_timezone(&crate::calendar::BEIJING)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_string())
}
