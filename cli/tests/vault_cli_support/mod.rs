//! The CLI run on a vault at a fixed "now", shared by the CLI tests that drive backups and
//! the vault's folder: run, expect success, read JSON.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub const NOW: &str = "2026-09-30T17:30:00+08:00";
pub const PASS: &str = "门前大桥下 游过一群鸭";

pub fn run(vault: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuilu"))
        .arg("--vault")
        .arg(vault)
        .args(["--now", NOW])
        .args(args)
        .env_remove("TUILU_VAULT")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

pub fn ok(vault: &Path, args: &[&str]) -> Output {
    let out = run(vault, args);
    assert!(
        out.status.success(),
        "tuilu {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

pub fn json(vault: &Path, args: &[&str]) -> Value {
    let mut a = args.to_vec();
    a.push("--json");
    serde_json::from_slice(&ok(vault, &a).stdout).unwrap()
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
