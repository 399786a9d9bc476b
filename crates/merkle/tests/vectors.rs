//! The transparency-dev/merkle proof vectors (tests/vectors, Apache-2.0): every
//! case must verify exactly when `wantErr` is false.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clearstone_merkle::{
    Hash, VerifyError, leaf_hash, verify_consistency, verify_consistency_allowing_empty,
    verify_inclusion,
};
use serde_json::Value;

/// The vectors of `kind`, found from the crate's folder as cargo names it
/// when it runs the test (where it was built, failing that): a test binary
/// built in one checkout and run from another reads this one's files.
fn vector_files(kind: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
            .join("tests/vectors")
            .join(kind),
        &mut out,
    );
    out.sort();
    out
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn raw(value: &Value) -> Vec<u8> {
    STANDARD.decode(value.as_str().unwrap()).unwrap()
}

/// How a value that is not 32 bytes is fed to our typed API.
#[derive(Clone, Copy)]
enum Odd {
    /// It cannot become a `Hash`, so verification fails outright.
    Refuse,
    /// It becomes a 32-byte stand-in (its leaf hash: equal bytes give equal
    /// stand-ins), so the case still exercises the verifier's logic.
    StandIn,
}

fn hash(value: &Value, odd: Odd) -> Option<Hash> {
    let bytes = raw(value);
    match (Hash::from_slice(&bytes), odd) {
        (Ok(hash), _) => Some(hash),
        (Err(_), Odd::Refuse) => None,
        (Err(_), Odd::StandIn) => Some(leaf_hash(&bytes)),
    }
}

fn proof(value: &Value, odd: Odd) -> Option<Vec<Hash>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Array(items) => items.iter().map(|item| hash(item, odd)).collect(),
        other => panic!("proof is {other}"),
    }
}

/// Cases where a value is not 32 bytes yet the vector expects success. Go
/// compares roots as byte strings when the sizes are equal; our hashes are
/// 32 bytes by type, so we refuse, and check below that 32-byte roots pass.
const STRICTER_THAN_GO: &[&str] =
    &["consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"];

fn is_stricter(path: &Path) -> bool {
    STRICTER_THAN_GO
        .iter()
        .any(|suffix| path.to_string_lossy().ends_with(suffix))
}

#[test]
fn inclusion_vectors() {
    // Every value here that is not 32 bytes is itself the fault under test
    // (an empty or short leaf or root), so refusing it is the right outcome.
    let odd = Odd::Refuse;
    let files = vector_files("inclusion");
    assert_eq!(files.len(), 98);
    let mut passed = 0;
    for path in &files {
        let v = load(path);
        let want_err = v["wantErr"].as_bool().unwrap();
        let inputs = (
            hash(&v["leafHash"], odd),
            hash(&v["root"], odd),
            proof(&v["proof"], odd),
        );
        let result = match inputs {
            (Some(leaf), Some(root), Some(proof)) => verify_inclusion(
                &leaf,
                v["leafIdx"].as_u64().unwrap(),
                v["treeSize"].as_u64().unwrap(),
                &proof,
                &root,
            )
            .map_err(|e| e.to_string()),
            _ => Err("a value is not 32 bytes".to_owned()),
        };
        assert_eq!(
            result.is_err(),
            want_err,
            "{}: {:?} ({})",
            path.display(),
            result,
            v["desc"]
        );
        passed += usize::from(!want_err);
    }
    // Happy paths in inclusion/0..4 and single-entry/matching-root-and-leaf.
    assert_eq!(passed, 6);
}

fn check_consistency_vectors(odd: Odd) {
    let files = vector_files("consistency");
    assert_eq!(files.len(), 98);
    let mut passed = 0;
    for path in &files {
        let v = load(path);
        let refused = matches!(odd, Odd::Refuse) && is_stricter(path);
        let want_err = v["wantErr"].as_bool().unwrap() || refused;
        let size1 = v["size1"].as_u64().unwrap();
        let size2 = v["size2"].as_u64().unwrap();
        let inputs = (
            hash(&v["root1"], odd),
            hash(&v["root2"], odd),
            proof(&v["proof"], odd),
        );
        let result = match inputs {
            (Some(root1), Some(root2), Some(proof)) => {
                verify_consistency(size1, size2, &root1, &root2, &proof).map_err(|e| e.to_string())
            }
            _ => Err("a value is not 32 bytes".to_owned()),
        };
        assert_eq!(
            result.is_err(),
            want_err,
            "{}: {:?} ({})",
            path.display(),
            result,
            v["desc"]
        );
        passed += usize::from(!want_err);
    }
    let happy_paths = 5;
    let stricter = match odd {
        Odd::Refuse => 0,
        Odd::StandIn => STRICTER_THAN_GO.len(),
    };
    assert_eq!(passed, happy_paths + stricter);
}

#[test]
fn consistency_vectors() {
    check_consistency_vectors(Odd::Refuse);
}

/// The consistency vectors' short values are placeholder roots ("don't care
/// 1", "don't care 2") whose equality is what counts. With 32-byte stand-ins
/// every case, the stricter one included, comes out exactly as they say.
#[test]
fn consistency_vectors_with_stand_ins() {
    check_consistency_vectors(Odd::StandIn);
}

#[test]
fn stricter_case_passes_with_real_hashes() {
    let root = Hash::from_bytes([7; 32]);
    assert_eq!(verify_consistency(1, 1, &root, &root, &[]), Ok(()));
    for suffix in STRICTER_THAN_GO {
        let path = vector_files("consistency")
            .into_iter()
            .find(|p| p.to_string_lossy().ends_with(suffix))
            .unwrap();
        let v = load(&path);
        assert!(
            !v["wantErr"].as_bool().unwrap(),
            "{suffix} no longer needs listing"
        );
        assert!(
            hash(&v["root1"], Odd::Refuse).is_none(),
            "{suffix} has 32-byte roots now"
        );
    }
}

#[test]
fn empty_old_tree_is_refused_unless_allowed() {
    let empty = clearstone_merkle::empty_root();
    let root = Hash::from_bytes([1; 32]);
    assert_eq!(
        verify_consistency(0, 5, &empty, &root, &[]),
        Err(VerifyError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency_allowing_empty(0, 5, &empty, &root, &[]),
        Ok(())
    );
    assert!(verify_consistency_allowing_empty(0, 5, &empty, &root, &[root]).is_err());
    // Both empty: refused by default (as the vectors' 0 -> 0 cases expect),
    // and under the opt-in the equal-size rule applies.
    assert_eq!(
        verify_consistency(0, 0, &empty, &empty, &[]),
        Err(VerifyError::EmptyOldTree)
    );
    assert_eq!(
        verify_consistency_allowing_empty(0, 0, &empty, &empty, &[]),
        Ok(())
    );
    assert!(verify_consistency_allowing_empty(0, 0, &empty, &root, &[]).is_err());
    // Nonzero old sizes behave exactly as in the strict function.
    for path in vector_files("consistency") {
        let v = load(&path);
        let size1 = v["size1"].as_u64().unwrap();
        if size1 == 0 {
            continue;
        }
        if let (Some(r1), Some(r2), Some(p)) = (
            hash(&v["root1"], Odd::Refuse),
            hash(&v["root2"], Odd::Refuse),
            proof(&v["proof"], Odd::Refuse),
        ) {
            let size2 = v["size2"].as_u64().unwrap();
            assert_eq!(
                verify_consistency_allowing_empty(size1, size2, &r1, &r2, &p),
                verify_consistency(size1, size2, &r1, &r2, &p),
                "{}",
                path.display()
            );
        }
    }
}
