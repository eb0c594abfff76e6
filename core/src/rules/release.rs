//! Signed rule-pack releases: the index format, the keys the app trusts, and the checks a
//! release passes before anything is installed. See `docs/rule-updates.md`.
//!
//! A release is a folder (or the same layout on any static web host):
//!
//! ```text
//! index.json            the index: one entry per pack (scenario, version, sha256, file...)
//! index.json.minisig    its minisign signature (ed25519, prehashed)
//! <scenario>.json       each compiled pack (`tuilu rules compile`)
//! <scenario>.json.minisig  its signature, for people checking a pack by hand
//! keys.json             optional: a new key list, after a key rotation
//! keys.json.minisig     its signature, by a key the app already trusts
//! ```
//!
//! Nothing here writes files or uses the network: the checks take bytes and the versions
//! installed, and say yes (a [`VerifiedUpdate`]) or why not (an [`UpdateError`], worded in
//! both languages). Signatures are checked by the `minisign-verify` crate.

use std::collections::{BTreeMap, HashSet};

use minisign_verify::{Error as SigError, PublicKey, Signature};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::limits::{
    MAX_INDEX_BYTES, MAX_INDEX_ENTRIES, MAX_KEY_LIST_BYTES, MAX_PACK_BYTES, MAX_SIGNATURE_BYTES,
};
use crate::text::{Lang, Text};

use super::validate::Scenario;

/// The index of a release.
pub const INDEX_FILE: &str = "index.json";
/// A key list published after a key rotation (optional).
pub const KEYS_FILE: &str = "keys.json";
/// What a signature file's name adds to the signed file's name.
pub const SIGNATURE_SUFFIX: &str = ".minisig";
/// The index format this build reads and writes.
pub const INDEX_FORMAT: u32 = 1;
/// The key-list format this build reads and writes.
pub const KEY_LIST_FORMAT: u32 = 1;
/// This app's version, compared with each pack's `min_app_version`.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where the apps look for releases unless the user sets another base URL. Any static
/// host serving the layout above works (a mirror inside China, for one).
pub const DEFAULT_UPDATE_URL: &str = "https://rules.tuilu.app/v1/";

/// The public keys compiled into the app (minisign `.pub` files, `core/keys/`).
const EMBEDDED_KEYS: &[&str] = &[include_str!("../../keys/tuilu-rules-2026.pub")];

/// A release's index: what it holds, signed as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseIndex {
    /// [`INDEX_FORMAT`].
    pub format: u32,
    /// The release's date (`YYYY-MM-DD`). An index older than the one installed is a
    /// replay and is refused.
    pub released: String,
    pub packs: Vec<IndexEntry>,
}

/// One pack of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// The pack's scenario id (`douyin.guild-exit`).
    pub scenario: String,
    /// The pack's version (`1.2.0`), the same as inside the pack.
    pub version: String,
    /// SHA-256 of the pack file, lowercase hex.
    pub sha256: String,
    /// The pack file's name in the release (`douyin.guild-exit.json`).
    pub file: String,
    /// The oldest app that can read the pack.
    pub min_app_version: String,
    /// When this version of the pack was released (`YYYY-MM-DD`).
    pub released: String,
    /// What changed, in a sentence or two.
    pub notes: Text,
}

/// A key list: the keys that may sign releases after a rotation, itself signed by a key
/// the app already trusts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyList {
    /// [`KEY_LIST_FORMAT`].
    pub format: u32,
    pub keys: Vec<ListedKey>,
}

/// One key of a [`KeyList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedKey {
    /// A name for people (`tuilu-rules-2027`).
    pub name: String,
    /// The key as minisign prints it: the base64 line of a `.pub` file.
    pub public_key: String,
}

