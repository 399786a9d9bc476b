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
        (
            "case",
            b"id,name,email,Name\n1,Ann,,Bob\n",
            "columns 2 and 4",
        ),
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
        assert!(
            msg.contains("`name`") && msg.contains(place),
            "{case}: {msg}"
        );
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
fn quoted_line_breaks_and_a_last_line_without_its_break_keep_physical_lines() {
    // issue 15, class 2
    let dir = tempfile::tempdir().unwrap();
    let m = mapping(
        "format = \"csv\"\npath = \"p.csv\"",
        "keys = [\"id\"]",
        "name = { column = \"name\" }\nnotes = { column = \"notes\" }\nemail = { column = \"email\" }",
    );
    // CRLF, a quoted CRLF inside a field, no break after the last line.
    let crlf = "id,name,notes,email\r\n1,Ann,\"two\r\nlines\",ann@example.com\r\n2,Bob,,bad\r\n3,Cat,\"x\r\n\r\ny\",also bad";
    let out = ingest_file(dir.path(), "p.csv", crlf.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2]);
    assert_eq!(
        out.quarantined_at(),
        vec![(4, "email".to_string()), (5, "email".to_string())]
    );
    assert_eq!(out.value("hr:person:1", "notes").unwrap().0, "two\r\nlines");

    // A lone CR inside a quoted field of an LF file is a line break of its
    // own, as it is to the reader when unquoted: every record keeps a line.
    let lf = "id,name,notes,email\n1,Ann,\"a\rb\",bad\n2,Bob,,bad\n";
    let out = ingest_file(dir.path(), "p.csv", lf.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(
        out.quarantined_at(),
        vec![(2, "email".to_string()), (4, "email".to_string())]
    );

    // CR only, with a quoted CR and no break at the end.
    let cr = "id,name,notes,email\r1,Ann,\"a\rb\",bad\r2,Bob,,bad";
    let out = ingest_file(dir.path(), "p.csv", cr.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(
        out.quarantined_at(),
        vec![(2, "email".to_string()), (4, "email".to_string())]
    );
}

#[test]
fn utf16_either_way_round_with_or_without_a_byte_order_mark() {
    // issue 15, class 3
    let dir = tempfile::tempdir().unwrap();
    let text = "id,name,email\r\n1,Zoë Ó Sé,\r\n";
    for (bom, little, label) in [
        (true, true, "utf-16le"),
        (true, false, "utf-16le"), // the byte-order mark decides
        (true, false, "utf-16be"),
        (false, true, "utf-16le"),
        (false, false, "utf-16be"),
    ] {
        let out = ingest_file(
            dir.path(),
            "p.csv",
            &utf16(text, bom, little),
            &csv_mapping("p.csv", &format!("encoding = \"{label}\"")),
        );
        out.result.as_ref().unwrap();
        assert_eq!(
            out.value("hr:person:1", "name").unwrap().0,
            "Zoë Ó Sé",
            "bom {bom}, little-endian {little}, declared {label}"
        );
    }
    // Big-endian without a mark where little-endian (or plain `utf-16`,
    // which means little-endian) is declared: refused, saying which it is.
    for label in ["utf-16", "utf-16le"] {
        let e = ingest_file(
            dir.path(),
            "p.csv",
            &utf16(text, false, false),
            &csv_mapping("p.csv", &format!("encoding = \"{label}\"")),
        )
        .refusal();
        assert_eq!(e.code(), "wrong_encoding", "{label}: {e}");
        assert!(e.to_string().contains("utf-16be"), "{label}: {e}");
    }
    // Undeclared and without a mark: not text, with what to declare.
    let e = ingest_file(
        dir.path(),
        "p.csv",
        &utf16(text, false, true),
        &csv_mapping("p.csv", ""),
    )
    .refusal();
    assert_eq!(e.code(), "not_text", "{e}");
    assert!(e.to_string().contains("encoding"), "{e}");
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
fn archives_concatenated_nested_misnamed_or_cut_short() {
    // issue 15, class 4
    let dir = tempfile::tempdir().unwrap();
    // Two gzip members one after the other (`cat a.gz b.gz`) are one file.
    let mut two = gzip(b"id,name,email\n1,Ann,\n");
    two.extend(gzip(b"2,Bob,\n"));
    let out = ingest_file(dir.path(), "p.csv.gz", &two, &csv_mapping("p.csv.gz", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 3]);

    // A gzip holding a zstd file: the inner archive is named, not read as text.
    let nested = gzip(&zstd(&many_rows()));
    let e = ingest_file(
        dir.path(),
        "p.csv.gz",
        &nested,
        &csv_mapping("p.csv.gz", ""),
    )
    .refusal();
    assert_eq!(e.code(), "undeclared_format", "{e}");
    assert!(e.to_string().contains("zstd"), "{e}");

    // A `.gz` that is plain text.
    let e = ingest_file(
        dir.path(),
        "p.csv.gz",
        b"id,name,email\n1,Ann,\n",
        &csv_mapping("p.csv.gz", ""),
    )
    .refusal();
    assert_eq!(e.code(), "not_compressed", "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("not gzip") && msg.contains("p.csv.gz"),
        "{msg}"
    );

    // A zstd cut inside its frame header, and one cut to its magic number.
    let packed = zstd(&many_rows());
    for cut in [6, 4] {
        let e = ingest_file(
            dir.path(),
            "p.csv.zst",
            packed.get(..cut).unwrap(),
            &csv_mapping("p.csv.zst", ""),
        )
        .refusal();
        assert_eq!(e.code(), "truncated_archive", "cut at {cut}: {e}");
    }
    // An empty `.gz`: nothing to read.
    let e = ingest_file(dir.path(), "p.csv.gz", b"", &csv_mapping("p.csv.gz", "")).refusal();
    assert_eq!(e.code(), "empty_file", "{e}");
}

#[test]
fn empty_header_only_and_blank_files() {
    // issue 15, class 11
    let dir = tempfile::tempdir().unwrap();
    for bytes in [
        &b"\n\n\n"[..],
        b"\r\n\r\n",
        b"   \n\t\n",
        b"\xef\xbb\xbf\r\n",
    ] {
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

#[test]
fn one_nul_or_binary_after_64_kib_of_text_refuses_the_file() {
    // issue 15, class 5
    let dir = tempfile::tempdir().unwrap();
    let mut one_nul = b"id,name,email\n1,Ann,\n2,B".to_vec();
    one_nul.push(0);
    one_nul.extend_from_slice(b"ob,\n3,Cat,\n");
    let e = ingest_file(dir.path(), "p.csv", &one_nul, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "not_text", "{e}");
    assert!(e.to_string().contains("line 3"), "{e}");

    // 64 KiB of good rows, then a short binary tail without a NUL.
    let mut tail = b"id,name,email\n".to_vec();
    let mut i = 0;
    while tail.len() < 64 * 1024 {
        tail.extend_from_slice(format!("{i},Person {i},\n").as_bytes());
        i += 1;
    }
    tail.extend((0..200u32).map(|i| [0x01u8, 0x8f, 0xfe, 0x1b, 0x07][i as usize % 5]));
    let e = ingest_file(dir.path(), "p.csv", &tail, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "not_text", "{e}");
}

#[test]
fn json_lines_that_are_not_one_object_a_line() {
    // issue 15, class 6
    let dir = tempfile::tempdir().unwrap();
    let m = jsonl_mapping("name = { column = \"name\" }\nnotes = { column = \"a.b\" }");
    // A number where text is expected is text as written; a nested null is
    // absent; a member named twice is ambiguous, as a header is.
    let lines = "\u{feff}{\"id\": 1, \"name\": 7, \"a\": {\"b\": null}}\n\
                 {\"id\": 2, \"name\": \"Ann\", \"name\": \"Bob\"}\n\
                 {\"id\": 3, \"name\": \"Cat\", \"a\": {\"b\": \"x\", \"b\": \"y\"}}\n\
                 {\"id\": 4, \"name\": \"Dan\", \"other\": 1, \"other\": 2}\n";
    let out = ingest_file(dir.path(), "p.jsonl", lines.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(out.value("hr:person:1", "name").unwrap().0, "7");
    assert!(out.value("hr:person:1", "notes").is_none());
    assert_eq!(
        out.quarantined_at(),
        vec![(2, "name".to_string()), (3, "a.b".to_string())]
    );
    assert!(
        out.quarantine()[0].reason.contains("twice"),
        "{}",
        out.quarantine()[0].reason
    );
    // A member the mapping does not read may repeat.
    assert_eq!(out.value("hr:person:4", "name").unwrap().0, "Dan");

    // A JSON array, on one line or pretty-printed, is not JSON Lines.
    for doc in [
        "[{\"id\": 1, \"name\": \"Ann\"}, {\"id\": 2, \"name\": \"Bob\"}]\n",
        "[\n  {\n    \"id\": 1,\n    \"name\": \"Ann\"\n  }\n]\n",
        "{\n  \"id\": 1,\n  \"name\": \"Ann\"\n}\n",
    ] {
        let e = ingest_file(dir.path(), "p.jsonl", doc.as_bytes(), &m).refusal();
        assert_eq!(e.code(), "not_json_lines", "{doc}: {e}");
        assert!(e.to_string().contains("p.jsonl"), "{e}");
    }
}

#[test]
fn rows_wider_or_narrower_than_the_header_and_stray_quotes() {
    // issue 15, class 2: the row is quarantined at its line, the others land.
    let dir = tempfile::tempdir().unwrap();
    let file =
        "id,name,email\n1,Ann,\n2,Bob,,extra\n3,Cat\n4,O\"Brien,\n5,\"Eve\" Smith,\n6,Fay,\n";
    let out = ingest_file(
        dir.path(),
        "p.csv",
        file.as_bytes(),
        &csv_mapping("p.csv", ""),
    );
    out.result.as_ref().unwrap();
    let lines: Vec<u64> = out.quarantine().iter().map(|q| q.line).collect();
    assert_eq!(lines, vec![3, 4]);
    // A quote inside an unquoted field is part of the text.
    assert_eq!(out.value("hr:person:4", "name").unwrap().0, "O\"Brien");
    assert_eq!(out.value("hr:person:6", "name").unwrap().0, "Fay");
}

#[test]
fn a_field_of_10_mb_is_quarantined_at_its_line_and_the_rows_after_land() {
    let dir = tempfile::tempdir().unwrap();
    let mut file = b"id,name,email\n1,Ann,\n2,\"".to_vec();
    file.extend(std::iter::repeat_n(b'x', 10 << 20));
    file.extend_from_slice(b"\",\n3,Cat,\n");
    let out = ingest_file(dir.path(), "p.csv", &file, &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 4]);
    let q = out.quarantine();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].line, 3);
    assert!(q[0].reason.contains("row_bytes_max"), "{}", q[0].reason);
}

#[test]
fn dates_that_are_no_day_or_not_in_the_declared_form() {
    // issue 15, class 9
    let dir = tempfile::tempdir().unwrap();
    let m = mapping(
        "format = \"csv\"\npath = \"p.csv\"\ndate_formats = [\"%d/%m/%Y\", \"iso\"]",
        "keys = [\"id\"]",
        "birth_date = { column = \"dob\" }",
    );
    let file = "id,dob\n1,31/02/2024\n2,2024-13-01\n3,03/07/84\n4,45321\n5,29/02/2024\n6,2023-02-29\n7,3/7/1984\n";
    let out = ingest_file(dir.path(), "p.csv", file.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![6]);
    let lines: Vec<u64> = out.quarantine().iter().map(|q| q.line).collect();
    assert_eq!(lines, vec![2, 3, 4, 5, 7, 8]);
    assert_eq!(
        out.value("hr:person:5", "birth_date").unwrap().0,
        "2024-02-29"
    );
}

#[test]
fn phone_numbers_with_a_bracketed_zero_an_extension_or_abroad() {
    // issue 15, class 9
    let dir = tempfile::tempdir().unwrap();
    let m = mapping(
        "format = \"csv\"\npath = \"p.csv\"",
        "keys = [\"id\"]",
        "phone = { column = \"tel\" }",
    );
    let file = "id,tel\n\
                1,+44 (0)20 7946 0958\n\
                2,020 7946 0958 ext. 123\n\
                3,+1 (415) 555-2671\n\
                4,+353 (0)1 234 5678\n\
                5,0033 1 42 68 53 00\n\
                6,020 7946 095\n\
                7,+44 (0) 7700 900123\n";
    let out = ingest_file(dir.path(), "p.csv", file.as_bytes(), &m);
    out.result.as_ref().unwrap();
    let phone = |id: &str| out.value(&format!("hr:person:{id}"), "phone").map(|v| v.0);
    assert_eq!(phone("1").as_deref(), Some("+442079460958"));
    assert_eq!(phone("3").as_deref(), Some("+14155552671"));
    // The bracketed trunk zero is not dialled from abroad, in any country.
    assert_eq!(phone("4").as_deref(), Some("+35312345678"));
    assert_eq!(phone("5").as_deref(), Some("+33142685300"));
    assert_eq!(phone("7").as_deref(), Some("+447700900123"));
    // An extension is no part of an E.164 number, and a number one digit
    // short is no number: both quarantined, the row's text kept.
    let lines: Vec<u64> = out.quarantine().iter().map(|q| q.line).collect();
    assert_eq!(lines, vec![3, 7]);
}

#[test]
fn a_utf8_file_declared_windows_1252_is_refused_rather_than_garbled() {
    // issue 15, class 3: read as windows-1252, `ë` in UTF-8 would land as `Ã«`.
    let dir = tempfile::tempdir().unwrap();
    let file = "id,name,email\n1,Zoë Ó Sé,\n2,Ann,\n";
    for label in ["windows-1252", "latin1"] {
        let e = ingest_file(
            dir.path(),
            "p.csv",
            file.as_bytes(),
            &csv_mapping("p.csv", &format!("encoding = \"{label}\"")),
        )
        .refusal();
        assert_eq!(e.code(), "wrong_encoding", "{label}: {e}");
        assert!(e.to_string().contains("UTF-8"), "{e}");
    }
}

#[test]
fn excel_separator_lines_trailing_delimiters_and_the_wrong_delimiter() {
    // issue 15, class 2: spreadsheet exports as they come.
    let dir = tempfile::tempdir().unwrap();
    // `sep=;` names the delimiter for Excel; records keep physical lines.
    let out = ingest_file(
        dir.path(),
        "p.csv",
        b"sep=;\r\nid;name;email\r\n1;Ann;\r\n2;Bob;bad\r\n",
        &csv_mapping("p.csv", "delimiter = \";\""),
    );
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![3]);
    assert_eq!(out.quarantined_at(), vec![(4, "email".to_string())]);
    let e = ingest_file(
        dir.path(),
        "p.csv",
        b"sep=;\nid;name;email\n1;Ann;\n",
        &csv_mapping("p.csv", ""),
    )
    .refusal();
    assert_eq!(e.code(), "wrong_delimiter", "{e}");

    // Every line ends with a delimiter, or only the header's does.
    for file in [
        &b"id,name,email\n1,Ann,,\n2,Bob,,\n"[..],
        b"id,name,email,\n1,Ann,\n2,Bob,\n",
        b"id,name,email,\n1,Ann,,\n",
    ] {
        let out = ingest_file(dir.path(), "p.csv", file, &csv_mapping("p.csv", ""));
        out.result.as_ref().unwrap();
        assert!(out.quarantine().is_empty(), "{:?}", out.quarantine());
        assert_eq!(out.value("hr:person:1", "name").unwrap().0, "Ann");
    }
    // A filled extra column is still a wrong count.
    let out = ingest_file(
        dir.path(),
        "p.csv",
        b"id,name,email\n1,Ann,,x\n",
        &csv_mapping("p.csv", ""),
    );
    assert_eq!(out.quarantine().len(), 1);

    // A `;`-separated file read as `,`-separated: refused, saying so.
    let e = ingest_file(
        dir.path(),
        "p.csv",
        b"id;name;email\n1;Ann;\n",
        &csv_mapping("p.csv", ""),
    )
    .refusal();
    assert_eq!(e.code(), "missing_columns", "{e}");
    assert!(e.to_string().contains("delimiter = \";\""), "{e}");
}

#[test]
fn a_quote_never_closed_refuses_the_file_and_a_dos_end_mark_is_no_record() {
    // issue 15, class 2: read as it stands, the open quote would take the
    // rows after it into one value, and they would never land.
    let dir = tempfile::tempdir().unwrap();
    let file = b"id,name,email\n1,Ann,\n2,\"Bob,\n3,Cat,\n4,Dan,\n";
    let e = ingest_file(dir.path(), "p.csv", file, &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "unclosed_quote", "{e}");
    assert!(e.to_string().contains("line 3"), "{e}");
    // Quotes that close, however odd, are no such thing.
    let file = b"id,name,email\n1,\"Ann \"\"A\"\" Smith\",\n2,O\"Brien,\n3,\"x\" y,\n";
    let out = ingest_file(dir.path(), "p.csv", file, &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 3, 4]);

    let file = b"id,name,email\r\n1,Ann,\r\n2,Bob,\r\n\x1a";
    let out = ingest_file(dir.path(), "p.csv", file, &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 3]);
    assert!(out.quarantine().is_empty(), "{:?}", out.quarantine());
}

