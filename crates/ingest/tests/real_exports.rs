//! Files as HR, complaints and registry systems really export them (issue 15):
//! one test per class of input that broke the readers, each with a small file
//! made here.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{compile_error, csv_mapping, gzip, ingest_file, many_rows, mapping, zstd};

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_mapped_column_named_twice_in_the_header_refuses_the_file() {
    // issue 15, finding 1
    let dir = tempfile::tempdir().unwrap();
    let file = b"id,name,email,name\n1,Ann,ann@example.com,Bob\n";
    let e = ingest_file(dir.path(), "p.csv", file, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "duplicate_header", "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("`name`") && msg.contains("columns 2 and 4"),
        "{msg}"
    );
    assert!(msg.contains("p.csv"), "{msg}");

    // A column the mapping does not read may repeat.
    let file = b"id,name,email,note,note\n1,Ann,ann@example.com,a,b\n";
    let ok = ingest_file(dir.path(), "q.csv", file, &csv_mapping("q.csv", ""));
    ok.result.as_ref().unwrap();
    assert_eq!(ok.value("hr:person:1", "name").unwrap().0, "Ann");
}

#[test]
fn records_are_numbered_by_the_physical_line_they_start_on_for_every_line_ending() {
    // issue 15, finding 2
    let lf = "id,name,email\n\
              1,Ann,ann@example.com\n\
              2,Bob,\"bad\nemail\"\n\
              3,Cat,not-an-email\n\
              \n\
              4,Dan,dan@example.com\n\
              ,Eve,eve@example.com\n";
    for (ending, name) in [("\n", "LF"), ("\r\n", "CRLF"), ("\r", "CR")] {
        let dir = tempfile::tempdir().unwrap();
        let file = lf.replace('\n', ending);
        let out = ingest_file(
            dir.path(),
            "p.csv",
            file.as_bytes(),
            &csv_mapping("p.csv", ""),
        );
        out.result.as_ref().unwrap();
        let lines: Vec<u64> = out.quarantine().iter().map(|q| q.line).collect();
        assert_eq!(lines, vec![3, 5, 8], "{name}: quarantined lines");
        let passed: Vec<u64> = out
            .batches
            .iter()
            .flat_map(|b| b.passed_lines.clone())
            .collect();
        assert_eq!(passed, vec![2, 7], "{name}: passed lines");
        let dan = out
            .statements()
            .into_iter()
            .find(|s| &*s.entity_id == "hr:person:4");
        assert_eq!(&*dan.unwrap().origin.record, "7", "{name}: origin");
    }
}

#[test]
fn a_declared_encoding_is_decoded_exactly_and_its_invalid_bytes_quarantine_the_row() {
    // issue 15, finding 3
    let dir = tempfile::tempdir().unwrap();
    let latin = b"id,name,email\r\n1,O\x92Brien,ann@example.com\r\n2,Zo\xeb Caf\xe9,\r\n";
    for label in ["windows-1252", "iso-8859-1", "latin1"] {
        let extra = format!("encoding = \"{label}\"");
        let out = ingest_file(dir.path(), "p.csv", latin, &csv_mapping("p.csv", &extra));
        out.result.as_ref().unwrap();
        assert!(out.quarantine().is_empty(), "{label}");
        assert_eq!(
            out.value("hr:person:1", "name").unwrap().0,
            "O\u{2019}Brien",
            "{label}"
        );
        assert_eq!(
            out.value("hr:person:2", "name").unwrap().0,
            "Zo\u{eb} Caf\u{e9}"
        );
    }

    let text = "id,name,email\n1,Łucja Nowak,lucja@example.com\n2,Ann,ann@example.com\n";
    let le: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xfe, 0xff]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for (bytes, extra) in [
        (&le, "encoding = \"utf-16\""),
        (&be, "encoding = \"utf-16\""),
    ] {
        let out = ingest_file(dir.path(), "p.csv", bytes, &csv_mapping("p.csv", extra));
        out.result.as_ref().unwrap();
        assert_eq!(out.value("hr:person:1", "name").unwrap().0, "Łucja Nowak");
        assert!(out.value("hr:person:2", "name").is_some());
    }

    // Undeclared, a UTF-16 file is refused with what to declare.
    let e = ingest_file(dir.path(), "p.csv", &le, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "undeclared_encoding", "{e}");
    assert!(e.to_string().contains("encoding = \"utf-16\""), "{e}");

    // A lone surrogate is not UTF-16: that row alone goes to quarantine.
    let mut units: Vec<u16> = "id,name,email\n1,Ann,\n2,B".encode_utf16().collect();
    units.push(0xd800);
    units.extend("ob,\n3,Cat,\n".encode_utf16());
    let bad: Vec<u8> = [0xff, 0xfe]
        .into_iter()
        .chain(units.into_iter().flat_map(u16::to_le_bytes))
        .collect();
    let out = ingest_file(
        dir.path(),
        "p.csv",
        &bad,
        &csv_mapping("p.csv", "encoding = \"utf-16le\""),
    );
    out.result.as_ref().unwrap();
    let q = out.quarantine();
    assert_eq!(q.len(), 1);
    assert_eq!((q[0].line, q[0].column.as_str()), (3, "name"));
    assert!(
        q[0].reason.contains("invalid in UTF-16LE"),
        "{}",
        q[0].reason
    );
    assert!(out.value("hr:person:1", "name").is_some());
    assert!(out.value("hr:person:3", "name").is_some());
    assert!(out.value("hr:person:2", "name").is_none());
}

