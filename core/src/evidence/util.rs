//! Small helpers: time formatting, hex, unique temporary names, streamed hashing.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

use super::error::EvidenceError;
use super::progress::{CancelFlag, Progress};

/// Read and hash in chunks of this size.
pub const CHUNK: usize = 1 << 20;

/// RFC 3339 UTC with millisecond precision; sorts correctly as text.
pub fn fmt_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `now` truncated to what the database stores, so returned values equal stored ones.
pub fn truncate_millis(t: DateTime<Utc>) -> DateTime<Utc> {
    parse_time(&fmt_time(t)).unwrap_or(t)
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A process-unique file name for temporary files.
pub fn unique_name(prefix: &str, suffix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}{}-{nanos}-{}{suffix}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Hashes a reader in 1 MiB chunks, reporting `base + done` of `total` and honouring cancel.
pub fn hash_reader(
    reader: &mut dyn Read,
    buf: &mut [u8],
    progress: &dyn Progress,
    cancel: &CancelFlag,
    base: u64,
    total: u64,
) -> Result<Result<(String, u64), io::Error>, EvidenceError> {
    let mut hasher = Sha256::new();
    let mut n = 0u64;
    loop {
        if cancel.is_cancelled() {
            return Err(EvidenceError::Cancelled);
        }
        let read = match reader.read(buf) {
            Ok(0) => break,
            Ok(r) => r,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Ok(Err(e)),
        };
        hasher.update(&buf[..read]);
        n += read as u64;
        progress.on_progress(base + n, total.max(base + n));
    }
    Ok(Ok((hex(&hasher.finalize()), n)))
}