/// `id` (text), `name` (bytes without a UTF-8 annotation) and `addr` (a
/// group holding `line`): rows 1 to 3 as `rows` says, `None` for null.
fn write_parquet(path: &std::path::Path, names: [&[u8]; 3], lines: [Option<&str>; 3]) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    let schema = "message m { REQUIRED BYTE_ARRAY id (UTF8); OPTIONAL BYTE_ARRAY name; \
                  OPTIONAL group addr { OPTIONAL BYTE_ARRAY line (UTF8); } }";
    let schema = std::sync::Arc::new(parse_message_type(schema).unwrap());
    let file = std::fs::File::create(path).unwrap();
    let props = std::sync::Arc::new(WriterProperties::builder().build());
    let mut w = SerializedFileWriter::new(file, schema, props).unwrap();
    let mut rg = w.next_row_group().unwrap();
    let columns: [(Vec<ByteArray>, Option<Vec<i16>>); 3] = [
        (["1", "2", "3"].map(ByteArray::from).to_vec(), None),
        (
            names.map(|n| ByteArray::from(n.to_vec())).to_vec(),
            Some(vec![1, 1, 1]),
        ),
        (
            lines
                .iter()
                .flatten()
                .map(|l| ByteArray::from(*l))
                .collect(),
            Some(
                lines
                    .iter()
                    .map(|l| if l.is_some() { 2 } else { 0 })
                    .collect(),
            ),
        ),
    ];
    for (data, defs) in columns {
        let mut c = rg.next_column().unwrap().unwrap();
        c.typed::<ByteArrayType>()
            .write_batch(&data, defs.as_deref(), None)
            .unwrap();
        c.close().unwrap();
    }
    rg.close().unwrap();
    w.close().unwrap();
}

