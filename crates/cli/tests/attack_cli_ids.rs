//! Every command that takes the id of a record, case, note, event, alert,
//! judgement, summary or token, called with a visible, a hidden, an absent
//! and a malformed one. Hidden and absent must get the same exit code, the
//! same output (with the id put back) and the same event, and every call is
//! exactly one event. The commands are read from clap's own help, so a new
//! argument must be classified here before this passes.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const ADMIN: [&str; 6] = [
    "--user",
    "admin",
    "--purpose",
    "administration",
    "--justification",
    "setting up the id matrix",
];
const LOAD: [&str; 6] = [
    "--user",
    "ana",
    "--purpose",
    "load",
    "--justification",
    "loading what the matrix reads",
];
const ANA: [&str; 6] = [
    "--user",
    "ana",
    "--purpose",
    "pds",
    "--justification",
    "checking the id matrix",
];

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clearstone"));
    c.arg("--data-dir").arg(dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("CLEARSTONE_") {
            c.env_remove(k);
        }
    }
    c
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin(dir).args(args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn with(args: &[&str], session: &[&str]) -> Vec<String> {
    args.iter().chain(session).map(|s| s.to_string()).collect()
}

fn ok_as(dir: &Path, args: &[&str], session: &[&str]) -> String {
    let all = with(args, session);
    ok(dir, &all.iter().map(String::as_str).collect::<Vec<_>>())
}

/// The events the log holds, newest first, as the administrator reads them.
fn events(dir: &Path) -> Vec<Value> {
    let out = ok_as(dir, &["events", "--json", "--limit", "1000"], &ADMIN);
    serde_json::from_str::<Value>(&out)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn last_event(dir: &Path) -> i64 {
    events(dir)[0]["id"].as_i64().unwrap()
}

// ---- the command tree, from clap's help ----

/// A leaf command's path, its positional arguments and its options that
/// take a value.
struct Leaf {
    path: Vec<String>,
    positionals: Vec<String>,
    options: Vec<String>,
}

fn help(path: &[String]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_clearstone"))
        .args(path)
        .arg("--help")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The entries of a section of the help: its lines up to the next title,
/// less the descriptions clap puts on lines of their own in long help.
fn section<'a>(text: &'a str, title: &str) -> Vec<&'a str> {
    text.lines()
        .skip_while(|l| *l != title)
        .skip(1)
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .filter(|l| {
            let t = l.trim_start();
            let indent = l.len() - t.len();
            indent == 2 || (indent > 2 && indent <= 6 && t.starts_with('-'))
        })
        .collect()
}

fn leaves(path: Vec<String>, out: &mut Vec<Leaf>) {
    let text = help(&path);
    let subs: Vec<String> = section(&text, "Commands:")
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect();
    for s in &subs {
        let mut p = path.clone();
        p.push(s.clone());
        leaves(p, out);
    }
    // A command with subcommands may take arguments of its own too
    // (`resolve`), but none of those takes an id: only leaves are read.
    if !subs.is_empty() {
        return;
    }
    let positionals = section(&text, "Arguments:")
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .map(|a| a.trim_matches(|c| "[]<>.".contains(c)).to_string())
        .collect();
    let options = section(&text, "Options:")
        .iter()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("-h, ").unwrap_or(l);
            let l = l.get(..2).filter(|_| l.contains(" <")).map(|_| l)?;
            let l = if l.starts_with("--") {
                l
            } else {
                l.split(", ").nth(1)?
            };
            l.split_whitespace().next().map(str::to_string)
        })
        .collect();
    out.push(Leaf {
        path,
        positionals,
        options,
    });
}

/// What kind of id an argument takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Record,
    Case,
    Note,
    Event,
    Alert,
    Judgement,
    Summary,
    Token,
}

/// Options whose value may be an id, wherever they appear. The session's
/// `--case` is on every command and is called once, on `datasets`.
const ID_OPTIONS: [&str; 5] = ["--about", "--for-case", "--note", "--subject", "--id"];

/// Each argument that is or may be an id: the kind it takes, and the call
/// with `{}` where the id goes (`{out}`: a fresh file; `{audio}`: a
/// recording), or why it is not one called here.
enum Class {
    Id(Kind, &'static [&'static str]),
    Not(&'static str),
}

use Class::{Id, Not};
use Kind::*;

