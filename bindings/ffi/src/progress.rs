//! Progress reporting to the app through a foreign trait.

use std::sync::{Arc, Mutex};

use crate::callback::{CallbackError, LogOnce};

/// Implemented by the app to follow a long operation. Called from a worker thread, never
/// the caller's: implementations must be thread-safe and quick (post to the UI, don't work).
/// `total` is the expected amount (bytes for file work); `done` never decreases and the
/// last call has `done == total`.
/// An exception the listener throws is logged once, on one line, and the operation goes
/// on without further calls to it ([`crate::callback`]).
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    fn on_progress(&self, done: u64, total: u64) -> Result<(), CallbackError>;
}

/// Throttles calls to a listener: the first, about every 1 % after it, and the last.
pub(crate) struct Progress {
    listener: Option<Arc<dyn ProgressListener>>,
    total: u64,
    step: u64,
    /// The last `(done, total)` sent.
    last: Option<(u64, u64)>,
    /// A listener that threw is logged once and called no more.
    failed: LogOnce,
}

impl Progress {
    pub(crate) fn new(listener: Option<Arc<dyn ProgressListener>>, total: u64) -> Progress {
        Progress {
            listener,
            total,
            step: (total / 100).max(1),
            last: None,
            failed: LogOnce::default(),
        }
    }

    /// Reports `done`; calls the listener only when worth it, or when `force` is set.
    pub(crate) fn report(&mut self, done: u64, force: bool) {
        let Some(listener) = &self.listener else {
            return;
        };
        // A file that grows while it is read: keep `done <= total`.
        self.total = self.total.max(done);
        let due = match self.last {
            None => true,
            Some((last, _)) => done > last && (force || done >= last.saturating_add(self.step)),
        };
        if due {
            self.last = Some((done, self.total));
            if self
                .failed
                .check("progress listener", listener.on_progress(done, self.total))
            {
                self.listener = None;
            }
        }
    }

    /// Reports `done` of a `total` the work itself estimates (the core's evidence
    /// operations): the total only grows, and the throttle step follows it.
    pub(crate) fn report_of(&mut self, done: u64, total: u64) {
        if total > self.total {
            self.total = total;
            self.step = (total / 100).max(1);
        }
        self.report(done, false);
    }

    /// The largest of the totals and amounts reported so far.
    pub(crate) fn high_water(&self) -> u64 {
        self.last
            .map_or(self.total, |(done, total)| done.max(total).max(self.total))
    }

    /// The final call, `done == total`.
    pub(crate) fn finish(&mut self, done: u64) {
        self.total = done;
        if let Some(listener) = &self.listener {
            if self.last != Some((done, done)) {
                self.last = Some((done, done));
                let result = listener.on_progress(done, done);
                self.failed.check("progress listener", result);
            }
        }
    }
}

/// The core's [`tuilu_core::evidence::Progress`] over a throttled app listener. The core
/// calls it on the thread doing the work, once per chunk.
pub(crate) struct CoreProgress {
    inner: Mutex<Progress>,
}

impl CoreProgress {
    pub(crate) fn new(listener: Option<Arc<dyn ProgressListener>>) -> CoreProgress {
        CoreProgress {
            inner: Mutex::new(Progress::new(listener, 0)),
        }
    }

    /// The last call, `done == total`, once the work succeeded.
    pub(crate) fn finish(&self) {
        let mut p = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let all = p.high_water();
        p.finish(all);
    }
}

impl tuilu_core::evidence::Progress for CoreProgress {
    fn on_progress(&self, done: u64, total: u64) {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .report_of(done, total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Record(Mutex<Vec<(u64, u64)>>);
    impl ProgressListener for Record {
        fn on_progress(&self, done: u64, total: u64) -> Result<(), CallbackError> {
            self.0.lock().unwrap().push((done, total));
            Ok(())
        }
    }

    #[test]
    fn throttles_to_about_a_hundred_calls() {
        let rec = Arc::new(Record::default());
        let mut p = Progress::new(Some(rec.clone()), 1_000_000);
        p.report(0, false);
        for done in (1..=1_000_000).step_by(1000) {
            p.report(done, false);
        }
        p.finish(1_000_000);
        let calls = rec.0.lock().unwrap();
        assert!(calls.len() <= 102, "{} calls", calls.len());
        assert_eq!(calls.first(), Some(&(0, 1_000_000)));
        assert_eq!(calls.last(), Some(&(1_000_000, 1_000_000)));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn core_progress_grows_its_total_and_ends_at_it() {
        use tuilu_core::evidence::Progress as _;
        let rec = Arc::new(Record::default());
        let p = CoreProgress::new(Some(rec.clone()));
        p.on_progress(0, 1000);
        for done in (10..=1000).step_by(10) {
            p.on_progress(done, 1000);
        }
        p.finish();
        let calls = rec.0.lock().unwrap();
        assert!(calls.len() <= 102, "{} calls", calls.len());
        assert_eq!(calls.first(), Some(&(0, 1000)));
        assert_eq!(calls.last(), Some(&(1000, 1000)));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
    }

    /// Throws on every call.
    #[derive(Default)]
    struct Throws(Mutex<u32>);
    impl ProgressListener for Throws {
        fn on_progress(&self, _done: u64, _total: u64) -> Result<(), CallbackError> {
            *self.0.lock().unwrap() += 1;
            Err(CallbackError::Failed {
                detail: "boom".into(),
            })
        }
    }

    #[test]
    fn a_listener_that_throws_is_called_no_more() {
        let rec = Arc::new(Throws::default());
        let mut p = Progress::new(Some(rec.clone()), 1000);
        for done in (0..=1000).step_by(10) {
            p.report(done, false);
        }
        p.finish(1000);
        assert_eq!(*rec.0.lock().unwrap(), 1);
    }

    #[test]
    fn empty_work_reports_zero_of_zero() {
        let rec = Arc::new(Record::default());
        let mut p = Progress::new(Some(rec.clone()), 0);
        p.report(0, false);
        p.finish(0);
        assert_eq!(*rec.0.lock().unwrap(), vec![(0, 0)]);
    }
}
