//! `manifest.json`, the first entry of every backup's tar stream.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::BackupError;

/// The `format` field of every backup manifest.
pub const FORMAT: &str = "tuilu-backup";
/// The format this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The first entry of the tar stream.
pub const MANIFEST_PATH: &str = "manifest.json";
/// Every other entry lives under this directory, laid out as in the vault folder.
pub const VAULT_PREFIX: &str = "vault/";

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// `vault/tuilu.sqlite3`: the database snapshot (cases, journal, evidence records and
    /// custody log, rule flags, reminder state).
    Database,
    /// `vault/evidence/sha256/<2 hex>/<sha256>`: an evidence original under its hash.
    Evidence,
    /// `vault/calendar/<year>.json`: an imported holiday year.
    HolidayYear,
    /// A rule pack the user added, stored in the vault folder.
    RulePack,
    /// Any other file of the vault folder.
    Other,
}

/// One entry of the tar stream (other than the manifest itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path inside the tar stream, `vault/...`.
    pub path: String,
    pub kind: EntryKind,
    pub size: u64,
    /// Lowercase hex SHA-256 of the entry's bytes.
    pub sha256: String,
}

/// What an evidence original is, for a person recovering files without Tuilu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceInfo {
    pub id: String,
    pub case_id: String,
    pub original_name: String,
    pub media_type: String,
    pub sha256: String,
}

/// How much of each kind the backup holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub cases: u64,
    /// Live evidence items (records).
    pub evidence_items: u64,
    /// Distinct evidence originals (files; items with the same bytes share one).
    pub evidence_files: u64,
    pub custody_entries: u64,
    pub holiday_years: u64,
    pub rule_packs: u64,
    pub rule_flags: u64,
    pub reminder_states: u64,
    /// Every entry except the manifest.
    pub entries: u64,
    /// Their total size in bytes.
    pub bytes: u64,
}

/// The manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    pub format_version: u32,
    /// The Tuilu version that wrote the backup.
    pub app_version: String,
    pub created_at: DateTime<Utc>,
    /// `PRAGMA user_version` of the database snapshot.
    pub schema_version: u32,
    pub counts: Counts,
    /// In tar order.
    pub entries: Vec<ManifestEntry>,
    pub evidence: Vec<EvidenceInfo>,
}

impl Manifest {
    /// Parses a manifest, refusing other formats and newer versions before reading the rest.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, BackupError> {
        let v: Value = serde_json::from_slice(bytes).map_err(|_| BackupError::NotABackup)?;
        if v.get("format").and_then(Value::as_str) != Some(FORMAT) {
            return Err(BackupError::NotABackup);
        }
        let found = v
            .get("format_version")
            .and_then(Value::as_u64)
            .ok_or(BackupError::NotABackup)?;
        if found > u64::from(FORMAT_VERSION) {
            return Err(BackupError::NewerFormat {
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: FORMAT_VERSION,
            });
        }
        // Read again into the struct: deserializing from `Value` would compile serde_json's
        // second (Value) deserializer into the library for this one type.
        let m: Manifest =
            serde_json::from_slice(bytes).map_err(|_| BackupError::EntryMismatch {
                path: MANIFEST_PATH.into(),
                what: "unreadable manifest",
            })?;
        Ok(m)
    }
}

impl ManifestEntry {
    /// Whether the entry is a file a vault holds, of the kind it claims: the database, an
    /// evidence original under its own hash, a holiday year `calendar/<year>.json`, an
    /// added pack `packs/<name>.json`, or the settings. Anything else (planted junk) makes
    /// the backup unreadable: restore writes nothing a vault would not hold.
    pub fn is_vault_file(&self) -> bool {
        let Some(rel) = self.path.strip_prefix(VAULT_PREFIX) else {
            return false;
        };
        let plain_json = |name: &str| {
            !name.is_empty()
                && !name.contains('/')
                && !name.starts_with('.')
                && name.len() > ".json".len()
                && name.ends_with(".json")
        };
        match self.kind {
            EntryKind::Database => rel == crate::vault::DB_FILE,
            EntryKind::Evidence => {
                self.sha256.len() == 64
                    && self
                        .sha256
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    && rel == super::create::evidence_rel_path(&self.sha256)
            }
            EntryKind::HolidayYear => rel
                .strip_prefix("calendar/")
                .and_then(|n| n.strip_suffix(".json"))
                .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit())),
            EntryKind::RulePack => rel.strip_prefix("packs/").is_some_and(plain_json),
            EntryKind::Other => rel == crate::vault::layout::SETTINGS_FILE,
        }
    }
}
