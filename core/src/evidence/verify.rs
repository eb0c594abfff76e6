//! Verification of a vault's evidence: every live file re-hashed, the custody chain walked,
//! and every item matched against the log entry that recorded it.

use std::collections::HashMap;
use std::fs::File;
use std::io;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::custody::{self, ChainProblem, CustodyEntry, Link};
use super::error::EvidenceError;
use super::progress::{CancelFlag, Progress};
use super::replay::{entries_by_item, field_words, is_redacted, replay, row_differences, Recorded};
use super::store::{content_path, list_items, EvidenceItem, EvidenceStore};
use super::util::{hash_reader, truncate_millis, CHUNK};
use crate::Lang;

/// Names an item in a report: which file, and which step it proves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRef {
    pub id: String,
    pub case_id: String,
    pub original_name: String,
    pub step_id: Option<String>,
    pub step_title: Option<String>,
}

impl From<&EvidenceItem> for ItemRef {
    fn from(i: &EvidenceItem) -> ItemRef {
        ItemRef {
            id: i.id.clone(),
            case_id: i.case_id.clone(),
            original_name: i.original_name.clone(),
            step_id: i.step_id.clone(),
            step_title: i.step_title.clone(),
        }
    }
}

impl ItemRef {
    fn describe(&self, lang: Lang) -> String {
        let step = match (&self.step_title, &self.step_id) {
            (Some(t), _) => t.clone(),
            (None, Some(s)) => s.clone(),
            (None, None) => match lang {
                Lang::Zh => "未关联步骤".into(),
                Lang::En => "no step".into(),
            },
        };
        match lang {
            Lang::Zh => format!("{}（{}，证明步骤：{}）", self.id, self.original_name, step),
            Lang::En => format!(
                "{} ({}, proves step: {})",
                self.id, self.original_name, step
            ),
        }
    }
}

/// One problem found by [`EvidenceStore::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VerifyIssue {
    /// The item's file is gone.
    MissingFile { item: ItemRef },
    /// The item's file no longer has the recorded SHA-256.
    ChangedFile {
        item: ItemRef,
        expected_sha256: String,
        actual_sha256: String,
    },
    /// The file exists but could not be read.
    UnreadableFile { item: ItemRef, error: String },
    /// No custody entry records this item's `add` (or, for a tombstone, its `delete`).
    NotLogged { item: ItemRef, action: String },
    /// The row disagrees with the `add` entry that recorded it (e.g. its hash was edited).
    RecordMismatch { item: ItemRef, field: String },
    /// A log entry's content no longer matches its hash: it was edited.
    EntryAltered { seq: i64, item: Option<ItemRef> },
    /// Log entries are gone.
    EntriesMissing { from_seq: i64, to_seq: i64 },
    /// A log entry chains to an entry that is not its predecessor: entries were reordered.
    EntryOutOfOrder { seq: i64, item: Option<ItemRef> },
    /// A log entry chains to a hash found nowhere in the log.
    BrokenLink { seq: i64, item: Option<ItemRef> },
    /// A sequence number repeats or goes backwards.
    BadSequence { seq: i64 },
    /// A log entry names an item that has no row.
    UnknownItemInLog { seq: i64, item_id: String },
}

