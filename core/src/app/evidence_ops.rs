//! Evidence and file events of the application service: adding evidence (from a file or
//! from bytes the share sheet hands over), checking it, exporting the dispute bundle,
//! checking a received bundle, and writing the reminders as an `.ics` file.
//!
//! Long work takes the core's [`Progress`] and [`CancelFlag`]: the FFI passes its throttled
//! listener and its cancel token's flag; the CLI and tests pass [`NoProgress`] and a fresh
//! flag. A cancelled operation leaves nothing behind and returns [`AppError::Cancelled`].
//!
//! [`NoProgress`]: crate::evidence::NoProgress

use crate::app::present::count_en;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::present::{local_text, size_text_in, tr};
use super::VerifyState;
use super::{
    vault_error, App, AppError, ChangeKind, EvidenceListView, FileProblemKind, Missing, ViewContext,
};
use crate::evidence::{
    self as ev, BundleIssue, CancelFlag, CaptureTime, EvidenceError, EvidenceStore, NewItem,
    PlatformTime, Progress, Source, VerifyIssue, VerifyReport,
};
use crate::reminders as rm;
use crate::text::Lang;

/// What adding evidence did, with the updated list of the step (or case).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceAddedView {
    pub list: EvidenceListView,
    pub item_id: String,
    /// The case already had these bytes: no second copy was stored.
    pub duplicate: bool,
    /// "已添加「a.png」", "这份文件已在案件中，现在也关联到「提交退会申请」".
    pub notice: String,
}

/// What a delete removed, in words (evidence item or whole case).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeletedView {
    /// The case the deleted things belonged to.
    pub case_id: String,
    /// Evidence items deleted.
    pub evidence_items: i64,
    /// Their total size in bytes.
    pub evidence_bytes: i64,
    /// "已删除「a.png」（1.2 MB）", "已删除案件，连同 3 件证据（2.0 MB）".
    pub notice: String,
}

/// A written file (the dispute bundle, the calendar).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileWrittenView {
    pub path: String,
    pub size: i64,
    pub size_text: String,
    /// Evidence items in a bundle, events in a calendar.
    pub count: i64,
    /// SHA-256 of the file (a bundle's is also in the custody log); empty for a calendar.
    pub sha256: String,
    /// "证据包已导出：3 份证据，1.2 MB".
    pub notice: String,
}

/// What a dispute bundle will carry, for the screen shown before the export: the phone
/// shows it, with a switch for the private facts and notes, before it asks where to save.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundlePreviewView {
    pub include_private: bool,
    /// Evidence files in the bundle.
    pub files: i64,
    pub size_text: String,
    /// "证据包将包含 3 份证据（1.2 MB）、2 项事实；5 项隐私事实和 2 条备注不会放入".
    pub summary: String,
    /// The facts it carries: "问题：回答".
    pub facts: Vec<String>,
    /// The private facts it leaves out: their questions.
    pub withheld_facts: Vec<String>,
    /// The notes it carries, by what they are about ("步骤「提交退会申请」的备注").
    pub notes: Vec<String>,
    /// The notes it leaves out.
    pub withheld_notes: Vec<String>,
    /// What the switch does: "收件人（平台、公会或律师）会看到…".
    pub privacy_hint: String,
}

/// What the check of a received bundle found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundleCheckView {
    pub intact: bool,
    /// "证据包完好：3 份证据、12 条保管记录均与清单一致" or "证据包有 2 处问题".
    pub headline: String,
    pub exported_at: Option<String>,
    pub items: i64,
    pub files_checked: i64,
    pub size_text: String,
    /// Each problem in words.
    pub issues: Vec<String>,
}

/// What an added item records besides its bytes: the note, tags, the capture time given
/// with it (the platform's record or the user's; an image's EXIF time wins, and with
/// neither the core reads a screenshot's file name: `evidence::capture`) and whether it
/// was captured in the app.
#[derive(Debug, Clone)]
pub struct ItemDetails {
    pub note: String,
    pub tags: Vec<String>,
    pub captured_at: Option<CaptureTime>,
    pub source: Source,
}

impl Default for ItemDetails {
    fn default() -> ItemDetails {
        ItemDetails {
            note: String::new(),
            tags: Vec::new(),
            captured_at: None,
            source: Source::Import,
        }
    }
}

