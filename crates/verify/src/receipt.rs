//! Verifying a C2SP tlog-proof receipt for an entry the overseer holds.

use std::io::Read as _;
use std::path::Path;

use clearstone_merkle::bundle::ENTRY_BYTES_MAX;
use clearstone_merkle::receipt::RECEIPT_BYTES_MAX;
use clearstone_merkle::{Receipt, VerifiedReceipt, leaf_hash};

use crate::args::Args;
use crate::checkpoints::cosigned;
use crate::outcome::{Failure, failed, usage};

fn read_limited(path: &Path, bytes_max: usize, what: &str) -> Result<Vec<u8>, Failure> {
    let file = std::fs::File::open(path)
        .map_err(|e| usage(format!("cannot read {what} `{}`: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(bytes_max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| usage(format!("cannot read {what} `{}`: {e}", path.display())))?;
    Ok(bytes)
}

/// The receipt's checkpoint must be signed by the log (and the witness
/// quorum), and its proof must lead from the entry's leaf hash to that root.
pub fn verify(
    args: &Args,
    receipt_path: &Path,
    entry_path: &Path,
) -> Result<(Receipt, VerifiedReceipt), Failure> {
    let what = format!("receipt `{}`", receipt_path.display());
    let bytes = read_limited(receipt_path, RECEIPT_BYTES_MAX, "receipt")?;
    let entry = read_limited(entry_path, ENTRY_BYTES_MAX, "entry")?;
    if entry.len() > ENTRY_BYTES_MAX {
        return Err(failed(format!(
            "entry `{}` has more than {ENTRY_BYTES_MAX} bytes, so it cannot be a log entry",
            entry_path.display()
        )));
    }
    let receipt = Receipt::parse(&bytes).map_err(|e| failed(format!("{what}: {e}")))?;
    let verified = receipt
        .verify(&leaf_hash(&entry), &args.origin, &args.key, &args.witnesses)
        .map_err(|e| {
            failed(format!(
                "{what} does not prove entry `{}` at index {}: {e}",
                entry_path.display(),
                receipt.index()
            ))
        })?;
    let count = cosigned(&verified.signatures, args);
    if count < args.quorum {
        return Err(failed(format!(
            "{what}: {count} of the {} witnesses cosigned its checkpoint, --quorum needs {}",
            args.witnesses.len(),
            args.quorum
        )));
    }
    Ok((receipt, verified))
}
