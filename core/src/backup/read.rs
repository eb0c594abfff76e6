//! Reading a backup: decrypt, check the manifest, stream every entry through SHA-256 into
//! a sink (nothing for inspect, the staging folder for restore), and read the age stream
//! to its authenticated end.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use age::DecryptError;
use serde::Serialize;

use super::error::BackupError;
use super::io::{EofFlag, Meter, Tracked};
use super::manifest::{Manifest, ManifestEntry, MANIFEST_PATH};
use super::passphrase::backup_key;
use super::work_factor;
use crate::evidence::{CancelFlag, Progress};

/// The manifest is small; anything bigger is not a backup.
const MAX_MANIFEST: u64 = 64 << 20;
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1\n";
/// The first line of an age file in ASCII armour (`age -a`).
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";

/// Receives one entry's bytes; `finish` makes them durable.
pub(crate) trait EntryWriter: Write {
    fn finish(self: Box<Self>) -> io::Result<()>;
}

impl EntryWriter for io::Sink {
    fn finish(self: Box<Self>) -> io::Result<()> {
        Ok(())
    }
}

/// Where verified entries go.
pub(crate) trait Sink {
    /// Called once the manifest is known, before any entry.
    fn start(&mut self, _manifest: &Manifest) -> Result<(), BackupError> {
        Ok(())
    }
    /// A writer for `entry`'s bytes; finished once they are all written and checked.
    fn open(&mut self, entry: &ManifestEntry) -> Result<Box<dyn EntryWriter>, BackupError>;
}

/// Discards the bytes (inspect).
struct Discard;

impl Sink for Discard {
    fn open(&mut self, _: &ManifestEntry) -> Result<Box<dyn EntryWriter>, BackupError> {
        Ok(Box::new(io::sink()))
    }
}

/// What [`inspect_backup`] found. It returns only when every entry is present and its
/// SHA-256 and size match the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectReport {
    pub manifest: Manifest,
    pub entries_checked: u64,
    pub bytes_checked: u64,
    /// Always true when returned (any mismatch is an error).
    pub all_hashes_ok: bool,
}

/// Decrypts and reads the whole backup without restoring anything: the manifest, the
/// counts, and a check of every entry against its SHA-256.
pub fn inspect_backup(
    path: &Path,
    passphrase: &str,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<InspectReport, BackupError> {
    let (manifest, bytes) = read_backup(path, passphrase, &mut Discard, progress, cancel)?;
    Ok(InspectReport {
        entries_checked: manifest.entries.len() as u64,
        bytes_checked: bytes,
        manifest,
        all_hashes_ok: true,
    })
}

/// Opens the age layer: magic, header, passphrase. A file in age's ASCII armour
/// (`age -a`) is read through it; Tuilu writes binary files.
fn decryptor(
    path: &Path,
    passphrase: &str,
    at_eof: &Arc<AtomicBool>,
) -> Result<Box<dyn Read>, BackupError> {
    if passphrase.is_empty() {
        return Err(BackupError::EmptyPassphrase);
    }
    let open = || {
        File::open(path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => BackupError::NotFound,
            _ => BackupError::Io {
                op: "open",
                source: e,
            },
        })
    };
    let mut head = Vec::with_capacity(ARMOR_BEGIN.len());
    open()?
        .take(ARMOR_BEGIN.len() as u64)
        .read_to_end(&mut head)
        .map_err(|e| BackupError::Io {
            op: "read",
            source: e,
        })?;
    let cut_prefix =
        |magic: &[u8]| !head.is_empty() && head.len() < magic.len() && magic.starts_with(&head);
    let armored = head.as_slice() == ARMOR_BEGIN;
    if !armored && !head.starts_with(AGE_MAGIC) {
        return Err(if cut_prefix(AGE_MAGIC) || cut_prefix(ARMOR_BEGIN) {
            BackupError::Truncated
        } else {
            BackupError::NotABackup
        });
    }
    let file = EofFlag {
        inner: open()?,
        at_eof: at_eof.clone(),
    };
    let reader: Box<dyn Read> = if armored {
        Box::new(age::armor::ArmoredReader::new(file))
    } else {
        Box::new(BufReader::with_capacity(1 << 16, file))
    };
    let eof = || at_eof.load(Ordering::SeqCst);
    let d = age::Decryptor::new(reader).map_err(|e| match e {
        DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => BackupError::Truncated,
        DecryptError::Io(e) if armored && e.kind() == io::ErrorKind::InvalidData => {
            BackupError::DamagedArmor
        }
        DecryptError::Io(e) => BackupError::Io {
            op: "read",
            source: e,
        },
        DecryptError::InvalidHeader if eof() => BackupError::Truncated,
        DecryptError::UnknownFormat => BackupError::NotABackup,
        _ => BackupError::Damaged,
    })?;
    if !d.is_scrypt() {
        // Encrypted to keys, not to a passphrase: not made by Tuilu.
        return Err(BackupError::NotABackup);
    }
    let identity = work_factor::identity(&backup_key(passphrase));
    let plain = d
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            DecryptError::DecryptionFailed
            | DecryptError::NoMatchingKeys
            | DecryptError::KeyDecryptionFailed => BackupError::WrongPassphrase,
            DecryptError::ExcessiveWork { required, .. } => BackupError::TooCostly {
                required,
                maximum: work_factor::MAX_SCRYPT_LOG_N,
            },
            DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                BackupError::Truncated
            }
            _ => BackupError::Damaged,
        })?;
    Ok(Box::new(plain))
}

