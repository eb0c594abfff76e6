//! Encrypted backup events of the application service: create, inspect and restore the
//! whole vault (`crate::backup`), with progress and cancellation, each returning a view
//! worded for the user. After a restore the service reloads the vault, the rule packs
//! added at run time and the holiday years from the restored folder.

use crate::app::present::count_en;
use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

use super::present::{local_text, size_text_in};
use super::{App, AppError, ChangeKind, ViewContext};
use crate::backup::{self as bk, BackupError, Manifest};
use crate::calendar::{self as cal, ChinaCalendar};
use crate::evidence::{CancelFlag, Progress};
use crate::text::Lang;

/// A backup made, checked or restored, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BackupView {
    /// The backup file (for a new backup: where it was written).
    pub path: String,
    /// Size of the encrypted file (0 when unknown).
    pub size: i64,
    pub size_text: String,
    /// When the backup was made, local time.
    pub created_text: String,
    pub cases: i64,
    pub evidence_files: i64,
    /// "3 个案件、5 份证据文件、2 个节假日年份".
    pub contents_text: String,
    /// "备份已完成", "备份完好，可以恢复", "已从备份恢复（替换了原有数据）".
    pub headline: String,
    /// True when a restore replaced a vault that had cases.
    pub replaced: bool,
}

/// The core's backup error with its words in both languages (the app shows one).
pub(super) fn backup_error(e: BackupError) -> AppError {
    match e {
        BackupError::Cancelled => AppError::Cancelled,
        e => AppError::Backup {
            kind: e.kind(),
            zh: e.message(Lang::Zh),
            en: e.message(Lang::En),
        },
    }
}

fn contents_text(lang: Lang, m: &Manifest) -> String {
    let c = &m.counts;
    match lang {
        Lang::Zh => format!(
            "{} 个案件、{} 份证据文件、{} 个节假日年份",
            c.cases, c.evidence_files, c.holiday_years
        ),
        Lang::En => format!(
            "{}, {}, {}",
            count_en(c.cases, "case", "cases"),
            count_en(c.evidence_files, "evidence file", "evidence files"),
            count_en(c.holiday_years, "holiday year", "holiday years")
        ),
    }
}