/// An evidence error in the app's terms.
pub(super) fn evidence_app_error(e: EvidenceError) -> AppError {
    let problem = |code: FileProblemKind, name: String| AppError::FileProblem { code, name };
    match e {
        EvidenceError::Cancelled => AppError::Cancelled,
        EvidenceError::NotFound { name } => problem(FileProblemKind::NotFound, name),
        EvidenceError::IsDirectory { name } => problem(FileProblemKind::IsDirectory, name),
        EvidenceError::NotAFile { name } => problem(FileProblemKind::NotAFile, name),
        EvidenceError::Unreadable { name, .. } => problem(FileProblemKind::Unreadable, name),
        EvidenceError::NoSpace { name } => problem(FileProblemKind::NoSpace, name),
        EvidenceError::FileTooLarge { name } => problem(FileProblemKind::FileTooLarge, name),
        EvidenceError::OutputExists { name } => problem(FileProblemKind::OutputExists, name),
        EvidenceError::BadBundle { .. } => problem(FileProblemKind::BadBundle, String::new()),
        EvidenceError::ContentMissing { name, .. } => {
            problem(FileProblemKind::ContentMissing, name)
        }
        EvidenceError::ContentChanged { name, .. } => {
            problem(FileProblemKind::ContentChanged, name)
        }
        EvidenceError::RecordAltered { name } => problem(FileProblemKind::RecordAltered, name),
        EvidenceError::NoteTooLong { chars, max } => AppError::NoteTooLong { chars, max },
        EvidenceError::TagTooLong { chars, max } => AppError::TagTooLong { chars, max },
        EvidenceError::TooManyTags { count, max } => AppError::TooManyTags { count, max },
        EvidenceError::UnknownItem { id } | EvidenceError::ItemDeleted { id } => {
            AppError::NotFound {
                what: Missing::EvidenceItem,
                id,
            }
        }
        other => AppError::Storage {
            detail: other.to_string(),
        },
    }
}

