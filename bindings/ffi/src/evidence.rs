//! Evidence across the FFI: records mirroring `tuilu_core::evidence`.
//!
//! Reports (verify, bundle check) are results, not errors: a tampered file is an issue in
//! the report naming the item and the step it proves. Issues carry a stable snake_case
//! `kind` (the core's own tag), the fields that apply, and a bilingual message to show.

use tuilu_core::evidence as ev;
use tuilu_core::Lang;

use crate::rules::{mirror_enum, LocalizedText};
use crate::uniffi_support::{int64, Timestamp};

/// How an item reached the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum EvidenceSource {
    /// Captured in the app (camera, screen recording, screenshot).
    Capture,
    /// Imported from an existing file.
    Import,
}
mirror_enum!(EvidenceSource, ev::Source, [Capture, Import]);

/// What the app knows about a new item besides its bytes.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewEvidenceRecord {
    /// The case (an id or an unambiguous prefix).
    pub case_id: String,
    pub source: EvidenceSource,
    /// The step this item proves; must be a step of the case.
    #[uniffi(default = None)]
    pub step_id: Option<String>,
    #[uniffi(default = "")]
    pub note: String,
    #[uniffi(default)]
    pub tags: Vec<String>,
    /// Capture time known to the app; an image's EXIF time takes precedence.
    #[uniffi(default = None)]
    pub captured_at: Option<Timestamp>,
}

/// An evidence item (live, or a tombstone when `deleted_at` is set).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceItemRecord {
    pub id: String,
    pub case_id: String,
    pub step_id: Option<String>,
    /// The step's title when the item was linked, in both languages like every title.
    pub step_title: Option<LocalizedText>,
    pub original_name: String,
    /// Bytes.
    pub size: i64,
    pub media_type: String,
    /// SHA-256 of the bytes, 64 lowercase hex digits.
    pub sha256: String,
    pub captured_at: Option<Timestamp>,
    /// `exif`, `exif_offset` or `caller`; none when the capture time is unknown.
    pub captured_at_source: Option<String>,
    pub imported_at: Timestamp,
    pub source: EvidenceSource,
    pub note: String,
    pub tags: Vec<String>,
    /// Further steps the item proves besides `step_id` (one screenshot for two steps).
    pub also_steps: Vec<EvidenceStepRecord>,
    pub deleted_at: Option<Timestamp>,
}

/// A step an item proves, with its title (`zh / en`) when it was attached.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceStepRecord {
    pub step_id: String,
    pub step_title: Option<String>,
}

impl From<&ev::EvidenceItem> for EvidenceItemRecord {
    fn from(i: &ev::EvidenceItem) -> EvidenceItemRecord {
        EvidenceItemRecord {
            id: i.id.clone(),
            case_id: i.case_id.clone(),
            step_id: i.step_id.clone(),
            step_title: i.step_title.as_deref().map(|t| split_title(t, None)),
            original_name: i.original_name.clone(),
            size: int64(i.size),
            media_type: i.media_type.clone(),
            sha256: i.sha256.clone(),
            captured_at: i.captured_at,
            captured_at_source: i.captured_at_source.clone(),
            imported_at: i.imported_at,
            source: i.source.into(),
            note: i.note.clone(),
            tags: i.tags.clone(),
            also_steps: i
                .also_steps
                .iter()
                .map(|s| EvidenceStepRecord {
                    step_id: s.step_id.clone(),
                    step_title: s.step_title.clone(),
                })
                .collect(),
            deleted_at: i.deleted_at,
        }
    }
}

/// A step title as the evidence store records it (`zh / en`, written by this library and
/// the CLI), split back into its languages. `known` (the step's title in its case, when the
/// caller has it) settles a title whose Chinese half itself contains " / ". A stored text
/// without the separator is used for both languages.
pub(crate) fn split_title(stored: &str, known: Option<&tuilu_core::Text>) -> LocalizedText {
    if let Some(k) = known.filter(|k| format!("{} / {}", k.zh, k.en) == stored) {
        return k.into();
    }
    match stored.split_once(" / ") {
        Some((zh, en)) => LocalizedText {
            zh: zh.to_string(),
            en: en.to_string(),
        },
        None => LocalizedText {
            zh: stored.to_string(),
            en: stored.to_string(),
        },
    }
}

impl EvidenceItemRecord {
    /// Resolves the step title with the steps of the item's case (see [`split_title`]).
    pub(crate) fn with_case(mut self, case: &tuilu_core::vault::CaseView) -> Self {
        if let (Some(step), Some(stored)) = (&self.step_id, &self.step_title) {
            let stored = format!("{} / {}", stored.zh, stored.en);
            let known = case
                .steps
                .iter()
                .chain(&case.dropped_steps)
                .find(|s| &s.id == step);
            self.step_title = Some(split_title(&stored, known.map(|s| &s.title)));
        }
        self
    }
}

