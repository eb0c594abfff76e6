//! The backup commands of the command line (`tuilu backup create|inspect|restore`) on the
//! application service. Each returns a [`Printout`]: the documented `--json` record (the
//! backup's own reports, `recovery_code` with a new code) and the lines in the run's
//! language. Reading the passphrase at the terminal stays in the CLI; how strong it is
//! ([`App::passphrase_hint`]) and the recovery code ([`App::new_recovery_code`]) come from
//! here, as for the phones.

use std::path::Path;

use serde_json::json;

use super::cli_support::{json_of, Printout};
use super::{App, AppError, RecoveryCodeView, ViewContext};
use crate::backup::{self as bk, BackupError, BackupErrorKind, Manifest};
use crate::calendar::BEIJING;
use crate::evidence::{CancelFlag, Progress};
use crate::text::{count_en, size_text_in, Lang};

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// The backup's error in words, the command line's way to choose replacing added, and
/// the system's reason (a full disk) after it.
fn backup_error(e: BackupError) -> AppError {
    if matches!(e, BackupError::Cancelled) {
        return AppError::Cancelled;
    }
    let word = |lang: Lang| {
        let mut text = e.message(lang);
        if e.kind() == BackupErrorKind::VaultHasCases {
            text.push_str(&tr(
                lang,
                "；确定要替换时，请加 --replace",
                "; to replace it, add --replace",
            ));
        }
        if let Some(reason) = std::error::Error::source(&e) {
            text.push_str(&match lang {
                Lang::Zh => format!("（原因：{reason}）"),
                Lang::En => format!(" (caused by: {reason})"),
            });
        }
        text
    };
    AppError::Backup {
        kind: e.kind(),
        zh: word(Lang::Zh),
        en: word(Lang::En),
    }
}

/// What a backup holds, in lines (`size`: the encrypted file's, 0 when not shown).
fn summary(lang: Lang, m: &Manifest, size: u64) -> Vec<String> {
    let c = &m.counts;
    let created = crate::text::minute_text(&m.created_at.with_timezone(&BEIJING));
    match lang {
        Lang::Zh => vec![
            format!(
                "  创建于：{created}（北京时间），退路 {}，格式版本 {}",
                m.app_version, m.format_version
            ),
            format!(
                "  案件 {} 个；证据 {} 项（{} 个文件）；保管记录 {} 条",
                c.cases, c.evidence_items, c.evidence_files, c.custody_entries
            ),
            format!(
                "  导入的节假日年份 {} 个；添加的规则包 {} 个；规则标记 {} 条；提醒状态 {} 条",
                c.holiday_years, c.rule_packs, c.rule_flags, c.reminder_states
            ),
            if size > 0 {
                format!(
                    "  内容 {}，备份文件 {}",
                    size_text_in(Lang::Zh, c.bytes),
                    size_text_in(Lang::Zh, size)
                )
            } else {
                format!("  内容 {}", size_text_in(Lang::Zh, c.bytes))
            },
        ],
        Lang::En => vec![
            format!(
                "  created {created} (Beijing time) by Tuilu {}, format version {}",
                m.app_version, m.format_version
            ),
            format!(
                "  {}; {} ({}); {}",
                count_en(c.cases, "case", "cases"),
                count_en(c.evidence_items, "evidence item", "evidence items"),
                count_en(c.evidence_files, "file", "files"),
                count_en(c.custody_entries, "custody entry", "custody entries")
            ),
            format!(
                "  {}; {}; {}; {}",
                count_en(
                    c.holiday_years,
                    "imported holiday year",
                    "imported holiday years"
                ),
                count_en(c.rule_packs, "added rule pack", "added rule packs"),
                count_en(c.rule_flags, "rule flag", "rule flags"),
                count_en(c.reminder_states, "reminder state", "reminder states")
            ),
            if size > 0 {
                format!(
                    "  content {}, backup file {}",
                    size_text_in(Lang::En, c.bytes),
                    size_text_in(Lang::En, size)
                )
            } else {
                format!("  content {}", size_text_in(Lang::En, c.bytes))
            },
        ],
    }
}

/// The range of the tests' scrypt work factor (`--scrypt-work-factor`, debug builds).
pub use crate::backup::{MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N};

/// The words of reading a passphrase at the terminal (`tuilu backup …`).
#[derive(Debug, Clone)]
pub struct PassphrasePrompts {
    /// "自选备份口令：" — a passphrase of the user's own, for a new backup.
    pub chosen: String,
    /// "恢复码或口令：" — to open a backup.
    pub code_or_passphrase: String,
    pub repeat: String,
    pub differ: String,
    /// Standard input is not a terminal and no file was given.
    pub needs_terminal: String,
    /// Before the file's name: the passphrase file cannot be read.
    pub unreadable_file: String,
}

/// [`PassphrasePrompts`] in `lang`.
pub fn passphrase_prompts(lang: Lang) -> PassphrasePrompts {
    PassphrasePrompts {
        chosen: tr(lang, "自选备份口令：", "Your backup passphrase: "),
        code_or_passphrase: tr(lang, "恢复码或口令：", "Recovery code or passphrase: "),
        repeat: tr(lang, "再输入一次口令：", "Repeat the passphrase: "),
        differ: tr(lang, "两次输入的口令不一致", "The passphrases differ"),
        needs_terminal: tr(
            lang,
            "需要在终端输入恢复码或口令，或用 --passphrase-file 指定口令文件",
            "Type the recovery code or passphrase at a terminal, or give --passphrase-file",
        ),
        unreadable_file: tr(
            lang,
            "无法读取口令文件：",
            "Cannot read the passphrase file: ",
        ),
    }
}

