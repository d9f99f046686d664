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
    // Eight bytes' digits are written into an array and appended at once: pushed one by one,
    // each paid a capacity check and a character's encoding.
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for chunk in bytes.chunks(8) {
        let mut digits = [0u8; 16];
        for (pair, b) in digits.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[usize::from(b >> 4)];
            pair[1] = DIGITS[usize::from(b & 0xf)];
        }
        let digits = &digits[..2 * chunk.len()];
        out.push_str(std::str::from_utf8(digits).expect("hex digits are ASCII"));
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
        let bytes: Vec<u8> = (0..=255).collect();
        let expected: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex(&bytes), expected);
        assert_eq!(super::hex(&bytes[..17]), expected[..34]);
        assert_eq!(
            super::short_sha256(b"abc"),
            "ba7816bf8f01cfea",
            "the first 8 bytes of SHA-256(\"abc\")"
        );
    }
}
