//! Readers shared by create and read: hashing with progress and cancellation, and a
//! counter that tells whether the encrypted file was read to its end.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::evidence::{CancelFlag, Progress};

/// The error a [`Tracked`] reader returns once cancelled. Not `Interrupted`: `io::copy`
/// and `read_exact` retry those. Callers check the cancel flag to tell it apart.
pub(crate) fn cancelled_io() -> io::Error {
    io::Error::other("cancelled")
}

/// Running byte count and progress of a whole operation.
pub(crate) struct Meter<'a> {
    pub done: u64,
    pub total: u64,
    pub progress: &'a dyn Progress,
    pub cancel: &'a CancelFlag,
    last: u64,
}

impl<'a> Meter<'a> {
    pub fn new(total: u64, progress: &'a dyn Progress, cancel: &'a CancelFlag) -> Meter<'a> {
        Meter {
            done: 0,
            total,
            progress,
            cancel,
            last: 0,
        }
    }

    pub fn add(&mut self, n: u64) {
        self.done += n;
        self.total = self.total.max(self.done);
        // At most about once per MiB.
        if self.done >= self.last + (1 << 20) {
            self.last = self.done;
            self.progress.on_progress(self.done, self.total);
        }
    }

    pub fn report(&mut self) {
        self.last = self.done;
        self.progress.on_progress(self.done, self.total);
    }
}

/// Hashes, counts and meters what is read through it; fails once cancelled.
pub(crate) struct Tracked<'m, 'a, R> {
    pub inner: R,
    pub hasher: Sha256,
    pub bytes: u64,
    pub meter: &'m mut Meter<'a>,
}

impl<'m, 'a, R: Read> Tracked<'m, 'a, R> {
    pub fn new(inner: R, meter: &'m mut Meter<'a>) -> Self {
        Tracked {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
            meter,
        }
    }

    pub fn finish(self) -> (String, u64) {
        (hex(&self.hasher.finalize()), self.bytes)
    }
}

impl<R: Read> Read for Tracked<'_, '_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.meter.cancel.is_cancelled() {
            return Err(cancelled_io());
        }
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        self.meter.add(n as u64);
        Ok(n)
    }
}

/// Notes when the wrapped reader reports its end.
pub(crate) struct EofFlag<R> {
    pub inner: R,
    pub at_eof: Arc<AtomicBool>,
}

impl<R: Read> Read for EofFlag<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.at_eof.store(true, Ordering::SeqCst);
        }
        Ok(n)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// A name unique within this process, for temporary files and directories.
pub(crate) fn unique(prefix: &str) -> String {
    use std::sync::atomic::AtomicU64;
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}{}-{}-{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
