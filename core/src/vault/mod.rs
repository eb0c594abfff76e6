//! The vault: a directory holding the user's cases in one SQLite database
//! (`tuilu.sqlite3`) and, later, their evidence files.
//!
//! - One read-write connection per [`Vault`] (behind a mutex, so a `Vault` can be shared
//!   between threads); WAL, `synchronous=FULL`, foreign keys on, a busy timeout.
//! - Migrations keyed on `PRAGMA user_version`, all in one transaction; a database from a
//!   newer build is refused before anything is written ([`VaultError::TooNew`]).
//! - Every write is one `BEGIN IMMEDIATE` transaction that reads, validates and writes, so
//!   concurrent writers (threads or processes) are serialised and a crash at any point
//!   leaves either the old state or the new one.
//! - Every function that depends on the time takes `now`.
//!
//! See `docs/cases.md` for the state machine and the crash-safety argument.

mod cases;
pub mod deadlines;
mod digest;
mod error;
mod flags;
mod id;
pub mod layout;
mod model;
pub mod schema;
mod steps;
mod store;
mod time;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, InterruptHandle};

pub use crate::calendar::Deadline;
pub(crate) use cases::version_cmp;
pub use cases::CaseDeleted;
pub use deadlines::{DeadlineCalc, BEIJING};
pub use error::{Result, TimeBound, VaultError};
pub use flags::{read_rule_flags, rule_ids, RuleFlag};
pub use id::CASE_ID_LEN;
pub use model::{
    allowed, refusal, BlockerSnapshot, CaseSummary, CaseView, Event, NextDeadline, PlanMeta,
    Progress, Refusal, ReplanReport, RouteSnapshot, RunningClock, StepAction, StepBrief,
    StepChange, StepFacts, StepRef, StepSnapshot, StepStatus, StepView, TransitionOptions,
    TransitionOutcome,
};
pub use schema::{supported_version, Migration, MigrationStep, MIGRATIONS};
pub use time::earliest_accepted_time;

/// File name of the database inside the vault directory.
pub const DB_FILE: &str = "tuilu.sqlite3";

/// An open vault. Cheap to share behind an `Arc`; all methods take `&self`.
pub struct Vault {
    dir: PathBuf,
    conn: Mutex<Connection>,
    interrupt: Arc<InterruptHandle>,
    deadlines: DeadlineCalc,
    /// Case digests already read ([`digest::DigestMemo`]); locked after `conn`.
    digest_memo: Mutex<digest::DigestMemo>,
    /// The database file's identity when opened ([`Vault::is_replaced`]).
    db_identity: Option<(u64, u64)>,
}

/// Interrupts whatever query the vault's connection is running (from another thread);
/// the interrupted call returns [`VaultError::Interrupted`] and its transaction is rolled
/// back.
#[derive(Clone)]
pub struct VaultInterrupt(Arc<InterruptHandle>);

impl VaultInterrupt {
    pub fn interrupt(&self) {
        self.0.interrupt();
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").field("dir", &self.dir).finish()
    }
}

impl Vault {
    /// Opens the vault in `dir`, creating the directory and the database when missing and
    /// migrating an older database. A database written by a newer build is refused with
    /// [`VaultError::TooNew`] and left byte-for-byte untouched.
    ///
    /// Before anything else it finishes what a killed restore left (see
    /// [`crate::backup::recover_interrupted_restore`]); it refuses a path that is a file, or
    /// a folder holding other files and no vault ([`VaultError::NotAVault`]: nothing is
    /// written there). The folder is made owner-only (0700) and the database files 0600,
    /// whatever they were, and the private temporary area is cleared of what killed runs
    /// left.
    pub fn open(dir: &Path, now: DateTime<Utc>) -> Result<Vault> {
        Vault::open_with(dir, now, DeadlineCalc::for_vault(dir))
    }

    /// [`Vault::open`] counting deadlines with a calendar already loaded (the application
    /// service's: one calendar per process, read from disk once). It must hold the vault's
    /// imported holiday years (`calendar_dir`), as the service's does.
    pub fn open_with_calendar(
        dir: &Path,
        now: DateTime<Utc>,
        calendar: std::sync::Arc<crate::calendar::ChinaCalendar>,
    ) -> Result<Vault> {
        Vault::open_with(dir, now, DeadlineCalc::with_calendar(calendar))
    }

