//! Headless Chromium and poppler-utils for the tests that render HTML the app produces
//! (the dispute bundle's index, printable letters) to PNG and PDF and read them back.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The browser to render with: `$TUILU_CHROMIUM`, else `chromium` on the PATH (Debian's
/// package; `scripts/test-all.sh` installs it). Missing, the test fails: CI must not skip it.
pub fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("TUILU_CHROMIUM") {
        return PathBuf::from(p);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Some(dir) = std::env::var_os("PATH")
            .iter()
            .flat_map(std::env::split_paths)
            .find(|d| d.join(name).is_file())
        {
            return dir.join(name);
        }
    }
    panic!(
        "headless Chromium is needed to render the app's HTML: install Debian's `chromium` \
         (scripts/test-all.sh does) or set TUILU_CHROMIUM"
    );
}

/// Opens `page` in headless Chromium with a fresh `profile` and `args` (e.g.
/// `--screenshot=…`, `--print-to-pdf=…`); fails the test if the browser does.
pub fn render(browser: &Path, profile: &Path, args: &[String], page: &Path) {
    let out = Command::new("timeout")
        .arg("180")
        .arg(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--allow-file-access-from-files",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a poppler-utils tool (`pdfinfo`, `pdftotext`, `pdfimages`) and returns its output.
pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("{name} (poppler-utils, installed by scripts/test-all.sh): {e}")
    });
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}