/// The evidence row's capture time in words, with where it came from: "拍摄于 10月9日
/// 14:30 · 来自文件名（可能不准）". The time is shown to the minute whatever the source.
pub(super) fn captured_text(
    ctx: &ViewContext,
    t: DateTime<Utc>,
    item: &ev::EvidenceItem,
) -> String {
    let words = item
        .captured_at_source
        .as_deref()
        .and_then(ev::capture::source_words);
    match (ctx.lang, words) {
        (Lang::Zh, Some((zh, _))) => format!("拍摄于 {} · {zh}", local_text(ctx, t)),
        (Lang::Zh, None) => format!("拍摄于 {}", local_text(ctx, t)),
        (Lang::En, Some((_, en))) => format!("captured {} · {en}", local_text(ctx, t)),
        (Lang::En, None) => format!("captured {}", local_text(ctx, t)),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl App {
    /// Adds the file at `path` to a case, for `step` when given (streamed once through
    /// SHA-256 into the vault; `progress` in bytes; `cancel` leaves no file and no row).
    /// The same bytes already in the case give back that item, attached to `step` too.
    /// `captured` is the capture time the platform knows (MediaStore `DATE_TAKEN`,
    /// `PHAsset.creationDate`); an EXIF date in the bytes wins over it, and without either
    /// a screenshot's file name is read in the user's zone (`evidence::capture`).
    #[allow(clippy::too_many_arguments)]
    pub fn add_evidence_file(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
        path: &Path,
        note: Option<&str>,
        captured: Option<PlatformTime>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<EvidenceAddedView, AppError> {
        if path.as_os_str().is_empty() {
            return Err(AppError::FileProblem {
                code: FileProblemKind::NotFound,
                name: String::new(),
            });
        }
        self.add_evidence(ctx, case_ref, step, note, captured, cancel, |root| {
            ev::stage_file(root, path, progress, cancel)
        })
    }

    /// Adds bytes handed over by the platform (share sheet, camera) under the file name
    /// `name`. As [`App::add_evidence_file`]; `captured` marks a photo taken in the app.
    #[allow(clippy::too_many_arguments)]
    pub fn add_evidence_bytes(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
        name: &str,
        bytes: &[u8],
        note: Option<&str>,
        captured: Option<PlatformTime>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<EvidenceAddedView, AppError> {
        let mut reader = bytes;
        let size = bytes.len() as u64;
        self.add_evidence_stream(
            ctx,
            case_ref,
            step,
            name,
            &mut reader,
            size,
            note,
            captured,
            progress,
            cancel,
        )
    }

    /// Adds what `reader` gives until its end (a file descriptor, a platform stream) under
    /// the display name `name` (any string: directories and control characters are taken
    /// out, and a name past [`crate::limits::MAX_FILE_NAME_CHARS`] is shortened). Read
    /// once, hashed while it is copied into the vault; `size_hint` (0 when unknown) is
    /// only the progress total. As [`App::add_evidence_file`]: a note or tags past their
    /// limits are refused before anything is read, and a cancelled or failed read leaves
    /// no file and no row.
    #[allow(clippy::too_many_arguments)]
    pub fn add_evidence_stream(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
        name: &str,
        reader: &mut dyn std::io::Read,
        size_hint: u64,
        note: Option<&str>,
        captured: Option<PlatformTime>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<EvidenceAddedView, AppError> {
        self.add_evidence(ctx, case_ref, step, note, captured, cancel, |root| {
            ev::stage_import(root, name, reader, size_hint, progress, cancel)
        })
    }

    /// The add every shell runs (the phones' share sheet and file picker, `tuilu evidence
    /// add`): the case and step checked and the note and tags refused past their limits
    /// before anything is read, the bytes staged (hashed and written) without the database,
    /// then committed on the vault's connection; observers hear of it. Returns the case
    /// and the store's record.
    pub(super) fn add_evidence_record(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
        details: &ItemDetails,
        cancel: &CancelFlag,
        stage: impl FnOnce(&Path) -> Result<ev::StagedImport, EvidenceError>,
    ) -> Result<(crate::vault::CaseView, ev::Added), AppError> {
        let vault = self.vault(ctx.now)?;
        let case = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let step_title = match step {
            Some(s) => {
                let row = case.step(s).ok_or_else(|| AppError::NotFound {
                    what: Missing::Step,
                    id: s.to_string(),
                })?;
                Some(format!("{} / {}", row.title.zh, row.title.en))
            }
            None => None,
        };
        let mut item = NewItem {
            case_id: case.id.clone(),
            step_id: step.map(str::to_string),
            step_title,
            note: details.note.clone(),
            tags: details.tags.clone(),
            captured_at: details.captured_at,
            source: details.source,
        };
        // Refused before a large file is read.
        ev::check_item_text(&item).map_err(evidence_app_error)?;
        let root = vault.dir().to_path_buf();
        // Hash and write without the connection, so other calls go on; only the commit
        // takes it.
        let staged = stage(&root).map_err(evidence_app_error)?;
        // Neither EXIF nor a given time: a screenshot's name says when it was taken, in
        // the user's zone (the lowest of the sources, `evidence::capture`).
        if item.captured_at.is_none() && staged.exif_time().is_none() {
            item.captured_at = ev::capture::from_file_name(staged.name(), &ctx.zone, ctx.now);
        }
        let added = vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).commit_import(staged, &item, cancel, ctx.now)
            })
            .map_err(evidence_app_error)?;
        self.notify(ChangeKind::EvidenceChanged, Some(&case.id));
        Ok((case, added))
    }

    #[allow(clippy::too_many_arguments)]
    fn add_evidence(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
        note: Option<&str>,
        captured: Option<PlatformTime>,
        cancel: &CancelFlag,
        stage: impl FnOnce(&Path) -> Result<ev::StagedImport, EvidenceError>,
    ) -> Result<EvidenceAddedView, AppError> {
        let lang = ctx.lang;
        let details = ItemDetails {
            note: note.unwrap_or_default().to_string(),
            captured_at: captured.map(CaptureTime::from),
            ..ItemDetails::default()
        };
        let (case, added) =
            self.add_evidence_record(ctx, case_ref, step, &details, cancel, stage)?;
        let list = self.evidence_list(ctx, &case.id, step)?;
        let name = &added.item.original_name;
        let step_words = step
            .and_then(|s| case.step(s))
            .map(|s| s.title.get(lang).to_string());
        let notice = match (added.duplicate, &added.linked_step, step_words) {
            (true, Some(_), Some(t)) => match lang {
                Lang::Zh => format!("「{name}」已在这个案件中，现在也作为「{t}」的证据"),
                Lang::En => format!("“{name}” was already in this case; it now also proves “{t}”"),
            },
            (true, _, _) => match lang {
                Lang::Zh => format!("「{name}」已在这个案件中，没有重复保存"),
                Lang::En => format!("“{name}” was already in this case; no second copy was kept"),
            },
            (false, _, _) => match lang {
                Lang::Zh => format!(
                    "已添加「{name}」（{}）",
                    size_text_in(lang, added.item.size)
                ),
                Lang::En => format!("Added “{name}” ({})", size_text_in(lang, added.item.size)),
            },
        };
        Ok(EvidenceAddedView {
            list,
            item_id: added.item.id,
            duplicate: added.duplicate,
            notice,
        })
    }

    /// The delete every shell runs (see [`App::delete_evidence`]); returns the store's
    /// record.
    pub(super) fn delete_evidence_record(
        &self,
        ctx: &ViewContext,
        item_id: &str,
    ) -> Result<ev::Deleted, AppError> {
        let vault = self.vault(ctx.now)?;
        let root = vault.dir().to_path_buf();
        let gone = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).delete(item_id, ctx.now))
            .map_err(evidence_app_error)?;
        self.notify(ChangeKind::EvidenceChanged, Some(&gone.item.case_id));
        Ok(gone)
    }

    /// Deletes one evidence item (the phone's delete and `tuilu evidence rm` do the same):
    /// its file goes unless another case uses the same bytes, its name, note and tags
    /// leave the vault, and the custody log keeps a record of the deletion (file
    /// fingerprint and size). See [`EvidenceStore::delete`].
    pub fn delete_evidence(
        &self,
        ctx: &ViewContext,
        item_id: &str,
    ) -> Result<DeletedView, AppError> {
        let lang = ctx.lang;
        let gone = self.delete_evidence_record(ctx, item_id)?;
        let (name, size) = (&gone.item.original_name, size_text_in(lang, gone.item.size));
        Ok(DeletedView {
            case_id: gone.item.case_id.clone(),
            evidence_items: 1,
            evidence_bytes: gone.item.size as i64,
            notice: match lang {
                Lang::Zh => format!("已删除「{name}」（{size}）"),
                Lang::En => format!("Deleted “{name}” ({size})"),
            },
        })
    }

    /// Deletes a case for good with its journal and all its evidence (see
    /// [`crate::vault::Vault::delete_case`]); says how much evidence went with it.
    pub fn delete_case(&self, ctx: &ViewContext, case_ref: &str) -> Result<DeletedView, AppError> {
        let lang = ctx.lang;
        let vault = self.vault(ctx.now)?;
        let gone = vault
            .delete_case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, lang))?;
        self.notify(ChangeKind::CaseDeleted, Some(&gone.id));
        let (n, size) = (gone.evidence.items, size_text_in(lang, gone.evidence.bytes));
        Ok(DeletedView {
            case_id: gone.id,
            evidence_items: n as i64,
            evidence_bytes: gone.evidence.bytes as i64,
            notice: match (lang, n) {
                (Lang::Zh, 0) => "已删除案件".to_string(),
                (Lang::Zh, _) => format!("已删除案件，连同 {n} 件证据（{size}）"),
                (Lang::En, 0) => "Deleted the case".to_string(),
                (Lang::En, 1) => format!("Deleted the case with its 1 evidence item ({size})"),
                (Lang::En, _) => format!("Deleted the case with its {n} evidence items ({size})"),
            },
        })
    }

    /// Re-hashes every file of the case and checks the custody chain; the result shows in
    /// the evidence list (each row's verify state and the summary) until the app restarts.
    /// A problem is part of the view, not an error.
    pub fn verify_evidence(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<EvidenceListView, AppError> {
        let vault = self.vault(ctx.now)?;
        let case_id = vault
            .resolve_case(case_ref)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let root = vault.dir().to_path_buf();
        let report = vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).verify(Some(&case_id), progress, cancel, ctx.now)
            })
            .map_err(evidence_app_error)?;
        self.verified
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(case_id.clone(), report);
        self.evidence_list(ctx, &case_id, step)
    }

    /// Marks the rows of `list` with the case's last check, if any.
    pub(super) fn apply_verify(&self, ctx: &ViewContext, list: &mut EvidenceListView) {
        let verified = self.verified.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(report) = verified.get(&list.case_id) {
            apply_report(ctx, list, report);
        }
    }

    /// The case snapshot a bundle carries: public facts only unless `include_private`.
    pub(super) fn bundle_snapshot(
        &self,
        ctx: &ViewContext,
        vault: &crate::vault::Vault,
        case_ref: &str,
        include_private: bool,
    ) -> Result<(String, ev::CaseSnapshot), AppError> {
        let err = |e| vault_error(e, None, ctx.lang);
        let case = vault.case(case_ref, ctx.now).map_err(err)?;
        let journal = vault.journal(&case.id).map_err(err)?;
        let book = self.rule_book()?;
        let pack = book.get(&case.scenario).map(|s| &s.pack);
        let snapshot = ev::CaseSnapshot::new(
            &case,
            &journal,
            pack,
            vault.deadline_calc(),
            ev::Disclosure::from_include_private(include_private),
        );
        Ok((case.id, snapshot))
    }

    /// What the case's dispute bundle will carry (files, facts, notes) and leave out, to
    /// show before [`App::export_bundle`] with the same `include_private`.
    pub fn bundle_preview(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        include_private: bool,
    ) -> Result<BundlePreviewView, AppError> {
        let vault = self.vault(ctx.now)?;
        let (case_id, snapshot) = self.bundle_snapshot(ctx, &vault, case_ref, include_private)?;
        let root = vault.dir().to_path_buf();
        let p = vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &root).preview(&case_id, &snapshot)
            })
            .map_err(evidence_app_error)?;
        Ok(preview_view(ctx.lang, &p))
    }

    /// Writes the case's dispute bundle (zip: originals, manifest with the case and its
    /// journal, custody log, SHA256SUMS, a readable index) to `out`, which must not exist.
    /// It carries the facts the scenario marks public and no notes, unless
    /// `include_private` (see [`App::bundle_preview`]). A cancelled or failed export
    /// leaves no file.
    pub fn export_bundle(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        out: &Path,
        include_private: bool,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<FileWrittenView, AppError> {
        if out.as_os_str().is_empty() {
            return Err(AppError::FileProblem {
                code: FileProblemKind::NotFound,
                name: String::new(),
            });
        }
        let options = ev::ExportOptions::default();
        let (_, report) = self.export_bundle_record(
            ctx,
            case_ref,
            out,
            include_private,
            &options,
            progress,
            cancel,
        )?;
        let size = size_text_in(ctx.lang, report.size);
        Ok(FileWrittenView {
            path: report.path.to_string_lossy().into_owned(),
            size: report.size as i64,
            size_text: size.clone(),
            count: report.items as i64,
            sha256: report.sha256,
            notice: match (ctx.lang, include_private) {
                (Lang::Zh, false) => format!(
                    "证据包已导出：{} 份证据，{size}；未包含隐私事实和备注",
                    report.items
                ),
                (Lang::Zh, true) => format!(
                    "证据包已导出：{} 份证据，{size}；包含全部事实和备注",
                    report.items
                ),
                (Lang::En, false) => format!(
                    "Bundle exported: {}, {size}; private facts and notes left out",
                    count_en(report.items as u64, "item", "items")
                ),
                (Lang::En, true) => format!(
                    "Bundle exported: {}, {size}; every fact and note included",
                    count_en(report.items as u64, "item", "items")
                ),
            },
        })
    }

    /// The export every shell runs (see [`App::export_bundle`]): returns what the bundle
    /// carries and the store's report. `options` holds the tests' full-disk hook.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn export_bundle_record(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        out: &Path,
        include_private: bool,
        options: &ev::ExportOptions,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<(ev::BundlePreview, ev::ExportReport), AppError> {
        let vault = self.vault(ctx.now)?;
        let (case_id, snapshot) = self.bundle_snapshot(ctx, &vault, case_ref, include_private)?;
        let root = vault.dir().to_path_buf();
        let (preview, report) = vault
            .with_connection_mut(|conn| {
                let mut store = EvidenceStore::new(conn, &root);
                let preview = store.preview(&case_id, &snapshot)?;
                let report = store
                    .export_with(&case_id, &snapshot, out, options, progress, cancel, ctx.now)?;
                Ok((preview, report))
            })
            .map_err(|e| match e {
                EvidenceError::InvalidInput(_) => AppError::FileProblem {
                    code: FileProblemKind::NoEvidence,
                    name: String::new(),
                },
                e => evidence_app_error(e),
            })?;
        self.notify(ChangeKind::EvidenceChanged, Some(&case_id));
        Ok((preview, report))
    }

    /// Checks a bundle anywhere (no vault needed): every file against SHA256SUMS, the
    /// manifest and the custody chain. Problems are part of the view.
    pub fn verify_bundle(
        &self,
        ctx: &ViewContext,
        path: &Path,
        progress: &dyn Progress,
        cancel: &CancelFlag,
    ) -> Result<BundleCheckView, AppError> {
        if !path.is_file() {
            return Err(AppError::FileProblem {
                code: FileProblemKind::NotFound,
                name: file_name(path),
            });
        }
        let r = ev::verify_bundle(path, progress, cancel).map_err(evidence_app_error)?;
        Ok(bundle_view(ctx, &r))
    }

    /// Writes the running deadlines of one case (or of every open case) as an iCalendar
    /// file with alarms, in the call's language, to `out` (replaced when it exists: it
    /// is the user's export, stable UIDs and SEQUENCE let a calendar update its events).
    pub fn export_calendar_file(
        &self,
        ctx: &ViewContext,
        case_ref: Option<&str>,
        out: &Path,
    ) -> Result<FileWrittenView, AppError> {
        let text = self.calendar_text(ctx, case_ref)?;
        crate::files::write_atomic(out, text.as_bytes()).map_err(|e| AppError::FileProblem {
            code: if e.kind() == std::io::ErrorKind::StorageFull {
                FileProblemKind::NoSpace
            } else {
                FileProblemKind::Unwritable
            },
            name: file_name(out),
        })?;
        let events = text.matches("BEGIN:VEVENT").count();
        Ok(FileWrittenView {
            path: out.to_string_lossy().into_owned(),
            size: text.len() as i64,
            size_text: size_text_in(ctx.lang, text.len() as u64),
            count: events as i64,
            sha256: String::new(),
            notice: match ctx.lang {
                Lang::Zh => format!("已导出 {events} 个日历事件"),
                Lang::En => format!(
                    "Exported {}",
                    count_en(events as u64, "calendar event", "calendar events")
                ),
            },
        })
    }

    /// The iCalendar text of [`App::export_calendar_file`].
    pub fn calendar_text(
        &self,
        ctx: &ViewContext,
        case_ref: Option<&str>,
    ) -> Result<String, AppError> {
        let vault = self.vault(ctx.now)?;
        let case = match case_ref {
            Some(c) => Some(
                vault
                    .resolve_case(c)
                    .map_err(|e| vault_error(e, None, ctx.lang))?,
            ),
            None => None,
        };
        let settings = rm::ReminderSettings {
            limit: usize::MAX,
            ..self.reminder_settings(ctx.zone.clone())
        };
        let subjects =
            rm::subjects_for_vault(&vault).map_err(|e| vault_error(e, None, ctx.lang))?;
        let cal = vault.deadline_calc().calendar();
        vault
            .with_connection_mut(|conn| {
                rm::export_calendar(
                    conn,
                    &subjects,
                    ctx.now,
                    &settings,
                    cal,
                    case.as_deref(),
                    ctx.lang,
                )
            })
            .map_err(|e| AppError::Storage {
                detail: e.to_string(),
            })
    }
}

