//! Export bundle: a zip with the originals, `manifest.json`, `SHA256SUMS`,
//! `custody-log.jsonl` and a printable `index.html` (证据清单).

use std::cell::Cell;
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Datelike, Timelike, Utc};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::calendar::BEIJING;
use crate::files::fsync_dir;
use crate::text::Text;

use super::custody::{self, CustodyAction, CustodyEntry, NewEntry, CUSTODY_FORMAT, GENESIS_HASH};
use super::error::{display_name, EvidenceError};
use super::html;
use super::media;
use super::names::bundle_file_name;
use super::progress::{CancelFlag, Progress};
use super::snapshot::{note_about, CaseSnapshot, FactLine, WithheldFact};
use super::store::{content_path, list_items, EvidenceItem, EvidenceStore, StepLink};
use super::util::{fmt_time, hash_reader, hex, truncate_millis, unique_name, CHUNK};

/// Identifies a bundle's manifest.
pub const BUNDLE_FORMAT: &str = "tuilu-evidence-bundle";
pub const BUNDLE_FORMAT_VERSION: u32 = 1;

/// One line of `custody-log.jsonl`: a full entry of this case, or a redacted entry of
/// another case that keeps only what is needed to follow the chain.
///
/// With private facts and notes left out ([`Disclosure::PublicOnly`]), an entry of this
/// case whose details hold an evidence note is written as [`WithheldEntry`]: its details
/// without the note. Its hash can then not be recomputed from the bundle; the chain is
/// still followed through it.
///
/// [`Disclosure::PublicOnly`]: super::Disclosure::PublicOnly
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BundleLogLine {
    Full(CustodyEntry),
    Redacted(RedactedEntry),
    Withheld(WithheldEntry),
}

/// An entry of this case with private fields of its details left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WithheldEntry {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub item_id: Option<String>,
    pub case_id: String,
    pub step_id: Option<String>,
    /// The details without the withheld fields (a JSON object, not the hashed text).
    pub shown_details: serde_json::Value,
    /// The fields left out of the details, e.g. `["note"]`.
    pub withheld: Vec<String>,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// Detail fields of custody entries that hold the user's own words about evidence.
const PRIVATE_DETAILS: &[&str] = &["note"];

/// `e` as the bundle shows it: in full, or with its private details left out when
/// `include_private` is false and it has any that are not empty.
fn own_entry_line(e: &CustodyEntry, include_private: bool) -> BundleLogLine {
    if include_private {
        return BundleLogLine::Full(e.clone());
    }
    let mut details = e.details_json();
    let mut withheld = Vec::new();
    if let serde_json::Value::Object(m) = &mut details {
        for key in PRIVATE_DETAILS {
            let has_text = m
                .get(*key)
                .is_some_and(|v| !v.is_null() && v.as_str().is_none_or(|t| !t.trim().is_empty()));
            if has_text {
                m.remove(*key);
                withheld.push(key.to_string());
            }
        }
    }
    if withheld.is_empty() {
        return BundleLogLine::Full(e.clone());
    }
    BundleLogLine::Withheld(WithheldEntry {
        seq: e.seq,
        at: e.at.clone(),
        action: e.action.clone(),
        item_id: e.item_id.clone(),
        case_id: e.case_id.clone(),
        step_id: e.step_id.clone(),
        shown_details: details,
        withheld,
        prev_hash: e.prev_hash.clone(),
        entry_hash: e.entry_hash.clone(),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactedEntry {
    pub seq: i64,
    /// Always true.
    pub redacted: bool,
    pub prev_hash: String,
    pub entry_hash: String,
}

/// One item in `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestItem {
    /// 1-based position, as in the file names and the printed list.
    pub n: usize,
    pub id: String,
    /// Path inside the bundle (`files/...`).
    pub path: String,
    pub original_name: String,
    pub size: u64,
    pub media_type: String,
    pub sha256: String,
    pub captured_at: Option<String>,
    pub captured_at_source: Option<String>,
    pub imported_at: String,
    pub source: String,
    pub step_id: Option<String>,
    pub step_title: Option<String>,
    /// Further steps the item proves (one screenshot for two steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_steps: Vec<StepLink>,
    pub note: String,
    pub tags: Vec<String>,
    /// A PDF's page count, when cheap to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// A video's duration in milliseconds, when cheap to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
}

/// What a bundle will carry, shown before the export ([`EvidenceStore::preview`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BundlePreview {
    pub include_private: bool,
    /// Evidence files (originals) and their total size.
    pub files: usize,
    pub bytes: u64,
    /// The facts it carries, in words.
    pub facts: Vec<FactLine>,
    /// Answered facts it leaves out (private): their questions.
    pub withheld_facts: Vec<WithheldFact>,
    /// The notes it carries: on steps and the case (journal), on evidence items.
    pub notes: Vec<NoteRef>,
    /// Notes it leaves out.
    pub withheld_notes: Vec<NoteRef>,
}

/// A note, named by what it is about (never by its text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteRef {
    /// "步骤「提交退会申请」" / "step “Submit the exit request”", "证据「a.png」".
    pub about: Text,
}

