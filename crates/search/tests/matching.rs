#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_search::{IndexDoc, score};
use common::{ids, index, person, search};

/// A score of the kinds given, plus what other matches of the same words
/// add to break ties (less than one point).
fn near(got: f32, kinds: f32) -> bool {
    got >= kinds && got < kinds + 0.5
}

fn score_of(r: &clearstone_search::Results, id: &str) -> f32 {
    r.hits
        .iter()
        .find(|h| h.canonical == id)
        .unwrap_or_else(|| panic!("{id} not found in {:?}", ids(r)))
        .score
}

#[test]
fn an_exact_name_is_found_and_highlighted() {
    let idx = index(&[person("a", "John Smith"), person("b", "Mary Jones")]);
    let r = search(&idx, "smith");
    assert_eq!(ids(&r), ["a"]);
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].label, "John Smith");
    assert_eq!(r.hits[0].schema, "Person");
    assert_eq!(r.hits[0].entities, ["a"]);
    let s = &r.hits[0].snippets[0];
    assert_eq!(s.prop, "name");
    assert_eq!(s.highlights.len(), 1);
    assert_eq!(&s.text[s.highlights[0].0..s.highlights[0].1], "Smith");
}

#[test]
fn case_accents_and_apostrophes_do_not_matter() {
    let idx = index(&[person("a", "Siân O'Neill")]);
    for q in ["sian", "SIAN ONEILL", "o'neill", "name:\"sian o’neill\""] {
        assert_eq!(ids(&search(&idx, q)), ["a"], "{q}");
    }
}

#[test]
fn kinds_of_name_match_rank_in_order() {
    let idx = index(&[
        person("exact", "William Brown"),
        person("nickname", "Bill Brown"),
        person("phonetic", "Wiliam Brown"),
        person("fuzzy", "Willian Brown"),
        person("other", "Robert Brown"),
    ]);
    let r = search(&idx, "william");
    assert_eq!(ids(&r), ["exact", "nickname", "phonetic", "fuzzy"]);
    assert!(near(score_of(&r, "exact"), score::NAME_EXACT));
    assert!(near(score_of(&r, "nickname"), score::NAME_NICKNAME));
    assert!(near(score_of(&r, "phonetic"), score::NAME_PHONETIC));
    assert!(near(score_of(&r, "fuzzy"), score::NAME_FUZZY));
    // The order of the constants is the documented order of the kinds.
    let order = [
        score::IDENTIFIER,
        score::NAME_EXACT,
        score::NAME_NICKNAME,
        score::NAME_PHONETIC,
        score::NAME_INITIAL,
        score::NAME_FUZZY,
        score::TEXT_WORD,
    ];
    assert!(order.windows(2).all(|w| w[0] > w[1]));
}

#[test]
fn nicknames_follow_the_table_both_ways() {
    let idx = index(&[
        person("jon", "Jon Smith"),
        person("john", "John Smith"),
        person("bill", "Bill Jones"),
        person("william", "William Jones"),
        person("samuel", "Samuel Green"),
        person("samantha", "Samantha Green"),
    ]);
    assert_eq!(ids(&search(&idx, "jon smith")), ["jon", "john"]);
    assert_eq!(ids(&search(&idx, "john smith")), ["john", "jon"]);
    assert_eq!(ids(&search(&idx, "bill")), ["bill", "william"]);
    assert_eq!(ids(&search(&idx, "william")), ["william", "bill"]);
    // Sam is both; Samuel and Samantha are not each other's.
    assert_eq!(ids(&search(&idx, "sam")).len(), 2);
    assert_eq!(ids(&search(&idx, "samuel")), ["samuel"]);
}

#[test]
fn sound_alike_spellings_match() {
    let idx = index(&[person("a", "Ann Smyth"), person("b", "Ann Thomson")]);
    let r = search(&idx, "tomson smith");
    assert!(r.hits.is_empty());
    let r = search(&idx, "smith");
    assert_eq!(ids(&r), ["a"]);
    assert!(near(score_of(&r, "a"), score::NAME_PHONETIC));
    let r = search(&idx, "tomson");
    assert_eq!(ids(&r), ["b"]);
    assert!(near(score_of(&r, "b"), score::NAME_PHONETIC));
}

#[test]
fn misspellings_match_within_the_edit_distance() {
    let idx = index(&[
        person("a", "Elizabeth Ashworth"),
        person("b", "Tom Smith"),
        person("c", "Ann Clarke"),
    ]);
    // Eight letters or more: two edits.
    assert_eq!(ids(&search(&idx, "ashwroht")), ["a"]);
    // Four to seven: one edit (a transposition counts as one).
    assert_eq!(ids(&search(&idx, "smiht")), ["b"]);
    assert!(search(&idx, "snoth").hits.is_empty());
    assert_eq!(ids(&search(&idx, "clarek")), ["c"]);
    // Three letters or fewer: exact, nickname or sound only.
    assert!(search(&idx, "ton").hits.is_empty());
}

