//! Explicit cancellation. Dropping or cancelling a future on the foreign side does not stop
//! the Rust work (uniffi-rs #2771), so long operations take a [`CancelToken`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tuilu_core::evidence::CancelFlag;

use crate::error::ApiError;

/// A flag the app sets to stop a long operation. The operation notices it between chunks
/// and fails with the `Cancelled` error. One token may be shared by several operations;
/// it cannot be reset.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    cancelled: AtomicBool,
    /// The core's flags of the operations running with this token: cancelling the token
    /// cancels them at once (the core checks its flag between chunks).
    linked: Mutex<Vec<CancelFlag>>,
}

impl CancelToken {
    /// Links an operation's core flag to this token (cancelled at once if the token is).
    /// Flags already set (finished or cancelled operations) are dropped from the list.
    fn link(&self, flag: &CancelFlag) {
        let mut linked = self.linked.lock().unwrap_or_else(|e| e.into_inner());
        linked.retain(|f| !f.is_cancelled());
        if self.is_cancelled() {
            flag.cancel();
        } else {
            linked.push(flag.clone());
        }
    }
}

#[uniffi::export]
impl CancelToken {
    #[uniffi::constructor]
    pub fn new() -> Arc<CancelToken> {
        Arc::new(CancelToken::default())
    }

    /// Asks every operation holding this token to stop. Idempotent.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
        let linked = std::mem::take(&mut *self.linked.lock().unwrap_or_else(|e| e.into_inner()));
        for flag in linked {
            flag.cancel();
        }
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// What a running operation checks: the caller's token, if any, and whether the foreign
/// side has dropped the future (then nobody waits for the result). Both set the
/// operation's own core [`CancelFlag`], which the core's long operations (evidence add,
/// verify, export, bundle check) poll between chunks.
#[derive(Clone, Default)]
pub(crate) struct Cancellation {
    token: Option<Arc<CancelToken>>,
    /// This operation's flag: set by the token, by abandonment, and by [`Self::release`].
    flag: CancelFlag,
}

impl Cancellation {
    pub(crate) fn new(token: Option<Arc<CancelToken>>) -> Cancellation {
        let flag = CancelFlag::new();
        if let Some(t) = &token {
            t.link(&flag);
        }
        Cancellation { token, flag }
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.flag.is_cancelled() || self.token.as_ref().is_some_and(|t| t.is_cancelled())
    }

    /// The core's flag for this operation.
    pub(crate) fn core_flag(&self) -> &CancelFlag {
        &self.flag
    }

    /// Called once the work has ended: lets the token forget this operation.
    pub(crate) fn release(&self) {
        self.flag.cancel();
    }

    /// `Err(Cancelled)` once cancelled; call between units of work.
    pub(crate) fn check(&self) -> Result<(), ApiError> {
        if self.is_cancelled() {
            Err(ApiError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// A guard that marks the work abandoned when dropped before [`AbandonOnDrop::disarm`]:
    /// keep it in the future that awaits the work.
    pub(crate) fn abandon_on_drop(&self) -> AbandonOnDrop {
        AbandonOnDrop {
            flag: Some(self.flag.clone()),
        }
    }
}

pub(crate) struct AbandonOnDrop {
    flag: Option<CancelFlag>,
}

impl AbandonOnDrop {
    pub(crate) fn disarm(mut self) {
        self.flag = None;
    }
}

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = self.flag.take() {
            flag.cancel();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_cancels() {
        let token = CancelToken::new();
        let c = Cancellation::new(Some(token.clone()));
        assert!(c.check().is_ok());
        token.cancel();
        assert_eq!(c.check(), Err(ApiError::Cancelled));
        assert!(c.core_flag().is_cancelled());
    }

    #[test]
    fn a_cancelled_token_cancels_new_operations_and_forgets_finished_ones() {
        let token = CancelToken::new();
        let done = Cancellation::new(Some(token.clone()));
        done.release();
        let running = Cancellation::new(Some(token.clone()));
        assert_eq!(token.linked.lock().unwrap().len(), 1);
        token.cancel();
        assert!(running.core_flag().is_cancelled());
        let late = Cancellation::new(Some(token));
        assert!(late.core_flag().is_cancelled());
    }

    #[test]
    fn dropping_the_guard_abandons() {
        let c = Cancellation::new(None);
        let g = c.abandon_on_drop();
        assert!(!c.is_cancelled());
        drop(g);
        assert!(c.is_cancelled());

        let c = Cancellation::new(None);
        c.abandon_on_drop().disarm();
        assert!(!c.is_cancelled());
    }
}
