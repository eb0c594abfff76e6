//! Case ids: 10 characters of Crockford base32 (lower case, no i/l/o/u) from 50 random
//! bits. Random bits come from SQLite's `randomblob()` (seeded from the OS), so no extra
//! dependency; uniqueness is enforced by the primary key and a clash is retried.

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Length of a case id.
pub const CASE_ID_LEN: usize = 10;

/// Encodes the low 50 bits of `bits` as a 10-character id.
pub fn encode(bits: u64) -> String {
    (0..CASE_ID_LEN)
        .rev()
        .map(|i| ALPHABET[((bits >> (i * 5)) & 31) as usize] as char)
        .collect()
}

/// Whether `s` could be (a prefix of) a case id.
pub fn looks_like_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= CASE_ID_LEN
        && s.bytes()
            .all(|b| ALPHABET.contains(&b.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ten_base32_chars() {
        assert_eq!(encode(0), "0000000000");
        assert_eq!(encode(u64::MAX), "zzzzzzzzzz");
        assert_eq!(encode(1 << 5), "0000000010");
        assert!(looks_like_id("k3j9x2mq7a"));
        assert!(!looks_like_id("hello-wor"));
        assert!(!looks_like_id(""));
    }
}
