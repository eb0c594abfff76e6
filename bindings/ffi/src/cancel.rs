//! Explicit cancellation. Dropping or cancelling a future on the foreign side does not stop
//! the Rust work (uniffi-rs #2771), so long operations take a [`CancelToken`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Poll, Waker};

use tuilu_core::evidence::CancelFlag;

/// A flag the app sets to stop a long operation. The operation notices it between chunks
/// and fails with the `Cancelled` error. One token may be shared by several operations;
/// it cannot be reset. [`CancelToken::join`] waits until the operations have really ended
/// (their temporary files removed), which the awaiting future alone cannot tell once the
/// app has stopped awaiting it.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    cancelled: AtomicBool,
    /// The core's flags of the operations running with this token: cancelling the token
    /// cancels them at once (the core checks its flag between chunks).
    linked: Mutex<Vec<CancelFlag>>,
    /// How many operations started with this token have not ended yet.
    running: Arc<Running>,
}

/// A count of running operations and the tasks waiting for it to reach zero.
#[derive(Debug, Default)]
struct Running(Mutex<(usize, Vec<Waker>)>);

impl Running {
    fn start(self: &Arc<Self>) -> RunGuard {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).0 += 1;
        RunGuard(Arc::clone(self))
    }
}

/// Counts one operation as running until dropped. Kept by the blocking work itself, so it
/// is dropped when the work has ended, cleanup included, even if nobody awaits it.
#[derive(Debug)]
struct RunGuard(Arc<Running>);

impl Drop for RunGuard {
    fn drop(&mut self) {
        let waiters = {
            let mut state = self.0 .0.lock().unwrap_or_else(|e| e.into_inner());
            state.0 = state.0.saturating_sub(1);
            if state.0 == 0 {
                std::mem::take(&mut state.1)
            } else {
                Vec::new()
            }
        };
        for w in waiters {
            w.wake();
        }
    }
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

#[uniffi::export]
impl CancelToken {
    /// Waits until every operation started with this token has ended: its cleanup is done
    /// (a cancelled evidence add has removed its temporary file, a cancelled export its
    /// partial bundle). Returns at once when none is running. The facades call it after
    /// `cancel()` when the awaiting coroutine or task is cancelled, so a cancelled call
    /// returns only once nothing of it is left.
    pub async fn join(&self) {
        std::future::poll_fn(|cx| {
            let mut state = self.running.0.lock().unwrap_or_else(|e| e.into_inner());
            if state.0 == 0 {
                Poll::Ready(())
            } else {
                if !state.1.iter().any(|w| w.will_wake(cx.waker())) {
                    state.1.push(cx.waker().clone());
                }
                Poll::Pending
            }
        })
        .await
    }
}

/// What a running operation checks: the caller's token, if any, and whether the foreign
/// side has dropped the future (then nobody waits for the result). Both set the
/// operation's own core [`CancelFlag`], which the core's long operations (evidence add,
/// verify, export, bundle check) poll between chunks.
///
/// Clones share one count on the token's [`CancelToken::join`]: the operation counts as
/// running until the last clone is dropped, so move one into the blocking work.
#[derive(Clone, Default)]
pub(crate) struct Cancellation {
    /// This operation's flag: set by the token, by abandonment, and by [`Self::release`].
    flag: CancelFlag,
    _running: Option<Arc<RunGuard>>,
}

impl Cancellation {
    pub(crate) fn new(token: Option<Arc<CancelToken>>) -> Cancellation {
        let flag = CancelFlag::new();
        let running = token.as_ref().map(|t| {
            t.link(&flag);
            Arc::new(t.running.start())
        });
        Cancellation {
            flag,
            _running: running,
        }
    }

    #[cfg(test)]
    fn is_cancelled(&self) -> bool {
        self.flag.is_cancelled()
    }

    /// The core's flag for this operation.
    pub(crate) fn core_flag(&self) -> &CancelFlag {
        &self.flag
    }

    /// Called once the work has ended: lets the token forget this operation.
    pub(crate) fn release(&self) {
        self.flag.cancel();
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
        assert!(!c.is_cancelled());
        token.cancel();
        assert!(c.is_cancelled());
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
    fn join_waits_for_the_work_holding_a_clone() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let token = CancelToken::new();
        rt.block_on(token.join()); // nothing running
        let c = Cancellation::new(Some(token.clone()));
        let work = c.clone();
        drop(c); // the awaiting side is gone; the work goes on
        let ended = Arc::new(AtomicBool::new(false));
        let worker = {
            let ended = ended.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(100));
                ended.store(true, Ordering::SeqCst);
                drop(work);
            })
        };
        token.cancel();
        rt.block_on(token.join());
        assert!(
            ended.load(Ordering::SeqCst),
            "join returned before the work ended"
        );
        worker.join().unwrap();
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
