//! Hex digests: the SHA-256 of a file, and the short hashes that name submissions, record
//! contents and pseudonyms.

mod two;

use sha2::{Digest, Sha256};

/// Bytes as lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    push_hex(bytes, &mut out);
    out
}

/// Appends bytes as lower-case hex.
pub fn push_hex(bytes: &[u8], out: &mut String) {
    // Two digits pushed per byte: a `format!` per byte was eight allocations per record
    // digest, and every stored record has one.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
}

/// The first 8 bytes of SHA-256, as 16 hex digits: short, stable names.
pub fn short_sha256(data: &[u8]) -> String {
    let mut out = String::with_capacity(16);
    push_short_sha256(data, &mut out);
    out
}

/// Appends [`short_sha256`] of `data` to `out`, for callers that hash many texts into one
/// reused buffer (a digest per stored record).
pub fn push_short_sha256(data: &[u8], out: &mut String) {
    push_hex(&Sha256::digest(data)[..8], out);
}

/// The first 8 bytes of the SHA-256 of `a` and of `b` ([`short_sha256`] before hex), hashed
/// side by side: twice the rate of one after another on CPUs with SHA instructions.
pub fn short_sha256_two(a: &[u8], b: &[u8]) -> [[u8; 8]; 2] {
    two::sha256_two(a, b).map(|digest| {
        let mut short = [0u8; 8];
        short.copy_from_slice(&digest[..8]);
        short
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(
            super::short_sha256(b"abc"),
            "ba7816bf8f01cfea",
            "the first 8 bytes of SHA-256(\"abc\")"
        );
    }
}
