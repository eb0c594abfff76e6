//! Where the user's vault (their Tuilu data directory) lives.
//!
//! Order: the `--vault DIR` flag, else the `TUILU_VAULT` environment variable, else
//! `$XDG_DATA_HOME/tuilu`, else `~/.local/share/tuilu`.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// Environment variable naming the vault directory.
pub const VAULT_ENV: &str = "TUILU_VAULT";

/// No vault location could be determined (no flag, no `TUILU_VAULT`, no `XDG_DATA_HOME`,
/// no `HOME`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoVaultPath;

impl fmt::Display for NoVaultPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "无法确定数据目录：请用 --vault 指定，或设置 TUILU_VAULT / cannot find the data directory: pass --vault or set TUILU_VAULT",
        )
    }
}

impl std::error::Error for NoVaultPath {}

/// Resolves the vault directory from the flag and the process environment.
pub fn resolve_vault(flag: Option<&Path>) -> Result<PathBuf, NoVaultPath> {
    resolve_vault_with(flag, |name| std::env::var_os(name))
}

/// Resolves the vault directory with `env` standing in for the environment (for tests).
/// Empty values count as unset; `XDG_DATA_HOME` must be absolute to be used.
pub fn resolve_vault_with(
    flag: Option<&Path>,
    env: impl Fn(&str) -> Option<OsString>,
) -> Result<PathBuf, NoVaultPath> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    let non_empty = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = non_empty(VAULT_ENV) {
        return Ok(dir);
    }
    if let Some(xdg) = non_empty("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Ok(xdg.join("tuilu"));
    }
    if let Some(home) = non_empty("HOME") {
        return Ok(home.join(".local").join("share").join("tuilu"));
    }
    Err(NoVaultPath)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| OsString::from(v))
        }
    }

    #[test]
    fn resolution_order() {
        let all = [
            ("TUILU_VAULT", "/v"),
            ("XDG_DATA_HOME", "/xdg"),
            ("HOME", "/home/u"),
        ];
        let flag = Path::new("/flag");
        assert_eq!(
            resolve_vault_with(Some(flag), env_of(&all)),
            Ok(PathBuf::from("/flag"))
        );
        assert_eq!(
            resolve_vault_with(None, env_of(&all)),
            Ok(PathBuf::from("/v"))
        );
        assert_eq!(
            resolve_vault_with(None, env_of(&all[1..])),
            Ok(PathBuf::from("/xdg/tuilu"))
        );
        assert_eq!(
            resolve_vault_with(None, env_of(&[("XDG_DATA_HOME", "rel"), ("HOME", "/h")])),
            Ok(PathBuf::from("/h/.local/share/tuilu"))
        );
        assert_eq!(
            resolve_vault_with(None, env_of(&[("TUILU_VAULT", ""), ("HOME", "/h")])),
            Ok(PathBuf::from("/h/.local/share/tuilu"))
        );
        assert_eq!(resolve_vault_with(None, env_of(&[])), Err(NoVaultPath));
    }
}
