//! What the tests of forms the demo does not write share: a seeded
//! generator, resolution with the shipped person settings, and pairwise
//! F1 by form against the generator's truth.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::Path;

use clearstone_engine::{Engine, ResolveOptions, Session, SessionRequest};

use crate::support;

/// A small seeded generator, independent of the demo's.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.below(1_000_000) as f64) < p * 1_000_000.0
    }
    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}

/// Pairs counted: predicted, true, both.
#[derive(Default, Debug, Clone, Copy)]
pub struct Pairs(pub u64, pub u64, pub u64);

impl Pairs {
    pub fn f1(self) -> f64 {
        let (p, r) = (
            self.2 as f64 / self.0.max(1) as f64,
            self.2 as f64 / self.1.max(1) as f64,
        );
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    pub fn recall(self) -> f64 {
        self.2 as f64 / self.1.max(1) as f64
    }
}

/// Ingests the mappings in `dir` (none quarantining a row) and resolves
/// people with the shipped settings; the canonical id of each record.
pub fn resolve(dir: &Path, mappings: &[&str]) -> HashMap<String, String> {
    resolve_in(dir, mappings).1
}

/// A session of the engine [`resolve_in`] made, for one who resolves.
pub fn session(e: &Engine) -> Session<'_> {
    e.session(SessionRequest {
        principal: "eng".into(),
        purpose: "records".into(),
        justification: "resolution quality check".into(),
        ..SessionRequest::default()
    })
    .unwrap()
}

/// As [`resolve`], with the engine, to go on with.
pub fn resolve_in(dir: &Path, mappings: &[&str]) -> (Engine, HashMap<String, String>) {
    let e = Engine::init(&dir.join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("eng", &["analyst", "data_engineer"])],
        &support::purpose("records", &["analyst", "data_engineer"], &["*"]),
    );
    let s = session(&e);
    for m in mappings {
        let sum = s.ingest(&dir.join(m), &mut |_| {}).unwrap();
        assert_eq!(sum.quarantined, 0, "{m}: {sum:?}");
    }
    s.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    let clusters = s.canonical_ids("Person").unwrap().into_iter().collect();
    drop(s);
    (e, clusters)
}

/// How resolution did against the truth.
pub struct Tally {
    pub overall: Pairs,
    /// Pairs with a record written in each form.
    pub by_form: BTreeMap<&'static str, Pairs>,
    /// Pairs of people that must stay apart and were merged.
    pub merged: Vec<(String, String)>,
    pub report: String,
}

/// Pairwise counts of `clusters` against `truth` (record → person), by the
/// forms of `form_of` (record → forms it was written in), and the pairs of
/// people in `forbidden` merged.
pub fn tally<const N: usize>(
    truth: &HashMap<String, String>,
    form_of: &HashMap<String, [&'static str; N]>,
    forbidden: &[(String, String)],
    clusters: &HashMap<String, String>,
) -> Tally {
    // A record resolution left out stands alone.
    let cluster = |e: &str| clusters.get(e).map_or(e.to_owned(), String::clone);
    let mut ids: Vec<&String> = truth.keys().collect();
    // In one order, so that a pair's forms are those of the same record
    // each time.
    ids.sort();
    let of: HashMap<&str, String> = ids.iter().map(|e| (e.as_str(), cluster(e))).collect();
    let mut overall = Pairs::default();
    let mut by_form: BTreeMap<&'static str, Pairs> = BTreeMap::new();
    for (i, a) in ids.iter().enumerate() {
        for b in &ids[i + 1..] {
            let same = truth[*a] == truth[*b];
            let linked = of[a.as_str()] == of[b.as_str()];
            if !same && !linked {
                continue;
            }
            let count = |p: &mut Pairs| {
                p.0 += u64::from(linked);
                p.1 += u64::from(same);
                p.2 += u64::from(same && linked);
            };
            count(&mut overall);
            if let Some(forms) = form_of.get(*a).or_else(|| form_of.get(*b)) {
                for f in forms {
                    count(by_form.entry(f).or_default());
                }
            }
        }
    }
    // A person is where most of their records are (the smallest cluster id
    // of a tie): a record holding only a name and a home, which may join a
    // namesake at that home, does not decide where the person is.
    let mut votes: HashMap<&str, BTreeMap<&str, usize>> = HashMap::new();
    for (e, p) in truth {
        *votes
            .entry(p.as_str())
            .or_default()
            .entry(of[e.as_str()].as_str())
            .or_default() += 1;
    }
    let person_cluster: HashMap<&str, &str> = votes
        .iter()
        .map(|(p, v)| {
            let most = v.values().max().copied().unwrap_or(0);
            let at = v.iter().find(|(_, n)| **n == most).map_or("", |(c, _)| *c);
            (*p, at)
        })
        .collect();
    let merged: Vec<(String, String)> = forbidden
        .iter()
        .filter(|(a, b)| person_cluster[a.as_str()] == person_cluster[b.as_str()])
        .cloned()
        .collect();
    let mut report = format!("overall F1 {:.4} ({:?})\n", overall.f1(), overall);
    for (form, p) in &by_form {
        writeln!(
            report,
            "{form:<28} recall {:.3} F1 {:.3} {p:?}",
            p.recall(),
            p.f1()
        )
        .unwrap();
    }
    writeln!(
        report,
        "forbidden pairs merged: {} of {}",
        merged.len(),
        forbidden.len()
    )
    .unwrap();
    Tally {
        overall,
        by_form,
        merged,
        report,
    }
}
