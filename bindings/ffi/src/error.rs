//! The one public error type, and the guards that keep panics on the Rust side.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::Poll;

/// Errors seen by the apps. Variants are coarse and stable; `detail` is English for logs and
/// developers, never shown as is, and never carries personal data (no paths, file names,
/// fact values or case contents).
// The field is `detail`, not `message`: that clashes with `Throwable.message` in Kotlin.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum ApiError {
    /// The caller passed something unusable (malformed pack, bad argument).
    #[error("invalid input: {detail}")]
    InvalidInput { detail: String },
    /// The thing asked for does not exist (file, case, evidence item).
    #[error("not found: {detail}")]
    NotFound { detail: String },
    /// The request conflicts with the current state (already exists, wrong step state).
    #[error("conflict: {detail}")]
    Conflict { detail: String },
    /// The database failed or is corrupt.
    #[error("storage error: {detail}")]
    Storage { detail: String },
    /// A file-system or I/O error other than "not found".
    #[error("I/O error: {detail}")]
    Io { detail: String },
    /// The operation was cancelled through its CancelToken.
    #[error("cancelled")]
    Cancelled,
    /// A bug: a panic or a broken invariant inside the library.
    #[error("internal error: {detail}")]
    Internal { detail: String },
}

impl ApiError {
    pub(crate) fn invalid_input(message: impl Into<String>) -> ApiError {
        ApiError::InvalidInput {
            detail: message.into(),
        }
    }

    pub(crate) fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::NotFound {
            detail: message.into(),
        }
    }

    pub(crate) fn internal(message: impl Into<String>) -> ApiError {
        ApiError::Internal {
            detail: message.into(),
        }
    }

    /// The error that replaces a panic. The panic's payload is dropped on purpose: it may
    /// quote a path or a value.
    pub(crate) fn panicked() -> ApiError {
        ApiError::internal("unexpected panic in the core library")
    }
}

/// I/O errors keep only their kind: the OS message often quotes the path.
impl From<std::io::Error> for ApiError {
    fn from(e: std::io::Error) -> ApiError {
        use std::io::ErrorKind;
        match e.kind() {
            ErrorKind::NotFound => ApiError::NotFound {
                detail: "file or directory not found".into(),
            },
            ErrorKind::PermissionDenied => ApiError::Io {
                detail: "permission denied".into(),
            },
            ErrorKind::Interrupted => ApiError::Cancelled,
            kind => ApiError::Io {
                detail: kind.to_string(),
            },
        }
    }
}

/// A fact that cannot be used. The fact id is kept (it comes from the pack, not from the
/// person); the value is not.
impl From<tuilu_core::FactError> for ApiError {
    fn from(e: tuilu_core::FactError) -> ApiError {
        use tuilu_core::FactError;
        match e {
            FactError::Unknown { scenario, fact, .. } => {
                ApiError::invalid_input(format!("unknown fact `{fact}` for scenario `{scenario}`"))
            }
            FactError::WrongType { fact, expected, .. } => ApiError::invalid_input(format!(
                "invalid value for fact `{fact}`: expected {expected}"
            )),
        }
    }
}

/// An invalid rule pack: how many problems, and where the first one is (a path inside the
/// pack and the line, never the text).
impl From<tuilu_core::PackError> for ApiError {
    fn from(e: tuilu_core::PackError) -> ApiError {
        let n = e.issues.len();
        let first = e.issues.first().map(|i| {
            let mut at = if i.path.is_empty() {
                "the file".to_string()
            } else {
                format!("`{}`", i.path)
            };
            if let Some(line) = i.line {
                at.push_str(&format!(" (line {line})"));
            }
            at
        });
        ApiError::invalid_input(match first {
            Some(at) => format!("invalid rule pack: {n} problem(s), first at {at}"),
            None => "invalid rule pack".to_string(),
        })
    }
}

/// Calendar errors: a bad holiday file or date computation is `InvalidInput` (naming the
/// field, not its value); storage failures are `Io` without the path.
impl From<tuilu_core::calendar::CalendarError> for ApiError {
    fn from(e: tuilu_core::calendar::CalendarError) -> ApiError {
        use tuilu_core::calendar::CalendarError as C;
        let detail = match e {
            C::Json { message } => format!("holiday file is not valid JSON: {message}"),
            C::MissingField { field } => format!("holiday file lacks the field `{field}`"),
            C::WrongType {
                field, expected, ..
            } => format!("holiday file field `{field}` must be {expected}"),
            C::YearOutOfRange { min, max, .. } => {
                format!("holiday file year outside {min}–{max}")
            }
            C::BadDate { field, .. } => {
                format!("holiday file field `{field}` is not a YYYY-MM-DD date")
            }
            C::DateOutsideYear { year, .. } => {
                format!("holiday file lists a date outside {year} ± 1 year")
            }
            C::DuplicateDate { .. } => "holiday file lists a date twice".to_string(),
            C::NoDaysListed { year } => {
                format!("the {year} holiday file lists no days; nothing imported")
            }
            C::FileNameMismatch { year, .. } => {
                format!("stored holiday file named differently from its year {year}")
            }
            C::DateOutOfRange => "date outside the representable range".to_string(),
            C::InvalidDuration { min, max } => {
                format!("invalid duration: min {min} > max {max}")
            }
            C::Io { .. } => {
                return ApiError::Io {
                    detail: "cannot read or write the calendar directory".into(),
                }
            }
        };
        ApiError::invalid_input(detail)
    }
}

/// A foreign callback that fails unexpectedly (throws something that is not an
/// `ApiError`). Needed by fallible foreign-trait methods.
impl From<uniffi::UnexpectedUniFFICallbackError> for ApiError {
    fn from(_: uniffi::UnexpectedUniFFICallbackError) -> ApiError {
        ApiError::internal("a callback from the app failed")
    }
}

/// Runs `f`, turning a panic into [`ApiError::Internal`].
pub(crate) fn guard<T>(f: impl FnOnce() -> Result<T, ApiError>) -> Result<T, ApiError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| Err(ApiError::panicked()))
}

/// Polls `fut`, turning a panic in any poll into [`ApiError::Internal`].
pub(crate) async fn guard_async<T>(
    fut: impl Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(
        move |cx| match catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(Err(ApiError::panicked())),
        },
    )
    .await
}

/// Awaits a blocking task spawned on the crate's runtime; a panic in it becomes
/// [`ApiError::Internal`].
pub(crate) async fn join<T>(
    handle: tokio::task::JoinHandle<Result<T, ApiError>>,
) -> Result<T, ApiError> {
    match handle.await {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(ApiError::panicked()),
        Err(_) => Err(ApiError::Cancelled),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_internal() {
        let r: Result<(), ApiError> = guard(|| panic!("secret /home/someone/file"));
        let e = r.unwrap_err();
        assert!(matches!(e, ApiError::Internal { .. }));
        assert!(!e.to_string().contains("someone"));
    }

    #[test]
    fn io_errors_drop_the_os_message() {
        let e = std::fs::File::open("/nonexistent/张三/secret.txt").unwrap_err();
        let api = ApiError::from(e);
        assert!(matches!(api, ApiError::NotFound { .. }));
        assert!(!api.to_string().contains("张三"));
    }

    #[test]
    fn guard_async_turns_a_panic_into_internal() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let r: Result<(), ApiError> = rt.block_on(guard_async(async { panic!("boom") }));
        assert!(matches!(r, Err(ApiError::Internal { .. })));
    }
}
