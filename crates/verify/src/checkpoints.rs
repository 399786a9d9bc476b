//! Checking checkpoints: the log's signature and the witness quorum, that the
//! tiles hash to the signed root, and that a new checkpoint extends the one
//! accepted earlier, with the proof built locally from the log's tiles.

use clearstone_merkle::{
    Checkpoint, CheckpointError, Hash, Note, NoteError, OpenedCheckpoint, ProveError, Tile,
    TileHashReader, TileReadError, VerifiedSignature, consistency_proof, tree_root,
    verify_consistency,
};

use crate::args::Args;
use crate::outcome::{Failure, failed};
use crate::source::TileCache;

/// Opens a signed checkpoint: the log's signature must verify, and so must
/// every signature by a known witness; then the quorum is counted.
pub fn open(bytes: &[u8], args: &Args, what: &str) -> Result<OpenedCheckpoint, Failure> {
    let opened = Checkpoint::open(bytes, &args.origin, &args.key, &args.witnesses)
        .map_err(|e| failed(format!("{what}: {}", explain(bytes, args, e))))?;
    let count = cosigned(&opened.signatures, args);
    if count < args.quorum {
        return Err(failed(format!(
            "{what}: {count} of the {} witnesses cosigned it, --quorum needs {}",
            args.witnesses.len(),
            args.quorum
        )));
    }
    Ok(opened)
}

/// Says who did sign a note that the log's key did not.
fn explain(bytes: &[u8], args: &Args, e: CheckpointError) -> String {
    let unsigned = matches!(
        e,
        CheckpointError::Note(NoteError::NoVerifiedSignature)
            | CheckpointError::MissingLogSignature { .. }
    );
    let Some(note) = Note::parse(bytes).ok().filter(|_| unsigned) else {
        return e.to_string();
    };
    let signers: Vec<String> = note
        .signatures()
        .iter()
        .map(|s| format!("`{}+{:08x}`", s.name(), s.key_id()))
        .collect();
    format!(
        "it is not signed by the log key `{}+{:08x}`; its signatures are by {}",
        args.key.name(),
        args.key.key_id(),
        signers.join(", ")
    )
}

/// Witnesses whose cosignature verified.
pub fn cosigned(signatures: &[VerifiedSignature], args: &Args) -> usize {
    args.witnesses
        .iter()
        .filter(|w| {
            signatures
                .iter()
                .any(|s| s.name == w.name() && s.key_id == w.key_id())
        })
        .count()
}

type Reader<'a> = TileHashReader<Box<dyn Fn(&Tile) -> Result<Vec<Hash>, String> + 'a>>;

/// Reads complete-subtree hashes from the tiles of the tree of `size`.
pub fn reader<'a>(cache: &'a TileCache<'a>, size: u64) -> Reader<'a> {
    TileHashReader::new(size, Box::new(move |tile: &Tile| cache.tile(tile)))
}

pub fn prove_message(e: ProveError<TileReadError<String>>) -> String {
    match e {
        ProveError::Read { source, .. } => match source {
            TileReadError::Read { source, .. } => source,
            TileReadError::WrongWidth { tile, got } => {
                format!(
                    "tile `{}` holds {got} hashes, expected {}",
                    tile.path(),
                    tile.width()
                )
            }
            other => other.to_string(),
        },
        other => other.to_string(),
    }
}

/// The tiles must hash to the root the checkpoint signs: otherwise the log
/// serves a tree other than the one it vouches for.
pub fn check_tiles_root(cache: &TileCache<'_>, checkpoint: &Checkpoint) -> Result<(), Failure> {
    let size = checkpoint.size();
    let root = tree_root(&reader(cache, size), size).map_err(|e| failed(prove_message(e)))?;
    if root != *checkpoint.root() {
        return Err(failed(format!(
            "the tiles hash to root `{}` at size {size}, but the checkpoint signs `{}`",
            root.to_base64(),
            checkpoint.root().to_base64()
        )));
    }
    Ok(())
}

/// Two signed checkpoints that cannot both be true, and what shows it.
pub struct Fork {
    pub reason: String,
    /// `(from, to, proof, root)`: a consistency proof, read from the tiles of
    /// the larger tree, under which the smaller size has `root`.
    pub proof: Option<(u64, u64, Vec<Hash>, Hash)>,
}

pub enum Conflict {
    Fork(Fork),
    Failed(String),
}

/// Whether `now` extends `earlier` (both already verified). `Ok` carries a
/// line for the report.
pub fn compare(
    earlier: &Checkpoint,
    label: &str,
    now: &Checkpoint,
    cache: &TileCache<'_>,
) -> Result<String, Conflict> {
    let (old, new) = (earlier.size(), now.size());
    let b64 = |hash: &Hash| hash.to_base64();
    if old == new {
        return if earlier.root() == now.root() {
            Ok(format!("unchanged since {label} at size {old}"))
        } else {
            Err(Conflict::Fork(Fork {
                reason: format!(
                    "two signed checkpoints for size {old} have different roots: `{}` in {label}, `{}` now",
                    b64(earlier.root()),
                    b64(now.root())
                ),
                proof: None,
            }))
        };
    }
    if old < new {
        if old == 0 {
            return Ok(format!("{label} was the empty tree"));
        }
        return match prefix_root(cache, old, new, now.root()) {
            Ok((root, _)) if root == *earlier.root() => Ok(format!(
                "consistent with {label} at size {old} (proof built from the tiles)"
            )),
            Ok((root, proof)) => Err(Conflict::Fork(Fork {
                reason: format!(
                    "the checkpoint at size {new} does not extend {label}: \
                     its tree has root `{}` at size {old}, where {label} signs `{}`",
                    b64(&root),
                    b64(earlier.root())
                ),
                proof: Some((old, new, proof, root)),
            })),
            Err(e) => Err(Conflict::Failed(format!(
                "cannot prove size {new} consistent with {label} at size {old}: {e}"
            ))),
        };
    }
    // The log went back. If the tiles of the earlier, larger tree are still
    // served, they show whether the smaller checkpoint is even a prefix.
    match prefix_root(cache, new, old, earlier.root()) {
        Ok((root, proof)) if root != *now.root() => Err(Conflict::Fork(Fork {
            reason: format!(
                "the log went back from size {old} to {new}, and the checkpoint at size {new} \
                 (root `{}`) is not a prefix of {label}, whose tree has root `{}` there",
                b64(now.root()),
                b64(&root)
            ),
            proof: Some((new, old, proof, root)),
        })),
        _ => Err(Conflict::Failed(format!(
            "the log went back from size {old} ({label}) to size {new}; a log only grows"
        ))),
    }
}

/// The root at `small` of the tree of `large` leaves whose root is `root`,
/// read from tiles and authenticated by a consistency proof to that root.
fn prefix_root(
    cache: &TileCache<'_>,
    small: u64,
    large: u64,
    root: &Hash,
) -> Result<(Hash, Vec<Hash>), String> {
    let reader = reader(cache, large);
    let proof = consistency_proof(&reader, small, large).map_err(prove_message)?;
    let prefix = tree_root(&reader, small).map_err(prove_message)?;
    verify_consistency(small, large, &prefix, root, &proof)
        .map_err(|e| format!("the tiles' consistency proof does not verify: {e}"))?;
    Ok((prefix, proof))
}
