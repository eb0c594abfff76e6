//! The rule book: bundled packs plus packs loaded from files.

use std::io::Read;
use std::path::Path;

use crate::limits::MAX_PACK_BYTES;

use super::validate::{compile_pack, pack_too_large, PackError, PackIssue, Scenario};

/// A pack compiled into the binary, one file per scenario (`core/rules/*.toml`).
#[derive(Debug, Clone, Copy)]
pub struct BundledPack {
    /// File name, e.g. `douyin.guild-exit.toml`.
    pub file: &'static str,
    /// The TOML source, embedded only when it does not parse (empty otherwise: the JSON
    /// form is what ships).
    pub toml: &'static str,
    /// The same pack compiled to JSON at build time, deflated (empty if the TOML did not
    /// parse).
    pub json_deflate: &'static [u8],
}

impl BundledPack {
    /// The pack's compiled JSON (empty if the TOML did not parse).
    pub fn json(&self) -> std::io::Result<String> {
        crate::embedded::inflate_text(self.json_deflate)
    }
}

include!(concat!(env!("OUT_DIR"), "/bundled_packs.rs"));

/// A set of validated scenarios, in a stable order.
#[derive(Debug, Clone, Default)]
pub struct RuleBook {
    scenarios: Vec<Scenario>,
}

/// Loads and validates every bundled pack. An error lists every problem in every pack.
pub fn load_bundled() -> Result<RuleBook, PackError> {
    let mut book = RuleBook::default();
    let mut issues: Vec<PackIssue> = Vec::new();
    for b in BUNDLED_PACKS {
        let loaded = if b.json_deflate.is_empty() {
            Scenario::from_toml_str(b.file, b.toml)
        } else {
            b.json()
                .map_err(|e| PackError::single(b.file, format!("cannot inflate: {e}"), None, None))
                .and_then(|json| Scenario::from_json_str(b.file, &json))
        };
        match loaded {
            Ok(s) => book.scenarios.push(s),
            Err(e) => issues.extend(e.issues),
        }
    }
    if issues.is_empty() {
        Ok(book)
    } else {
        Err(PackError {
            pack: "bundled".into(),
            issues,
        })
    }
}

impl RuleBook {
    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    pub fn get(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id() == id)
    }

    /// Adds or replaces a scenario (a pack update loaded from a file).
    pub fn insert(&mut self, scenario: Scenario) {
        match self.scenarios.iter_mut().find(|s| s.id() == scenario.id()) {
            Some(slot) => *slot = scenario,
            None => self.scenarios.push(scenario),
        }
    }
}

/// Loads and validates one pack file, TOML or compiled JSON.
pub fn load_pack_file(path: &Path) -> Result<Scenario, PackError> {
    let (name, src) = read_pack_file(path)?;
    Scenario::from_text(&name, &src)
}

/// Validates one pack file and returns its compiled JSON form (see [`compile_pack`]).
pub fn compile_pack_file(path: &Path) -> Result<String, PackError> {
    let (name, src) = read_pack_file(path)?;
    compile_pack(&name, &src)
}

/// A pack file's name (for messages) and text.
fn read_pack_file(path: &Path) -> Result<(String, String), PackError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    // One byte past the limit is enough for the size check to refuse it.
    let cannot =
        |e: std::io::Error| PackError::single(&name, format!("cannot read file: {e}"), None, None);
    let file = std::fs::File::open(path).map_err(cannot)?;
    let len = file.metadata().map_err(cannot)?.len();
    let mut bytes = Vec::new();
    file.take(MAX_PACK_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() > MAX_PACK_BYTES {
        // Refused before the text past the limit is read.
        return Err(pack_too_large(&name, len.max(bytes.len() as u64)));
    }
    let src = String::from_utf8(bytes)
        .map_err(|e| cannot(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))?;
    Ok((name, src))
}
