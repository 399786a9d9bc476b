//! A reference names the record it points at: where that record is hidden
//! from the session, the reference is left out of `show` and exports, as
//! the dossier leaves it out (see `links/mod.rs` for the data and who sees
//! what).
#![allow(clippy::unwrap_used, clippy::panic)]

mod links;
mod support;

use clearstone_engine::{ExportFormat, SearchPage, Session, graph_limits};
use links::*;

const COMPLAINT_1: &str = "psd:complaint:C1";

fn exported(s: &Session<'_>, format: ExportFormat) -> Vec<u8> {
    support::exported(s, format, "test")
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

// issue 14, finding 5: Ann's cluster id derives from her HR record, which
// `vetting-only` may not see; it knows her by an id of what it does see.
#[test]
fn a_cluster_is_named_by_its_visible_members_only() {
    let (_t, e) = fixture();
    let pds = e.session(req("ana", "pds")).unwrap();
    let real = pds.dossier(OFFICER_1).unwrap().id;
    assert!(real.starts_with("cs-"), "{real}");

    let vet = e.session(req("ana", "vetting-only")).unwrap();
    let d = vet.dossier(VETTING_1).unwrap();
    let members: Vec<&str> = d.members.iter().map(|m| m.entity_id.as_str()).collect();
    assert_eq!(members, [VETTING_1]);
    let shown = d.id.clone();
    assert!(shown.starts_with("cs-") && shown != real, "{shown}");
    assert!(!d.to_json().to_string().contains(&real));
    // The real id names nothing for it; the one it was shown opens the same.
    assert_eq!(vet.dossier(&real).unwrap_err().code(), "not_found");
    assert_eq!(vet.dossier(&shown).unwrap().members.len(), 1);
    // Search and the graph name it the same way.
    let hits = vet
        .search(
            "smithson",
            SearchPage {
                offset: 0,
                size: 20,
            },
        )
        .unwrap();
    let ann = hits
        .hits
        .iter()
        .find(|h| h.entities.iter().any(|x| x == VETTING_1))
        .unwrap();
    assert_eq!(ann.canonical, shown);
    let net = vet
        .graph_expand(VETTING_1, 2, &[], None, &graph_limits())
        .unwrap();
    assert!(net.nodes.iter().any(|n| n.id == shown), "{net:?}");
    assert!(net.nodes.iter().all(|n| n.id != real));
    assert!(
        net.edges.iter().all(|x| x.from != real && x.to != real),
        "{net:?}"
    );
    assert_eq!(vet.graph_neighbours(&real).unwrap_err().code(), "not_found");
    assert_eq!(vet.graph_neighbours(&shown).unwrap().node.id, shown);
    // Whoever sees every member is shown the cluster's own id.
    let net = pds
        .graph_expand(OFFICER_1, 1, &[], None, &graph_limits())
        .unwrap();
    assert!(net.nodes.iter().any(|n| n.id == real));
}