#[test]
fn parquet_groups_and_bytes_that_are_not_text_are_quarantined() {
    // issue 15, class 6, in Parquet: a group's printed form, or bytes read
    // with replacement characters, would land as if they were the value.
    let dir = tempfile::tempdir().unwrap();
    write_parquet(
        &dir.path().join("p.parquet"),
        [b"Ann", b"B\xffb", b"Cat"],
        [None, None, Some("1 High St")],
    );
    let m = mapping(
        "format = \"parquet\"\npath = \"p.parquet\"",
        "keys = [\"id\"]",
        "name = { column = \"name\" }\nnotes = { column = \"addr\" }",
    );
    std::fs::write(dir.path().join("m.toml"), &m).unwrap();
    let ontology = clearstone_model::Ontology::from_toml(support::ONTOLOGY, "test.toml").unwrap();
    let mapping = clearstone_ingest::Mapping::load(&dir.path().join("m.toml"), &ontology).unwrap();
    let mut batches = Vec::new();
    clearstone_ingest::run(&mapping, clearstone_model::Timestamp(1), &mut |b| {
        batches.push(b);
        Ok(())
    })
    .unwrap();
    let out = support::Outcome {
        result: Ok(()),
        batches,
    };
    assert_eq!(out.passed(), vec![1]);
    assert_eq!(
        out.quarantined_at(),
        vec![(2, "name".to_string()), (3, "addr".to_string())]
    );
    let q = out.quarantine();
    assert!(q[1].reason.starts_with("wrong_type"), "{}", q[1].reason);
    // Replay under the same mapping keeps both where they are.
    for q in q {
        let again = clearstone_ingest::remap(
            &mapping,
            &q.raw,
            None,
            q.line,
            clearstone_model::Timestamp(2),
        );
        assert!(again.is_err(), "line {}: {again:?}", q.line);
    }

    // A mapped column the file lacks refuses it as a CSV header would.
    let m = m.replace("column = \"addr\"", "column = \"address\"");
    let e = ingest_file(dir.path(), "unused.csv", b"", &m).refusal();
    assert_eq!(e.code(), "missing_columns", "{e}");
}
