//! The store: add, link, annotate, delete, read, recover.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::capture::{self, CaptureTime};
use super::custody::{self, CustodyAction, CustodyEntry, NewEntry};
use super::error::{display_name, EvidenceError};
use super::progress::{CancelFlag, Progress};
use super::sniff::{self, TimeSource};
use crate::files::fsync_dir;
use crate::limits::{MAX_FILE_NAME_CHARS, MAX_NOTE_CHARS, MAX_TAGS, MAX_TAG_CHARS};

use super::util::{fmt_time, hex, is_sha256_hex, parse_time, truncate_millis, CHUNK};

/// How an item reached the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Captured in the app (camera, screen recording, screenshot).
    Capture,
    /// Imported from an existing file.
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Capture => "capture",
            Source::Import => "import",
        }
    }
}

/// What the caller knows about a new item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub case_id: String,
    /// The checklist step this item proves (a free-form step id).
    pub step_id: Option<String>,
    /// The step's title at the time, for exports and reports.
    pub step_title: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    /// Capture time known to the caller (the platform's record, or a time the person
    /// gave), with its source; EXIF `DateTimeOriginal` in the bytes takes precedence
    /// ([`super::capture`]).
    pub captured_at: Option<CaptureTime>,
    pub source: Source,
}

impl NewItem {
    /// An imported item for `case_id` with nothing else set.
    pub fn import(case_id: impl Into<String>) -> NewItem {
        NewItem {
            case_id: case_id.into(),
            step_id: None,
            step_title: None,
            note: String::new(),
            tags: Vec::new(),
            captured_at: None,
            source: Source::Import,
        }
    }
}

/// An evidence item (a metadata row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    pub id: String,
    pub case_id: String,
    pub step_id: Option<String>,
    pub step_title: Option<String>,
    pub original_name: String,
    pub size: u64,
    pub media_type: String,
    pub sha256: String,
    /// `None` means unknown.
    pub captured_at: Option<DateTime<Utc>>,
    /// `exif`, `exif_offset`, `media_store`, `photo_library`, `caller` or `file_name`
    /// ([`TimeSource`]); `None` when the capture time is unknown.
    pub captured_at_source: Option<String>,
    pub imported_at: DateTime<Utc>,
    pub source: Source,
    pub note: String,
    pub tags: Vec<String>,
    /// Further steps this item proves besides `step_id` (one screenshot for two steps),
    /// in the order they were attached.
    #[serde(default)]
    pub also_steps: Vec<StepLink>,
    /// Set when the item was deleted (a tombstone).
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A step an item proves, with its title at the time it was attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepLink {
    pub step_id: String,
    pub step_title: Option<String>,
}

impl EvidenceItem {
    /// Every step the item proves: `step_id` first, then `also_steps`.
    pub fn steps(&self) -> Vec<StepLink> {
        let first = self.step_id.as_ref().map(|s| StepLink {
            step_id: s.clone(),
            step_title: self.step_title.clone(),
        });
        first.into_iter().chain(self.also_steps.clone()).collect()
    }

    /// Whether the item proves `step_id`.
    pub fn proves(&self, step_id: &str) -> bool {
        self.step_id.as_deref() == Some(step_id)
            || self.also_steps.iter().any(|s| s.step_id == step_id)
    }
}

/// The result of an add.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Added {
    pub item: EvidenceItem,
    /// True when the case already had a live item with these bytes: that item is returned
    /// and no second copy or row is stored.
    pub duplicate: bool,
    /// For a duplicate added for a step the existing item did not prove yet: the step it
    /// was attached to (a `link` entry records it). `None` otherwise.
    pub linked_step: Option<String>,
}

/// The result of a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deleted {
    pub item: EvidenceItem,
    /// False when another live item (of another case) still uses the same bytes.
    pub file_removed: bool,
}

/// What [`EvidenceStore::recover`] cleaned up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecoveryReport {
    pub checked_at: Option<DateTime<Utc>>,
    /// Leftover temporary files removed (interrupted adds).
    pub temp_files_removed: usize,
    /// Content files no item uses, removed (a crash between rename and commit).
    pub orphans_removed: Vec<String>,
    /// Content files kept because a row uses them.
    pub content_files_kept: usize,
    /// Files put back from `trash/` because their item is still live (a crash mid-delete).
    pub restored_from_trash: Vec<String>,
    /// Files in `trash/` removed (a crash after a delete committed).
    pub trash_removed: usize,
    /// Live items whose file is missing (cannot be repaired; `verify` reports them too).
    pub missing_files: Vec<String>,
    /// True when another process was adding or deleting evidence, so nothing was touched;
    /// recovery runs again the next time the vault is opened.
    pub skipped_busy: bool,
}

/// The hashing thread of an import went away (it cannot fail on its own; a panic there is
/// a bug).
fn hashing_thread_lost() -> EvidenceError {
    EvidenceError::Io {
        op: "hash",
        source: io::Error::other("the hashing thread stopped"),
    }
}

/// Evidence writers (add, delete) hold a shared lock on `evidence/.lock` for the whole
/// operation; [`EvidenceStore::recover`] takes it exclusively and does nothing while any
/// writer is active, so a second process opening the vault never mistakes an import in
/// flight for debris left by a crash. The OS drops the lock when a process dies.
fn open_lock_file(root: &Path) -> Result<File, EvidenceError> {
    let dir = root.join("evidence");
    fs::create_dir_all(&dir).map_err(EvidenceError::io("mkdir"))?;
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".lock"))
        .map_err(EvidenceError::io("lock"))
}

pub(crate) fn writer_lock(root: &Path) -> Result<File, EvidenceError> {
    let f = open_lock_file(root)?;
    f.lock_shared().map_err(EvidenceError::io("lock"))?;
    Ok(f)
}