const USER: &str = "a user of the register, which only administrators read or change";

fn classes() -> Vec<(&'static str, &'static str, Class)> {
    vec![
        ("user add", "ID", Not(USER)),
        ("user disable", "ID", Not(USER)),
        ("user set-password", "ID", Not(USER)),
        ("user enrol", "ID", Not(USER)),
        ("policy check", "FILE", Not("a file to read")),
        ("reveal", "ENTITY_ID", Id(Record, &["reveal", "{}", "name"])),
        ("reveal", "PROPERTY", Not("a property of the ontology")),
        (
            "audit receipt",
            "EVENT_ID",
            Id(Event, &["audit", "receipt", "{}"]),
        ),
        (
            "audit query",
            "--subject",
            Not("an overseer's question of the whole log, which names every subject by keyed hash"),
        ),
        ("show", "ENTITY_ID", Id(Record, &["show", "{}"])),
        ("dossier", "ENTITY_ID", Id(Record, &["dossier", "{}"])),
        (
            "graph neighbours",
            "ID",
            Id(Record, &["graph", "neighbours", "{}"]),
        ),
        ("graph expand", "ID", Id(Record, &["graph", "expand", "{}"])),
        (
            "graph paths",
            "A",
            Id(Record, &["graph", "paths", "{}", "hr:person:2"]),
        ),
        (
            "graph paths",
            "B",
            Id(Record, &["graph", "paths", "hr:person:2", "{}"]),
        ),
        (
            "graph shared",
            "A",
            Id(Record, &["graph", "shared", "{}", "hr:person:2"]),
        ),
        (
            "graph shared",
            "B",
            Id(Record, &["graph", "shared", "hr:person:2", "{}"]),
        ),
        (
            "graph centrality",
            "ID",
            Id(Record, &["graph", "centrality", "{}"]),
        ),
        (
            "graph export",
            "ID",
            Id(
                Record,
                &[
                    "graph",
                    "export",
                    "{}",
                    "--format",
                    "graphml",
                    "--out",
                    "{out}",
                    "--recipient",
                    "self, for analysis",
                ],
            ),
        ),
        (
            "judge",
            "LEFT",
            Id(
                Record,
                &[
                    "judge",
                    "{}",
                    "hr:person:3",
                    "not_same",
                    "--why",
                    "different people",
                ],
            ),
        ),
        (
            "judge",
            "RIGHT",
            Id(
                Record,
                &[
                    "judge",
                    "hr:person:3",
                    "{}",
                    "not_same",
                    "--why",
                    "different people",
                ],
            ),
        ),
        ("judge", "VERDICT", Not("same, not_same or unsure")),
        (
            "judgements withdraw",
            "ID",
            Id(
                Judgement,
                &["judgements", "withdraw", "{}", "--why", "made in error"],
            ),
        ),
        (
            "explain",
            "LEFT",
            Id(Record, &["explain", "{}", "hr:person:2"]),
        ),
        (
            "explain",
            "RIGHT",
            Id(Record, &["explain", "hr:person:2", "{}"]),
        ),
        (
            "search",
            "QUERY",
            Not("a query: search/tests/visibility.rs holds hidden hits"),
        ),
        ("token revoke", "ID", Id(Token, &["token", "revoke", "{}"])),
        (
            "token issue",
            "--for-case",
            Not("the case its sessions carry, checked as the session's --case is"),
        ),
        ("review-alert", "ID", Id(Alert, &["review-alert", "{}"])),
        (
            "case create",
            "--id",
            Not("a new case's reference: a taken one is refused as any register's key is"),
        ),
        ("case show", "ID", Id(Case, &["case", "show", "{}"])),
        (
            "case link",
            "ID",
            Id(Case, &["case", "link", "{}", "subject", "hr:person:1"]),
        ),
        (
            "case link",
            "KIND",
            Not("subject, entity, alert, note or document"),
        ),
        (
            "case link",
            "TARGET",
            Id(Record, &["case", "link", "PSD-1", "subject", "{}"]),
        ),
        (
            "case unlink",
            "ID",
            Id(Case, &["case", "unlink", "{}", "subject", "hr:person:1"]),
        ),
        (
            "case unlink",
            "KIND",
            Not("subject, entity, alert, note or document"),
        ),
        (
            "case unlink",
            "TARGET",
            Id(Record, &["case", "unlink", "PSD-1", "subject", "{}"]),
        ),
        (
            "case member",
            "ID",
            Id(Case, &["case", "member", "{}", "add", "bea"]),
        ),
        ("case member", "CHANGE", Not("add or remove")),
        ("case member", "MEMBER", Not(USER)),
        (
            "case assign",
            "ID",
            Id(Case, &["case", "assign", "{}", "ana"]),
        ),
        ("case assign", "LEAD", Not(USER)),
        (
            "case task",
            "ID",
            Id(Case, &["case", "task", "{}", "--text", "call the witness"]),
        ),
        ("case done", "ID", Id(Case, &["case", "done", "{}", "1"])),
        (
            "case done",
            "TASK",
            Not("a task's number within its case, reached only through the case"),
        ),
        (
            "case decide",
            "ID",
            Id(
                Case,
                &[
                    "case",
                    "decide",
                    "{}",
                    "no_further_action",
                    "--rationale",
                    "nothing found",
                ],
            ),
        ),
        (
            "case decide",
            "DECISION",
            Not("a decision of the closed list"),
        ),
        (
            "case export",
            "ID",
            Id(
                Case,
                &[
                    "case",
                    "export",
                    "{}",
                    "--recipient",
                    "self, for analysis",
                    "--out",
                    "{out}",
                ],
            ),
        ),
        ("rules check", "FILES", Not("files to read")),
        ("rules register", "FILES", Not("files to read")),
        (
            "rules activate",
            "ID",
            Not("a rule of the register, not personal data"),
        ),
        (
            "rules dry-run",
            "ID",
            Not("a rule of the register, not personal data"),
        ),
        (
            "notes add",
            "--about",
            Id(
                Record,
                &[
                    "notes",
                    "add",
                    "--about",
                    "{}",
                    "--text",
                    "Seen at home on 3 March 2026.",
                ],
            ),
        ),
        (
            "notes add",
            "--for-case",
            Id(
                Case,
                &[
                    "notes",
                    "add",
                    "--for-case",
                    "{}",
                    "--text",
                    "Seen at home on 3 March 2026.",
                ],
            ),
        ),
        ("notes show", "NOTE_ID", Id(Note, &["notes", "show", "{}"])),
        (
            "notes summarise",
            "--note",
            Id(Note, &["notes", "summarise", "--note", "{}", "--reveal"]),
        ),
        (
            "notes summarise",
            "--about",
            Id(Record, &["notes", "summarise", "--about", "{}", "--reveal"]),
        ),
        (
            "notes summarise",
            "--for-case",
            Id(
                Case,
                &["notes", "summarise", "--for-case", "{}", "--reveal"],
            ),
        ),
        (
            "notes chronology",
            "--note",
            Not("a usage error before any session: a chronology is of a person or a case"),
        ),
        (
            "notes chronology",
            "--about",
            Id(
                Record,
                &["notes", "chronology", "--about", "{}", "--reveal"],
            ),
        ),
        (
            "notes chronology",
            "--for-case",
            Id(
                Case,
                &["notes", "chronology", "--for-case", "{}", "--reveal"],
            ),
        ),
        (
            "notes confirm",
            "KEY",
            Id(Summary, &["notes", "confirm", "{}"]),
        ),
        (
            "notes transcribe",
            "--about",
            Id(
                Record,
                &[
                    "notes",
                    "transcribe",
                    "--audio",
                    "{audio}",
                    "--consent",
                    "visit record, page 2",
                    "--about",
                    "{}",
                ],
            ),
        ),
        (
            "notes transcribe",
            "--for-case",
            Id(
                Case,
                &[
                    "notes",
                    "transcribe",
                    "--audio",
                    "{audio}",
                    "--consent",
                    "visit record, page 2",
                    "--for-case",
                    "{}",
                ],
            ),
        ),
        ("notes search", "QUERY", Not("a query of words")),
        // The session's case, on every command.
        (
            "datasets",
            "--case",
            Id(Case, &["datasets", "--case", "{}"]),
        ),
        // Erasing the visible record changes what the calls after it see.
        (
            "erase",
            "ENTITY_ID",
            Id(Record, &["erase", "{}", "--why", "retention review R-1"]),
        ),
    ]
}