/// Maps an error met while reading the decrypted stream.
fn stream_error(e: io::Error, cancel: &CancelFlag, at_eof: &AtomicBool) -> BackupError {
    if cancel.is_cancelled() {
        return BackupError::Cancelled;
    }
    match e.kind() {
        io::ErrorKind::UnexpectedEof => BackupError::Truncated,
        // A chunk failed authentication. If it was the last one in the file, the file most
        // likely ends early (a cut inside a chunk looks the same as a changed last chunk).
        io::ErrorKind::InvalidData if at_eof.load(Ordering::SeqCst) => BackupError::Truncated,
        io::ErrorKind::InvalidData => BackupError::Damaged,
        _ => BackupError::NotABackup,
    }
}

/// Reads the backup at `path` into `sink`, checking everything. Returns the manifest and
/// the bytes read. Any problem is an error; the sink may then hold partial data.
pub(crate) fn read_backup(
    path: &Path,
    passphrase: &str,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<(Manifest, u64), BackupError> {
    let at_eof = Arc::new(AtomicBool::new(false));
    let plain = decryptor(path, passphrase, &at_eof)?;
    let err = |e: io::Error| stream_error(e, cancel, &at_eof);
    read_stream(plain, sink, progress, cancel, &err)
}

/// Decrypts nothing: checks a backup's decrypted tar stream (what the age layer yields)
/// the way [`inspect_backup`] does. For tests and fuzzing of the inner format; a backup
/// file is always read with [`inspect_backup`].
pub fn inspect_plain_stream(
    plain: impl Read,
    progress: &dyn Progress,
    cancel: &CancelFlag,
) -> Result<InspectReport, BackupError> {
    let never_eof = AtomicBool::new(false);
    let err = |e: io::Error| stream_error(e, cancel, &never_eof);
    let (manifest, bytes) = read_stream(plain, &mut Discard, progress, cancel, &err)?;
    Ok(InspectReport {
        entries_checked: manifest.entries.len() as u64,
        bytes_checked: bytes,
        manifest,
        all_hashes_ok: true,
    })
}

/// Reads a decrypted tar stream into `sink`, checking everything (see [`read_backup`]).
fn read_stream(
    plain: impl Read,
    sink: &mut dyn Sink,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    err: &dyn Fn(io::Error) -> BackupError,
) -> Result<(Manifest, u64), BackupError> {
    let mut archive = tar::Archive::new(plain);
    let mut entries = archive.entries().map_err(err)?;

    // The manifest comes first.
    let mut first = match entries.next() {
        None => return Err(BackupError::NotABackup),
        Some(r) => r.map_err(err)?,
    };
    if first.path_bytes().as_ref() != MANIFEST_PATH.as_bytes() || first.size() > MAX_MANIFEST {
        return Err(BackupError::NotABackup);
    }
    let mut json = Vec::new();
    first.read_to_end(&mut json).map_err(err)?;
    drop(first);
    let manifest = Manifest::parse(&json)?;
    let expected: HashMap<&str, &ManifestEntry> = manifest
        .entries
        .iter()
        .map(|e| (e.path.as_str(), e))
        .collect();
    if expected.len() != manifest.entries.len()
        || manifest.entries.iter().any(|e| !safe_path(&e.path))
    {
        return Err(BackupError::EntryMismatch {
            path: MANIFEST_PATH.into(),
            what: "bad entry list",
        });
    }
    if let Some(junk) = manifest.entries.iter().find(|e| !e.is_vault_file()) {
        return Err(BackupError::EntryMismatch {
            path: junk.path.clone(),
            what: "not a file a vault holds",
        });
    }
    let databases = manifest
        .entries
        .iter()
        .filter(|e| e.kind == super::manifest::EntryKind::Database)
        .count();
    if databases != 1 {
        return Err(BackupError::EntryMismatch {
            path: MANIFEST_PATH.into(),
            what: "not exactly one database",
        });
    }
    sink.start(&manifest)?;
    let total: u64 = manifest.entries.iter().map(|e| e.size).sum();
    let mut meter = Meter::new(total, progress, cancel);
    meter.report();
    let mut seen = vec![false; manifest.entries.len()];
    let index: HashMap<&str, usize> = manifest
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.path.as_str(), i))
        .collect();
    for e in entries {
        let mut e = e.map_err(err)?;
        let path = String::from_utf8_lossy(&e.path_bytes()).into_owned();
        let Some(&i) = index.get(path.as_str()) else {
            return Err(BackupError::EntryMismatch {
                path,
                what: "not in the manifest",
            });
        };
        let want = &manifest.entries[i];
        if seen[i] {
            return Err(BackupError::EntryMismatch {
                path,
                what: "twice in the archive",
            });
        }
        seen[i] = true;
        if e.header().entry_type() != tar::EntryType::Regular || e.size() != want.size {
            return Err(BackupError::EntryMismatch {
                path,
                what: "size differs from the manifest",
            });
        }
        let mut w = sink.open(want)?;
        let mut t = Tracked::new(&mut e, &mut meter);
        copy(&mut t, &mut w).map_err(|c| match c {
            CopyError::Read(e) => err(e),
            CopyError::Write(e) => BackupError::from_io("write", e),
        })?;
        let (sha, n) = t.finish();
        if n != want.size || sha != want.sha256 {
            return Err(BackupError::EntryMismatch {
                path,
                what: "SHA-256 differs from the manifest",
            });
        }
        w.finish().map_err(BackupError::write("fsync"))?;
    }
    if let Some(i) = seen.iter().position(|s| !s) {
        return Err(BackupError::EntryMismatch {
            path: manifest.entries[i].path.clone(),
            what: "missing from the archive",
        });
    }
    // Read to the authenticated end of the age stream (a cut file fails here).
    let mut rest = archive.into_inner();
    io::copy(&mut rest, &mut io::sink()).map_err(err)?;
    meter.report();
    Ok((manifest, total))
}

/// `vault/` followed by plain components: no `..`, no absolute path, no backslash.
pub(crate) fn safe_path(p: &str) -> bool {
    let Some(rest) = p.strip_prefix(super::manifest::VAULT_PREFIX) else {
        return false;
    };
    !rest.is_empty()
        && !p.contains('\\')
        && !p.contains('\0')
        && rest
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
}

fn copy(r: &mut dyn Read, w: &mut dyn Write) -> Result<(), CopyError> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return w.flush().map_err(CopyError::Write),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        w.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
}