/// Test hook: where a simulated crash (`std::process::exit`, no destructors run) happens.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashPoint {
    AddAfterTempWrite,
    AddAfterRename,
    AddBeforeCommit,
    AddAfterCommit,
    DeleteAfterTrash,
    DeleteAfterCommit,
}

/// Exit code of a simulated crash.
#[doc(hidden)]
pub const CRASH_EXIT_CODE: i32 = 86;

/// The evidence store of one vault: a borrowed connection plus the vault root.
///
/// Files live under `<root>/evidence/`: `sha256/<first two hex>/<hash>` (content-addressed
/// originals), `tmp/` (adds in progress) and `trash/` (deletes in progress). The tables are
/// those of [`SCHEMA_SQL`](super::SCHEMA_SQL). Every write takes an immediate transaction.
pub struct EvidenceStore<'a> {
    pub(crate) conn: &'a mut Connection,
    pub(crate) root: PathBuf,
    #[doc(hidden)]
    pub crash_at: Option<CrashPoint>,
}

impl<'a> EvidenceStore<'a> {
    /// Borrows an open vault connection (with [`SCHEMA_SQL`](super::SCHEMA_SQL) applied) and
    /// the vault root. Cheap; creates no files.
    pub fn new(conn: &'a mut Connection, root: &Path) -> EvidenceStore<'a> {
        EvidenceStore {
            conn,
            root: root.to_path_buf(),
            crash_at: None,
        }
    }

    /// The directory holding all evidence files.
    pub fn evidence_dir(&self) -> PathBuf {
        self.root.join("evidence")
    }

    /// Where the bytes with this SHA-256 are stored.
    pub fn content_path(&self, sha256: &str) -> PathBuf {
        content_path(&self.root, sha256)
    }

    pub(crate) fn connection(&self) -> &Connection {
        self.conn
    }

    /// Adds a file. Streams it once (1 MiB chunks) through SHA-256 into a temporary file,
    /// fsyncs, renames it to its content address and fsyncs the directory; then commits the
    /// row, tags and custody entry in one transaction.
    pub fn add_file(
        &mut self,
        item: &NewItem,
        path: &Path,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<Added, EvidenceError> {
        normalise(item)?; // bad input fails before a large file is read
        let staged = stage_file(&self.root, path, progress, cancel)?;
        crash(self.crash_at, CrashPoint::AddAfterTempWrite);
        self.commit_import(staged, item, cancel, now)
    }

    /// Adds bytes handed over by a shell (share sheet, picker), under `name`.
    pub fn add_bytes(
        &mut self,
        item: &NewItem,
        name: &str,
        bytes: &[u8],
        progress: &dyn Progress,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<Added, EvidenceError> {
        let len = bytes.len() as u64;
        self.add_reader(
            item,
            name,
            &mut Cursor::new(bytes),
            len,
            progress,
            cancel,
            now,
        )
    }

    /// Adds the contents of a reader (`size_hint` is only used for progress).
    #[allow(clippy::too_many_arguments)]
    pub fn add_reader(
        &mut self,
        item: &NewItem,
        name: &str,
        reader: &mut dyn Read,
        size_hint: u64,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<Added, EvidenceError> {
        normalise(item)?; // bad input fails before a large file is read
        let staged = stage_import(&self.root, name, reader, size_hint, progress, cancel)?;
        crash(self.crash_at, CrashPoint::AddAfterTempWrite);
        self.commit_import(staged, item, cancel, now)
    }

    /// Makes a staged import visible: renames the file to its content address and commits
    /// the row, tags and custody entry in one transaction. Quick (no hashing), so the
    /// connection is held only for this part; see [`stage_import`].
    pub fn commit_import(
        &mut self,
        staged: StagedImport,
        item: &NewItem,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<Added, EvidenceError> {
        let now = truncate_millis(now);
        let item = normalise(item)?;
        let StagedImport {
            staged,
            name,
            media_type,
            exif_time,
            _writer,
        } = staged;
        let chosen = capture::choose(exif_time, item.captured_at);
        let captured_at = chosen.map(|c| truncate_millis(c.at));
        let time_source = chosen.map(|c| c.source);
        if cancel.is_cancelled() {
            return Err(EvidenceError::Cancelled);
        }

        let sha256 = staged.sha256.clone();
        let dest = content_path(&self.root, &sha256);
        let crash_at = self.crash_at;
        let meta = AddMeta {
            name: &name,
            media_type: &media_type,
            captured_at,
            time_source,
            now,
        };
        match commit_add(self.conn, &item, &meta, staged, &dest, crash_at) {
            Ok((id, duplicate)) => {
                crash(crash_at, CrashPoint::AddAfterCommit);
                // The same bytes for another step: attach the existing item to it.
                let linked_step = match (&item.step_id, duplicate) {
                    (Some(step), true) => self
                        .attach(&id, step, item.step_title.as_deref(), now)?
                        .then(|| step.clone()),
                    _ => None,
                };
                Ok(Added {
                    item: self.get(&id)?,
                    duplicate,
                    linked_step,
                })
            }
            Err((e, renamed)) => {
                if renamed {
                    // The transaction rolled back after the file was put in place: remove
                    // it unless a live item uses these bytes. `recover` would do it too.
                    let _ = remove_if_unused(self.conn, &dest, &sha256);
                }
                Err(e)
            }
        }
    }
}

/// An import written to `evidence/tmp/`, hashed and fsynced, not yet visible. It holds the
/// evidence writer lock; dropping it removes the temporary file.
pub struct StagedImport {
    staged: Staged,
    name: String,
    media_type: String,
    exif_time: Option<CaptureTime>,
    _writer: File,
}

impl StagedImport {
    /// SHA-256 of the staged bytes (lowercase hex).
    pub fn sha256(&self) -> &str {
        &self.staged.sha256
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.staged.size
    }

    /// The display name it will be stored under (cleaned).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The capture time the bytes' EXIF data states, if any.
    pub fn exif_time(&self) -> Option<CaptureTime> {
        self.exif_time
    }
}

/// The slow half of an import, which needs no database connection: streams `reader` once
/// into a new file in `<root>/evidence/tmp/` (SHA-256 on a second thread), fsyncs it,
/// sniffs the media type and reads the EXIF capture time. Finish with
/// [`EvidenceStore::commit_import`]; other vault work can go on meanwhile.
pub fn stage_import(
    root: &Path,
    name: &str,
    reader: &mut dyn Read,
    size_hint: u64,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<StagedImport, EvidenceError> {
    let name = clean_original_name(name);
    let writer = writer_lock(root)?;
    let staged = stage(root, reader, &name, size_hint, progress, cancel)?;
    let media_type = sniff::media_type(&staged.head, staged.size);
    let exif_time = sniff::exif_capture_time(&staged.head, &media_type, &staged.guard.path)
        .map(|(at, source)| CaptureTime { at, source });
    Ok(StagedImport {
        staged,
        name,
        media_type,
        exif_time,
        _writer: writer,
    })
}

/// [`stage_import`] for a file: refuses directories, missing, unreadable and special
/// files with a clear error before anything is written.
pub fn stage_file(
    root: &Path,
    path: &Path,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<StagedImport, EvidenceError> {
    let name = display_name(path);
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => EvidenceError::NotFound { name: name.clone() },
        _ => EvidenceError::Unreadable {
            name: name.clone(),
            source: e,
        },
    })?;
    if meta.is_dir() {
        return Err(EvidenceError::IsDirectory { name });
    }
    if !meta.is_file() {
        return Err(EvidenceError::NotAFile { name });
    }
    let mut file = File::open(path).map_err(|e| EvidenceError::Unreadable {
        name: name.clone(),
        source: e,
    })?;
    stage_import(root, &name, &mut file, meta.len(), progress, cancel)
}

/// Streams `reader` into a new file in `evidence/tmp/`, hashing as it goes; fsyncs it.
fn stage(
    root: &Path,
    reader: &mut dyn Read,
    name: &str,
    size_hint: u64,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<Staged, EvidenceError> {
    let tmp_dir = root.join("evidence").join("tmp");
    fs::create_dir_all(&tmp_dir).map_err(|e| EvidenceError::from_write(e, name, "mkdir"))?;
    let path = tmp_dir.join(super::util::unique_name("add-", ".part"));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| EvidenceError::from_write(e, name, "create"))?;
    let guard = TempGuard { path, armed: true };
    let mut head: Vec<u8> = Vec::new();
    let mut size = 0u64;
    progress.on_progress(0, size_hint);
    // Hashing runs on a second thread, overlapping the reads and writes: chunks go to
    // the hasher through a small bounded channel and their buffers come back for reuse,
    // so memory stays at a few chunks whatever the file size.
    let (to_hasher, chunks) = mpsc::sync_channel::<Vec<u8>>(2);
    let (to_reader, spare) = mpsc::channel::<Vec<u8>>();
    let digest = std::thread::scope(|scope| -> Result<String, EvidenceError> {
        // Owned by this closure: an early return drops it, which ends the hasher's loop
        // before the scope joins the thread.
        let to_hasher = to_hasher;
        let hasher = scope.spawn(move || {
            let mut hasher = Sha256::new();
            for chunk in chunks {
                hasher.update(&chunk);
                // The reader may have stopped early; a lost buffer is fine then.
                let _ = to_reader.send(chunk);
            }
            hex(&hasher.finalize())
        });
        let mut buffers = 0;
        loop {
            if cancel.is_cancelled() {
                return Err(EvidenceError::Cancelled);
            }
            let mut buf = match spare.try_recv() {
                Ok(b) => b,
                Err(_) if buffers < 4 => {
                    buffers += 1;
                    vec![0u8; CHUNK]
                }
                Err(_) => spare.recv().unwrap_or_else(|_| vec![0u8; CHUNK]),
            };
            buf.resize(CHUNK, 0);
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(EvidenceError::Unreadable {
                        name: name.to_string(),
                        source: e,
                    })
                }
            };
            buf.truncate(n);
            if head.len() < CHUNK {
                let take = (CHUNK - head.len()).min(n);
                head.extend_from_slice(&buf[..take]);
            }
            file.write_all(&buf)
                .map_err(|e| EvidenceError::from_write(e, name, "write"))?;
            size += n as u64;
            progress.on_progress(size, size_hint.max(size));
            if to_hasher.send(buf).is_err() {
                return Err(hashing_thread_lost());
            }
        }
        drop(to_hasher);
        hasher.join().map_err(|_| hashing_thread_lost())
    })?;
    file.sync_all()
        .map_err(|e| EvidenceError::from_write(e, name, "fsync"))?;
    drop(file);
    Ok(Staged {
        guard,
        sha256: digest,
        size,
        head,
    })
}

impl EvidenceStore<'_> {
    /// One item, live or deleted.
    pub fn get(&self, id: &str) -> Result<EvidenceItem, EvidenceError> {
        get_item(self.conn, id)
    }

    /// The live items of a case, oldest capture (or import) first.
    pub fn list(&self, case_id: &str) -> Result<Vec<EvidenceItem>, EvidenceError> {
        list_items(self.conn, Some(case_id), false)
    }

    /// Every item of every case, including tombstones.
    pub fn list_all(&self) -> Result<Vec<EvidenceItem>, EvidenceError> {
        list_items(self.conn, None, true)
    }

    /// The custody entries of one item.
    pub fn history(&self, id: &str) -> Result<Vec<CustodyEntry>, EvidenceError> {
        custody::load_for_item(self.conn, id)
    }

    /// The whole custody log.
    pub fn custody_log(&self) -> Result<Vec<CustodyEntry>, EvidenceError> {
        custody::load_all(self.conn)
    }

    /// Attaches an item to one more step it proves, keeping the steps it already proves
    /// (an item without a step gets it as its step). Logged as a `link` entry with
    /// `"attached": true`. Returns false, logging nothing, when the item already proves it.
    pub fn attach(
        &mut self,
        id: &str,
        step_id: &str,
        step_title: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, EvidenceError> {
        let step_id = step_id.trim();
        if step_id.is_empty() {
            return Err(EvidenceError::InvalidInput(
                "步骤 id 为空 / the step id is empty".into(),
            ));
        }
        let now = truncate_millis(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let item = live_item(&tx, id)?;
        if item.proves(step_id) {
            return Ok(false);
        }
        if item.step_id.is_none() {
            tx.execute(
                "UPDATE evidence_items SET step_id = ?2, step_title = ?3 WHERE id = ?1",
                params![id, step_id, step_title],
            )?;
        } else {
            tx.execute(
                "INSERT INTO evidence_item_steps (item_id, step_id, step_title, linked_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, step_id, step_title, fmt_time(now)],
            )?;
        }
        custody::append(
            &tx,
            NewEntry {
                action: CustodyAction::Link,
                item_id: Some(id),
                case_id: &item.case_id,
                step_id: Some(step_id),
                details: json!({
                    "attached": true,
                    "steps_before": item.steps().iter().map(|s| s.step_id.as_str()).collect::<Vec<_>>(),
                    "step_title": step_title,
                }),
            },
            now,
        )?;
        tx.commit()?;
        Ok(true)
    }

    /// Ties an item to the step it proves, replacing every step it proved before.
    pub fn link(
        &mut self,
        id: &str,
        step_id: &str,
        step_title: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<EvidenceItem, EvidenceError> {
        let step_id = step_id.trim();
        if step_id.is_empty() {
            return Err(EvidenceError::InvalidInput(
                "步骤 id 为空 / the step id is empty".into(),
            ));
        }
        let now = truncate_millis(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let item = live_item(&tx, id)?;
        tx.execute(
            "UPDATE evidence_items SET step_id = ?2, step_title = ?3 WHERE id = ?1",
            params![id, step_id, step_title],
        )?;
        tx.execute(
            "DELETE FROM evidence_item_steps WHERE item_id = ?1",
            params![id],
        )?;
        let mut details = json!({
            "previous_step_id": item.step_id,
            "step_title": step_title,
        });
        if !item.also_steps.is_empty() {
            details["previous_also_steps"] = json!(item
                .also_steps
                .iter()
                .map(|s| s.step_id.as_str())
                .collect::<Vec<_>>());
        }
        custody::append(
            &tx,
            NewEntry {
                action: CustodyAction::Link,
                item_id: Some(id),
                case_id: &item.case_id,
                step_id: Some(step_id),
                details,
            },
            now,
        )?;
        tx.commit()?;
        self.get(id)
    }

    /// Unties an item from every step it proves.
    pub fn unlink(&mut self, id: &str, now: DateTime<Utc>) -> Result<EvidenceItem, EvidenceError> {
        let now = truncate_millis(now);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let item = live_item(&tx, id)?;
        tx.execute(
            "UPDATE evidence_items SET step_id = NULL, step_title = NULL WHERE id = ?1",
            params![id],
        )?;
        tx.execute(
            "DELETE FROM evidence_item_steps WHERE item_id = ?1",
            params![id],
        )?;
        let mut details = json!({ "previous_step_id": item.step_id });
        if !item.also_steps.is_empty() {
            details["previous_also_steps"] = json!(item
                .also_steps
                .iter()
                .map(|s| s.step_id.as_str())
                .collect::<Vec<_>>());
        }
        custody::append(
            &tx,
            NewEntry {
                action: CustodyAction::Unlink,
                item_id: Some(id),
                case_id: &item.case_id,
                step_id: item.step_id.as_deref(),
                details,
            },
            now,
        )?;
        tx.commit()?;
        self.get(id)
    }

    /// Changes the note and/or replaces the tags. The file is never touched.
    pub fn annotate(
        &mut self,
        id: &str,
        note: Option<&str>,
        tags: Option<&[String]>,
        now: DateTime<Utc>,
    ) -> Result<EvidenceItem, EvidenceError> {
        let now = truncate_millis(now);
        if let Some(note) = note {
            checked_note(note)?;
        }
        let tags = tags.map(normalise_tags).transpose()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let item = live_item(&tx, id)?;
        if let Some(note) = note {
            tx.execute(
                "UPDATE evidence_items SET note = ?2 WHERE id = ?1",
                params![id, note],
            )?;
        }
        if let Some(tags) = &tags {
            tx.execute("DELETE FROM evidence_tags WHERE item_id = ?1", params![id])?;
            for tag in tags {
                tx.execute(
                    "INSERT INTO evidence_tags (item_id, tag) VALUES (?1, ?2)",
                    params![id, tag],
                )?;
            }
        }
        custody::append(
            &tx,
            NewEntry {
                action: CustodyAction::Annotate,
                item_id: Some(id),
                case_id: &item.case_id,
                step_id: item.step_id.as_deref(),
                details: json!({ "note": note, "tags": tags }),
            },
            now,
        )?;
        tx.commit()?;
        self.get(id)
    }

    /// Deletes an item: the row becomes a tombstone (`deleted_at`) that keeps only the
    /// file's hash and size, the case and the times; its name, note, tags and step titles
    /// are removed from the row, and the content of its earlier custody entries is
    /// redacted (they keep their place and hash in the chain). A `delete` entry records the
    /// hash and size. The file is removed unless another live item uses the same bytes.
    /// The returned item is the one that was deleted, as it was shown.
    ///
    /// The file is first moved to `evidence/trash/` inside the transaction, and unlinked
    /// after the commit; [`recover`](Self::recover) finishes or undoes an interrupted delete.
    pub fn delete(&mut self, id: &str, now: DateTime<Utc>) -> Result<Deleted, EvidenceError> {
        let now = truncate_millis(now);
        let _writer = writer_lock(&self.root)?;
        // Held until the file is unlinked: a backup pinning the files its snapshot names
        // waits for this delete to finish, or this delete waits for the pins.
        let _files = super::pin::delete_lock(&self.root).map_err(EvidenceError::io("lock"))?;
        let crash_at = self.crash_at;
        let root = self.root.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut item = live_item(&tx, id)?;
        tombstone(&tx, &item, json!({}), now)?;
        let trash = trash_unused(&tx, &root, [item.sha256.as_str()])?;
        crash(crash_at, CrashPoint::DeleteAfterTrash);
        if let Err(e) = tx.commit() {
            trash.put_back();
            return Err(e.into());
        }
        crash(crash_at, CrashPoint::DeleteAfterCommit);
        let file_removed = !trash.is_empty();
        trash.empty()?;
        item.deleted_at = Some(now);
        Ok(Deleted { item, file_removed })
    }

    /// Brings the files in line with the database after a crash. Call when the vault is
    /// opened, before any other writer runs: removes temporary files, finishes or undoes
    /// interrupted deletes, and removes content files that no item uses (a crash between
    /// the rename and the commit of an add). Files that a row uses are kept (adopted).
    pub fn recover(&mut self, now: DateTime<Utc>) -> Result<RecoveryReport, EvidenceError> {
        let mut report = RecoveryReport {
            checked_at: Some(truncate_millis(now)),
            ..RecoveryReport::default()
        };
        let lock = open_lock_file(&self.root)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                report.skipped_busy = true;
                return Ok(report);
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(EvidenceError::io("lock")(e)),
        }
        let ev = self.evidence_dir();
        let root = self.root.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let live: std::collections::HashSet<String> = {
            let mut stmt =
                tx.prepare("SELECT DISTINCT sha256 FROM evidence_items WHERE deleted_at IS NULL")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };

        for path in list_files(&ev.join("tmp"))? {
            fs::remove_file(&path).map_err(EvidenceError::io("remove"))?;
            report.temp_files_removed += 1;
        }
        for path in list_files(&ev.join("trash"))? {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            if is_sha256_hex(&name) && live.contains(&name) {
                let dest = content_path(&root, &name);
                if !dest.exists() {
                    fs::create_dir_all(dest.parent().expect("has parent"))
                        .map_err(EvidenceError::io("mkdir"))?;
                    fs::rename(&path, &dest).map_err(EvidenceError::io("rename"))?;
                    fsync_dir(dest.parent().expect("has parent"))
                        .map_err(EvidenceError::io("fsync"))?;
                    report.restored_from_trash.push(name);
                    continue;
                }
            }
            fs::remove_file(&path).map_err(EvidenceError::io("remove"))?;
            report.trash_removed += 1;
        }
        let content_root = ev.join("sha256");
        for dir in list_dirs(&content_root)? {
            for path in list_files(&dir)? {
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                if is_sha256_hex(&name) && live.contains(&name) {
                    report.content_files_kept += 1;
                } else if is_sha256_hex(&name) {
                    fs::remove_file(&path).map_err(EvidenceError::io("remove"))?;
                    report.orphans_removed.push(name);
                }
                // Files with other names are not ours; leave them alone.
            }
            if !report.orphans_removed.is_empty() {
                fsync_dir(&dir).map_err(EvidenceError::io("fsync"))?;
            }
        }
        let mut missing: Vec<String> = {
            let mut stmt =
                tx.prepare("SELECT id, sha256 FROM evidence_items WHERE deleted_at IS NULL")?;
            let rows =
                stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
            let mut out = Vec::new();
            for row in rows {
                let (id, sha) = row?;
                if !is_sha256_hex(&sha) || !content_path(&root, &sha).is_file() {
                    out.push(id);
                }
            }
            out
        };
        crate::sort::sort(&mut missing);
        report.missing_files = missing;
        tx.commit()?;
        Ok(report)
    }
}

fn crash(at: Option<CrashPoint>, point: CrashPoint) {
    if at == Some(point) {
        std::process::exit(CRASH_EXIT_CODE);
    }
}

/// `<root>/evidence/sha256/<first two hex>/<hash>`.
pub(crate) fn content_path(root: &Path, sha256: &str) -> PathBuf {
    let prefix = sha256.get(..2).unwrap_or("xx");
    root.join("evidence")
        .join("sha256")
        .join(prefix)
        .join(sha256)
}

struct AddMeta<'n> {
    name: &'n str,
    media_type: &'n str,
    captured_at: Option<DateTime<Utc>>,
    time_source: Option<TimeSource>,
    now: DateTime<Utc>,
}

/// Under the write lock: puts the staged file in place, then inserts the row, tags and
/// custody entry and commits. Returns the item id and whether it was a duplicate; on error,
/// whether the file had been renamed into place.
fn commit_add(
    conn: &mut Connection,
    item: &NewItem,
    m: &AddMeta<'_>,
    staged: Staged,
    dest: &Path,
    crash_at: Option<CrashPoint>,
) -> Result<(String, bool), (EvidenceError, bool)> {
    let dest_dir = dest.parent().expect("content path has a parent");
    // Taking the write lock first means a concurrent delete cannot remove the content file
    // between our rename and our commit.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| (e.into(), false))?;
    fs::create_dir_all(dest_dir)
        .map_err(|e| (EvidenceError::from_write(e, m.name, "mkdir"), false))?;
    // Renaming over an existing copy is atomic and replaces it with bytes we have just
    // hashed: an intact copy is unchanged, a damaged one is healed.
    fs::rename(&staged.guard.path, dest).map_err(|e| (EvidenceError::io("rename")(e), false))?;
    let Staged {
        guard,
        sha256,
        size,
        head: _,
    } = staged;
    guard.disarm();
    let sha256 = sha256.as_str();
    let inner = || -> Result<(String, bool), EvidenceError> {
        fsync_dir(dest_dir).map_err(EvidenceError::io("fsync"))?;
        if let Some(parent) = dest_dir.parent() {
            fsync_dir(parent).map_err(EvidenceError::io("fsync"))?;
        }
        crash(crash_at, CrashPoint::AddAfterRename);
        let existing: Option<String> = tx
            .query_row(
                "SELECT id FROM evidence_items
                 WHERE case_id = ?1 AND sha256 = ?2 AND deleted_at IS NULL",
                params![item.case_id, sha256],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = existing {
            return Ok((id, true));
        }
        let (seq, _) = custody::head(&tx)?;
        let id = new_id(&item.case_id, sha256, m.now, seq);
        tx.execute(
            "INSERT INTO evidence_items (id, case_id, step_id, step_title, original_name, size,
                 media_type, sha256, captured_at, captured_at_source, imported_at, source, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                id,
                item.case_id,
                item.step_id,
                item.step_title,
                m.name,
                size as i64,
                m.media_type,
                sha256,
                m.captured_at.map(fmt_time),
                m.time_source.map(TimeSource::as_str),
                fmt_time(m.now),
                item.source.as_str(),
                item.note,
            ],
        )?;
        for tag in &item.tags {
            tx.execute(
                "INSERT OR IGNORE INTO evidence_tags (item_id, tag) VALUES (?1, ?2)",
                params![id, tag],
            )?;
        }
        custody::append(
            &tx,
            NewEntry {
                action: CustodyAction::Add,
                item_id: Some(&id),
                case_id: &item.case_id,
                step_id: item.step_id.as_deref(),
                details: json!({
                    "sha256": sha256,
                    "size": size,
                    "media_type": m.media_type,
                    "original_name": m.name,
                    "captured_at": m.captured_at.map(fmt_time),
                    "captured_at_source": m.time_source.map(TimeSource::as_str),
                    "source": item.source.as_str(),
                    "step_title": item.step_title,
                    "note": item.note,
                    "tags": item.tags,
                }),
            },
            m.now,
        )?;
        crash(crash_at, CrashPoint::AddBeforeCommit);
        Ok((id, false))
    };
    let out = inner().map_err(|e| (e, true))?;
    tx.commit().map_err(|e| (e.into(), true))?;
    Ok(out)
}

/// Turns a live item into a tombstone inside `tx` (see [`EvidenceStore::delete`]):
/// appends the `delete` entry (hash, size and `extra`), redacts the item's earlier
/// entries and removes its name, note, tags and step titles from the database.
pub(crate) fn tombstone(
    tx: &Connection,
    item: &EvidenceItem,
    extra: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), EvidenceError> {
    let mut details = json!({ "sha256": item.sha256, "size": item.size });
    if let (Some(d), serde_json::Value::Object(more)) = (details.as_object_mut(), extra) {
        d.extend(more);
    }
    let entry = custody::append(
        tx,
        NewEntry {
            action: CustodyAction::Delete,
            item_id: Some(&item.id),
            case_id: &item.case_id,
            step_id: item.step_id.as_deref(),
            details,
        },
        now,
    )?;
    tx.execute(
        "UPDATE evidence_custody SET details = ?2 WHERE item_id = ?1 AND seq < ?3
             AND details IS NOT ?2",
        params![item.id, super::replay::REDACTED_DETAILS, entry.seq],
    )?;
    tx.execute(
        "DELETE FROM evidence_tags WHERE item_id = ?1",
        params![item.id],
    )?;
    tx.execute(
        "DELETE FROM evidence_item_steps WHERE item_id = ?1",
        params![item.id],
    )?;
    tx.execute(
        "UPDATE evidence_items SET deleted_at = ?2, original_name = '', note = '',
             step_title = NULL
         WHERE id = ?1",
        params![item.id, fmt_time(now)],
    )?;
    Ok(())
}

/// What deleting a case removed from the evidence store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CaseEvidenceDeleted {
    /// Live items deleted.
    pub items: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// Files removed (an item whose bytes another case still uses keeps its file).
    pub files_removed: usize,
}

/// Locks held while a case's evidence is deleted: taken before the transaction, dropped
/// after the files are unlinked (see [`EvidenceStore::delete`]).
pub(crate) struct DeleteLocks {
    _writer: File,
    _files: File,
}

pub(crate) fn delete_locks(root: &Path) -> Result<DeleteLocks, EvidenceError> {
    Ok(DeleteLocks {
        _writer: writer_lock(root)?,
        _files: super::pin::delete_lock(root).map_err(EvidenceError::io("lock"))?,
    })
}

/// Inside the transaction that deletes a case (under [`delete_locks`]): every live item
/// of the case becomes a tombstone ([`tombstone`], with `"case_deleted": true`), and the
/// files no live item uses any more go to the trash. Commit, then empty the trash (or
/// put it back when the commit fails).
pub(crate) fn delete_case_items(
    tx: &Connection,
    root: &Path,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<(CaseEvidenceDeleted, Trash), EvidenceError> {
    let now = truncate_millis(now);
    let items = list_items(tx, Some(case_id), false)?;
    for item in &items {
        tombstone(tx, item, json!({ "case_deleted": true }), now)?;
    }
    let trash = trash_unused(tx, root, items.iter().map(|i| i.sha256.as_str()))?;
    Ok((
        CaseEvidenceDeleted {
            items: items.len(),
            bytes: items.iter().map(|i| i.size).sum(),
            files_removed: trash.moved.len(),
        },
        trash,
    ))
}

/// Content files moved to `evidence/trash/` by a delete whose transaction is still open.
pub(crate) struct Trash {
    dir: PathBuf,
    moved: Vec<(PathBuf, PathBuf)>,
}

impl Trash {
    pub fn is_empty(&self) -> bool {
        self.moved.is_empty()
    }

    /// The transaction failed: every file goes back to its place.
    pub fn put_back(self) {
        for (content, t) in &self.moved {
            let _ = fs::rename(t, content);
        }
    }

    /// The transaction committed: the files are unlinked.
    pub fn empty(self) -> Result<(), EvidenceError> {
        for (_, t) in &self.moved {
            fs::remove_file(t).map_err(EvidenceError::io("remove"))?;
        }
        if !self.moved.is_empty() {
            let _ = fsync_dir(&self.dir);
        }
        Ok(())
    }
}

/// Inside the delete's transaction (after the tombstones): moves the file of each hash
/// that no live item uses any more to `evidence/trash/`.
pub(crate) fn trash_unused<'s>(
    tx: &Connection,
    root: &Path,
    sha256s: impl IntoIterator<Item = &'s str>,
) -> Result<Trash, EvidenceError> {
    let dir = root.join("evidence").join("trash");
    let mut trash = Trash {
        dir: dir.clone(),
        moved: Vec::new(),
    };
    for sha in sha256s {
        let others: i64 = tx.query_row(
            "SELECT count(*) FROM evidence_items WHERE sha256 = ?1 AND deleted_at IS NULL",
            params![sha],
            |r| r.get(0),
        )?;
        if others > 0 || !is_sha256_hex(sha) {
            continue;
        }
        let content = content_path(root, sha);
        fs::create_dir_all(&dir).map_err(EvidenceError::io("mkdir"))?;
        let t = dir.join(sha);
        match fs::rename(&content, &t) {
            Ok(()) => {
                if let Some(d) = content.parent() {
                    if let Err(e) = fsync_dir(d) {
                        trash.moved.push((content, t));
                        trash.put_back();
                        return Err(EvidenceError::io("fsync")(e));
                    }
                }
                trash.moved.push((content, t));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                trash.put_back();
                return Err(EvidenceError::Io {
                    op: "rename",
                    source: e,
                });
            }
        }
    }
    Ok(trash)
}

/// Removes a content file unless a live item uses its hash (under the write lock).
fn remove_if_unused(conn: &mut Connection, path: &Path, sha256: &str) -> Result<(), EvidenceError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let used: i64 = tx.query_row(
        "SELECT count(*) FROM evidence_items WHERE sha256 = ?1 AND deleted_at IS NULL",
        params![sha256],
        |r| r.get(0),
    )?;
    if used == 0 {
        fs::remove_file(path).map_err(EvidenceError::io("remove"))?;
        if let Some(dir) = path.parent() {
            let _ = fsync_dir(dir);
        }
    }
    tx.commit()?;
    Ok(())
}

struct Staged {
    guard: TempGuard,
    sha256: String,
    size: u64,
    head: Vec<u8>,
}

/// Removes a temporary file on drop unless disarmed.
struct TempGuard {
    path: PathBuf,
    armed: bool,
}

impl TempGuard {
    fn disarm(mut self) {
        self.armed = false;
    }
}

impl Drop for TempGuard {
    fn drop(&mut self) {
        if self.armed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn normalise(item: &NewItem) -> Result<NewItem, EvidenceError> {
    let case_id = item.case_id.trim().to_string();
    if case_id.is_empty() {
        return Err(EvidenceError::InvalidInput(
            "案件 id 为空 / the case id is empty".into(),
        ));
    }
    let step_id = item
        .step_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    Ok(NewItem {
        case_id,
        step_title: if step_id.is_some() {
            item.step_title.clone()
        } else {
            None
        },
        step_id,
        note: checked_note(&item.note)?.to_string(),
        tags: normalise_tags(&item.tags)?,
        captured_at: item.captured_at,
        source: item.source,
    })
}

/// A note within [`MAX_NOTE_CHARS`].
fn checked_note(note: &str) -> Result<&str, EvidenceError> {
    let chars = note.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(EvidenceError::NoteTooLong {
            chars,
            max: MAX_NOTE_CHARS,
        });
    }
    Ok(note)
}

/// Tags trimmed, sorted, without blanks and repeats; at most [`MAX_TAGS`] of at most
/// [`MAX_TAG_CHARS`] characters each.
fn normalise_tags(tags: &[String]) -> Result<Vec<String>, EvidenceError> {
    let mut out: Vec<String> = tags
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    if let Some(chars) = out
        .iter()
        .map(|t| t.chars().count())
        .find(|&n| n > MAX_TAG_CHARS)
    {
        return Err(EvidenceError::TagTooLong {
            chars,
            max: MAX_TAG_CHARS,
        });
    }
    crate::sort::sort(&mut out);
    out.dedup();
    if out.len() > MAX_TAGS {
        return Err(EvidenceError::TooManyTags {
            count: out.len(),
            max: MAX_TAGS,
        });
    }
    Ok(out)
}

/// Checks the free text of an item to add (its note and tags) against the limits in
/// [`crate::limits`], so a caller can refuse it before a large file is read.
pub fn check_item_text(item: &NewItem) -> Result<(), EvidenceError> {
    checked_note(&item.note)?;
    normalise_tags(&item.tags).map(|_| ())
}

/// The name as the user gave it, minus directories and control characters, at most
/// [`MAX_FILE_NAME_CHARS`] characters (a longer one keeps its start and its extension).
fn clean_original_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
    if cleaned.trim().is_empty() {
        return "unnamed".to_string();
    }
    let chars = cleaned.chars().count();
    if chars <= MAX_FILE_NAME_CHARS {
        return cleaned;
    }
    // Keep an extension of up to 16 characters ("…" marks the cut).
    let ext = cleaned
        .rfind('.')
        .map(|i| &cleaned[i..])
        .filter(|e| e.chars().count() <= 16)
        .unwrap_or("");
    let keep = MAX_FILE_NAME_CHARS - 1 - ext.chars().count();
    let head: String = cleaned.chars().take(keep).collect();
    format!("{head}…{ext}")
}

fn new_id(case_id: &str, sha256: &str, now: DateTime<Utc>, seq: i64) -> String {
    let mut h = Sha256::new();
    h.update(case_id.as_bytes());
    h.update([0]);
    h.update(sha256.as_bytes());
    h.update([0]);
    h.update(fmt_time(now).as_bytes());
    h.update([0]);
    h.update(seq.to_le_bytes());
    format!("ev-{}", &hex(&h.finalize())[..16])
}

const ITEM_COLUMNS: &str = "id, case_id, step_id, step_title, original_name, size, media_type,
    sha256, captured_at, captured_at_source, imported_at, source, note, deleted_at";

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<EvidenceItem> {
    let time = |i: usize| -> rusqlite::Result<Option<DateTime<Utc>>> {
        Ok(r.get::<_, Option<String>>(i)?
            .as_deref()
            .and_then(parse_time))
    };
    let source: String = r.get(11)?;
    Ok(EvidenceItem {
        id: r.get(0)?,
        case_id: r.get(1)?,
        step_id: r.get(2)?,
        step_title: r.get(3)?,
        original_name: r.get(4)?,
        size: r.get::<_, i64>(5)?.max(0) as u64,
        media_type: r.get(6)?,
        sha256: r.get(7)?,
        captured_at: time(8)?,
        captured_at_source: r.get(9)?,
        imported_at: time(10)?.unwrap_or_default(),
        source: if source == "capture" {
            Source::Capture
        } else {
            Source::Import
        },
        note: r.get(12)?,
        tags: Vec::new(),
        also_steps: Vec::new(),
        deleted_at: time(13)?,
    })
}

fn load_tags_and_steps(conn: &Connection, item: &mut EvidenceItem) -> Result<(), EvidenceError> {
    let mut stmt =
        conn.prepare_cached("SELECT tag FROM evidence_tags WHERE item_id = ?1 ORDER BY tag")?;
    let rows = stmt.query_map(params![item.id], |r| r.get::<_, String>(0))?;
    item.tags = rows.collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT step_id, step_title FROM evidence_item_steps WHERE item_id = ?1
         ORDER BY linked_at, step_id",
    )?;
    let rows = stmt.query_map(params![item.id], |r| {
        Ok(StepLink {
            step_id: r.get(0)?,
            step_title: r.get(1)?,
        })
    })?;
    item.also_steps = rows.collect::<Result<_, _>>()?;
    Ok(())
}

pub(crate) fn get_item(conn: &Connection, id: &str) -> Result<EvidenceItem, EvidenceError> {
    let mut item = conn
        .query_row(
            &format!("SELECT {ITEM_COLUMNS} FROM evidence_items WHERE id = ?1"),
            params![id],
            item_from_row,
        )
        .optional()?
        .ok_or_else(|| EvidenceError::UnknownItem { id: id.to_string() })?;
    load_tags_and_steps(conn, &mut item)?;
    Ok(item)
}

pub(crate) fn live_item(conn: &Connection, id: &str) -> Result<EvidenceItem, EvidenceError> {
    let item = get_item(conn, id)?;
    if item.deleted_at.is_some() {
        return Err(EvidenceError::ItemDeleted { id: id.to_string() });
    }
    Ok(item)
}

/// Items ordered by capture time (unknown capture: import time), then import time, then
/// insertion order.
pub(crate) fn list_items(
    conn: &Connection,
    case_id: Option<&str>,
    include_deleted: bool,
) -> Result<Vec<EvidenceItem>, EvidenceError> {
    let mut sql = format!("SELECT {ITEM_COLUMNS} FROM evidence_items WHERE 1 = 1");
    if case_id.is_some() {
        sql.push_str(" AND case_id = ?1");
    }
    if !include_deleted {
        sql.push_str(" AND deleted_at IS NULL");
    }
    sql.push_str(" ORDER BY coalesce(captured_at, imported_at), imported_at, rowid");
    let mut stmt = conn.prepare(&sql)?;
    let rows = match case_id {
        Some(c) => stmt.query_map(params![c], item_from_row)?,
        None => stmt.query_map([], item_from_row)?,
    };
    let mut items: Vec<EvidenceItem> = rows.collect::<Result<_, _>>()?;
    for item in &mut items {
        load_tags_and_steps(conn, item)?;
    }
    Ok(items)
}

fn list_entries(dir: &Path, want_dirs: bool) -> Result<Vec<PathBuf>, EvidenceError> {
    let rd = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(EvidenceError::Io {
                op: "list",
                source: e,
            })
        }
    };
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(EvidenceError::io("list"))?;
        let ft = entry.file_type().map_err(EvidenceError::io("list"))?;
        if ft.is_dir() == want_dirs && (want_dirs || ft.is_file()) {
            out.push(entry.path());
        }
    }
    crate::sort::sort(&mut out);
    Ok(out)
}

fn list_files(dir: &Path) -> Result<Vec<PathBuf>, EvidenceError> {
    list_entries(dir, false)
}

fn list_dirs(dir: &Path) -> Result<Vec<PathBuf>, EvidenceError> {
    list_entries(dir, true)
}
