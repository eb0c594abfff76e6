//! Progress reporting and cancellation for long operations.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Receives progress of a long operation (import, export, verify) in bytes.
///
/// `total` is the best estimate known when the call is made; `done` never decreases. Called
/// at most once per 1 MiB chunk, on the thread doing the work.
pub trait Progress {
    fn on_progress(&self, done: u64, total: u64);
}

/// A [`Progress`] that ignores every report.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn on_progress(&self, _done: u64, _total: u64) {}
}

impl<F: Fn(u64, u64)> Progress for F {
    fn on_progress(&self, done: u64, total: u64) {
        self(done, total)
    }
}

/// A cloneable cancellation flag. Cancelling is checked between chunks; a cancelled
/// operation returns [`EvidenceError::Cancelled`](super::EvidenceError::Cancelled) and leaves
/// nothing behind.
#[derive(Debug, Clone, Default)]
pub struct CancelFlag(Arc<AtomicBool>);

impl CancelFlag {
    pub fn new() -> CancelFlag {
        CancelFlag::default()
    }

    /// Asks every operation holding a clone of this flag to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
