//! kill -9 at random moments. A child process (this test binary, re-run with
//! an environment variable) appends and integrates in a loop, sometimes
//! through a cosigning hook that fails, and is killed with SIGKILL. After
//! each kill the log must reopen with every signed entry readable, the
//! recomputed root equal to the signed checkpoint, and the new checkpoint
//! consistent with every earlier one. The next child then writes over
//! whatever the killed one left beyond the checkpoint.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use clearstone_audit::merkle::{CosignerKey, verify_consistency};
use clearstone_audit::{AuditLog, StagedCheckpoint};
use common::{Rng, check_dir, new_log};

const CHILD_DIR: &str = "CLEARSTONE_AUDIT_CRASH_DIR";
const CHILD_KEY: &str = "CLEARSTONE_AUDIT_CRASH_KEY";
const CHILD_SEED: &str = "CLEARSTONE_AUDIT_CRASH_SEED";
const RUNS: u64 = 10;

/// Entry `index` as written by run `run`: a killed run's unsigned entries
/// are later replaced by different bytes, so stale files cannot pass.
fn entry(index: u64, run: u64) -> Vec<u8> {
    format!("{index}:run {run}:{}", "x".repeat((index % 61) as usize)).into_bytes()
}

/// The child's loop; a no-op unless the parent started this process.
#[test]
fn crash_child_writer() {
    let (Ok(dir), Ok(key), Ok(seed)) = (
        std::env::var(CHILD_DIR),
        std::env::var(CHILD_KEY),
        std::env::var(CHILD_SEED),
    ) else {
        return;
    };
    let run: u64 = seed.parse().unwrap();
    let mut rng = Rng::new(run);
    let witness = CosignerKey::from_seed("witness.test/crash", &[3u8; 32]).unwrap();
    let mut log = AuditLog::open(Path::new(&dir), Path::new(&key)).unwrap();
    loop {
        for _ in 0..rng.range(1, 100) {
            let index = log.size() + log.pending() as u64;
            log.append(&entry(index, run)).unwrap();
        }
        match rng.range(0, 3) {
            0 => {
                let fail = rng.range(0, 1) == 0;
                let _ = log.integrate_with(|staged: &StagedCheckpoint<'_>| {
                    if fail {
                        return Err("witness unreachable".into());
                    }
                    Ok(vec![
                        witness.cosign(staged.checkpoint(), 1).unwrap().to_string(),
                    ])
                });
            }
            _ => {
                log.integrate().unwrap();
            }
        }
    }
}

#[test]
fn kill_9_at_random_moments_never_loses_a_signed_entry() {
    let (t, log) = new_log();
    let vkey = log.verifier_key();
    drop(log);
    let exe = std::env::current_exe().unwrap();
    let mut rng = Rng::new(0xc0ffee);
    let mut seen: Vec<(u64, clearstone_audit::merkle::Hash)> = Vec::new();

    for run in 1..=RUNS {
        let mut child = Command::new(&exe)
            .args([
                "crash_child_writer",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_DIR, &t.dir)
            .env(CHILD_KEY, &t.key)
            .env(CHILD_SEED, run.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.range(30, 300)));
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "run {run}: the writer exited by itself ({status}): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();

        // As found on disk, before any recovery: signed, and recomputable.
        let found = check_dir(&t.dir, &vkey).unwrap_or_else(|e| panic!("run {run}: {e}"));
        // Recovery may publish a checkpoint staged for a witness.
        let log = AuditLog::open(&t.dir, &t.key).unwrap_or_else(|e| panic!("run {run}: {e}"));
        let size = log.size();
        assert!(size >= found.size(), "run {run}: open lost entries");
        if size != found.size() {
            let checkpoint = check_dir(&t.dir, &vkey).unwrap();
            assert_eq!((checkpoint.size(), *checkpoint.root()), (size, log.root()));
        } else {
            assert_eq!(*found.root(), log.root());
        }

        // Consistent with every checkpoint seen before: nothing removed,
        // altered or reordered.
        for (old_size, old_root) in &seen {
            let proof = log.consistency_proof(*old_size).unwrap();
            verify_consistency(*old_size, size, old_root, &log.root(), &proof)
                .unwrap_or_else(|e| panic!("run {run}: size {old_size} to {size}: {e}"));
        }
        if size > 0 {
            seen.push((size, log.root()));
        }
        let mut count = 0;
        for item in log.entries(0..size).unwrap() {
            let (index, bytes) = item.unwrap_or_else(|e| panic!("run {run}: {e}"));
            assert!(
                bytes.starts_with(format!("{index}:run ").as_bytes()),
                "run {run}: entry {index} holds {}",
                String::from_utf8_lossy(&bytes)
            );
            count += 1;
        }
        assert_eq!(count, size);
    }
    let grew = seen.windows(2).filter(|w| w[1].0 > w[0].0).count();
    assert!(
        grew >= (RUNS / 2) as usize,
        "the writer hardly ran: {seen:?}"
    );
}
