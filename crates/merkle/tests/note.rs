//! Signed-note rules (C2SP signed-note v1): parsing, formatting, keys and the
//! verification policy.
#![allow(clippy::unwrap_used, clippy::panic)]

use clearstone_merkle::note::{NOTE_BYTES_MAX, SIGNATURES_MAX};
use clearstone_merkle::{
    CosignerKey, KeyError, Note, NoteError, NoteSignature, SignatureType, SignerKey, VerifierKey,
};

fn signer(name: &str, seed: u8) -> SignerKey {
    SignerKey::from_seed(name, &[seed; 32]).unwrap()
}

fn signed(text: &str, keys: &[&SignerKey]) -> Note {
    let mut note = Note::new(text).unwrap();
    for key in keys {
        note.sign(key).unwrap();
    }
    note
}

#[test]
fn keys_round_trip_through_their_encodings() {
    let key = signer("log.example/a", 1);
    let skey = key.to_secret_string();
    assert!(skey.starts_with("PRIVATE+KEY+log.example/a+"));
    let parsed = SignerKey::parse(&skey).unwrap();
    assert_eq!(parsed.verifier_key(), key.verifier_key());
    let vkey = key.verifier_key().to_string();
    assert_eq!(VerifierKey::parse(&vkey).unwrap(), key.verifier_key());
    assert_eq!(
        vkey.parse::<VerifierKey>().unwrap().sig_type(),
        SignatureType::Ed25519
    );
    // Debug output never shows the seed.
    assert!(!format!("{key:?}").contains(skey.rsplit('+').next().unwrap()));

    let witness = CosignerKey::from_seed("witness.example/w1", &[2; 32]).unwrap();
    let parsed = CosignerKey::parse(&witness.to_secret_string()).unwrap();
    assert_eq!(parsed.verifier_key(), witness.verifier_key());
    let vkey = witness.verifier_key();
    assert_eq!(vkey.sig_type(), SignatureType::CosignatureV1);
    // Same seed and name, different type byte: a different key ID.
    let as_log = SignerKey::from_seed("witness.example/w1", &[2; 32]).unwrap();
    assert_ne!(as_log.key_id(), witness.key_id());
    assert_eq!(VerifierKey::parse(&vkey.to_string()).unwrap(), vkey);
}

#[test]
fn malformed_keys_are_refused() {
    let good = signer("a.example", 3).verifier_key().to_string();
    let (name, rest) = good.split_once('+').unwrap();
    let (id, material) = rest.split_once('+').unwrap();
    let cases = [
        String::new(),
        name.to_owned(),
        format!("{name}+{id}"),
        format!("+{id}+{material}"),
        format!("a b+{id}+{material}"),
        format!("{name}+{}+{material}", &id[..7]),
        format!("{name}+{id}0+{material}"),
        format!("{name}++{}+{material}", &id[1..]),
        format!("{name}+{id}+{}", &material[1..]),
        format!("{name}+{id}+AQID"),
        format!("{name}+00000000+{material}"),
        format!("other.example+{id}+{material}"),
        // Type 0x02 (ECDSA) is not supported.
        format!("{name}+{id}+Ag{}", &material[2..]),
    ];
    for case in &cases {
        assert!(VerifierKey::parse(case).is_err(), "accepted `{case}`");
    }
    assert!(matches!(
        VerifierKey::parse(&format!("{name}+00000000+{material}")),
        Err(KeyError::KeyIdMismatch { .. })
    ));

    let skey = signer("a.example", 3).to_secret_string();
    for case in [
        skey.replacen("PRIVATE", "PUBLIC", 1),
        skey.replacen("+KEY+", "+KEYS+", 1),
        skey.replacen("a.example", "b.example", 1),
        skey["PRIVATE+KEY+".len()..].to_owned(),
    ] {
        assert!(
            SignerKey::parse(&case).is_err(),
            "accepted a bad signer key"
        );
    }
    // A cosigner key is not a log signer key, nor the other way round.
    let cosigner = CosignerKey::from_seed("w.example", &[4; 32]).unwrap();
    assert!(SignerKey::parse(&cosigner.to_secret_string()).is_err());
    assert!(CosignerKey::parse(&skey).is_err());
    // Names may not hold spaces (any Unicode space) or plus signs.
    for name in ["", "a b", "a+b", "a\u{a0}b", "a\u{2003}b", "a\tb"] {
        assert!(
            SignerKey::from_seed(name, &[5; 32]).is_err(),
            "name `{name}`"
        );
    }
}

#[test]
fn notes_round_trip_and_keep_signature_order() {
    let (a, b) = (signer("a.example", 1), signer("b.example", 2));
    let note = signed("line one\n\nline three\n", &[&a, &b]);
    let encoded = note.to_string();
    let parsed = Note::parse(encoded.as_bytes()).unwrap();
    assert_eq!(parsed, note);
    assert_eq!(parsed.text(), "line one\n\nline three\n");
    assert_eq!(parsed.to_string(), encoded);
    let names: Vec<_> = parsed
        .signatures()
        .iter()
        .map(NoteSignature::name)
        .collect();
    assert_eq!(names, ["a.example", "b.example"]);
    // Signing again with the same key replaces, not duplicates.
    let mut again = parsed.clone();
    again.sign(&a).unwrap();
    assert_eq!(again.signatures().len(), 2);
    assert_eq!(again.signatures()[1].name(), "a.example");
}