impl VerifyIssue {
    /// A one-line human description in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let opt = |item: &Option<ItemRef>| match item {
            Some(i) => format!(" — {}", i.describe(lang)),
            None => String::new(),
        };
        match self {
            VerifyIssue::MissingFile { item } => {
                if zh {
                    format!("文件缺失：{}", item.describe(lang))
                } else {
                    format!("file missing: {}", item.describe(lang))
                }
            }
            VerifyIssue::ChangedFile {
                item,
                expected_sha256,
                actual_sha256,
            } => {
                if zh {
                    format!(
                        "文件已被改动：{}，应为 {expected_sha256}，实为 {actual_sha256}",
                        item.describe(lang)
                    )
                } else {
                    format!(
                        "file changed: {}, expected {expected_sha256}, found {actual_sha256}",
                        item.describe(lang)
                    )
                }
            }
            VerifyIssue::UnreadableFile { item, error } => {
                if zh {
                    format!("文件无法读取：{}：{error}", item.describe(lang))
                } else {
                    format!("file unreadable: {}: {error}", item.describe(lang))
                }
            }
            VerifyIssue::NotLogged { item, action } => {
                if zh {
                    format!("保管记录中缺少 {action} 条目：{}", item.describe(lang))
                } else {
                    format!(
                        "no `{action}` entry in the custody log: {}",
                        item.describe(lang)
                    )
                }
            }
            VerifyIssue::RecordMismatch { item, field } => {
                let what = field_words(field, lang);
                if zh {
                    format!(
                        "证据「{}」的{what}与保管记录不符，可能被改动过",
                        item.original_name
                    )
                } else {
                    format!(
                        "evidence “{}”: {what} differs from the custody log; it may have been altered",
                        item.original_name
                    )
                }
            }
            VerifyIssue::EntryAltered { seq, item } => {
                if zh {
                    format!("保管日志第 {seq} 条被改动{}", opt(item))
                } else {
                    format!("custody entry {seq} was altered{}", opt(item))
                }
            }
            VerifyIssue::EntriesMissing { from_seq, to_seq } => {
                if zh {
                    format!("保管日志缺少第 {from_seq}–{to_seq} 条")
                } else {
                    format!("custody entries {from_seq}–{to_seq} are missing")
                }
            }
            VerifyIssue::EntryOutOfOrder { seq, item } => {
                if zh {
                    format!("保管日志第 {seq} 条顺序被打乱{}", opt(item))
                } else {
                    format!("custody entry {seq} is out of order{}", opt(item))
                }
            }
            VerifyIssue::BrokenLink { seq, item } => {
                if zh {
                    format!("保管日志第 {seq} 条的链接断裂{}", opt(item))
                } else {
                    format!("custody entry {seq} breaks the chain{}", opt(item))
                }
            }
            VerifyIssue::BadSequence { seq } => {
                if zh {
                    format!("保管日志序号 {seq} 重复或倒退")
                } else {
                    format!("custody sequence number {seq} repeats or goes backwards")
                }
            }
            VerifyIssue::UnknownItemInLog { seq, item_id } => {
                if zh {
                    format!("保管日志第 {seq} 条指向不存在的证据 {item_id}")
                } else {
                    format!("custody entry {seq} names an unknown item {item_id}")
                }
            }
        }
    }
}

/// The outcome of [`EvidenceStore::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// True when no issue was found.
    pub intact: bool,
    pub checked_at: DateTime<Utc>,
    /// The case verified, or `None` for the whole vault (the chain is always checked whole).
    pub case_id: Option<String>,
    pub items_checked: usize,
    pub bytes_checked: u64,
    pub entries_checked: usize,
    pub issues: Vec<VerifyIssue>,
}

impl EvidenceStore<'_> {
    /// Re-hashes every live file (of `case_id`, or of all cases), walks the whole custody
    /// chain, and checks each item against the entries that recorded it. Read-only.
    pub fn verify(
        &self,
        case_id: Option<&str>,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        now: DateTime<Utc>,
    ) -> Result<VerifyReport, EvidenceError> {
        let conn = self.connection();
        let all = list_items(conn, None, true)?;
        let by_id: HashMap<&str, &EvidenceItem> = all.iter().map(|i| (i.id.as_str(), i)).collect();
        let entries = custody::load_all(conn)?;
        let by_item = entries_by_item(&entries);
        let recorded: HashMap<&str, Recorded> = by_item
            .iter()
            .filter_map(|(id, log)| replay(log.iter().copied()).map(|r| (*id, r)))
            .collect();
        // An item belongs to the case its row names and to the one its log names: an item
        // moved to another case behind the log's back is reported from both.
        let in_scope: Vec<&EvidenceItem> = all
            .iter()
            .filter(|i| match case_id {
                Some(c) => {
                    i.case_id == c || recorded.get(i.id.as_str()).is_some_and(|r| r.case_id == c)
                }
                None => true,
            })
            .collect();
        let live: Vec<&EvidenceItem> = in_scope
            .iter()
            .copied()
            .filter(|i| i.deleted_at.is_none())
            .collect();
        let total: u64 = live.iter().map(|i| i.size).sum();
        let mut issues = Vec::new();
        let done = self.rehash(&live, total, progress, cancel, &mut issues)?;
        check_chain(&entries, &by_id, &by_item, &mut issues);
        check_records(&in_scope, &by_item, &recorded, &mut issues);

        Ok(VerifyReport {
            intact: issues.is_empty(),
            checked_at: truncate_millis(now),
            case_id: case_id.map(str::to_string),
            items_checked: live.len(),
            bytes_checked: done,
            entries_checked: entries.len(),
            issues,
        })
    }

    /// Re-hashes the live files, reporting the ones missing, unreadable or changed.
    /// Returns the bytes gone through.
    fn rehash(
        &self,
        live: &[&EvidenceItem],
        total: u64,
        progress: &dyn Progress,
        cancel: &CancelFlag,
        issues: &mut Vec<VerifyIssue>,
    ) -> Result<u64, EvidenceError> {
        let mut done = 0u64;
        let mut buf = vec![0u8; CHUNK];
        progress.on_progress(0, total);
        for item in live {
            if cancel.is_cancelled() {
                return Err(EvidenceError::Cancelled);
            }
            let path = content_path(&self.root, &item.sha256);
            let r = ItemRef::from(*item);
            match File::open(&path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    issues.push(VerifyIssue::MissingFile { item: r })
                }
                Err(e) => issues.push(VerifyIssue::UnreadableFile {
                    item: r,
                    error: e.to_string(),
                }),
                Ok(mut f) => match hash_reader(&mut f, &mut buf, progress, cancel, done, total)? {
                    Ok((actual, _)) if actual == item.sha256 => {}
                    Ok((actual, _)) => issues.push(VerifyIssue::ChangedFile {
                        item: r,
                        expected_sha256: item.sha256.clone(),
                        actual_sha256: actual,
                    }),
                    Err(e) => issues.push(VerifyIssue::UnreadableFile {
                        item: r,
                        error: e.to_string(),
                    }),
                },
            }
            done += item.size;
            progress.on_progress(done, total);
        }
        Ok(done)
    }
}

