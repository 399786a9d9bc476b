//! A reference names the record it points at: where that record is hidden
//! from the session, the reference is left out of `show` and exports, as
//! the dossier leaves it out (see `links/mod.rs` for the data and who sees
//! what).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use std::sync::{Arc, Mutex};

use clearstone_engine::{ExportFormat, Session};
use links::*;

const COMPLAINT_1: &str = "psd:complaint:C1";

struct Sink(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn exported(s: &Session<'_>, format: ExportFormat) -> Vec<u8> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    s.export_statements(format, Box::new(Sink(buf.clone())), "test")
        .unwrap();
    buf.lock().unwrap().clone()
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

// issue 14, finding 5
#[test]
fn show_and_exports_leave_out_references_to_hidden_records() {
    let (_t, e) = fixture();
    // `psd-only` covers complaints but not the officers they are about.
    let psd = e.session(req("ana", "psd-only")).unwrap();
    let c1 = psd.show(COMPLAINT_1).unwrap();
    assert_eq!(c1.values("subject").count(), 0, "{c1:?}");
    assert_eq!(
        c1.values("complainant").collect::<Vec<_>>(),
        [COMPLAINANT_1],
        "a visible record is still referred to"
    );
    for format in [
        ExportFormat::Csv,
        ExportFormat::JsonLines,
        ExportFormat::Parquet,
    ] {
        let out = exported(&psd, format);
        assert!(
            !contains(&out, OFFICER_1),
            "{format:?} names a hidden officer"
        );
        assert!(contains(&out, COMPLAINANT_1), "{format:?}");
    }
    // Where the officer is visible, so is the reference to them.
    let pds = e.session(req("ana", "pds")).unwrap();
    let c1 = pds.show(COMPLAINT_1).unwrap();
    assert_eq!(c1.values("subject").collect::<Vec<_>>(), [OFFICER_1]);
    assert!(contains(&exported(&pds, ExportFormat::Csv), OFFICER_1));
}
