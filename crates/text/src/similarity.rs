//! String similarity for comparing names and identifiers. The functions work
//! on the strings as given; fold both first to ignore case and accents.

/// Jaro-Winkler similarity, from 0 (nothing shared) to 1 (equal). It rewards
/// a shared beginning, which suits names, where typing errors fall late.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    strsim::jaro_winkler(a, b)
}

/// Edits (insertions, deletions, substitutions and swaps of neighbours) that
/// turn one string into the other, counted in characters.
pub fn damerau_levenshtein(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

/// Whether the Levenshtein distance between `a` and `b` is at most `k`.
///
/// Blocking asks this of millions of pairs for a small `k`, so it computes
/// only the diagonal band of width `2k + 1` and stops as soon as every cell
/// in a row exceeds `k`.
pub fn levenshtein_within(a: &str, b: &str, k: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > k {
        return false;
    }
    let over = k + 1;
    let m = short.len();
    let mut prev: Vec<usize> = (0..=m).map(|i| i.min(over)).collect();
    let mut cur = vec![over; m + 1];
    for (j, &lc) in long.iter().enumerate() {
        let row = j + 1;
        let lo = row.saturating_sub(k).max(1);
        let hi = (row + k).min(m);
        cur[0] = row.min(over);
        // Cells just outside the band are read by the next row; mark them
        // out of reach rather than leave values from two rows back.
        cur[lo - 1] = if lo == 1 { cur[0] } else { over };
        let mut row_min = cur[lo - 1];
        for i in lo..=hi {
            let substitute = prev[i - 1] + usize::from(short[i - 1] != lc);
            let best = substitute.min(prev[i] + 1).min(cur[i - 1] + 1).min(over);
            cur[i] = best;
            row_min = row_min.min(best);
        }
        if hi < m {
            cur[hi + 1] = over;
        }
        if row_min > k {
            return false;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m] <= k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaro_winkler_known_values() {
        assert!((jaro_winkler("martha", "marhta") - 0.961).abs() < 0.001);
        assert!((jaro_winkler("dwayne", "duane") - 0.84).abs() < 0.001);
        assert!((jaro_winkler("same", "same") - 1.0).abs() < f64::EPSILON);
        assert!(jaro_winkler("abc", "xyz").abs() < f64::EPSILON);
    }

    #[test]
    fn damerau_levenshtein_counts_swaps_as_one() {
        assert_eq!(damerau_levenshtein("smith", "smiht"), 1);
        assert_eq!(damerau_levenshtein("kitten", "sitting"), 3);
        assert_eq!(damerau_levenshtein("", "abc"), 3);
    }

    #[test]
    fn levenshtein_within_known_values() {
        assert!(levenshtein_within("kitten", "sitting", 3));
        assert!(!levenshtein_within("kitten", "sitting", 2));
        assert!(levenshtein_within("", "", 0));
        assert!(levenshtein_within("abc", "abc", 0));
        assert!(!levenshtein_within("abc", "abd", 0));
        assert!(!levenshtein_within("a", "abcd", 2));
        assert!(levenshtein_within("flaw", "lawn", 2));
        assert!(levenshtein_within("zoë", "zoe", 1));
    }
}
