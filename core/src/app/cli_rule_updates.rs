//! The rule-release commands of the command line (`tuilu rules keygen|release|
//! verify-release|update|status`, docs/rule-updates.md) on the application layer: reading
//! a release (from a folder here, or from any [`ReleaseSource`] the shell brings, such as
//! its HTTPS client), checking it whole, installing it through the one [`App`] of the
//! process, and the words of each step in the run's language. The CLI keeps what only a
//! maintainer's desktop does (making keys, signing, the network) and prints.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::json;

use super::cli_support::Printout;
use super::{App, AppError, ReleaseBytes, RuleUpdateResultView, RuleUpdatesView, ViewContext};
use crate::limits::{MAX_INDEX_BYTES, MAX_KEY_LIST_BYTES, MAX_PACK_BYTES, MAX_SIGNATURE_BYTES};
use crate::rules::release::{
    check_index_shape, release_keys, sha256_hex, verify_index, verify_packs, wanted_files,
    IndexEntry, Installed, ReleaseIndex, SignedIndex, TrustedKeys, INDEX_FILE, INDEX_FORMAT,
    KEYS_FILE, SIGNATURE_SUFFIX,
};
use crate::rules::{compile_pack_file, Scenario};
use crate::text::{count_en, Lang, Text};

/// Why a file of a release could not be read, worded in one language.
#[derive(Debug)]
pub enum FetchError {
    /// The server answered with a redirect; none is followed.
    Redirect {
        url: String,
        status: u16,
    },
    TimedOut {
        url: String,
    },
    Status {
        url: String,
        status: u16,
    },
    Missing {
        name: String,
    },
    /// The system's or the HTTP client's own words, shown after ours.
    Other {
        place: String,
        detail: String,
    },
}

impl FetchError {
    pub fn words(&self, lang: Lang) -> String {
        use Lang::{En, Zh};
        match (self, lang) {
            (FetchError::Redirect { url, status }, Zh) => {
                format!("{url} 要求跳转到其他地址（HTTP {status}），已拒绝。")
            }
            (FetchError::Redirect { url, status }, En) => {
                format!("{url} redirects elsewhere (HTTP {status}); redirects are refused.")
            }
            (FetchError::TimedOut { url }, Zh) => format!("{url} 超时，没有回应。"),
            (FetchError::TimedOut { url }, En) => format!("{url} timed out."),
            (FetchError::Status { url, status }, Zh) => format!("{url} 返回 HTTP {status}。"),
            (FetchError::Status { url, status }, En) => format!("{url} answered HTTP {status}."),
            (FetchError::Missing { name }, Zh) => format!("发布中缺少 {name}。"),
            (FetchError::Missing { name }, En) => format!("The release has no {name}."),
            (FetchError::Other { place, detail }, Zh) => format!("无法读取 {place}。\n{detail}"),
            (FetchError::Other { place, detail }, En) => format!("Cannot read {place}.\n{detail}"),
        }
    }
}

/// Where the files of a release are read from.
pub trait ReleaseSource {
    /// Reads `name` (at most `limit` + 1 bytes, so the checks see it is too large).
    /// `Ok(None)` when it does not exist.
    fn get(&self, name: &str, limit: usize) -> Result<Option<Vec<u8>>, FetchError>;

    /// [`ReleaseSource::get`] of a file the release must have.
    fn need(&self, name: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
        self.get(name, limit)?.ok_or_else(|| FetchError::Missing {
            name: name.to_string(),
        })
    }

    /// The signed index, and the key list when there is one.
    fn signed_index(&self) -> Result<SignedIndex, FetchError> {
        let index = self.need(INDEX_FILE, MAX_INDEX_BYTES)?;
        let index_sig = self.need(
            &format!("{INDEX_FILE}{SIGNATURE_SUFFIX}"),
            MAX_SIGNATURE_BYTES,
        )?;
        let key_list = match self.get(KEYS_FILE, MAX_KEY_LIST_BYTES)? {
            Some(list) => Some((
                list,
                self.need(
                    &format!("{KEYS_FILE}{SIGNATURE_SUFFIX}"),
                    MAX_SIGNATURE_BYTES,
                )?,
            )),
            None => None,
        };
        Ok(SignedIndex {
            index,
            index_sig,
            key_list,
        })
    }
}

/// A release in a folder (as `tuilu rules release` writes it).
pub struct ReleaseDir(pub PathBuf);

