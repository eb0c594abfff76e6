//! The evidence commands of the command line (`tuilu evidence add|list|show|verify|export|rm|
//! verify-bundle`) on the application service: the one vault of the process, its one
//! database handle and rule book. Each returns a [`Printout`]: the documented `--json`
//! record (the evidence store's records, unchanged) and the lines a person reads, in the
//! run's language. The CLI only prints them.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::json;

use super::cli_support::{json_of, Printout};
use super::evidence_ops::{evidence_app_error, ItemDetails};
use super::{vault_error, App, AppError, Missing, ViewContext};
use crate::calendar::BEIJING;
use crate::evidence::{
    self as ev, BundlePreview, CancelFlag, EvidenceItem, EvidenceStore, ExportOptions, Progress,
    Source,
};
use crate::text::{count_en, size_text_in, Lang};

fn tr(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// What `tuilu evidence add` was asked to record with each file.
#[derive(Debug, Clone, Default)]
pub struct EvidenceAddRequest {
    /// The step the files prove (its id).
    pub step: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    /// The capture time the user gave (an image's EXIF time wins).
    pub captured_at: Option<DateTime<Utc>>,
    /// Captured in the app rather than imported.
    pub capture: bool,
}

/// One language of a stored step title (`zh / en`).
fn step_title_in(lang: Lang, title: &str) -> String {
    match (title.split_once(" / "), lang) {
        (Some((zh, _)), Lang::Zh) => zh.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => title.to_string(),
    }
}

/// The steps an item proves, by their titles in the user's language (never an id when a
/// title is known).
fn step_names(lang: Lang, it: &EvidenceItem) -> Vec<String> {
    it.steps()
        .into_iter()
        .map(|s| match s.step_title {
            Some(title) => format!("「{}」", step_title_in(lang, &title)),
            None => s.step_id,
        })
        .collect()
}

/// One item as a list line.
fn item_line(lang: Lang, it: &EvidenceItem) -> String {
    let time = crate::text::minute_text(
        &it.captured_at
            .unwrap_or(it.imported_at)
            .with_timezone(&BEIJING),
    );
    let steps = step_names(lang, it);
    let step = if steps.is_empty() {
        tr(lang, "未关联", "no step")
    } else {
        steps.join(",")
    };
    format!(
        "{}  {}  {:<16}  {}  {}  {}…",
        it.id,
        time,
        step,
        it.original_name,
        size_text_in(lang, it.size),
        &it.sha256[..12]
    )
}

/// One item, field by field.
fn item_lines(lang: Lang, it: &EvidenceItem) -> Vec<String> {
    let none = || tr(lang, "未知", "unknown");
    let mut out = Vec::new();
    let mut row = |zh: &str, en: &str, v: String| {
        let label = if lang == Lang::Zh { zh } else { en };
        // Aligned on the terminal: a Chinese character takes two columns.
        let width: usize = label
            .chars()
            .map(|c| if c >= '\u{2e80}' { 2 } else { 1 })
            .sum();
        out.push(format!(
            "{label}{} {v}",
            " ".repeat(14usize.saturating_sub(width))
        ));
    };
    let local = |t: &DateTime<Utc>| t.with_timezone(&BEIJING).to_rfc3339();
    row("证据 id", "id", it.id.clone());
    row("案件", "case", it.case_id.clone());
    let steps = step_names(lang, it);
    row(
        "步骤",
        "step",
        if steps.is_empty() {
            tr(lang, "未关联", "no step")
        } else {
            steps.join("; ")
        },
    );
    row("原文件名", "original name", it.original_name.clone());
    row(
        "大小",
        "size",
        if it.size < 1024 {
            size_text_in(lang, it.size)
        } else {
            match lang {
                Lang::Zh => format!("{}（{} 字节）", size_text_in(lang, it.size), it.size),
                Lang::En => format!("{} ({} B)", size_text_in(lang, it.size), it.size),
            }
        },
    );
    row("类型", "media type", it.media_type.clone());
    row("SHA-256", "SHA-256", it.sha256.clone());
    row(
        "拍摄时间",
        "captured at",
        match (&it.captured_at, it.captured_at_source.as_deref()) {
            (Some(t), Some(src)) => {
                let from = match crate::evidence::capture::source_words(src) {
                    Some((zh, en)) => match lang {
                        Lang::Zh => format!("（{zh}）"),
                        Lang::En => format!(" ({en})"),
                    },
                    None => String::new(),
                };
                format!("{}{from}", local(t))
            }
            (Some(t), None) => local(t),
            _ => none(),
        },
    );
    row("导入时间", "imported at", local(&it.imported_at));
    row(
        "来源",
        "source",
        match it.source {
            Source::Capture => tr(lang, "应用内拍摄", "captured in the app"),
            Source::Import => tr(lang, "导入的文件", "imported file"),
        },
    );
    row("备注", "note", it.note.clone());
    row(
        "标签",
        "tags",
        if it.tags.is_empty() {
            tr(lang, "无", "none")
        } else {
            it.tags.join(&tr(lang, "、", ", "))
        },
    );
    if let Some(d) = it.deleted_at {
        row("删除时间", "deleted at", d.to_rfc3339());
    }
    out
}

/// What the bundle holds and leaves out.
fn preview_lines(lang: Lang, p: &BundlePreview) -> Vec<String> {
    let t = |zh: &str, en: &str| tr(lang, zh, en);
    let mut out = vec![match lang {
        Lang::Zh => format!(
            "证据包将包含 {} 份证据文件（{}）。",
            p.files,
            size_text_in(lang, p.bytes)
        ),
        Lang::En => format!(
            "The bundle will hold {} ({}).",
            count_en(p.files as u64, "evidence file", "evidence files"),
            size_text_in(lang, p.bytes)
        ),
    }];
    if p.facts.is_empty() {
        out.push(t("  事实：无", "  Facts: none"));
    } else {
        out.push(t("  事实：", "  Facts:"));
        let sep = t("：", ": ");
        for f in &p.facts {
            out.push(format!(
                "    {}{sep}{}",
                f.question.get(lang),
                f.answer.get(lang)
            ));
        }
    }
    if !p.withheld_facts.is_empty() {
        out.push(t(
            "  不放入的隐私事实（只列问题）：",
            "  Private facts left out (questions only):",
        ));
        for f in &p.withheld_facts {
            out.push(format!("    {}", f.question.get(lang)));
        }
    }
    let list = |notes: &[ev::NoteRef]| {
        notes
            .iter()
            .map(|n| n.about.get(lang).to_string())
            .collect::<Vec<_>>()
            .join(&t("、", ", "))
    };
    if !p.notes.is_empty() {
        out.push(format!("{}{}", t("  备注：", "  Notes: "), list(&p.notes)));
    }
    if !p.withheld_notes.is_empty() {
        out.push(format!(
            "{}{}",
            t("  不放入的备注：", "  Notes left out: "),
            list(&p.withheld_notes)
        ));
    }
    if !p.include_private && (!p.withheld_facts.is_empty() || !p.withheld_notes.is_empty()) {
        out.push(t(
            "  证据包会交给平台、公会或律师；如确需放入隐私事实和备注，请加 --include-private。",
            "  The bundle goes to a platform, a guild or a lawyer; add --include-private to put the private facts and notes in.",
        ));
    }
    out
}

/// A custody entry's action in words (the log keeps its code).
fn custody_action(lang: Lang, code: &str) -> String {
    let (zh, en) = match code {
        "add" => ("添加", "added"),
        "link" => ("关联步骤", "linked"),
        "unlink" => ("取消关联", "unlinked"),
        "annotate" => ("修改备注", "annotated"),
        "export" => ("导出", "exported"),
        "delete" => ("删除", "deleted"),
        other => (other, other),
    };
    tr(lang, zh, en)
}

fn items_text(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{n} 项证据"),
        Lang::En => count_en(n as u64, "evidence item", "evidence items"),
    }
}

