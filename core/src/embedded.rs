//! Data compiled into the binary by `build.rs` (rule packs, holiday files) is stored
//! deflated; this inflates it.

use std::io::Read;

/// Inflates raw DEFLATE bytes written by `build.rs` into text.
pub(crate) fn inflate_text(deflated: &[u8]) -> std::io::Result<String> {
    let mut text = String::with_capacity(deflated.len() * 5);
    flate2::read::DeflateDecoder::new(deflated).read_to_string(&mut text)?;
    Ok(text)
}
