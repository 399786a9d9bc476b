//! Cost of a policy decision, timed with std::time. Run with
//! `cargo bench -p clearstone-policy`; outside `cargo bench` it only prints
//! a note, since debug timings of Cedar mean nothing.
//!
//! Prints ns per decision: uncached (entities built per call, as
//! `PolicySet::decide`), a cache miss (one Cedar evaluation), a cache hit,
//! and the gate's cost for one 50-statement entity through a warm cache.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::hint::black_box;
use std::time::Instant;

use clearstone_model::{Classification, Markings, Sensitivity};
use clearstone_policy::{
    Action, PolicySet, Principal, PrincipalKind, Purpose, Resource, SensitiveBasis,
};

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn principal() -> Principal {
    Principal {
        id: "u-analyst".into(),
        display_name: "A. Analyst".into(),
        kind: PrincipalKind::User,
        roles: set(&["analyst", "reviewer"]),
        unit: Some("PSD".into()),
        clearance: Classification::OfficialSensitive,
        caveats: set(&["HR"]),
        attributes: BTreeMap::new(),
        disabled: false,
    }
}

fn purpose() -> Purpose {
    Purpose {
        id: "psd".into(),
        description: String::new(),
        legal_basis: "DPA 2018 s.35(2)(b)".into(),
        sensitive: Some(SensitiveBasis {
            condition: "safeguarding".into(),
        }),
        policy_document: "apd".into(),
        datasets: set(&["hr", "complaints", "intel"]),
        entity_types: set(&["Person", "Complaint"]),
        roles: set(&["analyst"]),
        audit_use: None,
        review_date: "2030-01-01".into(),
        expires: "2030-01-01".into(),
        reviewed_by: Some("dpo".into()),
    }
}

fn value(dataset: &str, sensitivity: Sensitivity, markings: &str) -> Resource {
    Resource {
        dataset: dataset.into(),
        schema: "Officer".into(),
        schema_ancestors: vec!["Officer".into(), "Person".into()],
        sensitivity,
        type_sensitivity: Sensitivity::Ordinary,
        markings: markings.parse::<Markings>().unwrap(),
    }
}

fn ns(elapsed: std::time::Duration, n: usize) -> f64 {
    elapsed.as_secs_f64() * 1e9 / n as f64
}

fn main() {
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("decide bench: skipped outside `cargo bench`");
        return;
    }
    let policies = PolicySet::default_policies().unwrap();
    let (p, pu) = (principal(), purpose());
    let shapes = [
        value("hr", Sensitivity::Ordinary, "OFFICIAL"),
        value("hr", Sensitivity::Ordinary, "OFFICIAL-SENSITIVE:HR"),
        value("hr", Sensitivity::Health, "OFFICIAL-SENSITIVE"),
        value("complaints", Sensitivity::Offence, "OFFICIAL"),
        value("intel", Sensitivity::Ordinary, "SECRET"),
    ];

    let n = 2_000;
    let start = Instant::now();
    for i in 0..n {
        black_box(policies.decide(&p, &pu, Action::View, &shapes[i % shapes.len()], false));
    }
    println!(
        "uncached decide:    {:>9.0} ns/decision",
        ns(start.elapsed(), n)
    );

    // Distinct datasets, so every call misses and runs Cedar once.
    let mut all = pu.clone();
    all.datasets = set(&["*"]);
    let misses: Vec<Resource> = (0..n)
        .map(|i| Resource {
            dataset: format!("d{i}"),
            ..shapes[i % shapes.len()].clone()
        })
        .collect();
    let mut cache = policies.cache(&p, &all).unwrap();
    let start = Instant::now();
    for r in &misses {
        black_box(cache.decide(Action::View, r, false));
    }
    println!(
        "cache miss (cold):  {:>9.0} ns/decision",
        ns(start.elapsed(), n)
    );

    let mut cache = policies.cache(&p, &pu).unwrap();
    for r in &shapes {
        cache.decide(Action::View, r, false);
    }
    let n = 1_000_000;
    let start = Instant::now();
    for i in 0..n {
        black_box(cache.decide(Action::View, black_box(&shapes[i % shapes.len()]), false));
    }
    println!(
        "cache hit:          {:>9.0} ns/decision",
        ns(start.elapsed(), n)
    );

    // One entity of 50 statements in the five shapes above.
    let entity: Vec<&Resource> = (0..50).map(|i| &shapes[i % shapes.len()]).collect();
    let entities = 20_000;
    let start = Instant::now();
    for _ in 0..entities {
        for r in &entity {
            black_box(cache.decide(Action::View, r, false));
        }
    }
    println!(
        "50-value entity:    {:>9.0} ns/entity (warm cache)",
        ns(start.elapsed(), entities)
    );
}