/// Why a release is refused. Nothing is installed when any check fails.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("{file} is larger than {limit} bytes")]
    TooLarge { file: String, limit: u64 },
    #[error("the index lists {count} packs, more than {limit}")]
    TooManyEntries { count: usize, limit: usize },
    #[error("{file} is not readable: {detail}")]
    Malformed { file: String, detail: String },
    #[error("{file} is signed by a key this app does not trust")]
    UnknownKey { file: String },
    #[error("the signature of {file} does not match its content")]
    BadSignature { file: String },
    #[error("the key list is not signed by a trusted key")]
    KeyListNotTrusted,
    #[error("the index is in format {found}; this app reads format {supported}")]
    UnsupportedFormat { found: u32, supported: u32 },
    #[error("index entry {position} is not valid: {detail}")]
    InvalidEntry { position: usize, detail: String },
    #[error("the index lists {scenario} twice")]
    DuplicateScenario { scenario: String },
    #[error("{file} is missing from the release")]
    MissingPack { file: String },
    #[error("{file} does not match the hash in the index")]
    HashMismatch { file: String },
    #[error("{file} is not a valid pack: {detail}")]
    InvalidPack { file: String, detail: String },
    #[error("{file} holds {found}, the index says {expected}")]
    PackDiffers {
        file: String,
        expected: String,
        found: String,
    },
    #[error("{scenario} {offered} is not newer than the installed {installed}")]
    NotNewer {
        scenario: String,
        title: Option<Text>,
        installed: String,
        offered: String,
    },
    #[error("the index of {offered} is older than the installed one of {installed}")]
    OlderIndex { installed: String, offered: String },
    #[error("{scenario} needs app {needed}; this is {have}")]
    NeedsNewerApp {
        scenario: String,
        title: Option<Text>,
        needed: String,
        have: String,
    },
    #[error("{0}")]
    Storage(String),
}

