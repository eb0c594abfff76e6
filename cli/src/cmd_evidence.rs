//! `tuilu evidence add|list|show|verify|export|rm|verify-bundle`.
//!
//! Everything except `verify-bundle` needs an open vault: the caller opens it and passes the
//! writer connection, the vault root and a [`CaseLookup`] to [`run`]. `verify-bundle` needs
//! none ([`run_without_vault`]).
//!
//! Exit status: 0 on success; 1 on an error; 2 when `verify` or `verify-bundle` found the
//! evidence not intact.

// Only `verify-bundle` is reachable until the vault is wired; remove with the wiring.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use rusqlite::Connection;
use serde_json::json;
use tuilu_core::evidence::{
    verify_bundle, BundlePreview, CancelFlag, CaseSnapshot, Disclosure, EvidenceItem,
    EvidenceStore, ExportOptions, NewItem, Source,
};
use tuilu_core::text::{count_en, size_text};

use crate::progress::StderrProgress;
use tuilu_core::Lang;

use crate::output::{print_json, Globals};

/// Exit status when verification finds problems.
pub const NOT_INTACT: u8 = 2;

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

/// What the evidence commands need from the vault's cases.
pub trait CaseLookup {
    /// `Ok` when the case exists; otherwise an error naming it.
    /// The full id of the case `case_ref` names (an id or a unique prefix); otherwise an
    /// error naming it.
    fn check_case(&self, case_ref: &str) -> anyhow::Result<String>;
    /// The title of a step of the case's plan, if known.
    fn step_title(&self, case_id: &str, step_id: &str) -> Option<String>;
    /// The case snapshot (the case, its journal, and both in words) for an export, with
    /// what `disclosure` lets out.
    fn snapshot(&self, case_id: &str, disclosure: Disclosure) -> anyhow::Result<CaseSnapshot>;
}

impl EvidenceCommand {
    /// The case the command is about, when it names one.
    pub fn case_ref(&self) -> Option<&str> {
        match self {
            EvidenceCommand::Add(a) => Some(&a.case_id),
            EvidenceCommand::List { case_id } | EvidenceCommand::Export { case_id, .. } => {
                Some(case_id)
            }
            EvidenceCommand::Verify { case_id } => case_id.as_deref(),
            _ => None,
        }
    }

    /// Whether the command needs an open vault.
    pub fn needs_vault(&self) -> bool {
        !matches!(self, EvidenceCommand::VerifyBundle { .. })
    }
}

/// Runs the commands that need no vault (`verify-bundle`).
pub fn run_without_vault(g: &Globals, cmd: EvidenceCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        EvidenceCommand::VerifyBundle { bundle } => verify_bundle_cmd(g, &bundle),
        _ => Err(anyhow!(
            "此命令需要打开保管库 / this command needs an open vault"
        )),
    }
}

