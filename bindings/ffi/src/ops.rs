//! Long work of [`TuiluApp`]: evidence add, verify and export, the bundle check and the
//! encrypted backup. Each is an `async` method whose blocking part runs on the core's
//! thread pool (`tuilu_core::jobs`), reports progress to a [`ProgressListener`] and stops when
//! its [`CancelToken`] is cancelled or the awaiting side drops the future (a cancelled
//! foreign future does not stop Rust work by itself, uniffi-rs #2771).

use std::path::PathBuf;
use std::sync::Arc;

use tuilu_core::app::ViewContext as Cx;
use tuilu_core::app::{self as core_app, App};
use tuilu_core::evidence::{CancelFlag, PlatformTime, Progress};

use crate::app::{
    ctx, AppError, BackupRecord, BundleCheckRecord, EvidenceAddedRecord, EvidenceListRecord,
    FileWrittenRecord, ToFfi, TuiluApp, ViewContextRecord,
};
use crate::cancel::{CancelToken, Cancellation};
use crate::progress::{CoreProgress, ProgressListener};
use crate::stream::CaptureTimeRecord;
use tuilu_core::jobs::{spawn_blocking, JobError};

/// Runs `work` on the core's job pool with progress and cancellation. A panic in the
/// work becomes `AppError::Internal` (the pool catches it); UniFFI itself turns a panic
/// while polling this future into its own internal error. The view and the error are
/// converted here.
pub(crate) async fn long_op<T: ToFfi + Send + 'static>(
    app: &Arc<App>,
    context: ViewContextRecord,
    listener: Option<Arc<dyn ProgressListener>>,
    cancel: Option<Arc<CancelToken>>,
    work: impl FnOnce(&App, &Cx, &dyn Progress, &CancelFlag) -> Result<T, core_app::AppError>
        + Send
        + 'static,
) -> Result<T::Out, AppError>
where
    T::Out: Send + 'static,
{
    let cx = ctx(&context);
    let lang = cx.lang;
    let cancellation = Cancellation::new(cancel);
    let abandon = cancellation.abandon_on_drop();
    let flag = cancellation.core_flag().clone();
    // The work keeps the operation counted as running (CancelToken::join) until it has
    // ended, cleanup included, even when nobody awaits it any more.
    let running = cancellation.clone();
    let app = app.clone();
    // The pool catches a panic of the work (`JobError::Panicked`).
    let handle = spawn_blocking(move || {
        let _running = running;
        if flag.is_cancelled() {
            return Err(core_app::AppError::Cancelled);
        }
        let progress = CoreProgress::new(listener);
        let out = work(&app, &cx, &progress, &flag)?;
        progress.finish();
        Ok(out.to_ffi())
    });
    let result = match handle.await {
        Ok(r) => r.map_err(|e| AppError::from_core(e, lang)),
        Err(JobError::Panicked) => Err(AppError::panicked()),
        Err(JobError::Lost) => Err(AppError::from_core(core_app::AppError::Cancelled, lang)),
    };
    abandon.disarm();
    cancellation.release();
    result
}

/// The test-only work factor, within the core's range (10–19); anything else is refused
/// before any work (1 was accepted, and 0 or 64 would have panicked in the age crate).
fn log_n(work_factor: Option<i32>) -> Result<Option<u8>, AppError> {
    use tuilu_core::backup::{MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N};
    match work_factor {
        None => Ok(None),
        Some(n) if (i32::from(MIN_SCRYPT_LOG_N)..=i32::from(MAX_SCRYPT_LOG_N)).contains(&n) => {
            Ok(Some(n as u8))
        }
        Some(_) => Err(AppError::invalid_input(&format!(
            "scrypt work factor must be {MIN_SCRYPT_LOG_N}–{MAX_SCRYPT_LOG_N}"
        ))),
    }
}

