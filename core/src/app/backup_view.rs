//! The backup section of settings: when the last backup was made, whether one is due,
//! what a new one holds, and the passphrase hint under the field. The apps draw it and
//! run the platform's file picker; the words and the "due" decision are made here.

use super::present::tr;
use crate::app::present::count_en;
use chrono::{DateTime, Utc};

use super::error::AppError;
use super::present::{local_text, size_text_in};
use super::{App, ViewContext};
use crate::backup::{assess_passphrase, generate_recovery_code, last_backup, PassphraseLevel};
use crate::text::Lang;

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
        let code = generate_recovery_code().map_err(super::backup_ops::backup_error)?;
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
