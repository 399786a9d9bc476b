//! Names, month-only dates and placeholders as UK exports write them,
//! through the gate: what lands, what a re-ingest adds, what search finds.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use clearstone_engine::{Engine, SearchPage, SessionRequest};

const ONTOLOGY: &str = r#"version = 1
[types.Holder.properties]
name = { type = "name", sensitivity = "ordinary" }
title = { type = "text", sensitivity = "ordinary" }
first_name = { type = "name", sensitivity = "ordinary" }
middle_names = { type = "name", sensitivity = "ordinary" }
last_name = { type = "name", sensitivity = "ordinary" }
known_as = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
"#;

const MAPPING: &str = r#"version = 1
[dataset]
name = "cards"
owner = "Estates"
legal_basis = "building security"
[source]
format = "csv"
path = "cards.csv"
date_formats = ["%d/%m/%Y", "%m/%Y"]
missing = ["UNKNOWN", "01/01/1900"]
[[entities]]
name = "holder"
schema = "Holder"
keys = ["card"]
[entities.properties]
name = { column = "holder" }
birth_date = { column = "dob" }
"#;

const ROWS: &str = "card,holder,dob\n\
1,\"SMITH, Mr John Paul\",07/1984\n\
2,J R JONES,01/01/1900\n\
3,Ann \"Nan\" O'NEILL,UNKNOWN\n";

fn req() -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: "load".into(),
        justification: "loading card holders".into(),
        ..SessionRequest::default()
    }
}

fn setup() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("cards.csv"), ROWS).unwrap();
    std::fs::write(dir.path().join("cards.toml"), MAPPING).unwrap();
    let e = Engine::init(&dir.path().join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst", "data_engineer"])],
        &support::purpose("load", &["analyst", "data_engineer"], &["*"]),
    );
    (dir, e)
}

// issue 16, items 1 and 3 (I3, I4): parsed names and placeholders land as
// statements once; a second ingest of the same file adds none.
#[test]
fn re_ingest_of_parsed_names_writes_no_new_statements() {
    let (d, e) = setup();
    let s = e.session(req()).unwrap();
    let m = d.path().join("cards.toml");
    let first = s.ingest(&m, &mut |_| {}).unwrap();
    // Card 1: name, title, first, middle, last, birth month; card 2: name,
    // first, middle, last; card 3: name, first, last, known_as.
    assert_eq!(
        (first.statements_new, first.quarantined, first.placeholders),
        (14, 0, 2)
    );
    let again = s.ingest(&m, &mut |_| {}).unwrap();
    assert_eq!(
        (
            again.statements_new,
            again.statements_seen,
            again.placeholders
        ),
        (0, 14, 2)
    );
}

// issue 16, item 3 (I2): a month-only date of birth is found by its year and
// its month.
#[test]
fn a_month_only_birth_date_is_found_by_year_and_month() {
    let (d, e) = setup();
    let s = e.session(req()).unwrap();
    s.ingest(&d.path().join("cards.toml"), &mut |_| {}).unwrap();
    let page = SearchPage {
        offset: 0,
        size: 10,
    };
    let found = |q: &str| -> Vec<String> {
        s.search(q, page)
            .unwrap()
            .hits
            .into_iter()
            .flat_map(|h| h.entities)
            .collect()
    };
    assert_eq!(found("smith born:1984"), ["cards:holder:1"]);
    assert_eq!(found("smith born:1984-07"), ["cards:holder:1"]);
    assert!(found("smith born:1984-08").is_empty());
}
