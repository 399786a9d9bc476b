#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_search::{QUERY_CHARS_MAX, QUERY_TERMS_MAX, Query};

fn normal(q: &str) -> String {
    Query::parse(q)
        .unwrap_or_else(|e| panic!("{q}: {e}"))
        .to_string()
}

fn error(q: &str) -> (usize, String) {
    match Query::parse(q) {
        Ok(parsed) => panic!("{q} parsed as {parsed}"),
        Err(e) => {
            assert_eq!(
                e.to_string(),
                format!("at character {}: {}", e.position, e.problem)
            );
            (e.position, e.problem)
        }
    }
}

#[test]
fn bare_words_and_phrases() {
    assert_eq!(normal("Smith"), "Smith");
    assert_eq!(normal("  jon   smith "), "jon smith");
    assert_eq!(normal("\"Jon  Smith\""), "\"Jon Smith\"");
    // Punctuation alone has nothing to search and is passed over.
    assert_eq!(normal("smith & jones"), "smith jones");
    // Words that may be one value typed apart print as typed.
    assert_eq!(normal("o brien"), "o brien");
    assert_eq!(normal("SW1A 1AA smith"), "SW1A 1AA smith");
    // A colon after something that is not a field name is part of a word.
    assert_eq!(normal("10:30"), "10:30");
}

#[test]
fn every_field() {
    assert_eq!(normal("name:\"Jon Smith\""), "name:\"jon smith\"");
    assert_eq!(normal("NAME:O'Brien"), "name:obrien");
    assert_eq!(normal("id:AB-12-34-56-C"), "id:ab123456c");
    assert_eq!(normal("postcode:\"sw1a 1aa\""), "postcode:sw1a1aa");
    assert_eq!(normal("postcode:SW1A"), "postcode:sw1a");
    assert_eq!(normal("phone:\"07700 900123\""), "phone:+447700900123");
    assert_eq!(
        normal("email:Jo.Bloggs@Example.org"),
        "email:jo.bloggs@example.org"
    );
    assert_eq!(normal("reg:\"ab12 cde\""), "reg:ab12cde");
    assert_eq!(normal("text:\"Stolen cars\""), "text:\"stolen car\"");
    assert_eq!(normal("type:Person"), "type:person");
    assert_eq!(normal("type:staff_member"), "type:staffmember");
    assert_eq!(normal("dataset:HR"), "dataset:hr");
    assert_eq!(normal("category:Suspect"), "category:suspect");
}

#[test]
fn dates_and_ranges() {
    assert_eq!(normal("born:1980"), "born:1980-01-01..1980-12-31");
    assert_eq!(normal("born:1980-02"), "born:1980-02-01..1980-02-29");
    assert_eq!(normal("born:1981-02"), "born:1981-02-01..1981-02-28");
    assert_eq!(normal("born:1980-03-02"), "born:1980-03-02..1980-03-02");
    assert_eq!(normal("born:1980..1985"), "born:1980-01-01..1985-12-31");
    assert_eq!(normal("born:..1985"), "born:..1985-12-31");
    assert_eq!(normal("date:2024-01.."), "date:2024-01-01..");
    assert_eq!(
        normal("date:2024-01..2024-03"),
        "date:2024-01-01..2024-03-31"
    );
}

#[test]
fn exclusions() {
    assert_eq!(normal("smith -jones"), "smith -jones");
    assert_eq!(normal("smith -type:officer"), "smith -type:officer");
    assert_eq!(
        normal("-\"John Smith\" dataset:hr"),
        "-\"John Smith\" dataset:hr"
    );
    assert_eq!(normal("-born:..1950 x"), "-born:..1950-12-31 x");
    // A hyphen inside a word is part of it.
    assert_eq!(normal("smith-jones"), "smith-jones");
    assert!(Query::parse("-smith").unwrap().to_string() == "-smith");
    assert!(!Query::parse("-smith type:person").unwrap().has_terms());
    assert!(Query::parse("smith -jones").unwrap().has_terms());
}

#[test]
fn unknown_fields_are_named_with_their_position() {
    let (at, problem) = error("john nmae:x");
    assert_eq!(at, 6);
    assert!(
        problem.starts_with("unknown field \"nmae\" (fields: name, id,"),
        "{problem}"
    );
    let (at, _) = error("-foo:bar");
    assert_eq!(at, 2);
}

#[test]
fn unclosed_quotes_point_at_the_quote() {
    assert_eq!(error("smith \"jon").0, 7);
    assert_eq!(error("name:\"jon").0, 6);
    assert!(error("name:\"jon").1.contains("unclosed quote"));
    assert_eq!(error("\"jon\"smith").0, 6);
    assert!(error("\"  \"").1.contains("empty phrase"));
}

#[test]
fn bad_values_point_at_the_value() {
    let (at, problem) = error("smith born:1980-13");
    assert_eq!(at, 12);
    assert!(problem.contains("bad date \"1980-13\""), "{problem}");
    assert_eq!(error("born:80").0, 6);
    assert_eq!(error("born:1980-02-30").0, 6);
    let (at, problem) = error("born:1980..85");
    assert_eq!(at, 12);
    assert!(problem.contains("\"85\""), "{problem}");
    assert!(error("born:1985..1980").1.contains("ends before it starts"));
    assert!(error("born:..").1.contains("expected a date"));
    assert!(error("born:1980..1981..1982").1.contains("one `..`"));
    let (at, problem) = error("postcode:hello");
    assert_eq!(at, 10);
    assert!(problem.contains("not a UK postcode"), "{problem}");
    assert!(error("phone:abc").1.contains("phone number"));
    assert!(error("email:nobody").1.contains("email"));
    let (at, problem) = error("category:bystander");
    assert_eq!(at, 10);
    assert!(problem.contains("suspect, victim, witness"), "{problem}");
    assert!(error("name:!!!").1.contains("expected a name"));
    assert!(error("text:\"...\"").1.contains("expected words"));
}

#[test]
fn missing_parts_are_errors() {
    let (at, problem) = error("name: smith");
    assert_eq!(at, 6);
    assert!(
        problem.contains("expected a value after `name:`"),
        "{problem}"
    );
    assert_eq!(error("smith -").0, 8);
    assert_eq!(error("smith - jones").0, 8);
    assert!(error("").1.contains("expected a word"));
    assert!(error("  ! ").1.contains("expected a word"));
}

#[test]
fn limits_are_errors_not_truncation() {
    let long = "a".repeat(QUERY_CHARS_MAX + 1);
    let (at, problem) = error(&long);
    assert_eq!(at, QUERY_CHARS_MAX + 1);
    assert!(problem.contains("query_chars_max"), "{problem}");
    assert!(Query::parse(&"a".repeat(QUERY_CHARS_MAX)).is_ok());

    let words: Vec<String> = (0..=QUERY_TERMS_MAX).map(|i| format!("w{i}")).collect();
    let (at, problem) = error(&words.join(" "));
    assert!(problem.contains("query_terms_max"), "{problem}");
    // The clause that went over the limit: the last word.
    assert_eq!(at, words[..QUERY_TERMS_MAX].join(" ").chars().count() + 2);
    assert!(Query::parse(&words[..QUERY_TERMS_MAX].join(" ")).is_ok());
    // Words of a phrase count too.
    let phrase = format!("\"{}\"", words.join(" "));
    assert!(error(&phrase).1.contains("query_terms_max"));
}

#[test]
fn positions_count_characters_not_bytes() {
    let (at, _) = error("Zoë nmae:x");
    assert_eq!(at, 5);
}
