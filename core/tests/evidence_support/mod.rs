//! Helpers shared by the evidence tests: a throwaway vault, fixed times, tiny fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::Connection;
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NewItem, NoProgress, SCHEMA_SQL};

pub struct Vault {
    pub dir: tempfile::TempDir,
    pub conn: Connection,
}

impl Vault {
    pub fn new() -> Vault {
        let dir = tempfile::tempdir().unwrap();
        let conn = open_conn(dir.path());
        Vault { dir, conn }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    pub fn store(&mut self) -> EvidenceStore<'_> {
        let root = self.dir.path().to_path_buf();
        EvidenceStore::new(&mut self.conn, &root)
    }

    /// Writes `bytes` to a file outside the vault and returns its path.
    pub fn fixture(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let dir = self.dir.path().join("outside");
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    pub fn add(&mut self, case: &str, step: Option<&str>, name: &str, bytes: &[u8]) -> String {
        let mut item = NewItem::import(case);
        item.step_id = step.map(str::to_string);
        item.step_title = step.map(|s| format!("步骤 {s}"));
        self.store()
            .add_bytes(&item, name, bytes, &NoProgress, &CancelFlag::new(), now())
            .unwrap()
            .item
            .id
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// Every file under `evidence/<sub>/`, recursively.
    pub fn files_under(&self, sub: &str) -> Vec<PathBuf> {
        walk(&self.dir.path().join("evidence").join(sub))
    }
}

/// A vault connection as the vault module will open it: WAL, busy timeout, schema applied.
pub fn open_conn(root: &Path) -> Connection {
    let conn = Connection::open(root.join("tuilu.sqlite3")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .unwrap();
    conn.execute_batch(SCHEMA_SQL).unwrap();
    conn
}

pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 6, 30, 0).unwrap()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Deterministic pseudo-random bytes.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A minimal JPEG whose EXIF has `DateTimeOriginal` (and `OffsetTimeOriginal` if given).
pub fn jpeg_with_exif(date_time_original: &str, offset: Option<&str>) -> Vec<u8> {
    let mut ascii: Vec<(u16, Vec<u8>)> = vec![(0x9003, date_time_original.as_bytes().to_vec())];
    if let Some(o) = offset {
        ascii.push((0x9011, o.as_bytes().to_vec()));
    }
    for (_, v) in &mut ascii {
        v.push(0);
    }
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    // IFD0: one entry, the Exif IFD pointer.
    let exif_ifd = 8 + 2 + 12 + 4;
    t.extend_from_slice(&1u16.to_le_bytes());
    t.extend_from_slice(&0x8769u16.to_le_bytes());
    t.extend_from_slice(&4u16.to_le_bytes());
    t.extend_from_slice(&1u32.to_le_bytes());
    t.extend_from_slice(&(exif_ifd as u32).to_le_bytes());
    t.extend_from_slice(&0u32.to_le_bytes());
    // Exif IFD.
    let mut data_off = exif_ifd + 2 + 12 * ascii.len() + 4;
    t.extend_from_slice(&(ascii.len() as u16).to_le_bytes());
    for (tag, v) in &ascii {
        t.extend_from_slice(&tag.to_le_bytes());
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&(v.len() as u32).to_le_bytes());
        t.extend_from_slice(&(data_off as u32).to_le_bytes());
        data_off += v.len();
    }
    t.extend_from_slice(&0u32.to_le_bytes());
    for (_, v) in &ascii {
        t.extend_from_slice(v);
    }
    let mut j = vec![0xFF, 0xD8, 0xFF, 0xE1];
    j.extend_from_slice(&((2 + 6 + t.len()) as u16).to_be_bytes());
    j.extend_from_slice(b"Exif\0\0");
    j.extend_from_slice(&t);
    j.extend_from_slice(&[0xFF, 0xD9]);
    j
}
