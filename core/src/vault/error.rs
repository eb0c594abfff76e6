//! Vault errors: what went wrong, typed, with the ids and values it is about. They carry
//! no words for people: the application layer words each one in the reader's language
//! (`app::error::vault_words`, `app::vault_error`). `Display` is a one-line English
//! description for logs and developers, with no personal data beyond ids.

use std::path::PathBuf;

use super::model::{StepAction, StepStatus};
use crate::rules::FactError;

/// Everything that can go wrong with the vault, its cases and their steps.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("scenario {scenario} has no rule `{rule}`")]
    UnknownRule { scenario: String, rule: String },
    #[error("evidence recovery failed: {0}")]
    Evidence(String),
    /// The system's reason is the source (shown as a detail line, once).
    #[error("cannot access the vault at {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not a SQLite database: {}", .path.display())]
    NotADatabase { path: PathBuf },
    #[error("the vault has schema version {found}; this build supports up to {supported}")]
    TooNew { found: u32, supported: u32 },
    #[error("the vault is locked by another connection")]
    Busy,
    #[error("the operation was interrupted")]
    Interrupted,
    /// The vault was restored from a backup since it was opened: the write was rolled
    /// back; open the vault again.
    #[error("the vault was replaced by a restore; the write was rolled back")]
    Replaced,
    /// The disk is full: the write was rolled back, nothing changed.
    #[error("no space left on the device; the write was rolled back")]
    NoSpace,
    /// Where the vault folder should be there is a file.
    #[error("{} is a file, not a vault folder", .path.display())]
    NotAFolder { path: PathBuf },
    /// A folder that holds other files and no vault: no vault is created there.
    #[error("{} holds other files ({}) and is not a vault", .path.display(), .found.join(", "))]
    NotAVault { path: PathBuf, found: Vec<String> },
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("corrupt vault data ({what}): {detail}")]
    Corrupt { what: String, detail: String },

    #[error("no case `{id}`")]
    UnknownCase { id: String },
    #[error("case id prefix `{prefix}` is ambiguous: {matches}")]
    AmbiguousCase { prefix: String, matches: String },
    #[error("case {id} is archived")]
    Archived { id: String },
    #[error("the case belongs to scenario {case_scenario}, not {given}")]
    ScenarioMismatch {
        case_scenario: String,
        given: String,
    },
    #[error("the case uses pack v{case_version}; the current pack is v{current}")]
    PackVersionMismatch {
        case_version: String,
        current: String,
    },
    #[error("the current pack v{current} is older than the case's v{case_version}")]
    PackDowngrade {
        case_version: String,
        current: String,
    },
    #[error(transparent)]
    Facts(#[from] FactError),

    #[error("the case has no step `{step}` (steps: {known})")]
    UnknownStep { step: String, known: String },
    #[error("step {step} is not in the current plan")]
    StepDropped { step: String },
    #[error("step {step} has no route `{route}` (routes: {known})")]
    UnknownRoute {
        step: String,
        route: String,
        known: String,
    },
    #[error("cannot {} step {step}: step {dependency} it depends on is {}", .action.as_str(), .status.as_str())]
    DependencyNotDone {
        step: String,
        dependency: String,
        action: StepAction,
        status: StepStatus,
    },
    #[error("blockers not cleared before step {step}: {blockers}")]
    BlockersNotCleared { step: String, blockers: String },
    #[error("step {step} is {}; cannot {} it", .from.as_str(), .action.as_str())]
    InvalidTransition {
        step: String,
        from: StepStatus,
        action: StepAction,
    },
    /// A waiting period or a window has no "start": its clock runs from its hand-in.
    #[error("step {step} is a waiting period or a window; it has nothing to start")]
    NothingToStart { step: String },
    /// An action without a duration has no answer to wait for: it is marked done.
    #[error("step {step} has no answer to wait for; it is done, not submitted")]
    NoAnswerToAwait { step: String },
    #[error("step {step} has no transition to undo")]
    NothingToUndo { step: String },
    #[error("step {dependent} depends on {step} and is already {}", .status.as_str())]
    DependentStarted {
        step: String,
        dependent: String,
        status: StepStatus,
    },
    #[error("time {at} is in the future (now {now})")]
    TimeInFuture { at: String, now: String },
    /// A time before something that must come first (a dependency settled, the year 2000): the device clock or the typed time is wrong.
    #[error("time {at} is before {limit} ({bound:?})")]
    TimeTooEarly {
        at: String,
        limit: String,
        bound: TimeBound,
    },
    /// A note longer than [`crate::limits::MAX_NOTE_CHARS`].
    #[error("the note has {chars} characters; at most {max}")]
    NoteTooLong { chars: usize, max: usize },
    #[error("time {at} is before step {step}'s previous transition at {previous}")]
    TimeBeforePrevious {
        step: String,
        at: String,
        previous: String,
    },
}

/// What a time may not come before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimeBound {
    /// A step this one depends on was settled then (its id).
    DependencySettled { step: String },
    /// The earliest time Tuilu accepts ([`crate::limits::EARLIEST_TIME_SECS`]).
    Earliest,
}

impl From<rusqlite::Error> for VaultError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => VaultError::Busy,
            Some(ErrorCode::OperationInterrupted) => VaultError::Interrupted,
            Some(ErrorCode::DiskFull) => VaultError::NoSpace,
            Some(ErrorCode::ConstraintViolation) if is_commit_hook(&e) => VaultError::Replaced,
            Some(ErrorCode::SystemIoFailure) if is_no_space_io(&e) => VaultError::NoSpace,
            Some(ErrorCode::NotADatabase) => VaultError::NotADatabase {
                path: PathBuf::new(),
            },
            _ => VaultError::Sqlite(e),
        }
    }
}

/// A commit rolled back by the vault's commit hook (the database was replaced).
fn is_commit_hook(e: &rusqlite::Error) -> bool {
    const SQLITE_CONSTRAINT_COMMITHOOK: i32 = 19 | (2 << 8);
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == SQLITE_CONSTRAINT_COMMITHOOK)
}

/// A "disk I/O error" from SQLite that is a full disk: the shared-memory file could not be
/// grown (`SQLITE_IOERR_SHMSIZE`, what even a read gets with 0 bytes free), or the write
/// failed with `ENOSPC` (SQLite's failing call leaves it in `errno`).
fn is_no_space_io(e: &rusqlite::Error) -> bool {
    const SQLITE_IOERR_SHMSIZE: i32 = 10 | (19 << 8);
    if let rusqlite::Error::SqliteFailure(f, _) = e {
        if f.extended_code == SQLITE_IOERR_SHMSIZE {
            return true;
        }
    }
    std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOSPC)
}

impl VaultError {
    pub(crate) fn corrupt(what: impl Into<String>, detail: impl ToString) -> VaultError {
        VaultError::Corrupt {
            what: what.into(),
            detail: detail.to_string(),
        }
    }
}

/// Result alias for vault operations.
pub type Result<T, E = VaultError> = std::result::Result<T, E>;