impl ReleaseSource for ReleaseDir {
    fn get(&self, name: &str, limit: usize) -> Result<Option<Vec<u8>>, FetchError> {
        let path = self.0.join(name);
        let other = |e: std::io::Error| FetchError::Other {
            place: path.display().to_string(),
            detail: e.to_string(),
        };
        let f = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(other(e)),
        };
        let mut bytes = Vec::new();
        f.take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(other)?;
        Ok(Some(bytes))
    }
}

/// The change note and minimum app version of one pack in `release-notes.toml`.
#[derive(Debug, Default, Deserialize)]
pub struct PackNotes {
    #[serde(default)]
    pub zh: String,
    #[serde(default)]
    pub en: String,
    #[serde(default)]
    pub min_app_version: Option<String>,
}

/// The change note of a pack whose release names none.
pub fn default_release_note(version: &str) -> Text {
    Text::new(
        format!("规则复核，版本 {version}"),
        format!("Rules reviewed, version {version}"),
    )
}

/// The index of a release of the pack files `sources` (TOML or JSON), released on
/// `released`, and each pack's compiled JSON: every pack validated and compiled, none
/// twice, with its note from `notes` (or [`default_release_note`]). `Err` says, for the
/// maintainer, which pack stops the release; nothing is written here.
pub fn release_index(
    sources: &[PathBuf],
    notes: &BTreeMap<String, PackNotes>,
    released: &str,
    min_app_version: &str,
    lang: Lang,
) -> Result<(ReleaseIndex, Vec<(IndexEntry, String)>), String> {
    let mut packs: Vec<(IndexEntry, String)> = Vec::new();
    for path in sources {
        let json = compile_pack_file(path).map_err(|e| {
            format!(
                "规则包无效，未生成发布 / invalid pack, no release written: {}: {e}",
                path.display()
            )
        })?;
        let scenario = Scenario::from_json_str("pack.json", &json)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let id = scenario.id().to_string();
        if packs.iter().any(|(e, _)| e.scenario == id) {
            return Err(format!("同一场景出现两次 / the same scenario twice: {id}"));
        }
        let n = notes.get(&id);
        let note = match n {
            Some(n) if !n.zh.is_empty() && !n.en.is_empty() => Text::new(&n.zh, &n.en),
            _ => default_release_note(&scenario.pack.version),
        };
        let entry = IndexEntry {
            scenario: id.clone(),
            version: scenario.pack.version.clone(),
            sha256: sha256_hex(json.as_bytes()),
            file: format!("{id}.json"),
            min_app_version: n
                .and_then(|n| n.min_app_version.clone())
                .unwrap_or_else(|| min_app_version.to_string()),
            released: released.to_string(),
            notes: note,
        };
        packs.push((entry, json));
    }
    let index = ReleaseIndex {
        format: INDEX_FORMAT,
        released: released.to_string(),
        packs: packs.iter().map(|(e, _)| e.clone()).collect(),
    };
    check_index_shape(&index).map_err(|e| e.message(lang))?;
    Ok((index, packs))
}

/// What `tuilu rules keygen` says once the two key files are written.
pub fn keygen_text(secret: &Path, public: &Path, lang: Lang) -> String {
    let (sk, pk) = (secret.display(), public.display());
    match lang {
        Lang::Zh => format!("已生成密钥：私钥 {sk}（请妥善保管，切勿公开），公钥 {pk}"),
        Lang::En => {
            format!("Key made: secret key {sk} (keep it safe, never publish it), public key {pk}")
        }
    }
}

/// Each pack of a release: its scenario, version and the start of its hash.
fn pack_lines(packs: &[IndexEntry], hash: bool) -> impl Iterator<Item = String> + '_ {
    packs.iter().map(move |e| match hash {
        true => format!("  {} {}  {}", e.scenario, e.version, &e.sha256[..16]),
        false => format!("  {} {}", e.scenario, e.version),
    })
}

/// What `tuilu rules release` says once the signed release is written (its `--json` is
/// the index itself, fields in their order).
pub fn release_lines(index: &ReleaseIndex, out: &Path, lang: Lang) -> Vec<String> {
    let n = index.packs.len();
    let head = match lang {
        Lang::Zh => format!("已生成签名发布：{n} 个规则包，{}", out.display()),
        Lang::En => format!(
            "Signed release written: {}, {}",
            count_en(n as u64, "pack", "packs"),
            out.display()
        ),
    };
    std::iter::once(head)
        .chain(pack_lines(&index.packs, true))
        .collect()
}

