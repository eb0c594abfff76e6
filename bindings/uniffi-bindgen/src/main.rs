//! `uniffi-bindgen` at exactly the workspace's uniffi version. Run it from inside the
//! workspace: it calls `cargo metadata` to find each crate's `uniffi.toml`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
