//! Restoring: everything is written into a staging folder beside the vault and verified
//! there (entry hashes, database integrity, every evidence file and the custody chain);
//! only then is the staging folder swapped with the vault folder in one rename.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;

use super::create::Cleanup;
use super::error::BackupError;
use super::io::unique;
use super::manifest::{Manifest, ManifestEntry, VAULT_PREFIX};
use super::read::{read_backup, EntryWriter, Sink};
use crate::evidence::{CancelFlag, EvidenceStore, Progress};
use crate::files::fsync_dir;
use crate::vault::{Vault, VaultError, DB_FILE};

/// How to restore.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Replace a vault that has cases (otherwise refused with
    /// [`BackupError::VaultHasCases`]).
    pub replace: bool,
    /// Test hook: at this point, create the marker file and wait to be killed.
    #[doc(hidden)]
    pub pause_at: Option<(RestorePoint, PathBuf)>,
    /// Test hook: writes into the staging folder fail with "no space" after this many bytes.
    #[doc(hidden)]
    pub fail_writes_after: Option<u64>,
}

/// Test hook points of a restore.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestorePoint {
    /// Half of the entries written into the staging folder.
    Staging,
    /// Everything verified, before the swap.
    Verified,
    /// After the swap, before the old vault is removed.
    Swapped,
}

impl RestorePoint {
    pub fn parse(s: &str) -> Option<RestorePoint> {
        match s {
            "staging" => Some(RestorePoint::Staging),
            "verified" => Some(RestorePoint::Verified),
            "swapped" => Some(RestorePoint::Swapped),
            _ => None,
        }
    }
}

/// What [`restore_backup`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RestoreReport {
    pub manifest: Manifest,
    /// True when a vault with cases was replaced.
    pub replaced: bool,
    pub evidence_items_verified: u64,
    pub custody_entries_verified: u64,
}

fn pause(options: &RestoreOptions, at: RestorePoint) {
    if let Some((p, marker)) = &options.pause_at {
        if *p == at {
            let _ = fs::write(marker, b"paused");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
        }
    }
}

/// Cases in the vault at `dir`, read-only: `None` when there is no database.
pub fn vault_case_count(dir: &Path) -> Result<Option<u64>, BackupError> {
    let db = dir.join(DB_FILE);
    if !db.is_file() {
        return Ok(None);
    }
    let conn = Connection::open_with_flags(
        &db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let has: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cases'",
        [],
        |r| r.get(0),
    )?;
    if has == 0 {
        return Ok(Some(0));
    }
    let n: i64 = conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?;
    Ok(Some(n as u64))
}

/// The staging folders of restores live beside the vault: `.<name>.restore-…`.
fn staging_prefix(vault_dir: &Path) -> String {
    let name = vault_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "vault".into());
    format!(".{name}.restore-")
}

fn parent_of(vault_dir: &Path) -> PathBuf {
    match vault_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes staging folders left by restores that were killed (before their swap they hold
/// a partial restore; after it, the replaced vault). The vault itself is never touched.
pub fn clean_restore_leftovers(vault_dir: &Path) -> io::Result<usize> {
    let parent = parent_of(vault_dir);
    let prefix = staging_prefix(vault_dir);
    let mut n = 0;
    let entries = match fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for e in entries {
        let e = e?;
        if e.file_name().to_string_lossy().starts_with(&prefix) && e.file_type()?.is_dir() {
            fs::remove_dir_all(e.path())?;
            n += 1;
        }
    }
    Ok(n)
}

/// Writes entries into the staging folder, fsyncing each file and then each folder.
struct Stage<'a> {
    root: &'a Path,
    dirs: BTreeSet<PathBuf>,
    written: Rc<Cell<u64>>,
    fail_after: Option<u64>,
    half: usize,
    count: usize,
    options: &'a RestoreOptions,
}

struct StageFile {
    file: File,
    written: Rc<Cell<u64>>,
    fail_after: Option<u64>,
}

impl Write for StageFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.written.get();
        if let Some(limit) = self.fail_after {
            if written + buf.len() as u64 > limit {
                return Err(io::Error::from(io::ErrorKind::StorageFull));
            }
        }
        let n = self.file.write(buf)?;
        self.written.set(written + n as u64);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Sink for Stage<'_> {
    fn start(&mut self, manifest: &Manifest) -> Result<(), BackupError> {
        self.half = manifest.entries.len() / 2;
        Ok(())
    }

    fn open(&mut self, entry: &ManifestEntry) -> Result<Box<dyn EntryWriter>, BackupError> {
        if self.count == self.half {
            pause(self.options, RestorePoint::Staging);
        }
        self.count += 1;
        let rel = entry.path.strip_prefix(VAULT_PREFIX).unwrap_or(&entry.path);
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            if !self.dirs.contains(dir) {
                fs::create_dir_all(dir).map_err(BackupError::write("mkdir"))?;
                let mut d = dir.to_path_buf();
                while d.starts_with(self.root) && self.dirs.insert(d.clone()) {
                    if !d.pop() {
                        break;
                    }
                }
            }
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(BackupError::write("create"))?;
        Ok(Box::new(StageFile {
            file,
            written: self.written.clone(),
            fail_after: self.fail_after,
        }))
    }
}

