//! Keeping evidence files readable for a reader that works from a database snapshot (a
//! backup) while the app goes on deleting evidence.
//!
//! Two locks on files in `evidence/`:
//! - `.lock` (shared by every writer and by a pinning reader; exclusive for
//!   [`recover`](super::EvidenceStore::recover), which skips its work while anyone holds
//!   it shared);
//! - `.files.lock`: a delete holds it exclusively from before its transaction until the
//!   file is unlinked; a reader holds it shared while it takes its database snapshot and
//!   hard-links every file the snapshot names into `evidence/tmp/`.
//!
//! So a snapshot either sees an item deleted (the delete finished before it) or sees it
//! live with its file still in place, and the hard link then keeps the bytes until the
//! reader drops its [`PinnedFiles`], whatever is deleted meanwhile. Hard links cost no
//! copy; where the file system has none, the file is copied instead (under the lock).

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::store::content_path;
use super::util::{is_sha256_hex, unique_name};

const FILES_LOCK: &str = ".files.lock";

fn open_lock(root: &Path, name: &str) -> io::Result<File> {
    let dir = root.join("evidence");
    fs::create_dir_all(&dir)?;
    fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(name))
}

/// Held by a delete from before its transaction until its files are unlinked.
pub(crate) fn delete_lock(root: &Path) -> io::Result<File> {
    let f = open_lock(root, FILES_LOCK)?;
    f.lock()?;
    Ok(f)
}

/// A reader's hold on the evidence files: no delete can unlink a file while it is held.
/// Take it before the database snapshot, then [`pin`](Self::pin) the files it names.
pub struct FilesReadLock {
    root: PathBuf,
    files: File,
    writer: File,
}

impl FilesReadLock {
    /// Waits for any delete in progress to finish, then holds deletes off.
    pub fn acquire(vault_dir: &Path) -> io::Result<FilesReadLock> {
        let writer = open_lock(vault_dir, ".lock")?;
        writer.lock_shared()?;
        let files = open_lock(vault_dir, FILES_LOCK)?;
        files.lock_shared()?;
        Ok(FilesReadLock {
            root: vault_dir.to_path_buf(),
            files,
            writer,
        })
    }

    /// Hard-links (or copies) the file of every hash in `sha256s` into `evidence/tmp/` and
    /// lets deletes go on. A hash whose file is missing fails with `NotFound`.
    pub fn pin<'a>(self, sha256s: impl IntoIterator<Item = &'a str>) -> io::Result<PinnedFiles> {
        let tmp = self.root.join("evidence").join("tmp");
        fs::create_dir_all(&tmp)?;
        let mut pinned = PinnedFiles {
            links: BTreeMap::new(),
            _writer: self.writer,
        };
        for sha in sha256s {
            if !is_sha256_hex(sha) || pinned.links.contains_key(sha) {
                continue;
            }
            let src = content_path(&self.root, sha);
            let link = tmp.join(unique_name("backup-", &format!("-{sha}")));
            match fs::hard_link(&src, &link) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
                Err(_) => {
                    fs::copy(&src, &link)?;
                }
            }
            pinned.links.insert(sha.to_string(), link);
        }
        drop(self.files);
        Ok(pinned)
    }
}

/// Files kept readable for a reader (see [`FilesReadLock::pin`]); the links are removed
/// when it is dropped. Until then [`recover`](super::EvidenceStore::recover) leaves
/// `evidence/tmp/` alone; a link left by a killed process is removed by the next recovery.
pub struct PinnedFiles {
    links: BTreeMap<String, PathBuf>,
    _writer: File,
}

impl PinnedFiles {
    /// Where the bytes with this hash can be read, if it was pinned.
    pub fn path(&self, sha256: &str) -> Option<&Path> {
        self.links.get(sha256).map(PathBuf::as_path)
    }
}

impl Drop for PinnedFiles {
    fn drop(&mut self) {
        for link in self.links.values() {
            let _ = fs::remove_file(link);
        }
    }
}