fn view(
    ctx: &ViewContext,
    path: &Path,
    size: u64,
    m: &Manifest,
    headline: String,
    replaced: bool,
) -> BackupView {
    BackupView {
        path: path.to_string_lossy().into_owned(),
        size: size as i64,
        size_text: size_text_in(ctx.lang, size),
        created_text: local_text(ctx, m.created_at),
        cases: m.counts.cases as i64,
        evidence_files: m.counts.evidence_files as i64,
        contents_text: contents_text(ctx.lang, m),
        headline,
        replaced,
    }
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

impl App {
    /// Writes an encrypted backup of the whole vault to `out` (which must not exist): age
    /// with the passphrase (scrypt) around the database snapshot, the vault's files and
    /// every evidence original. `passphrase` is a recovery code ([`App::new_recovery_code`],
    /// the default) or a chosen passphrase strong enough. `scrypt_log_n` is for tests
    /// (`None`: [`bk::DEFAULT_SCRYPT_LOG_N`]; otherwise within
    /// [`bk::MIN_SCRYPT_LOG_N`]..=[`bk::MAX_SCRYPT_LOG_N`]).
    /// A failure or a cancellation leaves no file.
    pub fn create_backup(
        &self,
        ctx: &ViewContext,
        out: &Path,
        passphrase: &str,
        scrypt_log_n: Option<u8>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<BackupView, AppError> {
        let r = self.create_backup_report(
            ctx,
            out,
            passphrase,
            scrypt_log_n,
            progress,
            cancel,
            backup_error,
        )?;
        let headline = match ctx.lang {
            Lang::Zh => "备份已完成，请把文件和恢复码（或口令）分开保存".to_string(),
            Lang::En => {
                "Backup done; keep the file and the recovery code (or passphrase) apart".to_string()
            }
        };
        Ok(view(ctx, &r.path, r.size, &r.manifest, headline, false))
    }

    /// Decrypts and checks a backup without restoring it: the manifest and every entry
    /// against its SHA-256.
    pub fn inspect_backup(
        &self,
        ctx: &ViewContext,
        path: &Path,
        passphrase: &str,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<BackupView, AppError> {
        let r = bk::inspect_backup(path, passphrase, progress, cancel).map_err(backup_error)?;
        let headline = match ctx.lang {
            Lang::Zh => format!("备份完好，可以恢复（共核对 {} 项）", r.entries_checked),
            Lang::En => format!(
                "The backup is intact and can be restored ({} entries checked)",
                r.entries_checked
            ),
        };
        Ok(view(
            ctx,
            path,
            file_size(path),
            &r.manifest,
            headline,
            false,
        ))
    }

    /// Restores the vault from a backup. Everything is decrypted beside the vault and
    /// verified before one atomic swap makes it live; any error leaves the current vault
    /// as it was. A vault with cases is replaced only when `replace`. Afterwards the
    /// service uses the restored vault, packs and holiday years, and observers hear of it.
    #[allow(clippy::too_many_arguments)]
    pub fn restore_backup(
        &self,
        ctx: &ViewContext,
        path: &Path,
        passphrase: &str,
        replace: bool,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<BackupView, AppError> {
        let r = self.restore_backup_report(
            ctx,
            path,
            passphrase,
            replace,
            progress,
            cancel,
            backup_error,
        )?;
        let headline = match (ctx.lang, r.replaced) {
            (Lang::Zh, true) => "已从备份恢复，原有数据已被替换".to_string(),
            (Lang::Zh, false) => "已从备份恢复".to_string(),
            (Lang::En, true) => "Restored from the backup; the previous data was replaced".into(),
            (Lang::En, false) => "Restored from the backup".to_string(),
        };
        Ok(view(
            ctx,
            path,
            file_size(path),
            &r.manifest,
            headline,
            r.replaced,
        ))
    }

    /// The backup every shell makes (see [`App::create_backup`]), its error said by `words`;
    /// returns the backup's report.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn create_backup_report(
        &self,
        ctx: &ViewContext,
        out: &Path,
        passphrase: &str,
        scrypt_log_n: Option<u8>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        words: fn(BackupError) -> AppError,
    ) -> Result<bk::CreateReport, AppError> {
        // Opening first creates or migrates the database, like any other call.
        self.vault(ctx.now)?;
        let options = bk::CreateOptions {
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            scrypt_log_n,
        };
        bk::create_backup(
            &self.dir, out, passphrase, &options, progress, cancel, ctx.now,
        )
        .map_err(words)
    }

    /// The restore every shell runs (see [`App::restore_backup`]): the connection closed
    /// first, the service reloaded from the restored folder after, observers told; its
    /// error said by `words`. Returns the backup's report.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn restore_backup_report(
        &self,
        ctx: &ViewContext,
        path: &Path,
        passphrase: &str,
        replace: bool,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        words: fn(BackupError) -> AppError,
    ) -> Result<bk::RestoreReport, AppError> {
        // The open connection would keep the old files: close it first.
        *self.vault.lock().map_err(|_| super::poisoned())? = None;
        let options = bk::RestoreOptions {
            replace,
            ..bk::RestoreOptions::default()
        };
        let r = bk::restore_backup(
            path, passphrase, &self.dir, &options, progress, cancel, ctx.now,
        )
        .map_err(words)?;
        self.reload()?;
        self.notify(ChangeKind::CaseChanged, None);
        self.notify(ChangeKind::CalendarChanged, None);
        self.notify(ChangeKind::RulesChanged, None);
        Ok(r)
    }

    /// Re-reads what lives in the vault folder: the rule packs added at run time, the
    /// holiday years, and (on next use) the database.
    fn reload(&self) -> Result<(), AppError> {
        // The packs of rule updates and those added by hand (rules::updates).
        let (book, problems) =
            crate::rules::updates::load_rule_book(Some(&self.dir)).map_err(|_| {
                AppError::Internal {
                    detail: "a bundled rule pack is invalid".into(),
                }
            })?;
        let calendar = ChinaCalendar::with_overrides(&cal::calendar_dir(&self.dir))
            .unwrap_or_else(|_| ChinaCalendar::bundled());
        *self.rules.write().map_err(|_| super::poisoned())? = Arc::new(book);
        *self.calendar.write().map_err(|_| super::poisoned())? = Arc::new(calendar);
        *self.pack_problems.lock().map_err(|_| super::poisoned())? = problems;
        *self.vault.lock().map_err(|_| super::poisoned())? = None;
        self.verified
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        Ok(())
    }
}
