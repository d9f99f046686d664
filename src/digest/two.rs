//! SHA-256 of two messages at once. Every stored record's digest hashes a short text (one or
//! two 64-byte blocks), and the x86 SHA instructions of one message wait on each other: each
//! round needs the last one's result. Two messages' rounds side by side keep the unit busy
//! while the other waits, about twice the rate of one after another (the sha2 crate's
//! hashing was the largest single cost of validation). The same function as sha2's, tested
//! against it; without the SHA instructions sha2 hashes each message.

use sha2::{Digest, Sha256};

/// The SHA-256 of `a` and of `b`.
pub fn sha256_two(a: &[u8], b: &[u8]) -> [[u8; 32]; 2] {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("sha")
        && std::arch::is_x86_feature_detected!("sse4.1")
        && std::arch::is_x86_feature_detected!("ssse3")
    {
        // SAFETY: the CPU has the instructions the function is compiled for.
        return unsafe { x86::sha256_two(a, b) };
    }
    [Sha256::digest(a).into(), Sha256::digest(b).into()]
}

/// A message with SHA-256's padding: its whole blocks as they are, then one or two blocks
/// holding the rest, the `0x80` byte, zeros and the length in bits.
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
struct Padded<'a> {
    whole: &'a [u8],
    tail: [u8; 128],
    tail_blocks: usize,
}

#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
impl Padded<'_> {
    fn new(message: &[u8]) -> Padded<'_> {
        let (whole, rest) = message.split_at(message.len() / 64 * 64);
        let mut tail = [0u8; 128];
        tail[..rest.len()].copy_from_slice(rest);
        tail[rest.len()] = 0x80;
        let tail_blocks = if rest.len() < 56 { 1 } else { 2 };
        let bits = (message.len() as u64).wrapping_mul(8);
        tail[tail_blocks * 64 - 8..tail_blocks * 64].copy_from_slice(&bits.to_be_bytes());
        Padded {
            whole,
            tail,
            tail_blocks,
        }
    }

    fn blocks(&self) -> usize {
        self.whole.len() / 64 + self.tail_blocks
    }

    fn block(&self, i: usize) -> &[u8; 64] {
        let whole = self.whole.len() / 64;
        let bytes = if i < whole {
            &self.whole[i * 64..]
        } else {
            &self.tail[(i - whole) * 64..]
        };
        bytes[..64].try_into().expect("64 bytes")
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;

    use super::Padded;

    /// SHA-256's round constants.
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];

    /// SHA-256's initial state.
    const H: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];

    /// The state as the SHA instructions hold it: (a, b, e, f) and (c, d, g, h).
    type State = [__m128i; 2];

    /// # Safety
    /// The CPU must have the SHA, SSSE3 and SSE4.1 instructions.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub(super) unsafe fn sha256_two(a: &[u8], b: &[u8]) -> [[u8; 32]; 2] {
        let (a, b) = (Padded::new(a), Padded::new(b));
        let mut states = [initial(), initial()];
        let both = a.blocks().min(b.blocks());
        for i in 0..both {
            compress(&mut states, [a.block(i), b.block(i)]);
        }
        // The longer message's last blocks, alone.
        for (state, message) in states.iter_mut().zip([&a, &b]) {
            let mut one = [*state];
            for i in both..message.blocks() {
                compress(&mut one, [message.block(i)]);
            }
            *state = one[0];
        }
        [digest(states[0]), digest(states[1])]
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn initial() -> State {
        // SAFETY: `H` is 32 bytes, read unaligned.
        let (dcba, efgh) = unsafe {
            let h = H.as_ptr().cast::<__m128i>();
            (_mm_loadu_si128(h), _mm_loadu_si128(h.add(1)))
        };
        let cdab = _mm_shuffle_epi32(dcba, 0xB1);
        let efgh = _mm_shuffle_epi32(efgh, 0x1B);
        [
            _mm_alignr_epi8(cdab, efgh, 8),
            _mm_blend_epi16(efgh, cdab, 0xF0),
        ]
    }

    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn digest([abef, cdgh]: State) -> [u8; 32] {
        let feba = _mm_shuffle_epi32(abef, 0x1B);
        let dchg = _mm_shuffle_epi32(cdgh, 0xB1);
        let mut words = [0u32; 8];
        // SAFETY: `words` is 32 bytes, written unaligned.
        unsafe {
            let out = words.as_mut_ptr().cast::<__m128i>();
            _mm_storeu_si128(out, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(out.add(1), _mm_alignr_epi8(dchg, feba, 8));
        }
        let mut bytes = [0u8; 32];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        bytes
    }

    /// One block of each of `N` messages into its state, the messages' rounds interleaved.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    fn compress<const N: usize>(states: &mut [State; N], blocks: [&[u8; 64]; N]) {
        let mask = _mm_set_epi64x(
            0x0C0D_0E0F_0809_0A0Bu64 as i64,
            0x0405_0607_0001_0203u64 as i64,
        );
        let saved = *states;
        // The last four groups of four message words of each message.
        let mut w = [[_mm_setzero_si128(); 4]; N];
        for (words, block) in w.iter_mut().zip(blocks) {
            for (j, word) in words.iter_mut().enumerate() {
                // SAFETY: the block is 64 bytes, read unaligned in four 16-byte parts.
                let bytes = unsafe { _mm_loadu_si128(block.as_ptr().cast::<__m128i>().add(j)) };
                *word = _mm_shuffle_epi8(bytes, mask);
            }
        }
        // Four rounds of every message (`i`: which four), the loop written out so that the
        // words stay in registers.
        macro_rules! rounds {
            ($($i:literal)*) => {$(
                // SAFETY: 16 groups of four constants, read unaligned.
                let k = unsafe { _mm_loadu_si128(K.as_ptr().cast::<__m128i>().add($i)) };
                for (words, [abef, cdgh]) in w.iter_mut().zip(states.iter_mut()) {
                    if $i >= 4 {
                        words[$i % 4] = _mm_sha256msg2_epu32(
                            _mm_add_epi32(
                                _mm_sha256msg1_epu32(words[$i % 4], words[($i + 1) % 4]),
                                _mm_alignr_epi8(words[($i + 3) % 4], words[($i + 2) % 4], 4),
                            ),
                            words[($i + 3) % 4],
                        );
                    }
                    let t = _mm_add_epi32(words[$i % 4], k);
                    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, t);
                    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(t, 0x0E));
                }
            )*};
        }
        rounds!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        for (state, saved) in states.iter_mut().zip(saved) {
            state[0] = _mm_add_epi32(state[0], saved[0]);
            state[1] = _mm_add_epi32(state[1], saved[1]);
        }
    }
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::sha256_two;

    #[test]
    fn two_messages_of_every_length_around_the_block_edges_hash_as_sha2_hashes_them() {
        let text: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for a in 0..200 {
            for b in [0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 199] {
                let (a, b) = (&text[..a], &text[100..100 + b]);
                let expected: [[u8; 32]; 2] = [Sha256::digest(a).into(), Sha256::digest(b).into()];
                assert_eq!(
                    sha256_two(a, b),
                    expected,
                    "{} and {} bytes",
                    a.len(),
                    b.len()
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_two_messages_hash_as_sha2_hashes_them(
            a in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
            b in proptest::collection::vec(proptest::num::u8::ANY, 0..400),
        ) {
            let expected: [[u8; 32]; 2] = [Sha256::digest(&a).into(), Sha256::digest(&b).into()];
            proptest::prop_assert_eq!(sha256_two(&a, &b), expected);
        }
    }
}
