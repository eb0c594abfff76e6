//! `verify_bundle`: checks an exported bundle on any machine, without a vault.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::custody::{check_chain, ChainProblem, CustodyEntry, Link};
use super::error::{display_name, EvidenceError};
use super::export::{BundleLogLine, ManifestItem, BUNDLE_FORMAT};
use super::progress::{CancelFlag, Progress};
use super::replay::{differences, replay, Shown};
use super::util::{hash_reader, is_sha256_hex, CHUNK};
use crate::limits::{BundleLimits, MAX_BUNDLE_META_BYTES};
use crate::Lang;

/// One problem found in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BundleIssue {
    /// A required file (`SHA256SUMS`, `manifest.json`, `custody-log.jsonl`) is absent.
    MissingRequired {
        path: String,
    },
    /// A line of `SHA256SUMS` is not `<64 hex>  <path>`.
    BadSumsLine {
        line: usize,
    },
    /// A file's bytes do not match `SHA256SUMS`.
    HashMismatch {
        path: String,
        expected: String,
        actual: String,
    },
    /// Listed in `SHA256SUMS` (or the manifest) but absent from the zip.
    MissingFile {
        path: String,
    },
    /// In the zip but not listed in `SHA256SUMS`.
    ExtraFile {
        path: String,
    },
    /// An entry name that could escape the extraction folder.
    UnsafePath {
        path: String,
    },
    /// A file could not be read from the zip.
    UnreadableFile {
        path: String,
        error: String,
    },
    /// `manifest.json` is not a readable bundle manifest.
    BadManifest {
        reason: String,
    },
    /// A manifest item disagrees with its file or with `SHA256SUMS`.
    ManifestMismatch {
        item_id: String,
        field: String,
    },
    /// A file under `files/` that no manifest item describes.
    NotInManifest {
        path: String,
    },
    /// A line of `custody-log.jsonl` is not a custody entry.
    BadLogLine {
        line: usize,
    },
    CustodyEntryAltered {
        seq: i64,
    },
    CustodyEntriesMissing {
        from_seq: i64,
        to_seq: i64,
    },
    CustodyEntryOutOfOrder {
        seq: i64,
    },
    CustodyBrokenLink {
        seq: i64,
    },
    CustodyBadSequence {
        seq: i64,
    },
    /// The last log entry is not the head the manifest names.
    CustodyHeadMismatch,
    /// A full (unredacted) entry of another case.
    ForeignCaseEntry {
        seq: i64,
    },
    /// No `add` entry in the log records this item with this hash.
    ItemNotInCustodyLog {
        item_id: String,
    },
    /// A manifest item's metadata (`field`, see `docs/evidence.md`) disagrees with what
    /// the custody log recorded for it. `name` is the file name the log recorded.
    CustodyMismatch {
        item_id: String,
        name: String,
        field: String,
    },
    /// More entries than any export holds: nothing else was checked.
    TooManyEntries {
        count: usize,
        limit: usize,
    },
    /// The entries add up to more than any export holds: nothing else was checked.
    TooLarge {
        total: u64,
        limit: u64,
    },
    /// One entry is larger than any evidence file: it was not read.
    EntryTooLarge {
        path: String,
        size: u64,
        limit: u64,
    },
    /// One entry expands far more than any evidence file does (a zip bomb): it was not read.
    ZipBomb {
        path: String,
        size: u64,
        compressed: u64,
    },
    /// An entry holds a different number of bytes than its header says.
    SizeMismatch {
        path: String,
        declared: u64,
    },
    /// Two entries share a name: an unzip tool could show either.
    DuplicateNames,
    /// The zip's central directory disagrees with its local headers, or hides an entry: an
    /// unzip tool could show other files than the ones checked.
    HeadersDisagree {
        reason: String,
    },
}

