//! Making a backup: a database snapshot through SQLite's online backup API, then one
//! streamed pass that writes the manifest, the snapshot, the vault files and every evidence
//! original into a tar stream encrypted with age (passphrase recipient).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SubsecRound, Utc};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use super::error::BackupError;
use super::io::{unique, Meter, Tracked};
use super::manifest::{
    Counts, EntryKind, EvidenceInfo, Manifest, ManifestEntry, FORMAT, FORMAT_VERSION, VAULT_PREFIX,
};
use super::pipeline::{write_encrypted, Source};
use crate::evidence::{CancelFlag, Progress};
use crate::files::{fsync_dir, write_atomic};
use crate::vault::layout::{
    is_inside, is_vault_entry, TempEntry, CALENDAR_DIR, EVIDENCE_DIR, PACKS_DIR, PART_FILE_PREFIX,
    PART_FILE_SUFFIX, PART_RECORD_PREFIX, SETTINGS_FILE, SNAPSHOT_PREFIX,
};
use crate::vault::DB_FILE;

/// Where the date of the last backup is kept, in the vault folder (not itself backed up).
pub const LAST_BACKUP_FILE: &str = "last-backup.json";
/// The record [`LAST_BACKUP_FILE`] held before the latest backup (`null`: none), so that
/// [`forget_last_backup`] can put it back when the new file never reached its place.
pub(crate) const PREVIOUS_BACKUP_FILE: &str = "last-backup.previous.json";

/// How to make a backup.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    /// Written into the manifest (the app's or the CLI's version).
    pub app_version: String,
    /// scrypt work factor (log2 N). `None`: [`super::DEFAULT_SCRYPT_LOG_N`]; otherwise
    /// within [`super::MIN_SCRYPT_LOG_N`]..=[`super::MAX_SCRYPT_LOG_N`] (tests use a small
    /// one), or [`BackupError::WorkFactorOutOfRange`].
    pub scrypt_log_n: Option<u8>,
}

/// What [`create_backup`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreateReport {
    pub path: PathBuf,
    /// Size of the encrypted file.
    pub size: u64,
    pub manifest: Manifest,
}

/// The last backup made from a vault (`last-backup.json`), for a "last backed up" hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastBackup {
    pub created_at: DateTime<Utc>,
    pub size: u64,
    pub cases: u64,
    pub evidence_files: u64,
}

