//! Engine work (opening a session, reading, appending events, drawing a
//! page) runs on blocking threads, a few at a time. Each act is CPU work
//! on the store and the index, so running every request's act at once
//! only made them take turns on the cores, swap threads and queue on the
//! engine's locks: the slowest waited longest. Beyond the limit requests
//! wait their turn in arrival order, which keeps the tail short.

use std::sync::LazyLock;

use tokio::sync::Semaphore;
use tokio::task::JoinError;

/// Acts running at once per core: one on the core, one ready to take it
/// while the other waits on the disk or a lock.
const ACTS_PER_CORE: usize = 2;

static ACTS: LazyLock<Semaphore> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    Semaphore::new((cores * ACTS_PER_CORE).clamp(2, 64))
});

/// Runs `f` on a blocking thread once one of the few places is free.
pub(crate) async fn run<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, JoinError> {
    // The semaphore is never closed, so acquiring fails only if it were;
    // the act then runs without waiting rather than not at all.
    let _turn = ACTS.acquire().await.ok();
    tokio::task::spawn_blocking(f).await
}
