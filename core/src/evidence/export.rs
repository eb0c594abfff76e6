//! Export bundle: a zip with the originals, `manifest.json`, `SHA256SUMS`,
//! `custody-log.jsonl` and a printable `index.html` (证据清单).

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Timelike, Utc};
use rusqlite::TransactionBehavior;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::calendar::BEIJING;
use crate::files::fsync_dir;

use super::custody::{self, CustodyAction, CustodyEntry, NewEntry, CUSTODY_FORMAT, GENESIS_HASH};
use super::error::{display_name, EvidenceError};
use super::html;
use super::media;
use super::names::bundle_file_name;
use super::progress::{CancelFlag, Progress};
use super::snapshot::CaseSnapshot;
use super::store::{content_path, list_items, EvidenceItem, EvidenceStore, StepLink};
use super::util::{fmt_time, hash_reader, hex, truncate_millis, unique_name, CHUNK};

/// Identifies a bundle's manifest.
pub const BUNDLE_FORMAT: &str = "tuilu-evidence-bundle";
pub const BUNDLE_FORMAT_VERSION: u32 = 1;

/// One line of `custody-log.jsonl`: a full entry of this case, or a redacted entry of
/// another case that keeps only what is needed to follow the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BundleLogLine {
    Full(CustodyEntry),
    Redacted(RedactedEntry),
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
    /// Writes the bundle for `case_id` to `out` (which must not exist). `case` is the case
    /// snapshot ([`CaseSnapshot::new`]): copied into the manifest and told in words on the
    /// first page of `index.html`.
    ///
    /// The zip is written to a temporary file beside `out` and renamed at the end: a
    /// cancelled or failed export leaves no bundle. Each original is re-hashed while it is
    /// copied; a changed or missing file fails the export. The export is then recorded in
    /// the custody log with the bundle's SHA-256.
    pub fn export(
        &mut self,
        case_id: &str,
        case: &CaseSnapshot,
        out: &Path,
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
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&tmp.0)
            .map_err(|e| EvidenceError::from_write(e, &out_name, "create"))?;
        let total: u64 = items.iter().map(|i| i.size).sum::<u64>() * 2;
        let mut file = write_bundle(
            BufWriter::new(file),
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
    use super::replay::{differences, replay, Shown};
    items.iter().find_map(|item| {
        let rec = replay(
            log.iter()
                .filter(|e| e.item_id.as_deref() == Some(item.id.as_str())),
        );
        let Some(rec) = rec else {
            return Some(item.original_name.clone());
        };
        let captured_at = item.captured_at.map(fmt_time);
        let shown = Shown {
            case_id: &item.case_id,
            sha256: &item.sha256,
            size: item.size,
            original_name: &item.original_name,
            captured_at: captured_at.as_deref(),
            captured_at_source: item.captured_at_source.as_deref(),
            note: &item.note,
            tags: &item.tags,
            step_id: item.step_id.as_deref(),
            also_steps: item.also_steps.iter().map(|s| s.step_id.as_str()).collect(),
            deleted: item.deleted_at.is_some(),
        };
        (!differences(&rec, &shown).is_empty()).then(|| rec.original_name.clone())
    })
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
    let mut zip = ZipWriter::new(w);
    let mtime = zip_time(now);
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(mtime)
        .unix_permissions(0o644);
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let width = items.len().to_string().len().max(2);
    let mut sums: Vec<(String, String)> = Vec::new();
    let mut manifest_items = Vec::new();
    let mut used = HashSet::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    progress.on_progress(0, total);

    for (i, item) in items.iter().enumerate() {
        let time = item.captured_at.unwrap_or(item.imported_at);
        let mut name = bundle_file_name(
            i + 1,
            width,
            item.step_id.as_deref(),
            time,
            &item.original_name,
        );
        let mut k = 2;
        while !used.insert(name.clone()) {
            name = format!(
                "{}_{k}",
                bundle_file_name(
                    i + 1,
                    width,
                    item.step_id.as_deref(),
                    time,
                    &item.original_name
                )
            );
            k += 1;
        }
        let path = format!("files/{name}");
        let src = content_path(root, &item.sha256);
        let mut f = File::open(&src).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => EvidenceError::ContentMissing {
                id: item.id.clone(),
                name: item.original_name.clone(),
            },
            _ => EvidenceError::Io {
                op: "read",
                source: e,
            },
        })?;
        zip.start_file(
            path.as_str(),
            stored.large_file(item.size >= u64::from(u32::MAX)),
        )
        .map_err(|e| zip_err(e, out_name))?;
        let mut hasher = Sha256::new();
        loop {
            if cancel.is_cancelled() {
                return Err(EvidenceError::Cancelled);
            }
            let n = match f.read(&mut buf) {
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
            hasher.update(&buf[..n]);
            zip.write_all(&buf[..n])
                .map_err(|e| EvidenceError::from_write(e, out_name, "write"))?;
            done += n as u64;
            progress.on_progress(done, total.max(done));
        }
        if hex(&hasher.finalize()) != item.sha256 {
            return Err(EvidenceError::ContentChanged {
                id: item.id.clone(),
                name: item.original_name.clone(),
            });
        }
        sums.push((item.sha256.clone(), path.clone()));
        let info = media::probe(&src, &item.media_type);
        manifest_items.push(ManifestItem {
            n: i + 1,
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
            note: item.note.clone(),
            tags: item.tags.clone(),
            pages: info.pages,
            duration_ms: info.duration_ms,
        });
    }

    // The custody log: this case's entries in full, other cases' entries redacted.
    let mut jsonl = String::new();
    for e in log {
        // Entries whose content went with their deleted item stay redacted here too.
        let line = if e.case_id == case_id && !super::replay::is_redacted(e) {
            BundleLogLine::Full(e.clone())
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
    let head = log.last();
    let manifest = json!({
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_FORMAT_VERSION,
        "tool": { "name": "tuilu", "version": env!("CARGO_PKG_VERSION") },
        "exported_at": fmt_time(now),
        "case_id": case_id,
        "case": case,
        "times": "Instants are RFC 3339 UTC. File names and index.html show China Standard \
                  Time (UTC+8). EXIF times without an offset were read as UTC+8 \
                  (captured_at_source = exif).",
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
    let manifest_text =
        serde_json::to_string_pretty(&manifest).expect("manifest serialises") + "\n";
    let index = html::index_html(case_id, case, &manifest_items, log.len(), head, now);

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
    zip.finish().map_err(|e| zip_err(e, out_name))
}
