//! `tuilu backup create|inspect|restore`: one encrypted file with the whole vault
//! (see docs/backup.md). By default a backup gets a generated recovery code, printed once;
//! a chosen passphrase is typed at the terminal without echo (`--ask-passphrase`) or read
//! from `--passphrase-file`; never from an argument.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use tuilu_core::text::{count_en, size_text};

use crate::progress::StderrProgress;

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand};
use serde_json::json;
use tuilu_core::backup::{
    assess_passphrase, create_backup, generate_recovery_code, inspect_backup, restore_backup,
    BackupError, CreateOptions, Manifest, PassphraseLevel, RestoreOptions,
};
use tuilu_core::evidence::CancelFlag;
use tuilu_core::Lang;

use crate::output::{print_json, t, Globals};
use crate::vault_path::resolve_vault;

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// 创建加密备份（默认生成恢复码，只显示一次）/ write an encrypted backup of the whole vault (by default with a generated recovery code, shown once).
    Create {
        /// 输出文件（不得已存在）/ output file (must not exist).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        pass: PassArgs,
        /// 在终端输入自选口令（不回显，输入两次），代替生成的恢复码 / type a passphrase of
        /// your own at the terminal (no echo, twice) instead of a generated recovery code.
        #[arg(long, conflicts_with = "passphrase_file")]
        ask_passphrase: bool,
        /// scrypt work factor (log2 N), for tests: debug builds only (the release CLI has no
        /// such flag); within the core's range, default 2^18.
        #[cfg(debug_assertions)]
        #[arg(long, hide = true, value_parser = work_factor_arg)]
        scrypt_work_factor: Option<u8>,
    },
    /// 查看备份内容并校验（不恢复）/ show a backup's manifest and check every entry, without restoring.
    Inspect {
        /// 备份文件 / the backup file.
        file: PathBuf,
        #[command(flatten)]
        pass: PassArgs,
    },
    /// 从备份恢复保险库 / restore the vault from a backup.
    Restore {
        /// 备份文件 / the backup file.
        file: PathBuf,
        /// 替换已有案件的保险库 / replace a vault that already has cases.
        #[arg(long)]
        replace: bool,
        #[command(flatten)]
        pass: PassArgs,
    },
}

/// `--scrypt-work-factor`: a number within the core's range, or a clear error (never a
/// panic in the age crate).
#[cfg(debug_assertions)]
fn work_factor_arg(s: &str) -> Result<u8, String> {
    use tuilu_core::backup::{MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N};
    match s.parse::<u8>() {
        Ok(n) if (MIN_SCRYPT_LOG_N..=MAX_SCRYPT_LOG_N).contains(&n) => Ok(n),
        _ => Err(format!(
            "{MIN_SCRYPT_LOG_N}–{MAX_SCRYPT_LOG_N} / must be {MIN_SCRYPT_LOG_N} to {MAX_SCRYPT_LOG_N}"
        )),
    }
}