/// The preview in one language.
fn preview_view(lang: Lang, p: &ev::BundlePreview) -> BundlePreviewView {
    let zh = lang == Lang::Zh;
    let size = size_text_in(lang, p.bytes);
    let facts: Vec<String> = p
        .facts
        .iter()
        .map(|f| {
            let sep = if zh { "：" } else { ": " };
            format!("{}{sep}{}", f.question.get(lang), f.answer.get(lang))
        })
        .collect();
    let withheld_facts: Vec<String> = p
        .withheld_facts
        .iter()
        .map(|f| f.question.get(lang).to_string())
        .collect();
    let note_of = |n: &ev::NoteRef| {
        if zh {
            format!("{}的备注", n.about.zh)
        } else {
            format!("the note on {}", n.about.en)
        }
    };
    let notes: Vec<String> = p.notes.iter().map(note_of).collect();
    let withheld_notes: Vec<String> = p.withheld_notes.iter().map(note_of).collect();
    let (files, nf, wf, wn) = (
        p.files,
        facts.len(),
        withheld_facts.len(),
        withheld_notes.len(),
    );
    let summary = if zh {
        let mut s = format!("证据包将包含 {files} 份证据（{size}）、{nf} 项事实");
        if !notes.is_empty() {
            s.push_str(&format!("、{} 条备注", notes.len()));
        }
        match (wf, wn) {
            (0, 0) => {}
            (f, 0) => s.push_str(&format!("；{f} 项隐私事实不会放入")),
            (0, n) => s.push_str(&format!("；{n} 条备注不会放入")),
            (f, n) => s.push_str(&format!("；{f} 项隐私事实和 {n} 条备注不会放入")),
        }
        s
    } else {
        let mut s = format!(
            "The bundle will hold {} ({size}) and {}",
            count_en(files as u64, "evidence file", "evidence files"),
            count_en(nf as u64, "fact", "facts")
        );
        if !notes.is_empty() {
            s.push_str(&format!(
                " and {}",
                count_en(notes.len() as u64, "note", "notes")
            ));
        }
        match (wf, wn) {
            (0, 0) => {}
            (f, 0) => s.push_str(&format!(
                "; {} left out",
                count_en(f as u64, "private fact", "private facts")
            )),
            (0, n) => s.push_str(&format!(
                "; {} left out",
                count_en(n as u64, "note", "notes")
            )),
            (f, n) => s.push_str(&format!(
                "; {} and {} left out",
                count_en(f as u64, "private fact", "private facts"),
                count_en(n as u64, "note", "notes")
            )),
        }
        s
    };
    let privacy_hint = tr(
        lang,
        "证据包会交给平台、公会或律师。金额、余额、收入、粉丝数、合同条款等隐私事实和你写的备注默认不放入；只有打开“包含隐私信息”才会放入。",
        "The bundle goes to a platform, a guild or a lawyer. Private facts (amounts, balances, income, fans, contract terms) and your notes are left out unless you turn on “Include private information”.",
    );
    BundlePreviewView {
        include_private: p.include_private,
        files: files as i64,
        size_text: size,
        summary,
        facts,
        withheld_facts,
        notes,
        withheld_notes,
        privacy_hint,
    }
}