impl BundleIssue {
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let pick = |z: String, e: String| if zh { z } else { e };
        match self {
            BundleIssue::MissingRequired { path } => pick(
                format!("缺少必需文件 {path}"),
                format!("required file missing: {path}"),
            ),
            BundleIssue::BadSumsLine { line } => pick(
                format!("SHA256SUMS 第 {line} 行格式错误"),
                format!("SHA256SUMS line {line} is malformed"),
            ),
            BundleIssue::HashMismatch {
                path,
                expected,
                actual,
            } => pick(
                format!("文件哈希不符：{path}，应为 {expected}，实为 {actual}"),
                format!("hash mismatch: {path}, expected {expected}, found {actual}"),
            ),
            BundleIssue::MissingFile { path } => {
                pick(format!("文件缺失：{path}"), format!("file missing: {path}"))
            }
            BundleIssue::ExtraFile { path } => pick(
                format!("多出未登记的文件：{path}"),
                format!("extra file not listed in SHA256SUMS: {path}"),
            ),
            BundleIssue::UnsafePath { path } => pick(
                format!("不安全的路径：{path}"),
                format!("unsafe path: {path}"),
            ),
            BundleIssue::UnreadableFile { path, error } => pick(
                format!("无法读取 {path}：{error}"),
                format!("cannot read {path}: {error}"),
            ),
            BundleIssue::BadManifest { reason } => pick(
                format!("manifest.json 无效：{reason}"),
                format!("manifest.json is invalid: {reason}"),
            ),
            BundleIssue::ManifestMismatch { item_id, field } => pick(
                format!("清单与文件不符（{field}）：{item_id}"),
                format!("manifest disagrees with the file ({field}): {item_id}"),
            ),
            BundleIssue::NotInManifest { path } => pick(
                format!("清单未登记的文件：{path}"),
                format!("file not described in the manifest: {path}"),
            ),
            BundleIssue::BadLogLine { line } => pick(
                format!("保管日志第 {line} 行无效"),
                format!("custody log line {line} is invalid"),
            ),
            BundleIssue::CustodyEntryAltered { seq } => pick(
                format!("保管日志第 {seq} 条被改动"),
                format!("custody entry {seq} was altered"),
            ),
            BundleIssue::CustodyEntriesMissing { from_seq, to_seq } => pick(
                format!("保管日志缺少第 {from_seq}–{to_seq} 条"),
                format!("custody entries {from_seq}–{to_seq} are missing"),
            ),
            BundleIssue::CustodyEntryOutOfOrder { seq } => pick(
                format!("保管日志第 {seq} 条顺序被打乱"),
                format!("custody entry {seq} is out of order"),
            ),
            BundleIssue::CustodyBrokenLink { seq } => pick(
                format!("保管日志第 {seq} 条的链接断裂"),
                format!("custody entry {seq} breaks the chain"),
            ),
            BundleIssue::CustodyBadSequence { seq } => pick(
                format!("保管日志序号 {seq} 重复或倒退"),
                format!("custody sequence number {seq} repeats or goes backwards"),
            ),
            BundleIssue::CustodyHeadMismatch => pick(
                "保管日志末条与清单记录不符".into(),
                "the custody log's last entry is not the head named in the manifest".into(),
            ),
            BundleIssue::ForeignCaseEntry { seq } => pick(
                format!("保管日志第 {seq} 条属于其他案件"),
                format!("custody entry {seq} belongs to another case"),
            ),
            BundleIssue::CustodyMismatch { name, field, .. } => {
                let what = super::replay::field_words(field, lang);
                pick(
                    format!("证据「{name}」的{what}与保管日志不符，可能被改动过"),
                    format!("evidence “{name}”: {what} differs from the custody log; it may have been altered"),
                )
            }
            BundleIssue::ItemNotInCustodyLog { item_id } => pick(
                format!("保管日志中没有该证据的添加记录：{item_id}"),
                format!("no custody `add` entry records item {item_id}"),
            ),
            BundleIssue::TooManyEntries { count, limit } => pick(
                format!("压缩包内有 {count} 个条目，超过上限 {limit}，未作检查"),
                format!("the zip holds {count} entries, more than the limit of {limit}; nothing was checked"),
            ),
            BundleIssue::TooLarge { total, limit } => pick(
                format!("压缩包解压后共 {total} 字节，超过上限 {limit}，未作检查"),
                format!("the zip expands to {total} bytes, more than the limit of {limit}; nothing was checked"),
            ),
            BundleIssue::EntryTooLarge { path, size, limit } => pick(
                format!("文件过大，未读取：{path}（{size} 字节，上限 {limit}）"),
                format!("file too large, not read: {path} ({size} bytes, limit {limit})"),
            ),
            BundleIssue::ZipBomb {
                path,
                size,
                compressed,
            } => pick(
                format!("疑似压缩炸弹，未读取：{path}（{compressed} 字节解压为 {size} 字节）"),
                format!("looks like a zip bomb, not read: {path} ({compressed} bytes expand to {size})"),
            ),
            BundleIssue::SizeMismatch { path, declared } => pick(
                format!("文件实际大小与登记的 {declared} 字节不符：{path}"),
                format!("file does not hold the {declared} bytes its header says: {path}"),
            ),
            BundleIssue::DuplicateNames => pick(
                "压缩包内有重名文件，解压工具可能显示其中任意一个".into(),
                "the zip holds two entries with the same name; an unzip tool could show either".into(),
            ),
            BundleIssue::HeadersDisagree { reason } => pick(
                format!("压缩包目录与文件头不一致，解压工具看到的可能不是本次检查的文件（{reason}）"),
                format!("the zip's directory disagrees with its file headers; an unzip tool could show other files than the ones checked ({reason})"),
            ),
        }
    }
}

