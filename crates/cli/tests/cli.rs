//! The real `clearstone` binary against a real data directory.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

const SESSION: [(&str, &str); 3] = [
    ("CLEARSTONE_USER", "demo-analyst"),
    ("CLEARSTONE_PURPOSE", "demo"),
    ("CLEARSTONE_JUSTIFICATION", "integration test"),
];

/// The demo's data engineer: loads data and sees quarantine.
const LOADER: [(&str, &str); 3] = [
    ("CLEARSTONE_USER", "demo-loader"),
    ("CLEARSTONE_PURPOSE", "demo-load"),
    ("CLEARSTONE_JUSTIFICATION", "integration test"),
];

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clearstone"));
    c.arg("--data-dir").arg(dir);
    for (k, _) in SESSION {
        c.env_remove(k);
    }
    c.env_remove("CLEARSTONE_CASE")
        .env_remove("CLEARSTONE_DATA_DIR");
    c
}

fn with_session(c: Command) -> Command {
    as_user(c, SESSION)
}

fn as_user(mut c: Command, who: [(&str, &str); 3]) -> Command {
    for (k, v) in who {
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

/// Every statement the demo analyst may see, as CSV.
fn export_csv(dir: &Path) -> String {
    ok(with_session(bin(dir))
        .args([
            "export",
            "statements",
            "--format",
            "csv",
            "--recipient",
            "t",
        ])
        .output()
        .unwrap())
}

fn demo(dir: &Path, scale: &str) -> String {
    ok(bin(dir)
        .args(["demo", "--scale", scale, "--seed", "3", "--no-serve"])
        .output()
        .unwrap())
}

#[test]
fn every_data_command_refuses_without_a_session_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir).arg("init").output().unwrap());
    let commands: Vec<Vec<&str>> = vec![
        vec!["ingest", "--mapping", "nowhere.toml"],
        vec!["datasets"],
        vec!["runs"],
        vec!["show", "hr:officer:1"],
        vec![
            "export",
            "statements",
            "--format",
            "csv",
            "--recipient",
            "x",
        ],
        vec!["quarantine", "list"],
        vec!["quarantine", "replay"],
        vec!["reveal", "hr:officer:1", "ethnicity"],
        vec!["events"],
        vec!["alerts"],
        vec!["break-glass", "--minutes", "10"],
        vec!["user", "list"],
        vec!["user", "add", "bob", "--role", "analyst"],
        vec!["user", "disable", "bob"],
        vec!["purpose", "list"],
        vec!["purpose", "add", "--file", "nowhere.toml"],
        vec!["audit", "query"],
        vec!["audit", "receipt", "1"],
        vec!["resolve"],
        // issue 16, item 5: profiling counts personal data, so it is an act
        // of a session like resolving.
        vec!["resolve", "profile"],
        vec!["review"],
        vec!["judge", "a:b:1", "a:b:2", "same", "--why", "x"],
        vec!["judgements"],
        vec!["judgements", "withdraw", "1", "--why", "x"],
        vec!["explain", "a:b:1", "a:b:2"],
        vec!["dossier", "hr:officer:1"],
        vec!["graph", "neighbours", "hr:officer:1"],
        vec!["graph", "expand", "hr:officer:1"],
        vec!["graph", "paths", "hr:officer:1", "hr:officer:2"],
        vec!["graph", "shared", "hr:officer:1", "hr:officer:2"],
        vec!["graph", "centrality", "hr:officer:1"],
        vec![
            "graph",
            "export",
            "hr:officer:1",
            "--format",
            "graphml",
            "--out",
            "never.graphml",
        ],
        vec!["search", "smith"],
        // A query may start with `-`, the documented exclusion (issue 14).
        vec!["search", "-dataset:hr"],
        vec!["index", "rebuild"],
        vec!["erase", "a:b:1", "--why", "SAR-1"],
        // issue 14: reading a file to check it is an act of a session too.
        vec!["policy", "check"],
        vec!["policy", "check", "nowhere.cedar"],
        // issue 18, items 3 to 5: reviewing, cases and fairness are acts of a session.
        vec!["review-alert", "1"],
        vec![
            "review-alert",
            "1",
            "--decide",
            "no_further_action",
            "--rationale",
            "x",
        ],
        vec!["review-alert", "--rubber-stamp"],
        vec!["case", "create", "--title", "x"],
        vec!["case", "list"],
        vec!["case", "show", "C-1"],
        vec!["case", "link", "C-1", "subject", "hr:officer:1"],
        vec!["case", "member", "C-1", "add", "bob"],
        vec!["case", "export", "C-1", "--recipient", "x"],
        vec![
            "fairness",
            "dry-run",
            "--rule",
            "r",
            "--version",
            "1",
            "--flagged",
            "nowhere.txt",
        ],
        // issue 18, item 5: the monthly report is an act of a session.
        vec!["fairness", "monthly", "--from", "2026-01"],
        // issue 17: ending break-glass is an act of a session too.
        vec!["break-glass", "--end"],
    ];
    for args in commands {
        let out = bin(&dir).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("principal_required"), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");
        // With a user but no purpose, and with no justification, the refusal names what is missing.
        let out = bin(&dir)
            .args(&args)
            .env("CLEARSTONE_USER", "u")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("purpose_required"),
            "{args:?}"
        );
        let out = bin(&dir)
            .args(&args)
            .env("CLEARSTONE_USER", "u")
            .env("CLEARSTONE_PURPOSE", "p")
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("justification_required"),
            "{args:?}"
        );
    }
    let out = bin(&tmp.path().join("nothing-here"))
        .arg("datasets")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not_initialised"));
}

