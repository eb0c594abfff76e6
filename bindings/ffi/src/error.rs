//! The one public error type, and the guards that keep panics on the Rust side.

use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::task::Poll;

/// Errors seen by the apps. Variants are coarse and stable; `detail` is English for logs and
/// developers, never shown as is, and never carries personal data (no paths, file names,
/// fact values or case contents). The detail of a `NotFound` or `Conflict` starts with a
/// stable reason (`no such step`, `dependency not done:`, `nothing to undo:`, ... listed in
/// docs/bindings.md, "Error mapping"): the facades' `userMessage` says what happened from it.
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
            FactError::PastLimit { fact, limit } => {
                ApiError::invalid_input(format!("value for fact `{fact}` is {}", limit.en))
            }
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

impl ApiError {
    pub(crate) fn conflict(message: impl Into<String>) -> ApiError {
        ApiError::Conflict {
            detail: message.into(),
        }
    }

    pub(crate) fn storage(message: impl Into<String>) -> ApiError {
        ApiError::Storage {
            detail: message.into(),
        }
    }

    fn io_kind(what: &str, e: &std::io::Error) -> ApiError {
        match e.kind() {
            std::io::ErrorKind::NotFound => ApiError::not_found(format!("{what}: not found")),
            kind => ApiError::Io {
                detail: format!("{what}: {kind}"),
            },
        }
    }
}

/// The stable detail of a vault written by a newer build (`ApiError::Conflict`); the facades
/// recognise it (`isVaultTooNew`).
pub const VAULT_TOO_NEW: &str = "vault too new";

/// Vault errors. Step and fact ids, statuses and pack versions come from the packs and are
/// kept; case contents, notes, paths and times are not. A case id is random, but a
/// not-found detail still leaves it out (the caller knows what it asked for).
impl From<tuilu_core::vault::VaultError> for ApiError {
    fn from(e: tuilu_core::vault::VaultError) -> ApiError {
        use tuilu_core::vault::VaultError as V;
        match e {
            V::Evidence(_) => ApiError::storage("evidence recovery failed while opening the vault"),
            V::Io { source, .. } => ApiError::io_kind("cannot access the vault", &source),
            V::NotADatabase { .. } => ApiError::storage("the vault database is not a SQLite database"),
            V::TooNew { found, supported } => ApiError::conflict(format!(
                "{VAULT_TOO_NEW}: schema version {found}, this build supports up to {supported}; update the app"
            )),
            V::Busy => ApiError::conflict(
                "vault busy: the vault is locked by another process; try again",
            ),
            V::Interrupted => ApiError::Cancelled,
            V::Sqlite(e) => ApiError::storage(match e.sqlite_error_code() {
                Some(c) => format!("database error ({c:?})"),
                None => "database error".to_string(),
            }),
            V::Corrupt { what, .. } => ApiError::storage(format!("corrupt vault data ({what})")),
            V::UnknownCase { .. } => ApiError::not_found("no such case"),
            V::UnknownRule { scenario, rule } => {
                ApiError::not_found(format!("scenario `{scenario}` has no rule `{rule}`"))
            }
            V::AmbiguousCase { .. } => ApiError::invalid_input("the case id prefix is ambiguous"),
            V::Archived { .. } => {
                ApiError::conflict("case archived: the case is archived; unarchive it first")
            }
            V::ScenarioMismatch { case_scenario, given } => ApiError::invalid_input(format!(
                "the case belongs to scenario `{case_scenario}`, not `{given}`"
            )),
            V::PackVersionMismatch { case_version, current } => ApiError::conflict(format!(
                "upgrade needed: the case uses pack v{case_version}, the current pack is v{current}; upgrade the case first"
            )),
            V::PackDowngrade { case_version, current } => ApiError::conflict(format!(
                "pack downgrade: the current pack v{current} is older than the case's v{case_version}"
            )),
            V::Facts(f) => f.into(),
            V::UnknownStep { step, .. } => ApiError::not_found(no_such_step(&step)),
            V::StepDropped { step } => ApiError::conflict(format!(
                "step dropped: step `{step}` is not in the current plan (dropped after a change)"
            )),
            V::UnknownRoute { step, route, .. } => {
                ApiError::invalid_input(format!("step `{step}` has no route `{route}`"))
            }
            V::DependencyNotDone {
                step,
                dependency,
                action_en,
                status_en,
                ..
            } => ApiError::conflict(format!(
                "dependency not done: `{dependency}` is {status_en}; cannot {action_en} step `{step}`"
            )),
            V::BlockersNotCleared { step, blockers } => ApiError::conflict(format!(
                "blockers not cleared ({blockers}); cannot submit step `{step}`"
            )),
            V::InvalidTransition {
                step,
                from_en,
                action_en,
                ..
            } => ApiError::conflict(format!(
                "not allowed: step `{step}` is {from_en}; cannot {action_en} it"
            )),
            V::NothingToUndo { step } => ApiError::conflict(format!(
                "nothing to undo: step `{step}` has no transition to undo"
            )),
            V::DependentStarted {
                step,
                dependent,
                status_en,
                ..
            } => ApiError::conflict(format!(
                "dependent started: step `{dependent}` depends on `{step}` and is already {status_en}; undo it first"
            )),
            V::TimeInFuture { .. } => ApiError::invalid_input("the time is in the future"),
            V::TimeBeforePrevious { step, .. } => ApiError::invalid_input(format!(
                "the time is before step `{step}`'s previous transition"
            )),
        }
    }
}

