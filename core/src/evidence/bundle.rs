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
    let total = match check_shape(&mut zip, limits, &mut issues) {
        Ok(total) => total,
        Err(refusal) => return Ok(refused_report(refusal)),
    };
    let sums = read_sums(&mut zip, &mut issues)?;
    let hashed = hash_entries(&mut zip, limits, total, progress, cancel, &mut issues)?;
    compare_sums(&sums, &hashed, &mut issues);
    let manifest = read_manifest(&mut zip, &mut issues)?;
    compare_manifest(&manifest.items, &sums, &hashed, &mut issues);
    let (custody_entries, withheld_entries) = check_custody(&mut zip, &manifest, &mut issues)?;
    Ok(BundleReport {
        intact: issues.is_empty(),
        case_id: manifest.case_id,
        exported_at: manifest.exported_at,
        items: manifest.items.len(),
        files_checked: hashed.files_checked,
        bytes_checked: hashed.done,
        custody_entries,
        withheld_entries,
        issues,
    })
}

fn bad(e: String) -> EvidenceError {
    EvidenceError::BadBundle { reason: e }
}

/// The report of a bundle refused before any entry is read.
fn refused_report(issue: BundleIssue) -> BundleReport {
    BundleReport {
        intact: false,
        case_id: None,
        exported_at: None,
        items: 0,
        files_checked: 0,
        bytes_checked: 0,
        custody_entries: 0,
        withheld_entries: 0,
        issues: vec![issue],
    }
}

/// Shape first: how many entries, how large in total (returned), names and headers that
/// agree. Too many entries or too many bytes refuse the bundle (the `Err`).
fn check_shape<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &BundleLimits,
    issues: &mut Vec<BundleIssue>,
) -> Result<u64, BundleIssue> {
    if zip.len() > limits.max_entries {
        return Err(BundleIssue::TooManyEntries {
            count: zip.len(),
            limit: limits.max_entries,
        });
    }
    let total: u64 = (0..zip.len())
        .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
        .fold(0u64, u64::saturating_add);
    if total > limits.max_total_bytes {
        return Err(BundleIssue::TooLarge {
            total,
            limit: limits.max_total_bytes,
        });
    }
    if zip.has_duplicate_names() {
        issues.push(BundleIssue::DuplicateNames);
    } else if let Err(e) = zip.validate_header_consistency() {
        issues.push(BundleIssue::HeadersDisagree {
            reason: e.to_string(),
        });
    }
    Ok(total)
}

/// `SHA256SUMS`: path to hash, every line that is not in GNU format reported.
fn read_sums<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    issues: &mut Vec<BundleIssue>,
) -> Result<BTreeMap<String, String>, EvidenceError> {
    let mut sums: BTreeMap<String, String> = BTreeMap::new();
    let Some(bytes) = read_small(zip, "SHA256SUMS").map_err(bad)? else {
        issues.push(BundleIssue::MissingRequired {
            path: "SHA256SUMS".into(),
        });
        return Ok(sums);
    };
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
    Ok(sums)
}

/// What hashing the entries found.
struct Hashed {
    /// Path to (hash, bytes read) of every entry read whole.
    actual: HashMap<String, (String, u64)>,
    /// Entries not read because of a limit (not reported again as missing).
    refused: HashSet<String>,
    files_checked: usize,
    /// Bytes declared by the entries gone through.
    done: u64,
}

/// Hashes every entry, never reading past a declared size, and refuses the ones too large
/// or compressed like a zip bomb.
fn hash_entries<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    limits: &BundleLimits,
    total: u64,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    issues: &mut Vec<BundleIssue>,
) -> Result<Hashed, EvidenceError> {
    let mut h = Hashed {
        actual: HashMap::new(),
        refused: HashSet::new(),
        files_checked: 0,
        done: 0,
    };
    let mut buf = vec![0u8; CHUNK];
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
        if let Some(issue) = entry_refusal(&entry, size, f.compressed_size(), limits) {
            issues.push(issue);
            h.refused.insert(entry);
            continue;
        }
        // Never read past the declared size: a lying header cannot make this read more.
        let mut capped = (&mut f).take(size.saturating_add(1));
        match hash_reader(&mut capped, &mut buf, progress, cancel, h.done, total)? {
            Ok((_, n)) if n != size => {
                issues.push(BundleIssue::SizeMismatch {
                    path: entry.clone(),
                    declared: size,
                });
                h.refused.insert(entry.clone());
            }
            Ok((hash, n)) => {
                h.actual.insert(entry.clone(), (hash, n));
                h.files_checked += 1;
            }
            Err(e) => {
                issues.push(BundleIssue::UnreadableFile {
                    path: entry.clone(),
                    error: e.to_string(),
                });
                h.refused.insert(entry.clone());
            }
        }
        h.done += size;
        progress.on_progress(h.done, total.max(h.done));
    }
    Ok(h)
}

