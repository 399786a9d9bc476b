#![allow(clippy::unwrap_used, clippy::panic)]
//! Recall@10 on the demo generator's people, whose ground truth says which
//! records are one person: for people with several records, one record's
//! name as typed there (typos, nicknames, a birth surname, spacing) must
//! find another record of the same person in the first ten hits.
//!
//! `RECALL_MISSES=1 cargo test -p clearstone-search --test recall -- --nocapture`
//! lists the misses.

mod common;

use std::collections::BTreeMap;

use clearstone_search::{Page, Query, SearchIndex, Visible};
use common::people;

const RECORDS: usize = 10_000;
const QUERIES: usize = 400;
const NAME_MIN: f64 = 0.92;
const YEAR_MIN: f64 = 0.88;
const YEARS_MIN: f64 = 0.93;

#[test]
fn recall_at_10_on_demo_people() {
    let dir = tempfile::tempdir().unwrap();
    let records = people::generate(42, RECORDS, dir.path());
    let index = SearchIndex::in_memory().unwrap();
    let mut w = index.writer().unwrap();
    for r in &records {
        w.add(&people::doc(r, false, 1, "people")).unwrap();
    }
    w.commit().unwrap();

    let mut by_person: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        by_person.entry(r.person.as_str()).or_default().push(i);
    }
    let visible = Visible::new([1]);
    let (mut asked, mut by_name, mut by_name_year, mut by_name_years) = (0, 0, 0, 0);
    for group in by_person.values().filter(|g| g.len() > 1) {
        if asked == QUERIES {
            break;
        }
        // The last record of the person in file order asks for the others.
        let (&me, others) = group.split_last().unwrap();
        let r = &records[me];
        let name = format!("{} {}", r.given, r.surname);
        if name.trim().is_empty() {
            continue;
        }
        asked += 1;
        let found = |q: &str| {
            let q = Query::parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
            let hits = index.search(&q, &visible, Page::first(10)).unwrap().hits;
            hits.iter()
                .any(|h| others.iter().any(|&o| records[o].rec == h.canonical))
        };
        let name_only = found(&name);
        if !name_only && std::env::var_os("RECALL_MISSES").is_some() {
            let want: Vec<String> = others
                .iter()
                .map(|&o| {
                    format!(
                        "{} {} {}",
                        records[o].given, records[o].surname, records[o].dob
                    )
                })
                .collect();
            let q = Query::parse(&name).unwrap();
            let r = index.search(&q, &visible, Page::first(3)).unwrap();
            println!(
                "miss: {name:?} {} wants {want:?}; total {} top {:?}",
                r.total,
                r.total,
                r.hits
                    .iter()
                    .map(|h| (&h.label, h.score))
                    .collect::<Vec<_>>()
            );
        }
        by_name += usize::from(name_only);
        let year: Option<i32> = r.dob.get(..4).and_then(|y| y.parse().ok());
        let with_year = match year {
            Some(year) => found(&format!("{name} born:{year}")),
            None => name_only,
        };
        by_name_year += usize::from(with_year);
        let with_years = match year {
            Some(year) => found(&format!("{name} born:{}..{}", year - 1, year + 1)),
            None => name_only,
        };
        by_name_years += usize::from(with_years);
        if !with_year && std::env::var_os("RECALL_MISSES").is_some() {
            let want: Vec<String> = others
                .iter()
                .map(|&o| {
                    format!(
                        "{} {} {}",
                        records[o].given, records[o].surname, records[o].dob
                    )
                })
                .collect();
            println!("year miss: {name:?} {} wants {want:?}", r.dob);
        }
    }
    let rate = |n: usize| n as f64 / asked as f64;
    println!(
        "recall@10 over {asked} queries: name {:.3}, name + born:year {:.3}, name + born:year-1..year+1 {:.3}",
        rate(by_name),
        rate(by_name_year),
        rate(by_name_years)
    );
    assert_eq!(asked, QUERIES);
    // Measured 0.935, 0.902 and 0.948. The misses are
    // mostly not the index's to find: a record missing the given name or
    // surname (every word must match, and one surname alone ties with
    // dozens of namesakes), a person known by another given name, and
    // namesakes born the same year who tie with the record sought. A birth
    // year is a filter, so a year keyed one out (the demo's commonest date
    // error) loses the record unless the range allows it. The thresholds
    // leave a little room for changes to the generator's noise.
    assert!(rate(by_name) >= NAME_MIN, "name recall {}", rate(by_name));
    assert!(
        rate(by_name_year) >= YEAR_MIN,
        "name + year recall {}",
        rate(by_name_year)
    );
    assert!(
        rate(by_name_years) >= YEARS_MIN,
        "name + years recall {}",
        rate(by_name_years)
    );
}