/// `tuilu rules verify-release`: every signature, hash and pack of the release in `dir`,
/// whatever is installed and whichever app version each pack needs. `Err` holds why the
/// release is refused, in `lang`.
pub fn verify_release_dir(
    dir: &Path,
    trusted: &TrustedKeys,
    lang: Lang,
) -> Result<Printout, String> {
    let source = ReleaseDir(dir.to_path_buf());
    let signed = source.signed_index().map_err(|e| {
        format!(
            "{}{}",
            lang.pick("无法读取发布：", "cannot read the release: "),
            e.words(lang)
        )
    })?;
    let index = verify_index(&signed, trusted).map_err(|e| e.message(lang))?;
    let keys = release_keys(&signed, trusted).map_err(|e| e.message(lang))?;
    let mut packs = BTreeMap::new();
    for e in &index.packs {
        let Some(bytes) = source
            .get(&e.file, MAX_PACK_BYTES)
            .map_err(|e| e.words(lang))?
        else {
            continue; // verify_packs names the missing file
        };
        // The pack's own signature, when the release has one (for people checking by hand;
        // the signed index's hash is what the app relies on).
        let sig_file = format!("{}{SIGNATURE_SUFFIX}", e.file);
        if let Ok(Some(sig)) = source.get(&sig_file, MAX_SIGNATURE_BYTES) {
            keys.verify(&e.file, &bytes, &sig)
                .map_err(|e| e.message(lang))?;
        }
        packs.insert(e.file.clone(), bytes);
    }
    let none = |_: &str| None;
    let installed = Installed {
        pack: &none,
        index_released: None,
        app_version: "999999.0.0",
    };
    let verified = verify_packs(index, &packs, &installed).map_err(|e| e.message(lang))?;
    let (n, released) = (verified.packs.len(), &verified.index.released);
    let head = match lang {
        Lang::Zh => format!("发布有效：签名、校验值与 {n} 个规则包均通过（{released}）"),
        Lang::En => format!(
            "Release valid: signatures, hashes and {} pass ({released})",
            count_en(n as u64, "pack", "packs")
        ),
    };
    let entries: Vec<IndexEntry> = verified.packs.iter().map(|p| p.entry.clone()).collect();
    let lines = std::iter::once(head)
        .chain(pack_lines(&entries, false))
        .collect();
    let json = json!({"valid": true, "released": released, "packs": verified.index.packs});
    Ok(Printout::new(json, lines))
}

/// The rule-update status as lines: each installed pack, the last check and update, and
/// where updates come from.
pub fn status_lines(view: &RuleUpdatesView, lang: Lang) -> Vec<String> {
    let mut lines = vec![view.title.clone()];
    lines.extend(view.packs.iter().map(|p| format!("  {}", p.text)));
    lines.push(view.last_check_text.clone());
    if !view.last_update_text.is_empty() {
        lines.push(view.last_update_text.clone());
        lines.extend(view.last_update_notes.iter().map(|n| format!("  {n}")));
    }
    lines.push(format!(
        "{}{}",
        lang.pick("更新地址：", "Update address: "),
        view.base_url
    ));
    lines
}

impl RuleUpdateResultView {
    /// Installed, or nothing to install: the command succeeded (it exits 1 otherwise,
    /// saying why on stderr).
    pub fn succeeded(&self) -> bool {
        self.outcome == "installed" || self.outcome == "up_to_date"
    }
}

impl App {
    /// `tuilu rules update`: reads the signed index from `source`, then only the packs
    /// newer than installed (none when the index is refused: the install says why), and
    /// installs them as the phones do; a release that cannot be read is recorded as a
    /// failed check.
    pub fn cli_update_rules(
        &self,
        ctx: &ViewContext,
        source: &dyn ReleaseSource,
        trusted: &TrustedKeys,
    ) -> Result<RuleUpdateResultView, AppError> {
        let book = self.rule_book()?;
        let fetched = (|| -> Result<ReleaseBytes, FetchError> {
            let signed = source.signed_index()?;
            let mut packs = BTreeMap::new();
            if let Ok(index) = verify_index(&signed, trusted) {
                let installed = |id: &str| book.get(id).map(|s| s.pack.version.clone());
                for file in wanted_files(&index, &installed) {
                    if let Some(bytes) = source.get(&file, MAX_PACK_BYTES)? {
                        packs.insert(file, bytes);
                    }
                }
            }
            Ok(ReleaseBytes { signed, packs })
        })();
        match fetched {
            Ok(release) => self.install_rule_update_trusting(ctx, &release, trusted),
            Err(e) => self.record_rule_update_failure(ctx, &e.words(ctx.lang)),
        }
    }
}
