//! SHA-256 of a file, read in chunks, with progress and cancellation. The evidence store
//! will hash imports with the same function.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::cancel::Cancellation;
use crate::error::ApiError;
use crate::progress::Progress;

/// Bytes read per chunk; cancellation is checked between chunks.
const CHUNK: usize = 256 * 1024;

/// Hashes the file at `path`; returns the digest as 64 lowercase hex digits.
pub(crate) fn sha256_file(
    path: &Path,
    progress: &mut Progress,
    cancel: &Cancellation,
) -> Result<String, ApiError> {
    cancel.check()?;
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(ApiError::invalid_input("expected a file, got a directory"));
    }
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut done: u64 = 0;
    progress.report(0, false);
    loop {
        cancel.check()?;
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        hasher.update(&buf[..n]);
        done += n as u64;
        progress.report(done, false);
    }
    cancel.check()?;
    progress.finish(done);
    Ok(to_hex(&hasher.finalize()))
}

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cancel::CancelToken;
    use std::io::Write;

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tuilu-ffi-hash-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::File::create(&path)
            .unwrap()
            .write_all(bytes)
            .unwrap();
        path
    }

    #[test]
    fn known_digests() {
        let none = Cancellation::new(None);
        let empty = temp_file("empty", b"");
        assert_eq!(
            sha256_file(&empty, &mut Progress::new(None, 0), &none).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let abc = temp_file("abc", b"abc");
        assert_eq!(
            sha256_file(&abc, &mut Progress::new(None, 3), &none).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn cancelled_before_start() {
        let token = CancelToken::new();
        token.cancel();
        let abc = temp_file("abc2", b"abc");
        let r = sha256_file(
            &abc,
            &mut Progress::new(None, 3),
            &Cancellation::new(Some(token)),
        );
        assert_eq!(r, Err(ApiError::Cancelled));
    }

    #[test]
    fn directory_is_invalid_input() {
        let r = sha256_file(
            &std::env::temp_dir(),
            &mut Progress::new(None, 0),
            &Cancellation::new(None),
        );
        assert!(matches!(r, Err(ApiError::InvalidInput { .. })));
    }
}