/// The item an issue is about, if any.
fn issue_item(issue: &VerifyIssue) -> Option<(&str, VerifyState)> {
    match issue {
        VerifyIssue::MissingFile { item } => Some((&item.id, VerifyState::Missing)),
        VerifyIssue::ChangedFile { item, .. } | VerifyIssue::UnreadableFile { item, .. } => {
            Some((&item.id, VerifyState::Changed))
        }
        VerifyIssue::NotLogged { item, .. } | VerifyIssue::RecordMismatch { item, .. } => {
            Some((&item.id, VerifyState::RecordProblem))
        }
        VerifyIssue::EntryAltered { item, .. }
        | VerifyIssue::EntryOutOfOrder { item, .. }
        | VerifyIssue::BrokenLink { item, .. } => item
            .as_ref()
            .map(|i| (i.id.as_str(), VerifyState::RecordProblem)),
        VerifyIssue::EntriesMissing { .. }
        | VerifyIssue::BadSequence { .. }
        | VerifyIssue::UnknownItemInLog { .. } => None,
    }
}

fn state_text(lang: Lang, state: VerifyState, at: &str) -> Option<String> {
    let (zh, en) = match state {
        VerifyState::Unchecked => return None,
        VerifyState::Intact => {
            return Some(match lang {
                Lang::Zh => format!("完好（{at} 核验）"),
                Lang::En => format!("intact (checked {at})"),
            })
        }
        VerifyState::Missing => ("文件缺失", "file missing"),
        VerifyState::Changed => ("文件已被改动或无法读取", "file changed or unreadable"),
        VerifyState::RecordProblem => (
            "记录与保管日志不符",
            "its record disagrees with the custody log",
        ),
    };
    Some(tr(lang, zh, en))
}

