//! `clearstone dossier` and `clearstone graph` against the demo's data
//! directory, through the real binary.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

const SESSION: [(&str, &str); 3] = [
    ("CLEARSTONE_USER", "demo-analyst"),
    ("CLEARSTONE_PURPOSE", "demo"),
    ("CLEARSTONE_JUSTIFICATION", "exploring the demo"),
];

const DPO: [(&str, &str); 3] = [
    ("CLEARSTONE_USER", "demo-dpo"),
    ("CLEARSTONE_PURPOSE", "demo-oversight"),
    ("CLEARSTONE_JUSTIFICATION", "checking the demo"),
];

fn bin(dir: &Path, who: Option<[(&str, &str); 3]>) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clearstone"));
    c.arg("--data-dir").arg(dir);
    for (k, _) in SESSION {
        c.env_remove(k);
    }
    c.env_remove("CLEARSTONE_CASE")
        .env_remove("CLEARSTONE_DATA_DIR")
        .env_remove("CLEARSTONE_RECIPIENT");
    for (k, v) in who.into_iter().flatten() {
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

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(bin(dir, Some(SESSION)).args(&all).output().unwrap())).unwrap()
}

#[test]
fn dossier_and_graph_on_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let out = ok(bin(&dir, None)
        .args(["demo", "--scale", "300", "--seed", "3", "--no-serve"])
        .output()
        .unwrap());
    // The demo names an example entity to try.
    let example = out
        .lines()
        .find(|l| l.contains(" dossier "))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();

    let d = json(&dir, &["dossier", &example]);
    assert!(d["id"].is_string(), "{d}");
    let members = d["members"].as_array().unwrap();
    assert!(
        members.iter().any(|m| m["entity_id"] == example.as_str()),
        "{d}"
    );
    let props = d["properties"].as_object().unwrap();
    assert!(!props.is_empty());
    for values in props.values() {
        for v in values.as_array().unwrap() {
            assert!(!v["sources"].as_array().unwrap().is_empty(), "{v}");
        }
    }
    let dates: Vec<&str> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["date"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "the timeline is in date order");
    let text = ok(bin(&dir, Some(SESSION))
        .args(["dossier", &example])
        .output()
        .unwrap());
    assert!(
        text.contains("records\n") && text.contains(&example),
        "{text}"
    );

    let net = json(&dir, &["graph", "expand", &example, "--hops", "2"]);
    let nodes = net["nodes"].as_array().unwrap();
    assert_eq!(nodes[0]["id"], d["id"], "{net}");
    let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    let small = json(
        &dir,
        &[
            "graph",
            "expand",
            &example,
            "--hops",
            "2",
            "--nodes-max",
            "2",
        ],
    );
    assert_eq!(small["nodes"].as_array().unwrap().len(), ids.len().min(2));

    let n = json(&dir, &["graph", "neighbours", &example]);
    assert_eq!(n["node"]["id"], d["id"]);
    if let Some(far) = ids.last().filter(|_| ids.len() > 1) {
        let p = json(&dir, &["graph", "paths", &example, far, "--k", "2"]);
        assert!(p["shortest"]["nodes"].is_array(), "{p}");
        let s = json(&dir, &["graph", "shared", &example, far]);
        assert!(s["associates"].is_array(), "{s}");
    }
    let c = json(&dir, &["graph", "centrality", &example, "--hops", "2"]);
    assert_eq!(c["scores"].as_array().unwrap().len(), ids.len());

    // Exports load back, and say who they went to.
    let file = tmp.path().join("ex.cyjs");
    let err = String::from_utf8(
        bin(&dir, Some(SESSION))
            .args([
                "graph",
                "export",
                &example,
                "--format",
                "cytoscape",
                "--out",
            ])
            .arg(&file)
            .args(["--recipient", "IOPC"])
            .output()
            .unwrap()
            .stderr,
    )
    .unwrap();
    assert!(err.contains("for IOPC"), "{err}");
    let cy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(cy["elements"]["nodes"].as_array().unwrap().len(), ids.len());
    let graphml = tmp.path().join("ex.graphml");
    ok(bin(&dir, Some(SESSION))
        .args(["graph", "export", &example, "--format", "graphml", "--out"])
        .arg(&graphml)
        .args(["--recipient", "self, for analysis"])
        .output()
        .unwrap());
    let text = std::fs::read_to_string(&graphml).unwrap();
    assert!(
        text.starts_with("<?xml") && text.contains("<graphml"),
        "{text}"
    );
    assert_eq!(text.matches("<node ").count(), ids.len());

    let events = ok(bin(&dir, Some(DPO))
        .args(["events", "--limit", "30"])
        .output()
        .unwrap());
    for q in [
        "dossier",
        "graph expand 2 hops",
        "graph neighbours",
        "graph centrality 2 hops",
        "graph export graphml 2 hops",
    ] {
        assert!(events.contains(q), "{q} not logged:\n{events}");
    }
    assert!(
        events.contains("disclose") && events.contains("to IOPC"),
        "{events}"
    );
    // An export to one's own file is a disclosure too (issue 14, finding 12).
    let own = events
        .lines()
        .find(|l| l.contains("graph export graphml"))
        .unwrap();
    assert!(
        own.contains("disclose") && own.contains("to self, for analysis"),
        "{own}"
    );

    // A refused disclosure leaves an existing file as it was, whatever is
    // exported (issue 14, finding 8).
    std::fs::write(&graphml, "kept").unwrap();
    let long = "IOPC ".repeat(14_000);
    let graph_export = bin(&dir, Some(SESSION))
        .args(["graph", "export", &example, "--format", "graphml", "--out"])
        .arg(&graphml)
        .args(["--recipient", &long])
        .output()
        .unwrap();
    let statements = bin(&dir, Some(SESSION))
        .args(["export", "statements", "--format", "csv", "--out"])
        .arg(&graphml)
        .args(["--recipient", &long])
        .output()
        .unwrap();
    for out in [graph_export, statements] {
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("recipient"));
    }
    assert_eq!(std::fs::read_to_string(&graphml).unwrap(), "kept");

    // A refused export writes no file; an unknown entity is not found.
    let nowhere = tmp.path().join("never.graphml");
    let out = bin(&dir, None)
        .args(["graph", "export", &example, "--format", "graphml", "--out"])
        .arg(&nowhere)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!nowhere.exists());
    let out = bin(&dir, Some(SESSION))
        .args(["dossier", "no:such:entity"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not_found"));
}