#[test]
fn gzip_and_zstd_are_read_and_a_truncated_archive_is_refused_whole() {
    // issue 15, finding 4
    let dir = tempfile::tempdir().unwrap();
    let plain = many_rows();
    let cases = [
        ("p.csv.gz", gzip(&plain), "", "gzip"),
        ("p.csv.zst", zstd(&plain), "", "zstd"),
        ("export.dat", gzip(&plain), "compression = \"gzip\"", "gzip"),
    ];
    for (file, packed, extra, name) in cases {
        let out = ingest_file(dir.path(), file, &packed, &csv_mapping(file, extra));
        out.result.as_ref().unwrap();
        assert_eq!(
            out.batches.iter().map(|b| b.rows).sum::<u64>(),
            25_000,
            "{file}"
        );
        assert_eq!(
            out.value("hr:person:24999", "name").unwrap().0,
            "Person 24999"
        );

        let cut = packed.get(..packed.len() - 10).unwrap();
        let e = ingest_file(dir.path(), file, cut, &csv_mapping(file, extra)).refusal();
        assert_eq!(e.code(), "truncated_archive", "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains("truncated") && msg.contains(name) && msg.contains(file),
            "{msg}"
        );
    }
}

#[test]
fn a_file_that_is_not_text_is_refused_whole() {
    // issue 15, finding 5
    let dir = tempfile::tempdir().unwrap();
    let mut with_nul = b"id,name,email\n1,Ann,ann@example.com\n".to_vec();
    with_nul.extend((0..2000u32).map(|i| (i * 7919 % 256) as u8));
    let e = ingest_file(dir.path(), "p.csv", &with_nul, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "not_text", "{e}");
    assert!(e.to_string().contains("not text"), "{e}");

    // Control characters without a NUL, after a long stretch of good rows.
    let mut controls = many_rows();
    controls.extend((0..4000u32).map(|i| [1u8, 2, 3, 0x1b, 0x7f, b'a'][i as usize % 6]));
    let e = ingest_file(dir.path(), "p.csv", &controls, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "not_text", "{e}");

    let e = ingest_file(
        dir.path(),
        "p.jsonl",
        &with_nul,
        &mapping(
            "format = \"jsonl\"\npath = \"p.jsonl\"",
            "keys = [\"id\"]",
            "name = { column = \"name\" }",
        ),
    )
    .refusal();
    assert_eq!(e.code(), "not_text", "{e}");
}

#[test]
fn json_arrays_objects_and_booleans_where_text_is_expected_are_wrong_type() {
    // issue 15, finding 6
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        r#"{"id": 1, "name": "Ann", "notes": 12.50, "active": true, "ref": 123456789012345678901234}"#,
        r#"{"id": 2, "name": ["Bob"]}"#,
        r#"{"id": 3, "name": "Cat", "notes": {"text": "x"}}"#,
        r#"{"id": 4, "name": false}"#,
        r#"{"id": 5, "name": "Dan", "active": "true"}"#,
    ];
    let m = mapping(
        "format = \"jsonl\"\npath = \"p.jsonl\"",
        "keys = [\"id\"]",
        "name = { column = \"name\" }\nnotes = { column = \"notes\" }\n\
         active = { column = \"active\", map = { true = \"yes\", false = \"no\" } }\n\
         ref_no = { column = \"ref\" }",
    );
    let out = ingest_file(dir.path(), "p.jsonl", lines.join("\n").as_bytes(), &m);
    out.result.as_ref().unwrap();
    let got: Vec<(u64, &str)> = out
        .quarantine()
        .iter()
        .map(|q| (q.line, q.column.as_str()))
        .collect();
    assert_eq!(got, vec![(2, "name"), (3, "notes"), (4, "name")]);
    let reasons: Vec<&str> = out.quarantine().iter().map(|q| q.reason.as_str()).collect();
    assert!(reasons[0].starts_with("wrong_type") && reasons[0].contains("an array"));
    assert!(reasons[1].contains("an object"));
    assert!(reasons[2].contains("a boolean"));
    // A boolean stands where the mapping maps it; a number reads as text.
    assert_eq!(out.value("hr:person:1", "active").unwrap().0, "yes");
    // Numbers land as written, not rounded through a float.
    assert_eq!(out.value("hr:person:1", "notes").unwrap().0, "12.50");
    assert_eq!(
        out.value("hr:person:1", "ref_no").unwrap().0,
        "123456789012345678901234"
    );
    assert_eq!(out.value("hr:person:5", "active").unwrap().0, "yes");
}

