//! How a run ends: the exit codes an overseer's scripts depend on.

use std::fmt;

/// Exit code when every check passed.
pub const EXIT_OK: u8 = 0;
/// Exit code for a bad command line or unreadable input given by the user.
pub const EXIT_USAGE: u8 = 1;
/// Exit code when the log fails a check (signature, tiles, consistency, fsck).
pub const EXIT_FAILED: u8 = 2;
/// Exit code when two signed checkpoints contradict each other.
pub const EXIT_FORK: u8 = 3;

#[derive(Debug)]
pub enum Failure {
    Usage(String),
    Failed(String),
    Fork(String),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) => EXIT_USAGE,
            Failure::Failed(_) => EXIT_FAILED,
            Failure::Fork(_) => EXIT_FORK,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(msg) => write!(f, "usage error: {msg}"),
            Failure::Failed(msg) => write!(f, "verification failed: {msg}"),
            Failure::Fork(msg) => write!(f, "fork: {msg}"),
        }
    }
}

pub fn usage(msg: impl Into<String>) -> Failure {
    Failure::Usage(msg.into())
}

pub fn failed(msg: impl Into<String>) -> Failure {
    Failure::Failed(msg.into())
}