#[test]
fn demo_loads_everything_and_shows_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    let out = demo(&dir, "300");
    assert!(out.contains("loaded"), "{out}");
    let datasets = ok(with_session(bin(&dir))
        .arg("datasets")
        .arg("--json")
        .output()
        .unwrap());
    let ds: serde_json::Value = serde_json::from_str(&datasets).unwrap();
    assert!(ds.as_array().unwrap().len() >= 8, "{ds}");
    assert!(
        ds.as_array()
            .unwrap()
            .iter()
            .all(|d| d["statements"].as_u64().unwrap() > 0)
    );

    // The demo's example entity shows, with its sources.
    let example = out
        .lines()
        .find(|l| l.contains(" show "))
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap()
        .to_string();
    let shown: serde_json::Value = serde_json::from_str(&ok(with_session(bin(&dir))
        .args(["show", &example, "--json"])
        .output()
        .unwrap()))
    .unwrap();
    assert_eq!(shown["id"], example.as_str());
    // The demo resolved and indexed: its suggested search finds the example.
    let name = out
        .lines()
        .find(|l| l.contains(" search '") && !l.contains(':'))
        .and_then(|l| l.split('\'').nth(1))
        .unwrap()
        .to_string();
    let found: serde_json::Value = serde_json::from_str(&ok(with_session(bin(&dir))
        .args(["search", &name, "--json", "--size", "100"])
        .output()
        .unwrap()))
    .unwrap();
    assert!(
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["records"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == example.as_str())),
        "{name}: {found}"
    );
    let props = shown["properties"].as_object().unwrap();
    assert!(!props.is_empty());
    assert!(
        props
            .values()
            .flat_map(|vals| vals.as_array().unwrap())
            .all(|v| v["dataset"].is_string() && v["record"].is_string())
    );

    // Special-category values are masked until revealed, and revealing is its own act.
    let text = ok(with_session(bin(&dir))
        .args(["show", &example])
        .output()
        .unwrap());
    let ethnicity = props
        .get("ethnicity")
        .and_then(|v| v[0]["value"].as_str())
        .unwrap_or_default()
        .to_string();
    assert_eq!(ethnicity, "[ethnic — masked]", "{shown}");
    assert!(text.contains("[ethnic — masked]"), "{text}");
    let revealed: serde_json::Value = serde_json::from_str(&ok(with_session(bin(&dir))
        .args(["reveal", &example, "ethnicity", "--json"])
        .output()
        .unwrap()))
    .unwrap();
    let value = revealed["properties"]["ethnicity"][0]["value"]
        .as_str()
        .unwrap();
    assert!(!value.contains("masked") && !value.is_empty(), "{revealed}");
    let dpo = [
        ("CLEARSTONE_USER", "demo-dpo"),
        ("CLEARSTONE_PURPOSE", "demo-oversight"),
        ("CLEARSTONE_JUSTIFICATION", "checking the demo"),
    ];
    let events = ok(as_user(bin(&dir), dpo)
        .args(["events", "--limit", "20"])
        .output()
        .unwrap());
    assert!(events.contains("reveal"), "{events}");
    // The overseer's view from the signed log: the reveal, with its proof.
    let q = ok(as_user(bin(&dir), dpo)
        .args(["audit", "query", "--operation", "reveal"])
        .output()
        .unwrap());
    let lines: Vec<serde_json::Value> = q
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["schema"], "clearstone-oversight/v1");
    assert_eq!(lines.len(), 2, "{q}");
    assert!(!lines[1]["proof"].as_array().unwrap().is_empty());
    let key = ok(bin(&dir).args(["audit", "key"]).output().unwrap());
    assert_eq!(key.trim(), lines[0]["verifier_key"].as_str().unwrap());
    // A receipt for one access, from the command that made it.
    let proof = tmp.path().join("show.proof");
    ok(with_session(bin(&dir))
        .args(["show", &example, "--receipt", proof.to_str().unwrap()])
        .output()
        .unwrap());
    let receipt = std::fs::read_to_string(&proof).unwrap();
    assert!(receipt.starts_with("c2sp.org/tlog-proof@v1\n"), "{receipt}");
    // A link planted where a receipt or the overseer's query is written is
    // refused, and what it points at is left as it was.
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "not to be replaced").unwrap();
    let planted = tmp.path().join("planted.proof");
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let receipt_through_link = with_session(bin(&dir))
        .args(["show", &example, "--receipt", planted.to_str().unwrap()])
        .output()
        .unwrap();
    let query_through_link = as_user(bin(&dir), dpo)
        .args(["audit", "query", "--out", planted.to_str().unwrap()])
        .output()
        .unwrap();
    for refused in [&receipt_through_link, &query_through_link] {
        assert!(!refused.status.success());
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(said.contains("symbolic link"), "{said}");
    }
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "not to be replaced"
    );
    // Nothing but the reveal shows the value: not the export, not the events.
    let export = export_csv(&dir);
    let exported: Vec<&str> = export
        .lines()
        .filter(|l| l.contains(&format!("{example},")) && l.contains(",ethnicity,"))
        .collect();
    assert!(
        !exported.is_empty()
            && exported
                .iter()
                .all(|l| l.contains("[ethnic — masked]") && !l.contains(&format!(",{value},"))),
        "{exported:?}"
    );
    assert!(!events.contains(value) || value.len() < 4);

    // The generator's deliberately bad rows are all in quarantine.
    let q: serde_json::Value = serde_json::from_str(&ok(as_user(bin(&dir), LOADER)
        .args(["quarantine", "list", "--limit", "1000", "--json"])
        .output()
        .unwrap()))
    .unwrap();
    // Every generated bad row, those of sickness, union and EHC plan sources
    // too: the loader's purpose names a lawful condition for them.
    let bad = std::fs::read_to_string(dir.join("demo-sources").join("bad_rows.csv")).unwrap();
    let mut bad: Vec<(String, u64)> = bad
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut f = l.split(',');
            (
                f.next().unwrap().to_string(),
                f.next().unwrap().parse().unwrap(),
            )
        })
        .collect();
    assert!(!bad.is_empty());
    let mut listed: Vec<(String, u64)> = q
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["source"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    bad.sort();
    listed.sort();
    assert_eq!(listed, bad, "{q}");

    // Running the demo again adds nothing.
    let before = export_csv(&dir);
    demo(&dir, "300");
    let after = export_csv(&dir);
    assert_eq!(before.lines().count(), after.lines().count());
}