/// Options of [`EvidenceStore::export_with`].
#[derive(Debug, Clone, Default)]
pub struct ExportOptions {
    /// Test hook: writes to the bundle fail with "no space" (ENOSPC) after this many
    /// bytes, as on a full disk.
    #[doc(hidden)]
    pub fail_writes_after: Option<u64>,
}

/// What [`EvidenceStore::export`] produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    pub path: PathBuf,
    /// SHA-256 of the bundle file itself (also recorded in the custody log).
    pub sha256: String,
    pub size: u64,
    pub items: usize,
    /// The custody entry recording this export.
    pub custody_seq: i64,
}

impl EvidenceStore<'_> {
    /// What the bundle of `case_id` made from `case` would carry: its files, the facts it
    /// tells and leaves out, the notes it carries and leaves out. Evidence notes follow
    /// `case.disclosure`, as in [`export`](Self::export).
    pub fn preview(
        &mut self,
        case_id: &str,
        case: &CaseSnapshot,
    ) -> Result<BundlePreview, EvidenceError> {
        let items = list_items(self.conn, Some(case_id), false)?;
        let include_private = case.disclosure.includes_private();
        let story = &case.story;
        let has_text = |n: &Option<String>| n.as_deref().is_some_and(|n| !n.trim().is_empty());
        let mut notes = Vec::new();
        for e in &story.case_events {
            if has_text(&e.note) {
                notes.push(NoteRef {
                    about: note_about(None),
                });
            }
        }
        for s in &story.steps {
            for e in &s.events {
                if has_text(&e.note) {
                    notes.push(NoteRef {
                        about: note_about(Some(&s.title)),
                    });
                }
            }
        }
        let mut withheld_notes: Vec<NoteRef> = story
            .withheld_notes
            .iter()
            .map(|about| NoteRef {
                about: about.clone(),
            })
            .collect();
        for it in &items {
            if it.note.trim().is_empty() {
                continue;
            }
            let note = NoteRef {
                about: Text::new(
                    format!("证据「{}」", it.original_name),
                    format!("evidence “{}”", it.original_name),
                ),
            };
            if include_private {
                notes.push(note);
            } else {
                withheld_notes.push(note);
            }
        }
        Ok(BundlePreview {
            include_private,
            files: items.len(),
            bytes: items.iter().map(|i| i.size).sum(),
            facts: story.facts.clone(),
            withheld_facts: story.withheld_facts.clone(),
            notes,
            withheld_notes,
        })
    }

    /// Writes the bundle for `case_id` to `out` (which must not exist). `case` is the case
    /// snapshot ([`CaseSnapshot::new`]): copied into the manifest and told in words on the
    /// first page of `index.html`. Its `disclosure` also decides whether evidence notes
    /// come in (the item's note in the manifest and the index, and the custody entries
    /// that hold one, which are then written as [`WithheldEntry`]).
    ///
    /// The zip is written to a temporary file beside `out` (created 0600: the bundle holds
    /// personal data) and renamed at the end: a cancelled or failed export leaves no
    /// bundle. Each original is re-hashed while it is copied; a changed or missing file
    /// fails the export. The export is then recorded in the custody log with the bundle's
    /// SHA-256.
    pub fn export(
        &mut self,
        case_id: &str,
        case: &CaseSnapshot,
        out: &Path,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<ExportReport, EvidenceError> {
        let options = ExportOptions::default();
        self.export_with(case_id, case, out, &options, progress, cancel, now)
    }

    /// [`export`](Self::export) with options (test hooks).
    #[allow(clippy::too_many_arguments)]
    pub fn export_with(
        &mut self,
        case_id: &str,
        case: &CaseSnapshot,
        out: &Path,
        options: &ExportOptions,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<ExportReport, EvidenceError> {
        let now = truncate_millis(now);
        let out_name = display_name(out);
        if out.exists() {
            return Err(EvidenceError::OutputExists { name: out_name });
        }
        let dir = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // A consistent snapshot of the items and the log.
        let (items, log) = {
            let tx = self.conn.transaction()?;
            let items = list_items(&tx, Some(case_id), false)?;
            let log = custody::load_all(&tx)?;
            tx.commit()?;
            (items, log)
        };
        // A bundle shows names, capture times, notes and steps: only as the log recorded
        // them. A row that disagrees (edited behind the log's back) stops the export.
        if let Some(name) = first_altered(&items, &log) {
            return Err(EvidenceError::RecordAltered { name });
        }
        if items.is_empty() && !log.iter().any(|e| e.case_id == case_id) {
            return Err(EvidenceError::InvalidInput(format!(
                "该案件没有证据 / the case has no evidence: {case_id}"
            )));
        }

        let tmp = TempFile(dir.join(unique_name(".tuilu-export-", ".part")));
        let mut open = OpenOptions::new();
        open.read(true).write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(0o600); // personal data
        }
        let file = open
            .open(&tmp.0)
            .map_err(|e| EvidenceError::from_write(e, &out_name, "create"))?;
        // Exactly 0600 whatever the umask (the mode above is only narrowed by it).
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(EvidenceError::io("chmod"))?;
        }
        let total: u64 = items.iter().map(|i| i.size).sum::<u64>() * 2;
        let mut file = write_bundle(
            FaultyWriter {
                inner: BufWriter::new(file),
                written: 0,
                fail_after: options.fail_writes_after,
            },
            &self.root,
            case_id,
            case,
            &items,
            &log,
            &out_name,
            progress,
            cancel,
            total,
            now,
        )?
        .inner
        .into_inner()
        .map_err(|e| EvidenceError::from_write(e.into_error(), &out_name, "write"))?;
        file.sync_all()
            .map_err(|e| EvidenceError::from_write(e, &out_name, "fsync"))?;

        // Hash the finished bundle (zip headers are patched in place, so not while writing).
        file.rewind().map_err(EvidenceError::io("read"))?;
        let mut buf = vec![0u8; CHUNK];
        let base = total / 2;
        let (sha256, size) = hash_reader(&mut file, &mut buf, progress, cancel, base, total)?
            .map_err(EvidenceError::io("read"))?;
        drop(file);
        if cancel.is_cancelled() {
            return Err(EvidenceError::Cancelled);
        }
        if out.exists() {
            return Err(EvidenceError::OutputExists { name: out_name });
        }
        fs::rename(&tmp.0, out).map_err(EvidenceError::io("rename"))?;
        std::mem::forget(tmp);
        fsync_dir(&dir).map_err(EvidenceError::io("fsync"))?;

        let head = log.last();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let entry = custody::append(
            &tx,
            NewEntry {
                action: CustodyAction::Export,
                item_id: None,
                case_id,
                step_id: None,
                details: json!({
                    "bundle_name": out_name,
                    "bundle_sha256": sha256,
                    "bundle_size": size,
                    "items": items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
                    "custody_head_seq": head.map(|e| e.seq),
                    "custody_head_hash": head.map(|e| e.entry_hash.as_str()),
                }),
            },
            now,
        )?;
        tx.commit()?;
        progress.on_progress(total, total);
        Ok(ExportReport {
            path: out.to_path_buf(),
            sha256,
            size,
            items: items.len(),
            custody_seq: entry.seq,
        })
    }
}

