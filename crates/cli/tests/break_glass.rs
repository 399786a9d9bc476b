//! Break-glass from the command line: started, used, and ended early.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

fn bin(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_clearstone"));
    c.arg("--data-dir").arg(dir);
    for k in [
        "CLEARSTONE_USER",
        "CLEARSTONE_PURPOSE",
        "CLEARSTONE_JUSTIFICATION",
        "CLEARSTONE_CASE",
        "CLEARSTONE_DATA_DIR",
    ] {
        c.env_remove(k);
    }
    c
}

fn as_analyst(dir: &Path) -> Command {
    let mut c = bin(dir);
    c.env("CLEARSTONE_USER", "demo-analyst")
        .env("CLEARSTONE_PURPOSE", "demo")
        .env(
            "CLEARSTONE_JUSTIFICATION",
            "a child reported missing tonight, duty inspector agreed",
        );
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn refused(out: Output, code: &str) {
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(code), "{err}");
}

// issue 17: "a cli command to end break-glass".
#[test]
fn a_grant_is_ended_from_the_command_line_and_refused_after() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    ok(bin(&dir)
        .args(["demo", "--scale", "300", "--seed", "3", "--no-serve"])
        .output()
        .unwrap());
    // Nothing to end yet.
    refused(
        as_analyst(&dir)
            .args(["break-glass", "--end"])
            .output()
            .unwrap(),
        "break_glass_not_active",
    );
    ok(as_analyst(&dir)
        .args(["break-glass", "--minutes", "30"])
        .output()
        .unwrap());
    ok(as_analyst(&dir)
        .args(["datasets", "--break-glass"])
        .output()
        .unwrap());
    let said = ok(as_analyst(&dir)
        .args(["break-glass", "--end"])
        .output()
        .unwrap());
    assert!(said.contains("ended"), "{said}");
    refused(
        as_analyst(&dir)
            .args(["datasets", "--break-glass"])
            .output()
            .unwrap(),
        "break_glass_not_active",
    );
    // Both or neither of --minutes and --end is a usage error.
    let out = as_analyst(&dir)
        .args(["break-glass", "--end", "--minutes", "5"])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let out = as_analyst(&dir).args(["break-glass"]).output().unwrap();
    assert_ne!(out.status.code(), Some(0));
}