/// Statements by id without the ingest times, which differ between runs.
fn statements(dir: &Path) -> Vec<String> {
    let out = ok(with_session(bin(dir))
        .args([
            "export",
            "statements",
            "--format",
            "jsonl",
            "--recipient",
            "test",
        ])
        .output()
        .unwrap());
    let mut v: Vec<String> = out
        .lines()
        .map(|l| {
            let mut j: serde_json::Value = serde_json::from_str(l).unwrap();
            let o = j.as_object_mut().unwrap();
            o.remove("first_seen");
            o.remove("last_seen");
            j.to_string()
        })
        .collect();
    v.sort();
    v
}

fn ingest_cmd(dir: &Path, mappings: &[std::path::PathBuf]) -> Command {
    let mut c = as_user(bin(dir), LOADER);
    c.arg("ingest");
    for m in mappings {
        c.arg("--mapping").arg(m);
    }
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

#[test]
fn an_ingest_killed_midway_converges_when_run_again() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    let generated = clearstone_demo::generate(
        &clearstone_demo::Options {
            seed: 11,
            people: 3000,
        },
        &src,
    )
    .unwrap();

    let clean = tmp.path().join("clean");
    ok(bin(&clean)
        .args(["demo", "--scale", "100", "--no-ingest"])
        .output()
        .unwrap());
    assert!(
        ingest_cmd(&clean, &generated.mappings)
            .status()
            .unwrap()
            .success()
    );
    let want = statements(&clean);
    assert!(want.len() > 10_000);

    // Each kill lands once the ingest has reported the k-th source done, so
    // that the store holds some of the run but not all, whatever the speed
    // of the machine.
    let sources = generated.mappings.len();
    assert!(sources >= 6);
    for (i, done) in [1, sources / 3, 2 * sources / 3].into_iter().enumerate() {
        let dir = tmp.path().join(format!("killed{i}"));
        ok(bin(&dir)
            .args(["demo", "--scale", "100", "--no-ingest"])
            .output()
            .unwrap());
        let mut child = ingest_cmd(&dir, &generated.mappings)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let reported =
            std::io::BufRead::lines(std::io::BufReader::new(child.stdout.take().unwrap()))
                .map(Result::unwrap)
                .take(done)
                .count();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            reported, done,
            "run {i}: the ingest ended early ({status:?})"
        );
        let partial = statements(&dir).len();
        assert!(
            partial > 0 && partial < want.len(),
            "run {i}: killed after {done} of {sources} sources, the store held {partial} of {} statements",
            want.len()
        );
        assert!(
            ingest_cmd(&dir, &generated.mappings)
                .status()
                .unwrap()
                .success()
        );
        assert_eq!(
            statements(&dir),
            want,
            "run {i} (killed: {status:?}, {partial} statements before re-run)"
        );
    }
}