/// Walks the whole custody chain (an entry redacted by its item's deletion keeps only its
/// place), and reports entries that name an item the vault does not have.
fn check_chain(
    entries: &[CustodyEntry],
    by_id: &HashMap<&str, &EvidenceItem>,
    by_item: &HashMap<&str, Vec<&CustodyEntry>>,
    issues: &mut Vec<VerifyIssue>,
) {
    let item_of = |e: &CustodyEntry| {
        e.item_id
            .as_deref()
            .and_then(|id| by_id.get(id))
            .map(|i| ItemRef::from(*i))
    };
    let seq_index: HashMap<i64, &CustodyEntry> = entries.iter().map(|e| (e.seq, e)).collect();
    // An entry whose content was removed when its item was deleted keeps only its place
    // in the chain; anywhere else a redacted entry is an edit.
    let may_be_redacted = |e: &CustodyEntry| {
        e.item_id.as_deref().is_some_and(|id| {
            by_id.get(id).is_some_and(|i| i.deleted_at.is_some())
                && by_item
                    .get(id)
                    .is_some_and(|log| log.iter().any(|x| x.action == "delete"))
        })
    };
    let links: Vec<Link> = entries
        .iter()
        .map(|e| {
            let mut l = Link::from(e);
            if is_redacted(e) && may_be_redacted(e) {
                l.hash_ok = None;
            }
            l
        })
        .collect();
    for p in custody::check_chain(&links) {
        issues.push(match p {
            ChainProblem::Altered { seq } => VerifyIssue::EntryAltered {
                seq,
                item: seq_index.get(&seq).and_then(|e| item_of(e)),
            },
            ChainProblem::Missing { from, to } => VerifyIssue::EntriesMissing {
                from_seq: from,
                to_seq: to,
            },
            ChainProblem::OutOfOrder { seq } => VerifyIssue::EntryOutOfOrder {
                seq,
                item: seq_index.get(&seq).and_then(|e| item_of(e)),
            },
            ChainProblem::BrokenLink { seq } => VerifyIssue::BrokenLink {
                seq,
                item: seq_index.get(&seq).and_then(|e| item_of(e)),
            },
            ChainProblem::BadSequence { seq } => VerifyIssue::BadSequence { seq },
        });
    }
    for e in entries {
        if let Some(id) = &e.item_id {
            if !by_id.contains_key(id.as_str()) {
                issues.push(VerifyIssue::UnknownItemInLog {
                    seq: e.seq,
                    item_id: id.clone(),
                });
            }
        }
    }
}

/// Every item must be recorded by an `add` entry, and its row must carry what its entries
/// say (name, capture time and source, note, tags, case, steps, file, deletion); every
/// tombstone needs a `delete` entry.
fn check_records(
    in_scope: &[&EvidenceItem],
    by_item: &HashMap<&str, Vec<&CustodyEntry>>,
    recorded: &HashMap<&str, Recorded>,
    issues: &mut Vec<VerifyIssue>,
) {
    for item in in_scope {
        let log = by_item
            .get(item.id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let Some(rec) = recorded.get(item.id.as_str()) else {
            issues.push(VerifyIssue::NotLogged {
                item: ItemRef::from(*item),
                action: "add".into(),
            });
            continue;
        };
        for field in row_differences(rec, item) {
            let mut r = ItemRef::from(*item);
            // Named as the log recorded it: a forged name must not name the item.
            if !rec.redacted && !rec.original_name.is_empty() {
                r.original_name = rec.original_name.clone();
            }
            issues.push(VerifyIssue::RecordMismatch {
                item: r,
                field: field.key().into(),
            });
        }
        if item.deleted_at.is_some() && !log.iter().any(|e| e.action == "delete") {
            issues.push(VerifyIssue::NotLogged {
                item: ItemRef::from(*item),
                action: "delete".into(),
            });
        }
    }
}
