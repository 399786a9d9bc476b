//! [`AuditLog`]: appending entries, integrating them into tiles durably and
//! signing checkpoints, and serving proofs and receipts.

use std::fs::File;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clearstone_merkle::key::is_valid_key_name;
use clearstone_merkle::{
    Checkpoint, CheckpointError, Hash, Note, Receipt, SignerKey, VerifierKey, consistency_proof,
    empty_root, inclusion_proof,
};

use crate::cosign::{StagedCheckpoint, add_cosignatures};
use crate::durable::{self, DurableWriter, sync_dir};
use crate::edge::Edge;
use crate::error::{AuditError, CosignFailure, Result};
use crate::key_file;
use crate::recover::{
    CHECKPOINT_FILE, STAGED_FILE, check_consistency, load_checkpoint, prove_error, rebuild_edge,
    recover_staged,
};
use crate::tile_store::{SizedReader, TileStore};

/// The tlog-tiles bundle encoding prefixes each entry with a uint16 length.
pub const ENTRY_BYTES_MAX: usize = clearstone_merkle::bundle::ENTRY_BYTES_MAX;
/// Entries that may wait in memory for integration before `append` refuses.
pub const PENDING_ENTRIES_MAX: usize = 1 << 20;
/// Bytes of entries that may wait in memory for integration.
pub const PENDING_BYTES_MAX: usize = 256 << 20;

/// When [`AuditLog::maybe_integrate`] integrates: once `entries` are
/// pending, or once the oldest pending entry is `age` old.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchPolicy {
    pub entries: usize,
    pub age: Duration,
}

impl Default for BatchPolicy {
    fn default() -> Self {
        BatchPolicy {
            entries: 1024,
            age: Duration::from_secs(1),
        }
    }
}

/// The outcome of an integration: the tree now signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integrated {
    /// Entries in the log, all covered by the checkpoint.
    pub size: u64,
    pub root: Hash,
    /// Entries this call integrated; 0 when none were pending.
    pub added: u64,
    /// The signed checkpoint note, cosignatures included.
    pub checkpoint: String,
}

/// An append-only audit log in `dir`, laid out as C2SP tlog-tiles
/// (`checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`) and
/// signed with one Ed25519 key. One process at a time may open it.
pub struct AuditLog {
    pub(crate) dir: PathBuf,
    pub(crate) origin: String,
    key: SignerKey,
    verifier: VerifierKey,
    pub(crate) edge: Edge,
    checkpoint: Checkpoint,
    note: Note,
    pending: Vec<Vec<u8>>,
    pending_bytes: usize,
    pending_since: Option<Instant>,
    policy: BatchPolicy,
    pub(crate) store: TileStore,
    writer: DurableWriter,
    /// Set while `checkpoint.staged` may be on disk.
    staged_on_disk: bool,
    /// Set when checkpoints need cosignatures: only `integrate_with` publishes.
    cosign_required: bool,
    /// Held for the log's lifetime; closing it releases the lock.
    _lock: File,
}

