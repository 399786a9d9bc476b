#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};

use clearstone_demo::{DemoError, PEOPLE_CSV_HEADER, write_people_csv};

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_data() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let wa = write_people_csv(7, 3000, a.path()).unwrap();
    let wb = write_people_csv(7, 3000, b.path()).unwrap();
    let wc = write_people_csv(8, 3000, c.path()).unwrap();
    assert_eq!(
        std::fs::read(&wa.people).unwrap(),
        std::fs::read(&wb.people).unwrap()
    );
    assert_eq!(
        std::fs::read(&wa.truth).unwrap(),
        std::fs::read(&wb.truth).unwrap()
    );
    assert_ne!(
        std::fs::read(&wa.people).unwrap(),
        std::fs::read(&wc.people).unwrap()
    );
}

#[test]
fn truth_covers_every_row_and_a_fifth_of_people_have_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let w = write_people_csv(3, 20_000, dir.path()).unwrap();
    let people = lines(&w.people);
    let truth = lines(&w.truth);
    assert_eq!(people[0], PEOPLE_CSV_HEADER);
    assert_eq!(truth[0], "rec_id,person_id");
    assert_eq!(people.len(), 20_001);
    assert_eq!(truth.len(), people.len());

    let columns = PEOPLE_CSV_HEADER.split(',').count();
    let mut ids = BTreeSet::new();
    let mut per_person: BTreeMap<&str, u32> = BTreeMap::new();
    for (row, t) in people[1..].iter().zip(&truth[1..]) {
        // No value holds a comma or a quote, so a plain split is exact.
        let fields: Vec<&str> = row.split(',').collect();
        assert_eq!(fields.len(), columns, "{row}");
        let (id, person) = t.split_once(',').unwrap();
        assert_eq!(fields[0], id, "truth is in file order");
        assert!(ids.insert(id), "duplicate record id {id}");
        *per_person.entry(person).or_default() += 1;
    }
    assert_eq!(per_person.len() as u64, w.persons);
    let duplicated = per_person.values().filter(|n| **n > 1).count() as f64;
    let share = duplicated / per_person.len() as f64;
    assert!((0.18..=0.22).contains(&share), "duplicated share {share}");
    assert!(per_person.values().all(|n| (1..=4).contains(n)));
}

#[test]
fn duplicates_differ_the_way_real_records_do() {
    let dir = tempfile::tempdir().unwrap();
    let w = write_people_csv(5, 20_000, dir.path()).unwrap();
    let people = lines(&w.people);
    let truth = lines(&w.truth);
    let mut by_person: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    for (row, t) in people[1..].iter().zip(&truth[1..]) {
        let person = t.split_once(',').unwrap().1.to_owned();
        by_person
            .entry(person)
            .or_default()
            .push(row.split(',').map(str::to_owned).collect());
    }
    let (mut pairs, mut given, mut dob_swapped, mut moved) = (0, 0, 0, 0);
    for recs in by_person.values() {
        for (i, x) in recs.iter().enumerate() {
            for y in &recs[i + 1..] {
                pairs += 1;
                given += usize::from(!x[1].is_empty() && !y[1].is_empty() && x[1] != y[1]);
                let (dx, dy) = (&x[9], &y[9]);
                dob_swapped += usize::from(
                    dx.len() == 8
                        && dy.len() == 8
                        && dx[..4] == dy[..4]
                        && dx[4..6] == dy[6..]
                        && dx[6..] == dy[4..6]
                        && dx != dy,
                );
                // Postcode district and street both changed: another address.
                let district = |r: &Vec<String>| {
                    r[7].to_uppercase()
                        .replace(' ', "")
                        .chars()
                        .take(3)
                        .collect::<String>()
                };
                moved += usize::from(
                    !x[4].is_empty()
                        && !y[4].is_empty()
                        && x[4] != y[4]
                        && district(x) != district(y),
                );
            }
        }
    }
    let share = |n: usize| n as f64 / pairs as f64;
    assert!(pairs > 4000, "{pairs}");
    assert!(
        (0.1..0.45).contains(&share(given)),
        "given names differ in {}",
        share(given)
    );
    assert!(
        share(dob_swapped) > 0.01,
        "day and month swapped in {}",
        share(dob_swapped)
    );
    assert!(
        (0.1..0.5).contains(&share(moved)),
        "moved in {}",
        share(moved)
    );
}

#[test]
fn scale_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    assert!(matches!(
        write_people_csv(1, 0, dir.path()),
        Err(DemoError::Scale(0))
    ));
}