#[test]
fn every_argument_that_may_take_an_id_is_classified_here() {
    let mut found = Vec::new();
    leaves(Vec::new(), &mut found);
    assert!(found.len() > 60, "{} leaves", found.len());
    let mut args = BTreeSet::new();
    for leaf in &found {
        let path = leaf.path.join(" ");
        for p in &leaf.positionals {
            args.insert((path.clone(), p.clone()));
        }
        for o in leaf
            .options
            .iter()
            .filter(|o| ID_OPTIONS.contains(&o.as_str()))
        {
            args.insert((path.clone(), o.clone()));
        }
    }
    let classified: BTreeSet<(String, String)> = classes()
        .into_iter()
        .filter(|(_, a, _)| *a != "--case")
        .map(|(c, a, _)| (c.to_string(), a.to_string()))
        .collect();
    for (command, arg, class) in classes() {
        if let Not(why) = class {
            assert!(!why.is_empty(), "{command} {arg}: say why it is no id");
        }
    }
    let unclassified: Vec<_> = args.difference(&classified).collect();
    let stale: Vec<_> = classified.difference(&args).collect();
    assert!(
        unclassified.is_empty(),
        "not classified here: {unclassified:?}"
    );
    assert!(stale.is_empty(), "classified but gone: {stale:?}");
}

