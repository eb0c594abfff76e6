//! The tokio runtime owned by this crate. Long operations run their blocking part here, so
//! they neither block the caller's thread nor depend on the executor the bindings use.

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

/// Threads that drive async work; blocking work goes to the blocking pool.
const WORKER_THREADS: usize = 2;
/// At most this many blocking operations (hashing, import, export) run at once; more wait.
const MAX_BLOCKING_THREADS: usize = 16;

pub(crate) fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .thread_name("tuilu-core")
            .enable_time()
            .build()
            .expect("cannot start the tuilu-core runtime")
    })
}