impl UpdateError {
    /// A stable name for the kind of refusal (tests, logs, the settings view's state).
    pub fn kind(&self) -> &'static str {
        match self {
            UpdateError::TooLarge { .. } => "too_large",
            UpdateError::TooManyEntries { .. } => "too_many_entries",
            UpdateError::Malformed { .. } => "malformed",
            UpdateError::UnknownKey { .. } => "unknown_key",
            UpdateError::BadSignature { .. } => "bad_signature",
            UpdateError::KeyListNotTrusted => "key_list_not_trusted",
            UpdateError::UnsupportedFormat { .. } => "unsupported_format",
            UpdateError::InvalidEntry { .. } => "invalid_entry",
            UpdateError::DuplicateScenario { .. } => "duplicate_scenario",
            UpdateError::MissingPack { .. } => "missing_pack",
            UpdateError::HashMismatch { .. } => "hash_mismatch",
            UpdateError::InvalidPack { .. } => "invalid_pack",
            UpdateError::PackDiffers { .. } => "pack_differs",
            UpdateError::NotNewer { .. } => "not_newer",
            UpdateError::OlderIndex { .. } => "older_index",
            UpdateError::NeedsNewerApp { .. } => "needs_newer_app",
            UpdateError::Storage(_) => "storage",
        }
    }

    /// Why the update was refused, for the user, in one language. Packs are named by
    /// their titles when known; file names stay out of the Chinese text except where the
    /// file itself is the problem (a maintainer then needs its name).
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let refused = if zh {
            "规则更新被拒绝，未做任何更改："
        } else {
            "The rule update was refused; nothing was changed: "
        };
        let why = match self {
            UpdateError::TooLarge { .. }
            | UpdateError::TooManyEntries { .. }
            | UpdateError::Malformed { .. }
            | UpdateError::UnknownKey { .. }
            | UpdateError::BadSignature { .. }
            | UpdateError::KeyListNotTrusted
            | UpdateError::UnsupportedFormat { .. }
            | UpdateError::Storage(_) => self.file_words(lang),
            UpdateError::InvalidEntry { .. }
            | UpdateError::DuplicateScenario { .. }
            | UpdateError::MissingPack { .. }
            | UpdateError::HashMismatch { .. }
            | UpdateError::InvalidPack { .. }
            | UpdateError::PackDiffers { .. } => self.index_words(lang),
            UpdateError::NotNewer { .. }
            | UpdateError::OlderIndex { .. }
            | UpdateError::NeedsNewerApp { .. } => self.version_words(lang),
        };
        format!("{refused}{why}")
    }

    /// What is wrong with the files themselves: size, format, signatures, storage.
    /// `message` sends only these kinds here (others get no words).
    fn file_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            UpdateError::TooLarge { file, limit } => {
                if zh {
                    format!("文件 {file} 超过 {limit} 字节的上限。")
                } else {
                    format!("the file {file} is larger than the limit of {limit} bytes.")
                }
            }
            UpdateError::TooManyEntries { count, limit } => {
                if zh {
                    format!("索引列出 {count} 个规则包，超过上限 {limit}。")
                } else {
                    format!("the index lists {count} packs, more than the limit of {limit}.")
                }
            }
            UpdateError::Malformed { file, .. } => {
                if zh {
                    format!("文件 {file} 不完整或格式不对。")
                } else {
                    format!("the file {file} is incomplete or not in the expected format.")
                }
            }
            UpdateError::UnknownKey { file } => {
                if zh {
                    format!("{file} 的签名来自本应用不信任的密钥。")
                } else {
                    format!("{file} is signed by a key this app does not trust.")
                }
            }
            UpdateError::BadSignature { file } => {
                if zh {
                    format!("{file} 的签名与内容不符，文件可能被改动过。")
                } else {
                    format!(
                        "the signature of {file} does not match its content; the file may have been altered."
                    )
                }
            }
            UpdateError::KeyListNotTrusted => {
                if zh {
                    "新的密钥列表不是由本应用信任的密钥签名的。".to_string()
                } else {
                    "the new key list is not signed by a key this app trusts.".to_string()
                }
            }
            UpdateError::UnsupportedFormat { .. } => {
                if zh {
                    "这份更新需要更新版本的应用才能读取。".to_string()
                } else {
                    "this update needs a newer version of the app to read it.".to_string()
                }
            }
            UpdateError::Storage(_) => {
                if zh {
                    "无法写入规则包（存储出错）。".to_string()
                } else {
                    "the packs could not be written (a storage error).".to_string()
                }
            }
            _ => String::new(),
        }
    }

    /// What the index and the packs it lists disagree on.
    /// `message` sends only these kinds here (others get no words).
    fn index_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            UpdateError::InvalidEntry { position, .. } => {
                if zh {
                    format!("索引第 {} 项的名称、版本或日期不合规。", position + 1)
                } else {
                    format!(
                        "entry {} of the index has an invalid name, version or date.",
                        position + 1
                    )
                }
            }
            UpdateError::DuplicateScenario { .. } => {
                if zh {
                    "索引把同一个场景列了两次。".to_string()
                } else {
                    "the index lists the same scenario twice.".to_string()
                }
            }
            UpdateError::MissingPack { file } => {
                if zh {
                    format!("缺少规则包文件 {file}。")
                } else {
                    format!("the pack file {file} is missing.")
                }
            }
            UpdateError::HashMismatch { file } => {
                if zh {
                    format!("规则包文件 {file} 与索引中的校验值不符（文件被改动或不完整）。")
                } else {
                    format!(
                        "the pack file {file} does not match the hash in the index (altered or incomplete)."
                    )
                }
            }
            UpdateError::InvalidPack { file, .. } => {
                if zh {
                    format!("规则包文件 {file} 未通过校验。")
                } else {
                    format!("the pack file {file} fails validation.")
                }
            }
            UpdateError::PackDiffers { file, .. } => {
                if zh {
                    format!("规则包文件 {file} 的场景或版本与索引不一致。")
                } else {
                    format!("the pack file {file} holds another scenario or version than the index says.")
                }
            }
            _ => String::new(),
        }
    }

    /// Versions: an update not newer than what is installed, or one the app is too old for.
    /// `message` sends only these kinds here (others get no words).
    fn version_words(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let pack = |title: &Option<Text>| match title {
            Some(t) if zh => format!("「{}」", t.get(lang)),
            Some(t) => format!("\u{201c}{}\u{201d}", t.get(lang)),
            None if zh => "一个规则包".to_string(),
            None => "a rule pack".to_string(),
        };
        match self {
            UpdateError::NotNewer {
                title,
                installed,
                offered,
                ..
            } => {
                if zh {
                    format!(
                        "{}的版本 {offered} 不比已安装的 {installed} 新（可能是旧版本或重放的旧索引）。",
                        pack(title)
                    )
                } else {
                    format!(
                        "{} version {offered} is not newer than the installed {installed} (an older version or a replayed old index).",
                        pack(title)
                    )
                }
            }
            UpdateError::OlderIndex { installed, offered } => {
                if zh {
                    format!("这份更新（{offered}）比已安装的更新（{installed}）旧。")
                } else {
                    format!(
                        "this update ({offered}) is older than the installed one ({installed})."
                    )
                }
            }
            UpdateError::NeedsNewerApp {
                title,
                needed,
                have,
                ..
            } => {
                if zh {
                    format!(
                        "{}需要 {needed} 或更新版本的应用，当前为 {have}，请先更新应用。",
                        pack(title)
                    )
                } else {
                    format!(
                        "{} needs app version {needed} or newer; this is {have}. Update the app first.",
                        pack(title)
                    )
                }
            }
            _ => String::new(),
        }
    }
}

/// The keys a release may be signed with.
#[derive(Debug, Clone)]
pub struct TrustedKeys {
    keys: Vec<PublicKey>,
}