impl App {
    /// Runs `f` on the evidence store of the process's vault (its one connection).
    fn with_evidence<T>(
        &self,
        ctx: &ViewContext,
        f: impl FnOnce(&mut EvidenceStore<'_>) -> Result<T, ev::EvidenceError>,
    ) -> Result<T, AppError> {
        let vault = self.vault_for(ctx)?;
        let root = vault.dir().to_path_buf();
        vault
            .with_connection_mut(|conn| f(&mut EvidenceStore::new(conn, &root)))
            .map_err(evidence_app_error)
    }

    fn resolve_case_id(&self, ctx: &ViewContext, case_ref: &str) -> Result<String, AppError> {
        self.vault_for(ctx)?
            .resolve_case(case_ref)
            .map_err(|e| vault_error(e, None, ctx.lang))
    }

    /// `tuilu evidence add`: adds each file to the case (hashed without holding the
    /// database, committed with it), for `step` when given. A file that cannot be added is
    /// said in [`Printout::errors`] and the others go on; an unknown case or step fails
    /// before any file is read. The JSON is one record a file added:
    /// `{id, sha256, duplicate, linked_step, item}`.
    pub fn cli_add_evidence(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        req: &EvidenceAddRequest,
        files: &[PathBuf],
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        // An unknown case or step is refused before any file is read.
        let case = self
            .vault_for(ctx)?
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        if let Some(s) = req.step.as_deref().filter(|s| case.step(s).is_none()) {
            return Err(AppError::NotFound {
                what: Missing::Step,
                id: s.to_string(),
            });
        }
        let details = ItemDetails {
            note: req.note.clone(),
            tags: req.tags.clone(),
            captured_at: req.captured_at.map(crate::evidence::CaptureTime::caller),
            source: if req.capture {
                Source::Capture
            } else {
                Source::Import
            },
        };
        let mut out = Printout::default();
        let mut added = Vec::new();
        for file in files {
            // The phones' add, file by file: one that cannot be added does not stop the rest.
            let result = self.add_evidence_record(
                ctx,
                &case.id,
                req.step.as_deref(),
                &details,
                cancel,
                |root| ev::stage_file(root, file, progress, cancel),
            );
            let ad = match result {
                Ok((_, ad)) => ad,
                // The same for every file, and said before one was read.
                Err(
                    e @ (AppError::NoteTooLong { .. }
                    | AppError::TagTooLong { .. }
                    | AppError::TooManyTags { .. }),
                ) => return Err(e),
                Err(e) => {
                    out.errors.push(e.message(lang));
                    continue;
                }
            };
            let mark = match (&ad.linked_step, ad.duplicate) {
                (Some(step), _) => {
                    let title = ad
                        .item
                        .steps()
                        .into_iter()
                        .find(|s| &s.step_id == step)
                        .and_then(|s| s.step_title)
                        .map(|t| step_title_in(lang, &t))
                        .unwrap_or_else(|| step.clone());
                    match lang {
                        Lang::Zh => format!("（已存在，现已同时关联到步骤「{title}」）"),
                        Lang::En => format!(
                            "(already in this case; now also linked to the step \"{title}\")"
                        ),
                    }
                }
                (None, true) => tr(lang, "（已存在）", "(already in this case)"),
                (None, false) => String::new(),
            };
            let line = item_line(lang, &ad.item);
            out.lines.push(if mark.is_empty() {
                line
            } else {
                format!("{line} {mark}")
            });
            added.push(json!({
                "id": ad.item.id,
                "sha256": ad.item.sha256,
                "duplicate": ad.duplicate,
                "linked_step": ad.linked_step,
                "item": ad.item,
            }));
        }
        out.json = serde_json::Value::Array(added);
        Ok(out)
    }

    /// `tuilu evidence list`: the case's items; the JSON is the store's item records.
    pub fn cli_list_evidence(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
    ) -> Result<Printout, AppError> {
        let case_id = self.resolve_case_id(ctx, case_ref)?;
        let items = self.with_evidence(ctx, |s| s.list(&case_id))?;
        let lines = if items.is_empty() {
            vec![tr(ctx.lang, "（没有证据）", "(no evidence)")]
        } else {
            items.iter().map(|it| item_line(ctx.lang, it)).collect()
        };
        Ok(Printout::new(json_of(&items)?, lines))
    }

    /// `tuilu evidence show`: one item and its custody log (`{item, custody}`).
    pub fn cli_show_evidence(&self, ctx: &ViewContext, id: &str) -> Result<Printout, AppError> {
        let (item, history) = self.with_evidence(ctx, |s| Ok((s.get(id)?, s.history(id)?)))?;
        let mut lines = item_lines(ctx.lang, &item);
        lines.push(tr(ctx.lang, "保管记录：", "Custody log:"));
        for e in &history {
            lines.push(format!(
                "  #{:<5} {}  {:<8} {}",
                e.seq,
                e.at,
                custody_action(ctx.lang, &e.action),
                &e.entry_hash[..16]
            ));
        }
        Ok(Printout::new(
            json!({ "item": item, "custody": history }),
            lines,
        ))
    }

    /// `tuilu evidence verify`: every file of the case (of the vault with `None`) re-hashed
    /// and the custody log checked whole. The JSON is the store's report;
    /// [`Printout::intact`] says whether all is well.
    pub fn cli_verify_evidence(
        &self,
        ctx: &ViewContext,
        case_ref: Option<&str>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let case_id = match case_ref {
            Some(c) => Some(self.resolve_case_id(ctx, c)?),
            None => None,
        };
        let r = self.with_evidence(ctx, |s| {
            s.verify(case_id.as_deref(), progress, cancel, ctx.now)
        })?;
        let mut lines: Vec<String> = r
            .issues
            .iter()
            .map(|i| format!("✗ {}", i.message(ctx.lang)))
            .collect();
        let n = items_text(ctx.lang, r.items_checked);
        lines.push(match (ctx.lang, r.intact) {
            (Lang::Zh, true) => format!("✓ 完好：已核验 {n}"),
            (Lang::Zh, false) => format!("✗ 发现问题：已核验 {n}"),
            (Lang::En, true) => format!("✓ intact: {n} checked"),
            (Lang::En, false) => format!("✗ problems found: {n} checked"),
        });
        let mut out = Printout::new(json_of(&r)?, lines);
        out.intact = r.intact;
        Ok(out)
    }

    /// `tuilu evidence export --dry-run` and the lines shown before an export: what the
    /// case's bundle carries and leaves out. The JSON is `{preview}`.
    pub fn cli_bundle_preview(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        include_private: bool,
    ) -> Result<Printout, AppError> {
        let vault = self.vault_for(ctx)?;
        let (case_id, snapshot) = self.bundle_snapshot(ctx, &vault, case_ref, include_private)?;
        let p = self.with_evidence(ctx, |s| s.preview(&case_id, &snapshot))?;
        Ok(Printout::new(
            json!({ "preview": p }),
            preview_lines(ctx.lang, &p),
        ))
    }

    /// `tuilu evidence export -o FILE`: writes the case's bundle (see
    /// [`App::export_bundle`]). The JSON is the export report with the `preview`;
    /// `fail_writes_after` is the tests' full-disk hook.
    #[allow(clippy::too_many_arguments)]
    pub fn cli_export_bundle(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        out: &Path,
        include_private: bool,
        fail_writes_after: Option<u64>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let options = ExportOptions { fail_writes_after };
        let (preview, r) = self.export_bundle_record(
            ctx,
            case_ref,
            out,
            include_private,
            &options,
            progress,
            cancel,
        )?;
        let mut v = json_of(&r)?;
        v["preview"] = json_of(&preview)?;
        let lines = vec![
            format!("{} {}", tr(ctx.lang, "已导出", "exported"), out.display()),
            format!("SHA-256 {}", r.sha256),
            items_text(ctx.lang, r.items),
        ];
        Ok(Printout::new(v, lines))
    }

    /// `tuilu evidence rm`: [`App::delete_evidence`] with the store's record as JSON.
    pub fn cli_delete_evidence(&self, ctx: &ViewContext, id: &str) -> Result<Printout, AppError> {
        let d = self.delete_evidence_record(ctx, id)?;
        let line = format!(
            "{} {}",
            tr(
                ctx.lang,
                "已删除（保留删除记录）",
                "deleted (tombstone kept)"
            ),
            d.item.id
        );
        Ok(Printout::new(json_of(&d)?, vec![line]))
    }

    /// `tuilu evidence verify-bundle`: a bundle checked anywhere, no vault needed. The
    /// JSON is the bundle report; [`Printout::intact`] says whether it is intact.
    pub fn cli_verify_bundle(
        ctx: &ViewContext,
        bundle: &Path,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<Printout, AppError> {
        let lang = ctx.lang;
        let r = ev::verify_bundle(bundle, progress, cancel).map_err(evidence_app_error)?;
        let mut lines: Vec<String> = r
            .issues
            .iter()
            .map(|i| format!("✗ {}", i.message(lang)))
            .collect();
        let status = if r.intact {
            tr(lang, "✓ 证据包完好", "✓ bundle intact")
        } else {
            tr(lang, "✗ 证据包有问题", "✗ bundle NOT intact")
        };
        lines.push(match lang {
            Lang::Zh => format!(
                "{status}：{} 项证据，{} 个文件，{} 条保管记录",
                r.items, r.files_checked, r.custody_entries
            ),
            Lang::En => format!(
                "{status}: {}, {}, {}",
                count_en(r.items as u64, "evidence item", "evidence items"),
                count_en(r.files_checked as u64, "file", "files"),
                count_en(r.custody_entries as u64, "custody entry", "custody entries")
            ),
        });
        if r.withheld_entries > 0 {
            lines.push(match lang {
                Lang::Zh => format!(
                    "  其中 {} 条隐去了用户的备注，其哈希无法在证据包内重算",
                    r.withheld_entries
                ),
                Lang::En => format!(
                    "  {} of them had the user's notes left out; their hashes cannot be recomputed from the bundle",
                    r.withheld_entries
                ),
            });
        }
        let mut out = Printout::new(json_of(&r)?, lines);
        out.intact = r.intact;
        Ok(out)
    }
}
