//! What a vault folder holds, and nothing else.
//!
//! A vault is a folder with the database ([`DB_FILE`]) and a fixed set of other entries
//! (the evidence store, imported holiday years, rule packs added at run time, settings,
//! the last-backup record, a private temporary area). This module is the one owner of that
//! list: restore uses it to refuse a target that is neither empty nor a vault (so it never
//! deletes what it does not own), backup uses it to take only vault files, and
//! [`Vault::open`](super::Vault::open) uses it to keep the folder private and to clean the
//! temporary area of runs that were killed.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::DB_FILE;

/// Settings the app stores (language, quiet hours...).
pub const SETTINGS_FILE: &str = "settings.json";
/// Rule packs added at run time, one compiled JSON file each.
pub const PACKS_DIR: &str = "packs";
/// Imported holiday years, `<year>.json`.
pub const CALENDAR_DIR: &str = "calendar";
/// The evidence store: `sha256/<xx>/<hash>` originals, `tmp/` imports, `.lock`.
pub const EVIDENCE_DIR: &str = "evidence";
/// The private temporary area (0700): database snapshots of backups in progress, records
/// of their temporary output files. Everything in it is held by a live process (an
/// advisory lock) or is debris of a killed run, removed by [`clean_temporary_area`].
pub const TMP_DIR: &str = ".tmp";

/// Prefix of a database snapshot in [`TMP_DIR`].
pub const SNAPSHOT_PREFIX: &str = "snapshot-";
/// Prefix of a record naming a backup's temporary output file, in [`TMP_DIR`].
pub const PART_RECORD_PREFIX: &str = "part-";
/// Prefix of a backup's temporary output file, written beside the chosen output.
pub const PART_FILE_PREFIX: &str = ".tuilu-backup-";
/// Suffix of a backup's temporary output file.
pub const PART_FILE_SUFFIX: &str = ".part";

/// Top-level files a vault may hold besides the database.
fn known_file(name: &str) -> bool {
    let db_side = name
        .strip_prefix(DB_FILE)
        .is_some_and(|rest| matches!(rest, "" | "-wal" | "-shm" | "-journal"));
    db_side
        || name == SETTINGS_FILE
        || name == crate::backup::LAST_BACKUP_FILE
        || name == crate::backup::PREVIOUS_BACKUP_FILE
        // Temporary files of atomic writes (`.settings.json.tmp-<pid>`), and database
        // snapshots of backups made by earlier versions (`.backup-snapshot-…`).
        || (name.starts_with('.') && name.contains(".tmp-"))
        || name.starts_with(".backup-snapshot-")
}

fn known_dir(name: &str) -> bool {
    matches!(name, EVIDENCE_DIR | CALENDAR_DIR | PACKS_DIR | TMP_DIR)
}

/// Whether `name` (a top-level entry of a vault folder) is something a vault holds.
pub fn is_vault_entry(name: &str, is_dir: bool) -> bool {
    if is_dir {
        known_dir(name)
    } else {
        known_file(name)
    }
}

/// What a folder holds that makes it more than an empty vault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VaultContent {
    pub cases: u64,
    pub evidence_items: u64,
    /// Other records: rule flags, reminder state, custody entries of deleted items...
    pub other_records: u64,
    pub imported_years: u64,
    pub added_packs: u64,
    /// Original files in the evidence store (also those no record names any more).
    pub evidence_files: u64,
}

impl VaultContent {
    pub fn is_empty(&self) -> bool {
        *self == VaultContent::default()
    }
}

/// What is at a path where a vault should be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderState {
    /// Nothing there yet.
    Missing,
    /// An empty folder.
    Empty,
    /// A vault (its content may be empty: a vault the app just created).
    Vault(VaultContent),
    /// A regular file (or something else that is not a folder).
    NotAFolder,
    /// A folder that is not empty and not a vault: `found` names up to five of the
    /// entries that are not a vault's, out of `unknown` such entries.
    NotAVault { found: Vec<String>, unknown: usize },
}