#[test]
fn bench_ingest_prints_the_recorded_ratio_and_fails_below_it() {
    // issue 15: the bench test asserted only `ratio > 0`; it now checks the
    // comparison with the recorded figures, whichever way the run goes.
    let tmp = tempfile::tempdir().unwrap();
    let bench = |recorded: f64| {
        let baseline = tmp.path().join(format!("recorded-{recorded}.toml"));
        std::fs::write(
            &baseline,
            format!("margin = 0.25\n[[run]]\nrows = 3000\nratio = {recorded}\nwhen = \"test\"\n"),
        )
        .unwrap();
        bin(&tmp.path().join("unused"))
            .args(["bench", "ingest", "--rows", "3000", "--work-dir"])
            .arg(tmp.path().join("work"))
            .arg("--baseline")
            .arg(&baseline)
            .output()
            .unwrap()
    };
    let ratio_line = |out: &std::process::Output| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| {
                l.trim()
                    .strip_prefix("ratio (CSV MB/s, ours / limit): ")
                    .map(str::to_string)
            })
            .unwrap_or_default()
    };
    // Far below any real run: it passes and shows both figures side by side.
    let low = bench(1e-9);
    assert!(low.status.success(), "{low:?}");
    let line = ratio_line(&low);
    let ratio: f64 = line.split_whitespace().next().unwrap().parse().unwrap();
    assert!(ratio > 0.0, "{line}");
    assert!(line.ends_with("recorded: 0.000 (test)"), "{line}");
    // The numbers agree with each other: every generated row was read, and
    // the speed shown is the rows over the time shown.
    let out = String::from_utf8_lossy(&low.stdout).to_string();
    let err = String::from_utf8_lossy(&low.stderr).to_string();
    let generated: u64 = err
        .lines()
        .find_map(|l| l.strip_prefix("generated "))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    let read: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("ingest benchmark ("))
        .and_then(|l| l.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    assert!(generated > 0, "{err}");
    assert_eq!(read, generated, "{out}");
    let number_before = |line: &str, unit: &str| -> f64 {
        let l = out
            .lines()
            .find(|l| l.trim_start().starts_with(line))
            .unwrap();
        let at = l.find(unit).unwrap();
        l[..at].split_whitespace().last().unwrap().parse().unwrap()
    };
    let secs = number_before("clearstone, all sources", " s ");
    let rows_per_s = number_before("clearstone, all sources", "rows/s");
    // Seconds are shown to 0.01 and rows per second to 1.
    let (fast, slow) = (read as f64 / (secs - 0.005), read as f64 / (secs + 0.005));
    assert!((slow - 0.5..=fast + 0.5).contains(&rows_per_s), "{out}");
    // Far above any real run: it fails, saying why, after printing the figures.
    let high = bench(1e9);
    assert_eq!(high.status.code(), Some(1), "{high:?}");
    assert!(ratio_line(&high).contains("recorded: 1000000000.000 (test)"));
    let err = String::from_utf8_lossy(&high.stderr);
    assert!(err.contains("ingest regressed: ratio "), "{err}");
    assert!(err.contains("margin of 25%"), "{err}");
}