/// The outcome of [`verify_bundle`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BundleReport {
    pub intact: bool,
    pub case_id: Option<String>,
    pub exported_at: Option<String>,
    pub items: usize,
    pub files_checked: usize,
    pub bytes_checked: u64,
    pub custody_entries: usize,
    /// Entries of this case whose private details (evidence notes) the export left out:
    /// followed in the chain, their hashes not recomputed.
    pub withheld_entries: usize,
    pub issues: Vec<BundleIssue>,
}

fn safe_path(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains('\0')
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

fn read_small<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
) -> Result<Option<Vec<u8>>, String> {
    let f = match zip.by_name(name) {
        Ok(f) => f,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let mut out = Vec::new();
    f.take(MAX_BUNDLE_META_BYTES)
        .read_to_end(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(Some(out))
}

/// Checks a bundle: every file against `SHA256SUMS`, no file missing or extra, the manifest
/// against the files, and the custody chain inside (hashes recomputed for this case's
/// entries, links followed through redacted ones, every item recorded by an `add` entry).
/// Needs no vault. Errors only when the file is not a readable zip at all.
pub fn verify_bundle(
    path: &Path,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<BundleReport, EvidenceError> {
    let name = display_name(path);
    let file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => EvidenceError::NotFound { name: name.clone() },
        _ => EvidenceError::Unreadable {
            name: name.clone(),
            source: e,
        },
    })?;
    if file.metadata().map(|m| m.is_dir()).unwrap_or(false) {
        return Err(EvidenceError::IsDirectory { name });
    }
    verify_bundle_reader(BufReader::new(file), &name, progress, cancel)
}

/// [`verify_bundle`] on any seekable reader (an opened file, bytes in memory); `name` names
/// it in messages.
pub fn verify_bundle_reader<R: Read + Seek>(
    reader: R,
    name: &str,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<BundleReport, EvidenceError> {
    verify_bundle_with(reader, name, &BundleLimits::default(), progress, cancel)
}

/// [`verify_bundle_reader`] with explicit limits. Memory stays bounded by the zip's
/// directory and the metadata limit; time by the entries' declared sizes, which are
/// enforced while reading.
pub fn verify_bundle_with<R: Read + Seek>(
    reader: R,
    name: &str,
    limits: &BundleLimits,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<BundleReport, EvidenceError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| EvidenceError::BadBundle {
        reason: format!("{name}: {e}"),
    })?;
    let mut issues = Vec::new();
    let bad = |e: String| EvidenceError::BadBundle { reason: e };
    let refuse = |issue: BundleIssue| BundleReport {
        intact: false,
        case_id: None,
        exported_at: None,
        items: 0,
        files_checked: 0,
        bytes_checked: 0,
        custody_entries: 0,
        withheld_entries: 0,
        issues: vec![issue],
    };

    // Shape first: how many entries, how large in total, names and headers that agree.
    if zip.len() > limits.max_entries {
        return Ok(refuse(BundleIssue::TooManyEntries {
            count: zip.len(),
            limit: limits.max_entries,
        }));
    }
    let total: u64 = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .fold(0u64, u64::saturating_add);
    if total > limits.max_total_bytes {
        return Ok(refuse(BundleIssue::TooLarge {
            total,
            limit: limits.max_total_bytes,
        }));
    }
    if zip.has_duplicate_names() {
        issues.push(BundleIssue::DuplicateNames);
    } else if let Err(e) = zip.validate_header_consistency() {
        issues.push(BundleIssue::HeadersDisagree {
            reason: e.to_string(),
        });
    }

    // SHA256SUMS.
    let mut sums: BTreeMap<String, String> = BTreeMap::new();
    match read_small(&mut zip, "SHA256SUMS").map_err(bad)? {
        None => issues.push(BundleIssue::MissingRequired {
            path: "SHA256SUMS".into(),
        }),
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            for (i, line) in text.lines().enumerate() {
                if line.is_empty() {
                    continue;
                }
                // GNU format: hash, space, then ' ' (text) or '*' (binary), then the name.
                let ok = line.len() > 66
                    && is_sha256_hex(&line[..64].to_ascii_lowercase())
                    && line.as_bytes()[64] == b' '
                    && matches!(line.as_bytes()[65], b' ' | b'*');
                if !ok {
                    issues.push(BundleIssue::BadSumsLine { line: i + 1 });
                    continue;
                }
                sums.insert(line[66..].to_string(), line[..64].to_ascii_lowercase());
            }
        }
    }

    // Hash every entry.
    let mut done = 0u64;
    // Entries not read because of a limit (not reported again as missing).
    let mut refused: HashSet<String> = HashSet::new();
    let mut actual: HashMap<String, (String, u64)> = HashMap::new();
    let mut buf = vec![0u8; CHUNK];
    let mut files_checked = 0;
    progress.on_progress(0, total);
    for i in 0..zip.len() {
        if cancel.is_cancelled() {
            return Err(EvidenceError::Cancelled);
        }
        let mut f = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
        let entry = match f.name() {
            Ok(n) => n.into_owned(),
            Err(e) => return Err(bad(e.to_string())),
        };
        if f.is_dir() {
            continue;
        }
        if !safe_path(&entry) {
            issues.push(BundleIssue::UnsafePath {
                path: entry.clone(),
            });
        }
        let size = f.size();
        let compressed = f.compressed_size();
        if size > limits.max_entry_bytes {
            issues.push(BundleIssue::EntryTooLarge {
                path: entry.clone(),
                size,
                limit: limits.max_entry_bytes,
            });
            refused.insert(entry);
            continue;
        }
        if size >= limits.bomb_check_from && size / compressed.max(1) > limits.max_ratio {
            issues.push(BundleIssue::ZipBomb {
                path: entry.clone(),
                size,
                compressed,
            });
            refused.insert(entry);
            continue;
        }
        // Never read past the declared size: a lying header cannot make this read more.
        let mut capped = (&mut f).take(size.saturating_add(1));
        match hash_reader(&mut capped, &mut buf, progress, cancel, done, total)? {
            Ok((_, n)) if n != size => {
                issues.push(BundleIssue::SizeMismatch {
                    path: entry.clone(),
                    declared: size,
                });
                refused.insert(entry.clone());
            }
            Ok((hash, n)) => {
                actual.insert(entry.clone(), (hash, n));
                files_checked += 1;
            }
            Err(e) => {
                issues.push(BundleIssue::UnreadableFile {
                    path: entry.clone(),
                    error: e.to_string(),
                });
                refused.insert(entry.clone());
            }
        }
        done += size;
        progress.on_progress(done, total.max(done));
    }
    for (path, expected) in &sums {
        match actual.get(path) {
            None if refused.contains(path) => {}
            None => issues.push(BundleIssue::MissingFile { path: path.clone() }),
            Some((hash, _)) if hash != expected => issues.push(BundleIssue::HashMismatch {
                path: path.clone(),
                expected: expected.clone(),
                actual: hash.clone(),
            }),
            Some(_) => {}
        }
    }
    let mut extra: Vec<&String> = actual
        .keys()
        .filter(|p| p.as_str() != "SHA256SUMS" && !sums.contains_key(*p))
        .collect();
    crate::sort::sort(&mut extra);
    for p in extra {
        issues.push(BundleIssue::ExtraFile { path: p.clone() });
    }

    // manifest.json.
    let mut case_id = None;
    let mut exported_at = None;
    let mut items: Vec<ManifestItem> = Vec::new();
    let mut head_hash: Option<String> = None;
    match read_small(&mut zip, "manifest.json").map_err(bad)? {
        None => issues.push(BundleIssue::MissingRequired {
            path: "manifest.json".into(),
        }),
        Some(bytes) => match serde_json::from_slice::<Value>(&bytes) {
            Err(e) => issues.push(BundleIssue::BadManifest {
                reason: e.to_string(),
            }),
            Ok(m) if m["format"] != BUNDLE_FORMAT => issues.push(BundleIssue::BadManifest {
                reason: format!("format is not {BUNDLE_FORMAT}"),
            }),
            Ok(m) => {
                case_id = m["case_id"].as_str().map(str::to_string);
                exported_at = m["exported_at"].as_str().map(str::to_string);
                head_hash = m["custody"]["head_hash"].as_str().map(str::to_string);
                // Read again for the items (not `from_value`: see `ItemsOnly`).
                match serde_json::from_slice::<ItemsOnly>(&bytes) {
                    Ok(v) => items = v.items,
                    Err(e) => issues.push(BundleIssue::BadManifest {
                        reason: format!("items: {e}"),
                    }),
                }
            }
        },
    }
    let described: HashSet<&str> = items.iter().map(|i| i.path.as_str()).collect();
    for it in &items {
        match actual.get(&it.path) {
            None => {
                if sums.contains_key(&it.path) || refused.contains(&it.path) {
                    // Already reported as missing via SHA256SUMS.
                } else {
                    issues.push(BundleIssue::MissingFile {
                        path: it.path.clone(),
                    });
                }
            }
            Some((hash, size)) => {
                if hash != &it.sha256 {
                    issues.push(BundleIssue::ManifestMismatch {
                        item_id: it.id.clone(),
                        field: "sha256".into(),
                    });
                }
                if *size != it.size {
                    issues.push(BundleIssue::ManifestMismatch {
                        item_id: it.id.clone(),
                        field: "size".into(),
                    });
                }
            }
        }
        if sums.get(&it.path).is_some_and(|h| h != &it.sha256) {
            issues.push(BundleIssue::ManifestMismatch {
                item_id: it.id.clone(),
                field: "SHA256SUMS".into(),
            });
        }
    }
    let mut undescribed: Vec<&String> = actual
        .keys()
        .filter(|p| p.starts_with("files/") && !described.contains(p.as_str()))
        .collect();
    crate::sort::sort(&mut undescribed);
    for p in undescribed {
        issues.push(BundleIssue::NotInManifest { path: p.clone() });
    }

    // custody-log.jsonl.
    let mut custody_entries = 0;
    let mut withheld_entries = 0;
    match read_small(&mut zip, "custody-log.jsonl").map_err(bad)? {
        None => issues.push(BundleIssue::MissingRequired {
            path: "custody-log.jsonl".into(),
        }),
        Some(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            let mut links = Vec::new();
            let mut added: HashSet<(String, String)> = HashSet::new();
            let mut by_item: HashMap<String, Vec<CustodyEntry>> = HashMap::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<BundleLogLine>(line) {
                    Ok(BundleLogLine::Full(e)) => {
                        if case_id.as_deref().is_some_and(|c| c != e.case_id) {
                            issues.push(BundleIssue::ForeignCaseEntry { seq: e.seq });
                        }
                        if e.action == "add" {
                            if let (Some(id), Some(sha)) =
                                (&e.item_id, e.details_json()["sha256"].as_str())
                            {
                                added.insert((id.clone(), sha.to_string()));
                            }
                        }
                        links.push(Link::from(&e));
                        if let Some(id) = &e.item_id {
                            by_item.entry(id.clone()).or_default().push(e);
                        }
                    }
                    Ok(BundleLogLine::Withheld(w)) => {
                        // This case's entry with its note left out: followed like a
                        // redacted one (its hash cannot be recomputed), and its `add`
                        // still names the item and hash it recorded.
                        if case_id.as_deref().is_some_and(|c| c != w.case_id) {
                            issues.push(BundleIssue::ForeignCaseEntry { seq: w.seq });
                        }
                        if w.action == "add" {
                            if let (Some(id), Some(sha)) =
                                (&w.item_id, w.shown_details["sha256"].as_str())
                            {
                                added.insert((id.clone(), sha.to_string()));
                            }
                        }
                        withheld_entries += 1;
                        // Replayed with the rest of its details: everything but the note
                        // (left out of the manifest too) is still compared.
                        if let Some(id) = &w.item_id {
                            by_item.entry(id.clone()).or_default().push(CustodyEntry {
                                seq: w.seq,
                                at: w.at.clone(),
                                action: w.action.clone(),
                                item_id: w.item_id.clone(),
                                case_id: w.case_id.clone(),
                                step_id: w.step_id.clone(),
                                details: w.shown_details.to_string(),
                                prev_hash: w.prev_hash.clone(),
                                entry_hash: w.entry_hash.clone(),
                            });
                        }
                        links.push(Link {
                            seq: w.seq,
                            prev_hash: w.prev_hash,
                            entry_hash: w.entry_hash,
                            hash_ok: None,
                        });
                    }
                    Ok(BundleLogLine::Redacted(r)) if r.redacted => links.push(Link {
                        seq: r.seq,
                        prev_hash: r.prev_hash,
                        entry_hash: r.entry_hash,
                        hash_ok: None,
                    }),
                    _ => issues.push(BundleIssue::BadLogLine { line: i + 1 }),
                }
            }
            custody_entries = links.len();
            for p in check_chain(&links) {
                issues.push(match p {
                    ChainProblem::Altered { seq } => BundleIssue::CustodyEntryAltered { seq },
                    ChainProblem::Missing { from, to } => BundleIssue::CustodyEntriesMissing {
                        from_seq: from,
                        to_seq: to,
                    },
                    ChainProblem::OutOfOrder { seq } => BundleIssue::CustodyEntryOutOfOrder { seq },
                    ChainProblem::BrokenLink { seq } => BundleIssue::CustodyBrokenLink { seq },
                    ChainProblem::BadSequence { seq } => BundleIssue::CustodyBadSequence { seq },
                });
            }
            if links.last().map(|l| &l.entry_hash) != head_hash.as_ref() {
                issues.push(BundleIssue::CustodyHeadMismatch);
            }
            for it in &items {
                if !added.contains(&(it.id.clone(), it.sha256.clone())) {
                    issues.push(BundleIssue::ItemNotInCustodyLog {
                        item_id: it.id.clone(),
                    });
                }
                // The manifest must carry what the log says about the item: its name,
                // capture time and source, note, tags, case and steps.
                let Some(rec) = by_item.get(&it.id).and_then(|log| replay(log.iter())) else {
                    continue;
                };
                let shown = Shown {
                    case_id: case_id.as_deref().unwrap_or_default(),
                    sha256: &it.sha256,
                    size: it.size,
                    original_name: &it.original_name,
                    captured_at: it.captured_at.as_deref(),
                    captured_at_source: it.captured_at_source.as_deref(),
                    note: &it.note,
                    tags: &it.tags,
                    step_id: it.step_id.as_deref(),
                    also_steps: it.also_steps.iter().map(|s| s.step_id.as_str()).collect(),
                    deleted: false,
                };
                for field in differences(&rec, &shown) {
                    issues.push(BundleIssue::CustodyMismatch {
                        item_id: it.id.clone(),
                        name: rec.original_name.clone(),
                        field: field.key().into(),
                    });
                }
            }
        }
    }

    Ok(BundleReport {
        intact: issues.is_empty(),
        case_id,
        exported_at,
        items: items.len(),
        files_checked,
        bytes_checked: done,
        custody_entries,
        withheld_entries,
        issues,
    })
}

/// The items of `manifest.json`, read straight from its bytes: `serde_json::from_value`
/// would compile serde_json's second (Value) deserializer into the library for this alone.
#[derive(serde::Deserialize)]
struct ItemsOnly {
    items: Vec<ManifestItem>,
}
