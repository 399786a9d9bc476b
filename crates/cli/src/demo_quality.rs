//! How well resolution did on the demo: pairwise precision, recall and F1 of
//! the resolved person records against the generator's ground truth, overall
//! and per source, and the merges that must never happen (a staff member
//! with a relative at the same address, two namesakes).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};

/// Pair counts: predicted (same cluster), true (same person), and both.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pairs {
    pub predicted: u64,
    pub actual: u64,
    pub correct: u64,
}

impl Pairs {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.actual)
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// No pairs to find and none found is a perfect score, not a failure.
fn ratio(num: u64, den: u64) -> f64 {
    if den == 0 {
        1.0
    } else {
        num as f64 / den as f64
    }
}

/// One source's records: pairs among themselves, and with other sources.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SourceQuality {
    pub records: u64,
    pub within: Pairs,
    pub across: Pairs,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Quality {
    pub records: u64,
    pub overall: Pairs,
    /// Keyed by `dataset:entity`, the part of an entity id before its keys.
    pub sources: BTreeMap<String, SourceQuality>,
    /// Forbidden pairs of people merged, by kind (`relative`, `namesake`),
    /// with every kind the truth lists present even when nothing merged.
    pub forbidden: BTreeMap<String, (u64, u64)>,
}

/// One scored record: its source, its true person and its cluster.
struct Rec<'a> {
    source: &'a str,
    person: &'a str,
    cluster: &'a str,
}

fn choose2(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// `entity_id` → `person_id` pairs and `kind,person_a,person_b` rows.
type Truth = (Vec<(String, String)>, Vec<(String, String, String)>);

pub fn read_truth(truth: &Path, forbidden: &Path) -> Result<Truth> {
    let mut people = Vec::new();
    let mut r = csv::Reader::from_path(truth)
        .with_context(|| format!("cannot read `{}`", truth.display()))?;
    for row in r.records() {
        let row = row.with_context(|| format!("cannot read `{}`", truth.display()))?;
        if let (Some(e), Some(p)) = (row.get(0), row.get(1)) {
            people.push((e.to_string(), p.to_string()));
        }
    }
    let mut pairs = Vec::new();
    let mut r = csv::Reader::from_path(forbidden)
        .with_context(|| format!("cannot read `{}`", forbidden.display()))?;
    for row in r.records() {
        let row = row.with_context(|| format!("cannot read `{}`", forbidden.display()))?;
        if let (Some(k), Some(a), Some(b)) = (row.get(0), row.get(1), row.get(2)) {
            pairs.push((k.to_string(), a.to_string(), b.to_string()));
        }
    }
    Ok((people, pairs))
}

/// The source of an entity id: `dataset:entity`.
fn source_of(id: &str) -> &str {
    let mut colons = id.match_indices(':').map(|(i, _)| i);
    colons.nth(1).and_then(|i| id.get(..i)).unwrap_or(id)
}

/// Scores `clusters` (entity id → canonical id) against the truth, which
/// lists only records that load. A record resolution left out (one it had
/// nothing to compare on) stands alone: its true pairs count as missed.
/// Resolved records the truth does not know are left out.
pub fn score(
    truth: &[(String, String)],
    forbidden: &[(String, String, String)],
    clusters: &HashMap<String, String>,
) -> Quality {
    let recs: Vec<Rec<'_>> = truth
        .iter()
        .map(|(e, p)| Rec {
            source: source_of(e),
            person: p,
            cluster: clusters.get(e).unwrap_or(e),
        })
        .collect();
    let mut q = Quality {
        records: recs.len() as u64,
        overall: count(recs.iter(), |_| true),
        ..Quality::default()
    };
    let mut names: Vec<&str> = recs.iter().map(|r| r.source).collect();
    names.sort_unstable();
    names.dedup();
    for s in names {
        let inside = |r: &Rec<'_>| r.source == s;
        let within = count(recs.iter().filter(|r| inside(r)), |_| true);
        // Pairs with one side in `s`: all pairs touching `s` minus those
        // inside it.
        let touching = count(recs.iter(), inside);
        let across = Pairs {
            predicted: touching.predicted - within.predicted,
            actual: touching.actual - within.actual,
            correct: touching.correct - within.correct,
        };
        q.sources.insert(
            s.to_string(),
            SourceQuality {
                records: recs.iter().filter(|r| inside(r)).count() as u64,
                within,
                across,
            },
        );
    }
    let mut clusters_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in &recs {
        clusters_of.entry(r.person).or_default().push(r.cluster);
    }
    for (kind, a, b) in forbidden {
        let entry = q.forbidden.entry(kind.clone()).or_default();
        let (Some(ca), Some(cb)) = (clusters_of.get(a.as_str()), clusters_of.get(b.as_str()))
        else {
            continue;
        };
        entry.1 += 1;
        if ca.iter().any(|c| cb.contains(c)) {
            entry.0 += 1;
        }
    }
    q
}

/// Pairs among `recs` that have at least one record for which `marked`
/// holds (every pair when it always holds).
fn count<'a, 'r: 'a>(
    recs: impl Iterator<Item = &'a Rec<'r>>,
    marked: impl Fn(&Rec<'r>) -> bool,
) -> Pairs {
    // (all, marked) record counts per cluster, per person and per both.
    let mut by_cluster: HashMap<&str, (u64, u64)> = HashMap::new();
    let mut by_person: HashMap<&str, (u64, u64)> = HashMap::new();
    let mut by_both: HashMap<(&str, &str), (u64, u64)> = HashMap::new();
    for r in recs {
        let m = u64::from(marked(r));
        for n in [
            by_cluster.entry(r.cluster).or_default(),
            by_person.entry(r.person).or_default(),
            by_both.entry((r.cluster, r.person)).or_default(),
        ] {
            n.0 += 1;
            n.1 += m;
        }
    }
    Pairs {
        predicted: marked_pairs(by_cluster.values()),
        actual: marked_pairs(by_person.values()),
        correct: marked_pairs(by_both.values()),
    }
}

/// Pairs with a marked side: all pairs minus those with neither marked.
fn marked_pairs<'a>(groups: impl Iterator<Item = &'a (u64, u64)>) -> u64 {
    groups.map(|(n, k)| choose2(*n) - choose2(n - k)).sum()
}

