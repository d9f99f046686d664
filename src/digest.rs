//! Hex digests: the SHA-256 of a file, and the short hashes that name submissions, record
//! contents and pseudonyms.

use sha2::{Digest, Sha256};

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The first 8 bytes of SHA-256, as 16 hex digits: short, stable names.
pub fn short_sha256(data: &[u8]) -> String {
    hex(&Sha256::digest(data)[..8])
}
