//! The scrypt work factor of backups: what a new backup uses, and the fixed range a backup
//! may ask for to be opened. Fixed, not measured: the age crate's own limit for reading
//! comes from a timing probe (about 16 times what takes a second *now*), so whether a file
//! opened depended on the machine's load (issue 23). See docs/backup.md#work-factor.
//!
//! scrypt with r = 8 needs 128 · r · N = 2^(log N + 10) bytes of memory and time in
//! proportion to N: 15 → 32 MiB, 16 → 64 MiB, 17 → 128 MiB, 18 → 256 MiB, 19 → 512 MiB.

use super::error::BackupError;

/// The work factor of a new backup: 2^18, age's own default (the Go `age -p` always uses
/// it), 256 MiB and about a second of scrypt on a mid-range phone. Each guess at the
/// passphrase costs an attacker the same (docs/backup.md#attacker-cost).
pub const DEFAULT_SCRYPT_LOG_N: u8 = 18;

/// The highest work factor a backup may ask for to be inspected or restored: age's default
/// (18) and one step of margin for files that `rage` made on a fast computer (it picks
/// about a second of work there). 2^19 needs 512 MiB. A file asking for more is refused
/// before any scrypt work, whatever the passphrase: opening it could take a phone minutes
/// and more memory than it has, and a hostile header can ask for 2^63.
pub const MAX_SCRYPT_LOG_N: u8 = 19;

/// The lowest work factor [`super::CreateOptions::scrypt_log_n`] accepts: 2^10 (1 MiB,
/// about a millisecond). Only tests and benchmarks go below the default, to stay fast;
/// the apps and the release CLI never set it. Below 10 is refused, not clamped.
pub const MIN_SCRYPT_LOG_N: u8 = 10;

/// Bytes of memory scrypt (r = 8) needs at work factor 2^`log_n`.
pub const fn scrypt_memory_bytes(log_n: u8) -> u64 {
    1u64 << (log_n as u32 + 10)
}

/// The work factor for a new backup: the default, or the one asked for when it is within
/// [`MIN_SCRYPT_LOG_N`]..=[`MAX_SCRYPT_LOG_N`].
pub(crate) fn creation_log_n(requested: Option<u8>) -> Result<u8, BackupError> {
    match requested {
        None => Ok(DEFAULT_SCRYPT_LOG_N),
        Some(n) if (MIN_SCRYPT_LOG_N..=MAX_SCRYPT_LOG_N).contains(&n) => Ok(n),
        Some(n) => Err(BackupError::WorkFactorOutOfRange {
            requested: n,
            min: MIN_SCRYPT_LOG_N,
            max: MAX_SCRYPT_LOG_N,
        }),
    }
}

/// The identity that opens a backup with `key` ([`super::backup_key`]): it refuses a
/// header above [`MAX_SCRYPT_LOG_N`] before deriving anything, whatever the machine's load.
pub(crate) fn identity(key: &str) -> age::scrypt::Identity {
    let mut identity = age::scrypt::Identity::new(key.to_owned().into());
    identity.set_max_work_factor(MAX_SCRYPT_LOG_N);
    identity
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_is_fixed_and_covers_what_age_makes() {
        assert_eq!(creation_log_n(None).unwrap(), DEFAULT_SCRYPT_LOG_N);
        for n in [MIN_SCRYPT_LOG_N, 15, 18, MAX_SCRYPT_LOG_N] {
            assert_eq!(creation_log_n(Some(n)).unwrap(), n);
        }
        for n in [0, 1, 9, 20, 63, 64, 255] {
            assert!(
                matches!(
                    creation_log_n(Some(n)),
                    Err(BackupError::WorkFactorOutOfRange { requested, .. }) if requested == n
                ),
                "{n}"
            );
        }
        // age's default (Go `age -p`) opens, with room for one step more.
        const { assert!(MAX_SCRYPT_LOG_N > 18) };
        assert_eq!(scrypt_memory_bytes(15), 32 << 20);
        assert_eq!(scrypt_memory_bytes(18), 256 << 20);
        assert_eq!(scrypt_memory_bytes(MAX_SCRYPT_LOG_N), 512 << 20);
    }
}
