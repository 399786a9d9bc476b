//! The public csv-spectrum cases (`tests/data/csv-spectrum`, see its LICENSE)
//! as a peer check of the CSV reader: each case is ingested with every column
//! mapped to a text property, and the rows that land are compared with the
//! case's expected JSON.
//!
//! Three cases differ, for reasons documented in `docs/mapping.md`:
//! `empty` and `empty_crlf` expect empty strings, and an empty cell makes no
//! statement; `location_coordinates` expects a phone number its CSV does not
//! hold (its expected JSON is wrong).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clearstone_ingest::{Mapping, run};
use clearstone_model::{Ontology, Timestamp};
use serde_json::Value;

type Row = BTreeMap<String, String>;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv-spectrum")
}

/// The rows that land from one case, in source order, with each record's line.
fn landed(case: &str) -> Vec<(u64, Row)> {
    let csv_path = data().join("csvs").join(format!("{case}.csv"));
    let header: Vec<String> = csv::Reader::from_path(&csv_path)
        .unwrap()
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let props: String = (0..header.len())
        .map(|i| format!("p{i} = {{ type = \"text\", sensitivity = \"ordinary\" }}\n"))
        .collect();
    let ontology = Ontology::from_toml(
        &format!("version = 1\n[types.Row.properties]\n{props}"),
        "o.toml",
    )
    .unwrap();
    let columns: String = header
        .iter()
        .enumerate()
        .map(|(i, c)| format!("p{i} = {{ column = {} }}\n", toml_string(c)))
        .collect();
    let text = format!(
        "version = 1\n[dataset]\nname = \"spectrum\"\n[source]\nformat = \"csv\"\npath = {}\n\
         [[entities]]\nname = \"row\"\nschema = \"Row\"\nrow_key = true\n[entities.properties]\n{columns}",
        toml_string(&csv_path.display().to_string())
    );
    let m = Mapping::compile(&data().join("m.toml"), &text, &ontology).unwrap();
    let mut rows: Vec<(u64, Row)> = Vec::new();
    run(&m, Timestamp(1), &mut |b| {
        assert!(b.quarantine.is_empty(), "{case}: {:?}", b.quarantine);
        for s in b.statements {
            let line: u64 = s.origin.record.parse().unwrap();
            if rows.last().is_none_or(|(l, _)| *l != line) {
                rows.push((line, Row::new()));
            }
            let i: usize = s.prop.trim_start_matches('p').parse().unwrap();
            if let Some((_, row)) = rows.last_mut() {
                row.insert(header[i].clone(), s.value.clone());
            }
        }
        Ok(())
    })
    .unwrap();
    rows
}

fn toml_string(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn expected(case: &str) -> Vec<Row> {
    let text = std::fs::read_to_string(data().join("json").join(format!("{case}.json"))).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let rows = match v {
        Value::Array(rows) => rows,
        one => vec![one],
    };
    rows.into_iter()
        .map(|r| {
            r.as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()
        })
        .collect()
}

const CASES: [&str; 12] = [
    "comma_in_quotes",
    "empty",
    "empty_crlf",
    "escaped_quotes",
    "json",
    "location_coordinates",
    "newlines",
    "newlines_crlf",
    "quotes_and_newlines",
    "simple",
    "simple_crlf",
    "utf8",
];

#[test]
fn nine_of_the_twelve_cases_land_exactly() {
    let exact: Vec<&str> = CASES
        .into_iter()
        .filter(|c| {
            let got: Vec<Row> = landed(c).into_iter().map(|(_, r)| r).collect();
            got == expected(c)
        })
        .collect();
    let differ: Vec<&str> = CASES.into_iter().filter(|c| !exact.contains(c)).collect();
    assert_eq!(differ, ["empty", "empty_crlf", "location_coordinates"]);
}

#[test]
fn the_empty_cases_differ_only_by_empty_cells_making_no_statement() {
    for case in ["empty", "empty_crlf"] {
        let got: Vec<Row> = landed(case).into_iter().map(|(_, r)| r).collect();
        let mut want = expected(case);
        for row in &mut want {
            row.retain(|_, v| !v.is_empty());
        }
        assert_eq!(got, want, "{case}");
    }
}

#[test]
fn location_coordinates_lands_the_phone_number_its_csv_holds() {
    let got = landed("location_coordinates");
    let mut want = expected("location_coordinates");
    // The expected JSON says 1234567890; the CSV says 2095257564.
    want[0].insert("Contact Phone Number".into(), "2095257564".into());
    assert_eq!(got.into_iter().map(|(_, r)| r).collect::<Vec<_>>(), want);
}

#[test]
fn records_with_quoted_line_breaks_are_numbered_by_the_line_they_start_on() {
    // issue 15, finding 2
    for (case, lines) in [
        ("newlines", vec![2, 3, 5]),
        ("newlines_crlf", vec![2, 3, 5]),
        ("quotes_and_newlines", vec![2, 5]),
        ("empty_crlf", vec![2, 3]),
    ] {
        let got: Vec<u64> = landed(case).into_iter().map(|(l, _)| l).collect();
        assert_eq!(got, lines, "{case}");
    }
}
