//! Human-readable and JSON renderings of engine results.

pub use clearstone_engine::json::{
    dangling_json, datasets_json, entity_json, events_json, quarantine_json,
};
use clearstone_engine::{
    AccessEvent, DanglingReference, Dataset, Entity, IngestRun, IngestSummary, MASKED_SOURCE,
    QuarantineEntry,
};

pub fn entity_text(e: &Entity) -> String {
    let mut out = format!("{}  ({})\n", e.id, e.schema);
    let width = e.properties.keys().map(String::len).max().unwrap_or(0);
    for (p, group) in &e.properties {
        for (i, s) in group.iter().enumerate() {
            let label = if i == 0 { p.as_str() } else { "" };
            if &*s.origin.source == MASKED_SOURCE {
                out.push_str(&format!("  {label:<width$}  {}\n", s.value));
                continue;
            }
            let was = s
                .original_value
                .as_deref()
                .map(|o| format!("  (source said `{o}`)"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {label:<width$}  {}{was}\n  {:<width$}    from {} {} record {}, seen {} .. {}, {}\n",
                s.value, "", s.dataset, s.origin.source, s.origin.record, s.first_seen, s.last_seen, s.markings
            ));
        }
    }
    out
}

pub fn datasets_text(ds: &[Dataset]) -> String {
    if ds.is_empty() {
        return "no datasets this purpose covers\n".to_owned();
    }
    let mut out = format!(
        "{:<16} {:>12} {:>11} {:>9}  {:<20} {}\n",
        "dataset", "statements", "quarantine", "dangling", "markings", "owner / legal basis"
    );
    for d in ds {
        out.push_str(&format!(
            "{:<16} {:>12} {:>11} {:>9}  {:<20} {} / {}\n",
            d.name, d.statements, d.quarantined, d.dangling, d.markings, d.owner, d.legal_basis
        ));
    }
    out
}

pub fn summary_line(s: &IngestSummary) -> String {
    format!(
        "{}: {} rows read, {} statements written ({} already held), {} quarantined{}{}, {} dangling references{}, {} entities touched, {:.1} s ({:.0} rows/s){}",
        s.source,
        s.rows_read,
        s.statements_new,
        s.statements_seen,
        s.quarantined,
        if s.released > 0 {
            format!(" ({} released)", s.released)
        } else {
            String::new()
        },
        if s.placeholders > 0 {
            format!(", {} placeholder values read as missing", s.placeholders)
        } else {
            String::new()
        },
        s.dangling,
        if s.references_found + s.references_ambiguous > 0 {
            format!(
                " ({} references found by value, {} ambiguous)",
                s.references_found, s.references_ambiguous
            )
        } else {
            String::new()
        },
        s.entities_touched,
        s.seconds,
        s.rows_read as f64 / s.seconds.max(1e-6),
        // A build without semantic search embeds nothing: no count to give.
        if cfg!(feature = "semantic") {
            format!(", {} notes embedded", s.notes_embedded)
        } else {
            String::new()
        }
    )
}

pub fn quarantine_text(rows: &[QuarantineEntry], total: u64) -> String {
    if total == 0 {
        return "no quarantined records\n".to_owned();
    }
    let mut out = String::new();
    for q in rows {
        let col = if q.column.is_empty() {
            String::new()
        } else {
            format!(" column `{}`", q.column)
        };
        out.push_str(&format!(
            "{} {} line {}{col}: {}\n",
            q.dataset, q.source, q.line, q.reason
        ));
    }
    out.push_str(&format!(
        "{} of {total} quarantined records shown\n",
        rows.len()
    ));
    out
}

pub fn dangling_text(refs: &[DanglingReference]) -> String {
    if refs.is_empty() {
        return "no dangling references\n".to_owned();
    }
    let mut out = String::new();
    for r in refs {
        out.push_str(&format!(
            "{} {} `{}` -> {} (run #{})\n",
            r.dataset, r.entity_id, r.prop, r.target, r.run_id
        ));
    }
    out.push_str(&format!("{} dangling references shown\n", refs.len()));
    out
}

pub fn runs_text(runs: &[IngestRun]) -> String {
    if runs.is_empty() {
        return "no ingest runs\n".to_owned();
    }
    let mut out = String::new();
    for r in runs {
        out.push_str(&format!(
            "#{} {} {} `{}` {}: {} rows, {} new, {} seen, {} quarantined, {} dangling{}\n",
            r.id,
            r.started_at,
            r.dataset,
            r.source,
            r.status.as_str(),
            r.rows_read,
            r.statements_new,
            r.statements_seen,
            r.quarantined,
            r.dangling,
            r.error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        ));
    }
    out
}

pub fn events_text(evs: &[AccessEvent]) -> String {
    let mut out = String::new();
    for e in evs {
        out.push_str(&format!(
            "#{} {} {:<13} {} / {} {}: {} -> {}{}{}\n",
            e.id,
            e.at,
            e.operation,
            e.principal,
            e.purpose,
            e.case_ref
                .as_deref()
                .map(|c| format!("case {c}"))
                .unwrap_or_default(),
            e.query,
            e.outcome,
            e.recipient
                .as_deref()
                .map(|r| format!(" to {r}"))
                .unwrap_or_default(),
            if e.flags.is_empty() {
                String::new()
            } else {
                format!(" [{}]", e.flags.join(", "))
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // issue 16, item 3 (I4): placeholders read as missing are counted in the summary.
    #[test]
    fn the_ingest_summary_counts_placeholders_only_when_there_are_some() {
        let mut s = IngestSummary {
            source: "cards.csv".into(),
            rows_read: 3,
            seconds: 1.0,
            ..IngestSummary::default()
        };
        assert!(!summary_line(&s).contains("placeholder"));
        s.placeholders = 2;
        assert!(
            summary_line(&s).contains("0 quarantined, 2 placeholder values read as missing, "),
            "{}",
            summary_line(&s)
        );
    }

    // issue 19, item 7: a build with semantic search says how many notes an
    // ingest embedded; one without says nothing of embedding.
    #[test]
    fn the_ingest_summary_counts_embedded_notes_in_a_semantic_build() {
        let s = IngestSummary {
            source: "notes.jsonl".into(),
            notes_embedded: 4,
            seconds: 1.0,
            ..IngestSummary::default()
        };
        assert_eq!(
            summary_line(&s).ends_with(", 4 notes embedded"),
            cfg!(feature = "semantic"),
            "{}",
            summary_line(&s)
        );
    }
}
