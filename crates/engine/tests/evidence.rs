//! Events as evidence: every event is in the signed log, receipts verify with
//! only the public key, and an overseer's questions are answered from the log.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use base64::Engine as _;
use clearstone_audit::merkle::{
    Checkpoint, Hash, Receipt, VerifierKey, leaf_hash, verify_inclusion,
};
use clearstone_engine::policy::{Purpose, SensitiveBasis};
use clearstone_engine::{
    Classification, Destination, Disclosure, Engine, ExportFormat, Oversight, STORE_DIFFERS,
    SessionRequest, decode_event, oversight_jsonl,
};

const ONTOLOGY: &str = r#"version = 1
[types.Officer.properties]
name = { type = "name", sensitivity = "ordinary" }
religion = { type = "text", sensitivity = "religious" }
"#;

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
[source]
format = "csv"
path = "staff.csv"
[[entities]]
name = "officer"
schema = "Officer"
keys = ["id"]
[entities.properties]
name = { column = "name" }
religion = { column = "religion" }
"#;

fn req(user: &str, purpose: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: purpose.into(),
        justification: "evidence test".into(),
        ..SessionRequest::default()
    }
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("staff.csv"),
        "id,name,religion\n1,Ann Smith,quaker\n2,Bob Jones,\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("staff.toml"), MAPPING).unwrap();
    let data = dir.path().join("data");
    let e = Engine::init(&data, Some((ONTOLOGY, "o.toml"))).unwrap();
    let a = support::bootstrap_admin(&e, "evidence test");
    for (id, roles) in [
        ("ana", vec!["analyst", "data_engineer"]),
        ("olu", vec!["overseer"]),
    ] {
        a.put_user(&support::user(id, &roles, Classification::Secret, &[]))
            .unwrap();
    }
    let plain = |id, roles: &[&str], datasets: &[&str]| Purpose {
        description: "work".into(),
        legal_basis: "test".into(),
        policy_document: "APD".into(),
        ..support::purpose(id, roles, datasets)
    };
    a.put_purpose(&Purpose {
        sensitive: Some(SensitiveBasis {
            condition: "sch. 8 para 1".into(),
        }),
        audit_use: None,
        ..plain("work", &["analyst"], &["*"])
    })
    .unwrap();
    a.put_purpose(&Purpose {
        entity_types: Default::default(),
        ..plain("oversight", &["overseer"], &[])
    })
    .unwrap();
    (dir, data)
}

