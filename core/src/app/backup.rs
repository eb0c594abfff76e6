//! The backup screen (a section of settings) and its events.
//!
//! Events: create, inspect and restore the whole vault (`crate::backup`), encrypted, with
//! progress and cancellation, each returning a view worded for the user. After a restore
//! the service reloads the vault, the rule packs added at run time and the holiday years
//! from the restored folder.
//!
//! View: when the last backup was made, whether one is due, what a new one holds, and the
//! passphrase hint under the field. The apps draw it and run the platform's file picker;
//! the words and the "due" decision are made here.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::present::{count_en, local_text, size_text_in, tr};
use super::{App, AppError, ChangeKind, ViewContext};
use crate::backup::{
    self as bk, assess_passphrase, generate_recovery_code, last_backup, BackupError, Manifest,
    PassphraseLevel,
};
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

// -- the backup section of settings ----------------------------------------------------

/// A backup older than this is due again, once there is something in the vault.
pub const BACKUP_DUE_AFTER_DAYS: i64 = 30;

/// The backup section of the settings screen.
#[derive(Debug, Clone, PartialEq)]
pub struct BackupSectionView {
    pub last_backup_at: Option<DateTime<Utc>>,
    /// "上次备份：2026-11-20 09:30（12 天前），3 个案件、45 份证据" or "还没有备份过".
    pub last_backup_text: String,
    /// Whether to nudge: never backed up with cases in the vault, cases or evidence added
    /// since, or the last backup older than [`BACKUP_DUE_AFTER_DAYS`].
    pub due: bool,
    /// Why it is due, in words (empty when not due).
    pub due_text: String,
    /// What a backup holds now: "3 个案件、45 份证据，约 120.5 MB".
    pub contents_text: String,
    /// For the platform's "create document" picker.
    pub suggested_file_name: String,
    /// The mime type for the pickers (age files have none registered).
    pub mime_type: String,
    /// What the user must know before choosing a passphrase.
    pub explanation: String,
    pub create_label: String,
    pub restore_label: String,
}

/// A fresh recovery code for a new backup (the default; a chosen passphrase is the
/// alternative), with what the person must do with it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryCodeView {
    /// 30 digits in 6 groups of 5 ("04172 93385 …"): pass it as the passphrase. Restore
    /// accepts it with or without the spaces.
    pub code: String,
    /// "请把这串恢复码写在纸上……".
    pub instruction: String,
    /// "我已写下恢复码": what the person confirms before the backup is made.
    pub confirm_label: String,
    /// "改用自设口令": the way to a chosen passphrase instead.
    pub own_passphrase_label: String,
}

/// The hint under the passphrase field, updated as the user types.
#[derive(Debug, Clone, PartialEq)]
pub struct PassphraseHintView {
    /// 0 (too weak) to 3 (strong): how much of the meter to fill.
    pub meter: i64,
    /// "弱" / "Weak".
    pub label: String,
    pub advice: String,
    /// Whether "create backup" may be pressed with it.
    pub accepted: bool,
}

