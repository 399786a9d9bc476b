//! `clearstone review`, `judgements` and `explain` driven as a reviewer
//! would, with answers on standard input.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SESSION: [(&str, &str); 3] = [
    ("CLEARSTONE_USER", "demo-analyst"),
    ("CLEARSTONE_PURPOSE", "demo"),
    ("CLEARSTONE_JUSTIFICATION", "integration test"),
];

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clearstone"));
    c.arg("--data-dir").arg(dir);
    c.env_remove("CLEARSTONE_CASE")
        .env_remove("CLEARSTONE_DATA_DIR");
    for (k, v) in SESSION {
        c.env(k, v);
    }
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A resolved demo whose review queue holds pairs.
fn demo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    ok(bin(&tmp.path().join("data"))
        .args(["demo", "--scale", "100", "--seed", "3", "--no-serve"])
        .output()
        .unwrap());
    tmp
}

fn review(dir: &Path, answers: &str) -> Output {
    let mut child = bin(dir)
        .args(["review", "--limit", "2"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

// issue 16, item 8
#[test]
fn an_empty_reason_is_asked_again_and_the_end_of_input_ends_cleanly() {
    let tmp = demo();
    let dir = tmp.path().join("data");
    // A verdict, an empty reason, then nothing more.
    let out = ok(review(&dir, "y\n\n"));
    assert!(out.contains("a judgement needs a reason"), "{out}");
    assert!(out.contains("0 judgements recorded"), "{out}");
    let listed = ok(bin(&dir).arg("judgements").output().unwrap());
    assert_eq!(listed, "no standing judgements on Person pairs\n");
    let alerts = ok(bin(&dir)
        .arg("alerts")
        .env("CLEARSTONE_USER", "demo-dpo")
        .env("CLEARSTONE_PURPOSE", "demo-oversight")
        .output()
        .unwrap());
    // The demo's indicator rules raise alerts of their own; the review none.
    assert!(
        alerts
            .lines()
            .filter(|l| l.starts_with('#'))
            .all(|l| l.contains(" indicator by `demo-indicators`")),
        "{alerts}"
    );

    let out = ok(review(&dir, "y\n \nsame date of birth and postcode\nq\n"));
    assert!(out.contains("a judgement needs a reason"), "{out}");
    assert!(out.contains("recorded judgement 1"), "{out}");
    assert!(out.contains("1 judgements recorded"), "{out}");
    let listed = ok(bin(&dir).arg("judgements").output().unwrap());
    assert!(
        listed.starts_with("#1 ") && listed.contains("same date of birth and postcode"),
        "{listed}"
    );
}

// issue 16, item 8
#[test]
fn each_comparison_shows_the_values_it_compared_and_missing_is_not_a_disagreement() {
    let tmp = demo();
    let dir = tmp.path().join("data");
    let out = ok(review(&dir, "s\ns\n"));
    assert!(out.contains("pair 1 of 2"), "{out}");
    // Addresses as their values (the postcode the place comparison read),
    // never as the address records' ids.
    assert!(!out.contains(":address:"), "{out}");
    let place = out
        .lines()
        .find(|l| l.contains(" place "))
        .unwrap_or_else(|| panic!("no place comparison: {out}"));
    let postcode = out
        .lines()
        .skip_while(|l| !l.contains(" place "))
        .find(|l| l.trim_start().starts_with("postcode "))
        .unwrap_or_else(|| panic!("no postcode compared: {out}"));
    // The demo's postcodes are in the fictional NX area.
    let outward = |w: &str| {
        w.strip_prefix("NX")
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
    };
    assert!(
        postcode.split_whitespace().any(outward),
        "{place}\n{postcode}"
    );
    // A side with no value is no evidence, not a disagreement.
    assert!(out.contains("missing (no evidence)"), "{out}");
    for line in out.lines() {
        if line.starts_with('≠') {
            assert!(!line.contains("missing"), "{line}");
        }
        if line.contains("missing") {
            assert!(!line.starts_with('≠'), "{line}");
        }
    }
    // The model's exact agreement reads as agreement.
    assert!(
        out.lines()
            .any(|l| l.starts_with("= given") && l.contains("exact")),
        "{out}"
    );

    // issue 16, item 7: the clusters go out as a disclosure.
    let clusters = ok(bin(&dir)
        .args([
            "export",
            "clusters",
            "--format",
            "jsonl",
            "--recipient",
            "self, for analysis",
        ])
        .output()
        .unwrap());
    let first: serde_json::Value = serde_json::from_str(clusters.lines().next().unwrap()).unwrap();
    assert!(
        first["canonical_id"].as_str().unwrap().starts_with("cs-"),
        "{first}"
    );
    assert!(
        clusters
            .lines()
            .any(|l| l.contains("\"joined_by\":\"score\"")),
        "{clusters}"
    );

    let explained = ok(bin(&dir)
        .args([
            "explain",
            "intel:subject:IR-0000001",
            "crime:person:N0000004",
        ])
        .output()
        .unwrap());
    assert!(explained.contains("missing (no evidence)"), "{explained}");
    assert!(!explained.contains(":address:"), "{explained}");
    let json: serde_json::Value = serde_json::from_str(&ok(bin(&dir)
        .args([
            "explain",
            "intel:subject:IR-0000001",
            "crime:person:N0000004",
            "--json",
        ])
        .output()
        .unwrap()))
    .unwrap();
    let place = json["compared"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["comparison"] == "place")
        .unwrap();
    assert!(place.to_string().contains("NX1 0AA"), "{place}");
    assert_eq!(
        json["terms"].as_array().unwrap().len(),
        json["compared"].as_array().unwrap().len()
    );
}

// issue 16, item 8
#[test]
fn empty_lists_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir).arg("init").output().unwrap());
    let admin = |args: &[&str]| {
        ok(bin(&dir)
            .args(args)
            .env("CLEARSTONE_USER", "admin")
            .env("CLEARSTONE_PURPOSE", "administration")
            .output()
            .unwrap())
    };
    assert_eq!(
        admin(&["references", "dangling"]),
        "no dangling references\n"
    );
    assert_eq!(admin(&["quarantine", "list"]), "no quarantined records\n");
    assert_eq!(admin(&["datasets"]), "no datasets this purpose covers\n");
    assert_eq!(admin(&["alerts"]), "no alerts\n");
    assert_eq!(
        admin(&["judgements"]),
        "no standing judgements on Person pairs\n"
    );
    assert_eq!(
        admin(&["judgements", "--withdrawn"]),
        "no judgements on Person pairs\n"
    );
}