/// The table `clearstone demo` prints after resolving.
pub fn render(q: &Quality) -> String {
    let mut out = format!(
        "resolution against the ground truth ({} person records, pairwise):\n{:<26} {:>7}  {:>9} {:>7} {:>7}  {:>9} {:>7} {:>7}\n",
        q.records, "source", "records", "precision", "recall", "f1", "across p", "r", "f1"
    );
    let row = |name: &str, records: u64, within: &Pairs, across: Option<&Pairs>| {
        let mut line = format!(
            "{name:<26} {records:>7}  {:>9.4} {:>7.4} {:>7.4}",
            within.precision(),
            within.recall(),
            within.f1()
        );
        if let Some(a) = across {
            line.push_str(&format!(
                "  {:>9.4} {:>7.4} {:>7.4}",
                a.precision(),
                a.recall(),
                a.f1()
            ));
        }
        line.push('\n');
        line
    };
    out.push_str(&row("overall", q.records, &q.overall, None));
    for (name, s) in &q.sources {
        out.push_str(&row(name, s.records, &s.within, Some(&s.across)));
    }
    for (kind, (merged, of)) in &q.forbidden {
        out.push_str(&format!("{kind} pairs merged: {merged} of {of}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn truth(rows: &[(&str, &str)]) -> Vec<(String, String)> {
        rows.iter()
            .map(|(e, p)| (e.to_string(), p.to_string()))
            .collect()
    }

    fn clusters(rows: &[(&str, &str)]) -> HashMap<String, String> {
        rows.iter()
            .map(|(e, c)| (e.to_string(), c.to_string()))
            .collect()
    }

    #[test]
    fn pairs_are_counted_overall_within_and_across_sources() {
        let t = truth(&[
            ("hr:staff:1", "P1"),
            ("access:cardholder:9", "P1"),
            ("access:cardholder:8", "P1"),
            ("hr:staff:2", "P2"),
            ("access:cardholder:7", "P3"),
        ]);
        // The two cards of P1 stay apart; P3's card joins P2.
        let c = clusters(&[
            ("hr:staff:1", "a"),
            ("access:cardholder:9", "a"),
            ("access:cardholder:8", "b"),
            ("hr:staff:2", "c"),
            ("access:cardholder:7", "c"),
        ]);
        let forbidden = vec![
            ("namesake".to_string(), "P2".to_string(), "P3".to_string()),
            ("relative".to_string(), "P1".to_string(), "P2".to_string()),
        ];
        let q = score(&t, &forbidden, &c);
        assert_eq!(
            q.overall,
            Pairs {
                predicted: 2,
                actual: 3,
                correct: 1
            }
        );
        let access = &q.sources["access:cardholder"];
        assert_eq!(access.records, 3);
        assert_eq!(
            access.within,
            Pairs {
                predicted: 0,
                actual: 1,
                correct: 0
            }
        );
        assert_eq!(
            access.across,
            Pairs {
                predicted: 2,
                actual: 2,
                correct: 1
            }
        );
        assert_eq!(q.forbidden["namesake"], (1, 1));
        assert_eq!(q.forbidden["relative"], (0, 1));
        assert!((q.overall.f1() - 0.4).abs() < 1e-9);
    }

    #[test]
    fn records_resolution_left_out_stand_alone() {
        let t = truth(&[("hr:staff:1", "P1"), ("cards:holder:2", "P1")]);
        let q = score(&t, &[], &clusters(&[("hr:staff:1", "a")]));
        assert_eq!(q.records, 2);
        assert_eq!(
            q.overall,
            Pairs {
                predicted: 0,
                actual: 1,
                correct: 0
            }
        );
        assert_eq!(q.overall.f1(), 0.0);
    }
}