#[test]
fn an_initial_matches_a_given_name() {
    let idx = index(&[
        person("a", "John Smith"),
        person("b", "Mary Smith"),
        person("c", "Smith, Jane"),
        person("d", "Alan Jones"),
    ]);
    let r = search(&idx, "j smith");
    assert_eq!(ids(&r), ["a", "c"]);
    assert!(near(
        score_of(&r, "a"),
        score::NAME_INITIAL + score::NAME_EXACT
    ));
    // A surname's initial is not a given name's.
    assert!(search(&idx, "j alan").hits.is_empty());
    // Only the given name is highlighted for an initial.
    let r = search(&idx, "j smith");
    let s = &r.hits[1].snippets[0];
    assert_eq!(s.text, "Smith, Jane");
    let marked: Vec<&str> = s.highlights.iter().map(|&(a, b)| &s.text[a..b]).collect();
    assert_eq!(marked, ["Smith", "Jane"]);
}

#[test]
fn names_written_apart_meet_names_written_together() {
    let idx = index(&[person("a", "Sean O'Brien"), person("b", "Mary Mc Donald")]);
    assert_eq!(ids(&search(&idx, "o brien")), ["a"]);
    assert_eq!(ids(&search(&idx, "mcdonald")), ["b"]);
    assert_eq!(ids(&search(&idx, "\"mc donald\"")), ["b"]);
}

fn officer() -> IndexDoc {
    IndexDoc {
        entity: "hr:staff:1".into(),
        canonical: "hr:staff:1".into(),
        shape: 1,
        schema: "Officer".into(),
        schema_ancestors: ["Officer", "StaffMember", "Person", "LegalEntity", "Thing"]
            .map(String::from)
            .to_vec(),
        dataset: "hr".into(),
        subject_category: Some("staff".into()),
        label: "PC Jane Doe".into(),
        names: vec![("name".into(), "Jane Doe".into())],
        identifiers: vec![
            ("collar_number".into(), "PC 4471".into()),
            ("postcode".into(), "sw1a 1aa".into()),
            ("phone".into(), "07700 900123".into()),
            ("email".into(), "Jane.Doe@Example.police.uk".into()),
            ("vehicle_reg".into(), "AB12 CDE".into()),
        ],
        dates: vec![
            ("birth_date".into(), "1980-03-02".into()),
            ("start_date".into(), "2024-02-10".into()),
        ],
        texts: vec![(
            "note".into(),
            "Reported the stolen vehicles near the canal at 10:30.".into(),
        )],
        refs: vec![("station".into(), "org:7".into())],
    }
}

#[test]
fn identifiers_match_after_normalisation() {
    let idx = index(&[officer(), person("x", "Someone Else")]);
    for q in [
        "id:pc4471",
        "\"PC 4471\"",
        "postcode:SW1A1AA",
        "postcode:\"sw1a 1\"",
        "postcode:sw1a",
        "phone:+447700900123",
        "phone:\"0044 7700 900 123\"",
        "id:07700900123",
        "email:jane.doe@example.police.uk",
        "reg:ab12cde",
        "reg:\"ab12 cde\"",
        "id:ab12cde",
    ] {
        let r = search(&idx, q);
        assert_eq!(ids(&r), ["hr:staff:1"], "{q}");
        assert_eq!(r.hits[0].score, score::IDENTIFIER, "{q}");
        assert!(!r.hits[0].snippets.is_empty(), "{q}");
    }
    for q in [
        "postcode:sw1a 2aa",
        "phone:07700900124",
        "reg:ab12cdf",
        "id:4471x",
    ] {
        assert!(search(&idx, q).hits.is_empty(), "{q}");
    }
}

#[test]
fn filters_narrow_without_scoring() {
    let idx = index(&[officer(), person("p", "Jane Doe")]);
    assert_eq!(search(&idx, "jane type:person").total, 2);
    assert_eq!(ids(&search(&idx, "jane type:officer")), ["hr:staff:1"]);
    assert_eq!(ids(&search(&idx, "jane type:StaffMember")), ["hr:staff:1"]);
    assert_eq!(ids(&search(&idx, "jane -type:officer")), ["p"]);
    assert_eq!(ids(&search(&idx, "jane dataset:HR")), ["hr:staff:1"]);
    assert_eq!(ids(&search(&idx, "jane category:staff")), ["hr:staff:1"]);
    assert!(search(&idx, "jane category:suspect").hits.is_empty());
    // Filters alone list what they select, all scored alike.
    let r = search(&idx, "type:person");
    assert_eq!(r.total, 2);
    assert!(r.hits.iter().all(|h| h.score == 0.0));
}

