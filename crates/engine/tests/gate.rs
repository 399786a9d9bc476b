//! The engine through its only door, the session, on a real data directory.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::path::Path;

use clearstone_engine::policy::{Principal, Purpose};
use clearstone_engine::{
    Destination, Disclosure, Engine, EngineError, ExportFormat, Session, SessionRequest,
};
use clearstone_model::Classification;

const ONTOLOGY: &str = r#"version = 1
[types.Officer.properties]
name = { type = "name", sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
rank = { type = "enum", values = ["PC", "DS", "DI"], sensitivity = "ordinary" }
"#;

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
owner = "People Services"
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
rank = { column = "rank" }
"#;

fn req() -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: "pds-investigation".into(),
        justification: "complaint 2026/114".into(),
        case_ref: Some("PSD-114".into()),
        ..SessionRequest::default()
    }
}

fn setup(rows: &str) -> (tempfile::TempDir, Engine) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("staff.csv"),
        format!("id,name,dob,rank\n{rows}"),
    )
    .unwrap();
    std::fs::write(dir.path().join("staff.toml"), MAPPING).unwrap();
    let engine = Engine::init(&dir.path().join("data"), Some((ONTOLOGY, "o.toml"))).unwrap();
    register(&engine);
    (dir, engine)
}

/// The administrator registers `ana` and the purpose she works under.
fn register(e: &Engine) {
    let admin = support::bootstrap_admin(e, "setting up the test");
    admin
        .put_user(&Principal {
            display_name: "Ana".into(),
            unit: Some("PSD".into()),
            ..support::user(
                "ana",
                &["analyst", "data_engineer"],
                Classification::OfficialSensitive,
                &[],
            )
        })
        .unwrap();
    admin
        .put_purpose(&Purpose {
            description: "Professional standards investigations".into(),
            ..support::purpose("pds-investigation", &["analyst"], &["*"])
        })
        .unwrap();
}

const ROWS: &str = "1,Ann Smith,03/07/1984,PC\n2,Bob Jones,31/02/1980,DS\n3,Cat Lee,01/01/1990,XX\n4,Dan Ray,05/05/1975,DI\n";

/// A disclosure to `recipient` under the purpose's legal basis.
fn to(recipient: &str) -> Disclosure<'_> {
    Disclosure {
        recipient,
        gateway: None,
    }
}