/// The recorded name of the first item whose row disagrees with its custody entries.
fn first_altered(items: &[EvidenceItem], log: &[CustodyEntry]) -> Option<String> {
    use super::replay::{entries_by_item, replay, row_differences};
    let by_item = entries_by_item(log);
    items.iter().find_map(|item| {
        let Some(rec) = by_item
            .get(item.id.as_str())
            .and_then(|entries| replay(entries.iter().copied()))
        else {
            return Some(item.original_name.clone());
        };
        (!row_differences(&rec, item).is_empty()).then(|| rec.original_name.clone())
    })
}

/// The bundle file, failing with ENOSPC after `fail_after` bytes when that test hook is set.
struct FaultyWriter<W> {
    inner: W,
    written: u64,
    fail_after: Option<u64>,
}

impl<W: Write> Write for FaultyWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(limit) = self.fail_after {
            if self.written + buf.len() as u64 > limit {
                return Err(io::Error::from_raw_os_error(28)); // ENOSPC
            }
        }
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Seek> Seek for FaultyWriter<W> {
    fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// What the [`ZipWriter`] writes into. Once the export has failed (an error of the writer
/// itself, or `abandon` set by the export), every further write and seek goes nowhere
/// and succeeds: the `ZipWriter`'s `Drop`, which finishes an unfinished archive and
/// prints to stderr when it cannot, then finishes quietly into the void instead of
/// writing to a full disk and printing a library message on the user's console.
struct ZipSink<W> {
    inner: W,
    abandon: Rc<Cell<bool>>,
    /// Position and length of the virtual file once abandoned.
    pos: u64,
    len: u64,
}

impl<W: Write + Seek> ZipSink<W> {
    fn new(inner: W, abandon: Rc<Cell<bool>>) -> ZipSink<W> {
        ZipSink {
            inner,
            abandon,
            pos: 0,
            len: 0,
        }
    }

    fn fail<T>(&mut self, e: io::Error) -> io::Result<T> {
        self.abandon.set(true);
        Err(e)
    }
}

impl<W: Write + Seek> Write for ZipSink<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.abandon.get() {
            self.pos += buf.len() as u64;
            self.len = self.len.max(self.pos);
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Ok(n) => {
                self.pos += n as u64;
                self.len = self.len.max(self.pos);
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                // The zip writer has already counted these bytes in its positions (a
                // header's end, say): the virtual file keeps its arithmetic consistent.
                self.pos += buf.len() as u64;
                self.len = self.len.max(self.pos);
                self.fail(e)
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.abandon.get() {
            return Ok(());
        }
        match self.inner.flush() {
            Ok(()) => Ok(()),
            Err(e) => self.fail(e),
        }
    }
}

impl<W: Write + Seek> Seek for ZipSink<W> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if self.abandon.get() {
            let target = match to {
                SeekFrom::Start(n) => Some(n),
                SeekFrom::Current(d) => self.pos.checked_add_signed(d),
                SeekFrom::End(d) => self.len.checked_add_signed(d),
            };
            return match target {
                Some(n) => {
                    self.pos = n;
                    Ok(n)
                }
                None => Err(io::Error::from(io::ErrorKind::InvalidInput)),
            };
        }
        match self.inner.seek(to) {
            Ok(n) => {
                self.pos = n;
                self.len = self.len.max(n);
                if matches!(to, SeekFrom::End(_)) {
                    self.len = n.max(self.len);
                }
                Ok(n)
            }
            Err(e) => self.fail(e),
        }
    }
}