impl EntryWriter for StageFile {
    fn finish(self: Box<Self>) -> io::Result<()> {
        self.file.sync_all()
    }
}

/// Restores the backup at `path` into the vault folder `vault_dir`.
///
/// 1. A vault with cases is refused unless `options.replace`.
/// 2. Every entry is decrypted into a staging folder beside the vault and checked against
///    the manifest (SHA-256 and size); the age stream is read to its authenticated end.
/// 3. The staged vault is opened (migrated when older), its database checked
///    (`integrity_check`), and every evidence file re-hashed and the custody chain walked.
/// 4. Only then is it made live: swapped with the current folder in one atomic rename
///    (Linux `renameat2(RENAME_EXCHANGE)`, Apple `renamex_np(RENAME_SWAP)`), and the old
///    folder removed. A kill at any point leaves a complete vault in `vault_dir`: the old one
///    before the swap, the restored one after it; leftovers are cleaned by the next restore
///    ([`clean_restore_leftovers`]).
///
/// Any error leaves the current vault as it was and removes the staging folder. The caller
/// must not use the vault while it is restored (an open connection keeps the old files).
pub fn restore_backup(
    path: &Path,
    passphrase: &str,
    vault_dir: &Path,
    options: &RestoreOptions,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    now: DateTime<Utc>,
) -> Result<RestoreReport, BackupError> {
    if passphrase.is_empty() {
        return Err(BackupError::EmptyPassphrase);
    }
    let has_cases =
        |dir: &Path| -> Result<u64, BackupError> { Ok(vault_case_count(dir)?.unwrap_or(0)) };
    let cases = has_cases(vault_dir)?;
    if cases > 0 && !options.replace {
        return Err(BackupError::VaultHasCases { cases });
    }
    let parent = parent_of(vault_dir);
    fs::create_dir_all(&parent).map_err(BackupError::write("mkdir"))?;
    let _ = clean_restore_leftovers(vault_dir);

    let staging = parent.join(unique(&staging_prefix(vault_dir)));
    let mut cleanup = Cleanup(Some(staging.clone()));
    create_private_dir(&staging).map_err(BackupError::write("mkdir"))?;

    // Two halves of progress: reading the backup, then verifying the staged vault.
    let split = SplitProgress {
        inner: progress,
        offset: std::cell::Cell::new(0),
        total: std::cell::Cell::new(0),
    };
    let mut stage = Stage {
        root: &staging,
        dirs: BTreeSet::new(),
        written: Rc::new(Cell::new(0)),
        fail_after: options.fail_writes_after,
        half: usize::MAX,
        count: 0,
        options,
    };
    let (manifest, bytes) = read_backup(path, passphrase, &mut stage, &split, cancel)?;
    for d in stage.dirs.iter().rev() {
        fsync_dir(d).map_err(BackupError::write("fsync"))?;
    }
    fsync_dir(&staging).map_err(BackupError::write("fsync"))?;
    if cancel.is_cancelled() {
        return Err(BackupError::Cancelled);
    }

    // Verify the staged vault as a vault.
    split.offset.set(bytes);
    split.total.set(bytes * 2);
    let (items, entries) = verify_staged(&staging, &manifest, &split, cancel, now)?;
    fsync_dir(&staging).map_err(BackupError::write("fsync"))?;
    pause(options, RestorePoint::Verified);

    // Make it live.
    if cancel.is_cancelled() {
        return Err(BackupError::Cancelled);
    }
    let cases_now = has_cases(vault_dir)?;
    if cases_now > 0 && !options.replace {
        return Err(BackupError::VaultHasCases { cases: cases_now });
    }
    let replaced = cases_now > 0;
    if vault_dir.exists() {
        exchange(&staging, vault_dir).map_err(BackupError::write("rename"))?;
        // `staging` now holds the old vault; it is removed below.
    } else {
        fs::rename(&staging, vault_dir).map_err(BackupError::write("rename"))?;
        cleanup.disarm();
    }
    let _ = fsync_dir(&parent);
    pause(options, RestorePoint::Swapped);
    drop(cleanup);
    progress.on_progress(bytes * 2, bytes * 2);
    Ok(RestoreReport {
        manifest,
        replaced,
        evidence_items_verified: items,
        custody_entries_verified: entries,
    })
}

