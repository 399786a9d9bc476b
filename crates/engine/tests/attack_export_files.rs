//! Where an export is written: a file of the user's own is replaced, but a
//! symbolic link or another user's file at the destination is refused
//! before anything is written, and the attempt is one failed event.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::Path;

use clearstone_engine::{Destination, Disclosure, Engine, ExportFormat, SessionRequest};

const MAPPING: &str = r#"version = 1
[dataset]
name = "hr"
[source]
format = "csv"
path = "people.csv"
[[entities]]
name = "person"
schema = "Person"
keys = ["id"]
subject_category = "staff"
[entities.properties]
name = { column = "name" }
"#;

fn engine(tmp: &Path) -> Engine {
    let e = Engine::init(&tmp.join("data"), None).unwrap();
    let work = support::purpose("pds", &["data_engineer"], &["hr"]);
    support::register(
        &e,
        "setting up exports",
        &[("ana", &["data_engineer"])],
        &work,
    );
    std::fs::write(tmp.join("people.csv"), "id,name\n1,Alice Smith\n").unwrap();
    std::fs::write(tmp.join("people.toml"), MAPPING).unwrap();
    e.session(request())
        .unwrap()
        .ingest(&tmp.join("people.toml"), &mut |_| {})
        .unwrap();
    e
}

fn request() -> SessionRequest {
    SessionRequest {
        principal: "ana".into(),
        purpose: "pds".into(),
        justification: "exporting for the file test".into(),
        ..SessionRequest::default()
    }
}

fn export(e: &Engine, to: &Path) -> Result<(), clearstone_engine::EngineError> {
    let s = e.session(request()).unwrap();
    let d = Disclosure {
        recipient: "the investigating officer",
        gateway: None,
    };
    s.export_statements(ExportFormat::Csv, Destination::File(to), &d)
        .map(|_| ())
}

fn disclosures(e: &Engine) -> Vec<String> {
    support::admin(e, "reading the disclosures")
        .events(1_000)
        .unwrap()
        .into_iter()
        .filter(|ev| ev.operation == "disclose" && ev.principal == "ana")
        .map(|ev| ev.outcome)
        .collect()
}

#[test]
fn an_export_refuses_a_link_or_another_users_file_at_its_destination() {
    let tmp = tempfile::tempdir().unwrap();
    let e = engine(tmp.path());
    let out = tempfile::tempdir().unwrap();

    // The user's own file: replaced, owner-only.
    let own = out.path().join("own.csv");
    std::fs::write(&own, "old").unwrap();
    export(&e, &own).unwrap();
    assert!(
        std::fs::read_to_string(&own)
            .unwrap()
            .contains("Alice Smith")
    );
    let mode = std::fs::metadata(&own).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");

    // A link: refused, and neither the link nor what it points at changes.
    let target = out.path().join("target.txt");
    std::fs::write(&target, "kept").unwrap();
    let link = out.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let err = export(&e, &link).unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");

    // Another user's file: refused, left as it was.
    let theirs = out.path().join("theirs.csv");
    std::fs::write(&theirs, "theirs").unwrap();
    let me = std::fs::metadata(&theirs).unwrap().uid();
    std::os::unix::fs::chown(&theirs, Some(me + 1), None).unwrap();
    let err = export(&e, &theirs).unwrap_err();
    assert_eq!(err.code(), "invalid_input", "{err}");
    assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "theirs");

    // One event each; the refused ones sent nothing.
    let outcomes = disclosures(&e);
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| *o == "failed: invalid_input")
            .count(),
        2,
        "{outcomes:?}"
    );
}
