//! `tuilu evidence add|list|show|verify|export|rm|verify-bundle`.
//!
//! Each command is one call on the process's [`App`] (`core/src/app/cli_evidence.rs`), which
//! words the result; this file parses the arguments and prints. `verify-bundle` needs no
//! vault.
//!
//! Exit status: 0 on success; 1 on an error; 2 when `verify` or `verify-bundle` found the
//! evidence not intact.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use tuilu_core::app::cli_evidence::EvidenceAddRequest;
use tuilu_core::app::cli_support::CancelFlag;
use tuilu_core::app::App;

use crate::output::{print_out, t, Globals};
use crate::progress::StderrProgress;
use crate::views::{context, open_app};

#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// 添加证据文件 / add evidence files to a case.
    Add(AddArgs),
    /// 列出案件的证据 / list a case's evidence.
    List {
        /// 案件 id / case id.
        case_id: String,
    },
    /// 显示一项证据及其保管记录 / show one item and its custody history.
    Show {
        /// 证据 id / item id.
        id: String,
    },
    /// 校验文件与保管日志；完好时退出码为 0 / verify files and the custody log; exit 0 only when intact.
    Verify {
        /// 只校验此案件的文件（日志总是完整校验）/ only this case's files (the log is always checked whole).
        case_id: Option<String>,
    },
    /// 导出证据包 (zip)，先列出包含的内容 / export a case's evidence bundle (zip), saying first what it holds.
    Export {
        /// 案件 id / case id.
        case_id: String,
        /// 输出文件 / output file (must not exist).
        #[arg(
            short = 'o',
            long = "output",
            value_name = "BUNDLE.zip",
            required_unless_present = "dry_run"
        )]
        output: Option<PathBuf>,
        /// 连同隐私事实（金额、余额、收入、粉丝数、合同条款等）和备注一起导出 / include the
        /// private facts (amounts, balances, income, fans, contract terms…) and the notes.
        #[arg(long)]
        include_private: bool,
        /// 只列出证据包将包含的内容，不导出 / only say what the bundle would hold; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Test hook: writes to the bundle fail as on a full disk after this many bytes.
        #[arg(long, hide = true, value_name = "BYTES")]
        fail_writes_after: Option<u64>,
    },
    /// 删除一项证据（保留删除记录）/ delete an item (a tombstone stays in the log).
    Rm {
        /// 证据 id / item id.
        id: String,
    },
    /// 在任何电脑上校验证据包 / check a bundle on any machine (no vault needed).
    VerifyBundle {
        /// 证据包 / the bundle zip.
        bundle: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct AddArgs {
    /// 案件 id / case id.
    pub case_id: String,
    /// 该证据证明的步骤 id / the step this evidence proves.
    #[arg(long, value_name = "STEP")]
    pub step: Option<String>,
    /// 备注 / a note.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub note: String,
    /// 标签，可重复 / a tag, repeatable.
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// 拍摄时间（RFC 3339），图片 EXIF 优先 / capture time (RFC 3339); image EXIF wins.
    #[arg(long, value_name = "RFC3339", value_parser = crate::output::parse_time)]
    pub captured_at: Option<DateTime<Utc>>,
    /// 标记为应用内拍摄 / mark as captured in the app rather than imported.
    #[arg(long)]
    pub capture: bool,
    /// 文件 / files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Runs an evidence command on the process's app.
pub fn run(g: &Globals, cmd: EvidenceCommand) -> anyhow::Result<ExitCode> {
    let ctx = context(g);
    let cancel = CancelFlag::new();
    // Ctrl-C cancels a long import, export or verify cleanly (no partial file, no row)
    // instead of killing the process mid-write. Best effort: a second handler is refused.
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || on_interrupt.cancel());
    // The vault is opened for every command but `verify-bundle`.
    let app = || -> anyhow::Result<_> {
        let app = open_app(g)?;
        app.vault_for(&ctx)?;
        Ok(app)
    };
    let out = match cmd {
        EvidenceCommand::Add(a) => {
            let req = EvidenceAddRequest {
                step: a.step,
                note: a.note,
                tags: a.tags,
                captured_at: a.captured_at,
                capture: a.capture,
            };
            let progress = StderrProgress::new(g, t(g.lang, "添加", "adding"));
            let out = app()?.cli_add_evidence(&ctx, &a.case_id, &req, &a.files, &progress, &cancel);
            progress.finish();
            out?
        }
        EvidenceCommand::List { case_id } => app()?.cli_list_evidence(&ctx, &case_id)?,
        EvidenceCommand::Show { id } => app()?.cli_show_evidence(&ctx, &id)?,
        EvidenceCommand::Verify { case_id } => {
            let progress = StderrProgress::new(g, t(g.lang, "校验中", "verifying"));
            let out = app()?.cli_verify_evidence(&ctx, case_id.as_deref(), &progress, &cancel);
            progress.finish();
            out?
        }
        EvidenceCommand::Export {
            case_id,
            output,
            include_private,
            dry_run,
            fail_writes_after,
        } => {
            // What the bundle will carry is said first, and alone with --dry-run.
            let preview = app()?.cli_bundle_preview(&ctx, &case_id, include_private)?;
            let output = match (output, dry_run) {
                (Some(o), false) => o,
                _ => return print_out(g, &preview),
            };
            if !g.json {
                print_out(g, &preview)?;
            }
            let progress = StderrProgress::new(g, t(g.lang, "导出", "exporting"));
            let out = app()?.cli_export_bundle(
                &ctx,
                &case_id,
                &output,
                include_private,
                fail_writes_after,
                &progress,
                &cancel,
            );
            progress.finish();
            out?
        }
        EvidenceCommand::Rm { id } => app()?.cli_delete_evidence(&ctx, &id)?,
        EvidenceCommand::VerifyBundle { bundle } => {
            let progress = StderrProgress::new(g, t(g.lang, "校验证据包", "verifying bundle"));
            let out = App::cli_verify_bundle(&ctx, &bundle, &progress, &cancel);
            progress.finish();
            out?
        }
    };
    print_out(g, &out)
}