/// Why an entry is not read at all: larger than an entry may be, or compressed like a zip
/// bomb.
fn entry_refusal(
    entry: &str,
    size: u64,
    compressed: u64,
    limits: &BundleLimits,
) -> Option<BundleIssue> {
    if size > limits.max_entry_bytes {
        return Some(BundleIssue::EntryTooLarge {
            path: entry.to_string(),
            size,
            limit: limits.max_entry_bytes,
        });
    }
    if size >= limits.bomb_check_from && size / compressed.max(1) > limits.max_ratio {
        return Some(BundleIssue::ZipBomb {
            path: entry.to_string(),
            size,
            compressed,
        });
    }
    None
}

/// Every file `SHA256SUMS` lists is there with its hash, and no other file is.
fn compare_sums(sums: &BTreeMap<String, String>, h: &Hashed, issues: &mut Vec<BundleIssue>) {
    for (path, expected) in sums {
        match h.actual.get(path) {
            None if h.refused.contains(path) => {}
            None => issues.push(BundleIssue::MissingFile { path: path.clone() }),
            Some((hash, _)) if hash != expected => issues.push(BundleIssue::HashMismatch {
                path: path.clone(),
                expected: expected.clone(),
                actual: hash.clone(),
            }),
            Some(_) => {}
        }
    }
    let mut extra: Vec<&String> = h
        .actual
        .keys()
        .filter(|p| p.as_str() != "SHA256SUMS" && !sums.contains_key(*p))
        .collect();
    crate::sort::sort(&mut extra);
    for p in extra {
        issues.push(BundleIssue::ExtraFile { path: p.clone() });
    }
}

/// What `manifest.json` says (empty when it is missing or unreadable, which is reported).
#[derive(Default)]
struct ManifestRead {
    case_id: Option<String>,
    exported_at: Option<String>,
    items: Vec<ManifestItem>,
    head_hash: Option<String>,
}

fn read_manifest<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    issues: &mut Vec<BundleIssue>,
) -> Result<ManifestRead, EvidenceError> {
    let mut read = ManifestRead::default();
    match read_small(zip, "manifest.json").map_err(bad)? {
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
                read.case_id = m["case_id"].as_str().map(str::to_string);
                read.exported_at = m["exported_at"].as_str().map(str::to_string);
                read.head_hash = m["custody"]["head_hash"].as_str().map(str::to_string);
                // Read again for the items (not `from_value`: see `ItemsOnly`).
                match serde_json::from_slice::<ItemsOnly>(&bytes) {
                    Ok(v) => read.items = v.items,
                    Err(e) => issues.push(BundleIssue::BadManifest {
                        reason: format!("items: {e}"),
                    }),
                }
            }
        },
    }
    Ok(read)
}

