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
use serde::Serialize;

use super::create::Cleanup;
use super::error::BackupError;
use super::io::unique;
use super::manifest::{Manifest, ManifestEntry, VAULT_PREFIX};
use super::read::{read_backup, EntryWriter, Sink};
use crate::evidence::{CancelFlag, EvidenceStore, Progress};
use crate::files::fsync_dir;
use crate::text::count_en;
use crate::vault::layout::{survey, FolderState, VaultContent, TMP_DIR};
use crate::vault::{Vault, VaultError};

/// How to restore.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// Replace a vault that has content (otherwise refused with
    /// [`BackupError::VaultHasContent`]).
    pub replace: bool,
    /// Test hook: at this point, create the marker file and wait to be killed.
    #[doc(hidden)]
    pub pause_at: Option<(RestorePoint, PathBuf)>,
    /// Test hook: writes into the staging folder fail with "no space" after this many bytes.
    #[doc(hidden)]
    pub fail_writes_after: Option<u64>,
    /// Test hook: swap with the two-rename fallback even where the OS swaps atomically.
    #[doc(hidden)]
    pub force_rename_fallback: bool,
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
    /// The two-rename fallback: the old vault moved aside, the new one not yet in place.
    FallbackMovedAside,
}

impl RestorePoint {
    pub fn parse(s: &str) -> Option<RestorePoint> {
        match s {
            "staging" => Some(RestorePoint::Staging),
            "verified" => Some(RestorePoint::Verified),
            "swapped" => Some(RestorePoint::Swapped),
            "fallback-moved-aside" => Some(RestorePoint::FallbackMovedAside),
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

/// The old vault moved aside by the two-rename fallback: `.<name>.restore-old-<token>`.
fn aside_prefix(vault_dir: &Path) -> String {
    format!("{}old-", staging_prefix(vault_dir))
}

/// The marker a fallback swap leaves in the new vault's private area until the old vault
/// is removed: `<vault>/.tmp/restored-<token>`. It proves that the folder at the vault's
/// path is the restored vault, so the old one aside may go.
fn marker_name(token: &str) -> String {
    format!("restored-{token}")
}

/// Removes staging folders left by restores that were killed (before their swap they hold
/// a partial restore; after it, the replaced vault). A staging folder that a live restore
/// holds (an advisory lock on the folder) is left alone, and so is a vault moved aside by
/// the fallback swap (see [`recover_interrupted_restore`]). The vault itself is never
/// touched.
pub fn clean_restore_leftovers(vault_dir: &Path) -> io::Result<usize> {
    let parent = parent_of(vault_dir);
    let prefix = staging_prefix(vault_dir);
    let aside = aside_prefix(vault_dir);
    let mut n = 0;
    let entries = match fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.starts_with(&prefix) || name.starts_with(&aside) || !e.file_type()?.is_dir() {
            continue;
        }
        let Ok(handle) = File::open(e.path()) else {
            continue;
        };
        if handle.try_lock().is_err() {
            continue; // a live restore is writing it
        }
        fs::remove_dir_all(e.path())?;
        n += 1;
    }
    Ok(n)
}

/// Finishes what a restore killed during the two-rename fallback left (the atomic swap
/// leaves nothing to finish), then removes staging leftovers. Called by
/// [`Vault::open`](crate::vault::Vault::open) before anything else.
///
/// - The vault's path is empty and an old vault is aside: the kill came between the two
///   renames. The old vault goes back (the user was never told the restore worked).
/// - The vault's path holds the restored vault (its marker names the same token): the old
///   vault aside is removed, then the marker.
/// - Anything else: nothing is removed (a vault aside without a matching marker is kept).
pub fn recover_interrupted_restore(vault_dir: &Path) -> io::Result<()> {
    let parent = parent_of(vault_dir);
    let aside = aside_prefix(vault_dir);
    let entries = match fs::read_dir(&parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let mut asides: Vec<(String, PathBuf)> = Vec::new();
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(token) = name.strip_prefix(&aside) {
            if e.file_type()?.is_dir() {
                asides.push((token.to_string(), e.path()));
            }
        }
    }
    crate::sort::sort(&mut asides);
    for (token, path) in asides {
        let marker = vault_dir.join(TMP_DIR).join(marker_name(&token));
        if fs::symlink_metadata(vault_dir).is_err() {
            fs::rename(&path, vault_dir)?;
            fsync_dir(&parent)?;
        } else if marker.is_file() {
            fs::remove_dir_all(&path)?;
            fsync_dir(&parent)?;
            fs::remove_file(&marker)?;
        }
    }
    // Markers whose old vault is already gone.
    if let Ok(entries) = fs::read_dir(vault_dir.join(TMP_DIR)) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(token) = name.strip_prefix("restored-") {
                if !parent.join(format!("{aside}{token}")).exists() {
                    let _ = fs::remove_file(e.path());
                }
            }
        }
    }
    clean_restore_leftovers(vault_dir)?;
    Ok(())
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
                crate::vault::layout::create_private_dir(dir)
                    .map_err(BackupError::write("mkdir"))?;
                let mut d = dir.to_path_buf();
                while d.starts_with(self.root) && self.dirs.insert(d.clone()) {
                    if !d.pop() {
                        break;
                    }
                }
            }
        }
        let mut open = OpenOptions::new();
        open.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(0o600);
        }
        let file = open.open(&path).map_err(BackupError::write("create"))?;
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
/// 1. The target must be missing, an empty folder or a Tuilu vault
///    ([`crate::vault::layout::survey`]): a file is refused, and so is a folder holding
///    anything a vault does not hold, with or without `replace` — restore never deletes
///    what is not a vault's. A vault with any content (cases, evidence, flags, imported
///    years, added packs) is replaced only with `options.replace`.
/// 2. Every entry is decrypted into a staging folder beside the vault (0700, files 0600,
///    locked against other processes' cleaning) and checked against the manifest (SHA-256
///    and size); the age stream is read to its authenticated end.
/// 3. The staged vault is opened (migrated when older), its database checked
///    (`integrity_check`), and every evidence file re-hashed and the custody chain walked.
/// 4. Only then is it made live: swapped with the current folder in one atomic rename
///    (Linux `renameat2(RENAME_EXCHANGE)`, Apple `renamex_np(RENAME_SWAP)`), and the old
///    folder removed. Where the OS cannot swap, two renames: the old vault is moved aside
///    first, and a kill between them is undone by the next open
///    ([`recover_interrupted_restore`]), which puts the old vault back. A kill at any point
///    leaves a complete vault at `vault_dir` (or, in the fallback's window, one the next
///    open puts back); leftovers are cleaned by the next open.
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
    // A link to the vault folder is followed: the folder it names is restored.
    let resolved;
    let vault_dir = match fs::canonicalize(vault_dir) {
        Ok(p) if p != vault_dir => {
            resolved = p;
            resolved.as_path()
        }
        _ => vault_dir,
    };
    check_target(vault_dir, options.replace)?;
    // From here until the swap, the vault's database is held for writing: any other
    // writer (another app instance, a notification action, a CLI) waits, then gets "busy";
    // none is told its write was saved into the vault that is about to be replaced.
    // Writers that opened the vault before keep being refused afterwards
    // (`VaultError::Replaced`, the vault's commit hook).
    let writers_held = hold_writers(vault_dir)?;
    let parent = parent_of(vault_dir);
    fs::create_dir_all(&parent).map_err(BackupError::write("mkdir"))?;
    let _ = recover_interrupted_restore(vault_dir);

    let staging = parent.join(unique(&staging_prefix(vault_dir)));
    let mut cleanup = Cleanup(Some(staging.clone()));
    crate::vault::layout::create_private_dir(&staging).map_err(BackupError::write("mkdir"))?;
    // Held until the restore ends: another process's cleaning leaves the folder alone.
    let staging_lock = File::open(&staging).map_err(BackupError::write("lock"))?;
    staging_lock.lock().map_err(BackupError::write("lock"))?;

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

    // Make it live, after looking at the target again (it may have changed meanwhile).
    if cancel.is_cancelled() {
        return Err(BackupError::Cancelled);
    }
    let replaced = check_target(vault_dir, options.replace)?;
    if fs::symlink_metadata(vault_dir).is_ok() {
        if options.force_rename_fallback {
            swap_by_renames(&staging, vault_dir, options)
        } else {
            exchange(&staging, vault_dir, options)
        }
        .map_err(BackupError::write("rename"))?;
        // `staging` now holds the old vault; it is removed below.
    } else {
        fs::rename(&staging, vault_dir).map_err(BackupError::write("rename"))?;
        cleanup.disarm();
    }
    let _ = fsync_dir(&parent);
    pause(options, RestorePoint::Swapped);
    drop(writers_held);
    drop(cleanup);
    drop(staging_lock);
    progress.on_progress(bytes * 2, bytes * 2);
    Ok(RestoreReport {
        manifest,
        replaced,
        evidence_items_verified: items,
        custody_entries_verified: entries,
    })
}

