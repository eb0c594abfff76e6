//! Helpers shared by the integration tests: fixture paths and golden-file comparison.

use std::path::{Path, PathBuf};

/// `tests/` in the repository.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// A fixture under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    tests_dir().join("fixtures").join(rel)
}

/// Compares `actual` with the checked-in golden file `tests/golden/<rel>`. With
/// `UPDATE_GOLDEN=1` the file is (re)written instead; review the diff before committing.
pub fn assert_golden(rel: &str, actual: &str) {
    let path = tests_dir().join("golden").join(rel);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with UPDATE_GOLDEN=1 and review it",
            path.display()
        )
    });
    if expected != actual {
        panic!(
            "golden mismatch for {}\n--- expected\n{expected}\n--- actual\n{actual}\n(run with UPDATE_GOLDEN=1 to accept, then review the diff)",
            path.display()
        );
    }
}
