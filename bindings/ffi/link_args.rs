//! The shared library's link arguments per target, shared by `build.rs` and its test
//! (`tests/link_args.rs`), so the Android flags are checked without an NDK.

/// 16 KB: the largest page size Android devices use (Android 15+ on 16 KB-page hardware);
/// Google Play requires it. A library linked for 4 KB pages does not load there.
pub const ANDROID_MAX_PAGE_SIZE: &str = "-Wl,-z,max-page-size=16384";

/// The `cargo:rustc-cdylib-link-arg` values for a target, from Cargo's
/// `CARGO_CFG_TARGET_OS` and `CARGO_CFG_TARGET_ENV`.
pub fn cdylib_link_args(target_os: &str, target_env: &str) -> Vec<&'static str> {
    match (target_os, target_env) {
        ("linux", "gnu") => vec!["-Wl,-z,pack-relative-relocs"],
        // NDK r27 still links for 4 KB pages by default (r28 switched to 16 KB): the
        // flag is set for every Android ABI, whichever NDK builds it.
        ("android", _) => vec!["-Wl,--pack-dyn-relocs=android", ANDROID_MAX_PAGE_SIZE],
        _ => vec![],
    }
}
