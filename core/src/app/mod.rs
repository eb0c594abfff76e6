//! The application layer: one service that owns the rule book, the calendar and the vault,
//! computes a view model per screen and applies the user's events.
//!
//! The split follows redbadger/crux: the core decides, the shells render. Every string a
//! screen shows is made here in the user's language; the CLI and both apps draw these
//! views and perform platform effects (notifications, pickers, share sheet) only.
//! See `docs/architecture.md` and `docs/adr/0001-view-models-in-the-core.md`.
//!
//! Every method that depends on the time takes `now`.

mod backup;
mod case;
pub mod case_admin;
pub mod cli_backup;
pub mod cli_evidence;
pub mod cli_letters;
pub mod cli_reminders;
pub mod cli_rule_updates;
pub mod cli_screens;
pub mod cli_support;
pub mod cli_workdays;
pub mod clock;
pub mod effects;
mod error;
mod evidence;
mod evidence_ops;
mod home;
pub mod letters;
pub mod plan_view;
mod present;
mod questionnaire;
mod reminders;
mod rule_updates;
mod settings;
pub mod shell;
pub mod timing;
mod views;
pub mod when;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use backup::{
    BackupSectionView, BackupView, PassphraseHintView, RecoveryCodeView, BACKUP_DUE_AFTER_DAYS,
};
pub use case_admin::{
    CaseMenuAction, CaseMenuItem, ConfirmView, HistoryEntry, HistoryView, UpgradeView,
};
pub use effects::{
    AlarmTiming, CategorySetup, Effect, EffectFailure, NotificationActionId, NotificationButton,
    NotificationCategory, NotificationEffect, Os, PlatformState,
};
use error::{evidence_error, io_error};
pub use error::{
    fact_error, vault_error, vault_words, AppError, ErrorKind, FileProblemKind, Missing,
    TransitionHint,
};
pub use evidence_ops::{
    BundleCheckView, BundlePreviewView, DeletedView, EvidenceAddedView, FileWrittenView,
};
pub use home::HOME_PAGE;
pub use plan_view::{PlanOutcome, PlanRequest, PlanView};
pub use questionnaire::Answer;
pub use rule_updates::{PackVersionLine, ReleaseBytes, RuleUpdateResultView, RuleUpdatesView};
pub use settings::{AppSettings, SETTINGS_FILE};
pub use shell::{Event, Message, PermissionRequest, Route, Screen, Update};
pub use timing::{DeadlineView, TimeSense};
pub use views::*;
pub use when::{TimeChoice, WhenView};

use crate::calendar::{self as cal, ChinaCalendar};
use crate::reminders::UserZone;
use crate::rules::RuleBook;
use crate::text::Lang;
use crate::vault::Vault;

/// Directory of the vault where rule packs added at run time are kept (compiled JSON).
pub use crate::rules::updates::PACKS_DIR;

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
        let v = Arc::new(
            Vault::open_with_calendar(&self.dir, now, self.calendar()?)
                .map_err(|e| vault_error(e, None, Lang::Zh))?,
        );
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
}
