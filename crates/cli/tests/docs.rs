//! The documentation as tests: the README's "Using it" commands run, in
//! order, as a new user would type them, and the docs' example files load,
//! so the docs cannot drift from what the binary does (issue 14).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_file(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first fenced block of `lang` after the line `after`.
fn block(text: &str, after: &str, lang: &str) -> String {
    let from = text
        .find(after)
        .unwrap_or_else(|| panic!("no `{after}` in the document"));
    let rest = &text[from..];
    let fence = format!("```{lang}\n");
    let start = rest.find(&fence).unwrap() + fence.len();
    let len = rest[start..].find("```").unwrap();
    rest[start..start + len].to_string()
}

/// The folder holding the `clearstone` binary, to put on PATH.
fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_clearstone"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs a shell script in `dir`, stopping at the first command that fails,
/// with the binary on PATH and no session from the caller's environment.
fn run_script(dir: &Path, script: &str) -> String {
    let path = std::env::join_paths(
        std::iter::once(bin_dir()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let mut c = Command::new("bash");
    c.args(["-e", "-u", "-x", "-c", script])
        .current_dir(dir)
        .env("PATH", path);
    for (k, _) in std::env::vars() {
        if k.starts_with("CLEARSTONE_") {
            c.env_remove(k);
        }
    }
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "a documented command failed (the last one traced):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The README's commands, then the graph guide's and the resolution
/// guide's against the data the README loaded, in one shell.
#[test]
fn the_readme_and_the_guides_run_as_written() {
    let readme = block(&repo_file("README.md"), "## Using it", "sh");
    assert!(
        readme
            .lines()
            .filter(|l| l.starts_with("clearstone "))
            .count()
            > 15
    );
    let graph = block(
        &repo_file("docs/graph.md"),
        "**On the command line:**",
        "sh",
    );
    let resolve = block(
        &repo_file("docs/resolve.md"),
        "## In a data directory",
        "sh",
    );
    let tmp = tempfile::tempdir().unwrap();
    // The resolution guide's `mine.toml` stands for the reader's own settings.
    std::fs::write(
        tmp.path().join("mine.toml"),
        clearstone_engine::DEFAULT_PERSON_SETTINGS,
    )
    .unwrap();
    run_script(tmp.path(), &format!("{readme}\n{graph}\n{resolve}"));
}

#[test]
fn the_purpose_file_in_docs_gate_md_registers_and_covers_its_own_data() {
    let gate = repo_file("docs/gate.md");
    let purpose = block(&gate, "A purpose file:", "toml");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("purpose.toml"), purpose).unwrap();
    run_script(
        tmp.path(),
        "clearstone demo --data-dir ./demo --scale 200 --no-ingest
         export CLEARSTONE_DATA_DIR=./data
         clearstone init --admin dpo-jsmith
         export CLEARSTONE_USER=dpo-jsmith CLEARSTONE_PURPOSE=administration CLEARSTONE_JUSTIFICATION='docs example'
         clearstone purpose add --file purpose.toml
         clearstone user add ana --role analyst --role data_engineer --clearance OFFICIAL-SENSITIVE --caveat HR
         export CLEARSTONE_USER=ana CLEARSTONE_PURPOSE=pds-investigation
         clearstone ingest --mapping demo/demo-sources/hr_staff.toml --mapping demo/demo-sources/complaints.toml",
    );
}

#[test]
fn the_mapping_in_docs_mapping_md_maps_a_row_without_quarantine() {
    let doc = repo_file("docs/mapping.md");
    let mapping = block(&doc, "# Mapping format", "toml");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("hr_staff.toml"), mapping).unwrap();
    std::fs::write(
        tmp.path().join("hr_staff.csv"),
        "staff_no,forename,surname,dob,collar,rank,unit,manager_no,ethnic_code,religion,addr1,addr2,town,postcode\n\
         4521,Jon,Smith,19800102,pc12,PC,PSD,4000,W1,none,1 High St,,Hallbridge,NX4 0AA\n",
    )
    .unwrap();
    let out = run_script(
        tmp.path(),
        "clearstone demo --data-dir ./data --scale 200 --no-ingest
         export CLEARSTONE_USER=demo-loader CLEARSTONE_PURPOSE=demo-load CLEARSTONE_JUSTIFICATION='the mapping guide'
         clearstone --data-dir ./data ingest --mapping hr_staff.toml",
    );
    assert!(out.contains(" 0 quarantined"), "{out}");
}
