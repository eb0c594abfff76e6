//! `tuilu rules keygen|release|verify-release|update`: signed rule-pack releases for
//! maintainers, and installing them (docs/rule-updates.md). The checks and the install
//! are the core's (`rules::release`, `App::install_rule_update_trusting`); this reads
//! files, fetches over HTTP(S) and prints.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde::Deserialize;
use serde_json::json;
use tuilu_core::app::ReleaseBytes;
use tuilu_core::limits::{
    MAX_INDEX_BYTES, MAX_KEY_LIST_BYTES, MAX_PACK_BYTES, MAX_SIGNATURE_BYTES,
};
use tuilu_core::rules::compile_pack_file;
use tuilu_core::rules::release::{
    is_acceptable_url, release_keys, sha256_hex, verify_index, verify_packs, wanted_files,
    IndexEntry, Installed, ReleaseIndex, SignedIndex, TrustedKeys, INDEX_FILE, INDEX_FORMAT,
    KEYS_FILE, SIGNATURE_SUFFIX,
};
use tuilu_core::Text;

use crate::output::{print_json, t, Globals};
use crate::views;

/// The environment variable a secret key's password may come from (scripts, CI).
pub const PASSWORD_ENV: &str = "TUILU_KEY_PASSWORD";
/// Per-pack change notes and minimum app versions, beside the packs (optional).
pub const NOTES_FILE: &str = "release-notes.toml";
/// Seconds an HTTP request may take, unless `--timeout` says otherwise.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;

