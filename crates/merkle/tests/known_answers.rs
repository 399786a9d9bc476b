//! Known answers from RFC 6962 test data (transparency-dev/merkle
//! testonly/constants.go) and from golang.org/x/mod/sumdb/note and C2SP.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_merkle::{
    Hash, MemoryTree, Note, SignerKey, VerifierKey, consistency_proof, empty_root, inclusion_proof,
    key_id, leaf_hash, root, verify_consistency, verify_inclusion,
};

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn h(text: &str) -> Hash {
    Hash::from_hex(text).unwrap()
}

/// The eight leaves of testonly/constants.go.
fn leaves() -> Vec<Hash> {
    [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
    .iter()
    .map(|hex| leaf_hash(&unhex(hex)))
    .collect()
}

#[test]
fn roots_of_sizes_0_1_8() {
    let leaves = leaves();
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    let size0 = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    let size1 = h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    let size8 = h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");
    assert_eq!(empty_root(), size0);
    assert_eq!(root(&[]), size0);
    assert_eq!(root(&leaves[..1]), size1);
    assert_eq!(root(&leaves), size8);
    assert_eq!(tree.root(), size8);
    assert_eq!(MemoryTree::new().root(), size0);
}

#[test]
fn path_0_in_8() {
    let tree = MemoryTree::from_leaf_hashes(leaves());
    let want = [
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ];
    assert_eq!(inclusion_proof(&tree, 0, 8).unwrap(), want);
    assert_eq!(
        verify_inclusion(&leaves()[0], 0, 8, &want, &tree.root()),
        Ok(())
    );
}

#[test]
fn consistency_3_to_7_and_4_to_7() {
    let leaves = leaves();
    let tree = MemoryTree::from_leaf_hashes(leaves.iter().copied());
    let d = h("837dbb152e9b079010717e84e865da4ebc0fa198a806d59d31bf15accef22d0e");
    // The RFC 6962 §2.1.3 example PROOF(3, D[7]) = [c, d, g, l].
    let want_3_7 = [
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        d,
    ];
    assert_eq!(consistency_proof(&tree, 3, 7).unwrap(), want_3_7);
    assert_eq!(consistency_proof(&tree, 4, 7).unwrap(), [d]);
    let (r3, r4, r7) = (root(&leaves[..3]), root(&leaves[..4]), root(&leaves[..7]));
    assert_eq!(verify_consistency(3, 7, &r3, &r7, &want_3_7), Ok(()));
    assert_eq!(verify_consistency(4, 7, &r4, &r7, &[d]), Ok(()));
    assert!(verify_consistency(4, 7, &r3, &r7, &[d]).is_err());
}

const PETER_SKEY: &str =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIGNATURE: &str = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

#[test]
fn golang_sumdb_note_sign_is_byte_exact() {
    let key = SignerKey::parse(PETER_SKEY).unwrap();
    assert_eq!(key.name(), "PeterNeumann");
    assert_eq!(key.key_id(), 0xc74f20a3);
    assert_eq!(key.to_secret_string(), PETER_SKEY);
    assert_eq!(key.verifier_key().to_string(), PETER_VKEY);

    let mut note = Note::new(PETER_TEXT).unwrap();
    note.sign(&key).unwrap();
    let signed = note.to_string();
    assert_eq!(signed, format!("{PETER_TEXT}\n{PETER_SIGNATURE}"));

    let vkey = VerifierKey::parse(PETER_VKEY).unwrap();
    let parsed = Note::parse(signed.as_bytes()).unwrap();
    assert_eq!(parsed, note);
    let verified = parsed.verify(&[vkey]).unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].name, "PeterNeumann");
}

#[test]
fn key_id_is_the_truncated_hash_of_name_type_and_key() {
    let vkey = VerifierKey::parse(PETER_VKEY).unwrap();
    let mut material = vec![0x01];
    material.extend_from_slice(&vkey.public_key());
    assert_eq!(key_id("PeterNeumann", 0x01, &vkey.public_key()), 0xc74f20a3);
    // Computed independently: SHA-256 over the bytes spelled out.
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest([b"PeterNeumann\n".as_slice(), &material].concat());
    assert_eq!(digest[..4], 0xc74f20a3u32.to_be_bytes());
}

#[test]
fn c2sp_signed_note_example() {
    let vkey =
        VerifierKey::parse("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")
            .unwrap();
    let msg = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    let note = Note::parse(msg.as_bytes()).unwrap();
    assert_eq!(note.text(), "This is an example message.\n");
    let verified = note.verify(std::slice::from_ref(&vkey)).unwrap();
    assert_eq!(verified[0].key_id, 0x530d903a);
    assert_eq!(note.to_string(), msg);

    // The same signature over a changed text fails.
    let forged = msg.replace("example message", "exemplary message");
    assert!(
        Note::parse(forged.as_bytes())
            .unwrap()
            .verify(&[vkey])
            .is_err()
    );
}
