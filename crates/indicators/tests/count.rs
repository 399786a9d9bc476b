#![allow(clippy::unwrap_used, clippy::panic)]
//! Windowed distinct counts against a slow, obvious reference on random data.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clearstone_indicators::evaluate;
use support::*;

const REASONS: &[&str] = &[
    "sickness",
    "sickness",
    "sickness",
    "maternity",
    "paternity",
    "adoption",
    "shared_parental",
    "disability_related",
    "workplace_adjustment",
    "bereavement",
];

const PROTECTED: &[&str] = &[
    "maternity",
    "paternity",
    "adoption",
    "shared_parental",
    "disability_related",
    "workplace_adjustment",
];

fn count_rule(window: u32, threshold: u32) -> String {
    format!(
        "{META}
[count]
schema = \"Absence\"
person = \"staff_member\"
date = \"start_date\"
dedupe = [\"staff_member\", \"start_date\"]
window_days = {window}
threshold = {threshold}
exclude = {{ reason_class = [\"bereavement\"] }}
"
    )
}

/// Who the obvious way flags: for each person and each absence's day,
/// count the distinct (staff record, day) keys from that day on.
fn reference(
    absences: &[(String, String, i64, String)],
    canonical: &HashMap<String, String>,
    window: i64,
    threshold: usize,
) -> BTreeSet<String> {
    let mut keys: BTreeMap<String, BTreeSet<(String, i64)>> = BTreeMap::new();
    for (_, staff, day, reason) in absences {
        if PROTECTED.contains(&reason.as_str()) || reason == "bereavement" {
            continue;
        }
        let person = canonical.get(staff).cloned().unwrap_or(staff.clone());
        keys.entry(person)
            .or_default()
            .insert((staff.clone(), *day));
    }
    let mut out = BTreeSet::new();
    for (person, ks) in keys {
        for (_, start) in &ks {
            let n = ks
                .iter()
                .filter(|(_, d)| *d >= *start && *d < *start + window)
                .count();
            if n >= threshold {
                out.insert(person.clone());
            }
        }
    }
    out
}

// issue 18, item 1 and "tests that must exist": each rule kind against a
// slow reference on random data; protected absences never count.
#[test]
fn windowed_counts_match_the_reference() {
    let mut flagged_seeds = 0;
    for seed in 0..60 {
        let mut rng = Rng::new(seed);
        let (mut records, canonical) = people(&mut rng, 8);
        let staff: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        let mut absences = Vec::new();
        for i in 0..(rng.below(60) as usize) {
            let s = staff[rng.below(staff.len() as u64) as usize].clone();
            let day = rng.below(120) as i64;
            let reason = rng.pick(REASONS).to_owned();
            absences.push((format!("abs:{i}"), s, day, reason));
            // A record exported twice: a new id, the same absence.
            if rng.chance(0.2) {
                let (_, s, day, reason) = absences.last().unwrap().clone();
                absences.push((format!("abs:{i}:copy"), s, day, reason));
            }
        }
        for (id, s, day, reason) in &absences {
            records.push(record(
                id,
                "Absence",
                &[
                    ("staff_member", s),
                    ("start_date", &date(*day)),
                    ("reason_class", reason),
                ],
            ));
        }
        let window = 1 + rng.below(40) as u32;
        let threshold = 1 + rng.below(4) as u32;
        let rule = rule(&count_rule(window, threshold));
        let got: BTreeSet<String> = evaluate(&rule, &view(records, canonical.clone()))
            .into_iter()
            .map(|f| f.person)
            .collect();
        let want = reference(&absences, &canonical, window.into(), threshold as usize);
        flagged_seeds += usize::from(!want.is_empty());
        assert_eq!(
            got, want,
            "seed {seed}, window {window}, threshold {threshold}"
        );
    }
    // The random data must flag someone often, or the comparison proves little.
    assert!(
        flagged_seeds > 10,
        "only {flagged_seeds} seeds flagged anyone"
    );
}

// issue 18, item 1: a record exported twice counts once.
#[test]
fn a_record_exported_twice_counts_once() {
    let records = vec![
        record("hr:staff:1", "StaffMember", &[]),
        record(
            "abs:1",
            "Absence",
            &[
                ("staff_member", "hr:staff:1"),
                ("start_date", "2025-02-01"),
                ("reason_class", "sickness"),
            ],
        ),
        record(
            "abs:1b",
            "Absence",
            &[
                ("staff_member", "hr:staff:1"),
                ("start_date", "2025-02-01"),
                ("reason_class", "Sickness"),
            ],
        ),
    ];
    let r = rule(&count_rule(30, 2));
    assert!(evaluate(&r, &view(records, HashMap::new())).is_empty());
}

// issue 18, item 1: protected absences never count, whatever the rule says.
#[test]
fn only_protected_absences_are_never_flagged() {
    let mut records = vec![record("hr:staff:1", "StaffMember", &[])];
    for (i, class) in PROTECTED.iter().enumerate() {
        records.push(record(
            &format!("abs:{i}"),
            "Absence",
            &[
                ("staff_member", "hr:staff:1"),
                ("start_date", &date(i as i64)),
                ("reason_class", class),
            ],
        ));
    }
    // A rule that asks for them by name still cannot count them.
    let text = count_rule(30, 1).replace(
        "exclude = { reason_class = [\"bereavement\"] }",
        "where = { reason_class = [\"maternity\", \"disability_related\"] }",
    );
    assert!(evaluate(&rule(&text), &view(records.clone(), HashMap::new())).is_empty());
    // And a masked record (its class unseen) does not count either.
    let mut masked = record(
        "abs:m",
        "Absence",
        &[("staff_member", "hr:staff:1"), ("start_date", "2025-01-01")],
    );
    masked.masked = true;
    let one = count_rule(30, 1).replace("exclude = { reason_class = [\"bereavement\"] }", "");
    assert!(evaluate(&rule(&one), &view(vec![masked], HashMap::new())).is_empty());
}

// issue 18, item 6: a rule with `exclude_directed` leaves out the records
// directed activity produced, in full and incremental evaluation alike; a
// rule without it counts them.
#[test]
fn directed_records_are_left_out_only_when_the_rule_says_so() {
    let mut differing = 0;
    for seed in 0..40 {
        let mut rng = Rng::new(seed);
        let (mut records, canonical) = people(&mut rng, 6);
        let staff: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        let mut absences = Vec::new();
        let mut directed = BTreeSet::new();
        for i in 0..(10 + rng.below(40) as usize) {
            let s = staff[rng.below(staff.len() as u64) as usize].clone();
            let id = format!("abs:{i}");
            if rng.chance(0.3) {
                directed.insert(id.clone());
            }
            absences.push((id, s, rng.below(90) as i64, "sickness".to_owned()));
        }
        for (id, s, day, reason) in &absences {
            let when = date(*day);
            let mut props = vec![
                ("staff_member", s.as_str()),
                ("start_date", when.as_str()),
                ("reason_class", reason.as_str()),
            ];
            if directed.contains(id) {
                props.push(("directed_by", "ALERT-17"));
            }
            records.push(record(id, "Absence", &props));
        }
        let (window, threshold) = (30 + rng.below(30) as u32, 2 + rng.below(2) as u32);
        let v = view(records, canonical.clone());
        let mut wants = Vec::new();
        for exclude in [false, true] {
            let text = format!(
                "exclude_directed = {exclude}\n{}",
                count_rule(window, threshold)
            );
            let r = rule(&text);
            let counted: Vec<_> = absences
                .iter()
                .filter(|a| !exclude || !directed.contains(&a.0))
                .cloned()
                .collect();
            let want = reference(&counted, &canonical, window.into(), threshold as usize);
            let got: BTreeSet<String> = evaluate(&r, &v).into_iter().map(|f| f.person).collect();
            assert_eq!(got, want, "seed {seed}, exclude_directed {exclude}");
            // Incremental: the people evaluated again get what a full run gives them.
            let some: BTreeSet<String> = (0..6)
                .filter(|i| i % 2 == seed as usize % 2)
                .map(|i| format!("cs-{i}"))
                .collect();
            let again: BTreeSet<String> = clearstone_indicators::evaluate_people(&r, &v, &some)
                .into_iter()
                .map(|f| f.person)
                .collect();
            let want_some: BTreeSet<String> = want.intersection(&some).cloned().collect();
            assert_eq!(
                again, want_some,
                "seed {seed}, incremental, exclude_directed {exclude}"
            );
            wants.push(want);
        }
        differing += usize::from(wants.first() != wants.last());
    }
    assert!(
        differing > 5,
        "only {differing} seeds where the exclusion mattered"
    );
}