#[test]
fn every_event_is_in_the_signed_log_and_receipts_verify_with_the_public_key() {
    let (dir, data) = setup();
    let e = Engine::open(&data).unwrap();
    let s = e.session(req("ana", "work")).unwrap();
    s.ingest(&dir.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    s.show("hr:officer:1").unwrap();
    let shown = s.last_event().unwrap();
    s.reveal("hr:officer:1", "religion").unwrap();
    s.export_statements(
        ExportFormat::Csv,
        Destination::Stream(&mut std::io::sink()),
        &Disclosure {
            recipient: "IOPC",
            gateway: None,
        },
    )
    .unwrap();
    let receipt = s.receipt(shown).unwrap();
    let vkey = e.log_verifier_key().unwrap();
    drop(s);
    drop(e);

    // The overseer: only the verifier key and the files.
    let key = VerifierKey::parse(&vkey).unwrap();
    let cp_text = std::fs::read_to_string(data.join("audit/checkpoint")).unwrap();
    let origin = cp_text.lines().next().unwrap().to_string();
    let opened = Checkpoint::open(cp_text.as_bytes(), &origin, &key, &[]).unwrap();
    let r = Receipt::parse(receipt.as_bytes()).unwrap();
    let e = Engine::open(&data).unwrap();
    let o = e.session(req("olu", "oversight")).unwrap();
    let report = o.oversee(&Oversight::default()).unwrap();
    let shown_entry = &report
        .evidence
        .iter()
        .find(|ev| ev.event["id"] == shown)
        .unwrap()
        .entry;
    r.verify(&leaf_hash(shown_entry), &origin, &key, &[])
        .unwrap();
    // A receipt does not verify for other bytes.
    let mut forged = shown_entry.clone();
    forged.push(b' ');
    assert!(r.verify(&leaf_hash(&forged), &origin, &key, &[]).is_err());
    assert!(opened.checkpoint.size() >= u64::try_from(shown).unwrap());

    // Every event in the store is in the log, in order, with the same id.
    let ids: Vec<i64> = report
        .evidence
        .iter()
        .map(|ev| ev.event["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
    assert!(
        report
            .evidence
            .iter()
            .all(|ev| decode_event(&ev.entry).unwrap() == ev.event)
    );
}

#[test]
fn an_overseer_answers_who_consulted_whom_exports_and_reveals_from_the_log() {
    let (dir, data) = setup();
    let e = Engine::open(&data).unwrap();
    let s = e
        .session(SessionRequest {
            case_ref: Some("PSD-9".into()),
            ..req("ana", "work")
        })
        .unwrap();
    s.ingest(&dir.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    s.show("hr:officer:1").unwrap();
    s.show("hr:officer:2").unwrap();
    s.reveal("hr:officer:1", "religion").unwrap();
    s.export_statements(
        ExportFormat::JsonLines,
        Destination::Stream(&mut std::io::sink()),
        &Disclosure {
            recipient: "IOPC case 2026/5",
            gateway: None,
        },
    )
    .unwrap();
    let o = e.session(req("olu", "oversight")).unwrap();

    let who = o
        .oversee(&Oversight {
            subject: Some("hr:officer:1".into()),
            ..Oversight::default()
        })
        .unwrap();
    let ops: Vec<&str> = who
        .evidence
        .iter()
        .map(|ev| ev.event["operation"].as_str().unwrap())
        .collect();
    // Loading the record and exporting it name it too (issue 14, finding 9).
    assert_eq!(ops, vec!["collect", "consult", "reveal", "disclose"]);
    assert!(
        who.evidence
            .iter()
            .all(|ev| ev.event["principal"] == "ana" && ev.event["case_ref"] == "PSD-9")
    );
    assert!(
        !String::from_utf8_lossy(&who.evidence[0].entry).contains("hr:officer:1"),
        "subject ids are keyed hashes"
    );

    let exports = o
        .oversee(&Oversight {
            operations: vec!["disclose".into()],
            ..Oversight::default()
        })
        .unwrap();
    assert_eq!(exports.evidence.len(), 1);
    assert_eq!(exports.evidence[0].event["recipient"], "IOPC case 2026/5");
    let reveals = o
        .oversee(&Oversight {
            operations: vec!["reveal".into()],
            ..Oversight::default()
        })
        .unwrap();
    assert_eq!(reveals.evidence.len(), 1);
    let today = clearstone_engine::Timestamp::now().to_string()[..10].to_string();
    let by_ana = o
        .oversee(&Oversight {
            principal: Some("ana".into()),
            from: Some(today.clone()),
            to: Some(today),
            ..Oversight::default()
        })
        .unwrap();
    assert_eq!(by_ana.evidence.len(), 5);
    let old = o
        .oversee(&Oversight {
            principal: Some("ana".into()),
            to: Some("2020-01-01".into()),
            ..Oversight::default()
        })
        .unwrap();
    assert!(old.evidence.is_empty());

    // The JSON Lines export carries proofs that verify against its checkpoint.
    let lines = oversight_jsonl(&by_ana);
    let mut it = lines.lines();
    let head: serde_json::Value = serde_json::from_str(it.next().unwrap()).unwrap();
    assert_eq!(head["schema"], "clearstone-oversight/v1");
    let key = VerifierKey::parse(head["verifier_key"].as_str().unwrap()).unwrap();
    let cp = head["checkpoint"].as_str().unwrap();
    let origin = cp.lines().next().unwrap();
    let opened = Checkpoint::open(cp.as_bytes(), origin, &key, &[]).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut n = 0;
    for line in it {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let leaf = b64.decode(v["leaf"].as_str().unwrap()).unwrap();
        let proof: Vec<Hash> = v["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap())
            .collect();
        verify_inclusion(
            &leaf_hash(&leaf),
            v["index"].as_u64().unwrap(),
            opened.checkpoint.size(),
            &proof,
            opened.checkpoint.root(),
        )
        .unwrap();
        n += 1;
    }
    assert_eq!(n, 5);
    // Reading the log was itself logged.
    let again = o
        .oversee(&Oversight {
            principal: Some("olu".into()),
            ..Oversight::default()
        })
        .unwrap();
    assert!(
        again
            .evidence
            .iter()
            .filter(|ev| ev.event["query"]
                .as_str()
                .unwrap()
                .starts_with("oversight query"))
            .count()
            >= 5
    );
}

#[test]
fn events_the_log_missed_are_appended_when_the_engine_opens() {
    let (_dir, data) = setup();
    // A process that stopped after committing an event to the store but
    // before it reached the log.
    let conn = rusqlite::Connection::open(data.join("clearstone.db")).unwrap();
    conn.execute(
        "INSERT INTO event(at, operation, principal, purpose, justification, case_ref, query, subjects, recipient, outcome, flags)
         VALUES (1, 'consult', 'ana', 'work', 'other sha256:00', NULL, 'show entity', '', NULL, 'found', '')",
        [],
    )
    .unwrap();
    let stored: i64 = conn
        .query_row("SELECT max(id) FROM event", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    let e = Engine::open(&data).unwrap();
    let o = e.session(req("olu", "oversight")).unwrap();
    let report = o.oversee(&Oversight::default()).unwrap();
    assert!(
        report
            .evidence
            .iter()
            .any(|ev| ev.event["id"] == stored && ev.event["query"] == "show entity")
    );
}

// issue 14, finding 16: `events` read the store's table, so an edited or
// deleted row was shown as if it were the record.
#[test]
fn events_answer_from_the_signed_log_and_flag_rows_edited_in_the_table() {
    let (dir, data) = setup();
    let e = Engine::open(&data).unwrap();
    let s = e.session(req("ana", "work")).unwrap();
    s.ingest(&dir.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    s.show("hr:officer:1").unwrap();
    let shown = s.last_event().unwrap();
    s.show("hr:officer:2").unwrap();
    let second = s.last_event().unwrap();
    s.datasets().unwrap();
    drop(s);
    drop(e);
    let conn = rusqlite::Connection::open(data.join("clearstone.db")).unwrap();
    conn.execute(
        "UPDATE event SET principal = 'olu', query = 'list datasets' WHERE id = ?1",
        [shown],
    )
    .unwrap();
    conn.execute("DELETE FROM event WHERE id = ?1", [second])
        .unwrap();
    drop(conn);

    let e = Engine::open(&data).unwrap();
    let events = e
        .session(req("olu", "oversight"))
        .unwrap()
        .events(20)
        .unwrap();
    let edited = events.iter().find(|ev| ev.id == shown).unwrap();
    assert_eq!(
        (edited.principal.as_str(), edited.query.as_str()),
        ("ana", "show entity")
    );
    assert!(
        edited.flags.iter().any(|f| f == STORE_DIFFERS),
        "{edited:?}"
    );
    let deleted = events.iter().find(|ev| ev.id == second).unwrap();
    assert_eq!(deleted.query, "show entity");
    assert!(
        deleted.flags.iter().any(|f| f == STORE_DIFFERS),
        "{deleted:?}"
    );
    let untouched = events.iter().find(|ev| ev.id == second + 1).unwrap();
    assert!(untouched.flags.is_empty(), "{untouched:?}");
}

#[test]
fn checkpoints_are_published_only_with_a_quorum_of_witnesses() {
    let (dir, data) = setup();
    let wdir = dir.path().join("witness");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let vkey = Engine::open(&data).unwrap().log_verifier_key().unwrap();
    let mut w = clearstone_witness::Witness::open(&wdir, "pcp.witness/w1").unwrap();
    w.add_log(&vkey).unwrap();
    let wkey = w.verifier_key();
    std::fs::write(
        data.join("witnesses"),
        format!("witness {url} {wkey}\nquorum 1\n"),
    )
    .unwrap();
    std::thread::scope(|s| {
        s.spawn(|| clearstone_witness::serve(&listener, &w, Some(1)).unwrap());
        let e = Engine::open(&data).unwrap();
        let ana = e.session(req("ana", "work")).unwrap();
        ana.show("hr:officer:1").unwrap_err();
        e.flush_log().unwrap();
    });
    // The published checkpoint carries the witness's verified cosignature.
    let key = VerifierKey::parse(&vkey).unwrap();
    let wk = VerifierKey::parse(&wkey).unwrap();
    let cp = std::fs::read_to_string(data.join("audit/checkpoint")).unwrap();
    let origin = cp.lines().next().unwrap().to_string();
    let opened = Checkpoint::open(cp.as_bytes(), &origin, &key, std::slice::from_ref(&wk)).unwrap();
    assert!(
        opened.signatures.iter().any(|s| s.key_id == wk.key_id()),
        "{cp}"
    );
    let witnessed = opened.checkpoint.size();

    // With the witness gone, nothing new is published; the events wait, and
    // the act itself fails naming the witness (issue 14, finding 14: it
    // succeeded, and dropping the engine published a checkpoint signed by
    // the log alone).
    drop(listener);
    let e = Engine::open(&data).unwrap();
    let ana = e.session(req("ana", "work")).unwrap();
    let err = ana.datasets().unwrap_err();
    assert_eq!(err.code(), "unwitnessed", "{err}");
    assert!(!err.is_user_error());
    assert!(err.to_string().contains(&url), "{err}");
    // A disclosure's bytes leave only once its event is witnessed (finding 8).
    let out = dir.path().join("out.csv");
    let err = ana
        .export_statements(
            ExportFormat::Csv,
            Destination::File(&out),
            &Disclosure {
                recipient: "IOPC",
                gateway: None,
            },
        )
        .unwrap_err();
    assert_eq!(err.code(), "unwitnessed", "{err}");
    assert!(!out.exists());
    let err = e.flush_log().unwrap_err();
    assert_eq!(err.code(), "audit_log", "{err}");
    drop(ana);
    drop(e);
    let cp2 = std::fs::read_to_string(data.join("audit/checkpoint")).unwrap();
    let opened =
        Checkpoint::open(cp2.as_bytes(), &origin, &key, std::slice::from_ref(&wk)).unwrap();
    assert_eq!(opened.checkpoint.size(), witnessed, "{cp2}");
    assert!(opened.signatures.iter().any(|s| s.key_id == wk.key_id()));
}

// issue 17, item 5 ("my record of access"): a user without a purpose that
// reads the log sees their own recent events, and only theirs, each with a
// receipt that verifies with the public key alone.
#[test]
fn a_user_sees_their_own_record_of_access_with_receipts_and_no_one_elses() {
    let (dir, data) = setup();
    let e = Engine::open(&data).unwrap();
    let loader = e.session(req("ana", "work")).unwrap();
    loader
        .ingest(&dir.path().join("staff.toml"), &mut |_| {})
        .unwrap();
    drop(loader);
    // An earlier web request: its own session, now gone.
    let earlier = e.session(req("ana", "work")).unwrap();
    earlier.show("hr:officer:1").unwrap();
    let shown = earlier.last_event().unwrap();
    drop(earlier);
    // Someone else's act, which ana's record must not show.
    let other = e.session(req("olu", "oversight")).unwrap();
    other.oversee(&Oversight::default()).unwrap();
    let theirs = other.last_event().unwrap();
    drop(other);

    let s = e.session(req("ana", "work")).unwrap();
    // The analyst's purpose may not read the log...
    assert!(s.events(10).is_err());
    // ...but their own record they may.
    let own = s.own_events(50).unwrap();
    assert!(own.iter().all(|ev| ev.principal == "ana"));
    assert!(own.iter().any(|ev| ev.id == shown));
    assert!(own.iter().all(|ev| ev.id != theirs));
    let read = s.last_event().unwrap();
    assert!(read > theirs, "reading one's record is itself an event");

    let receipt = s.own_receipt(shown).unwrap();
    // Another user's event is answered as one that does not exist.
    let refused = s.own_receipt(theirs).unwrap_err().to_string();
    let absent = s.own_receipt(1_000_000).unwrap_err().to_string();
    assert_eq!(
        refused.replace(&theirs.to_string(), "N"),
        absent.replace("1000000", "N")
    );
    let vkey = e.log_verifier_key().unwrap();
    drop(s);
    drop(e);

    let key = VerifierKey::parse(&vkey).unwrap();
    let cp_text = std::fs::read_to_string(data.join("audit/checkpoint")).unwrap();
    let origin = cp_text.lines().next().unwrap().to_string();
    let e = Engine::open(&data).unwrap();
    let o = e.session(req("olu", "oversight")).unwrap();
    let report = o.oversee(&Oversight::default()).unwrap();
    let entry = &report
        .evidence
        .iter()
        .find(|ev| ev.event["id"] == shown)
        .unwrap()
        .entry;
    Receipt::parse(receipt.as_bytes())
        .unwrap()
        .verify(&leaf_hash(entry), &origin, &key, &[])
        .unwrap();
}
