//! The CSV and JSON Lines readers with the mapping compiler, under libFuzzer.
//! The harness is the one the ingest crate's tests run on stable Rust.
#![no_main]

#[path = "../../crates/ingest/tests/fuzz_harness/mod.rs"]
mod fuzz_harness;

use std::sync::OnceLock;

static DIR: OnceLock<tempdir::Dir> = OnceLock::new();

mod tempdir {
    /// One folder for the run's files, named by process so runs can overlap.
    pub struct Dir(pub std::path::PathBuf);

    impl Dir {
        pub fn new() -> Self {
            let p = std::env::temp_dir().join(format!("clearstone-fuzz-{}", std::process::id()));
            std::fs::create_dir_all(&p).unwrap_or_default();
            Self(p)
        }
    }
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let dir = DIR.get_or_init(tempdir::Dir::new);
    fuzz_harness::check(&dir.0, data);
});
