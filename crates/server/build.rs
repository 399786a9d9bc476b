//! Embeds the front-end assets: the pinned packages `assets/fetch` unpacks
//! into `assets/vendor/` (fetched here when missing or out of date) and the
//! site's own files in `assets/site/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let root =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("no CARGO_MANIFEST_DIR")?);
    let assets = root.join("assets");
    for watched in ["manifest", "fetch", "site", "vendor/.manifest"] {
        println!("cargo::rerun-if-changed=assets/{watched}");
    }
    let manifest = read(&assets.join("manifest"))?;
    let unpacked = std::fs::read(assets.join("vendor/.manifest")).unwrap_or_default();
    if manifest != unpacked {
        let status = Command::new("bash")
            .arg(assets.join("fetch"))
            .status()
            .map_err(|e| format!("cannot run `crates/server/assets/fetch`: {e}"))?;
        if !status.success() {
            return Err(
                "the front-end assets pinned in `crates/server/assets/manifest` are not unpacked \
                 and could not be downloaded: run `crates/server/assets/fetch` once with network \
                 access to the npm registry (or NPM_REGISTRY set to a mirror), then build again"
                    .into(),
            );
        }
    }
    let mut files = Vec::new();
    collect(&assets.join("vendor"), "", &mut files)?;
    collect(&assets.join("site"), "", &mut files)?;
    files.sort();
    let mut out = String::from("pub(crate) static ASSETS: &[(&str, &[u8])] = &[\n");
    for (name, path) in &files {
        writeln!(out, "    ({name:?}, include_bytes!({:?})),", path.display())
            .map_err(|e| e.to_string())?;
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("no OUT_DIR")?).join("assets.rs");
    std::fs::write(&dest, out).map_err(|e| format!("cannot write `{}`: {e}", dest.display()))
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))
}

/// Every served file under `dir` as (path from `dir`, file); dot files and
/// the licence texts stay out.
fn collect(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read `{}`: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "licences" {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &format!("{prefix}{name}/"), out)?;
        } else {
            out.push((format!("{prefix}{name}"), path));
        }
    }
    Ok(())
}
