//! Where the vault lives: `--vault DIR`, else `$TUILU_VAULT`, else the user's data
//! directory (`$XDG_DATA_HOME/tuilu`, or `~/.local/share/tuilu`).

use std::path::{Path, PathBuf};

/// The vault directory for this run.
pub fn resolve_vault_dir(flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = env("TUILU_VAULT") {
        return PathBuf::from(dir);
    }
    if let Some(data) = env("XDG_DATA_HOME").map(PathBuf::from) {
        // The XDG spec says relative values are invalid and must be ignored.
        if data.is_absolute() {
            return data.join("tuilu");
        }
    }
    if let Some(home) = env("HOME").or_else(|| env("USERPROFILE")) {
        return PathBuf::from(home).join(".local/share/tuilu");
    }
    PathBuf::from(".tuilu")
}
