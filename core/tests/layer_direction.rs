//! The core is one crate with two layers: the domain (rules, calendar, vault, evidence,
//! reminders, backup and the helpers beside them) and the application layer (`app/`: views,
//! events, effects, words). The application uses the domain, never the other way round
//! (docs/adr/0006-one-crate-with-an-enforced-direction.md). This test reads every source
//! file outside `app/` and fails on any path into the application layer, so a tangle
//! cannot come back unnoticed.

use std::path::{Path, PathBuf};

/// The lines of `source` that reach into the application layer, with their line numbers.
fn reaches_into_app(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.trim_start();
            let joined: String = code.split_whitespace().collect();
            joined.contains("crate::app::")
                || joined.contains("crate::app;")
                || joined.contains("crate::app}")
                || joined.contains("tuilu_core::app")
                || joined.contains("super::app")
                || (joined.contains("crate::{") && mentions_app_in_group(&joined))
        })
        .map(|(n, line)| (n + 1, line.trim().to_string()))
        .collect()
}

/// `use crate::{app::X, rules}` or `use crate::{app, rules}`.
fn mentions_app_in_group(joined: &str) -> bool {
    let Some(start) = joined.find("crate::{") else {
        return false;
    };
    joined[start + "crate::{".len()..]
        .split(['{', '}', ','])
        .any(|part| part == "app" || part.starts_with("app::"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read core/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_matcher_sees_every_way_into_the_app_layer() {
    for line in [
        "use crate::app::timing::sense_of;",
        "    match crate::app::timing::sense_of(kind, d) {",
        "use crate::{app::ViewContext, rules};",
        "use crate::{rules, app};",
        "use super::app::Foo;",
        "use super::super::app::Foo;",
        "use crate :: app :: App;",
        "use crate::app;",
    ] {
        assert_eq!(reaches_into_app(line).len(), 1, "missed: {line}");
    }
    for line in [
        "use crate::rules::pack::sense_of;",
        "use crate::{apply, rules::Plan};",
        "use crate::application_id;",
        "let app_dir = crate::files::app_dir();",
    ] {
        assert!(reaches_into_app(line).is_empty(), "false alarm: {line}");
    }
}

#[test]
fn the_domain_never_imports_the_application_layer() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let app = src.join("app");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let domain: Vec<_> = files
        .into_iter()
        // lib.rs declares both layers; app/ is the application layer itself.
        .filter(|p| !p.starts_with(&app) && p.file_name().is_some_and(|n| n != "lib.rs"))
        .collect();
    assert!(
        domain.iter().any(|p| p.ends_with("vault/store.rs"))
            && domain
                .iter()
                .any(|p| p.ends_with("reminders/from_cases.rs")),
        "the scan must cover the domain modules"
    );
    let mut tangles = Vec::new();
    for path in &domain {
        let source = std::fs::read_to_string(path).expect("read source");
        for (line, text) in reaches_into_app(&source) {
            let rel = path
                .strip_prefix(&src)
                .unwrap_or(path)
                .display()
                .to_string();
            tangles.push(format!("core/src/{rel}:{line}: {text}"));
        }
    }
    assert!(
        tangles.is_empty(),
        "the domain reaches into the application layer (move the item down, into rules, \
         calendar, vault, …):\n{}",
        tangles.join("\n")
    );
}
