//! What the app's callbacks may throw. A foreign method that throws an exception its
//! Rust trait does not declare makes UniFFI panic (a Rust panic message and a backtrace
//! in the log, every time). The callbacks that return nothing ([`ProgressListener`],
//! [`ChangeObserver`]) therefore declare [`CallbackError`]: any exception arrives as it,
//! and the library logs the first one of each callback on one line ([`LogOnce`]) and
//! carries on. Implementations need not declare it (a Kotlin `override` or a Swift
//! non-throwing method still conforms).
//!
//! [`ProgressListener`]: crate::progress::ProgressListener
//! [`ChangeObserver`]: crate::app::ChangeObserver

use std::sync::atomic::{AtomicBool, Ordering};

/// An exception thrown by the app's callback; `detail` is its text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum CallbackError {
    #[error("{detail}")]
    Failed { detail: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for CallbackError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> CallbackError {
        CallbackError::Failed { detail: e.reason }
    }
}

/// Logs the first failure of one callback, on one line, and stays quiet after it.
#[derive(Debug, Default)]
pub(crate) struct LogOnce(AtomicBool);

impl LogOnce {
    /// Logs `result`'s error the first time there is one; true when it failed.
    pub(crate) fn check(&self, what: &str, result: Result<(), CallbackError>) -> bool {
        let Err(e) = result else {
            return false;
        };
        if !self.0.swap(true, Ordering::Relaxed) {
            eprintln!("{}", line(what, &e));
        }
        true
    }
}

/// The log line: what threw and its message, on one line.
fn line(what: &str, e: &CallbackError) -> String {
    let message: String = e
        .to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(300)
        .collect();
    format!("tuilu: the app's {what} threw: {message} (further failures are not logged)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_is_one_line_and_logged_once() {
        let e = CallbackError::Failed {
            detail: "java.lang.IllegalStateException: boom\n\tat Foo.bar(Foo.kt:3)".into(),
        };
        let l = line("progress listener", &e);
        assert!(!l.contains('\n'), "{l}");
        assert!(l.starts_with("tuilu: the app's progress listener threw: java.lang"));
        let once = LogOnce::default();
        assert!(!once.check("x", Ok(())));
        assert!(!once.0.load(Ordering::Relaxed));
        assert!(once.check("x", Err(e.clone())));
        assert!(once.0.load(Ordering::Relaxed));
        assert!(once.check("x", Err(e)));
    }
}
