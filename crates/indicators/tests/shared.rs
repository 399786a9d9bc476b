#![allow(clippy::unwrap_used, clippy::panic)]
//! Shared values against a slow, obvious reference on random data.

mod support;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use clearstone_indicators::evaluate;
use support::*;

const PHONES: &[&str] = &[
    "07700 900001",
    "+44 7700 900001",
    "07700 900002",
    "07700900003",
    "01632 960000",
    "07700 900004",
];

fn shared_rule(max_people: u32) -> String {
    format!(
        "{META}
[shared]
person_schema = \"StaffMember\"
person_props = [\"phone\", \"mobile\"]
other_schema = \"Nominal\"
other_props = [\"phone\"]
normalise = \"phone\"
max_people = {max_people}
declarations = {{ schema = \"NotifiableAssociation\", person = \"staff_member\", link = \"associate\" }}
"
    )
}

fn e164(s: &str) -> String {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('0') {
        Some(rest) => format!("+44{rest}"),
        None => format!("+{digits}"),
    }
}

/// Random staff and nominals holding phones, some nominals resolved to a
/// member of staff and some declared.
struct World {
    records: Vec<clearstone_indicators::Record>,
    canonical: HashMap<String, String>,
    /// (record, who by resolution, phone) of each member of staff's phone.
    phones: Vec<(String, String, String)>,
    nominals: Vec<(String, String, String)>,
    declared: HashSet<(String, String)>,
}

fn world(rng: &mut Rng) -> World {
    let (mut records, mut canonical) = people(rng, 6);
    let mut phones: Vec<(String, String, String)> = Vec::new();
    let staff: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
    for s in &staff {
        if rng.chance(0.7) {
            let p = rng.pick(PHONES).to_owned();
            let prop = if rng.chance(0.5) { "phone" } else { "mobile" };
            records
                .iter_mut()
                .find(|r| &r.id == s)
                .unwrap()
                .values
                .push(clearstone_indicators::Value {
                    prop: prop.into(),
                    value: p.as_str().into(),
                    statement: format!("st:{s}:{prop}"),
                });
            phones.push((s.clone(), canonical[s].clone(), p));
        }
    }
    let mut nominals: Vec<(String, String, String)> = Vec::new();
    for i in 0..rng.below(8) {
        let id = format!("crime:nominal:{i}");
        let p = rng.pick(PHONES).to_owned();
        // Sometimes the nominal is one of the staff, by resolution.
        let who = if rng.chance(0.2) {
            let c = format!("cs-{}", rng.below(6));
            canonical.insert(id.clone(), c.clone());
            c
        } else {
            id.clone()
        };
        records.push(record(&id, "Nominal", &[("phone", &p)]));
        nominals.push((id, who, p));
    }
    let mut declared: HashSet<(String, String)> = HashSet::new();
    for (i, (n, who, _)) in nominals.iter().enumerate() {
        if rng.chance(0.25) {
            let s = &staff[rng.below(staff.len() as u64) as usize];
            records.push(record(
                &format!("decl:{i}"),
                "NotifiableAssociation",
                &[("staff_member", s), ("associate", n)],
            ));
            declared.insert((canonical[s].clone(), who.clone()));
        }
    }
    World {
        records,
        canonical,
        phones,
        nominals,
        declared,
    }
}

// issue 18, item 1 and "tests that must exist": the shared-value kind with
// its three exclusions against the obvious double loop.
#[test]
fn shared_values_match_the_reference() {
    let mut flagged_seeds = 0;
    for seed in 0..60 {
        let mut rng = Rng::new(seed);
        let World {
            records,
            canonical,
            phones,
            nominals,
            declared,
        } = world(&mut rng);
        let max_people = 2 + rng.below(3) as u32;
        let got: BTreeSet<String> = evaluate(
            &rule(&shared_rule(max_people)),
            &view(records, canonical.clone()),
        )
        .into_iter()
        .map(|f| f.person)
        .collect();
        let mut want = BTreeSet::new();
        for (_, p, phone) in &phones {
            let holders: HashSet<&String> = phones
                .iter()
                .chain(&nominals)
                .filter(|(_, _, q)| e164(q) == e164(phone))
                .map(|(_, w, _)| w)
                .collect();
            if holders.len() > max_people as usize {
                continue;
            }
            for (_, who, q) in &nominals {
                if e164(q) == e164(phone)
                    && who != p
                    && !declared.contains(&(p.clone(), who.clone()))
                {
                    want.insert(p.clone());
                }
            }
        }
        flagged_seeds += usize::from(!want.is_empty());
        assert_eq!(got, want, "seed {seed}, max_people {max_people}");
    }
    // The random data must flag someone often, or the comparison proves little.
    assert!(
        flagged_seeds > 10,
        "only {flagged_seeds} seeds flagged anyone"
    );
}

// issue 18, item 1: a station switchboard shared by many means nothing.
#[test]
fn a_switchboard_shared_by_many_is_not_a_finding() {
    let mut records = Vec::new();
    for i in 0..5 {
        records.push(record(
            &format!("hr:staff:{i}"),
            "StaffMember",
            &[("phone", "01632 960000")],
        ));
    }
    records.push(record(
        "crime:nominal:1",
        "Nominal",
        &[("phone", "+441632960000")],
    ));
    let r = rule(&shared_rule(3));
    assert!(evaluate(&r, &view(records.clone(), HashMap::new())).is_empty());
    let r = rule(&shared_rule(6));
    assert_eq!(evaluate(&r, &view(records, HashMap::new())).len(), 5);
}

// issue 18, benchmark: after new records (a nominal, a phone, a
// declaration), a `[shared]` rule evaluates again only the people they can
// change, and those people get what a full evaluation gives them.
#[test]
fn incremental_shared_values_match_a_full_evaluation() {
    let (mut changed_seeds, mut spared_seeds) = (0, 0);
    for seed in 0..80 {
        let mut rng = Rng::new(1000 + seed);
        let w = world(&mut rng);
        let r = rule(&shared_rule(2 + rng.below(3) as u32));
        // Some records are new: the rest were there at the run before.
        let new: HashSet<String> = w
            .records
            .iter()
            .filter(|_| rng.chance(0.15))
            .map(|r| r.id.clone())
            .collect();
        let before_records: Vec<_> = w
            .records
            .iter()
            .filter(|r| !new.contains(&r.id))
            .cloned()
            .collect();
        let found = |records: Vec<_>| -> BTreeMap<String, clearstone_indicators::Finding> {
            evaluate(&r, &view(records, w.canonical.clone()))
                .into_iter()
                .map(|f| (f.person.clone(), f))
                .collect()
        };
        let before = found(before_records);
        let full = found(w.records.clone());
        let v = view(w.records.clone(), w.canonical.clone());
        let again = clearstone_indicators::affected_people(&r, &v, &new)
            .expect("a shared rule is evaluated person by person");
        // Everyone whose finding changed is evaluated again...
        let people: BTreeSet<&String> = before.keys().chain(full.keys()).collect();
        for p in people {
            if before.get(p) != full.get(p) {
                assert!(again.contains(p), "seed {seed}: {p} changed, not evaluated");
            }
        }
        // ...and gets exactly the full evaluation's finding.
        let got: Vec<_> = clearstone_indicators::evaluate_people(&r, &v, &again);
        let want: Vec<_> = full
            .values()
            .filter(|f| again.contains(&f.person))
            .cloned()
            .collect();
        assert_eq!(got, want, "seed {seed}");
        changed_seeds += usize::from(before != full);
        spared_seeds += usize::from(again.len() < 6);
    }
    // The comparison must see findings change, and people left alone.
    assert!(changed_seeds > 10, "only {changed_seeds} seeds changed");
    assert!(spared_seeds > 10, "only {spared_seeds} seeds spared anyone");
}
