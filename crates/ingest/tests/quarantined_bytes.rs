//! What quarantine keeps of a record: its bytes as the source had them, so
//! that declaring the encoding later releases it, and never more than a
//! record may hold, however long the line.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_ingest::{Mapping, remap};
use clearstone_model::{Ontology, Timestamp};
use support::{ONTOLOGY, csv_mapping, ingest_file, mapping};

fn compile(text: &str) -> Mapping {
    let ontology = Ontology::from_toml(ONTOLOGY, "test.toml").unwrap();
    Mapping::compile(Path::new("m.toml"), text, &ontology).unwrap()
}

fn jsonl_mapping(extra: &str) -> String {
    mapping(
        &format!("format = \"jsonl\"\npath = \"p.jsonl\"\n{extra}"),
        "keys = [\"id\"]",
        "name = { column = \"name\" }",
    )
}

/// Replays each quarantined record of `out` under `m`: the name it lands
/// with, or the reason it still fails.
fn replayed(out: &support::Outcome, m: &Mapping) -> Vec<Result<String, String>> {
    out.quarantine()
        .iter()
        .map(|q| {
            remap(m, &q.raw, q.header.as_deref(), q.line, Timestamp(2000))
                .map(|st| {
                    assert!(st.iter().all(|s| *s.origin.record == *q.line.to_string()));
                    st.iter()
                        .find(|s| &*s.prop == "name")
                        .map(|s| s.value.clone())
                        .unwrap_or_default()
                })
                .map_err(|e| e.reason)
        })
        .collect()
}

#[test]
fn rows_quarantined_as_invalid_utf8_are_released_by_declaring_the_encoding_issue_15() {
    // A windows-1252 export read with no encoding declared: its rows with
    // bytes beyond ASCII are quarantined as invalid UTF-8. Declaring the
    // encoding and replaying reads the stored bytes as the reader would
    // have (0x92 is `’`), and a byte windows-1252 leaves undefined stays.
    let dir = tempfile::tempdir().unwrap();
    let file = b"id,name,email\n1,Ann,\n2,O\x92Neil,\n3,Bad\x81Byte,\n";
    let out = ingest_file(dir.path(), "p.csv", file, &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(
        out.quarantined_at(),
        vec![(3, "name".to_string()), (4, "name".to_string())]
    );
    assert!(out.quarantine()[0].reason.contains("UTF-8"));
    assert_eq!(out.quarantine()[0].raw, b"2,O\x92Neil,");

    let declared = compile(&csv_mapping("p.csv", "encoding = \"windows-1252\""));
    let again = replayed(&out, &declared);
    assert_eq!(again[0], Ok("O\u{2019}Neil".to_string()));
    let still = again[1].as_ref().unwrap_err();
    assert!(still.contains("windows-1252"), "{still}");
    // Without the declaration they stay as they were.
    let undeclared = compile(&csv_mapping("p.csv", ""));
    assert!(replayed(&out, &undeclared).iter().all(Result::is_err));

    let lines = b"{\"id\": 1, \"name\": \"Caf\xe9\"}\n{\"id\": 2, \"name\": \"Ann\"}\n";
    let out = ingest_file(dir.path(), "p.jsonl", lines, &jsonl_mapping(""));
    out.result.as_ref().unwrap();
    assert_eq!(out.quarantined_at(), vec![(1, String::new())]);
    let declared = compile(&jsonl_mapping("encoding = \"iso-8859-1\""));
    assert_eq!(replayed(&out, &declared), vec![Ok("Caf\u{e9}".to_string())]);
}
