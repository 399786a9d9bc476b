//! Settings generated from a type's property kinds.

#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_resolve::FieldKind;
use clearstone_resolve::defaults::{Property, generate};
use clearstone_resolve::settings::Settings;

fn props(list: &[(&'static str, &'static str)]) -> Vec<Property<'static>> {
    list.iter()
        .map(|&(path, kind)| Property { path, kind })
        .collect()
}

const PERSON: &[(&str, &str)] = &[
    ("name", "name"),
    ("title", "text"),
    ("first_name", "name"),
    ("last_name", "name"),
    ("previous_names", "name"),
    ("birth_date", "date"),
    ("national_insurance_number", "identifier"),
    ("payroll_number", "identifier"),
    ("mobile", "phone"),
    ("phone", "phone"),
    ("email", "email"),
    ("sex", "enum"),
    ("address.street", "address"),
    ("address.town", "text"),
    ("address.postcode", "postcode"),
    ("address.uprn", "identifier"),
];

// issue 16, item 5: every name, date, identifier, phone, email and place is
// compared once and blocked on, and the settings check finds nothing.
#[test]
fn generated_person_settings_are_sound() {
    let text = generate(&props(PERSON), &["payroll_number"]);
    let s = Settings::parse(&text, "generated.toml").unwrap();
    assert!(s.warnings.is_empty(), "{:?}\n{text}", s.warnings);
    let field = |name: &str| s.schema.index(name).unwrap();
    assert_eq!(s.schema.fields[field("given")].kind, FieldKind::GivenName);
    // A maiden name is another value of the family name.
    assert_eq!(s.columns[field("family")], ["last_name", "previous_names"]);
    // The whole name is not compared beside its halves.
    assert!(s.schema.first_of(FieldKind::FullName).is_none());
    assert_eq!(s.decisive, [field("payroll_number")]);
    assert!(text.contains("columns = [\"national_insurance_number\"]\n# decisive = true"));
    // Every phone is a value of one field: a mobile filed as a phone
    // elsewhere still meets it.
    assert_eq!(s.columns[field("phone")], ["mobile", "phone"]);
    for id in ["nino", "payroll_number", "phone", "email"] {
        assert!(
            s.rules
                .iter()
                .any(|r| r.keys.len() == 1 && r.keys[0].field == field(id)),
            "no rule on `{id}` alone"
        );
    }
    // An address's UPRN says where, not who.
    assert!(!text.contains("uprn"), "{text}");
    let names: Vec<&str> = s.comparisons.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "given",
            "family",
            "dob",
            "nino",
            "payroll_number",
            "email",
            "phone",
            "place"
        ]
    );
}

// issue 16, item 5: records holding a whole name only are compared on it
// and reached by a rule on the name alone.
#[test]
fn whole_names_only_are_compared_and_reached() {
    let text = generate(&props(&[("name", "name"), ("birth_date", "date")]), &[]);
    let s = Settings::parse(&text, "generated.toml").unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    assert_eq!(s.schema.fields[0].kind, FieldKind::FullName);
    assert_eq!(s.comparisons.len(), 2);
}

/// A small population under the generated settings: people with a home
/// and a date of birth, a third of them twice with slips; and records of
/// namesakes holding a name and nothing else.
fn population(s: &Settings) -> Vec<clearstone_resolve::Record> {
    let mut state = 7u64;
    let mut next = |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let given = [
        "John", "Mary", "Peter", "Susan", "David", "Helen", "Paul", "Ruth",
    ];
    let family = [
        "Smith", "Jones", "Okafor", "Brennan", "Patel", "Walsh", "Nowak", "Hughes", "Khan", "Reid",
    ];
    let field = |name: &str| s.schema.index(name).unwrap();
    let width = s.schema.fields.len();
    let mut out = Vec::new();
    for p in 0..1500u64 {
        let g = given[next(given.len() as u64) as usize];
        let f = family[next(family.len() as u64) as usize];
        let dob = format!(
            "19{:02}-{:02}-{:02}",
            40 + next(50),
            1 + next(12),
            1 + next(28)
        );
        let postcode = format!("LS{} {}AB", 1 + next(20), next(10));
        let copies = if next(3) == 0 { 2 } else { 1 };
        for c in 0..copies {
            let mut fields = vec![None; width];
            fields[field("given")] = Some(if c == 1 && next(4) == 0 {
                g[..1].to_owned()
            } else {
                g.to_owned()
            });
            fields[field("family")] = Some(f.to_owned());
            fields[field("dob")] = Some(if c == 1 && next(4) == 0 {
                dob[..7].to_owned()
            } else {
                dob.clone()
            });
            fields[field("postcode")] = Some(postcode.clone());
            out.push(clearstone_resolve::Record {
                id: format!("p{p}-{c}"),
                fields,
            });
        }
    }
    for n in 0..2 {
        let mut fields = vec![None; width];
        fields[field("given")] = Some("John".to_owned());
        fields[field("family")] = Some("Smith".to_owned());
        out.push(clearstone_resolve::Record {
            id: format!("namesake{n}"),
            fields,
        });
    }
    out
}