/// Opens the staged vault (migrating an older schema), checks the database and verifies
/// every evidence file and the custody chain. Returns `(items, custody entries)` checked.
fn verify_staged(
    staging: &Path,
    manifest: &Manifest,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    now: DateTime<Utc>,
) -> Result<(u64, u64), BackupError> {
    let vault = Vault::open(staging, now).map_err(|e| match e {
        VaultError::TooNew { found, supported } => BackupError::NewerFormat { found, supported },
        e => BackupError::VerifyFailed {
            zh: vec![e.to_string()],
            en: vec![e.to_string()],
        },
    })?;
    let mut zh: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    for l in vault.integrity_check()? {
        if l != "ok" {
            zh.push(format!("数据库损坏：{l}"));
            en.push(format!("database damaged: {l}"));
        }
    }
    let cases = vault.list_cases(true, now)?.len() as u64;
    if cases != manifest.counts.cases {
        zh.push(format!(
            "案件数 {cases} 与清单的 {} 不符",
            manifest.counts.cases
        ));
        en.push(format!(
            "{cases} cases, the manifest says {}",
            manifest.counts.cases
        ));
    }
    let dir = staging.to_path_buf();
    let report = vault.with_connection_mut(|conn| {
        EvidenceStore::new(conn, &dir).verify(None, progress, cancel, now)
    });
    let report = match report {
        Ok(r) => r,
        Err(crate::evidence::EvidenceError::Cancelled) => return Err(BackupError::Cancelled),
        Err(e) => {
            return Err(BackupError::VerifyFailed {
                zh: vec![e.to_string()],
                en: vec![e.to_string()],
            })
        }
    };
    for i in &report.issues {
        zh.push(i.message(crate::Lang::Zh));
        en.push(i.message(crate::Lang::En));
    }
    if report.items_checked as u64 != manifest.counts.evidence_items {
        zh.push(format!(
            "证据 {} 项，与清单的 {} 项不符",
            report.items_checked, manifest.counts.evidence_items
        ));
        en.push(format!(
            "{} evidence items, the manifest says {}",
            report.items_checked, manifest.counts.evidence_items
        ));
    }
    drop(vault);
    if !zh.is_empty() {
        return Err(BackupError::VerifyFailed { zh, en });
    }
    Ok((report.items_checked as u64, report.entries_checked as u64))
}

/// Progress of the second half (verification) on top of the first.
struct SplitProgress<'a> {
    inner: &'a dyn Progress,
    offset: std::cell::Cell<u64>,
    /// 0 while reading (the reader's own total is used, doubled).
    total: std::cell::Cell<u64>,
}

impl Progress for SplitProgress<'_> {
    fn on_progress(&self, done: u64, total: u64) {
        let off = self.offset.get();
        let t = if self.total.get() == 0 {
            total * 2
        } else {
            self.total.get()
        };
        self.inner.on_progress((off + done).min(t), t);
    }
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Swaps two directories atomically where the OS can; otherwise two renames (a kill
/// between them leaves the old vault in `a`, which `clean_restore_leftovers` would remove:
/// documented as the fallback's window).
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes())?;
        let cb = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: two valid NUL-terminated paths; the syscall only reads them.
        let r = unsafe {
            libc::syscall(
                libc::SYS_renameat2,
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
            return Err(e);
        }
    }
    #[cfg(any(target_os = "macos", target_os = "ios"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let ca = CString::new(a.as_os_str().as_bytes())?;
        let cb = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: two valid NUL-terminated paths.
        let r = unsafe { libc::renamex_np(ca.as_ptr(), cb.as_ptr(), libc::RENAME_SWAP) };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOTSUP)) {
            return Err(e);
        }
    }
    // Fallback: move the old vault aside, then the new one in; put the old one back if
    // the second rename fails.
    let aside = a.with_file_name(format!(
        "{}-old",
        a.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    fs::rename(b, &aside)?;
    if let Err(e) = fs::rename(a, b) {
        let _ = fs::rename(&aside, b);
        return Err(e);
    }
    fs::rename(&aside, a)
}
