//! Encrypted backup and restore of the whole vault (the core's `backup` module): async,
//! with progress and a `CancelToken`, like the evidence export. Counts and sizes are
//! signed (`Long` in Kotlin), versions `Int`.
//!
//! Errors carry a stable detail that starts with [`BACKUP_ERROR_PREFIX`] and the core's
//! kind tag (`backup wrong_passphrase`, `backup truncated`, `backup damaged`,
//! `backup not_a_backup`, `backup newer_format`, `backup vault_has_cases`,
//! `backup no_space`, `backup verify_failed`, ...), so the app can show its own text.

use std::path::PathBuf;
use std::sync::Arc;

use tuilu_core::backup::{self as bk, BackupError};

use crate::cancel::CancelToken;
use crate::core::TuiluCore;
use crate::error::{guard, ApiError};
use crate::progress::ProgressListener;
use crate::uniffi_support::Timestamp;
use crate::vault_api::long_op;

/// Every backup error's `detail` starts with this, followed by the kind tag.
pub const BACKUP_ERROR_PREFIX: &str = "backup ";

impl From<BackupError> for ApiError {
    fn from(e: BackupError) -> ApiError {
        let detail = format!("{BACKUP_ERROR_PREFIX}{}", e.kind());
        match e {
            BackupError::Cancelled => ApiError::Cancelled,
            BackupError::NotFound => ApiError::NotFound { detail },
            BackupError::NewerFormat { found, supported } => ApiError::Conflict {
                detail: format!("{detail}: format {found}, this build reads up to {supported}"),
            },
            BackupError::OutputExists { .. } | BackupError::VaultHasCases { .. } => {
                ApiError::Conflict { detail }
            }
            BackupError::NoSpace => ApiError::Io { detail },
            BackupError::Io { source, .. } => ApiError::Io {
                detail: format!("{detail}: {}", source.kind()),
            },
            BackupError::Vault(_) => ApiError::Storage { detail },
            _ => ApiError::InvalidInput { detail },
        }
    }
}

/// How much a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupCountsRecord {
    pub cases: i64,
    pub evidence_items: i64,
    pub evidence_files: i64,
    pub custody_entries: i64,
    pub holiday_years: i64,
    pub rule_packs: i64,
    pub rule_flags: i64,
    pub reminder_states: i64,
    pub entries: i64,
    pub bytes: i64,
}

/// The manifest of a backup (without its entry list).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupManifestRecord {
    pub format_version: i32,
    /// The Tuilu version that made it.
    pub app_version: String,
    pub created_at: Timestamp,
    pub schema_version: i32,
    pub counts: BackupCountsRecord,
}

impl From<&bk::Manifest> for BackupManifestRecord {
    fn from(m: &bk::Manifest) -> Self {
        let c = &m.counts;
        BackupManifestRecord {
            format_version: m.format_version as i32,
            app_version: m.app_version.clone(),
            created_at: m.created_at,
            schema_version: m.schema_version as i32,
            counts: BackupCountsRecord {
                cases: int(c.cases),
                evidence_items: int(c.evidence_items),
                evidence_files: int(c.evidence_files),
                custody_entries: int(c.custody_entries),
                holiday_years: int(c.holiday_years),
                rule_packs: int(c.rule_packs),
                rule_flags: int(c.rule_flags),
                reminder_states: int(c.reminder_states),
                entries: int(c.entries),
                bytes: int(c.bytes),
            },
        }
    }
}

/// What `create_backup` wrote.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupCreatedRecord {
    pub path: String,
    /// Size of the encrypted file.
    pub size: i64,
    pub manifest: BackupManifestRecord,
}

/// What `inspect_backup` found: every entry present and matching its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupInspectRecord {
    pub manifest: BackupManifestRecord,
    pub entries_checked: i64,
    pub bytes_checked: i64,
}

/// What `restore_backup` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupRestoredRecord {
    pub manifest: BackupManifestRecord,
    /// True when a vault with cases was replaced.
    pub replaced: bool,
    pub evidence_items_verified: i64,
    pub custody_entries_verified: i64,
}

/// The last backup made from this vault, for a "last backed up" reminder.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LastBackupRecord {
    pub created_at: Timestamp,
    pub size: i64,
    pub cases: i64,
    pub evidence_files: i64,
}

/// Counts and sizes cross as signed integers (they never come near `i64::MAX`).
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn scrypt_log_n(work_factor: Option<i32>) -> Result<Option<u8>, ApiError> {
    match work_factor {
        None => Ok(None),
        Some(n @ 1..=30) => Ok(Some(n as u8)),
        Some(_) => Err(ApiError::invalid_input("scrypt work factor must be 1–30")),
    }
}

