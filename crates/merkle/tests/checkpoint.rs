//! Checkpoints, cosignatures and tlog-proof receipts: round trips, the C2SP
//! example shapes, and refusal of malformed or unverifiable input.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_merkle::cosignature::{TIMESTAMP_MAX, message};
use clearstone_merkle::{
    Checkpoint, CheckpointError, CosignerKey, Hash, MemoryTree, Note, NoteError, NoteSignature,
    Receipt, ReceiptError, SignatureType, SignerKey, VerifyError, inclusion_proof, leaf_hash,
};

const ORIGIN: &str = "audit.example.gov.uk/clearstone";

fn log_key() -> SignerKey {
    SignerKey::from_seed(ORIGIN, &[7; 32]).unwrap()
}

fn witness(n: u8) -> CosignerKey {
    CosignerKey::from_seed(&format!("witness{n}.example"), &[n; 32]).unwrap()
}

#[test]
fn checkpoint_text_round_trips() {
    let root = Hash::from_base64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=").unwrap();
    let text =
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
    let checkpoint = Checkpoint::parse(text).unwrap();
    assert_eq!(checkpoint.origin(), "example.com/behind-the-sofa");
    assert_eq!(checkpoint.size(), 20852163);
    assert_eq!(checkpoint.root(), &root);
    assert!(checkpoint.extensions().is_empty());
    assert_eq!(checkpoint.to_text(), text);
    assert_eq!(
        Checkpoint::new("example.com/behind-the-sofa", 20852163, root).unwrap(),
        checkpoint
    );

    let with_ext = format!("{text}ext one\next two\n");
    let checkpoint = Checkpoint::parse(&with_ext).unwrap();
    assert_eq!(checkpoint.extensions(), ["ext one", "ext two"]);
    assert_eq!(checkpoint.to_text(), with_ext);

    let empty = Checkpoint::parse("o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n").unwrap();
    assert_eq!(empty.size(), 0);
    assert_eq!(empty.root(), &clearstone_merkle::empty_root());
}

#[test]
fn malformed_checkpoints_are_refused() {
    let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";
    let cases = [
        format!("o\n1\n{root}"),
        format!("\n1\n{root}\n"),
        format!("o\n{root}\n"),
        "o\n1\n".to_owned(),
        format!("o\n01\n{root}\n"),
        format!("o\n00\n{root}\n"),
        format!("o\n+1\n{root}\n"),
        format!("o\n-1\n{root}\n"),
        format!("o\n 1\n{root}\n"),
        format!("o\n1.0\n{root}\n"),
        format!("o\n18446744073709551616\n{root}\n"),
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n".to_owned(),
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n".to_owned(),
        "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n".to_owned(),
        format!("o\n1\n{root}\n\n"),
        format!("o\n1\n{root}\next\n\n"),
        format!("o\r\n1\n{root}\n"),
    ];
    for case in &cases {
        assert!(Checkpoint::parse(case).is_err(), "accepted {case:?}");
    }
    assert!(Checkpoint::parse(&format!("o\n18446744073709551615\n{root}\n")).is_ok());
    let hash = Hash::from_bytes([0; 32]);
    assert_eq!(
        Checkpoint::new("", 1, hash),
        Err(CheckpointError::EmptyOrigin)
    );
    assert!(Checkpoint::new("a\nb", 1, hash).is_err());
    let checkpoint = Checkpoint::new("o", 1, hash).unwrap();
    assert!(
        checkpoint
            .clone()
            .with_extensions(vec![String::new()])
            .is_err()
    );
    assert!(checkpoint.with_extensions(vec!["a\nb".into()]).is_err());
}

