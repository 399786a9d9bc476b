//! Ingest and quarantine through the session: what a refused file leaves
//! behind, and how quarantined rows are gated and logged.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::{Classification, Engine, Oversight, Session, SessionRequest};
use support::user;

const ONTOLOGY: &str = r#"version = 1
[types.Officer.properties]
name = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
sickness = { type = "text", sensitivity = "health" }
rank = { type = "enum", values = ["PC", "DS", "DI"], sensitivity = "ordinary" }
[types.Absence.properties]
officer = { type = "entity", range = "Officer", sensitivity = "ordinary" }
"#;

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
description = "staff records"
legal_basis = "employment records"
[source]
format = "csv"
path = "staff.csv"
date_formats = ["%d/%m/%Y"]
[[entities]]
name = "officer"
schema = "Officer"
keys = ["id"]
[entities.properties]
name = { column = "name" }
birth_date = { column = "dob" }
sickness = { column = "sickness" }
rank = { column = "rank" }
"#;

/// Row 2's date and row 3's rank cannot be cleaned; row 2's sickness note
/// is special category.
const ROWS: &str = "id,name,dob,sickness,rank\n1,Ann Smith,03/07/1984,,PC\n2,Bob Jones,31/02/1980,STRESS-SENTINEL,DS\n3,Cat Lee,01/01/1990,,XX\n";

fn req(principal: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: principal.into(),
        purpose: purpose.into(),
        justification: "loading staff records".into(),
        ..SessionRequest::default()
    }
}

/// `ana` may load and read everything but special-category values;
/// `dan` may load but lacks the HR caveat; `sam` works under a purpose
/// that names a condition for special-category data.
fn setup() -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("staff.csv"), ROWS).unwrap();
    std::fs::write(dir.path().join("staff.toml"), MAPPING).unwrap();
    let e = Engine::init(&dir.path().join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    let admin = support::bootstrap_admin(&e, "setting up the test");
    for (id, caveats) in [("ana", &["HR"][..]), ("dan", &[][..]), ("sam", &["HR"][..])] {
        admin
            .put_user(&user(
                id,
                &["analyst", "data_engineer"],
                Classification::OfficialSensitive,
                caveats,
            ))
            .unwrap();
    }
    admin
        .put_purpose(&support::purpose("load", &["data_engineer"], &["*"]))
        .unwrap();
    admin
        .put_purpose(&clearstone_engine::policy::Purpose {
            sensitive: Some(clearstone_engine::policy::SensitiveBasis {
                condition: "sch. 1 para 1 (employment)".into(),
            }),
            ..support::purpose("load-sensitive", &["data_engineer"], &["*"])
        })
        .unwrap();
    drop(admin);
    (dir, e)
}

fn ingest(s: &Session<'_>, dir: &Path, mapping: &str) -> Result<(), String> {
    let m = dir.join("m.toml");
    std::fs::write(&m, mapping).unwrap();
    s.ingest(&m, &mut |_| {})
        .map(|_| ())
        .map_err(|e| e.code().to_string())
}

/// Every row of every table, but the event log and the free text it refers
/// to (an attempt is an event) and the ingest log (checked apart).
fn tables(db: &Path) -> Vec<(String, Vec<String>)> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let names: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .filter(|n: &String| !["event", "text_ref", "ingest_run"].contains(&n.as_str()))
        .collect();
    names
        .into_iter()
        .map(|n| {
            let mut rows = dump(&conn, &format!("SELECT * FROM \"{n}\""));
            rows.sort();
            (n, rows)
        })
        .collect()
}

