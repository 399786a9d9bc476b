//! How much one batch holds: a source that makes many statements a row is
//! cut by statements as well as by rows, so that the batches in flight stay
//! within ingest's memory goal (issue 15).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::HashMap;

use clearstone_ingest::BATCH_STATEMENTS_MAX;
use clearstone_model::limits::BATCH_ROWS_MAX;
use support::{ingest_file, mapping};

#[test]
fn a_source_of_many_values_a_row_is_cut_by_statements_and_never_inside_a_row_issue_15() {
    let props = ["name", "email", "notes", "ref_no", "active", "birth_date"];
    // Fewer rows than a batch of rows holds, more statements than a batch of
    // statements does.
    let rows_per_batch = BATCH_STATEMENTS_MAX.div_ceil(props.len());
    let rows = 2 * rows_per_batch + 1;
    assert!(rows < BATCH_ROWS_MAX);
    let mut f = format!("id,{}\n", props.join(","));
    for i in 0..rows {
        f.push_str(&format!(
            "{i},Person {i},p{i}@example.com,note {i},R{i},yes,1980-01-02\n"
        ));
    }
    let m = mapping(
        "format = \"csv\"\npath = \"p.csv\"",
        "keys = [\"id\"]",
        &props
            .iter()
            .map(|p| format!("{p} = {{ column = \"{p}\" }}\n"))
            .collect::<String>(),
    );
    let dir = tempfile::tempdir().unwrap();
    let out = ingest_file(dir.path(), "p.csv", f.as_bytes(), &m);
    out.result.as_ref().unwrap();
    assert!(out.quarantine().is_empty(), "{:?}", out.quarantined_at());
    assert_eq!(out.statements().len(), rows * props.len());
    assert_eq!(out.batches.len(), 3);
    // Each record's statements land in one batch, which ends at the first
    // row that reaches the bound.
    let mut batch_of: HashMap<&str, usize> = HashMap::new();
    for (i, b) in out.batches.iter().enumerate() {
        assert!(
            b.statements.len() < BATCH_STATEMENTS_MAX + props.len(),
            "batch {i} holds {}",
            b.statements.len()
        );
        for s in &b.statements {
            assert_eq!(
                *batch_of.entry(&s.entity_id).or_insert(i),
                i,
                "{}",
                s.entity_id
            );
        }
    }
    assert_eq!(batch_of.len(), rows);
}
