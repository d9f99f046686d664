//! A tiny deterministic generator (xorshift) shared by the synthetic-data tools
//! (`benches/indicators.rs`, `examples/region.rs`): small, fast, the same sequence everywhere,
//! so runs compare.

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