fn jsonl(s: &Session<'_>) -> Vec<serde_json::Value> {
    let buf = SharedBuf::default();
    s.export_statements(
        ExportFormat::JsonLines,
        Destination::Stream(&mut buf.clone()),
        &to("test"),
    )
    .unwrap();
    let bytes = buf.0.lock().unwrap().clone();
    bytes
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

#[derive(Clone, Default)]
struct SharedBuf(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
impl std::io::Write for SharedBuf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn sessions_without_principal_purpose_or_justification_are_refused_with_their_own_codes() {
    let (_d, e) = setup(ROWS);
    let cases = [
        (
            SessionRequest {
                principal: String::new(),
                ..req()
            },
            "principal_required",
        ),
        (
            SessionRequest {
                purpose: " ".into(),
                ..req()
            },
            "purpose_required",
        ),
        (
            SessionRequest {
                justification: String::new(),
                ..req()
            },
            "justification_required",
        ),
    ];
    for (r, code) in cases {
        let err = e.session(r).err().unwrap();
        assert_eq!(err.code(), code);
        assert!(err.is_user_error());
    }
    let events = e.session(req()).unwrap().events(10).unwrap();
    // Three refusals were logged (the read itself is logged after it is taken).
    assert_eq!(
        events.iter().filter(|ev| ev.operation == "refused").count(),
        3
    );
}

type Op<'a> = Box<dyn Fn(&Session<'_>) + 'a>;

#[test]
fn every_operation_appends_its_event_and_hashes_subjects() {
    let (d, e) = setup(ROWS);
    let s = e.session(req()).unwrap();
    let count = |e: &Engine| e.session(req()).unwrap().events(1000).unwrap().len();
    let ops: Vec<(&str, Op<'_>)> = vec![
        (
            "collect",
            Box::new(|s| assert!(s.ingest(&d.path().join("staff.toml"), &mut |_| {}).is_ok())),
        ),
        (
            "consult",
            Box::new(|s| assert!(s.show("hr:officer:1").is_ok())),
        ),
        ("consult", Box::new(|s| assert!(s.datasets().is_ok()))),
        ("consult", Box::new(|s| assert!(s.ingest_runs(10).is_ok()))),
        (
            "consult",
            Box::new(|s| assert!(s.quarantine(None, 10).is_ok())),
        ),
        (
            "collect",
            Box::new(|s| assert!(s.replay_quarantine(None).is_ok())),
        ),
        ("disclose", Box::new(|s| assert!(!jsonl(s).is_empty()))),
        ("consult", Box::new(|s| assert!(s.events(1).is_ok()))),
        (
            "refused",
            Box::new(|s| {
                assert_eq!(
                    s.reveal("hr:officer:1", "name").unwrap_err().code(),
                    "forbidden"
                )
            }),
        ),
        ("consult", Box::new(|s| assert!(s.alerts(5).is_ok()))),
        ("consult", Box::new(|s| assert!(s.purposes().is_ok()))),
    ];
    for (op, f) in &ops {
        let before = count(&e);
        f(&s);
        let after = e.session(req()).unwrap().events(1000).unwrap();
        // +1 for the operation, +1 for the `events` read that `count` made;
        // newest first, so the operation is on top.
        assert_eq!(after.len(), before + 2, "{op}");
        let ev = &after[0];
        assert_eq!(ev.operation, *op);
        assert_eq!(
            (ev.principal.as_str(), ev.purpose.as_str()),
            ("ana", "pds-investigation")
        );
        assert_eq!(ev.case_ref.as_deref(), Some("PSD-114"));
    }
    let evs = s.events(1000).unwrap();
    let show = evs.iter().find(|ev| ev.query == "show entity").unwrap();
    assert_eq!(show.subjects.len(), 1);
    assert!(
        !show.subjects[0].contains("hr:officer"),
        "subject ids are hashed"
    );
    assert_eq!(show.subjects[0].len(), 32);
    let disclose = evs.iter().find(|ev| ev.operation == "disclose").unwrap();
    assert_eq!(disclose.recipient.as_deref(), Some("test"));
    let err = s
        .export_statements(
            ExportFormat::Csv,
            Destination::Stream(&mut std::io::sink()),
            &to(" "),
        )
        .unwrap_err();
    assert!(matches!(err, EngineError::RecipientRequired));
}

#[test]
fn re_ingest_adds_nothing_and_quarantine_replays_after_the_mapping_is_fixed() {
    let (d, e) = setup(ROWS);
    let s = e.session(req()).unwrap();
    let m = d.path().join("staff.toml");
    let first = s.ingest(&m, &mut |_| {}).unwrap();
    assert_eq!(
        (
            first.rows_read,
            first.statements_new,
            first.quarantined,
            first.entities_touched
        ),
        (4, 6, 2, 2)
    );
    let again = s.ingest(&m, &mut |_| {}).unwrap();
    assert_eq!(
        (
            again.statements_new,
            again.statements_seen,
            again.quarantined
        ),
        (0, 6, 2)
    );
    assert_eq!(jsonl(&s).len(), 6);
    let (q, total) = s.quarantine(Some("hr"), 10).unwrap();
    assert_eq!(total, 2);
    assert_eq!((q[0].line, q[0].column.as_str()), (3, "dob"));
    assert_eq!((q[1].line, q[1].column.as_str()), (4, "rank"));

    std::fs::write(
        &m,
        MAPPING.replace(
            "rank = { column = \"rank\" }",
            "rank = { column = \"rank\", map = { XX = \"PC\" } }",
        ),
    )
    .unwrap();
    let r = s.replay_quarantine(None).unwrap();
    assert_eq!((r.examined, r.released, r.still_failing), (2, 1, 1));
    assert_eq!(s.quarantine(None, 10).unwrap().1, 1);
    let cat = s.show("hr:officer:3").unwrap();
    assert_eq!(cat.values("rank").collect::<Vec<_>>(), vec!["PC"]);

    // Fixing the data and re-ingesting releases the other one.
    std::fs::write(
        d.path().join("staff.csv"),
        format!(
            "id,name,dob,rank\n{}",
            ROWS.replace("31/02/1980", "28/02/1980")
        ),
    )
    .unwrap();
    let fixed = s.ingest(&m, &mut |_| {}).unwrap();
    assert_eq!((fixed.quarantined, fixed.released), (0, 1));
    assert_eq!(s.quarantine(None, 10).unwrap().1, 0);
}

fn statements_without_times(s: &Session<'_>) -> Vec<serde_json::Value> {
    jsonl(s)
        .into_iter()
        .map(|mut v| {
            let o = v.as_object_mut().unwrap();
            o.remove("first_seen");
            o.remove("last_seen");
            v
        })
        .collect()
}

#[test]
fn an_unreadable_file_leaves_the_store_unchanged() {
    let (d, e) = setup(ROWS);
    let s = e.session(req()).unwrap();
    s.ingest(&d.path().join("staff.toml"), &mut |_| {}).unwrap();
    let before = jsonl(&s);
    let q_before = s.quarantine(None, 100).unwrap();

    // A Parquet file whose second row group is damaged: the first batches map
    // and commit before the damage is reached, and must be taken back out.
    let pq = d.path().join("big.parquet");
    write_two_row_groups(&pq, 25_000);
    let meta_offset = {
        use parquet::file::reader::{FileReader, SerializedFileReader};
        let r = SerializedFileReader::new(std::fs::File::open(&pq).unwrap()).unwrap();
        r.metadata().row_group(1).column(0).data_page_offset()
    };
    let mut bytes = std::fs::read(&pq).unwrap();
    let at = usize::try_from(meta_offset).unwrap();
    bytes[at..at + 16].fill(0xee);
    std::fs::write(&pq, bytes).unwrap();
    let m2 = d.path().join("big.toml");
    std::fs::write(
        &m2,
        MAPPING
            .replace("name = \"hr\"", "name = \"hr2\"")
            .replace("format = \"csv\"", "format = \"parquet\"")
            .replace("staff.csv", "big.parquet"),
    )
    .unwrap();
    let mut committed = 0;
    let err = s
        .ingest(&m2, &mut |p| committed = p.statements)
        .unwrap_err();
    assert_eq!(err.code(), "source_unreadable", "{err}");
    assert!(
        committed > 0,
        "the damage must be found after a batch committed"
    );
    assert_eq!(jsonl(&s), before);
    assert_eq!(s.quarantine(None, 100).unwrap(), q_before);
    let runs = s.ingest_runs(1).unwrap();
    assert_eq!(runs[0].status.as_str(), "failed");
    let _ = statements_without_times(&s);
}

fn write_two_row_groups(path: &Path, per_group: usize) {
    use parquet::data_type::{ByteArray, ByteArrayType};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;
    use std::sync::Arc;
    let schema = Arc::new(
        parse_message_type("message m { REQUIRED BYTE_ARRAY id (UTF8); REQUIRED BYTE_ARRAY name (UTF8); REQUIRED BYTE_ARRAY dob (UTF8); REQUIRED BYTE_ARRAY rank (UTF8); }")
            .unwrap(),
    );
    let props = Arc::new(
        WriterProperties::builder()
            .set_dictionary_enabled(false)
            .build(),
    );
    let mut w =
        SerializedFileWriter::new(std::fs::File::create(path).unwrap(), schema, props).unwrap();
    for g in 0..2 {
        let mut rg = w.next_row_group().unwrap();
        let mut col = 0;
        while let Some(mut c) = rg.next_column().unwrap() {
            let data: Vec<ByteArray> = (0..per_group)
                .map(|i| {
                    let n = g * per_group + i;
                    ByteArray::from(
                        match col {
                            0 => n.to_string(),
                            1 => format!("Person {n}"),
                            2 => "01/01/1990".to_string(),
                            _ => "PC".to_string(),
                        }
                        .as_str(),
                    )
                })
                .collect();
            c.typed::<ByteArrayType>()
                .write_batch(&data, None, None)
                .unwrap();
            c.close().unwrap();
            col += 1;
        }
        rg.close().unwrap();
    }
    w.close().unwrap();
}

// issue 14, finding 8: an export whose event was refused had already written
// the whole file (or truncated an existing one), and nothing was logged.
#[test]
fn a_refused_export_writes_nothing_and_leaves_an_existing_file_as_it_was() {
    let (d, e) = setup(ROWS);
    let s = e.session(req()).unwrap();
    s.ingest(&d.path().join("staff.toml"), &mut |_| {}).unwrap();
    let out = d.path().join("out.csv");
    std::fs::write(&out, "kept").unwrap();
    let long = "IOPC ".repeat(14_000);
    for format in [ExportFormat::Csv, ExportFormat::Parquet] {
        let err = s
            .export_statements(format, Destination::File(&out), &to(&long))
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{err}");
    }
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "kept");
    let buf = SharedBuf::default();
    s.export_statements(
        ExportFormat::JsonLines,
        Destination::Stream(&mut buf.clone()),
        &to(&long),
    )
    .unwrap_err();
    assert!(buf.0.lock().unwrap().is_empty());
    let left: Vec<String> = std::fs::read_dir(d.path())
        .unwrap()
        .chain(std::fs::read_dir(e.dir()).unwrap())
        .map(|f| f.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("export"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Each attempt is one refusal in the log, without the text refused.
    let evs = s.events(3).unwrap();
    assert!(
        evs.iter()
            .all(|ev| ev.operation == "refused" && ev.recipient.is_none()),
        "{evs:?}"
    );
    // An export that is logged lands whole, replacing the old file.
    s.export_statements(ExportFormat::Csv, Destination::File(&out), &to("IOPC"))
        .unwrap();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("id,entity_id")
    );
    // One that fails before its event (no such folder) is logged as failed.
    let nowhere = d.path().join("missing").join("out.csv");
    let err = s
        .export_statements(ExportFormat::Csv, Destination::File(&nowhere), &to("IOPC"))
        .unwrap_err();
    assert_eq!(err.code(), "io_error", "{err}");
    let ev = s.events(1).unwrap().remove(0);
    assert_eq!(
        (ev.operation.as_str(), ev.outcome.as_str()),
        ("disclose", "failed: io_error")
    );
}

// issue 14, finding 9: a disclosure named no subjects.
#[test]
fn an_export_names_every_record_it_discloses() {
    let (d, e) = setup(ROWS);
    let s = e.session(req()).unwrap();
    s.ingest(&d.path().join("staff.toml"), &mut |_| {}).unwrap();
    let records: std::collections::BTreeSet<String> = jsonl(&s)
        .iter()
        .map(|v| v["entity_id"].as_str().unwrap().to_string())
        .collect();
    assert!(records.len() >= 2, "{records:?}");
    let ev = s
        .events(2)
        .unwrap()
        .into_iter()
        .find(|ev| ev.operation == "disclose")
        .unwrap();
    assert_eq!(ev.subjects.len(), records.len(), "{ev:?}");
    assert!(ev.subjects.iter().all(|h| h.len() == 32));
}

#[test]
fn exports_load_back_in_every_format() {
    let (d, e) = setup(ROWS);
    let s = e.session(req()).unwrap();
    s.ingest(&d.path().join("staff.toml"), &mut |_| {}).unwrap();
    let want = jsonl(&s);
    assert_eq!(want.len(), 6);

    let csv_path = d.path().join("out.csv");
    s.export_statements(ExportFormat::Csv, Destination::File(&csv_path), &to("r"))
        .unwrap();
    let mut rdr = csv::Reader::from_path(&csv_path).unwrap();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 6);
    for (r, w) in rows.iter().zip(&want) {
        assert_eq!(&r[0], w["id"].as_str().unwrap());
        assert_eq!(&r[4], w["value"].as_str().unwrap());
    }

    let pq_path = d.path().join("out.parquet");
    s.export_statements(ExportFormat::Parquet, Destination::File(&pq_path), &to("r"))
        .unwrap();
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let r = SerializedFileReader::new(std::fs::File::open(&pq_path).unwrap()).unwrap();
    let got: Vec<(String, Option<String>)> = r
        .get_row_iter(None)
        .unwrap()
        .map(|row| {
            let row = row.unwrap();
            let cols: Vec<String> = row.get_column_iter().map(|(_, f)| f.to_string()).collect();
            (
                cols[4].trim_matches('"').to_string(),
                (cols[5] != "null").then(|| cols[5].trim_matches('"').to_string()),
            )
        })
        .collect();
    let expect: Vec<(String, Option<String>)> = want
        .iter()
        .map(|w| {
            (
                w["value"].as_str().unwrap().to_string(),
                w["original_value"].as_str().map(str::to_string),
            )
        })
        .collect();
    assert_eq!(got, expect);
}

#[test]
fn register_changes_are_administer_events_and_need_an_administrator() {
    let (_d, e) = setup(ROWS);
    let ana = e.session(req()).unwrap();
    assert_eq!(ana.users().unwrap_err().code(), "forbidden");
    let admin = support::admin(&e, "monthly leavers review");
    assert_eq!(admin.users().unwrap().len(), 2);
    admin.disable_user("ana").unwrap();
    assert_eq!(e.session(req()).err().unwrap().code(), "disabled");
    let evs = admin.events(20).unwrap();
    assert!(evs.iter().any(|ev| ev.operation == "administer"
        && ev.query == "put user `ana`"
        && ev.outcome == "disabled"));
    assert!(
        evs.iter()
            .any(|ev| ev.operation == "refused" && ev.outcome == "disabled")
    );
    // Administering is not reading: the administration purpose covers no data.
    assert_eq!(admin.show("hr:officer:1").unwrap_err().code(), "not_found");
}