#[uniffi::export]
impl TuiluCore {
    /// The last backup made from this vault, or none.
    pub fn last_backup(&self) -> Option<LastBackupRecord> {
        bk::last_backup(self.vault_slot().dir()).map(|l| LastBackupRecord {
            created_at: l.created_at,
            size: int(l.size),
            cases: int(l.cases),
            evidence_files: int(l.evidence_files),
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl TuiluCore {
    /// Writes an encrypted backup of the whole vault to `out_path` (which must not exist):
    /// age with the passphrase (scrypt), around a tar of the manifest, a database
    /// snapshot, the vault's files and every evidence original. Safe while the app keeps
    /// working. Written to a temporary file and renamed: a failure or `cancel` leaves no
    /// file. `scrypt_work_factor` (log2 N) is for tests; `None` takes about a second.
    /// Errors (detail `backup <kind>`): `Conflict` (`output_exists`), `InvalidInput`
    /// (`empty_passphrase`), `Io` (`no_space`, ...), `Storage`, `Cancelled`.
    pub async fn create_backup(
        &self,
        out_path: String,
        passphrase: String,
        now: Timestamp,
        scrypt_work_factor: Option<i32>,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<BackupCreatedRecord, ApiError> {
        let log_n = scrypt_log_n(scrypt_work_factor)?;
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |slot, progress, flag| {
                if out_path.is_empty() {
                    return Err(ApiError::invalid_input("empty output path"));
                }
                // Opening first creates or migrates the database, like any other call.
                slot.get(now)?;
                let options = bk::CreateOptions {
                    app_version: crate::core_version(),
                    scrypt_log_n: log_n,
                };
                let out = PathBuf::from(out_path);
                let r = bk::create_backup(
                    slot.dir(),
                    &out,
                    &passphrase,
                    &options,
                    progress,
                    flag,
                    now,
                )?;
                Ok(BackupCreatedRecord {
                    path: r.path.to_string_lossy().into_owned(),
                    size: int(r.size),
                    manifest: (&r.manifest).into(),
                })
            },
        )
        .await
    }

    /// Decrypts and checks a backup without restoring it: the manifest, the counts, and
    /// every entry against its SHA-256. Errors (detail `backup <kind>`): `InvalidInput`
    /// (`wrong_passphrase`, `truncated`, `damaged`, `not_a_backup`, `entry_mismatch`),
    /// `Conflict` (`newer_format`), `NotFound`, `Cancelled`.
    pub async fn inspect_backup(
        &self,
        path: String,
        passphrase: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<BackupInspectRecord, ApiError> {
        long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |_slot, progress, flag| {
                let r = bk::inspect_backup(&PathBuf::from(path), &passphrase, progress, flag)?;
                Ok(BackupInspectRecord {
                    manifest: (&r.manifest).into(),
                    entries_checked: int(r.entries_checked),
                    bytes_checked: int(r.bytes_checked),
                })
            },
        )
        .await
    }

    /// Restores this core's vault from a backup. Everything is decrypted into a folder
    /// beside the vault and verified there (hashes, database, evidence files, custody
    /// chain) before one atomic swap makes it live; any error leaves the current vault as
    /// it was. A vault with cases is replaced only when `replace`. Run nothing else on
    /// this core meanwhile. Afterwards the core uses the restored vault and its holiday
    /// years. Errors: as `inspect_backup`, plus `Conflict` (`vault_has_cases`),
    /// `InvalidInput` (`verify_failed`), `Io` (`no_space`).
    pub async fn restore_backup(
        &self,
        path: String,
        passphrase: String,
        replace: bool,
        now: Timestamp,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<BackupRestoredRecord, ApiError> {
        // The open connection would keep the old files: close it first.
        self.vault_slot().reset()?;
        let result = long_op(
            self.vault_slot().clone(),
            listener,
            cancel,
            move |slot, progress, flag| {
                let options = bk::RestoreOptions {
                    replace,
                    ..bk::RestoreOptions::default()
                };
                let r = bk::restore_backup(
                    &PathBuf::from(path),
                    &passphrase,
                    slot.dir(),
                    &options,
                    progress,
                    flag,
                    now,
                )?;
                Ok(BackupRestoredRecord {
                    manifest: (&r.manifest).into(),
                    replaced: r.replaced,
                    evidence_items_verified: int(r.evidence_items_verified),
                    custody_entries_verified: int(r.custody_entries_verified),
                })
            },
        )
        .await;
        if result.is_ok() {
            guard(|| self.reload_vault())?;
        }
        result
    }
}
