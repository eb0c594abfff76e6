//! Link options for the shared library only (`cargo:rustc-cdylib-link-arg`), chosen per
//! target so the shipped `libtuilu_ffi` is as small as its platform allows. Measured in the
//! README ("Library size").
//!
//! - Linux (GNU ld >= 2.38, lld; glibc >= 2.36 at run time): `-z pack-relative-relocs`
//!   stores the ~11,000 relative relocations as a bitmap (RELR) instead of 24-byte entries:
//!   about -270 KB.
//! - Android (minSdk 26): packed relocations in Android's own format, which every API level
//!   from 23 loads, and 16 KB page alignment (`-z max-page-size=16384`) for devices with
//!   16 KB pages.
//! - Apple: ld64 already compacts relocations.
//!
//! Identical code folding (`--icf=all`) would save another ~60 KB on Linux (rust-lld), but
//! it may merge C functions whose addresses SQLite compares; `--icf=safe` saves nothing
//! here, so neither is used.

use std::env;

#[path = "link_args.rs"]
mod link_args;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link_args.rs");
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env_ = env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    for arg in link_args::cdylib_link_args(&os, &env_) {
        println!("cargo:rustc-cdylib-link-arg={arg}");
    }
}