/// The result of an add.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddedEvidenceRecord {
    pub item: EvidenceItemRecord,
    /// True when the case already had a live item with these bytes: that item is returned
    /// and no second copy was stored.
    pub duplicate: bool,
    /// When the duplicate was added for a step the item did not prove yet: that step, now
    /// attached to the existing item (recorded in the custody log). Show "already stored,
    /// now also linked to this step".
    pub linked_step: Option<String>,
}

impl From<&ev::Added> for AddedEvidenceRecord {
    fn from(a: &ev::Added) -> AddedEvidenceRecord {
        AddedEvidenceRecord {
            item: (&a.item).into(),
            duplicate: a.duplicate,
            linked_step: a.linked_step.clone(),
        }
    }
}

/// The result of a delete.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeletedEvidenceRecord {
    /// The tombstone.
    pub item: EvidenceItemRecord,
    /// False when another live item (of another case) still uses the same bytes.
    pub file_removed: bool,
}

impl From<&ev::Deleted> for DeletedEvidenceRecord {
    fn from(d: &ev::Deleted) -> DeletedEvidenceRecord {
        DeletedEvidenceRecord {
            item: (&d.item).into(),
            file_removed: d.file_removed,
        }
    }
}

/// Names an item in a report: which file, and which step it proves.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceRefRecord {
    pub id: String,
    pub case_id: String,
    pub original_name: String,
    pub step_id: Option<String>,
    pub step_title: Option<String>,
}

impl From<&ev::ItemRef> for EvidenceRefRecord {
    fn from(r: &ev::ItemRef) -> EvidenceRefRecord {
        EvidenceRefRecord {
            id: r.id.clone(),
            case_id: r.case_id.clone(),
            original_name: r.original_name.clone(),
            step_id: r.step_id.clone(),
            step_title: r.step_title.clone(),
        }
    }
}

/// One problem found by `verify_evidence`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifyIssueRecord {
    /// `missing_file`, `changed_file`, `unreadable_file`, `not_logged`, `record_mismatch`,
    /// `entry_altered`, `entries_missing`, `entry_out_of_order`, `broken_link`,
    /// `bad_sequence`, `unknown_item_in_log`.
    pub kind: String,
    /// The item concerned, when there is one.
    pub item: Option<EvidenceRefRecord>,
    /// The custody log entry concerned (for `entries_missing`: the first missing).
    pub seq: Option<i64>,
    /// For `entries_missing`: the last missing entry.
    pub to_seq: Option<i64>,
    pub expected_sha256: Option<String>,
    pub actual_sha256: Option<String>,
    /// For `record_mismatch`: the field; for `not_logged`: the action.
    pub field: Option<String>,
    /// For `unknown_item_in_log`: the item id the log names.
    pub item_id: Option<String>,
    pub message: LocalizedText,
}

/// The `kind` tag of a serialized issue.
fn kind_of(v: serde_json::Result<serde_json::Value>) -> String {
    v.ok()
        .and_then(|j| j.get("kind").and_then(|k| k.as_str()).map(str::to_string))
        .unwrap_or_default()
}

impl From<&ev::VerifyIssue> for VerifyIssueRecord {
    fn from(i: &ev::VerifyIssue) -> VerifyIssueRecord {
        use ev::VerifyIssue as I;
        let mut r = VerifyIssueRecord {
            kind: kind_of(serde_json::to_value(i)),
            item: None,
            seq: None,
            to_seq: None,
            expected_sha256: None,
            actual_sha256: None,
            field: None,
            item_id: None,
            message: LocalizedText {
                zh: i.message(Lang::Zh),
                en: i.message(Lang::En),
            },
        };
        match i {
            I::MissingFile { item } => r.item = Some(item.into()),
            I::ChangedFile {
                item,
                expected_sha256,
                actual_sha256,
            } => {
                r.item = Some(item.into());
                r.expected_sha256 = Some(expected_sha256.clone());
                r.actual_sha256 = Some(actual_sha256.clone());
            }
            I::UnreadableFile { item, .. } => r.item = Some(item.into()),
            I::NotLogged { item, action } => {
                r.item = Some(item.into());
                r.field = Some(action.clone());
            }
            I::RecordMismatch { item, field } => {
                r.item = Some(item.into());
                r.field = Some(field.clone());
            }
            I::EntryAltered { seq, item }
            | I::EntryOutOfOrder { seq, item }
            | I::BrokenLink { seq, item } => {
                r.seq = Some(*seq);
                r.item = item.as_ref().map(Into::into);
            }
            I::EntriesMissing { from_seq, to_seq } => {
                r.seq = Some(*from_seq);
                r.to_seq = Some(*to_seq);
            }
            I::BadSequence { seq } => r.seq = Some(*seq),
            I::UnknownItemInLog { seq, item_id } => {
                r.seq = Some(*seq);
                r.item_id = Some(item_id.clone());
            }
        }
        r
    }
}

