//! Random views for comparing each kind of rule with a slow reference.
#![allow(dead_code)]

use std::collections::HashMap;

use clearstone_indicators::{Record, Rule, Value, View};

/// xorshift64*: deterministic, no dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 > 1.0 - p
    }
    pub fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len() as u64) as usize]
    }
}

pub fn date(day: i64) -> String {
    // 2025-01-01 plus `day`, valid for 0..365.
    let months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut d = day;
    let mut m = 0;
    while d >= months[m] {
        d -= months[m];
        m += 1;
    }
    format!("2025-{:02}-{:02}", m + 1, d + 1)
}

pub fn day_of(date: &str) -> i64 {
    let months = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let m: usize = date[5..7].parse().unwrap();
    let d: i64 = date[8..10].parse().unwrap();
    months[..m - 1].iter().sum::<i64>() + d - 1
}

pub fn record(id: &str, schema: &str, props: &[(&str, &str)]) -> Record {
    Record {
        id: id.into(),
        schema: schema.into(),
        values: props
            .iter()
            .map(|(p, v)| Value {
                prop: (*p).into(),
                value: (*v).into(),
                statement: format!("st:{id}:{p}:{v}"),
            })
            .collect(),
        masked: false,
    }
}

/// People `p0..pn`, each with one or two staff records, the second merged
/// into the first by resolution about half the time.
pub fn people(rng: &mut Rng, n: usize) -> (Vec<Record>, HashMap<String, String>) {
    let mut records = Vec::new();
    let mut canonical = HashMap::new();
    for i in 0..n {
        let a = format!("hr:staff:{i}");
        records.push(record(&a, "StaffMember", &[("name", "x")]));
        canonical.insert(a.clone(), format!("cs-{i}"));
        if rng.chance(0.5) {
            let b = format!("cards:holder:{i}");
            records.push(record(&b, "StaffMember", &[("name", "x")]));
            canonical.insert(b, format!("cs-{i}"));
        }
    }
    (records, canonical)
}

pub fn view(records: Vec<Record>, canonical: HashMap<String, String>) -> View {
    View::plain(records, canonical)
}

pub fn rule(text: &str) -> Rule {
    Rule::parse(text, "test.toml").unwrap()
}

pub const META: &str = r#"
id = "test_rule"
version = 1
title = "A test rule"
rationale = "Tests."
owner = "Professional Standards"
purpose = "workforce_integrity"
evidence = ["A test citation"]
review_date = "2027-01-01"
"#;