/// `tuilu rules keygen -o <dir>`.
pub fn keygen(g: &Globals, out: &Path, name: &str, no_password: bool) -> anyhow::Result<ExitCode> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        bail!("密钥名称不能含路径 / the key name must not be a path: {name}");
    }
    std::fs::create_dir_all(out).with_context(|| format!("{}", out.display()))?;
    let sk_path = out.join(format!("{name}.key"));
    let pk_path = out.join(format!("{name}.pub"));
    for p in [&sk_path, &pk_path] {
        if p.exists() {
            bail!(
                "{} 已存在，不会覆盖 / already exists; not overwritten",
                p.display()
            );
        }
    }
    let pair = if no_password {
        minisign::KeyPair::generate_unencrypted_keypair()
    } else {
        let password = match std::env::var(PASSWORD_ENV) {
            Ok(p) if !p.is_empty() => p,
            _ => {
                let a = rpassword::prompt_password("密码 / password: ")?;
                let b = rpassword::prompt_password("再输入一次 / again: ")?;
                if a != b {
                    bail!("两次输入的密码不一致 / the passwords differ");
                }
                a
            }
        };
        minisign::KeyPair::generate_encrypted_keypair(Some(password))
    }
    .map_err(|e| anyhow!("{e}"))?;
    let sk_text = pair
        .sk
        .to_box(None)
        .map_err(|e| anyhow!("{e}"))?
        .into_string();
    let pk_text = pair.pk.to_box().map_err(|e| anyhow!("{e}"))?.into_string();
    write_private(&sk_path, sk_text.as_bytes())?;
    std::fs::write(&pk_path, pk_text.as_bytes())?;
    if g.json {
        print_json(&json!({"secret_key": sk_path, "public_key": pk_path}))?;
    } else {
        println!(
            "{}",
            t(
                g.lang,
                &format!(
                    "已生成密钥：私钥 {}（请妥善保管，切勿公开），公钥 {}",
                    sk_path.display(),
                    pk_path.display()
                ),
                &format!(
                    "Key made: secret key {} (keep it safe, never publish it), public key {}",
                    sk_path.display(),
                    pk_path.display()
                ),
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a file only its owner can read.
fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("{}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// Reads a minisign secret key, asking for its password when it has one.
fn read_secret_key(path: &Path) -> anyhow::Result<minisign::SecretKey> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    if let Ok(sk) =
        minisign::SecretKey::from_unencrypted_box(minisign::SecretKeyBox::from_string(&text)?)
    {
        return Ok(sk);
    }
    let password = match std::env::var(PASSWORD_ENV) {
        Ok(p) if !p.is_empty() => p,
        _ => rpassword::prompt_password("密钥密码 / key password: ")?,
    };
    minisign::SecretKey::from_box(minisign::SecretKeyBox::from_string(&text)?, Some(password))
        .map_err(|e| anyhow!("无法读取私钥 / cannot read the secret key: {e}"))
}

fn sign(sk: &minisign::SecretKey, file: &str, bytes: &[u8]) -> anyhow::Result<String> {
    let ts = chrono::Utc::now().timestamp();
    let trusted = format!("timestamp:{ts}\tfile:{file}\thashed");
    Ok(
        minisign::sign(None, sk, Cursor::new(bytes), Some(&trusted), None)
            .map_err(|e| anyhow!("{e}"))?
            .into_string(),
    )
}

/// The change note and minimum app version of one pack in `release-notes.toml`.
#[derive(Debug, Default, Deserialize)]
struct PackNotes {
    #[serde(default)]
    zh: String,
    #[serde(default)]
    en: String,
    #[serde(default)]
    min_app_version: Option<String>,
}

/// `tuilu rules release <packs-dir> -o <release-dir> --key <secret-key-file>`.
pub fn release(
    g: &Globals,
    packs_dir: &Path,
    out: &Path,
    key: &Path,
    min_app_version: &str,
) -> anyhow::Result<ExitCode> {
    let released = g.clock().format("%Y-%m-%d").to_string();
    let notes: BTreeMap<String, PackNotes> =
        match std::fs::read_to_string(packs_dir.join(NOTES_FILE)) {
            Ok(text) => toml::from_str(&text)
                .with_context(|| format!("{}", packs_dir.join(NOTES_FILE).display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(e.into()),
        };
    let mut sources: Vec<PathBuf> = std::fs::read_dir(packs_dir)
        .with_context(|| format!("{}", packs_dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension().is_some_and(|x| x == "toml" || x == "json")
                && p.file_name().is_some_and(|n| n != NOTES_FILE)
        })
        .collect();
    sources.sort();
    if sources.is_empty() {
        bail!(
            "{} 中没有规则包 / no pack files in {}",
            packs_dir.display(),
            packs_dir.display()
        );
    }
    // Everything is validated and compiled before anything is written.
    let mut packs: Vec<(IndexEntry, String)> = Vec::new();
    for path in &sources {
        let json = compile_pack_file(path).map_err(|e| {
            anyhow!(
                "规则包无效，未生成发布 / invalid pack, no release written: {}: {e}",
                path.display()
            )
        })?;
        let scenario = tuilu_core::Scenario::from_json_str("pack.json", &json)
            .map_err(|e| anyhow!("{}: {e}", path.display()))?;
        let id = scenario.id().to_string();
        if packs.iter().any(|(e, _)| e.scenario == id) {
            bail!("同一场景出现两次 / the same scenario twice: {id}");
        }
        let n = notes.get(&id);
        let note = match n {
            Some(n) if !n.zh.is_empty() && !n.en.is_empty() => Text::new(&n.zh, &n.en),
            _ => Text::new(
                format!("规则复核，版本 {}", scenario.pack.version),
                format!("Rules reviewed, version {}", scenario.pack.version),
            ),
        };
        packs.push((
            IndexEntry {
                scenario: id.clone(),
                version: scenario.pack.version.clone(),
                sha256: sha256_hex(json.as_bytes()),
                file: format!("{id}.json"),
                min_app_version: n
                    .and_then(|n| n.min_app_version.clone())
                    .unwrap_or_else(|| min_app_version.to_string()),
                released: released.clone(),
                notes: note,
            },
            json,
        ));
    }
    let index = ReleaseIndex {
        format: INDEX_FORMAT,
        released,
        packs: packs.iter().map(|(e, _)| e.clone()).collect(),
    };
    tuilu_core::rules::release::check_index_shape(&index)
        .map_err(|e| anyhow!("{}", e.message(g.lang)))?;
    let index_json = serde_json::to_string_pretty(&index)? + "\n";
    let sk = read_secret_key(key)?;
    std::fs::create_dir_all(out).with_context(|| format!("{}", out.display()))?;
    for (e, json) in &packs {
        std::fs::write(out.join(&e.file), json)?;
        std::fs::write(
            out.join(format!("{}{SIGNATURE_SUFFIX}", e.file)),
            sign(&sk, &e.file, json.as_bytes())?,
        )?;
    }
    // The index last: a release folder without its signed index is not a release.
    std::fs::write(
        out.join(format!("{INDEX_FILE}{SIGNATURE_SUFFIX}")),
        sign(&sk, INDEX_FILE, index_json.as_bytes())?,
    )?;
    std::fs::write(out.join(INDEX_FILE), &index_json)?;
    if g.json {
        print_json(&index)?;
    } else {
        println!(
            "{}",
            t(
                g.lang,
                &format!(
                    "已生成签名发布：{} 个规则包，{}",
                    packs.len(),
                    out.display()
                ),
                &format!(
                    "Signed release written: {} packs, {}",
                    packs.len(),
                    out.display()
                ),
            )
        );
        for (e, _) in &packs {
            println!("  {} {}  {}", e.scenario, e.version, &e.sha256[..16]);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The keys to check against: the embedded ones plus each `--trust` file.
fn trusted_keys(trust: &[PathBuf]) -> anyhow::Result<TrustedKeys> {
    let mut keys = TrustedKeys::embedded();
    for p in trust {
        let text = std::fs::read_to_string(p).with_context(|| format!("{}", p.display()))?;
        keys.add(&text).map_err(|e| {
            anyhow!(
                "{}: 不是 minisign 公钥 / not a minisign public key: {e}",
                p.display()
            )
        })?;
    }
    Ok(keys)
}

/// Why a file of a release could not be read, worded in one language.
#[derive(Debug)]
enum FetchError {
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
    fn words(&self, lang: tuilu_core::Lang) -> String {
        use tuilu_core::Lang::{En, Zh};
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

/// Where a release is read from: a folder or a base URL.
enum Source {
    Dir(PathBuf),
    Url { base: String, timeout: Duration },
}

impl Source {
    fn new(s: &str, timeout_secs: u64) -> anyhow::Result<Source> {
        if s.starts_with("http://") || s.starts_with("https://") {
            if !is_acceptable_url(s) {
                bail!(
                    "只接受 https:// 地址（http:// 仅限本机测试）/ only https:// addresses are accepted (http:// only for loopback): {s}"
                );
            }
            let base = if s.ends_with('/') {
                s.to_string()
            } else {
                format!("{s}/")
            };
            Ok(Source::Url {
                base,
                timeout: Duration::from_secs(timeout_secs.max(1)),
            })
        } else {
            Ok(Source::Dir(PathBuf::from(s)))
        }
    }

    /// Reads `name` (at most `limit` + 1 bytes, so the core sees it is too large).
    /// `Ok(None)` when it does not exist.
    fn get(&self, name: &str, limit: usize) -> Result<Option<Vec<u8>>, FetchError> {
        let mut bytes = Vec::new();
        match self {
            Source::Dir(dir) => {
                let path = dir.join(name);
                let f = match std::fs::File::open(&path) {
                    Ok(f) => f,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => {
                        return Err(FetchError::Other {
                            place: path.display().to_string(),
                            detail: e.to_string(),
                        })
                    }
                };
                f.take(limit as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| FetchError::Other {
                        place: path.display().to_string(),
                        detail: e.to_string(),
                    })?;
            }
            Source::Url { base, timeout } => {
                let url = format!("{base}{name}");
                let config = ureq::Agent::config_builder()
                    // A redirect is never followed: it could lead anywhere.
                    .max_redirects(0)
                    .http_status_as_error(false)
                    .timeout_global(Some(*timeout))
                    .build();
                let agent: ureq::Agent = config.into();
                let resp = agent.get(&url).call().map_err(|e| match e {
                    ureq::Error::Timeout(_) => FetchError::TimedOut { url: url.clone() },
                    other => FetchError::Other {
                        place: url.clone(),
                        detail: other.to_string(),
                    },
                })?;
                let status = resp.status();
                if status.is_redirection() {
                    return Err(FetchError::Redirect {
                        url,
                        status: status.as_u16(),
                    });
                }
                if status.as_u16() == 404 {
                    return Ok(None);
                }
                if !status.is_success() {
                    return Err(FetchError::Status {
                        url,
                        status: status.as_u16(),
                    });
                }
                resp.into_body()
                    .into_reader()
                    .take(limit as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| {
                        if e.kind() == std::io::ErrorKind::TimedOut
                            || e.to_string().contains("timeout")
                        {
                            FetchError::TimedOut { url: url.clone() }
                        } else {
                            FetchError::Other {
                                place: url.clone(),
                                detail: e.to_string(),
                            }
                        }
                    })?;
            }
        }
        Ok(Some(bytes))
    }

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

/// `tuilu rules verify-release <release-dir> [--trust <key.pub>]`: every signature, hash
/// and pack of a release, whatever is installed.
pub fn verify_release(g: &Globals, dir: &Path, trust: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let trusted = trusted_keys(trust)?;
    let source = Source::Dir(dir.to_path_buf());
    let refuse = |message: String| -> anyhow::Result<ExitCode> {
        eprintln!("{message}");
        Ok(ExitCode::from(1))
    };
    let signed = match source.signed_index() {
        Ok(s) => s,
        Err(e) => {
            return refuse(format!(
                "{}{}",
                t(g.lang, "无法读取发布：", "cannot read the release: "),
                e.words(g.lang)
            ))
        }
    };
    let index = match verify_index(&signed, &trusted) {
        Ok(i) => i,
        Err(e) => return refuse(e.message(g.lang)),
    };
    let keys = release_keys(&signed, &trusted).map_err(|e| anyhow!("{}", e.message(g.lang)))?;
    let mut packs = BTreeMap::new();
    for e in &index.packs {
        let bytes = match source.get(&e.file, MAX_PACK_BYTES) {
            Ok(Some(b)) => b,
            Ok(None) => continue, // verify_packs names the missing file
            Err(err) => return refuse(err.words(g.lang)),
        };
        // The pack's own signature, when the release has one (for people checking by hand;
        // the signed index's hash is what the app relies on).
        if let Ok(Some(sig)) = source.get(
            &format!("{}{SIGNATURE_SUFFIX}", e.file),
            MAX_SIGNATURE_BYTES,
        ) {
            if let Err(err) = keys.verify(&e.file, &bytes, &sig) {
                return refuse(err.message(g.lang));
            }
        }
        packs.insert(e.file.clone(), bytes);
    }
    let none = |_: &str| None;
    let installed = Installed {
        pack: &none,
        index_released: None,
        // Every pack is checked, whichever app it needs.
        app_version: "999999.0.0",
    };
    let verified = match verify_packs(index, &packs, &installed) {
        Ok(v) => v,
        Err(e) => return refuse(e.message(g.lang)),
    };
    if g.json {
        print_json(
            &json!({"valid": true, "released": verified.index.released, "packs": verified.index.packs}),
        )?;
    } else {
        println!(
            "{}",
            t(
                g.lang,
                &format!(
                    "发布有效：签名、校验值与 {} 个规则包均通过（{}）",
                    verified.packs.len(),
                    verified.index.released
                ),
                &format!(
                    "Release valid: signatures, hashes and {} packs pass ({})",
                    verified.packs.len(),
                    verified.index.released
                ),
            )
        );
        for p in &verified.packs {
            println!("  {} {}", p.entry.scenario, p.entry.version);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `tuilu rules update <release-dir-or-url> [--trust <key.pub>]`.
pub fn update(
    g: &Globals,
    from: &str,
    trust: &[PathBuf],
    timeout_secs: u64,
) -> anyhow::Result<ExitCode> {
    let trusted = trusted_keys(trust)?;
    let source = Source::new(from, timeout_secs)?;
    let app = views::open_app(g)?;
    let ctx = views::context(g);
    let fetched = (|| -> Result<ReleaseBytes, FetchError> {
        let signed = source.signed_index()?;
        let mut packs = BTreeMap::new();
        // Only the packs newer than installed are fetched; a refused index fetches none
        // (the install below says why).
        if let Ok(index) = verify_index(&signed, &trusted) {
            let book = app.rule_book().map_err(|e| FetchError::Other {
                place: INDEX_FILE.into(),
                detail: e.to_string(),
            })?;
            for file in wanted_files(&index, &|id| book.get(id).map(|s| s.pack.version.clone())) {
                if let Some(bytes) = source.get(&file, MAX_PACK_BYTES)? {
                    packs.insert(file, bytes);
                }
            }
        }
        Ok(ReleaseBytes { signed, packs })
    })();
    let view = match fetched {
        Ok(release) => app.install_rule_update_trusting(&ctx, &release, &trusted)?,
        Err(e) => app.record_rule_update_failure(&ctx, &e.words(g.lang))?,
    };
    if g.json {
        print_json(&view)?;
    } else if view.outcome == "installed" || view.outcome == "up_to_date" {
        println!("{}", view.message);
        for c in &view.changes {
            println!("  {c}");
        }
    } else {
        eprintln!("{}", view.message);
    }
    Ok(
        if view.outcome == "installed" || view.outcome == "up_to_date" {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// `tuilu rules status`: the settings' rule-update section.
pub fn status(g: &Globals) -> anyhow::Result<ExitCode> {
    let app = views::open_app(g)?;
    let view = app.rule_updates_view(&views::context(g))?;
    if g.json {
        print_json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", view.title);
    for p in &view.packs {
        println!("  {}", p.text);
    }
    println!("{}", view.last_check_text);
    if !view.last_update_text.is_empty() {
        println!("{}", view.last_update_text);
        for n in &view.last_update_notes {
            println!("  {n}");
        }
    }
    println!(
        "{}{}",
        t(g.lang, "更新地址：", "Update address: "),
        view.base_url
    );
    Ok(ExitCode::SUCCESS)
}