fn dump(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut q = conn.prepare(sql).unwrap();
    let width = q.column_count();
    q.query_map([], |r| {
        Ok((0..width)
            .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn runs(db: &Path) -> Vec<String> {
    let conn =
        rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    dump(
        &conn,
        "SELECT id, dataset, status, rows_read, statements_new FROM ingest_run ORDER BY id",
    )
}

// issue 15, class 7
#[test]
fn a_refused_file_leaves_every_table_but_the_ingest_log_as_it_was() {
    let (d, e) = setup();
    let db = d.path().join("data").join("clearstone.db");
    let s = e.session(req("ana", "load")).unwrap();
    ingest(&s, d.path(), MAPPING).unwrap();
    let be: Vec<u8> = "id,name,dob,sickness,rank\n1,A,,,PC\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    let files: [(&str, &[u8]); 13] = [
        ("bad_header.csv", b"id,na\xffme,dob\n1,a,b\n"),
        ("no_rank.csv", b"id,name,dob,sickness\n1,A,,\n"),
        ("not.parquet", b"id,name\n1,A\n"),
        ("twice.csv", b"id,name,dob,sickness,rank,name\n1,A,,,PC,B\n"),
        ("empty.csv", b""),
        (
            "binary.csv",
            b"id,name,dob,sickness,rank\n1,A,,,PC\n\x00\x01\x02\x00\x00\x9c\x00\x00",
        ),
        (
            "damaged.csv.gz",
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not deflate at all",
        ),
        (
            "recased.csv",
            b"id,name,dob,sickness,rank,Name\n1,A,,,PC,B\n",
        ),
        ("plain.csv.gz", b"id,name,dob,sickness,rank\n1,A,,,PC\n"),
        ("big_endian.csv", &be),
        ("array.jsonl", b"[{\"id\": 1, \"name\": \"A\"}]\n"),
        (
            "unclosed.csv",
            b"id,name,dob,sickness,rank\n1,\"A,,,PC\n2,B,,,PC\n",
        ),
        ("sep.csv", b"sep=;\nid;name;dob;sickness;rank\n1;A;;;PC\n"),
    ];
    for (name, bytes) in files {
        std::fs::write(d.path().join(name), bytes).unwrap();
    }
    std::fs::write(d.path().join("bomb.csv.gz"), gzip_bomb()).unwrap();
    // A description that differs, so that writing the register entry early shows.
    let changed = MAPPING.replace("staff records", "changed by a refused file");
    let from = |file: &str| changed.replace("staff.csv", file);
    let classes: Vec<(&str, String, &str)> = vec![
        ("missing file", from("absent.csv"), "source_unreadable"),
        ("header not text", from("bad_header.csv"), "invalid_header"),
        (
            "mapped column missing",
            from("no_rank.csv"),
            "missing_columns",
        ),
        (
            "not the declared format",
            from("not.parquet").replace("format = \"csv\"", "format = \"parquet\""),
            "not_parquet",
        ),
        ("mapped column twice", from("twice.csv"), "duplicate_header"),
        ("empty file", from("empty.csv"), "empty_file"),
        ("not text", from("binary.csv"), "not_text"),
        ("damaged archive", from("damaged.csv.gz"), "damaged_archive"),
        (
            "unknown encoding declared",
            changed.replace("[source]\n", "[source]\nencoding = \"klingon\"\n"),
            "invalid_mapping",
        ),
        // issue 15, class 7: the refusals of the hostile files too.
        (
            "mapped column again in another case",
            from("recased.csv"),
            "duplicate_header",
        ),
        (
            "a .gz that is not gzip",
            from("plain.csv.gz"),
            "not_compressed",
        ),
        (
            "UTF-16 in the other byte order",
            from("big_endian.csv").replace("[source]\n", "[source]\nencoding = \"utf-16\"\n"),
            "wrong_encoding",
        ),
        (
            "a JSON array for JSON Lines",
            from("array.jsonl").replace("format = \"csv\"", "format = \"jsonl\""),
            "not_json_lines",
        ),
        (
            "a quote never closed",
            from("unclosed.csv"),
            "unclosed_quote",
        ),
        ("Excel's sep= line", from("sep.csv"), "wrong_delimiter"),
        (
            "an archive that expands without bound",
            from("bomb.csv.gz"),
            "archive_too_large",
        ),
    ];
    for (class, mapping, code) in &classes {
        for dataset in ["hr", "hr_new"] {
            let mapping = mapping.replace("name = \"hr\"", &format!("name = \"{dataset}\""));
            let before = tables(&db);
            let runs_before = runs(&db);
            assert_eq!(
                ingest(&s, d.path(), &mapping).unwrap_err(),
                *code,
                "{class}, {dataset}"
            );
            assert_eq!(tables(&db), before, "{class}, {dataset}: tables changed");
            let runs_after = runs(&db);
            assert_eq!(
                runs_after.get(..runs_before.len()),
                Some(&runs_before[..]),
                "{class}, {dataset}: earlier runs changed"
            );
            // The attempt itself is recorded once the mapping could be read.
            assert!(runs_after.len() <= runs_before.len() + 1);
            if let Some(last) = runs_after.get(runs_before.len()) {
                assert!(last.contains("\"failed\""), "{class}: {last}");
            }
        }
    }
}

/// Gzip members of 1 MiB of one line each, end to end: 32 MiB from some
/// 40 KiB, read as one file.
fn gzip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut block = b"id,name,dob,sickness,rank\n".to_vec();
    while block.len() < 1 << 20 {
        block.extend_from_slice(b"1,A,,,PC\n");
    }
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&block).unwrap();
    e.finish().unwrap().repeat(32)
}

// issue 14, finding 1
#[test]
fn quarantined_rows_are_masked_and_hidden_like_the_values_they_would_become() {
    let (d, e) = setup();
    let marked = MAPPING.replace(
        "sickness = { column = \"sickness\" }",
        "sickness = { column = \"sickness\", markings = \"OFFICIAL-SENSITIVE:HR\" }",
    );
    std::fs::write(d.path().join("staff.toml"), &marked).unwrap();
    let ana = e.session(req("ana", "load")).unwrap();
    ana.ingest(&d.path().join("staff.toml"), &mut |_| {})
        .unwrap();

    // Without a lawful condition the sickness column is masked, and so is
    // a reason that concerns it; the other values are shown.
    let (rows, total) = ana.quarantine(None, 10).unwrap();
    assert_eq!(total, 2);
    let text = format!("{rows:?}");
    assert!(!text.contains("STRESS-SENTINEL"), "{text}");
    let bob = rows.iter().find(|q| q.line == 3).unwrap();
    let value = |c: &str| bob.values.iter().find(|(k, _)| k == c).unwrap().1.clone();
    assert_eq!(value("name").as_deref(), Some("Bob Jones"));
    assert_eq!(value("sickness").as_deref(), Some("[health — masked]"));

    // A lawful condition does not unmask it either: showing special-category
    // values is a reveal, its own act, which quarantine does not offer.
    let sam = e.session(req("sam", "load-sensitive")).unwrap();
    let (rows, _) = sam.quarantine(None, 10).unwrap();
    assert!(!format!("{rows:?}").contains("STRESS-SENTINEL"));
    assert!(format!("{rows:?}").contains("Bob Jones"));

    // Without the HR caveat the rows of this mapping are neither shown nor counted.
    let dan = e.session(req("dan", "load")).unwrap();
    assert_eq!(dan.quarantine(None, 10).unwrap(), (vec![], 0));
    let replay = dan.replay_quarantine(None).unwrap();
    assert_eq!(replay.examined, 0);
}

// issue 14, finding 9
#[test]
fn collecting_and_reading_quarantine_name_every_subject() {
    let (d, e) = setup();
    let ana = e.session(req("ana", "load")).unwrap();
    ana.ingest(&d.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    ana.quarantine(None, 10).unwrap();
    let queries = |id: &str| -> Vec<String> {
        ana.oversee(&Oversight {
            subject: Some(id.into()),
            ..Oversight::default()
        })
        .unwrap()
        .evidence
        .iter()
        .map(|ev| ev.event["query"].as_str().unwrap().to_string())
        .collect()
    };
    // Row 1 landed; rows 2 and 3 are in quarantine under their keys.
    for id in ["hr:officer:1", "hr:officer:2", "hr:officer:3"] {
        let q = queries(id);
        assert!(
            q.iter().any(|x| x.starts_with("ingest dataset")),
            "{id}: {q:?}"
        );
    }
    for id in ["hr:officer:2", "hr:officer:3"] {
        assert!(queries(id).iter().any(|x| x == "list quarantine"), "{id}");
    }
    assert!(
        !queries("hr:officer:1")
            .iter()
            .any(|x| x == "list quarantine")
    );
}

const ABSENCE: &str = r#"version = 1
[dataset]
name = "absence"
[source]
format = "csv"
path = "absence.csv"
[[entities]]
name = "spell"
schema = "Absence"
keys = ["ref"]
[entities.properties]
officer = { entity = "hr:officer", column = "officer" }
"#;

// issue 15, class 10
#[test]
fn dangling_references_are_counted_per_run_and_listed_until_their_target_arrives() {
    let (d, e) = setup();
    std::fs::write(
        d.path().join("absence.csv"),
        "ref,officer\nA1,1\nA2,7\nA3,8\n",
    )
    .unwrap();
    std::fs::write(d.path().join("absence.toml"), ABSENCE).unwrap();
    let ana = e.session(req("ana", "load")).unwrap();
    ana.ingest(&d.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    // Officer 1 is held; 7 and 8 are not.
    let sum = ana
        .ingest(&d.path().join("absence.toml"), &mut |_| {})
        .unwrap();
    assert_eq!(sum.dangling, 2);
    assert_eq!(ana.ingest_runs(1).unwrap()[0].dangling, 2);
    let absence = |s: &Session<'_>| {
        s.datasets()
            .unwrap()
            .into_iter()
            .find(|x| x.name == "absence")
            .unwrap()
            .dangling
    };
    assert_eq!(absence(&ana), 2);
    let listed: Vec<(String, String)> = ana
        .dangling_references(None, 10)
        .unwrap()
        .into_iter()
        .map(|r| (r.entity_id, r.target))
        .collect();
    assert_eq!(
        listed,
        vec![
            ("absence:spell:A2".to_string(), "hr:officer:7".to_string()),
            ("absence:spell:A3".to_string(), "hr:officer:8".to_string()),
        ]
    );
    // Officer 7 arrives later, from another file of the same dataset.
    std::fs::write(
        d.path().join("more.csv"),
        "id,name,dob,sickness,rank\n7,Eve Poe,,,PC\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("more.toml"),
        MAPPING.replace("staff.csv", "more.csv"),
    )
    .unwrap();
    assert_eq!(
        ana.ingest(&d.path().join("more.toml"), &mut |_| {})
            .unwrap()
            .dangling,
        0
    );
    let left = ana.dangling_references(None, 10).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].target, "hr:officer:8");
    assert_eq!(absence(&ana), 1);
}