// ---- the matrix ----

/// The visible id, the hidden ones, the absent one and the malformed one of
/// each kind, made in the data directory.
struct Ids {
    visible: String,
    hidden: Vec<String>,
    absent: String,
    malformed: String,
}

const PEOPLE: &str = "id,name,unit\n1,Alice Smith,PSD\n2,Bob Smith,PSD\n3,Carol Jones,PSD\n";

fn mapping(dataset: &str, entity: &str, markings: &str) -> String {
    format!(
        r#"version = 1
[dataset]
name = "{dataset}"
[source]
format = "csv"
path = "people.csv"
[[entities]]
name = "{entity}"
schema = "StaffMember"
keys = ["id"]
subject_category = "staff"
{markings}
[entities.properties]
name = {{ column = "name" }}
unit = {{ column = "unit" }}
"#
    )
}

fn purpose(id: &str, datasets: &str, roles: &str) -> String {
    format!(
        r#"id = "{id}"
description = "the id matrix"
legal_basis = "DPA 2018 Part 3"
sensitive_condition = "DPA 2018 sch. 8 para 1"
policy_document = "APD-7"
datasets = [{datasets}]
entity_types = ["*"]
roles = [{roles}]
audit_use = "verify_lawfulness"
review_date = "2099-01-01"
expires = "2099-12-31"
reviewed_by = "admin"
"#
    )
}