/// Runs any evidence command against an open vault.
pub fn run(
    g: &Globals,
    cmd: EvidenceCommand,
    conn: &mut Connection,
    root: &Path,
    cases: &dyn CaseLookup,
    now: DateTime<Utc>,
) -> anyhow::Result<ExitCode> {
    let cancel = CancelFlag::new();
    // Ctrl-C cancels a long import, export or verify cleanly (no partial file, no row)
    // instead of killing the process mid-write. Best effort: a second handler is refused.
    let on_interrupt = cancel.clone();
    let _ = ctrlc::set_handler(move || on_interrupt.cancel());
    let mut store = EvidenceStore::new(conn, root);
    match cmd {
        EvidenceCommand::Add(a) => add(g, &mut store, cases, a, &cancel, now),
        EvidenceCommand::List { case_id } => {
            let case_id = cases.check_case(&case_id)?;
            let items = store.list(&case_id)?;
            if g.json {
                print_json(&items)?;
            } else if items.is_empty() {
                println!("{}", t(g, "（没有证据）", "(no evidence)"));
            } else {
                for it in &items {
                    println!("{}", item_line(g.lang, it));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Show { id } => {
            let item = store.get(&id)?;
            let history = store.history(&id)?;
            if g.json {
                print_json(&json!({ "item": item, "custody": history }))?;
            } else {
                print_item(g.lang, &item);
                println!("{}", t(g, "保管记录：", "Custody log:"));
                for e in &history {
                    println!(
                        "  #{:<5} {}  {:<8} {}",
                        e.seq,
                        e.at,
                        e.action,
                        &e.entry_hash[..16]
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Verify { case_id } => {
            let case_id = match case_id {
                Some(c) => Some(cases.check_case(&c)?),
                None => None,
            };
            let progress = StderrProgress::new(g, t(g, "校验中", "verifying"));
            let r = store.verify(case_id.as_deref(), &progress, &cancel, now)?;
            progress.finish();
            if g.json {
                print_json(&r)?;
            } else {
                for issue in &r.issues {
                    println!("✗ {}", issue.message(g.lang));
                }
                let n = r.items_checked;
                println!(
                    "{}",
                    match (g.lang, r.intact) {
                        (Lang::Zh, true) => format!("✓ 完好：已核验 {n} 项证据"),
                        (Lang::Zh, false) => format!("✗ 发现问题：已核验 {n} 项证据"),
                        (Lang::En, true) => {
                            format!(
                                "✓ intact: {} checked",
                                count_en(n as u64, "evidence item", "evidence items")
                            )
                        }
                        (Lang::En, false) => format!(
                            "✗ problems found: {} checked",
                            count_en(n as u64, "evidence item", "evidence items")
                        ),
                    }
                );
            }
            Ok(if r.intact {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(NOT_INTACT)
            })
        }
        EvidenceCommand::Export {
            case_id,
            output,
            include_private,
            dry_run,
            fail_writes_after,
        } => {
            let case_id = cases.check_case(&case_id)?;
            let disclosure = Disclosure::from_include_private(include_private);
            let snapshot = cases.snapshot(&case_id, disclosure)?;
            let preview = store.preview(&case_id, &snapshot)?;
            let output = match (output, dry_run) {
                (Some(o), false) => o,
                _ => {
                    if g.json {
                        print_json(&json!({ "preview": preview }))?;
                    } else {
                        print_preview(g, &preview);
                    }
                    return Ok(ExitCode::SUCCESS);
                }
            };
            if !g.json {
                print_preview(g, &preview);
            }
            let options = ExportOptions { fail_writes_after };
            let progress = StderrProgress::new(g, "导出 / exporting");
            let r = store.export_with(
                &case_id, &snapshot, &output, &options, &progress, &cancel, now,
            );
            progress.finish();
            let r = r?;
            if g.json {
                let mut v = serde_json::to_value(&r)?;
                v["preview"] = serde_json::to_value(&preview)?;
                print_json(&v)?;
            } else {
                println!(
                    "{} {}\nSHA-256 {}\n{} {}",
                    t(g, "已导出", "exported"),
                    output.display(),
                    r.sha256,
                    r.items,
                    t(g, "项证据", "items")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::Rm { id } => {
            let d = store.delete(&id, now)?;
            if g.json {
                print_json(&d)?;
            } else {
                println!(
                    "{} {}",
                    t(g, "已删除（保留删除记录）", "deleted (tombstone kept)"),
                    d.item.id
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        EvidenceCommand::VerifyBundle { bundle } => verify_bundle_cmd(g, &bundle),
    }
}

fn add(
    g: &Globals,
    store: &mut EvidenceStore<'_>,
    cases: &dyn CaseLookup,
    a: AddArgs,
    cancel: &CancelFlag,
    now: DateTime<Utc>,
) -> anyhow::Result<ExitCode> {
    let case_id = cases.check_case(&a.case_id)?;
    let step_title = match a.step.as_deref() {
        Some(s) => Some(cases.step_title(&case_id, s).ok_or_else(|| {
            anyhow!("案件 {case_id} 没有步骤 `{s}` / case {case_id} has no step `{s}`")
        })?),
        None => None,
    };
    let item = NewItem {
        case_id: case_id.clone(),
        step_id: a.step.clone(),
        step_title,
        note: a.note.clone(),
        tags: a.tags.clone(),
        captured_at: a.captured_at,
        source: if a.capture {
            Source::Capture
        } else {
            Source::Import
        },
    };
    let mut added = Vec::new();
    let mut failed = 0;
    for file in &a.files {
        let progress = StderrProgress::new(g, "添加 / adding");
        let r = store.add_file(&item, file, &progress, cancel, now);
        progress.finish();
        match r {
            Ok(ad) => {
                if !g.json {
                    let mark = match (&ad.linked_step, ad.duplicate) {
                        (Some(step), _) => {
                            let title = ad
                                .item
                                .steps()
                                .into_iter()
                                .find(|s| &s.step_id == step)
                                .and_then(|s| s.step_title)
                                .map(|t| step_title_in(g.lang, &t))
                                .unwrap_or_else(|| step.clone());
                            match g.lang {
                                Lang::Zh => format!("（已存在，现已同时关联到步骤「{title}」）"),
                                Lang::En => format!(
                                    "(already in this case; now also linked to the step \"{title}\")"
                                ),
                            }
                        }
                        (None, true) => t(g, "（已存在）", "(already in this case)").to_string(),
                        (None, false) => String::new(),
                    };
                    println!("{} {mark}", item_line(g.lang, &ad.item));
                }
                added.push(json!({
                    "id": ad.item.id,
                    "sha256": ad.item.sha256,
                    "duplicate": ad.duplicate,
                    "linked_step": ad.linked_step,
                    "item": ad.item,
                }));
            }
            Err(e) => {
                failed += 1;
                eprintln!("{}{e}", crate::output::t(g.lang, "错误：", "error: "));
            }
        }
    }
    if g.json {
        print_json(&added)?;
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn verify_bundle_cmd(g: &Globals, bundle: &Path) -> anyhow::Result<ExitCode> {
    let progress = StderrProgress::new(g, "校验证据包 / verifying bundle");
    let r = verify_bundle(bundle, &progress, &CancelFlag::new())
        .with_context(|| t(g, "无法校验证据包", "cannot verify the bundle").to_string())?;
    progress.finish();
    if g.json {
        print_json(&r)?;
    } else {
        for issue in &r.issues {
            println!("✗ {}", issue.message(g.lang));
        }
        let status = if r.intact {
            t(g, "✓ 证据包完好", "✓ bundle intact")
        } else {
            t(g, "✗ 证据包有问题", "✗ bundle NOT intact")
        };
        match g.lang {
            Lang::Zh => println!(
                "{status}：{} 项证据，{} 个文件，{} 条保管记录",
                r.items, r.files_checked, r.custody_entries
            ),
            Lang::En => println!(
                "{status}: {}, {}, {}",
                count_en(r.items as u64, "evidence item", "evidence items"),
                count_en(r.files_checked as u64, "file", "files"),
                count_en(r.custody_entries as u64, "custody entry", "custody entries")
            ),
        }
        if r.withheld_entries > 0 {
            println!(
                "{}",
                match g.lang {
                    Lang::Zh => format!(
                        "  其中 {} 条隐去了用户的备注，其哈希无法在证据包内重算",
                        r.withheld_entries
                    ),
                    Lang::En => format!(
                        "  {} of them had the user's notes left out; their hashes cannot be recomputed from the bundle",
                        r.withheld_entries
                    ),
                }
            );
        }
    }
    Ok(if r.intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(NOT_INTACT)
    })
}

fn t<'a>(g: &Globals, zh: &'a str, en: &'a str) -> &'a str {
    crate::output::t(g.lang, zh, en)
}

/// One language of a stored step title (`zh / en`, as [`CaseLookup::step_title`] gives it).
fn step_title_in(lang: Lang, title: &str) -> String {
    match (title.split_once(" / "), lang) {
        (Some((zh, _)), Lang::Zh) => zh.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => title.to_string(),
    }
}

fn item_line(lang: Lang, it: &EvidenceItem) -> String {
    let time = it
        .captured_at
        .unwrap_or(it.imported_at)
        .with_timezone(&tuilu_core::calendar::BEIJING)
        .format("%Y-%m-%d %H:%M");
    // The step by its title in the user's language, never its id.
    let steps: Vec<String> = it
        .steps()
        .into_iter()
        .map(|s| match s.step_title {
            Some(title) => format!("「{}」", step_title_in(lang, &title)),
            None => s.step_id,
        })
        .collect();
    let step = if steps.is_empty() {
        match lang {
            Lang::Zh => "未关联",
            Lang::En => "no step",
        }
        .to_string()
    } else {
        steps.join(",")
    };
    format!(
        "{}  {}  {:<16}  {}  {}  {}…",
        it.id,
        time,
        step,
        it.original_name,
        size_text(it.size),
        &it.sha256[..12]
    )
}

fn print_item(lang: Lang, it: &EvidenceItem) {
    let zh = lang == Lang::Zh;
    let row = |zh_label: &str, en_label: &str, v: String| {
        println!("{:<14} {v}", if zh { zh_label } else { en_label });
    };
    let none = || {
        if zh {
            "未知".to_string()
        } else {
            "unknown".to_string()
        }
    };
    row("证据 id", "id", it.id.clone());
    row("案件", "case", it.case_id.clone());
    row("步骤", "step", {
        let steps: Vec<String> = it
            .steps()
            .into_iter()
            .map(|s| match s.step_title {
                Some(title) => format!("「{}」", step_title_in(lang, &title)),
                None => s.step_id,
            })
            .collect();
        if steps.is_empty() {
            none()
        } else {
            steps.join("; ")
        }
    });
    row("原文件名", "original name", it.original_name.clone());
    row(
        "大小",
        "size",
        format!("{} ({} B)", size_text(it.size), it.size),
    );
    row("类型", "media type", it.media_type.clone());
    row("SHA-256", "SHA-256", it.sha256.clone());
    row(
        "拍摄时间",
        "captured at",
        match (&it.captured_at, &it.captured_at_source) {
            (Some(t), Some(src)) => format!("{} ({src})", t.to_rfc3339()),
            (Some(t), None) => t.to_rfc3339(),
            _ => none(),
        },
    );
    row("导入时间", "imported at", it.imported_at.to_rfc3339());
    row("来源", "source", it.source.as_str().to_string());
    row("备注", "note", it.note.clone());
    row("标签", "tags", it.tags.join(", "));
    if let Some(d) = it.deleted_at {
        row("删除时间", "deleted at", d.to_rfc3339());
    }
}

/// What the bundle holds and leaves out, in the run's language.
fn print_preview(g: &Globals, p: &BundlePreview) {
    let lang = g.lang;
    let zh = lang == Lang::Zh;
    println!(
        "{}",
        if zh {
            format!(
                "证据包将包含 {} 份证据文件（{}）。",
                p.files,
                size_text(p.bytes)
            )
        } else {
            format!(
                "The bundle will hold {} evidence file(s) ({}).",
                p.files,
                size_text(p.bytes)
            )
        }
    );
    if p.facts.is_empty() {
        println!("{}", t(g, "  事实：无", "  Facts: none"));
    } else {
        println!("{}", t(g, "  事实：", "  Facts:"));
        for f in &p.facts {
            let sep = t(g, "：", ": ");
            println!("    {}{sep}{}", f.question.get(lang), f.answer.get(lang));
        }
    }
    if !p.withheld_facts.is_empty() {
        println!(
            "{}",
            t(
                g,
                "  不放入的隐私事实（只列问题）：",
                "  Private facts left out (questions only):"
            )
        );
        for f in &p.withheld_facts {
            println!("    {}", f.question.get(lang));
        }
    }
    let about = |n: &tuilu_core::evidence::NoteRef| n.about.get(lang).to_string();
    if !p.notes.is_empty() {
        let list: Vec<String> = p.notes.iter().map(about).collect();
        println!(
            "{}{}",
            t(g, "  备注：", "  Notes: "),
            list.join(t(g, "、", ", "))
        );
    }
    if !p.withheld_notes.is_empty() {
        let list: Vec<String> = p.withheld_notes.iter().map(about).collect();
        println!(
            "{}{}",
            t(g, "  不放入的备注：", "  Notes left out: "),
            list.join(t(g, "、", ", "))
        );
    }
    if !p.include_private && (!p.withheld_facts.is_empty() || !p.withheld_notes.is_empty()) {
        println!(
            "{}",
            t(
                g,
                "  证据包会交给平台、公会或律师；如确需放入隐私事实和备注，请加 --include-private。",
                "  The bundle goes to a platform, a guild or a lawyer; add --include-private to put the private facts and notes in."
            )
        );
    }
}

/// The case an evidence command is about, loaded before the command takes the vault's
/// connection (the evidence store holds it for the whole command).
pub struct LoadedCase {
    /// The run's rule book (bundled packs and `<vault>/packs`), for the bundle's words.
    book: std::sync::Arc<tuilu_core::RuleBook>,
    case: Option<tuilu_core::vault::CaseView>,
    journal: Vec<tuilu_core::vault::Event>,
    calc: tuilu_core::vault::DeadlineCalc,
}

impl LoadedCase {
    /// Resolves `case_ref` (an id or unique prefix) and loads the case and its journal.
    pub fn load(
        app: &tuilu_core::app::App,
        vault: &tuilu_core::vault::Vault,
        case_ref: Option<&str>,
        lang: Lang,
        now: chrono::DateTime<chrono::Utc>,
    ) -> anyhow::Result<LoadedCase> {
        let book = app.rule_book()?;
        match case_ref {
            None => Ok(LoadedCase {
                book,
                case: None,
                journal: Vec::new(),
                calc: vault.deadline_calc().clone(),
            }),
            Some(r) => {
                // In the run's language only: "找不到案件「x」", not both languages.
                let id = vault
                    .resolve_case(r)
                    .map_err(|e| tuilu_core::app::vault_error(e, None, lang))?;
                Ok(LoadedCase {
                    book,
                    case: Some(vault.case(&id, now)?),
                    journal: vault.journal(&id)?,
                    calc: vault.deadline_calc().clone(),
                })
            }
        }
    }

    fn view(&self, case_ref: &str) -> anyhow::Result<&tuilu_core::vault::CaseView> {
        self.case
            .as_ref()
            .filter(|c| c.id.starts_with(case_ref))
            .ok_or_else(|| anyhow::anyhow!("未知案件 / unknown case `{case_ref}`"))
    }
}

impl CaseLookup for LoadedCase {
    fn check_case(&self, case_ref: &str) -> anyhow::Result<String> {
        Ok(self.view(case_ref)?.id.clone())
    }

    fn step_title(&self, case_id: &str, step_id: &str) -> Option<String> {
        let case = self.view(case_id).ok()?;
        case.step(step_id)
            .map(|s| format!("{} / {}", s.title.zh, s.title.en))
    }

    /// The case as exported into a bundle: the case view and journal, and the same in
    /// words with the pack's questions and rule sources (the run's rule book: a pack the
    /// phone added words its own cases).
    fn snapshot(
        &self,
        case_id: &str,
        disclosure: tuilu_core::evidence::Disclosure,
    ) -> anyhow::Result<tuilu_core::evidence::CaseSnapshot> {
        let case = self.view(case_id)?;
        let pack = self.book.get(&case.scenario).map(|s| &s.pack);
        Ok(tuilu_core::evidence::CaseSnapshot::new(
            case,
            &self.journal,
            pack,
            &self.calc,
            disclosure,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct TestCli {
        #[command(flatten)]
        globals: Globals,
        #[command(subcommand)]
        cmd: EvidenceCommand,
    }

    struct Cases;
    impl CaseLookup for Cases {
        fn check_case(&self, case_id: &str) -> anyhow::Result<String> {
            if case_id == "c1" {
                Ok(case_id.to_string())
            } else {
                Err(anyhow!("未知案件 / unknown case `{case_id}`"))
            }
        }
        fn step_title(&self, _case_id: &str, step_id: &str) -> Option<String> {
            Some(format!("Step {step_id}"))
        }
        fn snapshot(&self, case_id: &str, _d: Disclosure) -> anyhow::Result<CaseSnapshot> {
            Ok(CaseSnapshot {
                case: json!({ "case_id": case_id, "facts": {} }),
                ..CaseSnapshot::default()
            })
        }
    }

    fn exec(args: &[&str], conn: &mut Connection, root: &Path) -> anyhow::Result<ExitCode> {
        let cli = TestCli::try_parse_from(std::iter::once("tuilu").chain(args.iter().copied()))?;
        run(&cli.globals, cli.cmd, conn, root, &Cases, Utc::now())
    }

    #[test]
    fn commands_run_against_a_vault() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut conn = Connection::open(root.join("tuilu.sqlite3")).unwrap();
        conn.execute_batch(tuilu_core::evidence::SCHEMA_SQL)
            .unwrap();
        let f = root.join("shot.png");
        std::fs::write(&f, b"\x89PNG\r\n\x1a\nxx").unwrap();
        let fs = f.to_str().unwrap();
        assert_eq!(
            exec(
                &["--json", "add", "c1", "--step", "s1", fs],
                &mut conn,
                root
            )
            .unwrap(),
            ExitCode::SUCCESS
        );
        assert!(
            exec(&["add", "nope", fs], &mut conn, root).is_err(),
            "unknown case refused"
        );
        // The same file for another step attaches the existing item to it, once.
        for _ in 0..2 {
            assert_eq!(
                exec(&["add", "c1", "--step", "s2", fs], &mut conn, root).unwrap(),
                ExitCode::SUCCESS
            );
        }
        let (items, links, link_entries): (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM evidence_items),
                        (SELECT count(*) FROM evidence_item_steps WHERE step_id = 's2'),
                        (SELECT count(*) FROM evidence_custody WHERE action = 'link')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((items, links, link_entries), (1, 1, 1));
        let id: String = conn
            .query_row("SELECT id FROM evidence_items", [], |r| r.get(0))
            .unwrap();
        let step_title: String = conn
            .query_row("SELECT step_title FROM evidence_items", [], |r| r.get(0))
            .unwrap();
        assert_eq!(step_title, "Step s1");
        for args in [
            vec!["list", "c1"],
            vec!["show", &id],
            vec!["verify"],
            vec!["--lang", "en", "verify", "c1"],
        ] {
            assert_eq!(
                exec(&args, &mut conn, root).unwrap(),
                ExitCode::SUCCESS,
                "{args:?}"
            );
        }
        let out = root.join("b.zip");
        let outs = out.to_str().unwrap();
        assert_eq!(
            exec(&["export", "c1", "-o", outs], &mut conn, root).unwrap(),
            ExitCode::SUCCESS
        );
        let g = Globals {
            json: false,
            lang: Lang::En,
            vault: None,
            now: None,
        };
        let vb = EvidenceCommand::VerifyBundle {
            bundle: out.clone(),
        };
        assert!(!vb.needs_vault());
        assert_eq!(run_without_vault(&g, vb).unwrap(), ExitCode::SUCCESS);
        // A damaged file makes verify exit with NOT_INTACT.
        let sha: String = conn
            .query_row("SELECT sha256 FROM evidence_items", [], |r| r.get(0))
            .unwrap();
        std::fs::write(
            root.join("evidence/sha256").join(&sha[..2]).join(&sha),
            b"x",
        )
        .unwrap();
        assert_eq!(
            exec(&["verify"], &mut conn, root).unwrap(),
            ExitCode::from(NOT_INTACT)
        );
        assert_eq!(
            exec(&["rm", &id], &mut conn, root).unwrap(),
            ExitCode::SUCCESS
        );
    }
}
