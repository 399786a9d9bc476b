//! A second hostile set for issue 15: exports as HR, complaints, police
//! records and council case systems (and spreadsheets saved by hand) really
//! write them, each made here, each with what a careful reader must do:
//! land it exactly, quarantine the record naming its line and column, or
//! refuse the file whole.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{csv_mapping, gzip, ingest_file, mapping, zstd};

fn csv_with(extra_source: &str, props: &str) -> String {
    mapping(
        &format!("format = \"csv\"\npath = \"p.csv\"\n{extra_source}"),
        "keys = [\"id\"]",
        props,
    )
}

fn jsonl_mapping(props: &str) -> String {
    mapping(
        "format = \"jsonl\"\npath = \"p.jsonl\"",
        "keys = [\"id\"]",
        props,
    )
}

#[test]
fn ids_a_spreadsheet_wrote_in_scientific_notation_are_quarantined_not_merged() {
    // Excel shows a 12-digit number as `1.23457E+11` and saves it so: the
    // digits are gone, and two people's ids become one.
    let dir = tempfile::tempdir().unwrap();
    let m = csv_with("", "ref_no = { column = \"ref\" }");
    let f = "id,ref\n1.23457E+11,A\n1.23457E+11,B\n3,4.5E+08\n4,00123\n5,1E5X\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(
        out.quarantined_at(),
        vec![
            (2, "id".to_string()),
            (3, "id".to_string()),
            (4, "ref".to_string())
        ]
    );
    let reason = &out.quarantine()[0].reason;
    assert!(reason.contains("scientific notation"), "{reason}");
    assert!(reason.contains("`1.23457E+11`"), "{reason}");
    // Leading zeros and an id that merely holds an E land as written.
    assert_eq!(out.value("hr:person:4", "ref_no").unwrap().0, "00123");
    assert_eq!(out.value("hr:person:5", "ref_no").unwrap().0, "1E5X");
}

#[test]
fn spreadsheet_day_numbers_read_as_dates_only_when_declared() {
    let dir = tempfile::tempdir().unwrap();
    let f = "id,dob\n1,44197\n2,01/02/1980\n3,60\n4,1\n";
    // Undeclared, a day number is no date, and the reason says what it may be.
    let m = csv_with(
        "",
        "birth_date = { column = \"dob\", date_formats = [\"%d/%m/%Y\"] }",
    );
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![3]);
    let reason = &out.quarantine()[0].reason;
    assert!(reason.contains("excel"), "{reason}");
    // Declared: 44197 is 1 January 2021; 60 is the 29 February 1900 that
    // Excel counts and no calendar has; 1 is 1 January 1900.
    let m = csv_with(
        "",
        "birth_date = { column = \"dob\", date_formats = [\"%d/%m/%Y\", \"excel\"] }",
    );
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(
        out.value("hr:person:1", "birth_date").unwrap(),
        ("2021-01-01".to_string(), Some("44197".to_string()))
    );
    assert_eq!(
        out.value("hr:person:4", "birth_date").unwrap().0,
        "1900-01-01"
    );
    assert_eq!(out.quarantined_at(), vec![(4, "dob".to_string())]);
}

#[test]
fn amounts_as_finance_systems_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let m = csv_with("", "amount = { column = \"amount\" }");
    let f = "id,amount\n\
             1,\"1,234.50\"\n\
             2,£1234\n\
             3,\"-£1,000\"\n\
             4,123.45-\n\
             5,(99.10)\n\
             6,\"1.234,56\"\n\
             7,\"12,34\"\n\
             8,NaN\n\
             9,1e400\n\
             10, 42 \n\
             11,£\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    let v = |id: &str| out.value(&format!("hr:person:{id}"), "amount").unwrap();
    assert_eq!(v("1"), ("1234.50".into(), Some("1,234.50".into())));
    assert_eq!(v("2"), ("1234".into(), Some("£1234".into())));
    assert_eq!(v("3"), ("-1000".into(), Some("-£1,000".into())));
    assert_eq!(v("4"), ("-123.45".into(), Some("123.45-".into())));
    assert_eq!(v("5"), ("-99.10".into(), Some("(99.10)".into())));
    assert_eq!(v("10"), ("42".into(), Some(" 42 ".into())));
    // A continental decimal comma, a comma that groups no thousands, and
    // what is no finite number are not guessed at.
    let lines: Vec<u64> = out.quarantined_at().iter().map(|q| q.0).collect();
    assert_eq!(lines, vec![7, 8, 9, 10, 12]);
}

