//! `tuilu-ffi`: the UniFFI surface of `tuilu-core` for Kotlin, Swift and Python.
//!
//! Namespace `tuilu`. One public error type ([`ApiError`]), a few long-lived objects
//! ([`TuiluCore`], later the vault) and plain records. No panic crosses the boundary: every
//! fallible export runs inside [`error::guard`] or [`error::guard_async`].
//!
//! Patterns, to be reused as the core grows:
//! - quick work: a blocking function or method returning `Result<T, ApiError>`;
//! - long work: an `async` method exported with `async_runtime = "tokio"`, running the
//!   blocking part on the crate's own runtime ([`runtime`]), reporting progress through the
//!   foreign trait [`ProgressListener`] and stopped by an explicit [`CancelToken`]
//!   (cancelling a future does not cross the FFI, uniffi-rs #2771);
//! - records: an FFI-owned record per core type with a `From` conversion (see [`pack`]),
//!   so the core keeps no FFI types in its API.

uniffi::setup_scaffolding!("tuilu");

mod cancel;
mod core;
mod error;
pub mod hash;
mod pack;
mod progress;
mod runtime;

pub use crate::cancel::CancelToken;
pub use crate::core::TuiluCore;
pub use crate::error::ApiError;
pub use crate::pack::{
    parse_pack, Channel, FactChoice, FactKind, FactSummary, LocalizedText, PackSummary, StepKind,
    StepSummary,
};
pub use crate::progress::ProgressListener;

/// The version of the core library, e.g. `0.1.0`.
#[uniffi::export]
pub fn core_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