/// Every item of the manifest is a file with the hash and size it states, and every file
/// under `files/` is an item.
fn compare_manifest(
    items: &[ManifestItem],
    sums: &BTreeMap<String, String>,
    h: &Hashed,
    issues: &mut Vec<BundleIssue>,
) {
    let described: HashSet<&str> = items.iter().map(|i| i.path.as_str()).collect();
    for it in items {
        match h.actual.get(&it.path) {
            None => {
                if sums.contains_key(&it.path) || h.refused.contains(&it.path) {
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
    let mut undescribed: Vec<&String> = h
        .actual
        .keys()
        .filter(|p| p.starts_with("files/") && !described.contains(p.as_str()))
        .collect();
    crate::sort::sort(&mut undescribed);
    for p in undescribed {
        issues.push(BundleIssue::NotInManifest { path: p.clone() });
    }
}

/// The custody log read line by line.
#[derive(Default)]
struct CustodyRead {
    links: Vec<Link>,
    /// (item id, hash) of every `add` entry.
    added: HashSet<(String, String)>,
    by_item: HashMap<String, Vec<CustodyEntry>>,
    withheld: usize,
}

/// `custody-log.jsonl`: the chain followed, its head against the manifest's, and every
/// item recorded by an `add` entry with what the log says about it. Returns the number of
/// entries and of withheld ones.
fn check_custody<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    manifest: &ManifestRead,
    issues: &mut Vec<BundleIssue>,
) -> Result<(usize, usize), EvidenceError> {
    let Some(bytes) = read_small(zip, "custody-log.jsonl").map_err(bad)? else {
        issues.push(BundleIssue::MissingRequired {
            path: "custody-log.jsonl".into(),
        });
        return Ok((0, 0));
    };
    let log = read_custody_log(
        &String::from_utf8_lossy(&bytes),
        manifest.case_id.as_deref(),
        issues,
    );
    for p in check_chain(&log.links) {
        issues.push(chain_issue(p));
    }
    if log.links.last().map(|l| &l.entry_hash) != manifest.head_hash.as_ref() {
        issues.push(BundleIssue::CustodyHeadMismatch);
    }
    for it in &manifest.items {
        check_item_custody(it, &log, manifest.case_id.as_deref(), issues);
    }
    Ok((log.links.len(), log.withheld))
}

/// Reads the log's lines: full entries, withheld ones (this case's, with the note left
/// out) and redacted ones (other cases'); an entry of another case in full is reported.
fn read_custody_log(
    text: &str,
    case_id: Option<&str>,
    issues: &mut Vec<BundleIssue>,
) -> CustodyRead {
    let mut log = CustodyRead::default();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_slice::<BundleLogLine>(line.as_bytes()) {
            Ok(BundleLogLine::Full(e)) => {
                if case_id.is_some_and(|c| c != e.case_id) {
                    issues.push(BundleIssue::ForeignCaseEntry { seq: e.seq });
                }
                if e.action == "add" {
                    if let (Some(id), Some(sha)) = (&e.item_id, e.details_json()["sha256"].as_str())
                    {
                        log.added.insert((id.clone(), sha.to_string()));
                    }
                }
                log.links.push(Link::from(&e));
                if let Some(id) = &e.item_id {
                    log.by_item.entry(id.clone()).or_default().push(e);
                }
            }
            Ok(BundleLogLine::Withheld(w)) => {
                // This case's entry with its note left out: followed like a
                // redacted one (its hash cannot be recomputed), and its `add`
                // still names the item and hash it recorded.
                if case_id.is_some_and(|c| c != w.case_id) {
                    issues.push(BundleIssue::ForeignCaseEntry { seq: w.seq });
                }
                if w.action == "add" {
                    if let (Some(id), Some(sha)) = (&w.item_id, w.shown_details["sha256"].as_str())
                    {
                        log.added.insert((id.clone(), sha.to_string()));
                    }
                }
                log.withheld += 1;
                // Replayed with the rest of its details: everything but the note
                // (left out of the manifest too) is still compared.
                if let Some(id) = &w.item_id {
                    log.by_item
                        .entry(id.clone())
                        .or_default()
                        .push(CustodyEntry {
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
                log.links.push(Link {
                    seq: w.seq,
                    prev_hash: w.prev_hash,
                    entry_hash: w.entry_hash,
                    hash_ok: None,
                });
            }
            Ok(BundleLogLine::Redacted(r)) if r.redacted => log.links.push(Link {
                seq: r.seq,
                prev_hash: r.prev_hash,
                entry_hash: r.entry_hash,
                hash_ok: None,
            }),
            _ => issues.push(BundleIssue::BadLogLine { line: i + 1 }),
        }
    }
    log
}

fn chain_issue(p: ChainProblem) -> BundleIssue {
    match p {
        ChainProblem::Altered { seq } => BundleIssue::CustodyEntryAltered { seq },
        ChainProblem::Missing { from, to } => BundleIssue::CustodyEntriesMissing {
            from_seq: from,
            to_seq: to,
        },
        ChainProblem::OutOfOrder { seq } => BundleIssue::CustodyEntryOutOfOrder { seq },
        ChainProblem::BrokenLink { seq } => BundleIssue::CustodyBrokenLink { seq },
        ChainProblem::BadSequence { seq } => BundleIssue::CustodyBadSequence { seq },
    }
}

/// An item of the manifest is recorded by an `add` entry, and the manifest carries what
/// the log says about it: its name, capture time and source, note, tags, case and steps.
fn check_item_custody(
    it: &ManifestItem,
    log: &CustodyRead,
    case_id: Option<&str>,
    issues: &mut Vec<BundleIssue>,
) {
    if !log.added.contains(&(it.id.clone(), it.sha256.clone())) {
        issues.push(BundleIssue::ItemNotInCustodyLog {
            item_id: it.id.clone(),
        });
    }
    let Some(rec) = log.by_item.get(&it.id).and_then(|l| replay(l.iter())) else {
        return;
    };
    let shown = Shown {
        case_id: case_id.unwrap_or_default(),
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

/// The items of `manifest.json`, read straight from its bytes: `serde_json::from_value`
/// would compile serde_json's second (Value) deserializer into the library for this alone.
#[derive(serde::Deserialize)]
struct ItemsOnly {
    items: Vec<ManifestItem>,
}
