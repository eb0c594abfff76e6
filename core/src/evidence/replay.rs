//! An item's metadata as its custody entries tell it, for checking the row (or a bundle's
//! manifest) against the log.
//!
//! Every change to what a reader relies on is an entry: `add` records the file (hash,
//! size), its name, capture time and its source, note, tags, case and step; `link`
//! (`"attached": true` adds a step, otherwise it replaces every step), `unlink` and
//! `annotate` (note and/or tags) change them; `delete` tombstones the item. Replaying an
//! item's entries in order gives the metadata its row must carry.

use std::collections::HashMap;

use serde_json::Value;

use super::custody::CustodyEntry;
use super::store::EvidenceItem;
use super::util::{fmt_time, parse_time};
use crate::Lang;

/// The `details` of an entry whose content was removed when its item was deleted (the
/// entry keeps its place and hash in the chain; see `docs/evidence.md`).
pub(crate) const REDACTED_DETAILS: &str = r#"{"redacted":true}"#;

/// Whether an entry's content was removed when its item was deleted.
pub(crate) fn is_redacted(e: &CustodyEntry) -> bool {
    e.details == REDACTED_DETAILS
}

/// A piece of an item's metadata that the custody log vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Case,
    Sha256,
    Size,
    Name,
    CapturedAt,
    CapturedAtSource,
    Note,
    Tags,
    Step,
    AlsoSteps,
    Deleted,
}

impl Field {
    /// The stable key used in reports (`--json`).
    pub fn key(self) -> &'static str {
        match self {
            Field::Case => "case_id",
            Field::Sha256 => "sha256",
            Field::Size => "size",
            Field::Name => "original_name",
            Field::CapturedAt => "captured_at",
            Field::CapturedAtSource => "captured_at_source",
            Field::Note => "note",
            Field::Tags => "tags",
            Field::Step => "step_id",
            Field::AlsoSteps => "also_steps",
            Field::Deleted => "deleted",
        }
    }
}

/// The field a report key names, in words (`key` as given by [`Field::key`]; any other
/// key is shown as it is).
pub(crate) fn field_words(key: &str, lang: Lang) -> String {
    let (zh, en) = match key {
        "case_id" => ("所属案件", "the case it belongs to"),
        "sha256" => ("文件指纹（SHA-256）", "the file's fingerprint (SHA-256)"),
        "size" => ("文件大小", "the file size"),
        "original_name" => ("文件名", "the file name"),
        "captured_at" => ("拍摄时间", "the capture time"),
        "captured_at_source" => ("拍摄时间的来源", "where the capture time came from"),
        "note" => ("备注", "the note"),
        "tags" => ("标签", "the tags"),
        "step_id" => ("所证明的步骤", "the step it proves"),
        "also_steps" => ("另外证明的步骤", "the further steps it proves"),
        "deleted" => ("删除状态", "whether it was deleted"),
        other => return other.to_string(),
    };
    match lang {
        Lang::Zh => zh.to_string(),
        Lang::En => en.to_string(),
    }
}

/// What the log says about one item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub case_id: String,
    pub sha256: Option<String>,
    pub size: Option<u64>,
    pub original_name: String,
    pub captured_at: Option<String>,
    pub captured_at_source: Option<String>,
    pub note: String,
    pub tags: Vec<String>,
    pub step_id: Option<String>,
    pub also_steps: Vec<String>,
    pub deleted: bool,
    /// Some of its entries were redacted (a deleted item): only the case, the file and the
    /// deletion are known.
    pub redacted: bool,
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn opt_string(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

/// Replays one item's entries (in `seq` order). `None` when no `add` entry records it.
pub(crate) fn replay<'a>(entries: impl IntoIterator<Item = &'a CustodyEntry>) -> Option<Recorded> {
    let mut r: Option<Recorded> = None;
    for e in entries {
        if e.action == "add" && r.is_none() {
            let mut rec = Recorded {
                case_id: e.case_id.clone(),
                step_id: e.step_id.clone(),
                ..Recorded::default()
            };
            if is_redacted(e) {
                rec.redacted = true;
            } else {
                let d = e.details_json();
                rec.sha256 = opt_string(&d["sha256"]);
                rec.size = d["size"].as_u64();
                rec.original_name = d["original_name"].as_str().unwrap_or_default().into();
                rec.captured_at = opt_string(&d["captured_at"]);
                rec.captured_at_source = opt_string(&d["captured_at_source"]);
                rec.note = d["note"].as_str().unwrap_or_default().into();
                rec.tags = strings(&d["tags"]);
            }
            r = Some(rec);
            continue;
        }
        let Some(rec) = r.as_mut() else { continue };
        if is_redacted(e) {
            rec.redacted = true;
            if e.action == "delete" {
                rec.deleted = true;
            }
            continue;
        }
        let d = e.details_json();
        match e.action.as_str() {
            "link" if d["attached"] == Value::Bool(true) => match (&rec.step_id, &e.step_id) {
                (None, Some(s)) => rec.step_id = Some(s.clone()),
                (Some(_), Some(s)) => rec.also_steps.push(s.clone()),
                _ => {}
            },
            "link" => {
                rec.step_id = e.step_id.clone();
                rec.also_steps.clear();
            }
            "unlink" => {
                rec.step_id = None;
                rec.also_steps.clear();
            }
            "annotate" => {
                if let Some(n) = d["note"].as_str() {
                    rec.note = n.to_string();
                }
                if d["tags"].is_array() {
                    rec.tags = strings(&d["tags"]);
                }
            }
            "delete" => {
                rec.deleted = true;
                if let Some(s) = d["sha256"].as_str() {
                    rec.sha256 = Some(s.to_string());
                }
                if let Some(n) = d["size"].as_u64() {
                    rec.size = Some(n);
                }
            }
            _ => {}
        }
    }
    r
}