fn apply_report(ctx: &ViewContext, list: &mut EvidenceListView, report: &VerifyReport) {
    let lang = ctx.lang;
    let at = local_text(ctx, report.checked_at);
    let mut bad = 0;
    for row in &mut list.items {
        let state = report
            .issues
            .iter()
            .filter_map(issue_item)
            .find(|(id, _)| *id == row.id)
            .map_or(VerifyState::Intact, |(_, s)| s);
        if state != VerifyState::Intact {
            bad += 1;
        }
        row.verify_state = state;
        row.verify_text = state_text(lang, state, &at);
    }
    let chain = report
        .issues
        .iter()
        .filter(|i| issue_item(i).is_none())
        .count();
    let n = report.items_checked;
    list.verify_intact = Some(report.intact);
    list.verify_summary = Some(match (lang, report.intact) {
        (Lang::Zh, true) => format!("已核验 {n} 份证据，全部完好，保管记录完整（{at}）"),
        (Lang::En, true) => {
            format!(
                "Checked {}: all intact, custody log complete ({at})",
                count_en(n as u64, "item", "items")
            )
        }
        (Lang::Zh, false) => {
            let mut s = format!("已核验 {n} 份证据：{bad} 份有问题");
            if chain > 0 {
                s.push_str(&format!("，保管记录有 {chain} 处异常"));
            }
            s.push_str(&format!("（{at}）"));
            s
        }
        (Lang::En, false) => {
            let mut s = format!(
                "Checked {}: {bad} with a problem",
                count_en(n as u64, "item", "items")
            );
            if chain > 0 {
                s.push_str(&format!(
                    "; {} in the custody log",
                    count_en(chain as u64, "problem", "problems")
                ));
            }
            s.push_str(&format!(" ({at})"));
            s
        }
    });
}

