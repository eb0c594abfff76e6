//! Encrypted backup and restore of a whole vault: one file, encrypted with a passphrase
//! in the standard [age](https://age-encryption.org) format (scrypt recipient), holding a
//! tar stream with a manifest, a consistent database snapshot, the vault's files (imported
//! holiday years, ...) and every evidence original under its hash. Any age tool and `tar`
//! open it without Tuilu. See `docs/backup.md` for the format and the guarantees.

mod create;
mod error;
mod io;
mod manifest;
mod passphrase;
mod read;
mod restore;

pub(crate) use create::PREVIOUS_BACKUP_FILE;
pub use create::{
    create_backup, forget_last_backup, last_backup, CreateOptions, CreateReport, LastBackup,
    DEFAULT_SCRYPT_LOG_N, LAST_BACKUP_FILE,
};
pub use error::BackupError;
pub(crate) use io::unique as unique_name;
pub use manifest::{
    Counts, EntryKind, EvidenceInfo, Manifest, ManifestEntry, FORMAT, FORMAT_VERSION,
    MANIFEST_PATH, VAULT_PREFIX,
};
pub use passphrase::{assess_passphrase, PassphraseAssessment, PassphraseLevel};
pub use read::{inspect_backup, inspect_plain_stream, InspectReport};
pub use restore::{
    clean_restore_leftovers, recover_interrupted_restore, restore_backup, RestoreOptions,
    RestorePoint, RestoreReport,
};