/// The last backup made from the vault in `vault_dir`, if any (an unreadable record is none).
pub fn last_backup(vault_dir: &Path) -> Option<LastBackup> {
    let bytes = fs::read(vault_dir.join(LAST_BACKUP_FILE)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The latest backup never reached the place the user chose (the export was abandoned,
/// the copy failed): the record of the backup before it comes back, so the apps keep
/// saying a backup is due. Nothing happens when there is nothing to put back.
pub fn forget_last_backup(vault_dir: &Path) -> io::Result<()> {
    let previous = match fs::read(vault_dir.join(PREVIOUS_BACKUP_FILE)) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if previous.trim_ascii() == b"null" {
        match fs::remove_file(vault_dir.join(LAST_BACKUP_FILE)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    } else {
        write_atomic(&vault_dir.join(LAST_BACKUP_FILE), &previous)?;
    }
    fs::remove_file(vault_dir.join(PREVIOUS_BACKUP_FILE))
}

/// Deletes a path when dropped, unless disarmed.
pub(crate) struct Cleanup(pub Option<PathBuf>);

impl Cleanup {
    pub fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            if p.is_dir() {
                let _ = fs::remove_dir_all(&p);
            } else {
                let _ = fs::remove_file(&p);
            }
        }
    }
}

/// One file to put into the tar stream.
struct Planned {
    entry: ManifestEntry,
    source: PathBuf,
}

/// Writes an encrypted backup of the vault in `vault_dir` to `out` (which must not exist).
///
/// The database is copied with SQLite's online backup API while the app may be writing;
/// the copy (in the vault's private area `.tmp/`, never beside `out`) is the consistent state that is
/// backed up, and the evidence originals are those its records name: they are hard-linked
/// aside under the evidence files' read lock while the snapshot is taken, so an item
/// deleted while the backup runs is still backed up whole ([`crate::evidence::PinnedFiles`]).
/// The output is a
/// temporary file beside `out`, fsynced and renamed at the end: a failure or a
/// cancellation leaves no file. Memory use does not grow with the evidence: files are
/// streamed through a few 1 MiB blocks, read and hashed on the caller's thread while a
/// second thread encrypts and writes ([`super::pipeline`]). Each original is hashed while
/// it is copied; one that changed fails the backup.
pub fn create_backup(
    vault_dir: &Path,
    out: &Path,
    passphrase: &str,
    options: &CreateOptions,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    now: DateTime<Utc>,
) -> Result<CreateReport, BackupError> {
    create_backup_with_faults(
        vault_dir,
        out,
        passphrase,
        options,
        &CreateFaults::default(),
        progress,
        cancel,
        now,
    )
}

/// Test hooks of [`create_backup_with_faults`].
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct CreateFaults {
    /// Writes into the output fail with "no space" after this many bytes.
    pub fail_writes_after: Option<u64>,
}

/// [`create_backup`] with injected failures (tests only).
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn create_backup_with_faults(
    vault_dir: &Path,
    out: &Path,
    passphrase: &str,
    options: &CreateOptions,
    faults: &CreateFaults,
    progress: &dyn Progress,
    cancel: &CancelFlag,
    now: DateTime<Utc>,
) -> Result<CreateReport, BackupError> {
    let Preflight {
        log_n,
        out_name,
        db,
        out_dir,
    } = preflight(vault_dir, out, passphrase, options)?;
    let created_at = now.trunc_subsecs(0);

    // 1. The database snapshot, in the vault's private temporary area (0700, the file
    //    0600, held while the backup runs, removed at the end or by the next open).
    let snap = TempEntry::file(vault_dir, SNAPSHOT_PREFIX, ".sqlite3")
        .map_err(BackupError::write("create"))?;
    let snap_path = snap.path().to_path_buf();
    // Under the evidence files' read lock: no delete unlinks a file between the snapshot
    // and the pins, and the pins keep every file it names until the backup is written.
    let files_lock =
        crate::evidence::FilesReadLock::acquire(vault_dir).map_err(|e| BackupError::Io {
            op: "lock",
            source: e,
        })?;
    let (schema_version, mut counts, evidence) = snapshot(&db, &snap_path)?;
    let pinned = files_lock
        .pin(evidence.iter().map(|(sha, _, _)| sha.as_str()))
        .map_err(|e| BackupError::Io {
            op: "read",
            source: e,
        })?;
    if cancel.is_cancelled() {
        return Err(BackupError::Cancelled);
    }

    // 2. What goes in: the snapshot, the other vault files, the evidence originals.
    let planned = plan_entries(vault_dir, &snap_path, &evidence, &pinned, &mut counts)?;
    counts.entries = planned.len() as u64;
    counts.bytes = planned.iter().map(|p| p.entry.size).sum();
    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        app_version: options.app_version.clone(),
        created_at,
        schema_version,
        counts,
        entries: planned.iter().map(|p| p.entry.clone()).collect(),
        evidence: evidence.into_iter().map(|(_, _, info)| info).collect(),
    };
    let manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| BackupError::Vault(e.to_string()))?;

    // 3. The encrypted stream, into a temporary file beside `out`, named in a record in
    //    the private area first, so that the next open removes it if this run is killed.
    let dir = out_dir;
    let tmp = dir.join(format!("{}{PART_FILE_SUFFIX}", unique(PART_FILE_PREFIX)));
    let part_record =
        TempEntry::file(vault_dir, PART_RECORD_PREFIX, "").map_err(BackupError::write("create"))?;
    {
        let mut f = part_record.handle();
        let abs = std::path::absolute(&tmp).map_err(BackupError::write("create"))?;
        f.write_all(abs.to_string_lossy().as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(BackupError::write("write"))?;
    }
    let mut tmp_cleanup = Cleanup(Some(tmp.clone()));
    let mut open = OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600); // personal data, even encrypted
    }
    let file = open.open(&tmp).map_err(BackupError::write("create"))?;
    let sources: Vec<Source<'_>> = planned
        .iter()
        .map(|p| Source {
            tar_path: &p.entry.path,
            size: p.entry.size,
            sha256: &p.entry.sha256,
            path: &p.source,
        })
        .collect();
    let (file, mut meter) = write_encrypted(
        file,
        passphrase,
        log_n,
        &manifest_json,
        manifest.counts.bytes,
        &sources,
        created_at,
        progress,
        cancel,
        faults.fail_writes_after,
    )?;
    let size = file.metadata().map_err(BackupError::write("stat"))?.len();
    drop(file);
    if cancel.is_cancelled() {
        return Err(BackupError::Cancelled);
    }
    if out.exists() {
        return Err(BackupError::OutputExists { name: out_name });
    }
    fs::rename(&tmp, out).map_err(BackupError::write("rename"))?;
    tmp_cleanup.disarm();
    let _ = fsync_dir(&dir);
    drop(part_record);
    drop(snap);
    meter.report();

    record_last_backup(vault_dir, created_at, size, &manifest.counts);
    Ok(CreateReport {
        path: out.to_path_buf(),
        size,
        manifest,
    })
}