#[test]
fn null_markers_and_spreadsheet_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = "id,name,email\n1,NULL,\\N\n2,#N/A,-\nNULL,Cy,\n3,Di,#REF!\n4,#VALUE!,\n";
    // Declared, they are absent; a key that is one is no key: rows keyed
    // NULL would otherwise all be one person.
    let m = csv_mapping("p.csv", "missing = [\"NULL\", \"\\\\N\", \"#N/A\", \"-\"]");
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert!(out.value("hr:person:1", "name").is_none());
    assert!(out.value("hr:person:2", "email").is_none());
    assert!(
        out.statements()
            .iter()
            .all(|s| &*s.entity_id != "hr:person:NULL")
    );
    let q = out.quarantine();
    assert_eq!(
        q.iter()
            .map(|q| (q.line, q.column.as_str()))
            .collect::<Vec<_>>(),
        vec![(4, "id"), (5, "email"), (6, "name")]
    );
    assert!(q[0].reason.contains("missing key"), "{}", q[0].reason);
    // A spreadsheet's error value is what the cell lost, never a value.
    assert!(q[1].reason.contains("spreadsheet error"), "{}", q[1].reason);
    assert!(q[2].reason.contains("`#VALUE!`"), "{}", q[2].reason);
}

#[test]
fn yes_no_codes_map_in_any_case_unless_the_map_tells_cases_apart() {
    let dir = tempfile::tempdir().unwrap();
    let m = csv_with(
        "",
        "active = { column = \"a\", map = { Y = \"yes\", N = \"no\", TRUE = \"yes\", FALSE = \"no\", \"1\" = \"yes\", \"0\" = \"no\" } }",
    );
    let f = "id,a\n1,y\n2,n\n3,True\n4,false\n5,1\n6,0\n7,maybe\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    let v = |id: &str| out.value(&format!("hr:person:{id}"), "active").unwrap().0;
    assert_eq!(
        ["1", "2", "3", "4", "5", "6"].map(v),
        ["yes", "no", "yes", "no", "yes", "no"]
    );
    assert_eq!(out.quarantined_at(), vec![(8, "a".to_string())]);
    // A map whose codes differ only by case reads them exactly.
    let m = csv_with(
        "",
        "active = { column = \"a\", map = { Y = \"yes\", y = \"no\" } }",
    );
    let out = ingest_file(dir.path(), "p.csv", b"id,a\n1,y\n2,Y\n", &m);
    out.result.as_ref().unwrap();
    assert_eq!(out.value("hr:person:1", "active").unwrap().0, "no");
    assert_eq!(out.value("hr:person:2", "active").unwrap().0, "yes");
}

#[test]
fn exports_joined_page_by_page_repeat_the_header_and_its_byte_order_mark() {
    let dir = tempfile::tempdir().unwrap();
    let page = |from: u32| {
        format!(
            "\u{feff}id,name,email\r\n{from},P{from},\r\n{},P{},\r\n",
            from + 1,
            from + 1
        )
    };
    let f = format!("{}{}{}", page(1), page(3), page(5));
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 3, 5, 6, 8, 9]);
    assert!(out.quarantine().is_empty(), "{:?}", out.quarantine());
    for id in 1..=6 {
        assert!(
            out.value(&format!("hr:person:{id}"), "name").is_some(),
            "{id}"
        );
    }
    assert!(
        out.statements()
            .iter()
            .all(|s| &*s.entity_id != "hr:person:id")
    );
}

#[test]
fn a_byte_order_mark_starting_a_data_line_is_no_part_of_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let f = "id,name,email\n1,Ann,\n\u{feff}2,Bob,\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.value("hr:person:2", "name").unwrap().0, "Bob");
}

