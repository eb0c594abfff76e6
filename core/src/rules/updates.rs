//! Rule-pack updates on the device: the installed set, the record of the last check, and
//! the rule book a vault directory holds (bundled packs, updates, packs added by hand).
//!
//! The installed set lives in generation folders; a small file names the current one:
//!
//! ```text
//! <vault>/packs/updates/current          "gen-000003"
//! <vault>/packs/updates/gen-000003/      every pack installed by updates, and state.json
//! <vault>/packs/updates/last-check.json  when the last check ran and what it found
//! <vault>/packs/updates/config.json      the base URL and the network preference
//! ```
//!
//! An install writes a whole new generation, syncs it, then replaces `current` atomically
//! (`files::write_atomic`), then removes the older generations. A crash before the switch
//! leaves the previous set in use and an unnamed folder that the next install removes; a
//! crash after it leaves the new set. Only folders named `gen-NNNNNN` inside `updates/`
//! are ever removed.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::files::{fsync_dir, write_atomic};
use crate::limits::MAX_PACK_BYTES;
use crate::text::Text;

use super::bundled::{load_bundled, RuleBook};
use super::release::{version_cmp, UpdateError, VerifiedUpdate};
use super::validate::{PackError, Scenario};

/// The vault's folder for packs added at run time (compiled JSON, one per scenario).
pub const PACKS_DIR: &str = "packs";
/// Inside [`PACKS_DIR`]: the packs installed by updates.
pub const UPDATES_DIR: &str = "updates";
const CURRENT_FILE: &str = "current";
const STATE_FILE: &str = "state.json";
const LAST_CHECK_FILE: &str = "last-check.json";
const CONFIG_FILE: &str = "config.json";
const GENERATION_PREFIX: &str = "gen-";

/// `<vault>/packs/updates`.
pub fn updates_dir(vault_dir: &Path) -> PathBuf {
    vault_dir.join(PACKS_DIR).join(UPDATES_DIR)
}

/// What updates have installed (`state.json` of the current generation).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledUpdates {
    /// The release date of the last index installed (a replay of an older one is refused).
    pub index_released: Option<String>,
    pub installed_at: Option<DateTime<Utc>>,
    /// By scenario id.
    pub packs: BTreeMap<String, InstalledPack>,
    /// The scenarios the last update installed, in index order.
    pub last_changed: Vec<String>,
}

/// One pack installed by an update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstalledPack {
    pub version: String,
    /// Its file in the generation folder (`<scenario>.json`).
    pub file: String,
    /// The pack's release date, from the index.
    pub released: String,
    pub installed_at: DateTime<Utc>,
    pub notes: Text,
    /// The version it replaced (none for a scenario new to this device).
    pub replaced: Option<String>,
}

/// The outcome of the last check for updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CheckOutcome {
    /// `count` packs were installed.
    Installed {
        count: usize,
    },
    UpToDate,
    /// The release was refused; `kind` is [`UpdateError::kind`].
    Refused {
        kind: String,
        message: Text,
    },
    /// The release could not be fetched (the shell's words, both languages).
    Failed {
        message: Text,
    },
}

/// When the last check ran and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastCheck {
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub outcome: CheckOutcome,
}

/// Where updates come from and when the phones may fetch them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct UpdateConfig {
    /// The base URL of releases; none means [`super::release::DEFAULT_UPDATE_URL`].
    #[serde(default)]
    pub base_url: Option<String>,
    /// The daily check may use mobile data, not only Wi-Fi.
    #[serde(default)]
    pub allow_mobile_data: bool,
}

/// A pack file by name, loaded or with the reason it did not load.
pub type LoadedPack = (String, Result<Scenario, String>);

/// The installed set: its state, and each pack file loaded or with its error.
pub fn load_installed(vault_dir: &Path) -> (InstalledUpdates, Vec<LoadedPack>) {
    let dir = updates_dir(vault_dir);
    let Some(gen) = current_generation(&dir) else {
        return (InstalledUpdates::default(), Vec::new());
    };
    let state = match read_json::<InstalledUpdates>(&gen.join(STATE_FILE)) {
        Ok(Some(s)) => s,
        Ok(None) => InstalledUpdates::default(),
        Err(e) => {
            return (
                InstalledUpdates::default(),
                vec![(STATE_FILE.into(), Err(e))],
            )
        }
    };
    let packs = state
        .packs
        .iter()
        .map(|(id, p)| {
            let result = read_pack(&gen.join(&p.file)).and_then(|s| {
                if s.id() == id && s.pack.version == p.version {
                    Ok(s)
                } else {
                    Err(format!(
                        "holds {} {}, expected {id} {}",
                        s.id(),
                        s.pack.version,
                        p.version
                    ))
                }
            });
            (p.file.clone(), result)
        })
        .collect();
    (state, packs)
}

/// The rule book of a vault directory: the bundled packs; then the packs installed by
/// updates, each where it is newer than the bundled one (an app update may bring a newer
/// pack than the last rule update); then the packs added by hand (`<vault>/packs/*.json`),
/// which replace the scenario they name. Files that fail to load are skipped and listed
/// (`name: problem`). A missing directory gives the bundled packs.
pub fn load_rule_book(vault_dir: Option<&Path>) -> Result<(RuleBook, Vec<String>), PackError> {
    let mut book = load_bundled()?;
    let mut problems = Vec::new();
    let Some(dir) = vault_dir else {
        return Ok((book, problems));
    };
    for (name, result) in load_installed(dir).1 {
        match result {
            Ok(s) => {
                let newer = book.get(s.id()).is_none_or(|b| {
                    version_cmp(&s.pack.version, &b.pack.version) == std::cmp::Ordering::Greater
                });
                if newer {
                    book.insert(s);
                }
            }
            Err(e) => problems.push(format!("{UPDATES_DIR}/{name}: {e}")),
        }
    }
    for (name, result) in read_added_packs(&dir.join(PACKS_DIR)) {
        match result {
            Ok(s) => book.insert(s),
            Err(e) => problems.push(format!("{name}: {e}")),
        }
    }
    Ok((book, problems))
}