/// Removes the temporary bundle unless forgotten.
struct TempFile(PathBuf);

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn zip_time(now: DateTime<Utc>) -> zip::DateTime {
    let t = now.with_timezone(&BEIJING);
    zip::DateTime::from_date_and_time(
        t.year().clamp(1980, 2107) as u16,
        t.month() as u8,
        t.day() as u8,
        t.hour() as u8,
        t.minute() as u8,
        t.second() as u8,
    )
    .unwrap_or_default()
}

fn zip_err(e: zip::result::ZipError, name: &str) -> EvidenceError {
    match e {
        zip::result::ZipError::Io(io) => EvidenceError::from_write(io, name, "write"),
        other => EvidenceError::Io {
            op: "write",
            source: io::Error::other(other.to_string()),
        },
    }
}

/// Writes the whole bundle into `w` and finishes the zip. On any error the `ZipWriter` is
/// abandoned ([`ZipSink`]): nothing more reaches `w` and nothing is printed.
#[allow(clippy::too_many_arguments)]
fn write_bundle<W: Write + Seek>(
    w: W,
    root: &Path,
    case_id: &str,
    case: &CaseSnapshot,
    items: &[EvidenceItem],
    log: &[CustodyEntry],
    out_name: &str,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    total: u64,
    now: DateTime<Utc>,
) -> Result<W, EvidenceError> {
    let abandon = Rc::new(Cell::new(false));
    let mut zip = ZipWriter::new(ZipSink::new(w, abandon.clone()));
    let written = write_entries(
        &mut zip, root, case_id, case, items, log, out_name, progress, cancel, total, now,
    );
    if let Err(e) = written {
        abandon.set(true);
        // Close the entry being written (into the void), so that the drop only writes a
        // directory of the entries before it, into the void too.
        let _ = zip.abort_file();
        drop(zip);
        return Err(e);
    }
    // A failure here has already abandoned the sink, so the drop inside `finish` is quiet.
    let sink = zip.finish().map_err(|e| zip_err(e, out_name))?;
    Ok(sink.inner)
}