impl AuditLog {
    /// Creates a log in `dir` (created if missing), generates its signing
    /// key at `key_path` (mode 0600; never overwritten) named `origin`, and
    /// signs the empty tree.
    pub fn create(dir: &Path, key_path: &Path, origin: &str) -> Result<Self> {
        if !is_valid_key_name(origin) || origin.chars().any(char::is_control) {
            return Err(AuditError::InvalidOrigin {
                origin: origin.to_owned(),
            });
        }
        let checkpoint_path = dir.join(CHECKPOINT_FILE);
        let exists = || AuditError::AlreadyExists {
            path: dir.display().to_string(),
        };
        if checkpoint_path.exists() {
            return Err(exists());
        }
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| AuditError::io("create", dir, e))?;
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
        let lock = durable::lock(dir)?;
        if checkpoint_path.exists() {
            return Err(exists());
        }
        let key = key_file::generate(origin)?;
        key_file::write(key_path, &key)?;
        let mut writer = DurableWriter::new(dir)?;
        let checkpoint = Checkpoint::new(origin, 0, empty_root())
            .map_err(|e| checkpoint_error(&checkpoint_path, e))?;
        let note = checkpoint
            .sign(&key)
            .map_err(|e| checkpoint_error(&checkpoint_path, e))?;
        writer.write_files([(CHECKPOINT_FILE, note.to_string().as_bytes())])?;
        Ok(Self::assemble(
            dir,
            key,
            Edge::default(),
            checkpoint,
            note,
            writer,
            lock,
        ))
    }

    /// Opens the log in `dir` with the key at `key_path`, recovering from a
    /// crash: the signed checkpoint is checked against the key and the tiles,
    /// files a crashed integration left half-done are dropped, and a
    /// checkpoint staged for cosigning is published.
    pub fn open(dir: &Path, key_path: &Path) -> Result<Self> {
        let checkpoint_path = dir.join(CHECKPOINT_FILE);
        if !checkpoint_path.is_file() {
            return Err(AuditError::NotFound {
                path: dir.display().to_string(),
            });
        }
        let lock = durable::lock(dir)?;
        let key = key_file::read(key_path)?;
        let verifier = key.verifier_key();
        let mut writer = DurableWriter::new(dir)?;
        let store = TileStore::new(dir);
        let (mut checkpoint, mut note) = load_checkpoint(&checkpoint_path, &verifier)?;
        if let Some((staged, staged_note)) =
            recover_staged(dir, &store, &mut writer, &verifier, &checkpoint)?
        {
            checkpoint = staged;
            note = staged_note;
        }
        let edge = rebuild_edge(&store, checkpoint.size(), checkpoint.root())?;
        let mut log = Self::assemble(dir, key, edge, checkpoint, note, writer, lock);
        log.store = store;
        Ok(log)
    }

    fn assemble(
        dir: &Path,
        key: SignerKey,
        edge: Edge,
        checkpoint: Checkpoint,
        note: Note,
        writer: DurableWriter,
        lock: File,
    ) -> Self {
        AuditLog {
            dir: dir.to_owned(),
            origin: checkpoint.origin().to_owned(),
            verifier: key.verifier_key(),
            key,
            edge,
            checkpoint,
            note,
            pending: Vec::new(),
            pending_bytes: 0,
            pending_since: None,
            policy: BatchPolicy::default(),
            store: TileStore::new(dir),
            writer,
            staged_on_disk: false,
            cosign_required: false,
            _lock: lock,
        }
    }

    /// The verifier key (`name+keyid+base64`) of the key file at `key_path`,
    /// without opening a log.
    pub fn read_verifier_key(key_path: &Path) -> Result<String> {
        Ok(key_file::read(key_path)?.verifier_key().to_string())
    }

    /// `name+keyid+base64`: all an overseer needs to check the log.
    pub fn verifier_key(&self) -> String {
        self.verifier.to_string()
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Integrated entries: the size of the signed checkpoint.
    pub fn size(&self) -> u64 {
        self.checkpoint.size()
    }

    pub fn root(&self) -> Hash {
        *self.checkpoint.root()
    }

    /// Entries appended but not yet integrated.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// The signed checkpoint note, as served at `<dir>/checkpoint`.
    pub fn checkpoint_text(&self) -> String {
        self.note.to_string()
    }

    pub fn checkpoint(&self) -> &Checkpoint {
        &self.checkpoint
    }

    pub fn batch_policy(&self) -> BatchPolicy {
        self.policy
    }

    pub fn set_batch_policy(&mut self, policy: BatchPolicy) {
        self.policy = policy;
    }

    /// From now on a checkpoint is published only with the cosignatures of
    /// [`integrate_with`](Self::integrate_with): [`integrate`](Self::integrate)
    /// refuses, and dropping the log leaves pending entries unsigned (they are
    /// the caller's to append again), so no checkpoint a witness never saw is
    /// published.
    pub fn require_cosignatures(&mut self) {
        self.cosign_required = true;
    }

    /// Buffers one entry and returns its index. It is evidence only once
    /// integrated: call [`integrate`](Self::integrate) or
    /// [`maybe_integrate`](Self::maybe_integrate).
    pub fn append(&mut self, entry: &[u8]) -> Result<u64> {
        if entry.len() > ENTRY_BYTES_MAX {
            return Err(AuditError::EntryTooLarge {
                bytes: entry.len(),
                max: ENTRY_BYTES_MAX,
            });
        }
        if self.pending.len() >= PENDING_ENTRIES_MAX
            || self.pending_bytes + entry.len() > PENDING_BYTES_MAX
        {
            return Err(AuditError::PendingFull {
                count: self.pending.len(),
                bytes: self.pending_bytes,
            });
        }
        let index = self
            .size()
            .checked_add(self.pending.len() as u64)
            .filter(|&index| index < u64::MAX)
            .ok_or(AuditError::Full)?;
        if self.pending.is_empty() {
            self.pending_since = Some(Instant::now());
        }
        self.pending.push(entry.to_vec());
        self.pending_bytes += entry.len();
        Ok(index)
    }

    /// Whether the batch policy calls for an integration now.
    pub fn integrate_due(&self) -> bool {
        !self.pending.is_empty()
            && (self.pending.len() >= self.policy.entries
                || self
                    .pending_since
                    .is_some_and(|since| since.elapsed() >= self.policy.age))
    }

    /// Integrates if the batch policy says so; call it after appends and from
    /// a timer so that no entry waits much longer than the policy's age.
    pub fn maybe_integrate(&mut self) -> Result<Option<Integrated>> {
        if self.integrate_due() {
            self.integrate().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Writes the pending entries' tiles and bundles durably, checks that the
    /// new tree is consistent with the last signed checkpoint, then signs and
    /// publishes a new checkpoint. On error nothing is published and the
    /// entries stay pending.
    pub fn integrate(&mut self) -> Result<Integrated> {
        if self.cosign_required && !self.pending.is_empty() {
            return Err(AuditError::CosignRequired {
                pending: self.pending.len(),
            });
        }
        self.integrate_inner(
            None::<fn(&StagedCheckpoint<'_>) -> Result<Vec<String>, CosignFailure>>,
        )
    }

    /// Like [`integrate`](Self::integrate), but before publishing, hands the
    /// signed checkpoint to `cosign`, which returns cosignature lines
    /// (`— <name> <base64>`) to add, for example from witnesses. The staged
    /// checkpoint is written to disk first: once a witness has seen it, a
    /// crash must not lose it, or the log could later sign a fork.
    pub fn integrate_with<F>(&mut self, cosign: F) -> Result<Integrated>
    where
        F: FnOnce(&StagedCheckpoint<'_>) -> Result<Vec<String>, CosignFailure>,
    {
        self.integrate_inner(Some(cosign))
    }

    fn integrate_inner<F>(&mut self, cosign: Option<F>) -> Result<Integrated>
    where
        F: FnOnce(&StagedCheckpoint<'_>) -> Result<Vec<String>, CosignFailure>,
    {
        if self.pending.is_empty() {
            return Ok(self.integrated(0));
        }
        let old_size = self.checkpoint.size();
        let old_root = *self.checkpoint.root();
        let batch = self.edge.extend(&self.pending)?;
        self.writer
            .write_files(batch.files.iter().map(|(p, b)| (p.as_str(), b.as_slice())))?;

        let new_size = batch.edge.size();
        let new_root = batch.edge.frontier.root();
        let reader = SizedReader::new(&self.store, new_size, Some(&batch.trees));
        check_consistency(&reader, old_size, &old_root, new_size, &new_root)?;

        let checkpoint_path = self.dir.join(CHECKPOINT_FILE);
        let checkpoint = Checkpoint::new(&self.origin, new_size, new_root)
            .map_err(|e| checkpoint_error(&checkpoint_path, e))?;
        let mut note = checkpoint
            .sign(&self.key)
            .map_err(|e| checkpoint_error(&checkpoint_path, e))?;
        if let Some(cosign) = cosign {
            self.writer
                .write_files([(STAGED_FILE, note.to_string().as_bytes())])?;
            self.staged_on_disk = true;
            let staged = StagedCheckpoint::new(&note, &checkpoint, old_size, &reader);
            let lines = cosign(&staged).map_err(AuditError::Cosign)?;
            note = add_cosignatures(&note, &lines, &self.verifier)?;
        }
        self.writer
            .write_files([(CHECKPOINT_FILE, note.to_string().as_bytes())])?;

        // Published: from here on the new state is the truth.
        for (tile, tree) in batch.trees {
            self.store.insert(tile, tree);
        }
        let added = new_size - old_size;
        self.edge = batch.edge;
        self.checkpoint = checkpoint;
        self.note = note;
        self.pending.clear();
        self.pending_bytes = 0;
        self.pending_since = None;
        if self.staged_on_disk {
            // A stale staged file is harmless (open drops one at or below the
            // checkpoint's size), so a failure here is not worth reporting.
            self.staged_on_disk = self.writer.remove(STAGED_FILE).is_err();
        }
        Ok(self.integrated(added))
    }

    fn integrated(&self, added: u64) -> Integrated {
        Integrated {
            size: self.checkpoint.size(),
            root: *self.checkpoint.root(),
            added,
            checkpoint: self.note.to_string(),
        }
    }

    fn reader(&self) -> SizedReader<'_> {
        SizedReader::new(&self.store, self.size(), None)
    }

    /// Checks that `index` names an integrated entry.
    pub(crate) fn check_index(&self, index: u64) -> Result<()> {
        let size = self.size();
        if index < size {
            Ok(())
        } else if index - size < self.pending.len() as u64 {
            Err(AuditError::Pending { index, size })
        } else {
            Err(AuditError::NoEntry { index, size })
        }
    }

    /// The inclusion proof of entry `index` in the current checkpoint.
    pub fn inclusion_proof(&self, index: u64) -> Result<Vec<Hash>> {
        self.check_index(index)?;
        inclusion_proof(&self.reader(), index, self.size()).map_err(prove_error)
    }

    /// The consistency proof from the tree of `old_size` entries to the
    /// current checkpoint (empty for 0 or the current size).
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<Hash>> {
        consistency_proof(&self.reader(), old_size, self.size()).map_err(prove_error)
    }

    /// The root of the tree of the first `size` entries, read from tiles.
    pub fn root_at(&self, size: u64) -> Result<Hash> {
        if size > self.size() {
            return Err(AuditError::SizeAhead {
                old_size: size,
                size: self.size(),
            });
        }
        // Tiles are read at the current size: every subtree complete in the
        // older tree is in them, while its own partial tiles may never have
        // been written.
        clearstone_merkle::tree_root(&self.reader(), size).map_err(prove_error)
    }

    /// A C2SP tlog-proof receipt for entry `index` against the current
    /// checkpoint; anyone with the entry and the verifier key can check it.
    pub fn receipt(&self, index: u64) -> Result<String> {
        let proof = self.inclusion_proof(index)?;
        Ok(Receipt::new(index, proof, self.note.clone())?.to_string())
    }
}

impl Drop for AuditLog {
    /// Integrates what is pending, best effort: an error cannot be reported
    /// from here, and the entries were never signed, so nothing signed is lost.
    /// A log that needs cosignatures has none to add here, so this refuses.
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            let _ = self.integrate();
        }
    }
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("dir", &self.dir)
            .field("origin", &self.origin)
            .field("size", &self.size())
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

fn checkpoint_error(path: &Path, source: CheckpointError) -> AuditError {
    AuditError::Checkpoint {
        path: path.display().to_string(),
        source,
    }
}
