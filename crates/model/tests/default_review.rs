//! The shipped ontology reviewed against the special categories of UK GDPR
//! art. 9 / DPA 2018 s.35(8) and the sensitive processing of DPA 2018 Part 3.
//! A curated word list stands for each category; a property whose name,
//! label or enum values use one of the words, or a type whose name or label
//! does, must not be tagged ordinary.

use clearstone_model::{Ontology, Sensitivity};

/// Words (whole parts of a snake_case name or of a label) that name a
/// special category or what reveals one.
const WORDS: &[(&str, &[&str])] = &[
    (
        "health",
        &[
            "health",
            "illness",
            "ill",
            "sickness",
            "sick",
            "disability",
            "disabled",
            "disability_related",
            "medical",
            "medication",
            "diagnosis",
            "mental",
            "impairment",
            "autistic",
            "autism",
            "learning_difficulty",
            "pregnancy",
            "pregnant",
            "maternity",
            "injury",
            "fit_note",
            "ehc",
        ],
    ),
    (
        "racial or ethnic origin",
        &["ethnicity", "ethnic", "race", "racial"],
    ),
    ("political opinions", &["political", "party", "politics"]),
    (
        "religious or philosophical beliefs",
        &[
            "religion",
            "religious",
            "faith",
            "belief",
            "church",
            "mosque",
        ],
    ),
    ("trade union membership", &["union", "trade_union"]),
    ("genetic data", &["genetic", "dna", "genome"]),
    (
        "biometric data",
        &["biometric", "fingerprint", "fingerprints", "facial"],
    ),
    (
        "sex life or sexual orientation",
        &[
            "sexual",
            "sex_life",
            "orientation",
            "gay",
            "lesbian",
            "bisexual",
        ],
    ),
];

/// Checked and found ordinary on purpose, each with why.
const ORDINARY_ON_PURPOSE: &[(&str, &str, &str)] = &[
    // The agency that referred the child, not the child's health.
    ("Case", "referral_source", "health"),
];

/// The words of a snake_case name or a label, and each adjacent pair
/// joined, so `learning_difficulty` is found in `severe_learning_difficulty`.
fn words(text: &str) -> Vec<String> {
    let parts: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let mut out = parts.clone();
    out.extend(parts.windows(2).map(|w| w.join("_")));
    out
}

fn named_categories(texts: &[&str]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for text in texts {
        let found = words(text);
        for (category, list) in WORDS {
            if let Some(w) = found.iter().find(|w| list.contains(&w.as_str())) {
                out.push((*category, format!("`{w}` in `{text}`")));
            }
        }
    }
    out
}

// issue 14, finding 3
#[test]
fn no_property_naming_a_special_category_is_tagged_ordinary() {
    let o = Ontology::default_ontology().unwrap();
    let mut wrong = Vec::new();
    for t in o.types() {
        for p in t.properties.values() {
            if p.sensitivity != Sensitivity::Ordinary {
                continue;
            }
            let mut texts: Vec<&str> = vec![&p.name, &p.label];
            texts.extend(p.values.iter().map(String::as_str));
            for (category, why) in named_categories(&texts) {
                let excused = ORDINARY_ON_PURPOSE
                    .iter()
                    .any(|(ty, prop, w)| *ty == t.name && *prop == p.name && why.contains(w));
                if !excused {
                    wrong.push(format!("{}.{}: {category}, {why}", t.name, p.name));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "ordinary properties whose values name a special category:\n{}",
        wrong.join("\n")
    );
}

// issue 14, finding 2
#[test]
fn types_whose_records_are_special_category_are_tagged() {
    let o = Ontology::default_ontology().unwrap();
    for (ty, want) in [
        ("Absence", Sensitivity::Health),
        ("EHCPlan", Sensitivity::Health),
        ("TradeUnionMembership", Sensitivity::TradeUnion),
        ("PoliticalActivity", Sensitivity::Political),
        ("ReligiousMembership", Sensitivity::Religious),
    ] {
        assert_eq!(o.type_sensitivity(ty), want, "{ty}");
    }
    let mut wrong = Vec::new();
    for t in o.types() {
        if t.sensitivity.is_special() {
            continue;
        }
        for (category, why) in named_categories(&[&t.name, &t.label]) {
            wrong.push(format!("{}: {category}, {why}", t.name));
        }
    }
    assert!(
        wrong.is_empty(),
        "types naming a special category without the tag:\n{}",
        wrong.join("\n")
    );
}

/// The word list finds what it is meant to, so an empty answer above means
/// something.
#[test]
fn the_word_list_finds_words_inside_names_and_labels() {
    let found = named_categories(&[
        "severe_learning_difficulty",
        "Trade union",
        "Self-defined ethnicity",
    ]);
    let cats: Vec<&str> = found.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        cats,
        [
            "health",
            "trade union membership",
            "racial or ethnic origin"
        ]
    );
}
