//! Small files made in a test, read through a mapping, and what came of them.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::path::Path;

use clearstone_ingest::{IngestError, MappedBatch, Mapping, Quarantined, run};
use clearstone_model::{Ontology, Statement, Timestamp};

pub const ONTOLOGY: &str = r#"version = 1
[types.Person.properties]
name = { type = "name", sensitivity = "ordinary" }
email = { type = "email", sensitivity = "ordinary" }
notes = { type = "text", sensitivity = "ordinary" }
ref_no = { type = "identifier", sensitivity = "ordinary" }
active = { type = "enum", values = ["yes", "no"], sensitivity = "ordinary" }
birth_date = { type = "date", sensitivity = "ordinary" }
phone = { type = "phone", sensitivity = "ordinary" }
amount = { type = "number", sensitivity = "ordinary" }
"#;

/// A mapping of `person` records keyed by `id` (or as `keys` says), with the
/// given `[source]` lines and properties.
pub fn mapping(source: &str, keys: &str, props: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "hr"
[source]
{source}
[[entities]]
name = "person"
schema = "Person"
{keys}
[entities.properties]
{props}
"#
    )
}

/// A CSV of `id`, `name` and `email`, with more `[source]` lines.
pub fn csv_mapping(path: &str, extra: &str) -> String {
    mapping(
        &format!("format = \"csv\"\npath = \"{path}\"\n{extra}"),
        "keys = [\"id\"]",
        "name = { column = \"name\" }\nemail = { column = \"email\" }",
    )
}

pub struct Outcome {
    pub result: Result<(), IngestError>,
    pub batches: Vec<MappedBatch>,
}

impl Outcome {
    pub fn statements(&self) -> Vec<&Statement> {
        self.batches.iter().flat_map(|b| &b.statements).collect()
    }

    pub fn quarantine(&self) -> Vec<&Quarantined> {
        self.batches.iter().flat_map(|b| &b.quarantine).collect()
    }

    pub fn value(&self, entity: &str, prop: &str) -> Option<(String, Option<String>)> {
        self.statements()
            .into_iter()
            .find(|s| &*s.entity_id == entity && &*s.prop == prop)
            .map(|s| (s.value.clone(), s.original_value.clone()))
    }

    /// Lines that mapped, in order.
    pub fn passed(&self) -> Vec<u64> {
        self.batches
            .iter()
            .flat_map(|b| b.passed_lines.clone())
            .collect()
    }

    /// `(line, column)` of each quarantined record, in order.
    pub fn quarantined_at(&self) -> Vec<(u64, String)> {
        self.quarantine()
            .iter()
            .map(|q| (q.line, q.column.clone()))
            .collect()
    }

    pub fn refusal(self) -> IngestError {
        assert!(
            self.batches.is_empty(),
            "a refused file must yield no batch before it is refused"
        );
        self.result.unwrap_err()
    }
}

pub fn ingest_file(dir: &Path, file: &str, bytes: &[u8], mapping: &str) -> Outcome {
    std::fs::write(dir.join(file), bytes).unwrap();
    let p = dir.join("m.toml");
    std::fs::write(&p, mapping).unwrap();
    let ontology = Ontology::from_toml(ONTOLOGY, "test.toml").unwrap();
    let m = Mapping::load(&p, &ontology).unwrap();
    let mut batches = Vec::new();
    let result = run(&m, Timestamp(1000), &mut |b| {
        batches.push(b);
        Ok(())
    });
    Outcome { result, batches }
}

pub fn compile_error(text: &str) -> (usize, String) {
    let ontology = Ontology::from_toml(ONTOLOGY, "test.toml").unwrap();
    match Mapping::compile(Path::new("people.toml"), text, &ontology) {
        Err(IngestError::Mapping {
            path,
            line,
            message,
        }) => {
            assert_eq!(path, "people.toml");
            (line, message)
        }
        other => panic!("expected a mapping error, got {:?}", other.map(|_| ())),
    }
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    // The best compression, so that one line repeated makes a bomb.
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

pub fn zstd(bytes: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(bytes, ruzstd::encoding::CompressionLevel::Fastest)
}

/// More rows than one batch holds, so that a late refusal would come after
/// a batch had been handed on.
pub fn many_rows() -> Vec<u8> {
    let mut f = b"id,name,email\n".to_vec();
    for i in 0..25_000 {
        f.extend_from_slice(format!("{i},Person {i},p{i}@example.com\n").as_bytes());
    }
    f
}
