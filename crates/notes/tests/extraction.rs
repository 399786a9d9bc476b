//! Extraction precision and recall per kind on generated notes with ground
//! truth, decoys included (issue 19, item 2 and "tests that must exist").
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeMap;

use clearstone_notes::{EntityDetector, MentionKind, RuleDetector};
use support::notes_corpus::case;

#[derive(Default, Debug)]
struct Score {
    truth: usize,
    found: usize,
    right: usize,
    linked_right: usize,
}

#[test]
fn precision_and_recall_per_kind() {
    let detector = RuleDetector::new();
    let mut scores: BTreeMap<&'static str, Score> = BTreeMap::new();
    let mut misses: Vec<String> = Vec::new();
    for seed in 0..60 {
        let c = case(seed, 10);
        for (note, truth) in &c.notes {
            let found = detector.detect(note, &c.known);
            for t in truth {
                let s = scores.entry(t.kind.code()).or_default();
                s.truth += 1;
                match found
                    .iter()
                    .find(|m| m.kind == t.kind && m.span.start == t.start && m.span.end == t.end)
                {
                    Some(m) => {
                        s.right += 1;
                        if m.entity_id == t.entity {
                            s.linked_right += 1;
                        }
                    }
                    None if misses.len() < 40 => {
                        let text: String = note
                            .text
                            .chars()
                            .skip(t.start)
                            .take(t.end - t.start)
                            .collect();
                        misses.push(format!("missed {} `{text}`", t.kind.code()));
                    }
                    None => {}
                }
            }
            for m in &found {
                scores.entry(m.kind.code()).or_default().found += 1;
                let real = truth
                    .iter()
                    .any(|t| t.kind == m.kind && t.start == m.span.start && t.end == m.span.end);
                if !real && misses.len() < 40 {
                    misses.push(format!("spurious {} `{}`", m.kind.code(), m.text));
                }
            }
        }
    }
    let mut weak = Vec::new();
    for (kind, s) in &scores {
        let precision = s.right as f64 / s.found.max(1) as f64;
        let recall = s.right as f64 / s.truth.max(1) as f64;
        let linked = s.linked_right as f64 / s.right.max(1) as f64;
        println!(
            "{kind:12} truth {:5} found {:5} precision {:.3} recall {:.3} linked {:.3}",
            s.truth, s.found, precision, recall, linked
        );
        if precision < 0.95 || recall < 0.95 || linked < 0.95 {
            weak.push(*kind);
        }
    }
    assert!(
        weak.is_empty(),
        "weak kinds {weak:?}:\n{}",
        misses.join("\n")
    );
    assert!(
        MentionKind::ALL
            .iter()
            .all(|k| scores.contains_key(k.code())),
        "every kind is exercised"
    );
}
