//! Evidence by stream: the bytes come from a POSIX file descriptor the app hands over
//! (Android `ParcelFileDescriptor.detachFd()`, an opened `content://` URI) or from a
//! readable stream the app implements ([`EvidenceSource`]: an `InputStream`, an
//! `NSInputStream`), with the display name given separately (any string the platform
//! gives). The core reads it once, hashing while it copies into the vault, with progress
//! and cancel as every long operation ([`crate::ops`]); no cache copy, nothing whole on
//! the heap. A separate `#[uniffi::export] impl` of [`TuiluApp`].

use std::io::{self, Read};
use std::sync::Arc;

use tuilu_core::evidence::{PlatformTime, PlatformTimeSource};

use crate::app::{AppError, EvidenceAddedRecord, TuiluApp, ViewContextRecord};
use crate::cancel::CancelToken;
use crate::ops::long_op;
use crate::progress::ProgressListener;
use crate::uniffi_support::Timestamp;

/// Where the app found the capture time it passes with a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CaptureTimeSource {
    /// Android: the MediaStore's `DATE_TAKEN` of the picked or shared item.
    MediaStore,
    /// iOS: the photo library's `PHAsset.creationDate`.
    PhotoLibrary,
}

/// The capture time the platform knows about a file, passed with its bytes. The core
/// decides what it keeps: an EXIF date inside the bytes wins (a recipient can check it in
/// the original), then this, then a screenshot's file name read in the user's zone; the
/// evidence list says which it was ("来自相册记录").
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct CaptureTimeRecord {
    pub at: Timestamp,
    pub source: CaptureTimeSource,
}

impl From<CaptureTimeRecord> for PlatformTime {
    fn from(r: CaptureTimeRecord) -> PlatformTime {
        PlatformTime {
            at: r.at,
            source: match r.source {
                CaptureTimeSource::MediaStore => PlatformTimeSource::MediaStore,
                CaptureTimeSource::PhotoLibrary => PlatformTimeSource::PhotoLibrary,
            },
        }
    }
}

/// Largest read asked of an [`EvidenceSource`] at once (the core's chunk).
const READ_MAX: u32 = 1 << 20;

/// A failure of the app's stream; the add fails with `FileProblem` `unreadable` and leaves
/// nothing behind. Any exception the app's `read` throws arrives as this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum EvidenceSourceError {
    #[error("{detail}")]
    Failed { detail: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for EvidenceSourceError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> EvidenceSourceError {
        EvidenceSourceError::Failed { detail: e.reason }
    }
}

/// A readable stream the app implements over the platform's own (Kotlin `InputStream`,
/// Swift `InputStream`). Called from a worker thread, one call at a time.
#[uniffi::export(with_foreign)]
pub trait EvidenceSource: Send + Sync {
    /// Up to `max` bytes (fewer is fine); an empty result is the end of the stream.
    fn read(&self, max: u32) -> Result<Vec<u8>, EvidenceSourceError>;
}

/// [`EvidenceSource`] as a [`Read`]: keeps what a call returned beyond the caller's buffer.
struct SourceReader {
    source: Arc<dyn EvidenceSource>,
    pending: Vec<u8>,
    at: usize,
}

