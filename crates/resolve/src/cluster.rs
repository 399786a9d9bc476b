//! Clustering: connected components over pairs scored above a threshold,
//! never joining two records a person has judged `not_same`. The judgement
//! is a cannot-link: a merge that would put both ends of one in a single
//! component is refused, so the component is cut there rather than the
//! judgement overruled by indirect evidence.

use crate::score::ScoredPair;

/// Union-find whose roots carry the records they must not be joined with.
#[derive(Debug, Clone)]
struct Components {
    parent: Vec<u32>,
    size: Vec<u32>,
    /// For each root, records its component must never contain.
    cannot: Vec<Vec<u32>>,
}

impl Components {
    fn new(n: u32) -> Components {
        Components {
            parent: (0..n).collect(),
            size: vec![1; n as usize],
            cannot: vec![Vec::new(); n as usize],
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while let Some(&p) = self.parent.get(root as usize) {
            if p == root {
                break;
            }
            root = p;
        }
        // Path compression keeps later finds near constant.
        while let Some(p) = self.parent.get_mut(x as usize) {
            if *p == root {
                break;
            }
            let next = *p;
            *p = root;
            x = next;
        }
        root
    }

    /// Joins the components of `a` and `b` unless a cannot-link forbids it;
    /// says whether they are joined afterwards.
    fn union(&mut self, a: u32, b: u32) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return true;
        }
        let forbidden = |s: &mut Components, from: u32, other: u32| {
            let list = s.cannot.get(from as usize).cloned().unwrap_or_default();
            list.into_iter().any(|c| s.find(c) == other)
        };
        if forbidden(self, ra, rb) || forbidden(self, rb, ra) {
            return false;
        }
        let size = |s: &Components, r: u32| s.size.get(r as usize).copied().unwrap_or(0);
        let (big, small) = if size(self, ra) >= size(self, rb) {
            (ra, rb)
        } else {
            (rb, ra)
        };
        let moved = self
            .cannot
            .get_mut(small as usize)
            .map(std::mem::take)
            .unwrap_or_default();
        let small_size = size(self, small);
        if let Some(p) = self.parent.get_mut(small as usize) {
            *p = big;
        }
        if let Some(s) = self.size.get_mut(big as usize) {
            *s += small_size;
        }
        if let Some(c) = self.cannot.get_mut(big as usize) {
            c.extend(moved);
        }
        true
    }
}

/// Clusters of `n` records: for each record, the smallest record index in
/// its cluster, which does not change when a re-run yields the same
/// clusters.
///
/// Pairs at or above `threshold` are joined strongest first, so that when a
/// `not_same` judgement forces a cut the weaker links are the ones dropped.
/// Pairs naming records at or past `n` are ignored.
pub fn cluster(n: u32, pairs: &[ScoredPair], threshold: f64, not_same: &[(u32, u32)]) -> Vec<u32> {
    let mut comps = Components::new(n);
    for &(a, b) in not_same {
        if a < n && b < n && a != b {
            if let Some(c) = comps.cannot.get_mut(a as usize) {
                c.push(b);
            }
            if let Some(c) = comps.cannot.get_mut(b as usize) {
                c.push(a);
            }
        }
    }
    let mut above: Vec<&ScoredPair> = pairs
        .iter()
        .filter(|p| p.weight >= threshold && p.left < n && p.right < n)
        .collect();
    above.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then((x.left, x.right).cmp(&(y.left, y.right)))
    });
    for p in above {
        comps.union(p.left, p.right);
    }
    let mut smallest = vec![u32::MAX; n as usize];
    for i in 0..n {
        let r = comps.find(i);
        if let Some(s) = smallest.get_mut(r as usize) {
            *s = (*s).min(i);
        }
    }
    (0..n)
        .map(|i| {
            let r = comps.find(i);
            smallest.get(r as usize).copied().unwrap_or(i)
        })
        .collect()
}

/// The components of `n` records joined by `pairs`, without cannot-links
/// and in any order: for each record, a record of its component standing
/// for it (not the smallest).
pub fn components(n: u32, pairs: &[ScoredPair]) -> Vec<u32> {
    let mut comps = Components::new(n);
    for p in pairs.iter().filter(|p| p.left < n && p.right < n) {
        comps.union(p.left, p.right);
    }
    (0..n).map(|i| comps.find(i)).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    fn p(left: u32, right: u32, weight: f64) -> ScoredPair {
        ScoredPair {
            left,
            right,
            weight,
        }
    }

    #[test]
    fn components_above_threshold() {
        let pairs = [p(0, 1, 10.0), p(1, 2, 8.0), p(3, 4, 2.0), p(4, 5, 9.0)];
        assert_eq!(cluster(6, &pairs, 5.0, &[]), vec![0, 0, 0, 3, 4, 4]);
    }

    #[test]
    fn not_same_is_never_overruled() {
        // 0-1-2 join first on the strongest links; 0 and 3 are judged not
        // the same, so both links that would bring 3 in (0-3, 2-3) are refused.
        let pairs = [p(0, 1, 10.0), p(1, 2, 9.0), p(2, 3, 6.0), p(0, 3, 7.0)];
        let c = cluster(4, &pairs, 5.0, &[(3, 0)]);
        assert_ne!(c[0], c[3]);
        assert_eq!(c, vec![0, 0, 0, 3]);
        // Withdrawing the judgement restores the single cluster.
        assert_eq!(cluster(4, &pairs, 5.0, &[]), vec![0, 0, 0, 0]);
    }

    #[test]
    fn cannot_links_follow_merges() {
        // 1 must not meet 4; 1 joins 0, 4 joins 5, then 0-5 must be refused.
        let pairs = [p(0, 1, 9.0), p(4, 5, 9.0), p(0, 5, 8.0), p(2, 5, 7.0)];
        let c = cluster(6, &pairs, 1.0, &[(1, 4)]);
        assert_eq!(c, vec![0, 0, 2, 3, 2, 2]);
    }

    #[test]
    fn clusters_do_not_depend_on_pair_order() {
        let mut pairs = vec![p(0, 1, 3.0), p(1, 2, 3.0), p(2, 3, 3.0), p(5, 4, 3.0)];
        let a = cluster(6, &pairs, 1.0, &[(0, 3)]);
        pairs.reverse();
        assert_eq!(cluster(6, &pairs, 1.0, &[(0, 3)]), a);
    }
}
