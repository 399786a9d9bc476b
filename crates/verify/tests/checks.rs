//! The verifier on healthy logs: signatures, state across runs, fsck, witness
//! quorums, receipts, and usage errors (exit 1).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_audit::merkle::CosignerKey;
use common::{ORIGIN, entry, grow, log_of, verify};

#[test]
fn a_healthy_log_passes_and_the_state_follows_it() {
    let t = log_of(600);
    let run = t.check(&[]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.contains("is signed by `clearstone.test/audit+"),
        "{run}"
    );
    assert!(run.stdout.contains("size 600"), "{run}");
    assert!(
        run.stdout.contains("the tiles hash to the signed root"),
        "{run}"
    );
    assert!(run.stdout.contains("no earlier checkpoint"), "{run}");
    let state = std::fs::read_to_string(t.state()).unwrap();
    assert!(state.starts_with(&format!("{ORIGIN}\n600\n")), "{state}");

    let run = t.check(&[]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .contains("unchanged since the checkpoint accepted earlier at size 600"),
        "{run}"
    );

    let mut log = t.open();
    grow(&mut log, 1000);
    drop(log);
    let run = t.check(&["--fsck"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .contains("consistent with the checkpoint accepted earlier at size 600"),
        "{run}"
    );
    assert!(
        run.stdout.contains("fsck: 1000 entries in 4 bundles"),
        "{run}"
    );
    assert!(run.stdout.contains("now holds size 1000"), "{run}");
}

#[test]
fn the_empty_log_passes() {
    let t = log_of(0);
    let run = t.check(&["--fsck"]);
    assert_eq!(run.code, 0, "{run}");
    assert!(run.stdout.contains("fsck: 0 entries"), "{run}");
}

#[test]
fn the_key_may_be_given_in_a_file() {
    let t = log_of(3);
    let key_file = t.tmp.path().join("log.vkey");
    std::fs::write(&key_file, format!("{}\n", t.vkey)).unwrap();
    let run = verify(&[
        "--log",
        t.dir.to_str().unwrap(),
        "--key",
        key_file.to_str().unwrap(),
        "--state",
        t.state().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{run}");
}

#[test]
fn usage_errors_exit_1() {
    let t = log_of(3);
    let dir = t.dir.to_str().unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![], "--key is required"),
        (vec!["--key", &t.vkey], "nothing to check"),
        (
            vec!["--key", "not-a-key", "--log", dir],
            "--key `not-a-key`",
        ),
        (
            vec!["--key", &t.vkey, "--log", dir, "--bogus"],
            "unknown argument `--bogus`",
        ),
        (vec!["--key", &t.vkey, "--log"], "`--log` needs a value"),
        (
            vec!["--key", &t.vkey, "--log", dir, "--url", "http://x/"],
            "not both",
        ),
        (
            vec!["--key", &t.vkey, "--url", "https://example.org/log"],
            "https is not supported",
        ),
        (
            vec!["--key", &t.vkey, "--url", "ftp://example.org/log"],
            "does not start with http://",
        ),
        (
            vec!["--key", &t.vkey, "--log", dir, "--quorum", "1"],
            "--quorum 1 is more than the 0",
        ),
        (
            vec!["--key", &t.vkey, "--receipt", "r"],
            "--receipt needs --entry",
        ),
        (
            vec!["--key", &t.vkey, "--fsck", "--receipt", "r", "--entry", "e"],
            "--fsck needs",
        ),
        (
            vec!["--key", &t.vkey, "--log", "/nonexistent/dir"],
            "is not a directory",
        ),
    ];
    for (args, expected) in cases {
        let run = verify(&args);
        assert_eq!(run.code, 1, "{args:?}: {run}");
        assert!(run.stderr.contains(expected), "{args:?}: {run}");
    }
    let run = verify(&["--help"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("https is not supported"), "{run}");

    // A state file written for another log is the user's mistake, not a fork.
    let other = log_of(3);
    assert_eq!(other.check(&[]).code, 0);
    let run = verify(&[
        "--log",
        dir,
        "--key",
        &t.vkey,
        "--state",
        other.state().to_str().unwrap(),
    ]);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stderr
            .contains("does not hold a checkpoint of this log"),
        "{run}"
    );
}

#[test]
fn witness_cosignatures_count_towards_the_quorum() {
    let t = log_of(10);
    let w1 = CosignerKey::from_seed("witness.test/one", &[1u8; 32]).unwrap();
    let w2 = CosignerKey::from_seed("witness.test/two", &[2u8; 32]).unwrap();
    let mut log = t.open();
    log.append(&entry(10)).unwrap();
    log.integrate_with(|staged| {
        Ok(vec![
            w1.cosign(staged.checkpoint(), 1_700_000_000)
                .unwrap()
                .to_string(),
        ])
    })
    .unwrap();
    drop(log);
    let (v1, v2) = (w1.verifier_key().to_string(), w2.verifier_key().to_string());

    let run = t.check(&["--witness", &v1]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout.contains("1 of 1 witnesses cosigned (quorum 1)"),
        "{run}"
    );

    let run = t.check(&["--witness", &v1, "--witness", &v2]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("1 of the 2 witnesses cosigned it, --quorum needs 2"),
        "{run}"
    );

    let run = t.check(&["--witness", &v1, "--witness", &v2, "--quorum", "1"]);
    assert_eq!(run.code, 0, "{run}");
}

#[test]
fn receipts_verify_for_their_entry_only() {
    let t = log_of(300);
    let log = t.open();
    let receipt = t.tmp.path().join("receipt.txt");
    std::fs::write(&receipt, log.receipt(257).unwrap()).unwrap();
    drop(log);
    let good = t.tmp.path().join("entry.json");
    std::fs::write(&good, entry(257)).unwrap();
    let bad = t.tmp.path().join("other.json");
    std::fs::write(&bad, entry(258)).unwrap();
    let (r, g, b) = (
        receipt.to_str().unwrap(),
        good.to_str().unwrap(),
        bad.to_str().unwrap(),
    );

    let run = verify(&["--key", &t.vkey, "--receipt", r, "--entry", g]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .contains("is entry 257 of `clearstone.test/audit` at size 300"),
        "{run}"
    );

    let run = verify(&["--key", &t.vkey, "--receipt", r, "--entry", b]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("does not prove entry"), "{run}");

    // With the log too: the receipt's checkpoint must be one the log extends.
    let mut log = t.open();
    grow(&mut log, 400);
    drop(log);
    let run = t.check(&["--receipt", r, "--entry", g]);
    assert_eq!(run.code, 0, "{run}");
    assert!(
        run.stdout
            .contains("the log is consistent with the receipt's checkpoint at size 300"),
        "{run}"
    );

    let other = log_of(1);
    let run = verify(&["--key", &other.vkey, "--receipt", r, "--entry", g]);
    assert_eq!(run.code, 2, "{run}");
}