#[test]
fn the_original_is_kept_whenever_the_stored_value_differs_from_the_source() {
    // issue 15, finding 8
    let dir = tempfile::tempdir().unwrap();
    let file = "id,name,email,notes,ref\n1,Ann,ann@example.com, spaced note ,ab 12\n2,Bob,bob@example.com,plain,X9\n";
    let m = mapping(
        "format = \"csv\"\npath = \"p.csv\"",
        "keys = [\"id\"]",
        "name = { column = \"name\" }\nnotes = { column = \"notes\" }\n\
         ref_no = { column = \"ref\", upper = true }",
    );
    let out = ingest_file(dir.path(), "p.csv", file.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(
        out.value("hr:person:1", "notes"),
        Some(("spaced note".into(), Some(" spaced note ".into())))
    );
    assert_eq!(
        out.value("hr:person:1", "ref_no"),
        Some(("AB12".into(), Some("ab 12".into())))
    );
    // Unchanged values keep no copy.
    assert_eq!(
        out.value("hr:person:2", "notes"),
        Some(("plain".into(), None))
    );
    assert_eq!(
        out.value("hr:person:2", "ref_no"),
        Some(("X9".into(), None))
    );
}

#[test]
fn refusals_say_what_is_wrong_and_name_the_file() {
    // issue 15, finding 11
    let dir = tempfile::tempdir().unwrap();
    for bytes in [&b""[..], b"\xef\xbb\xbf", b"\n\r\n"] {
        let e = ingest_file(
            dir.path(),
            "empty.csv",
            bytes,
            &csv_mapping("empty.csv", ""),
        )
        .refusal();
        assert_eq!(e.code(), "empty_file");
        assert!(
            e.to_string().contains("empty file") && e.to_string().contains("empty.csv"),
            "{e}"
        );
    }

    let packed = gzip(b"id,name,email\n1,Ann,\n");
    let e = ingest_file(dir.path(), "p.csv", &packed, &csv_mapping("p.csv", "")).refusal();
    let msg = e.to_string();
    assert!(msg.contains("gzip") && msg.contains("p.csv"), "{msg}");

    let pq = mapping(
        "format = \"parquet\"\npath = \"p.parquet\"",
        "keys = [\"id\"]",
        "name = { column = \"name\" }",
    );
    let e = ingest_file(
        dir.path(),
        "p.parquet",
        b"PAR1\x15\x04\x15\x10\x15\x14L\x15\x02",
        &pq,
    )
    .refusal();
    let msg = e.to_string();
    assert!(
        msg.contains("truncated Parquet (no footer)") && msg.contains("p.parquet"),
        "{msg}"
    );
    let e = ingest_file(dir.path(), "p.parquet", b"", &pq).refusal();
    assert!(e.to_string().contains("empty file"), "{e}");
}

#[test]
fn a_mapping_declares_quote_header_and_a_key_from_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let file = "1|'Ann | Smith'|ann@example.com\n2|Bob|bob@example.com\n";
    let m = mapping(
        "format = \"csv\"\npath = \"p.csv\"\ndelimiter = \"|\"\nquote = \"'\"\nheader = false",
        "row_key = true",
        "name = { column = \"2\" }\nemail = { column = \"3\" }\nref_no = { column = \"1\" }",
    );
    let out = ingest_file(dir.path(), "p.csv", file.as_bytes(), &m);
    out.result.as_ref().unwrap();
    // Without a header the first line is a record, and its line is its key.
    assert_eq!(out.value("hr:person:1", "name").unwrap().0, "Ann | Smith");
    assert_eq!(out.value("hr:person:2", "ref_no").unwrap().0, "2");

    let m = m.replace("row_key = true", "row_key = \"2024-05\"");
    let out = ingest_file(dir.path(), "p.csv", file.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(out.value("hr:person:2024-05:2", "name").unwrap().0, "Bob");
}

#[test]
fn declaration_errors_name_the_mapping_file_and_line() {
    let base = csv_mapping("p.csv", "quote = \"''\"");
    let (line, msg) = compile_error(&base);
    assert_eq!(line, line_of(&base, "quote ="));
    assert!(msg.contains("quote `''` must be one byte"), "{msg}");

    let text = csv_mapping("p.csv", "encoding = \"klingon\"");
    let (line, msg) = compile_error(&text);
    assert_eq!(line, line_of(&text, "encoding ="));
    assert!(msg.contains("unknown encoding `klingon`"), "{msg}");

    let text = csv_mapping("p.csv", "compression = \"rar\"");
    let (line, msg) = compile_error(&text);
    assert_eq!(line, line_of(&text, "compression ="));
    assert!(msg.contains("unknown compression `rar`"), "{msg}");

    let text =
        csv_mapping("p.csv", "").replace("keys = [\"id\"]", "keys = [\"id\"]\nrow_key = true");
    let (line, msg) = compile_error(&text);
    assert_eq!(line, line_of(&text, "row_key ="));
    assert!(msg.contains("exclude each other"), "{msg}");
}
