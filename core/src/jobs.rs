//! A small pool for blocking work that a caller awaits: the FFI runs its long operations
//! (evidence add, verify, export, backup) on it, so they neither block the caller's thread
//! nor depend on the executor the bindings use; the awaiting side is the foreign executor,
//! which a finished job wakes directly.
//!
//! A few dozen lines of std threads instead of tokio's blocking pool: the library needs no
//! reactor, timer or scheduler, and tokio with `async_compat` cost about 0.1 MB of the
//! phone library (docs/bindings.md#size).

use std::collections::VecDeque;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};

/// At most this many blocking operations (hashing, import, export) run at once; more wait.
const MAX_BLOCKING_THREADS: usize = 16;

type Job = Box<dyn FnOnce() + Send>;

/// Queued jobs and how many threads are running them.
static POOL: Mutex<(VecDeque<Job>, usize)> = Mutex::new((VecDeque::new(), 0));

/// Why a job gave no value.
#[derive(Debug, PartialEq, Eq)]
pub enum JobError {
    /// The job panicked.
    Panicked,
    /// The job never ran (no thread could be started for it).
    Lost,
}

/// Runs `work` on the pool; the returned future resolves to its result. Dropping the
/// future does not stop the work (like `tokio::task::spawn_blocking`).
pub fn spawn_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> JobHandle<T> {
    let slot = Arc::new(Mutex::new(Slot {
        result: None,
        waker: None,
        done: false,
    }));
    let sender = Sender(slot.clone());
    submit(Box::new(move || {
        let result = catch_unwind(AssertUnwindSafe(work)).map_err(|_| JobError::Panicked);
        sender.send(result);
    }));
    JobHandle(slot)
}

fn submit(job: Job) {
    let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    pool.0.push_back(job);
    if pool.1 >= MAX_BLOCKING_THREADS {
        return; // a running thread takes it when it is free
    }
    let started = std::thread::Builder::new()
        .name("tuilu-core".into())
        .spawn(worker);
    match started {
        Ok(_) => pool.1 += 1,
        // With no thread running, the queue would wait for ever: drop its jobs (outside
        // the lock), which resolves their futures as `Lost`.
        Err(_) if pool.1 == 0 => {
            let lost = std::mem::take(&mut pool.0);
            drop(pool);
            drop(lost);
        }
        // A running thread takes the job when it is free.
        Err(_) => {}
    }
}

/// Takes jobs until none is queued, then ends.
fn worker() {
    loop {
        let job = {
            let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
            match pool.0.pop_front() {
                Some(job) => job,
                None => {
                    pool.1 -= 1;
                    return;
                }
            }
        };
        // The job catches its own panic; this keeps the thread count right regardless.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

struct Slot<T> {
    result: Option<Result<T, JobError>>,
    waker: Option<Waker>,
    /// A result was put (and perhaps already taken by the future).
    done: bool,
}

/// The job's end of the slot. Dropped without a value (the job never ran), it resolves the
/// future as [`JobError::Lost`].
struct Sender<T>(Arc<Mutex<Slot<T>>>);

impl<T> Sender<T> {
    fn send(self, result: Result<T, JobError>) {
        self.put(result);
    }

    fn put(&self, result: Result<T, JobError>) {
        let waker = {
            let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.done {
                return;
            }
            slot.done = true;
            slot.result = Some(result);
            slot.waker.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        self.put(Err(JobError::Lost));
    }
}

/// Resolves to the job's result once it has ended.
pub struct JobHandle<T>(Arc<Mutex<Slot<T>>>);

impl<T> Future for JobHandle<T> {
    type Output = Result<T, JobError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.result.take() {
            Some(r) => Poll::Ready(r),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;
    use std::task::Wake;
    use std::thread::Thread;

    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            match f.as_mut().poll(&mut cx) {
                Poll::Ready(v) => return v,
                Poll::Pending => std::thread::park(),
            }
        }
    }

    #[test]
    fn a_job_returns_its_value_and_a_panic_is_reported() {
        assert_eq!(block_on(spawn_blocking(|| 6 * 7)), Ok(42));
        assert_eq!(
            block_on(spawn_blocking(|| -> u8 { panic!("boom") })),
            Err(JobError::Panicked)
        );
    }

    #[test]
    fn more_jobs_than_threads_all_finish() {
        let handles: Vec<_> = (0..3 * MAX_BLOCKING_THREADS)
            .map(|i| {
                spawn_blocking(move || {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    i
                })
            })
            .collect();
        let got: Vec<usize> = handles.into_iter().map(|h| block_on(h).unwrap()).collect();
        assert_eq!(got, (0..3 * MAX_BLOCKING_THREADS).collect::<Vec<_>>());
        assert!(POOL.lock().unwrap().1 <= MAX_BLOCKING_THREADS);
    }
}