impl App {
    /// The backup section at `ctx.now`.
    pub fn backup_section(&self, ctx: &ViewContext) -> Result<BackupSectionView, AppError> {
        let lang = ctx.lang;
        let (cases, evidence) = self.vault_counts(ctx)?;
        let (cases, evidence) = (cases as u64, evidence as u64);
        let last = last_backup(&self.dir);
        let (last_backup_text, due_text) = match &last {
            None => (
                tr(lang, "还没有备份过", "Never backed up"),
                if cases > 0 {
                    tr(
                        lang,
                        "手机丢失或更换时，没有备份的证据会一起丢失。建议现在备份。",
                        "If this phone is lost or replaced, evidence without a backup is lost with it. Back up now.",
                    )
                } else {
                    String::new()
                },
            ),
            Some(b) => {
                let days = (ctx.now - b.created_at).num_days().max(0);
                let ago = match (lang, days) {
                    (Lang::Zh, 0) => "今天".to_string(),
                    (Lang::Zh, d) => format!("{d} 天前"),
                    (Lang::En, 0) => "today".to_string(),
                    (Lang::En, 1) => "1 day ago".to_string(),
                    (Lang::En, d) => format!("{d} days ago"),
                };
                let text = match lang {
                    Lang::Zh => format!(
                        "上次备份：{}（{ago}），{} 个案件、{} 份证据",
                        local_text(ctx, b.created_at),
                        b.cases,
                        b.evidence_files
                    ),
                    Lang::En => format!(
                        "Last backup: {} ({ago}), {}, {}",
                        local_text(ctx, b.created_at),
                        count_en(b.cases, "case", "cases"),
                        count_en(b.evidence_files, "evidence file", "evidence files")
                    ),
                };
                let new_cases = cases.saturating_sub(b.cases);
                let new_evidence = evidence.saturating_sub(b.evidence_files);
                let due = if new_cases + new_evidence > 0 {
                    match lang {
                        Lang::Zh => {
                            let mut parts = Vec::new();
                            if new_cases > 0 {
                                parts.push(format!("{new_cases} 个案件"));
                            }
                            if new_evidence > 0 {
                                parts.push(format!("{new_evidence} 份证据"));
                            }
                            format!(
                                "上次备份之后新增了 {}，还不在任何备份里。",
                                parts.join("、")
                            )
                        }
                        Lang::En => format!(
                            "Since the last backup: {} and {}, in no backup yet.",
                            count_en(new_cases, "new case", "new cases"),
                            count_en(new_evidence, "new evidence file", "new evidence files")
                        ),
                    }
                } else if days >= BACKUP_DUE_AFTER_DAYS && cases > 0 {
                    match lang {
                        Lang::Zh => format!("上次备份已是 {days} 天前，建议重新备份。"),
                        Lang::En => format!("The last backup is {days} days old; make a new one."),
                    }
                } else {
                    String::new()
                };
                (text, due)
            }
        };
        let size = super::settings::dir_size(&self.dir);
        let contents_text = match lang {
            Lang::Zh => format!(
                "{cases} 个案件、{evidence} 份证据，约 {}",
                size_text_in(lang, size)
            ),
            Lang::En => format!(
                "{}, {}, about {}",
                count_en(cases, "case", "cases"),
                count_en(evidence, "evidence file", "evidence files"),
                size_text_in(lang, size)
            ),
        };
        let date = local_text(ctx, ctx.now);
        let day = date.split(' ').next().unwrap_or_default();
        Ok(BackupSectionView {
            last_backup_at: last.map(|b| b.created_at),
            last_backup_text,
            due: !due_text.is_empty(),
            due_text,
            contents_text,
            suggested_file_name: match lang {
                Lang::Zh => format!("退路备份-{day}.tuilu-backup"),
                Lang::En => format!("tuilu-backup-{day}.tuilu-backup"),
            },
            mime_type: "application/octet-stream".into(),
            explanation: tr(
                lang,
                "备份是一个加密文件，含全部案件、证据原件、导入的节假日和规则包。请把它存到手机以外的地方（电脑、网盘）。默认由退路生成一串 30 位数字的恢复码来加密，请写在纸上保存；也可以改用足够强的自设口令。退路不保存恢复码或口令；丢了它，备份就无法恢复。",
                "A backup is one encrypted file with every case, every evidence original, imported holidays and rule packs. Keep it off the phone (a computer, a cloud drive). By default Tuilu makes a 30-digit recovery code to encrypt it: write it on paper. You may use a strong passphrase of your own instead. Tuilu keeps neither; without it the backup cannot be restored.",
            ),
            create_label: tr(lang, "创建备份", "Create backup"),
            restore_label: tr(lang, "从备份恢复", "Restore from backup"),
        })
    }

    /// The new backup file never reached the place the user chose (the exporter was
    /// dismissed, copying to the picked document failed): the section goes back to the
    /// backup before it.
    pub fn backup_not_kept(&self, ctx: &ViewContext) -> Result<BackupSectionView, AppError> {
        crate::backup::forget_last_backup(&self.dir).map_err(|e| AppError::Storage {
            detail: e.to_string(),
        })?;
        self.backup_section(ctx)
    }

    /// A fresh recovery code from the operating system's CSPRNG, for the next backup.
    /// Nothing is stored: the apps show it once and pass it to `create_backup`.
    pub fn new_recovery_code(&self, ctx: &ViewContext) -> Result<RecoveryCodeView, AppError> {
        let code = generate_recovery_code().map_err(backup_error)?;
        let lang = ctx.lang;
        Ok(RecoveryCodeView {
            code,
            instruction: tr(
                lang,
                "请把这串恢复码写在纸上，和备份文件分开保存。恢复时输入它（空格可省略）。它只显示这一次，退路不保存；丢了它，谁也无法打开这个备份。",
                "Write this recovery code on paper and keep it apart from the backup file. Type it to restore (spaces optional). It is shown only this once and Tuilu does not keep it; without it nobody can open this backup.",
            ),
            confirm_label: tr(lang, "我已写下恢复码", "I have written the code down"),
            own_passphrase_label: tr(lang, "改用自设口令", "Use a passphrase of my own"),
        })
    }

    /// The hint for a passphrase being typed. Pure: nothing is stored or logged.
    pub fn passphrase_hint(&self, ctx: &ViewContext, passphrase: &str) -> PassphraseHintView {
        let a = assess_passphrase(passphrase);
        PassphraseHintView {
            meter: match a.level {
                PassphraseLevel::TooWeak => 0,
                PassphraseLevel::Weak => 1,
                PassphraseLevel::Fair => 2,
                PassphraseLevel::Strong => 3,
            },
            label: a.label.get(ctx.lang).to_string(),
            advice: a.advice.get(ctx.lang).to_string(),
            accepted: a.accepted,
        }
    }
}