/// What the checks before a backup found: the work factor, the output's name and folder,
/// the database.
struct Preflight {
    log_n: u8,
    out_name: String,
    db: PathBuf,
    out_dir: PathBuf,
}

/// Refuses a backup that cannot be made or must not be: no or a weak passphrase, an output
/// that exists or lies inside the vault, a vault without a database.
fn preflight(
    vault_dir: &Path,
    out: &Path,
    passphrase: &str,
    options: &CreateOptions,
) -> Result<Preflight, BackupError> {
    if passphrase.is_empty() {
        return Err(BackupError::EmptyPassphrase);
    }
    let strength = super::assess_passphrase(passphrase);
    if !strength.accepted {
        return Err(BackupError::WeakPassphrase {
            zh: strength.advice.zh,
            en: strength.advice.en,
        });
    }
    let log_n = super::work_factor::creation_log_n(options.scrypt_log_n)?;
    let out_name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if out.exists() {
        return Err(BackupError::OutputExists { name: out_name });
    }
    let db = vault_dir.join(DB_FILE);
    if !db.is_file() {
        return Err(BackupError::Vault(
            "保险库里还没有数据库 / the vault has no database yet".into(),
        ));
    }
    // A backup inside the vault folder would be carried by the next backup, and deleted
    // by a restore.
    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if is_inside(out, vault_dir) {
        return Err(BackupError::OutputInsideVault);
    }
    Ok(Preflight {
        log_n,
        out_name,
        db,
        out_dir,
    })
}

/// Every file the backup carries, hashed: the database snapshot, the other vault files
/// (holiday years and rule packs counted), and the evidence originals its records name
/// (each once, from its pin when it has one).
fn plan_entries(
    vault_dir: &Path,
    snap_path: &Path,
    evidence: &[EvidenceRow],
    pinned: &crate::evidence::PinnedFiles,
    counts: &mut Counts,
) -> Result<Vec<Planned>, BackupError> {
    let mut planned = vec![Planned {
        entry: hashed_entry(
            snap_path,
            format!("{VAULT_PREFIX}{DB_FILE}"),
            EntryKind::Database,
        )?,
        source: snap_path.to_path_buf(),
    }];
    for (rel, path) in vault_files(vault_dir)? {
        let kind = kind_of(&rel);
        match kind {
            EntryKind::HolidayYear => counts.holiday_years += 1,
            EntryKind::RulePack => counts.rule_packs += 1,
            _ => {}
        }
        planned.push(Planned {
            entry: hashed_entry(&path, format!("{VAULT_PREFIX}{rel}"), kind)?,
            source: path,
        });
    }
    let mut files: Vec<(String, u64)> = evidence
        .iter()
        .map(|(sha, size, _)| (sha.clone(), *size))
        .collect();
    crate::sort::sort(&mut files);
    files.dedup_by(|a, b| a.0 == b.0);
    counts.evidence_files = files.len() as u64;
    for (sha, size) in &files {
        let rel = evidence_rel_path(sha);
        planned.push(Planned {
            entry: ManifestEntry {
                path: format!("{VAULT_PREFIX}{rel}"),
                kind: EntryKind::Evidence,
                size: *size,
                sha256: sha.clone(),
            },
            source: pinned
                .path(sha)
                .map_or_else(|| vault_dir.join(&rel), Path::to_path_buf),
        });
    }
    Ok(planned)
}

/// Records the backup made (best effort: the backup exists either way). The record it
/// replaces is kept aside.
fn record_last_backup(vault_dir: &Path, created_at: DateTime<Utc>, size: u64, counts: &Counts) {
    let last = LastBackup {
        created_at,
        size,
        cases: counts.cases,
        evidence_files: counts.evidence_files,
    };
    if let Ok(json) = serde_json::to_vec_pretty(&last) {
        let previous = fs::read(vault_dir.join(LAST_BACKUP_FILE)).unwrap_or(b"null".to_vec());
        let _ = write_atomic(&vault_dir.join(PREVIOUS_BACKUP_FILE), &previous);
        let _ = write_atomic(&vault_dir.join(LAST_BACKUP_FILE), &json);
    }
}

/// `evidence/sha256/<first two hex>/<sha256>`, as in the vault.
pub(crate) fn evidence_rel_path(sha: &str) -> String {
    format!("evidence/sha256/{}/{sha}", &sha[..2])
}

fn kind_of(rel: &str) -> EntryKind {
    if rel.starts_with("calendar/") && rel.ends_with(".json") {
        EntryKind::HolidayYear
    } else if rel.starts_with("packs/") {
        EntryKind::RulePack
    } else {
        EntryKind::Other
    }
}

