//! `tuilu backup create|inspect|restore`: one encrypted file with the whole vault
//! (see docs/backup.md). By default a backup gets a generated recovery code, printed once;
//! a chosen passphrase is typed at the terminal without echo (`--ask-passphrase`) or read
//! from `--passphrase-file`; never from an argument.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use clap::{Args, Subcommand};
use tuilu_core::app::cli_backup::passphrase_prompts;
use tuilu_core::app::cli_support::CancelFlag;
use tuilu_core::app::{App, ViewContext};

use crate::output::{print_out, t, Globals};
use crate::progress::StderrProgress;
use crate::views::{context, open_app};

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
    use tuilu_core::app::cli_backup::{MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N};
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
    /// The passphrase: the file's first line, or typed at the terminal without echo;
    /// a new one (`chosen_for`) is checked by the app and typed twice.
    fn read(&self, ctx: &ViewContext, chosen_for: Option<&App>) -> anyhow::Result<String> {
        let words = passphrase_prompts(ctx.lang);
        if let Some(path) = &self.passphrase_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("{}{}", words.unreadable_file, path.display()))?;
            return Ok(text.lines().next().unwrap_or("").to_string());
        }
        if !std::io::stdin().is_terminal() {
            return Err(anyhow!("{}", words.needs_terminal));
        }
        let Some(app) = chosen_for else {
            return Ok(rpassword::prompt_password(&words.code_or_passphrase)?);
        };
        let first = rpassword::prompt_password(&words.chosen)?;
        // Refused before it is typed twice.
        let check = app.cli_passphrase_check(ctx, &first);
        if let Some(e) = check.errors.first() {
            return Err(anyhow!("{e}"));
        }
        if rpassword::prompt_password(&words.repeat)? != first {
            return Err(anyhow!("{}", words.differ));
        }
        for line in &check.lines {
            eprintln!("{line}");
        }
        Ok(first)
    }
}

pub fn run(g: &Globals, cmd: BackupCommand) -> anyhow::Result<ExitCode> {
    let ctx = context(g);
    let lang = g.lang;
    let cancel = CancelFlag::new();
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || on_interrupt.cancel());
    let out = match cmd {
        BackupCommand::Create {
            output,
            pass,
            ask_passphrase,
            #[cfg(debug_assertions)]
            scrypt_work_factor,
        } => {
            #[cfg(not(debug_assertions))]
            let scrypt_work_factor = None;
            let app = open_app(g)?;
            // A chosen passphrase only when asked for; by default a recovery code.
            let code = if ask_passphrase || pass.passphrase_file.is_some() {
                None
            } else {
                Some(app.new_recovery_code(&ctx)?)
            };
            let passphrase = match &code {
                Some(c) => c.code.clone(),
                None => pass.read(&ctx, Some(&app))?,
            };
            let progress = StderrProgress::new(g, t(lang, "备份中", "backing up"));
            let out = app.cli_create_backup(
                &ctx,
                &output,
                &passphrase,
                code.as_ref(),
                scrypt_work_factor,
                &progress,
                &cancel,
            );
            progress.finish();
            out?
        }
        BackupCommand::Inspect { file, pass } => {
            let passphrase = pass.read(&ctx, None)?;
            let progress = StderrProgress::new(g, t(lang, "校验中", "checking"));
            let out = App::cli_inspect_backup(&ctx, &file, &passphrase, &progress, &cancel);
            progress.finish();
            out?
        }
        BackupCommand::Restore {
            file,
            replace,
            pass,
        } => {
            let app = open_app(g)?;
            let passphrase = pass.read(&ctx, None)?;
            let progress = StderrProgress::new(g, t(lang, "恢复中", "restoring"));
            let out = app.cli_restore_backup(&ctx, &file, &passphrase, replace, &progress, &cancel);
            progress.finish();
            out?
        }
    };
    print_out(g, &out)
}