// issue 16, items 1, 3 and 5: with the generated settings, two namesakes
// who hold nothing but the name are not linked, however often the name
// counts; a duplicate written with an initial and a month of birth is.
#[test]
fn namesakes_holding_only_a_name_do_not_link() {
    use clearstone_resolve::{Features, candidates};
    let s = Settings::parse(&generate(&props(PERSON), &[]), "generated.toml").unwrap();
    let records = population(&s);
    let features = Features::compute(&s.schema, &records).unwrap();
    let pairs = candidates(&features, &s.rules, s.pairs_max).unwrap().pairs;
    let model = s.train(&features, &pairs).unwrap();
    let scorer = s.scorer(&model);
    let at = |id: &str| records.iter().position(|r| r.id == id).unwrap() as u32;
    let (a, b) = (at("namesake0"), at("namesake1"));
    assert!(
        pairs.contains(&(a.min(b), a.max(b))),
        "the names-only rule brings them"
    );
    let namesakes = scorer.explain(&features, a, b);
    assert!(namesakes.probability < s.threshold, "{namesakes:?}");
    // Duplicates with an initial or a month-only date still link.
    let slipped = records
        .iter()
        .filter(|r| r.id.ends_with("-1"))
        .find(|r| {
            let g = r.fields[s.schema.index("given").unwrap()].as_deref();
            let d = r.fields[s.schema.index("dob").unwrap()].as_deref();
            g.is_some_and(|g| g.len() == 1) && d.is_some_and(|d| d.len() == 7)
        })
        .unwrap();
    let first = slipped.id.replace("-1", "-0");
    let dup = scorer.explain(&features, at(&first), at(&slipped.id));
    assert!(dup.probability >= s.threshold, "{dup:?}");
}

// issue 16: a father and the son named after him, at one address: the
// family name and the home agree as any household's do and count once, so
// the dates of birth a generation apart keep them apart; the son's own
// duplicate, whose date agrees, still links.
#[test]
fn a_household_counts_once() {
    let (s, records, features, model) = ahmet_demirs_at_home(&[
        ("son", "1988-09-08"),
        ("son-again", "1988-09-08"),
        ("father", "1962-12"),
    ]);
    let scorer = s.scorer(&model);
    let at = |id: &str| records.iter().position(|r| r.id == id).unwrap() as u32;
    let relatives = scorer.explain(&features, at("son"), at("father"));
    assert!(relatives.household < 0.0, "{relatives:?}");
    assert!(relatives.probability < s.threshold, "{relatives:?}");
    // The weaker of the two is what is taken off.
    let part = |name: &str| {
        let t = relatives
            .terms
            .iter()
            .find(|t| t.comparison == name)
            .unwrap();
        t.weight + t.tf_adjustment
    };
    let weaker = part("family").min(part("place"));
    assert!((relatives.household + weaker).abs() < 1e-9, "{relatives:?}");
    let same = scorer.explain(&features, at("son"), at("son-again"));
    assert!(same.probability >= s.threshold, "{same:?}");
    // The fast path scores as the explanation does.
    let (a, b) = (at("son"), at("father"));
    assert!((scorer.weight(&features, a, b) - relatives.total).abs() < 1e-9);
}

/// The shipped settings trained on [`population`] and "Ahmet Demir"s of
/// one address born on the dates given.
fn ahmet_demirs_at_home(
    born: &[(&str, &str)],
) -> (
    Settings,
    Vec<clearstone_resolve::Record>,
    clearstone_resolve::Features,
    clearstone_resolve::Model,
) {
    use clearstone_resolve::{Features, candidates};
    let s = Settings::parse(&generate(&props(PERSON), &[]), "generated.toml").unwrap();
    let mut records = population(&s);
    let field = |name: &str| s.schema.index(name).unwrap();
    let width = s.schema.fields.len();
    for (id, dob) in born {
        let mut fields = vec![None; width];
        fields[field("given")] = Some("Ahmet".to_owned());
        fields[field("family")] = Some("Demir".to_owned());
        fields[field("dob")] = Some((*dob).to_owned());
        fields[field("street")] = Some("10 Ruskin Avenue".to_owned());
        fields[field("postcode")] = Some("LS7 9QY".to_owned());
        records.push(clearstone_resolve::Record {
            id: (*id).to_owned(),
            fields,
        });
    }
    let features = Features::compute(&s.schema, &records).unwrap();
    let pairs = candidates(&features, &s.rules, s.pairs_max).unwrap().pairs;
    let model = s.train(&features, &pairs).unwrap();
    (s, records, features, model)
}