#[allow(clippy::too_many_arguments)]
fn write_entries<W: Write + Seek>(
    zip: &mut ZipWriter<W>,
    root: &Path,
    case_id: &str,
    case: &CaseSnapshot,
    items: &[EvidenceItem],
    log: &[CustodyEntry],
    out_name: &str,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    total: u64,
    now: DateTime<Utc>,
) -> Result<(), EvidenceError> {
    let include_private = case.disclosure.includes_private();
    let mtime = zip_time(now);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(mtime)
        .unix_permissions(0o600);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let width = items.len().to_string().len().max(2);
    let mut sums: Vec<(String, String)> = Vec::new();
    let mut manifest_items = Vec::new();
    let mut used = HashSet::new();
    let mut copy = Copier {
        buf: vec![0u8; CHUNK],
        done: 0,
        total,
        progress,
        cancel,
        out_name,
    };
    progress.on_progress(0, total);

    for (i, item) in items.iter().enumerate() {
        let time = item.captured_at.unwrap_or(item.imported_at);
        let mut name = bundle_file_name(i + 1, width, time, &item.original_name);
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!(
                "{}_{k}",
                bundle_file_name(i + 1, width, time, &item.original_name)
            );
            k += 1;
        }
        let path = format!("files/{name}");
        let src = content_path(root, &item.sha256);
        copy.original(zip, item, &src, &path, stored)?;
        sums.push((item.sha256.clone(), path.clone()));
        manifest_items.push(manifest_item(i + 1, item, path, &src, include_private));
    }

    let jsonl = custody_jsonl(log, case_id, include_private);
    let manifest_text = manifest_text(case_id, case, &manifest_items, log, now);
    let withheld_item_notes = if include_private {
        0
    } else {
        items.iter().filter(|i| !i.note.trim().is_empty()).count()
    };
    let index = html::index_html(
        case_id,
        case,
        &manifest_items,
        withheld_item_notes,
        log.len(),
        log.last(),
        now,
    );

    for (name, text) in [
        ("manifest.json", manifest_text.as_str()),
        ("custody-log.jsonl", jsonl.as_str()),
        ("index.html", index.as_str()),
    ] {
        zip.start_file(name, deflated)
            .map_err(|e| zip_err(e, out_name))?;
        zip.write_all(text.as_bytes())
            .map_err(|e| EvidenceError::from_write(e, out_name, "write"))?;
        sums.push((hex(&Sha256::digest(text.as_bytes())), name.to_string()));
    }
    let mut sums_text = String::new();
    for (hash, path) in &sums {
        sums_text.push_str(&format!("{hash}  {path}\n"));
    }
    zip.start_file("SHA256SUMS", deflated)
        .map_err(|e| zip_err(e, out_name))?;
    zip.write_all(sums_text.as_bytes())
        .map_err(|e| EvidenceError::from_write(e, out_name, "write"))?;
    if cancel.is_cancelled() {
        return Err(EvidenceError::Cancelled);
    }
    Ok(())
}

