//! Hash maps keyed by node or edge index. Queries touch a few thousand
//! indexes of a graph of millions, so a map sized to the answer beats an
//! array sized to the graph; and the keys are dense integers, so a
//! multiplicative hash does the job of SipHash at a fraction of its cost.
//! Nothing here is keyed by outside input an attacker could choose.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IxHasher(u64);

impl Hasher for IxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        // The table indexes by the low bits and tags by the high ones, so fold
        // the well-mixed high half of the product down into the low half.
        let h = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        self.0 = h ^ (h >> 32);
    }
}

pub(crate) type IxMap<V> = HashMap<u32, V, BuildHasherDefault<IxHasher>>;
pub(crate) type IxSet = HashSet<u32, BuildHasherDefault<IxHasher>>;
