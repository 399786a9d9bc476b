//! Durable file writes: every file is written to `tmp/`, fsynced, renamed into
//! place and its directory fsynced, so after a crash a path holds either its
//! old bytes or its complete new bytes, never a torn mix. The log's directory
//! is locked so that two processes never write the same log.

use std::collections::{BTreeSet, HashSet};
use std::fs::{self, DirBuilder, File, OpenOptions, TryLockError};
use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use crate::error::{AuditError, Result};

/// Where files are staged before the rename; cleared on open.
pub(crate) const TMP_DIR: &str = "tmp";
const LOCK_FILE: &str = "lock";

pub(crate) struct DurableWriter {
    root: PathBuf,
    tmp: PathBuf,
    next_tmp: u64,
    /// Directories known to exist, so that each is created (and its parent
    /// synced) once per process rather than stat'ed on every write.
    known_dirs: HashSet<PathBuf>,
}

impl DurableWriter {
    /// Takes over `root/tmp`, deleting what a crashed writer left there: those
    /// files were never renamed into place, so nothing refers to them.
    pub(crate) fn new(root: &Path) -> Result<Self> {
        let tmp = root.join(TMP_DIR);
        match fs::read_dir(&tmp) {
            Ok(listing) => {
                for item in listing {
                    let item = item.map_err(|e| AuditError::io("list", &tmp, e))?;
                    let path = item.path();
                    fs::remove_file(&path).map_err(|e| AuditError::io("remove", &path, e))?;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create_private_dir(&tmp).map_err(|e| AuditError::io("create", &tmp, e))?;
            }
            Err(e) => return Err(AuditError::io("list", &tmp, e)),
        }
        Ok(DurableWriter {
            root: root.to_owned(),
            tmp,
            next_tmp: 0,
            known_dirs: HashSet::new(),
        })
    }

    /// Writes each `(relative path, bytes)` durably. When this returns, every
    /// file and directory entry is on disk; callers rely on that ordering to
    /// write tiles before the checkpoint that covers them.
    pub(crate) fn write_files<'a>(
        &mut self,
        files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
    ) -> Result<()> {
        let mut dirs_to_sync = BTreeSet::new();
        for (relative, bytes) in files {
            let target = self.root.join(relative);
            let parent = target.parent().unwrap_or(&self.root).to_owned();
            self.ensure_dir(&parent, &mut dirs_to_sync)?;
            let staged = self.tmp.join(self.next_tmp.to_string());
            self.next_tmp += 1;
            write_synced(&staged, bytes)?;
            fs::rename(&staged, &target).map_err(|e| AuditError::io("rename into", &target, e))?;
            dirs_to_sync.insert(parent);
        }
        for dir in &dirs_to_sync {
            sync_dir(dir)?;
        }
        Ok(())
    }

    /// Creates `dir` and any missing parents, noting the parents whose
    /// listings changed so they are synced too.
    fn ensure_dir(&mut self, dir: &Path, dirs_to_sync: &mut BTreeSet<PathBuf>) -> Result<()> {
        if self.known_dirs.contains(dir) {
            return Ok(());
        }
        if !dir.is_dir() {
            if let Some(parent) = dir.parent() {
                self.ensure_dir(parent, dirs_to_sync)?;
                dirs_to_sync.insert(parent.to_owned());
            }
            match create_private_dir(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(AuditError::io("create", dir, e)),
            }
        }
        self.known_dirs.insert(dir.to_owned());
        Ok(())
    }

    /// Removes a file if it exists; the removal need not be durable.
    pub(crate) fn remove(&self, relative: &str) -> Result<()> {
        let path = self.root.join(relative);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(AuditError::io("remove", &path, e)),
        }
    }
}

/// The log's files are readable by their owner only, like the rest of the
/// data directory; overseers get them through the owner (a copy, a server).
fn private_file() -> OpenOptions {
    let mut o = OpenOptions::new();
    o.mode(0o600);
    o
}

/// A directory readable by its owner only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    DirBuilder::new().mode(0o700).create(dir)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = private_file()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
        .map_err(|e| AuditError::io("create", path, e))?;
    file.write_all(bytes)
        .map_err(|e| AuditError::io("write", path, e))?;
    file.sync_data()
        .map_err(|e| AuditError::io("sync", path, e))
}

/// fsync on a directory makes its entries (renames, new files) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| AuditError::io("sync", dir, e))
}

/// Takes the log's exclusive lock, held for as long as the file stays open;
/// the kernel drops it when the process dies, even by SIGKILL.
pub(crate) fn lock(root: &Path) -> Result<File> {
    let path = root.join(LOCK_FILE);
    let file = private_file()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| AuditError::io("open", &path, e))?;
    // A lock just released can stay held for a moment: a process another
    // thread is starting holds a copy of every open file until it runs its
    // program. So a held lock is asked again a few times before it counts.
    for _ in 0..LOCK_TRIES {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => std::thread::sleep(LOCK_RETRY),
            Err(TryLockError::Error(e)) => return Err(AuditError::io("lock", &path, e)),
        }
    }
    Err(AuditError::Locked {
        path: root.display().to_string(),
    })
}

/// How often, and how far apart, a held lock is asked for before opening
/// fails: long enough for a starting process to run its program, short
/// enough that a log truly in use is reported at once.
const LOCK_TRIES: usize = 20;
const LOCK_RETRY: std::time::Duration = std::time::Duration::from_millis(10);