/// Copies originals into the bundle with one buffer, counting the bytes for progress.
struct Copier<'a> {
    buf: Vec<u8>,
    done: u64,
    total: u64,
    progress: &'a dyn Progress,
    cancel: &'a CancelFlag,
    out_name: &'a str,
}

impl Copier<'_> {
    /// Stores the original of `item` (at `src`) as `path`, hashed on the way: an original
    /// that no longer has its recorded hash fails the export.
    fn original<W: Write + Seek>(
        &mut self,
        zip: &mut ZipWriter<W>,
        item: &EvidenceItem,
        src: &Path,
        path: &str,
        stored: SimpleFileOptions,
    ) -> Result<(), EvidenceError> {
        let out_name = self.out_name;
        let mut f = File::open(src).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => EvidenceError::ContentMissing {
                id: item.id.clone(),
                name: item.original_name.clone(),
            },
            _ => EvidenceError::Io {
                op: "read",
                source: e,
            },
        })?;
        zip.start_file(path, stored.large_file(item.size >= u64::from(u32::MAX)))
            .map_err(|e| zip_err(e, out_name))?;
        let mut hasher = Sha256::new();
        loop {
            if self.cancel.is_cancelled() {
                return Err(EvidenceError::Cancelled);
            }
            let n = match f.read(&mut self.buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(EvidenceError::Io {
                        op: "read",
                        source: e,
                    })
                }
            };
            hasher.update(&self.buf[..n]);
            zip.write_all(&self.buf[..n])
                .map_err(|e| EvidenceError::from_write(e, out_name, "write"))?;
            self.done += n as u64;
            self.progress
                .on_progress(self.done, self.total.max(self.done));
        }
        if hex(&hasher.finalize()) != item.sha256 {
            return Err(EvidenceError::ContentChanged {
                id: item.id.clone(),
                name: item.original_name.clone(),
            });
        }
        Ok(())
    }
}

/// An item as `manifest.json` lists it (its note only when private facts are included).
fn manifest_item(
    n: usize,
    item: &EvidenceItem,
    path: String,
    src: &Path,
    include_private: bool,
) -> ManifestItem {
    let info = media::probe(src, &item.media_type);
    ManifestItem {
        n,
        id: item.id.clone(),
        path,
        original_name: item.original_name.clone(),
        size: item.size,
        media_type: item.media_type.clone(),
        sha256: item.sha256.clone(),
        captured_at: item.captured_at.map(fmt_time),
        captured_at_source: item.captured_at_source.clone(),
        imported_at: fmt_time(item.imported_at),
        source: item.source.as_str().to_string(),
        step_id: item.step_id.clone(),
        step_title: item.step_title.clone(),
        also_steps: item.also_steps.clone(),
        note: if include_private {
            item.note.clone()
        } else {
            String::new()
        },
        tags: item.tags.clone(),
        pages: info.pages,
        duration_ms: info.duration_ms,
    }
}

/// The custody log: this case's entries in full, other cases' entries redacted.
fn custody_jsonl(log: &[CustodyEntry], case_id: &str, include_private: bool) -> String {
    let mut jsonl = String::new();
    for e in log {
        // Entries whose content went with their deleted item stay redacted here too.
        let line = if e.case_id == case_id && !super::replay::is_redacted(e) {
            own_entry_line(e, include_private)
        } else {
            BundleLogLine::Redacted(RedactedEntry {
                seq: e.seq,
                redacted: true,
                prev_hash: e.prev_hash.clone(),
                entry_hash: e.entry_hash.clone(),
            })
        };
        jsonl.push_str(&serde_json::to_string(&line).expect("log lines serialise"));
        jsonl.push('\n');
    }
    jsonl
}