impl TrustedKeys {
    /// The keys compiled into the app.
    pub fn embedded() -> TrustedKeys {
        let keys = EMBEDDED_KEYS
            .iter()
            .filter_map(|k| parse_public_key(k).ok())
            .collect();
        TrustedKeys { keys }
    }

    /// No keys at all (tests; a maintainer checking a release against one key only).
    pub fn none() -> TrustedKeys {
        TrustedKeys { keys: Vec::new() }
    }

    /// Adds a key: a minisign `.pub` file's text, or its base64 line alone.
    pub fn add(&mut self, public_key: &str) -> Result<(), UpdateError> {
        self.keys.push(parse_public_key(public_key)?);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks `sig` (a `.minisig` file) over `data` against each trusted key.
    pub fn verify(&self, file: &str, data: &[u8], sig: &[u8]) -> Result<(), UpdateError> {
        if sig.len() > MAX_SIGNATURE_BYTES {
            return Err(UpdateError::TooLarge {
                file: format!("{file}{SIGNATURE_SUFFIX}"),
                limit: MAX_SIGNATURE_BYTES as u64,
            });
        }
        let malformed = |detail: String| UpdateError::Malformed {
            file: format!("{file}{SIGNATURE_SUFFIX}"),
            detail,
        };
        let text = std::str::from_utf8(sig).map_err(|e| malformed(e.to_string()))?;
        let signature = Signature::decode(text).map_err(|e| malformed(e.to_string()))?;
        let mut mismatch = false;
        for key in &self.keys {
            match key.verify(data, &signature, false) {
                Ok(()) => return Ok(()),
                Err(SigError::UnexpectedKeyId) => {}
                Err(SigError::InvalidSignature) => mismatch = true,
                Err(e) => return Err(malformed(e.to_string())),
            }
        }
        if mismatch {
            Err(UpdateError::BadSignature { file: file.into() })
        } else {
            Err(UpdateError::UnknownKey { file: file.into() })
        }
    }
}

/// Parses a minisign public key: a `.pub` file (comment line, key line) or the key line.
fn parse_public_key(text: &str) -> Result<PublicKey, UpdateError> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .unwrap_or("");
    PublicKey::from_base64(line).map_err(|e| UpdateError::Malformed {
        file: "public key".into(),
        detail: e.to_string(),
    })
}

/// The signed files of a release, as bytes (read from a folder or fetched).
#[derive(Debug, Clone, Default)]
pub struct SignedIndex {
    pub index: Vec<u8>,
    pub index_sig: Vec<u8>,
    /// `keys.json` and its signature, when the release has them.
    pub key_list: Option<(Vec<u8>, Vec<u8>)>,
}

/// Checks the signatures (the key list's, then the index's) and the index's shape: sizes
/// first, so a huge file is refused before it is parsed. Returns the index.
pub fn verify_index(
    files: &SignedIndex,
    trusted: &TrustedKeys,
) -> Result<ReleaseIndex, UpdateError> {
    if files.index.len() > MAX_INDEX_BYTES {
        return Err(UpdateError::TooLarge {
            file: INDEX_FILE.into(),
            limit: MAX_INDEX_BYTES as u64,
        });
    }
    let keys = release_keys(files, trusted)?;
    keys.verify(INDEX_FILE, &files.index, &files.index_sig)?;
    let index: ReleaseIndex =
        serde_json::from_slice(&files.index).map_err(|e| UpdateError::Malformed {
            file: INDEX_FILE.into(),
            detail: e.to_string(),
        })?;
    check_index_shape(&index)?;
    Ok(index)
}

/// The keys a release may be signed with: `trusted`, plus the keys of the release's key
/// list when that list is signed by one of `trusted` (a key rotation).
pub fn release_keys(
    files: &SignedIndex,
    trusted: &TrustedKeys,
) -> Result<TrustedKeys, UpdateError> {
    let mut keys = trusted.clone();
    if let Some((list, sig)) = &files.key_list {
        if list.len() > MAX_KEY_LIST_BYTES {
            return Err(UpdateError::TooLarge {
                file: KEYS_FILE.into(),
                limit: MAX_KEY_LIST_BYTES as u64,
            });
        }
        match trusted.verify(KEYS_FILE, list, sig) {
            Ok(()) => {}
            Err(UpdateError::UnknownKey { .. } | UpdateError::BadSignature { .. }) => {
                return Err(UpdateError::KeyListNotTrusted)
            }
            Err(e) => return Err(e),
        }
        let list: KeyList = serde_json::from_slice(list).map_err(|e| UpdateError::Malformed {
            file: KEYS_FILE.into(),
            detail: e.to_string(),
        })?;
        if list.format != KEY_LIST_FORMAT {
            return Err(UpdateError::UnsupportedFormat {
                found: list.format,
                supported: KEY_LIST_FORMAT,
            });
        }
        for k in &list.keys {
            keys.add(&k.public_key)?;
        }
    }
    Ok(keys)
}

