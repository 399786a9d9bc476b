//! The case-note pages in a real headless Chromium (issue 19, item 8):
//! `browser/notes.mjs` signs in, starts work, reads a note and reveals it,
//! opens the child's notes with their summary and chronology, follows a
//! summary sentence to its highlighted span, sends an empty note back with
//! its error, confirms the summary, uploads a recording to be transcribed
//! and asks the model for a summary, running axe-core (WCAG 2.2 AA) on
//! every page. Screenshots go to `<target>/browser-artifacts/notes/`.
//!
//! Needs Chromium and the pinned node packages, as `browser.rs` does.
#![allow(clippy::unwrap_used, clippy::panic)]

mod note_fixture;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!(
        "no Chromium for the browser test: install it with `apt-get install -y chromium` \
         (or set CHROMIUM to its executable)"
    )
}

#[test]
fn note_pages_in_chromium_pass_axe_and_citations_target_their_spans() {
    let chromium = chromium();
    let driver_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        driver_dir.join("node_modules/playwright-core").is_dir()
            && driver_dir.join("node_modules/axe-core").is_dir(),
        "the browser test's node packages are missing: run `npm ci --prefix crates/server/tests/browser`"
    );
    let server = note_fixture::start_with_models(note_fixture::models(false));
    // The test binary lives in <target>/debug/deps.
    let exe = std::env::current_exe().unwrap();
    let out = exe
        .ancestors()
        .nth(3)
        .unwrap()
        .join("browser-artifacts/notes");
    let run = Command::new("node")
        .arg(driver_dir.join("notes.mjs"))
        .env("BASE_URL", &server.base)
        .env("CHROMIUM", &chromium)
        .env("ARTIFACTS", &out)
        .env("USER_ID", "sw")
        .env("PASSWORD", support::PASSWORD)
        .env("NOTE_ID", note_fixture::NOTE)
        .env("CHILD_ID", note_fixture::CHILD)
        .output()
        .expect("node runs (install Node.js 18 or later)");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success(),
        "the note pages' walk-through failed (screenshots and report.json in `{}`):\n{stdout}\n{stderr}",
        out.display()
    );
    println!("{stdout}");
}