#[test]
fn totals_blank_lines_and_lines_of_delimiters_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let f = "id,name,email\n1,Ann,\n,,\n\n2,Bob,\n\nTotal,2\n,,\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 5]);
    assert_eq!(out.quarantined_at(), vec![(7, String::new())]);
    assert!(
        out.quarantine()[0].reason.contains("column"),
        "{}",
        out.quarantine()[0].reason
    );
}

#[test]
fn invisible_characters_around_a_key_do_not_make_another_record() {
    let dir = tempfile::tempdir().unwrap();
    // A zero-width space, a no-break space, a word joiner and plain spaces,
    // pasted into the cells of a sheet: one person.
    let f = "id,name,email\n\u{200b}7,Ann,\n7\u{a0},Ann,\n\u{2060}7 ,Ann,\n 7,Ann,\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    let ids: std::collections::BTreeSet<&str> =
        out.statements().iter().map(|s| &*s.entity_id).collect();
    assert_eq!(ids.into_iter().collect::<Vec<_>>(), vec!["hr:person:7"]);
    // A value that was only invisible characters is empty.
    let out = ingest_file(
        dir.path(),
        "p.csv",
        "id,name,email\n8,\u{200b},\n".as_bytes(),
        &csv_mapping("p.csv", ""),
    );
    out.result.as_ref().unwrap();
    assert!(out.value("hr:person:8", "name").is_none());
    // Case is kept: `A7` and `a7` are two records.
    let out = ingest_file(
        dir.path(),
        "p.csv",
        b"id,name,email\nA7,Ann,\na7,Bob,\n",
        &csv_mapping("p.csv", ""),
    );
    assert_eq!(out.value("hr:person:a7", "name").unwrap().0, "Bob");
}

#[test]
fn mixed_line_endings_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let f = "id,name,email\r\n1,Ann,\n2,Bob,\r3,Cy,bad\r\n4,Di,\n\r5,Ed,bad";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 3, 5]);
    assert_eq!(
        out.quarantined_at(),
        vec![(4, "email".to_string()), (7, "email".to_string())]
    );
}

#[test]
fn ten_thousand_columns_and_a_column_that_is_all_empty() {
    let dir = tempfile::tempdir().unwrap();
    let mut header: Vec<String> = (0..10_000).map(|i| format!("c{i}")).collect();
    header[0] = "id".into();
    header[5_000] = "name".into();
    header[9_999] = "email".into();
    let mut f = header.join(",") + "\n";
    for r in 1..=3 {
        let mut row = vec![String::new(); 10_000];
        row[0] = r.to_string();
        row[5_000] = format!("P{r}");
        f += &(row.join(",") + "\n");
    }
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    assert_eq!(out.passed(), vec![2, 3, 4]);
    assert_eq!(out.statements().len(), 3);
    assert_eq!(out.value("hr:person:3", "name").unwrap().0, "P3");
}

#[test]
fn a_key_twice_in_one_file_keeps_both_values_each_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = "id,name,email\n1,Ann Smith,\n1,Anne Smith,\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", ""));
    out.result.as_ref().unwrap();
    let names: Vec<(&str, &str)> = out
        .statements()
        .iter()
        .map(|s| (s.value.as_str(), &*s.origin.record))
        .collect();
    assert_eq!(names, vec![("Ann Smith", "2"), ("Anne Smith", "3")]);
}