/// Formats, counts, names, versions and dates of an index; no scenario twice.
pub fn check_index_shape(index: &ReleaseIndex) -> Result<(), UpdateError> {
    if index.format != INDEX_FORMAT {
        return Err(UpdateError::UnsupportedFormat {
            found: index.format,
            supported: INDEX_FORMAT,
        });
    }
    if index.packs.len() > MAX_INDEX_ENTRIES {
        return Err(UpdateError::TooManyEntries {
            count: index.packs.len(),
            limit: MAX_INDEX_ENTRIES,
        });
    }
    if !is_date(&index.released) {
        return Err(UpdateError::Malformed {
            file: INDEX_FILE.into(),
            detail: format!("release date `{}` is not YYYY-MM-DD", index.released),
        });
    }
    let mut scenarios = HashSet::new();
    let mut files = HashSet::new();
    for (position, e) in index.packs.iter().enumerate() {
        let invalid = |detail: String| UpdateError::InvalidEntry { position, detail };
        if !is_scenario_id(&e.scenario) {
            return Err(invalid(format!("scenario id `{}`", e.scenario)));
        }
        if !is_pack_file_name(&e.file) {
            return Err(invalid(format!("file name `{}`", e.file)));
        }
        if !is_version(&e.version) || !is_version(&e.min_app_version) {
            return Err(invalid(format!(
                "version `{}` or app version `{}`",
                e.version, e.min_app_version
            )));
        }
        if !is_date(&e.released) {
            return Err(invalid(format!("date `{}`", e.released)));
        }
        if e.sha256.len() != 64 || !e.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid(format!("sha256 `{}`", e.sha256)));
        }
        if !scenarios.insert(e.scenario.as_str()) || !files.insert(e.file.as_str()) {
            return Err(UpdateError::DuplicateScenario {
                scenario: e.scenario.clone(),
            });
        }
    }
    Ok(())
}

/// A scenario id as packs have them (`platform.scenario`, lowercase ASCII, digits, `-`,
/// `_`, `.`), with no empty part: never a path.
pub fn is_scenario_id(id: &str) -> bool {
    id.len() <= 100
        && id.split('.').count() >= 2
        && id.split('.').all(|p| !p.is_empty())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-._".contains(c))
}

/// A pack file name in a release: a scenario id and `.json`, never a path.
pub fn is_pack_file_name(name: &str) -> bool {
    name.strip_suffix(".json").is_some_and(is_scenario_id)
}

fn is_version(v: &str) -> bool {
    let parts: Vec<&str> = v.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.parse::<u32>().is_ok())
}

fn is_date(d: &str) -> bool {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok() && d.len() == 10
}

/// Compares dotted versions numerically (`1.10.0` > `1.9.2`).
pub fn version_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    crate::vault::version_cmp(a, b)
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The pack files of the index that this device needs: those newer than installed.
/// `installed` gives the installed version of a scenario.
pub fn wanted_files(
    index: &ReleaseIndex,
    installed: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    index
        .packs
        .iter()
        .filter(|e| {
            installed(&e.scenario)
                .is_none_or(|v| version_cmp(&e.version, &v) == std::cmp::Ordering::Greater)
        })
        .map(|e| e.file.clone())
        .collect()
}

/// The pack a scenario uses now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentPack {
    pub version: String,
    pub title: Text,
    /// Compiled into the app (not installed by an update or added by hand). A release
    /// older than a bundled pack is behind the app, not a replay: its pack is left alone.
    pub bundled: bool,
}

/// What is installed now, for the checks.
pub struct Installed<'a> {
    /// The installed pack of a scenario (bundled, updated or added).
    pub pack: &'a dyn Fn(&str) -> Option<CurrentPack>,
    /// The release date of the last index installed.
    pub index_released: Option<String>,
    /// This app's version ([`APP_VERSION`]).
    pub app_version: &'a str,
}