/// `hr` (which `pds` covers, with records vetted SECRET above ana's
/// clearance) and `pay` (which it does not); a case of ana's and one of
/// bea's; a note, a summary and a judgement on each side; ana's events and
/// the administrator's; an alert; a token of ana's and one of bea's.
fn fixture(tmp: &Path) -> (PathBuf, Vec<(Kind, Ids)>) {
    let dir = tmp.join("data");
    ok(&dir, &["init", "--admin", "admin"]);
    std::fs::write(tmp.join("people.csv"), PEOPLE).unwrap();
    for (file, body) in [
        ("hr.toml", mapping("hr", "person", "")),
        (
            "vetted.toml",
            mapping("hr", "vetted", "markings = \"SECRET\""),
        ),
        ("pay.toml", mapping("pay", "person", "")),
        ("pds.toml", purpose("pds", "\"hr\"", "\"analyst\"")),
        (
            "load.toml",
            purpose("load", "\"hr\", \"pay\"", "\"data_engineer\""),
        ),
    ] {
        std::fs::write(tmp.join(file), body).unwrap();
    }
    let t = |f: &str| tmp.join(f).to_str().unwrap().to_string();
    for (user, roles, clearance) in [
        ("ana", vec!["analyst", "data_engineer"], "SECRET"),
        ("bea", vec!["analyst"], "OFFICIAL-SENSITIVE"),
    ] {
        let mut args = vec!["user", "add", user, "--clearance", clearance];
        for r in &roles {
            args.extend(["--role", r]);
        }
        ok_as(&dir, &args, &ADMIN);
    }
    for p in ["pds.toml", "load.toml"] {
        ok_as(&dir, &["purpose", "add", "--file", &t(p)], &ADMIN);
    }
    let (hr, vetted, pay) = (t("hr.toml"), t("vetted.toml"), t("pay.toml"));
    ok_as(
        &dir,
        &[
            "ingest",
            "--mapping",
            &hr,
            "--mapping",
            &vetted,
            "--mapping",
            &pay,
        ],
        &LOAD,
    );
    ok_as(&dir, &["resolve", "--type", "StaffMember"], &LOAD);
    // Loaded cleared SECRET; she works at OFFICIAL-SENSITIVE.
    ok_as(
        &dir,
        &[
            "user",
            "add",
            "ana",
            "--role",
            "analyst",
            "--role",
            "data_engineer",
            "--clearance",
            "OFFICIAL-SENSITIVE",
            "--unit",
            "PSD",
        ],
        &ADMIN,
    );
    let bea = [
        "--user",
        "bea",
        "--purpose",
        "pds",
        "--justification",
        "bea's own work",
    ];
    ok_as(
        &dir,
        &["case", "create", "--id", "PSD-1", "--title", "ana's"],
        &ANA,
    );
    ok_as(
        &dir,
        &["case", "create", "--id", "PSD-2", "--title", "bea's"],
        &bea,
    );
    let note = |about: &str, session: &[&str]| -> String {
        let out = ok_as(
            &dir,
            &[
                "notes",
                "add",
                "--about",
                about,
                "--text",
                "Visited at home on 3 March 2026.",
                "--json",
            ],
            session,
        );
        serde_json::from_str::<Value>(&out).unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let seen_note = note("hr:person:1", &ANA);
    let hidden_note = note("pay:person:1", &LOAD);
    let summary = |note: &str, session: &[&str]| -> String {
        let out = ok_as(
            &dir,
            &["notes", "summarise", "--note", note, "--reveal", "--json"],
            session,
        );
        let v: Value = serde_json::from_str(&out).unwrap();
        v["key"]
            .as_str()
            .unwrap_or_else(|| panic!("{v}"))
            .to_string()
    };
    let seen_summary = summary(&seen_note, &ANA);
    let hidden_summary = summary(&hidden_note, &LOAD);
    let judgement = |left: &str, right: &str, session: &[&str]| -> String {
        // `#<id> <left> same <right> by ...`
        let out = ok_as(
            &dir,
            &["judge", left, right, "same", "--why", "the same person"],
            session,
        );
        out.trim_start_matches('#')
            .split_whitespace()
            .next()
            .unwrap()
            .to_string()
    };
    let seen_judgement = judgement("hr:person:1", "hr:person:2", &ANA);
    let hidden_judgement = judgement("pay:person:1", "pay:person:2", &LOAD);
    let token = |session: &[&str]| -> String {
        let out = ok_as(&dir, &["token", "issue", "--days", "1"], session);
        // `cst_<id>.<secret>`: revoked by its id.
        out.trim()
            .strip_prefix("cst_")
            .and_then(|t| t.split('.').next())
            .unwrap_or_else(|| panic!("{out}"))
            .to_string()
    };
    let ana_token = token(&ANA);
    let bea_token = token(&bea);
    // A colleague in ana's unit, looked up: an alert for professional standards.
    ok_as(&dir, &["show", "hr:person:3"], &ANA);
    let out = ok_as(&dir, &["alerts", "--json"], &ADMIN);
    let alert = serde_json::from_str::<Value>(&out).unwrap()[0]["id"].to_string();
    let events_now = events(&dir);
    let ana_event = events_now.iter().find(|e| e["principal"] == "ana").unwrap()["id"].to_string();
    let ids = vec![
        (
            Record,
            Ids {
                visible: "hr:person:1".into(),
                hidden: vec!["pay:person:1".into(), "hr:vetted:1".into()],
                absent: "hr:person:9".into(),
                malformed: "hr person 1".into(),
            },
        ),
        (
            Case,
            Ids {
                visible: "PSD-1".into(),
                hidden: vec!["PSD-2".into()],
                absent: "PSD-9".into(),
                malformed: "not a case".into(),
            },
        ),
        (
            Note,
            Ids {
                hidden: vec![hidden_note.clone()],
                absent: hidden_note
                    .replace("pay:", "hr:")
                    .replace("added-", "added-0"),
                visible: seen_note,
                malformed: "a note".into(),
            },
        ),
        (
            Summary,
            Ids {
                visible: seen_summary,
                hidden: vec![hidden_summary],
                absent: format!("sha256:{}", "0".repeat(64)),
                malformed: "a summary".into(),
            },
        ),
        (
            Judgement,
            Ids {
                visible: seen_judgement,
                hidden: vec![hidden_judgement],
                absent: "99999".into(),
                malformed: "one".into(),
            },
        ),
        (
            // Whoever may read the log may read any event of it.
            Event,
            Ids {
                visible: ana_event,
                hidden: Vec::new(),
                absent: "99999".into(),
                malformed: "one".into(),
            },
        ),
        (
            Alert,
            Ids {
                visible: alert,
                hidden: Vec::new(),
                absent: "99999".into(),
                malformed: "one".into(),
            },
        ),
        (
            Token,
            Ids {
                visible: ana_token,
                hidden: vec![bea_token],
                absent: "0000000000000000".into(),
                malformed: "a token".into(),
            },
        ),
    ];
    (dir, ids)
}

/// What a call answered and logged, with its id replaced by `ID` and its
/// files by `OUT` / `AUDIO`.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    exit: Option<i32>,
    stdout: String,
    stderr: String,
    events: Vec<String>,
}