#[test]
fn json_lines_as_hand_edited_and_concatenated() {
    let dir = tempfile::tempdir().unwrap();
    let m = jsonl_mapping("name = { column = \"name\" }\namount = { column = \"amount\" }");
    let deep = format!(
        "{{\"id\":\"9\",\"x\":{}{}}}",
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let f = format!(
        "{{\"id\":\"1\",\"name\":\"Ann\",}}\n\
         {{\"id\":\"2\",\"name\":\"Bob\",\"amount\":NaN}}\n\
         {{\"id\":123456789012345678901234567890,\"name\":\"Cy\",\"amount\":1e400}}\n\
         \u{feff}{{\"id\":\"4\",\"name\":\"Di\"}}\n\
         {deep}\n\
         {{\"id\":\"5\",\"name\":\"E\\u0000d\"}}\n\
         [\"6\",\"Fay\"]\n\
         null\n\
         {{\"id\":\"7\",\"name\":\"Gus\",\"amount\":12345678901234567890.5}}\n"
    );
    let out = ingest_file(dir.path(), "p.jsonl", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    // Nesting in a member the mapping does not read costs nothing: the
    // record lands (a member it reads would be `wrong_type`).
    assert_eq!(out.passed(), vec![4, 5, 9]);
    assert_eq!(out.value("hr:person:4", "name").unwrap().0, "Di");
    assert_eq!(
        out.value("hr:person:7", "amount").unwrap().0,
        "12345678901234567890.5"
    );
    let q = out.quarantine();
    let lines: Vec<u64> = q.iter().map(|q| q.line).collect();
    assert_eq!(lines, vec![1, 2, 3, 6, 7, 8]);
    let why = |line: u64| q.iter().find(|q| q.line == line).unwrap().reason.clone();
    assert!(why(3).contains("not a number"), "{}", why(3));
    assert!(why(6).contains("control character"), "{}", why(6));
    assert!(why(7).contains("object"), "{}", why(7));
}

#[test]
fn an_archive_that_expands_without_bound_is_refused_before_any_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut block = b"id,name,email\n".to_vec();
    let line = b"1,Ann,ann@example.com\n";
    while block.len() < 4 << 20 {
        block.extend_from_slice(line);
    }
    // 4 MiB of one line compresses some 400-fold; 64 copies end to end
    // (members and frames so written read as one file) are 256 MiB from
    // 650 KiB.
    for (name, bytes) in [
        ("p.csv.gz", gzip(&block).repeat(64)),
        ("p.csv.zst", zstd(&block).repeat(64)),
    ] {
        let out = ingest_file(dir.path(), name, &bytes, &csv_mapping(name, ""));
        let e = out.refusal();
        assert_eq!(e.code(), "archive_too_large", "{name}: {e}");
        let msg = e.to_string();
        assert!(msg.contains(name) && msg.contains("expands"), "{msg}");
    }
    // A real export's ratio reads as usual.
    let mut text = b"id,name,email\n".to_vec();
    for i in 0..20_000 {
        text.extend_from_slice(format!("{i},Person {i},p{i}@example.com\n").as_bytes());
    }
    let out = ingest_file(
        dir.path(),
        "ok.csv.gz",
        &gzip(&text),
        &csv_mapping("ok.csv.gz", ""),
    );
    out.result.as_ref().unwrap();
    assert_eq!(out.passed().len(), 20_000);
}

#[test]
fn a_report_title_above_the_header_is_refused_saying_where_the_header_is() {
    let dir = tempfile::tempdir().unwrap();
    let f = "Staff list, generated 01/12/2024 09:00\n\nid,name,email\n1,Ann,\n";
    let e = ingest_file(dir.path(), "p.csv", f.as_bytes(), &csv_mapping("p.csv", "")).refusal();
    assert_eq!(e.code(), "missing_columns", "{e}");
    let msg = e.to_string();
    assert!(msg.contains("p.csv") && msg.contains("line 3"), "{msg}");
}

#[test]
fn database_date_times_with_fractions_of_a_second() {
    let dir = tempfile::tempdir().unwrap();
    let m = csv_with(
        "",
        "birth_date = { column = \"dob\", date_formats = [\"%Y-%m-%d %H:%M:%S.%f\", \"%Y-%m-%d\"] }",
    );
    let f = "id,dob\n1,1980-05-01 00:00:00.000\n2,1980-05-02\n3,1980-05-03 10:11:12.5\n4,1980-05-04 10:11:12.\n";
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert_eq!(
        out.value("hr:person:1", "birth_date").unwrap().0,
        "1980-05-01T00:00:00"
    );
    assert_eq!(
        out.value("hr:person:3", "birth_date").unwrap(),
        (
            "1980-05-03T10:11:12".to_string(),
            Some("1980-05-03 10:11:12.5".to_string())
        )
    );
    assert_eq!(out.quarantined_at(), vec![(5, "dob".to_string())]);
}

fn write_typed_parquet(path: &std::path::Path) {
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type, Int96, Int96Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = Arc::new(
        parse_message_type(
            "message m {
                REQUIRED BYTE_ARRAY id (UTF8);
                REQUIRED INT64 amount (DECIMAL(12,2));
                REQUIRED INT64 ms_utc (TIMESTAMP(MILLIS,true));
                REQUIRED INT64 us_local (TIMESTAMP(MICROS,false));
                REQUIRED INT64 ns_utc (TIMESTAMP(NANOS,true));
                REQUIRED INT64 ns_local (TIMESTAMP(NANOS,false));
                REQUIRED INT96 legacy;
            }",
        )
        .unwrap(),
    );
    let props = Arc::new(WriterProperties::builder().build());
    let mut w =
        SerializedFileWriter::new(std::fs::File::create(path).unwrap(), schema, props).unwrap();
    let mut rg = w.next_row_group().unwrap();
    // 2021-03-04T05:06:07.123456789Z in each unit.
    let secs: i64 = 1_614_834_367;
    let mut col = 0;
    while let Some(mut c) = rg.next_column().unwrap() {
        match col {
            0 => {
                // Dictionary encoded (the writer's default): one value twice.
                let ids = [ByteArray::from("1"), ByteArray::from("2")];
                c.typed::<ByteArrayType>()
                    .write_batch(&ids, None, None)
                    .unwrap();
            }
            6 => {
                let mut v = Int96::new();
                // Julian day 2459278 is 2021-03-04; nanoseconds of the day.
                let nanos: u64 = (5 * 3600 + 6 * 60 + 7) * 1_000_000_000 + 123_456_789;
                v.set_data(nanos as u32, (nanos >> 32) as u32, 2_459_278);
                c.typed::<Int96Type>()
                    .write_batch(&[v, v], None, None)
                    .unwrap();
            }
            _ => {
                let v = match col {
                    1 => -123_456,
                    2 => secs * 1_000 + 123,
                    3 => secs * 1_000_000 + 123_456,
                    _ => secs * 1_000_000_000 + 123_456_789,
                };
                c.typed::<Int64Type>()
                    .write_batch(&[v, v], None, None)
                    .unwrap();
            }
        }
        c.close().unwrap();
        col += 1;
    }
    rg.close().unwrap();
    w.close().unwrap();
}

