//! *Verify now*'s second half: each witness's cosignature on the current
//! checkpoint, checked here with the `merkle` crate against the witness's
//! own key, so an overseer sees which independent parties vouch for the
//! log's state and whether each signature holds.

use clearstone_merkle::{Note, VerifierKey};

/// One witness as *Verify now* found it.
pub(crate) struct WitnessCheck {
    /// The witness's key name, e.g. `witness.northshire-pcp/w1`.
    pub name: String,
    pub key: String,
    pub verified: bool,
    /// What was found, in plain words.
    pub status: String,
}

/// Checks every witness key's cosignature on `checkpoint` (the signed note).
pub(crate) fn check(checkpoint: &str, keys: &[String]) -> Vec<WitnessCheck> {
    let note = Note::parse(checkpoint.as_bytes());
    keys.iter()
        .map(|k| {
            let (name, verified, status) = match (VerifierKey::parse(k), &note) {
                (Err(e), _) => (k.clone(), false, format!("its key does not parse: {e}")),
                (_, Err(e)) => (
                    k.clone(),
                    false,
                    format!("the checkpoint does not parse: {e}"),
                ),
                (Ok(key), Ok(note)) => {
                    let name = key.name().to_string();
                    let signed = note
                        .signatures()
                        .iter()
                        .any(|s| s.name() == key.name() && s.key_id() == key.key_id());
                    if !signed {
                        (name, false, "no cosignature on this checkpoint".to_string())
                    } else {
                        match note.verify(std::slice::from_ref(&key)) {
                            Ok(v) => {
                                let at = v
                                    .first()
                                    .and_then(|s| s.timestamp)
                                    .map(|t| format!(", cosigned at {t} (POSIX seconds)"))
                                    .unwrap_or_default();
                                (name, true, format!("its cosignature verifies{at}"))
                            }
                            Err(e) => {
                                (name, false, format!("its cosignature does not verify: {e}"))
                            }
                        }
                    }
                }
            };
            WitnessCheck {
                name,
                key: k.clone(),
                verified,
                status,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use clearstone_merkle::{Checkpoint, CosignerKey, SignerKey, leaf_hash};

    const ORIGIN: &str = "audit.example.gov.uk/clearstone";

    fn witness(n: u8) -> CosignerKey {
        CosignerKey::from_seed(&format!("witness{n}.example"), &[n; 32]).unwrap()
    }

    // issue 17, item 5 (overseer): *Verify now* checks the witnesses'
    // cosignatures, showing each witness and whether its signature verifies.
    #[test]
    fn each_witness_is_shown_with_whether_its_cosignature_verifies() {
        let log = SignerKey::from_seed(ORIGIN, &[7; 32]).unwrap();
        let checkpoint = Checkpoint::new(ORIGIN, 10, leaf_hash(b"r")).unwrap();
        let mut note = checkpoint.sign(&log).unwrap();
        note.add_signature(witness(1).cosign(&checkpoint, 1_700_000_000).unwrap())
            .unwrap();
        // Witness 3 signed another checkpoint: its line is on this one, but
        // the signature is not over this text.
        let other = Checkpoint::new(ORIGIN, 11, leaf_hash(b"s")).unwrap();
        note.add_signature(witness(3).cosign(&other, 1_700_000_000).unwrap())
            .unwrap();
        let keys: Vec<String> = [1, 2, 3]
            .map(|n| witness(n).verifier_key().to_string())
            .into();
        let found = check(&note.to_string(), &keys);
        let shown: Vec<(&str, bool)> = found
            .iter()
            .map(|w| (w.name.as_str(), w.verified))
            .collect();
        assert_eq!(
            shown,
            [
                ("witness1.example", true),
                ("witness2.example", false),
                ("witness3.example", false)
            ]
        );
        assert!(
            found[0].status.contains("1700000000"),
            "{}",
            found[0].status
        );
        assert_eq!(found[1].status, "no cosignature on this checkpoint");
        assert!(
            found[2].status.contains("does not verify"),
            "{}",
            found[2].status
        );
    }
}
