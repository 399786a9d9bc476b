//! The witness refuses rollback, forks and bad proofs with the spec's codes.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_merkle::{Checkpoint, Hash, MemoryTree, SignerKey, consistency_proof, leaf_hash};
use clearstone_witness::{Witness, WitnessClient, request_body, serve};

const ORIGIN: &str = "clearstone.local/test";

struct Log {
    tree: MemoryTree,
    key: SignerKey,
}

impl Log {
    fn new(seed: u8) -> Self {
        Self {
            tree: MemoryTree::default(),
            key: SignerKey::from_seed(ORIGIN, &[seed; 32]).unwrap(),
        }
    }
    fn grow(&mut self, to: u64, salt: u8) {
        while self.tree.size() < to {
            self.tree.push(leaf_hash(&[salt, self.tree.size() as u8]));
        }
    }
    fn note(&self, size: u64) -> String {
        let root = clearstone_merkle::tree_root(&self.tree, size).unwrap();
        Checkpoint::new(ORIGIN, size, root)
            .unwrap()
            .sign(&self.key)
            .unwrap()
            .to_string()
    }
    fn proof(&self, old: u64, new: u64) -> Vec<Hash> {
        consistency_proof(&self.tree, old, new).unwrap()
    }
}

fn witness(dir: &std::path::Path, log: &Log) -> Witness {
    let mut w = Witness::open(dir, "witness.test/w1").unwrap();
    w.add_log(&log.key.verifier_key().to_string()).unwrap();
    w
}

#[test]
fn status_codes_follow_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(1);
    log.grow(20, 0);
    let w = witness(dir.path(), &log);
    let status = |old, proof: &[Hash], note: &str| {
        w.add_checkpoint(&request_body(old, proof, note), 1_700_000_000)
            .status
    };

    assert_eq!(
        status(0, &[], &log.note(10)),
        200,
        "first checkpoint from an empty witness"
    );
    assert_eq!(
        status(10, &log.proof(10, 15), &log.note(15)),
        200,
        "a consistent extension"
    );
    assert_eq!(
        status(10, &log.proof(10, 20), &log.note(20)),
        409,
        "old size is not the stored one"
    );
    let r = w.add_checkpoint(&request_body(10, &log.proof(10, 20), &log.note(20)), 0);
    assert_eq!(
        (r.content_type, String::from_utf8(r.body).unwrap()),
        ("text/x.tlog.size", "15\n".to_string())
    );
    assert_eq!(
        status(15, &[], &log.note(12)),
        400,
        "rollback: old above the new size"
    );
    let mut bad = log.proof(15, 20);
    let mut b = *bad[0].as_bytes();
    b[0] ^= 1;
    bad[0] = Hash::from_bytes(b);
    assert_eq!(
        status(15, &bad, &log.note(20)),
        422,
        "bad consistency proof"
    );
    // A fork: the same size with another root, signed by the real log key.
    let mut fork = Log::new(1);
    fork.grow(15, 9);
    assert_eq!(
        status(15, &[], &fork.note(15)),
        422,
        "same size, another root"
    );
    assert_eq!(
        status(15, &[], &log.note(15)),
        200,
        "the same checkpoint again is fine"
    );
    // Signed by a key the witness does not know for this origin.
    let impostor = Log::new(2);
    assert_eq!(status(15, &[], &impostor.note(0)), 403);
    // An origin nobody configured.
    let other = SignerKey::from_seed("someone.else/log", &[3; 32]).unwrap();
    let stray = Checkpoint::new("someone.else/log", 1, leaf_hash(b"x"))
        .unwrap()
        .sign(&other)
        .unwrap()
        .to_string();
    assert_eq!(status(0, &[], &stray), 404);
    assert_eq!(w.add_checkpoint(b"old x\n\n", 0).status, 400);
    assert_eq!(w.add_checkpoint(b"nonsense", 0).status, 400);
    // The state survives a restart: 15 is still the size it holds.
    drop(w);
    let w2 = witness(dir.path(), &log);
    assert_eq!(
        w2.add_checkpoint(&request_body(0, &[], &log.note(20)), 0)
            .status,
        409
    );
    assert_eq!(
        w2.add_checkpoint(&request_body(15, &log.proof(15, 20), &log.note(20)), 0)
            .status,
        200
    );
}

#[test]
fn the_log_gets_a_verified_cosignature_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::new(5);
    log.grow(30, 1);
    let w = witness(dir.path(), &log);
    let vkey = clearstone_merkle::VerifierKey::parse(&w.verifier_key()).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/witness", listener.local_addr().unwrap());
    std::thread::scope(|s| {
        s.spawn(|| serve(&listener, &w, Some(4)).unwrap());
        let mut client = WitnessClient {
            url: url.clone(),
            key: vkey.clone(),
            last_size: 0,
        };
        let line = client
            .cosign(&log.note(10), 10, &|old| Ok(log.proof(old, 10)))
            .unwrap();
        assert!(line.starts_with("— witness.test/w1 "), "{line}");
        // A client that lost track of the witness's size recovers from the 409.
        let mut forgetful = WitnessClient {
            url: url.clone(),
            key: vkey.clone(),
            last_size: 0,
        };
        forgetful
            .cosign(&log.note(30), 30, &|old| Ok(log.proof(old, 30)))
            .unwrap();
        assert_eq!(forgetful.last_size, 30);
        // A cosignature by another key is refused by the client.
        let mut wrong = WitnessClient {
            url,
            key: log.key.verifier_key(),
            last_size: 30,
        };
        assert!(
            wrong
                .cosign(&log.note(30), 30, &|_| Ok(Vec::new()))
                .is_err()
        );
    });
}
