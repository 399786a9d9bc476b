//! The words and phrases that make a stretch of text special-category data.
//! Matched on folded words; a phrase ending in `*` matches any word that
//! starts with it.

use super::SpecialCategory;

pub(super) const LEXICON: &[(SpecialCategory, &[&str])] = &[
    (
        SpecialCategory::Health,
        &[
            "diagnosed",
            "diagnosis",
            "medication",
            "depression",
            "anxiety",
            "adhd",
            "autism",
            "pregnant",
            "pregnancy",
        ],
    ),
    (
        SpecialCategory::Ethnicity,
        &[
            "white british",
            "black british",
            "asian british",
            "mixed heritage",
            "gypsy",
            "traveller",
            "roma",
        ],
    ),
    (
        SpecialCategory::Religion,
        &[
            "muslim",
            "christian",
            "jewish",
            "hindu",
            "sikh",
            "buddhist",
            "mosque",
            "church",
            "synagogue",
            "temple",
        ],
    ),
    (
        SpecialCategory::SexLife,
        &["sexual activity", "sexually active", "sexual relationship"],
    ),
    (
        SpecialCategory::SexualOrientation,
        &["gay", "lesbian", "bisexual", "sexual orientation"],
    ),
    (
        SpecialCategory::PoliticalOpinion,
        &["political views", "labour party", "conservative party"],
    ),
    (
        SpecialCategory::TradeUnion,
        &["trade union", "union member"],
    ),
    (SpecialCategory::Genetic, &["genetic", "dna"]),
    (
        SpecialCategory::Biometric,
        &["fingerprint*", "facial recognition"],
    ),
    (
        SpecialCategory::Offence,
        &[
            "arrested",
            "charged with",
            "convicted",
            "conviction",
            "caution",
            "offence",
            "offences",
        ],
    ),
];
