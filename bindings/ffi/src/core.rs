//! `TuiluCore`: the long-lived entry object. Today it hosts the long-operation pattern
//! (`hash_file`); the vault opened on a directory will follow the same shape.

use std::path::PathBuf;
use std::sync::Arc;

use crate::cancel::{CancelToken, Cancellation};
use crate::error::{guard, guard_async, join, ApiError};
use crate::hash::sha256_file;
use crate::progress::{Progress, ProgressListener};
use crate::runtime::runtime;

/// The entry point of the core. Cheap to create; thread-safe; share one per app.
#[derive(Debug, uniffi::Object)]
pub struct TuiluCore {
    _private: (),
}

#[uniffi::export]
impl TuiluCore {
    #[uniffi::constructor]
    pub fn new() -> Arc<TuiluCore> {
        Arc::new(TuiluCore { _private: () })
    }

    /// Same as `core_version()`.
    pub fn version(&self) -> String {
        crate::core_version()
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl TuiluCore {
    /// SHA-256 of the file at `path`, as 64 lowercase hex digits. Reads in chunks on the
    /// core's worker threads; reports progress in bytes to `listener`; fails with
    /// `Cancelled` once `cancel` is cancelled (or once the awaiting future is dropped).
    /// Errors: `NotFound` (no such file), `InvalidInput` (a directory), `Io`.
    pub async fn hash_file(
        &self,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<String, ApiError> {
        guard_async(async move {
            if path.is_empty() {
                return Err(ApiError::invalid_input("empty path"));
            }
            let cancellation = Cancellation::new(cancel);
            let abandon = cancellation.abandon_on_drop();
            let work = cancellation.clone();
            let handle = runtime().spawn_blocking(move || {
                guard(|| {
                    let path = PathBuf::from(path);
                    let total = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                    let mut progress = Progress::new(listener, total);
                    sha256_file(&path, &mut progress, &work)
                })
            });
            let result = join(handle).await;
            abandon.disarm();
            result
        })
        .await
    }
}