/// The packs added by hand in `dir`, by file name, each loaded or with its error.
fn read_added_packs(dir: &Path) -> Vec<LoadedPack> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    crate::sort::sort(&mut names);
    names
        .into_iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, read_pack(&p))
        })
        .collect()
}

fn read_pack(path: &Path) -> Result<Scenario, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_PACK_BYTES as u64 {
        return Err(format!("larger than {MAX_PACK_BYTES} bytes"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    Scenario::from_text(&name, &text).map_err(|e| e.to_string())
}

/// Installs a verified update as one step (see the module doc). Returns the new state.
/// An update with no pack changes nothing and returns the state as it was.
pub fn install(
    vault_dir: &Path,
    update: &VerifiedUpdate,
    now: DateTime<Utc>,
) -> Result<InstalledUpdates, UpdateError> {
    let dir = updates_dir(vault_dir);
    let (mut state, _) = load_installed(vault_dir);
    if update.is_up_to_date() {
        return Ok(state);
    }
    let storage = |e: std::io::Error| UpdateError::Storage(e.to_string());
    std::fs::create_dir_all(&dir).map_err(storage)?;
    let previous = current_generation(&dir);
    let number = generations(&dir).iter().map(|(n, _)| *n).max().unwrap_or(0) + 1;
    let name = format!("{GENERATION_PREFIX}{number:06}");
    let gen = dir.join(&name);
    std::fs::create_dir(&gen).map_err(storage)?;
    let result = (|| -> std::io::Result<()> {
        // The packs of earlier updates that this one does not replace.
        if let Some(prev) = &previous {
            for (id, p) in &state.packs {
                if !update.packs.iter().any(|v| &v.entry.scenario == id) {
                    write_synced(&gen.join(&p.file), &std::fs::read(prev.join(&p.file))?)?;
                }
            }
        }
        for v in &update.packs {
            let file = format!("{}.json", v.entry.scenario);
            write_synced(&gen.join(&file), v.json.as_bytes())?;
            state.packs.insert(
                v.entry.scenario.clone(),
                InstalledPack {
                    version: v.entry.version.clone(),
                    file,
                    released: v.entry.released.clone(),
                    installed_at: now,
                    notes: v.entry.notes.clone(),
                    replaced: v.replaces.clone(),
                },
            );
        }
        state.index_released = Some(update.index.released.clone());
        state.installed_at = Some(now);
        state.last_changed = update
            .packs
            .iter()
            .map(|v| v.entry.scenario.clone())
            .collect();
        let json = serde_json::to_vec_pretty(&state).map_err(std::io::Error::other)?;
        write_synced(&gen.join(STATE_FILE), &json)?;
        let _ = fsync_dir(&gen);
        let _ = fsync_dir(&dir);
        // The switch: before it the previous set is in use, after it the new one.
        write_atomic(&dir.join(CURRENT_FILE), name.as_bytes())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&gen);
        return Err(storage(e));
    }
    remove_other_generations(&dir, &name);
    Ok(state)
}

/// Removes the generation folders other than `keep` (earlier sets, and folders left by an
/// install that stopped before its switch).
fn remove_other_generations(dir: &Path, keep: &str) {
    for (_, path) in generations(dir) {
        if path.file_name().is_some_and(|n| n != keep) {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// The generation folders in `dir`, by number (only `gen-` and six digits).
fn generations(dir: &Path) -> Vec<(u64, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let digits = name.strip_prefix(GENERATION_PREFIX)?;
            (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse().ok().map(|n| (n, e.path())))
                .flatten()
        })
        .collect()
}

/// The folder `current` names, when it names a generation that exists.
fn current_generation(dir: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    let digits = name.strip_prefix(GENERATION_PREFIX)?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let gen = dir.join(name);
    gen.is_dir().then_some(gen)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<Option<T>, String> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| e.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.to_string()),
    }
}

fn write_json<T: Serialize>(dir: &Path, file: &str, value: &T) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    write_atomic(&dir.join(file), &json)
}

/// The last check, when one was recorded.
pub fn read_last_check(vault_dir: &Path) -> Option<LastCheck> {
    read_json(&updates_dir(vault_dir).join(LAST_CHECK_FILE))
        .ok()
        .flatten()
}

/// Records a check's outcome.
pub fn write_last_check(vault_dir: &Path, check: &LastCheck) -> std::io::Result<()> {
    write_json(&updates_dir(vault_dir), LAST_CHECK_FILE, check)
}

/// The update settings (defaults when none were saved).
pub fn read_config(vault_dir: &Path) -> UpdateConfig {
    read_json(&updates_dir(vault_dir).join(CONFIG_FILE))
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Saves the update settings.
pub fn write_config(vault_dir: &Path, config: &UpdateConfig) -> std::io::Result<()> {
    write_json(&updates_dir(vault_dir), CONFIG_FILE, config)
}