#[derive(Args, Debug)]
pub struct PassArgs {
    /// 从文件读取口令或恢复码（第一行）/ read the passphrase or recovery code from this file
    /// (its first line).
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl PassArgs {
    /// The passphrase: the file's first line, or typed at the terminal without echo
    /// (twice when `confirm`).
    fn read(&self, lang: Lang, confirm: bool) -> anyhow::Result<String> {
        let prompt = if confirm {
            t(lang, "自选备份口令：", "Your backup passphrase: ")
        } else {
            t(lang, "恢复码或口令：", "Recovery code or passphrase: ")
        };
        if let Some(path) = &self.passphrase_file {
            let text = std::fs::read_to_string(path).with_context(|| {
                format!(
                    "{}: {}",
                    t(lang, "无法读取口令文件", "cannot read the passphrase file"),
                    path.display()
                )
            })?;
            let line = text.lines().next().unwrap_or("").to_string();
            return Ok(line);
        }
        if !std::io::stdin().is_terminal() {
            return Err(anyhow!(
                "{}",
                t(
                    lang,
                    "需要在终端输入恢复码或口令，或用 --passphrase-file 指定口令文件",
                    "type the recovery code or passphrase at a terminal, or give --passphrase-file"
                )
            ));
        }
        let first = rpassword::prompt_password(prompt)?;
        if confirm {
            // Refused before it is typed twice.
            let strength = assess_passphrase(&first);
            if !strength.accepted {
                return Err(anyhow!("{}", strength.advice.get(lang)));
            }
            let again =
                rpassword::prompt_password(t(lang, "再输入一次口令：", "Repeat the passphrase: "))?;
            if again != first {
                return Err(anyhow!(
                    "{}",
                    t(lang, "两次输入的口令不一致", "the passphrases differ")
                ));
            }
            strength_hint(&first, lang);
        }
        Ok(first)
    }
}

/// The passphrase's strength, unless it is strong (the backup is only as strong as it;
/// a too-weak one is refused by the core).
fn strength_hint(p: &str, lang: Lang) {
    let a = assess_passphrase(p);
    if a.accepted && a.level < PassphraseLevel::Strong {
        match lang {
            Lang::Zh => eprintln!("口令强度：{}。{}", a.label.zh, a.advice.zh),
            Lang::En => eprintln!("Passphrase strength: {}. {}", a.label.en, a.advice.en),
        }
    }
}

pub fn run(g: &Globals, cmd: BackupCommand) -> anyhow::Result<ExitCode> {
    let lang = g.lang;
    let cancel = CancelFlag::new();
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || on_interrupt.cancel());
    let now = g.clock();
    match cmd {
        BackupCommand::Create {
            output,
            pass,
            ask_passphrase,
            #[cfg(debug_assertions)]
            scrypt_work_factor,
        } => {
            #[cfg(not(debug_assertions))]
            let scrypt_work_factor = None;
            let dir = resolve_vault(g.vault.as_deref())?;
            // A chosen passphrase only when asked for; by default a recovery code.
            let recovery_code = if ask_passphrase || pass.passphrase_file.is_some() {
                None
            } else {
                Some(generate_recovery_code().map_err(|e| explain(e, lang))?)
            };
            let passphrase = match &recovery_code {
                Some(code) => code.clone(),
                None => pass.read(lang, true)?,
            };
            let progress = StderrProgress::new(g, t(lang, "备份中", "backing up"));
            let options = CreateOptions {
                app_version: env!("CARGO_PKG_VERSION").to_string(),
                scrypt_log_n: scrypt_work_factor,
            };
            let r = create_backup(
                &dir,
                &output,
                &passphrase,
                &options,
                &progress,
                &cancel,
                now,
            );
            progress.finish();
            let r = r.map_err(|e| explain(e, lang))?;
            if g.json {
                print_json(&json!({
                    "path": r.path,
                    "size": r.size,
                    "manifest": r.manifest,
                    "recovery_code": recovery_code,
                }))?;
            } else {
                println!(
                    "{}{}",
                    t(lang, "已创建备份：", "Backup written: "),
                    r.path.display()
                );
                print_summary(&r.manifest, r.size, lang);
                match &recovery_code {
                    Some(code) => print_recovery_code(code, lang),
                    None => println!(
                        "{}",
                        t(
                            lang,
                            "请把备份文件和口令分开保存。忘记口令就无法恢复。",
                            "Keep the file and the passphrase apart. Without the passphrase nothing can be restored."
                        )
                    ),
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        BackupCommand::Inspect { file, pass } => {
            let passphrase = pass.read(lang, false)?;
            let progress = StderrProgress::new(g, t(lang, "校验中", "checking"));
            let r = inspect_backup(&file, &passphrase, &progress, &cancel);
            progress.finish();
            let r = r.map_err(|e| explain(e, lang))?;
            if g.json {
                print_json(&r)?;
            } else {
                let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
                print_summary(&r.manifest, size, lang);
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "校验通过：全部 {} 个条目的 SHA-256 与清单一致。",
                            r.entries_checked
                        ),
                        Lang::En => format!(
                            "Intact: all {} entries match their SHA-256 in the manifest.",
                            r.entries_checked
                        ),
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        BackupCommand::Restore {
            file,
            replace,
            pass,
        } => {
            let dir = resolve_vault(g.vault.as_deref())?;
            let passphrase = pass.read(lang, false)?;
            let progress = StderrProgress::new(g, t(lang, "恢复中", "restoring"));
            let options = RestoreOptions {
                replace,
                ..RestoreOptions::default()
            };
            let r = restore_backup(&file, &passphrase, &dir, &options, &progress, &cancel, now);
            progress.finish();
            let r = r.map_err(|e| explain(e, lang))?;
            if g.json {
                print_json(&r)?;
            } else {
                println!(
                    "{}{}",
                    if r.replaced {
                        t(
                            lang,
                            "已用备份替换保险库：",
                            "Vault replaced from the backup: ",
                        )
                    } else {
                        t(lang, "已恢复保险库：", "Vault restored: ")
                    },
                    dir.display()
                );
                print_summary(&r.manifest, 0, lang);
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "已校验：{} 份证据文件的哈希，{} 条保管记录的链。",
                            r.evidence_items_verified, r.custody_entries_verified
                        ),
                        Lang::En => format!(
                            "Verified: the hashes of {} and a chain of {}.",
                            count_en(
                                r.evidence_items_verified as u64,
                                "evidence item",
                                "evidence items"
                            ),
                            count_en(
                                r.custody_entries_verified as u64,
                                "custody entry",
                                "custody entries"
                            )
                        ),
                    }
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The generated code, shown this once, with what to do with it.
fn print_recovery_code(code: &str, lang: Lang) {
    println!();
    println!(
        "{}",
        t(
            lang,
            "这个备份的恢复码（只显示这一次）：",
            "This backup's recovery code (shown only this once):"
        )
    );
    println!();
    println!("    {code}");
    println!();
    println!(
        "{}",
        t(
            lang,
            "请把这串恢复码写在纸上，和备份文件分开保存。恢复时输入它（空格可省略）。退路不保存恢复码；丢了它，谁也无法打开这个备份。",
            "Write this recovery code on paper and keep it apart from the backup file. Type it to restore (spaces optional). Tuilu does not keep it; without it nobody can open this backup."
        )
    );
}

/// The error in the user's language only (the core's `Display` carries both), with the
/// system's reason as a detail line, and the CLI's way to choose replacing.
fn explain(e: BackupError, lang: Lang) -> anyhow::Error {
    let mut text = e.message(lang);
    if e.kind() == tuilu_core::backup::BackupErrorKind::VaultHasCases {
        text.push_str(t(
            lang,
            "；确定要替换时，请加 --replace",
            "; to replace it, add --replace",
        ));
    }
    match std::error::Error::source(&e) {
        Some(reason) => anyhow!("{reason}").context(text),
        None => anyhow!("{text}"),
    }
}

fn print_summary(m: &Manifest, size: u64, lang: Lang) {
    let c = &m.counts;
    let created = m
        .created_at
        .with_timezone(&tuilu_core::calendar::BEIJING)
        .format("%Y-%m-%d %H:%M");
    match lang {
        Lang::Zh => {
            println!(
                "  创建于：{created}（北京时间），退路 {}，格式版本 {}",
                m.app_version, m.format_version
            );
            println!(
                "  案件 {} 个；证据 {} 项（{} 个文件）；保管记录 {} 条",
                c.cases, c.evidence_items, c.evidence_files, c.custody_entries
            );
            println!(
                "  导入的节假日年份 {} 个；添加的规则包 {} 个；规则标记 {} 条；提醒状态 {} 条",
                c.holiday_years, c.rule_packs, c.rule_flags, c.reminder_states
            );
            if size > 0 {
                println!(
                    "  内容 {}，备份文件 {}",
                    size_text(c.bytes),
                    size_text(size)
                );
            } else {
                println!("  内容 {}", size_text(c.bytes));
            }
        }
        Lang::En => {
            println!(
                "  created {created} (Beijing time) by Tuilu {}, format version {}",
                m.app_version, m.format_version
            );
            println!(
                "  {}; {} ({}); {}",
                count_en(c.cases, "case", "cases"),
                count_en(c.evidence_items, "evidence item", "evidence items"),
                count_en(c.evidence_files, "file", "files"),
                count_en(c.custody_entries, "custody entry", "custody entries")
            );
            println!(
                "  {}; {}; {}; {}",
                count_en(
                    c.holiday_years,
                    "imported holiday year",
                    "imported holiday years"
                ),
                count_en(c.rule_packs, "added rule pack", "added rule packs"),
                count_en(c.rule_flags, "rule flag", "rule flags"),
                count_en(c.reminder_states, "reminder state", "reminder states")
            );
            if size > 0 {
                println!(
                    "  content {}, backup file {}",
                    size_text(c.bytes),
                    size_text(size)
                );
            } else {
                println!("  content {}", size_text(c.bytes));
            }
        }
    }
}
