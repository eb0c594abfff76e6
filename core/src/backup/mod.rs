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
mod pipeline;
mod read;
mod restore;
mod work_factor;

pub(crate) use create::PREVIOUS_BACKUP_FILE;
pub use create::{
    create_backup, create_backup_with_faults, forget_last_backup, last_backup, CreateFaults,
    CreateOptions, CreateReport, LastBackup, LAST_BACKUP_FILE,
};
pub use error::{BackupError, BackupErrorKind};
pub(crate) use io::unique as unique_name;
pub use manifest::{
    Counts, EntryKind, EvidenceInfo, Manifest, ManifestEntry, FORMAT, FORMAT_VERSION,
    MANIFEST_PATH, VAULT_PREFIX,
};
pub use passphrase::{
    assess_passphrase, backup_key, generate_recovery_code, is_recovery_code, PassphraseAssessment,
    PassphraseLevel, MIN_GUESSES_LOG10, RECOVERY_CODE_DIGITS, RECOVERY_CODE_GROUP,
};
pub use read::{inspect_backup, inspect_plain_stream, InspectReport};
pub use restore::{
    clean_restore_leftovers, recover_interrupted_restore, restore_backup, RestoreOptions,
    RestorePoint, RestoreReport,
};
pub use work_factor::{
    scrypt_memory_bytes, DEFAULT_SCRYPT_LOG_N, MAX_SCRYPT_LOG_N, MIN_SCRYPT_LOG_N,
};
