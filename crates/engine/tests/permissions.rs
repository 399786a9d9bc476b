//! The data directory is its owner's alone: every file and directory the
//! engine writes has no group or other permission, and a directory that
//! others can read is refused unless the caller says sharing is intended.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use clearstone_engine::{
    Engine, EngineError, ResolveOptions, SearchPage, SessionRequest, SharedDir,
};

const ROWS: &str = "\
rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
p1,Ann,Jones,1,High Street,,Northshire,NS1 1AA,,19700101,AA000001
p2,Anne,Jones,1,High Street,,Northshire,NS1 1AA,,19700101,AA000001
p3,Bob,Ray,2,Low Street,,Northshire,NS1 1AB,,19800231,AA000002
";

fn req(user: &str) -> SessionRequest {
    SessionRequest {
        principal: user.into(),
        purpose: "pds".into(),
        justification: "checking file modes".into(),
        ..SessionRequest::default()
    }
}

/// Every file and directory under `dir`, `dir` included.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(entries(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

// issue 14, finding 4
#[test]
fn nothing_the_engine_writes_is_readable_by_other_users() {
    // A common default that leaves new files readable by everyone.
    rustix::process::umask(rustix::fs::Mode::from_bits_truncate(0o022));
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("people.csv"), ROWS).unwrap();
    std::fs::write(
        tmp.path().join("people.toml"),
        clearstone_demo::PEOPLE_MAPPING,
    )
    .unwrap();
    let e = Engine::init(&tmp.path().join("data"), None).unwrap();
    support::register(
        &e,
        "set-up",
        &[("ana", &["analyst", "data_engineer"])],
        &support::purpose("pds", &["analyst"], &["*"]),
    );
    let s = e.session(req("ana")).unwrap();
    let sum = s
        .ingest(&tmp.path().join("people.toml"), &mut |_| {})
        .unwrap();
    assert_eq!(sum.quarantined, 1, "{sum:?}");
    s.resolve(&ResolveOptions {
        schema: "Person".into(),
        ..ResolveOptions::default()
    })
    .unwrap();
    s.search("jones", SearchPage { offset: 0, size: 5 })
        .unwrap();
    drop(s);
    let dir = e.dir().to_path_buf();
    drop(e);
    let all = entries(&dir);
    for kind in [
        "clearstone.db",
        "checkpoint",
        "meta.json",
        "subject.key",
        "log.key",
    ] {
        assert!(
            all.iter().any(|p| p.ends_with(kind)),
            "no `{kind}` among {all:?}"
        );
    }
    let open: Vec<String> = all
        .iter()
        .filter(|p| mode(p) & 0o077 != 0)
        .map(|p| format!("{} {:04o}", p.display(), mode(p)))
        .collect();
    assert!(open.is_empty(), "readable by others: {open:#?}");
}

// issue 14, finding 4
#[test]
fn a_data_directory_others_can_read_is_refused_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    drop(Engine::init(&dir, None).unwrap());
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let refused = Engine::open(&dir).err().unwrap();
    assert!(
        matches!(refused, EngineError::SharedPermissions { .. }),
        "{refused}"
    );
    assert_eq!(refused.code(), "shared_permissions");
    let message = refused.to_string();
    for part in [
        dir.display().to_string().as_str(),
        "0755",
        "chmod",
        "--allow-shared-permissions",
    ] {
        assert!(message.contains(part), "`{part}` not in: {message}");
    }
    assert!(refused.is_user_error());
    // Told that sharing is intended, it opens.
    drop(Engine::open_with(&dir, SharedDir::Allow).unwrap());
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    drop(Engine::open(&dir).unwrap());
}

#[test]
fn init_takes_over_an_empty_directory_made_beforehand() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    drop(Engine::init(&dir, None).unwrap());
    assert_eq!(mode(&dir), 0o700);
}

#[test]
fn init_refuses_a_shared_directory_that_holds_files_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "kept").unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let refused = Engine::init(&dir, None).err().unwrap();
    assert_eq!(refused.code(), "shared_permissions", "{refused}");
    let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
    assert_eq!(left.len(), 1, "{left:?}");
}
