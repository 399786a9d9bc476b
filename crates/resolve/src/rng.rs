//! A small seeded generator (SplitMix64) for sampling pairs: training must be
//! reproducible from its seed, and it needs nothing stronger.

const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The finaliser of SplitMix64: every bit of the input moves every bit of
/// the output, so it also spreads keys that differ in few bits (packed
/// levels, ids) over the buckets of a table.
pub const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The `index`-th draw (from 0) of SplitMix64 seeded with `seed`, without
/// drawing the ones before it, so that sampling in parallel gives what
/// sampling in order would.
pub fn nth(seed: u64, index: u64) -> u64 {
    mix(seed.wrapping_add(index.wrapping_add(1).wrapping_mul(GAMMA)))
}

/// The same draws in order; the tests simulate with it.
#[cfg(test)]
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

#[cfg(test)]
impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GAMMA);
        mix(self.0)
    }

    /// Uniform in `0..n`; `n` must be positive. The bias of the modulo is
    /// below 2^-32 for the sizes sampled here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_is_the_sequence() {
        let mut rng = SplitMix64::new(42);
        for i in 0..100 {
            assert_eq!(rng.next_u64(), nth(42, i));
        }
    }
}