fn bundle_view(ctx: &ViewContext, r: &ev::BundleReport) -> BundleCheckView {
    let lang = ctx.lang;
    let issues: Vec<String> = r
        .issues
        .iter()
        .map(|i| bundle_issue_text(lang, i))
        .collect();
    let withheld = r.withheld_entries;
    let headline = match (lang, r.intact) {
        (Lang::Zh, true) if withheld > 0 => format!(
            "证据包完好：{} 份证据、{} 条保管记录均与清单一致（其中 {withheld} 条隐去了备注）",
            r.items, r.custody_entries
        ),
        (Lang::Zh, true) => format!(
            "证据包完好：{} 份证据、{} 条保管记录均与清单一致",
            r.items, r.custody_entries
        ),
        (Lang::En, true) if withheld > 0 => format!(
            "The bundle is intact: {} and {} match its manifest ({withheld} with notes left out)",
            count_en(r.items as u64, "item", "items"),
            count_en(r.custody_entries as u64, "custody entry", "custody entries")
        ),
        (Lang::En, true) => format!(
            "The bundle is intact: {} and {} match its manifest",
            count_en(r.items as u64, "item", "items"),
            count_en(r.custody_entries as u64, "custody entry", "custody entries")
        ),
        (Lang::Zh, false) => format!("证据包有 {} 处问题，内容可能被改动", issues.len()),
        (Lang::En, false) => format!(
            "The bundle has {}; its content may have been changed",
            count_en(issues.len() as u64, "problem", "problems")
        ),
    };
    BundleCheckView {
        intact: r.intact,
        headline,
        exported_at: r
            .exported_at
            .as_deref()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| local_text(ctx, t.with_timezone(&Utc))),
        items: r.items as i64,
        files_checked: r.files_checked as i64,
        size_text: size_text_in(lang, r.bytes_checked),
        issues,
    }
}

/// A bundle issue in words (the core's message names files inside the zip, not ids).
fn bundle_issue_text(lang: Lang, issue: &BundleIssue) -> String {
    issue.message(lang)
}
