//! Explicit cancellation. Dropping or cancelling a future on the foreign side does not stop
//! the Rust work (uniffi-rs #2771), so long operations take a [`CancelToken`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::error::ApiError;

/// A flag the app sets to stop a long operation. The operation notices it between chunks
/// and fails with the `Cancelled` error. One token may be shared by several operations;
/// it cannot be reset.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    cancelled: AtomicBool,
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
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// What a running operation checks: the caller's token, if any, and whether the foreign
/// side has dropped the future (then nobody waits for the result).
#[derive(Clone, Default)]
pub(crate) struct Cancellation {
    token: Option<Arc<CancelToken>>,
    abandoned: Arc<AtomicBool>,
}

impl Cancellation {
    pub(crate) fn new(token: Option<Arc<CancelToken>>) -> Cancellation {
        Cancellation {
            token,
            abandoned: Arc::new(AtomicBool::new(false)),
        }
    }

    pub(crate) fn is_cancelled(&self) -> bool {
        self.abandoned.load(Ordering::SeqCst)
            || self.token.as_ref().is_some_and(|t| t.is_cancelled())
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
            flag: Some(self.abandoned.clone()),
        }
    }
}

pub(crate) struct AbandonOnDrop {
    flag: Option<Arc<AtomicBool>>,
}

impl AbandonOnDrop {
    pub(crate) fn disarm(mut self) {
        self.flag = None;
    }
}

impl Drop for AbandonOnDrop {
    fn drop(&mut self) {
        if let Some(flag) = self.flag.take() {
            flag.store(true, Ordering::SeqCst);
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