    fn open_with(dir: &Path, now: DateTime<Utc>, deadlines: DeadlineCalc) -> Result<Vault> {
        let io = |source| VaultError::Io {
            path: dir.to_path_buf(),
            source,
        };
        crate::backup::recover_interrupted_restore(dir).map_err(io)?;
        prepare_folder(dir)?;
        let path = dir.join(DB_FILE);
        schema::stored_version(&path)?;
        let mut conn = schema::open_connection(&path)?;
        // Best effort: a folder this user does not own keeps its mode.
        let _ = layout::make_private(dir);
        let _ = layout::clean_temporary_area(dir);
        schema::migrate(&mut conn, now)?;
        // Finish or undo evidence operations a crash interrupted (skipped while another
        // process is adding or deleting evidence; see `EvidenceStore::recover`).
        crate::evidence::EvidenceStore::new(&mut conn, dir)
            .recover(now)
            .map_err(|e| VaultError::Evidence(e.to_string()))?;
        // Digests a migration, another build or another calendar left stale are made now,
        // once. Best effort: the readers read the step rows of a case without a current
        // digest, so a vault busy in another process is only slower to list.
        if digest::any_stale(&conn, &deadlines).unwrap_or(false) {
            let _ = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(VaultError::from)
                .and_then(|tx| {
                    digest::refresh(&tx, &deadlines, digest::Stale::AnyBasis)?;
                    tx.commit().map_err(VaultError::from)
                });
        }
        let interrupt = Arc::new(conn.get_interrupt_handle());
        Ok(Vault {
            dir: dir.to_path_buf(),
            conn: Mutex::new(conn),
            interrupt,
            deadlines,
            digest_memo: Mutex::default(),
            db_identity: schema::file_identity(&path),
        })
    }

    /// True when the database at the vault's path is no longer the one this value opened
    /// (a restore replaced the vault): every write is then refused
    /// ([`VaultError::Replaced`]) and the vault must be opened again.
    pub fn is_replaced(&self) -> bool {
        schema::file_identity(&self.db_path()) != self.db_identity
    }

    /// The vault directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The database file.
    pub fn db_path(&self) -> PathBuf {
        self.dir.join(DB_FILE)
    }

    /// A handle that interrupts the running query from another thread.
    pub fn interrupt_handle(&self) -> VaultInterrupt {
        VaultInterrupt(Arc::clone(&self.interrupt))
    }

    /// What deadlines are computed with.
    pub fn deadline_calc(&self) -> &DeadlineCalc {
        &self.deadlines
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .lock()
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// `PRAGMA integrity_check` plus `foreign_key_check`: `["ok"]` when sound.
    /// Interruptible through [`Vault::interrupt_handle`].
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        let conn = self.lock();
        let mut out: Vec<String> = conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let fk: Vec<String> = conn
            .prepare("PRAGMA foreign_key_check")?
            .query_map([], |r| {
                Ok(format!(
                    "foreign key violation in {} row {:?}",
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if !fk.is_empty() {
            out.retain(|l| l != "ok");
            out.extend(fk);
        }
        Ok(out)
    }

    /// Runs `f` on the connection (tests of long queries and interrupts).
    #[doc(hidden)]
    pub fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        f(&self.lock())
    }

    /// Runs `f` with exclusive use of the connection, for the modules that own their own
    /// tables in the vault (evidence store, reminder state). Other users wait.
    pub fn with_connection_mut<T, E>(
        &self,
        f: impl FnOnce(&mut Connection) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        f(&mut self.lock())
    }

    fn digest_memo(&self) -> MutexGuard<'_, digest::DigestMemo> {
        // Every entry is complete when inserted: a panic elsewhere leaves nothing half made.
        self.digest_memo.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock has already rolled its transaction back (the
        // transaction guard rolls back on drop), so the connection is usable.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Makes sure `dir` can hold the vault: created owner-only when missing; refused when it is
/// a file, or a folder with other files and no vault database.
fn prepare_folder(dir: &Path) -> Result<()> {
    let io = |source| VaultError::Io {
        path: dir.to_path_buf(),
        source,
    };
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return layout::create_private_dir(dir).map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists || dir.is_file() {
                    VaultError::NotAFolder {
                        path: dir.to_path_buf(),
                    }
                } else {
                    io(e)
                }
            });
        }
        Err(e) => return Err(io(e)),
        Ok(m) if !m.is_dir() => {
            return Err(VaultError::NotAFolder {
                path: dir.to_path_buf(),
            })
        }
        Ok(_) => {}
    }
    if dir.join(DB_FILE).is_file() {
        return Ok(());
    }
    let mut found = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io)? {
        let e = e.map_err(io)?;
        let is_dir = e.file_type().map_err(io)?.is_dir();
        let name = e.file_name().to_string_lossy().into_owned();
        if !layout::is_vault_entry(&name, is_dir) {
            found.push(if is_dir { format!("{name}/") } else { name });
        }
    }
    if found.is_empty() {
        return Ok(());
    }
    crate::sort::sort(&mut found);
    found.truncate(3);
    Err(VaultError::NotAVault {
        path: dir.to_path_buf(),
        found,
    })
}
