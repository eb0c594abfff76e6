//! `tuilu rules keygen|release|verify-release|update|status`: signed rule-pack releases
//! for maintainers, and installing them (docs/rule-updates.md). Reading a release,
//! checking it, installing it and the words are the application layer's
//! (`app::cli_rule_updates`); this makes keys, signs, fetches over HTTP(S) and prints.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use serde_json::json;
use tuilu_core::app::cli_rule_updates::{
    self as updates, FetchError, PackNotes, ReleaseDir, ReleaseSource,
};
use tuilu_core::rules::release::{is_acceptable_url, TrustedKeys, INDEX_FILE, SIGNATURE_SUFFIX};

use crate::output::{print_json, print_out, Globals};
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
        println!("{}", updates::keygen_text(&sk_path, &pk_path, g.lang));
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
    let (index, packs) =
        updates::release_index(&sources, &notes, &released, min_app_version, g.lang)
            .map_err(anyhow::Error::msg)?;
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
        for line in updates::release_lines(&index, out, g.lang) {
            println!("{line}");
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

/// A release served over HTTPS (plain http only on this machine, for tests).
struct WebRelease {
    base: String,
    timeout: Duration,
}

/// Where `tuilu rules update` reads a release: a base URL or a folder.
fn source(s: &str, timeout_secs: u64) -> anyhow::Result<Box<dyn ReleaseSource>> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return Ok(Box::new(ReleaseDir(PathBuf::from(s))));
    }
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
    Ok(Box::new(WebRelease {
        base,
        timeout: Duration::from_secs(timeout_secs.max(1)),
    }))
}

impl ReleaseSource for WebRelease {
    fn get(&self, name: &str, limit: usize) -> Result<Option<Vec<u8>>, FetchError> {
        let url = format!("{}{name}", self.base);
        let config = ureq::Agent::config_builder()
            // A redirect is never followed: it could lead anywhere.
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(self.timeout))
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
        let mut bytes = Vec::new();
        resp.into_body()
            .into_reader()
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timeout") {
                    FetchError::TimedOut { url: url.clone() }
                } else {
                    FetchError::Other {
                        place: url.clone(),
                        detail: e.to_string(),
                    }
                }
            })?;
        Ok(Some(bytes))
    }
}

/// `tuilu rules verify-release <release-dir> [--trust <key.pub>]`: every signature, hash
/// and pack of a release, whatever is installed.
pub fn verify_release(g: &Globals, dir: &Path, trust: &[PathBuf]) -> anyhow::Result<ExitCode> {
    match updates::verify_release_dir(dir, &trusted_keys(trust)?, g.lang) {
        Ok(out) => print_out(g, &out),
        Err(refusal) => {
            eprintln!("{refusal}");
            Ok(ExitCode::from(1))
        }
    }
}

/// `tuilu rules update <release-dir-or-url> [--trust <key.pub>]`.
pub fn update(
    g: &Globals,
    from: &str,
    trust: &[PathBuf],
    timeout_secs: u64,
) -> anyhow::Result<ExitCode> {
    let trusted = trusted_keys(trust)?;
    let source = source(from, timeout_secs)?;
    let app = views::open_app(g)?;
    let view = app.cli_update_rules(&views::context(g), source.as_ref(), &trusted)?;
    if g.json {
        print_json(&view)?;
    } else if view.succeeded() {
        println!("{}", view.message);
        for c in &view.changes {
            println!("  {c}");
        }
    } else {
        eprintln!("{}", view.message);
    }
    Ok(if view.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `tuilu rules status`: the settings' rule-update section.
pub fn status(g: &Globals) -> anyhow::Result<ExitCode> {
    let app = views::open_app(g)?;
    let view = app.rule_updates_view(&views::context(g))?;
    if g.json {
        print_json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    for line in updates::status_lines(&view, g.lang) {
        println!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
