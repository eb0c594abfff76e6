//! `tuilu-ffi`: the UniFFI surface of `tuilu-core` for Kotlin, Swift and Python.
//!
//! Namespace `tuilu`. One public error type ([`ApiError`]), a few long-lived objects
//! ([`TuiluCore`], opened on the vault directory; [`CancelToken`]) and plain records. No panic crosses the boundary: every
//! fallible export runs inside [`error::guard`] or [`error::guard_async`].
//!
//! Patterns, to be reused as the core grows:
//! - quick work: a blocking function or method returning `Result<T, ApiError>`;
//! - long work: an `async` method exported with `async_runtime = "tokio"`, running the
//!   blocking part on the crate's own runtime ([`runtime`]), reporting progress through the
//!   foreign trait [`ProgressListener`] and stopped by an explicit [`CancelToken`]
//!   (cancelling a future does not cross the FFI, uniffi-rs #2771);
//! - records: an FFI-owned record per core type with a `From` conversion (see [`rules`],
//!   [`plan`], [`calendar`]), so the core keeps no FFI types in its API;
//! - chrono types cross as UniFFI custom types ([`uniffi_support`]): `Timestamp` (an
//!   instant) and `IsoDate` (`YYYY-MM-DD`).

uniffi::setup_scaffolding!("tuilu");

pub mod app;
#[cfg(feature = "backup")]
pub mod backup;
pub mod calendar;
mod cancel;
pub mod cases;
mod core;
mod error;
pub mod evidence;
pub mod facts;
pub mod flags;
pub mod hash;
pub mod plan;
mod progress;
pub mod reminders;
pub mod rules;
mod runtime;
pub mod uniffi_support;
mod vault_api;

pub use crate::app::{
    AnswerRecord, AppError, AppSettingsRecord, CaseScreenRecord, ChangeObserver, ChangeRecord,
    HomeViewRecord, QuestionnaireRecord, ReminderSyncRecord, TuiluApp, ViewContextRecord,
};
#[cfg(feature = "backup")]
pub use crate::backup::{
    BackupCountsRecord, BackupCreatedRecord, BackupInspectRecord, BackupManifestRecord,
    BackupRestoredRecord, LastBackupRecord, BACKUP_ERROR_PREFIX,
};
pub use crate::calendar::{
    CalendarProblemRecord, CalendarStatusRecord, DataSource, DateResultRecord, DayInfoRecord,
    DayKind, DeadlineRecord, EstimateKind, EstimateReasonRecord, WorkingDayCountRecord,
    YearStatusRecord,
};
pub use crate::cancel::CancelToken;
pub use crate::cases::{
    CaseBlockerRecord, CaseEventRecord, CaseProgressRecord, CaseRecord, CaseSummaryRecord,
    NextDeadlineRecord, ReplanReportRecord, StepAction, StepChangeRecord, StepRecord,
    StepRefRecord, StepRouteRecord, StepStatus, TransitionOptionsRecord, TransitionRecord,
};
pub use crate::core::TuiluCore;
pub use crate::error::{ApiError, VAULT_TOO_NEW};
pub use crate::evidence::{
    AddedEvidenceRecord, BundleIssueRecord, BundleReportRecord, DeletedEvidenceRecord,
    EvidenceItemRecord, EvidenceRefRecord, EvidenceSource, ExportReportRecord, NewEvidenceRecord,
    VerifyIssueRecord, VerifyReportRecord,
};
pub use crate::facts::{Fact, FactValue};
pub use crate::plan::{
    AmountRecord, Applicability, BlockerRecord, DurationRecord, EvidenceHintRecord, NoticeRecord,
    PlanRecord, PlanStepRecord, PlannedDeadlineRecord, QuestionRecord, RouteRecord,
    ScheduledPlanRecord, SourceRecord,
};
pub use crate::progress::ProgressListener;
pub use crate::reminders::{
    beijing_time_zone, default_reminder_settings, fixed_time_zone, Language, MissedReminderRecord,
    QuietHoursRecord, ReminderDiffRecord, ReminderKind, ReminderRecord, ReminderSettingsRecord,
    SnoozeChoice, SnoozedRecord, TimeZoneRules,
};
pub use crate::rules::{
    check_pack, Channel, Confidence, DurationUnit, FactChoice, FactInfo, FactKind, LocalizedText,
    PackCheckRecord, PackIssueRecord, ScenarioInfo, Severity, StepKind,
};
pub use crate::uniffi_support::{IsoDate, Timestamp};

/// The version of the core library, e.g. `0.1.0`.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