#[test]
fn verification_follows_the_spec() {
    let (a, b, c) = (
        signer("a.example", 1),
        signer("b.example", 2),
        signer("c.example", 3),
    );
    let (va, vb, vc) = (a.verifier_key(), b.verifier_key(), c.verifier_key());
    let note = signed("hello\n", &[&a, &b]);

    // Unknown keys are ignored; one known key that verifies is enough.
    let verified = note.verify(&[va.clone(), vc.clone()]).unwrap();
    assert_eq!(verified.len(), 1);
    assert_eq!(verified[0].name, "a.example");
    assert_eq!(note.verify(&[va.clone(), vb.clone()]).unwrap().len(), 2);

    // No known key: rejected.
    assert_eq!(
        note.verify(std::slice::from_ref(&vc)),
        Err(NoteError::NoVerifiedSignature)
    );
    assert_eq!(note.verify(&[]), Err(NoteError::NoVerifiedSignature));

    // A known key whose signature fails rejects the note, even next to a good one.
    let mut bad = note.clone();
    let forged = NoteSignature::new("b.example", vb.key_id(), vec![0; 64]).unwrap();
    bad.add_signature(forged).unwrap();
    assert!(matches!(
        bad.verify(&[va.clone(), vb.clone()]),
        Err(NoteError::InvalidSignature { .. })
    ));
    // ... but not when that key is unknown.
    assert_eq!(bad.verify(std::slice::from_ref(&va)).unwrap().len(), 1);

    // Same name, other ID (or same ID, other name): unknown, so ignored.
    let same_name = signer("a.example", 9).verifier_key();
    assert_eq!(
        note.verify(std::slice::from_ref(&same_name)),
        Err(NoteError::NoVerifiedSignature)
    );
    assert_eq!(note.verify(&[same_name, vb.clone()]).unwrap().len(), 1);

    // Two known keys with the same name and ID: refuse to guess.
    assert!(matches!(
        note.verify(&[va.clone(), va.clone()]),
        Err(NoteError::AmbiguousKey { .. })
    ));

    // A changed text fails under every known key.
    let tampered = note.to_string().replacen("hello", "jello", 1);
    assert!(matches!(
        Note::parse(tampered.as_bytes()).unwrap().verify(&[va]),
        Err(NoteError::InvalidSignature { .. })
    ));
}

#[test]
fn malformed_notes_are_refused() {
    let a = signer("a.example", 1);
    let good = signed("text\n", &[&a]).to_string();
    let sig_line = good.lines().last().unwrap().to_owned();
    let b64 = sig_line.rsplit(' ').next().unwrap().to_owned();
    let cases: Vec<(String, &str)> = vec![
        ("text\n".into(), "no signatures"),
        ("text\n\n".into(), "empty signature block"),
        (format!("text\n{sig_line}\n"), "no blank line"),
        (format!("text\n\n{sig_line}"), "no final newline"),
        (format!("text\n\n{sig_line}\n\n"), "trailing blank line"),
        (
            format!("text\n\n- a.example {b64}\n"),
            "hyphen instead of em dash",
        ),
        (format!("text\n\n—a.example {b64}\n"), "no space after dash"),
        (format!("text\n\n— a.example  {b64}\n"), "two spaces"),
        ("text\n\n— a.example\n".into(), "no signature"),
        (format!("text\n\n— a+b {b64}\n"), "plus in name"),
        ("text\n\n— a.example AAAA\n".into(), "signature of 3 bytes"),
        ("text\n\n— a.example AAAAAA==\n".into(), "key id only"),
        (format!("text\n\n— a.example {}\n", &b64[1..]), "bad base64"),
        (format!("te\rxt\n\n{sig_line}\n"), "control character"),
        (format!("te\txt\n\n{sig_line}\n"), "tab"),
    ];
    for (msg, why) in &cases {
        assert!(Note::parse(msg.as_bytes()).is_err(), "accepted: {why}");
    }
    assert_eq!(Note::parse(b"\xff\n\n"), Err(NoteError::NotUtf8));
    assert!(Note::new("no newline").is_err());
    assert!(Note::new("").is_err());
    assert!(Note::new("bell\u{7}\n").is_err());
}

#[test]
fn limits_are_enforced() {
    let a = signer("a.example", 1);
    let line = signed("t\n", &[&a])
        .to_string()
        .lines()
        .last()
        .unwrap()
        .to_owned();
    let many = |count: usize| format!("t\n\n{}", format!("{line}\n").repeat(count));
    assert!(Note::parse(many(SIGNATURES_MAX).as_bytes()).is_ok());
    assert!(matches!(
        Note::parse(many(SIGNATURES_MAX + 1).as_bytes()),
        Err(NoteError::TooManySignatures { .. })
    ));
    // The same signature many times over still verifies once.
    let note = Note::parse(many(16).as_bytes()).unwrap();
    assert_eq!(note.verify(&[a.verifier_key()]).unwrap().len(), 1);

    let big = "x".repeat(NOTE_BYTES_MAX) + "\n";
    assert!(matches!(
        Note::new(big.clone()),
        Err(NoteError::TooLarge { .. })
    ));
    assert!(matches!(
        Note::parse(format!("{big}\n{line}\n").as_bytes()),
        Err(NoteError::TooLarge { .. })
    ));
}

#[test]
fn the_text_is_split_at_the_last_blank_line() {
    let a = signer("a.example", 1);
    let inner = signed("inner\n", &[&a]).to_string();
    // A note whose text is itself a signed note: the outer signature covers all of it.
    let outer = signed(&inner, &[&a]);
    let parsed = Note::parse(outer.to_string().as_bytes()).unwrap();
    assert_eq!(parsed.text(), inner);
    assert_eq!(parsed.signatures().len(), 1);
    parsed.verify(&[a.verifier_key()]).unwrap();
}
