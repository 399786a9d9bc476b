//! Resolution quality on the demo's person records, through the engine with
//! the shipped default settings: what `clearstone demo` prints after it has
//! loaded every source and resolved.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// Small enough for a debug build, large enough that every form of the
/// generator (card holders, company officers, relatives, namesakes) occurs.
const SCALE: &str = "1500";

fn demo(dir: &Path, seed: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_clearstone"))
        .arg("--data-dir")
        .arg(dir)
        .args(["demo", "--scale", SCALE, "--seed", seed, "--no-serve"])
        .env_remove("CLEARSTONE_DATA_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The numbers of the table's line starting with `label`.
fn numbers(out: &str, label: &str) -> Vec<f64> {
    let line = out
        .lines()
        .find(|l| l.split_whitespace().next() == Some(label))
        .unwrap_or_else(|| panic!("no `{label}` line in\n{out}"));
    line.split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect()
}

/// `merged` and `of` from `<kind> pairs merged: <merged> of <of>`.
fn merged(out: &str, kind: &str) -> (u64, u64) {
    let prefix = format!("{kind} pairs merged: ");
    let rest = out
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no `{prefix}` line in\n{out}"));
    let (a, b) = rest.split_once(" of ").unwrap();
    (a.parse().unwrap(), b.parse().unwrap())
}

// issue 16, "Tests and demo": pairwise F1 >= 0.95 on the demo's person
// records with the shipped settings, no relative at the same address and no
// namesake merged with a staff member.
#[test]
fn the_demo_resolves_with_f1_of_at_least_0_95_and_no_forbidden_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let out = demo(&tmp.path().join("data"), "3");
    let overall = numbers(&out, "overall");
    let (records, f1) = (overall[0], overall[3]);
    assert!(records > 1500.0, "{out}");
    // Card holders, who have a whole name only, are found, not only kept
    // apart; the other whole-name sources are too few at this scale to hold
    // to a figure of their own.
    let cards_across_recall = numbers(&out, "cards:holder")[5];
    assert!(cards_across_recall > 0.8, "{out}");
    assert!(f1 >= 0.95, "F1 {f1}\n{out}");
    let (relatives, of) = merged(&out, "relative");
    assert!(of > 0, "{out}");
    assert_eq!(relatives, 0, "{out}");
    let (namesakes, of) = merged(&out, "namesake");
    assert!(of > 0, "{out}");
    assert_eq!(namesakes, 0, "{out}");
}

// issue 16: no relative or namesake merged on other seeds either; a father
// and the son named after him at one address merged on seeds 1, 2, 3 and 5
// at 20,000 people before a household counted once.
#[test]
fn no_forbidden_merge_on_other_seeds() {
    for seed in ["1", "5"] {
        let tmp = tempfile::tempdir().unwrap();
        let out = demo(&tmp.path().join("data"), seed);
        for kind in ["relative", "namesake"] {
            let (merged, of) = merged(&out, kind);
            assert!(of > 0, "seed {seed}: {out}");
            assert_eq!(merged, 0, "seed {seed}, {kind}: {out}");
        }
    }
}
