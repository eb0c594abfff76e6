//! Evidence store: originals kept byte-for-byte under their SHA-256, a metadata row per item,
//! an append-only hash-chained custody log, verification, and export bundles for a dispute.
//!
//! The store borrows the vault's connection and root ([`EvidenceStore::new`]); the vault
//! registers [`SCHEMA_SQL`] as a migration. Every function that needs the time takes `now`.
//! See `docs/evidence.md` for the design, the crash-safety argument and the bundle format.

mod bundle;
pub mod capture;
mod custody;
mod error;
mod export;
mod html;
pub mod media;
mod names;
mod pin;
mod progress;
mod replay;
mod schema;
mod snapshot;
pub mod sniff;
mod store;
mod util;
mod verify;

pub use bundle::{
    verify_bundle, verify_bundle_reader, verify_bundle_with, BundleIssue, BundleReport,
};
pub use capture::{CaptureTime, PlatformTime, PlatformTimeSource};
pub use custody::{canonical_json, CustodyAction, CustodyEntry, CUSTODY_FORMAT, GENESIS_HASH};
pub use error::EvidenceError;
pub use export::{
    BundleLogLine, BundlePreview, ExportOptions, ExportReport, ManifestItem, NoteRef,
    RedactedEntry, WithheldEntry, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION,
};
pub use html::escape as html_escape;
pub use names::{bundle_file_name, sanitize_component, MAX_NAME_BYTES};
pub use pin::{FilesReadLock, PinnedFiles};
pub use progress::{CancelFlag, NoProgress, Progress};
pub use schema::{SCHEMA_SQL, STEP_LINKS_SQL};
pub use snapshot::{
    CaseSnapshot, CaseStory, DeadlineOutcome, DeadlineStory, Disclosure, FactLine, RuleSource,
    StepStory, TimelineEvent, WithheldFact,
};
pub use store::{
    check_item_text, stage_file, stage_import, Added, CaseEvidenceDeleted, Deleted, EvidenceItem,
    EvidenceStore, NewItem, RecoveryReport, Source, StagedImport, StepLink,
};
pub(crate) use store::{delete_case_items, delete_locks};
#[doc(hidden)]
pub use store::{CrashPoint, CRASH_EXIT_CODE};
pub use verify::{ItemRef, VerifyIssue, VerifyReport};