/// Exports the long operations of [`TuiluApp`], which all have one shape: the call's
/// context first, then the arguments, then an optional progress listener and cancel
/// token; the work runs under [`long_op`]. An entry reads
/// `fn name(args) -> Record = |app, c, progress, flag| body;` and becomes `pub async fn
/// name(&self, ctx, args, listener, cancel) -> Result<Record, AppError>`; the arguments
/// move into the work.
macro_rules! export_long_ops {
    ($($(#[$m:meta])* fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $out:ty
        = |$app:ident, $c:ident, $p:ident, $f:ident| $body:expr;)*) => {
        #[uniffi::export]
        impl TuiluApp {$(
            $(#[$m])*
            #[allow(clippy::too_many_arguments)]
            pub async fn $name(
                &self,
                ctx: ViewContextRecord,
                $($arg: $ty,)*
                listener: Option<Arc<dyn ProgressListener>>,
                cancel: Option<Arc<CancelToken>>,
            ) -> Result<$out, AppError> {
                let work = move |$app: &App, $c: &Cx, $p: &dyn Progress, $f: &CancelFlag| $body;
                long_op(&self.app, ctx, listener, cancel, work).await
            }
        )*}
    };
}

export_long_ops! {
    /// Adds the file at `path` to a case, for `step_id` when given (hashed once while it
    /// is copied into the vault; progress in bytes). The same bytes already in the case
    /// give back that item, attached to the step too (`duplicate`, and `notice` says so).
    /// A cancelled add leaves no file and no row. `captured`: the capture time the
    /// platform knows (MediaStore `DATE_TAKEN`, `PHAsset.creationDate`); an EXIF date in
    /// the bytes wins over it, and without either the core reads a screenshot's name
    /// (`CaptureTimeRecord`).
    fn add_evidence_file(case_id: String, step_id: Option<String>, path: String,
        note: Option<String>, captured: Option<CaptureTimeRecord>) -> EvidenceAddedRecord =
        |app, c, p, f| {
        let (step, note, path) = (step_id.as_deref(), note.as_deref(), PathBuf::from(path));
        let captured = captured.map(PlatformTime::from);
        app.add_evidence_file(c, &case_id, step, &path, note, captured, p, f)
    };
    /// Adds bytes handed over by the platform (share sheet, camera) under the file name
    /// `name`. As `add_evidence_file`.
    fn add_evidence_bytes(case_id: String, step_id: Option<String>, name: String,
        bytes: Vec<u8>, note: Option<String>, captured: Option<CaptureTimeRecord>)
        -> EvidenceAddedRecord = |app, c, p, f| {
        let (step, note) = (step_id.as_deref(), note.as_deref());
        let captured = captured.map(PlatformTime::from);
        app.add_evidence_bytes(c, &case_id, step, &name, &bytes, note, captured, p, f)
    };
    /// Re-hashes the case's evidence and checks the custody chain; returns the evidence
    /// list (of `step_id`, or the case) with each row's verify state and a summary.
    fn verify_evidence(case_id: String, step_id: Option<String>) -> EvidenceListRecord =
        |app, c, p, f| app.verify_evidence(c, &case_id, step_id.as_deref(), p, f);
    /// Writes the case's dispute bundle (zip) to `out_path`, which must not exist. It
    /// carries the facts the scenario marks public and no notes, unless
    /// `include_private` (see `bundle_preview`). A cancelled or failed export leaves no
    /// file.
    fn export_bundle(case_id: String, out_path: String, include_private: bool)
        -> FileWrittenRecord = |app, c, p, f| {
        let out = PathBuf::from(out_path);
        app.export_bundle(c, &case_id, &out, include_private, p, f)
    };
    /// Checks a received bundle (no vault needed): every file against SHA256SUMS, the
    /// manifest and the custody chain. Problems are part of the record.
    fn verify_bundle(path: String) -> BundleCheckRecord =
        |app, c, p, f| app.verify_bundle(c, &PathBuf::from(path), p, f);
    /// Decrypts and checks a backup without restoring it.
    fn inspect_backup(path: String, passphrase: String) -> BackupRecord =
        |app, c, p, f| app.inspect_backup(c, &PathBuf::from(path), &passphrase, p, f);
    /// Restores the vault from a backup: verified beside the vault, then swapped in at
    /// once; any error leaves the vault as it was. A vault with cases is replaced only
    /// when `replace`. Run nothing else on this object meanwhile.
    fn restore_backup(path: String, passphrase: String, replace: bool) -> BackupRecord =
        |app, c, p, f| app.restore_backup(c, &PathBuf::from(path), &passphrase, replace, p, f);
}

// Not in `export_long_ops!`: the work factor is checked before the work starts.
#[uniffi::export]
impl TuiluApp {
    /// Writes an encrypted backup of the whole vault to `out_path` (which must not exist).
    /// `passphrase`: a recovery code from `new_recovery_code` (the default) or a chosen
    /// passphrase strong enough. `scrypt_work_factor` (log2 N, 10–19) is for tests only;
    /// none: 2^18, age's default.
    pub async fn create_backup(
        &self,
        ctx: ViewContextRecord,
        out_path: String,
        passphrase: String,
        scrypt_work_factor: Option<i32>,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<BackupRecord, AppError> {
        let n = log_n(scrypt_work_factor)?;
        let work = move |app: &App, c: &Cx, p: &dyn Progress, f: &CancelFlag| {
            app.create_backup(c, &PathBuf::from(out_path), &passphrase, n, p, f)
        };
        long_op(&self.app, ctx, listener, cancel, work).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{AnswerRecord, Language};
    use std::sync::atomic::{AtomicBool, Ordering};

    fn context() -> ViewContextRecord {
        ViewContextRecord {
            language: Language::Zh,
            zone: crate::zone::beijing_time_zone(),
            now: "2026-09-29T08:00:00Z".parse().unwrap(),
        }
    }

    fn with_case(name: &str) -> (PathBuf, Arc<TuiluApp>, String) {
        let dir = std::env::temp_dir().join(format!("tuilu-ffi-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let app = TuiluApp::new(dir.to_string_lossy().into_owned()).unwrap();
        let answers = [
            ("has_unsettled_earnings", "否"),
            ("has_violation_record", "否"),
            ("contract_ended", "是"),
        ]
        .map(|(f, v)| AnswerRecord {
            fact: f.into(),
            value: v.into(),
        })
        .to_vec();
        let case = app
            .create_case(context(), "douyin.guild-exit".into(), answers)
            .unwrap();
        (dir, app, case.id)
    }

    /// Slows the first progress call, so a cancel lands while the work runs.
    #[derive(Default)]
    struct SlowOnce(AtomicBool);
    impl ProgressListener for SlowOnce {
        fn on_progress(
            &self,
            _done: u64,
            _total: u64,
        ) -> Result<(), crate::callback::CallbackError> {
            if !self.0.swap(true, Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Ok(())
        }
    }

    #[test]
    fn add_then_export_and_check_and_a_cancel_leaves_nothing() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (dir, app, case) = with_case("ops");
        let added = rt
            .block_on(app.add_evidence_bytes(
                context(),
                case.clone(),
                Some("backup_data".into()),
                "a.png".into(),
                b"\x89PNG\r\n\x1a\nx".to_vec(),
                None,
                None,
                None,
                None,
            ))
            .unwrap();
        assert!(added.notice.starts_with("已添加"), "{}", added.notice);
        let out = dir.join("b.zip").to_string_lossy().into_owned();
        let done = rt
            .block_on(app.export_bundle(context(), case.clone(), out.clone(), false, None, None))
            .unwrap();
        assert_eq!(done.count, 1);
        let check = rt
            .block_on(app.verify_bundle(context(), out, None, None))
            .unwrap();
        assert!(check.intact);

        // Cancelled while running: `join` returns once the temporary file is gone.
        let token = CancelToken::new();
        let listener = Arc::new(SlowOnce::default());
        let mut add = Box::pin(app.add_evidence_bytes(
            context(),
            case.clone(),
            None,
            "big.bin".into(),
            vec![7; 8 << 20],
            None,
            None,
            Some(listener),
            Some(token.clone()),
        ));
        let waker = std::task::Waker::noop();
        let _ = std::future::Future::poll(add.as_mut(), &mut std::task::Context::from_waker(waker));
        token.cancel();
        drop(add);
        rt.block_on(token.join());
        let list = app.evidence_list(context(), case, None).unwrap();
        assert_eq!(list.items.len(), 1, "the cancelled add left no item");
        let leftovers: Vec<_> = walk(&dir)
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("tmp"))
            })
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p))
            } else {
                out.push(p)
            }
        }
        out
    }

    #[test]
    fn a_wrong_passphrase_is_a_typed_backup_error() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let (dir, app, _case) = with_case("backup");
        // Beside the vault: a backup is never written inside it.
        let file = dir.with_extension("backup").to_string_lossy().into_owned();
        let made = rt
            .block_on(app.create_backup(
                context(),
                file.clone(),
                "correct horse battery staple".into(),
                Some(10),
                None,
                None,
            ))
            .unwrap();
        assert_eq!(made.cases, 1);
        let e = rt
            .block_on(app.inspect_backup(context(), file.clone(), "nope".into(), None, None))
            .unwrap_err();
        match e {
            AppError::Backup { kind, user_message } => {
                assert_eq!(kind, crate::app::BackupErrorKind::WrongPassphrase);
                assert!(user_message.starts_with("口令不对"), "{user_message}");
            }
            other => panic!("{other:?}"),
        }
        for n in [-1, 0, 1, 9, 20, 64, 99] {
            assert!(
                matches!(log_n(Some(n)), Err(AppError::Refused { .. })),
                "{n}"
            );
        }
        assert_eq!(log_n(Some(10)).unwrap(), Some(10));
        // Through the exported method: refused before any work, no file.
        let weak_factor = dir
            .with_extension("w.backup")
            .to_string_lossy()
            .into_owned();
        let e = rt
            .block_on(app.create_backup(
                context(),
                weak_factor.clone(),
                "correct horse battery staple".into(),
                Some(1),
                None,
                None,
            ))
            .unwrap_err();
        assert!(matches!(e, AppError::Refused { .. }), "{e:?}");
        assert!(!std::path::Path::new(&weak_factor).exists());
        // The default: a recovery code, which opens the backup without its spaces.
        let code = app.new_recovery_code(context()).unwrap();
        let coded = dir
            .with_extension("c.backup")
            .to_string_lossy()
            .into_owned();
        rt.block_on(app.create_backup(
            context(),
            coded.clone(),
            code.code.clone(),
            Some(10),
            None,
            None,
        ))
        .unwrap();
        rt.block_on(app.inspect_backup(
            context(),
            coded.clone(),
            code.code.replace(' ', ""),
            None,
            None,
        ))
        .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_file(&coded);
        let _ = std::fs::remove_file(&file);
    }
}
