//! The fuzz harness over the CSV and JSON Lines readers and the mapping
//! compiler, shared by the cargo-fuzz target (`fuzz/`) and the test that runs
//! its corpus and seeded mutations on stable Rust (`fuzz_readers.rs`).
//!
//! An input is one byte of options (format, delimiter, quote, header,
//! encoding, compression, key), then optionally mapping lines ended by
//! `\n---\n`, then the source file's bytes.

use std::path::Path;

use clearstone_ingest::{IngestError, Mapping, remap, run};
use clearstone_model::{Ontology, Timestamp};

const ONTOLOGY: &str = r#"version = 1
[types.Rec.properties]
name = { type = "name", sensitivity = "ordinary" }
when = { type = "date", sensitivity = "ordinary" }
code = { type = "text", sensitivity = "ordinary" }
flag = { type = "enum", values = ["yes", "no"], sensitivity = "ordinary" }
phone = { type = "phone", sensitivity = "ordinary" }
email = { type = "email", sensitivity = "ordinary" }
pc = { type = "postcode", sensitivity = "ordinary" }
ref_no = { type = "identifier", sensitivity = "ordinary" }
other = { type = "entity", range = "Rec", sensitivity = "ordinary" }
"#;

const SEPARATOR: &[u8] = b"\n---\n";

/// Builds the mapping and source an input describes, runs them, and checks
/// what must hold for any input. Panics (the fuzzer's finding) when it does not.
pub fn check(dir: &Path, input: &[u8]) {
    let Some((&options, rest)) = input.split_first() else {
        return;
    };
    let (extra, data) = match rest.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(i) => (
            String::from_utf8_lossy(rest.get(..i).unwrap_or_default()).into_owned(),
            rest.get(i + SEPARATOR.len()..).unwrap_or_default(),
        ),
        None => (String::new(), rest),
    };
    let jsonl = options & 1 != 0;
    let compressed = options & 0b100_0000 != 0;
    let file = match (jsonl, compressed) {
        (false, false) => "src.csv",
        (false, true) => "src.csv.gz",
        (true, false) => "src.jsonl",
        (true, true) => "src.jsonl.zst",
    };
    let mut source = format!(
        "format = \"{}\"\npath = \"{file}\"\n",
        if jsonl { "jsonl" } else { "csv" }
    );
    if !jsonl {
        source += [
            "",
            "delimiter = \";\"\n",
            "delimiter = \"\\t\"\n",
            "delimiter = \"|\"\n",
        ][usize::from(options >> 1 & 3)];
        source += if options & 0b1000 != 0 {
            "quote = \"'\"\n"
        } else {
            ""
        };
    }
    source += [
        "",
        "encoding = \"windows-1252\"\n",
        "encoding = \"utf-16le\"\n",
        "",
    ][usize::from(options >> 4 & 3)];
    let keys = if options & 0b1000_0000 != 0 {
        "row_key = \"x\""
    } else {
        "keys = [\"id\"]"
    };
    let text = format!(
        "version = 1\n[dataset]\nname = \"fz\"\n[source]\n{source}date_formats = [\"%d/%m/%Y\", \"iso\"]\n\
         [[entities]]\nname = \"rec\"\nschema = \"Rec\"\n{keys}\n[entities.properties]\n\
         name = {{ columns = [\"first\", \"last\"] }}\nwhen = {{ column = \"when\" }}\n\
         code = {{ column = \"code\", split = \";\", map = {{ a = \"alpha\" }} }}\n\
         flag = {{ column = \"flag\", map = {{ true = \"yes\", false = \"no\" }} }}\n\
         other = {{ entity = \"fz:rec\", column = \"ref\" }}\n{extra}"
    );
    let packed = match (compressed, jsonl) {
        (false, _) => data.to_vec(),
        (true, false) => gzip(data),
        (true, true) => {
            ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
        }
    };
    std::fs::write(dir.join(file), packed).unwrap_or_default();
    let path = dir.join("m.toml");
    let Ok(ontology) = Ontology::from_toml(ONTOLOGY, "fuzz.toml") else {
        return;
    };
    let m = match Mapping::compile(&path, &text, &ontology) {
        Ok(m) => m,
        Err(e) => return one_line(&e),
    };
    let mut last_line = 0;
    let mut quarantined = Vec::new();
    let result = run(&m, Timestamp(1), &mut |b| {
        let mut lines: Vec<u64> = b.passed_lines.clone();
        lines.extend(b.quarantine.iter().map(|q| q.line));
        lines.sort_unstable();
        assert_eq!(
            lines.len() as u64,
            b.rows,
            "every record passes or is quarantined"
        );
        for line in lines {
            assert!(
                line > last_line,
                "line {line} after {last_line}: entries collide"
            );
            last_line = line;
        }
        for q in &b.quarantine {
            assert!(
                !q.reason.contains('\n'),
                "a reason is one line: {:?}",
                q.reason
            );
            assert!(q.column.is_empty() || m.columns().contains(&q.column));
        }
        quarantined.extend(b.quarantine);
        Ok(())
    });
    match result {
        Err(e) => one_line(&e),
        Ok(()) => {
            // Replay under the same mapping fails again, at the same column.
            for q in quarantined {
                let again = remap(&m, &q.raw, q.header.as_deref(), q.line, Timestamp(2));
                match again {
                    Ok(_) if q.reason.contains("row_bytes_max") => {}
                    Ok(st) => panic!("line {} ({}) replays clean: {st:?}", q.line, q.reason),
                    Err(e) => assert_eq!(
                        e.column, q.column,
                        "line {}: {} / {}",
                        q.line, q.reason, e.reason
                    ),
                }
            }
        }
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap_or_default();
    e.finish().unwrap_or_default()
}

fn one_line(e: &IngestError) {
    let msg = e.to_string();
    assert!(!msg.contains('\n'), "an error is one line: {msg:?}");
    assert!(
        !e.code().is_empty()
            && e.code()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'),
        "{}",
        e.code()
    );
}