#[test]
fn birth_dates_and_other_dates_filter() {
    let idx = index(&[officer()]);
    for q in [
        "jane born:1980",
        "jane born:1980-03",
        "jane born:1980-03-02",
        "jane born:1979..1981",
        "jane born:..1980",
        "jane born:1980-03-02..",
        "date:2024-01..2024-03",
        "date:1980",
        "date:2024-02-10",
    ] {
        assert_eq!(ids(&search(&idx, q)), ["hr:staff:1"], "{q}");
    }
    for q in [
        "jane born:1981",
        "jane born:1980-04",
        "born:2024",
        "date:2023",
        "jane -born:1980",
    ] {
        assert!(search(&idx, q).hits.is_empty(), "{q}");
    }
    let r = search(&idx, "date:2024-02");
    let s = &r.hits[0].snippets;
    assert_eq!(s[0].prop, "start_date");
    assert_eq!(s[0].highlights, [(0, 10)]);
}

// issue 16, item 3 (I2): a month-only date of birth is found by any range
// that overlaps its month, and a timestamp by its day.
#[test]
fn month_only_dates_and_timestamps_filter_by_the_days_they_may_mean() {
    let mut doc = officer();
    doc.dates = vec![
        ("birth_date".into(), "1980-03".into()),
        ("start_date".into(), "2024-02-10T09:30".into()),
    ];
    let idx = index(&[doc]);
    for q in [
        "jane born:1980",
        "jane born:1980-03",
        "jane born:1980-03-02",
        "jane born:1980-03-31..1981",
        "jane born:..1980-03-01",
        "date:2024-02-10",
        "date:2024-02",
    ] {
        let r = search(&idx, q);
        assert_eq!(ids(&r), ["hr:staff:1"], "{q}");
        assert!(!r.hits[0].snippets.is_empty(), "{q}");
    }
    for q in [
        "jane born:1981",
        "jane born:1980-04",
        "jane born:..1980-02-29",
        "date:2024-02-11",
    ] {
        assert!(search(&idx, q).hits.is_empty(), "{q}");
    }
}

#[test]
fn free_text_matches_words_and_phrases() {
    let idx = index(&[officer()]);
    for q in [
        "text:canal",
        "canal",
        "text:\"stolen vehicle\"",
        "\"the stolen vehicles\"",
        "text:vehicle",
    ] {
        let r = search(&idx, q);
        assert_eq!(ids(&r), ["hr:staff:1"], "{q}");
    }
    assert!(search(&idx, "text:\"vehicles stolen\"").hits.is_empty());
    assert!(search(&idx, "text:jane").hits.is_empty());
    let r = search(&idx, "canal");
    assert_eq!(r.hits[0].score, score::TEXT_WORD);
    let s = &r.hits[0].snippets[0];
    assert_eq!(s.prop, "note");
    assert_eq!(&s.text[s.highlights[0].0..s.highlights[0].1], "canal");
}

#[test]
fn a_word_counts_once_however_many_ways_it_matches() {
    let mut d = person("a", "Smith");
    d.texts = vec![("note".into(), "Smith was there".into())];
    d.identifiers = vec![("alias_id".into(), "smith".into())];
    let idx = index(&[d]);
    let r = search(&idx, "smith");
    assert_eq!(r.hits[0].score, score::IDENTIFIER);
    // Every kind of value that matched is shown.
    let props: Vec<&str> = r.hits[0].snippets.iter().map(|s| s.prop.as_str()).collect();
    assert_eq!(props, ["name", "alias_id", "note"]);
}

#[test]
fn every_word_must_match() {
    let idx = index(&[person("a", "John Smith"), person("b", "John Jones")]);
    assert_eq!(ids(&search(&idx, "john smith")), ["a"]);
    assert!(search(&idx, "john smith jones").hits.is_empty());
}

#[test]
fn exclusions_remove_exact_matches_only() {
    let idx = index(&[
        person("a", "John Smith"),
        person("b", "Jon Smith"),
        person("c", "Mary Smith"),
    ]);
    assert_eq!(ids(&search(&idx, "smith -jon")), ["a", "c"]);
    assert_eq!(ids(&search(&idx, "smith -name:\"jon smith\"")), ["a", "c"]);
    assert_eq!(ids(&search(&idx, "-mary")), ["a", "b"]);
}