fn call(dir: &Path, tmp: &Path, template: &[&str], id: &str, n: usize) -> Answer {
    let out_path = tmp.join(format!("out-{n}.bin"));
    let audio = tmp.join("visit.wav");
    let o = out_path.to_str().unwrap();
    let a = audio.to_str().unwrap();
    let args: Vec<String> = template
        .iter()
        .map(|t| {
            t.replace("{}", id)
                .replace("{out}", o)
                .replace("{audio}", a)
        })
        .collect();
    let before = last_event(dir);
    // The session from the environment, as a script's would be: a
    // subcommand's parent may hold the session flags.
    let out = bin(dir)
        .args(&args)
        .env("CLEARSTONE_USER", ANA[1])
        .env("CLEARSTONE_PURPOSE", ANA[3])
        .env("CLEARSTONE_JUSTIFICATION", ANA[5])
        .output()
        .unwrap();
    let clean = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace(id, "ID")
            .replace(o, "OUT")
            .replace(a, "AUDIO")
    };
    let events = events(dir)
        .into_iter()
        .filter(|e| e["id"].as_i64().unwrap() > before && e["principal"] != "admin")
        .map(|e| {
            format!(
                "{} {} by {} | {} | {} | {} subjects | case {} | flags {}",
                e["operation"],
                e["query"].as_str().unwrap_or_default().replace(id, "ID"),
                e["principal"],
                e["outcome"].as_str().unwrap_or_default().replace(id, "ID"),
                e["recipient"],
                e["subjects"].as_array().map_or(0, Vec::len),
                e["case_ref"].as_str().unwrap_or_default().replace(id, "ID"),
                e["flags"],
            )
        })
        .collect();
    Answer {
        exit: out.status.code(),
        stdout: clean(&out.stdout),
        stderr: clean(&out.stderr),
        events,
    }
}

#[test]
fn hidden_and_absent_ids_are_answered_and_logged_alike_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, ids) = fixture(tmp.path());
    std::fs::write(tmp.path().join("visit.wav"), b"RIFF----WAVEfmt ").unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (command, arg, class) in classes() {
        let Id(kind, template) = class else {
            continue;
        };
        let Some((_, ids)) = ids.iter().find(|(k, _)| *k == kind) else {
            continue;
        };
        let what = format!("{command} {arg}");
        let mut answers = Vec::new();
        for id in [&ids.visible, &ids.absent, &ids.malformed]
            .into_iter()
            .chain(&ids.hidden)
        {
            n += 1;
            let a = call(&dir, tmp.path(), template, id, n);
            if a.events.len() != 1 {
                failures.push(format!("{what} `{id}`: {} events: {a:#?}", a.events.len()));
            }
            answers.push((id.clone(), a));
        }
        let absent = &answers[1].1;
        for (id, hidden) in &answers[3..] {
            if hidden != absent {
                failures.push(format!(
                    "{what}: hidden `{id}` told from absent `{}`:\nhidden {hidden:#?}\nabsent {absent:#?}",
                    ids.absent
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
