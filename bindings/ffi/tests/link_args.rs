//! The link arguments `build.rs` gives the shared library: every Android ABI is linked for
//! 16 KB pages (Google Play's requirement, and Android 15+ devices with 16 KB pages refuse
//! a 4 KB-aligned library), and the host build is unchanged.

#[path = "../link_args.rs"]
mod link_args;

use link_args::{cdylib_link_args, ANDROID_MAX_PAGE_SIZE};

#[test]
fn every_android_target_links_for_16_kb_pages() {
    // CARGO_CFG_TARGET_ENV is empty for Rust's Android targets; whatever it says, an
    // Android target gets the flag.
    for env in ["", "gnu", "musl"] {
        let args = cdylib_link_args("android", env);
        assert!(
            args.contains(&ANDROID_MAX_PAGE_SIZE),
            "android/{env}: {args:?}"
        );
        assert!(
            args.contains(&"-Wl,--pack-dyn-relocs=android"),
            "android/{env}: {args:?}"
        );
    }
    assert_eq!(ANDROID_MAX_PAGE_SIZE, "-Wl,-z,max-page-size=16384");
}

#[test]
fn other_targets_do_not_get_the_android_flags() {
    assert_eq!(
        cdylib_link_args("linux", "gnu"),
        vec!["-Wl,-z,pack-relative-relocs"]
    );
    assert!(cdylib_link_args("ios", "").is_empty());
    assert!(cdylib_link_args("macos", "").is_empty());
}