fn hashed_entry(
    path: &Path,
    tar_path: String,
    kind: EntryKind,
) -> Result<ManifestEntry, BackupError> {
    let cancel = CancelFlag::new();
    let mut meter = Meter::new(0, &crate::evidence::NoProgress, &cancel);
    let f = File::open(path).map_err(|e| BackupError::Io {
        op: "read",
        source: e,
    })?;
    let mut t = Tracked::new(f, &mut meter);
    io::copy(&mut t, &mut io::sink()).map_err(|e| BackupError::Io {
        op: "read",
        source: e,
    })?;
    let (sha256, size) = t.finish();
    Ok(ManifestEntry {
        path: tar_path,
        kind,
        size,
        sha256,
    })
}

/// The vault's own files other than the database and the evidence store (taken from the
/// records instead): the settings, imported holiday years (`calendar/*.json`) and added
/// rule packs (`packs/*.json`). `(relative path with '/', path)`, sorted. Anything else in
/// the folder is not the vault's and is not carried.
fn vault_files(vault_dir: &Path) -> Result<Vec<(String, PathBuf)>, BackupError> {
    let list_err = |e| BackupError::Io {
        op: "list",
        source: e,
    };
    let mut out = Vec::new();
    let settings = vault_dir.join(SETTINGS_FILE);
    if settings.is_file() {
        out.push((SETTINGS_FILE.to_string(), settings));
    }
    for sub in [CALENDAR_DIR, PACKS_DIR] {
        let entries = match fs::read_dir(vault_dir.join(sub)) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(list_err(e)),
        };
        for e in entries {
            let e = e.map_err(list_err)?;
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().map_err(list_err)?.is_file()
                && !name.starts_with('.')
                && name.ends_with(".json")
            {
                out.push((format!("{sub}/{name}"), e.path()));
            }
        }
    }
    debug_assert!(out.iter().all(|(r, _)| {
        let top = r.split('/').next().unwrap_or_default();
        is_vault_entry(top, r.contains('/')) && top != EVIDENCE_DIR
    }));
    crate::sort::sort(&mut out);
    Ok(out)
}

type EvidenceRow = (String, u64, EvidenceInfo);

/// Copies the database to `snap` with the online backup API (one consistent read
/// transaction), then reads what the manifest needs from the copy.
fn snapshot(db: &Path, snap: &Path) -> Result<(u32, Counts, Vec<EvidenceRow>), BackupError> {
    let src = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    src.busy_timeout(std::time::Duration::from_secs(10))?;
    let mut dst = Connection::open(snap)?;
    {
        let b = rusqlite::backup::Backup::new(&src, &mut dst)?;
        // All pages in one step: one read transaction, so the copy is consistent even
        // while the app writes (WAL readers do not block writers).
        let mut tries = 0;
        loop {
            use rusqlite::backup::StepResult;
            match b.step(-1)? {
                StepResult::Done => break,
                // Another connection holds a lock: wait a little and retry.
                StepResult::Busy | StepResult::Locked if tries < 200 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                _ => {
                    return Err(BackupError::Vault(
                        "数据库忙，稍后再试 / the database stays busy; try again".into(),
                    ))
                }
            }
        }
    }
    drop(src);
    let version: u32 = dst.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let has = |t: &str| -> rusqlite::Result<bool> {
        dst.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [t],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    let count = |sql: &str, table: &str| -> rusqlite::Result<u64> {
        if has(table)? {
            dst.query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n as u64)
        } else {
            Ok(0)
        }
    };
    let mut counts = Counts {
        cases: count("SELECT count(*) FROM cases", "cases")?,
        evidence_items: count(
            "SELECT count(*) FROM evidence_items WHERE deleted_at IS NULL",
            "evidence_items",
        )?,
        custody_entries: count("SELECT count(*) FROM evidence_custody", "evidence_custody")?,
        rule_flags: count("SELECT count(*) FROM rule_flags", "rule_flags")?,
        reminder_states: count("SELECT count(*) FROM reminder_state", "reminder_state")?,
        ..Counts::default()
    };
    let mut evidence = Vec::new();
    if has("evidence_items")? {
        let mut stmt = dst.prepare(
            "SELECT id, case_id, original_name, media_type, sha256, size FROM evidence_items
             WHERE deleted_at IS NULL ORDER BY case_id, imported_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)? as u64,
                EvidenceInfo {
                    id: r.get(0)?,
                    case_id: r.get(1)?,
                    original_name: r.get(2)?,
                    media_type: r.get(3)?,
                    sha256: r.get(4)?,
                },
            ))
        })?;
        for row in rows {
            let row = row?;
            if row.0.len() != 64 || !row.0.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(BackupError::Vault(
                    "bad evidence hash in the database".into(),
                ));
            }
            evidence.push(row);
        }
    }
    counts.evidence_items = evidence.len() as u64;
    // Leave a plain rollback-journal file: the copy is read alone afterwards.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    drop(dst);
    Ok((version, counts, evidence))
}