impl App {
    /// A passphrase the user chose, before it is typed a second time: refused in
    /// [`Printout::errors`] when too weak; otherwise, unless it is strong, a line on its
    /// strength to show once it is confirmed.
    pub fn cli_passphrase_check(&self, ctx: &ViewContext, passphrase: &str) -> Printout {
        let hint = self.passphrase_hint(ctx, passphrase);
        let mut out = Printout::default();
        if !hint.accepted {
            out.errors.push(hint.advice);
        } else if hint.meter < 3 {
            out.lines.push(match ctx.lang {
                Lang::Zh => format!("口令强度：{}。{}", hint.label, hint.advice),
                Lang::En => format!("Passphrase strength: {}. {}", hint.label, hint.advice),
            });
        }
        out
    }

    /// `tuilu backup create -o FILE`: [`App::create_backup`] with the backup's report as
    /// JSON (`{path, size, manifest, recovery_code}`). With `recovery_code` (from
    /// [`App::new_recovery_code`], the default) the lines show it this once with what to
    /// do; with a chosen passphrase they say to keep it apart.
    #[allow(clippy::too_many_arguments)]
    pub fn cli_create_backup(
        &self,
        ctx: &ViewContext,
        out: &Path,
        passphrase: &str,
        recovery_code: Option<&RecoveryCodeView>,
        scrypt_log_n: Option<u8>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        // A vault that cannot be opened is said in the run's language.
        self.vault_for(ctx)?;
        let r = self.create_backup_report(
            ctx,
            out,
            passphrase,
            scrypt_log_n,
            progress,
            cancel,
            backup_error,
        )?;
        let mut lines = vec![format!(
            "{}{}",
            tr(lang, "已创建备份：", "Backup written: "),
            r.path.display()
        )];
        lines.extend(summary(lang, &r.manifest, r.size));
        match recovery_code {
            Some(view) => {
                lines.push(String::new());
                lines.push(tr(
                    lang,
                    "这个备份的恢复码（只显示这一次）：",
                    "This backup's recovery code (shown only this once):",
                ));
                lines.push(String::new());
                lines.push(format!("    {}", view.code));
                lines.push(String::new());
                lines.push(view.instruction.clone());
            }
            None => lines.push(tr(
                lang,
                "请把备份文件和口令分开保存。忘记口令就无法恢复。",
                "Keep the file and the passphrase apart. Without the passphrase nothing can be restored.",
            )),
        }
        Ok(Printout::new(
            json!({
                "path": r.path,
                "size": r.size,
                "manifest": r.manifest,
                "recovery_code": recovery_code.map(|v| &v.code),
            }),
            lines,
        ))
    }

    /// `tuilu backup inspect FILE`: decrypts and checks every entry, restoring nothing and
    /// needing no vault. The JSON is the backup's inspect report.
    pub fn cli_inspect_backup(
        ctx: &ViewContext,
        file: &Path,
        passphrase: &str,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let r = bk::inspect_backup(file, passphrase, progress, cancel).map_err(backup_error)?;
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        let mut lines = summary(ctx.lang, &r.manifest, size);
        lines.push(match ctx.lang {
            Lang::Zh => format!(
                "校验通过：全部 {} 个条目的 SHA-256 与清单一致。",
                r.entries_checked
            ),
            Lang::En => format!(
                "Intact: all {} entries match their SHA-256 in the manifest.",
                r.entries_checked
            ),
        });
        Ok(Printout::new(json_of(&r)?, lines))
    }

    /// `tuilu backup restore FILE [--replace]`: as [`App::restore_backup`] (verified
    /// beside the vault, one swap, the service reloaded), with the backup's restore report
    /// as JSON.
    #[allow(clippy::too_many_arguments)]
    pub fn cli_restore_backup(
        &self,
        ctx: &ViewContext,
        file: &Path,
        passphrase: &str,
        replace: bool,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        let r = self.restore_backup_report(
            ctx,
            file,
            passphrase,
            replace,
            progress,
            cancel,
            backup_error,
        )?;
        let mut lines = vec![format!(
            "{}{}",
            if r.replaced {
                tr(
                    lang,
                    "已用备份替换保险库：",
                    "Vault replaced from the backup: ",
                )
            } else {
                tr(lang, "已恢复保险库：", "Vault restored: ")
            },
            self.dir.display()
        )];
        lines.extend(summary(lang, &r.manifest, 0));
        lines.push(match lang {
            Lang::Zh => format!(
                "已校验：{} 份证据文件的哈希，{} 条保管记录的链。",
                r.evidence_items_verified, r.custody_entries_verified
            ),
            Lang::En => format!(
                "Verified: the hashes of {} and a chain of {}.",
                count_en(r.evidence_items_verified, "evidence item", "evidence items"),
                count_en(
                    r.custody_entries_verified,
                    "custody entry",
                    "custody entries"
                )
            ),
        });
        Ok(Printout::new(json_of(&r)?, lines))
    }
}
