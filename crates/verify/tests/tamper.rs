//! The verifier against tampered copies of a log: an edited bundle or tile
//! (exit 2, naming the place), a truncated log re-signed with another key or
//! rolled back (exit 2), and forks (exit 3, evidence written).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use clearstone_audit::AuditLog;
use clearstone_audit::merkle::{Checkpoint, SignerKey};
use common::{ORIGIN, copy_dir, entry, flip_byte, grow, log_of};

#[test]
fn an_edited_bundle_byte_is_found_by_fsck() {
    let t = log_of(600);
    assert_eq!(t.check(&[]).code, 0);
    // Byte 2 is the first content byte of entry 256, the first of bundle 1.
    flip_byte(&t.dir.join("tile/entries/001"), 2);
    let run = t.check(&["--fsck"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("entry 256: its bytes in bundle `tile/entries/001` hash to"),
        "{run}"
    );
    assert!(run.stderr.contains("but tile `tile/0/001` holds"), "{run}");

    // A broken length prefix is named too.
    let t = log_of(600);
    std::fs::write(t.dir.join("tile/entries/002.p/88"), [0xff, 0xff, 1]).unwrap();
    let run = t.check(&["--fsck"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("bundle `tile/entries/002.p/88`: bundle ends inside"),
        "{run}"
    );
}

#[test]
fn an_edited_tile_byte_is_found() {
    let t = log_of(600);
    flip_byte(&t.dir.join("tile/0/000"), 40);
    // Level-0 tiles below a full level-1 hash are not on the root's path:
    // the quick check passes, fsck does not.
    let run = t.check(&["--fsck"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("entry 1: its bytes in bundle `tile/entries/000`"),
        "{run}"
    );

    let t = log_of(600);
    flip_byte(&t.dir.join("tile/1/000.p/2"), 33);
    let run = t.check(&[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(run.stderr.contains("the tiles hash to root"), "{run}");
    assert!(run.stderr.contains("but the checkpoint signs"), "{run}");
    assert!(
        !t.state().exists(),
        "a failed check must not become the reference"
    );

    // A tile that is missing is named.
    let t = log_of(600);
    std::fs::remove_file(t.dir.join("tile/0/002.p/88")).unwrap();
    let run = t.check(&[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains("tile/0/002.p/88` does not exist"),
        "{run}"
    );
}

#[test]
fn an_upper_tile_edited_consistently_with_its_bundle_is_found() {
    // Rewrite entry 1 in the bundle and its leaf in tile 0: only the level
    // above can tell.
    let t = log_of(600);
    let mut bundle = std::fs::read(t.dir.join("tile/entries/000")).unwrap();
    let first = u16::from_be_bytes([bundle[0], bundle[1]]) as usize;
    bundle[2 + first + 2] ^= 0x01;
    std::fs::write(t.dir.join("tile/entries/000"), &bundle).unwrap();
    let entries = clearstone_audit::merkle::bundle::decode_bundle(&bundle).unwrap();
    let mut tile = std::fs::read(t.dir.join("tile/0/000")).unwrap();
    tile[32..64].copy_from_slice(clearstone_audit::merkle::leaf_hash(entries[1]).as_bytes());
    std::fs::write(t.dir.join("tile/0/000"), tile).unwrap();
    let run = t.check(&["--fsck"]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("tile `tile/1/000.p/2` hash 0 is not the root of tile `tile/0/000` below it"),
        "{run}"
    );
}

#[test]
fn a_truncated_log_resigned_with_another_key_is_rejected() {
    let t = log_of(600);
    assert_eq!(t.check(&[]).code, 0);
    let root_300 = t.open().root_at(300).unwrap();
    let forger = SignerKey::from_seed(ORIGIN, &[7u8; 32]).unwrap();
    let forged = Checkpoint::new(ORIGIN, 300, root_300)
        .unwrap()
        .sign(&forger)
        .unwrap();
    std::fs::write(t.dir.join("checkpoint"), forged.to_string()).unwrap();
    let run = t.check(&[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr
            .contains("is not signed by the log key `clearstone.test/audit+"),
        "{run}"
    );
}

#[test]
fn a_log_rolled_back_to_an_older_signed_checkpoint_is_rejected() {
    // Someone with access to the files puts back the genuine checkpoint of
    // size 300: its signature is good, but the verifier remembers size 600.
    let t = log_of(300);
    let old = std::fs::read(t.dir.join("checkpoint")).unwrap();
    let mut log = t.open();
    grow(&mut log, 600);
    drop(log);
    assert_eq!(t.check(&[]).code, 0);
    std::fs::write(t.dir.join("checkpoint"), old).unwrap();
    let run = t.check(&[]);
    assert_eq!(run.code, 2, "{run}");
    assert!(
        run.stderr.contains(
            "the log went back from size 600 (the checkpoint accepted earlier) to size 300"
        ),
        "{run}"
    );
    let state = std::fs::read_to_string(t.state()).unwrap();
    assert!(
        state.contains("\n600\n"),
        "the state keeps the larger checkpoint"
    );
}

#[test]
fn a_truncated_log_resigned_with_its_own_key_but_other_entries_is_a_fork() {
    // An insider with the key cuts the log back to 300 and writes other
    // entries after 200: the tiles of the 600 tree are still there and show
    // the new checkpoint is no prefix of the one the overseer accepted.
    let t = log_of(600);
    assert_eq!(t.check(&[]).code, 0);
    let forged = t.tmp.path().join("forged");
    {
        let short = log_of(200);
        let key = SignerKey::parse(std::fs::read_to_string(&t.key).unwrap().trim()).unwrap();
        let mut log = short.open();
        for i in 200..300 {
            log.append(&entry(i + 50_000)).unwrap();
        }
        log.integrate().unwrap();
        let root = log.root();
        drop(log);
        copy_dir(&t.dir, &forged);
        // The short branch's level-0 tile and bundle for 256..300, plus a
        // checkpoint signed with the real key.
        for path in [
            "tile/0/001.p/44",
            "tile/entries/001.p/44",
            "tile/1/000.p/1",
            "tile/0/000",
            "tile/entries/000",
        ] {
            let target = forged.join(path);
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(short.dir.join(path), target).unwrap();
        }
        let note = Checkpoint::new(ORIGIN, 300, root)
            .unwrap()
            .sign(&key)
            .unwrap();
        std::fs::write(forged.join("checkpoint"), note.to_string()).unwrap();
    }
    let run = t.check_dir(&forged, &[]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stderr.contains("went back from size 600 to 300"),
        "{run}"
    );
    assert!(
        run.stderr
            .contains("is not a prefix of the checkpoint accepted earlier"),
        "{run}"
    );
}

/// Two branches of one log with the same key: the first `shared` entries
/// agree, then each gets different entries.
fn branches(shared: u64) -> (common::TestLog, std::path::PathBuf) {
    let t = log_of(shared);
    let branch = t.tmp.path().join("branch");
    copy_dir(&t.dir, &branch);
    (t, branch)
}

/// Two branches of 200 entries that part after the first 100.
fn forked_at_200() -> (common::TestLog, std::path::PathBuf) {
    let (t, branch) = branches(100);
    let mut a = t.open();
    grow(&mut a, 200);
    drop(a);
    let mut b = AuditLog::open(&branch, &t.key).unwrap();
    for i in 100..200 {
        b.append(&entry(i + 10_000)).unwrap();
    }
    b.integrate().unwrap();
    (t, branch)
}

#[test]
fn the_same_size_with_another_root_is_a_fork() {
    let (t, branch) = forked_at_200();

    assert_eq!(t.check(&[]).code, 0);
    let run = t.check_dir(&branch, &[]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stderr
            .contains("two signed checkpoints for size 200 have different roots"),
        "{run}"
    );
    let evidence_path = format!("{}.evidence", t.state().display());
    assert!(run.stderr.contains(&evidence_path), "{run}");
    let evidence = std::fs::read_to_string(&evidence_path).unwrap();
    let a_note = std::fs::read_to_string(t.dir.join("checkpoint")).unwrap();
    let b_note = std::fs::read_to_string(branch.join("checkpoint")).unwrap();
    assert!(
        evidence.contains(&a_note) && evidence.contains(&b_note),
        "{evidence}"
    );
    assert!(
        std::fs::read_to_string(t.state()).unwrap() == a_note,
        "state unchanged"
    );
}

#[test]
fn a_larger_checkpoint_that_does_not_extend_the_earlier_one_is_a_fork() {
    let (t, branch) = branches(100);
    let mut a = t.open();
    grow(&mut a, 200);
    drop(a);
    let mut b = AuditLog::open(&branch, &t.key).unwrap();
    for i in 100..450 {
        b.append(&entry(i + 10_000)).unwrap();
    }
    b.integrate().unwrap();
    drop(b);

    assert_eq!(t.check(&[]).code, 0);
    let evidence = t.tmp.path().join("fork.txt");
    let run = t.check_dir(&branch, &["--evidence", evidence.to_str().unwrap()]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stderr
            .contains("the checkpoint at size 450 does not extend the checkpoint accepted earlier"),
        "{run}"
    );
    let text = std::fs::read_to_string(&evidence).unwrap();
    assert!(
        text.contains("consistency proof from size 200 to size 450"),
        "{text}"
    );

    // The honest branch still passes afterwards.
    let mut a = t.open();
    grow(&mut a, 201);
    drop(a);
    let run = t.check(&[]);
    assert_eq!(run.code, 0, "{run}");
}

/// A receipt from another branch of the log, checked without the log: its
/// checkpoint signs another root for the size the verifier accepted, so
/// the log told two stories, and the receipt is the evidence of it.
#[test]
fn a_receipt_from_a_fork_is_a_fork_even_without_the_log() {
    let (t, branch) = forked_at_200();
    let b = AuditLog::open(&branch, &t.key).unwrap();
    let receipt = t.tmp.path().join("receipt.txt");
    std::fs::write(&receipt, b.receipt(150).unwrap()).unwrap();
    drop(b);
    let forked_entry = t.tmp.path().join("entry.json");
    std::fs::write(&forked_entry, entry(150 + 10_000)).unwrap();
    assert_eq!(t.check(&[]).code, 0, "the overseer accepts size 200");

    let state = t.state().display().to_string();
    let (r, e) = (receipt.to_str().unwrap(), forked_entry.to_str().unwrap());
    let run = common::verify(&[
        "--key",
        &t.vkey,
        "--state",
        &state,
        "--receipt",
        r,
        "--entry",
        e,
    ]);
    assert_eq!(run.code, 3, "{run}");
    assert!(
        run.stderr
            .contains("two signed checkpoints for size 200 have different roots"),
        "{run}"
    );
    let evidence = std::fs::read_to_string(format!("{state}.evidence")).unwrap();
    assert!(evidence.contains("source: receipt `"), "{evidence}");

    // A receipt of the accepted branch is not one.
    let log = t.open();
    std::fs::write(&receipt, log.receipt(150).unwrap()).unwrap();
    drop(log);
    std::fs::write(&forked_entry, entry(150)).unwrap();
    let run = common::verify(&[
        "--key",
        &t.vkey,
        "--state",
        &state,
        "--receipt",
        r,
        "--entry",
        e,
    ]);
    assert_eq!(run.code, 0, "{run}");
}
