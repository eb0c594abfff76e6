//! The CLI is a shell like the phones (issue 28): it reaches the vault, the evidence store,
//! the reminders and the backup only through the application layer (`tuilu_core::app`),
//! and holds no database handle of its own. This test reads every file of `cli/src` and
//! fails on a path into those domain modules or on a use of rusqlite, so a second way in
//! cannot come back unnoticed.

use std::path::{Path, PathBuf};

const DOMAIN: [&str; 4] = ["vault", "evidence", "reminders", "backup"];

/// The lines of `source` that reach past the application layer, with their numbers.
fn reaches_past_the_app(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let joined: String = line.split_whitespace().collect();
            let direct = DOMAIN.iter().any(|m| {
                joined.contains(&format!("tuilu_core::{m}::"))
                    || joined.contains(&format!("tuilu_core::{m};"))
                    || joined.contains(&format!("tuilu_core::{m}}}"))
            });
            direct || joined.contains("rusqlite") || in_group(&joined)
        })
        .map(|(n, line)| (n + 1, line.trim().to_string()))
        .collect()
}

/// `use tuilu_core::{vault::X, Lang}` or `use tuilu_core::{evidence, Lang}`.
fn in_group(joined: &str) -> bool {
    let Some(start) = joined.find("tuilu_core::{") else {
        return false;
    };
    joined[start + "tuilu_core::{".len()..]
        .split(['{', '}', ','])
        .any(|part| {
            DOMAIN
                .iter()
                .any(|m| part == *m || part.starts_with(&format!("{m}::")))
        })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read cli/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_matcher_sees_every_way_past_the_app_layer() {
    for line in [
        "use tuilu_core::vault::RuleFlag;",
        "    let s = tuilu_core::reminders::subjects_for_vault(&vault)?;",
        "use tuilu_core::evidence::{CancelFlag, Progress};",
        "use tuilu_core::{backup::Manifest, Lang};",
        "use tuilu_core::{Lang, evidence};",
        "use tuilu_core :: backup :: create_backup;",
        "use rusqlite::Connection;",
        "    conn: &mut rusqlite::Connection,",
    ] {
        assert_eq!(reaches_past_the_app(line).len(), 1, "missed: {line}");
    }
    for line in [
        "use tuilu_core::app::cli_support::{CancelFlag, Progress};",
        "use tuilu_core::app::cli_reminders::RuleFlag;",
        "use tuilu_core::calendar::{DayKind, EstimateReason};",
        "use tuilu_core::{Lang, RuleBook};",
        "let vault = app.vault_for(&ctx)?;",
        "// the evidence store",
    ] {
        assert!(reaches_past_the_app(line).is_empty(), "false alarm: {line}");
    }
}

#[test]
fn the_cli_reaches_the_domain_only_through_the_app_layer() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 5, "cli/src read: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).expect("read a source file");
        for (n, line) in reaches_past_the_app(&source) {
            found.push(format!("{}:{n}: {line}", file.display()));
        }
    }
    assert!(
        found.is_empty(),
        "the CLI must go through tuilu_core::app (its views, events and cli_* methods):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_cli_has_no_database_driver_of_its_own() {
    let manifest =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("read cli/Cargo.toml");
    assert!(
        !manifest
            .lines()
            .any(|l| l.trim_start().starts_with("rusqlite")),
        "one database handle per process: the app's"
    );
}