/// The outcome of `verify_evidence`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifyReportRecord {
    /// True when no issue was found.
    pub intact: bool,
    pub checked_at: Timestamp,
    /// The case verified, or none for the whole vault (the custody chain is always
    /// checked whole).
    pub case_id: Option<String>,
    pub items_checked: i64,
    pub bytes_checked: i64,
    pub entries_checked: i64,
    pub issues: Vec<VerifyIssueRecord>,
}

impl From<&ev::VerifyReport> for VerifyReportRecord {
    fn from(r: &ev::VerifyReport) -> VerifyReportRecord {
        VerifyReportRecord {
            intact: r.intact,
            checked_at: r.checked_at,
            case_id: r.case_id.clone(),
            items_checked: int64(r.items_checked),
            bytes_checked: int64(r.bytes_checked),
            entries_checked: int64(r.entries_checked),
            issues: r.issues.iter().map(Into::into).collect(),
        }
    }
}

/// What `export_evidence` wrote.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportReportRecord {
    /// The bundle (the path asked for).
    pub path: String,
    /// SHA-256 of the bundle file (also recorded in the custody log).
    pub sha256: String,
    pub size: i64,
    pub items: i64,
    /// The custody entry recording the export.
    pub custody_seq: i64,
}

impl From<&ev::ExportReport> for ExportReportRecord {
    fn from(r: &ev::ExportReport) -> ExportReportRecord {
        ExportReportRecord {
            path: r.path.to_string_lossy().into_owned(),
            sha256: r.sha256.clone(),
            size: int64(r.size),
            items: int64(r.items),
            custody_seq: r.custody_seq,
        }
    }
}

/// One problem found in a bundle.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BundleIssueRecord {
    /// The core's stable snake_case tag: `missing_required`, `hash_mismatch`,
    /// `missing_file`, `extra_file`, `manifest_mismatch`, `custody_entry_altered`, ...
    pub kind: String,
    /// A path inside the bundle, when the issue is about a file.
    pub path: Option<String>,
    pub item_id: Option<String>,
    pub seq: Option<i64>,
    /// A line of `SHA256SUMS` or of the custody log.
    pub line: Option<i64>,
    pub message: LocalizedText,
}

impl From<&ev::BundleIssue> for BundleIssueRecord {
    fn from(i: &ev::BundleIssue) -> BundleIssueRecord {
        use ev::BundleIssue as B;
        let mut r = BundleIssueRecord {
            kind: kind_of(serde_json::to_value(i)),
            path: None,
            item_id: None,
            seq: None,
            line: None,
            message: LocalizedText {
                zh: i.message(Lang::Zh),
                en: i.message(Lang::En),
            },
        };
        match i {
            B::MissingRequired { path }
            | B::HashMismatch { path, .. }
            | B::MissingFile { path }
            | B::ExtraFile { path }
            | B::UnsafePath { path }
            | B::UnreadableFile { path, .. }
            | B::NotInManifest { path }
            | B::EntryTooLarge { path, .. }
            | B::ZipBomb { path, .. }
            | B::SizeMismatch { path, .. } => r.path = Some(path.clone()),
            B::BadSumsLine { line } | B::BadLogLine { line } => r.line = Some(int64(*line)),
            B::ManifestMismatch { item_id, .. } | B::ItemNotInCustodyLog { item_id } => {
                r.item_id = Some(item_id.clone())
            }
            B::CustodyEntryAltered { seq }
            | B::CustodyEntryOutOfOrder { seq }
            | B::CustodyBrokenLink { seq }
            | B::CustodyBadSequence { seq }
            | B::ForeignCaseEntry { seq } => r.seq = Some(*seq),
            B::CustodyEntriesMissing { from_seq, .. } => r.seq = Some(*from_seq),
            B::BadManifest { .. }
            | B::CustodyHeadMismatch
            | B::TooManyEntries { .. }
            | B::TooLarge { .. }
            | B::DuplicateNames
            | B::HeadersDisagree { .. } => {}
        }
        r
    }
}

/// The outcome of `verify_bundle`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BundleReportRecord {
    pub intact: bool,
    pub case_id: Option<String>,
    /// As written in the manifest (RFC 3339).
    pub exported_at: Option<String>,
    pub items: i64,
    pub files_checked: i64,
    pub bytes_checked: i64,
    pub custody_entries: i64,
    pub issues: Vec<BundleIssueRecord>,
}

impl From<&ev::BundleReport> for BundleReportRecord {
    fn from(r: &ev::BundleReport) -> BundleReportRecord {
        BundleReportRecord {
            intact: r.intact,
            case_id: r.case_id.clone(),
            exported_at: r.exported_at.clone(),
            items: int64(r.items),
            files_checked: int64(r.files_checked),
            bytes_checked: int64(r.bytes_checked),
            custody_entries: int64(r.custody_entries),
            issues: r.issues.iter().map(Into::into).collect(),
        }
    }
}