/// An item's metadata as a row or a manifest shows it.
pub(crate) struct Shown<'a> {
    pub case_id: &'a str,
    pub sha256: &'a str,
    pub size: u64,
    pub original_name: &'a str,
    pub captured_at: Option<&'a str>,
    pub captured_at_source: Option<&'a str>,
    pub note: &'a str,
    pub tags: &'a [String],
    pub step_id: Option<&'a str>,
    pub also_steps: Vec<&'a str>,
    pub deleted: bool,
}

fn sorted(v: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<String> {
    let mut out: Vec<String> = v.into_iter().map(|s| s.as_ref().to_string()).collect();
    crate::sort::sort(&mut out);
    out
}

/// Capture times compared as instants (a row keeps them as text; an unreadable one never
/// matches).
fn same_time(a: Option<&str>, b: Option<&str>) -> bool {
    let norm = |t: Option<&str>| t.map(|s| parse_time(s).map(fmt_time).ok_or(()));
    match (norm(a), norm(b)) {
        (None, None) => true,
        (Some(Ok(x)), Some(Ok(y))) => x == y,
        _ => false,
    }
}

/// The custody entries of each item, in log order, by item id.
pub(crate) fn entries_by_item(log: &[CustodyEntry]) -> HashMap<&str, Vec<&CustodyEntry>> {
    let mut by_item: HashMap<&str, Vec<&CustodyEntry>> = HashMap::new();
    for e in log {
        if let Some(id) = &e.item_id {
            by_item.entry(id.as_str()).or_default().push(e);
        }
    }
    by_item
}

/// The fields where the vault's row of `item` disagrees with `rec` ([`differences`]).
pub(crate) fn row_differences(rec: &Recorded, item: &EvidenceItem) -> Vec<Field> {
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
    differences(rec, &shown)
}

/// The fields where `shown` disagrees with `rec`, in a fixed order. A deleted item's
/// name, note and steps were removed on purpose and are not compared.
pub(crate) fn differences(rec: &Recorded, shown: &Shown<'_>) -> Vec<Field> {
    let mut out = Vec::new();
    if rec.case_id != shown.case_id {
        out.push(Field::Case);
    }
    if rec.sha256.as_deref().is_some_and(|s| s != shown.sha256) {
        out.push(Field::Sha256);
    }
    if rec.size.is_some_and(|n| n != shown.size) {
        out.push(Field::Size);
    }
    if rec.deleted != shown.deleted {
        out.push(Field::Deleted);
    }
    if rec.deleted || rec.redacted {
        return out;
    }
    if rec.original_name != shown.original_name {
        out.push(Field::Name);
    }
    if !same_time(rec.captured_at.as_deref(), shown.captured_at) {
        out.push(Field::CapturedAt);
    }
    if rec.captured_at_source.as_deref() != shown.captured_at_source {
        out.push(Field::CapturedAtSource);
    }
    if rec.note != shown.note {
        out.push(Field::Note);
    }
    if sorted(&rec.tags) != sorted(shown.tags) {
        out.push(Field::Tags);
    }
    if rec.step_id.as_deref() != shown.step_id {
        out.push(Field::Step);
    }
    if sorted(&rec.also_steps) != sorted(&shown.also_steps) {
        out.push(Field::AlsoSteps);
    }
    out
}