/// Evidence errors without file names, notes or paths (the core's messages may name a file).
impl From<tuilu_core::evidence::EvidenceError> for ApiError {
    fn from(e: tuilu_core::evidence::EvidenceError) -> ApiError {
        use tuilu_core::evidence::EvidenceError as E;
        match e {
            E::NotFound { .. } => ApiError::not_found("file not found"),
            E::IsDirectory { .. } => ApiError::invalid_input("expected a file, got a directory"),
            E::NotAFile { .. } => ApiError::invalid_input("not a regular file"),
            E::Unreadable { source, .. } => ApiError::io_kind("cannot read the file", &source),
            E::NoSpace { .. } => ApiError::Io {
                detail: "not enough storage space; nothing was stored".into(),
            },
            E::FileTooLarge { .. } => ApiError::Io {
                detail: "the file exceeds the file-size limit; nothing was stored".into(),
            },
            E::Cancelled => ApiError::Cancelled,
            E::InvalidInput(message) => {
                // "中文 / English: value" → the English part, without the value.
                let en = message.rsplit(" / ").next().unwrap_or("invalid input");
                let en = en.split(':').next().unwrap_or(en).trim();
                ApiError::invalid_input(en.to_string())
            }
            E::UnknownItem { .. } => ApiError::not_found("no such evidence item"),
            E::ItemDeleted { .. } => {
                ApiError::conflict("item deleted: the evidence item was deleted")
            }
            E::ContentMissing { .. } => {
                ApiError::storage("an evidence file is missing; run verify")
            }
            E::ContentChanged { .. } => {
                ApiError::storage("an evidence file has changed (hash mismatch); run verify")
            }
            E::OutputExists { .. } => {
                ApiError::conflict("output exists: the output file already exists")
            }
            E::BadBundle { .. } => ApiError::invalid_input("not a readable evidence bundle"),
            E::Io { op, source } => {
                ApiError::io_kind(&format!("storage error while {op}"), &source)
            }
            E::Db(e) => ApiError::storage(match e.sqlite_error_code() {
                Some(c) => format!("database error ({c:?})"),
                None => "database error".to_string(),
            }),
        }
    }
}

/// Reminder errors.
impl From<tuilu_core::reminders::ReminderError> for ApiError {
    fn from(e: tuilu_core::reminders::ReminderError) -> ApiError {
        use tuilu_core::reminders::ReminderError as R;
        match e {
            R::UnknownReminder(_) => ApiError::not_found("no such reminder"),
            R::Sql(e) => ApiError::storage(match e.sqlite_error_code() {
                Some(c) => format!("database error ({c:?})"),
                None => "database error".to_string(),
            }),
            R::BadTimestamp { .. } => ApiError::storage("corrupt reminder state (timestamp)"),
            R::Format(_) => ApiError::internal("cannot format the calendar"),
        }
    }
}

/// The `NotFound` detail for a step the case does not have.
pub(crate) fn no_such_step(step: &str) -> String {
    format!("no such step `{step}` in the case")
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