impl Read for SourceReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.at == self.pending.len() {
            let max = u32::try_from(buf.len()).unwrap_or(READ_MAX).min(READ_MAX);
            self.pending = self
                .source
                .read(max)
                .map_err(|EvidenceSourceError::Failed { detail }| io::Error::other(detail))?;
            self.at = 0;
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Takes ownership of `fd`: it is closed when the add ends, whatever happens.
#[cfg(unix)]
fn owned_fd(fd: i32) -> Result<std::fs::File, AppError> {
    use std::os::fd::{FromRawFd, OwnedFd};
    if fd < 0 {
        return Err(AppError::invalid_input("file descriptor must be 0 or more"));
    }
    // SAFETY: the caller gives the descriptor up (documented on `add_evidence_fd`), as
    // `ParcelFileDescriptor.detachFd()` does; nothing else closes it.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    Ok(std::fs::File::from(owned))
}

#[cfg(not(unix))]
fn owned_fd(_fd: i32) -> Result<std::fs::File, AppError> {
    Err(AppError::invalid_input(
        "file descriptors need a POSIX system",
    ))
}

#[uniffi::export]
impl TuiluApp {
    /// Adds the bytes read from the open file descriptor `fd` (Android:
    /// `ParcelFileDescriptor.detachFd()` of a picked or shared `content://` URI) under the
    /// display name `name` (any string; directories and control characters are taken out,
    /// a name past 255 characters is shortened keeping its extension). The library takes
    /// the descriptor over and closes it, also on an error. Read from its current
    /// position to its end once, hashed while copied into the vault; the progress total
    /// is the file's size when the descriptor is a regular file, else `size_hint` (0:
    /// unknown). Otherwise as `add_evidence_file`: a duplicate gives back the item, a
    /// cancelled or failed add leaves no file and no row. `captured`: the capture time
    /// the platform knows (MediaStore `DATE_TAKEN`), see [`CaptureTimeRecord`].
    #[allow(clippy::too_many_arguments)]
    pub async fn add_evidence_fd(
        &self,
        ctx: ViewContextRecord,
        case_id: String,
        step_id: Option<String>,
        fd: i32,
        name: String,
        size_hint: Option<u64>,
        note: Option<String>,
        captured: Option<CaptureTimeRecord>,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<EvidenceAddedRecord, AppError> {
        let mut file = owned_fd(fd)?;
        let size = file
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
            .or(size_hint)
            .unwrap_or(0);
        long_op(&self.app, ctx, listener, cancel, move |app, c, p, f| {
            let (step, note) = (step_id.as_deref(), note.as_deref());
            let captured = captured.map(PlatformTime::from);
            app.add_evidence_stream(
                c, &case_id, step, &name, &mut file, size, note, captured, p, f,
            )
        })
        .await
    }

    /// Adds what the app's stream `source` gives until its end, under the display name
    /// `name` (as `add_evidence_fd`). `size_hint` (bytes, null when unknown) is only the
    /// progress total. A `read` that throws ends the add with `FileProblem` `unreadable`
    /// and leaves nothing behind. `captured` as for `add_evidence_fd`.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_evidence_stream(
        &self,
        ctx: ViewContextRecord,
        case_id: String,
        step_id: Option<String>,
        source: Arc<dyn EvidenceSource>,
        name: String,
        size_hint: Option<u64>,
        note: Option<String>,
        captured: Option<CaptureTimeRecord>,
        listener: Option<Arc<dyn ProgressListener>>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<EvidenceAddedRecord, AppError> {
        long_op(&self.app, ctx, listener, cancel, move |app, c, p, f| {
            let (step, note) = (step_id.as_deref(), note.as_deref());
            let mut reader = SourceReader {
                source,
                pending: Vec::new(),
                at: 0,
            };
            let size = size_hint.unwrap_or(0);
            let captured = captured.map(PlatformTime::from);
            app.add_evidence_stream(
                c,
                &case_id,
                step,
                &name,
                &mut reader,
                size,
                note,
                captured,
                p,
                f,
            )
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Gives `data` in pieces of at most 7 bytes, whatever is asked.
    struct Pieces(Mutex<Vec<u8>>);
    impl EvidenceSource for Pieces {
        fn read(&self, max: u32) -> Result<Vec<u8>, EvidenceSourceError> {
            let mut d = self.0.lock().unwrap();
            let n = d.len().min(7).min(max as usize);
            Ok(d.drain(..n).collect())
        }
    }

    #[test]
    fn a_source_read_in_small_buffers_gives_every_byte_once() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
        let mut r = SourceReader {
            source: Arc::new(Pieces(Mutex::new(data.clone()))),
            pending: Vec::new(),
            at: 0,
        };
        let mut out = Vec::new();
        let mut buf = [0u8; 3];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        assert_eq!(out, data);
    }
}
