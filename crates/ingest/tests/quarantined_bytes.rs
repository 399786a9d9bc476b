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

const ROW_BYTES_MAX: usize = clearstone_model::limits::ROW_BYTES_MAX;

/// A CSV of `id,name,email` whose row 2 (line 3) is `2,<long>,` and whose
/// later rows land, then the lines those rows were read at.
fn long_row(long: &[u8], mapping_extra: &str) -> support::Outcome {
    let dir = tempfile::tempdir().unwrap();
    let mut file = b"id,name,email\n1,Ann,\n2,".to_vec();
    file.extend_from_slice(long);
    file.extend_from_slice(b",\n3,Cat,\n4,\"Dan\nDay\",\n5,Eve,\n");
    let m = csv_mapping("p.csv", mapping_extra);
    ingest_file(dir.path(), "p.csv", &file, &m)
}

/// The quarantined record of a cut row: at its line, said to be too long,
/// kept to the limit and never released by replaying it as stored.
fn assert_cut(out: &support::Outcome, line: u64, size: usize) {
    out.result.as_ref().unwrap();
    let q = out.quarantine();
    assert_eq!(q.len(), 1, "{:?}", out.quarantined_at());
    assert_eq!(q[0].line, line);
    // The size said is the record's in the source, give or take its quotes
    // and delimiters.
    let said: usize = q[0]
        .reason
        .strip_prefix("record of ")
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{}", q[0].reason));
    assert!(said.abs_diff(size) <= 8, "{said} against {size}");
    assert!(
        q[0].reason.contains("exceeds row_bytes_max"),
        "{}",
        q[0].reason
    );
    assert!(
        q[0].raw.len() <= ROW_BYTES_MAX + 4,
        "{} bytes kept",
        q[0].raw.len()
    );
    let m = compile(&csv_mapping("p.csv", ""));
    let again = remap(
        &m,
        &q[0].raw,
        q[0].header.as_deref(),
        q[0].line,
        Timestamp(2000),
    );
    let e = again.unwrap_err();
    assert!(e.reason.contains("corrected file"), "{}", e.reason);
}

#[test]
fn a_csv_record_past_the_row_limit_is_cut_as_it_is_read_and_the_rows_after_land_issue_15() {
    let mb = 3 << 20;
    // One long line, unquoted.
    let out = long_row(&vec![b'x'; mb], "");
    assert_cut(&out, 3, mb + 3);
    assert_eq!(out.passed(), vec![2, 4, 5, 7]);
    assert_eq!(out.value("hr:person:4", "name").unwrap().0, "Dan Day");

    // The line break that ends it opening a stretch of text read (64 KiB):
    // the header and row 1 take 21 bytes, `2,` and the `,` after it 3.
    let to_break = 20 * 65_536 - 21 - 3;
    let out = long_row(&vec![b'x'; to_break], "");
    assert_cut(&out, 3, to_break + 3);
    assert_eq!(out.passed(), vec![2, 4, 5, 7]);

    // A quoted field over many lines, a doubled quote where the cut falls
    // between its two halves, and a quoted field that opens in the part cut
    // away: the record still ends where the source's does.
    let mut lines = b"\"".to_vec();
    lines.extend(std::iter::repeat_n(b"y".repeat(99).into_iter().chain([b'\n']), 30_000).flatten());
    lines.extend_from_slice(b"\"");
    let out = long_row(&lines, "");
    assert_cut(&out, 3, lines.len() + 3);
    assert_eq!(out.passed(), vec![2, 30_004, 30_005, 30_007]);

    let mut split = b"\"".to_vec();
    split.extend(std::iter::repeat_n(b'x', ROW_BYTES_MAX - 3 - 2));
    split.extend_from_slice(b"\"\"and more\"");
    split.extend(std::iter::repeat_n(b'z', 1000));
    let out = long_row(&split, "");
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 4, 5, 7]);

    let mut opens_late = vec![b'x'; 2 << 20];
    opens_late.extend_from_slice(b",\"a\nb\nc\"");
    let out = long_row(&opens_late, "");
    assert_cut(&out, 3, opens_late.len() + 3);
    assert_eq!(out.passed(), vec![2, 6, 7, 9]);

    // With quoting off every line break ends a record.
    let out = long_row(&vec![b'"'; mb], "quote = \"\"");
    out.result.as_ref().unwrap();
    assert_eq!(out.quarantined_at()[0].0, 3);
}

#[test]
fn an_invalid_byte_after_a_cut_record_is_charged_to_its_own_row_issue_15() {
    let mut long = vec![b'x'; 2 << 20];
    long.extend_from_slice(b",\n6,Bad\x81Byte");
    let out = long_row(&long, "encoding = \"windows-1252\"");
    out.result.as_ref().unwrap();
    assert_eq!(
        out.quarantined_at(),
        vec![(3, String::new()), (4, "name".to_string())]
    );
    assert_eq!(out.passed(), vec![2, 5, 6, 8]);
}

#[test]
fn a_json_line_past_the_row_limit_is_never_held_whole_issue_15() {
    let dir = tempfile::tempdir().unwrap();
    let mut lines = b"{\"id\": 1, \"name\": \"Ann\"}\n{\"id\": 2, \"name\": \"".to_vec();
    lines.extend(std::iter::repeat_n(b'x', 3 << 20));
    lines.extend_from_slice(b"\"}\r\n{\"id\": 3, \"name\": \"Cat\"}\n");
    let out = ingest_file(dir.path(), "p.jsonl", &lines, &jsonl_mapping(""));
    out.result.as_ref().unwrap();
    assert_eq!(out.quarantined_at(), vec![(2, String::new())]);
    let q = out.quarantine()[0];
    assert!(
        q.raw.len() <= ROW_BYTES_MAX + 4,
        "{} bytes kept",
        q.raw.len()
    );
    assert!(q.reason.contains("row_bytes_max"), "{}", q.reason);
    assert_eq!(out.value("hr:person:3", "name").unwrap().0, "Cat");
    let m = compile(&jsonl_mapping(""));
    let e = remap(&m, &q.raw, None, q.line, Timestamp(2000)).unwrap_err();
    assert!(e.reason.contains("corrected file"), "{}", e.reason);

    // A line just within the limit, ended by `\r\n`, still lands.
    let mut fits = b"{\"id\": 4, \"name\": \"Fay\", \"pad\": \"".to_vec();
    fits.resize(ROW_BYTES_MAX - 2, b'y');
    fits.extend_from_slice(b"\"}\r\n");
    let out = ingest_file(dir.path(), "p.jsonl", &fits, &jsonl_mapping(""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![1]);
}

#[test]
fn a_csv_header_past_the_row_limit_is_refused_whole_issue_15() {
    // A header is cut at the limit as records are; the file is refused
    // rather than read with a header cut short, and the first record is
    // not taken for the one cut.
    let dir = tempfile::tempdir().unwrap();
    let mut file = b"id,name,email,".to_vec();
    file.extend(std::iter::repeat_n(b'h', 2 << 20));
    file.extend_from_slice(b"\n1,Ann,,\n");
    let out = ingest_file(dir.path(), "p.csv", &file, &csv_mapping("p.csv", ""));
    assert!(out.statements().is_empty() && out.quarantine().is_empty());
    let e = out.refusal().to_string();
    assert!(
        e.contains("header row") && e.contains("row_bytes_max") && e.contains("p.csv"),
        "{e}"
    );
}