#[test]
fn signed_checkpoints_open_only_for_the_right_log() {
    let key = log_key();
    let checkpoint = Checkpoint::new(ORIGIN, 42, leaf_hash(b"root")).unwrap();
    let msg = checkpoint.sign(&key).unwrap().to_string();
    let opened = Checkpoint::open(msg.as_bytes(), ORIGIN, &key.verifier_key(), &[]).unwrap();
    assert_eq!(opened.checkpoint, checkpoint);
    assert_eq!(opened.signatures.len(), 1);

    assert!(matches!(
        Checkpoint::open(
            msg.as_bytes(),
            "other.example/log",
            &key.verifier_key(),
            &[]
        ),
        Err(CheckpointError::OriginMismatch { .. })
    ));
    let stranger = SignerKey::from_seed(ORIGIN, &[8; 32]).unwrap();
    assert!(matches!(
        Checkpoint::open(msg.as_bytes(), ORIGIN, &stranger.verifier_key(), &[]),
        Err(CheckpointError::Note(NoteError::NoVerifiedSignature))
    ));
    // A witness's cosignature alone does not stand in for the log's signature.
    let w = witness(1);
    let mut only_witness = Note::new(checkpoint.to_text()).unwrap();
    only_witness
        .add_signature(w.cosign(&checkpoint, 1).unwrap())
        .unwrap();
    assert!(matches!(
        Checkpoint::open(
            only_witness.to_string().as_bytes(),
            ORIGIN,
            &key.verifier_key(),
            &[w.verifier_key()]
        ),
        Err(CheckpointError::MissingLogSignature { .. })
    ));
    // A bigger size under the old signature fails.
    let forged = msg.replacen("\n42\n", "\n43\n", 1);
    assert!(Checkpoint::open(forged.as_bytes(), ORIGIN, &key.verifier_key(), &[]).is_err());
}

#[test]
fn cosignatures_sign_the_documented_message() {
    let key = log_key();
    let w = witness(1);
    let checkpoint = Checkpoint::new(ORIGIN, 1000, leaf_hash(b"r")).unwrap();
    let timestamp = 1_679_315_147;
    let cosig = w.cosign(&checkpoint, timestamp).unwrap();
    assert_eq!(cosig.signature().len(), 72);
    assert_eq!(cosig.signature()[..8], timestamp.to_be_bytes());
    assert_eq!(
        message(timestamp, &checkpoint.to_text()),
        format!("cosignature/v1\ntime 1679315147\n{}", checkpoint.to_text()).into_bytes()
    );
    // The Ed25519 part is a plain signature over that message.
    let public = ed25519_dalek::VerifyingKey::from_bytes(&w.verifier_key().public_key()).unwrap();
    let sig = ed25519_dalek::Signature::from_slice(&cosig.signature()[8..]).unwrap();
    public
        .verify_strict(&message(timestamp, &checkpoint.to_text()), &sig)
        .unwrap();

    let mut note = checkpoint.sign(&key).unwrap();
    note.add_signature(cosig.clone()).unwrap();
    note.add_signature(witness(2).cosign(&checkpoint, timestamp + 5).unwrap())
        .unwrap();
    let msg = note.to_string();
    let witnesses = [w.verifier_key(), witness(2).verifier_key()];
    let opened = Checkpoint::open(msg.as_bytes(), ORIGIN, &key.verifier_key(), &witnesses).unwrap();
    let cosigs: Vec<_> = opened
        .signatures
        .iter()
        .filter(|s| s.sig_type == SignatureType::CosignatureV1)
        .map(|s| (s.name.as_str(), s.timestamp))
        .collect();
    assert_eq!(
        cosigs,
        [
            ("witness1.example", Some(timestamp)),
            ("witness2.example", Some(timestamp + 5))
        ]
    );

    // A changed timestamp breaks the cosignature, and a known witness's bad
    // cosignature rejects the checkpoint.
    let mut bytes = cosig.signature().to_vec();
    bytes[7] ^= 1;
    let mut bad = checkpoint.sign(&key).unwrap();
    bad.add_signature(NoteSignature::new(cosig.name(), cosig.key_id(), bytes).unwrap())
        .unwrap();
    assert!(
        Checkpoint::open(
            bad.to_string().as_bytes(),
            ORIGIN,
            &key.verifier_key(),
            &witnesses
        )
        .is_err()
    );
    // Unknown to the verifier, the same bad cosignature is ignored.
    Checkpoint::open(bad.to_string().as_bytes(), ORIGIN, &key.verifier_key(), &[]).unwrap();

    assert!(w.cosign(&checkpoint, TIMESTAMP_MAX).is_ok());
    assert!(w.cosign(&checkpoint, TIMESTAMP_MAX + 1).is_err());
}

fn receipt_fixture() -> (MemoryTree, Vec<Vec<u8>>, Note) {
    let entries: Vec<Vec<u8>> = (0..77u32)
        .map(|i| format!("event {i}").into_bytes())
        .collect();
    let tree = MemoryTree::from_leaf_hashes(entries.iter().map(|e| leaf_hash(e)));
    let checkpoint = Checkpoint::new(ORIGIN, tree.size(), tree.root()).unwrap();
    let mut note = checkpoint.sign(&log_key()).unwrap();
    note.add_signature(witness(1).cosign(&checkpoint, 1_700_000_000).unwrap())
        .unwrap();
    (tree, entries, note)
}

