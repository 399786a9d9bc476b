//! The audit log's API: append, integrate, receipts, entries, limits,
//! batching, locking, the key file and the cosigning hook.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::time::Duration;

use clearstone_audit::merkle::{
    Checkpoint, CosignerKey, Receipt, VerifierKey, empty_root, leaf_hash, verify_consistency,
    verify_inclusion,
};
use clearstone_audit::{AuditError, AuditLog, BatchPolicy, ENTRY_BYTES_MAX, StagedCheckpoint};
use common::{ORIGIN, check_dir, copy_dir, entry, new_log};

/// The engine shares one log between threads behind a mutex.
#[test]
fn the_log_can_move_between_threads() {
    fn send<T: Send>() {}
    send::<AuditLog>();
}

#[test]
fn create_signs_the_empty_tree_and_keeps_the_key_private() {
    let (t, log) = new_log();
    assert_eq!(log.size(), 0);
    assert_eq!(log.root(), empty_root());
    assert_eq!(log.origin(), ORIGIN);
    let mode = std::fs::metadata(&t.key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let vkey = log.verifier_key();
    assert!(vkey.starts_with(&format!("{ORIGIN}+")), "{vkey}");
    assert_eq!(AuditLog::read_verifier_key(&t.key).unwrap(), vkey);
    assert_eq!(
        std::fs::read_to_string(t.dir.join("checkpoint")).unwrap(),
        log.checkpoint_text()
    );
    let checkpoint = check_dir(&t.dir, &vkey).unwrap();
    assert_eq!(checkpoint.size(), 0);
}

#[test]
fn receipts_verify_with_only_the_verifier_key() {
    let (_t, mut log) = new_log();
    for i in 0..300 {
        assert_eq!(log.append(&entry(i)).unwrap(), i);
        if i % 37 == 0 {
            log.integrate().unwrap();
        }
    }
    let done = log.integrate().unwrap();
    assert_eq!((done.size, done.root), (300, log.root()));
    let key = VerifierKey::parse(&log.verifier_key()).unwrap();
    for index in [0, 1, 36, 255, 256, 299] {
        let text = log.receipt(index).unwrap();
        let receipt = Receipt::parse(text.as_bytes()).unwrap();
        let leaf = leaf_hash(&log.entry(index).unwrap());
        let verified = receipt.verify(&leaf, ORIGIN, &key, &[]).unwrap();
        assert_eq!(verified.index, index);
        assert_eq!(verified.checkpoint.size(), 300);
        // Another entry's bytes do not pass for this one.
        let other = leaf_hash(&entry(index + 1));
        assert!(receipt.verify(&other, ORIGIN, &key, &[]).is_err());
    }
    let proof = log.inclusion_proof(7).unwrap();
    verify_inclusion(&leaf_hash(&entry(7)), 7, 300, &proof, &log.root()).unwrap();
    let old_root = log.root_at(100).unwrap();
    let proof = log.consistency_proof(100).unwrap();
    verify_consistency(100, 300, &old_root, &log.root(), &proof).unwrap();
}

#[test]
fn entries_read_back_and_survive_reopening() {
    let (t, mut log) = new_log();
    for i in 0..520 {
        log.append(&entry(i)).unwrap();
    }
    log.integrate().unwrap();
    let root = log.root();
    let vkey = log.verifier_key();
    drop(log);

    let log = AuditLog::open(&t.dir, &t.key).unwrap();
    assert_eq!(
        (log.size(), log.root(), log.verifier_key()),
        (520, root, vkey)
    );
    assert_eq!(log.entry(0).unwrap(), entry(0));
    assert_eq!(log.entry(519).unwrap(), entry(519));
    let read: Vec<(u64, Vec<u8>)> = log.entries(250..520).unwrap().map(Result::unwrap).collect();
    assert_eq!(read.len(), 270);
    for (index, bytes) in read {
        assert_eq!(bytes, entry(index));
    }
    assert_eq!(log.entries(0..0).unwrap().count(), 0);
    assert!(matches!(
        log.entries(500..521),
        Err(AuditError::NoEntry {
            index: 520,
            size: 520
        })
    ));
}

#[test]
fn limits_and_missing_entries_are_clear_errors() {
    let (_t, mut log) = new_log();
    let max = vec![7u8; ENTRY_BYTES_MAX];
    assert_eq!(log.append(&max).unwrap(), 0);
    let err = log.append(&vec![7u8; ENTRY_BYTES_MAX + 1]).unwrap_err();
    assert!(matches!(
        err,
        AuditError::EntryTooLarge { bytes: 65536, .. }
    ));
    assert_eq!(err.code(), "entry_too_large");
    assert!(err.to_string().contains("entry_bytes_max"), "{err}");
    assert!(log.append(b"").is_ok());

    assert!(matches!(
        log.receipt(0),
        Err(AuditError::Pending { index: 0, size: 0 })
    ));
    assert!(matches!(
        log.entry(5),
        Err(AuditError::NoEntry { index: 5, size: 0 })
    ));
    log.integrate().unwrap();
    assert_eq!(log.entry(0).unwrap(), max);
    assert_eq!(log.entry(1).unwrap(), b"");
    assert!(matches!(
        log.consistency_proof(3),
        Err(AuditError::SizeAhead { .. })
    ));
}

#[test]
fn integrating_nothing_changes_nothing() {
    let (t, mut log) = new_log();
    let before = log.checkpoint_text();
    let done = log.integrate().unwrap();
    assert_eq!((done.added, done.size), (0, 0));
    assert_eq!(log.checkpoint_text(), before);
    assert_eq!(
        std::fs::read_to_string(t.dir.join("checkpoint")).unwrap(),
        before
    );
}

#[test]
fn maybe_integrate_follows_the_batch_policy() {
    let (_t, mut log) = new_log();
    log.set_batch_policy(BatchPolicy {
        entries: 3,
        age: Duration::from_secs(3600),
    });
    log.append(b"a").unwrap();
    log.append(b"b").unwrap();
    assert!(!log.integrate_due());
    assert_eq!(log.maybe_integrate().unwrap(), None);
    log.append(b"c").unwrap();
    let done = log.maybe_integrate().unwrap().unwrap();
    assert_eq!((done.added, done.size, log.pending()), (3, 3, 0));

    log.set_batch_policy(BatchPolicy {
        entries: 1000,
        age: Duration::from_millis(20),
    });
    log.append(b"d").unwrap();
    assert_eq!(log.maybe_integrate().unwrap(), None);
    std::thread::sleep(Duration::from_millis(30));
    assert_eq!(log.maybe_integrate().unwrap().unwrap().size, 4);
}

#[test]
fn drop_integrates_pending_entries() {
    let (t, mut log) = new_log();
    log.append(b"one").unwrap();
    log.append(b"two").unwrap();
    drop(log);
    let log = AuditLog::open(&t.dir, &t.key).unwrap();
    assert_eq!(log.size(), 2);
    assert_eq!(log.entry(1).unwrap(), b"two");
}

// issue 14, finding 14: a log whose checkpoints need witnesses published one
// signed by itself alone when dropped with entries pending.
#[test]
fn a_log_that_needs_cosignatures_publishes_nothing_unwitnessed() {
    let (t, mut log) = new_log();
    log.require_cosignatures();
    log.append(b"one").unwrap();
    let err = log.integrate().unwrap_err();
    assert_eq!(err.code(), "cosign_required", "{err}");
    assert_eq!((log.size(), log.pending()), (0, 1));
    drop(log);
    assert_eq!(
        check_dir(&t.dir, &AuditLog::read_verifier_key(&t.key).unwrap())
            .unwrap()
            .size(),
        0
    );
    assert_eq!(AuditLog::open(&t.dir, &t.key).unwrap().size(), 0);
}

#[test]
fn one_process_at_a_time() {
    let (t, log) = new_log();
    let err = AuditLog::open(&t.dir, &t.key).unwrap_err();
    assert!(matches!(err, AuditError::Locked { .. }), "{err}");
    drop(log);
    AuditLog::open(&t.dir, &t.key).unwrap();
}

#[test]
fn create_refuses_to_overwrite_a_log_or_a_key() {
    let (t, log) = new_log();
    drop(log);
    let err = AuditLog::create(&t.dir, &t.tmp.path().join("other.key"), ORIGIN).unwrap_err();
    assert!(matches!(err, AuditError::AlreadyExists { .. }), "{err}");
    let err = AuditLog::create(&t.tmp.path().join("audit2"), &t.key, ORIGIN).unwrap_err();
    assert!(matches!(err, AuditError::KeyExists { .. }), "{err}");
    for bad in ["", "has space", "a+b", "tab\there"] {
        let err = AuditLog::create(&t.tmp.path().join("audit3"), &t.tmp.path().join("k3"), bad)
            .unwrap_err();
        assert!(
            matches!(err, AuditError::InvalidOrigin { .. }),
            "{bad}: {err}"
        );
    }
    let missing = AuditLog::open(&t.tmp.path().join("nothing"), &t.key).unwrap_err();
    assert!(matches!(missing, AuditError::NotFound { .. }), "{missing}");
}

#[test]
fn open_refuses_a_key_others_can_read_or_another_log_key() {
    let (t, log) = new_log();
    drop(log);
    std::fs::set_permissions(&t.key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = AuditLog::open(&t.dir, &t.key).unwrap_err();
    assert!(
        matches!(err, AuditError::KeyPermissions { mode: 0o644, .. }),
        "{err}"
    );
    std::fs::set_permissions(&t.key, std::fs::Permissions::from_mode(0o600)).unwrap();

    let other_key = t.tmp.path().join("other.key");
    drop(AuditLog::create(&t.tmp.path().join("other"), &other_key, ORIGIN).unwrap());
    let err = AuditLog::open(&t.dir, &other_key).unwrap_err();
    assert!(matches!(err, AuditError::Checkpoint { .. }), "{err}");
}

fn witness() -> CosignerKey {
    CosignerKey::from_seed("witness.test/w1", &[9u8; 32]).unwrap()
}

#[test]
fn cosignatures_from_the_hook_are_published() {
    let (t, mut log) = new_log();
    let w = witness();
    for i in 0..10 {
        log.append(&entry(i)).unwrap();
    }
    log.integrate().unwrap();
    for i in 10..20 {
        log.append(&entry(i)).unwrap();
    }
    let done = log
        .integrate_with(|staged: &StagedCheckpoint<'_>| {
            assert_eq!(staged.previous_size(), 10);
            assert_eq!(staged.checkpoint().size(), 20);
            assert!(staged.note().starts_with(ORIGIN));
            // What a witness at size 10 would be sent.
            let proof = staged.consistency_proof(10).unwrap();
            assert!(!proof.is_empty());
            assert!(staged.consistency_proof(0).unwrap().is_empty());
            let line = w.cosign(staged.checkpoint(), 1_700_000_000).unwrap();
            Ok(vec![line.to_string()])
        })
        .unwrap();
    assert_eq!(done.size, 20);
    let bytes = std::fs::read(t.dir.join("checkpoint")).unwrap();
    let key = VerifierKey::parse(&log.verifier_key()).unwrap();
    let opened = Checkpoint::open(&bytes, ORIGIN, &key, &[w.verifier_key()]).unwrap();
    assert_eq!(opened.signatures.len(), 2);
    assert!(!t.dir.join("checkpoint.staged").exists());
}

#[test]
fn a_failed_hook_publishes_nothing_and_keeps_the_entries() {
    let (t, mut log) = new_log();
    log.append(b"x").unwrap();
    let err = log
        .integrate_with(|_| Err("no witness answered".into()))
        .unwrap_err();
    assert_eq!(err.code(), "cosign");
    assert!(err.to_string().contains("no witness answered"), "{err}");
    assert_eq!((log.size(), log.pending()), (0, 1));
    assert_eq!(check_dir(&t.dir, &log.verifier_key()).unwrap().size(), 0);

    // A hook may not return garbage or a bad signature for the log's own key.
    let err = log
        .integrate_with(|_| Ok(vec!["not a signature".to_owned()]))
        .unwrap_err();
    assert_eq!(err.code(), "cosignature");
    assert_eq!(log.size(), 0);

    let done = log.integrate().unwrap();
    assert_eq!(done.size, 1);
    assert!(!t.dir.join("checkpoint.staged").exists());
}

#[test]
fn a_staged_checkpoint_left_by_a_crash_is_published_on_open() {
    let (t, mut log) = new_log();
    for i in 0..300 {
        log.append(&entry(i)).unwrap();
    }
    log.integrate().unwrap();
    for i in 300..310 {
        log.append(&entry(i)).unwrap();
    }
    let mut staged_note = String::new();
    let _ = log.integrate_with(|staged| {
        staged_note = staged.note();
        Err("witness down".into())
    });
    // The process "dies" here: copy the directory as it is on disk.
    let crashed = t.tmp.path().join("crashed");
    copy_dir(&t.dir, &crashed);
    assert!(crashed.join("checkpoint.staged").exists());

    let recovered = AuditLog::open(&crashed, &t.key).unwrap();
    assert_eq!(recovered.size(), 310);
    assert_eq!(recovered.checkpoint_text(), staged_note);
    assert!(!crashed.join("checkpoint.staged").exists());
    assert_eq!(recovered.entry(309).unwrap(), entry(309));
    check_dir(&crashed, &recovered.verifier_key()).unwrap();
}