// issue 14: exit code 2 means a fault in clearstone, not a mistyped command.
#[test]
fn usage_errors_exit_1_and_help_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    for args in [
        vec!["frobnicate"],
        vec!["show"],
        vec!["search", "smith", "--no-such-flag"],
        vec!["user"],
    ] {
        let out = bin(&dir).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
    }
    for args in [vec!["--help"], vec!["search", "--help"], vec!["--version"]] {
        let out = bin(&dir).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}

// issue 14: `policy check` neither runs without a session nor repeats the
// text of the file it was given.
#[test]
fn policy_check_needs_an_administrator_and_does_not_echo_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir)
        .args(["init", "--admin", "root"])
        .output()
        .unwrap());
    let file = tmp.path().join("notes.txt");
    std::fs::write(
        &file,
        "Jane Doe, \"type 2 diabetes\"\npermit (principal == User::\"Jane Doe\", action, resource);\n",
    )
    .unwrap();
    let admin = [
        ("CLEARSTONE_USER", "root"),
        ("CLEARSTONE_PURPOSE", "administration"),
        ("CLEARSTONE_JUSTIFICATION", "checking a policy draft"),
    ];
    let out = as_user(bin(&dir), admin)
        .args(["policy", "check"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid_policy"), "{err}");
    for token in ["Jane", "Doe", "diabetes"] {
        assert!(!err.contains(token), "`{token}` echoed: {err}");
    }
    // The data directory's own policies are valid.
    let shown = ok(as_user(bin(&dir), admin)
        .args(["policy", "check"])
        .output()
        .unwrap());
    assert!(shown.contains("is valid against the schema"), "{shown}");
}

/// `c` run under a file-creation mask that leaves new files readable by
/// everyone, as many systems default to.
fn under_umask_022(c: Command) -> Command {
    let mut sh = Command::new("sh");
    sh.arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(c.get_program())
        .args(c.get_args());
    for (k, v) in c.get_envs() {
        match v {
            Some(v) => sh.env(k, v),
            None => sh.env_remove(k),
        };
    }
    sh
}

/// Every file and directory under `dir`, `dir` included.
fn entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(entries(&p));
        } else {
            out.push(p);
        }
    }
    out
}

// issue 14, finding 4
#[test]
fn every_file_the_commands_write_is_readable_by_its_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    // init, ingest and resolve
    ok(under_umask_022(bin(&dir))
        .args(["demo", "--scale", "100", "--seed", "3", "--no-serve"])
        .output()
        .unwrap());
    ok(under_umask_022(with_session(bin(&dir)))
        .args(["search", "smith"])
        .output()
        .unwrap());
    let export = tmp.path().join("all.csv");
    let receipt = tmp.path().join("export.proof");
    ok(under_umask_022(with_session(bin(&dir)))
        .args([
            "export",
            "statements",
            "--format",
            "csv",
            "--recipient",
            "t",
        ])
        .arg("--out")
        .arg(&export)
        .arg("--receipt")
        .arg(&receipt)
        .output()
        .unwrap());
    let mut all = entries(&dir);
    all.extend([export, receipt]);
    let open: Vec<String> = all
        .iter()
        .map(|p| {
            (
                p,
                std::fs::metadata(p).unwrap().permissions().mode() & 0o7777,
            )
        })
        .filter(|(_, mode)| mode & 0o077 != 0)
        .map(|(p, mode)| format!("{} {mode:04o}", p.display()))
        .collect();
    assert!(all.len() > 20, "{all:?}");
    assert!(open.is_empty(), "readable by others: {open:#?}");
}

// issue 14, finding 4
#[test]
fn a_shared_data_directory_is_refused_unless_the_flag_allows_it() {
    use std::os::unix::fs::PermissionsExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir).arg("init").output().unwrap());
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o750)).unwrap();
    let out = bin(&dir).args(["audit", "key"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("error[shared_permissions]"), "{err}");
    assert!(
        err.contains(&dir.display().to_string()) && err.contains("0750"),
        "{err}"
    );
    ok(bin(&dir)
        .args(["audit", "key", "--allow-shared-permissions"])
        .output()
        .unwrap());
    ok(bin(&dir)
        .args(["audit", "key"])
        .env("CLEARSTONE_ALLOW_SHARED_PERMISSIONS", "true")
        .output()
        .unwrap());
}