/// Looks at `dir` without changing anything. A symbolic link is followed.
pub fn survey(dir: &Path) -> io::Result<FolderState> {
    let meta = match fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            // A dangling link is something, not nothing.
            return Ok(if fs::symlink_metadata(dir).is_ok() {
                FolderState::NotAFolder
            } else {
                FolderState::Missing
            });
        }
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Ok(FolderState::NotAFolder);
    }
    let mut names: Vec<(String, bool)> = Vec::new();
    for e in fs::read_dir(dir)? {
        let e = e?;
        let is_dir = e.file_type()?.is_dir();
        names.push((e.file_name().to_string_lossy().into_owned(), is_dir));
    }
    if names.is_empty() {
        return Ok(FolderState::Empty);
    }
    crate::sort::sort(&mut names);
    let has_db = names.iter().any(|(n, d)| n == DB_FILE && !d);
    let mut unknown: Vec<String> = names
        .iter()
        .filter(|(n, d)| !has_db || !is_vault_entry(n, *d))
        .map(|(n, d)| if *d { format!("{n}/") } else { n.clone() })
        .collect();
    if has_db && unknown.is_empty() {
        match database_content(&dir.join(DB_FILE)) {
            Some(mut content) => {
                content.imported_years = count_files(&dir.join(CALENDAR_DIR), 1)?;
                content.added_packs = count_files(&dir.join(PACKS_DIR), 1)?;
                content.evidence_files = count_files(&dir.join(EVIDENCE_DIR).join("sha256"), 2)?;
                return Ok(FolderState::Vault(content));
            }
            None => unknown.push(DB_FILE.to_string()),
        }
    }
    let count = unknown.len();
    unknown.truncate(5);
    Ok(FolderState::NotAVault {
        found: unknown,
        unknown: count,
    })
}

/// The records in a vault database; `None` when the file is not a Tuilu database (not
/// SQLite, or no `cases` table). Nothing is written; the connection is opened read-write
/// (never creating) only so that closing it removes the WAL side files a read-only one
/// would leave behind, and the folder is as it was.
fn database_content(db: &Path) -> Option<VaultContent> {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .ok()?;
    conn.busy_timeout(std::time::Duration::from_secs(10)).ok()?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .ok()?
        .query_map([], |r| r.get(0))
        .ok()?
        .collect::<rusqlite::Result<_>>()
        .ok()?;
    if !tables.iter().any(|t| t == "cases") {
        // An empty file is a database with no tables: a vault that was being created.
        let size = fs::metadata(db).map(|m| m.len()).unwrap_or(1);
        return (tables.is_empty() && size == 0).then(VaultContent::default);
    }
    let mut content = VaultContent::default();
    let mut custody = 0;
    for t in &tables {
        // Bookkeeping, not the user's content.
        if t == "migrations" {
            continue;
        }
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
            .ok()?;
        let n = n.max(0) as u64;
        match t.as_str() {
            "cases" => content.cases = n,
            "evidence_items" => content.evidence_items = n,
            // Rows of a case (steps, journal) or of an item (tags, links) are counted with it.
            "steps" | "events" | "evidence_tags" | "evidence_item_steps" => {}
            "evidence_custody" => custody = n,
            _ => content.other_records += n,
        }
    }
    // The custody log goes with the items; without any, it is the record of deletions.
    if content.evidence_items == 0 {
        content.other_records += custody;
    }
    Some(content)
}

/// Regular files `depth` levels below `dir` (0 when it does not exist).
fn count_files(dir: &Path, depth: usize) -> io::Result<u64> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut n = 0;
    for e in entries {
        let e = e?;
        let ft = e.file_type()?;
        if depth > 1 && ft.is_dir() {
            n += count_files(&e.path(), depth - 1)?;
        } else if depth == 1 && ft.is_file() && !e.file_name().to_string_lossy().starts_with('.') {
            n += 1;
        }
    }
    Ok(n)
}

