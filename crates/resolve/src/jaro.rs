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
}