/// `manifest.json`: the case, the items, and where the custody log ends.
fn manifest_text(
    case_id: &str,
    case: &CaseSnapshot,
    manifest_items: &[ManifestItem],
    log: &[CustodyEntry],
    now: DateTime<Utc>,
) -> String {
    let head = log.last();
    let manifest = json!({
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "tool": { "name": "tuilu", "version": env!("CARGO_PKG_VERSION") },
        "exported_at": fmt_time(now),
        "case_id": case_id,
        "case": case,
        "times": "Instants are RFC 3339 UTC. File names and index.html show China Standard \
                  Time (UTC+8). captured_at_source says where a capture time came from: \
                  exif_offset (the file's EXIF with its offset), exif (the file's EXIF \
                  without an offset, read as UTC+8), media_store (Android's photo library \
                  DATE_TAKEN), photo_library (iOS PHAsset.creationDate), caller (given \
                  when the file was added) or file_name (a screenshot's name read as local \
                  time in the user's zone; may be inaccurate). EXIF in the file wins over \
                  the others.",
        "items": manifest_items,
        "custody": {
            "file": "custody-log.jsonl",
            "format": CUSTODY_FORMAT,
            "genesis_prev_hash": GENESIS_HASH,
            "entries": log.len(),
            "entries_of_this_case": log.iter().filter(|e| e.case_id == case_id).count(),
            "head_seq": head.map(|e| e.seq),
            "head_hash": head.map(|e| e.entry_hash.as_str()),
        },
    });
    serde_json::to_string_pretty(&manifest).expect("manifest serialises") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::NoProgress;

    /// A disk that fills up after `room` bytes and counts the writes tried after that.
    struct FullDisk {
        data: io::Cursor<Vec<u8>>,
        room: u64,
        full: bool,
        writes_after_full: Rc<Cell<usize>>,
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.full {
                self.writes_after_full.set(self.writes_after_full.get() + 1);
                return Err(io::Error::from_raw_os_error(28));
            }
            if self.data.position() + buf.len() as u64 > self.room {
                self.full = true;
                return Err(io::Error::from_raw_os_error(28));
            }
            self.data.write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Seek for FullDisk {
        fn seek(&mut self, pos: SeekFrom) -> io::Result<u64> {
            self.data.seek(pos)
        }
    }

    /// A full disk fails the export with "no space", wherever it fills up, and the
    /// abandoned `ZipWriter` never touches the file again: its `Drop` used to try to finish
    /// the archive on the full disk and print "ZipWriter::drop: failed to finalize
    /// archive" to stderr (or trip its own assertions).
    #[test]
    fn a_full_disk_fails_cleanly_and_the_zip_writer_stays_quiet() {
        let root = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let sha = hex(&Sha256::digest(&bytes));
        let content = content_path(root.path(), &sha);
        fs::create_dir_all(content.parent().unwrap()).unwrap();
        fs::write(&content, &bytes).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-20T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let item = EvidenceItem {
            id: "i1".into(),
            case_id: "c".into(),
            step_id: Some("s1".into()),
            step_title: None,
            original_name: "a.bin".into(),
            size: bytes.len() as u64,
            media_type: "application/octet-stream".into(),
            sha256: sha,
            captured_at: None,
            captured_at_source: None,
            imported_at: now,
            source: super::super::store::Source::Import,
            note: "n".into(),
            tags: Vec::new(),
            also_steps: Vec::new(),
            deleted_at: None,
        };
        let case = CaseSnapshot::default();
        let items = [item];
        let write = |room: u64, after: Rc<Cell<usize>>| {
            let disk = FullDisk {
                data: io::Cursor::new(Vec::new()),
                room,
                full: false,
                writes_after_full: after,
            };
            write_bundle(
                disk,
                root.path(),
                "c",
                &case,
                &items,
                &[],
                "b.zip",
                &NoProgress,
                &CancelFlag::new(),
                0,
                now,
            )
        };
        let size = match write(u64::MAX, Rc::default()) {
            Ok(disk) => disk.data.into_inner().len() as u64,
            Err(e) => panic!("{e:?}"),
        };
        // Full at every point: the first header, the original, the metadata, the
        // directory at the end.
        let rooms = (0..size).step_by(97).chain([size - 22, size - 1]);
        for room in rooms {
            let after = Rc::new(Cell::new(0));
            match write(room, after.clone()) {
                Err(EvidenceError::NoSpace { name }) => assert_eq!(name, "b.zip"),
                Err(e) => panic!("room {room}: {e:?}"),
                Ok(_) => panic!("room {room}: the bundle fit"),
            }
            assert_eq!(after.get(), 0, "room {room}: written to after the failure");
        }
    }
}