#[test]
fn dangling_references_are_listed_only_where_the_reference_itself_may_be_seen() {
    let (d, e) = setup();
    std::fs::write(d.path().join("absence.csv"), "ref,officer\nA2,7\n").unwrap();
    std::fs::write(
        d.path().join("absence.toml"),
        ABSENCE.replace(
            "column = \"officer\" }",
            "column = \"officer\", markings = \"OFFICIAL-SENSITIVE:HR\" }",
        ),
    )
    .unwrap();
    let ana = e.session(req("ana", "load")).unwrap();
    ana.ingest(&d.path().join("absence.toml"), &mut |_| {})
        .unwrap();
    assert_eq!(ana.dangling_references(None, 10).unwrap().len(), 1);
    let dan = e.session(req("dan", "load")).unwrap();
    assert!(dan.dangling_references(None, 10).unwrap().is_empty());
}

// issue 15, class 12
#[test]
fn replay_from_a_corrected_export_releases_the_rows_that_now_map() {
    let (d, e) = setup();
    let ana = e.session(req("ana", "load")).unwrap();
    // Row 2's date and row 3's rank are bad, and a row with no key at line 5.
    std::fs::write(
        d.path().join("staff.csv"),
        format!("{ROWS},Dee Fox,01/01/1970,,PC\n"),
    )
    .unwrap();
    ana.ingest(&d.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    assert_eq!(ana.quarantine(None, 10).unwrap().1, 3);
    // The new export fixes officer 2's date and the keyless row (matched by
    // its line), keeps officer 3's bad rank, reorders the rows and adds one
    // that was never quarantined (it must not land through a replay).
    let fixed = d.path().join("fixed.csv");
    std::fs::write(
        &fixed,
        "id,name,dob,sickness,rank\n3,Cat Lee,01/01/1990,,ZZ\n2,Bob Jones,28/02/1980,,DS\n9,New Row,01/01/1999,,PC\n5,Dee Fox,01/01/1970,,PC\n",
    )
    .unwrap();
    let r = ana.replay_quarantine_from(None, &fixed).unwrap();
    assert_eq!((r.examined, r.released, r.still_failing), (3, 2, 1));
    let (left, total) = ana.quarantine(None, 10).unwrap();
    assert_eq!(total, 1);
    assert_eq!((left[0].line, left[0].column.as_str()), (4, "rank"));
    assert!(left[0].reason.contains("ZZ"), "{}", left[0].reason);
    assert_eq!(
        ana.show("hr:officer:2")
            .unwrap()
            .values("birth_date")
            .collect::<Vec<_>>(),
        vec!["1980-02-28"]
    );
    assert!(ana.show("hr:officer:5").is_ok());
    assert!(ana.show("hr:officer:9").is_err());
}
