//! Tampering with a log on disk, and how it is caught: an edited bundle or
//! tile, a truncated log re-signed with another key, and a fork (two signed
//! checkpoints of the same size with different roots).
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;

use clearstone_audit::merkle::{Checkpoint, SignerKey, VerifierKey, verify_consistency};
use clearstone_audit::{AuditError, AuditLog};
use common::{ORIGIN, TestLog, check_dir, copy_dir, entry, new_log};

fn log_of(size: u64) -> (TestLog, String) {
    let (t, mut log) = new_log();
    for i in 0..size {
        log.append(&entry(i)).unwrap();
    }
    log.integrate().unwrap();
    (t, log.verifier_key())
}

fn flip_byte(path: &Path, offset: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset] ^= 0x01;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn one_edited_byte_in_a_full_bundle_is_reported() {
    let (t, vkey) = log_of(600);
    // Byte 2 is the first content byte of entry 256, the first of bundle 1.
    flip_byte(&t.dir.join("tile/entries/001"), 2);
    let err = check_dir(&t.dir, &vkey).unwrap_err();
    assert!(err.contains("entry 256 in tile/entries/001"), "{err}");

    // The log still opens (it reads only the edge), but never serves the
    // edited entry or its bundle neighbours.
    let log = AuditLog::open(&t.dir, &t.key).unwrap();
    let err = log.entry(300).unwrap_err();
    assert_eq!(err.code(), "corrupt");
    assert!(
        err.to_string().contains("`tile/entries/001`") && err.to_string().contains("entry 256"),
        "{err}"
    );
    let results: Vec<_> = log.entries(250..300).unwrap().collect();
    assert!(results[..6].iter().all(Result::is_ok));
    assert!(results[6].is_err());
    assert_eq!(results.len(), 7, "the iterator stops after an error");
    assert_eq!(log.entry(255).unwrap(), entry(255));
}

#[test]
fn one_edited_byte_in_the_partial_bundle_stops_open() {
    let (t, vkey) = log_of(600);
    flip_byte(&t.dir.join("tile/entries/002.p/88"), 5);
    assert!(check_dir(&t.dir, &vkey).is_err());
    let err = AuditLog::open(&t.dir, &t.key).unwrap_err();
    assert!(matches!(err, AuditError::Corrupt { .. }), "{err}");
    assert!(err.to_string().contains("entry 512"), "{err}");
}

#[test]
fn one_edited_byte_in_a_tile_is_reported() {
    let (t, vkey) = log_of(600);
    flip_byte(&t.dir.join("tile/0/000"), 40);
    let err = check_dir(&t.dir, &vkey).unwrap_err();
    assert!(err.contains("tile/1/000.p/2 hash 0"), "{err}");

    // An edit on the edge makes the recomputed root differ from the signed one.
    let (t, _) = log_of(600);
    flip_byte(&t.dir.join("tile/1/000.p/2"), 33);
    let err = AuditLog::open(&t.dir, &t.key).unwrap_err();
    assert!(
        matches!(err, AuditError::RootMismatch { size: 600, .. }),
        "{err}"
    );
}

#[test]
fn a_truncated_log_resigned_with_another_key_is_rejected() {
    let (t, vkey) = log_of(600);
    let log = AuditLog::open(&t.dir, &t.key).unwrap();
    let root_300 = log.root_at(300).unwrap();
    drop(log);
    let forger = SignerKey::from_seed(ORIGIN, &[7u8; 32]).unwrap();
    let forged = Checkpoint::new(ORIGIN, 300, root_300)
        .unwrap()
        .sign(&forger)
        .unwrap();
    std::fs::write(t.dir.join("checkpoint"), forged.to_string()).unwrap();

    let err = check_dir(&t.dir, &vkey).unwrap_err();
    assert!(
        err.contains("no valid signature") || err.contains("no signature"),
        "{err}"
    );
    let err = AuditLog::open(&t.dir, &t.key).unwrap_err();
    assert!(matches!(err, AuditError::Checkpoint { .. }), "{err}");
}

#[test]
fn a_size_reused_with_another_root_is_a_fork() {
    // Both branches share the first 100 entries and the key, then diverge.
    let (t, mut log) = new_log();
    for i in 0..100 {
        log.append(&entry(i)).unwrap();
    }
    log.integrate().unwrap();
    drop(log);
    let branch = t.tmp.path().join("branch");
    copy_dir(&t.dir, &branch);

    let mut a = AuditLog::open(&t.dir, &t.key).unwrap();
    let mut b = AuditLog::open(&branch, &t.key).unwrap();
    for i in 100..200 {
        a.append(&entry(i)).unwrap();
        b.append(&entry(i + 1_000)).unwrap();
    }
    let seen = a.integrate().unwrap();
    let other = b.integrate().unwrap();
    let key = VerifierKey::parse(&a.verifier_key()).unwrap();

    // Each checkpoint is validly signed on its own...
    let open = |text: &str| Checkpoint::open(text.as_bytes(), ORIGIN, &key, &[]).unwrap();
    let (ca, cb) = (open(&seen.checkpoint), open(&other.checkpoint));
    assert_eq!((ca.checkpoint.size(), cb.checkpoint.size()), (200, 200));
    // ...but the same size with two roots cannot both be true.
    assert!(verify_consistency(200, 200, &seen.root, &other.root, &[]).is_err());

    // Grown further, the other branch still cannot prove it extends the
    // checkpoint the overseer saw.
    for i in 200..250 {
        b.append(&entry(i)).unwrap();
    }
    let grown = b.integrate().unwrap();
    let proof = b.consistency_proof(200).unwrap();
    assert!(verify_consistency(200, 250, &seen.root, &grown.root, &proof).is_err());
    // While the honest branch can.
    a.append(&entry(200)).unwrap();
    let next = a.integrate().unwrap();
    let proof = a.consistency_proof(200).unwrap();
    verify_consistency(200, 201, &seen.root, &next.root, &proof).unwrap();
}
