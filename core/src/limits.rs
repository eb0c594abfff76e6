//! Limits on input that may come from someone else (a pack file, a bundle from the other
//! side of a dispute, a photo, a typed fact), named in one place. Each is enforced where
//! the input is read, with a typed error or a clear verdict, and each has a test at the
//! limit and one past it (`core/tests/limits.rs`). See `docs/fuzzing.md`.

/// Largest rule pack, TOML or JSON, in bytes. The largest bundled pack is about 45 KiB.
pub const MAX_PACK_BYTES: usize = 1 << 20;

/// Longest condition or formula, in bytes. Bundled ones are under 120 bytes.
pub const MAX_EXPR_BYTES: usize = 1024;

/// Deepest condition or formula: the depth of its operator tree, and of its brackets.
/// Evaluation recurses once per level, so this bounds the stack it needs.
pub const MAX_EXPR_DEPTH: usize = 48;

/// Longest fact value a person (or a facts file) may give, in characters.
pub const MAX_FACT_CHARS: usize = 2000;

/// Longest free text a person attaches to a step transition, a rule flag or an evidence
/// item (a note), in characters. A page of text; more would be a document, which belongs
/// in the evidence. Notes reach the vault, the custody log and the export bundle, whose
/// own copy must pass the bundle verifier (`core/tests/limits.rs`).
pub const MAX_NOTE_CHARS: usize = 2000;

/// Most tags one evidence item may carry (after blanks and repeats are dropped).
pub const MAX_TAGS: usize = 20;

/// Longest tag of an evidence item, in characters.
pub const MAX_TAG_CHARS: usize = 40;

/// Longest original file name kept for an evidence item, in characters. The platform
/// gives the name (a photo picker, a share sheet) and the user cannot change it, so a
/// longer one is shortened, keeping its extension, instead of refused. Letters draw only
/// on facts ([`MAX_FACT_CHARS`]) and on these names.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// The earliest time Tuilu accepts for anything that happened (a transition, a case's
/// creation): 2000-01-01T00:00:00Z. An earlier one comes from a device clock that is
/// wrong, or a typing mistake.
pub const EARLIEST_TIME_SECS: i64 = 946_684_800;

/// Largest amount of money a fact may hold, in fen (one trillion yuan). Amounts travel
/// as JSON numbers in yuan; below this they always come back to the same fen.
pub const MAX_MONEY_FEN: u64 = 100_000_000_000_000;

/// Most entries (files and folders) in a bundle the verifier reads. An export holds four
/// files besides one per evidence item.
pub const MAX_BUNDLE_ENTRIES: usize = 20_000;

/// Largest single file inside a bundle, uncompressed (4 GiB: a long screen recording).
pub const MAX_BUNDLE_ENTRY_BYTES: u64 = 4 << 30;

/// Largest bundle content in total, uncompressed.
pub const MAX_BUNDLE_TOTAL_BYTES: u64 = 16 << 30;

/// Highest expansion ratio (uncompressed / compressed) of one bundle entry larger than
/// [`BOMB_CHECK_FROM`]. Exports store photos and videos (ratio about 1) and deflate text
/// (rarely past 20); deflate's own ceiling is about 1,032.
pub const MAX_BUNDLE_RATIO: u64 = 200;

/// Entries this small are not checked for their expansion ratio.
pub const BOMB_CHECK_FROM: u64 = 1 << 20;

/// Largest metadata file (`manifest.json`, `SHA256SUMS`, `custody-log.jsonl`) of a bundle
/// read into memory.
pub const MAX_BUNDLE_META_BYTES: u64 = 64 << 20;

/// Most bytes of an image read when looking for its EXIF block (the block is held in
/// memory while it is parsed). An EXIF block beyond this gives no capture time.
pub const MAX_EXIF_BYTES: u64 = 8 << 20;

/// The limits the bundle verifier applies; [`Default`] is the constants above (tests use
/// smaller ones to reach them with small files).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleLimits {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    pub max_ratio: u64,
    pub bomb_check_from: u64,
}

impl Default for BundleLimits {
    fn default() -> BundleLimits {
        BundleLimits {
            max_entries: MAX_BUNDLE_ENTRIES,
            max_entry_bytes: MAX_BUNDLE_ENTRY_BYTES,
            max_total_bytes: MAX_BUNDLE_TOTAL_BYTES,
            max_ratio: MAX_BUNDLE_RATIO,
            bomb_check_from: BOMB_CHECK_FROM,
        }
    }
}

/// Largest rule-update index (`index.json`) read, in bytes. An index of the 7 bundled
/// packs is about 3 KiB; a larger file is refused before its signature is checked.
pub const MAX_INDEX_BYTES: usize = 256 << 10;

/// Most packs one rule-update index may list.
pub const MAX_INDEX_ENTRIES: usize = 500;

/// Largest rule-update key list (`keys.json`), in bytes.
pub const MAX_KEY_LIST_BYTES: usize = 64 << 10;

/// Largest minisign signature file, in bytes (one is about 300 bytes).
pub const MAX_SIGNATURE_BYTES: usize = 4 << 10;
