//! Jaro-Winkler without allocating, for folded names: the comparison of
//! every candidate pair calls it, and the general version allocates its
//! match flags on each call. ASCII strings up to 64 bytes, which is nearly
//! every name, keep the flags in two machine words; anything else falls
//! back to the general version, whose results this one matches exactly.

use clearstone_text::similarity::jaro_winkler as general;

/// Jaro-Winkler similarity as [`clearstone_text::similarity::jaro_winkler`].
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() > 64 || b.len() > 64 || !a.is_ascii() || !b.is_ascii() {
        // Both are valid UTF-8, being slices of &str.
        return general(
            std::str::from_utf8(a).unwrap_or_default(),
            std::str::from_utf8(b).unwrap_or_default(),
        );
    }
    let sim = jaro(a, b);
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// How many of each character a short ASCII name holds, up to three, as
/// three bit sets (letters held at least once, twice, three times), with
/// every byte that is not a lower-case letter counted in one of six
/// shared buckets. Two names can match at most as many characters as
/// they hold in common, which bounds their Jaro similarity without
/// comparing them: most pairs of different names are ruled out by a few
/// bit operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Letters {
    at_least: [u32; 3],
    len: u32,
}

impl Letters {
    /// `None` for a name [`jaro_winkler`] does not compare byte by byte,
    /// or with a character (or bucket) four times or more.
    pub fn of(name: &str) -> Option<Letters> {
        let bytes = name.as_bytes();
        if bytes.len() > 64 || !bytes.is_ascii() {
            return None;
        }
        let mut counts = [0u8; 32];
        for &b in bytes {
            let slot = if b.is_ascii_lowercase() {
                usize::from(b - b'a')
            } else {
                26 + usize::from(b % 6)
            };
            let c = counts.get_mut(slot)?;
            *c += 1;
            if *c > 3 {
                return None;
            }
        }
        let mut at_least = [0u32; 3];
        for (slot, &c) in counts.iter().enumerate() {
            for set in at_least.iter_mut().take(usize::from(c)) {
                *set |= 1 << slot;
            }
        }
        Some(Letters {
            at_least,
            len: bytes.len() as u32,
        })
    }

    /// At least the Jaro similarity of the two names: a bucket shared by
    /// several characters only overstates what they hold in common.
    pub fn jaro_at_most(&self, other: &Letters) -> f64 {
        let common: u32 = self
            .at_least
            .iter()
            .zip(&other.at_least)
            .map(|(x, y)| (x & y).count_ones())
            .sum();
        if common == 0 || self.len == 0 || other.len == 0 {
            return if self.len == 0 && other.len == 0 {
                1.0
            } else {
                0.0
            };
        }
        let c = f64::from(common);
        (c / f64::from(self.len) + c / f64::from(other.len) + 1.0) / 3.0
    }
}

fn jaro(a: &[u8], b: &[u8]) -> f64 {
    let (la, lb) = (a.len(), b.len());
    if la == 0 && lb == 0 {
        return 1.0;
    }
    if la == 0 || lb == 0 {
        return 0.0;
    }
    let range = (la.max(lb) / 2).saturating_sub(1);
    let (mut fa, mut fb) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = lb.min(i + range + 1);
        for j in lo..hi {
            if fb & (1 << j) == 0 && b.get(j) == Some(&x) {
                fa |= 1 << i;
                fb |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &x) in a.iter().enumerate() {
        if fa & (1 << i) == 0 {
            continue;
        }
        while j < lb && fb & (1 << j) == 0 {
            j += 1;
        }
        if b.get(j) != Some(&x) {
            transpositions += 1;
        }
        j += 1;
    }
    transpositions /= 2;
    ((matches as f64 / la as f64)
        + (matches as f64 / lb as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::rng::SplitMix64;

    #[test]
    fn matches_the_general_version_exactly() {
        let mut rng = SplitMix64::new(1);
        let alphabet = b"abcde ";
        let word = |rng: &mut SplitMix64, max: u64| -> String {
            let n = rng.below(max + 1) as usize;
            (0..n)
                .map(|_| char::from(alphabet[rng.below(alphabet.len() as u64) as usize]))
                .collect()
        };
        for _ in 0..20_000 {
            let max = if rng.below(10) == 0 { 70 } else { 12 };
            let (a, b) = (word(&mut rng, max), word(&mut rng, max));
            assert_eq!(jaro_winkler(&a, &b), general(&a, &b), "{a:?} {b:?}");
        }
        for (a, b) in [("martha", "marhta"), ("zoë", "zoe"), ("", ""), ("a", "")] {
            assert_eq!(jaro_winkler(a, b), general(a, b));
        }
    }

    #[test]
    fn letters_never_understate_jaro() {
        let mut rng = SplitMix64::new(2);
        // Few letters, so that names share and repeat them; digits and
        // hyphens share buckets.
        let alphabet = b"aabenrst -'09";
        let (mut ruled_out, mut compared) = (0, 0);
        for _ in 0..50_000 {
            let word = |rng: &mut SplitMix64| -> String {
                let n = rng.below(11) as usize;
                (0..n)
                    .map(|_| char::from(alphabet[rng.below(alphabet.len() as u64) as usize]))
                    .collect()
            };
            let (a, b) = (word(&mut rng), word(&mut rng));
            let (Some(x), Some(y)) = (Letters::of(&a), Letters::of(&b)) else {
                continue;
            };
            let exact = jaro(a.as_bytes(), b.as_bytes());
            let bound = x.jaro_at_most(&y);
            assert!(bound >= exact, "{a:?} {b:?}: {bound} < {exact}");
            assert_eq!(bound, y.jaro_at_most(&x));
            compared += 1;
            if bound <= 0.7 {
                ruled_out += 1;
            }
        }
        // The bound is of use: it rules out many pairs.
        assert!(ruled_out * 10 > compared, "{ruled_out} of {compared}");
        assert_eq!(Letters::of("aaaa"), None);
        assert_eq!(Letters::of("zoë"), None);
        // Same letters, so only the comparison itself can tell them apart.
        let (x, y) = (Letters::of("mary").unwrap(), Letters::of("army").unwrap());
        assert_eq!(x.jaro_at_most(&y), 1.0);
    }
}
