//! The hook for witnesses: a checkpoint the log has signed but not yet
//! published, and adding the cosignature lines a hook returns.

use clearstone_merkle::{Checkpoint, Hash, Note, VerifierKey, consistency_proof};

use crate::error::{AuditError, Result};
use crate::recover::prove_error;
use crate::tile_store::SizedReader;

/// A checkpoint signed by the log but not yet published, handed to the hook
/// of [`crate::AuditLog::integrate_with`] so that witnesses can cosign it. Its tiles
/// are already on disk.
pub struct StagedCheckpoint<'a> {
    note: &'a Note,
    checkpoint: &'a Checkpoint,
    previous_size: u64,
    reader: &'a SizedReader<'a>,
}

impl<'a> StagedCheckpoint<'a> {
    pub(crate) fn new(
        note: &'a Note,
        checkpoint: &'a Checkpoint,
        previous_size: u64,
        reader: &'a SizedReader<'a>,
    ) -> Self {
        StagedCheckpoint {
            note,
            checkpoint,
            previous_size,
            reader,
        }
    }

    /// The signed note, as a witness's `add-checkpoint` request carries it.
    pub fn note(&self) -> String {
        self.note.to_string()
    }

    pub fn checkpoint(&self) -> &Checkpoint {
        self.checkpoint
    }

    /// The size of the last published checkpoint.
    pub fn previous_size(&self) -> u64 {
        self.previous_size
    }

    /// The consistency proof from `old_size` (a witness's last size) to this
    /// checkpoint; empty for `old_size` 0, as tlog-witness expects.
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<Hash>> {
        consistency_proof(self.reader, old_size, self.checkpoint.size()).map_err(prove_error)
    }
}

/// Appends cosignature lines to a signed note; the log's own signature must
/// still verify afterwards, so a hook cannot smuggle in a bad one for our key.
pub(crate) fn add_cosignatures(
    note: &Note,
    lines: &[String],
    log_key: &VerifierKey,
) -> Result<Note> {
    let mut text = note.to_string();
    for line in lines {
        let line = line.strip_suffix('\n').unwrap_or(line);
        text.push_str(line);
        text.push('\n');
    }
    let combined = Note::parse(text.as_bytes()).map_err(AuditError::Cosignature)?;
    if combined.signatures().len() != note.signatures().len() + lines.len() {
        return Err(AuditError::Cosignature(
            clearstone_merkle::NoteError::MalformedSignatureLine {
                line: lines.join("\\n"),
            },
        ));
    }
    combined
        .verify(std::slice::from_ref(log_key))
        .map_err(AuditError::Cosignature)?;
    Ok(combined)
}
