//! Several values in one field (a previous surname beside the current one,
//! former addresses): any value agreeing counts, and blocking keys every
//! value.

#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_resolve::record::VALUE_SEPARATOR;
use clearstone_resolve::{
    Comparison, Features, FieldKind, Key, KeyPart, Model, Record, Rule, Schema, Scorer, candidates,
};

fn schema() -> Schema {
    Schema::new([
        ("given", FieldKind::GivenName),
        ("family", FieldKind::FamilyName),
        ("dob", FieldKind::Date),
        ("postcode", FieldKind::Postcode),
    ])
}

fn rec(id: &str, vals: [&str; 4]) -> Record {
    Record {
        id: id.into(),
        fields: vals
            .iter()
            .map(|v| Some(v.replace('|', &VALUE_SEPARATOR.to_string())).filter(|v| !v.is_empty()))
            .collect(),
    }
}

fn label(f: &Features, field: &str, a: u32, b: u32) -> &'static str {
    let c = Comparison::for_field(&schema(), field).unwrap();
    c.levels()[usize::from(c.level(f, a, b))]
}

// issue 16, item 2: a maiden name beside the married one agrees with either.
#[test]
fn any_value_agreeing_counts() {
    let f = Features::compute(
        &schema(),
        &[
            rec(
                "hr",
                ["Susan", "Okafor|Brennan", "1979-04-02", "LS6 2AB|M1 1AE"],
            ),
            rec("card", ["Susan", "Brennan", "", "M1 1AE"]),
            rec("other", ["Susan", "Brenan", "1979-04", "LS6 2AB"]),
            rec("none", ["Susan", "Quist", "", ""]),
        ],
    )
    .unwrap();
    assert_eq!(label(&f, "family", 0, 1), "exact");
    assert_eq!(label(&f, "family", 1, 0), "exact");
    assert_eq!(label(&f, "family", 0, 2), "jaro-winkler >= 0.92");
    assert_eq!(label(&f, "family", 0, 3), "else");
    assert_eq!(label(&f, "postcode", 0, 1), "full");
    assert_eq!(label(&f, "postcode", 0, 2), "full");
    assert_eq!(label(&f, "dob", 0, 1), "null");
    assert_eq!(label(&f, "dob", 0, 2), "month and year, day unknown");
}

// issue 16, item 2: the term frequency is that of the value that agreed.
#[test]
fn the_agreeing_value_gives_the_term_frequency() {
    let mut records = vec![
        rec("a", ["Ann", "Smith|Zabrowski", "", ""]),
        rec("b", ["Ann", "Zabrowski", "", ""]),
    ];
    for i in 0..20 {
        records.push(rec(&format!("s{i}"), ["Bea", "Smith", "", ""]));
    }
    let f = Features::compute(&schema(), &records).unwrap();
    let family = Comparison::for_field(&schema(), "family").unwrap();
    let mut model = Model::new(vec![family], 1e-4);
    model.m[0] = vec![
        0.0, 0.9, 0.02, 0.02, 0.02, 0.01, 0.01, 0.01, 0.005, 0.005, 0.0,
    ];
    let scorer = Scorer::new(&model);
    let e = scorer.explain(&f, 0, 1);
    // Zabrowski is 2 of the 23 family values, Smith 21 of them.
    let u = model.u[0][1];
    let rare = (u / (2.0 / 23.0)).log2();
    assert!((e.terms[0].tf_adjustment - rare).abs() < 1e-9, "{e:?}");
    let fast = scorer.score(&f, &[(0, 1)]);
    assert!((fast[0].weight - e.total).abs() < 1e-9);
}

// issue 16, item 2: blocking keys every value, so the previous surname
// brings the pair.
#[test]
fn blocking_keys_every_value() {
    let f = Features::compute(
        &schema(),
        &[
            rec("hr", ["Susan", "Okafor|Brennan", "1979-04-02", ""]),
            rec("card", ["Sue", "Brennan", "1979-04-02", ""]),
            rec("x", ["Tom", "Okafor", "1979-04-02", ""]),
            rec("y", ["Tom", "Brennan|Okafor", "1979-04-02", ""]),
        ],
    )
    .unwrap();
    let rule = Rule {
        unreached_only: false,
        name: "family+dob".into(),
        keys: vec![
            KeyPart {
                field: 1,
                key: Key::Exact,
            },
            KeyPart {
                field: 2,
                key: Key::Exact,
            },
        ],
    };
    let c = candidates(&f, std::slice::from_ref(&rule), 100).unwrap();
    let mut pairs = c.pairs.clone();
    pairs.sort_unstable();
    // Every pair shares a surname; hr and y share both, and come once.
    assert_eq!(pairs, [(0, 1), (0, 2), (0, 3), (1, 3), (2, 3)]);
    assert_eq!(c.counts[0].new_pairs, 5);
    assert!(rule.agrees(&f, 0, 1));
    assert!(!rule.agrees(&f, 1, 2));
}

// issue 16, item 2: a record with very many values costs a bounded number
// of rows and keys.
#[test]
fn values_a_field_are_bounded() {
    let many: Vec<String> = (0..50).map(|i| format!("Name{i}")).collect();
    let many = many.join("|");
    let mut records = vec![rec("bad", ["Ann", &many, "", ""])];
    for i in 0..50 {
        records.push(rec(&format!("r{i}"), ["Bob", &format!("Name{i}"), "", ""]));
    }
    let f = Features::compute(&schema(), &records).unwrap();
    let rule = Rule {
        unreached_only: false,
        name: "family".into(),
        keys: vec![KeyPart {
            field: 1,
            key: Key::Exact,
        }],
    };
    let c = candidates(&f, std::slice::from_ref(&rule), 1000).unwrap();
    assert_eq!(c.pairs.len(), clearstone_resolve::features::VALUES_MAX);
    let agreeing = (1..=50)
        .filter(|&i| label(&f, "family", 0, i) == "exact")
        .count();
    assert_eq!(agreeing, clearstone_resolve::features::VALUES_MAX);
}
