//! `tuilu-ffi`: the UniFFI surface of `tuilu-core` for Kotlin, Swift and Python.
//!
//! Namespace `tuilu`. One object, [`TuiluApp`] (the core's application service: a view
//! model per screen, the events, typed [`AppError`] with words for people), the change
//! observer, the phone's time-zone rules ([`TimeZoneRules`]), and for long work a
//! [`ProgressListener`] and a [`CancelToken`]. No panic crosses the boundary: every export
//! runs its work under `catch_unwind` and turns a panic into `AppError::Internal`.
//!
//! - quick work: a blocking method returning a view or `AppError` ([`app`]);
//! - long work: an `async` method (no async runtime needed), running the blocking part
//!   on the core's thread pool (`tuilu_core::jobs`), reporting progress through
//!   [`ProgressListener`] and stopped by an explicit [`CancelToken`] ([`ops`]);
//! - records: one `view_record!` line list per core view makes the UniFFI record and its
//!   conversion; chrono types cross as custom types ([`uniffi_support`]).

uniffi::setup_scaffolding!("tuilu");

pub mod app;
mod callback;
mod cancel;
mod ops;
mod progress;
mod stream;
pub mod uniffi_support;
mod zone;

pub use crate::app::{
    AnswerRecord, AppError, AppSettingsRecord, CaseScreenRecord, ChangeObserver, ChangeRecord,
    HomeViewRecord, Language, QuestionnaireRecord, ReminderSyncRecord, SnoozeChoice, StepAction,
    StepStatus, TuiluApp, ViewContextRecord,
};
pub use crate::callback::CallbackError;
pub use crate::cancel::CancelToken;
pub use crate::progress::ProgressListener;
pub use crate::stream::{
    CaptureTimeRecord, CaptureTimeSource, EvidenceSource, EvidenceSourceError,
};
pub use crate::uniffi_support::{IsoDate, Timestamp};
pub use crate::zone::{beijing_time_zone, fixed_time_zone, TimeZoneRules};

/// The version of the core library, e.g. `0.1.0`.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
