//! Helpers shared by the audit log's tests: seeded randomness, entries whose
//! bytes follow from their index, and an independent check of a log
//! directory using only the merkle crate and the verifier key.
#![allow(clippy::unwrap_used, clippy::panic, dead_code)]

use std::path::{Path, PathBuf};

use clearstone_audit::AuditLog;
use clearstone_audit::merkle::bundle::bundle_leaf_hashes;
use clearstone_audit::merkle::fsck::check_tiles;
use clearstone_audit::merkle::tile::tiles_for_size;
use clearstone_audit::merkle::{Checkpoint, Hash, Note, Tile, VerifierKey};

pub const ORIGIN: &str = "clearstone.test/audit";

/// splitmix64: small, seeded, good enough to pick sizes and moments.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// The bytes of entry `index`: its number and a length that varies with it,
/// so that a lost, swapped or altered entry shows.
pub fn entry(index: u64) -> Vec<u8> {
    let mut bytes = format!("{{\"v\":1,\"event\":{index},\"pad\":\"").into_bytes();
    bytes.extend(std::iter::repeat_n(
        b'a' + (index % 26) as u8,
        (index % 97) as usize,
    ));
    bytes.extend_from_slice(b"\"}");
    bytes
}

pub struct TestLog {
    pub tmp: tempfile::TempDir,
    pub dir: PathBuf,
    pub key: PathBuf,
}

pub fn new_log() -> (TestLog, AuditLog) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("audit");
    let key = tmp.path().join("keys").join("log.key");
    let log = AuditLog::create(&dir, &key, ORIGIN).unwrap();
    (TestLog { tmp, dir, key }, log)
}

pub fn read_tile(dir: &Path, tile: &Tile) -> Result<Vec<Hash>, String> {
    let bytes =
        std::fs::read(dir.join(tile.path())).map_err(|e| format!("{}: {e}", tile.path()))?;
    tile.hashes_from_bytes(&bytes).map_err(|e| e.to_string())
}

/// What an overseer checks, done here with the merkle crate alone: the
/// checkpoint is signed by `vkey`, the tiles recompute to its root, and every
/// bundle matches its level-0 tile. Returns the checkpoint.
pub fn check_dir(dir: &Path, vkey: &str) -> Result<Checkpoint, String> {
    let key = VerifierKey::parse(vkey).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(dir.join("checkpoint")).map_err(|e| e.to_string())?;
    let opened =
        Checkpoint::open(&bytes, key.name(), &key, &[]).map_err(|e| format!("checkpoint: {e}"))?;
    check_tree(dir, &opened.checkpoint)?;
    Ok(opened.checkpoint)
}

/// The checkpoint on disk, signature unchecked (Ed25519 verification takes
/// milliseconds in a debug build; tests that loop use this).
pub fn read_checkpoint(dir: &Path) -> Checkpoint {
    let bytes = std::fs::read(dir.join("checkpoint")).unwrap();
    let note = Note::parse(&bytes).unwrap();
    Checkpoint::parse(note.text()).unwrap()
}

/// The tiles recompute to the checkpoint's root and every bundle matches its
/// level-0 tile.
pub fn check_tree(dir: &Path, checkpoint: &Checkpoint) -> Result<(), String> {
    let size = checkpoint.size();
    let root = check_tiles(size, |tile| read_tile(dir, tile)).map_err(|e| format!("fsck: {e}"))?;
    if root != *checkpoint.root() {
        return Err(format!(
            "tiles recompute to {root}, checkpoint has {}",
            checkpoint.root()
        ));
    }
    for tile in tiles_for_size(size).filter(|t| t.level() == 0) {
        let path = tile.bundle_path().unwrap();
        let bundle = std::fs::read(dir.join(&path)).map_err(|e| format!("{path}: {e}"))?;
        let leaves = bundle_leaf_hashes(&bundle).map_err(|e| format!("{path}: {e}"))?;
        let hashes = read_tile(dir, &tile)?;
        if let Some(i) =
            (0..leaves.len().max(hashes.len())).find(|&i| leaves.get(i) != hashes.get(i))
        {
            return Err(format!(
                "entry {} in {path} does not match {}",
                tile.index() * 256 + i as u64,
                tile.path()
            ));
        }
    }
    Ok(())
}

/// Copies a directory tree (a log, to tamper with or fork).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), target).unwrap();
        }
    }
}
