//! Hostile variants of each class of issue 15, written fresh: files shaped
//! the way exports go wrong that the tests of `real_exports.rs` do not make.
//! Each file is made here; each case says what a careful reader must do.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{csv_mapping, gzip, ingest_file, many_rows, mapping, zstd};

fn jsonl_mapping(props: &str) -> String {
    mapping(
        "format = \"jsonl\"\npath = \"p.jsonl\"",
        "keys = [\"id\"]",
        props,
    )
}

fn utf16(text: &str, bom: bool, little: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(if little { b"\xff\xfe" } else { b"\xfe\xff" });
    }
    for u in text.encode_utf16() {
        out.extend_from_slice(&if little {
            u.to_le_bytes()
        } else {
            u.to_be_bytes()
        });
    }
    out
}

#[test]
fn a_mapped_column_repeated_under_another_case_spacing_or_bom_is_ambiguous() {
    // issue 15, class 1
    let dir = tempfile::tempdir().unwrap();
    let files: [(&str, &[u8], &str); 4] = [
        ("case", b"id,name,email,Name\n1,Ann,,Bob\n", "columns 2 and 4"),
        (
            "spaces",
            b"id, name ,email,name\n1,Ann,,Bob\n",
            "columns 2 and 4",
        ),
        (
            "bom before a quoted header",
            b"\xef\xbb\xbf\"name\",\"id\",\"email\",\"name\"\n\"Ann\",1,,Bob\n",
            "columns 1 and 4",
        ),
        (
            "tab and no-break space",
            "id,name,email,\tNAME\u{a0}\n1,Ann,,Bob\n".as_bytes(),
            "columns 2 and 4",
        ),
    ];
    for (case, bytes, place) in files {
        let e = ingest_file(dir.path(), "p.csv", bytes, &csv_mapping("p.csv", "")).refusal();
        assert_eq!(e.code(), "duplicate_header", "{case}: {e}");
        let msg = e.to_string();
        assert!(msg.contains("`name`") && msg.contains(place), "{case}: {msg}");
        assert!(msg.contains("p.csv"), "{case}: {msg}");
    }
    // A quoted BOM header whose columns are each named once reads as usual.
    let ok = ingest_file(
        dir.path(),
        "p.csv",
        b"\xef\xbb\xbf\"id\",\"name\",\"email\"\r\n\"1\",\"Ann\",\"\"\r\n",
        &csv_mapping("p.csv", ""),
    );
    ok.result.as_ref().unwrap();
    assert_eq!(ok.value("hr:person:1", "name").unwrap().0, "Ann");
}

#[test]
fn bytes_windows_1252_leaves_undefined_quarantine_the_row_under_an_iso_8859_1_label() {
    // issue 15, class 3. `iso-8859-1` is read as windows-1252 (the WHATWG
    // label mapping), so 0x80 is `€` and 0x96 `–`; the five bytes that
    // windows-1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) would be
    // C1 control characters, which no export means: that row is quarantined.
    let dir = tempfile::tempdir().unwrap();
    let file = b"id,name,email\n1,\x80 Caf\xe9 \x96 O\x92Neil,\n2,Bad\x81Byte,\n3,Cat,\n4,\x9dX,\n";
    let out = ingest_file(
        dir.path(),
        "p.csv",
        file,
        &csv_mapping("p.csv", "encoding = \"iso-8859-1\""),
    );
    out.result.as_ref().unwrap();
    assert_eq!(
        out.value("hr:person:1", "name").unwrap().0,
        "\u{20ac} Caf\u{e9} \u{2013} O\u{2019}Neil"
    );
    assert_eq!(
        out.quarantined_at(),
        vec![(3, "name".to_string()), (5, "name".to_string())]
    );
    assert!(
        out.quarantine()[0].reason.contains("windows-1252"),
        "{}",
        out.quarantine()[0].reason
    );
    assert!(out.value("hr:person:3", "name").is_some());
}

#[test]
fn empty_header_only_and_blank_files() {
    // issue 15, class 11
    let dir = tempfile::tempdir().unwrap();
    for bytes in [&b"\n\n\n"[..], b"\r\n\r\n", b"   \n\t\n", b"\xef\xbb\xbf\r\n"] {
        let e = ingest_file(dir.path(), "p.csv", bytes, &csv_mapping("p.csv", "")).refusal();
        assert_eq!(e.code(), "empty_file", "{bytes:?}: {e}");
        assert!(e.to_string().contains("p.csv"), "{e}");
    }
    // A header and nothing else is an export of no records: accepted.
    let out = ingest_file(
        dir.path(),
        "p.csv",
        b"id,name,email\r\n",
        &csv_mapping("p.csv", ""),
    );
    out.result.as_ref().unwrap();
    assert!(out.statements().is_empty() && out.quarantine().is_empty());
    // Rows of empty cells and lines of spaces are no records either.
    let out = ingest_file(
        dir.path(),
        "p.csv",
        b"id,name,email\n1,Ann,\n,,\n   \n2,Bob,\n,,\n",
        &csv_mapping("p.csv", ""),
    );
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 5]);
    assert!(out.quarantine().is_empty(), "{:?}", out.quarantine());
}