#[test]
fn receipts_round_trip_and_verify() {
    let (tree, entries, note) = receipt_fixture();
    let index = 41;
    let proof = inclusion_proof(&tree, index, tree.size()).unwrap();
    let receipt = Receipt::new(index, proof.clone(), note.clone()).unwrap();
    let text = receipt.to_string();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nindex 41\n"));
    assert!(text.ends_with(&format!("\n\n{note}")));
    assert_eq!(Receipt::parse(text.as_bytes()).unwrap(), receipt);

    let leaf = leaf_hash(&entries[41]);
    let verified = receipt
        .verify(
            &leaf,
            ORIGIN,
            &log_key().verifier_key(),
            &[witness(1).verifier_key()],
        )
        .unwrap();
    assert_eq!(verified.index, 41);
    assert_eq!(verified.checkpoint.size(), 77);
    assert_eq!(verified.signatures.len(), 2);

    // Another entry, another index or a foreign log: refused.
    let log = log_key().verifier_key();
    assert!(matches!(
        receipt.verify(&leaf_hash(&entries[40]), ORIGIN, &log, &[]),
        Err(ReceiptError::Inclusion(VerifyError::RootMismatch))
    ));
    let moved = Receipt::new(40, proof.clone(), note.clone()).unwrap();
    assert!(moved.verify(&leaf, ORIGIN, &log, &[]).is_err());
    assert!(receipt.verify(&leaf, "other.example", &log, &[]).is_err());

    // With extra data.
    let with_extra = receipt.clone().with_extra(b"vrf proof".to_vec());
    let text = with_extra.to_string();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra dnJmIHByb29m\nindex 41\n"));
    let parsed = Receipt::parse(text.as_bytes()).unwrap();
    assert_eq!(parsed.extra(), Some(b"vrf proof".as_slice()));
    assert_eq!(
        parsed.verify(&leaf, ORIGIN, &log, &[]).unwrap().extra,
        Some(b"vrf proof".to_vec())
    );
    let empty_extra = receipt.clone().with_extra(Vec::new());
    assert_eq!(
        Receipt::parse(empty_extra.to_string().as_bytes()).unwrap(),
        empty_extra
    );
}

#[test]
fn a_single_entry_log_has_an_empty_proof() {
    let key = log_key();
    let leaf = leaf_hash(b"only");
    let note = Checkpoint::new(ORIGIN, 1, leaf)
        .unwrap()
        .sign(&key)
        .unwrap();
    let receipt = Receipt::new(0, Vec::new(), note).unwrap();
    let text = receipt.to_string();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nindex 0\n\n"));
    let parsed = Receipt::parse(text.as_bytes()).unwrap();
    parsed
        .verify(&leaf, ORIGIN, &key.verifier_key(), &[])
        .unwrap();
}

#[test]
fn malformed_receipts_are_refused() {
    let (tree, _, note) = receipt_fixture();
    let proof = inclusion_proof(&tree, 5, tree.size()).unwrap();
    let good = Receipt::new(5, proof.clone(), note.clone())
        .unwrap()
        .to_string();
    let lines: Vec<&str> = good.split('\n').collect();
    let hash_line = lines[2];
    let tail = &good[good.find("\n\n").unwrap()..];
    let cases = [
        good.replacen("c2sp.org/tlog-proof@v1", "c2sp.org/tlog-proof@v2", 1),
        good.replacen("index 5", "index 05", 1),
        good.replacen("index 5", "index -5", 1),
        good.replacen("index 5", "index", 1),
        good.replacen("index 5", "idx 5", 1),
        good.replacen("index 5\n", "", 1),
        good.replacen(hash_line, &hash_line[1..], 1),
        good.replacen(hash_line, "AAAA", 1),
        good.replacen("index 5\n", "extra !!\nindex 5\n", 1),
        format!("c2sp.org/tlog-proof@v1\nindex 5\n{hash_line}"),
        format!(
            "c2sp.org/tlog-proof@v1\nindex 5\n{}{tail}",
            format!("{hash_line}\n").repeat(65)
        ),
        good.replacen(tail, "\n\nnot a note\n", 1),
    ];
    for case in &cases {
        assert!(
            Receipt::parse(case.as_bytes()).is_err(),
            "accepted {case:?}"
        );
    }
    assert!(Receipt::new(5, vec![proof[0]; 65], note).is_err());
}