/// A pack that passed every check.
#[derive(Debug, Clone)]
pub struct VerifiedPack {
    pub entry: IndexEntry,
    /// The pack file as released (compiled JSON).
    pub json: String,
    pub scenario: Scenario,
    /// The version it replaces (none for a new scenario).
    pub replaces: Option<String>,
}

/// A release that passed every check: the packs to install (none when up to date).
#[derive(Debug, Clone)]
pub struct VerifiedUpdate {
    pub index: ReleaseIndex,
    pub packs: Vec<VerifiedPack>,
}

impl VerifiedUpdate {
    pub fn is_up_to_date(&self) -> bool {
        self.packs.is_empty()
    }
}

/// Checks each pack of a verified index, in this order: its hash against the index, its
/// own validation, that it is newer than the one installed, and that this app can read
/// it. `packs` holds the pack files by name; only those of packs newer than installed
/// are needed ([`wanted_files`]). The first failure refuses the whole release.
pub fn verify_packs(
    index: ReleaseIndex,
    packs: &BTreeMap<String, Vec<u8>>,
    installed: &Installed<'_>,
) -> Result<VerifiedUpdate, UpdateError> {
    if let Some(before) = &installed.index_released {
        if index.released.as_str() < before.as_str() {
            return Err(UpdateError::OlderIndex {
                installed: before.clone(),
                offered: index.released.clone(),
            });
        }
    }
    let mut verified = Vec::new();
    for e in &index.packs {
        let current = (installed.pack)(&e.scenario);
        let newer = current
            .as_ref()
            .is_none_or(|c| version_cmp(&e.version, &c.version) == std::cmp::Ordering::Greater);
        let Some(bytes) = packs.get(&e.file) else {
            if newer {
                return Err(UpdateError::MissingPack {
                    file: e.file.clone(),
                });
            }
            // Not fetched: the same or an older version than installed.
            check_not_older(e, current.as_ref())?;
            continue;
        };
        if bytes.len() > MAX_PACK_BYTES {
            return Err(UpdateError::TooLarge {
                file: e.file.clone(),
                limit: MAX_PACK_BYTES as u64,
            });
        }
        if sha256_hex(bytes) != e.sha256.to_ascii_lowercase() {
            return Err(UpdateError::HashMismatch {
                file: e.file.clone(),
            });
        }
        let json = String::from_utf8(bytes.clone()).map_err(|err| UpdateError::InvalidPack {
            file: e.file.clone(),
            detail: err.to_string(),
        })?;
        let scenario =
            Scenario::from_json_str(&e.file, &json).map_err(|err| UpdateError::InvalidPack {
                file: e.file.clone(),
                detail: err.to_string(),
            })?;
        if scenario.id() != e.scenario || scenario.pack.version != e.version {
            return Err(UpdateError::PackDiffers {
                file: e.file.clone(),
                expected: format!("{} {}", e.scenario, e.version),
                found: format!("{} {}", scenario.id(), scenario.pack.version),
            });
        }
        if !newer {
            check_not_older(e, current.as_ref())?;
            continue;
        }
        if version_cmp(installed.app_version, &e.min_app_version) == std::cmp::Ordering::Less {
            return Err(UpdateError::NeedsNewerApp {
                scenario: e.scenario.clone(),
                title: Some(scenario.title().clone()),
                needed: e.min_app_version.clone(),
                have: installed.app_version.to_string(),
            });
        }
        verified.push(VerifiedPack {
            entry: e.clone(),
            json,
            replaces: current.map(|c| c.version),
            scenario,
        });
    }
    Ok(VerifiedUpdate {
        index,
        packs: verified,
    })
}

/// The same version as installed is fine (nothing to do). An older one than a pack
/// installed by an update (or added by hand) is a downgrade or a replay, and refuses the
/// release; one older than a bundled pack only means the release is behind this app.
fn check_not_older(e: &IndexEntry, current: Option<&CurrentPack>) -> Result<(), UpdateError> {
    match current {
        Some(c)
            if !c.bundled && version_cmp(&e.version, &c.version) == std::cmp::Ordering::Less =>
        {
            Err(UpdateError::NotNewer {
                scenario: e.scenario.clone(),
                title: Some(c.title.clone()),
                installed: c.version.clone(),
                offered: e.version.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// A base URL releases may be fetched from: `https://…`, or `http://` to a loopback
/// address (a test server). The signature, not the transport, makes a release trusted.
pub fn is_acceptable_url(url: &str) -> bool {
    if url.starts_with("https://") {
        return url.len() > "https://".len();
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