/// A write transaction on the vault's database (none when there is no database yet),
/// held by the restore so that no other writer commits meanwhile.
fn hold_writers(vault_dir: &Path) -> Result<Option<rusqlite::Connection>, BackupError> {
    let db = vault_dir.join(crate::vault::DB_FILE);
    if !db.is_file() {
        return Ok(None);
    }
    let conn = rusqlite::Connection::open_with_flags(
        &db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(crate::vault::schema::BUSY_TIMEOUT)?;
    conn.execute_batch("BEGIN IMMEDIATE")?;
    Ok(Some(conn))
}

/// Refuses a target that is not a place to restore into; returns whether restoring
/// replaces content.
fn check_target(vault_dir: &Path, replace: bool) -> Result<bool, BackupError> {
    let name = vault_dir.display().to_string();
    let state = survey(vault_dir).map_err(|e| BackupError::Io {
        op: "list",
        source: e,
    })?;
    match state {
        FolderState::Missing | FolderState::Empty => Ok(false),
        FolderState::NotAFolder => Err(BackupError::TargetNotAFolder { name }),
        FolderState::NotAVault { found, unknown } => {
            let more_zh = if unknown > found.len() {
                format!(" 等 {unknown} 项")
            } else {
                String::new()
            };
            let more_en = if unknown > found.len() {
                format!(" and {} more", unknown - found.len())
            } else {
                String::new()
            };
            Err(BackupError::TargetNotAVault {
                name,
                found_zh: format!("{}{more_zh}", found.join("、")),
                found_en: format!("{}{more_en}", found.join(", ")),
            })
        }
        FolderState::Vault(content) if content.is_empty() => Ok(false),
        FolderState::Vault(_) if replace => Ok(true),
        FolderState::Vault(content) => {
            let (zh, en) = describe_content(&content);
            Err(BackupError::VaultHasContent { zh, en })
        }
    }
}

/// "3 个案件、2 项证据" / "3 cases, 2 evidence items".
fn describe_content(c: &VaultContent) -> (String, String) {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    let mut add = |n: u64, z: &str, one: &str, many: &str| {
        if n > 0 {
            zh.push(format!("{n} {z}"));
            en.push(count_en(n, one, many));
        }
    };
    add(c.cases, "个案件", "case", "cases");
    add(
        c.evidence_items,
        "项证据",
        "evidence item",
        "evidence items",
    );
    if c.evidence_items == 0 {
        add(
            c.evidence_files,
            "个证据文件",
            "evidence file",
            "evidence files",
        );
    }
    add(
        c.imported_years,
        "个导入的节假日年份",
        "imported holiday year",
        "imported holiday years",
    );
    add(
        c.added_packs,
        "个添加的规则包",
        "added rule pack",
        "added rule packs",
    );
    add(
        c.other_records,
        "条其他记录",
        "other record",
        "other records",
    );
    (zh.join("、"), en.join(", "))
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

/// Swaps two directories atomically where the OS can; otherwise [`swap_by_renames`].
fn exchange(a: &Path, b: &Path, options: &RestoreOptions) -> io::Result<()> {
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
    swap_by_renames(a, b, options)
}

/// The swap where the OS has no atomic one: the new vault `staged` takes the place of the
/// old one at `vault`, and the old one ends at `staged`'s path (removed by the caller).
///
/// 1. A marker `<staged>/.tmp/restored-<token>` is written and made durable.
/// 2. The old vault is renamed aside to `.<name>.restore-old-<token>`.
/// 3. The new vault is renamed into place. A kill between 2 and 3 leaves no folder at the
///    vault's path: the next open ([`recover_interrupted_restore`]) renames the old vault
///    back. If this rename fails, the old vault is renamed back at once.
/// 4. The old vault is renamed to `staged`'s path, and the marker removed. A kill before
///    that leaves the old vault aside and the marker in the new vault: the next open
///    removes the old one, because the marker proves the new one is in place.
fn swap_by_renames(staged: &Path, vault: &Path, options: &RestoreOptions) -> io::Result<()> {
    let token = unique("");
    let marker_dir = staged.join(TMP_DIR);
    crate::vault::layout::create_private_dir(&marker_dir)?;
    let marker = marker_dir.join(marker_name(&token));
    File::create(&marker)?.sync_all()?;
    fsync_dir(&marker_dir)?;
    fsync_dir(staged)?;
    let parent = parent_of(vault);
    let aside = parent.join(format!("{}{token}", aside_prefix(vault)));
    fs::rename(vault, &aside)?;
    fsync_dir(&parent)?;
    pause(options, RestorePoint::FallbackMovedAside);
    if let Err(e) = fs::rename(staged, vault) {
        let _ = fs::rename(&aside, vault);
        let _ = fsync_dir(&parent);
        return Err(e);
    }
    fsync_dir(&parent)?;
    fs::rename(&aside, staged)?;
    fsync_dir(&parent)?;
    fs::remove_file(vault.join(TMP_DIR).join(marker_name(&token)))?;
    Ok(())
}