/// Owner-only modes for the vault folder (0700) and its database files (0600), whatever
/// the umask or the modes they had. Unix only; elsewhere a no-op.
pub fn make_private(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let set = |path: &Path, mode: u32| -> io::Result<()> {
            match fs::metadata(path) {
                Ok(m) if m.permissions().mode() & 0o777 != mode => {
                    fs::set_permissions(path, fs::Permissions::from_mode(mode))
                }
                Ok(_) => Ok(()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e),
            }
        };
        set(dir, 0o700)?;
        for side in ["", "-wal", "-shm", "-journal"] {
            set(&dir.join(format!("{DB_FILE}{side}")), 0o600)?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Whether `path` (which need not exist yet) lies inside the folder `dir`, links
/// resolved as far as the path exists.
pub fn is_inside(path: &Path, dir: &Path) -> bool {
    let Ok(dir) = fs::canonicalize(dir) else {
        return false;
    };
    let Ok(abs) = std::path::absolute(path) else {
        return false;
    };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(existing) {
            let mut p = real;
            for c in rest.iter().rev() {
                p.push(c);
            }
            return p.starts_with(&dir);
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return false,
        }
    }
}

/// Creates `dir` owner-only (0700) if missing.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// A file or folder in the private temporary area, held (an exclusive advisory lock) while
/// this value lives, so that [`clean_temporary_area`] in another process or thread leaves it
/// alone. Dropping it removes it.
#[derive(Debug)]
pub struct TempEntry {
    path: PathBuf,
    lock: Option<File>,
}

impl TempEntry {
    /// A new, locked, empty file `<vault>/.tmp/<prefix><unique>` (mode 0600).
    pub fn file(vault_dir: &Path, prefix: &str, suffix: &str) -> io::Result<TempEntry> {
        let tmp = vault_dir.join(TMP_DIR);
        create_private_dir(&tmp)?;
        let path = tmp.join(format!("{}{suffix}", crate::backup::unique_name(prefix)));
        let mut open = fs::OpenOptions::new();
        open.write(true).read(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            open.mode(0o600);
        }
        let f = open.open(&path)?;
        f.lock()?;
        Ok(TempEntry {
            path,
            lock: Some(f),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open, locked file.
    pub fn handle(&self) -> &File {
        self.lock.as_ref().expect("held until drop")
    }
}

impl Drop for TempEntry {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
        self.lock = None;
    }
}

/// Removes what killed runs left in `<vault>/.tmp`: each entry that no live process holds.
/// A record of a backup's temporary output names that file; it is removed too, but only
/// when its name is one a backup gives its temporary output (never any other file).
/// Returns how many entries were removed.
pub fn clean_temporary_area(vault_dir: &Path) -> io::Result<usize> {
    let tmp = vault_dir.join(TMP_DIR);
    let entries = match fs::read_dir(&tmp) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for e in entries {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(SNAPSHOT_PREFIX) || name.starts_with(PART_RECORD_PREFIX))
            || name.ends_with("-journal")
        {
            continue; // a snapshot's journal goes with its snapshot
        }
        let path = e.path();
        let Ok(f) = fs::OpenOptions::new().read(true).write(true).open(&path) else {
            continue;
        };
        if f.try_lock().is_err() {
            continue; // a live backup holds it
        }
        if name.starts_with(PART_RECORD_PREFIX) {
            if let Ok(target) = fs::read_to_string(&path) {
                let target = PathBuf::from(target.trim_end_matches('\n'));
                if is_part_file(&target) {
                    let _ = fs::remove_file(&target);
                }
            }
        }
        if name.starts_with(SNAPSHOT_PREFIX) {
            let _ = fs::remove_file(tmp.join(format!("{name}-journal")));
        }
        fs::remove_file(&path)?;
        drop(f);
        removed += 1;
    }
    Ok(removed)
}

/// A backup's temporary output file: `.tuilu-backup-<unique>.part`.
pub fn is_part_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with(PART_FILE_PREFIX) && n.ends_with(PART_FILE_SUFFIX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_of_other_files_is_not_a_vault() {
        let t = tempfile::tempdir().unwrap();
        fs::write(t.path().join("tax.pdf"), b"x").unwrap();
        fs::create_dir(t.path().join("photos")).unwrap();
        match survey(t.path()).unwrap() {
            FolderState::NotAVault { found, unknown } => {
                assert_eq!(unknown, 2);
                assert_eq!(found, vec!["photos/".to_string(), "tax.pdf".to_string()]);
            }
            s => panic!("{s:?}"),
        }
        // Even beside a database.
        fs::write(t.path().join(DB_FILE), b"").unwrap();
        assert!(matches!(
            survey(t.path()).unwrap(),
            FolderState::NotAVault { unknown: 2, .. }
        ));
    }

    #[test]
    fn empty_missing_and_file() {
        let t = tempfile::tempdir().unwrap();
        assert_eq!(survey(t.path()).unwrap(), FolderState::Empty);
        assert_eq!(
            survey(&t.path().join("nope")).unwrap(),
            FolderState::Missing
        );
        let f = t.path().join("f");
        fs::write(&f, b"x").unwrap();
        assert_eq!(survey(&f).unwrap(), FolderState::NotAFolder);
    }

    #[test]
    fn a_sqlite_file_that_is_not_ours_is_not_a_vault() {
        let t = tempfile::tempdir().unwrap();
        let c = Connection::open(t.path().join(DB_FILE)).unwrap();
        c.execute_batch("CREATE TABLE photos (x); INSERT INTO photos VALUES (1);")
            .unwrap();
        drop(c);
        assert!(matches!(
            survey(t.path()).unwrap(),
            FolderState::NotAVault { .. }
        ));
    }
}
