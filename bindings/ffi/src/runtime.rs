//! The tokio runtime owned by this crate. Long operations run their blocking part on its
//! blocking pool, so they neither block the caller's thread nor depend on the executor the
//! bindings use.
//!
//! Only the blocking pool is used: the awaiting side is the foreign executor (wrapped by
//! UniFFI's tokio support), and a finished blocking task wakes it directly. A current-thread
//! runtime that nobody drives is therefore enough, and it keeps tokio's multi-thread
//! scheduler out of the library (tokio is built with the `rt` feature only).

use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

/// At most this many blocking operations (hashing, import, export) run at once; more wait.
const MAX_BLOCKING_THREADS: usize = 16;

pub(crate) fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Builder::new_current_thread()
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .thread_name("tuilu-core")
            .build()
            .expect("cannot start the tuilu-core runtime")
    })
}