#[test]
fn parquet_decimals_and_timestamps_in_every_unit_and_zone() {
    let dir = tempfile::tempdir().unwrap();
    write_typed_parquet(&dir.path().join("p.parquet"));
    let text_map = |col: &str| {
        mapping(
            "format = \"parquet\"\npath = \"p.parquet\"",
            "keys = [\"id\"]",
            &format!("notes = {{ column = \"{col}\" }}"),
        )
    };
    let expect = [
        ("ms_utc", "2021-03-04T05:06:07.123Z"),
        ("us_local", "2021-03-04T05:06:07.123456"),
        ("ns_utc", "2021-03-04T05:06:07.123456789Z"),
        ("ns_local", "2021-03-04T05:06:07.123456789"),
        // INT96, as Spark and Impala write it: UTC, read to the millisecond.
        ("legacy", "2021-03-04T05:06:07.123Z"),
    ];
    for (col, want) in expect {
        let out = ingest_file(dir.path(), "q.txt", b"", &text_map(col));
        out.result.as_ref().unwrap();
        assert_eq!(out.value("hr:person:2", "notes").unwrap().0, want, "{col}");
    }
    let amount = mapping(
        "format = \"parquet\"\npath = \"p.parquet\"",
        "keys = [\"id\"]",
        "amount = { column = \"amount\" }",
    );
    let out = ingest_file(dir.path(), "q.txt", b"", &amount);
    out.result.as_ref().unwrap();
    assert_eq!(out.value("hr:person:1", "amount").unwrap().0, "-1234.56");
}
